//! Statistics of flexible employment for a staff member's region (四(七), 五(十二), 五(十三)):
//! the gig market and the hires it produced, by child region (province → cities → counties),
//! by month, by form and by occupation (新职业 shown apart); registrations (就业/失业/灵活就业);
//! the benefit funnel (eligible → notified → applied → granted → paid, with amounts and days
//! to pay); complaints by category with the time to resolve them; training and recruitment
//! events; outcomes of older and 困难 workers set against everyone; and progress against the
//! annual targets staff set for their regions.
//!
//! Every figure is read from the pre-aggregated cells of migration 0008_stats, which triggers
//! keep equal to the raw rows at every commit (months and years in China Standard Time). A
//! dashboard reads the cells of its region and of its child regions only, so its cost does
//! not grow with the rows. `linghuo stats check` recomputes every cell from the raw rows and
//! reports any difference; tests compare the figures with counts of the raw rows.

// Statistics by part: this file holds the staff dashboard figures.
pub mod open;
pub mod takeup;
pub mod workbench;

use std::collections::{BTreeMap, HashMap};

use chrono::Datelike;
use linghuo_domain::{Money, RegionCode, RegionLevel, occupation};
use linghuo_storage::stats::{self as repo, StatCell};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::Service;
use crate::access::{Actor, Role};
use crate::audit::{self, AuditActor, Event};
use crate::error::{Result, ServiceError};

/// Age (in the year of the hire) from which a worker counts as older (大龄).
pub const OLDER_AGE: i64 = 50;

/// Registration kinds: code and label.
pub const REGISTRATION_KINDS: &[(&str, &str)] = &[
    ("employment", "就业登记"),
    ("unemployment", "失业登记"),
    ("flexible", "灵活就业登记"),
];

/// Course kinds: code and label.
pub const COURSE_KINDS: &[(&str, &str)] =
    &[("skills", "职业技能培训"), ("entrepreneurship", "创业培训")];

/// The benefits the funnel follows, in the order of the document (the policy crate's
/// [`linghuo_policy::BenefitId::FUNNEL`]).
pub static FUNNEL_BENEFITS: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| {
        linghuo_policy::BenefitId::FUNNEL
            .iter()
            .map(|b| b.code())
            .collect()
    });

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct StatsQuery {
    /// A region inside the caller's scope (default: the whole scope).
    pub region: Option<String>,
    /// Calendar year (default: this year).
    pub year: Option<i32>,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct RegionStat {
    pub code: String,
    pub name: String,
    pub posts: i64,
    /// Posts of the year still live now.
    pub live_posts: i64,
    pub hires: i64,
    /// Distinct people hired in the year: the flexible employment counted against the target.
    pub people_employed: i64,
    /// Pay records due before today that the worker has not confirmed (now, any year).
    pub overdue_pay: i64,
    pub target: Option<i64>,
    /// people_employed / target in percent, one decimal.
    pub progress_percent: Option<f64>,
    /// 灵活就业登记 starting in the year (every one, not only platform hires): the second
    /// count set against the target.
    #[serde(default)]
    pub flexible_registrations: i64,
    /// flexible_registrations / target in percent, one decimal.
    #[serde(default)]
    pub registration_progress_percent: Option<f64>,
    /// Registrations (就业/失业/灵活就业) starting in the year.
    #[serde(default)]
    pub registrations: i64,
    /// Benefit applications approved in the year.
    #[serde(default)]
    pub benefits_granted: i64,
    /// Complaints received in the year.
    #[serde(default)]
    pub complaints: i64,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct MonthStat {
    /// YYYY-MM.
    pub month: String,
    pub posts: i64,
    pub hires: i64,
    #[serde(default)]
    pub registrations: i64,
    /// Benefit applications filed.
    #[serde(default)]
    pub applications: i64,
    #[serde(default)]
    pub complaints: i64,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct FormStat {
    pub form: String,
    pub label: String,
    pub posts: i64,
    pub hires: i64,
}

/// One form of flexible employment (二(三): 个体经营, 非全日制, 新就业形态, 零工): the
/// 灵活就业登记 that record it, the posts and hires of the market forms that belong to it,
/// and the workers platforms reported in it (五(十二)).
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct FlexibleFormStat {
    /// self_employed | part_time | platform | gig | unknown (registrations without a form)
    /// | other (posts for long-term work, not a form of flexible employment)
    pub form: String,
    pub label: String,
    /// 灵活就业登记 starting in the year with this form.
    pub registrations: i64,
    /// 灵活就业登记 with this form open now.
    pub registered_now: i64,
    /// Posts and hires of the year whose market form belongs to this form.
    pub posts: i64,
    pub hires: i64,
    /// Workers platforms reported in this form, starting in the year (by the county they
    /// serve in).
    #[serde(default)]
    pub reported: i64,
    /// Workers platforms reported in this form, not ended now.
    #[serde(default)]
    pub reported_now: i64,
}

/// The forms of flexible employment the statistics count by, with the market forms (of
/// posts) that belong to each: 小时工 is 非全日制用工, 短期 and 零工/日结 are 零工; a
/// person's own business (个体经营) is never a post.
pub const FLEXIBLE_FORMS: &[(&str, &str, &[&str])] = &[
    ("self_employed", "个体经营", &[]),
    ("part_time", "非全日制", &["part_time", "hourly"]),
    ("platform", "新就业形态", &["platform"]),
    ("gig", "零工", &["gig", "short_term"]),
    ("unknown", "未填写", &[]),
    ("other", "其他（长期岗位）", &["long_term"]),
];

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct OccupationStat {
    pub code: String,
    pub name: String,
    /// A 新职业 (网约配送员, 直播销售员 …).
    pub new_occupation: bool,
    pub posts: i64,
    pub hires: i64,
    /// Median of the posts' estimated pay per hour, each rounded to the yuan first (with
    /// each post's hours, else a day is 8 hours and a month 174; posts without an estimate —
    /// piece rates or 面议 without typical daily earnings — left out).
    pub median_hourly_pay: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct GroupOutcome {
    pub group: String,
    pub label: String,
    pub people_hired: i64,
    /// Median days from posting to hire for the group's hires (each to a tenth of a day).
    pub median_days_to_hire: Option<f64>,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct RegistrationStat {
    pub kind: String,
    pub label: String,
    /// Registrations starting in the year.
    pub started: i64,
    /// Registrations open now.
    pub open_now: i64,
}

/// One benefit's funnel in the year; each stage counted in the month it happened.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct FunnelStat {
    pub benefit: String,
    pub name: String,
    /// Found eligible by the screening (免申即享).
    pub eligible: i64,
    /// Of those, told so.
    pub notified: i64,
    pub applied: i64,
    pub granted: i64,
    /// Payment instructions the bank paid.
    pub paid: i64,
    /// Amounts in yuan (decimal strings).
    pub eligible_amount: String,
    pub applied_amount: String,
    pub granted_amount: String,
    pub paid_amount: String,
    /// Whole days from application to payment: median and mean (one decimal).
    pub median_days_to_pay: Option<f64>,
    pub mean_days_to_pay: Option<f64>,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct ComplaintStat {
    pub category: String,
    pub label: String,
    pub received: i64,
    pub resolved: i64,
    /// Median days from receipt to resolution (each to a tenth of a day).
    pub median_days_to_resolve: Option<f64>,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct ServiceStat {
    /// `training:skills`, `training:entrepreneurship` or `events`.
    pub kind: String,
    pub label: String,
    /// Enrolled (training) or registered (events).
    pub joined: i64,
    /// Completed (training) or checked in (events).
    pub attended: i64,
    /// Hires recorded as outcomes (events only).
    pub hired: i64,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Stats {
    pub region_code: String,
    pub region_name: String,
    pub year: i32,
    pub total: RegionStat,
    /// The child regions (cities of the province, counties of a city); empty for a county.
    pub by_region: Vec<RegionStat>,
    pub by_month: Vec<MonthStat>,
    pub by_form: Vec<FormStat>,
    /// By the form of flexible employment: registrations, posts and hires.
    #[serde(default)]
    pub by_flexible_form: Vec<FlexibleFormStat>,
    pub by_occupation: Vec<OccupationStat>,
    pub outcomes: Vec<GroupOutcome>,
    #[serde(default)]
    pub registrations: Vec<RegistrationStat>,
    #[serde(default)]
    pub funnel: Vec<FunnelStat>,
    #[serde(default)]
    pub complaints: Vec<ComplaintStat>,
    #[serde(default)]
    pub services: Vec<ServiceStat>,
    /// 四(十一) assistance referral: found → referred → outcome, the region's total first,
    /// then by county (read from the referral records, not from the cells).
    #[serde(default)]
    pub assistance: Vec<crate::benefits::assistance::AssistanceFunnel>,
    /// 五(十二) budget use by county and fund (budget, committed, paid, held, remaining).
    #[serde(default)]
    pub budgets: Vec<crate::benefits::budget::BudgetUse>,
}

/// Median of a histogram of (value, count), values in any unit; `None` when empty.
fn hist_median(h: &BTreeMap<i64, i64>) -> Option<f64> {
    let total: i64 = h.values().sum();
    if total <= 0 {
        return None;
    }
    // The values at (1-based) ranks ceil(total/2) and total/2+1 (equal when total is odd).
    let (lo_rank, hi_rank) = if total % 2 == 1 {
        (total / 2 + 1, total / 2 + 1)
    } else {
        (total / 2, total / 2 + 1)
    };
    let mut seen = 0;
    let (mut lo, mut hi) = (None, None);
    for (v, c) in h {
        seen += c;
        if lo.is_none() && seen >= lo_rank {
            lo = Some(*v);
        }
        if seen >= hi_rank {
            hi = Some(*v);
            break;
        }
    }
    Some((lo? + hi?) as f64 / 2.0)
}

fn hist_mean(h: &BTreeMap<i64, i64>) -> Option<f64> {
    let total: i64 = h.values().sum();
    (total > 0).then(|| {
        let sum: i64 = h.iter().map(|(v, c)| v * c).sum();
        (sum as f64 * 10.0 / total as f64).round() / 10.0
    })
}

fn tenths(v: Option<f64>) -> Option<f64> {
    v.map(|t| t.round() / 10.0)
}

/// The cells of one region by metric, summed over what a figure does not distinguish.
struct Cells(HashMap<String, Vec<StatCell>>);

impl Cells {
    fn new(cells: Vec<StatCell>) -> Cells {
        let mut m: HashMap<String, Vec<StatCell>> = HashMap::new();
        for c in cells {
            m.entry(c.metric.clone()).or_default().push(c);
        }
        Cells(m)
    }
    fn of(&self, metric: &str) -> &[StatCell] {
        self.0.get(metric).map_or(&[], Vec::as_slice)
    }
    fn sum(&self, metric: &str, keep: impl Fn(&StatCell) -> bool) -> (i64, i64) {
        self.of(metric)
            .iter()
            .filter(|c| keep(c))
            .fold((0, 0), |(n, a), c| (n + c.n, a + c.amount))
    }
    fn n(&self, metric: &str, keep: impl Fn(&StatCell) -> bool) -> i64 {
        self.sum(metric, keep).0
    }
    /// A histogram of k2 (an integer) for the cells of `metric` with k1 = `k1`.
    fn hist(&self, metric: &str, k1: &str) -> BTreeMap<i64, i64> {
        let mut h = BTreeMap::new();
        for c in self.of(metric).iter().filter(|c| c.k1 == k1) {
            if let Ok(v) = c.k2.parse::<i64>()
                && c.n != 0
            {
                *h.entry(v).or_insert(0) += c.n;
            }
        }
        h
    }
    /// Sum of n per k1 for a metric.
    fn by_k1(&self, metric: &str) -> BTreeMap<String, i64> {
        let mut m = BTreeMap::new();
        for c in self.of(metric) {
            *m.entry(c.k1.clone()).or_insert(0) += c.n;
        }
        m
    }
    fn region_row(&self, r: &RegionCode, target: Option<i64>) -> RegionStat {
        let people_employed = self.n("people", |c| c.k1 == "all");
        let flexible_registrations = self.n("registrations", |c| {
            c.k1 == "flexible" && !c.period.is_empty()
        });
        let percent = |n: i64| {
            target
                .filter(|t| *t > 0)
                .map(|t| (n as f64 * 1000.0 / t as f64).round() / 10.0)
        };
        RegionStat {
            flexible_registrations,
            registration_progress_percent: percent(flexible_registrations),
            code: r.as_str(),
            name: r.name().to_owned(),
            posts: self.n("posts", |_| true),
            live_posts: self.n("live_posts", |_| true),
            hires: self.n("hires", |_| true),
            people_employed,
            overdue_pay: self.n("unconfirmed_pay", |_| true),
            target,
            progress_percent: percent(people_employed),
            registrations: self.n("registrations", |_| true),
            benefits_granted: self.n("funnel", |c| c.k2 == "granted"),
            complaints: self.n("complaints", |c| c.k2 == "received"),
        }
    }
}

impl Service {
    /// The region a staff member asks about: their scope, or a region inside it.
    fn stats_region(&self, actor: &Actor, region: Option<&str>) -> Result<RegionCode> {
        actor.require_role(&[Role::Staff])?;
        let scope = actor.scope.ok_or_else(ServiceError::forbidden)?;
        match region.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(scope),
            Some(r) => {
                let code = RegionCode::parse(r).map_err(|e| ServiceError::field("region", e))?;
                if code.is_within(&scope) {
                    Ok(code)
                } else {
                    Err(ServiceError::NotFound)
                }
            }
        }
    }

    pub async fn statistics(&self, actor: &Actor, q: &StatsQuery) -> Result<Stats> {
        let region = self.stats_region(actor, q.region.as_deref())?;
        let today = self.clock.today_cst();
        let year = q.year.unwrap_or(today.year());
        if !(2020..=today.year() + 1).contains(&year) {
            return Err(ServiceError::invalid(
                "year",
                "year_range",
                format!("年份应在2020至{}之间", today.year() + 1),
            ));
        }
        self.statistics_of(&region, year).await
    }

    /// The statistics of any region and year, without a caller (benchmarks and checks).
    pub async fn statistics_of(&self, region: &RegionCode, year: i32) -> Result<Stats> {
        let today = self.clock.today_cst();
        let own =
            Cells::new(repo::region_cells(&self.db, year, &region.as_str(), today, false).await?);
        let targets: HashMap<String, i64> = repo::targets(&self.db, year, &region.sql_prefix())
            .await?
            .into_iter()
            .collect();
        // One row per child region; a county has none.
        let children: Vec<RegionCode> = if region.level() == RegionLevel::County {
            Vec::new()
        } else {
            region.children()
        };
        let mut by_region = Vec::with_capacity(children.len());
        for child in &children {
            let cells =
                Cells::new(repo::region_cells(&self.db, year, &child.as_str(), today, true).await?);
            by_region.push(cells.region_row(child, targets.get(&child.as_str()).copied()));
        }
        let mut total = own.region_row(region, targets.get(&region.as_str()).copied());
        total.name = region.full_name();

        let by_month = (1..=12)
            .map(|m| {
                let k = format!("{year}-{m:02}");
                MonthStat {
                    posts: own.n("posts", |c| c.period == k),
                    hires: own.n("hires", |c| c.period == k),
                    registrations: own.n("registrations", |c| c.period == k),
                    applications: own.n("funnel", |c| c.period == k && c.k2 == "applied"),
                    complaints: own.n("complaints", |c| c.period == k && c.k2 == "received"),
                    month: k,
                }
            })
            .collect();

        let posts_form = own.by_k1("posts_form");
        let hires_form = own.by_k1("hires_form");
        let by_form = crate::market::FORMS
            .iter()
            .map(|(code, label)| FormStat {
                form: (*code).into(),
                label: (*label).into(),
                posts: posts_form.get(*code).copied().unwrap_or(0),
                hires: hires_form.get(*code).copied().unwrap_or(0),
            })
            .collect();

        let by_flexible_form = FLEXIBLE_FORMS
            .iter()
            .map(|(code, label, market)| {
                let reg = |metric: &str| {
                    let key = if *code == "unknown" { "" } else { *code };
                    own.n(metric, |c| {
                        c.k1 == "flexible"
                            && c.k2 == key
                            && (metric != "registrations" || !c.period.is_empty())
                    })
                };
                let market_sum = |m: &BTreeMap<String, i64>| {
                    market.iter().map(|f| m.get(*f).copied().unwrap_or(0)).sum()
                };
                FlexibleFormStat {
                    form: (*code).into(),
                    label: (*label).into(),
                    registrations: if *code == "other" {
                        0
                    } else {
                        reg("registrations")
                    },
                    registered_now: if *code == "other" {
                        0
                    } else {
                        reg("registrations_open")
                    },
                    posts: market_sum(&posts_form),
                    hires: market_sum(&hires_form),
                    reported: own.n("platform_workers", |c| {
                        c.k1 == *code && !c.period.is_empty()
                    }),
                    reported_now: own.n("platform_workers_open", |c| c.k1 == *code),
                }
            })
            .collect();

        let posts_occ = own.by_k1("posts_occupation");
        let hires_occ = own.by_k1("hires_occupation");
        let mut by_occupation: Vec<OccupationStat> = posts_occ
            .keys()
            .chain(hires_occ.keys())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|code| {
                let o = occupation(code);
                OccupationStat {
                    code: code.clone(),
                    name: o.map(|o| o.name.to_owned()).unwrap_or_default(),
                    new_occupation: o.is_some_and(|o| o.new_occupation),
                    posts: posts_occ.get(code).copied().unwrap_or(0),
                    hires: hires_occ.get(code).copied().unwrap_or(0),
                    median_hourly_pay: hist_median(&own.hist("pay_hourly", code))
                        .map(|y| Money::from_fen((y * 100.0).round() as i64).to_string()),
                }
            })
            .filter(|o| o.posts != 0 || o.hires != 0)
            .collect();
        by_occupation.sort_by(|a, b| b.posts.cmp(&a.posts).then(a.code.cmp(&b.code)));

        let outcomes = [
            ("all", "全部劳动者"),
            ("older", "50岁及以上"),
            ("hard_to_employ", "就业困难人员"),
        ]
        .iter()
        .map(|(g, label)| GroupOutcome {
            group: (*g).into(),
            label: (*label).into(),
            people_hired: own.n("people", |c| c.k1 == *g),
            median_days_to_hire: tenths(hist_median(&own.hist("days_to_hire", g))),
        })
        .collect();

        let registrations = REGISTRATION_KINDS
            .iter()
            .map(|(kind, label)| RegistrationStat {
                kind: (*kind).into(),
                label: (*label).into(),
                started: own.n("registrations", |c| c.k1 == *kind && !c.period.is_empty()),
                open_now: own.n("registrations_open", |c| c.k1 == *kind),
            })
            .collect();

        let funnel = FUNNEL_BENEFITS
            .iter()
            .map(|b| {
                let stage = |s: &str| own.sum("funnel", |c| c.k1 == *b && c.k2 == s);
                let (eligible, ea) = stage("eligible");
                let (applied, aa) = stage("applied");
                let (granted, ga) = stage("granted");
                let (paid, pa) = stage("paid");
                let days = own.hist("days_to_pay", b);
                FunnelStat {
                    benefit: (*b).into(),
                    name: crate::benefits::benefit_name(b).into(),
                    eligible,
                    notified: stage("notified").0,
                    applied,
                    granted,
                    paid,
                    eligible_amount: Money::from_fen(ea).to_string(),
                    applied_amount: Money::from_fen(aa).to_string(),
                    granted_amount: Money::from_fen(ga).to_string(),
                    paid_amount: Money::from_fen(pa).to_string(),
                    median_days_to_pay: hist_median(&days),
                    mean_days_to_pay: hist_mean(&days),
                }
            })
            .collect();

        let complaints = crate::complaints::CATEGORIES
            .iter()
            .map(|(cat, label)| ComplaintStat {
                category: (*cat).into(),
                label: (*label).into(),
                received: own.n("complaints", |c| c.k1 == *cat && c.k2 == "received"),
                resolved: own.n("complaints", |c| c.k1 == *cat && c.k2 == "resolved"),
                median_days_to_resolve: tenths(hist_median(&own.hist("days_to_resolve", cat))),
            })
            .collect();

        let mut services: Vec<ServiceStat> = COURSE_KINDS
            .iter()
            .map(|(kind, label)| ServiceStat {
                kind: format!("training:{kind}"),
                label: (*label).into(),
                joined: own.n("training", |c| c.k1 == *kind && c.k2 == "enrolled"),
                attended: own.n("training", |c| c.k1 == *kind && c.k2 == "completed"),
                hired: 0,
            })
            .collect();
        services.push(ServiceStat {
            kind: "events".into(),
            label: "专场招聘活动".into(),
            joined: own.n("events", |c| c.k2 == "registered"),
            attended: own.n("events", |c| c.k2 == "checked_in"),
            hired: own.n("events", |c| c.k2 == "hired"),
        });

        let assistance = self.assistance_funnel_of(region, year).await?;
        let budgets = self.budget_use_of(region, year).await?;

        Ok(Stats {
            assistance,
            budgets,
            region_code: region.as_str(),
            region_name: region.full_name(),
            year,
            total,
            by_region,
            by_month,
            by_form,
            by_flexible_form,
            by_occupation,
            outcomes,
            registrations,
            funnel,
            complaints,
            services,
        })
    }

    /// Folds pending statistics deltas into the cells (PostgreSQL; a no-op on SQLite). The
    /// figures are the same before and after; reads just get cheaper.
    pub async fn stats_compact(&self) -> Result<i64> {
        Ok(repo::compact(&self.db).await?)
    }

    /// Recomputes every statistics cell from the raw rows and compares with the cells kept by
    /// the triggers; with `repair`, replaces them. Returns the cells that differed
    /// (year, region, metric, period, keys, kept n, recomputed n).
    pub async fn stats_check(&self, repair: bool) -> Result<Vec<StatsDifference>> {
        let mut tx = self.db.begin().await?;
        let kept = repo::all_cells(&mut tx).await?;
        repo::rebuild_cells(&mut tx).await?;
        let fresh = repo::all_cells(&mut tx).await?;
        let key = |(y, r, c): &(i32, String, StatCell)| {
            (
                *y,
                r.clone(),
                c.metric.clone(),
                c.period.clone(),
                c.k1.clone(),
                c.k2.clone(),
            )
        };
        let mut diff: BTreeMap<_, (i64, i64, i64, i64)> = BTreeMap::new();
        for c in &kept {
            diff.entry(key(c)).or_default().0 = c.2.n;
            diff.entry(key(c)).or_default().2 = c.2.amount;
        }
        for c in &fresh {
            diff.entry(key(c)).or_default().1 = c.2.n;
            diff.entry(key(c)).or_default().3 = c.2.amount;
        }
        let out: Vec<StatsDifference> = diff
            .into_iter()
            .filter(|(_, (a, b, x, y))| a != b || x != y)
            .map(
                |((year, region, metric, period, k1, k2), (kept, recomputed, ka, ra))| {
                    StatsDifference {
                        year,
                        region,
                        metric,
                        period,
                        k1,
                        k2,
                        kept,
                        recomputed,
                        kept_amount: ka,
                        recomputed_amount: ra,
                    }
                },
            )
            .collect();
        if repair {
            let now = self.clock.now();
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &AuditActor::system(),
                Event::new("stats_rebuilt", "stats", "cells")
                    .detail(json!({"differences": out.len(), "cells": fresh.len()})),
            )
            .await?;
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(out)
    }
}

/// A cell whose kept value differs from the value recomputed from the raw rows.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StatsDifference {
    pub year: i32,
    pub region: String,
    pub metric: String,
    pub period: String,
    pub k1: String,
    pub k2: String,
    pub kept: i64,
    pub recomputed: i64,
    pub kept_amount: i64,
    pub recomputed_amount: i64,
}

impl Service {
    /// Sets the annual flexible-employment target of a city or county strictly inside the
    /// caller's scope (province staff set cities' and counties', city staff their counties').
    pub async fn set_employment_target(
        &self,
        actor: &Actor,
        year: i32,
        region: &str,
        target: i64,
    ) -> Result<()> {
        actor.require_role(&[Role::Staff])?;
        let scope = actor.scope.ok_or_else(ServiceError::forbidden)?;
        let code =
            RegionCode::parse(region.trim()).map_err(|e| ServiceError::field("region", e))?;
        if code == scope || !code.is_within(&scope) {
            return Err(ServiceError::invalid(
                "region",
                "target_scope",
                "只能为本辖区下级的市、县（市、区）设定目标",
            ));
        }
        let this_year = self.clock.today_cst().year();
        if !(this_year - 1..=this_year + 1).contains(&year) {
            return Err(ServiceError::invalid(
                "year",
                "year_range",
                "只能设定上一年、今年或明年的目标",
            ));
        }
        if !(0..=10_000_000).contains(&target) {
            return Err(ServiceError::invalid(
                "target",
                "target_range",
                "目标人数应为0至10000000",
            ));
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        repo::set_target(
            &mut tx,
            year,
            &code.as_str(),
            target,
            Some(actor.user_id),
            now,
        )
        .await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("employment_target_set", "region", code.as_str())
                .region(code.as_str())
                .detail(json!({"year": year, "target": target})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
