//! The search index: Pagefind, as a library, writing a chunked index that a browser fetches a
//! piece at a time, so search stays light for a reader even across 100,000 posts.

use std::collections::BTreeMap;
use std::time::Instant;

use pagefind::api::{PagefindIndex, SyntheticFile};
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tokio::runtime::Handle;

use super::i18n::Catalogue;
use super::{RenderError, Sink, emit};
use crate::site::{Site, SitePost, Term, TermIx};

/// The folder of the index and its scripts in the output.
pub(super) const DIR: &str = "pagefind/";

/// The most characters of a post's text that are indexed. Longer posts are found by their
/// first 20,000 characters (about 3,500 words); this keeps the index of a site full of long
/// posts from growing without bound.
const MAX_TEXT: usize = 20_000;

/// The filter values of a post's kind, and of the source of local posts.
const WEEKNOTES: &str = "Weeknotes";
const OTHER_POSTS: &str = "Other posts";
const LOCAL: &str = "This site";

/// One filter menu of the search page: every value a post is filed under, with its count.
/// Made here, beside the records, so the two always agree; shown in the page itself, so that a
/// reader's browser need not download every filter list to draw the menus.
#[derive(Debug, Serialize)]
pub(super) struct FilterMenu {
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
pub(super) fn filter_menus(site: &Site, strings: &Catalogue) -> Vec<FilterMenu> {
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

/// What building the index took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct SearchStats {
    /// Posts indexed.
    pub records: usize,
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Seconds taken.
    pub seconds: f64,
    /// Whether the previous build's index was kept, its posts being the same.
    pub reused: bool,
}

/// Remembers which posts the index in `pagefind/` was built from, and its files, so that a
/// build whose posts have not changed carries the index over instead of building it again.
const MANIFEST: &str = "pagefind/roundup-index.json";

/// What [`MANIFEST`] holds.
#[derive(Debug, Serialize, serde::Deserialize)]
struct Manifest {
    /// A digest of everything indexed, and of the roundup that indexed it.
    key: String,
    /// The index's files, as paths in the output.
    files: Vec<String>,
}

/// One post as Pagefind takes it.
#[derive(Debug, Serialize)]
struct Entry {
    url: String,
    text: String,
    meta: BTreeMap<String, String>,
    filters: BTreeMap<String, Vec<String>>,
    sort: BTreeMap<String, String>,
}

/// Indexes every post and writes the index into `pagefind/`, or carries the previous build's
/// index over when every entry is the same.
pub(super) fn write(
    site: &Site,
    language: &str,
    sink: &dyn Sink,
    runtime: &Handle,
) -> Result<SearchStats, RenderError> {
    let started = Instant::now();
    // Pagefind's languages are ISO 639-1: "en-GB" is English.
    let language = language
        .split(['-', '_'])
        .next()
        .unwrap_or("en")
        .to_ascii_lowercase();
    let entries = Entries::new(site);
    let key = entries.key(&language);
    let mut stats = SearchStats {
        records: site.posts.len(),
        ..SearchStats::default()
    };
    if let Some((files, bytes)) = carry_over(sink, &key)? {
        stats.files = files;
        stats.bytes = bytes;
        stats.reused = true;
    } else {
        let mut manifest = Manifest {
            key,
            files: Vec::new(),
        };
        for file in index(&language, entries.all(), runtime)? {
            let path = format!(
                "{DIR}{}",
                file.filename.to_string_lossy().replace('\\', "/")
            );
            emit(sink, &path, &file.contents)?;
            stats.files += 1;
            stats.bytes += file.contents.len() as u64;
            manifest.files.push(path);
        }
        // Pagefind hands its files over in no fixed order.
        manifest.files.sort_unstable();
        let json = serde_json::to_vec(&manifest).expect("a manifest serialises");
        emit(sink, MANIFEST, &json)?;
    }
    stats.seconds = started.elapsed().as_secs_f64();
    Ok(stats)
}

/// Makes each post's entry for Pagefind. The key is made from one entry at a time, so a build
/// that keeps its index never holds them all; a build that does not makes them twice.
struct Entries<'a> {
    site: &'a Site,
}

impl<'a> Entries<'a> {
    fn new(site: &'a Site) -> Self {
        Entries { site }
    }

    fn entry(&self, post: &SitePost) -> Entry {
        let (meta, filters, sort) = record(self.site, post);
        Entry {
            // Site-relative: Pagefind's script puts the base path it is served from in front.
            url: format!("/{}", post.path),
            text: text(post),
            meta,
            filters,
            sort,
        }
    }

    /// Every post's entry, in the site's order.
    fn all(&self) -> Vec<Entry> {
        self.site.posts.par_iter().map(|p| self.entry(p)).collect()
    }

    /// What the index is made from: a different key means a different index.
    fn key(&self, language: &str) -> String {
        let digests: Vec<[u8; 32]> = self
            .site
            .posts
            .par_iter()
            .map(|post| {
                let json = serde_json::to_vec(&self.entry(post)).expect("an entry serialises");
                Sha256::digest(&json).into()
            })
            .collect();
        let mut hasher = Sha256::new();
        hasher.update(env!("CARGO_PKG_VERSION"));
        hasher.update([0]);
        hasher.update(language);
        hasher.update([0]);
        for digest in digests {
            hasher.update(digest);
        }
        format!("{:x}", hasher.finalize())
    }
}

/// Keeps the previous build's index if it was made from the same entries: how many files and
/// bytes it has, or `None` when it must be built.
fn carry_over(sink: &dyn Sink, key: &str) -> Result<Option<(usize, u64)>, RenderError> {
    let Some(manifest) = sink
        .previous(MANIFEST)
        .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
        .filter(|m| m.key == key)
    else {
        return Ok(None);
    };
    let keep = |path: &str| {
        sink.keep(path).map_err(|source| RenderError::Write {
            path: path.to_string(),
            source,
        })
    };
    let mut bytes = 0;
    for path in &manifest.files {
        match keep(path)? {
            Some(size) => bytes += size,
            // A file has gone missing: build the index afresh over what was kept.
            None => return Ok(None),
        }
    }
    keep(MANIFEST)?;
    Ok(Some((manifest.files.len(), bytes)))
}

/// Builds the index with Pagefind.
fn index(
    language: &str,
    entries: Vec<Entry>,
    runtime: &Handle,
) -> Result<Vec<SyntheticFile>, RenderError> {
    runtime.block_on(async {
        let config = PagefindServiceConfig::builder()
            .force_language(language.to_string())
            .keep_index_url(false)
            .build();
        let mut index = PagefindIndex::new(Some(config)).map_err(|e| search_error(None, e))?;
        for entry in entries {
            let url = entry.url;
            index
                .add_custom_record(
                    url.clone(),
                    entry.text,
                    language.to_string(),
                    Some(entry.meta),
                    Some(entry.filters),
                    Some(entry.sort),
                )
                .await
                .map_err(|e| search_error(Some(url), e))?;
        }
        index.get_files().await.map_err(|e| search_error(None, e))
    })
}

fn search_error(page: Option<String>, error: anyhow::Error) -> RenderError {
    RenderError::Search {
        page,
        source: error.into(),
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
