//! The subcommands, one file each. Each takes resolved settings and returns what it did; the
//! binary prints it.

pub mod build;
pub mod check;
pub mod export;
pub mod import_opml;
pub mod init;
pub mod new;
pub mod serve;
