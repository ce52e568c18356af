//! The HTML pages of a site: which exist, at which path, with which template and data.

use chrono::Month as ChronoMonth;
use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use super::templates::report;
use super::view::{PagerView, Views};
use super::{RenderError, Sink, emit};
use crate::config::Config;
use crate::site::{Pager, Term, paginate};

/// Facts about the page being rendered, as templates see them under `page`.
#[derive(Debug, Serialize)]
struct PageMeta<'a> {
    /// What kind of page: `home`, `post`, `tag`, `tags`, `category`, `categories`,
    /// `archive`, `sources`, `source`, `404`.
    kind: &'a str,
    /// The heading and `<title>`; none on the home page.
    title: Option<String>,
    /// The page's own link.
    url: String,
    /// Where search engines should look: the original post for a remote post.
    canonical: String,
}

/// A page waiting to be rendered.
struct Page {
    path: String,
    template: &'static str,
    context: Context,
}

/// Every page of the site but the posts' own, with their data, ready to render in parallel.
pub(super) struct Plan<'a> {
    views: Views<'a>,
    /// Each post as a listing shows it, made once and shared by every list it is on.
    cards: Vec<Value>,
    pages: Vec<Page>,
}

impl<'a> Plan<'a> {
    pub(super) fn new(views: Views<'a>, config: &'a Config) -> Self {
        let cards = views
            .site
            .posts
            .par_iter()
            .map(|p| Value::from_serializable(&views.post(p, false)))
            .collect();
        let mut plan = Plan {
            views,
            cards,
            pages: Vec::new(),
        };
        let per_page = config.site.paginate.get();
        let site = views.site;

        plan.lists("home", None, "", &site.home, per_page);
        for (kind, plural, dir, terms) in [
            ("tag", "Tags", "tags", &site.tags),
            ("category", "Categories", "categories", &site.categories),
        ] {
            plan.taxonomy(kind, plural, dir, terms, per_page);
        }
        plan.archive(per_page);
        plan.sources(per_page);
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

    /// Renders every page, the posts' own included, through `write`; returns how many.
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

    fn single(
        &mut self,
        path: &str,
        kind: &str,
        title: &str,
        template: &'static str,
        mut context: Context,
    ) {
        let links = self.views.links;
        context.insert(
            "page",
            &PageMeta {
                kind,
                title: Some(title.to_string()),
                url: links.url(path),
                canonical: links.permalink(path),
            },
        );
        self.pages.push(Page {
            path: path.to_string(),
            template,
            context,
        });
    }

    /// A paginated list of posts at `dir`, rendered with `index.html` (home) or `list.html`.
    fn lists(
        &mut self,
        kind: &str,
        title: Option<&str>,
        dir: &str,
        posts: &[usize],
        per_page: usize,
    ) {
        let links = self.views.links;
        let template = if kind == "home" {
            "index.html"
        } else {
            "list.html"
        };
        for pager in paginate(dir, posts, per_page) {
            let title = title.map(|t| numbered(t, &pager));
            let mut context = Context::new();
            context.insert(
                "page",
                &PageMeta {
                    kind,
                    title,
                    url: links.url(&pager.path),
                    canonical: links.permalink(&pager.path),
                },
            );
            context.insert_value("posts", self.cards_of(pager.posts));
            context.insert("pager", &PagerView::new(&pager, links));
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

    fn taxonomy(&mut self, kind: &str, plural: &str, dir: &str, terms: &[Term], per_page: usize) {
        let mut context = Context::new();
        context.insert("terms", &self.views.term_counts(terms, dir));
        self.single(
            &format!("{dir}/"),
            &format!("{kind}s"),
            plural,
            "terms.html",
            context,
        );
        for term in terms.iter().filter(|t| t.has_page) {
            let title = format!("{}: {}", capitalise(kind), term.name);
            self.lists(
                kind,
                Some(&title),
                &format!("{dir}/{}/", term.slug),
                &term.posts,
                per_page,
            );
        }
    }

    fn archive(&mut self, per_page: usize) {
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
        let links = self.views.links;
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
                per_page,
            );
            for month in &year.months {
                let title = format!("Archive: {} {}", month_name(month.month), year.year);
                let dir = format!("archive/{}/{:02}/", year.year, month.month);
                self.lists("archive", Some(&title), &dir, &month.posts, per_page);
            }
        }
    }

    fn sources(&mut self, per_page: usize) {
        #[derive(Serialize)]
        struct SourceView<'a> {
            name: &'a str,
            url: String,
            feed_url: &'a str,
            homepage: Option<&'a str>,
            organisation: Option<&'a str>,
            count: usize,
            latest: Option<String>,
        }
        let site = self.views.site;
        let links = self.views.links;
        let sources: Vec<SourceView> = site
            .sources
            .iter()
            .map(|s| SourceView {
                name: s.feed.name(),
                url: links.url(&format!("sources/{}/", s.slug)),
                feed_url: s.feed.url().as_str(),
                homepage: s.feed.homepage.as_ref().map(|u| u.as_str()),
                organisation: s.feed.organisation.as_deref(),
                count: s.posts.len(),
                latest: s
                    .posts
                    .first()
                    .map(|&p| site.posts[p].post.published.to_rfc3339()),
            })
            .collect();
        let mut context = Context::new();
        context.insert("sources", &sources);
        self.single("sources/", "sources", "Blogs", "sources.html", context);
        for source in &site.sources {
            let dir = format!("sources/{}/", source.slug);
            self.lists(
                "source",
                Some(source.feed.name()),
                &dir,
                &source.posts,
                per_page,
            );
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
