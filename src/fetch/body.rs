//! Reading a response's body: counted against the size limit while it streams (reqwest has no
//! cap of its own, and a gzip bomb is small on the wire), and telling a web page from a feed.

use reqwest::header::{self, HeaderValue};
use url::Url;

use super::outcome::{FetchError, Hop, Outcome, failed};

/// Reads the body of a successful response, at most `max` bytes after decompression.
pub(super) async fn read_body(
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

/// A web page rather than a feed: by its declared type unless it starts as a feed does, or by
/// how it starts.
pub(super) fn looks_like_html(content_type: Option<&str>, bytes: &[u8]) -> bool {
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

/// An error and each of its causes, joined.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
