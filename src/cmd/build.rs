//! `roundup build`: the pipeline, one call per stage.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use url::Url;

use crate::config::Config;
use crate::content;
use crate::output::{OutputStats, Staging};
use crate::render::{self, RenderStats, Theme};
use crate::site::{self, Selection};

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
    /// "Now", for deciding what is in the future.
    pub now: DateTime<Utc>,
}

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
        }
    }
}

/// What a build did, for the summary.
#[derive(Debug, Clone, Default)]
pub struct BuildReport {
    /// Local posts published.
    pub local_posts: usize,
    /// Remote posts published.
    pub remote_posts: usize,
    /// What rendering made.
    pub render: RenderStats,
    /// What writing did.
    pub output: OutputStats,
    /// Where the site is.
    pub output_dir: PathBuf,
    /// Seconds the whole build took.
    pub seconds: f64,
}

/// Loads `feeds.toml`, applying a `--base-url` override.
pub fn load_config(settings: &BuildSettings) -> anyhow::Result<Config> {
    let mut config = Config::load(&settings.root)?;
    if let Some(base_url) = &settings.base_url {
        config.site.base_url = base_url.clone();
    }
    Ok(config)
}

/// Builds the site.
pub fn run(settings: &BuildSettings) -> anyhow::Result<BuildReport> {
    let started = Instant::now();
    let config = load_config(settings)?;
    let theme = Theme::load(&settings.root, &config.site.theme)?;
    let posts = content::load(&settings.root, config.site.timezone)?;
    let selection = Selection {
        drafts: settings.drafts,
        future: settings.future,
        now: settings.now,
    };
    let site = site::build(&config, posts, selection, &HashSet::new());
    let staging = Staging::new(&settings.output, &settings.root)?;
    let render = render::render(&site, &config, &theme, &staging)?;
    let output_dir = staging.output().to_path_buf();
    let output = staging
        .commit()
        .with_context(|| format!("cannot finish writing {}", output_dir.display()))?;
    let remote_posts = site.posts.iter().filter(|p| p.post.is_remote()).count();
    Ok(BuildReport {
        local_posts: site.posts.len() - remote_posts,
        remote_posts,
        render,
        output,
        output_dir,
        seconds: started.elapsed().as_secs_f64(),
    })
}
