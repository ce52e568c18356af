//! How each feed fared in a build: read by the build summary, `health.json` and the blog roll.

use serde::Serialize;

use crate::archive::{FeedState, Status};

/// One feed's health after a build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedHealth {
    /// The blog's name.
    pub name: String,
    /// The configured feed URL.
    pub url: String,
    /// The outcome: `ok`, `not_modified`, `failed`, `moved` or `gone`.
    pub status: Status,
    /// Why it failed, or a note (moved, found through a page, skipped).
    pub error: Option<String>,
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
    /// The health the archive remembers, for a feed not fetched in this build.
    pub fn remembered(
        name: &str,
        url: &str,
        state: Option<&FeedState>,
        entries: usize,
        note: Option<String>,
    ) -> Self {
        FeedHealth {
            name: name.to_string(),
            url: url.to_string(),
            status: state.map_or(Status::Failed, |s| s.status),
            error: note.or_else(|| state.and_then(|s| s.error.clone())),
            entries,
            new_entries: 0,
            final_url: state.and_then(|s| s.final_url.clone()).filter(|f| f != url),
            fetched: false,
            last_success: state.and_then(|s| s.last_success).map(|t| t.to_rfc3339()),
        }
    }
}

/// Counts by status, for the one-line summary.
pub fn tally(feeds: &[FeedHealth]) -> Vec<(Status, usize)> {
    let mut counts: Vec<(Status, usize)> = Vec::new();
    for status in [
        Status::Ok,
        Status::NotModified,
        Status::Moved,
        Status::Failed,
        Status::Gone,
    ] {
        let n = feeds
            .iter()
            .filter(|f| f.fetched && f.status == status)
            .count();
        if n > 0 {
            counts.push((status, n));
        }
    }
    counts
}
