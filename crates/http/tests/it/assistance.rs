//! 四(十一) assistance referral and 五(十二) county fund budgets on both databases: the referral
//! list holds only the region's people the engine refers; a referral to 民政 and its outcome,
//! audited and told to the person; budgets set and raised by province and city staff, audited
//! with their history; a grant over budget held, not paid, and paid after a raise (or refused);
//! two grants that together overdraw: only one pays.

use std::sync::Arc;

use crate::common::*;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

/// A worker who signed up online (their person is in 140105): the client and the person id.
async fn worker(app: &TestApp, username: &str, seq: u32) -> (Client, String) {
    let mut c = app.worker(username, seq).await;
    let f = c.get(app, "/api/v1/me/registrations").await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.body);
    let pid = f.json()["person_id"].as_str().unwrap().to_owned();
    (c, pid)
}

async fn difficulty(app: &TestApp, s: &mut Client, person: &str, yes: bool) -> Resp {
    s.post(
        app,
        &format!("/api/v1/persons/{person}/difficulty"),
        json!({"in_difficulty": yes, "note": "入户走访：失业后没有收入"}),
    )
    .await
}

fn people(list: &Value) -> Vec<String> {
    list["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["person_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_referral_list_holds_only_the_regions_referred_people_and_outcomes_come_back() {
    each_app(|app| async move {
        let mut s1 = app.staff_in("as_s1", "140105").await;
        let mut s2 = app.staff_in("as_s2", "140106").await;
        let mut city = app.staff_in("as_c", "140100").await;
        let (mut w, p1) = worker(&app, "as_w1", 11).await;
        let p2 = app.person(&mut s1, 12, json!([])).await;
        let p3 = app.person(&mut s2, 13, json!([])).in_county("140106").await;
        let p4 = app.person(&mut s1, 14, json!([])).await;

        // Staff record what they found; a note is required when in difficulty.
        let r = s1
            .post(
                &app,
                &format!("/api/v1/persons/{p1}/difficulty"),
                json!({"in_difficulty": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], "note");
        assert_eq!(
            difficulty(&app, &mut s1, &p1, true).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            difficulty(&app, &mut s2, &p3, true).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            difficulty(&app, &mut s1, &p4, false).await.status,
            StatusCode::NO_CONTENT
        );
        // Outside the region: not found.
        assert_eq!(
            difficulty(&app, &mut s1, &p3, true).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(app.audit_count("difficulty_recorded").await, 3);

        // Only the region's people the engine refers, with the reasons in words.
        let l = s1.get(&app, "/api/v1/assistance").await;
        assert_eq!(l.status, StatusCode::OK, "{}", l.body);
        let l = l.json();
        assert_eq!(people(&l), vec![p1.clone()], "{l}");
        let reasons = l["people"][0]["reasons"].as_array().unwrap();
        assert!(
            reasons.iter().any(|r| r.as_str().unwrap().contains("民政")),
            "{l}"
        );
        assert!(
            !l["people"][0]["suggested_kind_label"]
                .as_str()
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            people(&s2.get(&app, "/api/v1/assistance").await.json()),
            vec![p3.clone()]
        );
        let c = city.get(&app, "/api/v1/assistance").await.json();
        assert_eq!(people(&c).len(), 2, "{c}");
        assert_eq!(
            people(
                &city
                    .get(&app, "/api/v1/assistance?county=140106")
                    .await
                    .json()
            ),
            vec![p3.clone()]
        );
        assert_eq!(
            s1.get(&app, "/api/v1/assistance?county=140106")
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        // The CLI's list is the same screening.
        let cli = app
            .svc
            .assistance_list_of(&linghuo_domain::RegionCode::parse("140105").unwrap(), false)
            .await
            .unwrap();
        assert_eq!(cli.people.len(), 1);

        // A referral needs a person on the list, a known kind.
        let refer = |p: &str| format!("/api/v1/persons/{p}/assistance-referrals");
        let r = s1.post(&app, &refer(&p2), json!({"kind": "dibao"})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert_eq!(r.json()["error"]["code"], "not_referred");
        let r = s1.post(&app, &refer(&p1), json!({"kind": "money"})).await;
        assert_eq!(r.json()["error"]["field"], "kind", "{}", r.body);
        let r = s1
            .post(
                &app,
                &refer(&p1),
                json!({"kind": "dibao", "sent_on": "2099-01-01"}),
            )
            .await;
        assert_eq!(r.json()["error"]["field"], "sent_on", "{}", r.body);
        assert_eq!(
            s2.post(&app, &refer(&p1), json!({"kind": "dibao"}))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let r = s1
            .post(
                &app,
                &refer(&p1),
                json!({"kind": "dibao", "note": "本人同意"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let referral = r.json();
        assert_eq!(referral["office"], "小店区民政局");
        assert!(referral["outcome"].is_null());
        let again = s1.post(&app, &refer(&p1), json!({"kind": "dibao"})).await;
        assert_eq!(
            again.json()["error"]["code"],
            "already_referred",
            "{}",
            again.body
        );
        assert_eq!(app.audit_count("assistance_referred").await, 1);

        // The person sees it: their referrals, a notice, 我的办件.
        let mine = w.get(&app, &refer(&p1)).await;
        assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
        assert_eq!(mine.json().as_array().unwrap().len(), 1);
        let notices = w.get(&app, "/api/v1/notices").await.body;
        assert!(notices.contains("小店区民政局"), "{notices}");
        let items = w.get(&app, "/services/items").await;
        assert!(items.body.contains("转介小店区民政局"), "{}", items.body);
        assert!(items.body.contains("等待民政部门办理结果"));

        // The outcome: refused needs why; accepted with the monthly amount, once.
        let rid = referral["id"].as_str().unwrap();
        let out = format!("/api/v1/assistance-referrals/{rid}/outcome");
        let r = s1.post(&app, &out, json!({"outcome": "refused"})).await;
        assert_eq!(r.json()["error"]["field"], "note", "{}", r.body);
        assert_eq!(
            s2.post(&app, &out, json!({"outcome": "accepted"}))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let r = s1
            .post(
                &app,
                &out,
                json!({"outcome": "accepted", "amount": "680", "note": "纳入低保"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["outcome"], "accepted");
        assert_eq!(r.json()["outcome_amount"], "680.00");
        let r = s1
            .post(&app, &out, json!({"outcome": "refused", "note": "重复"}))
            .await;
        assert_eq!(r.json()["error"]["code"], "outcome_recorded", "{}", r.body);
        assert_eq!(app.audit_count("assistance_outcome").await, 1);
        let items = w.get(&app, "/services/items").await.body;
        assert!(
            items.contains("民政部门已纳入救助（每月680.00元）"),
            "{items}"
        );

        // The funnel: found → referred → outcome, by county.
        let st = s1.get(&app, "/api/v1/stats").await.json();
        let a = &st["assistance"][0];
        assert_eq!(
            (
                a["found"].as_i64(),
                a["referred"].as_i64(),
                a["accepted"].as_i64()
            ),
            (Some(1), Some(1), Some(1)),
            "{st}"
        );
        assert_eq!(a["accepted_amount"], "680.00");
        let st = city.get(&app, "/api/v1/stats").await.json();
        let rows = st["assistance"].as_array().unwrap();
        assert_eq!(rows[0]["county_code"], "140100");
        assert_eq!(rows[0]["found"], 2, "{st}");
        assert_eq!(rows[0]["referred"], 1);
        assert_eq!(rows.len(), 3, "the city's total and its two counties: {st}");
        // The staff pages show the list and the funnel.
        let page = s1.get(&app, "/staff/assistance").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("assistance-people") && page.body.contains("小店区民政局"));
        let stats = s1.get(&app, "/staff/stats").await.body;
        assert!(stats.contains("困难群众转介民政") && stats.contains("资金预算使用"));

        // Difficulty resolved: off the list at once.
        assert_eq!(
            difficulty(&app, &mut s1, &p1, false).await.status,
            StatusCode::NO_CONTENT
        );
        assert!(people(&s1.get(&app, "/api/v1/assistance").await.json()).is_empty());
        app
    })
    .await;
}

async fn put_budget(app: &TestApp, s: &mut Client, county: &str, amount: &str) -> Resp {
    let year = app.svc.clock.today_cst().format("%Y").to_string();
    s.send(
        app,
        Method::PUT,
        "/api/v1/budgets",
        Some(json!({"county": county, "fund": "employment_subsidy", "year": year.parse::<i32>().unwrap(), "amount": amount, "note": "预算文件"})),
    )
    .await
}

#[tokio::test]
async fn budgets_are_set_by_province_and_city_staff_audited_with_their_history() {
    each_app(|app| async move {
        let mut prov = app.staff_in("bu_p", "140000").await;
        let mut city = app.staff_in("bu_c", "140100").await;
        let mut county = app.staff_in("bu_x", "140105").await;

        let r = put_budget(&app, &mut county, "140105", "10000").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        let r = put_budget(&app, &mut city, "140202", "10000").await;
        assert_eq!(r.json()["error"]["field"], "county", "{}", r.body);
        let r = put_budget(&app, &mut city, "140105", "1万").await;
        assert_eq!(r.json()["error"]["field"], "amount", "{}", r.body);
        let r = put_budget(&app, &mut city, "140105", "10,000.00").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["budget"], "10000.00");
        assert_eq!(r.json()["remaining"], "10000.00");
        let r = put_budget(&app, &mut prov, "140105", "12000.50").await;
        assert_eq!(r.json()["budget"], "12000.50", "{}", r.body);
        assert_eq!(app.audit_count("budget_set").await, 2);

        // The county sees its budget, the history and that it may not set it.
        let b = county.get(&app, "/api/v1/budgets").await.json();
        assert_eq!(b["rows"].as_array().unwrap().len(), 1, "{b}");
        assert_eq!(b["rows"][0]["budget"], "12000.50");
        assert_eq!(b["can_set"], false);
        let changes = b["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0]["old_amount"], "10000.00");
        assert_eq!(changes[0]["new_amount"], "12000.50");
        assert!(changes[1]["old_amount"].is_null());
        // Nothing outside the region.
        let other = app
            .staff_in("bu_y", "140106")
            .await
            .get(&app, "/api/v1/budgets")
            .await
            .json();
        assert!(other["rows"].as_array().unwrap().is_empty(), "{other}");
        // The history cannot be changed.
        let tamper = linghuo_storage::on_pool!(&app.svc.db, |p| sqlx::query(
            "UPDATE fund_budget_changes SET new_amount_fen = 1"
        )
        .execute(p)
        .await
        .map(|_| ()));
        assert!(tamper.is_err());
        let page = prov.get(&app, "/staff/budgets").await;
        assert!(
            page.body.contains("12,000.50") && page.body.contains("设定或调整预算"),
            "{}",
            page.body
        );
        app
    })
    .await;
}

/// A person of 140105 with verified facts: their social-insurance subsidy of 2,400.00 is
/// decided at once.
async fn verified_application(app: &TestApp, s: &mut Client, seq: u32) -> Value {
    let p = app
        .person(
            s,
            seq,
            json!([{"group": "hard_to_employ", "since": "2025-01-01", "source": "registry"}]),
        )
        .await;
    app.premiums_rescreened(&p, &HALF_2026, 60_000, "registry")
        .await;
    let r = s
        .post(
            app,
            &format!("/api/v1/persons/{p}/benefit-applications"),
            json!({"benefit": "social_insurance_subsidy", "consent_note": "本人书面申请"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let a = r.json();
    assert_eq!(a["status"], "approved", "{a}");
    assert_eq!(a["amount"], "2400.00");
    a
}

async fn ledger_rows(app: &TestApp, id: &str) -> (usize, usize) {
    let aid = uuid::Uuid::parse_str(id).unwrap();
    (
        linghuo_storage::benefits::transfers_of_application(&app.svc.db, aid)
            .await
            .unwrap()
            .len(),
        linghuo_storage::benefits::instructions_of_application(&app.svc.db, aid)
            .await
            .unwrap()
            .len(),
    )
}

#[tokio::test]
async fn a_grant_over_budget_is_held_not_paid_and_released_after_a_raise() {
    each_app(|app| async move {
        let mut prov = app.staff_in("ho_p", "140000").await;
        let mut s = app.staff_in("ho_s", "140105").await;
        assert_eq!(
            put_budget(&app, &mut prov, "140105", "3000").await.status,
            StatusCode::OK
        );

        let a1 = verified_application(&app, &mut s, 41).await;
        assert_eq!(a1["payments"][0]["status"], "pending");
        assert_eq!(ledger_rows(&app, a1["id"].as_str().unwrap()).await, (1, 1));

        // The second would overdraw: approved, held with the reason, nothing paid.
        let a2 = verified_application(&app, &mut s, 42).await;
        let id2 = a2["id"].as_str().unwrap().to_owned();
        assert_eq!(a2["payments"][0]["status"], "held", "{a2}");
        assert!(
            a2["payments"][0]["note"]
                .as_str()
                .unwrap()
                .contains("超出预算"),
            "{a2}"
        );
        assert_eq!(ledger_rows(&app, &id2).await, (0, 0));
        let shown = s
            .get(&app, &format!("/api/v1/benefit-applications/{id2}"))
            .await
            .json();
        assert_eq!(shown["payments"][0]["status"], "held");
        let page = s.get(&app, &format!("/staff/benefits/{id2}")).await.body;
        assert!(page.contains("暂缓发放"), "{page}");
        assert!(app.svc.ledger_check().await.unwrap().problems.is_empty());
        assert_eq!(app.audit_count("budget_hold").await, 1);

        let b = prov.get(&app, "/api/v1/budgets").await.json();
        let row = &b["rows"][0];
        assert_eq!(
            (
                row["committed"].as_str(),
                row["held"].as_str(),
                row["remaining"].as_str()
            ),
            (Some("2400.00"), Some("2400.00"), Some("600.00")),
            "{b}"
        );
        assert_eq!(row["held_count"], 1);
        let st = s.get(&app, "/api/v1/stats").await.json();
        assert_eq!(st["budgets"][0]["held"], "2400.00", "{st}");
        let hold = b["holds"][0]["id"].as_str().unwrap().to_owned();
        let decide = format!("/api/v1/budget-holds/{hold}/decision");

        // Only the province decides; not before the budget covers it; not lowered under use.
        let r = s.post(&app, &decide, json!({"decision": "release"})).await;
        assert_eq!(r.json()["error"]["code"], "province_only", "{}", r.body);
        let r = prov
            .post(&app, &decide, json!({"decision": "release"}))
            .await;
        assert_eq!(
            r.json()["error"]["code"],
            "budget_still_short",
            "{}",
            r.body
        );
        assert_eq!(ledger_rows(&app, &id2).await, (0, 0));
        let r = put_budget(&app, &mut prov, "140105", "2000").await;
        assert_eq!(
            r.json()["error"]["code"],
            "budget_below_committed",
            "{}",
            r.body
        );

        // Raised, then released: granted and paid like any other.
        assert_eq!(
            put_budget(&app, &mut prov, "140105", "5000").await.status,
            StatusCode::OK
        );
        let r = prov
            .post(
                &app,
                &decide,
                json!({"decision": "release", "note": "已追加预算"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["status"], "released");
        assert_eq!(ledger_rows(&app, &id2).await, (1, 1));
        let shown = s
            .get(&app, &format!("/api/v1/benefit-applications/{id2}"))
            .await
            .json();
        assert_eq!(shown["payments"][0]["status"], "pending", "{shown}");
        let again = prov
            .post(&app, &decide, json!({"decision": "release"}))
            .await;
        assert_eq!(again.json()["error"]["code"], "hold_decided");
        assert_eq!(ledger_rows(&app, &id2).await, (1, 1));

        // A third is held and refused: no longer approved, its months free again.
        let a3 = verified_application(&app, &mut s, 43).await;
        assert_eq!(a3["payments"][0]["status"], "held");
        let b = prov.get(&app, "/api/v1/budgets").await.json();
        let hold3 = b["holds"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["status"] == "held")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let decide3 = format!("/api/v1/budget-holds/{hold3}/decision");
        let r = prov
            .post(&app, &decide3, json!({"decision": "refuse"}))
            .await;
        assert_eq!(r.json()["error"]["field"], "note", "{}", r.body);
        let r = prov
            .post(
                &app,
                &decide3,
                json!({"decision": "refuse", "note": "本年度资金已用完"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let id3 = a3["id"].as_str().unwrap();
        let shown = s
            .get(&app, &format!("/api/v1/benefit-applications/{id3}"))
            .await
            .json();
        assert_eq!(shown["status"], "rejected", "{shown}");
        let claims = linghuo_storage::benefits::claims_with_prefix(
            &app.svc.db,
            &format!("si:{}:", a3["person_id"].as_str().unwrap()),
        )
        .await
        .unwrap();
        assert!(claims.is_empty(), "{claims:?}");
        assert_eq!(app.audit_count("budget_hold_released").await, 1);
        assert_eq!(app.audit_count("budget_hold_refused").await, 1);
        let b = prov.get(&app, "/api/v1/budgets").await.json();
        assert_eq!(b["rows"][0]["committed"], "4800.00", "{b}");
        assert_eq!(b["rows"][0]["held"], "0.00");
        let check = app.svc.ledger_check().await.unwrap();
        assert!(check.problems.is_empty(), "{:?}", check.problems);
        app
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grants_that_together_overdraw_the_budget_pay_only_what_fits() {
    each_app(|app| async move {
        let mut prov = app.staff_in("cc_p", "140000").await;
        let mut applicant = app.staff_in("cc_a", "140105").await;
        let mut reviewer = app.staff_in("cc_r", "140105").await;
        let approver = app.staff_in("cc_q", "140105").await;
        // Room for two of the six 2,400.00 grants.
        assert_eq!(put_budget(&app, &mut prov, "140105", "5000").await.status, StatusCode::OK);
        let mut ids = Vec::new();
        for seq in 51..57 {
            let p = app
                .person(&mut applicant, seq, json!([{"group": "hard_to_employ", "since": "2025-01-01", "source": "self_declared"}]))
                .await;
            app.premiums_rescreened(&p, &HALF_2026, 60_000, "registry").await;
            let r = applicant
                .post(&app, &format!("/api/v1/persons/{p}/benefit-applications"), json!({"benefit": "social_insurance_subsidy", "consent_note": "本人书面申请"}))
                .await;
            let id = r.json()["id"].as_str().unwrap().to_owned();
            let r = reviewer
                .post(&app, &format!("/api/v1/benefit-applications/{id}/review"), json!({"outcome": "approve", "note": "已核验"}))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            ids.push(id);
        }
        let app = Arc::new(app);
        let barrier = Arc::new(tokio::sync::Barrier::new(ids.len()));
        let mut tasks = Vec::new();
        for id in ids.clone() {
            let (app, barrier, mut c) = (app.clone(), barrier.clone(), approver.clone());
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                c.post(&app, &format!("/api/v1/benefit-applications/{id}/decision"), json!({"outcome": "approve"}))
                    .await
            }));
        }
        let mut answers = Vec::new();
        for t in tasks {
            answers.push(t.await.unwrap());
        }
        let app = Arc::try_unwrap(app).ok().expect("tasks done");
        for r in &answers {
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        let held = answers.iter().filter(|r| r.json()["payments"][0]["status"] == "held").count();
        let paid = answers.iter().filter(|r| r.json()["payments"][0]["status"] == "pending").count();
        assert_eq!((paid, held), (2, 4));
        let mut granted = 0;
        for id in &ids {
            granted += ledger_rows(&app, id).await.0;
        }
        assert_eq!(granted, 2);
        let b = prov.get(&app, "/api/v1/budgets").await.json();
        assert_eq!(b["rows"][0]["committed"], "4800.00", "{b}");
        assert_eq!(b["rows"][0]["held_count"], 4);
        let check = app.svc.ledger_check().await.unwrap();
        assert!(check.problems.is_empty(), "{:?}", check.problems);
        app
    })
    .await;
}

/// 四(十一) 主动申报 on both databases: a worker declares their own difficulty (one at a time,
/// bad input names the field and writes nothing); it waits for the county's staff as 待核实;
/// confirmed, it becomes the 困难摸排 record the engine reads (the person is on the referral
/// list at once); a later declaration declined with a reason; the person is told and sees both
/// in 我的办件; every step audited; staff of another county cannot see or decide it.
#[tokio::test]
async fn a_worker_declares_difficulty_and_staff_confirm_or_decline_it() {
    each_app(|app| async move {
        let mut s1 = app.staff_in("decl_s1", "140105").await;
        let mut s2 = app.staff_in("decl_s2", "140106").await;
        let (mut w, pid) = worker(&app, "decl_w", 21).await;
        let mine = "/api/v1/me/difficulty-declarations";

        // Bad input names the field and writes nothing; staff cannot declare for themselves.
        for (body, field) in [
            (json!({"in_difficulty": true, "note": "有事请打13912345678"}), "note"),
            (json!({"in_difficulty": true, "note": "困".repeat(501)}), "note"),
        ] {
            let r = w.post(&app, mine, body).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
            assert_eq!(r.json()["error"]["field"], field);
        }
        assert_eq!(w.post(&app, mine, json!({"note": "x"})).await.status, StatusCode::BAD_REQUEST);
        assert_eq!(s1.post(&app, mine, json!({"in_difficulty": true})).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM difficulty_declarations").await, 0);

        // The worker declares; one at a time.
        let r = w
            .post(&app, mine, json!({"in_difficulty": true, "note": "3月起没有活干，没有收入"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let d = r.json();
        let did = d["id"].as_str().unwrap().to_owned();
        assert_eq!(d["status"], "pending");
        assert_eq!(d["status_label"], "待核实");
        let again = w.post(&app, mine, json!({"in_difficulty": true})).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
        assert_eq!(again.json()["error"]["code"], "declaration_pending");
        assert_eq!(app.count("SELECT COUNT(*) FROM notices WHERE kind = 'difficulty_declared' AND region_code = '140105'").await, 1);

        // 待核实 for the county's staff only; not yet on the referral list (nothing checked).
        let l = s1.get(&app, "/api/v1/assistance").await.json();
        assert_eq!(l["declarations"].as_array().unwrap().len(), 1, "{l}");
        assert_eq!(l["declarations"][0]["person_id"], pid.as_str());
        assert_eq!(l["declarations"][0]["person_name"], "李*英", "masked");
        assert!(people(&l).is_empty(), "{l}");
        assert_eq!(s1.get(&app, "/api/v1/difficulty-declarations").await.json().as_array().unwrap().len(), 1);
        assert_eq!(s2.get(&app, "/api/v1/difficulty-declarations").await.json().as_array().unwrap().len(), 0);
        let confirm = format!("/api/v1/difficulty-declarations/{did}/confirm");
        assert_eq!(s2.post(&app, &confirm, json!({})).await.status, StatusCode::NOT_FOUND);
        assert_eq!(w.post(&app, &confirm, json!({})).await.status, StatusCode::FORBIDDEN);

        // Staff confirm on the page: the declaration becomes the finding, the engine refers.
        let mut b = crate::forms::Browser::of(&s1);
        let page = b.get(&app, "/staff/assistance").await;
        assert!(page.html.contains("待核实的主动申报（1件）"), "{}", page.html);
        assert!(page.html.contains("3月起没有活干"));
        let (_, page) = b
            .submit(&app, &format!("/staff/assistance/declarations/{did}/confirm"), &[("note", "电话核实，失业半年无收入"), ("county", "")])
            .await;
        assert!(page.html.contains("已核实并登记困难情况"), "{}", page.html);
        assert!(page.html.contains("待核实的主动申报（0件）"));
        assert_eq!(people(&s1.get(&app, "/api/v1/assistance").await.json()), vec![pid.clone()]);
        let dp = b.get(&app, &format!("/staff/persons/{pid}/difficulty")).await;
        assert!(dp.html.contains("本人主动申报，经核实：电话核实，失业半年无收入"), "{}", dp.html);
        assert!(dp.html.contains("已核实，已登记困难情况"));
        assert_eq!(s1.post(&app, &confirm, json!({})).await.status, StatusCode::CONFLICT);

        // The person is told and sees it in 我的办件.
        let items = w.get(&app, "/api/v1/me/items").await.json();
        let item = items.as_array().unwrap().iter().find(|i| i["kind"] == "declaration").unwrap().clone();
        assert_eq!(item["status_label"], "已核实，已登记困难情况");
        assert_eq!(item["completed"], true);
        assert_eq!(app.count("SELECT COUNT(*) FROM notices WHERE kind = 'difficulty_declaration_decided'").await, 1);

        // Later the worker says on the page the difficulty is over; staff decline, with a reason.
        let mut wb = crate::forms::Browser::of(&w);
        let hub = wb.get(&app, "/services").await;
        assert!(hub.html.contains("href=\"/services/difficulty\""), "linked from 办事大厅");
        let f = wb.get(&app, "/services/difficulty").await;
        assert!(f.html.contains("id=\"declare-form\""), "{}", f.html);
        let bad = wb.post(&app, "/services/difficulty", &[("note", "已找到工作")]).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.html.contains("in_difficulty-error") && bad.html.contains("已找到工作"), "kept what was typed");
        let (_, p) = wb.submit(&app, "/services/difficulty", &[("in_difficulty", "no"), ("note", "已找到工作")]).await;
        assert!(p.html.contains("申报已提交") && p.html.contains("id=\"declaration-pending\""), "{}", p.html);
        assert!(!p.html.contains("id=\"declare-form\""), "no second one while pending");
        let list = w.get(&app, mine).await.json();
        assert_eq!(list.as_array().unwrap().len(), 2);
        let second = list
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["status"] == "pending")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let decline = format!("/api/v1/difficulty-declarations/{second}/decline");
        let r = s1.post(&app, &decline, json!({"reason": ""})).await;
        assert_eq!(r.json()["error"]["field"], "reason", "{}", r.body);
        let r = s1.post(&app, &decline, json!({"reason": "经电话核实，目前仍无稳定收入"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["status"], "declined");
        assert_eq!(people(&s1.get(&app, "/api/v1/assistance").await.json()), vec![pid.clone()], "a decline changes no finding");
        let items = w.get(&app, "/api/v1/me/items").await.json();
        let declined = items.as_array().unwrap().iter().find(|i| i["id"] == second.as_str()).unwrap().clone();
        assert_eq!(declined["status_label"], "未予认定：经电话核实，目前仍无稳定收入");
        let p = wb.get(&app, "/services/difficulty").await;
        assert!(p.html.contains("理由：经电话核实，目前仍无稳定收入"), "{}", p.html);
        let it = wb.get(&app, "/services/items").await;
        assert!(it.html.contains("困难申报"), "{}", it.html);

        // 办事指南 has the service and links to it.
        let g = wb.get(&app, "/guide/assistance").await;
        assert_eq!(g.status, StatusCode::OK);
        assert!(g.html.contains("/services/difficulty"));

        assert_eq!(app.audit_count("difficulty_declared").await, 2);
        assert_eq!(app.audit_count("difficulty_declaration_confirmed").await, 1);
        assert_eq!(app.audit_count("difficulty_declaration_declined").await, 1);
        assert!(app.svc.verify_audit().await.unwrap().first_broken.is_none());
        app
    })
    .await;
}
