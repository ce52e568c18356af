//! `roundup check`, as a pull request that adds a blog runs it.

mod common;

use std::process::Command;

use common::TestSite;
use common::server::{Reply, Server};
use roundup::cmd::check::{self, CheckSettings};

fn feeds_server() -> Server {
    Server::start(|req| match req.path.as_str() {
        "/good" => Reply::ok(
            "application/rss+xml",
            "<rss version=\"2.0\"><channel><title>G</title><link>https://g.example/</link><description>d</description>\
             <item><title>One</title><link>https://g.example/1</link><pubDate>Mon, 02 Nov 2026 10:00:00 +0000</pubDate></item>\
             <item><title>Two</title><link>https://g.example/2</link><pubDate>Tue, 03 Nov 2026 10:00:00 +0000</pubDate></item>\
             </channel></rss>",
        ),
        "/old" => Reply::redirect(301, "/good"),
        _ => Reply::status(404),
    })
}

fn toml(server: &Server, names: &[(&str, &str)]) -> String {
    let mut text = String::from("[fetch]\ntimeout = 5\nretries = 0\n");
    for (name, path) in names {
        text.push_str(&format!(
            "[[feeds]]\nname = \"{name}\"\nurl = \"{}\"\n",
            server.url(path)
        ));
    }
    text
}

#[test]
fn feeds_are_fetched_and_each_problem_comes_with_a_fix() {
    let server = feeds_server();
    let site = TestSite::new(&toml(
        &server,
        &[("Good", "/good"), ("Mover", "/old"), ("Dead", "/dead")],
    ));
    let report = check::run(
        &CheckSettings {
            feeds: true,
            ..CheckSettings::new(site.root())
        },
        common::runtime(),
    );
    assert!(!report.ok());
    let checked = report.checked.join("\n");
    assert!(
        checked.contains("feed \"Good\"") && checked.contains("2 entries, newest 3 November 2026"),
        "{checked}"
    );
    // A moved feed fails the check, so a pull request adding one is told to fix it.
    assert_eq!(report.problems.len(), 2, "{:?}", report.problems);
    assert!(
        report.problems[0].contains("moved permanently")
            && report.problems[0].contains(&format!("url = \"{}\"", server.url("/good"))),
        "{:?}",
        report.problems
    );
    assert!(report.problems[1].contains("\"Dead\"") && report.problems[1].contains("HTTP 404"));
    assert!(report.problems[1].contains("fix: there is no feed at this address"));
}

#[test]
fn changed_since_checks_only_the_feeds_a_change_adds() {
    let server = feeds_server();
    let site = TestSite::new(&toml(&server, &[("Good", "/good")]));
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .arg("-C")
            .arg(site.root())
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "feeds.toml"]);
    git(&["commit", "-qm", "blog roll"]);
    let before = server.hits("/good");
    std::fs::write(
        site.root().join("feeds.toml"),
        format!(
            "{}{}",
            std::fs::read_to_string(site.root().join("feeds.toml")).unwrap(),
            toml(&server, &[("New dead one", "/dead")])
                .replace("[fetch]\ntimeout = 5\nretries = 0\n", "")
        ),
    )
    .unwrap();
    let report = check::run(
        &CheckSettings {
            feeds: true,
            changed_since: Some("HEAD".to_string()),
            ..CheckSettings::new(site.root())
        },
        common::runtime(),
    );
    assert_eq!(
        server.hits("/good"),
        before,
        "an unchanged feed is not fetched"
    );
    assert!(
        report
            .checked
            .iter()
            .any(|c| c.contains("1 feeds added or changed since HEAD")),
        "{:?}",
        report.checked
    );
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(report.problems[0].contains("New dead one"));
}

#[test]
fn a_broken_front_matter_fails_the_check_naming_its_file() {
    let site = TestSite::new("");
    site.write(
        "content/bad.md",
        "---\ntitle: Bad\ndate: tomorrowish\n---\n",
    );
    site.write("content/worse.md", "no front matter at all\n");
    let out = Command::new(env!("CARGO_BIN_EXE_roundup"))
        .args(["check", "--root"])
        .arg(site.root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("content/bad.md:3"), "{stderr}");
    assert!(stderr.contains("content/worse.md:1"), "{stderr}");
    assert!(stderr.contains("2 problems found"), "{stderr}");
}

#[test]
fn a_template_that_fails_on_a_page_fails_the_check() {
    let site = TestSite::new("");
    site.post("fine", "2026-01-01", "", "Text.");
    site.write(
        "templates/post.html",
        "{% extends \"base.html\" %}{% block main %}{{ post.titel }}{% endblock main %}",
    );
    let report = check::run(&CheckSettings::new(site.root()), common::runtime());
    assert!(!report.ok());
    let problems = report.problems.join("\n");
    assert!(
        problems.contains("titel") && problems.contains("post.html"),
        "{problems}"
    );
}

#[test]
fn links_finds_a_link_that_leads_nowhere() {
    let site = TestSite::new("");
    site.post(
        "fine",
        "2026-01-01",
        "",
        "See [the missing page](/nowhere/).",
    );
    let report = check::run(
        &CheckSettings {
            links: true,
            ..CheckSettings::new(site.root())
        },
        common::runtime(),
    );
    // The post, and every listing its summary appears on.
    assert!(
        report
            .problems
            .iter()
            .all(|p| p.contains(": /nowhere/ (no such file")),
        "{:?}",
        report.problems
    );
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("posts/fine/index.html: /nowhere/")),
        "{:?}",
        report.problems
    );
    assert!(
        !site.public().exists(),
        "check builds aside, never into public/"
    );
}
