//! What a key can mean: the [`Context`]s (screens and input modes) keys are pressed in, and the
//! named [`Action`]s of the workbench, each declared once in the table below with its name, its
//! contexts, whether the palette offers it, its description and its hint-bar label in Vietnamese
//! and English (a missing language does not compile).
//!
//! Names are stable kebab-case: they are what keymap files and the palette use. Adding an action:
//! one entry in the table, its keys in `keymaps/default.toml` (or `palette: Only`), and what it
//! does in `App::dispatch`.

use domain::CommandKind;
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
    /// The key help screen (what is typed filters it).
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
            Context::Palette | Context::Editor | Context::ScoreInput | Context::Help
        )
    }
}

/// Whether the palette offers an action by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InPalette {
    /// Not offered: movement and dialog keys, which mean nothing out of their place.
    No,
    /// Offered, besides its keys.
    Yes,
    /// Offered, and `keymaps/default.toml` binds no key to it.
    Only,
}

/// Declares [`Action`] from one table: the enum, [`Action::all`], the name ↔ action pair, the
/// contexts, the palette's offer, and the two catalogues (`description`, `hint_label`), each a
/// `(Vietnamese, English)` pair written with `l10n::catalogue!`.
macro_rules! actions {
    ($(
        $(#[doc = $doc:literal])*
        $variant:ident {
            name: $name:literal,
            contexts: $contexts:expr,
            palette: $palette:ident,
            desc: ($desc_vi:literal, $desc_en:literal $(,)?),
            hint: ($hint_vi:literal, $hint_en:literal $(,)?) $(,)?
        }
    )+) => {
        /// Everything a key can ask for. The TUI turns an action into state changes or a command.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $($(#[doc = $doc])* $variant,)+
        }

        impl Action {
            const ALL: &'static [Action] = &[$(Action::$variant),+];

            /// The stable kebab-case name used in keymap files.
            pub fn name(self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)+
                }
            }

            /// The contexts this action is meant for. An action of [`Context::Global`] may be
            /// bound in any context.
            pub fn contexts(self) -> &'static [Context] {
                match self {
                    $(Action::$variant => $contexts,)+
                }
            }

            /// Whether the palette offers it by name.
            pub fn palette(self) -> InPalette {
                match self {
                    $(Action::$variant => InPalette::$palette,)+
                }
            }
        }

        l10n::catalogue! {
            /// The built-in description; a keymap file's `desc` overrides it in the file's
            /// language.
            Action => description {
                $(Action::$variant => ($desc_vi, $desc_en),)+
            }
        }

        l10n::catalogue! {
            /// A short label for the hint bar (the help screen shows the keymap's full
            /// descriptions).
            Action => hint_label {
                $(Action::$variant => ($hint_vi, $hint_en),)+
            }
        }
    };
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
/// Lists whose Home/End are not needed for editing text (the palette and the help filter take
/// what is typed).
const LISTS_NO_PALETTE: &[Context] = &[
    C::Overview,
    C::Workbench,
    C::Walk,
    C::Areas,
    C::History,
    C::Queue,
    C::Ranking,
];
const SORTED: &[Context] = &[C::Overview, C::Queue, C::Ranking];

actions! {
    // Everywhere.
    Quit {
        name: "quit",
        contexts: EVERYWHERE,
        palette: Yes,
        desc: ("Thoát", "Quit"),
        hint: ("Thoát", "Quit"),
    }
    Help {
        name: "help",
        contexts: EVERYWHERE,
        palette: Yes,
        desc: ("Trợ giúp phím", "Key help"),
        hint: ("Thêm", "More"),
    }
    OpenPalette {
        name: "open-palette",
        contexts: EVERYWHERE,
        palette: No,
        desc: ("Tìm kiếm nhanh", "Quick search"),
        hint: ("Tìm", "Search"),
    }
    Back {
        name: "back",
        contexts: EVERYWHERE,
        palette: No,
        desc: ("Quay lại", "Back"),
        hint: ("Quay lại", "Back"),
    }
    Redraw {
        name: "redraw",
        contexts: EVERYWHERE,
        palette: No,
        desc: ("Vẽ lại màn hình", "Redraw the screen"),
        hint: ("Vẽ lại", "Redraw"),
    }
    Overview {
        name: "overview",
        contexts: EVERYWHERE,
        palette: Yes,
        desc: ("Danh sách đơn vị", "Units overview"),
        hint: ("Đơn vị", "Units"),
    }
    Queue {
        name: "queue",
        contexts: EVERYWHERE,
        palette: Yes,
        desc: ("Hàng đợi giải trình", "Disputes and audit queue"),
        hint: ("Giải trình", "Disputes"),
    }
    Ranking {
        name: "ranking",
        contexts: EVERYWHERE,
        palette: Yes,
        desc: ("Xếp hạng", "Ranking"),
        hint: ("Xếp hạng", "Ranking"),
    }
    /// Issue 16: the SIPAS card (ranking by the survey index, factor bars of a unit).
    Sipas {
        name: "sipas",
        contexts: EVERYWHERE,
        palette: Yes,
        desc: (
            "Chỉ số hài lòng SIPAS: xếp hạng theo chỉ số, các yếu tố, n và khoảng tin cậy",
            "SIPAS satisfaction index: ranking, factors, n and the interval",
        ),
        hint: ("SIPAS", "SIPAS"),
    }
    // Moving in lists and text.
    MoveUp {
        name: "move-up",
        contexts: LISTS,
        palette: No,
        desc: ("Lên", "Up"),
        hint: ("Lên", "Up"),
    }
    MoveDown {
        name: "move-down",
        contexts: LISTS,
        palette: No,
        desc: ("Xuống", "Down"),
        hint: ("Xuống", "Down"),
    }
    PageUp {
        name: "page-up",
        contexts: LISTS,
        palette: No,
        desc: ("Lên một trang", "Page up"),
        hint: ("Trang trước", "Page up"),
    }
    PageDown {
        name: "page-down",
        contexts: LISTS,
        palette: No,
        desc: ("Xuống một trang", "Page down"),
        hint: ("Trang sau", "Page down"),
    }
    Top {
        name: "top",
        contexts: LISTS_NO_PALETTE,
        palette: No,
        desc: ("Về đầu", "Go to the top"),
        hint: ("Đầu", "Top"),
    }
    Bottom {
        name: "bottom",
        contexts: LISTS_NO_PALETTE,
        palette: No,
        desc: ("Về cuối", "Go to the bottom"),
        hint: ("Cuối", "Bottom"),
    }
    Open {
        name: "open",
        contexts: &[C::Overview, C::Areas, C::Queue, C::Ranking, C::Palette],
        palette: No,
        desc: ("Mở / nhảy tới", "Open / jump to"),
        hint: ("Mở", "Open"),
    }
    // The criteria tree.
    Expand {
        name: "expand",
        contexts: &[C::Workbench],
        palette: No,
        desc: ("Mở nhánh", "Expand"),
        hint: ("Mở nhánh", "Expand"),
    }
    Collapse {
        name: "collapse",
        contexts: &[C::Workbench],
        palette: No,
        desc: ("Thu gọn nhánh", "Collapse"),
        hint: ("Thu gọn", "Collapse"),
    }
    SwitchPane {
        name: "switch-pane",
        contexts: &[C::Workbench],
        palette: No,
        desc: ("Chuyển giữa cây và chi tiết", "Switch between tree and detail"),
        hint: ("Chi tiết", "Detail"),
    }
    DetailGrow {
        name: "detail-grow",
        contexts: &[C::Workbench],
        palette: Yes,
        desc: (
            "Nới rộng khung chi tiết (nhớ trong phiên làm việc)",
            "Make the detail pane larger (kept for the session)",
        ),
        hint: ("Chi tiết +", "Detail +"),
    }
    DetailShrink {
        name: "detail-shrink",
        contexts: &[C::Workbench],
        palette: Yes,
        desc: (
            "Thu hẹp khung chi tiết (nhớ trong phiên làm việc)",
            "Make the detail pane smaller (kept for the session)",
        ),
        hint: ("Chi tiết −", "Detail −"),
    }
    NextUnit {
        name: "next-unit",
        contexts: &[C::Workbench],
        palette: Yes,
        desc: ("Đơn vị tiếp theo", "Next unit"),
        hint: ("ĐV sau", "Next unit"),
    }
    PrevUnit {
        name: "prev-unit",
        contexts: &[C::Workbench],
        palette: Yes,
        desc: ("Đơn vị trước", "Previous unit"),
        hint: ("ĐV trước", "Prev unit"),
    }
    // Diffs (W3).
    ToggleDiffs {
        name: "toggle-diffs",
        contexts: &[C::Workbench],
        palette: Yes,
        desc: ("Chỉ hiện chênh lệch (bật/tắt)", "Show only differences (on/off)"),
        hint: ("Chênh lệch", "Diffs"),
    }
    NextDiff {
        name: "next-diff",
        contexts: &[C::Workbench],
        palette: Yes,
        desc: ("Chênh lệch tiếp theo", "Next difference"),
        hint: ("CL sau", "Next diff"),
    }
    PrevDiff {
        name: "prev-diff",
        contexts: &[C::Workbench],
        palette: Yes,
        desc: ("Chênh lệch trước", "Previous difference"),
        hint: ("CL trước", "Prev diff"),
    }
    AreaBars {
        name: "area-bars",
        contexts: &[C::Workbench, C::Areas, C::Ranking],
        palette: Yes,
        desc: ("So sánh theo lĩnh vực", "Compare areas"),
        hint: ("Lĩnh vực", "Areas"),
    }
    // The ranking's what-if (issue 15.7): a simulation, never recorded.
    WhatIf {
        name: "what-if",
        contexts: &[C::Ranking],
        // Only the ranking has it: the palette, which lists actions of every screen, does not.
        palette: No,
        desc: (
            "Mô phỏng trọng số cho đơn vị khó khăn (bật/tắt; không phải kết quả chính thức)",
            "Simulate a weight for units in difficult conditions (on/off; not the official result)",
        ),
        hint: ("Mô phỏng", "What-if"),
    }
    // Appraising (W2, W4).
    Walk {
        name: "walk",
        contexts: &[C::Workbench],
        palette: Yes,
        desc: ("Thẩm định lần lượt", "Walk through pending items"),
        hint: ("Lần lượt", "Walk"),
    }
    WalkSkip {
        name: "walk-skip",
        contexts: &[C::Walk],
        palette: No,
        desc: ("Bỏ qua, sang mục sau", "Skip to the next item"),
        hint: ("Bỏ qua", "Skip"),
    }
    WalkBack {
        name: "walk-back",
        contexts: &[C::Walk],
        palette: No,
        desc: ("Về mục trước", "Back to the previous item"),
        hint: ("Mục trước", "Back"),
    }
    History {
        name: "history",
        contexts: &[C::Workbench, C::Walk, C::Queue],
        palette: Yes,
        desc: ("Lịch sử thay đổi", "Change history"),
        hint: ("Lịch sử", "History"),
    }
    /// "Explain this score": the item's whole story as a card.
    Explain {
        name: "explain",
        contexts: &[C::Workbench, C::Walk, C::Queue],
        palette: Yes,
        desc: (
            "Giải thích điểm: toàn bộ diễn biến của tiêu chí",
            "Explain this score: the item's whole story",
        ),
        hint: ("Giải thích", "Explain"),
    }
    SetScore {
        name: "set-score",
        contexts: &[C::Workbench, C::Walk],
        palette: Yes,
        desc: ("Nhập điểm thẩm định", "Set the proposed score"),
        hint: ("Chấm", "Score"),
    }
    Agree {
        name: "agree",
        contexts: &[C::Workbench, C::Walk],
        palette: Yes,
        desc: ("Đồng ý với điểm tự chấm", "Agree with the self score"),
        hint: ("Đồng ý", "Agree"),
    }
    EditJustification {
        name: "edit-justification",
        contexts: &[C::Workbench, C::Walk],
        palette: Yes,
        desc: ("Soạn lý do điều chỉnh", "Edit the justification"),
        hint: ("Lý do", "Reason"),
    }
    RequestEvidence {
        name: "request-evidence",
        contexts: &[C::Workbench, C::Walk],
        palette: Yes,
        desc: ("Yêu cầu bổ sung tài liệu kiểm chứng", "Request evidence"),
        hint: ("Bổ sung", "Request"),
    }
    BulkAgreeArea {
        name: "bulk-agree-area",
        contexts: &[C::Workbench],
        palette: Yes,
        desc: ("Đồng ý mọi mục đang chờ của lĩnh vực", "Agree with all pending items of this area"),
        hint: ("Đồng ý cả LV", "Agree area"),
    }
    RecordDispute {
        name: "record-dispute",
        contexts: &[C::Workbench, C::Queue],
        palette: Yes,
        desc: ("Ghi nhận giải trình của đơn vị", "Record the unit's explanation"),
        hint: ("Ghi giải trình", "Dispute"),
    }
    ResolveDispute {
        name: "resolve-dispute",
        contexts: &[C::Workbench, C::Queue],
        palette: Yes,
        desc: ("Trả lời giải trình", "Answer the explanation"),
        hint: ("Trả lời", "Answer"),
    }
    Escalate {
        name: "escalate",
        contexts: &[C::Workbench, C::Queue],
        palette: Yes,
        desc: ("Trình Hội đồng thẩm định (trưởng nhóm)", "Refer to the appraisal council (lead)"),
        hint: ("Trình HĐ", "Refer"),
    }
    CouncilDecide {
        name: "council-decide",
        contexts: &[C::Workbench, C::Queue],
        palette: Yes,
        desc: (
            "Ghi quyết định của Hội đồng thẩm định (trưởng nhóm)",
            "Record the council's decision (lead)",
        ),
        hint: ("QĐ Hội đồng", "Council"),
    }
    Undo {
        name: "undo",
        contexts: &[C::Workbench, C::Walk],
        palette: Yes,
        desc: (
            "Hoàn tác thay đổi gần nhất của tôi trong đơn vị này",
            "Undo my last change in this unit",
        ),
        hint: ("Hoàn tác", "Undo"),
    }
    Redo {
        name: "redo",
        contexts: &[C::Workbench, C::Walk],
        palette: Yes,
        desc: (
            "Làm lại thay đổi vừa hoàn tác trong đơn vị này",
            "Redo the change just undone in this unit",
        ),
        hint: ("Làm lại", "Redo"),
    }
    FinalizeUnit {
        name: "finalize-unit",
        contexts: &[C::Overview, C::Workbench],
        palette: Yes,
        desc: ("Chốt kết quả đơn vị", "Finalize the unit"),
        hint: ("Chốt", "Finalize"),
    }
    ReopenUnit {
        name: "reopen-unit",
        contexts: &[C::Overview, C::Workbench],
        palette: Yes,
        desc: ("Mở lại đơn vị đã chốt", "Reopen the unit"),
        hint: ("Mở lại", "Reopen"),
    }
    // The list of provinces: jump by name after a key, for keymaps whose letters are commands
    // (the vim preset's j, k, l, g, G would otherwise eat "lao cai").
    JumpToUnit {
        name: "jump-to-unit",
        contexts: &[C::Overview],
        palette: No,
        desc: (
            "Nhảy tới đơn vị: gõ tên sau phím này (Enter mở, Esc thôi)",
            "Jump to a unit: type its name after this key (Enter opens, Esc stops)",
        ),
        hint: ("Tìm ĐV", "Find unit"),
    }
    // Lists with sorting and filters (W1, W9, W10).
    SortNext {
        name: "sort-next",
        contexts: SORTED,
        palette: Yes,
        desc: ("Sắp xếp theo cột khác", "Sort by the next column"),
        hint: ("Sắp xếp", "Sort"),
    }
    SortReverse {
        name: "sort-reverse",
        contexts: SORTED,
        palette: Yes,
        desc: ("Đảo chiều sắp xếp", "Reverse the sort order"),
        hint: ("Đảo chiều", "Reverse"),
    }
    FilterRegion {
        name: "filter-region",
        contexts: SORTED,
        palette: Yes,
        desc: ("Lọc theo vùng", "Filter by region"),
        hint: ("Vùng", "Region"),
    }
    FilterStatus {
        name: "filter-status",
        contexts: &[C::Overview, C::Queue],
        palette: Yes,
        desc: ("Lọc theo trạng thái", "Filter by status"),
        hint: ("Lọc", "Filter"),
    }
    /// The queue: one area of the framework, or all.
    FilterArea {
        name: "filter-area",
        contexts: &[C::Queue],
        palette: Yes,
        desc: ("Lọc theo lĩnh vực", "Filter by area"),
        hint: ("Lĩnh vực", "Area"),
    }
    /// The queue: one appraiser's items (the last person who changed them), or everyone's.
    FilterAppraiser {
        name: "filter-appraiser",
        contexts: &[C::Queue],
        palette: Yes,
        desc: ("Lọc theo người thẩm định", "Filter by appraiser"),
        hint: ("Người TĐ", "Appraiser"),
    }
    ClearFilters {
        name: "clear-filters",
        contexts: SORTED,
        palette: Yes,
        desc: ("Bỏ mọi bộ lọc", "Clear filters"),
        hint: ("Bỏ lọc", "Clear"),
    }
    // Input and questions.
    Save {
        name: "save",
        contexts: &[C::Editor, C::ScoreInput],
        palette: No,
        desc: ("Lưu", "Save"),
        hint: ("Lưu", "Save"),
    }
    Cancel {
        name: "cancel",
        contexts: &[C::Editor, C::ScoreInput, C::Confirm],
        palette: No,
        desc: ("Hủy", "Cancel"),
        hint: ("Hủy", "Cancel"),
    }
    Confirm {
        name: "confirm",
        contexts: &[C::Confirm],
        palette: No,
        desc: ("Đồng ý", "Confirm"),
        hint: ("Đồng ý", "Confirm"),
    }
    /// In the conflict dialog: take the other person's change and drop yours.
    KeepTheirs {
        name: "keep-theirs",
        contexts: &[C::Confirm],
        palette: No,
        desc: ("Nhận thay đổi của người kia, bỏ bản của mình", "Keep their change, drop mine"),
        hint: ("Nhận bản của họ", "Keep theirs"),
    }
    /// The overview and the queue: only the units (items) assigned to this user, or all.
    FilterMine {
        name: "filter-mine",
        contexts: &[C::Overview, C::Queue],
        palette: Yes,
        desc: (
            "Của tôi: chỉ hiện phần được phân công cho tôi",
            "Mine: only what is assigned to me"
        ),
        hint: ("Của tôi", "Mine"),
    }
    /// A lead assigns the selected province, or an area of it, to an appraiser.
    AssignUnit {
        name: "assign-unit",
        contexts: &[C::Overview],
        palette: Yes,
        desc: (
            "Phân công đơn vị (hoặc một lĩnh vực) cho người thẩm định",
            "Assign the unit (or an area) to an appraiser"
        ),
        hint: ("Phân công", "Assign"),
    }
}

impl Action {
    /// Every action, in declaration order.
    pub fn all() -> impl Iterator<Item = Action> {
        Action::ALL.iter().copied()
    }

    /// The engine command this action sends, if it sends one: what the role and the item must
    /// allow for it to be offered (the engine's rules, asked through `domain`).
    pub fn command(self) -> Option<CommandKind> {
        Some(match self {
            Action::SetScore | Action::EditJustification => CommandKind::Adjust,
            Action::Agree => CommandKind::Agree,
            Action::RequestEvidence => CommandKind::RequestEvidence,
            Action::BulkAgreeArea => CommandKind::BulkAgree,
            Action::RecordDispute => CommandKind::RecordDispute,
            Action::ResolveDispute => CommandKind::ResolveDispute,
            Action::Escalate => CommandKind::Escalate,
            Action::CouncilDecide => CommandKind::CouncilDecide,
            Action::Undo => CommandKind::Undo,
            Action::FinalizeUnit => CommandKind::Finalize,
            Action::ReopenUnit => CommandKind::Reopen,
            Action::AssignUnit => CommandKind::Assign,
            _ => return None,
        })
    }

    /// The action that sends a kind of command (the first declared: `SetScore` for an
    /// adjustment).
    pub fn for_command(kind: CommandKind) -> Option<Action> {
        Action::all().find(|a| a.command() == Some(kind))
    }

    pub fn parse(name: &str) -> Option<Action> {
        Action::all().find(|a| a.name() == name)
    }

    pub fn valid_in(self, ctx: Context) -> bool {
        let cs = self.contexts();
        cs.contains(&Context::Global) || cs.contains(&ctx)
    }

    /// Offered by name in the palette.
    pub fn in_palette(self) -> bool {
        self.palette() != InPalette::No
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_every_entry_is_complete() {
        for a in Action::all() {
            let name = a.name();
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name}"
            );
            assert_eq!(Action::parse(name), Some(a));
            assert!(!a.contexts().is_empty(), "{name}");
            for lang in [Lang::Vi, Lang::En] {
                assert!(!a.description(lang).is_empty(), "{name}");
                assert!(!a.hint_label(lang).is_empty(), "{name}");
            }
        }
        let mut names: Vec<&str> = Action::all().map(Action::name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Action::ALL.len());
        assert_eq!(Action::parse("no-such-action"), None);
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
        assert_eq!(Action::Agree.hint_label(Lang::En), "Agree");
        assert!(Action::Agree.in_palette());
        assert!(!Action::MoveDown.in_palette());
    }
}
