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
    /// The `[authors]` table: spellings of one person's name merged.
    #[serde(default)]
    pub authors: AuthorConfig,
    /// The blog roll, one `[[feeds]]` table each.
    #[serde(default)]
    pub feeds: Vec<FeedConfig>,
}

/// The `[site]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site's name, shown in every page's header and in its feeds; one for all languages,
    /// or a table of one per language.
    pub title: Localised,
    /// Where the site is published; always ends in `/`. Every absolute link starts with it.
    #[serde(deserialize_with = "de_base_url")]
    pub base_url: Url,
    /// One or two sentences about the site, for its home page, feeds and search engines.
    #[serde(default)]
    pub description: Localised,
    /// The BCP 47 language tag of the site's pages, when it has one language.
    #[serde(default = "default_language")]
    pub language: String,
    /// The languages of a bilingual (or more) site: the first at the root, each other under
    /// `/<tag>/`, every page in each. Empty: `language` alone.
    #[serde(default)]
    pub languages: Vec<String>,
    /// The theme under `themes/` to render with.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Posts per listing page.
    #[serde(default = "default_paginate")]
    pub paginate: NonZeroUsize,
    /// The time zone dates are shown in and weeks are counted in.
    #[serde(default = "default_timezone")]
    pub timezone: Tz,
    /// Whether every feed the site publishes carries whole posts or only their summaries.
    #[serde(default)]
    pub feed_content: FeedContent,
    /// How many of the newest posts each feed the site publishes carries; 0 means all.
    #[serde(default = "default_feed_items")]
    pub feed_items: usize,
    /// The picture a link to a page with none of its own shows when shared (Open Graph): a
    /// file of the site, by its address in the output (`card.png` for `static/card.png`), or
    /// an https address.
    #[serde(default)]
    pub image: Option<String>,
    /// What that picture shows, for readers who cannot see it.
    #[serde(default)]
    pub image_alt: Option<String>,
}

/// Text given once for every language, or once for each: `title = "Notes"` or
/// `title = { en-GB = "Notes", cy = "Nodiadau" }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Localised {
    /// The same in every language.
    Same(String),
    /// By language tag.
    PerLanguage(BTreeMap<String, String>),
}

impl Default for Localised {
    fn default() -> Self {
        Localised::Same(String::new())
    }
}

impl Localised {
    /// The text for `tag`: its own, else that of its primary language (`cy` for `cy-GB`), else
    /// the first given.
    pub fn get(&self, tag: &str) -> &str {
        match self {
            Localised::Same(text) => text,
            Localised::PerLanguage(by_tag) => {
                let primary =
                    |t: &str| t.split(['-', '_']).next().unwrap_or(t).to_ascii_lowercase();
                by_tag
                    .iter()
                    .find(|(t, _)| t.eq_ignore_ascii_case(tag))
                    .or_else(|| by_tag.iter().find(|(t, _)| primary(t) == primary(tag)))
                    .or_else(|| by_tag.iter().next())
                    .map_or("", |(_, text)| text.as_str())
            }
        }
    }
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
    /// How many feeds download at once, over all hosts. Politeness is `per_host`'s job; this
    /// bounds the sockets a build holds (browsers hold 256 to 900 at once, 6 a host).
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
            concurrency: NonZeroUsize::new(512).expect("non-zero"),
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

/// The `[authors]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthorConfig {
    /// Other spellings of a person's name mapped to the one shown: feeds write `jbloggs`,
    /// `Jo Bloggs (GDS)` and `jo.bloggs@example.gov.uk` for one person, and one person has one
    /// page. Compared as tags are, without case or extra spaces.
    pub aliases: BTreeMap<String, String>,
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
    /// The language its posts are written in (BCP 47: `cy`, `en-GB`), overriding what the feed
    /// says; for feeds that say nothing or say it wrong.
    pub language: Option<String>,
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
        config.check_languages(path)?;
        Ok(config)
    }

    /// Each language gets a folder of its own, so a tag must be a real one, given once.
    fn check_languages(&self, path: &Path) -> Result<(), ConfigError> {
        let mut seen: Vec<String> = Vec::new();
        for tag in self.languages() {
            let problem = language_tag_problem(tag).or_else(|| {
                seen.contains(&tag.to_ascii_lowercase())
                    .then(|| format!("the language {tag:?} is given twice"))
            });
            if let Some(message) = problem {
                return Err(ConfigError::Invalid {
                    path: path.to_path_buf(),
                    message: format!("[site] language: {message}"),
                });
            }
            seen.push(tag.to_ascii_lowercase());
        }
        for feed in &self.feeds {
            if let Some(message) = feed.language.as_deref().and_then(language_tag_problem) {
                return Err(ConfigError::Invalid {
                    path: path.to_path_buf(),
                    message: format!("[[feeds]] {:?}: language: {message}", feed.name()),
                });
            }
        }
        Ok(())
    }

    /// What is allowed but probably not meant: a title or description given per language that
    /// has no text for one of the site's languages.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        for (key, text) in [
            ("title", &self.site.title),
            ("description", &self.site.description),
        ] {
            let Localised::PerLanguage(by_tag) = text else {
                continue;
            };
            for tag in self.languages() {
                if !by_tag.keys().any(|t| t.eq_ignore_ascii_case(tag)) {
                    warnings.push(format!(
                        "[site] {key} has no text for {tag:?}: {:?} is used",
                        text.get(tag)
                    ));
                }
            }
        }
        warnings
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

    /// The languages the site is built in, the first at the root.
    pub fn languages(&self) -> Vec<&str> {
        if self.site.languages.is_empty() {
            vec![self.site.language.as_str()]
        } else {
            self.site.languages.iter().map(String::as_str).collect()
        }
    }

    /// The path every internal link starts with: `/` or the `base_url`'s subpath, like `/weeknotes/`.
    pub fn base_path(&self) -> &str {
        self.site.base_url.path()
    }
}

/// Why `tag` is not a language tag (BCP 47: `cy`, `en-GB`, `zh-Hant`), or `None` if it is.
pub fn language_tag_problem(tag: &str) -> Option<String> {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    let ok = (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts
            .all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    (!ok).then(|| {
        format!("{tag:?} is not a language tag: write it as a code, like \"cy\" or \"en-GB\"")
    })
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
        assert_eq!(config.fetch.concurrency.get(), 512);
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
    fn author_aliases_are_read_and_unknown_author_keys_refused() {
        let config = parse(&format!(
            "{SITE}[authors.aliases]\njbloggs = \"Jo Bloggs\"\n"
        ))
        .unwrap();
        assert_eq!(config.authors.aliases["jbloggs"], "Jo Bloggs");
        let err = parse(&format!("{SITE}[authors]\nalias = {{}}\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("alias") && err.contains("line 5"), "{err}");
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
    fn a_title_may_be_given_per_language() {
        let text = "[site]\ntitle = { en-GB = \"Notes\", cy = \"Nodiadau\" }\n\
                    base_url = \"https://example.org/\"\nlanguages = [\"en-GB\", \"cy\"]\n";
        let config = parse(text).unwrap();
        assert_eq!(config.languages(), ["en-GB", "cy"]);
        assert_eq!(config.site.title.get("cy"), "Nodiadau");
        assert_eq!(config.site.title.get("cy-GB"), "Nodiadau");
        assert_eq!(config.site.title.get("en-GB"), "Notes");
        assert_eq!(config.site.description.get("cy"), "");
        assert_eq!(parse(SITE).unwrap().languages(), ["en-GB"]);
        let twice = format!("{SITE}languages = [\"cy\", \"CY\"]\n");
        assert!(parse(&twice).unwrap_err().to_string().contains("twice"));
        let odd = format!("{SITE}languages = [\"en/GB\"]\n");
        assert!(
            parse(&odd)
                .unwrap_err()
                .to_string()
                .contains("not a language tag")
        );
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
