//! The official result of a year (SPEC D8, issue 15.4): the appraisal council approves the
//! national results (its minutes, the day, and the store's seal at that moment), the ministry
//! later publishes them, and a change after approval needs a recorded reopening with a reason.
//!
//! The stages and their transitions are rules, kept here; the engine records each transition
//! as one event (`Change::OfficialChanged`), so `verify` covers them, and refuses any other
//! change to an approved year (`Official::frozen`).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::round::format_date;
use crate::verify_report::Seal;
use l10n::Lang;

/// The council's approval of a year's national results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// The reference of the council's minutes (biên bản), one line.
    pub minutes: String,
    /// The day the council approved.
    pub date: Date,
    /// The store's seal when the approval was recorded: the last event before it.
    pub seal_seq: u64,
    /// That event's hash, lower-case hex.
    pub seal_hash: String,
}

impl Approval {
    /// "4048/3f2a9c0e11d4b7a2", as `verify` and backups print a seal.
    pub fn seal_short(&self) -> String {
        let hex: String = self.seal_hash.chars().take(16).collect();
        format!("{}/{hex}", self.seal_seq)
    }
}

/// Where a year's official result stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Approved by the council: the scores are frozen.
    Approved,
    /// Approved and published: still frozen.
    Published,
    /// Reopened after an approval to correct it: changes are allowed until it is approved again.
    Reopened,
}

/// A year's official result: its stage, the last approval, the publication, the reopenings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Official {
    pub year: u16,
    pub stage: Stage,
    /// The last approval (a reopened year keeps the approval it reopened).
    pub approval: Approval,
    /// The first approval's day, when the year was approved more than once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_approved: Option<Date>,
    /// The day the results were published (kept after a reopening: they were published).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Date>,
    /// How many times the results were reopened after an approval.
    pub reopenings: u32,
    /// The last reopening: its day and reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reopened: Option<Reopening>,
}

/// A reopening after approval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reopening {
    pub date: Date,
    pub reason: String,
}

/// Why a transition of the official result is refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "kebab-case")]
pub enum OfficialError {
    /// Approving a year that is approved (or published) already.
    AlreadyApproved { approved: Date, minutes: String },
    /// Publishing or reopening a year that was never approved, or is reopened.
    NotApproved,
    /// Publishing twice.
    AlreadyPublished { published: Date },
    /// A publication dated before the approval.
    PublishedBeforeApproval { published: Date, approved: Date },
}

impl Official {
    /// Frozen: no score, unit or round of the year may change.
    pub fn frozen(&self) -> bool {
        matches!(self.stage, Stage::Approved | Stage::Published)
    }

    /// The council approves: a first approval, or again after a reopening.
    pub fn approve(
        before: Option<&Official>,
        year: u16,
        minutes: String,
        date: Date,
        seal: Seal,
    ) -> Result<Official, OfficialError> {
        let approval = Approval {
            minutes,
            date,
            seal_seq: seal.seq,
            seal_hash: seal.hash_hex(),
        };
        match before {
            None => Ok(Official {
                year,
                stage: Stage::Approved,
                approval,
                first_approved: None,
                published: None,
                reopenings: 0,
                reopened: None,
            }),
            Some(b) if b.frozen() => Err(OfficialError::AlreadyApproved {
                approved: b.approval.date,
                minutes: b.approval.minutes.clone(),
            }),
            Some(b) => Ok(Official {
                stage: Stage::Approved,
                first_approved: Some(b.first_approved.unwrap_or(b.approval.date)),
                approval,
                ..b.clone()
            }),
        }
    }

    /// The ministry publishes the approved results (a year reopened after its publication is
    /// published again with its new approval).
    pub fn publish(before: Option<&Official>, date: Date) -> Result<Official, OfficialError> {
        let b = before.ok_or(OfficialError::NotApproved)?;
        match b.stage {
            Stage::Reopened => Err(OfficialError::NotApproved),
            Stage::Published => Err(OfficialError::AlreadyPublished {
                published: b.published.unwrap_or(date),
            }),
            Stage::Approved if date < b.approval.date => {
                Err(OfficialError::PublishedBeforeApproval {
                    published: date,
                    approved: b.approval.date,
                })
            }
            Stage::Approved => Ok(Official {
                stage: Stage::Published,
                published: Some(date),
                ..b.clone()
            }),
        }
    }

    /// The lead reopens approved results to correct them, with a reason.
    pub fn reopen(
        before: Option<&Official>,
        date: Date,
        reason: String,
    ) -> Result<Official, OfficialError> {
        let b = before.ok_or(OfficialError::NotApproved)?;
        if !b.frozen() {
            return Err(OfficialError::NotApproved);
        }
        Ok(Official {
            stage: Stage::Reopened,
            reopenings: b.reopenings + 1,
            reopened: Some(Reopening { date, reason }),
            ..b.clone()
        })
    }

    /// A few words for a title bar: where the year's result stands.
    pub fn badge(&self, lang: Lang) -> &'static str {
        match (self.stage, lang) {
            (Stage::Approved, Lang::Vi) => "Kết quả chính thức",
            (Stage::Published, Lang::Vi) => "Kết quả chính thức, đã công bố",
            (Stage::Reopened, Lang::Vi) => "Mở lại sau khi thông qua",
            (Stage::Approved, Lang::En) => "Official results",
            (Stage::Published, Lang::En) => "Official results, published",
            (Stage::Reopened, Lang::En) => "Reopened after approval",
        }
    }

    /// The title a ranking or scorecard carries: "Kết quả chính thức" once approved, with the
    /// mark of a change after approval; `None` while the scores are only proposed.
    pub fn title(&self, lang: Lang) -> Option<&'static str> {
        let vi = lang == Lang::Vi;
        match (self.frozen(), self.reopenings > 0, vi) {
            (false, _, _) => None,
            (true, false, true) => Some("Kết quả chính thức"),
            (true, false, false) => Some("Official results"),
            (true, true, true) => Some("Kết quả chính thức (đã sửa sau khi thông qua)"),
            (true, true, false) => Some("Official results (changed after approval)"),
        }
    }

    /// What a report says about it, one sentence per line: the approval, the publication, and
    /// any reopening (a reopened year says its results are being corrected).
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        let vi = lang == Lang::Vi;
        let a = &self.approval;
        let mut out = Vec::new();
        let approved = format_date(a.date);
        out.push(match (self.stage, vi) {
            (Stage::Reopened, true) => format!(
                "Hội đồng thẩm định đã thông qua kết quả ngày {approved} (biên bản {}), nhưng kết quả đã được mở lại để sửa: số liệu dưới đây chưa phải kết quả chính thức.",
                a.minutes
            ),
            (Stage::Reopened, false) => format!(
                "The appraisal council approved the results on {approved} (minutes {}), but they were reopened for correction: the figures below are not official.",
                a.minutes
            ),
            (_, true) => format!(
                "Hội đồng thẩm định thông qua ngày {approved} (biên bản {}); niêm phong kho dữ liệu {}.",
                a.minutes,
                a.seal_short()
            ),
            (_, false) => format!(
                "Approved by the appraisal council on {approved} (minutes {}); store seal {}.",
                a.minutes,
                a.seal_short()
            ),
        });
        if let Some(p) = self.published {
            out.push(if vi {
                format!("Công bố ngày {}.", format_date(p))
            } else {
                format!("Published on {}.", format_date(p))
            });
        }
        if let Some(r) = &self.reopened {
            let first = self
                .first_approved
                .map(format_date)
                .unwrap_or_else(|| approved.clone());
            out.push(match (self.stage, vi) {
                (Stage::Reopened, true) => format!(
                    "Mở lại ngày {} (lần {}), lý do: {}",
                    format_date(r.date),
                    self.reopenings,
                    r.reason
                ),
                (Stage::Reopened, false) => format!(
                    "Reopened on {} (time {}), reason: {}",
                    format_date(r.date),
                    self.reopenings,
                    r.reason
                ),
                (_, true) => format!(
                    "Kết quả đã thay đổi sau khi thông qua lần đầu ngày {first}: mở lại {} lần, lần gần nhất ngày {} (lý do: {}).",
                    self.reopenings,
                    format_date(r.date),
                    r.reason
                ),
                (_, false) => format!(
                    "The results were changed after their first approval on {first}: reopened {} time(s), last on {} (reason: {}).",
                    self.reopenings,
                    format_date(r.date),
                    r.reason
                ),
            });
        }
        out
    }
}

impl OfficialError {
    /// What went wrong and what to do, for the year `year`.
    pub fn message(&self, year: u16, lang: Lang) -> String {
        let vi = lang == Lang::Vi;
        match (self, vi) {
            (OfficialError::AlreadyApproved { approved, minutes }, true) => format!(
                "kết quả năm {year} đã được Hội đồng thông qua ngày {} (biên bản {minutes}); muốn sửa, trưởng nhóm mở lại: thamdinh year reopen --year {year} --reason \"…\"",
                format_date(*approved)
            ),
            (OfficialError::AlreadyApproved { approved, minutes }, false) => format!(
                "the results of {year} were approved by the council on {} (minutes {minutes}); to change them a lead reopens them: thamdinh year reopen --year {year} --reason \"…\"",
                format_date(*approved)
            ),
            (OfficialError::NotApproved, true) => format!(
                "kết quả năm {year} chưa được Hội đồng thông qua (hoặc đang mở lại); thông qua trước: thamdinh year approve --year {year} --minutes \"…\" --date dd/mm/yyyy"
            ),
            (OfficialError::NotApproved, false) => format!(
                "the results of {year} are not approved (or are reopened); approve them first: thamdinh year approve --year {year} --minutes \"…\" --date dd/mm/yyyy"
            ),
            (OfficialError::AlreadyPublished { published }, true) => format!(
                "kết quả năm {year} đã công bố ngày {}.",
                format_date(*published)
            ),
            (OfficialError::AlreadyPublished { published }, false) => format!(
                "the results of {year} were published on {}.",
                format_date(*published)
            ),
            (
                OfficialError::PublishedBeforeApproval {
                    published,
                    approved,
                },
                true,
            ) => format!(
                "ngày công bố ({}) trước ngày Hội đồng thông qua ({}); hãy kiểm tra lại ngày.",
                format_date(*published),
                format_date(*approved)
            ),
            (
                OfficialError::PublishedBeforeApproval {
                    published,
                    approved,
                },
                false,
            ) => format!(
                "the publication date ({}) is before the council's approval ({}); check the date.",
                format_date(*published),
                format_date(*approved)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn seal(seq: u64) -> Seal {
        Seal {
            seq,
            hash: [0xab; 32],
        }
    }

    fn approved() -> Official {
        Official::approve(
            None,
            2024,
            "15/BB-HĐTĐ".into(),
            date(2025, 3, 20),
            seal(4048),
        )
        .expect("a first approval")
    }

    #[test]
    fn an_approval_freezes_the_year_and_names_its_minutes_and_seal() {
        let o = approved();
        assert!(o.frozen());
        assert_eq!(o.title(Lang::Vi), Some("Kết quả chính thức"));
        assert_eq!(o.approval.seal_short(), "4048/abababababababab");
        assert_eq!(
            o.lines(Lang::Vi),
            vec![
                "Hội đồng thẩm định thông qua ngày 20/03/2025 (biên bản 15/BB-HĐTĐ); niêm phong kho dữ liệu 4048/abababababababab."
            ]
        );
    }

    #[test]
    fn approving_twice_is_refused_with_the_first_approval_named() {
        let o = approved();
        let e = Official::approve(Some(&o), 2024, "x".into(), date(2025, 4, 1), seal(5000))
            .expect_err("approved already");
        assert!(
            e.message(2024, Lang::Vi)
                .contains("20/03/2025 (biên bản 15/BB-HĐTĐ)")
        );
        assert!(e.message(2024, Lang::Vi).contains("thamdinh year reopen"));
    }

    #[test]
    fn publication_needs_an_approval_not_later_than_itself() {
        assert_eq!(
            Official::publish(None, date(2025, 4, 1)),
            Err(OfficialError::NotApproved)
        );
        let o = approved();
        assert!(matches!(
            Official::publish(Some(&o), date(2025, 3, 19)),
            Err(OfficialError::PublishedBeforeApproval { .. })
        ));
        let p = Official::publish(Some(&o), date(2025, 4, 1)).expect("published");
        assert_eq!(p.stage, Stage::Published);
        assert!(p.frozen());
        assert!(matches!(
            Official::publish(Some(&p), date(2025, 4, 2)),
            Err(OfficialError::AlreadyPublished { .. })
        ));
        assert_eq!(p.lines(Lang::Vi)[1], "Công bố ngày 01/04/2025.");
    }

    #[test]
    fn a_reopening_unfreezes_and_a_new_approval_says_the_results_changed() {
        let p = Official::publish(Some(&approved()), date(2025, 4, 1)).expect("published");
        let r = Official::reopen(
            Some(&p),
            date(2025, 5, 2),
            "Sai sót điểm tiêu chí 1.3.1".into(),
        )
        .expect("reopened");
        assert!(!r.frozen());
        assert_eq!(r.title(Lang::Vi), None);
        assert!(r.lines(Lang::Vi)[0].contains("chưa phải kết quả chính thức"));
        // Reopening a reopened year, or publishing it, is refused.
        assert!(Official::reopen(Some(&r), date(2025, 5, 3), "x".into()).is_err());
        assert!(Official::publish(Some(&r), date(2025, 5, 3)).is_err());
        let again = Official::approve(
            Some(&r),
            2024,
            "21/BB-HĐTĐ".into(),
            date(2025, 5, 10),
            seal(5100),
        )
        .expect("approved again");
        assert!(again.frozen());
        assert_eq!(
            again.title(Lang::Vi),
            Some("Kết quả chính thức (đã sửa sau khi thông qua)")
        );
        // Published once: the publication stays on record.
        assert_eq!(again.stage, Stage::Approved);
        let lines = again.lines(Lang::Vi);
        assert!(
            lines[0].contains("10/05/2025 (biên bản 21/BB-HĐTĐ)"),
            "{lines:?}"
        );
        assert!(
            lines[2].contains("thông qua lần đầu ngày 20/03/2025")
                && lines[2].contains("Sai sót điểm tiêu chí 1.3.1"),
            "{lines:?}"
        );
    }

    #[test]
    fn reopening_a_year_never_approved_is_refused() {
        assert_eq!(
            Official::reopen(None, date(2025, 5, 2), "lý do".into()),
            Err(OfficialError::NotApproved)
        );
    }
}
