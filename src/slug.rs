//! The one place path segments are made.
//!
//! Every folder name the site writes (posts, tags, sources, organisations) comes from
//! [`slugify`], so a segment can never hold `..`, a separator or a control character, and two
//! things with one name are told apart by [`Slugs`].

use std::collections::{HashMap, HashSet};

/// The longest slug, in bytes; long titles make unwieldy addresses and some file systems cap
/// names at 255 bytes.
const MAX_LEN: usize = 80;

/// Turns any text into a lowercase ASCII path segment of letters, digits and single hyphens.
///
/// Non-Latin text is transliterated; text with no letters or digits at all gives `"untitled"`.
pub fn slugify(text: &str) -> String {
    let mut slug = slug::slugify(text);
    if slug.len() > MAX_LEN {
        let cut = slug[..MAX_LEN].rfind('-').unwrap_or(MAX_LEN);
        slug.truncate(cut);
    }
    if slug.is_empty() {
        slug.push_str("untitled");
    }
    slug
}

/// The key two spellings of one term share: case-folded, with runs of spaces made one.
///
/// "User Research", "user  research" and " user research " are one term.
pub fn term_key(term: &str) -> String {
    term.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Hands out slugs that are unique within one folder.
#[derive(Debug, Default)]
pub struct Slugs {
    taken: HashSet<String>,
    /// For each base claimed twice, the number to try next: every lower one is taken (nothing
    /// is ever given back), so a thousand posts or headings of one title cost a thousand
    /// tries, not half a million.
    next: HashMap<String, usize>,
}

impl Slugs {
    /// An allocator with nothing taken.
    pub fn new() -> Self {
        Slugs::default()
    }

    /// Marks `slug` as taken; false if it already was.
    pub fn reserve(&mut self, slug: &str) -> bool {
        self.taken.insert(slug.to_string())
    }

    /// Returns `base` if it is free, else `base-2`, `base-3`, ..., and takes it.
    pub fn claim(&mut self, base: &str) -> String {
        if self.reserve(base) {
            return base.to_string();
        }
        let n = self.next.entry(base.to_string()).or_insert(2);
        loop {
            let candidate = format!("{base}-{n}");
            *n += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_take_the_lowest_free_number_however_many_share_a_base() {
        let mut slugs = Slugs::new();
        assert!(slugs.reserve("a-3"));
        let got: Vec<String> = (0..5).map(|_| slugs.claim("a")).collect();
        assert_eq!(got, ["a", "a-2", "a-4", "a-5", "a-6"]);
        assert!(slugs.reserve("b-2"));
        assert_eq!(slugs.claim("b"), "b");
        assert_eq!(slugs.claim("b"), "b-3");
    }

    #[test]
    fn slugs_are_safe_path_segments() {
        for hostile in [
            "../../etc/passwd",
            "a/b\\c",
            "\u{0}\u{7}bell",
            "..",
            "  ",
            "CON",
            "日本語",
        ] {
            let slug = slugify(hostile);
            assert!(!slug.is_empty(), "{hostile:?}");
            assert!(!slug.contains(".."), "{hostile:?} -> {slug}");
            assert!(
                slug.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{hostile:?} -> {slug}"
            );
        }
        assert_eq!(slugify("Weeknotes #12: Sprint 3"), "weeknotes-12-sprint-3");
        assert_eq!(slugify("!!!"), "untitled");
    }

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let slug = slugify(&"word ".repeat(40));
        assert!(slug.len() <= MAX_LEN);
        assert!(slug.ends_with("word"));
    }

    #[test]
    fn claims_are_unique() {
        let mut slugs = Slugs::new();
        assert_eq!(slugs.claim("a"), "a");
        assert_eq!(slugs.claim("a"), "a-2");
        assert!(slugs.reserve("a-3"));
        assert_eq!(slugs.claim("a"), "a-4");
    }

    #[test]
    fn terms_compare_without_case_or_extra_spaces() {
        assert_eq!(term_key(" User  Research "), term_key("user research"));
        assert_ne!(term_key("user-research"), term_key("user research"));
    }
}
