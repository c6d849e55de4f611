//! The audit trail as text, Markdown or JSON lines (SPEC I5): what changed, who, when, why.

use domain::official::Stage;
use std::io::{self, Write};

use domain::CommandKind;
use domain::command::command_label;
use domain::round::format_date;
use domain::{Appraisal, Change, Event, Points};
use l10n::Lang;

/// A score as people read it in `lang` ("0,75" in Vietnamese), "—" for none.
fn opt(p: Option<Points>, lang: Lang) -> String {
    p.map_or_else(|| "—".into(), |p| p.show(lang))
}

/// Quote free text on one line, with control characters and bidi overrides escaped.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('«');
    for c in s.chars() {
        match c {
            '\n' => out.push_str(" ⏎ "),
            c if text::is_dangerous(c) => out.push_str(&c.escape_default().to_string()),
            c => out.push(c),
        }
    }
    out.push('»');
    out
}

fn appraisal_diff(before: &Appraisal, after: &Appraisal, lang: Lang) -> Vec<String> {
    let mut parts = Vec::new();
    if before.status != after.status {
        parts.push(format!(
            "{} {} → {}",
            lang.pick("trạng thái", "status"),
            before.status.label(lang),
            after.status.label(lang)
        ));
    }
    if before.proposed != after.proposed {
        parts.push(format!(
            "{} {} → {}",
            lang.pick("điểm đề xuất", "proposed"),
            opt(before.proposed, lang),
            opt(after.proposed, lang)
        ));
    }
    if before.justification != after.justification && !after.justification.is_empty() {
        parts.push(format!(
            "{} {}",
            lang.pick("lý do", "justification"),
            quote(&after.justification)
        ));
    }
    if before.request != after.request && !after.request.is_empty() {
        parts.push(format!(
            "{} {}",
            lang.pick("yêu cầu bổ sung", "request"),
            quote(&after.request)
        ));
    }
    match (&before.dispute, &after.dispute) {
        (b, Some(d)) if b.as_ref().map(|x| &x.explanation) != Some(&d.explanation) => {
            parts.push(format!(
                "{} {}{}",
                lang.pick("giải trình", "explanation"),
                quote(&d.explanation),
                d.claimed
                    .map(|c| format!(" ({} {})", lang.pick("đề nghị", "claims"), c.show(lang)))
                    .unwrap_or_default()
            ));
        }
        _ => {}
    }
    if let Some(d) = &after.dispute
        && d.outcome.is_some()
        && before.dispute.as_ref().and_then(|x| x.outcome) != d.outcome
    {
        parts.push(format!(
            "{} {} {}",
            lang.pick("kết quả", "outcome"),
            d.outcome.map(|o| o.label(lang)).unwrap_or(""),
            quote(&d.response)
        ));
    }
    parts
}

/// One line describing what an event changed.
pub fn describe(change: &Change, lang: Lang) -> String {
    match change {
        Change::YearOpened {
            year,
            framework_file,
            units_file,
            ..
        } => format!(
            "{} {year} ({framework_file}, {units_file})",
            lang.pick("mở năm đánh giá", "opened year")
        ),
        Change::SelfAssessed { before, after, .. } => {
            let mut s = format!(
                "{} {} → {}",
                lang.pick("điểm tự chấm", "self score"),
                opt(before.as_ref().map(|b| b.score), lang),
                after.score.show(lang)
            );
            if before.as_ref().map(|b| &b.note) != Some(&after.note) && !after.note.is_empty() {
                s.push_str(&format!(
                    "; {} {}",
                    lang.pick("ghi chú", "note"),
                    quote(&after.note)
                ));
            }
            s
        }
        Change::SurveyScored { before, after, .. } => format!(
            "{} {} → {}",
            lang.pick("điểm điều tra", "survey score"),
            opt(*before, lang),
            after.show(lang)
        ),
        Change::Appraised { before, after, .. } => {
            let parts = appraisal_diff(before, after, lang);
            if parts.is_empty() {
                lang.pick("không đổi", "no change").to_string()
            } else {
                parts.join("; ")
            }
        }
        Change::UnitFinalized { .. } => lang.pick("chốt kết quả đơn vị", "unit finalized").into(),
        Change::UnitReopened { .. } => lang.pick("mở lại đơn vị", "unit reopened").into(),
        Change::MemberChanged {
            user,
            before,
            after,
        } => format!(
            "{} {user}: {} → {}",
            lang.pick("thành viên", "member"),
            before.map(|r| r.label(lang)).unwrap_or("—"),
            after.map(|r| r.label(lang)).unwrap_or("—")
        ),
        Change::RoundChanged {
            number,
            before,
            after,
            ..
        } => match before {
            None => format!(
                "{} {number}: {} – {}{}",
                lang.pick("mở đợt giải trình", "opened explanation round"),
                format_date(after.opens),
                format_date(after.closes),
                if after.units.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", after.units.join(", "))
                }
            ),
            Some(_) if after.closed => format!(
                "{} {number}",
                lang.pick("đóng đợt giải trình", "closed explanation round")
            ),
            Some(_) => format!(
                "{} {number}: {} – {}",
                lang.pick("sửa đợt giải trình", "changed explanation round"),
                format_date(after.opens),
                format_date(after.closes)
            ),
        },
        Change::OfficialChanged { year, after, .. } => match after.stage {
            Stage::Approved => format!(
                "{} {year}: {} {}, {} {}",
                lang.pick(
                    "Hội đồng thông qua kết quả năm",
                    "council approved the results of"
                ),
                lang.pick("biên bản", "minutes"),
                after.approval.minutes,
                lang.pick("ngày", "on"),
                format_date(after.approval.date)
            ),
            Stage::Published => format!(
                "{} {year} {} {}",
                lang.pick("công bố kết quả năm", "published the results of"),
                lang.pick("ngày", "on"),
                format_date(after.published.unwrap_or(after.approval.date))
            ),
            Stage::Reopened => format!(
                "{} {year} ({} {})",
                lang.pick(
                    "mở lại kết quả đã thông qua năm",
                    "reopened the approved results of"
                ),
                lang.pick("lần", "time"),
                after.reopenings
            ),
        },
        Change::AssignmentChanged {
            unit,
            area,
            before,
            after,
            ..
        } => {
            let what = match area {
                Some(a) => format!("{} {unit}/{a}", lang.pick("phân công", "assignment")),
                None => format!("{} {unit}", lang.pick("phân công", "assignment")),
            };
            format!(
                "{what}: {} → {}",
                before.as_deref().unwrap_or("—"),
                after.as_deref().unwrap_or("—")
            )
        }
        Change::AssignmentsEnforced { after, .. } => if *after {
            lang.pick("bật bắt buộc theo phân công", "assignments enforced")
        } else {
            lang.pick("tắt bắt buộc theo phân công", "assignments not enforced")
        }
        .to_string(),
        Change::ResultsPublished {
            year,
            before,
            after,
        } => format!(
            "{} {year}: {} {} ({}, SHA-256 {}…)",
            match before {
                None => lang.pick(
                    "nhập kết quả công bố năm",
                    "imported the published results of"
                ),
                Some(_) => lang.pick(
                    "thay kết quả công bố năm",
                    "replaced the published results of"
                ),
            },
            after.rows.len(),
            lang.pick("tỉnh", "provinces"),
            after.source_file,
            after
                .source_sha256
                .get(..12)
                .unwrap_or(&after.source_sha256)
        ),
        Change::ResponsesImported { year, batch } => format!(
            "{} {year}: {} {} {}, {} {} ({}, SHA-256 {}…)",
            lang.pick(
                "nhập phiếu khảo sát năm",
                "imported the survey responses of"
            ),
            batch.responses(),
            lang.pick("phiếu", "responses of"),
            batch.survey,
            batch.units.len(),
            lang.pick("đơn vị", "units"),
            batch.file,
            batch.sha256.get(..12).unwrap_or(&batch.sha256)
        ),
    }
}

/// Where an event applies: "2024/44/3.2.1", "2024/44", a year ("2023": its published results),
/// or "".
pub fn target(change: &Change) -> String {
    if let Some(k) = change.item_key() {
        return k.to_string();
    }
    match (change.unit(), change) {
        (Some((y, u)), _) => format!("{y}/{u}"),
        (None, Change::ResultsPublished { year, .. })
        | (None, Change::ResponsesImported { year, .. }) => year.to_string(),
        (None, _) => String::new(),
    }
}

/// Vietnam time (UTC+7), as every time a person reads.
fn time(ev: &Event) -> String {
    domain::clock::date_time_seconds(ev.body.at)
}

pub fn write_text(out: &mut dyn Write, events: &[Event], lang: Lang) -> io::Result<()> {
    // The command column is as wide as the longest command's name in this language.
    let command_w = CommandKind::ALL
        .iter()
        .map(|k| k.label(lang).chars().count())
        .max()
        .unwrap_or(16);
    for ev in events {
        write!(
            out,
            "#{:<6} {}  {:<12} {:<command_w$} {:<18} {}",
            ev.body.seq,
            time(ev),
            ev.body.actor,
            command_label(&ev.body.command, lang),
            target(&ev.body.change),
            describe(&ev.body.change, lang)
        )?;
        if !ev.body.reason.is_empty() {
            write!(out, "  ({})", quote(&ev.body.reason))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// A table cell: control characters shown visibly, then Markdown made inert
/// (`markdown::cell`).
fn md_cell(s: &str) -> String {
    super::markdown::cell(&text::inert(s))
}

pub fn write_markdown(out: &mut dyn Write, events: &[Event], lang: Lang) -> io::Result<()> {
    write_markdown_head(out, lang)?;
    write_markdown_rows(out, events, lang)
}

/// The head of [`write_markdown`]'s table (then its rows, a part at a time, with
/// [`write_markdown_rows`]).
pub fn write_markdown_head(out: &mut dyn Write, lang: Lang) -> io::Result<()> {
    writeln!(
        out,
        "| # | {} | {} | {} | {} | {} |",
        lang.pick("Thời gian (giờ Việt Nam)", "Time (Vietnam)"),
        lang.pick("Người thực hiện", "Actor"),
        lang.pick("Lệnh", "Command"),
        lang.pick("Đối tượng", "Target"),
        lang.pick("Thay đổi", "Change")
    )?;
    writeln!(out, "|---|---|---|---|---|---|")
}

/// Rows of [`write_markdown`]'s table.
pub fn write_markdown_rows(out: &mut dyn Write, events: &[Event], lang: Lang) -> io::Result<()> {
    for ev in events {
        let mut what = describe(&ev.body.change, lang);
        if !ev.body.reason.is_empty() {
            what.push_str(&format!(" ({})", quote(&ev.body.reason)));
        }
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            ev.body.seq,
            time(ev),
            md_cell(&ev.body.actor),
            command_label(&ev.body.command, lang),
            target(&ev.body.change),
            md_cell(&what)
        )?;
    }
    Ok(())
}

/// One JSON object per line: the event body and its hash.
pub fn write_json_lines(out: &mut dyn Write, events: &[Event]) -> io::Result<()> {
    for ev in events {
        serde_json::to_writer(&mut *out, ev)?;
        writeln!(out)?;
    }
    Ok(())
}
