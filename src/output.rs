//! Writing the site: into a staging folder beside the output, swapped in only when the whole
//! build has succeeded, so a failed or killed build leaves the previous site whole.

use std::collections::HashSet;
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::render::Sink;

/// Every site roundup writes has this file, so it never replaces a folder it did not make.
const MARKER: &str = ".nojekyll";

/// What can go wrong writing the output.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output folder would swallow the site's own files.
    #[error("refusing to write the site into {}: it is, or contains, the site's root {}; pick another --output", .output.display(), .root.display())]
    OverlapsRoot {
        /// The output folder.
        output: PathBuf,
        /// The site's root.
        root: PathBuf,
    },
    /// The output folder holds files roundup did not write.
    #[error("refusing to replace {}: it is not empty and was not written by roundup (it has no {MARKER}); move it away or pick another --output", .0.display())]
    NotOurs(PathBuf),
    /// A file system operation failed.
    #[error("{action} {}: {source}", .path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// On what.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + use<> {
    let path = path.to_path_buf();
    move |source| OutputError::Io {
        action,
        path,
        source,
    }
}

/// What writing the output did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct OutputStats {
    /// Files whose bytes changed or are new.
    pub written: usize,
    /// Files identical to the previous build's, linked rather than written again.
    pub unchanged: usize,
    /// Bytes in the whole site.
    pub bytes: u64,
}

/// A site being written. Dropping it without [`Staging::commit`] throws the staging folder away.
#[derive(Debug)]
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    committed: bool,
    /// Folders already made, so that writing 100,000 pages does not ask the kernel 100,000
    /// times for folders that exist.
    made: Mutex<HashSet<PathBuf>>,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    bytes: AtomicU64,
}

impl Staging {
    /// Prepares to write a site into `output`, for the site whose root is `root`.
    pub fn new(output: &Path, root: &Path) -> Result<Staging, OutputError> {
        let output = absolute(output)?;
        let root = absolute(root)?;
        if root.starts_with(&output) {
            return Err(OutputError::OverlapsRoot { output, root });
        }
        let parent = output.parent().unwrap_or(Path::new("/")).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(io("cannot create", &parent))?;
        recover(&output)?;
        if output.is_dir() && !output.join(MARKER).exists() && !is_empty(&output)? {
            return Err(OutputError::NotOurs(output));
        }
        let dir = sibling(&output, &format!("staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(io("cannot clear", &dir))?;
        }
        std::fs::create_dir(&dir).map_err(io("cannot create", &dir))?;
        Ok(Staging {
            output,
            dir,
            committed: false,
            made: Mutex::default(),
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
        })
    }

    /// The folder the site will be in.
    pub fn output(&self) -> &Path {
        &self.output
    }

    /// Swaps the staged site in for the old one.
    pub fn commit(mut self) -> Result<OutputStats, OutputError> {
        let old = sibling(&self.output, &format!("old-{}", std::process::id()));
        let had_output = self.output.exists();
        if had_output {
            std::fs::rename(&self.output, &old).map_err(io("cannot move aside", &self.output))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.output) {
            if had_output {
                // Put the old site back rather than leave none.
                let _ = std::fs::rename(&old, &self.output);
            }
            return Err(io("cannot move the new site into", &self.output)(e));
        }
        self.committed = true;
        if had_output {
            std::fs::remove_dir_all(&old).map_err(io("cannot remove the old site", &old))?;
        }
        Ok(OutputStats {
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        })
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

impl Staging {
    /// Makes the folder `target` goes in, once per folder.
    fn make_parent(&self, target: &Path) -> std::io::Result<()> {
        let Some(parent) = target.parent() else {
            return Ok(());
        };
        let mut made = self.made.lock().expect("no panics while held");
        if !made.contains(parent) {
            std::fs::create_dir_all(parent)?;
            made.insert(parent.to_path_buf());
        }
        Ok(())
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, contents: &[u8]) -> std::io::Result<()> {
        let relative = safe_relative(path)?;
        let target = self.dir.join(relative);
        self.make_parent(&target)?;
        self.bytes
            .fetch_add(contents.len() as u64, Ordering::Relaxed);
        // An unchanged file keeps the previous build's inode and modification time, which
        // spares the disk and keeps rsync-style deploys from sending it again.
        let previous = self.output.join(relative);
        if std::fs::read(&previous).is_ok_and(|old| old == contents)
            && std::fs::hard_link(&previous, &target).is_ok()
        {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        write_new(&target, contents)?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn previous(&self, path: &str) -> Option<Vec<u8>> {
        std::fs::read(self.output.join(safe_relative(path).ok()?)).ok()
    }

    fn keep(&self, path: &str) -> std::io::Result<Option<u64>> {
        let relative = safe_relative(path)?;
        let previous = self.output.join(relative);
        let Ok(size) = previous.metadata().map(|m| m.len()) else {
            return Ok(None);
        };
        let target = self.dir.join(relative);
        self.make_parent(&target)?;
        if std::fs::hard_link(&previous, &target).is_err() {
            write_new(&target, &std::fs::read(&previous)?)?;
        }
        self.bytes.fetch_add(size, Ordering::Relaxed);
        self.unchanged.fetch_add(1, Ordering::Relaxed);
        Ok(Some(size))
    }
}

/// Writes `contents` as a new file at `target`, never into the file already there: that may be
/// a link to the previous site's file, which must stay whole until the swap.
fn write_new(target: &Path, contents: &[u8]) -> std::io::Result<()> {
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(target)
    };
    let mut file = match create() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(target)?;
            create()?
        }
        other => other?,
    };
    std::io::Write::write_all(&mut file, contents)
}

/// A render path as a relative file path, refusing anything that could leave the output.
fn safe_relative(path: &str) -> std::io::Result<&Path> {
    let relative = Path::new(path);
    let safe = !path.is_empty()
        && !path.contains('\\')
        && relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if safe {
        Ok(relative)
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("unsafe output path {path:?}"),
        ))
    }
}

/// `public` -> `.public.<suffix>` in the same folder, so renames never cross file systems.
fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(".");
    name.push(output.file_name().unwrap_or_default());
    name.push(format!(".{suffix}"));
    output.with_file_name(name)
}

/// After a build killed mid-swap the output may be missing while the old site sits beside it:
/// put it back. Leftover staging folders of dead builds are removed.
fn recover(output: &Path) -> Result<(), OutputError> {
    let Some(parent) = output.parent() else {
        return Ok(());
    };
    let mut prefix = OsString::from(".");
    prefix.push(output.file_name().unwrap_or_default());
    prefix.push(".");
    let prefix = prefix.to_string_lossy().into_owned();
    let entries = std::fs::read_dir(parent).map_err(io("cannot list", parent))?;
    let mut leftovers: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix))
        })
        .collect();
    leftovers.sort();
    for path in leftovers {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let is_old = name[prefix.len()..].starts_with("old-");
        let is_ours = name.ends_with(&format!("-{}", std::process::id()));
        if is_old && !output.exists() {
            std::fs::rename(&path, output).map_err(io("cannot restore", &path))?;
        } else if !is_ours {
            std::fs::remove_dir_all(&path).map_err(io("cannot remove", &path))?;
        }
    }
    Ok(())
}

fn is_empty(dir: &Path) -> Result<bool, OutputError> {
    Ok(std::fs::read_dir(dir)
        .map_err(io("cannot list", dir))?
        .next()
        .is_none())
}

fn absolute(path: &Path) -> Result<PathBuf, OutputError> {
    std::path::absolute(path).map_err(io("cannot resolve", path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_build_leaves_the_old_site_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = Staging::new(&out, tmp.path().join("site").as_path()).unwrap();
        first.write("index.html", b"one").unwrap();
        first.write(MARKER, b"").unwrap();
        first.commit().unwrap();

        let second = Staging::new(&out, tmp.path().join("site").as_path()).unwrap();
        second.write("index.html", b"two").unwrap();
        drop(second);
        assert_eq!(std::fs::read(out.join("index.html")).unwrap(), b"one");
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names,
            [OsString::from("public")],
            "no staging folder is left behind"
        );
    }

    #[test]
    fn writing_a_kept_file_again_leaves_the_old_site_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let site = tmp.path().join("site");
        let first = Staging::new(&out, &site).unwrap();
        first.write("a.txt", b"old").unwrap();
        first.write(MARKER, b"").unwrap();
        first.commit().unwrap();

        // Kept (linked to the old site's file), then written again, then abandoned.
        let second = Staging::new(&out, &site).unwrap();
        assert_eq!(second.keep("a.txt").unwrap(), Some(3));
        second.write("a.txt", b"new").unwrap();
        drop(second);
        assert_eq!(std::fs::read(out.join("a.txt")).unwrap(), b"old");
    }

    #[test]
    fn unchanged_files_are_not_rewritten() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        for round in 0..2 {
            let staging = Staging::new(&out, tmp.path().join("site").as_path()).unwrap();
            staging.write("same.html", b"same").unwrap();
            staging
                .write("changes.html", format!("{round}").as_bytes())
                .unwrap();
            staging.write(MARKER, b"").unwrap();
            let stats = staging.commit().unwrap();
            if round == 1 {
                assert_eq!(stats.unchanged, 2);
                assert_eq!(stats.written, 1);
            }
        }
        assert_eq!(std::fs::read(out.join("changes.html")).unwrap(), b"1");
    }

    #[test]
    fn paths_cannot_escape_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let staging = Staging::new(
            &tmp.path().join("public"),
            tmp.path().join("site").as_path(),
        )
        .unwrap();
        for bad in ["../x", "/etc/x", "a/../../x", "", "a\\..\\x", "./x"] {
            assert!(staging.write(bad, b"x").is_err(), "{bad}");
        }
    }

    #[test]
    fn a_folder_roundup_did_not_write_is_not_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("docs");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("precious.txt"), "keep").unwrap();
        let err = Staging::new(&out, tmp.path().join("site").as_path()).unwrap_err();
        assert!(matches!(err, OutputError::NotOurs(_)));
    }

    #[test]
    fn the_output_cannot_hold_the_site() {
        let tmp = tempfile::tempdir().unwrap();
        let err = Staging::new(tmp.path(), &tmp.path().join("site")).unwrap_err();
        assert!(matches!(err, OutputError::OverlapsRoot { .. }));
    }

    #[test]
    fn a_site_lost_mid_swap_is_restored() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let old = tmp.path().join(".public.old-1");
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join("index.html"), "old").unwrap();
        std::fs::write(old.join(MARKER), "").unwrap();
        let staging = Staging::new(&out, &tmp.path().join("site")).unwrap();
        drop(staging);
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "old"
        );
    }
}
