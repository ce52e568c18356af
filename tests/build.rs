//! `roundup build` end to end on fixture sites: the pages, the links, the flags, the errors.

mod common;

use common::{TestSite, listed_posts, snapshot};
use roundup::linkcheck;

fn small_site(base_url: &str) -> TestSite {
    let site = TestSite::with_base_url(base_url, "paginate = 2\n");
    site.post(
        "first",
        "2026-01-05",
        "tags: [Research, a11y]\ncategories: [Guides]\n",
        "First *post*.",
    );
    site.post(
        "second",
        "2026-02-10T10:00:00Z",
        "tags: [research]\n",
        "## Part\n\nSecond post.",
    );
    site.post(
        "third",
        "2026-03-01",
        "categories: [guides]\n",
        "Third post.",
    );
    site
}

#[test]
fn every_page_exists_and_every_internal_link_resolves() {
    let site = small_site("https://example.org/");
    let report = site.build().unwrap();
    assert_eq!(report.local_posts, 3);
    for page in [
        "index.html",
        "page/2/index.html",
        "posts/first/index.html",
        "posts/second/index.html",
        "posts/third/index.html",
        "tags/index.html",
        "tags/research/index.html",
        "tags/a11y/index.html",
        "categories/index.html",
        "categories/guides/index.html",
        "archive/index.html",
        "archive/2026/index.html",
        "archive/2026/01/index.html",
        "archive/2026/03/index.html",
        "sources/index.html",
        "organisations/index.html",
        "weeknotes/index.html",
        "search/index.html",
        "atom.xml",
        "rss.xml",
        "feed.json",
        "tags/research/atom.xml",
        "blogroll.opml",
        "health.json",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        ".nojekyll",
        "style.css",
    ] {
        assert!(site.has(page), "{page} is missing");
    }
    let base = url::Url::parse("https://example.org/").unwrap();
    assert_eq!(linkcheck::check(&site.public(), &base).unwrap(), vec![]);
    // Two spellings of one tag make one tag, counted once per post.
    assert!(site.read("tags/index.html").contains("(2 posts)"));
}

#[test]
fn a_tag_page_lists_exactly_its_posts_across_its_pages() {
    let site = TestSite::new("paginate = 4\n");
    let mut tagged = Vec::new();
    for n in 0..23 {
        let tags = if n % 3 == 0 {
            "tags: [Weeknotes]\n"
        } else {
            "tags: [other]\n"
        };
        let name = format!("post-{n:02}");
        site.post(&name, &format!("2026-01-{:02}", n + 1), tags, "Body.");
        if n % 3 == 0 {
            tagged.push(format!("/posts/{name}/"));
        }
    }
    site.build().unwrap();
    let mut listed = Vec::new();
    let mut page = "tags/weeknotes/index.html".to_string();
    let mut pages = 0;
    loop {
        let html = site.read(&page);
        listed.extend(listed_posts(&html));
        pages += 1;
        match html
            .split(r#"rel="next""#)
            .next()
            .and_then(|h| h.rsplit(r#"href=""#).next())
        {
            Some(next) if html.contains(r#"rel="next""#) => {
                page = format!(
                    "{}index.html",
                    next.split('"').next().unwrap().trim_start_matches('/')
                );
            }
            _ => break,
        }
    }
    tagged.reverse(); // newest first
    assert_eq!(listed, tagged);
    assert_eq!(pages, 2);
}

#[test]
fn under_a_subpath_no_link_escapes_it() {
    let site = small_site("https://org.github.io/weeknotes/");
    site.build().unwrap();
    let base = url::Url::parse("https://org.github.io/weeknotes/").unwrap();
    assert_eq!(linkcheck::check(&site.public(), &base).unwrap(), vec![]);
    let home = site.read("index.html");
    assert!(home.contains(r#"href="/weeknotes/posts/third/""#), "{home}");
    assert!(home.contains(r#"href="/weeknotes/style.css""#));
    for (name, bytes) in snapshot(&site.public()) {
        let text = String::from_utf8_lossy(&bytes);
        for quoted in text.split(r#"href="/"#).skip(1) {
            assert!(
                quoted.starts_with("weeknotes/"),
                "{name}: href=\"/{}",
                &quoted[..20.min(quoted.len())]
            );
        }
    }
    assert!(
        site.read("sitemap.xml")
            .contains("<loc>https://org.github.io/weeknotes/posts/first/</loc>")
    );
}

#[test]
fn drafts_and_future_posts_are_left_out_unless_asked_for() {
    let site = TestSite::new("");
    site.post("published", "2026-01-01", "", "x");
    site.post("draft", "2026-01-02", "draft: true\n", "x");
    site.post("future", "2027-01-01", "", "x");
    site.build().unwrap();
    assert!(site.has("posts/published/index.html"));
    assert!(!site.has("posts/draft/index.html"));
    assert!(!site.has("posts/future/index.html"));
    assert_eq!(
        listed_posts(&site.read("index.html")),
        ["/posts/published/"]
    );

    let mut settings = site.settings();
    settings.drafts = true;
    settings.future = true;
    common::run_build(&settings).unwrap();
    assert!(site.has("posts/draft/index.html"));
    assert!(site.has("posts/future/index.html"));
    assert_eq!(listed_posts(&site.read("index.html")).len(), 3);
}

#[test]
fn a_site_template_overrides_the_themes() {
    let site = small_site("https://example.org/");
    site.write(
        "templates/post.html",
        "{% extends \"base.html\" %}{% block main %}<p class=\"mine\">{{ post.title }}</p>{% endblock main %}",
    );
    site.write("static/extra.txt", "static file");
    site.build().unwrap();
    let page = site.read("posts/first/index.html");
    assert!(page.contains(r#"<p class="mine">first</p>"#), "{page}");
    assert!(
        page.contains("<header class=\"site-header\">"),
        "the theme's base still wraps it"
    );
    assert_eq!(site.read("extra.txt"), "static file");
}

#[test]
fn two_builds_are_byte_identical() {
    let site = small_site("https://example.org/");
    site.build().unwrap();
    let first = snapshot(&site.public());
    let mut settings = site.settings();
    settings.output = site.root().join("again");
    common::run_build(&settings).unwrap();
    let second = snapshot(&settings.output);
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a.0, b.0);
        assert!(a.1 == b.1, "{} differs between builds", a.0);
    }
}

#[test]
fn every_bad_post_is_reported_with_its_file_and_line() {
    let site = TestSite::new("");
    site.post("good", "2026-01-01", "", "fine");
    site.write(
        "content/broken-yaml.md",
        "---\ntitle: T\ndate: 2026-01-01\ntags: [a, b\n---\nx\n",
    );
    site.write("content/no-title.md", "---\ndate: 2026-01-01\n---\nx\n");
    site.write(
        "content/notes/bad-date.md",
        "---\ntitle: T\ndate: 31/31/2026\n---\nx\n",
    );
    let err = format!("{:#}", site.build().unwrap_err());
    assert!(err.contains("3 posts cannot be read"), "{err}");
    assert!(err.contains("content/broken-yaml.md:"), "{err}");
    assert!(err.contains("content/no-title.md:2:"), "{err}");
    assert!(err.contains("content/notes/bad-date.md:3:"), "{err}");
    assert!(err.contains("31/31/2026"), "{err}");
    assert!(!site.public().exists(), "a failed build writes nothing");
}

#[test]
fn two_posts_with_one_slug_name_both_files() {
    let site = TestSite::new("");
    site.post("one", "2026-01-01", "slug: same\n", "x");
    site.post("two", "2026-01-02", "slug: same\n", "x");
    let err = format!("{:#}", site.build().unwrap_err());
    assert!(
        err.contains("content/one.md") && err.contains("content/two.md"),
        "{err}"
    );
    assert!(err.contains("\"same\""), "{err}");
}

#[test]
fn a_template_error_names_the_template_and_line() {
    let site = small_site("https://example.org/");
    site.write("templates/terms.html", "{% extends \"base.html\" %}\n{% block main %}\n{{ terms | nosuchfilter }}\n{% endblock main %}");
    let err = format!("{:#}", site.build().unwrap_err());
    assert!(
        err.contains("do not compile") && err.contains("terms.html:3"),
        "{err}"
    );

    site.write("templates/terms.html", "{% extends \"base.html\" %}\n{% block main %}\n{{ not_defined.field }}\n{% endblock main %}");
    let err = format!("{:#}", site.build().unwrap_err());
    assert!(
        err.contains("rendering tags/") && err.contains("terms.html:3"),
        "{err}"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_site_whole() {
    let site = small_site("https://example.org/");
    site.build().unwrap();
    let before = snapshot(&site.public());
    site.write(
        "templates/post.html",
        "{% extends \"base.html\" %}{% block main %}{{ nope }}{% endblock main %}",
    );
    assert!(site.build().is_err());
    assert_eq!(snapshot(&site.public()), before);
}

#[test]
fn an_unchanged_rebuild_rewrites_nothing() {
    let site = small_site("https://example.org/");
    site.build().unwrap();
    let report = site.build().unwrap();
    assert_eq!(report.output.written, 0, "{report:?}");
    assert!(report.output.unchanged > 10);
}

#[test]
fn the_search_index_is_carried_over_only_while_no_post_changes() {
    let site = small_site("https://example.org/");
    let index = |site: &TestSite| snapshot(&site.public().join("pagefind"));
    assert!(!site.build().unwrap().render.search.reused);
    let built = index(&site);

    let report = site.build().unwrap();
    assert!(report.render.search.reused, "{report:?}");
    assert_eq!(
        report.render.search.files,
        built.len() - 1,
        "all but the manifest"
    );
    assert!(index(&site) == built, "the carried-over index differs");

    // A changed post changes the index.
    site.post(
        "third",
        "2026-03-01",
        "",
        "Third post, now about zebrafish.",
    );
    assert!(!site.build().unwrap().render.search.reused);
    let rebuilt = index(&site);
    assert!(rebuilt != built);

    // A missing file of the index is not papered over: its shard is built again.
    let fragment = walkdir::WalkDir::new(site.public().join("pagefind"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .find(|p| {
            p.extension().is_some_and(|e| e == "pf_fragment")
                && p.to_string_lossy().contains("/shard-")
        })
        .expect("a shard's fragment");
    std::fs::remove_file(&fragment).unwrap();
    assert!(!site.build().unwrap().render.search.reused);
    assert!(fragment.exists());
    assert!(index(&site) == rebuilt);
}

#[test]
fn the_summary_reports_the_search_index() {
    let site = small_site("https://example.org/");
    let build = || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_roundup"))
            .args(["build", "--offline", "--root"])
            .arg(site.root())
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let first = build();
    assert!(
        first.contains("search index: 3 posts in 1 shard,"),
        "{first}"
    );
    assert!(first.contains("1 of them rebuilt (3 posts)"), "{first}");
    let second = build();
    assert!(
        second.contains("kept from the last build, as no post changed"),
        "{second}"
    );
}

#[test]
fn the_search_page_carries_its_filter_menus_with_counts() {
    let site = small_site("https://example.org/");
    site.build().unwrap();
    let page = site.read("search/index.html");
    // "Research" and "research" are one tag, on two posts; "Guides" is on two.
    assert!(
        page.contains(r#"<option value="research">research (2)</option>"#)
            || page.contains(r#"<option value="Research">Research (2)</option>"#),
        "{page}"
    );
    assert!(page.contains(r#"<select id="search-category" name="category">"#));
    assert!(page.contains(">This site (3)</option>"), "{page}");
    // No blog has posts here, so there is no organisation menu.
    assert!(!page.contains(r#"name="organisation""#));
}
