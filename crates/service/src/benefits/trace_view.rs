//! The engine's trace of a decision (every condition evaluated, every parameter read, every
//! reading relied on), stored with the decision, in words for the staff application page:
//! fact paths and codes become their Chinese names, parameters their descriptions with the
//! value, the period it is in force and the clause.

use linghuo_policy::facts::{ActivityKind, BusinessKind, FlexibleWork, Group, LoanPurpose};
use linghuo_policy::{Engine, Value};
use serde::Serialize;
use serde_json::Value as Json;

/// One line of a trace: its depth in the tree (0 = the benefit), whether it held (None for
/// parameters, readings and computations) and what it says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TraceLine {
    pub depth: usize,
    pub held: Option<bool>,
    /// 条件, 全部满足, 满足其一, 参数, 计算, 解读 or 待遇.
    pub kind: String,
    pub text: String,
}

/// The Chinese name of a fact path the rules look at.
fn fact_name(path: &str) -> Option<&'static str> {
    Some(match path {
        "as_of" => "判定日期",
        "person.groups" => "人员类别",
        "person.groups包含hard_to_employ" => "属于就业困难人员",
        "person.groups包含platform_worker" => "属于平台就业人员",
        "person.left_school_on" => "离校日期",
        "person.unemployment_registered_on" => "失业登记日期",
        "person.flexible_work" => "灵活就业形式",
        "person.in_difficulty" => "基本生活陷入困境",
        "business" => "经营主体",
        "business.kind" => "经营主体类型",
        "business.registered_on" => "经营主体登记日期",
        "business.first_time" => "首次创业",
        "business.operating_normally" => "正常经营",
        "business.employees_driven" => "带动就业人数",
        "business.road_occupation_approved" => "经批准占道经营",
        "business.rents_state_owned_property" => "承租国有房屋",
        "loan.purpose" => "贷款用途",
        "startup_subsidy_paid" => "已领取的一次性创业补贴",
        "activity.kind" => "经营活动",
        "activity.needs_permit" => "依法须取得许可",
        "training.enrolled_approved_course" => "参加经认定的培训",
        "training.wants_to_start_business" => "有创业意愿",
        "pension.unpaid_2020_months" => "2020年未缴费月度",
        "hires" => "用工登记笔数",
        _ => return None,
    })
}

/// A value as people read it: codes by their names, yes/no, dates in Chinese.
fn value_words(v: &str) -> String {
    match v {
        "true" => return "是".into(),
        "false" => return "否".into(),
        _ => {}
    }
    if let Some(g) = Group::from_code(v) {
        return g.zh().into();
    }
    if let Some(k) = BusinessKind::from_code(v) {
        return k.zh().into();
    }
    if let Some(w) = FlexibleWork::from_code(v) {
        return w.zh().into();
    }
    if let Some(p) = LoanPurpose::from_code(v) {
        return p.zh().into();
    }
    if let Some(a) = ActivityKind::from_code(v) {
        return a.zh().into();
    }
    if let Some(d) = linghuo_policy::calendar::parse_date(v) {
        return linghuo_policy::calendar::zh_date(d);
    }
    v.into()
}

fn has_latin(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_alphabetic())
}

/// The node's values in words: "离校日期：2026年7月1日；判定日期：2026年3月1日".
fn values_words(values: Option<&serde_json::Map<String, Json>>) -> String {
    let Some(values) = values else {
        return String::new();
    };
    values
        .iter()
        .filter_map(|(k, v)| {
            let name = match fact_name(k) {
                Some(n) => n.to_string(),
                None if !has_latin(k) => k.clone(),
                None => return None,
            };
            let v = v.as_str().map(value_words).unwrap_or_else(|| v.to_string());
            (!has_latin(&v)).then(|| format!("{name}：{v}"))
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// The lines of a stored trace, depth first.
pub fn trace_lines(engine: &Engine, trace: &Json) -> Vec<TraceLine> {
    let mut out = Vec::new();
    walk(engine, trace, 0, &mut out);
    out
}

fn walk(engine: &Engine, n: &Json, depth: usize, out: &mut Vec<TraceLine>) {
    let kind = n["kind"].as_str().unwrap_or_default();
    let label = n["label"].as_str().unwrap_or_default();
    let held = n["held"].as_bool();
    let values = values_words(n["values"].as_object());
    let with_values = |t: &str| {
        if values.is_empty() {
            t.to_string()
        } else {
            format!("{t}（{values}）")
        }
    };
    let (kind_words, text) = match kind {
        "rule" => (
            "待遇",
            linghuo_policy::rules()
                .iter()
                .find(|r| r.id == label)
                .map_or_else(|| "政策待遇".to_string(), |r| r.name.to_string()),
        ),
        "all" => ("全部满足", with_values(label)),
        "any" => ("满足其一", with_values(label)),
        "condition" => ("条件", with_values(label)),
        "computation" => ("计算", with_values(label)),
        "reading" => (
            "解读",
            linghuo_policy::readings::ALL
                .iter()
                .find(|r| r.id == label)
                .map_or_else(
                    || "本平台对政策条文的解读".to_string(),
                    |r| r.text.to_string(),
                ),
        ),
        "parameter" => ("参数", parameter_words(engine, &n["parameter"])),
        _ => ("", with_values(label)),
    };
    if !text.is_empty() && !has_latin(&text) {
        out.push(TraceLine {
            depth,
            held,
            kind: kind_words.into(),
            text,
        });
    }
    for c in n["children"].as_array().into_iter().flatten() {
        walk(engine, c, depth + 1, out);
    }
}

/// "每户每年扣减限额：14,400.00元（2019年1月1日起，二(一)）", or that it is not configured.
fn parameter_words(engine: &Engine, p: &Json) -> String {
    let name = p["name"].as_str().unwrap_or_default();
    let Some(param) = engine.parameters().iter().find(|x| x.name == name) else {
        return String::new();
    };
    let value = p["value"]
        .as_str()
        .and_then(|v| Value::parse(param.unit, v))
        .map(Value::zh);
    let Some(value) = value else {
        return format!(
            "{}：未配置（须由工作人员依据正式公布的文件录入）",
            param.description
        );
    };
    let date = |k: &str| {
        p[k].as_str()
            .and_then(linghuo_policy::calendar::parse_date)
            .map(linghuo_policy::calendar::zh_date)
    };
    let period = match (date("effective_from"), date("effective_to")) {
        (Some(f), Some(t)) => format!("{f}至{t}"),
        (Some(f), None) => format!("{f}起"),
        _ => String::new(),
    };
    let clause = p["clause"].as_str().unwrap_or_default();
    format!(
        "{}：{}（{}{}{}）",
        param.description,
        value,
        period,
        if period.is_empty() || clause.is_empty() {
            ""
        } else {
            "，"
        },
        clause
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use linghuo_policy::{ScreenOptions, parse_facts};

    #[test]
    fn a_graduate_before_leaving_school_reads_in_words() {
        let engine = Engine::new();
        let facts = parse_facts(
            r#"{"as_of": "2026-03-01", "person": {"groups": ["college_graduate"], "left_school_on": "2026-07-01"}}"#,
        )
        .unwrap();
        let d = engine.screen(&facts, &ScreenOptions { trace: true });
        let b = d.benefit("guaranteed_loan").unwrap();
        let json = serde_json::to_value(b.trace.as_ref().unwrap()).unwrap();
        let lines = trace_lines(&engine, &json);
        assert_eq!(lines[0].text, "创业担保贷款");
        assert!(lines.iter().any(|l| l.held == Some(false)
            && l.text.contains("离校日期：2026年7月1日")
            && l.text.contains("判定日期：2026年3月1日")));
        assert!(
            lines
                .iter()
                .any(|l| l.kind == "参数" && l.text.contains("300,000.00元"))
        );
        assert!(lines.iter().all(|l| !has_latin(&l.text)), "{lines:#?}");
    }
}
