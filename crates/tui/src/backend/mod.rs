//! A ratatui backend that writes fewer bytes per frame than `CrosstermBackend`, for SSH (SPEC P2:
//! ≤ 1 KB per cursor move). ratatui hands the backend only the cells that changed; the crossterm
//! backend then moves the cursor before every cell that does not follow the previous one and
//! writes each attribute and colour change as its own escape sequence. So one line of new text
//! whose words are separated by unchanged spaces costs a cursor move (≈ 8 bytes) per word.
//!
//! This backend keeps a copy of what the terminal shows, so it can:
//! - write the few unchanged cells of a short gap (in the current style) instead of moving the
//!   cursor over them;
//! - move the cursor with the shortest sequence (column only, or forward, when on the same row);
//! - erase the rest of a row with one `EL` when every cell from there to the right edge becomes
//!   blank;
//! - put all attribute and colour changes of a cell in one `SGR` sequence;
//! - let the terminal shift lines that moved (a list scrolled by the cursor) with a scroll
//!   region, and write only what is new (`shift`). The frame is written both ways and the
//!   shorter is sent. This needs to know the terminal's size (`set_size`) and a terminal with
//!   scroll regions and line insert/delete (`shifts`); otherwise frames are written cell by cell.
//!
//! Cursor visibility, clearing and sizes are written as the crossterm backend writes them.

mod shift;

use std::io::{self, Write};

use ratatui::backend::IntoCrossterm;
use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::crossterm::style::Colored;
use ratatui::crossterm::{cursor, execute, terminal};
use ratatui::layout::{Position, Rect, Size};
use ratatui::style::{Color, Modifier};

/// The longest gap of unchanged cells written out rather than moved over.
const GAP: u16 = 8;
/// Blank cells at the end of a row before `EL` is used instead of writing them.
const MIN_ERASE: usize = 4;
/// Line shifts tried in one frame.
const MAX_SHIFTS: usize = 3;
/// Frames shorter than this (a highlight that moved, a counter) are not worth a shift.
const MIN_SHIFTED_FRAME: usize = 160;

/// The style a cell is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

impl Pen {
    const RESET: Pen = Pen {
        fg: Color::Reset,
        bg: Color::Reset,
        underline: Color::Reset,
        modifier: Modifier::empty(),
    };

    fn of(cell: &Cell) -> Pen {
        Pen {
            fg: cell.fg,
            bg: cell.bg,
            underline: cell.underline_color,
            modifier: cell.modifier,
        }
    }
}

pub struct SparingBackend<W: Write> {
    writer: W,
    /// What the terminal shows, as far as this backend knows.
    screen: Buffer,
    /// Output of the current frame, written at once.
    out: Vec<u8>,
    /// The terminal's size, when known: lines are shifted only on a screen of this size.
    size: Option<Size>,
    /// Whether the terminal has scroll regions and line insert/delete.
    shifts: bool,
    /// Where the cursor was last put with `set_cursor_position`, until a frame moves it.
    cursor: Option<Position>,
}

/// Terminals known to have scroll regions (`csr`) and line insert and delete (`il`, `dl`):
/// the terminfo entries of these families all have them. `vt100` and `dumb` do not.
pub fn shifts_lines(term: Option<&str>) -> bool {
    const FAMILIES: [&str; 16] = [
        "xterm",
        "screen",
        "tmux",
        "linux",
        "rxvt",
        "vte",
        "gnome",
        "konsole",
        "alacritty",
        "kitty",
        "foot",
        "wezterm",
        "putty",
        "st-",
        "iterm",
        "mintty",
    ];
    let t = term.unwrap_or("");
    t == "st" || FAMILIES.iter().any(|f| t.starts_with(f))
}

impl<W: Write> SparingBackend<W> {
    pub fn new(writer: W) -> SparingBackend<W> {
        SparingBackend {
            writer,
            screen: Buffer::empty(Rect::ZERO),
            out: Vec::with_capacity(16 * 1024),
            size: None,
            shifts: false,
            cursor: None,
        }
    }

    /// Let the terminal shift lines that moved (see `shifts_lines`).
    pub fn with_shifts(mut self, on: bool) -> SparingBackend<W> {
        self.shifts = on;
        self
    }

    /// The terminal's size now. Call it before each frame: a frame drawn at another size than
    /// the screen this backend knows is written cell by cell.
    pub fn set_size(&mut self, size: Size) {
        self.size = Some(size);
    }

    pub fn writer(&self) -> &W {
        &self.writer
    }

    /// The terminal was cleared: every cell is blank in the default style.
    fn forget(&mut self) {
        let area = match self.size {
            Some(s) => Rect::new(0, 0, s.width, s.height),
            None => self.screen.area,
        };
        self.screen = Buffer::empty(area);
    }

    /// Grow the copy of the screen to hold (x, y).
    fn ensure(&mut self, x: u16, y: u16) {
        let a = self.screen.area;
        if x < a.width && y < a.height {
            return;
        }
        let mut bigger = Buffer::empty(Rect::new(0, 0, a.width.max(x + 1), a.height.max(y + 1)));
        bigger.merge(&self.screen);
        self.screen = bigger;
    }

    /// Replace the frame in `out` by shifts of the lines that moved since `before` and the
    /// cells still different after them, when that is shorter. Up to `MAX_SHIFTS` shifts
    /// (a list and the detail pane below it), each kept only if it makes the output shorter.
    fn shift_if_shorter(&mut self, before: Buffer) {
        let Some(mut search) = shift::Search::new(&before, &self.screen) else {
            return;
        };
        let mut shown = before;
        let mut lead: Vec<u8> = Vec::new();
        for _ in 0..MAX_SHIFTS {
            let Some(s) = search.best() else {
                break;
            };
            // Tried on the copy itself: when it is not shorter, the copy is not needed any more.
            s.apply(&mut shown);
            let mut out = lead.clone();
            s.write(&mut out);
            let after = out.len();
            let updates: Vec<(u16, u16)> = shown
                .diff(&self.screen)
                .iter()
                .map(|&(x, y, _)| (x, y))
                .collect();
            encode(&self.screen, &updates, &mut out);
            if out.len() >= self.out.len() {
                break;
            }
            lead.truncate(0);
            lead.extend_from_slice(&out[..after]);
            self.out = out;
            search.apply(s);
        }
    }
}

fn sgr(out: &mut Vec<u8>, from: Pen, to: Pen) {
    if from == to {
        return;
    }
    let mut params: Vec<String> = Vec::new();
    let removed = from.modifier - to.modifier;
    let added = to.modifier - from.modifier;
    let reset_intensity = removed.intersects(Modifier::BOLD | Modifier::DIM);
    if reset_intensity {
        params.push("22".into());
        if to.modifier.contains(Modifier::DIM) {
            params.push("2".into());
        }
        if to.modifier.contains(Modifier::BOLD) {
            params.push("1".into());
        }
    }
    for (m, off) in [
        (Modifier::ITALIC, "23"),
        (Modifier::UNDERLINED, "24"),
        (Modifier::REVERSED, "27"),
        (Modifier::HIDDEN, "28"),
        (Modifier::CROSSED_OUT, "29"),
    ] {
        if removed.contains(m) {
            params.push(off.into());
        }
    }
    if removed.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK) {
        params.push("25".into());
    }
    for (m, on) in [
        (Modifier::BOLD, "1"),
        (Modifier::DIM, "2"),
        (Modifier::ITALIC, "3"),
        (Modifier::UNDERLINED, "4"),
        (Modifier::SLOW_BLINK, "5"),
        (Modifier::RAPID_BLINK, "6"),
        (Modifier::REVERSED, "7"),
        (Modifier::HIDDEN, "8"),
        (Modifier::CROSSED_OUT, "9"),
    ] {
        let already = reset_intensity && matches!(on, "1" | "2");
        if added.contains(m) && !already {
            params.push(on.into());
        }
    }
    // Colours are written the way crossterm writes them.
    if to.fg != from.fg {
        params.push(Colored::ForegroundColor(to.fg.into_crossterm()).to_string());
    }
    if to.bg != from.bg {
        params.push(Colored::BackgroundColor(to.bg.into_crossterm()).to_string());
    }
    if to.underline != from.underline {
        params.push(Colored::UnderlineColor(to.underline.into_crossterm()).to_string());
    }
    params.retain(|p| !p.is_empty());
    if params.is_empty() {
        return;
    }
    out.extend_from_slice(b"\x1b[");
    out.extend_from_slice(params.join(";").as_bytes());
    out.push(b'm');
}

/// Move from `at` (where the terminal's cursor is, if known) to (x, y).
fn move_to(out: &mut Vec<u8>, at: Option<(u16, u16)>, x: u16, y: u16) {
    match at {
        Some((cx, cy)) if cy == y && cx == x => {}
        Some((cx, cy)) if cy == y && x > cx && x - cx == 1 => out.extend_from_slice(b"\x1b[C"),
        Some((cx, cy)) if cy == y && x > cx && x - cx < 10 => {
            let _ = write!(out, "\x1b[{}C", x - cx);
        }
        Some((_, cy)) if cy == y => {
            let _ = write!(out, "\x1b[{}G", x + 1);
        }
        _ => {
            let _ = write!(out, "\x1b[{};{}H", y + 1, x + 1);
        }
    }
}

/// Write the cells of `screen` at `updates` (sorted by row, then column) to a terminal whose
/// pen is the default one and whose cursor is anywhere; leave the pen the default one.
fn encode(screen: &Buffer, updates: &[(u16, u16)], out: &mut Vec<u8>) {
    let width = screen.area.width;
    let mut pen = Pen::RESET;
    let mut at: Option<(u16, u16)> = None;
    let mut i = 0;
    while i < updates.len() {
        let (x, y) = updates[i];
        // The rest of the row is blank: erase it at once.
        let row_end = (x..width).all(|c| blank(&screen[(c, y)]));
        let changed_to_end = updates[i..].iter().take_while(|&&(_, uy)| uy == y).count();
        if row_end && changed_to_end >= MIN_ERASE {
            move_to(out, at, x, y);
            sgr(out, pen, Pen::RESET);
            pen = Pen::RESET;
            out.extend_from_slice(b"\x1b[K");
            at = Some((x, y));
            i += changed_to_end;
            continue;
        }
        // Fill a short gap of unchanged cells in the current style rather than moving.
        if let Some((cx, cy)) = at
            && cy == y
            && x > cx
            && x - cx <= GAP
            && (cx..x).all(|c| {
                let cell = &screen[(c, y)];
                narrow(cell) && Pen::of(cell) == pen
            })
        {
            for c in cx..x {
                out.extend_from_slice(screen[(c, y)].symbol().as_bytes());
            }
            at = Some((x, y));
        }
        move_to(out, at, x, y);
        let cell = &screen[(x, y)];
        let next = Pen::of(cell);
        sgr(out, pen, next);
        pen = next;
        out.extend_from_slice(cell.symbol().as_bytes());
        let w = unicode_width::UnicodeWidthStr::width(cell.symbol()) as u16;
        // After the last column, or an odd cell, the cursor's place is not certain.
        at = (w == 1 && x + 1 < width).then_some((x + 1, y));
        i += 1;
    }
    if pen != Pen::RESET {
        out.extend_from_slice(b"\x1b[0m");
    }
}

/// Raw output (e.g. the synchronized-update markers around a frame) goes straight through.
impl<W: Write> Write for SparingBackend<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

/// The last guard before the terminal: a control or format character (an escape, U+2028, a
/// bidirectional control …) that reached a cell is not written. Views show such characters
/// escaped (`text::escape_line`); one that slipped through is dropped, and a cell left empty
/// shows U+FFFD, so the layout stays as drawn.
fn inert_cell(cell: &mut Cell) {
    if !cell.symbol().chars().any(text::is_dangerous) {
        return;
    }
    let clean: String = cell
        .symbol()
        .chars()
        .filter(|c| !text::is_dangerous(*c))
        .collect();
    cell.set_symbol(if clean.is_empty() { "\u{FFFD}" } else { &clean });
}

/// A cell that can be written as one column of plain output.
fn narrow(cell: &Cell) -> bool {
    let s = cell.symbol();
    !s.is_empty() && unicode_width::UnicodeWidthStr::width(s) == 1
}

fn blank(cell: &Cell) -> bool {
    cell.symbol() == " " && Pen::of(cell) == Pen::RESET
}

impl<W: Write> Backend for SparingBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        // Take the new cells in and note, row by row, which ones changed.
        let mut cells: Vec<(u16, u16, Cell)> = Vec::new();
        for (x, y, cell) in content {
            self.ensure(x, y);
            let mut cell = cell.clone();
            inert_cell(&mut cell);
            cells.push((x, y, cell));
        }
        if cells.is_empty() {
            return Ok(());
        }
        self.cursor = None;
        // The cells this frame replaces, to know what the terminal showed before it.
        let mut replaced: Vec<(u16, u16, Cell)> = Vec::with_capacity(cells.len());
        for (x, y, cell) in cells {
            replaced.push((x, y, std::mem::replace(&mut self.screen[(x, y)], cell)));
        }
        let mut updates: Vec<(u16, u16)> = replaced.iter().map(|&(x, y, _)| (x, y)).collect();
        updates.sort_unstable_by_key(|&(x, y)| (y, x));
        updates.dedup();

        self.out.clear();
        encode(&self.screen, &updates, &mut self.out);
        // A shift costs about 20 bytes and must save more: small frames are left as they are.
        let area = self.screen.area;
        if self.shifts && self.size == Some(area.as_size()) && self.out.len() >= MIN_SHIFTED_FRAME {
            let mut before = self.screen.clone();
            // Last replaced first, so a cell drawn twice gets its oldest content back.
            for (x, y, cell) in replaced.into_iter().rev() {
                before[(x, y)] = cell;
            }
            self.shift_if_shorter(before);
        }
        self.writer.write_all(&self.out)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        execute!(self.writer, cursor::Hide)
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        execute!(self.writer, cursor::Show)
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        cursor::position()
            .map(|(x, y)| Position { x, y })
            .map_err(io::Error::other)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let Position { x, y } = position.into();
        self.cursor = Some(Position { x, y });
        execute!(self.writer, cursor::MoveTo(x, y))
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        use terminal::ClearType as C;
        // Only a whole-screen clear leaves a screen this backend knows.
        // From the top left corner down is the whole screen.
        let whole = clear_type == ClearType::All
            || (clear_type == ClearType::AfterCursor && self.cursor == Some(Position::ORIGIN));
        let c = match clear_type {
            _ if whole => {
                self.forget();
                C::All
            }
            other => {
                self.screen = Buffer::empty(Rect::ZERO);
                match other {
                    ClearType::AfterCursor => C::FromCursorDown,
                    ClearType::BeforeCursor => C::FromCursorUp,
                    ClearType::CurrentLine => C::CurrentLine,
                    _ => C::UntilNewLine,
                }
            }
        };
        execute!(self.writer, terminal::Clear(c))
    }

    /// The size given by `set_size`, else the terminal's: the app measures the terminal once
    /// per frame, and ratatui and this backend then agree on it.
    fn size(&self) -> io::Result<Size> {
        if let Some(s) = self.size {
            return Ok(s);
        }
        let (width, height) = terminal::size()?;
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        let w = terminal::window_size()?;
        Ok(WindowSize {
            columns_rows: Size {
                width: w.columns,
                height: w.rows,
            },
            pixels: Size {
                width: w.width,
                height: w.height,
            },
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::style::{Style, Stylize};
    use ratatui::text::{Line, Span};
    use ratatui::widgets::Paragraph;

    /// A backend whose output is read by a vt100 terminal, and the size it has.
    fn terminal(w: u16, h: u16) -> Terminal<SparingBackend<Vec<u8>>> {
        Terminal::with_options(
            SparingBackend::new(Vec::new()),
            ratatui::TerminalOptions {
                viewport: ratatui::Viewport::Fixed(Rect::new(0, 0, w, h)),
            },
        )
        .unwrap()
    }

    #[test]
    fn no_control_or_format_character_reaches_the_terminal() {
        let mut t = terminal(12, 1);
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 1));
        buf[(0, 0)].set_symbol("a");
        buf[(1, 0)].set_symbol("\u{2028}");
        buf[(2, 0)].set_symbol("\u{1b}");
        buf[(3, 0)].set_symbol("b\u{202e}");
        buf[(4, 0)].set_symbol("\u{feff}");
        t.backend_mut()
            .draw(
                buf.content
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (i as u16, 0, c)),
            )
            .unwrap();
        let out = String::from_utf8(t.backend().writer().clone()).unwrap();
        assert!(
            !out.chars()
                .any(|c| c == '\u{2028}' || c == '\u{202e}' || c == '\u{feff}')
        );
        // The escape never starts a sequence of its own: every ESC written is the backend's
        // (a cursor move or a style), and the cells read as drawn, in place.
        assert!(out.contains("a\u{fffd}\u{fffd}b\u{fffd}"), "{out:?}");
        assert!(
            out.split('\u{1b}').skip(1).all(|s| s.starts_with('[')),
            "{out:?}"
        );
    }

    /// Each cell's text and style as vt100 shows it after the output so far.
    fn seen(out: &[u8], w: u16, h: u16) -> Vec<(String, bool, bool)> {
        let mut p = vt100::Parser::new(h, w, 0);
        p.process(out);
        let s = p.screen();
        let mut v = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let c = s.cell(y, x).unwrap();
                // A written space and an untouched cell look the same.
                let text = c.contents().replace(' ', "");
                v.push((text, c.bold(), c.inverse()));
            }
        }
        v
    }

    /// The same frames drawn on ratatui's TestBackend, as cells.
    fn expected(frames: &[Vec<Line<'static>>], w: u16, h: u16) -> Vec<(String, bool, bool)> {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        for f in frames {
            t.draw(|fr| fr.render_widget(Paragraph::new(f.clone()), fr.area()))
                .unwrap();
        }
        let b = t.backend().buffer();
        let mut v = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let c = &b[(x, y)];
                let sym = if c.symbol() == " " { "" } else { c.symbol() };
                v.push((
                    sym.to_string(),
                    c.modifier.contains(Modifier::BOLD),
                    c.modifier.contains(Modifier::REVERSED),
                ));
            }
        }
        v
    }

    fn run(frames: &[Vec<Line<'static>>], w: u16, h: u16) -> (Vec<u8>, usize) {
        let mut t = terminal(w, h);
        let mut last = 0;
        for f in frames {
            let before = t.backend().writer().len();
            t.draw(|fr| fr.render_widget(Paragraph::new(f.clone()), fr.area()))
                .unwrap();
            last = t.backend().writer().len() - before;
        }
        (t.backend().writer().clone(), last)
    }

    fn lines(v: &[&str]) -> Vec<Line<'static>> {
        v.iter().map(|s| Line::from(s.to_string())).collect()
    }

    #[test]
    fn the_terminal_shows_exactly_the_frames() {
        let frames = [
            vec![
                Line::from(vec![
                    Span::raw("Mã "),
                    Span::styled("3.2.1", Style::new().bold()),
                    Span::raw(" Tỷ lệ hồ sơ giải quyết đúng hạn"),
                ]),
                Line::from("Đã thực hiện đầy đủ, đúng thời hạn").reversed(),
                Line::from("• 125/QĐ-UBND (2024-03-15) Quyết định phê duyệt kết quả"),
            ],
            vec![
                Line::from(vec![
                    Span::raw("Mã "),
                    Span::styled("3.2.2", Style::new().bold()),
                    Span::raw(" Tỷ lệ hồ sơ trễ hạn có xin lỗi"),
                ]),
                Line::from("Đã thực hiện"),
                Line::from("• 12/KH-UBND (2024-01-05) Kế hoạch"),
            ],
            lines(&["", "x", ""]),
        ];
        for n in 1..=frames.len() {
            let (out, _) = run(&frames[..n], 60, 4);
            assert_eq!(
                seen(&out, 60, 4),
                expected(&frames[..n], 60, 4),
                "after frame {n}"
            );
        }
    }

    #[test]
    fn words_of_a_new_line_are_not_each_preceded_by_a_cursor_move() {
        let a = lines(&["alpha beta gamma delta epsilon zeta eta theta"]);
        let b = lines(&["ALPHA BETA GAMMA DELTA EPSILON ZETA ETA THETA"]);
        let (out, last) = run(&[a.clone(), b.clone()], 60, 1);
        assert_eq!(seen(&out, 60, 1), expected(&[a, b], 60, 1));
        // One line of 45 new characters: no cursor move per word.
        assert!(last <= 45 + 12, "{last} bytes");
    }

    #[test]
    fn a_shorter_line_erases_its_tail_with_one_sequence() {
        let a = lines(&["một dòng dài với rất nhiều chữ ở cuối dòng này"]);
        let b = lines(&["một"]);
        let (out, last) = run(&[a.clone(), b.clone()], 60, 1);
        assert_eq!(seen(&out, 60, 1), expected(&[a, b], 60, 1));
        // A cursor move, EL, and the cursor hidden again: not 45 spaces.
        assert!(last < 20, "{last} bytes");
    }

    #[test]
    fn styles_change_in_one_sequence() {
        let a = lines(&["plain"]);
        let b = vec![Line::from(Span::styled(
            "plain",
            Style::new().bold().reversed().red(),
        ))];
        let (out, last) = run(&[a.clone(), b.clone()], 10, 1);
        assert_eq!(seen(&out, 10, 1), expected(&[a, b], 10, 1));
        let text = String::from_utf8_lossy(&out[out.len() - last..]).to_string();
        assert!(text.contains("\x1b[1;7;38;5;1mplain"), "{text:?}");
    }

    /// A screen like the workbench's: a title, a list of `n` rows from `first` with `sel`
    /// highlighted, a detail pane beside it when wide (its text depends on the selection), and
    /// a hint bar. `edges` leaves out the title and the hint bar, so the list touches the top
    /// and bottom rows of the screen.
    fn list_frame(f: &mut ratatui::Frame, first: usize, sel: usize, mono: bool, edges: bool) {
        use ratatui::layout::{Constraint, Layout};
        use ratatui::style::Color;
        let area = f.area();
        let (title, body, hints) = if edges {
            (None, area, None)
        } else {
            let [t, b, h] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Min(1),
                Constraint::Length(1),
            ])
            .areas(area);
            (Some(t), b, Some(h))
        };
        if let Some(t) = title {
            f.render_widget(Paragraph::new("PAR INDEX 2024 · Thẩm định").bold(), t);
        }
        if let Some(h) = hints {
            f.render_widget(Paragraph::new("↑↓ Chọn  Enter Mở  F1 Trợ giúp"), h);
        }
        let (list, detail) = if area.width >= 120 {
            let [l, d] =
                Layout::horizontal([Constraint::Min(40), Constraint::Length(48)]).areas(body);
            (l, Some(d))
        } else {
            (body, None)
        };
        let rows: Vec<Line<'static>> = (first..first + list.height as usize)
            .map(|i| {
                const NAMES: [&str; 7] = [
                    "Hà Giang",
                    "Thành phố Hồ Chí Minh",
                    "Bà Rịa – Vũng Tàu",
                    "Lạng Sơn",
                    "Thừa Thiên Huế",
                    "Cà Mau",
                    "Điện Biên",
                ];
                let text = format!(
                    "{i:>3} {:<24} {:>3},{:02}",
                    NAMES[i % 7],
                    80 + i % 11,
                    i % 100
                );
                let line = Line::from(vec![
                    Span::styled(format!("{:>2} ", i % 9), Style::new().fg(Color::Green)),
                    Span::raw(text),
                ]);
                match (i == sel, mono) {
                    (true, true) => line.reversed(),
                    (true, false) => line.style(Style::new().bg(Color::Blue).fg(Color::White)),
                    _ => line,
                }
            })
            .collect();
        f.render_widget(Paragraph::new(rows), list);
        if let Some(d) = detail {
            let text: Vec<Line<'static>> = (0..d.height as usize)
                .map(|k| match k % 4 {
                    0 => Line::from(format!("│ Mục {sel}.{k}")).bold(),
                    1 => Line::from("│ Hướng dẫn chấm:"),
                    2 => Line::from(format!("│ {}", "chữ ".repeat((sel + k) % 9))),
                    _ => Line::from("│"),
                })
                .collect();
            f.render_widget(Paragraph::new(text), d);
        }
    }

    /// Each row as vt100 shows it: each cell's text, colours and attributes (a written space
    /// and an untouched cell look the same).
    fn cells(p: &vt100::Parser) -> Vec<String> {
        let s = p.screen();
        let (rows, cols) = s.size();
        (0..rows)
            .map(|y| {
                let mut line = String::new();
                for x in 0..cols {
                    let c = s.cell(y, x).unwrap();
                    let text = match c.contents() {
                        "" => " ".to_string(),
                        t => t.to_string(),
                    };
                    let _ = std::fmt::Write::write_fmt(
                        &mut line,
                        format_args!(
                            "[{text}|{:?}|{:?}|{}{}{}]",
                            c.fgcolor(),
                            c.bgcolor(),
                            u8::from(c.bold()),
                            u8::from(c.inverse()),
                            u8::from(c.underline())
                        ),
                    );
                }
                line
            })
            .collect()
    }

    /// The first row in which two screens differ, as text, or `None`.
    fn first_difference(a: &[String], b: &[String]) -> Option<String> {
        let y = (0..a.len().max(b.len())).find(|&y| a.get(y) != b.get(y))?;
        Some(format!(
            "row {y}\nshown:     {:?}\nrepainted: {:?}",
            a.get(y),
            b.get(y)
        ))
    }

    /// The terminal after the same frame drawn from a cleared screen.
    fn repainted(w: u16, h: u16, draw: impl FnOnce(&mut ratatui::Frame)) -> Vec<String> {
        let mut t = terminal(w, h);
        t.draw(draw).unwrap();
        let mut p = vt100::Parser::new(h, w, 0);
        p.process(t.backend().writer());
        cells(&p)
    }

    fn shifting(w: u16, h: u16, on: bool) -> Terminal<SparingBackend<Vec<u8>>> {
        let mut t = Terminal::with_options(
            SparingBackend::new(Vec::new()).with_shifts(on),
            ratatui::TerminalOptions {
                viewport: ratatui::Viewport::Fixed(Rect::new(0, 0, w, h)),
            },
        )
        .unwrap();
        t.backend_mut().set_size(Size::new(w, h));
        t.backend_mut().clear().unwrap();
        t
    }

    /// A cursor walking a list of 200 rows as the workbench scrolls it (one line at a time at
    /// the edges, a page at a time with Page Up/Down), with line shifts `on` or not: after
    /// every frame the terminal shows exactly what a full repaint shows. Returns the bytes of
    /// each frame and how many frames were written with a shift.
    fn walk(w: u16, h: u16, mono: bool, edges: bool, on: bool) -> (Vec<usize>, usize) {
        let mut t = shifting(w, h, on);
        let mut p = vt100::Parser::new(h, w, 0);
        let rows = if edges { h as usize } else { h as usize - 2 };
        let (mut first, mut sel) = (0usize, 0usize);
        let mut moves: Vec<isize> = Vec::new();
        moves.extend(std::iter::repeat_n(1, rows + 12));
        moves.extend([rows as isize, rows as isize, -(rows as isize)]);
        moves.extend(std::iter::repeat_n(-1, rows + 5));
        moves.extend([3, 3, -3, 2 * rows as isize, 1, 1, -1]);
        let mut sizes = Vec::new();
        let mut shifted = 0;
        for (n, m) in moves.iter().enumerate() {
            sel = (sel as isize + m).clamp(0, 199) as usize;
            if sel < first {
                first = sel;
            } else if sel >= first + rows {
                first = sel + 1 - rows;
            }
            let before = t.backend().writer().len();
            t.draw(|f| list_frame(f, first, sel, mono, edges)).unwrap();
            let out = &t.backend().writer()[before..];
            p.process(out);
            sizes.push(out.len());
            if out.windows(3).any(|x| x == b"\x1b[r") {
                shifted += 1;
            }
            let fresh = repainted(w, h, |f| list_frame(f, first, sel, mono, edges));
            if let Some(d) = first_difference(&cells(&p), &fresh) {
                panic!("{w}×{h} mono {mono} edges {edges}: after move {n} ({m:+}): {d}");
            }
        }
        (sizes, shifted)
    }

    #[test]
    fn a_scrolled_list_shows_what_a_full_repaint_shows() {
        for (w, h) in [(80, 24), (120, 40)] {
            for mono in [false, true] {
                for edges in [false, true] {
                    let what = format!("{w}×{h} mono {mono} edges {edges}");
                    let (sizes, shifted) = walk(w, h, mono, edges, true);
                    let (plain, _) = walk(w, h, mono, edges, false);
                    assert!(shifted >= 10, "{what}: {shifted} shifted frames");
                    // Never longer than the frame written cell by cell, and a third shorter in
                    // all (the detail pane beside the list at 120 columns changes anyway).
                    assert!(sizes.iter().zip(&plain).all(|(s, p)| s <= p), "{what}");
                    let (s, p) = (sizes.iter().sum::<usize>(), plain.iter().sum::<usize>());
                    assert!(s * 3 < p * 2, "{what}: {s} bytes shifting, {p} without");
                }
            }
        }
    }

    #[test]
    fn lines_are_not_shifted_without_a_capable_terminal_or_a_known_size() {
        for mut t in [terminal(80, 24), {
            let mut t = terminal(80, 24);
            t.backend_mut().shifts = true;
            t
        }] {
            for first in 0..5 {
                t.draw(|f| list_frame(f, first, first + 21, true, false))
                    .unwrap();
            }
            let out = t.backend().writer();
            assert!(!out.windows(3).any(|x| x == b"\x1b[r"));
        }
        assert!(shifts_lines(Some("linux")) && shifts_lines(Some("screen.xterm-256color")));
        assert!(shifts_lines(Some("tmux-256color")) && shifts_lines(Some("xterm")));
        assert!(!shifts_lines(Some("vt100")) && !shifts_lines(Some("dumb")) && !shifts_lines(None));
    }

    #[test]
    fn a_resize_between_scrolled_frames_leaves_no_stale_line() {
        let mut t = shifting(120, 40, true);
        let mut p = vt100::Parser::new(40, 120, 0);
        let mut sel = 0;
        let mut first = 0;
        let mut size = (120u16, 40u16);
        let mut fed = t.backend().writer().len();
        for step in 0..90 {
            if step == 45 {
                // The window shrinks: the terminal keeps what fits, the app repaints.
                size = (80, 24);
                t.backend_mut().set_size(Size::new(size.0, size.1));
                t.resize(Rect::new(0, 0, size.0, size.1)).unwrap();
                p.screen_mut().set_size(size.1, size.0);
            }
            let rows = size.1 as usize - 2;
            sel += 1;
            if sel >= first + rows {
                first = sel + 1 - rows;
            }
            t.draw(|f| list_frame(f, first, sel, false, false)).unwrap();
            p.process(&t.backend().writer()[fed..]);
            fed = t.backend().writer().len();
            let fresh = repainted(size.0, size.1, |f| list_frame(f, first, sel, false, false));
            if let Some(d) = first_difference(&cells(&p), &fresh) {
                panic!("step {step} at {size:?}: {d}");
            }
        }
    }
}
