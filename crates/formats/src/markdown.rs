//! Small pieces shared by the Markdown reports: table cells that cannot break the table or
//! inject HTML, whatever a province wrote.

/// Text made safe for one cell of a GitHub-flavoured Markdown table: `\` and `|` are escaped,
/// `&`, `<` and `>` become entities (so a note cannot inject HTML), line breaks become `<br>`,
/// other control characters and bidi overrides a space, and the cell is trimmed.
pub fn cell(s: &str) -> String {
    let s = s.trim();
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("<br>");
                }
            }
            '\n' => out.push_str("<br>"),
            c if text::is_dangerous(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// One table row from its cells (already escaped where they hold data).
pub fn row<S: AsRef<str>>(cells: &[S]) -> String {
    let mut s = String::from("|");
    for c in cells {
        s.push(' ');
        s.push_str(c.as_ref());
        s.push_str(" |");
    }
    s
}

/// The separator under a header: `l` left, `r` right, `c` centred, per column.
pub fn align(spec: &str) -> String {
    let mut s = String::from("|");
    for a in spec.chars() {
        s.push_str(match a {
            'r' => "---:|",
            'c' => ":---:|",
            _ => "---|",
        });
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table_or_inject_html() {
        assert_eq!(cell(" a | b "), "a \\| b");
        assert_eq!(
            cell("dòng 1\ndòng 2\r\ndòng 3\rx"),
            "dòng 1<br>dòng 2<br>dòng 3<br>x"
        );
        assert_eq!(cell("<script>&"), "&lt;script&gt;&amp;");
        assert_eq!(cell("a\\|b"), "a\\\\\\|b");
        assert_eq!(cell("tab\there\u{1b}[31m"), "tab here [31m");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn rows_and_alignment() {
        assert_eq!(row(&["a", "b"]), "| a | b |");
        assert_eq!(align("lrc"), "|---|---:|:---:|");
    }
}
