//! What a build, a check or a preview server prints when it is done. The rules of what needs
//! attention live in the library (`roundup::health`); this only words them.

use roundup::cmd::build::BuildReport;
use roundup::cmd::check::CheckReport;
use roundup::cmd::serve::ServeEvent;
use roundup::health::{self, Attention, FeedHealth};

pub(crate) fn build(report: &BuildReport, offline: bool) {
    feeds(&report.feeds, report.fetch_seconds, offline);
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
        let built: usize = search.built.iter().map(|s| s.posts).sum();
        format!(
            "{} of them rebuilt ({built} posts) in {:.2}s, the others kept",
            search.built.len(),
            search.seconds
        )
    };
    println!(
        "  search index: {} posts in {} shard{}, {:.1} MB in {} files; {how}",
        search.records,
        search.shards,
        if search.shards == 1 { "" } else { "s" },
        search.bytes as f64 / 1e6,
        search.files
    );
}

/// The feeds' part of the summary: counts, then only the feeds that need someone's attention.
fn feeds(feeds: &[FeedHealth], seconds: f64, offline: bool) {
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
    for line in health::attention(feeds) {
        match line {
            Attention::One(feed) => println!(
                "  {:<8} {} <{}> {}",
                feed.status.as_str(),
                feed.name,
                feed.url,
                feed.reason()
            ),
            Attention::Many { reason, feeds } => println!(
                "  {:<8} {} feeds: {reason} (each is in health.json)",
                feeds[0].status.as_str(),
                feeds.len()
            ),
        }
    }
    if health::all_failed(feeds) {
        println!(
            "  hint: no feed could be fetched; without a network, --offline builds from the archive at once"
        );
    }
}

pub(crate) fn check(report: &CheckReport) {
    for line in &report.checked {
        println!("ok: {line}");
    }
    for line in &report.fixed {
        println!("fixed: {line}");
    }
    for warning in &report.warnings {
        println!("warning: {warning}");
    }
    for problem in &report.problems {
        eprintln!("error: {problem}");
    }
    if !report.ok() {
        eprintln!("{} problem(s) found", report.problems.len());
    }
}

pub(crate) fn serve(event: ServeEvent, open: bool) {
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
