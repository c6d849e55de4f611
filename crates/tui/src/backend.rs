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
//! - put all attribute and colour changes of a cell in one `SGR` sequence.
//!
//! Cursor visibility, clearing and sizes are written as the crossterm backend writes them.

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
}

impl<W: Write> SparingBackend<W> {
    pub fn new(writer: W) -> SparingBackend<W> {
        SparingBackend {
            writer,
            screen: Buffer::empty(Rect::ZERO),
            out: Vec::with_capacity(16 * 1024),
        }
    }

    pub fn writer(&self) -> &W {
        &self.writer
    }

    /// The terminal was cleared: every cell is blank in the default style.
    fn forget(&mut self) {
        let area = self.screen.area;
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

    fn sgr(&mut self, from: Pen, to: Pen) {
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
        self.out.extend_from_slice(b"\x1b[");
        self.out.extend_from_slice(params.join(";").as_bytes());
        self.out.push(b'm');
    }

    /// Move from `at` (where the terminal's cursor is, if known) to (x, y).
    fn move_to(&mut self, at: Option<(u16, u16)>, x: u16, y: u16) {
        match at {
            Some((cx, cy)) if cy == y && cx == x => {}
            Some((cx, cy)) if cy == y && x > cx && x - cx == 1 => {
                self.out.extend_from_slice(b"\x1b[C")
            }
            Some((cx, cy)) if cy == y && x > cx && x - cx < 10 => {
                let _ = write!(self.out, "\x1b[{}C", x - cx);
            }
            Some((_, cy)) if cy == y => {
                let _ = write!(self.out, "\x1b[{}G", x + 1);
            }
            _ => {
                let _ = write!(self.out, "\x1b[{};{}H", y + 1, x + 1);
            }
        }
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
        let mut updates: Vec<(u16, u16)> = Vec::new();
        for (x, y, cell) in content {
            self.ensure(x, y);
            let mut cell = cell.clone();
            inert_cell(&mut cell);
            self.screen[(x, y)] = cell;
            updates.push((x, y));
        }
        if updates.is_empty() {
            return Ok(());
        }
        updates.sort_unstable_by_key(|&(x, y)| (y, x));
        updates.dedup();
        let width = self.screen.area.width;

        self.out.clear();
        let mut pen = Pen::RESET;
        let mut at: Option<(u16, u16)> = None;
        let mut i = 0;
        while i < updates.len() {
            let (x, y) = updates[i];
            // The rest of the row is blank: erase it at once.
            let row_end = (x..width).all(|c| blank(&self.screen[(c, y)]));
            let changed_to_end = updates[i..].iter().take_while(|&&(_, uy)| uy == y).count();
            if row_end && changed_to_end >= MIN_ERASE {
                self.move_to(at, x, y);
                self.sgr(pen, Pen::RESET);
                pen = Pen::RESET;
                self.out.extend_from_slice(b"\x1b[K");
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
                    let cell = &self.screen[(c, y)];
                    narrow(cell) && Pen::of(cell) == pen
                })
            {
                for c in cx..x {
                    let sym = self.screen[(c, y)].symbol().to_string();
                    self.out.extend_from_slice(sym.as_bytes());
                }
                at = Some((x, y));
            }
            self.move_to(at, x, y);
            let cell = self.screen[(x, y)].clone();
            let next = Pen::of(&cell);
            self.sgr(pen, next);
            pen = next;
            self.out.extend_from_slice(cell.symbol().as_bytes());
            let w = unicode_width::UnicodeWidthStr::width(cell.symbol()) as u16;
            // After the last column, or an odd cell, the cursor's place is not certain.
            at = (w == 1 && x + 1 < width).then_some((x + 1, y));
            i += 1;
        }
        if pen != Pen::RESET {
            self.out.extend_from_slice(b"\x1b[0m");
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
        execute!(self.writer, cursor::MoveTo(x, y))
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        use terminal::ClearType as C;
        // Only a whole-screen clear leaves a screen this backend knows.
        let c = match clear_type {
            ClearType::All => {
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

    fn size(&self) -> io::Result<Size> {
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
}
