//! 免费经营场地 and fee relief (三(五)(六)).
//!
//! Venues: county staff list free community business venues with a number of places;
//! persons apply; "allocate" fills the free places in one transaction — the priority groups
//! first (下岗失业人员 and 登记失业人员, 高校毕业生, 农民工/返乡农民工, 就业困难人员), then by time of
//! application — with conditional updates, so racing allocations never exceed capacity. A
//! group counts only when it is verified or comes from the registry or a staff check
//! (self-declared, unchecked groups do not), and only while it has not ended.
//!
//! Fee relief: rent relief for 个体工商户 in state-owned property (三(六)) and the urban
//! road-occupation fee exemption (三(五)); staff decide, and the policy engine's reasons and
//! citations are stored with the decision.

use chrono::{DateTime, NaiveDate, Utc};
use linghuo_domain::Money;
use linghuo_policy::facts::{Business, BusinessKind};
use linghuo_policy::{Engine, Facts, ScreenOptions};
use linghuo_storage::market as market_repo;
use linghuo_storage::notices::{self as notice_repo, NoticeRow};
use linghuo_storage::persons;
use linghuo_storage::services::{self as repo, ReliefRow, VenueApplicationRow, VenueRow};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::access::{Actor, Role};
use crate::audit::{self, AuditActor, Event};
use crate::error::{Result, ServiceError};
use crate::events::{
    conflict_of, county_in_scope, county_name, date, label, opt_text, staff_prefix, text,
};
use crate::persons::group_label;

/// The groups served first (三(六)): the policy engine's `venue_priority` list, so the
/// allocation and the engine's determination agree — 下岗失业人员 with 登记失业人员 (失业人员,
/// as the assistance referral of 四(十一) counts them), 高校毕业生, 农民工 and 返乡农民工,
/// 就业困难人员 — in the order their label is preferred.
pub static PRIORITY_GROUPS: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| {
        linghuo_policy::venue_priority_groups()
            .iter()
            .map(|g| g.code())
            .collect()
    });

pub const APPLICATION_STATUSES: &[(&str, &str)] = &[
    ("pending", "待分配"),
    ("allocated", "已分配"),
    ("waitlisted", "候补"),
    ("withdrawn", "已撤回"),
];

pub const RELIEF_KINDS: &[(&str, &str, &str)] = &[
    ("rent_relief", "国有房屋租金减免", "三(六)"),
    ("road_fee_exemption", "免征城市道路占用费", "三(五)"),
];

pub const RELIEF_STATUSES: &[(&str, &str)] = &[
    ("pending", "待审核"),
    ("approved", "已批准"),
    ("refused", "未批准"),
];

fn person_of(actor: &Actor) -> Result<Uuid> {
    actor.require_role(&[Role::Worker])?;
    actor.person_id.ok_or(ServiceError::Forbidden {
        code: "person_missing",
        message: "账户未关联人员信息".into(),
    })
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VenueInput {
    pub name: String,
    pub address: String,
    pub county_code: String,
    /// Number of places (stalls), 1 to 10000.
    pub places: i64,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct VenueView {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub county_code: String,
    pub county_name: String,
    pub places: i64,
    pub allocated: i64,
    pub free: i64,
    pub open: bool,
    pub description: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct VenueApplicationView {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub venue_name: String,
    /// Masked.
    pub applicant_name: String,
    /// The applicant's person record: staff pages link to it; not sent in the API.
    #[serde(skip)]
    pub person_id: Uuid,
    pub business: String,
    pub status: String,
    pub status_label: &'static str,
    /// The priority group that counts now (pending) or counted at the decision.
    pub priority_group: Option<String>,
    pub priority_label: Option<String>,
    pub rank: Option<i64>,
    pub reason: String,
    pub applied_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct VenueDetail {
    pub venue: VenueView,
    pub applications: Vec<VenueApplicationView>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AllocationReport {
    pub allocated: i64,
    pub waitlisted: i64,
    pub detail: VenueDetail,
}

fn venue_view(v: &VenueRow) -> VenueView {
    VenueView {
        id: v.id,
        name: v.name.clone(),
        address: v.address.clone(),
        county_code: v.county_code.clone(),
        county_name: county_name(&v.county_code),
        places: v.places,
        allocated: v.allocated,
        free: v.places - v.allocated,
        open: v.is_open,
        description: v.description.clone(),
    }
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReliefInput {
    /// rent_relief or road_fee_exemption.
    pub kind: String,
    /// The property rented (rent relief) or the approved roadside place (road fee).
    pub location: String,
    /// YYYY-MM-DD.
    pub period_from: String,
    pub period_to: String,
    /// Monthly rent or fee, yuan with up to two decimals ("1200.00").
    pub monthly_amount: String,
    #[serde(default)]
    pub evidence: Option<String>,
    /// The applicant runs a 个体工商户.
    #[serde(default)]
    pub individual_household: bool,
    /// Rent relief: the property is state-owned. Road fee: the road occupation is approved.
    #[serde(default)]
    pub declared: bool,
    /// Optionally the market employer (kind individual_household) the business is registered as.
    #[serde(default)]
    pub employer_id: Option<Uuid>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReliefDecision {
    pub approve: bool,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReliefView {
    pub id: Uuid,
    pub kind: String,
    pub kind_label: &'static str,
    /// 三(六) for rent relief, 三(五) for the road fee.
    pub clause: String,
    /// Masked.
    pub applicant_name: String,
    pub employer_name: Option<String>,
    pub county_code: String,
    pub county_name: String,
    pub individual_household: bool,
    pub declared: bool,
    pub location: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    /// Yuan, two decimals.
    pub monthly_amount: String,
    pub evidence: String,
    pub status: String,
    pub status_label: &'static str,
    /// The policy engine's eligibility on the declared facts.
    pub eligible: bool,
    pub reasons: Vec<String>,
    pub citations: Vec<String>,
    pub decision_reason: String,
    pub decided_at: Option<DateTime<Utc>>,
    /// Staff only: who decided.
    pub decided_by: Option<String>,
}

/// The engine's determination on the declared facts: (eligible, reasons, citations).
fn screen_relief(
    engine: &Engine,
    kind: &str,
    household: bool,
    declared: bool,
    as_of: NaiveDate,
) -> (bool, Vec<String>, Vec<String>) {
    let mut facts = Facts::new(as_of);
    facts.business = Some(Business {
        kind: household.then_some(BusinessKind::IndividualHousehold),
        road_occupation_approved: (kind == "road_fee_exemption").then_some(declared),
        rents_state_owned_property: (kind == "rent_relief").then_some(declared),
        ..Business::default()
    });
    let d = engine.screen(&facts, &ScreenOptions::default());
    match d.benefit(kind) {
        Some(b) => (
            b.eligible,
            b.reasons.clone(),
            b.citations
                .iter()
                .map(|c| format!("{} {}：{}", c.document, c.clause, c.text))
                .collect(),
        ),
        None => (false, vec!["政策计算未覆盖此项".into()], vec![]),
    }
}

impl Service {
    async fn staff_venue(&self, actor: &Actor, id: Uuid, action: &str) -> Result<VenueRow> {
        actor.require_role(&[Role::Staff])?;
        match repo::venue(&self.db, id).await? {
            Some(v) if actor.may_see(&v.county_code, None) => Ok(v),
            _ => Err(self.deny(actor, "venue", id.to_string(), action).await),
        }
    }

    pub async fn create_venue(&self, actor: &Actor, input: VenueInput) -> Result<VenueView> {
        actor.require_role(&[Role::Staff])?;
        let name = text("name", &input.name, 60)?;
        let address = text("address", &input.address, 200)?;
        let county = county_in_scope(actor, "county_code", &input.county_code)?;
        if !(1..=10_000).contains(&input.places) {
            return Err(ServiceError::invalid(
                "places",
                "places_range",
                "场地个数应为1到10000之间的整数",
            ));
        }
        let description = opt_text("description", input.description.as_deref(), 1000)?;
        let now = self.clock.now();
        let row = VenueRow {
            id: Uuid::new_v4(),
            name,
            address,
            county_code: county.clone(),
            places: input.places,
            allocated: 0,
            is_open: true,
            description,
            created_by: Some(actor.user_id),
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.db.begin().await?;
        repo::insert_venue(&mut tx, &row).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("venue_created", "venue", row.id)
                .region(county)
                .detail(json!({"places": row.places})),
        )
        .await?;
        tx.commit().await?;
        Ok(venue_view(&row))
    }

    pub async fn set_venue_open(&self, actor: &Actor, id: Uuid, open: bool) -> Result<VenueView> {
        let v = self.staff_venue(actor, id, "set_open").await?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let changed = repo::set_venue_open(&mut tx, id, open, now).await?;
        let (event, already) = if open {
            ("venue_opened", "该场地已开放申请")
        } else {
            ("venue_closed", "该场地已停止申请")
        };
        let event = Event::new(event, "venue", id).region(v.county_code.clone());
        self.finish_toggle(tx, changed, actor, ("venue_state", already), event, now)
            .await?;
        let v = repo::venue(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(venue_view(&v))
    }

    /// Venues open for applications (public), optionally of one county.
    pub async fn open_venues(&self, county: Option<&str>) -> Result<Vec<VenueView>> {
        Ok(repo::open_venues(&self.db)
            .await?
            .iter()
            .filter(|v| county.is_none_or(|c| c.is_empty() || v.county_code == c))
            .map(venue_view)
            .collect())
    }

    pub async fn venues_in_region(&self, actor: &Actor) -> Result<Vec<VenueView>> {
        let prefix = staff_prefix(actor)?;
        Ok(repo::venues_in_region(&self.db, &prefix)
            .await?
            .iter()
            .map(venue_view)
            .collect())
    }

    /// One page of the region's venues, newest first, searched by name or address.
    pub async fn venues_page(
        &self,
        actor: &Actor,
        q: &crate::paging::PageQuery,
    ) -> Result<crate::paging::Paged<VenueView>> {
        let prefix = staff_prefix(actor)?;
        let (rows, total) =
            repo::venues_in_region_page(&self.db, &prefix, &q.like(), q.limit(), q.offset())
                .await?;
        Ok(crate::paging::Paged::new(
            rows.iter().map(venue_view).collect(),
            q,
            total,
        ))
    }

    /// The priority group that counts for a person today, if any: a group verified, or from
    /// the registry or a staff check, that has begun (its date is not after today) and not
    /// ended; or an open 失业登记 (the window's own record), which makes the person
    /// 登记失业人员. Designated places' stall applications rank by the same groups
    /// (`places.rs`).
    pub(crate) async fn priority_group(&self, person: Uuid) -> Result<Option<String>> {
        let today = self.clock.today_cst();
        let groups = persons::groups(&self.db, person).await?;
        let registered_unemployed = linghuo_storage::benefits::registrations_of(&self.db, person)
            .await?
            .iter()
            .any(|r| {
                r.kind.as_str() == "unemployment"
                    && r.started_on <= today
                    && r.ended_on.is_none_or(|e| e >= today)
            });
        Ok(PRIORITY_GROUPS
            .iter()
            .find(|code| {
                (**code == "registered_unemployed" && registered_unemployed)
                    || groups.iter().any(|g| {
                        g.group_code == **code
                            && (g.verified || g.source == "registry" || g.source == "staff_checked")
                            && g.since.is_none_or(|s| s <= today)
                            && g.until.is_none_or(|u| u >= today)
                    })
            })
            .map(|c| (*c).to_owned()))
    }

    async fn venue_application_view(
        &self,
        a: &VenueApplicationRow,
        venue_name: Option<&str>,
    ) -> Result<VenueApplicationView> {
        let venue_name = match venue_name {
            Some(n) => n.to_owned(),
            None => repo::venue(&self.db, a.venue_id)
                .await?
                .map(|v| v.name)
                .unwrap_or_default(),
        };
        let group = if a.status == "pending" || a.status == "waitlisted" {
            self.priority_group(a.person_id).await?
        } else {
            a.priority_group.clone()
        };
        Ok(VenueApplicationView {
            id: a.id,
            venue_id: a.venue_id,
            venue_name,
            applicant_name: self.masked_person_name(a.person_id).await?,
            person_id: a.person_id,
            business: a.business.clone(),
            status: a.status.clone(),
            status_label: label(APPLICATION_STATUSES, &a.status),
            priority_label: group.as_deref().and_then(group_label).map(str::to_owned),
            priority_group: group,
            rank: a.rank,
            reason: a.reason.clone(),
            applied_at: a.created_at,
            decided_at: a.decided_at,
        })
    }

    /// Staff: a venue of their region with its applications in allocation order.
    pub async fn venue_detail(&self, actor: &Actor, id: Uuid) -> Result<VenueDetail> {
        let v = self.staff_venue(actor, id, "view").await?;
        self.venue_detail_of(&v).await
    }

    async fn venue_detail_of(&self, v: &VenueRow) -> Result<VenueDetail> {
        let mut applications = Vec::new();
        for a in repo::venue_applications(&self.db, v.id).await? {
            applications.push(self.venue_application_view(&a, Some(&v.name)).await?);
        }
        Ok(VenueDetail {
            venue: venue_view(v),
            applications,
        })
    }

    /// A person applies for a place at an open venue (once per venue).
    pub async fn apply_for_venue(
        &self,
        actor: &Actor,
        id: Uuid,
        business: &str,
    ) -> Result<VenueApplicationView> {
        let person = person_of(actor)?;
        let v = repo::venue(&self.db, id)
            .await?
            .filter(|v| v.is_open)
            .ok_or(ServiceError::NotFound)?;
        let business = text("business", business, 100)?;
        let now = self.clock.now();
        let row = VenueApplicationRow {
            id: Uuid::new_v4(),
            venue_id: id,
            person_id: person,
            business,
            status: "pending".into(),
            priority_group: None,
            rank: None,
            reason: String::new(),
            decided_by: None,
            decided_at: None,
            created_at: now,
        };
        let mut tx = self.db.begin().await?;
        repo::insert_venue_application(&mut tx, &row)
            .await
            .map_err(|e| conflict_of(e, "already_applied", "您已申请该场地"))?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("venue_applied", "venue_application", row.id)
                .region(v.county_code.clone())
                .detail(json!({"venue": id})),
        )
        .await?;
        tx.commit().await?;
        self.venue_application_view(&row, Some(&v.name)).await
    }

    pub async fn my_venue_applications(&self, actor: &Actor) -> Result<Vec<VenueApplicationView>> {
        let person = person_of(actor)?;
        let mut out = Vec::new();
        for a in repo::venue_applications_of_person(&self.db, person).await? {
            out.push(self.venue_application_view(&a, None).await?);
        }
        Ok(out)
    }

    /// Fills the venue's free places from the open applications: priority groups first, then
    /// by time of application; the rest go on the waiting list. One transaction; each
    /// decision is a conditional update, and a place is taken only while one is free, so
    /// racing allocations never exceed capacity nor decide an application twice.
    pub async fn allocate_venue(&self, actor: &Actor, id: Uuid) -> Result<AllocationReport> {
        let v = self.staff_venue(actor, id, "allocate").await?;
        // The order is over every application still standing (decided ones keep the group
        // they were decided with), so ranks stay the same whoever allocates next.
        let mut ranked = Vec::new();
        for a in repo::venue_applications(&self.db, id).await? {
            let g = match a.status.as_str() {
                "pending" | "waitlisted" => self.priority_group(a.person_id).await?,
                "allocated" => a.priority_group.clone(),
                _ => continue,
            };
            ranked.push((a, g));
        }
        // Within each tier, the order of application (created_at, id).
        ranked.sort_by_key(|(a, g)| (g.is_none(), a.created_at, a.id));
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (mut allocated, mut waitlisted) = (0i64, 0i64);
        let mut notices = Vec::new();
        for (i, (a, g)) in ranked.iter().enumerate() {
            if a.status == "allocated" {
                continue;
            }
            let rank = i as i64 + 1;
            let basis = match g.as_deref().and_then(group_label) {
                Some(l) => format!("优先群体：{l}（排序第{rank}位）"),
                None => format!("按申请时间第{rank}位"),
            };
            // Claim the application first, then a place; no place left → waiting list.
            if !repo::decide_venue_application(
                &mut tx,
                a.id,
                "allocated",
                g.as_deref(),
                rank,
                &basis,
                actor.user_id,
                now,
            )
            .await?
            {
                continue;
            }
            if repo::take_venue_place(&mut tx, id, now).await? {
                allocated += 1;
                notices.push((
                    a,
                    format!("您申请的免费经营场地“{}”已分配（{basis}）", v.name),
                    "allocated",
                ));
            } else {
                let reason = format!("名额已满，列入候补（{basis}）");
                // The row is ours in this transaction: it moves from allocated to waitlisted.
                on_waitlist(
                    &mut tx,
                    a.id,
                    g.as_deref(),
                    rank,
                    &reason,
                    actor.user_id,
                    now,
                )
                .await?;
                waitlisted += 1;
                if a.status != "waitlisted" {
                    notices.push((
                        a,
                        format!("您申请的免费经营场地“{}”名额已满，已列入候补", v.name),
                        "waitlisted",
                    ));
                }
            }
        }
        for (a, message, kind) in &notices {
            notice_repo::insert_notice(
                &mut tx,
                &NoticeRow::to_worker(
                    a.person_id,
                    v.county_code.clone(),
                    &format!("venue_{kind}"),
                    message.clone(),
                    "/venues/mine",
                    format!("venue_{kind}:{}", a.id),
                    now,
                ),
            )
            .await?;
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("venue_allocated", "venue", id)
                .region(v.county_code.clone())
                .detail(json!({"allocated": allocated, "waitlisted": waitlisted})),
        )
        .await?;
        tx.commit().await?;
        let v = repo::venue(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(AllocationReport {
            allocated,
            waitlisted,
            detail: self.venue_detail_of(&v).await?,
        })
    }

    // -----------------------------------------------------------------------------------
    // Fee relief

    async fn relief_view(&self, r: &ReliefRow, staff: bool) -> Result<ReliefView> {
        let stored: serde_json::Value = serde_json::from_str(&r.determination).unwrap_or_default();
        let (eligible, reasons, citations) = if r.status == "pending" {
            screen_relief(
                &self.engine,
                &r.kind,
                r.individual_household,
                r.declared,
                self.clock.today_cst(),
            )
        } else {
            let list = |k: &str| -> Vec<String> {
                stored[k]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            (
                stored["eligible"].as_bool().unwrap_or(false),
                list("reasons"),
                list("citations"),
            )
        };
        let employer_name = match r.employer_id {
            Some(e) => market_repo::employer(&self.db, e).await?.map(|e| e.name),
            None => None,
        };
        Ok(ReliefView {
            id: r.id,
            kind: r.kind.clone(),
            kind_label: RELIEF_KINDS
                .iter()
                .find(|k| k.0 == r.kind)
                .map(|k| k.1)
                .unwrap_or(""),
            clause: r.clause.clone(),
            applicant_name: self.masked_person_name(r.person_id).await?,
            employer_name,
            county_code: r.county_code.clone(),
            county_name: county_name(&r.county_code),
            individual_household: r.individual_household,
            declared: r.declared,
            location: r.location.clone(),
            period_from: r.period_from,
            period_to: r.period_to,
            monthly_amount: Money::from_fen(r.monthly_fen).to_string(),
            evidence: r.evidence.clone(),
            status: r.status.clone(),
            status_label: label(RELIEF_STATUSES, &r.status),
            eligible,
            reasons,
            citations,
            decision_reason: r.decision_reason.clone(),
            decided_at: r.decided_at,
            decided_by: if staff {
                Some(self.user_display(r.decided_by).await?).filter(|s| !s.is_empty())
            } else {
                None
            },
        })
    }

    /// A person applies for rent relief or the road-fee exemption; it waits for county staff.
    pub async fn apply_relief(&self, actor: &Actor, input: ReliefInput) -> Result<ReliefView> {
        let person = person_of(actor)?;
        let kind = RELIEF_KINDS
            .iter()
            .find(|k| k.0 == input.kind.trim())
            .ok_or_else(|| {
                ServiceError::invalid("kind", "relief_kind", "请选择租金减免或免征道路占用费")
            })?;
        let location = text("location", &input.location, 200)?;
        let from = date("period_from", &input.period_from)?;
        let to = date("period_to", &input.period_to)?;
        if to < from {
            return Err(ServiceError::invalid(
                "period_to",
                "period_order",
                "结束日期不能早于开始日期",
            ));
        }
        let amount = Money::parse_non_negative(input.monthly_amount.trim())
            .map_err(|e| ServiceError::field("monthly_amount", e))?;
        let evidence = opt_text("evidence", input.evidence.as_deref(), 1000)?;
        let mut household = input.individual_household;
        if let Some(eid) = input.employer_id {
            match market_repo::employer(&self.db, eid).await? {
                Some(e) if e.kind == "individual_household" => household = true,
                _ => {
                    return Err(ServiceError::invalid(
                        "employer_id",
                        "employer_kind",
                        "只能选择个体工商户",
                    ));
                }
            }
        }
        let p = persons::by_id(&self.db, person)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let now = self.clock.now();
        let row = ReliefRow {
            id: Uuid::new_v4(),
            person_id: person,
            employer_id: input.employer_id,
            county_code: p.jurisdiction_code.clone(),
            kind: kind.0.into(),
            individual_household: household,
            declared: input.declared,
            location,
            period_from: from,
            period_to: to,
            monthly_fen: amount.fen(),
            evidence,
            status: "pending".into(),
            clause: kind.2.into(),
            determination: "{}".into(),
            decision_reason: String::new(),
            decided_by: None,
            decided_at: None,
            created_at: now,
        };
        let mut tx = self.db.begin().await?;
        repo::insert_relief(&mut tx, &row).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("relief_applied", "fee_relief", row.id)
                .region(row.county_code.clone())
                .detail(json!({"kind": row.kind, "clause": row.clause})),
        )
        .await?;
        tx.commit().await?;
        self.relief_view(&row, false).await
    }

    pub async fn my_reliefs(&self, actor: &Actor) -> Result<Vec<ReliefView>> {
        let person = person_of(actor)?;
        let mut out = Vec::new();
        for r in repo::reliefs_of_person(&self.db, person).await? {
            out.push(self.relief_view(&r, false).await?);
        }
        Ok(out)
    }

    /// Staff: the region's applications, pending first.
    pub async fn relief_queue(&self, actor: &Actor) -> Result<Vec<ReliefView>> {
        let prefix = staff_prefix(actor)?;
        let mut out = Vec::new();
        for r in repo::reliefs_in_region(&self.db, &prefix).await? {
            out.push(self.relief_view(&r, true).await?);
        }
        Ok(out)
    }

    /// One page of the region's fee reliefs, pending first, searched by the applicant's
    /// name or the location; each with the applicant's person record (for the staff link).
    pub async fn relief_page(
        &self,
        actor: &Actor,
        q: &crate::paging::PageQuery,
    ) -> Result<crate::paging::Paged<(ReliefView, Uuid)>> {
        let prefix = staff_prefix(actor)?;
        let (rows, total) =
            repo::reliefs_in_region_page(&self.db, &prefix, &q.like(), q.limit(), q.offset())
                .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push((self.relief_view(r, true).await?, r.person_id));
        }
        Ok(crate::paging::Paged::new(out, q, total))
    }

    pub async fn get_relief(&self, actor: &Actor, id: Uuid) -> Result<ReliefView> {
        let r = repo::relief(&self.db, id).await?;
        match (actor.role, r) {
            (Role::Staff, Some(r)) if actor.may_see(&r.county_code, None) => {
                self.relief_view(&r, true).await
            }
            (Role::Worker, Some(r)) if actor.person_id == Some(r.person_id) => {
                self.relief_view(&r, false).await
            }
            _ => Err(self.deny(actor, "fee_relief", id.to_string(), "view").await),
        }
    }

    /// Staff approve or refuse, with a reason; approval needs the policy's conditions met.
    /// The engine's reasons and citations and the clause are stored with the decision.
    pub async fn decide_relief(
        &self,
        actor: &Actor,
        id: Uuid,
        input: ReliefDecision,
    ) -> Result<ReliefView> {
        actor.require_role(&[Role::Staff])?;
        let r = match repo::relief(&self.db, id).await? {
            Some(r) if actor.may_see(&r.county_code, None) => r,
            _ => {
                return Err(self
                    .deny(actor, "fee_relief", id.to_string(), "decide")
                    .await);
            }
        };
        let reason = text("reason", &input.reason, 500)?;
        let (eligible, reasons, citations) = screen_relief(
            &self.engine,
            &r.kind,
            r.individual_household,
            r.declared,
            self.clock.today_cst(),
        );
        if input.approve && !eligible {
            return Err(ServiceError::invalid(
                "approve",
                "not_eligible",
                format!("不符合政策条件，不能批准：{}", reasons.join("；")),
            ));
        }
        let determination = json!({
            "benefit": r.kind, "clause": r.clause, "eligible": eligible,
            "reasons": reasons, "citations": citations,
        })
        .to_string();
        let status = if input.approve { "approved" } else { "refused" };
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::decide_relief(
            &mut tx,
            id,
            status,
            &determination,
            &reason,
            actor.user_id,
            now,
        )
        .await?
        {
            return Err(ServiceError::Conflict {
                code: "already_decided",
                message: "该申请已审核".into(),
            });
        }
        let kind_label = RELIEF_KINDS
            .iter()
            .find(|k| k.0 == r.kind)
            .map(|k| k.1)
            .unwrap_or("");
        notice_repo::insert_notice(
            &mut tx,
            &NoticeRow::to_worker(
                r.person_id,
                r.county_code.clone(),
                "relief_decided",
                format!(
                    "您的{kind_label}申请{}：{reason}",
                    if input.approve {
                        "已批准"
                    } else {
                        "未批准"
                    }
                ),
                "/relief",
                format!("relief_decided:{id}"),
                now,
            ),
        )
        .await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new(
                if input.approve {
                    "relief_approved"
                } else {
                    "relief_refused"
                },
                "fee_relief",
                id,
            )
            .region(r.county_code.clone())
            .detail(json!({"kind": r.kind, "clause": r.clause, "eligible": eligible})),
        )
        .await?;
        tx.commit().await?;
        let r = repo::relief(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.relief_view(&r, true).await
    }
}

#[allow(clippy::too_many_arguments)]
async fn on_waitlist(
    tx: &mut linghuo_storage::Tx,
    id: Uuid,
    group: Option<&str>,
    rank: i64,
    reason: &str,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<()> {
    repo::waitlist_venue_application(tx, id, group, rank, reason, by, at).await?;
    Ok(())
}
