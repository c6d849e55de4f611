//! A province filling in its template, for tests: every cell of the template's first sheet is
//! copied as read (calamine) into a new workbook (rust_xlsxwriter), and the score column gets a
//! value on each row below the header.
#![allow(dead_code)]

use calamine::{Data, Reader};

/// The header is on row 3 (0-based 2); scores go in column F (5); the maximum is in E (4).
pub fn fill(template: &[u8], score: impl Fn(usize, f64) -> Option<String>) -> Vec<u8> {
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(template)).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    let ws = out.add_worksheet();
    ws.set_name(&name).unwrap();
    let (r0, c0) = range.start().unwrap();
    for (r, c, d) in range.used_cells() {
        let (r, c) = (r as u32 + r0, (c as u32 + c0) as u16);
        match d {
            Data::String(s) => ws.write_string(r, c, s).map(|_| ()),
            Data::Float(f) => ws.write_number(r, c, *f).map(|_| ()),
            _ => Ok(()),
        }
        .unwrap();
    }
    let (_, end_col) = range.end().unwrap();
    assert!(end_col >= 5, "the template has a score column");
    let mut i = 0;
    for r in 3..=range.end().unwrap().0 {
        let max = match range.get_value((r, 4)) {
            Some(Data::Float(f)) => *f,
            _ => continue,
        };
        if let Some(s) = score(i, max) {
            ws.write_string(r, 5, s).unwrap();
        }
        i += 1;
    }
    out.save_to_buffer().unwrap()
}
