//! What a reader does in a page, in a real browser: Debian's Chromium, headless, driven by
//! playwright-core (tests/browser/browser.mjs), against a built site served on 127.0.0.1.
//!
//! Needs `apt-get install chromium` and `npm ci --prefix tests/browser`, so every test here is
//! `#[ignore]`d: `cargo test -- --ignored` runs them (`.ci/run` does, after installing both),
//! and then a missing tool is a failure that says what to install.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::people::EPISODE;
use common::server::{Reply, Server, serve_dir};
use common::{TestSite, require_tool};
use roundup::cmd::build;
use serde_json::Value;

fn browser_ready() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    require_tool(
        Path::new(&chromium).exists() && here.join("node_modules/playwright-core").exists(),
        "Chromium and playwright-core (apt-get install chromium; npm ci --prefix tests/browser)",
    )
}

/// Runs one scenario of browser.mjs and returns what it printed.
fn browser(scenario: &str, args: Value) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/browser.mjs");
    let out = Command::new("node")
        .arg(script)
        .arg(scenario)
        .arg(args.to_string())
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "browser.mjs {scenario} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("browser.mjs prints JSON")
}

/// A site with local posts and two remote blogs, served at `base_path`.
fn served_site(base_path: &str) -> (TestSite, Server, Server) {
    served_site_with(base_path, "")
}

/// The same, with more `[site]` settings.
fn served_site_with(base_path: &str, site_settings: &str) -> (TestSite, Server, Server) {
    let feeds = Server::start(|req| {
        let (team, items) = if req.path == "/alpha" {
            (
                "alpha",
                [(
                    "Weeknotes #7",
                    "Fri, 20 Nov 2026 16:00:00 +0000",
                    "We shipped the zebracorn importer.",
                )]
                .as_slice(),
            )
        } else {
            (
                "beta",
                [(
                    "Designing forms",
                    "Tue, 17 Nov 2026 09:00:00 +0000",
                    "Forms, validation and the zebracorn pattern.",
                )]
                .as_slice(),
            )
        };
        let mut xml = format!(
            "<rss version=\"2.0\"><channel><title>{team}</title><link>https://{team}.example/</link><description>d</description>"
        );
        for (title, date, body) in items {
            xml.push_str(&format!(
                "<item><guid>https://{team}.example/1</guid><title>{title}</title><link>https://{team}.example/1/</link>\
                 <pubDate>{date}</pubDate><category>Accessibility</category><description><![CDATA[<p>{body}</p><h2>Details</h2><p>More text.</p>]]></description></item>"
            ));
        }
        xml.push_str("</channel></rss>");
        Reply::ok("application/rss+xml", xml)
    });
    let site = TestSite::with_base_url(
        &format!("https://example.org{base_path}"),
        &format!(
            "{site_settings}\n[[feeds]]\nname = \"Alpha team\"\nurl = \"{}\"\norganisation = \"Department of Tests\"\n\
             [[feeds]]\nname = \"Beta team\"\nurl = \"{}\"\norganisation = \"Example Council\"\n",
            feeds.url("/alpha"),
            feeds.url("/beta")
        ),
    );
    site.post(
        "quokka-notes",
        "2026-11-18T10:00:00Z",
        "tags: [accessibility]\n",
        "The only post about a quokka.\n\n## A heading\n\nText.",
    );
    site.post("plain", "2026-11-10", "", "Nothing special here.");
    let mut settings = site.settings();
    settings.offline = false;
    settings.backoff = Some(Duration::from_millis(10));
    common::run_build(&settings).unwrap();
    let server = serve_dir(&site.public(), base_path);
    (site, server, feeds)
}

#[test]
#[ignore = "needs Chromium and playwright-core: cargo test -- --ignored"]
fn search_finds_the_one_post_that_has_a_word() {
    browser_ready();
    let (_site, server, _feeds) = served_site("/");
    let result = browser(
        "search",
        serde_json::json!({ "url": server.url("/search/?q=quokka") }),
    );
    assert_eq!(
        result["first"]["titles"],
        serde_json::json!(["quokka-notes"]),
        "{result}"
    );
    assert_eq!(result["first"]["links"][0], "/posts/quokka-notes/");
    assert!(
        result["first"]["marks"][0]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("quokka"),
        "{result}"
    );
    assert_eq!(result["errors"], serde_json::json!([]));
    assert!(result["searchBytes"].as_u64().unwrap() > 0);
}

#[test]
#[ignore = "needs Chromium and playwright-core: cargo test -- --ignored"]
fn a_filter_narrows_the_results() {
    browser_ready();
    let (_site, server, _feeds) = served_site("/");
    let result = browser(
        "search",
        serde_json::json!({ "url": server.url("/search/?q=zebracorn"), "select": { "name": "source", "value": "Beta team" } }),
    );
    let mut all: Vec<String> = serde_json::from_value(result["first"]["titles"].clone()).unwrap();
    all.sort();
    assert_eq!(all, ["Designing forms", "Weeknotes #7"], "{result}");
    assert_eq!(
        result["filtered"]["titles"],
        serde_json::json!(["Designing forms"]),
        "{result}"
    );
    assert!(
        result["filtered"]["address"]
            .as_str()
            .unwrap()
            .contains("source=Beta+team"),
        "the filter is kept in the address"
    );
}

#[test]
#[ignore = "needs Chromium and playwright-core: cargo test -- --ignored"]
fn under_a_subpath_search_finds_its_index_and_links_its_results() {
    browser_ready();
    let (_site, server, _feeds) = served_site("/weeknotes/");
    let result = browser(
        "search",
        serde_json::json!({ "url": server.url("/weeknotes/search/?q=quokka") }),
    );
    assert_eq!(
        result["first"]["titles"],
        serde_json::json!(["quokka-notes"]),
        "{result}"
    );
    assert_eq!(
        result["first"]["links"][0],
        "/weeknotes/posts/quokka-notes/"
    );
    assert_eq!(result["errors"], serde_json::json!([]));
}

/// Runs axe-core at WCAG 2.2 AA over `pages`: no violations, and no console errors but the 404
/// of a page that is meant to be missing.
fn assert_axe_finds_nothing(server: &Server, pages: &[&str]) {
    assert_axe_finds_nothing_in(server, pages, "light");
}

/// As [`assert_axe_finds_nothing`], in the light or the dark colour scheme.
fn assert_axe_finds_nothing_in(server: &Server, pages: &[&str], scheme: &str) {
    let urls: Vec<String> = pages.iter().map(|p| server.url(p)).collect();
    let report = browser(
        "axe",
        serde_json::json!({ "urls": urls, "colorScheme": scheme }),
    );
    for url in &urls {
        assert_eq!(
            report[url]["violations"],
            serde_json::json!([]),
            "{url}: {}",
            report[url]
        );
        let errors = report[url]["errors"].as_array().unwrap();
        let expected = usize::from(url.ends_with("/no-such-page/"));
        assert_eq!(errors.len(), expected, "{url}: {errors:?}");
        assert!(
            errors.iter().all(|e| e.as_str().unwrap().contains("404")),
            "{url}: {errors:?}"
        );
    }
}

#[test]
#[ignore = "needs Chromium and playwright-core: cargo test -- --ignored"]
fn axe_finds_no_wcag_22_aa_violations() {
    browser_ready();
    let (_site, server, _feeds) = served_site("/");
    let pages = [
        "/",
        "/posts/quokka-notes/",
        "/posts/alpha-team/weeknotes-7/",
        "/tags/accessibility/",
        "/sources/",
        "/sources/beta-team/",
        "/organisations/",
        "/archive/",
        "/search/?q=zebracorn",
        "/weeknotes/",
        "/weeknotes/2026-W47/",
        "/no-such-page/",
    ];
    assert_axe_finds_nothing(&server, &pages);
}

#[test]
#[ignore = "needs Chromium and playwright-core: cargo test -- --ignored"]
fn both_languages_pass_axe_link_to_each_other_and_search_in_their_own() {
    browser_ready();
    let (site, server, _feeds) = served_site_with("/", "languages = [\"en-GB\", \"cy\"]");
    site.post(
        "croeso",
        "2026-11-19T10:00:00Z",
        "lang: cy\n",
        "Dyma gofnod yn Gymraeg am y cwocca.",
    );
    common::run_build(&site.settings()).unwrap();
    let mut pages = Vec::new();
    for prefix in ["/", "/cy/"] {
        for page in [
            "",
            "posts/quokka-notes/",
            "posts/croeso/",
            "posts/alpha-team/weeknotes-7/",
            "tags/accessibility/",
            "sources/",
            "sources/beta-team/",
            "organisations/",
            "organisations/example-council/",
            "archive/",
            "archive/2026/11/",
            "search/?q=zebracorn",
            "weeknotes/",
            "weeknotes/2026-W47/",
        ] {
            pages.push(format!("{prefix}{page}"));
        }
    }
    pages.push("/no-such-page/".to_string());
    let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
    assert_axe_finds_nothing(&server, &pages);

    let welsh = browser(
        "follow",
        serde_json::json!({ "url": server.url("/tags/accessibility/"), "text": "Cymraeg" }),
    );
    assert_eq!(
        welsh["url"],
        server.url("/cy/tags/accessibility/"),
        "{welsh}"
    );
    assert_eq!(welsh["lang"], "cy");
    assert_eq!(welsh["heading"], "Tag: Accessibility");
    let english = browser(
        "follow",
        serde_json::json!({ "url": server.url("/cy/archive/"), "text": "English" }),
    );
    assert_eq!(english["url"], server.url("/archive/"), "{english}");
    assert_eq!(english["lang"], "en-GB");

    let found = browser(
        "search",
        serde_json::json!({ "url": server.url("/cy/search/?q=quokka") }),
    );
    assert_eq!(
        found["first"]["links"][0], "/cy/posts/quokka-notes/",
        "{found}"
    );
    let status = found["first"]["status"].as_str().unwrap();
    assert!(status.starts_with("Wedi dod o hyd i 1 cofnod"), "{status}");
    assert_eq!(found["errors"], serde_json::json!([]));
    // A Welsh post found from the English search page is marked as Welsh; an English one not.
    let found = browser(
        "search",
        serde_json::json!({ "url": server.url("/search/?q=cwocca") }),
    );
    assert_eq!(found["first"]["links"][0], "/posts/croeso/", "{found}");
    assert_eq!(found["first"]["langs"][0], "cy", "{found}");
    let found = browser(
        "search",
        serde_json::json!({ "url": server.url("/search/?q=quokka") }),
    );
    assert_eq!(found["first"]["langs"][0], "", "{found}");
}

#[test]
#[ignore = "needs Chromium and playwright-core: cargo test -- --ignored"]
fn the_skip_link_comes_first_shows_focus_and_moves_to_the_content() {
    browser_ready();
    let (_site, server, _feeds) = served_site("/");
    let result = browser(
        "keyboard",
        serde_json::json!({ "url": server.url("/posts/quokka-notes/") }),
    );
    assert_eq!(result["first"]["text"], "Skip to main content", "{result}");
    assert_eq!(result["first"]["visible"], true, "{result}");
    assert_ne!(result["first"]["outlineStyle"], "none", "{result}");
    assert!(
        result["first"]["outlineWidth"].as_f64().unwrap() >= 2.0,
        "{result}"
    );
    assert_eq!(result["afterEnter"], "main", "{result}");
    assert!(
        result["second"]["outlineWidth"].as_f64().unwrap() >= 2.0,
        "{result}"
    );
}

#[test]
#[ignore = "needs Chromium and playwright-core: cargo test -- --ignored"]
fn the_home_page_fits_a_phone_and_a_desktop() {
    browser_ready();
    let (_site, server, _feeds) = served_site("/");
    let dir = screenshot_dir();
    let shots = browser(
        "screenshot",
        serde_json::json!({ "url": server.url("/"), "dir": dir }),
    );
    for shot in shots.as_array().unwrap() {
        assert_eq!(shot["horizontalScroll"], false, "{shot}");
        assert!(Path::new(shot["path"].as_str().unwrap()).is_file());
    }
}

/// Screenshots are artefacts of the run, kept under `target/`, never committed.
fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
#[ignore = "needs Chromium and playwright-core: cargo test -- --ignored"]
fn no_feed_payload_runs_script_in_a_reader_s_browser() {
    browser_ready();
    // One blog whose feed carries every payload of both XSS suites as a post.
    let payloads = common::xss_payloads();
    let items: Vec<Value> = payloads
        .iter()
        .enumerate()
        .map(|(i, (name, payload))| {
            serde_json::json!({
                "id": format!("https://hostile.example/{i}/"),
                "url": format!("https://hostile.example/{i}/"),
                "title": format!("{i} {name}"),
                "content_html": payload,
                "date_published": format!("2026-01-01T00:{:02}:{:02}Z", i / 60, i % 60),
            })
        })
        .collect();
    let feed = serde_json::json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "Hostile",
        "home_page_url": "https://hostile.example/",
        "items": items,
    })
    .to_string();
    let feeds = Server::start(move |_| Reply::ok("application/feed+json", feed.clone()));
    let site = TestSite::new(&format!(
        "[[feeds]]\nname = \"Hostile\"\nurl = \"{}\"\n",
        feeds.url("/feed.json")
    ));
    let mut settings = site.settings();
    settings.offline = false;
    common::run_build(&settings).unwrap();
    // A page with script the sanitiser never saw shows that the check can see script run.
    std::fs::create_dir_all(site.public().join("canary")).unwrap();
    std::fs::write(
        site.public().join("canary/index.html"),
        "<!doctype html><title>c</title><img src=x onerror=\"alert('canary')\"><script>alert('inline')</script>",
    )
    .unwrap();
    let server = serve_dir(&site.public(), "/");

    let mut pages: Vec<String> = std::fs::read_dir(site.public().join("posts/hostile"))
        .unwrap()
        .map(|e| {
            format!(
                "/posts/hostile/{}/",
                e.unwrap().file_name().to_string_lossy()
            )
        })
        .collect();
    pages.sort();
    assert_eq!(pages.len(), payloads.len(), "a page for every payload");
    pages.extend(["/".to_string(), "/sources/hostile/".to_string()]);
    pages.push("/canary/".to_string());
    let urls: Vec<String> = pages.iter().map(|p| server.url(p)).collect();
    let result = browser("xss", serde_json::json!({ "urls": urls }));

    let canary = server.url("/canary/");
    let ran: Vec<&str> = result["ran"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        ran.iter().any(|r| r.contains("alert(canary)")),
        "the canary's handler was not seen: {result}"
    );
    assert!(ran.iter().any(|r| r.contains("alert(inline)")), "{result}");
    let from_payloads: Vec<&&str> = ran.iter().filter(|r| !r.starts_with(&canary)).collect();
    assert!(from_payloads.is_empty(), "script ran: {from_payloads:?}");
    assert_eq!(result["inline"], serde_json::json!([canary]), "{result}");
}

/// This repository's own site, built offline (its four posts and its blog roll of 150 blogs)
/// and served from the root, whatever subpath it is published under.
fn example_site() -> (tempfile::TempDir, Server) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let settings = build::BuildSettings {
        output: out.path().join("public"),
        base_url: Some(url::Url::parse("https://example.org/").unwrap()),
        offline: true,
        ..build::BuildSettings::new(root.to_path_buf())
    };
    common::run_build(&settings).unwrap();
    let server = serve_dir(&settings.output, "/");
    (out, server)
}

#[test]
#[ignore = "needs Chromium and playwright-core: cargo test -- --ignored"]
fn axe_finds_nothing_on_the_example_site() {
    browser_ready();
    let (_out, server) = example_site();
    let pages = [
        "/",
        "/posts/welcome/",
        "/posts/add-your-blog/",
        "/tags/",
        "/tags/weeknotes/",
        "/categories/guides/",
        "/sources/",
        "/sources/accessibility-in-government/",
        "/organisations/",
        "/archive/",
        "/archive/2026/",
        "/weeknotes/",
        "/search/?q=weeknotes",
        "/authors/",
        "/pulse/",
        "/404.html",
        // The Welsh side, and a Welsh post on an English page.
        "/posts/beth-yw-nodiadaur-wythnos/",
        "/cy/",
        "/cy/posts/what-are-weeknotes/",
        "/cy/posts/beth-yw-nodiadaur-wythnos/",
        "/cy/tags/weeknotes/",
        "/cy/sources/",
        "/cy/archive/",
        "/cy/search/?q=wythnos",
        "/cy/404.html",
    ];
    assert_axe_finds_nothing(&server, &pages);
}

#[test]
#[ignore = "needs Chromium and playwright-core: cargo test -- --ignored"]
fn search_works_on_the_example_site() {
    browser_ready();
    let (_out, server) = example_site();
    let result = browser(
        "search",
        serde_json::json!({ "url": server.url("/search/?q=weeknotes") }),
    );
    let titles = result["first"]["titles"].as_array().unwrap();
    assert!(
        titles.iter().any(|t| t == "What are weeknotes?"),
        "{result}"
    );
    assert_eq!(result["errors"], serde_json::json!([]));
}

/// The podcasts, pictures and people site (tests/common/people.rs), served from the root.
fn people_site() -> (TestSite, Server, Server) {
    let (site, feeds) = common::people::site();
    let server = serve_dir(&site.public(), "/");
    (site, server, feeds)
}

const EPISODE_PAGE: &str = "/posts/lwowska-fala/lwowska-fala-odc-78-wrzesien-1939-radio-katowice/";

#[test]
#[ignore = "needs Chromium and playwright-core: cargo test -- --ignored"]
fn a_podcast_plays_from_its_post_page_and_nothing_loads_before_play() {
    browser_ready();
    let (_site, server, _feeds) = people_site();
    // The episode's host is out of a test's reach: the browser is handed a short sound
    // in its place, at the episode's own address.
    let result = browser(
        "play",
        serde_json::json!({ "url": server.url(EPISODE_PAGE), "media": EPISODE }),
    );
    let before = &result["before"];
    assert_eq!(before["tag"], "audio", "{result}");
    assert_eq!(before["controls"], true, "{result}");
    assert_eq!(before["autoplay"], false, "{result}");
    assert_eq!(before["preload"], "none", "{result}");
    assert_eq!(before["paused"], true, "{result}");
    assert_eq!(
        before["sources"],
        serde_json::json!([{ "src": EPISODE, "type": "audio/mpeg" }]),
        "{result}"
    );
    assert_ne!(
        before["canPlay"][0], "",
        "Chromium plays audio/mpeg: {result}"
    );
    assert_eq!(
        result["fetchedBeforePlay"], 0,
        "nothing is fetched before play: {result}"
    );
    assert_eq!(result["played"]["outcome"], "playing", "{result}");
    assert_eq!(result["played"]["currentSrc"], EPISODE, "{result}");
    assert_eq!(
        result["download"],
        serde_json::json!([{ "href": EPISODE, "text": "Download: MP3 audio, 49 MB" }]),
        "{result}"
    );
    assert_eq!(result["errors"], serde_json::json!([]), "{result}");
}

const PEOPLE_PAGES: [&str; 7] = [
    "/",
    EPISODE_PAGE,
    "/posts/failla-wines/oregon-harvest-update-and-fall-release-date-set/",
    "/authors/",
    "/authors/jo-bloggs/",
    "/weeknotes/2026-W47/",
    "/pulse/",
];

#[test]
#[ignore = "needs Chromium and playwright-core: cargo test -- --ignored"]
fn pictures_players_authors_and_the_pulse_page_pass_axe_in_light_and_dark() {
    browser_ready();
    let (_site, server, _feeds) = people_site();
    assert_axe_finds_nothing_in(&server, &PEOPLE_PAGES, "light");
    assert_axe_finds_nothing_in(&server, &PEOPLE_PAGES, "dark");
}

#[test]
#[ignore = "needs Chromium and playwright-core: cargo test -- --ignored"]
fn with_images_off_every_page_still_reads_and_passes_axe() {
    browser_ready();
    let (_site, server, _feeds) = people_site();
    let urls: Vec<String> = PEOPLE_PAGES.iter().map(|p| server.url(p)).collect();
    let report = browser(
        "axe",
        serde_json::json!({ "urls": urls, "imagesOff": true }),
    );
    let mut blocked = 0;
    for url in &urls {
        let page = &report[url];
        assert_eq!(page["violations"], serde_json::json!([]), "{url}: {page}");
        assert_eq!(page["errors"], serde_json::json!([]), "{url}: {page}");
        for image in page["images"].as_array().unwrap() {
            // Every image says what it shows, or says nothing (decorative): never a file name.
            let alt = image["alt"].as_str().expect("every image has an alt");
            assert!(
                !alt.contains(".jpg") && !alt.contains(".png"),
                "{url}: {image}"
            );
            assert_eq!(image["loading"], "lazy", "{url}: {image}");
        }
        blocked += page["blocked"].as_u64().unwrap();
    }
    assert!(
        blocked > 0,
        "the check saw images and turned them off: {report}"
    );
}

/// A site of `n` local posts an hour apart, every one with the word "zebrafish" and the oldest
/// first: post-0000 is the oldest.
fn many_posts(n: usize) -> (TestSite, Server) {
    let site = TestSite::new("");
    let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap();
    for i in 0..n {
        let date = start + chrono::Duration::hours(i as i64);
        site.post(
            &format!("post-{i:04}"),
            &date.to_rfc3339(),
            "",
            &format!("Notes on zebrafish, number {i}."),
        );
    }
    common::run_build(&site.settings()).unwrap();
    let server = serve_dir(&site.public(), "/");
    (site, server)
}

#[test]
#[ignore = "needs Chromium and playwright-core: cargo test -- --ignored"]
fn every_shard_is_searched_as_one_and_sorted_by_date_across_them() {
    browser_ready();
    let n = 700;
    let (site, server) = many_posts(n);
    let shards = std::fs::read_dir(site.public().join("pagefind"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("shard-")
        })
        .count();
    assert!(shards >= 2, "the site needs several shards, not {shards}");
    let search = |sort: &str| {
        browser(
            "search",
            serde_json::json!({ "url": server.url(&format!("/search/?q=zebrafish&sort={sort}")) }),
        )
    };
    let titles = |result: &Value| -> Vec<String> {
        serde_json::from_value(result["first"]["titles"].clone()).unwrap()
    };
    let best = search("");
    assert_eq!(
        best["first"]["status"],
        format!("{n} posts found for “zebrafish”"),
        "{best}"
    );
    assert_eq!(titles(&best).len(), 10, "ten at a time");
    let newest: Vec<String> = (n - 10..n).rev().map(|i| format!("post-{i:04}")).collect();
    assert_eq!(titles(&search("newest")), newest);
    let oldest: Vec<String> = (0..10).map(|i| format!("post-{i:04}")).collect();
    assert_eq!(titles(&search("oldest")), oldest);
    assert_eq!(best["errors"], serde_json::json!([]));
}
