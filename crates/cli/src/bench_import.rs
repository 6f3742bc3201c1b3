//! `linghuo bench import`: the person import at provincial scale. Writes a synthetic persons
//! file (CSV by default, or .xlsx) of valid rows — names, ID numbers with their check
//! character, phones, counties, addresses, one in ten with a group — then times what staff
//! wait for when they upload it: reading the file, checking every row, sealing ID and phone
//! numbers, and writing them in one transaction (`Service::import_persons`, what
//! `/staff/imports` and `linghuo import persons` run), on a fresh SQLite file and a fresh
//! PostgreSQL database. The same file is then imported a second time, which must change
//! nothing. `--kind social-insurance` does the same with a file of monthly payments (12 per
//! person) for persons imported before it, untimed. Results go to BENCHMARKS.md (## Import).

use std::time::Instant;

use linghuo_domain::id_number::check_char;
use linghuo_domain::region::counties;
use linghuo_service::export::{Cell, Sheet, to_csv, to_xlsx};
use linghuo_service::person_import::read_person_file;
use linghuo_service::{Clock, Config, Keys, Service};
use linghuo_storage::{Db, on_pool};

#[derive(clap::Args, Debug)]
pub struct BenchImportArgs {
    /// Rows in the persons file.
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: usize,
    /// File format: csv or xlsx.
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// What the file holds: persons, or social-insurance (a payment a month for a year per
    /// person; the persons are imported first, untimed).
    #[arg(long, default_value = "persons")]
    pub kind: String,
    /// Seed of the synthetic names.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// PostgreSQL server to create the throwaway database on ("none" to skip).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/test")]
    pub postgres: String,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// What one import of the file on one database took.
#[derive(Clone, Debug)]
pub struct ImportMeasure {
    pub rows: usize,
    pub read_s: f64,
    pub import_s: f64,
    pub created: usize,
    pub reimport_s: f64,
    pub reimport_created: usize,
}

impl ImportMeasure {
    /// Rows per second from the uploaded bytes to the committed transaction.
    pub fn rows_per_s(&self) -> f64 {
        self.rows as f64 / (self.read_s + self.import_s)
    }

    /// The same for the second import of the same file (nothing new to write).
    pub fn reimport_rows_per_s(&self) -> f64 {
        self.rows as f64 / self.reimport_s
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "建国", "晓东", "海燕", "志强", "春梅", "文", "斌",
];
const STREETS: &[&str] = &[
    "迎泽大街",
    "府西街",
    "长治路",
    "学府街",
    "解放路",
    "建设路",
    "新华街",
    "人民路",
];
const GROUP_LABELS: &[&str] = &["就业困难人员", "高校毕业生", "返乡农民工", "退役军人"];

/// Birth dates of the synthetic persons: 1962–2000, everyone of working age.
const BIRTH_DAYS: usize = 14_000;

/// The ID number of synthetic person `i`: county, birth date and sequence number all follow
/// from `i`, so every `i` has its own.
fn synthetic_id(i: usize) -> String {
    let counties = counties();
    let county = counties[i % counties.len()];
    let rest = i / counties.len();
    let epoch = chrono::NaiveDate::from_ymd_opt(1962, 1, 1).expect("valid date");
    let birth = epoch + chrono::Duration::days((rest % BIRTH_DAYS) as i64);
    let seq = (rest / BIRTH_DAYS) % 1000;
    let first17 = format!("{}{}{seq:03}", county.as_str(), birth.format("%Y%m%d"));
    let check = check_char(&first17).expect("seventeen digits");
    format!("{first17}{check}")
}

/// A social-insurance file of `rows` payments: the persons of [`person_file`] in turn, a
/// payment a month through 2025, amounts between 400 and 1,199 yuan.
pub fn si_file(rows: usize, xlsx: bool) -> anyhow::Result<Vec<u8>> {
    let mut sheet = Sheet {
        title: "社保缴费".into(),
        headers: ["身份证号码", "缴费月份", "缴费金额"]
            .map(String::from)
            .to_vec(),
        rows: Vec::with_capacity(rows),
    };
    for i in 0..rows {
        let person = i / 12;
        sheet.rows.push(vec![
            Cell::Text(synthetic_id(person)),
            Cell::Text(format!("2025-{:02}", i % 12 + 1)),
            Cell::Decimal(format!("{}.{:02}", 400 + (i * 7919) % 800, i % 100)),
        ]);
    }
    Ok(if xlsx {
        to_xlsx(&sheet)?
    } else {
        to_csv(&sheet)
    })
}

/// The synthetic persons file: row `i` has a distinct ID number (county, birth date and
/// sequence number all follow from `i`) and a distinct phone.
pub fn person_file(rows: usize, seed: u64, xlsx: bool) -> anyhow::Result<Vec<u8>> {
    let counties = counties();
    anyhow::ensure!(
        rows <= counties.len() * BIRTH_DAYS * 1000,
        "at most {} rows",
        counties.len() * BIRTH_DAYS * 1000
    );
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut sheet = Sheet {
        title: "人员".into(),
        headers: [
            "姓名",
            "身份证号码",
            "手机号码",
            "管辖地",
            "地址",
            "人员类别",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::with_capacity(rows),
    };
    for i in 0..rows {
        let county = counties[i % counties.len()];
        let r = next();
        let name = format!(
            "{}{}",
            SURNAMES[(r % SURNAMES.len() as u64) as usize],
            GIVEN[((r >> 8) % GIVEN.len() as u64) as usize]
        );
        let address = format!(
            "{}{}号",
            STREETS[((r >> 16) % STREETS.len() as u64) as usize],
            (r >> 24) % 300 + 1
        );
        let group = if (r >> 40) % 10 == 0 {
            GROUP_LABELS[((r >> 44) % GROUP_LABELS.len() as u64) as usize]
        } else {
            ""
        };
        sheet.rows.push(vec![
            Cell::Text(name),
            Cell::Text(synthetic_id(i)),
            Cell::Text(format!("1{}", 3_000_000_000u64 + i as u64 * 7)),
            Cell::Text(county.as_str()),
            Cell::Text(address),
            Cell::text(group),
        ]);
    }
    Ok(if xlsx {
        to_xlsx(&sheet)?
    } else {
        to_csv(&sheet)
    })
}

/// Imports `file` twice into `db` (migrated here) and times both imports.
pub async fn measure_person_import(
    db: Db,
    file: &[u8],
    xlsx: bool,
) -> anyhow::Result<ImportMeasure> {
    db.migrate().await?;
    let svc = Service::new(
        db.clone(),
        Keys::generate(),
        Config::default(),
        Clock::system(),
    );
    let name = if xlsx { "persons.xlsx" } else { "persons.csv" };
    let t = Instant::now();
    let records = read_person_file(name, file).map_err(|e| anyhow::anyhow!(e))?;
    let read_s = t.elapsed().as_secs_f64();
    let rows = records.len();
    let t = Instant::now();
    let first = svc.import_persons(None, file, records, true).await?;
    let import_s = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        first.problems.is_empty() && !first.rejected,
        "the synthetic file has problems: {:?}",
        first.problems.first()
    );
    let t = Instant::now();
    let records = read_person_file(name, file).map_err(|e| anyhow::anyhow!(e))?;
    let second = svc.import_persons(None, file, records, true).await?;
    let reimport_s = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        second.created == 0 && second.unchanged == rows,
        "the second import changed something: {} created",
        second.created
    );
    db.close().await;
    Ok(ImportMeasure {
        rows,
        read_s,
        import_s,
        created: first.created,
        reimport_s,
        reimport_created: second.created,
    })
}

/// Imports `persons` (untimed), then times the social-insurance file `si` twice.
pub async fn measure_si_import(
    db: Db,
    persons: &[u8],
    si: &[u8],
    xlsx: bool,
) -> anyhow::Result<ImportMeasure> {
    use linghuo_service::facts_import::{FactKind, read_fact_file};
    db.migrate().await?;
    let svc = Service::new(
        db.clone(),
        Keys::generate(),
        Config::default(),
        Clock::system(),
    );
    let name = if xlsx { "file.xlsx" } else { "file.csv" };
    let records = read_person_file(name, persons).map_err(|e| anyhow::anyhow!(e))?;
    svc.import_persons(None, persons, records, true).await?;
    let t = Instant::now();
    let records =
        read_fact_file(FactKind::SocialInsurance, name, si).map_err(|e| anyhow::anyhow!(e))?;
    let read_s = t.elapsed().as_secs_f64();
    let rows = records.len();
    let t = Instant::now();
    let first = svc
        .import_facts(None, FactKind::SocialInsurance, si, records, true)
        .await?;
    let import_s = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        first.problems.is_empty() && first.changed == rows,
        "the synthetic file has problems: {:?}",
        first.problems.first()
    );
    let t = Instant::now();
    let records =
        read_fact_file(FactKind::SocialInsurance, name, si).map_err(|e| anyhow::anyhow!(e))?;
    let second = svc
        .import_facts(None, FactKind::SocialInsurance, si, records, true)
        .await?;
    let reimport_s = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        second.changed == 0 && second.unchanged == rows,
        "the second import changed {} rows",
        second.changed
    );
    db.close().await;
    Ok(ImportMeasure {
        rows,
        read_s,
        import_s,
        created: first.changed,
        reimport_s,
        reimport_created: second.changed,
    })
}

/// Creates a throwaway database on the PostgreSQL server at `server_url`, runs `f` on it and
/// drops it again (also when `f` fails).
pub async fn on_scratch_postgres<T, F, Fut>(server_url: &str, f: F) -> anyhow::Result<T>
where
    F: FnOnce(Db) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let name = format!(
        "linghuo_bench_{}_{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    );
    let admin = Db::connect(server_url).await?;
    on_pool!(&admin, |p| sqlx::query(sqlx::AssertSqlSafe(format!(
        "CREATE DATABASE {name}"
    )))
    .execute(p)
    .await
    .map(|_| ()))?;
    let base = server_url.rsplit_once('/').map_or(server_url, |(b, _)| b);
    let result = match Db::connect(&format!("{base}/{name}")).await {
        Ok(db) => f(db).await,
        Err(e) => Err(e.into()),
    };
    on_pool!(&admin, |p| sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(p)
    .await
    .map(|_| ()))?;
    admin.close().await;
    result
}

/// What a bench imports: a persons file, or a social-insurance file for persons imported
/// before it.
pub enum Files {
    Persons(Vec<u8>),
    SocialInsurance { persons: Vec<u8>, si: Vec<u8> },
}

impl Files {
    async fn measure(&self, db: Db, xlsx: bool) -> anyhow::Result<ImportMeasure> {
        match self {
            Files::Persons(f) => measure_person_import(db, f, xlsx).await,
            Files::SocialInsurance { persons, si } => {
                measure_si_import(db, persons, si, xlsx).await
            }
        }
    }

    fn timed_bytes(&self) -> usize {
        match self {
            Files::Persons(f) => f.len(),
            Files::SocialInsurance { si, .. } => si.len(),
        }
    }
}

/// Times the import on a fresh SQLite file and (unless `postgres` is "none") a fresh
/// PostgreSQL database.
pub async fn measure_both(
    files: &Files,
    xlsx: bool,
    postgres: &str,
) -> anyhow::Result<(ImportMeasure, Option<ImportMeasure>)> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite:{}", dir.path().join("import.db").display());
    let sqlite = files.measure(Db::connect(&url).await?, xlsx).await?;
    let pg = if postgres == "none" {
        None
    } else {
        Some(on_scratch_postgres(postgres, |db| files.measure(db, xlsx)).await?)
    };
    Ok((sqlite, pg))
}

pub fn run(args: BenchImportArgs) -> anyhow::Result<()> {
    let xlsx = match args.format.as_str() {
        "csv" => false,
        "xlsx" => true,
        other => anyhow::bail!("unknown format {other}: csv or xlsx"),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        if !args.json {
            eprintln!(
                "import bench: writing a {}-row {} {} file",
                args.rows, args.kind, args.format
            );
        }
        let files = match args.kind.as_str() {
            "persons" => Files::Persons(person_file(args.rows, args.seed, xlsx)?),
            "social-insurance" => Files::SocialInsurance {
                persons: person_file(args.rows.div_ceil(12), args.seed, xlsx)?,
                si: si_file(args.rows, xlsx)?,
            },
            other => anyhow::bail!("unknown kind {other}: persons or social-insurance"),
        };
        let bytes = files.timed_bytes();
        let (sqlite, pg) = measure_both(&files, xlsx, &args.postgres).await?;
        if args.json {
            let of = |m: &ImportMeasure| {
                serde_json::json!({
                    "read_s": m.read_s,
                    "import_s": m.import_s,
                    "rows_per_s": m.rows_per_s(),
                    "created": m.created,
                    "reimport_rows_per_s": m.reimport_rows_per_s(),
                    "reimport_created": m.reimport_created,
                })
            };
            println!(
                "{}",
                serde_json::json!({
                    "rows": args.rows,
                    "kind": args.kind,
                    "format": args.format,
                    "file_bytes": bytes,
                    "sqlite": of(&sqlite),
                    "postgres": pg.as_ref().map(of),
                    "import_rows_per_s": pg.as_ref().map_or(sqlite.rows_per_s(), |p| p.rows_per_s().min(sqlite.rows_per_s())),
                })
            );
        } else {
            println!(
                "{} rows of {}, {} file of {:.1} MiB",
                args.rows,
                args.kind,
                args.format,
                bytes as f64 / 1048576.0
            );
            println!("{:<44} {:>12} {:>12}", "measure", "SQLite", "PostgreSQL");
            let pg_of =
                |f: &dyn Fn(&ImportMeasure) -> String| pg.as_ref().map_or("-".into(), f);
            let line = |n: &str, a: String, b: String| println!("{n:<44} {a:>12} {b:>12}");
            line(
                "read the file (s)",
                format!("{:.2}", sqlite.read_s),
                pg_of(&|m| format!("{:.2}", m.read_s)),
            );
            line(
                "check, seal and write (s)",
                format!("{:.2}", sqlite.import_s),
                pg_of(&|m| format!("{:.2}", m.import_s)),
            );
            line(
                "import (rows/s)",
                format!("{:.0}", sqlite.rows_per_s()),
                pg_of(&|m| format!("{:.0}", m.rows_per_s())),
            );
            line(
                "same file again (rows/s)",
                format!("{:.0}", sqlite.reimport_rows_per_s()),
                pg_of(&|m| format!("{:.0}", m.reimport_rows_per_s())),
            );
            line(
                "rows stored by the second import",
                sqlite.reimport_created.to_string(),
                pg_of(&|m| m.reimport_created.to_string()),
            );
        }
        Ok(())
    })
}
