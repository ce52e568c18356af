//! A small HTTP/1.1 server on 127.0.0.1 for tests and benchmarks.
//!
//! Made by hand rather than with a framework because the faults it must stage (a body that
//! drips one byte a second, a truncated body, a connection that never answers) are exactly what
//! a well-behaved server library refuses to do.
#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as the handler sees it.
#[derive(Debug, Clone)]
pub struct Req {
    /// `GET`, ...
    pub method: String,
    /// The path and query.
    pub path: String,
    /// Header names in lower case.
    pub headers: HashMap<String, String>,
    /// The first request on its connection: a real network charged a round trip to open it.
    pub new_connection: bool,
}

impl Req {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// How the body is sent.
#[derive(Debug, Clone)]
pub enum Body {
    /// All at once, with a correct `Content-Length`.
    Bytes(Vec<u8>),
    /// One byte at a time with a pause between.
    Drip(Vec<u8>, Duration),
    /// Declares `Content-Length: declared` and sends only these bytes, then closes.
    Truncated(Vec<u8>, usize),
    /// Sends nothing at all and keeps the connection open.
    Hang,
}

/// A response.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Body,
    /// Waited before answering: network latency.
    pub delay: Duration,
}

impl Reply {
    /// 200 with a body and a content type.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: Body::Bytes(body.into()),
            delay: Duration::ZERO,
        }
    }

    /// A status with an empty body.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Body::Bytes(Vec::new()),
            delay: Duration::ZERO,
        }
    }

    /// A redirect.
    pub fn redirect(status: u16, to: &str) -> Reply {
        Reply::status(status).with("Location", to)
    }

    /// A feed with an ETag, answering 304 when the request already has it.
    pub fn feed_with_etag(req: &Req, content_type: &str, body: &[u8], etag: &str) -> Reply {
        if req.header("if-none-match") == Some(etag) {
            Reply::status(304).with("ETag", etag)
        } else {
            Reply::ok(content_type, body.to_vec()).with("ETag", etag)
        }
    }

    /// Adds a header.
    pub fn with(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Answers after a pause.
    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

type Handler = Arc<dyn Fn(&Req) -> Reply + Send + Sync>;

/// A running server; it stops when the test process ends.
pub struct Server {
    addrs: Vec<SocketAddr>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    gauge: Arc<Mutex<Gauge>>,
}

/// Requests being answered at once, in all and per address, and connections opened.
#[derive(Debug, Default)]
struct Gauge {
    now: usize,
    peak: usize,
    per_host: HashMap<IpAddr, (usize, usize)>,
    connections: usize,
    closed: usize,
    peak_open: usize,
}

impl Gauge {
    fn enter(&mut self, host: IpAddr) {
        self.now += 1;
        self.peak = self.peak.max(self.now);
        let (now, peak) = self.per_host.entry(host).or_default();
        *now += 1;
        *peak = (*peak).max(*now);
    }

    fn leave(&mut self, host: IpAddr) {
        self.now -= 1;
        if let Some((now, _)) = self.per_host.get_mut(&host) {
            *now -= 1;
        }
    }
}

/// Counts a request as being answered until it is dropped, however its answer ends.
struct Answering {
    gauge: Arc<Mutex<Gauge>>,
    host: IpAddr,
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.gauge.lock().expect("not poisoned").leave(self.host);
    }
}

impl Server {
    /// Starts a server on a free port of 127.0.0.1, answering every request with `handler`.
    pub fn start(handler: impl Fn(&Req) -> Reply + Send + Sync + 'static) -> Server {
        Server::start_on(&[IpAddr::V4(Ipv4Addr::LOCALHOST)], handler)
    }

    /// Starts one server on a free port of each address (`127.0.0.2`, `127.0.0.3`, ... stand
    /// in for many hosts: all of 127.0.0.0/8 is loopback), all answering with `handler`.
    pub fn start_on(
        ips: &[IpAddr],
        handler: impl Fn(&Req) -> Reply + Send + Sync + 'static,
    ) -> Server {
        let handler: Handler = Arc::new(handler);
        let hits = Arc::new(Mutex::new(HashMap::new()));
        let gauge = Arc::new(Mutex::new(Gauge::default()));
        let (tx, rx) = std::sync::mpsc::channel();
        let (counted, measured) = (Arc::clone(&hits), Arc::clone(&gauge));
        let ips = ips.to_vec();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let mut addrs = Vec::with_capacity(ips.len());
                for ip in ips {
                    let listener = TcpListener::bind((ip, 0)).await.expect("a free port");
                    addrs.push(listener.local_addr().expect("an address"));
                    let (handler, hits, gauge) = (
                        Arc::clone(&handler),
                        Arc::clone(&counted),
                        Arc::clone(&measured),
                    );
                    tokio::spawn(async move {
                        loop {
                            let Ok((stream, _)) = listener.accept().await else {
                                continue;
                            };
                            {
                                let mut gauge = gauge.lock().expect("not poisoned");
                                gauge.connections += 1;
                                gauge.peak_open =
                                    gauge.peak_open.max(gauge.connections - gauge.closed);
                            }
                            let (handler, hits, gauge) =
                                (Arc::clone(&handler), Arc::clone(&hits), Arc::clone(&gauge));
                            tokio::spawn(async move {
                                let _ = serve(stream, handler, hits, gauge).await;
                            });
                        }
                    });
                }
                tx.send(addrs).expect("the test waits");
                std::future::pending::<()>().await;
            });
        });
        let addrs = rx.recv().expect("the server starts");
        Server { addrs, hits, gauge }
    }

    /// An absolute URL on this server (on its first address).
    pub fn url(&self, path: &str) -> String {
        self.url_on(0, path)
    }

    /// An absolute URL on the server at its `host`th address.
    pub fn url_on(&self, host: usize, path: &str) -> String {
        format!("http://{}{path}", self.addrs[host])
    }

    /// How many requests a path has had.
    pub fn hits(&self, path: &str) -> usize {
        self.hits
            .lock()
            .expect("not poisoned")
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    /// How many requests in all.
    pub fn total_hits(&self) -> usize {
        self.hits.lock().expect("not poisoned").values().sum()
    }

    /// The most requests being answered at once, over all addresses.
    pub fn peak_requests(&self) -> usize {
        self.gauge.lock().expect("not poisoned").peak
    }

    /// The most requests being answered at once at any one address.
    pub fn peak_requests_per_host(&self) -> usize {
        let gauge = self.gauge.lock().expect("not poisoned");
        gauge
            .per_host
            .values()
            .map(|(_, peak)| *peak)
            .max()
            .unwrap_or(0)
    }

    /// Starts the peaks again from what is being answered now, to measure one run of many.
    pub fn reset_peaks(&self) {
        let mut gauge = self.gauge.lock().expect("not poisoned");
        gauge.peak = gauge.now;
        gauge.peak_open = gauge.connections - gauge.closed;
        for (now, peak) in gauge.per_host.values_mut() {
            *peak = *now;
        }
    }

    /// Connections accepted, over all addresses.
    pub fn connections(&self) -> usize {
        self.gauge.lock().expect("not poisoned").connections
    }

    /// The most connections open at once, over all addresses.
    pub fn peak_open_connections(&self) -> usize {
        self.gauge.lock().expect("not poisoned").peak_open
    }

    /// Connections open now, over all addresses.
    pub fn open_connections(&self) -> usize {
        let gauge = self.gauge.lock().expect("not poisoned");
        gauge.connections - gauge.closed
    }
}

async fn serve(
    mut stream: TcpStream,
    handler: Handler,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    gauge: Arc<Mutex<Gauge>>,
) -> std::io::Result<()> {
    let _open = Open(Arc::clone(&gauge));
    let host = stream.local_addr()?.ip();
    let mut new_connection = true;
    loop {
        let Some(mut req) = read_request(&mut stream).await? else {
            return Ok(());
        };
        req.new_connection = std::mem::take(&mut new_connection);
        gauge.lock().expect("not poisoned").enter(host);
        let _answering = Answering {
            gauge: Arc::clone(&gauge),
            host,
        };
        let close = req
            .header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        *hits
            .lock()
            .expect("not poisoned")
            .entry(req.path.clone())
            .or_default() += 1;
        let reply = handler(&req);
        if !reply.delay.is_zero() {
            tokio::time::sleep(reply.delay).await;
        }
        let length = match &reply.body {
            Body::Bytes(b) | Body::Drip(b, _) => Some(b.len()),
            Body::Truncated(_, declared) => Some(*declared),
            Body::Hang => None,
        };
        let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
        for (name, value) in &reply.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(length) = length {
            head.push_str(&format!("Content-Length: {length}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await?;
        match reply.body {
            Body::Bytes(bytes) => stream.write_all(&bytes).await?,
            Body::Drip(bytes, every) => {
                for byte in bytes {
                    stream.write_all(&[byte]).await?;
                    stream.flush().await?;
                    tokio::time::sleep(every).await;
                }
            }
            Body::Truncated(bytes, _) => {
                stream.write_all(&bytes).await?;
                return stream.shutdown().await;
            }
            Body::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return Ok(());
            }
        }
        stream.flush().await?;
        if close {
            return stream.shutdown().await;
        }
    }
}

/// Counts a connection as open until its task ends.
struct Open(Arc<Mutex<Gauge>>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.lock().expect("not poisoned").closed += 1;
    }
}

async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<Req>> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1024];
    let end = loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut byte).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&byte[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]);
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let path = first.next().unwrap_or_default().to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok(Some(Req {
        method,
        path,
        headers,
        new_connection: false,
    }))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        308 => "Permanent Redirect",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Serves a built site from `dir` at `base_path` (`/` or `/weeknotes/`), as GitHub Pages would:
/// `x/` is `x/index.html`, and a missing page is the site's `404.html` with status 404.
pub fn serve_dir(dir: &std::path::Path, base_path: &str) -> Server {
    let dir = dir.to_path_buf();
    let base = base_path.to_string();
    Server::start(move |req| {
        let path = req.path.split(['?', '#']).next().unwrap_or_default();
        let Some(relative) = path.strip_prefix(&base) else {
            return Reply::status(404);
        };
        let relative = percent_decode(relative);
        let mut file = dir.join(relative.trim_start_matches('/'));
        if relative.is_empty() || relative.ends_with('/') || file.is_dir() {
            file = file.join("index.html");
        }
        let safe = !relative.split('/').any(|part| part == "..");
        match std::fs::read(&file) {
            Ok(bytes) if safe => Reply::ok(content_type(&file), bytes),
            _ => match std::fs::read(dir.join("404.html")) {
                Ok(bytes) => Reply {
                    status: 404,
                    ..Reply::ok("text/html; charset=utf-8", bytes)
                },
                Err(_) => Reply::status(404),
            },
        }
    })
}

fn content_type(file: &std::path::Path) -> &'static str {
    match file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "opml" => "text/x-opml",
        "wasm" => "application/wasm",
        "png" => "image/png",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}
