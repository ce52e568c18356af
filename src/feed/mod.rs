//! Parsing feeds into entries: RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1.
//!
//! Feeds are read as Python's feedparser reads them in its forgiving mode: whatever a browser
//! would make of the markup becomes a tree ([`tree`], on servo's xml5ever), and the tree is
//! read element by element ([`xml`]); JSON Feeds are read from a loose JSON value ([`json`]).
//! What had to be forgiven comes back as [`Repair`]s, so that a blog's owner can be told.
//! Titles and names come out as plain text; HTML comes out raw and untrusted.

pub mod dates;
mod decode;
mod json;
mod media;
mod scan;
#[cfg(test)]
mod tests;
mod text;
mod tree;
mod xml;

use std::fmt;

use chrono::{DateTime, FixedOffset};
use url::Url;

pub use crate::post::{Enclosure, Image};

/// One feed, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFeed {
    /// The feed's own title, plain text.
    pub title: Option<String>,
    /// The blog's home page, absolute.
    pub homepage: Option<String>,
    /// The feed's language tag as written (`en-gb`), from `xml:lang`, `<language>` or
    /// `dc:language`.
    pub language: Option<String>,
    /// In document order.
    pub entries: Vec<Entry>,
    /// What had to be forgiven to read the feed; empty when it was read as written.
    pub repairs: Vec<Repair>,
}

/// One entry. Text fields are plain; `summary` and `content` are raw, untrusted HTML.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Entry {
    /// The id the feed gives (guid, Atom id), if any.
    pub id: Option<String>,
    /// Plain text.
    pub title: Option<String>,
    /// The post's address, absolute, http(s) only.
    pub link: Option<String>,
    /// When first published, with the offset it was written with.
    pub published: Option<DateTime<FixedOffset>>,
    /// When last changed, with the offset it was written with.
    pub updated: Option<DateTime<FixedOffset>>,
    /// Plain-text names.
    pub authors: Vec<String>,
    /// Raw HTML.
    pub summary: Option<String>,
    /// Raw HTML.
    pub content: Option<String>,
    /// Plain-text labels, without repeats.
    pub categories: Vec<String>,
    /// What relative URLs in the HTML resolve against: the `xml:base` in force where the
    /// content is, else the post's link, else the feed's address.
    pub base: Option<String>,
    /// The entry's language tag, its own or the feed's.
    pub language: Option<String>,
    /// Audio, video and other files the entry carries (podcast episodes).
    pub enclosures: Vec<Enclosure>,
    /// The entry's featured image.
    pub image: Option<Image>,
}

/// Something a feed got wrong that was forgiven to read it, in words its owner understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repair {
    /// An element left open, closed by its parent's end tag or the end of the document.
    Unclosed {
        /// As written, with its prefix (`item`, `dc:creator`).
        element: String,
    },
    /// An end tag that matches no open element, dropped.
    Mismatched {
        /// The end tag's name.
        end: String,
        /// The element open where it was found.
        inside: String,
    },
    /// A `&` that starts no entity or character reference, read as itself.
    UnescapedAmpersand,
    /// An HTML named entity, which XML does not define, decoded as HTML would.
    HtmlEntity {
        /// The entity's name (`nbsp`).
        name: String,
    },
    /// An entity neither XML nor HTML defines and the document does not declare, kept as text.
    UnknownEntity {
        /// The entity's name.
        name: String,
    },
    /// A CDATA section that never ends: the rest of the document became its text.
    UnclosedCdata,
    /// The document ends inside a tag, a comment or a declaration (it was cut short).
    EndsEarly,
    /// Markup or text after the feed's root element ended, ignored.
    TextAfterFeed,
    /// Text before the feed's root element, ignored.
    TextBeforeFeed,
    /// The feed element was found inside another document.
    FeedInside {
        /// The outer document's root element (`html`).
        element: String,
    },
    /// A namespace prefix used without its declaration, read by its usual meaning.
    UndeclaredPrefix {
        /// The prefix (`itunes`).
        prefix: String,
    },
    /// Some other broken markup (a stray `<`, a malformed tag), read as a browser would.
    Markup,
    /// Elements nested deeper than [`MAX_DEPTH`](crate::guard::MAX_DEPTH): their tags were
    /// dropped and their text kept (browsers, too, stop nesting there), since parsing them
    /// costs time that grows with the depth squared.
    TooDeep,
    /// A JSON Feed whose `version` is missing or not the specification's address.
    JsonVersion {
        /// The version given, if any (`1.1`).
        given: Option<String>,
    },
    /// Raw control characters (a tab, a newline) inside JSON strings, escaped.
    JsonControlCharacters,
    /// `tags` given as one string rather than a list.
    JsonTagsAsString,
    /// Text that was UTF-8 read as windows-1252 and encoded again ("CafÃ©"), repaired.
    DoubleEncodedUtf8,
    /// A UTF-8 document with stray windows-1252 bytes, each decoded on its own.
    StrayWindows1252,
    /// Windows-1252 punctuation written as control characters ("don\u{92}t"), repaired.
    ControlCharacters,
}

impl Repair {
    /// Whether two repairs are of one kind, for listing each kind once: one HTML entity or
    /// one unknown entity stands for all, while each unclosed element is its own line.
    pub(crate) fn same_kind(&self, other: &Repair) -> bool {
        match (self, other) {
            (Repair::HtmlEntity { .. }, Repair::HtmlEntity { .. })
            | (Repair::UnknownEntity { .. }, Repair::UnknownEntity { .. })
            | (Repair::UndeclaredPrefix { .. }, Repair::UndeclaredPrefix { .. }) => true,
            _ => self == other,
        }
    }
}

impl fmt::Display for Repair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Repair::Unclosed { element } => write!(f, "unclosed <{element}>"),
            Repair::Mismatched { end, inside } => {
                write!(f, "mismatched </{end}> inside <{inside}>")
            }
            Repair::UnescapedAmpersand => f.write_str("unescaped &"),
            Repair::HtmlEntity { name } => write!(f, "HTML entity &{name}; in XML"),
            Repair::UnknownEntity { name } => write!(f, "unknown entity &{name}; kept as text"),
            Repair::UnclosedCdata => f.write_str("unclosed CDATA section"),
            Repair::EndsEarly => f.write_str("the document ends in the middle of a tag"),
            Repair::TextAfterFeed => f.write_str("text after the end of the feed"),
            Repair::TextBeforeFeed => f.write_str("text before the start of the feed"),
            Repair::FeedInside { element } if element.eq_ignore_ascii_case("html") => {
                f.write_str("feed inside an HTML page")
            }
            Repair::FeedInside { element } => write!(f, "feed inside <{element}>"),
            Repair::UndeclaredPrefix { prefix } => {
                write!(f, "undeclared namespace prefix {prefix}:")
            }
            Repair::Markup => f.write_str("broken markup"),
            Repair::TooDeep => write!(
                f,
                "elements nested more than {} deep",
                crate::guard::MAX_DEPTH
            ),
            Repair::JsonVersion { given: None } => f.write_str("JSON Feed without a version"),
            Repair::JsonVersion { given: Some(v) } => {
                write!(
                    f,
                    "JSON Feed version \"{v}\" rather than the specification's address"
                )
            }
            Repair::JsonControlCharacters => f.write_str("control characters in JSON strings"),
            Repair::JsonTagsAsString => f.write_str("tags given as one string"),
            Repair::DoubleEncodedUtf8 => f.write_str("double-encoded UTF-8 repaired"),
            Repair::StrayWindows1252 => f.write_str("stray windows-1252 bytes in UTF-8"),
            Repair::ControlCharacters => {
                f.write_str("windows-1252 punctuation written as control characters")
            }
        }
    }
}

/// Why a body is not a usable feed, even with repairs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    /// Nothing but whitespace.
    #[error("the document is empty")]
    Empty,
    /// An HTML page with no feed inside it.
    #[error(
        "this is a web page, not a feed, and it links to no feed: use the feed's own address (often ending /feed/, /rss/ or /atom.xml)"
    )]
    WebPage,
    /// JSON, but not a JSON Feed.
    #[error("this is JSON but not a JSON Feed: {0}")]
    NotJsonFeed(String),
    /// A document with no RSS, Atom or JSON Feed element anywhere.
    #[error("no RSS, Atom or JSON Feed element found{}", root.as_ref().map(|r| format!(" (the document is <{r}>)")).unwrap_or_default())]
    NoFeedElement {
        /// The document's root element, if it has one.
        root: Option<String>,
    },
}

/// Parses raw bytes; `content_type` is the HTTP header, `url` the address after redirects.
pub fn parse(bytes: &[u8], content_type: Option<&str>, url: &Url) -> Result<ParsedFeed, FeedError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FeedError::Empty);
    }
    let mut repairs = Vec::new();
    let text = decode::decode(bytes, content_type, &mut repairs);
    let text = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if text.is_empty() {
        return Err(FeedError::Empty);
    }
    let mut feed = if text.starts_with(['{', '[']) {
        json::read(text, url, &mut repairs)?
    } else {
        xml::read(text, url, &mut repairs)?
    };
    if repair_text(&mut feed, text::repair) {
        repairs.push(Repair::DoubleEncodedUtf8);
    }
    if repair_text(&mut feed, text::c1_controls) {
        repairs.push(Repair::ControlCharacters);
    }
    let mut distinct: Vec<Repair> = Vec::new();
    for repair in repairs {
        if !distinct.iter().any(|r| r.same_kind(&repair)) {
            distinct.push(repair);
        }
    }
    feed.repairs = distinct;
    Ok(feed)
}

/// Applies a text repair to every field a reader sees; whether it changed any.
fn repair_text(feed: &mut ParsedFeed, repair: fn(&str) -> std::borrow::Cow<'_, str>) -> bool {
    let mut found = false;
    let mut fix = |field: &mut String| {
        if let std::borrow::Cow::Owned(fixed) = repair(field) {
            *field = fixed;
            found = true;
        }
    };
    if let Some(title) = &mut feed.title {
        fix(title);
    }
    for entry in &mut feed.entries {
        let fields = [&mut entry.title, &mut entry.summary, &mut entry.content];
        for field in fields.into_iter().flatten() {
            fix(field);
        }
        for name in entry.authors.iter_mut().chain(&mut entry.categories) {
            fix(name);
        }
    }
    found
}

/// `href` made absolute against `base`, if it is a web address (http or https).
pub(crate) fn web_address(href: &str, base: &Url) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let joined = base.join(href).ok()?;
    matches!(joined.scheme(), "http" | "https").then(|| joined.to_string())
}

/// Plain text as HTML: escaped, a paragraph for each blank-line-separated block.
pub(crate) fn text_as_html(text: &str) -> String {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", html_escape::encode_text(p)))
        .collect()
}
