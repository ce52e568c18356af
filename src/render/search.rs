//! The search index: Pagefind, as a library, writing a chunked index that a browser fetches a
//! piece at a time, so search stays light for a reader even across 100,000 posts.

use std::collections::BTreeMap;
use std::time::Instant;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use serde::Serialize;

use super::{RenderError, Sink, emit};
use crate::site::{Site, SitePost};

/// The folder of the index and its scripts in the output.
pub(super) const DIR: &str = "pagefind/";

/// The most characters of a post's text that are indexed. Longer posts are found by their
/// first 20,000 characters (about 3,500 words); this keeps the index of a site full of long
/// posts from growing without bound.
const MAX_TEXT: usize = 20_000;

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
}

/// Indexes every post and writes the index into `pagefind/`.
pub(super) fn write(
    site: &Site,
    language: &str,
    sink: &dyn Sink,
) -> Result<SearchStats, RenderError> {
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| RenderError::Search(e.to_string()))?;
    // Pagefind's languages are ISO 639-1: "en-GB" is English.
    let language = language
        .split(['-', '_'])
        .next()
        .unwrap_or("en")
        .to_ascii_lowercase();
    let files = runtime.block_on(async {
        let config = PagefindServiceConfig::builder()
            .force_language(language.clone())
            .keep_index_url(false)
            .build();
        let mut index =
            PagefindIndex::new(Some(config)).map_err(|e| RenderError::Search(e.to_string()))?;
        // Each blog's organisation as the site spells it.
        let organisations: Vec<Option<&str>> = (0..site.sources.len())
            .map(|s| {
                site.organisations
                    .iter()
                    .find(|o| o.sources.contains(&s))
                    .map(|o| o.name.as_str())
            })
            .collect();
        for post in &site.posts {
            let organisation = post.source.and_then(|s| organisations[s]);
            let (meta, filters, sort) = record(site, post, organisation);
            index
                // Site-relative: Pagefind's script puts the base path it is served from in front.
                .add_custom_record(
                    format!("/{}", post.path),
                    text(post),
                    language.clone(),
                    Some(meta),
                    Some(filters),
                    Some(sort),
                )
                .await
                .map_err(|e| RenderError::Search(format!("{}: {e}", post.path)))?;
        }
        index
            .get_files()
            .await
            .map_err(|e| RenderError::Search(e.to_string()))
    })?;
    let mut stats = SearchStats {
        records: site.posts.len(),
        ..SearchStats::default()
    };
    for file in files {
        let path = format!(
            "{DIR}{}",
            file.filename.to_string_lossy().replace('\\', "/")
        );
        emit(sink, &path, &file.contents)?;
        stats.files += 1;
        stats.bytes += file.contents.len() as u64;
    }
    stats.seconds = started.elapsed().as_secs_f64();
    Ok(stats)
}

fn text(post: &SitePost) -> String {
    let text = &post.post.text;
    let text = if text.len() > MAX_TEXT {
        let cut = (0..=MAX_TEXT)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        &text[..cut]
    } else {
        text.as_str()
    };
    // The title is searched too: a post is found by the words of its heading.
    format!("{}. {text}", post.post.title)
}

type Record = (
    BTreeMap<String, String>,
    BTreeMap<String, Vec<String>>,
    BTreeMap<String, String>,
);

fn record(site: &Site, post: &SitePost, organisation: Option<&str>) -> Record {
    let source = post.source.map(|s| &site.sources[s]);
    let mut meta = BTreeMap::from([
        ("title".to_string(), post.post.title.clone()),
        (
            "date".to_string(),
            post.post
                .published
                .with_timezone(&site.tz)
                .format("%-d %B %Y")
                .to_string(),
        ),
        ("datetime".to_string(), post.post.published.to_rfc3339()),
    ]);
    if let Some(source) = source {
        meta.insert("source".to_string(), source.feed.name().to_string());
    }
    let mut filters = BTreeMap::new();
    let names = |indices: &[usize], terms: &[crate::site::Term]| -> Vec<String> {
        indices.iter().map(|&t| terms[t].name.clone()).collect()
    };
    filters.insert("tag".to_string(), names(&post.tags, &site.tags));
    filters.insert(
        "category".to_string(),
        names(&post.categories, &site.categories),
    );
    filters.insert(
        "source".to_string(),
        vec![source.map_or_else(|| "This site".to_string(), |s| s.feed.name().to_string())],
    );
    if let Some(organisation) = organisation {
        filters.insert("organisation".to_string(), vec![organisation.to_string()]);
    }
    let kind = if post.weeknote.is_some() {
        "Weeknotes"
    } else {
        "Other posts"
    };
    filters.insert("type".to_string(), vec![kind.to_string()]);
    filters.retain(|_, values| !values.is_empty());
    let sort = BTreeMap::from([(
        "date".to_string(),
        post.post.published.to_utc().to_rfc3339(),
    )]);
    (meta, filters, sort)
}
