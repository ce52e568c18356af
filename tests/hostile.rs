//! Hostile input for the four readers of untrusted text (feeds, the sanitiser, front matter and
//! `feeds.toml`): the seed files first as they are, then mutated (`common::mutate`) until the
//! time is up. Nothing may panic, nothing may take longer than the timeout, no unsafe markup
//! may come out of a feed or the sanitiser, and sanitising twice must give what once gave.
//!
//! Each target runs `ROUNDUP_HOSTILE_SECONDS` (default 2) with a timeout per input of
//! `ROUNDUP_HOSTILE_TIMEOUT` seconds (default 20, for debug builds). The seed is the clock's
//! unless `ROUNDUP_HOSTILE_SEED` gives one, and `ROUNDUP_HOSTILE_INPUTS` may stop a target
//! after that many mutated inputs: `.ci/run` gives both, so CI tries the same inputs each time
//! and fails on a change, never on a new draw; a fresh seed explores. A
//! failure saves the input under `target/hostile/` and names the seed that replays it:
//! `ROUNDUP_HOSTILE_SEED=<seed> cargo test --test hostile <target>`, or replays it alone:
//! `ROUNDUP_HOSTILE_REPLAY=target/hostile/<file> cargo test --test hostile`. Every failure found
//! becomes a named test in `tests/regressions.rs`.

mod common;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::dangers::{dangers, settled};
use common::mutate::{KINDS, Rng, mutate};
use roundup::health::FeedKey;
use roundup::sanitize::Sanitizer;
use url::Url;

type Check = Box<dyn FnMut(&[u8]) -> Result<(), String>>;

/// A number the environment gives, if it gives one.
fn setting(variable: &str) -> Option<u64> {
    std::env::var(variable).ok().and_then(|v| v.parse().ok())
}

fn seconds(variable: &str, default: u64) -> Duration {
    Duration::from_secs(setting(variable).unwrap_or(default))
}

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every file under `dir`, if it exists (the shared corpus is only beside a checkout).
fn files(dir: &Path) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| std::fs::read(p).ok())
        .collect()
}

fn shared(dir: &str) -> PathBuf {
    manifest().join("../shared/corpus").join(dir)
}

/// Runs `make`'s check over the seeds, then over mutations of them until the time is up.
fn hammer(name: &str, seeds: Vec<Vec<u8>>, make: fn() -> Check) {
    // ROUNDUP_HOSTILE_REPLAY=<a saved input> runs that input alone through its target.
    let replay = std::env::var_os("ROUNDUP_HOSTILE_REPLAY").map(PathBuf::from);
    let seeds = match &replay {
        Some(path) => {
            let file = path.file_name().unwrap_or_default().to_string_lossy();
            if !file.starts_with(&format!("{name}-")) {
                return;
            }
            vec![std::fs::read(path).expect("the input to replay")]
        }
        None => seeds,
    };
    assert!(!seeds.is_empty(), "{name}: no seeds");
    common::runtime();
    let seed = setting("ROUNDUP_HOSTILE_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    let budget = if replay.is_some() {
        Duration::ZERO
    } else {
        seconds("ROUNDUP_HOSTILE_SECONDS", 2)
    };
    // ROUNDUP_HOSTILE_INPUTS=<n> stops after n mutated inputs, if the time is not up first: with
    // a fixed seed, the same inputs on every machine.
    let most = setting("ROUNDUP_HOSTILE_INPUTS").map_or(usize::MAX, |n| n as usize);
    let timeout = seconds("ROUNDUP_HOSTILE_TIMEOUT", 20);
    let (cases, inbox) = mpsc::channel::<Vec<u8>>();
    let (answers, outcome) = mpsc::channel::<Result<(), String>>();
    // One worker, so a hang is seen by the loop below rather than hanging it.
    std::thread::spawn(move || {
        let mut check = make();
        for input in inbox {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&input)))
                .unwrap_or_else(|panic| {
                    let message = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    Err(format!("panicked: {message}"))
                });
            if answers.send(result).is_err() {
                return;
            }
        }
    });
    let mut rng = Rng::new(
        seed ^ name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        }),
    );
    let started = Instant::now();
    let mut executed = 0usize;
    let mut slowest = Duration::ZERO;
    let mut slowest_input = Vec::new();
    loop {
        let (input, how) = if executed < seeds.len() {
            (seeds[executed].clone(), vec!["seed as it is"])
        } else if started.elapsed() < budget && executed - seeds.len() < most {
            let mut input = rng.pick(&seeds).clone();
            let other = rng.pick(&seeds).clone();
            let mut how = Vec::new();
            for _ in 0..=rng.below(4) {
                let kind = rng.below(KINDS.len());
                how.push(KINDS[kind]);
                mutate(&mut rng, &mut input, &other, kind);
            }
            (input, how)
        } else {
            break;
        };
        let began = Instant::now();
        cases.send(input.clone()).expect("the worker runs");
        let failure = match outcome.recv_timeout(timeout) {
            Ok(Ok(())) => None,
            Ok(Err(why)) => Some(why),
            Err(_) => Some(format!("took longer than {}s", timeout.as_secs())),
        };
        if began.elapsed() > slowest {
            slowest = began.elapsed();
            slowest_input.clone_from(&input);
        }
        executed += 1;
        if let Some(why) = failure {
            let dir = manifest().join("target/hostile");
            std::fs::create_dir_all(&dir).unwrap();
            let saved = dir.join(format!("{name}-{seed}-{executed}.bin"));
            std::fs::write(&saved, &input).unwrap();
            panic!(
                "{name}: {why}\n  input ({} bytes) saved to {}\n  made by: {how:?}\n  replay: ROUNDUP_HOSTILE_SEED={seed} cargo test --test hostile {name}",
                input.len(),
                saved.display()
            );
        }
    }
    // Kept to be profiled: the slowest input is where the next timeout will come from.
    let dir = manifest().join("target/hostile");
    let kept = dir.join(format!("{name}-slowest.bin"));
    let _ = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&kept, &slowest_input));
    eprintln!(
        "hostile {name}: {executed} inputs ({} seeds) in {:.1}s, slowest {:.2}s ({} bytes, kept as {}), seed {seed}",
        seeds.len(),
        started.elapsed().as_secs_f64(),
        slowest.as_secs_f64(),
        slowest_input.len(),
        kept.display()
    );
}

/// A feed is parsed, and its entries turned into posts as a build does: nothing unsafe
/// reaches their HTML.
fn feed_check() -> Check {
    let sanitizer = Sanitizer::new();
    let url = Url::parse("https://blog.example/feed/").unwrap();
    let key = FeedKey(url.to_string());
    let types = [
        None,
        Some("application/rss+xml; charset=iso-8859-1"),
        Some("text/html; charset=utf-16"),
        Some("application/feed+json"),
    ];
    Box::new(move |bytes| {
        let content_type = types[bytes.len() % types.len()];
        let Ok(parsed) = roundup::feed::parse(bytes, content_type, &url) else {
            return Ok(());
        };
        for incoming in roundup::ingest::posts(&key, parsed, &url, &sanitizer) {
            let post = incoming.post;
            for (part, html) in [("content", &post.content), ("summary", &post.summary)] {
                let found = dangers(html);
                if !found.is_empty() {
                    return Err(format!("unsafe markup in an entry's {part}: {found:?}"));
                }
            }
        }
        Ok(())
    })
}

fn sanitize_check() -> Check {
    let sanitizer = Sanitizer::new();
    let base = Url::parse("https://blog.example/2026/11/post/").unwrap();
    Box::new(move |bytes| {
        let html = String::from_utf8_lossy(bytes);
        let clean = sanitizer.clean(&html, Some(&base));
        let found = dangers(&clean);
        if !found.is_empty() {
            return Err(format!("unsafe markup out of the sanitiser: {found:?}"));
        }
        let again = sanitizer.clean(&clean, Some(&base));
        if settled(&again) != settled(&clean) {
            return Err(format!(
                "sanitising twice differs from once\n  once:  {clean}\n  twice: {again}"
            ));
        }
        roundup::plain_text::plain_text(&clean);
        Ok(())
    })
}

fn front_matter_check() -> Check {
    Box::new(|bytes| {
        let text = String::from_utf8_lossy(bytes);
        let _ = roundup::content::parse(
            &text,
            PathBuf::from("content/hostile.md"),
            chrono_tz::Europe::London,
        );
        Ok(())
    })
}

fn config_check() -> Check {
    Box::new(|bytes| {
        let text = String::from_utf8_lossy(bytes);
        let _ = roundup::config::Config::parse(&text, Path::new("feeds.toml"));
        Ok(())
    })
}

#[test]
fn hostile_feeds_neither_panic_nor_hang_nor_carry_script() {
    let mut seeds = files(&manifest().join("tests/fixtures/feeds"));
    seeds.extend(files(&shared("feeds")));
    hammer("feeds", seeds, feed_check);
}

#[test]
fn hostile_html_comes_out_of_the_sanitiser_safe_and_settled() {
    let mut seeds: Vec<Vec<u8>> = common::xss_payloads()
        .into_iter()
        .map(|(_, payload)| payload.into_bytes())
        .collect();
    seeds.extend(files(&manifest().join("tests/fixtures/feeds")));
    hammer("sanitize", seeds, sanitize_check);
}

#[test]
fn hostile_front_matter_neither_panics_nor_hangs() {
    let mut seeds = files(&manifest().join("content"));
    seeds.push(std::fs::read(manifest().join("src/cmd/skeleton/welcome.md")).unwrap());
    seeds.push(b"---\ntitle: x\ndate: 2026-11-20 14:30\ntags: [a, b]\nextra: {a: [1, 2, {b: c}]}\n---\nbody\n".to_vec());
    hammer("front_matter", seeds, front_matter_check);
}

#[test]
fn hostile_feeds_toml_neither_panics_nor_hangs() {
    let mut seeds = vec![
        std::fs::read(manifest().join("feeds.toml")).unwrap(),
        std::fs::read(manifest().join("src/cmd/skeleton/feeds.toml")).unwrap(),
    ];
    seeds.extend(
        files(&shared("blogroll"))
            .into_iter()
            .filter(|f| f.len() < 200_000),
    );
    hammer("feeds_toml", seeds, config_check);
}
