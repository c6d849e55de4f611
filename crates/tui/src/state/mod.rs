//! State of each screen and dialog, with the updates that only touch that state. `App` owns them
//! and routes actions to them.

pub mod bench;
pub mod editor;
pub mod explain;
pub mod form;
pub mod history;
pub mod overlay;
pub mod overview;
pub mod palette;
pub mod queue;
pub mod ranking;
pub mod reference;
pub mod walk;

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
