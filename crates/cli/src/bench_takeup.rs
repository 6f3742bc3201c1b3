//! `linghuo bench takeup`: the take-up page (政策享受率), the what-if page (政策测算) and the
//! correction preview at provincial scale. Seeds a fresh SQLite file (and, with
//! `--database-url postgres://…`, a fresh PostgreSQL database on that server) through the real
//! migrations with N registered persons whose facts come from the policy crate's synthetic
//! population (`linghuo_policy::synth`, the same people `bench policy` decides): person
//! groups, an open 就业/失业/灵活就业登记, businesses, tax years, social-insurance premium
//! months, 困难摸排 findings, and bank instructions paid for some of them. Then it times the
//! take-up computation for province, city and county staff and the what-if. Results go to
//! BENCHMARKS.md (## Take-up and what-if).

use std::time::Instant;

use anyhow::Context as _;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use linghuo_domain::RegionCode;
use linghuo_domain::region::counties;
use linghuo_policy::facts::{Facts, Group};
use linghuo_policy::synth;
use linghuo_service::{Actor, Clock, Config, Keys, Role, Service};
use linghuo_storage::Db;
use uuid::Uuid;

use crate::bench_import::on_scratch_postgres;
use crate::bench_policy::peak_rss_mib;
use crate::bench_stats::{V, bulk};

#[derive(clap::Args, Debug)]
pub struct BenchTakeupArgs {
    /// Registered persons to seed (each database).
    #[arg(long, default_value_t = 100_000)]
    pub persons: usize,
    /// Seed of the synthetic population.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Timed repetitions of each fast measure (the slow ones run once).
    #[arg(long, default_value_t = 5)]
    pub samples: usize,
    /// Skip the SQLite run (with --database-url, PostgreSQL only).
    #[arg(long)]
    pub no_sqlite: bool,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// The day the bench decides as of: the synthetic people's facts lie in 2019–2024.
fn bench_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 12, 31, 4, 0, 0)
        .single()
        .expect("a time")
}

/// The regions timed: the province, 太原市 and 小店区.
fn regions() -> [(&'static str, RegionCode); 3] {
    let r = |c: &str| RegionCode::parse(c).expect("a region");
    [
        ("province", r("140000")),
        ("city", r("140100")),
        ("county", r("140105")),
    ]
}

/// The person `i` of the bench: a random-looking id (ids are UUIDv4 on the platform, so
/// their order is random), a county, and the synthetic facts.
fn bench_person(seed: u64, i: usize, county_list: &[String]) -> (Uuid, String, Facts) {
    let mut r = synth::Rng::new(seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x7461);
    r.next_u64();
    let id = uuid::Builder::from_random_bytes({
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&r.next_u64().to_le_bytes());
        b[8..].copy_from_slice(&r.next_u64().to_le_bytes());
        b
    })
    .into_uuid();
    let county = county_list[r.below(county_list.len() as u64) as usize].clone();
    (id, county, synth::person(seed, i as u64))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a day")
}

/// Rows of every table the facts gathering reads, for persons `from..to`.
#[derive(Default)]
struct Rows {
    persons: Vec<Vec<V>>,
    groups: Vec<Vec<V>>,
    registrations: Vec<Vec<V>>,
    findings: Vec<Vec<V>>,
    businesses: Vec<Vec<V>>,
    tax: Vec<Vec<V>>,
    si: Vec<Vec<V>>,
    paid: Vec<Vec<V>>,
}

fn rows_of(seed: u64, from: usize, to: usize, county_list: &[String], now: DateTime<Utc>) -> Rows {
    let mut out = Rows::default();
    for i in from..to {
        let (id, county, f) = bench_person(seed, i, county_list);
        let mut r = synth::Rng::new(seed ^ (i as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93));
        let created = now - Duration::days(r.range(30, 2000));
        out.persons.push(vec![
            V::U(id),
            V::T(format!("测试{i}")),
            V::By(vec![0; 16]),
            V::By(id.as_bytes().to_vec()),
            V::I(1),
            V::T(
                if i.is_multiple_of(2) {
                    "male"
                } else {
                    "female"
                }
                .into(),
            ),
            V::I(1965 + r.range(0, 40)),
            V::T(county.clone()),
            V::Ts(created),
            V::Ts(created),
        ]);
        for g in f.person.groups.iter() {
            // 登记失业 comes from the registration, as on the platform.
            if g == Group::RegisteredUnemployed {
                continue;
            }
            let since = if g == Group::CollegeGraduate {
                f.person.left_school_on.map_or(V::NullD, V::D)
            } else {
                V::NullD
            };
            out.groups.push(vec![
                V::U(Uuid::from_u64_pair(r.next_u64(), r.next_u64())),
                V::U(id),
                V::T(g.code().into()),
                since,
                V::T("registry".into()),
                V::B(true),
                V::Ts(created),
            ]);
        }
        // One open registration: 失业 when the facts say so, else 灵活就业 with its form, else
        // half of the rest 就业 and the other half none (not registered: not counted).
        let reg = if let Some(on) = f.person.unemployment_registered_on {
            Some(("unemployment", on, None))
        } else if let Some(form) = f.person.flexible_work {
            let on = day(2019, 1, 1) + Duration::days(r.range(0, 2000));
            Some(("flexible", on.min(f.as_of), Some(form.code())))
        } else if r.chance(50) {
            let on = day(2019, 1, 1) + Duration::days(r.range(0, 2000));
            Some(("employment", on.min(f.as_of), None))
        } else {
            None
        };
        if let Some((kind, on, form)) = reg {
            out.registrations.push(vec![
                V::U(Uuid::from_u64_pair(r.next_u64(), r.next_u64())),
                V::U(id),
                V::T(kind.into()),
                V::T(county.clone()),
                V::D(on),
                form.map_or(V::NullT, |x: &str| V::T(x.into())),
                V::T(
                    if kind == "employment" {
                        "测试用人单位"
                    } else {
                        ""
                    }
                    .into(),
                ),
                V::T("import".into()),
                V::Ts(created),
                V::Ts(created),
            ]);
        }
        if let Some(d) = f.person.in_difficulty {
            out.findings.push(vec![
                V::U(Uuid::from_u64_pair(r.next_u64(), r.next_u64())),
                V::U(id),
                V::T(county.clone()),
                V::B(d),
                V::Ts(created),
            ]);
        }
        if let Some(b) = &f.business {
            out.businesses.push(vec![
                V::U(Uuid::from_u64_pair(r.next_u64(), r.next_u64())),
                V::U(id),
                V::T(b.kind.map_or("individual_household", |k| k.code()).into()),
                V::T("测试经营主体".into()),
                V::T(county.clone()),
                V::D(b.registered_on.unwrap_or(day(2020, 1, 1))),
                V::B(b.first_time.unwrap_or(true)),
                V::B(b.operating_normally.unwrap_or(true)),
                V::I(i64::from(b.employees_driven.unwrap_or(0))),
                V::B(b.rents_state_owned_property.unwrap_or(false)),
                V::B(b.road_occupation_approved.unwrap_or(false)),
                V::T("registry".into()),
                V::B(true),
                V::Ts(created),
                V::Ts(created),
            ]);
            if r.chance(30) {
                out.paid.push(instruction(
                    &mut r,
                    id,
                    &county,
                    i,
                    0,
                    "startup_subsidy",
                    500_000,
                    created,
                ));
            }
        }
        for t in &f.tax_years {
            out.tax.push(vec![
                V::U(id),
                V::I(i64::from(t.year)),
                V::I(t.vat.0),
                V::I(t.urban_maintenance_tax.0),
                V::I(t.education_surcharge.0),
                V::I(t.local_education_surcharge.0),
                V::I(t.individual_income_tax.0),
                V::T("registry".into()),
                V::Ts(created),
            ]);
        }
        for p in &f.social_insurance_paid {
            out.si.push(vec![
                V::U(id),
                V::T(p.month.to_string()),
                V::I(p.amount.0),
                V::T("registry".into()),
                V::Ts(created),
            ]);
        }
        if !f.social_insurance_paid.is_empty() && r.chance(40) {
            let amount = r.range(1_000, 5_000) * 100;
            out.paid.push(instruction(
                &mut r,
                id,
                &county,
                i,
                1,
                "social_insurance_subsidy",
                amount,
                created,
            ));
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn instruction(
    r: &mut synth::Rng,
    person: Uuid,
    county: &str,
    i: usize,
    k: usize,
    benefit: &str,
    amount: i64,
    at: DateTime<Utc>,
) -> Vec<V> {
    vec![
        V::U(Uuid::from_u64_pair(r.next_u64(), r.next_u64())),
        V::T(format!("BENCH{i}-{k}")),
        V::T(format!("bench:{i}:{k}")),
        V::I(1),
        V::U(person),
        V::T(county.into()),
        V::T(benefit.into()),
        V::I(amount),
        V::T("paid".into()),
        V::Ts(at),
        V::Ts(at),
    ]
}

/// Writes the persons and their records; returns the seconds it took.
async fn seed(db: &Db, persons: usize, seed: u64, progress: bool) -> anyhow::Result<f64> {
    let county_list: Vec<String> = counties().iter().map(RegionCode::as_str).collect();
    let t = Instant::now();
    let batch = 20_000;
    let mut start = 0;
    while start < persons {
        let end = (start + batch).min(persons);
        let rows = rows_of(seed, start, end, &county_list, bench_now());
        bulk(
            db,
            "persons",
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
            &rows.persons,
        )
        .await?;
        bulk(
            db,
            "person_groups",
            &[
                "id",
                "person_id",
                "group_code",
                "since",
                "source",
                "verified",
                "recorded_at",
            ],
            &rows.groups,
        )
        .await?;
        bulk(
            db,
            "registrations",
            &[
                "id",
                "person_id",
                "kind",
                "county_code",
                "started_on",
                "flexible_form",
                "employer_name",
                "source",
                "created_at",
                "updated_at",
            ],
            &rows.registrations,
        )
        .await?;
        bulk(
            db,
            "difficulty_findings",
            &[
                "id",
                "person_id",
                "county_code",
                "in_difficulty",
                "created_at",
            ],
            &rows.findings,
        )
        .await?;
        bulk(
            db,
            "businesses",
            &[
                "id",
                "person_id",
                "kind",
                "name",
                "county_code",
                "registered_on",
                "first_time",
                "operating_normally",
                "employees_driven",
                "rents_state_owned_property",
                "road_occupation_approved",
                "source",
                "verified",
                "created_at",
                "updated_at",
            ],
            &rows.businesses,
        )
        .await?;
        bulk(
            db,
            "tax_records",
            &[
                "person_id",
                "year",
                "vat_fen",
                "urban_maintenance_fen",
                "education_fen",
                "local_education_fen",
                "income_tax_fen",
                "source",
                "updated_at",
            ],
            &rows.tax,
        )
        .await?;
        bulk(
            db,
            "si_payments",
            &["person_id", "month", "amount_fen", "source", "updated_at"],
            &rows.si,
        )
        .await?;
        bulk(
            db,
            "payment_instructions",
            &[
                "id",
                "reference",
                "idempotency_key",
                "instalment",
                "person_id",
                "county_code",
                "benefit",
                "amount_fen",
                "status",
                "created_at",
                "updated_at",
            ],
            &rows.paid,
        )
        .await?;
        if progress {
            eprintln!(
                "  seeded {end} persons ({:.0} s)",
                t.elapsed().as_secs_f64()
            );
        }
        start = end;
    }
    if let Db::Postgres(p) = db {
        sqlx::query("ANALYZE").execute(p).await?;
    }
    Ok(t.elapsed().as_secs_f64())
}

/// A staff member of `scope`, for the service calls that need a caller.
fn staff(scope: &RegionCode) -> Actor {
    Actor {
        user_id: Uuid::new_v4(),
        username: "bench".into(),
        display_name: "bench".into(),
        role: Role::Staff,
        scope: Some(*scope),
        permissions: Default::default(),
        person_id: None,
        authenticated_at: bench_now(),
        meta: Default::default(),
    }
}

/// One measure: its key, its description, the milliseconds it took and the process's peak
/// resident memory during it.
struct Measure {
    key: String,
    label: String,
    ms: f64,
    peak_mib: f64,
}

/// Resets the process's peak resident memory (Linux: `VmHWM`), so that [`peak_rss_mib`] gives the
/// peak of what follows.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

async fn timed<T, F, Fut>(n: usize, mut f: F) -> anyhow::Result<(f64, T)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let mut times = Vec::with_capacity(n);
    let mut last = None;
    for _ in 0..n.max(1) {
        let t = Instant::now();
        let out = f().await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(out);
    }
    Ok((median(times), last.expect("one run")))
}

struct DbResult {
    seed_s: f64,
    registered: usize,
    measures: Vec<Measure>,
}

async fn measure(db: Db, args: &BenchTakeupArgs, progress: bool) -> anyhow::Result<DbResult> {
    db.migrate().await?;
    let seed_s = seed(&db, args.persons, args.seed, progress).await?;
    let svc = Service::new(
        db.clone(),
        Keys::generate(),
        Config::default(),
        Clock::manual(bench_now()),
    );
    let mut measures = Vec::new();
    let mut registered = 0;
    let change = linghuo_service::parameters::ParameterChange {
        name: "social_insurance_subsidy.share".into(),
        value: "3/4".into(),
        effective_from: "2024-01-01".into(),
        reason: String::new(),
    };
    let mut push = |key: String, label: String, ms: f64, peak: f64| {
        measures.push(Measure {
            key,
            label,
            ms,
            peak_mib: peak,
        })
    };
    // Before: what the pages did on every request. Now: the same computation on request
    // (what a snapshot run does for the province), page by page.
    for (level, region) in regions() {
        reset_peak();
        let (ms, t) = timed(1, || async { Ok(svc.take_up_live(&region).await?) }).await?;
        if level == "province" {
            registered = t.persons;
        }
        if progress {
            let totals: Vec<String> = t
                .totals
                .iter()
                .map(|r| format!("{} {}/{}", r.benefit, r.paid, r.eligible))
                .collect();
            eprintln!(
                "  take-up computed on request, {level}: {} persons, {ms:.0} ms (had/eligible: {})",
                t.persons,
                totals.join(", ")
            );
        }
        push(
            format!("takeup_live_{level}_ms"),
            format!(
                "take-up computed on request, {level} ({} persons)",
                t.persons
            ),
            ms,
            peak_rss_mib(),
        );
    }
    // The snapshot run (the daily job, or province staff's button): the whole province.
    reset_peak();
    let (ms, run) = timed(1, || async {
        svc.take_up_snapshot_now()
            .await?
            .context("a run was already going")
    })
    .await?;
    if progress {
        eprintln!(
            "  snapshot run: {} persons, {:.1} s",
            run.persons,
            ms / 1000.0
        );
    }
    push(
        "snapshot_run_ms".into(),
        format!("snapshot run, whole province ({} persons)", run.persons),
        ms,
        peak_rss_mib(),
    );
    // The page now: the snapshot's rows of the region.
    for (level, region) in regions() {
        reset_peak();
        let (ms, t) = timed(args.samples, || async {
            Ok(svc.take_up_of(&region).await?)
        })
        .await?;
        anyhow::ensure!(t.computed_at.is_some(), "the snapshot is read");
        if progress {
            eprintln!("  take-up page from the snapshot, {level}: {ms:.2} ms");
        }
        push(
            format!("takeup_{level}_ms"),
            format!(
                "take-up page from the snapshot, {level} (median of {})",
                args.samples
            ),
            ms,
            peak_rss_mib(),
        );
    }
    for (level, region) in regions() {
        let actor = staff(&region);
        reset_peak();
        let (ms, w) = timed(args.samples.min(3), || async {
            Ok(svc.what_if(&actor, &change).await?)
        })
        .await?;
        if progress {
            eprintln!(
                "  what-if {level}: {} persons, {} decided, {ms:.0} ms",
                w.persons, w.sample_persons
            );
        }
        push(
            format!("whatif_{level}_ms"),
            format!(
                "what-if, {level} ({} of {} persons{})",
                w.sample_persons,
                w.persons,
                if w.sampled { ", sampled" } else { "" }
            ),
            ms,
            peak_rss_mib(),
        );
    }
    let _ = args.samples;
    db.close().await;
    Ok(DbResult {
        seed_s,
        registered,
        measures,
    })
}

pub fn run(args: BenchTakeupArgs, database_url: Option<String>) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let progress = !args.json;
        if progress {
            eprintln!(
                "take-up bench: {} persons (synthetic, seed {}), as of {}",
                args.persons,
                args.seed,
                (bench_now() + Duration::hours(8)).date_naive()
            );
        }
        let sqlite = if args.no_sqlite {
            None
        } else {
            if progress {
                eprintln!("SQLite:");
            }
            let dir = tempfile::tempdir()?;
            let url = format!("sqlite:{}", dir.path().join("bench.db").display());
            Some(measure(Db::connect(&url).await?, &args, progress).await?)
        };
        let postgres = match database_url.as_deref() {
            Some(u) if u.starts_with("postgres") => {
                if progress {
                    eprintln!("PostgreSQL:");
                }
                Some(
                    on_scratch_postgres(u, |db| measure(db, &args, progress))
                        .await
                        .context("PostgreSQL run")?,
                )
            }
            Some(u) => anyhow::bail!("--database-url: a postgres:// server URL, not {u}"),
            None => None,
        };
        let results = [("sqlite", sqlite.as_ref()), ("postgres", postgres.as_ref())];
        if args.json {
            let mut o = serde_json::Map::new();
            o.insert("persons".into(), args.persons.into());
            for (name, r) in results {
                let Some(r) = r else { continue };
                o.insert(format!("{name}_registered"), r.registered.into());
                o.insert(
                    format!("{name}_seed_s"),
                    ((r.seed_s * 10.0).round() / 10.0).into(),
                );
                for m in &r.measures {
                    o.insert(
                        format!("{name}_{}", m.key),
                        ((m.ms * 10.0).round() / 10.0).into(),
                    );
                }
            }
            println!("{}", serde_json::Value::Object(o));
        } else {
            println!(
                "{:<62} {:>16} {:>16}",
                "measure: ms (peak RSS MiB)", "SQLite", "PostgreSQL"
            );
            let first = sqlite
                .as_ref()
                .or(postgres.as_ref())
                .context("no database run")?;
            let cell = |r: Option<&DbResult>, k: usize| {
                r.and_then(|r| r.measures.get(k))
                    .map_or("-".into(), |m| format!("{:.1} ({:.0})", m.ms, m.peak_mib))
            };
            println!(
                "{:<62} {:>16} {:>16}",
                "seed (s)",
                sqlite
                    .as_ref()
                    .map_or("-".into(), |r| format!("{:.0}", r.seed_s)),
                postgres
                    .as_ref()
                    .map_or("-".into(), |r| format!("{:.0}", r.seed_s))
            );
            println!(
                "{:<62} {:>16} {:>16}",
                "registered persons (of those seeded)",
                sqlite
                    .as_ref()
                    .map_or("-".into(), |r| r.registered.to_string()),
                postgres
                    .as_ref()
                    .map_or("-".into(), |r| r.registered.to_string())
            );
            for (k, m) in first.measures.iter().enumerate() {
                println!(
                    "{:<62} {:>16} {:>16}",
                    m.label,
                    cell(sqlite.as_ref(), k),
                    cell(postgres.as_ref(), k)
                );
            }
        }
        Ok(())
    })
}
