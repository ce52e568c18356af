//! Aggregation end to end: real HTTP against a server on 127.0.0.1, a real archive, real builds.

mod common;

use std::io::Write as _;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::server::{Body, Reply, Server};
use common::{TestSite, now, snapshot};
use roundup::cmd::build::BuildReport;

/// An RSS 2.0 feed of `(guid, title, date, html)` items.
fn rss(items: &[(&str, &str, &str, &str)]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\
         <title>Test blog</title><link>https://blog.example/</link><description>d</description>\n",
    );
    for (guid, title, date, html) in items {
        xml.push_str(&format!(
            "<item><guid>https://blog.example/{guid}</guid><title>{title}</title>\
             <link>https://blog.example/{guid}/</link><pubDate>{date}</pubDate>\
             <description><![CDATA[{html}]]></description></item>\n"
        ));
    }
    xml.push_str("</channel></rss>\n");
    xml
}

const DATE: &str = "Mon, 02 Nov 2026 10:00:00 +0000";
const RSS: &str = "application/rss+xml";

fn feeds_toml(feeds: &[(&str, String)], extra: &str) -> String {
    let mut toml = format!("[fetch]\ntimeout = 3\nconnect_timeout = 2\nretries = 1\n{extra}\n");
    for (name, url) in feeds {
        toml.push_str(&format!("[[feeds]]\nname = \"{name}\"\nurl = \"{url}\"\n"));
    }
    toml
}

fn build(site: &TestSite) -> BuildReport {
    let mut settings = site.settings();
    settings.offline = false;
    settings.backoff = Some(Duration::from_millis(10));
    common::run_build(&settings).expect("a build with bad feeds still succeeds")
}

fn health<'a>(report: &'a BuildReport, name: &str) -> &'a roundup::health::FeedHealth {
    report
        .feeds
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no feed {name}"))
}

#[test]
fn a_remote_post_gets_a_page_that_credits_and_points_to_its_original() {
    let server = Server::start(|_| {
        Reply::ok(
            RSS,
            rss(&[(
                "hello",
                "Hello &amp; welcome",
                DATE,
                "<p>Body <script>alert(1)</script><img src=x onerror=alert(2)></p>",
            )]),
        )
    });
    let site = TestSite::new(&feeds_toml(&[("Team Blog", server.url("/feed"))], ""));
    let report = build(&site);
    assert_eq!(report.remote_posts, 1);
    let page = site.read("posts/team-blog/hello-welcome/index.html");
    assert!(page.contains("<h1>Hello &amp; welcome</h1>"), "{page}");
    assert!(
        page.contains(r#"<link rel="canonical" href="https://blog.example/hello/">"#),
        "{page}"
    );
    assert!(
        page.contains("Original source – <a href=\"https://blog.example/hello/\">Team Blog</a>"),
        "{page}"
    );
    assert!(!page.contains("<script"), "{page}");
    assert!(!page.contains("onerror"), "{page}");
    assert!(site.read("index.html").contains("Hello &amp; welcome"));
}

#[test]
fn a_rerun_sends_validators_and_a_304_keeps_the_posts() {
    let conditional = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&conditional);
    let server = Server::start(move |req| {
        if req.header("if-none-match").is_some() {
            seen.fetch_add(1, Ordering::SeqCst);
        }
        Reply::feed_with_etag(
            req,
            RSS,
            rss(&[("a", "A post", DATE, "<p>a</p>")]).as_bytes(),
            "\"v1\"",
        )
    });
    let site = TestSite::new(&feeds_toml(&[("Blog", server.url("/feed"))], ""));
    let first = build(&site);
    assert_eq!(health(&first, "Blog").status.as_str(), "ok");
    assert_eq!(health(&first, "Blog").new_entries, 1);
    let second = build(&site);
    assert_eq!(
        conditional.load(Ordering::SeqCst),
        1,
        "the rerun sent If-None-Match"
    );
    assert_eq!(health(&second, "Blog").status.as_str(), "not_modified");
    assert_eq!(health(&second, "Blog").new_entries, 0);
    assert_eq!(second.remote_posts, 1);
}

#[test]
fn an_entry_that_drops_out_of_its_feed_stays_on_the_site() {
    let version = Arc::new(AtomicUsize::new(1));
    let current = Arc::clone(&version);
    let server = Server::start(move |_| match current.load(Ordering::SeqCst) {
        1 => Reply::ok(RSS, rss(&[("old", "Old post", DATE, "<p>old</p>")])),
        _ => Reply::ok(
            RSS,
            rss(&[(
                "new",
                "New post",
                "Tue, 03 Nov 2026 10:00:00 +0000",
                "<p>new</p>",
            )]),
        ),
    });
    let site = TestSite::new(&feeds_toml(&[("Blog", server.url("/feed"))], ""));
    build(&site);
    version.store(2, Ordering::SeqCst);
    let report = build(&site);
    assert_eq!(report.remote_posts, 2);
    assert!(site.has("posts/blog/old-post/index.html"));
    assert!(site.has("posts/blog/new-post/index.html"));
}

/// Every fault of the issue at once: none fails the build, none loses an entry, each is named.
#[test]
fn faulty_feeds_are_reported_and_keep_their_archived_posts() {
    let broken = Arc::new(AtomicUsize::new(0));
    let faults = Arc::clone(&broken);
    let gzip_bomb = gzip(&vec![b' '; 30 * 1024 * 1024]);
    let server = Server::start(move |req| {
        let path = req.path.trim_start_matches('/').to_string();
        if faults.load(Ordering::SeqCst) == 0 {
            return Reply::ok(
                RSS,
                rss(&[(&path, &format!("Kept from {path}"), DATE, "<p>x</p>")]),
            );
        }
        match path.as_str() {
            "timeout" => Reply {
                body: Body::Hang,
                ..Reply::status(200)
            },
            "drip" => Reply {
                body: Body::Drip(
                    rss(&[("d", "D", DATE, "")]).into_bytes(),
                    Duration::from_secs(1),
                ),
                ..Reply::ok(RSS, "")
            },
            "missing" => Reply::status(404),
            "server-error" => Reply::status(500),
            "loop" => Reply::redirect(302, "/loop2"),
            "loop2" => Reply::redirect(302, "/loop"),
            "huge" => Reply::ok(RSS, vec![b' '; 60 * 1024 * 1024]),
            "bomb" => Reply::ok(RSS, gzip_bomb.clone()).with("Content-Encoding", "gzip"),
            "page" => Reply::ok(
                "text/html",
                "<!doctype html><html><head><title>No feed</title></head><body>hi</body></html>",
            ),
            "empty" => Reply::ok(RSS, ""),
            "truncated" => Reply {
                body: Body::Truncated(rss(&[("t", "T", DATE, "")]).as_bytes()[..150].to_vec(), 400),
                ..Reply::ok(RSS, "")
            },
            "not-xml" => Reply::ok(RSS, "this is { not a feed"),
            _ => Reply::status(404),
        }
    });
    let refused = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/feed", listener.local_addr().unwrap())
    };
    let names = [
        "timeout",
        "drip",
        "missing",
        "server-error",
        "loop",
        "huge",
        "bomb",
        "page",
        "empty",
        "truncated",
        "not-xml",
    ];
    let mut feeds: Vec<(&str, String)> = names
        .iter()
        .map(|n| (*n, server.url(&format!("/{n}"))))
        .collect();
    feeds.push(("refused", refused));
    feeds.push(("dns", "http://roundup-test.invalid/feed".to_string()));
    let site = TestSite::new(&feeds_toml(&feeds, ""));
    let first = build(&site);
    assert_eq!(
        first.remote_posts,
        names.len(),
        "every reachable feed primed one post"
    );

    broken.store(1, Ordering::SeqCst);
    let report = build(&site);
    assert_eq!(
        report.remote_posts,
        names.len(),
        "no archived post was lost"
    );
    let expect = [
        ("timeout", "timed out"),
        ("drip", "timed out"),
        ("missing", "HTTP 404"),
        ("server-error", "HTTP 500"),
        ("loop", "redirect loop"),
        ("huge", "bigger than the limit"),
        ("bomb", "bigger than the limit"),
        ("page", "web page"),
        ("empty", "empty"),
        ("truncated", ""),
        ("not-xml", "not a readable feed"),
        ("refused", "connection refused"),
        ("dns", "DNS lookup failed"),
    ];
    for (name, why) in expect {
        let feed = health(&report, name);
        assert_eq!(feed.status.as_str(), "failed", "{name}: {feed:?}");
        let error = feed.error.as_deref().unwrap_or_default();
        assert!(error.contains(why), "{name}: {error:?} should say {why:?}");
    }
    for name in names {
        assert!(
            site.read("index.html")
                .contains(&format!("Kept from {name}")),
            "{name}'s post is gone"
        );
    }
    let json: serde_json::Value = serde_json::from_str(&site.read("health.json")).unwrap();
    let listed = json["feeds"].as_array().unwrap();
    assert_eq!(listed.len(), names.len() + 2);
    assert!(
        listed
            .iter()
            .all(|f| f["status"] == "failed" && f["error"].is_string())
    );
}

#[test]
fn a_feed_of_ten_thousand_entries_is_kept_whole() {
    let items: Vec<(String, String)> = (0..10_000)
        .map(|n| (format!("p{n}"), format!("Post {n}")))
        .collect();
    let refs: Vec<(&str, &str, &str, &str)> = items
        .iter()
        .map(|(g, t)| (g.as_str(), t.as_str(), DATE, "<p>x</p>"))
        .collect();
    let body = rss(&refs);
    let server = Server::start(move |_| Reply::ok(RSS, body.clone()));
    let site = TestSite::new(&feeds_toml(
        &[("Big", server.url("/feed"))],
        "new_feed_items = 5",
    ));
    let report = build(&site);
    assert_eq!(health(&report, "Big").entries, 10_000);
    assert_eq!(report.remote_posts, 10_000);
}

#[test]
fn a_new_feed_puts_only_its_newest_posts_on_the_home_page() {
    let days: Vec<(String, String, String)> = (1..=9)
        .map(|d| {
            (
                format!("p{d}"),
                format!("Old post {d}"),
                format!("Mon, 0{d} Feb 2026 10:00:00 +0000"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str, &str, &str)> = days
        .iter()
        .map(|(g, t, d)| (g.as_str(), t.as_str(), d.as_str(), "<p>x</p>"))
        .collect();
    let body = rss(&refs);
    let server = Server::start(move |_| Reply::ok(RSS, body.clone()));
    let site = TestSite::new(&format!(
        "paginate = 50\n{}",
        feeds_toml(&[("New", server.url("/feed"))], "new_feed_items = 3")
    ));
    build(&site);
    let home = site.read("index.html");
    let listed = common::listed_posts(&home);
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert!(home.contains("Old post 9") && !home.contains("Old post 6"));
    assert_eq!(
        common::listed_posts(&site.read("sources/new/index.html")).len(),
        9,
        "the blog's own page has them all"
    );
}

#[test]
fn one_post_carried_by_two_feeds_appears_once() {
    let server = Server::start(|req| {
        let extra = if req.path == "/one" {
            ("solo", "Only in one", DATE, "<p>s</p>")
        } else {
            ("solo2", "Only in two", DATE, "<p>s</p>")
        };
        Reply::ok(
            RSS,
            rss(&[("shared", "Shared post", DATE, "<p>shared</p>"), extra]),
        )
    });
    let site = TestSite::new(&feeds_toml(
        &[("One", server.url("/one")), ("Two", server.url("/two"))],
        "",
    ));
    let report = build(&site);
    assert_eq!(report.remote_posts, 3);
    assert_eq!(site.read("index.html").matches("Shared post").count(), 1);
}

#[test]
fn a_moved_feed_is_followed_and_reported() {
    let server = Server::start(|req| match req.path.as_str() {
        "/old" => Reply::redirect(301, "/new"),
        _ => Reply::ok(RSS, rss(&[("a", "Moved post", DATE, "<p>a</p>")])),
    });
    let site = TestSite::new(&feeds_toml(&[("Mover", server.url("/old"))], ""));
    let report = build(&site);
    let feed = health(&report, "Mover");
    assert_eq!(feed.status.as_str(), "moved");
    assert_eq!(feed.final_url.as_deref(), Some(server.url("/new").as_str()));
    assert_eq!(feed.error, None);
    assert!(feed.reason().contains("update feeds.toml"), "{feed:?}");
    assert_eq!(report.remote_posts, 1);
}

#[test]
fn a_gone_feed_keeps_its_posts_and_is_not_fetched_again() {
    let gone = Arc::new(AtomicUsize::new(0));
    let state = Arc::clone(&gone);
    let server = Server::start(move |_| {
        if state.load(Ordering::SeqCst) == 0 {
            Reply::ok(RSS, rss(&[("a", "Before the end", DATE, "<p>a</p>")]))
        } else {
            Reply::status(410)
        }
    });
    let site = TestSite::new(&feeds_toml(&[("Ending", server.url("/feed"))], ""));
    build(&site);
    gone.store(1, Ordering::SeqCst);
    assert_eq!(health(&build(&site), "Ending").status.as_str(), "gone");
    let hits = server.hits("/feed");
    let report = build(&site);
    assert_eq!(server.hits("/feed"), hits, "a gone feed is not asked again");
    assert_eq!(health(&report, "Ending").status.as_str(), "gone");
    assert!(site.read("index.html").contains("Before the end"));
}

#[test]
fn a_web_page_is_followed_to_the_feed_it_links() {
    let server = Server::start(|req| match req.path.as_str() {
        "/blog/" => Reply::ok(
            "text/html; charset=utf-8",
            r#"<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/blog/feed.xml"></head><body></body></html>"#,
        ),
        _ => Reply::ok(RSS, rss(&[("a", "Found it", DATE, "<p>a</p>")])),
    });
    let site = TestSite::new(&feeds_toml(&[("Page", server.url("/blog/"))], ""));
    let report = build(&site);
    let feed = health(&report, "Page");
    assert_eq!(feed.status.as_str(), "ok", "{feed:?}");
    assert!(feed.reason().contains("/blog/feed.xml"), "{feed:?}");
    assert!(site.read("index.html").contains("Found it"));
}

#[test]
fn retry_after_is_honoured_until_it_passes() {
    let server = Server::start(|_| Reply::status(429).with("Retry-After", "3600"));
    let site = TestSite::new(&feeds_toml(&[("Busy", server.url("/feed"))], ""));
    let report = build(&site);
    assert!(
        health(&report, "Busy")
            .error
            .as_deref()
            .unwrap()
            .contains("429")
    );
    let hits = server.hits("/feed");
    let report = build(&site);
    assert_eq!(
        server.hits("/feed"),
        hits,
        "not asked again within the hour"
    );
    let busy = health(&report, "Busy");
    assert!(
        busy.notes
            .iter()
            .any(|n| n.to_string().contains("wait until")),
        "{busy:?}"
    );
}

#[test]
fn a_transient_error_is_retried() {
    let calls = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&calls);
    let server = Server::start(move |_| {
        if count.fetch_add(1, Ordering::SeqCst) == 0 {
            Reply::status(502)
        } else {
            Reply::ok(RSS, rss(&[("a", "Second time lucky", DATE, "<p>a</p>")]))
        }
    });
    let site = TestSite::new(&feeds_toml(&[("Flaky", server.url("/feed"))], ""));
    let report = build(&site);
    assert_eq!(health(&report, "Flaky").status.as_str(), "ok");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn an_offline_build_uses_the_archive_and_no_network() {
    let server = Server::start(|_| Reply::ok(RSS, rss(&[("a", "Archived", DATE, "<p>a</p>")])));
    let site = TestSite::new(&feeds_toml(&[("Blog", server.url("/feed"))], ""));
    build(&site);
    let hits = server.total_hits();
    let report = common::run_build(&site.settings()).unwrap();
    assert_eq!(server.total_hits(), hits);
    assert_eq!(report.remote_posts, 1);
    assert!(!report.feeds[0].fetched);
}

#[test]
fn a_declared_charset_decodes_a_feed_without_a_prolog() {
    let latin1: Vec<u8> = "<rss version=\"2.0\"><channel><title>C</title><link>https://c.example/</link>\
        <description>d</description><item><guid>https://c.example/1</guid><title>Caf\u{e9} cr\u{e8}me</title>\
        <link>https://c.example/1</link><pubDate>Mon, 02 Nov 2026 10:00:00 +0000</pubDate></item></channel></rss>"
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    let server = Server::start(move |_| {
        Reply::ok("application/rss+xml; charset=ISO-8859-1", latin1.clone())
    });
    let site = TestSite::new(&feeds_toml(&[("Latin", server.url("/feed"))], ""));
    build(&site);
    assert!(site.read("index.html").contains("Café crème"));
}

#[test]
fn builds_from_one_archive_are_byte_identical() {
    let server = Server::start(|_| {
        Reply::ok(
            RSS,
            rss(&[
                ("a", "One", DATE, "<p>1</p>"),
                ("b", "Two", DATE, "<p>2</p>"),
            ]),
        )
    });
    let site = TestSite::new(&feeds_toml(&[("Blog", server.url("/feed"))], ""));
    build(&site);
    common::run_build(&site.settings()).unwrap();
    let first = snapshot(&site.public());
    let mut settings = site.settings();
    settings.output = site.root().join("again");
    common::run_build(&settings).unwrap();
    assert!(
        first == snapshot(&settings.output),
        "two offline builds differ"
    );
}

/// `now` is fixed in tests; the archive still dates undated entries by when they were first seen.
#[test]
fn an_undated_entry_takes_the_time_it_was_first_seen() {
    let body = "<rss version=\"2.0\"><channel><title>U</title><link>https://u.example/</link><description>d</description>\
        <item><guid>https://u.example/1</guid><title>No date</title><link>https://u.example/1</link></item></channel></rss>";
    let server = Server::start(move |_| Reply::ok(RSS, body));
    let site = TestSite::new(&feeds_toml(&[("Undated", server.url("/feed"))], ""));
    build(&site);
    let page = site.read("posts/undated/no-date/index.html");
    assert!(
        page.contains(&format!(
            "datetime=\"{}\"",
            now().fixed_offset().to_rfc3339()
        )),
        "{page}"
    );
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// `count` feeds of one post each, named `Blog 0`, `Blog 1`, ..., at `url(f)`.
fn numbered_feeds(count: usize, url: impl Fn(usize) -> String) -> String {
    let feeds: Vec<(String, String)> = (0..count).map(|f| (format!("Blog {f}"), url(f))).collect();
    let named: Vec<(&str, String)> = feeds.iter().map(|(n, u)| (n.as_str(), u.clone())).collect();
    feeds_toml(&named, "")
}

/// A feed whose one post is named after the path it was asked for.
fn feed_for(req: &common::server::Req) -> Reply {
    let guid = req.path.trim_start_matches('/');
    Reply::ok(RSS, rss(&[(guid, "A post", DATE, "<p>a</p>")]))
}

#[test]
fn feeds_on_many_hosts_are_fetched_side_by_side_and_never_more_than_per_host_from_one() {
    let hosts: Vec<IpAddr> = (0..40u8)
        .map(|h| IpAddr::V4(Ipv4Addr::new(127, 0, 1, 2 + h)))
        .collect();
    let server = Server::start_on(&hosts, |req| {
        feed_for(req).after(Duration::from_millis(100))
    });
    let toml = numbered_feeds(120, |f| {
        server.url_on(f % hosts.len(), &format!("/feed/{f}"))
    })
    .replace("[fetch]\n", "[fetch]\nconcurrency = 16\nper_host = 2\n");
    let site = TestSite::new(&toml);
    let report = build(&site);
    let ok = report
        .feeds
        .iter()
        .filter(|f| f.status.as_str() == "ok")
        .count();
    assert_eq!(ok, 120);
    assert!(
        server.peak_requests_per_host() <= 2,
        "per_host holds at every host"
    );
    assert!(
        server.peak_requests() <= 16,
        "concurrency holds over all hosts"
    );
    assert!(
        server.peak_requests() > 2,
        "fetches of other hosts run while one host's are at its limit"
    );
}

#[test]
fn a_connection_no_later_fetch_of_its_host_would_reuse_is_closed() {
    let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
    let heard = Arc::clone(&asked);
    let server = Server::start(move |req| {
        let close = req
            .header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        heard.lock().unwrap().push(close);
        feed_for(req)
    });
    // One at a time, so the server hears them in the order they were let go.
    let toml = numbered_feeds(3, |f| server.url(&format!("/feed/{f}")))
        .replace("[fetch]\n", "[fetch]\nper_host = 1\n");
    let site = TestSite::new(&toml);
    let report = build(&site);
    assert!(report.feeds.iter().all(|f| f.status.as_str() == "ok"));
    assert_eq!(
        *asked.lock().unwrap(),
        [false, false, true],
        "the first two hand their connection on; the host's last fetch closes it"
    );
}
