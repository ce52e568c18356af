//! A feed, as any server may send it: parsed as a build parses it, with each of the content
//! types a server may claim, and its entries turned into posts. Nothing may panic, and nothing
//! unsafe may reach a post's HTML.
#![no_main]

#[path = "../../tests/common/dangers.rs"]
mod dangers;

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use roundup::health::FeedKey;
use roundup::sanitize::Sanitizer;
use url::Url;

static SANITIZER: LazyLock<Sanitizer> = LazyLock::new(Sanitizer::new);
static URL: LazyLock<Url> = LazyLock::new(|| Url::parse("https://blog.example/feed/").unwrap());

const TYPES: [Option<&str>; 4] = [
    None,
    Some("application/rss+xml; charset=iso-8859-1"),
    Some("text/html; charset=utf-16"),
    Some("application/feed+json"),
];

fuzz_target!(|data: &[u8]| {
    let content_type = TYPES[data.len() % TYPES.len()];
    let Ok(parsed) = roundup::feed::parse(data, content_type, &URL) else {
        return;
    };
    let key = FeedKey(URL.to_string());
    for incoming in roundup::ingest::posts(&key, parsed, &URL, &SANITIZER) {
        for html in [&incoming.post.content, &incoming.post.summary] {
            let found = dangers::dangers(html);
            assert!(
                found.is_empty(),
                "unsafe markup from a feed: {found:?} in {html}"
            );
        }
    }
});
