//! Fetching feeds over HTTP: in parallel, politely, incrementally, and never failing the build.
//!
//! Every feed gets an [`Outcome`]; nothing here returns an error for a bad feed. Redirects are
//! followed by hand so each hop is recorded, and an HTML page is followed to the feed it names.
//!
//! One job a file: `politeness` (how many at once, in all and per host), `client` (one feed's
//! requests, redirects and retries), `body` (reading a body under the size limit), `outcome`
//! (what a fetch came to), `discover` (a page's feed links), `dns` (name lookups).

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::stream::{FuturesUnordered, StreamExt};
use url::Url;

mod body;
mod client;
mod discover;
mod dns;
mod outcome;
mod politeness;

pub use outcome::{FetchError, Hop, Outcome};

use crate::config::Config;
use crate::post::FeedKey;
/// How many redirects a fetch follows before giving up.
const MAX_REDIRECTS: usize = 5;

/// The limits and manners of fetching, resolved from `[fetch]`.
#[derive(Debug, Clone)]
pub struct FetchSettings {
    /// Fetches at once.
    pub concurrency: usize,
    /// Fetches at once to one host.
    pub per_host: usize,
    /// A whole fetch, redirects and retries included.
    pub timeout: Duration,
    /// Connecting.
    pub connect_timeout: Duration,
    /// The biggest body accepted, after decompression.
    pub max_bytes: u64,
    /// Sent with every request.
    pub user_agent: String,
    /// Retries of a transient failure.
    pub retries: u32,
    /// The wait before the first retry; it doubles after each.
    pub backoff: Duration,
}

impl FetchSettings {
    /// Settings from a site's configuration.
    pub fn new(config: &Config) -> Self {
        let fetch = &config.fetch;
        FetchSettings {
            concurrency: fetch.concurrency.get(),
            per_host: fetch.per_host.get(),
            timeout: Duration::from_secs(fetch.timeout),
            connect_timeout: Duration::from_secs(fetch.connect_timeout),
            max_bytes: fetch.max_bytes,
            user_agent: fetch.user_agent.clone().unwrap_or_else(|| {
                format!(
                    "roundup/{} (+{})",
                    env!("CARGO_PKG_VERSION"),
                    config.site.base_url
                )
            }),
            retries: fetch.retries,
            backoff: Duration::from_secs(1),
        }
    }
}

/// One feed to fetch.
#[derive(Debug, Clone)]
pub struct Request {
    /// The feed's key in the archive.
    pub key: FeedKey,
    /// Where to ask.
    pub url: Url,
    /// From the last full response, for a conditional GET.
    pub etag: Option<String>,
    /// From the last full response, for a conditional GET.
    pub last_modified: Option<String>,
}

/// Told how a build goes, for a progress bar or log lines: the fetching, and a wait for the
/// lock another build of the site holds.
pub trait Progress: Sync {
    /// Fetching begins.
    fn start(&self, _total: usize) {}
    /// One feed is done.
    fn done(&self, _request: &Request, _outcome: &Outcome) {}
    /// All feeds are done.
    fn finish(&self) {}
    /// Another build of the site holds its lock (process `pid`, if known): this one waits.
    fn waiting(&self, _pid: Option<u32>) {}
}

/// Reports nothing.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;
impl Progress for Silent {}

/// Fetches feeds for one build: the settings, the runtime the requests run on, who hears of
/// progress, and the moment the build counts from.
pub struct Fetcher<'a> {
    settings: FetchSettings,
    runtime: &'a tokio::runtime::Handle,
    progress: &'a dyn Progress,
    now: DateTime<Utc>,
}

impl<'a> Fetcher<'a> {
    /// A fetcher running its requests on `runtime`.
    pub fn new(
        settings: FetchSettings,
        runtime: &'a tokio::runtime::Handle,
        progress: &'a dyn Progress,
        now: DateTime<Utc>,
    ) -> Self {
        Fetcher {
            settings,
            runtime,
            progress,
            now,
        }
    }

    /// Fetches every request (see [`fetch_all`]), waiting for them all.
    pub fn fetch_all(&self, requests: Vec<Request>) -> Vec<(Request, Outcome)> {
        self.runtime
            .block_on(fetch_all(requests, &self.settings, self.progress, self.now))
    }

    /// Fetches every request (see [`fetch_each`]), handing each outcome to `done` as it comes.
    pub fn fetch_each(&self, requests: Vec<Request>, done: impl FnMut(usize, Request, Outcome)) {
        self.runtime.block_on(fetch_each(
            requests,
            &self.settings,
            self.progress,
            self.now,
            done,
        ));
    }
}

/// Fetches every request, at most `concurrency` at once and `per_host` per host; the results
/// come back in the order of `requests`.
pub async fn fetch_all(
    requests: Vec<Request>,
    settings: &FetchSettings,
    progress: &dyn Progress,
    now: DateTime<Utc>,
) -> Vec<(Request, Outcome)> {
    let mut results = Vec::with_capacity(requests.len());
    fetch_each(requests, settings, progress, now, |i, request, outcome| {
        results.push((i, request, outcome));
    })
    .await;
    results.sort_by_key(|(i, _, _)| *i);
    results.into_iter().map(|(_, r, o)| (r, o)).collect()
}

/// Fetches every request, at most `concurrency` at once and `per_host` per host, handing each
/// outcome to `done` with the request's place in `requests` as soon as it comes, so that what
/// is done with one (parsing it) overlaps the downloading of the rest.
pub async fn fetch_each(
    requests: Vec<Request>,
    settings: &FetchSettings,
    progress: &dyn Progress,
    now: DateTime<Utc>,
    mut done: impl FnMut(usize, Request, Outcome),
) {
    progress.start(requests.len());
    let client = match client::client(settings) {
        Ok(client) => client,
        Err(e) => {
            let error = FetchError::Client(e.to_string());
            for (i, request) in requests.into_iter().enumerate() {
                let outcome = Outcome::Failed {
                    error: error.clone(),
                    retry_after: None,
                };
                progress.done(&request, &outcome);
                done(i, request, outcome);
            }
            progress.finish();
            return;
        }
    };
    let limits = Arc::new(politeness::Limits::new(&requests, settings));
    let settings = Arc::new(settings.clone());
    // Each fetch is a task of its own, so reading and decompressing bodies spreads over the
    // runtime's threads instead of the one waiting here.
    let mut running: FuturesUnordered<_> = requests
        .into_iter()
        .enumerate()
        .map(|(i, request)| {
            let (client, limits, settings) =
                (client.clone(), Arc::clone(&limits), Arc::clone(&settings));
            tokio::spawn(async move {
                let slots = limits.acquire(&request.url).await;
                let outcome =
                    client::fetch_one(&client, &request, &settings, slots.keep_alive, now).await;
                (i, request, outcome)
            })
        })
        .collect();
    while let Some(joined) = running.next().await {
        let (i, request, outcome) =
            joined.unwrap_or_else(|failed| std::panic::resume_unwind(failed.into_panic()));
        progress.done(&request, &outcome);
        done(i, request, outcome);
    }
    progress.finish();
}
