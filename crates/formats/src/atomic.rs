//! Atomic file writes (SPEC I4): write a temporary file in the target's directory, `sync_all` it,
//! rename it over the target, then fsync the directory. A reader — or a crash — sees either the
//! old file or the new one, never a half-written file.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Write `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Write to `path` atomically through a streaming writer. If `write` fails, the target is left
/// untouched and the temporary file is removed; the error is returned as is.
pub fn write_atomic_with<F>(path: &Path, write: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let dir = parent_dir(path);
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} does not name a file", path.display()),
        )
    })?;
    let (tmp_path, file) = create_temp(&dir, &name.to_string_lossy())?;
    let result = fill_and_rename(file, &tmp_path, path, write);
    if result.is_err() {
        // Best effort: the original error matters more than a failure to clean up.
        let _ = fs::remove_file(&tmp_path);
        return result;
    }
    // Make the rename itself durable.
    domain::durable::sync_dir(&dir)
}

fn fill_and_rename<F>(file: File, tmp: &Path, target: &Path, write: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    // Keep the permissions of a file being replaced (a shared export folder may rely on them).
    if let Ok(meta) = fs::metadata(target) {
        file.set_permissions(meta.permissions())?;
    }
    let mut w = BufWriter::new(file);
    write(&mut w)?;
    let file = w.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    drop(file);
    fs::rename(tmp, target)
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Create a new, unique temporary file next to the target: `.NAME.tmp.PID.N`.
fn create_temp(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.tmp.{}.{n}", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.csv");
        write_atomic(&p, b"first").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"first");
        write_atomic(&p, b"second, longer").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"second, longer");
        assert_eq!(entries(dir.path()), vec!["out.csv"]);
    }

    #[test]
    fn failure_in_closure_keeps_old_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        write_atomic(&p, b"old content").unwrap();
        let err = write_atomic_with(&p, |w| {
            w.write_all(b"new content that must not appear")?;
            Err(io::Error::other("disk full (simulated)"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "disk full (simulated)");
        assert_eq!(fs::read(&p).unwrap(), b"old content");
        assert_eq!(entries(dir.path()), vec!["out.json"]);
    }

    #[test]
    fn failure_without_old_file_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("new.csv");
        assert!(write_atomic_with(&p, |_| Err(io::Error::other("boom"))).is_err());
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn missing_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("nope").join("x.csv");
        assert!(write_atomic(&p, b"x").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_of_replaced_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("shared.csv");
        write_atomic(&p, b"a").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&p, b"b").unwrap();
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
    }
}
