//! Links and images written in local posts, on a site published under a subpath: they lead
//! where their writer meant from the post's page, every listing, each language's folder and
//! the feeds.

mod common;

use common::TestSite;
use roundup::cmd::check::{self, CheckSettings};
use roundup::linkcheck;

const BASE: &str = "https://org.github.io/repo/";

/// A post with a link of every kind, the post it links to, and the files they name.
fn site_with_links() -> TestSite {
    let site = TestSite::with_base_url(BASE, "languages = [\"en-GB\", \"cy\"]\n");
    site.post(
        "links",
        "2026-11-02",
        "",
        "About [us](/about/), with ![a picture](/images/a.png).\n\n\
         See [the other post](../other-post/), ![a diagram](images/b.png), \
         [its part](@/notes/other-post.md#part), [a site](https://example.com/x), \
         [the notes](#notes), [mail](mailto:jo@example.org) and [a phone](tel:+441234567890).\n\n\
         <p><a href=\"/raw/\">Raw HTML</a> <img src=\"/images/a.png\" alt=\"again\"></p>\n\n\
         ## Notes\n\nThe end.",
    );
    site.write(
        "content/notes/other-post.md",
        "---\ntitle: Other\ndate: 2026-11-01\n---\nThe other post.\n\n## Part\n\nIts part.\n",
    );
    site.write("static/about/index.html", "<p>About</p>");
    site.write("static/raw/index.html", "<p>Raw</p>");
    site.write("static/images/a.png", "png");
    site.write("static/posts/links/images/b.png", "png");
    site
}

#[test]
fn links_and_images_in_a_post_lead_under_the_subpath_from_every_page() {
    let site = site_with_links();
    site.build().unwrap();
    let expected = [
        r#"href="/repo/about/""#,
        r#"src="/repo/images/a.png""#,
        r#"href="/repo/posts/other-post/""#,
        r#"src="/repo/posts/links/images/b.png""#,
        r##"href="/repo/posts/other-post/#part""##,
        r#"href="https://example.com/x""#,
        r##"href="#notes""##,
        r#"href="mailto:jo@example.org""#,
        r#"href="tel:+441234567890""#,
        r#"href="/repo/raw/""#,
    ];
    // The same words in each language's folder lead to the same places.
    for page in ["posts/links/index.html", "cy/posts/links/index.html"] {
        let html = site.read(page);
        for link in expected {
            assert!(html.contains(link), "{page}: {link} in {html}");
        }
        // The picture the post leads with is the one in its words, not shown again above them.
        assert!(!html.contains("featured-image"), "{page}: {html}");
    }
    // The summary, on the home page, too.
    let home = site.read("index.html");
    assert!(home.contains(r#"href="/repo/about/""#), "{home}");
    let base = url::Url::parse(BASE).unwrap();
    assert_eq!(linkcheck::check(&site.public(), &base).unwrap(), vec![]);
}

#[test]
fn feeds_carry_a_posts_links_and_images_as_absolute_addresses() {
    let site = site_with_links();
    site.build().unwrap();
    for feed in ["atom.xml", "rss.xml", "feed.json", "cy/atom.xml"] {
        let text = site.read(feed);
        for absolute in [
            "https://org.github.io/repo/about/",
            "https://org.github.io/repo/images/a.png",
            "https://org.github.io/repo/posts/other-post/",
            "https://org.github.io/repo/posts/links/images/b.png",
            "https://org.github.io/repo/posts/other-post/#part",
            "https://org.github.io/repo/raw/",
        ] {
            assert!(text.contains(absolute), "{feed}: {absolute} in {text}");
        }
        for relative in ["href=\"/", "src=\"/", "href=\\\"/", "src=\\\"/", "href=\"#"] {
            assert!(!text.contains(relative), "{feed}: {relative} in {text}");
        }
    }
    let atom = site.read("atom.xml");
    assert!(
        atom.contains(r##"href="https://org.github.io/repo/posts/links/#notes""##),
        "{atom}"
    );
}

#[test]
fn check_links_passes_on_a_site_under_a_subpath() {
    let site = site_with_links();
    let report = check::run(
        &CheckSettings {
            links: true,
            ..CheckSettings::new(site.root())
        },
        common::runtime(),
    );
    assert!(report.ok(), "{:?}", report.problems);
    assert!(
        report
            .checked
            .iter()
            .any(|c| c.starts_with("links: every internal link")),
        "{:?}",
        report.checked
    );
}

#[test]
fn a_link_to_a_post_that_is_not_there_fails_the_build_naming_its_file_and_line() {
    let site = TestSite::with_base_url(BASE, "");
    site.post(
        "broken",
        "2026-11-02",
        "",
        "Fine.\n\nSee [the lost one](@/missing.md).",
    );
    let error = site.build().unwrap_err().to_string();
    // The front matter is lines 1 to 4; the body starts on line 5.
    assert!(error.contains("content/broken.md:7: "), "{error}");
    assert!(error.contains("content/missing.md"), "{error}");
}
