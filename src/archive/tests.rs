//! The archive's own tests: what it keeps, how it migrates, how it knows a feed.

use super::*;
use crate::config::Config;

fn time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn incoming(id: &str, date: Option<&str>) -> Incoming {
    Incoming {
        post: Post {
            original_url: Some(format!("https://blog.example/{id}")),
            ..Post::sample(id, "2000-01-01T00:00:00Z")
        },
        date: date.map(|d| DateTime::parse_from_rfc3339(d).unwrap()),
    }
}

fn fetched(entries: Vec<Incoming>) -> Update {
    Update::Fetched {
        etag: Some("\"v1\"".to_string()),
        last_modified: None,
        final_url: "https://blog.example/feed".to_string(),
        moved: false,
        alias: None,
        entries,
    }
}

fn key() -> FeedKey {
    FeedKey("https://blog.example/feed".to_string())
}

fn ids(archive: &Archive) -> Vec<String> {
    archive
        .entries()
        .unwrap()
        .into_iter()
        .map(|s| s.post.id)
        .collect()
}

fn feeds(toml: &str) -> Vec<FeedConfig> {
    let text = format!("[site]\ntitle = \"T\"\nbase_url = \"https://example.org/\"\n{toml}");
    Config::parse(&text, Path::new("feeds.toml")).unwrap().feeds
}

#[test]
fn entries_that_leave_their_feed_stay() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::open(dir.path()).unwrap();
    let day1 = time("2026-01-01T00:00:00Z");
    let new = archive
        .record(
            day1,
            vec![(
                key(),
                fetched(vec![
                    incoming("a", Some("2025-12-31T10:00:00Z")),
                    incoming("b", None),
                ]),
            )],
        )
        .unwrap();
    assert_eq!(new[&key()], 2);
    let new = archive
        .record(
            time("2026-01-02T00:00:00Z"),
            vec![(key(), fetched(vec![incoming("c", None)]))],
        )
        .unwrap();
    assert_eq!(new[&key()], 1);
    drop(archive);
    let archive = Archive::open(dir.path()).unwrap();
    assert_eq!(ids(&archive), ["a", "b", "c"]);
    assert_eq!(
        archive.states().unwrap()[&key()].etag.as_deref(),
        Some("\"v1\"")
    );
}

#[test]
fn undated_and_future_entries_take_the_time_first_seen_for_good() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::open(dir.path()).unwrap();
    let seen = time("2026-01-01T00:00:00Z");
    let entries = || {
        vec![
            incoming("undated", None),
            incoming("future", Some("2030-01-01T00:00:00Z")),
        ]
    };
    archive
        .record(seen, vec![(key(), fetched(entries()))])
        .unwrap();
    archive
        .record(
            time("2026-02-01T00:00:00Z"),
            vec![(key(), fetched(entries()))],
        )
        .unwrap();
    for stored in archive.entries().unwrap() {
        assert_eq!(stored.post.published.to_utc(), seen, "{}", stored.post.id);
    }
}

#[test]
fn only_the_first_fetch_is_back_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::open(dir.path()).unwrap();
    archive
        .record(
            time("2026-01-01T00:00:00Z"),
            vec![(key(), fetched(vec![incoming("old", None)]))],
        )
        .unwrap();
    archive
        .record(
            time("2026-01-02T00:00:00Z"),
            vec![(key(), fetched(vec![incoming("fresh", None)]))],
        )
        .unwrap();
    let backlog: Vec<(String, bool)> = archive
        .entries()
        .unwrap()
        .into_iter()
        .map(|s| (s.post.id, s.backlog))
        .collect();
    assert_eq!(
        backlog,
        [("fresh".to_string(), false), ("old".to_string(), true)]
    );
}

#[test]
fn failures_keep_the_entries_and_record_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::open(dir.path()).unwrap();
    archive
        .record(
            time("2026-01-01T00:00:00Z"),
            vec![(key(), fetched(vec![incoming("a", None)]))],
        )
        .unwrap();
    archive
        .record(
            time("2026-01-02T00:00:00Z"),
            vec![(
                key(),
                Update::Failed {
                    error: "timed out".into(),
                    retry_after: None,
                },
            )],
        )
        .unwrap();
    let state = &archive.states().unwrap()[&key()];
    assert_eq!(state.status, Status::Failed);
    assert_eq!(state.error.as_deref(), Some("timed out"));
    assert_eq!(state.last_success, Some(time("2026-01-01T00:00:00Z")));
    assert_eq!(archive.entries().unwrap().len(), 1);
    assert_eq!(archive.counts().unwrap()[&key()], 1);
}

#[test]
fn a_feed_keeps_its_key_when_it_moves_and_its_url_is_edited() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::open(dir.path()).unwrap();
    let old = feeds("[[feeds]]\nname = \"Blog\"\nurl = \"https://blog.example/old.xml\"\n");
    let [first] = <[FeedKey; 1]>::try_from(archive.resolve(&old).unwrap()).unwrap();
    // The feed answers from /new.xml for good.
    archive
        .record(
            time("2026-01-01T00:00:00Z"),
            vec![(
                first.clone(),
                Update::NotModified {
                    final_url: "https://blog.example/new.xml".into(),
                    moved: true,
                    alias: Some("https://blog.example/new.xml".into()),
                },
            )],
        )
        .unwrap();
    // Its owner edits the address, and renames the blog in the same edit.
    let moved = feeds("[[feeds]]\nname = \"The Blog\"\nurl = \"https://blog.example/new.xml\"\n");
    assert_eq!(archive.resolve(&moved).unwrap()[0], first);
    // An address edited by hand, with no redirect seen, keeps the blog by its name.
    let edited = feeds("[[feeds]]\nname = \"The Blog\"\nurl = \"https://feeds.example/blog\"\n");
    assert_eq!(archive.resolve(&edited).unwrap()[0], first);
    // Another blog is another feed.
    let two = feeds(
        "[[feeds]]\nname = \"The Blog\"\nurl = \"https://feeds.example/blog\"\n\
         [[feeds]]\nname = \"Other\"\nurl = \"https://blog.example/old.xml\"\n",
    );
    let keys = archive.resolve(&two).unwrap();
    assert_eq!(keys[0], first);
    assert_ne!(keys[1], first);
}

#[test]
fn an_archive_of_version_1_split_by_a_move_is_joined() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE feeds (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT,
            final_url TEXT, status TEXT NOT NULL, error TEXT, last_attempt TEXT,
            last_success TEXT, first_fetched TEXT, retry_after TEXT);
         CREATE TABLE entries (feed_url TEXT NOT NULL, id TEXT NOT NULL,
            first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, backlog INTEGER NOT NULL,
            post TEXT NOT NULL, PRIMARY KEY (feed_url, id));
         PRAGMA user_version = 1;",
    )
    .unwrap();
    let post = |id: &str| serde_json::to_string(&incoming(id, None).post).unwrap();
    let (old, new) = (
        "https://blog.example/old.xml",
        "https://blog.example/new.xml",
    );
    conn.execute(
        "INSERT INTO feeds (url, final_url, status, etag) VALUES (?1, ?2, 'moved', 'a')",
        params![old, new],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO feeds (url, final_url, status, etag) VALUES (?1, ?1, 'ok', 'b')",
        params![new],
    )
    .unwrap();
    for (feed, id) in [
        (old, "first"),
        (old, "second"),
        (new, "second"),
        (new, "third"),
    ] {
        conn.execute(
            "INSERT INTO entries VALUES (?1, ?2, '2026-01-01T00:00:00Z',
             '2026-01-01T00:00:00Z', 0, ?3)",
            params![feed, id, post(id)],
        )
        .unwrap();
    }
    drop(conn);
    let mut archive = Archive::open(dir.path()).unwrap();
    assert_eq!(ids(&archive), ["first", "second", "third"]);
    let configured = feeds(&format!("[[feeds]]\nname = \"Blog\"\nurl = \"{new}\"\n"));
    let keys = archive.resolve(&configured).unwrap();
    assert_eq!(keys, [FeedKey(old.to_string())]);
    assert_eq!(archive.counts().unwrap()[&keys[0]], 3);
    assert_eq!(
        archive.states().unwrap()[&keys[0]].etag.as_deref(),
        Some("b")
    );
}

#[test]
fn a_retitled_entry_keeps_its_first_slug_and_undated_ones_are_dated_to_the_second() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::open(dir.path()).unwrap();
    let seen = DateTime::parse_from_rfc3339("2026-01-01T10:00:00.123456789Z")
        .unwrap()
        .to_utc();
    archive
        .record(seen, vec![(key(), fetched(vec![incoming("a", None)]))])
        .unwrap();
    let mut retitled = incoming("a", None);
    retitled.post.title = "A new title".into();
    retitled.post.slug = "a-new-title".into();
    archive
        .record(
            time("2026-01-02T00:00:00Z"),
            vec![(key(), fetched(vec![retitled]))],
        )
        .unwrap();
    let stored = &archive.entries().unwrap()[0].post;
    assert_eq!(stored.title, "A new title");
    assert_eq!(stored.slug, "a", "its address stays");
    assert_eq!(stored.published.to_rfc3339(), "2026-01-01T10:00:00+00:00");
}

#[test]
fn an_entry_keeps_its_enclosures_and_image() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::open(dir.path()).unwrap();
    let mut entry = incoming("episode", Some("2026-01-01T00:00:00Z"));
    entry.post.enclosures = vec![crate::post::Enclosure {
        url: "https://cdn.example/e1.mp3".into(),
        media_type: Some("audio/mpeg".into()),
        length: Some(24_000_000),
        duration: Some(1800),
    }];
    entry.post.image = Some(crate::post::Image {
        url: "https://cdn.example/e1.jpg".into(),
        alt: Some("The presenters".into()),
        width: Some(640),
        height: Some(360),
    });
    let expected = (entry.post.enclosures.clone(), entry.post.image.clone());
    archive
        .record(
            time("2026-01-02T00:00:00Z"),
            vec![(key(), fetched(vec![entry]))],
        )
        .unwrap();
    drop(archive);
    let stored = Archive::open(dir.path())
        .unwrap()
        .entries()
        .unwrap()
        .remove(0);
    assert_eq!((stored.post.enclosures, stored.post.image), expected);
}

fn build_health(at: &str, ok: usize) -> crate::health::BuildHealth {
    crate::health::BuildHealth {
        at: time(at),
        ok,
        not_modified: 1,
        moved: 0,
        failed: 2,
        gone: 0,
    }
}

#[test]
fn a_damaged_archive_is_reported_and_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::open(dir.path()).unwrap();
    let many: Vec<Incoming> = (0..300)
        .map(|i| {
            let mut entry = incoming(&format!("entry-{i}"), None);
            entry.post.content = "words ".repeat(200);
            entry
        })
        .collect();
    archive
        .record(time("2026-01-01T00:00:00Z"), vec![(key(), fetched(many))])
        .unwrap();
    drop(archive);
    let path = dir.path().join(FILE_NAME);
    let whole = std::fs::read(&path).unwrap();
    for (how, bytes) in [
        ("truncated", whole[..whole.len() / 2].to_vec()),
        ("emptied", Vec::new()),
        ("overwritten", vec![b'x'; 8192]),
    ] {
        std::fs::write(&path, &bytes).unwrap();
        let err = Archive::open(dir.path()).unwrap_err();
        assert!(matches!(err, ArchiveError::Damaged { .. }), "{how}: {err}");
        assert!(err.to_string().contains("roundup import"), "{how}: {err}");
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{how}: left as it is");
    }
}

#[test]
fn the_health_of_builds_is_kept_oldest_first_and_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::open(dir.path()).unwrap();
    let start = time("2026-01-01T00:00:00Z");
    for hour in (0..BUILDS_KEPT as i64 + 5).rev() {
        let at = (start + chrono::Duration::hours(hour)).to_rfc3339();
        archive
            .record_build(&build_health(&at, hour as usize))
            .unwrap();
    }
    // The same moment twice is one build.
    let last = (start + chrono::Duration::hours(BUILDS_KEPT as i64 + 4)).to_rfc3339();
    archive.record_build(&build_health(&last, 999)).unwrap();
    drop(archive);
    let builds = Archive::open(dir.path()).unwrap().builds().unwrap();
    assert_eq!(builds.len(), BUILDS_KEPT);
    assert_eq!(builds[0].ok, 5, "the oldest five are forgotten");
    assert!(builds.windows(2).all(|w| w[0].at < w[1].at));
    assert_eq!(builds.last().unwrap().ok, 999);
    assert_eq!(builds.last().unwrap().failed, 2);
}

#[test]
fn an_archive_of_version_2_gains_the_build_history_and_keeps_its_entries() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut archive = Archive::open(dir.path()).unwrap();
        archive
            .record(
                time("2026-01-01T00:00:00Z"),
                vec![(key(), fetched(vec![incoming("a", None)]))],
            )
            .unwrap();
    }
    // Back to version 2, as an older roundup left it.
    let conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
    conn.execute_batch("DROP TABLE builds; PRAGMA user_version = 2;")
        .unwrap();
    drop(conn);
    let mut archive = Archive::open(dir.path()).unwrap();
    assert_eq!(ids(&archive), ["a"]);
    assert!(archive.builds().unwrap().is_empty());
    archive
        .record_build(&build_health("2026-01-02T00:00:00Z", 3))
        .unwrap();
    assert_eq!(archive.builds().unwrap().len(), 1);
    let version: i64 = archive
        .conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, schema::VERSION);
}

#[test]
fn rows_restore_into_an_empty_archive_exactly_and_merge_by_address() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::open(dir.path()).unwrap();
    archive
        .record(
            time("2026-01-01T00:00:00Z"),
            vec![(
                key(),
                fetched(vec![incoming("a", None), incoming("b", None)]),
            )],
        )
        .unwrap();
    let feeds = archive.feed_rows().unwrap();
    let mut entries = Vec::new();
    archive
        .each_entry(|row| -> Result<(), ArchiveError> {
            entries.push(row);
            Ok(())
        })
        .unwrap();

    let other = tempfile::tempdir().unwrap();
    let mut restored = Archive::open(other.path()).unwrap();
    let into = |archive: &mut Archive, mode| {
        archive.restore(
            mode,
            &feeds,
            entries.iter().cloned().map(Ok::<_, ArchiveError>),
        )
    };
    let done = into(&mut restored, Restore::IntoEmpty).unwrap();
    assert_eq!((done.feeds_added, done.entries_added), (1, 2));
    assert_eq!(restored.feed_rows().unwrap(), feeds);
    assert_eq!(restored.entries().unwrap(), archive.entries().unwrap());
    assert!(matches!(
        into(&mut restored, Restore::IntoEmpty),
        Err(ArchiveError::NotEmpty { entries: 2, .. })
    ));

    // Another archive knows the feed under another key, by one of its addresses.
    let third = tempfile::tempdir().unwrap();
    let mut known = Archive::open(third.path()).unwrap();
    let mut moved = feeds.clone();
    moved[0].key = "https://old.example/feed".into();
    moved[0].addresses = vec![
        "https://old.example/feed".into(),
        "https://blog.example/feed".into(),
    ];
    known
        .restore(
            Restore::IntoEmpty,
            &moved,
            std::iter::empty::<Result<EntryRow, ArchiveError>>(),
        )
        .unwrap();
    let merged = known
        .restore(
            Restore::Merge,
            &feeds,
            entries.iter().cloned().map(Ok::<_, ArchiveError>),
        )
        .unwrap();
    assert_eq!((merged.feeds_known, merged.entries_added), (1, 2));
    assert!(
        known
            .entries()
            .unwrap()
            .iter()
            .all(|s| s.post.source == Source::Feed(FeedKey("https://old.example/feed".into())))
    );
}
