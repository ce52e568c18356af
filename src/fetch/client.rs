//! One feed's requests: the HTTP client, conditional GETs, redirects followed by hand so each
//! hop is recorded, retries of transient failures, `Retry-After`, and a web page followed to
//! the feed it names.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::{self, HeaderMap};
use url::Url;

use super::body::{looks_like_html, read_body};
use super::outcome::{FetchError, Hop, Outcome, failed};
use super::{FetchSettings, MAX_REDIRECTS, Request, discover, dns};

/// The client every fetch of a build shares, so connections to one host are reused.
pub(super) fn client(
    settings: &FetchSettings,
) -> Result<reqwest::Client, Box<dyn std::error::Error>> {
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
///
/// Unless `keep_alive`, each request asks for its connection to be closed once answered:
/// no later fetch of the host would reuse it.
pub(super) async fn fetch_one(
    client: &reqwest::Client,
    request: &Request,
    settings: &FetchSettings,
    keep_alive: bool,
    now: DateTime<Utc>,
) -> Outcome {
    let whole = async {
        let outcome = with_retries(client, request, &request.url, settings, keep_alive, now).await;
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
        let mut found = with_retries(client, request, &feed, settings, keep_alive, now).await;
        found.prepend_hops(earlier);
        found
    };
    match tokio::time::timeout(settings.timeout, whole).await {
        Ok(outcome) => outcome,
        Err(_) => failed(FetchError::Timeout(settings.timeout.as_secs())),
    }
}

async fn with_retries(
    client: &reqwest::Client,
    request: &Request,
    url: &Url,
    settings: &FetchSettings,
    keep_alive: bool,
    now: DateTime<Utc>,
) -> Outcome {
    let mut attempt = 0;
    loop {
        let outcome = follow(client, request, url, settings, keep_alive, now).await;
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
    keep_alive: bool,
    now: DateTime<Utc>,
) -> Outcome {
    let mut url = start.clone();
    let mut hops: Vec<Hop> = Vec::new();
    loop {
        let mut get = client.get(url.clone());
        if !keep_alive {
            // HTTP/1.1 only: hyper leaves the header out of an HTTP/2 request, whose one
            // connection a host's fetches share anyway.
            get = get.header(header::CONNECTION, "close");
        }
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
    use reqwest::header::HeaderValue;

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
}
