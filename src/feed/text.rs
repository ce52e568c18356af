//! Double-encoded UTF-8 ("CafÃ©" for "Café"): text that was UTF-8, was read as windows-1252 or
//! Latin-1 somewhere on its way into the feed, and was written out as UTF-8 again.
//!
//! No kept crate does this narrowly (the Rust port of Python's ftfy pulls in all of ICU for
//! much more than this), so the repair is written here and kept conservative: a word is
//! replaced only when all of it re-encodes to windows-1252 bytes that are valid UTF-8 and it
//! shows a telling sign of the mix-up, so that genuine text such as "NÃO", "«CAFÉ»",
//! "10\u{a0}×\u{a0}10" or "Tomáš" is left alone.

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

/// Characters that genuine text often puts right after an accented capital or a symbol
/// ("SCHÖN“", "CAFÉ»"), so that such a pair is no sign of mojibake on its own.
const GENUINE_AFTER: &[char] = &[
    '\u{a0}', '«', '»', '°', '·', '²', '³', '´', 'µ', '¹', 'º', 'ª', '\u{ad}', '‘', '’', '“', '”',
    '–', '—', '…', 'š', 'Š', 'ž', 'Ž', 'œ', 'Œ', 'Ÿ', '•', '€', '™', '©', '®',
];

/// One word repaired, if it is mojibake: all of it re-encodes to windows-1252 bytes that are
/// valid UTF-8 with at least one multi-byte sequence, decoding to no control character, and it
/// has a telling sign (see [`telling`]).
fn repair_word(word: &str) -> Option<String> {
    let bytes: Vec<u8> = word.chars().map(byte).collect::<Option<_>>()?;
    if bytes.is_ascii() || !telling(word) {
        return None;
    }
    let decoded = std::str::from_utf8(&bytes).ok()?;
    (!decoded.chars().any(char::is_control)).then(|| decoded.to_string())
}

/// Whether a word shows the sign of mojibake: `Ã` or `Â` (UTF-8's lead bytes for Latin-1
/// letters and symbols) starting a sequence, a sequence of three or four characters, or a
/// lead before a character genuine text seldom puts there.
fn telling(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| {
        let Some(n) = byte(c).and_then(sequence_len) else {
            return false;
        };
        matches!(c, 'Ã' | 'Â')
            || n > 2
            || chars
                .get(i + 1)
                .is_some_and(|next| !GENUINE_AFTER.contains(next))
    })
}

/// `text` with double-encoded UTF-8 repaired word by word; borrowed and unchanged when there
/// is none. A word mixing genuine accents with mojibake is left as it is.
pub(crate) fn repair(text: &str) -> Cow<'_, str> {
    // Every sequence starts with a character between U+00C2 and U+00F4.
    if !text.chars().any(|c| ('\u{c2}'..='\u{f4}').contains(&c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut rest = text;
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '<' || c == '>')
            .map_or(rest.len(), |at| at.max(1));
        let (word, tail) = rest.split_at(end);
        match repair_word(word) {
            Some(fixed) => {
                out.push_str(&fixed);
                changed = true;
            }
            None => out.push_str(word),
        }
        rest = tail;
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
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
            "quadrats (10\u{a0}×\u{a0}10\u{a0}cm), a site\u{a0}×\u{a0}species table",
            "Martin Mikoláš, Tomáš Vrška",
            "São Paulo",
            "plain ascii",
            "€5 – £3",
            "日本語",
        ] {
            assert!(matches!(repair(text), Cow::Borrowed(_)), "{text}");
        }
    }
}
