//! What xml5ever forgives without a word, or reports too vaguely to say where: a `&` that
//! starts no reference, HTML's named entities (which XML does not have), entities nobody
//! declared, and a CDATA section that never ends. It reads the text as the tokenizer does
//! for these: outside CDATA sections and comments.

use super::Repair;

/// Notes what the tokenizer resolves without a word, or reports too vaguely to say where:
/// `&` that starts no reference, HTML's named entities (which XML does not have), entities
/// nobody declared, and a CDATA section that never ends (it swallows the rest of the feed).
pub(crate) fn scan(text: &str, declared: &[String], repairs: &mut Vec<Repair>) {
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
            if let Some(repair) = reference(after, declared) {
                push(repair);
            }
            rest = after;
        } else {
            rest = &rest[1..];
        }
    }
}

/// What is wrong with the reference after a `&`, if anything.
fn reference(after: &str, declared: &[String]) -> Option<Repair> {
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
    if matches!(name, "amp" | "lt" | "gt" | "quot" | "apos") || declared.iter().any(|d| d == name) {
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

/// A document with an internal DTD subset (`<!DOCTYPE rss [ <!ENTITY ...> ]>`), which
/// xml5ever does not read, without it, and with the entities it declares as plain text written
/// in; external (`SYSTEM`, `PUBLIC`) and parameter entities are not fetched or expanded, as
/// feedparser does not either. Also the names declared, so that they are not reported.
pub(crate) fn internal_subset(text: &str) -> (std::borrow::Cow<'_, str>, Vec<String>) {
    let unchanged = (std::borrow::Cow::Borrowed(text), Vec::new());
    let Some(start) = text.find("<!DOCTYPE") else {
        return unchanged;
    };
    let Some(open) = text[start..].find(['[', '>']).map(|at| start + at) else {
        return unchanged;
    };
    if !text[open..].starts_with('[') {
        return unchanged;
    }
    let Some(close) = text[open..].find("]>").map(|at| open + at) else {
        return unchanged;
    };
    let mut entities: Vec<(String, String)> = Vec::new();
    let mut names = Vec::new();
    for decl in text[open..close].split("<!ENTITY").skip(1) {
        let mut words = decl.trim_start().splitn(2, char::is_whitespace);
        let (Some(name), Some(rest)) = (words.next(), words.next()) else {
            continue;
        };
        if name == "%" {
            continue;
        }
        names.push(name.to_string());
        let rest = rest.trim_start();
        let Some(quote) = rest.chars().next().filter(|q| *q == '"' || *q == '\'') else {
            continue;
        };
        if let Some(end) = rest[1..].find(quote) {
            let value = &rest[1..1 + end];
            // Only plain text is written in; markup or references stay unexpanded.
            if !value.contains(['<', '&']) {
                entities.push((format!("&{name};"), value.to_string()));
            }
        }
    }
    let mut out = format!("{}>{}", &text[..open], &text[close + 2..]);
    for (reference, value) in &entities {
        out = out.replace(reference, value);
    }
    (std::borrow::Cow::Owned(out), names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<Repair> {
        let mut repairs = Vec::new();
        scan(text, &[], &mut repairs);
        repairs
    }

    #[test]
    fn references_are_told_apart() {
        assert!(found("a &amp; b &#233; &#xE9; &lt;").is_empty());
        assert_eq!(found("fish & chips"), [Repair::UnescapedAmpersand]);
        assert_eq!(found("?a=1&b=2"), [Repair::UnescapedAmpersand]);
        assert_eq!(
            found("a&nbsp;b"),
            [Repair::HtmlEntity {
                name: "nbsp".into()
            }]
        );
        assert_eq!(
            found("&bogus;"),
            [Repair::UnknownEntity {
                name: "bogus".into()
            }]
        );
        assert!(found("<![CDATA[ & &nbsp; ]]><!-- & -->").is_empty());
        assert_eq!(found("<d><![CDATA[<p>open"), [Repair::UnclosedCdata]);
    }

    #[test]
    fn an_internal_subset_is_read_and_removed() {
        let (text, names) = internal_subset(
            "<!DOCTYPE rss [\n<!ENTITY who \"Team\">\n<!ENTITY f SYSTEM \"file:x\">\n]><rss><t>&who; &f;</t></rss>",
        );
        assert_eq!(text, "<!DOCTYPE rss ><rss><t>Team &f;</t></rss>");
        assert_eq!(names, ["who", "f"]);
    }
}
