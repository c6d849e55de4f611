//! Lines that moved between two frames, so the terminal moves them instead of the backend
//! writing them again (SPEC P2; issue 14, item 12). When the cursor walks a list past its edge,
//! every row of the list shifts by one line: written cell by cell that is the whole list again,
//! while the terminal can shift it with a few bytes.
//!
//! A shift is a scroll region (DECSTBM, `CSI top;bottom r`) in which lines are deleted or
//! inserted at the region's top (DL `CSI n M`, IL `CSI n L`), then the region is reset
//! (`CSI r`). Inside a region DL and IL move the lines exactly as SU and SD (`CSI n S`,
//! `CSI n T`) do; they are used because the Linux console has no SU and SD (its terminfo entry
//! has no `indn`/`rin`), while xterm, screen, tmux and the Linux console all have `csr`, `il`
//! and `dl`.
//!
//! The search compares the frames by fingerprints of 8-column pieces of each row, so a list
//! beside another pane (the tree beside the detail) is found too: a region always spans whole
//! rows, and what it moves wrongly in the other pane counts against it. The backend then writes
//! the frame both ways and keeps the shorter.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Write;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// Columns fingerprinted together.
const PIECE: u16 = 8;
/// Cells a shift must save, by the fingerprints, to be worth writing out both ways.
const MIN_GAIN: i64 = 24;

/// Rows `top..=bottom` of the screen shifted by `n` lines: up (lines deleted at the top of the
/// region, blank lines entering at its bottom) or down (blank lines entering at its top).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shift {
    pub top: u16,
    pub bottom: u16,
    pub n: u16,
    pub up: bool,
}

impl Shift {
    /// What the terminal does to its screen: `screen` is changed the same way.
    pub fn apply(&self, screen: &mut Buffer) {
        let w = screen.area.width as usize;
        let (top, bottom, n) = (self.top as usize, self.bottom as usize, self.n as usize);
        let rows = bottom + 1 - top;
        let n = n.min(rows);
        let region = &mut screen.content[top * w..(bottom + 1) * w];
        let blank = if self.up {
            region.rotate_left(n * w);
            (rows - n) * w..rows * w
        } else {
            region.rotate_right(n * w);
            0..n * w
        };
        for c in &mut region[blank] {
            c.reset();
        }
    }

    /// The escape sequences, for a terminal whose pen is the default one (blank lines take the
    /// current background). The cursor is left at the top left corner.
    pub fn write(&self, out: &mut Vec<u8>) {
        let op = if self.up { 'M' } else { 'L' };
        let _ = write!(
            out,
            "\x1b[{};{}r\x1b[{};1H\x1b[{}{op}\x1b[r",
            self.top + 1,
            self.bottom + 1,
            self.top + 1,
            self.n
        );
    }
}

/// Fingerprints of each row's pieces, row after row.
struct Prints {
    pieces: usize,
    rows: usize,
    v: Vec<u64>,
    /// The number of cells of each piece.
    len: Vec<i64>,
}

impl Prints {
    fn of(b: &Buffer) -> Prints {
        let Rect { width, height, .. } = b.area;
        let pieces = width.div_ceil(PIECE) as usize;
        let mut v = Vec::with_capacity(pieces * height as usize);
        for row in b.content.chunks(width as usize) {
            for piece in row.chunks(PIECE as usize) {
                let mut h = DefaultHasher::new();
                piece.hash(&mut h);
                v.push(h.finish());
            }
        }
        let len = (0..pieces)
            .map(|p| (width - p as u16 * PIECE).min(PIECE) as i64)
            .collect();
        Prints {
            pieces,
            rows: height as usize,
            v,
            len,
        }
    }

    fn row(&self, y: usize) -> &[u64] {
        &self.v[y * self.pieces..(y + 1) * self.pieces]
    }

    /// Cells in which row `a` here equals row `b` of `other`.
    fn same(&self, a: usize, other: &Prints, b: usize) -> i64 {
        self.row(a)
            .iter()
            .zip(other.row(b))
            .zip(&self.len)
            .filter(|((x, y), _)| x == y)
            .map(|(_, l)| l)
            .sum()
    }

    /// The same rows, last first.
    fn reversed(&self) -> Prints {
        let mut v = Vec::with_capacity(self.v.len());
        for y in (0..self.rows).rev() {
            v.extend_from_slice(self.row(y));
        }
        Prints {
            v,
            len: self.len.clone(),
            ..*self
        }
    }
}

/// The shift of `old` that leaves the fewest cells to write to reach `new`, by fingerprints;
/// `None` when none saves enough. Both buffers have the same area, at the origin.
#[cfg(test)]
pub fn best(old: &Buffer, new: &Buffer) -> Option<Shift> {
    Search::new(old, new)?.best()
}

/// Shifts from one screen towards a new frame, one after another: the fingerprints of the new
/// frame are taken once, and those of the screen follow each shift kept.
pub struct Search {
    old: Prints,
    new: Prints,
    blank: Prints,
}

impl Search {
    /// `None` when the screens differ in size or are too small to shift anything.
    pub fn new(old: &Buffer, new: &Buffer) -> Option<Search> {
        if old.area != new.area || new.area.height < 2 || new.area.width == 0 {
            return None;
        }
        Some(Search {
            old: Prints::of(old),
            new: Prints::of(new),
            blank: Prints::of(&Buffer::empty(Rect::new(0, 0, new.area.width, 1))),
        })
    }

    /// The shift that saves the most cells, if it saves enough.
    pub fn best(&self) -> Option<Shift> {
        let (o, n, blank) = (&self.old, &self.new, &self.blank);
        let h = n.rows;
        let up = best_up(o, n, blank);
        let down = best_up(&o.reversed(), &n.reversed(), blank).map(|(g, s)| {
            // Rows counted from the bottom, back to the screen's.
            let top = (h - 1) as u16 - s.bottom;
            let bottom = (h - 1) as u16 - s.top;
            (
                g,
                Shift {
                    top,
                    bottom,
                    up: false,
                    ..s
                },
            )
        });
        [up, down]
            .into_iter()
            .flatten()
            .filter(|(g, _)| *g >= MIN_GAIN)
            .max_by_key(|(g, _)| *g)
            .map(|(_, s)| s)
    }

    /// The screen was shifted: its fingerprints move with its rows.
    pub fn apply(&mut self, s: Shift) {
        let p = self.old.pieces;
        let (top, bottom) = (s.top as usize, s.bottom as usize);
        let rows = bottom + 1 - top;
        let n = (s.n as usize).min(rows);
        let region = &mut self.old.v[top * p..(bottom + 1) * p];
        let blank = if s.up {
            region.rotate_left(n * p);
            (rows - n) * p..rows * p
        } else {
            region.rotate_right(n * p);
            0..n * p
        };
        for row in region[blank].chunks_mut(p) {
            row.copy_from_slice(&self.blank.v);
        }
    }
}

/// The best upward shift and the cells it saves. For a shift by k of rows `t..=b`, rows
/// `t..=b-k` show the old rows `t+k..=b` and rows `b-k+1..=b` come in blank.
fn best_up(o: &Prints, n: &Prints, blank: &Prints) -> Option<(i64, Shift)> {
    let h = n.rows;
    // What each row already has in common with the screen.
    let stay: Vec<i64> = (0..h).map(|y| n.same(y, o, y)).collect();
    // What a row gains by coming in blank, whatever the shift.
    let exposed: Vec<i64> = (0..h).map(|y| n.same(y, blank, 0) - stay[y]).collect();
    let mut before = vec![0i64; h + 1];
    for y in 0..h {
        before[y + 1] = before[y] + exposed[y];
    }
    let mut best: Option<(i64, Shift)> = None;
    for k in 1..h {
        // Kadane over the moved rows; the k rows after the last one come in blank.
        let mut run = 0i64;
        let mut start = 0usize;
        for e in 0..h - k {
            let moved = n.same(e, o, e + k) - stay[e];
            if run <= 0 {
                run = moved;
                start = e;
            } else {
                run += moved;
            }
            let total = run + before[e + k + 1] - before[e + 1];
            if best.is_none_or(|(g, _)| total > g) {
                best = Some((
                    total,
                    Shift {
                        top: start as u16,
                        bottom: (e + k) as u16,
                        n: k as u16,
                        up: true,
                    },
                ));
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen(rows: &[&str], w: u16) -> Buffer {
        let mut b = Buffer::empty(Rect::new(0, 0, w, rows.len() as u16));
        for (y, r) in rows.iter().enumerate() {
            b.set_string(0, y as u16, r, ratatui::style::Style::new());
        }
        b
    }

    fn list(first: usize, rows: usize, w: u16) -> Buffer {
        let mut v: Vec<String> = vec!["TITLE".into()];
        const NAMES: [&str; 7] = [
            "Hà Giang",
            "Thành phố Hồ Chí Minh",
            "Bà Rịa – Vũng Tàu",
            "Lạng Sơn",
            "Thừa Thiên Huế",
            "Cà Mau",
            "Điện Biên",
        ];
        v.extend((first..first + rows).map(|i| format!("{i:03} {}", NAMES[i % 7])));
        v.push("HINTS".into());
        let r: Vec<&str> = v.iter().map(String::as_str).collect();
        screen(&r, w)
    }

    #[test]
    fn a_list_that_moved_up_one_line_is_found_between_its_header_and_footer() {
        let s = best(&list(0, 10, 40), &list(1, 10, 40)).unwrap();
        assert_eq!(
            s,
            Shift {
                top: 1,
                bottom: 10,
                n: 1,
                up: true
            }
        );
    }

    #[test]
    fn a_list_that_moved_down_three_lines_is_found() {
        let s = best(&list(3, 10, 40), &list(0, 10, 40)).unwrap();
        assert_eq!(
            s,
            Shift {
                top: 1,
                bottom: 10,
                n: 3,
                up: false
            }
        );
    }

    #[test]
    fn applying_the_shift_leaves_only_the_new_lines_to_write() {
        let old = list(0, 10, 40);
        let new = list(2, 10, 40);
        let s = best(&old, &new).unwrap();
        let mut moved = old.clone();
        s.apply(&mut moved);
        let rows: Vec<u16> = moved.diff(&new).iter().map(|c| c.1).collect();
        assert!(rows.iter().all(|y| *y == 9 || *y == 10), "{rows:?}");
    }

    #[test]
    fn the_fingerprints_follow_a_shift_as_the_screen_does() {
        let old = list(0, 10, 40);
        let new = list(3, 10, 40);
        for s in [
            Shift {
                top: 1,
                bottom: 10,
                n: 3,
                up: true,
            },
            Shift {
                top: 0,
                bottom: 11,
                n: 2,
                up: false,
            },
            Shift {
                top: 4,
                bottom: 5,
                n: 2,
                up: true,
            },
        ] {
            let mut search = Search::new(&old, &new).unwrap();
            search.apply(s);
            let mut moved = old.clone();
            s.apply(&mut moved);
            assert_eq!(search.old.v, Prints::of(&moved).v, "{s:?}");
        }
    }

    #[test]
    fn unrelated_frames_and_a_small_change_are_not_shifted() {
        let other: Vec<String> = (0..12)
            .map(|i| format!("{:03} Không liên quan {i}", i * 37))
            .collect();
        let other: Vec<&str> = other.iter().map(String::as_str).collect();
        assert_eq!(best(&list(0, 10, 40), &screen(&other, 40)), None);
        let a = screen(&["one", "two", "three"], 20);
        let b = screen(&["one", "TWO", "three"], 20);
        assert_eq!(best(&a, &b), None);
    }
}
