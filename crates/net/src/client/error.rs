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
    /// Another process (not a server) has the store open.
    #[error("{}", self.message(Lang::En))]
    InUse { dir: PathBuf },
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

impl ClientError {
    pub fn message(&self, lang: Lang) -> String {
        let vi = lang == Lang::Vi;
        match self {
            ClientError::NotAStore { dir } => {
                if vi {
                    format!(
                        "{} không phải là kho dữ liệu thamdinh. Kiểm tra đường dẫn, hoặc tạo kho bằng `thamdinh init`.",
                        dir.display()
                    )
                } else {
                    format!(
                        "{} is not a thamdinh store. Check the path, or create a store with `thamdinh init`.",
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
            ClientError::InUse { dir } => {
                if vi {
                    format!(
                        "kho dữ liệu {} đang được một tiến trình khác sử dụng (không phải máy chủ thamdinh). Hãy đóng tiến trình đó rồi thử lại.",
                        dir.display()
                    )
                } else {
                    format!(
                        "store {} is in use by another process (not a thamdinh server). Close it and try again.",
                        dir.display()
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
