//! Why the engine refused a command. Each variant carries the data a message needs, and every
//! message says what to do next, in Vietnamese or English.

use serde::{Deserialize, Serialize};

use domain::points::ScoreError;
use jiff::civil::Date;

use domain::round::{NotOpen, format_date};
use domain::{Item, ItemKey, Points, Role, Status};
use l10n::Lang;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "kebab-case")]
pub enum WorkbenchError {
    #[error("{}", self.message(Lang::En))]
    NotMember { user: String, leads: Vec<String> },
    #[error("{}", self.message(Lang::En))]
    ReadOnly { user: String },
    #[error("{}", self.message(Lang::En))]
    LeadOnly { user: String, command: String },
    #[error("{}", self.message(Lang::En))]
    UnknownYear { year: u16 },
    #[error("{}", self.message(Lang::En))]
    YearExists { year: u16 },
    #[error("{}", self.message(Lang::En))]
    UnknownUnit { year: u16, unit: String },
    #[error("{}", self.message(Lang::En))]
    UnknownCriterion { year: u16, code: String },
    #[error("{}", self.message(Lang::En))]
    NotALeaf { code: String },
    #[error("{}", self.message(Lang::En))]
    NoSelfScore { key: ItemKey },
    #[error("{}", self.message(Lang::En))]
    Conflict {
        key: ItemKey,
        expected: u64,
        current: Box<Item>,
    },
    #[error("{}", self.message(Lang::En))]
    BadScore { key: ItemKey, reason: ScoreProblem },
    #[error("{}", self.message(Lang::En))]
    JustificationRequired { key: ItemKey },
    #[error("{}", self.message(Lang::En))]
    TextRequired { key: ItemKey, field: String },
    #[error("{}", self.message(Lang::En))]
    SurveyNotEditable { key: ItemKey },
    #[error("{}", self.message(Lang::En))]
    NotSurvey { key: ItemKey },
    #[error("{}", self.message(Lang::En))]
    Finalized { year: u16, unit: String, by: String },
    #[error("{}", self.message(Lang::En))]
    NotFinalized { year: u16, unit: String },
    #[error("{}", self.message(Lang::En))]
    Unfinished {
        year: u16,
        unit: String,
        open: usize,
    },
    #[error("{}", self.message(Lang::En))]
    WrongStatus {
        key: ItemKey,
        status: Status,
        command: String,
    },
    #[error("{}", self.message(Lang::En))]
    NotInArea { key: ItemKey, area: String },
    #[error("{}", self.message(Lang::En))]
    NothingToUndo { user: String },
    #[error("{}", self.message(Lang::En))]
    LastLead { user: String },
    #[error("{}", self.message(Lang::En))]
    BadFile { file: String, problems: Vec<String> },
    #[error("{}", self.message(Lang::En))]
    BadFromYear { year: u16, from: u16 },
    #[error("{}", self.message(Lang::En))]
    NoOpenRound { year: u16, unit: String },
    #[error("{}", self.message(Lang::En))]
    UnknownRound { year: u16, number: u32 },
    #[error("{}", self.message(Lang::En))]
    RoundClosed { year: u16, number: u32 },
    #[error("{}", self.message(Lang::En))]
    NotInRound {
        key: ItemKey,
        number: u32,
        why: NotOpenReason,
    },
    #[error("{}", self.message(Lang::En))]
    BadRoundDates { opens: Date, closes: Date },
    #[error("{}", self.message(Lang::En))]
    ReceivedInFuture {
        key: ItemKey,
        received: Date,
        today: Date,
    },
    #[error("{}", self.message(Lang::En))]
    PartlyOutOfRange {
        key: ItemKey,
        score: Points,
        low: Points,
        high: Points,
    },
    #[error("{}", self.message(Lang::En))]
    /// A storage problem, worded in both languages where it happened.
    Store { vi: String, en: String },
    /// The store's server could not be reached or stopped answering (remote workbenches only);
    /// the message is kept in both languages because it is made where the language is unknown.
    #[error("{}", self.message(Lang::En))]
    Unavailable { vi: String, en: String },
}

/// Why an item is not open to an explanation in a round (serialisable mirror of
/// `domain::round::NotOpen`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotOpenReason {
    OtherUnit,
    OutOfScope,
    AlreadyAnswered,
}

impl From<NotOpen> for NotOpenReason {
    fn from(n: NotOpen) -> Self {
        match n {
            NotOpen::OtherUnit => NotOpenReason::OtherUnit,
            NotOpen::OutOfScope => NotOpenReason::OutOfScope,
            NotOpen::AlreadyAnswered => NotOpenReason::AlreadyAnswered,
        }
    }
}

/// A score the framework does not allow (serialisable mirror of `ScoreError`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "kebab-case")]
pub enum ScoreProblem {
    Negative { score: Points },
    OverMax { score: Points, max: Points },
    OffStep { score: Points, step: Points },
}

impl From<ScoreError> for ScoreProblem {
    fn from(e: ScoreError) -> Self {
        match e {
            ScoreError::Negative { score } => ScoreProblem::Negative { score },
            ScoreError::OverMax { score, max } => ScoreProblem::OverMax { score, max },
            ScoreError::OffStep { score, step } => ScoreProblem::OffStep { score, step },
        }
    }
}

impl ScoreProblem {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ScoreProblem::Negative { score }, Lang::Vi) => {
                format!("điểm {} là số âm", score.display_with(true))
            }
            (ScoreProblem::Negative { score }, Lang::En) => format!("score {score} is negative"),
            (ScoreProblem::OverMax { score, max }, Lang::Vi) => {
                format!(
                    "điểm {} vượt điểm tối đa {}",
                    score.display_with(true),
                    max.display_with(true)
                )
            }
            (ScoreProblem::OverMax { score, max }, Lang::En) => {
                format!("score {score} is over the maximum {max}")
            }
            (ScoreProblem::OffStep { score, step }, Lang::Vi) => {
                format!(
                    "điểm {} không phải bội số của bước chấm {}",
                    score.display_with(true),
                    step.display_with(true)
                )
            }
            (ScoreProblem::OffStep { score, step }, Lang::En) => {
                format!("score {score} is not a multiple of the step {step}")
            }
        }
    }
}

impl WorkbenchError {
    /// The message for a person, in their language: what, where, what to do.
    pub fn message(&self, lang: Lang) -> String {
        use WorkbenchError::*;
        let vi = lang == Lang::Vi;
        match self {
            NotMember { user, leads } => {
                let who = if leads.is_empty() {
                    "-".to_string()
                } else {
                    leads.join(", ")
                };
                if vi {
                    format!(
                        "người dùng {user} chưa là thành viên của kho dữ liệu này. Hãy nhờ trưởng nhóm ({who}) chạy: thamdinh member add {user} --role appraiser"
                    )
                } else {
                    format!(
                        "user {user} is not a member of this store. Ask a lead ({who}) to run: thamdinh member add {user} --role appraiser"
                    )
                }
            }
            ReadOnly { user } => {
                if vi {
                    format!(
                        "{user} có vai trò {}: chỉ được xem, không được sửa. Trưởng nhóm có thể đổi vai trò.",
                        Role::Auditor.label(lang)
                    )
                } else {
                    format!(
                        "{user} is an auditor: read only, no changes allowed. A lead can change the role."
                    )
                }
            }
            LeadOnly { user, command } => {
                if vi {
                    format!(
                        "lệnh {command} chỉ dành cho trưởng nhóm; {user} không phải trưởng nhóm."
                    )
                } else {
                    format!("{command} is for leads only; {user} is not a lead.")
                }
            }
            UnknownYear { year } => {
                if vi {
                    format!(
                        "kho chưa có năm đánh giá {year}. Tạo bằng: thamdinh init --year {year}"
                    )
                } else {
                    format!(
                        "the store has no assessment year {year}. Create it with: thamdinh init --year {year}"
                    )
                }
            }
            YearExists { year } => {
                if vi {
                    format!("năm đánh giá {year} đã có trong kho; không tạo lại.")
                } else {
                    format!("assessment year {year} already exists in this store; nothing changed.")
                }
            }
            UnknownUnit { year, unit } => {
                if vi {
                    format!("không có đơn vị mã \"{unit}\" trong danh sách đơn vị năm {year}.")
                } else {
                    format!("there is no unit with code \"{unit}\" in the units of {year}.")
                }
            }
            UnknownCriterion { year, code } => {
                if vi {
                    format!("không có tiêu chí \"{code}\" trong bộ tiêu chí năm {year}.")
                } else {
                    format!("there is no criterion \"{code}\" in the framework of {year}.")
                }
            }
            NotALeaf { code } => {
                if vi {
                    format!(
                        "{code} là tiêu chí tổng hợp; điểm được chấm ở các tiêu chí thành phần của nó."
                    )
                } else {
                    format!(
                        "{code} aggregates other criteria; scores are given on its sub-criteria."
                    )
                }
            }
            NoSelfScore { key } => {
                if vi {
                    format!("{key}: đơn vị chưa tự chấm điểm tiêu chí này; chưa thể đồng ý.")
                } else {
                    format!(
                        "{key}: the unit has not self-scored this item yet; nothing to agree with."
                    )
                }
            }
            Conflict {
                key,
                expected,
                current,
            } => {
                let by = current
                    .last
                    .as_ref()
                    .map(|t| t.actor.clone())
                    .unwrap_or_else(|| "?".into());
                if vi {
                    format!(
                        "{key} vừa được {by} thay đổi (phiên bản {} thay vì {expected}). Xem thay đổi của họ rồi chọn giữ hay áp dụng lại của bạn.",
                        current.version
                    )
                } else {
                    format!(
                        "{key} was just changed by {by} (version {} instead of {expected}). Look at their change, then keep it or re-apply yours.",
                        current.version
                    )
                }
            }
            BadScore { key, reason } => format!("{key}: {}", reason.message(lang)),
            JustificationRequired { key } => {
                if vi {
                    format!(
                        "{key}: điểm đề xuất khác điểm tự chấm nên cần ghi lý do (thuyết minh) trước khi lưu."
                    )
                } else {
                    format!(
                        "{key}: the proposed score differs from the self score, so a justification is required before saving."
                    )
                }
            }
            TextRequired { key, field } => {
                if vi {
                    format!("{key}: cần nhập nội dung ({field}).")
                } else {
                    format!("{key}: the {field} must not be empty.")
                }
            }
            SurveyNotEditable { key } => {
                if vi {
                    format!(
                        "{key} được chấm bằng điều tra xã hội học; điểm nhập từ kết quả điều tra, không sửa tay."
                    )
                } else {
                    format!(
                        "{key} is scored by the survey; its points are imported, not edited by hand."
                    )
                }
            }
            NotSurvey { key } => {
                if vi {
                    format!("{key} không phải tiêu chí điều tra xã hội học.")
                } else {
                    format!("{key} is not a survey criterion.")
                }
            }
            Finalized { year, unit, by } => {
                if vi {
                    format!(
                        "kết quả của đơn vị {unit} năm {year} đã được {by} chốt; trưởng nhóm cần mở lại đơn vị (phím O trong danh sách đơn vị) trước khi sửa."
                    )
                } else {
                    format!(
                        "unit {unit} ({year}) was finalized by {by}; a lead must reopen it (key O in the list of units) before any change."
                    )
                }
            }
            NotFinalized { year, unit } => {
                if vi {
                    format!("đơn vị {unit} năm {year} chưa được chốt.")
                } else {
                    format!("unit {unit} ({year}) is not finalized.")
                }
            }
            Unfinished { year, unit, open } => {
                if vi {
                    format!(
                        "chưa thể chốt đơn vị {unit} năm {year}: còn {open} tiêu chí chưa thẩm định, cần bổ sung hoặc đang giải trình."
                    )
                } else {
                    format!(
                        "cannot finalize unit {unit} ({year}): {open} items are still pending, need information or are disputed."
                    )
                }
            }
            WrongStatus {
                key,
                status,
                command,
            } => {
                if vi {
                    format!(
                        "{key}: không thể \"{command}\" khi tiêu chí đang ở trạng thái \"{}\".",
                        status.label(lang)
                    )
                } else {
                    format!(
                        "{key}: cannot {command} an item whose status is {}.",
                        status.label(lang)
                    )
                }
            }
            NotInArea { key, area } => {
                if vi {
                    format!("{key} không thuộc lĩnh vực {area}.")
                } else {
                    format!("{key} is not in area {area}.")
                }
            }
            NothingToUndo { user } => {
                if vi {
                    format!("{user} chưa có thay đổi nào để hoàn tác.")
                } else {
                    format!("{user} has no change to undo.")
                }
            }
            LastLead { user } => {
                if vi {
                    format!("{user} là trưởng nhóm cuối cùng; hãy thêm trưởng nhóm khác trước.")
                } else {
                    format!("{user} is the last lead; add another lead first.")
                }
            }
            BadFile { file, problems } => {
                let head = if vi {
                    format!("tệp {file} không hợp lệ:")
                } else {
                    format!("file {file} is not valid:")
                };
                std::iter::once(head)
                    .chain(problems.iter().map(|p| format!("  {p}")))
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            BadFromYear { year, from } => {
                if vi {
                    format!(
                        "năm tham khảo {from} phải trước năm {year}; dùng --from-year với một năm đã có trong kho."
                    )
                } else {
                    format!(
                        "the reference year {from} must be before {year}; use --from-year with an earlier year of the store."
                    )
                }
            }
            NoOpenRound { year, unit } => {
                if vi {
                    format!(
                        "chưa có đợt giải trình nào đang mở cho đơn vị {unit} năm {year}. Trưởng nhóm mở đợt bằng: thamdinh round open --year {year} --closes YYYY-MM-DD"
                    )
                } else {
                    format!(
                        "no explanation round is open for unit {unit} in {year}. A lead opens one with: thamdinh round open --year {year} --closes YYYY-MM-DD"
                    )
                }
            }
            UnknownRound { year, number } => {
                if vi {
                    format!(
                        "năm {year} không có đợt giải trình số {number}; xem các đợt bằng: thamdinh round list"
                    )
                } else {
                    format!(
                        "{year} has no explanation round {number}; list the rounds with: thamdinh round list"
                    )
                }
            }
            RoundClosed { year, number } => {
                if vi {
                    format!(
                        "đợt giải trình {number} năm {year} đã đóng: không ghi thêm giải trình vào đợt này. Trưởng nhóm có thể mở đợt mới."
                    )
                } else {
                    format!(
                        "explanation round {number} of {year} is closed: no more explanations are recorded in it. A lead can open a new round."
                    )
                }
            }
            NotInRound { key, number, why } => match (why, vi) {
                (NotOpenReason::OtherUnit, true) => {
                    format!(
                        "{key}: đợt giải trình {number} không dành cho đơn vị {}.",
                        key.unit
                    )
                }
                (NotOpenReason::OtherUnit, false) => {
                    format!(
                        "{key}: explanation round {number} is not for unit {}.",
                        key.unit
                    )
                }
                (NotOpenReason::OutOfScope, true) => format!(
                    "{key}: tiêu chí này không thuộc diện giải trình của đợt {number} (chỉ các tiêu chí bị đề xuất giảm điểm hoặc đang chờ bổ sung tài liệu)."
                ),
                (NotOpenReason::OutOfScope, false) => format!(
                    "{key}: this item is not open to explanation in round {number} (only items proposed below the self score or awaiting evidence are)."
                ),
                (NotOpenReason::AlreadyAnswered, true) => format!(
                    "{key}: giải trình của đợt {number} đã được trả lời; chờ đợt sau hoặc trình Hội đồng thẩm định."
                ),
                (NotOpenReason::AlreadyAnswered, false) => format!(
                    "{key}: the explanation of round {number} has been answered; wait for the next round or refer it to the council."
                ),
            },
            BadRoundDates { opens, closes } => {
                if vi {
                    format!(
                        "ngày đóng đợt ({}) trước ngày mở ({}); hãy kiểm tra lại hai ngày.",
                        format_date(*closes),
                        format_date(*opens)
                    )
                } else {
                    format!(
                        "the closing date ({}) is before the opening date ({}); check both dates.",
                        format_date(*closes),
                        format_date(*opens)
                    )
                }
            }
            ReceivedInFuture {
                key,
                received,
                today,
            } => {
                if vi {
                    format!(
                        "{key}: ngày nhận giải trình {} còn ở tương lai (hôm nay {}); hãy nhập ngày trên văn bản đến.",
                        format_date(*received),
                        format_date(*today)
                    )
                } else {
                    format!(
                        "{key}: the date received {} is in the future (today is {}); enter the date on the incoming letter.",
                        format_date(*received),
                        format_date(*today)
                    )
                }
            }
            PartlyOutOfRange {
                key,
                score,
                low,
                high,
            } => {
                if vi {
                    format!(
                        "{key}: chấp nhận một phần cần điểm mới nằm giữa {} và {} (không kể hai đầu); {} không thỏa. Nếu chấp nhận toàn bộ hãy chọn \"chấp nhận\".",
                        low.display_with(true),
                        high.display_with(true),
                        score.display_with(true)
                    )
                } else {
                    format!(
                        "{key}: partly upheld needs a new score strictly between {low} and {high}; {score} is not. If the unit is right, choose upheld."
                    )
                }
            }
            Store { vi, en } | Unavailable { vi, en } => lang.pick(vi, en).to_string(),
        }
    }

    pub fn is_conflict(&self) -> bool {
        matches!(self, WorkbenchError::Conflict { .. })
    }
}

impl From<domain::YearFileError> for WorkbenchError {
    /// A year's kept sources that no longer load: every problem, in English (the file's own
    /// words are quoted as written).
    fn from(e: domain::YearFileError) -> Self {
        WorkbenchError::BadFile {
            file: e.file,
            problems: e.problems.iter().map(|p| p.to_string()).collect(),
        }
    }
}
