//! Vocational and entrepreneurship training (四(八)): courses run by approved providers with
//! the training subsidy and the daily living allowance, enrolment (by the person, or by
//! staff for them), attendance by day, completion with a certificate. Completing a course
//! files a `training_subsidy` application decided by the engine and paid through the ledger:
//! the course's subsidy plus the allowance for each day attended.

use chrono::NaiveDate;
use linghuo_domain::RegionCode;
use linghuo_storage::StorageError;
use linghuo_storage::benefits::{self as repo, CourseRow, EnrolmentRow};
use linghuo_storage::persons as person_repo;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, AuditActor, Event};
use crate::benefits::{ApplicationView, fen_text};
use crate::registration::{parse_day, stale};
use crate::{Actor, Result, Role, Service, ServiceError};

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CourseInput {
    pub title: String,
    pub provider: String,
    pub occupation: String,
    /// skills | entrepreneurship
    pub kind: String,
    pub hours: String,
    pub days: String,
    /// YYYY-MM-DD
    pub starts_on: String,
    /// YYYY-MM-DD
    pub ends_on: String,
    pub capacity: String,
    /// Training subsidy per completing trainee, yuan ("1200.00").
    pub subsidy: String,
    /// Living allowance per day attended, yuan ("30.00").
    pub daily_allowance: String,
    /// County running it; the staff member's own county when empty.
    #[serde(default)]
    pub county_code: String,
    /// offline (线下, the default) or online (线上, 四(八) 推进线上线下结合).
    #[serde(default)]
    pub mode: String,
    /// Where an offline course is held (optional); must be empty for an online course.
    #[serde(default)]
    pub venue: String,
    /// The platform an online course runs on (required for online), e.g. 山西省职业技能
    /// 提升线上平台.
    #[serde(default)]
    pub platform: String,
    /// The online course's address, http:// or https:// (optional).
    #[serde(default)]
    pub link: String,
}

/// A course's mode and where it happens, checked: (mode, venue, platform, link).
fn course_place(input: &CourseInput) -> Result<(String, String, String, String)> {
    let venue = input.venue.trim();
    let platform = input.platform.trim();
    let link = input.link.trim();
    let long = |field: &str, v: &str, max: usize, what: &str| -> Result<()> {
        if v.chars().count() > max || v.chars().any(char::is_control) {
            return Err(ServiceError::invalid(
                field,
                "text_length",
                format!("{what}最多{max}个字"),
            ));
        }
        Ok(())
    };
    long("venue", venue, 100, "培训地点")?;
    long("platform", platform, 60, "线上平台名称")?;
    long("link", link, 300, "课程链接")?;
    match input.mode.trim() {
        "" | "offline" => {
            if !platform.is_empty() || !link.is_empty() {
                return Err(ServiceError::invalid(
                    "platform",
                    "offline_has_platform",
                    "线下课程不填线上平台和链接；线上课程请在“上课方式”里选择线上",
                ));
            }
            Ok(("offline".into(), venue.into(), String::new(), String::new()))
        }
        "online" => {
            if !venue.is_empty() {
                return Err(ServiceError::invalid(
                    "venue",
                    "online_has_venue",
                    "线上课程没有培训地点，请不填培训地点",
                ));
            }
            if platform.chars().count() < 2 {
                return Err(ServiceError::invalid(
                    "platform",
                    "platform_required",
                    "线上课程请填写上课的平台名称（2至60个字）",
                ));
            }
            let lower = link.to_ascii_lowercase();
            if !link.is_empty()
                && (!(lower.starts_with("https://") || lower.starts_with("http://"))
                    || link.contains(char::is_whitespace))
            {
                return Err(ServiceError::invalid(
                    "link",
                    "link_invalid",
                    "课程链接应以 https:// 或 http:// 开头，不含空格",
                ));
            }
            Ok(("online".into(), String::new(), platform.into(), link.into()))
        }
        _ => Err(ServiceError::invalid(
            "mode",
            "mode_unknown",
            "上课方式请选择线下或线上",
        )),
    }
}

/// Course modes and their labels.
pub const COURSE_MODES: &[(&str, &str)] = &[("offline", "线下"), ("online", "线上")];

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CourseView {
    pub id: Uuid,
    pub county_code: String,
    pub county_name: String,
    pub title: String,
    pub provider: String,
    pub occupation: String,
    pub kind: String,
    pub kind_label: String,
    pub hours: i32,
    pub days: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    pub enrolled: i32,
    pub subsidy: String,
    pub daily_allowance: String,
    /// open | closed | finished
    pub status: String,
    pub status_label: String,
    /// offline | online
    pub mode: String,
    /// 线下 | 线上
    pub mode_label: String,
    /// Offline: where it is held (may be empty).
    pub venue: String,
    /// Online: the platform and the link (the link may be empty).
    pub platform: String,
    pub link: String,
}

fn course_view(c: &CourseRow) -> CourseView {
    CourseView {
        id: c.id,
        county_code: c.county_code.clone(),
        county_name: RegionCode::parse(&c.county_code)
            .map(|r| r.full_name())
            .unwrap_or_default(),
        title: c.title.clone(),
        provider: c.provider.clone(),
        occupation: c.occupation.clone(),
        kind: c.kind.clone(),
        kind_label: if c.kind == "entrepreneurship" {
            "创业培训"
        } else {
            "职业技能培训"
        }
        .into(),
        hours: c.hours,
        days: c.days,
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        capacity: c.capacity,
        enrolled: c.enrolled,
        subsidy: fen_text(c.subsidy_fen),
        daily_allowance: fen_text(c.daily_allowance_fen),
        status: c.status.clone(),
        status_label: match c.status.as_str() {
            "open" => "报名中",
            "closed" => "报名已截止",
            _ => "已结业",
        }
        .into(),
        mode: c.mode.clone(),
        mode_label: if c.mode == "online" {
            "线上"
        } else {
            "线下"
        }
        .into(),
        venue: c.venue.clone(),
        platform: c.platform.clone(),
        link: c.link.clone(),
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EnrolmentView {
    pub id: Uuid,
    pub course_id: Uuid,
    pub course_title: String,
    pub person_id: Uuid,
    /// Masked.
    pub person_name: String,
    /// enrolled | completed | failed | withdrawn
    pub status: String,
    pub status_label: String,
    pub days_attended: i32,
    pub certificate_number: Option<String>,
    pub completed_on: Option<NaiveDate>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CompletionView {
    pub enrolment: EnrolmentView,
    /// The training-subsidy application filed on completion.
    pub application: Option<ApplicationView>,
}

fn int_field(field: &str, s: &str, min: i32, max: i32, what: &str) -> Result<i32> {
    match s.trim().parse::<i32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ServiceError::invalid(
            field,
            "number_invalid",
            format!("{what}应为{min}至{max}之间的整数"),
        )),
    }
}

fn money_field(field: &str, s: &str, what: &str) -> Result<i64> {
    match linghuo_policy::Fen::parse(s.trim()) {
        Ok(f) if f.0 >= 0 && f.0 <= 10_000_000 => Ok(f.0),
        _ => Err(ServiceError::invalid(
            field,
            "money_invalid",
            format!("{what}应为不超过100000.00的金额，如 1200.00"),
        )),
    }
}

fn text_field(field: &str, s: &str, what: &str) -> Result<String> {
    let t = s.trim();
    if t.chars().count() < 2 || t.chars().count() > 80 {
        return Err(ServiceError::invalid(
            field,
            "text_required",
            format!("请填写{what}（2至80个字）"),
        ));
    }
    Ok(t.to_owned())
}

impl Service {
    /// Staff open a course in a county of their region.
    pub async fn create_course(&self, actor: &Actor, input: CourseInput) -> Result<CourseView> {
        actor.require_role(&[Role::Staff])?;
        let scope = actor.scope.ok_or_else(ServiceError::forbidden)?;
        let county = if input.county_code.trim().is_empty() {
            scope.code().to_string()
        } else {
            input.county_code.trim().to_owned()
        };
        match RegionCode::parse(&county) {
            Ok(c)
                if c.level() == linghuo_domain::region::RegionLevel::County
                    && c.is_within(&scope) => {}
            _ => {
                return Err(ServiceError::invalid(
                    "county_code",
                    "county_invalid",
                    "请选择本辖区内的县（市、区）",
                ));
            }
        }
        let title = text_field("title", &input.title, "课程名称")?;
        let provider = text_field("provider", &input.provider, "培训机构")?;
        let occupation = text_field("occupation", &input.occupation, "培训工种")?;
        let kind = match input.kind.trim() {
            "skills" | "entrepreneurship" => input.kind.trim().to_owned(),
            _ => {
                return Err(ServiceError::invalid(
                    "kind",
                    "kind_unknown",
                    "请选择职业技能培训或创业培训",
                ));
            }
        };
        let hours = int_field("hours", &input.hours, 1, 2000, "课时")?;
        let days = int_field("days", &input.days, 1, 365, "培训天数")?;
        let today = self.clock.today_cst();
        let starts_on = parse_day("starts_on", &input.starts_on, today)?;
        let ends_on = parse_day("ends_on", &input.ends_on, today)?;
        if ends_on < starts_on {
            return Err(ServiceError::invalid(
                "ends_on",
                "ends_before_start",
                "结束日期不能早于开始日期",
            ));
        }
        if (ends_on - starts_on).num_days() + 1 < days as i64 {
            return Err(ServiceError::invalid(
                "days",
                "days_exceed_dates",
                "培训天数不能多于起止日期之间的天数",
            ));
        }
        let capacity = int_field("capacity", &input.capacity, 1, 1000, "名额")?;
        let (mode, venue, platform, link) = course_place(&input)?;
        let subsidy_fen = money_field("subsidy", &input.subsidy, "培训补贴")?;
        let daily_allowance_fen =
            money_field("daily_allowance", &input.daily_allowance, "生活费补贴")?;
        let now = self.clock.now();
        let row = CourseRow {
            id: Uuid::new_v4(),
            county_code: county,
            title,
            provider,
            occupation,
            kind,
            hours,
            days,
            starts_on,
            ends_on,
            capacity,
            enrolled: 0,
            subsidy_fen,
            daily_allowance_fen,
            status: "open".into(),
            created_by: Some(actor.user_id),
            created_at: now,
            mode,
            venue,
            platform,
            link,
        };
        let mut tx = self.db.begin().await?;
        repo::insert_course(&mut tx, &row).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("course_created", "training_course", row.id)
                .region(row.county_code.clone())
                .detail(json!({"subsidy": fen_text(subsidy_fen), "daily_allowance": fen_text(daily_allowance_fen), "mode": row.mode})),
        )
        .await?;
        tx.commit().await?;
        Ok(course_view(&row))
    }

    /// Courses: staff see their region's; workers see the open courses of their city.
    pub async fn courses(&self, actor: &Actor) -> Result<Vec<CourseView>> {
        let prefix = match actor.role {
            Role::Staff => actor
                .person_scope_prefix()
                .ok_or_else(ServiceError::forbidden)?,
            Role::Worker => {
                let pid = actor.person_id.ok_or(ServiceError::NotFound)?;
                let p = person_repo::by_id(&self.db, pid)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                p.jurisdiction_code.chars().take(4).collect()
            }
            _ => return Err(ServiceError::forbidden()),
        };
        Ok(repo::courses_in_region(&self.db, &prefix)
            .await?
            .iter()
            .filter(|c| actor.role == Role::Staff || c.status == "open")
            .map(course_view)
            .collect())
    }

    /// Staff: one page of the region's courses, latest start first, searched by title or
    /// provider.
    pub async fn courses_page(
        &self,
        actor: &Actor,
        q: &crate::paging::PageQuery,
    ) -> Result<crate::paging::Paged<CourseView>> {
        actor.require_role(&[Role::Staff])?;
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let (rows, total) =
            repo::courses_in_region_page(&self.db, &prefix, &q.like(), q.limit(), q.offset())
                .await?;
        Ok(crate::paging::Paged::new(
            rows.iter().map(course_view).collect(),
            q,
            total,
        ))
    }

    /// Courses as [`Service::courses`], only those of one mode (offline, online) when given.
    pub async fn courses_of_mode(&self, actor: &Actor, mode: &str) -> Result<Vec<CourseView>> {
        let mode = mode.trim();
        if !mode.is_empty() && !COURSE_MODES.iter().any(|(c, _)| *c == mode) {
            return Err(ServiceError::invalid(
                "mode",
                "mode_unknown",
                "上课方式请选择线下或线上",
            ));
        }
        let mut v = self.courses(actor).await?;
        v.retain(|c| mode.is_empty() || c.mode == mode);
        Ok(v)
    }

    async fn course_for(&self, actor: &Actor, id: Uuid) -> Result<CourseRow> {
        let c = repo::course(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let visible = match actor.role {
            Role::Staff => actor.may_see(&c.county_code, None),
            Role::Worker => c.status == "open" || self.enrolled_in(actor, c.id).await?,
            _ => false,
        };
        if !visible {
            return Err(self
                .deny(actor, "training_course", id.to_string(), "read")
                .await);
        }
        Ok(c)
    }

    async fn enrolled_in(&self, actor: &Actor, course: Uuid) -> Result<bool> {
        let Some(pid) = actor.person_id else {
            return Ok(false);
        };
        Ok(repo::enrolments_of_person(&self.db, pid)
            .await?
            .iter()
            .any(|e| e.course_id == course))
    }

    pub async fn course(&self, actor: &Actor, id: Uuid) -> Result<CourseView> {
        Ok(course_view(&self.course_for(actor, id).await?))
    }

    async fn enrolment_view(&self, e: &EnrolmentRow) -> Result<EnrolmentView> {
        let title = repo::course(&self.db, e.course_id)
            .await?
            .map(|c| c.title)
            .unwrap_or_default();
        let name = person_repo::by_id(&self.db, e.person_id)
            .await?
            .map(|p| linghuo_domain::masking::mask_name(&p.name))
            .unwrap_or_default();
        Ok(EnrolmentView {
            id: e.id,
            course_id: e.course_id,
            course_title: title,
            person_id: e.person_id,
            person_name: name,
            status: e.status.clone(),
            status_label: match e.status.as_str() {
                "enrolled" => "在训",
                "completed" => "已结业",
                "failed" => "未通过",
                _ => "已退出",
            }
            .into(),
            days_attended: e.days_attended,
            certificate_number: e.certificate_number.clone(),
            completed_on: e.completed_on,
        })
    }

    /// Enrols a person in an open course with a free place (the place is taken by a
    /// conditional update, so a full course refuses the last racers).
    pub async fn enrol(
        &self,
        actor: &Actor,
        course_id: Uuid,
        person_id: Uuid,
    ) -> Result<EnrolmentView> {
        actor.require_role(&[Role::Worker, Role::Staff])?;
        let c = self.course_for(actor, course_id).await?;
        let p = self.person_in_scope(actor, person_id, "enrol").await?;
        let now = self.clock.now();
        let row = EnrolmentRow {
            id: Uuid::new_v4(),
            course_id: c.id,
            person_id: p.id,
            status: "enrolled".into(),
            days_attended: 0,
            certificate_number: None,
            completed_on: None,
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.db.begin().await?;
        repo::insert_enrolment(&mut tx, &row)
            .await
            .map_err(|e| match e {
                StorageError::Conflict { .. } => ServiceError::Conflict {
                    code: "already_enrolled",
                    message: "已报名该课程".into(),
                },
                other => other.into(),
            })?;
        if !repo::take_course_place(&mut tx, c.id).await? {
            return Err(ServiceError::Conflict {
                code: "course_full",
                message: "该课程已满员或已截止报名".into(),
            });
        }
        repo::enqueue_rescreen(&mut tx, p.id, now).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("course_enrolled", "training_enrolment", row.id)
                .region(c.county_code.clone())
                .detail(json!({"course": c.id})),
        )
        .await?;
        tx.commit().await?;
        self.enrolment_view(&row).await
    }

    pub async fn enrolments_of_course(
        &self,
        actor: &Actor,
        course_id: Uuid,
    ) -> Result<Vec<EnrolmentView>> {
        actor.require_role(&[Role::Staff])?;
        let c = self.course_for(actor, course_id).await?;
        let mut out = Vec::new();
        for e in repo::enrolments_of_course(&self.db, c.id).await? {
            out.push(self.enrolment_view(&e).await?);
        }
        Ok(out)
    }

    pub async fn my_enrolments(&self, actor: &Actor) -> Result<Vec<EnrolmentView>> {
        actor.require_role(&[Role::Worker])?;
        let pid = actor.person_id.ok_or(ServiceError::NotFound)?;
        let mut out = Vec::new();
        for e in repo::enrolments_of_person(&self.db, pid).await? {
            out.push(self.enrolment_view(&e).await?);
        }
        Ok(out)
    }

    async fn enrolment_for_staff(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<(EnrolmentRow, CourseRow)> {
        actor.require_role(&[Role::Staff])?;
        let e = repo::enrolment(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let c = self.course_for(actor, e.course_id).await?;
        Ok((e, c))
    }

    /// Records one day of attendance (a day of the course, not in the future).
    pub async fn record_attendance(
        &self,
        actor: &Actor,
        enrolment_id: Uuid,
        day: &str,
    ) -> Result<EnrolmentView> {
        let (e, c) = self.enrolment_for_staff(actor, enrolment_id).await?;
        let today = self.clock.today_cst();
        let day = parse_day("day", day, today)?;
        if day < c.starts_on || day > c.ends_on || day > today {
            return Err(ServiceError::invalid(
                "day",
                "day_outside_course",
                format!(
                    "出勤日期应在培训期内（{}至{}）且不晚于今天",
                    c.starts_on, c.ends_on
                ),
            ));
        }
        if e.status != "enrolled" {
            return Err(ServiceError::Conflict {
                code: "enrolment_finished",
                message: "该学员已结业或退出".into(),
            });
        }
        if e.days_attended >= c.days {
            return Err(ServiceError::invalid(
                "day",
                "days_complete",
                "出勤天数已达课程天数",
            ));
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if repo::record_attendance(&mut tx, e.id, day, actor.user_id, now).await? {
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &AuditActor::from(actor),
                Event::new("attendance_recorded", "training_enrolment", e.id)
                    .region(c.county_code.clone())
                    .detail(json!({"day": day.to_string()})),
            )
            .await?;
        }
        tx.commit().await?;
        let e = repo::enrolment(&self.db, e.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.enrolment_view(&e).await
    }

    /// Finishes a trainee: passed (a certificate, and the training subsidy application filed
    /// and decided) or not passed.
    pub async fn finish_training(
        &self,
        actor: &Actor,
        enrolment_id: Uuid,
        passed: bool,
    ) -> Result<CompletionView> {
        let (e, c) = self.enrolment_for_staff(actor, enrolment_id).await?;
        let today = self.clock.today_cst();
        if today < c.starts_on {
            return Err(ServiceError::invalid(
                "enrolment",
                "course_not_started",
                "课程尚未开始，不能结业",
            ));
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let certificate = if passed {
            let year = today.format("%Y").to_string();
            let seq =
                repo::next_counter(&mut tx, &format!("cert:{}:{year}", c.county_code)).await?;
            Some(format!("PX{}{year}{seq:05}", c.county_code))
        } else {
            None
        };
        let status = if passed { "completed" } else { "failed" };
        if !repo::finish_enrolment(&mut tx, e.id, status, certificate.as_deref(), today, now)
            .await?
        {
            return Err(stale());
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("training_finished", "training_enrolment", e.id)
                .region(c.county_code.clone())
                .detail(json!({"passed": passed, "days_attended": e.days_attended})),
        )
        .await?;
        tx.commit().await?;
        let application = if passed {
            let person = person_repo::by_id(&self.db, e.person_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let mut g = self.gather_facts(&person, today).await?;
            let t = g.facts.training.get_or_insert_with(Default::default);
            t.enrolled_approved_course = Some(true);
            if c.kind == "entrepreneurship" {
                t.wants_to_start_business = Some(true);
            }
            let amount = c.subsidy_fen + c.daily_allowance_fen * i64::from(e.days_attended);
            Some(
                self.file_application(
                    actor,
                    &person,
                    linghuo_policy::BenefitId::TrainingSubsidy.code(),
                    &e.id.to_string(),
                    &g,
                    true,
                    "培训结业，依据培训机构考核与出勤记录办理",
                    Some(amount),
                )
                .await?,
            )
        } else {
            None
        };
        let e = repo::enrolment(&self.db, e.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(CompletionView {
            enrolment: self.enrolment_view(&e).await?,
            application,
        })
    }
}
