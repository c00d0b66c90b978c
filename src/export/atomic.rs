//! Writing a file so that a failure never leaves half of it: the bytes go to a new temporary
//! file in the same directory (so the rename cannot cross file systems), are flushed to
//! disk, and the temporary file is renamed over the target. Readers see the old file or
//! the new one, never a torn report or a truncated zip.
//!
//! A temporary file must not outlive its writer either: every one in flight is listed, so
//! a signal handler can remove them ([`remove_pending`]), and one a killed run left behind
//! (its process gone) is removed the next time a report is written beside it.

use std::fs::{File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Distinguishes temporary files of one process writing several reports at once.
static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The temporary files this process has created and not yet renamed or removed.
static PENDING: parking_lot::Mutex<Vec<PathBuf>> = parking_lot::Mutex::new(Vec::new());

/// Where no process list can be asked, a temporary file this old is taken for a killed
/// run's: no report takes an hour to write.
const STALE_AGE: Duration = Duration::from_hours(1);

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |file| file.write_all(bytes))
}

/// Creates `path` atomically from what `write` puts into the (temporary) file.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    stage(path, write)?.commit()
}

/// A file written in full and flushed to disk under a temporary name beside its target:
/// [`Staged::commit`] puts it in place; dropping it uncommitted removes it. Staging every
/// output first lets a caller commit them all only once each one was written.
#[derive(Debug)]
pub struct Staged {
    temp: PathBuf,
    target: PathBuf,
    committed: bool,
}

/// Writes what `write` puts into a new temporary file beside `path`, flushed to disk.
pub fn stage(path: &Path, write: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<Staged> {
    let (temp, mut file) = create_temp(path)?;
    let staged = Staged {
        temp,
        target: path.to_path_buf(),
        committed: false,
    };
    let written = write(&mut file).and_then(|()| file.sync_all());
    // Closed before an error drops `staged`: Windows cannot remove an open file.
    drop(file);
    written.map(|()| staged)
}

impl Staged {
    /// Renames the temporary file over the target.
    pub fn commit(mut self) -> io::Result<()> {
        std::fs::rename(&self.temp, &self.target)?;
        self.committed = true;
        forget_pending(&self.temp);
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            std::fs::remove_file(&self.temp).ok();
            forget_pending(&self.temp);
        }
    }
}

/// Removes every temporary file this process has in flight; for a signal handler, just
/// before the process exits.
pub fn remove_pending() {
    let pending = std::mem::take(&mut *PENDING.lock());
    for temp in pending {
        std::fs::remove_file(temp).ok();
    }
}

fn forget_pending(temp: &Path) {
    PENDING.lock().retain(|p| p != temp);
}

/// The prefix of the temporary names of a target named `base`: `.{base}.`, followed by
/// the writer's process id, a counter and `.tmp`.
fn temp_prefix(base: &str) -> String {
    format!(".{base}.")
}

/// A new file beside `path` that did not exist before (`create_new`, so an attacker's
/// symlink or another writer's file is never reused). Stale ones of killed runs for the
/// same target are removed first.
fn create_temp(path: &Path) -> io::Result<(PathBuf, File)> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let base = path
        .file_name()
        .map_or_else(|| "report".into(), |n| n.to_string_lossy().into_owned());
    remove_stale(dir, &base);
    let mut last_error = None;
    for _ in 0..16 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(
            "{}{}.{n}.tmp",
            temp_prefix(&base),
            std::process::id()
        ));
        // Listed before it exists, so a signal between the two cannot miss it.
        PENDING.lock().push(temp.clone());
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) => {
                forget_pending(&temp);
                if e.kind() == io::ErrorKind::AlreadyExists {
                    last_error = Some(e);
                } else {
                    return Err(e);
                }
            }
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

/// The writer's process id when `name` is one of our temporary names for `base`.
fn temp_owner(name: &str, base: &str) -> Option<u32> {
    let rest = name
        .strip_prefix(&temp_prefix(base))?
        .strip_suffix(".tmp")?;
    let (pid, n) = rest.split_once('.')?;
    n.parse::<u32>().ok()?;
    pid.parse().ok()
}

/// True when the process `pid` no longer runs (Linux asks `/proc`; elsewhere the file's
/// age decides).
fn writer_is_gone(pid: u32, file: &Path) -> bool {
    if pid == std::process::id() {
        return false;
    }
    if cfg!(target_os = "linux") && Path::new("/proc/self").exists() {
        return !Path::new(&format!("/proc/{pid}")).exists();
    }
    std::fs::metadata(file)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > STALE_AGE)
}

/// Removes the temporary files of `base` in `dir` that killed runs left behind.
fn remove_stale(dir: &Path, base: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| temp_owner(n, base)) else {
            continue;
        };
        let path = entry.path();
        if writer_is_gone(pid, &path) {
            std::fs::remove_file(path).ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `remove_pending` removes every pending file of the process, so the tests that stage
    /// files run one at a time.
    static SERIAL: parking_lot::Mutex<()> = parking_lot::Mutex::new(());

    fn scratch() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "mailflow-atomic-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn writes_and_replaces_without_leaving_temporary_files() {
        let _serial = SERIAL.lock();
        let dir = scratch();
        let path = dir.join("report.md");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let _serial = SERIAL.lock();
        let dir = scratch();
        let path = dir.join("report.html");
        write_atomic(&path, b"old").unwrap();
        let err = write_atomic_with(&path, |f| {
            f.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn an_uncommitted_stage_leaves_nothing_and_pending_files_can_be_removed() {
        let _serial = SERIAL.lock();
        let dir = scratch();
        let path = dir.join("report.json");
        let staged = stage(&path, |f| f.write_all(b"x")).unwrap();
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        remove_pending();
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        drop(staged);
        assert!(!path.exists());
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn temporary_files_of_dead_writers_are_removed_others_stay() {
        let _serial = SERIAL.lock();
        let dir = scratch();
        let path = dir.join("report.json");
        // No process has pid u32::MAX - 1 on Linux (pid_max is at most 2^22).
        let dead = dir.join(".report.json.4294967294.0.tmp");
        let unrelated = dir.join(".other.json.4294967294.0.tmp");
        let alive = dir.join(format!(".report.json.{}.999999.tmp", std::process::id()));
        for p in [&dead, &unrelated, &alive] {
            std::fs::write(p, b"half").unwrap();
        }
        write_atomic(&path, b"new").unwrap();
        if cfg!(target_os = "linux") {
            assert!(!dead.exists());
        }
        assert!(unrelated.exists() && alive.exists());
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn temp_names_are_recognised_only_in_our_shape() {
        let _serial = SERIAL.lock();
        assert_eq!(temp_owner(".r.md.12.3.tmp", "r.md"), Some(12));
        assert_eq!(temp_owner(".r.md.x.3.tmp", "r.md"), None);
        assert_eq!(temp_owner(".r.md.12.tmp", "r.md"), None);
        assert_eq!(temp_owner("r.md.12.3.tmp", "r.md"), None);
    }
}
