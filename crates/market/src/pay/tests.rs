use proptest::prelude::*;

use super::*;

fn time(unit: TimeUnit, fen: i64) -> Pay {
    Pay::time(unit, fen)
}
fn day(fen: i64) -> Pay {
    time(TimeUnit::Day, fen)
}
fn hour(fen: i64) -> Pay {
    time(TimeUnit::Hour, fen)
}
fn month(fen: i64) -> Pay {
    time(TimeUnit::Month, fen)
}
fn piece(word: &str, fen: i64) -> Pay {
    Pay::piece(word, fen)
}
/// A unit without an amount (按单结算, 按天结算).
fn unit_only(p: Pay) -> Pay {
    Pay { min_fen: None, ..p }
}
fn negotiable() -> Pay {
    Pay::negotiable()
}
fn from(p: Pay) -> Pay {
    p.with_floor(Floor::From)
}
fn guaranteed(p: Pay) -> Pay {
    p.with_floor(Floor::Guaranteed)
}

/// Pay strings as employers write them, with what they mean. The first
/// eleven are the forms the import from another city refused.
fn table() -> Vec<(&'static str, Pay)> {
    vec![
        // What the old parser refused.
        ("3000元/月+提成", month(300_000).with_commission()),
        ("按单结算", unit_only(piece("单", 1))),
        ("45元/平方米", piece("平方米", 4500)),
        ("60元/台", piece("台", 6000)),
        ("200元/晚", time(TimeUnit::Shift, 20000)),
        ("120元/半天", time(TimeUnit::HalfDay, 12000)),
        ("8800元/26天", time(TimeUnit::Days(26), 880_000)),
        ("按斤计价", unit_only(piece("斤", 1))),
        ("计件", unit_only(piece("件", 1))),
        ("2元/袋", piece("袋", 200)),
        ("600元/吨", piece("吨", 60000)),
        // By the day.
        ("200元/天", day(20000)),
        ("日结200", day(20000)),
        ("一天180", day(18000)),
        ("200块/天", day(20000)),
        ("150-180元/天", day(15000).up_to(18000)),
        ("日薪200", day(20000)),
        ("200块一天", day(20000)),
        ("200元一天", day(20000)),
        ("200元每天", day(20000)),
        ("每天200元", day(20000)),
        ("日薪：200元", day(20000)),
        ("日工资220元", day(22000)),
        ("220元/日", day(22000)),
        ("200/天", day(20000)),
        ("200元/天（日结）", day(20000)),
        ("150元/天（日结）", day(15000)),
        ("160元/天 管午饭", day(16000)),
        ("160元/天，管吃住", day(16000)),
        ("日结 200元/天", day(20000)),
        ("150~180元/天", day(15000).up_to(18000)),
        ("150～180元/天", day(15000).up_to(18000)),
        ("150元-180元/天", day(15000).up_to(18000)),
        ("150至180元/天", day(15000).up_to(18000)),
        ("150到180元/天", day(15000).up_to(18000)),
        ("日薪200–260元", day(20000).up_to(26000)),
        ("200-260元/天", day(20000).up_to(26000)),
        ("200元/天起", from(day(20000))),
        ("日薪200元起", from(day(20000))),
        ("200元起/天", from(day(20000))),
        ("200元/天以上", from(day(20000))),
        ("200多一天", from(day(20000))),
        ("200左右/天", day(20000)),
        ("200元/工", day(20000)),
        ("200元/个工", day(20000)),
        ("180/d", day(18000)),
        ("２００元／天", day(20000)),
        ("200 元 / 天", day(20000)),
        ("人民币200元/天", day(20000)),
        ("工资200元/天", day(20000)),
        ("200元/人/天", day(20000)),
        ("包吃住，200元/天", day(20000)),
        ("１８０元/天", day(18000)),
        ("200元/天 日结", day(20000)),
        ("200元/天，当天结算", day(20000)),
        // By the hour.
        ("25元/小时", hour(2500)),
        ("25元/h", hour(2500)),
        ("25/时", hour(2500)),
        ("时薪20元", hour(2000)),
        ("时薪25.5元", hour(2550)),
        ("￥25/h", hour(2500)),
        ("￥２５／ｈ", hour(2500)),
        ("25元每小时", hour(2500)),
        ("25元一小时", hour(2500)),
        ("25元/个小时", hour(2500)),
        ("每小时25元", hour(2500)),
        ("30元/小时起", from(hour(3000))),
        ("25-30元/小时", hour(2500).up_to(3000)),
        ("小时工资22元", hour(2200)),
        ("22元/钟", hour(2200)),
        ("25元/hr", hour(2500)),
        (" 25 元 / 小时 ", hour(2500)),
        ("时薪不低于25元", from(hour(2500))),
        ("25元/小时（日结）", hour(2500)),
        ("20元/时，周结", hour(2000)),
        ("35元/h 包工作餐", hour(3500)),
        ("日结，25元/小时", hour(2500)),
        ("18.5元/小时", hour(1850)),
        // By the month.
        ("3000元/月", month(300_000)),
        ("月薪5千", month(500_000)),
        ("3000-4500元/月", month(300_000).up_to(450_000)),
        ("1.2万/月", month(1_200_000)),
        ("8000元以上/月", from(month(800_000))),
        ("月入过万", from(month(1_000_000))),
        ("3k/月", month(300_000)),
        ("1,200元/月", month(120_000)),
        ("月薪3000-4000元", month(300_000).up_to(400_000)),
        ("月薪3000元-4000元", month(300_000).up_to(400_000)),
        ("5-8k/月", month(500_000).up_to(800_000)),
        ("月薪5k-8k", month(500_000).up_to(800_000)),
        ("1.2-1.5万/月", month(1_200_000).up_to(1_500_000)),
        ("综合收入6000+", from(month(600_000))),
        ("月薪4500", month(450_000)),
        ("4500元/个月", month(450_000)),
        ("每月3500元", month(350_000)),
        ("月工资3800元", month(380_000)),
        ("两千/月", month(200_000)),
        ("月收入8000元", month(800_000)),
        ("税前4000元/月", month(400_000)),
        ("月结3000", month(300_000)),
        ("4000/月", month(400_000)),
        ("月薪：3500元", month(350_000)),
        ("每个月4000元", month(400_000)),
        ("3000元/月，五险一金", month(300_000)),
        ("月薪5000元起", from(month(500_000))),
        ("月入8000+", from(month(800_000))),
        ("两万/月", month(2_000_000)),
        ("月薪一万", month(1_000_000)),
        ("1万/月", month(1_000_000)),
        ("3千/月", month(300_000)),
        ("月薪5w", month(5_000_000)),
        ("底薪800+提成", month(80_000).with_commission()),
        ("收入过万", from(month(1_000_000))),
        // Base plus commission, guarantees.
        ("4000元/月+提成", month(400_000).with_commission()),
        ("底薪2500+提成", month(250_000).with_commission()),
        ("底薪2500元+提成", month(250_000).with_commission()),
        ("底薪3000加提成", month(300_000).with_commission()),
        ("底薪+提成", unit_only(month(1)).with_commission()),
        ("底薪2000元/月，提成另计", month(200_000).with_commission()),
        ("3000+提成", month(300_000).with_commission()),
        ("底薪3000元/月＋提成", month(300_000).with_commission()),
        (
            "底薪1800-2500+提成",
            month(180_000).up_to(250_000).with_commission(),
        ),
        ("200元/天+提成", day(20000).with_commission()),
        ("纯提成", negotiable().with_commission()),
        ("提成", negotiable().with_commission()),
        ("保底3000", guaranteed(month(300_000))),
        (
            "保底3000+提成",
            guaranteed(month(300_000)).with_commission(),
        ),
        ("保底3000元/月", guaranteed(month(300_000))),
        ("保底200元/天", guaranteed(day(20000))),
        // By the piece.
        ("每单4-7元", piece("单", 400).up_to(700)),
        ("0.8元/单", piece("单", 80)),
        ("5毛一件", piece("件", 50)),
        ("五毛一件", piece("件", 50)),
        ("5角/件", piece("件", 50)),
        ("45元/平米", piece("平方米", 4500)),
        ("45元/㎡", piece("平方米", 4500)),
        ("45元/平", piece("平方米", 4500)),
        ("100元/车", piece("车", 10000)),
        ("80元/樘", piece("樘", 8000)),
        ("3元/斤", piece("斤", 300)),
        ("10元/箱", piece("箱", 1000)),
        ("8元每单", piece("单", 800)),
        ("5元/件", piece("件", 500)),
        ("计件2元/袋", piece("袋", 200)),
        ("计件：2元/袋", piece("袋", 200)),
        ("60元/单起", from(piece("单", 6000))),
        ("每单5元", piece("单", 500)),
        ("1.5元/公斤", piece("公斤", 150)),
        ("1.5元/kg", piece("公斤", 150)),
        ("30元/棵", piece("棵", 3000)),
        ("2元/株", piece("株", 200)),
        ("200元/亩", piece("亩", 20000)),
        ("50元/桶", piece("桶", 5000)),
        ("15元/趟", piece("趟", 1500)),
        ("30元/次", piece("次", 3000)),
        ("20元/个", piece("个", 2000)),
        ("100元/场", piece("场", 10000)),
        ("300元/柜", piece("柜", 30000)),
        ("30元/只", piece("只", 3000)),
        ("50元/头", piece("头", 5000)),
        ("25元/立方", piece("立方米", 2500)),
        ("12元/米", piece("米", 1200)),
        ("5元/份", piece("份", 500)),
        ("80元/套", piece("套", 8000)),
        ("0.5元/张", piece("张", 50)),
        ("2元/盆", piece("盆", 200)),
        ("1元/瓮", piece("瓮", 100)),
        ("每袋2元", piece("袋", 200)),
        ("30元/人", piece("人", 3000)),
        ("按件计酬", unit_only(piece("件", 1))),
        ("按车算", unit_only(piece("车", 1))),
        ("按平方计价", unit_only(piece("平方米", 1))),
        ("按单结算，每单5元", piece("单", 500)),
        // With typical daily earnings.
        (
            "计件，日均200元",
            unit_only(piece("件", 1)).with_typical_daily(20000),
        ),
        (
            "2元/袋，日均200元",
            piece("袋", 200).with_typical_daily(20000),
        ),
        (
            "计件，一天能挣200左右",
            unit_only(piece("件", 1)).with_typical_daily(20000),
        ),
        (
            "每单6元，熟练工日收入300+",
            piece("单", 600).with_typical_daily(30000),
        ),
        ("面议，日均200元", negotiable().with_typical_daily(20000)),
        ("一天能挣200左右", negotiable().with_typical_daily(20000)),
        ("熟练工日收入300+", negotiable().with_typical_daily(30000)),
        ("日均200元", negotiable().with_typical_daily(20000)),
        (
            "按单结算，日均收入约250元",
            unit_only(piece("单", 1)).with_typical_daily(25000),
        ),
        // Nights, half days, weeks, N days.
        ("200元/夜", time(TimeUnit::Shift, 20000)),
        ("200元/班", time(TimeUnit::Shift, 20000)),
        ("夜班200元", time(TimeUnit::Shift, 20000)),
        ("每晚150元", time(TimeUnit::Shift, 15000)),
        ("半天120元", time(TimeUnit::HalfDay, 12000)),
        ("5000元/30天", time(TimeUnit::Days(30), 500_000)),
        ("1500元/周", time(TimeUnit::Week, 150_000)),
        ("周薪1500元", time(TimeUnit::Week, 150_000)),
        ("1500元/星期", time(TimeUnit::Week, 150_000)),
        // No amount.
        ("面议", negotiable()),
        ("薪资面议", negotiable()),
        ("工资面议", negotiable()),
        ("待遇面议", negotiable()),
        ("日结", unit_only(day(1))),
        ("按天结算", unit_only(day(1))),
        ("按小时计费", unit_only(hour(1))),
        ("按月结算", unit_only(month(1))),
    ]
}

#[test]
fn parses_pay_as_employers_write_it() {
    let table = table();
    assert!(table.len() >= 150, "{} cases", table.len());
    let mut failures = Vec::new();
    for (input, want) in &table {
        match Pay::parse(input) {
            Ok(got) if &got == want => {}
            other => failures.push(format!("{input:?}: got {other:?}, want {want:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_parsed_value_reads_back_from_its_label() {
    for (input, want) in table() {
        let label = want.label();
        assert_eq!(Pay::parse(&label).as_ref(), Ok(&want), "{input} → {label}");
        assert_eq!(want.to_string(), label);
    }
}

#[test]
fn what_cannot_be_read_fails_with_a_code_and_says_how_to_write_it() {
    let long = "200元/天".repeat(20);
    for (input, code) in [
        ("", "pay_empty"),
        ("   ", "pay_empty"),
        ("200", "pay_unit_missing"),
        ("200元", "pay_unit_missing"),
        ("8000以上", "pay_unit_missing"),
        ("保底800", "pay_unit_missing"),
        ("200元/年", "pay_unit_year"),
        ("5万/年", "pay_unit_year"),
        ("200元/年份", "pay_unit_year"),
        ("每年5万", "pay_unit_year"),
        ("1元/分钟", "pay_unit_minute"),
        ("0元/天", "pay_not_positive"),
        ("25.555元/小时", "pay_amount_invalid"),
        ("200-元/天", "pay_amount_invalid"),
        ("日薪25元/小时", "pay_unit_conflict"),
        ("月薪200元/天", "pay_unit_conflict"),
        ("99999999元/天", "pay_too_large"),
        ("1234567890123元/天", "pay_too_large"),
        ("260-200元/天", "pay_range_reversed"),
        ("元/天", "pay_amount_missing"),
        ("保底", "pay_amount_missing"),
        ("￥元/小时", "pay_amount_missing"),
        ("看情况", "pay_unreadable"),
        ("高薪", "pay_unreadable"),
        ("薪资优厚", "pay_unreadable"),
        ("200元/一个很长的单位", "pay_unit_unknown"),
        ("200元/xyz", "pay_unit_unknown"),
        ("100元/3个月", "pay_unit_unknown"),
        ("8800元/400天", "pay_unit_unknown"),
        (long.as_str(), "pay_too_long"),
    ] {
        let e = Pay::parse(input).expect_err(input);
        assert_eq!(e.code(), code, "{input:?}: {e}");
        let MarketError::Invalid { field, message, .. } = &e else {
            panic!("{input}: {e:?}");
        };
        assert_eq!(*field, "pay");
        assert!(
            message
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{message}"
        );
    }
}

#[test]
fn labels_say_it_plainly() {
    for (pay, label) in [
        (day(20000), "日薪200元"),
        (hour(2550), "时薪25.5元"),
        (month(300_000), "月薪3000元"),
        (day(20000).up_to(26000), "日薪200–260元"),
        (month(300_000).with_commission(), "底薪3000元/月＋提成"),
        (piece("袋", 200), "计件2元/袋"),
        (Pay::new(505, PayUnit::Piece), "计件5.05元/件"),
        (unit_only(piece("单", 1)), "按单结算（金额面议）"),
        (unit_only(piece("件", 1)), "计件（金额面议）"),
        (unit_only(piece("斤", 1)), "按斤计价（金额面议）"),
        (negotiable(), "面议"),
        (negotiable().with_commission(), "纯提成"),
        (
            unit_only(month(1)).with_commission(),
            "底薪＋提成（金额面议）",
        ),
        (unit_only(day(1)), "按天计薪（金额面议）"),
        (from(piece("单", 6000)), "计件60元/单起"),
        (guaranteed(month(300_000)), "保底3000元/月"),
        (from(month(1_000_000)), "月薪10000元起"),
        (time(TimeUnit::Shift, 20000), "每班200元"),
        (time(TimeUnit::HalfDay, 12000), "每半天120元"),
        (time(TimeUnit::Days(26), 880_000), "每26天8800元"),
        (time(TimeUnit::Week, 150_000), "周薪1500元"),
        (
            piece("袋", 200).with_typical_daily(20000),
            "计件2元/袋，日均约200元",
        ),
        (negotiable().with_typical_daily(20000), "面议，日均约200元"),
    ] {
        assert_eq!(pay.label(), label);
        assert_eq!(Pay::parse(label), Ok(pay), "{label}");
    }
}

#[test]
fn estimates_per_hour_and_per_day() {
    let none = WorkHours::UNKNOWN;
    let four = WorkHours::per_day(4.0);
    // A day is 8 hours unless the schedule says otherwise.
    assert_eq!(day(20000).estimated_hourly_fen(none), Some(2500));
    assert_eq!(day(20000).estimated_daily_fen(none), Some(20000));
    assert_eq!(day(20000).estimated_hourly_fen(four), Some(5000));
    assert_eq!(hour(2500).estimated_daily_fen(none), Some(20000));
    assert_eq!(hour(2500).estimated_daily_fen(four), Some(10000));
    // A month is 21.75 days of 8 hours (174 h), or the weekly hours × 52/12.
    assert_eq!(month(348_000).estimated_hourly_fen(none), Some(2000));
    let weekly = WorkHours {
        per_day: Some(8.0),
        per_week: Some(40.0),
    };
    // 3466.67 / (40 × 52 / 12 = 173.33 h) = 20.
    assert_eq!(month(346_667).estimated_hourly_fen(weekly), Some(2000));
    // A half day is 4 hours, or the scheduled (short) day, or half a long one.
    let half = time(TimeUnit::HalfDay, 12000);
    assert_eq!(half.estimated_hourly_fen(none), Some(3000));
    assert_eq!(half.estimated_daily_fen(none), Some(12000));
    assert_eq!(
        half.estimated_hourly_fen(WorkHours::per_day(3.0)),
        Some(4000)
    );
    assert_eq!(
        half.estimated_hourly_fen(WorkHours::per_day(8.0)),
        Some(3000)
    );
    assert_eq!(
        half.estimated_daily_fen(WorkHours::per_day(8.0)),
        Some(24000)
    );
    // A shift is a day; a week 5 days; N days N days.
    assert_eq!(
        time(TimeUnit::Shift, 20000).estimated_hourly_fen(none),
        Some(2500)
    );
    assert_eq!(
        time(TimeUnit::Shift, 24000).estimated_hourly_fen(WorkHours::per_day(12.0)),
        Some(2000)
    );
    assert_eq!(
        time(TimeUnit::Week, 150_000).estimated_daily_fen(none),
        Some(30000)
    );
    assert_eq!(
        time(TimeUnit::Week, 150_000).estimated_hourly_fen(none),
        Some(3750)
    );
    // 8800 / 26 days = 338.46 a day, 42.31 an hour.
    let days = time(TimeUnit::Days(26), 880_000);
    assert_eq!(days.estimated_daily_fen(none), Some(33846));
    assert_eq!(days.estimated_hourly_fen(none), Some(4231));
    // Ranges use the lower end; floors the floor; commission the base.
    assert_eq!(
        day(20000).up_to(26000).estimated_hourly_fen(none),
        Some(2500)
    );
    assert_eq!(from(day(20000)).estimated_hourly_fen(none), Some(2500));
    assert_eq!(
        month(348_000).with_commission().estimated_hourly_fen(none),
        Some(2000)
    );
    // A piece rate only through typical daily earnings.
    assert_eq!(piece("袋", 200).estimate(none), None);
    let with_typical = piece("袋", 200).with_typical_daily(20000);
    let e = with_typical.estimate(four).unwrap();
    assert_eq!(
        (e.hourly_fen, e.daily_fen, e.from_typical),
        (5000, 20000, true)
    );
    assert_eq!(negotiable().estimate(none), None);
    assert_eq!(
        negotiable()
            .with_typical_daily(20000)
            .estimated_hourly_fen(none),
        Some(2500)
    );
    assert_eq!(unit_only(day(1)).estimate(none), None);
    // Labels say they are estimates.
    assert_eq!(
        day(20000).estimate_label(none).as_deref(),
        Some("约合每小时25元（估算）")
    );
    assert_eq!(
        hour(2500).estimate_label(none).as_deref(),
        Some("约合每天200元（估算）")
    );
    assert_eq!(piece("袋", 200).estimate_label(none), None);
}

#[test]
fn expectations_compare_through_the_estimate() {
    let none = WorkHours::UNKNOWN;
    let d = day(20000);
    assert_eq!(
        d.meets(&ExpectedPay::yuan(25, PayUnit::Hour), none),
        Some(true)
    );
    assert_eq!(
        d.meets(&ExpectedPay::yuan(26, PayUnit::Hour), none),
        Some(false)
    );
    // Four hours for the same day's pay is 50 an hour.
    assert_eq!(
        d.meets(
            &ExpectedPay::yuan(26, PayUnit::Hour),
            WorkHours::per_day(4.0)
        ),
        Some(true)
    );
    assert_eq!(d.meets(&ExpectedPay::yuan(5, PayUnit::Piece), none), None);
    assert_eq!(
        piece("单", 600).meets(&ExpectedPay::yuan(5, PayUnit::Piece), none),
        Some(true)
    );
    assert_eq!(
        piece("单", 600).meets(&ExpectedPay::yuan(25, PayUnit::Hour), none),
        None
    );
    assert_eq!(
        piece("单", 600)
            .with_typical_daily(24000)
            .meets(&ExpectedPay::yuan(25, PayUnit::Hour), none),
        Some(true)
    );
    assert_eq!(
        ExpectedPay::yuan(3480, PayUnit::Month).per_hour_fen(),
        Some(2000)
    );
    assert_eq!(ExpectedPay::yuan(180, PayUnit::Day).label(), "日薪180元");
    assert_eq!(ExpectedPay::yuan(180, PayUnit::Day).to_string(), "180元/天");
    assert_eq!(PayUnit::parse("天").unwrap(), PayUnit::Day);
    assert_eq!(PayUnit::parse("month").unwrap(), PayUnit::Month);
    assert_eq!(PayUnit::parse("单").unwrap(), PayUnit::Piece);
    assert_eq!(PayUnit::parse("周").unwrap_err().code(), "pay_unit_unknown");
}

#[test]
fn stored_json_is_flat_and_reads_back() {
    let p = day(20000).up_to(26000);
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(
        json,
        r#"{"basis":"time","unit":"day","min_fen":20000,"max_fen":26000}"#
    );
    assert_eq!(serde_json::from_str::<Pay>(&json).unwrap(), p);
    let p = time(TimeUnit::Days(26), 880_000);
    assert_eq!(
        serde_json::to_string(&p).unwrap(),
        r#"{"basis":"time","unit":"days","days":26,"min_fen":880000}"#
    );
    let p = piece("袋", 200).with_typical_daily(20000);
    assert_eq!(
        serde_json::to_string(&p).unwrap(),
        r#"{"basis":"piece","unit":"袋","min_fen":200,"typical_daily_fen":20000}"#
    );
    assert_eq!(
        serde_json::to_string(&negotiable()).unwrap(),
        r#"{"basis":"none"}"#
    );
    let p = guaranteed(month(300_000)).with_commission();
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(
        json,
        r#"{"basis":"time","unit":"month","min_fen":300000,"floor":"guaranteed","commission":true}"#
    );
    assert_eq!(serde_json::from_str::<Pay>(&json).unwrap(), p);
    // What the migration writes for an old row.
    assert_eq!(
        serde_json::from_str::<Pay>(r#"{"basis":"piece","unit":"件","min_fen":500}"#).unwrap(),
        Pay::yuan(5, PayUnit::Piece)
    );
    // Invalid values are refused.
    assert!(serde_json::from_str::<Pay>(r#"{"basis":"time","unit":"day","min_fen":0}"#).is_err());
    assert!(serde_json::from_str::<Pay>(r#"{"basis":"none","min_fen":100}"#).is_err());
    assert!(serde_json::from_str::<Pay>(r#"{"basis":"time","unit":"fortnight"}"#).is_err());
}

#[test]
fn validation() {
    assert!(day(20000).validate().is_ok());
    assert_eq!(day(0).validate().unwrap_err().code(), "pay_invalid");
    assert_eq!(
        day(MAX_PAY_FEN + 1).validate().unwrap_err().code(),
        "pay_invalid"
    );
    assert_eq!(
        day(20000).up_to(20000).validate().unwrap_err().code(),
        "pay_range_reversed"
    );
    assert_eq!(
        from(day(20000).up_to(26000)).validate().unwrap_err().code(),
        "pay_floor_invalid"
    );
    assert_eq!(
        Pay {
            min_fen: Some(100),
            ..negotiable()
        }
        .validate()
        .unwrap_err()
        .code(),
        "pay_unit_missing"
    );
    assert_eq!(
        piece("天窗", 100).validate().unwrap_err().code(),
        "pay_unit_unknown"
    );
    assert_eq!(
        piece("袋", 100)
            .with_commission()
            .validate()
            .unwrap_err()
            .code(),
        "pay_commission_piece"
    );
    assert_eq!(
        time(TimeUnit::Days(1), 100).validate().unwrap_err().code(),
        "pay_unit_unknown"
    );
}

/// Piece words the generator uses: the known ones and some taken as written.
const WORDS: &[&str] = &[
    "单",
    "件",
    "个",
    "次",
    "趟",
    "份",
    "箱",
    "斤",
    "公斤",
    "吨",
    "袋",
    "包",
    "桶",
    "车",
    "米",
    "平方米",
    "立方米",
    "台",
    "樘",
    "柜",
    "场",
    "亩",
    "株",
    "棵",
    "只",
    "头",
    "套",
    "张",
    "人",
    "节",
    "课时",
    "盆",
    "瓮",
    "匹",
    "捧",
    "簸箕",
];

fn arb_time_unit() -> impl Strategy<Value = TimeUnit> {
    prop_oneof![
        Just(TimeUnit::Hour),
        Just(TimeUnit::HalfDay),
        Just(TimeUnit::Day),
        Just(TimeUnit::Shift),
        Just(TimeUnit::Week),
        Just(TimeUnit::Month),
        (2u16..=MAX_DAYS_UNIT).prop_map(TimeUnit::Days),
    ]
}

fn arb_fen() -> impl Strategy<Value = i64> {
    prop_oneof![
        (1i64..=10_000).prop_map(|y| y * 100),
        (1i64..=200_000).prop_map(|y| y * 50),
        1i64..=MAX_PAY_FEN,
    ]
}

fn arb_pay() -> impl Strategy<Value = Pay> {
    let basis = prop_oneof![
        1 => Just(None),
        6 => arb_time_unit().prop_map(|u| Some(PayBasis::Time(u))),
        3 => (0..WORDS.len()).prop_map(|i| Some(PayBasis::Piece(WORDS[i].to_string()))),
    ];
    (
        basis,
        proptest::option::weighted(0.85, arb_fen()),
        proptest::option::weighted(0.3, 1i64..=1_000_000),
        0u8..6,
        proptest::bool::weighted(0.2),
        proptest::option::weighted(0.25, arb_fen()),
    )
        .prop_filter_map(
            "a valid pay",
            |(basis, min, extra, floor, commission, typical)| {
                let min = if basis.is_some() { min } else { None };
                let max = match (min, extra) {
                    (Some(m), Some(e)) if m + e <= MAX_PAY_FEN => Some(m + e),
                    _ => None,
                };
                let floor = match floor {
                    0 if max.is_none() && min.is_some() => Some(Floor::From),
                    1 if max.is_none() && min.is_some() => Some(Floor::Guaranteed),
                    _ => None,
                };
                let commission = commission && !matches!(basis, Some(PayBasis::Piece(_)));
                let pay = Pay {
                    basis,
                    min_fen: min,
                    max_fen: max,
                    floor,
                    commission,
                    typical_daily_fen: typical,
                };
                pay.validate().is_ok().then_some(pay)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn label_parses_back_to_the_same_value(pay in arb_pay()) {
        let label = pay.label();
        prop_assert_eq!(Pay::parse(&label), Ok(pay.clone()), "{}", label);
        let json = serde_json::to_string(&pay).unwrap();
        prop_assert_eq!(serde_json::from_str::<Pay>(&json).unwrap(), pay);
    }

    #[test]
    fn estimates_are_monotone_in_the_amount(
        unit in arb_time_unit(),
        a in 1i64..=MAX_PAY_FEN / 2,
        extra in 0i64..1_000_000,
        hours in proptest::option::of(1.0f64..12.0),
    ) {
        let h = WorkHours { per_day: hours, per_week: None };
        let low = Pay::time(unit, a).estimate(h).unwrap();
        let high = Pay::time(unit, a + extra).estimate(h).unwrap();
        prop_assert!(low.hourly_fen <= high.hourly_fen);
        prop_assert!(low.daily_fen <= high.daily_fen);
        prop_assert!(low.hourly_fen >= 0);
    }
}

#[test]
fn extras_around_the_pay_are_read() {
    assert_eq!(Pay::parse("3分钱/个").unwrap(), Pay::piece("个", 3));
    assert_eq!(Pay::parse("夫妻8000元/月").unwrap(), month(800_000));
    let p = Pay::parse("水泥2毛一袋 瓷砖按箱").unwrap();
    assert_eq!(p.min_fen, Some(20));
    assert_eq!(p.piece_word(), Some("袋"));
    let p = Pay::parse("大工380 小工200").unwrap();
    assert_eq!(
        (p.time_unit(), p.min_fen, p.max_fen),
        (Some(TimeUnit::Day), Some(20000), Some(38000))
    );
    let p = Pay::parse("大工350/天 小工200/天").unwrap();
    assert_eq!((p.min_fen, p.max_fen), (Some(20000), Some(35000)));
    let p = Pay::parse("提成60%").unwrap();
    assert!(p.commission && p.min_fen.is_none(), "{p:?}");
    // Still refused: nothing that reads as pay.
    assert!(Pay::parse("看能力").is_err());
    assert!(Pay::parse("大工").is_err());
}
