//! Help (F1 / ?): every key of the live keymap, the current context's first, with the status
//! marks and any problems found in the user's keymap file. It has no state but its scroll.

mod keys;
pub mod view;
