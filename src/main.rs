//! The `roundup` command line: parse, resolve, call the library, print, map to an exit code.

mod cli;

use std::process::ExitCode;

use anyhow::Context as _;
use chrono::Utc;
use clap::Parser;

use cli::args::{Cli, Command};
use cli::progress::{self, FetchProgress};
use cli::summary;
use roundup::cmd::{build, check, export, import, import_opml, init, new, serve};

/// glibc's allocator is slow under the millions of small, short-lived allocations of rendering
/// and indexing on many threads: mimalloc takes a third off a 10,000-post build.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    roundup::guard::quiet_panics();
    match run(cli.command) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {}", explain(&error));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes, each cause once: the library's messages already name their cause
/// ("cannot read x: No such file"), so a cause the message holds is not said again.
fn explain(error: &anyhow::Error) -> String {
    let mut text = error.to_string();
    for cause in error.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

fn run(command: Command) -> anyhow::Result<ExitCode> {
    // One runtime for the whole run: fetching, the search index and the preview server.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let handle = runtime.handle();
    match command {
        Command::Build(args) => {
            let settings = args.resolve()?;
            let quiet = args.quiet || args.json;
            let report = build::run(&settings, handle, &FetchProgress::new(quiet))?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else if !quiet {
                summary::build(&report, settings.offline);
            }
            if let Some(limit) = args.fail_on_feed_errors {
                let percent = roundup::health::failed_percent(&report.feeds);
                if percent > limit {
                    eprintln!(
                        "error: {percent:.0}% of the fetched feeds failed, more than --fail-on-feed-errors {limit}%"
                    );
                    return Ok(ExitCode::FAILURE);
                }
            }
        }
        Command::Serve(args) => {
            let settings = args.resolve()?;
            let open = args.open;
            serve::run(
                settings,
                handle,
                &FetchProgress::new(false),
                &move |event| summary::serve(event, open),
            )?;
        }
        Command::Check(args) => {
            let report = check::run(&args.resolve()?, handle);
            summary::check(&report);
            if !report.ok() {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::New(args) => {
            let path = new::run(
                &args.root.resolve()?,
                &args.title,
                args.lang.as_deref(),
                Utc::now(),
            )?;
            println!("{}", path.display());
            println!(
                "It is a draft: write it, then set `draft: false` to publish it with the next build."
            );
        }
        Command::Export(args) => {
            let settings = args.resolve()?;
            let waiting = |pid| progress::waiting(pid);
            let counts = match &args.output {
                None => {
                    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                    export::run(&settings, &mut out, &waiting)?
                }
                Some(path) => {
                    let file = std::fs::File::create(path)
                        .with_context(|| format!("cannot create {}", path.display()))?;
                    let mut out = std::io::BufWriter::new(file);
                    let counts = if path.extension().is_some_and(|e| e == "gz") {
                        let mut gzip =
                            flate2::write::GzEncoder::new(&mut out, flate2::Compression::default());
                        let counts = export::run(&settings, &mut gzip, &waiting)?;
                        gzip.finish()?;
                        counts
                    } else {
                        export::run(&settings, &mut out, &waiting)?
                    };
                    std::io::Write::flush(&mut out)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    counts
                }
            };
            summary::export(&counts, args.output.as_deref());
        }
        Command::Import(args) => {
            let settings = args.resolve()?;
            let imported = import::run(&settings, &|pid| progress::waiting(pid))?;
            summary::import(&imported, &settings.file);
        }
        Command::ImportOpml(args) => {
            let report = import_opml::run(&args.root.resolve()?, &args.file)?;
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
