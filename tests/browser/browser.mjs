// Drives Debian's Chromium, headless, through playwright-core, and prints what it saw as JSON.
// The Rust tests in tests/browser.rs build and serve a site, run this, and assert on its output,
// so every expectation lives beside the rest of the tests.
//
//   node browser.mjs search     '{"url": "...", "select": {"name": "source", "value": "X"}}'
//   node browser.mjs axe        '{"urls": ["...", "..."], "imagesOff": false, "colorScheme": "dark"}'
//   node browser.mjs play       '{"url": "...", "media": "https://cdn.example/episode.mp3"}'
//   node browser.mjs keyboard   '{"url": "..."}'
//   node browser.mjs screenshot '{"url": "...", "dir": "..."}'
//   node browser.mjs xss        '{"urls": ["...", "..."]}'

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
// A picture of one grey pixel.
const PIXEL = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

const [scenario, raw] = process.argv.slice(2);
// What the search page says when it is done, in English or in Welsh.
const DONE = /found|Type a word|dod o hyd|Teipiwch air/;
const args = JSON.parse(raw || "{}");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  // Without the background-networking flags Chromium keeps calling out to a network that a
  // CI machine does not have.
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});

try {
  const scenarios = { search, axe, keyboard, screenshot, xss, follow, play };
  if (!scenarios[scenario]) throw new Error(`unknown scenario ${scenario}`);
  const result = await scenarios[scenario](args);
  process.stdout.write(JSON.stringify(result) + "\n");
} finally {
  await browser.close();
}

async function newPage(width = 1280, height = 900) {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  return { page, errors };
}

// Loads a page, follows the link with the given text, and says where it landed.
async function follow({ url, text }) {
  const { page, errors } = await newPage();
  await page.goto(url);
  await Promise.all([page.waitForLoadState("load"), page.getByRole("link", { name: text, exact: true }).click()]);
  await page.waitForLoadState("load");
  const lang = await page.evaluate(() => document.documentElement.lang);
  const heading = await page.locator("h1").first().textContent();
  return { url: page.url(), lang, heading, errors };
}

// Loads a search address, waits for the results, and reads them; optionally picks a filter.
async function search({ url, select }) {
  const { page, errors } = await newPage();
  const requests = [];
  page.on("requestfinished", async (request) => {
    const response = await request.response();
    const body = response ? await response.body().catch(() => Buffer.alloc(0)) : Buffer.alloc(0);
    requests.push({ url: request.url(), bytes: body.length });
  });
  await page.goto(url);
  const status = page.locator("#search-status");
  await status.filter({ hasText: DONE }).waitFor({ timeout: 15000 });
  const read = async () => ({
    status: await status.textContent(),
    titles: await page.locator(".search-results h2 a").allTextContents(),
    links: await page.locator(".search-results h2 a").evaluateAll((as) => as.map((a) => a.getAttribute("href"))),
    marks: await page.locator(".search-results mark").allTextContents(),
    langs: await page.locator(".search-results h2").evaluateAll((hs) => hs.map((h) => h.lang)),
  });
  const first = await read();
  let filtered = null;
  if (select) {
    const before = first.status;
    await page.selectOption(`select[name="${select.name}"]`, select.value);
    await page.waitForFunction((old) => document.querySelector("#search-status").textContent !== old, before, {
      timeout: 15000,
    });
    filtered = await read();
    filtered.address = page.url();
  }
  const searchBytes = requests.filter((r) => r.url.includes("/pagefind/")).reduce((sum, r) => sum + r.bytes, 0);
  return { first, filtered, errors, searchBytes, requests: requests.length };
}

// Runs axe at WCAG 2.2 AA over each page; search pages are checked once their results are in.
// With imagesOff, every image request fails, as for a reader who turns images off or whose
// connection drops them: the page must still read, and still pass.
// With colorScheme "dark", the page is checked as a reader who prefers a dark scheme sees it.
async function axe({ urls, imagesOff = false, colorScheme = "light" }) {
  const report = {};
  for (const url of urls) {
    const { page, errors } = await newPage();
    await page.emulateMedia({ colorScheme });
    let blocked = 0;
    if (imagesOff) {
      await page.route("**/*", (route) => {
        if (route.request().resourceType() !== "image") return route.continue();
        blocked += 1;
        return route.abort();
      });
    } else {
      await stubRemoteImages(page);
    }
    await page.goto(url);
    if (url.includes("/search/")) {
      await page.locator("#search-status").filter({ hasText: DONE }).waitFor({ timeout: 15000 });
    }
    await page.addScriptTag({ content: AXE_SOURCE });
    const result = await page.evaluate(async (tags) => {
      const outcome = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
      return outcome.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
      }));
    }, WCAG_22_AA);
    const images = await page.evaluate(() =>
      [...document.images].map((img) => ({ alt: img.getAttribute("alt"), src: img.currentSrc || img.src, loading: img.loading })),
    );
    // An image that failed is reported by Chromium as a console error: expected here.
    const unexpected = imagesOff ? errors.filter((e) => !e.includes("ERR_FAILED")) : errors;
    report[url] = { violations: result, errors: unexpected, images, blocked };
    await page.close();
  }
  return report;
}

// The first Tab reaches the skip link, visibly; Enter moves focus to the main content.
async function keyboard({ url }) {
  const { page } = await newPage();
  await page.goto(url);
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
      text: el.textContent.trim(),
      href: el.getAttribute("href"),
      outlineStyle: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth),
      visible: box.width > 0 && box.height > 0 && box.top >= 0 && box.bottom <= innerHeight,
    };
  });
  await page.keyboard.press("Enter");
  await page.waitForTimeout(100);
  const afterEnter = await page.evaluate(() => document.activeElement.id);
  // Tab on to the first link inside the header, and check its focus indicator too.
  await page.goto(url);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  const second = await page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { text: el.textContent.trim(), outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) };
  });
  return { first, afterEnter, second };
}

// The page at a phone's width and a desktop's, kept as artefacts of the run.
async function screenshot({ url, dir }) {
  const shots = [];
  for (const [name, width, height] of [["phone", 375, 812], ["desktop", 1280, 900]]) {
    const { page } = await newPage(width, height);
    await page.goto(url);
    const path = `${dir}/home-${name}.png`;
    await page.screenshot({ path, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > innerWidth);
    shots.push({ name, path, horizontalScroll: overflow });
    await page.close();
  }
  return shots;
}

// Loads pages and reports every sign of script that the pages themselves brought: dialogs,
// calls to alert, confirm, prompt or print, and any script Chromium compiled from a page's own
// markup (inline scripts, event handlers, javascript: URLs) rather than from a .js file.
async function xss({ urls }) {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    for (const name of ["alert", "confirm", "prompt", "print"]) {
      window[name] = (...args) => {
        (window.__ran ||= []).push(`${name}(${args.join(",")})`);
      };
    }
  });
  const ran = [];
  page.on("dialog", async (dialog) => {
    ran.push(`${page.url()}: dialog ${dialog.message()}`);
    await dialog.dismiss();
  });
  await page.coverage.startJSCoverage({ resetOnNavigation: false });
  for (const url of urls) {
    await page.goto(url, { waitUntil: "load" });
    // Handlers on images that fail to load, animations and the like fire just after load.
    await page.waitForTimeout(20);
    const calls = await page.evaluate(() => window.__ran || []);
    ran.push(...calls.map((call) => `${url}: ${call}`));
  }
  const coverage = await page.coverage.stopJSCoverage();
  const inline = coverage
    .map((entry) => entry.url)
    .filter((url) => url !== "")
    .filter((url) => !/\.m?js(\?|$)/.test(new URL(url, "http://x/").pathname));
  return { ran, inline: [...new Set(inline)].sort(), pages: urls.length };
}

// Images from other hosts (a blog's own, a CDN's) are given this instead, as a test machine
// has no network to fetch them from.
async function stubRemoteImages(page) {
  await page.route(
    (url) => url.hostname !== "127.0.0.1",
    (route) =>
      route.request().resourceType() === "image"
        ? route.fulfill({ status: 200, contentType: "image/png", body: PIXEL })
        : route.fallback(),
  );
}

// A short WAV of silence: what the test serves in place of a podcast's file, which is on a host
// a test machine cannot reach. Chromium reads the bytes for what they are, whatever the type.
function silence(seconds = 2, rate = 8000) {
  const samples = seconds * rate;
  const wav = Buffer.alloc(44 + samples);
  wav.write("RIFF", 0);
  wav.writeUInt32LE(36 + samples, 4);
  wav.write("WAVEfmt ", 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate, 28);
  wav.writeUInt16LE(1, 32);
  wav.writeUInt16LE(8, 34);
  wav.write("data", 36);
  wav.writeUInt32LE(samples, 40);
  wav.fill(128, 44);
  return wav;
}

// Opens a post's page, reads its player before anything is fetched (nothing may autoplay or
// preload), then presses play as a reader would and reports what the browser played.
async function play({ url, media }) {
  const { page, errors } = await newPage();
  const fetched = [];
  await page.route(media, (route) => {
    fetched.push(route.request().url());
    return route.fulfill({ status: 200, contentType: "audio/mpeg", body: silence() });
  });
  await stubRemoteImages(page);
  await page.goto(url, { waitUntil: "load" });
  await page.waitForTimeout(300);
  const player = page.locator("audio, video").first();
  const before = await player.evaluate((el) => ({
    tag: el.tagName.toLowerCase(),
    controls: el.controls,
    autoplay: el.autoplay,
    preload: el.getAttribute("preload"),
    paused: el.paused,
    sources: [...el.querySelectorAll("source")].map((s) => ({ src: s.src, type: s.type })),
    canPlay: [...el.querySelectorAll("source")].map((s) => el.canPlayType(s.type)),
  }));
  const fetchedBeforePlay = fetched.length;
  // A click gives the page the user activation a browser asks before sound plays.
  await player.click({ position: { x: 10, y: 10 } }).catch(() => {});
  const played = await player.evaluate(
    (el) =>
      new Promise((resolve) => {
        const done = (outcome) => resolve({ outcome, currentSrc: el.currentSrc, currentTime: el.currentTime, error: el.error && el.error.message });
        el.addEventListener("timeupdate", () => el.currentTime > 0 && done("playing"));
        el.addEventListener("error", () => done("error"), true);
        setTimeout(() => done("timeout"), 10000);
        el.play().catch((e) => done(`refused: ${e}`));
      }),
  );
  const download = await page.locator("a.enclosure-link").evaluateAll((as) => as.map((a) => ({ href: a.href, text: a.textContent.trim() })));
  return { before, fetchedBeforePlay, played, download, errors };
}
