//! B3 灵活就业社会保险补贴 — 二(二): 就业困难人员 and graduates within two years of
//! leaving school in flexible work get not more than 2/3 of the social
//! insurance they actually paid, month by month, for at most 36 months
//! (就业困难人员) or 24 months (graduates), counted from the first subsidised
//! month.

use super::{Ctx, any, cond, need, show};
use crate::calendar::{Month, zh_date};
use crate::determination::{Change, Outcome, PremiumRow, Row};
use crate::facts::{Facts, Group};
use crate::money::Fen;
use crate::parameters::Param;
use crate::readings;
use crate::trace::{Recorder, TraceNode};

pub(crate) fn evaluate<R: Recorder>(f: &Facts, cx: &Ctx, rec: &mut R) -> Outcome {
    let (num, den) = need!(cx, rec, ratio, Param::SiShare);
    let hard_months = need!(cx, rec, months, Param::SiHardToEmployMonths);
    let graduate_months = need!(cx, rec, months, Param::SiGraduateMonths);
    let graduate_window = need!(cx, rec, months, Param::SiGraduateWindowMonths);
    let premiums = &f.social_insurance_paid;
    let hard = f.person.groups.contains(Group::HardToEmploy);
    let as_of_month = Month::of(cx.as_of);

    rec.open(|| any("属于就业困难人员或离校2年内未就业高校毕业生（任一）"));
    // A graduate who has not left school yet is not one yet; for a person hard to employ
    // the graduate's dates do not matter.
    let relevant: &[Group] = if hard { &[] } else { &[Group::CollegeGraduate] };
    let ga = super::groups_as_of(f, cx, rec, relevant, |_, _| Some(Ok(())));
    let groups = ga.held;
    rec.cond(hard, || {
        cond("就业困难人员").val("person.groups包含hard_to_employ", hard)
    });
    let mut graduate_ok = false;
    let mut first_graduate: Option<Month> = None;
    let leave_month = f.person.left_school_on.map(Month::of);
    if groups.contains(Group::CollegeGraduate) {
        match leave_month {
            None => {
                rec.reading(&readings::MISSING_FACT_NOT_GUESSED);
                rec.cond(false, || {
                    cond("高校毕业生：须有离校日期").val("person.left_school_on", "（未提供）")
                });
                if !hard {
                    rec.reason(|| "高校毕业生未提供离校日期，无法认定是否离校2年内".to_string());
                    rec.change(|| Change {
                        condition: "left_school_on_known",
                        text: "提供离校日期后重新判定".to_string(),
                        possible: true,
                        from: None,
                    });
                }
            }
            Some(lm) => {
                rec.reading(&readings::SI_NOT_BEFORE_LEAVING_SCHOOL);
                first_graduate = premiums
                    .iter()
                    .filter(|p| p.amount.0 > 0 && p.month >= lm)
                    .map(|p| p.month)
                    .min();
                let last_start = lm.plus(graduate_window as i32);
                let (ok, probe) = match first_graduate {
                    Some(fm) => (fm <= last_start, fm),
                    None => {
                        rec.reading(&readings::SI_GRADUATE_NOT_YET_PAID);
                        (as_of_month <= last_start, as_of_month)
                    }
                };
                graduate_ok = ok;
                rec.cond(ok, || {
                    cond("高校毕业生：首个补贴月不晚于离校月份加24个月")
                        .val("person.left_school_on", show(f.person.left_school_on))
                        .val("最晚首个补贴月", last_start)
                        .val(
                            if first_graduate.is_some() {
                                "首个补贴月"
                            } else {
                                "判定月份（尚无可补贴缴费）"
                            },
                            probe,
                        )
                });
                if !ok && !hard {
                    rec.reason(|| {
                        format!(
                            "高校毕业生于{}离校，{}{}晚于离校2年内的最后月份{}",
                            f.person.left_school_on.map(zh_date).unwrap_or_default(),
                            if first_graduate.is_some() {
                                "首个可补贴的缴费月份"
                            } else {
                                "判定月份"
                            },
                            probe.zh(),
                            last_start.zh()
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
        }
    }
    let eligible = hard || graduate_ok;
    rec.close(eligible);
    if !hard && !groups.contains(Group::CollegeGraduate) && ga.pending.is_empty() {
        rec.reason(|| {
            format!(
                "不属于就业困难人员或离校2年内未就业高校毕业生（所报群体：{}）",
                groups.zh()
            )
        });
        rec.change(|| Change {
            condition: "si_group",
            text: "仅限就业困难人员、离校2年内未就业高校毕业生".to_string(),
            possible: false,
            from: None,
        });
    }
    if !eligible {
        return Outcome::NOT_ELIGIBLE;
    }

    rec.reading(&readings::SI_PREMIUMS_AS_FLEXIBLE_WORKER);
    rec.reading(&readings::SI_ZERO_MONTH);
    let period = if hard { hard_months } else { graduate_months };
    let first = if hard {
        premiums
            .iter()
            .filter(|p| p.amount.0 > 0)
            .map(|p| p.month)
            .min()
    } else {
        first_graduate
    };
    let who = if hard {
        "就业困难人员"
    } else {
        "离校2年内未就业高校毕业生"
    };
    let Some(first) = first else {
        rec.reason(|| format!("{who}符合条件，但尚无可补贴的社会保险缴费月份，补贴金额为0.00元"));
        rec.change(|| Change {
            condition: "premiums_paid",
            text: format!(
                "以灵活就业人员身份缴纳社会保险费后，可按月申领不超过实缴{num}/{den}的补贴"
            ),
            possible: true,
            from: None,
        });
        return Outcome {
            eligible: true,
            ..Outcome::NOT_ELIGIBLE
        };
    };
    let last = first.plus(period as i32 - 1);
    rec.reading(&readings::SI_PERIOD_FROM_FIRST_MONTH);
    rec.reading(&readings::SI_TRUNCATED_TO_FEN);
    rec.computation(|| {
        TraceNode::new("computation", "补贴期限")
            .val("首个补贴月", first)
            .val("期限月数", period)
            .val("最后补贴月", last)
    });
    let mut total = Fen::ZERO;
    let mut now = Fen::ZERO;
    let mut later_months = 0u32;
    let mut later_total = Fen::ZERO;
    let mut beyond = 0u32;
    let mut before_school = 0u32;
    let mut subsidised = 0u32;
    for p in premiums {
        let in_period = p.month >= first && p.month <= last;
        let subsidy = if in_period && p.amount.0 > 0 {
            p.amount.times_fraction_truncated(num, den)
        } else {
            Fen::ZERO
        };
        if R::ON {
            if p.month > last {
                beyond += 1;
            } else if p.month < first && p.amount.0 > 0 {
                before_school += 1;
            }
            if subsidy.0 > 0 || (in_period && p.amount.0 > 0) {
                subsidised += 1;
            }
        }
        total += subsidy;
        // A month after the as-of month has not come yet: what it would bring counts in the
        // amount, not in what is payable now.
        if p.month <= as_of_month {
            now += subsidy;
        } else if subsidy.0 > 0 {
            later_months += 1;
            later_total += subsidy;
        }
    }
    if R::ON {
        let mut sorted: Vec<_> = premiums.iter().collect();
        sorted.sort_by_key(|p| p.month);
        for p in sorted {
            let in_period = p.month >= first && p.month <= last;
            let subsidy = if in_period && p.amount.0 > 0 {
                p.amount.times_fraction_truncated(num, den)
            } else {
                Fen::ZERO
            };
            rec.row(|| {
                Row::Premium(PremiumRow {
                    month: p.month,
                    paid: p.amount,
                    subsidy,
                })
            });
        }
    }
    rec.computation(|| {
        TraceNode::new(
            "computation",
            "逐月补贴：期限内每月 实缴×比例 截尾到分，明细见breakdown",
        )
        .val("比例", format!("{num}/{den}"))
        .val("补贴月数", subsidised)
        .val("合计", total)
    });
    rec.reason(|| {
        format!(
            "{who}以灵活就业人员身份缴纳社会保险费，补贴期限自{}起{}个月（至{}），每月补贴为实缴的{}/{}截尾到分；{}个月共补贴{}",
            first.zh(),
            period,
            last.zh(),
            num,
            den,
            subsidised,
            total.yuan_text()
        )
    });
    if before_school > 0 {
        rec.reason(|| format!("{before_school}个月的缴费早于离校当月，不予补贴"));
    }
    if beyond > 0 {
        rec.reason(|| {
            format!(
                "{beyond}个月的缴费在{}之后，超出{}个月补贴期限，不予补贴",
                last.zh(),
                period
            )
        });
        rec.change(|| Change {
            condition: "subsidy_period",
            text: format!(
                "补贴期限{period}个月已满（至{}），之后的月份不再补贴",
                last.zh()
            ),
            possible: false,
            from: None,
        });
    }
    let payable_from = if later_months > 0 {
        premiums
            .iter()
            .filter(|p| p.month > as_of_month && p.month >= first && p.month <= last)
            .filter(|p| p.amount.0 > 0)
            .map(|p| p.month)
            .min()
            .and_then(|m| chrono::NaiveDate::from_ymd_opt(m.year(), m.month(), 1))
    } else {
        None
    };
    if later_months > 0 {
        rec.reading(&readings::FACTS_AFTER_AS_OF_NOT_YET);
        rec.reason(|| {
            format!(
                "{later_months}个月的缴费月份在判定日期（{}）之后，还未到，其补贴{}暂不计入现可领取额",
                zh_date(cx.as_of),
                later_total.yuan_text()
            )
        });
        if let Some(d) = payable_from {
            rec.change(|| Change {
                condition: "premium_month_reached",
                text: format!("自{}起，该月及以后月份的补贴按月计入可领取额", zh_date(d)),
                possible: true,
                from: Some(d),
            });
        }
    }
    Outcome {
        eligible: true,
        amount: total,
        payable_now: now,
        payable_from,
    }
}
