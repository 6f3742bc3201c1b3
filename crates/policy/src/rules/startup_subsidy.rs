//! B2 一次性创业补贴 — 二(一): 就业困难人员, 返乡农民工 and graduates within two
//! years of leaving school who start their first small or micro enterprise or
//! individual business get 1,000 yuan per person whose employment it brings,
//! at most 3,000 yuan; 50% may be drawn from 6 months of normal operation, the
//! whole from 1 year.

use super::{Ctx, all, any, cond, need, show};
use crate::calendar::{same_day_months_later, zh_date};
use crate::determination::{Change, Outcome};
use crate::facts::{Facts, Group};
use crate::money::Fen;
use crate::parameters::Param;
use crate::readings;
use crate::trace::{Recorder, TraceNode};

pub(crate) fn evaluate<R: Recorder>(f: &Facts, cx: &Ctx, rec: &mut R) -> Outcome {
    let per_person = need!(cx, rec, money, Param::StartupPerPerson);
    let cap = need!(cx, rec, money, Param::StartupCap);
    let advance_months = need!(cx, rec, months, Param::StartupAdvanceAfterMonths);
    let advance_percent = need!(cx, rec, percent, Param::StartupAdvancePercent);
    let full_months = need!(cx, rec, months, Param::StartupFullAfterMonths);
    let graduate_window = need!(cx, rec, months, Param::StartupGraduateWindowMonths);
    let business = f.business.as_ref();
    let reg = business.and_then(|b| b.registered_on);

    rec.open(|| any("属于就业困难人员、返乡农民工或离校2年内高校毕业生（任一）"));
    let ga = super::groups_as_of(f, cx, rec, &[Group::CollegeGraduate], |_, l| {
        Some(match reg {
            Some(r) if r > same_day_months_later(l, graduate_window) => {
                Err("经营主体在离校2年后登记")
            }
            _ => Ok(()),
        })
    });
    let groups = ga.held;
    let mut group_ok = false;
    let mut who: Vec<&'static str> = Vec::new();
    for g in [Group::HardToEmploy, Group::ReturningMigrantWorker] {
        if groups.contains(g) {
            group_ok = true;
            if R::ON {
                who.push(g.zh());
            }
            rec.cond(true, || cond(g.zh()).val("person.groups", g.code()));
        }
    }
    if groups.contains(Group::CollegeGraduate) {
        match (f.person.left_school_on, reg) {
            (Some(l), Some(r)) => {
                let deadline = same_day_months_later(l, graduate_window);
                let ok = r <= deadline;
                rec.reading(&readings::SAME_DAY_MONTHS_LATER);
                rec.cond(ok, || {
                    cond("高校毕业生：经营主体在离校2年内登记")
                        .val("person.left_school_on", l)
                        .val("离校满2年之日", deadline)
                        .val("business.registered_on", r)
                });
                if ok {
                    group_ok = true;
                    if R::ON {
                        who.push("离校2年内高校毕业生");
                    }
                } else {
                    rec.reason(|| {
                        format!(
                            "高校毕业生于{}离校，经营主体于{}登记，已超过离校{}个月（{}）",
                            zh_date(l),
                            zh_date(r),
                            graduate_window,
                            zh_date(deadline)
                        )
                    });
                    rec.change(|| Change {
                        condition: "graduate_within_two_years",
                        text: "离校已超过2年，不符合条件".to_string(),
                        possible: false,
                        from: None,
                    });
                }
            }
            (None, _) => {
                rec.reading(&readings::MISSING_FACT_NOT_GUESSED);
                rec.cond(false, || {
                    cond("高校毕业生：须有离校日期").val("person.left_school_on", "（未提供）")
                });
                rec.reason(|| "高校毕业生未提供离校日期，无法认定是否离校2年内".to_string());
                rec.change(|| Change {
                    condition: "left_school_on_known",
                    text: "提供离校日期后重新判定".to_string(),
                    possible: true,
                    from: None,
                });
            }
            (Some(_), None) => {
                rec.cond(false, || {
                    cond("高校毕业生：须有经营主体登记日期")
                        .val("business.registered_on", "（未提供）")
                });
            }
        }
    }
    rec.close(group_ok);
    if !groups.contains(Group::HardToEmploy)
        && !groups.contains(Group::ReturningMigrantWorker)
        && !groups.contains(Group::CollegeGraduate)
        && ga.pending.is_empty()
    {
        rec.reason(|| {
            format!(
                "不属于就业困难人员、返乡农民工或离校2年内高校毕业生（所报群体：{}）",
                groups.zh()
            )
        });
        rec.change(|| Change {
            condition: "startup_group",
            text: "仅限就业困难人员、返乡农民工、离校2年内高校毕业生".to_string(),
            possible: false,
            from: None,
        });
    }

    rec.open(|| all("首次创办小微企业或从事个体经营，且正常经营、带动就业"));
    let business_ok = business_conditions(f, cx, rec);
    rec.close(business_ok);

    let employees = business.and_then(|b| b.employees_driven).unwrap_or(0);
    if !(group_ok && business_ok) {
        return Outcome::NOT_ELIGIBLE;
    }
    let Some(reg) = reg else {
        return Outcome::NOT_ELIGIBLE;
    };

    rec.reading(&readings::STARTUP_PER_PERSON_AT_CAP);
    let amount = Fen(per_person.0 * i64::from(employees)).min(cap);
    let advance = amount.times_fraction_truncated(i64::from(advance_percent), 100);
    let advance_on = same_day_months_later(reg, advance_months);
    let full_on = same_day_months_later(reg, full_months);
    rec.reading(&readings::STARTUP_INCLUSIVE);
    rec.reading(&readings::SAME_DAY_MONTHS_LATER);
    let full_ok = cx.as_of >= full_on;
    let advance_ok = cx.as_of >= advance_on;
    rec.cond(full_ok, || {
        cond("正常经营满1年（可申领全部）")
            .val("business.registered_on", reg)
            .val("满12个月之日", full_on)
            .val("as_of", cx.as_of)
    });
    rec.cond(advance_ok, || {
        cond("正常经营满6个月（可先行申领50%）")
            .val("business.registered_on", reg)
            .val("满6个月之日", advance_on)
            .val("as_of", cx.as_of)
    });
    let due = if full_ok {
        amount
    } else if advance_ok {
        advance
    } else {
        Fen::ZERO
    };
    let paid = f.startup_subsidy_paid;
    let payable_now = (due - paid).max(Fen::ZERO);
    let payable_from = if due < amount {
        Some(if advance_ok { full_on } else { advance_on })
    } else {
        None
    };
    rec.computation(|| {
        TraceNode::new("computation", "补贴金额")
            .val("带动就业人数", employees)
            .val(
                "补贴总额",
                format!("min({}×{}, {}) = {}", per_person, employees, cap, amount),
            )
            .val("当前应发", due)
            .val("startup_subsidy_paid", paid)
            .val("现可领取", payable_now)
    });
    rec.reason(|| {
        format!(
            "{}首次创办经营主体，于{}登记，正常经营，带动{}人就业；按每人{}、总额不超过{}计算，补贴总额{}",
            who.join("、"),
            zh_date(reg),
            employees,
            per_person.yuan_text(),
            cap.yuan_text(),
            amount.yuan_text()
        )
    });
    rec.reason(|| {
        if full_ok {
            format!(
                "至{}已正常经营满1年（{}起），可申领全部补贴{}",
                zh_date(cx.as_of),
                zh_date(full_on),
                amount.yuan_text()
            )
        } else if advance_ok {
            format!(
                "至{}已正常经营满6个月（{}起）、未满1年，可先行申领{}%即{}",
                zh_date(cx.as_of),
                zh_date(advance_on),
                advance_percent,
                advance.yuan_text()
            )
        } else {
            format!(
                "至{}正常经营未满6个月（{}满6个月），暂不能申领",
                zh_date(cx.as_of),
                zh_date(advance_on)
            )
        }
    });
    if paid.0 > 0 {
        rec.reason(|| {
            let over = if paid > amount {
                format!("，已超过补贴总额{}", amount.yuan_text())
            } else {
                String::new()
            };
            format!(
                "已领取{}{}，现可领取{}",
                paid.yuan_text(),
                over,
                payable_now.yuan_text()
            )
        });
    }
    if !advance_ok {
        rec.change(|| Change {
            condition: "operating_6_months",
            text: format!(
                "自{}起可预先申领{}%（{}）",
                zh_date(advance_on),
                advance_percent,
                advance.yuan_text()
            ),
            possible: true,
            from: Some(advance_on),
        });
    }
    if !full_ok {
        rec.change(|| Change {
            condition: "operating_12_months",
            text: format!(
                "自{}起可申领全部补贴{}（扣除已领部分）",
                zh_date(full_on),
                amount.yuan_text()
            ),
            possible: true,
            from: Some(full_on),
        });
    }
    if amount < cap {
        rec.change(|| Change {
            condition: "employees_driven",
            text: format!(
                "每多带动1人就业补贴增加{}，总额不超过{}",
                per_person.yuan_text(),
                cap.yuan_text()
            ),
            possible: true,
            from: None,
        });
    }
    Outcome {
        eligible: true,
        amount,
        payable_now,
        payable_from,
    }
}

/// 首次创办, 正常经营, 带动就业, and registered by the as-of day.
fn business_conditions<R: Recorder>(f: &Facts, cx: &Ctx, rec: &mut R) -> bool {
    let Some(b) = f.business.as_ref() else {
        rec.cond(false, || cond("有经营主体").val("business", "（未提供）"));
        rec.reason(|| "未创办小微企业或从事个体经营（未填写经营主体）".to_string());
        rec.change(|| Change {
            condition: "business",
            text: "首次创办小微企业或从事个体经营后可申领".to_string(),
            possible: true,
            from: None,
        });
        return false;
    };
    let mut ok = true;
    rec.cond(b.kind.is_some(), || {
        cond("经营主体为小微企业或个体工商户").val("business.kind", show(b.kind.map(|k| k.code())))
    });
    if b.kind.is_none() {
        ok = false;
        rec.reason(|| "未提供经营主体类型".to_string());
        rec.change(|| Change {
            condition: "business_kind_known",
            text: "提供经营主体类型后重新判定".to_string(),
            possible: true,
            from: None,
        });
    }
    rec.cond(b.first_time == Some(true), || {
        cond("首次创业").val("business.first_time", show(b.first_time))
    });
    match b.first_time {
        Some(true) => {}
        Some(false) => {
            ok = false;
            rec.reason(|| "不是首次创办经营主体".to_string());
            rec.change(|| Change {
                condition: "first_time",
                text: "仅限首次创办小微企业或从事个体经营，非首次创业不符合条件".to_string(),
                possible: false,
                from: None,
            });
        }
        None => {
            ok = false;
            rec.reading(&readings::MISSING_FACT_NOT_GUESSED);
            rec.reason(|| "未提供是否首次创业".to_string());
            rec.change(|| Change {
                condition: "first_time_known",
                text: "提供是否首次创业后重新判定".to_string(),
                possible: true,
                from: None,
            });
        }
    }
    rec.cond(b.operating_normally == Some(true), || {
        cond("正常经营").val("business.operating_normally", show(b.operating_normally))
    });
    match b.operating_normally {
        Some(true) => {}
        Some(false) => {
            ok = false;
            rec.reason(|| "经营主体未正常经营".to_string());
            rec.change(|| Change {
                condition: "operating_normally",
                text: "恢复正常经营后可申领".to_string(),
                possible: true,
                from: None,
            });
        }
        None => {
            ok = false;
            rec.reading(&readings::MISSING_FACT_NOT_GUESSED);
            rec.reason(|| "未提供是否正常经营".to_string());
            rec.change(|| Change {
                condition: "operating_normally_known",
                text: "提供是否正常经营后重新判定".to_string(),
                possible: true,
                from: None,
            });
        }
    }
    let exists = b.registered_on.is_some_and(|r| r <= cx.as_of);
    rec.cond(exists, || {
        cond("判定日期时经营主体已登记")
            .val("business.registered_on", show(b.registered_on))
            .val("as_of", cx.as_of)
    });
    match b.registered_on {
        None => {
            ok = false;
            rec.reason(|| "未提供经营主体登记日期".to_string());
            rec.change(|| Change {
                condition: "registered_on_known",
                text: "提供经营主体登记日期后重新判定".to_string(),
                possible: true,
                from: None,
            });
        }
        Some(r) if r > cx.as_of => {
            ok = false;
            rec.reading(&readings::BUSINESS_EXISTS_ON_AS_OF);
            rec.reading(&readings::FACTS_AFTER_AS_OF_NOT_YET);
            rec.reason(|| {
                format!(
                    "经营主体的登记日期{}还未到（判定日期为{}），判定日期时尚未登记",
                    zh_date(r),
                    zh_date(cx.as_of)
                )
            });
            rec.change(|| Change {
                condition: "business_registered",
                text: format!("经营主体于{}登记后，满6个月可先行申领50%", zh_date(r)),
                possible: true,
                from: Some(r),
            });
        }
        Some(_) => {}
    }
    let employees = b.employees_driven.unwrap_or(0);
    rec.cond(employees >= 1, || {
        cond("带动就业至少1人").val("business.employees_driven", show(b.employees_driven))
    });
    if employees == 0 {
        ok = false;
        rec.reading(&readings::STARTUP_AT_LEAST_ONE_EMPLOYEE);
        rec.reason(|| {
            if b.employees_driven.is_none() {
                "未提供带动就业人数，补贴按带动就业人数计算".to_string()
            } else {
                "未带动他人就业，补贴按带动就业人数计算，金额为0".to_string()
            }
        });
        rec.change(|| Change {
            condition: "employees_driven",
            text: "带动他人就业后，按带动就业人数申领补贴".to_string(),
            possible: true,
            from: None,
        });
    }
    ok
}
