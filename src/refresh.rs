//! The remote half of the pipeline: which feeds to fetch, fetching them, reading and
//! sanitising what came back, and storing it in the archive; then how each feed fared.
//!
//! A feed's failure is recorded in its health and never stops the build; only the archive
//! failing does.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use crate::archive::{Archive, ArchiveError, Update};
use crate::config::{Config, FeedConfig};
use crate::feed;
use crate::fetch::{Fetcher, Outcome, Request};
use crate::guard::guarded;
use crate::health::{BuildHealth, FeedHealth, FeedKey, FeedState, Note, Skip, Status};
use crate::ingest;
use crate::sanitize::Sanitizer;
use crate::urls::url_key;

/// Brings the archive up to date with the blog roll and returns each feed's health, in
/// `feeds.toml` order, recording the build's counts in the archive's history. With no fetcher
/// (`--offline`) nothing is fetched and nothing recorded: the health is what the archive
/// remembers.
pub fn refresh(
    config: &Config,
    archive: &mut Archive,
    fetcher: Option<&Fetcher<'_>>,
    now: DateTime<Utc>,
) -> Result<Vec<FeedHealth>, ArchiveError> {
    let keys = archive.resolve(&config.feeds)?;
    let mut notes: HashMap<FeedKey, Vec<Note>> = HashMap::new();
    let mut new_entries = HashMap::new();
    if let Some(fetcher) = fetcher {
        let states = archive.states()?;
        let (requests, skipped) = plan(&config.feeds, &keys, &states, now);
        for (key, skip) in skipped {
            notes.entry(key).or_default().push(Note::Skipped(skip));
        }
        let sanitizer = Sanitizer::new();
        let updates = Mutex::new(Vec::with_capacity(requests.len()));
        // Each feed is parsed on rayon's threads as soon as it arrives, while the rest are
        // still on their way: the parsing of a thousand feeds hides behind the network.
        rayon::in_place_scope(|scope| {
            fetcher.fetch_each(requests, |i, request, outcome| {
                let (sanitizer, updates) = (&sanitizer, &updates);
                scope.spawn(move |_| {
                    let update = to_update(request, outcome, sanitizer, now);
                    updates.lock().expect("not poisoned").push((i, update));
                });
            });
        });
        let mut updates = updates.into_inner().expect("not poisoned");
        updates.sort_by_key(|(i, _)| *i);
        let by_address: HashMap<String, (&FeedKey, &str)> = config
            .feeds
            .iter()
            .zip(&keys)
            .map(|(feed, key)| (url_key(feed.url().as_str()), (key, feed.name())))
            .collect();
        let mut records = Vec::with_capacity(updates.len());
        for (_, (key, update, more)) in updates {
            let feed_notes = notes.entry(key.clone()).or_default();
            feed_notes.extend(more);
            if let Some(other) = alias_of(&update)
                .and_then(|a| by_address.get(&url_key(a)))
                .filter(|(other, _)| **other != key)
            {
                feed_notes.push(Note::SameAs {
                    other: other.1.to_string(),
                });
            }
            records.push((key, update));
        }
        new_entries = archive.record(now, records)?;
    }
    let states = archive.states()?;
    let counts = archive.counts()?;
    let fetched = fetcher.is_some();
    let health: Vec<FeedHealth> = config
        .feeds
        .iter()
        .zip(keys)
        .map(|(feed, key)| {
            let mut health = FeedHealth::remembered(
                feed.name(),
                feed.url().as_str(),
                key.clone(),
                states.get(&key),
                counts.get(&key).copied().unwrap_or(0),
            );
            health.new_entries = new_entries.get(&key).copied().unwrap_or(0);
            health.fetched = new_entries.contains_key(&key);
            if let Some(notes) = notes.remove(&key) {
                health.notes = notes;
            }
            health
        })
        .collect();
    // Only a build that asked the feeds learns how they fare; an offline rebuild would repeat
    // the last counts as if they were news.
    if fetched {
        archive.record_build(&BuildHealth::count(now, &health))?;
    }
    Ok(health)
}

/// The lasting new address an update records, if any.
fn alias_of(update: &Update) -> Option<&str> {
    match update {
        Update::Fetched { alias, .. } | Update::NotModified { alias, .. } => alias.as_deref(),
        _ => None,
    }
}

/// Which feeds to fetch now, with their validators, and which to leave alone and why.
fn plan(
    feeds: &[FeedConfig],
    keys: &[FeedKey],
    states: &HashMap<FeedKey, FeedState>,
    now: DateTime<Utc>,
) -> (Vec<Request>, Vec<(FeedKey, Skip)>) {
    let mut requests = Vec::new();
    let mut skipped = Vec::new();
    for (feed, key) in feeds.iter().zip(keys) {
        let state = states.get(key);
        let skip = if !feed.enabled {
            Some(Skip::Disabled)
        } else if state.is_some_and(|s| s.status == Status::Gone) {
            Some(Skip::Gone)
        } else {
            state
                .and_then(|s| s.retry_after)
                .filter(|until| *until > now)
                .map(Skip::Waiting)
        };
        match skip {
            Some(skip) => skipped.push((key.clone(), skip)),
            None => requests.push(Request {
                key: key.clone(),
                url: feed.url().clone(),
                etag: state.and_then(|s| s.etag.clone()),
                last_modified: state.and_then(|s| s.last_modified.clone()),
            }),
        }
    }
    (requests, skipped)
}

/// A fetch's outcome as an archive update, with what is worth telling about it.
fn to_update(
    request: Request,
    outcome: Outcome,
    sanitizer: &Sanitizer,
    now: DateTime<Utc>,
) -> (FeedKey, Update, Vec<Note>) {
    let moved_to = outcome.moved_to().map(ToString::to_string);
    let moved = moved_to.is_some();
    let discovered = outcome.discovered().map(ToString::to_string);
    let mut notes = Vec::new();
    if let Some(to) = &moved_to {
        notes.push(Note::Moved {
            from: request.url.to_string(),
            to: to.clone(),
        });
    }
    if let Some(feed) = &discovered {
        notes.push(Note::Discovered {
            page: request.url.to_string(),
            feed: feed.clone(),
        });
    }
    let alias = moved_to.or(discovered);
    let update = match outcome {
        Outcome::Body {
            bytes,
            content_type,
            final_url,
            etag,
            last_modified,
            ..
        } => {
            let read = guarded(|| {
                feed::parse(&bytes, content_type.as_deref(), &final_url).map(|parsed| {
                    let repairs: Vec<String> =
                        parsed.repairs.iter().map(ToString::to_string).collect();
                    (
                        ingest::posts(&request.key, parsed, &final_url, sanitizer),
                        repairs,
                    )
                })
            });
            match read {
                Ok(Ok((entries, repairs))) => {
                    if !repairs.is_empty() {
                        notes.push(Note::Repaired(repairs));
                    }
                    let undated = entries.iter().filter(|e| e.date.is_none()).count();
                    if undated > 0 {
                        notes.push(Note::Undated(undated));
                    }
                    Update::Fetched {
                        etag,
                        last_modified,
                        moved,
                        final_url: final_url.to_string(),
                        alias,
                        entries,
                    }
                }
                Ok(Err(e)) => Update::Failed {
                    error: format!("not a readable feed: {e}"),
                    retry_after: None,
                },
                Err(panicked) => Update::Failed {
                    error: panicked.to_string(),
                    retry_after: None,
                },
            }
        }
        Outcome::NotModified { ref hops } => Update::NotModified {
            final_url: hops
                .last()
                .map_or_else(|| request.url.to_string(), |h| h.to.to_string()),
            moved,
            alias,
        },
        Outcome::Gone => Update::Gone,
        Outcome::Failed { error, retry_after } => Update::Failed {
            error: error.to_string(),
            retry_after: retry_after.map(|wait| now + wait),
        },
    };
    (request.key, update, notes)
}
