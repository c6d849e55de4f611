//! The files the server itself creates in the store folder — its log, its pid file, its
//! socket — made so that another account on the machine cannot turn them against anyone
//! (SPEC S2; docs/SHARED_STORE.md):
//!
//! - the server runs with umask 077: whatever it creates is private unless it opens it up;
//! - files are opened relative to the store folder's descriptor without following a link
//!   (`O_NOFOLLOW`), new ones with `O_EXCL`, and checked after opening (a regular file of this
//!   account with one link); a mode is changed only on a file the server just created;
//! - every log record is one line: control and format characters a user sent are escaped.
//!
//! The store itself refuses to open when the folder, or anything in it, is a link, belongs to
//! another account or can be written by one (`store::access`); these checks add to that.

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use rustix::fs::{AtFlags, Mode, OFlags};

use super::error::ServerError;
use super::paths;

/// The log is moved to `server.log.1` when the server starts and it is larger than this.
const LOG_ROTATE_AT: u64 = 10 * 1024 * 1024;

/// Make every file this process creates private to its account (0600 files, 0700 folders),
/// whatever the umask it was started with.
pub fn private_umask() {
    rustix::process::umask(Mode::from_raw_mode(0o077));
}

/// The store folder, opened as a directory without following a link.
fn open_dir(dir: &Path) -> Result<OwnedFd, ServerError> {
    rustix::fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| ServerError::File {
        path: dir.to_path_buf(),
        source: e.into(),
    })
}

/// Check that an opened file is a regular file of this account with a single name: not a
/// device or FIFO, not a hard link to someone's file.
fn check_opened(file: &File, path: &Path) -> Result<(), ServerError> {
    let meta = file.metadata().map_err(|e| ServerError::File {
        path: path.to_path_buf(),
        source: e,
    })?;
    let me = rustix::process::geteuid().as_raw();
    let why = if !meta.file_type().is_file() {
        Some("it is not a regular file")
    } else if meta.uid() != me {
        Some("it belongs to another account")
    } else if meta.nlink() != 1 {
        Some("it has another name (a hard link)")
    } else {
        None
    };
    match why {
        Some(why) => Err(ServerError::UnsafeFile {
            path: path.to_path_buf(),
            why: why.into(),
        }),
        None => Ok(()),
    }
}

/// Open `DIR/server.log` for appending (created 0600 if absent), never through a link; moved
/// to `server.log.1` first when it has grown large.
pub fn open_log(dir: &Path) -> Result<File, ServerError> {
    let fd = open_dir(dir)?;
    let path = paths::log_path(dir);
    let err = |e: rustix::io::Errno| ServerError::File {
        path: path.clone(),
        source: e.into(),
    };
    if let Ok(st) = rustix::fs::statat(&fd, "server.log", AtFlags::SYMLINK_NOFOLLOW)
        && st.st_size as u64 > LOG_ROTATE_AT
    {
        rustix::fs::renameat(&fd, "server.log", &fd, "server.log.1").map_err(err)?;
    }
    let file = rustix::fs::openat(
        &fd,
        "server.log",
        OFlags::WRONLY
            | OFlags::APPEND
            | OFlags::CREATE
            | OFlags::NOFOLLOW
            | OFlags::NONBLOCK
            | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    )
    .map_err(|e| match e {
        rustix::io::Errno::LOOP => ServerError::UnsafeFile {
            path: path.clone(),
            why: "it is a symbolic link".into(),
        },
        e => err(e),
    })?;
    let file = File::from(file);
    check_opened(&file, &path)?;
    Ok(file)
}

/// A log destination where one record is one line: the record's text is escaped (line breaks,
/// tabs, escape sequences, bidirectional controls … shown visibly) and ends with one newline.
/// `tracing`'s formatter writes each record with a single `write_all`.
pub struct OneLine<W: Write>(pub W);

impl<W: Write> Write for OneLine<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let body = text.strip_suffix('\n').unwrap_or(&text);
        let mut line = text::one_line(body).into_owned();
        line.push('\n');
        self.0.write_all(line.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Write `DIR/server.pid` (readable by all: clients read which process serves): a new file
/// made with `O_EXCL`, then renamed over the old one.
pub fn write_pid_file(dir: &Path, pid: u32) -> Result<(), ServerError> {
    let fd = open_dir(dir)?;
    let path = paths::pid_path(dir);
    let err = |e: io::Error| ServerError::File {
        path: path.clone(),
        source: e,
    };
    remove_stale_pid_files(&fd, pid);
    // A name nobody else uses: `O_EXCL` refuses one that exists (a file or a link).
    let mut attempt = 0u32;
    let (tmp, file) = loop {
        let tmp = format!(".server.pid.{pid}.{attempt}");
        match rustix::fs::openat(
            &fd,
            tmp.as_str(),
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o600),
        ) {
            Ok(file) => break (tmp, file),
            Err(rustix::io::Errno::EXIST) if attempt < 100 => attempt += 1,
            Err(e) => return Err(err(e.into())),
        }
    };
    let mut file = File::from(file);
    let written = (|| -> io::Result<()> {
        // Ours, just created: opened up for reading only.
        rustix::fs::fchmod(file.as_fd(), Mode::from_raw_mode(0o644))?;
        file.write_all(format!("{pid}\n").as_bytes())?;
        file.sync_all()?;
        rustix::fs::renameat(&fd, tmp.as_str(), &fd, "server.pid")?;
        Ok(())
    })();
    if written.is_err() {
        let _ = rustix::fs::unlinkat(&fd, tmp.as_str(), AtFlags::empty());
    }
    written.map_err(err)
}

/// Remove the temporary pid files a server killed between writing and renaming left behind
/// (`.server.pid.PID.N` of another process: this server holds the store's lock, so no other
/// server is writing one). Only regular files of this account, never through a link.
fn remove_stale_pid_files(fd: &impl AsFd, pid: u32) {
    let Ok(dir) = rustix::fs::Dir::read_from(fd) else {
        return;
    };
    let me = rustix::process::geteuid().as_raw();
    let ours = format!(".server.pid.{pid}.");
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with(".server.pid.") || name.starts_with(&ours) {
            continue;
        }
        let stale =
            rustix::fs::statat(fd, name.as_str(), AtFlags::SYMLINK_NOFOLLOW).is_ok_and(|st| {
                rustix::fs::FileType::from_raw_mode(st.st_mode) == rustix::fs::FileType::RegularFile
                    && st.st_uid == me
            });
        if stale {
            let _ = rustix::fs::unlinkat(fd, name.as_str(), AtFlags::empty());
        }
    }
}

/// Let the members reach the socket the server just bound: mode 0660 and the store folder's
/// group when the folder is open to its group (a shared store, docs/SHARED_STORE.md), else
/// 0600. Only done on the socket this server made (a socket of this account, checked without
/// following a link). Returns the mode set.
pub fn open_socket_to_group(dir: &Path) -> Result<u32, ServerError> {
    let fd = open_dir(dir)?;
    let sock = paths::socket_path(dir);
    let err = |e: rustix::io::Errno| ServerError::Socket {
        path: sock.clone(),
        source: e.into(),
    };
    let folder = rustix::fs::fstat(&fd).map_err(err)?;
    let st = rustix::fs::statat(&fd, "thamdinh.sock", AtFlags::SYMLINK_NOFOLLOW).map_err(err)?;
    let me = rustix::process::geteuid().as_raw();
    if rustix::fs::FileType::from_raw_mode(st.st_mode) != rustix::fs::FileType::Socket
        || st.st_uid != me
    {
        return Err(ServerError::UnsafeFile {
            path: sock,
            why: "it is not the socket this server made".into(),
        });
    }
    let shared = folder.st_mode & 0o010 != 0;
    if shared && st.st_gid != folder.st_gid {
        rustix::fs::chownat(
            &fd,
            "thamdinh.sock",
            None,
            Some(rustix::process::Gid::from_raw(folder.st_gid)),
            AtFlags::SYMLINK_NOFOLLOW,
        )
        .map_err(err)?;
    }
    let mode = if shared { 0o660 } else { 0o600 };
    // chmod of a path: the folder is writable by this account only (checked when the store
    // was opened) and the socket was just checked to be ours.
    rustix::fs::chmodat(
        &fd,
        "thamdinh.sock",
        Mode::from_raw_mode(mode),
        AtFlags::empty(),
    )
    .map_err(err)?;
    Ok(mode)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn folder() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    #[test]
    fn the_log_never_follows_a_planted_link() {
        let tmp = folder();
        let target = tmp.path().join("victim.pth");
        std::fs::write(&target, "").unwrap();
        std::os::unix::fs::symlink(&target, paths::log_path(tmp.path())).unwrap();
        assert!(open_log(tmp.path()).is_err());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "");
    }

    #[test]
    fn the_log_refuses_a_hard_link_and_a_fifo() {
        let tmp = folder();
        let other = tmp.path().join("other");
        std::fs::write(&other, "").unwrap();
        std::fs::hard_link(&other, paths::log_path(tmp.path())).unwrap();
        let e = open_log(tmp.path()).unwrap_err();
        assert!(e.to_string().contains("hard link"), "{e}");
        std::fs::remove_file(paths::log_path(tmp.path())).unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            paths::log_path(tmp.path()),
            rustix::fs::FileType::Fifo,
            Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        // Opened without blocking (no reader), then refused as not a regular file.
        assert!(open_log(tmp.path()).is_err());
    }

    #[test]
    fn a_new_log_is_private_and_each_record_is_one_line() {
        let tmp = folder();
        let mut w = OneLine(open_log(tmp.path()).unwrap());
        w.write_all(
            "request from an: note \"a\nimport os; os.system('x')\"\x1b[2J\u{2028}end\n".as_bytes(),
        )
        .unwrap();
        let log = std::fs::read_to_string(paths::log_path(tmp.path())).unwrap();
        assert_eq!(log.lines().count(), 1, "{log}");
        assert!(log.contains("note \"a␊import os"), "{log}");
        assert!(log.contains("␛[2J<U+2028>end"), "{log}");
        let mode = std::fs::metadata(paths::log_path(tmp.path()))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn the_pid_file_replaces_a_planted_link_without_writing_through_it() {
        let tmp = folder();
        let target = tmp.path().join("victim");
        std::fs::write(&target, "precious").unwrap();
        std::os::unix::fs::symlink(&target, paths::pid_path(tmp.path())).unwrap();
        // A link at every name a pid file might be written to first.
        for n in 0..4 {
            std::os::unix::fs::symlink(&target, tmp.path().join(format!(".server.pid.4242.{n}")))
                .unwrap();
        }
        write_pid_file(tmp.path(), 4242).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
        assert_eq!(paths::read_pid(tmp.path()), Some(4242));
        let meta = std::fs::symlink_metadata(paths::pid_path(tmp.path())).unwrap();
        assert!(meta.file_type().is_file());
        assert_eq!(meta.permissions().mode() & 0o777, 0o644);
    }

    #[test]
    fn the_socket_is_opened_to_the_group_only_in_a_shared_folder() {
        let tmp = folder();
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        let _l = paths::bind(tmp.path()).unwrap();
        assert_eq!(open_socket_to_group(tmp.path()).unwrap(), 0o600);
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o750)).unwrap();
        assert_eq!(open_socket_to_group(tmp.path()).unwrap(), 0o660);
        let mode = std::fs::metadata(paths::socket_path(tmp.path()))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o660);
    }

    #[test]
    fn a_planted_socket_link_is_not_opened_up() {
        let tmp = folder();
        let target = tmp.path().join("victim");
        std::fs::write(&target, "").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink(&target, paths::socket_path(tmp.path())).unwrap();
        assert!(open_socket_to_group(tmp.path()).is_err());
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
