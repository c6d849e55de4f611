//! Colours and text markers. Three themes: 256 colours (the default), 16 colours (`TERM=linux`)
//! and monochrome (`NO_COLOR`). The palette is resolved here, not by crossterm, so bold and
//! reversed selection survive in monochrome (SPEC W12; docs/REQUIREMENTS.md, "Terminal").

use domain::worddiff::Seg;
use ratatui::style::{Color, Modifier, Style};

use domain::Status;

/// How many colours the terminal shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorLevel {
    Mono,
    Ansi16,
    Ansi256,
}

impl ColorLevel {
    /// From the environment: `NO_COLOR` set (any value) → monochrome; `TERM=linux` or `dumb`
    /// → 16 colours / monochrome; otherwise 256 colours.
    pub fn detect(no_color: Option<&str>, term: Option<&str>) -> ColorLevel {
        if no_color.is_some() {
            return ColorLevel::Mono;
        }
        match term {
            Some("dumb") => ColorLevel::Mono,
            Some("linux") | Some("vt100") | Some("vt220") | Some("ansi") => ColorLevel::Ansi16,
            _ => ColorLevel::Ansi256,
        }
    }

    pub fn from_env() -> ColorLevel {
        let no_color = std::env::var_os("NO_COLOR");
        let term = std::env::var("TERM").ok();
        ColorLevel::detect(no_color.as_ref().map(|_| ""), term.as_deref())
    }

    /// Does the terminal named by `TERM` draw with a font that lacks the Unicode marks (the
    /// Linux console and other hardware-era terminals)? Then the marks are plain ASCII whatever
    /// the colour level, `NO_COLOR` included.
    pub fn ascii_terminal(term: Option<&str>) -> bool {
        matches!(term, Some("linux" | "vt100" | "vt220" | "ansi" | "dumb"))
    }

    /// Parse a `--theme` value.
    pub fn parse(s: &str) -> Option<ColorLevel> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mono" | "monochrome" | "none" | "no-color" => Some(ColorLevel::Mono),
            "16" | "ansi" | "ansi16" | "basic" => Some(ColorLevel::Ansi16),
            "256" | "ansi256" | "default" => Some(ColorLevel::Ansi256),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ColorLevel::Mono => "mono",
            ColorLevel::Ansi16 => "16",
            ColorLevel::Ansi256 => "256",
        }
    }
}

/// Characters that carry meaning without colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Marks {
    pub pending: &'static str,
    pub agreed: &'static str,
    pub adjusted: &'static str,
    pub needs_info: &'static str,
    pub disputed: &'static str,
    pub resolved: &'static str,
    pub escalated: &'static str,
    pub decided: &'static str,
    /// In the queue: awaiting an explanation after the round's closing date.
    pub overdue: &'static str,
    pub collapsed: &'static str,
    pub expanded: &'static str,
    pub leaf: &'static str,
    /// Bars: proposed values, self values, and the empty rest.
    pub bar_full: char,
    pub bar_self: char,
    pub bar_empty: char,
    pub survey: &'static str,
    /// An item someone else is editing.
    pub editing: &'static str,
    pub saved: &'static str,
    /// An item with this user's unsaved draft.
    pub draft: &'static str,
    pub finalized: &'static str,
    pub selected: &'static str,
}

const UNICODE_MARKS: Marks = Marks {
    pending: "·",
    agreed: "✓",
    adjusted: "±",
    needs_info: "?",
    disputed: "!",
    resolved: "◆",
    escalated: "⚑",
    decided: "§",
    overdue: "◷",
    collapsed: "▸",
    expanded: "▾",
    leaf: " ",
    bar_full: '█',
    bar_self: '▒',
    bar_empty: '·',
    survey: "≈",
    editing: "✎",
    saved: "✓",
    draft: "¶",
    finalized: "■",
    selected: "▶",
};

/// The Linux console font lacks most symbols: plain ASCII there.
const ASCII_MARKS: Marks = Marks {
    pending: ".",
    agreed: "=",
    adjusted: "*",
    needs_info: "?",
    disputed: "!",
    resolved: "#",
    escalated: "^",
    decided: "$",
    overdue: "@",
    collapsed: "+",
    expanded: "-",
    leaf: " ",
    bar_full: '#',
    bar_self: '=',
    bar_empty: '.',
    survey: "~",
    editing: "E",
    saved: "OK",
    draft: "d",
    finalized: "#",
    selected: ">",
};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Theme {
    pub level: ColorLevel,
    pub marks: Marks,
    pub base: Style,
    pub title: Style,
    pub header: Style,
    /// The row under the cursor.
    pub selected: Style,
    pub dim: Style,
    pub border: Style,
    pub border_focus: Style,
    /// Area and subtotal rows.
    pub area: Style,
    pub total: Style,
    /// Δ > 0 / Δ < 0.
    pub up: Style,
    pub down: Style,
    pub ok: Style,
    pub warn: Style,
    pub error: Style,
    /// Keys in the hint bar and help.
    pub key: Style,
    pub key_desc: Style,
    pub hint_bar: Style,
    /// Matched characters in search results.
    pub matched: Style,
    pub diff_del: Style,
    pub diff_ins: Style,
    pub bar_self: Style,
    pub bar_proposed: Style,
    pub input: Style,
    pub popup: Style,
}

impl Theme {
    pub fn new(level: ColorLevel) -> Theme {
        match level {
            ColorLevel::Mono => Theme::mono(),
            ColorLevel::Ansi16 => Theme::ansi16(),
            ColorLevel::Ansi256 => Theme::ansi256(),
        }
    }

    fn mono() -> Theme {
        let plain = Style::new();
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Theme {
            level: ColorLevel::Mono,
            marks: UNICODE_MARKS,
            base: plain,
            title: bold.add_modifier(Modifier::REVERSED),
            header: bold.add_modifier(Modifier::UNDERLINED),
            selected: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            dim: plain,
            border: plain,
            border_focus: bold,
            area: bold,
            total: bold,
            up: plain,
            down: plain,
            ok: bold,
            warn: bold,
            error: bold,
            key: bold.add_modifier(Modifier::REVERSED),
            key_desc: plain,
            hint_bar: plain,
            matched: Style::new().add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
            diff_del: Style::new().add_modifier(Modifier::CROSSED_OUT),
            diff_ins: Style::new().add_modifier(Modifier::UNDERLINED),
            bar_self: plain,
            bar_proposed: plain,
            input: Style::new().add_modifier(Modifier::UNDERLINED),
            popup: plain,
        }
    }

    fn ansi16() -> Theme {
        let fg = |c| Style::new().fg(c);
        Theme {
            level: ColorLevel::Ansi16,
            marks: ASCII_MARKS,
            base: Style::new(),
            title: Style::new()
                .fg(Color::White)
                .bg(Color::Blue)
                .add_modifier(Modifier::BOLD),
            header: fg(Color::Yellow).add_modifier(Modifier::BOLD),
            selected: Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            dim: fg(Color::Gray),
            border: fg(Color::Gray),
            border_focus: fg(Color::Cyan).add_modifier(Modifier::BOLD),
            area: fg(Color::White).add_modifier(Modifier::BOLD),
            total: fg(Color::Yellow).add_modifier(Modifier::BOLD),
            up: fg(Color::Green),
            down: fg(Color::Red),
            ok: fg(Color::Green).add_modifier(Modifier::BOLD),
            warn: fg(Color::Yellow).add_modifier(Modifier::BOLD),
            error: fg(Color::White).bg(Color::Red).add_modifier(Modifier::BOLD),
            key: Style::new().fg(Color::Black).bg(Color::Cyan),
            key_desc: Style::new().fg(Color::White).bg(Color::Blue),
            hint_bar: Style::new().bg(Color::Blue),
            matched: fg(Color::Yellow).add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            diff_del: fg(Color::Red).add_modifier(Modifier::CROSSED_OUT),
            diff_ins: fg(Color::Green).add_modifier(Modifier::UNDERLINED),
            bar_self: fg(Color::Gray),
            bar_proposed: fg(Color::Cyan),
            input: Style::new().fg(Color::White).bg(Color::Blue),
            popup: Style::new(),
        }
    }

    fn ansi256() -> Theme {
        let fg = |c| Style::new().fg(Color::Indexed(c));
        Theme {
            level: ColorLevel::Ansi256,
            marks: UNICODE_MARKS,
            base: Style::new(),
            title: Style::new()
                .fg(Color::Indexed(231))
                .bg(Color::Indexed(24))
                .add_modifier(Modifier::BOLD),
            header: fg(180).add_modifier(Modifier::BOLD),
            selected: Style::new()
                .fg(Color::Indexed(231))
                .bg(Color::Indexed(25))
                .add_modifier(Modifier::BOLD),
            dim: fg(245),
            border: fg(240),
            border_focus: fg(74),
            area: fg(153).add_modifier(Modifier::BOLD),
            total: fg(222).add_modifier(Modifier::BOLD),
            up: fg(114),
            down: fg(203),
            ok: fg(114).add_modifier(Modifier::BOLD),
            warn: fg(214).add_modifier(Modifier::BOLD),
            error: Style::new()
                .fg(Color::Indexed(231))
                .bg(Color::Indexed(124))
                .add_modifier(Modifier::BOLD),
            key: Style::new()
                .fg(Color::Indexed(16))
                .bg(Color::Indexed(74))
                .add_modifier(Modifier::BOLD),
            key_desc: Style::new().fg(Color::Indexed(252)).bg(Color::Indexed(236)),
            hint_bar: Style::new().bg(Color::Indexed(236)),
            matched: fg(220).add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            diff_del: fg(203).add_modifier(Modifier::CROSSED_OUT),
            diff_ins: fg(114).add_modifier(Modifier::UNDERLINED),
            bar_self: fg(246),
            bar_proposed: fg(74),
            input: Style::new().fg(Color::Indexed(231)).bg(Color::Indexed(237)),
            popup: Style::new().bg(Color::Indexed(234)),
        }
    }

    /// The theme for this terminal, from `NO_COLOR` and `TERM`: the colour level, and ASCII
    /// marks where the font lacks the symbols (`TERM=linux` with `NO_COLOR` is monochrome and
    /// ASCII).
    pub fn from_env() -> Theme {
        let mut theme = Theme::new(ColorLevel::from_env());
        if ColorLevel::ascii_terminal(std::env::var("TERM").ok().as_deref()) {
            theme.marks = ASCII_MARKS;
        }
        theme
    }

    /// The mark for a status (a character, readable without colour).
    pub fn status_mark(&self, s: Status) -> &'static str {
        match s {
            Status::Pending => self.marks.pending,
            Status::Agreed => self.marks.agreed,
            Status::Adjusted => self.marks.adjusted,
            Status::NeedsInfo => self.marks.needs_info,
            Status::Disputed => self.marks.disputed,
            Status::Resolved => self.marks.resolved,
            Status::Escalated => self.marks.escalated,
            Status::Decided => self.marks.decided,
        }
    }

    pub fn status_style(&self, s: Status) -> Style {
        match s {
            Status::Pending => self.dim,
            Status::Agreed | Status::Resolved | Status::Decided => self.ok,
            Status::Adjusted => self.warn,
            Status::NeedsInfo | Status::Disputed | Status::Escalated => self.down,
        }
    }

    /// A piece of a word diff as shown: removals struck through, additions underlined, and
    /// where those styles may not show (monochrome, the Linux console's ASCII font) also between
    /// marks, `~~removed~~` and `__added__`, so a change is never only a style.
    pub fn diff_piece(&self, seg: &Seg) -> (String, Style) {
        let marked = self.level == ColorLevel::Mono || self.marks.bar_full == '#';
        let wrap = |t: &str, m: &str| {
            if !marked || t.trim().is_empty() {
                return t.to_string();
            }
            // Marks hug the words; spaces around them stay outside.
            let lead = &t[..t.len() - t.trim_start().len()];
            let trail = &t[t.trim_end().len()..];
            format!("{lead}{m}{}{m}{trail}", t.trim())
        };
        match seg {
            Seg::Same(t) => (t.clone(), self.base),
            Seg::Del(t) => (wrap(t, "~~"), self.diff_del),
            Seg::Ins(t) => (wrap(t, "__"), self.diff_ins),
        }
    }

    /// Style for a signed difference.
    pub fn delta_style(&self, hundredths: i64) -> Style {
        match hundredths.signum() {
            1 => self.up,
            -1 => self.down,
            _ => self.dim,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_colour_level() {
        assert_eq!(
            ColorLevel::detect(Some(""), Some("xterm-256color")),
            ColorLevel::Mono
        );
        assert_eq!(ColorLevel::detect(Some("1"), None), ColorLevel::Mono);
        assert_eq!(ColorLevel::detect(None, Some("linux")), ColorLevel::Ansi16);
        assert_eq!(
            ColorLevel::detect(None, Some("screen")),
            ColorLevel::Ansi256
        );
        assert_eq!(
            ColorLevel::detect(None, Some("xterm-256color")),
            ColorLevel::Ansi256
        );
        assert_eq!(ColorLevel::detect(None, None), ColorLevel::Ansi256);
        assert!(ColorLevel::ascii_terminal(Some("linux")));
        assert!(!ColorLevel::ascii_terminal(Some("screen")));
        assert!(!ColorLevel::ascii_terminal(None));
        assert_eq!(ColorLevel::parse("mono"), Some(ColorLevel::Mono));
        assert_eq!(ColorLevel::parse("16"), Some(ColorLevel::Ansi16));
        assert_eq!(ColorLevel::parse("rainbow"), None);
    }

    #[test]
    fn monochrome_uses_no_colour_and_shows_selection() {
        let t = Theme::new(ColorLevel::Mono);
        for s in [t.selected, t.up, t.down, t.title, t.key, t.diff_ins] {
            assert_eq!(s.fg, None);
            assert_eq!(s.bg, None);
        }
        assert!(t.selected.add_modifier.contains(Modifier::REVERSED));
        // Every status has its own mark.
        let marks: std::collections::HashSet<_> =
            Status::ALL.iter().map(|s| t.status_mark(*s)).collect();
        assert_eq!(marks.len(), Status::ALL.len());
        let t16 = Theme::new(ColorLevel::Ansi16);
        let marks16: std::collections::HashSet<_> =
            Status::ALL.iter().map(|s| t16.status_mark(*s)).collect();
        assert_eq!(marks16.len(), Status::ALL.len());
        assert!(t16.status_mark(Status::Agreed).is_ascii());
    }

    #[test]
    fn diffs_are_styles_with_marks_where_styles_may_not_show() {
        let del = Seg::Del(" cũ ".into());
        let ins = Seg::Ins("mới".into());
        let mono = Theme::new(ColorLevel::Mono);
        assert_eq!(mono.diff_piece(&del).0, " ~~cũ~~ ");
        assert_eq!(mono.diff_piece(&ins).0, "__mới__");
        assert!(
            mono.diff_piece(&del)
                .1
                .add_modifier
                .contains(Modifier::CROSSED_OUT)
        );
        assert!(
            mono.diff_piece(&ins)
                .1
                .add_modifier
                .contains(Modifier::UNDERLINED)
        );
        let colour = Theme::new(ColorLevel::Ansi256);
        assert_eq!(colour.diff_piece(&del).0, " cũ ");
        assert_eq!(colour.diff_piece(&ins).0, "mới");
        assert!(
            colour
                .diff_piece(&del)
                .1
                .add_modifier
                .contains(Modifier::CROSSED_OUT)
        );
        let mut console = Theme::new(ColorLevel::Ansi16);
        console.marks = ASCII_MARKS;
        assert_eq!(console.diff_piece(&ins).0, "__mới__");
    }
}
