//! 职业指导 (四(九)): career guidance at the county's 灵活就业服务窗口 or by telephone. A person
//! books online (a county window and a half-day, or a call back), or staff book for them at the
//! window. The counsellor (staff of the county) records the session: the topics, the advice
//! and the notes — all of which the person reads — and follow-up dates, each reminded to the
//! person as a notice a few days before. From the record the counsellor goes on to a
//! registration (就业/失业登记 at the window, the person chosen) or suggests a course (the
//! person is told and enrols themself; the training subsidy stays with the engine). Every
//! step is audited; staff see only their region.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use linghuo_domain::{RegionCode, RegionLevel};
use linghuo_storage::benefits as course_repo;
use linghuo_storage::notices::{self, NoticeRow};
use linghuo_storage::persons;
use linghuo_storage::services::guidance::{self as repo, FollowupRow, SessionRow};
use linghuo_storage::services::guide as window_repo;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::access::{Actor, Role};
use crate::audit::{self, AuditActor, Event};
use crate::error::{Result, ServiceError};
use crate::events::{county_name, date, label, opt_text, text};

pub const CHANNELS: &[(&str, &str)] = &[
    ("window", "到窗口面谈"),
    ("phone", "电话指导（工作人员回电）"),
];
pub const SLOTS: &[(&str, &str)] = &[("am", "上午（9:00-12:00）"), ("pm", "下午（14:00-17:00）")];
pub const STATUSES: &[(&str, &str)] = &[
    ("booked", "已预约"),
    ("held", "已完成指导"),
    ("cancelled", "已取消"),
];
pub const TOPICS: &[(&str, &str)] = &[
    ("job_search", "求职方向和岗位选择"),
    ("flexible", "灵活就业的形式和权益"),
    ("skills", "技能提升和培训"),
    ("startup", "创业"),
    ("registration", "就业、失业登记"),
    ("benefits", "补贴和社保政策"),
    ("other", "其他"),
];

/// Window appointments one county takes in a half-day.
pub const SLOT_CAPACITY: i64 = 8;
/// How far ahead a session may be booked, days.
pub const BOOK_AHEAD_DAYS: i64 = 30;
/// Reminders of a follow-up go out this many days before it.
pub const REMIND_DAYS_BEFORE: i64 = 3;
/// Most follow-ups in one record.
pub const MAX_FOLLOWUPS: usize = 5;

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookInput {
    /// Staff only: the person booked for (from the person search of their region).
    #[serde(default)]
    pub person_id: Option<Uuid>,
    /// The county whose window gives the guidance; a person's own county when empty.
    #[serde(default)]
    pub county_code: String,
    /// window (面谈) or phone (工作人员回电, to the phone number the person registered).
    pub channel: String,
    /// YYYY-MM-DD, a working day from tomorrow (today at the window) up to 30 days ahead.
    pub slot_on: String,
    /// am or pm.
    pub slot: String,
    /// What the person wants to talk about (optional, up to 200 characters).
    #[serde(default)]
    pub question: String,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowupInput {
    /// YYYY-MM-DD, after today and within a year.
    pub due_on: String,
    /// What happens then (2–100 characters), e.g. 回访求职进展.
    pub what: String,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordInput {
    /// Topic codes: job_search, flexible, skills, startup, registration, benefits, other.
    pub topics: Vec<String>,
    /// The counsellor's advice (2–1000 characters). The person reads it.
    pub advice: String,
    /// Further notes (up to 1000 characters). The person reads them too.
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub followups: Vec<FollowupInput>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelInput {
    #[serde(default)]
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FollowupView {
    pub due_on: NaiveDate,
    pub what: String,
    pub reminded: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct GuidanceView {
    pub id: Uuid,
    pub person_id: Uuid,
    /// Masked.
    pub person_name: String,
    pub county_code: String,
    pub county_name: String,
    pub channel: String,
    pub channel_label: &'static str,
    /// online | window
    pub booked_via: String,
    pub slot_on: NaiveDate,
    pub slot: String,
    pub slot_label: &'static str,
    pub question: String,
    pub status: String,
    pub status_label: &'static str,
    pub topics: Vec<String>,
    pub topic_labels: Vec<&'static str>,
    pub advice: String,
    pub notes: String,
    pub held_on: Option<NaiveDate>,
    pub cancel_reason: String,
    pub followups: Vec<FollowupView>,
    pub suggested_course_id: Option<Uuid>,
    pub suggested_course: String,
    /// The window's address and hours, when the county has published them.
    pub window: String,
}

fn session_days(today: NaiveDate, on: NaiveDate, staff: bool) -> Result<()> {
    let first = if staff {
        today
    } else {
        today + Duration::days(1)
    };
    if on < first || on > today + Duration::days(BOOK_AHEAD_DAYS) {
        return Err(ServiceError::invalid(
            "slot_on",
            "slot_on_range",
            format!(
                "请选择{}至{}之间的日期",
                first,
                today + Duration::days(BOOK_AHEAD_DAYS)
            ),
        ));
    }
    if matches!(on.weekday(), Weekday::Sat | Weekday::Sun) {
        return Err(ServiceError::invalid(
            "slot_on",
            "slot_on_weekend",
            "服务窗口周六、周日不办公，请选择工作日",
        ));
    }
    Ok(())
}

impl Service {
    async fn guidance_view(&self, s: &SessionRow) -> Result<GuidanceView> {
        let topics: Vec<String> = serde_json::from_str(&s.topics).unwrap_or_default();
        let followups = repo::followups_of(&self.db, s.id)
            .await?
            .into_iter()
            .map(|f| FollowupView {
                due_on: f.due_on,
                what: f.what,
                reminded: f.reminded_at.is_some(),
            })
            .collect();
        let suggested_course = match s.suggested_course_id {
            Some(c) => course_repo::course(&self.db, c)
                .await?
                .map(|c| c.title)
                .unwrap_or_default(),
            None => String::new(),
        };
        let window = window_repo::window(&self.db, &s.county_code)
            .await?
            .map(|w| format!("{}，{}（{}）", w.name, w.address, w.hours))
            .unwrap_or_default();
        Ok(GuidanceView {
            id: s.id,
            person_id: s.person_id,
            person_name: self.masked_person_name(s.person_id).await?,
            county_code: s.county_code.clone(),
            county_name: county_name(&s.county_code),
            channel: s.channel.clone(),
            channel_label: label(CHANNELS, &s.channel),
            booked_via: s.booked_via.clone(),
            slot_on: s.slot_on,
            slot: s.slot.clone(),
            slot_label: label(SLOTS, &s.slot),
            question: s.question.clone(),
            status: s.status.clone(),
            status_label: label(STATUSES, &s.status),
            topic_labels: topics.iter().map(|t| label(TOPICS, t)).collect(),
            topics,
            advice: s.advice.clone(),
            notes: s.notes.clone(),
            held_on: s.held_at.map(crate::clock::cst_date),
            cancel_reason: s.cancel_reason.clone(),
            followups,
            suggested_course_id: s.suggested_course_id,
            suggested_course,
            window,
        })
    }

    /// The session, for its person or the staff of its county; NotFound (audited) otherwise.
    async fn guidance_for(&self, actor: &Actor, id: Uuid, action: &str) -> Result<SessionRow> {
        let s = repo::session(&self.db, id).await?;
        let ok = match (&s, actor.role) {
            (Some(s), Role::Worker) => actor.person_id == Some(s.person_id),
            (Some(s), Role::Staff) => actor.may_see(&s.county_code, None),
            _ => false,
        };
        match s {
            Some(s) if ok => Ok(s),
            Some(_) => Err(self
                .deny(actor, "guidance_session", id.to_string(), action)
                .await),
            None => Err(ServiceError::NotFound),
        }
    }

    /// Books a session: a worker for themself (online), staff for a person of their region
    /// (at the window).
    pub async fn book_guidance(&self, actor: &Actor, input: BookInput) -> Result<GuidanceView> {
        actor.require_role(&[Role::Worker, Role::Staff])?;
        let staff = actor.role == Role::Staff;
        let person = if staff {
            let pid = input.person_id.ok_or_else(|| {
                ServiceError::invalid(
                    "person_id",
                    "person_missing",
                    "请先在本辖区的人员中查找并选择此人",
                )
            })?;
            match persons::by_id(&self.db, pid).await? {
                Some(p) if actor.may_see(&p.jurisdiction_code, None) => p,
                _ => {
                    return Err(ServiceError::invalid(
                        "person_id",
                        "person_unknown",
                        "请先在本辖区的人员中查找并选择此人",
                    ));
                }
            }
        } else {
            let pid = actor.person_id.ok_or_else(ServiceError::forbidden)?;
            persons::by_id(&self.db, pid)
                .await?
                .ok_or(ServiceError::NotFound)?
        };
        let county = match input.county_code.trim() {
            "" if staff => actor
                .scope
                .filter(|s| s.level() == RegionLevel::County)
                .map(|s| s.as_str())
                .unwrap_or_else(|| person.jurisdiction_code.clone()),
            "" => person.jurisdiction_code.clone(),
            c => c.to_owned(),
        };
        let region = RegionCode::parse(&county).ok();
        if region.is_none_or(|r| r.level() != RegionLevel::County)
            || (staff && !actor.may_see(&county, None))
        {
            return Err(ServiceError::invalid(
                "county_code",
                "county_invalid",
                if staff {
                    "请选择本辖区内的县（市、区）"
                } else {
                    "请选择县（市、区）的服务窗口"
                },
            ));
        }
        let channel = match input.channel.trim() {
            c @ ("window" | "phone") => c.to_owned(),
            _ => {
                return Err(ServiceError::invalid(
                    "channel",
                    "channel_unknown",
                    "请选择到窗口面谈或电话指导",
                ));
            }
        };
        if channel == "phone" && person.phone_cipher.is_none() {
            return Err(ServiceError::invalid(
                "channel",
                "phone_missing",
                "您还没有登记手机号，工作人员无法回电；请选择到窗口面谈，或先在“我的”里登记手机号",
            ));
        }
        let slot_on = date("slot_on", &input.slot_on)?;
        session_days(self.clock.today_cst(), slot_on, staff)?;
        let slot = match input.slot.trim() {
            s @ ("am" | "pm") => s.to_owned(),
            _ => {
                return Err(ServiceError::invalid(
                    "slot",
                    "slot_unknown",
                    "请选择上午或下午",
                ));
            }
        };
        let question = opt_text("question", Some(input.question.as_str()), 200)?;
        if channel == "window"
            && repo::slot_taken(&self.db, &county, slot_on, &slot).await? >= SLOT_CAPACITY
        {
            return Err(ServiceError::invalid(
                "slot",
                "slot_full",
                "这个时段已约满，请换一个时段或日期",
            ));
        }
        let now = self.clock.now();
        let row = SessionRow {
            id: Uuid::new_v4(),
            person_id: person.id,
            county_code: county.clone(),
            channel,
            booked_via: if staff { "window" } else { "online" }.into(),
            slot_on,
            slot,
            question,
            status: "booked".into(),
            counsellor_id: None,
            topics: "[]".into(),
            advice: String::new(),
            notes: String::new(),
            held_at: None,
            cancel_reason: String::new(),
            suggested_course_id: None,
            booked_by: Some(actor.user_id),
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.db.begin().await?;
        repo::insert_session(&mut tx, &row).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("guidance_booked", "guidance_session", row.id)
                .region(county)
                .detail(json!({"channel": row.channel, "slot_on": slot_on, "slot": row.slot, "via": row.booked_via})),
        )
        .await?;
        tx.commit().await?;
        self.guidance_view(&row).await
    }

    /// The counsellor records a booked session: topics, advice and notes (the person reads
    /// all three) and follow-ups.
    pub async fn record_guidance(
        &self,
        actor: &Actor,
        id: Uuid,
        input: RecordInput,
    ) -> Result<GuidanceView> {
        actor.require_role(&[Role::Staff])?;
        let s = self.guidance_for(actor, id, "record").await?;
        let mut topics: Vec<String> = input
            .topics
            .iter()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect();
        topics.sort();
        topics.dedup();
        if topics.is_empty() || topics.iter().any(|t| label(TOPICS, t).is_empty()) {
            return Err(ServiceError::invalid(
                "topics",
                "topics_required",
                "请选择本次指导的内容（可多选）",
            ));
        }
        let advice = text("advice", &input.advice, 1000)?;
        if advice.chars().count() < 2 {
            return Err(ServiceError::invalid(
                "advice",
                "text_length",
                "请写下给本人的指导意见（2至1000个字）",
            ));
        }
        let notes = opt_text("notes", Some(input.notes.as_str()), 1000)?;
        let today = self.clock.today_cst();
        let given: Vec<&FollowupInput> = input
            .followups
            .iter()
            .filter(|f| !(f.due_on.trim().is_empty() && f.what.trim().is_empty()))
            .collect();
        if given.len() > MAX_FOLLOWUPS {
            return Err(ServiceError::invalid(
                "followups",
                "followups_count",
                format!("回访最多安排{MAX_FOLLOWUPS}次"),
            ));
        }
        let now = self.clock.now();
        let mut followups = Vec::new();
        for f in given {
            let due_on = date("due_on", &f.due_on)?;
            if due_on <= today || due_on > today + Duration::days(365) {
                return Err(ServiceError::invalid(
                    "due_on",
                    "due_on_range",
                    "回访日期应在明天至一年之内",
                ));
            }
            let what = text("what", &f.what, 100)?;
            followups.push(FollowupRow {
                id: Uuid::new_v4(),
                session_id: s.id,
                person_id: s.person_id,
                county_code: s.county_code.clone(),
                due_on,
                what,
                reminded_at: None,
                created_at: now,
            });
        }
        let topics_json =
            serde_json::to_string(&topics).map_err(|e| ServiceError::Internal(e.to_string()))?;
        let mut tx = self.db.begin().await?;
        if !repo::record(
            &mut tx,
            s.id,
            actor.user_id,
            &topics_json,
            &advice,
            &notes,
            now,
        )
        .await?
        {
            return Err(ServiceError::Conflict {
                code: "guidance_not_booked",
                message: "这次预约已记录或已取消".into(),
            });
        }
        for f in &followups {
            repo::insert_followup(&mut tx, f).await?;
        }
        notices::insert_notice(
            &mut tx,
            &NoticeRow::to_worker(
                s.person_id,
                s.county_code.clone(),
                "guidance_recorded",
                "职业指导已完成，指导意见可在“我的职业指导”中查看",
                format!("/guidance/{}", s.id),
                format!("guidance_recorded:{}", s.id),
                now,
            ),
        )
        .await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("guidance_recorded", "guidance_session", s.id)
                .region(s.county_code.clone())
                .detail(json!({"topics": topics, "followups": followups.len()})),
        )
        .await?;
        tx.commit().await?;
        let s = repo::session(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.guidance_view(&s).await
    }

    /// The counsellor suggests an open course of their region to the person of a recorded
    /// session; the person is told and enrols on 职业培训 themself.
    pub async fn suggest_guidance_course(
        &self,
        actor: &Actor,
        id: Uuid,
        course_id: Uuid,
    ) -> Result<GuidanceView> {
        actor.require_role(&[Role::Staff])?;
        let s = self.guidance_for(actor, id, "suggest_course").await?;
        let course = match course_repo::course(&self.db, course_id).await? {
            Some(c) if c.status == "open" && actor.may_see(&c.county_code, None) => c,
            _ => {
                return Err(ServiceError::invalid(
                    "course_id",
                    "course_unknown",
                    "请选择本辖区正在报名的课程",
                ));
            }
        };
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::suggest_course(&mut tx, s.id, course.id, now).await? {
            return Err(ServiceError::Conflict {
                code: "guidance_not_held",
                message: "请先记录本次指导，再推荐课程".into(),
            });
        }
        let mode = if course.mode == "online" {
            "线上课程"
        } else {
            "课程"
        };
        notices::insert_notice(
            &mut tx,
            &NoticeRow::to_worker(
                s.person_id,
                s.county_code.clone(),
                "guidance_course",
                format!(
                    "职业指导老师推荐您参加{mode}“{}”，可在职业培训中报名",
                    course.title
                ),
                if course.mode == "online" {
                    "/services/training?mode=online"
                } else {
                    "/services/training"
                },
                format!("guidance_course:{}:{}", s.id, course.id),
                now,
            ),
        )
        .await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("guidance_course_suggested", "guidance_session", s.id)
                .region(s.county_code.clone())
                .detail(json!({"course": course.id})),
        )
        .await?;
        tx.commit().await?;
        let s = repo::session(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.guidance_view(&s).await
    }

    /// Cancels a booked session (the person, or staff of its county).
    pub async fn cancel_guidance(
        &self,
        actor: &Actor,
        id: Uuid,
        input: CancelInput,
    ) -> Result<GuidanceView> {
        let s = self.guidance_for(actor, id, "cancel").await?;
        let reason = opt_text("reason", Some(input.reason.as_str()), 200)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::cancel(&mut tx, s.id, &reason, now).await? {
            return Err(ServiceError::Conflict {
                code: "guidance_not_booked",
                message: "只有尚未进行的预约可以取消".into(),
            });
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("guidance_cancelled", "guidance_session", s.id)
                .region(s.county_code.clone()),
        )
        .await?;
        tx.commit().await?;
        let s = repo::session(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.guidance_view(&s).await
    }

    pub async fn get_guidance(&self, actor: &Actor, id: Uuid) -> Result<GuidanceView> {
        let s = self.guidance_for(actor, id, "read").await?;
        self.guidance_view(&s).await
    }

    /// A worker's own sessions, newest first.
    pub async fn my_guidance(&self, actor: &Actor) -> Result<Vec<GuidanceView>> {
        actor.require_role(&[Role::Worker])?;
        let pid = actor.person_id.ok_or_else(ServiceError::forbidden)?;
        let mut out = Vec::new();
        for s in repo::sessions_of_person(&self.db, pid).await? {
            out.push(self.guidance_view(&s).await?);
        }
        Ok(out)
    }

    /// Staff: the sessions of their region, booked ones first; `status` filters when given.
    pub async fn guidance_in_region(
        &self,
        actor: &Actor,
        status: &str,
    ) -> Result<Vec<GuidanceView>> {
        let prefix = crate::events::staff_prefix(actor)?;
        let status = status.trim();
        if !status.is_empty() && label(STATUSES, status).is_empty() {
            return Err(ServiceError::invalid(
                "status",
                "status_unknown",
                "状态应为已预约、已完成指导或已取消",
            ));
        }
        let mut out = Vec::new();
        for s in repo::sessions_in_region(&self.db, &prefix, status).await? {
            out.push(self.guidance_view(&s).await?);
        }
        Ok(out)
    }

    /// Reminds each person of the follow-ups due within [`REMIND_DAYS_BEFORE`] days, once
    /// (run by the server's upkeep; safe on several servers). Returns the notices written.
    pub async fn guidance_upkeep(&self) -> Result<usize> {
        let today = self.clock.today_cst();
        let now = self.clock.now();
        let mut n = 0;
        for f in
            repo::followups_to_remind(&self.db, today + Duration::days(REMIND_DAYS_BEFORE)).await?
        {
            let mut tx = self.db.begin().await?;
            if !repo::mark_reminded(&mut tx, f.id, now).await? {
                continue;
            }
            let written = notices::insert_notice(
                &mut tx,
                &NoticeRow::to_worker(
                    f.person_id,
                    f.county_code.clone(),
                    "guidance_followup",
                    format!(
                        "职业指导回访提醒：{}（{}年{}月{}日）",
                        f.what,
                        f.due_on.year(),
                        f.due_on.month(),
                        f.due_on.day()
                    ),
                    format!("/guidance/{}", f.session_id),
                    format!("guidance_followup:{}", f.id),
                    now,
                ),
            )
            .await?;
            tx.commit().await?;
            if written {
                n += 1;
            }
        }
        Ok(n)
    }
}
