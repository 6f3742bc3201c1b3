use super::*;
use crate::pay::{PayUnit, TimeUnit};
use crate::post::{Schedule, TimeSlot, Weekdays};
use crate::testing::*;

/// The codes of the findings that hold the post (notes are tested apart).
fn codes(f: &[Finding]) -> Vec<&'static str> {
    f.iter().filter(|x| !x.is_note()).map(|x| x.code).collect()
}

fn notes(f: &[Finding]) -> Vec<&'static str> {
    f.iter().filter(|x| x.is_note()).map(|x| x.code).collect()
}

fn clean() -> JobPost {
    let mut p = post(1, "家庭保洁员", "jiazheng.baojie");
    p.description = "负责客户家中日常清洁，提供工具，当天结算。".into();
    p
}

fn today() -> NaiveDate {
    date(2026, 11, 28)
}

#[test]
fn a_clean_post_has_no_findings() {
    assert_eq!(screen(&clean(), &ScreeningContext::new(today())), vec![]);
}

#[test]
fn a_deposit_the_job_collects_from_customers_is_no_fee() {
    for text in [
        "宾馆夜班前台，登记入住、收押金。",
        "负责帮客人收押金和退房",
        "给顾客退押金、开发票",
        "代收押金，月底对账",
    ] {
        assert_eq!(fee_requests(text, "description"), vec![], "{text}");
    }
    for text in [
        "入职登记、收押金200元",
        "收押金，离职退还",
        "员工需交押金",
        "上岗前收押金",
        "押金可退",
    ] {
        assert_eq!(fee_requests(text, "description").len(), 1, "{text}");
    }
}

#[test]
fn every_fee_word_is_caught() {
    for word in FEE_WORDS {
        for text in [
            format!("入职需交{word}200元"),
            format!("上岗前收取{word}"),
            format!("{word}：100元，离职退还"),
            format!("保洁员，日结。另收{word}"),
        ] {
            let f = fee_requests(&text, "description");
            assert_eq!(f.len(), 1, "{text}: {f:?}");
            assert_eq!(f[0].code, "fee_request");
            assert!(f[0].message.contains(word), "{text}: {}", f[0].message);
            assert_eq!(f[0].field, "description");
        }
    }
    // The longer word wins.
    let f = fee_requests("需交服装押金100元", "description");
    assert!(f[0].message.contains("服装押金"));
    // Pay-first with an amount.
    for text in [
        "入职先交200元",
        "先缴300元",
        "预交50块",
        "先付１００元再上岗",
        "需交500元",
        "先转200元到指定账户",
    ] {
        let f = fee_requests(text, "description");
        assert_eq!(codes(&f), vec!["fee_request"], "{text}");
    }
    // In the title too.
    let f = fee_requests("保洁员（交押金）", "title");
    assert_eq!(f[0].field, "title");
    assert!(f[0].message.contains("岗位名称"));
    // Evasion by spacing inside the word does not hide it.
    assert_eq!(fee_requests("需交押金", "description").len(), 1);
}

#[test]
fn negations_are_not_caught() {
    for text in [
        "不收取任何费用",
        "无需押金",
        "免培训费",
        "无押金、无中介费",
        "本岗位不收押金和服装费",
        "绝不收取保证金",
        "公司承担体检费",
        "体检费公司报销",
        "体检费由单位承担",
        "工装免费发放，工装费全免",
        "押金0元",
        "零报名费",
        "谨防收取培训费的黑中介",
        "不收取任何押金、培训费、体检费",
        "免费培训，无需先交任何费用",
        "没有介绍费",
        "办卡费用全部由公司承担",
        "严禁向求职者收取中介费",
    ] {
        let f = fee_requests(text, "description");
        assert!(f.is_empty(), "{text}: {f:?}");
    }
}

#[test]
fn negation_does_not_leak_across_sentences_or_self_payment() {
    for text in [
        "无需押金，培训费300元",
        "免费培训。需交体检费",
        "不限学历需交押金",
        "体检费自理",
        "服装费个人承担",
        "不要错过，先交200元即可上岗",
    ] {
        let f = fee_requests(text, "description");
        assert_eq!(f.len(), 1, "{text}: {f:?}");
    }
}

#[test]
fn minimum_wage_by_class_and_unit() {
    let ctx = ScreeningContext::new(today());
    let wages = MinimumWages::embedded();
    assert!(wages.classes_provisional);
    assert_eq!(wages.class_of(region("140105")), 1);
    assert_eq!(wages.class_of(region("140121")), 2);
    assert_eq!(wages.class_of(region("140932")), 3);
    let (c, s) = wages.for_county(region("140105"), today());
    assert_eq!((c.monthly_fen, c.hourly_fen), (188000, 1980));
    assert_eq!(s.effective_from, date(2021, 10, 1));
    // 小店区 (一类): 19.80/h.
    let mut p = clean();
    p.pay = Pay::new(1979, PayUnit::Hour);
    assert!(codes(&screen(&p, &ctx)).contains(&"below_minimum_wage"));
    p.pay = Pay::new(1980, PayUnit::Hour);
    assert!(!codes(&screen(&p, &ctx)).contains(&"below_minimum_wage"));
    // 小时工 paid by the day, over the scheduled hours: 4 h a day at 70 = 17.5/h.
    p.form = JobForm::Hourly;
    p.pay = Pay::yuan(70, PayUnit::Day);
    let f = screen(&p, &ctx);
    assert!(codes(&f).contains(&"below_minimum_wage"), "{f:?}");
    assert!(f[0].message.contains("17.5元"), "{}", f[0].message);
    assert!(f[0].message.contains("19.8元"), "{}", f[0].message);
    // 偏关县 (三类): 17.20/h, so 17.5 passes there.
    p.county = region("140932");
    assert!(!codes(&screen(&p, &ctx)).contains(&"below_minimum_wage"));
    // A weekend day of 兼职 at 130 without its hours: 16.25/h over 8 hours, but
    // the hours decide — a note asking for them, and the post goes live.
    let mut w = clean();
    w.form = JobForm::PartTime;
    w.schedule = Schedule::weekly(Weekdays::WEEKEND, vec![]);
    w.pay = Pay::yuan(130, PayUnit::Day);
    let f = screen(&w, &ctx);
    assert!(!codes(&f).contains(&"below_minimum_wage"), "{f:?}");
    assert!(notes(&f).contains(&"pay_hours_unstated"), "{f:?}");
    // With the hours written (09:00-17:00) it is below and holds.
    w.schedule = Schedule::weekly(Weekdays::WEEKEND, vec![TimeSlot::hm(9, 0, 17, 0)]);
    let f = screen(&w, &ctx);
    assert!(codes(&f).contains(&"below_minimum_wage"), "{f:?}");
    // A day of other work against the monthly minimum a day: 1880 / 21.75 =
    // 86.44 for 8 hours in 小店区, so 130 a day passes and 80 does not.
    let mut g = clean();
    g.form = JobForm::Gig;
    g.schedule = Schedule::weekly(
        Weekdays::WORKDAYS,
        vec![TimeSlot::hm(8, 0, 12, 0), TimeSlot::hm(13, 0, 17, 0)],
    );
    g.pay = Pay::yuan(130, PayUnit::Day);
    assert!(!codes(&screen(&g, &ctx)).contains(&"below_minimum_wage"));
    g.pay = Pay::yuan(80, PayUnit::Day);
    let f = screen(&g, &ctx);
    assert!(codes(&f).contains(&"below_minimum_wage"), "{f:?}");
    assert!(f[0].message.contains("86.44元"), "{}", f[0].message);
    // Monthly, full time.
    let mut m = clean();
    m.form = JobForm::ShortTerm;
    m.schedule = Schedule::weekly(
        Weekdays::WORKDAYS,
        vec![TimeSlot::hm(8, 0, 12, 0), TimeSlot::hm(13, 0, 17, 0)],
    );
    m.pay = Pay::yuan(1800, PayUnit::Month);
    assert!(codes(&screen(&m, &ctx)).contains(&"below_minimum_wage"));
    m.pay = Pay::yuan(1900, PayUnit::Month);
    assert!(!codes(&screen(&m, &ctx)).contains(&"below_minimum_wage"));
    // Piece rates are not checked.
    let mut x = clean();
    x.pay = Pay::yuan(1, PayUnit::Piece);
    assert!(!codes(&screen(&x, &ctx)).contains(&"below_minimum_wage"));
}

#[test]
fn a_corrected_table_can_be_loaded() {
    let text = EMBEDDED_WAGES.to_string()
        + "\n[[standard]]\neffective_from = \"2026-01-01\"\nsource = \"test\"\nverified = true\nclasses = [\n  { class = 1, monthly_fen = 220000, hourly_fen = 2300 },\n  { class = 2, monthly_fen = 210000, hourly_fen = 2200 },\n  { class = 3, monthly_fen = 200000, hourly_fen = 2100 },\n]\n";
    // TOML needs arrays of tables before other tables; rebuild the file order.
    let (head, tail) = EMBEDDED_WAGES.split_once("[county_classes]").unwrap();
    let extra = text[EMBEDDED_WAGES.len()..].to_string();
    let table = MinimumWages::from_toml(&format!("{head}{extra}\n[county_classes]{tail}")).unwrap();
    let mut ctx = ScreeningContext::new(today());
    ctx.minimum_wages = Some(&table);
    let mut p = clean();
    p.pay = Pay::yuan(22, PayUnit::Hour);
    assert!(codes(&screen(&p, &ctx)).contains(&"below_minimum_wage"));
    ctx.today = date(2025, 12, 31);
    assert!(!codes(&screen(&p, &ctx)).contains(&"below_minimum_wage"));
    assert!(MinimumWages::from_toml("nonsense = 1").is_err());
}

#[test]
fn unusual_pay() {
    let ctx = ScreeningContext::new(today());
    let mut p = clean();
    // 家政 typical 30/h: 91/h is bait, 89 is fine.
    p.schedule = Schedule::weekly(Weekdays::WORKDAYS, vec![]);
    p.pay = Pay::yuan(91, PayUnit::Hour);
    assert_eq!(codes(&screen(&p, &ctx)), vec!["pay_unusually_high"]);
    p.pay = Pay::yuan(89, PayUnit::Hour);
    assert_eq!(codes(&screen(&p, &ctx)), Vec::<&str>::new());
    // A unit typo: 300 a month for 家政 — a note asking to check, not a hold
    // (the minimum wage holds it on its own).
    p.pay = Pay::yuan(300, PayUnit::Month);
    let f = screen(&p, &ctx);
    assert!(notes(&f).contains(&"pay_unusually_low"), "{f:?}");
    assert!(!codes(&f).contains(&"pay_unusually_low"), "{f:?}");
    // Delivery per order.
    let mut d = post(2, "外卖骑手", "peisong.wangyue");
    d.form = JobForm::Platform;
    d.pay = Pay::yuan(25, PayUnit::Piece);
    assert_eq!(codes(&screen(&d, &ctx)), vec!["pay_unusually_high"]);
    d.pay = Pay::yuan(6, PayUnit::Piece);
    assert_eq!(codes(&screen(&d, &ctx)), Vec::<&str>::new());
    // 500 a day is bait for a home cleaner, the going rate for a rope-access
    // window cleaner (蜘蛛人).
    let mut c = post(3, "写字楼保洁", "baojie.baojieyuan");
    c.form = JobForm::Gig;
    c.schedule = Schedule::weekly(Weekdays::WORKDAYS, vec![]);
    c.pay = Pay::parse("500元/天").unwrap();
    assert_eq!(codes(&screen(&c, &ctx)), vec!["pay_unusually_high"]);
    c.occupation = "baojie.waiqiang".into();
    assert_eq!(codes(&screen(&c, &ctx)), Vec::<&str>::new());
}

#[test]
fn part_time_rules() {
    let ctx = ScreeningContext::new(today());
    let mut p = clean();
    p.form = JobForm::PartTime;
    p.pay = Pay::yuan(25, PayUnit::Hour);
    assert_eq!(codes(&screen(&p, &ctx)), Vec::<&str>::new());
    p.schedule = Schedule::weekly(Weekdays::WORKDAYS, vec![TimeSlot::hm(8, 0, 13, 0)]);
    assert_eq!(codes(&screen(&p, &ctx)), vec!["part_time_hours"]);
    p.schedule = Schedule::weekly(Weekdays::WORKDAYS, vec![TimeSlot::hm(8, 0, 12, 0)]);
    p.hours_per_week = Some(30);
    assert_eq!(codes(&screen(&p, &ctx)), vec!["part_time_hours"]);
    p.hours_per_week = None;
    p.pay = Pay::yuan(2000, PayUnit::Month);
    assert!(codes(&screen(&p, &ctx)).contains(&"part_time_pay_cycle"));
}

#[test]
fn duplicates_and_employer_checks() {
    let p = clean();
    let mut again = clean();
    again.id = uuid::Uuid::from_u128(2);
    again.description = "负责客户家中日常清洁，提供工具，当天结算！".into();
    let mut other = clean();
    other.id = uuid::Uuid::from_u128(3);
    other.title = "餐厅服务员".into();
    other.occupation = "canyin.fuwuyuan".into();
    let recent = [p.clone(), other];
    let mut ctx = ScreeningContext::new(today());
    ctx.recent_posts = &recent;
    assert_eq!(
        codes(&screen(&p, &ctx)),
        Vec::<&str>::new(),
        "itself is skipped"
    );
    let f = screen(&again, &ctx);
    assert_eq!(codes(&f), vec!["duplicate_post"]);
    assert!(f[0].message.contains("家庭保洁员"));
    // A different county is a different post.
    let mut elsewhere = again.clone();
    elsewhere.county = region("140106");
    assert_eq!(codes(&screen(&elsewhere, &ctx)), Vec::<&str>::new());
    assert!(text_similarity("家庭保洁员", "家庭保洁员 ") > 0.99);
    assert!(text_similarity("家庭保洁员", "小区保安员") < 0.3);
    ctx.recent_posts = &[];
    ctx.poster_matches_employer = false;
    ctx.employer_verified = false;
    assert_eq!(
        codes(&screen(&p, &ctx)),
        vec!["poster_not_employer", "employer_unverified"]
    );
}

#[test]
fn findings_are_in_chinese_and_say_what_to_change() {
    let mut p = clean();
    p.title = "急招保洁，交押金".into();
    p.description = "先交200元培训费".into();
    p.pay = Pay::yuan(10, PayUnit::Hour);
    p.form = JobForm::PartTime;
    p.schedule = Schedule::weekly(Weekdays::ALL, vec![TimeSlot::hm(8, 0, 18, 0)]);
    let mut ctx = ScreeningContext::new(today());
    ctx.poster_matches_employer = false;
    let f = screen(&p, &ctx);
    assert!(f.len() >= 5, "{f:?}");
    for x in &f {
        assert!(x.message.contains("请"), "{}", x.message);
    }
}

#[test]
fn piece_commission_and_negotiable_pay_go_live_with_a_note() {
    let ctx = ScreeningContext::new(today());
    let mut p = clean();
    // No typical daily earnings: the minimum cannot be checked.
    for (pay, note) in [
        (Pay::piece("袋", 200), "piece_rate_unchecked"),
        (Pay::parse("60元/单起").unwrap(), "piece_rate_unchecked"),
        (Pay::negotiable(), "pay_negotiable"),
        (Pay::parse("按单结算").unwrap(), "pay_negotiable"),
        (Pay::parse("计件").unwrap(), "pay_negotiable"),
        (Pay::parse("按天结算").unwrap(), "pay_negotiable"),
        (Pay::parse("底薪+提成").unwrap(), "commission_unchecked"),
        (Pay::parse("纯提成").unwrap(), "commission_unchecked"),
        // A base below the minimum: the commission may make it up.
        (Pay::parse("底薪800+提成").unwrap(), "commission_unchecked"),
    ] {
        p.pay = pay.clone();
        let f = screen(&p, &ctx);
        assert_eq!(codes(&f), Vec::<&str>::new(), "{pay}: {f:?}");
        assert_eq!(notes(&f), vec![note], "{pay}");
        assert!(publishable(&f));
        let n = f.iter().find(|x| x.is_note()).unwrap();
        assert_eq!(n.field, "pay");
        assert!(n.message.contains("照常发布"), "{}", n.message);
        assert!(n.message.contains("请"), "{}", n.message);
    }
    // A base that meets the minimum settles it.
    p.pay = Pay::parse("底薪3000+提成").unwrap();
    assert_eq!(screen(&p, &ctx), vec![]);
}

#[test]
fn typical_daily_earnings_are_checked_like_a_day_rate() {
    let ctx = ScreeningContext::new(today());
    let mut p = clean();
    // 4 hours a day (08:00-12:00): 200 a day is 50 an hour.
    p.pay = Pay::piece("袋", 200).with_typical_daily(20000);
    assert_eq!(screen(&p, &ctx), vec![]);
    // 60 a day is 15 an hour, below 19.8.
    p.pay = Pay::piece("袋", 200).with_typical_daily(6000);
    let f = screen(&p, &ctx);
    assert_eq!(codes(&f), vec!["below_minimum_wage"], "{f:?}");
    assert!(f[0].message.contains("日均收入60元"), "{}", f[0].message);
    assert!(f[0].message.contains("15元"), "{}", f[0].message);
    assert!(!publishable(&f));
    // The same for commission and 面议.
    p.pay = Pay::parse("底薪800+提成，日均200元").unwrap();
    assert_eq!(screen(&p, &ctx), vec![]);
    p.pay = Pay::parse("底薪800+提成，日均50元").unwrap();
    assert_eq!(codes(&screen(&p, &ctx)), vec!["below_minimum_wage"]);
    p.pay = Pay::parse("面议，日均50元").unwrap();
    assert_eq!(codes(&screen(&p, &ctx)), vec!["below_minimum_wage"]);
    p.pay = Pay::parse("面议，日均200元").unwrap();
    assert_eq!(screen(&p, &ctx), vec![]);
}

#[test]
fn new_time_units_are_converted_for_the_minimum() {
    let ctx = ScreeningContext::new(today());
    let mut p = clean();
    // Half day and shift of 小时工 work: over the scheduled 4 hours, like a day.
    p.form = JobForm::Hourly;
    p.pay = Pay::time(TimeUnit::HalfDay, 6000);
    assert_eq!(codes(&screen(&p, &ctx)), vec!["below_minimum_wage"]);
    p.pay = Pay::time(TimeUnit::HalfDay, 10000);
    assert_eq!(codes(&screen(&p, &ctx)), Vec::<&str>::new());
    p.pay = Pay::time(TimeUnit::Shift, 7000);
    assert_eq!(codes(&screen(&p, &ctx)), vec!["below_minimum_wage"]);
    // The same shift of 零工 work against the monthly minimum a day, pro rata
    // for 4 hours: 43.22.
    p.form = JobForm::Gig;
    assert_eq!(codes(&screen(&p, &ctx)), Vec::<&str>::new());
    p.pay = Pay::time(TimeUnit::Shift, 4000);
    assert_eq!(codes(&screen(&p, &ctx)), vec!["below_minimum_wage"]);
    p.form = JobForm::Hourly;
    // A week or 26 days as the month they add up to, against the monthly
    // minimum pro rata (20 h a week: 940).
    p.pay = Pay::time(TimeUnit::Week, 30000);
    assert_eq!(codes(&screen(&p, &ctx)), Vec::<&str>::new());
    p.pay = Pay::time(TimeUnit::Week, 20000);
    let f = screen(&p, &ctx);
    assert_eq!(codes(&f), vec!["below_minimum_wage"]);
    assert!(f[0].message.contains("折合每月约870元"), "{}", f[0].message);
    p.pay = Pay::time(TimeUnit::Days(26), 80000);
    assert!(codes(&screen(&p, &ctx)).contains(&"below_minimum_wage"));
    p.pay = Pay::time(TimeUnit::Days(26), 880_000);
    assert_eq!(codes(&screen(&p, &ctx)), Vec::<&str>::new());
    // Ranges and floors by their lower end.
    p.pay = Pay::parse("70-300元/天").unwrap();
    assert_eq!(codes(&screen(&p, &ctx)), vec!["below_minimum_wage"]);
    p.pay = Pay::parse("100元/天起").unwrap();
    assert_eq!(codes(&screen(&p, &ctx)), Vec::<&str>::new());
    // 非全日制 paid per 26 days: the cycle is over 15 days.
    p.form = JobForm::PartTime;
    p.pay = Pay::time(TimeUnit::Days(26), 880_000);
    assert!(codes(&screen(&p, &ctx)).contains(&"part_time_pay_cycle"));
    p.pay = Pay::time(TimeUnit::Days(10), 300_000);
    assert!(!codes(&screen(&p, &ctx)).contains(&"part_time_pay_cycle"));
}

#[test]
fn unusual_pay_uses_the_estimate() {
    let ctx = ScreeningContext::new(today());
    let mut p = clean();
    // 家政 typical 30/h. Typical daily earnings of 1000 over 4 h: bait.
    p.pay = Pay::piece("平方米", 500).with_typical_daily(100_000);
    assert!(codes(&screen(&p, &ctx)).contains(&"pay_unusually_high"));
    // A range is judged high by its upper end, low by its lower end.
    p.pay = Pay::parse("200-2000元/天").unwrap();
    assert_eq!(codes(&screen(&p, &ctx)), vec!["pay_unusually_high"]);
    // A low commission base is not unusual: the commission comes on top.
    p.pay = Pay::parse("底薪1000+提成").unwrap();
    assert!(!codes(&screen(&p, &ctx)).contains(&"pay_unusually_low"));
    // Nothing to estimate: never held for it.
    p.pay = Pay::piece("平方米", 1);
    assert_eq!(codes(&screen(&p, &ctx)), Vec::<&str>::new());
    // Delivery per order as before, also with other order words.
    let mut d = post(2, "外卖骑手", "peisong.wangyue");
    d.form = JobForm::Platform;
    d.pay = Pay::piece("单", 2500);
    assert_eq!(codes(&screen(&d, &ctx)), vec!["pay_unusually_high"]);
    d.pay = Pay::parse("每单4-7元").unwrap();
    assert_eq!(codes(&screen(&d, &ctx)), Vec::<&str>::new());
    d.pay = Pay::parse("每单1-7元").unwrap();
    let n = notes(&screen(&d, &ctx));
    assert!(n.contains(&"pay_unusually_low"), "{n:?}");
    assert!(codes(&screen(&d, &ctx)).is_empty());
}

#[test]
fn findings_and_notes_serialise_with_their_kind() {
    let mut p = clean();
    p.pay = Pay::negotiable();
    let f = screen(&p, &ScreeningContext::new(today()));
    let json = serde_json::to_value(&f[0]).unwrap();
    assert_eq!(json["kind"], "note");
    assert_eq!(json["code"], "pay_negotiable");
}
