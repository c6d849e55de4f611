//! The words and sentences of the story in Vietnamese and English, and how its values are
//! written (scores with a decimal comma in Vietnamese, times in Vietnam time). One catalogue for
//! the text and Markdown renderers and the TUI card, so all three tell the story in the same
//! words. Values are plain: each renderer escapes them for its medium.

use jiff::Timestamp;

use super::{Reference, Step, StepKind, Story, TextField};
use crate::framework::Method;
use crate::item::Evidence;
use crate::points::Points;
use l10n::Lang;

/// A fixed word or phrase of the story.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    Title,
    Year,
    Criterion,
    Max,
    Guidance,
    SelfScore,
    SurveyScore,
    Proposed,
    Counted,
    Delta,
    Status,
    Outcome,
    Council,
    Minutes,
    Undecided,
    Timeline,
    NoSteps,
    Evidence,
    Round,
    Document,
    Received,
    Late,
    Claimed,
    Undoes,
    Cleared,
    Final,
    Reference,
    SameText,
    Field,
    Value,
    DiffLegend,
}

pub fn label(lang: Lang, l: Label) -> &'static str {
    use Label::*;
    let (vi, en) = match l {
        Title => ("Giải thích điểm", "Explain this score"),
        Year => ("Năm đánh giá", "Year"),
        Criterion => ("Tiêu chí", "Criterion"),
        Max => ("Điểm tối đa", "Maximum"),
        Guidance => ("Hướng dẫn chấm", "Scoring guidance"),
        SelfScore => ("Điểm tự chấm", "Self score"),
        SurveyScore => ("Điểm điều tra", "Survey score"),
        Proposed => ("Điểm thẩm định", "Proposed score"),
        Counted => ("Điểm tính vào tổng", "Counted in the total"),
        Delta => (
            "Chênh lệch so với tự chấm",
            "Difference from the self score",
        ),
        Status => ("Trạng thái", "Status"),
        Outcome => ("Kết quả giải trình", "Outcome of the explanation"),
        Council => ("Hội đồng thẩm định", "Appraisal council"),
        Minutes => ("Biên bản", "Minutes"),
        Undecided => ("chưa thẩm định", "not yet appraised"),
        Timeline => ("Diễn biến", "What happened"),
        NoSteps => ("Chưa có thay đổi nào.", "Nothing has happened yet."),
        Evidence => ("Tài liệu kiểm chứng", "Evidence"),
        Round => ("Đợt giải trình", "Explanation round"),
        Document => ("Văn bản", "Document"),
        Received => ("Ngày nhận", "Received"),
        Late => ("nộp muộn", "late"),
        Claimed => ("Điểm đơn vị đề nghị", "Score claimed"),
        Undoes => ("hoàn tác bước", "takes back step"),
        Cleared => ("(đã xoá)", "(cleared)"),
        Final => ("Kết quả cuối cùng", "Final score"),
        Reference => ("Tham khảo năm", "Reference from"),
        SameText => ("cùng nội dung", "same text"),
        Field => ("Mục", "Item"),
        Value => ("Giá trị", "Value"),
        DiffLegend => (
            "[-bỏ-]{+thêm+} so với lần trước",
            "[-removed-]{+added+} since the last version",
        ),
    };
    lang.pick(vi, en)
}

/// What a step is, as a heading.
pub fn step_title(lang: Lang, k: StepKind) -> &'static str {
    let (vi, en) = match k {
        StepKind::SelfAssessed => ("Đơn vị tự chấm", "Self-assessment"),
        StepKind::SurveyScored => ("Nhập điểm điều tra", "Survey score imported"),
        StepKind::SurveyComputed => (
            "Tính điểm điều tra từ phiếu khảo sát",
            "Survey score computed from the responses",
        ),
        StepKind::Agreed => ("Đồng ý với điểm tự chấm", "Agreed with the self score"),
        StepKind::Adjusted => ("Điều chỉnh điểm", "Score adjusted"),
        StepKind::EvidenceRequested => ("Yêu cầu bổ sung tài liệu", "Evidence requested"),
        StepKind::Explained => ("Đơn vị giải trình", "The unit's explanation"),
        StepKind::Answered => ("Trả lời giải trình", "Answer to the explanation"),
        StepKind::Referred => ("Trình Hội đồng thẩm định", "Referred to the council"),
        StepKind::CouncilDecided => ("Hội đồng thẩm định quyết định", "Council decision"),
        StepKind::Undone => ("Hoàn tác", "Undo"),
        StepKind::Redone => ("Làm lại", "Redo"),
        StepKind::Reset => (
            "Đặt lại chờ thẩm định (điểm tự chấm đổi)",
            "Back to pending (the self score changed)",
        ),
        StepKind::Changed => ("Thay đổi", "Change"),
    };
    lang.pick(vi, en)
}

/// The name of a text a step wrote.
pub fn text_label(lang: Lang, f: TextField) -> &'static str {
    let (vi, en) = match f {
        TextField::Note => ("Thuyết minh của đơn vị", "The unit's note"),
        TextField::Justification => ("Lý do", "Justification"),
        TextField::Request => ("Nội dung yêu cầu", "Request"),
        TextField::Explanation => ("Nội dung giải trình", "Explanation"),
        TextField::Response => ("Trả lời", "Response"),
        TextField::Referral => ("Lý do trình Hội đồng", "Why referred"),
        TextField::Computation => ("Cách tính", "How it was computed"),
        TextField::Decision => ("Kết luận của Hội đồng", "The council's decision"),
    };
    lang.pick(vi, en)
}

/// A score: "0,75" in Vietnamese, "0.75" in English; "—" for none.
pub fn score(lang: Lang, p: Option<Points>) -> String {
    p.map_or_else(|| "—".into(), |p| p.show(lang))
}

/// A signed difference: "+0,25", "-0,50", "0,00".
pub fn signed(lang: Lang, d: Points) -> String {
    d.show_signed(lang)
}

/// An instant in Vietnam time (UTC+7), to the minute: "22/11/2026 22:16".
pub fn when(at: Timestamp) -> String {
    crate::clock::date_time(at)
}

/// Last year's decision in one sentence, in three parts so a renderer can set the quoted
/// justification apart: "Tham khảo năm 2023 (cùng nội dung): ", the justification (when there is
/// one), " — đề xuất 0,50/1,00 (tự chấm 0,75; Điều chỉnh)". `leaf` is this year's code: when last
/// year's differs, the head says so.
pub fn reference_parts(lang: Lang, r: &Reference, leaf: &str) -> (String, Option<String>, String) {
    let same = label(lang, Label::SameText);
    let whence = match &r.from {
        None => format!("{} {}", label(lang, Label::Reference), r.year),
        Some(u) => match lang {
            Lang::Vi => format!("Tham khảo {} ({}) năm {}", u.name, u.code, r.year),
            Lang::En => format!("Reference from {} ({}), {}", u.name, u.code, r.year),
        },
    };
    let head = if r.leaf == leaf {
        format!("{whence} ({same}): ")
    } else {
        let was = lang.pick("mã khi đó", "then");
        format!("{whence} ({same}, {was} {}): ", r.leaf)
    };
    let quote = (!r.justification.trim().is_empty()).then(|| r.justification.clone());
    let tail = format!(
        "{}{} {}/{} ({} {}; {})",
        if quote.is_some() { " — " } else { "" },
        lang.pick("đề xuất", "proposed"),
        score(lang, r.proposed),
        score(lang, Some(r.max)),
        lang.pick("tự chấm", "self score"),
        score(lang, r.self_score),
        r.status.label(lang)
    );
    (head, quote, tail)
}

/// "22/11/2026 22:16 (giờ Việt Nam)" — for headings where the zone must be said once.
pub fn zone_note(lang: Lang) -> &'static str {
    lang.pick("giờ Việt Nam", "Vietnam time")
}

// ----- sentences of the story ----------------------------------------------------------------

/// "Điểm thẩm định: — → 0,25 (-0,50 so với tự chấm)" and the like: one line per fact of a step,
/// before its texts. Values are plain (the caller escapes for its medium).
pub fn step_facts(lang: Lang, s: &Step) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(u) = s.undoes {
        out.push(format!("{} #{u}", label(lang, Label::Undoes)));
    }
    if let Some(t) = s.status {
        out.push(format!(
            "{}: {} → {}",
            label(lang, Label::Status),
            t.before.label(lang),
            t.after.label(lang)
        ));
    }
    if let Some(t) = s.score {
        let what = match s.kind {
            StepKind::SelfAssessed => label(lang, Label::SelfScore),
            StepKind::SurveyScored | StepKind::SurveyComputed => label(lang, Label::SurveyScore),
            _ => label(lang, Label::Proposed),
        };
        let mut line = format!(
            "{what}: {} → {}",
            score(lang, t.before),
            score(lang, t.after)
        );
        if let Some(d) = s.delta {
            line.push_str(&format!(
                " ({} {})",
                signed(lang, d),
                lang.pick("so với tự chấm", "against the self score")
            ));
        }
        out.push(line);
    }
    if let Some(e) = &s.explanation {
        let mut parts = vec![format!("{} {}", label(lang, Label::Round), e.round)];
        if !e.document.is_empty() {
            parts.push(format!("{} {}", label(lang, Label::Document), e.document));
        }
        let mut received = format!(
            "{} {}",
            label(lang, Label::Received),
            crate::round::format_date(e.received)
        );
        if e.late {
            received.push_str(&format!(" ({})", label(lang, Label::Late)));
        }
        parts.push(received);
        if let Some(c) = e.claimed {
            parts.push(format!(
                "{} {}",
                label(lang, Label::Claimed),
                score(lang, Some(c))
            ));
        }
        out.push(parts.join(" · "));
    }
    if let Some(o) = s.outcome {
        out.push(format!(
            "{}: {}",
            label(lang, Label::Outcome),
            o.label(lang)
        ));
    }
    if let Some(m) = s.minutes.as_ref().filter(|m| !m.is_empty()) {
        out.push(format!("{}: {m}", label(lang, Label::Minutes)));
    }
    out
}

/// The heading of a step: "2. Điều chỉnh điểm — 01/01/2025 10:20, an".
pub fn step_heading(lang: Lang, n: usize, s: &Step) -> String {
    format!(
        "{n}. {} — {}, {}",
        step_title(lang, s.kind),
        when(s.at),
        s.actor
    )
}

/// The final score as label/value rows (the Markdown summary table, the text block at the end).
pub fn final_rows(lang: Lang, story: &Story) -> Vec<(&'static str, String)> {
    let f = &story.final_score;
    let mut rows = vec![(
        label(lang, Label::Max),
        score(lang, Some(story.criterion.max)),
    )];
    if story.criterion.method == Method::Survey {
        rows.push((label(lang, Label::SurveyScore), score(lang, story.survey)));
        return rows;
    }
    rows.push((label(lang, Label::SelfScore), score(lang, f.self_score)));
    rows.push((
        label(lang, Label::Proposed),
        match f.proposed {
            Some(p) => score(lang, Some(p)),
            None => format!(
                "{} ({} {})",
                label(lang, Label::Undecided),
                lang.pick("tính theo tự chấm", "counted as the self score"),
                score(lang, f.counted)
            ),
        },
    ));
    if let Some(d) = f.delta {
        rows.push((label(lang, Label::Delta), signed(lang, d)));
    }
    rows.push((label(lang, Label::Status), f.status.label(lang).to_string()));
    if let Some(o) = f.outcome {
        rows.push((label(lang, Label::Outcome), o.label(lang).to_string()));
    }
    if let Some(c) = f.council {
        let mut v = score(lang, Some(c));
        if let Some(m) = f.minutes.as_ref().filter(|m| !m.is_empty()) {
            v.push_str(&format!(" ({m})"));
        }
        rows.push((label(lang, Label::Council), v));
    }
    rows
}

/// One evidence document on one line: number (date, day first) title — link.
pub fn evidence_line(e: &Evidence) -> String {
    let mut s = e.number.clone();
    if !e.date.is_empty() {
        s.push_str(&format!(" ({})", crate::clock::written_date(&e.date)));
    }
    if !e.title.is_empty() {
        s.push_str(&format!(" {}", e.title));
    }
    if !e.link.is_empty() {
        s.push_str(&format!(" — {}", e.link));
    }
    s
}

/// "1 Công tác chỉ đạo › 1.1 Kế hoạch": the nodes above the leaf.
pub fn criterion_path(story: &Story) -> String {
    story
        .criterion
        .parents
        .iter()
        .map(|p| format!("{} {}", p.code, p.name))
        .collect::<Vec<_>>()
        .join(" › ")
}

/// The final score in one sentence: "Điểm thẩm định 0,50/1,00 (tự chấm 0,75, chênh lệch
/// -0,25); trạng thái: Hội đồng đã quyết."
pub fn final_sentence(lang: Lang, story: &Story) -> String {
    let f = &story.final_score;
    let max = score(lang, Some(story.criterion.max));
    if story.criterion.method == Method::Survey {
        return format!(
            "{} {}/{max}.",
            label(lang, Label::SurveyScore),
            score(lang, story.survey)
        );
    }
    let counted = score(lang, f.counted);
    let mut s = match f.proposed {
        Some(_) => format!("{} {counted}/{max}", label(lang, Label::Proposed)),
        None => format!(
            "{} ({}) {counted}/{max}",
            label(lang, Label::Counted),
            label(lang, Label::Undecided)
        ),
    };
    let delta = f.delta.unwrap_or(Points::ZERO);
    s.push_str(&format!(
        " ({} {}, {} {})",
        lang.pick("tự chấm", "self score"),
        score(lang, f.self_score),
        lang.pick("chênh lệch", "difference"),
        signed(lang, delta)
    ));
    s.push_str(&format!(
        "; {}: {}.",
        label(lang, Label::Status).to_lowercase(),
        f.status.label(lang)
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_reads_as_one_sentence() {
        let mut r = Reference {
            year: 2023,
            from: None,
            leaf: "1.1.2".into(),
            max: Points::from_hundredths(100),
            self_score: Some(Points::from_hundredths(75)),
            proposed: Some(Points::from_hundredths(50)),
            status: crate::Status::Adjusted,
            justification: "Thiếu báo cáo quý".into(),
        };
        let (head, quote, tail) = reference_parts(Lang::Vi, &r, "1.1.2");
        assert_eq!(head, "Tham khảo năm 2023 (cùng nội dung): ");
        assert_eq!(quote.as_deref(), Some("Thiếu báo cáo quý"));
        assert_eq!(tail, " — đề xuất 0,50/1,00 (tự chấm 0,75; Điều chỉnh)");
        let (head, _, _) = reference_parts(Lang::En, &r, "1.1.3");
        assert_eq!(head, "Reference from 2023 (same text, then 1.1.2): ");
        // A merged province's reference names the old province it comes from.
        r.from = Some(crate::story::UnitRef {
            code: "27".into(),
            name: "Bắc Ninh".into(),
        });
        let (head, _, _) = reference_parts(Lang::Vi, &r, "1.1.2");
        assert_eq!(head, "Tham khảo Bắc Ninh (27) năm 2023 (cùng nội dung): ");
    }

    #[test]
    fn values_are_written_the_local_way() {
        let p = Points::from_hundredths(75);
        assert_eq!(score(Lang::Vi, Some(p)), "0,75");
        assert_eq!(score(Lang::En, Some(p)), "0.75");
        assert_eq!(score(Lang::Vi, None), "—");
        assert_eq!(signed(Lang::Vi, Points::from_hundredths(-50)), "-0,50");
        let t: Timestamp = "2025-03-15T17:30:00Z".parse().unwrap();
        assert_eq!(when(t), "16/03/2025 00:30");
    }
}
