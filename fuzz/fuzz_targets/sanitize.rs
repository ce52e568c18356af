//! Any HTML through the sanitiser: nothing unsafe comes out (the checks of tests/xss.rs), and a
//! second pass settles (headings aside, which move down a level by design).
#![no_main]

#[path = "../../tests/common/dangers.rs"]
mod dangers;

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use roundup::sanitize::Sanitizer;
use url::Url;

static SANITIZER: LazyLock<Sanitizer> = LazyLock::new(Sanitizer::new);
static BASE: LazyLock<Url> =
    LazyLock::new(|| Url::parse("https://blog.example/2026/11/post/").unwrap());

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let clean = SANITIZER.clean(&html, Some(&BASE));
    let found = dangers::dangers(&clean);
    assert!(
        found.is_empty(),
        "unsafe markup out of the sanitiser: {found:?} in {clean}"
    );
    let again = SANITIZER.clean(&clean, Some(&BASE));
    assert_eq!(
        dangers::settled(&again),
        dangers::settled(&clean),
        "sanitising twice differs from once"
    );
    roundup::plain_text::plain_text(&clean);
});
