//! What `verify` found: the hash chain and the replay compared with the stored state.

use serde::{Deserialize, Serialize};

use l10n::Lang;

/// What `verify` found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// Events examined.
    pub events: u64,
    /// The first event (by seq) whose hash, body, position or presence is wrong, and why.
    pub first_bad_event: Option<(u64, String)>,
    /// The first difference between the stored state and the replayed state, e.g.
    /// "item 2024/44/3.2.1: stored version 3, replay version 4".
    pub first_state_mismatch: Option<String>,
    /// Items compared (stored or replayed) before the comparison finished or stopped at a
    /// mismatch.
    pub items_checked: u64,
}

impl VerifyReport {
    /// Chain intact and state equal to the replay.
    pub fn ok(&self) -> bool {
        self.first_bad_event.is_none() && self.first_state_mismatch.is_none()
    }

    /// A one-paragraph summary for the user.
    pub fn message(&self, lang: Lang) -> String {
        let mut out = match lang {
            Lang::En => format!(
                "{} events, {} items checked.",
                self.events, self.items_checked
            ),
            Lang::Vi => format!(
                "Đã kiểm tra {} sự kiện, {} mục.",
                self.events, self.items_checked
            ),
        };
        if let Some((seq, why)) = &self.first_bad_event {
            out.push(' ');
            out.push_str(&match lang {
                Lang::En => format!(
                    "The event log is broken from event {seq}: {why}. Restore from a backup."
                ),
                Lang::Vi => format!(
                    "Nhật ký sự kiện bị hỏng từ sự kiện {seq}: {why}. Hãy khôi phục từ bản sao lưu."
                ),
            });
        }
        if let Some(what) = &self.first_state_mismatch {
            out.push(' ');
            out.push_str(&match lang {
                Lang::En => format!(
                    "The stored state differs from the event log: {what}. Run `thamdinh rebuild`."
                ),
                Lang::Vi => format!(
                    "Trạng thái lưu trữ khác với nhật ký sự kiện: {what}. Hãy chạy \
                     `thamdinh rebuild`."
                ),
            });
        }
        if self.ok() {
            out.push(' ');
            out.push_str(lang.pick(
                "Chuỗi băm nguyên vẹn; phát lại khớp với trạng thái lưu trữ.",
                "Hash chain intact; replay equals the stored state.",
            ));
        }
        out
    }
}
