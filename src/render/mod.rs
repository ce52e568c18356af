//! Rendering: the site and a theme in, files out.
//!
//! Pages are rendered in parallel and handed to a [`Sink`] as they are made, so a site of
//! 100,000 posts never holds all its pages in memory at once.

mod charts;
mod feeds;
pub mod i18n;
mod keys;
mod media;
mod pages;
mod paginate;
mod pulse;
mod search;
mod share;
mod sitemap;
mod syndication;
mod templates;
pub mod theme;
pub mod view;

use std::time::Instant;

use rayon::prelude::*;

use crate::config::Config;
use crate::digest::Digest;
use crate::site::Site;
use i18n::Language;
pub use search::SearchStats;
pub use theme::{Theme, ThemeError};
pub use view::Links;

/// Where rendered files go. Paths are relative to the output folder and use `/`.
pub trait Sink: Sync {
    /// Stores one file.
    fn write(&self, path: &str, contents: &[u8]) -> std::io::Result<()>;

    /// Stores one file made from inputs whose digest is `key`, so that a later build made from
    /// the same inputs can [`Sink::reuse`] it instead of making it again.
    fn write_made_from(&self, path: &str, _key: Digest, contents: &[u8]) -> std::io::Result<()> {
        self.write(path, contents)
    }

    /// Carries the previous build's file at `path` over if it was made from inputs whose
    /// digest is `key`: true if it was, false if the file must be made.
    fn reuse(&self, _path: &str, _key: Digest) -> std::io::Result<bool> {
        Ok(false)
    }

    /// The previous build's file at `path`, if the sink has one: a costly part of the site
    /// records what it was made from there, to be carried over when that has not changed.
    fn previous(&self, _path: &str) -> Option<Vec<u8>> {
        None
    }

    /// Carries the previous build's file at `path` over unchanged: its size, or `None` if
    /// there is no such file.
    fn keep(&self, _path: &str) -> std::io::Result<Option<u64>> {
        Ok(None)
    }

    /// Carries every file of the previous build under the folder `dir` (ending in `/`) over
    /// unchanged: how many files and bytes, or `None` if there is no such folder.
    fn keep_folder(&self, _dir: &str) -> std::io::Result<Option<(usize, u64)>> {
        Ok(None)
    }
}

/// What went wrong rendering.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template does not compile; the message names the template, line and column.
    #[error("the theme's templates do not compile:\n{}", templates::report(.0))]
    Theme(#[source] tera::Error),
    /// A template fails while rendering a page; the message names the template, line and column.
    #[error("template error while rendering {page}:\n{message}")]
    Template {
        /// The page being rendered.
        page: String,
        /// Tera's report.
        message: String,
    },
    /// A file could not be handed to the output.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The output path.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A theme file could not be read.
    #[error(transparent)]
    Load(#[from] theme::ThemeError),
    /// The theme's interface strings are broken.
    #[error(transparent)]
    Catalogue(#[from] i18n::CatalogueError),
    /// The search index could not be built.
    #[error("cannot build the search index{}: {source}", .page.as_ref().map(|p| format!(" at {p}")).unwrap_or_default())]
    Search {
        /// The page being indexed, if it was one page that failed.
        page: Option<String>,
        /// Pagefind's report.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// What rendering made.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct RenderStats {
    /// HTML pages.
    pub pages: usize,
    /// Of them, how many were made from the same inputs as the previous build's and carried
    /// over from it rather than rendered again.
    pub reused: usize,
    /// Every file, pages included.
    pub files: usize,
    /// Seconds spent, search index included.
    pub seconds: f64,
    /// The search index.
    pub search: search::SearchStats,
}

/// `health.json`: how each feed fared, for monitoring a site from outside.
fn health_json(site: &Site) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct Health<'a> {
        feeds: Vec<&'a crate::health::FeedHealth>,
    }
    let feeds = site.sources.iter().map(|s| &s.health).collect();
    let mut json = serde_json::to_vec_pretty(&Health { feeds }).expect("health serialises");
    json.push(b'\n');
    json
}

/// The blog roll as OPML, grouped by organisation.
fn blogroll(site: &Site, config: &Config) -> Vec<u8> {
    let feeds: Vec<crate::opml::OpmlFeed> = site
        .sources
        .iter()
        .map(|s| crate::opml::OpmlFeed {
            name: s.feed.name().to_string(),
            xml_url: s.feed.url().to_string(),
            html_url: s.feed.homepage.as_ref().map(|u| u.to_string()),
            organisation: site.organisation_of(s).map(|o| o.name.clone()),
        })
        .collect();
    let title = config.site.title.get(config.languages()[0]);
    crate::opml::write(&format!("{title}: blog roll"), &feeds)
}

/// Hands one file to the sink, naming it if that fails.
fn emit(sink: &dyn Sink, path: &str, bytes: &[u8]) -> Result<(), RenderError> {
    sink.write(path, bytes)
        .map_err(|source| RenderError::Write {
            path: path.to_string(),
            source,
        })
}

/// Compiles the theme's templates and reads its interface strings in every language of the
/// site, to report their errors without building; returns what is worth a warning.
pub fn check_theme(theme: &Theme, config: &Config) -> Result<Vec<String>, RenderError> {
    let mut warnings = Vec::new();
    for language in Language::all(config, theme)? {
        templates::load(theme, config, &language, &Links::new(config))?;
        if !language.catalogue.is_own() {
            warnings.push(format!(
                "the theme has no interface strings for {:?}: its pages are in English; add i18n/{}.toml",
                language.tag(),
                language.tag().to_ascii_lowercase()
            ));
        }
    }
    Ok(warnings)
}

/// Renders every page, feed and static file of `site` into `sink`; the search index is built
/// on `runtime`.
pub fn render(
    site: &Site,
    config: &Config,
    theme: &Theme,
    sink: &dyn Sink,
    runtime: &tokio::runtime::Handle,
) -> Result<RenderStats, RenderError> {
    let started = Instant::now();
    let root = Links::new(config);
    let languages = Language::all(config, theme)?;
    let write = |path: &str, bytes: &[u8]| emit(sink, path, bytes);

    let index = search::Plan::new(site, languages[0].tag(), runtime)?;
    let shards = index.shard_dirs();
    // The index is built beside the pages rather than after them: each shard's Pagefind works
    // mostly on one thread, and the pages take what is left. It is one index for every
    // language: the posts are the same. It is built on a thread of its own, not in rayon's
    // pool: Pagefind uses that pool inside, so a pool thread waiting on the index could leave
    // the index no thread to run on.
    let (rendered, search) = std::thread::scope(|scope| {
        let search = scope.spawn(|| search::write(site, index, sink, runtime));
        let rendered = (|| -> Result<(usize, usize, Vec<sitemap::Address>), RenderError> {
            let mut pages = 0;
            let mut reused = 0;
            let mut addresses = Vec::new();
            for language in &languages {
                let tera = templates::load(theme, config, language, &root)?;
                let views = view::Views {
                    site,
                    language,
                    root: &root,
                };
                let global = keys::global(theme, config, &root, &languages, language);
                let plan = pages::Plan::new(views, config, &languages, global, &shards);
                let (made, carried) = plan.render_all(&tera, sink)?;
                pages += made;
                reused += carried;
                addresses.extend(sitemap::addresses(site, &language.links, plan.pages()));
            }
            Ok((pages, reused, addresses))
        })();
        let search = search
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (rendered, search)
    });
    let ((html_pages, reused, addresses), search) = (rendered?, search?);
    let sitemaps = sitemap::sitemaps(&addresses, &root);
    for (path, bytes) in &sitemaps {
        write(path, bytes)?;
    }
    write("robots.txt", sitemap::robots(&root).as_bytes())?;
    write("health.json", &health_json(site))?;
    write("blogroll.opml", &blogroll(site, config))?;
    // GitHub Pages would otherwise run Jekyll over the output and drop files starting with `_`.
    write(".nojekyll", b"")?;
    theme.assets.par_iter().try_for_each(|(path, asset)| {
        let bytes = asset.read().map_err(|source| RenderError::Write {
            path: path.clone(),
            source,
        })?;
        write(path, &bytes)
    })?;

    Ok(RenderStats {
        pages: html_pages,
        reused,
        files: html_pages + 4 + sitemaps.len() + theme.assets.len() + search.files,
        seconds: started.elapsed().as_secs_f64(),
        search,
    })
}
