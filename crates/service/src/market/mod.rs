//! The gig market's flows (四(九)、四(十)): employers and their verification, job posts
//! screened before they go live, worker sign-up and profile, applications, hires that file
//! the 用工登记 by themselves, agreements confirmed by both sides, and pay confirmed by both
//! sides — the platform never holds money. Every change is audited in its transaction.

// The gig market by part: this file holds employers, posts, applications and hires.
pub mod import;
pub mod occupations;
pub mod platform_workers;
pub mod search;
pub mod shared;
pub mod suggest;
pub mod worker;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use linghuo_domain::{
    IdNumber, Money, Phone, RegionCode, Uscc, mask_name, occupation, resolve_occupation,
};
use linghuo_market::{Floor, Pay, PayBasis, TimeUnit};
use linghuo_storage::market::{
    self as repo, AgreementRow, ApplicationRow, EmployerRow, HireRow, PayRow, PostRow,
};
use linghuo_storage::notices::{self as notice_repo, NoticeRow};
use linghuo_storage::{persons, users};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::access::{Actor, Role};
use crate::audit::{self, AuditActor, Event};
use crate::error::{Result, ServiceError};
use crate::{Service, protect};
use linghuo_storage::status::{HireStatus, PostStatus};

pub const EMPLOYER_KINDS: &[(&str, &str)] = &[
    ("enterprise", "企业"),
    ("individual_household", "个体工商户"),
    ("household", "家庭"),
    ("platform", "平台企业"),
    ("hr_agency", "人力资源服务机构"),
];
pub const FORMS: &[(&str, &str)] = &[
    ("gig", "零工/日结"),
    ("hourly", "小时工"),
    ("part_time", "非全日制"),
    ("short_term", "短期"),
    ("platform", "平台/新就业形态"),
    ("long_term", "长期"),
];
pub const PAY_UNITS: &[(&str, &str)] = &[
    ("hour", "小时"),
    ("day", "天"),
    ("piece", "件"),
    ("month", "月"),
];

fn label(table: &[(&'static str, &'static str)], code: &str) -> &'static str {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

fn non_empty(field: &str, v: &str, max: usize) -> Result<String> {
    let t = v.trim();
    if t.is_empty() || t.chars().count() > max || t.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ServiceError::invalid(
            field,
            "text_length",
            format!("不能为空，最多{max}个字"),
        ));
    }
    Ok(t.to_owned())
}

/// A short list of words (skills, certificates): trimmed, de-duplicated, at most 20 of at
/// most 20 characters each.
pub(crate) fn short_list(field: &str, items: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let t = it.trim();
        if t.is_empty() {
            continue;
        }
        if t.chars().count() > 20 || t.chars().any(char::is_control) {
            return Err(ServiceError::invalid(
                format!("{field}[{i}]"),
                "text_length",
                "每项最多20个字",
            ));
        }
        if !out.iter().any(|o| o == t) {
            out.push(t.to_owned());
        }
    }
    if out.len() > 20 {
        return Err(ServiceError::invalid(field, "list_length", "最多填写20项"));
    }
    Ok(out)
}

/// A 人力资源服务许可证 number, checked loosely: the formats differ by province and year
/// ("（晋）人服证字〔2021〕第0105000012号", "140105202100012"), so 6 to 50 characters with at
/// least six digits, and nothing but letters, digits, CJK and the brackets and marks they use.
pub fn agency_licence(s: &str) -> Result<String> {
    let t: String = s.trim().chars().filter(|c| !c.is_whitespace()).collect();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let allowed = |c: char| {
        c.is_ascii_alphanumeric()
            || ('\u{4e00}'..='\u{9fff}').contains(&c)
            || "（）()〔〕[]【】-—第号字".contains(c)
    };
    if t.is_empty() {
        return Err(ServiceError::invalid(
            "licence_no",
            "licence_required",
            "人力资源服务机构须填写人力资源服务许可证编号",
        ));
    }
    if !(6..=50).contains(&t.chars().count()) || digits < 6 || !t.chars().all(allowed) {
        return Err(ServiceError::invalid(
            "licence_no",
            "licence_format",
            "许可证编号格式不正确，请按许可证上印的编号填写，例如（晋）人服证字〔2021〕第0105000012号",
        ));
    }
    Ok(t)
}

fn date(field: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        ServiceError::invalid(
            field,
            "date_format",
            "日期格式应为 YYYY-MM-DD，例如 2021-06-01",
        )
    })
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmployerInput {
    /// enterprise, individual_household, household, platform or hr_agency
    /// (人力资源服务机构, 四(九)).
    pub kind: String,
    pub name: String,
    /// 统一社会信用代码, for enterprises, 个体工商户 and platforms.
    pub uscc: Option<String>,
    /// For a household employer: the householder's ID number.
    pub holder_id_number: Option<String>,
    pub contact_name: String,
    pub contact_phone: Option<String>,
    pub county_code: String,
    pub address: Option<String>,
    /// 人力资源服务许可证 number: required for hr_agency, ignored for the other kinds.
    #[serde(default)]
    pub licence_no: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EmployerView {
    pub id: Uuid,
    pub kind: String,
    pub kind_label: &'static str,
    pub name: String,
    pub uscc: Option<String>,
    pub contact_name: String,
    pub contact_phone: Option<String>,
    pub county_code: String,
    pub county_name: String,
    pub verified: bool,
    /// Pay confirmed by workers on time / late or missing (四(十)).
    pub on_time_pay: i64,
    pub late_pay: i64,
    /// 人力资源服务许可证 number of a 人力资源服务机构.
    pub licence_no: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostInput {
    pub title: String,
    pub description: String,
    /// Catalogue code or a trade name the catalogue resolves (e.g. 保洁员). May be left
    /// empty when `trade_words` names the trade.
    #[serde(default)]
    pub occupation: String,
    /// The trade in the employer's own words (花馍师傅), when the catalogue has nothing
    /// that fits. Kept on the post, searched like the title, and collected as a
    /// new-occupation suggestion for county staff; without `occupation` the closest trade
    /// is read from these words, the title and the description.
    #[schema(example = "花馍师傅")]
    pub trade_words: Option<String>,
    /// gig, hourly, part_time, short_term or platform.
    pub form: String,
    /// The county of the work. For a remote post it may be left empty: the post then
    /// belongs to the employer's county (review, 用工登记, statistics).
    #[serde(default)]
    pub county_code: String,
    /// 居家/远程 (二(三)): work done at home or online. Such a post has no place: no
    /// address and no coordinates (giving either is refused), no distance is shown or
    /// measured, and searches for 居家, 远程, 在家, 线上, 网上 find it.
    #[serde(default)]
    pub remote: bool,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub starts_on: String,
    pub ends_on: Option<String>,
    /// Working time in words, e.g. 每周六、日 9:00-17:00.
    pub schedule: Option<String>,
    pub hours_per_week: Option<i64>,
    /// The pay as the employer writes it: 200元/天, 150-180元/天, 25元/小时, 3000元/月+提成,
    /// 底薪2500+提成, 保底3000, 2元/袋, 45元/平方米, 每单4-7元, 200元/晚, 120元/半天,
    /// 8800元/26天, 面议, 按单结算 … Takes precedence over `pay_amount` and `pay_unit`.
    #[schema(example = "150-180元/天")]
    pub pay: Option<String>,
    /// Decimal yuan, e.g. "200.00", with `pay_unit` (the earlier form; give `pay` instead).
    #[serde(default)]
    pub pay_amount: String,
    /// hour, day, piece or month, with `pay_amount`.
    #[serde(default)]
    pub pay_unit: String,
    /// What a worker typically earns in a day (日均收入), decimal yuan — for piece and
    /// commission pay, so it can be compared and checked against the minimum wage.
    #[schema(example = "200")]
    pub typical_daily_pay: Option<String>,
    pub headcount: i64,
    #[serde(default)]
    pub required_certificates: Vec<String>,
    /// Skills the work asks for (used by search and matching), e.g. 擦玻璃.
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default)]
    pub accident_cover: bool,
    pub expires_on: Option<String>,
    /// The post's id in a city's existing gig market, for idempotent import.
    pub external_id: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Finding {
    pub code: String,
    pub field: String,
    pub message: String,
    /// `hold` (the post waits for review) or `note` (shown, the post goes live).
    #[serde(default = "hold_kind")]
    pub kind: String,
}

fn hold_kind() -> String {
    "hold".into()
}

impl Finding {
    pub(crate) fn hold(code: &str, field: &str, message: impl Into<String>) -> Finding {
        Finding {
            code: code.into(),
            field: field.into(),
            message: message.into(),
            kind: hold_kind(),
        }
    }

    pub fn is_note(&self) -> bool {
        self.kind == "note"
    }
}

/// Whether a post with these findings goes live at once: none of them holds it.
pub(crate) fn publishable(findings: &[Finding]) -> bool {
    findings.iter().all(Finding::is_note)
}

/// A post's pay in JSON: the model of linghuo-market with money as decimal strings.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PayDetail {
    /// `time`, `piece` or `none` (面议, 纯提成).
    pub basis: &'static str,
    /// Time: hour, half_day, day, shift, week, month or days; piece: the unit word (袋, 平方米).
    pub unit: Option<String>,
    /// For `days`: how many (8800元/26天).
    pub days: Option<u16>,
    /// The amount, or a range's lower end; none without an amount.
    #[schema(value_type = Option<String>, example = "200.00")]
    pub min: Option<Money>,
    /// A range's upper end.
    #[schema(value_type = Option<String>, example = "260.00")]
    pub max: Option<Money>,
    /// `from` (起, 以上) or `guaranteed` (保底).
    pub floor: Option<&'static str>,
    /// Base plus commission: the amount is the base.
    pub commission: bool,
    /// What a worker typically earns in a day, as the employer states it.
    #[schema(value_type = Option<String>, example = "200.00")]
    pub typical_daily: Option<Money>,
}

/// The pay estimated per hour and per day with the post's hours — an estimate, shown as one.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PayEstimateView {
    #[schema(value_type = String, example = "25.00")]
    pub hourly: Money,
    #[schema(value_type = String, example = "200.00")]
    pub daily: Money,
    /// From the typical daily earnings rather than the rate.
    pub from_typical: bool,
    /// 约合每小时25元（估算）, or per day for an hourly rate.
    pub label: String,
}

impl PayDetail {
    pub fn of(pay: &Pay) -> PayDetail {
        let (basis, unit, days) = match &pay.basis {
            None => ("none", None, None),
            Some(PayBasis::Time(u)) => (
                "time",
                Some(u.code().to_owned()),
                match u {
                    TimeUnit::Days(n) => Some(*n),
                    _ => None,
                },
            ),
            Some(PayBasis::Piece(w)) => ("piece", Some(w.clone()), None),
        };
        PayDetail {
            basis,
            unit,
            days,
            min: pay.min_fen.map(Money::from_fen),
            max: pay.max_fen.map(Money::from_fen),
            floor: pay.floor.map(|f| match f {
                Floor::From => "from",
                Floor::Guaranteed => "guaranteed",
            }),
            commission: pay.commission,
            typical_daily: pay.typical_daily_fen.map(Money::from_fen),
        }
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PostView {
    pub id: Uuid,
    pub employer_id: Uuid,
    pub employer_name: String,
    pub employer_verified: bool,
    /// Posted by a 人力资源服务机构 (四(九)): pages mark it 中介机构发布.
    pub by_agency: bool,
    pub external_id: Option<String>,
    pub title: String,
    pub description: String,
    pub occupation: String,
    pub occupation_name: String,
    pub form: String,
    pub form_label: &'static str,
    pub county_code: String,
    pub county_name: String,
    pub address: String,
    /// 居家/远程: no place, no coordinates.
    pub remote: bool,
    /// Where the work is in words: 居家/远程, or the county and the address.
    pub place: String,
    /// None for a remote post.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub schedule: String,
    pub hours_per_week: Option<i64>,
    /// The pay in plain Chinese: 日薪200–260元, 底薪3000元/月＋提成, 计件2元/袋, 按单结算（金额面议）, 面议.
    pub pay: String,
    /// The pay as the employer wrote it.
    pub pay_text: String,
    /// The amount, or a range's lower end; none for pay without an amount (面议).
    #[schema(value_type = Option<String>, example = "30.00")]
    pub pay_amount: Option<Money>,
    /// hour, half_day, day, shift, week, month, days or piece; none without a unit.
    pub pay_unit: Option<String>,
    /// The pay as a structure.
    pub pay_detail: PayDetail,
    /// The estimate per hour and per day, where the pay allows one.
    pub pay_estimate: Option<PayEstimateView>,
    pub headcount: i64,
    pub hired_count: i64,
    pub accident_cover: bool,
    pub required_certificates: Vec<String>,
    pub skills: Vec<String>,
    /// live, held, rejected, filled, expired or closed.
    pub status: String,
    pub status_label: &'static str,
    /// Why a post is held for review.
    pub findings: Vec<Finding>,
    /// What screening noted without holding the post (e.g. a piece rate it cannot check
    /// against the minimum wage), for the employer and staff.
    pub notes: Vec<Finding>,
    pub expires_on: NaiveDate,
}

fn status_label(s: &str) -> &'static str {
    match s {
        "live" => "招聘中",
        "held" => "待审核",
        "rejected" => "未通过审核",
        "filled" => "已招满",
        "expired" => "已过期",
        "closed" => "已关闭",
        _ => "",
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = JobApplicationView)]
pub struct ApplicationView {
    pub id: Uuid,
    pub post_id: Uuid,
    pub post_title: String,
    /// The worker's name, masked.
    pub worker_name: String,
    pub direction: String,
    pub status: String,
    pub message: String,
    pub created_at: DateTime<Utc>,
    /// Why the employer declined (status `declined`); empty otherwise.
    pub decline_reason: String,
}

/// One edit of a post, for its history.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PostRevisionView {
    pub revised_at: DateTime<Utc>,
    pub status_before: String,
    pub status_after: String,
    /// The fields that changed, each with its value before and after.
    pub changes: Vec<PostChange>,
    /// Why a re-screened post is held (empty when it passed).
    pub findings: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PostChange {
    /// The field's code (title, pay, starts_on …).
    pub field: String,
    /// Its name on the form (岗位名称, 报酬 …).
    #[serde(default)]
    pub label: String,
    pub before: String,
    pub after: String,
}

/// The fields of a post an edit can change, with their names on the form.
const EDITABLE: &[(&str, &str)] = &[
    ("title", "岗位名称"),
    ("description", "工作内容"),
    ("occupation", "工种"),
    ("trade_words", "工种叫法"),
    ("form", "用工形式"),
    ("county_code", "工作地区"),
    ("remote", "居家/远程"),
    ("address", "工作地点"),
    ("starts_on", "开始日期"),
    ("ends_on", "结束日期"),
    ("schedule", "工作时间"),
    ("hours_per_week", "每周工作小时数"),
    ("pay", "报酬"),
    ("headcount", "招聘人数"),
    ("required_certificates", "所需证书"),
    ("skills", "技能要求"),
    ("accident_cover", "意外伤害保险"),
    ("expires_on", "有效期"),
];

/// A post's editable fields as text, for comparing two versions.
fn post_fields(p: &PostRow) -> Vec<(&'static str, String)> {
    let opt = |v: Option<String>| v.unwrap_or_default();
    vec![
        ("title", p.title.clone()),
        ("description", p.description.clone()),
        ("occupation", p.occupation.clone()),
        ("trade_words", opt(p.trade_text.clone())),
        ("form", p.form.clone()),
        ("county_code", p.county_code.clone()),
        ("remote", if p.remote { "是" } else { "否" }.into()),
        ("address", p.address.clone()),
        ("starts_on", p.starts_on.to_string()),
        ("ends_on", opt(p.ends_on.map(|d| d.to_string()))),
        ("schedule", p.schedule.clone()),
        (
            "hours_per_week",
            opt(p.hours_per_week.map(|h| h.to_string())),
        ),
        ("pay", p.pay_text.clone()),
        ("headcount", p.headcount.to_string()),
        ("required_certificates", p.required_certificates.clone()),
        ("skills", p.skills.clone()),
        (
            "accident_cover",
            if p.accident_cover { "有" } else { "无" }.into(),
        ),
        ("expires_on", p.expires_on.to_string()),
    ]
}

fn post_changes(before: &PostRow, after: &PostRow) -> Vec<PostChange> {
    post_fields(before)
        .into_iter()
        .zip(post_fields(after))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, a), (_, b))| PostChange {
            field: field.into(),
            label: label(EDITABLE, field).into(),
            before: a,
            after: b,
        })
        .collect()
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct HireView {
    pub id: Uuid,
    pub post_id: Uuid,
    pub post_title: String,
    pub employer_name: String,
    pub worker_name: String,
    pub county_code: String,
    pub form: String,
    pub form_label: &'static str,
    pub start_date: NaiveDate,
    pub status: String,
    pub agreement: Option<AgreementView>,
    pub pay: Vec<PayView>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementInput {
    /// 服务时间, e.g. 每周六、日 9:00-17:00.
    pub service_time: String,
    pub pay_amount: String,
    pub pay_unit: String,
    /// Days between pay days (非全日制: at most 15).
    pub pay_cycle_days: i64,
    pub first_pay_on: String,
    /// 休息休假.
    pub rest: String,
    /// 劳动安全卫生 and protection.
    pub safety: String,
    #[serde(default)]
    pub accident_cover: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AgreementView {
    pub service_time: String,
    pub pay: String,
    pub pay_cycle_days: i64,
    pub first_pay_on: NaiveDate,
    pub rest: String,
    pub safety: String,
    pub accident_cover: bool,
    pub employer_confirmed: bool,
    pub worker_confirmed: bool,
    /// Problems staff and both sides are told about (e.g. a 非全日制 pay cycle over 15 days).
    pub flags: Vec<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PayView {
    pub id: Uuid,
    pub period: String,
    #[schema(value_type = String, example = "180.00")]
    pub amount: Money,
    pub due_on: NaiveDate,
    pub employer_confirmed: bool,
    pub worker_confirmed: bool,
    pub overdue: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = HiringRegistrationView)]
pub struct RegistrationView {
    pub id: Uuid,
    pub hire_id: Uuid,
    /// The worker's person record (staff link to it).
    pub person_id: Uuid,
    pub employer_name: String,
    pub worker_name: String,
    pub post_title: String,
    pub county_code: String,
    pub county_name: String,
    pub form_label: &'static str,
    pub start_date: NaiveDate,
    pub registered_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkerSignUp {
    pub username: String,
    pub password: String,
    pub name: String,
    pub id_number: String,
    pub phone: Option<String>,
    /// The county where the worker is served (管辖地).
    pub county_code: String,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmployerSignUp {
    pub username: String,
    pub password: String,
    pub employer: EmployerInput,
}

fn pay_text(fen: i64, unit: &str) -> String {
    format!("{}元/{}", Money::from_fen(fen), label(PAY_UNITS, unit))
}

fn parse_pay(
    amount_field: &str,
    amount: &str,
    unit_field: &str,
    unit: &str,
) -> Result<(i64, String)> {
    let m = Money::parse_non_negative(amount).map_err(|e| ServiceError::field(amount_field, e))?;
    if m.fen() <= 0 {
        return Err(ServiceError::invalid(
            amount_field,
            "pay_zero",
            "报酬必须大于0",
        ));
    }
    if label(PAY_UNITS, unit).is_empty() {
        return Err(ServiceError::invalid(
            unit_field,
            "pay_unit",
            "计酬单位须为 hour、day、piece 或 month",
        ));
    }
    Ok((m.fen(), unit.to_owned()))
}

impl Service {
    /// The employer an employer account acts for.
    pub async fn employer_of(&self, actor: &Actor) -> Result<EmployerRow> {
        actor.require_role(&[Role::Employer])?;
        let id =
            repo::user_employer(&self.db, actor.user_id)
                .await?
                .ok_or(ServiceError::Forbidden {
                    code: "employer_missing",
                    message: "请先登记用人单位信息".into(),
                })?;
        repo::employer(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    async fn employer_view(&self, e: &EmployerRow) -> Result<EmployerView> {
        let (on_time, late) = repo::on_time_record(&self.db, e.id, self.clock.today_cst()).await?;
        let phone = match &e.contact_phone_cipher {
            Some(c) => {
                let plain = self
                    .keys
                    .open(&protect::context("employers.contact_phone", &e.id), c)
                    .map_err(|e| ServiceError::Internal(e.to_string()))?;
                Some(linghuo_domain::mask_phone_str(&String::from_utf8_lossy(
                    &plain,
                )))
            }
            None => None,
        };
        Ok(EmployerView {
            id: e.id,
            kind: e.kind.clone(),
            kind_label: label(EMPLOYER_KINDS, &e.kind),
            name: if e.kind == "household" {
                mask_name(&e.name)
            } else {
                e.name.clone()
            },
            uscc: e.uscc.clone(),
            contact_name: mask_name(&e.contact_name),
            contact_phone: phone,
            county_code: e.county_code.clone(),
            county_name: RegionCode::parse(&e.county_code)
                .map(|r| r.full_name())
                .unwrap_or_default(),
            verified: e.verified,
            on_time_pay: on_time,
            late_pay: late,
            licence_no: e.licence_no.clone(),
        })
    }

    /// Registers the employer an employer account acts for (or, for staff at a window, on an
    /// employer's behalf within their region). Unverified until county staff check it.
    pub async fn register_employer(
        &self,
        actor: &Actor,
        input: EmployerInput,
    ) -> Result<EmployerView> {
        actor.require_role(&[Role::Employer])?;
        if repo::user_employer(&self.db, actor.user_id)
            .await?
            .is_some()
        {
            return Err(ServiceError::Conflict {
                code: "employer_exists",
                message: "本账户已登记用人单位".into(),
            });
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let row = self.new_employer(&mut tx, &input, now).await?;
        repo::link_user_employer(&mut tx, actor.user_id, row.id).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("employer_registered", "employer", row.id).region(row.county_code.clone()),
        )
        .await?;
        tx.commit().await?;
        self.employer_view(&row).await
    }

    async fn new_employer(
        &self,
        tx: &mut linghuo_storage::Tx,
        input: &EmployerInput,
        now: DateTime<Utc>,
    ) -> Result<EmployerRow> {
        if label(EMPLOYER_KINDS, &input.kind).is_empty() {
            return Err(ServiceError::invalid(
                "kind",
                "employer_kind",
                "单位类型须为 enterprise、individual_household、household、platform 或 hr_agency",
            ));
        }
        let licence_no = if input.kind == "hr_agency" {
            Some(agency_licence(input.licence_no.as_deref().unwrap_or(""))?)
        } else {
            None
        };
        let name = non_empty("name", &input.name, 100)?;
        let contact_name = non_empty("contact_name", &input.contact_name, 40)?;
        let county = RegionCode::parse(input.county_code.trim())
            .map_err(|e| ServiceError::field("county_code", e))?;
        if county.level() != linghuo_domain::RegionLevel::County {
            return Err(ServiceError::invalid(
                "county_code",
                "county_required",
                "请选择县（市、区）",
            ));
        }
        let id = Uuid::new_v4();
        let (uscc, holder) = if input.kind == "household" {
            let idn = IdNumber::parse(input.holder_id_number.as_deref().unwrap_or(""))
                .map_err(|e| ServiceError::field("holder_id_number", e))?;
            let index = self.keys.blind_index("id_number", idn.as_str());
            let holder = match persons::by_id_index(&self.db, &index).await? {
                Some(p) => p.id,
                None => {
                    let pid = Uuid::new_v4();
                    persons::insert(
                        tx,
                        &self.sealed_person(
                            pid,
                            contact_name.clone(),
                            &idn,
                            None,
                            &county,
                            String::new(),
                            None,
                            now,
                        ),
                    )
                    .await?;
                    pid
                }
            };
            (None, Some(holder))
        } else {
            let u = Uscc::parse(input.uscc.as_deref().unwrap_or(""))
                .map_err(|e| ServiceError::field("uscc", e))?;
            (Some(u.as_str().to_owned()), None)
        };
        let phone = match input
            .contact_phone
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(p) => Some(Phone::parse(p).map_err(|e| ServiceError::field("contact_phone", e))?),
            None => None,
        };
        let phone_index = phone
            .as_ref()
            .map(|p| self.keys.blind_index("phone", p.as_str()));
        let row = EmployerRow {
            id,
            kind: input.kind.clone(),
            name,
            uscc,
            holder_person_id: holder,
            contact_name,
            contact_phone_cipher: phone.map(|p| {
                self.keys.seal(
                    &protect::context("employers.contact_phone", &id),
                    p.as_str().as_bytes(),
                )
            }),
            county_code: county.as_str(),
            address: input.address.clone().unwrap_or_default().trim().to_owned(),
            verified: false,
            verified_by: None,
            verified_at: None,
            created_at: now,
            updated_at: now,
            licence_no,
        };
        repo::insert_employer(tx, &row).await.map_err(|e| match e {
            linghuo_storage::StorageError::Conflict { .. } => {
                ServiceError::invalid("uscc", "uscc_taken", "该统一社会信用代码已登记")
            }
            other => other.into(),
        })?;
        // The employer's accounts sign in and reset their password by this number.
        if let Some(index) = &phone_index {
            repo::set_employer_phone_index(tx, id, Some(index)).await?;
        }
        Ok(row)
    }

    /// The employer changes its contact phone: the number its accounts sign in with and
    /// receive password-reset codes at (sealed, blind-indexed), audited without the number.
    pub async fn set_employer_phone(&self, actor: &Actor, phone: &str) -> Result<EmployerView> {
        let e = self.employer_of(actor).await?;
        let p = Phone::parse(phone.trim()).map_err(|e| ServiceError::field("contact_phone", e))?;
        let now = self.clock.now();
        let cipher = self.keys.seal(
            &protect::context("employers.contact_phone", &e.id),
            p.as_str().as_bytes(),
        );
        let index = self.keys.blind_index("phone", p.as_str());
        let mut tx = self.db.begin().await?;
        repo::set_employer_phone(&mut tx, e.id, &cipher, &index, now).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("employer_phone_changed", "employer", e.id).region(e.county_code.clone()),
        )
        .await?;
        tx.commit().await?;
        self.my_employer(actor).await
    }

    /// Indexes the contact phones of employers written before the phone index existed, so
    /// their accounts can sign in and reset by phone (run at start-up; a no-op once done).
    /// Returns how many were indexed.
    pub async fn index_employer_phones(&self) -> Result<usize> {
        let mut done = 0;
        loop {
            let rows = repo::employers_without_phone_index(&self.db, 500).await?;
            if rows.is_empty() {
                return Ok(done);
            }
            let mut tx = self.db.begin().await?;
            for e in &rows {
                let Some(c) = &e.contact_phone_cipher else {
                    continue;
                };
                let plain = self
                    .keys
                    .open(&protect::context("employers.contact_phone", &e.id), c)
                    .map_err(|e| ServiceError::Internal(e.to_string()))?;
                // A number that no longer parses gets an index no number has, so it is not
                // read again and reaches no account.
                let index = match Phone::parse(&String::from_utf8_lossy(&plain)) {
                    Ok(p) => self.keys.blind_index("phone", p.as_str()),
                    Err(_) => self.keys.blind_index("phone_unusable", &e.id.to_string()),
                };
                repo::set_employer_phone_index(&mut tx, e.id, Some(&index)).await?;
                done += 1;
            }
            tx.commit().await?;
        }
    }

    pub async fn my_employer(&self, actor: &Actor) -> Result<EmployerView> {
        let e = self.employer_of(actor).await?;
        self.employer_view(&e).await
    }

    /// Employers of the caller's region (staff), optionally only those awaiting verification.
    pub async fn employers_in_region(
        &self,
        actor: &Actor,
        unverified_only: bool,
    ) -> Result<Vec<EmployerView>> {
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let mut out = Vec::new();
        for e in repo::employers_in_region(&self.db, &prefix, unverified_only).await? {
            out.push(self.employer_view(&e).await?);
        }
        Ok(out)
    }

    /// One page of the region's employers awaiting verification (the longest waiting first),
    /// searched by name.
    pub async fn unverified_employers_page(
        &self,
        actor: &Actor,
        q: &crate::paging::PageQuery,
    ) -> Result<crate::paging::Paged<EmployerView>> {
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let (rows, total) =
            repo::unverified_employers_page(&self.db, &prefix, &q.like(), q.limit(), q.offset())
                .await?;
        let mut out = Vec::with_capacity(rows.len());
        for e in &rows {
            out.push(self.employer_view(e).await?);
        }
        Ok(crate::paging::Paged::new(out, q, total))
    }

    /// County staff confirm an employer's identity (business licence or householder ID checked).
    pub async fn verify_employer(&self, actor: &Actor, id: Uuid) -> Result<EmployerView> {
        actor.require_role(&[Role::Staff])?;
        let e = match repo::employer(&self.db, id).await? {
            Some(e) if actor.may_see(&e.county_code, None) => e,
            _ => return Err(self.deny(actor, "employer", id.to_string(), "verify").await),
        };
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::verify_employer(&mut tx, id, actor.user_id, now).await? {
            return Err(ServiceError::Conflict {
                code: "already_verified",
                message: "该单位已核验".into(),
            });
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("employer_verified", "employer", id).region(e.county_code.clone()),
        )
        .await?;
        tx.commit().await?;
        let e = repo::employer(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.employer_view(&e).await
    }

    pub(crate) async fn post_view(&self, p: &PostRow) -> Result<PostView> {
        let employer = repo::employer(&self.db, p.employer_id).await?;
        let pay = stored_pay(p);
        let estimate = job_post(p).and_then(|job| {
            let e = job.pay_estimate()?;
            Some(PayEstimateView {
                hourly: Money::from_fen(e.hourly_fen),
                daily: Money::from_fen(e.daily_fen),
                from_typical: e.from_typical,
                label: job.pay.estimate_label(job.work_hours())?,
            })
        });
        let (notes, findings): (Vec<Finding>, Vec<Finding>) =
            serde_json::from_str::<Vec<Finding>>(&p.screening)
                .unwrap_or_default()
                .into_iter()
                .partition(Finding::is_note);
        Ok(PostView {
            id: p.id,
            employer_id: p.employer_id,
            employer_name: employer
                .as_ref()
                .map(|e| {
                    if e.kind == "household" {
                        format!("{}（家庭）", mask_name(&e.name))
                    } else {
                        e.name.clone()
                    }
                })
                .unwrap_or_default(),
            employer_verified: employer.as_ref().is_some_and(|e| e.verified),
            by_agency: employer.as_ref().is_some_and(|e| e.kind == "hr_agency"),
            external_id: p.external_id.clone(),
            // Held posts may carry a number typed into the text; never show it back.
            title: linghuo_domain::mask_pii_in_text(&p.title),
            description: linghuo_domain::mask_pii_in_text(&p.description),
            occupation: p.occupation.clone(),
            occupation_name: occupation(&p.occupation)
                .map(|o| o.name.to_owned())
                .unwrap_or_default(),
            form: p.form.clone(),
            form_label: label(FORMS, &p.form),
            county_code: p.county_code.clone(),
            county_name: RegionCode::parse(&p.county_code)
                .map(|r| r.full_name())
                .unwrap_or_default(),
            address: p.address.clone(),
            remote: p.remote,
            place: post_place(p),
            lat: (!p.remote).then_some(p.lat),
            lon: (!p.remote).then_some(p.lon),
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            schedule: p.schedule.clone(),
            hours_per_week: p.hours_per_week,
            pay: pay.label(),
            pay_text: linghuo_domain::mask_pii_in_text(&p.pay_text),
            pay_amount: p.pay_fen.map(Money::from_fen),
            pay_unit: p.pay_unit.clone(),
            pay_detail: PayDetail::of(&pay),
            pay_estimate: estimate,
            headcount: p.headcount,
            hired_count: p.hired_count,
            accident_cover: p.accident_cover,
            required_certificates: serde_json::from_str(&p.required_certificates)
                .unwrap_or_default(),
            skills: serde_json::from_str(&p.skills).unwrap_or_default(),
            status: p.status.as_str().into(),
            status_label: status_label(p.status.as_str()),
            findings,
            notes,
            expires_on: p.expires_on,
        })
    }

    /// Validates a post's input into a row (not yet screened or stored).
    pub(crate) fn post_row(
        &self,
        employer: &EmployerRow,
        input: &PostInput,
        posted_by: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<PostRow> {
        let title = non_empty("title", &input.title, 60)?;
        let description = non_empty("description", &input.description, 2000)?;
        let own_words = input
            .trade_words
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if own_words.is_some_and(|w| w.chars().count() > 30) {
            return Err(ServiceError::invalid(
                "trade_words",
                "trade_words_length",
                "工种叫法请写成一个名称，不超过30个字",
            ));
        }
        let occ = match (input.occupation.trim(), own_words) {
            ("", Some(w)) => occupation(
                linghuo_market::Vocabulary::shared()
                    .resolve_trade(w, &title, &description)
                    .code,
            )
            .ok_or_else(|| ServiceError::Internal("resolved trade outside the catalogue".into()))?,
            ("", None) => {
                return Err(ServiceError::invalid(
                    "occupation",
                    "occupation_missing",
                    "请选择职业；目录里没有合适的，请在“工种叫法”里写下您对这个活的叫法",
                ));
            }
            (o, _) => resolve_occupation(o).ok_or_else(|| {
                ServiceError::invalid(
                    "occupation",
                    "occupation_unknown",
                    format!("职业“{o}”不在职业目录中"),
                )
            })?,
        };
        // Words the catalogue names already say nothing new; a number typed into them is
        // masked like one in the text.
        let trade_text = own_words
            .filter(|w| resolve_occupation(w).is_none())
            .map(linghuo_domain::mask_pii_in_text);
        if label(FORMS, &input.form).is_empty() {
            return Err(ServiceError::invalid(
                "form",
                "form_unknown",
                "用工形式须为 gig、hourly、part_time、short_term 或 platform",
            ));
        }
        // A remote post has no place: the county defaults to the employer's, and an address
        // or coordinates would say there is one.
        let county_code = match input.county_code.trim() {
            "" if input.remote => employer.county_code.as_str(),
            c => c,
        };
        let address = input.address.clone().unwrap_or_default().trim().to_owned();
        if input.remote && !address.is_empty() {
            return Err(ServiceError::invalid(
                "address",
                "address_remote",
                "居家/远程岗位没有工作地点，请不填详细地点；需要到场的岗位请不要选择居家/远程",
            ));
        }
        if input.remote && (input.lat.is_some() || input.lon.is_some()) {
            return Err(ServiceError::invalid(
                "lat",
                "coordinates_remote",
                "居家/远程岗位没有工作地点，请不填坐标",
            ));
        }
        let county =
            RegionCode::parse(county_code).map_err(|e| ServiceError::field("county_code", e))?;
        if county.level() != linghuo_domain::RegionLevel::County {
            return Err(ServiceError::invalid(
                "county_code",
                "county_required",
                "工作地点须选择到县（市、区）",
            ));
        }
        let (lon0, lat0) = county.coordinates();
        let lat = input.lat.unwrap_or(lat0);
        let lon = input.lon.unwrap_or(lon0);
        if !(34.0..=41.5).contains(&lat) || !(110.0..=115.0).contains(&lon) {
            return Err(ServiceError::invalid(
                "lat",
                "coordinates_outside",
                "坐标不在山西省范围内",
            ));
        }
        let starts_on = date("starts_on", &input.starts_on)?;
        let ends_on = input
            .ends_on
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| date("ends_on", s))
            .transpose()?;
        if ends_on.is_some_and(|e| e < starts_on) {
            return Err(ServiceError::invalid(
                "ends_on",
                "date_order",
                "结束日期不能早于开始日期",
            ));
        }
        let (pay, pay_text) = post_pay(input)?;
        if !(1..=1000).contains(&input.headcount) {
            return Err(ServiceError::invalid(
                "headcount",
                "headcount_range",
                "招聘人数应为1至1000",
            ));
        }
        if let Some(h) = input.hours_per_week
            && !(1..=60).contains(&h)
        {
            return Err(ServiceError::invalid(
                "hours_per_week",
                "hours_range",
                "每周工作小时数应为1至60",
            ));
        }
        let schedule = input.schedule.clone().unwrap_or_default().trim().to_owned();
        if !schedule.is_empty() {
            linghuo_market::import::parse_schedule(&schedule)
                .map_err(|e| ServiceError::invalid("schedule", "schedule_format", e.to_string()))?;
        }
        let skills = short_list("skills", &input.skills)?;
        let certificates = short_list("required_certificates", &input.required_certificates)?;
        let today = self.clock.today_cst();
        let expires_on = match input.expires_on.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => date("expires_on", s)?,
            None => today + Duration::days(30),
        };
        if expires_on < today {
            return Err(ServiceError::invalid(
                "expires_on",
                "expired",
                "有效期不能早于今天",
            ));
        }
        let mut row = PostRow {
            id: Uuid::new_v4(),
            employer_id: employer.id,
            external_id: input.external_id.clone().filter(|s| !s.trim().is_empty()),
            title,
            description,
            occupation: occ.code.to_owned(),
            form: input.form.clone(),
            county_code: county.as_str(),
            address,
            lat,
            lon,
            remote: input.remote,
            starts_on,
            ends_on,
            schedule,
            hours_per_week: input.hours_per_week,
            pay_fen: pay.min_fen,
            pay_unit: pay.unit_code().map(str::to_owned),
            pay: serde_json::to_string(&pay).map_err(|e| ServiceError::Internal(e.to_string()))?,
            pay_text,
            pay_hour_fen: None,
            pay_day_fen: None,
            trade_text,
            headcount: input.headcount,
            hired_count: 0,
            required_certificates: serde_json::to_string(&certificates)
                .unwrap_or_else(|_| "[]".into()),
            skills: serde_json::to_string(&skills).unwrap_or_else(|_| "[]".into()),
            accident_cover: input.accident_cover,
            // Decided by the screening below.
            status: PostStatus::Held,
            screening: "[]".into(),
            expires_on,
            posted_by,
            reviewed_by: None,
            created_at: now,
            updated_at: now,
        };
        // The estimates with the post's own hours, for the statistics and SQL readers.
        if let Some(e) = job_post(&row).and_then(|j| j.pay_estimate()) {
            row.pay_hour_fen = Some(e.hourly_fen);
            row.pay_day_fen = Some(e.daily_fen);
        }
        Ok(row)
    }

    /// Posts a job. Screening decides whether it goes live at once (即时快招) or waits for
    /// county staff; a live post is queued for every server's search index.
    pub async fn create_post(&self, actor: &Actor, input: PostInput) -> Result<PostView> {
        let employer = self.employer_of(actor).await?;
        let now = self.clock.now();
        let mut row = self.post_row(&employer, &input, Some(actor.user_id), now)?;
        let recent = repo::posts_of_employer(&self.db, employer.id).await?;
        let findings = self.screen_post(&employer, &row, &recent);
        row.status = if publishable(&findings) {
            PostStatus::Live
        } else {
            PostStatus::Held
        };
        row.screening = serde_json::to_string(&findings).unwrap_or_else(|_| "[]".into());
        let mut tx = self.db.begin().await?;
        repo::insert_post(&mut tx, &row)
            .await
            .map_err(|e| match e {
                linghuo_storage::StorageError::Conflict { .. } => ServiceError::Conflict {
                    code: "post_exists",
                    message: "该外部编号的岗位已存在".into(),
                },
                other => other.into(),
            })?;
        crate::market_occupations::collect_post(&mut tx, &row, "post").await?;
        if row.status == PostStatus::Live {
            repo::enqueue_index(&mut tx, row.id, now).await?;
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("post_created", "job_post", row.id).region(row.county_code.clone()).detail(json!({"status": row.status, "findings": findings.iter().map(|f| &f.code).collect::<Vec<_>>()})),
        )
        .await?;
        tx.commit().await?;
        self.note_market_write();
        self.post_view(&row).await
    }

    /// A live post, for anyone; other states only for the posting employer or staff in region.
    pub async fn get_post(&self, actor: Option<&Actor>, id: Uuid) -> Result<PostView> {
        let p = repo::post(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let allowed = p.status == PostStatus::Live
            || actor.is_some_and(|a| match a.role {
                Role::Staff => a.may_see(&p.county_code, None),
                _ => false,
            });
        let own = match actor {
            Some(a) if a.role == Role::Employer => {
                repo::user_employer(&self.db, a.user_id).await? == Some(p.employer_id)
            }
            _ => false,
        };
        if !(allowed || own) {
            return Err(ServiceError::NotFound);
        }
        self.post_view(&p).await
    }

    pub async fn my_posts(&self, actor: &Actor) -> Result<Vec<PostView>> {
        let e = self.employer_of(actor).await?;
        let mut out = Vec::new();
        for p in repo::posts_of_employer(&self.db, e.id).await? {
            out.push(self.post_view(&p).await?);
        }
        Ok(out)
    }

    /// Posts in the caller's region in one state (staff; `held` is the review queue).
    pub async fn posts_in_region(&self, actor: &Actor, status: &str) -> Result<Vec<PostView>> {
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let mut out = Vec::new();
        for p in repo::posts_in_region(&self.db, &prefix, status, 500).await? {
            out.push(self.post_view(&p).await?);
        }
        Ok(out)
    }

    /// One page of the region's posts in a status, searched by title.
    pub async fn posts_in_region_page(
        &self,
        actor: &Actor,
        status: &str,
        q: &crate::paging::PageQuery,
    ) -> Result<crate::paging::Paged<PostView>> {
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let (rows, total) =
            repo::posts_in_region_page(&self.db, &prefix, status, &q.like(), q.limit(), q.offset())
                .await?;
        let mut out = Vec::with_capacity(rows.len());
        for p in &rows {
            out.push(self.post_view(p).await?);
        }
        Ok(crate::paging::Paged::new(out, q, total))
    }

    /// County staff approve (live) or reject a held post.
    pub async fn review_post(
        &self,
        actor: &Actor,
        id: Uuid,
        approve: bool,
        note: &str,
    ) -> Result<PostView> {
        actor.require_role(&[Role::Staff])?;
        let p = match repo::post(&self.db, id).await? {
            Some(p) if actor.may_see(&p.county_code, None) => p,
            _ => return Err(self.deny(actor, "job_post", id.to_string(), "review").await),
        };
        if !approve && note.trim().chars().count() < 2 {
            return Err(ServiceError::invalid(
                "note",
                "note_required",
                "不通过时请写明原因",
            ));
        }
        let now = self.clock.now();
        let to = if approve { "live" } else { "rejected" };
        let mut tx = self.db.begin().await?;
        if !repo::set_post_status(&mut tx, id, "held", to, Some(actor.user_id), now).await? {
            return Err(ServiceError::Conflict {
                code: "not_held",
                message: "该岗位不在待审核状态".into(),
            });
        }
        if approve {
            repo::enqueue_index(&mut tx, id, now).await?;
        } else {
            // The employer sees why beside the screening findings.
            let mut findings: Vec<Finding> = serde_json::from_str(&p.screening).unwrap_or_default();
            findings.push(Finding::hold(
                "review_rejected",
                "post",
                format!("审核未通过：{}", note.trim()),
            ));
            repo::set_post_screening(
                &mut tx,
                id,
                &serde_json::to_string(&findings).unwrap_or_else(|_| "[]".into()),
            )
            .await?;
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new(
                if approve {
                    "post_approved"
                } else {
                    "post_rejected"
                },
                "job_post",
                id,
            )
            .region(p.county_code.clone())
            .detail(json!({"note": note.trim()})),
        )
        .await?;
        tx.commit().await?;
        self.note_market_write();
        self.get_post(Some(actor), id).await
    }

    /// The employer closes its own post.
    pub async fn close_post(&self, actor: &Actor, id: Uuid) -> Result<PostView> {
        let e = self.employer_of(actor).await?;
        let p = repo::post(&self.db, id)
            .await?
            .filter(|p| p.employer_id == e.id)
            .ok_or(ServiceError::NotFound)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let mut changed = false;
        for from in ["live", "held"] {
            changed |= repo::set_post_status(&mut tx, id, from, "closed", None, now).await?;
        }
        if !changed {
            return Err(ServiceError::Conflict {
                code: "not_open",
                message: "该岗位已结束招聘".into(),
            });
        }
        repo::enqueue_index(&mut tx, id, now).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("post_closed", "job_post", id).region(p.county_code.clone()),
        )
        .await?;
        tx.commit().await?;
        self.note_market_write();
        self.get_post(Some(actor), id).await
    }

    /// Public sign-up of a worker: the person record (its 管辖地 chosen by the worker) and a
    /// worker account linked to it, in one transaction.
    pub async fn sign_up_worker(
        &self,
        input: WorkerSignUp,
        meta: &crate::RequestMeta,
    ) -> Result<Uuid> {
        self.signup_username_available(input.username.trim())
            .await?;
        crate::password::check_policy(
            &input.password,
            input.username.trim(),
            self.config.security.password_min_length,
            "password",
        )?;
        let name = non_empty("name", &input.name, 40)?;
        let idn =
            IdNumber::parse(&input.id_number).map_err(|e| ServiceError::field("id_number", e))?;
        let phone = match input
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(p) => Some(Phone::parse(p).map_err(|e| ServiceError::field("phone", e))?),
            None => None,
        };
        let county = RegionCode::parse(input.county_code.trim())
            .map_err(|e| ServiceError::field("county_code", e))?;
        if county.level() != linghuo_domain::RegionLevel::County {
            return Err(ServiceError::invalid(
                "county_code",
                "county_required",
                "请选择县（市、区）",
            ));
        }
        let now = self.clock.now();
        let pid = Uuid::new_v4();
        let uid = Uuid::new_v4();
        let mut tx = self.db.begin().await?;
        persons::insert(
            &mut tx,
            &self.sealed_person(
                pid,
                name.clone(),
                &idn,
                phone.as_ref(),
                &county,
                String::new(),
                None,
                now,
            ),
        )
        .await
        .map_err(|e| match e {
            linghuo_storage::StorageError::Conflict { .. } => ServiceError::Conflict {
                code: "person_exists",
                message: "该身份证号码已登记，请直接登录或到服务窗口办理".into(),
            },
            other => other.into(),
        })?;
        self.insert_self_account(
            &mut tx,
            uid,
            &input.username,
            &name,
            "worker",
            Some(pid),
            &input.password,
            now,
        )
        .await?;
        let actor = AuditActor {
            id: Some(uid),
            name: input.username.trim().into(),
            role: "worker".into(),
            meta: meta.clone(),
        };
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &actor,
            Event::new("worker_signed_up", "person", pid).region(county.as_str()),
        )
        .await?;
        tx.commit().await?;
        Ok(uid)
    }

    /// Public sign-up of an employer account together with its employer record.
    pub async fn sign_up_employer(
        &self,
        input: EmployerSignUp,
        meta: &crate::RequestMeta,
    ) -> Result<Uuid> {
        self.signup_username_available(input.username.trim())
            .await?;
        crate::password::check_policy(
            &input.password,
            input.username.trim(),
            self.config.security.password_min_length,
            "password",
        )?;
        let now = self.clock.now();
        let uid = Uuid::new_v4();
        let mut tx = self.db.begin().await?;
        let row = self.new_employer(&mut tx, &input.employer, now).await?;
        self.insert_self_account(
            &mut tx,
            uid,
            &input.username,
            &row.contact_name,
            "employer",
            None,
            &input.password,
            now,
        )
        .await?;
        repo::link_user_employer(&mut tx, uid, row.id).await?;
        let actor = AuditActor {
            id: Some(uid),
            name: input.username.trim().into(),
            role: "employer".into(),
            meta: meta.clone(),
        };
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &actor,
            Event::new("employer_signed_up", "employer", row.id).region(row.county_code.clone()),
        )
        .await?;
        tx.commit().await?;
        Ok(uid)
    }

    async fn insert_self_account(
        &self,
        tx: &mut linghuo_storage::Tx,
        id: Uuid,
        username: &str,
        display: &str,
        role: &str,
        person: Option<Uuid>,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        users::insert(
            tx,
            &users::UserRow {
                id,
                username: username.trim().to_owned(),
                display_name: display.to_owned(),
                role: role.into(),
                scope_code: None,
                permissions: String::new(),
                person_id: person,
                password_hash: crate::password::hash(password),
                must_change_password: false,
                password_changed_at: now,
                totp_secret: None,
                totp_enabled: false,
                totp_last_step: 0,
                disabled: false,
                last_login_at: None,
                created_at: now,
                updated_at: now,
            },
        )
        .await
        .map_err(|e| match e {
            linghuo_storage::StorageError::Conflict { .. } => username_unavailable(),
            other => other.into(),
        })
    }

    /// Whether public sign-up may take a user name. A name already in use — by a worker, an
    /// employer, staff or an administrator — a reserved name (`admin`, `root` …) and a name in
    /// the prefixes kept for staff and administrator accounts all get the same answer, at the
    /// same point and after the same database read, so sign-up cannot be used to find out
    /// which names belong to staff (issue 14 item 4).
    async fn signup_username_available(&self, name: &str) -> Result<()> {
        let reserved = match crate::accounts::validate_username(name) {
            Ok(()) => false,
            Err(ServiceError::Invalid {
                code: "username_reserved",
                ..
            }) => true,
            Err(e) => return Err(e),
        };
        let taken = users::by_username(&self.db, name).await?.is_some();
        if taken || reserved || is_staff_prefix(name) {
            return Err(username_unavailable());
        }
        Ok(())
    }

    fn person_of(actor: &Actor) -> Result<Uuid> {
        actor.require_role(&[Role::Worker])?;
        actor.person_id.ok_or(ServiceError::Forbidden {
            code: "person_missing",
            message: "账户未关联人员信息".into(),
        })
    }

    async fn person_name(&self, id: Uuid) -> Result<String> {
        Ok(persons::by_id(&self.db, id)
            .await?
            .map(|p| mask_name(&p.name))
            .unwrap_or_default())
    }

    pub(crate) async fn application_view(&self, a: &ApplicationRow) -> Result<ApplicationView> {
        let title = repo::post(&self.db, a.post_id)
            .await?
            .map(|p| p.title)
            .unwrap_or_default();
        Ok(ApplicationView {
            id: a.id,
            post_id: a.post_id,
            post_title: title,
            worker_name: self.person_name(a.person_id).await?,
            direction: a.direction.clone(),
            status: a.status.clone(),
            message: a.message.clone(),
            created_at: a.created_at,
            decline_reason: a.decline_reason.clone(),
        })
    }

    /// An application to one of the caller's posts, with the employer and the post; anyone
    /// else's is "not found".
    async fn application_to_my_post(
        &self,
        actor: &Actor,
        application_id: Uuid,
    ) -> Result<(EmployerRow, ApplicationRow, PostRow)> {
        let e = self.employer_of(actor).await?;
        let a = repo::application(&self.db, application_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let p = repo::post(&self.db, a.post_id)
            .await?
            .filter(|p| p.employer_id == e.id)
            .ok_or(ServiceError::NotFound)?;
        Ok((e, a, p))
    }

    /// The employer declines an applicant, with a reason the worker sees on 我的报名 and
    /// in a notice.
    pub async fn decline_application(
        &self,
        actor: &Actor,
        application_id: Uuid,
        reason: &str,
    ) -> Result<ApplicationView> {
        let (e, a, p) = self.application_to_my_post(actor, application_id).await?;
        let reason = reason.trim();
        let n = reason.chars().count();
        if n < 2 {
            return Err(ServiceError::invalid(
                "reason",
                "reason_required",
                "请写明不录用的原因，求职者会看到",
            ));
        }
        if n > 200 {
            return Err(ServiceError::invalid(
                "reason",
                "reason_length",
                "原因不超过200个字",
            ));
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::decline_application(&mut tx, a.id, reason, now).await? {
            return Err(ServiceError::Conflict {
                code: "application_not_pending",
                message: "该报名已处理".into(),
            });
        }
        notice_repo::insert_notice(
            &mut tx,
            &NoticeRow::to_worker(
                a.person_id,
                p.county_code.clone(),
                "application_declined",
                format!("{}未录用您应聘的“{}”，原因：{}", e.name, p.title, reason),
                "/work/applications",
                format!("declined:{}", a.id),
                now,
            ),
        )
        .await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("application_declined", "application", a.id).region(p.county_code.clone()),
        )
        .await?;
        tx.commit().await?;
        let a = repo::application(&self.db, application_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.application_view(&a).await
    }

    /// The employer's own post as the 发布岗位 form reads it, to edit.
    pub async fn post_input_of(&self, actor: &Actor, id: Uuid) -> Result<PostInput> {
        let e = self.employer_of(actor).await?;
        let p = repo::post(&self.db, id)
            .await?
            .filter(|p| p.employer_id == e.id)
            .ok_or(ServiceError::NotFound)?;
        let list = |s: &str| serde_json::from_str::<Vec<String>>(s).unwrap_or_default();
        Ok(PostInput {
            title: p.title.clone(),
            description: p.description.clone(),
            occupation: p.occupation.clone(),
            trade_words: p.trade_text.clone(),
            form: p.form.clone(),
            county_code: p.county_code.clone(),
            remote: p.remote,
            address: Some(p.address.clone()).filter(|s| !s.is_empty()),
            lat: None,
            lon: None,
            starts_on: p.starts_on.to_string(),
            ends_on: p.ends_on.map(|d| d.to_string()),
            schedule: Some(p.schedule.clone()).filter(|s| !s.is_empty()),
            hours_per_week: p.hours_per_week,
            pay: Some(p.pay_text.clone()).filter(|s| !s.is_empty()),
            pay_amount: String::new(),
            pay_unit: String::new(),
            typical_daily_pay: None,
            headcount: p.headcount,
            required_certificates: list(&p.required_certificates),
            skills: list(&p.skills),
            accident_cover: p.accident_cover,
            expires_on: Some(p.expires_on.to_string()),
            external_id: p.external_id.clone(),
        })
    }

    /// Edits a held or live post. The edit is screened as a new post would be: a live post
    /// that now fails goes back to held with the reasons, a held post that now passes goes
    /// live. Every edit is kept in the post's history (post_revisions) with what changed.
    pub async fn edit_post(&self, actor: &Actor, id: Uuid, input: PostInput) -> Result<PostView> {
        let employer = self.employer_of(actor).await?;
        let old = repo::post(&self.db, id)
            .await?
            .filter(|p| p.employer_id == employer.id)
            .ok_or(ServiceError::NotFound)?;
        if !matches!(old.status, PostStatus::Held | PostStatus::Live) {
            return Err(ServiceError::Conflict {
                code: "post_not_editable",
                message: "只有待审核或招聘中的岗位可以修改".into(),
            });
        }
        let now = self.clock.now();
        let mut row = self.post_row(&employer, &input, old.posted_by, now)?;
        row.id = old.id;
        row.external_id = old.external_id.clone();
        row.hired_count = old.hired_count;
        row.created_at = old.created_at;
        row.reviewed_by = old.reviewed_by;
        if row.headcount < old.hired_count {
            return Err(ServiceError::invalid(
                "headcount",
                "headcount_below_hired",
                format!("已录用{}人，招聘人数不能少于已录用人数", old.hired_count),
            ));
        }
        let changes = post_changes(&old, &row);
        if changes.is_empty() {
            return Err(ServiceError::invalid(
                "title",
                "nothing_changed",
                "没有修改任何内容",
            ));
        }
        // The post is not a duplicate of itself.
        let recent: Vec<PostRow> = repo::posts_of_employer(&self.db, employer.id)
            .await?
            .into_iter()
            .filter(|p| p.id != old.id)
            .collect();
        let findings = self.screen_post(&employer, &row, &recent);
        row.status = if publishable(&findings) {
            PostStatus::Live
        } else {
            PostStatus::Held
        };
        row.screening = serde_json::to_string(&findings).unwrap_or_else(|_| "[]".into());
        let mut tx = self.db.begin().await?;
        if !repo::update_post(&mut tx, &row, old.status.as_str()).await? {
            return Err(ServiceError::Conflict {
                code: "post_changed",
                message: "岗位刚刚被他人处理，请刷新后重试".into(),
            });
        }
        repo::insert_post_revision(
            &mut tx,
            &repo::PostRevisionRow {
                id: Uuid::new_v4(),
                post_id: row.id,
                revision: 0,
                revised_by: Some(actor.user_id),
                revised_at: now,
                status_before: old.status.as_str().into(),
                status_after: row.status.as_str().into(),
                changes: serde_json::to_string(&changes).unwrap_or_else(|_| "[]".into()),
                findings: serde_json::to_string(
                    &findings
                        .iter()
                        .filter(|f| !f.is_note())
                        .map(|f| f.message.clone())
                        .collect::<Vec<_>>(),
                )
                .unwrap_or_else(|_| "[]".into()),
            },
        )
        .await?;
        crate::market_occupations::collect_post(&mut tx, &row, "post").await?;
        // Live before or after: the search index follows the post.
        repo::enqueue_index(&mut tx, row.id, now).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("post_edited", "job_post", row.id)
                .region(row.county_code.clone())
                .detail(json!({
                    "from": old.status.as_str(),
                    "to": row.status.as_str(),
                    "fields": changes.iter().map(|c| &c.field).collect::<Vec<_>>(),
                })),
        )
        .await?;
        tx.commit().await?;
        self.note_market_write();
        self.post_view(&row).await
    }

    /// A post's edits, newest first (its employer, or staff in its region).
    pub async fn post_history(&self, actor: &Actor, id: Uuid) -> Result<Vec<PostRevisionView>> {
        self.get_post(Some(actor), id).await?;
        Ok(repo::post_revisions(&self.db, id)
            .await?
            .into_iter()
            .map(|r| PostRevisionView {
                revised_at: r.revised_at,
                status_before: r.status_before,
                status_after: r.status_after,
                changes: serde_json::from_str(&r.changes).unwrap_or_default(),
                findings: serde_json::from_str(&r.findings).unwrap_or_default(),
            })
            .collect())
    }

    /// A worker applies to a live post.
    pub async fn apply(
        &self,
        actor: &Actor,
        post_id: Uuid,
        message: &str,
    ) -> Result<ApplicationView> {
        let person = Self::person_of(actor)?;
        let p = repo::post(&self.db, post_id)
            .await?
            .filter(|p| p.status == PostStatus::Live)
            .ok_or(ServiceError::NotFound)?;
        let now = self.clock.now();
        let row = new_application(post_id, person, "apply", message, now)?;
        let mut tx = self.db.begin().await?;
        repo::insert_application(&mut tx, &row)
            .await
            .map_err(|e| match e {
                linghuo_storage::StorageError::Conflict { .. } => ServiceError::Conflict {
                    code: "already_applied",
                    message: "您已报名该岗位".into(),
                },
                other => other.into(),
            })?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("application_created", "application", row.id).region(p.county_code.clone()),
        )
        .await?;
        tx.commit().await?;
        self.application_view(&row).await
    }

    pub async fn my_applications(&self, actor: &Actor) -> Result<Vec<ApplicationView>> {
        let person = Self::person_of(actor)?;
        let mut out = Vec::new();
        for a in repo::applications_of_person(&self.db, person).await? {
            out.push(self.application_view(&a).await?);
        }
        Ok(out)
    }

    /// Applications to one of the employer's posts (worker names masked).
    pub async fn applications_for_post(
        &self,
        actor: &Actor,
        post_id: Uuid,
    ) -> Result<Vec<ApplicationView>> {
        let e = self.employer_of(actor).await?;
        repo::post(&self.db, post_id)
            .await?
            .filter(|p| p.employer_id == e.id)
            .ok_or(ServiceError::NotFound)?;
        let mut out = Vec::new();
        for a in repo::applications_for_post(&self.db, post_id).await? {
            out.push(self.application_view(&a).await?);
        }
        Ok(out)
    }

    /// The employer hires an applicant: the hire, its 用工登记 (visible to staff of the job's
    /// county), the post's place taken, and the index updated — one transaction.
    pub async fn hire(
        &self,
        actor: &Actor,
        application_id: Uuid,
        start_date: &str,
    ) -> Result<HireView> {
        let (e, a, p) = self.application_to_my_post(actor, application_id).await?;
        let start = date("start_date", start_date)?;
        if start < p.starts_on {
            return Err(ServiceError::invalid(
                "start_date",
                "start_before_post",
                format!(
                    "到岗日期不能早于岗位开始日期（{}）",
                    p.starts_on.format("%Y年%-m月%-d日")
                ),
            ));
        }
        if let Some(end) = p.ends_on
            && start > end
        {
            return Err(ServiceError::invalid(
                "start_date",
                "start_after_post",
                format!(
                    "到岗日期不能晚于岗位结束日期（{}）",
                    end.format("%Y年%-m月%-d日")
                ),
            ));
        }
        let now = self.clock.now();
        let hire = HireRow {
            id: Uuid::new_v4(),
            application_id,
            post_id: p.id,
            employer_id: e.id,
            person_id: a.person_id,
            county_code: p.county_code.clone(),
            form: p.form.clone(),
            start_date: start,
            status: HireStatus::Active,
            created_at: now,
            completed_at: None,
        };
        let mut tx = self.db.begin().await?;
        // An application is hired from pending; an invitation once the worker accepted it.
        let from = if a.direction == "invite" {
            "accepted"
        } else {
            "pending"
        };
        if !repo::set_application_status(&mut tx, application_id, from, "hired", now).await? {
            return Err(ServiceError::Conflict {
                code: "application_not_pending",
                message: "该报名已处理".into(),
            });
        }
        if !repo::take_place(&mut tx, p.id, now).await? {
            return Err(ServiceError::Conflict {
                code: "post_full",
                message: "该岗位已招满或已停止招聘".into(),
            });
        }
        repo::insert_hire(&mut tx, &hire).await?;
        repo::enqueue_index(&mut tx, p.id, now).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("hired", "hire", hire.id)
                .region(hire.county_code.clone())
                .detail(json!({"post": p.id, "hiring_registration": "filed"})),
        )
        .await?;
        tx.commit().await?;
        self.note_market_write();
        self.hire_view(&hire).await
    }

    async fn hire_view(&self, h: &HireRow) -> Result<HireView> {
        let today = self.clock.today_cst();
        let post = repo::post(&self.db, h.post_id).await?;
        let employer = repo::employer(&self.db, h.employer_id).await?;
        let agreement = repo::agreement_of_hire(&self.db, h.id)
            .await?
            .map(|a| agreement_view(&a, &h.form));
        let pay = repo::pay_of_hire(&self.db, h.id)
            .await?
            .into_iter()
            .map(|r| PayView {
                id: r.id,
                overdue: r.worker_confirmed_at.is_none() && r.due_on < today,
                period: r.period,
                amount: Money::from_fen(r.amount_fen),
                due_on: r.due_on,
                employer_confirmed: r.employer_confirmed_at.is_some(),
                worker_confirmed: r.worker_confirmed_at.is_some(),
            })
            .collect();
        Ok(HireView {
            id: h.id,
            post_id: h.post_id,
            post_title: post.map(|p| p.title).unwrap_or_default(),
            employer_name: employer.map(|e| e.name).unwrap_or_default(),
            worker_name: self.person_name(h.person_id).await?,
            county_code: h.county_code.clone(),
            form: h.form.clone(),
            form_label: label(FORMS, &h.form),
            start_date: h.start_date,
            status: h.status.as_str().into(),
            agreement,
            pay,
        })
    }

    /// A hire the caller is a party to: its worker or its employer.
    pub(crate) async fn hire_as_party(
        &self,
        actor: &Actor,
        hire_id: Uuid,
    ) -> Result<(HireRow, bool)> {
        let h = repo::hire(&self.db, hire_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        match actor.role {
            Role::Employer => {
                let e = self.employer_of(actor).await?;
                if e.id == h.employer_id {
                    Ok((h, true))
                } else {
                    Err(ServiceError::NotFound)
                }
            }
            Role::Worker if actor.person_id == Some(h.person_id) => Ok((h, false)),
            _ => Err(ServiceError::NotFound),
        }
    }

    pub async fn get_hire(&self, actor: &Actor, hire_id: Uuid) -> Result<HireView> {
        let (h, _) = self.hire_as_party(actor, hire_id).await?;
        self.hire_view(&h).await
    }

    pub async fn my_hires(&self, actor: &Actor) -> Result<Vec<HireView>> {
        let rows = match actor.role {
            Role::Employer => {
                repo::hires_of_employer(&self.db, self.employer_of(actor).await?.id).await?
            }
            Role::Worker => repo::hires_of_person(&self.db, Self::person_of(actor)?).await?,
            _ => return Err(ServiceError::forbidden()),
        };
        let mut out = Vec::new();
        for h in rows {
            out.push(self.hire_view(&h).await?);
        }
        Ok(out)
    }

    /// The employer sets out the agreement of 四(十): service time, pay and pay day, rest,
    /// safety and accident cover. It binds once both sides confirm.
    pub async fn propose_agreement(
        &self,
        actor: &Actor,
        hire_id: Uuid,
        input: AgreementInput,
    ) -> Result<HireView> {
        let (h, employer_side) = self.hire_as_party(actor, hire_id).await?;
        if !employer_side {
            return Err(ServiceError::forbidden());
        }
        let (pay_fen, pay_unit) =
            parse_pay("pay_amount", &input.pay_amount, "pay_unit", &input.pay_unit)?;
        if !(1..=31).contains(&input.pay_cycle_days) {
            return Err(ServiceError::invalid(
                "pay_cycle_days",
                "pay_cycle",
                "结算周期应为1至31天",
            ));
        }
        let row = AgreementRow {
            id: Uuid::new_v4(),
            hire_id,
            service_time: non_empty("service_time", &input.service_time, 200)?,
            pay_fen,
            pay_unit,
            pay_cycle_days: input.pay_cycle_days,
            first_pay_on: date("first_pay_on", &input.first_pay_on)?,
            rest: non_empty("rest", &input.rest, 200)?,
            safety: non_empty("safety", &input.safety, 500)?,
            accident_cover: input.accident_cover,
            employer_confirmed_at: Some(self.clock.now()),
            worker_confirmed_at: None,
            created_at: self.clock.now(),
        };
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        repo::insert_agreement(&mut tx, &row)
            .await
            .map_err(|e| match e {
                linghuo_storage::StorageError::Conflict { .. } => ServiceError::Conflict {
                    code: "agreement_exists",
                    message: "该用工已有约定".into(),
                },
                other => other.into(),
            })?;
        let flags = agreement_view(&row, &h.form).flags;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("agreement_proposed", "hire", hire_id)
                .region(h.county_code.clone())
                .detail(json!({"flags": flags})),
        )
        .await?;
        tx.commit().await?;
        self.hire_view(&h).await
    }

    /// One side confirms the agreement.
    pub async fn confirm_agreement(&self, actor: &Actor, hire_id: Uuid) -> Result<HireView> {
        let (h, employer_side) = self.hire_as_party(actor, hire_id).await?;
        repo::agreement_of_hire(&self.db, hire_id)
            .await?
            .ok_or(ServiceError::Conflict {
                code: "no_agreement",
                message: "用人方尚未提出约定".into(),
            })?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::confirm_agreement(&mut tx, hire_id, employer_side, now).await? {
            return Err(ServiceError::Conflict {
                code: "already_confirmed",
                message: "您已确认过该约定".into(),
            });
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("agreement_confirmed", "hire", hire_id)
                .region(h.county_code.clone())
                .detail(json!({"side": if employer_side { "employer" } else { "worker" }})),
        )
        .await?;
        tx.commit().await?;
        self.hire_view(&h).await
    }

    /// The employer records a payment due or made for a period; the worker confirms receipt.
    pub async fn record_pay(
        &self,
        actor: &Actor,
        hire_id: Uuid,
        period: &str,
        amount: &str,
        due_on: &str,
    ) -> Result<HireView> {
        let (h, employer_side) = self.hire_as_party(actor, hire_id).await?;
        if !employer_side {
            return Err(ServiceError::forbidden());
        }
        let amount =
            Money::parse_non_negative(amount).map_err(|e| ServiceError::field("amount", e))?;
        if amount.fen() == 0 {
            return Err(ServiceError::invalid(
                "amount",
                "amount_zero",
                "报酬金额必须大于0",
            ));
        }
        let now = self.clock.now();
        let row = PayRow {
            id: Uuid::new_v4(),
            hire_id,
            period: non_empty("period", period, 40)?,
            amount_fen: amount.fen(),
            due_on: date("due_on", due_on)?,
            employer_confirmed_at: Some(now),
            worker_confirmed_at: None,
            created_at: now,
        };
        let mut tx = self.db.begin().await?;
        repo::insert_pay(&mut tx, &row).await.map_err(|e| match e {
            linghuo_storage::StorageError::Conflict { .. } => ServiceError::Conflict {
                code: "pay_period_exists",
                message: "该结算期已登记".into(),
            },
            other => other.into(),
        })?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("pay_recorded", "hire", hire_id)
                .region(h.county_code.clone())
                .detail(json!({"period": row.period, "amount": amount.to_string()})),
        )
        .await?;
        tx.commit().await?;
        self.hire_view(&h).await
    }

    /// The worker confirms a payment was received (the employer's side is set when recorded).
    pub async fn confirm_pay(
        &self,
        actor: &Actor,
        hire_id: Uuid,
        pay_id: Uuid,
    ) -> Result<HireView> {
        let (h, employer_side) = self.hire_as_party(actor, hire_id).await?;
        if !repo::pay_of_hire(&self.db, hire_id)
            .await?
            .iter()
            .any(|r| r.id == pay_id)
        {
            return Err(ServiceError::NotFound);
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::confirm_pay(&mut tx, pay_id, employer_side, now).await? {
            return Err(ServiceError::Conflict {
                code: "already_confirmed",
                message: "您已确认过该笔报酬".into(),
            });
        }
        audit::record(&mut tx, &self.keys, now, &AuditActor::from(actor), Event::new("pay_confirmed", "hire", hire_id).region(h.county_code.clone()).detail(json!({"pay": pay_id, "side": if employer_side { "employer" } else { "worker" }}))).await?;
        tx.commit().await?;
        self.hire_view(&h).await
    }

    /// 用工登记 of the caller's region (staff).
    pub async fn registrations(&self, actor: &Actor) -> Result<Vec<RegistrationView>> {
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let mut out = Vec::new();
        // Under the region's row-level security as well (B4).
        let mut tx = self.db.begin_scoped(&prefix).await?;
        let rows = repo::registrations_in_region(&mut tx, &prefix, 500).await?;
        tx.commit().await?;
        for r in rows {
            out.push(self.hiring_registration_view(r).await?);
        }
        Ok(out)
    }

    /// One page of the region's 用工登记, newest first, searched by the worker's or the
    /// employer's name or the post's title.
    pub async fn hiring_registrations_page(
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
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.hiring_registration_view(r).await?);
        }
        Ok(crate::paging::Paged::new(out, q, total))
    }

    async fn hiring_registration_view(
        &self,
        r: linghuo_storage::market::RegistrationRow,
    ) -> Result<RegistrationView> {
        Ok(RegistrationView {
            id: r.id,
            hire_id: r.hire_id,
            person_id: r.person_id,
            employer_name: repo::employer(&self.db, r.employer_id)
                .await?
                .map(|e| e.name)
                .unwrap_or_default(),
            worker_name: self.person_name(r.person_id).await?,
            post_title: repo::post(&self.db, r.post_id)
                .await?
                .map(|p| p.title)
                .unwrap_or_default(),
            county_name: RegionCode::parse(&r.county_code)
                .map(|c| c.full_name())
                .unwrap_or_default(),
            county_code: r.county_code,
            form_label: label(FORMS, &r.form),
            start_date: r.start_date,
            registered_at: r.registered_at,
        })
    }

    /// One page of [`Self::overdue_pay`], the longest overdue first, searched by the worker's
    /// or the employer's name or the post's title; each with the worker's person record.
    pub async fn overdue_pay_page(
        &self,
        actor: &Actor,
        q: &crate::paging::PageQuery,
    ) -> Result<crate::paging::Paged<(HireView, PayView, Uuid)>> {
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let (rows, total) = repo::overdue_pay_in_region_page(
            &self.db,
            &prefix,
            self.clock.today_cst(),
            &q.like(),
            q.limit(),
            q.offset(),
        )
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let h = repo::hire(&self.db, r.hire_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let view = self.hire_view(&h).await?;
            if let Some(p) = view.pay.iter().find(|p| p.id == r.id).cloned() {
                out.push((view, p, h.person_id));
            }
        }
        Ok(crate::paging::Paged::new(out, q, total))
    }

    /// Pay past its due day and not confirmed by the worker, in the caller's region (staff).
    pub async fn overdue_pay(&self, actor: &Actor) -> Result<Vec<(HireView, PayView)>> {
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let mut out = Vec::new();
        for (r, _) in repo::overdue_pay_in_region(&self.db, &prefix, self.clock.today_cst()).await?
        {
            let h = repo::hire(&self.db, r.hire_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let view = self.hire_view(&h).await?;
            if let Some(p) = view.pay.iter().find(|p| p.id == r.id).cloned() {
                out.push((view, p));
            }
        }
        Ok(out)
    }
}

fn agreement_view(a: &AgreementRow, form: &str) -> AgreementView {
    let mut flags = Vec::new();
    if form == "part_time" && a.pay_cycle_days > 15 {
        flags.push(
            "非全日制用工劳动报酬结算支付周期最长不得超过十五日（劳动合同法第七十二条）".to_owned(),
        );
    }
    if !a.accident_cover {
        flags.push("未约定意外伤害保障，请双方注意职业安全".to_owned());
    }
    AgreementView {
        service_time: a.service_time.clone(),
        pay: pay_text(a.pay_fen, &a.pay_unit),
        pay_cycle_days: a.pay_cycle_days,
        first_pay_on: a.first_pay_on,
        rest: a.rest.clone(),
        safety: a.safety.clone(),
        accident_cover: a.accident_cover,
        employer_confirmed: a.employer_confirmed_at.is_some(),
        worker_confirmed: a.worker_confirmed_at.is_some(),
        flags,
    }
}

/// A new pending application (`apply`) or invitation (`invite`), its message checked.
pub(crate) fn new_application(
    post_id: Uuid,
    person_id: Uuid,
    direction: &str,
    message: &str,
    now: DateTime<Utc>,
) -> Result<ApplicationRow> {
    if message.chars().count() > 500 {
        return Err(ServiceError::invalid(
            "message",
            "text_length",
            "留言最多500字",
        ));
    }
    Ok(ApplicationRow {
        id: Uuid::new_v4(),
        post_id,
        person_id,
        direction: direction.into(),
        status: "pending".into(),
        message: message.trim().into(),
        created_at: now,
        updated_at: now,
        decline_reason: String::new(),
    })
}

/// A stored post's pay: the model (migration 0009 filled it for every earlier row), or, should
/// it not read, the plain amount and unit.
pub(crate) fn stored_pay(row: &PostRow) -> Pay {
    serde_json::from_str::<Pay>(&row.pay).unwrap_or_else(|_| {
        match (
            row.pay_fen,
            row.pay_unit
                .as_deref()
                .and_then(|u| linghuo_market::PayUnit::parse(u).ok()),
        ) {
            (Some(fen), Some(unit)) => Pay::new(fen, unit),
            _ => Pay::negotiable(),
        }
    })
}

fn pay_error(e: linghuo_market::MarketError, field: &str) -> ServiceError {
    match e {
        linghuo_market::MarketError::Invalid { code, message, .. } => {
            ServiceError::invalid(field, code, message)
        }
        other => ServiceError::Internal(other.to_string()),
    }
}

/// A post's pay from its input: the text `pay` as the employer writes it, or the earlier
/// amount and unit pair (hour, day, piece or month as before); then the typical daily
/// earnings. Returns the pay and the text to keep as written.
fn post_pay(input: &PostInput) -> Result<(Pay, String)> {
    let text = input.pay.as_deref().map(str::trim).unwrap_or("");
    let (mut pay, written) = if !text.is_empty() {
        (
            Pay::parse(text).map_err(|e| pay_error(e, "pay"))?,
            text.to_owned(),
        )
    } else if !input.pay_amount.trim().is_empty() || !input.pay_unit.trim().is_empty() {
        if label(PAY_UNITS, &input.pay_unit).is_empty() {
            return Err(ServiceError::invalid(
                "pay_unit",
                "pay_unit",
                "计酬单位须为 hour、day、piece 或 month；按周、按单、底薪加提成、面议等请直接填写薪酬（pay），例如“1500元/周”",
            ));
        }
        let (fen, unit) = parse_pay("pay_amount", &input.pay_amount, "pay_unit", &input.pay_unit)?;
        let unit = linghuo_market::PayUnit::parse(&unit).map_err(|_| {
            ServiceError::invalid(
                "pay_unit",
                "pay_unit",
                "计酬单位须为 hour、day、piece 或 month",
            )
        })?;
        (Pay::new(fen, unit), pay_text(fen, unit.code()))
    } else {
        return Err(ServiceError::invalid(
            "pay",
            "pay_empty",
            "请填写薪酬，例如“200元/天”“150-180元/天”“3000元/月+提成”“2元/袋”或“面议”",
        ));
    };
    if let Some(t) = input.typical_daily_pay.as_deref()
        && let Some(fen) = linghuo_market::import::parse_typical_daily(t)
            .map_err(|e| pay_error(e, "typical_daily_pay"))?
    {
        pay.typical_daily_fen = Some(fen);
    }
    pay.validate().map_err(|e| pay_error(e, "pay"))?;
    Ok((pay, written))
}

/// Where a post's work is, in words: 居家/远程, or the county and the address.
fn post_place(p: &PostRow) -> String {
    if p.remote {
        return linghuo_market::index::REMOTE_LABEL.to_owned();
    }
    let county = RegionCode::parse(&p.county_code)
        .map(|r| r.full_name())
        .unwrap_or_default();
    if p.address.is_empty() {
        county
    } else {
        format!("{county}，{}", p.address)
    }
}

/// The market crate's view of a stored post (for screening and the search index).
pub fn job_post(row: &PostRow) -> Option<linghuo_market::JobPost> {
    Some(linghuo_market::JobPost {
        id: row.id,
        external_id: row.external_id.clone(),
        title: row.title.clone(),
        description: row.description.clone(),
        skills: serde_json::from_str(&row.skills).unwrap_or_default(),
        occupation: row.occupation.clone(),
        trade_text: row.trade_text.clone(),
        form: linghuo_market::JobForm::parse(&row.form).ok()?,
        county: RegionCode::parse(&row.county_code).ok()?,
        lat: row.lat,
        lon: row.lon,
        remote: row.remote,
        pay: stored_pay(row),
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        schedule: if row.schedule.trim().is_empty() {
            linghuo_market::Schedule::default()
        } else {
            linghuo_market::import::parse_schedule(&row.schedule).ok()?
        },
        hours_per_week: row.hours_per_week.and_then(|h| u32::try_from(h).ok()),
        headcount: u32::try_from(row.headcount).ok()?,
        required_certificates: serde_json::from_str(&row.required_certificates).unwrap_or_default(),
        accident_cover: row.accident_cover,
        employer_on_time_rate: None,
        posted_at: row.created_at,
        expires_on: row.expires_on,
    })
}

impl Service {
    /// Screening before a post goes live (linghuo-market's rules): fee requests to workers,
    /// pay below the minimum wage in force or far outside the usual range, duplicates of the
    /// employer's open posts, and a poster that is not a verified employer.
    pub(crate) fn screen_post(
        &self,
        employer: &EmployerRow,
        row: &PostRow,
        recent: &[PostRow],
    ) -> Vec<Finding> {
        let Some(job) = job_post(row) else {
            return vec![Finding::hold(
                "unreadable",
                "post",
                "岗位信息不完整，需人工审核",
            )];
        };
        let open: Vec<linghuo_market::JobPost> = recent
            .iter()
            .filter(|p| matches!(p.status.as_str(), "live" | "held"))
            .filter_map(job_post)
            .collect();
        let ctx = linghuo_market::ScreeningContext {
            today: self.clock.today_cst(),
            employer_verified: employer.verified,
            poster_matches_employer: true,
            recent_posts: &open,
            minimum_wages: None,
        };
        let mut findings: Vec<Finding> = linghuo_market::screen(&job, &ctx)
            .into_iter()
            .map(|f| Finding {
                code: f.code.to_owned(),
                field: f.field.to_owned(),
                message: f.message,
                kind: match f.kind {
                    linghuo_market::FindingKind::Hold => "hold".into(),
                    linghuo_market::FindingKind::Note => "note".into(),
                },
            })
            .collect();
        // A phone or ID number typed into a public post would be shown to everyone.
        for (field, text) in [
            ("title", &row.title),
            ("description", &row.description),
            ("pay", &row.pay_text),
        ] {
            if linghuo_domain::find_unmasked_pii(text).is_some() {
                findings.push(Finding::hold(
                    "personal_data_in_text",
                    field,
                    "岗位信息中含有手机号或身份证号，公开后任何人都能看到。请删除；求职者报名后可在平台上联系",
                ));
            }
        }
        findings
    }
}

/// Prefixes public sign-up does not give out: they read as staff or administrator accounts
/// (and the demo province's accounts), so a public name can never pass for one.
const STAFF_PREFIXES: &[&str] = &[
    "admin",
    "sysadmin",
    "secadmin",
    "auditadmin",
    "root",
    "staff",
    "system",
    "linghuo",
    "demo-",
];

fn is_staff_prefix(name: &str) -> bool {
    STAFF_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Sign-up's one answer for a name it cannot give (taken by anyone, or reserved).
fn username_unavailable() -> ServiceError {
    ServiceError::invalid(
        "username",
        "username_unavailable",
        "该用户名不可用，请换一个",
    )
}
