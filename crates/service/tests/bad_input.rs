//! Property tests of the file readers staff and banks feed the service: CSV and Excel tables,
//! the person, facts and post import files, and the bank's result file — and, on both
//! databases, the person and facts imports over generated rows.
//!
//! Whatever the bytes, a reader never panics and refuses in Chinese; a table reads back the
//! cells it was written with; a bank result file is refused with field `file` and a code, or
//! read line by line; every problem an import reports names its row, field and code; and
//! importing the same file again changes nothing.

use std::collections::HashMap;

use chrono::{TimeZone, Utc};
use linghuo_service::export::{Cell, Sheet, to_xlsx_dated};
use linghuo_service::facts_import::{FactKind, read_fact_file};
use linghuo_service::market_import::ImportProblem;
use linghuo_service::market_import::read_post_file;
use linghuo_service::payments::read_bank_result;
use linghuo_service::person_import::read_person_file;
use linghuo_service::tabular::{read_csv, read_xlsx};
use linghuo_service::{Clock, Config, Keys, Service, ServiceError};
use linghuo_storage::testing::each_backend;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;

const CASES: u32 = 256;

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn snake(code: &str) -> bool {
    !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Cells as spreadsheets hold them: CSV's special characters, spaces, Chinese, numbers.
const CELL_PIECES: &[&str] = &[
    "",
    " ",
    ",",
    "\"",
    "\n",
    "\r\n",
    ";",
    "\t",
    "'",
    "=",
    "=1+1",
    "0",
    "1",
    "007",
    "12.50",
    "-3",
    "1e3",
    "2026-03-01",
    "2026/3/1",
    "是",
    "否",
    "保洁",
    "太原市",
    "小店区",
    "张三",
    "😀",
    "\u{feff}",
    "\u{200b}",
];

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(CELL_PIECES), 0..4).prop_map(|v| v.concat()),
        "\\PC{0,10}",
    ]
}

fn csv_bytes(rows: &[Vec<String>], bom: bool) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    let mut bytes = if bom {
        b"\xEF\xBB\xBF".to_vec()
    } else {
        Vec::new()
    };
    bytes.extend(w.into_inner().unwrap());
    bytes
}

/// What a reader should make of rows written under a header: cells trimmed, rows with
/// nothing in them skipped, the others numbered as the spreadsheet numbers them.
fn expected(rows: &[Vec<String>]) -> Vec<(usize, Vec<String>)> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            (
                i + 2,
                r.iter().map(|c| c.trim().to_owned()).collect::<Vec<_>>(),
            )
        })
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .collect()
}

fn text_sheet(headers: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let sheet = Sheet {
        title: "导入".into(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows: rows
            .iter()
            .map(|r| r.iter().map(|c| Cell::text(c.clone())).collect())
            .collect(),
    };
    to_xlsx_dated(&sheet, Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()).unwrap()
}

#[derive(Clone, Debug)]
enum Damage {
    Flip(f64, u8),
    Cut(f64),
    Insert(f64, Vec<u8>),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (0.0f64..1.0, 1u8..=255).prop_map(|(a, x)| Damage::Flip(a, x)),
        (0.0f64..1.0).prop_map(Damage::Cut),
        (0.0f64..1.0, prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(a, b)| Damage::Insert(a, b)),
    ]
}

fn apply(mut b: Vec<u8>, ds: &[Damage]) -> Vec<u8> {
    for d in ds {
        let at = |f: f64, len: usize| ((f * len as f64) as usize).min(len.saturating_sub(1));
        match d {
            Damage::Flip(f, x) if !b.is_empty() => {
                let i = at(*f, b.len());
                b[i] ^= x;
            }
            Damage::Cut(f) => b.truncate(at(*f, b.len())),
            Damage::Insert(f, bytes) => {
                let i = at(*f, b.len());
                b.splice(i..i, bytes.iter().copied());
            }
            _ => {}
        }
    }
    b
}

const BANK_HEADERS: &[&str] = &["付款参考号", "金额", "结果", "银行流水号", "说明"];

fn bank_cell(col: usize) -> BoxedStrategy<String> {
    let pieces: &'static [&'static str] = match col {
        0 => &["LH-1", "LH-2", "LH-2", "", " LH-3 ", "x"],
        1 => &[
            "1234.50",
            "0.01",
            "0",
            "12",
            "12.5",
            "12.345",
            "-1",
            "1e3",
            "１２",
            "",
            " 5.00 ",
            "999999999999999",
            "9999999999999999",
            ".5",
            "5.",
            "1,000.00",
        ],
        2 => &[
            "成功", "失败", "paid", "failed", "success", "failure", "", "成 功", "OK",
        ],
        _ => &["B001", "", "退回：账户已销户", "=HYPERLINK(\"x\")"],
    };
    prop_oneof![
        3 => prop::sample::select(pieces).prop_map(str::to_owned),
        1 => cell(),
    ]
    .boxed()
}

fn bank_rows() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(
        (
            bank_cell(0),
            bank_cell(1),
            bank_cell(2),
            bank_cell(3),
            bank_cell(3),
        )
            .prop_map(|(a, b, c, d, e)| vec![a, b, c, d, e]),
        0..8,
    )
}

/// A bank result file read: either refused as a whole with field `file` and a known code,
/// or one line per non-empty row with the amount and the result as written.
fn check_bank(
    got: Result<Vec<linghuo_service::payments::BankResultLine>, ServiceError>,
    rows: Option<&[Vec<String>]>,
) -> Result<(), TestCaseError> {
    match got {
        Ok(lines) => {
            if let Some(rows) = rows {
                let want = expected(rows);
                prop_assert_eq!(lines.len(), want.len());
                for (l, (n, cells)) in lines.iter().zip(&want) {
                    prop_assert_eq!(l.line, *n);
                    prop_assert_eq!(&l.reference, &cells[0]);
                    prop_assert_eq!(
                        l.amount_fen,
                        linghuo_policy::Fen::parse(&cells[1]).ok().map(|f| f.0)
                    );
                    if let Some(a) = l.amount_fen {
                        prop_assert!(a >= 0);
                    }
                    let word = cells[2].as_str();
                    prop_assert_eq!(
                        l.paid,
                        match word {
                            "成功" | "paid" | "success" => Some(true),
                            "失败" | "failed" | "failure" => Some(false),
                            _ => None,
                        }
                    );
                }
            }
        }
        Err(ServiceError::Invalid {
            field,
            code,
            message,
        }) => {
            prop_assert_eq!(field, "file");
            prop_assert!(
                ["file_unreadable", "columns_unknown", "file_empty"].contains(&code),
                "{}",
                code
            );
            prop_assert!(has_chinese(&message), "{}", message);
        }
        Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn any_bytes_as_csv_are_a_table_or_refused_in_chinese(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..300),
            cell().prop_map(String::into_bytes),
        ],
    ) {
        match read_csv(&bytes) {
            Ok(t) => prop_assert!(t.headers.iter().any(|h| !h.is_empty())),
            Err(m) => prop_assert!(has_chinese(&m), "{m}"),
        }
        for name in ["a.csv", "a.xlsx", "a.jsonl", "a.txt"] {
            if let Err(m) = read_person_file(name, &bytes) {
                prop_assert!(has_chinese(&m), "{m}");
            }
            if let Err(m) = read_post_file(name, &bytes) {
                prop_assert!(has_chinese(&m), "{m}");
            }
        }
        check_bank(read_bank_result(&bytes, false), None)?;
        check_bank(read_bank_result(&bytes, true), None)?;
    }

    #[test]
    fn csv_tables_read_back_the_cells_they_were_written_with(
        rows in prop::collection::vec(prop::collection::vec(cell(), 3), 0..6),
        bom in any::<bool>(),
    ) {
        let mut all = vec![vec!["甲".to_string(), "乙".into(), "丙".into()]];
        all.extend(rows.iter().cloned());
        let t = read_csv(&csv_bytes(&all, bom)).unwrap();
        prop_assert_eq!(&t.headers, &all[0]);
        // The CSV reader numbers records; a quoted line break inside a cell is still one.
        prop_assert_eq!(t.rows, expected(&rows));
    }

    #[test]
    fn excel_tables_read_back_the_cells_they_were_written_with(
        rows in prop::collection::vec(prop::collection::vec("\\PC{0,10}", 3), 0..6),
    ) {
        let t = read_xlsx(&text_sheet(&["甲", "乙", "丙"], &rows)).unwrap();
        prop_assert_eq!(&t.headers, &vec!["甲".to_string(), "乙".into(), "丙".into()]);
        let mut want = expected(&rows);
        // A spreadsheet does not keep trailing empty rows: they are not rows at all.
        want.retain(|(_, r)| r.iter().any(|c| !c.is_empty()));
        let got: Vec<_> = t
            .rows
            .into_iter()
            .map(|(n, mut r)| {
                r.resize(3, String::new());
                (n, r)
            })
            .collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn damaged_excel_files_are_refused_in_chinese(
        rows in bank_rows(),
        damage in prop::collection::vec(damage(), 1..4),
    ) {
        let bytes = apply(text_sheet(BANK_HEADERS, &rows), &damage);
        if let Err(m) = read_xlsx(&bytes) {
            prop_assert!(has_chinese(&m), "{m}");
        }
        if let Err(m) = read_person_file("a.xlsx", &bytes) {
            prop_assert!(has_chinese(&m), "{m}");
        }
        check_bank(read_bank_result(&bytes, true), None)?;
    }

    #[test]
    fn bank_result_files_are_read_line_by_line_or_refused_with_a_code(
        rows in bank_rows(),
        headers in prop_oneof![
            4 => Just(BANK_HEADERS.iter().map(|h| h.to_string()).collect::<Vec<_>>()),
            1 => prop::collection::vec(prop::sample::select(&["付款参考号", "金额", "结果", "备注", "", "金 额"][..]).prop_map(str::to_owned), 1..6),
        ],
        xlsx in any::<bool>(),
    ) {
        let known = headers.len() == 5 && headers.iter().zip(BANK_HEADERS).all(|(a, b)| a == b);
        let bytes = if xlsx {
            let h: Vec<&str> = headers.iter().map(String::as_str).collect();
            text_sheet(&h, &rows)
        } else {
            let mut all = vec![headers.clone()];
            all.extend(rows.iter().cloned());
            csv_bytes(&all, false)
        };
        let got = read_bank_result(&bytes, xlsx);
        if known {
            check_bank(got, Some(&rows))?;
        } else {
            check_bank(got, None)?;
        }
    }

    #[test]
    fn import_files_of_any_columns_are_read_or_refused_in_chinese(
        kind in prop::sample::select(&[FactKind::Registrations, FactKind::Businesses, FactKind::Tax, FactKind::SocialInsurance][..]),
        headers in prop::collection::vec(prop::sample::select(&[
            "身份证号码", "登记类型", "开始日期", "缴费月份", "缴费金额", "年度", "增值税", "名称",
            "姓名", "管辖地", "id_number", "month", "amount", "external_id", "title", "pay",
            "岗位名称", "薪酬", "备注", "",
        ][..]).prop_map(str::to_owned), 1..6),
        rows in prop::collection::vec(prop::collection::vec(cell(), 0..6), 0..4),
    ) {
        let mut all = vec![headers];
        all.extend(rows);
        let bytes = csv_bytes(&all, false);
        match read_fact_file(kind, "f.csv", &bytes) {
            Ok(records) => {
                let known: Vec<&str> = kind.columns().iter().map(|(_, f)| *f).collect();
                for (_, rec) in records {
                    prop_assert!(rec.keys().all(|k| known.contains(&k.as_str())));
                }
            }
            Err(m) => prop_assert!(has_chinese(&m), "{m}"),
        }
        if let Err(m) = read_person_file("p.csv", &bytes) {
            prop_assert!(has_chinese(&m), "{m}");
        }
        match read_post_file("j.csv", &bytes) {
            Ok(rows) => {
                for (_, r) in rows {
                    if let Err(m) = r {
                        prop_assert!(has_chinese(&m), "{m}");
                    }
                }
            }
            Err(m) => prop_assert!(has_chinese(&m), "{m}"),
        }
    }

    #[test]
    fn json_lines_of_posts_are_read_or_refused_per_line(
        lines in prop::collection::vec(prop_oneof![
            Just("{\"external_id\":\"a1\",\"title\":\"保洁\",\"pay\":\"200元/天\",\"county\":\"140105\"}".to_string()),
            Just("{\"headcount\":-1}".to_string()),
            Just("{\"starts_on\":\"2026-02-30\"}".to_string()),
            Just("{\"lat\":1e999}".to_string()),
            Just("{\"skills\":\"保洁\"}".to_string()),
            Just("[]".to_string()),
            "\\PC{0,30}",
        ], 0..6),
    ) {
        let text = lines.join("\n");
        let rows = read_post_file("j.jsonl", text.as_bytes()).unwrap();
        prop_assert_eq!(rows.len(), lines.iter().filter(|l| !l.trim().is_empty()).count());
        for (n, r) in rows {
            prop_assert!(n >= 1 && n <= lines.len());
            if let Err(m) = r {
                prop_assert!(has_chinese(&m), "{m}");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Imports through the service, on both databases

/// A valid ID number of 小店区 from a birth date and a sequence number.
fn id_number(birth: &str, seq: u32) -> String {
    linghuo_domain::testing::id_number("140105", birth, seq)
}

fn assert_problems(what: &str, problems: &[ImportProblem], fields: &[&str], rows: usize) {
    for p in problems {
        assert!(
            p.line >= 2 && p.line <= rows + 1,
            "{what}: line {} of {rows} rows: {p:?}",
            p.line
        );
        assert!(fields.contains(&p.field.as_str()), "{what}: field {p:?}");
        assert!(snake(&p.code), "{what}: code {p:?}");
        assert!(has_chinese(&p.message), "{what}: message {p:?}");
    }
}

/// Values generated without shrinking (the service runs once per case), from a fixed seed
/// so a failure is reproduced by running the test again.
fn sample<S: Strategy>(runner: &mut TestRunner, s: &S) -> S::Value {
    s.new_tree(runner).unwrap().current()
}

const IMPORT_CASES: usize = 24;

fn fact_cell(field: &'static str, ids: &[String]) -> BoxedStrategy<String> {
    let pieces: Vec<String> = match field {
        "id_number" => {
            let mut v = ids.to_vec();
            v.extend(["".into(), "140105199003071234".into(), "x".into()]);
            v
        }
        "kind" => [
            "就业登记",
            "失业登记",
            "灵活就业登记",
            "flexible",
            "个体工商户",
            "小微企业",
            "其他",
            "",
        ]
        .map(String::from)
        .to_vec(),
        "started_on" | "ended_on" | "registered_on" => [
            "2025-03-01",
            "2025/3/1",
            "2026-02-30",
            "2099-01-01",
            "2024-12-31",
            "",
            "昨天",
        ]
        .map(String::from)
        .to_vec(),
        "month" => ["2026-03", "2026/03", "2026-13", "26-3", ""]
            .map(String::from)
            .to_vec(),
        "year" => ["2025", "1999", "2101", "二〇二五", ""]
            .map(String::from)
            .to_vec(),
        "flexible_form" => ["非全日制", "零工", "平台", "gig", "其他", ""]
            .map(String::from)
            .to_vec(),
        "uscc" => [
            linghuo_domain::testing::uscc("91140105MA0L00001"),
            "".into(),
            "x".into(),
        ]
        .to_vec(),
        "first_time"
        | "operating_normally"
        | "rents_state_owned_property"
        | "road_occupation_approved" => ["是", "否", "Y", "1", "也许", ""]
            .map(String::from)
            .to_vec(),
        "employees_driven" => ["0", "3", "-1", "1e3", "三", ""].map(String::from).to_vec(),
        _ => [
            "600.00",
            "0",
            "0.01",
            "-5",
            "1.234",
            "12",
            "",
            "abc",
            "999999999999999",
            "王记小吃店",
            "太原重机",
        ]
        .map(String::from)
        .to_vec(),
    };
    prop_oneof![4 => prop::sample::select(pieces), 1 => cell()].boxed()
}

fn fact_rows(kind: FactKind, ids: &[String]) -> BoxedStrategy<Vec<Vec<String>>> {
    let cols: Vec<BoxedStrategy<String>> = kind
        .columns()
        .iter()
        .map(|(_, f)| fact_cell(f, ids))
        .collect();
    prop::collection::vec(cols, 1..8).boxed()
}

#[tokio::test]
async fn imports_of_generated_rows_name_each_problem_and_change_nothing_the_second_time() {
    each_backend(|db, label| async move {
        let svc = Service::new(db, Keys::generate(), Config::default(), Clock::system());
        let ids: Vec<String> = (0..4)
            .map(|i| id_number(&format!("1990030{}", i + 1), 100 + i))
            .collect();
        // Two of the four are registered; the facts of the others name persons not known.
        let mut persons = vec![vec![
            "姓名".to_string(),
            "身份证号码".into(),
            "管辖地".into(),
        ]];
        for (i, id) in ids.iter().take(2).enumerate() {
            persons.push(vec![format!("测试{i}号"), id.clone(), "140105".into()]);
        }
        let bytes = csv_bytes(&persons, false);
        let records = read_person_file("p.csv", &bytes).unwrap();
        let r = svc
            .import_persons(None, &bytes, records, true)
            .await
            .unwrap();
        assert_eq!(r.created, 2, "{label}: {r:?}");

        let mut runner = TestRunner::deterministic();
        // Persons: generated rows of names, ID numbers, phones, counties and groups.
        let person_row = (
            prop_oneof![Just("李四".to_string()), cell()],
            prop_oneof![prop::sample::select(ids.clone()), cell()],
            prop::sample::select(&["", "13800138000", "1380013800", "+86 138 0013 8000", "x"][..])
                .prop_map(str::to_owned),
            prop::sample::select(&["140105", "小店区", "140100", "999999", ""][..])
                .prop_map(str::to_owned),
            prop::sample::select(
                &[
                    "",
                    "registered_unemployed",
                    "高校毕业生",
                    "未知类别",
                    "veteran,veteran",
                ][..],
            )
            .prop_map(str::to_owned),
        )
            .prop_map(|(a, b, c, d, e)| vec![a, b, c, d, e]);
        let person_rows = prop::collection::vec(person_row, 1..6);
        for _ in 0..IMPORT_CASES {
            let rows = sample(&mut runner, &person_rows);
            let mut all = vec![
                ["姓名", "身份证号码", "手机号码", "管辖地", "人员类别"]
                    .map(String::from)
                    .to_vec(),
            ];
            all.extend(rows.iter().cloned());
            let bytes = csv_bytes(&all, false);
            let Ok(records) = read_person_file("p.csv", &bytes) else {
                continue;
            };
            let n = records.len();
            let first = svc
                .import_persons(None, &bytes, records.clone(), false)
                .await
                .unwrap_or_else(|e| panic!("{label}: {e:?} on {rows:?}"));
            assert_problems(
                label,
                &first.problems,
                &["name", "id_number", "phone", "county", "address", "groups"],
                rows.len(),
            );
            assert_eq!(first.rows, n);
            let again = svc
                .import_persons(None, &bytes, records, false)
                .await
                .unwrap();
            assert_eq!(
                again.created, 0,
                "{label}: a second import created persons: {rows:?}"
            );
        }

        for kind in [
            FactKind::Registrations,
            FactKind::Businesses,
            FactKind::Tax,
            FactKind::SocialInsurance,
        ] {
            let strategy = fact_rows(kind, &ids);
            let fields: Vec<&str> = kind.columns().iter().map(|(_, f)| *f).collect();
            for _ in 0..IMPORT_CASES {
                let rows = sample(&mut runner, &strategy);
                let mut all = vec![kind.columns().iter().map(|(h, _)| h.to_string()).collect()];
                all.extend(rows.iter().cloned());
                let bytes = csv_bytes(&all, false);
                let records = read_fact_file(kind, "f.csv", &bytes).unwrap();
                let n = records.len();
                let first = svc
                    .import_facts(None, kind, &bytes, records.clone(), false)
                    .await
                    .unwrap_or_else(|e| panic!("{label} {kind:?}: {e:?} on {rows:?}"));
                let what = format!("{label} {kind:?}");
                assert_problems(&what, &first.problems, &fields, rows.len());
                assert_eq!(first.rows, n);
                assert_eq!(
                    first.changed + first.unchanged + first.problems.len(),
                    n,
                    "{what}: every row is counted once: {first:?}"
                );
                let again = svc
                    .import_facts(None, kind, &bytes, records, false)
                    .await
                    .unwrap();
                assert_eq!(
                    again.changed, 0,
                    "{what}: a second import changed rows: {rows:?} {again:?}"
                );
                let codes = |r: &linghuo_service::facts_import::FactImportReport| {
                    r.problems
                        .iter()
                        .map(|p| (p.line, p.code.clone()))
                        .collect::<HashMap<_, _>>()
                };
                assert_eq!(codes(&first), codes(&again), "{what}: {rows:?}");
            }
        }
    })
    .await;
}
