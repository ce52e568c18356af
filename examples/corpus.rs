//! Reads every feed under a folder with roundup's parser and sanitiser, and prints one JSON
//! line per file: what was read (every entry's title, link and date), or why not. `tests/corpus.py` compares the lines with
//! feedparser's reading of the same files; `.ci/run` runs both over `../shared/corpus/feeds`.
//!
//!   cargo run --release --example corpus -- ../shared/corpus/feeds | python3 tests/corpus.py
//!
//! Exits non-zero if the parser panics on a file or unsafe markup survives the sanitiser.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use roundup::feed::parse;
use roundup::sanitize::Sanitizer;
use serde_json::json;
use url::Url;

const FEED_EXTENSIONS: &[&str] = &["xml", "rss", "rdf", "atom", "json", "feed"];

fn main() {
    let root = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/corpus/feeds".into());
    let sanitizer = Sanitizer::new();
    let mut failures = 0;
    let mut files: Vec<_> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_file()
                && e.path()
                    .extension()
                    .is_some_and(|x| FEED_EXTENSIONS.contains(&x.to_string_lossy().as_ref()))
        })
        .map(|e| e.into_path())
        .collect();
    files.sort();
    for path in &files {
        let name = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        let line = match catch_unwind(AssertUnwindSafe(|| read(path, &name, &sanitizer))) {
            Ok(line) => line,
            Err(_) => {
                failures += 1;
                json!({ "file": name, "panic": true })
            }
        };
        if line["unsafe"].as_array().is_some_and(|u| !u.is_empty()) {
            failures += 1;
        }
        println!("{line}");
    }
    if failures > 0 {
        eprintln!(
            "{failures} of {} files panicked or kept unsafe markup",
            files.len()
        );
        std::process::exit(1);
    }
}

fn read(path: &Path, name: &str, sanitizer: &Sanitizer) -> serde_json::Value {
    let bytes = std::fs::read(path).expect("a corpus file reads");
    let url = Url::parse(&format!("https://corpus.example/{name}")).expect("a URL");
    let feed = match parse(&bytes, None, &url) {
        Ok(feed) => feed,
        Err(e) => return json!({ "file": name, "error": e.to_string() }),
    };
    let mut unsafe_markup = Vec::new();
    for entry in &feed.entries {
        let base = entry.base.as_deref().and_then(|b| Url::parse(b).ok());
        for html in [&entry.content, &entry.summary].into_iter().flatten() {
            let clean = sanitizer
                .clean(html, base.as_ref().or(Some(&url)))
                .to_lowercase();
            // Text is escaped on the way out, so these can only be markup.
            for bad in [
                "<script",
                "<iframe",
                "<object",
                "<embed",
                "<style",
                "=\"javascript:",
            ] {
                if clean.contains(bad) {
                    unsafe_markup.push(bad);
                }
            }
            if has_event_handler(&clean) {
                unsafe_markup.push("on…=");
            }
        }
    }
    json!({
        "file": name,
        "entries": feed.entries.len(),
        "title": feed.title,
        "homepage": feed.homepage,
        "repairs": feed.repairs.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "items": feed.entries.iter().map(|e| {
            let date = e.published.or(e.updated);
            json!({
                "title": e.title,
                "link": e.link,
                "date": date.map(|d| d.timestamp()),
                "date_text": date.map(|d| d.to_rfc3339()),
            })
        }).collect::<Vec<_>>(),
        "unsafe": unsafe_markup,
    })
}

/// Whether a tag in `html` carries an `on…=` attribute.
fn has_event_handler(html: &str) -> bool {
    html.split('<').skip(1).any(|tag| {
        let tag = tag.split('>').next().unwrap_or_default();
        tag.split_whitespace()
            .skip(1)
            .any(|attr| attr.starts_with("on") && attr.contains('='))
    })
}
