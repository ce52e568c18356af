//! Podcasts, pictures and people: enclosures from a captured podcast feed reach the post page and
//! every feed the site publishes, Media RSS thumbnails the listings, authors their own pages
//! across blogs, every page its sharing card, and the pulse page its charts with tables to match.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::server::{Reply, Server};
use common::{TestSite, require_tool};

/// A captured feed from another project's tests (see tests/fixtures/SOURCES.md).
fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/feeds")
            .join(name),
    )
    .unwrap()
}

const EPISODE: &str =
    "https://api.spreaker.com/download/episode/46395247/09_05_dopo_8_10_lwowska_fala.mp3";

/// A blog of two people, written week by week, as RSS with `dc:creator`.
fn team_feed(team: &str, items: &[(&str, &str, &str)]) -> String {
    let mut xml = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>\
         <title>{team}</title><link>https://{team}.example/</link><description>d</description>"
    );
    for (slug, author, date) in items {
        xml.push_str(&format!(
            "<item><guid>https://{team}.example/{slug}/</guid><title>Weeknotes: {slug}</title>\
             <link>https://{team}.example/{slug}/</link><pubDate>{date}</pubDate><dc:creator>{author}</dc:creator>\
             <description>&lt;p&gt;What {author} did.&lt;/p&gt;</description></item>"
        ));
    }
    xml.push_str("</channel></rss>");
    xml
}

/// A site with the captured podcast, the captured Vimeo feed (Media RSS), two team blogs that
/// share a writer, and a local post.
fn site() -> (TestSite, Server) {
    let server = Server::start(|req| match req.path.as_str() {
        "/podcast" => Reply::ok("application/rss+xml", fixture("rss_2.0_spreaker.xml")),
        "/vimeo" => Reply::ok("application/rss+xml", fixture("rss_2.0_vimeo_media.xml")),
        "/alpha" => Reply::ok(
            "application/rss+xml",
            team_feed(
                "alpha",
                &[
                    ("w47", "Jo Bloggs", "Fri, 20 Nov 2026 16:00:00 +0000"),
                    ("w46", "Sam Example", "Fri, 13 Nov 2026 16:00:00 +0000"),
                ],
            ),
        ),
        _ => Reply::ok(
            "application/rss+xml",
            team_feed(
                "beta",
                &[("w47", "jo  BLOGGS", "Thu, 19 Nov 2026 12:00:00 +0000")],
            ),
        ),
    });
    let toml = format!(
        "[fetch]\ntimeout = 5\n[authors.aliases]\n\"jbloggs\" = \"Jo Bloggs\"\n\
         [[feeds]]\nname = \"Lwowska Fala\"\nurl = \"{}\"\n\
         [[feeds]]\nname = \"Failla Wines\"\nurl = \"{}\"\n\
         [[feeds]]\nname = \"Alpha team\"\nurl = \"{}\"\norganisation = \"Department of Tests\"\nweeknotes = true\n\
         [[feeds]]\nname = \"Beta team\"\nurl = \"{}\"\norganisation = \"Example Council\"\nweeknotes = true\n",
        server.url("/podcast"),
        server.url("/vimeo"),
        server.url("/alpha"),
        server.url("/beta"),
    );
    let site = TestSite::new(&toml);
    site.post(
        "our-news",
        "2026-11-18T10:00:00Z",
        "authors: [jbloggs]\nimage: /img/lead.png\nimage_alt: The team at the whiteboard\n",
        "News from the site itself.",
    );
    let mut settings = site.settings();
    settings.offline = false;
    settings.backoff = Some(Duration::from_millis(10));
    common::run_build(&settings).unwrap();
    (site, server)
}

#[test]
fn a_podcast_s_enclosure_reaches_every_feed_the_site_publishes() {
    let (site, _server) = site();
    let rss = site.read("sources/lwowska-fala/rss.xml");
    assert!(
        rss.contains(&format!(
            r#"<enclosure url="{EPISODE}" length="49252772" type="audio/mpeg"/>"#
        )),
        "{rss}"
    );
    assert!(
        rss.contains("<itunes:duration>3079</itunes:duration>"),
        "{rss}"
    );
    let atom = site.read("sources/lwowska-fala/atom.xml");
    assert!(
        atom.contains(&format!(
            r#"<link rel="enclosure" href="{EPISODE}" type="audio/mpeg" length="49252772"/>"#
        )),
        "{atom}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&site.read("sources/lwowska-fala/feed.json")).unwrap();
    assert_eq!(json["items"][0]["attachments"][0]["url"], EPISODE);
    assert_eq!(
        json["items"][0]["attachments"][0]["mime_type"],
        "audio/mpeg"
    );
    assert_eq!(
        json["items"][0]["attachments"][0]["size_in_bytes"],
        49_252_772
    );
    // The whole site's feeds carry it too.
    assert!(site.read("rss.xml").contains(EPISODE));
}

/// Runs feedparser on a file and returns each entry's enclosures as `[{href, type, length}]`.
fn feedparser_enclosures(path: &Path) -> serde_json::Value {
    let script = r#"
import json, sys, feedparser
d = feedparser.parse(sys.argv[1])
print(json.dumps({
    "bozo": bool(d.bozo),
    "entries": [{"title": e.get("title"),
                 "enclosures": [{"href": x.get("href"), "type": x.get("type"), "length": x.get("length")}
                                for x in e.get("enclosures", [])]} for e in d.entries],
}))
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
#[ignore = "needs Python's feedparser: cargo test -- --ignored"]
fn feedparser_reads_the_enclosure_back_from_the_site_s_rss_and_atom() {
    let available = Command::new("python3")
        .args(["-c", "import feedparser"])
        .status()
        .is_ok_and(|s| s.success());
    require_tool(available, "Python's feedparser (pip install feedparser)");
    let (site, _server) = site();
    for file in ["rss.xml", "atom.xml"] {
        let parsed = feedparser_enclosures(&site.public().join("sources/lwowska-fala").join(file));
        assert_eq!(parsed["bozo"], false, "{file}: {parsed}");
        assert_eq!(
            parsed["entries"][0]["enclosures"],
            serde_json::json!([{ "href": EPISODE, "type": "audio/mpeg", "length": "49252772" }]),
            "{file}: {parsed}"
        );
    }
}
