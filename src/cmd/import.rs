//! `roundup import FILE`: restores the archive from an export, or from the copy a site
//! publishes, in one transaction.

use std::path::PathBuf;
use std::time::Duration;

use super::{CommandError, io};
use crate::archive::{Archive, Restore, SiteLock};
use crate::config::Config;
use crate::export::{self, Imported};

/// What `roundup import` runs with.
#[derive(Debug, Clone)]
pub struct ImportSettings {
    /// The site's root.
    pub root: PathBuf,
    /// The export, plain or gzip; `-` reads standard input.
    pub file: PathBuf,
    /// Into an archive that holds something: add what it lacks.
    pub merge: bool,
    /// How long to wait for a build of the site to finish.
    pub lock_timeout: Duration,
}

/// Imports `settings.file` into the archive of the site at `settings.root`; `waiting` hears
/// when a build of the site holds its lock.
pub fn run(
    settings: &ImportSettings,
    waiting: &dyn Fn(Option<u32>),
) -> Result<Imported, CommandError> {
    let config = Config::load(&settings.root)?;
    let dir = settings.root.join(&config.archive.dir);
    let input: Box<dyn std::io::BufRead> = if settings.file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(&settings.file).map_err(io("read", &settings.file))?;
        Box::new(std::io::BufReader::new(file))
    };
    let _lock = SiteLock::acquire(&dir, settings.lock_timeout, waiting)?;
    let mut archive = Archive::open(&dir)?;
    let mode = if settings.merge {
        Restore::Merge
    } else {
        Restore::IntoEmpty
    };
    export::import(input, &mut archive, mode).map_err(|source| CommandError::Export {
        path: settings.file.clone(),
        source,
    })
}
