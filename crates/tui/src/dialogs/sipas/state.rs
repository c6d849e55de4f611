//! The SIPAS card's data: the results computed once when the card opens, the order shown, and
//! the unit chosen.

use domain::sipas::{self, SurveyResults};
use domain::{SurveyDef, UnitSet, bundled};

#[derive(Clone, Debug, PartialEq)]
pub struct SipasState {
    pub year: u16,
    pub def: Option<SurveyDef>,
    pub results: Option<SurveyResults>,
    /// Unit indices into `results.units`, by rank then without an index.
    pub order: Vec<usize>,
    /// Code → name of the year's units.
    pub names: Vec<(String, String)>,
    /// Position in `order`.
    pub cursor: usize,
    /// First row of the list shown.
    pub offset: usize,
    /// Why the card has nothing to show (no responses, a read that failed).
    pub empty: Option<String>,
}

impl SipasState {
    /// Compute the card for `year` from its batches; `unit` is chosen when it has a row.
    pub fn new(
        year: u16,
        units: &UnitSet,
        batches: &[domain::ResponseBatch],
        unit: Option<&str>,
    ) -> SipasState {
        let def = bundled::survey(bundled::DEFAULT_SURVEY);
        let mut s = SipasState {
            year,
            def: def.clone(),
            results: None,
            order: Vec::new(),
            names: units
                .units
                .iter()
                .map(|u| (u.code.clone(), u.name.clone()))
                .collect(),
            cursor: 0,
            offset: 0,
            empty: None,
        };
        let Some(def) = def else {
            return s;
        };
        if !batches.iter().any(|b| b.survey == def.id) {
            return s;
        }
        let r = sipas::compute(&def, units, batches);
        let mut order: Vec<usize> = (0..r.units.len()).collect();
        order.sort_by_key(|&i| r.units[i].rank.unwrap_or(u32::MAX));
        if let Some(u) = unit
            && let Some(p) = order.iter().position(|&i| r.units[i].unit == u)
        {
            s.cursor = p;
        }
        s.order = order;
        s.results = Some(r);
        s
    }

    pub fn failed(year: u16, message: String) -> SipasState {
        SipasState {
            year,
            def: None,
            results: None,
            order: Vec::new(),
            names: Vec::new(),
            cursor: 0,
            offset: 0,
            empty: Some(message),
        }
    }

    pub fn name<'a>(&'a self, code: &'a str) -> &'a str {
        self.names
            .iter()
            .find(|(c, _)| c == code)
            .map_or(code, |(_, n)| n.as_str())
    }

    pub fn selected(&self) -> Option<&sipas::UnitResult> {
        let r = self.results.as_ref()?;
        self.order.get(self.cursor).and_then(|&i| r.units.get(i))
    }
}
