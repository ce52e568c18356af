//! A fixture site in a temporary folder, built with the same code as `roundup build`.
#![allow(dead_code, unreachable_pub)]

pub mod dangers;
pub mod mutate;
pub mod people;
pub mod server;

use std::path::{Path, PathBuf};

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use roundup::cmd::build::{self, BuildError, BuildReport, BuildSettings};

/// A site being put together for a test.
pub struct TestSite {
    dir: tempfile::TempDir,
}

impl TestSite {
    /// A site with `[site]` settings plus `extra` TOML appended to feeds.toml.
    pub fn new(extra: &str) -> Self {
        Self::with_base_url("https://example.org/", extra)
    }

    /// A site published at `base_url`.
    pub fn with_base_url(base_url: &str, extra: &str) -> Self {
        let site = TestSite {
            dir: tempfile::tempdir().expect("a temporary folder"),
        };
        site.write(
            "feeds.toml",
            &format!(
                "[site]\ntitle = \"Test notes\"\nbase_url = \"{base_url}\"\n\
                 description = \"A site for tests.\"\n{extra}\n"
            ),
        );
        site
    }

    /// The site's root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file under the root, creating folders.
    pub fn write(&self, path: &str, text: &str) {
        let path = self.root().join(path);
        std::fs::create_dir_all(path.parent().expect("a file has a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    /// Writes `content/<name>.md` with a title, a date and extra front matter lines.
    pub fn post(&self, name: &str, date: &str, front: &str, body: &str) {
        self.write(
            &format!("content/{name}.md"),
            &format!("---\ntitle: \"{name}\"\ndate: {date}\n{front}---\n{body}\n"),
        );
    }

    /// Settings for a build into `<root>/public`, with "now" fixed.
    pub fn settings(&self) -> BuildSettings {
        let mut settings = BuildSettings::new(self.root());
        settings.now = now();
        settings.offline = true;
        settings
    }

    /// Builds with default settings.
    pub fn build(&self) -> Result<BuildReport, BuildError> {
        run_build(&self.settings())
    }

    /// The output folder of a default build.
    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// A file of the output, as text.
    pub fn read(&self, path: &str) -> String {
        let path = self.public().join(path);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Whether the output has a file.
    pub fn has(&self, path: &str) -> bool {
        self.public().join(path).is_file()
    }
}

/// The runtime every test's fetches, searches and servers run on, as the binary's do on one.
pub fn runtime() -> &'static tokio::runtime::Handle {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            roundup::guard::quiet_panics();
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("a runtime")
        })
        .handle()
}

/// Builds a site as `roundup build` does, reporting nothing.
pub fn run_build(settings: &BuildSettings) -> Result<BuildReport, BuildError> {
    build::run(settings, runtime(), &roundup::fetch::Silent)
}

/// The fixed "now" of every test build.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T12:00:00Z")
        .expect("a valid date")
        .to_utc()
}

/// Every `href` of the page's `<article class="card">` headings, in order: the posts a listing shows.
pub fn listed_posts(html: &str) -> Vec<String> {
    html.split(r#"<h2 class="card-title"><a href=""#)
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or_default().to_string())
        .collect()
}

/// Every file under `dir` with its bytes, sorted by path.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let name = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// Fails, naming the tool and how to install it, when a test that needs a tool outside Rust
/// (Python's feedparser, Chromium) is run without it. Those tests are `#[ignore]`d, so a plain
/// `cargo test` lists them as ignored; `.ci/run` installs the tools and runs them with
/// `cargo test -- --ignored`.
pub fn require_tool(available: bool, what: &str) {
    assert!(
        available,
        "{what} is not installed: .ci/run installs it (see the README's Tests section)"
    );
}

/// Fails the test, saying how to get it, unless Python's feedparser is installed.
pub fn require_feedparser() {
    let available = std::process::Command::new("python3")
        .args(["-c", "import feedparser"])
        .status()
        .is_ok_and(|s| s.success());
    require_tool(available, "Python's feedparser (pip install feedparser)");
}

/// Runs a Python `script` with `path` as its argument and reads what it prints as JSON.
pub fn python_json(script: &str, path: &Path) -> serde_json::Value {
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A plain HTTP/1.1 GET, for talking to `roundup serve` without an async runtime: the status
/// and the body.
pub fn http_get(url: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let url = url::Url::parse(url).expect("a URL");
    let host = format!(
        "{}:{}",
        url.host_str().unwrap_or("127.0.0.1"),
        url.port().unwrap_or(80)
    );
    let mut stream = std::net::TcpStream::connect(&host).expect("the server answers");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("a timeout");
    let path = &url[url::Position::BeforePath..];
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("a request");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("a response");
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Polls `check` for up to `seconds`, returning whether it came true.
pub fn eventually(seconds: u64, mut check: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while std::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    false
}

/// Every payload of the two XSS suites in `tests/fixtures/xss/` (see its SOURCES.md), named
/// after its suite and case.
pub fn xss_payloads() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xss");
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("an XSS fixture");
    let mut payloads = Vec::new();
    let html5lib: Vec<serde_json::Value> =
        serde_json::from_str(&read("tests1.dat")).expect("tests1.dat is JSON");
    for case in html5lib {
        payloads.push((
            format!("html5lib {}", case["name"].as_str().unwrap_or_default()),
            case["input"].as_str().expect("an input").to_string(),
        ));
    }
    // An ES module around a JSON array: its array, with the trailing comma JSON refuses.
    let module = read("expect.mjs");
    let array = &module[module.find('[').unwrap()..=module.rfind(']').unwrap()];
    let array = regex::Regex::new(r",\s*\]$").unwrap().replace(array, "]");
    let dompurify: Vec<serde_json::Value> =
        serde_json::from_str(&array).expect("expect.mjs holds a JSON array");
    for case in dompurify {
        payloads.push((
            format!("DOMPurify {}", case["title"].as_str().unwrap_or_default()),
            case["payload"].as_str().expect("a payload").to_string(),
        ));
    }
    payloads
}
