//! The `Post`: one type for every later stage, whether it came from `content/` or from a feed.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// One post, local or remote, with its HTML already safe to publish.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Post {
    /// Stable across builds: `local:<slug>` for a local post, the entry's id for a remote one.
    pub id: String,
    /// Where the post came from.
    pub source: Source,
    /// The path segment the post would like; the site makes it unique.
    pub slug: String,
    /// Plain text.
    pub title: String,
    /// The original post, for a remote post.
    pub original_url: Option<String>,
    /// When it was first published, with the offset it was published in.
    pub published: DateTime<FixedOffset>,
    /// When it last changed, if the source says.
    pub updated: Option<DateTime<FixedOffset>>,
    /// Plain-text names.
    pub authors: Vec<String>,
    /// Safe HTML: a paragraph or two.
    pub summary: String,
    /// Safe HTML: the whole post.
    pub content: String,
    /// The words of the post with no markup, for search.
    pub text: String,
    /// Free-form topics, as the author spelled them.
    pub tags: Vec<String>,
    /// Broad groupings, as the author or the feed's settings spelled them.
    pub categories: Vec<String>,
    /// Explicitly marked as a weeknote (front matter, or the feed's `weeknotes = true`).
    pub weeknote: bool,
    /// A draft is only built with `--drafts`.
    pub draft: bool,
    /// Anything else the front matter's `extra` table holds, for themes.
    #[serde(default)]
    pub extra: serde_json::Value,
    /// Its language (BCP 47), when its source says: front matter `lang`, the entry's or feed's
    /// `xml:lang`, `<language>` or JSON Feed `language`.
    #[serde(default)]
    pub language: Option<String>,
    /// Audio, video and other files it carries: a podcast episode.
    #[serde(default)]
    pub enclosures: Vec<Enclosure>,
    /// The picture it leads with: the feed's, the front matter's, else its content's first.
    #[serde(default)]
    pub image: Option<Image>,
}

/// A file attached to an entry: an RSS enclosure, an Atom `rel="enclosure"` link, a Media RSS
/// audio or video, a JSON Feed attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enclosure {
    /// Absolute, http(s).
    pub url: String,
    /// The media type the feed gives (`audio/mpeg`).
    pub media_type: Option<String>,
    /// Size in bytes, when the feed gives a plausible one.
    pub length: Option<u64>,
    /// Running time in seconds.
    pub duration: Option<u32>,
}

/// An entry's featured image (Media RSS, iTunes, JSON Feed `image`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// Absolute, always https: the site is served over https and must not load mixed content.
    pub url: String,
    /// Alternative text, when the feed describes the image.
    pub alt: Option<String>,
    /// Width in pixels, when given.
    pub width: Option<u32>,
    /// Height in pixels, when given.
    pub height: Option<u32>,
}

/// Where a post came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Source {
    /// A Markdown file, by its path relative to the site's root.
    Local(PathBuf),
    /// A feed of the blog roll, by its key in the archive.
    Feed(FeedKey),
}

/// A feed's name in the archive: the address the archive first knew it by. It never changes,
/// so a feed that moves, or whose `url` is edited in `feeds.toml`, keeps its posts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FeedKey(pub String);

impl std::fmt::Display for FeedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Post {
    /// True for a post that came from a feed.
    pub fn is_remote(&self) -> bool {
        matches!(self.source, Source::Feed(_))
    }
}

#[cfg(test)]
impl Post {
    /// A post for tests: local, at `content/<id>.md`, titled and slugged by its id, published at
    /// `date` (RFC 3339); change what a test is about with struct update syntax.
    pub(crate) fn sample(id: &str, date: &str) -> Post {
        Post {
            id: id.to_string(),
            source: Source::Local(PathBuf::from(format!("content/{id}.md"))),
            slug: id.to_string(),
            title: id.to_string(),
            original_url: None,
            published: DateTime::parse_from_rfc3339(date).expect("an RFC 3339 date"),
            updated: None,
            authors: vec![],
            summary: String::new(),
            content: String::new(),
            text: String::new(),
            tags: vec![],
            categories: vec![],
            weeknote: false,
            draft: false,
            extra: serde_json::Value::Null,
            language: None,
            enclosures: vec![],
            image: None,
        }
    }
}
