//! Why the engine refused a command. Each variant carries the data a message needs, and every
//! message says what to do next, in Vietnamese or English.

use serde::{Deserialize, Serialize};

use domain::points::ScoreError;
use jiff::civil::Date;

use domain::limits::{self, TextField};
use domain::official::OfficialError;
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
    /// An adjustment's justification has fewer letters and digits than the framework asks.
    #[error("{}", self.message(Lang::En))]
    JustificationTooShort { key: ItemKey, has: u32, min: u32 },
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
    NothingToRedo { user: String },
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
    /// A change to a year whose results the council approved (SPEC D8): frozen until a lead
    /// reopens them.
    #[error("{}", self.message(Lang::En))]
    ResultsApproved {
        year: u16,
        minutes: String,
        approved: Date,
    },
    /// An approval, publication or reopening the official result's stage does not allow.
    #[error("{}", self.message(Lang::En))]
    OfficialStage { year: u16, problem: OfficialError },
    /// Approving a year whose units are not all finalized: how many, and the first few.
    #[error("{}", self.message(Lang::En))]
    UnitsNotFinalized {
        year: u16,
        count: usize,
        first: Vec<String>,
    },
    /// A text a command needs is empty (a year's minutes, a reason).
    #[error("{}", self.message(Lang::En))]
    TextMissing { at: TextOf, field: TextField },
    /// A date that has not come yet, where only a past day makes sense.
    #[error("{}", self.message(Lang::En))]
    DateInFuture { date: Date, today: Date },
    /// The year has published results already (`import results` without `--replace`).
    #[error("{}", self.message(Lang::En))]
    ResultsExist { year: u16, file: String },
    /// Published results for a year whose items are appraised in this store.
    #[error("{}", self.message(Lang::En))]
    YearHasItems { year: u16, items: usize },
    /// Published results that do not fit the year's unit set.
    #[error("{}", self.message(Lang::En))]
    BadResults {
        year: u16,
        faults: Vec<domain::ResultsFault>,
    },
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
    /// A text longer than its field allows (SPEC S5): refused whole, nothing is cut.
    #[error("{}", self.message(Lang::En))]
    TooLong {
        /// What the text belongs to.
        at: TextOf,
        field: TextField,
        /// Bytes the field may hold.
        limit: usize,
        /// Bytes of the text as it would be kept.
        length: usize,
    },
    /// More evidence entries on one item than [`domain::limits::EVIDENCE_ENTRIES`].
    #[error("{}", self.message(Lang::En))]
    TooManyEvidence {
        key: ItemKey,
        count: usize,
        limit: usize,
    },
    /// A new draft when the user already keeps [`domain::limits::DRAFTS_PER_USER`].
    #[error("{}", self.message(Lang::En))]
    TooManyDrafts {
        user: String,
        key: ItemKey,
        limit: usize,
    },
    /// A member name that is not an OS user name (SPEC R7); `user` is cut to a readable length.
    #[error("{}", self.message(Lang::En))]
    BadUserName { user: String },
    /// An area code that is not a top-level node (lĩnh vực) of the year's framework.
    #[error("{}", self.message(Lang::En))]
    UnknownArea { year: u16, area: String },
    /// An assignment to someone who is not a member appraising (an appraiser or a lead).
    #[error("{}", self.message(Lang::En))]
    NotAnAppraiser { user: String, role: Option<Role> },
    /// The year enforces its assignments and the item is assigned to someone else.
    #[error("{}", self.message(Lang::En))]
    AssignedToOther {
        /// Boxed: the refusal stays as small as the others.
        key: Box<ItemKey>,
        assignee: String,
        /// The area of the assignment that covers the item; `None`: the whole unit's.
        area: Option<String>,
    },
    #[error("{}", self.message(Lang::En))]
    /// A storage problem, worded in both languages where it happened.
    Store { vi: String, en: String },
    /// The store's server could not be reached or stopped answering (remote workbenches only);
    /// the message is kept in both languages because it is made where the language is unknown.
    #[error("{}", self.message(Lang::En))]
    Unavailable { vi: String, en: String },
    /// Survey responses whose respondents were already imported for the year's survey (issue
    /// 16): how many, in the file itself and in earlier imports.
    #[error("{}", self.message(Lang::En))]
    DuplicateRespondents {
        year: u16,
        survey: String,
        in_file: usize,
        earlier: usize,
    },
    /// Survey responses or a survey definition the engine refuses (issue 16), worded in both
    /// languages by the domain's checks.
    #[error("{}", self.message(Lang::En))]
    Survey { vi: String, en: String },
}

/// What a refused text belongs to, for the message's "where".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "of", rename_all = "kebab-case")]
pub enum TextOf {
    /// An item (its commands, its imported row, a draft for it).
    Item { key: ItemKey },
    /// A unit (reopening it).
    Unit { year: u16, unit: String },
    /// An explanation round; `number` is `None` for a round being opened.
    Round { year: u16, number: Option<u32> },
    /// An assessment year (opening it).
    Year { year: u16 },
}

impl TextOf {
    /// Where, for a person: the start of a message.
    pub fn describe(&self, lang: Lang) -> String {
        let vi = lang == Lang::Vi;
        match self {
            TextOf::Item { key } => key.to_string(),
            TextOf::Unit { year, unit } if vi => format!("đơn vị {unit} năm {year}"),
            TextOf::Unit { year, unit } => format!("unit {unit} ({year})"),
            TextOf::Round {
                year,
                number: Some(n),
            } if vi => format!("đợt giải trình {n} năm {year}"),
            TextOf::Round {
                year,
                number: Some(n),
            } => format!("explanation round {n} of {year}"),
            TextOf::Round { year, number: None } if vi => {
                format!("đợt giải trình mới của năm {year}")
            }
            TextOf::Round { year, number: None } => {
                format!("the new explanation round of {year}")
            }
            TextOf::Year { year } if vi => format!("năm đánh giá {year}"),
            TextOf::Year { year } => format!("assessment year {year}"),
        }
    }
}

/// What to do with a text that is too long: long texts keep their details in a document,
/// references are one short line, a score is a few digits.
fn shorten_hint(field: TextField, lang: Lang) -> &'static str {
    let hint = match field.limit() {
        l if l >= limits::LONG_TEXT => l10n::tr!(
            "Hãy rút gọn: phần chi tiết để trong tài liệu kèm theo và chỉ ghi số, ký hiệu của tài liệu đó",
            "Shorten it: keep the details in an attached document and write only its reference"
        ),
        l if l >= limits::SHORT_TEXT => l10n::tr!(
            "Trường này chỉ ghi một tham chiếu ngắn (số, ký hiệu, ngày, tên văn bản); hãy rút gọn",
            "This field holds a short reference (number, date, title); shorten it"
        ),
        _ => l10n::tr!(
            "Điểm chỉ gồm vài chữ số, ví dụ 1,25; hãy xoá phần thừa",
            "A score is a few digits, e.g. 1.25; delete the rest"
        ),
    };
    hint.get(lang)
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
        let n = |p: &Points| p.show(lang);
        match (self, lang) {
            (ScoreProblem::Negative { score }, Lang::Vi) => format!("điểm {} là số âm", n(score)),
            (ScoreProblem::Negative { score }, Lang::En) => {
                format!("score {} is negative", n(score))
            }
            (ScoreProblem::OverMax { score, max }, Lang::Vi) => {
                format!("điểm {} vượt điểm tối đa {}", n(score), n(max))
            }
            (ScoreProblem::OverMax { score, max }, Lang::En) => {
                format!("score {} is over the maximum {}", n(score), n(max))
            }
            (ScoreProblem::OffStep { score, step }, Lang::Vi) => {
                format!(
                    "điểm {} không phải bội số của bước chấm {}",
                    n(score),
                    n(step)
                )
            }
            (ScoreProblem::OffStep { score, step }, Lang::En) => {
                format!(
                    "score {} is not a multiple of the step {}",
                    n(score),
                    n(step)
                )
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
                if user == "root" {
                    // The administrator is never a member (docs/SHARED_STORE.md, `doctor`):
                    // adding root is not the advice.
                    return if vi {
                        format!(
                            "root là tài khoản quản trị, không phải thành viên của kho này (và không cần là thành viên: quản trị viên và tài khoản dịch vụ chỉ chạy dịch vụ). Hãy chạy lệnh bằng tài khoản của một thành viên, ví dụ trưởng nhóm ({who}); muốn kiểm tra kho khi dịch vụ đã dừng thì chạy `thamdinh verify` bằng tài khoản dịch vụ."
                        )
                    } else {
                        format!(
                            "root is the administrator's account, not a member of this store (and need not be one: the administrator and the service account only run the service). Run the command from a member's account, for example a lead's ({who}); to check the store with the service stopped, run `thamdinh verify` as the service account."
                        )
                    };
                }
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
            JustificationTooShort { key, has, min } => {
                if vi {
                    format!(
                        "{key}: lý do điều chỉnh quá ngắn ({has} ký tự, cần ít nhất {min}, không \
                         tính dấu câu): hãy nêu căn cứ, ví dụ thiếu văn bản nào hoặc chậm bao nhiêu \
                         ngày."
                    )
                } else {
                    format!(
                        "{key}: the justification is too short ({has} characters, at least {min} \
                         needed, punctuation not counted): say why, e.g. which document is missing \
                         or how many days late."
                    )
                }
            }
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
            NothingToRedo { user } => {
                if vi {
                    format!(
                        "{user} không có hoàn tác nào để làm lại ở đơn vị này (sau một thay đổi \
                         mới thì không làm lại được)."
                    )
                } else {
                    format!(
                        "{user} has no undo to redo in this unit (a new change ends what can be \
                         redone)."
                    )
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
            ResultsExist { year, file } => {
                if vi {
                    format!(
                        "năm {year} đã có kết quả công bố (nhập từ tệp {file}); không ghi đè. Để thay bằng tệp mới, chạy lại với --replace --reason \"lý do thay\"."
                    )
                } else {
                    format!(
                        "{year} has published results already (imported from {file}); nothing overwritten. To replace them, run again with --replace --reason \"why\"."
                    )
                }
            }
            YearHasItems { year, items } => {
                if vi {
                    format!(
                        "năm {year} đang được thẩm định trong kho này ({items} mục đã có điểm): kết quả công bố chỉ ghi cho năm chỉ biết qua kết quả đã công bố, còn so sánh với năm {year} dùng chính điểm thẩm định của nó. Không có gì thay đổi."
                    )
                } else {
                    format!(
                        "{year} is appraised in this store ({items} items have scores): published results are recorded only for a year known by its published results, and comparisons with {year} use its own appraisal. Nothing changed."
                    )
                }
            }
            BadResults { year, faults } => {
                let list: Vec<String> = faults.iter().map(|f| f.message(lang)).collect();
                if vi {
                    format!(
                        "kết quả công bố năm {year} không ghi được: {}. Sửa tệp rồi nhập lại; không có gì thay đổi.",
                        list.join("; ")
                    )
                } else {
                    format!(
                        "the published results of {year} cannot be recorded: {}. Fix the file and import again; nothing changed.",
                        list.join("; ")
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
            ResultsApproved {
                year,
                minutes,
                approved,
            } => {
                if vi {
                    format!(
                        "kết quả năm {year} đã được Hội đồng thẩm định thông qua ngày {} (biên bản {minutes}): điểm đã khóa, không sửa được. Muốn sửa, trưởng nhóm mở lại kết quả, ghi rõ lý do: thamdinh year reopen --year {year} --reason \"…\"",
                        format_date(*approved)
                    )
                } else {
                    format!(
                        "the results of {year} were approved by the appraisal council on {} (minutes {minutes}): the scores are locked. To change them, a lead reopens the results with a reason: thamdinh year reopen --year {year} --reason \"…\"",
                        format_date(*approved)
                    )
                }
            }
            OfficialStage { year, problem } => problem.message(*year, lang),
            UnitsNotFinalized { year, count, first } => {
                let more = if *count > first.len() { ", …" } else { "" };
                if vi {
                    format!(
                        "chưa thể thông qua kết quả năm {year}: còn {count} đơn vị chưa chốt ({}{more}). Chốt từng đơn vị trước (phím F trong danh sách đơn vị).",
                        first.join(", ")
                    )
                } else {
                    format!(
                        "the results of {year} cannot be approved yet: {count} unit(s) are not finalized ({}{more}). Finalize each unit first.",
                        first.join(", ")
                    )
                }
            }
            TextMissing { at, field } => {
                let at = at.describe(lang);
                let name = field.label(lang);
                if vi {
                    format!("{at}: cần nhập {name}; chưa có gì được lưu.")
                } else {
                    format!("{at}: the {name} must not be empty; nothing was saved.")
                }
            }
            DateInFuture { date, today } => {
                if vi {
                    format!(
                        "ngày {} chưa đến (hôm nay {}); hãy kiểm tra lại ngày.",
                        format_date(*date),
                        format_date(*today)
                    )
                } else {
                    format!(
                        "{} has not come yet (today is {}); check the date.",
                        format_date(*date),
                        format_date(*today)
                    )
                }
            }
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
                        low.show(lang),
                        high.show(lang),
                        score.show(lang)
                    )
                } else {
                    format!(
                        "{key}: partly upheld needs a new score strictly between {} and {}; {} is not. If the unit is right, choose upheld.",
                        low.show(lang),
                        high.show(lang),
                        score.show(lang)
                    )
                }
            }
            TooLong {
                at,
                field,
                limit,
                length,
            } => {
                let at = at.describe(lang);
                let name = field.label(lang);
                let hint = shorten_hint(*field, lang);
                if vi {
                    format!(
                        "{at}: {name} dài {length} byte, vượt giới hạn {limit} byte (mỗi chữ có dấu chiếm 2–3 byte). {hint} rồi thử lại; chưa có gì được lưu."
                    )
                } else {
                    format!(
                        "{at}: the {name} is {length} bytes long, over the limit of {limit} bytes (a Vietnamese letter with diacritics takes 2–3 bytes). {hint}, then try again; nothing was saved."
                    )
                }
            }
            TooManyEvidence { key, count, limit } => {
                if vi {
                    format!(
                        "{key}: có {count} tài liệu kiểm chứng, vượt giới hạn {limit} tài liệu của một tiêu chí. Hãy gộp các tài liệu cùng loại hoặc chỉ giữ các tài liệu chính rồi nhập lại; chưa có gì được nhập."
                    )
                } else {
                    format!(
                        "{key}: {count} evidence entries, over the limit of {limit} for one item. Merge related documents or keep the main ones, then import again; nothing was imported."
                    )
                }
            }
            TooManyDrafts { user, key, limit } => {
                if vi {
                    format!(
                        "{user} đã có {limit} bản nháp (tối đa {limit}, mỗi tiêu chí đang soạn một bản); bản nháp của {key} không được giữ trên máy chủ. Hãy lưu các tiêu chí đang soạn dở (lưu xong thì bản nháp của tiêu chí đó tự xoá) rồi soạn tiếp."
                    )
                } else {
                    format!(
                        "{user} already keeps {limit} drafts (the most, one per item being edited); the draft of {key} was not kept on the server. Save the items you left half-edited (saving one deletes its draft), then carry on."
                    )
                }
            }
            BadUserName { user } => {
                if vi {
                    format!(
                        "tên thành viên {user:?} không hợp lệ: thành viên mang tên đăng nhập hệ điều hành của họ — chỉ gồm chữ cái không dấu, chữ số, dấu chấm (.), gạch dưới (_) và gạch ngang (-), không bắt đầu bằng gạch ngang, tối đa {} ký tự. Xem tên đăng nhập của người đó (lệnh: id TÊN) rồi thử lại; không có gì thay đổi.",
                        limits::NAME_CHARS
                    )
                } else {
                    format!(
                        "member name {user:?} is not valid: a member is named by their OS login name — only ASCII letters, digits, dot (.), underscore (_) and hyphen (-), not starting with a hyphen, at most {} characters. Check the person's login name (command: id NAME) and try again; nothing changed.",
                        limits::NAME_CHARS
                    )
                }
            }
            UnknownArea { year, area } => {
                if vi {
                    format!(
                        "không có lĩnh vực \"{area}\" trong bộ tiêu chí năm {year}: lĩnh vực là mục cấp cao nhất (ví dụ 1, 2, 3). Bỏ --area để phân công cả đơn vị; không có gì thay đổi."
                    )
                } else {
                    format!(
                        "there is no area \"{area}\" in the framework of {year}: an area is a top-level entry (for example 1, 2, 3). Leave out --area to assign the whole unit; nothing changed."
                    )
                }
            }
            NotAnAppraiser { user, role } => {
                let has = match (role, vi) {
                    (Some(r), true) => format!("có vai trò {}", r.label(lang)),
                    (Some(r), false) => format!("is {}", r.label(lang)),
                    (None, true) => "chưa là thành viên".to_string(),
                    (None, false) => "is not a member".to_string(),
                };
                if vi {
                    format!(
                        "không phân công được cho {user}: {user} {has}; chỉ phân công cho {} hoặc {}. Trưởng nhóm thêm bằng: thamdinh member add {user} --role appraiser",
                        Role::Appraiser.label(lang),
                        Role::Lead.label(lang)
                    )
                } else {
                    format!(
                        "cannot assign to {user}: {user} {has}; only an appraiser or a lead can be assigned. A lead adds them with: thamdinh member add {user} --role appraiser"
                    )
                }
            }
            AssignedToOther {
                key,
                assignee,
                area,
            } => {
                let (year, unit) = (key.year, &key.unit);
                let area_arg = area
                    .as_ref()
                    .map(|a| format!(" --area {a}"))
                    .unwrap_or_default();
                let what = match (area, vi) {
                    (Some(a), true) => format!("lĩnh vực {a} của đơn vị {unit}"),
                    (Some(a), false) => format!("area {a} of unit {unit}"),
                    (None, true) => format!("đơn vị {unit}"),
                    (None, false) => format!("unit {unit}"),
                };
                if vi {
                    format!(
                        "tiêu chí {} được phân công cho {assignee} ({what}) và năm {year} bắt buộc làm theo phân công: chỉ {assignee} hoặc trưởng nhóm được sửa; không có gì thay đổi. Trưởng nhóm đổi phân công bằng: thamdinh assign --year {year} --unit {unit}{area_arg} --to TÊN (hoặc tắt: thamdinh assign enforce off --year {year})",
                        key.leaf
                    )
                } else {
                    format!(
                        "item {} is assigned to {assignee} ({what}) and {year} enforces assignments: only {assignee} or a lead may change it; nothing changed. A lead changes the assignment with: thamdinh assign --year {year} --unit {unit}{area_arg} --to NAME (or turns it off: thamdinh assign enforce off --year {year})",
                        key.leaf
                    )
                }
            }
            DuplicateRespondents {
                year,
                survey,
                in_file,
                earlier,
            } => {
                if vi {
                    format!(
                        "tệp có người trả lời trùng (mã đã được băm): {in_file} trùng trong chính tệp, {earlier} đã có trong các lần nhập trước của {survey} năm {year}; không có gì được ghi. Hãy bỏ các phiếu trùng rồi nhập lại."
                    )
                } else {
                    format!(
                        "the file repeats respondents (compared by keyed hash): {in_file} within the file, {earlier} already in earlier imports of {survey} for {year}; nothing was written. Remove the repeated responses and import again."
                    )
                }
            }
            Store { vi, en } | Unavailable { vi, en } | Survey { vi, en } => {
                lang.pick(vi, en).to_string()
            }
        }
    }

    /// The refusal of a member name that is not an OS user name, quoting it cut short (a
    /// refusal does not echo megabytes).
    pub fn bad_user_name(user: &str) -> WorkbenchError {
        const SHOWN: usize = limits::NAME_CHARS + 16;
        let mut shown: String = user.chars().take(SHOWN).collect();
        if user.chars().nth(SHOWN).is_some() {
            shown.push('…');
        }
        WorkbenchError::BadUserName { user: shown }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn both(e: &WorkbenchError) -> (String, String) {
        (e.message(Lang::Vi), e.message(Lang::En))
    }

    /// The administrator is never a member (docs/SHARED_STORE.md): root is not told to add
    /// itself, anyone else is told who adds them.
    #[test]
    fn root_not_being_a_member_is_not_told_to_become_one() {
        let leads = vec!["lan".to_string()];
        let root = WorkbenchError::NotMember {
            user: "root".into(),
            leads: leads.clone(),
        };
        for m in [root.message(Lang::Vi), root.message(Lang::En)] {
            assert!(!m.contains("member add"), "{m}");
            assert!(m.contains("(lan)"), "{m}");
        }
        let minh = WorkbenchError::NotMember {
            user: "minh".into(),
            leads,
        };
        let (vi, en) = both(&minh);
        assert!(
            vi.contains("thamdinh member add minh --role appraiser"),
            "{vi}"
        );
        assert!(en.contains("user minh is not a member"), "{en}");
    }

    #[test]
    fn a_long_text_is_named_with_its_length_limit_and_what_to_do() {
        let e = WorkbenchError::TooLong {
            at: TextOf::Item {
                key: ItemKey::new(2024, "44", "1.1.1"),
            },
            field: TextField::Justification,
            limit: limits::LONG_TEXT,
            length: 20_000,
        };
        let (vi, en) = both(&e);
        assert_eq!(
            vi,
            "2024/44/1.1.1: lý do điều chỉnh điểm (thuyết minh) dài 20000 byte, vượt giới hạn 16384 byte (mỗi chữ có dấu chiếm 2–3 byte). Hãy rút gọn: phần chi tiết để trong tài liệu kèm theo và chỉ ghi số, ký hiệu của tài liệu đó rồi thử lại; chưa có gì được lưu."
        );
        assert_eq!(
            en,
            "2024/44/1.1.1: the justification is 20000 bytes long, over the limit of 16384 bytes (a Vietnamese letter with diacritics takes 2–3 bytes). Shorten it: keep the details in an attached document and write only its reference, then try again; nothing was saved."
        );
        let round = WorkbenchError::TooLong {
            at: TextOf::Round {
                year: 2024,
                number: None,
            },
            field: TextField::RoundNote,
            limit: limits::SHORT_TEXT,
            length: 1025,
        };
        let (vi, en) = both(&round);
        assert!(
            vi.starts_with("đợt giải trình mới của năm 2024: ghi chú của đợt giải trình dài 1025 byte, vượt giới hạn 1024 byte")
                && vi.contains("tham chiếu ngắn"),
            "{vi}"
        );
        assert!(
            en.starts_with("the new explanation round of 2024: the round note is 1025 bytes long"),
            "{en}"
        );
        let score = WorkbenchError::TooLong {
            at: TextOf::Item {
                key: ItemKey::new(2024, "44", "1.1.1"),
            },
            field: TextField::DraftScore,
            limit: limits::DRAFT_SCORE,
            length: 40,
        };
        assert!(both(&score).0.contains("ví dụ 1,25"));
        assert!(both(&score).1.contains("e.g. 1.25"));
        for (at, vi, en) in [
            (
                TextOf::Unit {
                    year: 2024,
                    unit: "44".into(),
                },
                "đơn vị 44 năm 2024",
                "unit 44 (2024)",
            ),
            (
                TextOf::Round {
                    year: 2024,
                    number: Some(2),
                },
                "đợt giải trình 2 năm 2024",
                "explanation round 2 of 2024",
            ),
            (
                TextOf::Year { year: 2025 },
                "năm đánh giá 2025",
                "assessment year 2025",
            ),
        ] {
            assert_eq!(at.describe(Lang::Vi), vi);
            assert_eq!(at.describe(Lang::En), en);
        }
    }

    #[test]
    fn counts_and_names_say_the_rule() {
        let key = ItemKey::new(2024, "44", "1.1.1");
        let (vi, en) = both(&WorkbenchError::TooManyEvidence {
            key: key.clone(),
            count: 101,
            limit: 100,
        });
        assert!(vi.contains("101 tài liệu kiểm chứng") && vi.contains("giới hạn 100"));
        assert!(en.contains("101 evidence entries") && en.contains("limit of 100"));
        let (vi, en) = both(&WorkbenchError::TooManyDrafts {
            user: "an".into(),
            key,
            limit: 200,
        });
        assert!(vi.starts_with("an đã có 200 bản nháp") && vi.contains("2024/44/1.1.1"));
        assert!(en.starts_with("an already keeps 200 drafts"), "{en}");
        let e = WorkbenchError::bad_user_name("lan\nlead");
        let (vi, en) = both(&e);
        assert!(
            !vi.contains('\n') && !en.contains('\n'),
            "the name is quoted escaped"
        );
        assert!(vi.contains(r#""lan\nlead""#) && vi.contains("tên đăng nhập"));
        assert!(en.contains("ASCII letters, digits") && en.contains("at most 64 characters"));
        let WorkbenchError::BadUserName { user } = WorkbenchError::bad_user_name(&"x".repeat(5000))
        else {
            panic!("a bad name");
        };
        assert_eq!(user.chars().count(), 81, "cut, with an ellipsis");
    }

    #[test]
    fn new_refusals_cross_the_wire() {
        for e in [
            WorkbenchError::TooLong {
                at: TextOf::Round {
                    year: 2024,
                    number: Some(1),
                },
                field: TextField::CloseReason,
                limit: 16384,
                length: 16385,
            },
            WorkbenchError::TooManyDrafts {
                user: "an".into(),
                key: ItemKey::new(2024, "44", "1.1.1"),
                limit: 200,
            },
            WorkbenchError::BadUserName { user: " ".into() },
            WorkbenchError::UnknownArea {
                year: 2024,
                area: "9".into(),
            },
            WorkbenchError::NotAnAppraiser {
                user: "thu".into(),
                role: Some(Role::Auditor),
            },
            WorkbenchError::AssignedToOther {
                key: Box::new(ItemKey::new(2024, "44", "3.1.1")),
                assignee: "binh".into(),
                area: Some("3".into()),
            },
        ] {
            let json = serde_json::to_string(&e).expect("encode");
            let back: WorkbenchError = serde_json::from_str(&json).expect("decode");
            assert_eq!(back, e, "{json}");
        }
    }
}
