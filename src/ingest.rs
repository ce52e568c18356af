//! Feed entries to posts: stable ids, plain titles, sanitised HTML, search text.
//!
//! A feed's configured tags, categories and weeknote flag are not stamped on its posts here:
//! the site applies them at every build, so editing `feeds.toml` changes archived posts too.

use chrono::{DateTime, FixedOffset};
use sha2::{Digest, Sha256};
use url::Url;

use crate::feed::{Entry, ParsedFeed};
use crate::plain_text::plain_text;
use crate::post::{FeedKey, Post, Source};
use crate::sanitize::{Sanitizer, first_image, is_tracking_image};
use crate::slug::slugify;

/// An entry on its way into the archive: a post whose `published` the archive settles, because
/// an entry without a date, or dated in the future, takes the time it was first seen.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    /// The post, with its source set to its feed.
    pub post: Post,
    /// The date the feed gave, if any.
    pub date: Option<DateTime<FixedOffset>>,
}

/// How many words a made-up title or summary takes from the post.
const TITLE_WORDS: usize = 10;
const SUMMARY_WORDS: usize = 55;

/// Turns a parsed feed into posts for the archive.
pub fn posts(
    feed_key: &FeedKey,
    parsed: ParsedFeed,
    final_url: &Url,
    sanitizer: &Sanitizer,
) -> Vec<Incoming> {
    let mut seen = std::collections::HashSet::new();
    parsed
        .entries
        .into_iter()
        .map(|entry| post(feed_key, entry, final_url, sanitizer))
        // A feed that repeats an entry would otherwise store it twice under one key.
        .filter(|incoming| seen.insert(incoming.post.id.clone()))
        .collect()
}

fn post(feed_key: &FeedKey, entry: Entry, final_url: &Url, sanitizer: &Sanitizer) -> Incoming {
    let link = entry.link.as_deref().and_then(|l| final_url.join(l).ok());
    let base = entry
        .base
        .as_deref()
        .and_then(|b| final_url.join(b).ok())
        .or_else(|| link.clone())
        .unwrap_or_else(|| final_url.clone());
    let body = entry
        .content
        .as_deref()
        .or(entry.summary.as_deref())
        .unwrap_or_default();
    let content = sanitizer.clean(body, Some(&base));
    let text = plain_text(&content);
    // A feed's own image can be a counter as much as an `<img>` in the content can.
    let image = entry
        .image
        .filter(|i| !is_tracking_image(i))
        .or_else(|| first_image(&content));
    let summary = match (&entry.summary, &entry.content) {
        (Some(summary), Some(content)) if summary.trim() != content.trim() => {
            sanitizer.clean(summary, Some(&base))
        }
        _ => excerpt(&text, SUMMARY_WORDS)
            .map(|words| format!("<p>{}</p>", html_escape::encode_text(&words)))
            .unwrap_or_default(),
    };
    let title = entry
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| excerpt(&text, TITLE_WORDS))
        .unwrap_or_else(|| "Untitled post".to_string());
    let date = entry.published.or(entry.updated);
    let id = entry
        .id
        .clone()
        .filter(|id| !id.trim().is_empty())
        .map(|id| id.trim().to_string())
        .or_else(|| link.as_ref().map(Url::to_string))
        .unwrap_or_else(|| hashed_id(&feed_key.0, &title, date.map(|d| d.to_rfc3339()).as_deref()));
    Incoming {
        post: Post {
            slug: slugify(&title),
            id,
            source: Source::Feed(feed_key.clone()),
            original_url: link.map(String::from),
            // Settled by the archive, which knows when the entry was first seen.
            published: date.unwrap_or_default(),
            updated: entry.updated.filter(|u| Some(*u) != entry.published),
            authors: entry.authors,
            summary,
            content,
            text,
            tags: entry.categories,
            categories: Vec::new(),
            title,
            weeknote: false,
            draft: false,
            extra: serde_json::Value::Null,
            language: entry.language,
            enclosures: entry.enclosures,
            image,
        },
        date,
    }
}

/// An id for an entry with neither guid nor link: the same entry gives the same id every time.
fn hashed_id(feed: &str, title: &str, date: Option<&str>) -> String {
    let mut hash = Sha256::new();
    for part in [feed, title, date.unwrap_or_default()] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let digest = hash.finalize();
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("urn:roundup:{hex}")
}

/// The first `words` words of `text`, with an ellipsis if there were more; none if empty.
fn excerpt(text: &str, words: usize) -> Option<String> {
    let mut all = text.split_whitespace();
    let head: Vec<&str> = all.by_ref().take(words).collect();
    if head.is_empty() {
        return None;
    }
    let mut out = head.join(" ");
    if all.next().is_some() {
        out.push('…');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::post::Image;

    fn entry() -> Entry {
        Entry::default()
    }

    fn one(entry: Entry) -> Incoming {
        let feed = ParsedFeed {
            title: None,
            homepage: None,
            language: None,
            entries: vec![entry],
            repairs: vec![],
        };
        let url = Url::parse("https://blog.example/feed/").unwrap();
        posts(
            &FeedKey("https://blog.example/feed/".into()),
            feed,
            &url,
            &Sanitizer::new(),
        )
        .remove(0)
    }

    #[test]
    fn the_id_is_the_guid_else_the_link_else_a_stable_hash() {
        let with_guid = one(Entry {
            id: Some(" tag:x,2026:1 ".into()),
            link: Some("/a".into()),
            ..entry()
        });
        assert_eq!(with_guid.post.id, "tag:x,2026:1");
        let with_link = one(Entry {
            link: Some("/a".into()),
            ..entry()
        });
        assert_eq!(with_link.post.id, "https://blog.example/a");
        let bare = || Entry {
            title: Some("T".into()),
            ..entry()
        };
        assert!(one(bare()).post.id.starts_with("urn:roundup:"));
        assert_eq!(one(bare()).post.id, one(bare()).post.id);
    }

    #[test]
    fn an_untitled_entry_takes_its_first_words() {
        let post = one(Entry {
            content: Some("<p>One two three four five six seven eight nine ten eleven.</p>".into()),
            ..entry()
        })
        .post;
        assert_eq!(
            post.title,
            "One two three four five six seven eight nine ten…"
        );
        assert_eq!(one(entry()).post.title, "Untitled post");
    }

    #[test]
    fn content_is_sanitised_and_relative_links_resolved() {
        let post = one(Entry {
            link: Some("https://blog.example/2026/post/".into()),
            content: Some(
                r#"<p onclick="x()">Hi <a href="../other/">there</a><script>alert(1)</script></p>"#
                    .into(),
            ),
            ..entry()
        })
        .post;
        assert!(!post.content.contains("script"), "{}", post.content);
        assert!(!post.content.contains("onclick"), "{}", post.content);
        assert!(
            post.content.contains("https://blog.example/2026/other/"),
            "{}",
            post.content
        );
        assert_eq!(post.text, "Hi there");
    }

    #[test]
    fn a_summary_is_made_when_the_feed_has_none() {
        let post = one(Entry {
            content: Some("<p>Fish &amp; chips &lt;3</p>".into()),
            ..entry()
        })
        .post;
        assert_eq!(post.summary, "<p>Fish &amp; chips &lt;3</p>");
    }

    #[test]
    fn a_feed_s_tracking_pixel_is_never_the_featured_image() {
        let pixel = Image {
            url: "https://stats.wordpress.com/b.gif".into(),
            alt: None,
            width: None,
            height: None,
        };
        let post = one(Entry {
            image: Some(pixel),
            content: Some(
                r#"<p><img src="https://blog.example/chart.png" alt="A chart"></p>"#.into(),
            ),
            ..entry()
        })
        .post;
        let image = post.image.expect("the content's image stands in");
        assert_eq!(image.url, "https://blog.example/chart.png");
        assert_eq!(image.alt.as_deref(), Some("A chart"));
    }

    #[test]
    fn repeated_entries_are_kept_once() {
        let feed = ParsedFeed {
            title: None,
            homepage: None,
            language: None,
            repairs: vec![],
            entries: vec![
                Entry {
                    id: Some("a".into()),
                    ..entry()
                },
                Entry {
                    id: Some("a".into()),
                    ..entry()
                },
            ],
        };
        let url = Url::parse("https://blog.example/feed/").unwrap();
        assert_eq!(
            posts(&FeedKey("k".into()), feed, &url, &Sanitizer::new()).len(),
            1
        );
    }
}
