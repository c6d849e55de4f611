//! Frames on the socket: a `u32` big-endian length, then that many bytes of JSON. Reading never
//! trusts the length beyond [`MAX_FRAME`] and never allocates more than it has received; every
//! failure is a [`FrameError`], never a panic.

use std::io::{self, Read, Write};
use std::os::fd::AsFd;

use serde::Serialize;
use serde::de::DeserializeOwned;

use l10n::Lang;

/// The largest frame either side accepts (the JSON body, without the 4-byte length). Large
/// answers (items, history, backups) are sent in parts well below it.
pub const MAX_FRAME: usize = 128 * 1024 * 1024;

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
            FrameError::Closed | FrameError::Truncated { .. } | FrameError::Io(_)
        )
    }
}

/// Encode a message as one frame: length prefix and JSON body in one buffer, so it goes out in
/// one write and frames from different threads never interleave.
pub fn encode<T: Serialize + ?Sized>(msg: &T) -> Result<Vec<u8>, FrameError> {
    let mut buf = vec![0u8; 4];
    serde_json::to_writer(&mut buf, msg).map_err(|e| FrameError::Encode(e.to_string()))?;
    let len = buf.len() - 4;
    if len > MAX_FRAME {
        return Err(FrameError::TooLarge {
            len: len as u64,
            max: MAX_FRAME,
        });
    }
    // len <= MAX_FRAME < u32::MAX.
    buf[..4].copy_from_slice(&(len as u32).to_be_bytes());
    Ok(buf)
}

/// Decode the JSON body of a frame.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, FrameError> {
    serde_json::from_slice(body).map_err(|e| FrameError::BadJson {
        line: e.line(),
        column: e.column(),
        reason: e.to_string(),
    })
}

/// Read one frame body (at most `max` bytes). `Closed` when the stream ends before the first
/// byte of a frame.
pub fn read_frame<R: Read + ?Sized>(r: &mut R, max: usize) -> Result<Vec<u8>, FrameError> {
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
    let len = u32::from_be_bytes(head) as usize;
    if len > max {
        return Err(FrameError::TooLarge {
            len: len as u64,
            max,
        });
    }
    let mut body = Vec::with_capacity(len.min(READ_STEP));
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

/// Read and decode one frame.
pub fn read_msg<T: DeserializeOwned, R: Read + ?Sized>(r: &mut R) -> Result<T, FrameError> {
    decode(&read_frame(r, MAX_FRAME)?)
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
