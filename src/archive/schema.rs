//! The archive's tables, and the migrations that bring an older archive up to them.
//!
//! Each migration runs in the transaction that opens the archive, so a kill halfway leaves the
//! archive as it was before.

use rusqlite::Transaction;

/// The version of the tables this roundup writes, kept in SQLite's `user_version`.
pub(super) const VERSION: i64 = 3;

/// The tables as a new archive has them.
const TABLES: &str = "
CREATE TABLE feeds (
    key            TEXT PRIMARY KEY,
    name           TEXT,
    url            TEXT,
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
CREATE TABLE feed_urls (
    url  TEXT PRIMARY KEY,
    key  TEXT NOT NULL
);
CREATE TABLE entries (
    feed_key    TEXT NOT NULL,
    id          TEXT NOT NULL,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    backlog     INTEGER NOT NULL,
    post        TEXT NOT NULL,
    PRIMARY KEY (feed_key, id)
);
";

/// Version 3's table, which a new archive has too: each fetching build's feed health counts (see [`super::history`]).
const BUILDS: &str = "
CREATE TABLE builds (
    at            TEXT PRIMARY KEY,
    ok            INTEGER NOT NULL,
    not_modified  INTEGER NOT NULL,
    moved         INTEGER NOT NULL,
    failed        INTEGER NOT NULL,
    gone          INTEGER NOT NULL
);
";

/// Brings the tables from `version` to [`VERSION`].
pub(super) fn migrate(tx: &Transaction<'_>, version: i64) -> rusqlite::Result<()> {
    // Each step brings the tables one version on, so an archive of any age gets there.
    if version == 0 {
        tx.execute_batch(TABLES)?;
    } else if version < 2 {
        from_1(tx)?;
    }
    if version < 3 {
        tx.execute_batch(BUILDS)?;
    }
    tx.pragma_update(None, "user_version", VERSION)
}

/// Version 1 knew a feed by its configured URL, so editing that URL in `feeds.toml` after a
/// move started a new, empty history and hid the old one. Version 2 keeps the first URL as the
/// feed's key, every address it was known by in `feed_urls`, and its name, so that a moved feed
/// is recognised; a history already split by such an edit is joined back here.
fn from_1(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(
        "ALTER TABLE feeds RENAME COLUMN url TO key;
         ALTER TABLE feeds ADD COLUMN name TEXT;
         ALTER TABLE feeds ADD COLUMN url TEXT;
         UPDATE feeds SET url = key;
         ALTER TABLE entries RENAME COLUMN feed_url TO feed_key;
         CREATE TABLE feed_urls (url TEXT PRIMARY KEY, key TEXT NOT NULL);
         INSERT INTO feed_urls (url, key) SELECT key, key FROM feeds;",
    )?;
    // A feed that moved for good, and whose new address was then configured and fetched as a
    // feed of its own: the two are one blog.
    let splits: Vec<(String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT old.key, new.key FROM feeds AS old JOIN feeds AS new
             ON new.key = old.final_url AND new.key != old.key
             WHERE old.status = 'moved' ORDER BY old.key",
        )?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    for (old, new) in splits {
        join(tx, &old, &new)?;
    }
    // A move seen but not yet acted on: the new address already belongs to the feed.
    tx.execute(
        "INSERT OR IGNORE INTO feed_urls (url, key)
         SELECT final_url, key FROM feeds WHERE status = 'moved' AND final_url IS NOT NULL",
        [],
    )?;
    Ok(())
}

/// Folds the history of feed `newer` into feed `older`: the entries (where both hold one
/// entry, the copy fetched most recently wins), the newer's fetch state and its addresses.
fn join(tx: &Transaction<'_>, older: &str, newer: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO entries (feed_key, id, first_seen, last_seen, backlog, post)
         SELECT ?1, n.id, min(n.first_seen, coalesce(o.first_seen, n.first_seen)), n.last_seen,
                coalesce(o.backlog, n.backlog), n.post
         FROM entries AS n LEFT JOIN entries AS o ON o.feed_key = ?1 AND o.id = n.id
         WHERE n.feed_key = ?2",
        [older, newer],
    )?;
    tx.execute("DELETE FROM entries WHERE feed_key = ?1", [newer])?;
    tx.execute(
        "UPDATE feeds SET (url, etag, last_modified, final_url, status, error, last_attempt,
                           last_success, retry_after) =
            (SELECT url, etag, last_modified, final_url, status, error, last_attempt,
                    last_success, retry_after FROM feeds WHERE key = ?2)
         WHERE key = ?1",
        [older, newer],
    )?;
    tx.execute("DELETE FROM feeds WHERE key = ?1", [newer])?;
    tx.execute(
        "UPDATE feed_urls SET key = ?1 WHERE key = ?2",
        [older, newer],
    )?;
    Ok(())
}
