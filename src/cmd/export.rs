//! `roundup export`: the archive, every post of it whole, and the local posts, in the
//! [`export`](crate::export) format: a backup that `roundup import` restores, and the user's way
//! out with all their data.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::CommandError;
use crate::archive::{Archive, SiteLock};
use crate::config::Config;
use crate::content;
use crate::export::{self, Counts, Scope};
use crate::refresh::refresh;
use crate::render::Links;
use crate::site::{self, Selection};

/// What `roundup export` runs with.
#[derive(Debug, Clone)]
pub struct ExportSettings {
    /// The site's root.
    pub root: PathBuf,
    /// Everything, or only what the site may publish.
    pub scope: Scope,
    /// For the permalinks of posts dated in the future.
    pub now: DateTime<Utc>,
    /// How long to wait for a build of the site to finish.
    pub lock_timeout: Duration,
}

/// Writes the export of the site at `settings.root` to `out`; `waiting` hears when a build of
/// the site holds its lock.
///
/// Drafts and future posts are included; archived posts the site does not publish (of feeds
/// no longer in `feeds.toml`, or copies of a post another feed also carries) have no permalink.
pub fn run(
    settings: &ExportSettings,
    out: &mut dyn Write,
    waiting: &dyn Fn(Option<u32>),
) -> Result<Counts, CommandError> {
    let config = Config::load(&settings.root)?;
    let local = content::load(&settings.root, config.site.timezone)?;
    let dir = settings.root.join(&config.archive.dir);
    let _lock = SiteLock::acquire(&dir, settings.lock_timeout, waiting)?;
    let mut archive = Archive::open(&dir)?;
    let feeds = refresh(&config, &mut archive, None, settings.now)?;
    let everything = Selection {
        drafts: true,
        future: true,
        now: settings.now,
    };
    let site = site::build(&config, local, archive.entries()?, &feeds, &[], everything);
    let counts = export::write(out, &archive, &site, &Links::new(&config), settings.scope)
        .map_err(|e| CommandError::Export {
            path: "the export".into(),
            source: e,
        })?;
    Ok(counts)
}
