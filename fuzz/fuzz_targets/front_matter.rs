//! A Markdown post with any front matter: an error or a post, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = roundup::content::parse(
        &text,
        std::path::PathBuf::from("content/fuzz.md"),
        chrono_tz::Europe::London,
    );
});
