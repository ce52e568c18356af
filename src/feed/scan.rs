//! What xml5ever forgives without a word, or reports too vaguely to say where: a `&` that
//! starts no reference, HTML's named entities (which XML does not have), entities nobody
//! declared, and a CDATA section that never ends. It reads the text as the tokenizer does
//! for these: outside CDATA sections and comments.

use super::Repair;

/// Notes what the tokenizer resolves without a word, or reports too vaguely to say where:
/// `&` that starts no reference, HTML's named entities (which XML does not have), entities
/// nobody declared, and a CDATA section that never ends (it swallows the rest of the feed).
pub(crate) fn scan(text: &str, repairs: &mut Vec<Repair>) {
    let declared = declared_entities(text);
    let mut push = |repair: Repair| {
        if !repairs.iter().any(|r| r.same_kind(&repair)) {
            repairs.push(repair);
        }
    };
    let mut rest = text;
    while let Some(at) = rest.find(['<', '&']) {
        rest = &rest[at..];
        let skip_to = |rest: &str, end: &str| rest.find(end).map(|i| i + end.len());
        if rest.starts_with("<![CDATA[") {
            match skip_to(rest, "]]>") {
                Some(end) => rest = &rest[end..],
                None => return push(Repair::UnclosedCdata),
            }
        } else if rest.starts_with("<!--") {
            match skip_to(rest, "-->") {
                Some(end) => rest = &rest[end..],
                None => return,
            }
        } else if let Some(after) = rest.strip_prefix('&') {
            if let Some(repair) = reference(after, &declared) {
                push(repair);
            }
            rest = after;
        } else {
            rest = &rest[1..];
        }
    }
}

/// What is wrong with the reference after a `&`, if anything.
fn reference(after: &str, declared: &[&str]) -> Option<Repair> {
    if let Some(number) = after.strip_prefix('#') {
        let digits = match number.strip_prefix(['x', 'X']) {
            Some(hex) => hex
                .find(|c: char| !c.is_ascii_hexdigit())
                .unwrap_or(hex.len()),
            None => number
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(number.len()),
        };
        let body = number.trim_start_matches(['x', 'X']);
        return (digits == 0 || !body[digits..].starts_with(';'))
            .then_some(Repair::UnescapedAmpersand);
    }
    let len = after
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(after.len());
    let name = &after[..len];
    if len == 0 || !after[len..].starts_with(';') {
        return Some(Repair::UnescapedAmpersand);
    }
    if matches!(name, "amp" | "lt" | "gt" | "quot" | "apos") || declared.contains(&name) {
        return None;
    }
    let entity = format!("&{name};");
    Some(if html_escape::decode_html_entities(&entity) != entity {
        Repair::HtmlEntity {
            name: name.to_string(),
        }
    } else {
        Repair::UnknownEntity {
            name: name.to_string(),
        }
    })
}

/// Names declared with `<!ENTITY name ...>` in the document's internal DTD subset.
fn declared_entities(text: &str) -> Vec<&str> {
    let Some(start) = text.find("<!DOCTYPE") else {
        return Vec::new();
    };
    let end = text[start..].find("]>").map_or(text.len(), |e| start + e);
    text[start..end]
        .split("<!ENTITY")
        .skip(1)
        .filter_map(|decl| decl.split_whitespace().next())
        .collect()
}
