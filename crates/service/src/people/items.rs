//! 我的办件: every application, registration, 参保登记, training enrolment, complaint and
//! 一件事 of a person with its step timeline (提交 → 受理 → 初审 → 审批 → 发放 → 到账, only
//! the steps that apply to the kind), the next expected date (from the review working days)
//! and 好差评: one rating per completed item, which staff of the item's region can read and
//! the open statistics count by county.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use linghuo_domain::RegionCode;
use linghuo_storage::StorageError;
use linghuo_storage::benefits::{self as repo, ApplicationRow};
use linghuo_storage::complaints as complaint_repo;
use linghuo_storage::services::guidance as guidance_repo;
use linghuo_storage::services::guide::{self as rating_repo, RatingRow};
use linghuo_storage::services::places as places_repo;
use linghuo_storage::status::{ApplicationStatus, InstructionStatus};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, AuditActor, Event};
use crate::benefits::enrolment::{Parts, scheme_label};
use crate::benefits::{REVIEW_WORKING_DAYS, benefit_name, is_paid, status_label};
use crate::clock::cst_date;
use crate::guide::add_working_days;
use crate::registration::kind_label;
use crate::{Actor, Result, Role, Service, ServiceError};

/// Fewer ratings than this in a county are not shown in the open statistics.
pub const MIN_RATINGS_SHOWN: i64 = 5;

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StepView {
    /// 提交 | 受理 | 初审 | 审批 | 发放 | 到账 | 办结
    pub name: String,
    pub done_on: Option<NaiveDate>,
    /// The step the item waits at.
    pub current: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    /// application | registration | enrolment | training | complaint | onething | stall | referral | guidance | declaration
    pub kind: String,
    pub id: Uuid,
    pub title: String,
    pub status_label: String,
    pub submitted_on: NaiveDate,
    pub steps: Vec<StepView>,
    /// When the current step is expected to be done.
    pub next_date: Option<NaiveDate>,
    pub completed: bool,
    /// The parts of a 一件事 item, in words.
    pub parts: Vec<String>,
    pub link: String,
    pub rating: Option<i64>,
    pub rating_word: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ItemRatingView)]
pub struct RatingView {
    pub item_kind: String,
    pub item_kind_label: String,
    pub item_id: Uuid,
    pub county_name: String,
    pub score: i64,
    pub word: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RatingCounty {
    pub county_code: String,
    pub county_name: String,
    /// None: fewer than [`MIN_RATINGS_SHOWN`] ratings.
    pub count: Option<i64>,
    /// One decimal place, e.g. "4.6"; empty when the count is suppressed.
    pub average: String,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ItemRatingInput)]
pub struct RatingInput {
    /// The item's kind as 我的办件 gives it: application, registration, enrolment,
    /// training, complaint or onething.
    pub kind: String,
    pub id: Uuid,
    /// 1..=5
    pub score: i64,
    #[serde(default)]
    pub word: String,
}

pub fn kind_word(kind: &str) -> &'static str {
    match kind {
        "application" => "待遇申请",
        "registration" => "就业登记",
        "enrolment" => "参保登记",
        "training" => "培训报名",
        "complaint" => "投诉举报",
        "onething" => "灵活就业一件事",
        "stall" => "摊位申请",
        "referral" => "转介民政",
        "guidance" => "职业指导",
        "declaration" => "困难申报",
        _ => "办件",
    }
}

/// Steps from (name, done day) pairs: the first not done is current.
fn steps(list: &[(&str, Option<NaiveDate>)]) -> Vec<StepView> {
    let first_open = list.iter().position(|(_, d)| d.is_none());
    list.iter()
        .enumerate()
        .map(|(i, (n, d))| StepView {
            name: (*n).into(),
            done_on: *d,
            current: Some(i) == first_open,
        })
        .collect()
}

fn day(t: Option<DateTime<Utc>>) -> Option<NaiveDate> {
    t.map(cst_date)
}

impl Service {
    /// The steps of one application with its payments.
    async fn application_steps(&self, a: &ApplicationRow) -> Result<(Vec<StepView>, bool)> {
        let submitted = Some(cst_date(a.created_at));
        let mut list: Vec<(&str, Option<NaiveDate>)> =
            vec![("提交", submitted), ("受理", submitted)];
        if a.route != "automatic" {
            list.push(("初审", day(a.reviewed_at)));
        }
        list.push(("审批", day(a.decided_at)));
        let mut completed = matches!(
            a.status,
            ApplicationStatus::Rejected | ApplicationStatus::Withdrawn
        );
        if a.status == ApplicationStatus::Approved {
            completed = true;
        }
        if is_paid(&a.benefit)
            && a.status != ApplicationStatus::Rejected
            && a.status != ApplicationStatus::Withdrawn
        {
            let ins = repo::instructions_of_application(&self.db, a.id).await?;
            let sent = ins
                .iter()
                .filter(|i| {
                    matches!(
                        i.status,
                        InstructionStatus::InBatch | InstructionStatus::Paid
                    )
                })
                .map(|i| cst_date(i.updated_at))
                .min();
            let all_paid =
                !ins.is_empty() && ins.iter().all(|i| i.status == InstructionStatus::Paid);
            let paid = all_paid
                .then(|| ins.iter().map(|i| cst_date(i.updated_at)).max())
                .flatten();
            list.push(("发放", if all_paid { sent.or(paid) } else { sent }));
            list.push(("到账", paid));
            if a.status == ApplicationStatus::Approved && a.amount_fen > 0 {
                completed = all_paid;
            }
        }
        let mut s = steps(&list);
        if matches!(
            a.status,
            ApplicationStatus::Rejected | ApplicationStatus::Withdrawn
        ) {
            // Refused or withdrawn: nothing further happens.
            s.retain(|x| x.done_on.is_some());
            for x in &mut s {
                x.current = false;
            }
        }
        Ok((s, completed))
    }

    fn next_date(&self, submitted: NaiveDate, s: &[StepView]) -> Option<NaiveDate> {
        let cur = s.iter().find(|x| x.current)?;
        match cur.name.as_str() {
            "初审" | "审批" => Some(add_working_days(submitted, REVIEW_WORKING_DAYS)),
            _ => None,
        }
    }

    /// 我的办件: the person's items, newest first (a worker for themself, staff in scope).
    pub async fn my_items(&self, actor: &Actor, person_id: Uuid) -> Result<Vec<ItemView>> {
        let p = self.person_in_scope(actor, person_id, "read_items").await?;
        let ratings = rating_repo::ratings_of_person(&self.db, p.id).await?;
        let rated = |kind: &str, id: Uuid| -> (Option<i64>, String) {
            ratings
                .iter()
                .find(|r| r.item_kind == kind && r.item_id == id)
                .map_or((None, String::new()), |r| (Some(r.score), r.word.clone()))
        };
        let mut out = Vec::new();
        let bundles = repo::onething_of(&self.db, p.id).await?;
        let mut in_bundle = BTreeSet::new();
        let mut bundle_parts = Vec::new();
        for b in &bundles {
            let parts: Parts = serde_json::from_str(&b.parts).unwrap_or_default();
            if let Some(r) = b.registration_id {
                in_bundle.insert(r);
            }
            in_bundle.extend(parts.enrolments.iter().copied());
            in_bundle.extend(parts.applications.iter().copied());
            bundle_parts.push(parts);
        }
        let apps = repo::applications_of(&self.db, p.id).await?;
        for a in &apps {
            if in_bundle.contains(&a.id) {
                continue;
            }
            let (s, completed) = self.application_steps(a).await?;
            let submitted = cst_date(a.created_at);
            let (rating, rating_word) = rated("application", a.id);
            out.push(ItemView {
                kind: "application".into(),
                id: a.id,
                title: benefit_name(&a.benefit).into(),
                status_label: status_label(a.status.as_str()).into(),
                submitted_on: submitted,
                next_date: self.next_date(submitted, &s),
                steps: s,
                completed,
                parts: Vec::new(),
                link: format!("/services/benefits/{}", a.id),
                rating,
                rating_word,
            });
        }
        for (b, parts) in bundles.iter().zip(&bundle_parts) {
            let submitted = cst_date(b.created_at);
            let mut words = Vec::new();
            if b.registration_id.is_some() {
                words.push("灵活就业登记：已办结".to_owned());
            }
            for e in repo::si_enrolments_of(&self.db, p.id).await? {
                if parts.enrolments.contains(&e.id) {
                    words.push(format!(
                        "参保登记（{}，{}起）：已办结",
                        scheme_label(&e.scheme),
                        e.start_month
                    ));
                }
            }
            let mut all_decided = true;
            let mut decided: Option<NaiveDate> = None;
            let mut any_review = false;
            let mut reviewed_all = true;
            let mut reviewed: Option<NaiveDate> = None;
            let mut pay_steps: Vec<(Option<NaiveDate>, Option<NaiveDate>)> = Vec::new();
            for a in apps.iter().filter(|a| parts.applications.contains(&a.id)) {
                let (s, _) = self.application_steps(a).await?;
                words.push(format!(
                    "{}：{}",
                    benefit_name(&a.benefit),
                    status_label(a.status.as_str())
                ));
                if a.route != "automatic" {
                    any_review = true;
                    reviewed_all &= a.reviewed_at.is_some() || a.decided_at.is_some();
                    reviewed = reviewed.max(day(a.reviewed_at));
                }
                all_decided &= a.decided_at.is_some();
                decided = decided.max(day(a.decided_at));
                let get = |n: &str| s.iter().find(|x| x.name == n).map(|x| x.done_on);
                if let (Some(sent), Some(paid)) = (get("发放"), get("到账"))
                    && a.status == ApplicationStatus::Approved
                    && a.amount_fen > 0
                {
                    pay_steps.push((sent, paid));
                }
            }
            let mut list: Vec<(&str, Option<NaiveDate>)> =
                vec![("提交", Some(submitted)), ("受理", Some(submitted))];
            if !parts.applications.is_empty() {
                if any_review {
                    list.push((
                        "初审",
                        reviewed_all.then_some(reviewed.or(decided)).flatten(),
                    ));
                }
                list.push(("审批", all_decided.then_some(decided).flatten()));
                if !pay_steps.is_empty() {
                    let sent = pay_steps
                        .iter()
                        .all(|(s, _)| s.is_some())
                        .then(|| pay_steps.iter().filter_map(|(s, _)| *s).max());
                    let paid = pay_steps
                        .iter()
                        .all(|(_, p)| p.is_some())
                        .then(|| pay_steps.iter().filter_map(|(_, p)| *p).max());
                    list.push(("发放", sent.flatten()));
                    list.push(("到账", paid.flatten()));
                }
            }
            let s = steps(&list);
            let completed = s.iter().all(|x| x.done_on.is_some());
            let (rating, rating_word) = rated("onething", b.id);
            out.push(ItemView {
                kind: "onething".into(),
                id: b.id,
                title: "灵活就业一件事".into(),
                status_label: if completed { "已办结" } else { "办理中" }.into(),
                submitted_on: submitted,
                next_date: self.next_date(submitted, &s),
                steps: s,
                completed,
                parts: words,
                link: "/services/items".into(),
                rating,
                rating_word,
            });
        }
        for r in repo::registrations_of(&self.db, p.id).await? {
            if in_bundle.contains(&r.id) {
                continue;
            }
            let d = cst_date(r.created_at);
            let (rating, rating_word) = rated("registration", r.id);
            out.push(ItemView {
                kind: "registration".into(),
                id: r.id,
                title: kind_label(r.kind.as_str()).into(),
                status_label: "已办结".into(),
                submitted_on: d,
                steps: steps(&[("提交", Some(d)), ("受理", Some(d)), ("办结", Some(d))]),
                next_date: None,
                completed: true,
                parts: Vec::new(),
                link: "/services/registration".into(),
                rating,
                rating_word,
            });
        }
        for e in repo::si_enrolments_of(&self.db, p.id).await? {
            if in_bundle.contains(&e.id) {
                continue;
            }
            let d = cst_date(e.created_at);
            let (rating, rating_word) = rated("enrolment", e.id);
            out.push(ItemView {
                kind: "enrolment".into(),
                id: e.id,
                title: format!("参保登记（{}）", scheme_label(&e.scheme)),
                status_label: "已办结".into(),
                submitted_on: d,
                steps: steps(&[("提交", Some(d)), ("受理", Some(d)), ("办结", Some(d))]),
                next_date: None,
                completed: true,
                parts: Vec::new(),
                link: "/services/items".into(),
                rating,
                rating_word,
            });
        }
        for t in repo::enrolments_of_person(&self.db, p.id).await? {
            let d = cst_date(t.created_at);
            let title = match repo::course(&self.db, t.course_id).await? {
                Some(c) => format!("培训报名：{}", c.title),
                None => "培训报名".into(),
            };
            let done = t.status == "completed";
            let (rating, rating_word) = rated("training", t.id);
            out.push(ItemView {
                kind: "training".into(),
                id: t.id,
                title,
                status_label: if done { "已结业" } else { "已报名" }.into(),
                submitted_on: d,
                steps: steps(&[
                    ("提交", Some(d)),
                    ("受理", Some(d)),
                    ("办结", t.completed_on),
                ]),
                next_date: None,
                completed: done,
                parts: Vec::new(),
                link: "/services/training".into(),
                rating,
                rating_word,
            });
        }
        for c in complaint_repo::complaints_of_person(&self.db, p.id).await? {
            let d = cst_date(c.created_at);
            let done = matches!(c.status.as_str(), "resolved" | "closed");
            let s = steps(&[
                ("提交", Some(d)),
                ("受理", day(c.acknowledged_at)),
                ("办结", day(c.resolved_at)),
            ]);
            let next = s.iter().find(|x| x.current).map(|x| {
                if x.name == "受理" {
                    cst_date(c.acknowledge_due_at)
                } else {
                    cst_date(c.resolve_due_at)
                }
            });
            let (rating, rating_word) = rated("complaint", c.id);
            out.push(ItemView {
                kind: "complaint".into(),
                id: c.id,
                title: "投诉举报".into(),
                status_label: crate::complaints::STATUSES
                    .iter()
                    .find(|(k, _)| *k == c.status.as_str())
                    .map_or("", |(_, l)| *l)
                    .into(),
                submitted_on: d,
                steps: s,
                next_date: if done { None } else { next },
                completed: done,
                parts: Vec::new(),
                link: format!("/complaints/{}", c.id),
                rating,
                rating_word,
            });
        }
        for a in places_repo::stall_applications_of_person(&self.db, p.id).await? {
            let d = cst_date(a.created_at);
            let done = a.status != "pending";
            let place = places_repo::place(&self.db, a.place_id)
                .await?
                .map(|x| x.name)
                .unwrap_or_default();
            let s = steps(&[
                ("提交", Some(d)),
                ("受理", Some(d)),
                ("审批", day(a.decided_at)),
                ("办结", day(a.decided_at)),
            ]);
            let (rating, rating_word) = rated("stall", a.id);
            out.push(ItemView {
                kind: "stall".into(),
                id: a.id,
                title: format!("摊位申请：{place}"),
                status_label: crate::places::STALL_STATUSES
                    .iter()
                    .find(|(k, _)| *k == a.status.as_str())
                    .map_or("", |(_, l)| *l)
                    .into(),
                submitted_on: d,
                next_date: if done { None } else { self.next_date(d, &s) },
                steps: s,
                completed: done,
                parts: Vec::new(),
                link: "/places/mine".into(),
                rating,
                rating_word,
            });
        }
        // 四(十一): referrals to 民政 made for the person.
        for r in repo::referrals_of(&self.db, p.id).await? {
            let done = r.outcome.is_some();
            let (rating, rating_word) = rated("referral", r.id);
            let mut status =
                crate::benefits::assistance::outcome_label(r.outcome.as_deref()).to_owned();
            if let Some(a) = r.outcome_amount_fen {
                status = format!("{status}（每月{}元）", crate::benefits::fen_text(a));
            }
            out.push(ItemView {
                kind: "referral".into(),
                id: r.id,
                title: format!(
                    "转介{}：{}",
                    r.office,
                    crate::benefits::assistance::referral_kind_label(&r.kind)
                ),
                status_label: status,
                submitted_on: r.sent_on,
                steps: steps(&[
                    ("转介", Some(r.sent_on)),
                    ("民政办理", r.outcome_on),
                    ("办结", r.outcome_on),
                ]),
                next_date: None,
                completed: done,
                parts: Vec::new(),
                link: "/services/items".into(),
                rating,
                rating_word,
            });
        }
        // 四(十一) 主动申报: the person's own declarations of difficulty (提交, 核实, 办结).
        for d in repo::declarations_of(&self.db, p.id).await? {
            let submitted = cst_date(d.created_at);
            let decided = day(d.decided_at);
            let (rating, rating_word) = rated("declaration", d.id);
            let mut status =
                crate::benefits::assistance::declaration_status_label(&d.status).to_owned();
            if d.status == "declined" && !d.decision_note.is_empty() {
                status = format!("{status}：{}", d.decision_note);
            }
            out.push(ItemView {
                kind: "declaration".into(),
                id: d.id,
                title: format!(
                    "困难申报：{}",
                    crate::benefits::assistance::declared_label(d.in_difficulty)
                ),
                status_label: status,
                submitted_on: submitted,
                steps: steps(&[
                    ("提交", Some(submitted)),
                    ("核实", decided),
                    ("办结", decided),
                ]),
                next_date: None,
                completed: decided.is_some(),
                parts: Vec::new(),
                link: "/services/difficulty".into(),
                rating,
                rating_word,
            });
        }
        // 职业指导: booked (提交, 受理 the same day), 办结 when the counsellor recorded it.
        for g in guidance_repo::sessions_of_person(&self.db, p.id).await? {
            let d = cst_date(g.created_at);
            let held = g.held_at.map(cst_date);
            let cancelled = g.status == "cancelled";
            let mut s = steps(&[("提交", Some(d)), ("受理", Some(d)), ("办结", held)]);
            if cancelled {
                s.retain(|x| x.done_on.is_some());
                for x in &mut s {
                    x.current = false;
                }
            }
            let (rating, rating_word) = rated("guidance", g.id);
            out.push(ItemView {
                kind: "guidance".into(),
                id: g.id,
                title: format!(
                    "职业指导（{}）",
                    RegionCode::parse(&g.county_code)
                        .map(|r| r.name().to_owned())
                        .unwrap_or_default()
                ),
                status_label: crate::guidance::STATUSES
                    .iter()
                    .find(|(k, _)| *k == g.status)
                    .map_or("", |(_, l)| *l)
                    .into(),
                submitted_on: d,
                steps: s,
                next_date: (!cancelled && held.is_none()).then_some(g.slot_on),
                completed: held.is_some(),
                parts: Vec::new(),
                link: format!("/guidance/{}", g.id),
                rating,
                rating_word,
            });
        }
        out.sort_by_key(|i| std::cmp::Reverse(i.submitted_on));
        Ok(out)
    }

    /// 好差评: the person rates one of their completed items, once.
    pub async fn rate_item(&self, actor: &Actor, input: RatingInput) -> Result<()> {
        actor.require_role(&[Role::Worker])?;
        let person_id = actor.person_id.ok_or_else(ServiceError::forbidden)?;
        if !(1..=5).contains(&input.score) {
            return Err(ServiceError::invalid(
                "score",
                "score_invalid",
                "请选择1至5星的评价",
            ));
        }
        let word = input.word.trim();
        if word.chars().count() > 100 {
            return Err(ServiceError::invalid(
                "word",
                "too_long",
                "评价的话最多100个字",
            ));
        }
        let items = self.my_items(actor, person_id).await?;
        let Some(item) = items
            .iter()
            .find(|i| i.kind == input.kind && i.id == input.id)
        else {
            return Err(ServiceError::NotFound);
        };
        if !item.completed {
            return Err(ServiceError::Conflict {
                code: "not_completed",
                message: "办结后才能评价".into(),
            });
        }
        let p = self.person_in_scope(actor, person_id, "rate_item").await?;
        let county = self
            .item_county(&item.kind, item.id)
            .await?
            .unwrap_or(p.jurisdiction_code);
        let now = self.clock.now();
        let row = RatingRow {
            item_kind: item.kind.clone(),
            item_id: item.id,
            person_id,
            county_code: county,
            score: input.score,
            word: word.into(),
            created_at: now,
        };
        let mut tx = self.db.begin().await?;
        rating_repo::insert_rating(&mut tx, &row)
            .await
            .map_err(|e| match e {
                StorageError::Conflict { .. } => ServiceError::Conflict {
                    code: "already_rated",
                    message: "这件事已经评价过了，每件只能评价一次".into(),
                },
                other => other.into(),
            })?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("item_rated", "item_rating", item.id)
                .region(row.county_code.clone())
                .detail(json!({"kind": row.item_kind, "score": row.score})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The county that handled an item (applications and complaints carry their own).
    async fn item_county(&self, kind: &str, id: Uuid) -> Result<Option<String>> {
        Ok(match kind {
            "application" => repo::application(&self.db, id)
                .await?
                .map(|a| a.county_code),
            "complaint" => complaint_repo::complaint(&self.db, id)
                .await?
                .map(|c| c.county_code),
            "stall" => places_repo::stall_application(&self.db, id)
                .await?
                .map(|a| a.county_code),
            "guidance" => guidance_repo::session(&self.db, id)
                .await?
                .map(|s| s.county_code),
            _ => None,
        })
    }

    /// Ratings of items handled in the staff member's region, newest first.
    pub async fn ratings_in_region(&self, actor: &Actor) -> Result<Vec<RatingView>> {
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let mut tx = self.db.begin_scoped(&prefix).await?;
        let rows = rating_repo::ratings_in_region(&mut tx, &prefix, 500).await?;
        tx.commit().await?;
        Ok(rows.iter().map(rating_view).collect())
    }

    /// One page of the ratings in the staff member's region, newest first, searched by the
    /// words people wrote; with the average score of all that match ("" when none).
    pub async fn ratings_page(
        &self,
        actor: &Actor,
        q: &crate::paging::PageQuery,
    ) -> Result<(crate::paging::Paged<RatingView>, String)> {
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let mut tx = self.db.begin_scoped(&prefix).await?;
        let (rows, total, sum) =
            rating_repo::ratings_in_region_page(&mut tx, &prefix, &q.like(), q.limit(), q.offset())
                .await?;
        tx.commit().await?;
        let average = if total > 0 {
            format!("{:.1}", sum as f64 / total as f64)
        } else {
            String::new()
        };
        Ok((
            crate::paging::Paged::new(rows.iter().map(rating_view).collect(), q, total),
            average,
        ))
    }

    /// 好差评 by county for the open statistics; counts under [`MIN_RATINGS_SHOWN`] hidden.
    pub async fn rating_stats(&self) -> Result<Vec<RatingCounty>> {
        Ok(rating_repo::rating_totals_by_county(&self.db)
            .await?
            .into_iter()
            .map(|(code, n, sum)| {
                let shown = n >= MIN_RATINGS_SHOWN;
                RatingCounty {
                    county_name: RegionCode::parse(&code)
                        .map(|c| c.full_name())
                        .unwrap_or_default(),
                    county_code: code,
                    count: shown.then_some(n),
                    average: if shown {
                        format!("{:.1}", sum as f64 / n as f64)
                    } else {
                        String::new()
                    },
                }
            })
            .collect())
    }
}

fn rating_view(r: &RatingRow) -> RatingView {
    RatingView {
        item_kind: r.item_kind.clone(),
        item_kind_label: kind_word(&r.item_kind).into(),
        item_id: r.item_id,
        county_name: RegionCode::parse(&r.county_code)
            .map(|c| c.full_name())
            .unwrap_or_default(),
        score: r.score,
        word: r.word.clone(),
        created_at: r.created_at,
    }
}
