//! roundup: a static site generator for open weeknotes and blog aggregation.
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`config`] → [`content`] (local posts) and feeds → [`site`] → [`render`] → [`output`].
//! [`cmd`] holds one function per subcommand; the binary only parses arguments and prints.

pub mod cmd;
pub mod config;
pub mod content;
pub mod linkcheck;
pub mod markdown;
pub mod output;
pub mod post;
pub mod render;
pub mod site;
pub mod slug;
