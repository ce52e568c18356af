//! What a build, a check or a preview server prints when it is done. The rules of what needs
//! attention live in the library (`roundup::health`); this only words them.

use std::path::Path;

use roundup::cmd::build::BuildReport;
use roundup::cmd::check::CheckReport;
use roundup::cmd::serve::ServeEvent;
use roundup::export::{Counts, Imported};
use roundup::health::{self, Attention, FeedHealth};

/// "1 post", "2 posts".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub(crate) fn build(report: &BuildReport, offline: bool) {
    feeds(&report.feeds, report.fetch_seconds, offline);
    println!(
        "Built {} ({}, {} from feeds) into {} in {:.2}s",
        count(report.render.pages, "page", "pages"),
        count(report.local_posts, "local post", "local posts"),
        report.remote_posts,
        report.output_dir.display(),
        report.seconds
    );
    let held = report.held_back;
    if held.drafts + held.future > 0 {
        let mut left = Vec::new();
        if held.drafts > 0 {
            left.push(format!(
                "{} (--drafts publishes them)",
                count(held.drafts, "draft", "drafts")
            ));
        }
        if held.future > 0 {
            left.push(format!(
                "{} dated in the future (--future publishes them)",
                count(held.future, "post", "posts")
            ));
        }
        println!("  left out: {}", left.join(", "));
    }
    println!(
        "  {} written, {} unchanged, {:.1} MB",
        count(report.output.written, "file", "files"),
        report.output.unchanged,
        report.output.bytes as f64 / 1e6
    );
    let reused = report.render.reused;
    println!(
        "  pages: {} rendered, {reused} carried over from the last build (made from the same inputs); {} read from the cache",
        report.render.pages.saturating_sub(reused),
        count(report.cached_posts, "local post", "local posts"),
    );
    archive(report);
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

/// What the archive held against the last published site, and the copy published of it: a
/// lost archive must never go unseen in a log.
fn archive(report: &BuildReport) {
    let check = &report.archive;
    let mut parts = Vec::new();
    let entries = match check.published {
        Some(now) if now != check.entries => {
            parts.push(format!("{} before this build", check.entries));
            now
        }
        _ => check.entries,
    };
    for (record, recorded) in &check.compared {
        parts.push(format!(
            "the last site recorded {recorded} in {}",
            record.display()
        ));
    }
    for record in &check.missing {
        parts.push(format!(
            "no record at {}: a site not yet published",
            record.display()
        ));
    }
    if check.compared.is_empty() && check.missing.is_empty() {
        parts.push("no earlier site to compare with".to_string());
    }
    println!("  archive: {entries} entries ({})", parts.join("; "));
    if let Some(bytes) = check.copy_bytes {
        println!(
            "  archive copy: {} ({}{}), for `roundup import` to restore from",
            roundup::published::COPY,
            size(bytes),
            if check.withheld > 0 {
                format!(
                    "; full text of {} posts of excerpt-only or removed feeds left out",
                    check.withheld
                )
            } else {
                String::new()
            }
        );
    }
}

fn size(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{:.0} kB", bytes as f64 / 1e3)
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}

pub(crate) fn export(counts: &Counts, file: Option<&Path>) {
    let to = file.map_or_else(
        || "standard output".to_string(),
        |f| f.display().to_string(),
    );
    eprintln!(
        "exported {} feeds, {} archived entries and {} local posts to {to}",
        counts.feeds, counts.entries, counts.local
    );
}

pub(crate) fn import(imported: &Imported, file: &Path) {
    let restored = &imported.restored;
    println!(
        "imported {}: {} entries added ({} already there, kept as they were); {} feeds added, {} known",
        file.display(),
        restored.entries_added,
        restored.entries_kept,
        restored.feeds_added,
        restored.feeds_known
    );
    if imported.withheld > 0 {
        println!(
            "  {} entries came without their full text (a published copy leaves out what the site shows only in summary): they hold their summary",
            imported.withheld
        );
    }
    if imported.local > 0 {
        println!(
            "  {} local posts in the file were left out: they live in content/",
            imported.local
        );
    }
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
            "Fetched {} in {seconds:.1}s: {}; {}",
            count(fetched, "feed", "feeds"),
            counts.join(", "),
            count(new, "new entry", "new entries")
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
        eprintln!(
            "{} found",
            count(report.problems.len(), "problem", "problems")
        );
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
        ServeEvent::Built(report) => {
            println!(
                "Built {} in {:.2}s ({}, {} from feeds)",
                count(report.render.pages, "page", "pages"),
                report.seconds,
                count(report.local_posts, "local post", "local posts"),
                report.remote_posts
            );
            if !report.feeds.is_empty() && report.feeds.iter().all(|f| f.entries == 0) {
                println!(
                    "  no posts from feeds yet: `roundup serve --fetch` fetches them first (rebuilds use what it fetched)"
                );
            }
        }
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
