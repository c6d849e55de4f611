//! File formats: import parsing and export writing. Every file write is atomic.

pub mod atomic;
pub mod audit;
pub mod csv_cell;
pub mod export;
pub mod markdown;
pub mod problem;
pub mod published_report;
pub mod ranking_report;
pub mod responses_import;
pub mod results_import;
pub mod scorecard;
pub mod self_import;
pub mod sipas_report;
pub mod story;
pub mod table;
pub mod unit_cell;
pub mod whatif_report;
pub mod xlsx;

pub use atomic::{write_atomic, write_atomic_with};
pub use problem::{EvidencePart, EvidenceProblem, ImportProblem, ProblemKind, Problems};
pub use self_import::{FileFormat, parse_self, parse_self_csv, parse_survey, parse_survey_csv};
