//! `roundup build`: the pipeline, one call per stage.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::Serialize;
use url::Url;

use crate::archive::{self, Archive, Update};
use crate::config::Config;
use crate::content;
use crate::feed;
use crate::fetch::{self, FetchSettings, Outcome, Progress, Request, Skip};
use crate::health::FeedHealth;
use crate::ingest;
use crate::output::{OutputStats, Staging};
use crate::render::{self, RenderStats, Theme};
use crate::sanitize::Sanitizer;
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
    /// "Now", for deciding what is in the future and stamping what the archive sees.
    pub now: DateTime<Utc>,
    /// Overrides the wait before retrying a transient failure (tests make it short).
    pub backoff: Option<std::time::Duration>,
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
            backoff: None,
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
    /// How each feed fared, in `feeds.toml` order.
    pub feeds: Vec<FeedHealth>,
    /// Seconds spent fetching and parsing feeds.
    pub fetch_seconds: f64,
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
pub fn run(settings: &BuildSettings, progress: &dyn Progress) -> anyhow::Result<BuildReport> {
    let started = Instant::now();
    let config = load_config(settings)?;
    let theme = Theme::load(&settings.root, &config.site.theme)?;
    let mut archive = Archive::open(&settings.root.join(&config.archive.dir))?;
    let (local, feeds) = std::thread::scope(|scope| {
        // Local posts are read while the feeds download.
        let local = scope.spawn(|| content::load(&settings.root, config.site.timezone));
        let feeds = refresh(&config, &mut archive, settings, progress);
        (local.join().expect("reading posts does not panic"), feeds)
    });
    let (local, feeds) = (local?, feeds?);
    let fetch_seconds = started.elapsed().as_secs_f64();
    let stored = archive.entries()?;
    let off_home = archive::off_home(&stored, config.fetch.new_feed_items);
    let posts = local
        .into_iter()
        .chain(stored.into_iter().map(|s| s.post))
        .collect();
    let selection = Selection {
        drafts: settings.drafts,
        future: settings.future,
        now: settings.now,
    };
    let site = site::build(&config, posts, selection, &off_home, &feeds);
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
        feeds,
        fetch_seconds,
        render,
        output,
        output_dir,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The remote half of the pipeline: fetch, parse, sanitise, archive. A feed's failure is
/// recorded in its health and never stops the build.
fn refresh(
    config: &Config,
    archive: &mut Archive,
    settings: &BuildSettings,
    progress: &dyn Progress,
) -> anyhow::Result<Vec<FeedHealth>> {
    let states = archive.states()?;
    let (requests, skipped) = if settings.offline {
        (Vec::new(), Vec::new())
    } else {
        fetch::plan(&config.feeds, &states, settings.now)
    };
    let mut notes: HashMap<String, String> = skipped
        .into_iter()
        .map(|(key, skip)| (key, skip_note(&skip)))
        .collect();
    let fetched_keys: Vec<String> = requests.iter().map(|r| r.key.clone()).collect();
    let mut new_entries = HashMap::new();
    if !requests.is_empty() {
        let mut fetch_settings = FetchSettings::new(config);
        if let Some(backoff) = settings.backoff {
            fetch_settings.backoff = backoff;
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("cannot start the HTTP runtime")?;
        let fetched = runtime.block_on(fetch::fetch_all(requests, &fetch_settings, progress));
        let sanitizer = Sanitizer::new();
        let updates: Vec<(String, Update, Option<String>)> = fetched
            .into_par_iter()
            .map(|(request, outcome)| to_update(request, outcome, &sanitizer, settings.now))
            .collect();
        let mut records = Vec::with_capacity(updates.len());
        for (key, update, note) in updates {
            if let Some(note) = note {
                notes.insert(key.clone(), note);
            }
            records.push((key, update));
        }
        new_entries = archive.record(settings.now, records)?;
    }
    let states = archive.states()?;
    let counts = archive.counts()?;
    Ok(config
        .feeds
        .iter()
        .map(|feed| {
            let key = feed.url().as_str();
            let mut health = FeedHealth::remembered(
                feed.name(),
                key,
                states.get(key),
                counts.get(key).copied().unwrap_or(0),
                notes.remove(key),
            );
            health.fetched = fetched_keys.iter().any(|k| k == key);
            health.new_entries = new_entries.get(key).copied().unwrap_or(0);
            health
        })
        .collect())
}

/// A fetch's outcome as an archive update, with a note for the summary when there is news.
fn to_update(
    request: Request,
    outcome: Outcome,
    sanitizer: &Sanitizer,
    now: DateTime<Utc>,
) -> (String, Update, Option<String>) {
    let moved = outcome.moved_to().is_some();
    let note = outcome
        .moved_to()
        .map(|to| format!("moved: {} → {to}; update feeds.toml", request.url))
        .or_else(|| {
            outcome.discovered().map(|to| {
                format!(
                    "found the feed {to} through the page {}; use it in feeds.toml",
                    request.url
                )
            })
        });
    let update = match outcome {
        Outcome::Body {
            bytes,
            content_type,
            final_url,
            etag,
            last_modified,
            ..
        } => match feed::parse(&bytes, content_type.as_deref(), &final_url) {
            Ok(parsed) => Update::Fetched {
                etag,
                last_modified,
                moved,
                final_url: final_url.to_string(),
                entries: ingest::posts(&request.key, parsed, &final_url, sanitizer),
            },
            Err(e) => Update::Failed {
                error: format!("not a readable feed: {e}"),
                retry_after: None,
            },
        },
        Outcome::NotModified { ref hops } => Update::NotModified {
            final_url: hops
                .last()
                .map_or_else(|| request.url.to_string(), |h| h.to.to_string()),
            moved,
        },
        Outcome::Gone => Update::Gone,
        Outcome::Failed { error, retry_after } => Update::Failed {
            error: error.to_string(),
            retry_after: retry_after.map(|wait| now + wait),
        },
    };
    (request.key, update, note)
}

fn skip_note(skip: &Skip) -> String {
    match skip {
        Skip::Disabled => "not fetched: enabled = false".to_string(),
        Skip::Gone => "not fetched: the feed answered 410 Gone before".to_string(),
        Skip::Waiting(until) => format!("not fetched: the server asked us to wait until {until}"),
    }
}
