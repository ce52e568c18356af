//! The search index: Pagefind, as a library, in shards by publication time.
//!
//! Each shard is a Pagefind index of its own, in a folder named after a digest of everything it
//! was made from, so a shard whose posts did not change is carried over from the previous site
//! untouched, and only the shards that changed are built: in parallel, at most one per core, each
//! handing its files over as soon as it is done, so memory follows the shard and not the site.
//! A small, empty index at `pagefind/` holds Pagefind's script; the search page merges every
//! shard into it (Pagefind's `mergeIndex`) and searches them as one.

mod indexer;
mod menus;
mod records;
mod shards;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tokio::runtime::Handle;

use super::{RenderError, Sink, emit};
use crate::digest::{Digest, Hasher};
use crate::site::Site;
use indexer::Part;
pub(super) use menus::filter_menus;
use records::{Entry, MAX_TEXT};

/// The folder of the index and its scripts in the output.
pub(super) const DIR: &str = "pagefind/";

/// Remembers which shards the index in `pagefind/` has, so a build can tell which it can keep.
const MANIFEST: &str = "pagefind/roundup-index.json";

/// The word of [`placeholder`].
const PLACEHOLDER: &str = "\u{01c2}";

/// Changes whenever the way shards are made changes, so that no shard of an older roundup is
/// kept by mistake.
const FORMAT: &str = "roundup search shards 2";

/// What building the index took.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchStats {
    /// Posts indexed.
    pub records: usize,
    /// Files in the index.
    pub files: usize,
    /// Bytes in the index.
    pub bytes: u64,
    /// Seconds taken.
    pub seconds: f64,
    /// Whether every shard was kept from the previous build, its posts being the same.
    pub reused: bool,
    /// Shards in the index.
    pub shards: usize,
    /// The shards built in this build; the others were kept.
    pub built: Vec<ShardStats>,
}

/// One shard built.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ShardStats {
    /// Posts in it.
    pub posts: usize,
    /// Seconds Pagefind took over it.
    pub seconds: f64,
    /// Bytes written.
    pub bytes: u64,
}

/// What [`MANIFEST`] holds.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    /// Newest first.
    shards: Vec<ShardRecord>,
}

/// One shard as the manifest remembers it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ShardRecord {
    /// Its folder in the output.
    dir: String,
    /// Its posts.
    posts: usize,
    /// Its files, to tell a whole shard from one that lost some.
    files: usize,
}

/// The index to be: its shards and what each is made from, decided before anything is built so
/// the search page can name the shards while they are being built.
pub(super) struct Plan {
    language: String,
    /// The empty index at `pagefind/` and Pagefind's script, made afresh by every build: it
    /// takes a few milliseconds.
    primary: Vec<(String, Vec<u8>)>,
    /// Newest first.
    shards: Vec<Shard>,
}

/// One shard to be.
struct Shard {
    /// Its posts, as places in [`Site::posts`] (newest first).
    posts: Range<usize>,
    /// A digest of every entry and of the index format: its name.
    key: Digest,
}

impl Shard {
    /// Its folder in the output.
    fn dir(&self) -> String {
        format!("{DIR}shard-{}/", &self.key.hex()[..16])
    }
}

impl Plan {
    /// Lays the site's posts out in shards and works out what each is made from.
    pub(super) fn new(site: &Site, language: &str, runtime: &Handle) -> Result<Plan, RenderError> {
        // Pagefind's languages are ISO 639-1: "en-GB" is English.
        let language = language
            .split(['-', '_'])
            .next()
            .unwrap_or("en")
            .to_ascii_lowercase();
        let primary = indexer::index(&language, vec![placeholder(false)], runtime)?;
        // Pagefind's own version is not public: its script stands in for it.
        let script = primary
            .iter()
            .find(|(name, _)| name == "pagefind.js")
            .map(|(_, bytes)| Digest::of(bytes))
            .unwrap_or_default();
        let digests: Vec<Digest> = site
            .posts
            .par_iter()
            .map(|post| Entry::new(site, post).digest())
            .collect();
        let n = site.posts.len();
        let shards = shards::layout(n)
            .into_iter()
            .rev()
            .map(|oldest_first| {
                let posts = n - oldest_first.end..n - oldest_first.start;
                let mut hasher = Hasher::new();
                hasher
                    .str(FORMAT)
                    .str(env!("CARGO_PKG_VERSION"))
                    .digest(&script)
                    .str(&language)
                    .u64(MAX_TEXT as u64);
                for digest in &digests[posts.clone()] {
                    hasher.digest(digest);
                }
                Shard {
                    posts,
                    key: hasher.finish(),
                }
            })
            .collect();
        Ok(Plan {
            language,
            primary,
            shards,
        })
    }

    /// The folders of the shards, newest first: the search page merges them in this order.
    pub(super) fn shard_dirs(&self) -> Vec<String> {
        self.shards.iter().map(Shard::dir).collect()
    }
}

/// A record that no search finds: its one word is a letter no one types (U+01C2, a click
/// consonant; a search term must begin with it to match), and it has no filters.
///
/// It is the one record of the index at `pagefind/`, which holds Pagefind's script and
/// WebAssembly for every shard: Pagefind needs an index there to start, and an index needs a
/// word. And every shard has one, dated before everything, for the sake of sorting by date
/// across shards: Pagefind scores a sorted result by its place in its shard's order, and the
/// search page weighs each shard so that a newer shard's places all outscore an older one's
/// (`indexWeight`, a power of two per shard). Place 0 would score 0 whatever the weight; this
/// record takes it.
fn placeholder(dated: bool) -> Entry {
    Entry {
        url: "/".to_string(),
        text: PLACEHOLDER.to_string(),
        meta: Default::default(),
        filters: Default::default(),
        sort: if dated {
            [("date".to_string(), String::new())].into()
        } else {
            Default::default()
        },
    }
}

/// Writes the index into `pagefind/`: keeps every shard the previous build has with the same
/// posts, and builds the others, in parallel.
pub(super) fn write(
    site: &Site,
    plan: Plan,
    sink: &dyn Sink,
    runtime: &Handle,
) -> Result<SearchStats, RenderError> {
    let started = Instant::now();
    let mut stats = SearchStats {
        records: site.posts.len(),
        shards: plan.shards.len(),
        ..SearchStats::default()
    };
    for (name, bytes) in &plan.primary {
        if indexer::part(name) != Part::Unused {
            emit(sink, &format!("{DIR}{name}"), bytes)?;
            stats.files += 1;
            stats.bytes += bytes.len() as u64;
        }
    }
    let previous: HashMap<String, ShardRecord> = sink
        .previous(MANIFEST)
        .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
        .unwrap_or_default()
        .shards
        .into_iter()
        .map(|s| (s.dir.clone(), s))
        .collect();
    let mut manifest = Manifest::default();
    let mut to_build = Vec::new();
    for shard in &plan.shards {
        let dir = shard.dir();
        let kept = match previous.get(&dir) {
            Some(record) => keep(sink, record)?,
            None => None,
        };
        match kept {
            Some((files, bytes)) => {
                stats.files += files;
                stats.bytes += bytes;
                manifest.shards.push(ShardRecord {
                    dir,
                    posts: shard.posts.len(),
                    files,
                });
            }
            None => {
                to_build.push(shard);
                manifest.shards.push(ShardRecord {
                    dir,
                    posts: shard.posts.len(),
                    files: 0,
                });
            }
        }
    }
    stats.reused = to_build.is_empty();
    for built in build(site, &plan.language, &to_build, sink, runtime)? {
        stats.files += built.files;
        stats.bytes += built.stats.bytes;
        if let Some(record) = manifest.shards.iter_mut().find(|s| s.dir == built.dir) {
            record.files = built.files;
        }
        stats.built.push(built.stats);
    }
    let json = serde_json::to_vec(&manifest).expect("a manifest serialises");
    emit(sink, MANIFEST, &json)?;
    stats.seconds = started.elapsed().as_secs_f64();
    Ok(stats)
}

/// Keeps a shard of the previous build, if it is whole: how many files and bytes.
fn keep(sink: &dyn Sink, record: &ShardRecord) -> Result<Option<(usize, u64)>, RenderError> {
    let kept = sink
        .keep_folder(&record.dir)
        .map_err(|source| RenderError::Write {
            path: record.dir.clone(),
            source,
        })?;
    // A shard that lost a file is built again, over what was kept.
    Ok(kept.filter(|(files, _)| *files == record.files))
}

/// A shard just built and written.
struct Built {
    dir: String,
    stats: ShardStats,
    files: usize,
}

/// Builds `shards` on as many threads as there are cores (each shard's Pagefind mostly keeps
/// to one), writing each shard's files as soon as it is done.
fn build(
    site: &Site,
    language: &str,
    shards: &[&Shard],
    sink: &dyn Sink,
    runtime: &Handle,
) -> Result<Vec<Built>, RenderError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(shards.len());
    // The biggest first, so the last to finish is a small one.
    let mut queue: Vec<&Shard> = shards.to_vec();
    queue.sort_by_key(|s| s.posts.len());
    let queue = Mutex::new(queue);
    let done = Mutex::new(Vec::new());
    let failed = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    if failed.lock().expect("not poisoned").is_some() {
                        return;
                    }
                    let Some(shard) = queue.lock().expect("not poisoned").pop() else {
                        return;
                    };
                    match build_one(site, language, shard, sink, runtime) {
                        Ok(built) => done.lock().expect("not poisoned").push(built),
                        Err(e) => {
                            failed.lock().expect("not poisoned").get_or_insert(e);
                            return;
                        }
                    }
                }
            });
        }
    });
    if let Some(error) = failed.into_inner().expect("not poisoned") {
        return Err(error);
    }
    Ok(done.into_inner().expect("not poisoned"))
}

fn build_one(
    site: &Site,
    language: &str,
    shard: &Shard,
    sink: &dyn Sink,
    runtime: &Handle,
) -> Result<Built, RenderError> {
    let started = Instant::now();
    let entries: Vec<Entry> = site.posts[shard.posts.clone()]
        .iter()
        .map(|post| Entry::new(site, post))
        .chain([placeholder(true)])
        .collect();
    let files = indexer::index(language, entries, runtime)?;
    let dir = shard.dir();
    let mut stats = ShardStats {
        posts: shard.posts.len(),
        ..ShardStats::default()
    };
    let mut count = 0;
    for (name, bytes) in files {
        if indexer::part(&name) == Part::Own {
            emit(sink, &format!("{dir}{name}"), &bytes)?;
            stats.bytes += bytes.len() as u64;
            count += 1;
        }
    }
    stats.seconds = started.elapsed().as_secs_f64();
    Ok(Built {
        dir,
        stats,
        files: count,
    })
}
