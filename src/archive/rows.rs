//! The archive as it is stored, row by row: what an export writes and an import puts back, so
//! that a restored archive is the archive that was exported, first-seen times, back-catalogue
//! flags, validators and every address of every feed included.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use super::{Archive, ArchiveError, STATE_COLUMNS, read_state};
use crate::health::{FeedKey, FeedState};
use crate::post::{Post, Source};

/// One feed as the archive keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedRow {
    /// Its key: the address the archive first knew it by; its entries name it.
    pub key: String,
    /// Its name in `feeds.toml` when last built.
    pub name: Option<String>,
    /// Its address in `feeds.toml` when last built.
    pub url: Option<String>,
    /// Every address it is known by: configured, moved to for good, found through a page.
    pub addresses: Vec<String>,
    /// Its validators and health.
    #[serde(flatten)]
    pub state: FeedState,
}

/// One entry as the archive keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryRow {
    /// The key of the feed that holds it.
    pub feed: String,
    /// When the archive first saw it.
    pub first_seen: DateTime<Utc>,
    /// When a fetch last carried it.
    pub last_seen: DateTime<Utc>,
    /// It came with its feed's first fetch, as part of the back catalogue.
    pub backlog: bool,
    /// The post, as the archive stored it.
    pub post: Post,
}

/// How an import treats an archive that already holds something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restore {
    /// Only into an empty archive: anything else is refused.
    IntoEmpty,
    /// Adds what the archive lacks; what it holds is kept as it is.
    Merge,
}

/// What an import put into the archive.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Restored {
    /// Feeds the archive did not know.
    pub feeds_added: usize,
    /// Feeds it knew (by key or by an address), whose state it kept.
    pub feeds_known: usize,
    /// Entries added.
    pub entries_added: usize,
    /// Entries it already held, kept as they were.
    pub entries_kept: usize,
}

impl Archive {
    /// How many feeds and entries the archive holds.
    pub fn size(&self) -> Result<(usize, usize), ArchiveError> {
        let count = |table: &str| -> rusqlite::Result<usize> {
            self.conn
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
                    r.get::<_, i64>(0)
                })
                .map(|n| n as usize)
        };
        (|| Ok((count("feeds")?, count("entries")?)))().map_err(|e| self.error(e))
    }

    /// Every feed as stored, by key.
    pub fn feed_rows(&self) -> Result<Vec<FeedRow>, ArchiveError> {
        let read = || -> rusqlite::Result<Vec<FeedRow>> {
            let mut addresses: HashMap<String, Vec<String>> = HashMap::new();
            let mut stmt = self
                .conn
                .prepare("SELECT key, url FROM feed_urls ORDER BY key, url")?;
            for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))? {
                let (key, url): (String, String) = row?;
                addresses.entry(key).or_default().push(url);
            }
            let mut stmt = self.conn.prepare(&format!(
                "SELECT key, name, url, {STATE_COLUMNS} FROM feeds ORDER BY key"
            ))?;
            let rows = stmt.query_map([], |r| {
                let key: String = r.get(0)?;
                Ok(FeedRow {
                    addresses: addresses.remove(&key).unwrap_or_default(),
                    key,
                    name: r.get(1)?,
                    url: r.get(2)?,
                    state: read_state(r, 3)?,
                })
            })?;
            rows.collect()
        };
        read().map_err(|e| self.error(e))
    }

    /// Hands every entry to `visit`, by feed then id, one at a time: an archive of 100,000
    /// posts is never held whole.
    pub fn each_entry<E: From<ArchiveError>>(
        &self,
        mut visit: impl FnMut(EntryRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT feed_key, first_seen, last_seen, backlog, post FROM entries
                 ORDER BY feed_key, id",
            )
            .map_err(|e| self.error(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .map_err(|e| self.error(e))?;
        for row in rows {
            let (feed, first_seen, last_seen, backlog, json) = row.map_err(|e| self.error(e))?;
            let mut post: Post = serde_json::from_str(&json).map_err(|e| ArchiveError::Decode {
                path: self.path.clone(),
                feed: feed.clone(),
                message: e.to_string(),
            })?;
            post.source = Source::Feed(FeedKey(feed.clone()));
            visit(EntryRow {
                feed,
                first_seen,
                last_seen,
                backlog,
                post,
            })?;
        }
        Ok(())
    }

    /// Puts `feeds` and `entries` into the archive in one transaction: an entry that fails to
    /// arrive (a damaged or truncated export) leaves the archive as it was.
    ///
    /// With [`Restore::Merge`], a feed the archive knows by its key or by any of its addresses
    /// keeps its own state and takes the imported entries it lacks.
    pub fn restore<E: From<ArchiveError>>(
        &mut self,
        mode: Restore,
        feeds: &[FeedRow],
        entries: impl Iterator<Item = Result<EntryRow, E>>,
    ) -> Result<Restored, E> {
        let (known_feeds, known_entries) = self.size()?;
        if mode == Restore::IntoEmpty && (known_feeds > 0 || known_entries > 0) {
            return Err(ArchiveError::NotEmpty {
                path: self.path.clone(),
                feeds: known_feeds,
                entries: known_entries,
            }
            .into());
        }
        let path = self.path.clone();
        let error = |e| Archive::error_at(&path, e);
        let tx = self.conn.transaction().map_err(error)?;
        let mut restored = Restored::default();
        let mut keys: HashMap<String, String> = HashMap::new();
        for feed in feeds {
            let key = match known_key(&tx, feed).map_err(error)? {
                Some(key) => {
                    restored.feeds_known += 1;
                    key
                }
                None => {
                    insert_feed(&tx, feed).map_err(error)?;
                    restored.feeds_added += 1;
                    feed.key.clone()
                }
            };
            for address in &feed.addresses {
                tx.execute(
                    "INSERT OR IGNORE INTO feed_urls (url, key) VALUES (?1, ?2)",
                    params![address, key],
                )
                .map_err(error)?;
            }
            keys.insert(feed.key.clone(), key);
        }
        for entry in entries {
            let mut entry = entry?;
            let Some(key) = keys.get(&entry.feed) else {
                return Err(ArchiveError::Decode {
                    path: path.clone(),
                    feed: entry.feed,
                    message: "an entry of a feed the export does not list".into(),
                }
                .into());
            };
            entry.post.source = Source::Feed(FeedKey(key.clone()));
            let json = serde_json::to_string(&entry.post).expect("a post always serialises");
            let added = tx
                .execute(
                    "INSERT OR IGNORE INTO entries (feed_key, id, first_seen, last_seen, backlog, post)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        key,
                        entry.post.id,
                        entry.first_seen,
                        entry.last_seen,
                        entry.backlog,
                        json
                    ],
                )
                .map_err(error)?;
            if added == 1 {
                restored.entries_added += 1;
            } else {
                restored.entries_kept += 1;
            }
        }
        tx.commit().map_err(error)?;
        Ok(restored)
    }
}

/// The archive's key for an imported feed: its own key, else the feed an address points at.
fn known_key(tx: &Transaction<'_>, feed: &FeedRow) -> rusqlite::Result<Option<String>> {
    let by_key: Option<String> = tx
        .query_row("SELECT key FROM feeds WHERE key = ?1", [&feed.key], |r| {
            r.get(0)
        })
        .optional()?;
    if by_key.is_some() {
        return Ok(by_key);
    }
    // The key is the address the feed was first known by.
    let addresses = std::iter::once(&feed.key)
        .chain(&feed.addresses)
        .chain(feed.url.as_ref());
    for address in addresses {
        let by_address: Option<String> = tx
            .query_row("SELECT key FROM feed_urls WHERE url = ?1", [address], |r| {
                r.get(0)
            })
            .optional()?;
        if by_address.is_some() {
            return Ok(by_address);
        }
    }
    Ok(None)
}

fn insert_feed(tx: &Transaction<'_>, feed: &FeedRow) -> rusqlite::Result<()> {
    let state = &feed.state;
    tx.execute(
        &format!(
            "INSERT INTO feeds (key, name, url, {STATE_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        ),
        params![
            feed.key,
            feed.name,
            feed.url,
            state.etag,
            state.last_modified,
            state.final_url,
            state.status.as_str(),
            state.error,
            state.last_attempt,
            state.last_success,
            state.first_fetched,
            state.retry_after
        ],
    )?;
    Ok(())
}
