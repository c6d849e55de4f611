//! Percentiles and formatting of measured samples.

use std::time::Duration;

/// Samples of one measurement, sorted on demand.
#[derive(Clone, Debug, Default)]
pub struct Samples(pub Vec<f64>);

impl Samples {
    pub fn from_durations(d: &[Duration]) -> Samples {
        Samples(d.iter().map(|d| d.as_secs_f64() * 1000.0).collect())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The p-th quantile (0..=1), nearest rank; 0 when empty.
    pub fn pct(&self, p: f64) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        let i = ((v.len() as f64 - 1.0) * p).round() as usize;
        v[i.min(v.len() - 1)]
    }

    pub fn median(&self) -> f64 {
        self.pct(0.5)
    }

    pub fn max(&self) -> f64 {
        self.0.iter().copied().fold(0.0, f64::max)
    }
}

/// Milliseconds with a sensible number of decimals.
pub fn ms(v: f64) -> String {
    if v < 1.0 {
        format!("{v:.3} ms")
    } else if v < 100.0 {
        format!("{v:.2} ms")
    } else {
        format!("{v:.0} ms")
    }
}

pub fn bytes(v: f64) -> String {
    if v < 10_000.0 {
        format!("{v:.0} B")
    } else if v < 10_000_000.0 {
        format!("{:.1} KB", v / 1000.0)
    } else {
        format!("{:.1} MB", v / 1e6)
    }
}

pub fn rate(per_s: f64) -> String {
    if per_s >= 1e6 {
        format!("{:.2} M/s", per_s / 1e6)
    } else {
        format!("{:.0} k/s", per_s / 1e3)
    }
}
