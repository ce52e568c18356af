//! Cymraeg and English: one `feeds.toml`, the interface in each language, every page linking to
//! itself in the other, and each post in its own language.

mod common;

use common::{TestSite, server::Reply, server::Server};

/// A page of the site with its entities decoded, so that `'` reads `'` however it is escaped.
fn page(site: &TestSite, path: &str) -> String {
    html_escape::decode_html_entities(&site.read(path)).into_owned()
}

fn bilingual() -> TestSite {
    let site = TestSite::new(
        "languages = [\"en-GB\", \"cy\"]\n[site.title]\nen-GB = \"Team notes\"\ncy = \"Nodiadau'r tîm\"\n",
    );
    // TestSite writes `title` under [site]; a per-language table replaces it.
    let toml = std::fs::read_to_string(site.root().join("feeds.toml")).unwrap();
    site.write("feeds.toml", &toml.replace("title = \"Test notes\"\n", ""));
    site.post("hello", "2026-11-02", "tags: [data]\n", "An English post.");
    site.post(
        "croeso",
        "2026-11-03",
        "lang: cy\n",
        "Dyma gofnod yn Gymraeg.",
    );
    site
}

#[test]
fn both_interfaces_are_built_from_one_feeds_toml() {
    let site = bilingual();
    site.build().unwrap();
    let en = page(&site, "index.html");
    let cy = page(&site, "cy/index.html");
    assert!(en.contains(r#"<html lang="en-GB">"#), "{en}");
    assert!(cy.contains(r#"<html lang="cy">"#), "{cy}");
    assert!(en.contains(">Latest</a>") && en.contains("<title>Team notes</title>"));
    for welsh in [
        "Diweddaraf",
        "Nodiadau'r wythnos",
        "Archif",
        "Tagiau",
        "Blogiau",
        "Sefydliadau",
    ] {
        assert!(cy.contains(welsh), "{welsh} in {cy}");
    }
    assert!(cy.contains("<title>Nodiadau'r tîm</title>"), "{cy}");
    // Month names in Welsh, from the catalogue.
    assert!(cy.contains("3 Tachwedd 2026"), "{cy}");
    // Every kind of page exists in both.
    for page in [
        "tags/data/",
        "archive/",
        "archive/2026/11/",
        "search/",
        "posts/hello/",
        "weeknotes/",
        "sources/",
    ] {
        assert!(site.has(&format!("{page}index.html")), "{page}");
        assert!(site.has(&format!("cy/{page}index.html")), "cy/{page}");
    }
    let search = page(&site, "cy/search/index.html");
    assert!(
        search.contains("data-prompt=\"Teipiwch air i chwilio pob cofnod.\""),
        "{search}"
    );
    assert!(search.contains("Chwilio pob cofnod"), "{search}");
    // Feeds of their own, titled in their language.
    assert!(page(&site, "cy/atom.xml").contains("<title>Nodiadau'r tîm</title>"));
    assert!(site.read("atom.xml").contains("<title>Team notes</title>"));
}

#[test]
fn every_page_links_to_itself_in_the_other_language() {
    let site = bilingual();
    site.build().unwrap();
    let en = site.read("tags/data/index.html");
    assert!(
        en.contains(
            r#"<link rel="alternate" hreflang="cy" href="https://example.org/cy/tags/data/">"#
        ),
        "{en}"
    );
    assert!(
        en.contains(r#"<a href="/cy/tags/data/" hreflang="cy" lang="cy">Cymraeg</a>"#),
        "{en}"
    );
    let cy = site.read("cy/tags/data/index.html");
    assert!(
        cy.contains(r#"<a href="/tags/data/" hreflang="en-GB" lang="en-GB">English</a>"#),
        "{cy}"
    );
    // Links within the Welsh pages stay in Welsh; shared files stay at the root.
    assert!(cy.contains(r#"href="/cy/archive/""#), "{cy}");
    assert!(cy.contains(r#"href="/style.css""#), "{cy}");
    // Both languages' pages are in the sitemap.
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/cy/tags/data/</loc>"));
    assert!(sitemap.contains("<loc>https://example.org/tags/data/</loc>"));
}

#[test]
fn a_welsh_post_on_an_english_page_says_it_is_welsh() {
    let site = bilingual();
    site.build().unwrap();
    let home = site.read("index.html");
    assert!(
        home.contains(
            r#"<h2 class="card-title" lang="cy"><a href="/posts/croeso/">croeso</a></h2>"#
        ),
        "{home}"
    );
    let post = site.read("posts/croeso/index.html");
    assert!(post.contains(r#"<h1 lang="cy">croeso</h1>"#), "{post}");
    assert!(
        post.contains(r#"<div class="post-body" lang="cy">"#),
        "{post}"
    );
    // On a Welsh page the Welsh post needs no mark; the English one has no language of its own
    // given, so it is taken to be in the page's.
    let cy_home = site.read("cy/index.html");
    assert!(
        cy_home.contains(r#"<h2 class="card-title"><a href="/cy/posts/croeso/">croeso</a></h2>"#),
        "{cy_home}"
    );
    // The feeds out say it too.
    assert!(site.read("atom.xml").contains(r#"<entry xml:lang="cy">"#));
    let json: serde_json::Value = serde_json::from_str(&site.read("feed.json")).unwrap();
    let croeso = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "croeso")
        .unwrap();
    assert_eq!(croeso["language"], "cy");
}

#[test]
fn a_welsh_site_is_welsh_at_its_root() {
    let site = TestSite::new("language = \"cy\"\n");
    site.post("hello", "2026-11-02", "", "Helo.");
    site.build().unwrap();
    let home = site.read("index.html");
    assert!(home.contains(r#"<html lang="cy">"#));
    assert!(
        home.contains("Diweddaraf") && !home.contains(">Latest<"),
        "{home}"
    );
    assert!(!home.contains("hreflang"), "one language links to no other");
    assert!(page(&site, "404.html").contains("<h1>Heb ddod o hyd i'r dudalen</h1>"));
}

#[test]
fn a_feeds_language_and_a_feeds_toml_override_reach_its_posts() {
    let server = Server::start(|req| match req.path.as_str() {
        "/cy" => Reply::ok(
            "application/atom+xml",
            r#"<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="cy"><title>Blog</title><id>b</id>
               <updated>2026-11-01T00:00:00Z</updated>
               <entry><title>Nodiadau'r wythnos 12</title><id>e1</id><link href="https://b.example/1"/>
               <updated>2026-11-01T00:00:00Z</updated><content>Testun.</content></entry></feed>"#,
        ),
        _ => Reply::ok(
            "application/rss+xml",
            "<rss version=\"2.0\"><channel><title>Un-labelled</title><link>https://u.example/</link>\
             <item><title>Bore da</title><link>https://u.example/1</link><guid>u1</guid>\
             <pubDate>Mon, 02 Nov 2026 10:00:00 +0000</pubDate></item></channel></rss>",
        ),
    });
    let site = TestSite::new(&format!(
        "[[feeds]]\nname = \"Welsh\"\nurl = \"{}\"\n[[feeds]]\nname = \"Said in feeds.toml\"\nurl = \"{}\"\nlanguage = \"cy\"\n",
        server.url("/cy"),
        server.url("/plain")
    ));
    let mut settings = site.settings();
    settings.offline = false;
    common::run_build(&settings).unwrap();
    let home = page(&site, "index.html");
    assert_eq!(
        home.matches(r#"<h2 class="card-title" lang="cy">"#).count(),
        2,
        "{home}"
    );
    // A Welsh weeknote is a weeknote.
    let card = home.split("Nodiadau'r wythnos 12</a>").nth(1).unwrap();
    assert!(
        card.split("</article>")
            .next()
            .unwrap()
            .contains(">Weeknote<"),
        "{card}"
    );
}
