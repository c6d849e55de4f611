//! Cell formats shared by the workbooks thamdinh writes, sheet names Excel accepts, and the
//! conversions from exact points and event times to cell values.

use std::collections::HashSet;

use jiff::Timestamp;
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatAlign, FormatBorder, XlsxError};

use domain::Points;

/// Two decimals; Excel shows the decimal separator of the reader's locale (0,75 in Vietnam).
pub const POINTS_FORMAT: &str = "0.00";
/// A signed difference; falls in red.
pub const DELTA_FORMAT: &str = "+0.00;[Red]-0.00;0.00";
/// A rank change as the reports write it: "↑ +2", "↓ -3", "=".
pub const RANK_CHANGE_FORMAT: &str = "\"↑ +\"0;\"↓ -\"0;\"=\"";

const HEADER_FILL: u32 = 0xD9E1F2;
const SUBTOTAL_FILL: u32 = 0xEDF2F9;
const TOTAL_FILL: u32 = 0xD9E1F2;
const INPUT_FILL: u32 = 0xFFF2CC;

/// The formats of one workbook.
pub struct Styles {
    pub title: Format,
    pub subtitle: Format,
    pub header: Format,
    pub text: Format,
    /// Text kept as text when a user types into the cell (codes such as "01").
    pub code: Format,
    pub wrap: Format,
    pub points: Format,
    pub delta: Format,
    pub int: Format,
    pub rank_change: Format,
    pub date: Format,
    pub subtotal_text: Format,
    pub subtotal_points: Format,
    pub subtotal_delta: Format,
    pub total_text: Format,
    pub total_points: Format,
    pub total_delta: Format,
    /// A cell the province fills in (template).
    pub input_points: Format,
    pub input_text: Format,
    pub note: Format,
}

impl Default for Styles {
    fn default() -> Styles {
        Styles::new()
    }
}

impl Styles {
    pub fn new() -> Styles {
        let cell = Format::new()
            .set_align(FormatAlign::Top)
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xBFBFBF));
        let sub = |f: Format, fill: u32| f.set_bold().set_background_color(Color::RGB(fill));
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            subtitle: Format::new().set_italic(),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter)
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(HEADER_FILL)),
            text: cell.clone(),
            code: cell.clone().set_num_format("@"),
            wrap: cell.clone().set_text_wrap(),
            points: cell.clone().set_num_format(POINTS_FORMAT),
            delta: cell.clone().set_num_format(DELTA_FORMAT),
            int: cell.clone().set_num_format("0"),
            rank_change: cell.clone().set_num_format(RANK_CHANGE_FORMAT),
            date: cell.clone().set_num_format("dd/mm/yyyy hh:mm"),
            subtotal_text: sub(cell.clone().set_text_wrap(), SUBTOTAL_FILL),
            subtotal_points: sub(cell.clone().set_num_format(POINTS_FORMAT), SUBTOTAL_FILL),
            subtotal_delta: sub(cell.clone().set_num_format(DELTA_FORMAT), SUBTOTAL_FILL),
            total_text: sub(cell.clone(), TOTAL_FILL),
            total_points: sub(cell.clone().set_num_format(POINTS_FORMAT), TOTAL_FILL),
            total_delta: sub(cell.clone().set_num_format(DELTA_FORMAT), TOTAL_FILL),
            input_points: cell
                .clone()
                .set_num_format(POINTS_FORMAT)
                .set_background_color(Color::RGB(INPUT_FILL)),
            input_text: cell
                .clone()
                .set_text_wrap()
                .set_background_color(Color::RGB(INPUT_FILL)),
            note: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

/// Points as a cell number. Hundredths divided by 100 give the double nearest the exact value,
/// which reads back as the same hundredth (see `read::number_text`).
pub fn points_value(p: Points) -> f64 {
    p.hundredths() as f64 / 100.0
}

/// Hundredths of a percent (9180) as a percentage number (91.8).
pub fn percent_value(hundredths: i64) -> f64 {
    hundredths as f64 / 100.0
}

/// An event time as a date-time cell in Vietnam's time (UTC+7, no daylight saving).
pub fn vietnam_time(t: Timestamp) -> Result<ExcelDateTime, XlsxError> {
    let dt = t.to_zoned(domain::clock::zone()).datetime();
    let narrow = |v: i8| u8::try_from(v).unwrap_or(0);
    ExcelDateTime::from_ymd(
        u16::try_from(dt.year()).unwrap_or(1900),
        narrow(dt.month()),
        narrow(dt.day()),
    )?
    .and_hms(
        u16::from(narrow(dt.hour())),
        narrow(dt.minute()),
        f64::from(narrow(dt.second())),
    )
}

/// Sheet names Excel accepts, unique within a workbook (Excel compares them without case).
#[derive(Default)]
pub struct SheetNames {
    used: HashSet<String>,
}

impl SheetNames {
    /// `wanted` without `[]:*?/\`, without apostrophes at its ends, at most 31 characters, and
    /// not yet used (else with " (2)", " (3)" … in the last characters).
    pub fn take(&mut self, wanted: &str) -> String {
        let cleaned: String = wanted
            .chars()
            .map(|c| {
                if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() {
                    '-'
                } else {
                    c
                }
            })
            .collect();
        let cleaned = cleaned.trim().trim_matches('\'').trim();
        let base: String = if cleaned.is_empty() || cleaned.eq_ignore_ascii_case("history") {
            format!("{cleaned} sheet").trim().to_string()
        } else {
            cleaned.to_string()
        };
        let fit = |s: &str, room: usize| -> String {
            s.chars()
                .take(room)
                .collect::<String>()
                .trim_end()
                .trim_end_matches('\'')
                .to_string()
        };
        let mut n = 1;
        loop {
            let name = if n == 1 {
                fit(&base, 31)
            } else {
                let suffix = format!(" ({n})");
                format!("{}{suffix}", fit(&base, 31 - suffix.chars().count()))
            };
            if self.used.insert(name.to_lowercase()) {
                return name;
            }
            n += 1;
        }
    }
}

/// A workbook error as an I/O error, for callers that write files.
pub fn io_err(e: XlsxError) -> std::io::Error {
    std::io::Error::other(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut n = SheetNames::default();
        assert_eq!(n.take("44 Quảng Bình"), "44 Quảng Bình");
        assert_eq!(n.take("44 quảng bình"), "44 quảng bình (2)");
        assert_eq!(n.take("a/b:c*d?[e]\\f"), "a-b-c-d--e--f");
        assert_eq!(n.take("'quoted'"), "quoted");
        assert_eq!(n.take("History"), "History sheet");
        let long = "77 Bà Rịa - Vũng Tàu và một cái tên rất dài nữa";
        let a = n.take(long);
        let b = n.take(long);
        assert_eq!(a.chars().count(), 31);
        assert!(b.chars().count() <= 31 && b.ends_with(" (2)"), "{b}");
        assert_ne!(a, b);
        assert_eq!(n.take(""), "sheet");
    }

    #[test]
    fn times_are_shown_in_vietnam() {
        let t: Timestamp = "2025-03-02T20:15:30Z".parse().unwrap();
        let got = vietnam_time(t).unwrap().to_excel();
        let want = ExcelDateTime::parse_from_str("2025-03-03T03:15:30")
            .unwrap()
            .to_excel();
        assert!((got - want).abs() < 1e-9, "{got} {want}");
    }

    #[test]
    fn points_cells_read_back_exactly() {
        for h in [0, 1, 25, 29, 75, 150, 9999, 10_000] {
            let text = super::super::read::number_text(points_value(Points::from_hundredths(h)));
            assert_eq!(Points::parse(&text), Ok(Points::from_hundredths(h)));
        }
    }
}
