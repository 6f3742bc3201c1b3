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
    pub money: bool,
    pub amount: String,
    pub payable_now: String,
    pub payable_from: Option<String>,
    pub reasons: Vec<String>,
    pub breakdown: Vec<String>,
    pub changes: Vec<String>,
    pub citations: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "public/policy.html")]
struct CalculatorPage {
    ctx: PageCtx,
    form: PolicyForm,
    errors: Errors,
    error: Option<String>,
    results: Vec<BenefitView>,
    as_of_text: String,
    receipt: String,
    groups: &'static [(&'static str, &'static str)],
    flexible_options: Vec<(&'static str, &'static str)>,
    business_options: Vec<(&'static str, &'static str)>,
    loan_options: Vec<(&'static str, &'static str)>,
    activity_options: Vec<(&'static str, &'static str)>,
    tax_fields: Vec<(&'static str, &'static str)>,
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
    receipt: String,
) -> CalculatorPage {
    CalculatorPage {
        ctx: PageCtx::new(ctx, "政策计算器", "/policy"),
        as_of_text: date_text(&form.as_of),
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
        &page(&ctx, form, Errors::default(), None, vec![], String::new()),
    )
}

/// "2021-07-15" → "2021年7月15日".
fn date_text(s: &str) -> String {
    match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => format!(
            "{}年{}月{}日",
            chrono::Datelike::year(&d),
            chrono::Datelike::month(&d),
            chrono::Datelike::day(&d)
        ),
        Err(_) => s.to_owned(),
    }
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
    for f in [
        "left_school_on",
        "unemployment_registered_on",
        "flexible_work",
    ] {
        if let Some(v) = text(f) {
            person.insert(f.into(), json!(v));
        }
    }
    if flag("in_difficulty") {
        person.insert("in_difficulty".into(), json!(true));
    }
    let mut facts = Map::new();
    facts.insert("as_of".into(), json!(form.as_of));
    facts.insert("person".into(), Value::Object(person));
    if let Some(kind) = text("business_kind") {
        let mut b = Map::new();
        b.insert("kind".into(), json!(kind));
        if let Some(d) = text("registered_on") {
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
        let start =
            chrono::NaiveDate::parse_from_str(&format!("{from}-01"), "%Y-%m-%d").map_err(|_| {
                (
                    "si_from".to_owned(),
                    "月份格式应为 YYYY-MM，例如 2021-01".to_owned(),
                )
            })?;
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
    if let Some(m) = text("unpaid_2020_months") {
        let months: Vec<&str> = m
            .split([',', '，', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        facts.insert("pension".into(), json!({"unpaid_2020_months": months}));
    }
    Ok(Value::Object(facts))
}

/// The form field a contract JSON path belongs to.
fn field_of(path: &str) -> String {
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

fn views(d: &Value) -> Vec<BenefitView> {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    d["benefits"]
        .as_array()
        .map(|bs| {
            bs.iter()
                .map(|b| BenefitView {
                    id: s(&b["id"]),
                    name: s(&b["name"]),
                    eligible: b["eligible"].as_bool().unwrap_or(false),
                    money: b["amount"].as_str() != Some("0.00")
                        || b["payable_now"].as_str() != Some("0.00"),
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
                    changes: b["what_would_change"]
                        .as_array()
                        .map(|c| c.iter().map(|c| s(&c["text"])).collect())
                        .unwrap_or_default(),
                    citations: b["citations"]
                        .as_array()
                        .map(|c| c.iter().map(|c| (s(&c["clause"]), s(&c["text"]))).collect())
                        .unwrap_or_default(),
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
    } else if let Some(m) = r["month"].as_str() {
        let mut t = format!("{m}：");
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
        Err(e) => return fail(form, field_of(&e.path), e.message.clone()),
    };
    let determinations = state
        .svc
        .engine
        .screen(&facts, &ScreenOptions { trace: false });
    let d = serde_json::to_value(&determinations).unwrap_or(Value::Null);
    let mut receipt = format!(
        "{}，参数集 {}，原文 {}",
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
    render(
        StatusCode::OK,
        &page(&ctx, form, Errors::default(), None, views(&d), receipt),
    )
}

pub struct ClauseView {
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

async fn text(ctx: Ctx) -> Response {
    let clauses = policy_clauses()
        .iter()
        .map(|c| ClauseView {
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
