//! Making a change to a folder's entries durable: the one `sync_dir` that the store (its journal
//! segments, lock and backups) and the file writers (`formats::atomic`) share.

use std::io;
use std::path::Path;

/// `fsync` a folder, so that a file just created, renamed or removed in it survives a power loss.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}
