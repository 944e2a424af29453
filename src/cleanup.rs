//! What pkgr undoes when it is stopped, and what a later run may remove after a `SIGKILL`.
//!
//! - Every scratch path (an artifact's temp file beside its destination, the venv staging
//!   directory) is registered while it exists ([`register_path`]); every child process (python,
//!   pip, uv) runs in its own process group, registered while it runs ([`register_child`]).
//! - On `SIGINT`, `SIGTERM` or `SIGHUP`, [`install`]'s handler thread stops the children's
//!   process groups (`SIGTERM`, then `SIGKILL` after two seconds), removes the registered
//!   paths, and exits with `128 + signal` (130, 143, 129), as shells report a signal death.
//! - A `SIGKILL` cannot be handled, so whatever pkgr leaves must be recognisable as its own and
//!   as abandoned: each holds an exclusive `flock` for as long as its run lives (the temp file
//!   itself; a `.pkgr-lock` file inside a staging directory). A later run removes such leftovers
//!   only when it can take the lock, which no live pkgr holds, in any PID namespace or container
//!   sharing the directory ([`is_abandoned`]). Process ids are never trusted for this.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// The registry the signal handler empties.
#[derive(Default)]
struct State {
    next: u64,
    paths: BTreeMap<u64, PathBuf>,
    children: BTreeMap<u64, i32>,
}

static STATE: Mutex<State> = Mutex::new(State {
    next: 0,
    paths: BTreeMap::new(),
    children: BTreeMap::new(),
});

fn with_state<T>(f: impl FnOnce(&mut State) -> T) -> T {
    let mut s = STATE.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut s)
}

/// Keeps a path registered for removal on a signal; dropping it unregisters the path (the
/// owner has removed or persisted it).
#[derive(Debug)]
pub struct PathGuard(u64);

impl Drop for PathGuard {
    fn drop(&mut self) {
        with_state(|s| s.paths.remove(&self.0));
    }
}

/// Registers `path` (a file or a directory) to be removed if pkgr is interrupted.
pub fn register_path(path: &Path) -> PathGuard {
    with_state(|s| {
        s.next += 1;
        s.paths.insert(s.next, path.to_path_buf());
        PathGuard(s.next)
    })
}

/// Keeps a child's process group registered to be stopped on a signal.
#[derive(Debug)]
pub struct ChildGuard(u64);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        with_state(|s| s.children.remove(&self.0));
    }
}

/// Registers the process group `pgid` (a child started with `process_group(0)`, whose group
/// id is its pid) to be stopped if pkgr is interrupted.
pub fn register_child(pgid: u32) -> ChildGuard {
    with_state(|s| {
        s.next += 1;
        s.children.insert(s.next, pgid as i32);
        ChildGuard(s.next)
    })
}

/// Stops every registered process group: `SIGTERM`, then `SIGKILL` for what is left after two
/// seconds.
fn stop_children(groups: &[i32]) {
    for &g in groups {
        // SAFETY: kill(2) with a negative pid signals a process group; no memory is involved.
        unsafe { libc::kill(-g, libc::SIGTERM) };
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    for &g in groups {
        // SAFETY: signal 0 only checks that the group still exists.
        while unsafe { libc::kill(-g, 0) } == 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        // SAFETY: as above; a group that is already gone makes this fail with ESRCH.
        unsafe { libc::kill(-g, libc::SIGKILL) };
    }
}

/// Removes a file, or a directory with everything below it.
fn remove(path: &Path) {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => {
            let _ = std::fs::remove_dir_all(path);
        }
        Ok(_) => {
            let _ = std::fs::remove_file(path);
        }
        Err(_) => {}
    }
}

/// Starts the thread that handles `SIGINT`, `SIGTERM` and `SIGHUP` as the module doc says.
/// Call once, from the binary.
///
/// # Errors
/// The error of registering the handlers.
pub fn install() -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("pkgr-signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                // Take everything out of the registry and keep the lock: no new scratch path or
                // child can appear while the handler works.
                let mut s = STATE.lock().unwrap_or_else(|e| e.into_inner());
                let groups: Vec<i32> = s.children.values().copied().collect();
                stop_children(&groups);
                let paths: Vec<PathBuf> = s.paths.values().cloned().collect();
                for p in paths.iter().rev() {
                    remove(p);
                }
                s.paths.clear();
                let name = match sig {
                    SIGINT => "SIGINT",
                    SIGTERM => "SIGTERM",
                    _ => "SIGHUP",
                };
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "\npkgr: interrupted by {name}: stopped {} child process(es) and removed {} scratch path(s); nothing was written",
                    groups.len(),
                    paths.len()
                );
                std::process::exit(128 + sig);
            }
        })?;
    Ok(())
}

/// Takes an exclusive `flock` on `file` for as long as it stays open (its whole run).
///
/// # Errors
/// The `flock` error.
pub fn hold(file: &File) -> std::io::Result<()> {
    file.lock()
}

/// How old an unlocked leftover must be before it is removed: a file another pkgr has just
/// created but not yet locked is never taken for abandoned.
const MIN_AGE: Duration = Duration::from_secs(2);

/// Is the leftover at `lock` abandoned: older than a few seconds, and its lock free (its owner
/// is gone, whatever its PID namespace)?
pub fn is_abandoned(lock: &Path) -> bool {
    let Ok(f) = File::open(lock) else {
        return false;
    };
    let old = f
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age >= MIN_AGE);
    old && f.try_lock().is_ok()
}

/// The name of the lock file inside a staging directory.
pub const STAGING_LOCK: &str = ".pkgr-lock";

/// A staging directory for the venv build: created below `workdir` as `pkgr-XXXXXX`, locked
/// for the run (so a later run can tell it from a live one), registered for removal on a
/// signal, and removed when dropped.
#[derive(Debug)]
pub struct Staging {
    // Field order is drop order: unregister, release the lock, then remove the directory.
    _guard: PathGuard,
    _lock: File,
    dir: tempfile::TempDir,
}

impl Staging {
    /// Creates it, after removing abandoned staging directories of earlier runs in `workdir`.
    ///
    /// # Errors
    /// The I/O error of creating or locking it.
    pub fn new(workdir: &Path) -> std::io::Result<Self> {
        clean_stale_staging(workdir);
        let dir = tempfile::Builder::new()
            .prefix("pkgr-")
            .tempdir_in(workdir)?;
        let lock = File::create(dir.path().join(STAGING_LOCK))?;
        hold(&lock)?;
        let guard = register_path(dir.path());
        Ok(Staging {
            _guard: guard,
            _lock: lock,
            dir,
        })
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Removes the `pkgr-*` staging directories in `workdir` whose lock no live pkgr holds. A
/// directory without pkgr's lock file is never touched.
pub fn clean_stale_staging(workdir: &Path) {
    let Ok(rd) = std::fs::read_dir(workdir) else {
        return;
    };
    for e in rd.flatten() {
        let path = e.path();
        let ours = e
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with("pkgr-"))
            && e.file_type().is_ok_and(|t| t.is_dir());
        if ours && is_abandoned(&path.join(STAGING_LOCK)) {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn age(path: &Path) {
        let old = SystemTime::now() - Duration::from_secs(60);
        File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(old)
            .unwrap();
    }

    #[test]
    fn only_unlocked_old_leftovers_are_abandoned() {
        let d = tempfile::tempdir().unwrap();
        let live = d.path().join("live");
        let f = File::create(&live).unwrap();
        hold(&f).unwrap();
        age(&live);
        assert!(!is_abandoned(&live), "a held lock is a live run");
        let dead = d.path().join("dead");
        File::create(&dead).unwrap();
        assert!(!is_abandoned(&dead), "too young");
        age(&dead);
        assert!(is_abandoned(&dead));
    }

    #[test]
    fn stale_staging_directories_go_live_ones_stay() {
        let w = tempfile::tempdir().unwrap();
        let live = Staging::new(w.path()).unwrap();
        age(&live.path().join(STAGING_LOCK));
        let dead = w.path().join("pkgr-dead");
        std::fs::create_dir(&dead).unwrap();
        File::create(dead.join(STAGING_LOCK)).unwrap();
        age(&dead.join(STAGING_LOCK));
        let foreign = w.path().join("pkgr-foreign");
        std::fs::create_dir(&foreign).unwrap();
        clean_stale_staging(w.path());
        assert!(live.path().is_dir());
        assert!(!dead.exists());
        assert!(foreign.exists(), "no lock file: not pkgr's");
        let p = live.path().to_path_buf();
        drop(live);
        assert!(!p.exists());
    }
}
