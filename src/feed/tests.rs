//! The parser as a whole, on small documents: each format, the charset rules, links, ids and
//! the text of titles.

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
    let unversioned = "<rss><channel><title>T</title><item><title>A</title></item></channel></rss>";
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
    assert_eq!(parse(page, None, &url()), Err(FeedError::WebPage));
    assert_eq!(parse(b"  \n", None, &url()), Err(FeedError::Empty));
    assert!(matches!(
        parse(b"{ not json", None, &url()),
        Err(FeedError::NotJsonFeed(_))
    ));
}
