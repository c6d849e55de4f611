//! What `verify` found, and the store's seal.

use serde::{Deserialize, Serialize};

use l10n::{Lang, Said};

/// The store's seal: the seq and hash of its last event. Printed by `verify` and on every
/// report and export, so that minutes can record it: a later rewrite of the whole history
/// shows up when two seals of the same seq differ.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Seal {
    pub seq: u64,
    pub hash: [u8; 32],
}

impl Seal {
    /// "4048/3f2a9c0e11d4b7a2": the seq, a slash and the first 16 hex digits of the hash.
    pub fn short(&self) -> String {
        let hex: String = self.hash[..8].iter().map(|b| format!("{b:02x}")).collect();
        format!("{}/{hex}", self.seq)
    }

    /// The whole hash in lower-case hex.
    pub fn hash_hex(&self) -> String {
        self.hash.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// "Dấu niêm phong: 4048/3f2a9c0e11d4b7a2" — the line reports carry.
    pub fn line(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => format!("Dấu niêm phong của kho: {}", self.short()),
            Lang::En => format!("Store seal: {}", self.short()),
        }
    }
}

/// What a backup holds: its number of events and the seal of the last one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupSummary {
    pub events: u64,
    pub seal: Seal,
}

/// What `verify` found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    /// Events examined.
    pub events: u64,
    /// The seal of the last intact event.
    pub seal: Seal,
    /// The first record or event (by seq) whose framing, checksum, hash, seq, time or content is
    /// wrong, and why (in both languages: the report is read later, in either).
    pub first_bad_event: Option<(u64, Said)>,
    /// The first difference between the stored state and the replayed journal, e.g.
    /// "item 2024/44/3.2.1: stored version 3, journal version 4".
    pub first_state_mismatch: Option<Said>,
    /// Items compared (stored or replayed) before the comparison finished or stopped at a
    /// mismatch.
    pub items_checked: u64,
    /// The state was compared with the journal (false when it could not be opened).
    #[serde(default)]
    pub state_checked: bool,
}

impl VerifyReport {
    /// Journal intact and state equal to its replay.
    pub fn ok(&self) -> bool {
        self.first_bad_event.is_none() && self.first_state_mismatch.is_none() && self.state_checked
    }

    /// A one-paragraph summary for the user: what was checked, the seal, what is wrong and the
    /// command that repairs it.
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
        // A seal that is not that of the events checked (the journal could not be read through
        // to compute it) is not shown: "0/0000000000000000" after 3,359 events would mislead.
        if self.seal.seq == self.events {
            out.push(' ');
            out.push_str(&self.seal.line(lang));
            out.push('.');
        }
        if let Some((seq, why)) = &self.first_bad_event {
            let why = why.get(lang);
            out.push(' ');
            out.push_str(&match lang {
                Lang::En => format!(
                    "The journal is damaged from event {seq}: {why}. Keep the folder as it is and \
                     restore the store from its latest backup into a new folder (thamdinh restore \
                     FILE --store NEW_FOLDER)."
                ),
                Lang::Vi => format!(
                    "Nhật ký sự kiện bị hỏng từ sự kiện {seq}: {why}. Hãy giữ nguyên thư mục và \
                     khôi phục kho từ bản sao lưu gần nhất vào một thư mục mới (thamdinh restore \
                     TỆP --store THƯ_MỤC_MỚI)."
                ),
            });
        }
        if let Some(what) = &self.first_state_mismatch {
            let what = what.get(lang);
            out.push(' ');
            out.push_str(&match lang {
                Lang::En => format!(
                    "The stored state differs from the journal: {what}. Stop the server and run \
                     `thamdinh rebuild`."
                ),
                Lang::Vi => format!(
                    "Trạng thái lưu trữ khác với nhật ký: {what}. Hãy dừng máy chủ rồi chạy \
                     `thamdinh rebuild`."
                ),
            });
        } else if !self.state_checked && self.first_bad_event.is_none() {
            out.push(' ');
            out.push_str(lang.pick(
                "Không đọc được trạng thái lưu trữ để so sánh; hãy chạy `thamdinh rebuild`.",
                "The stored state could not be read to compare; run `thamdinh rebuild`.",
            ));
        }
        if self.ok() {
            out.push(' ');
            out.push_str(lang.pick(
                "Nhật ký nguyên vẹn (mã kiểm tra, chuỗi băm, số thứ tự, thời gian); trạng thái khớp \
                 với nhật ký.",
                "Journal intact (checksums, hash chain, sequence, times); the state equals the \
                 journal.",
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seal_is_the_seq_and_sixteen_hex_digits() {
        let mut hash = [0u8; 32];
        hash[0] = 0x3f;
        hash[7] = 0xa2;
        let s = Seal { seq: 4048, hash };
        assert_eq!(s.short(), "4048/3f000000000000a2");
        assert_eq!(s.hash_hex().len(), 64);
        assert_eq!(
            s.line(Lang::Vi),
            "Dấu niêm phong của kho: 4048/3f000000000000a2"
        );
    }

    #[test]
    fn ok_needs_the_state_compared() {
        let r = VerifyReport {
            events: 3,
            ..VerifyReport::default()
        };
        assert!(!r.ok());
        assert!(r.message(Lang::En).contains("run `thamdinh rebuild`"));
        let r = VerifyReport {
            state_checked: true,
            ..r
        };
        assert!(r.ok());
    }

    /// A journal damaged part-way is read up to the damage without a seal for it: no
    /// "0/0000000000000000" beside the events that were checked.
    #[test]
    fn a_seal_that_is_not_of_the_events_checked_is_not_shown() {
        let damaged = VerifyReport {
            events: 3359,
            first_bad_event: Some((3360, l10n::Said::new("mã kiểm tra sai", "checksum"))),
            ..VerifyReport::default()
        };
        let vi = damaged.message(Lang::Vi);
        assert!(!vi.contains("Dấu niêm phong"), "{vi}");
        assert!(vi.contains("Đã kiểm tra 3359 sự kiện") && vi.contains("từ sự kiện 3360"));
        let mut hash = [0u8; 32];
        hash[0] = 0xab;
        let sound = VerifyReport {
            events: 12,
            seal: Seal { seq: 12, hash },
            state_checked: true,
            ..VerifyReport::default()
        };
        assert!(
            sound
                .message(Lang::En)
                .contains("Store seal: 12/ab00000000000000.")
        );
    }
}
