//! The terminal workbench. For now: what keys mean (actions, contexts, keys, keymaps).

pub mod action;
pub mod key;
pub mod keymap;

pub use action::{Action, Context};
pub use key::Key;
pub use keymap::{Binding, KeyBuffer, Keymap, KeymapError, Resolution};
