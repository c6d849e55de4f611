//! Who can reach a store's files (SPEC S2; docs/SHARED_STORE.md). On a shared server every
//! appraiser has a shell: a file another account can write, or a link it planted, would let it
//! rewrite the record or make the server write somewhere else. So a store is opened only when:
//!
//! - the store folder is not a symbolic link, belongs to the account opening it, and nobody
//!   else can write in it (its group and everyone may list it: that is how members reach the
//!   server's socket);
//! - nothing inside is a symbolic link or belongs to another account;
//! - the folders inside (`journal/`, `sled/`) and the files at the top (`store.lock`,
//!   `server.log`) are private to the owner (no group or other bits); the socket and the pid
//!   file are the only entries others may read.
//!
//! Entries inside the private folders are reported (by `doctor`) when their modes are wider
//! than 0600/0700, but they do not stop the store: nobody else can reach them through a 0700
//! folder. A link or another account's file stops it wherever it is.
//!
//! The checks read metadata without following links (`lstat`); since nobody else can write in
//! the folder, what was checked stays so while the store is open.

use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use l10n::Lang;

use super::layout;

/// Entries of the top folder others may read: the socket (members connect to it) and the pid
/// file (clients read which process serves).
const PUBLIC_ENTRIES: [&str; 2] = ["thamdinh.sock", "server.pid"];
/// The pid file is written under a temporary name (`.server.pid.PID.N`) and renamed: a server
/// killed in between leaves one behind, readable like the pid file itself.
const PUBLIC_PREFIX: &str = ".server.pid.";

/// At most this many entries are examined (a store has a few dozen).
const MAX_ENTRIES: usize = 100_000;
/// How deep below the store folder entries are examined (`sled/blobs/x` is depth 3).
const MAX_DEPTH: usize = 4;

/// What is wrong with who can reach one file of the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccessProblem {
    /// A symbolic link where the store has a file or folder.
    Symlink { path: PathBuf },
    /// A file or folder owned by another account than the one opening the store (the store
    /// folder itself, or an entry of the folder's owner).
    OwnedByOther { path: PathBuf, owner: u32, me: u32 },
    /// An entry inside the store owned by another account than the store folder's owner: it
    /// was put there or replaced (a store is written by its owner only).
    ForeignEntry {
        path: PathBuf,
        owner: u32,
        store_owner: u32,
        dir: PathBuf,
    },
    /// The store folder, or a file in it, can be written by its group or by everyone.
    WritableByOthers { path: PathBuf, mode: u32 },
    /// A folder or top file of the store can be read by its group or by everyone.
    ReadableByOthers { path: PathBuf, mode: u32 },
    /// An entry inside a private folder has a mode wider than 0600/0700 (harmless while the
    /// folder stays private; `doctor` reports it). `folder_private`: whether the folder holding
    /// it is private now (when it is not, that folder is reported too).
    WideInside {
        path: PathBuf,
        mode: u32,
        folder_private: bool,
    },
    /// A file or folder that cannot be examined.
    Unreadable { path: PathBuf, error: String },
}

impl AccessProblem {
    /// Whether this problem stops the store from being opened.
    pub fn refuses_open(&self) -> bool {
        !matches!(self, AccessProblem::WideInside { .. })
    }

    /// The file or folder concerned.
    pub fn path(&self) -> &Path {
        match self {
            AccessProblem::Symlink { path }
            | AccessProblem::OwnedByOther { path, .. }
            | AccessProblem::ForeignEntry { path, .. }
            | AccessProblem::WritableByOthers { path, .. }
            | AccessProblem::ReadableByOthers { path, .. }
            | AccessProblem::WideInside { path, .. }
            | AccessProblem::Unreadable { path, .. } => path,
        }
    }

    /// What is wrong and what to do, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AccessProblem::Symlink { path } => match lang {
                Lang::En => format!(
                    "{} is a symbolic link: another account could point it at a file of yours. \
                     Remove the link; use the real folder's path for the store.",
                    path.display()
                ),
                Lang::Vi => format!(
                    "{} là một liên kết tượng trưng: tài khoản khác có thể trỏ nó tới tệp của \
                     bạn. Hãy xóa liên kết; dùng đường dẫn thật của thư mục kho.",
                    path.display()
                ),
            },
            AccessProblem::OwnedByOther { path, owner, me } => match lang {
                Lang::En => format!(
                    "{} belongs to the account {}, but this command runs as {}: only the \
                     store's owner opens its files (everyone else goes through its server). Run \
                     the command as {} (sudo -u {} thamdinh …), or ask the administrator.",
                    path.display(),
                    account(*owner),
                    account(*me),
                    name_of(*owner),
                    name_of(*owner)
                ),
                Lang::Vi => format!(
                    "{} thuộc tài khoản {}, nhưng lệnh này chạy bằng {}: chỉ chủ của kho mới mở \
                     các tệp của kho (mọi người khác đi qua máy chủ của kho). Hãy chạy lệnh bằng \
                     tài khoản {} (sudo -u {} thamdinh …), hoặc hỏi quản trị viên.",
                    path.display(),
                    account(*owner),
                    account(*me),
                    name_of(*owner),
                    name_of(*owner)
                ),
            },
            AccessProblem::ForeignEntry {
                path,
                owner,
                store_owner,
                dir,
            } => match lang {
                Lang::En => format!(
                    "{} belongs to the account {}, not to the store's owner {}: only the owner \
                     writes a store, so someone put or replaced it there. Do not run the store \
                     as {}. Look at what it is, then give it back to the store's owner (sudo \
                     chown -R {} {}) or remove it and restore the store from a backup; tell the \
                     administrator.",
                    path.display(),
                    account(*owner),
                    account(*store_owner),
                    name_of(*owner),
                    name_of(*store_owner),
                    dir.display()
                ),
                Lang::Vi => format!(
                    "{} thuộc tài khoản {}, không phải chủ của kho là {}: chỉ chủ kho ghi vào \
                     kho, nên ai đó đã đặt hoặc thay nó vào đây. Đừng chạy kho bằng tài khoản \
                     {}. Hãy xem đó là gì, rồi trả quyền sở hữu cho chủ kho (sudo chown -R {} \
                     {}) hoặc xoá nó và khôi phục kho từ bản sao lưu; hãy báo quản trị viên.",
                    path.display(),
                    account(*owner),
                    account(*store_owner),
                    name_of(*owner),
                    name_of(*store_owner),
                    dir.display()
                ),
            },
            AccessProblem::WritableByOthers { path, mode } => match lang {
                Lang::En => format!(
                    "{} can be written by its group or by everyone (mode {mode:04o}): any of them \
                     could rewrite the store. Remove their write access: chmod go-w {} (a shared \
                     store: sudo thamdinh setup-shared, see docs/SHARED_STORE.md).",
                    path.display(),
                    path.display()
                ),
                Lang::Vi => format!(
                    "{} cho phép nhóm hoặc mọi người ghi (quyền {mode:04o}): bất kỳ ai trong số \
                     đó cũng có thể viết lại kho. Hãy bỏ quyền ghi của họ: chmod go-w {} (kho \
                     dùng chung: sudo thamdinh setup-shared, xem docs/SHARED_STORE.md).",
                    path.display(),
                    path.display()
                ),
            },
            AccessProblem::ReadableByOthers { path, mode } => match lang {
                Lang::En => format!(
                    "{} can be read by its group or by everyone (mode {mode:04o}): other accounts \
                     on this server could read every note. Make it private: chmod -R go-rwx {}",
                    path.display(),
                    path.display()
                ),
                Lang::Vi => format!(
                    "{} cho phép nhóm hoặc mọi người đọc (quyền {mode:04o}): các tài khoản khác \
                     trên máy chủ này có thể đọc mọi ghi chú. Hãy đặt riêng tư: chmod -R go-rwx {}",
                    path.display(),
                    path.display()
                ),
            },
            AccessProblem::WideInside {
                path,
                mode,
                folder_private: false,
            } => match lang {
                Lang::En => format!(
                    "{} has mode {mode:04o} (expected 0600 for a file, 0700 for a folder), and \
                     the folder holding it is not private either (see above). Fix the folder, \
                     then: chmod go-rwx {}",
                    path.display(),
                    path.display()
                ),
                Lang::Vi => format!(
                    "{} có quyền {mode:04o} (nên là 0600 với tệp, 0700 với thư mục), và thư mục \
                     chứa nó cũng không riêng tư (xem ở trên). Hãy sửa thư mục đó, rồi: chmod \
                     go-rwx {}",
                    path.display(),
                    path.display()
                ),
            },
            AccessProblem::WideInside { path, mode, .. } => match lang {
                Lang::En => format!(
                    "{} has mode {mode:04o} (expected 0600 for a file, 0700 for a folder); its \
                     folder is private, so nobody else can reach it. To tidy: chmod go-rwx {}",
                    path.display(),
                    path.display()
                ),
                Lang::Vi => format!(
                    "{} có quyền {mode:04o} (nên là 0600 với tệp, 0700 với thư mục); thư mục chứa \
                     nó là riêng tư nên không ai khác truy cập được. Để gọn gàng: chmod go-rwx {}",
                    path.display(),
                    path.display()
                ),
            },
            AccessProblem::Unreadable { path, error } => match lang {
                Lang::En => format!(
                    "cannot examine {}: {error}. Check the path and your permission.",
                    path.display()
                ),
                Lang::Vi => format!(
                    "không kiểm tra được {}: {}. Hãy kiểm tra đường dẫn và quyền truy cập.",
                    path.display(),
                    if error.starts_with("Permission denied") {
                        "không có quyền truy cập"
                    } else if error.starts_with("No such file") {
                        "không có tệp hay thư mục này"
                    } else {
                        error
                    }
                ),
            },
        }
    }
}

/// "name (uid N)", or "uid N" when the system has no name for it.
fn account(uid: u32) -> String {
    match uzers::get_user_by_uid(uid) {
        Some(u) => format!("{} (uid {uid})", u.name().to_string_lossy()),
        None => format!("uid {uid}"),
    }
}

fn name_of(uid: u32) -> String {
    uzers::get_user_by_uid(uid)
        .map(|u| u.name().to_string_lossy().into_owned())
        .unwrap_or_else(|| format!("#{uid}"))
}

/// The effective uid of this process: the account whose files a store must be.
fn me() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// Every access problem of the store in `dir`, in the order found (the folder first). An empty
/// list: only this account can change the store, and only it (and the store's group, through
/// the socket) can reach it.
pub fn check(dir: &Path) -> Vec<AccessProblem> {
    let mut problems = Vec::new();
    let me = me();
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) => {
            problems.push(AccessProblem::Unreadable {
                path: dir.to_path_buf(),
                error: e.to_string(),
            });
            return problems;
        }
    };
    if meta.file_type().is_symlink() {
        problems.push(AccessProblem::Symlink {
            path: dir.to_path_buf(),
        });
        return problems;
    }
    if meta.uid() != me {
        problems.push(AccessProblem::OwnedByOther {
            path: dir.to_path_buf(),
            owner: meta.uid(),
            me,
        });
    }
    if meta.mode() & 0o022 != 0 {
        problems.push(AccessProblem::WritableByOthers {
            path: dir.to_path_buf(),
            mode: meta.mode() & 0o7777,
        });
    }
    let mut seen = 0;
    let folder = Folder {
        store: dir,
        owner: meta.uid(),
        private: true,
    };
    walk(dir, 1, me, &folder, &mut seen, &mut problems);
    problems
}

/// What `walk` knows of where it is: the store folder and its owner, and whether the folder
/// being walked is private (no group or other bits).
struct Folder<'a> {
    store: &'a Path,
    owner: u32,
    private: bool,
}

/// The problems that stop the store from being opened (see [`check`]).
pub fn refusals(dir: &Path) -> Vec<AccessProblem> {
    let mut all = check(dir);
    all.retain(AccessProblem::refuses_open);
    all
}

fn walk(
    dir: &Path,
    depth: usize,
    me: u32,
    folder: &Folder<'_>,
    seen: &mut usize,
    out: &mut Vec<AccessProblem>,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            out.push(AccessProblem::Unreadable {
                path: dir.to_path_buf(),
                error: e.to_string(),
            });
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        *seen += 1;
        if *seen > MAX_ENTRIES {
            return;
        }
        let path = entry.path();
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => m,
            // Removed since it was listed (a rotated log, a pid file being replaced).
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                out.push(AccessProblem::Unreadable {
                    path,
                    error: e.to_string(),
                });
                continue;
            }
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            out.push(AccessProblem::Symlink { path });
            continue;
        }
        if meta.uid() != folder.owner {
            out.push(AccessProblem::ForeignEntry {
                path: path.clone(),
                owner: meta.uid(),
                store_owner: folder.owner,
                dir: folder.store.to_path_buf(),
            });
        } else if meta.uid() != me {
            out.push(AccessProblem::OwnedByOther {
                path: path.clone(),
                owner: meta.uid(),
                me,
            });
        }
        let mode = meta.mode() & 0o7777;
        let top = depth == 1;
        let name = entry.file_name();
        let public = top
            && (PUBLIC_ENTRIES.iter().any(|p| name == *p)
                || name.to_str().is_some_and(|n| n.starts_with(PUBLIC_PREFIX)));
        if !top && mode & 0o077 != 0 {
            // Inside a private folder: nobody else reaches it (the folder itself is checked).
            out.push(AccessProblem::WideInside {
                path: path.clone(),
                mode,
                folder_private: folder.private,
            });
        } else if mode & 0o022 != 0 && !kind.is_socket() {
            out.push(AccessProblem::WritableByOthers {
                path: path.clone(),
                mode,
            });
        } else if mode & 0o077 != 0 && !public && !kind.is_socket() {
            out.push(AccessProblem::ReadableByOthers {
                path: path.clone(),
                mode,
            });
        }
        if kind.is_dir() && depth < MAX_DEPTH {
            let inner = Folder {
                private: mode & 0o077 == 0,
                ..*folder
            };
            walk(&path, depth + 1, me, &inner, seen, out);
        }
    }
}

/// Create `DIR/sled` private (0700) before sled creates it with the process's umask.
pub(crate) fn private_sled_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    match std::fs::DirBuilder::new()
        .mode(0o700)
        .create(layout::sled_dir(dir))
    {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn chmod(p: &Path, mode: u32) {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    fn store() -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("store");
        drop(crate::Store::create(&dir).unwrap());
        (tmp, dir)
    }

    #[test]
    fn a_new_store_is_private_whatever_the_umask() {
        // SAFETY: umask only changes this process's creation mask; restored below.
        let old = unsafe { libc::umask(0o002) };
        let (_tmp, dir) = store();
        unsafe { libc::umask(old) };
        assert_eq!(refusals(&dir), vec![]);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&layout::sled_dir(&dir)), 0o700);
        assert_eq!(mode(&layout::lock_file(&dir)), 0o600);
    }

    #[test]
    fn a_shared_layout_passes() {
        let (_tmp, dir) = store();
        chmod(&dir, 0o2750);
        std::fs::write(dir.join("server.pid"), "1\n").unwrap();
        chmod(&dir.join("server.pid"), 0o644);
        assert_eq!(refusals(&dir), vec![]);
        // A server killed between writing its pid file and renaming it leaves the temporary
        // name behind: readable, as the pid file is, and no reason to refuse the store.
        std::fs::write(dir.join(".server.pid.4242.0"), "4242\n").unwrap();
        chmod(&dir.join(".server.pid.4242.0"), 0o644);
        assert_eq!(refusals(&dir), vec![]);
        // Writable by the group it would be.
        chmod(&dir.join(".server.pid.4242.0"), 0o664);
        assert_eq!(refusals(&dir).len(), 1);
    }

    #[test]
    fn every_opening_for_another_account_is_named() {
        let (_tmp, dir) = store();
        chmod(&dir, 0o770);
        chmod(&layout::journal_dir(&dir), 0o755);
        std::os::unix::fs::symlink("/etc/passwd", dir.join("server.log")).unwrap();
        let found = check(&dir);
        assert!(found.contains(&AccessProblem::WritableByOthers {
            path: dir.clone(),
            mode: 0o770
        }));
        assert!(found.contains(&AccessProblem::ReadableByOthers {
            path: layout::journal_dir(&dir),
            mode: 0o755
        }));
        assert!(found.contains(&AccessProblem::Symlink {
            path: dir.join("server.log")
        }));
        let opened = crate::Store::open(&dir);
        let Err(crate::StoreError::Access { problems, .. }) = opened else {
            panic!("opened a store others can write");
        };
        assert_eq!(problems.len(), 3);
    }

    #[test]
    fn a_linked_store_folder_is_refused() {
        let (tmp, dir) = store();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        assert_eq!(check(&link), vec![AccessProblem::Symlink { path: link }]);
    }

    #[test]
    fn wide_files_inside_private_folders_are_only_reported() {
        let (_tmp, dir) = store();
        let db = layout::sled_dir(&dir).join("db");
        chmod(&db, 0o664);
        assert!(check(&dir).contains(&AccessProblem::WideInside {
            path: db,
            mode: 0o664,
            folder_private: true,
        }));
        assert!(refusals(&dir).is_empty());
        assert!(crate::Store::open(&dir).is_ok());
    }

    #[test]
    fn messages_say_what_to_do_in_both_languages() {
        let p = AccessProblem::ReadableByOthers {
            path: PathBuf::from("/srv/par/sled"),
            mode: 0o755,
        };
        assert_eq!(
            p.message(Lang::En),
            "/srv/par/sled can be read by its group or by everyone (mode 0755): other accounts on \
             this server could read every note. Make it private: chmod -R go-rwx /srv/par/sled"
        );
        assert!(
            p.message(Lang::Vi)
                .contains("chmod -R go-rwx /srv/par/sled")
        );
    }

    #[test]
    fn a_wide_file_in_a_folder_that_is_not_private_is_not_called_private() {
        let (_tmp, dir) = store();
        let journal = layout::sled_dir(&dir);
        let db = journal.join("db");
        chmod(&db, 0o660);
        let wide = |p: &[AccessProblem]| -> Vec<AccessProblem> {
            p.iter()
                .filter(|x| matches!(x, AccessProblem::WideInside { .. }) && x.path() == db)
                .cloned()
                .collect()
        };
        // In a private folder: harmless, and said so.
        let w = wide(&check(&dir));
        assert!(
            matches!(
                &w[..],
                [AccessProblem::WideInside {
                    folder_private: true,
                    ..
                }]
            ),
            "{w:?}"
        );
        assert!(w[0].message(Lang::En).contains("its folder is private"));
        // The folder opened to its group: the file's note no longer says it is private.
        chmod(&journal, 0o2770);
        let w = wide(&check(&dir));
        assert!(
            matches!(
                &w[..],
                [AccessProblem::WideInside {
                    folder_private: false,
                    ..
                }]
            ),
            "{w:?}"
        );
        for lang in [Lang::En, Lang::Vi] {
            let m = w[0].message(lang);
            assert!(!m.contains("private,") && !m.contains("là riêng tư"), "{m}");
        }
        assert!(w[0].message(Lang::En).contains("not private either"));
    }
}
