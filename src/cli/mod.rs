//! The command line's own parts: the arguments, the progress display and the summary.

pub(crate) mod args;
pub(crate) mod progress;
pub(crate) mod summary;
