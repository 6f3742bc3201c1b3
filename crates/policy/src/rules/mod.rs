//! The rules: one module per benefit, in the contract's order. Each rule is a
//! function of the facts, the parameters in force on the as-of day, and a
//! [`Recorder`] it reports to; it returns the [`Outcome`] (eligible, amount,
//! payable now). [`RULES`] says, per rule, which clauses it implements, which
//! sentences it quotes and which parameters it reads.

pub(crate) mod assistance_referral;
pub(crate) mod guaranteed_loan;
pub(crate) mod license_exemption;
pub(crate) mod pension_deferral;
pub(crate) mod rent_relief;
pub(crate) mod road_fee_exemption;
pub(crate) mod social_insurance_subsidy;
pub(crate) mod startup_subsidy;
pub(crate) mod tax_deduction;
pub(crate) mod training_subsidy;
pub(crate) mod venue_priority;

use crate::calendar::zh_date;
use crate::determination::{Change, Outcome};
use crate::facts::{Facts, Group, Groups};
use crate::money::Fen;
use crate::parameters::{Param, ParamTable, Period, Value};
use crate::readings;
use crate::trace::{ParamRead, Recorder, TraceNode};
use chrono::NaiveDate;

pub const RULE_COUNT: usize = 11;

/// A sentence a rule quotes: the one sentence of `clause` containing `phrase`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quote {
    pub clause: &'static str,
    pub phrase: &'static str,
}

/// What a rule is and what it rests on.
#[derive(Clone, Copy, Debug)]
pub struct RuleInfo {
    /// The benefit id of the contract, e.g. `tax_deduction`.
    pub id: &'static str,
    /// The benefit's Chinese name, e.g. `重点群体创业税收扣减`.
    pub name: &'static str,
    /// Clauses of 晋政办发〔2020〕89号 the rule implements.
    pub clauses: &'static [&'static str],
    /// The sentences its determinations quote.
    pub quotes: &'static [Quote],
    /// The parameters it reads.
    pub parameters: &'static [Param],
}

const fn q(clause: &'static str, phrase: &'static str) -> Quote {
    Quote { clause, phrase }
}

/// Every rule, in the contract's order.
pub static RULES: [RuleInfo; RULE_COUNT] = [
    RuleInfo {
        id: "tax_deduction",
        name: "重点群体创业税收扣减",
        clauses: &["二(一)"],
        quotes: &[q("二(一)", "每户每年14400元为限额")],
        parameters: &[
            Param::TaxAnnualLimit,
            Param::TaxWindowMonths,
            Param::TaxUnemploymentMinMonths,
        ],
    },
    RuleInfo {
        id: "startup_subsidy",
        name: "一次性创业补贴",
        clauses: &["二(一)"],
        quotes: &[
            q("二(一)", "给予一次性创业补贴"),
            q("二(一)", "可先行申领补贴资金的50%"),
        ],
        parameters: &[
            Param::StartupPerPerson,
            Param::StartupCap,
            Param::StartupAdvanceAfterMonths,
            Param::StartupAdvancePercent,
            Param::StartupFullAfterMonths,
            Param::StartupGraduateWindowMonths,
        ],
    },
    RuleInfo {
        id: "social_insurance_subsidy",
        name: "灵活就业社会保险补贴",
        clauses: &["二(二)"],
        quotes: &[q("二(二)", "给予社会保险补贴")],
        parameters: &[
            Param::SiShare,
            Param::SiHardToEmployMonths,
            Param::SiGraduateMonths,
            Param::SiGraduateWindowMonths,
        ],
    },
    RuleInfo {
        id: "guaranteed_loan",
        name: "创业担保贷款",
        clauses: &["二(一)", "二(三)"],
        quotes: &[
            q("二(一)", "由15万元提高至30万元"),
            q("二(三)", "可申请创业担保贷款及贴息"),
        ],
        parameters: &[Param::LoanCeiling],
    },
    RuleInfo {
        id: "pension_deferral",
        name: "养老保险缓缴与补缴",
        clauses: &["四(十一)"],
        quotes: &[
            q("四(十一)", "可自愿暂缓缴费"),
            q("四(十一)", "缴费年限累计计算"),
            q("四(十一)", "可于2021年年底前进行补缴"),
        ],
        parameters: &[
            Param::PensionDeferrableYear,
            Param::PensionBackPaymentDeadline,
            Param::PensionBaseLower,
            Param::PensionBaseUpper,
        ],
    },
    RuleInfo {
        id: "road_fee_exemption",
        name: "免征城市道路占用费",
        clauses: &["三(五)"],
        quotes: &[q("三(五)", "免征城市道路占用费")],
        parameters: &[],
    },
    RuleInfo {
        id: "rent_relief",
        name: "国有房屋租金减免",
        clauses: &["三(六)"],
        quotes: &[q("三(六)", "按规定减免房屋租金")],
        parameters: &[],
    },
    RuleInfo {
        id: "venue_priority",
        name: "免费经营场地优先",
        clauses: &["三(六)"],
        quotes: &[q("三(六)", "改造为免费经营场地")],
        parameters: &[],
    },
    RuleInfo {
        id: "license_exemption",
        name: "无须办理营业执照",
        clauses: &["三(四)"],
        quotes: &[q("三(四)", "无须办理营业执照")],
        parameters: &[],
    },
    RuleInfo {
        id: "training_subsidy",
        name: "职业培训补贴和生活费补贴",
        clauses: &["四(八)"],
        quotes: &[
            q("四(八)", "纳入创业培训范围"),
            q("四(八)", "按规定落实职业培训补贴和培训期间生活费补贴"),
        ],
        parameters: &[],
    },
    RuleInfo {
        id: "assistance_referral",
        name: "低保/临时救助转介",
        clauses: &["四(十一)"],
        quotes: &[
            q("四(十一)", "及时将符合条件的困难群众纳入低保范围"),
            q("四(十一)", "及时纳入临时救助范围"),
        ],
        parameters: &[Param::AssistanceRecentRegistrationMonths],
    },
];

/// Every rule, in the contract's order.
pub fn rules() -> &'static [RuleInfo] {
    &RULES
}

/// The groups served first when free community venues are allocated (三(六)), as the
/// `venue_priority` rule reads them; the service's allocation orders by the same list.
pub fn venue_priority_groups() -> &'static [Group] {
    &venue_priority::PRIORITY
}

/// Runs rule `i` of [`RULES`].
#[inline]
pub(crate) fn evaluate<R: Recorder>(i: usize, f: &Facts, cx: &Ctx, rec: &mut R) -> Outcome {
    match i {
        0 => tax_deduction::evaluate(f, cx, rec),
        1 => startup_subsidy::evaluate(f, cx, rec),
        2 => social_insurance_subsidy::evaluate(f, cx, rec),
        3 => guaranteed_loan::evaluate(f, cx, rec),
        4 => pension_deferral::evaluate(f, cx, rec),
        5 => road_fee_exemption::evaluate(f, cx, rec),
        6 => rent_relief::evaluate(f, cx, rec),
        7 => venue_priority::evaluate(f, cx, rec),
        8 => license_exemption::evaluate(f, cx, rec),
        9 => training_subsidy::evaluate(f, cx, rec),
        _ => assistance_referral::evaluate(f, cx, rec),
    }
}

/// What a rule sees besides the facts: the day and the parameters in force.
pub(crate) struct Ctx<'e> {
    pub as_of: NaiveDate,
    pub period: &'e Period,
    pub table: &'e ParamTable,
}

impl<'e> Ctx<'e> {
    pub fn new(table: &'e ParamTable, as_of: NaiveDate) -> Ctx<'e> {
        Ctx {
            as_of,
            period: table.period(as_of),
            table,
        }
    }

    /// Reads a parameter, reporting the read.
    #[inline]
    pub fn value<R: Recorder>(&self, p: Param, rec: &mut R) -> Option<Value> {
        rec.param(|| self.describe(p));
        self.period.values[p as usize]
    }

    /// The source named by the version of a parameter in force (the document it comes
    /// from), if any value is.
    pub fn source(&self, p: Param) -> Option<&'e str> {
        let param = &self.table.params[p as usize];
        self.period.versions[p as usize].map(|i| param.versions[i as usize].source.as_str())
    }

    fn describe(&self, p: Param) -> ParamRead {
        let param = &self.table.params[p as usize];
        let v = self.period.versions[p as usize].map(|i| &param.versions[i as usize]);
        ParamRead {
            name: p.name(),
            value: v.map(|v| v.value),
            unit: p.unit().code(),
            effective_from: v.map(|v| v.effective_from),
            effective_to: v.and_then(|v| v.effective_to),
            clause: v.map(|v| static_clause_id(&v.clause)),
        }
    }

    #[inline]
    pub fn money<R: Recorder>(&self, p: Param, rec: &mut R) -> Option<Fen> {
        match self.value(p, rec) {
            Some(Value::Money(f)) => Some(f),
            _ => None,
        }
    }

    #[inline]
    pub fn months<R: Recorder>(&self, p: Param, rec: &mut R) -> Option<u32> {
        match self.value(p, rec) {
            Some(Value::Months(m)) => Some(m),
            _ => None,
        }
    }

    #[inline]
    pub fn percent<R: Recorder>(&self, p: Param, rec: &mut R) -> Option<u32> {
        match self.value(p, rec) {
            Some(Value::Percent(m)) => Some(m),
            _ => None,
        }
    }

    #[inline]
    pub fn ratio<R: Recorder>(&self, p: Param, rec: &mut R) -> Option<(i64, i64)> {
        match self.value(p, rec) {
            Some(Value::Ratio(n, d)) => Some((n, d)),
            _ => None,
        }
    }

    #[inline]
    pub fn year<R: Recorder>(&self, p: Param, rec: &mut R) -> Option<i32> {
        match self.value(p, rec) {
            Some(Value::Year(y)) => Some(y),
            _ => None,
        }
    }

    #[inline]
    pub fn date<R: Recorder>(&self, p: Param, rec: &mut R) -> Option<NaiveDate> {
        match self.value(p, rec) {
            Some(Value::Date(d)) => Some(d),
            _ => None,
        }
    }
}

/// A clause id as a static string where it is one of the document's (it
/// always is for the embedded parameters), so traces do not copy it.
fn static_clause_id(id: &str) -> std::borrow::Cow<'static, str> {
    const IDS: &[&str] = &[
        "一",
        "二(一)",
        "二(二)",
        "二(三)",
        "三(四)",
        "三(五)",
        "三(六)",
        "四(七)",
        "四(八)",
        "四(九)",
        "四(十)",
        "四(十一)",
        "五(十二)",
        "五(十三)",
        "五(十四)",
    ];
    match IDS.iter().find(|x| **x == id) {
        Some(x) => std::borrow::Cow::Borrowed(x),
        None => std::borrow::Cow::Owned(id.to_string()),
    }
}

/// The outcome when a parameter the rule needs has no value on the day.
#[cold]
pub(crate) fn unavailable<R: Recorder>(p: Param, cx: &Ctx, rec: &mut R) -> Outcome {
    // Named by its description (in Chinese), never by its internal name.
    let what = || {
        cx.table
            .params
            .iter()
            .find(|q| q.name == p.name())
            .map_or("所需参数", |q| q.description.as_str())
            .to_string()
    };
    rec.reason(|| {
        format!(
            "“{}”在{}没有生效的取值，无法判定",
            what(),
            zh_date(cx.as_of)
        )
    });
    rec.change(|| Change {
        condition: "parameter_in_force",
        text: format!("需由管理员配置“{}”在该日期的取值", what()),
        possible: false,
        from: None,
    });
    Outcome::NOT_ELIGIBLE
}

/// Reads a parameter or returns [`unavailable`] from the rule.
macro_rules! need {
    ($cx:expr, $rec:expr, $getter:ident, $p:expr) => {
        match $cx.$getter($p, $rec) {
            Some(v) => v,
            None => return crate::rules::unavailable($p, $cx, $rec),
        }
    };
}
pub(crate) use need;

/// A trace condition node.
pub(crate) fn cond(label: impl Into<std::borrow::Cow<'static, str>>) -> TraceNode {
    TraceNode::new("condition", label)
}

/// A trace group every child of which must hold.
pub(crate) fn all(label: impl Into<std::borrow::Cow<'static, str>>) -> TraceNode {
    TraceNode::new("all", label)
}

/// A trace group one child of which must hold.
pub(crate) fn any(label: impl Into<std::borrow::Cow<'static, str>>) -> TraceNode {
    TraceNode::new("any", label)
}

/// An optional fact as a trace value (`（未提供）` when absent).
pub(crate) fn show<T: Into<crate::trace::TraceValue>>(v: Option<T>) -> crate::trace::TraceValue {
    v.map_or(crate::trace::TraceValue::Missing, Into::into)
}

/// The person's groups as of the day: `held` are the groups that count, `pending` the
/// groups the rule looks at whose dated fact (离校日期, 失业登记日期) lies after the as-of day,
/// so that the fact has not happened yet and the group does not count yet.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GroupsAsOf {
    pub held: Groups,
    pub pending: Groups,
}

/// The dated fact that makes a group: the graduate's leaving day, the registered unemployed
/// person's registration day.
fn group_date(f: &Facts, g: Group) -> Option<NaiveDate> {
    match g {
        Group::CollegeGraduate => f.person.left_school_on,
        Group::RegisteredUnemployed => f.person.unemployment_registered_on,
        _ => None,
    }
}

/// What the dated fact of a group is called, and what happens on that day.
fn group_date_words(g: Group) -> (&'static str, &'static str) {
    match g {
        Group::CollegeGraduate => ("离校日期", "离校"),
        _ => ("失业登记日期", "登记失业"),
    }
}

/// A person's groups as of the day, under the reading that a fact dated after the as-of day
/// has not happened yet (`facts_after_as_of_not_yet`): a graduate whose leaving day is still
/// to come is not yet a graduate, nor a person whose unemployment registration begins later
/// registered unemployed. For each such group in `relevant` this records why ("离校日期2026年
/// 7月1日还未到"), a failed trace condition, the reading, and what would change: `then`
/// answers whether the group, once the day has come, would meet this rule (`Ok`) or why not
/// (`Err`), or `None` for no change to record.
pub(crate) fn groups_as_of<R: Recorder>(
    f: &Facts,
    cx: &Ctx,
    rec: &mut R,
    relevant: &[Group],
    then: impl Fn(Group, NaiveDate) -> Option<Result<(), &'static str>>,
) -> GroupsAsOf {
    let mut held = f.person.groups;
    let mut pending = Groups::default();
    for g in [Group::CollegeGraduate, Group::RegisteredUnemployed] {
        let Some(d) = group_date(f, g) else {
            continue;
        };
        if !held.contains(g) || d <= cx.as_of {
            continue;
        }
        held.0 &= !(1 << g as u16);
        if !relevant.contains(&g) {
            continue;
        }
        pending.insert(g);
        let (what, event) = group_date_words(g);
        rec.reading(&readings::FACTS_AFTER_AS_OF_NOT_YET);
        rec.cond(false, || {
            cond(format!("{}：判定日期时已{event}", g.zh()))
                .val(
                    if g == Group::CollegeGraduate {
                        "person.left_school_on"
                    } else {
                        "person.unemployment_registered_on"
                    },
                    d,
                )
                .val("as_of", cx.as_of)
        });
        rec.reason(|| {
            format!(
                "{what}{}还未到（判定日期为{}），尚不能按{}认定",
                zh_date(d),
                zh_date(cx.as_of),
                g.zh()
            )
        });
        match then(g, d) {
            Some(Ok(())) => rec.change(|| Change {
                condition: if g == Group::CollegeGraduate {
                    "left_school"
                } else {
                    "unemployment_registered"
                },
                text: format!("自{}{event}后，可按{}重新判定", zh_date(d), g.zh()),
                possible: true,
                from: Some(d),
            }),
            Some(Err(why)) => rec.change(|| Change {
                condition: if g == Group::CollegeGraduate {
                    "left_school"
                } else {
                    "unemployment_registered"
                },
                text: format!("{}{event}后也不符合：{why}", zh_date(d)),
                possible: false,
                from: None,
            }),
            None => {}
        }
    }
    GroupsAsOf { held, pending }
}

/// A business registered after the as-of day does not exist yet
/// (`business_exists_on_as_of`): records why, for the rules that read a business without
/// other conditions on its dates. `false` when the business is registered later.
pub(crate) fn business_not_yet<R: Recorder>(
    f: &Facts,
    cx: &Ctx,
    rec: &mut R,
    what: &'static str,
) -> bool {
    let Some(r) = f.business.as_ref().and_then(|b| b.registered_on) else {
        return false;
    };
    if r <= cx.as_of {
        return false;
    }
    rec.reading(&readings::BUSINESS_EXISTS_ON_AS_OF);
    rec.reading(&readings::FACTS_AFTER_AS_OF_NOT_YET);
    rec.cond(false, || {
        cond(format!("判定日期时{what}已登记"))
            .val("business.registered_on", r)
            .val("as_of", cx.as_of)
    });
    rec.reason(|| {
        format!(
            "{what}的登记日期{}还未到（判定日期为{}），判定日期时尚未登记",
            zh_date(r),
            zh_date(cx.as_of)
        )
    });
    rec.change(|| Change {
        condition: "business_registered",
        text: format!("自{}{what}登记后重新判定", zh_date(r)),
        possible: true,
        from: Some(r),
    });
    true
}
