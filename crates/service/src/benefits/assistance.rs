//! Assistance referral to 民政 (四(十一) 加大困难群众摸排力度 … 及时纳入低保范围 … 临时救助范围).
//!
//! Staff record what they found about a person's basic living (困难摸排, the fact
//! `person.in_difficulty` the engine reads). The 免申即享 screening — the same
//! [`Service::gather_facts`] and engine run for every benefit — keeps the list of the people
//! the engine refers (`assistance_referral` eligible) per county, with its reasons; county
//! staff see their region's list, send a referral to the 民政 office (低保, 临时救助 or
//! 特困供养, the day sent, the office) and enter the outcome it sends back. The person is told
//! at each step and sees the referral in 我的办件. The funnel found → referred → outcome is in
//! the statistics.
//!
//! 主动申报: a signed-in worker may declare their own difficulty (the same two answers staff
//! record, with an optional note). It waits for the county's staff as 待核实 on the referral
//! list; confirmed, it becomes a 困难摸排 record in the staff member's name (the fact the
//! engine reads, so the person is screened again at once); declined, it keeps the reason.
//! The person is told either way and follows it in 我的办件.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use linghuo_domain::{Money, RegionCode, RegionLevel};
use linghuo_policy::{BenefitId, Determinations};
use linghuo_storage::StorageError;
use linghuo_storage::benefits::{self as repo, CaseRow, DeclarationRow, FindingRow, ReferralRow};
use linghuo_storage::notices::{self as notice_repo, NoticeRow};
use linghuo_storage::persons::{self as person_repo, PersonRow};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, AuditActor, Event};
use crate::benefits::budget::year_bounds;
use crate::benefits::fen_text;
use crate::{Actor, Result, Role, Service, ServiceError};

/// What is referred to 民政: code and words.
pub const REFERRAL_KINDS: &[(&str, &str)] = &[
    ("dibao", "最低生活保障（低保）"),
    ("temporary", "临时救助"),
    ("tekun", "特困人员救助供养"),
];

pub fn referral_kind_label(kind: &str) -> &'static str {
    REFERRAL_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("社会救助", |(_, l)| *l)
}

pub fn outcome_label(outcome: Option<&str>) -> &'static str {
    match outcome {
        None => "已转介，等待民政部门办理结果",
        Some("accepted") => "民政部门已纳入救助",
        Some("refused") => "民政部门未予纳入",
        Some(_) => "",
    }
}

/// The office a county's referrals go to unless staff name another.
pub fn default_office(county: &str) -> String {
    RegionCode::parse(county)
        .map(|c| format!("{}民政局", c.name()))
        .unwrap_or_else(|_| "县（市、区）民政局".into())
}

/// What staff found about a person's basic living.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct DifficultyInput {
    /// Is the person's basic living in difficulty?
    pub in_difficulty: bool,
    /// What was found and how (visit, phone, documents).
    #[serde(default)]
    pub note: String,
}

/// A referral to send.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ReferralInput {
    /// dibao | temporary | tekun
    pub kind: String,
    /// The receiving office (default: the county's 民政局).
    #[serde(default)]
    pub office: String,
    /// The day it was sent, e.g. 2026-12-07 (default: today).
    #[serde(default)]
    pub sent_on: String,
    #[serde(default)]
    pub note: String,
}

/// The outcome 民政 sent back.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ReferralOutcomeInput {
    /// accepted | refused
    pub outcome: String,
    /// Yuan a month granted, decimal string (accepted; optional).
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub note: String,
    /// The day of 民政's decision, e.g. 2026-12-20 (default: today).
    #[serde(default)]
    pub decided_on: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReferralView {
    pub id: Uuid,
    pub person_id: Uuid,
    /// Masked name.
    pub person_name: String,
    pub county_code: String,
    pub county_name: String,
    /// dibao | temporary | tekun
    pub kind: String,
    pub kind_label: String,
    pub office: String,
    pub sent_on: NaiveDate,
    pub note: String,
    /// accepted | refused (absent while waiting)
    pub outcome: Option<String>,
    pub outcome_label: String,
    /// Yuan a month (accepted), decimal string.
    pub outcome_amount: Option<String>,
    pub outcome_note: String,
    pub outcome_on: Option<NaiveDate>,
    pub sent_by: String,
}

/// A 困难摸排 record.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FindingView {
    pub in_difficulty: bool,
    pub note: String,
    /// Who recorded it (display name).
    pub recorded_by: String,
    pub created_at: DateTime<Utc>,
}

/// A person the engine refers, with the reasons in plain words.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AssistanceCaseView {
    pub person_id: Uuid,
    /// Masked name.
    pub person_name: String,
    pub county_code: String,
    pub county_name: String,
    pub reasons: Vec<String>,
    /// What to refer first: dibao (a group the clause names) or temporary.
    pub suggested_kind: String,
    pub suggested_kind_label: String,
    pub found_at: DateTime<Utc>,
    /// Referrals already sent for the person (newest first).
    pub referrals: Vec<ReferralView>,
}

/// What a person declares about their own basic living (主动申报).
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclarationInput {
    /// true: my basic living is in difficulty; false: my difficulty is over.
    pub in_difficulty: bool,
    /// What happened, in the person's words (optional, at most 500 characters; no ID or phone
    /// numbers).
    #[serde(default)]
    pub note: String,
}

/// Staff confirm a declaration after checking it.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclarationConfirmInput {
    /// How it was checked (visit, phone, documents); optional, at most 500 characters. The
    /// 困难摸排 record made from the declaration carries it.
    #[serde(default)]
    pub note: String,
}

/// Staff decline a declaration.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclarationDeclineInput {
    /// Why, 2 to 500 characters; the person reads it.
    pub reason: String,
}

/// Where a declaration stands: code and words.
pub const DECLARATION_STATUSES: &[(&str, &str)] = &[
    ("pending", "待核实"),
    ("confirmed", "已核实，已登记困难情况"),
    ("declined", "未予认定"),
];

pub fn declaration_status_label(status: &str) -> &'static str {
    DECLARATION_STATUSES
        .iter()
        .find(|(k, _)| *k == status)
        .map_or("", |(_, l)| *l)
}

/// A person's own declaration of difficulty, as the person and staff see it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DeclarationView {
    pub id: Uuid,
    pub person_id: Uuid,
    /// Masked name.
    pub person_name: String,
    pub county_code: String,
    pub county_name: String,
    pub in_difficulty: bool,
    /// 基本生活陷入困境 or 困难已解除.
    pub in_difficulty_label: String,
    pub note: String,
    /// pending | confirmed | declined
    pub status: String,
    pub status_label: String,
    /// The staff member's note (confirmed) or the reason (declined).
    pub decision_note: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AssistanceList {
    pub region_code: String,
    pub region_name: String,
    /// People's own declarations waiting to be checked (待核实), oldest first.
    pub declarations: Vec<DeclarationView>,
    pub people: Vec<AssistanceCaseView>,
    /// Referrals of the region, newest first.
    pub referrals: Vec<ReferralView>,
}

/// The funnel of one county (or the region's total) in a year.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct AssistanceFunnel {
    pub county_code: String,
    pub county_name: String,
    /// People the screening first found in the year.
    pub found: i64,
    /// People referred to 民政 in the year.
    pub referred: i64,
    /// Referrals of the year accepted, refused and still waiting.
    pub accepted: i64,
    pub refused: i64,
    pub waiting: i64,
    /// Monthly amounts of the accepted referrals, yuan.
    pub accepted_amount: String,
}

/// A day as people write it: 2026-12-07, 2026.12.7, 2026/12/7, 2026年12月7日.
fn parse_day(s: &str) -> Option<NaiveDate> {
    let t: String = s
        .trim()
        .chars()
        .map(|c| match c {
            '年' | '月' | '.' | '/' => '-',
            c => c,
        })
        .filter(|c| *c != '日' && !c.is_whitespace())
        .collect();
    let mut it = t.split('-');
    let y = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let d = it.next()?.parse().ok()?;
    if it.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

fn day_or_today(s: &str, today: NaiveDate, field: &str) -> Result<NaiveDate> {
    if s.trim().is_empty() {
        return Ok(today);
    }
    let d = parse_day(s).ok_or_else(|| {
        ServiceError::invalid(
            field,
            "date_format",
            "日期格式应为 2026年12月7日、2026.12.7 或 2026-12-7",
        )
    })?;
    if d > today || d.year() < 2020 {
        return Err(ServiceError::invalid(
            field,
            "date_range",
            "日期应在2020年1月1日至今天之间",
        ));
    }
    Ok(d)
}

fn county_name(code: &str) -> String {
    RegionCode::parse(code)
        .map(|c| c.full_name())
        .unwrap_or_else(|_| code.to_owned())
}

/// A declaration's answer in words.
pub fn declared_label(in_difficulty: bool) -> &'static str {
    if in_difficulty {
        "基本生活陷入困境"
    } else {
        "困难已解除"
    }
}

/// What the determination says to refer first.
fn suggested_kind(reasons: &[String]) -> &'static str {
    if reasons.iter().any(|r| r.contains("低保")) {
        "dibao"
    } else {
        "temporary"
    }
}

impl Service {
    /// Keeps the person's place on the referral list from a screening's determinations (the
    /// 免申即享 screening calls it with its own result). A newly found person is told to the
    /// county's staff once.
    pub(crate) async fn note_assistance(
        &self,
        person: &PersonRow,
        d: &Determinations,
    ) -> Result<()> {
        let Some(det) = d.benefit(BenefitId::AssistanceReferral.code()) else {
            return Ok(());
        };
        let before = repo::case_of(&self.db, person.id).await?;
        if !det.eligible && before.as_ref().is_none_or(|c| !c.active) {
            return Ok(());
        }
        let reasons = serde_json::to_string(&det.reasons).unwrap_or_else(|_| "[]".into());
        if det.eligible
            && before.as_ref().is_some_and(|c| {
                c.active && c.reasons == reasons && c.county_code == person.jurisdiction_code
            })
        {
            return Ok(());
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        repo::upsert_case(
            &mut tx,
            person.id,
            &person.jurisdiction_code,
            det.eligible,
            &reasons,
            now,
        )
        .await?;
        if det.eligible && before.is_none() {
            notice_repo::insert_notice(
                &mut tx,
                &NoticeRow {
                    id: Uuid::new_v4(),
                    audience: "staff".into(),
                    person_id: None,
                    employer_id: None,
                    region_code: person.jurisdiction_code.clone(),
                    kind: "assistance_found".into(),
                    message: format!(
                        "困难帮扶：辖区内{}基本生活陷入困境，应转介民政部门",
                        linghuo_domain::masking::mask_name(&person.name)
                    ),
                    link: "/staff/assistance".into(),
                    dedupe_key: format!("assistance_found:{}", person.id),
                    created_at: now,
                    read_at: None,
                },
            )
            .await?;
        }
        if before.as_ref().map(|c| c.active) != Some(det.eligible) {
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &AuditActor::system(),
                Event::new(
                    if det.eligible {
                        "assistance_found"
                    } else {
                        "assistance_no_longer_found"
                    },
                    "person",
                    person.id,
                )
                .region(person.jurisdiction_code.clone()),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Screens one person for the referral list now (after a finding was recorded).
    async fn rescreen_assistance(&self, person: &PersonRow) -> Result<()> {
        let g = self.gather_facts(person, self.clock.today_cst()).await?;
        let d = self
            .engine
            .screen(&g.facts, &linghuo_policy::ScreenOptions::default());
        self.note_assistance(person, &d).await
    }

    /// 困难摸排: staff record whether a person's basic living is in difficulty; the person is
    /// screened again at once, so the referral list follows.
    pub async fn record_difficulty(
        &self,
        actor: &Actor,
        person_id: Uuid,
        input: DifficultyInput,
    ) -> Result<()> {
        actor.require_role(&[Role::Staff])?;
        let person = self
            .person_in_scope(actor, person_id, "record_difficulty")
            .await?;
        let note = input.note.trim();
        if input.in_difficulty && note.chars().count() < 2 {
            return Err(ServiceError::invalid(
                "note",
                "note_required",
                "请写明摸排了解到的困难情况（如“失业后无收入，家中有病人”）",
            ));
        }
        if note.chars().count() > 500 {
            return Err(ServiceError::invalid(
                "note",
                "too_long",
                "情况说明最多500个字",
            ));
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        repo::insert_finding(
            &mut tx,
            &FindingRow {
                id: Uuid::new_v4(),
                person_id: person.id,
                county_code: person.jurisdiction_code.clone(),
                in_difficulty: input.in_difficulty,
                note: note.into(),
                recorded_by: Some(actor.user_id),
                created_at: now,
            },
        )
        .await?;
        repo::enqueue_rescreen(&mut tx, person.id, now).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("difficulty_recorded", "person", person.id)
                .region(person.jurisdiction_code.clone())
                .detail(json!({"in_difficulty": input.in_difficulty})),
        )
        .await?;
        tx.commit().await?;
        self.rescreen_assistance(&person).await
    }

    /// A person's 困难摸排 records, newest first (staff of the region).
    pub async fn difficulty_findings(
        &self,
        actor: &Actor,
        person_id: Uuid,
    ) -> Result<Vec<FindingView>> {
        actor.require_role(&[Role::Staff])?;
        let p = self
            .person_in_scope(actor, person_id, "read_difficulty")
            .await?;
        let mut out = Vec::new();
        for f in repo::findings_of(&self.db, p.id).await? {
            out.push(FindingView {
                in_difficulty: f.in_difficulty,
                note: f.note,
                recorded_by: self.staff_name(f.recorded_by).await?,
                created_at: f.created_at,
            });
        }
        Ok(out)
    }

    /// The referral list of a staff member's region (or one county inside it).
    pub async fn assistance_list(
        &self,
        actor: &Actor,
        county: Option<&str>,
    ) -> Result<AssistanceList> {
        actor.require_role(&[Role::Staff])?;
        let scope = actor.scope.ok_or_else(ServiceError::forbidden)?;
        let region = match county.map(str::trim).filter(|s| !s.is_empty()) {
            None => scope,
            Some(c) => {
                let code = RegionCode::parse(c).map_err(|e| ServiceError::field("county", e))?;
                if !code.is_within(&scope) {
                    return Err(ServiceError::NotFound);
                }
                code
            }
        };
        self.assistance_list_of(&region, true).await
    }

    /// The referral list of a region (the CLI's, without a caller). `scoped`: read under the
    /// region's row-level security.
    pub async fn assistance_list_of(
        &self,
        region: &RegionCode,
        scoped: bool,
    ) -> Result<AssistanceList> {
        let prefix = region.sql_prefix();
        let mut tx = if scoped {
            self.db.begin_scoped(&prefix).await?
        } else {
            self.db.begin().await?
        };
        let cases = repo::active_cases(&mut tx, &prefix).await?;
        let referrals = repo::referrals_in_region(&mut tx, &prefix).await?;
        let pending = repo::pending_declarations(&mut tx, &prefix).await?;
        tx.commit().await?;
        let mut declarations = Vec::with_capacity(pending.len());
        for d in &pending {
            declarations.push(self.declaration_view(d).await?);
        }
        let mut referral_views = Vec::with_capacity(referrals.len());
        for r in &referrals {
            referral_views.push(self.referral_view(r).await?);
        }
        let mut people = Vec::with_capacity(cases.len());
        for c in &cases {
            people.push(self.case_view(c, &referral_views).await?);
        }
        Ok(AssistanceList {
            region_code: region.as_str(),
            region_name: region.full_name(),
            declarations,
            people,
            referrals: referral_views,
        })
    }

    async fn case_view(
        &self,
        c: &CaseRow,
        referrals: &[ReferralView],
    ) -> Result<AssistanceCaseView> {
        let reasons: Vec<String> = serde_json::from_str(&c.reasons).unwrap_or_default();
        let kind = suggested_kind(&reasons);
        Ok(AssistanceCaseView {
            person_id: c.person_id,
            person_name: self.masked_person(c.person_id).await?,
            county_code: c.county_code.clone(),
            county_name: county_name(&c.county_code),
            suggested_kind: kind.into(),
            suggested_kind_label: referral_kind_label(kind).into(),
            reasons,
            found_at: c.first_found_at,
            referrals: referrals
                .iter()
                .filter(|r| r.person_id == c.person_id)
                .cloned()
                .collect(),
        })
    }

    async fn masked_person(&self, id: Uuid) -> Result<String> {
        Ok(person_repo::by_id(&self.db, id)
            .await?
            .map(|p| linghuo_domain::masking::mask_name(&p.name))
            .unwrap_or_default())
    }

    async fn referral_view(&self, r: &ReferralRow) -> Result<ReferralView> {
        Ok(ReferralView {
            id: r.id,
            person_id: r.person_id,
            person_name: self.masked_person(r.person_id).await?,
            county_code: r.county_code.clone(),
            county_name: county_name(&r.county_code),
            kind: r.kind.clone(),
            kind_label: referral_kind_label(&r.kind).into(),
            office: r.office.clone(),
            sent_on: r.sent_on,
            note: r.note.clone(),
            outcome: r.outcome.clone(),
            outcome_label: outcome_label(r.outcome.as_deref()).into(),
            outcome_amount: r.outcome_amount_fen.map(fen_text),
            outcome_note: r.outcome_note.clone(),
            outcome_on: r.outcome_on,
            sent_by: self.staff_name(r.created_by).await?,
        })
    }

    /// A person's referrals (the person, or staff of the region).
    pub async fn referrals_of_person(
        &self,
        actor: &Actor,
        person_id: Uuid,
    ) -> Result<Vec<ReferralView>> {
        let p = self
            .person_in_scope(actor, person_id, "list_referrals")
            .await?;
        let mut out = Vec::new();
        for r in repo::referrals_of(&self.db, p.id).await? {
            out.push(self.referral_view(&r).await?);
        }
        Ok(out)
    }

    /// Sends a referral to 民政 for a person on the region's referral list.
    pub async fn refer_assistance(
        &self,
        actor: &Actor,
        person_id: Uuid,
        input: ReferralInput,
    ) -> Result<ReferralView> {
        actor.require_role(&[Role::Staff])?;
        let person = self
            .person_in_scope(actor, person_id, "refer_assistance")
            .await?;
        let kind = input.kind.trim();
        if !REFERRAL_KINDS.iter().any(|(k, _)| *k == kind) {
            return Err(ServiceError::invalid(
                "kind",
                "referral_kind",
                "请选择转介事项：低保、临时救助或特困供养",
            ));
        }
        let today = self.clock.today_cst();
        let sent_on = day_or_today(&input.sent_on, today, "sent_on")?;
        let office = match input.office.trim() {
            "" => default_office(&person.jurisdiction_code),
            o => o.to_owned(),
        };
        if office.chars().count() > 60 {
            return Err(ServiceError::invalid(
                "office",
                "too_long",
                "接收单位最多60个字",
            ));
        }
        let note = input.note.trim();
        if note.chars().count() > 500 {
            return Err(ServiceError::invalid("note", "too_long", "说明最多500个字"));
        }
        match repo::case_of(&self.db, person.id).await? {
            Some(c) if c.active => {}
            _ => {
                return Err(ServiceError::Conflict {
                    code: "not_referred",
                    message: "系统未将此人列为需转介的困难群众；请先登记困难摸排情况".into(),
                });
            }
        }
        let now = self.clock.now();
        let row = ReferralRow {
            id: Uuid::new_v4(),
            person_id: person.id,
            county_code: person.jurisdiction_code.clone(),
            kind: kind.into(),
            office: office.clone(),
            sent_on,
            note: note.into(),
            created_by: Some(actor.user_id),
            created_at: now,
            outcome: None,
            outcome_amount_fen: None,
            outcome_note: String::new(),
            outcome_on: None,
            outcome_by: None,
            outcome_at: None,
        };
        let mut tx = self.db.begin().await?;
        repo::insert_referral(&mut tx, &row)
            .await
            .map_err(|e| match e {
                StorageError::Conflict { .. } => ServiceError::Conflict {
                    code: "already_referred",
                    message: format!(
                        "已转介{}，正在等待民政部门的办理结果",
                        referral_kind_label(kind)
                    ),
                },
                other => other.into(),
            })?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("assistance_referred", "assistance_referral", row.id)
                .region(row.county_code.clone())
                .detail(json!({"person": person.id, "kind": kind, "office": office, "sent_on": sent_on})),
        )
        .await?;
        notice_repo::insert_notice(
            &mut tx,
            &NoticeRow::to_worker(
                person.id,
                person.jurisdiction_code.clone(),
                "assistance_referred",
                format!(
                    "您的生活困难情况已转给{office}，帮您申请{}。民政部门会联系您核实情况，您也可以直接到该部门咨询",
                    referral_kind_label(kind)
                ),
                "/services/items",
                format!("assistance_referred:{}", row.id),
                now,
            ),
        )
        .await?;
        tx.commit().await?;
        self.referral_view(&row).await
    }

    /// Enters the outcome 民政 sent back for a referral.
    pub async fn record_referral_outcome(
        &self,
        actor: &Actor,
        id: Uuid,
        input: ReferralOutcomeInput,
    ) -> Result<ReferralView> {
        actor.require_role(&[Role::Staff])?;
        let r = match repo::referral(&self.db, id).await? {
            Some(r) if actor.may_see(&r.county_code, None) => r,
            _ => {
                return Err(self
                    .deny(actor, "assistance_referral", id.to_string(), "outcome")
                    .await);
            }
        };
        let outcome = match input.outcome.trim() {
            o @ ("accepted" | "refused") => o,
            _ => {
                return Err(ServiceError::invalid(
                    "outcome",
                    "outcome_unknown",
                    "请选择“已纳入救助”或“未予纳入”",
                ));
            }
        };
        let amount = match input.amount.trim() {
            "" => None,
            a if outcome == "accepted" => Some(
                Money::parse_non_negative(a)
                    .map_err(|e| ServiceError::field("amount", e))?
                    .fen(),
            ),
            _ => None,
        };
        let note = input.note.trim();
        if outcome == "refused" && note.chars().count() < 2 {
            return Err(ServiceError::invalid(
                "note",
                "note_required",
                "未予纳入时请写明民政部门给出的理由",
            ));
        }
        if note.chars().count() > 500 {
            return Err(ServiceError::invalid("note", "too_long", "说明最多500个字"));
        }
        let today = self.clock.today_cst();
        let on = day_or_today(&input.decided_on, today, "decided_on")?;
        if on < r.sent_on {
            return Err(ServiceError::invalid(
                "decided_on",
                "date_range",
                "办理结果的日期不能早于转介日期",
            ));
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::set_referral_outcome(&mut tx, id, outcome, amount, note, on, actor.user_id, now)
            .await?
        {
            return Err(ServiceError::Conflict {
                code: "outcome_recorded",
                message: "该转介已登记办理结果".into(),
            });
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("assistance_outcome", "assistance_referral", id)
                .region(r.county_code.clone())
                .detail(
                    json!({"outcome": outcome, "amount": amount.map(fen_text), "decided_on": on}),
                ),
        )
        .await?;
        let what = referral_kind_label(&r.kind);
        notice_repo::insert_notice(
            &mut tx,
            &NoticeRow::to_worker(
                r.person_id,
                r.county_code.clone(),
                "assistance_outcome",
                if outcome == "accepted" {
                    match amount {
                        Some(a) => format!("{}已将您纳入{what}，每月{}元", r.office, fen_text(a)),
                        None => format!("{}已将您纳入{what}", r.office),
                    }
                } else {
                    format!(
                        "{}未将您纳入{what}：{note}。如有疑问可向该部门咨询",
                        r.office
                    )
                },
                "/services/items",
                format!("assistance_outcome:{id}"),
                now,
            ),
        )
        .await?;
        tx.commit().await?;
        let r = repo::referral(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.referral_view(&r).await
    }

    async fn declaration_view(&self, d: &DeclarationRow) -> Result<DeclarationView> {
        Ok(DeclarationView {
            id: d.id,
            person_id: d.person_id,
            person_name: self.masked_person(d.person_id).await?,
            county_code: d.county_code.clone(),
            county_name: county_name(&d.county_code),
            in_difficulty: d.in_difficulty,
            in_difficulty_label: declared_label(d.in_difficulty).into(),
            note: d.note.clone(),
            status: d.status.clone(),
            status_label: declaration_status_label(&d.status).into(),
            decision_note: d.decision_note.clone(),
            decided_at: d.decided_at,
            created_at: d.created_at,
        })
    }

    /// 主动申报: the signed-in worker declares their own difficulty (or that it is over). It
    /// waits for the county's staff to check it; one at a time.
    pub async fn declare_difficulty(
        &self,
        actor: &Actor,
        input: DeclarationInput,
    ) -> Result<DeclarationView> {
        actor.require_role(&[Role::Worker])?;
        let person_id = actor.person_id.ok_or_else(ServiceError::forbidden)?;
        let person = self
            .person_in_scope(actor, person_id, "declare_difficulty")
            .await?;
        let note = input.note.trim();
        if note.chars().count() > 500 {
            return Err(ServiceError::invalid(
                "note",
                "too_long",
                "情况说明最多500个字",
            ));
        }
        if linghuo_domain::find_unmasked_pii(note).is_some() {
            return Err(ServiceError::invalid(
                "note",
                "pii_in_text",
                "请不要在这里填写身份证号码或手机号码，工作人员会按您登记的电话联系您",
            ));
        }
        let now = self.clock.now();
        let row = DeclarationRow {
            id: Uuid::new_v4(),
            person_id: person.id,
            county_code: person.jurisdiction_code.clone(),
            in_difficulty: input.in_difficulty,
            note: note.into(),
            status: "pending".into(),
            decided_by: None,
            decided_at: None,
            decision_note: String::new(),
            finding_id: None,
            created_at: now,
        };
        let mut tx = self.db.begin().await?;
        repo::insert_declaration(&mut tx, &row)
            .await
            .map_err(|e| match e {
                StorageError::Conflict { .. } => ServiceError::Conflict {
                    code: "declaration_pending",
                    message: "您已申报过，正在等待工作人员核实；核实后会发消息告诉您".into(),
                },
                other => other.into(),
            })?;
        notice_repo::insert_notice(
            &mut tx,
            &NoticeRow {
                id: Uuid::new_v4(),
                audience: "staff".into(),
                person_id: None,
                employer_id: None,
                region_code: person.jurisdiction_code.clone(),
                kind: "difficulty_declared".into(),
                message: format!(
                    "困难帮扶：辖区内{}主动申报{}，请核实",
                    linghuo_domain::masking::mask_name(&person.name),
                    declared_label(input.in_difficulty)
                ),
                link: "/staff/assistance".into(),
                dedupe_key: format!("difficulty_declared:{}", row.id),
                created_at: now,
                read_at: None,
            },
        )
        .await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("difficulty_declared", "difficulty_declaration", row.id)
                .region(row.county_code.clone())
                .detail(json!({"person": person.id, "in_difficulty": input.in_difficulty})),
        )
        .await?;
        tx.commit().await?;
        self.declaration_view(&row).await
    }

    /// A person's own declarations, newest first (staff of the region).
    pub async fn declarations_of_person(
        &self,
        actor: &Actor,
        person_id: Uuid,
    ) -> Result<Vec<DeclarationView>> {
        actor.require_role(&[Role::Staff])?;
        let p = self
            .person_in_scope(actor, person_id, "read_declarations")
            .await?;
        let mut out = Vec::new();
        for d in repo::declarations_of(&self.db, p.id).await? {
            out.push(self.declaration_view(&d).await?);
        }
        Ok(out)
    }

    /// The signed-in worker's declarations, newest first.
    pub async fn my_declarations(&self, actor: &Actor) -> Result<Vec<DeclarationView>> {
        actor.require_role(&[Role::Worker])?;
        let person_id = actor.person_id.ok_or_else(ServiceError::forbidden)?;
        let mut out = Vec::new();
        for d in repo::declarations_of(&self.db, person_id).await? {
            out.push(self.declaration_view(&d).await?);
        }
        Ok(out)
    }

    /// A declaration staff of its region may decide.
    async fn staff_declaration(&self, actor: &Actor, id: Uuid) -> Result<DeclarationRow> {
        actor.require_role(&[Role::Staff])?;
        match repo::declaration(&self.db, id).await? {
            Some(d) if actor.may_see(&d.county_code, None) => Ok(d),
            _ => Err(self
                .deny(actor, "difficulty_declaration", id.to_string(), "decide")
                .await),
        }
    }

    fn already_decided() -> ServiceError {
        ServiceError::Conflict {
            code: "declaration_decided",
            message: "该申报已经核实处理过".into(),
        }
    }

    /// Staff confirm a declaration: it becomes a 困难摸排 record in their name (with their
    /// note, or the person's words), the person is screened again and told.
    pub async fn confirm_declaration(
        &self,
        actor: &Actor,
        id: Uuid,
        input: DeclarationConfirmInput,
    ) -> Result<DeclarationView> {
        let d = self.staff_declaration(actor, id).await?;
        let person = self
            .person_in_scope(actor, d.person_id, "confirm_declaration")
            .await?;
        let staff_note = input.note.trim();
        if staff_note.chars().count() > 500 {
            return Err(ServiceError::invalid(
                "note",
                "too_long",
                "核实情况最多500个字",
            ));
        }
        if d.status != "pending" {
            return Err(Self::already_decided());
        }
        let finding_note = match (staff_note, d.note.as_str()) {
            ("", "") => "本人主动申报，经核实".to_owned(),
            ("", own) => format!("本人主动申报，经核实：{own}"),
            (checked, _) => format!("本人主动申报，经核实：{checked}"),
        };
        let finding_note: String = finding_note.chars().take(500).collect();
        let now = self.clock.now();
        let finding = FindingRow {
            id: Uuid::new_v4(),
            person_id: person.id,
            county_code: person.jurisdiction_code.clone(),
            in_difficulty: d.in_difficulty,
            note: finding_note,
            recorded_by: Some(actor.user_id),
            created_at: now,
        };
        let mut tx = self.db.begin().await?;
        if !repo::decide_declaration(
            &mut tx,
            id,
            "confirmed",
            staff_note,
            Some(finding.id),
            actor.user_id,
            now,
        )
        .await?
        {
            return Err(Self::already_decided());
        }
        repo::insert_finding(&mut tx, &finding).await?;
        repo::enqueue_rescreen(&mut tx, person.id, now).await?;
        notice_repo::insert_notice(
            &mut tx,
            &NoticeRow::to_worker(
                person.id,
                person.jurisdiction_code.clone(),
                "difficulty_declaration_decided",
                if d.in_difficulty {
                    "您申报的生活困难情况已核实登记。符合条件的，工作人员会转介民政部门帮您申请低保或临时救助"
                } else {
                    "您申报的困难已解除，已核实登记"
                },
                "/services/items",
                format!("difficulty_declaration_decided:{id}"),
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
                "difficulty_declaration_confirmed",
                "difficulty_declaration",
                id,
            )
            .region(d.county_code.clone())
            .detail(
                json!({"person": person.id, "in_difficulty": d.in_difficulty,
                    "finding": finding.id}),
            ),
        )
        .await?;
        tx.commit().await?;
        self.rescreen_assistance(&person).await?;
        let d = repo::declaration(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.declaration_view(&d).await
    }

    /// Staff decline a declaration with the reason, which the person reads.
    pub async fn decline_declaration(
        &self,
        actor: &Actor,
        id: Uuid,
        input: DeclarationDeclineInput,
    ) -> Result<DeclarationView> {
        let d = self.staff_declaration(actor, id).await?;
        let reason = input.reason.trim();
        let n = reason.chars().count();
        if !(2..=500).contains(&n) {
            return Err(ServiceError::invalid(
                "reason",
                if n == 0 { "required" } else { "text_length" },
                "请写明不予认定的理由（2至500字），申报人会看到",
            ));
        }
        if d.status != "pending" {
            return Err(Self::already_decided());
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::decide_declaration(&mut tx, id, "declined", reason, None, actor.user_id, now)
            .await?
        {
            return Err(Self::already_decided());
        }
        notice_repo::insert_notice(
            &mut tx,
            &NoticeRow::to_worker(
                d.person_id,
                d.county_code.clone(),
                "difficulty_declaration_decided",
                format!(
                    "您申报的生活困难情况经核实未予认定：{reason}。如有疑问可到就业服务窗口咨询"
                ),
                "/services/items",
                format!("difficulty_declaration_decided:{id}"),
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
                "difficulty_declaration_declined",
                "difficulty_declaration",
                id,
            )
            .region(d.county_code.clone())
            .detail(json!({"person": d.person_id})),
        )
        .await?;
        tx.commit().await?;
        let d = repo::declaration(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.declaration_view(&d).await
    }

    /// The funnel found → referred → outcome by county of a region in a year, with the
    /// region's total first.
    pub async fn assistance_funnel_of(
        &self,
        region: &RegionCode,
        year: i32,
    ) -> Result<Vec<AssistanceFunnel>> {
        let (from, to) = year_bounds(year);
        let first = NaiveDate::from_ymd_opt(year, 1, 1).expect("first of January");
        let last = NaiveDate::from_ymd_opt(year, 12, 31).expect("last of December");
        let rows =
            repo::funnel_by_county(&self.db, &region.sql_prefix(), from, to, first, last).await?;
        let mut total = AssistanceFunnel {
            county_code: region.as_str(),
            county_name: region.full_name(),
            ..AssistanceFunnel::default()
        };
        let mut amount = 0;
        let mut out = Vec::with_capacity(rows.len() + 1);
        for (county, found, referred, accepted, refused, waiting, amt) in rows {
            total.found += found;
            total.referred += referred;
            total.accepted += accepted;
            total.refused += refused;
            total.waiting += waiting;
            amount += amt;
            out.push(AssistanceFunnel {
                county_name: county_name(&county),
                county_code: county,
                found,
                referred,
                accepted,
                refused,
                waiting,
                accepted_amount: fen_text(amt),
            });
        }
        total.accepted_amount = fen_text(amount);
        // A county's page has one row: its total.
        if region.level() == RegionLevel::County {
            return Ok(vec![total]);
        }
        out.insert(0, total);
        Ok(out)
    }
}
