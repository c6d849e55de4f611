//! The title bar, the sub bar (totals, sort, filters) and the message line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::{App, FlashKind, Screen};
use crate::i18n;
use crate::text;
use api::ConnectionState;

/// A full-width bar with text on the left and on the right; the left side is cut first.
pub fn split_bar(
    f: &mut Frame,
    r: Rect,
    left: Vec<Span<'static>>,
    right: Vec<Span<'static>>,
    style: Style,
) {
    let w = r.width as usize;
    let rw: usize = right.iter().map(|s| text::width(&s.content)).sum();
    let room = w.saturating_sub(rw + 1);
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0;
    for s in left {
        let sw = text::width(&s.content);
        if used + sw <= room {
            used += sw;
            spans.push(s);
        } else {
            let cut = text::truncate(&s.content, room - used).into_owned();
            used += text::width(&cut);
            spans.push(Span::styled(cut, s.style));
            break;
        }
    }
    let pad = w.saturating_sub(used + rw);
    spans.push(Span::raw(" ".repeat(pad)));
    if used + rw <= w {
        spans.extend(right);
    }
    f.render_widget(Paragraph::new(Line::from(spans)).style(style), r);
}

/// The title bar: what is shown, and who is working.
pub fn title(app: &App, f: &mut Frame, r: Rect, left: String) {
    let th = &app.theme;
    let role = i18n::role(app.lang, app.role);
    // Titles carry unit codes and names from data files: escaped once, here.
    let left = text::escape_line(&left).into_owned();
    let mut others: Vec<&str> = app.presence.iter().map(|p| p.user.as_str()).collect();
    others.sort_unstable();
    others.dedup();
    let online = if others.is_empty() {
        String::new()
    } else {
        format!("{} · ", i18n::others_online(app.lang, others.len()))
    };
    let user = text::escape_line(&app.user);
    let right = format!("{online}{user} · {role} ");
    // When both do not fit, the app's name goes first, then the role: the screen's own words
    // ("63 đơn vị", the unit's name) stay whole.
    let w = r.width as usize;
    let fits = |l: &str, r: &str| 1 + text::width(l) + 1 + text::width(r) <= w;
    let app_name = format!("{} · ", app.tr(crate::i18n::Msg::AppName));
    let short_right = format!("{online}{user} ");
    let (left, right) = match left.strip_prefix(&app_name) {
        _ if fits(&left, &right) => (left, right),
        Some(short) if fits(short, &right) => (short.to_string(), right),
        Some(short) => (short.to_string(), short_right),
        // A unit's title: its end (the region) is cut, the user and role stay.
        None => (left, right),
    };
    split_bar(
        f,
        r,
        vec![Span::styled(format!(" {left}"), th.title)],
        vec![Span::styled(right, th.title)],
        th.title,
    );
}

/// The message line: the last message, else a summary of the screen.
pub fn message(app: &App, f: &mut Frame, r: Rect) {
    let th = &app.theme;
    if let Some(fl) = &app.flash {
        let style = match fl.kind {
            FlashKind::Info => th.base,
            FlashKind::Ok => th.ok,
            FlashKind::Error => th.error,
        };
        let shown = text::truncate(&text::escape_line(&fl.text), r.width as usize).into_owned();
        f.render_widget(Paragraph::new(Span::styled(shown, style)), r);
        return;
    }
    if let Some(msg) = match &app.connection {
        ConnectionState::Connected => None,
        other => Some(other.message(app.lang)),
    } {
        let shown = text::truncate(&format!("⚠ {msg}"), r.width as usize).into_owned();
        f.render_widget(Paragraph::new(Span::styled(shown, th.error)), r);
        return;
    }
    let line = match (app.screen, &app.bench) {
        (Screen::Overview, _) if !app.model.assignments.list.is_empty() => {
            // With assignments, the progress per appraiser (SPEC S6) after the national totals,
            // or alone when both do not fit.
            let national = national_summary(app);
            let s = match people_progress(app) {
                Some(people) => {
                    let [a, b, c] = national.clone();
                    first_fitting(
                        [
                            format!("{a} · {people}"),
                            format!("{b} · {people}"),
                            format!("{c} · {people}"),
                            format!(" {people}"),
                        ],
                        r.width as usize,
                    )
                }
                None => first_fitting(national, r.width as usize),
            };
            Line::styled(text::truncate(&s, r.width as usize).into_owned(), th.dim)
        }
        (Screen::Overview | Screen::Ranking, _) => {
            let s = first_fitting(national_summary(app), r.width as usize);
            Line::styled(text::truncate(&s, r.width as usize).into_owned(), th.dim)
        }
        (Screen::Bench, Some(b)) => Line::from(crate::screens::bench::view::status(app, b)),
        (Screen::Queue, _) => {
            crate::screens::queue::view::status_line(app, f, r);
            return;
        }
        _ => Line::raw(""),
    };
    f.render_widget(Paragraph::new(line), r);
}

/// The first of `forms` (longest wording first) that fits `w` columns, else the last.
fn first_fitting<const N: usize>(forms: [String; N], w: usize) -> String {
    let mut last = String::new();
    for f in forms {
        if text::width(&f) <= w {
            return f;
        }
        last = f;
    }
    last
}

/// "Tiến độ theo người: an 12/40 · binh 3/30".
fn people_progress(app: &App) -> Option<String> {
    let people = app.model.assignment_progress()?;
    let list: Vec<String> = people
        .iter()
        .map(|(u, p)| format!("{} {}/{}", text::escape_line(u), p.done, p.total))
        .collect();
    Some(format!(
        "{}: {}",
        app.tr(crate::i18n::Msg::ProgressByPerson),
        list.join(" · ")
    ))
}

fn national_summary(app: &App) -> [String; 3] {
    let m = &app.model;
    let (mut reviewed, mut leaves, mut adjusted, mut disputes, mut finalized) = (0, 0, 0, 0, 0);
    for i in 0..m.unit_count() {
        let d = m.unit_at(i);
        reviewed += d.scores.reviewed;
        leaves += d.scores.leaves;
        adjusted += d.scores.adjusted;
        disputes += d.scores.open_disputes;
        finalized += usize::from(d.state.finalized.is_some());
    }
    i18n::national_summary(
        app.lang,
        reviewed,
        leaves,
        adjusted,
        disputes,
        finalized,
        m.unit_count(),
    )
}
