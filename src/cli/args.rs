//! What the user types: the commands and their flags, each defined once with its help beside
//! it, and their resolution into the settings the library runs on (paths absolute, URLs
//! parsed, defaults applied).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use chrono::Utc;
use clap::{Args, Parser, Subcommand};

use roundup::cmd::build::{BuildSettings, LOCK_TIMEOUT, MAX_LOST_POSTS};
use roundup::cmd::check::CheckSettings;
use roundup::cmd::export::ExportSettings;
use roundup::cmd::import::ImportSettings;
use roundup::cmd::serve::ServeSettings;
use roundup::export::Scope;

/// roundup rounds up weeknotes and blog posts into one static site with one combined feed.
///
/// A site is a folder holding `feeds.toml` (settings and the blog roll) and `content/`
/// (local Markdown posts). Start one with `roundup init my-site`.
#[derive(Debug, Parser)]
#[command(name = "roundup", version, about, long_about, max_term_width = 100)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build the site into the output folder (default: public/).
    ///
    /// Fetches every feed of the blog roll (those that cannot be reached are reported, and
    /// their archived posts stay), reads content/, and writes the site to a staging folder
    /// that is swapped in at the end, so a failed build leaves the previous site whole.
    Build(BuildArgs),
    /// Build the site, serve it on 127.0.0.1, and rebuild and reload open pages on every change.
    ///
    /// Watches content/, feeds.toml, themes/, templates/ and static/. Rebuilds use the feeds in
    /// the archive; --fetch fetches them first. public/ is left alone: the preview is built into
    /// .roundup/serve/.
    Serve(ServeArgs),
    /// Check feeds.toml, every post and the theme, and report every problem at once.
    ///
    /// Exits with 1 when anything is wrong, so it can guard a pull request: a pull request that
    /// adds a blog runs `roundup check --feeds --changed-since origin/main`.
    Check(CheckArgs),
    /// Write a new post under content/, dated now.
    New(NewArgs),
    /// Start a new site in DIR: a commented feeds.toml and a first post.
    Init(InitArgs),
    /// Write the archive (every post whole, with each feed's state) and the local posts as JSON
    /// Lines: a backup that `roundup import` restores, and all your data, to take elsewhere.
    ///
    /// The format is versioned and described in the README ("Export and restore"). Posts are
    /// written by feed then id; the same archive always exports to the same bytes.
    Export(ExportArgs),
    /// Restore the archive from an export, or from the copy a built site publishes at
    /// roundup/archive.jsonl.gz.
    ///
    /// Everything is imported in one transaction, or nothing: an export cut short is refused.
    /// Into an empty archive only, unless --merge. Local posts in the file are left out: they
    /// live in content/.
    Import(ImportArgs),
    /// Add the feeds of an OPML blog roll to feeds.toml, skipping those already there.
    ///
    /// The file's comments and layout are kept. Outlines that hold feeds name their organisation.
    ImportOpml(OpmlArgs),
}

#[derive(Debug, Args)]
pub(crate) struct OpmlArgs {
    /// The OPML file to read.
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) root: RootArg,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    #[command(flatten)]
    pub(crate) root: RootArg,
    /// Write to FILE instead of standard output; a name ending in .gz is compressed.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Leave out what the site does not publish in full, as the copy a build publishes does:
    /// the content and text of feeds set excerpt_only and of feeds no longer in feeds.toml,
    /// and the local posts (drafts included), which live in content/.
    #[arg(long)]
    pub(crate) public: bool,
    #[command(flatten)]
    pub(crate) lock: LockArg,
}

impl ExportArgs {
    /// The settings the export runs with.
    pub(crate) fn resolve(&self) -> anyhow::Result<ExportSettings> {
        Ok(ExportSettings {
            root: self.root.resolve()?,
            scope: if self.public {
                Scope::Public
            } else {
                Scope::Full
            },
            now: Utc::now(),
            lock_timeout: self.lock.timeout(),
        })
    }
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The export to read (plain or gzip); - reads standard input.
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// Import into an archive that already holds entries: add the feeds and entries it lacks,
    /// keeping those it has as they are. Without it, only an empty archive is restored.
    #[arg(long)]
    pub(crate) merge: bool,
    #[command(flatten)]
    pub(crate) root: RootArg,
    #[command(flatten)]
    pub(crate) lock: LockArg,
}

impl ImportArgs {
    /// The settings the import runs with.
    pub(crate) fn resolve(&self) -> anyhow::Result<ImportSettings> {
        Ok(ImportSettings {
            root: self.root.resolve()?,
            file: if self.file.as_os_str() == "-" {
                self.file.clone()
            } else {
                absolute(&self.file)?
            },
            merge: self.merge,
            lock_timeout: self.lock.timeout(),
        })
    }
}

/// How long a command waits for another build of the site: shared by every command that
/// writes the archive.
#[derive(Debug, Args)]
pub(crate) struct LockArg {
    /// Wait up to SECONDS for another build of this site to finish (only one at a time uses
    /// the archive and writes the site), then fail.
    #[arg(long, value_name = "SECONDS", default_value_t = LOCK_TIMEOUT)]
    pub(crate) lock_timeout: u64,
}

impl LockArg {
    pub(crate) fn timeout(&self) -> Duration {
        Duration::from_secs(self.lock_timeout)
    }
}

#[derive(Debug, Args)]
pub(crate) struct RootArg {
    /// The site's folder, holding feeds.toml.
    #[arg(long, short = 'r', value_name = "DIR", default_value = ".")]
    pub(crate) root: PathBuf,
}

impl RootArg {
    /// The root as an absolute path.
    pub(crate) fn resolve(&self) -> anyhow::Result<PathBuf> {
        absolute(&self.root)
    }
}

/// Which posts are published beyond the finished ones: shared by `build` and `serve`.
#[derive(Debug, Args)]
pub(crate) struct SelectionArgs {
    /// Include posts marked `draft: true`.
    #[arg(long)]
    pub(crate) drafts: bool,
    /// Include posts dated in the future.
    #[arg(long)]
    pub(crate) future: bool,
}

#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    pub(crate) root: RootArg,
    /// Where to write the site [default: <root>/public].
    #[arg(long, short = 'o', value_name = "DIR")]
    pub(crate) output: Option<PathBuf>,
    /// Publish at this address instead of [site] base_url, e.g. for a preview.
    #[arg(long, short = 'u', value_name = "URL")]
    pub(crate) base_url: Option<String>,
    #[command(flatten)]
    pub(crate) selection: SelectionArgs,
    /// Do not use the network: build from content/ and the archive of feed entries.
    #[arg(long)]
    pub(crate) offline: bool,
    /// Exit with 1 when more than PERCENT (0 to 100) of the fetched feeds fail; the site is
    /// still written.
    #[arg(long, value_name = "PERCENT", value_parser = percent)]
    pub(crate) fail_on_feed_errors: Option<f64>,
    /// Print only errors.
    #[arg(long, short = 'q')]
    pub(crate) quiet: bool,
    /// Print the build report as JSON on standard output instead of the summary.
    #[arg(long)]
    pub(crate) json: bool,
    /// The record of the site as published (its roundup/archive.json, which the Publish
    /// workflow fetches): stop, publishing nothing, if the archive holds far fewer entries
    /// than it lists. A FILE that does not exist means the site is not published yet. The
    /// record of the last site built into the output folder is always checked.
    #[arg(long, value_name = "FILE")]
    pub(crate) published_record: Option<PathBuf>,
    /// Refuse to publish when more than PERCENT of the entries the last site recorded are
    /// missing from the archive (entries never leave it, so a loss means it was lost or
    /// replaced: restore it with `roundup import`); 100 publishes whatever the archive holds.
    #[arg(long, value_name = "PERCENT", default_value_t = MAX_LOST_POSTS)]
    pub(crate) max_lost_posts: f64,
    #[command(flatten)]
    pub(crate) lock: LockArg,
}

impl BuildArgs {
    /// The settings the build runs on.
    pub(crate) fn resolve(&self) -> anyhow::Result<BuildSettings> {
        let mut settings = BuildSettings::new(self.root.resolve()?);
        if let Some(output) = &self.output {
            settings.output = absolute(output)?;
        }
        settings.base_url = self
            .base_url
            .as_deref()
            .map(roundup::config::normalise_base_url)
            .transpose()
            .map_err(|e| anyhow::anyhow!("--base-url: {e}"))?;
        settings.drafts = self.selection.drafts;
        settings.future = self.selection.future;
        settings.offline = self.offline;
        settings.published_record = self.published_record.as_deref().map(absolute).transpose()?;
        if !(0.0..=100.0).contains(&self.max_lost_posts) {
            anyhow::bail!(
                "--max-lost-posts {}: give a percentage from 0 to 100",
                self.max_lost_posts
            );
        }
        settings.max_lost_posts = self.max_lost_posts;
        settings.lock_timeout = self.lock.timeout();
        Ok(settings)
    }
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) root: RootArg,
    /// The port to listen on; 0 picks a free one.
    #[arg(long, short = 'p', default_value_t = 1111)]
    pub(crate) port: u16,
    /// Open the site in the default web browser.
    #[arg(long)]
    pub(crate) open: bool,
    /// Fetch the feeds before the first build (later rebuilds never fetch).
    #[arg(long)]
    pub(crate) fetch: bool,
    #[command(flatten)]
    pub(crate) selection: SelectionArgs,
}

impl ServeArgs {
    /// The settings the server runs on.
    pub(crate) fn resolve(&self) -> anyhow::Result<ServeSettings> {
        let mut build = BuildSettings::new(self.root.resolve()?);
        build.drafts = self.selection.drafts;
        build.future = self.selection.future;
        Ok(ServeSettings {
            build,
            port: self.port,
            fetch: self.fetch,
        })
    }
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) root: RootArg,
    /// Fetch every enabled feed and report whether it parses, its entries and newest post,
    /// redirects, and a fix for each problem.
    #[arg(long)]
    pub(crate) feeds: bool,
    /// With --feeds: only the feeds added or changed in feeds.toml since this git ref.
    #[arg(long, value_name = "REF", requires = "feeds")]
    pub(crate) changed_since: Option<String>,
    /// Build the site aside (offline) and check that every internal link and asset resolves.
    #[arg(long)]
    pub(crate) links: bool,
    /// Rewrite the url of each feed that has moved for good (as the last build or --feeds
    /// found) in feeds.toml, keeping its comments; the feed keeps its archived posts.
    #[arg(long)]
    pub(crate) fix: bool,
}

impl CheckArgs {
    /// The settings the check runs on.
    pub(crate) fn resolve(&self) -> anyhow::Result<CheckSettings> {
        let mut settings = CheckSettings::new(self.root.resolve()?);
        settings.feeds = self.feeds;
        settings.changed_since = self.changed_since.clone();
        settings.links = self.links;
        settings.fix = self.fix;
        settings.now = Utc::now();
        Ok(settings)
    }
}

#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// The post's title; its file name is made from it.
    pub(crate) title: String,
    /// The post's language, when it is not the site's first: `--lang cy`.
    #[arg(long, value_name = "TAG")]
    pub(crate) lang: Option<String>,
    #[command(flatten)]
    pub(crate) root: RootArg,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// The folder to create; it must be empty or not exist.
    #[arg(value_name = "DIR")]
    pub(crate) dir: PathBuf,
}

fn percent(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if (0.0..=100.0).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{value} is not a percentage from 0 to 100"))
    }
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))
}
