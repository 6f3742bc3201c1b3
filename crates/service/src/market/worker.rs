//! The rest of the market's two-way flow: a worker's job-seeking profile (四(九) free
//! job-seeker registration), invitations from employers and the worker's answer, completion
//! of the work, ratings both ways, notices (pay overdue, invitations), the scheduled market
//! upkeep (expiry, overdue pay) and the staff overview of their region.

use chrono::{DateTime, Utc};
use linghuo_domain::{Money, RegionCode, occupation, resolve_occupation};
use linghuo_market::{JobForm, PayUnit, Schedule};
use linghuo_storage::market::{self as repo, ProfileRow};
use linghuo_storage::notices::{self as notice_repo, NoticeRow};
use linghuo_storage::persons;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::access::{Actor, Role};
use crate::audit::{self, AuditActor, Event};
use crate::error::{Result, ServiceError};
use crate::market::{ApplicationView, HireView, short_list};
use linghuo_storage::status::{HireStatus, PostStatus};

/// Default travel radius when a worker gives none, km.
pub const DEFAULT_RADIUS_KM: f64 = 10.0;

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    /// Catalogue codes or trade names (保洁员, 家政服务员); a category includes its trades.
    #[serde(default)]
    pub occupations: Vec<String>,
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub certificates: Vec<String>,
    /// Home point; defaults to the seat of the worker's county.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// How far the worker will travel, km (default 10, at most 100).
    pub radius_km: Option<f64>,
    /// When the worker can work, e.g. 周末 09:00-17:00 or 周一至周五 18:00-21:00 (empty = any
    /// time).
    pub availability: Option<String>,
    /// Decimal yuan, e.g. "25.00".
    pub expected_pay_amount: Option<String>,
    /// hour, day, piece or month.
    pub expected_pay_unit: Option<String>,
    /// Forms the worker accepts (gig, hourly, part_time, short_term, platform); empty = any.
    #[serde(default)]
    pub wanted_forms: Vec<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ProfileView {
    pub occupations: Vec<String>,
    pub occupation_names: Vec<String>,
    pub skills: Vec<String>,
    pub certificates: Vec<String>,
    pub lat: f64,
    pub lon: f64,
    pub radius_km: f64,
    /// The availability in words, as the worker would say it.
    pub availability: String,
    pub expected_pay: Option<String>,
    pub expected_pay_amount: Option<String>,
    pub expected_pay_unit: Option<String>,
    pub wanted_forms: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// 1 to 5.
    pub score: i64,
    #[serde(default)]
    pub comment: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RatingView {
    /// employer or worker: who gave it.
    pub rater: String,
    pub score: i64,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct NoticeView {
    pub id: Uuid,
    pub kind: String,
    pub message: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// The market of a staff member's region at a glance.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MarketOverview {
    pub region_code: String,
    pub region_name: String,
    pub live_posts: i64,
    pub held_posts: i64,
    pub applications: i64,
    pub hires: i64,
    pub active_hires: i64,
    /// Median days from posting to the first hire, over posts with a hire.
    pub median_days_to_fill: Option<f64>,
    pub filled_posts: usize,
    pub overdue_pay: usize,
}

/// What one run of the market upkeep did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct UpkeepReport {
    pub expired_posts: usize,
    pub overdue_notices: usize,
}

fn profile_view(r: &ProfileRow) -> ProfileView {
    let occupations: Vec<String> = serde_json::from_str(&r.occupations).unwrap_or_default();
    let availability: Schedule = serde_json::from_str(&r.availability).unwrap_or_default();
    ProfileView {
        occupation_names: occupations
            .iter()
            .filter_map(|c| occupation(c).map(|o| o.name.to_owned()))
            .collect(),
        occupations,
        skills: serde_json::from_str(&r.skills).unwrap_or_default(),
        certificates: serde_json::from_str(&r.certificates).unwrap_or_default(),
        lat: r.lat,
        lon: r.lon,
        radius_km: r.radius_km,
        availability: availability.label(),
        expected_pay: match (r.expected_pay_fen, r.expected_pay_unit.as_deref()) {
            (Some(f), Some(u)) => PayUnit::parse(u)
                .ok()
                .map(|u| format!("{}元/{}", Money::from_fen(f), u.label())),
            _ => None,
        },
        expected_pay_amount: r.expected_pay_fen.map(|f| Money::from_fen(f).to_string()),
        expected_pay_unit: r.expected_pay_unit.clone(),
        wanted_forms: serde_json::from_str(&r.wanted_forms).unwrap_or_default(),
        updated_at: r.updated_at,
    }
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

impl Service {
    pub async fn my_profile(&self, actor: &Actor) -> Result<Option<ProfileView>> {
        actor.require_role(&[Role::Worker])?;
        let person = actor.person_id.ok_or(ServiceError::NotFound)?;
        Ok(repo::profile(&self.db, person)
            .await?
            .as_ref()
            .map(profile_view))
    }

    /// Saves the worker's job-seeking profile (replaces the previous one).
    pub async fn set_profile(&self, actor: &Actor, input: ProfileInput) -> Result<ProfileView> {
        actor.require_role(&[Role::Worker])?;
        let person_id = actor.person_id.ok_or(ServiceError::NotFound)?;
        let person = persons::by_id(&self.db, person_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mut occupations = Vec::new();
        for (i, o) in input.occupations.iter().enumerate() {
            let t = o.trim();
            if t.is_empty() {
                continue;
            }
            // The worker's own word for the work (修水管, 看大门的) is read as the
            // closest trade, as search reads it, and is also a new-occupation
            // suggestion (四(七)); refused only when it names no kind of work.
            let mut noted = false;
            let code = match resolve_occupation(t) {
                Some(o) => Some(o.code),
                None => {
                    let (counted, r) = self
                        .collect_profile_word(t, &person.jurisdiction_code)
                        .await?;
                    noted = counted;
                    use linghuo_market::vocab::ResolutionHow as How;
                    (matches!(r.how, How::Learned | How::Closest | How::Category)
                        && !r.code.starts_with("qita"))
                    .then_some(r.code)
                }
            };
            let Some(occ) = code.and_then(occupation) else {
                let tail = if noted {
                    "。这个叫法已记下，供工作人员整理新职业；请先选择目录中相近的职业"
                } else {
                    ""
                };
                return Err(ServiceError::invalid(
                    format!("occupations[{i}]"),
                    "occupation_unknown",
                    format!("职业“{t}”不在职业目录中{tail}"),
                ));
            };
            if !occupations.iter().any(|c: &String| c == occ.code) {
                occupations.push(occ.code.to_owned());
            }
        }
        if occupations.len() > 10 {
            return Err(ServiceError::invalid(
                "occupations",
                "list_length",
                "最多选择10个职业",
            ));
        }
        let skills = short_list("skills", &input.skills)?;
        let certificates = short_list("certificates", &input.certificates)?;
        let county = RegionCode::parse(&person.jurisdiction_code).ok();
        let (lon0, lat0) = county.map_or((112.55, 37.87), |c| c.coordinates());
        let lat = input.lat.unwrap_or(lat0);
        let lon = input.lon.unwrap_or(lon0);
        if !(34.0..=41.5).contains(&lat) || !(110.0..=115.0).contains(&lon) {
            return Err(ServiceError::invalid(
                "lat",
                "coordinates_outside",
                "坐标不在山西省范围内",
            ));
        }
        let radius_km = input.radius_km.unwrap_or(DEFAULT_RADIUS_KM);
        if !(0.5..=linghuo_market::matching::MAX_RADIUS_KM).contains(&radius_km) {
            return Err(ServiceError::invalid(
                "radius_km",
                "radius_range",
                "出行范围应为0.5至100公里",
            ));
        }
        let availability = match input
            .availability
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(t) => linghuo_market::import::parse_schedule(t).map_err(|e| {
                ServiceError::invalid("availability", "schedule_format", e.to_string())
            })?,
            None => Schedule::any_time(),
        };
        let (pay_fen, pay_unit) = match (
            input
                .expected_pay_amount
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
            input
                .expected_pay_unit
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
        ) {
            (None, _) => (None, None),
            (Some(a), unit) => {
                let m = Money::parse_non_negative(a)
                    .map_err(|e| ServiceError::field("expected_pay_amount", e))?;
                let u = PayUnit::parse(unit.unwrap_or("")).map_err(|_| {
                    ServiceError::invalid(
                        "expected_pay_unit",
                        "pay_unit",
                        "计酬单位须为 hour、day、piece 或 month",
                    )
                })?;
                (Some(m.fen()), Some(u.code().to_owned()))
            }
        };
        let mut forms = Vec::new();
        for (i, f) in input.wanted_forms.iter().enumerate() {
            let jf = JobForm::parse(f.trim()).map_err(|_| {
                ServiceError::invalid(
                    format!("wanted_forms[{i}]"),
                    "form_unknown",
                    "用工形式须为 gig、hourly、part_time、short_term 或 platform",
                )
            })?;
            if !forms.iter().any(|c: &String| c == jf.code()) {
                forms.push(jf.code().to_owned());
            }
        }
        let now = self.clock.now();
        let row = ProfileRow {
            person_id,
            occupations: serde_json::to_string(&occupations).unwrap_or_else(|_| "[]".into()),
            skills: serde_json::to_string(&skills).unwrap_or_else(|_| "[]".into()),
            certificates: serde_json::to_string(&certificates).unwrap_or_else(|_| "[]".into()),
            lat,
            lon,
            radius_km,
            availability: serde_json::to_string(&availability).unwrap_or_else(|_| "{}".into()),
            expected_pay_fen: pay_fen,
            expected_pay_unit: pay_unit,
            wanted_forms: serde_json::to_string(&forms).unwrap_or_else(|_| "[]".into()),
            updated_at: now,
        };
        let mut tx = self.db.begin().await?;
        repo::upsert_profile(&mut tx, &row).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("profile_saved", "person", person_id)
                .region(person.jurisdiction_code.clone()),
        )
        .await?;
        tx.commit().await?;
        Ok(profile_view(&row))
    }

    /// The employer invites a worker (found through recommendations) to one of its live
    /// posts; the worker is told and answers with accept or decline.
    pub async fn invite(
        &self,
        actor: &Actor,
        post_id: Uuid,
        person_id: Uuid,
        message: &str,
    ) -> Result<ApplicationView> {
        let e = self.employer_of(actor).await?;
        let p = repo::post(&self.db, post_id)
            .await?
            .filter(|p| p.employer_id == e.id && p.status == PostStatus::Live)
            .ok_or(ServiceError::NotFound)?;
        // Only workers with a job-seeking profile can be invited (they asked to be found).
        repo::profile(&self.db, person_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let now = self.clock.now();
        let row = crate::market::new_application(post_id, person_id, "invite", message, now)?;
        let mut tx = self.db.begin().await?;
        repo::insert_application(&mut tx, &row)
            .await
            .map_err(|e| match e {
                linghuo_storage::StorageError::Conflict { .. } => ServiceError::Conflict {
                    code: "already_contacted",
                    message: "已邀请过该求职者，或对方已报名".into(),
                },
                other => other.into(),
            })?;
        notice_repo::insert_notice(
            &mut tx,
            &NoticeRow::to_worker(
                person_id,
                p.county_code.clone(),
                "invitation",
                format!("{}邀请您应聘“{}”，请在“我的报名”中答复", e.name, p.title),
                "/work/applications",
                format!("invitation:{}", row.id),
                now,
            ),
        )
        .await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("worker_invited", "application", row.id).region(p.county_code.clone()),
        )
        .await?;
        tx.commit().await?;
        self.application_view(&row).await
    }

    /// The worker accepts or declines an invitation, or withdraws an application.
    pub async fn answer_application(
        &self,
        actor: &Actor,
        application_id: Uuid,
        answer: &str,
    ) -> Result<ApplicationView> {
        actor.require_role(&[Role::Worker])?;
        let person = actor.person_id.ok_or(ServiceError::NotFound)?;
        let a = repo::application(&self.db, application_id)
            .await?
            .filter(|a| a.person_id == person)
            .ok_or(ServiceError::NotFound)?;
        let to = match (answer, a.direction.as_str()) {
            ("accept", "invite") => "accepted",
            ("decline", "invite") => "declined",
            ("withdraw", _) => "withdrawn",
            _ => {
                return Err(ServiceError::invalid(
                    "answer",
                    "answer_unknown",
                    "邀请可以接受（accept）或谢绝（decline），报名可以撤回（withdraw）",
                ));
            }
        };
        let now = self.clock.now();
        let county = repo::post(&self.db, a.post_id)
            .await?
            .map(|p| p.county_code)
            .unwrap_or_default();
        let mut tx = self.db.begin().await?;
        let from_ok = repo::set_application_status(&mut tx, a.id, "pending", to, now).await?
            || (to == "withdrawn"
                && repo::set_application_status(&mut tx, a.id, "accepted", to, now).await?);
        if !from_ok {
            return Err(ServiceError::Conflict {
                code: "application_not_pending",
                message: "该报名已处理".into(),
            });
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("application_answered", "application", a.id)
                .region(county)
                .detail(json!({"status": to})),
        )
        .await?;
        tx.commit().await?;
        let row = repo::application(&self.db, a.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.application_view(&row).await
    }

    /// Either side marks the work done; pay records and ratings follow.
    pub async fn complete_hire(&self, actor: &Actor, hire_id: Uuid) -> Result<HireView> {
        let (h, _) = self.hire_as_party(actor, hire_id).await?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::set_hire_status(&mut tx, hire_id, "active", "completed", now).await? {
            return Err(ServiceError::Conflict {
                code: "hire_not_active",
                message: "该用工已结束".into(),
            });
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("hire_completed", "hire", hire_id).region(h.county_code.clone()),
        )
        .await?;
        tx.commit().await?;
        self.get_hire(actor, hire_id).await
    }

    /// One rating per side per hire, after the work started.
    pub async fn rate_hire(
        &self,
        actor: &Actor,
        hire_id: Uuid,
        input: RatingInput,
    ) -> Result<Vec<RatingView>> {
        let (h, _) = self.hire_as_party(actor, hire_id).await?;
        if h.status != HireStatus::Completed {
            return Err(ServiceError::Conflict {
                code: "hire_not_completed",
                message: "完工后才能评价".into(),
            });
        }
        if !(1..=5).contains(&input.score) {
            return Err(ServiceError::invalid(
                "score",
                "score_range",
                "评分应为1至5分",
            ));
        }
        if input.comment.chars().count() > 300 {
            return Err(ServiceError::invalid(
                "comment",
                "text_length",
                "评价最多300字",
            ));
        }
        let rater = if actor.role == Role::Employer {
            "employer"
        } else {
            "worker"
        };
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        repo::insert_rating(
            &mut tx,
            Uuid::new_v4(),
            hire_id,
            rater,
            input.score,
            input.comment.trim(),
            now,
        )
        .await
        .map_err(|e| match e {
            linghuo_storage::StorageError::Conflict { .. } => ServiceError::Conflict {
                code: "already_rated",
                message: "您已评价过这次用工".into(),
            },
            other => other.into(),
        })?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("hire_rated", "hire", hire_id)
                .region(h.county_code.clone())
                .detail(json!({"rater": rater, "score": input.score})),
        )
        .await?;
        tx.commit().await?;
        self.hire_ratings(actor, hire_id).await
    }

    pub async fn hire_ratings(&self, actor: &Actor, hire_id: Uuid) -> Result<Vec<RatingView>> {
        self.hire_as_party(actor, hire_id).await?;
        Ok(repo::ratings_of_hire(&self.db, hire_id)
            .await?
            .into_iter()
            .map(|r| RatingView {
                rater: r.rater,
                score: r.score,
                comment: r.comment,
                created_at: r.created_at,
            })
            .collect())
    }

    /// Notices for the caller: a worker's own, an employer's own, or (staff) their region's.
    pub async fn my_notices(&self, actor: &Actor) -> Result<Vec<NoticeView>> {
        let rows = match actor.role {
            Role::Worker => {
                let p = actor.person_id.ok_or(ServiceError::NotFound)?;
                notice_repo::notices_for(&self.db, "worker", Some(p), None, "", 100).await?
            }
            Role::Employer => {
                let e = self.employer_of(actor).await?;
                notice_repo::notices_for(&self.db, "employer", None, Some(e.id), "", 100).await?
            }
            Role::Staff => {
                let prefix = actor
                    .person_scope_prefix()
                    .ok_or_else(ServiceError::forbidden)?;
                notice_repo::notices_for(&self.db, "staff", None, None, &prefix, 200).await?
            }
            _ => return Err(ServiceError::forbidden()),
        };
        Ok(rows
            .into_iter()
            .map(|n| NoticeView {
                id: n.id,
                kind: n.kind,
                message: n.message,
                link: n.link,
                created_at: n.created_at,
                read: n.read_at.is_some(),
            })
            .collect())
    }

    pub async fn mark_notice_read(&self, actor: &Actor, id: Uuid) -> Result<()> {
        // Only a notice the caller can see.
        if !self.my_notices(actor).await?.iter().any(|n| n.id == id) {
            return Err(ServiceError::NotFound);
        }
        let mut tx = self.db.begin().await?;
        notice_repo::mark_notice_read(&mut tx, id, self.clock.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The scheduled market upkeep (every server runs it; every step is idempotent): live
    /// posts past their expiry become expired (and leave every index), and pay past its due
    /// day and not confirmed by the worker is flagged to the worker, the employer and the
    /// staff of the job's county, once per payment.
    pub async fn market_upkeep(&self) -> Result<UpkeepReport> {
        let today = self.clock.today_cst();
        let now = self.clock.now();
        let mut report = UpkeepReport::default();
        let mut tx = self.db.begin().await?;
        let expired = repo::expire_posts(&mut tx, today, now).await?;
        for id in &expired {
            repo::enqueue_index(&mut tx, *id, now).await?;
        }
        if !expired.is_empty() {
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &AuditActor::system(),
                Event::new("posts_expired", "job_post", Uuid::nil())
                    .detail(json!({"count": expired.len()})),
            )
            .await?;
        }
        tx.commit().await?;
        self.note_market_write();
        report.expired_posts = expired.len();
        for (pay, hire) in repo::overdue_pay_all(&self.db, today).await? {
            let title = repo::post(&self.db, hire.post_id)
                .await?
                .map(|p| p.title)
                .unwrap_or_default();
            let days = (today - pay.due_on).num_days();
            let amount = Money::from_fen(pay.amount_fen);
            let notices = [
                (
                    "worker",
                    Some(hire.person_id),
                    None,
                    format!(
                        "“{title}”{}的报酬{amount}元应于{}支付，已逾期{days}天尚未确认收到。如未收到，可向当地人社部门投诉",
                        pay.period, pay.due_on
                    ),
                    "/work/hires",
                ),
                (
                    "employer",
                    None,
                    Some(hire.employer_id),
                    format!(
                        "“{title}”{}的报酬{amount}元应于{}支付，已逾期{days}天，劳动者尚未确认收到，请尽快支付",
                        pay.period, pay.due_on
                    ),
                    "/employer/hires",
                ),
                (
                    "staff",
                    None,
                    None,
                    format!(
                        "辖区内“{title}”{}的报酬{amount}元逾期{days}天未确认支付",
                        pay.period
                    ),
                    "/staff/market",
                ),
            ];
            let mut tx = self.db.begin().await?;
            for (audience, person, employer, message, link) in notices {
                if notice_repo::insert_notice(
                    &mut tx,
                    &NoticeRow {
                        id: Uuid::new_v4(),
                        audience: audience.into(),
                        person_id: person,
                        employer_id: employer,
                        region_code: hire.county_code.clone(),
                        kind: "pay_overdue".into(),
                        message,
                        link: link.into(),
                        dedupe_key: format!("pay_overdue:{}:{audience}", pay.id),
                        created_at: now,
                        read_at: None,
                    },
                )
                .await?
                {
                    report.overdue_notices += 1;
                }
            }
            tx.commit().await?;
        }
        Ok(report)
    }

    /// The gig market of the caller's region (staff): live and held posts, applications,
    /// hires, time to fill and overdue pay.
    pub async fn market_overview(&self, actor: &Actor) -> Result<MarketOverview> {
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let c = repo::market_counts(&self.db, &prefix).await?;
        let fills = repo::fill_times(&self.db, &prefix).await?;
        let days: Vec<f64> = fills
            .iter()
            .map(|(posted, hired)| (*hired - *posted).num_minutes() as f64 / 1440.0)
            .collect();
        let region = actor.scope;
        Ok(MarketOverview {
            region_code: prefix.clone(),
            region_name: region.map(|r| r.full_name()).unwrap_or_default(),
            live_posts: c.live_posts,
            held_posts: c.held_posts,
            applications: c.applications,
            hires: c.hires,
            active_hires: c.active_hires,
            filled_posts: days.len(),
            median_days_to_fill: median(days),
            overdue_pay: self.overdue_pay(actor).await?.len(),
        })
    }
}
