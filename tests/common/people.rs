//! The site of the podcasts, pictures and people tests (tests/people.rs, tests/browser.rs): a
//! captured podcast and a captured Media RSS feed, two team blogs that share a writer, and a
//! local post with a featured image.

use std::path::Path;
use std::time::Duration;

use super::TestSite;
use super::server::{Reply, Server};

/// A captured feed from another project's tests (see tests/fixtures/SOURCES.md).
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/feeds")
            .join(name),
    )
    .unwrap()
}

/// The captured podcast episode's audio, as its feed names it.
pub const EPISODE: &str =
    "https://api.spreaker.com/download/episode/46395247/09_05_dopo_8_10_lwowska_fala.mp3";

/// A blog of two people, written week by week, as RSS with `dc:creator`.
pub fn team_feed(team: &str, items: &[(&str, &str, &str)]) -> String {
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
pub fn site() -> (TestSite, Server) {
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
    // The picture the local post leads with, a file of the site: one grey pixel.
    let pixel = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
    )
    .unwrap();
    std::fs::create_dir_all(site.root().join("static/img")).unwrap();
    std::fs::write(site.root().join("static/img/lead.png"), pixel).unwrap();
    let mut settings = site.settings();
    settings.offline = false;
    settings.backoff = Some(Duration::from_millis(10));
    super::run_build(&settings).unwrap();
    (site, server)
}
