//! The public policy calculator (政策计算器) and the policy text with its clauses anchored.
//! The calculator builds a facts document of the screening contract from a plain form, runs the
//! engine, and shows every benefit with amount, what is payable now, reasons, citations and what
//! would change the outcome. Nothing typed here is stored.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use linghuo_policy::{ScreenOptions, parse_facts, policy_clauses, rules};
use linghuo_service::persons::GROUPS;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::AppState;
use crate::context::Ctx;
use crate::web::answers::{self, Standing, Step};
use crate::web::public::news::CaseLinks;
use crate::web::{Errors, Form, FormData, PageCtx, render};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/policy", get(calculator).post(calculate))
        .route("/policy/text", get(text))
}

/// The form as typed, kept to refill the fields after an error: the day to calculate for,
/// and every other field as typed (the calculator reads them in [`facts_from`]).
pub struct PolicyForm {
    pub as_of: String,
    data: FormData,
}

impl PolicyForm {
    pub fn get(&self, name: &str) -> &str {
        self.data.get(name)
    }

    pub fn has(&self, name: &str, value: &str) -> bool {
        self.data.has(name, value)
    }
}

/// The day of a calculation; the other fields are read from the form as typed.
#[derive(Deserialize)]
struct CalculateForm {
    #[serde(default)]
    as_of: String,
}

pub struct BenefitView {
    pub id: String,
    pub name: String,
    pub eligible: bool,
    pub standing: Standing,
    /// A credit line (the guaranteed loan): shown as 额度 with the bank step, never as cash.
    pub credit: bool,
    pub money: bool,
    pub amount: String,
    pub payable_now: String,
    pub payable_from: Option<String>,
    pub reasons: Vec<String>,
    pub breakdown: Vec<String>,
    pub changes: Vec<String>,
    pub steps: Vec<Step>,
    pub citations: Vec<(String, String)>,
}

/// The answer in one sentence, above the benefits: how many can be had now and about how
/// much money, a loan's credit line apart, and how many once a condition is met.
pub struct Summary {
    pub now: usize,
    /// "1,500.00 元"; none when no money is payable now.
    pub total: Option<String>,
    pub later: usize,
    pub credit: Option<String>,
}

fn summary(results: &[BenefitView], d: &Value) -> Summary {
    let mut total = linghuo_domain::Money::zero();
    let mut credit = None;
    for (b, raw) in results
        .iter()
        .zip(d["benefits"].as_array().into_iter().flatten())
    {
        if b.standing != Standing::Now {
            continue;
        }
        let now = raw["payable_now"]
            .as_str()
            .and_then(|s| linghuo_domain::Money::parse(s).ok());
        match now {
            Some(_) if b.credit => credit = Some(b.amount.clone()),
            Some(m) => total = total + m,
            None => {}
        }
    }
    Summary {
        now: results
            .iter()
            .filter(|b| b.standing == Standing::Now)
            .count(),
        total: (total != linghuo_domain::Money::zero()).then(|| total.to_display()),
        later: results
            .iter()
            .filter(|b| b.standing == Standing::Later)
            .count(),
        credit,
    }
}

#[derive(Template)]
#[template(path = "public/policy.html")]
struct CalculatorPage {
    ctx: PageCtx,
    form: PolicyForm,
    errors: Errors,
    error: Option<String>,
    results: Vec<BenefitView>,
    summary: Option<Summary>,
    as_of_text: String,
    receipt: String,
    groups: &'static [(&'static str, &'static str)],
    flexible_options: Vec<(&'static str, &'static str)>,
    business_options: Vec<(&'static str, &'static str)>,
    loan_options: Vec<(&'static str, &'static str)>,
    activity_options: Vec<(&'static str, &'static str)>,
    tax_fields: Vec<(&'static str, &'static str)>,
    /// 1, 2, 3: the rows of back payments.
    back_payment_rows: Vec<usize>,
    /// 相关案例 beside the clauses cited (五(十四)).
    cases: CaseLinks,
}

const TAX_FIELDS: &[(&str, &str)] = &[
    ("vat", "增值税"),
    ("urban_maintenance_tax", "城市维护建设税"),
    ("education_surcharge", "教育费附加"),
    ("local_education_surcharge", "地方教育附加"),
    ("individual_income_tax", "个人所得税"),
];

fn page(
    ctx: &Ctx,
    form: PolicyForm,
    errors: Errors,
    error: Option<String>,
    results: Vec<BenefitView>,
    summary: Option<Summary>,
    receipt: String,
) -> CalculatorPage {
    CalculatorPage {
        ctx: PageCtx::new(ctx, "政策计算器", "/policy"),
        as_of_text: date_text(&form.as_of),
        summary,
        form,
        errors,
        error,
        results,
        receipt,
        groups: GROUPS,
        flexible_options: vec![
            ("", "（未从事或不填）"),
            ("part_time", "非全日制"),
            ("self_employed", "个体经营"),
            ("platform", "新就业形态（平台）"),
            ("gig", "零工"),
        ],
        business_options: vec![
            ("", "（无）"),
            ("individual_household", "个体工商户"),
            ("small_micro_enterprise", "小微企业"),
        ],
        loan_options: vec![
            ("", "（不申请）"),
            ("startup", "创业"),
            ("platform_work_tools", "平台就业人员购置生产经营必需工具"),
        ],
        activity_options: vec![
            ("", "（不填）"),
            (
                "designated_place_selling",
                "在政府指定场所和时间销售农副产品、日常生活用品",
            ),
            ("convenience_labour", "利用自身技能从事便民劳务"),
            ("other", "其他"),
        ],
        tax_fields: TAX_FIELDS.to_vec(),
        back_payment_rows: (1..=BACK_PAYMENT_ROWS).collect(),
        cases: CaseLinks::default(),
    }
}

async fn calculator(ctx: Ctx) -> Response {
    let mut data = FormData::default();
    data.set("operating_normally", "1");
    data.set("first_time", "1");
    let form = PolicyForm {
        as_of: linghuo_domain::china_today().to_string(),
        data,
    };
    render(
        StatusCode::OK,
        &page(
            &ctx,
            form,
            Errors::default(),
            None,
            vec![],
            None,
            String::new(),
        ),
    )
}

/// "2021-07-15" (or any way [`answers::parse_day`] reads) → "2021年7月15日".
fn date_text(s: &str) -> String {
    answers::parse_day(s).map_or_else(|| s.to_owned(), answers::day_text)
}

/// Back payments of 2020 pension contributions the calculator takes (月份, 日期, 基数 each).
const BACK_PAYMENT_ROWS: usize = 3;

const DAY_HINT: &str = "日期请写成 2021年4月8日、2021.4.8、2021-4-8 或 2021/4/8";
const MONTH_HINT: &str = "月份请写成 2021年1月、2021.1、2021-1 或 2021/1";

/// A date field of the form as the contract's `YYYY-MM-DD`, or the field's error.
fn day_field(form: &PolicyForm, name: &str) -> Result<Option<String>, (String, String)> {
    let raw = form.get(name).trim();
    if raw.is_empty() {
        return Ok(None);
    }
    answers::parse_day(raw)
        .map(|d| Some(d.format("%Y-%m-%d").to_string()))
        .ok_or_else(|| (name.to_owned(), DAY_HINT.to_owned()))
}

/// A month of the form as the contract's `YYYY-MM`, or the field's error.
fn month_text(name: &str, raw: &str) -> Result<String, (String, String)> {
    answers::parse_month(raw)
        .map(|d| d.format("%Y-%m").to_string())
        .ok_or_else(|| (name.to_owned(), MONTH_HINT.to_owned()))
}

/// "2020-03" → "2020年3月".
fn month_words(m: &str) -> String {
    answers::parse_month(m).map_or_else(
        || m.to_owned(),
        |d| format!("{}年{}月", d.format("%Y"), d.format("%-m")),
    )
}

fn money_text(v: &Value) -> String {
    v.as_str()
        .and_then(|s| linghuo_domain::Money::parse(s).ok())
        .map(|m| m.to_display())
        .unwrap_or_default()
}

/// Builds the contract's facts document from the form; form-level problems are reported
/// against the form's own field names.
fn facts_from(form: &PolicyForm) -> Result<Value, (String, String)> {
    let text = |n: &str| Some(form.get(n)).filter(|s| !s.is_empty());
    let flag = |n: &str| form.has(n, "1");
    let mut person = Map::new();
    person.insert("groups".into(), json!(form.data.all("group")));
    for f in ["left_school_on", "unemployment_registered_on"] {
        if let Some(v) = day_field(form, f)? {
            person.insert(f.into(), json!(v));
        }
    }
    if let Some(v) = text("flexible_work") {
        person.insert("flexible_work".into(), json!(v));
    }
    if flag("in_difficulty") {
        person.insert("in_difficulty".into(), json!(true));
    }
    let mut facts = Map::new();
    let as_of = day_field(form, "as_of")?.ok_or(("as_of".to_owned(), DAY_HINT.to_owned()))?;
    facts.insert("as_of".into(), json!(as_of));
    facts.insert("person".into(), Value::Object(person));
    if let Some(kind) = text("business_kind") {
        let mut b = Map::new();
        b.insert("kind".into(), json!(kind));
        if let Some(d) = day_field(form, "registered_on")? {
            b.insert("registered_on".into(), json!(d));
        }
        b.insert("first_time".into(), json!(flag("first_time")));
        b.insert(
            "operating_normally".into(),
            json!(flag("operating_normally")),
        );
        if let Some(n) = text("employees_driven") {
            let n: u32 = n.parse().map_err(|_| {
                (
                    "employees_driven".to_owned(),
                    "带动就业人数应为整数".to_owned(),
                )
            })?;
            b.insert("employees_driven".into(), json!(n));
        }
        b.insert(
            "road_occupation_approved".into(),
            json!(flag("road_occupation_approved")),
        );
        b.insert(
            "rents_state_owned_property".into(),
            json!(flag("rents_state_owned_property")),
        );
        facts.insert("business".into(), Value::Object(b));
    }
    if let Some(year) = text("tax_year") {
        let year: i32 = year
            .parse()
            .map_err(|_| ("tax_year".to_owned(), "纳税年度应为四位年份".to_owned()))?;
        let mut row = Map::new();
        row.insert("year".into(), json!(year));
        for (f, _) in TAX_FIELDS {
            row.insert((*f).into(), json!(text(f).unwrap_or("0.00")));
        }
        facts.insert("tax_years".into(), json!([row]));
    }
    if let Some(from) = text("si_from") {
        let start = answers::parse_month(from)
            .ok_or_else(|| ("si_from".to_owned(), MONTH_HINT.to_owned()))?;
        let n: u32 = text("si_months")
            .unwrap_or("1")
            .parse()
            .ok()
            .filter(|n| (1..=120).contains(n))
            .ok_or((
                "si_months".to_owned(),
                "缴费月数应为1至120的整数".to_owned(),
            ))?;
        let amount = text("si_amount")
            .ok_or(("si_amount".to_owned(), "请填写每月实际缴纳金额".to_owned()))?;
        let months: Vec<Value> = (0..n)
            .filter_map(|i| start.checked_add_months(chrono::Months::new(i)))
            .map(|d| json!({"month": d.format("%Y-%m").to_string(), "amount": amount}))
            .collect();
        facts.insert("social_insurance_paid".into(), Value::Array(months));
    }
    if let Some(p) = text("loan_purpose") {
        facts.insert("loan".into(), json!({"purpose": p}));
    }
    if let Some(p) = text("startup_subsidy_paid") {
        facts.insert("startup_subsidy_paid".into(), json!(p));
    }
    if let Some(k) = text("activity_kind") {
        facts.insert(
            "activity".into(),
            json!({"kind": k, "needs_permit": flag("needs_permit")}),
        );
    }
    if flag("enrolled_approved_course") || flag("wants_to_start_business") {
        facts.insert("training".into(), json!({"enrolled_approved_course": flag("enrolled_approved_course"), "wants_to_start_business": flag("wants_to_start_business")}));
    }
    let mut pension = Map::new();
    if let Some(m) = text("unpaid_2020_months") {
        let months: Vec<String> = m
            .split([',', '，', '、', ';', '；'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| month_text("unpaid_2020_months", s))
            .collect::<Result<_, _>>()?;
        pension.insert("unpaid_2020_months".into(), json!(months));
    }
    let mut back = Vec::new();
    for i in 1..=BACK_PAYMENT_ROWS {
        let (m, d, b) = (
            format!("bp_month_{i}"),
            format!("bp_paid_on_{i}"),
            format!("bp_base_{i}"),
        );
        let filled = |n: &str| text(n).map(str::trim).filter(|v| !v.is_empty());
        let (month, paid_on, base) = (filled(&m), day_field(form, &d)?, filled(&b));
        if month.is_none() && paid_on.is_none() && base.is_none() {
            continue;
        }
        let month = month_text(
            &m,
            month.ok_or((m.clone(), "请填写补缴的是哪个月".to_owned()))?,
        )?;
        let paid_on = paid_on.ok_or((d, "请填写补缴（或计划补缴）的日期".to_owned()))?;
        let base = base.ok_or((b, "请填写所选的缴费基数".to_owned()))?;
        back.push(json!({"month": month, "paid_on": paid_on, "base": base}));
    }
    if !back.is_empty() {
        pension.insert("back_payments".into(), Value::Array(back));
    }
    if !pension.is_empty() {
        facts.insert("pension".into(), Value::Object(pension));
    }
    Ok(Value::Object(facts))
}

/// The rows of back payments the person filled in (empty rows are left out of the facts).
fn filled_back_payment_rows(form: &PolicyForm) -> Vec<usize> {
    (1..=BACK_PAYMENT_ROWS)
        .filter(|i| {
            ["bp_month", "bp_paid_on", "bp_base"]
                .iter()
                .any(|f| !form.get(&format!("{f}_{i}")).trim().is_empty())
        })
        .collect()
}

/// The form field a contract JSON path belongs to.
fn field_of(form: &PolicyForm, path: &str) -> String {
    // `$.pension.back_payments[0].base` → `bp_base_2` when the first filled row is the second.
    if let Some(rest) = path.strip_prefix("$.pension.back_payments[")
        && let Some((i, field)) = rest.split_once("].")
        && let Ok(i) = i.parse::<usize>()
    {
        let f = match field {
            "month" => "bp_month",
            "paid_on" => "bp_paid_on",
            _ => "bp_base",
        };
        let row = filled_back_payment_rows(form)
            .get(i)
            .copied()
            .unwrap_or(i + 1);
        return format!("{f}_{row}");
    }
    let last = path.rsplit('.').next().unwrap_or(path);
    let name = last.split('[').next().unwrap_or(last);
    match name {
        "month" if path.contains("social_insurance_paid") => "si_from".into(),
        "amount" if path.contains("social_insurance_paid") => "si_amount".into(),
        "year" if path.contains("tax_years") => "tax_year".into(),
        "$" | "" => "as_of".into(),
        other => other.into(),
    }
}

/// The benefit that is a credit line a bank grants, not money paid.
const CREDIT: &str = "guaranteed_loan";

/// Benefits that are a sum the engine works out: nothing payable yet means "not yet", even
/// when eligible (no premiums paid yet, no tax year given, six months not yet reached).
fn reckoned(id: &str) -> bool {
    matches!(
        id,
        "startup_subsidy" | "social_insurance_subsidy" | "tax_deduction"
    )
}

fn views(d: &Value) -> Vec<BenefitView> {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    d["benefits"]
        .as_array()
        .map(|bs| {
            bs.iter()
                .map(|b| {
                    let eligible = b["eligible"].as_bool().unwrap_or(false);
                    let money = b["amount"].as_str() != Some("0.00")
                        || b["payable_now"].as_str() != Some("0.00");
                    let credit = b["id"].as_str() == Some(CREDIT);
                    let changes = b["what_would_change"].as_array();
                    let all_possible = changes.is_none_or(|c| {
                        c.iter().all(|c| {
                            answers::can_change(
                                c["condition"].as_str().unwrap_or_default(),
                                c["possible"].as_bool() != Some(false),
                            )
                        })
                    });
                    // Something to have now: money payable now, a credit line, or a benefit
                    // that is not a sum the engine works out (a priority, an exemption, a
                    // referral, a course's subsidy).
                    let payable = b["payable_now"].as_str() != Some("0.00")
                        || credit
                        || !reckoned(b["id"].as_str().unwrap_or_default());
                    BenefitView {
                        id: s(&b["id"]),
                        name: s(&b["name"]),
                        eligible,
                        standing: Standing::of(eligible, payable, all_possible),
                        credit,
                        money,
                        amount: money_text(&b["amount"]),
                        payable_now: money_text(&b["payable_now"]),
                        payable_from: b["payable_from"].as_str().map(date_text),
                        reasons: b["reasons"]
                            .as_array()
                            .map(|r| r.iter().map(s).collect())
                            .unwrap_or_default(),
                        breakdown: b["breakdown"]
                            .as_array()
                            .map(|rows| rows.iter().map(row_text).collect())
                            .unwrap_or_default(),
                        changes: changes
                            .map(|c| c.iter().map(|c| s(&c["text"])).collect())
                            .unwrap_or_default(),
                        steps: answers::steps(changes.into_iter().flatten().filter_map(|c| {
                            c["condition"]
                                .as_str()
                                .map(|k| (k, c["possible"].as_bool() != Some(false)))
                        })),
                        citations: b["citations"]
                            .as_array()
                            .map(|c| c.iter().map(|c| (s(&c["clause"]), s(&c["text"]))).collect())
                            .unwrap_or_default(),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

fn row_text(r: &Value) -> String {
    if let Some(year) = r["year"].as_i64() {
        format!(
            "{year}年：限额{}，扣减增值税{}、城市维护建设税{}、教育费附加{}、地方教育附加{}、个人所得税{}，合计{}",
            money_text(&r["limit"]),
            money_text(&r["vat"]),
            money_text(&r["urban_maintenance_tax"]),
            money_text(&r["education_surcharge"]),
            money_text(&r["local_education_surcharge"]),
            money_text(&r["individual_income_tax"]),
            money_text(&r["total"])
        )
    } else if let Some(paid_on) = r["paid_on"].as_str() {
        // A back payment of pension contributions: its month, day, base and the verdict.
        format!(
            "{}的补缴（{}，缴费基数{}）：{}",
            month_words(r["month"].as_str().unwrap_or_default()),
            date_text(paid_on),
            money_text(&r["base"]),
            r["reason"].as_str().unwrap_or_default()
        )
    } else if let Some(m) = r["month"].as_str() {
        let mut t = format!("{}：", month_words(m));
        if r["paid"].is_string() {
            t.push_str(&format!(
                "实缴{}，补贴{}",
                money_text(&r["paid"]),
                money_text(&r["subsidy"])
            ));
        } else {
            t.push_str(&r.to_string());
        }
        t
    } else {
        r.to_string()
    }
}

async fn calculate(
    State(state): State<AppState>,
    ctx: Ctx,
    Form { value, data }: Form<CalculateForm>,
) -> Response {
    let form = PolicyForm {
        as_of: value.as_of,
        data,
    };
    let fail = |form: PolicyForm, field: String, message: String| {
        render(
            StatusCode::BAD_REQUEST,
            &page(
                &ctx,
                form,
                Errors(vec![(field, message.clone())]),
                Some(format!("填写有误：{message}")),
                vec![],
                None,
                String::new(),
            ),
        )
    };
    let facts_json = match facts_from(&form) {
        Ok(v) => v,
        Err((field, message)) => return fail(form, field, message),
    };
    let facts = match parse_facts(&facts_json.to_string()) {
        Ok(f) => f,
        Err(e) => {
            let field = field_of(&form, &e.path);
            return fail(form, field, e.message.clone());
        }
    };
    let determinations = state
        .svc
        .engine
        .screen(&facts, &ScreenOptions { trace: false });
    let d = serde_json::to_value(&determinations).unwrap_or(Value::Null);
    let results = views(&d);
    let summary = summary(&results, &d);
    let mut receipt = format!(
        "计算程序版本 {}；参数集摘要 {}；政策原文摘要 {}",
        d["receipt"]["engine_version"].as_str().unwrap_or_default(),
        d["receipt"]["parameters_sha256"]
            .as_str()
            .unwrap_or_default()
            .chars()
            .take(12)
            .collect::<String>(),
        d["receipt"]["policy_text_sha256"]
            .as_str()
            .unwrap_or_default()
            .chars()
            .take(12)
            .collect::<String>(),
    );
    let mut clauses: Vec<&str> = Vec::new();
    for b in &results {
        for (c, _) in &b.citations {
            if !clauses.contains(&c.as_str()) {
                clauses.push(c);
            }
        }
    }
    if !clauses.is_empty() {
        receipt.push_str("；引用条款 ");
        receipt.push_str(&clauses.join("、"));
    }
    // Parameters this province has set differently from the document (`[policy]
    // parameter_overrides`): the same ones staff decide with, named on the receipt.
    if !determinations.receipt.overrides.is_empty() {
        let words: Vec<String> = determinations
            .receipt
            .overrides
            .iter()
            .map(|o| override_words(&state.svc.engine, o))
            .collect();
        receipt.push_str("；本省调整的参数：");
        receipt.push_str(&words.join("；"));
    }
    let mut p = page(
        &ctx,
        form,
        Errors::default(),
        None,
        results,
        Some(summary),
        receipt,
    );
    // The answer stands without the links when the articles cannot be read.
    p.cases = CaseLinks::load(&state).await.unwrap_or_default();
    render(StatusCode::OK, &p)
}

pub struct ClauseView {
    /// The link to its published cases (相关案例) and how many there are.
    pub cases: Option<(String, i64)>,
    pub id: String,
    pub part: &'static str,
    pub title: &'static str,
    pub text: &'static str,
    pub rules: Vec<String>,
}

#[derive(Template)]
#[template(path = "public/policy_text.html")]
struct TextPage {
    ctx: PageCtx,
    clauses: Vec<ClauseView>,
    text_hash: String,
}

async fn text(State(state): State<AppState>, ctx: Ctx) -> Response {
    let cases = CaseLinks::load(&state).await.unwrap_or_default();
    let clauses = policy_clauses()
        .iter()
        .map(|c| ClauseView {
            cases: cases.href(&c.id).map(|h| (h, cases.count(&c.id))),
            id: c.id.clone(),
            part: c.part,
            title: c.title,
            text: c.text,
            rules: rules()
                .iter()
                .filter(|r| r.clauses.contains(&c.id.as_str()))
                .map(|r| format!("{}（{}）", r.name, r.id))
                .collect(),
        })
        .collect();
    render(
        StatusCode::OK,
        &TextPage {
            ctx: PageCtx::new(&ctx, "政策原文", "/policy/text"),
            clauses,
            text_hash: linghuo_policy::clauses::policy_text_sha256(),
        },
    )
}

/// A parameter override in words, e.g. "一次性创业补贴：每带动一人就业的补贴标准为800.00元
/// （2019年1月1日起）"; as written when it cannot be read back (it always can: the engine
/// accepted it).
fn override_words(engine: &linghuo_policy::Engine, text: &str) -> String {
    let Ok(o) = linghuo_policy::ParamOverride::parse(text) else {
        return text.into();
    };
    let Some(p) = engine.parameters().iter().find(|p| p.name == o.name) else {
        return text.into();
    };
    let value = linghuo_policy::Value::parse(p.unit, &o.value).map_or(o.value.clone(), |v| v.zh());
    format!(
        "{}为{}（{}起）",
        p.description,
        value,
        linghuo_policy::calendar::zh_date(o.effective_from)
    )
}
