//! State of each screen and dialog, with the updates that only touch that state. `App` owns them
//! and routes actions to them.

pub mod bench;
pub mod editor;
pub mod form;
pub mod history;
pub mod overlay;
pub mod overview;
pub mod palette;
pub mod walk;

/// Scroll offset that keeps `cursor` inside a window of `height` rows, moving as little as
/// possible from `offset`.
pub fn keep_visible(cursor: usize, offset: usize, height: usize) -> usize {
    let height = height.max(1);
    if cursor < offset {
        cursor
    } else if cursor >= offset + height {
        cursor + 1 - height
    } else {
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::keep_visible;

    #[test]
    fn scrolls_only_when_the_cursor_leaves_the_window() {
        assert_eq!(keep_visible(0, 0, 10), 0);
        assert_eq!(keep_visible(9, 0, 10), 0);
        assert_eq!(keep_visible(10, 0, 10), 1);
        assert_eq!(keep_visible(5, 8, 10), 5);
        assert_eq!(keep_visible(12, 8, 10), 8);
        assert_eq!(keep_visible(3, 0, 0), 3);
    }
}
