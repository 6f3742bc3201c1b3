//! `linghuo bench stats`: the statistics dashboards at provincial scale. Builds a synthetic
//! Shanxi of one million persons and five million events (job posts, applications, hires,
//! pay records, registrations, eligibilities found, benefit applications, payments,
//! complaints, training enrolments and event registrations) in a fresh SQLite file and a
//! fresh PostgreSQL database — through the real migrations, so the statistics triggers keep
//! the cells as rows arrive — then times the dashboard query (`Service::statistics_of`, what
//! `/staff/stats` and `/api/v1/stats` run) for the province, random cities and random
//! counties, this year and last, and (with `--check`) checks the cells against a rebuild
//! from the rows. Results go to BENCHMARKS.md (## Statistics).

use std::time::Instant;

use anyhow::Context as _;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use linghuo_domain::RegionCode;
use linghuo_domain::region::{cities, counties, province};
use linghuo_policy::BenefitId;
use linghuo_service::{Clock, Config, Keys, Service};
use linghuo_storage::Db;

use crate::bench_import::{Files, ImportMeasure, measure_both, on_scratch_postgres, person_file};
use uuid::Uuid;

#[derive(clap::Args, Debug)]
pub struct BenchStatsArgs {
    /// Persons in the synthetic province.
    #[arg(long, default_value_t = 1_000_000)]
    pub persons: usize,
    /// Events (rows of the eleven event tables together).
    #[arg(long, default_value_t = 5_000_000)]
    pub events: usize,
    /// Seed of the synthetic data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Dashboard queries to time on each database (after 20 warm-up queries).
    #[arg(long, default_value_t = 400)]
    pub samples: usize,
    /// PostgreSQL server to create the throwaway database on ("none" to skip).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/test")]
    pub postgres: String,
    /// Also recompute every cell from the rows and count the cells that differ (slow: the
    /// same triggers' work again over every row).
    #[arg(long)]
    pub check: bool,
    /// Rows of the persons file whose import is timed on each database (0 to skip).
    #[arg(long, default_value_t = 1_000_000)]
    pub import_rows: usize,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// One bound value of a bulk insert.
#[derive(Clone)]
pub(crate) enum V {
    I(i64),
    B(bool),
    T(String),
    U(Uuid),
    Ts(DateTime<Utc>),
    D(NaiveDate),
    By(Vec<u8>),
    NullTs,
    NullD,
    NullT,
    NullI,
}

/// Inserts rows in multi-row statements inside one transaction per call.
pub(crate) async fn bulk(
    db: &Db,
    table: &str,
    columns: &[&str],
    rows: &[Vec<V>],
) -> anyhow::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    // SQLite allows 32,766 bound values per statement; PostgreSQL 65,535.
    let per = (600 / columns.len()).max(1);
    let mut tx = db.begin().await?;
    for chunk in rows.chunks(per) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(","));
        let mut k = 0;
        for (i, _) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push('(');
            for c in 0..columns.len() {
                if c > 0 {
                    sql.push(',');
                }
                k += 1;
                sql.push_str(&format!("${k}"));
            }
            sql.push(')');
        }
        linghuo_storage::on_tx!(&mut tx, |c| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for row in chunk {
                for v in row {
                    q = match v {
                        V::I(x) => q.bind(*x),
                        V::B(x) => q.bind(*x),
                        V::T(x) => q.bind(x.clone()),
                        V::U(x) => q.bind(*x),
                        V::Ts(x) => q.bind(*x),
                        V::D(x) => q.bind(*x),
                        V::NullTs => q.bind(None::<DateTime<Utc>>),
                        V::NullD => q.bind(None::<NaiveDate>),
                        V::NullT => q.bind(None::<String>),
                        V::NullI => q.bind(None::<i64>),
                        V::By(x) => q.bind(x.clone()),
                    };
                }
            }
            q.execute(c).await.map(|_| ())
        })
        .with_context(|| format!("inserting into {table}"))?;
    }
    tx.commit().await?;
    Ok(())
}

const FORMS: &[&str] = &["gig", "hourly", "part_time", "short_term", "platform"];
const UNITS: &[&str] = &["hour", "day", "month", "piece"];
const BENEFITS: [BenefitId; 5] = [
    BenefitId::StartupSubsidy,
    BenefitId::SocialInsuranceSubsidy,
    BenefitId::TrainingSubsidy,
    BenefitId::TaxDeduction,
    BenefitId::GuaranteedLoan,
];
const CATEGORIES: &[&str] = &[
    "illegal_fee",
    "unpaid_wages",
    "safety",
    "discrimination",
    "other",
];

/// How many rows of each table make up `events` (shares in percent).
struct Plan {
    posts: usize,
    hires: usize,
    registrations: usize,
    seen: usize,
    applications: usize,
    instructions: usize,
    complaints: usize,
    enrolments: usize,
    event_regs: usize,
}

impl Plan {
    fn of(events: usize) -> Plan {
        let p = |pct: usize| events * pct / 100;
        // posts 20 + (applications, hires, pay records) 3 x 16 + registrations 8 + seen 6 +
        // benefit applications 6 + instructions 4 + complaints 2 + enrolments 3 + event
        // registrations 3 = 100.
        Plan {
            posts: p(20),
            hires: p(16),
            registrations: p(8),
            seen: p(6),
            applications: p(6),
            instructions: p(4),
            complaints: p(2),
            enrolments: p(3),
            event_regs: p(3),
        }
    }
    fn total(&self) -> usize {
        self.posts
            + 3 * self.hires
            + self.registrations
            + self.seen
            + self.applications
            + self.instructions
            + self.complaints
            + self.enrolments
            + self.event_regs
    }
}

/// Writes the synthetic province; returns the seconds it took per table.
async fn populate(
    db: &Db,
    persons: usize,
    plan: &Plan,
    seed: u64,
    now: DateTime<Utc>,
    progress: bool,
) -> anyhow::Result<Vec<(&'static str, usize, f64)>> {
    let mut rng = Rng(seed);
    let county_list: Vec<String> = counties().iter().map(RegionCode::as_str).collect();
    let occupations: Vec<&str> = linghuo_domain::occupation::occupations()
        .iter()
        .filter(|o| o.code.len() > 4)
        .map(|o| o.code)
        .take(60)
        .collect();
    // Events spread over the last 22 months (this year and last).
    let span_s = 22 * 30 * 86_400_i64;
    let when = |rng: &mut Rng| now - Duration::seconds((rng.next() % span_s as u64) as i64);
    let mut timings = Vec::new();
    let batch = 200_000;

    macro_rules! timed {
        ($name:expr, $n:expr, $cols:expr, $make:expr) => {{
            let t = Instant::now();
            let n: usize = $n;
            let mut start = 0;
            while start < n {
                let end = (start + batch).min(n);
                let rows: Vec<Vec<V>> = (start..end).map(&mut $make).collect();
                bulk(db, $name, $cols, &rows).await?;
                start = end;
            }
            let s = t.elapsed().as_secs_f64();
            if progress {
                eprintln!("  {:<22} {:>9} rows  {:>7.1} s", $name, n, s);
            }
            timings.push(($name, n, s));
        }};
    }

    let person_ids: Vec<Uuid> = (0..persons)
        .map(|i| Uuid::from_u64_pair(seed, i as u64))
        .collect();
    let person_county: Vec<usize> = (0..persons).map(|_| rng.below(county_list.len())).collect();
    timed!(
        "persons",
        persons,
        &[
            "id",
            "name",
            "id_cipher",
            "id_index",
            "key_version",
            "gender",
            "birth_year",
            "jurisdiction_code",
            "created_at",
            "updated_at",
        ],
        |i: usize| {
            let t = when(&mut rng) - Duration::days(400);
            vec![
                V::U(person_ids[i]),
                V::T(format!("测试{i}")),
                V::By(vec![0; 16]),
                V::By(person_ids[i].as_bytes().to_vec()),
                V::I(1),
                V::T(
                    if i.is_multiple_of(2) {
                        "male"
                    } else {
                        "female"
                    }
                    .into(),
                ),
                V::I(1960 + (rng.below(45)) as i64),
                V::T(county_list[person_county[i]].clone()),
                V::Ts(t),
                V::Ts(t),
            ]
        }
    );
    // The sealed columns hold placeholder bytes: statistics never read them (the import
    // benchmark seals real ones).
    let hard: usize = persons / 20;
    timed!(
        "person_groups",
        hard,
        &[
            "id",
            "person_id",
            "group_code",
            "source",
            "verified",
            "recorded_at"
        ],
        |i: usize| vec![
            V::U(Uuid::from_u64_pair(seed ^ 0x6772, i as u64)),
            V::U(person_ids[i * 20]),
            V::T("hard_to_employ".into()),
            V::T("registry".into()),
            V::B(true),
            V::Ts(now - Duration::days(500)),
        ]
    );
    let employers = (persons / 50).max(1);
    let employer_ids: Vec<Uuid> = (0..employers)
        .map(|i| Uuid::from_u64_pair(seed ^ 0x656d, i as u64))
        .collect();
    timed!(
        "employers",
        employers,
        &[
            "id",
            "kind",
            "name",
            "contact_name",
            "county_code",
            "created_at",
            "updated_at"
        ],
        |i: usize| vec![
            V::U(employer_ids[i]),
            V::T("enterprise".into()),
            V::T(format!("测试用人单位{i}")),
            V::T("联系人".into()),
            V::T(county_list[i % county_list.len()].clone()),
            V::Ts(now - Duration::days(700)),
            V::Ts(now - Duration::days(700)),
        ]
    );
    let post_ids: Vec<Uuid> = (0..plan.posts)
        .map(|i| Uuid::from_u64_pair(seed ^ 0x706f, i as u64))
        .collect();
    let mut post_county = Vec::with_capacity(plan.posts);
    let mut post_time = Vec::with_capacity(plan.posts);
    let mut post_employer = Vec::with_capacity(plan.posts);
    timed!(
        "job_posts",
        plan.posts,
        &[
            "id",
            "employer_id",
            "title",
            "description",
            "occupation",
            "form",
            "county_code",
            "lat",
            "lon",
            "starts_on",
            "pay_fen",
            "pay_unit",
            "pay",
            "pay_hour_fen",
            "headcount",
            "status",
            "expires_on",
            "created_at",
            "updated_at",
        ],
        |i: usize| {
            let e = rng.below(employers);
            let county = county_list[e % county_list.len()].clone();
            let t = when(&mut rng);
            post_county.push(county.clone());
            post_time.push(t);
            post_employer.push(e);
            let unit = UNITS[rng.below(UNITS.len())];
            let pay = match unit {
                "hour" => 1_800 + rng.below(4_000) as i64,
                "day" => 12_000 + rng.below(25_000) as i64,
                "month" => 300_000 + rng.below(500_000) as i64,
                _ => 50 + rng.below(500) as i64,
            };
            let status = ["live", "filled", "expired", "closed"][rng.below(4)];
            let d = (t + Duration::hours(8)).date_naive();
            vec![
                V::U(post_ids[i]),
                V::U(employer_ids[e]),
                V::T("测试岗位".into()),
                V::T("测试".into()),
                V::T(occupations[rng.below(occupations.len())].into()),
                V::T(FORMS[rng.below(FORMS.len())].into()),
                V::T(county),
                V::I(0),
                V::I(0),
                V::D(d),
                V::I(pay),
                V::T(unit.into()),
                V::T(if unit == "piece" {
                    format!(r#"{{"basis":"piece","unit":"件","min_fen":{pay}}}"#)
                } else {
                    format!(r#"{{"basis":"time","unit":"{unit}","min_fen":{pay}}}"#)
                }),
                // The hourly estimate as migration 0009 fills it (8 h days, 174 h months).
                match unit {
                    "hour" => V::I(pay),
                    "day" => V::I((pay + 4) / 8),
                    "month" => V::I((pay + 87) / 174),
                    _ => V::NullI,
                },
                V::I(50),
                V::T(status.into()),
                V::D(d + Duration::days(30)),
                V::Ts(t),
                V::Ts(t),
            ]
        }
    );
    // Hires: an application, the hire, and one pay record each.
    let hire_post: Vec<usize> = (0..plan.hires)
        .map(|_| rng.below(plan.posts.max(1)))
        .collect();
    let hire_person: Vec<usize> = (0..plan.hires)
        .map(|i| (i * 7919 + rng.below(13)) % persons)
        .collect();
    let hire_time: Vec<DateTime<Utc>> = (0..plan.hires)
        .map(|i| post_time[hire_post[i]] + Duration::minutes(30 + rng.below(20 * 1440) as i64))
        .map(|t| t.min(now))
        .collect();
    let application_ids: Vec<Uuid> = (0..plan.hires)
        .map(|i| Uuid::from_u64_pair(seed ^ 0x6170, i as u64))
        .collect();
    let hire_ids: Vec<Uuid> = (0..plan.hires)
        .map(|i| Uuid::from_u64_pair(seed ^ 0x6869, i as u64))
        .collect();
    // (post, person) is unique among applications: a repeat pair gets the next person.
    let mut pairs = std::collections::HashSet::with_capacity(plan.hires);
    let hire_person: Vec<usize> = hire_person
        .into_iter()
        .enumerate()
        .map(|(i, mut p)| {
            while !pairs.insert((hire_post[i], p)) {
                p = (p + 1) % persons;
            }
            p
        })
        .collect();
    drop(pairs);
    timed!(
        "applications",
        plan.hires,
        &[
            "id",
            "post_id",
            "person_id",
            "direction",
            "status",
            "created_at",
            "updated_at"
        ],
        |i: usize| vec![
            V::U(application_ids[i]),
            V::U(post_ids[hire_post[i]]),
            V::U(person_ids[hire_person[i]]),
            V::T("apply".into()),
            V::T("hired".into()),
            V::Ts(hire_time[i] - Duration::minutes(20)),
            V::Ts(hire_time[i]),
        ]
    );
    timed!(
        "hires",
        plan.hires,
        &[
            "id",
            "application_id",
            "post_id",
            "employer_id",
            "person_id",
            "county_code",
            "form",
            "start_date",
            "status",
            "created_at",
        ],
        |i: usize| vec![
            V::U(hire_ids[i]),
            V::U(application_ids[i]),
            V::U(post_ids[hire_post[i]]),
            V::U(employer_ids[post_employer[hire_post[i]]]),
            V::U(person_ids[hire_person[i]]),
            V::T(post_county[hire_post[i]].clone()),
            V::T(FORMS[rng.below(FORMS.len())].into()),
            V::D((hire_time[i] + Duration::hours(8)).date_naive()),
            V::T("active".into()),
            V::Ts(hire_time[i]),
        ]
    );
    timed!(
        "pay_records",
        plan.hires,
        &[
            "id",
            "hire_id",
            "period",
            "amount_fen",
            "due_on",
            "worker_confirmed_at",
            "created_at"
        ],
        |i: usize| {
            let due = (hire_time[i] + Duration::days(7) + Duration::hours(8)).date_naive();
            vec![
                V::U(Uuid::from_u64_pair(seed ^ 0x7061, i as u64)),
                V::U(hire_ids[i]),
                V::T("第1期".into()),
                V::I(20_000),
                V::D(due),
                if rng.chance(0.1) {
                    V::NullTs
                } else {
                    V::Ts(hire_time[i] + Duration::days(8))
                },
                V::Ts(hire_time[i]),
            ]
        }
    );
    let kinds = ["employment", "unemployment", "flexible"];
    timed!(
        "registrations",
        plan.registrations.min(persons),
        &[
            "id",
            "person_id",
            "kind",
            "county_code",
            "started_on",
            "ended_on",
            "flexible_form",
            "source",
            "created_at",
            "updated_at",
        ],
        |i: usize| {
            let kind = kinds[rng.below(3)];
            let t = when(&mut rng);
            let start = (t + Duration::hours(8)).date_naive();
            vec![
                V::U(Uuid::from_u64_pair(seed ^ 0x7265, i as u64)),
                V::U(person_ids[i]),
                V::T(kind.into()),
                V::T(county_list[person_county[i]].clone()),
                V::D(start),
                if rng.chance(0.3) {
                    V::D(start + Duration::days(60))
                } else {
                    V::NullD
                },
                if kind == "flexible" {
                    V::T("gig".into())
                } else {
                    V::NullT
                },
                V::T("import".into()),
                V::Ts(t),
                V::Ts(t),
            ]
        }
    );
    timed!(
        "eligibility_seen",
        plan.seen.min(persons),
        &[
            "person_id",
            "benefit",
            "period",
            "amount_fen",
            "seen_at",
            "notified_at"
        ],
        |i: usize| {
            let t = when(&mut rng);
            vec![
                V::U(person_ids[persons - 1 - i]),
                V::T(BENEFITS[i % BENEFITS.len()].code().into()),
                V::T(t.year().to_string()),
                V::I(300_000),
                V::Ts(t),
                V::Ts(t),
            ]
        }
    );
    let app_time: Vec<DateTime<Utc>> = (0..plan.applications).map(|_| when(&mut rng)).collect();
    let benefit_app_ids: Vec<Uuid> = (0..plan.applications)
        .map(|i| Uuid::from_u64_pair(seed ^ 0x6261, i as u64))
        .collect();
    timed!(
        "benefit_applications",
        plan.applications.min(persons),
        &[
            "id",
            "person_id",
            "county_code",
            "benefit",
            "period",
            "status",
            "route",
            "as_of",
            "facts_json",
            "facts_sha256",
            "determination_json",
            "receipt_json",
            "eligible",
            "amount_fen",
            "decided_at",
            "created_at",
            "updated_at",
        ],
        |i: usize| {
            let t = app_time[i];
            let approved = i < plan.instructions || rng.chance(0.5);
            vec![
                V::U(benefit_app_ids[i]),
                V::U(person_ids[i]),
                V::T(county_list[person_county[i]].clone()),
                V::T(BENEFITS[i % BENEFITS.len()].code().into()),
                V::T(t.year().to_string()),
                V::T(
                    if approved {
                        "approved"
                    } else {
                        "pending_review"
                    }
                    .into(),
                ),
                V::T("automatic".into()),
                V::D((t + Duration::hours(8)).date_naive()),
                V::T("{}".into()),
                V::T(String::new()),
                V::T("{}".into()),
                V::T("{}".into()),
                V::B(true),
                V::I(300_000),
                if approved {
                    V::Ts(t + Duration::hours(2))
                } else {
                    V::NullTs
                },
                V::Ts(t),
                V::Ts(t),
            ]
        }
    );
    timed!(
        "payment_instructions",
        plan.instructions.min(plan.applications).min(persons),
        &[
            "id",
            "reference",
            "idempotency_key",
            "application_id",
            "instalment",
            "person_id",
            "county_code",
            "benefit",
            "amount_fen",
            "status",
            "created_at",
            "updated_at",
        ],
        |i: usize| {
            let paid = rng.chance(0.8);
            let t = app_time[i] + Duration::hours(2);
            vec![
                V::U(Uuid::from_u64_pair(seed ^ 0x7069, i as u64)),
                V::T(format!("BENCH{i:010}")),
                V::T(format!("bench:{i}")),
                V::U(benefit_app_ids[i]),
                V::I(1),
                V::U(person_ids[i]),
                V::T(county_list[person_county[i]].clone()),
                V::T(BENEFITS[i % BENEFITS.len()].code().into()),
                V::I(300_000),
                V::T(if paid { "paid" } else { "pending" }.into()),
                V::Ts(t),
                V::Ts(if paid {
                    (t + Duration::days(3 + rng.below(20) as i64)).min(now)
                } else {
                    t
                }),
            ]
        }
    );
    timed!(
        "complaints",
        plan.complaints,
        &[
            "id",
            "person_id",
            "county_code",
            "category",
            "description",
            "status",
            "acknowledge_due_at",
            "resolve_due_at",
            "resolved_at",
            "created_at",
            "updated_at",
        ],
        |i: usize| {
            let p = rng.below(persons);
            let t = when(&mut rng);
            let resolved = rng.chance(0.7);
            vec![
                V::U(Uuid::from_u64_pair(seed ^ 0x636f, i as u64)),
                V::U(person_ids[p]),
                V::T(county_list[person_county[p]].clone()),
                V::T(CATEGORIES[rng.below(CATEGORIES.len())].into()),
                V::T("测试投诉内容".into()),
                V::T(if resolved { "resolved" } else { "received" }.into()),
                V::Ts(t + Duration::days(1)),
                V::Ts(t + Duration::days(15)),
                if resolved {
                    V::Ts((t + Duration::hours(2 + rng.below(300) as i64)).min(now))
                } else {
                    V::NullTs
                },
                V::Ts(t),
                V::Ts(t),
            ]
        }
    );
    let courses = (plan.enrolments / 50).max(1);
    let course_ids: Vec<Uuid> = (0..courses)
        .map(|i| Uuid::from_u64_pair(seed ^ 0x7472, i as u64))
        .collect();
    timed!(
        "training_courses",
        courses,
        &[
            "id",
            "county_code",
            "title",
            "provider",
            "occupation",
            "kind",
            "hours",
            "days",
            "starts_on",
            "ends_on",
            "capacity",
            "subsidy_fen",
            "daily_allowance_fen",
            "status",
            "created_at",
        ],
        |i: usize| vec![
            V::U(course_ids[i]),
            V::T(county_list[i % county_list.len()].clone()),
            V::T("测试课程".into()),
            V::T("测试机构".into()),
            V::T(occupations[i % occupations.len()].into()),
            V::T(
                if i.is_multiple_of(3) {
                    "entrepreneurship"
                } else {
                    "skills"
                }
                .into()
            ),
            V::I(80),
            V::I(10),
            V::D((now - Duration::days(300)).date_naive()),
            V::D((now - Duration::days(290)).date_naive()),
            V::I(60),
            V::I(100_000),
            V::I(3_000),
            V::T("finished".into()),
            V::Ts(now - Duration::days(320)),
        ]
    );
    timed!(
        "training_enrolments",
        plan.enrolments,
        &[
            "id",
            "course_id",
            "person_id",
            "status",
            "completed_on",
            "created_at",
            "updated_at"
        ],
        |i: usize| {
            let done = rng.chance(0.6);
            let t = when(&mut rng);
            vec![
                V::U(Uuid::from_u64_pair(seed ^ 0x656e, i as u64)),
                V::U(course_ids[i % courses]),
                V::U(person_ids[(i * 31) % persons]),
                V::T(if done { "completed" } else { "enrolled" }.into()),
                if done {
                    V::D((t + Duration::days(10) + Duration::hours(8)).date_naive())
                } else {
                    V::NullD
                },
                V::Ts(t),
                V::Ts(t),
            ]
        }
    );
    let events = (plan.event_regs / 100).max(1);
    let event_ids: Vec<Uuid> = (0..events)
        .map(|i| Uuid::from_u64_pair(seed ^ 0x6576, i as u64))
        .collect();
    timed!(
        "recruitment_events",
        events,
        &[
            "id",
            "title",
            "kind",
            "county_code",
            "starts_at",
            "ends_at",
            "status",
            "created_at",
            "updated_at"
        ],
        |i: usize| vec![
            V::U(event_ids[i]),
            V::T("测试招聘会".into()),
            V::T("onsite".into()),
            V::T(county_list[i % county_list.len()].clone()),
            V::Ts(now - Duration::days(100)),
            V::Ts(now - Duration::days(100) + Duration::hours(4)),
            V::T("closed".into()),
            V::Ts(now - Duration::days(130)),
            V::Ts(now - Duration::days(130)),
        ]
    );
    timed!(
        "event_registrations",
        plan.event_regs,
        &[
            "id",
            "event_id",
            "person_id",
            "created_at",
            "checked_in_at",
            "hires",
            "outcome_at"
        ],
        |i: usize| {
            let t = when(&mut rng);
            let came = rng.chance(0.7);
            vec![
                V::U(Uuid::from_u64_pair(seed ^ 0x6572, i as u64)),
                V::U(event_ids[i % events]),
                V::U(person_ids[(i * 17) % persons]),
                V::Ts(t),
                if came {
                    V::Ts(t + Duration::days(1))
                } else {
                    V::NullTs
                },
                V::I(i64::from(came && rng.chance(0.2))),
                if came {
                    V::Ts(t + Duration::days(2))
                } else {
                    V::NullTs
                },
            ]
        }
    );
    Ok(timings)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    (sorted[i] * 100.0).round() / 100.0
}

struct DbResult {
    load_s: f64,
    rows: usize,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    province_p50_ms: f64,
    check_s: f64,
    differences: Option<usize>,
}

async fn measure(db: Db, args: &BenchStatsArgs, progress: bool) -> anyhow::Result<DbResult> {
    db.migrate().await?;
    let now = Utc::now();
    let plan = Plan::of(args.events);
    let t = Instant::now();
    let timings = populate(&db, args.persons, &plan, args.seed, now, progress).await?;
    let load_s = t.elapsed().as_secs_f64();
    let rows: usize = timings.iter().map(|(_, n, _)| n).sum();
    if let Db::Postgres(p) = &db {
        sqlx::query("ANALYZE").execute(p).await?;
    }
    let svc = Service::new(
        db.clone(),
        Keys::generate(),
        Config::default(),
        Clock::system(),
    );
    // What the server does every minute: fold PostgreSQL's pending deltas into the cells;
    // then what autovacuum does after it (the folded deltas leave dead index entries behind).
    svc.stats_compact().await?;
    if let Db::Postgres(p) = &db {
        sqlx::query("VACUUM ANALYZE stat_pending")
            .execute(p)
            .await?;
        sqlx::query("ANALYZE stat_cells").execute(p).await?;
    }
    let today = svc.clock.today_cst();
    let mut targets: Vec<RegionCode> = vec![province()];
    targets.extend(cities());
    targets.extend(counties());
    let mut rng = Rng(args.seed ^ 0x5157);
    let mut times = Vec::with_capacity(args.samples);
    let mut province_times = Vec::new();
    for i in 0..(args.samples + 20) {
        // One in five queries is the province (the heaviest), the rest a random city or county.
        let region = if i % 5 == 0 {
            province()
        } else {
            targets[1 + rng.below(targets.len() - 1)]
        };
        let year = if rng.chance(0.8) {
            today.year()
        } else {
            today.year() - 1
        };
        let t = Instant::now();
        let s = svc.statistics_of(&region, year).await?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        std::hint::black_box(&s);
        if i >= 20 {
            times.push(ms);
            if region == province() {
                province_times.push(ms);
            }
        }
    }
    times.sort_by(f64::total_cmp);
    province_times.sort_by(f64::total_cmp);
    let t = Instant::now();
    let differences = if args.check {
        Some(svc.stats_check(false).await?.len())
    } else {
        None
    };
    let check_s = t.elapsed().as_secs_f64();
    db.close().await;
    Ok(DbResult {
        load_s,
        rows,
        p50_ms: percentile(&times, 0.5),
        p99_ms: percentile(&times, 0.99),
        max_ms: percentile(&times, 1.0),
        province_p50_ms: percentile(&province_times, 0.5),
        check_s,
        differences,
    })
}

pub fn run(args: BenchStatsArgs) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let progress = !args.json;
        let plan = Plan::of(args.events);
        if progress {
            eprintln!(
                "stats bench: {} persons, {} events, {} dashboard queries per database",
                args.persons,
                plan.total(),
                args.samples
            );
            eprintln!("SQLite:");
        }
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite:{}", dir.path().join("bench.db").display());
        let sqlite = measure(Db::connect(&url).await?, &args, progress).await?;
        let postgres = if args.postgres == "none" {
            None
        } else {
            if progress {
                eprintln!("PostgreSQL:");
            }
            Some(
                on_scratch_postgres(&args.postgres, |db| measure(db, &args, progress)).await?,
            )
        };
        let import = if args.import_rows == 0 {
            None
        } else {
            if progress {
                eprintln!("import of {} persons (CSV):", args.import_rows);
            }
            let files = Files::Persons(person_file(args.import_rows, args.seed, false)?);
            Some(measure_both(&files, false, &args.postgres).await?)
        };
        let import_rate = import.as_ref().map(|(s, p)| {
            p.as_ref()
                .map_or(s.rows_per_s(), |p| p.rows_per_s().min(s.rows_per_s()))
        });
        if args.json {
            println!(
                "{}",
                serde_json::json!({
                    "persons": args.persons,
                    "events": plan.total(),
                    "sqlite_p50_ms": sqlite.p50_ms,
                    "sqlite_p99_ms": sqlite.p99_ms,
                    "postgres_p50_ms": postgres.as_ref().map(|p| p.p50_ms),
                    "postgres_p99_ms": postgres.as_ref().map(|p| p.p99_ms),
                    "sqlite_province_p50_ms": sqlite.province_p50_ms,
                    "postgres_province_p50_ms": postgres.as_ref().map(|p| p.province_p50_ms),
                    "import_rows": args.import_rows,
                    "import_rows_per_s": import_rate,
                    "import_sqlite_rows_per_s": import.as_ref().map(|(s, _)| s.rows_per_s()),
                    "import_postgres_rows_per_s": import.as_ref().and_then(|(_, p)| p.as_ref().map(ImportMeasure::rows_per_s)),
                })
            );
        } else {
            println!("{:<58} {:>12} {:>12}", "measure", "SQLite", "PostgreSQL");
            let pg = |f: &dyn Fn(&DbResult) -> String| postgres.as_ref().map_or("-".into(), f);
            let line = |name: &str, a: String, b: String| println!("{name:<58} {a:>12} {b:>12}");
            line(
                "rows written (persons + events + reference rows)",
                sqlite.rows.to_string(),
                pg(&|p| p.rows.to_string()),
            );
            line(
                "load with the statistics triggers (s)",
                format!("{:.0}", sqlite.load_s),
                pg(&|p| format!("{:.0}", p.load_s)),
            );
            line(
                "dashboard query p50 (ms)",
                format!("{:.2}", sqlite.p50_ms),
                pg(&|p| format!("{:.2}", p.p50_ms)),
            );
            line(
                "dashboard query p99 (ms)",
                format!("{:.2}", sqlite.p99_ms),
                pg(&|p| format!("{:.2}", p.p99_ms)),
            );
            line(
                "dashboard query max (ms)",
                format!("{:.2}", sqlite.max_ms),
                pg(&|p| format!("{:.2}", p.max_ms)),
            );
            line(
                "province dashboard p50 (ms)",
                format!("{:.2}", sqlite.province_p50_ms),
                pg(&|p| format!("{:.2}", p.province_p50_ms)),
            );
            if args.check {
                line(
                    "check: recompute every cell from the rows (s)",
                    format!("{:.0}", sqlite.check_s),
                    pg(&|p| format!("{:.0}", p.check_s)),
                );
                let d = |r: &DbResult| r.differences.map_or("-".into(), |d| d.to_string());
                line("cells differing from the rows", d(&sqlite), pg(&|p| d(p)));
            }
            if let Some((s, p)) = &import {
                let pi = |f: &dyn Fn(&ImportMeasure) -> String| p.as_ref().map_or("-".into(), f);
                line(
                    &format!("import of {} persons (rows/s)", s.rows),
                    format!("{:.0}", s.rows_per_s()),
                    pi(&|m| format!("{:.0}", m.rows_per_s())),
                );
            }
        }
        Ok(())
    })
}
