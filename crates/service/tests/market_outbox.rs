//! The search index follows the market outbox even when transactions commit out of seq
//! order, as they do on PostgreSQL with two writers (or two nodes): a seq skipped because its
//! transaction was still open is applied once it commits.

use std::collections::BTreeSet;

use chrono::Utc;
use linghuo_service::market::{EmployerInput, EmployerSignUp, PostInput};
use linghuo_service::market_search::SearchInput;
use linghuo_service::{Actor, Clock, Config, Keys, RequestMeta, Role, Service};
use linghuo_storage::market as repo;
use linghuo_storage::testing::each_backend;
use linghuo_storage::{Backend, Tx};
use uuid::Uuid;

fn actor(user_id: Uuid, role: Role, scope: Option<&str>) -> Actor {
    Actor {
        user_id,
        username: format!("{role:?}"),
        display_name: "测试".into(),
        role,
        scope: scope.map(|s| linghuo_domain::RegionCode::parse(s).unwrap()),
        permissions: BTreeSet::new(),
        person_id: None,
        authenticated_at: Utc::now(),
        meta: RequestMeta::default(),
    }
}

fn post(county: &str) -> PostInput {
    PostInput {
        title: "仓库装卸工".into(),
        description: "负责货物装卸、搬运和码放，工具由单位提供。".into(),
        occupation: "装卸工".into(),
        form: "gig".into(),
        county_code: county.into(),
        starts_on: "2026-12-01".into(),
        pay: Some("200元/天".into()),
        headcount: 3,
        ..PostInput::default()
    }
}

async fn found(svc: &Service) -> BTreeSet<Uuid> {
    svc.search_posts(&SearchInput {
        q: Some("装卸".into()),
        limit: Some(50),
        ..SearchInput::default()
    })
    .await
    .unwrap()
    .into_iter()
    .map(|h| h.post.id)
    .collect()
}

/// Closes a live post behind the service's back, with its outbox row, in `tx`.
async fn close(tx: &mut Tx, id: Uuid) {
    let now = linghuo_storage::now();
    repo::set_post_status(tx, id, "live", "closed", None, now)
        .await
        .unwrap();
    repo::enqueue_index(tx, id, now).await.unwrap();
}

#[tokio::test]
async fn a_post_committed_after_a_later_seq_still_reaches_the_index() {
    each_backend(|db, label| async move {
        let svc = Service::new(
            db.clone(),
            Keys::generate(),
            Config::default(),
            Clock::system(),
        );
        let uid = svc
            .sign_up_employer(
                EmployerSignUp {
                    username: "outbox".into(),
                    password: "汾河水长流 2026 秋".into(),
                    employer: EmployerInput {
                        kind: "enterprise".into(),
                        name: "太原外盒劳务有限公司".into(),
                        uscc: Some("91110000600037341L".into()),
                        contact_name: "王经理".into(),
                        county_code: "140105".into(),
                        ..EmployerInput::default()
                    },
                },
                &RequestMeta::default(),
            )
            .await
            .unwrap();
        let staff = actor(Uuid::new_v4(), Role::Staff, Some("140105"));
        for e in svc.employers_in_region(&staff, true).await.unwrap() {
            svc.verify_employer(&staff, e.id).await.unwrap();
        }
        let emp = actor(uid, Role::Employer, None);
        let first = svc.create_post(&emp, post("140105")).await.unwrap();
        let second = svc.create_post(&emp, post("140106")).await.unwrap();
        assert_eq!(
            (first.status.as_str(), second.status.as_str()),
            ("live", "live")
        );
        svc.note_market_write();
        assert_eq!(
            found(&svc).await,
            BTreeSet::from([first.id, second.id]),
            "{label}"
        );

        if db.backend() == Backend::Postgres {
            // The first closing takes the lower seq but commits last.
            let mut slow = db.begin().await.unwrap();
            close(&mut slow, first.id).await;
            let mut fast = db.begin().await.unwrap();
            close(&mut fast, second.id).await;
            fast.commit().await.unwrap();
            svc.sync_market_index().await.unwrap();
            assert_eq!(found(&svc).await, BTreeSet::from([first.id]), "{label}");
            slow.commit().await.unwrap();
        } else {
            // SQLite commits one writer at a time, in seq order.
            let mut tx = db.begin().await.unwrap();
            close(&mut tx, first.id).await;
            close(&mut tx, second.id).await;
            tx.commit().await.unwrap();
        }
        svc.sync_market_index().await.unwrap();
        assert_eq!(
            found(&svc).await,
            BTreeSet::new(),
            "{label}: both closings applied"
        );
        let status = svc.market_index_status().await.unwrap();
        assert_eq!(
            status.applied_seq, status.outbox_head,
            "{label}: no hole left"
        );
    })
    .await;
}
