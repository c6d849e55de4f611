//! Deterministic sample data (SPEC I6): self-assessments, survey scores and a first round of
//! appraisal decisions for any framework and unit set. The same seed gives the same data on
//! every machine: each unit draws from its own ChaCha8 stream (seed + unit code + purpose), so a
//! unit's data also does not depend on how many units are generated.
//!
//! The shape follows published PAR INDEX results: provinces score themselves generously (most
//! appraised items at the maximum), survey items land around 70–90 % of their maximum, and after
//! the appraisal most units end between 80 % and 93 % (a few in group A, most in B).

use std::collections::HashMap;
use std::io::{self, Write};

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

use domain::{Evidence, Framework, Method, Node, Points, SelfRow, SurveyRow, Unit, UnitSet};
use formats::self_import::format_evidence;

pub mod build;
pub mod demo;
pub mod responses;
pub mod scale;

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SampleOptions {
    pub year: u16,
    pub seed: u64,
    /// The first N units of the set; `None` = all.
    pub units: Option<usize>,
}

/// One appraisal decision a demo store starts with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleDecision {
    pub unit: String,
    pub leaf: String,
    /// The appraiser (OS user name) in charge of the unit.
    pub appraiser: &'static str,
    pub kind: SampleDecisionKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SampleDecisionKind {
    /// Proposed = self.
    Agree,
    /// Adjusted down, with a justification.
    Adjust {
        score: Points,
        justification: String,
    },
    RequestEvidence {
        request: String,
    },
    /// Adjusted down, then the unit's explanation against it was recorded.
    Dispute {
        score: Points,
        justification: String,
        explanation: String,
        claimed: Option<Points>,
        /// Reference of the province's letter, e.g. "215/UBND-NC".
        document: String,
        /// Days after the round opened that the letter arrived (0 … 34; a round is usually
        /// three to four weeks, so a few arrive late).
        days_after_opening: u32,
    },
}

// Stream purposes: each kind of data has its own stream per unit.
const PROFILE: u64 = 1;
const SELF: u64 = 2;
const SURVEY: u64 = 3;
const DECISIONS: u64 = 4;
const APPRAISERS: u64 = 5;

/// A ChaCha8 stream for one purpose and key: independent of everything else generated.
fn rng_for(seed: u64, purpose: u64, key: &str) -> ChaCha8Rng {
    // FNV-1a over the purpose and key picks the stream; the seed picks the key.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in purpose.to_le_bytes().iter().chain(key.as_bytes()) {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(h);
    rng
}

/// A number in `0..n` (n > 0) from 32 random bits, by multiply-shift: depends only on the
/// ChaCha8 output, never on a library's sampling algorithm.
fn below(rng: &mut ChaCha8Rng, n: u32) -> u32 {
    ((u64::from(rng.next_u32()) * u64::from(n.max(1))) >> 32) as u32
}

/// A number in `lo..=hi`.
fn between(rng: &mut ChaCha8Rng, lo: u32, hi: u32) -> u32 {
    lo + below(rng, hi.saturating_sub(lo) + 1)
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[below(rng, items.len() as u32) as usize]
}

fn chosen<'a>(units: &'a UnitSet, opt: &SampleOptions) -> &'a [Unit] {
    let n = opt
        .units
        .map_or(units.units.len(), |n| n.min(units.units.len()));
    &units.units[..n]
}

/// How strong a unit is (0..=1000), and how far its appraisal has progressed (0..=1000).
struct Profile {
    strength: u32,
    progress: u32,
}

fn profile(seed: u64, unit: &str) -> Profile {
    let mut rng = rng_for(seed, PROFILE, unit);
    // Sum of four uniforms: a bell around 500.
    let strength = (0..4).map(|_| below(&mut rng, 1001)).sum::<u32>() / 4;
    let r = below(&mut rng, 1000);
    let progress = if r < 450 {
        1000
    } else if r < 900 {
        between(&mut rng, 500, 950)
    } else {
        0
    };
    Profile { strength, progress }
}

/// The step in hundredths (at least 1).
fn step_h(fw: &Framework) -> i64 {
    fw.step.hundredths().max(1)
}

/// The highest valid score of a leaf: its maximum rounded down to the step.
fn full_h(node: &Node, step: i64) -> i64 {
    (node.max.hundredths().max(0) / step) * step
}

/// A criterion's name ready to be embedded mid-sentence: first letter lowered unless it
/// starts an acronym ("UBND"), no trailing period, and none of the evidence separators.
fn phrase(name: &str) -> String {
    let name = name.trim().trim_end_matches('.');
    let mut chars = name.chars();
    let mut out = String::with_capacity(name.len());
    if let Some(first) = chars.next() {
        let second_lower = name.chars().nth(1).is_some_and(char::is_lowercase);
        if first.is_uppercase() && second_lower {
            out.extend(first.to_lowercase());
        } else {
            out.push(first);
        }
    }
    out.extend(chars);
    out.replace(';', ",").replace('|', "/")
}

/// Vietnamese number format for points: "0,75".
fn vi(p: Points) -> String {
    p.show(l10n::Lang::Vi)
}

fn date(rng: &mut ChaCha8Rng, year: u16, months: (u32, u32)) -> String {
    let m = between(rng, months.0, months.1);
    let d = between(rng, 1, 28);
    format!("{year:04}-{m:02}-{d:02}")
}

/// The document kinds provinces cite as evidence.
#[derive(Clone, Copy)]
enum Doc {
    Plan,
    Decision,
    Report,
    Dispatch,
    Notice,
    Resolution,
}

const ISSUERS: &[(&str, &str)] = &[
    ("UBND", "UBND tỉnh"),
    ("SNV", "Sở Nội vụ"),
    ("STP", "Sở Tư pháp"),
    ("VP", "Văn phòng UBND tỉnh"),
    ("STTTT", "Sở Thông tin và Truyền thông"),
];

fn evidence_ref(
    rng: &mut ChaCha8Rng,
    year: u16,
    unit: &str,
    leaf: &str,
    name: &str,
    k: usize,
) -> Evidence {
    let doc = *pick(
        rng,
        &[
            Doc::Plan,
            Doc::Decision,
            Doc::Decision,
            Doc::Report,
            Doc::Report,
            Doc::Dispatch,
            Doc::Notice,
            Doc::Resolution,
        ],
    );
    let &(code, issuer) = pick(rng, ISSUERS);
    let (number, title, date) = match doc {
        Doc::Plan => (
            format!("{}/KH-{code}", between(rng, 1, 320)),
            if below(rng, 3) == 0 {
                format!("Kế hoạch cải cách hành chính năm {year} của {issuer}")
            } else {
                format!("Kế hoạch triển khai {name} năm {year}")
            },
            date(rng, year, (1, 3)),
        ),
        Doc::Decision => (
            format!("{}/QĐ-{code}", between(rng, 10, 3200)),
            match below(rng, 3) {
                0 => format!("Quyết định phê duyệt kết quả {name}"),
                1 => format!("Quyết định ban hành quy chế về {name}"),
                _ => format!("Quyết định công bố kết quả thực hiện năm {year} của {issuer}"),
            },
            date(rng, year, (1, 12)),
        ),
        Doc::Report => (
            format!("{}/BC-{code}", between(rng, 5, 560)),
            if below(rng, 2) == 0 {
                format!("Báo cáo kết quả {name} năm {year}")
            } else {
                format!(
                    "Báo cáo công tác cải cách hành chính {} năm {year}",
                    pick(rng, &["quý II", "quý III", "6 tháng đầu", "cả"])
                )
            },
            date(rng, year, (6, 12)),
        ),
        Doc::Dispatch => (
            format!(
                "{}/UBND-{}",
                between(rng, 120, 5400),
                pick(rng, &["NC", "TH", "KGVX", "KT"])
            ),
            format!("Công văn hướng dẫn, đôn đốc về {name}"),
            date(rng, year, (1, 11)),
        ),
        Doc::Notice => (
            format!("{}/TB-{code}", between(rng, 3, 420)),
            format!("Thông báo kết luận kiểm tra về {name}"),
            date(rng, year, (4, 12)),
        ),
        Doc::Resolution => (
            format!("{}/{year}/NQ-HĐND", between(rng, 1, 60)),
            format!("Nghị quyết của HĐND tỉnh liên quan đến {name}"),
            date(rng, year, (3, 12)),
        ),
    };
    let link = if below(rng, 10) < 6 {
        format!("tlkc/{year}/{unit}/{leaf}/{}.pdf", k + 1)
    } else {
        String::new()
    };
    Evidence {
        number,
        title,
        date,
        link,
    }
}

/// Every appraised leaf of every chosen unit, in unit then framework order.
pub fn self_rows(fw: &Framework, units: &UnitSet, opt: &SampleOptions) -> Vec<SelfRow> {
    let step = step_h(fw);
    let leaves: Vec<(&Node, String)> = fw
        .leaves()
        .filter(|n| n.method != Method::Survey)
        .map(|n| (n, phrase(&n.name)))
        .collect();
    let chosen = chosen(units, opt);
    let mut out = Vec::with_capacity(chosen.len() * leaves.len());
    let year = opt.year;
    for u in chosen {
        let prof = profile(opt.seed, &u.code);
        let mut rng = rng_for(opt.seed, SELF, &u.code);
        // Strong units claim the maximum more often: 78% … 95%.
        let p_full = 780 + prof.strength * 17 / 100;
        for (node, name) in &leaves {
            let full = full_h(node, step);
            let r = below(&mut rng, 1000);
            let (score, kind) = if r < p_full || full == 0 {
                (full, 0)
            } else if r < p_full + 10 {
                (0, 2)
            } else {
                let f = i64::from(between(&mut rng, 500, 950));
                (full * f / 1000 / step * step, 1)
            };
            let score = Points::from_hundredths(score);
            let n_ev = match kind {
                0 => between(&mut rng, 1, 3),
                1 => between(&mut rng, 1, 2),
                _ => u32::from(below(&mut rng, 10) < 3),
            } as usize;
            let evidence: Vec<Evidence> = (0..n_ev)
                .map(|k| evidence_ref(&mut rng, year, &u.code, &node.code, name, k))
                .collect();
            let note = self_note(&mut rng, kind, name, score, node.max, &evidence, year);
            out.push(SelfRow {
                unit: u.code.clone(),
                leaf: node.code.clone(),
                score,
                note,
                evidence,
            });
        }
    }
    out
}

fn self_note(
    rng: &mut ChaCha8Rng,
    kind: u8,
    name: &str,
    score: Points,
    max: Points,
    evidence: &[Evidence],
    year: u16,
) -> String {
    match kind {
        0 => match below(rng, 8) {
            0 | 1 => String::new(),
            2 => format!("Đã thực hiện đầy đủ, đúng thời hạn: {name}."),
            3 => "Hoàn thành 100% nhiệm vụ theo kế hoạch; có tài liệu kiểm chứng kèm theo."
                .to_string(),
            4 => match evidence.first() {
                Some(e) => format!(
                    "Kết quả thực hiện được tổng hợp tại văn bản số {}.",
                    e.number
                ),
                None => format!("Đã triển khai và hoàn thành trong năm {year}."),
            },
            5 => "Đạt yêu cầu theo hướng dẫn tại Công văn 384/BNV-CCHC.".to_string(),
            6 => format!("Đã triển khai và hoàn thành trong năm {year}; tự chấm điểm tối đa."),
            _ => format!("Tỉnh đã chỉ đạo các sở, ngành, địa phương triển khai nội dung: {name}."),
        },
        1 => {
            let pct = if max.is_zero() {
                0
            } else {
                score.hundredths() * 100 / max.hundredths()
            };
            match below(rng, 4) {
                0 => format!(
                    "Hoàn thành {pct}% nhiệm vụ; còn một số nội dung chưa thực hiện đúng thời hạn."
                ),
                1 => format!(
                    "Chưa hoàn thành đầy đủ: {name}; tỉnh tự chấm {}/{} điểm.",
                    vi(score),
                    vi(max)
                ),
                2 => format!(
                    "Một số cơ quan, đơn vị chưa gửi báo cáo đúng hạn nên tỉnh tự đánh giá {} điểm.",
                    vi(score)
                ),
                _ => format!(
                    "Đang tiếp tục triển khai, dự kiến hoàn thành trong quý I/{}.",
                    year + 1
                ),
            }
        }
        _ => match below(rng, 3) {
            0 => format!("Chưa triển khai thực hiện trong năm {year}."),
            1 => "Chưa thực hiện do chưa bố trí được kinh phí.".to_string(),
            _ => format!(
                "Chưa ban hành văn bản triển khai; sẽ khắc phục trong năm {}.",
                year + 1
            ),
        },
    }
}

/// Every survey leaf of every chosen unit: a fraction of the maximum (about 70–90 %, stronger
/// units higher) rounded to the nearest step.
pub fn survey_rows(fw: &Framework, units: &UnitSet, opt: &SampleOptions) -> Vec<SurveyRow> {
    let step = step_h(fw);
    let leaves: Vec<&Node> = fw.leaves().filter(|n| n.method == Method::Survey).collect();
    let chosen = chosen(units, opt);
    let mut out = Vec::with_capacity(chosen.len() * leaves.len());
    for u in chosen {
        let prof = profile(opt.seed, &u.code);
        let mut rng = rng_for(opt.seed, SURVEY, &u.code);
        let base = 720 + i64::from(prof.strength) / 5;
        for node in &leaves {
            let f = (base + i64::from(below(&mut rng, 121)) - 60).clamp(0, 1000);
            let full = full_h(node, step);
            let raw = node.max.hundredths().max(0) * f / 1000;
            let score = ((raw + step / 2) / step * step).min(full);
            out.push(SurveyRow {
                unit: u.code.clone(),
                leaf: node.code.clone(),
                score: Points::from_hundredths(score),
            });
        }
    }
    out
}

const APPRAISER_POOL: &[&str] = &[
    "nguyenvana",
    "tranthib",
    "lehoangc",
    "phamthuyd",
    "hoangminhe",
    "vuthanhh",
    "dangquocm",
    "buithilan",
];

/// A few realistic appraiser user names, chosen and ordered by the seed.
pub fn appraisers(seed: u64) -> Vec<&'static str> {
    let mut rng = rng_for(seed, APPRAISERS, "");
    let mut pool = APPRAISER_POOL.to_vec();
    // Fisher–Yates with our own bounded draw.
    for i in (1..pool.len()).rev() {
        let j = below(&mut rng, i as u32 + 1) as usize;
        pool.swap(i, j);
    }
    pool.truncate(4);
    pool
}

/// The first round of appraisal for the chosen units: each unit is reviewed from its first
/// appraised leaf on, up to its progress (some units finished, most partly, a few not
/// started). Of the reviewed items about 81 % are agreed, 13 % adjusted down by 0.25–1.0 (more
/// for weaker units; a sixth of those then disputed by the unit) and 6 % sent back for more
/// evidence. Leaves
/// without a self row are skipped.
pub fn decisions(
    fw: &Framework,
    units: &UnitSet,
    self_rows: &[SelfRow],
    opt: &SampleOptions,
) -> Vec<SampleDecision> {
    decisions_upto(fw, units, self_rows, opt, false)
}

/// [`decisions`]; with `complete`, every unit is reviewed to the end (a finished year).
fn decisions_upto(
    fw: &Framework,
    units: &UnitSet,
    self_rows: &[SelfRow],
    opt: &SampleOptions,
    complete: bool,
) -> Vec<SampleDecision> {
    let step = step_h(fw);
    let by_key: HashMap<(&str, &str), &SelfRow> = self_rows
        .iter()
        .map(|r| ((r.unit.as_str(), r.leaf.as_str()), r))
        .collect();
    let leaves: Vec<(&Node, String)> = fw
        .leaves()
        .filter(|n| n.method != Method::Survey)
        .map(|n| (n, phrase(&n.name)))
        .collect();
    // Adjustments of 0.25 … 1.00 that are multiples of the step (one step if none fit).
    let mut cuts: Vec<i64> = (1..)
        .map(|k| k * step)
        .skip_while(|&c| c < 25)
        .take_while(|&c| c <= 100)
        .collect();
    if cuts.is_empty() {
        cuts.push(step);
    }
    let names = appraisers(opt.seed);
    let next_year = opt.year + 1;
    let mut out = Vec::new();
    for (ui, u) in chosen(units, opt).iter().enumerate() {
        let prof = profile(opt.seed, &u.code);
        let mut rng = rng_for(opt.seed, DECISIONS, &u.code);
        let appraiser = names[ui % names.len()];
        let rows: Vec<(&Node, &String, &SelfRow)> = leaves
            .iter()
            .filter_map(|(n, name)| {
                by_key
                    .get(&(u.code.as_str(), n.code.as_str()))
                    .map(|r| (*n, name, *r))
            })
            .collect();
        let progress = if complete { 1000 } else { prof.progress };
        let reviewed = rows.len() * progress as usize / 1000;
        // Weaker units see more adjustments: 9 % … 17 % of reviewed items, 6 % need evidence.
        let adjust = 90 + (1000 - prof.strength) * 8 / 100;
        let agree = 940 - adjust;
        for (node, name, row) in rows.into_iter().take(reviewed) {
            let r = below(&mut rng, 1000);
            let kind = if r < agree || (r < 940 && row.score.is_zero()) {
                SampleDecisionKind::Agree
            } else if r < 940 {
                // Cut less than the self score where possible; a small item may lose all.
                let self_h = row.score.hundredths();
                let fitting = cuts.iter().take_while(|&&c| c < self_h).count();
                let cut = if fitting > 0 {
                    cuts[below(&mut rng, fitting as u32) as usize]
                } else {
                    self_h
                };
                let score = Points::from_hundredths(self_h - cut);
                let justification = justification(&mut rng, name, row, score, node.max);
                if below(&mut rng, 6) == 0 {
                    let (explanation, claimed) = explanation(&mut rng, name, row, score, step);
                    SampleDecisionKind::Dispute {
                        score,
                        justification,
                        explanation,
                        claimed,
                        document: format!("{}/UBND-NC", between(&mut rng, 12, 980)),
                        days_after_opening: between(&mut rng, 0, 34),
                    }
                } else {
                    SampleDecisionKind::Adjust {
                        score,
                        justification,
                    }
                }
            } else {
                SampleDecisionKind::RequestEvidence {
                    request: request(&mut rng, name, row, next_year),
                }
            };
            out.push(SampleDecision {
                unit: u.code.clone(),
                leaf: node.code.clone(),
                appraiser,
                kind,
            });
        }
    }
    out
}

fn justification(
    rng: &mut ChaCha8Rng,
    name: &str,
    row: &SelfRow,
    score: Points,
    max: Points,
) -> String {
    let cut = vi(row.score - score);
    match (row.evidence.first(), below(rng, 4)) {
        (None, _) => format!(
            "Không có tài liệu kiểm chứng kèm theo cho nội dung này; chỉ công nhận {}/{} điểm.",
            vi(score),
            vi(max)
        ),
        (Some(_), 0) => format!(
            "Tài liệu kiểm chứng chưa thể hiện đầy đủ kết quả {name}; điều chỉnh từ {} xuống {} điểm.",
            vi(row.score),
            vi(score)
        ),
        (Some(e), 1) => format!(
            "Văn bản {} ban hành sau thời hạn quy định, chưa đủ điều kiện đạt điểm tối đa; trừ {cut} điểm.",
            e.number
        ),
        (Some(_), 2) => format!(
            "Báo cáo chưa có số liệu cụ thể chứng minh tỷ lệ hoàn thành; chỉ công nhận {} điểm.",
            vi(score)
        ),
        (Some(e), _) => format!(
            "Tài liệu kiểm chứng {} không đúng nội dung tiêu chí; trừ {cut} điểm.",
            e.number
        ),
    }
}

fn explanation(
    rng: &mut ChaCha8Rng,
    name: &str,
    row: &SelfRow,
    proposed: Points,
    step: i64,
) -> (String, Option<Points>) {
    let text = match (row.evidence.first(), below(rng, 3)) {
        (Some(e), 0) => format!(
            "UBND tỉnh đã ban hành văn bản {} đúng thời hạn; đề nghị Hội đồng thẩm định xem xét công nhận điểm tự đánh giá.",
            e.number
        ),
        (_, 1) => format!(
            "Tài liệu kiểm chứng đã được cập nhật bổ sung trên Hệ thống; đề nghị giữ nguyên {} điểm.",
            vi(row.score)
        ),
        _ => format!(
            "Tỉnh đã hoàn thành {name}, báo cáo kèm theo thể hiện đầy đủ số liệu; đề nghị xem xét lại."
        ),
    };
    let r = below(rng, 10);
    let one_step_less = row.score.hundredths() - step;
    let claimed = if r < 7 {
        Some(row.score)
    } else if r < 9 && one_step_less > proposed.hundredths() {
        Some(Points::from_hundredths(one_step_less))
    } else if r < 9 {
        Some(row.score)
    } else {
        None
    };
    (text, claimed)
}

fn request(rng: &mut ChaCha8Rng, name: &str, row: &SelfRow, next_year: u16) -> String {
    let what = *pick(
        rng,
        &[
            "báo cáo kết quả thực hiện",
            "quyết định phê duyệt",
            "danh sách kèm theo",
            "số liệu tổng hợp của các sở, ngành",
        ],
    );
    match (row.evidence.first(), below(rng, 3)) {
        (Some(e), 0) => format!(
            "Đề nghị tỉnh cung cấp bản chụp văn bản {} có chữ ký, đóng dấu.",
            e.number
        ),
        (_, 1) => {
            let d = between(rng, 1, 28);
            let m = between(rng, 2, 3);
            format!(
                "Tài liệu kiểm chứng chưa đủ; đề nghị bổ sung {what} trước ngày {d}/{m}/{next_year}."
            )
        }
        _ => format!("Đề nghị bổ sung {what} để chứng minh kết quả {name}."),
    }
}

/// Write self rows in exactly the format `parse_self_csv` reads:
/// `unit,code,self_score,note,evidence` with points as "0.75".
pub fn write_self_csv(rows: &[SelfRow], out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["unit", "code", "self_score", "note", "evidence"])?;
    for r in rows {
        let evidence = format_evidence(&r.evidence).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("unit {}, criterion {}: {e}", r.unit, r.leaf),
            )
        })?;
        w.write_record([
            r.unit.as_str(),
            &r.leaf,
            &r.score.machine(),
            &r.note,
            &evidence,
        ])?;
    }
    w.flush()
}

/// Write survey rows in the format `parse_survey_csv` reads: `unit,code,score`.
pub fn write_survey_csv(rows: &[SurveyRow], out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["unit", "code", "score"])?;
    for r in rows {
        w.write_record([r.unit.as_str(), &r.leaf, &r.score.machine()])?;
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::testutil::{
        fixture_framework, fixture_units, framework, many_units, par_like_framework,
    };
    use formats::self_import::{parse_self_csv, parse_survey_csv};

    fn opt(seed: u64) -> SampleOptions {
        SampleOptions {
            year: 2024,
            seed,
            units: None,
        }
    }

    fn self_csv(fw: &Framework, units: &UnitSet, o: &SampleOptions) -> Vec<u8> {
        let mut buf = Vec::new();
        write_self_csv(&self_rows(fw, units, o), &mut buf).unwrap();
        buf
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let fw = par_like_framework();
        let units = many_units(10);
        let a = self_csv(&fw, &units, &opt(7));
        assert_eq!(a, self_csv(&fw, &units, &opt(7)));
        assert_ne!(a, self_csv(&fw, &units, &opt(8)));
        let rows = self_rows(&fw, &units, &opt(7));
        assert_eq!(
            decisions(&fw, &units, &rows, &opt(7)),
            decisions(&fw, &units, &rows, &opt(7))
        );
        assert_eq!(
            survey_rows(&fw, &units, &opt(7)),
            survey_rows(&fw, &units, &opt(7))
        );
        assert_ne!(
            survey_rows(&fw, &units, &opt(7)),
            survey_rows(&fw, &units, &opt(8))
        );
        assert_eq!(appraisers(7), appraisers(7));
        assert_eq!(appraisers(7).len(), 4);
    }

    #[test]
    fn pinned_output_does_not_drift() {
        // Guards "same seed → same data on every machine and every build": if this changes,
        // the generator changed and demo stores and benchmarks change with it.
        let fw = fixture_framework();
        let units = fixture_units();
        let rows = self_rows(&fw, &units, &opt(2024));
        let scores: Vec<String> = rows.iter().map(|r| r.score.machine()).collect();
        let survey: Vec<String> = survey_rows(&fw, &units, &opt(2024))
            .iter()
            .map(|r| r.score.machine())
            .collect();
        insta::assert_snapshot!(format!(
            "{}\n{}\n{}\n{}\n{}",
            scores.join(" "),
            survey.join(" "),
            appraisers(2024).join(" "),
            rows.iter()
                .map(|r| r.note.as_str())
                .find(|n| !n.is_empty())
                .unwrap_or_default(),
            format_evidence(&rows[0].evidence).unwrap()
        ));
    }

    #[test]
    fn a_unit_does_not_depend_on_how_many_units_are_generated() {
        let fw = par_like_framework();
        let units = many_units(6);
        let all = self_rows(&fw, &units, &opt(1));
        let two = self_rows(
            &fw,
            &units,
            &SampleOptions {
                units: Some(2),
                ..opt(1)
            },
        );
        assert_eq!(two.len(), 2 * 76);
        assert_eq!(&all[..two.len()], &two[..]);
        assert!(two.iter().all(|r| r.unit == "001" || r.unit == "002"));
        // More than the set: all of them.
        let more = self_rows(
            &fw,
            &units,
            &SampleOptions {
                units: Some(100),
                ..opt(1)
            },
        );
        assert_eq!(more, all);
    }

    #[test]
    fn generated_files_pass_the_importers_unchanged() {
        for (fw, units) in [
            (par_like_framework(), many_units(30)),
            (fixture_framework(), fixture_units()),
        ] {
            for seed in [0, 1, 99] {
                let o = opt(seed);
                let rows = self_rows(&fw, &units, &o);
                let appraised = fw.leaves().filter(|n| n.method != Method::Survey).count();
                assert_eq!(rows.len(), units.units.len() * appraised);
                let mut buf = Vec::new();
                write_self_csv(&rows, &mut buf).unwrap();
                let back =
                    parse_self_csv(&buf, 2024, &fw, &units).unwrap_or_else(|e| panic!("{}", e[0]));
                assert_eq!(back, rows);

                let survey = survey_rows(&fw, &units, &o);
                let mut buf = Vec::new();
                write_survey_csv(&survey, &mut buf).unwrap();
                let back = parse_survey_csv(&buf, 2024, &fw, &units)
                    .unwrap_or_else(|e| panic!("{}", e[0]));
                assert_eq!(back, survey);
            }
        }
    }

    #[test]
    fn decisions_are_valid_appraisals() {
        let fw = par_like_framework();
        let units = many_units(40);
        let o = opt(5);
        let rows = self_rows(&fw, &units, &o);
        let by_key: HashMap<(&str, &str), &SelfRow> = rows
            .iter()
            .map(|r| ((r.unit.as_str(), r.leaf.as_str()), r))
            .collect();
        let names = appraisers(5);
        for d in decisions(&fw, &units, &rows, &o) {
            let row = by_key[&(d.unit.as_str(), d.leaf.as_str())];
            let node = fw.node(&d.leaf).unwrap();
            assert_eq!(node.method, Method::Appraised);
            assert!(names.contains(&d.appraiser));
            match &d.kind {
                SampleDecisionKind::Agree => {}
                SampleDecisionKind::Adjust {
                    score,
                    justification,
                }
                | SampleDecisionKind::Dispute {
                    score,
                    justification,
                    ..
                } => {
                    assert!(score.check_score(node.max, fw.step).is_ok());
                    assert!(*score < row.score, "adjusted down");
                    let cut = row.score - *score;
                    assert!(cut <= Points::from_hundredths(100));
                    assert!(!justification.trim().is_empty());
                    if let SampleDecisionKind::Dispute {
                        explanation,
                        claimed,
                        document,
                        days_after_opening,
                        ..
                    } = &d.kind
                    {
                        assert!(!explanation.is_empty());
                        assert!(document.ends_with("/UBND-NC"));
                        assert!(*days_after_opening <= 34);
                        if let Some(c) = claimed {
                            assert!(*c > *score && *c <= row.score);
                        }
                    }
                }
                SampleDecisionKind::RequestEvidence { request } => {
                    assert!(request.starts_with("Đề nghị") || request.starts_with("Tài liệu"));
                }
            }
        }
    }

    /// The proposed percent of each unit once the sample decisions are applied.
    fn proposed_percents(fw: &Framework, units: &UnitSet, o: &SampleOptions) -> Vec<i64> {
        let rows = self_rows(fw, units, o);
        let survey = survey_rows(fw, units, o);
        let mut total: HashMap<&str, Points> = HashMap::new();
        for r in &rows {
            *total.entry(r.unit.as_str()).or_default() += r.score;
        }
        for r in &survey {
            *total.entry(r.unit.as_str()).or_default() += r.score;
        }
        let self_of: HashMap<(&str, &str), Points> = rows
            .iter()
            .map(|r| ((r.unit.as_str(), r.leaf.as_str()), r.score))
            .collect();
        let ds = decisions(fw, units, &rows, o);
        for d in &ds {
            if let SampleDecisionKind::Adjust { score, .. }
            | SampleDecisionKind::Dispute { score, .. } = &d.kind
            {
                let s = self_of[&(d.unit.as_str(), d.leaf.as_str())];
                *total.get_mut(d.unit.as_str()).unwrap() += *score - s;
            }
        }
        units
            .units
            .iter()
            .map(|u| {
                total
                    .get(u.code.as_str())
                    .copied()
                    .unwrap_or_default()
                    .percent_of(fw.total)
            })
            .collect()
    }

    #[test]
    fn totals_look_like_published_results() {
        let fw = par_like_framework();
        let units = many_units(63);
        for seed in [1, 2, 3] {
            let pct = proposed_percents(&fw, &units, &opt(seed));
            let mut sorted = pct.clone();
            sorted.sort();
            eprintln!("seed {seed}: {sorted:?}");
            let mean = pct.iter().sum::<i64>() / pct.len() as i64;
            let in_band = pct.iter().filter(|&&p| (8000..=9300).contains(&p)).count();
            let group_a = pct.iter().filter(|&&p| p >= 9000).count();
            let min = *pct.iter().min().unwrap();
            let max = *pct.iter().max().unwrap();
            assert!((8400..=9000).contains(&mean), "seed {seed}: mean {mean}");
            assert!(
                in_band * 10 >= pct.len() * 8,
                "seed {seed}: {in_band} of 63 in 80–93 %"
            );
            assert!(
                (1..=25).contains(&group_a),
                "seed {seed}: {group_a} in group A"
            );
            assert!(min >= 7500 && max <= 9800, "seed {seed}: {min}..{max}");
        }
    }

    #[test]
    fn decision_mix_and_generous_self_scores() {
        let fw = par_like_framework();
        let units = many_units(63);
        let o = opt(11);
        let rows = self_rows(&fw, &units, &o);
        let at_max = rows
            .iter()
            .filter(|r| r.score == fw.node(&r.leaf).unwrap().max)
            .count();
        assert!(at_max * 100 >= rows.len() * 70 && at_max * 100 <= rows.len() * 95);
        let with_evidence = rows.iter().filter(|r| !r.evidence.is_empty()).count();
        assert!(with_evidence * 100 >= rows.len() * 90);
        let ds = decisions(&fw, &units, &rows, &o);
        let count = |f: &dyn Fn(&SampleDecisionKind) -> bool| {
            ds.iter().filter(|d| f(&d.kind)).count() * 1000 / rows.len()
        };
        let agreed = count(&|k| matches!(k, SampleDecisionKind::Agree));
        let adjusted = count(&|k| {
            matches!(
                k,
                SampleDecisionKind::Adjust { .. } | SampleDecisionKind::Dispute { .. }
            )
        });
        let needs_info = count(&|k| matches!(k, SampleDecisionKind::RequestEvidence { .. }));
        let disputed = count(&|k| matches!(k, SampleDecisionKind::Dispute { .. }));
        assert!((500..=700).contains(&agreed), "agreed {agreed}‰");
        assert!((70..=150).contains(&adjusted), "adjusted {adjusted}‰");
        assert!((15..=80).contains(&needs_info), "needs-info {needs_info}‰");
        assert!((5..=40).contains(&disputed), "disputed {disputed}‰");
    }

    #[test]
    fn text_is_varied_vietnamese() {
        let fw = par_like_framework();
        let units = many_units(10);
        let rows = self_rows(&fw, &units, &opt(3));
        let notes: std::collections::HashSet<&str> = rows.iter().map(|r| r.note.as_str()).collect();
        assert!(notes.len() > 100, "{} distinct notes", notes.len());
        let numbers: Vec<&str> = rows
            .iter()
            .flat_map(|r| r.evidence.iter().map(|e| e.number.as_str()))
            .collect();
        assert!(numbers.iter().any(|n| n.contains("/QĐ-")));
        assert!(numbers.iter().any(|n| n.contains("/KH-")));
        assert!(numbers.iter().any(|n| n.contains("/BC-")));
        for r in &rows {
            for e in &r.evidence {
                assert!(e.date.starts_with("2024-"), "{}", e.date);
                assert!(!e.title.contains([';', '|']));
            }
        }
    }

    #[test]
    fn tiny_frameworks_odd_steps_and_no_units() {
        use Method::{Appraised as A, Survey as S};
        // A leaf whose maximum is below the step can only score 0.
        let fw = framework(
            "0.5",
            &[
                ("1", "Một", "1.25", A),
                ("1.1", "Nhỏ", "0.25", A),
                ("1.2", "Lớn", "1", A),
                ("2", "Khảo sát", "1", S),
            ],
        );
        let units = fixture_units();
        let rows = self_rows(&fw, &units, &opt(4));
        assert_eq!(rows.len(), 8);
        let mut buf = Vec::new();
        write_self_csv(&rows, &mut buf).unwrap();
        assert_eq!(parse_self_csv(&buf, 2024, &fw, &units).unwrap(), rows);
        let survey = survey_rows(&fw, &units, &opt(4));
        assert_eq!(survey.len(), 4);
        for s in &survey {
            assert!(s.score.check_score(Points::whole(1), fw.step).is_ok());
        }
        let ds = decisions(&fw, &units, &rows, &opt(4));
        for d in &ds {
            if let SampleDecisionKind::Adjust { score, .. } = &d.kind {
                assert!(score.is_multiple_of(fw.step));
            }
        }

        let none = domain::testutil::many_units(0);
        assert!(self_rows(&fw, &none, &opt(4)).is_empty());
        assert!(survey_rows(&fw, &none, &opt(4)).is_empty());
        assert!(decisions(&fw, &none, &[], &opt(4)).is_empty());
        let mut buf = Vec::new();
        write_self_csv(&[], &mut buf).unwrap();
        assert_eq!(buf, b"unit,code,self_score,note,evidence\n");
        let mut buf = Vec::new();
        write_survey_csv(&[], &mut buf).unwrap();
        assert_eq!(buf, b"unit,code,score\n");
    }

    #[test]
    fn writer_refuses_evidence_the_format_cannot_carry() {
        let row = SelfRow {
            unit: "44".into(),
            leaf: "1.2".into(),
            score: Points::ZERO,
            note: String::new(),
            evidence: vec![Evidence {
                number: "1|2".into(),
                ..Default::default()
            }],
        };
        let err = write_self_csv(&[row], &mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("unit 44, criterion 1.2"));
    }
}
