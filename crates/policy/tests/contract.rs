//! The contract of shared/spec/policy-screening.md, checked on its own example.

use linghuo_policy::{Engine, ScreenOptions, parse_facts};
use serde_json::{Value, json};

const EXAMPLE: &str = r#"{
  "as_of": "2021-07-15",
  "person": {
    "groups": ["college_graduate"],
    "left_school_on": "2020-07-01",
    "flexible_work": "part_time"
  },
  "business": {
    "kind": "individual_household",
    "registered_on": "2020-11-10",
    "first_time": true,
    "operating_normally": true,
    "employees_driven": 2
  },
  "tax_years": [
    {"year": 2021, "vat": "10000.00", "urban_maintenance_tax": "700.00",
     "education_surcharge": "300.00", "local_education_surcharge": "200.00",
     "individual_income_tax": "5000.00"}
  ],
  "social_insurance_paid": [{"month": "2021-01", "amount": "600.00"}],
  "loan": {"purpose": "startup"},
  "startup_subsidy_paid": "0.00"
}"#;

const ORDER: [&str; 11] = [
    "tax_deduction",
    "startup_subsidy",
    "social_insurance_subsidy",
    "guaranteed_loan",
    "pension_deferral",
    "road_fee_exemption",
    "rent_relief",
    "venue_priority",
    "license_exemption",
    "training_subsidy",
    "assistance_referral",
];

fn screen(trace: bool) -> Value {
    let out = Engine::new().screen_json(EXAMPLE, trace).unwrap();
    serde_json::from_str(&out).unwrap()
}

#[test]
fn example_tax_deduction_matches_the_spec() {
    let d = screen(false);
    assert_eq!(d["as_of"], "2021-07-15");
    assert_eq!(d["policy"], "晋政办发〔2020〕89号");
    let t = &d["benefits"][0];
    assert_eq!(t["id"], "tax_deduction");
    assert_eq!(t["name"], "重点群体创业税收扣减");
    assert_eq!(t["eligible"], true);
    assert_eq!(t["amount"], "14400.00");
    assert_eq!(t["payable_now"], "14400.00");
    let row = &t["breakdown"][0];
    let expected = json!({"year": 2021, "limit": "14400.00", "vat": "10000.00",
         "urban_maintenance_tax": "700.00", "education_surcharge": "300.00",
         "local_education_surcharge": "200.00", "individual_income_tax": "3200.00",
         "total": "14400.00"});
    for (k, v) in expected.as_object().unwrap() {
        assert_eq!(&row[k], v, "breakdown.{k}");
    }
    assert_eq!(t["breakdown"].as_array().unwrap().len(), 1);
    assert!(
        t["reasons"][0]
            .as_str()
            .unwrap()
            .starts_with("高校毕业生从事个体经营")
    );
    let c = &t["citations"][0];
    assert_eq!(c["document"], "晋政办发〔2020〕89号");
    assert_eq!(c["clause"], "二(一)");
    assert!(c["text"].as_str().unwrap().starts_with(
        "对符合条件的建档立卡贫困人口、登记失业人员、高校毕业生等重点群体从事个体经营的"
    ));
}

#[test]
fn every_benefit_in_contract_order_with_the_required_fields() {
    let d = screen(false);
    let benefits = d["benefits"].as_array().unwrap();
    let ids: Vec<&str> = benefits.iter().map(|b| b["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ORDER);
    for b in benefits {
        assert!(b["name"].is_string());
        assert!(b["eligible"].is_boolean());
        for k in ["amount", "payable_now"] {
            let s = b[k].as_str().unwrap();
            let (_, frac) = s.split_once('.').unwrap();
            assert_eq!(frac.len(), 2, "{k} = {s}");
        }
        assert!(b["breakdown"].is_array());
        assert!(!b["reasons"].as_array().unwrap().is_empty(), "{}", b["id"]);
        let cites = b["citations"].as_array().unwrap();
        assert!(!cites.is_empty());
        for c in cites {
            let text = c["text"].as_str().unwrap();
            assert!(text.ends_with('。'), "a whole sentence: {text}");
            assert!(linghuo_policy::clauses::POLICY_TEXT.contains(text));
        }
        assert!(b.get("trace").is_none());
    }
    // The example person: startup subsidy fully payable (registered 2020-11-10,
    // 12 months on 2021-11-10 is after as_of, so only the advance), the
    // social-insurance subsidy for one month, the loan ceiling of 2021.
    let s = &benefits[1];
    assert_eq!(s["eligible"], true);
    assert_eq!(s["amount"], "2000.00");
    assert_eq!(s["payable_now"], "1000.00");
    assert_eq!(s["payable_from"], "2021-11-10");
    let si = &benefits[2];
    assert_eq!(si["amount"], "400.00");
    assert_eq!(
        si["breakdown"][0],
        json!({"month": "2021-01", "paid": "600.00", "subsidy": "400.00"})
    );
    assert_eq!(benefits[3]["amount"], "300000.00");
}

#[test]
fn receipt_is_reproducible() {
    let a = screen(false);
    let b = screen(false);
    assert_eq!(a["receipt"], b["receipt"]);
    let r = &a["receipt"];
    assert_eq!(r["engine"], "linghuo-policy");
    assert_eq!(r["engine_version"], env!("CARGO_PKG_VERSION"));
    for k in ["parameters_sha256", "policy_text_sha256", "facts_sha256"] {
        assert_eq!(r[k].as_str().unwrap().len(), 64, "{k}");
    }
    // The facts hash ignores formatting: the same facts compacted hash alike.
    let compact = serde_json::to_string(&serde_json::from_str::<Value>(EXAMPLE).unwrap()).unwrap();
    let c: Value =
        serde_json::from_str(&Engine::new().screen_json(&compact, false).unwrap()).unwrap();
    assert_eq!(c["receipt"]["facts_sha256"], r["facts_sha256"]);
    // An overlay changes the parameter hash and is named.
    let o = linghuo_policy::ParamOverride::parse("startup_subsidy.cap=5000.00@2021-01-01").unwrap();
    let e = Engine::with_overrides(&[o]).unwrap();
    let f = parse_facts(EXAMPLE).unwrap();
    let d = e.screen(&f, &ScreenOptions::default());
    assert_ne!(
        d.receipt.parameters_sha256,
        r["parameters_sha256"].as_str().unwrap()
    );
    assert_eq!(
        d.receipt.overrides,
        ["startup_subsidy.cap=5000.00@2021-01-01"]
    );
}

#[test]
fn trace_names_every_parameter_read_with_its_period_and_clause() {
    let d = screen(true);
    let loan = &d["benefits"][3]["trace"];
    assert_eq!(loan["kind"], "rule");
    let text = loan.to_string();
    assert!(text.contains("guaranteed_loan.individual_ceiling"));
    assert!(text.contains("\"effective_from\":\"2020-11-19\""));
    assert!(text.contains("\"clause\":\"二(一)\""));
    let tax = d["benefits"][0]["trace"].to_string();
    assert!(tax.contains("高校毕业生：在毕业年度内办理个体工商户登记"));
    assert!(tax.contains("\"held\":true"));
}

#[test]
fn canonical_facts_read_back_identically() {
    let f = parse_facts(EXAMPLE).unwrap();
    let again = parse_facts(&f.canonical_json()).unwrap();
    assert_eq!(f, again);
    for f in linghuo_policy::synth::population(2_000, 7) {
        assert_eq!(parse_facts(&f.canonical_json()).unwrap(), f);
    }
}

#[test]
fn fast_path_agrees_with_the_full_screening() {
    let e = Engine::new();
    for f in linghuo_policy::synth::population(3_000, 11) {
        let fast = e.decide(&f);
        let full = e.screen(&f, &ScreenOptions { trace: true });
        for (o, b) in fast.outcomes.iter().zip(&full.benefits) {
            assert_eq!(o.eligible, b.eligible, "{} {:?}", b.id, f);
            assert_eq!(o.amount, b.amount, "{}", b.id);
            assert_eq!(o.payable_now, b.payable_now, "{}", b.id);
            assert_eq!(o.payable_from, b.payable_from, "{}", b.id);
        }
    }
}

#[test]
fn amounts_are_read_exactly_or_refused() {
    let read = |m: &str| {
        parse_facts(&format!(
            r#"{{"as_of": "2021-01-01", "person": {{"groups": []}}, "startup_subsidy_paid": {m}}}"#
        ))
        .map(|f| f.startup_subsidy_paid.0)
        .map_err(|e| e.code)
    };
    assert_eq!(read(r#""600""#), Ok(60_000));
    assert_eq!(read(r#""600.5""#), Ok(60_050));
    assert_eq!(read(r#""0.01""#), Ok(1));
    assert_eq!(read(r#""123456789012345.99""#), Ok(12_345_678_901_234_599));
    assert_eq!(read(r#""1234567890123456""#), Err("out_of_range"));
    assert_eq!(read(r#""1.005""#), Err("invalid_money"));
    assert_eq!(read(r#""1.""#), Err("invalid_money"));
    assert_eq!(read(r#""""#), Err("invalid_money"));
    assert_eq!(read(r#""1,000.00""#), Err("invalid_money"));
    assert_eq!(read(r#""-1.00""#), Err("negative_money"));
    assert_eq!(read(r#""\u0031.00""#), Ok(100));
    assert_eq!(read("1.00"), Err("invalid_money"));
}
