//! No post is ever lost: a feed that moves, a `url` edited in `feeds.toml`, a table removed and
//! added back; and what a feed's owner asked for (`excerpt_only`) holds in every file.
//! Real HTTP on 127.0.0.1, a real archive, real builds.

mod common;

use std::io::Read as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::server::{Reply, Server};
use common::{TestSite, listed_posts};
use roundup::cmd::build::BuildReport;
use roundup::cmd::check::{self, CheckSettings};

/// An RSS 2.0 feed of `(slug, title, day of November 2026)` items.
fn rss(items: &[(&str, &str, u32)]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Moving blog</title><link>https://blog.example/</link><description>d</description>\n",
    );
    for (slug, title, day) in items {
        xml.push_str(&format!(
            "<item><guid>https://blog.example/{slug}</guid><title>{title}</title>\
             <link>https://blog.example/{slug}/</link>\
             <pubDate>{day:02} Nov 2026 10:00:00 +0000</pubDate>\
             <description>The post {title}.</description></item>\n"
        ));
    }
    xml.push_str("</channel></rss>\n");
    xml
}

fn feeds_toml(name: &str, url: &str, extra: &str) -> String {
    format!(
        "[fetch]\ntimeout = 3\nretries = 0\n\n# The blog roll.\n[[feeds]]\nname = \"{name}\" # its name\nurl = \"{url}\" # its feed\n{extra}"
    )
}

fn build(site: &TestSite) -> BuildReport {
    let mut settings = site.settings();
    settings.offline = false;
    settings.backoff = Some(Duration::from_millis(10));
    common::run_build(&settings).expect("the build succeeds")
}

/// The titles of the posts the home page lists.
fn home_titles(site: &TestSite) -> Vec<String> {
    let html = site.read("index.html");
    listed_posts(&html)
        .iter()
        .map(|href| {
            let path = href.trim_start_matches('/');
            let page = site.read(&format!("{path}index.html"));
            page.split("<h1>")
                .nth(1)
                .unwrap()
                .split("</h1>")
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// A blog at /old.xml with two posts that moves, for good, to /new.xml, whose feed has dropped
/// the oldest post and gained a new one.
fn moving_blog() -> (Server, Arc<AtomicUsize>) {
    let moved = Arc::new(AtomicUsize::new(0));
    let state = Arc::clone(&moved);
    let server = Server::start(move |req| {
        let moved = state.load(Ordering::SeqCst) == 1;
        match req.path.as_str() {
            "/old.xml" if moved => Reply::redirect(301, "/new.xml"),
            "/old.xml" => Reply::ok(
                "application/rss+xml",
                rss(&[("two", "Second", 10), ("one", "First", 9)]),
            ),
            "/new.xml" => Reply::ok(
                "application/rss+xml",
                rss(&[("three", "Third", 11), ("two", "Second", 10)]),
            ),
            _ => Reply::status(404),
        }
    });
    (server, moved)
}

#[test]
fn a_feed_that_moves_keeps_every_post_when_its_owner_updates_feeds_toml() {
    let (server, moved) = moving_blog();
    let old = server.url("/old.xml");
    let site = TestSite::new(&feeds_toml("Mover", &old, ""));
    build(&site);
    assert_eq!(home_titles(&site), ["Second", "First"]);

    moved.store(1, Ordering::SeqCst);
    let report = build(&site);
    let health = &report.feeds[0];
    assert_eq!(health.status.as_str(), "moved");
    assert!(health.reason().contains("update feeds.toml"), "{health:?}");
    assert_eq!(home_titles(&site), ["Third", "Second", "First"]);

    // The owner does as the summary says, by hand.
    site.write(
        "feeds.toml",
        &format!(
            "[site]\ntitle = \"Test notes\"\nbase_url = \"https://example.org/\"\n{}",
            feeds_toml("Mover", &server.url("/new.xml"), "")
        ),
    );
    let report = build(&site);
    assert_eq!(report.feeds[0].status.as_str(), "ok");
    assert_eq!(
        home_titles(&site),
        ["Third", "Second", "First"],
        "no post is lost"
    );
    // Its posts keep their addresses.
    assert!(site.has("posts/mover/first/index.html"));
}

#[test]
fn check_fix_rewrites_a_moved_feeds_url_keeping_the_comments_and_the_posts() {
    let (server, moved) = moving_blog();
    let site = TestSite::new(&feeds_toml("Mover", &server.url("/old.xml"), ""));
    build(&site);
    moved.store(1, Ordering::SeqCst);
    build(&site);

    let report = check::run(
        &CheckSettings {
            fix: true,
            ..CheckSettings::new(site.root())
        },
        common::runtime(),
    );
    assert!(report.ok(), "{:?}", report.problems);
    assert_eq!(report.fixed.len(), 1, "{:?}", report.fixed);
    let toml = std::fs::read_to_string(site.root().join("feeds.toml")).unwrap();
    assert!(
        toml.contains(&format!("url = \"{}\" # its feed", server.url("/new.xml"))),
        "{toml}"
    );
    assert!(
        toml.contains("# The blog roll.") && toml.contains("# its name"),
        "{toml}"
    );

    build(&site);
    assert_eq!(home_titles(&site), ["Third", "Second", "First"]);
    let again = check::run(
        &CheckSettings {
            fix: true,
            ..CheckSettings::new(site.root())
        },
        common::runtime(),
    );
    assert!(
        again.fixed.is_empty(),
        "nothing left to fix: {:?}",
        again.fixed
    );
}

#[test]
fn a_removed_feed_leaves_the_site_but_not_the_archive_and_comes_back_whole() {
    let (server, _) = moving_blog();
    let url = server.url("/old.xml");
    let site = TestSite::new(&feeds_toml("Blog", &url, ""));
    build(&site);
    assert_eq!(home_titles(&site), ["Second", "First"]);

    site.write(
        "feeds.toml",
        "[site]\ntitle = \"Test notes\"\nbase_url = \"https://example.org/\"\n",
    );
    build(&site);
    assert!(home_titles(&site).is_empty(), "its posts leave the site");

    // Back, and set not to be fetched: what the archive kept is published.
    site.write(
        "feeds.toml",
        &format!(
            "[site]\ntitle = \"Test notes\"\nbase_url = \"https://example.org/\"\n{}",
            feeds_toml("Blog", &url, "enabled = false\n")
        ),
    );
    let hits = server.total_hits();
    build(&site);
    assert_eq!(server.total_hits(), hits, "a disabled feed is not fetched");
    assert_eq!(home_titles(&site), ["Second", "First"]);
}

#[test]
fn a_feed_read_with_repairs_says_so_in_health_json() {
    let server = Server::start(|_| {
        Reply::ok(
            "application/rss+xml",
            "<rss version=\"2.0\"><channel><title>Sloppy</title><link>https://s.example/</link>\
             <item><title>Undated</title><link>https://s.example/2/</link></item>\
             <item><title>Fish & chips</title><link>https://s.example/1/</link>\
             <pubDate>Mon, 02 Nov 2026 10:00:00 +0000</pubDate><description>Caf&eacute;</description>\
             </channel></rss>",
        )
    });
    let site = TestSite::new(&feeds_toml("Sloppy", &server.url("/feed"), ""));
    let report = build(&site);
    assert_eq!(report.feeds[0].status.as_str(), "ok");
    assert_eq!(report.remote_posts, 2);
    let health: serde_json::Value = serde_json::from_str(&site.read("health.json")).unwrap();
    let notes = health["feeds"][0]["notes"][0].as_str().unwrap_or_default();
    let undated = health["feeds"][0]["notes"][1].as_str().unwrap_or_default();
    assert!(undated.contains("1 entry gives no date"), "{health}");
    assert!(notes.starts_with("read with repairs:"), "{health}");
    for repair in ["unclosed <item>", "unescaped &", "&eacute;"] {
        assert!(notes.contains(repair), "{repair}: {notes}");
    }
    assert!(home_titles(&site).contains(&"Fish &amp; chips".to_string()));
}

/// Every file of the site as text: gzip files (Pagefind's index and fragments) decompressed.
fn every_file_as_text(site: &TestSite) -> Vec<(String, String)> {
    common::snapshot(&site.public())
        .into_iter()
        .map(|(path, bytes)| {
            let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_end(&mut out)
                    .unwrap_or_else(|e| panic!("{path}: {e}"));
                out
            } else {
                bytes
            };
            (path, String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect()
}

#[test]
fn an_excerpt_only_feed_has_its_full_text_in_no_file_of_the_site() {
    let server = Server::start(|_| {
        Reply::ok(
            "application/rss+xml",
            "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>\
             <title>Private</title><link>https://p.example/</link><description>d</description>\
             <item><title>Open summary</title><link>https://p.example/1/</link>\
             <pubDate>Mon, 02 Nov 2026 10:00:00 +0000</pubDate>\
             <description>Only this summary may be shown.</description>\
             <content:encoded><![CDATA[<p>The whole post, with the word quixotryzz in it.</p>]]></content:encoded>\
             </item></channel></rss>",
        )
    });
    let site = TestSite::new(&feeds_toml(
        "Private",
        &server.url("/feed"),
        "excerpt_only = true\n",
    ));
    build(&site);
    let files = every_file_as_text(&site);
    assert!(
        files
            .iter()
            .any(|(_, text)| text.contains("Only this summary")),
        "the summary is published"
    );
    let pagefind = files
        .iter()
        .filter(|(p, _)| p.starts_with("pagefind/"))
        .count();
    assert!(pagefind > 3, "the search index is there to be checked");
    let leaks: Vec<&str> = files
        .iter()
        .filter(|(_, text)| text.contains("quixotryzz"))
        .map(|(path, _)| path.as_str())
        .collect();
    assert!(leaks.is_empty(), "the full text leaks into {leaks:?}");
}
