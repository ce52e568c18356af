//! What templates see: borrowed views of the site, with every address already worked out.

use serde::Serialize;

use crate::config::Config;
use crate::site::{Pager, Site, SitePost, Term};

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
}

/// The site, as every page sees it under `site`.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    /// The site's name.
    pub title: &'a str,
    /// About the site.
    pub description: &'a str,
    /// BCP 47.
    pub language: &'a str,
    /// Ends in `/`.
    pub base_url: &'a str,
    /// Ends in `/`.
    pub base_path: &'a str,
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
    /// Plain-text names.
    pub authors: &'a [String],
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
    pub fn new(pager: &Pager<'_>, links: &Links) -> Self {
        PagerView {
            number: pager.number,
            total: pager.total,
            previous: pager.previous.as_deref().map(|p| links.url(p)),
            next: pager.next.as_deref().map(|p| links.url(p)),
        }
    }
}

/// Builds views of one site.
#[derive(Debug, Clone, Copy)]
pub struct Views<'a> {
    /// The site.
    pub site: &'a Site,
    /// Its links.
    pub links: &'a Links,
}

impl<'a> Views<'a> {
    /// The view of a post; `with_content` for its own page.
    pub fn post(&self, post: &'a SitePost, with_content: bool) -> PostView<'a> {
        let links = self.links;
        let terms = |indices: &[usize], terms: &'a [Term], dir: &str| -> Vec<TermLink<'a>> {
            indices
                .iter()
                .map(|&t| TermLink {
                    name: &terms[t].name,
                    url: terms[t]
                        .has_page
                        .then(|| links.url(&format!("{dir}/{}/", terms[t].slug))),
                })
                .collect()
        };
        let source = post.source.map(|s| &self.site.sources[s]);
        let excerpt_only = source.is_some_and(|s| s.feed.excerpt_only);
        PostView {
            id: &post.post.id,
            title: &post.post.title,
            url: links.url(&post.path),
            permalink: links.permalink(&post.path),
            original_url: post.post.original_url.as_deref(),
            published: post.post.published.to_rfc3339(),
            updated: post.post.updated.map(|d| d.to_rfc3339()),
            authors: &post.post.authors,
            summary: &post.post.summary,
            content: (with_content && !excerpt_only).then_some(post.post.content.as_str()),
            tags: terms(&post.tags, &self.site.tags, "tags"),
            categories: terms(&post.categories, &self.site.categories, "categories"),
            source: source.map(|s| SourceLink {
                name: s.feed.name(),
                url: links.url(&format!("sources/{}/", s.slug)),
                homepage: s.feed.homepage.as_ref().map(|u| u.as_str()),
                organisation: s.feed.organisation.as_deref(),
            }),
            weeknote: post.post.weeknote,
            extra: &post.post.extra,
        }
    }

    /// The index of a taxonomy: every term with its count.
    pub fn term_counts(&self, terms: &'a [Term], dir: &str) -> Vec<TermCount<'a>> {
        terms
            .iter()
            .map(|t| TermCount {
                name: &t.name,
                url: t
                    .has_page
                    .then(|| self.links.url(&format!("{dir}/{}/", t.slug))),
                count: t.posts.len(),
            })
            .collect()
    }
}
