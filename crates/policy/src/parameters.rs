//! Time-versioned parameters: every number the rules use, with the period it is
//! in force, its unit, the clause that set it and a note, loaded from the
//! embedded `data/parameters.toml`. Evaluation looks values up for the as-of
//! date through a precomputed table of periods, so a lookup is one binary
//! search however many versions there are.

use crate::calendar::{day_number, parse_date};
use crate::money::Fen;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fmt;

const PARAMETERS_TOML: &str = include_str!("../data/parameters.toml");

/// Every parameter the rules read. The TOML must declare exactly these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Param {
    TaxAnnualLimit,
    TaxWindowMonths,
    TaxUnemploymentMinMonths,
    StartupPerPerson,
    StartupCap,
    StartupAdvanceAfterMonths,
    StartupAdvancePercent,
    StartupFullAfterMonths,
    StartupGraduateWindowMonths,
    SiShare,
    SiHardToEmployMonths,
    SiGraduateMonths,
    SiGraduateWindowMonths,
    LoanCeiling,
    PensionDeferrableYear,
    PensionBackPaymentDeadline,
    PensionBaseLower,
    PensionBaseUpper,
    AssistanceRecentRegistrationMonths,
}

pub(crate) const PARAM_COUNT: usize = 19;

impl Param {
    pub const ALL: [Param; PARAM_COUNT] = [
        Param::TaxAnnualLimit,
        Param::TaxWindowMonths,
        Param::TaxUnemploymentMinMonths,
        Param::StartupPerPerson,
        Param::StartupCap,
        Param::StartupAdvanceAfterMonths,
        Param::StartupAdvancePercent,
        Param::StartupFullAfterMonths,
        Param::StartupGraduateWindowMonths,
        Param::SiShare,
        Param::SiHardToEmployMonths,
        Param::SiGraduateMonths,
        Param::SiGraduateWindowMonths,
        Param::LoanCeiling,
        Param::PensionDeferrableYear,
        Param::PensionBackPaymentDeadline,
        Param::PensionBaseLower,
        Param::PensionBaseUpper,
        Param::AssistanceRecentRegistrationMonths,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Param::TaxAnnualLimit => "tax_deduction.annual_limit",
            Param::TaxWindowMonths => "tax_deduction.window_months",
            Param::TaxUnemploymentMinMonths => "tax_deduction.unemployment_min_months",
            Param::StartupPerPerson => "startup_subsidy.per_person",
            Param::StartupCap => "startup_subsidy.cap",
            Param::StartupAdvanceAfterMonths => "startup_subsidy.advance_after_months",
            Param::StartupAdvancePercent => "startup_subsidy.advance_percent",
            Param::StartupFullAfterMonths => "startup_subsidy.full_after_months",
            Param::StartupGraduateWindowMonths => "startup_subsidy.graduate_window_months",
            Param::SiShare => "social_insurance_subsidy.share",
            Param::SiHardToEmployMonths => "social_insurance_subsidy.hard_to_employ_months",
            Param::SiGraduateMonths => "social_insurance_subsidy.graduate_months",
            Param::SiGraduateWindowMonths => "social_insurance_subsidy.graduate_window_months",
            Param::LoanCeiling => "guaranteed_loan.individual_ceiling",
            Param::PensionDeferrableYear => "pension_deferral.deferrable_year",
            Param::PensionBackPaymentDeadline => "pension_deferral.back_payment_deadline",
            Param::PensionBaseLower => "pension_deferral.base_lower_2021",
            Param::PensionBaseUpper => "pension_deferral.base_upper_2021",
            Param::AssistanceRecentRegistrationMonths => {
                "assistance_referral.recent_registration_months"
            }
        }
    }

    pub fn unit(self) -> Unit {
        match self {
            Param::TaxAnnualLimit
            | Param::StartupPerPerson
            | Param::StartupCap
            | Param::LoanCeiling
            | Param::PensionBaseLower
            | Param::PensionBaseUpper => Unit::Yuan,
            Param::StartupAdvancePercent => Unit::Percent,
            Param::SiShare => Unit::Ratio,
            Param::PensionDeferrableYear => Unit::Year,
            Param::PensionBackPaymentDeadline => Unit::Date,
            _ => Unit::Months,
        }
    }

    pub fn from_name(s: &str) -> Option<Param> {
        Param::ALL.into_iter().find(|p| p.name() == s)
    }
}

/// The unit a parameter's values are in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Money, written `"14400.00"`.
    Yuan,
    /// A number of calendar months.
    Months,
    /// A whole percentage, `50` for 50%.
    Percent,
    /// A fraction, written `"2/3"`.
    Ratio,
    /// A calendar year.
    Year,
    /// A day, `"2021-12-31"`.
    Date,
}

impl Unit {
    pub fn code(self) -> &'static str {
        match self {
            Unit::Yuan => "yuan",
            Unit::Months => "months",
            Unit::Percent => "percent",
            Unit::Ratio => "ratio",
            Unit::Year => "year",
            Unit::Date => "date",
        }
    }
}

/// One parameter value, typed by its unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    Money(Fen),
    Months(u32),
    Percent(u32),
    Ratio(i64, i64),
    Year(i32),
    Date(NaiveDate),
}

impl Value {
    /// Parses a value written as text (the form `--set` uses).
    pub fn parse(unit: Unit, s: &str) -> Option<Value> {
        match unit {
            Unit::Yuan => Fen::parse(s).ok().map(Value::Money),
            Unit::Months => s.parse().ok().map(Value::Months),
            Unit::Percent => s.parse().ok().filter(|p| *p <= 100).map(Value::Percent),
            Unit::Year => s.parse().ok().map(Value::Year),
            Unit::Date => parse_date(s).map(Value::Date),
            Unit::Ratio => {
                let (n, d) = s.split_once('/')?;
                let (n, d): (i64, i64) = (n.trim().parse().ok()?, d.trim().parse().ok()?);
                (n >= 0 && d > 0).then_some(Value::Ratio(n, d))
            }
        }
    }

    fn from_toml(unit: Unit, v: &toml::Value) -> Option<Value> {
        match v {
            toml::Value::String(s) => Value::parse(unit, s),
            toml::Value::Integer(i) => Value::parse(unit, &i.to_string()),
            _ => None,
        }
    }

    /// For people: `14,400.00元`, `36个月`, `50%`, `2/3`, `2021年12月31日`.
    pub fn zh(self) -> String {
        match self {
            Value::Money(f) => f.yuan_text(),
            Value::Months(m) => format!("{m}个月"),
            Value::Percent(p) => format!("{p}%"),
            Value::Ratio(n, d) => format!("{n}/{d}"),
            Value::Year(y) => format!("{y}年"),
            Value::Date(d) => crate::calendar::zh_date(d),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Money(x) => write!(f, "{x}"),
            Value::Months(m) => write!(f, "{m}"),
            Value::Percent(p) => write!(f, "{p}"),
            Value::Ratio(n, d) => write!(f, "{n}/{d}"),
            Value::Year(y) => write!(f, "{y}"),
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One value of a parameter and the period it is in force.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Version {
    pub value: Value,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    /// Clause of 晋政办发〔2020〕89号 that the value implements, e.g. `二(一)`.
    pub clause: String,
    /// Who set it: a document, or `--set` for an overlay.
    pub source: String,
    pub note: String,
}

impl Version {
    pub fn in_force_on(&self, d: NaiveDate) -> bool {
        self.effective_from <= d && self.effective_to.is_none_or(|t| d <= t)
    }

    /// `2020年11月19日起` or `2019年1月1日至2020年11月18日`.
    pub fn period_zh(&self) -> String {
        use crate::calendar::zh_date;
        match self.effective_to {
            Some(t) => format!("{}至{}", zh_date(self.effective_from), zh_date(t)),
            None => format!("{}起", zh_date(self.effective_from)),
        }
    }
}

/// A parameter with all its versions, in the order they take effect.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Parameter {
    pub name: String,
    pub unit: Unit,
    pub description: String,
    /// Set when the value is this platform's reading of open text, not a
    /// number the text states.
    pub interpretation: bool,
    pub note: String,
    pub versions: Vec<Version>,
}

/// Why parameters or an overlay were refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParamError {
    pub code: &'static str,
    pub message: String,
}

fn perr(code: &'static str, message: String) -> ParamError {
    ParamError { code, message }
}

/// `--set name=value@YYYY-MM-DD`: a new version of a parameter in force from
/// that day on, replacing for the run every version that would be in force on
/// or after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamOverride {
    pub name: String,
    pub value: String,
    pub effective_from: NaiveDate,
    /// Where the value comes from: the document that published it (`…|来源` in the
    /// configuration), or who set it (an approved correction). Default: `--set …`, a
    /// what-if overlay.
    pub source: Option<String>,
    /// The version's note (default: names the source, or says it is a what-if overlay).
    pub note: Option<String>,
}

impl ParamOverride {
    pub fn parse(s: &str) -> Result<ParamOverride, ParamError> {
        let bad = || {
            perr(
                "invalid_override",
                format!(
                    "参数覆盖“{s}”格式错误，应为 名称=值@YYYY-MM-DD（可加 |来源文件），如 guaranteed_loan.individual_ceiling=500000.00@2021-01-01"
                ),
            )
        };
        let (s, source) = match s.split_once('|') {
            Some((main, src)) if !src.trim().is_empty() => (main, Some(src.trim().to_string())),
            Some(_) => return Err(bad()),
            None => (s, None),
        };
        let (name, rest) = s.split_once('=').ok_or_else(bad)?;
        let (value, date) = rest.rsplit_once('@').ok_or_else(bad)?;
        let effective_from = parse_date(date.trim()).ok_or_else(bad)?;
        Ok(ParamOverride {
            name: name.trim().to_string(),
            value: value.trim().to_string(),
            effective_from,
            source,
            note: None,
        })
    }

    /// The same override with where it comes from and a note, shown with the version it
    /// makes (a configured value, an approved correction) instead of the what-if wording.
    pub fn described(mut self, source: impl Into<String>, note: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self.note = Some(note.into());
        self
    }
}

impl fmt::Display for ParamOverride {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}={}@{}",
            self.name,
            self.value,
            self.effective_from.format("%Y-%m-%d")
        )?;
        match &self.source {
            Some(src) => write!(f, "|{src}"),
            None => Ok(()),
        }
    }
}

/// The values of every parameter during one stretch of days.
#[derive(Clone, Debug)]
pub(crate) struct Period {
    pub start_day: i32,
    pub values: [Option<Value>; PARAM_COUNT],
    /// Index into the parameter's versions of the value in force.
    pub versions: [Option<u16>; PARAM_COUNT],
}

/// All parameters, and the precomputed periods lookups use.
#[derive(Clone, Debug)]
pub(crate) struct ParamTable {
    pub params: Vec<Parameter>,
    pub periods: Vec<Period>,
    pub sha256: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    parameter: Vec<RawParam>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParam {
    name: String,
    unit: Unit,
    description: String,
    #[serde(default)]
    interpretation: bool,
    #[serde(default)]
    note: String,
    #[serde(default)]
    versions: Vec<RawVersion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVersion {
    value: toml::Value,
    effective_from: String,
    effective_to: Option<String>,
    clause: String,
    source: String,
    note: String,
}

impl ParamTable {
    /// The embedded parameters.
    pub fn embedded() -> Result<ParamTable, ParamError> {
        ParamTable::from_toml(PARAMETERS_TOML)
    }

    pub fn from_toml(text: &str) -> Result<ParamTable, ParamError> {
        let raw: RawFile = toml::from_str(text)
            .map_err(|e| perr("invalid_parameters", format!("参数文件无法解析：{e}")))?;
        let mut params: Vec<Option<Parameter>> = vec![None; PARAM_COUNT];
        for rp in raw.parameter {
            let p = Param::from_name(&rp.name).ok_or_else(|| {
                perr(
                    "unknown_parameter",
                    format!("参数文件中的“{}”没有任何规则读取（未使用的参数）", rp.name),
                )
            })?;
            if rp.unit != p.unit() {
                return Err(perr(
                    "wrong_unit",
                    format!("参数“{}”的单位应为{}", rp.name, p.unit().code()),
                ));
            }
            let mut versions = Vec::new();
            for v in rp.versions {
                let value = Value::from_toml(rp.unit, &v.value).ok_or_else(|| {
                    perr(
                        "invalid_value",
                        format!("参数“{}”的取值{}无效", rp.name, v.value),
                    )
                })?;
                let d = |s: &str| {
                    parse_date(s).ok_or_else(|| {
                        perr("invalid_date", format!("参数“{}”的日期“{s}”无效", rp.name))
                    })
                };
                versions.push(Version {
                    value,
                    effective_from: d(&v.effective_from)?,
                    effective_to: v.effective_to.as_deref().map(d).transpose()?,
                    clause: v.clause,
                    source: v.source,
                    note: v.note,
                });
            }
            let slot = &mut params[p as usize];
            if slot.is_some() {
                return Err(perr(
                    "duplicate_parameter",
                    format!("参数“{}”重复定义", rp.name),
                ));
            }
            *slot = Some(Parameter {
                name: rp.name,
                unit: rp.unit,
                description: rp.description,
                interpretation: rp.interpretation,
                note: rp.note,
                versions,
            });
        }
        let mut out = Vec::with_capacity(PARAM_COUNT);
        for (i, p) in params.into_iter().enumerate() {
            out.push(p.ok_or_else(|| {
                perr(
                    "missing_parameter",
                    format!("参数文件缺少规则读取的参数“{}”", Param::ALL[i].name()),
                )
            })?);
        }
        ParamTable::build(out)
    }

    fn build(params: Vec<Parameter>) -> Result<ParamTable, ParamError> {
        let mut breaks: Vec<NaiveDate> = Vec::new();
        for p in &params {
            let mut vs: Vec<&Version> = p.versions.iter().collect();
            vs.sort_by_key(|v| v.effective_from);
            for w in vs.windows(2) {
                if w[0].effective_to.is_none_or(|t| t >= w[1].effective_from) {
                    return Err(perr(
                        "overlapping_versions",
                        format!("参数“{}”的生效期间重叠", p.name),
                    ));
                }
            }
            for v in &p.versions {
                if v.effective_to.is_some_and(|t| t < v.effective_from) {
                    return Err(perr(
                        "invalid_period",
                        format!("参数“{}”的失效日期早于生效日期", p.name),
                    ));
                }
                breaks.push(v.effective_from);
                if let Some(t) = v.effective_to.and_then(|t| t.succ_opt()) {
                    breaks.push(t);
                }
            }
        }
        breaks.sort();
        breaks.dedup();
        let mut periods = vec![Period {
            start_day: i32::MIN,
            values: [None; PARAM_COUNT],
            versions: [None; PARAM_COUNT],
        }];
        for b in breaks {
            let mut period = Period {
                start_day: day_number(b),
                values: [None; PARAM_COUNT],
                versions: [None; PARAM_COUNT],
            };
            for (i, p) in params.iter().enumerate() {
                if let Some(vi) = p.versions.iter().position(|v| v.in_force_on(b)) {
                    period.values[i] = Some(p.versions[vi].value);
                    period.versions[i] = Some(vi as u16);
                }
            }
            periods.push(period);
        }
        let canonical = serde_json::to_string(&params).unwrap_or_default();
        let sha256 = hex::encode(Sha256::digest(canonical.as_bytes()));
        Ok(ParamTable {
            params,
            periods,
            sha256,
        })
    }

    /// A copy with the overlays applied.
    pub fn with_overrides(&self, overrides: &[ParamOverride]) -> Result<ParamTable, ParamError> {
        let mut params = self.params.clone();
        for o in overrides {
            let p = Param::from_name(&o.name).ok_or_else(|| {
                perr(
                    "unknown_parameter",
                    format!(
                        "没有名为“{}”的参数，可用参数：{}",
                        o.name,
                        Param::ALL.map(Param::name).join("、")
                    ),
                )
            })?;
            let value = Value::parse(p.unit(), &o.value).ok_or_else(|| {
                perr(
                    "invalid_value",
                    format!(
                        "参数“{}”的单位是{}，值“{}”无效",
                        o.name,
                        p.unit().code(),
                        o.value
                    ),
                )
            })?;
            let param = &mut params[p as usize];
            let clause = param
                .versions
                .last()
                .map(|v| v.clause.clone())
                .unwrap_or_default();
            let from = o.effective_from;
            param.versions.retain(|v| v.effective_from < from);
            for v in &mut param.versions {
                if v.effective_to.is_none_or(|t| t >= from) {
                    v.effective_to = from.pred_opt();
                }
            }
            param.versions.push(Version {
                value,
                effective_from: from,
                effective_to: None,
                clause,
                source: o.source.clone().unwrap_or_else(|| format!("--set {o}")),
                note: match (&o.note, &o.source) {
                    (Some(n), _) => n.clone(),
                    (None, Some(src)) => format!("依据{src}配置的取值"),
                    (None, None) => "本次运行的参数覆盖（what-if），不是已发布的参数".to_string(),
                },
            });
        }
        ParamTable::build(params)
    }

    /// The period in force on a day.
    #[inline]
    pub fn period(&self, d: NaiveDate) -> &Period {
        let day = day_number(d);
        let i = self.periods.partition_point(|p| p.start_day <= day);
        &self.periods[i - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn loan_ceiling_changes_on_the_signing_day() {
        let t = ParamTable::embedded().unwrap();
        let i = Param::LoanCeiling as usize;
        assert_eq!(
            t.period(d("2020-11-18")).values[i],
            Some(Value::Money(Fen::yuan(150_000)))
        );
        assert_eq!(
            t.period(d("2020-11-19")).values[i],
            Some(Value::Money(Fen::yuan(300_000)))
        );
    }

    #[test]
    fn refuses_unused_missing_and_overlapping_parameters() {
        let base = PARAMETERS_TOML;
        let extra = format!(
            "{base}\n[[parameter]]\nname = \"nobody.reads\"\nunit = \"months\"\ndescription = \"x\"\n"
        );
        assert_eq!(
            ParamTable::from_toml(&extra).unwrap_err().code,
            "unknown_parameter"
        );
        let cut = base.replace(
            "name = \"assistance_referral.recent_registration_months\"",
            "name = \"guaranteed_loan.individual_ceiling\"",
        );
        assert!(ParamTable::from_toml(&cut).is_err());
        let overlap = base.replace(
            "effective_to = \"2020-11-18\"",
            "effective_to = \"2020-11-19\"",
        );
        assert_eq!(
            ParamTable::from_toml(&overlap).unwrap_err().code,
            "overlapping_versions"
        );
    }

    #[test]
    fn pension_bounds_are_unset() {
        let t = ParamTable::embedded().unwrap();
        let p = t.period(d("2021-06-01"));
        assert_eq!(p.values[Param::PensionBaseLower as usize], None);
        assert_eq!(p.values[Param::PensionBaseUpper as usize], None);
    }

    #[test]
    fn overlay_replaces_from_its_day() {
        let t = ParamTable::embedded().unwrap();
        let o = ParamOverride::parse("guaranteed_loan.individual_ceiling=500000.00@2021-01-01")
            .unwrap();
        let t2 = t.with_overrides(&[o]).unwrap();
        let i = Param::LoanCeiling as usize;
        assert_eq!(
            t2.period(d("2020-12-31")).values[i],
            Some(Value::Money(Fen::yuan(300_000)))
        );
        assert_eq!(
            t2.period(d("2021-01-01")).values[i],
            Some(Value::Money(Fen::yuan(500_000)))
        );
        assert_ne!(t.sha256, t2.sha256);
        assert!(ParamOverride::parse("x=1").is_err());
        assert!(
            t.with_overrides(&[ParamOverride::parse("nope=1@2021-01-01").unwrap()])
                .is_err()
        );
        assert!(
            t.with_overrides(
                &[ParamOverride::parse("startup_subsidy.cap=abc@2021-01-01").unwrap()]
            )
            .is_err()
        );
    }
}
