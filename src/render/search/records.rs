//! One post as the search index takes it: its words, what a result shows, what it is filtered
//! and sorted by.

use std::collections::BTreeMap;

use super::menus::{LOCAL, OTHER_POSTS, WEEKNOTES};
use crate::digest::{Digest, Hasher};
use crate::site::{Site, SitePost, Term, TermIx};

/// The most characters of a post's text that are indexed. Longer posts are found by their
/// first 20,000 characters (about 3,500 words); this keeps the index of a site full of long
/// posts from growing without bound.
pub(super) const MAX_TEXT: usize = 20_000;

/// One post as Pagefind takes it.
#[derive(Debug)]
pub(super) struct Entry {
    pub(super) url: String,
    pub(super) text: String,
    pub(super) meta: BTreeMap<String, String>,
    pub(super) filters: BTreeMap<String, Vec<String>>,
    pub(super) sort: BTreeMap<String, String>,
}

impl Entry {
    /// The post's entry.
    pub(super) fn new(site: &Site, post: &SitePost) -> Entry {
        let (meta, filters, sort) = record(site, post);
        Entry {
            // Site-relative: Pagefind's script puts the base path it is served from in front.
            url: format!("/{}", post.path),
            text: text(post),
            meta,
            filters,
            sort,
        }
    }

    /// Everything the index takes from this entry: a different digest, a different index.
    pub(super) fn digest(&self) -> Digest {
        let mut hasher = Hasher::new();
        hasher.str(&self.url).str(&self.text);
        for map in [&self.meta, &self.sort] {
            hasher.u64(map.len() as u64);
            for (key, value) in map {
                hasher.str(key).str(value);
            }
        }
        hasher.u64(self.filters.len() as u64);
        for (key, values) in &self.filters {
            hasher.str(key).u64(values.len() as u64);
            for value in values {
                hasher.str(value);
            }
        }
        hasher.finish()
    }
}

fn text(post: &SitePost) -> String {
    let text = post.searchable_text();
    let text = if text.len() > MAX_TEXT {
        let cut = (0..=MAX_TEXT)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        &text[..cut]
    } else {
        &text
    };
    // The title is searched too: a post is found by the words of its heading.
    format!("{}. {text}", post.post.title)
}

type Record = (
    BTreeMap<String, String>,
    BTreeMap<String, Vec<String>>,
    BTreeMap<String, String>,
);

fn record(site: &Site, post: &SitePost) -> Record {
    let source = site.source_of(post);
    let organisation = source
        .and_then(|s| site.organisation_of(s))
        .map(|o| o.name.as_str());
    let mut meta = BTreeMap::from([
        ("title".to_string(), post.post.title.clone()),
        (
            "date".to_string(),
            post.post
                .published
                .with_timezone(&site.tz)
                // The day in the site's zone, which the search page writes out in its
                // language: one index serves every language.
                .format("%Y-%m-%d")
                .to_string(),
        ),
        ("datetime".to_string(), post.post.published.to_rfc3339()),
    ]);
    if let Some(source) = source {
        meta.insert("source".to_string(), source.feed.name().to_string());
    }
    // So that a result in another language than the page's is marked as such (WCAG 3.1.2).
    if let Some(language) = &post.post.language {
        meta.insert("lang".to_string(), language.clone());
    }
    let mut filters = BTreeMap::new();
    let names = |indices: &[TermIx], terms: &[Term]| -> Vec<String> {
        indices.iter().map(|&t| terms[t.0].name.clone()).collect()
    };
    filters.insert("tag".to_string(), names(&post.tags, &site.tags));
    filters.insert(
        "category".to_string(),
        names(&post.categories, &site.categories),
    );
    filters.insert(
        "source".to_string(),
        vec![source.map_or_else(|| LOCAL.to_string(), |s| s.feed.name().to_string())],
    );
    if let Some(organisation) = organisation {
        filters.insert("organisation".to_string(), vec![organisation.to_string()]);
    }
    let kind = if post.weeknote.is_some() {
        WEEKNOTES
    } else {
        OTHER_POSTS
    };
    filters.insert("type".to_string(), vec![kind.to_string()]);
    filters.retain(|_, values| !values.is_empty());
    let sort = BTreeMap::from([(
        "date".to_string(),
        post.post.published.to_utc().to_rfc3339(),
    )]);
    (meta, filters, sort)
}
