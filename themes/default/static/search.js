// Search for roundup's default theme, on the search page only: every other page works without
// JavaScript. It runs on Pagefind's chunked index, so a query fetches a few small files rather
// than one big index. State lives in the address (search/?q=word&tag=...&sort=newest), so a
// plain link or a form with no script reaches a search.
//
// The index is in shards by publication time, each a Pagefind index of its own, named newest
// first in the form's data-shards. They are merged (Pagefind's mergeIndex) and searched as one.
// Pagefind orders merged results by score; sorted by date, a result's score is its place in its
// own shard's order. So a search sorted by date runs on a second merge in which each shard
// weighs 2^13 times the one before it (indexWeight; a shard has fewer than 8,191 posts): every
// place in a newer shard then outscores every place in an older one, and the merged order is the
// date order across all shards, either way round.

const FILTERS = ["type", "source", "organisation", "tag", "category"];
// Ten at a time: each result is a fragment to download.
const PAGE_SIZE = 10;
const OPTIONS = { excerptLength: 30 };

const form = document.querySelector("form.search-form");
const results = document.getElementById("search");
// In the page from the start, so screen readers announce what is put in it.
const announcer = document.getElementById("search-status");
// What the page says, in its language: the search page carries its catalogue's strings.
const say = form ? form.dataset : {};

if (form && results && announcer) {
  start().catch((error) => {
    announce(say.failed + " " + error.message);
  });
}

// "{count} found": a catalogue string with its placeholders filled in.
function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
}

// One index serves every language: its addresses are the first language's, under the folder
// search.js lives in; a page in another language links to its own copies.
const root = new URL(".", import.meta.url).pathname;
function localised(url) {
  const prefix = say.prefix || root;
  return url.startsWith(root) ? prefix + url.slice(root.length) : url;
}

// The index holds the day as 2026-03-03; the page writes it out with its month names.
function day(iso) {
  const [year, month, date] = (iso || "").split("-").map(Number);
  const months = (say.months || "").split("|");
  return year && months[month - 1] ? `${date} ${months[month - 1]} ${year}` : iso || "";
}

async function start() {
  const pagefind = await import(new URL("pagefind/pagefind.js", import.meta.url).href);
  await pagefind.options(OPTIONS);
  const shards = (form.dataset.shards || "").split(/\s+/).filter(Boolean);
  // Each merge is made the first time a search needs it: most readers never sort by date.
  const merges = {};
  const merged = (kind) => {
    merges[kind] ||= merge(pagefind, shards, kind);
    return merges[kind];
  };
  // The menus are in the page already, with every value and count: asking Pagefind for them
  // would download every filter list.
  const params = new URLSearchParams(location.search);
  for (const field of form.elements) {
    if (!field.name) continue;
    const value = params.get(field.name) || "";
    const known = field.tagName !== "SELECT" || [...field.options].some((o) => o.value === value);
    if (known) field.value = value;
  }

  const run = async (push) => {
    const state = readForm();
    if (push) {
      history.replaceState(null, "", "?" + state.params.toString());
    }
    await show(merged, state);
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(true);
  });
  form.addEventListener("change", (event) => {
    if (event.target.tagName === "SELECT") run(true);
  });
  await run(false);
}

// Merges every shard into one search: "best" into the page's own Pagefind, as each shard scores
// itself; "dated" into an instance of its own, weighed for sorting by date.
async function merge(pagefind, shards, kind) {
  if (kind === "best") {
    await Promise.all(shards.map((shard) => pagefind.mergeIndex(shard, OPTIONS)));
    return pagefind;
  }
  const instance = pagefind.createInstance(OPTIONS);
  const weight = (newest) => 2 ** (13 * (shards.length - 1 - newest));
  await Promise.all(shards.map((shard, i) => instance.mergeIndex(shard, { ...OPTIONS, indexWeight: weight(i) })));
  return instance;
}

function readForm() {
  const data = new FormData(form);
  const params = new URLSearchParams();
  const filters = {};
  for (const [key, value] of data) {
    if (!value) continue;
    params.set(key, value);
    if (FILTERS.includes(key)) filters[key] = value;
  }
  const query = (data.get("q") || "").trim();
  const order = data.get("sort");
  const sort = order === "newest" ? { date: "desc" } : order === "oldest" ? { date: "asc" } : undefined;
  return { query, filters, sort, kind: sort ? "dated" : "best", params };
}

async function show(merged, { query, filters, sort, kind }) {
  const filtered = Object.keys(filters).length > 0;
  if (!query && !filtered) {
    results.replaceChildren();
    announce(say.prompt);
    return;
  }
  const pagefind = await merged(kind);
  const search = await pagefind.search(query || null, { filters, sort });
  const count = search.results.length;
  const posts = fill(count === 1 ? say.postOne : say.postOther, { n: count });
  const summary = count === 0 ? say.foundNone : fill(say.found, { count: posts });
  const list = document.createElement("ol");
  list.className = "search-results";
  results.replaceChildren(list);
  await more(search.results, list, 0);
  announce(query ? fill(say.foundFor, { found: summary, query }) : summary);
}

async function more(found, list, from) {
  const batch = await Promise.all(found.slice(from, from + PAGE_SIZE).map((r) => r.data()));
  for (const data of batch) list.append(item(data));
  list.nextElementSibling?.remove();
  if (found.length > from + PAGE_SIZE) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "search-more";
    button.textContent = say.more;
    button.addEventListener("click", async () => {
      const first = list.children.length;
      await more(found, list, from + PAGE_SIZE);
      list.children[first]?.querySelector("a")?.focus();
    });
    list.after(button);
  }
}

function item(data) {
  const li = document.createElement("li");
  const title = document.createElement("h2");
  const link = document.createElement("a");
  link.href = localised(data.url);
  link.textContent = data.meta.title || data.url;
  title.append(link);
  const meta = document.createElement("p");
  meta.className = "meta";
  const when = document.createElement("time");
  when.dateTime = data.meta.datetime || "";
  when.textContent = day(data.meta.date);
  meta.append(when);
  if (data.meta.source) meta.append(" · " + data.meta.source);
  const excerpt = document.createElement("p");
  excerpt.append(...highlighted(data.excerpt || ""));
  // A post in another language than the page's says so, for screen readers (WCAG 3.1.2).
  const lang = data.meta.lang;
  if (lang && lang.toLowerCase().split("-")[0] !== document.documentElement.lang.toLowerCase().split("-")[0]) {
    title.lang = lang;
    excerpt.lang = lang;
  }
  li.append(title, meta, excerpt);
  return li;
}

// Pagefind marks matches with <mark>; everything else is put in as text, never as HTML.
function highlighted(excerpt) {
  const nodes = [];
  let marked = false;
  for (const part of excerpt.split(/(<\/?mark>)/)) {
    if (part === "<mark>") marked = true;
    else if (part === "</mark>") marked = false;
    else if (part) {
      const text = document.createTextNode(decode(part));
      if (marked) {
        const mark = document.createElement("mark");
        mark.append(text);
        nodes.push(mark);
      } else {
        nodes.push(text);
      }
    }
  }
  return nodes;
}

function decode(text) {
  const area = document.createElement("textarea");
  area.innerHTML = text;
  return area.value;
}

function announce(text) {
  announcer.textContent = text;
}
