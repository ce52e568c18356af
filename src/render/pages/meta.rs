//! What a page says about itself under `page`: its kind, title and addresses, its feeds, the
//! same page in the other languages, and its card for sharing.

use serde::Serialize;

use super::{PageKind, Plan};
use crate::render::media::ImageView;
use crate::render::share::Share;
use crate::render::syndication::FeedLink;
use crate::render::view::PostView;
use crate::site::SitePost;

/// Facts about the page being rendered, as templates see them under `page`.
#[derive(Debug, Serialize)]
pub(super) struct PageMeta {
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
    /// The same page in the site's other languages, for the link to each.
    alternates: Vec<Alternate>,
    /// The page in every language, this one included, the first first, for `<link rel=
    /// "alternate" hreflang>`; empty when the site has one language.
    translations: Vec<Alternate>,
    /// What a link to the page shows when shared: Open Graph and Twitter card metadata.
    share: Share,
}

/// The same page in another language.
#[derive(Debug, Clone, Serialize)]
struct Alternate {
    /// Its BCP 47 tag, for `hreflang` and `lang`.
    lang: String,
    /// The language's name in itself: "Cymraeg", "English".
    name: String,
    /// The page in it, as a link.
    url: String,
    /// The page in it, absolute, for `<link rel="alternate" hreflang>`.
    permalink: String,
    /// Its Open Graph locale, for `og:locale:alternate`.
    locale: String,
}

impl Plan<'_> {
    /// The page at `path` in every language but this one.
    fn alternates(&self, path: &str) -> Vec<Alternate> {
        self.translations(path)
            .into_iter()
            .filter(|a| a.lang != self.views.language.tag())
            .collect()
    }

    /// The page at `path` in every language, when there are several.
    fn translations(&self, path: &str) -> Vec<Alternate> {
        if self.languages.len() < 2 {
            return Vec::new();
        }
        self.languages
            .iter()
            .map(|l| Alternate {
                lang: l.tag().to_string(),
                name: l.catalogue.text("language.name").to_string(),
                url: l.links.url(path),
                permalink: l.links.permalink(path),
                locale: crate::render::share::og_locale(l.tag()),
            })
            .collect()
    }

    /// The site's own picture for sharing, if it has one.
    fn site_image(&self) -> Option<ImageView> {
        let site = self.views.site;
        site.image
            .as_ref()
            .map(|i| ImageView::new(self.views.root, i))
    }

    /// A card in this page's language.
    fn share(&self, title: Option<&str>, description: &str, url: &str) -> Share {
        let language = self.views.language;
        Share::new(
            title.unwrap_or(&language.title),
            description,
            url.to_string(),
            &language.title,
            language.tag(),
            self.site_image(),
        )
    }

    /// The facts of a page at `path` that is not a post.
    pub(super) fn meta(
        &self,
        kind: PageKind,
        title: Option<String>,
        path: &str,
        own: &[FeedLink],
    ) -> PageMeta {
        let canonical = self.links().permalink(path);
        PageMeta {
            share: self.share(
                title.as_deref(),
                &self.views.language.description,
                &canonical,
            ),
            kind,
            title,
            url: self.links().url(path),
            canonical,
            feeds: own.iter().chain(&self.site_feeds).cloned().collect(),
            alternates: self.alternates(path),
            translations: self.translations(path),
        }
    }

    /// The facts of a post's own page: its canonical address is the original's, for a remote
    /// post, and its card an article's, with its summary and its own picture.
    pub(super) fn post_meta(&self, post: &SitePost, view: &PostView<'_>) -> PageMeta {
        let canonical = view
            .original_url
            .map_or_else(|| view.permalink.clone(), str::to_string);
        let description = crate::plain_text::plain_text(&post.post.summary);
        let mut share = self
            .share(Some(&post.post.title), &description, &canonical)
            .article(view.published.clone());
        if let Some(image) = &view.image {
            share = share.with_image(image.clone());
        }
        PageMeta {
            kind: PageKind::Post,
            title: Some(post.post.title.clone()),
            url: view.url.clone(),
            canonical,
            feeds: self.site_feeds.clone(),
            alternates: self.alternates(&post.path),
            translations: self.translations(&post.path),
            share,
        }
    }
}
