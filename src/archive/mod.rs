//! The archive: every entry ever seen, and each feed's HTTP validators and health, in one
//! SQLite file.
//!
//! Entries are only ever added or updated, never removed, so a post stays on the site after it
//! drops out of its feed. Each build's changes land in one transaction, so a crash mid-write
//! leaves the previous state whole.

mod history;
mod identity;
pub mod lock;
mod rows;
mod schema;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, SubsecRound, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::config::FeedConfig;
use crate::health::{FeedKey, FeedState, Status};
use crate::ingest::Incoming;
use crate::post::{Post, Source};

pub use history::KEPT as BUILDS_KEPT;
pub use lock::SiteLock;
pub use rows::{EntryRow, FeedRow, Restore, Restored};

/// The columns of `feeds` that hold a [`FeedState`], in the order [`read_state`] reads them.
const STATE_COLUMNS: &str = "etag, last_modified, final_url, status, error, last_attempt, \
                             last_success, first_fetched, retry_after";

/// The [`FeedState`] in a row's [`STATE_COLUMNS`], from column `first` on.
fn read_state(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<FeedState> {
    Ok(FeedState {
        etag: r.get(first)?,
        last_modified: r.get(first + 1)?,
        final_url: r.get(first + 2)?,
        status: Status::parse(&r.get::<_, String>(first + 3)?),
        error: r.get(first + 4)?,
        last_attempt: r.get(first + 5)?,
        last_success: r.get(first + 6)?,
        first_fetched: r.get(first + 7)?,
        retry_after: r.get(first + 8)?,
    })
}

/// The archive's file name inside its folder.
pub const FILE_NAME: &str = "archive.sqlite";

/// What happened to one feed in this build.
#[derive(Debug, Clone)]
pub enum Update {
    /// The feed was fetched and parsed.
    Fetched {
        /// New validators.
        etag: Option<String>,
        /// New validators.
        last_modified: Option<String>,
        /// Where it was found.
        final_url: String,
        /// It answered from a new address for good.
        moved: bool,
        /// An address the feed will be known by from now on: where it moved for good, or the
        /// feed a page led to.
        alias: Option<String>,
        /// Its entries.
        entries: Vec<Incoming>,
    },
    /// The server said nothing changed.
    NotModified {
        /// Where it was found.
        final_url: String,
        /// It answered from a new address for good.
        moved: bool,
        /// As for [`Update::Fetched`].
        alias: Option<String>,
    },
    /// It could not be fetched or parsed.
    Failed {
        /// Why.
        error: String,
        /// Do not ask again before this.
        retry_after: Option<DateTime<Utc>>,
    },
    /// It is gone for good.
    Gone,
}

/// An archived entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    /// The post; its source is its feed's key.
    pub post: Post,
    /// It came with its feed's first fetch, as part of the back catalogue.
    pub backlog: bool,
}

/// What can go wrong with the archive.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The database failed.
    #[error("archive {}: {source}", .path.display())]
    Database {
        /// The archive file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// The folder could not be made.
    #[error("cannot create the archive folder {}: {source}", .path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A stored entry does not decode: the archive was written by a newer roundup.
    #[error("archive {}: an entry of {feed} does not decode ({message}); was it written by a newer roundup?", .path.display())]
    Decode {
        /// The archive file.
        path: PathBuf,
        /// The entry's feed.
        feed: String,
        /// Why.
        message: String,
    },
    /// The file is not a whole SQLite database: truncated, overwritten or damaged. It is left
    /// as it is, for the person who restores it to decide.
    #[error("archive {} is damaged ({message}); it was left as it is\n  to restore it: move it aside (mv {} {}.damaged), then `roundup import FILE` from the copy your site publishes (roundup/archive.jsonl.gz under its address, or in the last build's output folder) or from an export of your own", .path.display(), .path.display(), .path.display())]
    Damaged {
        /// The archive file.
        path: PathBuf,
        /// What SQLite found.
        message: String,
    },
    /// An import into an archive that already holds something, without `--merge`.
    #[error("archive {} already holds {entries} entries of {feeds} feeds; `roundup import --merge FILE` adds what it lacks and keeps what it has, or move it aside to restore into an empty one", .path.display())]
    NotEmpty {
        /// The archive file.
        path: PathBuf,
        /// Feeds it holds.
        feeds: usize,
        /// Entries it holds.
        entries: usize,
    },
    /// The lock file beside the archive cannot be made or locked.
    #[error("cannot lock {}: {source}", .path.display())]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Another build of the site held the lock for longer than this one would wait.
    #[error("another build of this site{} still holds {} after {}s of waiting; try again when it has finished (the lock of a build that was killed goes with it: nothing needs removing by hand)", .pid.map(|p| format!(" (pid {p})")).unwrap_or_default(), .path.display(), .waited.as_secs())]
    Busy {
        /// The lock file.
        path: PathBuf,
        /// The process holding it, if known.
        pid: Option<u32>,
        /// How long this build waited.
        waited: std::time::Duration,
    },
    /// The archive's tables are newer than this roundup knows.
    #[error("archive {}: written by a newer roundup (tables version {found}, this roundup knows {})", .path.display(), schema::VERSION)]
    Newer {
        /// The archive file.
        path: PathBuf,
        /// Its version.
        found: i64,
    },
}

/// The open archive.
#[derive(Debug)]
pub struct Archive {
    conn: Connection,
    path: PathBuf,
}

impl Archive {
    /// Opens (creating if need be) the archive in folder `dir`, bringing older tables up to date.
    pub fn open(dir: &Path) -> Result<Archive, ArchiveError> {
        std::fs::create_dir_all(dir).map_err(|source| ArchiveError::Folder {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join(FILE_NAME);
        // SQLite takes an empty file for a new database; but it writes its header as it
        // creates one, so an empty archive that exists has lost what it held.
        if std::fs::metadata(&path).is_ok_and(|m| m.len() == 0) {
            return Err(ArchiveError::Damaged {
                path,
                message: "the file is empty; if this site has never been built, delete it".into(),
            });
        }
        let conn = Connection::open(&path).map_err(|source| ArchiveError::Database {
            path: path.clone(),
            source,
        })?;
        let mut archive = Archive { conn, path };
        archive.verify()?;
        let version = archive.prepare().map_err(|e| archive.error(e))?;
        if version > schema::VERSION {
            return Err(ArchiveError::Newer {
                path: archive.path,
                found: version,
            });
        }
        Ok(archive)
    }

    /// Sets the connection up and migrates; returns the version found.
    fn prepare(&mut self) -> rusqlite::Result<i64> {
        // WAL keeps readers working during a write; with synchronous=NORMAL a power cut can lose
        // the last transaction but never corrupt the file.
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version < schema::VERSION {
            let tx = self.conn.transaction()?;
            schema::migrate(&tx, version)?;
            tx.commit()?;
        }
        Ok(version)
    }

    /// Reads the whole file's structure (SQLite's `quick_check`), so that a truncated or
    /// overwritten archive is reported before anything is built on it, never taken for an
    /// empty one.
    fn verify(&self) -> Result<(), ArchiveError> {
        let problems = (|| -> rusqlite::Result<Vec<String>> {
            let mut stmt = self.conn.prepare("PRAGMA quick_check(5)")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect()
        })()
        .map_err(|e| self.error(e))?;
        if problems.iter().all(|p| p == "ok") {
            return Ok(());
        }
        Err(ArchiveError::Damaged {
            path: self.path.clone(),
            message: problems.join("; "),
        })
    }

    fn error(&self, source: rusqlite::Error) -> ArchiveError {
        Archive::error_at(&self.path, source)
    }

    /// A database error on the archive at `path`; one that means the file is damaged says so.
    fn error_at(path: &Path, source: rusqlite::Error) -> ArchiveError {
        use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
        if let rusqlite::Error::SqliteFailure(e, message) = &source
            && matches!(e.code, DatabaseCorrupt | NotADatabase)
        {
            return ArchiveError::Damaged {
                path: path.to_path_buf(),
                message: message.clone().unwrap_or_else(|| e.to_string()),
            };
        }
        ArchiveError::Database {
            path: path.to_path_buf(),
            source,
        }
    }

    /// The archive key of each of `feeds`, in order: the feed it was before if the archive knows
    /// it by an address or its name, else a new one. Records names and addresses as they are.
    pub fn resolve(&mut self, feeds: &[FeedConfig]) -> Result<Vec<FeedKey>, ArchiveError> {
        let result = (|| {
            let tx = self.conn.transaction()?;
            let keys = identity::resolve(&tx, feeds)?;
            tx.commit()?;
            Ok(keys)
        })();
        result.map_err(|e| self.error(e))
    }

    /// Every feed's state, by key.
    pub fn states(&self) -> Result<HashMap<FeedKey, FeedState>, ArchiveError> {
        let read = || -> rusqlite::Result<HashMap<FeedKey, FeedState>> {
            let mut stmt = self
                .conn
                .prepare(&format!("SELECT key, {STATE_COLUMNS} FROM feeds"))?;
            let rows = stmt.query_map([], |r| Ok((FeedKey(r.get(0)?), read_state(r, 1)?)))?;
            rows.collect()
        };
        read().map_err(|e| self.error(e))
    }

    /// How many entries each feed has in the archive.
    pub fn counts(&self) -> Result<HashMap<FeedKey, usize>, ArchiveError> {
        let read = || -> rusqlite::Result<HashMap<FeedKey, usize>> {
            let mut stmt = self
                .conn
                .prepare("SELECT feed_key, count(*) FROM entries GROUP BY feed_key")?;
            let rows = stmt.query_map([], |r| {
                Ok((FeedKey(r.get(0)?), r.get::<_, i64>(1)? as usize))
            })?;
            rows.collect()
        };
        read().map_err(|e| self.error(e))
    }

    /// Records one build's results in one transaction; returns how many entries each feed
    /// added that the archive had never seen.
    pub fn record(
        &mut self,
        now: DateTime<Utc>,
        updates: Vec<(FeedKey, Update)>,
    ) -> Result<HashMap<FeedKey, usize>, ArchiveError> {
        let result = (|| -> rusqlite::Result<HashMap<FeedKey, usize>> {
            let tx = self.conn.transaction()?;
            let mut new = HashMap::new();
            for (feed, update) in updates {
                let added = record_one(&tx, now, &feed.0, update)?;
                new.insert(feed, added);
            }
            tx.commit()?;
            Ok(new)
        })();
        result.map_err(|e| self.error(e))
    }

    /// Every archived entry, by feed then id.
    pub fn entries(&self) -> Result<Vec<Stored>, ArchiveError> {
        let mut stmt = self
            .conn
            .prepare("SELECT feed_key, post, backlog FROM entries ORDER BY feed_key, id")
            .map_err(|e| self.error(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                ))
            })
            .map_err(|e| self.error(e))?;
        let mut stored = Vec::new();
        for row in rows {
            let (feed, json, backlog) = row.map_err(|e| self.error(e))?;
            let mut post: Post = serde_json::from_str(&json).map_err(|e| ArchiveError::Decode {
                path: self.path.clone(),
                feed: feed.clone(),
                message: e.to_string(),
            })?;
            // The row says which feed holds the entry, whatever the stored copy says.
            post.source = Source::Feed(FeedKey(feed));
            stored.push(Stored { post, backlog });
        }
        Ok(stored)
    }
}

fn record_one(
    tx: &rusqlite::Transaction<'_>,
    now: DateTime<Utc>,
    feed: &str,
    update: Update,
) -> rusqlite::Result<usize> {
    tx.execute(
        "INSERT INTO feeds (key, status) VALUES (?1, 'failed') ON CONFLICT(key) DO NOTHING",
        params![feed],
    )?;
    match update {
        Update::Fetched {
            etag,
            last_modified,
            final_url,
            moved,
            alias,
            entries,
        } => {
            let first_fetched: Option<DateTime<Utc>> = tx
                .query_row(
                    "SELECT first_fetched FROM feeds WHERE key = ?1",
                    params![feed],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            let status = if moved { Status::Moved } else { Status::Ok };
            tx.execute(
                "UPDATE feeds SET etag = ?2, last_modified = ?3, final_url = ?4, status = ?5,
                 error = NULL, last_attempt = ?6, last_success = ?6,
                 first_fetched = coalesce(first_fetched, ?6), retry_after = NULL WHERE key = ?1",
                params![feed, etag, last_modified, final_url, status.as_str(), now],
            )?;
            remember_address(tx, feed, alias.as_deref())?;
            let backlog = first_fetched.is_none();
            let mut added = 0;
            for entry in entries {
                added += usize::from(store_entry(tx, now, feed, entry, backlog)?);
            }
            Ok(added)
        }
        Update::NotModified {
            final_url,
            moved,
            alias,
        } => {
            let status = if moved {
                Status::Moved
            } else {
                Status::NotModified
            };
            tx.execute(
                "UPDATE feeds SET status = ?3, final_url = ?4, error = NULL, last_attempt = ?2,
                 last_success = ?2, retry_after = NULL WHERE key = ?1",
                params![feed, now, status.as_str(), final_url],
            )?;
            remember_address(tx, feed, alias.as_deref())?;
            Ok(0)
        }
        Update::Failed { error, retry_after } => {
            tx.execute(
                "UPDATE feeds SET status = 'failed', error = ?2, last_attempt = ?3,
                 retry_after = ?4 WHERE key = ?1",
                params![feed, error, now, retry_after],
            )?;
            Ok(0)
        }
        Update::Gone => {
            tx.execute(
                "UPDATE feeds SET status = 'gone', error = NULL, last_attempt = ?2 WHERE key = ?1",
                params![feed, now],
            )?;
            Ok(0)
        }
    }
}

/// Files `url` as an address of `feed`, unless another feed already answers to it.
fn remember_address(
    tx: &rusqlite::Transaction<'_>,
    feed: &str,
    url: Option<&str>,
) -> rusqlite::Result<()> {
    if let Some(url) = url {
        tx.execute(
            "INSERT OR IGNORE INTO feed_urls (url, key) VALUES (?1, ?2)",
            params![url, feed],
        )?;
    }
    Ok(())
}

/// Inserts or updates one entry; true if it is new.
fn store_entry(
    tx: &rusqlite::Transaction<'_>,
    now: DateTime<Utc>,
    feed: &str,
    entry: Incoming,
    backlog: bool,
) -> rusqlite::Result<bool> {
    let mut post = entry.post;
    post.source = Source::Feed(FeedKey(feed.to_string()));
    let existing: Option<(DateTime<Utc>, String)> = tx
        .query_row(
            "SELECT first_seen, post FROM entries WHERE feed_key = ?1 AND id = ?2",
            params![feed, post.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let first_seen = existing.as_ref().map_or(now, |(seen, _)| *seen);
    post.published = settle_date(entry.date, first_seen);
    // A post keeps the address it was first given, however its blog retitles it later.
    if let Some(slug) = existing.as_ref().and_then(|(_, old)| stored_slug(old)) {
        post.slug = slug;
    }
    let json = serde_json::to_string(&post).expect("a post always serialises");
    match existing {
        Some((_, old)) if old == json => Ok(false),
        Some(_) => {
            tx.execute(
                "UPDATE entries SET post = ?3, last_seen = ?4 WHERE feed_key = ?1 AND id = ?2",
                params![feed, post.id, json, now],
            )?;
            Ok(false)
        }
        None => {
            tx.execute(
                "INSERT INTO entries (feed_key, id, first_seen, last_seen, backlog, post)
                 VALUES (?1, ?2, ?3, ?3, ?4, ?5)",
                params![feed, post.id, now, backlog, json],
            )?;
            Ok(true)
        }
    }
}

/// The slug of a stored post.
fn stored_slug(json: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Slug {
        slug: String,
    }
    serde_json::from_str::<Slug>(json).ok().map(|s| s.slug)
}

/// An entry's date: the feed's, unless it has none or claims a time after the entry was first
/// seen, in which case the time it was first seen (to the second). Stable across builds.
fn settle_date(
    date: Option<DateTime<FixedOffset>>,
    first_seen: DateTime<Utc>,
) -> DateTime<FixedOffset> {
    match date {
        Some(date) if date.to_utc() <= first_seen => date,
        _ => first_seen.trunc_subsecs(0).fixed_offset(),
    }
}

#[cfg(test)]
mod tests;
