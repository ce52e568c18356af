//! `feeds.toml`: the site's settings and its blog roll.
//!
//! Parsing is strict: unknown keys and wrong types are errors, and every error names the file,
//! the line and the key, because a typo that silently does nothing is worse than a failed build.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;
use url::Url;

/// The file name of a site's configuration, at the site's root.
pub const FILE_NAME: &str = "feeds.toml";

/// Everything `feeds.toml` holds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The `[site]` table.
    pub site: SiteConfig,
    /// The `[fetch]` table: how feeds are downloaded.
    #[serde(default)]
    pub fetch: FetchConfig,
    /// The `[archive]` table: where every entry ever seen is kept.
    #[serde(default)]
    pub archive: ArchiveConfig,
    /// The `[taxonomies]` table: tag aliases and thresholds.
    #[serde(default)]
    pub taxonomies: TaxonomyConfig,
    /// The blog roll, one `[[feeds]]` table each.
    #[serde(default)]
    pub feeds: Vec<FeedConfig>,
}

/// The `[site]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's name, shown in every page's header and in its feeds.
    pub title: String,
    /// Where the site is published; always ends in `/`. Every absolute link starts with it.
    #[serde(deserialize_with = "de_base_url")]
    pub base_url: Url,
    /// One or two sentences about the site, for its home page, feeds and search engines.
    #[serde(default)]
    pub description: String,
    /// The BCP 47 language tag of the site's pages.
    #[serde(default = "default_language")]
    pub language: String,
    /// The theme under `themes/` to render with.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Posts per listing page.
    #[serde(default = "default_paginate")]
    pub paginate: NonZeroUsize,
    /// The time zone dates are shown in and weeks are counted in.
    #[serde(default = "default_timezone")]
    pub timezone: Tz,
    /// Whether the combined feeds carry whole posts or only their summaries.
    #[serde(default)]
    pub feed_content: FeedContent,
    /// How many of the newest posts the combined feeds carry; 0 means all.
    #[serde(default = "default_feed_items")]
    pub feed_items: usize,
}

/// What the feeds this site publishes carry of each post.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedContent {
    /// The whole sanitised post.
    #[default]
    Full,
    /// The summary and a link.
    Summary,
}

/// The `[fetch]` table: politeness and limits for downloading feeds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FetchConfig {
    /// How many feeds download at once.
    pub concurrency: NonZeroUsize,
    /// How many feeds download at once from one host.
    pub per_host: NonZeroUsize,
    /// Seconds a whole fetch may take, from connecting to the last byte.
    pub timeout: u64,
    /// Seconds to wait for a connection.
    pub connect_timeout: u64,
    /// The most bytes a feed may have, counted after decompression.
    pub max_bytes: u64,
    /// The `User-Agent` header; by default it names roundup, its version and the site.
    pub user_agent: Option<String>,
    /// How many posts of a newly added feed's back catalogue reach the home page.
    pub new_feed_items: usize,
    /// How many times a transient failure is retried.
    pub retries: u32,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            concurrency: NonZeroUsize::new(32).expect("non-zero"),
            per_host: NonZeroUsize::new(4).expect("non-zero"),
            timeout: 60,
            connect_timeout: 10,
            max_bytes: 20 * 1024 * 1024,
            user_agent: None,
            new_feed_items: 5,
            retries: 2,
        }
    }
}

/// The `[archive]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArchiveConfig {
    /// The folder of the archive, relative to the site's root.
    pub dir: PathBuf,
    /// Publish a copy of the archive with the site (`roundup/archive.jsonl.gz`, without the
    /// full text the site does not publish), for a build whose archive was lost to restore.
    pub publish: bool,
}

impl Default for ArchiveConfig {
    fn default() -> Self {
        ArchiveConfig {
            dir: PathBuf::from(".roundup"),
            publish: true,
        }
    }
}

/// The `[taxonomies]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TaxonomyConfig {
    /// Variants mapped to one term: `a11y = "accessibility"`.
    pub aliases: BTreeMap<String, String>,
    /// Terms with fewer posts stay on their posts but get no page.
    pub min_posts: usize,
}

impl Default for TaxonomyConfig {
    fn default() -> Self {
        TaxonomyConfig {
            aliases: BTreeMap::new(),
            min_posts: 1,
        }
    }
}

/// One blog of the blog roll.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    /// The blog's name, as readers know it.
    pub name: Spanned<String>,
    /// The feed's address: RSS, Atom, JSON Feed, or a page that links to one.
    pub url: Spanned<Url>,
    /// The blog's home page.
    pub homepage: Option<Url>,
    /// The department, council or body the blog belongs to.
    pub organisation: Option<String>,
    /// Tags added to every post of this feed.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Categories added to every post of this feed.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Whether every post of this feed is a weeknote.
    #[serde(default)]
    pub weeknotes: bool,
    /// A disabled feed is not fetched, but its archived posts stay on the site.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Show only the summary and a link to the original, not the whole post.
    #[serde(default)]
    pub excerpt_only: bool,
}

impl FeedConfig {
    /// The blog's name.
    pub fn name(&self) -> &str {
        self.name.get_ref()
    }

    /// The feed's address.
    pub fn url(&self) -> &Url {
        self.url.get_ref()
    }
}

/// What can go wrong reading `feeds.toml`.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// There is no `feeds.toml` where the site should be.
    #[error("no {FILE_NAME} in {}\n  hint: run `roundup init {}` to start a site there", .dir.display(), .dir.display())]
    Missing {
        /// The folder that was searched.
        dir: PathBuf,
    },
    /// The file could not be read.
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The TOML is malformed, has an unknown key, or a value of the wrong type.
    #[error("{}: {message}", .path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What the parser said, with the line and a caret under the offending key.
        message: String,
    },
    /// Two feeds share a name or an address.
    #[error("{}:{line}: {what} {value:?} is already used by the feed on line {first_line}", .path.display())]
    Duplicate {
        /// The file.
        path: PathBuf,
        /// "feed name" or "feed url".
        what: &'static str,
        /// The repeated value.
        value: String,
        /// The line of the second use.
        line: usize,
        /// The line of the first use.
        first_line: usize,
    },
}

impl Config {
    /// Reads and checks `feeds.toml` in `root`.
    pub fn load(root: &Path) -> Result<Config, ConfigError> {
        let path = root.join(FILE_NAME);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ConfigError::Missing {
                    dir: root.to_path_buf(),
                });
            }
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        Config::parse(&text, &path)
    }

    /// Parses the text of a `feeds.toml`; `path` is only used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        config.check_duplicates(text, path)?;
        Ok(config)
    }

    /// Feed names become page paths and archive keys, and one URL fetched twice is waste.
    fn check_duplicates(&self, text: &str, path: &Path) -> Result<(), ConfigError> {
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        let mut urls: BTreeMap<&str, usize> = BTreeMap::new();
        for feed in &self.feeds {
            let name_line = line_of(text, feed.name.span().start);
            let url_line = line_of(text, feed.url.span().start);
            let duplicate = |what, value: &str, first_line| ConfigError::Duplicate {
                path: path.to_path_buf(),
                what,
                value: value.to_string(),
                line: if what == "feed name" {
                    name_line
                } else {
                    url_line
                },
                first_line,
            };
            let key = crate::slug::term_key(feed.name());
            if let Some(&first) = names.get(&key) {
                return Err(duplicate("feed name", feed.name(), first));
            }
            names.insert(key, name_line);
            if let Some(&first) = urls.get(feed.url().as_str()) {
                return Err(duplicate("feed url", feed.url().as_str(), first));
            }
            urls.insert(feed.url().as_str(), url_line);
        }
        Ok(())
    }

    /// The path every internal link starts with: `/` or the `base_url`'s subpath, like `/weeknotes/`.
    pub fn base_path(&self) -> &str {
        self.site.base_url.path()
    }
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Parses a base URL and makes it end in `/`, so that joining a relative path keeps its subpath.
pub fn normalise_base_url(raw: &str) -> Result<Url, String> {
    let mut url = Url::parse(raw).map_err(|e| format!("{raw:?} is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("{raw:?} must start with https:// or http://"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{raw:?} must not have a query or a fragment"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn de_base_url<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Url, D::Error> {
    let raw = String::deserialize(d)?;
    normalise_base_url(&raw).map_err(serde::de::Error::custom)
}

fn default_language() -> String {
    "en-GB".to_string()
}

fn default_theme() -> String {
    "default".to_string()
}

fn default_paginate() -> NonZeroUsize {
    NonZeroUsize::new(20).expect("non-zero")
}

fn default_timezone() -> Tz {
    chrono_tz::Europe::London
}

fn default_feed_items() -> usize {
    50
}

fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("feeds.toml"))
    }

    const SITE: &str = "[site]\ntitle = \"T\"\nbase_url = \"https://example.org/notes\"\n";

    #[test]
    fn defaults_fill_what_the_file_leaves_out() {
        let config = parse(SITE).unwrap();
        assert_eq!(config.site.base_url.as_str(), "https://example.org/notes/");
        assert_eq!(config.base_path(), "/notes/");
        assert_eq!(config.site.language, "en-GB");
        assert_eq!(config.site.paginate.get(), 20);
        assert_eq!(config.site.timezone, chrono_tz::Europe::London);
        assert_eq!(config.fetch.concurrency.get(), 32);
        assert!(config.feeds.is_empty());
    }

    #[test]
    fn an_unknown_key_is_named_with_its_line() {
        let err = parse(&format!("{SITE}titel = \"x\"\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("titel"), "{err}");
        assert!(err.contains("line 4"), "{err}");
    }

    #[test]
    fn a_wrong_type_is_named_with_its_line() {
        let err = parse(&format!("{SITE}paginate = \"ten\"\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 4"), "{err}");
        assert!(err.contains("paginate") || err.contains("integer"), "{err}");
    }

    #[test]
    fn a_bad_time_zone_is_an_error() {
        let err = parse(&format!("{SITE}timezone = \"Europe/Londres\"\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 4"), "{err}");
    }

    #[test]
    fn two_feeds_with_one_name_name_both_lines() {
        let text = format!(
            "{SITE}[[feeds]]\nname = \"A\"\nurl = \"https://a.example/feed\"\n\
             [[feeds]]\nname = \"a \"\nurl = \"https://b.example/feed\"\n"
        );
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("feeds.toml:8"), "{err}");
        assert!(err.contains("line 5"), "{err}");
    }

    #[test]
    fn a_base_url_must_be_http() {
        assert!(normalise_base_url("ftp://example.org/").is_err());
        assert!(normalise_base_url("/relative").is_err());
        assert_eq!(
            normalise_base_url("https://o.github.io/w")
                .unwrap()
                .as_str(),
            "https://o.github.io/w/"
        );
    }
}
