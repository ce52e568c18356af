//! Real feeds from other projects' test suites (`tests/fixtures/feeds/`, see its SOURCES.md)
//! read by roundup's feed parser. Each expectation is what feedparser, the reference reader of
//! the field, reads from the same file.

use chrono::DateTime;
use roundup::feed::{Enclosure, FeedError, Image, ParsedFeed, parse};
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

fn read_with(name: &str, content_type: Option<&str>) -> ParsedFeed {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feeds")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    let url = Url::parse(&format!("https://feeds.example/{name}")).unwrap();
    parse(&bytes, content_type, &url).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn inline(xml: &str) -> ParsedFeed {
    let url = Url::parse("https://blog.example/feed").unwrap();
    parse(xml.as_bytes(), None, &url).unwrap_or_else(|e| panic!("{e}"))
}

fn repairs(feed: &ParsedFeed) -> Vec<String> {
    feed.repairs.iter().map(ToString::to_string).collect()
}

#[test]
fn a_podcast_episode_keeps_its_enclosure_and_running_time() {
    let feed = read("rss_2.0_spreaker.xml");
    let entry = &feed.entries[0];
    assert_eq!(
        entry.link.as_deref(),
        Some("https://www.spreaker.com/user/radio_katowice/09-05-dopo-8-10-lwowska-fala")
    );
    assert_eq!(
        entry.enclosures,
        [Enclosure {
            url: "https://api.spreaker.com/download/episode/46395247/09_05_dopo_8_10_lwowska_fala.mp3"
                .into(),
            media_type: Some("audio/mpeg".into()),
            length: Some(49_252_772),
            duration: Some(3079),
        }]
    );
    assert!(feed.repairs.is_empty(), "{:?}", feed.repairs);
}

#[test]
fn a_media_rss_thumbnail_is_the_featured_image() {
    let entry = read("rss_2.0_vimeo_media.xml").entries.remove(0);
    assert_eq!(
        entry.image,
        Some(Image {
            url: "https://i.vimeocdn.com/video/1931613648-ea51f2799c4a4a4e058ed673e5587a0449778336fb866fad28a1ef7703a848dc-d_960".into(),
            alt: Some("Oregon Harvest Update and Fall Release Date Set".into()),
            width: Some(960),
            height: Some(540),
        })
    );
}

#[test]
fn dc_title_stands_in_for_a_missing_title() {
    let feed = read("dublincore.xml");
    assert_eq!(feed.title.as_deref(), Some("Title"));
    assert_eq!(feed.entries[0].title.as_deref(), Some("Title"));
}

#[test]
fn atom_03_inline_xhtml_content_resolves_against_the_feeds_xml_base() {
    let feed = read("entry_content_xml_base_inherit.xml");
    let entry = &feed.entries[0];
    assert_eq!(
        entry.content.as_deref(),
        Some("Example <a href=\"test.html\">test</a>")
    );
    assert_eq!(entry.base.as_deref(), Some("http://example.com/test/"));
    let base = Url::parse(entry.base.as_deref().unwrap()).unwrap();
    let html = Sanitizer::new().clean(entry.content.as_deref().unwrap(), Some(&base));
    assert!(html.contains("example.com/test/test.html"), "{html}");
}

#[test]
fn an_html_entity_is_decoded_and_reported() {
    let feed = read("nbsp.xml");
    // feedparser reads "testing \u{a0} entity"; a plain-text title has its whitespace,
    // the no-break space among it, collapsed.
    assert_eq!(feed.title.as_deref(), Some("testing entity"));
    assert_eq!(repairs(&feed), ["HTML entity &nbsp; in XML"]);
}

#[test]
fn an_unescaped_ampersand_stays_in_the_link_and_is_reported() {
    let feed = read("query_variable_entry.xml");
    assert_eq!(
        feed.entries[0].link.as_deref(),
        Some("http://example/?a=1&b=2&c")
    );
    // The file ends at `</rss`, without its `>`.
    assert_eq!(
        repairs(&feed),
        ["unescaped &", "the document ends in the middle of a tag"]
    );
}

#[test]
fn a_mismatched_end_tag_costs_no_entry() {
    let feed = read("testfeed3.rss");
    let got: Vec<_> = feed
        .entries
        .iter()
        .map(|e| (e.title.as_deref().unwrap(), e.link.as_deref().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("Mercury", "http://example.com/1"),
            ("Venus", "http://example.com/2"),
            ("Earth", "http://example.com/3"),
            ("Mars", "http://example.com/4"),
        ]
    );
    assert_eq!(
        repairs(&feed),
        [
            "mismatched </feed> inside <channel>",
            "unclosed <channel>",
            "unclosed <rss>"
        ]
    );
}

#[test]
fn a_truncated_feed_keeps_its_title_and_says_so() {
    let feed = read("rss_2.0_invalid_1.xml");
    assert_eq!(feed.title.as_deref(), Some("Reuters: Most Read Articles"));
    assert!(feed.entries.is_empty());
    assert!(
        repairs(&feed).contains(&"unclosed <channel>".to_string()),
        "{:?}",
        feed.repairs
    );
}

#[test]
fn double_encoded_utf8_is_repaired() {
    let feed = read("double-encoded-html.xml");
    assert_eq!(feed.entries[0].summary.as_deref(), Some("…"));
    assert!(repairs(&feed).contains(&"double-encoded UTF-8 repaired".to_string()));
}

#[test]
fn windows_1252_punctuation_written_as_control_characters_is_repaired() {
    let feed = read("demoronize-1.xml");
    assert_eq!(feed.entries[0].summary.as_deref(), Some("don’t"));
}

/// feedparser reads this title as "Valid UTF8: Ñ¨Invalid UTF8: España": it decodes the whole
/// document as windows-1252, valid UTF-8 and all. Run by run, both halves come out right.
#[test]
fn stray_windows_1252_bytes_in_utf8_are_decoded_on_their_own() {
    let feed = read("bozo_invalid-bytes-with-bom.xml");
    assert_eq!(
        feed.title.as_deref(),
        Some("Valid UTF8: ѨInvalid UTF8: España")
    );
    assert_eq!(
        repairs(&feed),
        [
            "stray windows-1252 bytes in UTF-8",
            "the document ends in the middle of a tag"
        ]
    );
}

#[test]
fn xml_lang_gives_the_feed_and_its_entries_a_language() {
    let feed = read("atom_1.0.xml");
    assert_eq!(feed.language.as_deref(), Some("en-us"));
    assert!(
        feed.entries
            .iter()
            .all(|e| e.language.as_deref() == Some("en-us"))
    );
}

#[test]
fn an_atom_entry_document_is_one_entry() {
    let feed = read("atom_entry_1.xml");
    assert_eq!(feed.entries.len(), 1);
    assert_eq!(feed.entries[0].title.as_deref(), Some("Specifications"));
    // feedparser makes the link of the urn: id; roundup keeps only web addresses.
    assert_eq!(feed.entries[0].link, None);
    assert_eq!(
        feed.entries[0].updated.map(|d| d.to_rfc3339()).as_deref(),
        Some("2009-08-31T18:55:12.569+00:00")
    );
}

#[test]
fn a_json_feed_10_with_a_bare_version_is_read() {
    let feed = read_with("version_json_10.json", Some("application/json"));
    assert!(!feed.entries.is_empty());
    assert_eq!(
        repairs(&feed),
        ["JSON Feed version \"1.0\" rather than the specification's address"]
    );
}

#[test]
fn a_bad_dc_date_never_hides_a_good_pub_date() {
    let feed = inline(
        r#"<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title><item><title>Dated</title><link>https://blog.example/p/</link><pubDate>Mon, 01 Jul 2019 08:00:00 +0100</pubDate><dc:date>sometime last summer</dc:date></item></channel></rss>"#,
    );
    // What feedparser reads: 07:00 UTC; the offset as written is kept.
    assert_eq!(
        feed.entries[0].published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2019-07-01T08:00:00+01:00")
    );
}

#[test]
fn an_atom_feed_inside_an_xhtml_page_is_found() {
    let feed = inline(
        r#"<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><head><title>Our feed</title></head><body><p>Subscribe below</p><feed xmlns="http://www.w3.org/2005/Atom"><title>Team blog</title><link href="https://team.example/"/><entry><title>Weeknote 12</title><link href="https://team.example/weeknote-12"/><updated>2024-03-22T17:00:00Z</updated></entry></feed></body></html>"#,
    );
    // feedparser reads the entry alike (and no feed title, taking the page's <title>).
    let entry = &feed.entries[0];
    assert_eq!(entry.title.as_deref(), Some("Weeknote 12"));
    assert_eq!(
        entry.link.as_deref(),
        Some("https://team.example/weeknote-12")
    );
    assert_eq!(entry.updated.map(|d| d.timestamp()), Some(1_711_126_800));
    assert_eq!(feed.title.as_deref(), Some("Team blog"));
    assert_eq!(repairs(&feed), ["feed inside an HTML page"]);
}

#[test]
fn an_unclosed_cdata_section_keeps_the_entries_before_it() {
    let feed = inline(
        r#"<rss version="2.0"><channel><title>T</title><item><title>First</title><link>https://blog.example/1</link></item><item><title>Second</title><description><![CDATA[<p>Never closed</p></description></item></channel></rss>"#,
    );
    // As feedparser reads it: two entries, the second with its title and no link.
    let got: Vec<_> = feed
        .entries
        .iter()
        .map(|e| (e.title.as_deref(), e.link.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (Some("First"), Some("https://blog.example/1")),
            (Some("Second"), None)
        ]
    );
    assert!(repairs(&feed).contains(&"unclosed CDATA section".to_string()));
}

#[test]
fn text_after_the_end_of_the_feed_is_ignored_and_reported() {
    let feed = inline(
        r#"<rss version="2.0"><channel><title>T</title><item><title>Only</title><link>https://blog.example/only</link></item></channel></rss><p>Generated by hand</p>"#,
    );
    assert_eq!(feed.entries.len(), 1);
    assert_eq!(repairs(&feed), ["text after the end of the feed"]);
}

#[test]
fn a_well_formed_feed_is_read_without_repairs() {
    for name in [
        "rss_2.0_bbc.xml",
        "atom_example_reddit.xml",
        "rss_1.0_iso8859.xml",
    ] {
        assert!(
            read(name).repairs.is_empty(),
            "{name}: {:?}",
            read(name).repairs
        );
    }
}

#[test]
fn a_page_and_junk_fail_with_a_reason() {
    let url = Url::parse("https://blog.example/").unwrap();
    let page = b"<!DOCTYPE html><html><head><link rel=\"alternate\" type=\"application/atom+xml\" href=\"/atom.xml\"></head><body><p>Hi</p></body></html>";
    assert_eq!(parse(page, None, &url), Err(FeedError::WebPage));
    assert_eq!(parse(b"  \n", None, &url), Err(FeedError::Empty));
    assert!(matches!(
        parse(b"{\"title\": \"no items\"}", None, &url),
        Err(FeedError::NotJsonFeed(_))
    ));
    assert!(matches!(
        parse(b"<opml version=\"2.0\"><body/></opml>", None, &url),
        Err(FeedError::NoFeedElement { root: Some(root) }) if root == "opml"
    ));
}
