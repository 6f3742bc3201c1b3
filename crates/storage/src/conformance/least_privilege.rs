//! PostgreSQL as production runs it (SECURITY.md B4, E3): the test pool is the application
//! role of migration 0013, so these stories check what that role cannot do, and that a staff
//! read transaction sees no person row outside its region even when its query has no region
//! filter. SQLite has one user and no row-level security: there the stories only check that
//! the same calls work.

use uuid::Uuid;

use super::person;
use crate::persons::{self, GroupRow};
use crate::testing::each_backend;
use crate::{Db, audit, now};

/// The SQLSTATE of a refused statement, or None when it succeeded.
async fn refused(db: &Db, sql: &'static str) -> Option<String> {
    let Db::Postgres(p) = db else { return None };
    match sqlx::query(sql).execute(p).await {
        Ok(_) => None,
        Err(e) => Some(
            e.as_database_error()
                .and_then(|d| d.code().map(|c| c.into_owned()))
                .unwrap_or_else(|| e.to_string()),
        ),
    }
}

fn group(person_id: Uuid) -> GroupRow {
    GroupRow {
        id: Uuid::new_v4(),
        person_id,
        group_code: "college_graduate".into(),
        since: None,
        until: None,
        evidence: String::new(),
        source: "registry".into(),
        verified: true,
        recorded_by: None,
        recorded_at: now(),
    }
}

#[tokio::test]
async fn row_level_security_hides_out_of_scope_persons_from_a_query_without_region_filter() {
    each_backend(|db, label| async move {
        let mut ids = Vec::new();
        let mut tx = db.begin().await.unwrap();
        for (i, code) in ["140105", "140106", "140202"].iter().enumerate() {
            let p = person(code, 40 + i as u8);
            persons::insert(&mut tx, &p).await.unwrap();
            persons::upsert_group(&mut tx, &group(p.id)).await.unwrap();
            ids.push(p.id);
        }
        tx.commit().await.unwrap();
        // The same calls work on both databases.
        let mut tx = db.begin_scoped("140105").await.unwrap();
        assert!(persons::by_id_tx(&mut tx, ids[0]).await.unwrap().is_some(), "{label}");
        tx.commit().await.unwrap();
        assert!(db.begin_scoped("").await.is_err(), "{label}: an empty scope is refused");
        assert!(db.begin_scoped("14' OR '1").await.is_err(), "{label}");
        let Db::Postgres(pool) = &db else { return };

        // A county's staff: a query that forgot its region filter sees the county only.
        let mut tx = pool.begin().await.unwrap();
        sqlx::query("SELECT set_config('role', 'linghuo_scoped', true), set_config('linghuo.scope', '140105', true)")
            .execute(&mut *tx)
            .await
            .unwrap();
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM persons")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(n, 1, "only the person of 140105");
        let g: i64 = sqlx::query_scalar("SELECT count(*) FROM person_groups")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(g, 1, "rows keyed by a person follow the person");
        tx.rollback().await.unwrap();

        // Through the storage calls the service uses: by id, out of scope, is not found.
        let mut tx = db.begin_scoped("140105").await.unwrap();
        assert!(persons::by_id_tx(&mut tx, ids[1]).await.unwrap().is_none());
        assert!(persons::by_id_tx(&mut tx, ids[2]).await.unwrap().is_none());
        assert_eq!(persons::groups_tx(&mut tx, ids[2]).await.unwrap().len(), 0);
        // A search with a wider prefix than the transaction's scope still sees only the scope.
        let (rows, total) = persons::search(&mut tx, "14", persons::PersonFilter::All, 10, 0)
            .await
            .unwrap();
        assert_eq!((rows.len(), total), (1, 1));
        // The scoped role reads; it writes nothing.
        let mut p = person("140105", 50);
        p.id = Uuid::new_v4();
        assert!(persons::insert(&mut tx, &p).await.is_err());
        drop(tx);
        let mut tx = db.begin_scoped("1401").await.unwrap();
        let (_, total) = persons::search(&mut tx, "14", persons::PersonFilter::All, 10, 0)
            .await
            .unwrap();
        assert_eq!(total, 2, "a city sees its counties");
        tx.commit().await.unwrap();

        // Switching role without a scope fails rather than showing everything.
        let mut tx = pool.begin().await.unwrap();
        sqlx::query("SET LOCAL ROLE linghuo_scoped")
            .execute(&mut *tx)
            .await
            .unwrap();
        let unscoped = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM persons")
            .fetch_one(&mut *tx)
            .await;
        assert!(matches!(unscoped, Err(_) | Ok(0)), "no scope, no rows");
        drop(tx);

        // The application role outside a scoped transaction (system and worker paths) and
        // after one (the setting ends with the transaction) sees every row.
        for _ in 0..3 {
            let n: i64 = sqlx::query_scalar("SELECT count(*) FROM persons")
                .fetch_one(pool)
                .await
                .unwrap();
            assert_eq!(n, 3);
        }
    })
    .await;
}

#[tokio::test]
async fn row_level_security_follows_a_queue_rows_own_county_as_well_as_its_person() {
    use crate::benefits::{self, RegistrationRow};
    each_backend(|db, label| async move {
        // A person of 小店区 registered by the county where they work (杏花岭区), and one of
        // 城区 (Datong) registered at home.
        let mut tx = db.begin().await.unwrap();
        let a = person("140105", 41);
        let b = person("140202", 42);
        persons::insert(&mut tx, &a).await.unwrap();
        persons::insert(&mut tx, &b).await.unwrap();
        for (p, county) in [(&a, "140107"), (&b, "140202")] {
            benefits::insert_registration(
                &mut tx,
                &RegistrationRow {
                    id: Uuid::new_v4(),
                    person_id: p.id,
                    kind: crate::status::RegistrationKind::Flexible,
                    county_code: county.into(),
                    started_on: chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
                    ended_on: None,
                    end_reason: String::new(),
                    employer_name: String::new(),
                    flexible_form: Some("gig".into()),
                    source: "staff".into(),
                    hire_id: None,
                    consent_note: String::new(),
                    recorded_by: None,
                    created_at: now(),
                    updated_at: now(),
                },
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        // The queue of each scope, asked with the widest prefix (as if the service forgot to
        // narrow it): row-level security keeps it to the scope on PostgreSQL.
        let queue = |scope: &'static str| {
            let db = db.clone();
            async move {
                let mut tx = db.begin_scoped(scope).await.unwrap();
                let rows = benefits::registrations_in_region(&mut tx, "14", 10)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                let mut people: Vec<Uuid> = rows.iter().map(|r| r.person_id).collect();
                people.sort();
                people
            }
        };
        let mut both = vec![a.id, b.id];
        both.sort();
        if matches!(db, Db::Sqlite(_)) {
            // One user, no row-level security: the same calls work, the filter decides.
            assert_eq!(queue("140107").await, both, "{label}");
            return;
        }
        assert_eq!(
            queue("140107").await,
            vec![a.id],
            "the county that handles the row"
        );
        assert_eq!(queue("140105").await, vec![a.id], "the person's own county");
        assert_eq!(queue("140202").await, vec![b.id]);
        assert_eq!(queue("140106").await, Vec::<Uuid>::new(), "neither");
        assert_eq!(queue("1401").await, vec![a.id], "a city sees its counties");
        assert_eq!(queue("14").await, both, "the province sees all");
    })
    .await;
}

#[tokio::test]
async fn the_application_role_cannot_change_the_schema_or_the_audit_rows() {
    each_backend(|db, label| async move {
        let mut tx = db.begin().await.unwrap();
        let (_, prev) = audit::lock_head(&mut tx).await.unwrap();
        let row = audit::AuditRow {
            seq: 1,
            at: now(),
            actor_id: None,
            actor_name: "system".into(),
            actor_role: "system".into(),
            event_type: "test".into(),
            outcome: "success".into(),
            object_type: "x".into(),
            object_id: "1".into(),
            region_code: String::new(),
            ip: String::new(),
            request_id: String::new(),
            detail: "{}".into(),
            prev_hash: prev,
            hash: vec![9; 32],
        };
        audit::append(&mut tx, &row).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(audit::head(&db).await.unwrap().0, 1, "{label}: appending works");
        if db.backend() != crate::Backend::Postgres {
            return;
        }
        // 42501: insufficient privilege (including "must be owner").
        let denied = Some("42501".to_owned());
        for sql in [
            "DROP TABLE persons",
            "ALTER TABLE persons ADD COLUMN x TEXT",
            "ALTER TABLE audit_log DISABLE TRIGGER USER",
            "ALTER TABLE persons DISABLE ROW LEVEL SECURITY",
            "DROP POLICY persons_app ON persons",
            "TRUNCATE audit_log",
            "TRUNCATE persons",
            "UPDATE audit_log SET object_id = 'forged'",
            "DELETE FROM audit_log",
            "INSERT INTO audit_head (id, seq, hash) VALUES (2, 0, '\\x00')",
            "DELETE FROM audit_head",
            "CREATE TABLE x (y INTEGER)",
            "DROP TRIGGER audit_log_no_update ON audit_log",
            "DELETE FROM _sqlx_migrations",
            "CREATE ROLE intruder",
        ] {
            assert_eq!(refused(&db, sql).await, denied, "{sql}");
        }
        assert_eq!(audit::page(&db, 0, 10).await.unwrap().len(), 1);
        let Db::Postgres(p) = &db else { return };
        let (superuser, bypass): (bool, bool) = sqlx::query_as(
            "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user",
        )
        .fetch_one(p)
        .await
        .unwrap();
        assert!(!superuser && !bypass, "no superuser, no BYPASSRLS");
        let owned: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user",
        )
        .fetch_one(p)
        .await
        .unwrap();
        assert_eq!(owned, 0, "the application role owns no table");
    })
    .await;
}

#[tokio::test]
async fn every_table_keyed_by_a_person_has_row_level_security() {
    each_backend(|db, _| async move {
        let Db::Postgres(p) = &db else { return };
        let tables: Vec<(String, bool, i64, bool, i64)> = sqlx::query_as(
            "SELECT c.relname::TEXT, c.relrowsecurity, \
                    (SELECT count(*) FROM pg_policies x WHERE x.tablename = c.relname \
                      AND x.policyname IN (c.relname || '_app', c.relname || '_scoped')), \
                    EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid \
                            AND a.attname = 'county_code' AND NOT a.attisdropped), \
                    (SELECT count(*) FROM pg_policies x WHERE x.tablename = c.relname \
                      AND x.policyname = c.relname || '_scoped_county') \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'users' \
               AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid \
                           AND a.attname = 'person_id' AND NOT a.attisdropped) \
             ORDER BY 1",
        )
        .fetch_all(p)
        .await
        .unwrap();
        assert!(tables.len() >= 10, "{tables:?}");
        for (t, rls, policies, has_county, county_policy) in &tables {
            assert!(
                *rls && *policies == 2,
                "{t}: row-level security and its two policies"
            );
            // A row with its own county is also visible to the county that handles it (0014).
            assert_eq!(
                *county_policy,
                i64::from(*has_county),
                "{t}: the county policy"
            );
        }
        let persons: (bool,) =
            sqlx::query_as("SELECT relrowsecurity FROM pg_class WHERE relname = 'persons'")
                .fetch_one(p)
                .await
                .unwrap();
        assert!(persons.0);
    })
    .await;
}
