//! Property tests of the readers that take text from people and other systems: the pay
//! parser, the import's pay columns, typical daily pay, schedules, counties and trades, and a
//! whole imported post. Whatever the input, a reader never panics; a refusal carries a stable
//! code, names the field and explains itself in Chinese; what it accepts it shows back in
//! words it reads again to the same value.
//!
//! Inputs are drawn both from arbitrary text and from the pieces people write pay and
//! schedules with (amounts, Chinese numerals, units, ranges, floors, commission), so the
//! generator reaches the parsers' deeper branches rather than failing at the first character.

use chrono::{NaiveDate, TimeZone, Utc};
use linghuo_market::import::{
    ImportedPost, parse_pay_parts, parse_schedule, parse_schedule_lenient, parse_typical_daily,
    resolve_county, resolve_trade,
};
use linghuo_market::{MarketError, Pay};
use proptest::prelude::*;
use uuid::Uuid;

const CASES: u32 = 512;

/// Pieces of pay as employers write it.
const PAY_PIECES: &[&str] = &[
    "0",
    "1",
    "2",
    "5",
    "9",
    "12",
    "20",
    "150",
    "200",
    "3000",
    "4500",
    "99999999",
    "0.5",
    ".5",
    "2.55",
    "1.234",
    "１２０",
    "一",
    "二",
    "两",
    "十",
    "百",
    "千",
    "万",
    "三千五",
    "一万二",
    "元",
    "块",
    "块钱",
    "/",
    "／",
    "每",
    "按",
    "天",
    "日",
    "小时",
    "时",
    "钟",
    "月",
    "周",
    "半天",
    "班",
    "件",
    "袋",
    "单",
    "箱",
    "平米",
    "日薪",
    "月薪",
    "时薪",
    "计件",
    "底薪",
    "保底",
    "提成",
    "纯提成",
    "起",
    "以上",
    "左右",
    "约",
    "日均",
    "面议",
    "薪资面议",
    "-",
    "–",
    "~",
    "至",
    "到",
    "＋",
    "+",
    "，",
    ",",
    "（",
    "）",
    "(",
    ")",
    " ",
    "　",
    "\t",
    "包吃住",
    "现结",
    "日结",
    "%",
    "k",
    "K",
    "w",
    "¥",
    "￥",
    "RMB",
    "e9",
    "-1",
    "NaN",
    "\u{0}",
    "\u{200b}",
    "😀",
];

/// Pieces of schedules.
const SCHEDULE_PIECES: &[&str] = &[
    "周一",
    "周二",
    "周三",
    "周六",
    "周日",
    "周末",
    "工作日",
    "每天",
    "天天",
    "单次",
    "每周",
    "至",
    "、",
    "，",
    " ",
    "08:00",
    "8:00",
    "9:30",
    "12:00",
    "17:00",
    "23:59",
    "24:00",
    "00:00",
    "25:61",
    "-",
    "–",
    "~",
    "：",
    "0",
    "99",
    "不限时段",
    "上午",
    "晚上",
    "x",
];

fn from_pieces(pieces: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(pieces), 0..max).prop_map(|v| v.concat())
}

/// Pay-like text half the time, arbitrary text the other half.
fn pay_text() -> impl Strategy<Value = String> {
    prop_oneof![from_pieces(PAY_PIECES, 8), "\\PC{0,24}", ".{0,12}"]
}

fn schedule_text() -> impl Strategy<Value = String> {
    prop_oneof![from_pieces(SCHEDULE_PIECES, 8), "\\PC{0,24}"]
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A refusal of bad input: a snake_case code, the expected field and a Chinese message.
fn assert_refusal(e: &MarketError, fields: &[&str]) -> Result<(), TestCaseError> {
    let MarketError::Invalid {
        code,
        field,
        message,
    } = e
    else {
        return Err(TestCaseError::fail(format!(
            "bad input answered as an index error: {e:?}"
        )));
    };
    prop_assert!(
        !code.is_empty()
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
        "code {code:?}"
    );
    prop_assert!(fields.contains(field), "field {field:?} of {code}");
    prop_assert!(has_chinese(message), "message {message:?} of {code}");
    Ok(())
}

/// A pay the parser accepted: valid, and its label reads back to the same value (so parsing
/// is idempotent through the label), as does its stored JSON.
fn assert_round_trip(p: &Pay) -> Result<(), TestCaseError> {
    prop_assert!(p.validate().is_ok(), "{p:?}: {:?}", p.validate());
    let label = p.label();
    let again = Pay::parse(&label);
    prop_assert_eq!(again.as_ref(), Ok(p), "label {}", label);
    let json = serde_json::to_string(p).unwrap();
    prop_assert_eq!(&serde_json::from_str::<Pay>(&json).unwrap(), p);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn pay_text_is_read_or_refused_with_a_code_and_shown_back_as_it_reads(s in pay_text()) {
        match Pay::parse(&s) {
            Ok(p) => assert_round_trip(&p)?,
            Err(e) => assert_refusal(&e, &["pay"])?,
        }
    }

    #[test]
    fn import_pay_columns_are_read_or_refused_with_a_code(
        amount in pay_text(),
        unit in prop_oneof![
            from_pieces(PAY_PIECES, 3),
            prop::sample::select(&["hour", "day", "month", "piece", "half_day", "shift", "week", "HOUR", ""][..])
                .prop_map(str::to_owned),
        ],
    ) {
        match parse_pay_parts(&amount, &unit) {
            Ok(p) => assert_round_trip(&p)?,
            Err(e) => assert_refusal(&e, &["pay"])?,
        }
    }

    #[test]
    fn typical_daily_pay_is_an_amount_or_refused_with_a_code(s in pay_text()) {
        match parse_typical_daily(&s) {
            Ok(Some(fen)) => prop_assert!(fen > 0, "{s:?} read as {fen}"),
            Ok(None) => prop_assert!(s.trim().trim_end_matches('元').trim().is_empty(), "{s:?}"),
            Err(e) => assert_refusal(&e, &["typical_daily_pay"])?,
        }
    }

    #[test]
    fn schedules_are_read_or_refused_and_their_label_reads_back(s in schedule_text()) {
        match parse_schedule(&s) {
            Ok(sched) => {
                let label = sched.label();
                let again = parse_schedule(&label);
                prop_assert!(again.is_ok(), "label {label:?} of {s:?}: {again:?}");
                prop_assert_eq!(again.unwrap().label(), label);
            }
            Err(e) => assert_refusal(&e, &["schedule"])?,
        }
        // The lenient reader of imports always gives a schedule; what it could not read it
        // keeps as written.
        let (_, unread) = parse_schedule_lenient(&s);
        if let Some(u) = unread {
            prop_assert_eq!(u, s.trim());
        }
    }

    #[test]
    fn counties_and_trades_are_found_or_refused_with_a_code(
        s in prop_oneof![
            "[0-9０-９]{0,8}",
            "\\PC{0,12}",
            from_pieces(&["太原市", "小店区", "城区", "阳泉市", "山西省", "140105", "140100", "140000", "县", "市", " "], 4),
        ],
    ) {
        if let Err(e) = resolve_county(&s) {
            assert_refusal(&e, &["county"])?;
        }
        if let Err(e) = resolve_trade(&s) {
            assert_refusal(&e, &["occupation"])?;
        }
    }

    #[test]
    fn an_imported_post_becomes_a_post_or_every_refusal_names_its_field(
        external_id in "\\PC{0,6}",
        title in prop_oneof![Just("仓库装卸工".to_string()), "\\PC{0,20}"],
        pay in proptest::option::of(pay_text()),
        pay_amount in proptest::option::of(prop_oneof![
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(|f| serde_json::json!(f)),
            pay_text().prop_map(serde_json::Value::from),
            Just(serde_json::Value::Null),
            Just(serde_json::json!([1, 2])),
        ]),
        pay_unit in proptest::option::of(from_pieces(PAY_PIECES, 2)),
        typical in proptest::option::of(prop_oneof![
            any::<i64>().prop_map(serde_json::Value::from),
            pay_text().prop_map(serde_json::Value::from),
            Just(serde_json::json!({"a": 1})),
        ]),
        county in prop_oneof![Just("140105".to_string()), Just("小店区".to_string()), "\\PC{0,8}"],
        schedule in proptest::option::of(schedule_text()),
        headcount in proptest::option::of(any::<u32>()),
        hours in proptest::option::of(any::<u32>()),
        lat in proptest::option::of(any::<f64>()),
        lon in proptest::option::of(any::<f64>()),
        start in proptest::option::of(-40_000i32..40_000),
        end in proptest::option::of(-40_000i32..40_000),
    ) {
        let base = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let day = |d: i32| base.checked_add_signed(chrono::Duration::days(i64::from(d)));
        let post = ImportedPost {
            external_id,
            title,
            description: "负责货物装卸、搬运和码放。".into(),
            occupation: "装卸工".into(),
            form: "gig".into(),
            pay,
            pay_amount,
            pay_unit,
            typical_daily_pay: typical,
            county,
            schedule,
            headcount,
            hours_per_week: hours,
            lat,
            lon,
            starts_on: start.and_then(day),
            ends_on: end.and_then(day),
            ..ImportedPost::default()
        };
        let posted_at = Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0).unwrap();
        match post.to_post(Uuid::nil(), base, posted_at) {
            Ok(job) => assert_round_trip(&job.pay)?,
            Err(errors) => {
                prop_assert!(!errors.is_empty());
                for e in &errors {
                    let MarketError::Invalid { field, .. } = e else {
                        return Err(TestCaseError::fail(format!("{e:?}")));
                    };
                    assert_refusal(e, &[field])?;
                }
            }
        }
    }
}

/// Found by the properties above: an hour too big for the minutes of a day overflowed while
/// being refused (a panic in debug builds, so a 500 for a post's schedule).
#[test]
fn an_hour_past_the_day_is_refused_not_overflowed() {
    for s in [
        "9912:00-",
        "9908:00-17:00",
        "65535:00-08:00",
        "08:00-1093:00",
    ] {
        let e = parse_schedule(s).unwrap_err();
        assert_eq!(e.code(), "time_slot_format", "{s}");
    }
}
