//! B1 重点群体创业税收扣减 — 二(一): for 36 months from the month the 个体工商户
//! was registered, up to 14,400 yuan per household per year (part years
//! pro rata by month) is deducted from the year's actually payable VAT, urban
//! maintenance tax, education surcharge, local education surcharge and
//! individual income tax, in that order.

use super::{Ctx, all, any, cond, need, show};
use crate::calendar::{Month, same_day_months_later, zh_date};
use crate::determination::{Change, Outcome, Row, TaxRow};
use crate::facts::{BusinessKind, Facts, Group};
use crate::money::Fen;
use crate::parameters::Param;
use crate::readings;
use crate::trace::{Recorder, TraceNode};
use chrono::Datelike;

const TAX_NAMES: [&str; 5] = [
    "增值税",
    "城市维护建设税",
    "教育费附加",
    "地方教育附加",
    "个人所得税",
];

pub(crate) fn evaluate<R: Recorder>(f: &Facts, cx: &Ctx, rec: &mut R) -> Outcome {
    let annual = need!(cx, rec, money, Param::TaxAnnualLimit);
    let window = need!(cx, rec, months, Param::TaxWindowMonths);
    let min_unemployed = need!(cx, rec, months, Param::TaxUnemploymentMinMonths);
    let business = f.business.as_ref();
    let kind = business.and_then(|b| b.kind);
    let reg = business.and_then(|b| b.registered_on);

    // 从事个体经营: a registered individual household.
    rec.open(|| all("从事个体经营（已办理个体工商户登记）"));
    let household = kind == Some(BusinessKind::IndividualHousehold);
    rec.cond(household, || {
        cond("经营主体为个体工商户").val("business.kind", show(kind.map(|k| k.code())))
    });
    let exists = reg.is_some_and(|r| r <= cx.as_of);
    rec.cond(exists, || {
        cond("判定日期时个体工商户已登记")
            .val("business.registered_on", show(reg))
            .val("as_of", cx.as_of)
    });
    let business_ok = household && exists;
    rec.close(business_ok);
    if !business_ok {
        explain_business(f, cx, rec);
    }

    // 符合条件的重点群体.
    rec.open(|| any("属于符合条件的重点群体（任一）"));
    // A 建档立卡贫困人口 qualifies without dates: the others' dates to come do not matter.
    let relevant: &[Group] = if f.person.groups.contains(Group::RegisteredPoor) {
        &[]
    } else {
        &[Group::RegisteredUnemployed, Group::CollegeGraduate]
    };
    let ga = super::groups_as_of(f, cx, rec, relevant, |g, d| {
        let r = reg?;
        Some(match g {
            Group::CollegeGraduate if r.year() != d.year() => {
                Err("个体工商户不是在离校当年（毕业年度）登记的")
            }
            Group::RegisteredUnemployed if r < same_day_months_later(d, min_unemployed) => {
                Err("个体工商户登记时登记失业未满6个月")
            }
            _ => Ok(()),
        })
    });
    let groups = ga.held;
    let mut qualifying: u16 = 0;
    if groups.contains(Group::RegisteredPoor) {
        qualifying |= 1 << Group::RegisteredPoor as u16;
        rec.cond(true, || {
            cond("建档立卡贫困人口").val("person.groups", "registered_poor")
        });
    }
    if groups.contains(Group::RegisteredUnemployed) {
        match (f.person.unemployment_registered_on, reg) {
            (Some(u), Some(r)) => {
                let threshold = same_day_months_later(u, min_unemployed);
                let ok = r >= threshold;
                rec.reading(&readings::TAX_UNEMPLOYED_SIX_MONTHS);
                rec.reading(&readings::SAME_DAY_MONTHS_LATER);
                rec.cond(ok, || {
                    cond("登记失业人员：个体工商户登记之日已登记失业满6个月")
                        .val("person.unemployment_registered_on", u)
                        .val("满期之日", threshold)
                        .val("business.registered_on", r)
                });
                if ok {
                    qualifying |= 1 << Group::RegisteredUnemployed as u16;
                } else {
                    rec.reason(|| {
                        format!(
                            "登记失业人员于{}登记失业，个体工商户于{}登记时登记失业未满{}个月（满期之日为{}），不属于符合条件的登记失业人员",
                            zh_date(u),
                            zh_date(r),
                            min_unemployed,
                            zh_date(threshold)
                        )
                    });
                    rec.change(|| Change {
                        condition: "unemployed_six_months_at_registration",
                        text: format!(
                            "个体工商户登记时登记失业未满{min_unemployed}个月（须在{}或之后登记），不符合条件",
                            zh_date(threshold)
                        ),
                        possible: false,
                        from: None,
                    });
                }
            }
            (None, _) => {
                rec.reading(&readings::MISSING_FACT_NOT_GUESSED);
                rec.cond(false, || {
                    cond("登记失业人员：须有失业登记日期")
                        .val("person.unemployment_registered_on", "（未提供）")
                });
                rec.reason(|| {
                    "登记失业人员未提供失业登记日期，无法认定是否登记失业满6个月".to_string()
                });
                rec.change(|| Change {
                    condition: "unemployment_registered_on_known",
                    text: "提供失业登记日期后重新判定".to_string(),
                    possible: true,
                    from: None,
                });
            }
            (Some(_), None) => {
                rec.cond(false, || {
                    cond("登记失业人员：须有个体工商户登记日期")
                        .val("business.registered_on", "（未提供）")
                });
            }
        }
    }
    if groups.contains(Group::CollegeGraduate) {
        match (f.person.left_school_on, reg) {
            (Some(l), Some(r)) => {
                let ok = r.year() == l.year();
                rec.reading(&readings::TAX_GRADUATION_YEAR);
                rec.cond(ok, || {
                    cond("高校毕业生：在毕业年度内办理个体工商户登记")
                        .val("person.left_school_on", l)
                        .val("business.registered_on", r)
                });
                if ok {
                    qualifying |= 1 << Group::CollegeGraduate as u16;
                } else {
                    rec.reason(|| {
                        format!(
                            "高校毕业生于{}离校，个体工商户于{}年登记，不在毕业年度（{}年）内",
                            zh_date(l),
                            r.year(),
                            l.year()
                        )
                    });
                    rec.change(|| Change {
                        condition: "graduate_registered_in_graduation_year",
                        text: format!(
                            "个体工商户不是在毕业年度（{}年）内登记的，以高校毕业生身份不符合条件",
                            l.year()
                        ),
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
                rec.reason(|| "高校毕业生未提供离校日期，无法认定是否在毕业年度内".to_string());
                rec.change(|| Change {
                    condition: "left_school_on_known",
                    text: "提供离校日期后重新判定".to_string(),
                    possible: true,
                    from: None,
                });
            }
            (Some(_), None) => {
                rec.cond(false, || {
                    cond("高校毕业生：须有个体工商户登记日期")
                        .val("business.registered_on", "（未提供）")
                });
            }
        }
    }
    let group_ok = qualifying != 0;
    rec.close(group_ok);
    let any_named = groups.contains(Group::RegisteredPoor)
        || groups.contains(Group::RegisteredUnemployed)
        || groups.contains(Group::CollegeGraduate);
    if !any_named && ga.pending.is_empty() {
        rec.reason(|| {
            format!(
                "不属于建档立卡贫困人口、登记失业人员、高校毕业生等重点群体（所报群体：{}）",
                groups.zh()
            )
        });
        rec.change(|| Change {
            condition: "key_group",
            text: "仅限建档立卡贫困人口、登记失业人员、高校毕业生等重点群体".to_string(),
            possible: false,
            from: None,
        });
    }
    if !(business_ok && group_ok) {
        return Outcome::NOT_ELIGIBLE;
    }
    let Some(reg) = reg else {
        return Outcome::NOT_ELIGIBLE;
    };

    let start = Month::of(reg);
    let end = start.plus(window as i32 - 1);
    rec.computation(|| {
        TraceNode::new("computation", "扣减期：自登记当月起的月数")
            .val("起始月", start)
            .val("截止月", end)
            .val("月数", window)
    });
    rec.reason(|| {
        let who: Vec<&str> = Group::ALL
            .into_iter()
            .filter(|g| qualifying & (1 << *g as u16) != 0)
            .map(Group::zh)
            .collect();
        format!(
            "{}从事个体经营，个体工商户于{}登记，扣减期为{}至{}（{}个月），每户每年限额{}",
            who.join("、"),
            zh_date(reg),
            start.zh(),
            end.zh(),
            window,
            annual.yuan_text()
        )
    });
    if f.tax_years.is_empty() {
        rec.reason(|| "未提供纳税年度的应纳税额，扣减金额为0.00元".to_string());
        rec.change(|| Change {
            condition: "tax_years_known",
            text: "提供各纳税年度实际应缴纳的税额后即可计算扣减额".to_string(),
            possible: true,
            from: None,
        });
    }

    let mut total = Fen::ZERO;
    let mut now = Fen::ZERO;
    let mut next_year: Option<i32> = None;
    let this_year = cx.as_of.year();
    for ty in &f.tax_years {
        let lo = start.max(Month::new(ty.year, 1));
        let hi = end.min(Month::new(ty.year, 12));
        let months = if hi >= lo {
            (hi.0 - lo.0 + 1) as u32
        } else {
            0
        };
        let limit = if months == 12 {
            annual
        } else {
            Fen(annual.0 * i64::from(months) / 12)
        };
        if months > 0 && months < 12 {
            rec.reading(&readings::TAX_PART_YEAR);
        }
        let taxes = ty.in_deduction_order();
        let mut left = limit;
        let mut used = [Fen::ZERO; 5];
        for (u, t) in used.iter_mut().zip(taxes) {
            let d = t.min(left);
            *u = d;
            left -= d;
        }
        let year_total = limit - left;
        total += year_total;
        let begun = ty.year <= this_year;
        if begun {
            now += year_total;
        } else if year_total.0 > 0 {
            next_year = Some(next_year.map_or(ty.year, |y| y.min(ty.year)));
            rec.reading(&readings::FACTS_AFTER_AS_OF_NOT_YET);
            rec.reason(|| {
                format!(
                    "{}年度还未开始（判定日期为{}），该年度的扣减额{}暂不计入现可扣减额",
                    ty.year,
                    zh_date(cx.as_of),
                    year_total.yuan_text()
                )
            });
        }
        rec.computation(|| {
            let mut n = TraceNode::new("computation", format!("{}年度扣减", ty.year))
                .val("扣减期内月数", months)
                .val("当年限额", format!("{}×{}/12 = {}", annual, months, limit));
            for k in 0..5 {
                n = n.val(TAX_NAMES[k], format!("应纳{} 扣减{}", taxes[k], used[k]));
            }
            n.val("合计", year_total)
                .val("判定日期时该年度已开始", begun)
        });
        rec.row(|| {
            Row::Tax(TaxRow {
                year: ty.year,
                limit,
                vat: used[0],
                urban_maintenance_tax: used[1],
                education_surcharge: used[2],
                local_education_surcharge: used[3],
                individual_income_tax: used[4],
                total: year_total,
                months_in_window: months,
            })
        });
        rec.reason(|| {
            if months == 0 {
                return format!("{}年不在扣减期内，不扣减", ty.year);
            }
            let parts: Vec<String> = (0..5)
                .filter(|k| used[*k].0 > 0)
                .map(|k| format!("{}{}", TAX_NAMES[k], used[k].yuan_text()))
                .collect();
            let exhausted = if left.0 == 0 && taxes.iter().copied().sum::<Fen>() > limit {
                "，限额已用完"
            } else {
                ""
            };
            format!(
                "{}年有{}个月在扣减期内，当年限额{}；依次扣减{}，共扣减{}{}",
                ty.year,
                months,
                limit.yuan_text(),
                if parts.is_empty() {
                    "（无应纳税额）".to_string()
                } else {
                    parts.join("、")
                },
                year_total.yuan_text(),
                exhausted
            )
        });
    }
    rec.reading(&readings::TAX_PAYABLE_NOW_BEGUN_YEARS);
    let payable_from = next_year.and_then(|y| chrono::NaiveDate::from_ymd_opt(y, 1, 1));
    if let Some(d) = payable_from {
        rec.change(|| Change {
            condition: "tax_year_begun",
            text: format!("自{}起，{}年度的扣减额计入可扣减额", zh_date(d), d.year()),
            possible: true,
            from: Some(d),
        });
    }
    Outcome {
        eligible: true,
        amount: total,
        payable_now: now,
        payable_from,
    }
}

fn explain_business<R: Recorder>(f: &Facts, cx: &Ctx, rec: &mut R) {
    let Some(b) = f.business.as_ref() else {
        rec.reason(|| "未从事个体经营（未填写经营主体）".to_string());
        rec.change(|| Change {
            condition: "individual_household",
            text: "办理个体工商户登记、从事个体经营后可享受".to_string(),
            possible: true,
            from: None,
        });
        return;
    };
    match b.kind {
        Some(BusinessKind::IndividualHousehold) => {}
        Some(k) => {
            rec.reason(|| format!("经营主体为{}，本项仅适用于个体工商户", k.zh()));
            rec.change(|| Change {
                condition: "individual_household",
                text: "以个体工商户形式从事个体经营方可享受".to_string(),
                possible: true,
                from: None,
            });
        }
        None => {
            rec.reason(|| "未提供经营主体类型，无法认定是否为个体工商户".to_string());
            rec.change(|| Change {
                condition: "individual_household",
                text: "提供经营主体类型后重新判定".to_string(),
                possible: true,
                from: None,
            });
        }
    }
    match b.registered_on {
        None => {
            rec.reason(|| "未提供个体工商户登记日期".to_string());
            rec.change(|| Change {
                condition: "registered_on_known",
                text: "提供个体工商户登记日期后重新判定".to_string(),
                possible: true,
                from: None,
            });
        }
        Some(r) if r > cx.as_of => {
            rec.reading(&readings::BUSINESS_EXISTS_ON_AS_OF);
            rec.reading(&readings::FACTS_AFTER_AS_OF_NOT_YET);
            rec.reason(|| {
                format!(
                    "个体工商户的登记日期{}还未到（判定日期为{}），判定日期时尚未登记",
                    zh_date(r),
                    zh_date(cx.as_of)
                )
            });
            rec.change(|| Change {
                condition: "business_registered",
                text: format!("自{}个体工商户登记后可享受", zh_date(r)),
                possible: true,
                from: Some(r),
            });
        }
        Some(_) => {}
    }
}
