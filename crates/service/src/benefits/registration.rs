//! 就业登记, 失业登记 and 灵活就业登记 (四(九)) as one state machine per person: at most one
//! open registration (the database's partial unique index is the guard); a new registration
//! of another kind closes the open one the day before it starts; the first registration
//! issues the 就业创业证 number. The person registers online, or staff at the window act for
//! them with recorded consent (assisted mode). Market hires and sustained gig work become
//! suggestions the person or staff confirm — never registrations by themselves.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use linghuo_domain::RegionCode;
use linghuo_storage::StorageError;
use linghuo_storage::benefits::{self as repo, CardRow, RegistrationRow, SuggestionRow};
use linghuo_storage::notices::{self as notice_repo, NoticeRow};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use linghuo_storage::status::RegistrationKind;

use crate::audit::{self, AuditActor, Event};
use crate::{Actor, Result, Role, Service, ServiceError};

/// What kind of registration (the stored word), or 登记 for a word that is not one.
pub fn kind_label(kind: &str) -> &'static str {
    RegistrationKind::parse(kind).map_or("登记", RegistrationKind::label)
}

pub fn form_label(form: &str) -> &'static str {
    match form {
        "part_time" => "非全日制",
        "self_employed" => "个体经营",
        "platform" => "新就业形态/平台",
        "gig" => "零工",
        _ => "",
    }
}

fn source_label(source: &str) -> &'static str {
    match source {
        "self" => "本人网上办理",
        "staff" => "窗口代办",
        "market_hire" => "零工市场录用后确认",
        _ => "",
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegistrationView {
    pub id: Uuid,
    pub person_id: Uuid,
    /// employment | unemployment | flexible
    pub kind: String,
    pub kind_label: String,
    pub county_code: String,
    pub county_name: String,
    /// YYYY-MM-DD (China Standard Time)
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: String,
    pub employer_name: String,
    pub flexible_form: Option<String>,
    pub flexible_form_label: String,
    pub source: String,
    pub source_label: String,
    /// Staff acted for the person; their consent is on record.
    pub assisted: bool,
    pub open: bool,
}

fn view(r: &RegistrationRow) -> RegistrationView {
    RegistrationView {
        id: r.id,
        person_id: r.person_id,
        kind: r.kind.as_str().into(),
        kind_label: r.kind.label().into(),
        county_code: r.county_code.clone(),
        county_name: RegionCode::parse(&r.county_code)
            .map(|c| c.full_name())
            .unwrap_or_default(),
        started_on: r.started_on,
        ended_on: r.ended_on,
        end_reason: r.end_reason.clone(),
        employer_name: r.employer_name.clone(),
        flexible_form: r.flexible_form.clone(),
        flexible_form_label: r
            .flexible_form
            .as_deref()
            .map(form_label)
            .unwrap_or("")
            .into(),
        source: r.source.clone(),
        source_label: source_label(&r.source).into(),
        assisted: r.source == "staff",
        open: r.ended_on.is_none(),
    }
}

/// A person's registration file: the 就业创业证 and every registration, newest first.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RegistrationFile {
    pub person_id: Uuid,
    pub card_number: Option<String>,
    pub current: Option<RegistrationView>,
    pub history: Vec<RegistrationView>,
    pub suggestions: Vec<SuggestionView>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SuggestionView {
    pub id: Uuid,
    pub person_id: Uuid,
    pub kind: String,
    pub kind_label: String,
    pub reason: String,
    pub employer_name: String,
    pub flexible_form: Option<String>,
    pub created_at: DateTime<Utc>,
}

fn suggestion_view(s: &SuggestionRow) -> SuggestionView {
    SuggestionView {
        id: s.id,
        person_id: s.person_id,
        kind: s.kind.clone(),
        kind_label: kind_label(&s.kind).into(),
        reason: s.reason.clone(),
        employer_name: s.employer_name.clone(),
        flexible_form: s.flexible_form.clone(),
        created_at: s.created_at,
    }
}

/// A registration to make.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct RegistrationInput {
    /// employment | unemployment | flexible
    pub kind: String,
    /// YYYY-MM-DD; today when empty.
    #[serde(default)]
    pub started_on: String,
    /// For employment: the employer.
    #[serde(default)]
    pub employer_name: String,
    /// For flexible: part_time | self_employed | platform | gig.
    #[serde(default)]
    pub flexible_form: String,
    /// Staff acting for a person: how the person consented (e.g. 本人到窗口书面同意).
    #[serde(default)]
    pub consent_note: String,
}

/// Ending the open registration.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct EndInput {
    /// YYYY-MM-DD; today when empty.
    #[serde(default)]
    pub ended_on: String,
    pub reason: String,
    #[serde(default)]
    pub consent_note: String,
}

pub(crate) fn parse_day(field: &str, s: &str, today: NaiveDate) -> Result<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(today);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        ServiceError::invalid(
            field,
            "date_invalid",
            "日期格式应为 年-月-日，如 2026-11-29",
        )
    })
}

/// Upkeep report of the registration suggestions.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SuggestionReport {
    pub employment: usize,
    pub flexible: usize,
    pub unemployment: usize,
}

impl Service {
    /// The person the caller acts for: a worker acts for themself; staff for a person in
    /// their region and only with a consent note (assisted mode).
    pub(crate) async fn subject(
        &self,
        actor: &Actor,
        person_id: Uuid,
        consent_note: &str,
        action: &str,
    ) -> Result<linghuo_storage::persons::PersonRow> {
        actor.require_role(&[Role::Worker, Role::Staff])?;
        let p = self.person_in_scope(actor, person_id, action).await?;
        if actor.role == Role::Staff && consent_note.trim().chars().count() < 2 {
            return Err(ServiceError::invalid(
                "consent_note",
                "consent_required",
                "窗口代办须记录本人同意的方式（如“本人到窗口书面同意”）",
            ));
        }
        Ok(p)
    }

    /// Registers a person (employment, unemployment or flexible employment). A different
    /// open registration is closed the day before; the first registration issues the
    /// 就业创业证.
    pub async fn register(
        &self,
        actor: &Actor,
        person_id: Uuid,
        input: RegistrationInput,
    ) -> Result<RegistrationView> {
        let p = self
            .subject(actor, person_id, &input.consent_note, "register")
            .await?;
        let (kind, started_on, employer_name, flexible_form) =
            check_registration(&input, self.clock.today_cst())?;
        let source = if actor.role == Role::Staff {
            "staff"
        } else {
            "self"
        };
        self.write_registration(
            actor,
            &p,
            kind,
            started_on,
            employer_name,
            flexible_form,
            source,
            None,
            input.consent_note.trim(),
        )
        .await
    }
}

/// A registration's fields checked: kind, start day, employer and flexible form.
pub(crate) fn check_registration(
    input: &RegistrationInput,
    today: NaiveDate,
) -> Result<(&'static str, NaiveDate, String, Option<String>)> {
    {
        let kind = input.kind.trim();
        if RegistrationKind::parse(kind).is_none() {
            return Err(ServiceError::invalid(
                "kind",
                "kind_unknown",
                "请选择登记类型：就业登记、失业登记或灵活就业登记",
            ));
        }
        let started_on = parse_day("started_on", &input.started_on, today)?;
        if started_on > today {
            return Err(ServiceError::invalid(
                "started_on",
                "date_in_future",
                "登记日期不能晚于今天",
            ));
        }
        if started_on < today - Duration::days(366) {
            return Err(ServiceError::invalid(
                "started_on",
                "date_too_old",
                "登记日期最早为一年前，更早的情况请到窗口补录",
            ));
        }
        let employer_name = input.employer_name.trim().to_owned();
        if kind == "employment" && employer_name.chars().count() < 2 {
            return Err(ServiceError::invalid(
                "employer_name",
                "employer_required",
                "就业登记请填写用人单位名称",
            ));
        }
        if employer_name.chars().count() > 100 {
            return Err(ServiceError::invalid(
                "employer_name",
                "too_long",
                "单位名称最多100个字",
            ));
        }
        let form = input.flexible_form.trim();
        let flexible_form = match (kind, form) {
            ("flexible", "part_time" | "self_employed" | "platform" | "gig") => {
                Some(form.to_owned())
            }
            ("flexible", _) => {
                return Err(ServiceError::invalid(
                    "flexible_form",
                    "form_unknown",
                    "请选择灵活就业形式：非全日制、个体经营、新就业形态/平台或零工",
                ));
            }
            _ => None,
        };
        let kind = RegistrationKind::parse(kind)
            .map(RegistrationKind::as_str)
            .unwrap_or("employment");
        Ok((kind, started_on, employer_name, flexible_form))
    }
}

impl Service {
    #[allow(clippy::too_many_arguments)]
    async fn write_registration(
        &self,
        actor: &Actor,
        p: &linghuo_storage::persons::PersonRow,
        kind: &str,
        started_on: NaiveDate,
        employer_name: String,
        flexible_form: Option<String>,
        source: &str,
        hire_id: Option<Uuid>,
        consent_note: &str,
    ) -> Result<RegistrationView> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let row = self
            .write_registration_in_tx(
                &mut tx,
                actor,
                p,
                kind,
                started_on,
                employer_name,
                flexible_form,
                source,
                hire_id,
                consent_note,
                now,
            )
            .await?;
        tx.commit().await?;
        Ok(view(&row))
    }

    /// Writes a registration in the caller's transaction (closing a different open one, issuing
    /// the 就业创业证 on the first), queues the re-screening and audits it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn write_registration_in_tx(
        &self,
        tx: &mut linghuo_storage::Tx,
        actor: &Actor,
        p: &linghuo_storage::persons::PersonRow,
        kind: &str,
        started_on: NaiveDate,
        employer_name: String,
        flexible_form: Option<String>,
        source: &str,
        hire_id: Option<Uuid>,
        consent_note: &str,
        now: DateTime<Utc>,
    ) -> Result<RegistrationRow> {
        if let Some(open) = repo::open_registration(&mut *tx, p.id).await? {
            if open.kind.as_str() == kind && open.flexible_form == flexible_form {
                return Err(ServiceError::Conflict {
                    code: "already_registered",
                    message: format!("已有有效的{}，无需重复登记", kind_label(kind)),
                });
            }
            if started_on <= open.started_on {
                return Err(ServiceError::invalid(
                    "started_on",
                    "before_open_registration",
                    format!(
                        "登记日期须晚于现有{}的开始日期（{}）",
                        open.kind.label(),
                        open.started_on
                    ),
                ));
            }
            let end = started_on - Duration::days(1);
            if !repo::end_registration(
                &mut *tx,
                open.id,
                end,
                &format!("转为{}", kind_label(kind)),
                now,
            )
            .await?
            {
                return Err(stale());
            }
            audit::record(
                &mut *tx,
                &self.keys,
                now,
                &AuditActor::from(actor),
                Event::new("registration_ended", "registration", open.id)
                    .region(open.county_code.clone())
                    .detail(json!({"kind": open.kind, "reason": "superseded"})),
            )
            .await?;
        }
        let row = RegistrationRow {
            id: Uuid::new_v4(),
            person_id: p.id,
            kind: RegistrationKind::parse(kind).ok_or_else(|| {
                ServiceError::invalid(
                    "kind",
                    "kind_unknown",
                    "请选择登记类型：就业登记、失业登记或灵活就业登记",
                )
            })?,
            county_code: p.jurisdiction_code.clone(),
            started_on,
            ended_on: None,
            end_reason: String::new(),
            employer_name,
            flexible_form,
            source: source.into(),
            hire_id,
            consent_note: consent_note.into(),
            recorded_by: Some(actor.user_id),
            created_at: now,
            updated_at: now,
        };
        repo::insert_registration(&mut *tx, &row)
            .await
            .map_err(|e| match e {
                StorageError::Conflict { .. } => stale(),
                other => other.into(),
            })?;
        if repo::card_tx(&mut *tx, p.id).await?.is_none() {
            let year = started_on.format("%Y").to_string();
            let seq = repo::next_counter(&mut *tx, &format!("card:{}:{year}", p.jurisdiction_code))
                .await?;
            let number = format!("{}{year}{seq:06}", p.jurisdiction_code);
            repo::insert_card(
                &mut *tx,
                &CardRow {
                    person_id: p.id,
                    number,
                    county_code: p.jurisdiction_code.clone(),
                    issued_on: started_on,
                    created_at: now,
                },
            )
            .await?;
            audit::record(
                &mut *tx,
                &self.keys,
                now,
                &AuditActor::from(actor),
                Event::new("employment_card_issued", "person", p.id)
                    .region(p.jurisdiction_code.clone()),
            )
            .await?;
        }
        repo::enqueue_rescreen(&mut *tx, p.id, now).await?;
        audit::record(
            &mut *tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("registration_made", "registration", row.id)
                .region(row.county_code.clone())
                .detail(json!({
                    "kind": kind,
                    "source": source,
                    "assisted": source == "staff",
                    "started_on": started_on.to_string(),
                })),
        )
        .await?;
        Ok(row)
    }

    /// Ends the person's open registration (e.g. 失业登记注销 on finding work).
    pub async fn end_registration(
        &self,
        actor: &Actor,
        person_id: Uuid,
        input: EndInput,
    ) -> Result<RegistrationView> {
        let p = self
            .subject(actor, person_id, &input.consent_note, "end_registration")
            .await?;
        let today = self.clock.today_cst();
        let ended_on = parse_day("ended_on", &input.ended_on, today)?;
        if ended_on > today {
            return Err(ServiceError::invalid(
                "ended_on",
                "date_in_future",
                "结束日期不能晚于今天",
            ));
        }
        let reason = input.reason.trim();
        if reason.chars().count() < 2 || reason.chars().count() > 100 {
            return Err(ServiceError::invalid(
                "reason",
                "reason_required",
                "请填写结束原因（2至100个字）",
            ));
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let open = repo::open_registration(&mut tx, p.id)
            .await?
            .ok_or(ServiceError::Conflict {
                code: "no_open_registration",
                message: "没有正在有效的登记".into(),
            })?;
        if ended_on < open.started_on {
            return Err(ServiceError::invalid(
                "ended_on",
                "before_start",
                format!("结束日期不能早于登记开始日期（{}）", open.started_on),
            ));
        }
        if !repo::end_registration(&mut tx, open.id, ended_on, reason, now).await? {
            return Err(stale());
        }
        repo::enqueue_rescreen(&mut tx, p.id, now).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("registration_ended", "registration", open.id)
                .region(open.county_code.clone())
                .detail(json!({"kind": open.kind, "assisted": actor.role == Role::Staff})),
        )
        .await?;
        tx.commit().await?;
        let mut row = open;
        row.ended_on = Some(ended_on);
        row.end_reason = reason.into();
        Ok(view(&row))
    }

    /// A person's registration file (card, current registration, history, suggestions).
    pub async fn registration_file(
        &self,
        actor: &Actor,
        person_id: Uuid,
    ) -> Result<RegistrationFile> {
        let p = self
            .person_in_scope(actor, person_id, "read_registrations")
            .await?;
        let history: Vec<RegistrationView> = repo::registrations_of(&self.db, p.id)
            .await?
            .iter()
            .map(view)
            .collect();
        Ok(RegistrationFile {
            person_id: p.id,
            card_number: repo::card(&self.db, p.id).await?.map(|c| c.number),
            current: history.iter().find(|r| r.open).cloned(),
            history,
            suggestions: repo::open_suggestions_of(&self.db, p.id)
                .await?
                .iter()
                .map(suggestion_view)
                .collect(),
        })
    }

    /// Registrations made in the staff member's region, newest first.
    pub async fn registrations_in_region(&self, actor: &Actor) -> Result<Vec<RegistrationView>> {
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        // Under the region's row-level security as well (B4).
        let mut tx = self.db.begin_scoped(&prefix).await?;
        let rows = repo::registrations_in_region(&mut tx, &prefix, 500).await?;
        tx.commit().await?;
        Ok(rows.iter().map(view).collect())
    }

    /// One page of the registrations in the staff member's region, searched by name.
    pub async fn registrations_page(
        &self,
        actor: &Actor,
        q: &crate::paging::PageQuery,
    ) -> Result<crate::paging::Paged<RegistrationView>> {
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let mut tx = self.db.begin_scoped(&prefix).await?;
        let (rows, total) =
            repo::registrations_in_region_page(&mut tx, &prefix, &q.like(), q.limit(), q.offset())
                .await?;
        tx.commit().await?;
        Ok(crate::paging::Paged::new(
            rows.iter().map(view).collect(),
            q,
            total,
        ))
    }

    /// Open suggestions in the staff member's region.
    pub async fn suggestions_in_region(&self, actor: &Actor) -> Result<Vec<SuggestionView>> {
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        Ok(repo::open_suggestions_in_region(&self.db, &prefix)
            .await?
            .iter()
            .map(suggestion_view)
            .collect())
    }

    /// Confirms (accept) or dismisses a suggestion; accepting makes the registration.
    pub async fn answer_suggestion(
        &self,
        actor: &Actor,
        suggestion_id: Uuid,
        accept: bool,
        consent_note: &str,
    ) -> Result<Option<RegistrationView>> {
        let s = repo::suggestion(&self.db, suggestion_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let p = self
            .subject(actor, s.person_id, consent_note, "answer_suggestion")
            .await?;
        if s.status != "open" {
            return Err(ServiceError::Conflict {
                code: "suggestion_answered",
                message: "该提醒已处理".into(),
            });
        }
        let now = self.clock.now();
        if !accept {
            let mut tx = self.db.begin().await?;
            if !repo::decide_suggestion(&mut tx, s.id, "dismissed", actor.user_id, now).await? {
                return Err(stale());
            }
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &AuditActor::from(actor),
                Event::new("registration_suggestion_dismissed", "person", p.id)
                    .region(s.county_code.clone())
                    .detail(json!({"kind": s.kind})),
            )
            .await?;
            tx.commit().await?;
            return Ok(None);
        }
        let source = if s.hire_id.is_some() {
            "market_hire"
        } else if actor.role == Role::Staff {
            "staff"
        } else {
            "self"
        };
        let today = self.clock.today_cst();
        let v = self
            .write_registration(
                actor,
                &p,
                &s.kind,
                today,
                s.employer_name.clone(),
                s.flexible_form.clone(),
                source,
                s.hire_id,
                consent_note.trim(),
            )
            .await?;
        let mut tx = self.db.begin().await?;
        repo::decide_suggestion(&mut tx, s.id, "accepted", actor.user_id, now).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("registration_suggestion_accepted", "person", p.id)
                .region(s.county_code.clone())
                .detail(json!({"kind": s.kind, "registration": v.id})),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(v))
    }

    /// Turns market activity into suggestions (run by the server's upkeep): a part-time or
    /// short-term hire suggests 就业登记 with that employer; three or more hires within 90
    /// days suggest 灵活就业登记; an open 灵活就业登记 with no market work for 90 days suggests
    /// 失业登记. Each suggestion is made once (dedupe key) and the person is told.
    pub async fn registration_upkeep(&self) -> Result<SuggestionReport> {
        let now = self.clock.now();
        let today = self.clock.today_cst();
        let since = now - Duration::days(90);
        let hires = repo::hires_since(&self.db, since).await?;
        let mut report = SuggestionReport::default();
        let mut per_person: std::collections::BTreeMap<Uuid, (String, Vec<String>)> =
            Default::default();
        for (hire_id, person_id, county, form, employer, _start, _done) in &hires {
            let e = per_person
                .entry(*person_id)
                .or_insert_with(|| (county.clone(), Vec::new()));
            e.1.push(form.clone());
            if matches!(form.as_str(), "part_time" | "short_term") {
                let s = SuggestionRow {
                    id: Uuid::new_v4(),
                    person_id: *person_id,
                    kind: "employment".into(),
                    county_code: county.clone(),
                    reason: format!("您在零工市场被“{employer}”录用，可办理就业登记"),
                    employer_name: employer.clone(),
                    flexible_form: None,
                    hire_id: Some(*hire_id),
                    status: "open".into(),
                    dedupe_key: format!("employment:{hire_id}"),
                    created_at: now,
                    decided_at: None,
                    decided_by: None,
                };
                if self.suggest(&s).await? {
                    report.employment += 1;
                }
            }
        }
        for (person_id, (county, forms)) in per_person {
            if forms.len() < 3 {
                continue;
            }
            let form = if forms.iter().filter(|f| *f == "platform").count() * 2 > forms.len() {
                "platform"
            } else {
                "gig"
            };
            let s = SuggestionRow {
                id: Uuid::new_v4(),
                person_id,
                kind: "flexible".into(),
                county_code: county,
                reason: format!(
                    "近90天您在零工市场有{}次用工，可办理灵活就业登记，享受相关政策",
                    forms.len()
                ),
                employer_name: String::new(),
                flexible_form: Some(form.into()),
                hire_id: None,
                status: "open".into(),
                dedupe_key: format!("flexible:{person_id}:{}", today.format("%Y")),
                created_at: now,
                decided_at: None,
                decided_by: None,
            };
            if self.suggest(&s).await? {
                report.flexible += 1;
            }
        }
        for r in
            repo::quiet_flexible_registrations(&self.db, since, today - Duration::days(90)).await?
        {
            let s = SuggestionRow {
                id: Uuid::new_v4(),
                person_id: r.person_id,
                kind: "unemployment".into(),
                county_code: r.county_code.clone(),
                reason:
                    "您已连续90天没有零工市场用工记录；如已无工作，可办理失业登记，享受失业人员政策"
                        .into(),
                employer_name: String::new(),
                flexible_form: None,
                hire_id: None,
                status: "open".into(),
                dedupe_key: format!("unemployment:{}", r.id),
                created_at: now,
                decided_at: None,
                decided_by: None,
            };
            if self.suggest(&s).await? {
                report.unemployment += 1;
            }
        }
        Ok(report)
    }

    async fn suggest(&self, s: &SuggestionRow) -> Result<bool> {
        let mut tx = self.db.begin().await?;
        if let Some(open) = repo::open_registration(&mut tx, s.person_id).await?
            && open.kind.as_str() == s.kind
        {
            return Ok(false);
        }
        if !repo::insert_suggestion(&mut tx, s).await? {
            return Ok(false);
        }
        notice_repo::insert_notice(
            &mut tx,
            &NoticeRow::to_worker(
                s.person_id,
                s.county_code.clone(),
                "registration_suggestion",
                format!("{}（请在“办事大厅—就业登记”中确认）", s.reason),
                "/services/registration",
                format!("suggestion:{}", s.dedupe_key),
                s.created_at,
            ),
        )
        .await?;
        audit::record(
            &mut tx,
            &self.keys,
            s.created_at,
            &AuditActor::system(),
            Event::new("registration_suggested", "person", s.person_id)
                .region(s.county_code.clone())
                .detail(json!({"kind": s.kind})),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

pub(crate) fn stale() -> ServiceError {
    ServiceError::Conflict {
        code: "changed_concurrently",
        message: "记录刚被他人修改，请刷新后重试".into(),
    }
}
