//! The `roundup` command line: parse, resolve, call the library, print, map to an exit code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::Utc;
use clap::{Args, Parser, Subcommand};

use roundup::archive::Status;
use roundup::cmd::serve::{self, ServeEvent};
use roundup::cmd::{build, check, export, import_opml, init, new};
use roundup::fetch::{Outcome, Progress, Request};
use roundup::health::{self, FeedHealth};

/// glibc's allocator is slow under the millions of small, short-lived allocations of rendering
/// and indexing on many threads: mimalloc takes a third off a 10,000-post build.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// roundup rounds up weeknotes and blog posts into one static site with one combined feed.
///
/// A site is a folder holding `feeds.toml` (settings and the blog roll) and `content/`
/// (local Markdown posts). Start one with `roundup init my-site`.
#[derive(Debug, Parser)]
#[command(name = "roundup", version, about, long_about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into the output folder (default: public/).
    ///
    /// The site is written to a staging folder and swapped in at the end, so a failed build
    /// leaves the previous site whole.
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
struct RootOnly {
    #[command(flatten)]
    root: RootArg,
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// The OPML file to read.
    #[arg(value_name = "FILE")]
    file: PathBuf,
    #[command(flatten)]
    root: RootArg,
}

#[derive(Debug, Args)]
struct RootArg {
    /// The site's folder, holding feeds.toml.
    #[arg(long, short = 'r', value_name = "DIR", default_value = ".")]
    root: PathBuf,
}

#[derive(Debug, Args)]
struct BuildArgs {
    #[command(flatten)]
    root: RootArg,
    /// Where to write the site [default: <root>/public].
    #[arg(long, short = 'o', value_name = "DIR")]
    output: Option<PathBuf>,
    /// Publish at this address instead of [site] base_url, e.g. for a preview.
    #[arg(long, short = 'u', value_name = "URL")]
    base_url: Option<String>,
    /// Include posts marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Include posts dated in the future.
    #[arg(long)]
    future: bool,
    /// Do not use the network: build from content/ and the archive of feed entries.
    #[arg(long)]
    offline: bool,
    /// Exit with 1 when more than PERCENT of the fetched feeds fail (the site is still written).
    #[arg(long, value_name = "PERCENT")]
    fail_on_feed_errors: Option<f64>,
    /// Print only errors.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Print the build report as JSON on standard output instead of the summary.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    root: RootArg,
    /// The port to listen on; 0 picks a free one.
    #[arg(long, short = 'p', default_value_t = 1111)]
    port: u16,
    /// Open the site in the default web browser.
    #[arg(long)]
    open: bool,
    /// Fetch the feeds before the first build (later rebuilds never fetch).
    #[arg(long)]
    fetch: bool,
    /// Include posts marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Include posts dated in the future.
    #[arg(long)]
    future: bool,
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    root: RootArg,
    /// Fetch every enabled feed and report whether it parses, its entries and newest post,
    /// redirects, and a fix for each problem.
    #[arg(long)]
    feeds: bool,
    /// With --feeds: only the feeds added or changed in feeds.toml since this git ref.
    #[arg(long, value_name = "REF", requires = "feeds")]
    changed_since: Option<String>,
    /// Build the site aside (offline) and check that every internal link and asset resolves.
    #[arg(long)]
    links: bool,
}

#[derive(Debug, Args)]
struct NewArgs {
    /// The post's title; its file name is made from it.
    title: String,
    #[command(flatten)]
    root: RootArg,
}

#[derive(Debug, Args)]
struct InitArgs {
    /// The folder to create; it must be empty or not exist.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Build(args) => {
            let (quiet, json, limit) =
                (args.quiet || args.json, args.json, args.fail_on_feed_errors);
            let settings = build_settings(args)?;
            let report = build::run(&settings, &FetchProgress::new(quiet))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else if !quiet {
                print_build(&report, settings.offline);
            }
            if let Some(limit) = limit {
                let fetched = report.feeds.iter().filter(|f| f.fetched).count();
                let failed = report
                    .feeds
                    .iter()
                    .filter(|f| f.fetched && f.status == Status::Failed)
                    .count();
                let percent = if fetched == 0 {
                    0.0
                } else {
                    100.0 * failed as f64 / fetched as f64
                };
                if percent > limit {
                    eprintln!(
                        "error: {failed} of {fetched} feeds failed ({percent:.0}%), more than --fail-on-feed-errors {limit}%"
                    );
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        Command::Serve(args) => {
            let mut build = build::BuildSettings::new(absolute(&args.root.root)?);
            build.drafts = args.drafts;
            build.future = args.future;
            let open = args.open;
            let settings = serve::ServeSettings {
                build,
                port: args.port,
                fetch: args.fetch,
            };
            serve::run(settings, &FetchProgress::new(false), &move |event| {
                print_serve(event, open)
            })?;
        }
        Command::Check(args) => {
            let report = check::run(&check::CheckSettings {
                root: absolute(&args.root.root)?,
                feeds: args.feeds,
                changed_since: args.changed_since,
                links: args.links,
            });
            for line in &report.checked {
                println!("ok: {line}");
            }
            for warning in &report.warnings {
                println!("warning: {warning}");
            }
            for problem in &report.problems {
                eprintln!("error: {problem}");
            }
            if !report.ok() {
                eprintln!("{} problem(s) found", report.problems.len());
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::New(args) => {
            let path = new::run(&absolute(&args.root.root)?, &args.title, Utc::now())?;
            println!("{}", path.display());
        }
        Command::Export(args) => {
            let stdout = std::io::stdout();
            let count = export::run(&absolute(&args.root.root)?, &mut stdout.lock(), Utc::now())?;
            eprintln!("exported {count} posts");
        }
        Command::ImportOpml(args) => {
            let report = import_opml::run(&absolute(&args.root.root)?, &args.file)?;
            for name in &report.added {
                println!("added    {name}");
            }
            for (name, why) in &report.skipped {
                println!("skipped  {name}: {why}");
            }
            println!(
                "{} added, {} skipped",
                report.added.len(),
                report.skipped.len()
            );
        }
        Command::Init(args) => {
            let files = init::run(&args.dir, Utc::now())?;
            for file in &files {
                println!("created {}", file.display());
            }
            println!(
                "\nNext: cd {} && roundup build   (or roundup serve to preview)",
                args.dir.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Raw arguments to the settings the library runs on: paths absolute, the URL parsed.
fn build_settings(args: BuildArgs) -> anyhow::Result<build::BuildSettings> {
    let root = absolute(&args.root.root)?;
    let mut settings = build::BuildSettings::new(&root);
    if let Some(output) = &args.output {
        settings.output = absolute(output)?;
    }
    settings.base_url = args
        .base_url
        .as_deref()
        .map(roundup::config::normalise_base_url)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--base-url: {e}"))?;
    settings.drafts = args.drafts;
    settings.future = args.future;
    settings.offline = args.offline;
    Ok(settings)
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("cannot resolve {}", path.display()))
}

/// A progress bar on a terminal, a line per feed otherwise, nothing when quiet.
struct FetchProgress {
    quiet: bool,
    bar: std::sync::OnceLock<indicatif::ProgressBar>,
    done: std::sync::atomic::AtomicUsize,
    total: std::sync::atomic::AtomicUsize,
}

impl FetchProgress {
    fn new(quiet: bool) -> Self {
        FetchProgress {
            quiet,
            bar: std::sync::OnceLock::new(),
            done: 0.into(),
            total: 0.into(),
        }
    }
}

impl Progress for FetchProgress {
    fn start(&self, total: usize) {
        self.total
            .store(total, std::sync::atomic::Ordering::Relaxed);
        if self.quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            return;
        }
        let bar = indicatif::ProgressBar::new(total as u64).with_style(
            indicatif::ProgressStyle::with_template(
                "Fetching feeds {bar:30} {pos}/{len} {wide_msg}",
            )
            .expect("a valid template"),
        );
        let _ = self.bar.set(bar);
    }

    fn done(&self, request: &Request, outcome: &Outcome) {
        let what = match outcome {
            Outcome::Body { .. } => "fetched".to_string(),
            Outcome::NotModified { .. } => "not modified".to_string(),
            Outcome::Gone => "gone".to_string(),
            Outcome::Failed { error, .. } => format!("failed: {error}"),
        };
        match self.bar.get() {
            Some(bar) => {
                bar.inc(1);
                bar.set_message(request.url.host_str().unwrap_or_default().to_string());
            }
            None if !self.quiet => {
                let done = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                let total = self.total.load(std::sync::atomic::Ordering::Relaxed);
                eprintln!("[{done}/{total}] {}: {what}", request.url);
            }
            None => {}
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}

fn print_build(report: &build::BuildReport, offline: bool) {
    print_feeds(&report.feeds, report.fetch_seconds, offline);
    println!(
        "Built {} pages ({} local posts, {} from feeds) into {} in {:.2}s",
        report.render.pages,
        report.local_posts,
        report.remote_posts,
        report.output_dir.display(),
        report.seconds
    );
    println!(
        "  {} files written, {} unchanged, {:.1} MB",
        report.output.written,
        report.output.unchanged,
        report.output.bytes as f64 / 1e6
    );
    let search = &report.render.search;
    let how = if search.reused {
        "kept from the last build, as no post changed".to_string()
    } else {
        format!("built in {:.2}s", search.seconds)
    };
    println!(
        "  search index: {} posts, {:.1} MB in {} files, {how}",
        search.records,
        search.bytes as f64 / 1e6,
        search.files
    );
}

/// The feeds' part of the summary: counts, then only the feeds that need someone's attention.
fn print_feeds(feeds: &[FeedHealth], seconds: f64, offline: bool) {
    if feeds.is_empty() {
        return;
    }
    let fetched = feeds.iter().filter(|f| f.fetched).count();
    if offline || fetched == 0 {
        println!(
            "Feeds: not fetched ({} in the blog roll); built from the archive",
            feeds.len()
        );
    } else {
        let counts: Vec<String> = health::tally(feeds)
            .into_iter()
            .map(|(status, n)| format!("{n} {}", status.as_str().replace('_', " ")))
            .collect();
        let new: usize = feeds.iter().map(|f| f.new_entries).sum();
        println!(
            "Fetched {fetched} feeds in {seconds:.1}s: {}; {new} new entries",
            counts.join(", ")
        );
    }
    let attention: Vec<&FeedHealth> = feeds
        .iter()
        .filter(|f| {
            f.fetched
                && (matches!(f.status, Status::Failed | Status::Moved | Status::Gone)
                    || f.error.is_some())
        })
        .collect();
    // Many feeds failing one way (no network, say) make one line, not a hundred.
    let mut by_cause: std::collections::BTreeMap<&str, Vec<&FeedHealth>> =
        std::collections::BTreeMap::new();
    for feed in &attention {
        by_cause
            .entry(feed.error.as_deref().unwrap_or_default())
            .or_default()
            .push(feed);
    }
    for feed in &attention {
        let why = feed.error.as_deref().unwrap_or_default();
        match by_cause.get(why) {
            Some(group) if group.len() > GROUP_FROM => {
                if std::ptr::eq(group[0], *feed) {
                    println!(
                        "  {:<8} {} feeds: {why} (each is in health.json)",
                        feed.status.as_str(),
                        group.len()
                    );
                }
            }
            _ => println!(
                "  {:<8} {} <{}> {why}",
                feed.status.as_str(),
                feed.name,
                feed.url
            ),
        }
    }
    if fetched > 0
        && feeds
            .iter()
            .filter(|f| f.fetched)
            .all(|f| f.status == Status::Failed)
    {
        println!(
            "  hint: no feed could be fetched; without a network, --offline builds from the archive at once"
        );
    }
}

/// More feeds than this failing for one reason are summed up in one line.
const GROUP_FROM: usize = 5;

fn print_serve(event: ServeEvent, open: bool) {
    match event {
        ServeEvent::Listening(url) => {
            println!("Serving at {url} (Ctrl+C to stop)");
            if open {
                open_in_browser(url.as_str());
            }
        }
        ServeEvent::Built(report) => println!(
            "Built {} pages in {:.2}s ({} local posts, {} from feeds)",
            report.render.pages, report.seconds, report.local_posts, report.remote_posts
        ),
        ServeEvent::Failed(error) => {
            eprintln!("error: {error}\n(the server goes on with the last good build)")
        }
        ServeEvent::Changed(paths) => {
            let names: Vec<String> = paths
                .iter()
                .take(3)
                .map(|p| p.display().to_string())
                .collect();
            println!(
                "Changed: {}{}",
                names.join(", "),
                if paths.len() > 3 { ", ..." } else { "" }
            );
        }
    }
}

/// Best effort: the command each desktop uses to open a link.
fn open_in_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("cannot open a browser with {opener}: open {url} yourself");
    }
}
