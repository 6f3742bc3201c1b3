//! The platform's readings of open policy text, each named so that a
//! determination can show which it relied on and an official can find,
//! question and change it. BRIEF.md states some; the others are choices made
//! where BRIEF.md and the contract are silent (docs/policy-engine.md lists
//! them with their reasons).

use serde::Serialize;

/// A named reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Reading {
    pub id: &'static str,
    pub text: &'static str,
}

macro_rules! readings {
    ($($name:ident = $id:literal : $text:literal;)+) => {
        $(pub const $name: Reading = Reading { id: $id, text: $text };)+
        /// Every reading, for documentation and the policy pages.
        pub const ALL: &[Reading] = &[$($name),+];
    };
}

readings! {
    SAME_DAY_MONTHS_LATER = "same_day_months_later":
        "“满几个月”指到相应月数后的同一日；该月没有这一日的，取该月最后一日（如2020年8月31日满6个月为2021年2月28日）";
    MISSING_FACT_NOT_GUESSED = "missing_fact_not_guessed":
        "认定所需的日期等事实缺失时不作推定，该群体不予认定，并说明缺少哪项事实";
    FACTS_AFTER_AS_OF_NOT_YET = "facts_after_as_of_not_yet":
        "日期在判定日期之后的事实（离校、失业登记、经营主体登记、用工登记、纳税年度、缴费月份、补缴等）视为尚未发生：不作为判定依据，并说明该日期还未到；到期后重新判定";
    BUSINESS_EXISTS_ON_AS_OF = "business_exists_on_as_of":
        "判定日期时尚未登记的经营主体不予认定";
    TAX_UNEMPLOYED_SIX_MONTHS = "tax_unemployed_six_months":
        "“符合条件的”登记失业人员：办理个体工商户登记之日已登记失业满6个月（财税〔2019〕22号）";
    TAX_GRADUATION_YEAR = "tax_graduation_year":
        "高校毕业生在毕业年度内：个体工商户在离校日期所在的自然年内登记（财税〔2019〕22号）";
    TAX_PART_YEAR = "tax_part_year":
        "扣减期不满一年的年度，限额为 年限额÷12×该年度在扣减期内的月数，登记当月算整月，按分截尾（财税〔2019〕22号）";
    TAX_PAYABLE_NOW_BEGUN_YEARS = "tax_payable_now_begun_years":
        "扣减总额按所报各纳税年度计算；现可扣减额只计判定日期所在年度及以前的年度，判定日期之后才开始的年度尚未发生，到该年度再计入";
    STARTUP_INCLUSIVE = "startup_inclusive_thresholds":
        "“6个月以上”“1年以上”含本数：登记满6个月的当日起可先行申领50%，满12个月的当日起可申领全部";
    STARTUP_AT_LEAST_ONE_EMPLOYEE = "startup_at_least_one_employee":
        "补贴按带动就业人数计算，带动人数为0（或未提供）时没有补贴，不予认定";
    STARTUP_PER_PERSON_AT_CAP = "startup_per_person_at_cap":
        "“每人不超过1000元”按每人1000元计算，总额不超过3000元";
    SI_PREMIUMS_AS_FLEXIBLE_WORKER = "si_premiums_as_flexible_worker":
        "所报社会保险缴费月份均为以灵活就业人员身份缴纳，不再另行要求灵活就业证明";
    SI_NOT_BEFORE_LEAVING_SCHOOL = "si_not_before_leaving_school":
        "高校毕业生离校当月之前的缴费不予补贴；离校当月起的缴费可补贴";
    SI_TRUNCATED_TO_FEN = "si_truncated_to_fen":
        "“不超过2/3”：每月补贴为 实缴×2/3 截尾到分，保证不超过2/3";
    SI_PERIOD_FROM_FIRST_MONTH = "si_period_from_first_month":
        "补贴期限自首个补贴月起按自然月连续计算（就业困难人员36个月，高校毕业生24个月，两者兼有按36个月），期满后的月份不予补贴";
    SI_ZERO_MONTH = "si_zero_month":
        "实缴金额为0的月份没有补贴，也不作为首个补贴月";
    SI_GRADUATE_NOT_YET_PAID = "si_graduate_not_yet_paid":
        "尚无可补贴缴费的高校毕业生，判定日期所在月份不晚于离校月份加24个月的，仍认定符合条件";
    LOAN_NATIONAL_GROUPS = "loan_national_groups":
        "创业担保贷款的国家规定对象：登记失业人员、就业困难人员（含残疾人）、退役军人、高校毕业生、返乡农民工、建档立卡贫困人口、下岗失业人员（化解过剩产能企业职工和失业人员）";
    LOAN_PAYABLE_IS_CEILING = "loan_payable_is_ceiling":
        "创业担保贷款的金额和可享受额均为判定日期有效的个人贷款额度上限，实际额度由经办银行审核";
    PENSION_MONTHS_AS_FLEXIBLE_WORKER = "pension_months_as_flexible_worker":
        "所报2020年未缴费月度视为以灵活就业人员身份暂缓缴费的月度，“确有困难”以本人自愿暂缓为准";
    PENSION_AFTER_DEADLINE = "pension_after_deadline":
        "补缴截止日（含当日）之后不能再补缴；截止日后仍符合条件的，仅限已按期补缴的情形";
    PENSION_ONLY_LISTED_MONTHS = "pension_only_listed_months":
        "补缴只针对所报的2020年未缴费月度；其他月份的补缴不予受理";
    VENUE_GROUPS = "venue_groups":
        "返乡农民工属于农民工；登记失业人员属于下岗失业人员中的失业人员，与转介低保时的“失业人员”同样认定，均优先提供免费经营场地";
    TRAINING_FLEXIBLE_WORKER = "training_flexible_worker":
        "培训补贴和创业培训面向灵活就业人员，个体经营、非全日制、新就业形态和零工等形式均属灵活就业：办理了灵活就业登记（或报了灵活就业形式）、属于平台就业人员、判定日期时有在岗的灵活形式用工登记（经零工市场录用或窗口登记），或判定日期时已登记个体工商户，任一即可";
    ASSISTANCE_ANY_DIFFICULTY = "assistance_any_difficulty":
        "基本生活陷入困境的均予转介：属于重点关注群体的转介民政部门审核低保，其他人员转介临时救助";
}
