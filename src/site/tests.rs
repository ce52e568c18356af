//! Tests of the site model.

use super::*;
use chrono::DateTime;
use std::path::Path;

fn config(extra: &str) -> Config {
    let text = format!(
        "[site]\ntitle = \"T\"\nbase_url = \"https://example.org/\"\n{extra}\n\
         [[feeds]]\nname = \"Blog One\"\nurl = \"https://one.example/feed\"\ntags = [\"Feed Tag\"]\n"
    );
    Config::parse(&text, Path::new("feeds.toml")).unwrap()
}

fn post(id: &str, date: &str, tags: &[&str]) -> Post {
    Post {
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..Post::sample(id, date)
    }
}

fn remote(id: &str, title: &str, date: &str) -> Post {
    Post {
        source: Source::Feed(FeedKey("https://one.example/feed".to_string())),
        slug: slugify(title),
        title: title.to_string(),
        ..post(id, date, &[])
    }
}

fn all() -> Selection {
    Selection {
        drafts: true,
        future: true,
        now: Utc::now(),
    }
}

/// The blog roll's health as a refresh gives it: each feed keyed by its address.
fn health(config: &Config) -> Vec<FeedHealth> {
    config
        .feeds
        .iter()
        .map(|f| {
            let url = f.url().as_str();
            FeedHealth::remembered(f.name(), url, FeedKey(url.to_string()), None, 0)
        })
        .collect()
}

fn select(config: &Config, posts: Vec<Post>, selection: Selection) -> Site {
    let (remote, local): (Vec<Post>, Vec<Post>) = posts.into_iter().partition(Post::is_remote);
    let remote = remote
        .into_iter()
        .map(|post| Stored {
            post,
            backlog: false,
        })
        .collect();
    build(config, local, remote, &health(config), &[], selection)
}

fn make(config: &Config, posts: Vec<Post>) -> Site {
    select(config, posts, all())
}

#[test]
fn posts_are_newest_first_with_ties_broken_by_id() {
    let site = make(
        &config(""),
        vec![
            post("b", "2026-01-01T00:00:00Z", &[]),
            post("c", "2026-02-01T00:00:00Z", &[]),
            post("a", "2026-01-01T00:00:00Z", &[]),
        ],
    );
    let ids: Vec<_> = site.posts.iter().map(|p| p.post.id.as_str()).collect();
    assert_eq!(ids, ["c", "a", "b"]);
}

#[test]
fn terms_merge_spellings_and_show_the_most_common() {
    let site = make(
        &config(""),
        vec![
            post("a", "2026-01-01T00:00:00Z", &["User Research"]),
            post("b", "2026-01-02T00:00:00Z", &["user research"]),
            post("c", "2026-01-03T00:00:00Z", &["user  research", "Other"]),
        ],
    );
    let names: Vec<_> = site.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Other", "user research"]);
    assert_eq!(site.tags[1].posts.len(), 3);
    assert_eq!(site.tags[1].path, "tags/user-research/");
}

#[test]
fn aliases_and_min_posts_shape_the_terms() {
    let site = make(
        &config("[taxonomies]\nmin_posts = 2\n[taxonomies.aliases]\na11y = \"accessibility\"\n"),
        vec![
            post("a", "2026-01-01T00:00:00Z", &["A11y", "rare"]),
            post("b", "2026-01-02T00:00:00Z", &["Accessibility"]),
        ],
    );
    let a11y = site
        .tags
        .iter()
        .find(|t| t.path == "tags/accessibility/")
        .unwrap();
    assert_eq!(a11y.posts.len(), 2);
    assert!(a11y.has_page);
    let rare = site.tags.iter().find(|t| t.path == "tags/rare/").unwrap();
    assert!(!rare.has_page);
}

#[test]
fn drafts_and_future_posts_need_their_flags() {
    let mut draft = post("draft", "2026-01-01T00:00:00Z", &[]);
    draft.draft = true;
    let future = post("future", "2099-01-01T00:00:00Z", &[]);
    let now = DateTime::parse_from_rfc3339("2026-06-01T00:00:00Z")
        .unwrap()
        .to_utc();
    let pick = |drafts, future_flag| {
        let selection = Selection {
            drafts,
            future: future_flag,
            now,
        };
        select(&config(""), vec![draft.clone(), future.clone()], selection)
            .posts
            .len()
    };
    assert_eq!(pick(false, false), 0);
    assert_eq!(pick(true, false), 1);
    assert_eq!(pick(false, true), 1);
    assert_eq!(pick(true, true), 2);
}

#[test]
fn remote_posts_with_one_title_get_stable_distinct_paths() {
    let older = remote("r1", "Weeknotes", "2026-01-01T00:00:00Z");
    let newer = remote("r2", "Weeknotes", "2026-01-08T00:00:00Z");
    let site = make(&config(""), vec![older.clone()]);
    assert_eq!(site.posts[0].path, "posts/blog-one/weeknotes/");
    let site = make(&config(""), vec![newer, older]);
    assert_eq!(site.posts[1].path, "posts/blog-one/weeknotes/");
    assert_eq!(site.posts[0].path, "posts/blog-one/weeknotes-2026-01-08/");
    // The feed's configured tags reach its posts.
    assert_eq!(site.tag(site.posts[0].tags[0]).name, "Feed Tag");
}

#[test]
fn posts_of_feeds_no_longer_configured_are_left_out() {
    let mut gone = remote("g", "Gone", "2026-01-01T00:00:00Z");
    gone.source = Source::Feed(FeedKey("https://removed.example/feed".to_string()));
    let site = make(&config(""), vec![gone]);
    assert!(site.posts.is_empty());
}

#[test]
fn the_archive_groups_by_month_in_the_site_time_zone() {
    // 23:30 UTC on 31 July is 00:30 on 1 August in London.
    let site = make(
        &config(""),
        vec![
            post("a", "2026-07-31T23:30:00Z", &[]),
            post("b", "2025-12-01T12:00:00Z", &[]),
        ],
    );
    assert_eq!(site.years.len(), 2);
    assert_eq!(site.years[0].months[0].month, 8);
    assert_eq!(site.years[1].year, 2025);
}

#[test]
fn an_excerpt_only_feed_publishes_only_its_summary() {
    let text = "[site]\ntitle = \"T\"\nbase_url = \"https://example.org/\"\n\
         [[feeds]]\nname = \"Blog One\"\nurl = \"https://one.example/feed\"\nexcerpt_only = true\n";
    let config = Config::parse(text, Path::new("feeds.toml")).unwrap();
    let mut post = remote("r", "Title", "2026-01-01T00:00:00Z");
    post.summary = "<p>The gist.</p>".into();
    post.text = "The whole of a long post, not to be republished.".into();
    let local = post_with_text("l", "Also long and local.");
    let site = make(&config, vec![post, local]);
    let remote = site.posts.iter().find(|p| p.post.id == "r").unwrap();
    assert!(!remote.full_text);
    assert_eq!(remote.searchable_text(), "The gist.");
    let local = site.posts.iter().find(|p| p.post.id == "l").unwrap();
    assert!(local.full_text);
    assert_eq!(local.searchable_text(), "Also long and local.");
}

fn post_with_text(id: &str, text: &str) -> Post {
    Post {
        text: text.into(),
        ..post(id, "2026-01-02T00:00:00Z", &[])
    }
}

#[test]
fn a_new_blogs_back_catalogue_stays_off_the_home_page() {
    let config = config("");
    let remote: Vec<Stored> = (1..=8)
        .map(|n| Stored {
            post: remote(
                &format!("old{n}"),
                &format!("Old {n}"),
                &format!("2025-01-0{n}T00:00:00Z"),
            ),
            backlog: true,
        })
        .chain([Stored {
            post: remote("fresh", "Fresh", "2026-01-02T00:00:00Z"),
            backlog: false,
        }])
        .collect();
    let site = build(&config, vec![], remote, &health(&config), &[], all());
    let home: Vec<&str> = site
        .home
        .iter()
        .map(|&i| site.post(i).post.id.as_str())
        .collect();
    // The five newest of the back catalogue, and every post that came later.
    assert_eq!(home, ["fresh", "old8", "old7", "old6", "old5", "old4"]);
    assert_eq!(site.sources[0].posts.len(), 9);
}

#[test]
fn a_weekly_series_makes_its_posts_weeknotes_even_when_a_title_does_not_say() {
    let titles = [
        "Week 461",
        "Week 462",
        "Week 463: budget season",
        "Week 464",
        "Week 465",
    ];
    let posts = titles
        .iter()
        .enumerate()
        .map(|(n, title)| {
            let day = DateTime::parse_from_rfc3339("2026-03-06T17:00:00Z").unwrap()
                + chrono::Duration::weeks(n as i64);
            remote(&format!("w{n}"), title, &day.to_rfc3339())
        })
        .chain([remote("other", "A talk we gave", "2026-03-10T12:00:00Z")])
        .collect();
    let site = make(&config(""), posts);
    let source = &site.sources[0];
    assert_eq!(
        source.weeknotes_since.map(|d| d.to_rfc3339()).as_deref(),
        Some("2026-03-06T17:00:00+00:00")
    );
    for post in &site.posts {
        assert_eq!(
            post.weeknote.is_some(),
            post.post.id != "other",
            "{}",
            post.post.title
        );
    }
}

#[test]
fn a_weeknotes_tag_on_a_post_about_weeknotes_files_it_under_the_topic_only() {
    let about = Post {
        title: "What are weeknotes?".into(),
        tags: vec!["Weeknotes".into()],
        ..Post::sample("about", "2026-01-05T10:00:00Z")
    };
    let site = make(&config(""), vec![about]);
    assert!(site.posts[0].weeknote.is_none());
    assert_eq!(site.tag(site.posts[0].tags[0]).name, "Weeknotes");
}

#[test]
fn a_feeds_weeknotes_tag_makes_its_posts_weeknotes() {
    let config = config("");
    // The test feed is configured with the tag "Feed Tag"; this one says weeknotes.
    let mut tagged = config.clone();
    tagged.feeds[0].tags = vec!["Weeknotes".into()];
    let post = remote("r", "A tough week", "2026-01-05T10:00:00Z");
    assert!(
        make(&config, vec![post.clone()]).posts[0]
            .weeknote
            .is_none()
    );
    assert!(make(&tagged, vec![post]).posts[0].weeknote.is_some());
}

#[test]
fn every_blog_knows_its_organisation() {
    let text = "[site]\ntitle = \"T\"\nbase_url = \"https://example.org/\"\n\
         [[feeds]]\nname = \"A\"\nurl = \"https://a.example/feed\"\norganisation = \"GDS\"\n\
         [[feeds]]\nname = \"B\"\nurl = \"https://b.example/feed\"\norganisation = \"gds \"\n\
         [[feeds]]\nname = \"C\"\nurl = \"https://c.example/feed\"\n";
    let config = Config::parse(text, Path::new("feeds.toml")).unwrap();
    let site = make(&config, vec![]);
    assert_eq!(site.organisations.len(), 1);
    let gds = &site.organisations[0];
    assert_eq!(gds.path, "organisations/gds/");
    assert_eq!(gds.sources, [SourceIx(0), SourceIx(1)]);
    assert_eq!(
        site.organisation_of(&site.sources[1])
            .map(|o| o.name.as_str()),
        Some("GDS")
    );
    assert!(site.organisation_of(&site.sources[2]).is_none());
    assert_eq!(site.sources[2].path, "sources/c/");
}

#[test]
fn a_local_post_is_in_the_sites_first_language_unless_it_says_not() {
    let text = "[site]\ntitle = \"T\"\nbase_url = \"https://example.org/\"\nlanguages = [\"en-GB\", \"cy\"]\n";
    let config = Config::parse(text, Path::new("feeds.toml")).unwrap();
    let welsh = Post {
        language: Some("cy".into()),
        ..post("cy", "2026-01-02T00:00:00Z", &[])
    };
    let site = make(
        &config,
        vec![post("en", "2026-01-01T00:00:00Z", &[]), welsh],
    );
    let language = |id: &str| {
        site.posts
            .iter()
            .find(|p| p.post.id == id)
            .and_then(|p| p.post.language.clone())
    };
    assert_eq!(language("en").as_deref(), Some("en-GB"));
    assert_eq!(language("cy").as_deref(), Some("cy"));
}

fn by(id: &str, date: &str, authors: &[&str]) -> Post {
    Post {
        authors: authors.iter().map(|a| a.to_string()).collect(),
        ..post(id, date, &[])
    }
}

#[test]
fn authors_merge_spellings_and_aliases_across_blogs_and_keep_each_post_s_order() {
    let text = "[site]\ntitle = \"T\"\nbase_url = \"https://example.org/\"\n\
         [authors.aliases]\njbloggs = \"Jo Bloggs\"\n\
         [[feeds]]\nname = \"Blog One\"\nurl = \"https://one.example/feed\"\n\
         [[feeds]]\nname = \"Blog Two\"\nurl = \"https://two.example/feed\"\n";
    let config = Config::parse(text, Path::new("feeds.toml")).unwrap();
    let mut two = Post {
        authors: vec!["JBloggs".into(), "Sam  Example".into()],
        ..remote("t", "From two", "2026-01-03T00:00:00Z")
    };
    two.source = Source::Feed(FeedKey("https://two.example/feed".into()));
    let one = Post {
        authors: vec!["jo bloggs".into()],
        ..remote("o", "From one", "2026-01-02T00:00:00Z")
    };
    let local = by("l", "2026-01-01T00:00:00Z", &["Jo Bloggs", "jo bloggs"]);
    let site = make(&config, vec![two, one, local]);
    let names: Vec<&str> = site.authors.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["Jo Bloggs", "Sam Example"]);
    let jo = &site.authors[0];
    assert_eq!(jo.path, "authors/jo-bloggs/");
    assert_eq!(
        jo.posts.len(),
        3,
        "one page across both blogs and this site"
    );
    let from_two = site.posts.iter().find(|p| p.post.id == "t").unwrap();
    let named: Vec<&str> = from_two
        .authors
        .iter()
        .map(|&a| site.author(a).name.as_str())
        .collect();
    assert_eq!(named, ["Jo Bloggs", "Sam Example"]);
    let local = site.posts.iter().find(|p| p.post.id == "l").unwrap();
    assert_eq!(local.authors.len(), 1, "a name twice is one author");
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn on(now: &str) -> Selection {
    Selection {
        drafts: false,
        future: false,
        now: at(now),
    }
}

#[test]
fn the_pulse_counts_posts_per_week_by_organisation_over_the_last_year() {
    let text = "[site]\ntitle = \"T\"\nbase_url = \"https://example.org/\"\n\
         [[feeds]]\nname = \"A\"\nurl = \"https://a.example/feed\"\norganisation = \"GDS\"\n\
         [[feeds]]\nname = \"B\"\nurl = \"https://b.example/feed\"\n";
    let config = Config::parse(text, Path::new("feeds.toml")).unwrap();
    let from = |feed: &str, id: &str, date: &str| Post {
        source: Source::Feed(FeedKey(format!("https://{feed}.example/feed"))),
        ..post(id, date, &[])
    };
    let posts = vec![
        from("a", "a1", "2026-11-23T09:00:00Z"), // Monday of the build's week
        from("a", "a2", "2026-11-24T09:00:00Z"),
        from("a", "a3", "2026-11-16T09:00:00Z"), // the week before
        from("a", "old", "2025-11-20T09:00:00Z"), // more than 52 weeks ago
        from("b", "b1", "2026-11-17T09:00:00Z"),
        post("local", "2026-01-05T09:00:00Z", &[]),
    ];
    let site = select(&config, posts, on("2026-11-24T12:00:00Z"));
    let pulse = &site.pulse;
    assert_eq!(pulse.weeks.len(), pulse::WEEKS);
    assert_eq!(pulse.weeks.last().unwrap().week(), 48);
    assert_eq!((pulse.weeks[0].year(), pulse.weeks[0].week()), (2025, 49));
    let groups: Vec<(pulse::Group, usize)> = pulse
        .by_group
        .iter()
        .map(|g| (g.group, g.total()))
        .collect();
    assert_eq!(
        groups,
        [
            (pulse::Group::Organisation(OrgIx(0)), 3),
            (pulse::Group::Unaffiliated, 1),
            (pulse::Group::Local, 1),
        ]
    );
    let gds = &pulse.by_group[0].posts;
    assert_eq!((gds[51], gds[50]), (2, 1));
    assert_eq!(
        pulse.by_group[2].posts[5], 1,
        "2026-W02 is the sixth week charted"
    );
}

#[test]
fn more_organisations_than_the_chart_holds_are_summed_as_others() {
    let mut text = String::from("[site]\ntitle = \"T\"\nbase_url = \"https://example.org/\"\n");
    let mut posts = Vec::new();
    for n in 0..pulse::TOP_ORGANISATIONS + 3 {
        text.push_str(&format!(
            "[[feeds]]\nname = \"Blog {n}\"\nurl = \"https://b{n}.example/feed\"\norganisation = \"Org {n:02}\"\n"
        ));
        // Org 00 writes one post, Org 01 two, ...: the busiest are the last ones.
        for i in 0..=n {
            posts.push(Post {
                source: Source::Feed(FeedKey(format!("https://b{n}.example/feed"))),
                ..post(&format!("{n}-{i}"), "2026-11-20T09:00:00Z", &[])
            });
        }
    }
    let config = Config::parse(&text, Path::new("feeds.toml")).unwrap();
    let site = select(&config, posts, on("2026-11-24T12:00:00Z"));
    let groups = &site.pulse.by_group;
    assert_eq!(groups.len(), pulse::TOP_ORGANISATIONS + 1);
    let pulse::Group::Organisation(busiest) = groups[0].group else {
        panic!("{:?}", groups[0])
    };
    assert_eq!(site.organisation(busiest).name, "Org 12");
    assert_eq!(groups.last().unwrap().group, pulse::Group::Others(3));
    assert_eq!(groups.last().unwrap().total(), 1 + 2 + 3);
}

#[test]
fn weeknote_streaks_run_up_to_this_week_or_last_and_quiet_blogs_are_found() {
    let text = "[site]\ntitle = \"T\"\nbase_url = \"https://example.org/\"\n\
         [[feeds]]\nname = \"Steady\"\nurl = \"https://s.example/feed\"\nweeknotes = true\n\
         [[feeds]]\nname = \"Lapsed\"\nurl = \"https://l.example/feed\"\nweeknotes = true\n\
         [[feeds]]\nname = \"Never\"\nurl = \"https://n.example/feed\"\n\
         [[feeds]]\nname = \"Off\"\nurl = \"https://o.example/feed\"\nenabled = false\n";
    let config = Config::parse(text, Path::new("feeds.toml")).unwrap();
    let from = |feed: &str, id: &str, date: DateTime<Utc>| Post {
        source: Source::Feed(FeedKey(format!("https://{feed}.example/feed"))),
        ..post(id, &date.to_rfc3339(), &[])
    };
    let friday = at("2026-11-20T16:00:00Z"); // last week's Friday; this week has no note yet
    let mut posts: Vec<Post> = (0..4)
        .map(|n| from("s", &format!("s{n}"), friday - chrono::Duration::weeks(n)))
        .collect();
    // Two earlier runs, of three and of five weeks, a gap between.
    posts.extend((6..9).map(|n| from("s", &format!("s{n}"), friday - chrono::Duration::weeks(n))));
    posts
        .extend((10..15).map(|n| from("s", &format!("s{n}"), friday - chrono::Duration::weeks(n))));
    posts
        .extend((20..22).map(|n| from("l", &format!("l{n}"), friday - chrono::Duration::weeks(n))));
    posts.push(from("o", "o1", at("2025-01-01T00:00:00Z")));
    let site = select(&config, posts, on("2026-11-24T12:00:00Z"));
    let streaks: Vec<(&str, usize, usize, usize)> = site
        .pulse
        .streaks
        .iter()
        .map(|s| {
            (
                site.source(s.source).feed.name(),
                s.current,
                s.longest,
                s.weeks,
            )
        })
        .collect();
    assert_eq!(streaks, [("Steady", 4, 5, 12), ("Lapsed", 0, 2, 2)]);
    let quiet: Vec<(&str, i64)> = site
        .pulse
        .quiet
        .iter()
        .map(|q| (site.source(q.source).feed.name(), q.days))
        .collect();
    // Lapsed last wrote 20 weeks before last Friday: 143 days before the build. Off is disabled.
    assert_eq!(quiet, [("Lapsed", 143)]);
    assert_eq!(site.pulse.silent, [SourceIx(2)]);
}

#[test]
fn a_post_s_image_and_enclosures_are_settled_by_the_model() {
    let mut post = post("p", "2026-01-01T00:00:00Z", &[]);
    post.image = Some(crate::post::Image {
        url: "/img/lead.png".into(),
        alt: Some("lead.png".into()),
        width: None,
        height: None,
    });
    post.enclosures = vec![crate::post::Enclosure {
        url: "javascript:alert(1)".into(),
        media_type: Some("audio/mpeg".into()),
        length: None,
        duration: None,
    }];
    let site = make(
        &config("image = \"card.png\"\nimage_alt = \"Our logo\"\n"),
        vec![post],
    );
    let image = site.posts[0].image.as_ref().unwrap();
    assert_eq!(image.src, ImageSrc::Site("img/lead.png".into()));
    assert_eq!(image.alt, None, "a file name is no alternative text");
    assert!(site.posts[0].post.enclosures.is_empty());
    let card = site.image.as_ref().unwrap();
    assert_eq!(card.src, ImageSrc::Site("card.png".into()));
    assert_eq!(card.alt.as_deref(), Some("Our logo"));
}
