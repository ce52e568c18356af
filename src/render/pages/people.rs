//! The pages of people and of the pulse: every author, each author's posts across the blogs
//! with their feeds, and the pulse page's charts.

use serde::Serialize;

use super::{List, PageKind, Plan};
use crate::render::keys::PageContext;
use crate::render::pulse::PulseView;
use crate::site::{SourceIx, paths};

/// Where an author writes, for the line under their page's heading.
#[derive(Debug, Serialize)]
struct Blog {
    name: String,
    url: String,
}

impl Plan<'_> {
    /// The index of authors, and a list of each author's posts with its feeds.
    pub(super) fn authors(&mut self) {
        let site = self.views.site;
        let strings = self.strings();
        let mut context = PageContext::new();
        context.insert("terms", &self.views.term_counts(&site.authors));
        let title = strings.text("titles.authors");
        self.single(
            paths::AUTHORS,
            PageKind::Authors,
            title,
            "authors.html",
            context,
        );
        for author in &site.authors {
            let title = strings.fill("titles.author", &[("name", &author.name)]);
            // The blogs they write on, in the blog roll's order; the site's own posts are not
            // a blog.
            let mut sources: Vec<SourceIx> = author
                .posts
                .iter()
                .filter_map(|&p| site.post(p).source)
                .collect();
            sources.sort_unstable();
            sources.dedup();
            let blogs: Vec<Blog> = sources
                .iter()
                .map(|&s| Blog {
                    name: site.source(s).feed.name().to_string(),
                    url: self.links().url(&site.source(s).path),
                })
                .collect();
            let mut list = List::new(
                PageKind::Author,
                Some(title.clone()),
                &author.path,
                &author.posts,
            );
            list.feeds = self.syndicate(&author.path, &title, &author.posts);
            list.template = "author.html";
            list.extra.insert("author", &author.name);
            list.extra.insert("blogs", &blogs);
            self.lists(list);
        }
    }

    /// The pulse page.
    pub(super) fn pulse(&mut self) {
        let mut context = PageContext::new();
        context.insert("pulse", &PulseView::new(self.views.site, self.links()));
        let title = self.strings().text("titles.pulse");
        self.single(paths::PULSE, PageKind::Pulse, title, "pulse.html", context);
    }
}
