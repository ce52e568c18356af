//! Putting a new site in place of the old one in one step, so that a build killed at any
//! moment leaves the whole old site or the whole new one.

use std::path::{Path, PathBuf};

use super::{OutputError, io};

/// Exchanges the folders `a` and `b` atomically (Linux's `renameat2(RENAME_EXCHANGE)`): at no
/// moment is either path missing. `Ok(false)` when the file system or platform cannot, and the
/// caller must fall back to two renames.
#[cfg(target_os = "linux")]
pub(super) fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        // Older kernels, and file systems without the operation (some network and FUSE ones).
        Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Elsewhere there is no atomic exchange of folders: the caller falls back to two renames.
#[cfg(not(target_os = "linux"))]
pub(super) fn exchange(_: &Path, _: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// Finishes a swap that a kill interrupted on a system without an atomic exchange: the old
/// site waits aside, and goes back to being the site (the swap never happened) or on to being
/// the spare (it did).
pub(super) fn recover(output: &Path, aside: &Path, dir: &Path) -> Result<(), OutputError> {
    if !aside.exists() {
        return Ok(());
    }
    let target = if output.exists() { dir } else { output };
    if target.exists() {
        std::fs::remove_dir_all(target).map_err(io("cannot clear", target))?;
    }
    std::fs::rename(aside, target).map_err(io("cannot restore", aside))
}

/// Clears what builds of earlier versions of roundup left beside the output
/// (`.public.staging-<pid>`, `.public.old-<pid>`), putting back a site lost mid-swap.
pub(super) fn recover_legacy(output: &Path) -> Result<(), OutputError> {
    let Some(parent) = output.parent() else {
        return Ok(());
    };
    let prefix = format!(
        ".{}.",
        output.file_name().unwrap_or_default().to_string_lossy()
    );
    let entries = std::fs::read_dir(parent).map_err(io("cannot list", parent))?;
    let mut leftovers: Vec<(PathBuf, bool)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rest = name.strip_prefix(&prefix)?;
            let old = rest.starts_with("old-");
            (old || rest.starts_with("staging-")).then(|| (e.path(), old))
        })
        .collect();
    leftovers.sort();
    for (path, old) in leftovers {
        if old && !output.exists() {
            std::fs::rename(&path, output).map_err(io("cannot restore", &path))?;
        } else {
            std::fs::remove_dir_all(&path).map_err(io("cannot remove", &path))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_folders_trade_places() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("from-a"), "").unwrap();
        std::fs::write(b.join("from-b"), "").unwrap();
        if exchange(&a, &b).unwrap() {
            assert!(a.join("from-b").exists() && b.join("from-a").exists());
        }
    }
}
