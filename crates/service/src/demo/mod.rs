//! A demo province: synthetic but realistic Shanxi workers, employers, job posts,
//! applications, hires with their 用工登记, agreements, pay (some of it overdue) and ratings,
//! and one account per role to look around with. Deterministic for a seed.
//!
//! Only `linghuo demo` / `linghuo demo seed` call this. Demo mode (second factor waived, a
//! 演示模式 banner on every page) is a property of the [`Service`] built by `linghuo demo`; no
//! configuration file, environment variable or flag of `linghuo serve` can turn it on.

// The demo by part: this file seeds the market; `services` seeds benefits, registrations and the rest.
pub mod forms;
mod places;
mod platform;
mod publicity;
pub mod services;

use std::collections::HashMap;

use chrono::{Datelike, Duration};
use linghuo_domain::{IdNumber, Phone, RegionCode, check_char, counties, uscc_check_char};
use linghuo_market::synth::{self, Rng};
use linghuo_storage::market::{
    self as repo, AgreementRow, ApplicationRow, EmployerRow, HireRow, PayRow, PostRow, ProfileRow,
};
use linghuo_storage::{persons, users};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, AuditActor, Event};
use crate::error::{Result, ServiceError};
use crate::{Service, protect, totp};
use linghuo_storage::status::{HireStatus, PostStatus};

/// How big a demo province to make.
#[derive(Clone, Copy, Debug)]
pub struct DemoOptions {
    pub workers: usize,
    pub jobs: usize,
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            workers: 20_000,
            jobs: 6_000,
            seed: 1,
        }
    }
}

/// One account to look around with.
#[derive(Clone, Debug, Serialize)]
pub struct DemoLogin {
    pub role: String,
    pub role_label: String,
    pub username: String,
    pub password: String,
    /// Base32 second-factor secret (staff and administrators), for an authenticator app.
    pub totp_secret: Option<String>,
    pub scope: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct DemoReport {
    pub workers: usize,
    pub employers: usize,
    pub posts: usize,
    pub live_posts: usize,
    pub applications: usize,
    pub hires: usize,
    pub pay_records: usize,
    pub overdue_pay: usize,
    /// The public services (registrations, benefits, payments, training, complaints, …).
    pub services: crate::demo_services::ServicesSeedReport,
    /// 居家/远程 posts, 共享用工 and 职业指导.
    pub forms: forms::FormsSeedReport,
    /// Workers the demo platform reported (五(十二)).
    pub platform_workers: usize,
    pub seconds: f64,
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹",
    "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛",
    "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚",
    "谭", "廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔", "康", "毛", "邱", "秦", "江", "史",
    "顾", "侯", "邵", "孟", "龙", "万", "段", "雷", "钱", "汤", "尹", "黎", "易", "常", "武", "乔",
    "贺", "赖", "龚", "文", "牛", "温", "霍", "申", "卫", "闫", "阴", "晋", "裴", "柴", "续",
];
const GIVEN: &[&str] = &[
    "建国", "建军", "志强", "国庆", "秀英", "桂英", "玉兰", "海燕", "丽娟", "红梅", "晓东", "晓燕",
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀兰", "霞", "平", "刚", "桂兰", "鹏", "辉", "玲", "浩", "宇", "欣怡", "子涵", "梓萱",
    "俊杰", "文博", "雨轩", "佳怡", "晨曦", "家豪", "慧敏", "春生", "二虎", "小平", "满仓", "金锁",
    "翠花", "润生", "保平", "引弟", "拴柱", "晋生", "汾生", "太平", "五星", "永红",
];
const FIRM_WORDS: &[&str] = &[
    "顺心",
    "安康",
    "恒达",
    "鑫源",
    "诚信",
    "晋阳",
    "汾河",
    "永盛",
    "众和",
    "利民",
    "华美",
    "宏图",
    "康乐",
    "如意",
    "锦程",
    "百川",
    "龙城",
    "德润",
    "聚力",
    "新时代",
];
const FIRM_TRADES: &[(&str, &str)] = &[
    ("家政", "家政服务有限公司"),
    ("物流", "物流有限公司"),
    ("餐饮", "餐饮管理有限公司"),
    ("建筑", "建筑劳务有限公司"),
    ("物业", "物业管理有限公司"),
    ("商贸", "商贸有限公司"),
    ("农业", "农业专业合作社"),
    ("电商", "电子商务有限公司"),
];
const ORG_CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

/// A valid 18-digit ID number of someone born in `year` and registered in `county`.
fn id_number(rng: &mut Rng, county: &RegionCode, year: i32, seq: u32) -> IdNumber {
    let month = rng.range(1, 12) as u32;
    let day = rng.range(1, 28) as u32;
    let first17 = format!(
        "{}{year:04}{month:02}{day:02}{:03}",
        county.as_str(),
        seq % 1000
    );
    let check = check_char(&first17).unwrap_or('0');
    IdNumber::parse(&format!("{first17}{check}")).unwrap_or_else(|_| {
        // Every code in the catalogue is a valid address code; fall back to 小店区.
        let first17 = format!("140105{year:04}0101{:03}", seq % 1000);
        let check = check_char(&first17).unwrap_or('0');
        IdNumber::parse(&format!("{first17}{check}")).expect("a valid fallback")
    })
}

fn uscc(rng: &mut Rng, county: &RegionCode, kind: &str) -> String {
    let org: String = (0..9)
        .map(|_| ORG_CHARS[rng.below(ORG_CHARS.len())] as char)
        .collect();
    let prefix = if kind == "individual_household" {
        "92"
    } else {
        "91"
    };
    let first17 = format!("{prefix}{}{org}", county.as_str());
    let check = uscc_check_char(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

fn phone(rng: &mut Rng) -> Phone {
    let p = format!(
        "1{}{:09}",
        rng.pick(&["3", "5", "8", "9"]),
        rng.range(0, 999_999_999)
    );
    Phone::parse(&p).unwrap_or_else(|_| Phone::parse("13912345678").expect("a valid phone"))
}

/// The county whose seat is nearest to a point.
fn nearest_county(all: &[(RegionCode, f64, f64)], lat: f64, lon: f64) -> RegionCode {
    let mut best = all[0].0;
    let mut d0 = f64::MAX;
    for (c, clat, clon) in all {
        let d = (clat - lat).powi(2) + ((clon - lon) * 0.8).powi(2);
        if d < d0 {
            d0 = d;
            best = *c;
        }
    }
    best
}

impl Service {
    /// Fills the database with a demo province. Meant for an empty database (the demo
    /// command makes a fresh one); running it twice adds a second population.
    pub async fn seed_demo(&self, opts: DemoOptions) -> Result<DemoReport> {
        let started = std::time::Instant::now();
        let now = self.clock.now();
        let today = self.clock.today_cst();
        let shift = today - synth::BASE_DATE;
        let seats: Vec<(RegionCode, f64, f64)> = counties()
            .into_iter()
            .map(|c| {
                let (lon, lat) = c.coordinates();
                (c, lat, lon)
            })
            .collect();
        let mut report = DemoReport::default();

        // Workers: a person (sealed ID number and phone) and a job-seeking profile each.
        let mut workers_by_county: HashMap<RegionCode, Vec<Uuid>> = HashMap::new();
        let mut tx = self.db.begin().await?;
        for i in 0..opts.workers {
            let w = synth::worker(opts.seed, i as u64);
            let mut rng = Rng::new(opts.seed, 101, i as u64);
            let county = nearest_county(&seats, w.lat, w.lon);
            let age = w.age.unwrap_or_else(|| rng.range(18, 60) as u32);
            let year = today.year() - age as i32;
            let idn = id_number(&mut rng, &county, year, i as u32);
            let pid = Uuid::new_v4();
            let ph = phone(&mut rng);
            persons::insert(
                &mut tx,
                &self.sealed_person(
                    pid,
                    name(&mut rng),
                    &idn,
                    Some(&ph),
                    &county,
                    String::new(),
                    None,
                    now,
                ),
            )
            .await
            .or_else(|e| match e {
                // Two synthetic people drew the same ID number: keep the first.
                linghuo_storage::StorageError::Conflict { .. } => Ok(()),
                other => Err(other),
            })?;
            if persons::by_id_tx(&mut tx, pid).await?.is_none() {
                continue;
            }
            repo::upsert_profile(
                &mut tx,
                &ProfileRow {
                    person_id: pid,
                    occupations: serde_json::to_string(&w.occupations).unwrap_or_default(),
                    skills: serde_json::to_string(&w.skills).unwrap_or_default(),
                    certificates: serde_json::to_string(&w.certificates).unwrap_or_default(),
                    lat: w.lat,
                    lon: w.lon,
                    radius_km: w.radius_km,
                    availability: serde_json::to_string(&w.availability).unwrap_or_default(),
                    expected_pay_fen: w.expected_pay.map(|p| p.amount_fen),
                    expected_pay_unit: w.expected_pay.map(|p| p.unit.code().to_owned()),
                    wanted_forms: serde_json::to_string(
                        &w.wanted_forms.iter().map(|f| f.code()).collect::<Vec<_>>(),
                    )
                    .unwrap_or_default(),
                    updated_at: now,
                },
            )
            .await?;
            workers_by_county.entry(county).or_default().push(pid);
            report.workers += 1;
            if i % 5000 == 4999 {
                tx.commit().await?;
                tx = self.db.begin().await?;
            }
        }
        tx.commit().await?;

        // Employers: about one per four posts, in the posts' counties, mostly verified.
        let posts: Vec<linghuo_market::JobPost> = (0..opts.jobs)
            .map(|i| synth::job(opts.seed, i as u64))
            .collect();
        let mut employers_by_county: HashMap<RegionCode, Vec<Uuid>> = HashMap::new();
        let mut tx = self.db.begin().await?;
        for (i, p) in posts.iter().enumerate() {
            let list = employers_by_county.entry(p.county).or_default();
            if !list.is_empty() && i % 4 != 0 {
                continue;
            }
            let mut rng = Rng::new(opts.seed, 202, i as u64);
            let kind = *rng.pick(&[
                "enterprise",
                "enterprise",
                "individual_household",
                "platform",
            ]);
            let (trade, suffix) = *rng.pick(FIRM_TRADES);
            let county_name = p.county.name();
            let firm = match kind {
                "individual_household" => format!("{county_name}{}{trade}店", name(&mut rng)),
                "platform" => format!("山西{}{trade}网络平台有限公司", rng.pick(FIRM_WORDS)),
                _ => format!("{county_name}{}{suffix}", rng.pick(FIRM_WORDS)),
            };
            let id = Uuid::new_v4();
            let ph = phone(&mut rng);
            let row = EmployerRow {
                id,
                kind: kind.into(),
                name: firm,
                uscc: Some(uscc(&mut rng, &p.county, kind)),
                holder_person_id: None,
                contact_name: name(&mut rng),
                contact_phone_cipher: Some(self.keys.seal(
                    &protect::context("employers.contact_phone", &id),
                    ph.as_str().as_bytes(),
                )),
                county_code: p.county.as_str(),
                address: format!(
                    "{}{}路{}号",
                    p.county.name(),
                    rng.pick(FIRM_WORDS),
                    rng.range(1, 300)
                ),
                verified: !rng.chance(0.1),
                verified_by: None,
                verified_at: Some(now),
                created_at: now - Duration::days(rng.range(30, 400)),
                updated_at: now,
                licence_no: None,
            };
            repo::insert_employer(&mut tx, &row).await?;
            let index = self.keys.blind_index("phone", ph.as_str());
            repo::set_employer_phone_index(&mut tx, id, Some(&index)).await?;
            list.push(id);
            report.employers += 1;
        }
        tx.commit().await?;

        // Posts, and for some of them applications, hires (with their 用工登记), agreements,
        // pay records and ratings.
        let mut tx = self.db.begin().await?;
        for (i, p) in posts.iter().enumerate() {
            let mut rng = Rng::new(opts.seed, 303, i as u64);
            let employers = &employers_by_county[&p.county];
            let employer_id = employers[rng.below(employers.len())];
            let starts_on = p.starts_on + shift;
            let expires_on = (p.expires_on + shift).max(today + Duration::days(rng.range(3, 30)));
            let roll = rng.unit();
            let status = if roll < 0.04 {
                PostStatus::Held
            } else if roll < 0.08 {
                PostStatus::Expired
            } else if roll < 0.10 {
                PostStatus::Closed
            } else {
                PostStatus::Live
            };
            let schedule = p.schedule.label();
            let row = PostRow {
                id: p.id,
                employer_id,
                external_id: None,
                title: p.title.clone(),
                description: p.description.clone(),
                occupation: p.occupation.clone(),
                form: p.form.code().into(),
                county_code: p.county.as_str(),
                address: String::new(),
                lat: p.lat,
                lon: p.lon,
                remote: p.remote,
                starts_on,
                ends_on: p.ends_on.map(|d| d + shift),
                schedule: if linghuo_market::import::parse_schedule(&schedule).is_ok() {
                    schedule
                } else {
                    String::new()
                },
                hours_per_week: p.hours_per_week.map(i64::from),
                pay_fen: p.pay.min_fen,
                pay_unit: p.pay.unit_code().map(str::to_owned),
                pay: serde_json::to_string(&p.pay).unwrap_or_default(),
                pay_text: p.pay.label(),
                pay_hour_fen: None,
                pay_day_fen: None,
                trade_text: None,
                headcount: i64::from(p.headcount),
                hired_count: 0,
                required_certificates: serde_json::to_string(&p.required_certificates)
                    .unwrap_or_default(),
                skills: serde_json::to_string(&p.skills).unwrap_or_default(),
                accident_cover: p.accident_cover,
                status,
                screening: if status == PostStatus::Held {
                    r#"[{"code":"pay_outlier","field":"pay","message":"报酬明显偏离该工种常见水平，请核实"}]"#.into()
                } else {
                    "[]".into()
                },
                expires_on: if status == PostStatus::Expired {
                    today - Duration::days(1)
                } else {
                    expires_on
                },
                posted_by: None,
                reviewed_by: None,
                created_at: p.posted_at + shift,
                updated_at: now,
            };
            let mut row = row;
            // The estimates as a typed post gets them (the schedule as stored).
            if let Some(e) = crate::market::job_post(&row).and_then(|j| j.pay_estimate()) {
                row.pay_hour_fen = Some(e.hourly_fen);
                row.pay_day_fen = Some(e.daily_fen);
            }
            // A few employers name the trade in their own words, as real ones do: the
            // county staff then have new-occupation suggestions to look at (四(七)).
            // (Chosen from the post's id, so the random sequence of the rest stays as it
            // was; words of the post's own kind of work.)
            let category = linghuo_domain::occupation(&p.occupation).map(|o| o.category().code);
            if p.id.as_u128() % 8 == 0
                && let Some((_, own)) = DEMO_OWN_WORDS.iter().find(|(c, _)| Some(*c) == category)
            {
                row.trade_text = Some((*own).to_string());
            }
            let empty = Vec::new();
            let pool = workers_by_county.get(&p.county).unwrap_or(&empty);
            let n_apps = if status == PostStatus::Live && !pool.is_empty() {
                rng.below(4)
            } else {
                0
            };
            let n_hires = if n_apps > 0 && rng.chance(0.45) {
                (rng.below(n_apps) + 1).min(p.headcount as usize)
            } else {
                0
            };
            row.hired_count = n_hires as i64;
            if n_hires > 0 && n_hires as i64 == row.headcount {
                row.status = PostStatus::Filled;
            }
            repo::insert_post(&mut tx, &row).await?;
            if row.trade_text.is_some() {
                crate::market_occupations::collect_post(&mut tx, &row, "post").await?;
            }
            repo::enqueue_index(&mut tx, row.id, now).await?;
            report.posts += 1;
            if row.status == PostStatus::Live {
                report.live_posts += 1;
            }
            let mut chosen = Vec::new();
            for _ in 0..n_apps {
                let w = pool[rng.below(pool.len())];
                if !chosen.contains(&w) {
                    chosen.push(w);
                }
            }
            for (k, person_id) in chosen.iter().enumerate() {
                let hired = k < n_hires;
                let applied_at = row.created_at + Duration::hours(rng.range(2, 96));
                let app = ApplicationRow {
                    id: Uuid::new_v4(),
                    post_id: row.id,
                    person_id: *person_id,
                    direction: if rng.chance(0.2) { "invite" } else { "apply" }.into(),
                    status: if hired { "hired" } else { "pending" }.into(),
                    message: String::new(),
                    created_at: applied_at,
                    updated_at: applied_at,
                    decline_reason: String::new(),
                };
                repo::insert_application(&mut tx, &app).await?;
                report.applications += 1;
                if !hired {
                    continue;
                }
                let hired_at = applied_at + Duration::hours(rng.range(1, 72));
                let hire = HireRow {
                    id: Uuid::new_v4(),
                    application_id: app.id,
                    post_id: row.id,
                    employer_id,
                    person_id: *person_id,
                    county_code: row.county_code.clone(),
                    form: row.form.clone(),
                    start_date: starts_on.max(hired_at.date_naive()),
                    status: HireStatus::Active,
                    created_at: hired_at,
                    completed_at: None,
                };
                repo::insert_hire(&mut tx, &hire).await?;
                report.hires += 1;
                if !rng.chance(0.8) {
                    continue;
                }
                // The agreement states an amount: the post's plain rate, else its daily
                // estimate, else its piece rate; pay without any gets no agreement here.
                let Some((agreed_fen, agreed_unit)) =
                    agreement_pay(&crate::market::stored_pay(&row), &row)
                else {
                    continue;
                };
                let cycle = if row.form == "part_time" {
                    15
                } else {
                    *rng.pick(&[1, 7, 15, 30])
                };
                let first_pay = hire.start_date + Duration::days(cycle);
                repo::insert_agreement(
                    &mut tx,
                    &AgreementRow {
                        id: Uuid::new_v4(),
                        hire_id: hire.id,
                        service_time: schedule_or_any(&row.schedule),
                        pay_fen: agreed_fen,
                        pay_unit: agreed_unit.into(),
                        pay_cycle_days: cycle,
                        first_pay_on: first_pay,
                        rest: "按国家规定休息，加班另计".into(),
                        safety: "用人方提供必要的劳动防护用品并进行安全提示".into(),
                        accident_cover: row.accident_cover,
                        employer_confirmed_at: Some(hired_at),
                        worker_confirmed_at: rng.chance(0.85).then_some(hired_at),
                        created_at: hired_at,
                    },
                )
                .await?;
                // Pay for each cycle already due: mostly confirmed on time, some late, a few
                // still unconfirmed (overdue).
                let mut due = first_pay;
                let mut period = 1;
                while due <= today && period <= 4 {
                    let r = rng.unit();
                    let due_at = due
                        .and_hms_opt(10, 0, 0)
                        .map(|d| d.and_utc())
                        .unwrap_or(now);
                    let confirmed = if r < 0.85 {
                        Some(due_at)
                    } else if r < 0.93 {
                        Some(due_at + Duration::days(rng.range(2, 10)))
                    } else {
                        None
                    }
                    .filter(|c| *c <= now);
                    let overdue = confirmed.is_none() && due < today;
                    repo::insert_pay(
                        &mut tx,
                        &PayRow {
                            id: Uuid::new_v4(),
                            hire_id: hire.id,
                            period: format!("第{period}期"),
                            amount_fen: agreed_fen * cycle.min(20),
                            due_on: due,
                            employer_confirmed_at: Some(due_at),
                            worker_confirmed_at: confirmed,
                            created_at: due_at,
                        },
                    )
                    .await?;
                    report.pay_records += 1;
                    if overdue {
                        report.overdue_pay += 1;
                    }
                    due += Duration::days(cycle);
                    period += 1;
                }
            }
            if i % 2000 == 1999 {
                tx.commit().await?;
                tx = self.db.begin().await?;
            }
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::system(),
            Event::new("demo_seeded", "system", Uuid::nil()).detail(json!({
                "workers": report.workers, "employers": report.employers, "posts": report.posts,
                "hires": report.hires, "seed": opts.seed,
            })),
        )
        .await?;
        tx.commit().await?;
        self.note_market_write();
        report.services = self
            .seed_demo_services(opts.seed, &workers_by_county)
            .await?;
        // The human-resource service agency's post is live too.
        report.live_posts += report.services.agencies;
        // 办事指南: a (made-up) window for each demo county.
        let mut demo_counties: Vec<RegionCode> = workers_by_county.keys().copied().collect();
        demo_counties.sort_by_key(|c| c.as_str());
        self.seed_demo_windows(&demo_counties).await?;
        // 典型案例, 政策动态 and 违规收费举报 (五(十四), 三(五)).
        self.seed_demo_publicity().await?;
        report.forms = self.seed_demo_forms(&workers_by_county).await?;
        // The remote posts are live posts of the market like the others (`posts` counts the
        // synthetic ones asked for, as for the agency's post).
        report.live_posts += report.forms.remote_posts;
        // A delivery platform of the demo county and the riders it reported.
        report.platform_workers = self
            .seed_demo_platform(opts.seed, &workers_by_county)
            .await?;
        report.employers += 1;
        report.seconds = (started.elapsed().as_secs_f64() * 10.0).round() / 10.0;
        Ok(report)
    }

    /// The verified 小店区 employer with posts that can lend two workers at work, an ordinary
    /// firm (企业) before other kinds, then the most at work and the most posts: the demo
    /// employer's account, and the lender of the demo's 共享用工.
    pub(crate) async fn demo_lead_employer(&self) -> Result<Option<EmployerRow>> {
        let mut best: Option<((bool, bool, usize, usize), EmployerRow)> = None;
        for e in repo::employers_in_region(&self.db, "140105", false).await? {
            if !e.verified {
                continue;
            }
            let posts = repo::posts_of_employer(&self.db, e.id).await?.len();
            if posts == 0 {
                continue;
            }
            let active = repo::hires_of_employer(&self.db, e.id)
                .await?
                .iter()
                .filter(|h| h.status == HireStatus::Active)
                .count();
            // Two at work can be lent; among those a firm, then the most at work.
            let key = (active >= 2, e.kind == "enterprise", active, posts);
            if best.as_ref().is_none_or(|(k, _)| key > *k) {
                best = Some((key, e));
            }
        }
        Ok(best.map(|(_, e)| e))
    }

    /// One account per role, with a fresh random password each (printed once by the demo
    /// command): a worker with a profile in 小店区, the employer of a verified 小店区 firm with
    /// live posts, the delivery platform that reports its riders, staff of 小店区, 太原市 and the province, and the three administrators.
    pub async fn create_demo_accounts(&self) -> Result<Vec<DemoLogin>> {
        let now = self.clock.now();
        let xiaodian = "140105";
        let mut worker_in_county = None;
        let mut tx = self.db.begin_scoped(xiaodian).await?;
        let (in_county, _) =
            persons::search(&mut tx, xiaodian, persons::PersonFilter::All, 200, 0).await?;
        tx.commit().await?;
        for p in in_county {
            if repo::profile(&self.db, p.id).await?.is_some() {
                worker_in_county = Some(p.id);
                break;
            }
        }
        // The county's lead employer: it has live posts, workers at work, and lends two of
        // them in the demo's 共享用工, so every employer page has something to show.
        let employer = self.demo_lead_employer().await?.map(|e| e.id);
        // The platform that reported the most workers (the demo's delivery platform).
        let platform = repo::platform_workers::busiest_platform(&self.db).await?;
        let plan: &[(&str, &str, &str, Option<&str>)] = &[
            ("demo-worker", "worker", "示范求职者", None),
            ("demo-employer", "employer", "示范用人单位", None),
            ("demo-platform", "employer", "示范平台企业", None),
            ("demo-county", "staff", "小店区人社局经办员", Some(xiaodian)),
            ("demo-city", "staff", "太原市人社局经办员", Some("140100")),
            (
                "demo-province",
                "staff",
                "山西省人社厅经办员",
                Some("140000"),
            ),
            ("demo-sysadmin", "sysadmin", "系统管理员", None),
            ("demo-secadmin", "secadmin", "安全管理员", None),
            ("demo-auditadmin", "auditadmin", "审计管理员", None),
        ];
        let mut out = Vec::new();
        let mut province_staff = None;
        let mut tx = self.db.begin().await?;
        for (username, role, display, scope) in plan {
            let password = demo_password();
            let id = Uuid::new_v4();
            if *username == "demo-province" {
                province_staff = Some(id);
            }
            let needs_totp = !matches!(*role, "worker" | "employer");
            let secret = needs_totp.then(totp::new_secret);
            let person_id = if *role == "worker" {
                worker_in_county
            } else {
                None
            };
            users::insert(
                &mut tx,
                &users::UserRow {
                    id,
                    username: (*username).into(),
                    display_name: (*display).into(),
                    role: (*role).into(),
                    scope_code: scope.map(str::to_owned),
                    // The county window pays subsidies out: it may download bank files.
                    permissions: if *username == "demo-county" {
                        "bank:export".into()
                    } else {
                        String::new()
                    },
                    person_id,
                    password_hash: crate::password::hash(&password),
                    must_change_password: false,
                    password_changed_at: now,
                    totp_secret: secret.as_ref().map(|s| {
                        self.keys
                            .seal(&protect::context("users.totp_secret", &id), s)
                    }),
                    totp_enabled: needs_totp,
                    totp_last_step: 0,
                    disabled: false,
                    last_login_at: None,
                    created_at: now,
                    updated_at: now,
                },
            )
            .await
            .map_err(|e| match e {
                linghuo_storage::StorageError::Conflict { .. } => ServiceError::Conflict {
                    code: "demo_exists",
                    message: "演示账户已存在：演示数据只能在新的空数据库中生成".into(),
                },
                other => other.into(),
            })?;
            let linked = if *username == "demo-platform" {
                platform
            } else {
                employer
            };
            if *role == "employer"
                && let Some(e) = linked
            {
                repo::link_user_employer(&mut tx, id, e).await?;
            }
            out.push(DemoLogin {
                role: (*role).into(),
                role_label: crate::access::Role::parse(role)
                    .map(|r| r.label().to_owned())
                    .unwrap_or_default(),
                username: (*username).into(),
                password,
                totp_secret: secret.as_deref().map(totp::base32),
                scope: scope
                    .and_then(|s| RegionCode::parse(s).ok())
                    .map(|r| r.full_name())
                    .unwrap_or_default(),
            });
        }
        // A parameter correction the province's demo staff member proposed, waiting for a
        // second province staff member (the policy views' page shows it with its preview).
        if let Some(by) = province_staff {
            linghuo_storage::parameters::insert_correction(
                &mut tx,
                &linghuo_storage::parameters::CorrectionRow {
                    id: Uuid::new_v4(),
                    name: "assistance_referral.recent_registration_months".into(),
                    value: "6".into(),
                    effective_from: self.clock.today_cst(),
                    reason:
                        "演示：拟将“近期登记失业”的期限由3个月延长至6个月，待省厅文件印发后审批"
                            .into(),
                    status: "proposed".into(),
                    proposed_by: by,
                    proposed_at: now,
                    decided_by: None,
                    decided_at: None,
                    decision_note: String::new(),
                    preview: String::new(),
                },
            )
            .await?;
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::system(),
            Event::new("demo_accounts_created", "system", Uuid::nil())
                .detail(json!({"accounts": out.iter().map(|l| &l.username).collect::<Vec<_>>()})),
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }
}

/// What an agreement for a hire on this post states: the plain hour, day or month rate,
/// else the estimated daily pay, else a piece rate; `None` for pay without any amount.
/// Trades in employers' own words that the catalogue does not hold, by the category of
/// the post they are written on (demo only).
const DEMO_OWN_WORDS: &[(&str, &str)] = &[
    ("jiazheng", "收纳整理师傅"),
    ("yanglao", "陪诊员"),
    ("canyin", "老年助餐员"),
    ("lingshou", "直播场控"),
    ("wenti", "剧本杀主持"),
    ("chuxing", "充电桩运维"),
    ("peisong", "社区团长"),
    ("nongye", "无人机飞手"),
];

fn agreement_pay(pay: &linghuo_market::Pay, row: &PostRow) -> Option<(i64, &'static str)> {
    use linghuo_market::TimeUnit;
    match (pay.time_unit(), pay.min_fen) {
        (Some(TimeUnit::Hour), Some(f)) => return Some((f, "hour")),
        (Some(TimeUnit::Day), Some(f)) => return Some((f, "day")),
        (Some(TimeUnit::Month), Some(f)) => return Some((f, "month")),
        _ => {}
    }
    if let Some(daily) = row.pay_day_fen {
        return Some((daily, "day"));
    }
    pay.min_fen.filter(|_| pay.is_piece()).map(|f| (f, "piece"))
}

fn schedule_or_any(s: &str) -> String {
    if s.trim().is_empty() {
        "时间由双方商定".into()
    } else {
        s.to_owned()
    }
}

/// A readable random password: `Jin-` and two groups of four letters and digits, e.g.
/// `Jin-7k3m-9p2x`.
fn demo_password() -> String {
    use rand::Rng as _;
    const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut r = rand::rngs::OsRng;
    let mut part = || -> String {
        (0..4)
            .map(|_| CHARS[r.gen_range(0..CHARS.len())] as char)
            .collect()
    };
    format!("Jin-{}-{}", part(), part())
}
