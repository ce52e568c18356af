//! The archive: every entry ever seen, and each feed's HTTP validators and health, in one
//! SQLite file.
//!
//! Entries are only ever added or updated, never removed, so a post stays on the site after it
//! drops out of its feed. Each build's changes land in one transaction, so a crash mid-write
//! leaves the previous state whole.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::post::{Post, Source};

/// The archive's file name inside its folder.
pub const FILE_NAME: &str = "archive.sqlite";

/// Bumped when the tables change shape.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS feeds (
    url            TEXT PRIMARY KEY,
    etag           TEXT,
    last_modified  TEXT,
    final_url      TEXT,
    status         TEXT NOT NULL,
    error          TEXT,
    last_attempt   TEXT,
    last_success   TEXT,
    first_fetched  TEXT,
    retry_after    TEXT
);
CREATE TABLE IF NOT EXISTS entries (
    feed_url    TEXT NOT NULL,
    id          TEXT NOT NULL,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    backlog     INTEGER NOT NULL,
    post        TEXT NOT NULL,
    PRIMARY KEY (feed_url, id)
);
";

/// How a feed fared on its last attempt, as `health.json` and the build summary report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Fetched and parsed.
    Ok,
    /// The server said nothing changed (HTTP 304).
    NotModified,
    /// Not fetched or not parsed; see the error.
    Failed,
    /// Fetched, but the feed has moved for good (HTTP 301 or 308): update `feeds.toml`.
    Moved,
    /// The feed is gone for good (HTTP 410); it is no longer fetched.
    Gone,
}

impl Status {
    /// The name used in `health.json` and the archive.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::NotModified => "not_modified",
            Status::Failed => "failed",
            Status::Moved => "moved",
            Status::Gone => "gone",
        }
    }

    fn parse(text: &str) -> Status {
        match text {
            "ok" => Status::Ok,
            "not_modified" => Status::NotModified,
            "moved" => Status::Moved,
            "gone" => Status::Gone,
            _ => Status::Failed,
        }
    }
}

/// What the archive knows about one feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedState {
    /// The `ETag` of the last full response.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last full response.
    pub last_modified: Option<String>,
    /// Where the feed was really found: after redirects or autodiscovery.
    pub final_url: Option<String>,
    /// The last attempt's outcome.
    pub status: Status,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// When the feed was last tried.
    pub last_attempt: Option<DateTime<Utc>>,
    /// When the feed was last fetched or found unchanged.
    pub last_success: Option<DateTime<Utc>>,
    /// When the feed was first fetched: entries that came then are its back catalogue.
    pub first_fetched: Option<DateTime<Utc>>,
    /// The server asked not to be asked again before this.
    pub retry_after: Option<DateTime<Utc>>,
}

/// An entry on its way into the archive: a post whose `published` is settled here, because
/// an entry without a date, or dated in the future, takes the time it was first seen.
#[derive(Debug, Clone, PartialEq)]
pub struct Incoming {
    /// The post, with its source set to its feed.
    pub post: Post,
    /// The date the feed gave, if any.
    pub date: Option<DateTime<FixedOffset>>,
}

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
        /// Its entries.
        entries: Vec<Incoming>,
    },
    /// The server said nothing changed.
    NotModified {
        /// Where it was found.
        final_url: String,
        /// It answered from a new address for good.
        moved: bool,
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
    /// The post.
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
}

/// The open archive.
#[derive(Debug)]
pub struct Archive {
    conn: Connection,
    path: PathBuf,
}

impl Archive {
    /// Opens (creating if need be) the archive in folder `dir`.
    pub fn open(dir: &Path) -> Result<Archive, ArchiveError> {
        std::fs::create_dir_all(dir).map_err(|source| ArchiveError::Folder {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join(FILE_NAME);
        let conn = Connection::open(&path).map_err(|source| ArchiveError::Database {
            path: path.clone(),
            source,
        })?;
        let archive = Archive { conn, path };
        archive.prepare().map_err(|e| archive.error(e))?;
        Ok(archive)
    }

    fn prepare(&self) -> rusqlite::Result<()> {
        // WAL keeps readers working during a write; with synchronous=NORMAL a power cut can lose
        // the last transaction but never corrupt the file.
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        self.conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let version: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version < SCHEMA_VERSION {
            self.conn.execute_batch(SCHEMA)?;
            self.conn
                .pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        Ok(())
    }

    fn error(&self, source: rusqlite::Error) -> ArchiveError {
        ArchiveError::Database {
            path: self.path.clone(),
            source,
        }
    }

    /// Every feed's state, by its configured URL.
    pub fn states(&self) -> Result<HashMap<String, FeedState>, ArchiveError> {
        let read = || -> rusqlite::Result<HashMap<String, FeedState>> {
            let mut stmt = self.conn.prepare(
                "SELECT url, etag, last_modified, final_url, status, error, last_attempt,
                        last_success, first_fetched, retry_after FROM feeds",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    FeedState {
                        etag: r.get(1)?,
                        last_modified: r.get(2)?,
                        final_url: r.get(3)?,
                        status: Status::parse(&r.get::<_, String>(4)?),
                        error: r.get(5)?,
                        last_attempt: r.get(6)?,
                        last_success: r.get(7)?,
                        first_fetched: r.get(8)?,
                        retry_after: r.get(9)?,
                    },
                ))
            })?;
            rows.collect()
        };
        read().map_err(|e| self.error(e))
    }

    /// How many entries each feed has in the archive.
    pub fn counts(&self) -> Result<HashMap<String, usize>, ArchiveError> {
        let read = || -> rusqlite::Result<HashMap<String, usize>> {
            let mut stmt = self
                .conn
                .prepare("SELECT feed_url, count(*) FROM entries GROUP BY feed_url")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)))?;
            rows.collect()
        };
        read().map_err(|e| self.error(e))
    }

    /// Records one build's results in one transaction; returns how many entries each feed
    /// added that the archive had never seen.
    pub fn record(
        &mut self,
        now: DateTime<Utc>,
        updates: Vec<(String, Update)>,
    ) -> Result<HashMap<String, usize>, ArchiveError> {
        let result = (|| -> rusqlite::Result<HashMap<String, usize>> {
            let tx = self.conn.transaction()?;
            let mut new = HashMap::new();
            for (feed, update) in updates {
                let added = record_one(&tx, now, &feed, update)?;
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
            .prepare("SELECT feed_url, post, backlog FROM entries ORDER BY feed_url, id")
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
            let post: Post = serde_json::from_str(&json).map_err(|e| ArchiveError::Decode {
                path: self.path.clone(),
                feed: feed.clone(),
                message: e.to_string(),
            })?;
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
        "INSERT INTO feeds (url, status) VALUES (?1, 'failed') ON CONFLICT(url) DO NOTHING",
        params![feed],
    )?;
    match update {
        Update::Fetched {
            etag,
            last_modified,
            final_url,
            moved,
            entries,
        } => {
            let first_fetched: Option<DateTime<Utc>> = tx
                .query_row(
                    "SELECT first_fetched FROM feeds WHERE url = ?1",
                    params![feed],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            let status = if moved { Status::Moved } else { Status::Ok };
            tx.execute(
                "UPDATE feeds SET etag = ?2, last_modified = ?3, final_url = ?4, status = ?5,
                 error = NULL, last_attempt = ?6, last_success = ?6,
                 first_fetched = coalesce(first_fetched, ?6), retry_after = NULL WHERE url = ?1",
                params![feed, etag, last_modified, final_url, status.as_str(), now],
            )?;
            let backlog = first_fetched.is_none();
            let mut added = 0;
            for entry in entries {
                added += usize::from(store_entry(tx, now, feed, entry, backlog)?);
            }
            Ok(added)
        }
        Update::NotModified { final_url, moved } => {
            let status = if moved {
                Status::Moved
            } else {
                Status::NotModified
            };
            tx.execute(
                "UPDATE feeds SET status = ?3, final_url = ?4, error = NULL, last_attempt = ?2,
                 last_success = ?2, retry_after = NULL WHERE url = ?1",
                params![feed, now, status.as_str(), final_url],
            )?;
            Ok(0)
        }
        Update::Failed { error, retry_after } => {
            tx.execute(
                "UPDATE feeds SET status = 'failed', error = ?2, last_attempt = ?3,
                 retry_after = ?4 WHERE url = ?1",
                params![feed, error, now, retry_after],
            )?;
            Ok(0)
        }
        Update::Gone => {
            tx.execute(
                "UPDATE feeds SET status = 'gone', error = NULL, last_attempt = ?2 WHERE url = ?1",
                params![feed, now],
            )?;
            Ok(0)
        }
    }
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
    post.source = Source::Feed(feed.to_string());
    let existing: Option<(DateTime<Utc>, String)> = tx
        .query_row(
            "SELECT first_seen, post FROM entries WHERE feed_url = ?1 AND id = ?2",
            params![feed, post.id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let first_seen = existing.as_ref().map_or(now, |(seen, _)| *seen);
    post.published = settle_date(entry.date, first_seen);
    let json = serde_json::to_string(&post).expect("a post always serialises");
    match existing {
        Some((_, old)) if old == json => Ok(false),
        Some(_) => {
            tx.execute(
                "UPDATE entries SET post = ?3, last_seen = ?4 WHERE feed_url = ?1 AND id = ?2",
                params![feed, post.id, json, now],
            )?;
            Ok(false)
        }
        None => {
            tx.execute(
                "INSERT INTO entries (feed_url, id, first_seen, last_seen, backlog, post)
                 VALUES (?1, ?2, ?3, ?3, ?4, ?5)",
                params![feed, post.id, now, backlog, json],
            )?;
            Ok(true)
        }
    }
}

/// An entry's date: the feed's, unless it has none or claims a time after the entry was first
/// seen, in which case the time it was first seen. Stable across builds.
fn settle_date(
    date: Option<DateTime<FixedOffset>>,
    first_seen: DateTime<Utc>,
) -> DateTime<FixedOffset> {
    match date {
        Some(date) if date.to_utc() <= first_seen => date,
        _ => first_seen.fixed_offset(),
    }
}

/// The ids of back-catalogue posts kept off the home page: a feed's first fetch shows only its
/// `keep` newest posts there, so a new blog does not flood the front page.
pub fn off_home(stored: &[Stored], keep: usize) -> std::collections::HashSet<String> {
    let mut by_feed: HashMap<&Source, Vec<&Post>> = HashMap::new();
    for entry in stored.iter().filter(|s| s.backlog) {
        by_feed
            .entry(&entry.post.source)
            .or_default()
            .push(&entry.post);
    }
    let mut off = std::collections::HashSet::new();
    for posts in by_feed.values_mut() {
        posts.sort_by(|a, b| b.published.cmp(&a.published).then_with(|| a.id.cmp(&b.id)));
        off.extend(posts.iter().skip(keep).map(|p| p.id.clone()));
    }
    off
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn time(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn incoming(id: &str, date: Option<&str>) -> Incoming {
        Incoming {
            post: Post {
                id: id.to_string(),
                source: Source::Local(PathBuf::new()),
                slug: id.to_string(),
                title: id.to_string(),
                original_url: Some(format!("https://blog.example/{id}")),
                published: time("2000-01-01T00:00:00Z").fixed_offset(),
                updated: None,
                authors: vec![],
                summary: String::new(),
                content: String::new(),
                text: String::new(),
                tags: vec![],
                categories: vec![],
                weeknote: false,
                draft: false,
                extra: serde_json::Value::Null,
            },
            date: date.map(|d| DateTime::parse_from_rfc3339(d).unwrap()),
        }
    }

    fn fetched(entries: Vec<Incoming>) -> Update {
        Update::Fetched {
            etag: Some("\"v1\"".to_string()),
            last_modified: None,
            final_url: "https://blog.example/feed".to_string(),
            moved: false,
            entries,
        }
    }

    const FEED: &str = "https://blog.example/feed";

    #[test]
    fn entries_that_leave_their_feed_stay() {
        let dir = tempfile::tempdir().unwrap();
        let mut archive = Archive::open(dir.path()).unwrap();
        let day1 = time("2026-01-01T00:00:00Z");
        let new = archive
            .record(
                day1,
                vec![(
                    FEED.into(),
                    fetched(vec![
                        incoming("a", Some("2025-12-31T10:00:00Z")),
                        incoming("b", None),
                    ]),
                )],
            )
            .unwrap();
        assert_eq!(new[FEED], 2);
        let new = archive
            .record(
                time("2026-01-02T00:00:00Z"),
                vec![(FEED.into(), fetched(vec![incoming("c", None)]))],
            )
            .unwrap();
        assert_eq!(new[FEED], 1);
        drop(archive);
        let archive = Archive::open(dir.path()).unwrap();
        let ids: Vec<_> = archive
            .entries()
            .unwrap()
            .into_iter()
            .map(|s| s.post.id)
            .collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert_eq!(
            archive.states().unwrap()[FEED].etag.as_deref(),
            Some("\"v1\"")
        );
    }

    #[test]
    fn undated_and_future_entries_take_the_time_first_seen_for_good() {
        let dir = tempfile::tempdir().unwrap();
        let mut archive = Archive::open(dir.path()).unwrap();
        let seen = time("2026-01-01T00:00:00Z");
        let entries = || {
            vec![
                incoming("undated", None),
                incoming("future", Some("2030-01-01T00:00:00Z")),
            ]
        };
        archive
            .record(seen, vec![(FEED.into(), fetched(entries()))])
            .unwrap();
        archive
            .record(
                time("2026-02-01T00:00:00Z"),
                vec![(FEED.into(), fetched(entries()))],
            )
            .unwrap();
        for stored in archive.entries().unwrap() {
            assert_eq!(stored.post.published.to_utc(), seen, "{}", stored.post.id);
        }
    }

    #[test]
    fn only_the_first_fetch_is_back_catalogue() {
        let dir = tempfile::tempdir().unwrap();
        let mut archive = Archive::open(dir.path()).unwrap();
        let old: Vec<_> = (0..8)
            .map(|n| {
                incoming(
                    &format!("old{n}"),
                    Some(&format!("2025-01-0{}T00:00:00Z", n + 1)),
                )
            })
            .collect();
        archive
            .record(
                time("2026-01-01T00:00:00Z"),
                vec![(FEED.into(), fetched(old))],
            )
            .unwrap();
        archive
            .record(
                time("2026-01-02T00:00:00Z"),
                vec![(
                    FEED.into(),
                    fetched(vec![incoming("fresh", Some("2026-01-02T00:00:00Z"))]),
                )],
            )
            .unwrap();
        let stored = archive.entries().unwrap();
        let off = off_home(&stored, 5);
        assert_eq!(off.len(), 3);
        for id in ["old0", "old1", "old2"] {
            assert!(off.contains(id), "{id}");
        }
        assert!(!off.contains("fresh"));
    }

    #[test]
    fn failures_keep_the_entries_and_record_why() {
        let dir = tempfile::tempdir().unwrap();
        let mut archive = Archive::open(dir.path()).unwrap();
        archive
            .record(
                time("2026-01-01T00:00:00Z"),
                vec![(FEED.into(), fetched(vec![incoming("a", None)]))],
            )
            .unwrap();
        archive
            .record(
                time("2026-01-02T00:00:00Z"),
                vec![(
                    FEED.into(),
                    Update::Failed {
                        error: "timed out".into(),
                        retry_after: None,
                    },
                )],
            )
            .unwrap();
        let state = &archive.states().unwrap()[FEED];
        assert_eq!(state.status, Status::Failed);
        assert_eq!(state.error.as_deref(), Some("timed out"));
        assert_eq!(state.last_success, Some(time("2026-01-01T00:00:00Z")));
        assert_eq!(archive.entries().unwrap().len(), 1);
        assert_eq!(archive.counts().unwrap()[FEED], 1);
    }
}
