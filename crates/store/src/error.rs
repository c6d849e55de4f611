//! What can go wrong in the store, with messages in Vietnamese and English.

use std::path::PathBuf;

use l10n::Lang;

/// Every failure of `Store`. `Display` is the English message; `message` picks the language.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// sled's file lock is held: another process (a CLI command or the server) has the store open.
    #[error("{}", self.message(Lang::En))]
    InUse { path: PathBuf },
    /// `open` on a directory without `sled/` inside.
    #[error("{}", self.message(Lang::En))]
    NotAStore { path: PathBuf },
    /// `create` / `restore` on a directory that already holds a store.
    #[error("{}", self.message(Lang::En))]
    AlreadyExists { path: PathBuf },
    /// The store was written by another version of the program.
    #[error("{}", self.message(Lang::En))]
    SchemaMismatch {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
    /// Stored bytes that cannot be read back (or a broken hash chain where one is required).
    #[error("{}", self.message(Lang::En))]
    Corrupt { what: String },
    /// A file system operation failed.
    #[error("{}", self.message(Lang::En))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Any other error reported by sled.
    #[error("{}", self.message(Lang::En))]
    Sled(String),
    /// A backup line that cannot be restored (1-based line number).
    #[error("{}", self.message(Lang::En))]
    Restore { line: usize, reason: String },
    /// A key part the store cannot lay out (empty, contains '/', or a year above 9999).
    #[error("{}", self.message(Lang::En))]
    BadKey { what: String },
}

impl StoreError {
    /// The user-facing message in `lang`: what went wrong, where, and what to do.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            StoreError::InUse { path } => match lang {
                Lang::En => format!(
                    "store {} is in use by another process (another thamdinh command or its server). \
                     Close it and try again.",
                    path.display()
                ),
                Lang::Vi => format!(
                    "kho dữ liệu {} đang được một tiến trình khác sử dụng (một lệnh thamdinh khác hoặc \
                     máy chủ của nó). Hãy đóng tiến trình đó rồi thử lại.",
                    path.display()
                ),
            },
            StoreError::NotAStore { path } => match lang {
                Lang::En => format!(
                    "{} is not a thamdinh store (no sled/ folder inside). Check the path, or create a \
                     store with `thamdinh init`.",
                    path.display()
                ),
                Lang::Vi => format!(
                    "{} không phải là kho dữ liệu thamdinh (không có thư mục sled/ bên trong). Hãy kiểm \
                     tra đường dẫn, hoặc tạo kho bằng `thamdinh init`.",
                    path.display()
                ),
            },
            StoreError::AlreadyExists { path } => match lang {
                Lang::En => format!(
                    "{} already holds a store. Choose an empty folder, or move the existing store away \
                     first.",
                    path.display()
                ),
                Lang::Vi => format!(
                    "{} đã chứa một kho dữ liệu. Hãy chọn một thư mục trống, hoặc chuyển kho hiện có \
                     đi nơi khác trước.",
                    path.display()
                ),
            },
            StoreError::SchemaMismatch {
                path,
                found,
                expected,
            } => match lang {
                Lang::En => format!(
                    "store {} has data format version {found}, this program reads version {expected}. \
                     Use the matching thamdinh version, or move the data over with `thamdinh backup` \
                     and `thamdinh restore`.",
                    path.display()
                ),
                Lang::Vi => format!(
                    "kho dữ liệu {} có định dạng phiên bản {found}, chương trình này đọc phiên bản \
                     {expected}. Hãy dùng đúng phiên bản thamdinh, hoặc chuyển dữ liệu bằng \
                     `thamdinh backup` và `thamdinh restore`.",
                    path.display()
                ),
            },
            StoreError::Corrupt { what } => match lang {
                Lang::En => format!(
                    "the store is damaged: {what}. Run `thamdinh verify` for details; restore from a \
                     backup if needed."
                ),
                Lang::Vi => format!(
                    "kho dữ liệu bị hỏng: {what}. Hãy chạy `thamdinh verify` để xem chi tiết; khôi phục \
                     từ bản sao lưu nếu cần."
                ),
            },
            StoreError::Io { path, source } => match lang {
                Lang::En => format!(
                    "cannot read or write {}: {source}. Check that the path exists, the disk is not \
                     full and you have permission.",
                    path.display()
                ),
                Lang::Vi => format!(
                    "không đọc hoặc ghi được {}: {source}. Hãy kiểm tra đường dẫn, dung lượng đĩa và \
                     quyền truy cập.",
                    path.display()
                ),
            },
            StoreError::Sled(e) => match lang {
                Lang::En => format!("the database reported an error: {e}."),
                Lang::Vi => format!("cơ sở dữ liệu báo lỗi: {e}."),
            },
            StoreError::Restore { line, reason } => match lang {
                Lang::En => format!(
                    "backup line {line}: {reason}. Nothing was restored; use an intact backup file."
                ),
                Lang::Vi => format!(
                    "dòng {line} của bản sao lưu: {reason}. Chưa khôi phục gì; hãy dùng một tệp sao \
                     lưu còn nguyên vẹn."
                ),
            },
            StoreError::BadKey { what } => match lang {
                Lang::En => format!(
                    "{what}: codes and user names must be non-empty and must not contain '/', years \
                     must be at most 9999."
                ),
                Lang::Vi => format!(
                    "{what}: mã và tên người dùng không được để trống và không được chứa '/', năm \
                     không được lớn hơn 9999."
                ),
            },
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> StoreError {
        StoreError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn corrupt(what: impl Into<String>) -> StoreError {
        StoreError::Corrupt { what: what.into() }
    }
}

/// Is this sled error the "another process holds the lock" failure? sled reports it as an
/// `io::Error` of kind `Other` whose message says "could not acquire lock".
pub(crate) fn is_lock_error(e: &sled::Error) -> bool {
    match e {
        sled::Error::Io(io) => {
            io.kind() == std::io::ErrorKind::Other
                && io.to_string().contains("could not acquire lock")
        }
        _ => false,
    }
}

/// Map a sled error that is not a lock conflict.
pub(crate) fn from_sled(e: sled::Error, path: &std::path::Path) -> StoreError {
    match e {
        sled::Error::Io(io) => StoreError::io(path, io),
        sled::Error::Corruption { .. } => StoreError::corrupt(format!(
            "sled reports corruption in {}: {e}",
            path.display()
        )),
        other => StoreError::Sled(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_use_message_names_the_store_in_both_languages() {
        let e = StoreError::InUse {
            path: PathBuf::from("/srv/par"),
        };
        assert_eq!(
            e.message(Lang::En),
            "store /srv/par is in use by another process (another thamdinh command or its server). \
             Close it and try again."
        );
        assert!(
            e.message(Lang::Vi)
                .starts_with("kho dữ liệu /srv/par đang được một tiến trình khác sử dụng")
        );
        assert_eq!(e.to_string(), e.message(Lang::En));
    }

    #[test]
    fn lock_error_is_recognised_only_by_its_message() {
        let lock = sled::Error::Io(std::io::Error::other(
            "could not acquire lock on \"/x/db\": Os { code: 11 }",
        ));
        assert!(is_lock_error(&lock));
        let other = sled::Error::Io(std::io::Error::other("disk on fire"));
        assert!(!is_lock_error(&other));
        assert!(!is_lock_error(&sled::Error::Unsupported("x".into())));
    }
}
