//! The search page's filter menus: every value a post is filed under, with its count, made
//! from the whole site so that they count every shard's posts at once.

use serde::Serialize;

use crate::render::i18n::Catalogue;
use crate::site::{Site, Term};

/// The filter values of a post's kind, and of the source of local posts.
pub(super) const WEEKNOTES: &str = "Weeknotes";
pub(super) const OTHER_POSTS: &str = "Other posts";
pub(super) const LOCAL: &str = "This site";

/// One filter menu of the search page: every value a post is filed under, with its count.
/// Made here, beside the records, so the two always agree; shown in the page itself, so that a
/// reader's browser need not download every filter list to draw the menus.
#[derive(Debug, Serialize)]
pub(in crate::render) struct FilterMenu {
    /// The filter's name, and the query parameter that sets it.
    name: &'static str,
    /// What the menu is called, in the page's language.
    label: String,
    /// In alphabetical order.
    options: Vec<FilterOption>,
}

/// One value of a filter menu.
#[derive(Debug, Serialize)]
struct FilterOption {
    /// As the index files it.
    value: String,
    /// As the menu shows it: the value, or for the index's fixed values its words in the
    /// page's language.
    label: String,
    /// How many posts have it.
    posts: usize,
}

/// The search page's filter menus, those with any values, in the order they are shown, in the
/// language of `strings`.
pub(in crate::render) fn filter_menus(site: &Site, strings: &Catalogue) -> Vec<FilterMenu> {
    let weeknotes = site.posts.iter().filter(|p| p.weeknote.is_some()).count();
    let local = site.posts.iter().filter(|p| p.source.is_none()).count();
    let terms = |terms: &[Term]| -> Vec<(String, usize)> {
        terms
            .iter()
            .map(|t| (t.name.clone(), t.posts.len()))
            .collect()
    };
    let menus = [
        (
            "type",
            "search.kind",
            vec![
                (WEEKNOTES.to_string(), weeknotes),
                (OTHER_POSTS.to_string(), site.posts.len() - weeknotes),
            ],
        ),
        (
            "source",
            "search.blog",
            site.sources
                .iter()
                .map(|s| (s.feed.name().to_string(), s.posts.len()))
                .chain([(LOCAL.to_string(), local)])
                .collect(),
        ),
        (
            "organisation",
            "search.organisation",
            site.organisations
                .iter()
                .map(|o| (o.name.clone(), o.posts.len()))
                .collect(),
        ),
        ("tag", "search.tag", terms(&site.tags)),
        ("category", "search.category", terms(&site.categories)),
    ];
    menus
        .into_iter()
        .map(|(name, label, mut options)| {
            options.retain(|(_, posts)| *posts > 0);
            options.sort_by_cached_key(|(value, _)| (value.to_lowercase(), value.clone()));
            FilterMenu {
                name,
                label: strings.text(label).to_string(),
                options: options
                    .into_iter()
                    .map(|(value, posts)| FilterOption {
                        label: fixed_label(&value, strings).unwrap_or(&value).to_string(),
                        value,
                        posts,
                    })
                    .collect(),
            }
        })
        .filter(|menu| !menu.options.is_empty())
        .collect()
}

/// The words for one of the index's fixed filter values.
fn fixed_label<'a>(value: &str, strings: &'a Catalogue) -> Option<&'a str> {
    let key = match value {
        WEEKNOTES => "search.weeknotes",
        OTHER_POSTS => "search.other",
        LOCAL => "search.local",
        _ => return None,
    };
    Some(strings.text(key))
}
