//! Files of a served store and the checks both the server and its clients make on them: the
//! socket, the pid file, the log, and whether some process holds the store's lock.

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

/// `DIR/thamdinh.sock`.
pub fn socket_path(dir: &Path) -> PathBuf {
    dir.join("thamdinh.sock")
}

/// `DIR/server.pid`: the pid of the process serving the store, written after it took the lock.
pub fn pid_path(dir: &Path) -> PathBuf {
    dir.join("server.pid")
}

/// `DIR/server.log`.
pub fn log_path(dir: &Path) -> PathBuf {
    dir.join("server.log")
}

/// The pid in `DIR/server.pid`, if the file exists and holds one.
pub fn read_pid(dir: &Path) -> Option<u32> {
    std::fs::read_to_string(pid_path(dir))
        .ok()
        .and_then(|s| s.trim().parse().ok())
}

/// Whether a process with this pid exists (possibly owned by another user).
pub fn process_alive(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        Err(e) => e == rustix::io::Errno::PERM,
    }
}

/// Unix socket paths are limited to 108 bytes. A longer store path is reached through the
/// directory's descriptor: `/proc/self/fd/N/thamdinh.sock`.
const SHORT_ENOUGH: usize = 100;

fn with_socket_path<T>(dir: &Path, f: impl FnOnce(&Path) -> io::Result<T>) -> io::Result<T> {
    let path = socket_path(dir);
    if path.as_os_str().len() <= SHORT_ENOUGH {
        return f(&path);
    }
    let d = File::open(dir)?;
    let short = PathBuf::from(format!("/proc/self/fd/{}/thamdinh.sock", d.as_raw_fd()));
    let r = f(&short);
    drop(d);
    r
}

/// Connect to the store's socket.
pub fn connect(dir: &Path) -> io::Result<UnixStream> {
    with_socket_path(dir, |p| UnixStream::connect(p))
}

/// Bind the store's socket (the caller removed any stale one first).
pub fn bind(dir: &Path) -> io::Result<UnixListener> {
    with_socket_path(dir, |p| UnixListener::bind(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_store_path_still_gets_a_socket() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a-rather-long-folder-name-".repeat(5));
        std::fs::create_dir_all(&dir).unwrap();
        assert!(socket_path(&dir).as_os_str().len() > 108);
        let listener = bind(&dir).unwrap();
        assert!(socket_path(&dir).exists());
        let _client = connect(&dir).unwrap();
        let (_server_side, _) = listener.accept().unwrap();
    }

    #[test]
    fn the_pid_file_is_read_and_checked() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(read_pid(tmp.path()), None);
        std::fs::write(pid_path(tmp.path()), format!("{}\n", std::process::id())).unwrap();
        assert_eq!(read_pid(tmp.path()), Some(std::process::id()));
        assert!(process_alive(std::process::id()));
        std::fs::write(pid_path(tmp.path()), "garbage").unwrap();
        assert_eq!(read_pid(tmp.path()), None);
    }
}
