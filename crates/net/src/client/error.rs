//! Why a client could not reach the store's server.

use std::path::PathBuf;

use crate::protocol::Refusal;
use api::WorkbenchError;
use l10n::Lang;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// `dir` has no store in it.
    #[error("{}", self.message(Lang::En))]
    NotAStore { dir: PathBuf },
    /// No server runs and starting one was not allowed.
    #[error("{}", self.message(Lang::En))]
    NotRunning { dir: PathBuf },
    /// Another process has the store open and no running server is named in `server.pid`;
    /// `holder` is that process when the kernel says which.
    #[error("{}", self.message(Lang::En))]
    InUse {
        dir: PathBuf,
        holder: Option<crate::server::paths::LockHolder>,
    },
    /// A server named in `server.pid` holds the store but does not answer yet: it is still
    /// opening it (checking or rebuilding a large store).
    #[error("{}", self.message(Lang::En))]
    Starting { dir: PathBuf, pid: u32 },
    /// What answers on the store's socket is not the store owner's server: the socket file or
    /// the process behind it belongs to another account. Nothing was sent to it.
    #[error("{}", self.message(Lang::En))]
    NotTheStoresServer {
        dir: PathBuf,
        store_owner: u32,
        socket_owner: Option<u32>,
        peer: u32,
    },
    /// The store belongs to another account (a service, or `personal`: that person's own
    /// store) and its server is not running; only that account can start it.
    #[error("{}", self.message(Lang::En))]
    ServiceDown {
        dir: PathBuf,
        owner: u32,
        personal: bool,
    },
    /// This account owns the store (the service account) and its server runs, but the owner is
    /// not a member, so it cannot ask the server; `pid` is the server's.
    #[error("{}", self.message(Lang::En))]
    OwnerNotMember { dir: PathBuf, pid: u32 },
    /// A server was needed and could not be started, or did not answer in time.
    #[error("{}", self.message(Lang::En))]
    Start { dir: PathBuf, reason: String },
    /// The server started for this client could not open the store, and said why.
    #[error("{}", self.message(Lang::En))]
    ServerFailed {
        dir: PathBuf,
        vi: String,
        en: String,
    },
    /// The server refused this client.
    #[error("{}", self.message(Lang::En))]
    Refused { dir: PathBuf, refusal: Refusal },
    /// No permission to use the socket or the store folder.
    #[error("{}", self.message(Lang::En))]
    Access {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", self.message(Lang::En))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The server answered something this client does not understand.
    #[error("{}", self.message(Lang::En))]
    Protocol { dir: PathBuf, reason: String },
}

/// "name (uid N)", or "uid N" when the system has no name for it.
fn account(uid: u32) -> String {
    match uzers::get_user_by_uid(uid) {
        Some(u) => format!("{} (uid {uid})", u.name().to_string_lossy()),
        None => format!("uid {uid}"),
    }
}

impl ClientError {
    pub fn message(&self, lang: Lang) -> String {
        let vi = lang == Lang::Vi;
        match self {
            ClientError::NotAStore { dir } => {
                if vi {
                    format!(
                        "{} không phải là kho dữ liệu thamdinh. Kiểm tra đường dẫn, hoặc tạo kho bằng `thamdinh init --year NĂM` (muốn thử trên dữ liệu minh họa: `thamdinh demo`, rồi --store demo).",
                        dir.display()
                    )
                } else {
                    format!(
                        "{} is not a thamdinh store. Check the path, or create a store with `thamdinh init --year YEAR` (to try it on demo data: `thamdinh demo`, then --store demo).",
                        dir.display()
                    )
                }
            }
            ClientError::NotRunning { dir } => {
                if vi {
                    format!(
                        "chưa có máy chủ nào phục vụ kho {}; chạy một lệnh thamdinh bất kỳ (hoặc thamdinh serve) để khởi động.",
                        dir.display()
                    )
                } else {
                    format!(
                        "no server is serving store {}; any thamdinh command (or thamdinh serve) starts one.",
                        dir.display()
                    )
                }
            }
            ClientError::InUse { dir, holder } => {
                crate::server::paths::in_use_message(dir, holder.as_ref(), lang)
            }
            ClientError::Starting { dir, pid } => {
                if vi {
                    format!(
                        "máy chủ của kho {} (tiến trình {pid}) vẫn đang mở kho (kiểm tra hoặc dựng \
                         lại một kho lớn có thể mất vài phút; xem {}). Hãy thử lại sau ít phút.",
                        dir.display(),
                        crate::server::paths::log_path(dir).display()
                    )
                } else {
                    format!(
                        "the server of store {} (process {pid}) is still opening it (checking or \
                         rebuilding a large store can take minutes; see {}). Try again in a few \
                         minutes.",
                        dir.display(),
                        crate::server::paths::log_path(dir).display()
                    )
                }
            }
            ClientError::NotTheStoresServer {
                dir,
                store_owner,
                socket_owner,
                peer,
            } => {
                let sock = crate::server::paths::socket_path(dir);
                let socket_owner = socket_owner.map(account).unwrap_or_else(|| {
                    if vi {
                        "không rõ".into()
                    } else {
                        "unknown".into()
                    }
                });
                if vi {
                    format!(
                        "không tin máy chủ trên {}: kho {} thuộc tài khoản {}, nhưng socket thuộc \
                         {} và tiến trình trả lời chạy bằng {}. Chưa gửi gì tới nó. Có thể ai đó \
                         đã thay socket; hãy báo quản trị viên và chạy `thamdinh doctor`.",
                        sock.display(),
                        dir.display(),
                        account(*store_owner),
                        socket_owner,
                        account(*peer)
                    )
                } else {
                    format!(
                        "the server on {} is not trusted: store {} belongs to the account {}, but \
                         the socket belongs to {} and the process answering runs as {}. Nothing \
                         was sent to it. Someone may have replaced the socket; tell the \
                         administrator and run `thamdinh doctor`.",
                        sock.display(),
                        dir.display(),
                        account(*store_owner),
                        socket_owner,
                        account(*peer)
                    )
                }
            }
            ClientError::ServiceDown {
                dir,
                owner,
                personal: true,
            } => {
                if vi {
                    format!(
                        "máy chủ của kho {} không chạy. Đây là kho riêng của tài khoản {}: chỉ \
                         tài khoản đó mở được kho và khởi động máy chủ của nó (bằng bất kỳ lệnh \
                         thamdinh nào). Hãy nhờ người đó chạy lệnh; nếu nhiều người cần dùng \
                         kho này, quản trị viên chuyển nó thành kho dùng chung (xem \
                         docs/SHARED_STORE.md).",
                        dir.display(),
                        account(*owner)
                    )
                } else {
                    format!(
                        "the server of store {} is not running. It is the personal store of the \
                         account {}: only that account can open it and start its server (with \
                         any thamdinh command). Ask that person to run the command; if several \
                         people need this store, the administrator makes it a shared store (see \
                         docs/SHARED_STORE.md).",
                        dir.display(),
                        account(*owner)
                    )
                }
            }
            ClientError::OwnerNotMember { dir, pid } => {
                let unit = crate::server::paths::service_unit(dir);
                if vi {
                    format!(
                        "máy chủ của kho {} đang chạy (tiến trình {pid}) bằng chính tài khoản này, \
                         chủ của kho. Chủ kho (tài khoản dịch vụ) không phải thành viên nên không \
                         hỏi máy chủ được, và không mở kho trực tiếp khi máy chủ đang giữ nó. Hãy \
                         chạy `thamdinh --store {} verify` bằng tài khoản của một trưởng nhóm, \
                         hoặc dừng dịch vụ trước (sudo systemctl stop {unit}) rồi chạy lại lệnh \
                         này.",
                        dir.display(),
                        dir.display()
                    )
                } else {
                    format!(
                        "the server of store {} is running (process {pid}) as this very account, \
                         the store's owner. The owner (the service account) is not a member, so \
                         it cannot ask the server, and it does not open the store directly while \
                         the server holds it. Run `thamdinh --store {} verify` as a lead, or stop \
                         the service first (sudo systemctl stop {unit}) and run this command \
                         again.",
                        dir.display(),
                        dir.display()
                    )
                }
            }
            ClientError::ServiceDown { dir, owner, .. } => {
                if vi {
                    format!(
                        "máy chủ của kho {} không chạy. Kho thuộc tài khoản {}, nên chỉ tài khoản \
                         đó khởi động được máy chủ: hãy nhờ quản trị viên khởi động dịch vụ \
                         (sudo systemctl start {}, xem docs/SHARED_STORE.md).",
                        dir.display(),
                        account(*owner),
                        crate::server::paths::service_unit(dir)
                    )
                } else {
                    format!(
                        "the server of store {} is not running. The store belongs to the account \
                         {}, so only that account can start its server: ask the administrator \
                         to start the service (sudo systemctl start {}, see \
                         docs/SHARED_STORE.md).",
                        dir.display(),
                        account(*owner),
                        crate::server::paths::service_unit(dir)
                    )
                }
            }
            ClientError::ServerFailed { dir, vi: v, en } => {
                if vi {
                    format!(
                        "máy chủ của kho {} không khởi động được: {v}",
                        dir.display()
                    )
                } else {
                    format!(
                        "the server of store {} could not start: {en}",
                        dir.display()
                    )
                }
            }
            ClientError::Start { dir, reason } => {
                let log = crate::server::paths::log_path(dir);
                if vi {
                    format!(
                        "không khởi động được máy chủ cho kho {}: {reason}; xem {}",
                        dir.display(),
                        log.display()
                    )
                } else {
                    format!(
                        "could not start the server for {}: {reason}; see {}",
                        dir.display(),
                        log.display()
                    )
                }
            }
            ClientError::Refused { refusal, .. } => refusal.message(lang),
            ClientError::Access { path, source } => {
                if vi {
                    format!(
                        "không có quyền dùng {} ({source}). Kho dùng chung cần bạn thuộc nhóm của thư mục kho; xem docs/SHARED_STORE.md.",
                        path.display()
                    )
                } else {
                    format!(
                        "no permission to use {} ({source}). A shared store needs you in the store folder's group; see docs/SHARED_STORE.md.",
                        path.display()
                    )
                }
            }
            ClientError::Io { path, source } => {
                if vi {
                    format!("lỗi khi kết nối qua {}: {source}", path.display())
                } else {
                    format!(
                        "error while connecting through {}: {source}",
                        path.display()
                    )
                }
            }
            ClientError::Protocol { dir, reason } => {
                if vi {
                    format!(
                        "máy chủ của kho {} trả lời không đúng giao thức: {reason}",
                        dir.display()
                    )
                } else {
                    format!(
                        "the server of store {} answered outside the protocol: {reason}",
                        dir.display()
                    )
                }
            }
        }
    }

    /// The same problem as an `WorkbenchError`, for `Workbench` methods. A refusal for not being a
    /// member stays `NotMember`.
    pub fn into_engine_error(self) -> WorkbenchError {
        if let ClientError::Refused {
            refusal: Refusal::NotMember(e),
            ..
        } = self
        {
            return e;
        }
        WorkbenchError::Unavailable {
            vi: self.message(Lang::Vi),
            en: self.message(Lang::En),
        }
    }
}
