//! Which feeds the site publishes and what goes in them: the whole site, each tag, category,
//! blog and organisation, and the weekly weeknotes digest.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;
use url::Url;

use super::feeds::{ATOM, FeedDoc, FeedItem, JSON, RSS};
use super::i18n::{Catalogue, Language};
use super::view::Links;
use crate::config::{Config, FeedContent};
use crate::links;
use crate::site::{PostIx, Site, SitePost, Week, paths};

/// A link to one of the site's feeds, for `<link rel="alternate">` and "Subscribe" lines.
#[derive(Debug, Clone, Serialize)]
pub(super) struct FeedLink {
    /// Its title.
    pub title: String,
    /// Its address on this site.
    pub url: String,
    /// Its media type.
    #[serde(rename = "type")]
    pub media_type: &'static str,
    /// "Atom", "RSS" or "JSON Feed".
    pub format: &'static str,
}

/// What a feed carries.
#[derive(Debug, Clone)]
pub(super) enum Items {
    /// Posts, newest first.
    Posts(Vec<PostIx>),
    /// One item per week of weeknotes.
    Weeks,
}

/// A feed waiting to be written into `dir`.
#[derive(Debug, Clone)]
pub(super) struct Syndication {
    /// The folder its three files go in, relative to the site's root: `""` or `tags/x/`.
    pub dir: String,
    /// Its title.
    pub title: String,
    /// What it carries.
    pub items: Items,
}

impl Syndication {
    /// Links to its three files.
    pub(super) fn links(&self, links: &Links) -> Vec<FeedLink> {
        [
            (ATOM, "application/atom+xml", "Atom"),
            (RSS, "application/rss+xml", "RSS"),
            (JSON, "application/feed+json", "JSON Feed"),
        ]
        .into_iter()
        .map(|(file, media_type, format)| FeedLink {
            title: format!("{} ({format})", self.title),
            url: links.url(&paths::file_in(&self.dir, file)),
            media_type,
            format,
        })
        .collect()
    }

    /// Its three files in `language`: path and bytes.
    pub(super) fn files(
        &self,
        site: &Site,
        config: &Config,
        language: &Language,
    ) -> [(String, Vec<u8>); 3] {
        let doc = self.doc(site, config, language);
        [
            (paths::file_in(&self.dir, ATOM), super::feeds::atom(&doc)),
            (paths::file_in(&self.dir, RSS), super::feeds::rss(&doc)),
            (paths::file_in(&self.dir, JSON), super::feeds::json(&doc)),
        ]
    }

    fn doc(&self, site: &Site, config: &Config, language: &Language) -> FeedDoc {
        let links = &language.links;
        // Files of the site (a local post's image) are shared by every language, at its root.
        let root = Links::new(config);
        let limit = match config.site.feed_items {
            0 => usize::MAX,
            n => n,
        };
        let items = match &self.items {
            Items::Posts(posts) => posts
                .iter()
                .take(limit)
                .map(|&i| post_item(site, site.post(i), config, links, &root))
                .collect(),
            Items::Weeks => site
                .weeks
                .iter()
                .take(limit)
                .map(|week| week_item(site, week, language))
                .collect(),
        };
        FeedDoc {
            title: self.title.clone(),
            description: language.description.clone(),
            language: language.tag().to_string(),
            page_url: links.permalink(&self.dir),
            dir_url: links.permalink(&self.dir),
            items,
        }
    }
}

fn post_item(
    site: &Site,
    post: &SitePost,
    config: &Config,
    links: &Links,
    root: &Links,
) -> FeedItem {
    let source = site.source_of(post);
    let permalink = links.permalink(&post.path);
    let whole = config.site.feed_content == FeedContent::Full && post.full_text;
    let categories = post
        .tags
        .iter()
        .map(|&t| site.tag(t).name.clone())
        .chain(
            post.categories
                .iter()
                .map(|&c| site.category(c).name.clone()),
        )
        .collect();
    FeedItem {
        id: if post.post.is_remote() {
            post.post.id.clone()
        } else {
            permalink.clone()
        },
        title: post.post.title.clone(),
        link: post
            .post
            .original_url
            .clone()
            .unwrap_or_else(|| permalink.clone()),
        page_url: permalink.clone(),
        external_url: post.post.original_url.clone(),
        published: post.post.published,
        updated: post.post.updated,
        // The names as the site spells them, aliases applied, as on the author pages.
        authors: post
            .authors
            .iter()
            .map(|&a| site.author(a).name.clone())
            .collect(),
        categories,
        summary: off_site(post, &post.post.summary, &permalink),
        content: whole.then(|| off_site(post, &post.post.content, &permalink)),
        language: post.post.language.clone(),
        source: source.map(|s| {
            (
                s.feed.name().to_string(),
                s.feed.url().to_string(),
                s.feed.homepage.as_ref().map(|u| u.to_string()),
            )
        }),
        enclosures: post.post.enclosures.clone(),
        image: post
            .image
            .as_ref()
            .map(|i| super::media::absolute(root, &i.src)),
    }
}

/// A post's HTML as a feed carries it. A feed is read off the site, so a local post's addresses,
/// which lead from the site's root (see [`crate::links`]), are made absolute against the page
/// the feed links it to, `permalink`; a remote post's are absolute already, made so as it was
/// sanitised.
fn off_site(post: &SitePost, html: &str, permalink: &str) -> String {
    match Url::parse(permalink) {
        Ok(page) if !post.post.is_remote() => links::absolutise(html, &page),
        _ => html.to_string(),
    }
}

/// One week's digest: every weeknote of the week with its source and summary.
fn week_item(site: &Site, week: &Week, language: &Language) -> FeedItem {
    let links = &language.links;
    let strings = &language.catalogue;
    let mut html = String::from("<ul>\n");
    for &i in &week.posts {
        let post = site.post(i);
        let href = post
            .post
            .original_url
            .clone()
            .unwrap_or_else(|| links.permalink(&post.path));
        // Weeknotes are personal: the digest names whose each one is, beside its blog.
        let from: Vec<&str> = post
            .source
            .map(|s| site.source(s).feed.name())
            .into_iter()
            .chain(post.authors.iter().map(|&a| site.author(a).name.as_str()))
            .collect();
        let from = if from.is_empty() {
            String::new()
        } else {
            format!(" – {}", escape(&from.join(", ")))
        };
        html.push_str(&format!(
            "<li><a href=\"{}\">{}</a>{from}\n{}</li>\n",
            escape(&href),
            escape(&post.post.title),
            off_site(post, &post.post.summary, &links.permalink(&post.path))
        ));
    }
    html.push_str("</ul>\n");
    let newest = week
        .posts
        .iter()
        .map(|&i| site.post(i).post.published)
        .max()
        .unwrap_or_default();
    let permalink = links.permalink(&week.path);
    FeedItem {
        id: permalink.clone(),
        title: strings.fill("titles.week", &[("week", &week_label(week, strings))]),
        link: permalink.clone(),
        page_url: permalink,
        external_url: None,
        published: newest,
        updated: None,
        authors: Vec::new(),
        categories: Vec::new(),
        summary: format!(
            "<p>{}</p>",
            escape(&strings.fill(
                "feeds.digest",
                &[
                    ("count", &strings.count("weeknote", week.posts.len())),
                    ("dates", &week_dates(week, strings)),
                ]
            ))
        ),
        content: Some(html),
        source: None,
        language: None,
        enclosures: Vec::new(),
        image: None,
    }
}

/// "Week 47, 2026", in the page's language.
pub(super) fn week_label(week: &Week, strings: &Catalogue) -> String {
    strings.fill(
        "week.label",
        &[
            ("number", &week.week.week().to_string()),
            ("year", &week.week.year().to_string()),
        ],
    )
}

/// "17–23 November 2026", or across months and years as needed, with the language's month
/// names.
pub(super) fn week_dates(week: &Week, strings: &Catalogue) -> String {
    let Some(monday) = NaiveDate::from_isoywd_opt(week.week.year(), week.week.week(), Weekday::Mon)
    else {
        return week.slug.clone();
    };
    let sunday = monday + chrono::Duration::days(6);
    let day = |d: NaiveDate| d.day().to_string();
    let month = |d: NaiveDate| strings.month(d.month()).to_string();
    let full = |d: NaiveDate| format!("{} {} {}", d.day(), month(d), d.year());
    if (monday.year(), monday.month()) == (sunday.year(), sunday.month()) {
        format!("{}–{}", day(monday), full(sunday))
    } else if monday.year() == sunday.year() {
        format!("{} {} – {}", day(monday), month(monday), full(sunday))
    } else {
        format!("{} – {}", full(monday), full(sunday))
    }
}

fn escape(text: &str) -> String {
    html_escape::encode_double_quoted_attribute(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Theme;

    fn week(year: i32, number: u32) -> Week {
        let week = NaiveDate::from_isoywd_opt(year, number, Weekday::Mon)
            .unwrap()
            .iso_week();
        Week {
            week,
            slug: paths::week_slug(week),
            path: paths::week(week),
            posts: vec![],
        }
    }

    #[test]
    fn week_dates_read_naturally() {
        let en = Catalogue::load(&Theme::default(), "en").unwrap();
        let week_dates = |w: &Week| super::week_dates(w, &en);
        assert_eq!(week_dates(&week(2026, 47)), "16–22 November 2026");
        assert_eq!(week_dates(&week(2026, 44)), "26 October – 1 November 2026");
        assert_eq!(
            week_dates(&week(2026, 53)),
            "28 December 2026 – 3 January 2027"
        );
        assert_eq!(week_label(&week(2026, 53), &en), "Week 53, 2026");
        let cy = Catalogue::load(&Theme::default(), "cy").unwrap();
        assert_eq!(
            super::week_dates(&week(2026, 47), &cy),
            "16–22 Tachwedd 2026"
        );
        assert_eq!(week_label(&week(2026, 47), &cy), "Wythnos 47, 2026");
    }
}
