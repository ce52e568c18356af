//! Writing XML documents: the one helper behind the feeds, sitemaps and OPML roundup writes,
//! so escaping, the declaration, CDATA and the characters XML forbids are handled in one place.

use std::borrow::Cow;

use quick_xml::Writer;
use quick_xml::events::{BytesCData, BytesDecl, BytesText, Event};

/// A writer into memory.
pub type Xml = Writer<Vec<u8>>;

/// A whole document: the XML declaration, what `body` writes, indented by `indent` spaces, and
/// a final newline.
pub fn document(indent: usize, body: impl FnOnce(&mut Xml) -> std::io::Result<()>) -> Vec<u8> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', indent);
    let result = w
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))
        .and_then(|()| body(&mut w));
    result.expect("writing XML to memory cannot fail");
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    bytes
}

/// `<name>value</name>`, the value escaped.
pub fn text(w: &mut Xml, name: &str, value: &str) -> std::io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&xml_safe(value)))?;
    Ok(())
}

/// HTML in a CDATA section, split where it contains `]]>` itself.
pub fn cdata(w: &mut Xml, name: &str, attrs: &[(&str, &str)], html: &str) -> std::io::Result<()> {
    let html = xml_safe(html);
    w.create_element(name)
        .with_attributes(attrs.iter().copied())
        .write_inner_content(|w| {
            for (i, part) in html.split("]]>").enumerate() {
                if i > 0 {
                    w.write_event(Event::CData(BytesCData::new("]]")))?;
                    w.write_event(Event::CData(BytesCData::new(">")))?;
                }
                w.write_event(Event::CData(BytesCData::new(part)))?;
            }
            Ok(())
        })?;
    Ok(())
}

/// An empty element with attributes: `<link rel="self" href="…"/>`.
pub fn empty(w: &mut Xml, name: &str, attrs: &[(&str, &str)]) -> std::io::Result<()> {
    let attrs: Vec<(&str, Cow<'_, str>)> = attrs.iter().map(|(k, v)| (*k, xml_safe(v))).collect();
    w.create_element(name)
        .with_attributes(attrs.iter().map(|(k, v)| (*k, v.as_ref())))
        .write_empty()?;
    Ok(())
}

/// Text with the characters XML 1.0 does not allow (which feeds sometimes carry) dropped.
pub fn xml_safe(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
    };
    // A byte scan first, as almost every text is clean: only control bytes and the lead byte
    // of U+FFFE and U+FFFF (0xEF) can begin a character that is not allowed.
    let suspect = text
        .bytes()
        .any(|b| (b < b' ' && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF);
    if !suspect || text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|c| allowed(*c)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_forbidden_characters_dropped() {
        let bytes = document(1, |w| {
            w.create_element("root").write_inner_content(|w| {
                text(w, "t", "a < b & \u{0}c")?;
                cdata(w, "h", &[("type", "html")], "<p>]]></p>")?;
                empty(w, "link", &[("href", "/?a=1&b=2")])
            })?;
            Ok(())
        });
        let xml = String::from_utf8(bytes).unwrap();
        assert!(
            xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"),
            "{xml}"
        );
        assert!(xml.contains("<t>a &lt; b &amp; c</t>"), "{xml}");
        // "]]>" cannot stand in CDATA: it is written as "]]" and ">" in sections of their own.
        assert!(
            xml.contains("<![CDATA[<p>]]><![CDATA[]]]]><![CDATA[>]]><![CDATA[</p>]]>"),
            "{xml}"
        );
        assert!(xml.contains(r#"<link href="/?a=1&amp;b=2"/>"#), "{xml}");
        assert!(xml.ends_with('\n'));
    }
}
