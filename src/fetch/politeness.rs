//! How many fetches run at once: at most `per_host` to one host (politeness), and at most
//! `concurrency` in all (the machine's and the network's share); and whether a fetch's
//! connection is worth keeping open for a later fetch of its host.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::Url;

use super::{FetchSettings, Request};

/// The slots of one build's fetches: one semaphore for all, and one per host with a count of
/// the host's fetches not yet started.
pub(super) struct Limits {
    global: Arc<Semaphore>,
    hosts: HashMap<String, Host>,
    per_host: usize,
}

struct Host {
    slots: Arc<Semaphore>,
    not_started: AtomicUsize,
}

/// A fetch's right to run, held until it ends.
pub(super) struct Slots {
    _host: OwnedSemaphorePermit,
    _global: OwnedSemaphorePermit,
    /// Enough fetches of this host wait behind this one that its connection will be reused;
    /// if not, it is closed when the answer is read rather than left idle, so the sockets a
    /// build holds follow the fetches running, not every host it has seen.
    pub(super) keep_alive: bool,
}

impl Limits {
    /// The limits for fetching `requests`.
    pub(super) fn new(requests: &[Request], settings: &FetchSettings) -> Self {
        let per_host = settings.per_host.max(1);
        let mut hosts: HashMap<String, Host> = HashMap::new();
        for request in requests {
            hosts
                .entry(host_of(&request.url))
                .or_insert_with(|| Host {
                    slots: Arc::new(Semaphore::new(per_host)),
                    not_started: AtomicUsize::new(0),
                })
                .not_started
                .fetch_add(1, Ordering::Relaxed);
        }
        Limits {
            global: Arc::new(Semaphore::new(settings.concurrency.max(1))),
            hosts,
            per_host,
        }
    }

    /// Waits for a slot at the host of `url`, then for one of the global slots: in that
    /// order, so a fetch waiting for a busy host never holds a global slot idle while fetches
    /// of other hosts could use it.
    pub(super) async fn acquire(&self, url: &Url) -> Slots {
        let host = &self.hosts[&host_of(url)];
        let host_slot = Arc::clone(&host.slots)
            .acquire_owned()
            .await
            .expect("never closed");
        let global = Arc::clone(&self.global)
            .acquire_owned()
            .await
            .expect("never closed");
        // Each of the host's slots hands its connection on to the next fetch waiting for it:
        // worth keeping only while at least a slot's worth of fetches are still to start.
        let behind = host.not_started.fetch_sub(1, Ordering::Relaxed) - 1;
        Slots {
            _host: host_slot,
            _global: global,
            keep_alive: behind >= self.per_host,
        }
    }
}

/// The host politeness is counted by: the name, without case, not the port.
fn host_of(url: &Url) -> String {
    url.host_str().unwrap_or_default().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use futures::FutureExt as _;

    use super::*;

    fn request(url: &str) -> Request {
        Request {
            key: crate::post::FeedKey(url.to_string()),
            url: Url::parse(url).unwrap(),
            etag: None,
            last_modified: None,
        }
    }

    fn limits(requests: &[Request], concurrency: usize, per_host: usize) -> Limits {
        let settings = FetchSettings {
            concurrency,
            per_host,
            timeout: std::time::Duration::from_secs(1),
            connect_timeout: std::time::Duration::from_secs(1),
            max_bytes: 1,
            user_agent: String::new(),
            retries: 0,
            backoff: std::time::Duration::ZERO,
        };
        Limits::new(requests, &settings)
    }

    #[test]
    fn a_fetch_waiting_for_its_host_holds_no_global_slot() {
        let requests = [
            request("http://a.example/1"),
            request("http://a.example/2"),
            request("http://b.example/1"),
        ];
        let limits = limits(&requests, 2, 1);
        let first = limits.acquire(&requests[0].url).now_or_never();
        assert!(first.is_some(), "the first fetch runs at once");
        // The second fetch of a.example waits for its host: polled once, it must not have
        // taken the second global slot on the way.
        let mut second = Box::pin(limits.acquire(&requests[1].url));
        assert!((&mut second).now_or_never().is_none());
        assert!(
            limits.acquire(&requests[2].url).now_or_never().is_some(),
            "b.example takes the global slot a.example's waiting fetch left free"
        );
    }

    #[test]
    fn only_a_connection_a_later_fetch_of_its_host_can_use_is_kept_open() {
        let requests: Vec<Request> = (0..5)
            .map(|i| request(&format!("http://a.example/{i}")))
            .chain([request("http://b.example/")])
            .collect();
        let limits = limits(&requests, 10, 2);
        let mut kept = Vec::new();
        for r in &requests[..5] {
            let slots = limits.acquire(&r.url).now_or_never().expect("a free slot");
            kept.push(slots.keep_alive);
            // Done: its slots go back for the next.
        }
        // Five fetches of a.example two at a time: the first three hand their connections on
        // to the last three... of which the last two have no one to hand theirs to.
        assert_eq!(kept, [true, true, true, false, false]);
        let alone = limits.acquire(&requests[5].url).now_or_never().unwrap();
        assert!(
            !alone.keep_alive,
            "a host's only fetch closes its connection"
        );
    }
}
