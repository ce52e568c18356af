//! The site model: every post that will be published, in order, with its address, and the
//! groupings pages are made of (tags, categories, authors, archives by month, sources,
//! organisations, weeks, the pulse's figures). Every address and every relation is decided
//! here, once, so that rendering only reads.

mod groups;
mod media;
pub mod paths;
pub mod pulse;
mod terms;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, IsoWeek, Utc};
use chrono_tz::Tz;

use crate::archive::Stored;
use crate::config::{Config, FeedConfig};
use crate::health::{BuildHealth, FeedHealth, FeedKey};
use crate::links;
use crate::plain_text::plain_text;
use crate::post::{Post, Source};
use crate::slug::{Slugs, slugify};
use crate::urls::url_key;
use crate::weeknotes;
pub use media::{ImageSrc, SiteImage};
pub use pulse::Pulse;

/// What the command line decides about which posts are published.
#[derive(Debug, Clone, Copy)]
pub struct Selection {
    /// Publish drafts too.
    pub drafts: bool,
    /// Publish posts dated after `now` too.
    pub future: bool,
    /// The moment "future" is measured from.
    pub now: DateTime<Utc>,
}

macro_rules! index {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub usize);
    };
}

index!(
    /// A post's place in [`Site::posts`].
    PostIx
);
index!(
    /// A term's place in [`Site::tags`], [`Site::categories`] or [`Site::authors`].
    TermIx
);
index!(
    /// A blog's place in [`Site::sources`].
    SourceIx
);
index!(
    /// An organisation's place in [`Site::organisations`].
    OrgIx
);

/// A post with its place on the site.
#[derive(Debug, Clone)]
pub struct SitePost {
    /// The post itself.
    pub post: Post,
    /// Its page.
    pub path: String,
    /// Its tags.
    pub tags: Vec<TermIx>,
    /// Its categories.
    pub categories: Vec<TermIx>,
    /// Its authors, in the order it names them.
    pub authors: Vec<TermIx>,
    /// Its featured image, its address settled.
    pub image: Option<SiteImage>,
    /// The blog it came from, for a remote post.
    pub source: Option<SourceIx>,
    /// Set when the post is a weeknote.
    pub weeknote: Option<Weeknote>,
    /// Whether its whole text may be published: not for a feed set to `excerpt_only`, whose
    /// posts show only their summary, on every page, in every feed and in the search index.
    pub full_text: bool,
}

impl SitePost {
    /// The words search may index: the whole text, or only the summary's.
    pub fn searchable_text(&self) -> std::borrow::Cow<'_, str> {
        if self.full_text {
            self.post.text.as_str().into()
        } else {
            plain_text(&self.post.summary).into()
        }
    }
}

/// What the site knows of a weeknote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weeknote {
    /// Its number in its series, when the title has one.
    pub number: Option<u32>,
    /// The ISO week it belongs to, in the site's time zone.
    pub week: IsoWeek,
}

/// One ISO week's weeknotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Week {
    /// The week.
    pub week: IsoWeek,
    /// `2026-W47`.
    pub slug: String,
    /// Its page.
    pub path: String,
    /// Newest first.
    pub posts: Vec<PostIx>,
}

/// A department, council or body and its blogs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    /// As `feeds.toml` spells it most often.
    pub name: String,
    /// Its page.
    pub path: String,
    /// Its blogs, in `feeds.toml` order.
    pub sources: Vec<SourceIx>,
    /// Newest first.
    pub posts: Vec<PostIx>,
}

/// A tag or category and its posts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The most common spelling among its posts.
    pub name: String,
    /// Its page (which exists only if `has_page`).
    pub path: String,
    /// Newest first.
    pub posts: Vec<PostIx>,
    /// Terms with fewer posts than `[taxonomies] min_posts` get no page.
    pub has_page: bool,
}

/// A year of the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Year {
    /// The year, in the site's time zone.
    pub year: i32,
    /// Its page.
    pub path: String,
    /// Newest first, only months with posts.
    pub months: Vec<Month>,
}

/// A month of the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    /// 1 to 12.
    pub month: u32,
    /// Its page.
    pub path: String,
    /// Newest first.
    pub posts: Vec<PostIx>,
}

/// A feed of the blog roll, as the site shows it.
#[derive(Debug, Clone)]
pub struct SiteSource {
    /// Its settings.
    pub feed: FeedConfig,
    /// Its name in the archive.
    pub key: FeedKey,
    /// Its folder under `sources/`, and the folder of its posts under `posts/`.
    pub slug: String,
    /// Its page.
    pub path: String,
    /// Newest first.
    pub posts: Vec<PostIx>,
    /// Its organisation.
    pub organisation: Option<OrgIx>,
    /// When its weeknotes series began, when its posts come week after week under one title
    /// pattern (see [`weeknotes::series`]): its page says "weeknotes series since …".
    pub weeknotes_since: Option<DateTime<FixedOffset>>,
    /// How it fared in this build.
    pub health: FeedHealth,
}

/// Everything the renderer needs, decided.
#[derive(Debug, Clone)]
pub struct Site {
    /// Published posts, newest first; ties are broken by id, so the order never churns.
    pub posts: Vec<SitePost>,
    /// The posts on the home page and in the combined feeds, newest first.
    pub home: Vec<PostIx>,
    /// Sorted by name.
    pub tags: Vec<Term>,
    /// Sorted by name.
    pub categories: Vec<Term>,
    /// The people who wrote the posts, sorted by name; each has a page.
    pub authors: Vec<Term>,
    /// Newest first.
    pub years: Vec<Year>,
    /// The blog roll, in `feeds.toml` order.
    pub sources: Vec<SiteSource>,
    /// Sorted by name.
    pub organisations: Vec<Organisation>,
    /// Weeks with weeknotes, newest first.
    pub weeks: Vec<Week>,
    /// The time zone dates are shown in.
    pub tz: Tz,
    /// The picture a page with none of its own shows when shared (`[site] image`).
    pub image: Option<SiteImage>,
    /// The figures of the pulse page.
    pub pulse: Pulse,
    /// Posts left out, and why.
    pub held_back: HeldBack,
}

/// Posts not published in this build, as the command line asked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct HeldBack {
    /// Drafts, which `--drafts` publishes.
    pub drafts: usize,
    /// Posts dated after "now", which `--future` publishes.
    pub future: usize,
}

impl Site {
    /// A post.
    pub fn post(&self, ix: PostIx) -> &SitePost {
        &self.posts[ix.0]
    }

    /// A tag.
    pub fn tag(&self, ix: TermIx) -> &Term {
        &self.tags[ix.0]
    }

    /// A category.
    pub fn category(&self, ix: TermIx) -> &Term {
        &self.categories[ix.0]
    }

    /// An author.
    pub fn author(&self, ix: TermIx) -> &Term {
        &self.authors[ix.0]
    }

    /// A blog of the blog roll.
    pub fn source(&self, ix: SourceIx) -> &SiteSource {
        &self.sources[ix.0]
    }

    /// An organisation.
    pub fn organisation(&self, ix: OrgIx) -> &Organisation {
        &self.organisations[ix.0]
    }

    /// The blog a post came from, if remote.
    pub fn source_of(&self, post: &SitePost) -> Option<&SiteSource> {
        post.source.map(|s| self.source(s))
    }

    /// The organisation a blog belongs to, if any.
    pub fn organisation_of(&self, source: &SiteSource) -> Option<&Organisation> {
        source.organisation.map(|o| self.organisation(o))
    }
}

/// Orders posts, gives each its address and groups them.
///
/// `feeds` is the blog roll as refreshed: one health per `[[feeds]]` table, in order, each
/// naming the feed's key in the archive; `history` the health of the last builds, for the
/// pulse page. Archived posts of feeds no longer in the blog roll are left out (they stay in
/// the archive), and a post that two feeds carry appears once.
pub fn build(
    config: &Config,
    local: Vec<Post>,
    remote: Vec<Stored>,
    feeds: &[FeedHealth],
    history: &[BuildHealth],
    selection: Selection,
) -> Site {
    let off_home = off_home(&remote, config.fetch.new_feed_items);
    let primary = config.languages()[0];
    let mut held_back = HeldBack::default();
    let by_key: HashMap<&FeedKey, SourceIx> = feeds
        .iter()
        .enumerate()
        .map(|(i, h)| (&h.key, SourceIx(i)))
        .collect();
    let mut source_slugs = Slugs::new();
    let mut sources: Vec<SiteSource> = config
        .feeds
        .iter()
        .zip(feeds)
        .map(|(feed, health)| {
            let slug = source_slugs.claim(&slugify(feed.name()));
            SiteSource {
                feed: feed.clone(),
                key: health.key.clone(),
                path: paths::source(&slug),
                slug,
                posts: Vec::new(),
                organisation: None,
                weeknotes_since: None,
                health: health.clone(),
            }
        })
        .collect();

    let local_pages = local_pages(&local);
    let mut posts: Vec<(Post, Option<SourceIx>)> = local
        .into_iter()
        .chain(remote.into_iter().map(|s| s.post))
        .filter(|p| {
            let keep = selection.drafts || !p.draft;
            held_back.drafts += usize::from(!keep);
            keep
        })
        .filter(|p| {
            let keep = selection.future || p.published.with_timezone(&Utc) <= selection.now;
            held_back.future += usize::from(!keep);
            keep
        })
        .filter_map(|mut p| match &p.source {
            Source::Local(_) => {
                // A post written here is in the site's first language unless it says not,
                // so that on the pages of another language it is marked as such.
                p.language.get_or_insert_with(|| primary.to_string());
                Some((p, None))
            }
            Source::Feed(key) => by_key.get(key).map(|&s| {
                let feed = &config.feeds[s.0];
                p.weeknote |= feed.weeknotes;
                if feed.language.is_some() {
                    p.language.clone_from(&feed.language);
                }
                (p, Some(s))
            }),
        })
        .collect();
    dedupe(&mut posts);
    posts.sort_by(|(a, _), (b, _)| b.published.cmp(&a.published).then_with(|| a.id.cmp(&b.id)));

    let post_paths = assign_paths(&posts, &sources);
    let (tags, categories, post_terms) = terms::gather(config, &posts);
    let (authors, post_authors) = terms::authors(config, &posts);
    let mut site_posts = Vec::with_capacity(posts.len());
    for (i, ((((mut post, source), path), (tags, categories)), authors)) in posts
        .into_iter()
        .zip(post_paths)
        .zip(post_terms)
        .zip(post_authors)
        .enumerate()
    {
        if let Some(s) = source {
            sources[s.0].posts.push(PostIx(i));
        }
        let feed_tags = source.map(|s| config.feeds[s.0].tags.as_slice());
        media::web_enclosures(&mut post.enclosures);
        // Read from the addresses as written, which say where the picture is from.
        let image = media::featured(&post, &path);
        if source.is_none() {
            let resolver = links::Resolver::new(&config.site.base_url, &path, &local_pages);
            links::settle(&mut post, &resolver);
        }
        site_posts.push(SitePost {
            weeknote: weeknote_of(&post, feed_tags.unwrap_or_default(), config.site.timezone),
            full_text: source.is_none_or(|s| !config.feeds[s.0].excerpt_only),
            image,
            post,
            path,
            tags,
            categories,
            authors,
            source,
        });
    }
    for source in &mut sources {
        series(source, &mut site_posts, config.site.timezone);
    }
    let home = (0..site_posts.len())
        .filter(|&i| !off_home.contains(&site_posts[i].post.id))
        .map(PostIx)
        .collect();
    let years = groups::archive(&site_posts, config.site.timezone);
    let organisations = groups::organisations(&mut sources);
    let weeks = groups::weeks(&site_posts);
    let tz = config.site.timezone;
    let pulse = pulse::gather(&site_posts, &sources, history, selection.now, tz);
    Site {
        posts: site_posts,
        home,
        tags,
        categories,
        authors,
        years,
        sources,
        organisations,
        weeks,
        tz,
        image: config
            .site
            .image
            .as_deref()
            .and_then(|i| media::site_image(i, config.site.image_alt.as_deref())),
        pulse,
        held_back,
    }
}

/// A post is a weeknote when its front matter or feed says so, when it or its feed tags it as
/// one (unless its title says it is about weeknotes: "What are weeknotes?"), or when its title
/// reads like one.
fn weeknote_of(post: &Post, feed_tags: &[String], tz: Tz) -> Option<Weeknote> {
    let detected = weeknotes::detect_title(&post.title);
    let tagged = post
        .tags
        .iter()
        .chain(feed_tags)
        .any(|t| weeknotes::is_weeknote_tag(t));
    let marked = post.weeknote || (tagged && !weeknotes::is_about_weeknotes(&post.title));
    (marked || detected.is_some()).then(|| weeknote(post, tz))
}

fn weeknote(post: &Post, tz: Tz) -> Weeknote {
    let detected = weeknotes::detect_title(&post.title);
    Weeknote {
        number: detected.and_then(|d| d.number),
        week: weeknotes::week_of(post.published, tz, detected),
    }
}

/// A blog whose posts come week after week under one title pattern writes a weeknotes series:
/// its posts in the series are weeknotes even where one title does not say so.
fn series(source: &mut SiteSource, posts: &mut [SitePost], tz: Tz) {
    let titles: Vec<(&str, DateTime<FixedOffset>)> = source
        .posts
        .iter()
        .map(|&p| (posts[p.0].post.title.as_str(), posts[p.0].post.published))
        .collect();
    let Some(found) = weeknotes::series(&titles) else {
        return;
    };
    source.weeknotes_since = Some(found.since);
    for i in found.posts {
        let post = &mut posts[source.posts[i].0];
        if post.weeknote.is_none() {
            post.weeknote = Some(weeknote(&post.post, tz));
        }
    }
}

/// The ids of back-catalogue posts kept off the home page: a feed's first fetch shows only its
/// `keep` newest posts there, so a new blog does not flood the front page.
fn off_home(stored: &[Stored], keep: usize) -> HashSet<String> {
    let mut by_feed: HashMap<&Source, Vec<&Post>> = HashMap::new();
    for entry in stored.iter().filter(|s| s.backlog) {
        by_feed
            .entry(&entry.post.source)
            .or_default()
            .push(&entry.post);
    }
    let mut off = HashSet::new();
    for posts in by_feed.values_mut() {
        posts.sort_by(|a, b| b.published.cmp(&a.published).then_with(|| a.id.cmp(&b.id)));
        off.extend(posts.iter().skip(keep).map(|p| p.id.clone()));
    }
    off
}

/// Keeps one copy of an entry that several feeds carry (same id or same link): the copy from
/// the feed listed first in `feeds.toml`.
fn dedupe(posts: &mut Vec<(Post, Option<SourceIx>)>) {
    posts.sort_by(|(a, fa), (b, fb)| fa.cmp(fb).then_with(|| a.id.cmp(&b.id)));
    let mut seen = HashSet::new();
    posts.retain(|(post, source)| {
        if source.is_none() {
            return true;
        }
        let link = post.original_url.as_deref().map(url_key);
        let new_id = seen.insert(format!("id {}", post.id));
        let new_link = link.is_none_or(|l| seen.insert(format!("link {l}")));
        new_id && new_link
    });
}

/// Every local post's page by its file, for `@/` links: drafts and future posts too, so that a
/// link to one held back leads where it will be (and `check --links` says it is not there yet).
fn local_pages(local: &[Post]) -> HashMap<PathBuf, String> {
    local
        .iter()
        .filter_map(|post| match &post.source {
            Source::Local(file) => Some((file.clone(), paths::local_post(&post.slug))),
            Source::Feed(_) => None,
        })
        .collect()
}

/// Local posts live at `posts/<slug>/` (their slugs are unique, the content stage checks);
/// remote posts at `posts/<source>/<slug>/`, where slugs are claimed oldest first so a post's
/// address does not change when newer posts with the same title arrive.
fn assign_paths(posts: &[(Post, Option<SourceIx>)], sources: &[SiteSource]) -> Vec<String> {
    let mut paths = vec![String::new(); posts.len()];
    let mut per_source: HashMap<SourceIx, Slugs> = HashMap::new();
    for (i, (post, source)) in posts.iter().enumerate().rev() {
        paths[i] = match source {
            None => paths::local_post(&post.slug),
            Some(s) => {
                let slugs = per_source.entry(*s).or_default();
                let slug = if slugs.reserve(&post.slug) {
                    post.slug.clone()
                } else {
                    let dated = format!("{}-{}", post.slug, post.published.format("%Y-%m-%d"));
                    slugs.claim(&dated)
                };
                paths::remote_post(&sources[s.0].slug, &slug)
            }
        };
    }
    paths
}

#[cfg(test)]
mod tests;
