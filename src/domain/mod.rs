//! Pure domain model: no I/O, no sled, no terminal.

pub mod aggregate;
pub mod command;
pub mod event;
pub mod framework;
pub mod item;
pub mod member;
pub mod points;
pub mod state;
pub mod status;
pub mod units;

pub use command::{Command, SelfRow, SurveyRow};
pub use event::{Change, Event, EventBody};
pub use framework::{Framework, Method, Node};
pub use item::{Appraisal, Dispute, Evidence, Item, ItemKey, SelfAssessment, Touch, UnitState};
pub use member::{Member, Role};
pub use points::Points;
pub use status::{Outcome, Status};
pub use units::{Unit, UnitSet};
