//! Small widgets shared by the views.

pub mod line_input;
