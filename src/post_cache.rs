//! Local posts already read, kept by digest, so that the hourly build of a site with thousands
//! of Markdown posts does not parse and render every one again when one changed.
//!
//! A post is what its file's bytes, its path, the site's time zone and the code make of it
//! ([`key`]): nothing else reaches [`crate::content::parse`]. Each is kept as one file named
//! after that key, in `<archive>/cache/posts/`, holding a digest of itself: a file that does
//! not check out, does not parse, or was made from another key is a miss, and the post is read
//! from its Markdown as if there were no cache. A cache never loses or changes a post; at
//! worst it saves nothing. Writing is best effort for the same reason: a cache that cannot be
//! written costs time, not the build, so its errors are not reported.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::digest::{BUILD, Digest, Hasher};
use crate::links::PostLink;
use crate::post::Post;

/// Changes when what is kept, or how, changes.
const FORMAT: &str = "roundup post cache 1";

/// Where the cache lives under the archive's folder.
pub const DIR: &str = "cache/posts";

/// The cache of local posts of one site.
#[derive(Debug)]
pub struct PostCache {
    dir: PathBuf,
    /// The entries this build read or wrote: the others are of posts gone or changed.
    used: Mutex<HashSet<String>>,
    /// How many posts were taken from the cache.
    hits: AtomicUsize,
}

/// One post as kept.
#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    post: Post,
    links: Vec<(String, usize)>,
}

/// What a post is made from: its file's bytes, its path (its slug and errors come from it), the
/// site's time zone (dates without one are in it), and the code.
pub fn key(text: &str, path: &Path, tz: Tz) -> Digest {
    Hasher::new()
        .str(FORMAT)
        .str(BUILD)
        .str(&path.to_string_lossy())
        .str(tz.name())
        .str(text)
        .finish()
}

impl PostCache {
    /// The cache in `archive_dir`; nothing is read or made until it is used.
    pub fn new(archive_dir: &Path) -> PostCache {
        PostCache {
            dir: archive_dir.join(DIR),
            used: Mutex::new(HashSet::new()),
            hits: AtomicUsize::new(0),
        }
    }

    fn file(&self, key: &Digest) -> (String, PathBuf) {
        let name = format!("{}.json", key.hex());
        let path = self.dir.join(&name);
        (name, path)
    }

    /// The post kept for `key`, if there is one whole and made from that key.
    pub fn get(&self, key: &Digest) -> Option<(Post, Vec<PostLink>)> {
        let (name, path) = self.file(key);
        let bytes = std::fs::read(&path).ok()?;
        let (check, body) = bytes.split_at_checked(32)?;
        if std::str::from_utf8(check).ok().and_then(Digest::from_hex) != Some(Digest::of(body)) {
            return None;
        }
        let entry: Entry = serde_json::from_slice(body).ok()?;
        if entry.key != key.hex() {
            return None;
        }
        self.used.lock().ok()?.insert(name);
        self.hits.fetch_add(1, Ordering::Relaxed);
        let links = entry
            .links
            .into_iter()
            .map(|(written, line)| PostLink { written, line })
            .collect();
        Some((entry.post, links))
    }

    /// Keeps a post read from its Markdown, for the next build. Best effort (see the module
    /// documentation): written aside and renamed into place, so a build killed half way
    /// leaves no half an entry under the entry's name.
    pub fn put(&self, key: &Digest, post: &Post, links: &[PostLink]) {
        let (name, path) = self.file(key);
        let entry = Entry {
            key: key.hex(),
            post: post.clone(),
            links: links.iter().map(|l| (l.written.clone(), l.line)).collect(),
        };
        let Ok(body) = serde_json::to_vec(&entry) else {
            return;
        };
        let mut bytes = Digest::of(&body).hex().into_bytes();
        bytes.extend_from_slice(&body);
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let aside = self.dir.join(format!(".{name}.{}", std::process::id()));
        if std::fs::write(&aside, &bytes).is_ok() && std::fs::rename(&aside, &path).is_ok() {
            if let Ok(mut used) = self.used.lock() {
                used.insert(name);
            }
        } else {
            let _ = std::fs::remove_file(&aside);
        }
    }

    /// How many posts were taken from the cache so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// Removes the entries this build did not use: posts since changed or removed.
    pub fn prune(&self) {
        let Ok(used) = self.used.lock() else {
            return;
        };
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            if !name.to_str().is_some_and(|n| used.contains(n)) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "---\ntitle: Kept\ndate: 2026-03-01\ntags: [a]\n---\nSome *text* and [a link](@/other.md).\n";

    fn read(text: &str) -> Post {
        crate::content::parse(text, PathBuf::from("content/kept.md"), chrono_tz::UTC).unwrap()
    }

    #[test]
    fn a_kept_post_comes_back_the_same() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = PostCache::new(tmp.path());
        let key = key(TEXT, Path::new("content/kept.md"), chrono_tz::UTC);
        assert!(cache.get(&key).is_none());
        let post = read(TEXT);
        let links = vec![PostLink {
            written: "@/other.md".into(),
            line: 6,
        }];
        cache.put(&key, &post, &links);
        let again = PostCache::new(tmp.path());
        assert_eq!(again.get(&key), Some((post, links)));
    }

    #[test]
    fn a_damaged_entry_is_a_miss() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = PostCache::new(tmp.path());
        let key = key(TEXT, Path::new("content/kept.md"), chrono_tz::UTC);
        cache.put(&key, &read(TEXT), &[]);
        let (_, path) = cache.file(&key);
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8(bytes).unwrap().replace("Kept", "Lost");
        std::fs::write(&path, text).unwrap();
        assert!(cache.get(&key).is_none(), "a changed byte is caught");
        std::fs::write(&path, b"short").unwrap();
        assert!(cache.get(&key).is_none());
    }

    #[test]
    fn the_key_follows_the_text_the_path_and_the_time_zone() {
        let path = Path::new("content/kept.md");
        let base = key(TEXT, path, chrono_tz::UTC);
        assert_ne!(base, key("other", path, chrono_tz::UTC));
        assert_ne!(base, key(TEXT, Path::new("content/x.md"), chrono_tz::UTC));
        assert_ne!(base, key(TEXT, path, chrono_tz::Europe::London));
    }

    #[test]
    fn unused_entries_are_pruned() {
        let tmp = tempfile::tempdir().unwrap();
        let first = PostCache::new(tmp.path());
        let path = Path::new("content/kept.md");
        let (a, b) = (
            key("a", path, chrono_tz::UTC),
            key("b", path, chrono_tz::UTC),
        );
        first.put(&a, &read(TEXT), &[]);
        first.put(&b, &read(TEXT), &[]);
        let second = PostCache::new(tmp.path());
        assert!(second.get(&a).is_some());
        second.prune();
        assert!(second.get(&a).is_some());
        assert!(second.get(&b).is_none());
    }
}
