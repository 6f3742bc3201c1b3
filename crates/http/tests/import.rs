//! Import of persons from staff spreadsheets on both databases: per-row reports in Chinese,
//! all-or-nothing versus skip-invalid, region scope, sealing, and idempotent re-import.

mod common;

use axum::http::StatusCode;
use base64::Engine as _;
use common::*;
use linghuo_service::person_import::read_person_file;
use serde_json::json;

fn csv() -> String {
    let good1 = id_number("140105", 301);
    let good2 = id_number("140106", 302);
    let out_of_region = id_number("140202", 303);
    format!(
        "\u{feff}姓名,身份证号码,手机号码,管辖地,地址,人员类别\n\
         王秀英,{good1},13912345601,小店区,平阳路1号,就业困难人员、高校毕业生\n\
         李建国,{good2},,140106,,\n\
         张三,140105199003071235,,140105,,\n\
         赵四,{good1},,140105,,\n\
         刘五,{out_of_region},,140202,,\n\
         孙六,{},13912345602,火星区,,\n\
         周七,{},1391234,140105,,\n",
        id_number("140105", 304),
        id_number("140105", 305),
    )
}

#[tokio::test]
async fn persons_import_reports_rows_and_changes_nothing_twice() {
    each_app(|app| async move {
        let mut acc = account(&app, "import.city", "staff", Some("140100"), &[]).await;
        let mut staff = login(&app, &mut acc).await;
        let bytes = csv().into_bytes();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let body = |all: bool| json!({"file_name": "人员.csv", "content_base64": b64, "all_or_nothing": all});

        // All or nothing: problems on rows 4 (check character), 5 (repeated), 6 (another
        // city), 7 (unknown county), 8 (phone); nothing stored.
        let r = staff.post(&app, "/api/v1/persons/import", body(true)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let r = r.json();
        assert_eq!(r["rejected"], true);
        let lines: Vec<(i64, String)> = r["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["line"].as_i64().unwrap(), p["field"].as_str().unwrap().to_owned()))
            .collect();
        let want: Vec<(i64, String)> = [(4, "id_number"), (5, "id_number"), (6, "county"), (7, "county"), (8, "phone")]
            .iter()
            .map(|(l, f)| (*l, (*f).to_owned()))
            .collect();
        assert_eq!(lines, want, "{r}");
        assert_eq!(staff.get(&app, "/api/v1/persons").await.json()["total"], 0);

        // Skip invalid: the two good rows go in, masked in lists.
        let r = staff.post(&app, "/api/v1/persons/import", body(false)).await.json();
        assert_eq!((r["created"].as_i64(), r["unchanged"].as_i64()), (Some(2), Some(0)), "{r}");
        assert_eq!(staff.get(&app, "/api/v1/persons").await.json()["total"], 2);
        let again = staff.post(&app, "/api/v1/persons/import", body(false)).await.json();
        assert_eq!((again["created"].as_i64(), again["unchanged"].as_i64()), (Some(0), Some(2)), "the same file changes nothing");
        assert!(app.svc.verify_audit().await.unwrap().first_broken.is_none());

        // A worker may not import; a wrong file is named.
        let mut w = Client::default();
        w.start(&app).await;
        assert_eq!(w.post(&app, "/api/v1/persons/import", body(false)).await.status, StatusCode::UNAUTHORIZED);
        let bad = staff
            .post(&app, "/api/v1/persons/import", json!({"file_name": "x.txt", "content_base64": "aGk="}))
            .await;
        assert_eq!(bad.json()["error"]["field"], "file_name");

        // A file without the ID column is refused before any row is read.
        let e = read_person_file("x.csv", "姓名,管辖地\n王五,140105\n".as_bytes()).unwrap_err();
        assert!(e.contains("身份证号码"), "{e}");
        app
    })
    .await;
}
