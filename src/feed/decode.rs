//! Bytes to text. Feeds are served with wrong charset labels, with none, and with UTF-8 that
//! has a few windows-1252 bytes pasted into it; this decides what the bytes are.

use encoding_rs::Encoding;

use super::Repair;

/// Decodes the body to text. A BOM decides; else UTF-16 is recognised by its zero bytes; else
/// valid UTF-8 is UTF-8 whatever the labels say (servers often mislabel it); else the HTTP
/// charset, then the XML declaration, whichever decodes cleanly; else the bytes are read run
/// by run, UTF-8 where they are UTF-8 and each other byte as windows-1252, which also reads a
/// whole windows-1252 document as such.
pub(crate) fn decode(
    bytes: &[u8],
    content_type: Option<&str>,
    repairs: &mut Vec<Repair>,
) -> String {
    if let Some(text) = utf32(bytes) {
        return text;
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(text) => text.to_string(),
            Err(_) => run_by_run(rest, repairs),
        };
    }
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    match bytes {
        [0, b'<', ..] | [0, b' ', ..] | [0, b'\n', ..] | [0, b'\r', ..] => {
            return encoding_rs::UTF_16BE
                .decode_without_bom_handling(bytes)
                .0
                .into_owned();
        }
        [b'<', 0, ..] | [b' ', 0, ..] | [b'\n', 0, ..] | [b'\r', 0, ..] => {
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
        if let Some(encoding) = Encoding::for_label(label.trim().as_bytes())
            && encoding != encoding_rs::UTF_8
            && let (text, false) = encoding.decode_without_bom_handling(bytes)
        {
            return text.into_owned();
        }
    }
    run_by_run(bytes, repairs)
}

/// UTF-32 with its BOM, which encoding_rs does not read (no web page may use it, but feeds
/// are not web pages).
fn utf32(bytes: &[u8]) -> Option<String> {
    let read: fn([u8; 4]) -> u32 = match bytes {
        [0, 0, 0xFE, 0xFF, ..] => u32::from_be_bytes,
        [0xFF, 0xFE, 0, 0, ..] => u32::from_le_bytes,
        _ => return None,
    };
    Some(
        bytes[4..]
            .chunks_exact(4)
            .map(|c| char::from_u32(read([c[0], c[1], c[2], c[3]])).unwrap_or('\u{fffd}'))
            .collect(),
    )
}

/// UTF-8 runs as UTF-8, every byte between them as windows-1252. When the document has real
/// UTF-8 beside such bytes, they were pasted in by mistake, and that is a repair worth telling.
fn run_by_run(bytes: &[u8], repairs: &mut Vec<Repair>) -> String {
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
    let mut multibyte = false;
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        multibyte |= !valid.is_ascii();
        text.push_str(valid);
        text.push_str(
            &encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(chunk.invalid())
                .0,
        );
    }
    if multibyte {
        repairs.push(Repair::StrayWindows1252);
    }
    text
}

/// The `charset` parameter of a `Content-Type` header.
fn http_charset(content_type: Option<&str>) -> Option<String> {
    content_type?
        .split(';')
        .skip(1)
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches(['"', '\'']).to_string())
}

/// The `encoding` of an XML declaration at the start of the document.
fn prolog_encoding(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]);
    let decl = &head[head.find("<?xml")?..];
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

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8], content_type: Option<&str>) -> (String, Vec<Repair>) {
        let mut repairs = Vec::new();
        (decode(bytes, content_type, &mut repairs), repairs)
    }

    #[test]
    fn a_stray_windows_1252_byte_in_utf8_is_read_on_its_own() {
        // "Café — 5€" in UTF-8, then a windows-1252 right quote (0x92) pasted in.
        let mut bytes = "<title>Café — 5€ ".as_bytes().to_vec();
        bytes.extend_from_slice(b"it\x92s</title>");
        let (text, repairs) = read(&bytes, None);
        assert_eq!(text, "<title>Café — 5€ it’s</title>");
        assert_eq!(repairs, [Repair::StrayWindows1252]);
    }

    #[test]
    fn a_windows_1252_document_is_read_as_such_without_a_repair() {
        let (text, repairs) = read(b"<title>Caf\xe9 \x93quoted\x94</title>", None);
        assert_eq!(text, "<title>Café “quoted”</title>");
        assert!(repairs.is_empty());
    }

    #[test]
    fn a_declared_charset_that_decodes_cleanly_is_used() {
        let (text, _) = read(
            b"<?xml version='1.0' encoding='iso-8859-7'?><t>\xe1</t>",
            None,
        );
        assert!(text.ends_with("<t>α</t>"), "{text}");
        let (text, _) = read(b"<t>\xe1</t>", Some("text/xml; charset=\"ISO-8859-7\""));
        assert_eq!(text, "<t>α</t>");
    }

    #[test]
    fn utf8_with_a_bom_and_stray_bytes_keeps_its_utf8() {
        let (text, repairs) = read(b"\xEF\xBB\xBF<t>\xD1\xA8 Espa\xF1a</t>", None);
        assert_eq!(text, "<t>Ѩ España</t>");
        assert_eq!(repairs, [Repair::StrayWindows1252]);
    }

    #[test]
    fn utf32_with_a_bom_is_read() {
        let mut le = vec![0xFF, 0xFE, 0, 0];
        le.extend("<rss/>".chars().flat_map(|c| u32::from(c).to_le_bytes()));
        assert_eq!(read(&le, None).0, "<rss/>");
    }

    #[test]
    fn utf16_without_a_bom_is_recognised() {
        let be: Vec<u8> = "<rss/>".encode_utf16().flat_map(u16::to_be_bytes).collect();
        let le: Vec<u8> = "<rss/>".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(read(&be, None).0, "<rss/>");
        assert_eq!(read(&le, None).0, "<rss/>");
    }
}
