//! How many fetches run at once: at most `per_host` to one host (politeness), and at most
//! `concurrency` in all (the machine's and the network's share).

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, SemaphorePermit};
use url::Url;

use super::{FetchSettings, Request};

/// The slots of one build's fetches: one semaphore for all, one per host.
pub(super) struct Limits {
    global: Semaphore,
    hosts: HashMap<String, Arc<Semaphore>>,
}

/// A fetch's right to run, held until it ends.
pub(super) struct Slots<'a> {
    _host: OwnedSemaphorePermit,
    _global: SemaphorePermit<'a>,
}

impl Limits {
    /// The limits for fetching `requests`.
    pub(super) fn new(requests: &[Request], settings: &FetchSettings) -> Self {
        let hosts = requests
            .iter()
            .map(|r| {
                (
                    host_of(&r.url),
                    Arc::new(Semaphore::new(settings.per_host.max(1))),
                )
            })
            .collect();
        Limits {
            global: Semaphore::new(settings.concurrency.max(1)),
            hosts,
        }
    }

    /// Waits for a slot at the host of `url`, then for one of the global slots: in that
    /// order, so a fetch waiting for a busy host never holds a global slot idle.
    pub(super) async fn acquire(&self, url: &Url) -> Slots<'_> {
        let host = Arc::clone(&self.hosts[&host_of(url)]);
        let host = host.acquire_owned().await.expect("never closed");
        let global = self.global.acquire().await.expect("never closed");
        Slots {
            _host: host,
            _global: global,
        }
    }
}

/// The host politeness is counted by: the name, without case, not the port.
fn host_of(url: &Url) -> String {
    url.host_str().unwrap_or_default().to_ascii_lowercase()
}
