//! `sitemap.xml` and `robots.txt`, so search engines find every page.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, Event};

use super::view::Links;
use crate::site::Site;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// The sitemap: every listing page, then every post with the day it last changed.
///
/// Remote posts are left out: their canonical address is the original, and a sitemap must only
/// list canonical pages.
pub(super) fn sitemap(site: &Site, links: &Links, listings: &[&str]) -> Vec<u8> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 1);
    let write = |writer: &mut Writer<Vec<u8>>, loc: &str, lastmod: Option<String>| {
        writer
            .create_element("url")
            .write_inner_content(|w| {
                w.create_element("loc")
                    .write_text_content(quick_xml::events::BytesText::new(loc))?;
                if let Some(lastmod) = &lastmod {
                    w.create_element("lastmod")
                        .write_text_content(quick_xml::events::BytesText::new(lastmod))?;
                }
                Ok(())
            })
            .map(|_| ())
    };
    let result: std::io::Result<()> = (|| {
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        writer
            .create_element("urlset")
            .with_attribute(("xmlns", SITEMAP_NS))
            .write_inner_content(|w| {
                for path in listings {
                    write(w, &links.permalink(path), None)?;
                }
                for post in site.posts.iter().filter(|p| !p.post.is_remote()) {
                    let changed = post.post.updated.unwrap_or(post.post.published);
                    write(
                        w,
                        &links.permalink(&post.path),
                        Some(changed.format("%Y-%m-%d").to_string()),
                    )?;
                }
                Ok(())
            })?;
        Ok(())
    })();
    result.expect("writing XML to a Vec cannot fail");
    let mut bytes = writer.into_inner();
    bytes.push(b'\n');
    bytes
}

/// Allows everything and points at the sitemap.
pub(super) fn robots(links: &Links) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        links.permalink("sitemap.xml")
    )
}
