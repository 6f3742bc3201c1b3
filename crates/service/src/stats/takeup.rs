//! Take-up of the benefits (政策享受率) per county: everyone registered in the region whom the
//! engine finds eligible today (not only the people the 免申即享 screening newly found), how
//! many of them have been paid, and take-up = paid ÷ eligible.
//!
//! Unlike the dashboard, this is not read from cells: it decides every registered person of
//! the region with the parameters in force (one pass, the engine's fast path), so it follows
//! a parameter correction at once. It costs one facts gathering per person, so it has a page
//! and an API call of its own and is not part of `statistics`.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use linghuo_domain::RegionCode;
use linghuo_storage::parameters as repo;
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::error::Result;
use crate::parameters::{fen, tally_take_up};
use crate::{Service, benefits};

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct TakeUpQuery {
    /// A region inside the caller's scope (default: the whole scope).
    pub region: Option<String>,
}

/// One benefit in one county (or the region's total, `county_code` = the region).
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct TakeUpRow {
    pub county_code: String,
    pub county_name: String,
    pub benefit: String,
    pub name: String,
    /// Registered people the engine finds eligible today.
    pub eligible: i64,
    /// What they are entitled to in total (decimal string, yuan).
    pub eligible_amount: String,
    /// Of them, people paid for the benefit (a bank instruction paid).
    pub paid: i64,
    pub paid_amount: String,
    /// paid ÷ eligible in percent, one decimal (None when nobody is eligible).
    pub take_up_percent: Option<f64>,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct TakeUp {
    pub region_code: String,
    pub region_name: String,
    pub as_of: NaiveDate,
    /// Registered people decided.
    pub persons: usize,
    /// The region's totals per benefit.
    pub totals: Vec<TakeUpRow>,
    /// Per county and benefit (counties with registered people).
    pub by_county: Vec<TakeUpRow>,
    pub parameters_sha256: String,
}

fn percent(paid: i64, eligible: i64) -> Option<f64> {
    (eligible > 0).then(|| (paid as f64 * 1000.0 / eligible as f64).round() / 10.0)
}

fn row(code: &str, benefit: &str, v: (i64, i64, i64, i64)) -> TakeUpRow {
    TakeUpRow {
        county_code: code.into(),
        county_name: RegionCode::parse(code)
            .map(|c| c.full_name())
            .unwrap_or_default(),
        benefit: benefit.into(),
        name: benefits::benefit_name(benefit).into(),
        eligible: v.0,
        eligible_amount: fen(v.1),
        paid: v.2,
        paid_amount: fen(v.3),
        take_up_percent: percent(v.2, v.0),
    }
}

impl Service {
    /// Take-up per benefit in the caller's region (or a region inside it), by county.
    pub async fn take_up(&self, actor: &Actor, q: &TakeUpQuery) -> Result<TakeUp> {
        let region = self.stats_region(actor, q.region.as_deref())?;
        self.take_up_of(&region).await
    }

    /// [`Service::take_up`] without a caller.
    pub async fn take_up_of(&self, region: &RegionCode) -> Result<TakeUp> {
        let today = self.clock.today_cst();
        let population = self.registered_population(region, today).await?;
        let paid: HashMap<(uuid::Uuid, String), i64> =
            repo::paid_by_person(&self.db, &region.sql_prefix())
                .await?
                .into_iter()
                .map(|(p, b, f)| ((p, b), f))
                .collect();
        let cells = tally_take_up(&population, &self.engine, &paid);
        let mut totals: BTreeMap<&str, (i64, i64, i64, i64)> = BTreeMap::new();
        for ((_, b), v) in &cells {
            let t = totals.entry(b).or_default();
            t.0 += v.0;
            t.1 += v.1;
            t.2 += v.2;
            t.3 += v.3;
        }
        let order = super::FUNNEL_BENEFITS.clone();
        let totals = order
            .iter()
            .map(|b| {
                row(
                    &region.as_str(),
                    b,
                    totals.get(b).copied().unwrap_or_default(),
                )
            })
            .map(|mut r| {
                r.county_name = region.full_name();
                r
            })
            .collect();
        let mut by_county: Vec<TakeUpRow> = cells
            .iter()
            .map(|((county, b), v)| row(county, b, *v))
            .collect();
        by_county.sort_by_key(|r| {
            (
                r.county_code.clone(),
                order.iter().position(|b| *b == r.benefit),
            )
        });
        Ok(TakeUp {
            region_code: region.as_str(),
            region_name: region.full_name(),
            as_of: today,
            persons: population.len(),
            totals,
            by_county,
            parameters_sha256: self.engine.parameters_sha256().to_owned(),
        })
    }
}
