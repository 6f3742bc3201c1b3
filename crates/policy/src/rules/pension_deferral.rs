//! B5 养老保险缓缴与补缴 — 四(十一): flexible workers who found it hard to pay 2020
//! basic pension contributions may defer them; 2020 months left unpaid may be
//! paid back until the end of 2021, on a base the person chooses between the
//! 2021 published lower and upper bounds. The bounds are parameters an
//! administrator sets; until then the base is not checked and the
//! determination says so.

use super::{Ctx, all, cond, need, show};
use crate::calendar::{Month, zh_date};
use crate::determination::{BackPaymentRow, Change, Outcome, Row};
use crate::facts::Facts;
use crate::money::Fen;
use crate::parameters::Param;
use crate::readings;
use crate::trace::Recorder;

fn months_zh(ms: &[Month]) -> String {
    ms.iter().map(|m| m.zh()).collect::<Vec<_>>().join("、")
}

pub(crate) fn evaluate<R: Recorder>(f: &Facts, cx: &Ctx, rec: &mut R) -> Outcome {
    let year = need!(cx, rec, year, Param::PensionDeferrableYear);
    let deadline = need!(cx, rec, date, Param::PensionBackPaymentDeadline);
    let lower = cx.money(Param::PensionBaseLower, rec);
    let upper = cx.money(Param::PensionBaseUpper, rec);
    let empty = crate::facts::Pension::default();
    let pension = f.pension.as_ref().unwrap_or(&empty);
    rec.reading(&readings::PENSION_MONTHS_AS_FLEXIBLE_WORKER);

    rec.open(|| all("2020年暂缓缴费并可在2021年年底前补缴"));
    // A month after the as-of month has not come yet: it cannot have gone unpaid.
    let as_of_month = Month::of(cx.as_of);
    let begun = |m: &Month| m.year() == year && *m <= as_of_month;
    let deferred = pension
        .unpaid_2020_months
        .iter()
        .filter(|m| begun(m))
        .count();
    let to_come: Vec<Month> = pension
        .unpaid_2020_months
        .iter()
        .copied()
        .filter(|m| m.year() == year && *m > as_of_month)
        .collect();
    if !to_come.is_empty() {
        rec.reading(&readings::FACTS_AFTER_AS_OF_NOT_YET);
        rec.reason(|| {
            format!(
                "{}还未到（判定日期为{}），暂不计入未缴费月度",
                months_zh(&to_come),
                zh_date(cx.as_of)
            )
        });
    }
    rec.cond(deferred > 0, || {
        cond("有2020年未缴费月度")
            .val(
                "pension.unpaid_2020_months",
                format!(
                    "{:?}",
                    pension
                        .unpaid_2020_months
                        .iter()
                        .map(|m| m.to_string())
                        .collect::<Vec<_>>()
                ),
            )
            .val("可暂缓年度", year)
    });
    if R::ON {
        let outside: Vec<Month> = pension
            .unpaid_2020_months
            .iter()
            .copied()
            .filter(|m| m.year() != year)
            .collect();
        if !outside.is_empty() {
            rec.reason(|| {
                format!(
                    "{}不是{}年的月度，不属于可暂缓缴费的月度",
                    months_zh(&outside),
                    year
                )
            });
        }
    }
    if deferred == 0 && !to_come.is_empty() {
        rec.close(false);
        let first = to_come.iter().copied().min().unwrap_or(as_of_month);
        let from = chrono::NaiveDate::from_ymd_opt(first.year(), first.month(), 1);
        rec.change(|| Change {
            condition: "unpaid_month_reached",
            text: format!("{}起，未缴费的月度可暂缓缴费并按规定补缴", first.zh()),
            possible: true,
            from,
        });
        return Outcome::NOT_ELIGIBLE;
    }
    if deferred == 0 {
        rec.close(false);
        rec.reason(|| {
            format!(
                "未报{year}年未缴费月度，本项仅适用于{year}年缴纳基本养老保险费确有困难、自愿暂缓缴费的灵活就业人员"
            )
        });
        rec.change(|| Change {
            condition: "unpaid_2020_months",
            text: format!("仅适用于{year}年暂缓缴纳基本养老保险费的灵活就业人员"),
            possible: false,
            from: None,
        });
        return Outcome::NOT_ELIGIBLE;
    }

    // Judge each back payment.
    let mut accepted = 0usize;
    let mut covered_mask: u16 = 0;
    let bounds_set = lower.is_some() && upper.is_some();
    for bp in &pension.back_payments {
        let listed = begun(&bp.month) && pension.unpaid_2020_months.contains(&bp.month);
        let in_year = bp.month.year() == year;
        let on_time = bp.paid_on <= deadline;
        let above = lower.is_none_or(|l| bp.base >= l);
        let below = upper.is_none_or(|u| bp.base <= u);
        let ok = in_year && listed && on_time && above && below;
        if ok {
            accepted += 1;
            covered_mask |= 1 << (bp.month.month() - 1);
        }
        rec.cond(ok, || {
            cond(format!("{}的补缴", bp.month))
                .val("月度在可暂缓年度", in_year)
                .val("月度在所报未缴费月度中", listed)
                .val(
                    "补缴日期不晚于截止日",
                    format!("{} ≤ {}", bp.paid_on, deadline),
                )
                .val(
                    "缴费基数在上下限内",
                    format!("{} ∈ [{}, {}]", bp.base, show(lower), show(upper)),
                )
        });
        if R::ON {
            let (status, reason) = if !in_year {
                rec.change(|| Change {
                    condition: "back_payment_month_in_2020",
                    text: format!(
                        "补缴月度须为{year}年的未缴费月度，{}不能补缴",
                        bp.month.zh()
                    ),
                    possible: false,
                    from: None,
                });
                (
                    "refused",
                    format!("{}不在{}年，不能按本政策补缴", bp.month.zh(), year),
                )
            } else if !listed {
                rec.reading(&readings::PENSION_ONLY_LISTED_MONTHS);
                rec.change(|| Change {
                    condition: "back_payment_month_unpaid",
                    text: format!("将{}列入未缴费月度后方可补缴", bp.month.zh()),
                    possible: true,
                    from: None,
                });
                (
                    "refused",
                    format!("{}不在所报的未缴费月度中", bp.month.zh()),
                )
            } else if !on_time {
                rec.change(|| Change {
                    condition: "back_payment_deadline",
                    text: format!("须于{}（含当日）前补缴", zh_date(deadline)),
                    possible: cx.as_of <= deadline,
                    from: None,
                });
                (
                    "refused",
                    format!(
                        "补缴日期{}晚于补缴截止日{}",
                        zh_date(bp.paid_on),
                        zh_date(deadline)
                    ),
                )
            } else if !(above && below) {
                rec.change(|| Change {
                    condition: "back_payment_base",
                    text: format!(
                        "缴费基数须在{}至{}之间自主选择",
                        lower
                            .map(Fen::yuan_text)
                            .unwrap_or_else(|| "（下限未配置）".into()),
                        upper
                            .map(Fen::yuan_text)
                            .unwrap_or_else(|| "（上限未配置）".into())
                    ),
                    possible: true,
                    from: None,
                });
                (
                    "refused",
                    format!(
                        "缴费基数{}不在2021年公布的个人缴费基数上下限（{}至{}）范围内",
                        bp.base.yuan_text(),
                        lower.map(Fen::yuan_text).unwrap_or_else(|| "未配置".into()),
                        upper.map(Fen::yuan_text).unwrap_or_else(|| "未配置".into())
                    ),
                )
            } else if !bounds_set {
                (
                    "accepted_base_unchecked",
                    "补缴期限和月度符合；缴费基数尚未核验：2021年个人缴费基数上下限尚未配置，须由工作人员录入后核验"
                        .to_string(),
                )
            } else {
                ("accepted", "补缴期限、月度和缴费基数均符合".to_string())
            };
            // A back payment dated after the as-of day is planned, not made.
            let planned = bp.paid_on > cx.as_of;
            if planned {
                rec.reading(&readings::FACTS_AFTER_AS_OF_NOT_YET);
            }
            rec.reason(|| {
                format!(
                    "{}的补缴（{}{}，基数{}）：{}",
                    bp.month.zh(),
                    if planned { "计划于" } else { "" },
                    zh_date(bp.paid_on),
                    bp.base.yuan_text(),
                    if planned {
                        format!("{reason}；补缴日期还未到，尚未发生")
                    } else {
                        reason.clone()
                    }
                )
            });
            rec.row(|| {
                Row::BackPayment(BackPaymentRow {
                    month: bp.month,
                    paid_on: bp.paid_on,
                    base: bp.base,
                    status,
                    reason,
                })
            });
        }
    }

    let open = cx.as_of <= deadline;
    rec.reading(&readings::PENSION_AFTER_DEADLINE);
    rec.cond(open, || {
        cond("判定日期不晚于补缴截止日")
            .val("as_of", cx.as_of)
            .val("补缴截止日", deadline)
    });
    let eligible = open || accepted > 0;
    rec.close(eligible);

    let remaining: Vec<Month> = if R::ON {
        pension
            .unpaid_2020_months
            .iter()
            .copied()
            .filter(|m| m.year() == year && covered_mask & (1 << (m.month() - 1)) == 0)
            .collect()
    } else {
        Vec::new()
    };
    rec.reason(|| {
        let listed: Vec<Month> = pension
            .unpaid_2020_months
            .iter()
            .copied()
            .filter(|m| m.year() == year)
            .collect();
        format!(
            "{}年有{}个月未缴费（{}），可自愿暂缓缴费；2021年可继续缴费，缴费年限累计计算",
            year,
            listed.len(),
            months_zh(&listed)
        )
    });
    if open {
        rec.reason(|| {
            format!(
                "可于{}（含当日）前补缴，缴费基数在2021年公布的个人缴费基数上下限范围内自主选择",
                zh_date(deadline)
            )
        });
        if !remaining.is_empty() {
            rec.change(|| Change {
                condition: "back_payment_deadline",
                text: format!(
                    "于{}前补缴{}，缴费基数在2021年公布的上下限内自主选择",
                    zh_date(deadline),
                    months_zh(&remaining)
                ),
                possible: true,
                from: None,
            });
        }
    } else {
        rec.reason(|| {
            format!(
                "补缴截止日{}已过{}",
                zh_date(deadline),
                if remaining.is_empty() {
                    String::new()
                } else {
                    format!("，{}不能再补缴", months_zh(&remaining))
                }
            )
        });
        if !remaining.is_empty() {
            rec.change(|| Change {
                condition: "back_payment_deadline",
                text: format!(
                    "补缴截止日{}已过，{}不能再补缴",
                    zh_date(deadline),
                    months_zh(&remaining)
                ),
                possible: false,
                from: None,
            });
        }
    }
    if !bounds_set {
        rec.reason(|| {
            let missing = match (lower.is_some(), upper.is_some()) {
                (true, false) => "上限",
                (false, true) => "下限",
                _ => "上下限",
            };
            format!(
                "2021年个人缴费基数{missing}尚未配置：须由工作人员依据山西省公布的2021年个人缴费基数上下限录入（注明文件名称和文号），录入前所选缴费基数不作核验，只核验补缴期限和月度"
            )
        });
    } else if let (Some(l), Some(u)) = (lower, upper) {
        rec.reason(|| {
            let src = cx
                .source(Param::PensionBaseLower)
                .filter(|s| !s.starts_with("--set"))
                .map(|s| format!("（依据{s}）"))
                .unwrap_or_default();
            format!(
                "2021年个人缴费基数上下限为{}至{}{src}，缴费基数在此范围内自主选择",
                l.yuan_text(),
                u.yuan_text()
            )
        });
    }
    if eligible {
        Outcome::ELIGIBLE_NO_MONEY
    } else {
        Outcome::NOT_ELIGIBLE
    }
}
