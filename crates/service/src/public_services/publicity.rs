//! Publicity (五(十四) 注重舆论引导：宣传支持灵活就业的政策措施和典型做法，宣传自主就业创业和
//! 灵活就业的典型事例): staff write typical cases (典型案例) and policy news (政策动态) about
//! their region, each naming the clauses of 晋政办发〔2020〕89号 it illustrates. An article goes
//! public only after a second staff member of the region — never its author — approves it; a
//! reviewer may instead return it with a reason, and a published article can be withdrawn
//! with a reason. Every step is audited. The public reads published articles on the home page,
//! the list (`/news`, filtered by kind or clause) and the article page; the policy text and
//! the answers that cite a clause link to the cases illustrating it.
//!
//! Bodies are plain text: paragraphs are lines, and everything is escaped where it is shown.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use linghuo_domain::{RegionCode, find_unmasked_pii};
use linghuo_policy::clauses::clause;
use linghuo_storage::notices::{self as notice_repo, NoticeRow};
use linghuo_storage::publicity::{self as repo, ArticleRow};
use linghuo_storage::status::ArticleStatus;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::access::{Actor, Role};
use crate::audit::{self, AuditActor, Event};
use crate::complaints::text;
use crate::error::{Result, ServiceError};

/// Article kinds: code and label.
pub const ARTICLE_KINDS: &[(&str, &str)] = &[("case", "典型案例"), ("news", "政策动态")];

/// Article states: code and label.
pub const ARTICLE_STATUSES: &[(&str, &str)] = &[
    ("pending", "待审核"),
    ("returned", "已退回修改"),
    ("published", "已发布"),
    ("withdrawn", "已撤下"),
];

/// At most this many clauses per article.
pub const MAX_CLAUSES: usize = 5;

fn label(list: &[(&str, &'static str)], code: &str) -> &'static str {
    list.iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleInput {
    /// case (典型案例) or news (政策动态).
    pub kind: String,
    /// 5 to 60 characters.
    pub title: String,
    /// Plain text, 20 to 5000 characters; each line is a paragraph. No ID or phone numbers.
    pub body: String,
    /// The county, city or province (140000) the article is about, within the author's
    /// region; empty: the author's region.
    #[serde(default)]
    pub region_code: String,
    /// Clause ids of 晋政办发〔2020〕89号 it illustrates, e.g. 二(一); a typical case needs at
    /// least one, at most five.
    #[serde(default)]
    pub clauses: Vec<String>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    /// Why (2 to 500 characters); the author sees it.
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ClauseRef {
    /// e.g. 二(一).
    pub id: String,
    /// The clause's heading, e.g. 鼓励个体经营发展.
    pub title: String,
}

/// How the article stands in review (staff only).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ArticleReview {
    /// pending, returned, published or withdrawn.
    pub status: String,
    pub status_label: &'static str,
    /// The author's display name.
    pub author_name: String,
    /// Who approved or returned it.
    pub reviewer_name: String,
    pub return_reason: String,
    pub withdraw_reason: String,
    pub submitted_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// The caller wrote it.
    pub mine: bool,
    /// The caller may approve or return it (pending, not the author).
    pub may_review: bool,
    /// The caller may withdraw it (published).
    pub may_withdraw: bool,
    /// The caller may change it (the author, pending or returned).
    pub may_edit: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ArticleView {
    pub id: Uuid,
    /// case or news.
    pub kind: String,
    pub kind_label: &'static str,
    pub title: String,
    /// Plain text as written.
    pub body: String,
    /// The body's paragraphs (non-empty lines).
    pub paragraphs: Vec<String>,
    /// The first characters of the body, for lists.
    pub excerpt: String,
    pub region_code: String,
    pub region_name: String,
    pub clauses: Vec<ClauseRef>,
    /// The office that published it, e.g. 山西省太原市小店区人社部门.
    pub source: String,
    pub published_at: Option<DateTime<Utc>>,
    /// The day it was published, China Standard Time.
    pub published_on: Option<chrono::NaiveDate>,
    /// Made up for the demonstration (`linghuo demo`).
    pub demo: bool,
    /// Staff only: the review state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<ArticleReview>,
}

fn paragraphs(body: &str) -> Vec<String> {
    body.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn excerpt(body: &str) -> String {
    let flat: String = paragraphs(body).join(" ");
    let mut out: String = flat.chars().take(80).collect();
    if flat.chars().count() > 80 {
        out.push('…');
    }
    out
}

fn region_name(code: &str) -> String {
    RegionCode::parse(code)
        .map(|r| r.full_name())
        .unwrap_or_default()
}

/// A clause id as typed: full-width brackets and spaces tolerated (二（一） → 二(一)).
pub fn normalise_clause(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect()
}

/// The office a staff member acts for.
fn office_of(actor: &Actor) -> String {
    match actor.scope {
        Some(s) => format!("{}人社部门", s.full_name()),
        None => "人社部门".into(),
    }
}

struct Checked {
    kind: String,
    title: String,
    body: String,
    region: String,
    clauses: Vec<String>,
}

fn check(actor: &Actor, input: &ArticleInput) -> Result<Checked> {
    let kind = input.kind.trim();
    if label(ARTICLE_KINDS, kind).is_empty() {
        return Err(ServiceError::invalid(
            "kind",
            "kind_unknown",
            "请选择类别：典型案例或政策动态",
        ));
    }
    let title = text("title", &input.title, 5, 60, "标题")?;
    let body = input.body.replace("\r\n", "\n").replace('\r', "\n");
    let body = text("body", &body, 20, 5000, "正文")?;
    if find_unmasked_pii(&title).is_some() || find_unmasked_pii(&body).is_some() {
        return Err(ServiceError::invalid(
            if find_unmasked_pii(&title).is_some() {
                "title"
            } else {
                "body"
            },
            "pii_in_text",
            "公开内容中不能出现身份证号或手机号，请删去或只写姓氏",
        ));
    }
    let scope = actor.scope.ok_or_else(ServiceError::forbidden)?;
    let region = match input.region_code.trim() {
        "" => scope,
        code => RegionCode::parse(code).map_err(|e| ServiceError::field("region_code", e))?,
    };
    if !region.is_within(&scope) {
        return Err(ServiceError::invalid(
            "region_code",
            "region_outside_scope",
            format!("只能发布本辖区（{}）的内容", scope.full_name()),
        ));
    }
    let mut clauses: Vec<String> = Vec::new();
    for raw in &input.clauses {
        let id = normalise_clause(raw);
        if id.is_empty() {
            continue;
        }
        if clause(&id).is_none() {
            return Err(ServiceError::invalid(
                "clauses",
                "clause_unknown",
                format!("没有条款“{id}”，条款编号应写成 二(一)、三(五) 这样"),
            ));
        }
        if !clauses.contains(&id) {
            clauses.push(id);
        }
    }
    if clauses.len() > MAX_CLAUSES {
        return Err(ServiceError::invalid(
            "clauses",
            "too_many_clauses",
            format!("最多选择{MAX_CLAUSES}条政策条款"),
        ));
    }
    if kind == "case" && clauses.is_empty() {
        return Err(ServiceError::invalid(
            "clauses",
            "clause_required",
            "典型案例请至少选择一条它所体现的政策条款",
        ));
    }
    Ok(Checked {
        kind: kind.to_owned(),
        title,
        body,
        region: region.as_str(),
        clauses,
    })
}

fn reason(input: &ReasonInput) -> Result<String> {
    text("reason", &input.reason, 2, 500, "原因")
}

impl Service {
    fn article_view(
        &self,
        a: &ArticleRow,
        clauses: Vec<String>,
        viewer: Option<&Actor>,
    ) -> ArticleView {
        let review = viewer.map(|v| {
            let mine = a.author_id == v.user_id;
            ArticleReview {
                status: a.status.as_str().into(),
                status_label: label(ARTICLE_STATUSES, a.status.as_str()),
                author_name: a.author_name.clone(),
                reviewer_name: a.reviewer_name.clone(),
                return_reason: a.return_reason.clone(),
                withdraw_reason: a.withdraw_reason.clone(),
                submitted_at: a.submitted_at,
                withdrawn_at: a.withdrawn_at,
                mine,
                may_review: a.status == ArticleStatus::Pending && !mine,
                may_withdraw: a.status == ArticleStatus::Published,
                may_edit: mine
                    && matches!(a.status, ArticleStatus::Pending | ArticleStatus::Returned),
            }
        });
        ArticleView {
            id: a.id,
            kind: a.kind.clone(),
            kind_label: label(ARTICLE_KINDS, &a.kind),
            title: a.title.clone(),
            paragraphs: paragraphs(&a.body),
            excerpt: excerpt(&a.body),
            body: a.body.clone(),
            region_code: a.region_code.clone(),
            region_name: region_name(&a.region_code),
            clauses: clauses
                .into_iter()
                .map(|id| ClauseRef {
                    title: clause(&id).map(|c| c.title.to_owned()).unwrap_or_default(),
                    id,
                })
                .collect(),
            source: a.author_office.clone(),
            published_at: a.published_at,
            published_on: a
                .published_at
                .map(|t| (t + chrono::Duration::hours(8)).date_naive()),
            demo: a.demo,
            review,
        }
    }

    async fn views(
        &self,
        rows: Vec<ArticleRow>,
        viewer: Option<&Actor>,
    ) -> Result<Vec<ArticleView>> {
        let mut out = Vec::with_capacity(rows.len());
        for a in rows {
            let clauses = repo::clauses_of(&self.db, a.id).await?;
            out.push(self.article_view(&a, clauses, viewer));
        }
        Ok(out)
    }

    /// Published articles, newest first: all, of one kind (`case`, `news`) or illustrating one
    /// clause (e.g. 二(一)).
    pub async fn published_articles(
        &self,
        kind: Option<&str>,
        clause_id: Option<&str>,
        limit: i64,
    ) -> Result<Vec<ArticleView>> {
        let kind = kind.map(str::trim).filter(|k| !k.is_empty());
        if let Some(k) = kind
            && label(ARTICLE_KINDS, k).is_empty()
        {
            return Err(ServiceError::invalid(
                "kind",
                "kind_unknown",
                "类别应为 case（典型案例）或 news（政策动态）",
            ));
        }
        let clause_id = clause_id.map(normalise_clause).filter(|c| !c.is_empty());
        if let Some(c) = &clause_id
            && clause(c).is_none()
        {
            return Err(ServiceError::invalid(
                "clause",
                "clause_unknown",
                format!("没有条款“{c}”，条款编号应写成 二(一)、三(五) 这样"),
            ));
        }
        let rows =
            repo::published(&self.db, kind, clause_id.as_deref(), limit.clamp(1, 200)).await?;
        self.views(rows, None).await
    }

    /// One published article; anything else is not found.
    pub async fn public_article(&self, id: Uuid) -> Result<ArticleView> {
        let a = repo::article(&self.db, id)
            .await?
            .filter(|a| a.status == ArticleStatus::Published)
            .ok_or(ServiceError::NotFound)?;
        let clauses = repo::clauses_of(&self.db, id).await?;
        Ok(self.article_view(&a, clauses, None))
    }

    /// One article for whoever asks: staff of its region see it in any state with its review;
    /// anyone else (staff of other regions included) only a published one.
    pub async fn article_for(&self, viewer: Option<&Actor>, id: Uuid) -> Result<ArticleView> {
        let a = repo::article(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let staff = viewer.filter(|v| v.role == Role::Staff);
        if let Some(v) = staff
            && v.may_see(&a.region_code, None)
        {
            let clauses = repo::clauses_of(&self.db, id).await?;
            return Ok(self.article_view(&a, clauses, Some(v)));
        }
        if a.status == ArticleStatus::Published {
            let clauses = repo::clauses_of(&self.db, id).await?;
            return Ok(self.article_view(&a, clauses, None));
        }
        match staff {
            Some(v) => Err(self.deny(v, "article", id.to_string(), "article").await),
            None => Err(ServiceError::NotFound),
        }
    }

    /// How many published articles illustrate each clause (clauses without any are absent):
    /// where the policy text and the answers link to 相关案例.
    pub async fn articles_per_clause(&self) -> Result<BTreeMap<String, i64>> {
        Ok(repo::published_per_clause(&self.db)
            .await?
            .into_iter()
            .collect())
    }

    async fn staff_article_row(&self, actor: &Actor, id: Uuid) -> Result<ArticleRow> {
        actor.require_role(&[Role::Staff])?;
        let a = repo::article(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !actor.may_see(&a.region_code, None) {
            return Err(self.deny(actor, "article", id.to_string(), "article").await);
        }
        Ok(a)
    }

    /// Articles about the caller's region (staff), latest change first; `status` filters
    /// (pending, returned, published, withdrawn; empty: all).
    pub async fn staff_articles(
        &self,
        actor: &Actor,
        status: Option<&str>,
    ) -> Result<Vec<ArticleView>> {
        actor.require_role(&[Role::Staff])?;
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let status = status.map(str::trim).filter(|s| !s.is_empty());
        if let Some(s) = status
            && label(ARTICLE_STATUSES, s).is_empty()
        {
            return Err(ServiceError::invalid(
                "status",
                "status_unknown",
                "状态应为 pending、returned、published 或 withdrawn",
            ));
        }
        let rows = repo::articles_for_region(&self.db, &prefix, 500)
            .await?
            .into_iter()
            .filter(|a| status.is_none_or(|s| a.status.as_str() == s))
            .collect();
        self.views(rows, Some(actor)).await
    }

    /// One article of the caller's region with its review state (staff).
    pub async fn staff_article(&self, actor: &Actor, id: Uuid) -> Result<ArticleView> {
        let a = self.staff_article_row(actor, id).await?;
        let clauses = repo::clauses_of(&self.db, id).await?;
        Ok(self.article_view(&a, clauses, Some(actor)))
    }

    /// A staff member writes an article; it waits for a second staff member's review.
    pub async fn submit_article(&self, actor: &Actor, input: ArticleInput) -> Result<ArticleView> {
        actor.require_role(&[Role::Staff])?;
        let c = check(actor, &input)?;
        let now = self.clock.now();
        let row = ArticleRow {
            id: Uuid::new_v4(),
            kind: c.kind,
            title: c.title,
            body: c.body,
            region_code: c.region,
            status: ArticleStatus::Pending,
            author_id: actor.user_id,
            author_name: actor.display_name.clone(),
            author_office: office_of(actor),
            reviewer_id: None,
            reviewer_name: String::new(),
            return_reason: String::new(),
            withdraw_reason: String::new(),
            demo: false,
            submitted_at: now,
            published_at: None,
            withdrawn_at: None,
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.db.begin().await?;
        repo::insert_article(&mut tx, &row, &c.clauses).await?;
        notice_repo::insert_notice(&mut tx, &review_notice(&row, now)).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("article_submitted", "article", row.id)
                .region(row.region_code.clone())
                .detail(json!({"kind": row.kind, "clauses": c.clauses})),
        )
        .await?;
        tx.commit().await?;
        self.staff_article(actor, row.id).await
    }

    /// The author changes a pending or returned article; it goes (back) to review.
    pub async fn edit_article(
        &self,
        actor: &Actor,
        id: Uuid,
        input: ArticleInput,
    ) -> Result<ArticleView> {
        let a = self.staff_article_row(actor, id).await?;
        if a.author_id != actor.user_id {
            return Err(ServiceError::Forbidden {
                code: "not_author",
                message: "只有撰稿人可以修改稿件".into(),
            });
        }
        let c = check(actor, &input)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::edit_article(
            &mut tx,
            id,
            actor.user_id,
            &c.kind,
            &c.title,
            &c.body,
            &c.region,
            now,
        )
        .await?
        {
            return Err(ServiceError::Conflict {
                code: "article_not_editable",
                message: "稿件已发布或已撤下，不能再修改".into(),
            });
        }
        repo::set_clauses(&mut tx, id, &c.clauses).await?;
        let mut again = a.clone();
        again.region_code = c.region.clone();
        again.title = c.title.clone();
        notice_repo::insert_notice(&mut tx, &review_notice(&again, now)).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("article_edited", "article", id)
                .region(c.region.clone())
                .detail(json!({"kind": c.kind, "clauses": c.clauses, "was": a.status.as_str()})),
        )
        .await?;
        tx.commit().await?;
        self.staff_article(actor, id).await
    }

    fn own_article() -> ServiceError {
        ServiceError::Forbidden {
            code: "own_article",
            message: "不能审核自己撰写的稿件，请由另一位工作人员审核".into(),
        }
    }

    fn not_pending() -> ServiceError {
        ServiceError::Conflict {
            code: "article_not_pending",
            message: "该稿件不在待审核状态".into(),
        }
    }

    /// A second staff member of the region approves a pending article: it is public from now.
    pub async fn approve_article(&self, actor: &Actor, id: Uuid) -> Result<ArticleView> {
        let a = self.staff_article_row(actor, id).await?;
        if a.author_id == actor.user_id {
            return Err(Self::own_article());
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::approve_article(&mut tx, id, actor.user_id, &actor.display_name, now).await? {
            return Err(Self::not_pending());
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("article_approved", "article", id)
                .region(a.region_code.clone())
                .detail(json!({"author": a.author_id})),
        )
        .await?;
        tx.commit().await?;
        self.staff_article(actor, id).await
    }

    /// A second staff member returns a pending article to its author with the reason.
    pub async fn return_article(
        &self,
        actor: &Actor,
        id: Uuid,
        input: ReasonInput,
    ) -> Result<ArticleView> {
        let a = self.staff_article_row(actor, id).await?;
        if a.author_id == actor.user_id {
            return Err(Self::own_article());
        }
        let why = reason(&input)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::return_article(&mut tx, id, actor.user_id, &actor.display_name, &why, now).await?
        {
            return Err(Self::not_pending());
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("article_returned", "article", id)
                .region(a.region_code.clone())
                .detail(json!({"author": a.author_id})),
        )
        .await?;
        tx.commit().await?;
        self.staff_article(actor, id).await
    }

    /// Staff of the region take a published article down, with the reason.
    pub async fn withdraw_article(
        &self,
        actor: &Actor,
        id: Uuid,
        input: ReasonInput,
    ) -> Result<ArticleView> {
        let a = self.staff_article_row(actor, id).await?;
        let why = reason(&input)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::withdraw_article(&mut tx, id, &why, now).await? {
            return Err(ServiceError::Conflict {
                code: "article_not_published",
                message: "该稿件未发布，无需撤下".into(),
            });
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("article_withdrawn", "article", id).region(a.region_code.clone()),
        )
        .await?;
        tx.commit().await?;
        self.staff_article(actor, id).await
    }

    /// Demo only: a published article as if written and reviewed by two staff members.
    pub(crate) async fn seed_demo_article(
        &self,
        kind: &str,
        title: &str,
        body: &str,
        region: &str,
        clauses: &[&str],
        published: Option<DateTime<Utc>>,
    ) -> Result<Uuid> {
        let now = self.clock.now();
        let at = published.unwrap_or(now);
        let row = ArticleRow {
            id: Uuid::new_v4(),
            kind: kind.into(),
            title: title.into(),
            body: body.into(),
            region_code: region.into(),
            status: if published.is_some() {
                ArticleStatus::Published
            } else {
                ArticleStatus::Pending
            },
            author_id: Uuid::new_v4(),
            author_name: "演示撰稿人".into(),
            author_office: format!("{}人社部门", region_name(region)),
            reviewer_id: published.map(|_| Uuid::new_v4()),
            reviewer_name: if published.is_some() {
                "演示审核人".into()
            } else {
                String::new()
            },
            return_reason: String::new(),
            withdraw_reason: String::new(),
            demo: true,
            submitted_at: at,
            published_at: published,
            withdrawn_at: None,
            created_at: at,
            updated_at: at,
        };
        let clauses: Vec<String> = clauses.iter().map(|c| (*c).to_owned()).collect();
        let mut tx = self.db.begin().await?;
        repo::insert_article(&mut tx, &row, &clauses).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::system(),
            Event::new("article_seeded", "article", row.id).region(row.region_code.clone()),
        )
        .await?;
        tx.commit().await?;
        Ok(row.id)
    }
}

/// The notice to the staff of the article's region that it waits for review.
fn review_notice(a: &ArticleRow, now: DateTime<Utc>) -> NoticeRow {
    NoticeRow {
        id: Uuid::new_v4(),
        audience: "staff".into(),
        person_id: None,
        employer_id: None,
        region_code: a.region_code.clone(),
        kind: "article_pending".into(),
        message: format!(
            "{}“{}”待审核，请由撰稿人以外的工作人员审核",
            label(ARTICLE_KINDS, &a.kind),
            a.title
        ),
        link: format!("/staff/news/{}", a.id),
        dedupe_key: format!("article_pending:{}:{}", a.id, now.timestamp_micros()),
        created_at: now,
        read_at: None,
    }
}
