//! Every payload of two XSS suites (html5lib's and DOMPurify's, in `tests/fixtures/xss/`)
//! through roundup's sanitiser, with what comes out read back by an HTML parser for anything
//! that could run script, load a document, restyle the page or clobber its globals. The browser
//! test `no_feed_payload_runs_script_in_a_reader_s_browser` loads the same payloads in Chromium.

mod common;

use std::cell::RefCell;

use lol_html::{HtmlRewriter, Settings, element};
use roundup::plain_text::plain_text;
use roundup::sanitize::Sanitizer;
use url::Url;

/// Elements that run script, load other documents or resources beyond an image, take input,
/// or change how the rest of the page is parsed.
const NEVER: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "link",
    "meta",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "option",
    "svg",
    "math",
    "template",
    "noscript",
    "xmp",
    "plaintext",
    "noembed",
    "noframes",
    "portal",
    "dialog",
    "slot",
    "title",
    "head",
    "body",
    "html",
    "image",
    "use",
    "animate",
    "set",
    "foreignobject",
    "video",
    "audio",
    "source",
    "track",
    "marquee",
    "bgsound",
    "isindex",
    "keygen",
    "param",
    "listing",
];

/// Attributes that hold a URL a browser may follow or load.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "srcset",
    "cite",
    "action",
    "formaction",
    "background",
    "poster",
    "data",
    "codebase",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "ping",
    "xlink:href",
    "manifest",
    "icon",
];

/// What is wrong with one piece of sanitised HTML, if anything.
fn dangers(html: &str) -> Vec<String> {
    let found = RefCell::new(Vec::new());
    let settings = Settings::new().append_element_content_handler(element!("*", |el| {
        let tag = el.tag_name().to_ascii_lowercase();
        let mut found = found.borrow_mut();
        if NEVER.contains(&tag.as_str()) || tag.contains(':') {
            found.push(format!("<{tag}>"));
        }
        for attr in el.attributes() {
            let name = attr.name().to_ascii_lowercase();
            // Only these survive unquoted into any context without risk.
            let value: String = attr
                .value()
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if name.starts_with("on")
                || matches!(
                    name.as_str(),
                    "style"
                        | "srcdoc"
                        | "id"
                        | "name"
                        | "class"
                        | "form"
                        | "is"
                        | "autofocus"
                        | "contenteditable"
                        | "popover"
                        | "popovertarget"
                        | "tabindex"
                )
            {
                found.push(format!("{tag}[{name}]"));
            }
            if URL_ATTRIBUTES.contains(&name.as_str())
                && !["http:", "https:", "mailto:"]
                    .iter()
                    .any(|scheme| value.starts_with(scheme))
            {
                found.push(format!("{tag}[{name}={value}]"));
            }
        }
        Ok(())
    }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter
        .write(html.as_bytes())
        .expect("sanitised HTML parses");
    rewriter.end().expect("sanitised HTML parses");
    found.into_inner()
}

#[test]
fn no_payload_of_either_suite_survives_the_sanitiser() {
    let sanitizer = Sanitizer::new();
    let base = Url::parse("https://blog.example/2026/11/post/").unwrap();
    let payloads = common::xss_payloads();
    assert!(payloads.len() > 250, "both suites load: {}", payloads.len());
    let mut failures = Vec::new();
    let mut with_text = 0;
    let headings = regex::Regex::new(r"(</?)h[1-6]").unwrap();
    for (name, payload) in &payloads {
        let clean = sanitizer.clean(payload, Some(&base));
        let problems = dangers(&clean);
        if !problems.is_empty() {
            failures.push(format!("{name}: {problems:?} in {clean}"));
        }
        // Parsed again, the output must not change: markup that means one thing to the
        // sanitiser and another to a browser (mutation XSS) shows up here.
        let again = sanitizer.clean(&clean, Some(&base));
        // Headings move one level down on each pass by design, and blank space may settle.
        let squeeze = |html: &str| {
            let html = headings.replace_all(html, "${1}h");
            html.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        if squeeze(&again) != squeeze(&clean) {
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
