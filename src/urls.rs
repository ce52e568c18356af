//! When two addresses are one: the single rule for "the same URL", used to find a post that two
//! feeds carry, a feed already in the blog roll, and a feed that moved.

use url::Url;

/// A key two spellings of one address share: without the scheme, a `www.`, the case of the
/// host, a trailing slash, the fragment or `utm_` tracking parameters; and WordPress's two ways
/// of naming a feed (`/feed/` and `/?feed=rss2`) made one.
///
/// Text that is not an absolute URL is its own key, trimmed.
pub fn url_key(address: &str) -> String {
    let address = address.trim();
    let Ok(mut url) = Url::parse(address) else {
        return address.to_string();
    };
    url.set_fragment(None);
    let mut wordpress_feed = false;
    let query: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, v)| {
            let is_feed = k == "feed" && matches!(v.as_ref(), "rss" | "rss2" | "atom" | "");
            wordpress_feed |= is_feed;
            !k.starts_with("utm_") && !is_feed
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.set_query(None);
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let mut path = url.path().trim_end_matches('/').to_string();
    if wordpress_feed {
        path.push_str("/feed");
    }
    for wordpress in ["/feed/rss2", "/feed/rss", "/feed/atom"] {
        if let Some(blog) = path.strip_suffix(wordpress) {
            path = format!("{blog}/feed");
        }
    }
    let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
    format!("{host}{port}{path}{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_address_share_a_key() {
        let key = url_key("https://blog.example/feed/");
        for same in [
            "http://blog.example/feed",
            "https://www.blog.example/feed/",
            "https://Blog.Example/feed/#top",
            "https://blog.example/?feed=rss2",
            "https://blog.example/feed/atom/",
            " https://blog.example/feed?utm_source=x ",
        ] {
            assert_eq!(url_key(same), key, "{same}");
        }
    }

    #[test]
    fn different_addresses_keep_different_keys() {
        let key = url_key("https://blog.example/feed/");
        for other in [
            "https://blog.example/other/feed/",
            "https://blog.example:8080/feed/",
            "https://other.example/feed/",
            "https://blog.example/feed/?page=2",
            "https://blog.example/Feed/",
        ] {
            assert_ne!(url_key(other), key, "{other}");
        }
        assert_eq!(url_key(" not a url "), "not a url");
    }
}
