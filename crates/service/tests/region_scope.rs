//! Region scope in the service layer, for every scope a staff account can have (the province,
//! 11 cities, 117 counties) against a person in each of the 117 counties, on both databases.

use std::collections::BTreeSet;

use chrono::Utc;
use linghuo_domain::RegionCode;
use linghuo_domain::region::{cities, counties, province};
use linghuo_service::persons::{NewPerson, RevealField};
use linghuo_service::{
    Actor, Clock, Config, Keys, Permission, RequestMeta, Role, Service, ServiceError,
};
use linghuo_storage::testing::each_backend;
use uuid::Uuid;

fn staff(scope: RegionCode) -> Actor {
    Actor {
        user_id: Uuid::new_v4(),
        username: format!("staff.{}", scope.as_str()),
        display_name: "经办".into(),
        role: Role::Staff,
        scope: Some(scope),
        permissions: BTreeSet::from([Permission::PiiReveal]),
        person_id: None,
        authenticated_at: Utc::now(),
        meta: RequestMeta::default(),
    }
}

fn id_number(address: &str, seq: u32) -> String {
    linghuo_domain::testing::id_number(address, "19851120", seq)
}

#[tokio::test]
async fn every_scope_sees_exactly_its_counties() {
    each_backend(|db, label| async move {
        let svc = Service::new(db, Keys::generate(), Config::default(), Clock::system());
        let prov = staff(province());
        let mut persons = Vec::new();
        for (i, c) in counties().iter().enumerate() {
            let p = svc
                .create_person(
                    &prov,
                    NewPerson {
                        name: format!("人员{i}"),
                        id_number: id_number(&c.as_str(), i as u32),
                        jurisdiction_code: c.as_str(),
                        ..NewPerson::default()
                    },
                )
                .await
                .unwrap();
            persons.push((*c, p.id));
        }
        let mut scopes = vec![province()];
        scopes.extend(cities());
        scopes.extend(counties());
        assert_eq!(scopes.len(), 129);
        for scope in scopes {
            let a = staff(scope);
            let expected: Vec<Uuid> = persons
                .iter()
                .filter(|(c, _)| c.is_within(&scope))
                .map(|(_, id)| *id)
                .collect();
            let page = svc.search_persons(&a, "", 1).await.unwrap();
            assert_eq!(
                page.total as usize,
                expected.len(),
                "{label} {}: total",
                scope.as_str()
            );
            for (county, id) in &persons {
                let visible = county.is_within(&scope);
                // Out-of-scope: check a neighbour on each side rather than all 117, to keep the
                // audit writes of the refusals bounded; in-scope: every record.
                let neighbour = persons.iter().position(|(_, x)| x == id).is_some_and(|i| {
                    expected
                        .first()
                        .and_then(|f| persons.iter().position(|(_, x)| x == f))
                        .is_some_and(|first| i + 1 == first || i == first + expected.len())
                });
                if visible {
                    assert_eq!(svc.get_person(&a, *id).await.unwrap().id, *id);
                } else if neighbour {
                    assert!(
                        matches!(svc.get_person(&a, *id).await, Err(ServiceError::NotFound)),
                        "{label} {} reads {}",
                        scope.as_str(),
                        county.as_str()
                    );
                    assert!(matches!(
                        svc.reveal_person_field(&a, *id, RevealField::IdNumber, "核对信息")
                            .await,
                        Err(ServiceError::NotFound)
                    ));
                    let by_id = svc
                        .search_persons(
                            &a,
                            &id_number(
                                &county.as_str(),
                                persons.iter().position(|(_, x)| x == id).unwrap() as u32,
                            ),
                            1,
                        )
                        .await
                        .unwrap();
                    assert_eq!(by_id.total, 0);
                }
            }
        }
        // Roles without a region see no persons at all.
        for role in [
            Role::SysAdmin,
            Role::SecAdmin,
            Role::AuditAdmin,
            Role::Employer,
            Role::Worker,
        ] {
            let mut a = staff(province());
            a.role = role;
            a.scope = None;
            assert!(
                svc.search_persons(&a, "", 1).await.is_err(),
                "{role:?} lists persons"
            );
            assert!(
                matches!(
                    svc.get_person(&a, persons[0].1).await,
                    Err(ServiceError::NotFound)
                ),
                "{role:?} reads a person"
            );
        }
        let report = svc.verify_audit().await.unwrap();
        assert!(report.first_broken.is_none());
    })
    .await;
}
