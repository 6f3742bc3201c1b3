//! The public services of the demo province: facts from the registers (social-insurance
//! payments, business registrations, tax, verified and self-declared groups), registrations,
//! benefit applications through both routes with reviews, decisions, payee accounts, a
//! payment batch and its bank result, training, complaints and mediation, consultation,
//! recruitment events, venues, relief and archives.
//!
//! Everything after the facts goes through the real service functions (audit rows, ledger,
//! constraints), acting as synthetic county staff accounts and as the demo's residents.
//! Those accounts are created disabled: they exist so records name who did what, and nobody
//! can sign in with them. The 小店区 (the demo county staff's county) gets the most, so the
//! demo staff's queues are never empty. Deterministic for a seed (record ids aside).

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, Duration, NaiveDate};
use linghuo_domain::RegionCode;
use linghuo_domain::region::cities;
use linghuo_market::synth::Rng;
use linghuo_storage::benefits::{self as brepo, BusinessRow, SiPaymentRow, TaxRecordRow};
use linghuo_storage::market as mrepo;
use linghuo_storage::{persons, users};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::access::{Actor, RequestMeta, Role};
use crate::audit::{self, AuditActor, Event};
use crate::benefits::{ApplyInput, ReviewInput, fen_text};
use crate::error::{Result, ServiceError};
use crate::{Service, archives, complaints, consult, events, payments, registration, training};
use crate::{venues, venues::ReliefDecision};
use linghuo_policy::BenefitId;
use linghuo_storage::status::PostStatus;

/// The demo county staff's county (see `create_demo_accounts`).
const DEMO_COUNTY: &str = "140105";
const CONSENT: &str = "本人到窗口书面同意";

/// What the public-services part of the demo made.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ServicesSeedReport {
    pub si_months: usize,
    pub businesses: usize,
    pub tax_records: usize,
    pub groups: usize,
    pub self_declared_groups: usize,
    pub registrations: usize,
    pub suggestions: usize,
    pub applications: usize,
    pub approved: usize,
    pub rejected: usize,
    pub pending_review: usize,
    pub reviewed: usize,
    pub decided: usize,
    pub payees: usize,
    pub batch_lines: usize,
    pub bank_paid: usize,
    pub bank_failed: usize,
    pub screening_notices: usize,
    pub courses: usize,
    pub enrolments: usize,
    pub completions: usize,
    pub complaints: usize,
    pub mediations: usize,
    pub questions: usize,
    pub answered: usize,
    pub events: usize,
    pub event_registrations: usize,
    pub venues: usize,
    pub venue_applications: usize,
    pub reliefs: usize,
    pub archives: usize,
    pub places: usize,
    pub stall_applications: usize,
    pub sites: usize,
    pub agencies: usize,
    /// County fund budgets set (五(十二)) and grants held over a tight budget.
    pub budgets: usize,
    pub budget_holds: usize,
    /// People found in difficulty (四(十一)) and referrals to 民政.
    pub difficulty_findings: usize,
    pub referrals: usize,
    pub seconds: f64,
}

/// What a seeded person is set up for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// Hard to employ, flexible work, premiums paid: social-insurance subsidy.
    Insurance,
    /// A first 个体工商户 over a year old: startup subsidy.
    Startup,
    /// Registered unemployed: guaranteed-loan eligibility.
    Loan,
    /// In no group, employed: an application the rules refuse.
    Refused,
}

/// One working county of the demo: who acts there, the people it draws on, and its own
/// random sequence (each step draws from it in turn, so the demo stays the same for a seed).
struct CountyDemo<'a> {
    ci: usize,
    home: bool,
    pool: &'a [Uuid],
    name: &'static str,
    code: String,
    window: Actor,
    reviewer: Actor,
    approver: Actor,
    rng: Rng,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
}

const BANKS: &[&str] = &[
    "中国工商银行",
    "中国农业银行",
    "中国建设银行",
    "中国邮政储蓄银行",
    "山西农村商业银行",
];
const COURSES: &[(&str, &str, &str)] = &[
    ("育婴员（五级）培训班", "育婴员", "skills"),
    ("家政服务员培训班", "家政服务员", "skills"),
    ("电工（初级）培训班", "电工", "skills"),
    ("中式面点师培训班", "中式面点师", "skills"),
    ("网络创业培训（SYB）", "创业", "entrepreneurship"),
    ("电子商务师培训班", "电子商务师", "skills"),
];
const QUESTIONS: &[&str] = &[
    "我在外卖平台送餐，能申请灵活就业社会保险补贴吗？",
    "一次性创业补贴要营业多长时间才能申请？",
    "个体工商户的税收扣减每年最多多少？",
    "登记失业以后可以申请创业担保贷款吗？额度是多少？",
    "参加职业技能培训有没有生活费补贴？",
    "灵活就业人员的社保补贴最多能领几年？",
    "零工市场找的活，报酬被拖欠了怎么办？",
];
const ANSWER: &str = "根据晋政办发〔2020〕89号，符合条件的人员可以申请，具体以系统审核结果为准；请在“办事大厅”查看可申请的待遇，或到县区人社部门窗口咨询。";

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The first day of the month `back` months before `d`'s month.
fn month_back(d: NaiveDate, back: i32) -> NaiveDate {
    let m0 = d.year() * 12 + d.month0() as i32 - back;
    NaiveDate::from_ymd_opt(m0.div_euclid(12), m0.rem_euclid(12) as u32 + 1, 1).unwrap_or(d)
}

impl Service {
    /// An account row for a synthetic actor (disabled: nobody signs in with it) and the actor.
    pub(crate) async fn demo_actor(
        &self,
        username: String,
        display: String,
        role: Role,
        scope: Option<RegionCode>,
        person_id: Option<Uuid>,
    ) -> Result<Actor> {
        let now = self.clock.now();
        let id = Uuid::new_v4();
        let mut username = username;
        // A second seeding of the same database gets its own accounts.
        for attempt in 0.. {
            let mut tx = self.db.begin().await?;
            let row = users::UserRow {
                id,
                username: username.clone(),
                display_name: display.clone(),
                role: role.as_str().into(),
                scope_code: scope.map(|s| s.as_str()),
                permissions: String::new(),
                person_id,
                // Not a password hash: nothing verifies against it, and the account is disabled.
                password_hash: "!demo-seed-account".into(),
                must_change_password: true,
                password_changed_at: now,
                totp_secret: None,
                totp_enabled: false,
                totp_last_step: 0,
                disabled: true,
                last_login_at: None,
                created_at: now,
                updated_at: now,
            };
            match users::insert(&mut tx, &row).await {
                Ok(()) => {
                    tx.commit().await?;
                    break;
                }
                Err(linghuo_storage::StorageError::Conflict { .. }) if attempt < 5 => {
                    tx.rollback().await?;
                    username = format!(
                        "{}-{}",
                        row.username,
                        &Uuid::new_v4().simple().to_string()[..6]
                    );
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(Actor {
            user_id: id,
            username,
            display_name: display,
            role,
            scope,
            permissions: BTreeSet::new(),
            person_id,
            authenticated_at: now,
            meta: RequestMeta {
                ip: String::new(),
                request_id: "demo-seed".into(),
            },
        })
    }

    /// A resident acting for themself (complaints, questions, venues, events): one disabled
    /// account per person, made on first use.
    pub(super) async fn demo_resident(
        &self,
        known: &mut HashMap<Uuid, Actor>,
        pid: Uuid,
    ) -> Result<Actor> {
        if let Some(a) = known.get(&pid) {
            return Ok(a.clone());
        }
        let a = self
            .demo_actor(
                format!("demo-resident-{:04}", known.len() + 1),
                "演示居民".into(),
                Role::Worker,
                None,
                Some(pid),
            )
            .await?;
        known.insert(pid, a.clone());
        Ok(a)
    }

    /// Seeds the public services (see the module documentation). `workers_by_county` is
    /// the demo's persons with profiles, in seeding order.
    pub(crate) async fn seed_demo_services(
        &self,
        seed: u64,
        workers_by_county: &HashMap<RegionCode, Vec<Uuid>>,
    ) -> Result<ServicesSeedReport> {
        let started = std::time::Instant::now();
        let now = self.clock.now();
        let today = self.clock.today_cst();
        let mut r = ServicesSeedReport::default();
        let empty = Vec::new();

        // One working county per city: 小店区 for 太原, elsewhere the county with most workers.
        let mut focus: Vec<RegionCode> = Vec::new();
        for city in cities() {
            let mut best: Option<(usize, RegionCode)> = None;
            for c in city.counties_within() {
                let n = workers_by_county.get(&c).map_or(0, Vec::len);
                if c.as_str() == DEMO_COUNTY {
                    best = Some((usize::MAX, c));
                    break;
                }
                if n > 0 && best.is_none_or(|(b, _)| n > b) {
                    best = Some((n, c));
                }
            }
            if let Some((_, c)) = best {
                focus.push(c);
            }
        }

        // 五(十二): the province sets this year's 就业补助资金 budget of every working county,
        // generous enough that the demo pays — except the second county's, kept tight so a
        // grant is held for the province.
        let province = self
            .demo_actor(
                "demo-staff-140000-budget".into(),
                "山西省人社厅就业资金科（演示）".into(),
                Role::Staff,
                Some(linghuo_domain::region::province()),
                None,
            )
            .await?;
        for (ci, county) in focus.iter().enumerate() {
            let tight = ci == 1;
            self.set_budget(
                &province,
                crate::benefits::budget::BudgetInput {
                    county: county.as_str(),
                    fund: "employment_subsidy".into(),
                    year: today.year(),
                    amount: if tight { "1500.00" } else { "2000000.00" }.into(),
                    note: if tight {
                        "年初预算（演示：预算偏紧，超出部分暂缓发放）".into()
                    } else {
                        "年初预算（演示）".into()
                    },
                },
            )
            .await?;
            r.budgets += 1;
        }

        let mut residents: HashMap<Uuid, Actor> = HashMap::new();
        let mut batch_made = false;
        for (ci, county) in focus.iter().enumerate() {
            let home = county.as_str() == DEMO_COUNTY;
            let pool = workers_by_county.get(county).unwrap_or(&empty);
            let name = county.name();
            let code = county.as_str();
            let staff = |k: &str, label: &str| {
                self.demo_actor(
                    format!("demo-staff-{code}-{k}"),
                    format!("{name}人社局{label}（演示）"),
                    Role::Staff,
                    Some(*county),
                    None,
                )
            };
            let mut c = CountyDemo {
                ci,
                home,
                pool,
                name,
                code: code.clone(),
                window: staff("window", "窗口经办员").await?,
                reviewer: staff("review", "初审员").await?,
                approver: staff("approve", "审批员").await?,
                rng: Rng::new(seed, 401, ci as u64),
                today,
                now,
            };
            let (plans, n) = self.seed_county_facts(&mut c, &mut r).await?;
            self.seed_county_registrations(&mut c, &plans, &mut r)
                .await?;
            let later = self
                .seed_county_applications(&mut c, &plans, &mut r)
                .await?;
            if home && !batch_made {
                batch_made = true;
                self.seed_county_batch(&mut c, &mut r).await?;
            }
            self.seed_county_late_decisions(&mut c, later, &mut r)
                .await?;
            self.seed_county_training(&mut c, &mut r).await?;
            let complainants = self
                .seed_county_complaints(&mut c, n, &mut residents, &mut r)
                .await?;
            let askers = self
                .seed_county_questions(&mut c, n, &mut residents, &mut r)
                .await?;
            self.seed_county_event(&mut c, &askers, &complainants, &mut residents, &mut r)
                .await?;
            self.seed_county_venues_and_archives(&mut c, &plans, &mut residents, &mut r)
                .await?;
            self.seed_county_places(
                super::places::PlacesDemo {
                    ci,
                    home,
                    county: *county,
                    window: &c.window,
                    people: plans.iter().map(|(p, _)| *p).collect(),
                },
                &mut residents,
                &mut r,
            )
            .await?;
            if home {
                self.seed_demo_agency(*county, &c.window, &mut r).await?;
            }
            self.seed_county_assistance(&mut c, &mut r).await?;
        }
        r.budget_holds = self
            .budget_report(&province, Some(today.year()))
            .await?
            .holds
            .len();

        // Suggestions from the market's hires, and 免申即享 notices.
        let s = self.registration_upkeep().await?;
        r.suggestions = s.employment + s.flexible + s.unemployment;
        r.screening_notices = self.screen_all().await?.notices;
        r.seconds = (started.elapsed().as_secs_f64() * 10.0).round() / 10.0;
        Ok(r)
    }
    /// 四(十一): the window records what it found about a few people's basic living; the
    /// screening puts them on the referral list; in the home county one is referred to 民政
    /// with the outcome entered back, another waits for 民政's answer.
    async fn seed_county_assistance(
        &self,
        c: &mut CountyDemo<'_>,
        r: &mut ServicesSeedReport,
    ) -> Result<()> {
        const FOUND: &[&str] = &[
            "失业后没有收入，家中有老人需要照顾，入户走访核实",
            "灵活就业收入不稳定，今年受疫情影响基本停工，电话回访核实",
            "配偶患病住院，家庭收入明显下降，社区反映后核实",
        ];
        let n = if c.home { 3 } else { 1 };
        // People from the end of the pool, away from the ones the benefit stories use.
        let people: Vec<Uuid> = c.pool.iter().rev().take(n).copied().collect();
        for (i, p) in people.iter().enumerate() {
            self.record_difficulty(
                &c.window,
                *p,
                crate::benefits::assistance::DifficultyInput {
                    in_difficulty: true,
                    note: FOUND[i % FOUND.len()].into(),
                },
            )
            .await?;
            r.difficulty_findings += 1;
        }
        if !c.home {
            return Ok(());
        }
        let list = self
            .assistance_list(&c.window, Some(c.code.as_str()))
            .await?;
        for (i, case) in list.people.iter().take(2).enumerate() {
            let sent_on = (c.today - Duration::days(if i == 0 { 20 } else { 3 })).to_string();
            let v = self
                .refer_assistance(
                    &c.window,
                    case.person_id,
                    crate::benefits::assistance::ReferralInput {
                        kind: case.suggested_kind.clone(),
                        office: String::new(),
                        sent_on,
                        note: "已告知本人，本人同意转介".into(),
                    },
                )
                .await?;
            r.referrals += 1;
            if i == 0 {
                self.record_referral_outcome(
                    &c.reviewer,
                    v.id,
                    crate::benefits::assistance::ReferralOutcomeInput {
                        outcome: "accepted".into(),
                        amount: "680.00".into(),
                        note: "经入户调查和家庭经济状况核对，纳入保障".into(),
                        decided_on: (c.today - Duration::days(6)).to_string(),
                    },
                )
                .await?;
            }
        }
        Ok(())
    }

    /// Facts from the registers (and some self-declared groups) for the county's first people: returns each person's plan and how many of the pool it took.
    async fn seed_county_facts(
        &self,
        c: &mut CountyDemo<'_>,
        r: &mut ServicesSeedReport,
    ) -> Result<(Vec<(Uuid, Plan)>, usize)> {
        let (home, pool, name, today, now, code, rng) =
            (c.home, c.pool, c.name, c.today, c.now, &c.code, &mut c.rng);
        // ---- Facts from the registers (and some self-declared groups).
        let n = pool.len().min(if home { 40 } else { 12 });
        let chosen = &pool[..n];
        let mut plans = Vec::new();
        let mut tx = self.db.begin().await?;
        for (k, pid) in chosen.iter().enumerate() {
            let plan = match k % 5 {
                0 | 1 => Plan::Insurance,
                2 => Plan::Startup,
                3 => Plan::Loan,
                _ => Plan::Refused,
            };
            let declared = matches!(plan, Plan::Insurance | Plan::Startup)
                && rng.chance(if home { 0.6 } else { 0.3 });
            let group = match plan {
                Plan::Insurance => Some("hard_to_employ"),
                Plan::Startup => Some(*rng.pick(&["hard_to_employ", "returning_migrant_worker"])),
                _ => None,
            };
            if let Some(g) = group {
                persons::upsert_group(
                    &mut tx,
                    &persons::GroupRow {
                        id: Uuid::new_v4(),
                        person_id: *pid,
                        group_code: g.into(),
                        since: Some(today - Duration::days(rng.range(400, 1500))),
                        until: None,
                        evidence: if declared {
                            "本人申报".into()
                        } else {
                            "民政、人社部门名单".into()
                        },
                        source: if declared {
                            "self_declared"
                        } else {
                            "registry"
                        }
                        .into(),
                        verified: !declared,
                        recorded_by: None,
                        recorded_at: now,
                    },
                )
                .await?;
                r.groups += 1;
                if declared {
                    r.self_declared_groups += 1;
                }
            }
            if matches!(plan, Plan::Insurance | Plan::Refused) {
                let months = if plan == Plan::Insurance { 6 } else { 3 };
                let amount = rng.range(600, 950) * 100;
                for back in 1..=months {
                    let m = month_back(today, back);
                    brepo::upsert_si(
                        &mut tx,
                        &SiPaymentRow {
                            person_id: *pid,
                            month: format!("{:04}-{:02}", m.year(), m.month()),
                            amount_fen: amount,
                            source: "registry".into(),
                            updated_at: now,
                        },
                    )
                    .await?;
                    r.si_months += 1;
                }
            }
            if plan == Plan::Startup {
                let registered_on = today - Duration::days(rng.range(380, 900));
                let bid = Uuid::new_v4();
                brepo::upsert_business(
                    &mut tx,
                    &BusinessRow {
                        id: bid,
                        person_id: *pid,
                        kind: "individual_household".into(),
                        name: format!(
                            "{name}{}{}",
                            rng.pick(&["顺心", "安康", "鑫源", "利民", "如意", "众和"]),
                            rng.pick(&["小吃店", "便利店", "家政服务部", "修理部", "理发店"])
                        ),
                        uscc: Some(format!("92{code}{:09}X", rng.range(0, 999_999_999))),
                        county_code: code.clone(),
                        registered_on,
                        first_time: true,
                        operating_normally: true,
                        employees_driven: rng.range(1, 3) as i32,
                        rents_state_owned_property: rng.chance(0.2),
                        road_occupation_approved: rng.chance(0.2),
                        source: "registry".into(),
                        verified: true,
                        created_at: now,
                        updated_at: now,
                    },
                )
                .await?;
                r.businesses += 1;
                let vat = rng.range(2_000, 9_000) * 100;
                brepo::upsert_tax(
                    &mut tx,
                    &TaxRecordRow {
                        person_id: *pid,
                        year: today.year() - 1,
                        vat_fen: vat,
                        urban_maintenance_fen: vat * 7 / 100,
                        education_fen: vat * 3 / 100,
                        local_education_fen: vat * 2 / 100,
                        income_tax_fen: rng.range(0, 3_000) * 100,
                        source: "registry".into(),
                        updated_at: now,
                    },
                )
                .await?;
                r.tax_records += 1;
            }
            plans.push((*pid, plan));
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::system(),
            Event::new("demo_facts_seeded", "system", Uuid::nil())
                .region(code.clone())
                .detail(json!({"persons": plans.len()})),
        )
        .await?;
        tx.commit().await?;
        Ok((plans, n))
    }

    /// Registrations at the window, with the person's consent.
    async fn seed_county_registrations(
        &self,
        c: &mut CountyDemo<'_>,
        plans: &[(Uuid, Plan)],
        r: &mut ServicesSeedReport,
    ) -> Result<()> {
        let (name, today, rng, window) = (c.name, c.today, &mut c.rng, &c.window);
        // ---- Registrations at the window, with the person's consent.
        for (pid, plan) in plans {
            let (kind, form, employer) = match plan {
                Plan::Insurance => (
                    "flexible",
                    *rng.pick(&["part_time", "platform", "gig"]),
                    String::new(),
                ),
                Plan::Startup => ("flexible", "self_employed", String::new()),
                Plan::Loan => ("unemployment", "", String::new()),
                Plan::Refused => (
                    "employment",
                    "",
                    format!("{name}{}商贸有限公司", rng.pick(&["恒达", "永盛", "华美"])),
                ),
            };
            self.register(
                window,
                *pid,
                registration::RegistrationInput {
                    kind: kind.into(),
                    started_on: day(today - Duration::days(rng.range(20, 300))),
                    employer_name: employer,
                    flexible_form: form.into(),
                    consent_note: CONSENT.into(),
                },
            )
            .await?;
            r.registrations += 1;
        }
        Ok(())
    }

    /// Applications: automatic approvals and refusals, manual ones reviewed and decided by a second person; returns the decisions the demo county keeps for after its payment batch.
    async fn seed_county_applications(
        &self,
        c: &mut CountyDemo<'_>,
        plans: &[(Uuid, Plan)],
        r: &mut ServicesSeedReport,
    ) -> Result<Vec<(Uuid, bool)>> {
        let (home, rng, window, reviewer, approver) =
            (c.home, &mut c.rng, &c.window, &c.reviewer, &c.approver);
        // ---- Applications: automatic approvals and refusals, manual ones to review.
        let mut manual = Vec::new();
        for (k, (pid, plan)) in plans.iter().enumerate() {
            let benefit = match plan {
                Plan::Insurance | Plan::Refused => BenefitId::SocialInsuranceSubsidy,
                Plan::Startup => BenefitId::StartupSubsidy,
                Plan::Loan => BenefitId::GuaranteedLoan,
            }
            .code();
            if matches!(plan, Plan::Insurance | Plan::Startup) {
                self.set_payee(
                    window,
                    *pid,
                    payments::PayeeInput {
                        bank_name: (*rng.pick(BANKS)).into(),
                        account: format!(
                            "6217{:06}{:06}",
                            rng.range(0, 999_999),
                            rng.range(0, 999_999)
                        ),
                        consent_note: CONSENT.into(),
                    },
                )
                .await?;
                r.payees += 1;
            }
            if k % 9 == 5 {
                continue; // not applied yet: 免申即享 tells them below
            }
            let a = self
                .apply_for_benefit(
                    window,
                    *pid,
                    ApplyInput {
                        benefit: benefit.into(),
                        consent_note: CONSENT.into(),
                    },
                )
                .await?;
            r.applications += 1;
            match a.status.as_str() {
                "approved" => r.approved += 1,
                "rejected" => r.rejected += 1,
                _ => manual.push(a.id),
            }
        }
        // Of the manual ones: some wait for review, some reviewed wait for a decision, the
        // rest are decided by a second person.
        let mut to_decide = Vec::new();
        for (k, id) in manual.iter().enumerate() {
            if k % 4 == 0 {
                r.pending_review += 1;
                continue;
            }
            let reject = k % 7 == 6;
            self.review_application(
                reviewer,
                *id,
                ReviewInput {
                    outcome: if reject { "reject" } else { "approve" }.into(),
                    note: if reject {
                        "本人申报的人员类别与民政名单不符".into()
                    } else {
                        "已核验本人提供的证明材料原件".into()
                    },
                },
            )
            .await?;
            if k % 4 == 2 {
                r.reviewed += 1;
            } else {
                to_decide.push((*id, reject));
            }
        }
        let later = if home && to_decide.len() > 1 {
            to_decide.split_off(to_decide.len() - 1)
        } else {
            Vec::new()
        };
        for (id, reject) in to_decide {
            self.demo_decide(approver, id, reject, r).await?;
        }
        Ok(later)
    }

    /// The demo county's payment batch and its bank result (none when nothing is payable yet).
    async fn seed_county_batch(
        &self,
        c: &mut CountyDemo<'_>,
        r: &mut ServicesSeedReport,
    ) -> Result<()> {
        let (today, window) = (c.today, &c.window);
        // ---- One payment batch (the demo county) and its bank result.
        let batch = match self.create_payment_batch(window).await {
            Ok(b) => Some(b),
            // A small demo (a handful of workers) may have approved nothing payable with a
            // payee yet: there is no batch to show, and the seeding goes on.
            Err(ServiceError::Conflict {
                code: "nothing_to_pay",
                ..
            }) => None,
            Err(e) => return Err(e),
        };
        if let Some(b) = batch {
            let lines = brepo::instructions_of_batch(&self.db, b.id).await?;
            r.batch_lines = lines.len();
            let mut csv = String::from("付款参考号,金额,结果,银行流水号,说明\n");
            for (k, l) in lines.iter().enumerate() {
                if k % 6 == 5 {
                    continue; // not yet in the bank's file
                }
                if k == 1 {
                    csv.push_str(&format!(
                        "{},{},失败,,户名与账号不符\n",
                        l.reference,
                        fen_text(l.amount_fen)
                    ));
                } else {
                    csv.push_str(&format!(
                        "{},{},成功,B{}{:06},\n",
                        l.reference,
                        fen_text(l.amount_fen),
                        today.format("%Y%m%d"),
                        k + 1
                    ));
                }
            }
            if !lines.is_empty() {
                let res = self
                    .import_bank_result(window, b.id, csv.as_bytes(), false)
                    .await?;
                r.bank_paid = res.paid;
                r.bank_failed = res.failed;
            }
        }
        Ok(())
    }

    /// The second person's decision on a reviewed application, counted.
    async fn demo_decide(
        &self,
        approver: &Actor,
        id: Uuid,
        reject: bool,
        r: &mut ServicesSeedReport,
    ) -> Result<()> {
        let a = self
            .decide_application(
                approver,
                id,
                ReviewInput {
                    outcome: if reject { "reject" } else { "approve" }.into(),
                    note: if reject {
                        "同意初审意见，不予批准".into()
                    } else {
                        "同意初审意见".into()
                    },
                },
                None,
            )
            .await?;
        r.decided += 1;
        if a.status == "approved" {
            r.approved += 1;
        } else {
            r.rejected += 1;
        }
        Ok(())
    }

    /// Decisions made after the batch: payments waiting for the next one.
    async fn seed_county_late_decisions(
        &self,
        c: &mut CountyDemo<'_>,
        later: Vec<(Uuid, bool)>,
        r: &mut ServicesSeedReport,
    ) -> Result<()> {
        // Decided after the batch: payments waiting for the next one.
        for (id, reject) in later {
            self.demo_decide(&c.approver, id, reject, r).await?;
        }
        Ok(())
    }

    /// Training: a finished course, a running one and (demo county) one to come.
    async fn seed_county_training(
        &self,
        c: &mut CountyDemo<'_>,
        r: &mut ServicesSeedReport,
    ) -> Result<()> {
        let (ci, home, pool, name, today, code, window) =
            (c.ci, c.home, c.pool, c.name, c.today, &c.code, &c.window);
        // ---- Training: a finished course, a running one and (demo county) one to come.
        let trainees: Vec<Uuid> = pool
            .iter()
            .rev()
            .take(if home { 14 } else { 6 })
            .copied()
            .collect();
        let shapes: &[(i64, i64, usize)] = if home {
            &[(-30, -26, 7), (-3, 10, 4), (14, 18, 3)]
        } else {
            &[(-25, -21, 3), (-2, 8, 3)]
        };
        let mut t = trainees.iter();
        for (si, (from, to, size)) in shapes.iter().enumerate() {
            let (title, occupation, kind) = COURSES[(ci + si) % COURSES.len()];
            let starts = today + Duration::days(*from);
            let ends = today + Duration::days(*to);
            let days = (ends - starts).num_days() + 1;
            let c = self
                .create_course(
                    window,
                    training::CourseInput {
                        title: title.into(),
                        provider: format!("{name}职业技能培训学校"),
                        occupation: occupation.into(),
                        kind: kind.into(),
                        hours: (days * 6).to_string(),
                        days: days.to_string(),
                        starts_on: day(starts),
                        ends_on: day(ends),
                        capacity: "30".into(),
                        subsidy: if kind == "entrepreneurship" {
                            "1000.00"
                        } else {
                            "1200.00"
                        }
                        .into(),
                        daily_allowance: "30.00".into(),
                        county_code: code.clone(),
                        // The demo county's course to come is online (四(八) 线上线下结合).
                        mode: if home && si == 2 { "online" } else { "offline" }.into(),
                        venue: String::new(),
                        platform: if home && si == 2 {
                            "山西省职业技能提升线上平台（演示）".into()
                        } else {
                            String::new()
                        },
                        link: String::new(),
                    },
                )
                .await?;
            r.courses += 1;
            for (k, pid) in t.by_ref().take(*size).enumerate() {
                let e = self.enrol(window, c.id, *pid).await?;
                r.enrolments += 1;
                if starts > today {
                    continue;
                }
                let attended = (days.min(3) - (k % 2) as i64).max(1);
                for d in 0..attended {
                    let on = starts + Duration::days(d);
                    if on <= today {
                        self.record_attendance(window, e.id, &day(on)).await?;
                    }
                }
                if ends < today {
                    let passed = k % 4 != 3;
                    self.finish_training(window, e.id, passed).await?;
                    if passed {
                        r.completions += 1;
                    }
                }
            }
        }
        Ok(())
    }

    /// Complaints from workers about their market hires; returns the complainants and their hires.
    async fn seed_county_complaints(
        &self,
        c: &mut CountyDemo<'_>,
        n: usize,
        residents: &mut HashMap<Uuid, Actor>,
        r: &mut ServicesSeedReport,
    ) -> Result<Vec<(Uuid, Uuid)>> {
        let (home, pool, name, today, code, window) =
            (c.home, c.pool, c.name, c.today, &c.code, &c.window);
        // ---- Complaints from workers about their market hires.
        let mut complainants = Vec::new();
        for pid in pool.iter().skip(n).chain(pool.iter().take(n)) {
            if complainants.len() >= if home { 4 } else { 1 } {
                break;
            }
            if let Some(h) = mrepo::hires_of_person(&self.db, *pid)
                .await?
                .into_iter()
                .find(|h| h.county_code == *code)
            {
                complainants.push((*pid, h.id));
            }
        }
        for (k, (pid, hire)) in complainants.iter().enumerate() {
            let who = self.demo_resident(residents, *pid).await?;
            let (category, text) = if k % 2 == 0 {
                (
                    "unpaid_wages",
                    "干完活已经超过约定的结算日，用人方一直没有支付报酬，多次联系没有结果。",
                )
            } else {
                (
                    "illegal_fee",
                    "报名时对方要求先交三百元押金和服装费，说是干满一个月才退。",
                )
            };
            let c = self
                .file_complaint(
                    &who,
                    complaints::ComplaintInput {
                        category: category.into(),
                        description: text.into(),
                        hire_id: Some(*hire),
                    },
                )
                .await?;
            r.complaints += 1;
            let id = c.summary.id;
            if k == 0 && home {
                continue; // still waiting to be acknowledged
            }
            self.acknowledge_complaint(window, id).await?;
            if home && k == 1 {
                let d = self
                    .refer_to_mediation(
                        window,
                        id,
                        complaints::ReferInput {
                            organisation_kind: "people_mediation".into(),
                            organisation_name: format!("{name}坞城街道人民调解委员会"),
                            parties: "投诉人；用人单位".into(),
                        },
                    )
                    .await?;
                if let Some(m) = d.mediation {
                    self.schedule_mediation_session(
                        window,
                        m.id,
                        complaints::SessionInput {
                            held_at: format!("{} 09:30", day(today + Duration::days(3))),
                            place: format!("{name}人民调解委员会调解室"),
                            notes: String::new(),
                            attendance: "投诉人、用人单位负责人".into(),
                        },
                    )
                    .await?;
                    r.mediations += 1;
                }
            } else if home && k == 2 {
                self.resolve_complaint(
                    window,
                    id,
                    complaints::ResolveInput {
                        resolution: "经约谈，用人方已退还押金并书面承诺不再收取任何费用。".into(),
                    },
                )
                .await?;
            }
        }
        Ok(complainants)
    }

    /// Policy questions, some answered; returns who asked.
    async fn seed_county_questions(
        &self,
        c: &mut CountyDemo<'_>,
        n: usize,
        residents: &mut HashMap<Uuid, Actor>,
        r: &mut ServicesSeedReport,
    ) -> Result<Vec<Uuid>> {
        let (ci, home, pool, window) = (c.ci, c.home, c.pool, &c.window);
        // ---- Policy questions, some answered.
        let askers: Vec<Uuid> = pool
            .iter()
            .skip(n + 20)
            .chain(pool.iter().rev())
            .take(if home { 6 } else { 1 })
            .copied()
            .collect();
        for (k, pid) in askers.iter().enumerate() {
            let who = self.demo_resident(residents, *pid).await?;
            let q = self
                .ask_question(
                    &who,
                    consult::QuestionInput {
                        question: QUESTIONS[(ci + k) % QUESTIONS.len()].into(),
                    },
                )
                .await?;
            r.questions += 1;
            if k % 2 == 1 || (!home && ci % 2 == 0) {
                self.answer_question(
                    window,
                    q.id,
                    consult::AnswerInput {
                        answer: ANSWER.into(),
                        clause_id: "二(二)".into(),
                        publish: false,
                    },
                )
                .await?;
                r.answered += 1;
            }
        }
        Ok(askers)
    }

    /// A recruitment event with employers and the county's askers and complainants registered.
    async fn seed_county_event(
        &self,
        c: &mut CountyDemo<'_>,
        askers: &[Uuid],
        complainants: &[(Uuid, Uuid)],
        residents: &mut HashMap<Uuid, Actor>,
        r: &mut ServicesSeedReport,
    ) -> Result<()> {
        let (ci, name, today, code, window) = (c.ci, c.name, c.today, &c.code, &c.window);
        // ---- A recruitment event with employers and registered workers.
        let ev = self
            .create_event(
                window,
                events::EventInput {
                    title: format!("{name}灵活就业专场招聘会"),
                    kind: "onsite".into(),
                    county_code: code.clone(),
                    venue: Some(format!("{name}人力资源市场一楼大厅")),
                    starts_at: format!("{} 09:00", day(today + Duration::days(5 + ci as i64))),
                    ends_at: format!("{} 12:00", day(today + Duration::days(5 + ci as i64))),
                    description: Some(
                        "现场提供家政、物流、餐饮等零工岗位，并提供政策咨询。".into(),
                    ),
                    target_groups: vec!["hard_to_employ".into(), "college_graduate".into()],
                },
            )
            .await?;
        self.publish_event(window, ev.id).await?;
        r.events += 1;
        let mut joined = 0;
        for e in mrepo::employers_in_region(&self.db, code, false).await? {
            if joined >= 3 || !e.verified {
                continue;
            }
            let posts: Vec<Uuid> = mrepo::posts_of_employer(&self.db, e.id)
                .await?
                .into_iter()
                .filter(|p| p.status == PostStatus::Live)
                .map(|p| p.id)
                .take(2)
                .collect();
            if posts.is_empty() {
                continue;
            }
            self.join_event(
                window,
                ev.id,
                events::JoinInput {
                    employer_id: Some(e.id),
                    post_ids: posts,
                },
            )
            .await?;
            joined += 1;
        }
        let mut visitors: Vec<Uuid> = Vec::new();
        for pid in askers.iter().chain(complainants.iter().map(|(p, _)| p)) {
            if !visitors.contains(pid) {
                visitors.push(*pid);
            }
        }
        for pid in &visitors {
            let who = self.demo_resident(residents, *pid).await?;
            self.register_for_event(&who, ev.id).await?;
            r.event_registrations += 1;
        }
        Ok(())
    }

    /// Venues (the demo county and two more) with applications, fee relief, and archives received.
    async fn seed_county_venues_and_archives(
        &self,
        c: &mut CountyDemo<'_>,
        plans: &[(Uuid, Plan)],
        residents: &mut HashMap<Uuid, Actor>,
        r: &mut ServicesSeedReport,
    ) -> Result<()> {
        let (ci, home, name, today, code, rng, window, approver) = (
            c.ci,
            c.home,
            c.name,
            c.today,
            &c.code,
            &mut c.rng,
            &c.window,
            &c.approver,
        );
        // ---- Venues (the demo county and two more), relief, archives.
        if home || ci % 5 == 1 {
            let v = self
                .create_venue(
                    window,
                    venues::VenueInput {
                        name: format!("{name}便民夜市"),
                        address: format!("{name}府西街{}号", rng.range(1, 200)),
                        county_code: code.clone(),
                        places: if home { 4 } else { 3 },
                        description: Some("每晚18点至23点，提供水电".into()),
                    },
                )
                .await?;
            r.venues += 1;
            // Applicants: some of the groups above (priority) and others.
            let applicants: Vec<Uuid> = plans
                .iter()
                .take(if home { 7 } else { 4 })
                .map(|(p, _)| *p)
                .collect();
            for pid in &applicants {
                let who = self.demo_resident(residents, *pid).await?;
                self.apply_for_venue(&who, v.id, "小吃摊位").await?;
                r.venue_applications += 1;
            }
            self.allocate_venue(window, v.id).await?;
        }
        if home {
            let startups: Vec<Uuid> = plans
                .iter()
                .filter(|(_, p)| *p == Plan::Startup)
                .map(|(p, _)| *p)
                .take(2)
                .collect();
            for (k, pid) in startups.iter().enumerate() {
                let who = self.demo_resident(residents, *pid).await?;
                let rel = self
                    .apply_relief(
                        &who,
                        venues::ReliefInput {
                            kind: if k == 0 {
                                "rent_relief"
                            } else {
                                "road_fee_exemption"
                            }
                            .into(),
                            location: format!("{name}长风街{}号门面", 10 + k),
                            period_from: day(month_back(today, -1)),
                            period_to: day(month_back(today, -7) - Duration::days(1)),
                            monthly_amount: "1500.00".into(),
                            evidence: Some("租赁合同、营业执照复印件".into()),
                            individual_household: true,
                            declared: true,
                            employer_id: None,
                        },
                    )
                    .await?;
                r.reliefs += 1;
                if k == 0 {
                    self.decide_relief(
                        approver,
                        rel.id,
                        ReliefDecision {
                            approve: true,
                            reason: "个体工商户，承租国有房产，符合减免条件".into(),
                        },
                    )
                    .await?;
                }
            }
        }
        let held: Vec<Uuid> = plans
            .iter()
            .take(if home { 5 } else { 1 })
            .map(|(p, _)| *p)
            .collect();
        for (k, pid) in held.iter().enumerate() {
            let a = self
                .receive_archive(
                    window,
                    archives::ReceiveInput {
                        person_id: *pid,
                        received_on: day(today - Duration::days(rng.range(30, 600))),
                        received_from: Some(
                            (*rng.pick(&["原工作单位", "山西大学", "太原理工大学", "县人才中心"]))
                                .into(),
                        ),
                        location: Some(format!("档案室{}柜{}层", k / 3 + 1, k % 3 + 1)),
                    },
                )
                .await?;
            r.archives += 1;
            if home && k == 0 {
                self.move_archive(
                    window,
                    a.id,
                    archives::ArchiveAction {
                        action: "lend".into(),
                        location: None,
                        borrower: Some(format!("{name}人社局就业科（政审）")),
                        due_on: Some(day(today + Duration::days(14))),
                        destination: None,
                    },
                )
                .await?;
            }
        }
        Ok(())
    }
}
