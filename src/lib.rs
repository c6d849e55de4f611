//! thamdinh — the PAR INDEX appraisal workbench: the command line over the layers in `crates/`.
//!
//! The layers are crates, each calling only downward (docs/ARCHITECTURE.md); this crate is
//! the `thamdinh` binary's command line and nothing else.

pub mod cli;
