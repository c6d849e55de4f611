//! The SIPAS card: the ranking by index on top (rank, unit, index, n, 95% interval, a `!` for
//! few responses), the chosen unit's factors below as bars with their value, n and interval.
//! The chosen row is marked with the theme's selection mark as well as its style, so it shows
//! without colour (NO_COLOR); bars are drawn with the theme's bar characters (`#` and `.` in the
//! ASCII theme).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::dialogs::sipas::SipasState;
use crate::text;
use domain::number::{hundredths, percent};
use domain::sipas::{Estimate, percent_h};
use l10n::Lang;

fn pct(v: f64, lang: Lang) -> String {
    percent(percent_h(v), lang)
}

fn ci(e: &Estimate, lang: Lang) -> String {
    format!(
        "{}–{}",
        hundredths(percent_h(e.low), lang),
        hundredths(percent_h(e.high), lang)
    )
}

/// Pad or cut to `w` columns.
fn fit(s: &str, w: usize) -> String {
    let t = text::truncate(s, w).into_owned();
    let pad = w.saturating_sub(text::width(&t));
    format!("{t}{}", " ".repeat(pad))
}

fn right(s: &str, w: usize) -> String {
    let t = text::truncate(s, w).into_owned();
    let pad = w.saturating_sub(text::width(&t));
    format!("{}{t}", " ".repeat(pad))
}

pub fn render(app: &App, f: &mut Frame, body: Rect, s: &SipasState) {
    let th = &app.theme;
    let lang = app.lang;
    let title = match (&s.def, lang) {
        (Some(d), Lang::Vi) => format!("SIPAS năm {} — công thức {}", s.year, d.formula_label()),
        (Some(d), Lang::En) => format!("SIPAS {} — formula {}", s.year, d.formula_label()),
        (None, Lang::Vi) => format!("SIPAS năm {}", s.year),
        (None, Lang::En) => format!("SIPAS {}", s.year),
    };
    let inner = crate::widgets::popup(f, app, body, &title);
    let w = inner.width as usize;
    let (Some(def), Some(r)) = (&s.def, &s.results) else {
        let msg = s.empty.clone().unwrap_or_else(|| {
            lang.pick(
                "Năm này chưa có phiếu khảo sát SIPAS. Nhập bằng: thamdinh import responses TỆP",
                "This year has no SIPAS responses yet. Import them with: thamdinh import responses FILE",
            )
            .to_string()
        });
        let lines = crate::widgets::wrap_spans(vec![(msg, th.base)], w, "");
        f.render_widget(Paragraph::new(lines), inner);
        return;
    };
    // The bars take the bottom: a heading, the index, one line per factor.
    let bars_h = (def.factors.len() + 2) as u16;
    let list_h = inner.height.saturating_sub(bars_h).max(3);
    let list = Rect {
        height: list_h.min(inner.height),
        ..inner
    };
    let bars = Rect {
        y: inner.y + list.height,
        height: inner.height.saturating_sub(list.height),
        ..inner
    };

    // The list.
    let name_w = w
        .saturating_sub(2 + 4 + 1 + 8 + 1 + 5 + 1 + 12 + 2)
        .clamp(8, 30);
    let mut lines = Vec::new();
    let national = r
        .national
        .as_ref()
        .map(|a| pct(a.index, lang))
        .unwrap_or_default();
    lines.push(Line::styled(
        text::truncate(
            &match lang {
                Lang::Vi => format!(
                    "{} phiếu · {}/{} đơn vị có chỉ số · cả nước {national} · ! = ít hơn {} phiếu",
                    formats_count(r.responses, lang),
                    r.units.iter().filter(|u| u.index.is_some()).count(),
                    r.units.len(),
                    def.min_answers
                ),
                Lang::En => format!(
                    "{} responses · {}/{} units with an index · national {national} · ! = fewer than {}",
                    formats_count(r.responses, lang),
                    r.units.iter().filter(|u| u.index.is_some()).count(),
                    r.units.len(),
                    def.min_answers
                ),
            },
            w,
        )
        .into_owned(),
        th.dim,
    ));
    lines.push(Line::styled(
        text::truncate(
            &format!(
                "  {} {} {} {} {}",
                right(lang.pick("Hạng", "Rank"), 4),
                fit(lang.pick("Đơn vị", "Unit"), name_w),
                right(lang.pick("Chỉ số", "Index"), 8),
                right("n", 5),
                lang.pick("KTC 95%", "95% CI"),
            ),
            w,
        )
        .into_owned(),
        th.header,
    ));
    let rows = (list.height as usize).saturating_sub(2).max(1);
    let offset = if s.cursor < s.offset {
        s.cursor
    } else if s.cursor >= s.offset + rows {
        s.cursor + 1 - rows
    } else {
        s.offset
    };
    for (pos, &i) in s.order.iter().enumerate().skip(offset).take(rows) {
        let u = &r.units[i];
        let chosen = pos == s.cursor;
        let mark = if chosen { th.marks.selected } else { " " };
        let name = format!("{} {}", u.unit, s.name(&u.unit));
        let (index, n, interval) = match &u.index {
            Some(e) => (pct(e.value, lang), e.n.to_string(), ci(e, lang)),
            None => ("—".to_string(), String::new(), String::new()),
        };
        let few = if u.few { " !" } else { "" };
        let line = format!(
            "{mark} {} {} {} {} {interval}{few}",
            right(&u.rank.map(|k| k.to_string()).unwrap_or_default(), 4),
            fit(&name, name_w),
            right(&index, 8),
            right(&n, 5),
        );
        let style = if chosen {
            th.selected
        } else if u.few {
            th.warn
        } else {
            th.base
        };
        lines.push(Line::styled(text::truncate(&line, w).into_owned(), style));
    }
    f.render_widget(Paragraph::new(lines), list);

    // The chosen unit's factors.
    let mut lines = Vec::new();
    if let Some(u) = s.selected() {
        let head = match (&u.index, lang) {
            (Some(e), Lang::Vi) => format!(
                "{} {} — chỉ số {} (n = {}, KTC 95% {}), {} phiếu",
                u.unit,
                s.name(&u.unit),
                pct(e.value, lang),
                e.n,
                ci(e, lang),
                u.responses
            ),
            (Some(e), Lang::En) => format!(
                "{} {} — index {} (n = {}, 95% CI {}), {} responses",
                u.unit,
                s.name(&u.unit),
                pct(e.value, lang),
                e.n,
                ci(e, lang),
                u.responses
            ),
            (None, Lang::Vi) => format!(
                "{} {} — chưa đủ phiếu để tính chỉ số",
                u.unit,
                s.name(&u.unit)
            ),
            (None, Lang::En) => format!(
                "{} {} — not enough responses for an index",
                u.unit,
                s.name(&u.unit)
            ),
        };
        lines.push(Line::styled(
            text::truncate(&head, w).into_owned(),
            th.header,
        ));
        let label_w = (w / 3).clamp(10, 28);
        let tail_w = 8 + 1 + 6 + 1 + 12;
        let bar_w = w.saturating_sub(label_w + 1 + tail_w + 1).max(4);
        for (fi, factor) in def.factors.iter().enumerate() {
            let e = u.factors.get(fi).copied().flatten();
            let filled = e.map_or(0, |e| {
                ((e.value * bar_w as f64).round() as usize).min(bar_w)
            });
            let bar: String = std::iter::repeat_n(th.marks.bar_full, filled)
                .chain(std::iter::repeat_n(th.marks.bar_empty, bar_w - filled))
                .collect();
            let tail = match e {
                Some(e) => format!(
                    "{} {} {}",
                    right(&pct(e.value, lang), 8),
                    right(&format!("n={}", e.n), 6),
                    ci(&e, lang)
                ),
                None => "—".to_string(),
            };
            lines.push(Line::from(vec![
                Span::styled(fit(factor.name(lang), label_w), th.base),
                Span::raw(" "),
                Span::styled(bar, th.bar_proposed),
                Span::raw(" "),
                Span::styled(text::truncate(&tail, tail_w).into_owned(), th.total),
            ]));
        }
    }
    lines.push(Line::styled(
        text::truncate(
            lang.pick(
                "↑/↓ chọn đơn vị · Esc đóng · điểm các mục ≈ liên kết: F12 trên mục trong đơn vị",
                "↑/↓ choose a unit · Esc closes · linked ≈ items' points: F12 on the item in the unit",
            ),
            w,
        )
        .into_owned(),
        th.dim,
    ));
    f.render_widget(Paragraph::new(lines), bars);
}

/// 37800 → "37.800" (vi), "37,800" (en).
fn formats_count(n: u64, lang: Lang) -> String {
    let digits = n.to_string();
    let sep = match lang {
        Lang::Vi => '.',
        Lang::En => ',',
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}
