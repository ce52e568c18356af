//! The one guard around work on untrusted input: a bug that panics on one feed or one post
//! costs that feed or post, never the build.
//!
//! [`quiet_panics`] is called once, at the program's edge (the binary's `main`, a test's
//! setup); [`guarded`] marks the work whose panics are caught and reported as a plain error,
//! so that they do not print a backtrace into the build summary.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

thread_local! {
    /// Set while this thread runs guarded work.
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// How deep markup from outside may nest. Parsers of HTML and XML check each new element
/// against the elements open above it, so a document nested n deep costs time in n²: 40,000
/// `<ul><li>`s held the sanitiser 12 s. Deeper elements lose their tags and keep their
/// text; Chromium's parser, too, stops nesting at this depth (it adds deeper elements as
/// siblings). No real post comes near it.
pub const MAX_DEPTH: usize = 512;

/// The work panicked; the guard caught it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("roundup failed on this input (a bug in roundup: please report it)")]
pub struct Panicked;

/// Runs `work`, turning a panic into [`Panicked`].
pub fn guarded<T>(work: impl FnOnce() -> T) -> Result<T, Panicked> {
    let outer = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(work));
    GUARDED.with(|g| g.set(outer));
    result.map_err(|_| Panicked)
}

/// Keeps the panic hook from printing for panics inside [`guarded`] work; every other panic
/// prints as before. Installing it twice changes nothing.
pub fn quiet_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_is_an_error_and_work_outside_is_unguarded() {
        quiet_panics();
        assert_eq!(guarded(|| 2 + 2), Ok(4));
        let caught: Result<(), Panicked> = guarded(|| panic!("hostile input"));
        assert_eq!(caught, Err(Panicked));
        assert!(!GUARDED.with(Cell::get));
        // Nested guards restore the outer state.
        assert_eq!(
            guarded(|| guarded(|| 1).map(|_| GUARDED.with(Cell::get))),
            Ok(Ok(true))
        );
    }
}
