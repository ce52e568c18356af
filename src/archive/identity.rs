//! Which archived feed each `[[feeds]]` table is: by an address the feed was known by, else by
//! its name, else it is new.
//!
//! This is what keeps a blog's history when its feed moves: the archive records every address a
//! feed answered from for good, so when its owner puts the new address in `feeds.toml` the feed
//! is still found; and an address edited by hand with the blog's name unchanged is the same
//! blog too.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, Transaction, params};

use crate::config::FeedConfig;
use crate::health::FeedKey;
use crate::slug::term_key;
use crate::urls::url_key;

/// The key of each feed of `feeds`, in order, recording new feeds, names and addresses.
pub(super) fn resolve(
    tx: &Transaction<'_>,
    feeds: &[FeedConfig],
) -> rusqlite::Result<Vec<FeedKey>> {
    let mut claimed: HashSet<String> = HashSet::new();
    let mut keys = Vec::with_capacity(feeds.len());
    for feed in feeds {
        let url = feed.url().as_str();
        let key = match find(tx, feed, &claimed)? {
            Some(key) => key,
            None => new_key(tx, url)?,
        };
        tx.execute(
            "UPDATE feeds SET name = ?2, url = ?3 WHERE key = ?1",
            params![key, feed.name(), url],
        )?;
        tx.execute(
            "INSERT OR REPLACE INTO feed_urls (url, key) VALUES (?1, ?2)",
            params![url, key],
        )?;
        claimed.insert(key.clone());
        keys.push(FeedKey(key));
    }
    Ok(keys)
}

/// An archived feed not yet claimed by an earlier table: by this exact address, by its name,
/// then by the address written another way (`http`/`https`, `www.`, a trailing slash).
fn find(
    tx: &Transaction<'_>,
    feed: &FeedConfig,
    claimed: &HashSet<String>,
) -> rusqlite::Result<Option<String>> {
    let free = |key: &Option<String>| key.as_ref().is_some_and(|k| !claimed.contains(k));
    let by_url: Option<String> = tx
        .query_row(
            "SELECT key FROM feed_urls WHERE url = ?1",
            [feed.url().as_str()],
            |r| r.get(0),
        )
        .optional()?;
    if free(&by_url) {
        return Ok(by_url);
    }
    let name = term_key(feed.name());
    let wanted = url_key(feed.url().as_str());
    let mut stmt = tx.prepare("SELECT key, name FROM feeds ORDER BY key")?;
    let known: Vec<(String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let by_name = known
        .iter()
        .find(|(key, n)| !claimed.contains(key) && n.as_deref().map(term_key) == Some(name.clone()))
        .map(|(key, _)| key.clone());
    if by_name.is_some() {
        return Ok(by_name);
    }
    let mut stmt = tx.prepare("SELECT url, key FROM feed_urls ORDER BY url")?;
    let addresses: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(addresses
        .into_iter()
        .find(|(url, key)| !claimed.contains(key) && url_key(url) == wanted)
        .map(|(_, key)| key))
}

/// Records a feed the archive has never seen; its key is its address, made unique.
fn new_key(tx: &Transaction<'_>, url: &str) -> rusqlite::Result<String> {
    let taken = |key: &str| -> rusqlite::Result<bool> {
        tx.query_row("SELECT 1 FROM feeds WHERE key = ?1", [key], |_| Ok(()))
            .optional()
            .map(|found| found.is_some())
    };
    let mut key = url.to_string();
    let mut n = 2;
    while taken(&key)? {
        key = format!("{url}#{n}");
        n += 1;
    }
    tx.execute(
        "INSERT INTO feeds (key, status) VALUES (?1, 'failed')",
        [&key],
    )?;
    Ok(key)
}
