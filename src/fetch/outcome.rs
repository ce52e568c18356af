//! What fetching one feed came to, and why a fetch failed, in words a site's editor can act on.

use url::Url;

use super::MAX_REDIRECTS;

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
    pub(super) fn prepend_hops(&mut self, mut earlier: Vec<Hop>) {
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
    pub(super) fn is_transient(&self) -> bool {
        match self {
            FetchError::Refused | FetchError::Connect(_) | FetchError::Body(_) => true,
            FetchError::Status(code) => matches!(code, 500 | 502 | 503 | 504),
            _ => false,
        }
    }
}

/// A failure with no request to wait.
pub(super) fn failed(error: FetchError) -> Outcome {
    Outcome::Failed {
        error,
        retry_after: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
