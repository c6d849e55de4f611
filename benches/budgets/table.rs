//! The one table the benchmarks print: each budget, what was measured, the target, pass or
//! miss, and a reference measured in the same run.

#[derive(Clone, Debug)]
pub struct Row {
    pub budget: &'static str,
    pub what: String,
    pub measured: String,
    pub target: String,
    /// `None`: informational (no target of its own).
    pub pass: Option<bool>,
    pub reference: String,
}

impl Row {
    pub fn new(
        budget: &'static str,
        what: impl Into<String>,
        measured: impl Into<String>,
        target: impl Into<String>,
        pass: Option<bool>,
        reference: impl Into<String>,
    ) -> Row {
        Row {
            budget,
            what: what.into(),
            measured: measured.into(),
            target: target.into(),
            pass,
            reference: reference.into(),
        }
    }
}

fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// A Markdown table, columns padded so it also reads well in a terminal.
pub fn render(rows: &[Row]) -> String {
    let head = [
        "budget",
        "measure",
        "measured",
        "target",
        "verdict",
        "reference (same run)",
    ];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            [
                r.budget.to_string(),
                r.what.clone(),
                r.measured.clone(),
                r.target.clone(),
                match r.pass {
                    Some(true) => "pass".to_string(),
                    Some(false) => "MISS".to_string(),
                    None => "—".to_string(),
                },
                r.reference.clone(),
            ]
        })
        .collect();
    let mut w = head.map(width);
    for c in &cells {
        for (i, s) in c.iter().enumerate() {
            w[i] = w[i].max(width(s));
        }
    }
    let line = |c: &[String]| {
        let mut s = String::from("|");
        for (i, x) in c.iter().enumerate() {
            s.push(' ');
            s.push_str(&pad(x, w[i]));
            s.push_str(" |");
        }
        s
    };
    let mut out = String::new();
    out.push_str(&line(&head.map(String::from)));
    out.push('\n');
    out.push('|');
    for x in w {
        out.push_str(&"-".repeat(x + 2));
        out.push('|');
    }
    out.push('\n');
    for c in &cells {
        out.push_str(&line(c));
        out.push('\n');
    }
    out
}
