//! roundup: a static site generator for open weeknotes and blog aggregation.
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`config`] → [`content`] (local posts) and [`refresh`] (the feeds: [`fetch`] → [`feed`] →
//! [`ingest`] and [`sanitize`] → [`archive`]) → [`site`] → [`render`] → [`output`]; beside the
//! site, [`published`] writes a copy of the archive in the [`export`] format, and checks that no
//! build publishes a site that has lost posts.
//! [`cmd`] holds one function per subcommand; the binary only parses arguments and prints.

pub mod archive;
pub mod cmd;
pub mod config;
pub mod content;
pub mod digest;
pub mod export;
pub mod feed;
pub mod fetch;
pub mod guard;
pub mod health;
pub mod ingest;
pub mod linkcheck;
pub mod links;
pub mod markdown;
pub mod opml;
pub mod output;
pub mod plain_text;
pub mod post;
pub mod post_cache;
pub mod published;
pub mod refresh;
pub mod render;
pub mod sanitize;
pub mod site;
pub mod slug;
pub mod urls;
pub mod weeknotes;
pub mod xml;
