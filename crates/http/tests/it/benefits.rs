//! Public services through the API on both databases: the registration state machine with
//! the 就业创业证, benefit applications decided automatically or by two people, the ledger
//! that never pays twice (32 concurrent approvals, idempotency keys), bank batches exported
//! identically and reconciled from the bank's answer, 免申即享, retroactive recalculation,
//! training with its subsidy paid through the ledger, and region scope (404) everywhere.

use std::sync::Arc;

use crate::common::*;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use base64::Engine as _;
use chrono::Duration;
use serde_json::{Value, json};
use tower::ServiceExt;

/// A worker who signed up online (their person is in 140105); returns the client and the
/// person id the worker's own registrations show.
async fn worker(app: &TestApp, username: &str, seq: u32) -> (Client, String) {
    let mut c = app.worker(username, seq).await;
    let f = c.get(app, "/api/v1/me/registrations").await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.body);
    let pid = f.json()["person_id"].as_str().unwrap().to_owned();
    (c, pid)
}

fn today(app: &TestApp) -> chrono::NaiveDate {
    app.svc.clock.today_cst()
}

/// Sends a request with extra headers (the shared client has none).
async fn send_with(
    app: &TestApp,
    c: &Client,
    method: Method,
    path: &str,
    body: Value,
    headers: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "localhost")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-csrf-token", &c.csrf);
    if let Some(k) = &c.cookie {
        b = b.header(header::COOKIE, format!("__Host-lh_session={k}"));
    }
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let resp = app
        .router
        .clone()
        .oneshot(b.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn registration_is_a_state_machine_with_a_card_and_consent() {
    each_app(|app| async move {
        let mut s1 = app.staff_in("reg_s1", "140105").await;
        let mut s2 = app.staff_in("reg_s2", "140106").await;
        let (mut w, pid) = worker(&app, "reg_w1", 11).await;
        let started = (today(&app) - Duration::days(10)).to_string();
        let path = format!("/api/v1/persons/{pid}/registrations");

        // Bad input names the field and writes nothing.
        let r = w
            .post(
                &app,
                &path,
                json!({"kind": "flexible", "flexible_form": "juggling"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], "flexible_form");
        let r = w
            .post(
                &app,
                &path,
                json!({"kind": "flexible", "flexible_form": "gig", "started_on": "2026-13-01"}),
            )
            .await;
        assert_eq!(r.json()["error"]["field"], "started_on");
        assert!(
            w.get(&app, "/api/v1/me/registrations").await.json()["history"]
                .as_array()
                .unwrap()
                .is_empty()
        );

        // The person registers online: flexible employment, and the card is issued.
        let r = w
            .post(
                &app,
                &path,
                json!({"kind": "flexible", "flexible_form": "gig", "started_on": started}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["source"], "self");
        let again = w
            .post(
                &app,
                &path,
                json!({"kind": "flexible", "flexible_form": "gig"}),
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
        assert_eq!(again.json()["error"]["code"], "already_registered");
        let f = w.get(&app, "/api/v1/me/registrations").await.json();
        let card = f["card_number"].as_str().unwrap().to_owned();
        assert!(
            card.starts_with("1401052026") || card.starts_with("140105"),
            "{card}"
        );
        assert_eq!(card.len(), 16);
        assert_eq!(f["current"]["kind"], "flexible");

        // Staff at the window act only with recorded consent; the open registration closes.
        let r = s1.post(&app, &path, json!({"kind": "unemployment"})).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], "consent_note");
        let r = s1
            .post(
                &app,
                &path,
                json!({"kind": "unemployment", "consent_note": "本人到窗口书面同意"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["assisted"], true);
        let f = s1.get(&app, &path).await.json();
        let history = f["history"].as_array().unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(f["current"]["kind"], "unemployment");
        assert_eq!(
            f["card_number"].as_str().unwrap(),
            card,
            "one card per person"
        );
        let closed = history.iter().find(|h| h["kind"] == "flexible").unwrap();
        assert_eq!(
            closed["ended_on"].as_str().unwrap(),
            (today(&app) - Duration::days(1)).to_string()
        );

        // Another county's staff see nothing of it, and the attempt is audited.
        let denied_before = app.audit_count("access_denied").await;
        assert_eq!(s2.get(&app, &path).await.status, StatusCode::NOT_FOUND);
        let r = s2
            .post(
                &app,
                &path,
                json!({"kind": "employment", "employer_name": "某公司", "consent_note": "同意"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(app.audit_count("access_denied").await >= denied_before + 2);
        assert!(
            s2.get(&app, "/api/v1/registrations")
                .await
                .json()
                .as_array()
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            s1.get(&app, "/api/v1/registrations")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            2
        );

        // Ending the registration: the reason is required; then nothing is open.
        let end = format!("{path}/end");
        let r = w.post(&app, &end, json!({"reason": ""})).await;
        assert_eq!(r.json()["error"]["field"], "reason");
        let r = w.post(&app, &end, json!({"reason": "已找到工作"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(w.get(&app, "/api/v1/me/registrations").await.json()["current"].is_null());
        let r = w.post(&app, &end, json!({"reason": "已找到工作"})).await;
        assert_eq!(r.status, StatusCode::CONFLICT);

        assert_eq!(app.audit_count("registration_made").await, 2);
        assert_eq!(app.audit_count("registration_ended").await, 2);
        assert_eq!(app.audit_count("employment_card_issued").await, 1);
        assert!(app.svc.verify_audit().await.unwrap().first_broken.is_none());
        app
    })
    .await;
}

#[tokio::test]
async fn verified_facts_decide_at_once_and_others_need_two_people() {
    each_app(|app| async move {
        let mut applicant = app.staff_in("dec_a", "140105").await;
        let mut reviewer = app.staff_in("dec_r", "140105").await;
        let mut approver = app.staff_in("dec_p", "140105").await;
        let mut outsider = app.staff_in("dec_x", "140106").await;

        // Verified: 就业困难人员 checked by staff, premiums from the agency.
        let p1 = app.person(&mut applicant, 21, json!([{"group": "hard_to_employ", "since": "2025-01-01", "source": "staff_checked", "evidence": "就业困难人员认定表"}])).await;
        app.premiums_rescreened(&p1, &HALF_2026, 60_000, "registry").await;
        let apply = format!("/api/v1/persons/{p1}/benefit-applications");
        let r = applicant.post(&app, &apply, json!({"benefit": "social_insurance_subsidy"})).await;
        assert_eq!(r.json()["error"]["field"], "consent_note", "{}", r.body);
        let r = applicant
            .post(&app, &apply, json!({"benefit": "social_insurance_subsidy", "consent_note": "本人书面申请"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let a = r.json();
        assert_eq!(a["route"], "automatic");
        assert_eq!(a["status"], "approved");
        assert_eq!(a["amount"], "2400.00", "6 × 600.00 × 2/3");
        assert_eq!(a["units"], 6);
        assert_eq!(a["payments"][0]["status"], "pending");
        assert!(!a["reasons"].as_array().unwrap().is_empty());
        assert!(a["citations"].as_array().unwrap().iter().any(|c| c["clause"] == "二(二)"));
        assert_eq!(a["parameters_sha256"].as_str().unwrap().len(), 64);
        let again = applicant
            .post(&app, &apply, json!({"benefit": "social_insurance_subsidy", "consent_note": "本人书面申请"}))
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(again.json()["error"]["code"], "already_applied");

        // Self-declared: waits for review, then for a second person.
        let p2 = app.person(&mut applicant, 22, json!([{"group": "hard_to_employ", "since": "2025-01-01", "source": "self_declared"}])).await;
        app.premiums_rescreened(&p2, &HALF_2026, 45_000, "registry").await;
        let r = applicant
            .post(&app, &format!("/api/v1/persons/{p2}/benefit-applications"), json!({"benefit": "social_insurance_subsidy", "consent_note": "本人书面申请"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let m = r.json();
        assert_eq!(m["status"], "pending_review");
        assert_eq!(m["route"], "manual");
        assert!(m["unverified"].to_string().contains("本人申报"));
        assert!(m["payments"].as_array().unwrap().is_empty());
        let id = m["id"].as_str().unwrap();

        // Out of region: 404 on read, review and decision.
        assert_eq!(outsider.get(&app, &format!("/api/v1/benefit-applications/{id}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            outsider.post(&app, &format!("/api/v1/benefit-applications/{id}/review"), json!({"outcome": "approve"})).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(outsider.get(&app, "/api/v1/benefit-applications").await.json().as_array().unwrap().is_empty());

        // The applicant may not review; a decision before review is refused.
        let r = applicant.post(&app, &format!("/api/v1/benefit-applications/{id}/review"), json!({"outcome": "approve"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = approver.post(&app, &format!("/api/v1/benefit-applications/{id}/decision"), json!({"outcome": "approve"})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        let r = reviewer.post(&app, &format!("/api/v1/benefit-applications/{id}/review"), json!({"outcome": "maybe"})).await;
        assert_eq!(r.json()["error"]["field"], "outcome");
        let r = reviewer
            .post(&app, &format!("/api/v1/benefit-applications/{id}/review"), json!({"outcome": "approve", "note": "已核对就业困难人员认定表原件"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["status"], "reviewed");
        // The reviewer cannot approve their own review.
        let r = reviewer.post(&app, &format!("/api/v1/benefit-applications/{id}/decision"), json!({"outcome": "approve"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert_eq!(r.json()["error"]["code"], "reviewer_cannot_approve");
        let r = approver.post(&app, &format!("/api/v1/benefit-applications/{id}/decision"), json!({"outcome": "approve"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["status"], "approved");
        assert_eq!(r.json()["amount"], "1800.00");
        assert_eq!(r.json()["payments"][0]["status"], "pending");

        // The queue lists them; the ledger holds exactly the two grants and balances.
        let q = approver.get(&app, "/api/v1/benefit-applications?status=approved").await.json();
        assert_eq!(q.as_array().unwrap().len(), 2);
        let check = approver.get(&app, "/api/v1/ledger/check").await.json();
        assert_eq!(check["balanced"], true);
        assert!(check["problems"].as_array().unwrap().is_empty(), "{check}");
        assert_eq!(check["transfers_debited"], "4200.00");
        let pending = approver.get(&app, "/api/v1/payments/pending").await.json();
        assert_eq!(pending["count"], 2);
        assert_eq!(pending["total"], "4200.00");

        // Caps are the database's, set from the engine's dated parameter (36 months for
        // 就业困难人员): more subsidised months than the cap are refused by CHECK.
        let key = format!("si_months:{p1}");
        assert_eq!(linghuo_storage::benefits::cap_used(&app.svc.db, &key).await.unwrap(), Some((36, 6)));
        let mut tx = app.svc.db.begin().await.unwrap();
        let over = linghuo_storage::benefits::use_cap(&mut tx, &key, 31).await;
        assert!(matches!(over, Err(linghuo_storage::StorageError::Conflict { .. })), "{over:?}");
        tx.rollback().await.unwrap();

        // A month later the same months are not paid again: nothing new is payable. (The
        // sessions have expired by then: a fresh login.)
        app.clock.advance(Duration::days(31));
        let mut later = app.staff_in("dec_l", "140105").await;
        let r = later
            .post(&app, &apply, json!({"benefit": "social_insurance_subsidy", "consent_note": "本人书面申请"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["status"], "rejected");
        assert_eq!(r.json()["amount"], "0.00");
        assert!(r.json()["reasons"].to_string().contains("不重复发放"));

        assert_eq!(app.audit_count("benefit_applied").await, 3);
        assert_eq!(app.audit_count("benefit_reviewed").await, 1);
        assert_eq!(app.audit_count("benefit_decided").await, 1);
        assert_eq!(app.audit_count("ledger_granted").await, 2);
        assert!(app.svc.verify_audit().await.unwrap().first_broken.is_none());
        app
    })
    .await;
}

/// A reviewed manual application in 140105 and the approvers' clients.
async fn reviewed_application(app: &TestApp, seq: u32) -> (String, Client, Client) {
    let mut applicant = app.staff_in(&format!("c_a{seq}"), "140105").await;
    let mut reviewer = app.staff_in(&format!("c_r{seq}"), "140105").await;
    let approver = app.staff_in(&format!("c_p{seq}"), "140105").await;
    let other = app.staff_in(&format!("c_q{seq}"), "140105").await;
    let p = app
        .person(
            &mut applicant,
            seq,
            json!([{"group": "hard_to_employ", "since": "2025-01-01", "source": "self_declared"}]),
        )
        .await;
    app.premiums_rescreened(&p, &HALF_2026, 60_000, "registry")
        .await;
    let r = applicant
        .post(
            app,
            &format!("/api/v1/persons/{p}/benefit-applications"),
            json!({"benefit": "social_insurance_subsidy", "consent_note": "本人书面申请"}),
        )
        .await;
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let r = reviewer
        .post(
            app,
            &format!("/api/v1/benefit-applications/{id}/review"),
            json!({"outcome": "approve", "note": "已核验"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (id, approver, other)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_two_concurrent_approvals_pay_exactly_once() {
    each_app(|app| async move {
        let (id, approver, other) = reviewed_application(&app, 31).await;
        let app = Arc::new(app);
        let barrier = Arc::new(tokio::sync::Barrier::new(32));
        let mut tasks = Vec::new();
        for i in 0..32 {
            let app = app.clone();
            let barrier = barrier.clone();
            // Half share one key; half use their own; two different approvers race.
            let c = if i % 2 == 0 {
                approver.clone()
            } else {
                other.clone()
            };
            let key = if i < 16 {
                "approve-once".to_owned()
            } else {
                format!("approve-{i}")
            };
            let path = format!("/api/v1/benefit-applications/{id}/decision");
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                let (s, b) = send_with(
                    &app,
                    &c,
                    Method::POST,
                    &path,
                    json!({"outcome": "approve"}),
                    &[("idempotency-key", &key)],
                )
                .await;
                (i, s, b)
            }));
        }
        let mut results = Vec::new();
        for t in tasks {
            results.push(t.await.unwrap());
        }
        let app = Arc::try_unwrap(app).ok().expect("tasks done");
        let oks: Vec<&(usize, StatusCode, String)> =
            results.iter().filter(|r| r.1 == StatusCode::OK).collect();
        assert!(!oks.is_empty(), "{results:?}");
        for r in &results {
            assert!(
                r.1 == StatusCode::OK || r.1 == StatusCode::CONFLICT,
                "{r:?}"
            );
        }
        // Every success is the same answer.
        assert!(oks.iter().all(|r| r.2 == oks[0].2));
        let _ = app.label;

        // Exactly one grant and one payment instruction.
        let aid = uuid::Uuid::parse_str(&id).unwrap();
        let transfers = linghuo_storage::benefits::transfers_of_application(&app.svc.db, aid)
            .await
            .unwrap();
        assert_eq!(transfers.len(), 1, "{transfers:?}");
        let instr = linghuo_storage::benefits::instructions_of_application(&app.svc.db, aid)
            .await
            .unwrap();
        assert_eq!(instr.len(), 1);
        assert!(app.svc.ledger_check().await.unwrap().problems.is_empty());
        app
    })
    .await;
}

#[tokio::test]
async fn idempotency_keys_replay_the_first_answer_and_refuse_another_body() {
    each_app(|app| async move {
        let (id, approver, _other) = reviewed_application(&app, 41).await;
        let path = format!("/api/v1/benefit-applications/{id}/decision");
        let key = [("idempotency-key", "k-41")];
        let (s1, b1) = send_with(
            &app,
            &approver,
            Method::POST,
            &path,
            json!({"outcome": "approve"}),
            &key,
        )
        .await;
        assert_eq!(s1, StatusCode::OK, "{b1}");
        let (s2, b2) = send_with(
            &app,
            &approver,
            Method::POST,
            &path,
            json!({"outcome": "approve"}),
            &key,
        )
        .await;
        assert_eq!(s2, StatusCode::OK);
        assert_eq!(b1, b2, "a replay is the first answer, byte for byte");
        let (s3, b3) = send_with(
            &app,
            &approver,
            Method::POST,
            &path,
            json!({"outcome": "reject", "note": "改主意"}),
            &key,
        )
        .await;
        assert_eq!(s3, StatusCode::UNPROCESSABLE_ENTITY, "{b3}");
        assert!(b3.contains("idempotency_key_reused"));
        // Another body that is also invalid (a refusal without its reason, an unknown
        // outcome) is still the key reused: 422, not the body's 400.
        for body in [json!({"outcome": "reject"}), json!({"outcome": "maybe"})] {
            let (s, b) = send_with(&app, &approver, Method::POST, &path, body, &key).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
            let v: serde_json::Value = serde_json::from_str(&b).unwrap();
            assert_eq!(v["error"]["code"], "idempotency_key_reused", "{v}");
            assert_eq!(v["error"]["field"], "Idempotency-Key", "{v}");
        }
        // With a fresh key the same invalid body is what is wrong with it.
        let (s, b) = send_with(
            &app,
            &approver,
            Method::POST,
            &path,
            json!({"outcome": "reject"}),
            &[("idempotency-key", "k-41-b")],
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
        assert!(b.contains("note_required"), "{b}");
        // Without a key, a second approval is a conflict, not a second payment.
        let (s4, _) = send_with(
            &app,
            &approver,
            Method::POST,
            &path,
            json!({"outcome": "approve"}),
            &[],
        )
        .await;
        assert_eq!(s4, StatusCode::CONFLICT);
        let aid = uuid::Uuid::parse_str(&id).unwrap();
        assert_eq!(
            linghuo_storage::benefits::transfers_of_application(&app.svc.db, aid)
                .await
                .unwrap()
                .len(),
            1
        );
        app
    })
    .await;
}

/// With the bank's age key configured, the bank file leaves encrypted to it, and the bank's
/// secret key opens it to the same lines.
#[tokio::test]
async fn bank_files_are_encrypted_to_the_banks_key_when_configured() {
    let bank = linghuo_service::age::Identity::generate();
    let recipient = bank.recipient().encode();
    let config = || {
        let mut c = linghuo_service::Config::default();
        c.bank.recipient = recipient.clone();
        c
    };
    each_app_with(config, |app| {
        let bank = linghuo_service::age::Identity::parse(&bank.encode()).unwrap();
        async move {
            let mut s_acc = account(&app, "bank_e", "staff", Some("140105"), &["bank:export"]).await;
            let mut s = login(&app, &mut s_acc).await;
            let p = app.person(&mut s, 52, json!([{"group": "hard_to_employ", "since": "2025-01-01", "source": "registry"}])).await;
            app.premiums_rescreened(&p, &HALF_2026, 30_000, "registry").await;
            let r = s
                .post(&app, &format!("/api/v1/persons/{p}/benefit-applications"), json!({"benefit": "social_insurance_subsidy", "consent_note": "本人书面申请"}))
                .await;
            let reference = r.json()["payments"][0]["reference"].as_str().unwrap().to_owned();
            s.send(&app, Method::PUT, &format!("/api/v1/persons/{p}/payee"), Some(json!({"bank_name": "中国工商银行太原分行", "account": "6217 0000 1000 1234", "consent_note": "本人提供"})))
                .await;
            let bid = s.post(&app, "/api/v1/payment-batches", json!({})).await.json()["id"].as_str().unwrap().to_owned();
            let (status, headers, bytes) = raw_get(&app, &s, &format!("/api/v1/payment-batches/{bid}/file")).await;
            assert_eq!(status, StatusCode::OK);
            let disposition = headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap();
            assert!(disposition.ends_with(".csv.age\""), "{disposition}");
            assert!(bytes.starts_with(b"age-encryption.org/v1\n"));
            assert!(!bytes.windows(4).any(|w| w == b"1234"), "no account digits in the clear");
            let plain = String::from_utf8(linghuo_service::age::decrypt(&bank, &bytes).unwrap()).unwrap();
            assert!(plain.contains("6217000010001234") && plain.contains(&reference), "{plain}");
            app
        }
    })
    .await;
}

/// A GET whose body is bytes (an encrypted file is not text).
async fn raw_get(
    app: &TestApp,
    c: &Client,
    path: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let req = axum::http::Request::builder()
        .uri(path)
        .header(header::HOST, "localhost")
        .header(
            header::COOKIE,
            format!("__Host-lh_session={}", c.cookie.as_deref().unwrap()),
        )
        .body(axum::body::Body::empty())
        .unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    (status, headers, bytes)
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test]
async fn bank_batches_export_identically_and_reconcile_line_by_line() {
    each_app(|app| async move {
        let mut s_acc = account(&app, "bank_s", "staff", Some("140105"), &["bank:export"]).await;
        let mut s = login(&app, &mut s_acc).await;
        let mut outsider = app.staff_in("bank_x", "140106").await;
        let mut colleague = app.staff_in("bank_c", "140105").await;
        let p = app.person(&mut s, 51, json!([{"group": "hard_to_employ", "since": "2025-01-01", "source": "registry"}])).await;
        app.premiums_rescreened(&p, &HALF_2026, 30_000, "registry").await;
        let r = s
            .post(&app, &format!("/api/v1/persons/{p}/benefit-applications"), json!({"benefit": "social_insurance_subsidy", "consent_note": "本人书面申请"}))
            .await;
        assert_eq!(r.json()["status"], "approved", "{}", r.body);
        let reference = r.json()["payments"][0]["reference"].as_str().unwrap().to_owned();

        // No payee account yet: nothing can be paid.
        let r = s.post(&app, "/api/v1/payment-batches", json!({})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        let r = s
            .send(&app, Method::PUT, &format!("/api/v1/persons/{p}/payee"), Some(json!({"bank_name": "中国工商银行太原分行", "account": "12ab", "consent_note": "本人提供"})))
            .await;
        assert_eq!(r.json()["error"]["field"], "account");
        let r = s
            .send(&app, Method::PUT, &format!("/api/v1/persons/{p}/payee"), Some(json!({"bank_name": "中国工商银行太原分行", "account": "6217 0000 1000 1234", "consent_note": "本人提供"})))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["account"], "****1234");

        let r = s.post(&app, "/api/v1/payment-batches", json!({})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let batch = r.json();
        assert_eq!(batch["line_count"], 1);
        assert_eq!(batch["total"], "1200.00");
        let bid = batch["id"].as_str().unwrap().to_owned();
        // Full account numbers need the bank:export permission (a refusal is audited) and a
        // step-up within the last five minutes.
        let r = colleague.get(&app, &format!("/api/v1/payment-batches/{bid}/file")).await;
        assert_eq!(r.json()["error"]["code"], "bank_export_not_permitted");
        app.clock.advance(chrono::Duration::minutes(6));
        let r = s.get(&app, &format!("/api/v1/payment-batches/{bid}/file")).await;
        assert_eq!(r.json()["error"]["code"], "step_up_required");
        step_up(&app, &mut s, &s_acc).await;
        let f1 = s.get(&app, &format!("/api/v1/payment-batches/{bid}/file")).await;
        let f2 = s.get(&app, &format!("/api/v1/payment-batches/{bid}/file")).await;
        assert_eq!(f1.status, StatusCode::OK);
        assert_eq!(f1.body, f2.body, "a batch exported twice is the same batch");
        assert!(f1.body.contains("6217000010001234") && f1.body.contains(&reference));
        let mac_line = f1.body.lines().last().unwrap().to_owned();
        let body_len = f1.body.len() - mac_line.len() - 2;
        let expected = app.svc.keys.file_mac("bank-batch", &f1.body.as_bytes()[..body_len]);
        assert_eq!(mac_line, format!("MAC,HMAC-SHA256,{expected}"));
        assert_eq!(batch["mac"], expected);
        let x1 = s.get(&app, &format!("/api/v1/payment-batches/{bid}/file?format=xlsx")).await;
        let x2 = s.get(&app, &format!("/api/v1/payment-batches/{bid}/file?format=xlsx")).await;
        assert_eq!(x1.status, StatusCode::OK);
        assert_eq!(x1.body, x2.body);
        // Another county cannot see or download it.
        assert_eq!(outsider.get(&app, &format!("/api/v1/payment-batches/{bid}/file")).await.status, StatusCode::NOT_FOUND);
        assert!(outsider.get(&app, "/api/v1/payment-batches").await.json().as_array().unwrap().is_empty());
        assert_eq!(s.post(&app, "/api/v1/payment-batches", json!({})).await.status, StatusCode::CONFLICT, "nothing left to batch");

        // A bank file with an unknown and a duplicated line is refused line by line; nothing applied.
        let bad = format!(
            "付款参考号,金额,结果,银行流水号,说明\n{reference},1200.00,成功,B001,\nLH0000000000000000000000001,10.00,成功,B002,\n{reference},1200.00,成功,B001,\n"
        );
        let r = s
            .post(&app, &format!("/api/v1/payment-batches/{bid}/result"), json!({"file_name": "result.csv", "content_base64": b64(bad.as_bytes())}))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let problems = r.json()["problems"].as_array().unwrap().clone();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0]["line"], 3);
        assert!(problems[0]["problem"].as_str().unwrap().contains("不存在"));
        assert_eq!(problems[1]["line"], 4);
        assert!(problems[1]["problem"].as_str().unwrap().contains("重复"));
        let wrong = format!("付款参考号,金额,结果,银行流水号\n{reference},1000.00,成功,B001\n");
        let r = s
            .post(&app, &format!("/api/v1/payment-batches/{bid}/result"), json!({"file_name": "result.csv", "content_base64": b64(wrong.as_bytes())}))
            .await;
        assert!(r.json()["problems"][0]["problem"].as_str().unwrap().contains("金额"));
        let rec = s.get(&app, &format!("/api/v1/payment-batches/{bid}/reconciliation")).await.json();
        assert_eq!(rec["outstanding_count"], 1);
        assert_eq!(rec["paid_count"], 0);

        // The right file marks it paid; the same file again changes nothing.
        let good = format!("付款参考号,金额,结果,银行流水号,说明\n{reference},1200.00,成功,B20261129001,\n");
        for expect_paid in [1, 0] {
            let r = s
                .post(&app, &format!("/api/v1/payment-batches/{bid}/result"), json!({"file_name": "result.csv", "content_base64": b64(good.as_bytes())}))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            assert_eq!(r.json()["paid"], expect_paid);
            assert_eq!(r.json()["unchanged"], 1 - expect_paid);
        }
        let rec = s.get(&app, &format!("/api/v1/payment-batches/{bid}/reconciliation")).await.json();
        assert_eq!(rec["paid_count"], 1);
        assert_eq!(rec["ledger_paid_total"], "1200.00");
        assert!(rec["differences"].as_array().unwrap().is_empty(), "{rec}");
        assert_eq!(rec["batch"]["status"], "reconciled");
        let check = app.svc.ledger_check().await.unwrap();
        assert!(check.problems.is_empty(), "{check:?}");
        // Four downloads and the colleague's refused attempt, each with the hash of what left.
        assert_eq!(app.audit_count("payment_batch_exported").await, 5);
        let rows = linghuo_storage::audit::recent(&app.svc.db, Some("payment_batch_exported"), 10).await.unwrap();
        let hashes = rows.iter().filter(|r| r.detail.contains("\"sha256\"")).count();
        assert_eq!(hashes, 4, "{rows:?}");
        assert_eq!(app.audit_count("bank_result_imported").await, 2);
        app
    })
    .await;
}

#[tokio::test]
async fn eligibility_is_found_without_applying_and_recalculation_lists_differences() {
    each_app(|app| async move {
        let mut s = app.staff_in("mx_s", "140105").await;
        let p = app.person(&mut s, 61, json!([{"group": "hard_to_employ", "since": "2025-01-01", "source": "registry"}])).await;
        let r = s
            .post(&app, &format!("/api/v1/persons/{p}/registrations"), json!({"kind": "flexible", "flexible_form": "platform", "consent_note": "本人到窗口办理"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        // The registration queued a re-screen; nothing payable yet (no premiums).
        let first = app.svc.rescreen_changed().await.unwrap();
        assert_eq!(first.screened, 1);
        assert_eq!(first.newly_eligible, 0);
        // Premiums arrive (a change of facts): the person and county staff are told once.
        app.premiums_rescreened(&p, &HALF_2026, 60_000, "registry").await;
        let r = app.svc.rescreen_changed().await.unwrap();
        assert_eq!((r.screened, r.newly_eligible, r.notices), (1, 1, 2));
        let r = app.svc.screen_all().await.unwrap();
        assert_eq!((r.screened, r.newly_eligible), (1, 0), "told once");
        let notices = s.get(&app, "/api/v1/notices").await.json();
        assert!(notices.to_string().contains("免申即享"), "{notices}");
        // The pre-filled application says what applying gives.
        let pre = s.get(&app, &format!("/api/v1/persons/{p}/benefit-preview?benefit=social_insurance_subsidy")).await.json();
        assert_eq!(pre["amount"], "2400.00");
        assert_eq!(pre["route"], "automatic");
        let r = s
            .post(&app, &format!("/api/v1/persons/{p}/benefit-applications"), json!({"benefit": "social_insurance_subsidy", "consent_note": "本人确认免申即享"}))
            .await;
        assert_eq!(r.json()["status"], "approved");

        // The share is corrected to 3/4 from 2020: the decision is replayed under it.
        let corrected = app.svc.clone().with_engine(
            linghuo_policy::Engine::with_overrides(&[linghuo_policy::ParamOverride::parse(
                "social_insurance_subsidy.share=3/4@2020-01-01",
            )
            .unwrap()])
            .unwrap(),
        );
        let since = today(&app) - Duration::days(1);
        let preview = corrected.recalc(None, since, false).await.unwrap();
        assert_eq!(preview.checked, 1);
        assert_eq!(preview.lines.len(), 1);
        assert_eq!(preview.lines[0].difference, "300.00", "6 × (450 − 400)");
        assert_eq!(preview.arrears_total, "300.00");
        let aid = preview.lines[0].application_id;
        assert_eq!(linghuo_storage::benefits::transfers_of_application(&app.svc.db, aid).await.unwrap().len(), 1, "a preview changes nothing");
        let done = corrected.recalc(None, since, true).await.unwrap();
        assert!(done.confirmed);
        assert_eq!(linghuo_storage::benefits::transfers_of_application(&app.svc.db, aid).await.unwrap().len(), 2);
        assert_eq!(linghuo_storage::benefits::instructions_of_application(&app.svc.db, aid).await.unwrap().len(), 2);
        let again = corrected.recalc(None, since, true).await.unwrap();
        assert!(again.lines.is_empty(), "confirmed differences are settled");
        // Back to 2/3: the adjustment is now an over-payment to recover.
        let back = app.svc.recalc(None, since, false).await.unwrap();
        assert_eq!(back.lines[0].difference, "-300.00");
        assert_eq!(back.overpaid_total, "300.00");
        assert!(app.svc.ledger_check().await.unwrap().problems.is_empty());
        // Staff see the same through the API, scoped to their region.
        let r = s.get(&app, &format!("/api/v1/benefits/recalc?since={since}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["lines"].as_array().unwrap().len(), 1);
        let mut far = app.staff_in("mx_far", "140200").await;
        assert!(far.get(&app, &format!("/api/v1/benefits/recalc?since={since}")).await.json()["lines"].as_array().unwrap().is_empty());
        app
    })
    .await;
}

#[tokio::test]
async fn training_completion_pays_the_subsidy_through_the_ledger() {
    each_app(|app| async move {
        let mut s = app.staff_in("tr_s", "140105").await;
        let mut outsider = app.staff_in("tr_x", "140106").await;
        let (mut w, pid) = worker(&app, "tr_w", 71).await;
        let (mut w2, pid2) = worker(&app, "tr_w2", 72).await;
        let r = w
            .post(&app, &format!("/api/v1/persons/{pid}/registrations"), json!({"kind": "flexible", "flexible_form": "gig"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        let t = today(&app);
        let course = json!({
            "title": "家政服务员（中级）", "provider": "小店区职业培训学校", "occupation": "家政服务员", "kind": "skills",
            "hours": "40", "days": "5", "starts_on": (t - Duration::days(2)).to_string(), "ends_on": (t + Duration::days(4)).to_string(),
            "capacity": "1", "subsidy": "1200.00", "daily_allowance": "30.00"
        });
        let mut bad = course.clone();
        bad["subsidy"] = json!("12,00");
        assert_eq!(s.post(&app, "/api/v1/courses", bad).await.json()["error"]["field"], "subsidy");
        let r = s.post(&app, "/api/v1/courses", course).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let cid = r.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(w.get(&app, "/api/v1/courses").await.json().as_array().unwrap().len(), 1);
        let r = w.post(&app, &format!("/api/v1/courses/{cid}/enrolments"), json!({"person_id": pid})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let eid = r.json()["id"].as_str().unwrap().to_owned();
        // The one place is taken.
        let r = w2.post(&app, &format!("/api/v1/courses/{cid}/enrolments"), json!({"person_id": pid2})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        // A worker cannot enrol someone else.
        let r = w2.post(&app, &format!("/api/v1/courses/{cid}/enrolments"), json!({"person_id": pid})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        for d in [2, 1, 0] {
            let r = s
                .post(&app, &format!("/api/v1/enrolments/{eid}/attendance"), json!({"day": (t - Duration::days(d)).to_string()}))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        let r = s.post(&app, &format!("/api/v1/enrolments/{eid}/attendance"), json!({"day": (t + Duration::days(1)).to_string()})).await;
        assert_eq!(r.json()["error"]["field"], "day");
        assert_eq!(
            outsider.post(&app, &format!("/api/v1/enrolments/{eid}/finish"), json!({"passed": true})).await.status,
            StatusCode::NOT_FOUND
        );
        let r = s.post(&app, &format!("/api/v1/enrolments/{eid}/finish"), json!({"passed": true})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let done = r.json();
        assert_eq!(done["enrolment"]["status"], "completed");
        assert_eq!(done["enrolment"]["days_attended"], 3);
        assert!(done["enrolment"]["certificate_number"].as_str().unwrap().starts_with("PX140105"));
        assert_eq!(done["application"]["benefit"], "training_subsidy");
        assert_eq!(done["application"]["status"], "approved", "{done}");
        assert_eq!(done["application"]["amount"], "1290.00", "1200 + 3 × 30");
        assert!(done["application"]["citations"].to_string().contains("四(八)"));
        let r = s.post(&app, &format!("/api/v1/enrolments/{eid}/finish"), json!({"passed": true})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "finished once");
        let mine = w.get(&app, &format!("/api/v1/persons/{pid}/benefit-applications")).await.json();
        assert_eq!(mine[0]["payments"][0]["amount"], "1290.00");
        assert!(app.svc.ledger_check().await.unwrap().problems.is_empty());
        assert_eq!(app.audit_count("attendance_recorded").await, 3);
        app
    })
    .await;
}

/// Staff finish a trainee who passed; the training-subsidy application filed with it.
async fn finish_passed(app: &TestApp, s: &mut Client, enrolment: &str) -> Value {
    let r = s
        .post(
            app,
            &format!("/api/v1/enrolments/{enrolment}/finish"),
            json!({"passed": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["application"].clone()
}

/// Issue 17: a person hired through the gig market (the hire files its 用工登记) is a flexible
/// worker for the training subsidy without a separate 灵活就业登记, and the decision says so;
/// a person with neither is refused. The decision keeps the engine's trace, shown folded on
/// the staff application page in words.
#[tokio::test]
async fn a_gig_market_hire_makes_a_flexible_worker_for_the_training_subsidy() {
    each_app(|app| async move {
        let t = today(&app);
        let (mut emp, _, _) = app.employer_verified("trh_emp", "91110000600037341L").await;
        let post = emp
            .post(&app, "/api/v1/posts", json!({
                "title": "小区快递代收点分拣", "description": "快递包裹分拣上架，按天结算。", "occupation": "快递员", "form": "gig",
                "county_code": "140105", "address": "小店区坞城路", "starts_on": t.to_string(), "schedule": "每天 9:00-12:00",
                "hours_per_week": 20, "pay_amount": "120.00", "pay_unit": "day", "headcount": 1, "accident_cover": true
            }))
            .await;
        assert_eq!(post.json()["status"], "live", "{}", post.body);
        let post_id = post.json()["id"].as_str().unwrap().to_owned();
        let (mut w, pid) = worker(&app, "trh_w", 73).await;
        let (mut w2, pid2) = worker(&app, "trh_w2", 74).await;
        let a = w.post(&app, &format!("/api/v1/posts/{post_id}/applications"), json!({})).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        let aid = a.json()["id"].as_str().unwrap().to_owned();
        let hire = emp.post(&app, &format!("/api/v1/applications/{aid}/hire"), json!({"start_date": t.to_string()})).await;
        assert_eq!(hire.status, StatusCode::CREATED, "{}", hire.body);

        let mut s = app.staff_in("trh_s", "140105").await;
        let course = json!({
            "title": "快递员（初级）", "provider": "小店区职业培训学校", "occupation": "快递员", "kind": "skills",
            "hours": "24", "days": "3", "starts_on": (t - Duration::days(1)).to_string(), "ends_on": (t + Duration::days(1)).to_string(),
            "capacity": "2", "subsidy": "600.00", "daily_allowance": "20.00"
        });
        let r = s.post(&app, "/api/v1/courses", course).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let cid = r.json()["id"].as_str().unwrap().to_owned();
        let e1 = w.post(&app, &format!("/api/v1/courses/{cid}/enrolments"), json!({"person_id": pid})).await;
        assert_eq!(e1.status, StatusCode::CREATED, "{}", e1.body);
        let e2 = w2.post(&app, &format!("/api/v1/courses/{cid}/enrolments"), json!({"person_id": pid2})).await;
        assert_eq!(e2.status, StatusCode::CREATED, "{}", e2.body);

        // Hired through the market, no 灵活就业登记: approved, and the reasons name the hire.
        let hired = finish_passed(&app, &mut s, e1.json()["id"].as_str().unwrap()).await;
        assert_eq!(hired["status"], "approved", "{hired}");
        assert_eq!(hired["amount"], "600.00", "{hired}");
        assert!(hired["reasons"].to_string().contains("零工形式的用工登记"), "{hired}");
        // Neither a registration nor a hire: refused, and told how to become one.
        let none = finish_passed(&app, &mut s, e2.json()["id"].as_str().unwrap()).await;
        assert_eq!(none["status"], "rejected", "{none}");
        assert!(none["reasons"].to_string().contains("未办理灵活就业登记"), "{none}");

        // The staff page shows how the engine decided, folded and in words.
        let id = hired["id"].as_str().unwrap();
        let page = s.get(&app, &format!("/staff/benefits/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("id=\"trace\""), "{}", page.body);
        assert!(page.body.contains("判定日期时有在岗的灵活形式用工登记"), "{}", page.body);
        assert!(!page.body.contains("person.flexible_work"), "fact paths stay out of the page");
        // The same through the API, for staff of the region only.
        let t = s.get(&app, &format!("/api/v1/benefit-applications/{id}/trace")).await;
        assert_eq!(t.status, StatusCode::OK, "{}", t.body);
        let lines = t.json();
        assert_eq!(lines[0]["text"], "职业培训补贴和生活费补贴", "{lines}");
        assert!(lines.as_array().unwrap().iter().any(|l| l["kind"] == "解读"), "{lines}");
        let mut far = app.staff_in("trh_far", "140106").await;
        assert_eq!(far.get(&app, &format!("/api/v1/benefit-applications/{id}/trace")).await.status, StatusCode::NOT_FOUND);
        assert_ne!(w.get(&app, &format!("/api/v1/benefit-applications/{id}/trace")).await.status, StatusCode::OK);
        app
    })
    .await;
}

/// One engine (issue 15): the public screen API and a staff decision answer with the same
/// configured parameter overrides, and the receipt names them.
#[tokio::test]
async fn the_public_screen_and_a_staff_decision_agree_under_an_override() {
    const SHARE: &str = "social_insurance_subsidy.share=3/4@2020-01-01";
    let config = || {
        let mut c = linghuo_service::Config::default();
        c.policy.parameter_overrides = vec![SHARE.into()];
        c
    };
    each_app_with(config, |app| async move {
        let mut s = app.staff_in("oe_s", "140105").await;
        let p = app.person(&mut s, 83, json!([{"group": "hard_to_employ", "since": "2025-01-01", "source": "registry"}])).await;
        let r = s
            .post(&app, &format!("/api/v1/persons/{p}/registrations"), json!({"kind": "flexible", "flexible_form": "platform", "consent_note": "本人到窗口办理"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        app.premiums_rescreened(&p, &HALF_2026, 60_000, "registry").await;
        // Staff: six months of 600.00 at 3/4, not the document's 2/3 (2,400.00).
        let pre = s.get(&app, &format!("/api/v1/persons/{p}/benefit-preview?benefit=social_insurance_subsidy")).await.json();
        assert_eq!(pre["amount"], "2700.00", "{pre}");
        let r = s
            .post(&app, &format!("/api/v1/persons/{p}/benefit-applications"), json!({"benefit": "social_insurance_subsidy", "consent_note": "本人确认"}))
            .await;
        assert_eq!(r.json()["status"], "approved", "{}", r.body);
        assert_eq!(r.json()["amount"], "2700.00", "{}", r.body);

        // The same person's facts through the public screen API answer the same amount.
        let row = linghuo_storage::persons::by_id(&app.svc.db, uuid::Uuid::parse_str(&p).unwrap())
            .await
            .unwrap()
            .unwrap();
        let facts = app.svc.gather_facts(&row, today(&app)).await.unwrap().facts;
        let mut anon = Client::default();
        anon.start(&app).await;
        let r = anon.post(&app, "/api/v1/policy/screen", serde_json::to_value(&facts).unwrap()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let d = r.json();
        let si = d["benefits"].as_array().unwrap().iter().find(|b| b["id"] == "social_insurance_subsidy").unwrap().clone();
        assert_eq!(si["payable_now"], "2700.00", "{si}");
        assert_eq!(d["receipt"]["overrides"], json!([SHARE]), "{}", d["receipt"]);

        app
    })
    .await;
}
