//! Why a server could not start or had to stop.

use std::path::PathBuf;

use l10n::Lang;
use store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The store cannot be opened (not a store, wrong schema, damaged…).
    #[error("{}", self.message(Lang::En))]
    Store(StoreError),
    /// Another process holds the store. `pid` is the serving process from `server.pid`, if a
    /// live one is named there.
    #[error("{}", self.message(Lang::En))]
    AlreadyServed { dir: PathBuf, pid: Option<u32> },
    /// The socket cannot be created or listened on.
    #[error("{}", self.message(Lang::En))]
    Socket {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Another server file (pid file, log) cannot be written.
    #[error("{}", self.message(Lang::En))]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl ServerError {
    pub fn message(&self, lang: Lang) -> String {
        let vi = lang == Lang::Vi;
        match self {
            ServerError::Store(e) => e.message(lang),
            ServerError::AlreadyServed {
                dir,
                pid: Some(pid),
            } => {
                if vi {
                    format!(
                        "kho {} đã có máy chủ phục vụ: tiến trình {pid}. Không chạy máy chủ thứ hai; các lệnh thamdinh sẽ kết nối tới máy chủ đó.",
                        dir.display()
                    )
                } else {
                    format!(
                        "store {} is already served by process {pid}. A second server is not started; thamdinh commands connect to that one.",
                        dir.display()
                    )
                }
            }
            ServerError::AlreadyServed { dir, pid: None } => {
                if vi {
                    format!(
                        "kho {} đang được một tiến trình khác mở (không phải máy chủ thamdinh, hoặc máy chủ chưa ghi server.pid). Hãy đóng tiến trình đó rồi thử lại.",
                        dir.display()
                    )
                } else {
                    format!(
                        "store {} is in use by another process (not a thamdinh server, or one that has not written server.pid yet). Close it and try again.",
                        dir.display()
                    )
                }
            }
            ServerError::Socket { path, source } => {
                if vi {
                    format!(
                        "không tạo được socket {}: {source}. Kiểm tra quyền ghi vào thư mục kho.",
                        path.display()
                    )
                } else {
                    format!(
                        "cannot create the socket {}: {source}. Check that the store folder is writable.",
                        path.display()
                    )
                }
            }
            ServerError::File { path, source } => {
                if vi {
                    format!(
                        "không ghi được {}: {source}. Kiểm tra quyền ghi vào thư mục kho.",
                        path.display()
                    )
                } else {
                    format!(
                        "cannot write {}: {source}. Check that the store folder is writable.",
                        path.display()
                    )
                }
            }
        }
    }
}
