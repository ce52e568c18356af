//! Plain text out of HTML: for titles, names, summaries in JSON Feed and the words search
//! indexes.
//!
//! lol_html tokenises the markup as a browser does, so a `>` inside an attribute value
//! (`<abbr title="a > b">x</abbr>`) is part of the attribute, not the end of the tag.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use lol_html::{HtmlRewriter, Settings, doc_text, element, end_tag};

/// Elements whose edges separate words: "<p>one</p><p>two</p>" reads "one two".
const BLOCKS: &str = "address, article, aside, blockquote, br, dd, div, dl, dt, figcaption, \
    figure, footer, h1, h2, h3, h4, h5, h6, header, hr, li, main, nav, ol, p, pre, section, \
    table, td, th, tr, ul, img";

/// Elements whose content is code or metadata, never words of the post.
const HIDDEN: &str = "script, style, template, noscript, head, title";

/// Text with all markup removed and entities decoded, whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    if !html.contains(['<', '&']) {
        return collapse(html);
    }
    // Shared with the end-tag handlers, which lol_html wants to own.
    let raw = Rc::new(RefCell::new(String::with_capacity(html.len())));
    let hidden = Rc::new(Cell::new(0usize));
    let settings = Settings::new()
        // Strict mode gives up on markup whose parse needs the whole tree; for words, the
        // tokeniser's reading is good enough.
        .with_strict(false)
        .append_element_content_handler(element!(BLOCKS, |el| {
            raw.borrow_mut().push(' ');
            if el.can_have_content() {
                let raw = Rc::clone(&raw);
                el.on_end_tag(end_tag!(move |_| {
                    raw.borrow_mut().push(' ');
                    Ok(())
                }))?;
            }
            Ok(())
        }))
        .append_element_content_handler(element!(HIDDEN, |el| {
            if el.can_have_content() {
                hidden.set(hidden.get() + 1);
                let hidden = Rc::clone(&hidden);
                el.on_end_tag(end_tag!(move |_| {
                    hidden.set(hidden.get().saturating_sub(1));
                    Ok(())
                }))?;
            }
            Ok(())
        }))
        .append_document_content_handler(doc_text!(|chunk| {
            if hidden.get() == 0 {
                raw.borrow_mut().push_str(chunk.as_str());
            }
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    // The handlers never fail and strict mode is off, so lol_html has no reason to stop early;
    // if it did, the words read so far are still the best answer.
    let _ = rewriter
        .write(html.as_bytes())
        .and_then(|()| rewriter.end());
    let text = raw.take();
    collapse(&html_escape::decode_html_entities(&text))
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_goes_and_entities_are_decoded() {
        assert_eq!(plain_text("Tom &amp; Jerry <b>x</b>"), "Tom & Jerry x");
        assert_eq!(plain_text("<p>one</p><p>two</p>"), "one two");
        assert_eq!(plain_text("a < b &lt; c"), "a < b < c");
        assert_eq!(plain_text("x<script>var a = '<p>';</script>y"), "xy");
        assert_eq!(plain_text("caf&eacute;&nbsp;au&#160;lait"), "café au lait");
        assert_eq!(plain_text("  plain   words \n"), "plain words");
    }

    #[test]
    fn a_greater_than_sign_in_an_attribute_does_not_end_the_tag() {
        assert_eq!(plain_text(r#"<abbr title="a > b">x</abbr>"#), "x");
        assert_eq!(
            plain_text(r#"<a href="/?q=1>2">link</a> text"#),
            "link text"
        );
    }

    #[test]
    fn comments_styles_and_line_breaks() {
        assert_eq!(plain_text("a<!-- <p>hidden</p> -->b"), "ab");
        assert_eq!(plain_text("<style>p { color: red }</style>Hi"), "Hi");
        assert_eq!(plain_text("one<br>two<br/>three"), "one two three");
    }
}
