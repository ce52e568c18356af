//! Every payload of two XSS suites (html5lib's and DOMPurify's, in `tests/fixtures/xss/`)
//! through roundup's sanitiser, with what comes out read back by an HTML parser for anything
//! that could run script, load a document, restyle the page or clobber its globals. The browser
//! test `no_feed_payload_runs_script_in_a_reader_s_browser` loads the same payloads in Chromium.

mod common;

use common::dangers::{dangers, settled};
use roundup::plain_text::plain_text;
use roundup::sanitize::Sanitizer;
use url::Url;

#[test]
fn no_payload_of_either_suite_survives_the_sanitiser() {
    let sanitizer = Sanitizer::new();
    let base = Url::parse("https://blog.example/2026/11/post/").unwrap();
    let payloads = common::xss_payloads();
    assert!(payloads.len() > 250, "both suites load: {}", payloads.len());
    let mut failures = Vec::new();
    let mut with_text = 0;
    for (name, payload) in &payloads {
        let clean = sanitizer.clean(payload, Some(&base));
        let problems = dangers(&clean);
        if !problems.is_empty() {
            failures.push(format!("{name}: {problems:?} in {clean}"));
        }
        // Parsed again, the output must not change: markup that means one thing to the
        // sanitiser and another to a browser (mutation XSS) shows up here.
        let again = sanitizer.clean(&clean, Some(&base));
        if settled(&again) != settled(&clean) {
            failures.push(format!("{name}: not stable\n  {clean}\n  {again}"));
        }
        with_text += usize::from(!plain_text(&clean).trim().is_empty());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // A sanitiser that threw everything away would pass the checks above; this one keeps text.
    assert!(
        with_text * 3 > payloads.len(),
        "only {with_text} of {} kept any text",
        payloads.len()
    );
}

#[test]
fn the_checker_sees_what_it_looks_for() {
    // The checks above are only worth what this checker catches.
    for bad in [
        "<img src=x onerror=alert(1)>",
        "<a href=\" java\nscript:alert(1)\">x</a>",
        "<svg><script>alert(1)</script></svg>",
        "<p style=\"background:url(javascript:alert(1))\">x</p>",
        "<img name=getElementById src=https://a.example/i.png>",
        "<a href=data:text/html;base64,PHNjcmlwdD4=>x</a>",
    ] {
        assert!(!dangers(bad).is_empty(), "missed {bad}");
    }
    assert!(dangers("<p><a href=\"https://a.example/\">fine</a></p>").is_empty());
}
