//! The site model: every post that will be published, in order, with its address, and the
//! groupings pages are made of (tags, categories, archives by month, sources, organisations,
//! weeks). Every address and every relation is decided here, once, so that rendering only
//! reads.

mod groups;
pub mod paths;
mod terms;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset, IsoWeek, Utc};
use chrono_tz::Tz;

use crate::archive::Stored;
use crate::config::{Config, FeedConfig};
use crate::health::{FeedHealth, FeedKey};
use crate::plain_text::plain_text;
use crate::post::{Post, Source};
use crate::slug::{Slugs, slugify};
use crate::urls::url_key;
use crate::weeknotes;

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
    /// A term's place in [`Site::tags`] or [`Site::categories`].
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
/// naming the feed's key in the archive. Archived posts of feeds no longer in the blog roll are
/// left out (they stay in the archive), and a post that two feeds carry appears once.
pub fn build(
    config: &Config,
    local: Vec<Post>,
    remote: Vec<Stored>,
    feeds: &[FeedHealth],
    selection: Selection,
) -> Site {
    let off_home = off_home(&remote, config.fetch.new_feed_items);
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

    let mut posts: Vec<(Post, Option<SourceIx>)> = local
        .into_iter()
        .chain(remote.into_iter().map(|s| s.post))
        .filter(|p| selection.drafts || !p.draft)
        .filter(|p| selection.future || p.published.with_timezone(&Utc) <= selection.now)
        .filter_map(|mut p| match &p.source {
            Source::Local(_) => Some((p, None)),
            Source::Feed(key) => by_key.get(key).map(|&s| {
                p.weeknote |= config.feeds[s.0].weeknotes;
                (p, Some(s))
            }),
        })
        .collect();
    dedupe(&mut posts);
    posts.sort_by(|(a, _), (b, _)| b.published.cmp(&a.published).then_with(|| a.id.cmp(&b.id)));

    let post_paths = assign_paths(&posts, &sources);
    let (tags, categories, post_terms) = terms::gather(config, &posts);
    let mut site_posts = Vec::with_capacity(posts.len());
    for (i, (((post, source), path), (tags, categories))) in posts
        .into_iter()
        .zip(post_paths)
        .zip(post_terms)
        .enumerate()
    {
        if let Some(s) = source {
            sources[s.0].posts.push(PostIx(i));
        }
        let feed_tags = source.map(|s| config.feeds[s.0].tags.as_slice());
        site_posts.push(SitePost {
            weeknote: weeknote_of(&post, feed_tags.unwrap_or_default(), config.site.timezone),
            full_text: source.is_none_or(|s| !config.feeds[s.0].excerpt_only),
            post,
            path,
            tags,
            categories,
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
    Site {
        posts: site_posts,
        home,
        tags,
        categories,
        years,
        sources,
        organisations,
        weeks,
        tz: config.site.timezone,
    }
}

/// A post is a weeknote when its front matter or feed says so, when it or its feed tags it as
/// one, or when its title reads like one.
fn weeknote_of(post: &Post, feed_tags: &[String], tz: Tz) -> Option<Weeknote> {
    let detected = weeknotes::detect_title(&post.title);
    let marked = post.weeknote
        || post
            .tags
            .iter()
            .chain(feed_tags)
            .any(|t| weeknotes::is_weeknote_tag(t));
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
mod tests {
    use super::*;
    use chrono::DateTime;
    use std::path::{Path, PathBuf};

    fn config(extra: &str) -> Config {
        let text = format!(
            "[site]\ntitle = \"T\"\nbase_url = \"https://example.org/\"\n{extra}\n\
             [[feeds]]\nname = \"Blog One\"\nurl = \"https://one.example/feed\"\ntags = [\"Feed Tag\"]\n"
        );
        Config::parse(&text, Path::new("feeds.toml")).unwrap()
    }

    fn post(id: &str, date: &str, tags: &[&str]) -> Post {
        Post {
            id: id.to_string(),
            source: Source::Local(PathBuf::from(format!("content/{id}.md"))),
            slug: id.to_string(),
            title: id.to_string(),
            original_url: None,
            published: DateTime::parse_from_rfc3339(date).unwrap(),
            updated: None,
            authors: vec![],
            summary: String::new(),
            content: String::new(),
            text: String::new(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            categories: vec![],
            weeknote: false,
            draft: false,
            extra: serde_json::Value::Null,
        }
    }

    fn remote(id: &str, title: &str, date: &str) -> Post {
        Post {
            source: Source::Feed(FeedKey("https://one.example/feed".to_string())),
            slug: slugify(title),
            title: title.to_string(),
            ..post(id, date, &[])
        }
    }

    fn all() -> Selection {
        Selection {
            drafts: true,
            future: true,
            now: Utc::now(),
        }
    }

    /// The blog roll's health as a refresh gives it: each feed keyed by its address.
    fn health(config: &Config) -> Vec<FeedHealth> {
        config
            .feeds
            .iter()
            .map(|f| {
                let url = f.url().as_str();
                FeedHealth::remembered(f.name(), url, FeedKey(url.to_string()), None, 0)
            })
            .collect()
    }

    fn select(config: &Config, posts: Vec<Post>, selection: Selection) -> Site {
        let (remote, local): (Vec<Post>, Vec<Post>) = posts.into_iter().partition(Post::is_remote);
        let remote = remote
            .into_iter()
            .map(|post| Stored {
                post,
                backlog: false,
            })
            .collect();
        build(config, local, remote, &health(config), selection)
    }

    fn make(config: &Config, posts: Vec<Post>) -> Site {
        select(config, posts, all())
    }

    #[test]
    fn posts_are_newest_first_with_ties_broken_by_id() {
        let site = make(
            &config(""),
            vec![
                post("b", "2026-01-01T00:00:00Z", &[]),
                post("c", "2026-02-01T00:00:00Z", &[]),
                post("a", "2026-01-01T00:00:00Z", &[]),
            ],
        );
        let ids: Vec<_> = site.posts.iter().map(|p| p.post.id.as_str()).collect();
        assert_eq!(ids, ["c", "a", "b"]);
    }

    #[test]
    fn terms_merge_spellings_and_show_the_most_common() {
        let site = make(
            &config(""),
            vec![
                post("a", "2026-01-01T00:00:00Z", &["User Research"]),
                post("b", "2026-01-02T00:00:00Z", &["user research"]),
                post("c", "2026-01-03T00:00:00Z", &["user  research", "Other"]),
            ],
        );
        let names: Vec<_> = site.tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Other", "user research"]);
        assert_eq!(site.tags[1].posts.len(), 3);
        assert_eq!(site.tags[1].path, "tags/user-research/");
    }

    #[test]
    fn aliases_and_min_posts_shape_the_terms() {
        let site = make(
            &config(
                "[taxonomies]\nmin_posts = 2\n[taxonomies.aliases]\na11y = \"accessibility\"\n",
            ),
            vec![
                post("a", "2026-01-01T00:00:00Z", &["A11y", "rare"]),
                post("b", "2026-01-02T00:00:00Z", &["Accessibility"]),
            ],
        );
        let a11y = site
            .tags
            .iter()
            .find(|t| t.path == "tags/accessibility/")
            .unwrap();
        assert_eq!(a11y.posts.len(), 2);
        assert!(a11y.has_page);
        let rare = site.tags.iter().find(|t| t.path == "tags/rare/").unwrap();
        assert!(!rare.has_page);
    }

    #[test]
    fn drafts_and_future_posts_need_their_flags() {
        let mut draft = post("draft", "2026-01-01T00:00:00Z", &[]);
        draft.draft = true;
        let future = post("future", "2099-01-01T00:00:00Z", &[]);
        let now = DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let pick = |drafts, future_flag| {
            let selection = Selection {
                drafts,
                future: future_flag,
                now,
            };
            select(&config(""), vec![draft.clone(), future.clone()], selection)
                .posts
                .len()
        };
        assert_eq!(pick(false, false), 0);
        assert_eq!(pick(true, false), 1);
        assert_eq!(pick(false, true), 1);
        assert_eq!(pick(true, true), 2);
    }

    #[test]
    fn remote_posts_with_one_title_get_stable_distinct_paths() {
        let older = remote("r1", "Weeknotes", "2026-01-01T00:00:00Z");
        let newer = remote("r2", "Weeknotes", "2026-01-08T00:00:00Z");
        let site = make(&config(""), vec![older.clone()]);
        assert_eq!(site.posts[0].path, "posts/blog-one/weeknotes/");
        let site = make(&config(""), vec![newer, older]);
        assert_eq!(site.posts[1].path, "posts/blog-one/weeknotes/");
        assert_eq!(site.posts[0].path, "posts/blog-one/weeknotes-2026-01-08/");
        // The feed's configured tags reach its posts.
        assert_eq!(site.tag(site.posts[0].tags[0]).name, "Feed Tag");
    }

    #[test]
    fn posts_of_feeds_no_longer_configured_are_left_out() {
        let mut gone = remote("g", "Gone", "2026-01-01T00:00:00Z");
        gone.source = Source::Feed(FeedKey("https://removed.example/feed".to_string()));
        let site = make(&config(""), vec![gone]);
        assert!(site.posts.is_empty());
    }

    #[test]
    fn the_archive_groups_by_month_in_the_site_time_zone() {
        // 23:30 UTC on 31 July is 00:30 on 1 August in London.
        let site = make(
            &config(""),
            vec![
                post("a", "2026-07-31T23:30:00Z", &[]),
                post("b", "2025-12-01T12:00:00Z", &[]),
            ],
        );
        assert_eq!(site.years.len(), 2);
        assert_eq!(site.years[0].months[0].month, 8);
        assert_eq!(site.years[1].year, 2025);
    }

    #[test]
    fn an_excerpt_only_feed_publishes_only_its_summary() {
        let text = "[site]\ntitle = \"T\"\nbase_url = \"https://example.org/\"\n\
             [[feeds]]\nname = \"Blog One\"\nurl = \"https://one.example/feed\"\nexcerpt_only = true\n";
        let config = Config::parse(text, Path::new("feeds.toml")).unwrap();
        let mut post = remote("r", "Title", "2026-01-01T00:00:00Z");
        post.summary = "<p>The gist.</p>".into();
        post.text = "The whole of a long post, not to be republished.".into();
        let local = post_with_text("l", "Also long and local.");
        let site = make(&config, vec![post, local]);
        let remote = site.posts.iter().find(|p| p.post.id == "r").unwrap();
        assert!(!remote.full_text);
        assert_eq!(remote.searchable_text(), "The gist.");
        let local = site.posts.iter().find(|p| p.post.id == "l").unwrap();
        assert!(local.full_text);
        assert_eq!(local.searchable_text(), "Also long and local.");
    }

    fn post_with_text(id: &str, text: &str) -> Post {
        Post {
            text: text.into(),
            ..post(id, "2026-01-02T00:00:00Z", &[])
        }
    }

    #[test]
    fn a_new_blogs_back_catalogue_stays_off_the_home_page() {
        let config = config("");
        let remote: Vec<Stored> = (1..=8)
            .map(|n| Stored {
                post: remote(
                    &format!("old{n}"),
                    &format!("Old {n}"),
                    &format!("2025-01-0{n}T00:00:00Z"),
                ),
                backlog: true,
            })
            .chain([Stored {
                post: remote("fresh", "Fresh", "2026-01-02T00:00:00Z"),
                backlog: false,
            }])
            .collect();
        let site = build(&config, vec![], remote, &health(&config), all());
        let home: Vec<&str> = site
            .home
            .iter()
            .map(|&i| site.post(i).post.id.as_str())
            .collect();
        // The five newest of the back catalogue, and every post that came later.
        assert_eq!(home, ["fresh", "old8", "old7", "old6", "old5", "old4"]);
        assert_eq!(site.sources[0].posts.len(), 9);
    }

    #[test]
    fn a_weekly_series_makes_its_posts_weeknotes_even_when_a_title_does_not_say() {
        let titles = [
            "Week 461",
            "Week 462",
            "Week 463: budget season",
            "Week 464",
            "Week 465",
        ];
        let posts = titles
            .iter()
            .enumerate()
            .map(|(n, title)| {
                let day = DateTime::parse_from_rfc3339("2026-03-06T17:00:00Z").unwrap()
                    + chrono::Duration::weeks(n as i64);
                remote(&format!("w{n}"), title, &day.to_rfc3339())
            })
            .chain([remote("other", "A talk we gave", "2026-03-10T12:00:00Z")])
            .collect();
        let site = make(&config(""), posts);
        let source = &site.sources[0];
        assert_eq!(
            source.weeknotes_since.map(|d| d.to_rfc3339()).as_deref(),
            Some("2026-03-06T17:00:00+00:00")
        );
        for post in &site.posts {
            assert_eq!(
                post.weeknote.is_some(),
                post.post.id != "other",
                "{}",
                post.post.title
            );
        }
    }

    #[test]
    fn a_feeds_weeknotes_tag_makes_its_posts_weeknotes() {
        let config = config("");
        // The test feed is configured with the tag "Feed Tag"; this one says weeknotes.
        let mut tagged = config.clone();
        tagged.feeds[0].tags = vec!["Weeknotes".into()];
        let post = remote("r", "A tough week", "2026-01-05T10:00:00Z");
        assert!(
            make(&config, vec![post.clone()]).posts[0]
                .weeknote
                .is_none()
        );
        assert!(make(&tagged, vec![post]).posts[0].weeknote.is_some());
    }

    #[test]
    fn every_blog_knows_its_organisation() {
        let text = "[site]\ntitle = \"T\"\nbase_url = \"https://example.org/\"\n\
             [[feeds]]\nname = \"A\"\nurl = \"https://a.example/feed\"\norganisation = \"GDS\"\n\
             [[feeds]]\nname = \"B\"\nurl = \"https://b.example/feed\"\norganisation = \"gds \"\n\
             [[feeds]]\nname = \"C\"\nurl = \"https://c.example/feed\"\n";
        let config = Config::parse(text, Path::new("feeds.toml")).unwrap();
        let site = make(&config, vec![]);
        assert_eq!(site.organisations.len(), 1);
        let gds = &site.organisations[0];
        assert_eq!(gds.path, "organisations/gds/");
        assert_eq!(gds.sources, [SourceIx(0), SourceIx(1)]);
        assert_eq!(
            site.organisation_of(&site.sources[1])
                .map(|o| o.name.as_str()),
            Some("GDS")
        );
        assert!(site.organisation_of(&site.sources[2]).is_none());
        assert_eq!(site.sources[2].path, "sources/c/");
    }
}
