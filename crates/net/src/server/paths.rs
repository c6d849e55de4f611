//! Files of a served store and the checks both the server and its clients make on them: the
//! socket, the pid file, the log, and whether some process holds the store's lock.

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
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

/// A process holding the store's lock, as the kernel lists it in `/proc/locks`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockHolder {
    pub pid: u32,
    /// Its command line, shown inert, if this account may read it.
    pub command: Option<String>,
}

/// Which process holds the lock on `DIR/store.lock`, if the kernel says (`/proc/locks` lists
/// every `flock` with its holder's pid and the file's device and inode).
pub fn lock_holder(dir: &Path) -> Option<LockHolder> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::symlink_metadata(dir.join("store.lock")).ok()?;
    let (major, minor) = (rustix::fs::major(meta.dev()), rustix::fs::minor(meta.dev()));
    let locks = std::fs::read_to_string("/proc/locks").ok()?;
    let pid = locks.lines().find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        // "1: FLOCK  ADVISORY  WRITE 5621 08:01:1234567 0 EOF"; waiters have "->" in field 2.
        if f.len() < 6 || f[1] != "FLOCK" {
            return None;
        }
        let mut id = f[5].split(':');
        let maj = u32::from_str_radix(id.next()?, 16).ok()?;
        let min = u32::from_str_radix(id.next()?, 16).ok()?;
        let ino: u64 = id.next()?.parse().ok()?;
        (maj == major && min == minor && ino == meta.ino())
            .then(|| f[4].parse::<u32>().ok())
            .flatten()
    })?;
    let command = std::fs::read(format!("/proc/{pid}/cmdline"))
        .ok()
        .filter(|c| !c.is_empty())
        .map(|c| {
            let words: Vec<String> = c
                .split(|b| *b == 0)
                .filter(|w| !w.is_empty())
                .map(|w| String::from_utf8_lossy(w).into_owned())
                .collect();
            let line = text::one_line(&words.join(" ")).into_owned();
            text::truncate(&line, 120).into_owned()
        });
    Some(LockHolder { pid, command })
}

/// What is known when the store's lock is held and no running server is named in
/// `server.pid`: which process holds it, if the kernel says, and nothing more.
pub fn in_use_message(dir: &Path, holder: Option<&LockHolder>, lang: l10n::Lang) -> String {
    let vi = lang == l10n::Lang::Vi;
    match holder {
        Some(h) => {
            let what = h
                .command
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            if vi {
                format!(
                    "kho {} đang được tiến trình {}{what} mở; mỗi lúc chỉ một tiến trình mở kho. \
                     Hãy chờ tiến trình đó xong (kiểm tra, dựng lại hoặc khôi phục một kho lớn \
                     có thể mất vài phút) rồi thử lại.",
                    dir.display(),
                    h.pid
                )
            } else {
                format!(
                    "store {} is open in process {}{what}; one process opens a store at a time. \
                     Wait for it to finish (checking, rebuilding or restoring a large store can \
                     take minutes), then try again.",
                    dir.display(),
                    h.pid
                )
            }
        }
        None => {
            if vi {
                format!(
                    "kho {} đang được một tiến trình khác mở: khóa {} đang bị giữ và server.pid \
                     không ghi máy chủ nào đang chạy. Không xác định được tiến trình đó (có thể \
                     thuộc tài khoản khác). Hãy chờ nó xong rồi thử lại.",
                    dir.display(),
                    dir.join("store.lock").display()
                )
            } else {
                format!(
                    "store {} is open in another process: its lock {} is held and server.pid \
                     names no running server. That process could not be identified (it may \
                     belong to another account). Wait for it to finish, then try again.",
                    dir.display(),
                    dir.join("store.lock").display()
                )
            }
        }
    }
}

/// The account that owns the store folder (whose server it is), without following a link.
/// Whether the store in `dir`, of the account `owner`, is that account's personal store: it lies
/// in the owner's home folder or under /home, /root or /run/user, where no service can serve it
/// (the systemd unit hides them, and `setup-shared --install-unit` refuses them).
pub fn personal_store(dir: &Path, owner: u32) -> bool {
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    use uzers::os::unix::UserExt;
    let home = uzers::get_user_by_uid(owner).map(|u| u.home_dir().to_path_buf());
    home.is_some_and(|h| h != Path::new("/") && dir.starts_with(&h))
        || ["/home", "/root", "/run/user"]
            .iter()
            .any(|p| dir.starts_with(p))
}

pub fn folder_owner(dir: &Path) -> io::Result<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::symlink_metadata(dir).map(|m| m.uid())
}

/// The systemd instance serving the store in `dir`: `thamdinh@` + the path escaped as
/// `systemd-escape --path` does + `.service`.
pub fn service_unit(dir: &Path) -> String {
    format!("thamdinh@{}.service", escape_path(dir))
}

/// `systemd-escape --path`: no leading, trailing or doubled '/', each '/' becomes '-', and
/// every byte that is not an ASCII letter, digit, ':', '_' or '.' (and a leading '.') becomes
/// `\xNN`.
fn escape_path(dir: &Path) -> String {
    let parts: Vec<&[u8]> = dir
        .as_os_str()
        .as_bytes()
        .split(|b| *b == b'/')
        .filter(|p| !p.is_empty() && *p != b".")
        .collect();
    if parts.is_empty() {
        return "-".into();
    }
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push('-');
        }
        for (j, b) in part.iter().enumerate() {
            let plain = b.is_ascii_alphanumeric() || matches!(b, b':' | b'_' | b'.');
            if plain && !(i == 0 && j == 0 && *b == b'.') {
                out.push(char::from(*b));
            } else {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
    }
    out
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
    fn the_process_holding_the_lock_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        let store = store::Store::create(tmp.path()).unwrap();
        let holder = lock_holder(tmp.path()).expect("this process holds the lock");
        assert_eq!(holder.pid, std::process::id());
        assert!(holder.command.is_some());
        let msg = in_use_message(tmp.path(), Some(&holder), l10n::Lang::En);
        assert!(
            msg.contains(&format!("is open in process {}", std::process::id())),
            "{msg}"
        );
        drop(store);
        assert_eq!(lock_holder(tmp.path()), None);
    }

    #[test]
    fn paths_are_escaped_as_systemd_does() {
        assert_eq!(
            escape_path(Path::new("/srv/thamdinh/2024")),
            "srv-thamdinh-2024"
        );
        assert_eq!(
            escape_path(Path::new("/srv/par-index//2024/")),
            "srv-par\\x2dindex-2024"
        );
        assert_eq!(
            escape_path(Path::new("/.hidden/a b")),
            "\\x2ehidden-a\\x20b"
        );
        assert_eq!(escape_path(Path::new("/")), "-");
        assert_eq!(
            service_unit(Path::new("/srv/thamdinh/2024")),
            "thamdinh@srv-thamdinh-2024.service"
        );
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
