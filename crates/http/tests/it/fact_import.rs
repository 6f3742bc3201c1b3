//! Importing the facts other registers keep (registrations, business registrations, tax,
//! social-insurance payments) through the API on both databases: per-row reports, skip-invalid
//! and all-or-nothing, idempotent re-import, region scope, and imported facts deciding
//! applications automatically.

use crate::common::*;
use axum::http::StatusCode;
use base64::Engine as _;
use serde_json::{Value, json};

async fn import(
    app: &TestApp,
    c: &mut Client,
    kind: &str,
    name: &str,
    content: &str,
    all_or_nothing: bool,
) -> (StatusCode, Value) {
    let b64 = base64::engine::general_purpose::STANDARD.encode(content.as_bytes());
    let r = c
        .post(
            app,
            &format!("/api/v1/imports/{kind}"),
            json!({"file_name": name, "content_base64": b64, "all_or_nothing": all_or_nothing}),
        )
        .await;
    (r.status, r.json())
}

#[tokio::test]
async fn social_insurance_rows_are_reported_and_reimport_changes_nothing() {
    each_app(|app| async move {
        let mut s = app.staff_in("fi_s", "140105").await;
        app.person(&mut s, 101, json!([{"group": "hard_to_employ", "since": "2025-01-01", "source": "registry"}])).named("赵桂兰").await;
        let mut other = app.staff_in("fi_o", "140106").await;
        app.person(&mut other, 102, json!([])).named("赵桂兰").in_county("140106").await;
        let me = id_number("140105", 101);
        let far = id_number("140106", 102);
        let file = format!(
            "身份证号码,缴费月份,缴费金额\n{me},2026-01,600.00\n{me},2026-02,600.00\n{me},2026-02,600.00\n123,2026-03,600.00\n{me},2026-13,600.00\n{me},2026-04,-5\n{far},2026-01,600.00\n"
        );
        // All-or-nothing: problems, nothing stored.
        let (st, r) = import(&app, &mut s, "social-insurance", "si.csv", &file, true).await;
        assert_eq!(st, StatusCode::OK, "{r}");
        assert_eq!(r["rejected"], true);
        let problems: Vec<(i64, String)> = r["problems"].as_array().unwrap().iter()
            .map(|p| (p["line"].as_i64().unwrap(), p["field"].as_str().unwrap().to_owned())).collect();
        assert_eq!(problems, vec![
            (4, "month".into()), (5, "id_number".into()), (6, "month".into()), (7, "amount".into()), (8, "id_number".into())
        ], "{r}");
        let pid = uuid::Uuid::parse_str(s.post(&app, "/api/v1/persons/search", json!({"q": me})).await.json()["items"][0]["id"].as_str().unwrap()).unwrap();
        assert!(linghuo_storage::benefits::si_of(&app.svc.db, pid).await.unwrap().is_empty());
        // Skip-invalid: the two good rows; the same file again changes nothing.
        let (_, r) = import(&app, &mut s, "social-insurance", "si.csv", &file, false).await;
        assert_eq!((r["changed"].as_i64(), r["unchanged"].as_i64(), r["rejected"].as_bool()), (Some(2), Some(0), Some(false)), "{r}");
        let (_, r) = import(&app, &mut s, "social-insurance", "si.csv", &file, false).await;
        assert_eq!((r["changed"].as_i64(), r["unchanged"].as_i64()), (Some(0), Some(2)), "{r}");
        assert_eq!(linghuo_storage::benefits::si_of(&app.svc.db, pid).await.unwrap().len(), 2);
        // A corrected amount changes that month only.
        let fixed = format!("身份证号码,缴费月份,缴费金额\n{me},2026-01,600.00\n{me},2026-02,650.00\n");
        let (_, r) = import(&app, &mut s, "social-insurance", "si.csv", &fixed, true).await;
        assert_eq!((r["changed"].as_i64(), r["unchanged"].as_i64()), (Some(1), Some(1)), "{r}");
        let months = linghuo_storage::benefits::si_of(&app.svc.db, pid).await.unwrap();
        assert_eq!(months.iter().map(|m| m.amount_fen).collect::<Vec<_>>(), vec![60000, 65000]);
        // Wrong columns and a truncated workbook are refused as a whole.
        let (st, r) = import(&app, &mut s, "social-insurance", "si.csv", "身份证号码,月份,金额\n", false).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{r}");
        assert!(r["error"]["message"].as_str().unwrap().contains("缴费月份"));
        let xlsx = linghuo_service::export::to_xlsx(&linghuo_service::export::Sheet {
            title: "社保".into(), headers: vec!["身份证号码".into(), "缴费月份".into(), "缴费金额".into()], rows: vec![],
        }).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&xlsx[..xlsx.len() / 2]);
        let r = s.post(&app, "/api/v1/imports/social-insurance", json!({"file_name": "si.xlsx", "content_base64": b64})).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        let r = s.get(&app, "/api/v1/imports/tax/template").await;
        assert!(r.body.contains("身份证号码,年度,增值税"));
        assert_eq!(s.post(&app, "/api/v1/imports/pets", json!({"file_name": "a.csv", "content_base64": ""})).await.json()["error"]["field"], "kind");
        // The change queued the person for 免申即享.
        let found = app.svc.rescreen_changed().await.unwrap();
        assert_eq!(found.newly_eligible, 1, "{found:?}");
        app
    })
    .await;
}

#[tokio::test]
async fn imported_business_and_registration_decide_a_startup_subsidy() {
    each_app(|app| async move {
        let mut s = app.staff_in("fb_s", "140105").await;
        let pid = app.person(&mut s, 111, json!([{"group": "hard_to_employ", "since": "2024-01-01", "source": "registry"}])).named("赵桂兰").await;
        let me = id_number("140105", 111);
        let uscc = "92140105MA0L5K5X8Y";
        let uscc = match linghuo_domain::Uscc::parse(uscc) {
            Ok(_) => uscc.to_owned(),
            Err(_) => format!("92140105MA0L5K5X8{}", linghuo_domain::uscc_check_char("92140105MA0L5K5X8").unwrap()),
        };
        let registered = (app.svc.clock.today_cst() - chrono::Duration::days(400)).to_string();
        let file = format!(
            "身份证号码,主体类型,名称,统一社会信用代码,登记日期,首次创业,正常经营,带动就业人数\n{me},个体工商户,小店区桂兰早餐店,{uscc},{registered},是,是,2\n{me},小作坊,错误,{uscc},{registered},是,是,1\n"
        );
        let (_, r) = import(&app, &mut s, "businesses", "biz.csv", &file, false).await;
        assert_eq!(r["changed"], 1, "{r}");
        assert_eq!(r["problems"][0]["field"], "kind");
        let (_, r) = import(&app, &mut s, "businesses", "biz.csv", &file, false).await;
        assert_eq!(r["unchanged"], 1, "{r}");
        let regs = format!("身份证号码,登记类型,开始日期,结束日期,用人单位,灵活就业形式\n{me},灵活就业登记,{registered},,,个体经营\n");
        let (_, r) = import(&app, &mut s, "registrations", "reg.csv", &regs, true).await;
        assert_eq!(r["changed"], 1, "{r}");
        let (_, r) = import(&app, &mut s, "registrations", "reg.csv", &regs, true).await;
        assert_eq!(r["unchanged"], 1, "{r}");
        let f = s.get(&app, &format!("/api/v1/persons/{pid}/registrations")).await.json();
        assert_eq!(f["current"]["flexible_form"], "self_employed");
        let r = s
            .post(&app, &format!("/api/v1/persons/{pid}/benefit-applications"), json!({"benefit": "startup_subsidy", "consent_note": "本人书面申请"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["route"], "automatic", "{}", r.body);
        assert_eq!(r.json()["status"], "approved", "{}", r.body);
        assert_eq!(r.json()["amount"], "2000.00", "2 people × 1000, over a year");
        assert_eq!(linghuo_storage::audit::recent(&app.svc.db, Some("facts_imported"), 10).await.unwrap().len(), 4);
        app
    })
    .await;
}
