//! The workbench TUI (SPEC W1–W8, W12, W13).

pub mod action;
pub mod i18n;
pub mod key;
pub mod keymap;
pub mod term;
pub mod text;
pub mod theme;
pub mod widgets;
pub mod worddiff;

pub use action::{Action, Context};
pub use key::Key;
pub use keymap::{Binding, KeyBuffer, Keymap, KeymapError, Resolution};
