//! What a built site holds, file by file: a digest of each file's bytes and, for a page, a
//! digest of what it was made from. Kept beside the site (never deployed), one manifest per
//! tree, named after the tree's folder, so a manifest can only ever describe the folder it was
//! written for.

use std::collections::HashMap;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use crate::digest::Digest;

/// The first bytes of every manifest: a format change makes old manifests unreadable, which
/// only costs one build that compares files the slow way.
const MAGIC: &[u8] = b"roundup output manifest 1\n";

/// One file of a built site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FileEntry {
    /// Of the file's bytes.
    pub(super) digest: Digest,
    /// Of what the file was made from, when the renderer said.
    pub(super) key: Option<Digest>,
    /// In bytes.
    pub(super) size: u64,
}

/// A folder, told apart from every other folder on the machine for as long as it exists: its
/// device and inode. Renaming a folder keeps them, copying it does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct TreeId {
    dev: u64,
    ino: u64,
}

impl TreeId {
    /// The identity of the folder at `path`, if it is one (and the platform tells).
    pub(super) fn of(path: &Path) -> Option<TreeId> {
        let meta = std::fs::symlink_metadata(path).ok()?;
        if !meta.is_dir() {
            return None;
        }
        tree_id(&meta)
    }

    /// The manifest's file name in the state folder.
    pub(super) fn file_name(&self) -> String {
        format!("manifest-{}-{}", self.dev, self.ino)
    }
}

#[cfg(unix)]
fn tree_id(meta: &std::fs::Metadata) -> Option<TreeId> {
    use std::os::unix::fs::MetadataExt;
    Some(TreeId {
        dev: meta.dev(),
        ino: meta.ino(),
    })
}

/// Without inodes a folder cannot be recognised, so every build compares files the slow way.
#[cfg(not(unix))]
fn tree_id(_: &std::fs::Metadata) -> Option<TreeId> {
    None
}

/// Every file of one tree.
#[derive(Debug, Clone, Default)]
pub(super) struct Manifest {
    /// By path relative to the tree, with `/`.
    pub(super) files: HashMap<String, FileEntry>,
}

impl Manifest {
    /// The manifest in `state` written for the folder `tree`, if there is one and it is whole.
    /// A damaged manifest is as good as none: the build falls back to comparing files.
    pub(super) fn load(state: &Path, tree: TreeId) -> Option<Manifest> {
        let mut bytes = Vec::new();
        std::fs::File::open(state.join(tree.file_name()))
            .ok()?
            .read_to_end(&mut bytes)
            .ok()?;
        let mut reader = Reader {
            bytes: &bytes,
            at: 0,
        };
        if reader.take(MAGIC.len())? != MAGIC
            || reader.u64()? != tree.dev
            || reader.u64()? != tree.ino
        {
            return None;
        }
        let count = reader.u64()? as usize;
        let mut files = HashMap::with_capacity(count.min(bytes.len() / 40));
        for _ in 0..count {
            let len = reader.u64()? as usize;
            let path = std::str::from_utf8(reader.take(len)?).ok()?.to_string();
            let digest = reader.digest()?;
            let key = match reader.take(1)?[0] {
                0 => None,
                1 => Some(reader.digest()?),
                _ => return None,
            };
            let size = reader.u64()?;
            files.insert(path, FileEntry { digest, key, size });
        }
        (reader.at == bytes.len()).then_some(Manifest { files })
    }

    /// Writes the manifest of the folder `tree` into `state`, whole or not at all: it is
    /// written aside and renamed into place.
    pub(super) fn save(&self, state: &Path, tree: TreeId) -> std::io::Result<PathBuf> {
        let target = state.join(tree.file_name());
        let partial = state.join(format!("{}.partial", tree.file_name()));
        let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&partial)?);
        out.write_all(MAGIC)?;
        out.write_all(&tree.dev.to_le_bytes())?;
        out.write_all(&tree.ino.to_le_bytes())?;
        out.write_all(&(self.files.len() as u64).to_le_bytes())?;
        // Sorted, so that the same site always makes the same manifest.
        let mut paths: Vec<&String> = self.files.keys().collect();
        paths.sort_unstable();
        for path in paths {
            let entry = &self.files[path];
            out.write_all(&(path.len() as u64).to_le_bytes())?;
            out.write_all(path.as_bytes())?;
            out.write_all(&entry.digest.0)?;
            match entry.key {
                Some(key) => {
                    out.write_all(&[1])?;
                    out.write_all(&key.0)?;
                }
                None => out.write_all(&[0])?,
            }
            out.write_all(&entry.size.to_le_bytes())?;
        }
        out.into_inner().map_err(|e| e.into_error())?;
        std::fs::rename(&partial, &target)?;
        Ok(target)
    }
}

/// Reads a manifest's fields, stopping at the first thing out of place.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn digest(&mut self) -> Option<Digest> {
        Some(Digest(self.take(16)?.try_into().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_only_for_its_own_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let tree = tmp.path().join("tree");
        let other = tmp.path().join("other");
        std::fs::create_dir(&tree).unwrap();
        std::fs::create_dir(&other).unwrap();
        let id = TreeId::of(&tree).unwrap();
        let mut manifest = Manifest::default();
        manifest.files.insert(
            "index.html".into(),
            FileEntry {
                digest: Digest::of(b"x"),
                key: Some(Digest::of(b"k")),
                size: 1,
            },
        );
        manifest.files.insert(
            "a/b.xml".into(),
            FileEntry {
                digest: Digest::of(b"y"),
                key: None,
                size: 2,
            },
        );
        manifest.save(tmp.path(), id).unwrap();
        let back = Manifest::load(tmp.path(), id).unwrap();
        assert_eq!(back.files, manifest.files);
        assert!(Manifest::load(tmp.path(), TreeId::of(&other).unwrap()).is_none());
    }

    #[test]
    fn a_damaged_manifest_is_none() {
        let tmp = tempfile::tempdir().unwrap();
        let tree = tmp.path().join("tree");
        std::fs::create_dir(&tree).unwrap();
        let id = TreeId::of(&tree).unwrap();
        let mut manifest = Manifest::default();
        manifest.files.insert(
            "index.html".into(),
            FileEntry {
                digest: Digest::of(b"x"),
                key: None,
                size: 1,
            },
        );
        let path = manifest.save(tmp.path(), id).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        for cut in [0, 10, bytes.len() - 1] {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            assert!(Manifest::load(tmp.path(), id).is_none(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        std::fs::write(&path, longer).unwrap();
        assert!(Manifest::load(tmp.path(), id).is_none());
    }
}
