//! The `roundup` command line: parse, resolve, call the library, print, map to an exit code.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use chrono::Utc;
use clap::{Args, Parser, Subcommand};

use roundup::cmd::{build, check, init, new};

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
    /// Check feeds.toml, every post and the theme, and report every problem at once.
    ///
    /// Exits with 1 when anything is wrong, so it can guard a pull request.
    Check(CheckArgs),
    /// Write a new post under content/, dated now.
    New(NewArgs),
    /// Start a new site in DIR: a commented feeds.toml and a first post.
    Init(InitArgs),
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
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    root: RootArg,
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
            let settings = build_settings(args)?;
            let report = build::run(&settings)?;
            print_build(&report);
        }
        Command::Check(args) => {
            let report = check::run(&check::CheckSettings {
                root: absolute(&args.root.root)?,
            });
            for line in &report.checked {
                println!("ok: {line}");
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

fn print_build(report: &build::BuildReport) {
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
}
