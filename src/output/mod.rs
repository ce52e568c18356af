//! Writing the site: into a second tree beside the live one, swapped in only when the whole
//! build has succeeded, so a failed or killed build leaves the previous site whole.
//!
//! The cost follows what changed. Beside `public/` lives `.public.roundup/`, which keeps the
//! site from before the live one (`spare/`) and a manifest of each tree: every file's digest
//! and, for a rendered page, a digest of what it was made from. A build brings the spare tree
//! up to date by writing only the files that differ from it (linking them from the live site
//! where the live site already has them), removes the files the new site no longer has, and
//! then exchanges the two folders in one `renameat2(RENAME_EXCHANGE)`. The old live tree
//! becomes the spare for the next build. Unchanged files are hard links shared by both trees,
//! so nothing is ever written into an existing file: a new version is always a new file.
//!
//! A tree whose manifest is missing or damaged (a first build, a build killed half way, a site
//! restored from a cache) is compared the slow way, by reading the live site's files; nothing
//! is trusted that cannot be checked. The manifests are named after the folders they describe
//! (device and inode), so a manifest can never be taken for another tree's.

mod manifest;
mod swap;

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fs::File;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use manifest::{FileEntry, Manifest, TreeId};

use crate::digest::Digest;
use crate::render::Sink;

/// Every site roundup writes has this file, so it never replaces a folder it did not make.
const MARKER: &str = ".nojekyll";

/// In the state folder: the tree being written, which is the site before the live one
/// between builds.
const SPARE: &str = "spare";

/// In the state folder: where the live site waits during a swap on a system that cannot
/// exchange two folders at once.
const ASIDE: &str = "aside";

/// In the state folder: held locked by the build writing the site.
const LOCK: &str = "lock";

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
    /// Another build is writing the same output.
    #[error("another roundup build is writing {}: wait for it to finish", .0.display())]
    Busy(PathBuf),
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
    /// Files identical to the previous build's, linked or kept rather than written again.
    pub unchanged: usize,
    /// Files of the previous site that the new one does not have.
    pub removed: usize,
    /// Bytes in the whole site.
    pub bytes: u64,
    /// Whether the previous site's manifest was trusted, so that unchanged files were neither
    /// read nor linked but known.
    pub incremental: bool,
}

/// A site being written. Dropping it without [`Staging::commit`] leaves the live site as it
/// was; the half-written tree is dropped at the next build.
#[derive(Debug)]
pub struct Staging {
    output: PathBuf,
    /// `.public.roundup/` beside the output.
    state: PathBuf,
    /// The tree being written.
    dir: PathBuf,
    /// The live site's files, when its manifest can be trusted.
    live: Option<Manifest>,
    /// What `dir` held when the build began, when it was a whole earlier site.
    base: Option<Manifest>,
    /// The live site's paths in order, made when a folder is first kept.
    live_paths: OnceLock<Vec<String>>,
    /// Every file of the new site so far.
    files: Mutex<HashMap<String, FileEntry>>,
    /// Folders already made, so that writing 100,000 pages does not ask the kernel 100,000
    /// times for folders that exist.
    made: Mutex<HashSet<PathBuf>>,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    bytes: AtomicU64,
    committed: bool,
    /// Held until the build ends: two builds writing one output would mix their trees.
    _lock: File,
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
        swap::recover_legacy(&output)?;
        if output.is_dir() && !output.join(MARKER).exists() && !is_empty(&output)? {
            return Err(OutputError::NotOurs(output));
        }
        let state = sibling(&output, "roundup");
        std::fs::create_dir_all(&state).map_err(io("cannot create", &state))?;
        let lock = lock(&state, &output)?;
        let dir = state.join(SPARE);
        swap::recover(&output, &state.join(ASIDE), &dir)?;

        let live_tree = TreeId::of(&output);
        let live = live_tree.and_then(|id| Manifest::load(&state, id));
        let base = TreeId::of(&dir).and_then(|id| Manifest::load(&state, id));
        // The spare is about to change: until a new manifest is written for it, nothing may
        // take it for a whole site, so its manifest leaves the disk and lives on only here.
        let trusted: Vec<TreeId> = live_tree.filter(|_| live.is_some()).into_iter().collect();
        forget_manifests(&state, &trusted)?;
        if base.is_none() && dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(io("cannot clear", &dir))?;
        }
        if !dir.exists() {
            std::fs::create_dir(&dir).map_err(io("cannot create", &dir))?;
        }
        Ok(Staging {
            output,
            state,
            dir,
            live,
            base,
            live_paths: OnceLock::new(),
            files: Mutex::default(),
            made: Mutex::default(),
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            committed: false,
            _lock: lock,
        })
    }

    /// The folder the site will be in.
    pub fn output(&self) -> &Path {
        &self.output
    }

    /// Swaps the new site in for the old one.
    pub fn commit(mut self) -> Result<OutputStats, OutputError> {
        let files = std::mem::take(&mut *self.files.lock().expect("no panics while held"));
        let removed = self.remove_stale(&files)?;
        let new_tree = TreeId::of(&self.dir);
        if let Some(id) = new_tree {
            Manifest {
                files: files.clone(),
            }
            .save(&self.state, id)
            .map_err(io("cannot write the manifest in", &self.state))?;
        }
        if self.output.exists() {
            self.swap()?;
            // The old site is now the spare. With no manifest it cannot be brought up to date
            // file by file, so it goes.
            if self.live.is_none() {
                std::fs::remove_dir_all(&self.dir).map_err(io("cannot remove", &self.dir))?;
            }
        } else {
            std::fs::rename(&self.dir, &self.output)
                .map_err(io("cannot move the new site into", &self.output))?;
        }
        self.committed = true;
        let keep: Vec<TreeId> = [TreeId::of(&self.output), TreeId::of(&self.dir)]
            .into_iter()
            .flatten()
            .collect();
        forget_manifests(&self.state, &keep)?;
        Ok(OutputStats {
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
            removed,
            bytes: self.bytes.load(Ordering::Relaxed),
            incremental: self.live.is_some(),
        })
    }

    /// Puts `dir` where the output is and the output where `dir` was: in one step where the
    /// system can, else in three renames that [`recover`] can finish after a kill.
    fn swap(&self) -> Result<(), OutputError> {
        if swap::exchange(&self.dir, &self.output).map_err(io("cannot swap in", &self.output))? {
            return Ok(());
        }
        let aside = self.state.join(ASIDE);
        std::fs::rename(&self.output, &aside).map_err(io("cannot move aside", &self.output))?;
        if let Err(e) = std::fs::rename(&self.dir, &self.output) {
            // Put the old site back rather than leave none.
            let _ = std::fs::rename(&aside, &self.output);
            return Err(io("cannot move the new site into", &self.output)(e));
        }
        std::fs::rename(&aside, &self.dir).map_err(io("cannot keep", &aside))
    }

    /// Removes what the spare tree held that the new site does not: how many files.
    fn remove_stale(&self, files: &HashMap<String, FileEntry>) -> Result<usize, OutputError> {
        let Some(base) = &self.base else {
            return Ok(0);
        };
        let mut removed = 0;
        let mut folders = HashSet::new();
        for path in base.files.keys().filter(|p| !files.contains_key(*p)) {
            let target = self.dir.join(path);
            match std::fs::remove_file(&target) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io("cannot remove", &target)(e)),
            }
            if self
                .live
                .as_ref()
                .is_some_and(|l| l.files.contains_key(path))
            {
                removed += 1;
            }
            let mut folder = target.parent();
            while let Some(dir) = folder.filter(|d| *d != self.dir) {
                if !folders.insert(dir.to_path_buf()) {
                    break;
                }
                folder = dir.parent();
            }
        }
        // Deepest first, so a folder is emptied before its parent is tried.
        let mut folders: Vec<PathBuf> = folders.into_iter().collect();
        folders.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
        for dir in folders {
            // Fails, as it should, while the folder still has files.
            let _ = std::fs::remove_dir(&dir);
        }
        Ok(removed)
    }

    /// What `dir` holds at `path` now: the last file this build put there, or the spare's.
    fn current(&self, path: &str) -> Option<Digest> {
        let files = self.files.lock().expect("no panics while held");
        files
            .get(path)
            .or_else(|| self.base.as_ref().and_then(|b| b.files.get(path)))
            .map(|e| e.digest)
    }

    /// Notes that the new site has `entry` at `path`.
    fn record(&self, path: &str, entry: FileEntry, unchanged: bool) {
        self.files
            .lock()
            .expect("no panics while held")
            .insert(path.to_string(), entry);
        self.bytes.fetch_add(entry.size, Ordering::Relaxed);
        let counter = if unchanged {
            &self.unchanged
        } else {
            &self.written
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

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

    /// Stores one file, made from `key` if the renderer said.
    fn put(&self, path: &str, contents: &[u8], key: Option<Digest>) -> std::io::Result<()> {
        let relative = safe_relative(path)?;
        let entry = FileEntry {
            digest: Digest::of(contents),
            key,
            size: contents.len() as u64,
        };
        let previous = self.output.join(relative);
        let same_as_live = match &self.live {
            Some(live) => live
                .files
                .get(path)
                .is_some_and(|e| e.digest == entry.digest),
            None => std::fs::read(&previous).is_ok_and(|old| old == contents),
        };
        if self.current(path) != Some(entry.digest) {
            let target = self.dir.join(relative);
            self.make_parent(&target)?;
            // An unchanged file keeps the previous build's inode and modification time, which
            // spares the disk and keeps rsync-style deploys from sending it again.
            if !(same_as_live && link_over(&previous, &target).is_ok()) {
                write_new(&target, contents)?;
            }
        }
        self.record(path, entry, same_as_live);
        Ok(())
    }

    /// Carries the live site's file at `path` into the new site, as `entry` says it is;
    /// false if the live site has lost it.
    fn carry(&self, path: &str, entry: FileEntry) -> std::io::Result<bool> {
        let relative = safe_relative(path)?;
        if self.current(path) != Some(entry.digest) {
            let target = self.dir.join(relative);
            self.make_parent(&target)?;
            if link_over(&self.output.join(relative), &target).is_err() {
                return Ok(false);
            }
        }
        self.record(path, entry, true);
        Ok(true)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // The half-written tree has no manifest, so nothing would take it for a site; it goes
        // now rather than at the next build. (A killed build leaves it to the next.)
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

impl Sink for Staging {
    fn write(&self, path: &str, contents: &[u8]) -> std::io::Result<()> {
        self.put(path, contents, None)
    }

    fn write_made_from(&self, path: &str, key: Digest, contents: &[u8]) -> std::io::Result<()> {
        self.put(path, contents, Some(key))
    }

    fn reuse(&self, path: &str, key: Digest) -> std::io::Result<bool> {
        let Some(entry) = self.live.as_ref().and_then(|l| l.files.get(path)) else {
            return Ok(false);
        };
        if entry.key != Some(key) {
            return Ok(false);
        }
        self.carry(path, *entry)
    }

    fn previous(&self, path: &str) -> Option<Vec<u8>> {
        std::fs::read(self.output.join(safe_relative(path).ok()?)).ok()
    }

    fn keep(&self, path: &str) -> std::io::Result<Option<u64>> {
        let relative = safe_relative(path)?;
        if let Some(entry) = self.live.as_ref().and_then(|l| l.files.get(path)) {
            return Ok(self.carry(path, *entry)?.then_some(entry.size));
        }
        // No manifest: the file is read, to know what it is.
        let previous = self.output.join(relative);
        let Ok(bytes) = std::fs::read(&previous) else {
            return Ok(None);
        };
        let entry = FileEntry {
            digest: Digest::of(&bytes),
            key: None,
            size: bytes.len() as u64,
        };
        if self.current(path) != Some(entry.digest) {
            let target = self.dir.join(relative);
            self.make_parent(&target)?;
            if link_over(&previous, &target).is_err() {
                write_new(&target, &bytes)?;
            }
        }
        self.record(path, entry, true);
        Ok(Some(entry.size))
    }

    fn keep_folder(&self, dir: &str) -> std::io::Result<Option<(usize, u64)>> {
        let paths = self.live_files_under(dir);
        if paths.is_empty() {
            return Ok(None);
        }
        let mut bytes = 0;
        for path in &paths {
            match self.keep(path)? {
                Some(size) => bytes += size,
                None => return Ok(None),
            }
        }
        Ok(Some((paths.len(), bytes)))
    }
}

impl Staging {
    /// Every live file under `dir`, from the manifest or else from the disk.
    fn live_files_under(&self, dir: &str) -> Vec<String> {
        if let Some(live) = &self.live {
            let paths = self.live_paths.get_or_init(|| {
                let mut paths: Vec<String> = live.files.keys().cloned().collect();
                paths.sort_unstable();
                paths
            });
            let start = paths.partition_point(|p| p.as_str() < dir);
            return paths[start..]
                .iter()
                .take_while(|p| p.starts_with(dir))
                .cloned()
                .collect();
        }
        let root = self.output.join(dir);
        walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| {
                let relative = e.path().strip_prefix(&self.output).ok()?.to_str()?;
                Some(relative.replace('\\', "/"))
            })
            .collect()
    }
}

/// Links `from` at `to`, replacing whatever `to` was (never writing into it: it may be a link
/// to a file of the live site).
fn link_over(from: &Path, to: &Path) -> std::io::Result<()> {
    match std::fs::hard_link(from, to) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(to)?;
            std::fs::hard_link(from, to)
        }
        other => other,
    }
}

/// Writes `contents` as a new file at `target`, never into the file already there: that may be
/// a link to the live site's file, which must stay whole until the swap.
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

/// Takes the state folder's lock, or says who has it.
fn lock(state: &Path, output: &Path) -> Result<File, OutputError> {
    let path = state.join(LOCK);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io("cannot open", &path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(OutputError::Busy(output.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(io("cannot lock", &path)(e)),
    }
}

/// Removes every manifest in `state` but those of the trees in `keep`.
fn forget_manifests(state: &Path, keep: &[TreeId]) -> Result<(), OutputError> {
    let keep: HashSet<String> = keep.iter().map(TreeId::file_name).collect();
    let entries = std::fs::read_dir(state).map_err(io("cannot list", state))?;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("manifest-") && !keep.contains(&name) {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(io("cannot remove", &path))?;
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
mod tests;
