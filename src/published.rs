//! What a site publishes of its archive, and the check that keeps a build from publishing a
//! site that has lost posts.
//!
//! The archive is the one thing a planet cannot rebuild: posts that have left their feeds are
//! nowhere else. In CI it lives in a cache that can be emptied at any time, so every build also
//! publishes, beside the site, a copy of the archive ([`COPY`], the [`export`](crate::export)
//! format, with the full text the site does not publish left out) and a record of what it held
//! ([`RECORD`]). The next build compares its archive with that record, and stops rather than
//! publish a site with far fewer posts; the copy is what restores it (`roundup import`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::archive::{Archive, ArchiveError};
use crate::config::Config;
use crate::export::{self, ExportError, Scope};
use crate::health::FeedKey;
use crate::render::{Links, Sink};
use crate::site::Site;

/// The copy of the archive in the site: not under a dot-folder, which GitHub's Pages upload
/// leaves out.
pub const COPY: &str = "roundup/archive.jsonl.gz";
/// The copy's file name, beside the record.
const COPY_NAME: &str = "archive.jsonl.gz";
/// The record of what the archive held when the site was built.
pub const RECORD: &str = "roundup/archive.json";
/// The `format` of a record.
const RECORD_FORMAT: &str = "roundup-archive-record";

/// What the published site says its archive held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// [`RECORD_FORMAT`].
    pub format: String,
    /// 1.
    pub version: u32,
    /// Entries in the archive.
    pub entries: usize,
    /// Feeds in the archive.
    pub feeds: usize,
    /// The copy beside the record, relative to it; none when `[archive] publish = false`.
    pub copy: Option<String>,
    /// Entries of the copy whose full text was left out.
    pub withheld: usize,
    /// Entries by feed key.
    pub by_feed: BTreeMap<String, usize>,
}

/// What can stop a build here.
#[derive(Debug, thiserror::Error)]
pub enum PublishedError {
    /// The archive holds far fewer entries than the last published site.
    #[error("{}", lost_message(.0))]
    Lost(Box<Lost>),
    /// A record cannot be read.
    #[error("cannot read the archive record {}: {message}\n  it is what the last build published; fetch it again, or remove it to build without the check", .path.display())]
    Record {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The archive cannot be read.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// The copy cannot be made.
    #[error("cannot write the copy of the archive: {0}")]
    Copy(#[from] ExportError),
    /// The copy or the record cannot be handed to the output.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The output path.
        path: &'static str,
        /// Why.
        source: std::io::Error,
    },
}

/// The case against publishing: what the archive holds and what the site had.
#[derive(Debug, Clone, PartialEq)]
pub struct Lost {
    /// Entries in the archive now.
    pub held: usize,
    /// Entries the record lists.
    pub recorded: usize,
    /// The record.
    pub record: PathBuf,
    /// The feeds that lost the most: name or key, recorded, held.
    pub feeds: Vec<(String, usize, usize)>,
    /// Commands that restore the archive from a copy: the last build's, the published one.
    pub copies: Vec<String>,
    /// The threshold, in percent.
    pub limit: f64,
}

fn lost_message(lost: &Lost) -> String {
    let gone = lost.recorded - lost.held;
    let mut text = format!(
        "not publishing: the archive holds {} entries, but the site built last recorded {} ({}): \
         {gone} posts ({:.0}%) would disappear, more than --max-lost-posts {}% allows",
        lost.held,
        lost.recorded,
        lost.record.display(),
        100.0 * gone as f64 / lost.recorded as f64,
        lost.limit,
    );
    for (feed, recorded, held) in &lost.feeds {
        text.push_str(&format!("\n  {feed}: {recorded} → {held}"));
    }
    text.push_str(
        "\n  the archive was most likely lost (an emptied cache, a new clone, a deleted folder); \
         restore it, then build again:",
    );
    for command in &lost.copies {
        text.push_str(&format!("\n      {command}"));
    }
    text.push_str(
        "\n  (or from an export of your own); if these posts are meant to go, build with \
         --max-lost-posts 100",
    );
    text
}

/// How this build's archive compares with what was published before it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ArchiveCheck {
    /// Entries in the archive when the build began.
    pub entries: usize,
    /// Entries in the archive as published, after this build's fetch.
    pub published: Option<usize>,
    /// Each record compared with: where it was, and the entries it listed.
    pub compared: Vec<(PathBuf, usize)>,
    /// The records asked for that did not exist: a site not yet published.
    pub missing: Vec<PathBuf>,
    /// Bytes of the copy this build published, if it did.
    pub copy_bytes: Option<u64>,
    /// Entries of the copy whose full text was left out.
    pub withheld: usize,
}

/// Compares the archive with the record of the last site built into `output`, and with
/// `published` (the record of the site as published, fetched by CI), when given. Stops when
/// more than `limit` percent of the recorded entries are missing.
pub fn check(
    archive: &Archive,
    config: &Config,
    output: &Path,
    published: Option<&Path>,
    limit: f64,
) -> Result<ArchiveCheck, PublishedError> {
    let counts = archive.counts()?;
    let held: usize = counts.values().sum();
    let mut check = ArchiveCheck {
        entries: held,
        ..ArchiveCheck::default()
    };
    let local = output.join(RECORD);
    let mut records = Vec::new();
    if local.is_file() {
        records.push(local);
    }
    if let Some(published) = published {
        if published.is_file() {
            records.push(published.to_path_buf());
        } else {
            check.missing.push(published.to_path_buf());
        }
    }
    for path in records {
        let record = read_record(&path)?;
        check.compared.push((path.clone(), record.entries));
        let gone = record.entries.saturating_sub(held);
        if gone as f64 > record.entries as f64 * limit / 100.0 {
            let mut feeds: Vec<(String, usize, usize)> = record
                .by_feed
                .iter()
                .map(|(key, &recorded)| {
                    let now = counts.get(&FeedKey(key.clone())).copied().unwrap_or(0);
                    (key.clone(), recorded, now)
                })
                .filter(|(_, recorded, now)| now < recorded)
                .collect();
            feeds.sort_by_key(|(key, recorded, now)| {
                (std::cmp::Reverse(recorded - now), key.clone())
            });
            feeds.truncate(5);
            let mut copies = Vec::new();
            let beside = path.with_file_name(COPY_NAME);
            if beside.is_file() {
                copies.push(format!("roundup import --merge {}", beside.display()));
            }
            if let Ok(url) = config.site.base_url.join(COPY) {
                copies.push(format!(
                    "curl -fsSL -o {COPY_NAME} {url} && roundup import --merge {COPY_NAME}"
                ));
            }
            return Err(PublishedError::Lost(Box::new(Lost {
                held,
                recorded: record.entries,
                record: path,
                feeds,
                copies,
                limit,
            })));
        }
    }
    Ok(check)
}

fn read_record(path: &Path) -> Result<Record, PublishedError> {
    let failed = |message: String| PublishedError::Record {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| failed(e.to_string()))?;
    let record: Record = serde_json::from_str(&text).map_err(|e| failed(e.to_string()))?;
    if record.format != RECORD_FORMAT {
        return Err(failed(format!("its format is {:?}", record.format)));
    }
    Ok(record)
}

/// Writes the copy of the archive (when `[archive] publish` is on) and its record into the
/// site.
pub fn publish(
    archive: &Archive,
    site: &Site,
    config: &Config,
    sink: &dyn Sink,
    check: &mut ArchiveCheck,
) -> Result<(), PublishedError> {
    let by_feed: BTreeMap<String, usize> = archive
        .counts()?
        .into_iter()
        .map(|(key, n)| (key.0, n))
        .collect();
    let (feeds, _) = archive.size()?;
    let mut record = Record {
        format: RECORD_FORMAT.to_string(),
        version: 1,
        entries: by_feed.values().sum(),
        feeds,
        copy: None,
        withheld: 0,
        by_feed,
    };
    if config.archive.publish {
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let counts = export::write(&mut gzip, archive, site, &Links::new(config), Scope::Public)?;
        let copy = gzip.finish().map_err(ExportError::from)?;
        write(sink, COPY, &copy)?;
        record.copy = Some(COPY_NAME.to_string());
        record.withheld = counts.withheld;
        check.copy_bytes = Some(copy.len() as u64);
        check.withheld = counts.withheld;
    }
    check.published = Some(record.entries);
    let mut json = serde_json::to_vec_pretty(&record).expect("a record serialises");
    json.push(b'\n');
    write(sink, RECORD, &json)
}

fn write(sink: &dyn Sink, path: &'static str, bytes: &[u8]) -> Result<(), PublishedError> {
    sink.write(path, bytes)
        .map_err(|source| PublishedError::Write { path, source })
}
