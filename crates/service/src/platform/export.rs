//! Tables staff download: one [`Sheet`] written as Excel (.xlsx) or CSV. CSV is UTF-8 with a
//! byte-order mark so Excel opens Chinese text correctly; in .xlsx the header row is bold and
//! frozen, columns are sized to their contents, and numbers are numbers (they sum in Excel).

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

use crate::error::{Result, ServiceError};

/// One cell of a downloaded table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// An exact decimal kept as its text ("12.50", "87.5"); a number in Excel.
    Decimal(String),
    Date(NaiveDate),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// The cell as it reads in CSV.
    pub fn as_text(&self) -> String {
        match self {
            Cell::Text(s) | Cell::Decimal(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Empty => String::new(),
        }
    }
}

impl From<i64> for Cell {
    fn from(v: i64) -> Cell {
        Cell::Int(v)
    }
}

impl From<&str> for Cell {
    fn from(v: &str) -> Cell {
        Cell::Text(v.to_owned())
    }
}

impl From<String> for Cell {
    fn from(v: String) -> Cell {
        Cell::Text(v)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map(Into::into).unwrap_or(Cell::Empty)
    }
}

/// A table with a title (the worksheet's name), a header row and rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sheet {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Text that a spreadsheet would run as a formula gets a leading apostrophe in CSV (CSV
/// injection); .xlsx cells are always written as strings, so they need nothing.
fn csv_safe(s: String) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s
    }
}

/// The sheet as CSV: UTF-8 with a byte-order mark, CRLF line ends, quoted where needed.
pub fn to_csv(sheet: &Sheet) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        // Writing to a Vec cannot fail.
        let _ = w.write_record(&sheet.headers);
        for row in &sheet.rows {
            let _ = w.write_record(row.iter().map(|c| match c {
                Cell::Text(s) => csv_safe(s.clone()),
                other => other.as_text(),
            }));
        }
        let _ = w.flush();
    }
    out
}

/// Display width of text in Excel's character units (a Chinese character is two).
fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// A worksheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    let name: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    let name = name.trim_matches('\'').trim().to_owned();
    if name.is_empty() {
        "Sheet1".into()
    } else {
        name
    }
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> ServiceError {
    ServiceError::Internal(format!("xlsx: {e}"))
}

/// The sheet as an .xlsx workbook with one worksheet.
pub fn to_xlsx(sheet: &Sheet) -> Result<Vec<u8>> {
    write_xlsx(sheet, Workbook::new())
}

/// The same, with the workbook's creation time fixed to `created` (so the same sheet
/// always gives the same bytes — bank batches are exported more than once).
pub fn to_xlsx_dated(sheet: &Sheet, created: chrono::DateTime<chrono::Utc>) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let when = ExcelDateTime::from_timestamp(created.timestamp()).map_err(xlsx_err)?;
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&when));
    write_xlsx(sheet, book)
}

fn write_xlsx(sheet: &Sheet, mut book: Workbook) -> Result<Vec<u8>> {
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let ws = book.add_worksheet();
    ws.set_name(sheet_name(&sheet.title)).map_err(xlsx_err)?;
    let mut widths: Vec<usize> = sheet.headers.iter().map(|h| width(h)).collect();
    for (c, h) in sheet.headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)
            .map_err(xlsx_err)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = (r + 1) as u32;
        for (c, cell) in row.iter().enumerate() {
            let col = c as u16;
            match cell {
                Cell::Text(s) => {
                    ws.write_string(r, col, s).map_err(xlsx_err)?;
                }
                Cell::Int(i) => {
                    ws.write_number(r, col, *i as f64).map_err(xlsx_err)?;
                }
                Cell::Decimal(s) => match s.trim().parse::<f64>() {
                    Ok(v) => {
                        let places = s.trim().split_once('.').map_or(0, |(_, f)| f.len());
                        let fmt = if places == 0 {
                            "0".to_owned()
                        } else {
                            format!("0.{}", "0".repeat(places.min(10)))
                        };
                        ws.write_number_with_format(r, col, v, &Format::new().set_num_format(fmt))
                            .map_err(xlsx_err)?;
                    }
                    Err(_) => {
                        ws.write_string(r, col, s).map_err(xlsx_err)?;
                    }
                },
                Cell::Date(d) => {
                    let dt =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                            .map_err(xlsx_err)?;
                    ws.write_datetime_with_format(r, col, &dt, &date)
                        .map_err(xlsx_err)?;
                }
                Cell::Empty => {}
            }
            let w = match cell {
                Cell::Date(_) => 10,
                other => width(&other.as_text()),
            };
            if widths.len() <= c {
                widths.resize(c + 1, 0);
            }
            widths[c] = widths[c].max(w);
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w + 2).clamp(6, 60) as f64)
            .map_err(xlsx_err)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    book.save_to_buffer().map_err(xlsx_err)
}

impl crate::Service {
    /// Notes in the audit trail that staff downloaded a table of a page: which page, which
    /// table, the format and how many rows (never the rows).
    pub async fn audit_table_export(
        &self,
        actor: &crate::Actor,
        page: &str,
        table: &str,
        format: &str,
        rows: usize,
    ) -> Result<()> {
        use crate::audit::{self, AuditActor, Event};
        let mut event = Event::new("table_exported", "page", page).detail(serde_json::json!({
            "table": table, "format": format, "rows": rows,
        }));
        if let Some(scope) = actor.scope {
            event = event.region(scope.as_str());
        }
        let mut tx = self.db.begin().await?;
        audit::record(
            &mut tx,
            &self.keys,
            self.clock.now(),
            &AuditActor::from(actor),
            event,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tabular::{read_csv, read_xlsx};

    fn sample() -> Sheet {
        Sheet {
            title: "各市统计：2025年".into(),
            headers: vec![
                "地区".into(),
                "岗位数".into(),
                "完成率（%）".into(),
                "日期".into(),
                "备注".into(),
            ],
            rows: vec![
                vec![
                    Cell::text("太原市"),
                    Cell::Int(1234),
                    Cell::Decimal("87.5".into()),
                    Cell::Date(NaiveDate::from_ymd_opt(2021, 6, 1).unwrap()),
                    Cell::text("含\"引号\"，和逗号"),
                ],
                vec![
                    Cell::text("大同市"),
                    Cell::Int(0),
                    Cell::Decimal("12.25".into()),
                    Cell::Date(NaiveDate::from_ymd_opt(2024, 12, 31).unwrap()),
                    Cell::Empty,
                ],
                vec![
                    Cell::text("=1+1"),
                    Cell::Int(-7),
                    Cell::Empty,
                    Cell::Empty,
                    Cell::text("两行\n文字"),
                ],
            ],
        }
    }

    #[test]
    fn xlsx_reads_back_with_the_same_cells() {
        let s = sample();
        let bytes = to_xlsx(&s).unwrap();
        let t = read_xlsx(&bytes).unwrap();
        assert_eq!(t.headers, s.headers);
        assert_eq!(t.rows.len(), s.rows.len());
        for ((n, got), want) in t.rows.iter().zip(&s.rows) {
            let mut got = got.clone();
            got.resize(want.len(), String::new());
            for (g, w) in got.iter().zip(want) {
                match w {
                    // A decimal is a number in Excel: compare its value.
                    Cell::Decimal(d) => {
                        assert_eq!(
                            g.parse::<f64>().unwrap(),
                            d.parse::<f64>().unwrap(),
                            "row {n}"
                        )
                    }
                    Cell::Text(t) => assert_eq!(g, t.trim(), "row {n}"),
                    other => assert_eq!(g, &other.as_text(), "row {n}"),
                }
            }
        }
    }

    #[test]
    fn xlsx_numbers_are_numbers_and_dates_are_dates() {
        use calamine::{Data, Reader, Xlsx};
        let bytes = to_xlsx(&sample()).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), vec!["各市统计：2025年".to_owned()]);
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        assert!(matches!(range.get((1, 1)), Some(Data::Float(f)) if *f == 1234.0));
        assert!(matches!(range.get((1, 2)), Some(Data::Float(f)) if *f == 87.5));
        assert!(matches!(range.get((1, 3)), Some(Data::DateTime(_))));
        assert!(matches!(range.get((3, 0)), Some(Data::String(s)) if s == "=1+1"));
    }

    #[test]
    fn csv_has_a_bom_and_round_trips() {
        let s = sample();
        let bytes = to_csv(&s);
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let t = read_csv(&bytes).unwrap();
        assert_eq!(t.headers, s.headers);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[0].1[4], "含\"引号\"，和逗号");
        assert_eq!(t.rows[0].1[3], "2021-06-01");
        assert_eq!(t.rows[1].1[2], "12.25");
        // A formula-looking text is defused for Excel.
        assert_eq!(t.rows[2].1[0], "'=1+1");
        assert_eq!(t.rows[2].1[1], "-7");
        assert_eq!(t.rows[2].1[4], "两行\n文字");
    }

    #[test]
    fn sheet_names_are_made_acceptable() {
        assert_eq!(sheet_name("a/b[c]"), "a_b_c_");
        assert_eq!(sheet_name(""), "Sheet1");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
    }
}
