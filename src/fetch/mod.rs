//! Fetching feeds over HTTP: in parallel, politely, incrementally, and never failing the build.
//!
//! Every feed gets an [`Outcome`]; nothing here returns an error for a bad feed. Redirects are
//! followed by hand so each hop is recorded, and an HTML page is followed to the feed it names.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::stream::{FuturesUnordered, StreamExt};
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio::sync::Semaphore;
use url::Url;

mod discover;
mod dns;

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

/// A redirect followed on the way to the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// Asked here.
    pub from: Url,
    /// Sent there.
    pub to: Url,
    /// The HTTP status, or 0 for a feed link found in an HTML page.
    pub status: u16,
}

impl Hop {
    /// A redirect that says the feed has moved for good.
    pub fn is_permanent(&self) -> bool {
        matches!(self.status, 301 | 308)
    }
}

/// What fetching one feed came to.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// A body to parse.
    Body {
        /// The bytes as sent, decompressed, not decoded.
        bytes: Vec<u8>,
        /// The `Content-Type` header.
        content_type: Option<String>,
        /// Where the body came from.
        final_url: Url,
        /// For the next conditional GET.
        etag: Option<String>,
        /// For the next conditional GET.
        last_modified: Option<String>,
        /// Redirects and discovery on the way.
        hops: Vec<Hop>,
    },
    /// HTTP 304: nothing changed since the last fetch.
    NotModified {
        /// Redirects on the way.
        hops: Vec<Hop>,
    },
    /// HTTP 410: the feed is gone for good.
    Gone,
    /// Nothing usable came back.
    Failed {
        /// Why.
        error: FetchError,
        /// The server asked not to be asked again for this long.
        retry_after: Option<chrono::Duration>,
    },
}

impl Outcome {
    /// The feed's new address, when every redirect on the way was permanent (301/308).
    pub fn moved_to(&self) -> Option<&Url> {
        match self {
            Outcome::Body { hops, .. } | Outcome::NotModified { hops } => {
                let redirects: Vec<&Hop> = hops.iter().filter(|h| h.status != 0).collect();
                let last = redirects.last()?;
                redirects
                    .iter()
                    .all(|h| h.is_permanent())
                    .then_some(&last.to)
            }
            _ => None,
        }
    }

    /// Puts the hops that led to this fetch before its own.
    fn prepend_hops(&mut self, mut earlier: Vec<Hop>) {
        if let Outcome::Body { hops, .. } | Outcome::NotModified { hops } = self {
            earlier.append(hops);
            *hops = earlier;
        }
    }

    /// The feed link an HTML page led to, if the URL was a page rather than a feed.
    pub fn discovered(&self) -> Option<&Url> {
        match self {
            Outcome::Body { hops, .. } => hops.iter().find(|h| h.status == 0).map(|h| &h.to),
            _ => None,
        }
    }
}

/// Why a fetch failed, in words a site's editor can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The host name does not resolve.
    #[error("DNS lookup failed: the host does not exist or there is no network")]
    Dns,
    /// Nothing listens there.
    #[error("connection refused")]
    Refused,
    /// The connection failed another way.
    #[error("cannot connect: {0}")]
    Connect(String),
    /// The whole fetch took too long.
    #[error("timed out after {0} seconds")]
    Timeout(u64),
    /// No connection within the connect timeout (a slow DNS lookup counts).
    #[error("could not connect within {0} seconds")]
    ConnectTimeout(u64),
    /// The server answered with an error.
    #[error("HTTP {0}")]
    Status(u16),
    /// The server asked to be left alone for a while (HTTP 429 or 503 with Retry-After).
    #[error("HTTP {status}: the server asked us to wait{}", .seconds.map(|s| format!(" {s} seconds")).unwrap_or_default())]
    RateLimited {
        /// 429 or 503.
        status: u16,
        /// How long to wait.
        seconds: Option<i64>,
    },
    /// The body passed the size limit.
    #[error("the feed is bigger than the limit of {0} bytes (after decompression)")]
    TooLarge(u64),
    /// Redirects went round in a circle.
    #[error("redirect loop at {0}")]
    RedirectLoop(String),
    /// More redirects than allowed.
    #[error("more than {MAX_REDIRECTS} redirects")]
    TooManyRedirects,
    /// A redirect without a usable `Location`.
    #[error("a redirect with no usable Location header")]
    BadRedirect,
    /// The body was cut short or undecodable.
    #[error("the response broke off: {0}")]
    Body(String),
    /// The body was empty.
    #[error("the response was empty")]
    Empty,
    /// The client could not be set up.
    #[error("cannot set up HTTP: {0}")]
    Client(String),
}

impl FetchError {
    /// Worth another try soon.
    fn is_transient(&self) -> bool {
        match self {
            FetchError::Refused | FetchError::Connect(_) | FetchError::Body(_) => true,
            FetchError::Status(code) => matches!(code, 500 | 502 | 503 | 504),
            _ => false,
        }
    }
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
}

/// Fetches every request, at most `concurrency` at once and `per_host` per host; the results
/// come back in the order of `requests`.
pub async fn fetch_all(
    requests: Vec<Request>,
    settings: &FetchSettings,
    progress: &dyn Progress,
    now: DateTime<Utc>,
) -> Vec<(Request, Outcome)> {
    progress.start(requests.len());
    let client = match client(settings) {
        Ok(client) => client,
        Err(e) => {
            let error = FetchError::Client(e.to_string());
            return requests
                .into_iter()
                .map(|r| {
                    let outcome = Outcome::Failed {
                        error: error.clone(),
                        retry_after: None,
                    };
                    progress.done(&r, &outcome);
                    (r, outcome)
                })
                .collect();
        }
    };
    let global = Semaphore::new(settings.concurrency.max(1));
    let hosts: HashMap<String, Arc<Semaphore>> = requests
        .iter()
        .map(|r| {
            (
                host_of(&r.url),
                Arc::new(Semaphore::new(settings.per_host.max(1))),
            )
        })
        .collect();
    let mut running: FuturesUnordered<_> = requests
        .into_iter()
        .enumerate()
        .map(|(i, request)| {
            let host = Arc::clone(&hosts[&host_of(&request.url)]);
            let (client, global) = (&client, &global);
            async move {
                // The host's permit first, so a busy host never holds global slots idle.
                let _host = host.acquire().await.expect("never closed");
                let _slot = global.acquire().await.expect("never closed");
                let outcome = fetch_one(client, &request, settings, now).await;
                progress.done(&request, &outcome);
                (i, request, outcome)
            }
        })
        .collect();
    let mut results = Vec::with_capacity(running.len());
    while let Some(result) = running.next().await {
        results.push(result);
    }
    progress.finish();
    results.sort_by_key(|(i, _, _)| *i);
    results.into_iter().map(|(_, r, o)| (r, o)).collect()
}

fn host_of(url: &Url) -> String {
    url.host_str().unwrap_or_default().to_ascii_lowercase()
}

fn client(settings: &FetchSettings) -> Result<reqwest::Client, Box<dyn std::error::Error>> {
    use rustls_platform_verifier::BuilderVerifierExt;
    // ring rather than aws-lc-rs: half the build time, and no C toolchain surprises in CI.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_platform_verifier()?
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(dns::SystemResolver)
        .connect_timeout(settings.connect_timeout)
        .user_agent(&settings.user_agent)
        .pool_max_idle_per_host(settings.per_host)
        .build()?)
}

/// Fetches one feed: retries transient failures, then follows a page to its feed.
async fn fetch_one(
    client: &reqwest::Client,
    request: &Request,
    settings: &FetchSettings,
    now: DateTime<Utc>,
) -> Outcome {
    let whole = async {
        let outcome = with_retries(client, request, &request.url, settings, now).await;
        let Outcome::Body {
            bytes,
            final_url,
            content_type,
            hops,
            ..
        } = &outcome
        else {
            return outcome;
        };
        // A page that links to no feed goes to the parser as it is: it may hold a feed itself
        // (an Atom feed in an XHTML page), and if not the parser says it is a web page.
        let feed = looks_like_html(content_type.as_deref(), bytes)
            .then(|| discover::discover(bytes, final_url).into_iter().next())
            .flatten();
        let Some(feed) = feed else {
            return outcome;
        };
        let mut earlier = hops.clone();
        earlier.push(Hop {
            from: final_url.clone(),
            to: feed.clone(),
            status: 0,
        });
        let mut found = with_retries(client, request, &feed, settings, now).await;
        found.prepend_hops(earlier);
        found
    };
    match tokio::time::timeout(settings.timeout, whole).await {
        Ok(outcome) => outcome,
        Err(_) => failed(FetchError::Timeout(settings.timeout.as_secs())),
    }
}

fn failed(error: FetchError) -> Outcome {
    Outcome::Failed {
        error,
        retry_after: None,
    }
}

async fn with_retries(
    client: &reqwest::Client,
    request: &Request,
    url: &Url,
    settings: &FetchSettings,
    now: DateTime<Utc>,
) -> Outcome {
    let mut attempt = 0;
    loop {
        let outcome = follow(client, request, url, settings, now).await;
        match &outcome {
            Outcome::Failed {
                error,
                retry_after: None,
            } if error.is_transient() && attempt < settings.retries => {
                tokio::time::sleep(settings.backoff * 2u32.pow(attempt)).await;
                attempt += 1;
            }
            _ => return outcome,
        }
    }
}

/// One attempt: GET, following redirects by hand.
async fn follow(
    client: &reqwest::Client,
    request: &Request,
    start: &Url,
    settings: &FetchSettings,
    now: DateTime<Utc>,
) -> Outcome {
    let mut url = start.clone();
    let mut hops: Vec<Hop> = Vec::new();
    loop {
        let mut get = client.get(url.clone());
        if let Some(etag) = &request.etag {
            get = get.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &request.last_modified {
            get = get.header(header::IF_MODIFIED_SINCE, modified);
        }
        let response = match get.send().await {
            Ok(response) => response,
            Err(e) => return failed(classify(&e, settings)),
        };
        let status = response.status();
        if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
            let Some(next) = location(response.headers(), &url) else {
                return failed(FetchError::BadRedirect);
            };
            if next == url || hops.iter().any(|h| h.from == next) {
                return failed(FetchError::RedirectLoop(next.to_string()));
            }
            if hops.len() >= MAX_REDIRECTS {
                return failed(FetchError::TooManyRedirects);
            }
            hops.push(Hop {
                from: url,
                to: next.clone(),
                status: status.as_u16(),
            });
            url = next;
            continue;
        }
        return match status {
            StatusCode::NOT_MODIFIED => Outcome::NotModified { hops },
            StatusCode::GONE => Outcome::Gone,
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
                if response.headers().contains_key(header::RETRY_AFTER) =>
            {
                let wait = retry_after(response.headers(), now);
                Outcome::Failed {
                    error: FetchError::RateLimited {
                        status: status.as_u16(),
                        seconds: wait.map(|w| w.num_seconds()),
                    },
                    retry_after: wait,
                }
            }
            s if s.is_success() => read_body(response, url, hops, settings.max_bytes).await,
            s => failed(FetchError::Status(s.as_u16())),
        };
    }
}

async fn read_body(
    mut response: reqwest::Response,
    final_url: Url,
    hops: Vec<Hop>,
    max: u64,
) -> Outcome {
    let headers = response.headers().clone();
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_string)
    };
    let mut bytes = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if (bytes.len() + chunk.len()) as u64 > max {
                    return failed(FetchError::TooLarge(max));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => return failed(FetchError::Body(chain(&e))),
        }
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return failed(FetchError::Empty);
    }
    Outcome::Body {
        bytes,
        content_type: text(header::CONTENT_TYPE),
        final_url,
        etag: text(header::ETAG),
        last_modified: text(header::LAST_MODIFIED),
        hops,
    }
}

fn location(headers: &HeaderMap, base: &Url) -> Option<Url> {
    let value = headers.get(header::LOCATION)?.to_str().ok()?;
    let next = base.join(value).ok()?;
    matches!(next.scheme(), "http" | "https").then_some(next)
}

/// `Retry-After`, as seconds or an HTTP date, as the wait from `now`.
fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<chrono::Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u32>() {
        return Some(chrono::Duration::seconds(i64::from(seconds)));
    }
    let until = DateTime::parse_from_rfc2822(value).ok()?.to_utc();
    Some((until - now).max(chrono::Duration::zero()))
}

fn looks_like_html(content_type: Option<&str>, bytes: &[u8]) -> bool {
    let declared = content_type.is_some_and(|t| t.to_ascii_lowercase().contains("text/html"));
    let start: Vec<u8> = bytes
        .iter()
        .skip_while(|b| b.is_ascii_whitespace() || **b == 0xEF || **b == 0xBB || **b == 0xBF)
        .take(15)
        .map(u8::to_ascii_lowercase)
        .collect();
    declared
        && !start.starts_with(b"<?xml")
        && !start.starts_with(b"<rss")
        && !start.starts_with(b"<feed")
        || start.starts_with(b"<!doctype html")
        || start.starts_with(b"<html")
}

/// A reqwest error in words: its cause, not its plumbing. The cause is found by the types of
/// the errors in its chain.
fn classify(error: &reqwest::Error, settings: &FetchSettings) -> FetchError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    let mut io_kind = None;
    while let Some(inner) = source {
        if inner.is::<dns::LookupFailed>() {
            return FetchError::Dns;
        }
        if let Some(io) = inner.downcast_ref::<std::io::Error>() {
            io_kind = Some(io.kind());
        }
        source = inner.source();
    }
    if error.is_timeout() {
        // The only timeout set on the client is the connect timeout.
        FetchError::ConnectTimeout(settings.connect_timeout.as_secs())
    } else if io_kind == Some(std::io::ErrorKind::ConnectionRefused) {
        FetchError::Refused
    } else if error.is_connect() {
        FetchError::Connect(innermost(error))
    } else {
        FetchError::Body(innermost(error))
    }
}

fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

fn innermost(error: &dyn std::error::Error) -> String {
    let mut last = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        last = inner.to_string();
        source = inner.source();
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let mut headers = HeaderMap::new();
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("120"));
        assert_eq!(
            retry_after(&headers, now),
            Some(chrono::Duration::minutes(2))
        );
        headers.insert(
            header::RETRY_AFTER,
            HeaderValue::from_static("Thu, 01 Jan 2026 01:00:00 GMT"),
        );
        assert_eq!(retry_after(&headers, now), Some(chrono::Duration::hours(1)));
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn html_is_told_from_feeds() {
        assert!(looks_like_html(
            Some("text/html; charset=utf-8"),
            b"<!DOCTYPE html><html>"
        ));
        assert!(looks_like_html(None, b"\n  <html lang=en>"));
        assert!(!looks_like_html(
            Some("text/html"),
            b"<?xml version=\"1.0\"?><rss>"
        ));
        assert!(!looks_like_html(
            Some("application/rss+xml"),
            b"<rss version=\"2.0\">"
        ));
    }

    #[test]
    fn only_permanent_redirects_are_moves() {
        let u = |s: &str| Url::parse(s).unwrap();
        let hop = |status| Hop {
            from: u("http://a.example/"),
            to: u("https://a.example/"),
            status,
        };
        let outcome = |hops| Outcome::NotModified { hops };
        assert_eq!(
            outcome(vec![hop(301)]).moved_to(),
            Some(&u("https://a.example/"))
        );
        assert_eq!(outcome(vec![hop(301), hop(302)]).moved_to(), None);
        assert_eq!(outcome(vec![]).moved_to(), None);
    }
}
