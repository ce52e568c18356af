use super::*;

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every file under `dir`, with its text.
fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let name = e.path().strip_prefix(dir).unwrap().to_string_lossy();
            (
                name.replace('\\', "/"),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Builds a site of `files` into `out`.
fn build(out: &Path, site: &Path, files: &[(&str, &str)]) -> OutputStats {
    let staging = Staging::new(out, site).unwrap();
    staging.write(MARKER, b"").unwrap();
    for (path, text) in files {
        staging.write(path, text.as_bytes()).unwrap();
    }
    staging.commit().unwrap()
}

fn expect(files: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .chain([(MARKER.to_string(), String::new())])
        .collect();
    all.sort();
    all
}

#[test]
fn a_dropped_build_leaves_the_old_site_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let site = tmp.path().join("site");
    build(&out, &site, &[("index.html", "one")]);

    let second = Staging::new(&out, &site).unwrap();
    second.write("index.html", b"two").unwrap();
    drop(second);
    assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"one");
    assert_eq!(
        names(tmp.path()),
        [".public.roundup", "public"],
        "nothing but the site and its state"
    );
}

#[test]
fn writing_a_kept_file_again_leaves_the_old_site_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let site = tmp.path().join("site");
    build(&out, &site, &[("a.txt", "old")]);

    // Kept (linked to the old site's file), then written again, then abandoned.
    let second = Staging::new(&out, &site).unwrap();
    assert_eq!(second.keep("a.txt").unwrap(), Some(3));
    second.write("a.txt", b"new").unwrap();
    drop(second);
    assert_eq!(std::fs::read(out.join("a.txt")).unwrap(), b"old");
}

#[test]
fn unchanged_files_are_not_rewritten() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    for round in 0..2 {
        let stats = build(
            &out,
            &tmp.path().join("site"),
            &[("same.html", "same"), ("changes.html", &format!("{round}"))],
        );
        if round == 1 {
            assert_eq!(stats.unchanged, 2);
            assert_eq!(stats.written, 1);
        }
    }
    assert_eq!(std::fs::read(out.join("changes.html")).unwrap(), b"1");
}

#[test]
fn builds_after_the_first_touch_only_what_changed_and_stay_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let site = tmp.path().join("site");
    let versions: [&[(&str, &str)]; 5] = [
        &[("a/index.html", "a1"), ("b/index.html", "b1")],
        &[("a/index.html", "a1"), ("b/index.html", "b2")],
        &[("a/index.html", "a1"), ("c/d/index.html", "c1")],
        &[("a/index.html", "a2"), ("c/d/index.html", "c1")],
        &[("a/index.html", "a1"), ("b/index.html", "b1")],
    ];
    for (i, files) in versions.iter().enumerate() {
        let stats = build(&out, &site, files);
        assert_eq!(tree(&out), expect(files), "build {i}");
        assert_eq!(stats.incremental, i > 0, "build {i}");
    }
    // The folder of a page that went stays gone.
    assert!(!out.join("c").exists());
}

#[test]
fn a_file_made_from_the_same_inputs_is_reused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let site = tmp.path().join("site");
    let key = Digest::of(b"inputs");
    let staging = Staging::new(&out, &site).unwrap();
    staging.write(MARKER, b"").unwrap();
    assert!(
        !staging.reuse("page.html", key).unwrap(),
        "nothing to reuse yet"
    );
    staging
        .write_made_from("page.html", key, b"rendered")
        .unwrap();
    staging.commit().unwrap();

    for round in 0..3 {
        let staging = Staging::new(&out, &site).unwrap();
        staging.write(MARKER, b"").unwrap();
        assert!(!staging.reuse("page.html", Digest::of(b"other")).unwrap());
        assert!(staging.reuse("page.html", key).unwrap(), "round {round}");
        staging.commit().unwrap();
        assert_eq!(std::fs::read(out.join("page.html")).unwrap(), b"rendered");
    }
}

#[test]
fn a_build_killed_while_writing_leaves_a_spare_that_is_never_trusted() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let site = tmp.path().join("site");
    build(&out, &site, &[("x.html", "1")]);
    build(&out, &site, &[("x.html", "2")]);
    // A build that dies without dropping its staging, as a killed process does: its lock goes
    // with the process, nothing else.
    let mut killed = Staging::new(&out, &site).unwrap();
    killed.write("x.html", b"3").unwrap();
    killed.write("y.html", b"3").unwrap();
    drop(std::mem::replace(
        &mut killed._lock,
        tempfile::tempfile().unwrap(),
    ));
    std::mem::forget(killed);
    assert_eq!(std::fs::read(out.join("x.html")).unwrap(), b"2");

    let files = [("x.html", "1")];
    build(&out, &site, &files);
    assert_eq!(tree(&out), expect(&files));
    build(&out, &site, &files);
    assert_eq!(tree(&out), expect(&files));
}

#[test]
fn a_site_restored_without_its_manifest_is_compared_by_reading() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let site = tmp.path().join("site");
    build(&out, &site, &[("x.html", "1")]);
    // As a CI cache restores it: the same files in a new folder.
    let copy = tmp.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    for (path, text) in tree(&out) {
        std::fs::write(copy.join(path), text).unwrap();
    }
    std::fs::remove_dir_all(&out).unwrap();
    std::fs::rename(&copy, &out).unwrap();
    let stats = build(&out, &site, &[("x.html", "1")]);
    assert!(!stats.incremental);
    assert_eq!(stats.written, 0, "{stats:?}");
}

#[test]
fn a_second_build_of_the_same_output_waits_its_turn() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let site = tmp.path().join("site");
    let first = Staging::new(&out, &site).unwrap();
    let err = Staging::new(&out, &site).unwrap_err();
    assert!(matches!(err, OutputError::Busy(_)), "{err}");
    drop(first);
    Staging::new(&out, &site).unwrap();
}

#[test]
fn paths_cannot_escape_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let staging = Staging::new(
        &tmp.path().join("public"),
        tmp.path().join("site").as_path(),
    )
    .unwrap();
    for bad in ["../x", "/etc/x", "a/../../x", "", "a\\..\\x", "./x"] {
        assert!(staging.write(bad, b"x").is_err(), "{bad}");
    }
}

#[test]
fn a_folder_roundup_did_not_write_is_not_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("docs");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("precious.txt"), "keep").unwrap();
    let err = Staging::new(&out, tmp.path().join("site").as_path()).unwrap_err();
    assert!(matches!(err, OutputError::NotOurs(_)));
    assert_eq!(names(tmp.path()), ["docs"], "nothing written beside it");
}

#[test]
fn the_output_cannot_hold_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let err = Staging::new(tmp.path(), &tmp.path().join("site")).unwrap_err();
    assert!(matches!(err, OutputError::OverlapsRoot { .. }));
}

#[test]
fn a_site_lost_mid_swap_by_an_older_roundup_is_restored() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let old = tmp.path().join(".public.old-1");
    std::fs::create_dir(&old).unwrap();
    std::fs::write(old.join("index.html"), "old").unwrap();
    std::fs::write(old.join(MARKER), "").unwrap();
    let staging = Staging::new(&out, &tmp.path().join("site")).unwrap();
    drop(staging);
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "old"
    );
}

#[test]
fn a_site_waiting_aside_after_a_kill_goes_back() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let site = tmp.path().join("site");
    build(&out, &site, &[("index.html", "old")]);
    // Killed between the two renames of a swap without an atomic exchange.
    let aside = tmp.path().join(".public.roundup").join(ASIDE);
    std::fs::rename(&out, &aside).unwrap();
    let staging = Staging::new(&out, &site).unwrap();
    drop(staging);
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        "old"
    );
}
