//! Take-up of the benefits (政策享受率) per county: everyone registered in the region whom the
//! engine finds eligible (not only the people the 免申即享 screening newly found), how many
//! of them have had it (money paid by the bank; the tax deduction and the loan qualification,
//! which pay nothing out, approved), and take-up = had ÷ eligible.
//!
//! Unlike the dashboard this is not read from cells: it needs every registered person decided
//! with the parameters in force, one facts gathering each. At provincial scale (millions of
//! registered people) that takes minutes, so it is a **snapshot**: a screening run as of a
//! day over the whole registered population, page by page (never the population in memory),
//! stored per county × benefit as counts and amounts in fen (no personal data). A daily job
//! makes one (`[stats] takeup_snapshot_hour`), province staff can start one on the page
//! (audited), and the page reads the newest finished snapshot at once, summing the rows of
//! the counties in the caller's region. [`Service::take_up_live`] computes the same figures
//! on request (tests compare the two; the bench times both).

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use linghuo_domain::{RegionCode, RegionLevel};
use linghuo_policy::{AmountKind, BenefitId, Engine};
use linghuo_storage::parameters::{self as repo, Had};
use linghuo_storage::stats::takeup::{self as snap, SnapshotCell, SnapshotRow};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::access::{Actor, Role};
use crate::audit::{self, AuditActor, Event};
use crate::error::{Result, ServiceError};
use crate::parameters::{Population, fen};
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
    /// Registered people the engine finds eligible on the snapshot's day.
    pub eligible: i64,
    /// What they are entitled to in total (decimal string, yuan); what it is says
    /// `amount_kind`.
    pub eligible_amount: String,
    /// Of them, people who have had the benefit: for money (`amount_kind` paid, per_course)
    /// a bank instruction paid; for the tax deduction and the loan qualification, where
    /// nothing is paid out, an application approved.
    pub paid: i64,
    /// What they had (decimal string, yuan): paid, or approved.
    pub paid_amount: String,
    /// What the amounts are: `paid` (subsidy paid out), `per_course` (paid out, the sum set
    /// by the course: the engine decides no sum, so `eligible_amount` is 0.00),
    /// `deduction_limit` (the most tax that may be deducted), `loan_ceiling` (the most the
    /// bank may lend).
    pub amount_kind: &'static str,
    /// paid ÷ eligible in percent, one decimal (None when nobody is eligible).
    pub take_up_percent: Option<f64>,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct TakeUp {
    pub region_code: String,
    pub region_name: String,
    /// The day the figures are as of (the snapshot's screening day).
    pub as_of: NaiveDate,
    /// Registered people decided.
    pub persons: usize,
    /// The region's totals per benefit.
    pub totals: Vec<TakeUpRow>,
    /// Per county and benefit (counties with registered people).
    pub by_county: Vec<TakeUpRow>,
    /// Per child region and benefit — the cities of the province, the counties of a city —
    /// summed from `by_county` (children with eligible people; `county_code` is the child's
    /// code). Empty for a county. What the page lists, one level at a time.
    pub by_region: Vec<TakeUpRow>,
    /// SHA-256 of the parameter set the figures were decided with.
    pub parameters_sha256: String,
    /// When the snapshot shown was finished ("数据截至"); None: no snapshot yet (the figures
    /// are empty).
    pub computed_at: Option<DateTime<Utc>>,
    /// The parameters in force differ from the snapshot's (a correction approved since): the
    /// next snapshot follows it.
    pub parameters_changed: bool,
    /// A snapshot being made now: when it started.
    pub refreshing_since: Option<DateTime<Utc>>,
    /// The newest run failed (after the snapshot shown): why, in Chinese.
    pub last_failure: Option<String>,
    /// Whether the caller may start a new snapshot (province staff).
    pub may_refresh: bool,
}

/// A take-up snapshot run, as the refresh answers it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TakeUpRun {
    pub id: Uuid,
    pub as_of: NaiveDate,
    /// running | done | failed
    pub status: String,
    /// daily | staff | cli
    pub origin: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Registered people decided (so far, while running).
    pub persons: i64,
    pub note: String,
}

impl From<SnapshotRow> for TakeUpRun {
    fn from(r: SnapshotRow) -> Self {
        TakeUpRun {
            id: r.id,
            as_of: r.as_of,
            status: r.status,
            origin: r.origin,
            started_at: r.started_at,
            finished_at: r.finished_at,
            persons: r.persons,
            note: r.note,
        }
    }
}

/// What a take-up computation counts: registered people per county, and per county and
/// benefit (eligible, Σ eligible fen, paid, Σ paid fen).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TakeUpTally {
    pub counties: BTreeMap<String, i64>,
    pub cells: BTreeMap<(String, &'static str), [i64; 4]>,
}

impl TakeUpTally {
    /// As snapshot rows (counties, cells).
    pub fn rows(&self) -> (Vec<(String, i64)>, Vec<SnapshotCell>) {
        (
            self.counties.iter().map(|(c, n)| (c.clone(), *n)).collect(),
            self.cells
                .iter()
                .map(|((county, b), v)| SnapshotCell {
                    county_code: county.clone(),
                    benefit: (*b).to_owned(),
                    eligible: v[0],
                    eligible_fen: v[1],
                    paid: v[2],
                    paid_fen: v[3],
                })
                .collect(),
        )
    }

    fn from_rows(counties: Vec<(String, i64)>, cells: Vec<SnapshotCell>) -> TakeUpTally {
        let mut t = TakeUpTally {
            counties: counties.into_iter().collect(),
            ..Default::default()
        };
        for c in cells {
            let Some(b) = BenefitId::FUNNEL
                .iter()
                .map(|b| b.code())
                .find(|b| *b == c.benefit)
            else {
                continue;
            };
            t.cells.insert(
                (c.county_code, b),
                [c.eligible, c.eligible_fen, c.paid, c.paid_fen],
            );
        }
        t
    }
}

/// A run that stopped beating this long ago is taken for dead (its server stopped).
const STALE_MINUTES: i64 = 15;
/// Finished snapshots are kept this long (the newest is always kept).
const KEEP_DAYS: i64 = 400;

fn percent(paid: i64, eligible: i64) -> Option<f64> {
    (eligible > 0).then(|| (paid as f64 * 1000.0 / eligible as f64).round() / 10.0)
}

fn row(code: &str, benefit: &str, v: [i64; 4]) -> TakeUpRow {
    TakeUpRow {
        county_code: code.into(),
        county_name: RegionCode::parse(code)
            .map(|c| c.full_name())
            .unwrap_or_default(),
        benefit: benefit.into(),
        name: benefits::benefit_name(benefit).into(),
        eligible: v[0],
        eligible_amount: fen(v[1]),
        paid: v[2],
        paid_amount: fen(v[3]),
        take_up_percent: percent(v[2], v[0]),
        amount_kind: BenefitId::from_code(benefit)
            .map_or(AmountKind::None, BenefitId::amount_kind)
            .code(),
    }
}

/// The page's figures of a region from a tally of its counties.
fn view(region: &RegionCode, as_of: NaiveDate, t: &TakeUpTally, sha: &str) -> TakeUp {
    let mut totals: BTreeMap<&str, [i64; 4]> = BTreeMap::new();
    for ((_, b), v) in &t.cells {
        let e = totals.entry(b).or_default();
        for k in 0..4 {
            e[k] += v[k];
        }
    }
    let order = super::FUNNEL_BENEFITS.clone();
    let totals = order
        .iter()
        .map(|b| {
            let mut r = row(
                &region.as_str(),
                b,
                totals.get(b).copied().unwrap_or_default(),
            );
            r.county_name = region.full_name();
            r
        })
        .collect();
    let mut by_county: Vec<TakeUpRow> = t
        .cells
        .iter()
        .map(|((county, b), v)| row(county, b, *v))
        .collect();
    by_county.sort_by_key(|r| {
        (
            r.county_code.clone(),
            order.iter().position(|b| *b == r.benefit),
        )
    });
    // One level down: each county's cells added to the child region it lies in.
    let children = region.children();
    let mut child_sums: BTreeMap<(String, &str), [i64; 4]> = BTreeMap::new();
    for ((county, b), v) in &t.cells {
        let Some(child) = RegionCode::parse(county)
            .ok()
            .and_then(|c| children.iter().find(|ch| c.is_within(ch)))
        else {
            continue;
        };
        let e = child_sums.entry((child.as_str(), b)).or_default();
        for k in 0..4 {
            e[k] += v[k];
        }
    }
    let mut by_region: Vec<TakeUpRow> = child_sums
        .iter()
        .map(|((child, b), v)| row(child, b, *v))
        .collect();
    by_region.sort_by_key(|r| {
        (
            r.county_code.clone(),
            order.iter().position(|b| *b == r.benefit),
        )
    });
    TakeUp {
        region_code: region.as_str(),
        region_name: region.full_name(),
        as_of,
        persons: t.counties.values().sum::<i64>().max(0) as usize,
        totals,
        by_county,
        by_region,
        parameters_sha256: sha.to_owned(),
        ..Default::default()
    }
}

fn is_province_staff(actor: &Actor) -> bool {
    actor.role == Role::Staff
        && actor
            .scope
            .is_some_and(|s| s.level() == RegionLevel::Province)
}

impl Service {
    /// Take-up per benefit in the caller's region (or a region inside it), by county, from the
    /// newest snapshot.
    pub async fn take_up(&self, actor: &Actor, q: &TakeUpQuery) -> Result<TakeUp> {
        let region = self.stats_region(actor, q.region.as_deref())?;
        let mut t = self.take_up_of(&region).await?;
        t.may_refresh = is_province_staff(actor);
        Ok(t)
    }

    /// [`Service::take_up`] without a caller: the newest snapshot's rows of the counties in
    /// `region`, summed, with the state of the snapshot runs.
    pub async fn take_up_of(&self, region: &RegionCode) -> Result<TakeUp> {
        let prefix = region.sql_prefix();
        let latest = snap::latest(&self.db).await?;
        let done = match &latest {
            Some(r) if r.status == "done" => Some(r.clone()),
            _ => snap::latest_done(&self.db).await?,
        };
        let mut t = match &done {
            Some(s) => {
                let tally = TakeUpTally::from_rows(
                    snap::counties(&self.db, s.id, &prefix).await?,
                    snap::cells(&self.db, s.id, &prefix).await?,
                );
                let mut t = view(region, s.as_of, &tally, &s.parameters_sha256);
                t.computed_at = s.finished_at;
                t.parameters_changed = s.parameters_sha256 != self.engine.parameters_sha256();
                t
            }
            None => {
                let mut t = view(
                    region,
                    self.clock.today_cst(),
                    &TakeUpTally::default(),
                    self.engine.parameters_sha256(),
                );
                t.totals.clear();
                t
            }
        };
        if let Some(l) = latest {
            let stale = self.clock.now() - chrono::Duration::minutes(STALE_MINUTES);
            match l.status.as_str() {
                "running" if l.heartbeat_at >= stale => t.refreshing_since = Some(l.started_at),
                "running" => t.last_failure = Some("上次更新运行中断，未完成".into()),
                "failed" => t.last_failure = Some(l.note),
                _ => {}
            }
        }
        Ok(t)
    }

    /// Take-up of a region computed now: every registered person decided as of today with the
    /// parameters in force (what a snapshot stores; minutes at provincial scale).
    pub async fn take_up_live(&self, region: &RegionCode) -> Result<TakeUp> {
        let today = self.clock.today_cst();
        let engine: &Engine = &self.engine;
        let tally = self
            .take_up_tally(engine, &region.sql_prefix(), today, None)
            .await?;
        let mut t = view(region, today, &tally, engine.parameters_sha256());
        t.computed_at = Some(self.clock.now());
        Ok(t)
    }

    /// Decides every registered person under `prefix` as of `as_of` with `engine`, a page at a
    /// time, and counts take-up per county and benefit. With a run id, the run's heartbeat is
    /// kept (every ten seconds or so) so that it is not taken for dead.
    pub(crate) async fn take_up_tally(
        &self,
        engine: &Engine,
        prefix: &str,
        as_of: NaiveDate,
        run: Option<Uuid>,
    ) -> Result<TakeUpTally> {
        let mut tally = TakeUpTally::default();
        let mut population = Population::new(self, prefix.to_owned(), as_of);
        let mut beat = Instant::now();
        let mut decided: i64 = 0;
        loop {
            let page = population.next_page().await?;
            if page.is_empty() {
                break;
            }
            let ids: Vec<Uuid> = page.iter().map(|(id, _, _)| *id).collect();
            // Money benefits are had when the bank paid; the others when approved.
            let paid: HashMap<(Uuid, String), i64> =
                repo::had_of_persons(&self.db, &ids, Had::Paid)
                    .await?
                    .into_iter()
                    .chain(
                        repo::had_of_persons(&self.db, &ids, Had::Approved)
                            .await?
                            .into_iter()
                            .filter(|(_, b, _)| BenefitId::from_code(b).is_some_and(|b| !b.paid())),
                    )
                    .map(|(p, b, f)| ((p, b), f))
                    .collect();
            for (person, county, facts) in &page {
                *tally.counties.entry(county.clone()).or_default() += 1;
                let d = engine.decide(facts);
                for b in BenefitId::FUNNEL {
                    let o = d.outcomes[b as usize];
                    if !o.eligible {
                        continue;
                    }
                    let e = tally.cells.entry((county.clone(), b.code())).or_default();
                    e[0] += 1;
                    e[1] += o.amount.0;
                    if let Some(f) = paid.get(&(*person, b.code().to_owned())) {
                        e[2] += 1;
                        e[3] += f;
                    }
                }
            }
            decided += page.len() as i64;
            if let Some(id) = run
                && beat.elapsed() >= std::time::Duration::from_secs(10)
            {
                snap::heartbeat(&self.db, id, decided, self.clock.now()).await?;
                beat = Instant::now();
            }
        }
        Ok(tally)
    }

    /// Starts a snapshot run (`origin` daily | staff | cli) as of today: None when one is
    /// already running. A staff request is audited with the claim.
    async fn claim_take_up_run(
        &self,
        origin: &str,
        actor: Option<&Actor>,
    ) -> Result<Option<SnapshotRow>> {
        let now = self.clock.now();
        let row = SnapshotRow {
            id: Uuid::new_v4(),
            as_of: self.clock.today_cst(),
            status: "running".into(),
            origin: origin.into(),
            requested_by: actor.map(|a| a.user_id),
            started_at: now,
            heartbeat_at: now,
            finished_at: None,
            persons: 0,
            parameters_sha256: self.engine.parameters_sha256().to_owned(),
            note: String::new(),
        };
        let mut tx = self.db.begin().await?;
        if !snap::claim(
            &mut tx,
            &row,
            now - chrono::Duration::minutes(STALE_MINUTES),
        )
        .await?
        {
            return Ok(None);
        }
        if let Some(a) = actor {
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &AuditActor::from(a),
                Event::new("takeup_snapshot_requested", "takeup_snapshot", row.id)
                    .region(a.scope.map(|s| s.as_str()).unwrap_or_default())
                    .detail(json!({"as_of": row.as_of, "origin": origin})),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Some(row))
    }

    /// Makes the snapshot of a claimed run: every registered person of the province decided
    /// with the engine in force when it starts, the rows written and the run finished in one
    /// transaction (audited). A failure marks the run failed (audited) and is returned.
    pub async fn run_take_up_snapshot(&self, run: &SnapshotRow) -> Result<TakeUpRun> {
        let started = Instant::now();
        let engine: &Engine = &self.engine;
        let result = async {
            let tally = self
                .take_up_tally(engine, "", run.as_of, Some(run.id))
                .await?;
            let (counties, cells) = tally.rows();
            let now = self.clock.now();
            let mut tx = self.db.begin().await?;
            if !snap::finish(
                &mut tx,
                run.id,
                &counties,
                &cells,
                engine.parameters_sha256(),
                now,
            )
            .await?
            {
                return Err(ServiceError::Conflict {
                    code: "takeup_run_abandoned",
                    message: "本次更新已被标记为中断，结果未保存".into(),
                });
            }
            snap::prune(&mut tx, now - chrono::Duration::days(KEEP_DAYS)).await?;
            let persons: i64 = counties.iter().map(|(_, n)| n).sum();
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &AuditActor::system(),
                Event::new("takeup_snapshot_finished", "takeup_snapshot", run.id).detail(json!({
                    "as_of": run.as_of,
                    "origin": run.origin,
                    "persons": persons,
                    "counties": counties.len(),
                    "parameters_sha256": engine.parameters_sha256(),
                    "seconds": (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
                })),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
        .await;
        if let Err(e) = result {
            tracing::error!(run = %run.id, error = %e, "take-up snapshot failed");
            let now = self.clock.now();
            snap::fail(
                &self.db,
                run.id,
                "更新失败，请稍后重试或联系系统管理员",
                now,
            )
            .await?;
            let mut tx = self.db.begin().await?;
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &AuditActor::system(),
                Event::new("takeup_snapshot_failed", "takeup_snapshot", run.id)
                    .outcome(audit::Outcome::Failure)
                    .detail(json!({"as_of": run.as_of, "origin": run.origin})),
            )
            .await?;
            tx.commit().await?;
            return Err(e);
        }
        snap::snapshot(&self.db, run.id)
            .await?
            .map(TakeUpRun::from)
            .ok_or(ServiceError::NotFound)
    }

    /// Province staff start a new snapshot now (audited); it runs in the background and the
    /// page shows it running until it is done. Conflict when one is already running.
    pub async fn refresh_take_up(&self, actor: &Actor) -> Result<TakeUpRun> {
        actor.require_role(&[Role::Staff])?;
        if !is_province_staff(actor) {
            return Err(ServiceError::Forbidden {
                code: "province_staff_only",
                message: "政策享受率的统计数据只能由省级工作人员更新".into(),
            });
        }
        let Some(run) = self.claim_take_up_run("staff", Some(actor)).await? else {
            return Err(ServiceError::Conflict {
                code: "takeup_refreshing",
                message: "统计数据正在更新，请稍后刷新页面查看".into(),
            });
        };
        let svc = self.clone();
        let claimed = run.clone();
        tokio::spawn(async move {
            if let Err(e) = svc.run_take_up_snapshot(&claimed).await {
                tracing::warn!(error = %e, "take-up snapshot requested by staff failed");
            }
        });
        Ok(run.into())
    }

    /// Makes a snapshot now, waiting for it (`linghuo stats takeup`): None when one is
    /// already running.
    pub async fn take_up_snapshot_now(&self) -> Result<Option<TakeUpRun>> {
        let Some(run) = self.claim_take_up_run("cli", None).await? else {
            return Ok(None);
        };
        self.run_take_up_snapshot(&run).await.map(Some)
    }

    /// The server's daily job: makes a snapshot when the newest finished one is of an earlier
    /// day and the hour of `[stats] takeup_snapshot_hour` has come (or there is none at all),
    /// unless one is running or failed within the last hour. Returns what it made.
    pub async fn take_up_snapshot_if_due(&self) -> Result<Option<TakeUpRun>> {
        let now = self.clock.now();
        let today = self.clock.today_cst();
        let hour = (now + chrono::Duration::hours(8)).hour();
        let due = match snap::latest_done(&self.db).await? {
            None => true,
            Some(s) => s.as_of < today && hour >= self.config.stats.takeup_snapshot_hour,
        };
        if !due {
            return Ok(None);
        }
        if let Some(l) = snap::latest(&self.db).await?
            && l.status == "failed"
            && l.started_at > now - chrono::Duration::hours(1)
        {
            return Ok(None);
        }
        let Some(run) = self.claim_take_up_run("daily", None).await? else {
            return Ok(None);
        };
        self.run_take_up_snapshot(&run).await.map(Some)
    }
}
