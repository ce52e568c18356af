//! What each page is made from, as a digest, so that a page whose inputs did not change is
//! carried over from the previous build (a hard link, see [`Sink::reuse`]) instead of being
//! rendered again: the hourly build of a big archive changes a few pages, not all of them.
//!
//! A page is its template and its context, rendered by a Tera instance whose templates, global
//! context (`site`, `t`) and filters (`date`, `count`, `url`, `asset`) depend on the theme, the
//! configuration and the page's language. That part is one digest per language ([`global`]);
//! each page's context is hashed as it is filled ([`PageContext`]), value by value, exactly as
//! the template will see it. A post's card, which many listings share, is hashed once and the
//! listings hash its digest.
//!
//! Safety over speed: the global digest takes the whole configuration and the page's language
//! whole (their `Debug` forms), not only the parts known to be read today, so that a new setting a
//! filter starts to read cannot leave a stale page behind. At worst a change nobody sees makes
//! every page again.
//!
//! [`Sink::reuse`]: super::Sink::reuse

use serde::Serialize;
use tera::{Context, Value};

use super::i18n::Language;
use super::theme::Theme;
use super::view::Links;
use crate::config::Config;
use crate::digest::{Digest, Hasher};

/// Changes when the way keys are made changes, so that keys of an older way never match.
const FORMAT: &str = "roundup page keys 1";

/// What every page of `language` is made from: roundup's version and sources, every template, the whole
/// configuration (the filters read its time zone, the views its settings), the site's root
/// links, and the page's language whole (the catalogue as `t` and in the filters, the title,
/// the prefix and links), with the others' tags and addresses. Anything put in the templates'
/// global context or read by a filter must be reachable from here.
pub(super) fn global(
    theme: &Theme,
    config: &Config,
    root: &Links,
    languages: &[Language],
    language: &Language,
) -> Digest {
    let mut hasher = Hasher::new();
    hasher.str(FORMAT).str(crate::digest::BUILD);
    hasher.u64(theme.templates.len() as u64);
    for (name, source) in &theme.templates {
        hasher.str(name).str(source);
    }
    hasher
        .str(&format!("{config:?}"))
        .str(&format!("{root:?}"))
        .str(&format!("{language:?}"));
    // The others' catalogues are not here: a page shows another language only through its
    // context (the links between translations, the 404's other messages), which its own key
    // hashes. Their tags and addresses are, in case.
    hasher.u64(languages.len() as u64);
    for other in languages {
        hasher
            .str(other.tag())
            .str(&other.prefix)
            .str(&format!("{:?}", other.links));
    }
    hasher.finish()
}

/// A page's context, with a digest of everything put into it.
#[derive(Debug, Clone, Default)]
pub(super) struct PageContext {
    context: Context,
    hasher: Hasher,
    /// A value that could not be hashed: the page has no key and is always rendered.
    unkeyed: bool,
}

impl PageContext {
    /// An empty context.
    pub(super) fn new() -> PageContext {
        PageContext::default()
    }

    /// Puts `value` in the context as `key`. What is hashed is `value`'s own serialisation,
    /// not Tera's [`Value`] made of it: a Tera map is a `HashMap`, whose order changes from
    /// one run to the next (Tera sorts keys when it prints a map, so pages do not change).
    pub(super) fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.unkeyed |= !hash_json(&mut self.hasher, key, value);
        self.context
            .insert_value(key, Value::from_serializable(value));
    }

    /// Puts a value in the context whose digest ([`of_json`] of what it was made from, or
    /// digests of such) is already known: cards shared by many pages, hashed once rather than
    /// on every page.
    pub(super) fn insert_known(&mut self, key: &'static str, value: Value, digest: Option<Digest>) {
        match digest {
            Some(digest) => {
                self.hasher.str("known").str(key).digest(&digest);
            }
            None => self.unkeyed = true,
        }
        self.context.insert_value(key, value);
    }

    /// What the template sees.
    pub(super) fn context(&self) -> &Context {
        &self.context
    }

    /// The page's key: everything it is made from, given its language's [`global`] digest;
    /// `None` if some value could not be hashed.
    pub(super) fn key(&self, global: &Digest, template: &str) -> Option<Digest> {
        if self.unkeyed {
            return None;
        }
        let mut hasher = self.hasher.clone();
        hasher.str("page").digest(global).str(template);
        Some(hasher.finish())
    }
}

/// The digest of a value as JSON, for values many pages share; `None` if it cannot be hashed.
/// Never of a Tera [`Value`] (see [`PageContext::insert`]).
pub(super) fn of_json<T: Serialize + ?Sized>(value: &T) -> Option<Digest> {
    let mut hasher = Hasher::new();
    hash_json(&mut hasher, "", value).then(|| hasher.finish())
}

/// Adds `key` and `value`, serialised straight into the hasher rather than into a string:
/// false if the value cannot be serialised (not expected of Tera's values), so that it is
/// never taken for another.
fn hash_json<T: Serialize + ?Sized>(hasher: &mut Hasher, key: &str, value: &T) -> bool {
    hasher.str(key);
    let hashed = serde_json::to_writer(Writer(hasher), value).is_ok();
    // JSON ends where it ends; 0xFF is in no JSON text, so the next key stays apart even so.
    hasher.u64(u64::MAX);
    hashed
}

/// Feeds what is written into a hasher.
struct Writer<'a>(&'a mut Hasher);

impl std::io::Write for Writer<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.raw(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_follows_every_value_and_the_template() {
        let global = Digest::of(b"site");
        let mut a = PageContext::new();
        a.insert("title", "One");
        let mut b = a.clone();
        assert_eq!(a.key(&global, "list.html"), b.key(&global, "list.html"));
        assert_ne!(a.key(&global, "list.html"), a.key(&global, "post.html"));
        b.insert("pager", &3);
        assert_ne!(a.key(&global, "list.html"), b.key(&global, "list.html"));
        assert_ne!(
            a.key(&global, "list.html"),
            a.key(&Digest::of(b"other"), "list.html")
        );
        let mut c = PageContext::new();
        c.insert("title", "Two");
        assert_ne!(a.key(&global, "list.html"), c.key(&global, "list.html"));
    }

    #[test]
    fn keys_and_values_do_not_run_together() {
        let global = Digest::of(b"site");
        let mut a = PageContext::new();
        a.insert("a", "bc");
        let mut b = PageContext::new();
        b.insert("ab", "c");
        assert_ne!(a.key(&global, "x.html"), b.key(&global, "x.html"));
    }
}
