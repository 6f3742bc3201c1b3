//! Import of persons from staff spreadsheets on both databases: per-row reports in Chinese,
//! all-or-nothing versus skip-invalid, region scope, sealing, and idempotent re-import.

use crate::common::*;
use axum::http::StatusCode;
use base64::Engine as _;
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
        let mut staff = app.staff_in("import.city", "140100").await;
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

/// A file big enough for the bulk path (several statements, sealing on every core): every
/// row's ID number and phone open under the key bound to that row, names and groups belong
/// to the right person, and a second import changes nothing.
#[tokio::test]
async fn bulk_person_import_seals_every_row_to_its_own_person() {
    use std::collections::HashMap;
    each_app(|app| async move {
        let counties = ["140105", "140106", "140702", "141002"];
        let mut csv = String::from("姓名,身份证号码,手机号码,管辖地,地址,人员类别\n");
        let mut want: HashMap<String, (String, String, bool)> = HashMap::new();
        for i in 0..12_000u32 {
            let county = counties[i as usize % counties.len()];
            let first17 = format!(
                "{county}19{:02}{:02}{:02}{:03}",
                60 + i % 40,
                1 + (i / 40) % 12,
                1 + (i / 480) % 28,
                i / 13_440 + (i % 997)
            );
            let idn = format!("{first17}{}", linghuo_domain::check_char(&first17).unwrap());
            let name = format!("王{}", char::from_u32(0x4e00 + i).unwrap());
            let phone = format!("139{:08}", i);
            let hard = i % 7 == 0;
            csv.push_str(&format!(
                "{name},{idn},{phone},{county},,{}\n",
                if hard { "就业困难人员" } else { "" }
            ));
            assert!(
                want.insert(idn, (name, phone, hard)).is_none(),
                "row {i} repeats an ID"
            );
        }
        let bytes = csv.into_bytes();
        let records = read_person_file("p.csv", &bytes).unwrap();
        let r = app
            .svc
            .import_persons(None, &bytes, records, true)
            .await
            .unwrap();
        assert_eq!(
            (r.created, r.unchanged, r.problems.len()),
            (12_000, 0, 0),
            "{:?}",
            r.problems.first()
        );

        let sealed = linghuo_storage::persons::all_ciphertexts(&app.svc.db)
            .await
            .unwrap();
        assert_eq!(sealed.len(), 12_000);
        let mut hard_seen = 0;
        for (id, id_cipher, phone_cipher, _) in sealed {
            let open = |column: &str, c: &[u8]| {
                let plain = app
                    .svc
                    .keys
                    .open(&linghuo_service::protect::context(column, &id), c)
                    .unwrap();
                String::from_utf8(plain.to_vec()).unwrap()
            };
            let idn = open("persons.id_number", &id_cipher);
            let phone = open("persons.phone", &phone_cipher.unwrap());
            let (name, want_phone, hard) = &want[&idn];
            assert_eq!(&phone, want_phone);
            let row = linghuo_storage::persons::by_id(&app.svc.db, id)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(&row.name, name);
            let groups = linghuo_storage::persons::groups(&app.svc.db, id)
                .await
                .unwrap();
            assert_eq!(
                groups
                    .iter()
                    .map(|g| g.group_code.as_str())
                    .collect::<Vec<_>>(),
                if *hard {
                    vec!["hard_to_employ"]
                } else {
                    vec![]
                }
            );
            hard_seen += usize::from(*hard);
        }
        assert_eq!(hard_seen, 12_000usize.div_ceil(7));

        let records = read_person_file("p.csv", &bytes).unwrap();
        let again = app
            .svc
            .import_persons(None, &bytes, records, true)
            .await
            .unwrap();
        assert_eq!(
            (again.created, again.unchanged),
            (0, 12_000),
            "the same file changes nothing"
        );
        assert_eq!(
            linghuo_storage::persons::all_ciphertexts(&app.svc.db)
                .await
                .unwrap()
                .len(),
            12_000
        );
        app
    })
    .await;
}
