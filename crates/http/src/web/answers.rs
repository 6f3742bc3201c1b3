//! Policy answers written for people, shared by the calculator (`public/policy.rs`) and
//! 办事大厅 (`worker/hub.rs`, `worker/services.rs`): the three states of a benefit (可享受 /
//! 满足条件后可享受 / 不符合), the next step that would change a "not yet" (a registration, a
//! recognition at the window, a course), and dates in the ways people write them.

use chrono::NaiveDate;

/// Where a person goes in person: the list of county 人社 service windows (address, hours,
/// phone), in 办事指南.
pub const WINDOW_HREF: &str = "/guide/windows";

/// The state of one benefit for a person, always shown as words (never colour alone).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Eligible, and something is payable now (or the benefit is not a sum of money, or a
    /// credit line the bank grants).
    Now,
    /// Not yet: eligible but nothing payable yet, or not eligible where every failed condition
    /// can still change (a registration, a recognition, a date that will come).
    Later,
    /// Not eligible, and some condition cannot change.
    No,
}

impl Standing {
    /// Sorts a determination: `payable` is whether anything can be had now (money payable
    /// now, a benefit that is not money, or a loan's credit line); `all_possible` whether
    /// every "what would change" can happen.
    pub fn of(eligible: bool, payable: bool, all_possible: bool) -> Standing {
        match (eligible, payable) {
            (true, true) => Standing::Now,
            (true, false) => Standing::Later,
            (false, _) if all_possible => Standing::Later,
            (false, _) => Standing::No,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Standing::Now => "可享受",
            Standing::Later => "满足条件后可享受",
            Standing::No => "不符合",
        }
    }

    /// The CSS class of the state tag (`state-now`, `state-later`, `state-no`).
    pub fn class(self) -> &'static str {
        match self {
            Standing::Now => "state-now",
            Standing::Later => "state-later",
            Standing::No => "state-no",
        }
    }

    /// The heading over "what would change it": for an eligible benefit nothing needs to
    /// become true, only to come (never "怎样才能符合" under 符合条件).
    pub fn changes_heading(self, eligible: bool) -> &'static str {
        if eligible {
            "还需要："
        } else {
            "怎样才能符合："
        }
    }
}

/// A next step: what to do and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub label: &'static str,
    pub href: &'static str,
}

const UNEMPLOYMENT: Step = Step {
    label: "办理失业登记",
    href: "/services/registration",
};
const FLEXIBLE: Step = Step {
    label: "办理灵活就业登记",
    href: "/services/registration",
};
const HARD_TO_EMPLOY: Step = Step {
    label: "到就业服务窗口申请就业困难人员认定",
    href: WINDOW_HREF,
};
const COURSE: Step = Step {
    label: "报名职业培训课程",
    href: "/services/training",
};
const WINDOW: Step = Step {
    label: "到就业服务窗口补充信息或咨询",
    href: WINDOW_HREF,
};
const INSURANCE: Step = Step {
    label: "到就业服务窗口以灵活就业人员身份参保缴费",
    href: WINDOW_HREF,
};
const DIFFICULTY: Step = Step {
    label: "网上申报生活困难，由人社部门核实",
    href: "/services/difficulty",
};
const BANK: Step = Step {
    label: "到就业服务窗口申请，经审核后到经办银行办理贷款",
    href: WINDOW_HREF,
};

/// The groups the document names (登记失业人员, 就业困难人员, …): the engine says no change of
/// facts flips them, but a person reaches one by registering as unemployed or by being
/// recognised as hard to employ at the window, so for people they are "not yet".
fn group_condition(condition: &str) -> bool {
    matches!(
        condition,
        "startup_group" | "si_group" | "loan_group" | "key_group" | "venue_group"
    )
}

/// Whether a failed condition can still change for the person: the engine's `possible`, or a
/// group one can join.
pub fn can_change(condition: &str, possible: bool) -> bool {
    possible || group_condition(condition)
}

/// The steps that would change the conditions named (the engine's stable condition ids with
/// whether a change of facts can flip them), in order, without repeats. A condition that only
/// time changes (six months of business) or that nothing changes has none.
pub fn steps<'a>(conditions: impl IntoIterator<Item = (&'a str, bool)>) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::new();
    let mut add = |s: Step| {
        if !out.contains(&s) {
            out.push(s);
        }
    };
    for (c, possible) in conditions {
        // Each group condition names the groups its benefit is for; the step is the one that
        // reaches one of them (登记失业人员 by 失业登记, 就业困难人员 by recognition).
        match c {
            "loan_group" => {
                add(UNEMPLOYMENT);
                add(HARD_TO_EMPLOY);
                continue;
            }
            "key_group" => {
                add(UNEMPLOYMENT);
                continue;
            }
            "startup_group" | "si_group" | "venue_group" => {
                add(HARD_TO_EMPLOY);
                continue;
            }
            _ => {}
        }
        if !possible {
            continue;
        }
        match c {
            "unemployment_registered_on_known" | "unemployed_six_months_at_registration" => {
                add(UNEMPLOYMENT)
            }
            "flexible_worker" => add(FLEXIBLE),
            "enrolled_approved_course" => add(COURSE),
            "premiums_paid" | "subsidy_period" => add(INSURANCE),
            "platform_work_tools" => add(BANK),
            "in_difficulty" => add(DIFFICULTY),
            // Time, or more of what is already there, changes these; the text says so.
            "operating_6_months"
            | "operating_12_months"
            | "employees_driven"
            | "parameter_in_force" => {}
            _ => add(WINDOW),
        }
    }
    out
}

/// A benefit of 办事大厅 as the person can have it now, from the service's preview (the
/// hub's chances, an application preview): its state, its next steps, and whether an
/// application is offered (only where something is payable, or a credit line to decide).
pub struct Chance {
    pub benefit: String,
    pub name: String,
    pub standing: Standing,
    pub eligible: bool,
    /// Decimal string; for the loan the credit line.
    pub amount: String,
    /// The amount for people: "1,500.00 元".
    pub amount_text: String,
    pub credit: bool,
    pub offered: bool,
    pub first_reason: String,
    pub changes: Vec<String>,
    pub steps: Vec<Step>,
}

impl Chance {
    pub fn new(
        benefit: &str,
        name: &str,
        eligible: bool,
        amount: &str,
        first_reason: &str,
        changes: &[linghuo_service::benefits::OutcomeChange],
    ) -> Chance {
        let credit = benefit == "guaranteed_loan";
        let payable = amount != "0.00" && amount != "0" && !amount.is_empty();
        let offered = eligible && (payable || credit);
        let all_possible = changes.iter().all(|c| can_change(&c.condition, c.possible));
        Chance {
            benefit: benefit.into(),
            name: name.into(),
            standing: Standing::of(eligible, offered, all_possible),
            eligible,
            amount: amount.into(),
            amount_text: linghuo_domain::Money::parse(amount)
                .map(|m| m.to_display())
                .unwrap_or_else(|_| amount.into()),
            credit,
            offered,
            first_reason: first_reason.into(),
            changes: changes.iter().map(|c| c.text.clone()).collect(),
            steps: steps(changes.iter().map(|c| (c.condition.as_str(), c.possible))),
        }
    }

    /// The heading over what would change it.
    pub fn heading(&self) -> &'static str {
        self.standing.changes_heading(self.eligible)
    }

    /// "满足条件后可申请" on 办事大厅 (where an application is the thing offered).
    pub fn apply_label(&self) -> &'static str {
        match self.standing {
            Standing::Now => "可以申请",
            Standing::Later => "满足条件后可申请",
            Standing::No => "不符合",
        }
    }
}

/// The answer in one sentence over a list of chances: how many now and about how much money
/// (a credit line apart), how many once a condition is met.
pub struct ChanceSummary {
    pub now: usize,
    /// "1,500.00 元"; none when no money is payable now.
    pub total: Option<String>,
    pub later: usize,
    pub credit: Option<String>,
}

pub fn chance_summary(chances: &[Chance]) -> ChanceSummary {
    let mut total = linghuo_domain::Money::zero();
    let mut credit = None;
    for c in chances.iter().filter(|c| c.standing == Standing::Now) {
        if c.credit {
            credit = Some(c.amount_text.clone());
        } else if let Ok(m) = linghuo_domain::Money::parse(&c.amount) {
            total = total + m;
        }
    }
    ChanceSummary {
        now: chances
            .iter()
            .filter(|c| c.standing == Standing::Now)
            .count(),
        total: (total != linghuo_domain::Money::zero()).then(|| total.to_display()),
        later: chances
            .iter()
            .filter(|c| c.standing == Standing::Later)
            .count(),
        credit,
    }
}

/// A day as people write it: 2021年4月8日, 2021.4.8, 2021-4-8, 2021/4/8 (leading zeros
/// optional, spaces ignored).
pub fn parse_day(s: &str) -> Option<NaiveDate> {
    let parts = numbers(s)?;
    match parts.as_slice() {
        [y, m, d] => NaiveDate::from_ymd_opt(*y as i32, *m, *d),
        _ => None,
    }
}

/// A month as people write it: 2021年1月, 2021.1, 2021-01, 2021/1.
pub fn parse_month(s: &str) -> Option<NaiveDate> {
    let parts = numbers(s)?;
    match parts.as_slice() {
        [y, m] => NaiveDate::from_ymd_opt(*y as i32, *m, 1),
        _ => None,
    }
}

/// The numbers of a date separated by 年/月/日 . - / (and nothing else); the year has four
/// digits.
fn numbers(s: &str) -> Option<Vec<u32>> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let s = s.strip_suffix('日').unwrap_or(&s);
    let s = s.strip_suffix('月').unwrap_or(s);
    let parts: Vec<&str> = s.split(['年', '月', '.', '-', '/']).collect();
    if parts.first().is_none_or(|y| y.len() != 4) {
        return None;
    }
    parts
        .iter()
        .map(|p| {
            (!p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        })
        .collect()
}

/// "2021年7月15日".
pub fn day_text(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_in_every_usual_form() {
        let want = NaiveDate::from_ymd_opt(2021, 4, 8);
        for s in [
            "2021年4月8日",
            "2021.4.8",
            "2021-4-8",
            "2021/4/8",
            "2021-04-08",
            " 2021 年 4 月 8 日 ",
        ] {
            assert_eq!(parse_day(s), want, "{s}");
        }
        for s in ["2021-2-30", "21.4.8", "2021年4月", "明天", "2021-4-8x", ""] {
            assert_eq!(parse_day(s), None, "{s}");
        }
        assert_eq!(
            parse_month("2021年1月"),
            NaiveDate::from_ymd_opt(2021, 1, 1)
        );
        assert_eq!(parse_month("2021.1"), NaiveDate::from_ymd_opt(2021, 1, 1));
        assert_eq!(parse_month("2021-01"), NaiveDate::from_ymd_opt(2021, 1, 1));
        assert_eq!(parse_month("2021-13"), None);
    }

    #[test]
    fn states_and_steps() {
        assert_eq!(Standing::of(true, true, true), Standing::Now);
        assert_eq!(Standing::of(true, false, true), Standing::Later);
        assert_eq!(Standing::of(false, false, true), Standing::Later);
        assert_eq!(Standing::of(false, false, false), Standing::No);
        assert_eq!(Standing::Now.changes_heading(true), "还需要：");
        let s = steps([
            ("key_group", false),
            ("si_group", false),
            ("operating_6_months", true),
            ("employees_driven", true),
        ]);
        assert_eq!(s, vec![UNEMPLOYMENT, HARD_TO_EMPLOY]);
        assert_eq!(steps([("startup_group", false)]), vec![HARD_TO_EMPLOY]);
        assert_eq!(steps([("premiums_paid", true)]), vec![INSURANCE]);
        assert_eq!(steps([("unpaid_2020_months", false)]), vec![]);
        assert!(can_change("loan_group", false) && !can_change("unpaid_2020_months", false));
    }
}
