//! One build of a site at a time: an advisory lock on a file beside the archive.
//!
//! Two builds of one site at once (a scheduled run and a push, `serve` and a `build`) would
//! each record into the archive and each swap a site into the output, clearing the other's
//! staging folder on the way. The lock is held from before the archive opens until the new site
//! is in place, so the second build waits for the first, then builds on what it left.
//!
//! The lock is the operating system's (`flock` on Unix, `LockFileEx` on Windows, through
//! [`std::fs::File::lock`]): it is released when its holder exits, however it exits, so the
//! lock of a killed build never needs clearing by hand. The file itself is never removed
//! (removing a lock file lets two processes hold "the" lock on two different files); it only
//! says which process holds it, for the message of the one that waits.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use super::ArchiveError;

/// The lock file's name, beside the archive.
pub const LOCK_FILE: &str = "archive.lock";

/// How often a waiting build tries the lock again.
const POLL: Duration = Duration::from_millis(100);

/// The lock on one site's archive and output, released when dropped.
#[derive(Debug)]
pub struct SiteLock {
    // Held for its lock, which lives as long as the open file.
    _file: File,
}

impl SiteLock {
    /// Takes the lock of the archive in `dir`, waiting up to `timeout` for another build to
    /// finish; `waiting` hears once, with the other build's process id if known, when this
    /// one has to wait.
    pub fn acquire(
        dir: &Path,
        timeout: Duration,
        waiting: &dyn Fn(Option<u32>),
    ) -> Result<SiteLock, ArchiveError> {
        std::fs::create_dir_all(dir).map_err(|source| ArchiveError::Folder {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = dir.join(LOCK_FILE);
        let failed = |source| ArchiveError::Lock {
            path: path.clone(),
            source,
        };
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(failed)?;
        let started = Instant::now();
        let mut told = false;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) => {
                    let holder = holder(&path);
                    if started.elapsed() >= timeout {
                        return Err(ArchiveError::Busy {
                            path,
                            pid: holder,
                            waited: timeout,
                        });
                    }
                    if !told {
                        waiting(holder);
                        told = true;
                    }
                    std::thread::sleep(POLL.min(timeout.saturating_sub(started.elapsed())));
                }
                Err(TryLockError::Error(source)) => return Err(failed(source)),
            }
        }
        // Says who holds it; a failure here costs only the waiting build's message.
        let _ = file
            .set_len(0)
            .and_then(|()| (&file).write_all(format!("{}\n", std::process::id()).as_bytes()));
        Ok(SiteLock { _file: file })
    }
}

/// The process id the lock file names, if it names one.
fn holder(path: &Path) -> Option<u32> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    fn a_second_holder_waits_then_gives_up_naming_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let first = SiteLock::acquire(dir.path(), Duration::ZERO, &|_| {}).unwrap();
        let heard = AtomicBool::new(false);
        let err = SiteLock::acquire(dir.path(), Duration::from_millis(300), &|pid| {
            assert_eq!(pid, Some(std::process::id()));
            heard.store(true, Ordering::Relaxed);
        })
        .unwrap_err();
        assert!(heard.load(Ordering::Relaxed));
        let message = err.to_string();
        assert!(
            message.contains(&format!("pid {}", std::process::id())),
            "{message}"
        );
        drop(first);
        SiteLock::acquire(dir.path(), Duration::ZERO, &|_| panic!("no wait")).unwrap();
    }

    #[test]
    fn a_waiting_holder_gets_the_lock_when_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = SiteLock::acquire(dir.path(), Duration::ZERO, &|_| {}).unwrap();
        std::thread::scope(|scope| {
            let waiter = scope.spawn(|| {
                SiteLock::acquire(dir.path(), Duration::from_secs(20), &|_| {}).map(|_| ())
            });
            std::thread::sleep(Duration::from_millis(200));
            drop(first);
            waiter.join().unwrap().unwrap();
        });
    }
}
