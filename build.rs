//! Gives the code an identity finer than its version: a digest of its sources and locked
//! dependencies, as `ROUNDUP_BUILD_DIGEST`. What a build keeps from the last one (pages made
//! from the same inputs, local posts already rendered) is keyed by it, so that a roundup built
//! from changed code, with the version number not yet raised, never takes the old code's
//! output for its own.

use std::hash::Hasher as _;
use std::path::Path;

fn main() {
    // SipHash with fixed keys: the same sources give the same digest on every machine built
    // with one Rust release; a different one at worst makes the first build keep nothing.
    #[allow(deprecated)]
    let mut hasher = std::hash::SipHasher::new();
    for file in ["Cargo.toml", "Cargo.lock"] {
        hash_file(&mut hasher, Path::new(file));
        println!("cargo:rerun-if-changed={file}");
    }
    hash_dir(&mut hasher, Path::new("src"));
    println!("cargo:rerun-if-changed=src");
    println!(
        "cargo:rustc-env=ROUNDUP_BUILD_DIGEST={:016x}",
        hasher.finish()
    );
}

#[allow(deprecated)]
fn hash_dir(hasher: &mut std::hash::SipHasher, dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            hash_dir(hasher, &path);
        } else {
            hash_file(hasher, &path);
        }
    }
}

#[allow(deprecated)]
fn hash_file(hasher: &mut std::hash::SipHasher, path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_default();
    let name = path.to_string_lossy();
    hasher.write_u64(name.len() as u64);
    hasher.write(name.as_bytes());
    hasher.write_u64(bytes.len() as u64);
    hasher.write(&bytes);
}
