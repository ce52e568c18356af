//! Rendering the planned pages, or carrying each over from the previous build when it is
//! made from the same inputs (its key, see [`crate::render::keys`]): the hourly build of a big
//! archive renders the pages a new post is on, not every page.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use tera::{Tera, Value};

use super::{PageKind, Plan};
use crate::digest::Digest;
use crate::render::keys::PageContext;
use crate::render::templates::report;
use crate::render::{RenderError, Sink, emit};
use crate::site::paths;

impl Plan<'_> {
    /// Renders every page, the posts' own included, and every feed, through `sink`; returns
    /// how many pages, and how many of them were carried over from the previous build (made
    /// from the same inputs) rather than rendered.
    pub(in crate::render) fn render_all(
        &self,
        tera: &Tera,
        sink: &dyn Sink,
    ) -> Result<(usize, usize), RenderError> {
        let reused = AtomicUsize::new(0);
        let render = |path: &str, kind: PageKind, template: &str, context: &PageContext| {
            let file = paths::output_file(&paths::within(&self.views.language.prefix, path));
            let failed = |source| RenderError::Write {
                path: file.clone(),
                source,
            };
            // The pulse page counts weeks and quiet blogs from the build's "now": its context
            // holds what it shows, but it is one page, and never carrying it over leaves no
            // doubt.
            let key = context
                .key(&self.global, template)
                .filter(|_| kind != PageKind::Pulse);
            if let Some(key) = key
                && sink.reuse(&file, key).map_err(failed)?
            {
                reused.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            let html =
                tera.render(template, context.context())
                    .map_err(|e| RenderError::Template {
                        page: path.to_string(),
                        message: report(&e),
                    })?;
            match key {
                Some(key) => sink.write_made_from(&file, key, html.as_bytes()),
                None => sink.write(&file, html.as_bytes()),
            }
            .map_err(failed)
        };
        self.pages
            .par_iter()
            .try_for_each(|page| render(&page.path, page.kind, page.template, &page.context))?;
        self.feeds.par_iter().try_for_each(|feed| {
            for (path, bytes) in feed.files(self.views.site, self.config, self.views.language) {
                emit(
                    sink,
                    &paths::within(&self.views.language.prefix, &path),
                    &bytes,
                )?;
            }
            Ok::<_, RenderError>(())
        })?;
        let posts = &self.views.site.posts;
        (0..posts.len()).into_par_iter().try_for_each(|i| {
            let post = &posts[i];
            let view = self.views.post(post, true);
            let mut context = PageContext::new();
            context.insert("page", &self.post_meta(post, &view));
            context.insert("post", &view);
            let card = |n: Option<usize>| match n.and_then(|n| self.cards.get(n)) {
                Some((card, digest)) => (card.clone(), *digest),
                None => (Value::none(), Some(Digest::default())),
            };
            let (newer, digest) = card(i.checked_sub(1));
            context.insert_known("newer", newer, digest);
            let (older, digest) = card(Some(i + 1));
            context.insert_known("older", older, digest);
            render(&post.path, PageKind::Post, "post.html", &context)
        })?;
        Ok((self.pages.len() + posts.len(), reused.into_inner()))
    }
}
