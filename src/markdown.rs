//! Markdown to HTML for local posts, with heading anchors, a summary and plain text for search.
//!
//! Local posts are trusted, so raw HTML in them passes through; feed HTML never comes here.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

use crate::slug::{Slugs, slugify};

/// The marker that ends a post's summary, as in Zola, Hugo and WordPress.
pub const MORE_MARKER: &str = "<!-- more -->";

/// A post's Markdown, rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The whole post.
    pub html: String,
    /// The part before `<!-- more -->`, else the first paragraph.
    pub summary: String,
    /// Every word, no markup.
    pub text: String,
}

/// The Markdown extensions local posts are written with; [`crate::links`] reads a post's links
/// with the same ones, so that it finds what the rendering links.
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
}

/// Renders a post's body.
pub fn render(markdown: &str) -> Rendered {
    let events = anchored(Parser::new_ext(markdown, options()).collect());
    let summary = match markdown.find(MORE_MARKER) {
        Some(at) => to_html(anchored(
            Parser::new_ext(&markdown[..at], options()).collect(),
        )),
        None => to_html(first_paragraph(&events)),
    };
    Rendered {
        text: plain_text(&events),
        summary,
        html: to_html(events),
    }
}

/// Renders a short piece of Markdown, such as a front matter summary.
pub fn render_fragment(markdown: &str) -> String {
    to_html(Parser::new_ext(markdown, options()).collect())
}

fn to_html(events: Vec<Event<'_>>) -> String {
    let mut out = String::with_capacity(events.len() * 16);
    html::push_html(&mut out, events.into_iter());
    out
}

/// Gives every heading an id (its own, else a slug of its text, unique in the post) and shifts
/// headings down a level when the post uses `#`, because the page's title is its only `h1`.
fn anchored(mut events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let shift = events.iter().any(|e| {
        matches!(
            e,
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            })
        )
    });
    let mut ids = Slugs::new();
    for event in &events {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
            ids.reserve(id);
        }
    }
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { .. }) = &events[i] {
            let end = (i..events.len())
                .find(|&j| matches!(events[j], Event::End(TagEnd::Heading(_))))
                .unwrap_or(events.len() - 1);
            let text = plain_text(&events[i + 1..end]);
            if let Event::Start(Tag::Heading { level, id, .. }) = &mut events[i] {
                if id.is_none() {
                    *id = Some(CowStr::from(ids.claim(&slugify(&text))));
                }
                if shift {
                    *level = deeper(*level);
                }
            }
            if shift && let Event::End(TagEnd::Heading(level)) = &mut events[end] {
                *level = deeper(*level);
            }
            i = end;
        }
        i += 1;
    }
    events
}

fn deeper(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H6,
    }
}

fn first_paragraph<'a>(events: &[Event<'a>]) -> Vec<Event<'a>> {
    let Some(start) = events
        .iter()
        .position(|e| matches!(e, Event::Start(Tag::Paragraph)))
    else {
        return Vec::new();
    };
    let mut depth = 0;
    let mut out = Vec::new();
    for event in &events[start..] {
        match event {
            Event::Start(Tag::Paragraph) => depth += 1,
            Event::End(TagEnd::Paragraph) => depth -= 1,
            // A footnote reference would point at nothing outside the whole post.
            Event::FootnoteReference(_) => continue,
            _ => {}
        }
        out.push(event.clone());
        if depth == 0 {
            break;
        }
    }
    out
}

/// The ends of block elements, where words of two blocks would otherwise run together.
fn is_block_end(end: &TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::FootnoteDefinition
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::TableCell
    )
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                text.push_str(t)
            }
            Event::SoftBreak | Event::HardBreak => separate(&mut text),
            Event::End(end) if is_block_end(end) => separate(&mut text),
            _ => {}
        }
    }
    fn separate(text: &mut String) {
        if !text.is_empty() && !text.ends_with(' ') {
            text.push(' ');
        }
    }
    let trimmed = text.trim_end().len();
    text.truncate(trimmed);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_unique_anchors_and_sit_below_the_title() {
        let out = render("# Intro\n\ntext\n\n## Intro\n\n### Own {#mine}\n");
        assert!(
            out.html.contains(r#"<h2 id="intro">Intro</h2>"#),
            "{}",
            out.html
        );
        assert!(
            out.html.contains(r#"<h3 id="intro-2">Intro</h3>"#),
            "{}",
            out.html
        );
        assert!(
            out.html.contains(r#"<h4 id="mine">Own</h4>"#),
            "{}",
            out.html
        );
    }

    #[test]
    fn headings_stay_put_when_the_post_has_no_h1() {
        let out = render("## Two\n");
        assert!(
            out.html.contains(r#"<h2 id="two">Two</h2>"#),
            "{}",
            out.html
        );
    }

    #[test]
    fn the_summary_is_the_text_before_more() {
        let out = render("First para.\n\nSecond para.\n\n<!-- more -->\n\nRest.\n");
        assert!(out.summary.contains("First para."));
        assert!(out.summary.contains("Second para."));
        assert!(!out.summary.contains("Rest."));
        assert!(out.html.contains("Rest."));
    }

    #[test]
    fn without_more_the_summary_is_the_first_paragraph() {
        let out = render("## Heading\n\nOne[^n].\n\nTwo.\n\n[^n]: note\n");
        assert_eq!(out.summary.trim(), "<p>One.</p>");
    }

    #[test]
    fn extensions_are_on() {
        let out =
            render("| a |\n|---|\n| b |\n\n~~gone~~\n\n- [x] done\n\nNote[^1]\n\n[^1]: here\n");
        assert!(out.html.contains("<table>"));
        assert!(out.html.contains("<del>gone</del>"));
        assert!(out.html.contains("checkbox"));
        assert!(out.html.contains("footnote"));
    }

    #[test]
    fn plain_text_has_words_and_no_markup() {
        let out = render("Some *emphasis* and `code`.\n\n- item\n");
        assert_eq!(out.text, "Some emphasis and code. item");
    }
}
