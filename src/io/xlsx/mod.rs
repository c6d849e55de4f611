//! Workbooks: reading a sheet for the imports (`calamine`), writing the appraisal workbook, the
//! ranking and the import template (`rust_xlsxwriter`). Every workbook is built in memory and
//! written atomically (`io::atomic`).

pub mod read;

pub use read::{is_workbook, read_sheet, sheet_names};
