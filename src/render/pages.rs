//! The pages of a site: which exist, with which template and data, and which feeds they
//! offer. Every address comes from the site model; this only plans and renders.

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use super::paginate::{Pager, paginate};
use super::syndication::{FeedLink, Items, Syndication, week_dates, week_label};
use super::templates::report;
use super::view::{Links, PagerView, Views, YearView};
use super::{RenderError, Sink, emit};
use crate::config::Config;
use crate::site::{PostIx, Term, paths};

/// What kind of page is being rendered, as templates see it in `page.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum PageKind {
    /// The home page and its later pages.
    Home,
    /// A post's own page.
    Post,
    /// A tag's posts.
    Tag,
    /// Every tag.
    Tags,
    /// A category's posts.
    Category,
    /// Every category.
    Categories,
    /// The archive, a year or a month.
    Archive,
    /// The blog roll.
    Sources,
    /// A blog's posts.
    Source,
    /// Every organisation.
    Organisations,
    /// An organisation's blogs and posts.
    Organisation,
    /// The weeks with weeknotes.
    Weeknotes,
    /// One week's weeknotes.
    Week,
    /// The search page.
    Search,
    /// The page for missing addresses.
    #[serde(rename = "404")]
    NotFound,
}

/// Facts about the page being rendered, as templates see them under `page`.
#[derive(Debug, Serialize)]
struct PageMeta {
    /// What kind of page.
    kind: PageKind,
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
#[derive(Debug)]
pub(super) struct Page {
    /// Its path.
    pub path: String,
    /// What kind it is.
    pub kind: PageKind,
    template: &'static str,
    context: Context,
}

/// A paginated list of posts to plan.
struct List<'p> {
    kind: PageKind,
    title: Option<String>,
    dir: &'p str,
    posts: &'p [PostIx],
    feeds: Vec<FeedLink>,
    template: &'static str,
    /// Added to every page's data.
    extra: Context,
}

impl<'p> List<'p> {
    fn new(kind: PageKind, title: Option<String>, dir: &'p str, posts: &'p [PostIx]) -> Self {
        List {
            kind,
            title,
            dir,
            posts,
            feeds: Vec::new(),
            template: if kind == PageKind::Home {
                "index.html"
            } else {
                "list.html"
            },
            extra: Context::new(),
        }
    }
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
    pub(super) fn new(views: Views<'a>, config: &'a Config, shards: &[String]) -> Self {
        let cards = views
            .site
            .posts
            .par_iter()
            .map(|p| Value::from_serializable(&views.post(p, false)))
            .collect();
        let whole_site = Syndication {
            dir: paths::HOME.to_string(),
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
        plan.lists(List::new(PageKind::Home, None, paths::HOME, &site.home));
        plan.taxonomy(PageKind::Tags, &site.tags);
        plan.taxonomy(PageKind::Categories, &site.categories);
        plan.archive();
        plan.sources();
        plan.organisations();
        plan.weeks();
        let mut search = Context::new();
        search.insert("filters", &super::search::filter_menus(site));
        // The search page merges every shard of the index, newest first.
        search.insert("shards", shards);
        plan.single(
            paths::SEARCH,
            PageKind::Search,
            "Search",
            "search.html",
            search,
        );
        let not_found = Context::new();
        plan.single(
            paths::NOT_FOUND,
            PageKind::NotFound,
            "Page not found",
            "404.html",
            not_found,
        );
        plan
    }

    /// Every page planned, the posts' own aside.
    pub(super) fn pages(&self) -> &[Page] {
        &self.pages
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
            emit(sink, &paths::output_file(path), html.as_bytes())
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
                    kind: PageKind::Post,
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
        kind: PageKind,
        title: Option<String>,
        path: &str,
        own: &[FeedLink],
    ) -> PageMeta {
        PageMeta {
            kind,
            title,
            url: self.links().url(path),
            canonical: self.links().permalink(path),
            feeds: own.iter().chain(&self.site_feeds).cloned().collect(),
        }
    }

    fn push(&mut self, path: String, kind: PageKind, template: &'static str, context: Context) {
        self.pages.push(Page {
            path,
            kind,
            template,
            context,
        });
    }

    fn single(
        &mut self,
        path: &str,
        kind: PageKind,
        title: &str,
        template: &'static str,
        mut context: Context,
    ) {
        context.insert("page", &self.meta(kind, Some(title.to_string()), path, &[]));
        self.push(path.to_string(), kind, template, context);
    }

    /// Registers a feed of `posts` in `dir` and returns its links.
    fn syndicate(&mut self, dir: &str, title: &str, posts: &[PostIx]) -> Vec<FeedLink> {
        let feed = Syndication {
            dir: dir.to_string(),
            title: format!("{} – {title}", self.config.site.title),
            items: Items::Posts(posts.to_vec()),
        };
        let links = feed.links(self.links());
        self.feeds.push(feed);
        links
    }

    fn lists(&mut self, list: List<'_>) {
        for pager in paginate(list.dir, list.posts, self.config.site.paginate.get()) {
            let mut context = list.extra.clone();
            let title = list.title.as_deref().map(|t| numbered(t, &pager));
            context.insert(
                "page",
                &self.meta(list.kind, title, &pager.path, &list.feeds),
            );
            context.insert("feeds", &list.feeds);
            context.insert_value("posts", self.cards_of(pager.posts));
            context.insert("pager", &PagerView::new(&pager, self.links()));
            self.push(pager.path, list.kind, list.template, context);
        }
    }

    fn cards_of(&self, posts: &[PostIx]) -> Value {
        Value::from(
            posts
                .iter()
                .map(|&i| self.cards[i.0].clone())
                .collect::<Vec<_>>(),
        )
    }

    /// The index of a taxonomy, and a list for each of its terms that has a page.
    fn taxonomy(&mut self, index: PageKind, terms: &'a [Term]) {
        let (dir, heading, one, kind) = match index {
            PageKind::Tags => (paths::TAGS, "Tags", "Tag", PageKind::Tag),
            _ => (
                paths::CATEGORIES,
                "Categories",
                "Category",
                PageKind::Category,
            ),
        };
        let mut context = Context::new();
        context.insert("terms", &self.views.term_counts(terms));
        self.single(dir, index, heading, "terms.html", context);
        for term in terms.iter().filter(|t| t.has_page) {
            let title = format!("{one}: {}", term.name);
            let mut list = List::new(kind, Some(title.clone()), &term.path, &term.posts);
            list.feeds = self.syndicate(&term.path, &title, &term.posts);
            self.lists(list);
        }
    }

    fn archive(&mut self) {
        let site = self.views.site;
        let years: Vec<YearView> = site.years.iter().map(|y| self.views.year(y)).collect();
        let mut context = Context::new();
        context.insert("years", &years);
        self.single(
            paths::ARCHIVE,
            PageKind::Archive,
            "Archive",
            "archive.html",
            context,
        );
        for (year, view) in site.years.iter().zip(&years) {
            let posts: Vec<PostIx> = year
                .months
                .iter()
                .flat_map(|m| m.posts.iter().copied())
                .collect();
            let title = format!("Archive: {}", year.year);
            self.lists(List::new(
                PageKind::Archive,
                Some(title),
                &year.path,
                &posts,
            ));
            for (month, month_view) in year.months.iter().zip(&view.months) {
                let title = format!("Archive: {} {}", month_view.name, year.year);
                self.lists(List::new(
                    PageKind::Archive,
                    Some(title),
                    &month.path,
                    &month.posts,
                ));
            }
        }
    }

    fn sources(&mut self) {
        let site = self.views.site;
        let mut order: Vec<&crate::site::SiteSource> = site.sources.iter().collect();
        // The most recently active first; blogs with no posts last, by name.
        order.sort_by(|a, b| {
            let latest =
                |s: &crate::site::SiteSource| s.posts.first().map(|&p| site.post(p).post.published);
            latest(b)
                .cmp(&latest(a))
                .then_with(|| a.feed.name().cmp(b.feed.name()))
        });
        let views: Vec<_> = order.iter().map(|s| self.views.source(s)).collect();
        let mut context = Context::new();
        context.insert("sources", &views);
        self.single(
            paths::SOURCES,
            PageKind::Sources,
            "Blogs",
            "sources.html",
            context,
        );
        for source in &site.sources {
            let name = source.feed.name();
            let mut list = List::new(
                PageKind::Source,
                Some(name.to_string()),
                &source.path,
                &source.posts,
            );
            list.feeds = self.syndicate(&source.path, name, &source.posts);
            list.template = "source.html";
            list.extra.insert("source", &self.views.source(source));
            self.lists(list);
        }
    }

    fn organisations(&mut self) {
        let site = self.views.site;
        let list: Vec<_> = site
            .organisations
            .iter()
            .map(|o| self.views.organisation(o))
            .collect();
        let mut context = Context::new();
        context.insert("organisations", &list);
        let kind = PageKind::Organisations;
        self.single(
            paths::ORGANISATIONS,
            kind,
            "Organisations",
            "organisations.html",
            context,
        );
        for organisation in &site.organisations {
            let blogs: Vec<_> = organisation
                .sources
                .iter()
                .map(|&s| self.views.source(site.source(s)))
                .collect();
            let name = organisation.name.clone();
            let mut list = List::new(
                PageKind::Organisation,
                Some(name),
                &organisation.path,
                &organisation.posts,
            );
            list.feeds =
                self.syndicate(&organisation.path, &organisation.name, &organisation.posts);
            list.template = "organisation.html";
            list.extra.insert("blogs", &blogs);
            self.lists(list);
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
                url: self.links().url(&w.path),
                slug: w.slug.clone(),
                label: capitalise(&week_label(w)),
                dates: week_dates(w),
                count: w.posts.len(),
            })
            .collect();
        let digest = Syndication {
            dir: paths::WEEKNOTES.to_string(),
            title: format!("{} – weeknotes, week by week", self.config.site.title),
            items: Items::Weeks,
        };
        let feeds = digest.links(self.links());
        self.feeds.push(digest);
        let mut context = Context::new();
        context.insert("weeks", &views);
        context.insert("feeds", &feeds);
        let title = Some("Weeknotes".to_string());
        context.insert(
            "page",
            &self.meta(PageKind::Weeknotes, title, paths::WEEKNOTES, &feeds),
        );
        self.push(
            paths::WEEKNOTES.to_string(),
            PageKind::Weeknotes,
            "weeks.html",
            context,
        );
        for (i, week) in site.weeks.iter().enumerate() {
            let mut context = Context::new();
            context.insert("week", &views[i]);
            // Weeks are newest first: the one before in the list is the newer.
            context.insert("newer", &i.checked_sub(1).map(|n| &views[n]));
            context.insert("older", &views.get(i + 1));
            context.insert("feeds", &feeds);
            context.insert_value("posts", self.cards_of(&week.posts));
            let title = format!("Weeknotes: {}", week_label(week));
            context.insert(
                "page",
                &self.meta(PageKind::Week, Some(title), &week.path, &feeds),
            );
            self.push(week.path.clone(), PageKind::Week, "week.html", context);
        }
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

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
