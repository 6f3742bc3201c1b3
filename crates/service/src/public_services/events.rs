//! 专场招聘 (四(九)): recruitment events organised by county staff — online or on site, for
//! target groups — with the employers taking part and the live posts they bring, workers'
//! registrations (one per person and event), check-in at the door and the outcomes
//! (interviews, offers, hires). Every change is audited in its transaction.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use linghuo_domain::{RegionCode, mask_name};
use linghuo_storage::market as market_repo;
use linghuo_storage::services::{self as repo, EventRegistrationRow, EventRow};
use linghuo_storage::{StorageError, persons, users};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::access::{Actor, Role};
use crate::audit::{self, AuditActor, Event};
use crate::error::{Result, ServiceError};
use crate::export::{Cell, Sheet};
use crate::persons::group_label;
use linghuo_storage::status::PostStatus;

pub const EVENT_KINDS: &[(&str, &str)] = &[("onsite", "现场招聘会"), ("online", "网络招聘会")];
pub const EVENT_STATUSES: &[(&str, &str)] = &[
    ("draft", "草稿"),
    ("published", "已发布"),
    ("closed", "已结束"),
];
/// Groups an event may be aimed at.
pub const TARGET_GROUPS: &[&str] = &[
    "college_graduate",
    "migrant_worker",
    "returning_migrant_worker",
    "hard_to_employ",
    "laid_off",
    "registered_unemployed",
    "veteran",
    "disabled",
    "platform_worker",
];

pub(crate) fn label(table: &[(&'static str, &'static str)], code: &str) -> &'static str {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

/// Trimmed text of 1..=max characters without control characters (new lines allowed).
pub(crate) fn text(field: &str, v: &str, max: usize) -> Result<String> {
    let t = v.trim();
    if t.is_empty()
        || t.chars().count() > max
        || t.chars().any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err(ServiceError::invalid(
            field,
            "text_length",
            format!("不能为空，最多{max}个字"),
        ));
    }
    Ok(t.to_owned())
}

/// Optional text of at most `max` characters ("" when absent).
pub(crate) fn opt_text(field: &str, v: Option<&str>, max: usize) -> Result<String> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(String::new()),
        Some(s) => text(field, s, max),
    }
}

pub(crate) fn date(field: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        ServiceError::invalid(
            field,
            "date_format",
            "日期格式应为 YYYY-MM-DD，例如 2026-12-01",
        )
    })
}

/// A time entered in China Standard Time ("2026-12-05 09:00" or "2026-12-05T09:00").
pub(crate) fn cst_time(field: &str, s: &str) -> Result<DateTime<Utc>> {
    let s = s.trim().replace('T', " ");
    NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S"))
        .map(|t| (t - Duration::hours(8)).and_utc())
        .map_err(|_| {
            ServiceError::invalid(
                field,
                "time_format",
                "时间格式应为 YYYY-MM-DD HH:MM，例如 2026-12-05 09:00",
            )
        })
}

/// A time as people read it, in China Standard Time.
pub fn cst_text(t: &DateTime<Utc>) -> String {
    (*t + Duration::hours(8))
        .format("%Y年%m月%d日 %H:%M")
        .to_string()
}

/// A county code inside the caller's scope.
pub(crate) fn county_in_scope(actor: &Actor, field: &str, code: &str) -> Result<String> {
    let r = RegionCode::parse(code.trim())
        .ok()
        .filter(|r| r.level() == linghuo_domain::RegionLevel::County)
        .ok_or_else(|| ServiceError::invalid(field, "county_code", "请选择县（市、区）"))?;
    if !actor.may_see(&r.as_str(), None) {
        return Err(ServiceError::invalid(
            field,
            "out_of_scope",
            "只能选择您管辖范围内的县（市、区）",
        ));
    }
    Ok(r.as_str())
}

pub(crate) fn county_name(code: &str) -> String {
    RegionCode::parse(code)
        .map(|r| r.full_name())
        .unwrap_or_default()
}

pub(crate) fn staff_prefix(actor: &Actor) -> Result<String> {
    actor.require_role(&[Role::Staff])?;
    actor
        .person_scope_prefix()
        .ok_or_else(ServiceError::forbidden)
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    pub title: String,
    /// onsite or online.
    pub kind: String,
    /// The organising county (within the caller's scope).
    pub county_code: String,
    /// Venue and address (on-site events) or the link/room (online).
    #[serde(default)]
    pub venue: Option<String>,
    /// China Standard Time, `YYYY-MM-DD HH:MM`.
    pub starts_at: String,
    pub ends_at: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Group codes such as college_graduate, migrant_worker, hard_to_employ.
    #[serde(default)]
    pub target_groups: Vec<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub id: Uuid,
    pub title: String,
    pub kind: String,
    pub kind_label: &'static str,
    pub county_code: String,
    pub county_name: String,
    pub venue: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// Start and end as people read them (China Standard Time).
    pub when: String,
    pub description: String,
    pub target_groups: Vec<String>,
    pub target_labels: Vec<String>,
    pub status: String,
    pub status_label: &'static str,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EventPostView {
    pub post_id: Uuid,
    pub title: String,
    /// The amount (a range's lower end); none for pay without an amount (面议).
    pub pay_fen: Option<i64>,
    pub pay_unit: Option<String>,
    /// As people read it: 时薪30元, 计件2元/袋, 面议.
    pub pay: String,
    pub live: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EventEmployerView {
    pub employer_id: Uuid,
    pub name: String,
    /// staff or employer.
    pub added_by: String,
    pub posts: Vec<EventPostView>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EventDetail {
    pub event: EventView,
    pub employers: Vec<EventEmployerView>,
    /// Whether the signed-in worker is registered.
    pub registered: bool,
    /// Whether registration is open (published and not ended).
    pub open: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EventRegistrationView {
    pub id: Uuid,
    pub event_id: Uuid,
    pub event_title: String,
    pub event_when: String,
    /// Masked.
    pub worker_name: String,
    /// The worker's person record: staff pages link to it; not sent in the API.
    #[serde(skip)]
    pub person_id: Uuid,
    pub registered_at: DateTime<Utc>,
    pub checked_in: bool,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub interviews: i64,
    pub offers: i64,
    pub hires: i64,
    pub hire_id: Option<Uuid>,
    pub outcome_note: String,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct EventTotals {
    pub employers: i64,
    pub posts: i64,
    pub registrations: i64,
    pub checked_in: i64,
    pub interviews: i64,
    pub offers: i64,
    pub hires: i64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EventReport {
    pub detail: EventDetail,
    pub registrations: Vec<EventRegistrationView>,
    pub totals: EventTotals,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinInput {
    /// Staff only: the employer to add. An employer account joins for itself.
    #[serde(default)]
    pub employer_id: Option<Uuid>,
    /// Live posts of that employer.
    #[serde(default)]
    pub post_ids: Vec<Uuid>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInput {
    #[serde(default)]
    pub interviews: i64,
    #[serde(default)]
    pub offers: i64,
    /// Hires counted by staff; at least 1 when `hire_id` is given.
    #[serde(default)]
    pub hires: i64,
    /// A market hire of this worker made from the event.
    #[serde(default)]
    pub hire_id: Option<Uuid>,
    #[serde(default)]
    pub note: Option<String>,
}

fn event_view(e: &EventRow) -> EventView {
    let groups: Vec<String> = serde_json::from_str(&e.target_groups).unwrap_or_default();
    EventView {
        id: e.id,
        title: e.title.clone(),
        kind: e.kind.clone(),
        kind_label: label(EVENT_KINDS, &e.kind),
        county_code: e.county_code.clone(),
        county_name: county_name(&e.county_code),
        venue: e.venue.clone(),
        starts_at: e.starts_at,
        ends_at: e.ends_at,
        when: format!("{} 至 {}", cst_text(&e.starts_at), cst_text(&e.ends_at)),
        description: e.description.clone(),
        target_labels: groups
            .iter()
            .map(|g| group_label(g).unwrap_or("").to_owned())
            .collect(),
        target_groups: groups,
        status: e.status.clone(),
        status_label: label(EVENT_STATUSES, &e.status),
    }
}

impl Service {
    pub(crate) async fn masked_person_name(&self, id: Uuid) -> Result<String> {
        Ok(persons::by_id(&self.db, id)
            .await?
            .map(|p| mask_name(&p.name))
            .unwrap_or_default())
    }

    /// An event the staff member may manage, or 404 (audited).
    async fn staff_event(&self, actor: &Actor, id: Uuid, action: &str) -> Result<EventRow> {
        actor.require_role(&[Role::Staff])?;
        match repo::event(&self.db, id).await? {
            Some(e) if actor.may_see(&e.county_code, None) => Ok(e),
            _ => Err(self.deny(actor, "event", id.to_string(), action).await),
        }
    }

    /// County staff create an event (a draft until published).
    pub async fn create_event(&self, actor: &Actor, input: EventInput) -> Result<EventView> {
        actor.require_role(&[Role::Staff])?;
        let title = text("title", &input.title, 60)?;
        if label(EVENT_KINDS, input.kind.trim()).is_empty() {
            return Err(ServiceError::invalid(
                "kind",
                "event_kind",
                "请选择现场招聘会或网络招聘会",
            ));
        }
        let kind = input.kind.trim().to_owned();
        let county = county_in_scope(actor, "county_code", &input.county_code)?;
        let venue = opt_text("venue", input.venue.as_deref(), 200)?;
        if kind == "onsite" && venue.is_empty() {
            return Err(ServiceError::invalid(
                "venue",
                "venue_missing",
                "现场招聘会请填写举办地点",
            ));
        }
        let starts = cst_time("starts_at", &input.starts_at)?;
        let ends = cst_time("ends_at", &input.ends_at)?;
        if ends <= starts {
            return Err(ServiceError::invalid(
                "ends_at",
                "ends_before_start",
                "结束时间应晚于开始时间",
            ));
        }
        let description = opt_text("description", input.description.as_deref(), 2000)?;
        let mut groups: Vec<String> = Vec::new();
        for (i, g) in input.target_groups.iter().enumerate() {
            let g = g.trim();
            if g.is_empty() {
                continue;
            }
            if !TARGET_GROUPS.contains(&g) {
                return Err(ServiceError::invalid(
                    format!("target_groups[{i}]"),
                    "group_code",
                    "不认识的重点群体类别",
                ));
            }
            if !groups.iter().any(|x| x == g) {
                groups.push(g.to_owned());
            }
        }
        let now = self.clock.now();
        let row = EventRow {
            id: Uuid::new_v4(),
            title,
            kind,
            county_code: county.clone(),
            venue,
            starts_at: starts,
            ends_at: ends,
            description,
            target_groups: serde_json::to_string(&groups).unwrap_or_else(|_| "[]".into()),
            status: "draft".into(),
            created_by: Some(actor.user_id),
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.db.begin().await?;
        repo::insert_event(&mut tx, &row).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("event_created", "event", row.id)
                .region(county)
                .detail(json!({"kind": row.kind})),
        )
        .await?;
        tx.commit().await?;
        Ok(event_view(&row))
    }

    async fn set_event_status(
        &self,
        actor: &Actor,
        id: Uuid,
        from: &str,
        to: &str,
        event_type: &'static str,
    ) -> Result<EventView> {
        let e = self.staff_event(actor, id, event_type).await?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::set_event_status(&mut tx, id, from, to, now).await? {
            return Err(ServiceError::Conflict {
                code: "event_status",
                message: format!(
                    "该招聘会当前为“{}”，不能执行此操作",
                    label(EVENT_STATUSES, &e.status)
                ),
            });
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new(event_type, "event", id).region(e.county_code.clone()),
        )
        .await?;
        tx.commit().await?;
        let e = repo::event(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(event_view(&e))
    }

    pub async fn publish_event(&self, actor: &Actor, id: Uuid) -> Result<EventView> {
        self.set_event_status(actor, id, "draft", "published", "event_published")
            .await
    }

    pub async fn close_event(&self, actor: &Actor, id: Uuid) -> Result<EventView> {
        self.set_event_status(actor, id, "published", "closed", "event_closed")
            .await
    }

    /// Published events that have not ended, soonest first (public).
    pub async fn public_events(&self) -> Result<Vec<EventView>> {
        Ok(repo::published_events(&self.db, self.clock.now())
            .await?
            .iter()
            .map(event_view)
            .collect())
    }

    /// Every event of the staff member's region, newest first.
    pub async fn events_in_region(&self, actor: &Actor) -> Result<Vec<EventView>> {
        let prefix = staff_prefix(actor)?;
        Ok(repo::events_in_region(&self.db, &prefix)
            .await?
            .iter()
            .map(event_view)
            .collect())
    }

    /// One page of the region's events, latest start first, searched by title.
    pub async fn events_page(
        &self,
        actor: &Actor,
        q: &crate::paging::PageQuery,
    ) -> Result<crate::paging::Paged<EventView>> {
        let prefix = staff_prefix(actor)?;
        let (rows, total) =
            repo::events_in_region_page(&self.db, &prefix, &q.like(), q.limit(), q.offset())
                .await?;
        Ok(crate::paging::Paged::new(
            rows.iter().map(event_view).collect(),
            q,
            total,
        ))
    }

    async fn event_detail(&self, e: &EventRow, person: Option<Uuid>) -> Result<EventDetail> {
        let posts = repo::event_posts(&self.db, e.id).await?;
        let mut employers = Vec::new();
        for (eid, added_by) in repo::event_employers(&self.db, e.id).await? {
            let name = market_repo::employer(&self.db, eid)
                .await?
                .map(|x| {
                    if x.kind == "household" {
                        "家庭用工".to_owned()
                    } else {
                        x.name
                    }
                })
                .unwrap_or_default();
            let mut ps = Vec::new();
            for (pid, _) in posts.iter().filter(|(_, pe)| *pe == eid) {
                if let Some(p) = market_repo::post(&self.db, *pid).await? {
                    ps.push(EventPostView {
                        pay: crate::market::stored_pay(&p).label(),
                        post_id: p.id,
                        title: p.title,
                        pay_fen: p.pay_fen,
                        pay_unit: p.pay_unit,
                        live: p.status == PostStatus::Live,
                    });
                }
            }
            employers.push(EventEmployerView {
                employer_id: eid,
                name,
                added_by,
                posts: ps,
            });
        }
        let registered = match person {
            Some(pid) => repo::event_registrations_of_person(&self.db, pid)
                .await?
                .iter()
                .any(|r| r.event_id == e.id),
            None => false,
        };
        Ok(EventDetail {
            event: event_view(e),
            employers,
            registered,
            open: e.status == "published" && e.ends_at >= self.clock.now(),
        })
    }

    /// An event as the public sees it (published or closed); drafts only for staff of its region.
    pub async fn get_event(&self, actor: Option<&Actor>, id: Uuid) -> Result<EventDetail> {
        let e = repo::event(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if e.status == "draft"
            && !actor.is_some_and(|a| a.role == Role::Staff && a.may_see(&e.county_code, None))
        {
            return Err(ServiceError::NotFound);
        }
        let person = actor
            .filter(|a| a.role == Role::Worker)
            .and_then(|a| a.person_id);
        self.event_detail(&e, person).await
    }

    async fn registration_view(
        &self,
        r: &EventRegistrationRow,
        e: Option<&EventRow>,
    ) -> Result<EventRegistrationView> {
        let ev = match e {
            Some(e) => Some(e.clone()),
            None => repo::event(&self.db, r.event_id).await?,
        };
        Ok(EventRegistrationView {
            id: r.id,
            event_id: r.event_id,
            event_title: ev.as_ref().map(|e| e.title.clone()).unwrap_or_default(),
            event_when: ev
                .as_ref()
                .map(|e| format!("{} 至 {}", cst_text(&e.starts_at), cst_text(&e.ends_at)))
                .unwrap_or_default(),
            worker_name: self.masked_person_name(r.person_id).await?,
            person_id: r.person_id,
            registered_at: r.created_at,
            checked_in: r.checked_in_at.is_some(),
            checked_in_at: r.checked_in_at,
            interviews: r.interviews,
            offers: r.offers,
            hires: r.hires,
            hire_id: r.hire_id,
            outcome_note: r.outcome_note.clone(),
        })
    }

    /// Staff of the event's county: the event, its employers, registrations and totals.
    pub async fn event_report(&self, actor: &Actor, id: Uuid) -> Result<EventReport> {
        let e = self.staff_event(actor, id, "view").await?;
        let detail = self.event_detail(&e, None).await?;
        let mut registrations = Vec::new();
        let mut totals = EventTotals {
            employers: detail.employers.len() as i64,
            posts: detail.employers.iter().map(|x| x.posts.len() as i64).sum(),
            ..Default::default()
        };
        for r in repo::event_registrations(&self.db, id).await? {
            totals.registrations += 1;
            totals.checked_in += i64::from(r.checked_in_at.is_some());
            totals.interviews += r.interviews;
            totals.offers += r.offers;
            totals.hires += r.hires;
            registrations.push(self.registration_view(&r, Some(&e)).await?);
        }
        Ok(EventReport {
            detail,
            registrations,
            totals,
        })
    }

    /// The registrations of an event as a table for download (names masked as on the page).
    pub async fn event_sheet(&self, actor: &Actor, id: Uuid) -> Result<Sheet> {
        let r = self.event_report(actor, id).await?;
        let mut rows: Vec<Vec<Cell>> = r
            .registrations
            .iter()
            .map(|x| {
                vec![
                    Cell::text(x.worker_name.clone()),
                    Cell::text(cst_text(&x.registered_at)),
                    Cell::text(if x.checked_in {
                        "已签到"
                    } else {
                        "未签到"
                    }),
                    Cell::Int(x.interviews),
                    Cell::Int(x.offers),
                    Cell::Int(x.hires),
                    Cell::text(x.outcome_note.clone()),
                ]
            })
            .collect();
        let t = &r.totals;
        rows.push(vec![
            Cell::text("合计"),
            Cell::text(format!("报名{}人", t.registrations)),
            Cell::text(format!("签到{}人", t.checked_in)),
            Cell::Int(t.interviews),
            Cell::Int(t.offers),
            Cell::Int(t.hires),
            Cell::Empty,
        ]);
        Ok(Sheet {
            title: "招聘会报名".into(),
            headers: [
                "姓名",
                "报名时间",
                "签到",
                "面试",
                "录用意向",
                "录用",
                "备注",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            rows,
        })
    }

    /// An employer joins a published event with its live posts, or staff add an employer.
    pub async fn join_event(
        &self,
        actor: &Actor,
        id: Uuid,
        input: JoinInput,
    ) -> Result<EventDetail> {
        let (e, employer_id, added_by) = match actor.role {
            Role::Staff => {
                let e = self.staff_event(actor, id, "add_employer").await?;
                let eid = input.employer_id.ok_or_else(|| {
                    ServiceError::invalid("employer_id", "employer_missing", "请选择用人单位")
                })?;
                (e, eid, "staff")
            }
            Role::Employer => {
                let emp = self.employer_of(actor).await?;
                if !emp.verified {
                    return Err(ServiceError::Forbidden {
                        code: "employer_unverified",
                        message: "单位信息经县区核验后才能报名参加招聘会".into(),
                    });
                }
                let e = repo::event(&self.db, id)
                    .await?
                    .filter(|e| e.status == "published")
                    .ok_or(ServiceError::NotFound)?;
                (e, emp.id, "employer")
            }
            _ => return Err(ServiceError::forbidden()),
        };
        if e.status == "closed" {
            return Err(ServiceError::Conflict {
                code: "event_closed",
                message: "该招聘会已结束".into(),
            });
        }
        let emp = market_repo::employer(&self.db, employer_id)
            .await?
            .ok_or_else(|| {
                ServiceError::invalid("employer_id", "employer_unknown", "没有找到该用人单位")
            })?;
        let mut posts = Vec::new();
        for (i, pid) in input.post_ids.iter().enumerate() {
            match market_repo::post(&self.db, *pid).await? {
                Some(p) if p.employer_id == emp.id && p.status == PostStatus::Live => {
                    if !posts.contains(pid) {
                        posts.push(*pid)
                    }
                }
                _ => {
                    return Err(ServiceError::invalid(
                        format!("post_ids[{i}]"),
                        "post_not_live",
                        "只能带本单位正在招聘的岗位",
                    ));
                }
            }
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let joined = repo::add_event_employer(&mut tx, id, emp.id, added_by, now).await?;
        let mut added = 0;
        for pid in &posts {
            added += i64::from(repo::add_event_post(&mut tx, id, *pid, emp.id, now).await?);
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("event_employer_added", "event", id)
                .region(e.county_code.clone())
                .detail(json!({"employer": emp.id, "new": joined, "posts_added": added})),
        )
        .await?;
        tx.commit().await?;
        self.event_detail(&e, None).await
    }

    /// The events an employer takes part in, and the published ones it may still join.
    pub async fn employer_events(
        &self,
        actor: &Actor,
    ) -> Result<(Vec<EventDetail>, Vec<EventView>)> {
        let emp = self.employer_of(actor).await?;
        let ids = repo::events_of_employer(&self.db, emp.id).await?;
        let mut joined = Vec::new();
        for id in &ids {
            if let Some(e) = repo::event(&self.db, *id).await? {
                joined.push(self.event_detail(&e, None).await?);
            }
        }
        let open = repo::published_events(&self.db, self.clock.now())
            .await?
            .iter()
            .filter(|e| !ids.contains(&e.id))
            .map(event_view)
            .collect();
        Ok((joined, open))
    }

    /// A worker registers for a published event; a second registration (even racing) is 409.
    pub async fn register_for_event(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<EventRegistrationView> {
        actor.require_role(&[Role::Worker])?;
        let person = actor.person_id.ok_or(ServiceError::Forbidden {
            code: "person_missing",
            message: "账户未关联人员信息".into(),
        })?;
        let e = repo::event(&self.db, id)
            .await?
            .filter(|e| e.status != "draft")
            .ok_or(ServiceError::NotFound)?;
        let now = self.clock.now();
        if e.status != "published" || e.ends_at < now {
            return Err(ServiceError::Conflict {
                code: "event_closed",
                message: "该招聘会已结束，不能报名".into(),
            });
        }
        let row = EventRegistrationRow {
            id: Uuid::new_v4(),
            event_id: id,
            person_id: person,
            created_at: now,
            checked_in_at: None,
            checked_in_by: None,
            interviews: 0,
            offers: 0,
            hires: 0,
            hire_id: None,
            outcome_note: String::new(),
            outcome_by: None,
            outcome_at: None,
        };
        let mut tx = self.db.begin().await?;
        if !repo::insert_event_registration(&mut tx, &row).await? {
            return Err(ServiceError::Conflict {
                code: "already_registered",
                message: "您已报名该招聘会".into(),
            });
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("event_registered", "event_registration", row.id)
                .region(e.county_code.clone())
                .detail(json!({"event": id})),
        )
        .await?;
        tx.commit().await?;
        self.registration_view(&row, Some(&e)).await
    }

    pub async fn my_event_registrations(
        &self,
        actor: &Actor,
    ) -> Result<Vec<EventRegistrationView>> {
        actor.require_role(&[Role::Worker])?;
        let Some(person) = actor.person_id else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for r in repo::event_registrations_of_person(&self.db, person).await? {
            out.push(self.registration_view(&r, None).await?);
        }
        Ok(out)
    }

    async fn staff_registration(
        &self,
        actor: &Actor,
        id: Uuid,
        action: &str,
    ) -> Result<(EventRegistrationRow, EventRow)> {
        actor.require_role(&[Role::Staff])?;
        let r = repo::event_registration(&self.db, id).await?;
        let e = match &r {
            Some(r) => repo::event(&self.db, r.event_id).await?,
            None => None,
        };
        match (r, e) {
            (Some(r), Some(e)) if actor.may_see(&e.county_code, None) => Ok((r, e)),
            _ => Err(self
                .deny(actor, "event_registration", id.to_string(), action)
                .await),
        }
    }

    /// Staff check a registered worker in at the event.
    pub async fn check_in_registration(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<EventRegistrationView> {
        let (r, e) = self.staff_registration(actor, id, "check_in").await?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::check_in(&mut tx, id, actor.user_id, now).await? {
            return Err(ServiceError::Conflict {
                code: "already_checked_in",
                message: "已签到".into(),
            });
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("event_checked_in", "event_registration", id).region(e.county_code.clone()),
        )
        .await?;
        tx.commit().await?;
        let r = repo::event_registration(&self.db, r.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.registration_view(&r, Some(&e)).await
    }

    /// Staff record what came of a registration: interviews, offers and hires.
    pub async fn record_event_outcome(
        &self,
        actor: &Actor,
        id: Uuid,
        input: OutcomeInput,
    ) -> Result<EventRegistrationView> {
        let (r, e) = self.staff_registration(actor, id, "outcome").await?;
        for (field, v) in [
            ("interviews", input.interviews),
            ("offers", input.offers),
            ("hires", input.hires),
        ] {
            if !(0..=100).contains(&v) {
                return Err(ServiceError::invalid(
                    field,
                    "count_range",
                    "请填写0到100之间的整数",
                ));
            }
        }
        let mut hires = input.hires;
        if let Some(h) = input.hire_id {
            match market_repo::hire(&self.db, h).await? {
                Some(x) if x.person_id == r.person_id => hires = hires.max(1),
                _ => {
                    return Err(ServiceError::invalid(
                        "hire_id",
                        "hire_unknown",
                        "没有找到该劳动者的这条录用记录",
                    ));
                }
            }
        }
        let note = opt_text("note", input.note.as_deref(), 200)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        repo::set_outcome(
            &mut tx,
            id,
            input.interviews,
            input.offers,
            hires,
            input.hire_id,
            &note,
            actor.user_id,
            now,
        )
        .await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("event_outcome_recorded", "event_registration", id)
                .region(e.county_code.clone())
                .detail(json!({"interviews": input.interviews, "offers": input.offers, "hires": hires, "hire": input.hire_id})),
        )
        .await?;
        tx.commit().await?;
        let r = repo::event_registration(&self.db, r.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.registration_view(&r, Some(&e)).await
    }

    /// Counts for the staff workbench: what waits in these services in the caller's region.
    pub async fn services_workbench_counts(&self, actor: &Actor) -> Result<ServiceCounts> {
        let prefix = staff_prefix(actor)?;
        let c = repo::service_counts(&self.db, &prefix, self.clock.now(), self.clock.today_cst())
            .await?;
        Ok(ServiceCounts {
            pending_venue_applications: c.pending_venue_applications,
            pending_relief: c.pending_relief,
            overdue_archive_loans: c.overdue_archive_loans,
            upcoming_events: c.upcoming_events,
        })
    }

    /// A user's display name for staff-facing logs.
    pub(crate) async fn user_display(&self, id: Option<Uuid>) -> Result<String> {
        Ok(match id {
            Some(id) => users::by_id(&self.db, id)
                .await?
                .map(|u| u.display_name)
                .unwrap_or_default(),
            None => String::new(),
        })
    }
}

/// What waits for staff in these services (for the workbench).
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct ServiceCounts {
    /// Venue applications not yet allocated or wait-listed.
    pub pending_venue_applications: i64,
    /// Rent-relief and road-fee applications awaiting a decision.
    pub pending_relief: i64,
    /// Archives lent out past their due date.
    pub overdue_archive_loans: i64,
    /// Published events that have not ended.
    pub upcoming_events: i64,
}

pub(crate) fn conflict_of(e: StorageError, code: &'static str, message: &str) -> ServiceError {
    match e {
        StorageError::Conflict { .. } => ServiceError::Conflict {
            code,
            message: message.into(),
        },
        other => other.into(),
    }
}
