//! The journal: the record of every event, append-only, in segment files.
//!
//! ```text
//! DIR/journal/00000000000000000001.seg    segments, named by their first seq
//! segment  = "THDJ" (4) · format 1 (1) · first seq (u64 LE) · records…
//! record   = payload length (u32 LE) · CRC32C of the payload (u32 LE) · payload
//! payload  = seq (u64 LE) · flags (u8; bit 0: the last record of its commit)
//!            · place in its commit (u32 LE, 0 for the first) · hash (32) · body
//! ```
//! `hash = SHA-256(previous hash ‖ body)` (32 zero bytes before seq 1); the body is the event's
//! canonical bytes (`body`), opaque here. A commit is appended with one write and `fdatasync`ed
//! before it is acknowledged; a new segment is started at a commit boundary once the current
//! one reaches [`SEGMENT_BYTES`], and the directory is synced when it is.
//!
//! Opening reads every record (streaming, bounded memory) and checks framing, CRC, seq
//! contiguity across segments, the hash chain and the names of the files. What follows the last
//! complete commit is classified:
//! - a **torn tail** — anything after the last commit end of the last segment in which no
//!   record of a *later* commit can be found: the write of a commit that was never
//!   acknowledged (a crash mid-append). Page writeback may have stored later pages of that
//!   commit before earlier ones, so good records of the same commit may follow garbage: a
//!   record's place in its commit tells which commit it belongs to (seq − place is its first
//!   seq), so those are still torn, while a record of a later commit means damage.
//!   Opening only reports it; the store cuts it ([`Journal::cut_torn_tail`]) once it has
//!   checked that the state never recorded anything in it (a flipped byte in the last record
//!   looks like a torn tail: the state's applied seq tells the two apart).
//! - **damage** — a bad record followed by a good one, a bad record or a missing commit end in
//!   any but the last segment, a missing, extra or misnamed segment, a broken chain: an error
//!   naming the file, the offset and the seq. The journal never drops records to "fix" damage.
//!
//! Files are opened with `O_NOFOLLOW` and must be owned by this user; new ones are created with
//! `O_EXCL` and mode 0600 (the directory 0700), whatever the umask. The directory's device and
//! inode are kept, so a journal replaced or removed under the server is noticed
//! ([`Journal::still_in_place`]).

use std::fs::{File, OpenOptions};
use std::io::{self, ErrorKind};
use std::os::unix::fs::{DirBuilderExt, FileExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use std::ops::ControlFlow;

use l10n::Said;

use super::commit::chain_hash;

mod scan;

pub(crate) use scan::Rec;
use scan::Stop;

const MAGIC: &[u8; 4] = b"THDJ";
const FORMAT: u8 = 1;
const HEADER: u64 = 4 + 1 + 8;
/// Length and CRC before a payload.
const FRAME: u64 = 8;
/// Seq, flags, place in the commit and hash at the start of a payload.
const PAYLOAD_HEAD: usize = 8 + 1 + 4 + 32;
/// No record is larger: a damaged length cannot make a reader allocate more.
const MAX_PAYLOAD: u32 = 256 * 1024 * 1024;
/// A segment is closed at the first commit boundary after it reaches this size.
pub(crate) const SEGMENT_BYTES: u64 = 64 * 1024 * 1024;
/// Flag bit: the last record of its commit.
const COMMIT_END: u8 = 1;
/// One entry of the sparse index every this many records.
const INDEX_EVERY: u64 = 32;
/// Reads are done in pieces of this size.
const READ_CHUNK: usize = 1 << 20;
/// Bytes read at a time for one record ([`Journal::read`]): about the [`INDEX_EVERY`] records
/// between two index entries.
const POINT_READ_CHUNK: usize = 32 << 10;

/// A problem with the journal's files.
#[derive(Debug, thiserror::Error)]
pub(crate) enum JournalError {
    #[error("{file}: {source}")]
    Io {
        file: String,
        #[source]
        source: io::Error,
    },
    /// Damage: never repaired by the journal itself.
    #[error("{file}, byte {offset}, where event {seq} should be: {what}")]
    Damaged {
        file: String,
        offset: u64,
        seq: u64,
        what: Said,
    },
    /// A file that must not be trusted (a link, not ours, not a regular file).
    #[error("{file}: {what}")]
    Unsafe { file: String, what: Said },
    /// A caller's mistake (a seq that does not follow the head, a seq not in the journal).
    #[error("{0}")]
    Misuse(String),
    /// The journal directory, or the store directory holding it, is no longer the one opened
    /// (moved, replaced or deleted): a commit written there is not acknowledged.
    #[error("{dir} was moved, replaced or deleted while open")]
    Replaced { dir: String },
}

impl JournalError {
    /// The problem in both languages (`Display` is the English).
    pub(crate) fn said(&self) -> Said {
        match self {
            JournalError::Damaged {
                file,
                offset,
                seq,
                what,
            } => what.within(
                |v| format!("{file}, byte {offset}, chỗ lẽ ra là sự kiện {seq}: {v}"),
                |e| format!("{file}, byte {offset}, where event {seq} should be: {e}"),
            ),
            JournalError::Unsafe { file, what } => {
                what.within(|v| format!("{file}: {v}"), |e| format!("{file}: {e}"))
            }
            other => Said::new(other.to_string(), other.to_string()),
        }
    }

    /// The operating system's error, if that is what this is (a full disk, say).
    pub(crate) fn into_io(self) -> Result<io::Error, JournalError> {
        match self {
            JournalError::Io { source, .. } => Ok(source),
            other => Err(other),
        }
    }
}

/// How a journal is opened. Opening never changes a file: a torn tail is only cut by
/// [`Journal::cut_torn_tail`], once the caller has checked that nothing acknowledged is in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OpenMode {
    /// The server: files open for writing.
    Repair,
    /// `verify`: files open for reading only.
    ReadOnly,
}

/// A torn tail found at open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Torn {
    /// Index of the segment, and the length to cut it to (`None`: remove the segment, whose
    /// header was never completely written).
    segment: usize,
    keep: Option<u64>,
    /// What it is, for the log and for `verify`.
    pub what: Said,
}

/// What opening found besides the records.
#[derive(Clone, Debug, Default)]
pub(crate) struct Opened {
    pub head_seq: u64,
    /// A torn tail, still in the file.
    pub torn: Option<Torn>,
}

/// A record to append: seq, hash, body.
pub(crate) type Entry = (u64, [u8; 32], Vec<u8>);

/// One record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Record {
    pub seq: u64,
    pub hash: [u8; 32],
    pub body: Vec<u8>,
}

struct Segment {
    name: String,
    file: File,
    /// End of the last complete commit: where the next append goes.
    len: u64,
}

pub(crate) struct Journal {
    dir: PathBuf,
    /// The directory, open, and its (device, inode) and its parent's, to notice replacement.
    dir_fd: File,
    ids: [(u64, u64); 2],
    segments: Vec<Segment>,
    /// (seq, segment index, offset of its frame) every [`INDEX_EVERY`] records.
    index: Vec<(u64, usize, u64)>,
    head_seq: u64,
    head_hash: [u8; 32],
    segment_bytes: u64,
}

fn io_err(file: &Path, source: io::Error) -> JournalError {
    JournalError::Io {
        file: file.display().to_string(),
        source,
    }
}

fn segment_name(first: u64) -> String {
    format!("{first:020}.seg")
}

/// The effective uid of this process.
fn euid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// Refuse a path that is a link, not of the expected type, or not owned by this user.
fn check_owned(path: &Path, meta: &std::fs::Metadata, dir: bool) -> Result<(), JournalError> {
    let unsafe_ = |what: Said| JournalError::Unsafe {
        file: path.display().to_string(),
        what,
    };
    if meta.file_type().is_symlink() {
        return Err(unsafe_(a_link()));
    }
    if dir && !meta.is_dir() {
        return Err(unsafe_(Said::new(
            "không phải là thư mục",
            "is not a directory",
        )));
    }
    if !dir && !meta.is_file() {
        return Err(unsafe_(Said::new(
            "không phải là tệp thường",
            "is not a regular file",
        )));
    }
    if meta.uid() != euid() {
        let (owner, me) = (meta.uid(), euid());
        return Err(unsafe_(Said::new(
            format!(
                "thuộc về người dùng có mã {owner}, không phải người dùng này ({me}); chỉ chủ \
                 của kho mới được ghi vào"
            ),
            format!(
                "belongs to user id {owner}, not to this user ({me}); only the store's owner may \
                 write it"
            ),
        )));
    }
    Ok(())
}

/// A link where a store's file should be.
fn a_link() -> Said {
    Said::new(
        "là một liên kết tượng trưng (symlink); hãy xoá nó (tệp của kho không bao giờ là liên kết)",
        "is a symbolic link; remove it (a store's files are never links)",
    )
}

fn open_dir(dir: &Path) -> Result<(File, [(u64, u64); 2]), JournalError> {
    let meta = std::fs::symlink_metadata(dir).map_err(|e| io_err(dir, e))?;
    check_owned(dir, &meta, true)?;
    let fd = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(dir)
        .map_err(|e| io_err(dir, e))?;
    Ok((fd, ids_of(dir)?))
}

/// (device, inode) of the journal directory and of the store directory holding it.
fn ids_of(dir: &Path) -> Result<[(u64, u64); 2], JournalError> {
    let m = std::fs::symlink_metadata(dir).map_err(|e| io_err(dir, e))?;
    let parent = dir.parent().unwrap_or(Path::new("."));
    let p = std::fs::metadata(parent).map_err(|e| io_err(parent, e))?;
    Ok([(m.dev(), m.ino()), (p.dev(), p.ino())])
}

/// Open a segment relative to the journal's directory descriptor, never following a link and
/// never blocking (a FIFO put in its place), then check what was opened: a regular file of
/// this user.
fn open_segment(dir_fd: &File, dir: &Path, name: &str, write: bool) -> Result<File, JournalError> {
    use rustix::fs::{Mode, OFlags};
    let path = dir.join(name);
    let access = if write { OFlags::RDWR } else { OFlags::RDONLY };
    let fd = rustix::fs::openat(
        dir_fd,
        name,
        access | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| match e {
        rustix::io::Errno::LOOP => JournalError::Unsafe {
            file: path.display().to_string(),
            what: a_link(),
        },
        e => io_err(&path, e.into()),
    })?;
    let file = File::from(fd);
    let meta = file.metadata().map_err(|e| io_err(&path, e))?;
    check_owned(&path, &meta, false)?;
    Ok(file)
}

/// `fsync` the journal folder through the fd held open on it (so it is the folder the journal
/// was opened in, even if a path now names another).
fn sync_dir_fd(fd: &File, dir: &Path) -> Result<(), JournalError> {
    fd.sync_all().map_err(|e| io_err(dir, e))
}

/// Encode records as one commit (what [`Appender`] writes, whole).
#[cfg(test)]
fn frame(records: &[Entry]) -> Vec<u8> {
    let total: usize = records
        .iter()
        .map(|r| FRAME as usize + PAYLOAD_HEAD + r.2.len())
        .sum();
    let mut buf = Vec::with_capacity(total);
    for (i, (seq, hash, body)) in records.iter().enumerate() {
        let flags = if i + 1 == records.len() {
            COMMIT_END
        } else {
            0
        };
        let len = (PAYLOAD_HEAD + body.len()) as u32;
        let start = buf.len();
        buf.extend_from_slice(&len.to_le_bytes());
        buf.extend_from_slice(&[0; 4]);
        buf.extend_from_slice(&seq.to_le_bytes());
        buf.push(flags);
        buf.extend_from_slice(&(i as u32).to_le_bytes());
        buf.extend_from_slice(hash);
        buf.extend_from_slice(body);
        let crc = crc32c::crc32c(&buf[start + FRAME as usize..]);
        buf[start + 4..start + 8].copy_from_slice(&crc.to_le_bytes());
    }
    buf
}

/// A commit being appended: records are framed into a buffer and written when it reaches
/// [`WRITE_PIECE`]; nothing counts until [`Appender::commit`].
pub(crate) struct Appender<'j> {
    j: &'j mut Journal,
    /// Hash of the last record pushed (the chain goes on from it).
    prev: [u8; 32],
    /// Seq the next record must have.
    next: u64,
    first: u64,
    /// Where the commit starts in the last segment, and where the next piece goes.
    start: u64,
    at: u64,
    buf: Vec<u8>,
    index: Vec<(u64, usize, u64)>,
    done: bool,
}

/// A commit's records are written in pieces of about this size.
const WRITE_PIECE: usize = 4 << 20;

impl Appender<'_> {
    /// Add the next record; `last` marks the end of the commit.
    pub(crate) fn push(
        &mut self,
        seq: u64,
        hash: &[u8; 32],
        body: &[u8],
        last: bool,
    ) -> Result<(), JournalError> {
        if seq != self.next {
            return Err(JournalError::Misuse(format!(
                "event {seq} does not follow event {}",
                self.next - 1
            )));
        }
        if chain_hash(&self.prev, body) != *hash {
            return Err(JournalError::Misuse(format!(
                "event {seq}: its hash is not the chain's"
            )));
        }
        if (seq - 1).is_multiple_of(INDEX_EVERY) {
            let seg = self.j.segments.len() - 1;
            self.index.push((seq, seg, self.at + self.buf.len() as u64));
        }
        let len = (PAYLOAD_HEAD + body.len()) as u32;
        let start = self.buf.len();
        self.buf.extend_from_slice(&len.to_le_bytes());
        self.buf.extend_from_slice(&[0; 4]);
        self.buf.extend_from_slice(&seq.to_le_bytes());
        self.buf.push(if last { COMMIT_END } else { 0 });
        self.buf
            .extend_from_slice(&((seq - self.first) as u32).to_le_bytes());
        self.buf.extend_from_slice(hash);
        self.buf.extend_from_slice(body);
        let crc = crc32c::crc32c(&self.buf[start + FRAME as usize..]);
        self.buf[start + 4..start + 8].copy_from_slice(&crc.to_le_bytes());
        self.prev = *hash;
        self.next = seq + 1;
        if self.buf.len() >= WRITE_PIECE {
            self.write_piece()?;
        }
        Ok(())
    }

    fn write_piece(&mut self) -> Result<(), JournalError> {
        let Some(seg) = self.j.segments.last() else {
            return Err(JournalError::Misuse("no segment to append to".into()));
        };
        seg.file
            .write_all_at(&self.buf, self.at)
            .map_err(|e| io_err(&self.j.dir.join(&seg.name), e))?;
        self.at += self.buf.len() as u64;
        self.buf.clear();
        Ok(())
    }

    /// The journal being appended to, for reads of what it already holds (its head is where
    /// it was: nothing of this commit is read back).
    pub(crate) fn journal(&self) -> &Journal {
        self.j
    }

    /// Write what is left and `fdatasync`: the commit is durable, and the journal's head moves
    /// past it.
    pub(crate) fn commit(mut self) -> Result<(), JournalError> {
        if self.next == self.first {
            self.done = true;
            return Ok(());
        }
        self.write_piece()?;
        let Some(seg) = self.j.segments.last_mut() else {
            return Err(JournalError::Misuse("no segment to append to".into()));
        };
        seg.file
            .sync_data()
            .map_err(|e| io_err(&self.j.dir.join(&seg.name), e))?;
        // Durable, but where? A journal (or store folder) moved, replaced or deleted while the
        // commit was written holds it in a place nobody will read: it is not acknowledged, and
        // dropping the appender takes it out of that file again.
        if !self.j.still_in_place()? {
            return Err(JournalError::Replaced {
                dir: self.j.dir.display().to_string(),
            });
        }
        let Some(seg) = self.j.segments.last_mut() else {
            return Err(JournalError::Misuse("no segment to append to".into()));
        };
        seg.len = self.at;
        self.j.index.append(&mut self.index);
        self.j.head_seq = self.next - 1;
        self.j.head_hash = self.prev;
        self.done = true;
        Ok(())
    }
}

impl Drop for Appender<'_> {
    /// Not committed (an error, or the caller gave up): leave nothing of it in the file, so the
    /// next append starts at the same place.
    fn drop(&mut self) {
        if !self.done
            && let Some(seg) = self.j.segments.last()
        {
            let _ = seg
                .file
                .set_len(self.start)
                .and_then(|()| seg.file.sync_data());
        }
    }
}

/// Sequential reads of a segment in large pieces.
struct Cursor<'a> {
    file: &'a File,
    /// File offset of `buf[0]`.
    base: u64,
    buf: Vec<u8>,
    end: u64,
    /// Bytes read at a time (more for a longer record).
    chunk: usize,
}

impl<'a> Cursor<'a> {
    fn new(file: &'a File, from: u64, end: u64) -> Cursor<'a> {
        Cursor::with_chunk(file, from, end, READ_CHUNK)
    }

    fn with_chunk(file: &'a File, from: u64, end: u64, chunk: usize) -> Cursor<'a> {
        Cursor {
            file,
            base: from,
            buf: Vec::new(),
            end,
            chunk,
        }
    }

    /// The bytes at `[at, at + n)`, reading more when needed; `None` past the end.
    fn get(&mut self, at: u64, n: usize) -> io::Result<Option<&[u8]>> {
        let want_end = at + n as u64;
        if want_end > self.end {
            return Ok(None);
        }
        if at < self.base || want_end > self.base + self.buf.len() as u64 {
            let size = (n.max(self.chunk) as u64).min(self.end - at) as usize;
            self.buf.resize(size, 0);
            self.file.read_exact_at(&mut self.buf, at)?;
            self.base = at;
        }
        let s = (at - self.base) as usize;
        Ok(Some(&self.buf[s..s + n]))
    }
}

/// A record read from a segment, or why not. (`scan` reads whole segments; its tests check it
/// against this, record by record, with every field.)
#[cfg_attr(not(test), allow(dead_code))]
enum Read {
    Ok {
        seq: u64,
        flags: u8,
        /// Place in its commit (0 for the first record).
        place: u32,
        hash: [u8; 32],
        body: Vec<u8>,
        next: u64,
    },
    /// Not enough bytes for a whole record.
    Short,
    Bad(Said),
}

/// Why bytes are not a journal record, in both languages: the scan and the single read say the
/// same thing.
pub(crate) mod why {
    use l10n::Said;

    pub(super) fn impossible_length(len: u32) -> Said {
        Said::new(
            format!("độ dài bản ghi {len} byte là không thể có"),
            format!("a record length of {len} bytes is impossible"),
        )
    }

    pub(super) fn checksum() -> Said {
        Said::new(
            "mã kiểm tra (CRC) của bản ghi không khớp với nội dung của nó",
            "the record's checksum does not match its bytes",
        )
    }

    pub(super) fn unknown_flags(flags: u8) -> Said {
        Said::new(
            format!("bản ghi có cờ lạ {flags:#x}"),
            format!("unknown record flags {flags:#x}"),
        )
    }

    pub(crate) fn stands_where(seq: u64, expected: u64) -> Said {
        Said::new(
            format!("bản ghi {seq} nằm ở chỗ của sự kiện {expected}"),
            format!("record {seq} stands where event {expected} should"),
        )
    }

    pub(crate) fn altered() -> Said {
        Said::new(
            "mã băm của bản ghi không suy ra được từ sự kiện trước nó (bản ghi đã bị sửa)",
            "the record's hash does not follow from the event before it (it was altered)",
        )
    }

    pub(super) fn changed_while_open() -> Said {
        Said::new(
            "một bản ghi đọc được khi mở nhật ký nay không đọc được nữa (tệp đã bị thay đổi khi kho \
             đang mở)",
            "a record read when the journal was opened no longer reads (the file was changed \
             while the store was open)",
        )
    }

    pub(super) fn out_of_place(seq: u64, place: u32) -> Said {
        Said::new(
            format!("bản ghi {seq} tự nhận là bản thứ {place} trong lần ghi của nó"),
            format!("record {seq} says it is number {place} of its commit"),
        )
    }
}

fn read_record(c: &mut Cursor<'_>, at: u64) -> io::Result<Read> {
    let Some(head) = c.get(at, FRAME as usize)? else {
        return Ok(Read::Short);
    };
    let len = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
    let crc = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
    if (len as usize) < PAYLOAD_HEAD || len > MAX_PAYLOAD {
        return Ok(Read::Bad(why::impossible_length(len)));
    }
    let Some(p) = c.get(at + FRAME, len as usize)? else {
        return Ok(Read::Short);
    };
    if crc32c::crc32c(p) != crc {
        return Ok(Read::Bad(why::checksum()));
    }
    let seq = u64::from_le_bytes(p[..8].try_into().unwrap_or_default());
    let flags = p[8];
    if flags & !COMMIT_END != 0 {
        return Ok(Read::Bad(why::unknown_flags(flags)));
    }
    let place = u32::from_le_bytes([p[9], p[10], p[11], p[12]]);
    if u64::from(place) >= seq {
        return Ok(Read::Bad(why::out_of_place(seq, place)));
    }
    let mut hash = [0; 32];
    hash.copy_from_slice(&p[13..45]);
    Ok(Read::Ok {
        seq,
        flags,
        place,
        hash,
        body: p[PAYLOAD_HEAD..].to_vec(),
        next: at + FRAME + u64::from(len),
    })
}

/// Where in `[from, end)` a good record of another commit than the unfinished one (which
/// starts at `unfinished`) begins, if anywhere: after a torn write only records of the
/// unfinished commit can follow.
fn other_commit(file: &File, from: u64, end: u64, unfinished: u64) -> io::Result<Option<u64>> {
    let mut c = Cursor::new(file, from, end);
    let mut at = from;
    while at + FRAME + PAYLOAD_HEAD as u64 <= end {
        if let Read::Ok { seq, place, .. } = read_record(&mut c, at)?
            && seq - u64::from(place) != unfinished
        {
            return Ok(Some(at));
        }
        at += 1;
    }
    Ok(None)
}

impl Journal {
    /// Create an empty journal in `dir` (which must not exist; created 0700).
    pub(crate) fn create(dir: &Path) -> Result<Journal, JournalError> {
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(dir)
            .map_err(|e| io_err(dir, e))?;
        let (dir_fd, ids) = open_dir(dir)?;
        if let Some(parent) = dir.parent() {
            File::open(parent)
                .and_then(|f| f.sync_all())
                .map_err(|e| io_err(parent, e))?;
        }
        Ok(Journal {
            dir: dir.to_path_buf(),
            dir_fd,
            ids,
            segments: Vec::new(),
            index: Vec::new(),
            head_seq: 0,
            head_hash: [0; 32],
            segment_bytes: SEGMENT_BYTES,
        })
    }

    /// Open and check the journal in `dir` (see the module's documentation).
    pub(crate) fn open(dir: &Path, mode: OpenMode) -> Result<(Journal, Opened), JournalError> {
        Journal::open_visiting(dir, mode, &mut |_| ControlFlow::Continue(()))
    }

    /// [`Journal::open`], showing `visit` every record as it is accepted (its seq follows, its
    /// place in its commit is right and it follows from the record before it in the chain), in
    /// order, while the journal is read once. Records of a commit that turns out to be
    /// unfinished (a torn tail) are shown too: the caller ignores what follows
    /// [`Opened::head_seq`]. `visit` may stop showing (`Break`); opening goes on.
    pub(crate) fn open_visiting(
        dir: &Path,
        mode: OpenMode,
        visit: &mut dyn FnMut(&Rec<'_>) -> ControlFlow<()>,
    ) -> Result<(Journal, Opened), JournalError> {
        let mut visiting = true;
        let (dir_fd, ids) = open_dir(dir)?;
        let mut names = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(|e| io_err(dir, e))? {
            let entry = entry.map_err(|e| io_err(dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let first = name
                .strip_suffix(".seg")
                .filter(|s| s.len() == 20)
                .and_then(|s| s.parse::<u64>().ok());
            match first {
                Some(first) => names.push((first, name)),
                None => {
                    return Err(JournalError::Damaged {
                        file: dir.join(&name).display().to_string(),
                        offset: 0,
                        seq: 0,
                        what: Said::new(
                            "trong thư mục nhật ký có một tệp không phải đoạn nhật ký (hãy chuyển \
                             nó ra chỗ khác)",
                            "a file that is not a journal segment is in the journal folder (move \
                             it away)",
                        ),
                    });
                }
            }
        }
        names.sort();
        let mut j = Journal {
            dir: dir.to_path_buf(),
            dir_fd,
            ids,
            segments: Vec::new(),
            index: Vec::new(),
            head_seq: 0,
            head_hash: [0; 32],
            segment_bytes: SEGMENT_BYTES,
        };
        let mut opened = Opened::default();
        let count = names.len();
        let mut bufs = scan::Buffers::default();
        for (i, (first, name)) in names.into_iter().enumerate() {
            let last = i + 1 == count;
            let file = open_segment(&j.dir_fd, dir, &name, mode == OpenMode::Repair)?;
            let path = dir.join(&name);
            let damaged = |offset: u64, seq: u64, what: Said| JournalError::Damaged {
                file: path.display().to_string(),
                offset,
                seq,
                what,
            };
            let size = file.metadata().map_err(|e| io_err(&path, e))?.len();
            let expected = j.head_seq + 1;
            let mut head = [0u8; HEADER as usize];
            if size < HEADER || file.read_exact_at(&mut head, 0).is_err() {
                if last && size < HEADER {
                    // A segment whose header was never written completely: a torn start.
                    opened.torn = Some(Torn {
                        segment: j.segments.len(),
                        keep: None,
                        what: Said::new(
                            format!("{name}: một đoạn mới chưa ghi xong ({size} byte)"),
                            format!("{name}: an incomplete new segment ({size} bytes)"),
                        ),
                    });
                    j.segments.push(Segment {
                        name,
                        file,
                        len: HEADER,
                    });
                    break;
                }
                return Err(damaged(
                    0,
                    expected,
                    Said::new(
                        "thiếu phần đầu của đoạn nhật ký",
                        "the segment's header is missing",
                    ),
                ));
            }
            if &head[..4] != MAGIC || head[4] != FORMAT {
                return Err(damaged(
                    0,
                    expected,
                    Said::new(
                        "phần đầu của đoạn không phải của một nhật ký",
                        "the segment's header is not a journal's",
                    ),
                ));
            }
            let named = u64::from_le_bytes(head[5..13].try_into().unwrap_or_default());
            if named != first || first != expected {
                return Err(damaged(
                    0,
                    expected,
                    Said::new(
                        format!(
                            "đoạn bắt đầu ở sự kiện {named} và mang tên sự kiện {first}, nhưng \
                             tiếp theo phải là sự kiện {expected} (thiếu một đoạn hoặc một đoạn \
                             đã bị đổi tên)"
                        ),
                        format!(
                            "the segment starts at event {named} and is named for event {first}, \
                             but event {expected} comes next (a segment is missing or was renamed)"
                        ),
                    ),
                ));
            }
            // The records.
            let mut commit_end = HEADER;
            let (mut seq_done, mut hash_done) = (j.head_seq, j.head_hash);
            let (mut seq, mut prev) = (j.head_seq, j.head_hash);
            let mut pending_index = Vec::new();
            let mut problem: Option<(u64, Said)> = None;
            let segment = j.segments.len();
            let opts = scan::Opts::default();
            let stop = scan::scan(&file, HEADER, size, prev, opts, &mut bufs, &mut |r| {
                let s = r.seq;
                let bad = if s != seq + 1 {
                    Some(why::stands_where(s, seq + 1))
                } else if s - u64::from(r.place) != seq_done + 1 {
                    Some(Said::new(
                        format!("bản ghi {s} nằm sai chỗ trong lần ghi của nó"),
                        format!("record {s} is out of place in its commit"),
                    ))
                } else if !r.chained {
                    Some(why::altered())
                } else {
                    None
                };
                if let Some(why) = bad {
                    problem = Some((r.at, why));
                    return ControlFlow::Break(());
                }
                if (s - 1).is_multiple_of(INDEX_EVERY) {
                    pending_index.push((s, segment, r.at));
                }
                seq = s;
                prev = r.hash;
                if r.flags & COMMIT_END != 0 {
                    commit_end = r.next;
                    seq_done = seq;
                    hash_done = prev;
                    j.index.append(&mut pending_index);
                }
                if visiting && visit(r).is_break() {
                    visiting = false;
                }
                ControlFlow::Continue(())
            })
            .map_err(|e| io_err(&path, e))?;
            match stop {
                Stop::Short { at } if at == size => {}
                Stop::Short { at } => {
                    problem = Some((
                        at,
                        Said::new(
                            "tệp kết thúc giữa một bản ghi",
                            "the file ends inside a record",
                        ),
                    ));
                }
                Stop::Bad { at, why } => problem = Some((at, why)),
                Stop::Visitor => {}
            }
            // What follows the last complete commit.
            let uncommitted = commit_end < size;
            if let Some((off, why)) = &problem
                && (!last
                    || other_commit(&file, off + 1, size, seq_done + 1)
                        .map_err(|e| io_err(&path, e))?
                        .is_some())
            {
                return Err(damaged(*off, seq + 1, why.clone()));
            }
            if !last && uncommitted {
                return Err(damaged(
                    commit_end,
                    seq_done + 1,
                    Said::new(
                        "một lần ghi ở giữa nhật ký không trọn vẹn",
                        "a commit in the middle of the journal is incomplete",
                    ),
                ));
            }
            if uncommitted {
                let why = problem.map_or(
                    Said::new(
                        "một lần ghi chưa bao giờ hoàn tất",
                        "a commit that was never completed",
                    ),
                    |p| p.1,
                );
                let n = size - commit_end;
                opened.torn = Some(Torn {
                    segment: j.segments.len(),
                    keep: Some(commit_end),
                    what: why.within(
                        |v| {
                            format!(
                                "{name}: {n} byte từ byte {commit_end}, sau sự kiện {seq_done} \
                                 ({v})"
                            )
                        },
                        |e| {
                            format!(
                                "{name}: {n} bytes from byte {commit_end}, after event \
                                 {seq_done} ({e})"
                            )
                        },
                    ),
                });
            }
            j.head_seq = seq_done;
            j.head_hash = hash_done;
            j.segments.push(Segment {
                name,
                file,
                len: commit_end,
            });
        }
        opened.head_seq = j.head_seq;
        Ok((j, opened))
    }

    /// Cut a torn tail found at open (see [`Opened::torn`]) and make the cut durable.
    pub(crate) fn cut_torn_tail(&mut self, torn: &Torn) -> Result<(), JournalError> {
        let Some(seg) = self.segments.get(torn.segment) else {
            return Err(JournalError::Misuse("no such segment".into()));
        };
        let path = self.dir.join(&seg.name);
        match torn.keep {
            Some(len) => {
                seg.file.set_len(len).map_err(|e| io_err(&path, e))?;
                seg.file.sync_data().map_err(|e| io_err(&path, e))?;
            }
            None => {
                std::fs::remove_file(&path).map_err(|e| io_err(&path, e))?;
                sync_dir_fd(&self.dir_fd, &self.dir)?;
                self.segments.remove(torn.segment);
            }
        }
        Ok(())
    }

    /// (seq, hash) of the last event.
    pub(crate) fn head(&self) -> (u64, [u8; 32]) {
        (self.head_seq, self.head_hash)
    }

    /// For tests: start new segments sooner.
    #[cfg(test)]
    pub(crate) fn set_segment_bytes(&mut self, n: u64) {
        self.segment_bytes = n;
    }

    /// Append one commit and make it durable (see [`Appender`]).
    pub(crate) fn append(&mut self, records: &[Entry]) -> Result<(), JournalError> {
        let Some(&(first, _, _)) = records.first() else {
            return Ok(());
        };
        let mut a = self.appender(first)?;
        for (i, (seq, hash, body)) in records.iter().enumerate() {
            a.push(*seq, hash, body, i + 1 == records.len())?;
        }
        a.commit()
    }

    /// Start appending a commit whose first event is `first`. Its records are written as they
    /// are pushed, in pieces of [`WRITE_PIECE`] bytes, so a large commit is never held in
    /// memory whole; they count only once [`Appender::commit`] has made them durable. An
    /// appender dropped without committing takes them out of the file again.
    pub(crate) fn appender(&mut self, first: u64) -> Result<Appender<'_>, JournalError> {
        if first != self.head_seq + 1 {
            return Err(JournalError::Misuse(format!(
                "event {first} does not follow event {}",
                self.head_seq
            )));
        }
        let needs_new = self
            .segments
            .last()
            .is_none_or(|s| s.len >= self.segment_bytes);
        if needs_new {
            self.new_segment(first)?;
        }
        let start = self.segments.last().map_or(HEADER, |s| s.len);
        Ok(Appender {
            prev: self.head_hash,
            next: first,
            first,
            start,
            at: start,
            buf: Vec::new(),
            index: Vec::new(),
            done: false,
            j: self,
        })
    }

    fn new_segment(&mut self, first: u64) -> Result<(), JournalError> {
        use rustix::fs::{Mode, OFlags};
        let name = segment_name(first);
        let path = self.dir.join(&name);
        let fd = rustix::fs::openat(
            &self.dir_fd,
            name.as_str(),
            OFlags::RDWR | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o600),
        )
        .map_err(|e| io_err(&path, e.into()))?;
        let file = File::from(fd);
        let mut head = Vec::with_capacity(HEADER as usize);
        head.extend_from_slice(MAGIC);
        head.push(FORMAT);
        head.extend_from_slice(&first.to_le_bytes());
        let written = file
            .write_all_at(&head, 0)
            .and_then(|()| file.sync_all())
            .map_err(|e| io_err(&path, e))
            .and_then(|()| sync_dir_fd(&self.dir_fd, &self.dir));
        if let Err(e) = written {
            drop(file);
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
        self.segments.push(Segment {
            name,
            file,
            len: HEADER,
        });
        Ok(())
    }

    /// Where to start reading for `seq`: (segment index, offset) at or before it.
    fn locate(&self, seq: u64) -> Option<(usize, u64)> {
        if seq == 0 || seq > self.head_seq {
            return None;
        }
        match self.index.partition_point(|&(s, _, _)| s <= seq) {
            0 => self.segments.first().map(|_| (0, HEADER)),
            i => {
                let (_, seg, off) = self.index[i - 1];
                Some((seg, off))
            }
        }
    }

    /// The record with this seq. Read in small pieces: the nearest index entry is at most
    /// [`INDEX_EVERY`] records before it, and reading a megabyte for each of the few hundred
    /// records of a unit's texts made opening a unit, and an export asking unit by unit, copy
    /// hundreds of megabytes.
    pub(crate) fn read(&self, seq: u64) -> Result<Record, JournalError> {
        let mut records = self.records_from(seq);
        records.chunk = POINT_READ_CHUNK;
        for r in records {
            let r = r?;
            if r.seq == seq {
                return Ok(r);
            }
            if r.seq > seq {
                break;
            }
        }
        Err(JournalError::Misuse(format!(
            "event {seq} is not in the journal"
        )))
    }

    /// Records from `seq` to the head, read as they are consumed.
    pub(crate) fn records_from(&self, seq: u64) -> Records<'_> {
        let (seg, off) = self.locate(seq.max(1)).unwrap_or((self.segments.len(), 0));
        Records {
            j: self,
            seg,
            at: off,
            from: seq,
            cursor: None,
            chunk: READ_CHUNK,
        }
    }

    /// Every record from the first to the head, in order, read as [`Journal::open`] reads them
    /// (large reads; CRC and chain checked on a second thread): `visit` sees each; `Break`
    /// stops the scan. A record that no longer reads (a file changed while the store is open)
    /// is an error naming the file and the offset.
    pub(crate) fn scan(
        &self,
        visit: &mut dyn FnMut(&Rec<'_>) -> ControlFlow<()>,
    ) -> Result<(), JournalError> {
        let (mut seq, mut prev) = (0u64, [0u8; 32]);
        let mut bufs = scan::Buffers::default();
        for seg in &self.segments {
            let path = || self.dir.join(&seg.name);
            let stop = scan::scan(
                &seg.file,
                HEADER,
                seg.len,
                prev,
                scan::Opts::default(),
                &mut bufs,
                &mut |r| {
                    seq = r.seq;
                    prev = r.hash;
                    visit(r)
                },
            )
            .map_err(|e| io_err(&path(), e))?;
            match stop {
                Stop::Visitor => return Ok(()),
                Stop::Short { at } if at == seg.len => {}
                Stop::Short { at } | Stop::Bad { at, .. } => {
                    return Err(JournalError::Damaged {
                        file: path().display().to_string(),
                        offset: at,
                        seq: seq + 1,
                        what: why::changed_while_open(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Whether the journal directory and the store directory are still the ones opened.
    pub(crate) fn still_in_place(&self) -> Result<bool, JournalError> {
        let now = match ids_of(&self.dir) {
            Ok(ids) => ids,
            Err(JournalError::Io { source, .. }) if source.kind() == ErrorKind::NotFound => {
                return Ok(false);
            }
            Err(e) => return Err(e),
        };
        let fd = self.dir_fd.metadata().map_err(|e| io_err(&self.dir, e))?;
        Ok(now == self.ids && (fd.dev(), fd.ino()) == self.ids[0] && fd.nlink() > 0)
    }
}

/// An iterator over records (see [`Journal::records_from`]).
pub(crate) struct Records<'a> {
    j: &'a Journal,
    seg: usize,
    at: u64,
    from: u64,
    cursor: Option<Cursor<'a>>,
    /// Bytes its cursors read at a time.
    chunk: usize,
}

impl Iterator for Records<'_> {
    type Item = Result<Record, JournalError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let seg = self.j.segments.get(self.seg)?;
            if self.at >= seg.len {
                self.seg += 1;
                self.at = HEADER;
                self.cursor = None;
                continue;
            }
            let c = self
                .cursor
                .get_or_insert_with(|| Cursor::with_chunk(&seg.file, self.at, seg.len, self.chunk));
            let path = || self.j.dir.join(&seg.name);
            match read_record(c, self.at) {
                Err(e) => {
                    self.seg = usize::MAX;
                    return Some(Err(io_err(&path(), e)));
                }
                Ok(Read::Ok {
                    seq,
                    hash,
                    body,
                    next,
                    ..
                }) => {
                    self.at = next;
                    if seq < self.from {
                        continue;
                    }
                    return Some(Ok(Record { seq, hash, body }));
                }
                Ok(Read::Short) | Ok(Read::Bad(_)) => {
                    let at = self.at;
                    self.seg = usize::MAX;
                    return Some(Err(JournalError::Damaged {
                        file: path().display().to_string(),
                        offset: at,
                        seq: self.from,
                        what: why::changed_while_open(),
                    }));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
