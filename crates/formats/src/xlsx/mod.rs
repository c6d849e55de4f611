//! Workbooks: reading a sheet for the imports (`calamine`), writing the appraisal workbook, the
//! ranking and the import template (`rust_xlsxwriter`). Every workbook is built in memory and
//! written atomically (`io::atomic`).

pub mod appraisal;
pub mod ranking;
pub mod read;
pub mod style;
pub mod template;
pub mod workbook;

pub use read::{is_workbook, read_sheet, sheet_names, visible_sheet_names};
pub use template::{TemplateKind, template_workbook, write_template};
pub use workbook::{
    appraisal_workbook, ranking_workbook, write_appraisal_xlsx, write_ranking_xlsx,
};
