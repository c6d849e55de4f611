//! The largest text each field may hold (SPEC S5, R7): no command, import or draft can make the
//! store, an answer or a screen grow without bound. The engine refuses a longer text with a
//! message naming the field and the limit; imports name the row and the column.

use serde::{Deserialize, Serialize};

/// Bytes of a justification, a note, an explanation, a response, a request, a reason, a
/// council's decision text, a draft's text.
pub const LONG_TEXT: usize = 16 * 1024;

/// Bytes of one evidence entry's number, title, date or link, a document or minutes
/// reference, a round's note.
pub const SHORT_TEXT: usize = 1024;

/// Characters of a member's (OS user's) name.
pub const NAME_CHARS: usize = 64;

/// Evidence entries of one item.
pub const EVIDENCE_ENTRIES: usize = 100;

/// Bytes of a draft's score as typed ("1,25", "0,"): a score is a few digits.
pub const DRAFT_SCORE: usize = 32;

/// Drafts one user may keep: one per item being edited. A new one beyond this is refused (a
/// draft is deleted when its item is saved).
pub const DRAFTS_PER_USER: usize = 200;

/// A text a command carries, for its limit and for the messages that name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextField {
    /// An appraiser's justification of an adjusted score.
    Justification,
    /// The unit's note on its self-assessment (imported).
    Note,
    /// A province's explanation (giải trình).
    Explanation,
    /// The answer to an explanation.
    Response,
    /// What evidence is requested.
    Request,
    /// Why a finalized unit is reopened.
    ReopenReason,
    /// Why an explanation round is closed.
    CloseReason,
    /// Why an item is referred to the council.
    EscalateReason,
    /// The council's decision text.
    Decision,
    /// Reference of the council's minutes.
    Minutes,
    /// Reference of the province's document with its explanation.
    Document,
    /// A round's note: the one-line reference of the letter that opens it.
    RoundNote,
    /// An evidence entry's number.
    EvidenceNumber,
    /// An evidence entry's title.
    EvidenceTitle,
    /// An evidence entry's date as written.
    EvidenceDate,
    /// An evidence entry's link.
    EvidenceLink,
    /// The text of a draft (a justification being typed).
    DraftText,
    /// The score of a draft, as typed.
    DraftScore,
    /// The name of the framework file a year was opened from.
    FrameworkFile,
    /// The name of the units file a year was opened from.
    UnitsFile,
}

impl TextField {
    /// The most bytes the field may hold.
    pub fn limit(self) -> usize {
        use TextField::*;
        match self {
            Justification | Note | Explanation | Response | Request | ReopenReason
            | CloseReason | EscalateReason | Decision | DraftText => LONG_TEXT,
            Minutes | Document | RoundNote | EvidenceNumber | EvidenceTitle | EvidenceDate
            | EvidenceLink | FrameworkFile | UnitsFile => SHORT_TEXT,
            DraftScore => DRAFT_SCORE,
        }
    }

    /// `Some(length)` when `text` is longer than the field allows.
    pub fn too_long(self, text: &str) -> Option<usize> {
        (text.len() > self.limit()).then_some(text.len())
    }
}

l10n::catalogue! {
    /// The field's name for people, read inside a sentence.
    TextField => label {
        TextField::Justification => ("lý do điều chỉnh điểm (thuyết minh)", "justification"),
        TextField::Note => ("ghi chú tự đánh giá", "self-assessment note"),
        TextField::Explanation => ("nội dung giải trình", "explanation"),
        TextField::Response => ("nội dung trả lời giải trình", "response to the explanation"),
        TextField::Request => ("yêu cầu bổ sung tài liệu", "evidence request"),
        TextField::ReopenReason => ("lý do mở lại", "reason for reopening"),
        TextField::CloseReason => ("lý do đóng đợt", "reason for closing the round"),
        TextField::EscalateReason => (
            "lý do trình Hội đồng thẩm định",
            "reason for referring to the council"
        ),
        TextField::Decision => ("kết luận của Hội đồng thẩm định", "council's decision"),
        TextField::Minutes => ("số, ký hiệu biên bản họp Hội đồng", "minutes reference"),
        TextField::Document => ("số, ký hiệu văn bản giải trình", "document reference"),
        TextField::RoundNote => ("ghi chú của đợt giải trình", "round note"),
        TextField::EvidenceNumber => ("số, ký hiệu tài liệu kiểm chứng", "evidence number"),
        TextField::EvidenceTitle => ("tên tài liệu kiểm chứng", "evidence title"),
        TextField::EvidenceDate => ("ngày của tài liệu kiểm chứng", "evidence date"),
        TextField::EvidenceLink => ("đường dẫn tài liệu kiểm chứng", "evidence link"),
        TextField::DraftText => ("bản nháp lý do", "draft text"),
        TextField::DraftScore => ("điểm trong bản nháp", "draft score"),
        TextField::FrameworkFile => ("tên tệp bộ tiêu chí", "framework file name"),
        TextField::UnitsFile => ("tên tệp danh sách đơn vị", "units file name"),
    }
}

/// A round's note as kept: the one-line reference of a letter, so every line break (and tab)
/// becomes one space with the blanks around it; other characters are kept as written and shown
/// escaped wherever the note is printed (SPEC R7).
pub fn one_line_note(s: &str) -> String {
    let breaks = |c: char| {
        matches!(
            c,
            '\n' | '\r' | '\t' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        )
    };
    if !s.contains(breaks) {
        return s.trim().to_string();
    }
    s.split(breaks)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `name` can be an OS user name, as `useradd` allows them: letters, digits, `.`, `_`,
/// `-`, not starting with `-`, at most [`NAME_CHARS`] characters.
pub fn is_user_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= NAME_CHARS
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names_follow_the_os_rules() {
        for ok in ["lan", "tran.thi_b", "an-2", "A1"] {
            assert!(is_user_name(ok), "{ok}");
        }
        for bad in [
            "",
            " ",
            "\t",
            "lan\nlead",
            "-x",
            "nguyễn",
            "a b",
            "a/b",
            &"x".repeat(65),
        ] {
            assert!(!is_user_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn each_field_has_its_limit_and_both_names() {
        assert_eq!(TextField::Justification.limit(), LONG_TEXT);
        assert_eq!(TextField::RoundNote.limit(), SHORT_TEXT);
        assert_eq!(TextField::EvidenceLink.limit(), SHORT_TEXT);
        assert_eq!(TextField::DraftScore.limit(), DRAFT_SCORE);
        assert_eq!(TextField::Note.too_long(&"x".repeat(LONG_TEXT)), None);
        assert_eq!(
            TextField::Note.too_long(&"x".repeat(LONG_TEXT + 1)),
            Some(LONG_TEXT + 1)
        );
        // Bytes, not characters: "ể" is three bytes.
        assert_eq!(
            TextField::Minutes.too_long(&"ể".repeat(342)),
            Some(1026),
            "342 letters of 3 bytes are over 1 KiB"
        );
        assert_eq!(
            TextField::Decision.label(l10n::Lang::En),
            "council's decision"
        );
        assert!(
            TextField::Decision
                .label(l10n::Lang::Vi)
                .contains("Hội đồng")
        );
    }

    #[test]
    fn a_round_note_is_one_line() {
        assert_eq!(
            one_line_note("Công văn 512/BNV-CCHC\r\n  ngày 01/3/2025\n\nĐợt 2: forged"),
            "Công văn 512/BNV-CCHC ngày 01/3/2025 Đợt 2: forged"
        );
        assert_eq!(one_line_note("a\u{2028}b\tc\u{85}d"), "a b c d");
        assert_eq!(one_line_note("  \n "), "");
        // Other controls are kept as written (and shown escaped by every output).
        assert_eq!(one_line_note("x\u{1b}[2J "), "x\u{1b}[2J");
    }
}
