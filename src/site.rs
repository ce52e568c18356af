//! The site model: every post that will be published, in order, with its address, and the
//! groupings pages are made of (tags, categories, archives by month, sources, weeks).
//!
//! Everything here is decided once, so that rendering only reads.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, IsoWeek, Utc};
use chrono_tz::Tz;

use crate::config::{Config, FeedConfig};
use crate::health::FeedHealth;
use crate::post::{Post, Source};
use crate::slug::{Slugs, slugify, term_key};
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

/// A post with its place on the site.
#[derive(Debug, Clone)]
pub struct SitePost {
    /// The post itself.
    pub post: Post,
    /// Its page, relative to the site's root, ending in `/`: `posts/my-post/`.
    pub path: String,
    /// Indices into [`Site::tags`].
    pub tags: Vec<usize>,
    /// Indices into [`Site::categories`].
    pub categories: Vec<usize>,
    /// Index into [`Site::sources`], for a remote post.
    pub source: Option<usize>,
    /// Set when the post is a weeknote.
    pub weeknote: Option<Weeknote>,
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
    /// Indices into [`Site::posts`], newest first.
    pub posts: Vec<usize>,
}

/// A department, council or body and its blogs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    /// As `feeds.toml` spells it most often.
    pub name: String,
    /// Its folder under `organisations/`.
    pub slug: String,
    /// Indices into [`Site::sources`], in `feeds.toml` order.
    pub sources: Vec<usize>,
    /// Indices into [`Site::posts`], newest first.
    pub posts: Vec<usize>,
}

/// A tag or category and its posts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The most common spelling among its posts.
    pub name: String,
    /// Its folder under `tags/` or `categories/`.
    pub slug: String,
    /// Indices into [`Site::posts`], newest first.
    pub posts: Vec<usize>,
    /// Terms with fewer posts than `[taxonomies] min_posts` get no page.
    pub has_page: bool,
}

/// A year of the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Year {
    /// The year, in the site's time zone.
    pub year: i32,
    /// Newest first, only months with posts.
    pub months: Vec<Month>,
}

/// A month of the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    /// 1 to 12.
    pub month: u32,
    /// Indices into [`Site::posts`], newest first.
    pub posts: Vec<usize>,
}

/// A feed of the blog roll, as the site shows it.
#[derive(Debug, Clone)]
pub struct SiteSource {
    /// Its settings.
    pub feed: FeedConfig,
    /// Its folder under `sources/`, and the folder of its posts under `posts/`.
    pub slug: String,
    /// Indices into [`Site::posts`], newest first.
    pub posts: Vec<usize>,
    /// How it fared in this build, if it was ever tried.
    pub health: Option<FeedHealth>,
}

/// Everything the renderer needs, decided.
#[derive(Debug, Clone)]
pub struct Site {
    /// Published posts, newest first; ties are broken by id, so the order never churns.
    pub posts: Vec<SitePost>,
    /// Indices of the posts on the home page and in the combined feeds, newest first.
    pub home: Vec<usize>,
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

/// Orders posts, gives each its address and groups them.
///
/// `posts` holds local and remote posts together; remote posts of feeds no longer in the blog
/// roll are left out (they stay in the archive), and a post that two feeds carry appears once.
/// `off_home` holds ids kept off the home page; `health` how each feed fared.
pub fn build(
    config: &Config,
    posts: Vec<Post>,
    selection: Selection,
    off_home: &std::collections::HashSet<String>,
    health: &[FeedHealth],
) -> Site {
    let feeds: HashMap<&str, usize> = config
        .feeds
        .iter()
        .enumerate()
        .map(|(i, f)| (f.url().as_str(), i))
        .collect();
    let mut source_slugs = Slugs::new();
    let mut sources: Vec<SiteSource> = config
        .feeds
        .iter()
        .map(|feed| SiteSource {
            feed: feed.clone(),
            slug: source_slugs.claim(&slugify(feed.name())),
            posts: Vec::new(),
            health: health
                .iter()
                .find(|h| h.url == feed.url().as_str())
                .cloned(),
        })
        .collect();

    let mut posts: Vec<(Post, Option<usize>)> = posts
        .into_iter()
        .filter(|p| selection.drafts || !p.draft)
        .filter(|p| selection.future || p.published.with_timezone(&Utc) <= selection.now)
        .filter_map(|mut p| match &p.source {
            Source::Local(_) => Some((p, None)),
            Source::Feed(url) => feeds.get(url.as_str()).map(|&i| {
                p.weeknote |= config.feeds[i].weeknotes;
                (p, Some(i))
            }),
        })
        .collect();
    dedupe(&mut posts);
    posts.sort_by(|(a, _), (b, _)| b.published.cmp(&a.published).then_with(|| a.id.cmp(&b.id)));

    let paths = assign_paths(&posts, &sources);
    let aliases: HashMap<String, &str> = config
        .taxonomies
        .aliases
        .iter()
        .map(|(from, to)| (term_key(from), to.as_str()))
        .collect();
    let min_posts = config.taxonomies.min_posts;
    let mut tags = Terms::default();
    let mut categories = Terms::default();
    for (i, (post, source)) in posts.iter().enumerate() {
        let feed = source.map(|s| &config.feeds[s]);
        let feed_tags = feed.map(|f| f.tags.as_slice()).unwrap_or_default();
        let feed_categories = feed.map(|f| f.categories.as_slice()).unwrap_or_default();
        tags.add(i, post.tags.iter().chain(feed_tags), &aliases);
        categories.add(i, post.categories.iter().chain(feed_categories), &aliases);
    }
    let (tags, post_tags) = tags.finish(posts.len(), min_posts);
    let (categories, post_categories) = categories.finish(posts.len(), min_posts);

    let mut site_posts = Vec::with_capacity(posts.len());
    for (i, (((post, source), path), (tags, categories))) in posts
        .into_iter()
        .zip(paths)
        .zip(post_tags.into_iter().zip(post_categories))
        .enumerate()
    {
        if let Some(s) = source {
            sources[s].posts.push(i);
        }
        let weeknote = weeknote_of(&post, config.site.timezone);
        site_posts.push(SitePost {
            post,
            path,
            tags,
            categories,
            source,
            weeknote,
        });
    }
    let home = (0..site_posts.len())
        .filter(|&i| !off_home.contains(&site_posts[i].post.id))
        .collect();
    let years = archive(&site_posts, config.site.timezone);
    let organisations = organisations(&sources);
    let weeks = weeks(&site_posts);
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

/// A post is a weeknote when its front matter or feed says so, when it is tagged as one, or
/// when its title reads like one.
fn weeknote_of(post: &Post, tz: Tz) -> Option<Weeknote> {
    let detected = weeknotes::detect_title(&post.title);
    let marked = post.weeknote || post.tags.iter().any(|t| weeknotes::is_weeknote_tag(t));
    (marked || detected.is_some()).then(|| Weeknote {
        number: detected.and_then(|d| d.number),
        week: weeknotes::week_of(post.published, tz, detected),
    })
}

fn weeks(posts: &[SitePost]) -> Vec<Week> {
    let mut by_week: BTreeMap<IsoWeek, Vec<usize>> = BTreeMap::new();
    for (i, post) in posts.iter().enumerate() {
        if let Some(note) = post.weeknote {
            by_week.entry(note.week).or_default().push(i);
        }
    }
    by_week
        .into_iter()
        .rev()
        .map(|(week, posts)| Week {
            slug: weeknotes::week_slug(week),
            week,
            posts,
        })
        .collect()
}

fn organisations(sources: &[SiteSource]) -> Vec<Organisation> {
    let mut by_key: BTreeMap<String, (BTreeMap<&str, usize>, Vec<usize>)> = BTreeMap::new();
    for (i, source) in sources.iter().enumerate() {
        let Some(name) = source
            .feed
            .organisation
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        else {
            continue;
        };
        let (spellings, members) = by_key.entry(term_key(name)).or_default();
        *spellings.entry(name).or_default() += 1;
        members.push(i);
    }
    let mut slugs = Slugs::new();
    by_key
        .into_values()
        .map(|(spellings, members)| {
            let name = most_common(spellings.into_iter().map(|(n, c)| (n.to_string(), c)));
            let mut posts: Vec<usize> = members
                .iter()
                .flat_map(|&s| sources[s].posts.iter().copied())
                .collect();
            posts.sort_unstable();
            Organisation {
                slug: slugs.claim(&slugify(&name)),
                name,
                sources: members,
                posts,
            }
        })
        .collect()
}

/// The spelling used most; ties go to the one that sorts first, so the choice never churns.
fn most_common(spellings: impl Iterator<Item = (String, usize)>) -> String {
    spellings
        .max_by(|(a, n), (b, m)| n.cmp(m).then_with(|| b.cmp(a)))
        .map(|(name, _)| name)
        .unwrap_or_default()
}

/// Keeps one copy of an entry that several feeds carry (same id or same link): the copy from
/// the feed listed first in `feeds.toml`.
fn dedupe(posts: &mut Vec<(Post, Option<usize>)>) {
    posts.sort_by(|(a, fa), (b, fb)| fa.cmp(fb).then_with(|| a.id.cmp(&b.id)));
    let mut seen = std::collections::HashSet::new();
    posts.retain(|(post, source)| {
        if source.is_none() {
            return true;
        }
        let link = post.original_url.as_deref().map(link_key);
        let new_id = seen.insert(format!("id {}", post.id));
        let new_link = link.is_none_or(|l| seen.insert(format!("link {l}")));
        new_id && new_link
    });
}

/// A link with the parts that differ between copies of one post removed: scheme, `www.`,
/// trailing slash, fragment and tracking parameters.
fn link_key(link: &str) -> String {
    let Ok(mut url) = url::Url::parse(link) else {
        return link.to_string();
    };
    url.set_fragment(None);
    let query: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !k.starts_with("utm_"))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.set_query(None);
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_start_matches("www.")
        .to_ascii_lowercase();
    let rest = &url[url::Position::BeforePath..];
    format!("{host}{}", rest.trim_end_matches('/'))
}

/// Local posts live at `posts/<slug>/` (their slugs are unique, the content stage checks);
/// remote posts at `posts/<source>/<slug>/`, where slugs are claimed oldest first so a post's
/// address does not change when newer posts with the same title arrive.
fn assign_paths(posts: &[(Post, Option<usize>)], sources: &[SiteSource]) -> Vec<String> {
    let mut paths = vec![String::new(); posts.len()];
    let mut per_source: HashMap<usize, Slugs> = HashMap::new();
    for (i, (post, source)) in posts.iter().enumerate().rev() {
        paths[i] = match source {
            None => format!("posts/{}/", post.slug),
            Some(s) => {
                let slugs = per_source.entry(*s).or_default();
                let slug = if slugs.reserve(&post.slug) {
                    post.slug.clone()
                } else {
                    let dated = format!("{}-{}", post.slug, post.published.format("%Y-%m-%d"));
                    slugs.claim(&dated)
                };
                format!("posts/{}/{slug}/", sources[*s].slug)
            }
        };
    }
    paths
}

/// Gathers the spellings and posts of one taxonomy.
#[derive(Default)]
struct Terms {
    /// term key -> (spelling -> uses, post indices)
    by_key: BTreeMap<String, (BTreeMap<String, usize>, Vec<usize>)>,
}

impl Terms {
    fn add<'a>(
        &mut self,
        post: usize,
        names: impl Iterator<Item = &'a String>,
        aliases: &HashMap<String, &str>,
    ) {
        for name in names {
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            let name = aliases.get(&term_key(name)).copied().unwrap_or(name);
            let (spellings, posts) = self.by_key.entry(term_key(name)).or_default();
            *spellings
                .entry(name.split_whitespace().collect::<Vec<_>>().join(" "))
                .or_default() += 1;
            if posts.last() != Some(&post) {
                posts.push(post);
            }
        }
    }

    /// The terms sorted by name, and for each post the indices of its terms.
    fn finish(self, post_count: usize, min_posts: usize) -> (Vec<Term>, Vec<Vec<usize>>) {
        let mut terms: Vec<Term> = self
            .by_key
            .into_values()
            .map(|(spellings, posts)| {
                let name = most_common(spellings.into_iter());
                Term {
                    slug: String::new(),
                    has_page: posts.len() >= min_posts,
                    name,
                    posts,
                }
            })
            .collect();
        terms.sort_by(|a, b| {
            term_key(&a.name)
                .cmp(&term_key(&b.name))
                .then_with(|| a.name.cmp(&b.name))
        });
        let mut slugs = Slugs::new();
        let mut post_terms = vec![Vec::new(); post_count];
        for (t, term) in terms.iter_mut().enumerate() {
            term.slug = slugs.claim(&slugify(&term.name));
            for &p in &term.posts {
                post_terms[p].push(t);
            }
        }
        (terms, post_terms)
    }
}

fn archive(posts: &[SitePost], tz: Tz) -> Vec<Year> {
    let mut years: Vec<Year> = Vec::new();
    for (i, post) in posts.iter().enumerate() {
        let local = post.post.published.with_timezone(&tz);
        let (year, month) = (local.year(), local.month());
        if years.last().is_none_or(|y| y.year != year) {
            years.push(Year {
                year,
                months: Vec::new(),
            });
        }
        let months = &mut years.last_mut().expect("pushed above").months;
        if months.last().is_none_or(|m| m.month != month) {
            months.push(Month {
                month,
                posts: Vec::new(),
            });
        }
        months.last_mut().expect("pushed above").posts.push(i);
    }
    years
}

/// One page of a paginated list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager<'a> {
    /// 1-based.
    pub number: usize,
    /// How many pages the list has.
    pub total: usize,
    /// This page's posts: indices into [`Site::posts`].
    pub posts: &'a [usize],
    /// This page, relative to the site's root.
    pub path: String,
    /// The previous page, if any.
    pub previous: Option<String>,
    /// The next page, if any.
    pub next: Option<String>,
}

/// Splits a list living at `dir` (`""` for the home page, `tags/x/`) into pages: the first at
/// `dir`, the rest at `dir/page/N/`. An empty list still has one, empty, page.
pub fn paginate<'a>(dir: &str, posts: &'a [usize], per_page: usize) -> Vec<Pager<'a>> {
    let chunks: Vec<&[usize]> = if posts.is_empty() {
        vec![&[]]
    } else {
        posts.chunks(per_page).collect()
    };
    let total = chunks.len();
    let path = |n: usize| {
        if n == 1 {
            dir.to_string()
        } else {
            format!("{dir}page/{n}/")
        }
    };
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, posts)| {
            let number = i + 1;
            Pager {
                number,
                total,
                posts,
                path: path(number),
                previous: (number > 1).then(|| path(number - 1)),
                next: (number < total).then(|| path(number + 1)),
            }
        })
        .collect()
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
            source: Source::Feed("https://one.example/feed".to_string()),
            slug: slugify(title),
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

    #[test]
    fn posts_are_newest_first_with_ties_broken_by_id() {
        let site = build(
            &config(""),
            vec![
                post("b", "2026-01-01T00:00:00Z", &[]),
                post("c", "2026-02-01T00:00:00Z", &[]),
                post("a", "2026-01-01T00:00:00Z", &[]),
            ],
            all(),
            &Default::default(),
            &[],
        );
        let ids: Vec<_> = site.posts.iter().map(|p| p.post.id.as_str()).collect();
        assert_eq!(ids, ["c", "a", "b"]);
    }

    #[test]
    fn terms_merge_spellings_and_show_the_most_common() {
        let site = build(
            &config(""),
            vec![
                post("a", "2026-01-01T00:00:00Z", &["User Research"]),
                post("b", "2026-01-02T00:00:00Z", &["user research"]),
                post("c", "2026-01-03T00:00:00Z", &["user  research", "Other"]),
            ],
            all(),
            &Default::default(),
            &[],
        );
        let names: Vec<_> = site.tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Other", "user research"]);
        assert_eq!(site.tags[1].posts.len(), 3);
        assert_eq!(site.tags[1].slug, "user-research");
    }

    #[test]
    fn aliases_and_min_posts_shape_the_terms() {
        let site = build(
            &config(
                "[taxonomies]\nmin_posts = 2\n[taxonomies.aliases]\na11y = \"accessibility\"\n",
            ),
            vec![
                post("a", "2026-01-01T00:00:00Z", &["A11y", "rare"]),
                post("b", "2026-01-02T00:00:00Z", &["Accessibility"]),
            ],
            all(),
            &Default::default(),
            &[],
        );
        let a11y = site
            .tags
            .iter()
            .find(|t| t.slug == "accessibility")
            .unwrap();
        assert_eq!(a11y.posts.len(), 2);
        assert!(a11y.has_page);
        let rare = site.tags.iter().find(|t| t.slug == "rare").unwrap();
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
            build(
                &config(""),
                vec![draft.clone(), future.clone()],
                Selection {
                    drafts,
                    future: future_flag,
                    now,
                },
                &Default::default(),
                &[],
            )
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
        let site = build(
            &config(""),
            vec![older.clone()],
            all(),
            &Default::default(),
            &[],
        );
        assert_eq!(site.posts[0].path, "posts/blog-one/weeknotes/");
        let site = build(
            &config(""),
            vec![newer, older],
            all(),
            &Default::default(),
            &[],
        );
        assert_eq!(site.posts[1].path, "posts/blog-one/weeknotes/");
        assert_eq!(site.posts[0].path, "posts/blog-one/weeknotes-2026-01-08/");
        // The feed's configured tags reach its posts.
        assert_eq!(site.tags[site.posts[0].tags[0]].name, "Feed Tag");
    }

    #[test]
    fn posts_of_feeds_no_longer_configured_are_left_out() {
        let mut gone = remote("g", "Gone", "2026-01-01T00:00:00Z");
        gone.source = Source::Feed("https://removed.example/feed".to_string());
        let site = build(&config(""), vec![gone], all(), &Default::default(), &[]);
        assert!(site.posts.is_empty());
    }

    #[test]
    fn the_archive_groups_by_month_in_the_site_time_zone() {
        // 23:30 UTC on 31 July is 00:30 on 1 August in London.
        let site = build(
            &config(""),
            vec![
                post("a", "2026-07-31T23:30:00Z", &[]),
                post("b", "2025-12-01T12:00:00Z", &[]),
            ],
            all(),
            &Default::default(),
            &[],
        );
        assert_eq!(site.years.len(), 2);
        assert_eq!(site.years[0].months[0].month, 8);
        assert_eq!(site.years[1].year, 2025);
    }

    #[test]
    fn pagination_covers_every_post_once() {
        let posts: Vec<usize> = (0..45).collect();
        let pages = paginate("tags/x/", &posts, 20);
        assert_eq!(pages.len(), 3);
        assert_eq!(pages[0].path, "tags/x/");
        assert_eq!(pages[1].path, "tags/x/page/2/");
        assert_eq!(pages[2].previous.as_deref(), Some("tags/x/page/2/"));
        assert_eq!(pages[2].next, None);
        let seen: Vec<usize> = pages.iter().flat_map(|p| p.posts.iter().copied()).collect();
        assert_eq!(seen, posts);
        assert_eq!(paginate("", &[], 20).len(), 1);
    }
}
