//! Any feeds.toml: an error that names the line, or a config, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = roundup::config::Config::parse(&text, std::path::Path::new("feeds.toml"));
});
