//! `roundup serve`, as an editor uses it: the real binary, a real port, real file changes.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use common::{TestSite, eventually, http_get};

/// The running server; killed when the test ends, however it ends.
struct Serving {
    child: Child,
    url: String,
    /// What it has printed since its address.
    said: Arc<Mutex<Vec<String>>>,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(site: &TestSite) -> Serving {
    let mut child = Command::new(env!("CARGO_BIN_EXE_roundup"))
        .args(["serve", "--port", "0", "--root"])
        .arg(site.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("roundup serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            line.strip_prefix("Serving at ")
                .map(|rest| rest.split(' ').next().unwrap_or_default().to_string())
        })
        .expect("serve prints its address");
    // Keep reading so the server never blocks on a full pipe.
    let said = Arc::new(Mutex::new(Vec::new()));
    let keep = Arc::clone(&said);
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            keep.lock().unwrap().push(line);
        }
    });
    Serving { child, url, said }
}

#[test]
fn serve_shows_edits_404s_and_survives_a_broken_post() {
    let site = TestSite::with_base_url("https://org.github.io/notes/", "");
    site.post("hello", "2026-11-01", "", "First version.");
    let serving = serve(&site);
    assert!(
        serving.url.ends_with("/notes/"),
        "served under the base URL's subpath: {}",
        serving.url
    );

    let page = format!("{}posts/hello/", serving.url);
    let (status, body) = http_get(&page);
    assert_eq!(status, 200);
    assert!(body.contains("First version."));
    assert!(
        body.contains("EventSource"),
        "serve injects its reload script"
    );
    assert!(!site.has("posts/hello/index.html"), "public/ is left alone");

    site.post("hello", "2026-11-01", "", "Second version.");
    assert!(
        eventually(15, || http_get(&page).1.contains("Second version.")),
        "the edit shows within seconds"
    );

    let (status, body) = http_get(&format!("{}no/such/page/", serving.url));
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));

    site.write(
        "content/broken.md",
        "---\ntitle: Broken\ndate: someday\n---\n",
    );
    assert!(
        eventually(15, || {
            let (status, body) = http_get(&page);
            status == 200 && body.contains("role=\"alert\"") && body.contains("content/broken.md:3")
        }),
        "the error shows on the page and the last good site is still served"
    );
    std::fs::remove_file(site.root().join("content/broken.md")).unwrap();
    assert!(
        eventually(15, || !http_get(&page).1.contains("role=\"alert\"")),
        "a good build clears the error"
    );
}

#[test]
fn an_idle_server_does_not_rebuild_and_names_what_changed() {
    let site = TestSite::new("");
    site.post("hello", "2026-11-01", "", "Hello.");
    let serving = serve(&site);
    let said = || serving.said.lock().unwrap().clone();
    let changes = || -> Vec<String> {
        said()
            .into_iter()
            .filter(|l| l.starts_with("Changed:"))
            .collect()
    };
    // Events come in order: if the builds' own reading of feeds.toml and the posts counted as
    // a change, it would be named before the edits below, each of which is waited for.
    for post in ["first", "second"] {
        site.post(post, "2026-11-02", "", "Another.");
        let file = format!("{post}.md");
        assert!(
            eventually(15, || {
                let said = said();
                said.iter()
                    .position(|l| l.starts_with("Changed:") && l.contains(&file))
                    .is_some_and(|at| said[at..].iter().any(|l| l.starts_with("Built ")))
            }),
            "the edit of {file} is seen and built: {:?}",
            said()
        );
    }
    let changes = changes();
    assert_eq!(
        changes.len(),
        2,
        "one rebuild per edit, none of its own: {changes:?}"
    );
    assert!(changes[0].contains("first.md") && changes[1].contains("second.md"));
    assert!(
        changes.iter().all(|c| !c.contains("feeds.toml")),
        "{changes:?}"
    );
}
