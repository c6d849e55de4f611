//! Every string the TUI shows, in Vietnamese (the default) and English (SPEC W13).
//!
//! Fixed strings are `Msg` variants; `t` matches exhaustively and every arm gives both
//! languages as a pair, so a new message without a translation does not compile. Strings with
//! values are functions below, each matching on `Lang` exhaustively for the same reason.

use domain::Role;
use domain::points::{PointsError, ScoreError};
use l10n::Lang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Msg {
    AppName,
    DetailLargest,
    DetailSmallest,
    Year,
    // Overview
    ColCode,
    ColUnit,
    ColRegion,
    ColSelf,
    ColProposed,
    ColDelta,
    ColProgress,
    ColAdjusted,
    ColAdjustedShort,
    ColDisputes,
    ColDisputesShort,
    ColStatus,
    ColStatusShort,
    ColRank,
    UnitOpen,
    UnitNotStarted,
    UnitReviewed,
    UnitFinalized,
    SortBy,
    SortCode,
    SortName,
    SortSelf,
    SortProposed,
    SortDelta,
    SortProgress,
    SortRank,
    FilterRegion,
    FilterStatus,
    AllRegions,
    FilterAll,
    FilterMine,
    AssignTitle,
    ProgressByPerson,
    WholeUnit,
    ClearAssignment,
    AssignArea,
    AssignPerson,
    AssignedNow,
    AssignHint,
    FilterUnfinished,
    FilterDisputes,
    FilterFinalized,
    JumpTo,
    NoUnitMatches,
    NoUnits,
    TypeToJump,
    // Disputes and audit queue
    QueueTitle,
    KindDisputed,
    KindEscalated,
    KindOverdue,
    KindNeedsInfo,
    KindAdjusted,
    KindOpen,
    FilterKind,
    FilterArea,
    FilterAppraiser,
    Everyone,
    SortAbsDelta,
    SortAge,
    SortArea,
    SortUnit,
    ColSelfShort,
    ColProposedShort,
    ColAge,
    ColRound,
    ColDue,
    ColAppraiser,
    FlagLate,
    FlagOverdue,
    QueueEmpty,
    NoRound,
    LegendOverdue,
    // Workbench
    ColCriterion,
    ColMax,
    ColMark,
    TotalSelf,
    TotalProposed,
    Group,
    Rank,
    DiffsOnly,
    NoDifferences,
    NoMoreDifferences,
    AreaCompare,
    AreaCompareHint,
    // Detail
    Guidance,
    Evidence,
    NoEvidence,
    UnitNote,
    SelfScore,
    ProposedScore,
    Justification,
    EvidenceRequest,
    Dispute,
    DisputeClaimed,
    DisputeResponse,
    LastChange,
    NeverChanged,
    SurveyItem,
    NotSelfScored,
    AreaRowHint,
    // Editing
    EditScoreTitle,
    ScoreLabel,
    JustificationLabel,
    Saved,
    DraftSaved,
    DraftRestored,
    RequestTitle,
    RequestLabel,
    Undone,
    Redone,
    NothingSelected,
    SurveyNotEditable,
    ReadOnly,
    Reloaded,
    ConflictTitle,
    ConflictTheirScore,
    ConflictTheirJustification,
    Yes,
    No,
    NoPendingInArea,
    // History
    HistoryTitle,
    NoHistory,
    HistoryLoadFailed,
    ExplainTitle,
    ExplainLoadFailed,
    ReferenceFailed,
    EvSelfAssessed,
    EvSurveyScored,
    EvAgreed,
    EvAdjusted,
    EvRequested,
    EvDisputed,
    EvResolved,
    EvUndone,
    EvRedone,
    EvFinalized,
    EvReopened,
    EvChanged,
    // Walk mode
    WalkTitle,
    WalkDone,
    WalkNothing,
    WalkHelpQuit,
    // Palette
    PaletteTitle,
    PalettePrompt,
    KindUnit,
    KindCriterion,
    KindAction,
    NoMatches,
    // Help
    HelpTitle,
    HelpLegend,
    // Screen
    TooSmallTitle,
    KeymapWarning,
    ToggleBranch,
    NextField,
    /// The hint for ←/→ on a choice in a dialog.
    ChooseOption,
    Step,
    SameAsSelf,
    ReloadTheirs,
    ReapplyMine,
    Reconnected,
    AlsoHere,
    EditingNow,
    ReapplyMineShort,
    BackToEditing,
    KeepTheirs,
    ConflictYours,
    HasDraft,
    KeepAgreedTitle,
    KeepAgreedYes,
    KeepAgreedNo,
    DiffRemoved,
    DiffAdded,
    DiffSinceLast,
    KeptTheirs,
    RecordDisputeTitle,
    ResolveDisputeTitle,
    EscalateTitle,
    CouncilDecideTitle,
    EscalateReason,
    CouncilMinutes,
    CouncilDecisionText,
    CouncilScoreRequired,
    DisputeExplanation,
    DisputeClaimedOptional,
    DisputeReceived,
    DisputeDocument,
    RoundShort,
    DisputeReceivedShort,
    Late,
    Council,
    CouncilScore,
    BadDate,
    DisputeOutcome,
    DisputeNewScore,
    ChoiceHint,
    Reload,
    KeepEditing,
    BulkAgreeTitle,
    LeadOnly,
    ReopenTitle,
    ReopenLabel,
    FinalizeTitle,
    // Ranking (W10)
    RankingTitle,
    ColRankProposed,
    ColRankSelf,
    ColChange,
    ColIndex,
    SortRankSelf,
    SortChange,
    SortRegion,
    RankColumns,
    Averages,
    National,
    TieRule,
    NoDataYet,
    LastYearFailed,
    GroupCounts,
    CombinedNote,
    CombinedOf,
    WhatIfTitle,
    WhatIfLabel,
    WhatIfBanner,
    ColSimRank,
    ColSimChange,
    ColDifficult,
    ColSimIndex,
    WhatIfColumns,
}

l10n::catalogue! {
    /// The text of a fixed message.
    Msg => text {
        Msg::AppName => ("Thẩm định PAR INDEX", "PAR INDEX appraisal"),
        Msg::DetailLargest => (
            "Khung chi tiết đã lớn nhất (còn chỗ cho cây tiêu chí); [ để thu hẹp",
            "The detail pane is as large as it gets (the tree keeps its room); [ makes it smaller",
        ),
        Msg::DetailSmallest => (
            "Khung chi tiết đã nhỏ nhất; ] để nới rộng",
            "The detail pane is as small as it gets; ] makes it larger",
        ),
        Msg::Year => ("Năm", "Year"),
        Msg::ColCode => ("Mã", "Code"),
        Msg::ColUnit => ("Đơn vị", "Unit"),
        Msg::ColRegion => ("Vùng", "Region"),
        Msg::ColSelf => ("Tự chấm", "Self"),
        Msg::ColProposed => ("Đề xuất", "Proposed"),
        Msg::ColDelta => ("Δ", "Δ"),
        Msg::ColProgress => ("Tiến độ", "Progress"),
        Msg::ColAdjusted => ("Điều chỉnh", "Adjusted"),
        Msg::ColAdjustedShort => ("ĐC", "Adj"),
        Msg::ColDisputes => ("Giải trình", "Disputes"),
        Msg::ColDisputesShort => ("GT", "Dsp"),
        Msg::ColStatus => ("Trạng thái", "Status"),
        Msg::ColStatusShort => ("T.thái", "Status"),
        Msg::ColRank => ("Hạng", "Rank"),
        Msg::UnitOpen => ("đang làm", "open"),
        Msg::UnitNotStarted => ("chưa làm", "new"),
        Msg::UnitReviewed => ("chờ chốt", "reviewed"),
        Msg::UnitFinalized => ("đã chốt", "final"),
        Msg::SortBy => ("Sắp xếp", "Sort"),
        Msg::SortCode => ("mã", "code"),
        Msg::SortName => ("tên", "name"),
        Msg::SortSelf => ("tự chấm", "self"),
        Msg::SortProposed => ("đề xuất", "proposed"),
        Msg::SortDelta => ("chênh lệch", "difference"),
        Msg::SortProgress => ("tiến độ", "progress"),
        Msg::SortRank => ("hạng đề xuất", "proposed rank"),
        Msg::FilterRegion => ("Vùng", "Region"),
        Msg::FilterStatus => ("Lọc", "Filter"),
        Msg::AllRegions => ("tất cả", "all"),
        Msg::FilterAll => ("tất cả", "all"),
        Msg::FilterMine => ("Của tôi", "Mine"),
        Msg::AssignTitle => ("Phân công", "Assign"),
        Msg::ProgressByPerson => ("Tiến độ theo người", "Progress per appraiser"),
        Msg::WholeUnit => ("(cả đơn vị)", "(whole unit)"),
        Msg::ClearAssignment => ("(bỏ phân công)", "(no one: clear)"),
        Msg::AssignArea => ("Lĩnh vực", "Area"),
        Msg::AssignPerson => ("Người thẩm định", "Appraiser"),
        Msg::AssignedNow => ("Đang phân công cho", "Assigned now to"),
        Msg::AssignHint => (
            "  ←/→ chọn · Tab sang ô kia · Enter/F2 lưu · Esc thôi",
            "  ←/→ choose · Tab other field · Enter/F2 save · Esc cancel"
        ),
        Msg::FilterUnfinished => ("chưa xong", "unfinished"),
        Msg::FilterDisputes => ("có giải trình", "with disputes"),
        Msg::FilterFinalized => ("đã chốt", "finalized"),
        Msg::JumpTo => ("Đến", "Jump to"),
        Msg::NoUnitMatches => ("Không có đơn vị nào khớp", "No unit matches"),
        Msg::TypeToJump => ("Gõ tên đơn vị để nhảy tới", "Type a unit name to jump"),
        Msg::NoUnits => (
            "Không có đơn vị nào thỏa bộ lọc",
            "No unit passes the filter",
        ),
        Msg::QueueTitle => ("Hàng đợi giải trình", "Disputes and audit queue"),
        Msg::KindDisputed => ("giải trình", "disputed"),
        Msg::KindEscalated => ("trình HĐ", "at council"),
        Msg::KindOverdue => ("quá hạn", "overdue"),
        Msg::KindNeedsInfo => ("bổ sung", "needs info"),
        Msg::KindAdjusted => ("điều chỉnh", "adjusted"),
        Msg::KindOpen => ("cần xử lý", "open"),
        Msg::FilterKind => ("Loại", "Kind"),
        Msg::FilterArea => ("Lĩnh vực", "Area"),
        Msg::FilterAppraiser => ("Người TĐ", "Appraiser"),
        Msg::Everyone => ("mọi người", "everyone"),
        Msg::SortAbsDelta => ("|Δ| lớn nhất", "largest |Δ|"),
        Msg::SortAge => ("chờ lâu nhất", "oldest"),
        Msg::SortArea => ("lĩnh vực", "area"),
        Msg::SortUnit => ("đơn vị", "unit"),
        Msg::ColSelfShort => ("Tự", "Self"),
        Msg::ColProposedShort => ("ĐX", "Prop"),
        Msg::ColAge => ("Ngày", "Days"),
        Msg::ColRound => ("Đợt", "Rnd"),
        Msg::ColDue => ("Hạn", "Due"),
        Msg::ColAppraiser => ("Người TĐ", "By"),
        Msg::FlagLate => ("muộn", "late"),
        Msg::FlagOverdue => ("quá hạn", "overdue"),
        Msg::QueueEmpty => (
            "Không có mục nào cần xem với bộ lọc này",
            "Nothing to look at with these filters",
        ),
        Msg::NoRound => ("Chưa có đợt giải trình", "No explanation round yet"),
        Msg::LegendOverdue => (
            "Quá hạn giải trình: hết hạn mà đơn vị chưa giải trình",
            "Overdue: the round's closing date passed without an explanation",
        ),
        Msg::ColCriterion => ("Tiêu chí", "Criterion"),
        Msg::ColMax => ("Tối đa", "Max"),
        Msg::ColMark => ("TT", "St"),
        Msg::TotalSelf => ("Tự chấm", "Self"),
        Msg::TotalProposed => ("Tổng đề xuất", "Proposed total"),
        Msg::Group => ("Nhóm", "Group"),
        Msg::Rank => ("Hạng", "Rank"),
        Msg::DiffsOnly => ("chỉ chênh lệch", "differences only"),
        Msg::NoDifferences => (
            "Không có tiêu chí nào chênh lệch hay đang giải trình",
            "No item differs or is disputed",
        ),
        Msg::NoMoreDifferences => (
            "Không còn chênh lệch theo hướng này",
            "No more differences this way",
        ),
        Msg::AreaCompare => ("So sánh theo lĩnh vực", "Areas compared"),
        Msg::AreaCompareHint => ("điểm / tối đa", "points / max"),
        Msg::Guidance => ("Hướng dẫn chấm", "Scoring guidance"),
        Msg::Evidence => ("Tài liệu kiểm chứng", "Evidence"),
        Msg::NoEvidence => ("(không có)", "(none)"),
        Msg::UnitNote => ("Thuyết minh của đơn vị", "The unit's note"),
        Msg::SelfScore => ("Tự chấm", "Self score"),
        Msg::ProposedScore => ("Đề xuất", "Proposed"),
        Msg::Justification => ("Lý do điều chỉnh", "Justification"),
        Msg::EvidenceRequest => ("Yêu cầu bổ sung", "Evidence requested"),
        Msg::Dispute => ("Giải trình của đơn vị", "The unit's explanation"),
        Msg::DisputeClaimed => ("Điểm đơn vị đề nghị", "Score claimed"),
        Msg::DisputeResponse => ("Trả lời", "Response"),
        Msg::LastChange => ("Thay đổi gần nhất", "Last change"),
        Msg::NeverChanged => ("chưa có", "none yet"),
        Msg::SurveyItem => (
            "Chấm bằng điều tra xã hội học (không sửa tay)",
            "Scored by the survey (not edited by hand)",
        ),
        Msg::NotSelfScored => ("chưa tự chấm", "not self-scored"),
        Msg::AreaRowHint => (
            "Enter/Space mở hoặc thu gọn nhóm này",
            "Enter/Space expands or collapses this group",
        ),
        Msg::EditScoreTitle => ("Điều chỉnh điểm", "Adjust the score"),
        Msg::ScoreLabel => ("Điểm đề xuất", "Proposed score"),
        Msg::JustificationLabel => ("Lý do điều chỉnh", "Justification"),
        Msg::Saved => ("Đã lưu", "Saved"),
        Msg::DraftSaved => ("Đã lưu nháp", "Draft saved"),
        Msg::DraftRestored => ("Đã khôi phục bản nháp", "Draft restored"),
        Msg::RequestTitle => ("Yêu cầu bổ sung tài liệu", "Request evidence"),
        Msg::RequestLabel => ("Nội dung yêu cầu", "What is needed"),
        Msg::Undone => ("Hoàn tác", "Undone"),
        Msg::Redone => ("Làm lại", "Redone"),
        Msg::NothingSelected => (
            "Chọn một tiêu chí thành phần trước",
            "Select a sub-criterion first",
        ),
        Msg::SurveyNotEditable => (
            "Tiêu chí điều tra xã hội học: điểm được nhập từ kết quả điều tra",
            "Survey criterion: its points come from the survey import",
        ),
        Msg::ReadOnly => (
            "Bạn chỉ có quyền xem trong kho này",
            "You have read-only access to this store",
        ),
        Msg::Reloaded => ("Đã tải lại dữ liệu mới nhất", "Reloaded the latest data"),
        Msg::ConflictTitle => (
            "Người khác vừa sửa tiêu chí này",
            "Someone else just changed this item",
        ),
        Msg::ConflictTheirScore => ("Điểm họ đề xuất", "Their proposed score"),
        Msg::ConflictTheirJustification => ("Lý do của họ", "Their justification"),
        Msg::Yes => ("Đồng ý", "Yes"),
        Msg::No => ("Hủy", "Cancel"),
        Msg::NoPendingInArea => (
            "Lĩnh vực này không còn tiêu chí nào chờ thẩm định",
            "No pending item left in this area",
        ),
        Msg::HistoryTitle => ("Lịch sử", "History"),
        Msg::NoHistory => ("Chưa có thay đổi nào", "No change yet"),
        Msg::HistoryLoadFailed => ("Không đọc được lịch sử", "Could not read the history"),
        Msg::ExplainTitle => ("Giải thích điểm", "Explain this score"),
        Msg::ExplainLoadFailed => (
            "Không đọc được diễn biến của tiêu chí",
            "Could not read the item's story",
        ),
        Msg::ReferenceFailed => (
            "Không đọc được kết quả năm trước để tham khảo",
            "Could not read last year's results for reference",
        ),
        Msg::EvSelfAssessed => ("nhập điểm tự chấm", "self-assessment imported"),
        Msg::EvSurveyScored => ("nhập điểm điều tra", "survey score imported"),
        Msg::EvAgreed => ("đồng ý", "agreed"),
        Msg::EvAdjusted => ("điều chỉnh", "adjusted"),
        Msg::EvRequested => ("yêu cầu bổ sung", "requested evidence"),
        Msg::EvDisputed => ("ghi nhận giải trình", "recorded a dispute"),
        Msg::EvResolved => ("xử lý giải trình", "resolved the dispute"),
        Msg::EvUndone => ("hoàn tác", "undid"),
        Msg::EvRedone => ("làm lại", "redid"),
        Msg::EvFinalized => ("chốt kết quả đơn vị", "finalized the unit"),
        Msg::EvReopened => ("mở lại đơn vị", "reopened the unit"),
        Msg::EvChanged => ("thay đổi", "changed"),
        Msg::WalkTitle => ("Thẩm định lần lượt", "Walk mode"),
        Msg::WalkDone => (
            "Đã rà soát hết các tiêu chí chờ của đơn vị này",
            "Every pending item of this unit has been reviewed",
        ),
        Msg::WalkNothing => (
            "Đơn vị này không còn tiêu chí nào chờ thẩm định",
            "This unit has no pending item",
        ),
        Msg::WalkHelpQuit => ("Dừng rà soát", "Stop walking"),
        Msg::PaletteTitle => ("Tìm nhanh", "Search"),
        Msg::PalettePrompt => (
            "đơn vị, tiêu chí hoặc lệnh (không cần gõ dấu)",
            "units, criteria or commands",
        ),
        Msg::KindUnit => ("đơn vị", "unit"),
        Msg::KindCriterion => ("tiêu chí", "criterion"),
        Msg::KindAction => ("lệnh", "command"),
        Msg::NoMatches => ("Không tìm thấy", "Nothing found"),
        Msg::HelpTitle => ("Trợ giúp — phím tắt", "Help — keys"),
        Msg::HelpLegend => ("Ký hiệu trạng thái", "Status marks"),
        Msg::TooSmallTitle => ("Cửa sổ quá nhỏ", "Window too small"),
        Msg::KeymapWarning => ("Cảnh báo tệp phím", "Keymap warning"),
        Msg::NextField => ("Chuyển ô", "Next field"),
        Msg::ChooseOption => ("Chọn", "Choose"),
        Msg::ToggleBranch => ("Mở / thu gọn nhánh", "Expand / collapse the branch"),
        Msg::Step => ("Bước chấm", "Step"),
        Msg::ReloadTheirs => (
            "Tải lại bản của họ (nháp của bạn vẫn giữ)",
            "Reload theirs (your draft is kept)",
        ),
        Msg::KeepEditing => ("Đóng", "Close"),
        Msg::ReapplyMine => (
            "Áp dụng lại bản của tôi lên phiên bản mới",
            "Re-apply mine on top of theirs",
        ),
        Msg::KeepTheirs => ("Nhận bản của họ", "Keep theirs"),
        Msg::Reconnected => ("Đã kết nối lại với máy chủ", "Reconnected to the server"),
        Msg::AlsoHere => ("cũng đang xem", "also here"),
        Msg::EditingNow => ("đang sửa mục này", "is editing this item"),
        Msg::ReapplyMineShort => ("Áp dụng lại của tôi", "Re-apply mine"),
        Msg::BackToEditing => ("Quay lại sửa", "Back to editing"),
        Msg::ConflictYours => ("Bản của bạn (so với của họ:", "Yours (against theirs:"),
        Msg::KeepAgreedTitle => (
            "Lý do đã sửa — điểm có thay đổi không?",
            "The text changed — does the score change?",
        ),
        Msg::KeepAgreedYes => ("Giữ điểm, vẫn Đồng ý", "Keep the score, still agreed"),
        Msg::KeepAgreedNo => ("Sửa điểm đề xuất", "Change the proposed score"),
        Msg::HasDraft => (
            "Bạn có bản nháp chưa lưu (e hoặc F2 để soạn tiếp)",
            "You have an unsaved draft (e or F2 to go on)",
        ),
        Msg::DiffRemoved => ("bỏ", "removed"),
        Msg::DiffAdded => ("thêm", "added"),
        Msg::DiffSinceLast => ("so với lần trước", "since the last version"),
        Msg::KeptTheirs => (
            "Đã nhận thay đổi của người kia; bản của bạn đã bỏ",
            "Kept their change; yours was dropped",
        ),
        Msg::RecordDisputeTitle => (
            "Ghi nhận giải trình của đơn vị",
            "Record the unit's explanation",
        ),
        Msg::ResolveDisputeTitle => ("Trả lời giải trình", "Answer the explanation"),
        Msg::EscalateTitle => ("Trình Hội đồng thẩm định", "Refer to the appraisal council"),
        Msg::CouncilDecideTitle => (
            "Quyết định của Hội đồng thẩm định",
            "The council's decision",
        ),
        Msg::EscalateReason => ("Lý do trình Hội đồng", "Why refer it"),
        Msg::CouncilMinutes => ("Số biên bản họp", "Minutes reference"),
        Msg::CouncilDecisionText => ("Nội dung kết luận", "The decision"),
        Msg::CouncilScoreRequired => (
            "hãy nhập điểm Hội đồng quyết định",
            "enter the score the council decided",
        ),
        Msg::DisputeExplanation => ("Nội dung giải trình", "Explanation"),
        Msg::DisputeClaimedOptional => ("Điểm đơn vị đề nghị (nếu có)", "Score claimed (if any)"),
        Msg::DisputeReceived => ("Ngày nhận (dd/mm/yyyy)", "Received on (dd/mm/yyyy)"),
        Msg::DisputeDocument => ("Số văn bản giải trình", "Document reference"),
        Msg::RoundShort => ("Đợt", "Round"),
        Msg::DisputeReceivedShort => ("nhận", "received"),
        Msg::Late => ("nộp muộn", "late"),
        Msg::Council => ("Hội đồng thẩm định", "Appraisal council"),
        Msg::CouncilScore => ("Hội đồng quyết định", "Council's score"),
        Msg::BadDate => (
            "ngày không hợp lệ: hãy nhập dạng 15/03/2025",
            "not a date: write it like 15/03/2025",
        ),
        Msg::DisputeOutcome => ("Kết quả", "Outcome"),
        Msg::DisputeNewScore => ("Điểm mới (nếu có)", "New score (if any)"),
        Msg::ChoiceHint => ("←/→ đổi", "←/→ change"),
        Msg::Reload => ("Tải lại", "Reload"),
        Msg::BulkAgreeTitle => ("Đồng ý hàng loạt", "Bulk agree"),
        Msg::SameAsSelf => ("bằng điểm tự chấm", "same as the self score"),
        Msg::LeadOnly => (
            "Chỉ trưởng nhóm mới được chốt hoặc mở lại đơn vị",
            "Only a lead can finalize or reopen a unit",
        ),
        Msg::ReopenTitle => ("Mở lại đơn vị đã chốt", "Reopen a finalized unit"),
        Msg::ReopenLabel => ("Lý do mở lại", "Reason for reopening"),
        Msg::FinalizeTitle => ("Chốt kết quả", "Finalize"),
        Msg::RankingTitle => ("Xếp hạng", "Ranking"),
        Msg::ColRankProposed => ("H.ĐX", "#Prop"),
        Msg::ColRankSelf => ("H.TC", "#Self"),
        Msg::ColChange => ("±", "±"),
        Msg::ColIndex => ("Chỉ số", "Index"),
        Msg::SortRankSelf => ("hạng tự chấm", "self rank"),
        Msg::SortChange => ("thay đổi hạng", "rank change"),
        Msg::SortRegion => ("vùng", "region"),
        Msg::RankColumns => (
            "H.ĐX/H.TC: hạng theo đề xuất/tự chấm",
            "#Prop/#Self: rank by proposed/self",
        ),
        Msg::Averages => (
            "Trung bình tự chấm → đề xuất (%)",
            "Averages, self → proposed (%)",
        ),
        Msg::National => ("Cả nước", "National"),
        Msg::TieRule => (
            "Đồng hạng: chỉ số bằng nhau (đến 0,01%) cùng hạng, hạng sau bỏ qua số chỗ đã dùng \
             (1, 2, 2, 4); trong cùng hạng xếp theo mã.",
            "Ties: the same index (to 0.01%) shares a rank and the next rank skips the places \
             taken (1, 2, 2, 4); within a tie, by code.",
        ),
        Msg::NoDataYet => ("chưa có số liệu", "no data yet"),
        Msg::LastYearFailed => (
            "Không đọc được xếp hạng năm trước",
            "Could not read last year's ranking",
        ),
        Msg::GroupCounts => ("Số đơn vị theo nhóm", "Units per group"),
        Msg::CombinedNote => (
            "tham chiếu gộp = trung bình chỉ số các đơn vị tiền thân có số liệu",
            "combined reference = the mean index of the predecessors with data",
        ),
        Msg::CombinedOf => ("tham chiếu gộp của", "combined reference of"),
        Msg::WhatIfTitle => ("Mô phỏng", "What-if"),
        Msg::WhatIfLabel => (
            "Nhân chỉ số của đơn vị khó khăn với (ví dụ 1,05; không ghi vào kho)",
            "Multiply the index of units in difficult conditions by (e.g. 1.05; nothing is recorded)",
        ),
        Msg::WhatIfBanner => (
            "MÔ PHỎNG — không phải kết quả chính thức",
            "SIMULATION — not the official result",
        ),
        Msg::ColSimRank => ("H.MP", "#Sim"),
        Msg::ColSimChange => ("±MP", "±Sim"),
        Msg::ColDifficult => ("KK", "Dif"),
        Msg::ColSimIndex => ("CS MP", "Sim idx"),
        Msg::WhatIfColumns => (
            "H.MP: hạng mô phỏng · KK: đơn vị khó khăn",
            "#Sim: simulated rank · Dif: difficult",
        ),
    }
}

/// The text of a fixed message.
pub fn t(lang: Lang, m: Msg) -> &'static str {
    m.text(lang)
}

pub fn role(lang: Lang, r: Option<Role>) -> &'static str {
    match r {
        Some(r) => r.label(lang),
        None => lang.pick("không phải thành viên", "not a member"),
    }
}

/// Why typed text is not a number of points.
pub fn points_error(lang: Lang, e: &PointsError) -> String {
    match (e, lang) {
        (PointsError::Empty, Lang::Vi) => "nhập điểm, ví dụ 0,5".into(),
        (PointsError::Empty, Lang::En) => "type a score, e.g. 0.5".into(),
        (PointsError::NotANumber(s), Lang::Vi) => format!("\"{s}\" không phải là số"),
        (PointsError::NotANumber(s), Lang::En) => format!("\"{s}\" is not a number"),
        (PointsError::TooManyDecimals(s), Lang::Vi) => {
            format!("\"{s}\" có quá hai chữ số thập phân")
        }
        (PointsError::TooManyDecimals(s), Lang::En) => {
            format!("\"{s}\" has more than two decimals")
        }
        (PointsError::TooLarge(s), Lang::Vi) => format!("\"{s}\" quá lớn"),
        (PointsError::TooLarge(s), Lang::En) => format!("\"{s}\" is too large"),
        (PointsError::Form { text, expected }, Lang::Vi) => format!(
            "\"{text}\" viết sai dạng; hãy viết {}",
            PointsError::both_forms(expected, true)
        ),
        (PointsError::Form { text, expected }, Lang::En) => format!(
            "\"{text}\" is not written as a score; write {}",
            PointsError::both_forms(expected, false)
        ),
    }
}

/// Why a number is not an allowed score: the same words the engine uses when it refuses one.
pub fn score_error(lang: Lang, e: &ScoreError) -> String {
    api::ScoreProblem::from(*e).message(lang)
}

pub fn too_small(lang: Lang, w: u16, h: u16) -> String {
    match lang {
        Lang::Vi => format!("Cần cửa sổ ít nhất 80×24; hiện là {w}×{h}. Hãy phóng to cửa sổ."),
        Lang::En => format!("Needs at least 80×24; the window is {w}×{h}. Please enlarge it."),
    }
}

pub fn bulk_agree_question(lang: Lang, n: usize, area: &str, area_name: &str) -> String {
    match lang {
        Lang::Vi => format!("Đồng ý với {n} tiêu chí còn chờ của lĩnh vực {area} ({area_name})?"),
        Lang::En => {
            format!("Agree with the {n} remaining pending items of area {area} ({area_name})?")
        }
    }
}

pub fn finalize_question(lang: Lang, unit: &str, name: &str) -> String {
    match lang {
        Lang::Vi => format!(
            "Chốt kết quả thẩm định của {unit} {name}? Sau khi chốt, mọi tiêu chí bị khóa cho đến khi trưởng nhóm mở lại."
        ),
        Lang::En => format!(
            "Finalize the results of {unit} {name}? All its items are locked until a lead reopens it."
        ),
    }
}

/// The national totals under the overview, longest wording first: the bar shows the first
/// that fits its width.
pub fn national_summary(
    lang: Lang,
    reviewed: usize,
    leaves: usize,
    adjusted: usize,
    disputes: usize,
    finalized: usize,
    units: usize,
) -> [String; 3] {
    match lang {
        Lang::Vi => [
            format!(
                " Đã thẩm định {reviewed}/{leaves} · {adjusted} điều chỉnh · {disputes} đang giải trình · {finalized}/{units} đơn vị đã chốt"
            ),
            format!(
                " Đã thẩm định {reviewed}/{leaves} · {adjusted} điều chỉnh · {disputes} giải trình · đã chốt {finalized}/{units}"
            ),
            format!(
                " Thẩm định {reviewed}/{leaves} · Điều chỉnh {adjusted} · Giải trình {disputes} · Chốt {finalized}/{units}"
            ),
        ],
        Lang::En => [
            format!(
                " Reviewed {reviewed}/{leaves} items · {adjusted} adjusted · {disputes} disputed · {finalized}/{units} units finalized"
            ),
            format!(
                " Reviewed {reviewed}/{leaves} · {adjusted} adjusted · {disputes} disputed · {finalized}/{units} finalized"
            ),
            format!(
                " Reviewed {reviewed}/{leaves} · Adj. {adjusted} · Disp. {disputes} · Final {finalized}/{units}"
            ),
        ],
    }
}

pub fn bulk_agreed(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Vi => format!("Đã đồng ý {n} tiêu chí"),
        Lang::En => format!("Agreed with {n} items"),
    }
}

pub fn walk_progress(lang: Lang, remaining: usize, total: usize) -> String {
    match lang {
        Lang::Vi => format!("Còn {remaining}/{total} tiêu chí"),
        Lang::En => format!("{remaining}/{total} items left"),
    }
}

pub fn walk_position(lang: Lang, pos: usize, total: usize) -> String {
    match lang {
        Lang::Vi => format!("Mục {pos}/{total}"),
        Lang::En => format!("Item {pos}/{total}"),
    }
}

pub fn walk_done(lang: Lang, done: usize, total: usize) -> String {
    match lang {
        Lang::Vi => format!("đã xong {done}/{total}"),
        Lang::En => format!("{done}/{total} done"),
    }
}

pub fn units_count(lang: Lang, shown: usize, total: usize) -> String {
    match (lang, shown == total) {
        (Lang::Vi, true) => format!("{total} đơn vị"),
        (Lang::Vi, false) => format!("{shown}/{total} đơn vị"),
        (Lang::En, true) => format!("{total} units"),
        (Lang::En, false) => format!("{shown}/{total} units"),
    }
}

/// "120/391 mục" in the queue's title.
pub fn queue_count(lang: Lang, shown: usize, total: usize) -> String {
    match (lang, shown == total) {
        (Lang::Vi, true) => format!("{total} mục"),
        (Lang::Vi, false) => format!("{shown}/{total} mục"),
        (Lang::En, true) => format!("{total} items"),
        (Lang::En, false) => format!("{shown}/{total} items"),
    }
}

/// The queue's round line: "Đợt 2: 10/11–01/12/2026, còn 9 ngày". `dates` is the period as
/// written; `days_left` is negative once the closing date has passed.
pub fn round_line(lang: Lang, number: u32, dates: &str, days_left: i64, closed: bool) -> String {
    let state = match (lang, closed, days_left) {
        (Lang::Vi, true, _) => "đã đóng".to_string(),
        (Lang::En, true, _) => "closed".to_string(),
        (Lang::Vi, false, 0) => "hạn chót hôm nay".to_string(),
        (Lang::En, false, 0) => "closes today".to_string(),
        (Lang::Vi, false, d) if d > 0 => format!("còn {d} ngày"),
        (Lang::En, false, 1) => "1 day left".to_string(),
        (Lang::En, false, d) if d > 0 => format!("{d} days left"),
        (Lang::Vi, false, d) => format!("đã hết hạn {} ngày", -d),
        (Lang::En, false, -1) => "closing date passed 1 day ago".to_string(),
        (Lang::En, false, d) => format!("closing date passed {} days ago", -d),
    };
    match lang {
        Lang::Vi => format!("Đợt {number}: {dates}, {state}"),
        Lang::En => format!("Round {number}: {dates}, {state}"),
    }
}

pub fn differences_count(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Vi => format!("{n} chênh lệch"),
        Lang::En => format!("{n} differences"),
    }
}

pub fn changed_by(lang: Lang, who: &str, when: &str) -> String {
    match lang {
        Lang::Vi => format!("{who}, lúc {when}"),
        Lang::En => format!("{who}, at {when}"),
    }
}

/// Conflict message: the other person's value and who they are.
pub fn conflict(lang: Lang, who: &str, item: &str, when: &str) -> String {
    match lang {
        Lang::Vi => format!("{who} đã thay đổi tiêu chí {item} lúc {when}, trước khi bạn lưu."),
        Lang::En => format!("{who} changed item {item} at {when}, before you saved."),
    }
}

pub fn item_changed_by_other(lang: Lang, who: &str, item: &str) -> String {
    match lang {
        Lang::Vi => format!("{who} vừa cập nhật {item}"),
        Lang::En => format!("{who} just updated {item}"),
    }
}

pub fn draft_saved_at(lang: Lang, at: &str) -> String {
    match lang {
        Lang::Vi => format!("Nháp đã lưu lúc {at}"),
        Lang::En => format!("Draft saved at {at}"),
    }
}

pub fn keymap_problems(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Vi => format!("Tệp phím có {n} lỗi; đang dùng phím mặc định cho các mục đó (F1 xem)"),
        Lang::En => {
            format!("The keymap file has {n} problems; defaults are used for them (F1 shows)")
        }
    }
}

/// Keys that arrived at once (a paste, or text typed into no field) and were not run.
pub fn ignored_keys(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Vi => format!("Đã bỏ qua {n} phím gõ liền (dán?) — không có ô nhập nào đang mở"),
        Lang::En => {
            format!("Ignored {n} keys that came at once (a paste?) — no text field is open")
        }
    }
}

/// Asked when an agreed item's text changed and its score did not.
pub fn keep_agreed_question(lang: Lang, leaf: &str, score: &str) -> String {
    match lang {
        Lang::Vi => format!(
            "Tiêu chí {leaf} đang «Đồng ý» với điểm tự chấm {score}. Bạn đã sửa lý do nhưng chưa sửa điểm. Nếu lý do mới có trừ hay cộng điểm, hãy chọn sửa điểm đề xuất."
        ),
        Lang::En => format!(
            "Item {leaf} is agreed at its self-assessed {score}. You changed the text but not the score. If the new text adds or deducts points, choose to change the proposed score."
        ),
    }
}

/// The overview's jump hint when a key starts the jump: "/ rồi gõ tên đơn vị".
pub fn jump_with_key(lang: Lang, key: &str) -> String {
    match lang {
        Lang::Vi => format!("{key} rồi gõ tên đơn vị để nhảy tới"),
        Lang::En => format!("{key}, then a unit name to jump"),
    }
}

/// The marker under a pane whose text goes on below: "↓ còn 5 dòng".
pub fn more_below(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Vi => format!("↓ còn {n} dòng"),
        Lang::En if n == 1 => "↓ 1 more line".to_string(),
        Lang::En => format!("↓ {n} more lines"),
    }
}

/// After the marker of a pane without the focus: the key that moves there ("Tab để cuộn").
pub fn scroll_how(lang: Lang, key: &str) -> String {
    match lang {
        Lang::Vi => format!("{key} để cuộn"),
        Lang::En => format!("{key} to scroll"),
    }
}

/// "+2 người" in the title bar: how many other people are connected.
pub fn others_online(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Vi => format!("+{n} người"),
        Lang::En => format!("+{n} online"),
    }
}

/// The help's title: what is typed filters it ("Trợ giúp — phím tắt · lọc: trả lời▏").
pub fn help_title(lang: Lang, filter: &str) -> String {
    let base = t(lang, Msg::HelpTitle);
    match (lang, filter.is_empty()) {
        (Lang::Vi, true) => format!("{base} · gõ để lọc"),
        (Lang::En, true) => format!("{base} · type to filter"),
        (Lang::Vi, false) => format!("{base} · lọc: {filter}▏"),
        (Lang::En, false) => format!("{base} · filter: {filter}▏"),
    }
}

/// The help when nothing matches what was typed.
pub fn help_no_match(lang: Lang, filter: &str) -> String {
    match lang {
        Lang::Vi => format!("Không có phím nào khớp “{filter}” — Backspace để xóa bớt"),
        Lang::En => format!("No key matches “{filter}” — Backspace to erase"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Status;

    #[test]
    fn both_languages_differ_where_words_differ() {
        assert_eq!(t(Lang::Vi, Msg::Saved), "Đã lưu");
        assert_eq!(t(Lang::En, Msg::Saved), "Saved");
        assert_eq!(Status::NeedsInfo.label(Lang::Vi), "Cần bổ sung");
        assert_eq!(Status::Disputed.label(Lang::Vi), "Đang giải trình");
        assert_eq!(
            bulk_agree_question(Lang::Vi, 7, "3", "Cải cách thủ tục hành chính"),
            "Đồng ý với 7 tiêu chí còn chờ của lĩnh vực 3 (Cải cách thủ tục hành chính)?"
        );
        assert_eq!(walk_progress(Lang::Vi, 23, 61), "Còn 23/61 tiêu chí");
        assert_eq!(
            round_line(Lang::Vi, 2, "10/11–01/12/2026", 9, false),
            "Đợt 2: 10/11–01/12/2026, còn 9 ngày"
        );
        assert_eq!(
            round_line(Lang::En, 2, "10/11–01/12/2026", -3, false),
            "Round 2: 10/11–01/12/2026, closing date passed 3 days ago"
        );
        assert_eq!(
            round_line(Lang::Vi, 1, "01/09–29/09/2026", -40, true),
            "Đợt 1: 01/09–29/09/2026, đã đóng"
        );
        assert_eq!(
            round_line(Lang::En, 2, "x", 0, false),
            "Round 2: x, closes today"
        );
    }

    #[test]
    fn vietnamese_text_is_nfc() {
        use unicode_normalization::UnicodeNormalization;
        for m in [
            Msg::Justification,
            Msg::AreaCompare,
            Msg::TypeToJump,
            Msg::WalkDone,
        ] {
            let s = t(Lang::Vi, m);
            assert_eq!(s.nfc().collect::<String>(), s);
        }
    }
}
