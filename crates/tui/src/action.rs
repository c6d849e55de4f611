//! What a key can mean: the named [`Action`]s of the workbench, the [`Context`]s (screens and
//! input modes) they apply in, and their built-in descriptions in Vietnamese and English.
//!
//! Names are stable kebab-case: they are what keymap files and the palette use.

use l10n::Lang;

/// Where a key is pressed. Keymap files have one table per context, named by [`Context::name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// Applies in every context that does not bind the key itself.
    Global,
    /// W1: the units list.
    Overview,
    /// W2–W4: a unit's criteria tree with the detail pane.
    Workbench,
    /// W2: the guided pass through pending items.
    Walk,
    /// W3: self vs proposed subtotals per area, with bars.
    Areas,
    /// W6: an item's timeline.
    History,
    /// W9: disputes and audit queue.
    Queue,
    /// W10: national ranking.
    Ranking,
    /// W7: the search palette (text input).
    Palette,
    /// W4: the justification editor (multi-line text input).
    Editor,
    /// W4: typing a proposed score (text input).
    ScoreInput,
    /// A yes/no question (e.g. bulk agree).
    Confirm,
    /// The key help screen.
    Help,
}

impl Context {
    pub const ALL: [Context; 13] = [
        Context::Global,
        Context::Overview,
        Context::Workbench,
        Context::Walk,
        Context::Areas,
        Context::History,
        Context::Queue,
        Context::Ranking,
        Context::Palette,
        Context::Editor,
        Context::ScoreInput,
        Context::Confirm,
        Context::Help,
    ];

    /// The table name in keymap files.
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Overview => "overview",
            Context::Workbench => "workbench",
            Context::Walk => "walk",
            Context::Areas => "areas",
            Context::History => "history",
            Context::Queue => "queue",
            Context::Ranking => "ranking",
            Context::Palette => "palette",
            Context::Editor => "editor",
            Context::ScoreInput => "score-input",
            Context::Confirm => "confirm",
            Context::Help => "help",
        }
    }

    pub fn parse(name: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == name)
    }

    /// A heading for the help screen.
    pub fn title(self, lang: Lang) -> &'static str {
        let (vi, en) = match self {
            Context::Global => ("Mọi nơi", "Everywhere"),
            Context::Overview => ("Danh sách đơn vị", "Units overview"),
            Context::Workbench => ("Bàn thẩm định", "Unit workbench"),
            Context::Walk => ("Thẩm định lần lượt", "Walk mode"),
            Context::Areas => ("So sánh lĩnh vực", "Area comparison"),
            Context::History => ("Lịch sử", "History"),
            Context::Queue => ("Hàng đợi giải trình", "Disputes and audit queue"),
            Context::Ranking => ("Xếp hạng", "Ranking"),
            Context::Palette => ("Tìm kiếm nhanh", "Search palette"),
            Context::Editor => ("Soạn lý do", "Justification editor"),
            Context::ScoreInput => ("Nhập điểm", "Score input"),
            Context::Confirm => ("Xác nhận", "Confirmation"),
            Context::Help => ("Trợ giúp", "Help"),
        };
        lang.pick(vi, en)
    }

    /// Contexts where typing produces text: printable keys and editing keys (Backspace, arrows,
    /// …; see the keymap module) belong to the text, so neither global bindings nor the
    /// context's own bindings may use them.
    pub fn is_text_input(self) -> bool {
        matches!(
            self,
            Context::Palette | Context::Editor | Context::ScoreInput
        )
    }
}

/// Everything a key can ask for. The TUI turns an action into state changes or a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    // Everywhere.
    Quit,
    Help,
    OpenPalette,
    Back,
    Redraw,
    Overview,
    Queue,
    Ranking,
    // Moving in lists and text.
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    // The criteria tree.
    Expand,
    Collapse,
    SwitchPane,
    NextUnit,
    PrevUnit,
    // Diffs (W3).
    ToggleDiffs,
    NextDiff,
    PrevDiff,
    AreaBars,
    // Appraising (W2, W4).
    Walk,
    WalkSkip,
    WalkBack,
    History,
    /// "Explain this score": the item's whole story as a card.
    Explain,
    SetScore,
    Agree,
    EditJustification,
    RequestEvidence,
    BulkAgreeArea,
    RecordDispute,
    ResolveDispute,
    Escalate,
    CouncilDecide,
    Undo,
    FinalizeUnit,
    ReopenUnit,
    // Lists with sorting and filters (W1, W9, W10).
    SortNext,
    SortReverse,
    FilterRegion,
    FilterStatus,
    /// The queue: one area of the framework, or all.
    FilterArea,
    /// The queue: one appraiser's items (the last person who changed them), or everyone's.
    FilterAppraiser,
    ClearFilters,
    // Input and questions.
    Save,
    Cancel,
    Confirm,
    /// In the conflict dialog: take the other person's change and drop yours.
    KeepTheirs,
}

/// The static facts about one action.
struct Info {
    action: Action,
    name: &'static str,
    contexts: &'static [Context],
    vi: &'static str,
    en: &'static str,
}

use Context as C;

const EVERYWHERE: &[Context] = &[C::Global];
const LISTS: &[Context] = &[
    C::Overview,
    C::Workbench,
    C::Walk,
    C::Areas,
    C::History,
    C::Queue,
    C::Ranking,
    C::Palette,
    C::Help,
];
/// Lists whose Home/End are not needed for editing text.
const LISTS_NO_PALETTE: &[Context] = &[
    C::Overview,
    C::Workbench,
    C::Walk,
    C::Areas,
    C::History,
    C::Queue,
    C::Ranking,
    C::Help,
];
const SORTED: &[Context] = &[C::Overview, C::Queue, C::Ranking];

/// In the order of the `Action` enum (checked by a test).
const INFO: &[Info] = &[
    info(Action::Quit, "quit", EVERYWHERE, "Thoát", "Quit"),
    info(
        Action::Help,
        "help",
        EVERYWHERE,
        "Trợ giúp phím",
        "Key help",
    ),
    info(
        Action::OpenPalette,
        "open-palette",
        EVERYWHERE,
        "Tìm kiếm nhanh",
        "Quick search",
    ),
    info(Action::Back, "back", EVERYWHERE, "Quay lại", "Back"),
    info(
        Action::Redraw,
        "redraw",
        EVERYWHERE,
        "Vẽ lại màn hình",
        "Redraw the screen",
    ),
    info(
        Action::Overview,
        "overview",
        EVERYWHERE,
        "Danh sách đơn vị",
        "Units overview",
    ),
    info(
        Action::Queue,
        "queue",
        EVERYWHERE,
        "Hàng đợi giải trình",
        "Disputes and audit queue",
    ),
    info(
        Action::Ranking,
        "ranking",
        EVERYWHERE,
        "Xếp hạng",
        "Ranking",
    ),
    info(Action::MoveUp, "move-up", LISTS, "Lên", "Up"),
    info(Action::MoveDown, "move-down", LISTS, "Xuống", "Down"),
    info(Action::PageUp, "page-up", LISTS, "Lên một trang", "Page up"),
    info(
        Action::PageDown,
        "page-down",
        LISTS,
        "Xuống một trang",
        "Page down",
    ),
    info(
        Action::Top,
        "top",
        LISTS_NO_PALETTE,
        "Về đầu",
        "Go to the top",
    ),
    info(
        Action::Bottom,
        "bottom",
        LISTS_NO_PALETTE,
        "Về cuối",
        "Go to the bottom",
    ),
    info(
        Action::Open,
        "open",
        &[C::Overview, C::Areas, C::Queue, C::Ranking, C::Palette],
        "Mở / nhảy tới",
        "Open / jump to",
    ),
    info(
        Action::Expand,
        "expand",
        &[C::Workbench],
        "Mở nhánh",
        "Expand",
    ),
    info(
        Action::Collapse,
        "collapse",
        &[C::Workbench],
        "Thu gọn nhánh",
        "Collapse",
    ),
    info(
        Action::SwitchPane,
        "switch-pane",
        &[C::Workbench],
        "Chuyển giữa cây và chi tiết",
        "Switch between tree and detail",
    ),
    info(
        Action::NextUnit,
        "next-unit",
        &[C::Workbench],
        "Đơn vị tiếp theo",
        "Next unit",
    ),
    info(
        Action::PrevUnit,
        "prev-unit",
        &[C::Workbench],
        "Đơn vị trước",
        "Previous unit",
    ),
    info(
        Action::ToggleDiffs,
        "toggle-diffs",
        &[C::Workbench],
        "Chỉ hiện chênh lệch (bật/tắt)",
        "Show only differences (on/off)",
    ),
    info(
        Action::NextDiff,
        "next-diff",
        &[C::Workbench],
        "Chênh lệch tiếp theo",
        "Next difference",
    ),
    info(
        Action::PrevDiff,
        "prev-diff",
        &[C::Workbench],
        "Chênh lệch trước",
        "Previous difference",
    ),
    info(
        Action::AreaBars,
        "area-bars",
        &[C::Workbench, C::Areas, C::Ranking],
        "So sánh theo lĩnh vực",
        "Compare areas",
    ),
    info(
        Action::Walk,
        "walk",
        &[C::Workbench],
        "Thẩm định lần lượt",
        "Walk through pending items",
    ),
    info(
        Action::WalkSkip,
        "walk-skip",
        &[C::Walk],
        "Bỏ qua, sang mục sau",
        "Skip to the next item",
    ),
    info(
        Action::WalkBack,
        "walk-back",
        &[C::Walk],
        "Về mục trước",
        "Back to the previous item",
    ),
    info(
        Action::History,
        "history",
        &[C::Workbench, C::Walk, C::Queue],
        "Lịch sử thay đổi",
        "Change history",
    ),
    info(
        Action::Explain,
        "explain",
        &[C::Workbench, C::Walk, C::Queue],
        "Giải thích điểm: toàn bộ diễn biến của tiêu chí",
        "Explain this score: the item's whole story",
    ),
    info(
        Action::SetScore,
        "set-score",
        &[C::Workbench, C::Walk],
        "Nhập điểm thẩm định",
        "Set the proposed score",
    ),
    info(
        Action::Agree,
        "agree",
        &[C::Workbench, C::Walk],
        "Đồng ý với điểm tự chấm",
        "Agree with the self score",
    ),
    info(
        Action::EditJustification,
        "edit-justification",
        &[C::Workbench, C::Walk],
        "Soạn lý do điều chỉnh",
        "Edit the justification",
    ),
    info(
        Action::RequestEvidence,
        "request-evidence",
        &[C::Workbench, C::Walk],
        "Yêu cầu bổ sung tài liệu kiểm chứng",
        "Request evidence",
    ),
    info(
        Action::BulkAgreeArea,
        "bulk-agree-area",
        &[C::Workbench],
        "Đồng ý mọi mục đang chờ của lĩnh vực",
        "Agree with all pending items of this area",
    ),
    info(
        Action::RecordDispute,
        "record-dispute",
        &[C::Workbench, C::Queue],
        "Ghi nhận giải trình của đơn vị",
        "Record the unit's explanation",
    ),
    info(
        Action::ResolveDispute,
        "resolve-dispute",
        &[C::Workbench, C::Queue],
        "Trả lời giải trình",
        "Answer the explanation",
    ),
    info(
        Action::Escalate,
        "escalate",
        &[C::Workbench, C::Queue],
        "Trình Hội đồng thẩm định (trưởng nhóm)",
        "Refer to the appraisal council (lead)",
    ),
    info(
        Action::CouncilDecide,
        "council-decide",
        &[C::Workbench, C::Queue],
        "Ghi quyết định của Hội đồng thẩm định (trưởng nhóm)",
        "Record the council's decision (lead)",
    ),
    info(
        Action::Undo,
        "undo",
        &[C::Workbench, C::Walk],
        "Hoàn tác thay đổi gần nhất của tôi",
        "Undo my last change",
    ),
    info(
        Action::FinalizeUnit,
        "finalize-unit",
        &[C::Overview, C::Workbench],
        "Chốt kết quả đơn vị",
        "Finalize the unit",
    ),
    info(
        Action::ReopenUnit,
        "reopen-unit",
        &[C::Overview, C::Workbench],
        "Mở lại đơn vị đã chốt",
        "Reopen the unit",
    ),
    info(
        Action::SortNext,
        "sort-next",
        SORTED,
        "Sắp xếp theo cột khác",
        "Sort by the next column",
    ),
    info(
        Action::SortReverse,
        "sort-reverse",
        SORTED,
        "Đảo chiều sắp xếp",
        "Reverse the sort order",
    ),
    info(
        Action::FilterRegion,
        "filter-region",
        SORTED,
        "Lọc theo vùng",
        "Filter by region",
    ),
    info(
        Action::FilterStatus,
        "filter-status",
        &[C::Overview, C::Queue],
        "Lọc theo trạng thái",
        "Filter by status",
    ),
    info(
        Action::FilterArea,
        "filter-area",
        &[C::Queue],
        "Lọc theo lĩnh vực",
        "Filter by area",
    ),
    info(
        Action::FilterAppraiser,
        "filter-appraiser",
        &[C::Queue],
        "Lọc theo người thẩm định",
        "Filter by appraiser",
    ),
    info(
        Action::ClearFilters,
        "clear-filters",
        SORTED,
        "Bỏ mọi bộ lọc",
        "Clear filters",
    ),
    info(
        Action::Save,
        "save",
        &[C::Editor, C::ScoreInput],
        "Lưu",
        "Save",
    ),
    info(
        Action::Cancel,
        "cancel",
        &[C::Editor, C::ScoreInput, C::Confirm],
        "Hủy",
        "Cancel",
    ),
    info(
        Action::Confirm,
        "confirm",
        &[C::Confirm],
        "Đồng ý",
        "Confirm",
    ),
    info(
        Action::KeepTheirs,
        "keep-theirs",
        &[C::Confirm],
        "Nhận thay đổi của người kia, bỏ bản của mình",
        "Keep their change, drop mine",
    ),
];

const fn info(
    action: Action,
    name: &'static str,
    contexts: &'static [Context],
    vi: &'static str,
    en: &'static str,
) -> Info {
    Info {
        action,
        name,
        contexts,
        vi,
        en,
    }
}

impl Action {
    /// Every action, in declaration order.
    pub fn all() -> impl Iterator<Item = Action> {
        INFO.iter().map(|i| i.action)
    }

    fn info(self) -> &'static Info {
        // INFO is in enum order (tested), so the discriminant is the index.
        &INFO[self as usize]
    }

    /// The stable kebab-case name used in keymap files.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    pub fn parse(name: &str) -> Option<Action> {
        INFO.iter().find(|i| i.name == name).map(|i| i.action)
    }

    /// The built-in description; a keymap file's `desc` overrides it in the file's language.
    pub fn description(self, lang: Lang) -> &'static str {
        let i = self.info();
        lang.pick(i.vi, i.en)
    }

    /// The contexts this action is meant for. An action of [`Context::Global`] may be bound in
    /// any context.
    pub fn contexts(self) -> &'static [Context] {
        self.info().contexts
    }

    pub fn valid_in(self, ctx: Context) -> bool {
        let cs = self.contexts();
        cs.contains(&Context::Global) || cs.contains(&ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_enum_order_and_names_are_unique_kebab_case() {
        for (i, info) in INFO.iter().enumerate() {
            assert_eq!(info.action as usize, i, "{} out of order", info.name);
            assert!(
                info.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                info.name
            );
            assert_eq!(Action::parse(info.name), Some(info.action));
            assert!(!info.contexts.is_empty());
            assert!(!info.vi.is_empty() && !info.en.is_empty());
        }
        let mut names: Vec<&str> = INFO.iter().map(|i| i.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), INFO.len());
    }

    #[test]
    fn contexts_round_trip_by_name() {
        for c in Context::ALL {
            assert_eq!(Context::parse(c.name()), Some(c));
            assert!(!c.title(Lang::Vi).is_empty());
        }
        assert_eq!(Context::parse("score-input"), Some(Context::ScoreInput));
        assert_eq!(Context::parse("Workbench"), None);
    }

    #[test]
    fn validity_follows_the_screens() {
        assert!(Action::NextDiff.valid_in(Context::Workbench));
        assert!(!Action::NextDiff.valid_in(Context::Overview));
        assert!(
            Action::Quit.valid_in(Context::Editor),
            "global actions go anywhere"
        );
        assert!(Action::Save.valid_in(Context::Editor));
        assert!(!Action::Save.valid_in(Context::Global));
        assert!(!Action::Top.valid_in(Context::Palette));
        assert_eq!(
            Action::Agree.description(Lang::En),
            "Agree with the self score"
        );
        assert_eq!(
            Action::Agree.description(Lang::Vi),
            "Đồng ý với điểm tự chấm"
        );
    }
}
