//! The addresses written in local posts, made to lead on the built site where their writer
//! meant.
//!
//! A site may live under a subpath (`https://org.github.io/repo/`), and a post's words are
//! shown on its own page, in listings, in each language's folder and in feeds. So the site
//! model settles every `href` and `src` of a local post once, into an address that leads to
//! the same place from all of them:
//!
//! - `/about/` is from the site's root, where `static/` is copied: `/repo/about/`;
//! - `images/a.png` and `../other/` are from the post's own page, as a browser reads them
//!   there: `/repo/posts/<slug>/images/a.png`;
//! - `@/notes/other.md` is another post, by its file under `content/` (Zola's convention):
//!   that post's page, with any `#fragment` kept;
//! - an address with a scheme (`https:`, `mailto:`, `tel:`), another host's (`//cdn/`), a
//!   `#fragment` or a `?query` is kept as written.
//!
//! Feeds are read off the site, so [`absolutise`] makes every address in them absolute.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lol_html::html_content::Element;
use lol_html::{HandlerResult, HtmlRewriter, Settings, element};
use pulldown_cmark::{Event, Parser, Tag};
use url::{Position, Url};

use crate::post::Post;
use crate::sanitize::first_image;

/// How a link to another post starts: `@/` and the post's file under `content/`.
pub const POST_LINK: &str = "@/";

/// The attributes that hold an address, on the elements that have them.
const ADDRESSES: [(&str, &str); 3] = [
    ("[href]", "href"),
    ("[src]", "src"),
    ("video[poster]", "poster"),
];

/// A stand-in for `content/`, on which an `@/` link is read as a path that cannot climb out.
const CONTENT: &str = "https://content.invalid/content/";

/// An `@/` link in a post's Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostLink {
    /// As written: `@/notes/other.md#part`.
    pub written: String,
    /// The 1-based line of the Markdown it is on.
    pub line: usize,
}

/// Every `@/` link of a post's Markdown, in its links and images and in the `href` and `src`
/// of its raw HTML, with its line: what the content stage checks names a post.
pub fn post_links(markdown: &str) -> Vec<PostLink> {
    let line_of = |offset: usize| markdown[..offset.min(markdown.len())].matches('\n').count() + 1;
    let mut found = Vec::new();
    let parser = Parser::new_ext(markdown, crate::markdown::options());
    for (event, range) in parser.into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if dest_url.starts_with(POST_LINK) =>
            {
                found.push(PostLink {
                    written: dest_url.to_string(),
                    line: line_of(range.start),
                });
            }
            Event::Html(html) | Event::InlineHtml(html) if html.contains(POST_LINK) => {
                for raw in attributes(&html) {
                    let written = html_escape::decode_html_entities(&raw).trim().to_string();
                    if written.starts_with(POST_LINK) {
                        let within = html.find(&raw).unwrap_or(0);
                        found.push(PostLink {
                            written,
                            line: line_of(range.start) + html[..within].matches('\n').count(),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// The file an `@/` link names, from the site's root: `@/notes/x.md#part` is
/// `content/notes/x.md`. None for any other address, and for one that climbs out of
/// `content/` (`@/../feeds.toml`).
pub fn post_file(written: &str) -> Option<PathBuf> {
    let url = post_url(written)?;
    let under = url.path().strip_prefix("/content/")?;
    let decoded = percent_encoding::percent_decode_str(under)
        .decode_utf8()
        .ok()?;
    (!decoded.is_empty()).then(|| Path::new(crate::content::DIR).join(decoded.as_ref()))
}

/// An `@/` link read on the stand-in for `content/`, so that `..` and `%20` mean what they
/// mean in a URL.
fn post_url(written: &str) -> Option<Url> {
    let rest = written.trim().strip_prefix(POST_LINK)?;
    let content = Url::parse(CONTENT).expect("a valid URL");
    let url = content.join(rest).ok()?;
    (url.origin() == content.origin()).then_some(url)
}

/// Where the addresses written in one local post lead.
#[derive(Debug, Clone)]
pub struct Resolver<'a> {
    /// The site's address (`base_url`), ending in `/`.
    site: &'a Url,
    /// The post's own page.
    page: Url,
    /// Every local post's page, from the site's root, by its file: `content/x.md` →
    /// `posts/x/`.
    posts: &'a HashMap<PathBuf, String>,
}

impl<'a> Resolver<'a> {
    /// The addresses of the post whose page is `page` (a path from the site's root, as the site
    /// model decided it), on the site at `site`.
    pub fn new(site: &'a Url, page: &str, posts: &'a HashMap<PathBuf, String>) -> Self {
        Resolver {
            page: site.join(page).unwrap_or_else(|_| site.clone()),
            site,
            posts,
        }
    }

    /// The address `written` leads to, as a path from the host's root that means the same on
    /// every page of the site (`/repo/posts/x/a.png`); none when it is kept as written.
    pub fn resolve(&self, written: &str) -> Option<String> {
        // As a browser reads it: ASCII spaces and controls around an address are ignored.
        let written = written.trim_matches(|c: char| c <= ' ');
        if written.is_empty() || written.starts_with(['#', '?']) || Url::parse(written).is_ok() {
            return None;
        }
        let as_written = self.page.join(written).ok()?;
        // `//cdn.example/a.png` and its spellings lead off the site: kept as written.
        if as_written.origin() != self.site.origin() {
            return None;
        }
        let resolved = if written.starts_with(POST_LINK) {
            let linked = post_url(written)?;
            let page = self.posts.get(&post_file(written)?)?;
            let mut url = self.site.join(page).ok()?;
            url.set_fragment(linked.fragment());
            url
        } else if written.starts_with(['/', '\\']) {
            // From the root of the host, which is not the site's root under a subpath. One that
            // already starts with the subpath is not kept: `/weeknotes/` on a site at
            // `/weeknotes/` may mean its home page or its weeknotes, and a guess would hide
            // which; `check --links` finds the doubled subpath.
            let from_root = &as_written[Position::BeforePath..];
            self.site.join(from_root.trim_start_matches('/')).ok()?
        } else {
            as_written
        };
        let path = &resolved[Position::BeforePath..];
        (path != written).then(|| path.to_string())
    }
}

/// Settles the addresses of a local post's content and summary (see the module's notes); its
/// featured image, when it is the content's first, follows, so that the page still knows the
/// picture it leads with is the one in its words.
pub fn settle(post: &mut Post, resolver: &Resolver<'_>) {
    let leads_with_first = post
        .image
        .as_ref()
        .is_some_and(|i| first_image(&post.content).is_some_and(|f| f.url == i.url));
    post.content = rewrite(&post.content, |a| resolver.resolve(a));
    post.summary = rewrite(&post.summary, |a| resolver.resolve(a));
    if leads_with_first
        && let Some(image) = &mut post.image
        && let Some(settled) = resolver.resolve(&image.url)
    {
        image.url = settled;
    }
}

/// HTML for a feed, which is read off the site: every address made absolute against `page`,
/// the permalink of the page the HTML is shown on.
pub fn absolutise(html: &str, page: &Url) -> String {
    rewrite(html, |written| {
        let written = written.trim_matches(|c: char| c <= ' ');
        if written.is_empty() || Url::parse(written).is_ok() {
            return None;
        }
        page.join(written).ok().map(String::from)
    })
}

/// `html` with each address (see [`ADDRESSES`]) for which `resolve` gives another put in its
/// place; `html` unchanged if lol_html cannot read it.
fn rewrite(html: &str, resolve: impl Fn(&str) -> Option<String>) -> String {
    if !ADDRESSES
        .iter()
        .any(|(_, attribute)| html.contains(attribute))
    {
        return html.to_string();
    }
    let out = RefCell::new(Vec::with_capacity(html.len() + 64));
    let on = |el: &mut Element<'_, '_>, attribute: &str| -> HandlerResult {
        if let Some(raw) = el.get_attribute(attribute)
            && let Some(settled) = resolve(&html_escape::decode_html_entities(&raw))
        {
            let encoded = html_escape::encode_double_quoted_attribute(&settled);
            el.set_attribute(attribute, &encoded)?;
        }
        Ok(())
    };
    let mut rewriter = HtmlRewriter::new(settings(&on), |chunk: &[u8]| {
        out.borrow_mut().extend_from_slice(chunk)
    });
    if rewriter
        .write(html.as_bytes())
        .and_then(|()| rewriter.end())
        .is_err()
    {
        return html.to_string();
    }
    String::from_utf8(out.into_inner()).unwrap_or_else(|_| html.to_string())
}

/// The raw `href`, `src` and `poster` values of a piece of HTML, entities and all.
fn attributes(html: &str) -> Vec<String> {
    let found = RefCell::new(Vec::new());
    let on = |el: &mut Element<'_, '_>, attribute: &str| -> HandlerResult {
        found.borrow_mut().extend(el.get_attribute(attribute));
        Ok(())
    };
    let mut rewriter = HtmlRewriter::new(settings(&on), |_: &[u8]| {});
    // A piece that does not parse still yields what was found before the fault.
    let _ = rewriter
        .write(html.as_bytes())
        .and_then(|()| rewriter.end());
    found.into_inner()
}

/// A handler for every attribute of [`ADDRESSES`]. A local post's raw HTML is its writer's:
/// it is read as a browser would read it, never refused as ambiguous.
fn settings<'h>(
    on: &'h dyn Fn(&mut Element<'_, '_>, &str) -> HandlerResult,
) -> Settings<'h, 'static> {
    ADDRESSES.iter().fold(
        Settings::new().with_strict(false),
        |settings, &(selector, attribute)| {
            settings.append_element_content_handler(element!(selector, move |el| on(el, attribute)))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "https://org.github.io/repo/";

    fn pages() -> HashMap<PathBuf, String> {
        HashMap::from([
            (
                PathBuf::from("content/other.md"),
                "posts/other/".to_string(),
            ),
            (
                PathBuf::from("content/notes/my bundle/index.md"),
                "posts/my-bundle/".to_string(),
            ),
        ])
    }

    fn resolve(written: &str) -> Option<String> {
        let site = Url::parse(SITE).unwrap();
        let posts = pages();
        Resolver::new(&site, "posts/this/", &posts).resolve(written)
    }

    #[test]
    fn an_address_from_the_root_is_under_the_subpath() {
        assert_eq!(resolve("/about/").as_deref(), Some("/repo/about/"));
        assert_eq!(
            resolve("/images/a.png?v=2#top").as_deref(),
            Some("/repo/images/a.png?v=2#top")
        );
        assert_eq!(resolve("/").as_deref(), Some("/repo/"));
    }

    #[test]
    fn an_address_that_already_names_the_subpath_is_still_from_the_root() {
        // On a site at `/repo/`, `/repo/` may be a folder of its own: no guessing.
        assert_eq!(
            resolve("/repo/about/").as_deref(),
            Some("/repo/repo/about/")
        );
        assert_eq!(resolve("\\about\\").as_deref(), Some("/repo/about/"));
    }

    #[test]
    fn a_relative_address_is_from_the_posts_own_page() {
        assert_eq!(
            resolve("images/a.png").as_deref(),
            Some("/repo/posts/this/images/a.png")
        );
        assert_eq!(
            resolve("../other-post/").as_deref(),
            Some("/repo/posts/other-post/")
        );
        assert_eq!(
            resolve("./my picture.png").as_deref(),
            Some("/repo/posts/this/my%20picture.png")
        );
        // `..` cannot climb above the host's root, only out of the subpath, which the link
        // checker reports.
        assert_eq!(resolve("../../../../x").as_deref(), Some("/x"));
    }

    #[test]
    fn a_post_link_leads_to_that_posts_page() {
        assert_eq!(resolve("@/other.md").as_deref(), Some("/repo/posts/other/"));
        assert_eq!(
            resolve("@/other.md#part").as_deref(),
            Some("/repo/posts/other/#part")
        );
        assert_eq!(
            resolve("@/notes/my%20bundle/index.md").as_deref(),
            Some("/repo/posts/my-bundle/")
        );
        assert_eq!(
            resolve("@/notes/../other.md").as_deref(),
            Some("/repo/posts/other/")
        );
        assert_eq!(resolve("@/missing.md"), None, "the content stage names it");
    }

    #[test]
    fn absolute_addresses_fragments_and_other_schemes_are_kept() {
        for kept in [
            "https://example.com/a",
            "http://example.com/",
            "//cdn.example/a.png",
            "\\\\cdn.example/a.png",
            "#section",
            "?page=2",
            "mailto:jo@example.org",
            "tel:+441234567890",
            "data:image/png;base64,AAAA",
            "",
        ] {
            assert_eq!(resolve(kept), None, "{kept:?}");
        }
    }

    #[test]
    fn a_post_file_is_under_content_or_nothing() {
        assert_eq!(
            post_file("@/notes/x.md#a"),
            Some(PathBuf::from("content/notes/x.md"))
        );
        assert_eq!(post_file("@/../feeds.toml"), None);
        assert_eq!(post_file("@//evil.example/x.md"), None);
        assert_eq!(post_file("@/"), None);
        assert_eq!(post_file("/x.md"), None);
    }

    #[test]
    fn markdown_links_images_and_raw_html_are_rewritten_and_the_rest_kept() {
        let site = Url::parse(SITE).unwrap();
        let posts = pages();
        let resolver = Resolver::new(&site, "posts/this/", &posts);
        let html = crate::markdown::render(
            "[a](/about/) ![p](images/a.png) [o](@/other.md) [e](https://e.example/) \
             [f](#notes)\n\n<a href=\"/raw/?a=1&amp;b=2\"><img src=\"pic.png\" alt=\"\"></a>\n\n\
             `<a href=\"/code/\">`\n",
        )
        .html;
        let out = rewrite(&html, |a| resolver.resolve(a));
        for expected in [
            r#"href="/repo/about/""#,
            r#"src="/repo/posts/this/images/a.png""#,
            r#"href="/repo/posts/other/""#,
            r#"href="https://e.example/""#,
            r##"href="#notes""##,
            r#"href="/repo/raw/?a=1&amp;b=2""#,
            r#"src="/repo/posts/this/pic.png""#,
            // Code is text, not a link.
            r#"<code>&lt;a href="/code/"&gt;</code>"#,
        ] {
            assert!(out.contains(expected), "{expected} in {out}");
        }
    }

    #[test]
    fn a_feed_gets_absolute_addresses() {
        let page = Url::parse("https://org.github.io/repo/posts/this/").unwrap();
        let out = absolutise(
            r##"<a href="/repo/about/">a</a><img src="/repo/i.png"><a href="#n">n</a><a href="https://e.example/">e</a>"##,
            &page,
        );
        assert_eq!(
            out,
            r##"<a href="https://org.github.io/repo/about/">a</a><img src="https://org.github.io/repo/i.png"><a href="https://org.github.io/repo/posts/this/#n">n</a><a href="https://e.example/">e</a>"##
        );
    }

    #[test]
    fn post_links_are_found_with_their_lines() {
        let markdown = "Intro.\n\nSee [it](@/a.md) and\n[ref][r].\n\n\
                        <p>\n<a href=\"@/b.md#x\">b</a></p>\n\n![pic](@/c.md)\n\n\
                        [r]: @/d.md\n\n[plain](/about/)\n";
        let found: Vec<(String, usize)> = post_links(markdown)
            .into_iter()
            .map(|l| (l.written, l.line))
            .collect();
        assert_eq!(
            found,
            [
                ("@/a.md".to_string(), 3),
                ("@/d.md".to_string(), 4),
                ("@/b.md#x".to_string(), 7),
                ("@/c.md".to_string(), 9),
            ]
        );
    }

    #[test]
    fn settling_a_post_keeps_its_featured_image_the_one_in_its_words() {
        let site = Url::parse(SITE).unwrap();
        let posts = pages();
        let resolver = Resolver::new(&site, "posts/this/", &posts);
        let rendered = crate::markdown::render("![A diagram](diagram.png)\n\nMore.\n");
        let mut post = Post {
            image: first_image(&rendered.html),
            content: rendered.html,
            summary: rendered.summary,
            ..Post::sample("this", "2026-01-01T00:00:00Z")
        };
        settle(&mut post, &resolver);
        let image = post.image.unwrap();
        assert_eq!(image.url, "/repo/posts/this/diagram.png");
        assert_eq!(first_image(&post.content).unwrap().url, image.url);
        assert!(
            post.summary
                .contains(r#"src="/repo/posts/this/diagram.png""#)
        );
    }
}
