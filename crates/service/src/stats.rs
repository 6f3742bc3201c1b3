//! Statistics of flexible employment for a staff member's region (四(七), 五(十二)): the gig
//! market and the hires it produced, by child region (province → cities → counties), by
//! month, by form and by occupation (新职业 shown apart), outcomes of older and 困难 workers set
//! against everyone, and progress against the annual targets staff set for their regions.
//!
//! Every figure is computed from the rows of the year asked for (China Standard Time), so it
//! can be checked against a count of the raw rows; tests do exactly that.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, Utc};
use linghuo_domain::{RegionCode, RegionLevel, occupation};
use linghuo_storage::stats as repo;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::access::{Actor, Role};
use crate::audit::{self, AuditActor, Event};
use crate::error::{Result, ServiceError};

/// Age from which a worker counts as older (大龄) in the outcome comparison.
pub const OLDER_AGE: i64 = 50;

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
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
    pub live_posts: i64,
    pub hires: i64,
    /// Distinct people hired in the year: the flexible employment counted against the target.
    pub people_employed: i64,
    pub overdue_pay: i64,
    pub target: Option<i64>,
    /// people_employed / target in percent, one decimal.
    pub progress_percent: Option<f64>,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct MonthStat {
    /// YYYY-MM.
    pub month: String,
    pub posts: i64,
    pub hires: i64,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct FormStat {
    pub form: String,
    pub label: String,
    pub posts: i64,
    pub hires: i64,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct OccupationStat {
    pub code: String,
    pub name: String,
    /// A 新职业 (网约配送员, 直播销售员 …).
    pub new_occupation: bool,
    pub posts: i64,
    pub hires: i64,
    /// Median pay of the posts normalised to yuan per hour (posts paid by the piece left out).
    pub median_hourly_pay: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct GroupOutcome {
    pub group: String,
    pub label: String,
    pub people_hired: i64,
    /// Median days from posting to hire for the group's hires.
    pub median_days_to_hire: Option<f64>,
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
    pub by_occupation: Vec<OccupationStat>,
    pub outcomes: Vec<GroupOutcome>,
}

fn cst(t: DateTime<Utc>) -> chrono::NaiveDateTime {
    (t + Duration::hours(8)).naive_utc()
}

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    let x = if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    };
    Some((x * 10.0).round() / 10.0)
}

/// Fen per hour of a pay (day = 8 hours, month = 174 hours; piece = none).
fn hourly_fen(fen: i64, unit: &str) -> Option<i64> {
    match unit {
        "hour" => Some(fen),
        "day" => Some(fen / 8),
        "month" => Some(fen * 100 / 17_400),
        _ => None,
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
        let prefix = region.sql_prefix();
        let in_year = |t: DateTime<Utc>| cst(t).year() == year;
        let posts: Vec<_> = repo::post_facts(&self.db, &prefix)
            .await?
            .into_iter()
            .filter(|p| in_year(p.created_at))
            .collect();
        let hires: Vec<_> = repo::hire_facts(&self.db, &prefix)
            .await?
            .into_iter()
            .filter(|h| in_year(h.created_at))
            .collect();
        let overdue = repo::overdue_by_county(&self.db, &prefix, today).await?;
        let targets: HashMap<String, i64> = repo::targets(&self.db, year, &prefix)
            .await?
            .into_iter()
            .collect();
        let hard: HashSet<Uuid> = repo::persons_in_group(&self.db, &prefix, "hard_to_employ")
            .await?
            .into_iter()
            .collect();

        // One row per child region plus the total; a county is its own only row.
        let children: Vec<RegionCode> = if region.level() == RegionLevel::County {
            Vec::new()
        } else {
            region.children()
        };
        let child_of = |county: &str| -> Option<usize> {
            let c = RegionCode::parse(county).ok()?;
            children.iter().position(|r| c.is_within(r))
        };
        let blank = |r: &RegionCode| RegionStat {
            code: r.as_str(),
            name: r.name().to_owned(),
            target: targets.get(&r.as_str()).copied(),
            ..RegionStat::default()
        };
        let mut total = blank(&region);
        total.name = region.full_name();
        let mut rows: Vec<RegionStat> = children.iter().map(blank).collect();
        let mut people: Vec<HashSet<Uuid>> = vec![HashSet::new(); rows.len()];
        let mut all_people = HashSet::new();
        for p in &posts {
            let live = i64::from(p.status == "live");
            total.posts += 1;
            total.live_posts += live;
            if let Some(i) = child_of(&p.county_code) {
                rows[i].posts += 1;
                rows[i].live_posts += live;
            }
        }
        for h in &hires {
            total.hires += 1;
            all_people.insert(h.person_id);
            if let Some(i) = child_of(&h.county_code) {
                rows[i].hires += 1;
                people[i].insert(h.person_id);
            }
        }
        for (county, n) in &overdue {
            total.overdue_pay += n;
            if let Some(i) = child_of(county) {
                rows[i].overdue_pay += n;
            }
        }
        total.people_employed = all_people.len() as i64;
        for (r, p) in rows.iter_mut().zip(people) {
            r.people_employed = p.len() as i64;
        }
        for r in rows.iter_mut().chain(std::iter::once(&mut total)) {
            r.progress_percent = r
                .target
                .filter(|t| *t > 0)
                .map(|t| (r.people_employed as f64 * 1000.0 / t as f64).round() / 10.0);
        }

        let mut months: BTreeMap<String, MonthStat> = (1..=12)
            .map(|m| {
                let k = format!("{year}-{m:02}");
                (
                    k.clone(),
                    MonthStat {
                        month: k,
                        ..MonthStat::default()
                    },
                )
            })
            .collect();
        for p in &posts {
            if let Some(m) = months.get_mut(&cst(p.created_at).format("%Y-%m").to_string()) {
                m.posts += 1;
            }
        }
        for h in &hires {
            if let Some(m) = months.get_mut(&cst(h.created_at).format("%Y-%m").to_string()) {
                m.hires += 1;
            }
        }

        let mut forms: Vec<FormStat> = crate::market::FORMS
            .iter()
            .map(|(code, label)| FormStat {
                form: (*code).into(),
                label: (*label).into(),
                ..FormStat::default()
            })
            .collect();
        for p in &posts {
            if let Some(f) = forms.iter_mut().find(|f| f.form == p.form) {
                f.posts += 1;
            }
        }
        for h in &hires {
            if let Some(f) = forms.iter_mut().find(|f| f.form == h.form) {
                f.hires += 1;
            }
        }

        let mut occ: BTreeMap<String, (OccupationStat, Vec<f64>)> = BTreeMap::new();
        let entry = |occ: &mut BTreeMap<String, (OccupationStat, Vec<f64>)>, code: &str| {
            occ.entry(code.to_owned())
                .or_insert_with(|| {
                    let o = occupation(code);
                    (
                        OccupationStat {
                            code: code.to_owned(),
                            name: o.map(|o| o.name.to_owned()).unwrap_or_default(),
                            new_occupation: o.is_some_and(|o| o.new_occupation),
                            ..OccupationStat::default()
                        },
                        Vec::new(),
                    )
                })
                .0
                .code
                .clone()
        };
        for p in &posts {
            let k = entry(&mut occ, &p.occupation);
            let e = occ.get_mut(&k).expect("just inserted");
            e.0.posts += 1;
            if let Some(f) = hourly_fen(p.pay_fen, &p.pay_unit) {
                e.1.push(f as f64);
            }
        }
        for h in &hires {
            let k = entry(&mut occ, &h.occupation);
            occ.get_mut(&k).expect("just inserted").0.hires += 1;
        }
        let mut by_occupation: Vec<OccupationStat> = occ
            .into_values()
            .map(|(mut s, pays)| {
                s.median_hourly_pay = median(pays)
                    .map(|f| linghuo_domain::Money::from_fen(f.round() as i64).to_string());
                s
            })
            .collect();
        by_occupation.sort_by(|a, b| b.posts.cmp(&a.posts).then(a.code.cmp(&b.code)));

        let outcome = |group: &str, label: &str, keep: &dyn Fn(&repo::HireFact) -> bool| {
            let hs: Vec<&repo::HireFact> = hires.iter().filter(|h| keep(h)).collect();
            GroupOutcome {
                group: group.into(),
                label: label.into(),
                people_hired: hs.iter().map(|h| h.person_id).collect::<HashSet<_>>().len() as i64,
                median_days_to_hire: median(
                    hs.iter()
                        .map(|h| (h.created_at - h.posted_at).num_minutes() as f64 / 1440.0)
                        .collect(),
                ),
            }
        };
        let this_year = i64::from(today.year());
        let outcomes = vec![
            outcome("all", "全部劳动者", &|_| true),
            outcome("older", "50岁及以上", &|h| {
                this_year - h.birth_year >= OLDER_AGE
            }),
            outcome("hard_to_employ", "就业困难人员", &|h| {
                hard.contains(&h.person_id)
            }),
        ];
        Ok(Stats {
            region_code: region.as_str(),
            region_name: region.full_name(),
            year,
            total,
            by_region: rows,
            by_month: months.into_values().collect(),
            by_form: forms,
            by_occupation,
            outcomes,
        })
    }

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
