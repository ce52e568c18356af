//! `roundup check`: finds every problem in a site without publishing it. With `--feeds` it
//! fetches the feeds (or, with `--changed-since`, only those a change adds or alters), which is
//! what a pull request that adds a blog runs; with `--links` it builds the site aside and checks
//! every internal link.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Utc};
use tokio::runtime::Handle;
use toml_edit::DocumentMut;

use super::build::{self, BuildSettings};
use crate::archive::{Archive, SiteLock};
use crate::config::{self, Config, FeedConfig};
use crate::content;
use crate::feed;
use crate::fetch::{FetchError, FetchSettings, Fetcher, Outcome, Request, Silent};
use crate::health::{FeedKey, Status};
use crate::linkcheck;
use crate::render::{self, Theme};
use crate::urls::url_key;

/// What `roundup check` runs with.
#[derive(Debug, Clone)]
pub struct CheckSettings {
    /// The site's root.
    pub root: PathBuf,
    /// Fetch and parse the feeds.
    pub feeds: bool,
    /// With `feeds`: only the feeds added or changed in `feeds.toml` since this git ref.
    pub changed_since: Option<String>,
    /// Build the site aside and check every internal link and asset.
    pub links: bool,
    /// Rewrite the `url` of every feed that moved for good (or was found through its blog's
    /// page) in `feeds.toml`, keeping the file's comments and layout.
    pub fix: bool,
    /// "Now", for the archive and the fetches.
    pub now: DateTime<Utc>,
}

impl CheckSettings {
    /// Settings for the site at `root`: check the files only.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        CheckSettings {
            root: root.into(),
            feeds: false,
            changed_since: None,
            links: false,
            fix: false,
            now: Utc::now(),
        }
    }
}

/// Everything `roundup check` found.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    /// What was checked and is fine.
    pub checked: Vec<String>,
    /// Worth fixing, but not failures.
    pub warnings: Vec<String>,
    /// Failures; each says where and how to fix it.
    pub problems: Vec<String>,
    /// What `--fix` changed in `feeds.toml`.
    pub fixed: Vec<String>,
}

impl CheckReport {
    /// True when nothing is wrong.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Runs every check asked for and reports all problems at once; fetches and builds run on
/// `runtime`.
pub fn run(settings: &CheckSettings, runtime: &Handle) -> CheckReport {
    let mut report = CheckReport::default();
    let config = match Config::load(&settings.root) {
        Ok(config) => {
            report.checked.push(format!(
                "{}: {} feeds",
                config::FILE_NAME,
                config.feeds.len()
            ));
            Some(config)
        }
        Err(e) => {
            report.problems.push(e.to_string());
            None
        }
    };
    // Posts can be checked without a valid config: dates then fall back to the default zone.
    let tz = config
        .as_ref()
        .map_or(chrono_tz::Europe::London, |c| c.site.timezone);
    match content::load(&settings.root, tz) {
        Ok(posts) => report.checked.push(format!("{} posts", posts.len())),
        Err(e) => report
            .problems
            .extend(e.errors.iter().map(ToString::to_string)),
    }
    let Some(config) = config else { return report };
    report.warnings.extend(config.warnings());
    report.warnings.extend(near_duplicates(&config));
    match Theme::load(&settings.root, &config.site.theme)
        .map_err(render::RenderError::from)
        .and_then(|theme| render::check_theme(&theme, &config))
    {
        Ok(warnings) => {
            report
                .checked
                .push(format!("theme {:?}", config.site.theme));
            report.warnings.extend(warnings);
        }
        Err(e) => report.problems.push(e.to_string()),
    }
    let mut moves = Vec::new();
    if settings.feeds {
        match check_feeds(&config, settings, runtime, &mut report) {
            Ok(found) => moves.extend(found),
            Err(e) => report.problems.push(e),
        }
    }
    if settings.fix {
        match recorded_moves(&config, settings) {
            Ok(found) => moves.extend(found),
            Err(e) => report.problems.push(e),
        }
        if let Err(e) = fix(&settings.root, &moves, &mut report) {
            report.problems.push(e);
        }
    }
    if report.ok()
        && let Err(e) = check_build(&settings.root, settings.links, runtime, &mut report)
    {
        report.problems.push(e);
    }
    report
}

/// A feed whose address should change in `feeds.toml`: its name, from, to.
type Move = (String, String, String);

/// Feeds whose URLs differ only in ways that lead to one feed (scheme, `www.`, the case of the
/// host, a trailing slash, WordPress's `/feed/` and `?feed=rss2`), naming both tables.
fn near_duplicates(config: &Config) -> Vec<String> {
    let mut first: BTreeMap<String, &FeedConfig> = BTreeMap::new();
    let mut warnings = Vec::new();
    for feed in &config.feeds {
        match first.get(&url_key(feed.url().as_str())) {
            Some(other) => warnings.push(format!(
                "feeds {:?} <{}> and {:?} <{}> look like one feed written two ways\n  fix: keep one of the two [[feeds]] tables",
                other.name(),
                other.url(),
                feed.name(),
                feed.url()
            )),
            None => {
                first.insert(url_key(feed.url().as_str()), feed);
            }
        }
    }
    warnings
}

/// The moves the last build recorded in the archive: feeds that answered from a new address
/// for good.
fn recorded_moves(config: &Config, settings: &CheckSettings) -> Result<Vec<Move>, String> {
    let dir = settings.root.join(&config.archive.dir);
    // Resolving keys may write: not while a build holds the archive.
    let timeout = std::time::Duration::from_secs(super::build::LOCK_TIMEOUT);
    let _lock = SiteLock::acquire(&dir, timeout, &|_| {}).map_err(|e| e.to_string())?;
    let mut archive = Archive::open(&dir).map_err(|e| e.to_string())?;
    let keys = archive.resolve(&config.feeds).map_err(|e| e.to_string())?;
    let states = archive.states().map_err(|e| e.to_string())?;
    Ok(config
        .feeds
        .iter()
        .zip(keys)
        .filter_map(|(feed, key)| {
            let state = states.get(&key)?;
            let to = state.final_url.as_deref()?;
            (state.status == Status::Moved && to != feed.url().as_str()).then(|| {
                (
                    feed.name().to_string(),
                    feed.url().to_string(),
                    to.to_string(),
                )
            })
        })
        .collect())
}

/// Rewrites the `url` of each moved feed in `feeds.toml`, keeping everything else as it is.
fn fix(root: &Path, moves: &[Move], report: &mut CheckReport) -> Result<(), String> {
    if moves.is_empty() {
        return Ok(());
    }
    let path = root.join(config::FILE_NAME);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| format!("cannot parse {}: {e}", path.display()))?;
    let Some(tables) = doc
        .get_mut("feeds")
        .and_then(|f| f.as_array_of_tables_mut())
    else {
        return Ok(());
    };
    for table in tables.iter_mut() {
        let url = table
            .get("url")
            .and_then(|u| u.as_str())
            .map(str::to_string);
        let Some((name, from, to)) = moves.iter().find(|(_, from, _)| Some(from) == url.as_ref())
        else {
            continue;
        };
        if let Some(value) = table.get_mut("url").and_then(|u| u.as_value_mut()) {
            // The string changes; the comments around it stay.
            let decor = value.decor().clone();
            *value = to.as_str().into();
            *value.decor_mut() = decor;
            report
                .fixed
                .push(format!("feed {name:?}: url {from} → {to}"));
        }
    }
    let updated = doc.to_string();
    // Never write a file that would not load.
    Config::parse(&updated, &path).map_err(|e| format!("the fix would break feeds.toml: {e}"))?;
    std::fs::write(&path, updated).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Fetches the feeds asked for and reports on each; returns the moves found.
fn check_feeds(
    config: &Config,
    settings: &CheckSettings,
    runtime: &Handle,
    report: &mut CheckReport,
) -> Result<Vec<Move>, String> {
    let feeds: Vec<&FeedConfig> = match &settings.changed_since {
        Some(reference) => {
            let changed = changed_feeds(&settings.root, reference, config)?;
            report.checked.push(format!(
                "{} feeds added or changed since {reference}",
                changed.len()
            ));
            changed
        }
        None => config.feeds.iter().filter(|f| f.enabled).collect(),
    };
    // No validators: a check must see the whole feed, not a 304.
    let requests: Vec<Request> = feeds
        .iter()
        .map(|f| Request {
            key: FeedKey(f.url().to_string()),
            url: f.url().clone(),
            etag: None,
            last_modified: None,
        })
        .collect();
    let fetcher = Fetcher::new(FetchSettings::new(config), runtime, &Silent, settings.now);
    let mut moves = Vec::new();
    for ((request, outcome), feed) in fetcher.fetch_all(requests).into_iter().zip(feeds) {
        if let Some(to) = outcome.moved_to().or(outcome.discovered()) {
            moves.push((
                feed.name().to_string(),
                request.url.to_string(),
                to.to_string(),
            ));
        }
        check_feed(feed.name(), &request, outcome, settings.fix, report);
    }
    Ok(moves)
}

/// Reports on one fetched feed. A feed that moved or is a page is a problem to fix in
/// `feeds.toml` (so that a pull request adding it fails), unless `fixing` fixes it now.
fn check_feed(
    name: &str,
    request: &Request,
    outcome: Outcome,
    fixing: bool,
    report: &mut CheckReport,
) {
    let label = format!("feed {name:?} <{}>", request.url);
    let fix = |what: String, to: &url::Url| {
        format!(
            "{what}\n  fix: put url = \"{to}\" in feeds.toml (roundup check --feeds --fix does it)"
        )
    };
    if let Some(to) = outcome.moved_to().filter(|_| !fixing) {
        report
            .problems
            .push(fix(format!("{label}: moved permanently to {to}"), to));
    }
    if let Some(to) = outcome.discovered().filter(|_| !fixing) {
        report.problems.push(fix(
            format!("{label}: this is a web page; its feed is {to}"),
            to,
        ));
    }
    match outcome {
        Outcome::Body { bytes, content_type, final_url, .. } => {
            match feed::parse(&bytes, content_type.as_deref(), &final_url) {
                Ok(parsed) if parsed.entries.is_empty() => {
                    report.warnings.push(format!("{label}: a valid feed with no entries yet"));
                }
                Ok(parsed) => {
                    let newest = parsed.entries.iter().filter_map(|e| e.published.or(e.updated)).max();
                    report.checked.push(format!(
                        "{label}: {} entries, newest {}",
                        parsed.entries.len(),
                        newest.map_or("undated".to_string(), |d| d.format("%-d %B %Y").to_string())
                    ));
                    if !parsed.repairs.is_empty() {
                        let repairs: Vec<String> = parsed.repairs.iter().map(ToString::to_string).collect();
                        report.warnings.push(format!(
                            "{label}: read with repairs: {}\n  fix: ask the blog's owners to fix their feed; roundup reads it meanwhile",
                            repairs.join("; ")
                        ));
                    }
                    let undated = parsed.entries.iter().filter(|e| e.published.is_none() && e.updated.is_none()).count();
                    if undated > 0 {
                        report.warnings.push(format!(
                            "{label}: {undated} of its entries give no date that can be read; they will be dated when first seen"
                        ));
                    }
                }
                Err(e) => report.problems.push(format!(
                    "{label}: {e}\n  fix: open the address in a browser; if it is the blog itself, use its feed's address (often ending /feed/, /rss/ or /atom.xml)"
                )),
            }
        }
        Outcome::NotModified { .. } => report.checked.push(format!("{label}: not modified")),
        Outcome::Gone => report.problems.push(format!(
            "{label}: HTTP 410 Gone: the blog has closed its feed\n  fix: remove the feed, or set enabled = false to keep its archived posts"
        )),
        Outcome::Failed { error, .. } => {
            report.problems.push(format!("{label}: {error}\n  fix: {}", fix_for(&error)));
        }
    }
}

/// What an editor can do about each kind of failure.
fn fix_for(error: &FetchError) -> &'static str {
    match error {
        FetchError::Dns => {
            "check the host name is spelled right; the blog may have moved to another address"
        }
        FetchError::Refused
        | FetchError::Connect(_)
        | FetchError::ConnectTimeout(_)
        | FetchError::Timeout(_) => {
            "the server did not answer; check the address, or try again later if the blog is usually up"
        }
        FetchError::Status(404) => {
            "there is no feed at this address: open the blog and find its feed link (often /feed/, /rss/ or /atom.xml)"
        }
        FetchError::Status(401 | 403) => {
            "the feed is not public: ask the blog's owners to open it, or leave it out"
        }
        FetchError::Status(code) if *code >= 500 => "the blog's server failed; try again later",
        FetchError::Status(_) => "open the address in a browser to see what it answers",
        FetchError::RateLimited { .. } => "the server asked us to slow down; try again later",
        FetchError::TooLarge(_) => {
            "the feed is bigger than [fetch] max_bytes: raise the limit, or use a feed of recent posts only"
        }
        FetchError::RedirectLoop(_) | FetchError::TooManyRedirects | FetchError::BadRedirect => {
            "the address redirects without end: open it in a browser and use the address it settles on"
        }
        FetchError::Body(_) | FetchError::Empty => {
            "the server sent a broken or empty answer; try again, or ask the blog's owners"
        }
        FetchError::Client(_) => "roundup could not set up HTTPS on this machine",
    }
}

/// The feeds of `config` that are new or changed since `reference`, by their URL and name.
fn changed_feeds<'a>(
    root: &Path,
    reference: &str,
    config: &'a Config,
) -> Result<Vec<&'a FeedConfig>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", &format!("{reference}:./{}", config::FILE_NAME)])
        .output()
        .map_err(|e| format!("cannot run git ({e}): --changed-since needs git and a repository"))?;
    if !output.status.success() {
        let why = String::from_utf8_lossy(&output.stderr);
        if why.contains("does not exist in") || why.contains("exists on disk, but not in") {
            // The file is new since then: every feed is new.
            return Ok(config.feeds.iter().filter(|f| f.enabled).collect());
        }
        return Err(format!(
            "git cannot read {} at {reference}: {}",
            config::FILE_NAME,
            why.trim()
        ));
    }
    let old_text = String::from_utf8_lossy(&output.stdout);
    let old = Config::parse(
        &old_text,
        Path::new(&format!("{reference}:{}", config::FILE_NAME)),
    )
    .ok();
    Ok(config
        .feeds
        .iter()
        .filter(|feed| {
            feed.enabled
                && !old.as_ref().is_some_and(|old| {
                    old.feeds
                        .iter()
                        .any(|o| o.url() == feed.url() && o.name() == feed.name() && o.enabled)
                })
        })
        .collect())
}

/// Builds the site aside, offline, so that whatever would stop `roundup build` (a template
/// that fails on a page, say) is found; with `links`, checks every internal link of it.
fn check_build(
    root: &Path,
    links: bool,
    runtime: &Handle,
    report: &mut CheckReport,
) -> Result<(), String> {
    let aside = std::env::temp_dir().join(format!("roundup-check-{}", std::process::id()));
    let mut settings = BuildSettings::new(root);
    settings.output = aside.join("site");
    settings.offline = true;
    let result = build::run(&settings, runtime, &Silent)
        .map_err(|e| e.to_string())
        .and_then(|built| {
            if !links {
                return Ok((built, None));
            }
            let config = build::load_config(&settings).map_err(|e| e.to_string())?;
            let broken = linkcheck::check(&built.output_dir, &config.site.base_url)
                .map_err(|e| format!("cannot check the links: {e}"))?;
            Ok((built, Some(broken)))
        });
    let _ = std::fs::remove_dir_all(&aside);
    let (built, broken) = result?;
    report
        .checked
        .push(format!("the site builds: {} pages", built.render.pages));
    let Some(broken) = broken else {
        return Ok(());
    };
    if broken.is_empty() {
        report.checked.push(format!(
            "links: every internal link of {} pages resolves",
            built.render.pages
        ));
    }
    for link in broken {
        report.problems.push(format!("broken link on {link}"));
    }
    Ok(())
}
