//! What can go wrong in the store, with messages in Vietnamese and English.

use std::path::PathBuf;

use l10n::{Lang, Said};

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
    /// (line 0: the whole file was read, and the store built from it does not verify.)
    Restore { line: usize, reason: Said },
    /// A key part the store cannot lay out (empty, contains '/', or a year above 9999).
    #[error("{}", self.message(Lang::En))]
    BadKey { what: String },
    /// The journal, the record of events, is damaged or cannot be read.
    #[error("{}", self.message(Lang::En))]
    Journal { path: PathBuf, detail: Said },
    /// sled has applied events the journal no longer holds: the journal lost events.
    #[error("{}", self.message(Lang::En))]
    JournalBehind {
        path: PathBuf,
        journal: u64,
        state: u64,
    },
    /// The journal ends in a torn or damaged record after event `after`, and the state that
    /// would tell whether it was acknowledged is missing or cannot be read: it is not cut
    /// silently (only by an explicit `thamdinh rebuild`, which says so).
    #[error("{}", self.message(Lang::En))]
    TornUnconfirmed {
        path: PathBuf,
        after: u64,
        what: Said,
    },
    /// The store directory or its journal was renamed, replaced or deleted while open.
    #[error("{}", self.message(Lang::En))]
    Replaced { path: PathBuf },
    /// Another account could change or read the store's files, or a link stands where a file
    /// should be (see `access`): the store is not opened.
    #[error("{}", self.message(Lang::En))]
    Access {
        path: PathBuf,
        problems: Vec<crate::access::AccessProblem>,
    },
    /// sled's files cannot be read (it reports damage, or stops on an internal error): the
    /// state is built again from the journal (`thamdinh rebuild`, or by the server at start).
    #[error("{}", self.message(Lang::En))]
    StateUnreadable { path: PathBuf, why: String },
    /// sled met an I/O error (a full disk) and the state is being brought back from the
    /// journal: nothing is read from it meanwhile. Nothing acknowledged is lost.
    #[error("{}", self.message(Lang::En))]
    StateBehind { path: PathBuf, free: Option<u64> },
    /// Not enough free disk space for a write (nothing was written).
    #[error("{}", self.message(Lang::En))]
    NoSpace {
        path: PathBuf,
        free: u64,
        needed: u64,
    },
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
                     store with `thamdinh init --year YEAR` (to try it on demo data: `thamdinh demo`, then \
                     --store demo).",
                    path.display()
                ),
                Lang::Vi => format!(
                    "{} không phải là kho dữ liệu thamdinh (không có thư mục sled/ bên trong). Hãy kiểm \
                     tra đường dẫn, hoặc tạo kho bằng `thamdinh init --year NĂM` (muốn thử trên dữ liệu minh \
                     họa: `thamdinh demo`, rồi --store demo).",
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
            StoreError::Restore { line, reason } => {
                let reason = reason.get(lang).trim_end_matches('.');
                match (lang, line) {
                    (Lang::En, 0) => format!(
                        "backup: {reason}. Nothing was restored; use an intact backup file."
                    ),
                    (Lang::En, _) => format!(
                        "backup line {line}: {reason}. Nothing was restored; use an intact backup \
                         file."
                    ),
                    (Lang::Vi, 0) => format!(
                        "bản sao lưu: {reason}. Chưa khôi phục gì; hãy dùng một tệp sao lưu còn \
                         nguyên vẹn."
                    ),
                    (Lang::Vi, _) => format!(
                        "dòng {line} của bản sao lưu: {reason}. Chưa khôi phục gì; hãy dùng một tệp \
                         sao lưu còn nguyên vẹn."
                    ),
                }
            }
            StoreError::Journal { path, detail } => match lang {
                Lang::En => format!(
                    "the journal of store {} (the record of every change) is damaged: {detail}. \
                     Nothing was changed. Keep the folder as it is and restore the store from its \
                     latest backup into a new folder: thamdinh restore FILE --store NEW_FOLDER",
                    path.display(),
                    detail = detail.en
                ),
                Lang::Vi => format!(
                    "nhật ký của kho dữ liệu {} (bản ghi mọi thay đổi) bị hỏng: {detail}. Chưa \
                     thay đổi gì. Hãy giữ nguyên thư mục và khôi phục kho từ bản sao lưu gần nhất \
                     vào một thư mục mới: thamdinh restore TỆP --store THƯ_MỤC_MỚI",
                    path.display(),
                    detail = detail.vi
                ),
            },
            StoreError::JournalBehind {
                path,
                journal,
                state,
            } => match lang {
                Lang::En => format!(
                    "the journal of store {} ends at event {journal}, but the state had recorded \
                     event {state}: the journal lost events {}–{state}. Nothing was changed and \
                     nothing is served. Restore the store from its latest backup into a new \
                     folder: thamdinh restore FILE --store NEW_FOLDER",
                    path.display(),
                    journal + 1
                ),
                Lang::Vi => format!(
                    "nhật ký của kho dữ liệu {} kết thúc ở sự kiện {journal}, nhưng trạng thái đã \
                     ghi nhận sự kiện {state}: nhật ký mất các sự kiện {}–{state}. Chưa thay đổi \
                     gì và kho không được phục vụ. Hãy khôi phục kho từ bản sao lưu gần nhất vào \
                     một thư mục mới: thamdinh restore TỆP --store THƯ_MỤC_MỚI",
                    path.display(),
                    journal + 1
                ),
            },
            StoreError::TornUnconfirmed { path, after, what } => match lang {
                Lang::En => format!(
                    "the journal of store {} ends in a record that cannot be read: {}. The \
                     stored state, which would tell whether that write was acknowledged, is \
                     missing or cannot be read, so it may be event {} or later that users were \
                     told was saved. Nothing was changed and the store is not served. Restore the \
                     store from its latest backup into a new folder (thamdinh restore FILE \
                     --store NEW_FOLDER), or, to keep the journal up to event {after} and drop \
                     the rest, stop the server and run `thamdinh rebuild`, then check the last \
                     changes.",
                    path.display(),
                    what.en,
                    after + 1
                ),
                Lang::Vi => format!(
                    "nhật ký của kho dữ liệu {} kết thúc bằng một bản ghi không đọc được: {}. \
                     Trạng thái đã lưu (cho biết lần ghi đó đã được xác nhận hay chưa) bị mất \
                     hoặc không đọc được, nên đó có thể là sự kiện {} trở đi đã được báo là lưu \
                     xong. Chưa thay đổi gì và kho không được phục vụ. Hãy khôi phục kho từ bản \
                     sao lưu gần nhất vào một thư mục mới (thamdinh restore TỆP --store \
                     THƯ_MỤC_MỚI), hoặc, để giữ nhật ký đến sự kiện {after} và bỏ phần sau, dừng \
                     máy chủ rồi chạy `thamdinh rebuild`, sau đó kiểm tra lại các thay đổi cuối \
                     cùng.",
                    path.display(),
                    what.vi,
                    after + 1
                ),
            },
            StoreError::Replaced { path } => match lang {
                Lang::En => format!(
                    "store folder {} was moved, replaced or deleted while its server was running; \
                     the server accepts no more changes. Nothing was written. Put the folder back, \
                     then run any thamdinh command to start a new server.",
                    path.display()
                ),
                Lang::Vi => format!(
                    "thư mục kho dữ liệu {} đã bị di chuyển, thay thế hoặc xóa khi máy chủ đang \
                     chạy; máy chủ không nhận thêm thay đổi nào. Chưa ghi gì. Hãy đưa thư mục về \
                     chỗ cũ rồi chạy một lệnh thamdinh bất kỳ để khởi động máy chủ mới.",
                    path.display()
                ),
            },
            StoreError::StateUnreadable { path, why } => match lang {
                Lang::En => format!(
                    "the stored state of store {} (its sled folder) cannot be read (sled says: \
                     \"{why}\"). The \
                     journal, the record of every change, is not affected. Stop the server and \
                     run `thamdinh rebuild`: the state is built again from the journal and the \
                     damaged files are kept aside.",
                    path.display()
                ),
                Lang::Vi => format!(
                    "không đọc được trạng thái đã lưu của kho dữ liệu {} (thư mục sled; sled báo: \
                     \"{why}\"). \
                     Nhật ký (bản ghi mọi thay đổi) không bị ảnh hưởng. Hãy dừng máy chủ rồi \
                     chạy `thamdinh rebuild`: trạng thái được dựng lại từ nhật ký và các tệp \
                     hỏng được giữ lại riêng.",
                    path.display()
                ),
            },
            StoreError::StateBehind { path, free } => {
                let mib = |b: &u64| {
                    let m = *b as f64 / (1024.0 * 1024.0);
                    format!("{} MiB", domain::number::decimal(m, 1, lang))
                };
                match (lang, free) {
                    (Lang::En, Some(free)) => format!(
                        "the state of store {} could not be written: its disk is full ({} \
                         free). Every acknowledged change is in the journal and is applied \
                         again as soon as there is space. Free some space and try again; no \
                         restart is needed.",
                        path.display(),
                        mib(free)
                    ),
                    (Lang::Vi, Some(free)) => format!(
                        "không ghi được trạng thái của kho dữ liệu {}: đĩa đã đầy (còn trống \
                         {}). Mọi thay đổi đã được xác nhận đều có trong nhật ký và sẽ được áp \
                         dụng lại ngay khi có chỗ trống. Hãy giải phóng dung lượng rồi thử lại; \
                         không cần khởi động lại.",
                        path.display(),
                        mib(free)
                    ),
                    (Lang::En, None) => format!(
                        "the state of store {} is being brought back from its journal after a \
                         disk error; nothing acknowledged is lost. Try again in a moment; no \
                         restart is needed.",
                        path.display()
                    ),
                    (Lang::Vi, None) => format!(
                        "trạng thái của kho dữ liệu {} đang được dựng lại từ nhật ký sau một lỗi \
                         đĩa; không mất thay đổi nào đã được xác nhận. Hãy thử lại sau giây lát; \
                         không cần khởi động lại.",
                        path.display()
                    ),
                }
            }
            StoreError::NoSpace { path, free, needed } => {
                let mib = |b: &u64| {
                    let m = *b as f64 / (1024.0 * 1024.0);
                    format!("{} MiB", domain::number::decimal(m, 1, lang))
                };
                match lang {
                    Lang::En => format!(
                        "the disk of store {} is full: {} free{}. Nothing was written. Free some \
                         space and try again; no restart is needed.",
                        path.display(),
                        mib(free),
                        if *needed > 0 {
                            format!(", {} needed", mib(needed))
                        } else {
                            String::new()
                        }
                    ),
                    Lang::Vi => format!(
                        "đĩa chứa kho dữ liệu {} đã đầy: còn trống {}{}. Chưa ghi gì. Hãy giải \
                         phóng dung lượng rồi thử lại; không cần khởi động lại.",
                        path.display(),
                        mib(free),
                        if *needed > 0 {
                            format!(", cần {}", mib(needed))
                        } else {
                            String::new()
                        }
                    ),
                }
            }
            StoreError::Access { path, problems } => {
                const SHOWN: usize = 5;
                // Someone else's sound store is not a store others could change: say so.
                // (What another account cannot read of it comes with that: its private folders.)
                use crate::access::AccessProblem as P;
                let not_mine = problems.iter().any(|p| matches!(p, P::OwnedByOther { .. }))
                    && problems
                        .iter()
                        .all(|p| matches!(p, P::OwnedByOther { .. } | P::Unreadable { .. }));
                let mut out = match lang {
                    Lang::En if not_mine => format!(
                        "store {} was not opened: it belongs to another account, and only its \
                         owner opens its files:",
                        path.display()
                    ),
                    Lang::Vi if not_mine => format!(
                        "không mở kho dữ liệu {}: kho thuộc tài khoản khác, và chỉ chủ kho mới \
                         mở các tệp của kho:",
                        path.display()
                    ),
                    Lang::En => format!(
                        "store {} was not opened, because other accounts on this server could \
                         change or read it:",
                        path.display()
                    ),
                    Lang::Vi => format!(
                        "không mở kho dữ liệu {}, vì các tài khoản khác trên máy chủ này có thể \
                         thay đổi hoặc đọc nó:",
                        path.display()
                    ),
                };
                // Another account's store: its own folder says it all (every file in it, and
                // every folder this account cannot read, would say the same again).
                let shown: Vec<&P> = match problems.iter().find(|p| p.path() == path) {
                    Some(top) if not_mine => vec![top],
                    _ => problems.iter().collect(),
                };
                for p in shown.iter().take(SHOWN) {
                    out.push_str("\n  - ");
                    out.push_str(&p.message(lang));
                }
                if shown.len() > SHOWN {
                    out.push_str(&match lang {
                        Lang::En => format!(
                            "\n  … and {} more (`thamdinh doctor` lists them all)",
                            shown.len() - SHOWN
                        ),
                        Lang::Vi => format!(
                            "\n  … và {} vấn đề khác (`thamdinh doctor` liệt kê đủ)",
                            shown.len() - SHOWN
                        ),
                    });
                }
                out
            }
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

    /// A journal problem, as the store reports it.
    pub(crate) fn journal(dir: &std::path::Path, e: crate::journal::JournalError) -> StoreError {
        if let crate::journal::JournalError::Replaced { .. } = e {
            return StoreError::Replaced {
                path: dir.to_path_buf(),
            };
        }
        match e.into_io() {
            Ok(io) if io.raw_os_error() == Some(libc::ENOSPC) => StoreError::NoSpace {
                path: dir.to_path_buf(),
                free: crate::lock::free_bytes(dir).unwrap_or(0),
                needed: 0,
            },
            Ok(io) => StoreError::io(crate::layout::journal_dir(dir), io),
            Err(e) => StoreError::Journal {
                path: dir.to_path_buf(),
                detail: e.said(),
            },
        }
    }

    pub(crate) fn corrupt(what: impl Into<String>) -> StoreError {
        StoreError::Corrupt { what: what.into() }
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

    /// A member who runs `serve` on the service account's sound store is told whose it is, not
    /// that other accounts could change it (the issue 13 re-test).
    #[test]
    fn a_store_of_another_account_is_not_called_open_to_others() {
        use crate::access::AccessProblem;
        let path = PathBuf::from("/srv/par");
        let theirs = StoreError::Access {
            path: path.clone(),
            problems: vec![AccessProblem::OwnedByOther {
                path: path.clone(),
                owner: 999,
                me: 1002,
            }],
        };
        let en = theirs.message(Lang::En);
        assert!(en.contains("belongs to another account"), "{en}");
        assert!(!en.contains("could change or read"), "{en}");
        assert!(
            theirs
                .message(Lang::Vi)
                .contains("kho thuộc tài khoản khác")
        );
        let open = StoreError::Access {
            path: path.clone(),
            problems: vec![
                AccessProblem::OwnedByOther {
                    path: path.clone(),
                    owner: 999,
                    me: 1002,
                },
                AccessProblem::WritableByOthers {
                    path: path.clone(),
                    mode: 0o777,
                },
            ],
        };
        assert!(open.message(Lang::En).contains("could change or read it"));
        // A member running `serve` on the service account's store cannot read its private
        // folders either: still "another account's", and no English in the Vietnamese.
        let member = StoreError::Access {
            path: path.clone(),
            problems: vec![
                AccessProblem::OwnedByOther {
                    path: path.clone(),
                    owner: 999,
                    me: 1002,
                },
                AccessProblem::Unreadable {
                    path: path.join("journal"),
                    error: "Permission denied (os error 13)".into(),
                },
            ],
        };
        assert!(
            member
                .message(Lang::En)
                .contains("belongs to another account")
        );
        let vi = member.message(Lang::Vi);
        assert!(vi.contains("kho thuộc tài khoản khác"), "{vi}");
        assert!(!vi.contains("Permission denied"), "{vi}");
        // One line for the store folder: its files and unreadable folders would repeat it.
        assert_eq!(vi.matches("\n  - ").count(), 1, "{vi}");
        assert!(!vi.contains("journal"), "{vi}");
    }
}
