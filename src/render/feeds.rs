//! The feeds this site publishes: Atom 1.0, RSS 2.0 and JSON Feed 1.1, written from one plain
//! description of a feed with an XML writer and serde, never by pasting strings together.
//!
//! Enclosures go out in each format's own way (RSS `<enclosure>` with `itunes:duration`, Atom
//! `rel="enclosure"` links, JSON Feed `attachments`), so a podcast app subscribed to the site
//! plays what the blogs published.
//!
//! Ids: a local post's id is its permalink. A remote post keeps the id its own blog gave it when
//! that is a valid IRI (Atom) or any string (RSS, JSON Feed), so a reader that follows both the
//! blog and this site sees one entry, not two; an id that is not an IRI gets a stable `urn:` one.

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset};
use quick_xml::events::BytesText;
use serde::Serialize;

use super::media::media_type;
use crate::post::Enclosure;
use crate::xml::{Xml, cdata, document, empty, text, xml_safe};

/// One feed to write, in any format.
#[derive(Debug, Clone)]
pub(super) struct FeedDoc {
    /// The feed's title.
    pub title: String,
    /// What it is.
    pub description: String,
    /// BCP 47.
    pub language: String,
    /// The absolute address of the page the feed mirrors.
    pub page_url: String,
    /// The absolute address of the folder the feed files live in, ending in `/`.
    pub dir_url: String,
    /// Newest first.
    pub items: Vec<FeedItem>,
}

/// One entry of a feed.
#[derive(Debug, Clone)]
pub(super) struct FeedItem {
    /// The stable id (see the module documentation).
    pub id: String,
    /// Plain text.
    pub title: String,
    /// Where a reader goes: the original post for a remote post, else its page here.
    pub link: String,
    /// Its page on this site.
    pub page_url: String,
    /// The original post, for a remote post.
    pub external_url: Option<String>,
    /// First published.
    pub published: DateTime<FixedOffset>,
    /// Last changed, if known.
    pub updated: Option<DateTime<FixedOffset>>,
    /// Plain-text names.
    pub authors: Vec<String>,
    /// Tags and categories.
    pub categories: Vec<String>,
    /// Safe HTML.
    pub summary: String,
    /// Safe HTML; none when the feed carries summaries only.
    pub content: Option<String>,
    /// The blog a remote post came from: name, feed URL, home page.
    pub source: Option<(String, String, Option<String>)>,
    /// Its language, when its source says (BCP 47).
    pub language: Option<String>,
    /// Audio, video and other files, http(s) only.
    pub enclosures: Vec<Enclosure>,
    /// The absolute address of its featured image.
    pub image: Option<String>,
}

/// The file names of the three formats.
pub(super) const ATOM: &str = "atom.xml";
/// The RSS 2.0 file.
pub(super) const RSS: &str = "rss.xml";
/// The JSON Feed file.
pub(super) const JSON: &str = "feed.json";

const GENERATOR: &str = "roundup";

impl FeedDoc {
    /// The newest date in the feed; a feed with no items is dated at the epoch so that output
    /// stays the same from build to build.
    fn updated(&self) -> DateTime<FixedOffset> {
        self.items
            .iter()
            .map(|i| i.updated.unwrap_or(i.published))
            .max()
            .unwrap_or_default()
    }
}

/// Whether `id` can be an Atom id: an absolute IRI with a scheme.
fn is_iri(id: &str) -> bool {
    url::Url::parse(id).is_ok() && !id.chars().any(char::is_whitespace)
}

/// An Atom id for an item: its own if it is an IRI, else a stable one made from it.
fn atom_id(item: &FeedItem) -> Cow<'_, str> {
    if is_iri(&item.id) {
        Cow::Borrowed(&item.id)
    } else {
        let encoded: String = url::form_urlencoded::byte_serialize(item.id.as_bytes()).collect();
        Cow::Owned(format!("{}#{encoded}", item.page_url))
    }
}

/// Atom 1.0 (RFC 4287).
pub(super) fn atom(doc: &FeedDoc) -> Vec<u8> {
    document(1, |w| {
        w.create_element("feed")
            .with_attribute(("xmlns", "http://www.w3.org/2005/Atom"))
            .with_attribute(("xml:lang", doc.language.as_str()))
            .write_inner_content(|w| {
                text(w, "title", &doc.title)?;
                if !doc.description.is_empty() {
                    text(w, "subtitle", &doc.description)?;
                }
                let self_url = format!("{}{ATOM}", doc.dir_url);
                empty(
                    w,
                    "link",
                    &[
                        ("rel", "self"),
                        ("type", "application/atom+xml"),
                        ("href", self_url.as_str()),
                    ],
                )?;
                empty(
                    w,
                    "link",
                    &[
                        ("rel", "alternate"),
                        ("type", "text/html"),
                        ("href", doc.page_url.as_str()),
                    ],
                )?;
                text(w, "id", &doc.page_url)?;
                text(w, "updated", &doc.updated().to_rfc3339())?;
                w.create_element("author")
                    .write_inner_content(|w| text(w, "name", &doc.title))?;
                text(w, "generator", GENERATOR)?;
                for item in &doc.items {
                    atom_entry(w, item)?;
                }
                Ok(())
            })?;
        Ok(())
    })
}

fn atom_entry(w: &mut Xml, item: &FeedItem) -> std::io::Result<()> {
    let mut entry = w.create_element("entry");
    if let Some(language) = &item.language {
        entry = entry.with_attribute(("xml:lang", xml_safe(language).as_ref()));
    }
    entry.write_inner_content(|w| {
        text(w, "title", &item.title)?;
        empty(
            w,
            "link",
            &[
                ("rel", "alternate"),
                ("type", "text/html"),
                ("href", item.link.as_str()),
            ],
        )?;
        if item.external_url.is_some() {
            empty(
                w,
                "link",
                &[
                    ("rel", "related"),
                    ("type", "text/html"),
                    ("href", item.page_url.as_str()),
                ],
            )?;
        }
        text(w, "id", &atom_id(item))?;
        text(w, "published", &item.published.to_rfc3339())?;
        text(
            w,
            "updated",
            &item.updated.unwrap_or(item.published).to_rfc3339(),
        )?;
        for author in &item.authors {
            w.create_element("author")
                .write_inner_content(|w| text(w, "name", author))?;
        }
        if item.authors.is_empty() {
            let name = item
                .source
                .as_ref()
                .map_or("Unknown", |(name, _, _)| name.as_str());
            w.create_element("author")
                .write_inner_content(|w| text(w, "name", name))?;
        }
        for category in &item.categories {
            w.create_element("category")
                .with_attribute(("term", xml_safe(category).as_ref()))
                .write_empty()?;
        }
        for enclosure in &item.enclosures {
            let length = enclosure.length.map(|l| l.to_string());
            let mut attrs = vec![("rel", "enclosure"), ("href", enclosure.url.as_str())];
            if let Some(media_type) = &enclosure.media_type {
                attrs.push(("type", media_type));
            }
            if let Some(length) = &length {
                attrs.push(("length", length));
            }
            empty(w, "link", &attrs)?;
        }
        if !item.summary.is_empty() {
            cdata(w, "summary", &[("type", "html")], &item.summary)?;
        }
        if let Some(content) = &item.content {
            cdata(w, "content", &[("type", "html")], content)?;
        }
        if let Some((name, feed_url, homepage)) = &item.source {
            w.create_element("source").write_inner_content(|w| {
                text(w, "id", feed_url)?;
                text(w, "title", name)?;
                w.create_element("link")
                    .with_attributes([("rel", "self"), ("href", feed_url.as_str())])
                    .write_empty()?;
                if let Some(homepage) = homepage {
                    empty(
                        w,
                        "link",
                        &[
                            ("rel", "alternate"),
                            ("type", "text/html"),
                            ("href", homepage.as_str()),
                        ],
                    )?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })?;
    Ok(())
}

/// RSS 2.0.
pub(super) fn rss(doc: &FeedDoc) -> Vec<u8> {
    document(1, |w| {
        w.create_element("rss")
            .with_attributes([
                ("version", "2.0"),
                ("xmlns:atom", "http://www.w3.org/2005/Atom"),
                ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
                ("xmlns:itunes", "http://www.itunes.com/dtds/podcast-1.0.dtd"),
            ])
            .write_inner_content(|w| {
                w.create_element("channel").write_inner_content(|w| {
                    text(w, "title", &doc.title)?;
                    text(w, "link", &doc.page_url)?;
                    text(
                        w,
                        "description",
                        if doc.description.is_empty() {
                            &doc.title
                        } else {
                            &doc.description
                        },
                    )?;
                    text(w, "language", &doc.language.to_ascii_lowercase())?;
                    let self_url = format!("{}{RSS}", doc.dir_url);
                    empty(
                        w,
                        "atom:link",
                        &[
                            ("href", self_url.as_str()),
                            ("rel", "self"),
                            ("type", "application/rss+xml"),
                        ],
                    )?;
                    text(w, "lastBuildDate", &doc.updated().to_rfc2822())?;
                    text(w, "generator", GENERATOR)?;
                    for item in &doc.items {
                        rss_item(w, item)?;
                    }
                    Ok(())
                })?;
                Ok(())
            })?;
        Ok(())
    })
}

fn rss_item(w: &mut Xml, item: &FeedItem) -> std::io::Result<()> {
    w.create_element("item").write_inner_content(|w| {
        text(w, "title", &item.title)?;
        text(w, "link", &item.link)?;
        let permalink = if item.id == item.link {
            "true"
        } else {
            "false"
        };
        w.create_element("guid")
            .with_attribute(("isPermaLink", permalink))
            .write_text_content(BytesText::new(&xml_safe(&item.id)))?;
        text(w, "pubDate", &item.published.to_rfc2822())?;
        for author in &item.authors {
            text(w, "dc:creator", author)?;
        }
        for category in &item.categories {
            text(w, "category", category)?;
        }
        let body = item.content.as_deref().unwrap_or(&item.summary);
        cdata(w, "description", &[], body)?;
        for enclosure in &item.enclosures {
            // RSS requires a length; 0 is the RSS Advisory Board's word for "not known".
            let length = enclosure.length.unwrap_or(0).to_string();
            empty(
                w,
                "enclosure",
                &[
                    ("url", enclosure.url.as_str()),
                    ("length", &length),
                    ("type", media_type(enclosure)),
                ],
            )?;
        }
        // Podcast apps read one running time per item: the first file's that has one.
        if let Some(seconds) = item.enclosures.iter().find_map(|e| e.duration) {
            text(w, "itunes:duration", &seconds.to_string())?;
        }
        if let Some((name, feed_url, _)) = &item.source {
            w.create_element("source")
                .with_attribute(("url", feed_url.as_str()))
                .write_text_content(BytesText::new(&xml_safe(name)))?;
        }
        Ok(())
    })?;
    Ok(())
}

/// JSON Feed 1.1.
pub(super) fn json(doc: &FeedDoc) -> Vec<u8> {
    #[derive(Serialize)]
    struct Author<'a> {
        name: &'a str,
    }
    #[derive(Serialize)]
    struct Attachment<'a> {
        url: &'a str,
        mime_type: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        size_in_bytes: Option<u64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        duration_in_seconds: Option<u32>,
    }
    #[derive(Serialize)]
    struct Item<'a> {
        id: &'a str,
        url: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        external_url: Option<&'a str>,
        title: &'a str,
        content_html: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        summary: Option<String>,
        date_published: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        date_modified: Option<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        authors: Vec<Author<'a>>,
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        tags: &'a [String],
        #[serde(skip_serializing_if = "Option::is_none")]
        language: Option<&'a str>,
        image: Option<&'a str>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment<'a>>,
    }
    #[derive(Serialize)]
    struct Feed<'a> {
        version: &'static str,
        title: &'a str,
        home_page_url: &'a str,
        feed_url: String,
        #[serde(skip_serializing_if = "str::is_empty")]
        description: &'a str,
        language: &'a str,
        items: Vec<Item<'a>>,
    }
    let items = doc
        .items
        .iter()
        .map(|item| Item {
            id: &item.id,
            url: &item.page_url,
            external_url: item.external_url.as_deref(),
            title: &item.title,
            content_html: item.content.as_deref().unwrap_or(&item.summary),
            // JSON Feed's summary is plain text.
            summary: item
                .content
                .as_ref()
                .map(|_| crate::plain_text::plain_text(&item.summary))
                .filter(|s| !s.is_empty()),
            date_published: item.published.to_rfc3339(),
            date_modified: item.updated.map(|u| u.to_rfc3339()),
            authors: item.authors.iter().map(|name| Author { name }).collect(),
            tags: &item.categories,
            language: item.language.as_deref(),
            image: item.image.as_deref(),
            attachments: item
                .enclosures
                .iter()
                .map(|e| Attachment {
                    url: &e.url,
                    mime_type: media_type(e),
                    size_in_bytes: e.length,
                    duration_in_seconds: e.duration,
                })
                .collect(),
        })
        .collect();
    let feed = Feed {
        version: "https://jsonfeed.org/version/1.1",
        title: &doc.title,
        home_page_url: &doc.page_url,
        feed_url: format!("{}{JSON}", doc.dir_url),
        description: &doc.description,
        language: &doc.language,
        items,
    };
    let mut bytes = serde_json::to_vec_pretty(&feed).expect("a feed serialises");
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str) -> FeedItem {
        FeedItem {
            id: id.to_string(),
            title: "Fish & <chips>".to_string(),
            link: "https://blog.example/p/".to_string(),
            page_url: "https://site.example/posts/blog/p/".to_string(),
            external_url: Some("https://blog.example/p/".to_string()),
            published: DateTime::parse_from_rfc3339("2026-11-02T10:00:00+00:00").unwrap(),
            updated: None,
            authors: vec!["Sam".to_string()],
            categories: vec!["a&b".to_string()],
            summary: "<p>Sum</p>".to_string(),
            content: Some("<p>Body with ]]> inside and a \u{0}NUL</p>".to_string()),
            source: Some((
                "Blog".to_string(),
                "https://blog.example/feed/".to_string(),
                None,
            )),
            language: Some("cy".to_string()),
            enclosures: Vec::new(),
            image: None,
        }
    }

    fn episode() -> FeedItem {
        FeedItem {
            enclosures: vec![
                Enclosure {
                    url: "https://cdn.example/e1.mp3?a=1&b=2".into(),
                    media_type: Some("audio/mpeg".into()),
                    length: Some(24_000_000),
                    duration: Some(1800),
                },
                Enclosure {
                    url: "https://cdn.example/e1.bin".into(),
                    media_type: None,
                    length: None,
                    duration: None,
                },
            ],
            image: Some("https://cdn.example/e1.jpg".into()),
            ..item("tag:blog.example,2026:e1")
        }
    }

    #[test]
    fn enclosures_go_out_in_every_format() {
        let doc = doc(vec![episode()]);
        let rss = String::from_utf8(rss(&doc)).unwrap();
        assert!(
            rss.contains(r#"<enclosure url="https://cdn.example/e1.mp3?a=1&amp;b=2" length="24000000" type="audio/mpeg"/>"#),
            "{rss}"
        );
        assert!(
            rss.contains(r#"<enclosure url="https://cdn.example/e1.bin" length="0" type="application/octet-stream"/>"#),
            "{rss}"
        );
        assert!(
            rss.contains("<itunes:duration>1800</itunes:duration>"),
            "{rss}"
        );
        let atom = String::from_utf8(atom(&doc)).unwrap();
        assert!(
            atom.contains(r#"<link rel="enclosure" href="https://cdn.example/e1.mp3?a=1&amp;b=2" type="audio/mpeg" length="24000000"/>"#),
            "{atom}"
        );
        assert!(
            atom.contains(r#"<link rel="enclosure" href="https://cdn.example/e1.bin"/>"#),
            "{atom}"
        );
        let json: serde_json::Value = serde_json::from_slice(&json(&doc)).unwrap();
        let item = &json["items"][0];
        assert_eq!(
            item["attachments"][0],
            serde_json::json!({
                "url": "https://cdn.example/e1.mp3?a=1&b=2",
                "mime_type": "audio/mpeg",
                "size_in_bytes": 24_000_000,
                "duration_in_seconds": 1800,
            })
        );
        assert_eq!(
            item["attachments"][1]["mime_type"],
            "application/octet-stream"
        );
        assert_eq!(item["image"], "https://cdn.example/e1.jpg");
    }

    fn doc(items: Vec<FeedItem>) -> FeedDoc {
        FeedDoc {
            title: "Site".to_string(),
            description: "About".to_string(),
            language: "en-GB".to_string(),
            page_url: "https://site.example/".to_string(),
            dir_url: "https://site.example/".to_string(),
            items,
        }
    }

    #[test]
    fn atom_escapes_text_and_keeps_an_iri_id() {
        let xml = String::from_utf8(atom(&doc(vec![item("tag:blog.example,2026:1")]))).unwrap();
        assert!(
            xml.contains("<title>Fish &amp; &lt;chips&gt;</title>"),
            "{xml}"
        );
        assert!(xml.contains("<id>tag:blog.example,2026:1</id>"), "{xml}");
        assert!(xml.contains(r#"<entry xml:lang="cy">"#), "{xml}");
        assert!(xml.contains("]]]]><![CDATA[>"), "{xml}");
        assert!(!xml.contains('\u{0}'));
        assert!(xml.contains(r#"<category term="a&amp;b"/>"#), "{xml}");
    }

    #[test]
    fn a_guid_that_is_not_an_iri_gets_a_stable_one() {
        let xml = String::from_utf8(atom(&doc(vec![item("1234 at blog")]))).unwrap();
        assert!(
            xml.contains("<id>https://site.example/posts/blog/p/#1234+at+blog</id>"),
            "{xml}"
        );
        let rss = String::from_utf8(rss(&doc(vec![item("1234 at blog")]))).unwrap();
        assert!(
            rss.contains(r#"<guid isPermaLink="false">1234 at blog</guid>"#),
            "{rss}"
        );
    }

    #[test]
    fn json_feed_points_remote_items_at_their_original() {
        let json: serde_json::Value = serde_json::from_slice(&json(&doc(vec![item("x")]))).unwrap();
        assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
        assert_eq!(json["items"][0]["external_url"], "https://blog.example/p/");
        assert_eq!(
            json["items"][0]["url"],
            "https://site.example/posts/blog/p/"
        );
        assert_eq!(json["items"][0]["summary"], "Sum");
        assert_eq!(json["items"][0]["language"], "cy");
    }

    #[test]
    fn an_empty_feed_is_dated_the_same_every_time() {
        let a = atom(&doc(vec![]));
        assert_eq!(a, atom(&doc(vec![])));
        assert!(
            String::from_utf8(a)
                .unwrap()
                .contains("<updated>1970-01-01T00:00:00+00:00</updated>")
        );
    }
}
