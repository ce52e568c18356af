//! Fault trials on the real `roundup` binary: killed with SIGKILL at random moments, out of disk
//! space while writing, two builds at once, a damaged archive. Whatever happens, the site in
//! `public/` is the whole old one or the whole new one, and nothing the archive held is lost or
//! replaced. The trials hold the behaviour, not how the output is swapped in, so they keep
//! guarding whatever implementation of it comes next.
#![cfg(unix)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::mutate::Rng;
use common::server::{Reply, Server};
use common::{TestSite, snapshot};

type Snapshot = Vec<(String, Vec<u8>)>;

/// Posts in the sites of the kill and concurrency trials: enough that a debug build takes a
/// second or two, so that kills land in every phase of it.
const POSTS: usize = 50;

fn roundup() -> Command {
    Command::new(env!("CARGO_BIN_EXE_roundup"))
}

/// `roundup build --offline` of the site at `root`, started.
fn build(root: &Path) -> Command {
    let mut command = roundup();
    command.args(["build", "--offline", "--root"]).arg(root);
    command
}

fn run(mut command: Command) -> Output {
    command.output().expect("roundup runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A site big enough that a debug build takes a moment: `n` posts of a few paragraphs, their
/// words depending on `variant`.
fn write_posts(site: &Path, n: usize, variant: &str) {
    let content = site.join("content");
    let _ = std::fs::remove_dir_all(&content);
    std::fs::create_dir_all(&content).unwrap();
    for i in 0..n {
        let tags = ["delivery", "research", "accessibility", "weeknotes", "data"];
        let body: String = (0..6)
            .map(|p| {
                format!(
                    "Paragraph {p} of post {i}, {variant}: the team shipped, tested and wrote about \
                     what it learned in week {i}, with [a link](https://example.org/{i}/{p}).\n\n"
                )
            })
            .collect();
        std::fs::write(
            content.join(format!("post-{i}.md")),
            format!(
                "---\ntitle: \"Post {i} {variant}\"\ndate: 2026-{:02}-{:02}\ntags: [{}, {}]\n---\n{body}",
                1 + i % 11,
                1 + i % 27,
                tags[i % 5],
                tags[(i + 2) % 5]
            ),
        )
        .unwrap();
    }
}

fn new_site(posts: usize) -> TestSite {
    let site = TestSite::new("");
    write_posts(site.root(), posts, "first");
    site
}

/// Folders beside the output that a build left behind. The state folder `.public.roundup/`
/// stays by design (the spare tree the next build brings up to date, its manifests, the lock);
/// the live site set aside mid-swap must not.
fn leftovers(site: &TestSite) -> Vec<String> {
    let mut left: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public") && n != STATE)
        .collect();
    if site.root().join(STATE).join("aside").exists() {
        left.push(format!("{STATE}/aside"));
    }
    left
}

/// The output's state folder, beside it.
const STATE: &str = ".public.roundup";

/// Which of the known sites `dir` is, if it is one of them whole.
fn which(dir: &Path, known: &[(&str, &Snapshot)]) -> Option<String> {
    if !dir.is_dir() {
        return None;
    }
    let now = snapshot(dir);
    known
        .iter()
        .find(|(_, s)| **s == now)
        .map(|(name, _)| name.to_string())
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_whole_old_site_or_the_whole_new_one() {
    let site = new_site(POSTS);
    let states = ["first", "second"];
    // Each state built to completion once, to know what "whole" is, and how long it takes.
    let mut sites: Vec<Snapshot> = Vec::new();
    let mut took = Duration::ZERO;
    for state in states {
        write_posts(site.root(), POSTS + sites.len() * 7, state);
        let started = Instant::now();
        let out = run(build(site.root()));
        assert!(out.status.success(), "{}", stderr(&out));
        took = took.max(started.elapsed());
        sites.push(snapshot(&site.public()));
    }
    assert_ne!(sites[0], sites[1]);
    let known = [("first", &sites[0]), ("second", &sites[1])];
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let mut rng = Rng::new(seed);
    let (mut old, mut new, mut mid_swap) = (0, 0, 0);
    let mut delays = Vec::new();
    let trials = 12;
    for trial in 0..trials {
        let target = trial % 2;
        write_posts(site.root(), POSTS + target * 7, states[target]);
        let before = which(&site.public(), &known).expect("a whole site before the trial");
        let mut child = build(site.root())
            .arg("--quiet")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Half the kills anywhere in the build, half near its end, where the site is written
        // and swapped in; a build under a busy machine runs long, so the range does too.
        let ms = took.as_millis() as usize;
        let delay = Duration::from_millis(if trial % 4 < 2 {
            rng.below(2 * ms + 1)
        } else {
            ms * 4 / 5 + rng.below(ms + 1)
        } as u64);
        delays.push(delay.as_millis());
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        match which(&site.public(), &known) {
            Some(found) if found == before => old += 1,
            Some(found) if found == states[target] => new += 1,
            Some(found) => panic!("trial {trial} (seed {seed}): {found}, neither old nor new"),
            None if !site.public().exists() => {
                // Killed between moving the old site aside and the new one in: the old site
                // must be whole beside the output, for the next build to put back.
                let beside = leftovers(&site)
                    .into_iter()
                    .any(|n| which(&site.root().join(n), &known).is_some());
                assert!(
                    beside,
                    "trial {trial} (seed {seed}, after {delay:?}): no site left whole"
                );
                mid_swap += 1;
            }
            None => panic!(
                "trial {trial} (seed {seed}, killed after {delay:?}): public/ is neither the old site nor the new one"
            ),
        }
    }
    // The next build is not held up by the killed ones' lock, and leaves nothing behind.
    let target = trials % 2;
    write_posts(site.root(), POSTS + target * 7, states[target]);
    let out = run(build(site.root()));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("waiting"), "{}", stderr(&out));
    assert_eq!(
        which(&site.public(), &known).as_deref(),
        Some(states[target])
    );
    assert!(leftovers(&site).is_empty(), "{:?}", leftovers(&site));
    eprintln!(
        "kill -9 trials (seed {seed}, a build takes {:.2}s, killed after {delays:?} ms): {old} left the old site, {new} the new one, {mid_swap} mid-swap restored",
        took.as_secs_f64()
    );
}

#[test]
fn two_builds_at_once_both_succeed_one_after_the_other() {
    let site = new_site(POSTS);
    let out = run(build(site.root()));
    assert!(out.status.success(), "{}", stderr(&out));
    let mut waited = 0;
    for round in 0..3 {
        write_posts(site.root(), POSTS + round, &format!("round {round}"));
        let first = build(site.root())
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let second = build(site.root())
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let (first, second) = (
            first.wait_with_output().unwrap(),
            second.wait_with_output().unwrap(),
        );
        for out in [&first, &second] {
            assert!(out.status.success(), "round {round}: {}", stderr(out));
        }
        let said = format!("{}{}", stderr(&first), stderr(&second));
        if said.contains("waiting for another build of this site (pid ") {
            waited += 1;
        }
        let expected = {
            let other = TestSite::new("");
            write_posts(other.root(), POSTS + round, &format!("round {round}"));
            assert!(run(build(other.root())).status.success());
            snapshot(&other.public())
        };
        assert!(
            snapshot(&site.public()) == expected,
            "round {round}: not the whole new site"
        );
        assert!(leftovers(&site).is_empty(), "{:?}", leftovers(&site));
    }
    assert!(waited > 0, "the second build never said it waited");
}

#[test]
fn a_build_that_cannot_get_the_lock_in_time_fails_naming_the_holder() {
    let site = new_site(3);
    let dir = site.root().join(".roundup");
    let _held = roundup::archive::SiteLock::acquire(&dir, Duration::ZERO, &|_| {}).unwrap();
    let mut command = build(site.root());
    command.args(["--lock-timeout", "1"]);
    let out = run(command);
    assert!(!out.status.success());
    let said = stderr(&out);
    let pid = std::process::id();
    assert!(
        said.contains(&format!(
            "waiting for another build of this site (pid {pid}) to finish"
        )),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "another build of this site (pid {pid}) still holds"
        )),
        "{said}"
    );
    assert!(!site.public().exists());
}

/// A site whose archive holds entries, built once online.
fn site_with_archive() -> (TestSite, Server) {
    let server = Server::start(|_| {
        Reply::ok(
            "application/rss+xml",
            "<rss version=\"2.0\"><channel><title>B</title><link>https://b.example/</link>\
             <item><guid>one</guid><title>One</title><link>https://b.example/1</link><pubDate>Mon, 02 Nov 2026 10:00:00 +0000</pubDate><description>First.</description></item>\
             <item><guid>two</guid><title>Two</title><link>https://b.example/2</link><pubDate>Tue, 03 Nov 2026 10:00:00 +0000</pubDate><description>Second.</description></item>\
             </channel></rss>",
        )
    });
    let site = TestSite::new(&format!(
        "[fetch]\ntimeout = 5\n[[feeds]]\nname = \"Blog\"\nurl = \"{}\"\n",
        server.url("/feed")
    ));
    write_posts(site.root(), 3, "first");
    let out = run({
        let mut c = roundup();
        c.args(["build", "--root"]).arg(site.root());
        c
    });
    assert!(out.status.success(), "{}", stderr(&out));
    (site, server)
}

#[test]
fn a_damaged_archive_is_reported_with_the_way_to_restore_and_never_replaced() {
    let (site, _server) = site_with_archive();
    let archive = site.root().join(".roundup/archive.sqlite");
    let whole = std::fs::read(&archive).unwrap();
    let published = snapshot(&site.public());
    let damages: [(&str, Vec<u8>); 4] = [
        ("truncated to half", whole[..whole.len() / 2].to_vec()),
        ("truncated to its header", whole[..100].to_vec()),
        ("emptied", Vec::new()),
        (
            "overwritten",
            b"this is not a database, it is a shopping list\n".repeat(200),
        ),
    ];
    for (how, bytes) in damages {
        std::fs::write(&archive, &bytes).unwrap();
        let out = run(build(site.root()));
        let said = stderr(&out);
        assert!(!out.status.success(), "{how}: the build went on\n{said}");
        assert!(said.contains("is damaged"), "{how}: {said}");
        assert!(
            said.contains("roundup import"),
            "{how}: says how to restore: {said}"
        );
        assert_eq!(
            std::fs::read(&archive).unwrap(),
            bytes,
            "{how}: the archive was replaced"
        );
        assert!(
            snapshot(&site.public()) == published,
            "{how}: the site changed"
        );
    }
    // Restored as the message says.
    std::fs::rename(
        &archive,
        site.root().join(".roundup/archive.sqlite.damaged"),
    )
    .unwrap();
    let out = run({
        let mut c = roundup();
        c.args(["import", "--root"])
            .arg(site.root())
            .arg(site.public().join("roundup/archive.jsonl.gz"));
        c
    });
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(build(site.root()));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.has("posts/blog/one/index.html") && site.has("posts/blog/two/index.html"));
}

/// The disk fills while the new site is written: runs in a private mount namespace on a small
/// tmpfs where that is allowed (root, as in CI), else with a limit on the size of any file the
/// build writes (a write error of another kind, but the same path through the code).
#[test]
fn a_full_disk_while_writing_leaves_the_old_site_whole() {
    let site = new_site(20);
    let out_dir = tempfile::tempdir().unwrap();
    let big = format!(
        "---\ntitle: Big\ndate: 2026-11-20\n---\n{}",
        "A long, long post about everything the team did. ".repeat(80_000)
    );
    let script = r#"
set -eu
site="$OUT/site"
if [ -n "${MNT:-}" ]; then
  mount -t tmpfs -o size=48m tmpfs "$MNT"
  cp -a "$SRC/." "$MNT/"
  site="$MNT"
else
  cp -a "$SRC/." "$site/"
fi
"$ROUNDUP" build --offline --quiet --root "$site"
cp -a "$site/public" "$OUT/old"
cp "$BIG" "$site/content/big.md"
if [ -n "${MNT:-}" ]; then
  avail=$(df --output=avail -B1 "$MNT" | tail -n 1)
  head -c $((avail - 1500000)) /dev/zero > "$MNT/filler" || true
  set +e
  "$ROUNDUP" build --offline --quiet --root "$site" 2> "$OUT/stderr"
  echo $? > "$OUT/status"
else
  set +e
  (trap '' XFSZ; ulimit -f 2048; exec "$ROUNDUP" build --offline --quiet --root "$site") 2> "$OUT/stderr"
  echo $? > "$OUT/status"
fi
set -e
cp -a "$site/public" "$OUT/after"
ls -a "$site" > "$OUT/beside"
"#;
    std::fs::write(out_dir.path().join("big.md"), &big).unwrap();
    let src = site.root();
    let namespaced = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "true"])
        .status()
        .is_ok_and(|s| s.success());
    let mnt = out_dir.path().join("mnt");
    std::fs::create_dir_all(&mnt).unwrap();
    std::fs::create_dir_all(out_dir.path().join("site")).unwrap();
    let mut command = if namespaced {
        let mut c = Command::new("unshare");
        c.args(["--mount", "--propagation", "private", "bash", "-c", script])
            .env("MNT", &mnt);
        c
    } else {
        let mut c = Command::new("bash");
        c.args(["-c", script]);
        c
    };
    command
        .env("OUT", out_dir.path())
        .env("SRC", src)
        .env("BIG", out_dir.path().join("big.md"))
        .env("ROUNDUP", env!("CARGO_BIN_EXE_roundup"));
    let out = command.output().unwrap();
    assert!(out.status.success(), "the trial's script: {}", stderr(&out));
    let read = |name: &str| std::fs::read_to_string(out_dir.path().join(name)).unwrap();
    let said = read("stderr");
    assert_eq!(read("status").trim(), "1", "the build failed: {said}");
    let why = if namespaced {
        "No space left on device"
    } else {
        "File too large"
    };
    assert!(said.contains(why), "{said}");
    assert_eq!(
        said.matches(why).count(),
        1,
        "the cause is said once: {said}"
    );
    let old: PathBuf = out_dir.path().join("old");
    assert!(
        snapshot(&out_dir.path().join("after")) == snapshot(&old),
        "the old site did not stay whole"
    );
    let beside = read("beside");
    assert!(
        beside
            .lines()
            .all(|name| !name.starts_with(".public.") || name == STATE),
        "a staging folder was left: {beside}"
    );
    eprintln!(
        "full disk trial: {} — {}",
        if namespaced {
            "a 48 MiB tmpfs, filled"
        } else {
            "RLIMIT_FSIZE of 2 MiB"
        },
        said.trim()
    );
}

/// Hears whether a build had to wait for the site's lock.
#[derive(Default)]
struct Heard(std::sync::Mutex<Vec<Option<u32>>>);

impl roundup::fetch::Progress for Heard {
    fn waiting(&self, pid: Option<u32>) {
        self.0.lock().unwrap().push(pid);
    }
}

#[test]
fn a_rebuild_of_the_preview_waits_for_a_build_then_goes_on() {
    let site = new_site(3);
    let dir = site.root().join(".roundup");
    let held = roundup::archive::SiteLock::acquire(&dir, Duration::ZERO, &|_| {}).unwrap();
    // As `roundup serve` rebuilds: into .roundup/serve, offline, with no copy of the archive.
    let mut settings = site.settings();
    settings.output = dir.join("serve");
    settings.archive_copy = false;
    let heard = Heard::default();
    std::thread::scope(|scope| {
        let rebuild = scope
            .spawn(|| roundup::cmd::build::run(&settings, common::runtime(), &heard).map(|_| ()));
        std::thread::sleep(Duration::from_millis(500));
        assert!(
            !rebuild.is_finished(),
            "the rebuild waits while the lock is held"
        );
        drop(held);
        rebuild.join().unwrap().unwrap();
    });
    assert_eq!(*heard.0.lock().unwrap(), [Some(std::process::id())]);
    assert!(dir.join("serve/index.html").is_file());
}
