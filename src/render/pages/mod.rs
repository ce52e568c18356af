//! The pages of a site: which exist, with which template and data, and which feeds they
//! offer. Every address comes from the site model; this only plans and renders.

use rayon::prelude::*;
use serde::Serialize;
use tera::Value;

use super::i18n::{Catalogue, Language};
use super::keys::{PageContext, of_json};
use super::paginate::{Pager, paginate};
use super::syndication::{FeedLink, Items, Syndication, week_dates, week_label};
use super::view::{Links, PagerView, Views, YearView};
use crate::config::Config;
use crate::digest::{Digest, Hasher};
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
    /// Every author.
    Authors,
    /// An author's posts.
    Author,
    /// The blog roll's activity and health, charted.
    Pulse,
    /// The page for missing addresses.
    #[serde(rename = "404")]
    NotFound,
}

/// A page waiting to be rendered.
#[derive(Debug)]
pub(super) struct Page {
    /// Its path.
    pub path: String,
    /// What kind it is.
    pub kind: PageKind,
    template: &'static str,
    context: PageContext,
}

/// The 404 page's message in another language.
#[derive(Debug, Serialize)]
struct NotFoundElsewhere {
    lang: String,
    title: String,
    body: String,
    home: String,
    home_label: String,
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
    extra: PageContext,
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
            extra: PageContext::new(),
        }
    }
}

/// Every page and feed of the site but the posts' own pages, with their data, ready to render
/// in parallel.
pub(super) struct Plan<'a> {
    views: Views<'a>,
    config: &'a Config,
    /// Every language of the site, for the links from a page to itself in the others.
    languages: &'a [Language],
    /// Each post as a listing shows it, made once and shared by every list it is on, with its
    /// digest (hashed once, not on every list).
    cards: Vec<(Value, Option<Digest>)>,
    /// What every page of this language is made from (see [`super::keys::global`]).
    global: Digest,
    pages: Vec<Page>,
    feeds: Vec<Syndication>,
    /// The whole site's feeds, offered on every page.
    site_feeds: Vec<FeedLink>,
}

impl<'a> Plan<'a> {
    pub(super) fn new(
        views: Views<'a>,
        config: &'a Config,
        languages: &'a [Language],
        global: Digest,
        shards: &[String],
    ) -> Self {
        let cards = views
            .site
            .posts
            .par_iter()
            .map(|p| {
                let card = views.post(p, false);
                (Value::from_serializable(&card), of_json(&card))
            })
            .collect();
        let whole_site = Syndication {
            dir: paths::HOME.to_string(),
            title: views.language.title.clone(),
            items: Items::Posts(views.site.home.clone()),
        };
        let mut plan = Plan {
            site_feeds: whole_site.links(views.links()),
            feeds: vec![whole_site],
            views,
            config,
            languages,
            cards,
            global,
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
        plan.authors();
        plan.pulse();
        let mut search = PageContext::new();
        let strings = plan.strings();
        search.insert("filters", &super::search::filter_menus(site, strings));
        // The search page merges every shard of the index, newest first.
        search.insert("shards", shards);
        let title = strings.text("titles.search");
        plan.single(
            paths::SEARCH,
            PageKind::Search,
            title,
            "search.html",
            search,
        );
        let title = strings.text("titles.not_found");
        let mut not_found = PageContext::new();
        not_found.insert("others", &plan.not_found_elsewhere());
        plan.single(
            paths::NOT_FOUND,
            PageKind::NotFound,
            title,
            "404.html",
            not_found,
        );
        plan
    }

    /// The 404 page in the site's other languages, for the first language's: a host such as
    /// GitHub Pages serves that one page for every missing address, `/cy/…` included.
    fn not_found_elsewhere(&self) -> Vec<NotFoundElsewhere> {
        if !self.views.language.prefix.is_empty() {
            return Vec::new();
        }
        self.languages
            .iter()
            .skip(1)
            .map(|l| NotFoundElsewhere {
                lang: l.tag().to_string(),
                title: l.catalogue.text("titles.not_found").to_string(),
                body: l.catalogue.text("not_found.body").to_string(),
                home: l.links.url(paths::HOME),
                home_label: l.catalogue.text("not_found.latest").to_string(),
            })
            .collect()
    }

    /// The interface strings of the plan's language.
    fn strings(&self) -> &'a Catalogue {
        &self.views.language.catalogue
    }

    /// Every page planned, the posts' own aside.
    pub(super) fn pages(&self) -> &[Page] {
        &self.pages
    }

    fn links(&self) -> &'a Links {
        self.views.links()
    }

    fn push(&mut self, path: String, kind: PageKind, template: &'static str, context: PageContext) {
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
        mut context: PageContext,
    ) {
        context.insert("page", &self.meta(kind, Some(title.to_string()), path, &[]));
        self.push(path.to_string(), kind, template, context);
    }

    /// Registers a feed of `posts` in `dir` and returns its links.
    fn syndicate(&mut self, dir: &str, title: &str, posts: &[PostIx]) -> Vec<FeedLink> {
        let feed = Syndication {
            dir: dir.to_string(),
            title: self.strings().fill(
                "feeds.scoped",
                &[("site", &self.views.language.title), ("title", title)],
            ),
            items: Items::Posts(posts.to_vec()),
        };
        let links = feed.links(self.links());
        self.feeds.push(feed);
        links
    }

    fn lists(&mut self, list: List<'_>) {
        for pager in paginate(list.dir, list.posts, self.config.site.paginate.get()) {
            let mut context = list.extra.clone();
            let title = list
                .title
                .as_deref()
                .map(|t| numbered(t, &pager, self.strings()));
            context.insert(
                "page",
                &self.meta(list.kind, title, &pager.path, &list.feeds),
            );
            context.insert("feeds", &list.feeds);
            let (cards, digest) = self.cards_of(pager.posts);
            context.insert_known("posts", cards, digest);
            context.insert("pager", &PagerView::new(&pager, self.links()));
            self.push(pager.path, list.kind, list.template, context);
        }
    }

    /// The cards of `posts`, and a digest of them all (none if one card has none).
    fn cards_of(&self, posts: &[PostIx]) -> (Value, Option<Digest>) {
        let mut hasher = Hasher::new();
        hasher.u64(posts.len() as u64);
        let mut keyed = true;
        let cards: Vec<Value> = posts
            .iter()
            .map(|&i| {
                let (card, digest) = &self.cards[i.0];
                match digest {
                    Some(digest) => {
                        hasher.digest(digest);
                    }
                    None => keyed = false,
                }
                card.clone()
            })
            .collect();
        (Value::from(cards), keyed.then(|| hasher.finish()))
    }

    /// The index of a taxonomy, and a list for each of its terms that has a page.
    fn taxonomy(&mut self, index: PageKind, terms: &'a [Term]) {
        let (dir, heading, one, kind) = match index {
            PageKind::Tags => (paths::TAGS, "titles.tags", "titles.tag", PageKind::Tag),
            _ => (
                paths::CATEGORIES,
                "titles.categories",
                "titles.category",
                PageKind::Category,
            ),
        };
        let mut context = PageContext::new();
        context.insert("terms", &self.views.term_counts(terms));
        let strings = self.strings();
        self.single(dir, index, strings.text(heading), "terms.html", context);
        for term in terms.iter().filter(|t| t.has_page) {
            let title = strings.fill(one, &[("name", &term.name)]);
            let mut list = List::new(kind, Some(title.clone()), &term.path, &term.posts);
            list.feeds = self.syndicate(&term.path, &title, &term.posts);
            self.lists(list);
        }
    }

    fn archive(&mut self) {
        let site = self.views.site;
        let years: Vec<YearView> = site.years.iter().map(|y| self.views.year(y)).collect();
        let mut context = PageContext::new();
        context.insert("years", &years);
        let strings = self.strings();
        let title = strings.text("titles.archive");
        self.single(
            paths::ARCHIVE,
            PageKind::Archive,
            title,
            "archive.html",
            context,
        );
        for (year, view) in site.years.iter().zip(&years) {
            let posts: Vec<PostIx> = year
                .months
                .iter()
                .flat_map(|m| m.posts.iter().copied())
                .collect();
            let number = year.year.to_string();
            let title = strings.fill("titles.year", &[("year", &number)]);
            self.lists(List::new(
                PageKind::Archive,
                Some(title),
                &year.path,
                &posts,
            ));
            for (month, month_view) in year.months.iter().zip(&view.months) {
                let title = strings.fill(
                    "titles.month",
                    &[("month", &month_view.name), ("year", &number)],
                );
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
        let mut context = PageContext::new();
        context.insert("sources", &views);
        let title = self.strings().text("titles.blogs");
        self.single(
            paths::SOURCES,
            PageKind::Sources,
            title,
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
        let mut context = PageContext::new();
        context.insert("organisations", &list);
        let kind = PageKind::Organisations;
        let title = self.strings().text("titles.organisations");
        self.single(
            paths::ORGANISATIONS,
            kind,
            title,
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
                label: week_label(w, self.strings()),
                dates: week_dates(w, self.strings()),
                count: w.posts.len(),
            })
            .collect();
        let digest = Syndication {
            dir: paths::WEEKNOTES.to_string(),
            title: self
                .strings()
                .fill("feeds.weeknotes", &[("site", &self.views.language.title)]),
            items: Items::Weeks,
        };
        let feeds = digest.links(self.links());
        self.feeds.push(digest);
        let mut context = PageContext::new();
        context.insert("weeks", &views);
        context.insert("feeds", &feeds);
        let title = Some(self.strings().text("titles.weeknotes").to_string());
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
            let mut context = PageContext::new();
            context.insert("week", &views[i]);
            // Weeks are newest first: the one before in the list is the newer.
            context.insert("newer", &i.checked_sub(1).map(|n| &views[n]));
            context.insert("older", &views.get(i + 1));
            context.insert("feeds", &feeds);
            let (cards, digest) = self.cards_of(&week.posts);
            context.insert_known("posts", cards, digest);
            let label = week_label(week, self.strings());
            let title = self.strings().fill("titles.week", &[("week", &label)]);
            context.insert(
                "page",
                &self.meta(PageKind::Week, Some(title), &week.path, &feeds),
            );
            self.push(week.path.clone(), PageKind::Week, "week.html", context);
        }
    }
}

/// "Tag: x" on page 1, "Tag: x (page 2 of 3)" after.
fn numbered(title: &str, pager: &Pager<'_>, strings: &Catalogue) -> String {
    if pager.number == 1 {
        title.to_string()
    } else {
        strings.fill(
            "titles.paged",
            &[
                ("title", title),
                ("number", &pager.number.to_string()),
                ("total", &pager.total.to_string()),
            ],
        )
    }
}

mod meta;
mod people;
mod render;
#[cfg(test)]
mod tests;
