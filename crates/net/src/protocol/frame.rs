//! Frames on the socket: a `u32` big-endian length, then that many bytes of JSON. Reading never
//! trusts the length beyond the limit the reader gives (see the limits in [`crate::protocol`])
//! and never allocates more than it has received; every failure is a [`FrameError`], never a
//! panic.

use std::cell::Cell;
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;

use l10n::Lang;

/// The largest frame [`encode`] makes and [`read_msg`] reads (the JSON body, without the 4-byte
/// length). The protocol's own limits are in [`crate::protocol`] (a request is at most
/// `WRITER_REQUEST_MAX`: an import comes in pieces); answers are sent in parts of about
/// [`crate::protocol::PART_BYTES`].
pub const MAX_FRAME: usize = 128 * 1024 * 1024;

/// The largest frame the length prefix can announce.
pub const LENGTH_MAX: usize = u32::MAX as usize;

/// Bytes read at a time while a frame body arrives, so a length claiming a huge frame costs
/// nothing until the bytes really come.
const READ_STEP: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// The peer closed the connection cleanly between two frames.
    #[error("{}", self.message(Lang::En))]
    Closed,
    /// A frame longer than the limit (announced by a peer, or about to be sent).
    #[error("{}", self.message(Lang::En))]
    TooLarge { len: u64, max: usize },
    /// The connection ended inside a frame: `got` of `expected` bytes arrived.
    #[error("{}", self.message(Lang::En))]
    Truncated { expected: u64, got: u64 },
    /// The frame is not the JSON message expected.
    #[error("{}", self.message(Lang::En))]
    BadJson {
        line: usize,
        column: usize,
        reason: String,
    },
    /// A message could not be encoded.
    #[error("{}", self.message(Lang::En))]
    Encode(String),
    /// The frame did not arrive completely before its deadline (`limit` after it was awaited):
    /// `got` bytes of it came in time.
    #[error("{}", self.message(Lang::En))]
    TimedOut { got: u64, limit: Duration },
    #[error("{}", self.message(Lang::En))]
    Io(#[from] io::Error),
}

impl FrameError {
    pub fn message(&self, lang: Lang) -> String {
        let vi = lang == Lang::Vi;
        match self {
            FrameError::Closed => {
                if vi {
                    "bên kia đã đóng kết nối".into()
                } else {
                    "the other side closed the connection".into()
                }
            }
            FrameError::TooLarge { len, max } => {
                if vi {
                    format!("khung dữ liệu dài {len} byte, vượt giới hạn {max} byte")
                } else {
                    format!("a frame of {len} bytes is over the limit of {max} bytes")
                }
            }
            FrameError::Truncated { expected, got } => {
                if vi {
                    format!("kết nối bị ngắt giữa một khung dữ liệu (nhận {got}/{expected} byte)")
                } else {
                    format!("the connection ended inside a frame ({got} of {expected} bytes)")
                }
            }
            FrameError::BadJson {
                line,
                column,
                reason,
            } => {
                if vi {
                    format!("thông điệp không hợp lệ (dòng {line}, cột {column}): {reason}")
                } else {
                    format!("a message is not valid (line {line}, column {column}): {reason}")
                }
            }
            FrameError::TimedOut { got, limit } => {
                let secs = limit.as_secs_f64();
                if vi {
                    format!(
                        "khung dữ liệu không đến đủ trong {secs} giây (mới nhận {got} byte); \
                         kết nối bị đóng"
                    )
                } else {
                    format!(
                        "a frame did not arrive completely within {secs} s ({got} bytes came); \
                         the connection is closed"
                    )
                }
            }
            FrameError::Encode(reason) => {
                if vi {
                    format!("không mã hoá được thông điệp: {reason}")
                } else {
                    format!("a message could not be encoded: {reason}")
                }
            }
            FrameError::Io(e) => {
                if vi {
                    format!("lỗi kết nối: {e}")
                } else {
                    format!("connection error: {e}")
                }
            }
        }
    }

    /// The connection is gone (as opposed to a bad message on a working connection).
    pub fn is_disconnect(&self) -> bool {
        matches!(
            self,
            FrameError::Closed
                | FrameError::Truncated { .. }
                | FrameError::Io(_)
                | FrameError::TimedOut { .. }
        )
    }
}

/// Encode a message as one frame of at most [`MAX_FRAME`] bytes: length prefix and JSON body in
/// one buffer, so it goes out in one write and frames from different threads never interleave.
pub fn encode<T: Serialize + ?Sized>(msg: &T) -> Result<Vec<u8>, FrameError> {
    encode_up_to(msg, MAX_FRAME)
}

/// Encode a message as one frame of at most `max` bytes (never more than [`LENGTH_MAX`]).
pub fn encode_up_to<T: Serialize + ?Sized>(msg: &T, max: usize) -> Result<Vec<u8>, FrameError> {
    let mut buf = Vec::new();
    encode_into(&mut buf, msg, max)?;
    Ok(buf)
}

/// [`encode_up_to`] into `buf` (cleared first): a sender of many frames reuses one buffer
/// instead of growing a new one for each (an import's pieces).
pub fn encode_into<T: Serialize + ?Sized>(
    buf: &mut Vec<u8>,
    msg: &T,
    max: usize,
) -> Result<(), FrameError> {
    buf.clear();
    buf.extend_from_slice(&[0; 4]);
    serde_json::to_writer(&mut *buf, msg).map_err(|e| FrameError::Encode(e.to_string()))?;
    set_length(buf, 0, max)
}

/// Write the length prefix of the frame `buf[start..]` into its first four bytes, once the body
/// is complete; `TooLarge` if the body is over `max` (or [`LENGTH_MAX`]).
pub fn set_length(buf: &mut [u8], start: usize, max: usize) -> Result<(), FrameError> {
    let len = buf.len().saturating_sub(start + 4);
    let max = max.min(LENGTH_MAX);
    if len > max {
        return Err(FrameError::TooLarge {
            len: len as u64,
            max,
        });
    }
    let Ok(n) = u32::try_from(len) else {
        return Err(FrameError::TooLarge {
            len: len as u64,
            max,
        });
    };
    buf[start..start + 4].copy_from_slice(&n.to_be_bytes());
    Ok(())
}

/// Decode the JSON body of a frame. The body is checked as UTF-8 once, with SIMD, and then
/// read as text (reading bytes, serde_json checks every string on its own, which was the largest
/// part of decoding an import's pieces); a body that is not UTF-8 is read as bytes, for the
/// error serde_json gives it.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, FrameError> {
    let decoded = match simdutf8::basic::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    };
    decoded.map_err(|e| FrameError::BadJson {
        line: e.line(),
        column: e.column(),
        reason: e.to_string(),
    })
}

/// Read one frame body (at most `max` bytes). `Closed` when the stream ends before the first
/// byte of a frame.
pub fn read_frame<R: Read + ?Sized>(r: &mut R, max: usize) -> Result<Vec<u8>, FrameError> {
    let len = read_len(r)?;
    if len > max {
        return Err(FrameError::TooLarge {
            len: len as u64,
            max,
        });
    }
    read_body(r, len)
}

/// Read the length prefix of the next frame. `Closed` when the stream ends before its first
/// byte.
pub fn read_len<R: Read + ?Sized>(r: &mut R) -> Result<usize, FrameError> {
    let mut head = [0u8; 4];
    let mut got = 0;
    while got < 4 {
        match r.read(&mut head[got..]) {
            Ok(0) if got == 0 => return Err(FrameError::Closed),
            Ok(0) => {
                return Err(FrameError::Truncated {
                    expected: 4,
                    got: got as u64,
                });
            }
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(FrameError::Io(e)),
        }
    }
    Ok(u32::from_be_bytes(head) as usize)
}

/// Read a frame body of `len` bytes (its length prefix was read). The buffer grows as the bytes
/// arrive: a length that claims much costs nothing until the bytes really come.
pub fn read_body<R: Read + ?Sized>(r: &mut R, len: usize) -> Result<Vec<u8>, FrameError> {
    read_into(r, len, Vec::with_capacity(len.min(READ_STEP)))
}

/// Read a frame body of `len` bytes into a buffer of exactly that size, for a reader that has
/// accounted for `len` bytes already (the server's budget of requests being received): no
/// growing (a buffer grown by doubling leaves its smaller copies behind in the allocator), and
/// the memory is touched only as the bytes arrive.
pub fn read_body_exact<R: Read + ?Sized>(r: &mut R, len: usize) -> Result<Vec<u8>, FrameError> {
    read_into(r, len, Vec::with_capacity(len))
}

/// Read `len` bytes into `body`; fewer is a truncated frame.
fn read_into<R: Read + ?Sized>(
    r: &mut R,
    len: usize,
    mut body: Vec<u8>,
) -> Result<Vec<u8>, FrameError> {
    let mut limited = r.take(len as u64);
    loop {
        match limited.read_to_end(&mut body) {
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(FrameError::Io(e)),
        }
    }
    if body.len() < len {
        return Err(FrameError::Truncated {
            expected: len as u64,
            got: body.len() as u64,
        });
    }
    Ok(body)
}

/// Read and throw away a frame body of `len` bytes (its length prefix was read), a piece at a
/// time: nothing is kept.
pub fn skip_body<R: Read + ?Sized>(r: &mut R, len: usize) -> Result<(), FrameError> {
    let mut piece = [0u8; 8192];
    let mut left = len;
    while left > 0 {
        let want = left.min(piece.len());
        match r.read(&mut piece[..want]) {
            Ok(0) => {
                return Err(FrameError::Truncated {
                    expected: len as u64,
                    got: (len - left) as u64,
                });
            }
            Ok(n) => left -= n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(FrameError::Io(e)),
        }
    }
    Ok(())
}

/// Read and decode one frame of at most [`MAX_FRAME`] bytes.
pub fn read_msg<T: DeserializeOwned, R: Read + ?Sized>(r: &mut R) -> Result<T, FrameError> {
    decode(&read_frame(r, MAX_FRAME)?)
}

/// Read one frame of at most `max` bytes that must arrive whole by `deadline` (one deadline for
/// the frame, not one per read: a peer sending a byte now and then is cut off all the same).
pub fn read_frame_by(
    stream: &UnixStream,
    max: usize,
    deadline: Instant,
    limit: Duration,
) -> Result<Vec<u8>, FrameError> {
    let mut r = DeadlineReader::new(stream);
    r.set_deadline(Some(deadline));
    let out = read_frame(&mut r, max);
    let got = r.got();
    r.set_deadline(None);
    r.restore();
    out.map_err(|e| r.timed_out(e, got, limit))
}

/// Reads a socket with an optional deadline for everything read while it is set: before each
/// read the socket's receive timeout is set to the time left (only changed when needed), so a
/// peer that trickles bytes cannot stretch the deadline.
pub struct DeadlineReader<'a> {
    stream: &'a UnixStream,
    deadline: Option<Instant>,
    /// The receive timeout the socket has now (`None`: blocking without one).
    current: Cell<Option<Duration>>,
    /// Bytes read since the deadline was set.
    got: u64,
}

impl<'a> DeadlineReader<'a> {
    pub fn new(stream: &'a UnixStream) -> DeadlineReader<'a> {
        DeadlineReader {
            stream,
            deadline: None,
            current: Cell::new(None),
            got: 0,
        }
    }

    /// Everything read from now on must arrive by `deadline` (`None`: no deadline).
    pub fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
        self.got = 0;
    }

    /// Bytes read since the deadline was set.
    pub fn got(&self) -> u64 {
        self.got
    }

    /// Give the socket back without a receive timeout.
    pub fn restore(&self) {
        if self.current.get().is_some() {
            let _ = self.stream.set_read_timeout(None);
            self.current.set(None);
        }
    }

    /// The error to report for `e`: a timeout on a read under a deadline is `TimedOut`.
    pub fn timed_out(&self, e: FrameError, got: u64, limit: Duration) -> FrameError {
        match e {
            FrameError::Io(io)
                if matches!(
                    io.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                FrameError::TimedOut { got, limit }
            }
            other => other,
        }
    }

    fn set_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        if self.current.get() != t {
            self.stream.set_read_timeout(t)?;
            self.current.set(t);
        }
        Ok(())
    }
}

impl Read for DeadlineReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.deadline {
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(io::Error::from(io::ErrorKind::TimedOut));
                }
                self.set_timeout(Some(left))?;
            }
            None => self.set_timeout(None)?,
        }
        let n = (&*self.stream).read(buf)?;
        self.got += n as u64;
        Ok(n)
    }
}

/// Writes to a socket with `MSG_NOSIGNAL`: a peer that went away is an `EPIPE` error, not a
/// SIGPIPE that would end the process (the binary restores SIGPIPE's default for pipelines).
pub struct SocketWriter<S: AsFd>(pub S);

impl<S: AsFd> Write for SocketWriter<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            match rustix::net::send(&self.0, buf, rustix::net::SendFlags::NOSIGNAL) {
                Ok(n) => return Ok(n),
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Msg {
        id: u64,
        text: String,
    }

    fn msg() -> Msg {
        Msg {
            id: 7,
            text: "Tiêu chí 3.2.1 — điều chỉnh".into(),
        }
    }

    #[test]
    fn a_frame_round_trips_and_its_length_is_big_endian() {
        let bytes = encode(&msg()).unwrap();
        let body_len = bytes.len() - 4;
        assert_eq!(&bytes[..4], &(body_len as u32).to_be_bytes());
        let mut r = &bytes[..];
        let back: Msg = read_msg(&mut r).unwrap();
        assert_eq!(back, msg());
        // Nothing left, and the next read is a clean close.
        assert!(matches!(
            read_msg::<Msg, _>(&mut r),
            Err(FrameError::Closed)
        ));
    }

    #[test]
    fn two_frames_in_one_stream_are_read_one_at_a_time() {
        let mut bytes = encode(&msg()).unwrap();
        bytes.extend(
            encode(&Msg {
                id: 8,
                text: "".into(),
            })
            .unwrap(),
        );
        let mut r = &bytes[..];
        assert_eq!(read_msg::<Msg, _>(&mut r).unwrap().id, 7);
        assert_eq!(read_msg::<Msg, _>(&mut r).unwrap().id, 8);
    }

    #[test]
    fn a_length_over_the_limit_is_refused_before_reading_the_body() {
        let mut bytes = 1000u32.to_be_bytes().to_vec();
        bytes.extend([b'x'; 10]);
        let err = read_frame(&mut &bytes[..], 100).unwrap_err();
        assert!(
            matches!(
                err,
                FrameError::TooLarge {
                    len: 1000,
                    max: 100
                }
            ),
            "{err:?}"
        );
        assert!(err.message(Lang::En).contains("1000 bytes"));
        assert!(err.message(Lang::Vi).contains("vượt giới hạn"));
    }

    #[test]
    fn a_huge_announced_length_does_not_allocate_it() {
        // u32::MAX announced, 3 bytes sent: truncated, and no 4 GiB allocation on the way.
        let mut bytes = u32::MAX.to_be_bytes().to_vec();
        bytes.extend(b"abc");
        let err = read_frame(&mut &bytes[..], usize::MAX).unwrap_err();
        assert!(
            matches!(
                err,
                FrameError::Truncated {
                    expected: 4_294_967_295,
                    got: 3
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn a_truncated_header_or_body_is_named() {
        let bytes = encode(&msg()).unwrap();
        let err = read_frame(&mut &bytes[..2], MAX_FRAME).unwrap_err();
        assert!(
            matches!(
                err,
                FrameError::Truncated {
                    expected: 4,
                    got: 2
                }
            ),
            "{err:?}"
        );
        let cut = bytes.len() - 5;
        let err = read_frame(&mut &bytes[..cut], MAX_FRAME).unwrap_err();
        let want = (bytes.len() - 4) as u64;
        assert!(
            matches!(err, FrameError::Truncated { expected, got } if expected == want && got == want - 5),
            "{err:?}"
        );
        assert!(err.is_disconnect());
        assert!(err.message(Lang::En).contains("inside a frame"));
    }

    #[test]
    fn garbage_json_is_a_clear_error_with_its_position() {
        let body = b"{\"id\": 1,\n \"text\": nope}";
        let mut bytes = (body.len() as u32).to_be_bytes().to_vec();
        bytes.extend(body);
        let err = read_msg::<Msg, _>(&mut &bytes[..]).unwrap_err();
        match &err {
            FrameError::BadJson { line, column, .. } => {
                assert_eq!(*line, 2);
                assert!(*column > 0);
            }
            other => panic!("expected BadJson, got {other:?}"),
        }
        assert!(!err.is_disconnect());
        assert!(err.message(Lang::En).contains("line 2"));
        // Valid JSON of the wrong shape is also BadJson, and invalid UTF-8 too.
        let wrong = encode(&serde_json::json!({"id": "seven"})).unwrap();
        assert!(matches!(
            read_msg::<Msg, _>(&mut &wrong[..]),
            Err(FrameError::BadJson { .. })
        ));
        let bytes = [0, 0, 0, 2, 0xff, 0xfe];
        assert!(matches!(
            read_msg::<Msg, _>(&mut &bytes[..]),
            Err(FrameError::BadJson { .. })
        ));
    }

    #[test]
    fn an_empty_body_is_bad_json_not_a_panic() {
        let bytes = [0u8, 0, 0, 0];
        assert!(matches!(
            read_msg::<Msg, _>(&mut &bytes[..]),
            Err(FrameError::BadJson { .. })
        ));
    }

    #[test]
    fn a_frame_trickled_past_its_deadline_is_cut_off_whatever_each_read_takes() {
        let (mut w, r) = UnixStream::pair().unwrap();
        let trickle = std::thread::spawn(move || {
            w.write_all(&100u32.to_be_bytes())?;
            // A byte every 20 ms: each read is quick, the frame would take 2 s.
            for _ in 0..100 {
                std::thread::sleep(Duration::from_millis(20));
                w.write_all(b" ")?;
            }
            Ok::<_, io::Error>(())
        });
        let limit = Duration::from_millis(300);
        let err = read_frame_by(&r, 1000, Instant::now() + limit, limit).unwrap_err();
        match &err {
            FrameError::TimedOut { got, limit: l } => {
                assert!(*got >= 4 && *got < 104, "{got}");
                assert_eq!(*l, limit);
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
        assert!(err.is_disconnect());
        assert!(err.message(Lang::Vi).contains("giây"));
        drop(r);
        let _ = trickle.join();
        // The socket is given back without a timeout, and a frame in time is read.
        let (mut w, r) = UnixStream::pair().unwrap();
        w.write_all(&encode(&msg()).unwrap()).unwrap();
        let body = read_frame_by(&r, 1000, Instant::now() + limit, limit).unwrap();
        assert_eq!(decode::<Msg>(&body).unwrap(), msg());
        assert_eq!(r.read_timeout().unwrap(), None);
        // Over the limit: refused at the length.
        w.write_all(&2000u32.to_be_bytes()).unwrap();
        assert!(matches!(
            read_frame_by(&r, 1000, Instant::now() + limit, limit),
            Err(FrameError::TooLarge { len: 2000, .. })
        ));
    }

    #[test]
    fn a_body_is_skipped_without_keeping_it_and_its_length_read_alone() {
        let mut bytes = encode(&msg()).unwrap();
        bytes.extend(
            encode(&Msg {
                id: 8,
                text: "x".repeat(20_000),
            })
            .unwrap(),
        );
        bytes.extend(encode(&msg()).unwrap());
        let mut r = &bytes[..];
        let len = read_len(&mut r).unwrap();
        assert_eq!(
            decode::<Msg>(&read_body(&mut r, len).unwrap()).unwrap(),
            msg()
        );
        let len = read_len(&mut r).unwrap();
        skip_body(&mut r, len).unwrap();
        assert_eq!(read_msg::<Msg, _>(&mut r).unwrap(), msg());
        // A body cut short is named.
        let cut = [0u8, 0, 0, 9, b'a'];
        let mut r = &cut[..];
        let len = read_len(&mut r).unwrap();
        assert!(matches!(
            skip_body(&mut r, len),
            Err(FrameError::Truncated {
                expected: 9,
                got: 1
            })
        ));
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
        for _ in 0..2000 {
            let n = rng.random_range(0..40);
            let mut bytes: Vec<u8> = (0..n).map(|_| rng.random()).collect();
            if rng.random_bool(0.5) && bytes.len() >= 4 {
                let len = (bytes.len() - 4) as u32;
                bytes[..4].copy_from_slice(&len.to_be_bytes());
            }
            let _ = read_msg::<Msg, _>(&mut &bytes[..]);
        }
    }
}
