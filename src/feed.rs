//! Parsing feeds into entries: RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1.
//!
//! feed-rs does the parsing; this module fixes what it gets wrong on real feeds (see the design
//! notes): it decodes the charset itself, mends roots and namespaces feed-rs refuses or
//! silently ignores, parses the dates it drops, chooses the right link, and catches its panics.
//! Titles and names come out as plain text; HTML comes out raw and untrusted.

use std::borrow::Cow;
use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{LazyLock, Once};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use encoding_rs::Encoding;
use feed_rs::model;
use feed_rs::parser::{ParseErrorKind, ParseFeedError};
use regex::Regex;
use url::Url;

use crate::plain_text::plain_text;

/// One feed, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFeed {
    /// The feed's own title.
    pub title: Option<String>,
    /// The blog's home page, absolute.
    pub homepage: Option<String>,
    /// In document order.
    pub entries: Vec<Entry>,
    /// What had to be mended to read it; empty when it was read as it is.
    pub repairs: Vec<String>,
}

/// One entry. Text fields are plain; `summary` and `content` are raw, untrusted HTML.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The id the feed gives (guid, Atom id), if any.
    pub id: Option<String>,
    /// Plain text.
    pub title: Option<String>,
    /// The post's address, absolute.
    pub link: Option<String>,
    /// When first published.
    pub published: Option<DateTime<FixedOffset>>,
    /// When last changed.
    pub updated: Option<DateTime<FixedOffset>>,
    /// Plain-text names.
    pub authors: Vec<String>,
    /// Raw HTML.
    pub summary: Option<String>,
    /// Raw HTML.
    pub content: Option<String>,
    /// Plain-text labels, without repeats.
    pub categories: Vec<String>,
    /// What relative URLs in the HTML resolve against.
    pub base: Option<String>,
}

/// Why a body is not a usable feed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    /// Nothing but whitespace.
    #[error("the document is empty")]
    Empty,
    /// Not a feed format; `looks_like_html` when it is a web page.
    #[error("{}", if *.looks_like_html { "this is a web page, not a feed" } else { "no RSS, Atom or JSON Feed document found" })]
    NotAFeed {
        /// The body is HTML.
        looks_like_html: bool,
    },
    /// A feed, but broken.
    #[error("malformed feed: {0}")]
    Malformed(String),
    /// The parser panicked on this input; caught so that no feed can take the build down.
    #[error("the feed parser failed on this document")]
    Panicked,
}

/// Parses raw bytes; `content_type` is the HTTP header, `url` the address after redirects.
pub fn parse(bytes: &[u8], content_type: Option<&str>, url: &Url) -> Result<ParsedFeed, FeedError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FeedError::Empty);
    }
    let text = decode(bytes, content_type);
    if looks_like_html(&text) {
        return Err(FeedError::NotAFeed {
            looks_like_html: true,
        });
    }
    let text = mend(&text);
    let read = |text: &str| {
        // A fresh parser each time: feed-rs keeps per-entry state in its parser, and after an
        // error inside an entry, reusing it panics.
        let parser = feed_rs::parser::Builder::new()
            .base_uri(Some(url.as_str()))
            .sanitize_content(false)
            // An empty id means "the feed gave none": feed-rs would otherwise invent one.
            .id_generator(|_, _, _| String::new())
            .timestamp_parser(|text| parse_date(text).map(|d| d.to_utc()))
            .build();
        quietly(|| parser.parse(text.as_bytes())).map_err(|_| FeedError::Panicked)
    };
    let parsed = match read(&text)? {
        // One odd `type` on a title should not cost a feed all its entries.
        Err(ParseFeedError::ParseError(ParseErrorKind::UnknownMimeType { .. })) => {
            read(&mend_types(&text))?
        }
        other => other,
    }
    .map_err(|e| match e {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => FeedError::NotAFeed {
            looks_like_html: false,
        },
        other => FeedError::Malformed(other.to_string()),
    })?;
    Ok(convert(parsed, url))
}

thread_local! {
    static PARSING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, catching a panic and keeping its message and backtrace out of the build's output:
/// a feed that panics the parser is reported like any other broken feed. The process's panic
/// hook is wrapped once, and stays silent only on a thread that is inside this function.
fn quietly<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !PARSING.with(Cell::get) {
                previous(info);
            }
        }));
    });
    PARSING.with(|p| p.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    PARSING.with(|p| p.set(false));
    result
}

/// Decodes the body to text. A BOM decides; else UTF-16 is recognised by its zero bytes; else
/// valid UTF-8 is UTF-8 whatever the labels say (servers often mislabel it); else the HTTP
/// charset, then the XML declaration, whichever decodes cleanly; else windows-1252, which
/// decodes anything.
fn decode(bytes: &[u8], content_type: Option<&str>) -> String {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    match bytes {
        [0, b'<', ..] | [0, b' ', ..] | [0, b'\n', ..] => {
            return encoding_rs::UTF_16BE
                .decode_without_bom_handling(bytes)
                .0
                .into_owned();
        }
        [b'<', 0, ..] | [b' ', 0, ..] | [b'\n', 0, ..] => {
            return encoding_rs::UTF_16LE
                .decode_without_bom_handling(bytes)
                .0
                .into_owned();
        }
        _ => {}
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_string();
    }
    let declared = [http_charset(content_type), prolog_encoding(bytes)];
    for label in declared.into_iter().flatten() {
        if let Some(encoding) = Encoding::for_label(label.as_bytes())
            && encoding != encoding_rs::UTF_8
            && let (text, false) = encoding.decode_without_bom_handling(bytes)
        {
            return text.into_owned();
        }
    }
    encoding_rs::WINDOWS_1252
        .decode_without_bom_handling(bytes)
        .0
        .into_owned()
}

fn http_charset(content_type: Option<&str>) -> Option<String> {
    content_type?
        .split(';')
        .skip(1)
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches(['"', '\'']).to_string())
}

fn prolog_encoding(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(256)]);
    let decl = head.trim_start().strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].to_string())
}

fn looks_like_html(text: &str) -> bool {
    let start: String = text
        .trim_start()
        .chars()
        .take(20)
        .collect::<String>()
        .to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html")
}

/// Fixes what feed-rs refuses or misreads: the declared encoding (the text is UTF-8 now), an
/// `<rss>` root with no or an unknown version, a JSON Feed version given as a bare number, and
/// the namespaces of Atom 0.3 and RSS 0.90, whose entries it would otherwise drop without a
/// word.
fn mend(text: &str) -> Cow<'_, str> {
    let mut text = Cow::Borrowed(text);
    if let Some(end) = text
        .trim_start()
        .starts_with("<?xml")
        .then(|| text.find("?>"))
        .flatten()
    {
        text = Cow::Owned(format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"{}",
            &text[end..]
        ));
    }
    if let Some(fixed) = mend_rss_version(&text) {
        text = Cow::Owned(fixed);
    }
    if text.contains("http://purl.org/atom/ns#") {
        let fixed = text
            .replace("http://purl.org/atom/ns#", "http://www.w3.org/2005/Atom")
            .replace("<issued>", "<published>")
            .replace("</issued>", "</published>")
            .replace("<modified>", "<updated>")
            .replace("</modified>", "</updated>")
            .replace("<tagline", "<subtitle")
            .replace("</tagline>", "</subtitle>");
        text = Cow::Owned(fixed);
    }
    if text.trim_start().starts_with('{')
        && !text.contains("https://jsonfeed.org/version/")
        && let Some(fixed) = mend_json_version(&text)
    {
        text = Cow::Owned(fixed);
    }
    // RSS 0.90 was published under two namespaces.
    for rss_090 in [
        "http://my.netscape.com/rdf/simple/0.9/",
        "http://channel.netscape.com/rdf/simple/0.9/",
    ] {
        if text.contains(rss_090) {
            text = Cow::Owned(text.replace(rss_090, "http://purl.org/rss/1.0/"));
        }
    }
    text
}

/// A JSON Feed whose `version` is a bare number ("1.1") rather than the specification's URL,
/// which feed-rs refuses, gets the URL. Called only for a document that names no such URL.
fn mend_json_version(text: &str) -> Option<String> {
    let mut feed: serde_json::Value = serde_json::from_str(text).ok()?;
    let version = feed.get("version")?.as_str()?;
    let url = if version.trim().starts_with("1.1") {
        "https://jsonfeed.org/version/1.1"
    } else {
        "https://jsonfeed.org/version/1"
    };
    feed["version"] = url.into();
    serde_json::to_string(&feed).ok()
}

/// Gives every `type` attribute a value feed-rs reads on any element: the media types of
/// text, HTML and XHTML (as Atom 0.3 writes them) become Atom's names for them, and any other
/// value is dropped, so that its element is read as plain text.
fn mend_types(text: &str) -> String {
    static TYPE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"\s+type\s*=\s*"([^"]*)""#).expect("a valid pattern"));
    TYPE.replace_all(text, |c: &regex::Captures<'_>| {
        let value = c[1].trim().to_ascii_lowercase();
        let atom = match value.split(';').next().unwrap_or_default().trim() {
            "text" | "text/plain" => "text",
            "html" | "text/html" => "html",
            "xhtml" | "application/xhtml+xml" => "xhtml",
            _ => return String::new(),
        };
        format!(" type=\"{atom}\"")
    })
    .into_owned()
}

/// `<rss>` and `<rss version="0.94">` become `<rss version="2.0">`, which feed-rs accepts.
fn mend_rss_version(text: &str) -> Option<String> {
    static ROOT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"<rss(\s[^>]*)?>").expect("a valid pattern"));
    static VERSION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"\sversion\s*=\s*("([^"]*)"|'([^']*)')"#).expect("a valid pattern")
    });
    let root = ROOT.captures(text)?;
    let attributes = root.get(1).map_or("", |a| a.as_str());
    let version = VERSION
        .captures(attributes)
        .map(|c| c.get(2).or(c.get(3)).map_or("", |v| v.as_str()));
    if matches!(version, Some("2.0" | "0.91" | "0.92" | "")) {
        return None;
    }
    let whole = root.get(0)?;
    let rest = VERSION.replace(attributes, "");
    Some(format!(
        "{}<rss version=\"2.0\"{rest}>{}",
        &text[..whole.start()],
        &text[whole.end()..]
    ))
}

/// Dates as feeds write them, including the ones feed-rs drops: zone abbreviations (CEST, BST),
/// day names that do not match, missing seconds, ISO dates without a zone, `3/3/2025`.
pub fn parse_date(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(date) = DateTime::parse_from_rfc3339(text) {
        return Some(date);
    }
    iso_like(text)
        .or_else(|| rfc822_like(text))
        .or_else(|| slashed(text))
}

fn iso_like(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.replace(' ', "T");
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%dT%H:%M%z",
    ] {
        if let Ok(date) = DateTime::parse_from_str(&text, format) {
            return Some(date);
        }
    }
    let text = text.trim_end_matches('Z');
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Some(Utc.from_utc_datetime(&naive).fixed_offset());
        }
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(
        Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0)?)
            .fixed_offset(),
    )
}

/// Zone abbreviations seen in feeds, with their offsets in minutes.
const ZONES: &[(&str, i32)] = &[
    ("UT", 0),
    ("UTC", 0),
    ("GMT", 0),
    ("Z", 0),
    ("WET", 0),
    ("BST", 60),
    ("IST", 60),
    ("WEST", 60),
    ("CET", 60),
    ("CEST", 120),
    ("MET", 60),
    ("MEST", 120),
    ("EET", 120),
    ("EEST", 180),
    ("MSK", 180),
    ("EST", -300),
    ("EDT", -240),
    ("CST", -360),
    ("CDT", -300),
    ("MST", -420),
    ("MDT", -360),
    ("PST", -480),
    ("PDT", -420),
    ("AKST", -540),
    ("AKDT", -480),
    ("HST", -600),
    ("JST", 540),
    ("KST", 540),
    ("AEST", 600),
    ("AEDT", 660),
    ("ACST", 570),
    ("AWST", 480),
    ("NZST", 720),
    ("NZDT", 780),
];

/// "Mon, 3 Mar 2025 10:00:00 +0000" and its many variants.
fn rfc822_like(text: &str) -> Option<DateTime<FixedOffset>> {
    // The day name is dropped: feeds often get it wrong and it adds nothing.
    let text = match text.split_once(',') {
        Some((day, rest)) if day.trim().chars().all(char::is_alphabetic) => rest.trim(),
        _ => text,
    };
    let mut parts: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    // "Mon 3 Mar 2025 ..." without the comma.
    if parts
        .first()
        .is_some_and(|p| p.chars().all(char::is_alphabetic) && p.len() >= 3 && month(p).is_none())
    {
        parts.remove(0);
    }
    let offset = match parts.last() {
        Some(zone) if zone.starts_with(['+', '-']) && zone.len() >= 5 => {
            let digits = zone.replace(':', "");
            let sign = if digits.starts_with('-') { -1 } else { 1 };
            let hours: i32 = digits.get(1..3)?.parse().ok()?;
            let minutes: i32 = digits.get(3..5)?.parse().ok()?;
            parts.pop();
            sign * (hours * 60 + minutes)
        }
        Some(zone) if zone.chars().all(char::is_alphabetic) => {
            let upper = zone.to_ascii_uppercase();
            let minutes = ZONES
                .iter()
                .find(|(name, _)| *name == upper)
                .map(|(_, m)| *m)?;
            parts.pop();
            minutes
        }
        _ => 0,
    };
    let [day, mon, year, time] = <[String; 4]>::try_from(parts.get(..4)?.to_vec()).ok()?;
    let (day, month) = match (day.parse::<u32>(), month(&mon)) {
        (Ok(day), Some(month)) => (day, month),
        // "Mar 3 2025": month first.
        _ => (mon.parse().ok()?, month(&day)?),
    };
    let mut year: i32 = year.parse().ok()?;
    if year < 100 {
        year += if year < 70 { 2000 } else { 1900 };
    }
    let mut clock = time.split(':').map(|p| p.parse::<u32>().ok());
    let (hour, minute, second) = (
        clock.next()??,
        clock.next()??,
        clock.next().flatten().unwrap_or(0),
    );
    let naive = NaiveDate::from_ymd_opt(year, month, day)?.and_hms_opt(hour, minute, second)?;
    let zone = FixedOffset::east_opt(offset * 60)?;
    zone.from_local_datetime(&naive).single()
}

fn month(name: &str) -> Option<u32> {
    let prefix: String = name.to_ascii_lowercase().chars().take(3).collect();
    [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|m| *m == prefix)
    .map(|i| i as u32 + 1)
}

/// "3/3/2025": month first, as most software that writes it does, unless that cannot be.
fn slashed(text: &str) -> Option<DateTime<FixedOffset>> {
    let date = text.split_whitespace().next()?;
    let day = NaiveDate::parse_from_str(date, "%m/%d/%Y")
        .or_else(|_| NaiveDate::parse_from_str(date, "%d/%m/%Y"))
        .ok()?;
    Some(
        Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0)?)
            .fixed_offset(),
    )
}

fn convert(feed: model::Feed, url: &Url) -> ParsedFeed {
    let homepage = pick_link(&feed.links).and_then(|l| absolute(&l.href, None, url));
    let title = feed.title.as_ref().map(text_of).filter(|t| !t.is_empty());
    let entries = feed.entries.into_iter().map(|e| entry(e, url)).collect();
    ParsedFeed {
        title,
        homepage,
        entries,
        repairs: Vec::new(),
    }
}

fn entry(e: model::Entry, url: &Url) -> Entry {
    let base = e.base.as_deref().and_then(|b| url.join(b).ok());
    let id = Some(e.id.trim().to_string()).filter(|id| !id.is_empty());
    let link = pick_link(&e.links)
        .and_then(|l| absolute(&l.href, base.as_ref(), url))
        // With no link, a guid that is a web address is the post's permalink.
        .or_else(|| {
            id.as_deref()
                .filter(|id| id.starts_with("http://") || id.starts_with("https://"))
                .map(str::to_string)
        });
    let content = e.content.as_ref().and_then(|c| {
        let body = c.body.as_deref()?;
        Some(if is_plain(&c.content_type) {
            text_as_html(body)
        } else {
            body.to_string()
        })
    });
    let summary = e.summary.as_ref().map(|s| {
        if is_plain(&s.content_type) {
            text_as_html(&s.content)
        } else {
            s.content.clone()
        }
    });
    let mut categories: Vec<String> = Vec::new();
    for category in &e.categories {
        let label = plain_text(category.label.as_deref().unwrap_or(&category.term));
        if !label.is_empty() && !categories.contains(&label) {
            categories.push(label);
        }
    }
    Entry {
        title: e.title.as_ref().map(text_of).filter(|t| !t.is_empty()),
        published: e.published.map(|d| d.fixed_offset()),
        updated: e.updated.map(|d| d.fixed_offset()),
        authors: e
            .authors
            .iter()
            .filter_map(|p| p.name.as_deref().or(p.email.as_deref()).map(plain_text))
            .filter(|n| !n.is_empty())
            .collect(),
        base: base
            .map(String::from)
            .or_else(|| link.clone())
            .or_else(|| Some(url.to_string())),
        id,
        link,
        summary,
        content,
        categories,
    }
}

/// The post's own page: `rel="alternate"` or no rel, never an enclosure.
fn pick_link(links: &[model::Link]) -> Option<&model::Link> {
    links
        .iter()
        .find(|l| l.rel.as_deref() == Some("alternate"))
        .or_else(|| links.iter().find(|l| l.rel.is_none()))
        .or_else(|| {
            links.iter().find(|l| {
                !matches!(
                    l.rel.as_deref(),
                    Some("enclosure" | "self" | "edit" | "replies")
                )
            })
        })
}

fn absolute(href: &str, base: Option<&Url>, url: &Url) -> Option<String> {
    let href = href.trim();
    let joined = base.unwrap_or(url).join(href).ok()?;
    matches!(joined.scheme(), "http" | "https").then(|| joined.to_string())
}

/// A title or name as plain text; HTML titles and stray entities are decoded.
fn text_of(text: &model::Text) -> String {
    plain_text(&text.content)
}

fn is_plain(media_type: &mediatype::MediaTypeBuf) -> bool {
    media_type.essence().to_string() == "text/plain"
}

fn text_as_html(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    escaped
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{p}</p>"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://blog.example/feed/").unwrap()
    }

    fn rss_item(item: &str) -> String {
        format!(
            "<rss version=\"2.0\"><channel><title>T</title><link>https://blog.example/</link><description>d</description><item>{item}</item></channel></rss>"
        )
    }

    fn one(xml: &str) -> Entry {
        parse(xml.as_bytes(), None, &url())
            .unwrap()
            .entries
            .remove(0)
    }

    #[test]
    fn a_pubdate_in_cest_is_kept() {
        let e = one(&rss_item(
            "<title>x</title><pubDate>Mon, 03 Mar 2025 10:00:00 CEST</pubDate>",
        ));
        assert_eq!(
            e.published.unwrap().to_utc().to_rfc3339(),
            "2025-03-03T08:00:00+00:00"
        );
    }

    #[test]
    fn odd_dates_are_understood() {
        let utc = |s: &str| parse_date(s).map(|d| d.to_utc().to_rfc3339());
        assert_eq!(
            utc("2025-03-03 10:00:00").as_deref(),
            Some("2025-03-03T10:00:00+00:00")
        );
        assert_eq!(
            utc("3/3/2025").as_deref(),
            Some("2025-03-03T00:00:00+00:00")
        );
        assert_eq!(
            utc("Tue, 03 Mar 2025 10:00 GMT").as_deref(),
            Some("2025-03-03T10:00:00+00:00")
        );
        assert_eq!(
            utc("3 Mar 2025 10:00:00 BST").as_deref(),
            Some("2025-03-03T09:00:00+00:00")
        );
        assert_eq!(
            utc("Mon, 3 March 25 10:00:00 -0500").as_deref(),
            Some("2025-03-03T15:00:00+00:00")
        );
        assert_eq!(
            utc("2025-03-03T10:00:00+0100").as_deref(),
            Some("2025-03-03T09:00:00+00:00")
        );
        assert_eq!(utc("next week"), None);
    }

    #[test]
    fn utf16_big_endian_without_a_bom_parses() {
        let xml = rss_item("<title>Café</title>");
        let bytes: Vec<u8> = xml.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let feed = parse(&bytes, None, &url()).unwrap();
        assert_eq!(feed.entries[0].title.as_deref(), Some("Café"));
        let le: Vec<u8> = xml.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(
            parse(&le, None, &url()).unwrap().entries[0]
                .title
                .as_deref(),
            Some("Café")
        );
    }

    #[test]
    fn a_latin1_feed_is_decoded_by_its_prolog_or_header() {
        let text = format!(
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>{}",
            rss_item("<title>Crème brûlée</title>")
        );
        let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
        assert_eq!(
            one_bytes(&bytes, None).title.as_deref(),
            Some("Crème brûlée")
        );
        let bare: Vec<u8> = rss_item("<title>Crème</title>")
            .chars()
            .map(|c| c as u32 as u8)
            .collect();
        assert_eq!(
            one_bytes(&bare, Some("application/rss+xml; charset=iso-8859-1"))
                .title
                .as_deref(),
            Some("Crème")
        );
        // A wrong label is overruled by bytes that cannot be UTF-8.
        assert_eq!(
            one_bytes(&bare, Some("text/xml; charset=utf-8"))
                .title
                .as_deref(),
            Some("Crème")
        );
    }

    fn one_bytes(bytes: &[u8], content_type: Option<&str>) -> Entry {
        parse(bytes, content_type, &url())
            .unwrap()
            .entries
            .remove(0)
    }

    #[test]
    fn rss_without_a_version_or_094_is_read() {
        let unversioned =
            "<rss><channel><title>T</title><item><title>A</title></item></channel></rss>";
        assert_eq!(one(unversioned).title.as_deref(), Some("A"));
        let v094 = "<rss version=\"0.94\"><channel><title>T</title><item><title>B</title></item></channel></rss>";
        assert_eq!(one(v094).title.as_deref(), Some("B"));
    }

    #[test]
    fn atom_03_and_rss_090_entries_come_through() {
        let atom03 = r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>T</title>
            <entry><title>Old atom</title><link rel="alternate" type="text/html" href="https://a.example/1"/>
            <id>tag:a,2004:1</id><issued>2004-01-01T10:00:00Z</issued><modified>2004-01-02T10:00:00Z</modified></entry></feed>"#;
        let e = one(atom03);
        assert_eq!(e.title.as_deref(), Some("Old atom"));
        assert_eq!(e.link.as_deref(), Some("https://a.example/1"));
        assert_eq!(
            e.published.unwrap().to_rfc3339(),
            "2004-01-01T10:00:00+00:00"
        );
        let rss090 = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">
            <channel><title>T</title><link>https://n.example/</link><description>d</description></channel>
            <item><title>Netscape</title><link>https://n.example/1</link></item></rdf:RDF>"#;
        assert_eq!(one(rss090).title.as_deref(), Some("Netscape"));
        let other_namespace = rss090.replace("my.netscape.com", "channel.netscape.com");
        assert_eq!(one(&other_namespace).title.as_deref(), Some("Netscape"));
    }

    #[test]
    fn atom_03_media_types_on_text_and_a_bare_json_feed_version_are_read() {
        let atom03 = r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>T</title>
            <entry><title type="application/xhtml+xml"><div xmlns="http://www.w3.org/1999/xhtml">X <b>y</b></div></title>
            <tagline type="bogus^type">t</tagline><id>tag:a,2004:1</id></entry></feed>"#;
        assert_eq!(one(atom03).title.as_deref(), Some("X y"));
        let json = r#"{"version": "1.1", "title": "J", "items": [{"id": "1", "title": "Bare", "content_text": "x"}]}"#;
        assert_eq!(one(json).title.as_deref(), Some("Bare"));
    }

    #[test]
    fn an_enclosure_is_not_the_posts_link_and_a_guid_can_be() {
        let e = one(&rss_item(
            r#"<title>Pod</title><enclosure url="https://cdn.example/a.mp3" type="audio/mpeg" length="1"/><link>https://blog.example/pod/</link>"#,
        ));
        assert_eq!(e.link.as_deref(), Some("https://blog.example/pod/"));
        let e = one(&rss_item(
            "<title>G</title><guid>https://blog.example/g/</guid>",
        ));
        assert_eq!(e.link.as_deref(), Some("https://blog.example/g/"));
        assert_eq!(e.id.as_deref(), Some("https://blog.example/g/"));
    }

    #[test]
    fn an_entry_without_an_id_has_none() {
        assert_eq!(one(&rss_item("<title>No guid</title>")).id, None);
    }

    #[test]
    fn relative_links_resolve_against_xml_base_and_the_feed() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://x.example/blog/"><title>T</title><id>i</id><updated>2026-01-01T00:00:00Z</updated>
            <entry><title>R</title><id>e</id><updated>2026-01-01T00:00:00Z</updated><link href="posts/1"/></entry></feed>"#;
        let e = one(atom);
        assert_eq!(e.link.as_deref(), Some("https://x.example/blog/posts/1"));
        let e = one(&rss_item("<title>Rel</title><link>/rel/</link>"));
        assert_eq!(e.link.as_deref(), Some("https://blog.example/rel/"));
    }

    #[test]
    fn titles_are_plain_text() {
        let e = one(&rss_item(
            "<title>Fish &amp;amp; chips &lt;b&gt;now&lt;/b&gt;</title>",
        ));
        assert_eq!(e.title.as_deref(), Some("Fish & chips now"));
    }

    #[test]
    fn json_feed_text_content_is_escaped_into_html() {
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","content_text":"a < b\n\nnext","date_published":"2026-01-01T00:00:00Z","url":"https://j.example/1"}]}"#;
        let e = one(json);
        assert_eq!(e.content.as_deref(), Some("<p>a &lt; b</p><p>next</p>"));
        assert_eq!(e.link.as_deref(), Some("https://j.example/1"));
    }

    #[test]
    fn web_pages_and_junk_are_told_apart() {
        let page = b"<!DOCTYPE html><html><head><link rel=\"alternate\" type=\"application/atom+xml\" href=\"/atom.xml\"><link rel=\"stylesheet\" href=\"s.css\"></head></html>";
        assert_eq!(
            parse(page, None, &url()),
            Err(FeedError::NotAFeed {
                looks_like_html: true
            })
        );
        assert_eq!(parse(b"  \n", None, &url()), Err(FeedError::Empty));
        assert!(matches!(
            parse(b"{ not json", None, &url()),
            Err(FeedError::Malformed(_)) | Err(FeedError::NotAFeed { .. })
        ));
    }
}
