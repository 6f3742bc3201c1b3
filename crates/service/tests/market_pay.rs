//! Pay as gig work is really paid, through the service on both databases: every kind of pay
//! posted and read back, notes that let a post go live and findings that hold it, the
//! earlier amount-and-unit input, the import of the forms another city's market refused,
//! the search's hourly pay filter on estimates, and a post stored before migration 0009.

use std::collections::BTreeSet;

use chrono::{NaiveDate, TimeZone, Utc};
use linghuo_market::import::ImportedPost;
use linghuo_service::market::{EmployerInput, EmployerSignUp, PostInput, PostView};
use linghuo_service::market_search::SearchInput;
use linghuo_service::{Actor, Clock, Config, Keys, RequestMeta, Role, Service, ServiceError};
use linghuo_storage::Db;
use linghuo_storage::testing::{each_backend, each_backend_at};
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

/// A valid 统一社会信用代码 from its first 17 characters.
fn uscc(body: &str) -> String {
    linghuo_domain::testing::uscc(body)
}

/// A verified employer in 小店区 and its account.
async fn employer(svc: &Service, username: &str, uscc: &str) -> Actor {
    let uid = svc
        .sign_up_employer(
            EmployerSignUp {
                username: username.into(),
                password: "汾河水长流 2026 秋".into(),
                employer: EmployerInput {
                    kind: "enterprise".into(),
                    name: format!("太原{username}劳务有限公司"),
                    uscc: Some(self::uscc(uscc)),
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
    actor(uid, Role::Employer, None)
}

/// A post in its own county (so no two are duplicates), paid as `pay` says.
fn input(n: usize, pay: &str) -> PostInput {
    const COUNTIES: &[&str] = &[
        "140105", "140106", "140107", "140108", "140109", "140110", "140121", "140122", "140123",
        "140181", "140221", "140212", "140213", "140214", "140215", "140302", "140311", "140321",
        "140322", "140403", "140404", "140405", "140406", "140423", "140425", "140426", "140427",
        "140428", "140429", "140430",
    ];
    PostInput {
        title: "仓库装卸工".into(),
        description: "负责货物装卸、搬运和码放，工具由单位提供。".into(),
        occupation: "装卸工".into(),
        form: "gig".into(),
        county_code: COUNTIES[n % COUNTIES.len()].into(),
        starts_on: "2026-12-01".into(),
        pay: Some(pay.into()),
        headcount: 3,
        ..PostInput::default()
    }
}

fn invalid(e: ServiceError) -> (String, &'static str) {
    match e {
        ServiceError::Invalid { field, code, .. } => (field, code),
        other => panic!("{other:?}"),
    }
}

fn notes(p: &PostView) -> Vec<&str> {
    p.notes.iter().map(|f| f.code.as_str()).collect()
}

fn holds(p: &PostView) -> Vec<&str> {
    p.findings.iter().map(|f| f.code.as_str()).collect()
}

/// (pay as written, label, unit, estimate label, notes, goes live)
type Case = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    &'static [&'static str],
    bool,
);

#[tokio::test]
async fn every_kind_of_pay_is_posted_screened_and_read_back() {
    each_backend(|db, label| async move {
        let svc = Service::new(db, Keys::generate(), Config::default(), Clock::system());
        let emp = employer(&svc, "zhuangxie", "91140105MA0L00001").await;
        let cases: &[Case] = &[
            (
                "200-260元/天",
                "日薪200–260元",
                Some("day"),
                Some("约合每小时25元（估算）"),
                &[],
                true,
            ),
            (
                "3000元/月+提成",
                "底薪3000元/月＋提成",
                Some("month"),
                Some("约合每小时17.24元（估算）"),
                &[],
                true,
            ),
            (
                "2元/袋",
                "计件2元/袋",
                Some("piece"),
                None,
                &["piece_rate_unchecked"],
                true,
            ),
            (
                "45元/平方米",
                "计件45元/平方米",
                Some("piece"),
                None,
                &["piece_rate_unchecked"],
                true,
            ),
            (
                "按单结算",
                "按单结算（金额面议）",
                Some("piece"),
                None,
                &["pay_negotiable"],
                true,
            ),
            ("面议", "面议", None, None, &["pay_negotiable"], true),
            (
                "200元/晚",
                "每班200元",
                Some("shift"),
                Some("约合每小时25元（估算）"),
                &[],
                true,
            ),
            (
                "120元/半天",
                "每半天120元",
                Some("half_day"),
                Some("约合每小时30元（估算）"),
                &[],
                true,
            ),
            (
                "8800元/26天",
                "每26天8800元",
                Some("days"),
                Some("约合每小时42.31元（估算）"),
                &[],
                true,
            ),
            (
                "1500元/周",
                "周薪1500元",
                Some("week"),
                Some("约合每小时37.5元（估算）"),
                &[],
                true,
            ),
            (
                "保底3000",
                "保底3000元/月",
                Some("month"),
                Some("约合每小时17.24元（估算）"),
                &[],
                true,
            ),
            (
                "25元/小时",
                "时薪25元",
                Some("hour"),
                Some("约合每天200元（估算）"),
                &[],
                true,
            ),
        ];
        for (n, (pay, want_label, unit, estimate, want_notes, live)) in cases.iter().enumerate() {
            let p = svc.create_post(&emp, input(n, pay)).await.unwrap();
            assert_eq!(p.pay, *want_label, "{label} {pay}");
            assert_eq!(p.pay_text, *pay, "{label}");
            assert_eq!(p.pay_unit.as_deref(), *unit, "{label} {pay}");
            assert_eq!(
                p.pay_estimate.as_ref().map(|e| e.label.as_str()),
                *estimate,
                "{label} {pay}"
            );
            assert_eq!(notes(&p), *want_notes, "{label} {pay}");
            assert_eq!(p.status == "live", *live, "{label} {pay}: {:?}", p.findings);
            // Read back as stored.
            let back = svc.get_post(None, p.id).await.unwrap();
            assert_eq!(back.pay, p.pay);
            assert_eq!(back.pay_text, p.pay_text);
            assert_eq!(notes(&back), *want_notes);
            let json = serde_json::to_value(&back).unwrap();
            assert!(json["pay_detail"]["basis"].as_str().is_some());
        }
        // Money in JSON is decimal strings.
        let p = svc
            .create_post(&emp, input(20, "150-180元/天"))
            .await
            .unwrap();
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["pay_amount"], "150.00", "{label}");
        assert_eq!(json["pay_detail"]["min"], "150.00");
        assert_eq!(json["pay_detail"]["max"], "180.00");
        assert_eq!(json["pay_detail"]["unit"], "day");
        assert_eq!(json["pay_estimate"]["hourly"], "18.75");
        assert_eq!(json["pay_estimate"]["daily"], "150.00");
        // The schedule's hours make the estimate: 150 for 4 hours is 37.50 an hour.
        let mut short = input(21, "150元/天");
        short.schedule = Some("周一至周五 08:00-12:00".into());
        let p = svc.create_post(&emp, short).await.unwrap();
        assert_eq!(p.pay_estimate.unwrap().label, "约合每小时37.5元（估算）");

        // Typical daily earnings: a piece rate is then checked, and held when it is low.
        let mut piece = input(22, "2元/袋");
        piece.typical_daily_pay = Some("200".into());
        let p = svc.create_post(&emp, piece).await.unwrap();
        assert_eq!((p.status.as_str(), notes(&p)), ("live", vec![]), "{label}");
        assert_eq!(p.pay, "计件2元/袋，日均约200元");
        assert_eq!(p.pay_estimate.unwrap().label, "约合每小时25元（估算）");
        let mut low = input(23, "2元/袋");
        low.typical_daily_pay = Some("60元".into());
        let p = svc.create_post(&emp, low).await.unwrap();
        assert_eq!(p.status, "held", "{label}");
        assert_eq!(holds(&p), vec!["below_minimum_wage"]);
        let p = svc
            .create_post(&emp, input(24, "计件，日均100元"))
            .await
            .unwrap();
        assert_eq!(holds(&p), vec!["below_minimum_wage"], "{label}");

        // The earlier amount-and-unit input still works and reads as before.
        let legacy = PostInput {
            pay: None,
            pay_amount: "30.00".into(),
            pay_unit: "hour".into(),
            ..input(25, "")
        };
        let p = svc.create_post(&emp, legacy).await.unwrap();
        assert_eq!(p.pay, "时薪30元");
        assert_eq!(p.pay_text, "30.00元/小时");
        assert_eq!(p.pay_unit.as_deref(), Some("hour"));

        // What cannot be read is refused naming the field.
        let cases: &[(PostInput, (&str, &str))] = &[
            (input(26, "看情况"), ("pay", "pay_unreadable")),
            (input(26, "200元"), ("pay", "pay_unit_missing")),
            (input(26, "200元/年"), ("pay", "pay_unit_year")),
            (
                PostInput {
                    typical_daily_pay: Some("很多".into()),
                    ..input(26, "2元/袋")
                },
                ("typical_daily_pay", "typical_daily_pay_invalid"),
            ),
            (
                PostInput {
                    pay: None,
                    ..input(26, "")
                },
                ("pay", "pay_empty"),
            ),
            (
                PostInput {
                    pay: None,
                    pay_amount: "200".into(),
                    pay_unit: "week".into(),
                    ..input(26, "")
                },
                ("pay_unit", "pay_unit"),
            ),
        ];
        for (i, want) in cases {
            let e = svc.create_post(&emp, i.clone()).await.unwrap_err();
            let (field, code) = invalid(e);
            assert_eq!((field.as_str(), code), *want, "{label}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_hourly_pay_filter_uses_estimates_and_never_drops_posts_otherwise() {
    each_backend(|db, label| async move {
        let svc = Service::new(db, Keys::generate(), Config::default(), Clock::system());
        let emp = employer(&svc, "fenjian", "91140105MA0L00002").await;
        let mut ids = Vec::new();
        for (n, (pay, typical)) in [
            ("200元/天", None),      // 25/h
            ("2元/袋", None),        // no estimate
            ("2元/袋", Some("300")), // 37.5/h
            ("面议", None),          // no estimate
            ("1500元/周", None),     // 37.5/h
            ("120元/半天", None),    // 30/h
        ]
        .into_iter()
        .enumerate()
        {
            let mut i = input(n, pay);
            i.typical_daily_pay = typical.map(str::to_owned);
            let p = svc.create_post(&emp, i).await.unwrap();
            assert_eq!(p.status, "live", "{label} {pay}: {:?}", p.findings);
            ids.push(p.id);
        }
        let found = |pay_at_least: Option<&str>| {
            let svc = &svc;
            let input = SearchInput {
                q: Some("装卸".into()),
                pay_at_least: pay_at_least.map(str::to_owned),
                limit: Some(50),
                ..SearchInput::default()
            };
            async move {
                let mut v: Vec<Uuid> = svc
                    .search_posts(&input)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|h| h.post.id)
                    .collect();
                v.sort();
                v
            }
        };
        let pick = |k: &[usize]| {
            let mut v: Vec<Uuid> = k.iter().map(|i| ids[*i]).collect();
            v.sort();
            v
        };
        assert_eq!(
            found(None).await,
            pick(&[0, 1, 2, 3, 4, 5]),
            "{label}: all without a filter"
        );
        assert_eq!(found(Some("25")).await, pick(&[0, 2, 4, 5]), "{label}");
        assert_eq!(found(Some("30")).await, pick(&[2, 4, 5]), "{label}");
        assert_eq!(found(Some("37.5")).await, pick(&[2, 4]), "{label}");
        assert_eq!(found(Some("38")).await, Vec::<Uuid>::new(), "{label}");
        // Search cards carry the label and the estimate.
        let hits = svc
            .search_posts(&SearchInput {
                q: Some("装卸".into()),
                pay_at_least: Some("37".into()),
                ..SearchInput::default()
            })
            .await
            .unwrap();
        let labels: BTreeSet<String> = hits.iter().map(|h| h.post.pay.clone()).collect();
        assert!(
            labels.contains("计件2元/袋，日均约300元"),
            "{label}: {labels:?}"
        );
        assert!(hits.iter().all(|h| h.post.pay_estimate.is_some()));
    })
    .await;
}

#[tokio::test]
async fn an_import_reads_the_forms_another_market_refused() {
    each_backend(|db, label| async move {
        let svc = Service::new(db, Keys::generate(), Config::default(), Clock::system());
        let emp = employer(&svc, "daoru", "91140105MA0L00003").await;
        let employer_id = svc.my_employer(&emp).await.unwrap().id;
        let refused_before = [
            "3000元/月+提成",
            "按单结算",
            "45元/平方米",
            "60元/台",
            "200元/晚",
            "120元/半天",
            "8800元/26天",
            "按斤计价",
            "计件",
            "2元/袋",
            "600元/吨",
        ];
        let mut rows: Vec<(usize, Result<ImportedPost, String>)> = refused_before
            .iter()
            .enumerate()
            .map(|(i, pay)| {
                const COUNTIES: [&str; 11] = [
                    "小店区", "迎泽区", "杏花岭区", "尖草坪区", "万柏林区", "晋源区", "阳曲县",
                    "娄烦县", "古交市", "大同市平城区", "大同市云冈区",
                ];
                let county = COUNTIES[i];
                let line = serde_json::json!({
                    "external_id": format!("JZ-{i}"), "title": "装卸工", "description": format!("第{i}批货物装卸"),
                    "occupation": "装卸工", "form": "零工", "pay": pay,
                    "county": county,
                });
                (i + 1, Ok(serde_json::from_value(line).unwrap()))
            })
            .collect();
        // Amount and unit columns with the typical daily earnings.
        rows.push((
            20,
            Ok(serde_json::from_value(serde_json::json!({
                "external_id": "JZ-parts", "title": "分拣", "description": "包裹分拣", "occupation": "分拣员",
                "form": "零工", "pay_amount": "0.8", "pay_unit": "单", "typical_daily_pay": "240", "county": "清徐县",
            }))
            .unwrap()),
        ));
        let report = svc.import_posts(None, employer_id, rows, true).await.unwrap();
        assert!(report.problems.is_empty(), "{label}: {:?}", report.problems);
        assert_eq!(report.created, 12, "{label}");
        assert_eq!(report.held, 0, "{label}: notes do not hold posts");
        let mine = svc.my_posts(&emp).await.unwrap();
        let labels: BTreeSet<&str> = mine.iter().map(|p| p.pay.as_str()).collect();
        for want in [
            "底薪3000元/月＋提成",
            "按单结算（金额面议）",
            "计件45元/平方米",
            "计件60元/台",
            "每班200元",
            "每半天120元",
            "每26天8800元",
            "按斤计价（金额面议）",
            "计件（金额面议）",
            "计件2元/袋",
            "计件600元/吨",
            "计件0.8元/单，日均约240元",
        ] {
            assert!(labels.contains(want), "{label}: {want} not in {labels:?}");
        }
        let text: BTreeSet<&str> = mine.iter().map(|p| p.pay_text.as_str()).collect();
        assert!(text.contains("8800元/26天"), "{label}: kept as written");
    })
    .await;
}

#[tokio::test]
async fn a_post_stored_before_the_pay_model_reads_as_before() {
    each_backend_at(Some(8), |db, label| async move {
        // An employer and a post as migration 0008 stored them.
        let employer = Uuid::new_v4();
        let post = Uuid::new_v4();
        let t = Utc.with_ymd_and_hms(2026, 11, 2, 2, 0, 0).unwrap();
        let d = NaiveDate::from_ymd_opt(2099, 1, 2).unwrap();
        macro_rules! exec {
            ($sql:expr, $($b:expr),*) => {
                match &db {
                    Db::Sqlite(p) => { sqlx::query($sql)$(.bind($b))*.execute(p).await.unwrap(); }
                    Db::Postgres(p) => { sqlx::query($sql)$(.bind($b))*.execute(p).await.unwrap(); }
                }
            };
        }
        exec!(
            "INSERT INTO employers (id, kind, name, uscc, contact_name, county_code, verified, created_at, updated_at) \
             VALUES ($1, 'enterprise', '太原老岗位保洁有限公司', '91140105MA0L00004X', '王经理', '140105', TRUE, $2, $2)",
            employer,
            t
        );
        exec!(
            "INSERT INTO job_posts (id, employer_id, title, description, occupation, form, county_code, lat, lon, starts_on, \
             schedule, pay_fen, pay_unit, headcount, status, expires_on, created_at, updated_at) \
             VALUES ($1, $2, '家庭保洁', '日常保洁', 'jiazheng.baojie', 'gig', '140105', 37.8, 112.5, $3, \
             '周一至周五 08:00-12:00', 20000, 'day', 1, 'live', $3, $4, $4)",
            post,
            employer,
            d,
            t
        );
        db.migrate().await.unwrap();
        let svc = Service::new(db, Keys::generate(), Config::default(), Clock::system());
        let p = svc.get_post(None, post).await.unwrap();
        assert_eq!(p.pay, "日薪200元", "{label}");
        assert_eq!(p.pay_text, "200.00元/天", "{label}");
        assert_eq!(p.pay_amount.map(|m| m.fen()), Some(20000));
        assert_eq!(p.pay_unit.as_deref(), Some("day"));
        assert_eq!(p.pay_detail.basis, "time");
        assert!(p.notes.is_empty() && p.findings.is_empty());
        // The estimate with the post's own hours: 200 for 4 hours.
        assert_eq!(p.pay_estimate.unwrap().label, "约合每小时50元（估算）", "{label}");
        // And it is found by search as before.
        let hits = svc
            .search_posts(&SearchInput {
                q: Some("保洁".into()),
                ..SearchInput::default()
            })
            .await
            .unwrap();
        assert_eq!(hits.len(), 1, "{label}");
        assert!(hits[0].why.ends_with("日薪200元"), "{}", hits[0].why);
    })
    .await;
}
