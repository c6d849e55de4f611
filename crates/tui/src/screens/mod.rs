//! The full screens, each with its state, its view and its keys in one folder: the units
//! overview, a unit's workbench (tree, detail pane, areas compared), walk mode, the disputes and
//! audit queue, and the ranking. `App` owns their states and routes actions to them.

pub mod bench;
pub mod overview;
pub mod queue;
pub mod ranking;
pub mod walk;

/// A cursor moved by `delta` rows in a list of `len`, kept inside it.
pub fn step(cursor: usize, len: usize, delta: isize) -> usize {
    if len == 0 {
        return 0;
    }
    (cursor as isize)
        .saturating_add(delta)
        .clamp(0, len as isize - 1) as usize
}

/// A scroll position moved by `delta` lines, between 0 and `max`.
pub fn scroll(offset: u16, delta: isize, max: u16) -> u16 {
    (offset as isize)
        .saturating_add(delta)
        .clamp(0, max as isize) as u16
}

/// Scroll offset that keeps `cursor` inside a window of `height` rows, moving as little as
/// possible from `offset`.
pub fn keep_visible(cursor: usize, offset: usize, height: usize, len: usize) -> usize {
    let height = height.max(1);
    let offset = if cursor < offset {
        cursor
    } else if cursor >= offset + height {
        cursor + 1 - height
    } else {
        offset
    };
    // Never scroll past the end: a short tail would leave the window half empty.
    offset.min(len.saturating_sub(height))
}

#[cfg(test)]
mod tests {
    use super::keep_visible;

    #[test]
    fn scrolls_only_when_the_cursor_leaves_the_window() {
        assert_eq!(keep_visible(0, 0, 10, 100), 0);
        assert_eq!(keep_visible(9, 0, 10, 100), 0);
        assert_eq!(keep_visible(10, 0, 10, 100), 1);
        assert_eq!(keep_visible(5, 8, 10, 100), 5);
        assert_eq!(keep_visible(12, 8, 10, 100), 8);
        assert_eq!(keep_visible(3, 0, 0, 100), 3);
    }

    #[test]
    fn never_scrolls_past_the_end_of_the_list() {
        // 63 units in 19 rows: selecting row 50 from the top shows rows 44..63, not 50..69.
        assert_eq!(keep_visible(50, 60, 19, 63), 44);
        // A list shorter than the window never scrolls.
        assert_eq!(keep_visible(3, 2, 19, 5), 0);
    }
}
