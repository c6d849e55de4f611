//! Deterministic survey responses (issue 16): for each chosen unit, `per_unit` respondents who
//! answer every question of a survey definition on its scale. Each unit has its own level of
//! satisfaction (around 81 % nationally, the published SIPAS averages were 80,08 % in 2022 and
//! 82,66 % in 2023), a few units are clearly weaker, and each question moves a little around its
//! unit's level; a few answers are left blank. The same seed gives the same file everywhere.

use std::io::{self, Write};

use domain::sipas::{Channel, ResponseBatch, ResponseUpload, UnitTally};
use domain::{SurveyDef, UnitSet};

use crate::{SampleOptions, below, chosen, profile, rng_for};

const RESPONSES: u64 = 6;

/// One generated response.
pub struct SampleResponse {
    pub respondent: String,
    pub unit: String,
    pub channel: Channel,
    /// dd/mm/yyyy
    pub date: String,
    /// Per question: the level (1…n), 0 for no answer.
    pub answers: Vec<u8>,
}

/// The unit's satisfaction in thousandths: about 815 on average, from about 700 to 920, and
/// about one unit in twelve well below (around 620–680).
fn unit_level(seed: u64, unit: &str) -> u32 {
    let prof = profile(seed, unit);
    let mut rng = rng_for(seed, RESPONSES, unit);
    let weak = below(&mut rng, 12) == 0;
    if weak {
        620 + below(&mut rng, 61)
    } else {
        // strength is a bell around 500 (0–1000).
        (815 + (i64::from(prof.strength) - 500) * 2 / 10 + i64::from(below(&mut rng, 41)) - 20)
            .clamp(700, 930) as u32
    }
}

/// Every response, unit by unit in the set's order.
pub fn responses<'a>(
    def: &'a SurveyDef,
    units: &'a UnitSet,
    opt: &SampleOptions,
    per_unit: u32,
) -> impl Iterator<Item = SampleResponse> + 'a {
    let levels = def.levels.len() as u32;
    // The satisfied levels, the others (from the best down).
    let sat: Vec<u8> = (1..=levels as u8)
        .rev()
        .filter(|l| def.satisfied[usize::from(*l) - 1])
        .collect();
    let unsat: Vec<u8> = (1..=levels as u8)
        .rev()
        .filter(|l| !def.satisfied[usize::from(*l) - 1])
        .collect();
    let year = opt.year;
    let seed = opt.seed;
    chosen(units, opt).iter().flat_map(move |u| {
        let level = unit_level(seed, &u.code);
        let mut rng = rng_for(seed, RESPONSES + 1, &u.code);
        // Each question moves its unit's level by up to ±4 points.
        let offsets: Vec<i64> = (0..def.questions.len())
            .map(|_| i64::from(below(&mut rng, 81)) - 40)
            .collect();
        let sat = sat.clone();
        let unsat = unsat.clone();
        (0..per_unit).map(move |i| {
            let answers = offsets
                .iter()
                .map(|off| {
                    if below(&mut rng, 100) < 2 {
                        return 0;
                    }
                    let p = (i64::from(level) + off).clamp(0, 1000) as u32;
                    if below(&mut rng, 1000) < p {
                        // The best satisfied level about a third of the time.
                        let k = if below(&mut rng, 3) == 0 {
                            0
                        } else {
                            sat.len() - 1
                        };
                        sat[k.min(sat.len() - 1)]
                    } else {
                        // Mostly the mildest unsatisfied level.
                        let r = below(&mut rng, 10);
                        let k = if r < 6 {
                            0
                        } else if r < 9 {
                            1
                        } else {
                            2
                        };
                        unsat[k.min(unsat.len() - 1)]
                    }
                })
                .collect();
            let channel = match below(&mut rng, 10) {
                0..=5 => Channel::Counter,
                6..=8 => Channel::Online,
                _ => Channel::Paper,
            };
            let day = 1 + below(&mut rng, 28);
            let month = 3 + below(&mut rng, 7);
            SampleResponse {
                respondent: format!("P{}-{:06}", u.code, i + 1),
                unit: u.code.clone(),
                channel,
                date: format!("{day:02}/{month:02}/{year}"),
                answers,
            }
        })
    })
}

/// The responses as `import responses` reads them (CSV, one column per question).
pub fn write_responses_csv(
    def: &SurveyDef,
    rows: impl Iterator<Item = SampleResponse>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut line = String::from("nguoi_tra_loi,don_vi,kenh,ngay");
    for q in &def.questions {
        line.push(',');
        line.push_str(&q.id);
    }
    writeln!(out, "{line}")?;
    for r in rows {
        line.clear();
        let channel = match r.channel {
            Channel::Online => "online",
            Channel::Counter => "counter",
            Channel::Paper => "paper",
        };
        line.push_str(&format!("{},{},{channel},{}", r.respondent, r.unit, r.date));
        for a in &r.answers {
            line.push(',');
            if *a > 0 {
                line.push_str(&a.to_string());
            }
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// The responses as `import responses` would send them: the tallies and the ids.
pub fn upload(
    def: &SurveyDef,
    rows: impl Iterator<Item = SampleResponse>,
    file: &str,
) -> ResponseUpload {
    let levels = def.levels.len();
    let mut units: Vec<UnitTally> = Vec::new();
    let mut respondents = Vec::new();
    for r in rows {
        if units.last().is_none_or(|t| t.unit != r.unit) {
            units.push(UnitTally {
                unit: r.unit.clone(),
                responses: 0,
                channels: [0; 3],
                counts: vec![0; def.questions.len() * levels],
            });
        }
        let Some(t) = units.last_mut() else { continue };
        t.responses += 1;
        let ch = Channel::ALL
            .iter()
            .position(|c| *c == r.channel)
            .unwrap_or(0);
        t.channels[ch] += 1;
        for (q, a) in r.answers.iter().enumerate() {
            if *a > 0 {
                t.counts[q * levels + usize::from(*a) - 1] += 1;
            }
        }
        respondents.push(r.respondent);
    }
    units.sort_by(|a, b| a.unit.cmp(&b.unit));
    ResponseUpload {
        batch: ResponseBatch {
            survey: def.id.clone(),
            version: def.version,
            file: file.to_string(),
            sha256: String::new(),
            questions: def.questions.iter().map(|q| q.id.clone()).collect(),
            levels: levels as u8,
            units,
            respondents: Vec::new(),
        },
        respondents,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_is_deterministic_and_averages_about_81_percent_with_weak_units() {
        let def = domain::bundled::survey("sipas-2024").unwrap();
        let us = domain::bundled::units_for(2024).unwrap();
        let units = domain::parse_units(us.text, us.name).unwrap();
        let opt = SampleOptions {
            year: 2024,
            seed: 2024,
            units: None,
        };
        let a = upload(&def, responses(&def, &units, &opt, 200), "a.csv");
        let b = upload(&def, responses(&def, &units, &opt, 200), "a.csv");
        assert_eq!(a, b);
        assert_eq!(a.respondents.len(), 63 * 200);
        let r = domain::sipas::compute(&def, &units, std::slice::from_ref(&a.batch));
        let national = r.national.unwrap().index;
        assert!((0.79..=0.84).contains(&national), "{national}");
        let weak = r
            .units
            .iter()
            .filter(|u| u.index.is_some_and(|e| e.value < 0.72))
            .count();
        assert!((2..=10).contains(&weak), "{weak} weak units");
        let mut csv = Vec::new();
        write_responses_csv(&def, responses(&def, &units, &opt, 2), &mut csv).unwrap();
        let text = String::from_utf8(csv).unwrap();
        assert_eq!(text.lines().count(), 1 + 63 * 2);
        assert!(text.starts_with("nguoi_tra_loi,don_vi,kenh,ngay,TC1,TC2,"));
    }
}
