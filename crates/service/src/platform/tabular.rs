//! Tables from files staff already have: Excel (.xlsx) and CSV (UTF-8, with or without a
//! BOM; GB18030 is not guessed). The first non-empty row is the header; every later row is
//! numbered as the spreadsheet numbers it, so a report can say 第N行.

use std::collections::HashMap;

use calamine::{Data, Reader, Xlsx};

/// One row as column name → text, with its row number.
pub type Record = (usize, HashMap<String, String>);

/// A table read from a file: header names and the rows below them.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub headers: Vec<String>,
    /// (row number as the spreadsheet shows it, cells).
    pub rows: Vec<(usize, Vec<String>)>,
}

/// The kind of file, from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Xlsx,
    Csv,
    JsonLines,
}

impl FileKind {
    pub fn of(name: &str) -> Option<FileKind> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".xlsx") {
            Some(FileKind::Xlsx)
        } else if lower.ends_with(".csv") {
            Some(FileKind::Csv)
        } else if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
            Some(FileKind::JsonLines)
        } else {
            None
        }
    }
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "true" } else { "false" }.to_owned(),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|d| d.date().to_string())
            .unwrap_or_else(|| dt.to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.chars().take(10).collect(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Reads the first sheet of an .xlsx file.
pub fn read_xlsx(bytes: &[u8]) -> Result<Table, String> {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("无法读取Excel文件（请确认是 .xlsx 格式且未损坏）：{e}"))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| "Excel文件中没有工作表".to_owned())?
        .map_err(|e| format!("无法读取第一个工作表：{e}"))?;
    let (row0, _) = range.start().unwrap_or((0, 0));
    let mut table = Table::default();
    for (i, row) in range.rows().enumerate() {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let number = row0 as usize + i + 1;
        if table.headers.is_empty() {
            table.headers = cells;
        } else {
            table.rows.push((number, cells));
        }
    }
    if table.headers.is_empty() {
        return Err("文件是空的：第一行应是表头".into());
    }
    Ok(table)
}

/// Reads a CSV file (UTF-8; a leading BOM is dropped).
pub fn read_csv(bytes: &[u8]) -> Result<Table, String> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| "CSV文件不是UTF-8编码：请在Excel中另存为“CSV UTF-8”".to_owned())?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Table::default();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| format!("第{}行无法读取：{e}", i + 1))?;
        let cells: Vec<String> = rec.iter().map(|c| c.trim().to_owned()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if table.headers.is_empty() {
            table.headers = cells;
        } else {
            table.rows.push((i + 1, cells));
        }
    }
    if table.headers.is_empty() {
        return Err("文件是空的：第一行应是表头".into());
    }
    Ok(table)
}

impl Table {
    /// Each row as header → cell, with headers renamed through `aliases` (e.g. 岗位名称 →
    /// title). Unknown headers are an error naming them, so a wrong template is caught before
    /// any row is stored.
    pub fn records(&self, aliases: &[(&str, &str)], known: &[&str]) -> Result<Vec<Record>, String> {
        let mut names = Vec::with_capacity(self.headers.len());
        let mut unknown = Vec::new();
        for h in &self.headers {
            let h = h.trim();
            let name = aliases
                .iter()
                .find(|(a, _)| *a == h)
                .map(|(_, n)| *n)
                .or_else(|| known.iter().copied().find(|k| *k == h));
            match name {
                Some(n) => names.push(Some(n.to_owned())),
                None if h.is_empty() => names.push(None),
                None => {
                    unknown.push(h.to_owned());
                    names.push(None);
                }
            }
        }
        if !unknown.is_empty() {
            return Err(format!(
                "表头中有无法识别的列：{}。请使用模板中的列名",
                unknown.join("、")
            ));
        }
        Ok(self
            .rows
            .iter()
            .map(|(n, cells)| {
                let map = names
                    .iter()
                    .zip(cells.iter())
                    .filter_map(|(name, c)| {
                        name.as_ref()
                            .filter(|_| !c.is_empty())
                            .map(|k| (k.clone(), c.clone()))
                    })
                    .collect();
                (*n, map)
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_bom_and_aliases() {
        let t = read_csv("\u{feff}岗位名称,人数\n保洁,2\n,\n搬运,1\n".as_bytes()).unwrap();
        assert_eq!(t.headers, vec!["岗位名称", "人数"]);
        let r = t
            .records(&[("岗位名称", "title"), ("人数", "headcount")], &[])
            .unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].0, 2);
        assert_eq!(r[1].0, 4);
        assert_eq!(r[1].1["title"], "搬运");
    }

    #[test]
    fn unknown_header_is_named() {
        let t = read_csv("岗位名称,备注\n保洁,x\n".as_bytes()).unwrap();
        let e = t.records(&[("岗位名称", "title")], &[]).unwrap_err();
        assert!(e.contains("备注"), "{e}");
    }

    #[test]
    fn not_utf8_and_not_xlsx_are_explained() {
        assert!(
            read_csv(&[0xb1, 0xa3, 0xbd, 0xe0])
                .unwrap_err()
                .contains("UTF-8")
        );
        assert!(read_xlsx(b"not a zip").unwrap_err().contains("Excel"));
        assert_eq!(FileKind::of("a.XLSX"), Some(FileKind::Xlsx));
        assert_eq!(FileKind::of("a.txt"), None);
    }
}
