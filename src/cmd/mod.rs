//! The subcommands, one file each. Each takes resolved settings and returns what it did; the
//! binary prints it.

pub mod build;
pub mod check;
pub mod export;
pub mod import;
pub mod import_opml;
pub mod init;
pub mod new;
pub mod serve;

use std::path::{Path, PathBuf};

use crate::archive::ArchiveError;
use crate::config::ConfigError;
use crate::content::ContentError;
use crate::opml::OpmlError;

pub use build::BuildError;

/// Why a command other than `build` stopped.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// `feeds.toml` is missing or wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Local posts are broken.
    #[error(transparent)]
    Content(#[from] ContentError),
    /// The archive cannot be read or written.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// A build the command needed failed.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// An export cannot be written, or read into the archive.
    #[error("{}: {source}", .path.display())]
    Export {
        /// The file.
        path: PathBuf,
        /// Why.
        source: crate::export::ExportError,
    },
    /// An OPML file cannot be read.
    #[error("{}: {source}", .path.display())]
    Opml {
        /// The file.
        path: PathBuf,
        /// Why.
        source: OpmlError,
    },
    /// A file or folder cannot be read or written.
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        /// "read", "write", "create", ...
        action: &'static str,
        /// What.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The preview server cannot listen or serve.
    #[error("the server {action}: {source}")]
    Serve {
        /// "cannot listen on 127.0.0.1:1111", "stopped".
        action: String,
        /// Why.
        source: std::io::Error,
    },
    /// Changes to the site cannot be watched.
    #[error("cannot watch {} for changes: {source}", .path.display())]
    Watch {
        /// What.
        path: PathBuf,
        /// Why.
        source: notify::Error,
    },
    /// What was asked cannot be done as asked; the message says what to do instead.
    #[error("{0}")]
    Refused(String),
}

/// Maps an I/O error on `path` to a [`CommandError`], naming what was being done.
pub(crate) fn io(
    action: &'static str,
    path: &Path,
) -> impl FnOnce(std::io::Error) -> CommandError + use<> {
    let path = path.to_path_buf();
    move |source| CommandError::Io {
        action,
        path,
        source,
    }
}
