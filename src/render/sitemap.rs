//! `sitemap.xml` and `robots.txt`, so search engines find every page.

use super::pages::{Page, PageKind};
use super::view::Links;
use crate::site::Site;
use crate::xml;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// The most addresses the sitemap protocol allows in one file.
const MAX_URLS: usize = 50_000;

/// One address in a sitemap, with the day it last changed if known.
pub(super) type Address = (String, Option<String>);

/// The addresses of one language's pages for the sitemap: every listing page (the 404 page
/// aside), then every post with the day it last changed.
///
/// Remote posts are left out: their canonical address is the original, and a sitemap must only
/// list canonical pages.
pub(super) fn addresses(site: &Site, links: &Links, pages: &[Page]) -> Vec<Address> {
    let mut urls: Vec<Address> = pages
        .iter()
        .filter(|p| p.kind != PageKind::NotFound)
        .map(|page| (links.permalink(&page.path), None))
        .collect();
    urls.extend(
        site.posts
            .iter()
            .filter(|p| !p.post.is_remote())
            .map(|post| {
                let changed = post.post.updated.unwrap_or(post.post.published);
                (
                    links.permalink(&post.path),
                    Some(changed.format("%Y-%m-%d").to_string()),
                )
            }),
    );
    urls
}

/// The sitemap files, path and bytes. Past 50,000 addresses they are split into
/// `sitemap-1.xml`, `sitemap-2.xml`, … and `sitemap.xml` becomes the index of those.
pub(super) fn sitemaps(urls: &[Address], root: &Links) -> Vec<(String, Vec<u8>)> {
    split(urls, root, MAX_URLS)
}

fn split(urls: &[Address], links: &Links, most: usize) -> Vec<(String, Vec<u8>)> {
    if urls.len() <= most {
        return vec![("sitemap.xml".to_string(), document("urlset", "url", urls))];
    }
    let mut files: Vec<(String, Vec<u8>)> = urls
        .chunks(most)
        .enumerate()
        .map(|(i, chunk)| {
            (
                format!("sitemap-{}.xml", i + 1),
                document("urlset", "url", chunk),
            )
        })
        .collect();
    let parts: Vec<Address> = files
        .iter()
        .map(|(path, _)| (links.permalink(path), None))
        .collect();
    files.push((
        "sitemap.xml".to_string(),
        document("sitemapindex", "sitemap", &parts),
    ));
    files
}

/// A `<urlset>` of `<url>`s or a `<sitemapindex>` of `<sitemap>`s: the two share their shape.
fn document(root: &str, element: &str, urls: &[Address]) -> Vec<u8> {
    xml::document(1, |w| {
        w.create_element(root)
            .with_attribute(("xmlns", SITEMAP_NS))
            .write_inner_content(|w| {
                for (loc, lastmod) in urls {
                    w.create_element(element).write_inner_content(|w| {
                        xml::text(w, "loc", loc)?;
                        if let Some(lastmod) = lastmod {
                            xml::text(w, "lastmod", lastmod)?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    })
}

/// Allows everything and points at the sitemap.
pub(super) fn robots(links: &Links) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        links.permalink("sitemap.xml")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_limit_the_sitemap_becomes_an_index_of_parts() {
        let config = crate::config::Config::parse(
            "[site]\ntitle = \"T\"\nbase_url = \"https://example.org/w/\"\n",
            std::path::Path::new("feeds.toml"),
        )
        .unwrap();
        let links = Links::new(&config);
        let urls: Vec<Address> = (0..5)
            .map(|i| (format!("https://example.org/w/p{i}/"), None))
            .collect();

        let one = split(&urls, &links, 5);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].0, "sitemap.xml");
        assert_eq!(
            String::from_utf8_lossy(&one[0].1).matches("<url>").count(),
            5
        );

        let parts = split(&urls, &links, 2);
        let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml",
                "sitemap.xml"
            ]
        );
        let counts: Vec<usize> = parts[..3]
            .iter()
            .map(|(_, b)| String::from_utf8_lossy(b).matches("<url>").count())
            .collect();
        assert_eq!(counts, [2, 2, 1]);
        let index = String::from_utf8_lossy(&parts[3].1).into_owned();
        assert!(index.contains("<sitemapindex"), "{index}");
        assert!(
            index.contains("<loc>https://example.org/w/sitemap-3.xml</loc>"),
            "{index}"
        );
    }
}
