//! Name lookups through the system's resolver, failing with an error of our own type, so a
//! failed lookup is told from a refused connection by its type rather than by its wording.

use std::net::SocketAddr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// The system's resolver (getaddrinfo, on tokio's blocking pool).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct SystemResolver;

/// A host name that did not resolve.
#[derive(Debug, thiserror::Error)]
#[error("cannot look up {host}: {source}")]
pub(super) struct LookupFailed {
    /// The name.
    pub host: String,
    /// What the resolver said.
    pub source: std::io::Error,
}

impl Resolve for SystemResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found = tokio::net::lookup_host(format!("{host}:0")).await;
            match found {
                Ok(found) => {
                    let addrs: Vec<SocketAddr> = found.collect();
                    Ok(Box::new(addrs.into_iter()) as Addrs)
                }
                Err(source) => Err(Box::new(LookupFailed { host, source }) as _),
            }
        })
    }
}
