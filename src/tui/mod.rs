//! The workbench TUI (SPEC W1–W8, W12, W13).

pub mod i18n;
pub mod term;
pub mod text;
pub mod theme;
pub mod widgets;
pub mod worddiff;
