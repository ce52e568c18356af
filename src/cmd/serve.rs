//! `roundup serve`: builds the site, serves it on 127.0.0.1, rebuilds when a source file
//! changes, and reloads open pages.
//!
//! The site is built into `.roundup/serve/`, so `public/` (what gets deployed) is left alone,
//! with `base_url` pointing at the local server under the real base URL's subpath. Rebuilds
//! read feeds from the archive; only `--fetch` fetches them. A failed rebuild keeps the last
//! good site, prints the error and shows it on every page until the next good build.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};
use tokio::sync::broadcast;
use tokio_stream::StreamExt as _;
use tokio_stream::wrappers::BroadcastStream;
use url::Url;

use tokio::runtime::Handle;

use super::CommandError;
use super::build::{self, BuildReport, BuildSettings};
use crate::fetch::Progress;
use crate::site::paths;

/// The address of the reload events; outside any site's paths.
const EVENTS: &str = "/__roundup/events";

/// What a change to the site led to, for the terminal.
#[derive(Debug)]
pub enum ServeEvent {
    /// The server is up.
    Listening(Url),
    /// A build finished.
    Built(Box<BuildReport>),
    /// A build failed; the error is also shown on the pages.
    Failed(String),
    /// Files changed; a rebuild starts.
    Changed(Vec<PathBuf>),
}

/// What `roundup serve` runs with.
#[derive(Debug, Clone)]
pub struct ServeSettings {
    /// How to build; its output and base URL are set by `serve`.
    pub build: BuildSettings,
    /// The port to listen on; 0 picks a free one.
    pub port: u16,
    /// Fetch the feeds on the first build.
    pub fetch: bool,
}

/// Shared between the web server and the watcher.
#[derive(Clone)]
struct Shared {
    output: PathBuf,
    base_path: String,
    error: Arc<Mutex<Option<String>>>,
    reload: broadcast::Sender<()>,
}

/// Serves until interrupted, on `runtime`; `report` hears about every build.
pub fn run(
    settings: ServeSettings,
    runtime: &Handle,
    progress: &dyn Progress,
    report: &(dyn Fn(ServeEvent) + Sync),
) -> Result<(), CommandError> {
    let listen = |source| CommandError::Serve {
        action: format!("cannot listen on 127.0.0.1:{}", settings.port),
        source,
    };
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(SocketAddr::from((
            [127, 0, 0, 1],
            settings.port,
        ))))
        .map_err(listen)?;
    let address = listener.local_addr().map_err(listen)?;

    let config = build::load_config(&settings.build).map_err(build::BuildError::from)?;
    let base_path = config.base_path().to_string();
    let local = Url::parse(&format!("http://{address}{base_path}"))
        .expect("a socket address and a URL path make a URL");
    let mut build = settings.build.clone();
    build.output = build.root.join(&config.archive.dir).join("serve");
    build.base_url = Some(local.clone());
    build.offline = !settings.fetch;
    // A preview publishes nothing, so it needs no copy of the archive to restore from.
    build.archive_copy = false;

    let shared = Shared {
        output: build.output.clone(),
        base_path,
        error: Arc::new(Mutex::new(None)),
        reload: broadcast::channel(16).0,
    };
    let (tx, rx) = std::sync::mpsc::channel::<DebounceEventResult>();
    let watch = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CommandError::Watch { path, source }
    };
    let mut watcher =
        new_debouncer(Duration::from_millis(300), None, tx).map_err(watch(&build.root))?;
    for path in watched(&build.root) {
        watcher
            .watch(&path, RecursiveMode::Recursive)
            .map_err(watch(&path))?;
    }
    let ignored = [
        build.output.clone(),
        build.root.join(&config.archive.dir),
        settings.build.output.clone(),
    ];
    // Watching starts before the first build, so an edit made while it runs, or just after
    // the address is printed, is never missed.
    rebuild(&build, runtime, progress, &shared, report);
    build.offline = true;
    let app = Router::new()
        .route(EVENTS, get(events))
        .fallback(get(page))
        .with_state(shared.clone());
    report(ServeEvent::Listening(local));
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for result in rx {
                let Ok(events) = result else { continue };
                let mut changed: Vec<PathBuf> = events
                    .iter()
                    // A build reads the sources, and reading is reported too: without this,
                    // every build would start the next.
                    .filter(|e| !matches!(e.kind, EventKind::Access(_)))
                    .flat_map(|e| e.paths.iter())
                    .filter(|p| !ignored.iter().any(|i| p.starts_with(i)))
                    .cloned()
                    .collect();
                changed.sort();
                changed.dedup();
                if changed.is_empty() {
                    continue;
                }
                report(ServeEvent::Changed(changed));
                rebuild(&build, runtime, progress, &shared, report);
            }
        });
        let served = runtime.block_on(async {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await
        });
        // Dropping the watcher ends the loop above.
        drop(watcher);
        served.map_err(|source| CommandError::Serve {
            action: "stopped".to_string(),
            source,
        })
    })
}

/// What is watched: the sources of a site, where they exist.
fn watched(root: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = ["content", "themes", "templates", "static", "i18n"]
        .iter()
        .map(|dir| root.join(dir))
        .filter(|p| p.is_dir())
        .collect();
    paths.push(root.join(crate::config::FILE_NAME));
    paths
}

fn rebuild(
    build: &BuildSettings,
    runtime: &Handle,
    progress: &dyn Progress,
    shared: &Shared,
    report: &(dyn Fn(ServeEvent) + Sync),
) {
    let mut build = build.clone();
    build.now = chrono::Utc::now();
    let outcome = build::run(&build, runtime, progress);
    let error = outcome.as_ref().err().map(ToString::to_string);
    *shared.error.lock().expect("not poisoned") = error.clone();
    match outcome {
        Ok(built) => report(ServeEvent::Built(Box::new(built))),
        Err(_) => report(ServeEvent::Failed(error.unwrap_or_default())),
    }
    let _ = shared.reload.send(());
}

async fn events(State(shared): State<Shared>) -> impl IntoResponse {
    let stream = BroadcastStream::new(shared.reload.subscribe())
        .map(|_| Ok::<_, std::convert::Infallible>(Event::default().data("reload")));
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// A file of the site; HTML gets the reload script and, after a failed build, the error.
async fn page(State(shared): State<Shared>, uri: Uri) -> Response {
    let path = percent_encoding::percent_decode_str(uri.path())
        .decode_utf8_lossy()
        .into_owned();
    if path == "/" && shared.base_path != "/" {
        // The site lives under a subpath, as it will on GitHub Pages.
        return axum::response::Redirect::temporary(&shared.base_path).into_response();
    }
    let Some(relative) = path
        .strip_prefix(&shared.base_path)
        .or_else(|| path.strip_prefix(shared.base_path.trim_end_matches('/')))
    else {
        return not_found(&shared).await;
    };
    if relative.split('/').any(|part| part == "..") {
        return not_found(&shared).await;
    }
    let relative = relative.trim_start_matches('/');
    let mut file = shared.output.join(paths::output_file(relative));
    if file.is_dir() {
        // An address without its trailing slash.
        file = file.join(paths::output_file(""));
    }
    match tokio::fs::read(&file).await {
        Ok(bytes) => respond(&shared, &file, bytes, StatusCode::OK),
        Err(_) => not_found(&shared).await,
    }
}

async fn not_found(shared: &Shared) -> Response {
    let file = shared.output.join("404.html");
    match tokio::fs::read(&file).await {
        Ok(bytes) => respond(shared, &file, bytes, StatusCode::NOT_FOUND),
        Err(_) => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

fn respond(shared: &Shared, file: &Path, bytes: Vec<u8>, status: StatusCode) -> Response {
    let mime = mime_guess::from_path(file).first_or_octet_stream();
    let body = if mime.essence_str() == "text/html" {
        let error = shared.error.lock().expect("not poisoned").clone();
        Body::from(inject(&String::from_utf8_lossy(&bytes), error.as_deref()))
    } else {
        Body::from(bytes)
    };
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, mime.as_ref())
        .header(header::CACHE_CONTROL, "no-store")
        .body(body)
        .expect("a valid response")
}

/// Adds the reload script, and the build error if there is one, before `</body>`.
fn inject(html: &str, error: Option<&str>) -> String {
    let mut extra = String::new();
    if let Some(error) = error {
        extra.push_str(&format!(
            "<div role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;\
             margin:0;padding:1rem;background:#fff;color:#8a1c1c;border-top:4px solid #8a1c1c;\
             font:1rem/1.4 monospace;white-space:pre-wrap\">The last build failed, so this is the \
             previous version of the site:\n\n{}</div>",
            html_escape::encode_text(error)
        ));
    }
    extra.push_str(&format!(
        "<script>new EventSource(\"{EVENTS}\").onmessage = () => location.reload();</script>"
    ));
    match html.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &html[..at], &html[at..]),
        None => format!("{html}{extra}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reload_script_and_errors_go_before_the_end_of_the_body() {
        let page = inject(
            "<html><body><p>x</p></body></html>",
            Some("content/a.md:3: <bad>"),
        );
        assert!(page.contains("EventSource(\"/__roundup/events\")"));
        assert!(page.contains("content/a.md:3: &lt;bad&gt;"), "{page}");
        assert!(page.ends_with("</script></body></html>"), "{page}");
        assert!(!inject("<p>x</p>", None).contains("role=\"alert\""));
    }
}
