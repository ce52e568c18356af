//! Real feeds from other projects' test suites (`tests/fixtures/feeds/`, see its SOURCES.md)
//! read by roundup's feed parser. Each expectation is what feedparser, the reference reader of
//! the field, reads from the same file.

use chrono::DateTime;
use roundup::feed::{ParsedFeed, parse};
use roundup::sanitize::Sanitizer;
use url::Url;

fn read(name: &str) -> ParsedFeed {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feeds")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    let url = Url::parse(&format!("https://feeds.example/{name}")).unwrap();
    parse(&bytes, None, &url).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Seconds since the epoch, as feedparser gives them.
fn epoch(feed: &ParsedFeed) -> Option<i64> {
    let entry = &feed.entries[0];
    entry.published.or(entry.updated).map(|d| d.timestamp())
}

/// File, entries, feed title, first entry's title, link and date.
type Case = (
    &'static str,
    usize,
    &'static str,
    &'static str,
    &'static str,
    Option<i64>,
);

#[test]
fn each_format_gives_the_entries_feedparser_reads() {
    let cases: &[Case] = &[
        (
            "rss_1.0_iso8859.xml",
            1,
            "Golem.de",
            "Digitalministerium: Neue Glasfaserförderung mit Schnellkasse",
            "https://www.golem.de/news/digitalministerium-neue-glasfaserfoerderung-mit-schnellkasse-2301-171451.html",
            Some(1_674_669_782),
        ),
        (
            "rss_2.0_bbc.xml",
            1,
            "In Our Time",
            "Marcus Aurelius",
            "http://www.bbc.co.uk/programmes/m000sjxt",
            Some(1_614_248_100),
        ),
        (
            "atom_example_reddit.xml",
            1,
            "The Rust Programming Language",
            "Hey Rustaceans! Got an easy question? Ask here (21/2020)!",
            "https://www.reddit.com/r/rust/comments/glvkc5/hey_rustaceans_got_an_easy_question_ask_here/",
            Some(1_589_780_687),
        ),
        (
            "rss_0.91_encoding_1.xml",
            1,
            "Dicas-L: Dicas técnicas de Linux e Software Livre",
            "bash - Expansão de Parâmetros",
            "http://www.Dicas-L.com.br/dicas-l/20200406.php",
            None,
        ),
        (
            "atom_0.3.xml",
            2,
            "atom_0.3.feed.title",
            "atom_0.3.feed.entry[0].title",
            "",
            Some(946_688_400),
        ),
        (
            "rss_0.92.xml",
            2,
            "rss_0.92.channel.title",
            "rss_0.92.channel.item[0].title",
            "",
            None,
        ),
    ];
    let mut wrong = Vec::new();
    for &(name, entries, feed_title, title, link, date) in cases {
        let feed = read(name);
        let got = (
            feed.entries.len(),
            feed.title.as_deref().unwrap_or_default(),
            feed.entries[0].title.as_deref().unwrap_or_default(),
            feed.entries[0].link.as_deref().unwrap_or_default(),
        );
        // The rome files' links are placeholders, not URLs: only the real ones are compared,
        // as URLs (a host name is case-insensitive).
        let link_matches = link.is_empty() || Url::parse(got.3).ok() == Url::parse(link).ok();
        if (got.0, got.1, got.2) != (entries, feed_title, title) || !link_matches {
            wrong.push(format!(
                "{name}: got {got:?}, not {:?}",
                (entries, feed_title, title, link)
            ));
        }
        // A feed without dates gets the time roundup first saw it, later, in ingest.
        if date.is_some() && epoch(&feed) != date {
            wrong.push(format!("{name}: date {:?}, not {date:?}", epoch(&feed)));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_json_feed_keeps_its_offset_dates_and_html() {
    let feed = read("jsonfeed_spec_1.json");
    assert_eq!(feed.title.as_deref(), Some("JSON Feed"));
    let entry = &feed.entries[0];
    assert_eq!(entry.title.as_deref(), Some("Announcing JSON Feed"));
    assert_eq!(
        entry.published.map(|d| d.timestamp()),
        Some(
            DateTime::parse_from_rfc3339("2017-05-17T08:02:12-07:00")
                .unwrap()
                .timestamp()
        )
    );
    assert!(
        entry
            .content
            .as_deref()
            .unwrap()
            .starts_with("<p>We — Manton Reece")
    );
}

#[test]
fn an_escaped_ampersand_in_a_link_is_one_ampersand() {
    let feed = read("rss_item_link_corrupted_ampersands.xml");
    assert_eq!(
        feed.entries[0].link.as_deref(),
        Some("http://link/get?a=1&b=2")
    );
}

#[test]
fn a_declared_euc_kr_feed_is_decoded() {
    assert_eq!(read("euc-kr.xml").title.as_deref(), Some("\u{b144}"));
}

#[test]
fn xml_base_on_content_resolves_its_relative_image() {
    let feed = read("atom_xml_base.xml");
    let entry = &feed.entries[0];
    let base = entry.base.as_deref().map(|b| Url::parse(b).unwrap());
    let html = Sanitizer::new().clean(entry.content.as_deref().unwrap(), base.as_ref());
    assert!(
        html.contains("src=\"https://numi.st/post/2022/travel-uke/IMG_1232.jpeg\""),
        "{html}"
    );
}
