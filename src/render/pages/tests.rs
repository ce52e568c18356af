//! Tests of which pages a site has.

use std::path::Path;

use chrono::Utc;

use super::*;
use crate::archive::Stored;
use crate::health::{FeedHealth, FeedKey};
use crate::post::{Post, Source};
use crate::site::{self, Selection, Site};

fn config() -> Config {
    let text = "[site]\ntitle = \"T\"\nbase_url = \"https://example.org/\"\npaginate = 2\n\
         [[feeds]]\nname = \"Blog\"\nurl = \"https://blog.example/feed\"\norganisation = \"GDS\"\n";
    Config::parse(text, Path::new("feeds.toml")).unwrap()
}

fn post(id: &str, title: &str, date: &str, tags: &[&str], remote: bool) -> Post {
    let local = Post::sample(id, date);
    Post {
        source: if remote {
            Source::Feed(FeedKey("https://blog.example/feed".to_string()))
        } else {
            local.source.clone()
        },
        title: title.to_string(),
        original_url: remote.then(|| format!("https://blog.example/{id}/")),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..local
    }
}

/// The pages planned for the test site, in order.
fn planned() -> Vec<(String, PageKind, &'static str)> {
    let config = config();
    let site = site(&config);
    let languages = Language::all(&config, &crate::render::Theme::default()).unwrap();
    let root = Links::new(&config);
    let plan = Plan::new(
        Views {
            site: &site,
            language: &languages[0],
            root: &root,
        },
        &config,
        &languages,
        crate::digest::Digest::default(),
        &[],
    );
    plan.pages()
        .iter()
        .map(|p| (p.path.clone(), p.kind, p.template))
        .collect()
}

fn site(config: &Config) -> Site {
    let health: Vec<FeedHealth> = config
        .feeds
        .iter()
        .map(|f| {
            let url = f.url().as_str();
            FeedHealth::remembered(f.name(), url, FeedKey(url.to_string()), None, 0)
        })
        .collect();
    let local = vec![
        post(
            "a",
            "Weeknotes #1",
            "2026-03-02T10:00:00Z",
            &["Data"],
            false,
        ),
        post("b", "Hello", "2026-03-03T10:00:00Z", &["Data"], false),
        post("c", "Older", "2025-12-01T10:00:00Z", &[], false),
    ];
    let remote = vec![Stored {
        post: Post {
            authors: vec!["Jo Bloggs".into()],
            ..post("r", "From the blog", "2026-03-04T10:00:00Z", &[], true)
        },
        backlog: false,
    }];
    let selection = Selection {
        drafts: false,
        future: false,
        now: Utc::now(),
    };
    site::build(config, local, remote, &health, &[], selection)
}

#[test]
fn every_grouping_has_its_page_and_long_lists_are_paged() {
    let planned = planned();
    let pages: Vec<(&str, PageKind)> = planned.iter().map(|(p, k, _)| (p.as_str(), *k)).collect();
    let expected = [
        ("", PageKind::Home),
        ("page/2/", PageKind::Home),
        ("tags/", PageKind::Tags),
        ("tags/data/", PageKind::Tag),
        ("categories/", PageKind::Categories),
        ("archive/", PageKind::Archive),
        ("archive/2026/", PageKind::Archive),
        ("archive/2026/page/2/", PageKind::Archive),
        ("archive/2026/03/", PageKind::Archive),
        ("archive/2026/03/page/2/", PageKind::Archive),
        ("archive/2025/", PageKind::Archive),
        ("archive/2025/12/", PageKind::Archive),
        ("sources/", PageKind::Sources),
        ("sources/blog/", PageKind::Source),
        ("organisations/", PageKind::Organisations),
        ("organisations/gds/", PageKind::Organisation),
        ("weeknotes/", PageKind::Weeknotes),
        ("weeknotes/2026-W10/", PageKind::Week),
        ("authors/", PageKind::Authors),
        ("authors/jo-bloggs/", PageKind::Author),
        ("pulse/", PageKind::Pulse),
        ("search/", PageKind::Search),
        ("404.html", PageKind::NotFound),
    ];
    assert_eq!(pages, expected);
    // Every page has a distinct address, so no page overwrites another.
    let mut paths: Vec<&str> = pages.iter().map(|(p, _)| *p).collect();
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths.len(), expected.len());
}

#[test]
fn the_home_page_is_the_index_template_and_lists_use_the_list_template() {
    let planned = planned();
    let template = |path: &str| {
        planned
            .iter()
            .find(|(p, _, _)| p == path)
            .map(|(_, _, t)| *t)
            .unwrap()
    };
    assert_eq!(template(""), "index.html");
    assert_eq!(template("tags/data/"), "list.html");
    assert_eq!(template("sources/blog/"), "source.html");
    assert_eq!(template("organisations/gds/"), "organisation.html");
    assert_eq!(template("authors/"), "authors.html");
    assert_eq!(template("authors/jo-bloggs/"), "author.html");
    assert_eq!(template("pulse/"), "pulse.html");
    assert_eq!(template("archive/"), "archive.html");
}
