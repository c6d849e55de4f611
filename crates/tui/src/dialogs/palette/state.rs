//! The search palette (SPEC W7): the query, the hits and the cursor. The index is built once per
//! year and kept by the app; this holds what one opening of the palette shows.

use crate::widgets::line_input::LineInput;
use search::fuzzy::Hit;

#[derive(Clone, Debug, Default)]
pub struct PaletteState {
    pub input: LineInput,
    pub hits: Vec<Hit>,
    pub cursor: usize,
    pub offset: usize,
}
