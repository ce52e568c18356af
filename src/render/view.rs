//! What templates see: borrowed views of the site, with every address already worked out.

use serde::Serialize;

use super::i18n::Language;
pub use super::media::{EnclosureView, ImageView};
use super::paginate::Pager;
use crate::config::Config;
use crate::health::{FeedHealth, Status};
use crate::site::{Organisation, Site, SitePost, SiteSource, Term, TermIx, Year};

/// Turns site-relative paths into the links pages use.
#[derive(Debug, Clone)]
pub struct Links {
    /// `/` or the subpath of `base_url`, like `/weeknotes/`.
    pub base_path: String,
    /// `base_url`, ending in `/`.
    pub base_url: String,
}

impl Links {
    /// Links for a site.
    pub fn new(config: &Config) -> Self {
        Links {
            base_path: config.base_path().to_string(),
            base_url: config.site.base_url.to_string(),
        }
    }

    /// A link from any page of the site: `posts/x/` -> `/weeknotes/posts/x/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_path)
    }

    /// The absolute address, for feeds, canonical links and sitemaps.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Links to the pages under the folder `prefix` (`cy/`): a language's own.
    pub fn within(&self, prefix: &str) -> Links {
        Links {
            base_path: format!("{}{prefix}", self.base_path),
            base_url: format!("{}{prefix}", self.base_url),
        }
    }
}

/// A tag, category or other grouping, as a post lists it.
#[derive(Debug, Serialize)]
pub struct TermLink<'a> {
    /// Display name.
    pub name: &'a str,
    /// Its page, if it has one.
    pub url: Option<String>,
}

/// A term with its count, for the index of a taxonomy.
#[derive(Debug, Serialize)]
pub struct TermCount<'a> {
    /// Display name.
    pub name: &'a str,
    /// Its page, if it has one.
    pub url: Option<String>,
    /// How many posts carry it.
    pub count: usize,
}

/// The blog a remote post came from.
#[derive(Debug, Serialize)]
pub struct SourceLink<'a> {
    /// The blog's name.
    pub name: &'a str,
    /// Its page on this site.
    pub url: String,
    /// Its own home page.
    pub homepage: Option<&'a str>,
    /// Its department or council.
    pub organisation: Option<&'a str>,
}

/// A post, as a page or a listing shows it.
#[derive(Debug, Serialize)]
pub struct PostView<'a> {
    /// Stable id.
    pub id: &'a str,
    /// Plain text.
    pub title: &'a str,
    /// Its page on this site.
    pub url: String,
    /// The absolute address of its page on this site.
    pub permalink: String,
    /// The original post, for a remote post.
    pub original_url: Option<&'a str>,
    /// RFC 3339 with the original offset.
    pub published: String,
    /// RFC 3339, when the source says it changed.
    pub updated: Option<String>,
    /// Its authors, as the site spells them, each linked to their page.
    pub authors: Vec<TermLink<'a>>,
    /// Its featured image.
    pub image: Option<ImageView>,
    /// Whether its text shows the featured image itself, so its page need not show it twice;
    /// only worked out for its own page.
    pub image_in_content: bool,
    /// Its audio, video and other files; only on its own page.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub enclosures: Vec<EnclosureView>,
    /// Safe HTML.
    pub summary: &'a str,
    /// Safe HTML; only on the post's own page, and only when the feed shows whole posts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<&'a str>,
    /// Tags.
    pub tags: Vec<TermLink<'a>>,
    /// Categories.
    pub categories: Vec<TermLink<'a>>,
    /// The blog it came from; none for a local post.
    pub source: Option<SourceLink<'a>>,
    /// Is a weeknote.
    pub weeknote: bool,
    /// Front matter `extra`.
    pub extra: &'a serde_json::Value,
    /// Its language, when it is not the page's: for `lang` on its title and content.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<&'a str>,
}

/// The navigation of a paginated list.
#[derive(Debug, Serialize)]
pub struct PagerView {
    /// 1-based.
    pub number: usize,
    /// Pages in the list.
    pub total: usize,
    /// Link to the previous page.
    pub previous: Option<String>,
    /// Link to the next page.
    pub next: Option<String>,
}

impl PagerView {
    /// The view of one page of a list.
    pub(super) fn new(pager: &Pager<'_>, links: &Links) -> Self {
        PagerView {
            number: pager.number,
            total: pager.total,
            previous: pager.previous.as_deref().map(|p| links.url(p)),
            next: pager.next.as_deref().map(|p| links.url(p)),
        }
    }
}

/// A blog of the blog roll, as its pages show it.
#[derive(Debug, Serialize)]
pub struct SourceView<'a> {
    /// The blog's name.
    pub name: &'a str,
    /// Its page here.
    pub url: String,
    /// Its feed.
    pub feed_url: &'a str,
    /// Its own home page.
    pub homepage: Option<&'a str>,
    /// Its organisation's name.
    pub organisation: Option<&'a str>,
    /// Its organisation's page here.
    pub organisation_url: Option<String>,
    /// Posts here.
    pub count: usize,
    /// Its newest post's date, RFC 3339.
    pub latest: Option<String>,
    /// In words: "Up to date", "Failing", ...
    pub status: &'a str,
    /// Fetched fine last time.
    pub healthy: bool,
    /// Why it failed or what changed.
    pub problem: Option<String>,
    /// When it was last fetched fine, RFC 3339.
    pub last_success: Option<&'a str>,
    /// When its weeknotes series began, RFC 3339, if it writes one.
    pub weeknotes_since: Option<String>,
}

/// An organisation, as the index of organisations lists it.
#[derive(Debug, Serialize)]
pub struct OrganisationView<'a> {
    /// Its name.
    pub name: &'a str,
    /// Its page.
    pub url: String,
    /// How many blogs it has.
    pub blogs: usize,
    /// How many posts.
    pub count: usize,
}

/// A year of the archive, with its months.
#[derive(Debug, Serialize)]
pub struct YearView {
    /// The year.
    pub year: i32,
    /// Its page.
    pub url: String,
    /// Posts in it.
    pub count: usize,
    /// Its months with posts, newest first.
    pub months: Vec<MonthView>,
}

/// A month of the archive.
#[derive(Debug, Serialize)]
pub struct MonthView {
    /// "March", in the page's language.
    pub name: String,
    /// Its page.
    pub url: String,
    /// Posts in it.
    pub count: usize,
}

/// Builds views of one site.
#[derive(Debug, Clone, Copy)]
pub struct Views<'a> {
    /// The site.
    pub site: &'a Site,
    /// The language the pages are in, with its links.
    pub language: &'a Language,
    /// Links at the site's root, for the files every language shares (a local post's image).
    pub root: &'a Links,
}

impl<'a> Views<'a> {
    /// The view of a post; `with_content` for its own page.
    pub fn post(&self, post: &'a SitePost, with_content: bool) -> PostView<'a> {
        let links = self.links();
        let terms = |indices: &[TermIx], terms: &'a [Term]| -> Vec<TermLink<'a>> {
            indices
                .iter()
                .map(|&t| self.term_link(&terms[t.0]))
                .collect()
        };
        let source = self.site.source_of(post);
        PostView {
            id: &post.post.id,
            title: &post.post.title,
            url: links.url(&post.path),
            permalink: links.permalink(&post.path),
            original_url: post.post.original_url.as_deref(),
            published: post.post.published.to_rfc3339(),
            updated: post.post.updated.map(|d| d.to_rfc3339()),
            authors: post
                .authors
                .iter()
                .map(|&a| self.term_link(self.site.author(a)))
                .collect(),
            image: post.image.as_ref().map(|i| ImageView::new(self.root, i)),
            image_in_content: with_content
                && post.post.image.as_ref().is_some_and(|image| {
                    crate::sanitize::first_image(&post.post.content)
                        .is_some_and(|first| first.url == image.url)
                }),
            enclosures: if with_content {
                post.post
                    .enclosures
                    .iter()
                    .map(EnclosureView::new)
                    .collect()
            } else {
                Vec::new()
            },
            summary: &post.post.summary,
            content: (with_content && post.full_text).then_some(post.post.content.as_str()),
            tags: terms(&post.tags, &self.site.tags),
            categories: terms(&post.categories, &self.site.categories),
            source: source.map(|s| SourceLink {
                name: s.feed.name(),
                url: links.url(&s.path),
                homepage: s.feed.homepage.as_ref().map(|u| u.as_str()),
                organisation: self.site.organisation_of(s).map(|o| o.name.as_str()),
            }),
            weeknote: post.weeknote.is_some(),
            extra: &post.post.extra,
            lang: post
                .post
                .language
                .as_deref()
                .filter(|l| !self.language.reads(Some(l))),
        }
    }

    /// This language's links.
    pub fn links(&self) -> &'a Links {
        &self.language.links
    }

    fn term_link(&self, term: &'a Term) -> TermLink<'a> {
        TermLink {
            name: &term.name,
            url: term.has_page.then(|| self.links().url(&term.path)),
        }
    }

    /// A blog of the blog roll.
    pub fn source(&self, source: &'a SiteSource) -> SourceView<'a> {
        let health = &source.health;
        let organisation = self.site.organisation_of(source);
        SourceView {
            name: source.feed.name(),
            url: self.links().url(&source.path),
            feed_url: source.feed.url().as_str(),
            homepage: source.feed.homepage.as_ref().map(|u| u.as_str()),
            organisation: organisation.map(|o| o.name.as_str()),
            organisation_url: organisation.map(|o| self.links().url(&o.path)),
            count: source.posts.len(),
            latest: source
                .posts
                .first()
                .map(|&p| self.site.post(p).post.published.to_rfc3339()),
            status: self.status_words(health, source.feed.enabled),
            // A feed never tried yet is not a problem.
            healthy: health.status.is_healthy() || health.error.is_none(),
            problem: Some(health.reason()).filter(|r| !r.is_empty()),
            last_success: health.last_success.as_deref(),
            weeknotes_since: source.weeknotes_since.map(|d| d.to_rfc3339()),
        }
    }

    /// An organisation.
    pub fn organisation(&self, organisation: &'a Organisation) -> OrganisationView<'a> {
        OrganisationView {
            name: &organisation.name,
            url: self.links().url(&organisation.path),
            blogs: organisation.sources.len(),
            count: organisation.posts.len(),
        }
    }

    /// A year of the archive.
    pub fn year(&self, year: &Year) -> YearView {
        YearView {
            year: year.year,
            url: self.links().url(&year.path),
            count: year.months.iter().map(|m| m.posts.len()).sum(),
            months: year
                .months
                .iter()
                .map(|m| MonthView {
                    name: self.language.catalogue.month(m.month).to_string(),
                    url: self.links().url(&m.path),
                    count: m.posts.len(),
                })
                .collect(),
        }
    }

    /// The index of a taxonomy: every term with its count.
    pub fn term_counts(&self, terms: &'a [Term]) -> Vec<TermCount<'a>> {
        terms
            .iter()
            .map(|t| TermCount {
                name: &t.name,
                url: t.has_page.then(|| self.links().url(&t.path)),
                count: t.posts.len(),
            })
            .collect()
    }
}

impl<'a> Views<'a> {
    fn status_words(&self, health: &FeedHealth, enabled: bool) -> &'a str {
        let key = match (health.status, enabled) {
            (_, false) => "status.disabled",
            (Status::Ok | Status::NotModified, _) => "status.up_to_date",
            (Status::Moved, _) => "status.moved",
            (Status::Gone, _) => "status.gone",
            (Status::Failed, _) if health.error.is_none() => "status.not_yet",
            (Status::Failed, _) => "status.failing",
        };
        self.language.catalogue.text(key)
    }
}
