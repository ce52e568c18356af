//! Rendering: the site and a theme in, files out.
//!
//! Pages are rendered in parallel and handed to a [`Sink`] as they are made, so a site of
//! 100,000 posts never holds all its pages in memory at once.

mod feeds;
mod pages;
mod paginate;
mod search;
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
    crate::opml::write(&format!("{}: blog roll", config.site.title), &feeds)
}

/// Hands one file to the sink, naming it if that fails.
fn emit(sink: &dyn Sink, path: &str, bytes: &[u8]) -> Result<(), RenderError> {
    sink.write(path, bytes)
        .map_err(|source| RenderError::Write {
            path: path.to_string(),
            source,
        })
}

/// Compiles the theme's templates, to report their errors without building.
pub fn check_theme(theme: &Theme, config: &Config) -> Result<(), RenderError> {
    templates::load(theme, config, &Links::new(config)).map(|_| ())
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
    let links = Links::new(config);
    let tera = templates::load(theme, config, &links)?;
    let views = view::Views {
        site,
        links: &links,
    };
    let write = |path: &str, bytes: &[u8]| emit(sink, path, bytes);

    let index = search::Plan::new(site, &config.site.language, runtime)?;
    let plan = pages::Plan::new(views, config, &index.shard_dirs());
    // The index is built beside the pages rather than after them: each shard's Pagefind works
    // mostly on one thread, and the pages take what is left.
    let (html_pages, search) = rayon::join(
        || plan.render_all(&tera, sink),
        || search::write(site, index, sink, runtime),
    );
    let (html_pages, search) = (html_pages?, search?);

    let listings: Vec<&str> = plan
        .pages()
        .iter()
        .filter(|p| p.kind != pages::PageKind::NotFound)
        .map(|p| p.path.as_str())
        .collect();
    let sitemaps = sitemap::sitemaps(site, &links, &listings);
    for (path, bytes) in &sitemaps {
        write(path, bytes)?;
    }
    write("robots.txt", sitemap::robots(&links).as_bytes())?;
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
        files: html_pages + 4 + sitemaps.len() + theme.assets.len() + search.files,
        seconds: started.elapsed().as_secs_f64(),
        search,
    })
}
