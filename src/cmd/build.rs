//! `roundup build`: the pipeline, one call per stage.

use std::path::PathBuf;
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::runtime::Handle;
use url::Url;

use crate::archive::{Archive, ArchiveError, SiteLock};
use crate::config::{Config, ConfigError};
use crate::content::{self, ContentError};
use crate::fetch::{FetchSettings, Fetcher, Progress};
use crate::health::FeedHealth;
use crate::output::{OutputError, OutputStats, Staging};
use crate::published::{self, ArchiveCheck, PublishedError};
use crate::refresh::refresh;
use crate::render::{self, RenderError, RenderStats, Theme, ThemeError};
use crate::site::{self, HeldBack, Selection};

/// What `roundup build` runs with, resolved from the command line.
#[derive(Debug, Clone)]
pub struct BuildSettings {
    /// The site's root, holding `feeds.toml`.
    pub root: PathBuf,
    /// Where the site is written.
    pub output: PathBuf,
    /// Replaces `[site] base_url`, for previews and CI.
    pub base_url: Option<Url>,
    /// Publish drafts.
    pub drafts: bool,
    /// Publish posts dated in the future.
    pub future: bool,
    /// Build from the archive without touching the network.
    pub offline: bool,
    /// "Now", for deciding what is in the future and stamping what the archive sees.
    pub now: DateTime<Utc>,
    /// Overrides the wait before retrying a transient failure (tests make it short).
    pub backoff: Option<std::time::Duration>,
    /// The record (`roundup/archive.json`) of the site as published, which CI fetches: the
    /// build stops if the archive holds far fewer entries. A file that does not exist is a site
    /// not published yet.
    pub published_record: Option<PathBuf>,
    /// How many percent of the entries the last site recorded may be missing from the archive
    /// before the build refuses to publish; 100 publishes whatever the archive holds.
    pub max_lost_posts: f64,
    /// How long to wait for another build of the site to finish.
    pub lock_timeout: std::time::Duration,
    /// Publish the copy of the archive and its record with the site (`[archive] publish`
    /// permitting); the preview server does not.
    pub archive_copy: bool,
}

/// The default of `--max-lost-posts`: entries never leave an archive, so any real loss is an
/// archive lost or replaced; the margin is for feeds joined when an old archive is upgraded.
pub const MAX_LOST_POSTS: f64 = 5.0;

/// The default of `--lock-timeout`, in seconds.
pub const LOCK_TIMEOUT: u64 = 600;

impl BuildSettings {
    /// Settings for the site at `root` with every default: output to `<root>/public`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        BuildSettings {
            output: root.join("public"),
            root,
            base_url: None,
            drafts: false,
            future: false,
            offline: false,
            now: Utc::now(),
            backoff: None,
            published_record: None,
            max_lost_posts: MAX_LOST_POSTS,
            lock_timeout: std::time::Duration::from_secs(LOCK_TIMEOUT),
            archive_copy: true,
        }
    }
}

/// What a build did, for the summary and `--json`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BuildReport {
    /// Local posts published.
    pub local_posts: usize,
    /// Remote posts published.
    pub remote_posts: usize,
    /// Local posts taken from the cache of posts already read (their file unchanged), not
    /// parsed and rendered again; drafts and future posts included.
    pub cached_posts: usize,
    /// How each feed fared, in `feeds.toml` order.
    pub feeds: Vec<FeedHealth>,
    /// Posts left out: drafts and posts dated in the future.
    pub held_back: HeldBack,
    /// Seconds spent fetching and parsing feeds.
    pub fetch_seconds: f64,
    /// What rendering made.
    pub render: RenderStats,
    /// What writing did.
    pub output: OutputStats,
    /// The archive against the last published site's record, and its published copy.
    pub archive: ArchiveCheck,
    /// Where the site is.
    pub output_dir: PathBuf,
    /// Seconds the whole build took.
    pub seconds: f64,
}

/// Why a build stopped. A feed's failure never stops one: it is in the report's health.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// `feeds.toml` is missing or wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The theme cannot be found or read.
    #[error(transparent)]
    Theme(#[from] ThemeError),
    /// The archive cannot be opened, read or written.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// Local posts are broken: every bad file is named.
    #[error(transparent)]
    Content(#[from] ContentError),
    /// A page cannot be rendered.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The site cannot be written.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The archive has lost posts the last site published, or its copy cannot be written.
    #[error(transparent)]
    Published(#[from] PublishedError),
}

/// Loads `feeds.toml`, applying a `--base-url` override.
pub fn load_config(settings: &BuildSettings) -> Result<Config, ConfigError> {
    let mut config = Config::load(&settings.root)?;
    if let Some(base_url) = &settings.base_url {
        config.site.base_url = base_url.clone();
    }
    Ok(config)
}

/// Builds the site: network requests and the search index run on `runtime`.
pub fn run(
    settings: &BuildSettings,
    runtime: &Handle,
    progress: &dyn Progress,
) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let config = load_config(settings)?;
    let theme = Theme::load(&settings.root, &config.site.theme)?;
    let dir = settings.root.join(&config.archive.dir);
    // Held until the new site is in place: a second build waits, then builds on this one's.
    let _lock = SiteLock::acquire(&dir, settings.lock_timeout, &|pid| progress.waiting(pid))?;
    let mut archive = Archive::open(&dir)?;
    let mut archive_check = published::check(
        &archive,
        &config,
        &settings.output,
        settings.published_record.as_deref(),
        settings.max_lost_posts,
    )?;
    let fetcher = (!settings.offline).then(|| {
        let mut fetch = FetchSettings::new(&config);
        fetch.backoff = settings.backoff.unwrap_or(fetch.backoff);
        Fetcher::new(fetch, runtime, progress, settings.now)
    });
    // Local posts are read while the feeds download.
    let (local, feeds) = std::thread::scope(|scope| {
        let local = scope.spawn(|| {
            let cache = crate::post_cache::PostCache::new(&dir);
            let posts = content::load_with(&settings.root, config.site.timezone, Some(&cache));
            posts.map(|posts| (posts, cache.hits()))
        });
        let feeds = refresh(&config, &mut archive, fetcher.as_ref(), settings.now);
        (local.join(), feeds)
    });
    let (local, cached_posts) = local.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    let feeds = feeds?;
    let fetch_seconds = started.elapsed().as_secs_f64();
    let selection = Selection {
        drafts: settings.drafts,
        future: settings.future,
        now: settings.now,
    };
    let history = archive.builds()?;
    let site = site::build(
        &config,
        local,
        archive.entries()?,
        &feeds,
        &history,
        selection,
    );
    let staging = Staging::new(&settings.output, &settings.root)?;
    let render = render::render(&site, &config, &theme, &staging, runtime)?;
    if settings.archive_copy {
        published::publish(&archive, &site, &config, &staging, &mut archive_check)?;
    }
    let output_dir = staging.output().to_path_buf();
    let output = staging.commit()?;
    let remote_posts = site.posts.iter().filter(|p| p.post.is_remote()).count();
    Ok(BuildReport {
        local_posts: site.posts.len() - remote_posts,
        remote_posts,
        cached_posts,
        feeds,
        held_back: site.held_back,
        fetch_seconds,
        render,
        output,
        archive: archive_check,
        output_dir,
        seconds: started.elapsed().as_secs_f64(),
    })
}
