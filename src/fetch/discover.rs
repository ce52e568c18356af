//! Finding a feed from a blog's page: the `<link rel="alternate">` elements that name one.

use std::cell::RefCell;

use lol_html::{HtmlRewriter, Settings, element};
use url::Url;

/// The feeds an HTML page names with `<link rel="alternate">`, absolute, in page order.
pub(super) fn discover(bytes: &[u8], url: &Url) -> Vec<Url> {
    const TYPES: [&str; 4] = [
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
    ];
    let found = RefCell::new(Vec::new());
    let settings =
        Settings::new().append_element_content_handler(element!("link[rel][href]", |el| {
            let rel = el
                .get_attribute("rel")
                .unwrap_or_default()
                .to_ascii_lowercase();
            let kind = el
                .get_attribute("type")
                .unwrap_or_default()
                .to_ascii_lowercase();
            let is_feed = TYPES
                .iter()
                .any(|t| kind.split(';').next().is_some_and(|k| k.trim() == *t));
            if rel.split_whitespace().any(|r| r == "alternate")
                && is_feed
                && let Some(href) = el
                    .get_attribute("href")
                    .and_then(|h| url.join(h.trim()).ok())
                && matches!(href.scheme(), "http" | "https")
                && !found.borrow().contains(&href)
            {
                found.borrow_mut().push(href);
            }
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    let _ = rewriter.write(bytes).and_then(|()| rewriter.end());
    found.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_links_are_found_in_page_order_and_made_absolute() {
        let page = br#"<!DOCTYPE html><html><head>
            <link rel="alternate" type="application/atom+xml" href="/atom.xml">
            <link rel="stylesheet" href="s.css">
            <link rel="alternate" type="application/rss+xml; charset=utf-8" href="https://blog.example/rss">
            <link rel="alternate" type="application/atom+xml" href="/atom.xml">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
            </head></html>"#;
        let base = Url::parse("https://blog.example/about/").unwrap();
        assert_eq!(
            discover(page, &base),
            [
                Url::parse("https://blog.example/atom.xml").unwrap(),
                Url::parse("https://blog.example/rss").unwrap()
            ]
        );
    }
}
