//! Portable backups: the journal as JSON lines, ended by a trailer, and a restore that checks
//! every line and the trailer before it builds a store.
//!
//! ```text
//! {"thamdinh_backup":1,"body_format":1}
//! {"seq":1,"hash":"<64 hex>","body":"<base64 of the event's canonical bytes>"}
//! …
//! {"trailer":{"events":4048,"head_seq":4048,"head_hash":"<64 hex>"}}
//! ```
//! A line holds exactly the bytes the hash chain covers, so a restored store has the same
//! events, hashes and seal. A file without its trailer, or whose trailer does not match what
//! came before it, was cut or altered: it is refused.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde::{Deserialize, Serialize};

use domain::{BackupSummary, Seal};
use l10n::Said;

use super::apply::Applier;
use super::body;
use super::commit::chain_hash;
use super::error::StoreError;
use super::journal::Entry;
use super::state::Applied;
use super::{APPLY_BATCH, Store, layout, lock};

/// The first line of a backup.
#[derive(Serialize, Deserialize)]
struct Header {
    thamdinh_backup: u32,
    body_format: u8,
}

const BACKUP_FORMAT: u32 = 1;

/// One event.
#[derive(Serialize, Deserialize)]
struct Line {
    seq: u64,
    hash: String,
    body: String,
}

/// The last line.
#[derive(Serialize, Deserialize, PartialEq, Eq, Debug)]
struct Trailer {
    events: u64,
    head_seq: u64,
    head_hash: String,
}

#[derive(Serialize, Deserialize)]
struct TrailerLine {
    trailer: Trailer,
}

impl Store {
    /// Write the journal (up to its head when the backup starts) as a backup, in bounded
    /// memory. Returns what it wrote.
    pub fn backup(&self, out: &mut dyn Write) -> Result<BackupSummary, StoreError> {
        let head = self.last_seq();
        let out_err = |e| StoreError::io(PathBuf::from("(backup output)"), e);
        writeln!(
            out,
            "{}",
            to_json(&Header {
                thamdinh_backup: BACKUP_FORMAT,
                body_format: body::BODY_FORMAT,
            })
        )
        .map_err(out_err)?;
        let mut seal = Seal::default();
        let mut n = 0;
        let mut next = 1;
        while next <= head {
            let page: Vec<_> = {
                let j = self.journal_read();
                j.records_from(next)
                    .take(1024)
                    .take_while(|r| r.as_ref().map_or(true, |r| r.seq <= head))
                    .collect::<Result<_, _>>()
                    .map_err(|e| StoreError::journal(&self.dir, e))?
            };
            if page.is_empty() {
                return Err(StoreError::corrupt(format!(
                    "the journal ends before event {next} (run `thamdinh verify`)"
                )));
            }
            for rec in page {
                let line = Line {
                    seq: rec.seq,
                    hash: hex::encode(rec.hash),
                    body: B64.encode(&rec.body),
                };
                writeln!(out, "{}", to_json(&line)).map_err(out_err)?;
                seal = Seal {
                    seq: rec.seq,
                    hash: rec.hash,
                };
                next = rec.seq + 1;
                n += 1;
            }
        }
        writeln!(
            out,
            "{}",
            to_json(&TrailerLine {
                trailer: Trailer {
                    events: n,
                    head_seq: seal.seq,
                    head_hash: seal.hash_hex(),
                },
            })
        )
        .map_err(out_err)?;
        out.flush().map_err(out_err)?;
        Ok(BackupSummary { events: n, seal })
    }

    /// Create a new store in `dir` from a backup. The header, every line (seqs from 1 without
    /// a gap, the hash chain over the exact bytes, times that never go backwards, bodies that
    /// decode) and the trailer (count, head seq, head hash) are checked, and the finished store
    /// is verified, before it is moved into place. On any problem nothing is left behind and
    /// the error names the line. Blank lines are ignored.
    pub fn restore(dir: &Path, input: &mut dyn BufRead) -> Result<Store, StoreError> {
        if Store::exists(dir) {
            return Err(StoreError::AlreadyExists {
                path: dir.to_path_buf(),
            });
        }
        // The topmost folder this call creates, to remove on failure.
        let mut created = None;
        for a in dir.ancestors() {
            if a.as_os_str().is_empty() || a.exists() {
                break;
            }
            created = Some(a.to_path_buf());
        }
        lock::create_dir(dir)?;
        // Build the store aside and move it into place only once it is complete, verified and
        // durable: a restore killed half-way never leaves a store with half the history.
        let staging = dir.join(".restoring");
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(|e| StoreError::io(staging.clone(), e))?;
        }
        let built = Store::create(&staging).and_then(|store| {
            store.fill_from(input)?;
            let report = store.verify()?;
            if !report.ok() {
                return Err(StoreError::Restore {
                    line: 0,
                    reason: unverified(&report),
                });
            }
            store.flush()?;
            Ok(())
        });
        let moved = built.and_then(|()| {
            for name in ["journal", "sled", "store.lock"] {
                let (from, to) = (staging.join(name), dir.join(name));
                std::fs::rename(&from, &to).map_err(|e| StoreError::io(to, e))?;
            }
            lock::sync_dir(dir)?;
            std::fs::remove_dir_all(&staging).map_err(|e| StoreError::io(staging.clone(), e))
        });
        match moved {
            Ok(()) => Store::open(dir),
            Err(e) => {
                // Best effort: the error that matters is the restore error.
                let _ = std::fs::remove_dir_all(&staging);
                for name in ["journal", "sled", "store.lock"] {
                    let p = dir.join(name);
                    let _ = std::fs::remove_dir_all(&p).or_else(|_| std::fs::remove_file(&p));
                }
                if let Some(top) = created {
                    let _ = std::fs::remove_dir_all(top);
                }
                Err(e)
            }
        }
    }

    fn fill_from(&self, input: &mut dyn BufRead) -> Result<(), StoreError> {
        let mut tip = self.lock_tip();
        let mut applier = Applier::new(self);
        let mut batch: Vec<Entry> = Vec::new();
        let mut prev = [0u8; 32];
        let mut last_at = None;
        let mut expected = 1u64;
        let mut line = 0usize;
        let mut buf = String::new();
        let mut header = false;
        let mut trailer: Option<(usize, Trailer)> = None;
        loop {
            buf.clear();
            let read = input.read_line(&mut buf).map_err(|e| StoreError::Restore {
                line: line + 1,
                reason: Said::new(
                    format!("không đọc được: {e}"),
                    format!("cannot be read: {e}"),
                ),
            })?;
            if read == 0 {
                break;
            }
            line += 1;
            let text = buf.trim();
            if text.is_empty() {
                continue;
            }
            let bad = |vi: String, en: String| StoreError::Restore {
                line,
                reason: Said::new(vi, en),
            };
            if let Some((at, _)) = &trailer {
                return Err(bad(
                    format!("có nội dung sau dòng kết thúc ở dòng {at} (tệp đã bị sửa)"),
                    format!("text after the trailer on line {at} (the file was altered)"),
                ));
            }
            if !header {
                let h: Header = serde_json::from_str(text).map_err(|_| {
                    bad(
                        "đây không phải bản sao lưu của phiên bản thamdinh này (dòng đầu không \
                         phải phần đầu của một bản sao lưu). Bản sao lưu của bản phát hành trước \
                         được khôi phục bằng thamdinh của bản đó; kho nó tạo ra được chuyển sang \
                         cách lưu của phiên bản này khi phiên bản này mở kho lần đầu (chạy \
                         `thamdinh verify` trên kho đó, rồi `thamdinh backup` để có bản sao lưu \
                         của phiên bản này)"
                            .into(),
                        "this is not a backup of this version of thamdinh (its first line is \
                         not the backup header). A backup written by the previous release is \
                         restored with that release's thamdinh; the store it makes is moved to \
                         this version's layout when this version first opens it (run `thamdinh \
                         verify` on it, then `thamdinh backup` to make a backup of this version)"
                            .into(),
                    )
                })?;
                if h.thamdinh_backup != BACKUP_FORMAT || h.body_format != body::BODY_FORMAT {
                    return Err(bad(
                        format!(
                            "bản sao lưu định dạng {} với nội dung định dạng {}: chương trình này \
                             đọc định dạng {BACKUP_FORMAT} với nội dung định dạng {}",
                            h.thamdinh_backup,
                            h.body_format,
                            body::BODY_FORMAT
                        ),
                        format!(
                            "backup format {} with bodies of format {}: this program reads format \
                             {BACKUP_FORMAT} with bodies of format {}",
                            h.thamdinh_backup,
                            h.body_format,
                            body::BODY_FORMAT
                        ),
                    ));
                }
                header = true;
                continue;
            }
            if let Ok(t) = serde_json::from_str::<TrailerLine>(text) {
                trailer = Some((line, t.trailer));
                continue;
            }
            let l: Line = serde_json::from_str(text).map_err(|e| {
                bad(
                    format!("không phải một dòng sự kiện: {e}"),
                    format!("not an event line: {e}"),
                )
            })?;
            if l.seq != expected {
                return Err(bad(
                    format!(
                        "sự kiện {} ở chỗ phải là sự kiện {expected} (các sự kiện phải liền nhau \
                         từ 1, không thiếu)",
                        l.seq
                    ),
                    format!(
                        "event {} where event {expected} was expected (events must run from 1 \
                         without gaps)",
                        l.seq
                    ),
                ));
            }
            let claimed: [u8; 32] = hex::decode(&l.hash)
                .ok()
                .and_then(|h| h.try_into().ok())
                .ok_or_else(|| {
                    bad(
                        format!("sự kiện {expected}: mã băm không phải 64 chữ số thập lục phân"),
                        format!("event {expected}: hash is not 64 hex digits"),
                    )
                })?;
            let bytes = B64.decode(l.body.as_bytes()).map_err(|e| {
                bad(
                    format!("sự kiện {expected}: nội dung không phải base64: {e}"),
                    format!("event {expected}: body is not base64: {e}"),
                )
            })?;
            let d = body::decode(&bytes).map_err(|e| {
                bad(
                    format!("sự kiện {expected}: không đọc được nội dung: {e}"),
                    format!("event {expected}: body cannot be read: {e}"),
                )
            })?;
            if d.body.seq != expected {
                return Err(bad(
                    format!(
                        "sự kiện {expected}: nội dung của nó ghi là sự kiện {}",
                        d.body.seq
                    ),
                    format!(
                        "event {expected}: its content says it is event {}",
                        d.body.seq
                    ),
                ));
            }
            layout::check_user(&d.body.actor)
                .and_then(|()| layout::check_change(&d.body.change))
                .map_err(|e| bad(e.message(l10n::Lang::Vi), e.message(l10n::Lang::En)))?;
            if chain_hash(&prev, &bytes) != claimed {
                return Err(bad(
                    format!(
                        "sự kiện {expected}: mã băm không khớp với nội dung của nó và mã băm của \
                         sự kiện trước (dòng đã bị sửa)"
                    ),
                    format!(
                        "event {expected}: its hash does not match its content and the previous \
                         event's hash (the line was altered)"
                    ),
                ));
            }
            if last_at.is_some_and(|t| d.body.at < t) {
                return Err(bad(
                    format!("sự kiện {expected}: thời điểm của nó sớm hơn sự kiện trước nó"),
                    format!("event {expected}: its time is earlier than the event before it"),
                ));
            }
            last_at = Some(d.body.at);
            applier.apply(&d.body)?;
            batch.push((expected, claimed, bytes));
            prev = claimed;
            expected += 1;
            if batch.len() >= APPLY_BATCH {
                self.flush_restored(&mut batch, &mut applier)?;
            }
        }
        if !header {
            return Err(StoreError::Restore {
                line: 1,
                reason: Said::new("tệp trống", "the file is empty"),
            });
        }
        let events = expected - 1;
        let expected_trailer = Trailer {
            events,
            head_seq: events,
            head_hash: hex::encode(prev),
        };
        match trailer {
            None => {
                return Err(StoreError::Restore {
                    line,
                    reason: Said::new(
                        format!(
                            "bản sao lưu không có dòng kết thúc sau {events} sự kiện: tệp đã bị cắt \
                             hoặc chưa đầy đủ, nên không chứng minh được là có đủ mọi sự kiện"
                        ),
                        format!(
                            "the backup has no trailer after its {events} events: it was cut or \
                             is incomplete, so it cannot prove it holds every event"
                        ),
                    ),
                });
            }
            Some((at, t)) if t != expected_trailer => {
                let head_hash = hex::encode(prev);
                return Err(StoreError::Restore {
                    line: at,
                    reason: Said::new(
                        format!(
                            "dòng kết thúc ghi {} sự kiện, đến sự kiện {} với mã băm {}, nhưng tệp \
                             có {events} sự kiện, kết thúc bằng mã băm {head_hash} (thiếu sự kiện \
                             hoặc có sự kiện đã bị sửa)",
                            t.events, t.head_seq, t.head_hash
                        ),
                        format!(
                            "the trailer says {} events ending at event {} with hash {}, but the \
                             file holds {events} events ending with hash {head_hash} (events are \
                             missing or were altered)",
                            t.events, t.head_seq, t.head_hash
                        ),
                    ),
                });
            }
            Some(_) => {}
        }
        self.flush_restored(&mut batch, &mut applier)?;
        tip.seq = events;
        tip.hash = prev;
        tip.at = last_at;
        self.last_seq
            .store(events, std::sync::atomic::Ordering::Release);
        Ok(())
    }

    /// Append a batch of restored records to the journal and apply them.
    fn flush_restored(
        &self,
        batch: &mut Vec<Entry>,
        applier: &mut Applier<'_>,
    ) -> Result<(), StoreError> {
        let Some(&(seq, hash, _)) = batch.last() else {
            return Ok(());
        };
        self.journal_write()
            .append(batch)
            .map_err(|e| StoreError::journal(&self.dir, e))?;
        batch.clear();
        applier.write(Applied { seq, hash })?;
        Ok(())
    }
}

fn to_json<T: Serialize>(v: &T) -> String {
    // Plain structs of strings and numbers always serialise.
    serde_json::to_string(v).unwrap_or_default()
}

/// Why a store built from a whole backup does not verify (the first damage, or the first
/// difference of its state), without verify's advice to restore: this is the restore.
fn unverified(report: &domain::VerifyReport) -> Said {
    if let Some((seq, why)) = &report.first_bad_event {
        return why.within(
            |v| format!("kho dựng lại từ bản sao lưu không qua kiểm tra ở sự kiện {seq}: {v}"),
            |e| format!("the store built from the backup does not verify at event {seq}: {e}"),
        );
    }
    match &report.first_state_mismatch {
        Some(what) => what.within(
            |v| format!("trạng thái dựng lại từ bản sao lưu khác với các sự kiện của nó: {v}"),
            |e| format!("the state built from the backup differs from its events: {e}"),
        ),
        None => Said::new(
            "không kiểm tra được kho dựng lại từ bản sao lưu",
            "the store built from the backup could not be checked",
        ),
    }
}
