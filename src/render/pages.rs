//! The pages of a site: which exist, at which path, with which template and data, and which
//! feeds they offer.

use chrono::Month as ChronoMonth;
use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use super::syndication::{FeedLink, Items, Syndication, week_dates, week_label};
use super::templates::report;
use super::view::{Links, PagerView, Views};
use super::{RenderError, Sink, emit};
use crate::archive::Status;
use crate::config::Config;
use crate::site::{Pager, SiteSource, Term, paginate};

/// Facts about the page being rendered, as templates see them under `page`.
#[derive(Debug, Serialize)]
struct PageMeta<'a> {
    /// What kind of page: `home`, `post`, `tag`, `tags`, `category`, `categories`, `archive`,
    /// `sources`, `source`, `organisations`, `organisation`, `weeknotes`, `week`, `search`, `404`.
    kind: &'a str,
    /// The heading and `<title>`; none on the home page.
    title: Option<String>,
    /// The page's own link.
    url: String,
    /// Where search engines should look: the original post for a remote post.
    canonical: String,
    /// The feeds that fit this page, most specific first, for `<link rel="alternate">`.
    feeds: Vec<FeedLink>,
}

/// A page waiting to be rendered.
struct Page {
    path: String,
    template: &'static str,
    context: Context,
}

/// Every page and feed of the site but the posts' own pages, with their data, ready to render
/// in parallel.
pub(super) struct Plan<'a> {
    views: Views<'a>,
    config: &'a Config,
    /// Each post as a listing shows it, made once and shared by every list it is on.
    cards: Vec<Value>,
    pages: Vec<Page>,
    feeds: Vec<Syndication>,
    /// The whole site's feeds, offered on every page.
    site_feeds: Vec<FeedLink>,
}

impl<'a> Plan<'a> {
    pub(super) fn new(views: Views<'a>, config: &'a Config) -> Self {
        let cards = views
            .site
            .posts
            .par_iter()
            .map(|p| Value::from_serializable(&views.post(p, false)))
            .collect();
        let whole_site = Syndication {
            dir: String::new(),
            title: config.site.title.clone(),
            items: Items::Posts(views.site.home.clone()),
        };
        let mut plan = Plan {
            site_feeds: whole_site.links(views.links),
            feeds: vec![whole_site],
            views,
            config,
            cards,
            pages: Vec::new(),
        };
        let site = views.site;
        plan.lists("home", None, "", &site.home, &[]);
        for (kind, plural, dir, terms) in [
            ("tag", "Tags", "tags", &site.tags),
            ("category", "Categories", "categories", &site.categories),
        ] {
            plan.taxonomy(kind, plural, dir, terms);
        }
        plan.archive();
        plan.sources();
        plan.organisations();
        plan.weeks();
        let mut search = Context::new();
        search.insert("filters", &super::search::filter_menus(site));
        plan.single("search/", "search", "Search", "search.html", search);
        plan.single(
            "404.html",
            "404",
            "Page not found",
            "404.html",
            Context::new(),
        );
        plan
    }

    /// The paths of every page but the posts' and the 404 page, for the sitemap.
    pub(super) fn listing_paths(&self) -> Vec<&str> {
        self.pages
            .iter()
            .map(|p| p.path.as_str())
            .filter(|p| *p != "404.html")
            .collect()
    }

    /// Renders every page, the posts' own included, and every feed, through `sink`; returns
    /// how many pages.
    pub(super) fn render_all(&self, tera: &Tera, sink: &dyn Sink) -> Result<usize, RenderError> {
        let render = |path: &str, template: &str, context: &Context| {
            let html = tera
                .render(template, context)
                .map_err(|e| RenderError::Template {
                    page: path.to_string(),
                    message: report(&e),
                })?;
            emit(sink, &output_file(path), html.as_bytes())
        };
        self.pages
            .par_iter()
            .try_for_each(|page| render(&page.path, page.template, &page.context))?;
        self.feeds.par_iter().try_for_each(|feed| {
            for (path, bytes) in feed.files(self.views.site, self.config, self.views.links) {
                emit(sink, &path, &bytes)?;
            }
            Ok::<_, RenderError>(())
        })?;
        let posts = &self.views.site.posts;
        (0..posts.len()).into_par_iter().try_for_each(|i| {
            let post = &posts[i];
            let view = self.views.post(post, true);
            let canonical = view
                .original_url
                .map_or_else(|| view.permalink.clone(), str::to_string);
            let mut context = Context::new();
            context.insert(
                "page",
                &PageMeta {
                    kind: "post",
                    title: Some(post.post.title.clone()),
                    url: view.url.clone(),
                    canonical,
                    feeds: self.site_feeds.clone(),
                },
            );
            context.insert("post", &view);
            context.insert_value(
                "newer",
                i.checked_sub(1)
                    .map_or(Value::none(), |n| self.cards[n].clone()),
            );
            context.insert_value(
                "older",
                self.cards.get(i + 1).cloned().unwrap_or_else(Value::none),
            );
            render(&post.path, "post.html", &context)
        })?;
        Ok(self.pages.len() + posts.len())
    }

    fn links(&self) -> &'a Links {
        self.views.links
    }

    fn meta(
        &self,
        kind: &'a str,
        title: Option<String>,
        path: &str,
        own_feeds: &[FeedLink],
    ) -> PageMeta<'a> {
        PageMeta {
            kind,
            title,
            url: self.links().url(path),
            canonical: self.links().permalink(path),
            feeds: own_feeds.iter().chain(&self.site_feeds).cloned().collect(),
        }
    }

    fn single(
        &mut self,
        path: &str,
        kind: &'a str,
        title: &str,
        template: &'static str,
        mut context: Context,
    ) {
        context.insert("page", &self.meta(kind, Some(title.to_string()), path, &[]));
        self.pages.push(Page {
            path: path.to_string(),
            template,
            context,
        });
    }

    /// Registers a feed of `posts` in `dir` and returns its links.
    fn syndicate(&mut self, dir: &str, title: String, posts: &[usize]) -> Vec<FeedLink> {
        let feed = Syndication {
            dir: dir.to_string(),
            title,
            items: Items::Posts(posts.to_vec()),
        };
        let links = feed.links(self.links());
        self.feeds.push(feed);
        links
    }

    /// A paginated list of posts at `dir`; `extra` is added to every page's data.
    fn lists(
        &mut self,
        kind: &'a str,
        title: Option<&str>,
        dir: &str,
        posts: &[usize],
        feeds: &[FeedLink],
    ) {
        self.lists_with(kind, title, dir, posts, feeds, "list.html", Context::new());
    }

    #[allow(clippy::too_many_arguments)]
    fn lists_with(
        &mut self,
        kind: &'a str,
        title: Option<&str>,
        dir: &str,
        posts: &[usize],
        feeds: &[FeedLink],
        template: &'static str,
        extra: Context,
    ) {
        let template = if kind == "home" {
            "index.html"
        } else {
            template
        };
        for pager in paginate(dir, posts, self.config.site.paginate.get()) {
            let mut context = extra.clone();
            let title = title.map(|t| numbered(t, &pager));
            context.insert("page", &self.meta(kind, title, &pager.path, feeds));
            context.insert("feeds", feeds);
            context.insert_value("posts", self.cards_of(pager.posts));
            context.insert("pager", &PagerView::new(&pager, self.links()));
            self.pages.push(Page {
                path: pager.path,
                template,
                context,
            });
        }
    }

    fn cards_of(&self, posts: &[usize]) -> Value {
        Value::from(
            posts
                .iter()
                .map(|&i| self.cards[i].clone())
                .collect::<Vec<_>>(),
        )
    }

    fn taxonomy(&mut self, kind: &'a str, plural: &str, dir: &str, terms: &[Term]) {
        let mut context = Context::new();
        context.insert("terms", &self.views.term_counts(terms, dir));
        let index_kind = if kind == "tag" { "tags" } else { "categories" };
        self.single(
            &format!("{dir}/"),
            index_kind,
            plural,
            "terms.html",
            context,
        );
        for term in terms.iter().filter(|t| t.has_page) {
            let title = format!("{}: {}", capitalise(kind), term.name);
            let term_dir = format!("{dir}/{}/", term.slug);
            let feeds = self.syndicate(
                &term_dir,
                format!("{} – {title}", self.config.site.title),
                &term.posts,
            );
            self.lists(kind, Some(&title), &term_dir, &term.posts, &feeds);
        }
    }

    fn archive(&mut self) {
        #[derive(Serialize)]
        struct MonthView {
            name: &'static str,
            url: String,
            count: usize,
        }
        #[derive(Serialize)]
        struct YearView {
            year: i32,
            url: String,
            count: usize,
            months: Vec<MonthView>,
        }
        let site = self.views.site;
        let links = self.links();
        let years: Vec<YearView> = site
            .years
            .iter()
            .map(|y| YearView {
                year: y.year,
                url: links.url(&format!("archive/{}/", y.year)),
                count: y.months.iter().map(|m| m.posts.len()).sum(),
                months: y
                    .months
                    .iter()
                    .map(|m| MonthView {
                        name: month_name(m.month),
                        url: links.url(&format!("archive/{}/{:02}/", y.year, m.month)),
                        count: m.posts.len(),
                    })
                    .collect(),
            })
            .collect();
        let mut context = Context::new();
        context.insert("years", &years);
        self.single("archive/", "archive", "Archive", "archive.html", context);
        for year in &site.years {
            let posts: Vec<usize> = year
                .months
                .iter()
                .flat_map(|m| m.posts.iter().copied())
                .collect();
            let title = format!("Archive: {}", year.year);
            self.lists(
                "archive",
                Some(&title),
                &format!("archive/{}/", year.year),
                &posts,
                &[],
            );
            for month in &year.months {
                let title = format!("Archive: {} {}", month_name(month.month), year.year);
                let dir = format!("archive/{}/{:02}/", year.year, month.month);
                self.lists("archive", Some(&title), &dir, &month.posts, &[]);
            }
        }
    }

    fn sources(&mut self) {
        let site = self.views.site;
        let mut order: Vec<usize> = (0..site.sources.len()).collect();
        // The most recently active first; blogs with no posts last, by name.
        order.sort_by(|&a, &b| {
            let latest = |s: usize| {
                site.sources[s]
                    .posts
                    .first()
                    .map(|&p| site.posts[p].post.published)
            };
            latest(b)
                .cmp(&latest(a))
                .then_with(|| site.sources[a].feed.name().cmp(site.sources[b].feed.name()))
        });
        let sources: Vec<SourceView> = order
            .iter()
            .map(|&s| self.source_view(&site.sources[s]))
            .collect();
        let mut context = Context::new();
        context.insert("sources", &sources);
        self.single("sources/", "sources", "Blogs", "sources.html", context);
        for source in &site.sources {
            let dir = format!("sources/{}/", source.slug);
            let feeds = self.syndicate(
                &dir,
                format!("{} – {}", self.config.site.title, source.feed.name()),
                &source.posts,
            );
            let mut extra = Context::new();
            extra.insert("source", &self.source_view(source));
            self.lists_with(
                "source",
                Some(source.feed.name()),
                &dir,
                &source.posts,
                &feeds,
                "source.html",
                extra,
            );
        }
    }

    fn source_view(&self, source: &'a SiteSource) -> SourceView<'a> {
        let site = self.views.site;
        let health = source.health.as_ref();
        SourceView {
            name: source.feed.name(),
            url: self.links().url(&format!("sources/{}/", source.slug)),
            feed_url: source.feed.url().as_str(),
            homepage: source.feed.homepage.as_ref().map(|u| u.as_str()),
            organisation: source.feed.organisation.as_deref(),
            organisation_url: source.feed.organisation.as_ref().and_then(|name| {
                let key = crate::slug::term_key(name);
                site.organisations
                    .iter()
                    .find(|o| crate::slug::term_key(&o.name) == key)
                    .map(|o| self.links().url(&format!("organisations/{}/", o.slug)))
            }),
            count: source.posts.len(),
            latest: source
                .posts
                .first()
                .map(|&p| site.posts[p].post.published.to_rfc3339()),
            status: health.map(|h| status_words(h.status, source.feed.enabled)),
            healthy: health.is_none_or(|h| matches!(h.status, Status::Ok | Status::NotModified)),
            problem: health.and_then(|h| h.error.as_deref()),
            last_success: health.and_then(|h| h.last_success.as_deref()),
        }
    }

    fn organisations(&mut self) {
        #[derive(Serialize)]
        struct OrganisationView<'a> {
            name: &'a str,
            url: String,
            blogs: usize,
            count: usize,
        }
        let site = self.views.site;
        let list: Vec<OrganisationView> = site
            .organisations
            .iter()
            .map(|o| OrganisationView {
                name: &o.name,
                url: self.links().url(&format!("organisations/{}/", o.slug)),
                blogs: o.sources.len(),
                count: o.posts.len(),
            })
            .collect();
        let mut context = Context::new();
        context.insert("organisations", &list);
        self.single(
            "organisations/",
            "organisations",
            "Organisations",
            "organisations.html",
            context,
        );
        for organisation in &site.organisations {
            let dir = format!("organisations/{}/", organisation.slug);
            let feeds = self.syndicate(
                &dir,
                format!("{} – {}", self.config.site.title, organisation.name),
                &organisation.posts,
            );
            let blogs: Vec<SourceView> = organisation
                .sources
                .iter()
                .map(|&s| self.source_view(&site.sources[s]))
                .collect();
            let mut extra = Context::new();
            extra.insert("blogs", &blogs);
            self.lists_with(
                "organisation",
                Some(&organisation.name),
                &dir,
                &organisation.posts,
                &feeds,
                "organisation.html",
                extra,
            );
        }
    }

    fn weeks(&mut self) {
        #[derive(Serialize)]
        struct WeekView {
            slug: String,
            url: String,
            label: String,
            dates: String,
            count: usize,
        }
        let site = self.views.site;
        let views: Vec<WeekView> = site
            .weeks
            .iter()
            .map(|w| WeekView {
                url: self.links().url(&format!("weeknotes/{}/", w.slug)),
                slug: w.slug.clone(),
                label: capitalise(&week_label(w)),
                dates: week_dates(w),
                count: w.posts.len(),
            })
            .collect();
        let digest = Syndication {
            dir: "weeknotes/".to_string(),
            title: format!("{} – weeknotes, week by week", self.config.site.title),
            items: Items::Weeks,
        };
        let feeds = digest.links(self.links());
        self.feeds.push(digest);
        let mut context = Context::new();
        context.insert("weeks", &views);
        context.insert("feeds", &feeds);
        context.insert(
            "page",
            &self.meta(
                "weeknotes",
                Some("Weeknotes".to_string()),
                "weeknotes/",
                &feeds,
            ),
        );
        self.pages.push(Page {
            path: "weeknotes/".to_string(),
            template: "weeks.html",
            context,
        });
        for (i, week) in site.weeks.iter().enumerate() {
            let mut context = Context::new();
            context.insert("week", &views[i]);
            // Weeks are newest first: the one before in the list is the newer.
            context.insert("newer", &i.checked_sub(1).map(|n| &views[n]));
            context.insert("older", &views.get(i + 1));
            context.insert("feeds", &feeds);
            context.insert_value("posts", self.cards_of(&week.posts));
            let path = format!("weeknotes/{}/", week.slug);
            let title = format!("Weeknotes: {}", week_label(week));
            context.insert("page", &self.meta("week", Some(title), &path, &feeds));
            self.pages.push(Page {
                path,
                template: "week.html",
                context,
            });
        }
    }
}

/// A blog of the blog roll, as its pages show it.
#[derive(Debug, Serialize)]
struct SourceView<'a> {
    name: &'a str,
    url: String,
    feed_url: &'a str,
    homepage: Option<&'a str>,
    organisation: Option<&'a str>,
    organisation_url: Option<String>,
    count: usize,
    latest: Option<String>,
    /// In words: "Up to date", "Failing", ...
    status: Option<&'static str>,
    /// Fetched fine last time, or never tried.
    healthy: bool,
    /// Why it failed or what changed.
    problem: Option<&'a str>,
    last_success: Option<&'a str>,
}

fn status_words(status: Status, enabled: bool) -> &'static str {
    match (status, enabled) {
        (_, false) => "Not fetched (disabled)",
        (Status::Ok | Status::NotModified, _) => "Up to date",
        (Status::Moved, _) => "Moved",
        (Status::Gone, _) => "Gone",
        (Status::Failed, _) => "Failing",
    }
}

/// "Tag: x" on page 1, "Tag: x (page 2 of 3)" after.
fn numbered(title: &str, pager: &Pager<'_>) -> String {
    if pager.number == 1 {
        title.to_string()
    } else {
        format!("{title} (page {} of {})", pager.number, pager.total)
    }
}

/// `posts/x/` -> `posts/x/index.html`; a file path stays as it is.
fn output_file(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn month_name(month: u32) -> &'static str {
    u8::try_from(month)
        .ok()
        .and_then(|m| ChronoMonth::try_from(m).ok())
        .map_or("?", |m| m.name())
}
