//! JSON Feed 1.0 and 1.1, read from a loose JSON value the way publishers write it: any
//! object with an `items` list is a feed whatever its `version` says, raw control characters
//! in strings are escaped first, `tags` may be one string, `author` (1.0) or `authors` (1.1),
//! ids may be numbers.

use serde_json::{Map, Value};
use url::Url;

use super::{
    Enclosure, Entry, FeedError, Image, ParsedFeed, Repair, dates, text_as_html, web_address,
};

/// Reads a JSON Feed document.
pub(crate) fn read(
    text: &str,
    url: &Url,
    repairs: &mut Vec<Repair>,
) -> Result<ParsedFeed, FeedError> {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(first) => {
            let escaped = escape_controls(text);
            if escaped == text {
                return Err(FeedError::NotJsonFeed(format!("not valid JSON ({first})")));
            }
            let value = serde_json::from_str(&escaped)
                .map_err(|e| FeedError::NotJsonFeed(format!("not valid JSON ({e})")))?;
            repairs.push(Repair::JsonControlCharacters);
            value
        }
    };
    let feed = value
        .as_object()
        .ok_or_else(|| FeedError::NotJsonFeed("not an object".to_string()))?;
    let items = feed
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| FeedError::NotJsonFeed("it has no \"items\" list".to_string()))?;
    let version = string(feed, "version");
    if !version
        .as_deref()
        .is_some_and(|v| v.starts_with("https://jsonfeed.org/version/"))
    {
        repairs.push(Repair::JsonVersion { given: version });
    }
    let language = string(feed, "language");
    let feed_authors = authors(feed);
    let entries = items
        .iter()
        .filter_map(Value::as_object)
        .map(|item| {
            let mut entry = entry(item, url, language.as_deref(), repairs);
            if entry.authors.is_empty() {
                entry.authors.clone_from(&feed_authors);
            }
            entry
        })
        .collect();
    Ok(ParsedFeed {
        title: string(feed, "title"),
        homepage: string(feed, "home_page_url").and_then(|h| web_address(&h, url)),
        language,
        entries,
        repairs: Vec::new(),
    })
}

fn entry(
    item: &Map<String, Value>,
    url: &Url,
    language: Option<&str>,
    repairs: &mut Vec<Repair>,
) -> Entry {
    let link = ["url", "external_url"]
        .iter()
        .find_map(|key| string(item, key).and_then(|u| web_address(&u, url)));
    let published = string(item, "date_published").and_then(|d| dates::parse(&d));
    let updated = string(item, "date_modified").and_then(|d| dates::parse(&d));
    let published = match (published, updated) {
        (None, None) => link.as_deref().and_then(dates::from_link),
        (published, _) => published,
    };
    let content = string(item, "content_html")
        .or_else(|| string(item, "content_text").map(|t| text_as_html(&t)));
    let categories = match item.get("tags") {
        Some(Value::Array(tags)) => tags
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        Some(Value::String(tags)) => {
            repairs.push(Repair::JsonTagsAsString);
            tags.split(',').map(str::to_string).collect()
        }
        _ => Vec::new(),
    };
    let mut tags: Vec<String> = Vec::new();
    for tag in categories {
        let tag = tag.trim().to_string();
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    Entry {
        id: match item.get("id") {
            Some(Value::String(id)) => Some(id.trim().to_string()),
            Some(Value::Number(id)) => Some(id.to_string()),
            _ => None,
        }
        .filter(|id| !id.is_empty()),
        title: string(item, "title").map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ")),
        published,
        updated,
        authors: authors(item),
        summary: string(item, "summary").map(|s| text_as_html(&s)),
        content,
        categories: tags,
        base: link.clone().or_else(|| Some(url.to_string())),
        language: string(item, "language").or_else(|| language.map(str::to_string)),
        enclosures: item
            .get("attachments")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|a| attachment(a.as_object()?, url))
            .collect(),
        image: ["image", "banner_image"]
            .iter()
            .find_map(|key| image(&string(item, key)?, url)),
        link,
    }
}

/// A non-empty string member.
fn string(object: &Map<String, Value>, key: &str) -> Option<String> {
    object
        .get(key)?
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Names from 1.1's `authors` list, else 1.0's `author` object (or a bare string).
fn authors(object: &Map<String, Value>) -> Vec<String> {
    let name = |value: &Value| match value {
        Value::String(name) => Some(name.trim().to_string()),
        Value::Object(person) => string(person, "name"),
        _ => None,
    };
    let mut names: Vec<String> = match (object.get("authors"), object.get("author")) {
        (Some(Value::Array(list)), _) => list.iter().filter_map(name).collect(),
        (_, Some(one)) => name(one).into_iter().collect(),
        _ => Vec::new(),
    };
    names.retain(|n| !n.is_empty());
    names.dedup();
    names
}

fn attachment(object: &Map<String, Value>, url: &Url) -> Option<Enclosure> {
    Some(Enclosure {
        url: web_address(&string(object, "url")?, url)?,
        media_type: string(object, "mime_type"),
        length: object.get("size_in_bytes").and_then(Value::as_u64),
        duration: object
            .get("duration_in_seconds")
            .and_then(Value::as_f64)
            .filter(|d| *d >= 0.0 && *d < f64::from(u32::MAX))
            .map(|d| d as u32),
    })
}

fn image(address: &str, url: &Url) -> Option<Image> {
    let address = web_address(address, url)?;
    Some(Image {
        url: match address.strip_prefix("http://") {
            Some(rest) => format!("https://{rest}"),
            None => address,
        },
        alt: None,
        width: None,
        height: None,
    })
}

/// `text` with raw control characters inside its strings written as JSON escapes; outside
/// strings they are whitespace or errors, and left for the parser to judge.
fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            } else if c.is_control() && u32::from(c) < 0x20 {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
                continue;
            }
        } else if c == '"' {
            in_string = true;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(text: &str) -> (ParsedFeed, Vec<Repair>) {
        let mut repairs = Vec::new();
        let url = Url::parse("https://j.example/feed.json").unwrap();
        (read(text, &url, &mut repairs).unwrap(), repairs)
    }

    #[test]
    fn control_characters_in_strings_are_escaped() {
        let (feed, repairs) = read_str(
            "{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"1\",\"title\":\"a\tb\",\"content_text\":\"line\nline\"}]}",
        );
        assert_eq!(feed.entries[0].title.as_deref(), Some("a b"));
        assert_eq!(repairs, [Repair::JsonControlCharacters]);
    }

    #[test]
    fn a_feed_without_a_version_with_numeric_ids_and_a_tag_string_is_read() {
        let (feed, repairs) = read_str(
            r#"{"title":"J","items":[{"id":7,"title":"T","tags":"one, two","author":{"name":"Jo"}}]}"#,
        );
        let entry = &feed.entries[0];
        assert_eq!(entry.id.as_deref(), Some("7"));
        assert_eq!(entry.categories, ["one", "two"]);
        assert_eq!(entry.authors, ["Jo"]);
        assert_eq!(
            repairs,
            [
                Repair::JsonVersion { given: None },
                Repair::JsonTagsAsString
            ]
        );
    }

    #[test]
    fn attachments_and_images_are_read() {
        let (feed, _) = read_str(
            r#"{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","url":"https://j.example/1","image":"http://j.example/i.png",
            "attachments":[{"url":"https://j.example/a.mp3","mime_type":"audio/mpeg","size_in_bytes":123,"duration_in_seconds":61.5}]}]}"#,
        );
        let entry = &feed.entries[0];
        assert_eq!(
            entry.enclosures,
            [Enclosure {
                url: "https://j.example/a.mp3".into(),
                media_type: Some("audio/mpeg".into()),
                length: Some(123),
                duration: Some(61),
            }]
        );
        assert_eq!(entry.image.as_ref().unwrap().url, "https://j.example/i.png");
    }

    #[test]
    fn json_that_is_not_a_feed_is_refused_with_the_reason() {
        let url = Url::parse("https://j.example/").unwrap();
        let mut repairs = Vec::new();
        assert!(
            matches!(read("{\"a\": 1}", &url, &mut repairs), Err(FeedError::NotJsonFeed(r)) if r.contains("items"))
        );
        assert!(
            matches!(read("{ not json", &url, &mut repairs), Err(FeedError::NotJsonFeed(r)) if r.contains("not valid JSON"))
        );
    }
}
