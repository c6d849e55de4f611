//! Survey responses and what is computed from them (issue 16): the tallies an import records
//! (`ResponseBatch`, per unit × question × level, plus the channels and the respondents' keyed
//! hashes), and the indices, intervals, ranking and survey points computed from them by a
//! [`SurveyDef`]. Pure: no I/O.
//!
//! The formula (stated in the definition, named "sipas-2024 v1" in the reason of every survey
//! point it writes):
//! - a question's index = satisfied answers / answers (a blank answer is no answer);
//! - a factor's index = the mean of its questions' indices (questions without answers left out);
//! - the unit's index = the mean of its factors' indices, or their weighted mean
//!   (`index = "weighted"`); no index while a factor has no answers at all;
//! - a linked survey item's points = `max × value`, rounded half up to 0,01 point (the step of
//!   survey items, `Node::score_step`).
//!
//! Intervals (95%): a question's is the Wilson score interval of its proportion (z = 1.959964).
//! A factor's and the index's are the Wilson interval around their value with the smallest
//! number of answers of any question they are made of as n: the answers to the questions of a
//! factor come from the same respondents, so pooling them would claim a precision the survey
//! does not have; the smallest n is the cautious choice, and is the n shown.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use l10n::Lang;

use super::aggregate::competition_ranks;
use super::points::Points;
use super::survey::{IndexRule, LinkSource, SurveyDef};
use super::units::UnitSet;

/// How a response was collected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    Online,
    Counter,
    Paper,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Online, Channel::Counter, Channel::Paper];

    /// "online", "trực tuyến", "counter", "quầy", "tại quầy", "paper", "giấy", "phiếu giấy" (any
    /// case, with or without accents).
    pub fn parse(text: &str) -> Option<Channel> {
        match super::survey::fold_words(text).as_str() {
            "online" | "truc tuyen" => Some(Channel::Online),
            "counter" | "quay" | "tai quay" => Some(Channel::Counter),
            "paper" | "giay" | "phieu giay" => Some(Channel::Paper),
            _ => None,
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match self {
            Channel::Online => lang.pick("trực tuyến", "online"),
            Channel::Counter => lang.pick("tại quầy", "counter"),
            Channel::Paper => lang.pick("phiếu giấy", "paper"),
        }
    }
}

/// The answers of one unit in one import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitTally {
    pub unit: String,
    /// Responses (rows of the file) for the unit.
    pub responses: u32,
    /// Responses by channel, in `Channel::ALL` order.
    pub channels: [u32; 3],
    /// Answers per question and level: `counts[q * levels + (level - 1)]`.
    pub counts: Vec<u32>,
}

/// The bytes of a respondent's keyed hash kept in the store (128 bits of HMAC-SHA256).
pub const RESPONDENT_HASH_BYTES: usize = 16;
pub type RespondentHash = [u8; RESPONDENT_HASH_BYTES];

/// One import of responses, as recorded: compact tallies, never the answers row by row, and the
/// respondents only as keyed hashes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseBatch {
    pub survey: String,
    pub version: u32,
    /// The file's name (without its folder) and the SHA-256 of its bytes (hex).
    pub file: String,
    pub sha256: String,
    /// The question ids, in the order of the counts.
    pub questions: Vec<String>,
    /// Levels of the scale.
    pub levels: u8,
    /// By unit code.
    pub units: Vec<UnitTally>,
    /// Sorted; empty where a reader is not given them (`Workbench::responses`).
    pub respondents: Vec<RespondentHash>,
}

impl ResponseBatch {
    pub fn responses(&self) -> u64 {
        self.units.iter().map(|u| u64::from(u.responses)).sum()
    }

    /// What the tallies must hold together: the counts' length, units in order, sorted hashes.
    pub fn check(&self) -> Result<(), String> {
        let per = self.questions.len() * usize::from(self.levels);
        if self.levels < 2 {
            return Err("a scale of fewer than 2 levels".into());
        }
        for u in &self.units {
            if u.counts.len() != per {
                return Err(format!(
                    "unit {}: {} counts, not {per}",
                    u.unit,
                    u.counts.len()
                ));
            }
        }
        if !self.units.windows(2).all(|w| w[0].unit < w[1].unit) {
            return Err("units not in code order".into());
        }
        if !self.respondents.windows(2).all(|w| w[0] < w[1]) {
            return Err("respondent hashes not sorted and distinct".into());
        }
        Ok(())
    }
}

/// What an import sends the engine: the batch without hashes, and the respondents' ids in
/// clear, which the engine hashes with the store's key and forgets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseUpload {
    pub batch: ResponseBatch,
    pub respondents: Vec<String>,
}

/// HMAC-SHA256 (RFC 2104) of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[&[u8]]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    for m in message {
        inner.update(m);
    }
    let inner = inner.finalize();
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner);
    outer.finalize().into()
}

/// A respondent's keyed hash: HMAC-SHA256 under the store's key of the survey id, the year and
/// the id as compared (`fold_words`: case, accents and spacing do not matter), cut to 128 bits. The same person in another survey or year
/// hashes differently, so hashes cannot be linked across them.
pub fn respondent_hash(key: &[u8], survey: &str, year: u16, respondent: &str) -> RespondentHash {
    let id = super::survey::fold_words(respondent);
    let mac = hmac_sha256(
        key,
        &[
            b"thamdinh respondent v1\0",
            survey.as_bytes(),
            b"\0",
            &year.to_be_bytes(),
            id.as_bytes(),
        ],
    );
    let mut out = [0u8; RESPONDENT_HASH_BYTES];
    out.copy_from_slice(&mac[..RESPONDENT_HASH_BYTES]);
    out
}

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_964;

/// The Wilson score interval of a proportion `p` observed on `n` answers (0..1 both ends);
/// (0, 1) when there are no answers.
pub fn wilson(p: f64, n: u32) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n = f64::from(n);
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// A share (0..1) in hundredths of a percent, rounded half up: 0.826_55 → 8266.
pub fn percent_h(share: f64) -> i64 {
    (share * 10_000.0 + 1e-9).round() as i64
}

/// A value with its interval and the answers it rests on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// 0..1
    pub value: f64,
    pub n: u32,
    pub low: f64,
    pub high: f64,
}

impl Estimate {
    fn new(value: f64, n: u32) -> Estimate {
        let (low, high) = wilson(value, n);
        Estimate {
            value,
            n,
            low,
            high,
        }
    }

    /// "82,66% (n = 37; 95%: 67,51–91,47%)"
    pub fn show(&self, lang: Lang) -> String {
        format!(
            "{} (n = {}; 95%: {}–{})",
            super::number::percent(percent_h(self.value), lang),
            self.n,
            super::number::hundredths(percent_h(self.low), lang),
            super::number::percent(percent_h(self.high), lang)
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct QuestionResult {
    pub satisfied: u32,
    /// `None` without answers.
    pub estimate: Option<Estimate>,
}

/// One unit's results.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitResult {
    pub unit: String,
    pub responses: u32,
    pub channels: [u32; 3],
    /// In the definition's question order.
    pub questions: Vec<QuestionResult>,
    /// In the definition's factor order.
    pub factors: Vec<Option<Estimate>>,
    pub index: Option<Estimate>,
    /// Competition rank by index among the units with one.
    pub rank: Option<u32>,
    /// Some responses, but fewer than the definition's `min_answers`.
    pub few: bool,
}

impl UnitResult {
    /// The value a link takes from this unit.
    pub fn value_of(&self, source: &LinkSource) -> Option<Estimate> {
        match source {
            LinkSource::Index => self.index,
            LinkSource::Factor(i) => self.factors.get(*i).copied().flatten(),
        }
    }
}

/// An average over units (national or a region): the mean of the units' indices and factors.
#[derive(Clone, Debug, PartialEq)]
pub struct Average {
    /// A region's code; empty for the national average.
    pub code: String,
    pub units: usize,
    pub index: f64,
    pub factors: Vec<Option<f64>>,
}

/// What a survey's responses give for a year.
#[derive(Clone, Debug, PartialEq)]
pub struct SurveyResults {
    pub survey: String,
    pub version: u32,
    /// Every unit of the set, in the set's order (a unit without responses has no index).
    pub units: Vec<UnitResult>,
    pub national: Option<Average>,
    /// In the set's region order; regions without an index left out.
    pub regions: Vec<Average>,
    /// Responses of units that are not in the set (an import checks units: none normally).
    pub files: usize,
    pub responses: u64,
}

impl SurveyResults {
    pub fn unit(&self, code: &str) -> Option<&UnitResult> {
        self.units.iter().find(|u| u.unit == code)
    }
}

/// The answers of each unit summed over the batches of `def`'s survey (any version: questions
/// are matched by id), as (responses, channels, counts in `def`'s question order).
fn sum_tallies(def: &SurveyDef, batches: &[ResponseBatch]) -> HashMap<String, UnitTally> {
    let levels = def.levels.len();
    let mut out: HashMap<String, UnitTally> = HashMap::new();
    for b in batches.iter().filter(|b| b.survey == def.id) {
        let bl = usize::from(b.levels);
        // Where each of the batch's questions is in the definition.
        let map: Vec<Option<usize>> = b.questions.iter().map(|q| def.question(q)).collect();
        for u in &b.units {
            let t = out.entry(u.unit.clone()).or_insert_with(|| UnitTally {
                unit: u.unit.clone(),
                responses: 0,
                channels: [0; 3],
                counts: vec![0; def.questions.len() * levels],
            });
            t.responses = t.responses.saturating_add(u.responses);
            for (c, add) in t.channels.iter_mut().zip(u.channels) {
                *c = c.saturating_add(add);
            }
            for (bq, dq) in map.iter().enumerate() {
                let Some(dq) = dq else { continue };
                for l in 0..bl.min(levels) {
                    let add = u.counts.get(bq * bl + l).copied().unwrap_or(0);
                    let at = dq * levels + l;
                    t.counts[at] = t.counts[at].saturating_add(add);
                }
            }
        }
    }
    out
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

/// Compute a year's results from its batches.
pub fn compute(def: &SurveyDef, units: &UnitSet, batches: &[ResponseBatch]) -> SurveyResults {
    let levels = def.levels.len();
    let tallies = sum_tallies(def, batches);
    let mut out_units = Vec::with_capacity(units.units.len());
    for u in &units.units {
        let empty = UnitTally {
            unit: u.code.clone(),
            responses: 0,
            channels: [0; 3],
            counts: vec![0; def.questions.len() * levels],
        };
        let t = tallies.get(&u.code).unwrap_or(&empty);
        let questions: Vec<QuestionResult> = (0..def.questions.len())
            .map(|q| {
                let row = &t.counts[q * levels..(q + 1) * levels];
                let n: u32 = row.iter().sum();
                let satisfied: u32 = row
                    .iter()
                    .zip(&def.satisfied)
                    .filter(|(_, s)| **s)
                    .map(|(c, _)| *c)
                    .sum();
                QuestionResult {
                    satisfied,
                    estimate: (n > 0)
                        .then(|| Estimate::new(f64::from(satisfied) / f64::from(n), n)),
                }
            })
            .collect();
        let factors: Vec<Option<Estimate>> = (0..def.factors.len())
            .map(|f| {
                let ests: Vec<Estimate> = def
                    .questions
                    .iter()
                    .zip(&questions)
                    .filter(|(q, _)| q.factor == f)
                    .filter_map(|(_, r)| r.estimate)
                    .collect();
                let value = mean(ests.iter().map(|e| e.value))?;
                let n = ests.iter().map(|e| e.n).min().unwrap_or(0);
                Some(Estimate::new(value, n))
            })
            .collect();
        let index = if factors.iter().all(Option::is_some) && !factors.is_empty() {
            let fs: Vec<Estimate> = factors.iter().flatten().copied().collect();
            let value = match def.index_rule {
                IndexRule::Mean => mean(fs.iter().map(|e| e.value)).unwrap_or(0.0),
                IndexRule::Weighted => {
                    let w: Vec<f64> = def
                        .factors
                        .iter()
                        .map(|f| f.weight.hundredths() as f64)
                        .collect();
                    let total: f64 = w.iter().sum();
                    fs.iter().zip(&w).map(|(e, w)| e.value * w).sum::<f64>() / total
                }
            };
            let n = fs.iter().map(|e| e.n).min().unwrap_or(0);
            Some(Estimate::new(value, n))
        } else {
            None
        };
        out_units.push(UnitResult {
            unit: u.code.clone(),
            responses: t.responses,
            channels: t.channels,
            questions,
            factors,
            index,
            rank: None,
            few: t.responses > 0 && t.responses < def.min_answers,
        });
    }
    // Ranks: by index in hundredths of a percent, ties share a rank (as the PAR INDEX ranking).
    let ranked: Vec<usize> = (0..out_units.len())
        .filter(|&i| out_units[i].index.is_some())
        .collect();
    let values: Vec<i64> = ranked
        .iter()
        .map(|&i| out_units[i].index.map_or(0, |e| percent_h(e.value)))
        .collect();
    for (&i, r) in ranked.iter().zip(competition_ranks(&values)) {
        out_units[i].rank = Some(r);
    }
    let average = |code: &str, members: Vec<&UnitResult>| -> Option<Average> {
        let with: Vec<&UnitResult> = members.into_iter().filter(|u| u.index.is_some()).collect();
        let index = mean(with.iter().filter_map(|u| u.index.map(|e| e.value)))?;
        Some(Average {
            code: code.to_string(),
            units: with.len(),
            index,
            factors: (0..def.factors.len())
                .map(|f| mean(with.iter().filter_map(|u| u.factors[f].map(|e| e.value))))
                .collect(),
        })
    };
    let national = average("", out_units.iter().collect());
    let region_of: BTreeMap<&str, &str> = units
        .units
        .iter()
        .map(|u| (u.code.as_str(), u.region.as_str()))
        .collect();
    let regions = units
        .regions
        .iter()
        .filter_map(|r| {
            average(
                &r.code,
                out_units
                    .iter()
                    .filter(|u| region_of.get(u.unit.as_str()) == Some(&r.code.as_str()))
                    .collect(),
            )
        })
        .collect();
    let mine: Vec<&ResponseBatch> = batches.iter().filter(|b| b.survey == def.id).collect();
    SurveyResults {
        survey: def.id.clone(),
        version: def.version,
        responses: mine.iter().map(|b| b.responses()).sum(),
        files: mine.len(),
        units: out_units,
        national,
        regions,
    }
}

/// `max × value` rounded half up to 0,01 point.
pub fn link_points(max: Points, value: f64) -> Points {
    Points::from_hundredths((max.hundredths() as f64 * value + 1e-9).round() as i64)
}

/// The points one survey item of one unit gets, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemPoints {
    pub unit: String,
    pub item: String,
    pub points: Points,
    /// The reason recorded with the points: "tính từ 37 phiếu, công thức sipas-2024 v1 (…)".
    pub reason: String,
}

/// The survey points of every linked item of every unit with a value for it. Units without
/// responses, or without a value for the link's source, get none (listed in `missing`).
pub fn survey_points(def: &SurveyDef, results: &SurveyResults) -> (Vec<ItemPoints>, Vec<String>) {
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for u in &results.units {
        if u.responses == 0 {
            continue;
        }
        for l in &def.links {
            let Some(est) = u.value_of(&l.source) else {
                missing.push(format!("{}/{}", u.unit, l.item));
                continue;
            };
            let points = link_points(l.max, est.value);
            let pct = |v: f64| super::number::percent(percent_h(v), Lang::Vi);
            let source = match &l.source {
                LinkSource::Index => "chỉ số".to_string(),
                LinkSource::Factor(i) => format!(
                    "yếu tố {}",
                    def.factors.get(*i).map_or("?", |f| f.name(Lang::Vi))
                ),
            };
            // What the value rests on: the factors of an index, and the interval with its n.
            let factors = match &l.source {
                LinkSource::Index => format!(
                    "yếu tố {}; ",
                    def.factors
                        .iter()
                        .zip(&u.factors)
                        .map(|(f, e)| format!(
                            "{} {}",
                            f.name(Lang::Vi),
                            e.map_or_else(|| "—".to_string(), |e| pct(e.value))
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                LinkSource::Factor(_) => String::new(),
            };
            out.push(ItemPoints {
                unit: u.unit.clone(),
                item: l.item.clone(),
                points,
                reason: format!(
                    "tính từ {} phiếu, công thức {}: {} {} × {} = {} ({factors}KTC 95%: {}–{}, n = {})",
                    u.responses,
                    def.formula_label(),
                    source,
                    pct(est.value),
                    l.max.show(Lang::Vi),
                    points.show(Lang::Vi),
                    super::number::hundredths(percent_h(est.low), Lang::Vi),
                    pct(est.high),
                    est.n
                ),
            });
        }
    }
    (out, missing)
}
