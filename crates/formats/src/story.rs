//! "Explain this score" as text for the terminal, as Markdown for the council's minutes, and as
//! one JSON object (docs/DATA_FORMATS.md). All three render `domain::story::Story`; text from
//! provinces and users is escaped for its medium (control characters made visible; Markdown's
//! special characters backslash-escaped).

use std::io::{self, Write};

use serde::Serialize;

use domain::story::labels::{
    Label, criterion_path, evidence_line, final_rows, final_sentence, label, reference_parts,
    score, step_facts, step_heading, text_label, zone_note,
};
use domain::story::{StepText, Story};
use domain::worddiff::Seg;
use l10n::Lang;
use text;

// ----- text ----------------------------------------------------------------------------------

/// Indentation of the facts and texts under a step heading.
const STEP_INDENT: usize = 5;

struct TextOut {
    lines: Vec<String>,
    width: usize,
}

impl TextOut {
    fn line(&mut self, s: impl Into<String>) {
        self.lines.push(s.into());
    }

    /// Escaped, wrapped to the width under an indent.
    fn wrapped(&mut self, indent: usize, s: &str) {
        self.hanging(indent, "", s);
    }

    /// Escaped and wrapped after `first` (e.g. "• "); later lines are indented as far as the
    /// text after it.
    fn hanging(&mut self, indent: usize, first: &str, s: &str) {
        let fw = text::width(first);
        let cols = self.width.saturating_sub(indent + fw).max(20);
        let pad = " ".repeat(indent);
        for (k, l) in text::wrap(&text::escape_multiline(s), cols)
            .into_iter()
            .enumerate()
        {
            let lead = if k == 0 {
                first.to_string()
            } else {
                " ".repeat(fw)
            };
            self.lines
                .push(format!("{pad}{lead}{l}").trim_end().to_string());
        }
    }
}

/// A diff with `[-removed-]{+added+}` markers, each piece escaped.
fn marked_escaped(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Same(t) => s.push_str(&text::escape_multiline(t)),
            Seg::Del(t) => s.push_str(&format!("[-{}-]", text::escape_multiline(t))),
            Seg::Ins(t) => s.push_str(&format!("{{+{}+}}", text::escape_multiline(t))),
        }
    }
    s
}

fn text_block(out: &mut TextOut, lang: Lang, t: &StepText) {
    let name = text_label(lang, t.field);
    if t.text.is_empty() {
        out.line(format!(
            "{}{name}: {}",
            " ".repeat(STEP_INDENT),
            label(lang, Label::Cleared)
        ));
        return;
    }
    match &t.diff {
        Some(segs) => {
            out.line(format!(
                "{}{name} ({}):",
                " ".repeat(STEP_INDENT),
                label(lang, Label::DiffLegend)
            ));
            // Already escaped: wrap only.
            let pad = " ".repeat(STEP_INDENT + 2);
            let cols = out.width.saturating_sub(STEP_INDENT + 2).max(20);
            for l in text::wrap(&marked_escaped(segs), cols) {
                out.line(format!("{pad}{l}").trim_end().to_string());
            }
        }
        None => {
            out.line(format!("{}{name}:", " ".repeat(STEP_INDENT)));
            out.wrapped(STEP_INDENT + 2, &t.text);
        }
    }
}

/// The story for a terminal, wrapped to `width` columns, labels aligned.
pub fn write_text(out: &mut dyn Write, story: &Story, lang: Lang, width: usize) -> io::Result<()> {
    let mut o = TextOut {
        lines: Vec::new(),
        width: width.max(40),
    };
    o.wrapped(
        0,
        &format!(
            "{} — {} ({}), {} {}",
            label(lang, Label::Title),
            story.unit.name,
            story.unit.code,
            lang.pick("năm", "year"),
            story.year
        ),
    );
    o.wrapped(
        0,
        &format!(
            "{} {} {}",
            label(lang, Label::Criterion),
            story.criterion.code,
            story.criterion.name
        ),
    );
    let path = criterion_path(story);
    if !path.is_empty() {
        o.wrapped(2, &format!("({path})"));
    }
    o.line(format!(
        "  {}: {}",
        label(lang, Label::Max),
        score(lang, Some(story.criterion.max))
    ));
    if !story.criterion.guidance.is_empty() {
        o.line("");
        o.line(format!("{}:", label(lang, Label::Guidance)));
        o.wrapped(2, &story.criterion.guidance);
    }
    for r in &story.references {
        let (head, quote, tail) = reference_parts(lang, r, &story.criterion.code);
        o.line("");
        let q = quote.map(|q| format!("«{q}»")).unwrap_or_default();
        o.wrapped(0, &format!("{head}{q}{tail}"));
    }

    o.line("");
    o.line(format!(
        "{} ({}):",
        label(lang, Label::Timeline),
        zone_note(lang)
    ));
    if story.steps.is_empty() {
        o.line(format!("  {}", label(lang, Label::NoSteps)));
    }
    for (i, s) in story.steps.iter().enumerate() {
        if i > 0 {
            o.line("");
        }
        o.wrapped(2, &step_heading(lang, i + 1, s));
        for f in step_facts(lang, s) {
            o.wrapped(STEP_INDENT, &f);
        }
        for t in &s.texts {
            text_block(&mut o, lang, t);
        }
        if !s.evidence.is_empty() {
            o.line(format!(
                "{}{}:",
                " ".repeat(STEP_INDENT),
                label(lang, Label::Evidence)
            ));
            for e in &s.evidence {
                o.hanging(STEP_INDENT + 2, "• ", &evidence_line(e));
            }
        }
    }

    o.line("");
    o.line(format!("{}:", label(lang, Label::Final)));
    let rows = final_rows(lang, story);
    let lw = rows.iter().map(|(l, _)| text::width(l)).max().unwrap_or(0);
    for (l, v) in rows {
        let value = text::escape_line(&v).into_owned();
        let pad = " ".repeat(lw - text::width(l));
        o.line(format!("  {l}{pad}  {value}"));
    }
    for l in o.lines {
        writeln!(out, "{l}")?;
    }
    Ok(())
}

// ----- Markdown ------------------------------------------------------------------------------

/// Backslash-escape what Markdown would read as markup, after making control characters
/// visible. Line breaks are kept (the caller decides how lines are laid out).
pub fn md_escape(s: &str) -> String {
    text::escape_multiline(s)
        .split('\n')
        .map(|l| md_escape_line(l, true))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Escape a value that goes inside a line (a heading, a table cell, after a label): only inline
/// markup matters there. Line breaks become spaces.
pub fn md_inline(s: &str) -> String {
    md_escape_line(&text::escape_line(s), false)
}

/// Escape a value that starts a list item ("- {value}"): inline markup, and what would start a
/// block inside the item (a heading, a quote, a nested list). Line breaks become spaces.
pub fn md_item(s: &str) -> String {
    md_escape_line(&text::escape_line(s), true)
}

fn md_escape_line(line: &str, line_start: bool) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 4);
    // Before the first character that is not a digit or a space, "#", ">", "-", "+", "=" and a
    // "." or ")" after digits would start a heading, a quote, a list or an underline.
    let mut at_start = line_start;
    for (i, &c) in chars.iter().enumerate() {
        let inline = matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '|' | '~')
            || (c == '&'
                && chars
                    .get(i + 1)
                    .is_some_and(|n| n.is_alphanumeric() || *n == '#'));
        let block = at_start
            && (matches!(c, '#' | '>' | '-' | '+' | '=')
                || (matches!(c, '.' | ')')
                    && chars[..i].iter().any(char::is_ascii_digit)
                    && chars[..i]
                        .iter()
                        .all(|d| d.is_ascii_digit() || d.is_whitespace())));
        if inline || block {
            out.push('\\');
        }
        out.push(c);
        if !c.is_ascii_digit() && !c.is_whitespace() {
            at_start = false;
        }
    }
    out
}

/// A diff as ~~removed~~ **added**, each line of a change marked on its own.
fn md_diff(segs: &[Seg]) -> String {
    let escaped: Vec<String> = segs
        .iter()
        .map(|seg| match seg {
            Seg::Same(t) | Seg::Del(t) | Seg::Ins(t) => md_escape(t),
        })
        .collect();
    let mut s = String::new();
    for (i, seg) in segs.iter().enumerate() {
        let marker = match seg {
            Seg::Same(_) => {
                s.push_str(&escaped[i]);
                continue;
            }
            Seg::Del(_) => "~~",
            Seg::Ins(_) => "**",
        };
        // "~~old~~ **new**": a space between a removal and its replacement.
        if i > 0
            && matches!(segs[i - 1], Seg::Del(_))
            && matches!(seg, Seg::Ins(_))
            && !escaped[i].starts_with(char::is_whitespace)
            && !s.ends_with(char::is_whitespace)
        {
            s.push(' ');
        }
        let next = escaped.get(i + 1).and_then(|n| n.chars().next());
        let lines: Vec<&str> = escaped[i].split('\n').collect();
        for (k, piece) in lines.iter().enumerate() {
            if k > 0 {
                s.push('\n');
            }
            let before = s.chars().last();
            let after = if k + 1 == lines.len() { next } else { None };
            s.push_str(&md_mark(piece, marker, before, after));
        }
    }
    s
}

/// Mark `inner` (escaped) with `marker`, keeping spaces outside it: `~~ x~~` would not render.
/// A marker next to a letter on one side and punctuation on the other would not render either
/// ("1**, x**"): a space is put between.
fn md_mark(inner: &str, marker: &str, before: Option<char>, after: Option<char>) -> String {
    let trimmed = inner.trim();
    if trimmed.is_empty() {
        return inner.to_string();
    }
    let start = inner.len() - inner.trim_start().len();
    let end = inner.trim_end().len();
    let punct = |c: Option<char>| c.is_some_and(|c| !c.is_alphanumeric() && !c.is_whitespace());
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let open_gap = start == 0 && word(before) && punct(trimmed.chars().next());
    let close_gap = end == inner.len() && punct(trimmed.chars().last()) && word(after);
    format!(
        "{}{}{marker}{trimmed}{marker}{}{}",
        &inner[..start],
        if open_gap { " " } else { "" },
        if close_gap { " " } else { "" },
        &inner[end..]
    )
}

/// Quote a block of Markdown: every line behind "> ".
fn md_quote(body: &str) -> String {
    body.split('\n')
        .map(|l| {
            if l.trim().is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The story as Markdown for the council's minutes: a heading, a short summary table, the
/// criterion, what happened (texts quoted, revisions as ~~removed~~ **added**), the final score.
pub fn write_markdown(out: &mut dyn Write, story: &Story, lang: Lang) -> io::Result<()> {
    let c = &story.criterion;
    writeln!(
        out,
        "## {}: {} ({}) — {} {}",
        label(lang, Label::Title),
        md_inline(&story.unit.name),
        md_inline(&story.unit.code),
        lang.pick("tiêu chí", "criterion"),
        md_inline(&c.code)
    )?;
    writeln!(out)?;
    let mut intro = format!("**{}**", md_inline(&c.name));
    let path = criterion_path(story);
    if !path.is_empty() {
        intro.push_str(&format!(" · {}", md_inline(&path)));
    }
    intro.push_str(&format!(
        " · {} {}",
        label(lang, Label::Year).to_lowercase(),
        story.year
    ));
    writeln!(out, "{intro}")?;
    writeln!(out)?;

    writeln!(
        out,
        "| {} | {} |",
        label(lang, Label::Field),
        label(lang, Label::Value)
    )?;
    writeln!(out, "|---|---|")?;
    for (l, v) in final_rows(lang, story) {
        writeln!(out, "| {l} | {} |", md_inline(&v))?;
    }
    writeln!(out)?;

    if !c.guidance.is_empty() {
        writeln!(
            out,
            "**{}:** {}",
            label(lang, Label::Guidance),
            md_escape(&c.guidance).replace('\n', "  \n")
        )?;
        writeln!(out)?;
    }
    for r in &story.references {
        let (head, quote, tail) = reference_parts(lang, r, &c.code);
        let q = quote
            .map(|q| format!("«{}»", md_inline(&q)))
            .unwrap_or_default();
        writeln!(
            out,
            "*{}* {q}{}",
            md_inline(head.trim_end()),
            md_inline(&tail)
        )?;
        writeln!(out)?;
    }

    writeln!(
        out,
        "### {} ({})",
        label(lang, Label::Timeline),
        zone_note(lang)
    )?;
    writeln!(out)?;
    if story.steps.is_empty() {
        writeln!(out, "{}", label(lang, Label::NoSteps))?;
        writeln!(out)?;
    }
    for (i, s) in story.steps.iter().enumerate() {
        writeln!(out, "#### {}", md_inline(&step_heading(lang, i + 1, s)))?;
        writeln!(out)?;
        let facts = step_facts(lang, s);
        for f in &facts {
            writeln!(out, "- {}", md_item(f))?;
        }
        if !facts.is_empty() {
            writeln!(out)?;
        }
        for t in &s.texts {
            let name = text_label(lang, t.field);
            if t.text.is_empty() {
                writeln!(out, "{name}: {}", md_inline(label(lang, Label::Cleared)))?;
                writeln!(out)?;
                continue;
            }
            match &t.diff {
                Some(segs) => {
                    writeln!(
                        out,
                        "{name} (~~{}~~ / **{}** {}):",
                        lang.pick("phần bỏ", "removed"),
                        lang.pick("phần thêm", "added"),
                        lang.pick("so với lần trước", "since the last version")
                    )?;
                    writeln!(out)?;
                    writeln!(out, "{}", md_quote(&md_diff(segs)))?;
                }
                None => {
                    writeln!(out, "{name}:")?;
                    writeln!(out)?;
                    writeln!(out, "{}", md_quote(&md_escape(&t.text)))?;
                }
            }
            writeln!(out)?;
        }
        if !s.evidence.is_empty() {
            writeln!(out, "{}:", label(lang, Label::Evidence))?;
            writeln!(out)?;
            for e in &s.evidence {
                writeln!(out, "- {}", md_item(&evidence_line(e)))?;
            }
            writeln!(out)?;
        }
    }

    writeln!(out, "### {}", label(lang, Label::Final))?;
    writeln!(out)?;
    writeln!(out, "{}", md_inline(&final_sentence(lang, story)))?;
    Ok(())
}

// ----- JSON ----------------------------------------------------------------------------------

/// The JSON envelope: the format's name and version, then the story's fields.
#[derive(Serialize)]
struct StoryJson<'a> {
    format: &'static str,
    version: u32,
    #[serde(flatten)]
    story: &'a Story,
}

/// The story as one JSON object on one line (field names: docs/DATA_FORMATS.md).
pub fn write_json(out: &mut dyn Write, story: &Story) -> io::Result<()> {
    serde_json::to_writer(
        &mut *out,
        &StoryJson {
            format: "thamdinh-story",
            // 2: `reference` became `references`, one per predecessor (merged provinces).
            version: 2,
            story,
        },
    )?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_special_characters_in_province_text_are_inert() {
        assert_eq!(
            md_escape("a *b* _c_ [x](y) <b> | ~ &amp; A & B!"),
            "a \\*b\\* \\_c\\_ \\[x\\](y) \\<b> \\| \\~ \\&amp; A & B!"
        );
        assert_eq!(md_escape("> trích"), "\\> trích");
        assert_eq!(md_escape("# tiêu đề"), "\\# tiêu đề");
        assert_eq!(
            md_escape("- mục\n+ mục\n12. mục"),
            "\\- mục\n\\+ mục\n12\\. mục"
        );
        assert_eq!(md_escape("điểm 0.75 - 0,25"), "điểm 0.75 - 0,25");
        assert_eq!(md_escape("x\x1b[2Jy"), "x␛\\[2Jy");
        assert_eq!(md_escape("1) mục\n 2. mục"), "1\\) mục\n 2\\. mục");
        // Inside a line only inline markup matters; at the start of a list item blocks too.
        assert_eq!(md_inline("# 12/QĐ"), "# 12/QĐ");
        assert_eq!(md_item("# 12/QĐ"), "\\# 12/QĐ");
        assert_eq!(md_item("> x"), "\\> x");
        assert_eq!(
            md_item("[x](javascript:alert(1)) ![i](http://x/a.png) <script>"),
            "\\[x\\](javascript:alert(1)) !\\[i\\](http://x/a.png) \\<script>"
        );
    }

    #[test]
    fn diff_markers_keep_spaces_outside() {
        let segs = vec![
            Seg::Same("Thiếu".into()),
            Seg::Del(" quyết định".into()),
            Seg::Ins(" văn bản".into()),
            Seg::Same(" ban hành".into()),
        ];
        assert_eq!(md_diff(&segs), "Thiếu ~~quyết định~~ **văn bản** ban hành");
        let punct = vec![Seg::Same("cho 1.1.1".into()), Seg::Ins(", bổ sung".into())];
        assert_eq!(md_diff(&punct), "cho 1.1.1 **, bổ sung**");
        let lines = vec![Seg::Same("a".into()), Seg::Ins(" b\nc".into())];
        assert_eq!(md_diff(&lines), "a **b**\n**c**");
        assert_eq!(
            marked_escaped(&segs),
            "Thiếu[- quyết định-]{+ văn bản+} ban hành"
        );
        assert_eq!(md_quote("a\n\nb"), "> a\n>\n> b");
    }
}
