//! Export and restore: an archive exported and imported into an empty site builds the same site,
//! byte for byte, from the full export and from the copy the site publishes; an import never
//! half happens; and a build refuses to publish a site that has lost posts.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::server::{Reply, Server};
use common::{TestSite, run_build, snapshot};
use roundup::cmd::CommandError;
use roundup::cmd::build::BuildError;
use roundup::cmd::export::{self, ExportSettings};
use roundup::cmd::import::{self, ImportSettings};
use roundup::export::{ExportError, Scope};
use roundup::published::PublishedError;

const ATOM: &str = "application/atom+xml";

/// An Atom feed whose entries carry everything a post can: offsets, updates, authors,
/// categories, summaries apart from content.
fn atom(round: usize, blog: &str) -> String {
    let ids: &[usize] = if round == 1 { &[1, 2, 3] } else { &[3, 4] };
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">\
         <title>{blog}</title><id>urn:{blog}</id><updated>2026-11-20T10:00:00Z</updated>"
    );
    for n in ids {
        xml.push_str(&format!(
            "<entry><id>urn:{blog}:{n}</id><title>{blog} post {n}</title>\
             <link rel=\"alternate\" href=\"https://{blog}.example/{n}\"/>\
             <published>2026-11-1{n}T09:30:00+05:30</published><updated>2026-11-1{n}T18:00:00-08:00</updated>\
             <author><name>Author {n}</name></author><category term=\"Topic {n}\"/><category term=\"weeknotes\"/>\
             <summary>The gist of {blog} {n}.</summary>\
             <content type=\"html\">&lt;p&gt;The whole of {blog} {n}, with &lt;a href=\"/rel\"&gt;a link&lt;/a&gt; and words only its page has: WHOLE-{blog}-{n}.&lt;/p&gt;</content>\
             </entry>"
        ));
    }
    xml.push_str("</feed>");
    xml
}

/// A site with local posts (one a draft) and two blogs, one set excerpt_only, fetched twice so
/// that some posts have left their feeds and live only in the archive.
fn archived_site() -> (TestSite, Server) {
    let round = Arc::new(AtomicUsize::new(1));
    let server = {
        let round = Arc::clone(&round);
        Server::start(move |req| {
            let blog = req.path.trim_start_matches('/');
            Reply::ok(ATOM, atom(round.load(Ordering::SeqCst), blog))
        })
    };
    let site = TestSite::new(&format!(
        "[fetch]\ntimeout = 5\nnew_feed_items = 2\n\
         [[feeds]]\nname = \"Open blog\"\nurl = \"{}\"\ntags = [\"open\"]\n\
         [[feeds]]\nname = \"Excerpt blog\"\nurl = \"{}\"\nexcerpt_only = true\n",
        server.url("/open"),
        server.url("/excerpt")
    ));
    site.post(
        "local-one",
        "2026-11-02T09:30:00+05:30",
        "tags: [local]\n",
        "A local post.",
    );
    site.post("local-draft", "2026-11-03", "draft: true\n", "Not yet.");
    let mut settings = site.settings();
    settings.offline = false;
    settings.backoff = Some(std::time::Duration::from_millis(10));
    run_build(&settings).unwrap();
    round.store(2, Ordering::SeqCst);
    settings.now += chrono::Duration::hours(1);
    run_build(&settings).unwrap();
    (site, server)
}

/// The same site's sources (feeds.toml, content/) in a new folder, with no archive or output.
fn fresh_copy(site: &TestSite) -> TestSite {
    let copy = TestSite::new("");
    std::fs::copy(
        site.root().join("feeds.toml"),
        copy.root().join("feeds.toml"),
    )
    .unwrap();
    for entry in std::fs::read_dir(site.root().join("content")).unwrap() {
        let entry = entry.unwrap();
        let to = copy.root().join("content").join(entry.file_name());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(entry.path(), to).unwrap();
    }
    copy
}

fn export_of(site: &TestSite, scope: Scope) -> Vec<u8> {
    let settings = ExportSettings {
        root: site.root().to_path_buf(),
        scope,
        now: common::now(),
        lock_timeout: std::time::Duration::from_secs(5),
    };
    let mut out = Vec::new();
    export::run(&settings, &mut out, &|_| {}).unwrap();
    out
}

fn import_into(
    site: &TestSite,
    file: &Path,
    merge: bool,
) -> Result<roundup::export::Imported, CommandError> {
    import::run(
        &ImportSettings {
            root: site.root().to_path_buf(),
            file: file.to_path_buf(),
            merge,
            lock_timeout: std::time::Duration::from_secs(5),
        },
        &|_| {},
    )
}

#[test]
fn an_export_imported_into_an_empty_site_builds_the_same_site_byte_for_byte() {
    let (site, _server) = archived_site();
    site.build().unwrap();
    let original = snapshot(&site.public());
    assert!(
        site.has("posts/open-blog/open-post-1/index.html"),
        "a post that left its feed is published"
    );

    let export = export_of(&site, Scope::Full);
    let text = String::from_utf8(export.clone()).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["type"], "header");
    assert_eq!(lines[0]["version"], 1);
    assert_eq!(lines.last().unwrap()["type"], "end");
    let entry = lines
        .iter()
        .find(|l| l["type"] == "entry" && l["id"] == "urn:open:1")
        .expect("an entry that left its feed");
    // The feed reader hands the archive UTC times today; whatever offset it keeps, the export
    // keeps, as a local post's shows.
    let published = entry["published"].as_str().unwrap();
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(published).unwrap(),
        chrono::DateTime::parse_from_rfc3339("2026-11-11T09:30:00+05:30").unwrap()
    );
    let local = lines
        .iter()
        .find(|l| l["type"] == "local" && l["title"] == "local-one")
        .unwrap();
    assert_eq!(
        local["published"], "2026-11-02T09:30:00+05:30",
        "the offset is kept"
    );
    assert_eq!(entry["authors"][0], "Author 1");
    assert!(entry["content"].as_str().unwrap().contains("WHOLE-open-1"));
    assert!(entry["first_seen"].is_string() && entry["backlog"].is_boolean());
    assert!(
        entry["permalink"]
            .as_str()
            .unwrap()
            .ends_with("/posts/open-blog/open-post-1/")
    );
    let feed = lines.iter().find(|l| l["type"] == "feed").unwrap();
    assert!(feed["addresses"].as_array().is_some_and(|a| !a.is_empty()));
    assert!(feed["etag"].is_null() || feed["etag"].is_string());
    assert!(
        lines
            .iter()
            .any(|l| l["type"] == "local" && l["draft"] == true),
        "a full export has every local post, drafts too"
    );
    assert_eq!(
        export_of(&site, Scope::Full),
        export,
        "the same archive exports to the same bytes"
    );

    let restored = fresh_copy(&site);
    let file = restored.root().join("export.jsonl");
    std::fs::write(&file, &export).unwrap();
    let imported = import_into(&restored, &file, false).unwrap();
    assert_eq!(imported.restored.entries_added, 8);
    assert_eq!(imported.local, 2);
    std::fs::remove_file(&file).unwrap();
    restored.build().unwrap();
    assert!(
        snapshot(&restored.public()) == original,
        "the restored site differs from the original"
    );
    assert_eq!(
        export_of(&restored, Scope::Full),
        export,
        "and it exports to the same bytes"
    );
}

#[test]
fn the_published_copy_restores_the_same_site_without_publishing_excerpt_only_text() {
    let (site, _server) = archived_site();
    site.build().unwrap();
    let original = snapshot(&site.public());
    let copy = site.public().join("roundup/archive.jsonl.gz");
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut flate2::read::MultiGzDecoder::new(std::fs::File::open(&copy).unwrap()),
        &mut text,
    )
    .unwrap();
    assert!(
        text.contains("WHOLE-open-1"),
        "the open blog's text is in the copy"
    );
    assert!(
        !text.contains("WHOLE-excerpt"),
        "the excerpt-only blog's is not"
    );
    assert!(
        !text.contains("local-draft") && !text.contains("\"type\":\"local\""),
        "nor any local post"
    );
    assert!(text.contains("\"withheld\":true"));
    let record: serde_json::Value =
        serde_json::from_str(&site.read("roundup/archive.json")).unwrap();
    assert_eq!(record["entries"], 8);
    assert_eq!(record["withheld"], 4);

    let restored = fresh_copy(&site);
    let imported = import_into(&restored, &copy, false).unwrap();
    assert!(imported.public);
    assert_eq!(imported.withheld, 4);
    restored.build().unwrap();
    let again = snapshot(&restored.public());
    let differ: Vec<&String> = original
        .iter()
        .zip(&again)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| &a.0)
        .collect();
    assert!(
        differ.is_empty() && original.len() == again.len(),
        "restored from the published copy, the site differs in {differ:?}"
    );
}

#[test]
fn an_import_is_all_or_nothing_and_into_a_full_archive_only_with_merge() {
    let (site, _server) = archived_site();
    let export = export_of(&site, Scope::Full);
    let restored = fresh_copy(&site);
    let file = restored.root().join("export.jsonl");

    // Cut short: refused whole, nothing imported.
    std::fs::write(&file, &export[..export.len() * 2 / 3]).unwrap();
    let err = import_into(&restored, &file, false)
        .unwrap_err()
        .to_string();
    assert!(err.contains("incomplete") || err.contains("line"), "{err}");
    // A newer format: refused.
    let newer =
        String::from_utf8(export.clone())
            .unwrap()
            .replacen("\"version\":1", "\"version\":99", 1);
    std::fs::write(&file, newer).unwrap();
    let err = import_into(&restored, &file, false)
        .unwrap_err()
        .to_string();
    assert!(err.contains("newer roundup"), "{err}");
    // Not an export at all.
    std::fs::write(&file, "{\"hello\":1}\n").unwrap();
    assert!(matches!(
        import_into(&restored, &file, false),
        Err(CommandError::Export {
            source: ExportError::NotAnExport,
            ..
        })
    ));

    std::fs::write(&file, &export).unwrap();
    let first = import_into(&restored, &file, false).unwrap();
    assert_eq!(first.restored.entries_added, 8);
    let err = import_into(&restored, &file, false)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("already holds 8 entries") && err.contains("--merge"),
        "{err}"
    );
    let merged = import_into(&restored, &file, true).unwrap();
    assert_eq!(
        (merged.restored.entries_added, merged.restored.entries_kept),
        (0, 8)
    );
}

#[test]
fn a_build_whose_archive_lost_posts_publishes_nothing_and_says_how_to_restore() {
    let (site, _server) = archived_site();
    site.build().unwrap();
    let before = snapshot(&site.public());
    // The archive is lost: a new clone, a deleted folder.
    std::fs::remove_dir_all(site.root().join(".roundup")).unwrap();
    let err = site.build().unwrap_err();
    assert!(
        matches!(err, BuildError::Published(PublishedError::Lost(_))),
        "{err}"
    );
    let message = err.to_string();
    assert!(message.contains("the archive holds 0 entries"), "{message}");
    assert!(message.contains("recorded 8"), "{message}");
    assert!(
        message.contains("roundup import --merge")
            && message.contains("public/roundup/archive.jsonl.gz"),
        "{message}"
    );
    assert!(snapshot(&site.public()) == before, "the old site stays");

    // Restored as the message says, the build publishes again, every post there.
    import_into(&site, &site.public().join("roundup/archive.jsonl.gz"), true).unwrap();
    site.build().unwrap();
    assert!(site.has("posts/open-blog/open-post-1/index.html"));

    // Told that the loss is meant, it publishes.
    std::fs::remove_dir_all(site.root().join(".roundup")).unwrap();
    let mut settings = site.settings();
    settings.max_lost_posts = 100.0;
    run_build(&settings).unwrap();
    assert!(!site.has("posts/open-blog/open-post-1/index.html"));
}

#[test]
fn a_published_record_fetched_by_ci_is_checked_and_a_missing_one_is_a_first_run() {
    let (site, _server) = archived_site();
    site.build().unwrap();
    let record = site.root().join("published.json");
    std::fs::copy(site.public().join("roundup/archive.json"), &record).unwrap();
    std::fs::remove_dir_all(site.public()).unwrap();
    std::fs::remove_dir_all(site.root().join(".roundup")).unwrap();
    let mut settings = site.settings();
    settings.published_record = Some(record.clone());
    let err = run_build(&settings).unwrap_err().to_string();
    assert!(err.contains("published.json"), "{err}");
    assert!(
        err.contains("curl -fsSL -o archive.jsonl.gz https://example.org/roundup/archive.jsonl.gz"),
        "{err}"
    );
    std::fs::remove_file(&record).unwrap();
    let report = run_build(&settings).unwrap();
    assert_eq!(report.archive.missing, [record]);
}
