//! The words of the story in Vietnamese and English, and how its values are written (scores
//! with a decimal comma in Vietnamese, times in Vietnam time). One catalogue for the text and
//! Markdown renderers and the TUI card, so all three tell the story in the same words.

use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};

use super::{Reference, StepKind, TextField};
use crate::domain::points::Points;
use crate::i18n::Lang;

/// A fixed word or phrase of the story.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    Title,
    Unit,
    Year,
    Criterion,
    Max,
    Method,
    Survey,
    Guidance,
    EvidenceExpected,
    Summary,
    SelfScore,
    SurveyScore,
    Proposed,
    Counted,
    Delta,
    Status,
    Outcome,
    Council,
    Minutes,
    NotScored,
    Undecided,
    Timeline,
    NoSteps,
    Evidence,
    NoEvidence,
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
    By,
}

pub fn label(lang: Lang, l: Label) -> &'static str {
    use Label::*;
    let (vi, en) = match l {
        Title => ("Giải thích điểm", "Explain this score"),
        Unit => ("Đơn vị", "Unit"),
        Year => ("Năm đánh giá", "Year"),
        Criterion => ("Tiêu chí", "Criterion"),
        Max => ("Điểm tối đa", "Maximum"),
        Method => ("Cách chấm", "Scored by"),
        Survey => ("điều tra xã hội học", "the survey"),
        Guidance => ("Hướng dẫn chấm", "Scoring guidance"),
        EvidenceExpected => ("Tài liệu kiểm chứng cần có", "Evidence expected"),
        Summary => ("Tóm tắt", "Summary"),
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
        NotScored => ("chưa có", "none"),
        Undecided => ("chưa thẩm định", "not yet appraised"),
        Timeline => ("Diễn biến", "What happened"),
        NoSteps => ("Chưa có thay đổi nào.", "Nothing has happened yet."),
        Evidence => ("Tài liệu kiểm chứng", "Evidence"),
        NoEvidence => ("(không có)", "(none)"),
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
            "phần bỏ / phần thêm so với lần trước",
            "removed / added since the last version",
        ),
        By => ("bởi", "by"),
    };
    lang.pick(vi, en)
}

/// What a step is, as a heading.
pub fn step_title(lang: Lang, k: StepKind) -> &'static str {
    let (vi, en) = match k {
        StepKind::SelfAssessed => ("Đơn vị tự chấm", "Self-assessment"),
        StepKind::SurveyScored => ("Nhập điểm điều tra", "Survey score imported"),
        StepKind::Agreed => ("Đồng ý với điểm tự chấm", "Agreed with the self score"),
        StepKind::Adjusted => ("Điều chỉnh điểm", "Score adjusted"),
        StepKind::EvidenceRequested => ("Yêu cầu bổ sung tài liệu", "Evidence requested"),
        StepKind::Explained => ("Đơn vị giải trình", "The unit's explanation"),
        StepKind::Answered => ("Trả lời giải trình", "Answer to the explanation"),
        StepKind::Referred => ("Trình Hội đồng thẩm định", "Referred to the council"),
        StepKind::CouncilDecided => ("Hội đồng thẩm định quyết định", "Council decision"),
        StepKind::Undone => ("Hoàn tác", "Undo"),
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
        TextField::Decision => ("Kết luận của Hội đồng", "The council's decision"),
    };
    lang.pick(vi, en)
}

/// A score: "0,75" in Vietnamese, "0.75" in English; "—" for none.
pub fn score(lang: Lang, p: Option<Points>) -> String {
    p.map_or_else(|| "—".into(), |p| p.display_with(lang == Lang::Vi))
}

/// A signed difference: "+0,25", "-0,50", "0".
pub fn signed(lang: Lang, d: Points) -> String {
    let s = d.signed();
    if lang == Lang::Vi {
        s.replace('.', ",")
    } else {
        s
    }
}

/// An instant in Vietnam time (UTC+7), to the minute: "22/11/2026 22:16".
pub fn when(at: Timestamp) -> String {
    at.to_zoned(TimeZone::fixed(Offset::constant(7)))
        .strftime("%d/%m/%Y %H:%M")
        .to_string()
}

/// Last year's decision in one sentence, in three parts so a renderer can set the quoted
/// justification apart: "Tham khảo năm 2023 (cùng nội dung): ", the justification (when there is
/// one), " — đề xuất 0,50/1,00 (tự chấm 0,75; Điều chỉnh)". `leaf` is this year's code: when last
/// year's differs, the head says so.
pub fn reference_parts(lang: Lang, r: &Reference, leaf: &str) -> (String, Option<String>, String) {
    let same = label(lang, Label::SameText);
    let head = if r.leaf == leaf {
        format!("{} {} ({same}): ", label(lang, Label::Reference), r.year)
    } else {
        let was = lang.pick("mã khi đó", "then");
        format!(
            "{} {} ({same}, {was} {}): ",
            label(lang, Label::Reference),
            r.year,
            r.leaf
        )
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_reads_as_one_sentence() {
        let r = Reference {
            year: 2023,
            leaf: "1.1.2".into(),
            max: Points::from_hundredths(100),
            self_score: Some(Points::from_hundredths(75)),
            proposed: Some(Points::from_hundredths(50)),
            status: crate::domain::Status::Adjusted,
            justification: "Thiếu báo cáo quý".into(),
        };
        let (head, quote, tail) = reference_parts(Lang::Vi, &r, "1.1.2");
        assert_eq!(head, "Tham khảo năm 2023 (cùng nội dung): ");
        assert_eq!(quote.as_deref(), Some("Thiếu báo cáo quý"));
        assert_eq!(tail, " — đề xuất 0,50/1,00 (tự chấm 0,75; Điều chỉnh)");
        let (head, _, _) = reference_parts(Lang::En, &r, "1.1.3");
        assert_eq!(head, "Reference from 2023 (same text, then 1.1.2): ");
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
