//! The demo province on both databases: the seeded figures agree with what staff see, every
//! demo login works, and demo mode (second-factor code shown, banner) exists only on a
//! service built for the demo.

use crate::common::*;
use axum::http::StatusCode;
use linghuo_http::{AppState, router};
use linghuo_service::demo::DemoOptions;
use serde_json::json;

async fn sign_in(app: &TestApp, username: &str, password: &str) -> (Client, String) {
    let mut c = Client::default();
    c.start(app).await;
    let r = c
        .post(
            app,
            "/api/v1/session",
            json!({"username": username, "password": password}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    c.csrf = r.json()["csrf_token"].as_str().unwrap().to_owned();
    (c, r.json()["next"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn demo_province_figures_logins_and_demo_mode() {
    each_app(|app| async move {
        let report = app
            .svc
            .seed_demo(DemoOptions {
                workers: 400,
                jobs: 160,
                seed: 5,
            })
            .await
            .unwrap();
        assert_eq!(report.workers, 400);
        assert_eq!(report.posts, 160);
        assert!(
            report.hires > 0 && report.applications >= report.hires,
            "{report:?}"
        );
        let logins = app.svc.create_demo_accounts().await.unwrap();
        assert_eq!(logins.len(), 9);
        assert!(
            app.svc.create_demo_accounts().await.is_err(),
            "only once per database"
        );
        let pw = |u: &str| {
            logins
                .iter()
                .find(|l| l.username == u)
                .unwrap()
                .password
                .clone()
        };

        // The worker and the employer sign in without a second factor and see real data.
        let (mut w, next) = sign_in(&app, "demo-worker", &pw("demo-worker")).await;
        assert_eq!(next, "done");
        assert_eq!(w.get(&app, "/api/v1/profile").await.status, StatusCode::OK);
        assert_eq!(
            w.get(&app, "/api/v1/recommendations/jobs").await.status,
            StatusCode::OK
        );
        let (mut e, _) = sign_in(&app, "demo-employer", &pw("demo-employer")).await;
        assert!(
            !e.get(&app, "/api/v1/posts")
                .await
                .json()
                .as_array()
                .unwrap()
                .is_empty()
        );

        // Staff need the second factor; a normal server never shows the code.
        let (mut s, next) = sign_in(&app, "demo-province", &pw("demo-province")).await;
        assert_eq!(next, "second_factor");
        let page = s.get(&app, "/login/totp").await;
        assert!(
            !page.body.contains("演示模式"),
            "no demo hints on a normal server"
        );

        // The demo server shows the current code, and it works.
        let demo = TestApp {
            svc: app.svc.clone().into_demo_mode(),
            router: router(AppState::new(app.svc.clone().into_demo_mode())),
            clock: app.clock.clone(),
            label: app.label,
            test_db: None,
            outbox: tempfile::tempdir().unwrap(),
        };
        app.clock.advance(chrono::Duration::seconds(30));
        let (mut s, _) = sign_in(&demo, "demo-province", &pw("demo-province")).await;
        let page = s.get(&demo, "/login/totp").await.body;
        assert!(page.contains("演示模式"), "banner");
        let code: String = page
            .split("<strong>")
            .nth(1)
            .unwrap()
            .chars()
            .take(6)
            .collect();
        let r = s
            .post(&demo, "/api/v1/session/totp", json!({"code": code}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);

        // The province's market overview agrees with what was seeded.
        let ov = s.get(&demo, "/api/v1/market/overview").await.json();
        assert_eq!(ov["live_posts"], report.live_posts as i64, "{ov}");
        assert_eq!(ov["hires"], report.hires as i64);
        assert_eq!(ov["overdue_pay"], report.overdue_pay as i64);

        // The public services are populated, and the demo county's queues are not empty.
        let sv = &report.services;
        assert!(
            sv.applications > 0
                && sv.approved > 0
                && sv.rejected > 0
                && sv.pending_review > 0
                && sv.registrations > 0
                && sv.courses > 0
                && sv.complaints > 0
                && sv.questions > 0
                && sv.events > 0
                && sv.archives > 0,
            "{sv:?}"
        );
        let (mut c, next) = sign_in(&demo, "demo-county", &pw("demo-county")).await;
        assert_eq!(next, "second_factor");
        let page = c.get(&demo, "/login/totp").await.body;
        let code: String = page
            .split("<strong>")
            .nth(1)
            .unwrap()
            .chars()
            .take(6)
            .collect();
        let r = c
            .post(&demo, "/api/v1/session/totp", json!({"code": code}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let home = c.get(&demo, "/staff").await;
        assert_eq!(home.status, StatusCode::OK);
        let pending: i64 = home
            .body
            .split("待初审的待遇申请</a></td><td>")
            .nth(1)
            .and_then(|t| t.split('<').next())
            .and_then(|n| n.trim().parse().ok())
            .expect("the workbench shows 待初审");
        assert!(pending > 0, "待初审 {pending}");
        let apps = c.get(&demo, "/api/v1/benefit-applications").await;
        assert_eq!(apps.status, StatusCode::OK, "{}", apps.body);
        assert!(!apps.json().as_array().unwrap().is_empty());
        app
    })
    .await;
}
