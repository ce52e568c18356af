//! Every failure the mutation harness (`tests/hostile.rs`) or the fuzzers (`fuzz/`) found, as a
//! test of its own, so that it stays fixed.
//!
//! Found by the harness, 1 December 2026: a feed from feedparser's suite with a run of 60,000
//! `&` spliced in, and an HTML payload with a megabyte of them in an attribute, each held the
//! sanitiser past the harness's timeout. html5ever's serialiser, inside ammonia, escapes a text
//! or an attribute in time that grows with its length times its ampersands (or non-breaking
//! spaces): 64,000 of them took 0.18 s, a megabyte 47 s, in a release build; a feed may be
//! 20 MiB. `sanitize::bounded` now cuts long text into short nodes and drops absurdly long
//! attributes before ammonia sees them. And a post of thousands of headings of one title,
//! whose ids were found in quadratic time (`slug::Slugs`, below).

mod common;

use std::time::{Duration, Instant};

use common::dangers::dangers;
use roundup::sanitize::Sanitizer;
use url::Url;

/// Cleans `long` (one long run of text or one long attribute) and `short` (the same characters
/// in short runs, between tags, which never were slow) back to back: the long one may not take
/// far longer. A comparison, not a stopwatch, so a busy machine slows both alike.
fn no_slower_than_in_pieces(long: &str, short: &str) -> String {
    let sanitizer = Sanitizer::new();
    let started = Instant::now();
    let clean = sanitizer.clean(long, Some(&base()));
    let took = started.elapsed();
    let started = Instant::now();
    sanitizer.clean(short, Some(&base()));
    let pieces = started.elapsed();
    assert!(
        took < pieces * 3 + Duration::from_secs(1),
        "one long run took {took:?}, the same in short runs {pieces:?}"
    );
    clean
}

/// The same characters as `run`, `n` of them, in short paragraphs.
fn in_pieces(run: &str, n: usize) -> String {
    format!("<p>{}</p>", run.repeat(200)).repeat(n / 200)
}

fn base() -> Url {
    Url::parse("https://blog.example/post/").unwrap()
}

#[test]
fn a_long_run_of_ampersands_is_sanitised_in_linear_time_and_kept_whole() {
    let n = 1 << 18;
    let clean = no_slower_than_in_pieces(&format!("<p>{}</p>", "&".repeat(n)), &in_pieces("&", n));
    assert_eq!(clean, format!("<p>{}</p>", "&amp;".repeat(n)));
}

#[test]
fn a_long_run_of_non_breaking_spaces_is_sanitised_in_linear_time() {
    let n = 1 << 18;
    let long = format!("<p>x{}y</p>", "\u{a0}".repeat(n));
    let clean = no_slower_than_in_pieces(&long, &in_pieces("\u{a0}", n));
    assert_eq!(clean.matches("&nbsp;").count(), n);
}

#[test]
fn a_huge_attribute_of_ampersands_is_dropped_in_linear_time() {
    let n = 1 << 18;
    let long = format!(
        "<img src=\"javascript:XSS\" title=\"1\">boo<p title=\"{}\">text</p>",
        "&".repeat(n)
    );
    let short = format!("<p title=\"{}\">text</p>", "&".repeat(200)).repeat(n / 200);
    let clean = no_slower_than_in_pieces(&long, &short);
    assert!(dangers(&clean).is_empty(), "{clean}");
    assert_eq!(clean, "boo<p>text</p>");
}

#[test]
fn a_feed_entry_with_a_run_of_ampersands_is_read_in_time() {
    let feed = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">\
         <title>t</title><id>urn:t</id><updated>2026-11-20T10:00:00Z</updated>\
         <entry><id>urn:t:1</id><title>Ampersands</title><updated>2026-11-20T10:00:00Z</updated>\
         <content type=\"html\">&lt;p&gt;{}&lt;/p&gt;</content></entry></feed>",
        "&amp;".repeat(300_000)
    );
    let url = base();
    let parsed = roundup::feed::parse(feed.as_bytes(), None, &url).unwrap();
    let key = roundup::health::FeedKey(url.to_string());
    let started = Instant::now();
    let posts = roundup::ingest::posts(&key, parsed, &url, &Sanitizer::new());
    let took = started.elapsed();
    assert_eq!(posts.len(), 1);
    assert!(posts[0].post.content.len() > 1_000_000);
    // Read as a build reads it (sanitised, then its text and summary made) within what the
    // same characters take in short paragraphs.
    let (_, pieces) = {
        let started = Instant::now();
        let out = Sanitizer::new().clean(&in_pieces("&amp;", 300_000), Some(&url));
        (out, started.elapsed())
    };
    assert!(
        took < pieces * 4 + Duration::from_secs(1),
        "{took:?} against {pieces:?}"
    );
}

/// Found by the harness: a post whose body repeats one line and a `---` thousands of times
/// (thousands of headings of one title). Each heading's id was found by trying `x-2`, `x-3`, ...
/// from the start, so n headings cost n²/2 tries: 4,000 took past the harness's 20 s. Posts of
/// one title in one blog were given their addresses the same way.
#[test]
fn thousands_of_headings_of_one_title_are_read_in_linear_time() {
    let post = |n: usize| {
        format!(
            "---\ntitle: x\ndate: 2026-11-20\n---\n{}",
            "[1, 2, {b: c}]}\n---\nbody\n".repeat(n)
        )
    };
    let read = |n: usize| {
        let text = post(n);
        let started = Instant::now();
        let parsed = roundup::content::parse(
            &text,
            std::path::PathBuf::from("content/x.md"),
            chrono_tz::Europe::London,
        )
        .unwrap();
        (parsed, started.elapsed())
    };
    let (small, once) = read(1000);
    let (big, eight) = read(8000);
    assert!(
        eight < once * 16 + Duration::from_secs(1),
        "8 times the headings took {eight:?}, against {once:?}"
    );
    let ids = |html: &str| {
        let ids: Vec<String> = regex::Regex::new(r#"<h\d id="([^"]+)""#)
            .unwrap()
            .captures_iter(html)
            .map(|c| c[1].to_string())
            .collect();
        let distinct: std::collections::HashSet<&String> = ids.iter().collect();
        (ids.len(), distinct.len())
    };
    assert_eq!(
        ids(&small.content),
        (1000, 1000),
        "every heading has its own id"
    );
    assert_eq!(
        ids(&big.content),
        (8000, 8000),
        "every heading has its own id"
    );
}
