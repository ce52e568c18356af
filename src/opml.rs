//! OPML 2.0, the format blog rolls travel in: written with every build, read by
//! `roundup import-opml`.

use std::collections::BTreeMap;

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::xml::{self, Xml};

/// A feed as OPML carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    /// The blog's name.
    pub name: String,
    /// The feed's address.
    pub xml_url: String,
    /// The blog's home page.
    pub html_url: Option<String>,
    /// The outline it sat in, taken as its organisation.
    pub organisation: Option<String>,
}

/// What can go wrong reading OPML.
#[derive(Debug, thiserror::Error)]
pub enum OpmlError {
    /// The XML is malformed.
    #[error("not well-formed OPML at byte {position}: {message}")]
    Malformed {
        /// Where.
        position: u64,
        /// What.
        message: String,
    },
    /// The document is XML but not OPML.
    #[error("this is not an OPML document (its root element is <{0}>)")]
    NotOpml(String),
}

/// Writes an OPML 2.0 blog roll: feeds grouped by organisation (in name order), feeds without
/// one at the top level after the groups.
pub fn write(title: &str, feeds: &[OpmlFeed]) -> Vec<u8> {
    let mut groups: BTreeMap<Option<&str>, Vec<&OpmlFeed>> = BTreeMap::new();
    for feed in feeds {
        groups
            .entry(feed.organisation.as_deref())
            .or_default()
            .push(feed);
    }
    for group in groups.values_mut() {
        group.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.xml_url.cmp(&b.xml_url))
        });
    }
    let outline = |w: &mut Xml, feed: &OpmlFeed| -> std::io::Result<()> {
        let mut attrs = vec![
            ("type", "rss"),
            ("text", feed.name.as_str()),
            ("title", feed.name.as_str()),
            ("xmlUrl", feed.xml_url.as_str()),
        ];
        if let Some(html) = &feed.html_url {
            attrs.push(("htmlUrl", html.as_str()));
        }
        xml::empty(w, "outline", &attrs)
    };
    xml::document(2, |w| {
        w.create_element("opml")
            .with_attribute(("version", "2.0"))
            .write_inner_content(|w| {
                w.create_element("head").write_inner_content(|w| {
                    xml::text(w, "title", title)?;
                    xml::text(w, "docs", "http://opml.org/spec2.opml")
                })?;
                w.create_element("body").write_inner_content(|w| {
                    for (organisation, feeds) in groups.iter().filter(|(o, _)| o.is_some()) {
                        let name = xml::xml_safe(organisation.unwrap_or_default());
                        w.create_element("outline")
                            .with_attributes([("text", name.as_ref()), ("title", name.as_ref())])
                            .write_inner_content(|w| {
                                for feed in feeds {
                                    outline(w, feed)?;
                                }
                                Ok(())
                            })?;
                    }
                    for feed in groups.get(&None).into_iter().flatten() {
                        outline(w, feed)?;
                    }
                    Ok(())
                })?;
                Ok(())
            })?;
        Ok(())
    })
}

/// Reads every feed of an OPML document, at any depth; an outline without a feed that holds
/// feeds names their organisation.
pub fn parse(text: &str) -> Result<Vec<OpmlFeed>, OpmlError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut feeds = Vec::new();
    // The text of each open outline that is a folder rather than a feed.
    let mut folders: Vec<Option<String>> = Vec::new();
    let mut root_checked = false;
    loop {
        let event = reader.read_event().map_err(|e| OpmlError::Malformed {
            position: reader.buffer_position(),
            message: e.to_string(),
        })?;
        let (element, is_empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) if e.name().as_ref() == "outline" => {
                folders.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let name = element.name().as_ref().to_string();
        if !root_checked {
            if name != "opml" {
                return Err(OpmlError::NotOpml(name));
            }
            root_checked = true;
        }
        if name != "outline" {
            continue;
        }
        let mut attrs: BTreeMap<String, String> = BTreeMap::new();
        for attr in element.attributes().flatten() {
            let key = attr.key.as_ref().to_ascii_lowercase();
            if let Ok(value) = attr.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                attrs.insert(key, value.trim().to_string());
            }
        }
        let label = attrs
            .get("title")
            .or_else(|| attrs.get("text"))
            .filter(|t| !t.is_empty())
            .cloned();
        match attrs.get("xmlurl").filter(|u| !u.is_empty()) {
            Some(xml_url) => {
                feeds.push(OpmlFeed {
                    name: label.unwrap_or_else(|| xml_url.clone()),
                    xml_url: xml_url.clone(),
                    html_url: attrs.get("htmlurl").filter(|u| !u.is_empty()).cloned(),
                    organisation: folders.iter().rev().flatten().next().cloned(),
                });
                if !is_empty {
                    folders.push(None);
                }
            }
            None if !is_empty => folders.push(label),
            None => {}
        }
    }
    if !root_checked {
        return Err(OpmlError::NotOpml(String::new()));
    }
    Ok(feeds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(name: &str, org: Option<&str>) -> OpmlFeed {
        OpmlFeed {
            name: name.to_string(),
            xml_url: format!("https://{}.example/feed", name.to_lowercase()),
            html_url: Some(format!("https://{}.example/", name.to_lowercase())),
            organisation: org.map(str::to_string),
        }
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        let feeds = vec![
            feed("Beta", Some("Home Office")),
            feed("Alpha & Co", Some("Cabinet Office")),
            feed("Solo", None),
        ];
        let xml = write("Blogs", &feeds);
        let mut back = parse(std::str::from_utf8(&xml).unwrap()).unwrap();
        back.sort_by(|a, b| a.name.cmp(&b.name));
        let mut expected = feeds.clone();
        expected.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(back, expected);
    }

    #[test]
    fn nested_folders_and_missing_titles_are_handled() {
        let text = r#"<?xml version="1.0"?><opml version="1.0"><head/><body>
            <outline text="Councils"><outline text="London">
              <outline type="rss" xmlUrl="https://a.example/feed" />
            </outline></outline>
            <outline type="rss" text="Top" xmlUrl="https://b.example/feed" htmlUrl=""/>
        </body></opml>"#;
        let feeds = parse(text).unwrap();
        assert_eq!(feeds[0].name, "https://a.example/feed");
        assert_eq!(feeds[0].organisation.as_deref(), Some("London"));
        assert_eq!(feeds[1].organisation, None);
        assert_eq!(feeds[1].html_url, None);
    }

    #[test]
    fn other_documents_are_refused() {
        assert!(matches!(
            parse("<rss version=\"2.0\"/>"),
            Err(OpmlError::NotOpml(_))
        ));
        assert!(parse("<opml><body><outline").is_err());
    }
}
