//! The messages between a client and the store's server (docs/REQUIREMENTS.md, "Server and protocol").
//!
//! A connection starts with a handshake: the client sends a [`Hello`] frame naming its
//! [`PROTOCOL_VERSION`]; the server answers [`HelloReply::Welcome`] (with the user it identified
//! from the socket's peer credentials) or [`HelloReply::Refused`]. `Hello` and `HelloReply` keep
//! this shape in every version, so a mismatch is always reported with both versions. After the
//! handshake the client sends [`ClientRequest`]s, each with an id; the server sends
//! [`ServerMsg`]s: zero or more `Part`s and then one `Reply` for each id, and `Notice`s (committed
//! events, presence) whenever they happen.

pub mod frame;
pub mod list;

use domain::official::Official;
use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use api::WorkbenchError;
use api::{HistoryQuery, PresenceEntry};
use domain::UnitTotals;
use domain::{
    Assignments, Command, Event, Item, ItemKey, Member, Role, Round, UnitState, UnitSummaries,
};
use domain::{Draft, ImportHead, ImportRows, NewEvent, VerifyReport, YearData};
use l10n::Lang;

/// Bump on any change of the messages below.
/// 2: `Hello::notices`, `Request::Subscribe`, `Request::ApplySummary`,
/// `Request::ItemSummaries`, `Request::Rounds`.
/// 3: `Request::Plan` (a dry run), `WorkbenchError` (was the engine's error, same encoding).
/// 4: `WorkbenchError::{TooLong, TooManyEvidence, TooManyDrafts, BadUserName}`; answers and
/// catch-ups cut into parts by size, frames from the server up to `SERVER_FRAME_MAX`, request
/// limits by role.
/// 5: `WorkbenchError::{JustificationTooShort, NothingToRedo}`;
/// `FrameworkMeta::justification_min_chars`; `Command::{UndoIn, Redo}`; imports streamed in
/// pieces (`Request::ImportBegin`, `ImportRows`, `ImportEnd`, `ImportAbandon`, one id,
/// committed once at the end) instead of one request; `WRITER_REQUEST_MAX` 128 MiB → 16 MiB.
/// 6: `Request::UnitTotals` / `Reply::UnitTotals`: a workbench starts with each unit's totals
/// and counts, not every item's summary; a unit's items come when it is opened.
/// 7: `Request::Official` / `Reply::Official`; `Command::{ApproveResults, PublishResults,
/// ReopenResults}`; `WorkbenchError::{ResultsApproved, OfficialStage, UnitsNotFinalized,
/// TextMissing, DateInFuture}`.
/// 8: `Request::Assignments` / `Reply::Assignments`; `Command::{Assign, EnforceAssignments}`;
/// `WorkbenchError::{UnknownArea, NotAnAppraiser, AssignedToOther}`.
/// 9: `Request::{Published, PublishedYears}` / `Reply::{Published, PublishedYears}`,
/// `Command::ImportResults`, `Change::ResultsPublished`, `WorkbenchError::{ResultsExist,
/// YearHasItems, BadResults}`: the published results of a year (`import results`).
/// 10: `VerifyReport`'s damage and state difference in both languages (`l10n::Said`), so a
/// Vietnamese reader is not shown the store's English.
/// 11: `Refusal::{TooManySessions, ServerFull, UserLookupFailed}`: sessions are limited per user
/// (`SESSIONS_PER_USER`) and in all, and a user database that cannot be read (the server out of
/// file descriptors) is said as such, not as an unknown user.
/// 12: `Request::Responses` / `Reply::Responses`, `Command::{ImportResponses, ComputeSurvey}`,
/// `Change::ResponsesImported`, `WorkbenchError::{DuplicateRespondents, Survey}`: survey
/// responses and the survey points computed from them (issue 16).
pub const PROTOCOL_VERSION: u32 = 12;

// The limits of a connection (SPEC S5). What a connection can make the server hold is bounded
// at every step:
// - before the hello: at most `PENDING_HELLOS` connections of one user (`PENDING_HELLOS_ALL` of
//   everyone) wait for their hello; more are closed at once. The hello is at most `HELLO_MAX`
//   bytes and must arrive whole within `HELLO_DEADLINE` (one deadline for the frame);
// - after it: a request is at most `READER_REQUEST_MAX` bytes from a member who cannot write
//   (an auditor: reads, presence, drafts) and `WRITER_REQUEST_MAX` from one who may (a year's
//   framework and units, a small import in one command); a request over `READER_REQUEST_MAX`
//   is read only by one session at a time, within `LARGE_REQUEST_DEADLINE`; one over
//   `SMALL_REQUEST` only while all of them being received fit in `REQUESTS_IN_FLIGHT`, within
//   the same deadline; one user holds at most `SESSIONS_PER_USER` sessions;
// - an import of any size comes in pieces (`Request::ImportRows`, each about
//   `IMPORT_PIECE_BYTES`, so each within the limits above) and is written as it comes: the
//   server never holds more than a piece of it; the whole of it must arrive within
//   `IMPORT_DEADLINE` of its first piece being awaited (other commits wait meanwhile);
// - answers and notices go out in frames of about `PART_BYTES` (and at most `CHUNK` elements),
//   whatever the texts they hold; a catch-up is read from the store a page (`PAGE_BYTES`) at a
//   time as the client reads it; each connection's outgoing queue is bounded in bytes (the
//   server's `hub::outbox`): a client that does not read is disconnected, and catches up when
//   it reconnects.

/// Sessions (connections past their hello) one user may have open at once; one more is refused
/// with `Refusal::TooManySessions`. A person has a workbench or two and runs a few commands;
/// a member holding hundreds would leave the server no file descriptors for anyone else.
pub const SESSIONS_PER_USER: usize = 16;
/// Sessions of all users at once (`Refusal::ServerFull` past it). The server also keeps this
/// under what its file-descriptor limit allows (each session holds a few descriptors), so a
/// user lookup or a store file never fails for want of one.
pub const SESSIONS_ALL: usize = 512;

/// Long answers streamed a page at a time, all sessions together: a user's history or the whole
/// trail (`audit` without a unit), and a catch-up of more than [`CATCH_UP_FREE`] events. Each
/// holds a page of events (megabytes, with long texts) while its client reads; members whose
/// many sessions ask and never read make the server hold no more than this many (the issue 13
/// re-test: 5 members × 16 sessions catching up from 0 took 417 MB before). At most one per
/// user, and a freed turn goes to the waiting user served least recently, so one member cannot
/// hold them all, nor keep a user who has not had one waiting. The others wait, holding nothing;
/// a stream whose client stops reading is cut after `STALL`. One item's or one unit's history,
/// and the few events a workbench missed while it reconnected, are small and never wait.
pub const LONG_STREAMS: usize = 4;

/// A catch-up of at most this many events is sent at once; a longer one waits for a turn among
/// the [`LONG_STREAMS`].
pub const CATCH_UP_FREE: u64 = 1_000;

/// The most bytes a hello may have.
pub const HELLO_MAX: usize = 64 * 1024;
/// The time a new connection has to send its whole hello.
pub const HELLO_DEADLINE: Duration = Duration::from_secs(5);
/// Connections of one user that may be waiting for their hello at once; more are closed at once.
pub const PENDING_HELLOS: usize = 32;
/// Connections of all users that may be waiting for their hello at once.
pub const PENDING_HELLOS_ALL: usize = 128;
/// The largest request of a member who cannot write (an auditor). Its longest legitimate
/// requests are a draft (16 KiB of text) or a history query.
pub const READER_REQUEST_MAX: usize = 1024 * 1024;
/// Requests up to this size are read as they come. A larger one (up to `READER_REQUEST_MAX`)
/// is read only once it fits in `REQUESTS_IN_FLIGHT` with the others being received, and must
/// then arrive whole within `LARGE_REQUEST_DEADLINE`.
pub const SMALL_REQUEST: usize = 64 * 1024;
/// The most bytes of requests between `SMALL_REQUEST` and `READER_REQUEST_MAX` the server
/// receives at once, all sessions together (a member holding many sessions each with a request
/// sent but for its last byte makes the server hold no more than this).
pub const REQUESTS_IN_FLIGHT: usize = 32 * 1024 * 1024;
/// The largest request of a member who may write: a year's framework and units (a few hundred
/// KB), a small import in one command. A large import comes in pieces.
pub const WRITER_REQUEST_MAX: usize = 16 * 1024 * 1024;
/// About how many bytes of JSON a client puts in one piece of an import (`Request::ImportRows`);
/// a row larger than this goes alone.
pub const IMPORT_PIECE_BYTES: usize = 256 * 1024;
/// The time an import sent in pieces has to arrive whole, from when the server starts reading
/// its rows (it holds the store's commit meanwhile).
pub const IMPORT_DEADLINE: Duration = Duration::from_secs(60);
/// The time a request over `READER_REQUEST_MAX` has to arrive whole once its length came.
pub const LARGE_REQUEST_DEADLINE: Duration = Duration::from_secs(60);
/// The largest frame a client accepts from its server. Parts are about `PART_BYTES`, but one
/// element (an item, an event with its texts before and after) goes whole into one part, and a
/// store written before the text limits may hold texts of many megabytes: the client trusts its
/// server's lengths up to what the prefix can say, and still allocates only what has arrived.
pub const SERVER_FRAME_MAX: usize = frame::LENGTH_MAX;

/// About how many bytes of JSON one `Part` (or notice) of a long answer holds: parts are cut by
/// size, so no frame grows with the texts in it (one element larger than this goes alone).
pub const PART_BYTES: usize = 4 * 1024 * 1024;
/// About how many bytes of JSON one page of a catch-up holds (a `Notice` of committed events
/// read from the store as the client reads them).
pub const PAGE_BYTES: usize = 1024 * 1024;
/// At most this many items or events per `Part` of a long answer or notice.
pub const CHUNK: usize = 2_000;
/// Bytes of backup text per `Part`.
pub const BACKUP_CHUNK: usize = 1024 * 1024;

/// The client's first frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hello {
    pub protocol: u32,
    /// The client program and version, for the server's log ("thamdinh 0.1.0").
    #[serde(default)]
    pub program: String,
    /// When reconnecting: the last event seq this client has seen. The server first sends every
    /// later event as `Notice::Committed`, so nothing committed meanwhile is missed.
    #[serde(default)]
    pub since: Option<u64>,
    /// Whether this connection wants the committed events as notices from the start. A client
    /// that only runs a command (an import of 200,000 rows) does not; a workbench asks with
    /// `Request::Subscribe` before it loads what it shows.
    #[serde(default = "yes")]
    pub notices: bool,
}

fn yes() -> bool {
    true
}

/// The server's first frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HelloReply {
    Welcome(Welcome),
    Refused(Refusal),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Welcome {
    pub protocol: u32,
    pub program: String,
    /// This connection's session number (as in `PresenceEntry::session`).
    pub session: u64,
    /// Who the server says the client is (from the peer credentials).
    pub user: String,
    pub role: Option<Role>,
    pub server_pid: u32,
    pub started: Timestamp,
    pub store: PathBuf,
    /// Seq of the last event committed when the session started.
    pub last_seq: u64,
    /// The events after `Hello::since` follow as notices. `false` when there were too many to
    /// send one by one (more than [`MAX_CATCH_UP`]): the client must reload what it shows.
    pub catch_up: bool,
}

/// The most missed events a reconnecting client is sent one by one (in pages, read from the
/// store as the client reads them); more, and it reloads what it shows instead.
pub const MAX_CATCH_UP: u64 = 500_000;

/// Why the server will not talk to a client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Refusal {
    /// Client and server speak different protocol versions.
    Version {
        server: u32,
        client: u32,
        server_program: String,
        server_pid: u32,
    },
    /// The user is not a member of the store (the error names the leads who can add them).
    NotMember(WorkbenchError),
    /// The connecting uid has no entry in the system user database.
    UnknownUser { uid: u32 },
    /// The server is stopping; connect again in a moment.
    ShuttingDown,
    /// The first frame was not a `Hello`.
    BadHello { reason: String },
    /// `user` already has `open` sessions, the most one user may have (`max`).
    TooManySessions {
        user: String,
        open: usize,
        max: usize,
    },
    /// The server holds as many sessions as it can (`max`, of all users).
    ServerFull { max: usize },
    /// The server could not read the system user database to learn who uid `uid` is (`reason`,
    /// the system's error): nothing is known to be wrong with the account.
    UserLookupFailed { uid: u32, reason: String },
}

impl Refusal {
    pub fn message(&self, lang: Lang) -> String {
        let vi = lang == Lang::Vi;
        match self {
            Refusal::Version {
                server,
                client,
                server_program,
                server_pid,
            } => {
                if vi {
                    format!(
                        "máy chủ của kho ({server_program}, tiến trình {server_pid}) dùng giao thức phiên bản {server}, chương trình này dùng phiên bản {client}. Hãy dùng cùng một phiên bản thamdinh; sau khi nâng cấp, dừng máy chủ cũ (kill {server_pid}) để lệnh tiếp theo khởi động máy chủ mới."
                    )
                } else {
                    format!(
                        "the store's server ({server_program}, process {server_pid}) speaks protocol version {server}; this program speaks version {client}. Use the same thamdinh version; after an upgrade, stop the old server (kill {server_pid}) and the next command starts a new one."
                    )
                }
            }
            Refusal::NotMember(e) => e.message(lang),
            Refusal::UnknownUser { uid } => {
                if vi {
                    format!(
                        "mã người dùng {uid} không có trong danh sách người dùng của hệ thống; máy chủ không biết bạn là ai."
                    )
                } else {
                    format!(
                        "user id {uid} has no entry in the system user database; the server cannot tell who you are."
                    )
                }
            }
            Refusal::ShuttingDown => {
                if vi {
                    "máy chủ đang dừng; hãy thử lại sau giây lát.".into()
                } else {
                    "the server is stopping; try again in a moment.".into()
                }
            }
            Refusal::BadHello { reason } => {
                if vi {
                    format!("lời chào đầu tiên không hợp lệ: {reason}")
                } else {
                    format!("the first message was not a valid hello: {reason}")
                }
            }
            Refusal::TooManySessions { user, open, max } => {
                if vi {
                    format!(
                        "tài khoản {user} đã mở {open} kết nối tới máy chủ của kho, tối đa là {max}; hãy đóng bớt cửa sổ thamdinh (hoặc chờ các lệnh đang chạy xong) rồi thử lại."
                    )
                } else {
                    format!(
                        "the account {user} already has {open} connections to the store's server, the most one account may have is {max}; close some thamdinh windows (or wait for running commands to finish) and try again."
                    )
                }
            }
            Refusal::ServerFull { max } => {
                if vi {
                    format!(
                        "máy chủ của kho đang phục vụ {max} kết nối, mức tối đa của nó; hãy thử lại sau ít phút. Nếu việc này lặp lại, hãy báo quản trị viên (server.log của kho ghi tài khoản nào mở nhiều kết nối)."
                    )
                } else {
                    format!(
                        "the store's server is serving {max} connections, the most it takes; try again in a few minutes. If this keeps happening, tell the administrator (the store's server.log shows which accounts hold many connections)."
                    )
                }
            }
            Refusal::UserLookupFailed { uid, reason } => {
                if vi {
                    format!(
                        "máy chủ của kho không đọc được danh sách người dùng của hệ thống để biết mã người dùng {uid} là ai ({reason}); tài khoản của bạn không có vấn đề gì. Hãy thử lại sau giây lát; nếu vẫn lỗi, hãy báo quản trị viên (xem server.log của kho)."
                    )
                } else {
                    format!(
                        "the store's server could not read the system user database to learn who user id {uid} is ({reason}); nothing is wrong with your account. Try again in a moment; if it keeps failing, tell the administrator (see the store's server.log)."
                    )
                }
            }
        }
    }
}

/// A request with the id its answer will carry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRequest {
    pub id: u64,
    pub request: Request,
}

/// Everything a client can ask (one per `Workbench` method, plus presence and status).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    Role,
    Members,
    Years,
    /// The framework and units sources of a year (the client parses them itself).
    YearData {
        year: u16,
    },
    Items {
        year: u16,
        unit: Option<String>,
    },
    Item {
        key: ItemKey,
    },
    /// The summary of every item of a year (`ItemSummary`: scores, status, version), answered
    /// with `Reply::UnitSummaries` in parts.
    ItemSummaries {
        year: u16,
    },
    /// The totals and counts of the units of a year (`UnitTotals`), or of the units named.
    UnitTotals {
        year: u16,
        units: Option<Vec<String>>,
    },
    UnitStates {
        year: u16,
    },
    Rounds {
        year: u16,
    },
    Official {
        year: u16,
    },
    /// The assignments of a year and whether it enforces them.
    Assignments {
        year: u16,
    },
    /// The published results of a year (`Reply::Published`).
    Published {
        year: u16,
    },
    PublishedYears,
    /// The imports of survey responses of a year (`Reply::Responses`).
    Responses {
        year: u16,
    },
    History(HistoryQuery),
    Apply(Command),
    /// Like `Apply`, answered with `Reply::AppliedSummary` instead of the events themselves
    /// (a client that only reports how many changes were recorded).
    ApplySummary(Command),
    /// A dry run of `Apply`: answered with the events the command would write
    /// (`Part::Planned` pieces, then `Reply::Planned`), nothing written.
    Plan(Command),
    /// The start of an import whose rows follow in pieces: `ImportRows` requests with the same
    /// id, then `ImportEnd` (commit them all at once) or `ImportAbandon` (write nothing); no
    /// other request may come in between (one that does ends the import, nothing written).
    /// Answered once: `Reply::AppliedSummary` after the end (`Reply::Done` when abandoned), or
    /// with `plan`, the events it would write as `Part::Planned` pieces as the rows come and
    /// `Reply::Planned` after the end. A refusal may come before the end: the rest of the
    /// import is then read and dropped.
    ImportBegin {
        head: ImportHead,
        #[serde(default)]
        plan: bool,
    },
    /// A piece of the rows of the import begun with this id.
    ImportRows(ImportRows),
    /// The import's last piece was sent: `rows` rows in all (checked by the server).
    ImportEnd {
        rows: u64,
    },
    /// Give up the import begun with this id: nothing is written.
    ImportAbandon,
    /// Send this session the committed events as notices from now on; answered with
    /// `Reply::LastSeq` (every later event is sent).
    Subscribe,
    Draft {
        key: ItemKey,
    },
    PutDraft {
        key: ItemKey,
        draft: Draft,
    },
    DeleteDraft {
        key: ItemKey,
    },
    LastSeq,
    /// Where this session is (SPEC W11); everyone gets the new presence list.
    Presence {
        unit: Option<(u16, String)>,
        editing: Option<ItemKey>,
    },
    Verify,
    /// The store's seal now.
    Seal,
    /// The event log as JSON lines, in `Part::Backup` pieces.
    Backup,
    Status,
}

impl Request {
    /// A short name for logs and messages ("apply import-self", "backup"), never its data.
    pub fn name(&self) -> String {
        match self {
            Request::Role => "role".into(),
            Request::Members => "members".into(),
            Request::Years => "years".into(),
            Request::YearData { .. } => "year-data".into(),
            Request::Items { .. } => "items".into(),
            Request::Item { .. } => "item".into(),
            Request::ItemSummaries { .. } => "item-summaries".into(),
            Request::UnitTotals { .. } => "unit-totals".into(),
            Request::UnitStates { .. } => "unit-states".into(),
            Request::Rounds { .. } => "rounds".into(),
            Request::Official { .. } => "official".into(),
            Request::Assignments { .. } => "assignments".into(),
            Request::Published { .. } => "published".into(),
            Request::PublishedYears => "published-years".into(),
            Request::Responses { .. } => "responses".into(),
            Request::History(_) => "history".into(),
            Request::Apply(c) | Request::ApplySummary(c) => format!("apply {}", c.name()),
            Request::Plan(c) => format!("plan {}", c.name()),
            Request::ImportBegin { head, plan } => format!(
                "{} {}",
                if *plan { "plan" } else { "apply" },
                head.kind.command().name()
            ),
            Request::ImportRows(_) => "import-rows".into(),
            Request::ImportEnd { .. } => "import-end".into(),
            Request::ImportAbandon => "import-abandon".into(),
            Request::Subscribe => "subscribe".into(),
            Request::Draft { .. } => "draft".into(),
            Request::PutDraft { .. } => "put-draft".into(),
            Request::DeleteDraft { .. } => "delete-draft".into(),
            Request::LastSeq => "last-seq".into(),
            Request::Presence { .. } => "presence".into(),
            Request::Verify => "verify".into(),
            Request::Seal => "seal".into(),
            Request::Backup => "backup".into(),
            Request::Status => "status".into(),
        }
    }
}

/// The final answer to a request. Long lists come in `Part`s first; the reply holds the rest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply {
    Role(Option<Role>),
    Members(Vec<Member>),
    Years(Vec<u16>),
    YearData(YearData),
    Items(Vec<Item>),
    UnitSummaries(Vec<UnitSummaries>),
    Item(Option<Box<Item>>),
    UnitTotals(Vec<UnitTotals>),
    UnitStates(Vec<(String, UnitState)>),
    Rounds(Vec<Round>),
    Official(Option<Official>),
    Assignments(Assignments),
    Published(Option<Box<domain::Published>>),
    PublishedYears(Vec<u16>),
    Responses(Vec<domain::ResponseBatch>),
    Events(Vec<Event>),
    /// The events a command committed (durable when this is sent).
    Applied(Vec<Event>),
    /// How many events a command committed (durable when this is sent), and the last seq.
    AppliedSummary {
        events: u64,
        last_seq: u64,
    },
    /// The events a command would write (a dry run).
    Planned(Vec<NewEvent>),
    Draft(Option<Draft>),
    LastSeq(u64),
    Verify(VerifyReport),
    Seal(domain::Seal),
    /// The backup is complete: this many events, ending at this seal, were sent.
    BackupDone(domain::BackupSummary),
    Status(ServerStatus),
    Done,
}

/// A piece of a long answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Part {
    Items(Vec<Item>),
    UnitSummaries(Vec<UnitSummaries>),
    Events(Vec<Event>),
    Planned(Vec<NewEvent>),
    Backup(String),
}

/// What `thamdinh doctor` shows about the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerStatus {
    pub pid: u32,
    pub program: String,
    pub started: Timestamp,
    pub store: PathBuf,
    pub last_seq: u64,
    pub sessions: Vec<PresenceEntry>,
}

/// Pushed to every client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WireNotice {
    Committed(Vec<Event>),
    Presence(Vec<PresenceEntry>),
    /// More events were committed at once than are sent one by one (a large import), up to
    /// this seq: reload what is shown.
    Resync {
        last_seq: u64,
    },
}

/// Every frame the server sends after the handshake.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServerMsg {
    Reply {
        id: u64,
        result: Result<Reply, WorkbenchError>,
    },
    Part {
        id: u64,
        part: Part,
    },
    Notice(WireNotice),
}

/// "thamdinh 0.1.0".
pub fn program() -> String {
    format!("thamdinh {}", env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hello_from_a_newer_client_still_shows_its_version() {
        // Future versions may add fields: the server must still read `protocol` to refuse.
        let text = r#"{"protocol": 99, "program": "thamdinh 9.0", "since": null, "extra": [1]}"#;
        let h: Hello = serde_json::from_str(text).unwrap();
        assert_eq!(h.protocol, 99);
    }

    #[test]
    fn a_version_refusal_names_both_versions_and_the_way_out() {
        let r = Refusal::Version {
            server: 2,
            client: 1,
            server_program: "thamdinh 0.2.0".into(),
            server_pid: 4242,
        };
        for lang in [Lang::En, Lang::Vi] {
            let m = r.message(lang);
            assert!(
                m.contains('2') && m.contains('1') && m.contains("kill 4242"),
                "{m}"
            );
        }
    }

    #[test]
    fn messages_round_trip_through_frames() {
        let req = ClientRequest {
            id: 3,
            request: Request::Apply(Command::Agree {
                key: ItemKey::new(2024, "44", "1.1.1"),
                expected: 2,
            }),
        };
        let bytes = frame::encode(&req).unwrap();
        let back: ClientRequest = frame::read_msg(&mut &bytes[..]).unwrap();
        assert_eq!(back, req);
        let reply = ServerMsg::Reply {
            id: 3,
            result: Err(WorkbenchError::ReadOnly {
                user: "kiemtra".into(),
            }),
        };
        let bytes = frame::encode(&reply).unwrap();
        let back: ServerMsg = frame::read_msg(&mut &bytes[..]).unwrap();
        assert_eq!(back, reply);
    }
}
