//! Podcasts, pictures and people: enclosures from a captured podcast feed reach the post page and
//! every feed the site publishes, Media RSS thumbnails the listings, authors their own pages
//! across blogs, every page its sharing card, and the pulse page its charts with tables to match.

mod common;

use std::path::Path;

use std::cell::RefCell;
use std::collections::HashMap;

use common::people::{EPISODE, site};
use common::{TestSite, listed_posts};
use lol_html::{HtmlRewriter, Settings, element, text};

#[test]
fn a_podcast_s_enclosure_reaches_every_feed_the_site_publishes() {
    let (site, _server) = site();
    let rss = site.read("sources/lwowska-fala/rss.xml");
    assert!(
        rss.contains(&format!(
            r#"<enclosure url="{EPISODE}" length="49252772" type="audio/mpeg"/>"#
        )),
        "{rss}"
    );
    assert!(
        rss.contains("<itunes:duration>3079</itunes:duration>"),
        "{rss}"
    );
    let atom = site.read("sources/lwowska-fala/atom.xml");
    assert!(
        atom.contains(&format!(
            r#"<link rel="enclosure" href="{EPISODE}" type="audio/mpeg" length="49252772"/>"#
        )),
        "{atom}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&site.read("sources/lwowska-fala/feed.json")).unwrap();
    assert_eq!(json["items"][0]["attachments"][0]["url"], EPISODE);
    assert_eq!(
        json["items"][0]["attachments"][0]["mime_type"],
        "audio/mpeg"
    );
    assert_eq!(
        json["items"][0]["attachments"][0]["size_in_bytes"],
        49_252_772
    );
    // The whole site's feeds carry it too.
    assert!(site.read("rss.xml").contains(EPISODE));
}

/// Runs feedparser on a file and returns each entry's enclosures as `[{href, type, length}]`.
fn feedparser_enclosures(path: &Path) -> serde_json::Value {
    let script = r#"
import json, sys, feedparser
d = feedparser.parse(sys.argv[1])
print(json.dumps({
    "bozo": bool(d.bozo),
    "entries": [{"title": e.get("title"),
                 "enclosures": [{"href": x.get("href"), "type": x.get("type"), "length": x.get("length")}
                                for x in e.get("enclosures", [])]} for e in d.entries],
}))
"#;
    common::python_json(script, path)
}

#[test]
#[ignore = "needs Python's feedparser: cargo test -- --ignored"]
fn feedparser_reads_the_enclosure_back_from_the_site_s_rss_and_atom() {
    common::require_feedparser();
    let (site, _server) = site();
    for file in ["rss.xml", "atom.xml"] {
        let parsed = feedparser_enclosures(&site.public().join("sources/lwowska-fala").join(file));
        assert_eq!(parsed["bozo"], false, "{file}: {parsed}");
        assert_eq!(
            parsed["entries"][0]["enclosures"],
            serde_json::json!([{ "href": EPISODE, "type": "audio/mpeg", "length": "49252772" }]),
            "{file}: {parsed}"
        );
    }
}

#[test]
fn a_podcast_episode_s_page_has_a_player_that_waits_and_a_plain_link() {
    let (site, _server) = site();
    let html =
        site.read("posts/lwowska-fala/lwowska-fala-odc-78-wrzesien-1939-radio-katowice/index.html");
    let audio = elements(&html, "audio");
    assert_eq!(audio.len(), 1, "{html}");
    assert_eq!(audio[0].get("preload").map(String::as_str), Some("none"));
    assert!(audio[0].contains_key("controls"));
    assert!(
        !audio[0].contains_key("autoplay"),
        "nothing plays by itself"
    );
    let sources = elements(&html, "audio source");
    assert_eq!(sources[0]["src"], EPISODE);
    assert_eq!(sources[0]["type"], "audio/mpeg");
    assert!(!html.contains("<script"), "no script plays it");
    let links = texts(&html, "a.enclosure-link");
    assert_eq!(links, ["Download: MP3 audio, 49 MB"]);
    assert_eq!(elements(&html, "a.enclosure-link")[0]["href"], EPISODE);
    assert!(
        html.contains(r#"<time datetime="PT51M19S">52 minutes</time>"#),
        "{html}"
    );
}

#[test]
fn a_media_rss_thumbnail_shows_on_the_home_page_with_its_alt_text() {
    let (site, _server) = site();
    let images = elements(&site.read("index.html"), "article.card img.card-image");
    let thumbnail = images
        .iter()
        .find(|i| i["src"].starts_with("https://i.vimeocdn.com/video/1931613648-"))
        .unwrap_or_else(|| panic!("{images:?}"));
    assert_eq!(
        thumbnail["alt"],
        "Oregon Harvest Update and Fall Release Date Set"
    );
    assert_eq!(
        (thumbnail["width"].as_str(), thumbnail["height"].as_str()),
        ("960", "540")
    );
    assert_eq!(thumbnail["loading"], "lazy");
    // The podcast's square art has no description: decorative, not its file name.
    let art = images
        .iter()
        .find(|i| i["src"].contains("spreaker"))
        .unwrap();
    assert_eq!(art["alt"], "");
    // A local post's front matter image is a file of the site, with its own alt.
    let lead = images.iter().find(|i| i["src"] == "/img/lead.png").unwrap();
    assert_eq!(lead["alt"], "The team at the whiteboard");
    assert!(
        images
            .iter()
            .all(|i| i["src"].starts_with("https://") || i["src"].starts_with('/'))
    );
}

#[test]
fn an_author_s_page_lists_their_posts_across_blogs_with_its_feeds() {
    let (site, _server) = site();
    let page = site.read("authors/jo-bloggs/index.html");
    // "Jo Bloggs" on Alpha, "jo  BLOGGS" on Beta and "jbloggs" (an alias) on the site itself.
    assert_eq!(
        listed_posts(&page),
        [
            "/posts/alpha-team/weeknotes-w47/",
            "/posts/beta-team/weeknotes-w47/",
            "/posts/our-news/"
        ]
    );
    assert_eq!(texts(&page, "h1"), ["Author: Jo Bloggs"]);
    assert_eq!(texts(&page, "p.lede a"), ["Alpha team", "Beta team"]);
    let json: serde_json::Value =
        serde_json::from_str(&site.read("authors/jo-bloggs/feed.json")).unwrap();
    assert_eq!(json["items"].as_array().unwrap().len(), 3);
    assert_eq!(json["items"][0]["authors"][0]["name"], "Jo Bloggs");
    assert!(
        site.read("authors/jo-bloggs/atom.xml")
            .contains("<name>Jo Bloggs</name>")
    );
    assert!(
        site.read("authors/jo-bloggs/rss.xml")
            .contains("<dc:creator>Jo Bloggs</dc:creator>")
    );
    let index = site.read("authors/index.html");
    assert_eq!(
        texts(&index, ".term-list a"),
        ["Jo Bloggs", "Radio Katowice S.A.", "Sam Example"]
    );
    assert!(
        !site.has("authors/jbloggs/index.html"),
        "an alias has no page of its own"
    );
}

#[test]
fn the_weeknotes_pages_name_who_wrote_each_weeknote() {
    let (site, _server) = site();
    let week = site.read("weeknotes/2026-W47/index.html");
    assert_eq!(
        texts(&week, "article.card .authors a"),
        ["Jo Bloggs", "Jo Bloggs"]
    );
    let links = elements(&week, "article.card .authors a");
    assert!(links.iter().all(|a| a["href"] == "/authors/jo-bloggs/"));
    let week = site.read("weeknotes/2026-W46/index.html");
    assert_eq!(texts(&week, "article.card .authors a"), ["Sam Example"]);
    // The weekly digest names them too.
    assert!(
        site.read("weeknotes/atom.xml")
            .contains("Alpha team, Jo Bloggs")
    );
}

/// The Open Graph and Twitter properties of a page: `og:title` to its content.
fn card(html: &str) -> HashMap<String, String> {
    elements(html, "meta")
        .into_iter()
        .filter_map(|m| {
            let key = m.get("property").or_else(|| m.get("name"))?.clone();
            Some((key, m.get("content")?.clone()))
        })
        .filter(|(k, _)| {
            k.starts_with("og:") || k.starts_with("twitter:") || k.starts_with("article:")
        })
        .collect()
}

#[test]
fn every_page_has_a_sharing_card() {
    let (site, _server) = site();
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(site.public()) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        pages += 1;
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let card = card(&html);
        let name = entry.path().display();
        for property in [
            "og:type",
            "og:title",
            "og:url",
            "og:site_name",
            "og:locale",
            "twitter:card",
        ] {
            assert!(
                card.get(property).is_some_and(|v| !v.is_empty()),
                "{name}: no {property}: {card:?}"
            );
        }
        assert_eq!(card["og:site_name"], "Test notes", "{name}");
        assert_eq!(card["og:locale"], "en_GB", "{name}");
        let canonical = elements(&html, r#"link[rel="canonical"]"#);
        assert_eq!(card["og:url"], canonical[0]["href"], "{name}");
        let is_post = entry.path().starts_with(site.public().join("posts"));
        assert_eq!(
            card["og:type"],
            if is_post { "article" } else { "website" },
            "{name}"
        );
    }
    assert!(pages > 20, "{pages} pages");
    let video = card(
        &site.read("posts/failla-wines/oregon-harvest-update-and-fall-release-date-set/index.html"),
    );
    assert!(video["og:image"].starts_with("https://i.vimeocdn.com/video/1931613648-"));
    assert_eq!(
        video["og:image:alt"],
        "Oregon Harvest Update and Fall Release Date Set"
    );
    assert_eq!(
        (
            video["og:image:width"].as_str(),
            video["og:image:height"].as_str()
        ),
        ("960", "540")
    );
    assert_eq!(video["twitter:card"], "summary_large_image");
    assert!(
        video["og:description"].starts_with("Also check the email"),
        "{video:?}"
    );
    assert_eq!(video["article:published_time"], "2024-09-27T12:29:11-04:00");
    let local = card(&site.read("posts/our-news/index.html"));
    assert_eq!(
        local["og:image"], "https://example.org/img/lead.png",
        "absolute, for other sites to fetch"
    );
    let home = card(&site.read("index.html"));
    assert_eq!(
        (home["og:title"].as_str(), home["og:description"].as_str()),
        ("Test notes", "A site for tests.")
    );
    assert_eq!(home["twitter:card"], "summary");
}

#[test]
fn a_site_s_own_picture_is_the_card_of_pages_without_one_and_the_welsh_pages_say_cy_gb() {
    let site = TestSite::new(
        "languages = [\"en-GB\", \"cy\"]\nimage = \"card.png\"\nimage_alt = \"The site's logo\"\n",
    );
    site.write("static/card.png", "not really a PNG");
    site.post(
        "hello",
        "2026-11-18T10:00:00Z",
        "authors: [Jo Bloggs]\n",
        "Hello.",
    );
    site.build().unwrap();
    let english = card(&site.read("tags/index.html"));
    assert_eq!(english["og:image"], "https://example.org/card.png");
    assert_eq!(english["og:image:alt"], "The site's logo");
    assert_eq!(english["og:locale:alternate"], "cy_GB");
    let welsh = site.read("cy/authors/jo-bloggs/index.html");
    assert_eq!(card(&welsh)["og:locale"], "cy_GB");
    assert_eq!(texts(&welsh, "h1"), ["Awdur: Jo Bloggs"]);
    assert_eq!(texts(&welsh, "article.card .authors"), ["Awdur: Jo Bloggs"]);
    let pulse = site.read("cy/pulse/index.html");
    assert_eq!(
        texts(&pulse, "h2"),
        [
            "Cofnodion bob wythnos, fesul sefydliad",
            "Rhediadau nodiadau wythnos",
            "Blogiau sydd wedi tawelu",
            "Iechyd y ffrydiau dros yr adeiladiadau diwethaf"
        ]
    );
    assert!(texts(&site.read("cy/index.html"), "nav a").contains(&"Curiad".to_string()));
}

/// An element's attributes, by name.
type Attributes = HashMap<String, String>;

/// One drawing: its viewBox, and its bars' attributes.
type Drawing = (Vec<f64>, Vec<Attributes>);

/// One chart of the pulse page, read back: each drawing's bars, and the table's rows.
#[derive(Debug, Default)]
struct Chart {
    /// Per `<svg>`.
    drawings: Vec<Drawing>,
    /// Per table row: its key and its cells' text.
    rows: Vec<(String, Vec<String>)>,
}

fn chart(html: &str, name: &str) -> Chart {
    let found = RefCell::new(Chart::default());
    let scope = format!(r#"section[data-chart="{name}"]"#);
    let svg = format!("{scope} svg");
    let rect = format!("{scope} svg rect");
    let row = format!("{scope} tbody tr");
    let cell = format!("{scope} tbody td");
    let settings = Settings::new()
        .append_element_content_handler(element!(&svg, |el| {
            let view_box = el.get_attribute("viewBox").unwrap_or_default();
            let numbers = view_box.split(' ').map(|n| n.parse().unwrap()).collect();
            found.borrow_mut().drawings.push((numbers, Vec::new()));
            Ok(())
        }))
        .append_element_content_handler(element!(&rect, |el| {
            let attrs = el
                .attributes()
                .iter()
                .map(|a| (a.name(), a.value()))
                .collect();
            found
                .borrow_mut()
                .drawings
                .last_mut()
                .unwrap()
                .1
                .push(attrs);
            Ok(())
        }))
        .append_element_content_handler(element!(&row, |el| {
            let key = el.get_attribute("data-key").unwrap();
            found.borrow_mut().rows.push((key, Vec::new()));
            Ok(())
        }))
        .append_element_content_handler(element!(&cell, |_| {
            found
                .borrow_mut()
                .rows
                .last_mut()
                .unwrap()
                .1
                .push(String::new());
            Ok(())
        }))
        .append_element_content_handler(text!(&cell, |t| {
            let mut found = found.borrow_mut();
            found
                .rows
                .last_mut()
                .unwrap()
                .1
                .last_mut()
                .unwrap()
                .push_str(t.as_str());
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter.write(html.as_bytes()).unwrap();
    rewriter.end().unwrap();
    found.into_inner()
}

fn number(text: &str) -> f64 {
    text.trim()
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

/// Asserts that a bar drawn `size` long out of `full` stands for `value` out of `max`.
fn in_proportion(size: &str, full: f64, value: f64, max: f64) {
    let expected = if max == 0.0 { 0.0 } else { value / max * full };
    assert!(
        (number(size) - expected).abs() < 0.01,
        "drawn {size} of {full}, for {value} of {max}"
    );
}

#[test]
fn the_pulse_page_s_tables_hold_the_figures_its_charts_draw() {
    let (site, _server) = site();
    // A second build an hour on, so the health chart has two builds to show.
    let mut settings = site.settings();
    settings.offline = false;
    settings.now += chrono::Duration::hours(1);
    common::run_build(&settings).unwrap();
    let html = site.read("pulse/index.html");

    // Posts per week: drawing i is column i of the table, bar by bar, week by week.
    let weekly = chart(&html, "weekly");
    assert_eq!(
        weekly.drawings.len(),
        3,
        "Department of Tests, Example Council, this site"
    );
    assert_eq!(weekly.rows.len(), 52);
    let table: HashMap<&str, &Vec<String>> =
        weekly.rows.iter().map(|(k, c)| (k.as_str(), c)).collect();
    let max = weekly
        .rows
        .iter()
        .flat_map(|(_, cells)| cells[..cells.len() - 1].iter().map(|c| number(c)))
        .fold(0.0, f64::max);
    let mut drawn = 0.0;
    for (i, (view_box, bars)) in weekly.drawings.iter().enumerate() {
        assert_eq!(bars.len(), 52);
        for bar in bars {
            let value = number(&bar["data-value"]);
            assert_eq!(
                number(&table[bar["data-key"].as_str()][i]),
                value,
                "{bar:?}"
            );
            in_proportion(&bar["height"], view_box[3], value, max);
            drawn += value;
        }
    }
    let totals: f64 = weekly
        .rows
        .iter()
        .map(|(_, c)| number(c.last().unwrap()))
        .sum();
    assert_eq!(drawn, totals, "every post in the year is drawn once");
    assert_eq!(
        drawn, 4.0,
        "three weeknotes and the local post; the others are older"
    );
    assert_eq!(table["2026-W47"], &["1", "1", "1", "3"]);

    // Streaks: bar j is row j: the filled bar the current run, the outline the longest.
    let streaks = chart(&html, "streaks");
    assert_eq!(streaks.rows.len(), 2);
    let longest = streaks
        .rows
        .iter()
        .map(|(_, c)| number(&c[1]))
        .fold(0.0, f64::max);
    for ((view_box, bars), (blog, cells)) in streaks.drawings.iter().zip(&streaks.rows) {
        let filled = bars.iter().find(|b| b["class"] == "chart-bar").unwrap();
        let outline = bars.iter().find(|b| b["class"] == "chart-outline").unwrap();
        assert_eq!(filled["data-value"], cells[0], "{blog}");
        assert_eq!(outline["data-outline"], cells[1], "{blog}");
        in_proportion(&filled["width"], view_box[2], number(&cells[0]), longest);
        in_proportion(&outline["width"], view_box[2], number(&cells[1]), longest);
    }
    assert_eq!(streaks.rows[0].0, "Alpha team");
    assert_eq!(streaks.rows[0].1[..3], ["2", "2", "2"]);

    // Quiet blogs: bar j is row j's days.
    let quiet = chart(&html, "quiet");
    let names: Vec<&str> = quiet.rows.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["Failla Wines", "Lwowska Fala"]);
    let most = quiet
        .rows
        .iter()
        .map(|(_, c)| number(&c[2]))
        .fold(0.0, f64::max);
    for ((view_box, bars), (_, cells)) in quiet.drawings.iter().zip(&quiet.rows) {
        assert_eq!(bars[0]["data-value"], cells[2]);
        in_proportion(&bars[0]["width"], view_box[2], number(&cells[2]), most);
    }

    // Feed health: drawing i is status column i, build by build.
    let health = chart(&html, "health");
    assert_eq!(health.drawings.len(), 5);
    assert_eq!(health.rows.len(), 2, "one row per build that fetched");
    let table: HashMap<&str, &Vec<String>> =
        health.rows.iter().map(|(k, c)| (k.as_str(), c)).collect();
    let max = health
        .rows
        .iter()
        .flat_map(|(_, c)| c.iter().map(|v| number(v)))
        .fold(0.0, f64::max);
    for (i, (view_box, bars)) in health.drawings.iter().enumerate() {
        assert_eq!(bars.len(), 2);
        for bar in bars {
            assert_eq!(
                table[bar["data-key"].as_str()][i],
                bar["data-value"],
                "{bar:?}"
            );
            in_proportion(&bar["height"], view_box[3], number(&bar["data-value"]), max);
        }
    }
    assert_eq!(
        health.rows[0].1,
        ["4", "0", "0", "0", "0"],
        "four feeds fetched, newest build first"
    );
}

/// The attributes of every element matching `selector`, in order.
fn elements(html: &str, selector: &str) -> Vec<Attributes> {
    let found = RefCell::new(Vec::new());
    let settings = Settings::new().append_element_content_handler(element!(selector, |el| {
        let decoded = |v: String| html_escape::decode_html_entities(&v).into_owned();
        found.borrow_mut().push(
            el.attributes()
                .iter()
                .map(|a| (a.name(), decoded(a.value())))
                .collect(),
        );
        Ok(())
    }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter.write(html.as_bytes()).unwrap();
    rewriter.end().unwrap();
    found.into_inner()
}

/// The text of every element matching `selector`, its spaces collapsed.
fn texts(html: &str, selector: &str) -> Vec<String> {
    let found: RefCell<Vec<String>> = RefCell::new(Vec::new());
    let settings = Settings::new()
        .append_element_content_handler(element!(selector, |_| {
            found.borrow_mut().push(String::new());
            Ok(())
        }))
        .append_element_content_handler(text!(selector, |t| {
            found.borrow_mut().last_mut().unwrap().push_str(t.as_str());
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter.write(html.as_bytes()).unwrap();
    rewriter.end().unwrap();
    found
        .into_inner()
        .into_iter()
        .map(|t| {
            html_escape::decode_html_entities(&t)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}
