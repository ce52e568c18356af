//! Double-encoded UTF-8 ("CafÃ©" for "Café"): text that was UTF-8, was read as windows-1252 or
//! Latin-1 somewhere on its way into the feed, and was written out as UTF-8 again.
//!
//! No kept crate does this narrowly (the Rust port of Python's ftfy pulls in all of ICU for
//! much more than this), so the repair is written here and kept conservative: it only replaces
//! a run of characters whose windows-1252 bytes form one valid multi-byte UTF-8 sequence, and
//! only in a string that shows the unmistakable signs of the mix-up, so that genuine text such
//! as "NÃO" or "«CAFÉ»" is left alone.

use std::borrow::Cow;

/// The windows-1252 byte for each character it gives to 0x80–0x9F; other characters up to
/// U+00FF are their own byte (Latin-1, which also covers the five bytes windows-1252 leaves
/// undefined and decoders turn into C1 controls).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// The byte `c` is written with in windows-1252 (or Latin-1), if any.
fn byte(c: char) -> Option<u8> {
    if let Some(i) = CP1252_HIGH.iter().position(|&h| h == c) {
        return Some(0x80 + i as u8);
    }
    u8::try_from(u32::from(c)).ok()
}

/// How many bytes a UTF-8 sequence starting with `lead` has, if `lead` starts one.
fn sequence_len(lead: u8) -> Option<usize> {
    match lead {
        0xC2..=0xDF => Some(2),
        0xE0..=0xEF => Some(3),
        0xF0..=0xF4 => Some(4),
        _ => None,
    }
}

/// A run of mojibake found in a string: where it starts and ends (bytes), the character it
/// stands for, and how many characters it took.
struct Candidate {
    start: usize,
    end: usize,
    repaired: char,
    len: usize,
    lead: char,
}

fn candidates(text: &str) -> Vec<Candidate> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, lead) = chars[i];
        let Some(n) = byte(lead).and_then(sequence_len) else {
            i += 1;
            continue;
        };
        let bytes: Option<Vec<u8>> = chars
            .get(i..i + n)
            .map(|run| run.iter().map(|&(_, c)| byte(c)).collect())
            .unwrap_or(None);
        let repaired = bytes
            .as_deref()
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|s| s.chars().next())
            // A control character is not what anyone meant to write.
            .filter(|c| !c.is_control());
        match repaired {
            Some(repaired) => {
                let end = chars.get(i + n).map_or(text.len(), |&(at, _)| at);
                found.push(Candidate {
                    start,
                    end,
                    repaired,
                    len: n,
                    lead,
                });
                i += n;
            }
            None => i += 1,
        }
    }
    found
}

/// Whether the runs found are surely mojibake rather than genuine text: one that starts with
/// `Ã` or `Â` (UTF-8's lead bytes for Latin-1 letters and symbols, which genuine text almost
/// never follows with a symbol), one of three or four characters, or two or more of any kind.
fn surely_mojibake(found: &[Candidate]) -> bool {
    found.len() >= 2
        || found
            .iter()
            .any(|c| c.len > 2 || matches!(c.lead, 'Ã' | 'Â'))
}

/// `text` with double-encoded UTF-8 repaired; borrowed and unchanged when there is none.
pub(crate) fn repair(text: &str) -> Cow<'_, str> {
    // Every run starts with a character between U+00C2 and U+00F4.
    if !text.chars().any(|c| ('\u{c2}'..='\u{f4}').contains(&c)) {
        return Cow::Borrowed(text);
    }
    let found = candidates(text);
    if found.is_empty() || !surely_mojibake(&found) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for c in &found {
        out.push_str(&text[at..c.start]);
        out.push(c.repaired);
        at = c.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// `text` with C1 control characters (U+0080–U+009F) replaced by the windows-1252 characters
/// their code points stand for: old tools wrote "don\u{92}t" for "don’t". Borrowed and
/// unchanged when there is none.
pub(crate) fn c1_controls(text: &str) -> Cow<'_, str> {
    let c1 = |c: char| ('\u{80}'..='\u{9f}').contains(&c);
    if !text.chars().any(c1) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| match c {
                c if c1(c) => CP1252_HIGH[(u32::from(c) - 0x80) as usize],
                c => c,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_encoded_letters_and_punctuation_are_repaired() {
        assert_eq!(repair("CafÃ©"), "Café");
        assert_eq!(repair("FÃ³rmula 1"), "Fórmula 1");
        assert_eq!(repair("It doesnâ€™t â€” really"), "It doesn’t — really");
        assert_eq!(repair("ÐŸÑ€Ð¸Ð²ÐµÑ‚"), "Привет");
        assert_eq!(
            repair("<p>CafÃ© &amp; crÃ¨me</p>"),
            "<p>Café &amp; crème</p>"
        );
    }

    #[test]
    fn control_characters_for_windows_1252_punctuation_are_repaired() {
        assert_eq!(c1_controls("don\u{92}t"), "don’t");
        assert!(matches!(c1_controls("don’t"), Cow::Borrowed(_)));
    }

    #[test]
    fn genuine_text_is_left_alone() {
        for text in [
            "Café crème",
            "NÃO",
            "«CAFÉ»",
            "São Paulo",
            "plain ascii",
            "€5 – £3",
            "日本語",
        ] {
            assert!(matches!(repair(text), Cow::Borrowed(_)), "{text}");
        }
    }
}
