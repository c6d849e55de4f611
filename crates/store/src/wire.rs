//! The binary primitives every stored byte is written with: varints, strings, options, dates,
//! times, points. One encoding per value, and a strict reader: an overlong varint, a flag other
//! than 0 or 1, invalid UTF-8 or bytes left over are errors, so decoding and encoding again
//! gives the same bytes (event bodies are hashed as they are stored; `verify` and `restore`
//! rely on it).

use jiff::Timestamp;
use jiff::civil::Date;

use domain::Points;

/// Why stored bytes cannot be read: what was being read, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{what} at byte {at}")]
pub(crate) struct WireError {
    pub what: String,
    pub at: usize,
}

/// Bytes being written.
#[derive(Default)]
pub(crate) struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn with_capacity(n: usize) -> Writer {
        Writer {
            buf: Vec::with_capacity(n),
        }
    }

    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub fn uvar(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }

    pub fn ivar(&mut self, v: i64) {
        self.uvar(((v << 1) ^ (v >> 63)) as u64);
    }

    pub fn bool(&mut self, v: bool) {
        self.u8(u8::from(v));
    }

    pub fn str(&mut self, s: &str) {
        self.uvar(s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
    }

    pub fn bytes(&mut self, b: &[u8]) {
        self.buf.extend_from_slice(b);
    }

    pub fn points(&mut self, p: Points) {
        self.ivar(p.hundredths());
    }

    pub fn opt<T>(&mut self, v: Option<T>, f: impl FnOnce(&mut Writer, T)) {
        match v {
            None => self.u8(0),
            Some(v) => {
                self.u8(1);
                f(self, v);
            }
        }
    }

    pub fn date(&mut self, d: Date) {
        self.ivar(i64::from(d.year()));
        self.u8(d.month() as u8);
        self.u8(d.day() as u8);
    }

    pub fn time(&mut self, t: Timestamp) {
        self.ivar(t.as_second());
        self.ivar(i64::from(t.subsec_nanosecond()));
    }
}

/// Bytes being read, strictly.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, pos: 0 }
    }

    pub fn pos(&self) -> usize {
        self.pos
    }

    pub fn err(&self, what: impl Into<String>) -> WireError {
        WireError {
            what: what.into(),
            at: self.pos,
        }
    }

    /// Everything was read.
    pub fn end(&self) -> Result<(), WireError> {
        if self.pos == self.buf.len() {
            Ok(())
        } else {
            Err(self.err(format!("{} unexpected byte(s)", self.buf.len() - self.pos)))
        }
    }

    pub fn u8(&mut self) -> Result<u8, WireError> {
        let b = *self
            .buf
            .get(self.pos)
            .ok_or_else(|| self.err("the value ends early"))?;
        self.pos += 1;
        Ok(b)
    }

    /// The bytes between two positions already read.
    pub fn read_between(&self, from: usize, to: usize) -> &'a [u8] {
        &self.buf[from.min(to)..to.min(self.buf.len())]
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| self.err("the value ends early"))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    pub fn uvar(&mut self) -> Result<u64, WireError> {
        let start = self.pos;
        let mut v: u64 = 0;
        for i in 0..10 {
            let b = self.u8()?;
            if i == 9 && b > 1 {
                self.pos = start;
                return Err(self.err("a number is too large"));
            }
            v |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                if b == 0 && i > 0 {
                    self.pos = start;
                    return Err(self.err("a number is written with extra bytes"));
                }
                return Ok(v);
            }
        }
        self.pos = start;
        Err(self.err("a number is too long"))
    }

    pub fn ivar(&mut self) -> Result<i64, WireError> {
        let u = self.uvar()?;
        Ok(((u >> 1) as i64) ^ -((u & 1) as i64))
    }

    pub fn u16var(&mut self) -> Result<u16, WireError> {
        let v = self.uvar()?;
        u16::try_from(v).map_err(|_| self.err(format!("{v} is not a year")))
    }

    pub fn u32var(&mut self) -> Result<u32, WireError> {
        let v = self.uvar()?;
        u32::try_from(v).map_err(|_| self.err(format!("{v} is out of range")))
    }

    pub fn bool(&mut self) -> Result<bool, WireError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(self.err(format!("flag {b} is neither 0 nor 1"))),
        }
    }

    pub fn str(&mut self) -> Result<&'a str, WireError> {
        let n = self.uvar()?;
        let n = usize::try_from(n).map_err(|_| self.err("a text is too long"))?;
        let start = self.pos;
        let b = self.take(n)?;
        // Bodies are read by the million in verify and replay: a SIMD check, several times as
        // fast as the standard one on Vietnamese text.
        simdutf8::basic::from_utf8(b).map_err(|_| WireError {
            what: "a text is not UTF-8".into(),
            at: start,
        })
    }

    /// A text checked as [`Reader::str`] checks it, with the same errors, when only where it
    /// ends matters: an ASCII text (most short ones) is checked a word at a time.
    pub fn skip_str(&mut self) -> Result<(), WireError> {
        let n = self.uvar()?;
        let n = usize::try_from(n).map_err(|_| self.err("a text is too long"))?;
        let start = self.pos;
        let b = self.take(n)?;
        if b.is_ascii() || simdutf8::basic::from_utf8(b).is_ok() {
            Ok(())
        } else {
            Err(WireError {
                what: "a text is not UTF-8".into(),
                at: start,
            })
        }
    }

    pub fn string(&mut self) -> Result<String, WireError> {
        self.str().map(str::to_string)
    }

    pub fn points(&mut self) -> Result<Points, WireError> {
        Ok(Points::from_hundredths(self.ivar()?))
    }

    pub fn opt<T>(
        &mut self,
        f: impl FnOnce(&mut Reader<'a>) -> Result<T, WireError>,
    ) -> Result<Option<T>, WireError> {
        if self.bool()? {
            Ok(Some(f(self)?))
        } else {
            Ok(None)
        }
    }

    pub fn date(&mut self) -> Result<Date, WireError> {
        let y = self.ivar()?;
        let (m, d) = (self.u8()?, self.u8()?);
        let y = i16::try_from(y).map_err(|_| self.err(format!("year {y} is out of range")))?;
        Date::new(y, m as i8, d as i8).map_err(|e| self.err(format!("not a date: {e}")))
    }

    pub fn time(&mut self) -> Result<Timestamp, WireError> {
        let s = self.ivar()?;
        let n = self.ivar()?;
        let n = i32::try_from(n).map_err(|_| self.err("nanoseconds out of range"))?;
        let t = Timestamp::new(s, n).map_err(|e| self.err(format!("not a time: {e}")))?;
        // jiff normalises (1 s, -1 ns) to (0 s, 999999999 ns): accept only the normal form.
        if t.as_second() != s || t.subsec_nanosecond() != n {
            return Err(self.err("a time is not in its normal form"));
        }
        Ok(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip() {
        let mut w = Writer::default();
        for v in [0u64, 1, 127, 128, 300, u64::MAX] {
            w.uvar(v);
        }
        for v in [0i64, -1, 1, -64, 64, i64::MIN, i64::MAX] {
            w.ivar(v);
        }
        w.str("Quảng Bình");
        w.opt(Some(Points::from_hundredths(-25)), |w, p| w.points(p));
        w.opt(None::<u8>, |w, v| w.u8(v));
        w.date(Date::new(2025, 3, 31).unwrap());
        let t: Timestamp = "2025-03-31T08:55:01.5Z".parse().unwrap();
        w.time(t);
        let mut r = Reader::new(&w.buf);
        for v in [0u64, 1, 127, 128, 300, u64::MAX] {
            assert_eq!(r.uvar().unwrap(), v);
        }
        for v in [0i64, -1, 1, -64, 64, i64::MIN, i64::MAX] {
            assert_eq!(r.ivar().unwrap(), v);
        }
        assert_eq!(r.str().unwrap(), "Quảng Bình");
        assert_eq!(
            r.opt(|r| r.points()).unwrap(),
            Some(Points::from_hundredths(-25))
        );
        assert_eq!(r.opt(|r| r.u8()).unwrap(), None);
        assert_eq!(r.date().unwrap(), Date::new(2025, 3, 31).unwrap());
        assert_eq!(r.time().unwrap(), t);
        r.end().unwrap();
    }

    #[test]
    fn only_one_encoding_is_accepted() {
        // 1 written with an extra byte.
        assert!(Reader::new(&[0x81, 0x00]).uvar().is_err());
        // Eleven bytes, or a tenth byte above 1.
        assert!(Reader::new(&[0xff; 11]).uvar().is_err());
        assert!(
            Reader::new(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02])
                .uvar()
                .is_err()
        );
        assert!(Reader::new(&[2]).bool().is_err());
        assert!(Reader::new(&[2, 0xc3, 0x28]).str().is_err());
        assert!(Reader::new(&[5, b'a']).str().is_err());
        let r = Reader::new(&[1, 2]);
        assert!(r.end().is_err());
    }

    #[test]
    fn skipping_a_text_checks_what_reading_it_checks() {
        let mut texts: Vec<Vec<u8>> = vec![
            b"".to_vec(),
            b"2024-03-15".to_vec(),
            "Quyết định số 125/QĐ-UBND về việc ban hành kế hoạch cải cách hành chính".into(),
            vec![b'a'; 70],
        ];
        // Every byte of each flipped, and cut anywhere (lengths past the end too).
        for t in texts.clone() {
            for i in 0..t.len() {
                for mask in [0x80u8, 0x40, 0xc0, 0x3f] {
                    let mut b = t.clone();
                    b[i] ^= mask;
                    texts.push(b);
                }
            }
        }
        for t in &texts {
            let mut w = Writer::default();
            w.uvar(t.len() as u64);
            w.buf.extend_from_slice(t);
            for cut in 0..=w.buf.len() {
                let bytes = &w.buf[..cut];
                let (mut r1, mut r2) = (Reader::new(bytes), Reader::new(bytes));
                assert_eq!(r1.str().map(|_| ()), r2.skip_str(), "{t:?} cut at {cut}");
                assert_eq!(r1.pos(), r2.pos());
            }
        }
    }
}
