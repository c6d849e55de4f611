//! The national ranking (SPEC W10): every unit by proposed and by self index, the regional and
//! national averages, and the selected unit's areas as bars.

mod keys;
pub mod state;
pub mod view;

pub use state::{Average, RankSort, RankingState, WhatIf};
