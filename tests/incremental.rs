//! A build that keeps what did not change (pages made from the same inputs, search shards of the
//! same posts, files already in the spare tree) makes exactly the site a build from nothing
//! makes, change after change: a post retitled, a feed's new entry, a template, the interface
//! strings, the configuration. If a page's key missed one of its inputs, the page would be
//! carried over stale and differ from the one built from scratch.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::server::{Reply, Server};
use common::{TestSite, snapshot};
use roundup::cmd::build::BuildReport;

/// An RSS feed of the first `n` of a blog's entries, newest first.
fn rss(n: usize) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Lab blog</title>\
         <link>https://lab.example/</link><description>d</description>",
    );
    for i in (0..n).rev() {
        xml.push_str(&format!(
            "<item><guid>https://lab.example/{i}</guid><title>Lab entry {i}</title>\
             <link>https://lab.example/{i}/</link>\
             <pubDate>{:02} Nov 2026 10:00:00 +0000</pubDate>\
             <description>What the lab did, part {i}.</description></item>",
            1 + i
        ));
    }
    xml.push_str("</channel></rss>");
    xml
}

/// Fetches the feeds into the archive, with a build into a folder thrown away: the builds
/// compared then both read the same archive offline (a fetching build's `health.json` says
/// what that fetch found new, which the next build would not).
fn fetch(site: &TestSite) {
    let out = tempfile::tempdir().unwrap();
    let mut settings = site.settings();
    settings.offline = false;
    settings.backoff = Some(Duration::from_millis(10));
    settings.output = out.path().join("public");
    common::run_build(&settings).expect("the fetch succeeds");
}

/// Builds the site into its `public/` (keeping what it can from the last build), then afresh
/// into an empty folder from the same archive, and checks the two are the same, file for file
/// and byte for byte.
fn assert_same_as_from_scratch(site: &TestSite, step: &str) -> BuildReport {
    let report = site.build().unwrap_or_else(|e| panic!("{step}: {e}"));
    // From scratch means the local posts too: read from their Markdown, not the cache.
    let cache = site.root().join(".roundup").join(roundup::post_cache::DIR);
    if cache.exists() {
        std::fs::remove_dir_all(&cache).unwrap();
    }
    let fresh = tempfile::tempdir().unwrap();
    let mut settings = site.settings();
    settings.output = fresh.path().join("public");
    common::run_build(&settings).unwrap_or_else(|e| panic!("{step}, from scratch: {e}"));
    let ours = snapshot(&site.public());
    let theirs = snapshot(&settings.output);
    let names = |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(&ours), names(&theirs), "{step}: the files differ");
    for (a, b) in ours.iter().zip(&theirs) {
        assert!(
            a.1 == b.1,
            "{step}: {} differs from a build from scratch:\n{}\n---- from scratch:\n{}",
            a.0,
            String::from_utf8_lossy(&a.1),
            String::from_utf8_lossy(&b.1)
        );
    }
    println!(
        "{step}: {} pages, {} carried over, {} files written, {} posts from the cache",
        report.render.pages, report.render.reused, report.output.written, report.cached_posts
    );
    report
}

#[test]
fn an_incremental_build_makes_the_same_site_as_one_from_scratch() {
    let entries = Arc::new(AtomicUsize::new(3));
    let served = Arc::clone(&entries);
    let server = Server::start(move |_| {
        Reply::ok("application/rss+xml", rss(served.load(Ordering::SeqCst)))
    });
    let site = TestSite::new(&format!(
        "[fetch]\ntimeout = 3\nretries = 0\n\n[[feeds]]\nname = \"Lab blog\"\nurl = \"{}\"\n",
        server.url("/feed.xml")
    ));
    for i in 0..30 {
        site.post(
            &format!("post-{i:02}"),
            &format!("2026-03-{:02}T10:00:00Z", 1 + i % 28),
            &format!("tags: [topic-{}]\n", i % 4),
            &format!("Post {i} about zebrafish and research."),
        );
    }
    fetch(&site);
    let first = assert_same_as_from_scratch(&site, "first build");
    assert!(!first.output.incremental);
    assert_eq!(first.render.reused, 0);

    let again = assert_same_as_from_scratch(&site, "nothing changed");
    assert!(again.output.incremental);
    assert_eq!(again.cached_posts, 30, "every local post from the cache");
    // The pulse page is always made (it counts from "now"); the rest is carried over.
    assert_eq!(
        again.render.reused,
        again.render.pages - 1,
        "{:?}",
        again.render
    );

    site.write(
        "content/post-05.md",
        "---\ntitle: \"Post five, retitled\"\ndate: 2026-03-06T10:00:00Z\ntags: [topic-1]\n---\nPost 5 about zebrafish and research.\n",
    );
    let retitled = assert_same_as_from_scratch(&site, "a post retitled");
    assert_eq!(retitled.cached_posts, 29, "all but the one retitled");
    let showing = |text: &str| {
        snapshot(&site.public())
            .iter()
            .filter(|(name, bytes)| {
                name.ends_with(".html") && String::from_utf8_lossy(bytes).contains(text)
            })
            .count()
    };
    assert!(showing("Post five, retitled") > 2, "its page and the lists");
    let rendered = retitled.render.pages - retitled.render.reused;
    assert!(
        rendered > 1 && rendered * 2 < retitled.render.pages,
        "a title changes a few pages: {:?}",
        retitled.render
    );

    entries.store(4, Ordering::SeqCst);
    fetch(&site);
    let added = assert_same_as_from_scratch(&site, "a feed entry added");
    assert!(site.read("index.html").contains("Lab entry 3"));
    assert!(added.render.reused > 0, "{:?}", added.render);

    let theme = |name: &str| {
        std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("themes/default/templates")
                .join(name),
        )
        .unwrap()
    };
    site.write(
        "templates/base.html",
        &theme("base.html").replace("</body>", "<!-- edited --></body>"),
    );
    let edited = assert_same_as_from_scratch(&site, "a template edited");
    assert_eq!(showing("<!-- edited -->"), edited.render.pages);
    assert_eq!(edited.render.reused, 0, "every page extends base.html");

    site.write("i18n/en.toml", "[nav]\nlatest = \"Newest\"\n");
    assert_same_as_from_scratch(&site, "an interface string changed");
    assert!(site.read("archive/index.html").contains(">Newest<"));

    let toml = std::fs::read_to_string(site.root().join("feeds.toml")).unwrap();
    site.write(
        "feeds.toml",
        &toml.replace("A site for tests.", "A site for other tests."),
    );
    assert_same_as_from_scratch(&site, "the configuration changed");

    // The `date` filter reads the time zone: 10:00 UTC on the 28th is the 29th at UTC+14.
    let toml = std::fs::read_to_string(site.root().join("feeds.toml")).unwrap();
    site.write(
        "feeds.toml",
        &toml.replace(
            "description = ",
            "timezone = \"Pacific/Kiritimati\"\ndescription = ",
        ),
    );
    assert_same_as_from_scratch(&site, "the time zone changed");
    assert!(showing("29 March 2026") > 0);

    // Every cached post damaged a different way: each is read from its Markdown again.
    let cache = site.root().join(".roundup").join(roundup::post_cache::DIR);
    let mut damaged = 0;
    for (i, entry) in std::fs::read_dir(&cache).unwrap().enumerate() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let bad = match i % 3 {
            0 => bytes[..bytes.len() / 2].to_vec(),
            1 => String::from_utf8(bytes)
                .unwrap()
                .replace("zebrafish", "zebrafinch")
                .into_bytes(),
            _ => b"{}".to_vec(),
        };
        std::fs::write(&path, bad).unwrap();
        damaged += 1;
    }
    assert!(damaged >= 30, "every local post was cached: {damaged}");
    let reread = assert_same_as_from_scratch(&site, "the post cache damaged");
    assert_eq!(reread.cached_posts, 0);
    assert_eq!(showing("zebrafinch"), 0);

    std::fs::remove_file(site.root().join("content/post-12.md")).unwrap();
    assert_same_as_from_scratch(&site, "a post removed");

    std::fs::remove_file(site.root().join("templates/base.html")).unwrap();
    std::fs::remove_file(site.root().join("i18n/en.toml")).unwrap();
    let back = assert_same_as_from_scratch(&site, "the theme back as it was");
    assert!(back.output.incremental);
}

#[test]
fn each_language_keys_its_own_pages() {
    let site = TestSite::new(
        "languages = [\"en-GB\", \"cy\"]\n[site.title]\nen-GB = \"Team notes\"\ncy = \"Nodiadau'r tîm\"\n",
    );
    let toml = std::fs::read_to_string(site.root().join("feeds.toml")).unwrap();
    site.write("feeds.toml", &toml.replace("title = \"Test notes\"\n", ""));
    site.post("hello", "2026-11-02", "tags: [data]\n", "An English post.");
    site.post("croeso", "2026-11-03", "lang: cy\n", "Dyma gofnod.");
    assert_same_as_from_scratch(&site, "first build");
    let again = assert_same_as_from_scratch(&site, "nothing changed");
    // One pulse page in each language is made again.
    assert_eq!(again.render.reused, again.render.pages - 2);

    // A Welsh string changes every Welsh page, and the English 404 (it speaks Welsh too).
    site.write("i18n/cy.toml", "[nav]\nlatest = \"Y diweddaraf un\"\n");
    let welsh = assert_same_as_from_scratch(&site, "a Welsh string changed");
    assert!(site.read("cy/index.html").contains("Y diweddaraf un"));
    let rendered = welsh.render.pages - welsh.render.reused;
    assert!(rendered < welsh.render.pages, "{:?}", welsh.render);

    let toml = std::fs::read_to_string(site.root().join("feeds.toml")).unwrap();
    site.write(
        "feeds.toml",
        &toml.replace("cy = \"Nodiadau'r tîm\"", "cy = \"Nodiadau\""),
    );
    assert_same_as_from_scratch(&site, "the Welsh title changed");
}
