//! Designated selling places and stalls (二(三), 三(四), 三(六)); gig-market sites (四(九)).
//!
//! Places: each county registers the places and times it designates for selling — night
//! markets (夜市), stall points and 便民市场, scenic-area sales zones (景区销售区) — with the
//! number of pitches, the fee (免费, or a reduced amount per day or month) and the clause it
//! rests on. A person applies for a pitch; county staff decide, which is the 占道经营
//! approval: who, when and why are stored and audited. Pending applications stand in the
//! order venues use (the same priority groups, `Service::priority_group`, then time of
//! application), and a pitch is not given past someone ahead while pitches are short. On
//! approval the policy engine's `license_exemption` determination (三(四): selling farm and
//! daily goods at a designated place and time needs no business licence) is stored with the
//! decision and sent to the person as a notice citing the clause.
//!
//! Sites: the region's 零工市场/劳务市场/零工驿站 with hours, services and map coordinates
//! inside Shanxi, listed publicly.

use chrono::{DateTime, Utc};
use linghuo_domain::Money;
use linghuo_policy::facts::{Activity, ActivityKind};
use linghuo_policy::{DOCUMENT, Facts, ScreenOptions, policy_clauses};
use linghuo_storage::notices::{self as notice_repo, NoticeRow};
use linghuo_storage::services::places::{self as repo, PlaceRow, SiteRow, StallApplicationRow};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::access::{Actor, Role};
use crate::audit::{self, AuditActor, Event};
use crate::error::{Result, ServiceError};
use crate::events::{
    conflict_of, county_in_scope, county_name, label, opt_text, staff_prefix, text,
};
use crate::persons::group_label;

/// Kinds of designated place, each with the clause it is designated under by default.
pub const PLACE_KINDS: &[(&str, &str, &str)] = &[
    ("night_market", "夜市", "二(三)"),
    ("stall_point", "摊点/便民市场", "三(四)"),
    ("scenic_zone", "景区销售区", "二(三)"),
];

/// The clauses a place may be designated under.
pub const PLACE_CLAUSES: &[&str] = &["二(三)", "三(四)", "三(六)"];

/// What is sold or done at the pitch; decides whether the licence exemption applies.
pub const GOODS: &[(&str, &str)] = &[
    ("farm_produce", "农副产品"),
    ("daily_goods", "日常生活用品"),
    ("convenience_labour", "便民劳务（依法无须取得许可）"),
    ("other", "其他商品或服务"),
];

pub const STALL_STATUSES: &[(&str, &str)] = &[
    ("pending", "待审批"),
    ("approved", "已批准占道经营"),
    ("refused", "未批准"),
];

pub const FEE_PERIODS: &[(&str, &str)] = &[("day", "每天"), ("month", "每月")];

pub const SITE_KINDS: &[(&str, &str)] = &[
    ("gig_market", "零工市场"),
    ("labour_market", "劳务市场"),
    ("gig_station", "零工驿站"),
];

/// The services a site offers (四(九)).
pub const SITE_SERVICES: &[(&str, &str)] = &[
    ("job_info", "岗位信息发布与查询"),
    ("labour_matching", "劳务对接洽谈"),
    ("employment_registration", "用工登记"),
    ("unemployment_registration", "就业失业登记"),
    ("career_guidance", "职业指导"),
    ("job_referral", "就业推荐"),
    ("policy_consulting", "政策咨询"),
    ("skills_training", "技能培训"),
];

/// Shanxi's extent (about 34°34′–40°44′ N, 110°14′–114°33′ E), a little rounded outwards.
pub const SHANXI_LAT: (f64, f64) = (34.5, 40.8);
pub const SHANXI_LON: (f64, f64) = (110.2, 114.6);

fn clause_title(id: &str) -> String {
    policy_clauses()
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.title.to_owned())
        .unwrap_or_default()
}

fn worker_person(actor: &Actor) -> Result<Uuid> {
    actor.require_role(&[Role::Worker])?;
    actor.person_id.ok_or(ServiceError::Forbidden {
        code: "person_missing",
        message: "账户未关联人员信息".into(),
    })
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceInput {
    /// night_market (夜市), stall_point (摊点/便民市场) or scenic_zone (景区销售区).
    pub kind: String,
    pub name: String,
    pub address: String,
    pub county_code: String,
    /// The designated times, e.g. 每天18:00—23:00.
    pub hours: String,
    /// Number of pitches, 1 to 10000.
    pub pitches: i64,
    /// The reduced fee in yuan ("5.00"); empty, absent or "0" for 免费.
    #[serde(default)]
    pub fee: Option<String>,
    /// day or month; required with a fee.
    #[serde(default)]
    pub fee_period: Option<String>,
    /// How the fee is reduced, e.g. 原价每月300元，减半收取.
    #[serde(default)]
    pub fee_note: Option<String>,
    /// 二(三), 三(四) or 三(六); by default the kind's clause.
    #[serde(default)]
    pub clause: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PlaceView {
    pub id: Uuid,
    pub county_code: String,
    pub county_name: String,
    pub kind: String,
    pub kind_label: &'static str,
    pub name: String,
    pub address: String,
    pub hours: String,
    pub pitches: i64,
    pub allocated: i64,
    pub free: i64,
    /// No fee at all.
    pub fee_free: bool,
    /// The reduced fee, yuan with two decimals; none when free.
    pub fee: Option<String>,
    /// day or month; none when free.
    pub fee_period: Option<String>,
    /// 免费, or e.g. 每天5.00元.
    pub fee_label: String,
    pub fee_note: String,
    pub clause: String,
    pub clause_title: String,
    pub description: String,
    pub open: bool,
}

fn place_view(p: &PlaceRow) -> PlaceView {
    let free = p.fee_fen == 0;
    let amount = Money::from_fen(p.fee_fen).to_string();
    PlaceView {
        id: p.id,
        county_code: p.county_code.clone(),
        county_name: county_name(&p.county_code),
        kind: p.kind.clone(),
        kind_label: PLACE_KINDS
            .iter()
            .find(|k| k.0 == p.kind)
            .map_or("", |k| k.1),
        name: p.name.clone(),
        address: p.address.clone(),
        hours: p.hours.clone(),
        pitches: p.pitches,
        allocated: p.allocated,
        free: p.pitches - p.allocated,
        fee_free: free,
        fee_label: if free {
            "免费".into()
        } else {
            format!("{}{amount}元", label(FEE_PERIODS, &p.fee_period))
        },
        fee: (!free).then_some(amount),
        fee_period: (!free).then(|| p.fee_period.clone()),
        fee_note: p.fee_note.clone(),
        clause_title: clause_title(&p.clause),
        clause: p.clause.clone(),
        description: p.description.clone(),
        open: p.is_open,
    }
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StallInput {
    /// farm_produce, daily_goods, convenience_labour or other.
    pub goods: String,
    /// What exactly, e.g. 自产蔬菜、修鞋配钥匙.
    pub business: String,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StallDecision {
    pub approve: bool,
    /// Required when refusing; optional when approving.
    #[serde(default)]
    pub reason: String,
}

/// The policy engine's licence-exemption determination (三(四)) stored with an approval.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExemptionView {
    /// Whether selling here needs no business licence.
    pub exempt: bool,
    pub reasons: Vec<String>,
    /// "晋政办发〔2020〕89号 三(四)：…" quotes.
    pub citations: Vec<String>,
    /// The clause, 三(四).
    pub clause: String,
    /// The notice's sentence, as the person received it.
    pub notice: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StallView {
    pub id: Uuid,
    pub place_id: Uuid,
    pub place_name: String,
    pub place_address: String,
    pub place_hours: String,
    pub county_code: String,
    pub county_name: String,
    /// Masked.
    pub applicant_name: String,
    pub goods: String,
    pub goods_label: &'static str,
    pub business: String,
    pub status: String,
    pub status_label: &'static str,
    /// The priority group that counts now (pending) or counted at the decision.
    pub priority_group: Option<String>,
    pub priority_label: Option<String>,
    /// Place in the order now (pending) or at the decision.
    pub rank: Option<i64>,
    /// The decision's reason (占道 approval or refusal).
    pub reason: String,
    /// On approval: the licence-exemption determination and notice.
    pub exemption: Option<ExemptionView>,
    pub applied_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// Staff only: who decided.
    pub decided_by: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PlaceDetail {
    pub place: PlaceView,
    /// Pending applications in order (priority groups first, then time), then the decided.
    pub applications: Vec<StallView>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteInput {
    /// gig_market (零工市场), labour_market (劳务市场) or gig_station (零工驿站).
    pub kind: String,
    pub name: String,
    pub address: String,
    pub county_code: String,
    /// e.g. 每天6:00—12:00.
    pub hours: String,
    /// Service codes: job_info, labour_matching, employment_registration,
    /// unemployment_registration, career_guidance, job_referral, policy_consulting,
    /// skills_training.
    #[serde(default)]
    pub services: Vec<String>,
    /// Latitude (WGS-84), inside Shanxi: 34.5 to 40.8.
    pub lat: f64,
    /// Longitude (WGS-84), inside Shanxi: 110.2 to 114.6.
    pub lon: f64,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SiteView {
    pub id: Uuid,
    pub county_code: String,
    pub county_name: String,
    pub kind: String,
    pub kind_label: &'static str,
    pub name: String,
    pub address: String,
    pub hours: String,
    pub services: Vec<String>,
    pub service_labels: Vec<&'static str>,
    pub lat: f64,
    pub lon: f64,
    pub description: String,
    pub active: bool,
}

fn site_view(s: &SiteRow) -> SiteView {
    let services: Vec<String> = serde_json::from_str(&s.services).unwrap_or_default();
    SiteView {
        id: s.id,
        county_code: s.county_code.clone(),
        county_name: county_name(&s.county_code),
        kind: s.kind.clone(),
        kind_label: label(SITE_KINDS, &s.kind),
        name: s.name.clone(),
        address: s.address.clone(),
        hours: s.hours.clone(),
        service_labels: services.iter().map(|c| label(SITE_SERVICES, c)).collect(),
        services,
        lat: s.lat,
        lon: s.lon,
        description: s.description.clone(),
        active: s.is_active,
    }
}

/// A region filter from a query (a county or city code, as a prefix); anything else means
/// every county.
fn county_filter(county: Option<&str>) -> &str {
    let c = county.map(str::trim).unwrap_or("");
    if c.len() <= 6 && c.bytes().all(|b| b.is_ascii_digit()) {
        c.trim_end_matches("00")
    } else {
        ""
    }
}

/// The engine's licence-exemption determination for the goods sold at a designated place.
fn screen_exemption(svc: &Service, goods: &str, place: &PlaceRow) -> ExemptionView {
    let (kind, needs_permit) = match goods {
        "farm_produce" | "daily_goods" => (ActivityKind::DesignatedPlaceSelling, None),
        "convenience_labour" => (ActivityKind::ConvenienceLabour, Some(false)),
        _ => (ActivityKind::Other, None),
    };
    let mut facts = Facts::new(svc.clock.today_cst());
    facts.activity = Some(Activity {
        kind: Some(kind),
        needs_permit,
    });
    let d = svc.engine.screen(&facts, &ScreenOptions::default());
    let (exempt, reasons, citations, clause) = match d.benefit("license_exemption") {
        Some(b) => (
            b.eligible,
            b.reasons.clone(),
            b.citations
                .iter()
                .map(|c| format!("{} {}：{}", c.document, c.clause, c.text))
                .collect::<Vec<_>>(),
            b.citations
                .first()
                .map_or_else(|| "三(四)".to_owned(), |c| c.clause.to_owned()),
        ),
        None => (
            false,
            vec!["政策计算未覆盖此项".into()],
            vec![],
            "三(四)".into(),
        ),
    };
    let notice = if exempt {
        format!(
            "依据{DOCUMENT}{clause}，您在政府指定的场所“{}”（{}）和时间（{}）内经营，{}。",
            place.name,
            place.address,
            place.hours,
            reasons.first().map_or("无须办理营业执照", |r| {
                r.rsplit('，').next().unwrap_or("无须办理营业执照")
            })
        )
    } else {
        format!(
            "所报经营项目（{}）不属于{DOCUMENT}{clause}规定的免办营业执照情形，请依法办理营业执照后经营。",
            label(GOODS, goods)
        )
    };
    ExemptionView {
        exempt,
        reasons,
        citations,
        clause,
        notice,
    }
}

impl Service {
    async fn staff_place(&self, actor: &Actor, id: Uuid, action: &str) -> Result<PlaceRow> {
        actor.require_role(&[Role::Staff])?;
        match repo::place(&self.db, id).await? {
            Some(p) if actor.may_see(&p.county_code, None) => Ok(p),
            _ => Err(self
                .deny(actor, "designated_place", id.to_string(), action)
                .await),
        }
    }

    /// County (or city, province) staff register a designated place in their region.
    pub async fn create_place(&self, actor: &Actor, input: PlaceInput) -> Result<PlaceView> {
        actor.require_role(&[Role::Staff])?;
        let kind = PLACE_KINDS
            .iter()
            .find(|k| k.0 == input.kind.trim())
            .ok_or_else(|| {
                ServiceError::invalid(
                    "kind",
                    "place_kind",
                    "请选择夜市、摊点/便民市场或景区销售区",
                )
            })?;
        let name = text("name", &input.name, 60)?;
        let address = text("address", &input.address, 200)?;
        let county = county_in_scope(actor, "county_code", &input.county_code)?;
        let hours = text("hours", &input.hours, 100)?;
        if !(1..=10_000).contains(&input.pitches) {
            return Err(ServiceError::invalid(
                "pitches",
                "pitches_range",
                "摊位数应为1到10000之间的整数",
            ));
        }
        let fee = input
            .fee
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| Money::parse_non_negative(s).map_err(|e| ServiceError::field("fee", e)))
            .transpose()?
            .map_or(0, |m| m.fen());
        let period = input
            .fee_period
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let fee_period = match (fee, period) {
            (0, _) => "month",
            (_, Some(p)) if FEE_PERIODS.iter().any(|f| f.0 == p) => p,
            _ => {
                return Err(ServiceError::invalid(
                    "fee_period",
                    "fee_period",
                    "收费的场所请选择按天或按月收费",
                ));
            }
        };
        let fee_note = opt_text("fee_note", input.fee_note.as_deref(), 200)?;
        let clause = match input
            .clause
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => kind.2,
            Some(c) => PLACE_CLAUSES
                .iter()
                .copied()
                .find(|x| *x == c)
                .ok_or_else(|| {
                    ServiceError::invalid("clause", "clause", "依据条款应为二(三)、三(四)或三(六)")
                })?,
        };
        let description = opt_text("description", input.description.as_deref(), 1000)?;
        let now = self.clock.now();
        let row = PlaceRow {
            id: Uuid::new_v4(),
            county_code: county.clone(),
            kind: kind.0.into(),
            name,
            address,
            hours,
            pitches: input.pitches,
            allocated: 0,
            fee_fen: fee,
            fee_period: fee_period.into(),
            fee_note,
            clause: clause.into(),
            description,
            is_open: true,
            created_by: Some(actor.user_id),
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.db.begin().await?;
        repo::insert_place(&mut tx, &row).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("place_created", "designated_place", row.id)
                .region(county)
                .detail(
                    json!({"kind": row.kind, "pitches": row.pitches, "fee_fen": row.fee_fen,
                               "clause": row.clause}),
                ),
        )
        .await?;
        tx.commit().await?;
        Ok(place_view(&row))
    }

    /// Opens or stops applications for a place.
    pub async fn set_place_open(&self, actor: &Actor, id: Uuid, open: bool) -> Result<PlaceView> {
        let p = self.staff_place(actor, id, "set_open").await?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let changed = repo::set_place_open(&mut tx, id, open, now).await?;
        let (event, already) = if open {
            ("place_opened", "该场所已开放申请")
        } else {
            ("place_closed", "该场所已停止申请")
        };
        let event = Event::new(event, "designated_place", id).region(p.county_code.clone());
        self.finish_toggle(tx, changed, actor, ("place_state", already), event, now)
            .await?;
        let p = repo::place(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(place_view(&p))
    }

    /// The public register: designated places open for applications, optionally of one
    /// county (or city: any code prefix).
    pub async fn public_places(&self, county: Option<&str>) -> Result<Vec<PlaceView>> {
        Ok(repo::places_in_region(&self.db, county_filter(county))
            .await?
            .iter()
            .filter(|p| p.is_open)
            .map(place_view)
            .collect())
    }

    /// Staff: every place of their region.
    pub async fn places_in_region(&self, actor: &Actor) -> Result<Vec<PlaceView>> {
        let prefix = staff_prefix(actor)?;
        Ok(repo::places_in_region(&self.db, &prefix)
            .await?
            .iter()
            .map(place_view)
            .collect())
    }

    /// Pending applications of a place in order, each with its group: priority groups first,
    /// then by time of application (as venues).
    async fn stall_queue(&self, place: Uuid) -> Result<Vec<(StallApplicationRow, Option<String>)>> {
        let mut ranked = Vec::new();
        for a in repo::stall_applications_of_place(&self.db, place).await? {
            if a.status == "pending" {
                let g = self.priority_group(a.person_id).await?;
                ranked.push((a, g));
            }
        }
        ranked.sort_by_key(|(a, g)| (g.is_none(), a.created_at, a.id));
        Ok(ranked)
    }

    async fn stall_view(
        &self,
        a: &StallApplicationRow,
        place: Option<&PlaceRow>,
        pending: Option<(Option<String>, i64)>,
        staff: bool,
    ) -> Result<StallView> {
        let loaded;
        let place = match place {
            Some(p) => Some(p),
            None => {
                loaded = repo::place(&self.db, a.place_id).await?;
                loaded.as_ref()
            }
        };
        let (group, rank) = match pending {
            Some((g, r)) => (g, Some(r)),
            None => (a.priority_group.clone(), a.rank),
        };
        let exemption = if a.status == "approved" {
            serde_json::from_str::<ExemptionView>(&a.determination).ok()
        } else {
            None
        };
        Ok(StallView {
            id: a.id,
            place_id: a.place_id,
            place_name: place.map(|p| p.name.clone()).unwrap_or_default(),
            place_address: place.map(|p| p.address.clone()).unwrap_or_default(),
            place_hours: place.map(|p| p.hours.clone()).unwrap_or_default(),
            county_code: a.county_code.clone(),
            county_name: county_name(&a.county_code),
            applicant_name: self.masked_person_name(a.person_id).await?,
            goods: a.goods.clone(),
            goods_label: label(GOODS, &a.goods),
            business: a.business.clone(),
            status: a.status.clone(),
            status_label: label(STALL_STATUSES, &a.status),
            priority_label: group.as_deref().and_then(group_label).map(str::to_owned),
            priority_group: group,
            rank,
            reason: a.reason.clone(),
            exemption,
            applied_at: a.created_at,
            decided_at: a.decided_at,
            decided_by: if staff {
                Some(self.user_display(a.decided_by).await?).filter(|s| !s.is_empty())
            } else {
                None
            },
        })
    }

    /// Staff: a place of their region with its applications, pending ones in order.
    pub async fn place_detail(&self, actor: &Actor, id: Uuid) -> Result<PlaceDetail> {
        let p = self.staff_place(actor, id, "view").await?;
        let mut applications = Vec::new();
        for (i, (a, g)) in self.stall_queue(id).await?.into_iter().enumerate() {
            applications.push(
                self.stall_view(&a, Some(&p), Some((g, i as i64 + 1)), true)
                    .await?,
            );
        }
        let mut decided: Vec<StallApplicationRow> = repo::stall_applications_of_place(&self.db, id)
            .await?
            .into_iter()
            .filter(|a| a.status != "pending")
            .collect();
        decided.sort_by_key(|a| std::cmp::Reverse(a.decided_at));
        for a in &decided {
            applications.push(self.stall_view(a, Some(&p), None, true).await?);
        }
        Ok(PlaceDetail {
            place: place_view(&p),
            applications,
        })
    }

    /// A person applies for a pitch at an open place (one open application per place).
    pub async fn apply_for_stall(
        &self,
        actor: &Actor,
        place_id: Uuid,
        input: StallInput,
    ) -> Result<StallView> {
        let person = worker_person(actor)?;
        let p = repo::place(&self.db, place_id)
            .await?
            .filter(|p| p.is_open)
            .ok_or(ServiceError::NotFound)?;
        let goods = GOODS
            .iter()
            .find(|g| g.0 == input.goods.trim())
            .ok_or_else(|| ServiceError::invalid("goods", "goods", "请选择经营类别"))?;
        let business = text("business", &input.business, 100)?;
        let now = self.clock.now();
        let row = StallApplicationRow {
            id: Uuid::new_v4(),
            place_id,
            person_id: person,
            county_code: p.county_code.clone(),
            goods: goods.0.into(),
            business,
            status: "pending".into(),
            priority_group: None,
            rank: None,
            reason: String::new(),
            exempt: false,
            determination: "{}".into(),
            decided_by: None,
            decided_at: None,
            created_at: now,
        };
        let mut tx = self.db.begin().await?;
        repo::insert_stall_application(&mut tx, &row)
            .await
            .map_err(|e| conflict_of(e, "already_applied", "您已申请该场所，正在审批中"))?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("stall_applied", "stall_application", row.id)
                .region(p.county_code.clone())
                .detail(json!({"place": place_id, "goods": row.goods})),
        )
        .await?;
        tx.commit().await?;
        self.stall_view(&row, Some(&p), None, false).await
    }

    /// The signed-in worker's stall applications, newest first.
    pub async fn my_stall_applications(&self, actor: &Actor) -> Result<Vec<StallView>> {
        let person = worker_person(actor)?;
        let mut out = Vec::new();
        for a in repo::stall_applications_of_person(&self.db, person).await? {
            out.push(self.stall_view(&a, None, None, false).await?);
        }
        Ok(out)
    }

    /// One application: its person, or staff of the place's region.
    pub async fn get_stall_application(&self, actor: &Actor, id: Uuid) -> Result<StallView> {
        let a = repo::stall_application(&self.db, id).await?;
        match (actor.role, a) {
            (Role::Staff, Some(a)) if actor.may_see(&a.county_code, None) => {
                self.stall_view(&a, None, None, true).await
            }
            (Role::Worker, Some(a)) if actor.person_id == Some(a.person_id) => {
                self.stall_view(&a, None, None, false).await
            }
            _ => Err(self
                .deny(actor, "stall_application", id.to_string(), "view")
                .await),
        }
    }

    /// Staff decide an application — the 占道经营 approval or its refusal with the reason.
    /// Approval takes a free pitch, but not one that someone ahead in the order still waits
    /// for; it stores the engine's licence-exemption determination and tells the person, with
    /// the clause, whether they need a business licence.
    pub async fn decide_stall(
        &self,
        actor: &Actor,
        id: Uuid,
        input: StallDecision,
    ) -> Result<StallView> {
        actor.require_role(&[Role::Staff])?;
        let a = match repo::stall_application(&self.db, id).await? {
            Some(a) if actor.may_see(&a.county_code, None) => a,
            _ => {
                return Err(self
                    .deny(actor, "stall_application", id.to_string(), "decide")
                    .await);
            }
        };
        let p = repo::place(&self.db, a.place_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if a.status != "pending" {
            return Err(ServiceError::Conflict {
                code: "already_decided",
                message: "该申请已审批".into(),
            });
        }
        let reason = if input.approve {
            opt_text("reason", Some(input.reason.as_str()), 500)?
        } else {
            if input.reason.trim().is_empty() {
                return Err(ServiceError::invalid(
                    "reason",
                    "reason_required",
                    "不批准时须写明理由",
                ));
            }
            text("reason", &input.reason, 500)?
        };
        let queue = self.stall_queue(p.id).await?;
        let position = queue.iter().position(|(q, _)| q.id == id).unwrap_or(0);
        let group = queue.get(position).and_then(|(_, g)| g.clone());
        let rank = position as i64 + 1;
        let now = self.clock.now();
        let (status, exemption, message) = if input.approve {
            let free = p.pitches - p.allocated;
            if free <= 0 {
                return Err(ServiceError::Conflict {
                    code: "no_pitch",
                    message: "该场所的摊位已满".into(),
                });
            }
            if (position as i64) >= free {
                return Err(ServiceError::Conflict {
                    code: "priority_ahead",
                    message: format!(
                        "还有{position}份排在前面的申请未审批，剩余{free}个摊位应先安排给他们（优先群体在前，其余按申请时间）"
                    ),
                });
            }
            let e = screen_exemption(self, &a.goods, &p);
            let message = format!(
                "您在“{}”的摊位申请已批准，可在指定时间（{}）占道经营。{}",
                p.name, p.hours, e.notice
            );
            ("approved", Some(e), message)
        } else {
            let message = format!("您在“{}”的摊位申请未批准：{reason}", p.name);
            ("refused", None, message)
        };
        let reason = if reason.is_empty() {
            "符合指定经营场所的安排，同意在指定的场所和时间内经营".to_owned()
        } else {
            reason
        };
        let determination = exemption
            .as_ref()
            .map_or_else(|| "{}".to_owned(), |e| json!(e).to_string());
        let exempt = exemption.as_ref().is_some_and(|e| e.exempt);
        let mut tx = self.db.begin().await?;
        if !repo::decide_stall_application(
            &mut tx,
            id,
            status,
            group.as_deref(),
            Some(rank),
            &reason,
            exempt,
            &determination,
            actor.user_id,
            now,
        )
        .await?
        {
            return Err(ServiceError::Conflict {
                code: "already_decided",
                message: "该申请已审批".into(),
            });
        }
        if input.approve && !repo::take_pitch(&mut tx, p.id, now).await? {
            return Err(ServiceError::Conflict {
                code: "no_pitch",
                message: "该场所的摊位已满".into(),
            });
        }
        notice_repo::insert_notice(
            &mut tx,
            &NoticeRow::to_worker(
                a.person_id,
                a.county_code.clone(),
                "stall_decided",
                message,
                "/places/mine",
                format!("stall_decided:{id}"),
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
                    "stall_approved"
                } else {
                    "stall_refused"
                },
                "stall_application",
                id,
            )
            .region(a.county_code.clone())
            .detail(json!({"place": p.id, "rank": rank, "priority_group": group,
                           "exempt": exempt, "clause": exemption.as_ref().map(|e| e.clause.clone())})),
        )
        .await?;
        tx.commit().await?;
        let a = repo::stall_application(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.stall_view(&a, Some(&p), None, true).await
    }

    // -----------------------------------------------------------------------------------
    // Gig-market sites

    /// Staff register a 零工市场/劳务市场/零工驿站 of their region.
    pub async fn create_site(&self, actor: &Actor, input: SiteInput) -> Result<SiteView> {
        actor.require_role(&[Role::Staff])?;
        let kind = SITE_KINDS
            .iter()
            .find(|k| k.0 == input.kind.trim())
            .ok_or_else(|| {
                ServiceError::invalid("kind", "site_kind", "请选择零工市场、劳务市场或零工驿站")
            })?;
        let name = text("name", &input.name, 60)?;
        let address = text("address", &input.address, 200)?;
        let county = county_in_scope(actor, "county_code", &input.county_code)?;
        let hours = text("hours", &input.hours, 100)?;
        let mut services = Vec::new();
        for s in &input.services {
            let s = s.trim();
            if !SITE_SERVICES.iter().any(|x| x.0 == s) {
                return Err(ServiceError::invalid(
                    "services",
                    "site_service",
                    "服务项目须从列表中选择",
                ));
            }
            if !services.iter().any(|x| x == s) {
                services.push(s.to_owned());
            }
        }
        if services.is_empty() {
            return Err(ServiceError::invalid(
                "services",
                "services_required",
                "请至少选择一项服务",
            ));
        }
        if !input.lat.is_finite() || !(SHANXI_LAT.0..=SHANXI_LAT.1).contains(&input.lat) {
            return Err(ServiceError::invalid(
                "lat",
                "coordinates_outside",
                "纬度不在山西省范围内（应在北纬34.5到40.8度之间）",
            ));
        }
        if !input.lon.is_finite() || !(SHANXI_LON.0..=SHANXI_LON.1).contains(&input.lon) {
            return Err(ServiceError::invalid(
                "lon",
                "coordinates_outside",
                "经度不在山西省范围内（应在东经110.2到114.6度之间）",
            ));
        }
        let description = opt_text("description", input.description.as_deref(), 1000)?;
        let now = self.clock.now();
        let row = SiteRow {
            id: Uuid::new_v4(),
            county_code: county.clone(),
            kind: kind.0.into(),
            name,
            address,
            hours,
            services: serde_json::to_string(&services).unwrap_or_else(|_| "[]".into()),
            // Six decimals (about 0.1 m) are all a map needs.
            lat: (input.lat * 1e6).round() / 1e6,
            lon: (input.lon * 1e6).round() / 1e6,
            description,
            is_active: true,
            created_by: Some(actor.user_id),
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.db.begin().await?;
        repo::insert_site(&mut tx, &row).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("site_created", "gig_site", row.id)
                .region(county)
                .detail(json!({"kind": row.kind})),
        )
        .await?;
        tx.commit().await?;
        Ok(site_view(&row))
    }

    /// Shows a site in the public register again, or takes it out (closed, moved).
    pub async fn set_site_active(&self, actor: &Actor, id: Uuid, active: bool) -> Result<SiteView> {
        actor.require_role(&[Role::Staff])?;
        let s = match repo::site(&self.db, id).await? {
            Some(s) if actor.may_see(&s.county_code, None) => s,
            _ => {
                return Err(self
                    .deny(actor, "gig_site", id.to_string(), "set_active")
                    .await);
            }
        };
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let changed = repo::set_site_active(&mut tx, id, active, now).await?;
        let (event, already) = if active {
            ("site_activated", "该站点已在公开名录中")
        } else {
            ("site_deactivated", "该站点已不在公开名录中")
        };
        let event = Event::new(event, "gig_site", id).region(s.county_code.clone());
        self.finish_toggle(tx, changed, actor, ("site_state", already), event, now)
            .await?;
        let s = repo::site(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(site_view(&s))
    }

    /// The public register of sites in service, optionally of one county (or city).
    pub async fn public_sites(&self, county: Option<&str>) -> Result<Vec<SiteView>> {
        Ok(repo::sites_in_region(&self.db, county_filter(county))
            .await?
            .iter()
            .filter(|s| s.is_active)
            .map(site_view)
            .collect())
    }

    /// Staff: every site of their region.
    pub async fn sites_in_region(&self, actor: &Actor) -> Result<Vec<SiteView>> {
        let prefix = staff_prefix(actor)?;
        Ok(repo::sites_in_region(&self.db, &prefix)
            .await?
            .iter()
            .map(site_view)
            .collect())
    }
}
