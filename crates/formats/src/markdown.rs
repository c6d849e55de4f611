//! Small pieces shared by the Markdown reports: table cells that cannot break the table, inject
//! HTML or turn into markup, whatever a province wrote (SPEC R7).

/// Text made safe for one cell of a GitHub-flavoured Markdown table (and for any place inside a
/// line: a heading's text, a paragraph after a label), shown as typed by a Markdown viewer:
/// - `|` and CommonMark's inline markup — `\`, `` ` ``, `*`, `_`, `[`, `]`, `~` — are
///   backslash-escaped, so `[x](javascript:alert(1))`, `![i](http://x/a.png)`, `*bold*`,
///   `_it_` and `` `code` `` stay text;
/// - `&`, `<` and `>` become entities (so a note cannot inject HTML, an autolink or a quote);
/// - a leading `#`, `+`, `-` or `=` is escaped (a heading, a list or an underline where the cell
///   starts a line);
/// - line breaks become `<br>`, other control characters and bidi overrides a space, and the
///   cell is trimmed.
pub fn cell(s: &str) -> String {
    let s = s.trim();
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    if let Some(&c) = chars.peek()
        && matches!(c, '#' | '+' | '-' | '=')
    {
        out.push('\\');
    }
    while let Some(c) = chars.next() {
        match c {
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
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
        assert_eq!(cell("tab\there\u{1b}[31m"), "tab here \\[31m");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn markup_in_cells_is_inert() {
        for (s, want) in [
            ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
            ("![i](http://x/a.png)", "!\\[i\\](http://x/a.png)"),
            (
                "*bold* _it_ `code` ~~del~~",
                "\\*bold\\* \\_it\\_ \\`code\\` \\~\\~del\\~\\~",
            ),
            (
                "<script>alert(1)</script>",
                "&lt;script&gt;alert(1)&lt;/script&gt;",
            ),
            ("<http://x>", "&lt;http://x&gt;"),
            ("# tiêu đề", "\\# tiêu đề"),
            ("> trích", "&gt; trích"),
            ("- mục", "\\- mục"),
            ("điểm 0,75 - 0,25 # 2", "điểm 0,75 - 0,25 # 2"),
            ("[^1]", "\\[^1\\]"),
        ] {
            assert_eq!(cell(s), want, "{s:?}");
        }
    }

    #[test]
    fn rows_and_alignment() {
        assert_eq!(row(&["a", "b"]), "| a | b |");
        assert_eq!(align("lrc"), "|---|---:|:---:|");
    }
}
