//! How each feed fares: what the archive remembers of it between builds ([`FeedState`]) and
//! what one build made of it ([`FeedHealth`]), for the build summary, `health.json` and the
//! blog roll's pages.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, Serializer};

pub use crate::post::FeedKey;

/// How a feed fared on its last attempt.
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

    /// The status the archive stored as text; anything unknown reads as a failure.
    pub fn parse(text: &str) -> Status {
        match text {
            "ok" => Status::Ok,
            "not_modified" => Status::NotModified,
            "moved" => Status::Moved,
            "gone" => Status::Gone,
            _ => Status::Failed,
        }
    }

    /// Fetched fine: the feed needs nobody's attention.
    pub fn is_healthy(self) -> bool {
        matches!(self, Status::Ok | Status::NotModified)
    }
}

/// What the archive knows about one feed between builds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// Why a configured feed is not fetched this time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// `enabled = false`.
    Disabled,
    /// It answered 410 Gone before.
    Gone,
    /// The server asked to wait until then.
    Waiting(DateTime<Utc>),
}

/// Something about a feed worth a line in the summary, that is not a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// It answered from a new address for good.
    Moved {
        /// The configured address.
        from: String,
        /// Where it is now.
        to: String,
    },
    /// The configured address is a web page; the feed it links to was read.
    Discovered {
        /// The page.
        page: String,
        /// The feed found in it.
        feed: String,
    },
    /// It was not fetched this time.
    Skipped(Skip),
    /// It was read, but only after mending what was broken in it.
    Repaired(Vec<String>),
    /// Some of its entries give no date that can be read (nor one in their address): they are
    /// dated when they were first seen.
    Undated(usize),
    /// Where it led is another feed of the blog roll: its posts show under that one.
    SameAs {
        /// The other feed's name.
        other: String,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Moved { from, to } => write!(
                f,
                "moved: {from} → {to}; update feeds.toml (`roundup check --fix` does it)"
            ),
            Note::Discovered { page, feed } => write!(
                f,
                "found the feed {feed} through the page {page}; use it in feeds.toml"
            ),
            Note::Skipped(Skip::Disabled) => f.write_str("not fetched: enabled = false"),
            Note::Skipped(Skip::Gone) => f.write_str(
                "not fetched: the blog has removed its feed (HTTP 410 Gone); its posts stay",
            ),
            Note::Skipped(Skip::Waiting(until)) => write!(
                f,
                "not fetched: the server asked us to wait until {}",
                until.format("%-d %B %Y %H:%M UTC")
            ),
            Note::Repaired(repairs) => write!(f, "read with repairs: {}", repairs.join("; ")),
            Note::SameAs { other } => write!(
                f,
                "it leads to the same feed as {other:?} in feeds.toml, whose posts these are: keep one of the two"
            ),
            Note::Undated(1) => f.write_str(
                "1 entry gives no date that can be read: it is dated when it was first seen",
            ),
            Note::Undated(n) => write!(
                f,
                "{n} entries give no date that can be read: they are dated when first seen"
            ),
        }
    }
}

impl Serialize for Note {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// What `health.json` says of a feed that is gone, so its status never stands unexplained.
pub const GONE: &str =
    "the blog has removed its feed (HTTP 410 Gone); it is no longer fetched; its posts stay";

/// What `health.json` says of a feed that has never been fetched (added since the last build
/// that used the network).
pub const NOT_FETCHED: &str =
    "not fetched yet: the next build that uses the network (without --offline) fetches it";

/// One feed's health after a build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedHealth {
    /// The blog's name.
    pub name: String,
    /// The configured feed URL.
    pub url: String,
    /// Its name in the archive.
    #[serde(skip)]
    pub key: FeedKey,
    /// The outcome: `ok`, `not_modified`, `failed`, `moved` or `gone`.
    pub status: Status,
    /// Why it failed, or why it is gone.
    pub error: Option<String>,
    /// What else is worth knowing: moved, found through a page, skipped, repaired.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// Entries in the archive.
    pub entries: usize,
    /// Entries first seen in this build.
    pub new_entries: usize,
    /// Where the feed was really found, when that differs from `url`.
    pub final_url: Option<String>,
    /// Whether it was fetched in this build (not skipped, not offline).
    #[serde(skip)]
    pub fetched: bool,
    /// When it was last fetched or found unchanged, RFC 3339.
    #[serde(skip)]
    pub last_success: Option<String>,
}

impl FeedHealth {
    /// The health the archive remembers of a feed.
    pub fn remembered(
        name: &str,
        url: &str,
        key: FeedKey,
        state: Option<&FeedState>,
        entries: usize,
    ) -> Self {
        let status = state.map_or(Status::Failed, |s| s.status);
        let final_url = state.and_then(|s| s.final_url.clone());
        // Every status that needs someone's attention carries a reason a person can read, in
        // builds that fetched nothing too.
        let error = match status {
            Status::Gone => Some(GONE.to_string()),
            Status::Failed => Some(
                state
                    .and_then(|s| s.error.clone())
                    .unwrap_or_else(|| NOT_FETCHED.to_string()),
            ),
            _ => state.and_then(|s| s.error.clone()),
        };
        let notes = match (&final_url, status) {
            (Some(to), Status::Moved) if to != url => vec![Note::Moved {
                from: url.to_string(),
                to: to.clone(),
            }],
            _ => Vec::new(),
        };
        FeedHealth {
            name: name.to_string(),
            url: url.to_string(),
            key,
            status,
            error,
            notes,
            entries,
            new_entries: 0,
            final_url: final_url.filter(|f| f != url),
            fetched: false,
            last_success: state.and_then(|s| s.last_success).map(|t| t.to_rfc3339()),
        }
    }

    /// Whether the summary names this feed: it was fetched, and it failed, moved, is gone, or
    /// has a note.
    pub fn needs_attention(&self) -> bool {
        self.fetched && (!self.status.is_healthy() || !self.notes.is_empty())
    }

    /// The reason the summary gives for it: the error, else its notes.
    pub fn reason(&self) -> String {
        match &self.error {
            Some(error) => error.clone(),
            None => self
                .notes
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        }
    }
}

/// Counts by status of the feeds fetched in this build, for the one-line summary.
pub fn tally(feeds: &[FeedHealth]) -> Vec<(Status, usize)> {
    [
        Status::Ok,
        Status::NotModified,
        Status::Moved,
        Status::Failed,
        Status::Gone,
    ]
    .into_iter()
    .map(|status| {
        let n = feeds
            .iter()
            .filter(|f| f.fetched && f.status == status)
            .count();
        (status, n)
    })
    .filter(|(_, n)| *n > 0)
    .collect()
}

/// How the blog roll stood after one build that fetched: how many of its enabled feeds ended in
/// each status. The archive keeps the last few, for the pulse page's chart of feed health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildHealth {
    /// The build's "now".
    pub at: DateTime<Utc>,
    /// Fetched and read.
    pub ok: usize,
    /// Unchanged since the last fetch.
    pub not_modified: usize,
    /// Answering from a new address.
    pub moved: usize,
    /// Failing, or waiting out a server's `Retry-After` after failing.
    pub failed: usize,
    /// Gone for good.
    pub gone: usize,
}

impl BuildHealth {
    /// The counts of one build; a disabled feed is nobody's concern and is left out.
    pub fn count(at: DateTime<Utc>, feeds: &[FeedHealth]) -> Self {
        let mut counts = BuildHealth {
            at,
            ok: 0,
            not_modified: 0,
            moved: 0,
            failed: 0,
            gone: 0,
        };
        let disabled = |f: &FeedHealth| f.notes.contains(&Note::Skipped(Skip::Disabled));
        for feed in feeds.iter().filter(|f| !disabled(f)) {
            *counts.of(feed.status) += 1;
        }
        counts
    }

    /// The count of one status.
    pub fn get(&self, status: Status) -> usize {
        match status {
            Status::Ok => self.ok,
            Status::NotModified => self.not_modified,
            Status::Moved => self.moved,
            Status::Failed => self.failed,
            Status::Gone => self.gone,
        }
    }

    fn of(&mut self, status: Status) -> &mut usize {
        match status {
            Status::Ok => &mut self.ok,
            Status::NotModified => &mut self.not_modified,
            Status::Moved => &mut self.moved,
            Status::Failed => &mut self.failed,
            Status::Gone => &mut self.gone,
        }
    }
}

/// The share of the fetched feeds that failed, in percent; 0 when none was fetched.
pub fn failed_percent(feeds: &[FeedHealth]) -> f64 {
    let fetched = feeds.iter().filter(|f| f.fetched).count();
    let failed = feeds
        .iter()
        .filter(|f| f.fetched && f.status == Status::Failed)
        .count();
    if fetched == 0 {
        0.0
    } else {
        100.0 * failed as f64 / fetched as f64
    }
}

/// More feeds than this with one reason are summed up in one line of the summary.
const GROUP_FROM: usize = 5;

/// A line of the summary about feeds that need attention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attention<'a> {
    /// One feed, named.
    One(&'a FeedHealth),
    /// Many feeds with one reason (no network, say): one line, not a hundred.
    Many {
        /// The reason they share.
        reason: String,
        /// The feeds, in `feeds.toml` order.
        feeds: Vec<&'a FeedHealth>,
    },
}

/// The feeds the summary names, in `feeds.toml` order, those sharing one reason grouped.
pub fn attention(feeds: &[FeedHealth]) -> Vec<Attention<'_>> {
    let needing: Vec<(&FeedHealth, String)> = feeds
        .iter()
        .filter(|f| f.needs_attention())
        .map(|f| (f, f.reason()))
        .collect();
    let mut lines: Vec<Attention<'_>> = Vec::new();
    for (feed, reason) in &needing {
        let sharing: Vec<&FeedHealth> = needing
            .iter()
            .filter(|(_, r)| r == reason)
            .map(|(f, _)| *f)
            .collect();
        if sharing.len() <= GROUP_FROM {
            lines.push(Attention::One(feed));
        } else if std::ptr::eq(sharing[0], *feed) {
            lines.push(Attention::Many {
                reason: reason.clone(),
                feeds: sharing,
            });
        }
    }
    lines
}

/// Whether every feed fetched in this build failed: with no network at all, say so once.
pub fn all_failed(feeds: &[FeedHealth]) -> bool {
    let mut fetched = feeds.iter().filter(|f| f.fetched).peekable();
    fetched.peek().is_some() && fetched.all(|f| f.status == Status::Failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(status: Status, fetched: bool) -> FeedHealth {
        FeedHealth {
            name: "Blog".into(),
            url: "https://blog.example/feed".into(),
            key: FeedKey("https://blog.example/feed".into()),
            status,
            error: None,
            notes: Vec::new(),
            entries: 0,
            new_entries: 0,
            final_url: None,
            fetched,
            last_success: None,
        }
    }

    #[test]
    fn only_feeds_fetched_this_time_count() {
        let feeds = [
            feed(Status::Ok, true),
            feed(Status::Failed, true),
            feed(Status::Failed, false),
            feed(Status::NotModified, true),
        ];
        assert_eq!(
            tally(&feeds),
            [
                (Status::Ok, 1),
                (Status::NotModified, 1),
                (Status::Failed, 1)
            ]
        );
        assert!((failed_percent(&feeds) - 100.0 / 3.0).abs() < 1e-9);
        assert!(!all_failed(&feeds));
        assert_eq!(failed_percent(&[]), 0.0);
        assert!(!all_failed(&[feed(Status::Failed, false)]));
        assert!(all_failed(&[feed(Status::Failed, true)]));
    }

    #[test]
    fn a_build_s_health_counts_every_enabled_feed_by_status() {
        let mut disabled = feed(Status::Failed, false);
        disabled.notes.push(Note::Skipped(Skip::Disabled));
        let feeds = [
            feed(Status::Ok, true),
            feed(Status::Ok, true),
            feed(Status::NotModified, true),
            feed(Status::Gone, false),
            feed(Status::Failed, true),
            disabled,
        ];
        let at = DateTime::parse_from_rfc3339("2026-11-24T12:00:00Z")
            .unwrap()
            .to_utc();
        let counts = BuildHealth::count(at, &feeds);
        assert_eq!(
            (
                counts.ok,
                counts.not_modified,
                counts.moved,
                counts.failed,
                counts.gone
            ),
            (2, 1, 0, 1, 1)
        );
        assert_eq!(counts.get(Status::Ok), 2);
    }

    #[test]
    fn a_feed_needs_attention_when_fetched_and_not_plainly_fine() {
        assert!(!feed(Status::Ok, true).needs_attention());
        assert!(!feed(Status::Failed, false).needs_attention());
        assert!(feed(Status::Failed, true).needs_attention());
        assert!(feed(Status::Moved, true).needs_attention());
        let mut repaired = feed(Status::Ok, true);
        repaired
            .notes
            .push(Note::Repaired(vec!["unclosed <item>".into()]));
        assert!(repaired.needs_attention());
        assert_eq!(repaired.reason(), "read with repairs: unclosed <item>");
    }

    #[test]
    fn many_feeds_failing_one_way_make_one_line() {
        let failing = |name: &str, error: &str| FeedHealth {
            name: name.into(),
            error: Some(error.into()),
            ..feed(Status::Failed, true)
        };
        let mut feeds: Vec<FeedHealth> = (0..7)
            .map(|n| failing(&format!("Offline {n}"), "DNS lookup failed"))
            .collect();
        feeds.insert(2, failing("Broken", "HTTP 500"));
        feeds.push(feed(Status::Ok, true));
        let lines = attention(&feeds);
        assert_eq!(lines.len(), 2, "{lines:?}");
        match &lines[0] {
            Attention::Many { reason, feeds } => {
                assert_eq!(reason, "DNS lookup failed");
                assert_eq!(feeds.len(), 7);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(lines[1], Attention::One(&feeds[2]));
        // Five sharing a reason are still named one by one.
        assert_eq!(attention(&feeds[3..8]).len(), 5);
    }

    #[test]
    fn every_status_that_needs_attention_has_a_reason_in_builds_that_fetch_nothing() {
        let never = FeedHealth::remembered("B", "u", FeedKey("u".into()), None, 0);
        assert_eq!(never.error.as_deref(), Some(NOT_FETCHED));
        let state = FeedState {
            etag: None,
            last_modified: None,
            final_url: Some("https://new.example/feed".into()),
            status: Status::Moved,
            error: None,
            last_attempt: None,
            last_success: None,
            first_fetched: None,
            retry_after: None,
        };
        let moved = FeedHealth::remembered("B", "u", FeedKey("u".into()), Some(&state), 0);
        assert!(moved.reason().contains("new.example"), "{}", moved.reason());
        let json = serde_json::to_string(&moved).unwrap();
        assert!(json.contains("roundup check --fix"), "{json}");
    }

    #[test]
    fn a_gone_feed_says_why_and_that_its_posts_stay() {
        let state = FeedState {
            etag: None,
            last_modified: None,
            final_url: None,
            status: Status::Gone,
            error: None,
            last_attempt: None,
            last_success: None,
            first_fetched: None,
            retry_after: None,
        };
        let health = FeedHealth::remembered("B", "u", FeedKey("u".into()), Some(&state), 3);
        let reason = health.error.unwrap();
        assert!(
            reason.contains("410") && reason.contains("posts stay"),
            "{reason}"
        );
    }
}
