//! The Publish workflow run for real: the `run:` scripts of `.github/workflows/pages.yml`, in
//! order, in a temporary repository, with the actions it uses played by the test (the cache, a
//! Pages site served from 127.0.0.1, the upload and the deploy). Its runs lose the cache, as
//! GitHub does, and every post is still published; a fork's first run starts from the site it
//! was forked from; a damaged cache is set aside; a build that would lose posts publishes nothing.
#![cfg(unix)]

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::require_tool;
use common::server::{Reply, Server};
use serde_json::Value;

/// The feeds as they change between runs: which posts each carries in each round.
fn feed(round: usize, blog: &str) -> Vec<u8> {
    let items: &[&str] = match (blog, round) {
        ("a", 1) => &["a1", "a2", "a3"],
        ("a", 2) => &["a4", "a5"],
        ("a", _) => &["a6"],
        ("b", 1) => &["b1", "b2"],
        ("b", 2) => &["b3"],
        (_, _) => &["b4"],
    };
    let mut xml = String::from(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Blog</title><link>https://blog.example/</link>",
    );
    for (n, id) in items.iter().enumerate() {
        xml.push_str(&format!(
            "<item><title>Post {id}</title><link>https://{blog}.example/{id}</link><guid>{id}</guid>\
             <pubDate>Mon, {day:02} Nov 2026 10:00:00 +0000</pubDate>\
             <description>The gist of {id}.</description>\
             <content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">&lt;p&gt;The whole of {id}: SECRET-FULL-TEXT-{id}&lt;/p&gt;</content:encoded></item>",
            day = 1 + n + 3 * round
        ));
    }
    xml.push_str("</channel></rss>");
    xml.into_bytes()
}

/// A Pages site: whatever was deployed last, under `/planet/`, with paths that can be made to
/// answer 404.
#[derive(Clone, Default)]
struct Pages {
    live: Arc<Mutex<Option<PathBuf>>>,
    hidden: Arc<Mutex<Vec<String>>>,
}

impl Pages {
    fn serve(&self) -> Server {
        let pages = self.clone();
        Server::start(move |req| {
            let Some(path) = req.path.strip_prefix("/planet/") else {
                return Reply::status(404);
            };
            if pages.hidden.lock().unwrap().iter().any(|h| h == path) {
                return Reply::status(404);
            }
            let Some(live) = pages.live.lock().unwrap().clone() else {
                return Reply::status(404);
            };
            let mut file = live.join(path);
            if file.is_dir() || path.is_empty() {
                file = file.join("index.html");
            }
            match std::fs::read(&file) {
                Ok(bytes) => Reply::ok("application/octet-stream", bytes),
                Err(_) => Reply::status(404),
            }
        })
    }
}

/// One repository with its Actions cache and its Pages site.
struct Repo {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
    pages: Pages,
    server: Server,
    shim: tempfile::TempDir,
    runs: usize,
}

impl Repo {
    fn new(feeds: &Server) -> Repo {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("feeds.toml"),
            format!(
                "[site]\ntitle = \"Planet\"\nbase_url = \"https://example.github.io/planet/\"\n\n\
                 [[feeds]]\nname = \"Blog A\"\nurl = \"{}\"\n\n\
                 [[feeds]]\nname = \"Blog B\"\nurl = \"{}\"\nexcerpt_only = true\n",
                feeds.url("/a.xml"),
                feeds.url("/b.xml")
            ),
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("content")).unwrap();
        std::fs::write(
            dir.path().join("content/hello.md"),
            "---\ntitle: Hello\ndate: 2026-11-01\n---\nA local post.\n",
        )
        .unwrap();
        // The workflow's `cargo run --release -- ARGS`, run with the roundup these tests built.
        let shim = tempfile::tempdir().unwrap();
        let cargo = shim.path().join("cargo");
        std::fs::write(
            &cargo,
            format!(
                "#!/bin/sh\nwhile [ $# -gt 0 ] && [ \"$1\" != -- ]; do shift; done\nshift\nexec '{}' \"$@\"\n",
                env!("CARGO_BIN_EXE_roundup")
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
        let pages = Pages::default();
        let server = pages.serve();
        Repo {
            dir,
            cache: tempfile::tempdir().unwrap(),
            pages,
            server,
            shim,
            runs: 0,
        }
    }

    fn site(&self) -> String {
        self.server.url("/planet")
    }

    /// What GitHub does when it evicts the cache.
    fn evict_cache(&self) {
        for entry in std::fs::read_dir(self.cache.path()).unwrap() {
            std::fs::remove_file(entry.unwrap().path()).unwrap();
        }
    }

    /// Runs the build job of `pages.yml`, then its deploy job if the build succeeded: the
    /// output of every step, or the failing step's.
    fn run(&mut self, vars: &[(&str, &str)]) -> Result<String, String> {
        self.runs += 1;
        let workflow = workflow("pages.yml");
        let vars: HashMap<&str, &str> = vars.iter().copied().collect();
        let mut outputs: HashMap<String, String> = HashMap::new();
        let mut artifact = None;
        let mut save_archive = false;
        let mut log = String::new();
        let root = self.dir.path().to_path_buf();
        for step in workflow["jobs"]["build"]["steps"].as_array().unwrap() {
            let uses = step["uses"].as_str().unwrap_or_default();
            let action = uses.split('@').next().unwrap_or_default();
            let with = |key: &str| step["with"][key].as_str().unwrap_or_default().to_string();
            match action {
                "actions/checkout" => {}
                "actions/cache" if with("path").contains(".roundup/archive.sqlite") => {
                    std::fs::create_dir_all(root.join(".roundup")).unwrap();
                    for entry in std::fs::read_dir(self.cache.path()).unwrap() {
                        let entry = entry.unwrap();
                        std::fs::copy(entry.path(), root.join(".roundup").join(entry.file_name()))
                            .unwrap();
                    }
                    save_archive = true;
                }
                "actions/cache" => assert!(with("path").contains(".cargo"), "{step}"),
                "actions/configure-pages" => {
                    let id = step["id"].as_str().unwrap();
                    outputs.insert(format!("steps.{id}.outputs.base_url"), self.site());
                }
                "actions/upload-pages-artifact" => artifact = Some(root.join(with("path"))),
                "" => {
                    let script =
                        substitute(step["run"].as_str().unwrap(), &outputs, &vars, self.runs);
                    let mut command = Command::new("bash");
                    command
                        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
                        .current_dir(&root)
                        .env(
                            "PATH",
                            format!(
                                "{}:{}",
                                self.shim.path().display(),
                                std::env::var("PATH").unwrap()
                            ),
                        );
                    if let Some(env) = step["env"].as_object() {
                        for (name, value) in env {
                            let value =
                                substitute(value.as_str().unwrap(), &outputs, &vars, self.runs);
                            command.env(name, value);
                        }
                    }
                    let out = command.output().unwrap();
                    let text = format!(
                        "== {}\n{}{}",
                        step["name"].as_str().unwrap_or_default(),
                        String::from_utf8_lossy(&out.stdout),
                        String::from_utf8_lossy(&out.stderr)
                    );
                    log.push_str(&text);
                    if !out.status.success() {
                        return Err(log);
                    }
                }
                other => panic!("the simulated runner does not know {other}: teach it"),
            }
        }
        // The cache action's post step saves only after a successful job.
        if save_archive {
            self.evict_cache();
            for entry in std::fs::read_dir(root.join(".roundup")).unwrap() {
                let entry = entry.unwrap();
                if entry
                    .file_name()
                    .to_string_lossy()
                    .starts_with("archive.sqlite")
                {
                    std::fs::copy(entry.path(), self.cache.path().join(entry.file_name())).unwrap();
                }
            }
        }
        // The deploy job publishes the artifact.
        let artifact = artifact.expect("the build uploads the site");
        let live = self.dir.path().join(format!(".deployed-{}", self.runs));
        copy_dir(&artifact, &live);
        *self.pages.live.lock().unwrap() = Some(live);
        // A fresh checkout has no output, archive or downloads of the last run.
        for leftover in ["public", ".roundup"] {
            let _ = std::fs::remove_dir_all(root.join(leftover));
        }
        Ok(log)
    }

    fn live(&self) -> PathBuf {
        self.pages
            .live
            .lock()
            .unwrap()
            .clone()
            .expect("a deployed site")
    }

    fn published(&self, blog: &str, post: &str) -> bool {
        self.live()
            .join(format!("posts/blog-{blog}/post-{post}/index.html"))
            .is_file()
    }
}

fn workflow(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".github/workflows")
        .join(name);
    serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Replaces `${{ ... }}` as the runner would; an expression it does not know fails the test.
fn substitute(
    text: &str,
    outputs: &HashMap<String, String>,
    vars: &HashMap<&str, &str>,
    run: usize,
) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find("}}").expect("a closed expression");
        let expression = rest[start + 3..end].trim();
        let value = if let Some(value) = outputs.get(expression) {
            value.clone()
        } else if let Some(name) = expression.strip_prefix("vars.") {
            vars.get(name).unwrap_or(&"").to_string()
        } else if expression == "github.run_id" || expression == "github.run_attempt" {
            run.to_string()
        } else {
            panic!("the simulated runner cannot evaluate ${{{{ {expression} }}}}")
        };
        out.push_str(&value);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file of the live site, gzip files read through, contains none of `needle`.
fn nowhere_in(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let mut bytes = std::fs::read(entry.path()).unwrap();
        if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut plain = Vec::new();
            if std::io::Read::read_to_end(
                &mut flate2::read::MultiGzDecoder::new(&bytes[..]),
                &mut plain,
            )
            .is_ok()
            {
                bytes = plain;
            }
        }
        if String::from_utf8_lossy(&bytes).contains(needle) {
            found.push(entry.path().display().to_string());
        }
    }
    found
}

fn tools() {
    let has = |tool: &str| Command::new(tool).arg("--version").output().is_ok();
    require_tool(
        has("curl") && has("python3") && has("bash"),
        "curl, python3 and bash (as on GitHub's runners)",
    );
}

#[test]
#[ignore = "runs the workflow's scripts, which need curl and python3 as GitHub's runners have: .ci/run runs it"]
fn an_evicted_cache_loses_no_post_and_a_lost_archive_publishes_nothing() {
    tools();
    common::runtime();
    let round = Arc::new(AtomicUsize::new(1));
    let feeds = {
        let round = Arc::clone(&round);
        Server::start(move |req| {
            let blog = if req.path == "/a.xml" { "a" } else { "b" };
            Reply::ok(
                "application/rss+xml",
                feed(round.load(Ordering::SeqCst), blog),
            )
        })
    };
    let mut repo = Repo::new(&feeds);

    // The first run of a new site: no cache, nothing published yet.
    let log = repo.run(&[]).unwrap();
    assert!(log.contains("has published no archive yet"), "{log}");
    assert!(repo.published("a", "a1") && repo.published("b", "b2"));

    // The posts of round 1 leave their feeds; the cache keeps them.
    round.store(2, Ordering::SeqCst);
    repo.run(&[]).unwrap();
    for post in ["a1", "a2", "a3", "a4", "a5"] {
        assert!(repo.published("a", post), "{post}");
    }

    // GitHub evicts the cache; round 3's feeds carry only their newest posts.
    repo.evict_cache();
    round.store(3, Ordering::SeqCst);
    let log = repo.run(&[]).unwrap();
    eprintln!("the run after the cache was evicted:\n{log}");
    for post in ["a1", "a2", "a3", "a4", "a5", "a6"] {
        assert!(repo.published("a", post), "{post} is lost:\n{log}");
    }
    for post in ["b1", "b2", "b3", "b4"] {
        assert!(repo.published("b", post), "{post} is lost:\n{log}");
    }
    // The excerpt-only blog's full text is published nowhere, the copy of the archive included.
    let leaks = nowhere_in(&repo.live(), "SECRET-FULL-TEXT-b");
    assert!(leaks.is_empty(), "full text published in {leaks:?}");
    assert!(repo.live().join("roundup/archive.jsonl.gz").is_file());

    // A damaged archive in the cache is set aside, and the published copy restores it.
    let cached = repo.cache.path().join("archive.sqlite");
    std::fs::write(&cached, b"SQLite format 3\0 but cut short here").unwrap();
    let log = repo.run(&[]).unwrap();
    assert!(
        log.contains("the archive from the cache is damaged"),
        "{log}"
    );
    assert!(repo.published("a", "a1"), "{log}");

    // The cache is lost and the copy cannot be had: the build refuses, the old site stays.
    let before = repo.live();
    repo.evict_cache();
    repo.pages
        .hidden
        .lock()
        .unwrap()
        .push("roundup/archive.jsonl.gz".into());
    let log = repo.run(&[]).unwrap_err();
    assert!(log.contains("not publishing: the archive holds"), "{log}");
    assert!(
        log.contains("roundup import --merge"),
        "the error says how to restore:\n{log}"
    );
    assert_eq!(repo.live(), before, "nothing was deployed");
    assert!(repo.published("a", "a1"));
    repo.pages.hidden.lock().unwrap().clear();

    // A fork's first run, pointed at the site it was forked from, starts from its archive.
    let upstream = repo.site();
    let mut fork = Repo::new(&feeds);
    let log = fork
        .run(&[("ROUNDUP_RESTORE_FROM", upstream.as_str())])
        .unwrap();
    for post in ["a1", "a2", "a3", "a4", "a5", "a6"] {
        assert!(
            fork.published("a", post),
            "{post} missing from the fork:\n{log}"
        );
    }
}
