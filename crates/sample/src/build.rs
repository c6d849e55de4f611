//! Building a store at a benchmark scale (SPEC P1–P7) through the same `Workbench::apply` every
//! user goes through, so the store holds exactly what real use would leave in it.
//!
//! Each year follows the appraisal cycle:
//! 1. **Self-assessment window**: the units' submissions are imported `syncs` times (nightly at
//!    national scale, weekly at large scale). An item reaches its final self-assessment through
//!    intermediate states — the score first (sometimes the maximum, corrected later), then each
//!    evidence document (at national scale first as an unsigned draft), its link once uploaded,
//!    a draft note, the final note. Each state an import catches is one event; states between
//!    two imports are never seen.
//! 2. **Survey points** (frameworks with survey leaves): provisional, then final.
//! 3. **First appraisal pass** ([`super::decisions`]): agreements as one bulk agree per area,
//!    adjustments and evidence requests one by one.
//! 4. **Evidence answers**: the items sent back get one more document (an import), then are
//!    agreed (70 %) or adjusted.
//! 5. **Review**: the lead rewrites a quarter of the adjustments' justifications.
//! 6. **Disputes**: recorded, then resolved (rejected, partly upheld, upheld).
//! 7. **Finalize** every unit with no open item.
//!
//! Past years are complete; the last year is in progress (units at their profile's progress,
//! half of its disputes answered, only finished units finalized).
//! The same seed gives the same commands; only event times (and so hashes) differ between
//! builds.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

use rand_chacha::ChaCha8Rng;

use api::Workbench;
use api::WorkbenchError;
use domain::{
    Change, Command, Event, Evidence, Framework, ItemKey, Method, Outcome, Points, Role, SelfRow,
    Status, SurveyRow,
};
use engine::LocalWorkbench;
use store::{Store, StoreError};

use super::scale::{Scale, ScaleSpec};
use super::{
    APPRAISER_POOL, SampleDecisionKind, SampleOptions, below, between, decisions_upto,
    evidence_ref, full_h, phrase, rng_for, self_rows, step_h, survey_rows,
};

// Stream purposes of this module (the parent uses 1–5).
const SYNC: u64 = 11;
const SURVEY_DRAFT: u64 = 12;
const FOLLOW_UP: u64 = 13;
const EXTRA_DOCUMENTS: u64 = 14;

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Engine(#[from] WorkbenchError),
}

/// What a build made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildReport {
    pub scale: Scale,
    pub years: Vec<u16>,
    pub units: usize,
    pub leaves: usize,
    /// Items with at least one event.
    pub items: u64,
    pub events: u64,
    pub elapsed: Duration,
}

/// Build a new store in `dir` (which must not hold one) at `scale`, with `lead` as its lead.
/// `progress` hears one line per step.
pub fn build_store(
    dir: &Path,
    lead: &str,
    scale: Scale,
    seed: u64,
    progress: &mut dyn FnMut(&str),
) -> Result<BuildReport, BuildError> {
    build_spec(dir, lead, &scale.spec(), seed, progress)
}

/// [`build_store`] for a spec (e.g. [`Scale::spec_last_years`]).
pub fn build_spec(
    dir: &Path,
    lead: &str,
    spec: &ScaleSpec,
    seed: u64,
    progress: &mut dyn FnMut(&str),
) -> Result<BuildReport, BuildError> {
    build_limited(dir, lead, spec, None, seed, progress)
}

/// [`build_store`] for a spec, with only the first `units` units (tests build small stores).
fn build_limited(
    dir: &Path,
    lead: &str,
    spec: &ScaleSpec,
    limit: Option<usize>,
    seed: u64,
    progress: &mut dyn FnMut(&str),
) -> Result<BuildReport, BuildError> {
    let t0 = Instant::now();
    let scale = spec.scale;
    let wb = LocalWorkbench::new(Store::create(dir)?, lead);
    let (fw_src, fw_name) = scale.framework_source();
    let (us_src, us_name) = scale.units_source();
    let mut items = 0u64;
    let (mut units, mut leaves) = (0, 0);
    for (i, &year) in spec.years.iter().enumerate() {
        wb.apply(Command::OpenYear {
            year,
            framework_toml: fw_src.clone(),
            framework_file: fw_name.clone(),
            units_toml: us_src.clone(),
            units_file: us_name.clone(),
            from_year: None,
        })?;
        if i == 0 {
            // Each year's decisions are shared among four of the pool, chosen by its seed.
            for a in APPRAISER_POOL {
                wb.apply(Command::SetMember {
                    user: a.to_string(),
                    role: Role::Appraiser,
                })?;
            }
        }
        let last = i + 1 == spec.years.len();
        let y = Year::new(&wb, spec, year, seed, last, limit)?;
        units = limit.map_or(y.fw_units(), |n| n.min(y.fw_units()));
        leaves = y.fw.leaf_count();
        items += y.run(progress)?;
        progress(&format!(
            "{} {year}: done, {} events so far, {:.0} s",
            scale.name(),
            wb.last_seq()?,
            t0.elapsed().as_secs_f64()
        ));
    }
    Ok(BuildReport {
        scale,
        years: spec.years.clone(),
        units,
        leaves,
        items,
        events: wb.last_seq()?,
        elapsed: t0.elapsed(),
    })
}

/// One year being built.
struct Year<'a> {
    wb: &'a LocalWorkbench,
    spec: &'a ScaleSpec,
    year: u16,
    opt: SampleOptions,
    /// Past years are complete; the last is in progress.
    complete: bool,
    fw: Framework,
    units: domain::UnitSet,
    /// "unit/leaf" → current item version, kept from the events each command returns.
    versions: HashMap<String, u64>,
}

fn vkey(unit: &str, leaf: &str) -> String {
    format!("{unit}/{leaf}")
}

impl<'a> Year<'a> {
    fn new(
        wb: &'a LocalWorkbench,
        spec: &'a ScaleSpec,
        year: u16,
        seed: u64,
        last: bool,
        limit: Option<usize>,
    ) -> Result<Year<'a>, BuildError> {
        let ctx = wb.year(year)?;
        Ok(Year {
            wb,
            spec,
            year,
            // Each year draws its own data.
            opt: SampleOptions {
                year,
                seed: seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(year),
                units: limit,
            },
            complete: !last,
            fw: ctx.framework.clone(),
            units: ctx.units.clone(),
            versions: HashMap::new(),
        })
    }

    fn fw_units(&self) -> usize {
        self.units.units.len()
    }

    fn version(&self, unit: &str, leaf: &str) -> u64 {
        self.versions.get(&vkey(unit, leaf)).copied().unwrap_or(0)
    }

    /// Run a command as `who` and remember the versions it produced.
    fn apply(&mut self, who: &str, cmd: Command) -> Result<Vec<Event>, BuildError> {
        let events = if who == self.wb.user() {
            self.wb.apply(cmd)?
        } else {
            self.wb.session(who).apply(cmd)?
        };
        for e in &events {
            if let Change::SelfAssessed { key, version, .. }
            | Change::SurveyScored { key, version, .. }
            | Change::Appraised { key, version, .. } = &e.body.change
            {
                self.versions.insert(vkey(&key.unit, &key.leaf), *version);
            }
        }
        Ok(events)
    }

    fn key(&self, unit: &str, leaf: &str) -> ItemKey {
        ItemKey::new(self.year, unit, leaf)
    }

    /// The whole cycle; returns the number of items.
    fn run(mut self, progress: &mut dyn FnMut(&str)) -> Result<u64, BuildError> {
        let lead = self.wb.user().to_string();
        let finals = self.with_extra_documents(self_rows(&self.fw, &self.units, &self.opt));
        let name = self.spec.scale.name();
        let year = self.year;

        // 1–2. The self-assessment window, with provisional survey points half-way.
        let syncs = self.spec.syncs.max(1);
        let survey = survey_rows(&self.fw, &self.units, &self.opt);
        for t in 0..syncs {
            let rows = self.sync_rows(&finals, t);
            if !rows.is_empty() {
                self.apply(&lead, Command::ImportSelf { year, rows })?;
            }
            if t == syncs / 2 && !survey.is_empty() {
                let rows = self.provisional_survey(&survey);
                self.apply(&lead, Command::ImportSurvey { year, rows })?;
            }
        }
        if !survey.is_empty() {
            self.apply(
                &lead,
                Command::ImportSurvey {
                    year,
                    rows: survey.clone(),
                },
            )?;
        }
        progress(&format!(
            "{name} {year}: self-assessments imported ({syncs} imports)"
        ));

        // 3. First pass.
        let decisions = decisions_upto(&self.fw, &self.units, &finals, &self.opt, self.complete);
        let mut by_unit: BTreeMap<&str, Vec<&super::SampleDecision>> = BTreeMap::new();
        for d in &decisions {
            by_unit.entry(d.unit.as_str()).or_default().push(d);
        }
        for (unit, ds) in &by_unit {
            let who = ds[0].appraiser;
            let mut agree_by_area: BTreeMap<String, Vec<(String, u64)>> = BTreeMap::new();
            for d in ds {
                if d.kind == SampleDecisionKind::Agree {
                    let area = self
                        .fw
                        .area_of(&d.leaf)
                        .map_or_else(|| d.leaf.clone(), |a| a.code.clone());
                    let v = self.version(unit, &d.leaf);
                    agree_by_area
                        .entry(area)
                        .or_default()
                        .push((d.leaf.clone(), v));
                }
            }
            for (area, items) in agree_by_area {
                self.apply(
                    who,
                    Command::BulkAgree {
                        year,
                        unit: unit.to_string(),
                        area,
                        items,
                    },
                )?;
            }
            for d in ds {
                let key = self.key(unit, &d.leaf);
                let expected = self.version(unit, &d.leaf);
                let cmd = match &d.kind {
                    SampleDecisionKind::Agree => continue,
                    SampleDecisionKind::Adjust {
                        score,
                        justification,
                    }
                    | SampleDecisionKind::Dispute {
                        score,
                        justification,
                        ..
                    } => Command::Adjust {
                        key,
                        score: *score,
                        justification: justification.clone(),
                        expected,
                    },
                    SampleDecisionKind::RequestEvidence { request } => Command::RequestEvidence {
                        key,
                        request: request.clone(),
                        expected,
                    },
                };
                self.apply(who, cmd)?;
            }
        }
        progress(&format!(
            "{name} {year}: first appraisal pass ({} decisions)",
            decisions.len()
        ));

        // Units whose appraisal is finished this year (all of them in past years).
        let mut rows_of: HashMap<&str, usize> = HashMap::new();
        for r in &finals {
            *rows_of.entry(r.unit.as_str()).or_default() += 1;
        }
        let finished: Vec<&str> = by_unit
            .iter()
            .filter(|(u, ds)| self.complete || rows_of.get(*u) == Some(&ds.len()))
            .map(|(u, _)| *u)
            .collect();
        let finished_set: std::collections::HashSet<&str> = finished.iter().copied().collect();
        let self_of: HashMap<(&str, &str), &SelfRow> = finals
            .iter()
            .map(|r| ((r.unit.as_str(), r.leaf.as_str()), r))
            .collect();

        // 4. Evidence answers, then agreement or adjustment.
        let asked: Vec<&super::SampleDecision> = decisions
            .iter()
            .filter(|d| matches!(d.kind, SampleDecisionKind::RequestEvidence { .. }))
            .filter(|d| finished_set.contains(d.unit.as_str()))
            .collect();
        if !asked.is_empty() {
            let rows: Vec<SelfRow> = asked
                .iter()
                .map(|d| self.answered(self_of[&(d.unit.as_str(), d.leaf.as_str())]))
                .collect();
            self.apply(&lead, Command::ImportSelf { year, rows })?;
        }
        let step = step_h(&self.fw);
        for d in &asked {
            let mut rng = rng_for(self.opt.seed, FOLLOW_UP, &vkey(&d.unit, &d.leaf));
            let row = self_of[&(d.unit.as_str(), d.leaf.as_str())];
            let key = self.key(&d.unit, &d.leaf);
            let expected = self.version(&d.unit, &d.leaf);
            let self_h = row.score.hundredths();
            let cmd = if below(&mut rng, 10) < 7 || self_h < step {
                Command::Agree { key, expected }
            } else {
                let score = Points::from_hundredths(self_h - step);
                Command::Adjust {
                    key,
                    score,
                    justification: format!(
                        "Tài liệu bổ sung chưa chứng minh được đầy đủ kết quả {}; công nhận {} điểm.",
                        phrase(self.leaf_name(&d.leaf)),
                        score.show(l10n::Lang::Vi)
                    ),
                    expected,
                }
            };
            self.apply(d.appraiser, cmd)?;
        }

        // 5. Review of adjustments by the lead, 6. disputes.
        let adjusted: Vec<&super::SampleDecision> = decisions
            .iter()
            .filter(|d| {
                matches!(
                    d.kind,
                    SampleDecisionKind::Adjust { .. } | SampleDecisionKind::Dispute { .. }
                )
            })
            .collect();
        for d in &adjusted {
            let mut rng = rng_for(self.opt.seed, FOLLOW_UP, &vkey(&d.unit, &d.leaf));
            if below(&mut rng, 4) != 0 {
                continue;
            }
            let (SampleDecisionKind::Adjust {
                score,
                justification,
            }
            | SampleDecisionKind::Dispute {
                score,
                justification,
                ..
            }) = &d.kind
            else {
                continue;
            };
            let key = self.key(&d.unit, &d.leaf);
            let expected = self.version(&d.unit, &d.leaf);
            self.apply(
                &lead,
                Command::Adjust {
                    key,
                    score: *score,
                    justification: format!(
                        "{justification} Hội đồng thẩm định thống nhất: giữ mức điểm đề xuất, \
                         đơn vị cần bổ sung văn bản chứng minh trong kỳ đánh giá năm {}.",
                        year + 1
                    ),
                    expected,
                },
            )?;
        }
        // The explanation round of the year: February and March of the next year.
        let opens = jiff::civil::date(year as i16 + 1, 2, 1);
        self.apply(
            &lead,
            Command::OpenRound {
                year,
                opens,
                closes: jiff::civil::date(year as i16 + 1, 3, 31),
                scope: domain::RoundScope::Lowered,
                units: Vec::new(),
                note: format!("Công văn {}/BNV-CCHC", 100 + year % 100),
            },
        )?;
        let mut resolved = 0usize;
        for (i, d) in adjusted.iter().enumerate() {
            let SampleDecisionKind::Dispute {
                explanation,
                claimed,
                document,
                days_after_opening,
                score,
                ..
            } = &d.kind
            else {
                continue;
            };
            let key = self.key(&d.unit, &d.leaf);
            let expected = self.version(&d.unit, &d.leaf);
            let received = domain::round::add_days(opens, i64::from(*days_after_opening));
            self.apply(
                d.appraiser,
                Command::RecordDispute {
                    key: key.clone(),
                    explanation: explanation.clone(),
                    document: document.clone(),
                    claimed: *claimed,
                    received,
                    round: None,
                    expected,
                },
            )?;
            // The last year answers half of its disputes so far.
            if !self.complete && (i % 2 == 1 || !finished_set.contains(d.unit.as_str())) {
                continue;
            }
            let mut rng = rng_for(self.opt.seed, FOLLOW_UP, &vkey(&d.unit, &d.leaf));
            let self_h = self_of[&(d.unit.as_str(), d.leaf.as_str())]
                .score
                .hundredths();
            let r = below(&mut rng, 4);
            let (outcome, new_score, response) = if r < 2 {
                (
                    Outcome::Rejected,
                    None,
                    "Giải trình của đơn vị không có thêm tài liệu kiểm chứng mới; Hội đồng giữ \
                     nguyên điểm đề xuất."
                        .to_string(),
                )
            } else if r == 2
                // Partly: strictly between our score and the one the unit argues for.
                && score.hundredths() + step < claimed.map_or(self_h, |c| c.hundredths())
            {
                (
                    Outcome::PartlyUpheld,
                    Some(Points::from_hundredths(score.hundredths() + step)),
                    "Chấp nhận một phần giải trình: văn bản bổ sung chứng minh được một phần kết \
                     quả thực hiện."
                        .to_string(),
                )
            } else {
                (
                    Outcome::Upheld,
                    None,
                    format!(
                        "Chấp nhận giải trình; tài liệu bổ sung ngày {} đáp ứng yêu cầu.",
                        domain::round::format_date(received)
                    ),
                )
            };
            let expected = self.version(&d.unit, &d.leaf);
            self.apply(
                &lead,
                Command::ResolveDispute {
                    key,
                    outcome,
                    score: new_score,
                    response,
                    expected,
                },
            )?;
            resolved += 1;
        }
        progress(&format!(
            "{name} {year}: follow-ups ({} evidence answers, {} adjustments, {resolved} disputes answered)",
            asked.len(),
            adjusted.len()
        ));

        // 7. Finalize.
        let mut finalized = 0;
        for unit in &finished {
            let open = self.wb.items(year, Some(unit))?.iter().any(|i| {
                matches!(
                    i.status(),
                    Status::Pending | Status::NeedsInfo | Status::Disputed
                ) && self
                    .fw
                    .node(&i.key.leaf)
                    .is_some_and(|n| n.method == Method::Appraised)
            });
            if !open {
                self.apply(
                    &lead,
                    Command::Finalize {
                        year,
                        unit: unit.to_string(),
                    },
                )?;
                finalized += 1;
            }
        }
        progress(&format!("{name} {year}: {finalized} units finalized"));
        Ok(self.versions.len() as u64)
    }

    /// The sample rows with the scale's supporting documents added (rows with evidence only).
    fn with_extra_documents(&self, mut rows: Vec<SelfRow>) -> Vec<SelfRow> {
        let (lo, hi) = self.spec.extra_documents;
        if hi == 0 {
            return rows;
        }
        let mut unit = String::new();
        let mut rng = rng_for(self.opt.seed, EXTRA_DOCUMENTS, "");
        for row in &mut rows {
            if row.unit != unit {
                unit = row.unit.clone();
                rng = rng_for(self.opt.seed, EXTRA_DOCUMENTS, &unit);
            }
            let n = between(&mut rng, lo, hi) as usize;
            if row.evidence.is_empty() || n == 0 {
                continue;
            }
            let name = phrase(self.leaf_name(&row.leaf));
            for _ in 0..n {
                let k = row.evidence.len();
                let e = evidence_ref(&mut rng, self.year, &row.unit, &row.leaf, &name, k);
                row.evidence.push(e);
            }
        }
        rows
    }

    fn leaf_name(&self, leaf: &str) -> &str {
        self.fw.node(leaf).map_or("", |n| n.name.as_str())
    }

    /// The rows import `t` of the window brings: for every item, its state at that import if it
    /// changed since the previous one. Every import regenerates the same plans from the same
    /// streams (cheap) and builds only the states it imports, so nothing but the current import
    /// is held in memory.
    fn sync_rows(&self, finals: &[SelfRow], t: u32) -> Vec<SelfRow> {
        let syncs = self.spec.syncs.max(1);
        let step = step_h(&self.fw);
        let mut out = Vec::new();
        let mut unit = "";
        let mut rng = rng_for(self.opt.seed, SYNC, "");
        let mut steps = Vec::new();
        for row in finals {
            if row.unit != unit {
                unit = row.unit.as_str();
                rng = rng_for(self.opt.seed, SYNC, unit);
            }
            let full = self.fw.node(&row.leaf).map_or(0, |n| full_h(n, step));
            let initial = self.plan(&mut rng, row, full, &mut steps);
            let times = sync_times(&mut rng, steps.len(), syncs);
            for i in 0..steps.len() {
                // Only the last state before an import is seen by it.
                if times[i] == t && times.get(i + 1).is_none_or(|&n| n != t) {
                    out.push(self.state(row, initial, &steps[..=i]));
                }
            }
        }
        out
    }

    /// The steps an item goes through on its way to `row` (into `steps`, the first being its
    /// first import); returns the score it starts with.
    fn plan(
        &self,
        rng: &mut ChaCha8Rng,
        row: &SelfRow,
        full: i64,
        steps: &mut Vec<Step>,
    ) -> Points {
        steps.clear();
        steps.push(Step::Start);
        // A quarter of the units first claim the maximum and correct it later.
        let initial = if row.score.hundredths() < full && below(rng, 4) == 0 {
            Points::from_hundredths(full)
        } else {
            row.score
        };
        if !row.note.is_empty() && below(rng, 4) != 0 {
            let d = between(rng, 1, 28);
            let m = between(rng, 10, 12);
            steps.push(Step::DraftNote(d, m));
        }
        for (i, e) in row.evidence.iter().enumerate() {
            if self.spec.draft_documents {
                steps.push(Step::DraftDocument(i));
            }
            steps.push(Step::Document(i));
            if !e.link.is_empty() {
                steps.push(Step::Link(i));
            }
        }
        if !row.note.is_empty() {
            steps.push(Step::FinalNote);
        }
        if initial != row.score {
            steps.push(Step::FinalScore);
        }
        initial
    }

    /// The item's self-assessment after `steps`; after all of them, `row` itself.
    fn state(&self, row: &SelfRow, initial: Points, steps: &[Step]) -> SelfRow {
        let mut cur = SelfRow {
            unit: row.unit.clone(),
            leaf: row.leaf.clone(),
            score: initial,
            note: String::new(),
            evidence: Vec::with_capacity(row.evidence.len()),
        };
        for s in steps {
            match *s {
                Step::Start => {}
                Step::DraftNote(d, m) => {
                    cur.note = format!(
                        "Đang tổng hợp số liệu và tài liệu kiểm chứng; sẽ cập nhật trước ngày \
                         {d}/{m}/{}.",
                        self.year
                    );
                }
                Step::DraftDocument(i) => cur.evidence.push(Evidence {
                    number: "Dự thảo".to_string(),
                    title: format!("Dự thảo {}", lower_first(&row.evidence[i].title)),
                    date: String::new(),
                    link: String::new(),
                }),
                Step::Document(i) => {
                    // The signed document replaces its draft.
                    if cur.evidence.len() > i {
                        cur.evidence.truncate(i);
                    }
                    cur.evidence.push(Evidence {
                        link: String::new(),
                        ..row.evidence[i].clone()
                    });
                }
                Step::Link(i) => cur.evidence[i].link = row.evidence[i].link.clone(),
                Step::FinalNote => cur.note = row.note.clone(),
                Step::FinalScore => cur.score = row.score,
            }
        }
        cur
    }

    /// Provisional survey points: within about ±5 % of the final ones.
    fn provisional_survey(&self, finals: &[SurveyRow]) -> Vec<SurveyRow> {
        let mut unit = "";
        let mut rng = rng_for(self.opt.seed, SURVEY_DRAFT, "");
        finals
            .iter()
            .map(|r| {
                if r.unit != unit {
                    unit = r.unit.as_str();
                    rng = rng_for(self.opt.seed, SURVEY_DRAFT, unit);
                }
                let max = self.fw.node(&r.leaf).map_or(0, |n| n.max.hundredths());
                let delta = i64::from(between(&mut rng, 0, 10)) - 5;
                let score =
                    (r.score.hundredths() + r.score.hundredths() * delta / 100).clamp(0, max);
                SurveyRow {
                    score: Points::from_hundredths(score),
                    ..r.clone()
                }
            })
            .collect()
    }

    /// The row a unit sends back after an evidence request: one more document.
    fn answered(&self, row: &SelfRow) -> SelfRow {
        let mut rng = rng_for(self.opt.seed, FOLLOW_UP, &vkey(&row.unit, &row.leaf));
        let mut out = row.clone();
        let name = phrase(self.leaf_name(&row.leaf));
        let k = out.evidence.len();
        out.evidence.push(evidence_ref(
            &mut rng, self.year, &row.unit, &row.leaf, &name, k,
        ));
        out.note = if row.note.is_empty() {
            "Đã bổ sung tài liệu kiểm chứng theo đề nghị của Hội đồng thẩm định.".to_string()
        } else {
            format!("{} Đã bổ sung tài liệu kiểm chứng theo đề nghị.", row.note)
        };
        out
    }
}

/// One change on an item's way to its final self-assessment.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// The first import: the score, nothing else.
    Start,
    /// "Being compiled; will be updated before day/month".
    DraftNote(u32, u32),
    /// Evidence document i as an unsigned draft.
    DraftDocument(usize),
    /// Evidence document i, signed, without its link yet.
    Document(usize),
    /// The link of document i.
    Link(usize),
    FinalNote,
    FinalScore,
}

/// Lower-case the first letter unless the text starts with an acronym ("UBND").
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), s.chars().nth(1)) {
        (Some(c), Some(d)) if c.is_uppercase() && d.is_lowercase() => {
            c.to_lowercase().chain(chars).collect()
        }
        _ => s.to_string(),
    }
}

/// The import at which each of `n` states is reached: the first in the first quarter of the
/// window, the rest spread over what remains, never decreasing, the last by the end.
fn sync_times(rng: &mut ChaCha8Rng, n: usize, syncs: u32) -> Vec<u32> {
    let last = syncs - 1;
    let mut t = below(rng, syncs.div_ceil(4));
    let mut out = Vec::with_capacity(n);
    out.push(t);
    let gap = (2 * (last - t) / (n as u32).max(1)).max(1);
    for _ in 1..n {
        t = (t + below(rng, gap + 1)).min(last);
        out.push(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first `units` units of a scale over its last two years.
    fn small_build(scale: Scale, units: usize) -> (tempfile::TempDir, BuildReport) {
        let dir = tempfile::tempdir().unwrap();
        let mut spec = scale.spec();
        spec.years = spec.years[spec.years.len() - 2..].to_vec();
        let report = build_limited(
            &dir.path().join("s"),
            "lead",
            &spec,
            Some(units),
            3,
            &mut |_| {},
        )
        .unwrap();
        (dir, report)
    }

    fn statuses(dir: &Path, year: u16) -> HashMap<Status, usize> {
        let wb = LocalWorkbench::new(Store::open(dir).unwrap(), "lead");
        let mut out = HashMap::new();
        for i in wb.items(year, None).unwrap() {
            *out.entry(i.status()).or_default() += 1;
        }
        out
    }

    #[test]
    fn a_small_national_build_follows_the_cycle_and_verifies() {
        let (dir, report) = small_build(Scale::National, 6);
        let path = dir.path().join("s");
        assert_eq!(report.years, vec![2023, 2024]);
        assert_eq!(report.units, 6);
        assert_eq!(report.items, 2 * 6 * 88);
        // Several events per item: the self-assessment window and the appraisal.
        assert!(report.events > report.items * 5, "{report:?}");
        // The past year is finished: no open item, every unit finalized.
        let past = statuses(&path, 2023);
        assert_eq!(
            past.get(&Status::Pending).copied().unwrap_or(0),
            6 * 24,
            "{past:?}"
        );
        assert!(!past.contains_key(&Status::NeedsInfo) && !past.contains_key(&Status::Disputed));
        assert!(past[&Status::Agreed] > past[&Status::Adjusted]);
        let wb = LocalWorkbench::new(Store::open(&path).unwrap(), "lead");
        assert_eq!(wb.unit_states(2023).unwrap().len(), 6);
        assert!(wb.verify().unwrap().ok());
        // Items carry the final self-assessment of the sample generator.
        let opt = SampleOptions {
            year: 2023,
            seed: 3u64.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 2023,
            units: Some(6),
        };
        let (fw, units) = Scale::National.parsed();
        let row = &self_rows(&fw, &units, &opt)[5];
        // (The build adds supporting documents after the generator's.)
        let item = wb
            .item(&ItemKey::new(2023, &row.unit, &row.leaf))
            .unwrap()
            .unwrap();
        let sa = item.self_assessment.unwrap();
        assert_eq!(sa.score, row.score);
        assert!(sa.evidence.len() >= row.evidence.len());
    }

    #[test]
    fn a_small_large_build_has_only_appraised_items() {
        let (dir, report) = small_build(Scale::Large, 3);
        eprintln!("{report:?}");
        assert_eq!(report.items, 2 * 3 * 100);
        let wb = LocalWorkbench::new(Store::open(&dir.path().join("s")).unwrap(), "lead");
        assert!(
            wb.items(2024, None)
                .unwrap()
                .iter()
                .all(|i| i.survey.is_none())
        );
        assert!(wb.verify().unwrap().ok());
    }

    #[test]
    fn states_end_at_the_final_row_and_times_never_go_back() {
        let spec = Scale::National.spec();
        let (fw, units) = Scale::National.parsed();
        let opt = SampleOptions {
            year: 2024,
            seed: 9,
            units: Some(3),
        };
        let rows = self_rows(&fw, &units, &opt);
        let dir = tempfile::tempdir().unwrap();
        let wb = LocalWorkbench::new(Store::create(dir.path()).unwrap(), "lead");
        let y = Year {
            wb: &wb,
            spec: &spec,
            year: 2024,
            opt,
            complete: true,
            fw: fw.clone(),
            units: units.clone(),
            versions: HashMap::new(),
        };
        let mut rng = rng_for(1, SYNC, "x");
        let mut steps = Vec::new();
        for row in &rows {
            let full = full_h(fw.node(&row.leaf).unwrap(), step_h(&fw));
            let initial = y.plan(&mut rng, row, full, &mut steps);
            assert_eq!(&y.state(row, initial, &steps), row);
            assert!(steps.len() >= 2, "{}", steps.len());
            // Every step changes something.
            for i in 1..steps.len() {
                assert_ne!(
                    y.state(row, initial, &steps[..i]),
                    y.state(row, initial, &steps[..=i])
                );
            }
            let times = sync_times(&mut rng, steps.len(), spec.syncs);
            assert!(times.windows(2).all(|w| w[0] <= w[1]));
            assert!(*times.last().unwrap() < spec.syncs);
        }
        // Every item's final row is what the last import that touches it brings.
        let mut last: HashMap<(String, String), SelfRow> = HashMap::new();
        for t in 0..spec.syncs {
            for r in y.sync_rows(&rows, t) {
                last.insert((r.unit.clone(), r.leaf.clone()), r);
            }
        }
        assert_eq!(last.len(), rows.len());
        for r in &rows {
            assert_eq!(&last[&(r.unit.clone(), r.leaf.clone())], r);
        }
    }
}
