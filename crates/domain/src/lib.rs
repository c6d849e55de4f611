//! Pure domain model: no I/O, no sled, no terminal.

pub mod aggregate;
pub mod assignment;
pub mod attention;
pub mod bundled;
pub mod carry;
pub mod clock;
pub mod command;
pub mod draft;
pub mod durable;
pub mod event;
pub mod file_error;
pub mod framework;
pub mod framework_file;
pub mod item;
pub mod limits;
pub mod lineage;
pub mod member;
pub mod nfc;
pub mod number;
pub mod official;
pub mod points;
pub mod published;
pub mod round;
pub mod sipas;
pub mod state;
pub mod status;
pub mod story;
pub mod survey;
pub mod totals;
pub mod units;
pub mod units_file;
pub mod verify_report;
pub mod whatif;
pub mod worddiff;
pub mod year;

/// Small frameworks and unit sets for the tests of this and other crates.
#[cfg(any(test, feature = "testutil"))]
pub mod testutil;

mod toml_read;

pub use assignment::{Assignment, Assignments};
pub use command::{Command, CommandKind, ImportHead, ImportKind, ImportRows, SelfRow, SurveyRow};
pub use draft::Draft;
pub use event::{Change, Committed, Event, EventBody, NewEvent};
pub use file_error::{FileError, FileErrorKind};
pub use framework::{Framework, Method, Node};
pub use framework_file::parse_framework;
pub use item::{
    Appraisal, Council, CouncilDecision, Dispute, Evidence, Item, ItemKey, ItemSummary,
    SelfAssessment, Touch, UnitState, UnitSummaries,
};
pub use member::{Member, Role};
pub use points::Points;
pub use published::{Published, PublishedAverage, PublishedRow, ResultsFault};
pub use round::{Round, RoundScope};
pub use sipas::{Channel, ResponseBatch, ResponseUpload, SurveyResults, UnitTally};
pub use status::{Outcome, Status};
pub use survey::{SurveyDef, parse_survey};
pub use toml_read::line_col;
pub use totals::UnitTotals;
pub use units::{Unit, UnitSet};
pub use units_file::parse_units;
pub use verify_report::{BackupSummary, Seal, VerifyReport};
pub use year::{YearContext, YearData, YearFileError};
