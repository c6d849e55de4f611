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
    /// `holder` is the process holding the lock, when the kernel says.
    AlreadyServed {
        dir: PathBuf,
        pid: Option<u32>,
        holder: Option<super::paths::LockHolder>,
    },
    /// The socket cannot be created or listened on.
    #[error("{}", self.message(Lang::En))]
    Socket {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file the server would write (its log, its socket) is not one it may write: a link, a
    /// device, another account's file, a second name of another file.
    #[error("{}", self.message(Lang::En))]
    UnsafeFile { path: PathBuf, why: String },
    /// The server stopped so that a new process builds the state again from the journal
    /// (sled's old handle would not close after an I/O error).
    #[error("{}", self.message(Lang::En))]
    MustRestart { dir: PathBuf },
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
                ..
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
            ServerError::AlreadyServed {
                dir,
                pid: None,
                holder,
            } => super::paths::in_use_message(dir, holder.as_ref(), lang),
            ServerError::UnsafeFile { path, why } => {
                let why_vi = match why.as_str() {
                    "it is not a regular file" => "đó không phải là một tệp thông thường",
                    "it is a symbolic link" => "đó là một liên kết tượng trưng",
                    "it belongs to another account" => "tệp thuộc một tài khoản khác",
                    "it has another name (a hard link)" => "tệp có một tên khác (liên kết cứng)",
                    _ => "đó không phải là socket mà máy chủ này tạo",
                };
                if vi {
                    format!(
                        "máy chủ không ghi vào {}: {why_vi}. Có thể ai đó đã đặt nó vào thư mục \
                         kho. Hãy xóa nó (sau khi xem nó là gì), rồi chạy `thamdinh doctor`.",
                        path.display()
                    )
                } else {
                    format!(
                        "the server does not write to {}: {why}. Someone may have planted it in \
                         the store folder. Remove it (after looking at what it is), then run \
                         `thamdinh doctor`.",
                        path.display()
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
            ServerError::MustRestart { dir } => {
                if vi {
                    format!(
                        "máy chủ của kho {} đã dừng: sau một lỗi đĩa, trạng thái chỉ dựng lại được \
                         từ nhật ký trong một tiến trình mới. Không mất gì đã được xác nhận; lệnh \
                         tiếp theo (hoặc dịch vụ) khởi động lại máy chủ.",
                        dir.display()
                    )
                } else {
                    format!(
                        "the server of store {} stopped: after a disk error, the state can only be \
                         built again from the journal by a new process. Nothing acknowledged is \
                         lost; the next command (or the service) starts the server again.",
                        dir.display()
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
