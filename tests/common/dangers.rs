//! What must never come out of the sanitiser, read back with an HTML parser: anything that
//! could run script, load a document, restyle the page or clobber its globals. Shared by
//! `tests/xss.rs`, the mutation harness (`tests/hostile.rs`) and the fuzz targets (`fuzz/`),
//! so that all three hold the sanitiser to the same checks.
#![allow(dead_code, unreachable_pub)]

use std::cell::RefCell;

use lol_html::{HtmlRewriter, Settings, element};

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
pub fn dangers(html: &str) -> Vec<String> {
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

/// Sanitised HTML as a second pass must leave it: headings move one level down on each pass by
/// design, and blank space may settle (a run of it to one space, and blank text beside a tag to
/// nothing: html5ever writes `<pre>` with the newline a browser then drops); anything else that
/// changes is markup that means one thing to the sanitiser and another to a browser (mutation
/// XSS).
pub fn settled(html: &str) -> String {
    static HEADINGS: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    static BESIDE_TAGS: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let headings = HEADINGS.get_or_init(|| regex::Regex::new(r"(</?)h[1-6]").expect("a regex"));
    let beside = BESIDE_TAGS.get_or_init(|| regex::Regex::new(r">\s+|\s+<").expect("a regex"));
    let html = headings.replace_all(html, "${1}h");
    let html = beside.replace_all(
        &html,
        |c: &regex::Captures<'_>| {
            if c[0].starts_with('>') { ">" } else { "<" }
        },
    );
    html.split_whitespace().collect::<Vec<_>>().join(" ")
}
