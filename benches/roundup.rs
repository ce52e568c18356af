//! roundup's benchmark harness: generated sites built by the release binary, timed phase by
//! phase, with peak memory, beside Hugo on the same posts.
//!
//!   cargo bench --bench roundup                      # the whole suite (see `bench/run`)
//!   cargo bench --bench roundup -- --posts 1000 --no-hugo --feeds-only
//!   cargo bench --bench roundup -- --feeds-only --fetch 1000@100/250
//!
//! Every build runs as its own process under `/usr/bin/time`, so peak RSS is that build's own.
//! Feeds are served by an in-process HTTP server on 127.0.0.1 (or on one address per host,
//! 127.0.0.2 upwards, all of 127.0.0.0/8 being loopback) with ETag/304 and a set latency: one
//! round trip for each answer, and one more for the first on a new connection (its TCP
//! handshake), so reusing connections pays as it would on a real network.
//! Generation is seeded, so every run builds the same sites.

#[path = "../tests/common/server.rs"]
mod server;

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use server::{Reply, Server, serve_dir};

fn main() {
    let options = Options::parse();
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&out).expect("target/bench");
    let mut report = String::new();
    let machine = machine();
    writeln!(report, "# roundup benchmarks\n\n{machine}\n").unwrap();
    println!("{machine}");

    if !options.feeds_only {
        let mut rows = Vec::new();
        let mut hugo_rows = Vec::new();
        for &posts in &options.posts {
            let result = site_scenario(&out, posts);
            println!("{result:#?}");
            rows.push(result);
            if options.hugo && posts <= options.hugo_max {
                let result = hugo_scenario(&out, posts, options.rounds);
                println!("{result:#?}");
                hugo_rows.push(result);
            }
        }
        write_site_table(&mut report, &rows);
        write_hugo_table(&mut report, &hugo_rows);
    }
    let mut fetch_rows = Vec::new();
    for &spec in &options.fetch {
        let result = fetch_scenario(&out, spec, options.items);
        println!("{result:#?}");
        fetch_rows.push(result);
    }
    write_fetch_table(&mut report, &fetch_rows);
    std::fs::write(out.join("results.md"), &report).expect("results.md");
    println!(
        "\n{report}\nwritten to {}",
        out.join("results.md").display()
    );
}

/// Feeds to serve: how many, at what latency, from how many hosts.
#[derive(Debug, Clone, Copy)]
struct FetchSpec {
    feeds: usize,
    latency_ms: u64,
    /// One host is served with `[fetch]` limits raised to match; many with the defaults.
    hosts: usize,
}

impl FetchSpec {
    /// `FEEDS@LATENCY[/HOSTS]`: `1000@100` (one host), `1000@100/250`.
    fn parse(text: &str) -> Option<FetchSpec> {
        let (feeds, rest) = text.split_once('@')?;
        let (latency, hosts) = rest.split_once('/').unwrap_or((rest, "1"));
        Some(FetchSpec {
            feeds: feeds.parse().ok()?,
            latency_ms: latency.trim_end_matches("ms").parse().ok()?,
            hosts: hosts.parse().ok().filter(|h| *h > 0)?,
        })
    }
}

#[derive(Debug)]
struct Options {
    posts: Vec<usize>,
    fetch: Vec<FetchSpec>,
    items: usize,
    hugo: bool,
    hugo_max: usize,
    rounds: usize,
    feeds_only: bool,
}

impl Options {
    fn parse() -> Self {
        let mut options = Options {
            posts: vec![1_000, 10_000, 100_000],
            fetch: ["200@50", "1000@100", "1000@100/250"]
                .into_iter()
                .filter_map(FetchSpec::parse)
                .collect(),
            items: 10,
            hugo: true,
            hugo_max: 10_000,
            rounds: 3,
            feeds_only: false,
        };
        let args: Vec<String> = std::env::args()
            .skip(1)
            .filter(|a| a != "--bench")
            .collect();
        let mut i = 0;
        while i < args.len() {
            let value = || args.get(i + 1).cloned().unwrap_or_default();
            match args[i].as_str() {
                "--posts" => {
                    options.posts = value().split(',').filter_map(|n| n.parse().ok()).collect()
                }
                "--fetch" => {
                    options.fetch = value().split(',').filter_map(FetchSpec::parse).collect()
                }
                "--hugo-max" => options.hugo_max = value().parse().unwrap_or(options.hugo_max),
                "--rounds" => options.rounds = value().parse().unwrap_or(options.rounds),
                "--no-hugo" => {
                    options.hugo = false;
                    i -= 1;
                }
                "--feeds-only" => {
                    options.feeds_only = true;
                    i -= 1;
                }
                _ => {
                    i -= 1;
                }
            }
            i += 2;
        }
        options
    }
}

// ---------------------------------------------------------------------------------------------
// Generating sites

/// A small, seeded random number generator (splitmix64): the same sites every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "service",
    "team",
    "users",
    "research",
    "discovery",
    "alpha",
    "beta",
    "live",
    "data",
    "design",
    "content",
    "accessibility",
    "council",
    "department",
    "digital",
    "policy",
    "delivery",
    "product",
    "sprint",
    "roadmap",
    "prototype",
    "interview",
    "journey",
    "form",
    "website",
    "platform",
    "cloud",
    "security",
    "standard",
    "assessment",
    "budget",
    "procurement",
    "supplier",
    "contract",
    "open",
    "source",
    "code",
    "repository",
    "pipeline",
    "deploy",
    "monitoring",
    "incident",
    "support",
    "we",
    "the",
    "a",
    "and",
    "of",
    "to",
    "in",
    "for",
    "with",
    "on",
    "this",
    "that",
    "our",
    "week",
    "learned",
    "shipped",
    "tested",
    "planned",
    "wrote",
    "met",
    "started",
    "finished",
    "reviewed",
    "about",
    "how",
    "what",
    "why",
    "next",
    "today",
    "people",
    "public",
    "residents",
    "patients",
    "staff",
    "colleagues",
    "partners",
    "feedback",
    "insight",
    "problem",
    "solution",
    "change",
    "improve",
    "simple",
    "clear",
    "fast",
    "reliable",
    "better",
    "small",
    "big",
    "new",
    "old",
];

/// A sentence of `min` to `min + spread - 1` words.
fn sentence(rng: &mut Rng, min: usize, spread: usize) -> String {
    let words = min + rng.below(spread.max(1));
    let mut s: Vec<&str> = (0..words).map(|_| rng.pick(WORDS)).collect();
    let first = s[0].to_string();
    let mut out = first[..1].to_uppercase() + &first[1..];
    s.remove(0);
    for w in s {
        out.push(' ');
        out.push_str(w);
    }
    out.push('.');
    out
}

fn paragraph(rng: &mut Rng) -> String {
    (0..3 + rng.below(4))
        .map(|_| sentence(rng, 8, 12))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A post of 300 to 1,500 words with headings, lists, code, links and a table.
fn markdown(rng: &mut Rng, index: usize) -> String {
    let target = 300 + rng.below(1_200);
    let mut body = String::new();
    let mut words = 0;
    while words < target {
        let block = match rng.below(10) {
            0 => format!("## {}\n", sentence(rng, 3, 4).trim_end_matches('.')),
            1 => (0..3 + rng.below(4))
                .map(|_| format!("- {}\n", sentence(rng, 4, 8)))
                .collect(),
            2 => format!(
                "```rust\nfn step_{index}() -> u32 {{\n    {}\n}}\n```\n",
                rng.below(1000)
            ),
            3 => format!(
                "| Measure | Before | After |\n|---|---|---|\n| {} | {} | {} |\n| {} | {} | {} |\n",
                rng.pick(WORDS),
                rng.below(100),
                rng.below(100),
                rng.pick(WORDS),
                rng.below(100),
                rng.below(100)
            ),
            4 => format!(
                "{} See [the notes](https://example.gov.uk/{}/) and [our earlier post](/posts/post-{}/).\n",
                sentence(rng, 10, 1),
                rng.pick(WORDS),
                rng.below(index.max(1))
            ),
            _ => paragraph(rng) + "\n",
        };
        words += block.split_whitespace().count();
        body.push_str(&block);
        body.push('\n');
    }
    body
}

fn vocabulary(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix} {i}")).collect()
}

/// A word in one post of every [`RARE_EVERY`]; every word of [`WORDS`] is in nearly every post.
const RARE_WORD: &str = "quokka";
const RARE_EVERY: usize = 1_000;
/// A word in nearly every post.
const COMMON_WORD: &str = "research";

/// Writes `posts` Markdown posts under `dir/content/posts/`; the same files suit Hugo.
fn write_posts(dir: &Path, posts: usize, seed: u64) {
    let content = dir.join("content/posts");
    std::fs::create_dir_all(&content).unwrap();
    let tags = vocabulary("topic", 200);
    let categories = vocabulary("area", 12);
    let mut rng = Rng(seed);
    // An hour apart, the newest on 28 May 2026: all in the past, so none is held back.
    let start = 1_780_000_000i64 - posts as i64 * 3_600;
    for i in 0..posts {
        let date = chrono::DateTime::from_timestamp(start + (i as i64) * 3_600, 0).unwrap();
        let post_tags: Vec<&str> = (0..1 + rng.below(4))
            .map(|_| tags[rng.below(tags.len())].as_str())
            .collect();
        let title = if i % 7 == 0 {
            format!("Weeknotes #{}", i / 7)
        } else {
            sentence(&mut rng, 4, 5).trim_end_matches('.').to_string()
        };
        // A rare word, for what a query for one downloads; it leaves the seeded text alone.
        let rare = if i % RARE_EVERY == 0 {
            format!("\n\nA note on the {RARE_WORD}.\n")
        } else {
            String::new()
        };
        let text = format!(
            "---\ntitle: \"{title}\"\ndate: {}\ntags: [{}]\ncategories: [\"{}\"]\n---\n\n{}{rare}",
            date.format("%Y-%m-%dT%H:%M:%SZ"),
            post_tags
                .iter()
                .map(|t| format!("\"{t}\""))
                .collect::<Vec<_>>()
                .join(", "),
            categories[rng.below(categories.len())],
            markdown(&mut rng, i)
        );
        std::fs::write(content.join(format!("post-{i}.md")), text).unwrap();
    }
}

/// An RSS or Atom feed of `items` entries of 2 to 8 KB of HTML each.
fn feed_body(feed: usize, items: usize, atom: bool) -> String {
    let mut rng = Rng(feed as u64 * 7919 + 1);
    let mut xml = if atom {
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Blog {feed}</title><id>urn:blog:{feed}</id><updated>2026-11-01T00:00:00Z</updated><link href=\"https://blog{feed}.example/\"/>"
        )
    } else {
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Blog {feed}</title><link>https://blog{feed}.example/</link><description>d</description>"
        )
    };
    for item in 0..items {
        let mut html = String::new();
        let size = 2_000 + rng.below(6_000);
        while html.len() < size {
            match rng.below(5) {
                0 => html.push_str(&format!("<h2>{}</h2>", sentence(&mut rng, 4, 1))),
                1 => html.push_str(&format!(
                    "<ul><li>{}</li><li>{}</li></ul>",
                    sentence(&mut rng, 6, 1),
                    sentence(&mut rng, 6, 1)
                )),
                2 => html.push_str(&format!(
                    "<p><img src=\"/images/{item}.png\" alt=\"A chart\"> {}</p>",
                    sentence(&mut rng, 10, 1)
                )),
                _ => html.push_str(&format!(
                    "<p>{} <a href=\"/{}/\">link</a></p>",
                    paragraph(&mut rng),
                    rng.pick(WORDS)
                )),
            }
        }
        let title = if item % 3 == 0 {
            format!("Weeknotes #{item}")
        } else {
            sentence(&mut rng, 5, 1).trim_end_matches('.').to_string()
        };
        let day = 1 + item % 28;
        if atom {
            xml.push_str(&format!(
                "<entry><title>{title}</title><id>urn:blog:{feed}:{item}</id><link href=\"https://blog{feed}.example/{item}/\"/><updated>2026-10-{day:02}T10:00:00Z</updated><category term=\"topic {}\"/><content type=\"html\"><![CDATA[{html}]]></content></entry>",
                rng.below(200)
            ));
        } else {
            xml.push_str(&format!(
                "<item><title>{title}</title><guid>https://blog{feed}.example/{item}/</guid><link>https://blog{feed}.example/{item}/</link><pubDate>{}</pubDate><category>topic {}</category><description><![CDATA[{html}]]></description></item>",
                chrono::NaiveDate::from_ymd_opt(2026, 10, day as u32).unwrap().and_hms_opt(10, 0, 0).unwrap().and_utc().to_rfc2822(),
                rng.below(200)
            ));
        }
    }
    xml.push_str(if atom { "</feed>" } else { "</channel></rss>" });
    xml
}

/// How many feeds gain an entry in the hourly build.
const GROWING: usize = 20;

/// Feeds served for a scenario, on one host or many.
struct Feeds {
    server: Server,
    hosts: usize,
    grown: Arc<AtomicBool>,
}

impl Feeds {
    /// Serves `feeds` feeds of `items` entries each, half RSS and half Atom, with an ETag,
    /// from `hosts` addresses (feed `f` on host `f % hosts`). The first [`GROWING`] feeds gain
    /// one entry when [`Feeds::grow`] is called.
    fn start(feeds: usize, items: usize, latency: Duration, hosts: usize) -> Feeds {
        let bodies: Vec<String> = (0..feeds)
            .map(|f| feed_body(f, items, f % 2 == 1))
            .collect();
        let grown_bodies: Vec<String> = (0..feeds.min(GROWING))
            .map(|f| feed_body(f, items + 1, f % 2 == 1))
            .collect();
        let grown = Arc::new(AtomicBool::new(false));
        let ips: Vec<IpAddr> = if hosts == 1 {
            vec![IpAddr::V4(Ipv4Addr::LOCALHOST)]
        } else {
            // 127.0.0.2 upwards: all of 127.0.0.0/8 is loopback.
            (0..hosts)
                .map(|h| {
                    IpAddr::V4(Ipv4Addr::from(
                        u32::from(Ipv4Addr::new(127, 0, 0, 2)) + h as u32,
                    ))
                })
                .collect()
        };
        let has_grown = Arc::clone(&grown);
        let server = Server::start_on(&ips, move |req| {
            let n: usize = req
                .path
                .trim_start_matches("/feed/")
                .parse()
                .unwrap_or(usize::MAX);
            let Some(body) = bodies.get(n) else {
                return Reply::status(404);
            };
            let kind = if n % 2 == 1 {
                "application/atom+xml"
            } else {
                "application/rss+xml"
            };
            let (body, etag) = match grown_bodies.get(n) {
                Some(more) if has_grown.load(Ordering::Relaxed) => (more, format!("\"v{n}-2\"")),
                _ => (body, format!("\"v{n}\"")),
            };
            // One round trip for the answer, and one for the handshake of a new connection.
            let trips = if req.new_connection { 2 } else { 1 };
            Reply::feed_with_etag(req, kind, body.as_bytes(), &etag).after(latency * trips)
        });
        Feeds {
            server,
            hosts,
            grown,
        }
    }

    /// Where feed `f` is.
    fn url(&self, f: usize) -> String {
        self.server.url_on(f % self.hosts, &format!("/feed/{f}"))
    }

    /// From now on the first [`GROWING`] feeds carry one entry more, under a new ETag.
    fn grow(&self) {
        self.grown.store(true, Ordering::Relaxed);
    }
}

/// A site's `feeds.toml`. One host serving every feed gets `[fetch]` limits raised to match;
/// feeds on many hosts are fetched with the default limits, as a real planet's would be.
fn feeds_toml(served: Option<&Feeds>, feeds: usize) -> String {
    let mut toml = String::from(
        "[site]\ntitle = \"Bench\"\nbase_url = \"https://bench.example/\"\npaginate = 20\n\n",
    );
    if served.is_none_or(|s| s.hosts == 1) {
        toml.push_str(
            "# One host serves every feed here, so the per-host limit is lifted to match.\n\
             [fetch]\nconcurrency = 200\nper_host = 200\ntimeout = 30\nnew_feed_items = 5\n",
        );
    }
    if let Some(served) = served {
        for f in 0..feeds {
            write!(toml, "\n[[feeds]]\nname = \"Blog {f}\"\nurl = \"{}\"\norganisation = \"Organisation {}\"\n", served.url(f), f % 40).unwrap();
        }
    }
    toml
}

// ---------------------------------------------------------------------------------------------
// Running builds

/// One build, as its own process.
#[derive(Debug, Clone, Default)]
struct Run {
    seconds: f64,
    peak_mib: f64,
    report: serde_json::Value,
}

/// The binary under test: this tree's release build, or `ROUNDUP_BENCH_BINARY` (an earlier
/// build kept aside, to measure before and after with the same harness).
fn binary() -> PathBuf {
    std::env::var_os("ROUNDUP_BENCH_BINARY").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_roundup")),
        PathBuf::from,
    )
}

fn roundup(root: &Path, extra: &[&str]) -> Run {
    let binary = binary();
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%e %M"])
        .arg(&binary)
        .args(["build", "--json", "--root"])
        .arg(root)
        .args(extra)
        .output()
        .expect("/usr/bin/time runs roundup (apt-get install time)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "roundup failed: {stderr}");
    let (seconds, peak) = time_line(&stderr);
    Run {
        seconds,
        peak_mib: peak,
        report: serde_json::from_slice(&out.stdout).expect("--json prints the report"),
    }
}

/// The last line /usr/bin/time writes: wall seconds and peak RSS in KiB.
fn time_line(stderr: &str) -> (f64, f64) {
    let line = stderr.lines().last().unwrap_or_default();
    let mut parts = line.split_whitespace();
    let seconds = parts
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    let kib: f64 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    (seconds, kib / 1024.0)
}

fn du_mib(dir: &Path) -> f64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().map(|m| m.len()).unwrap_or(0))
        .sum::<u64>() as f64
        / 1_048_576.0
}

fn fresh(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
}

#[derive(Debug, Default)]
struct SiteResult {
    posts: usize,
    remote: usize,
    cold: Run,
    rerun_304: Run,
    offline: Run,
    /// [`GROWING`] feeds gained an entry each, rebuilt into the same `public/`.
    hourly: Run,
    /// One local post's title changed, rebuilt offline into the same `public/`.
    retitled: Run,
    output_mib: f64,
    pages: u64,
    /// What a browser downloads from `pagefind/` for one query for a word in nearly every
    /// post, if Chromium is there.
    query_kib: Option<f64>,
    /// The same for a word in one post of a thousand.
    rare_query_kib: Option<f64>,
}

/// K local posts and 100 feeds of 10 items at 20 ms: cold build, all-304 rerun, offline
/// rebuild, then the hourly build: 20 feeds gain an entry each, rebuilt into the same site.
fn site_scenario(out: &Path, posts: usize) -> SiteResult {
    let dir = out.join(format!("site-{posts}"));
    fresh(&dir);
    write_posts(&dir, posts, 42);
    let feeds = 100;
    let served = Feeds::start(feeds, 10, Duration::from_millis(20), 1);
    std::fs::write(dir.join("feeds.toml"), feeds_toml(Some(&served), feeds)).unwrap();
    let cold = roundup(&dir, &[]);
    let rerun_304 = roundup(&dir, &[]);
    let offline = roundup(&dir, &["--offline"]);
    served.grow();
    let hourly = roundup(&dir, &[]);
    let new_entries: u64 = hourly.report["feeds"]
        .as_array()
        .map(|f| f.iter().filter_map(|f| f["new_entries"].as_u64()).sum())
        .unwrap_or(0);
    assert_eq!(
        new_entries, GROWING as u64,
        "the hourly build finds one new entry in each growing feed"
    );
    retitle_one_post(&dir);
    let retitled = roundup(&dir, &["--offline"]);
    let public = dir.join("public");
    SiteResult {
        posts,
        remote: hourly.report["remote_posts"].as_u64().unwrap_or(0) as usize,
        pages: hourly.report["render"]["pages"].as_u64().unwrap_or(0),
        output_mib: du_mib(&public),
        query_kib: query_kib(&public, COMMON_WORD),
        rare_query_kib: query_kib(&public, RARE_WORD),
        cold,
        rerun_304,
        offline,
        hourly,
        retitled,
    }
}

/// Changes the title of the oldest local post, as an author fixing a typo would.
fn retitle_one_post(dir: &Path) {
    let content = dir.join("content/posts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&content)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let file = &files[0];
    let text = std::fs::read_to_string(file).unwrap();
    std::fs::write(file, text.replacen("title: \"", "title: \"Retitled: ", 1)).unwrap();
}

/// Serves a built site and searches it in Chromium with `tests/browser/browser.mjs`: the bytes
/// of every request under `pagefind/`, the one-time script and WebAssembly included.
fn query_kib(public: &Path, word: &str) -> Option<f64> {
    let browser = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if !browser.join("node_modules/playwright-core").exists()
        || !Path::new("/usr/bin/chromium").exists()
    {
        println!(
            "no query figure: needs `apt-get install chromium` and `npm ci --prefix tests/browser`"
        );
        return None;
    }
    let server = serve_dir(public, "/");
    let args = serde_json::json!({ "url": server.url(&format!("/search/?q={word}")) });
    let out = Command::new("node")
        .arg(browser.join("browser.mjs"))
        .args(["search", &args.to_string()])
        .output()
        .ok()?;
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    Some(result["searchBytes"].as_f64()? / 1024.0)
}

#[derive(Debug, Default)]
struct HugoResult {
    posts: usize,
    /// From an empty output folder: the search index is built.
    scratch: Vec<(f64, f64)>,
    /// Over the previous build: the search index is carried over.
    roundup: Vec<(f64, f64)>,
    hugo: Vec<(f64, f64)>,
    hugo_version: String,
}

/// The same K posts, no feeds, built by roundup (offline) and Hugo, taking turns.
fn hugo_scenario(out: &Path, posts: usize, rounds: usize) -> HugoResult {
    let ours = out.join(format!("same-{posts}-roundup"));
    let theirs = out.join(format!("same-{posts}-hugo"));
    fresh(&ours);
    fresh(&theirs);
    write_posts(&ours, posts, 7);
    write_posts(&theirs, posts, 7);
    std::fs::write(ours.join("feeds.toml"), feeds_toml(None, 0)).unwrap();
    write_hugo_site(&theirs);
    let version = Command::new("hugo")
        .arg("version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let mut result = HugoResult {
        posts,
        hugo_version: version.unwrap_or_else(|_| "hugo not installed".into()),
        ..HugoResult::default()
    };
    if result.hugo_version.contains("not installed") {
        return result;
    }
    for _ in 0..rounds {
        let _ = std::fs::remove_dir_all(ours.join("public"));
        let run = roundup(&ours, &["--offline"]);
        result.scratch.push((run.seconds, run.peak_mib));
        let run = roundup(&ours, &["--offline"]);
        result.roundup.push((run.seconds, run.peak_mib));
        let _ = std::fs::remove_dir_all(theirs.join("public"));
        let hugo = Command::new("/usr/bin/time")
            .args(["-f", "%e %M", "hugo", "--quiet", "--source"])
            .arg(&theirs)
            .output()
            .expect("hugo runs");
        assert!(
            hugo.status.success(),
            "hugo failed: {}",
            String::from_utf8_lossy(&hugo.stderr)
        );
        result
            .hugo
            .push(time_line(&String::from_utf8_lossy(&hugo.stderr)));
    }
    result
}

/// A Hugo site with the minimal templates that make the same pages: home, posts, tag and
/// category lists and pages, paginated by 20.
fn write_hugo_site(dir: &Path) {
    std::fs::write(
        dir.join("config.toml"),
        "baseURL = \"https://bench.example/\"\ntitle = \"Bench\"\npaginate = 20\n\
         [taxonomies]\ntag = \"tags\"\ncategory = \"categories\"\n",
    )
    .unwrap();
    let layouts = dir.join("layouts/_default");
    std::fs::create_dir_all(&layouts).unwrap();
    let card = "{{ range .Paginator.Pages }}<article><h2><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></h2><time>{{ .Date.Format \"2 January 2006\" }}</time>{{ .Summary }}</article>{{ end }}{{ with .Paginator.Next }}<a href=\"{{ .URL }}\">Older</a>{{ end }}";
    for (name, body) in [
        ("baseof.html", "<!doctype html><html lang=\"en\"><head><title>{{ .Title }}</title></head><body><main>{{ block \"main\" . }}{{ end }}</main></body></html>".to_string()),
        ("single.html", "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ range .Params.tags }}<a href=\"/tags/{{ . | urlize }}/\">{{ . }}</a>{{ end }}{{ end }}".to_string()),
        ("list.html", format!("{{{{ define \"main\" }}}}<h1>{{{{ .Title }}}}</h1>{card}{{{{ end }}}}")),
        ("terms.html", "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.Alphabetical }}<li><a href=\"{{ .Page.RelPermalink }}\">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>{{ end }}".to_string()),
    ] {
        std::fs::write(layouts.join(name), body).unwrap();
    }
    std::fs::write(dir.join("layouts/index.html"), format!("<!doctype html><html lang=\"en\"><head><title>Bench</title></head><body>{card}</body></html>").replace(".Paginator.Pages", "(.Paginate (where .Site.RegularPages \"Type\" \"posts\")).Pages")).unwrap();
}

#[derive(Debug, Default)]
struct FetchResult {
    feeds: usize,
    hosts: usize,
    latency_ms: u64,
    first_fetch: f64,
    first_total: f64,
    first_peak: f64,
    rerun_fetch: f64,
    rerun_total: f64,
    not_modified: u64,
    /// Requests the server answered at once, at most, in the first run and the rerun.
    at_once: (usize, usize),
    /// The same at one host.
    at_once_per_host: (usize, usize),
    /// Connections the server accepted in the first run and the rerun.
    connections: (usize, usize),
    /// The most connections open at once in the first run and the rerun.
    open_at_once: (usize, usize),
}

/// N feeds of M items at a set latency from one host or many, and no local posts: first
/// fetch, then all 304.
fn fetch_scenario(out: &Path, spec: FetchSpec, items: usize) -> FetchResult {
    let FetchSpec {
        feeds,
        latency_ms,
        hosts,
    } = spec;
    let dir = out.join(format!("feeds-{feeds}-{hosts}"));
    fresh(&dir);
    let served = Feeds::start(feeds, items, Duration::from_millis(latency_ms), hosts);
    std::fs::write(dir.join("feeds.toml"), feeds_toml(Some(&served), feeds)).unwrap();
    let server = &served.server;
    let first = roundup(&dir, &[]);
    let first_seen = (
        server.peak_requests(),
        server.peak_requests_per_host(),
        server.connections(),
        server.peak_open_connections(),
    );
    server.reset_peaks();
    let rerun = roundup(&dir, &[]);
    let not_modified = rerun.report["feeds"]
        .as_array()
        .map(|f| f.iter().filter(|f| f["status"] == "not_modified").count() as u64)
        .unwrap_or(0);
    FetchResult {
        feeds,
        hosts,
        latency_ms,
        first_fetch: first.report["fetch_seconds"].as_f64().unwrap_or(f64::NAN),
        first_total: first.seconds,
        first_peak: first.peak_mib,
        rerun_fetch: rerun.report["fetch_seconds"].as_f64().unwrap_or(f64::NAN),
        rerun_total: rerun.seconds,
        not_modified,
        at_once: (first_seen.0, server.peak_requests()),
        at_once_per_host: (first_seen.1, server.peak_requests_per_host()),
        connections: (first_seen.2, server.connections() - first_seen.2),
        open_at_once: (first_seen.3, server.peak_open_connections()),
    }
}

// ---------------------------------------------------------------------------------------------
// Reporting

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn write_site_table(report: &mut String, rows: &[SiteResult]) {
    writeln!(
        report,
        "## Whole builds (local posts + 100 feeds of 10 items at 20 ms)\n"
    )
    .unwrap();
    writeln!(report, "| posts | remote | pages | cold build (fetch / render / total) | peak | all-304 rerun (fetch / total) | offline rebuild | peak | hourly build ({GROWING} new entries) | peak | one post retitled (offline) | peak | search index (time, size) | shards built: cold / hourly (slowest) | one query downloads: common / rare word | output |").unwrap();
    writeln!(
        report,
        "|---:|---:|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---|---|---|---:|"
    )
    .unwrap();
    for r in rows {
        let render = |run: &Run| run.report["render"]["seconds"].as_f64().unwrap_or(f64::NAN);
        let fetch = |run: &Run| run.report["fetch_seconds"].as_f64().unwrap_or(f64::NAN);
        // The cold build's index: later builds carry it over, or rebuild only what changed.
        let search = &r.cold.report["render"]["search"];
        let kib = |k: Option<f64>| k.map_or_else(|| "–".to_string(), |k| format!("{k:.0} KiB"));
        writeln!(
            report,
            "| {} | {} | {} | {:.2} s / {:.2} s / {:.2} s | {:.0} MiB | {:.2} s / {:.2} s | {:.2} s | {:.0} MiB | {:.2} s | {:.0} MiB | {:.2} s | {:.0} MiB | {:.2} s, {:.1} MiB | {} / {} | {} / {} | {:.0} MiB |",
            r.posts,
            r.remote,
            r.pages,
            fetch(&r.cold),
            render(&r.cold),
            r.cold.seconds,
            r.cold.peak_mib,
            fetch(&r.rerun_304),
            r.rerun_304.seconds,
            r.offline.seconds,
            r.offline.peak_mib,
            r.hourly.seconds,
            r.hourly.peak_mib,
            r.retitled.seconds,
            r.retitled.peak_mib,
            search["seconds"].as_f64().unwrap_or(f64::NAN),
            search["bytes"].as_f64().unwrap_or(f64::NAN) / 1_048_576.0,
            shards_built(&r.cold),
            shards_built(&r.hourly),
            kib(r.query_kib),
            kib(r.rare_query_kib),
            r.output_mib
        )
        .unwrap();
    }
    writeln!(
        report,
        "\nShards: how many search index shards a build built, and the slowest one's time, when \
         the build's report lists them (`render.search.built`); \"–\" when it does not.\n"
    )
    .unwrap();
}

/// The search index shards a build built, and the slowest, from its report, if it lists them.
fn shards_built(run: &Run) -> String {
    let Some(built) = run.report["render"]["search"]["built"].as_array() else {
        return "–".to_string();
    };
    let slowest = built
        .iter()
        .filter_map(|s| s["seconds"].as_f64())
        .fold(0.0, f64::max);
    format!("{} ({slowest:.2} s)", built.len())
}

fn write_hugo_table(report: &mut String, rows: &[HugoResult]) {
    if rows.iter().all(|r| r.hugo.is_empty()) {
        if let Some(r) = rows.first() {
            writeln!(
                report,
                "No comparison: {} (`bench/run` installs it).\n",
                r.hugo_version
            )
            .unwrap();
        }
        return;
    }
    writeln!(
        report,
        "## The same posts, roundup (offline) and Hugo, taking turns (medians)\n"
    )
    .unwrap();
    writeln!(report, "{}\n", rows[0].hugo_version).unwrap();
    writeln!(
        report,
        "roundup from scratch builds its search index; a rebuild carries the index over when no \
         post changed. Hugo builds no search index.\n"
    )
    .unwrap();
    writeln!(report, "| posts | roundup rebuild | peak | roundup from scratch | peak | Hugo | peak | Hugo ÷ rebuild | Hugo ÷ scratch |").unwrap();
    writeln!(report, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|").unwrap();
    for r in rows {
        let (rebuild, rebuild_mem) = medians(&r.roundup);
        let (scratch, scratch_mem) = medians(&r.scratch);
        let (hugo, hugo_mem) = medians(&r.hugo);
        writeln!(
            report,
            "| {} | {rebuild:.2} s | {rebuild_mem:.0} MiB | {scratch:.2} s | {scratch_mem:.0} MiB | {hugo:.2} s | {hugo_mem:.0} MiB | {:.1}× | {:.1}× |",
            r.posts,
            hugo / rebuild,
            hugo / scratch,
        )
        .unwrap();
    }
    report.push('\n');
}

/// The median time and the median peak memory of some runs.
fn medians(runs: &[(f64, f64)]) -> (f64, f64) {
    let (mut seconds, mut mib): (Vec<f64>, Vec<f64>) = runs.iter().copied().unzip();
    (median(&mut seconds), median(&mut mib))
}

fn write_fetch_table(report: &mut String, rows: &[FetchResult]) {
    if rows.is_empty() {
        return;
    }
    writeln!(
        report,
        "## Fetching (10 items a feed; one host: `concurrency` and `per_host` 200; many hosts: the default `[fetch]`)\n"
    )
    .unwrap();
    writeln!(
        report,
        "Latency is one round trip for each answer and one more to open a connection.\n"
    )
    .unwrap();
    writeln!(report, "| feeds | hosts | latency | first run: fetch / whole build | peak | all-304 rerun: fetch / whole build | 304s | at once: first / rerun | at once per host | connections: first / rerun | open at once |").unwrap();
    writeln!(report, "|---:|---:|---:|---|---:|---|---:|---|---|---|---|").unwrap();
    for r in rows {
        writeln!(
            report,
            "| {} | {} | {} ms | {:.2} s / {:.2} s | {:.0} MiB | {:.2} s / {:.2} s | {} | {} / {} | {} / {} | {} / {} | {} / {} |",
            r.feeds,
            r.hosts,
            r.latency_ms,
            r.first_fetch,
            r.first_total,
            r.first_peak,
            r.rerun_fetch,
            r.rerun_total,
            r.not_modified,
            r.at_once.0,
            r.at_once.1,
            r.at_once_per_host.0,
            r.at_once_per_host.1,
            r.connections.0,
            r.connections.1,
            r.open_at_once.0,
            r.open_at_once.1,
        )
        .unwrap();
    }
    report.push('\n');
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or_default().trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or_default().to_string())
        })
        .and_then(|kib| kib.parse::<f64>().ok())
        .map(|kib| kib / 1_048_576.0)
        .unwrap_or(0.0);
    format!(
        "Machine: {cpu}, {cores} cores, {memory:.0} GiB; roundup {}",
        env!("CARGO_PKG_VERSION")
    )
}
