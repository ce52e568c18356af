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

/// Found by the harness in CI, 2 December 2026: a feed whose `</description>` was mutated into
/// `< title="&&&…"/description>`, a megabyte of `&` in text after a `<` that starts no tag.
/// lol_html handed that text over in short chunks, each too short to be cut, and the sanitiser
/// took 8 s.
#[test]
fn a_long_run_of_ampersands_after_a_stray_angle_bracket_is_sanitised_in_linear_time() {
    let n = 1 << 20;
    let long = format!("<p>Bertha.\"< title=\"{}\"/p>", "&".repeat(n));
    let clean = no_slower_than_in_pieces(&long, &in_pieces("&", n));
    assert_eq!(clean.matches("&amp;").count(), n);
}

/// Found by the harness the same day: text in a table is moved out before it by the parser,
/// where the pieces cut by comments (which stay in the table) joined up again, and where each
/// character moved out past pieces cut by elements searched every one of them (a megabyte of
/// `<` took 5 s); and the raw text of `<xmp>`, `<noembed>`, `<noframes>` and `<plaintext>`,
/// where nothing can be cut.
#[test]
fn a_long_run_of_ampersands_in_a_table_or_raw_text_is_sanitised_in_linear_time() {
    let n = 1 << 20;
    for (open, close) in [
        ("<table>", "</table>"),
        ("<select>", "</select>"),
        ("<xmp><b>", "</b></xmp>"),
        ("<noembed>", "</noembed>"),
        ("<noframes>", "</noframes>"),
        ("<plaintext>", ""),
    ] {
        let long = format!("{open}{}{close}", "&".repeat(n));
        let clean = no_slower_than_in_pieces(&long, &in_pieces("&", n));
        if open != "<select>" {
            assert_eq!(clean.matches("&amp;").count(), n, "{open}");
        }
        if open == "<xmp><b>" {
            // Raw text stays text: the tag in it is shown, not obeyed.
            assert!(clean.starts_with("&lt;b&gt;&amp;"), "{}", &clean[..40]);
        }
    }
    let long = format!("<table>{}</table>", "<".repeat(n));
    let clean = no_slower_than_in_pieces(&long, &in_pieces("<", n));
    assert_eq!(clean.matches("&lt;").count(), n);
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

/// Found by the harness in CI, 2 December 2026: a thread overflowed its stack on a feed of
/// inline XHTML nested thousands deep, and took the whole process with it, which no
/// `catch_unwind` can stop. Timing it showed more: html5ever and xml5ever check each new
/// element against those open above it, so 40,000 nested `<ul><li>`s held the sanitiser 12 s
/// and 40,000 `<div>`s in an Atom entry 7 s. Markup deeper than `guard::MAX_DEPTH` now loses
/// its tags and keeps its text. Each reader of untrusted text is given markup nested `DEEP`
/// and an eighth as deep, each in a thread with the 2 MiB stack of tokio's and rayon's
/// workers, where a build reads and renders: neither may overflow, and eight times the depth
/// may not cost far more than eight times the time (a comparison, not a stopwatch).
fn linear_in_depth(name: &str, make: Nesting, read: fn(&str)) {
    let run = |depth: usize| {
        let input = make(depth);
        std::thread::Builder::new()
            .name(format!("{name} at {depth}"))
            .stack_size(2 << 20)
            .spawn(move || {
                let started = Instant::now();
                read(&input);
                started.elapsed()
            })
            .unwrap()
            .join()
            .unwrap_or_else(|_| panic!("{name}: panicked"))
    };
    let shallow = run(DEEP / 8);
    let deep = run(DEEP);
    assert!(
        deep < shallow * 8 * 3 + Duration::from_secs(1),
        "{name}: {DEEP} deep took {deep:?}, an eighth as deep {shallow:?}"
    );
}

const DEEP: usize = 100_000;

/// Makes an input nested as deep as it is told.
type Nesting = fn(usize) -> String;

fn nested(open: &str, close: &str, depth: usize) -> String {
    format!("{}x{}", open.repeat(depth), close.repeat(depth))
}

fn read_feed(feed: &str) {
    let url = base();
    if let Ok(parsed) = roundup::feed::parse(feed.as_bytes(), None, &url) {
        let key = roundup::health::FeedKey(url.to_string());
        roundup::ingest::posts(&key, parsed, &url, &Sanitizer::new());
    }
}

fn atom(content: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title>\
         <id>urn:t</id><entry><id>urn:t:1</id><title>Deep</title>\
         <updated>2026-11-20T10:00:00Z</updated>{content}</entry></feed>"
    )
}

fn rss(description: &str) -> String {
    format!(
        "<rss version=\"2.0\"><channel><title>t</title><item><title>Deep</title>\
         <guid>1</guid><description>{description}</description></item></channel></rss>"
    )
}

#[test]
fn markup_nested_deep_in_a_feed_is_read_in_linear_time_and_stack() {
    let feeds: [(&str, Nesting); 7] = [
        ("inline XHTML", |d| {
            atom(&format!(
                "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">{}</div></content>",
                nested("<div>", "</div>", d)
            ))
        }),
        ("entries", |d| atom(&nested("<entry>", "</entry>", d))),
        ("unclosed XHTML", |d| {
            atom(&format!(
                "<content type=\"xhtml\">{}</content>",
                "<b><i>".repeat(d)
            ))
        }),
        ("raw HTML", |d| rss(&nested("<b><i>", "</i></b>", d))),
        ("escaped HTML", |d| {
            rss(&nested("&lt;ul&gt;&lt;li&gt;", "&lt;/li&gt;&lt;/ul&gt;", d))
        }),
        ("outlines", |d| nested("<outline>", "</outline>", d)),
        ("JSON", |d| {
            format!(
                "{{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{}]}}",
                nested("[", "]", d)
            )
        }),
    ];
    for (name, make) in feeds {
        linear_in_depth(name, make, read_feed);
    }
}

#[test]
fn the_deepest_markup_of_a_feed_keeps_its_text_and_is_reported() {
    let feed = atom(&format!(
        "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">{}</div></content>",
        nested("<div>", "</div>", 2000)
    ));
    let url = base();
    let parsed = roundup::feed::parse(feed.as_bytes(), None, &url).unwrap();
    assert!(
        parsed.repairs.contains(&roundup::feed::Repair::TooDeep),
        "{:?}",
        parsed.repairs
    );
    let key = roundup::health::FeedKey(url.to_string());
    let posts = roundup::ingest::posts(&key, parsed, &url, &Sanitizer::new());
    let content = &posts[0].post.content;
    assert!(content.contains('x'), "the text is kept");
    let divs = content.matches("<div>").count();
    assert!(
        (400..=roundup::guard::MAX_DEPTH).contains(&divs),
        "{divs} divs"
    );
}

#[test]
fn html_nested_deep_is_sanitised_in_linear_time_and_stack() {
    let cases: [(&str, Nesting); 6] = [
        ("div", |d| nested("<div>", "</div>", d)),
        ("b i", |d| nested("<b><i>", "</i></b>", d)),
        ("table", |d| {
            nested("<table><tr><td>", "</td></tr></table>", d)
        }),
        ("ul li", |d| nested("<ul><li>", "</li></ul>", d)),
        ("svg", |d| nested("<svg><g>", "</g></svg>", d)),
        ("unclosed div", |d| nested("<div>", "", d)),
    ];
    for (name, make) in cases {
        linear_in_depth(name, make, |html| {
            let clean = Sanitizer::new().clean(html, Some(&base()));
            roundup::plain_text::plain_text(&clean);
        });
    }
}

#[test]
fn markup_that_only_looks_deep_keeps_every_tag() {
    // Implied end tags and end tags closing several elements at once, a thousand times over:
    // none of it is deep, and none of it may lose a tag to the depth limit.
    let html = "<div><span>a</div><ul><li>b<li>c</ul><p>d<blockquote><div>e</blockquote>\
                <table><tr><td>f<td>g</table>"
        .repeat(1000);
    let clean = Sanitizer::new().clean(&html, Some(&base()));
    for (tag, each) in [
        ("<div>", 2),
        ("<li>", 2),
        ("<p>", 1),
        ("<blockquote>", 1),
        ("<td>", 2),
    ] {
        assert_eq!(clean.matches(tag).count(), each * 1000, "{tag}");
    }
}

#[test]
fn front_matter_and_markdown_nested_deep_are_read_in_linear_time_and_stack() {
    let posts: [(&str, Nesting); 8] = [
        ("YAML flow lists", |d| {
            format!("---\ntitle: x\nextra: {}\n---\nbody\n", nested("[", "]", d))
        }),
        ("YAML flow maps", |d| {
            format!(
                "---\ntitle: x\nextra: {}\n---\nbody\n",
                nested("{a: ", "}", d)
            )
        }),
        ("YAML block lists", |d| {
            format!("---\ntitle: x\nextra:\n{}\n---\nbody\n", "- ".repeat(d))
        }),
        ("quotes", |d| {
            format!("---\ntitle: x\n---\n{}\n", "> ".repeat(d))
        }),
        ("lists", |d| {
            format!("---\ntitle: x\n---\n{}\n", "- ".repeat(d))
        }),
        ("raw HTML", |d| {
            format!("---\ntitle: x\n---\n{}\n", nested("<div>", "</div>", d))
        }),
        ("emphasis", |d| {
            format!("---\ntitle: x\n---\n{}\n", nested("*", "*", d))
        }),
        ("links", |d| {
            format!("---\ntitle: x\n---\n{}\n", nested("[", "](x)", d))
        }),
    ];
    for (name, make) in posts {
        linear_in_depth(name, make, |post| {
            let _ = roundup::content::parse(
                post,
                std::path::PathBuf::from("content/deep.md"),
                chrono_tz::Europe::London,
            );
        });
    }
}

#[test]
fn feeds_toml_nested_deep_is_read_in_linear_time_and_stack() {
    let files: [(&str, Nesting); 3] = [
        ("arrays", |d| format!("a = {}", nested("[", "]", d))),
        ("inline tables", |d| {
            format!("a = {}", nested("{a=", "}", d))
        }),
        ("in [site]", |d| {
            format!("[site]\ntitle = {}", nested("[", "]", d))
        }),
    ];
    for (name, make) in files {
        linear_in_depth(name, make, |toml| {
            let _ = roundup::config::Config::parse(toml, std::path::Path::new("feeds.toml"));
        });
    }
}
