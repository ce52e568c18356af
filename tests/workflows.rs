//! The GitHub Actions workflows a fork deploys with: read as YAML and held to what they must do.

use serde_json::Value;

fn workflow(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".github/workflows")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn steps<'a>(workflow: &'a Value, job: &str) -> &'a Vec<Value> {
    workflow["jobs"][job]["steps"].as_array().unwrap()
}

fn position(steps: &[Value], find: impl Fn(&Value) -> bool) -> usize {
    steps.iter().position(find).expect("the step is there")
}

fn uses(step: &Value, action: &str) -> bool {
    step["uses"]
        .as_str()
        .is_some_and(|u| u.starts_with(&format!("{action}@")))
}

#[test]
fn pages_builds_on_push_hourly_and_by_hand_and_deploys() {
    let pages = workflow("pages.yml");
    assert_eq!(pages["on"]["push"]["branches"], serde_json::json!(["main"]));
    let cron = pages["on"]["schedule"][0]["cron"].as_str().unwrap();
    assert_eq!(cron.split_whitespace().nth(1), Some("*"), "hourly: {cron}");
    assert!(pages["on"].get("workflow_dispatch").is_some());
    assert_eq!(pages["permissions"]["pages"], "write");
    assert_eq!(pages["permissions"]["id-token"], "write");

    let build = steps(&pages, "build");
    let archive = position(build, |s| {
        uses(s, "actions/cache") && s["with"]["path"].as_str().unwrap().contains(".roundup")
    });
    let key = build[archive]["with"]["key"].as_str().unwrap();
    assert!(
        key.contains("github.run_id"),
        "each run saves a fresh copy: {key}"
    );
    let prefix = build[archive]["with"]["restore-keys"].as_str().unwrap();
    assert!(
        key.starts_with(prefix.trim()),
        "restore-keys is a prefix of the key: {prefix} / {key}"
    );
    assert!(
        build
            .iter()
            .any(|s| uses(s, "actions/cache")
                && s["with"]["path"].as_str().unwrap().contains(".cargo")),
        "cargo is cached"
    );
    let configure = position(build, |s| uses(s, "actions/configure-pages"));
    let id = build[configure]["id"].as_str().unwrap();
    let run = position(build, |s| {
        s["run"].as_str().is_some_and(|r| r.contains("-- build"))
    });
    let command = build[run]["run"].as_str().unwrap();
    assert!(
        command.contains(&format!(
            "--base-url \"${{{{ steps.{id}.outputs.base_url }}}}/\""
        )),
        "{command}"
    );
    // When the cache misses, the archive comes back from the copy the site published.
    let restore = position(build, |s| {
        s["run"]
            .as_str()
            .is_some_and(|r| r.contains("import --merge"))
    });
    let script = build[restore]["run"].as_str().unwrap();
    assert!(
        script.contains("$SITE/roundup/archive.json") && script.contains("archive.jsonl.gz"),
        "{script}"
    );
    assert!(
        build[restore]["env"]["SITE"]
            .as_str()
            .unwrap()
            .contains(&format!("steps.{id}.outputs.base_url"))
    );
    assert!(
        command.contains("--published-record .roundup/published/archive.json"),
        "the build checks the archive against the published record: {command}"
    );
    assert!(
        archive < restore && configure < restore && restore < run,
        "cache, Pages address, restore, build: in that order"
    );
    assert_eq!(
        pages["permissions"]["contents"], "read",
        "the durable copy needs no write access to the repository"
    );
    let upload = position(build, |s| uses(s, "actions/upload-pages-artifact"));
    assert_eq!(build[upload]["with"]["path"], "public");
    assert!(
        archive < run && configure < run && run < upload,
        "restore, configure, build, upload: in that order"
    );

    assert_eq!(pages["jobs"]["deploy"]["needs"], "build");
    assert!(
        steps(&pages, "deploy")
            .iter()
            .any(|s| uses(s, "actions/deploy-pages"))
    );
}

#[test]
fn check_runs_the_changed_feeds_and_the_tests_on_pull_requests() {
    let check = workflow("check.yml");
    assert!(check["on"].get("pull_request").is_some());
    let steps = steps(&check, "check");
    let checkout = position(steps, |s| uses(s, "actions/checkout"));
    assert_eq!(
        steps[checkout]["with"]["fetch-depth"], 0,
        "--changed-since needs the history"
    );
    let feeds = position(steps, |s| {
        s["run"]
            .as_str()
            .is_some_and(|r| r.contains("check --feeds"))
    });
    assert!(
        steps[feeds]["run"]
            .as_str()
            .unwrap()
            .contains("--changed-since \"origin/")
    );
    assert!(
        steps
            .iter()
            .any(|s| s["run"].as_str().is_some_and(|r| r.trim() == "cargo test"))
    );
}
