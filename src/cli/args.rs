//! What the user types: the commands and their flags, each defined once with its help beside
//! it, and their resolution into the settings the library runs on (paths absolute, URLs
//! parsed, defaults applied).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use chrono::Utc;
use clap::{Args, Parser, Subcommand};

use roundup::cmd::build::BuildSettings;
use roundup::cmd::check::CheckSettings;
use roundup::cmd::serve::ServeSettings;

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
    /// Print every post, local and archived, as JSON Lines: all your data, to take elsewhere.
    Export(RootOnly),
    /// Add the feeds of an OPML blog roll to feeds.toml, skipping those already there.
    ///
    /// The file's comments and layout are kept. Outlines that hold feeds name their organisation.
    ImportOpml(ImportArgs),
}

#[derive(Debug, Args)]
pub(crate) struct RootOnly {
    #[command(flatten)]
    pub(crate) root: RootArg,
}

#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The OPML file to read.
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) root: RootArg,
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
