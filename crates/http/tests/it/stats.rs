//! Statistics on seeded data, checked against counts made independently from the raw rows
//! (the 用工登记 list and the post lists staff see), region scope, and targets.

use std::collections::HashMap;

use crate::common::*;
use axum::http::{Method, StatusCode};
use linghuo_service::demo::DemoOptions;
use serde_json::{Value, json};

#[tokio::test]
async fn statistics_match_the_rows_and_respect_scope() {
    each_app(|app| async move {
        app.svc
            .seed_demo(DemoOptions { workers: 300, jobs: 120, seed: 11 })
            .await
            .unwrap();
        let year = app.clock.today_cst().format("%Y").to_string();
        let mut prov = app.staff_in("stats.prov", "140000").await;
        let mut city = app.staff_in("stats.city", "140100").await;

        let s = prov.get(&app, "/api/v1/stats").await;
        assert_eq!(s.status, StatusCode::OK, "{}", s.body);
        let s = s.json();
        assert_eq!(s["by_region"].as_array().unwrap().len(), 11, "eleven cities");

        // Independent count: the 用工登记 rows staff see, by city, this year.
        let regs = prov.get(&app, "/api/v1/hiring-registrations").await.json();
        let mut by_city: HashMap<String, i64> = HashMap::new();
        let mut total = 0;
        for r in regs.as_array().unwrap() {
            if r["registered_at"].as_str().unwrap().starts_with(&year) {
                let county = r["county_code"].as_str().unwrap();
                *by_city.entry(format!("{}00", &county[..4])).or_default() += 1;
                total += 1;
            }
        }
        assert!(total > 0);
        assert_eq!(s["total"]["hires"], total, "{}", s["total"]);
        for row in s["by_region"].as_array().unwrap() {
            let code = row["code"].as_str().unwrap();
            assert_eq!(row["hires"], by_city.get(code).copied().unwrap_or(0), "{code}");
        }
        let months: i64 = s["by_month"].as_array().unwrap().iter().map(|m| m["hires"].as_i64().unwrap()).sum();
        assert_eq!(months, total);
        let forms: i64 = s["by_form"].as_array().unwrap().iter().map(|m| m["hires"].as_i64().unwrap()).sum();
        assert_eq!(forms, total);
        let occ_hires: i64 = s["by_occupation"].as_array().unwrap().iter().map(|m| m["hires"].as_i64().unwrap()).sum();
        assert_eq!(occ_hires, total);
        // Live posts against the live list staff see.
        let live = prov.get(&app, "/api/v1/posts/review?status=live").await.json();
        let live_this_year = live
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["id"].is_string())
            .count() as i64;
        assert!(s["total"]["live_posts"].as_i64().unwrap() <= live_this_year);

        // A city sees its counties only, and cannot ask about another city.
        let c = city.get(&app, "/api/v1/stats").await.json();
        assert_eq!(c["region_code"], "140100");
        assert!(c["by_region"].as_array().unwrap().iter().all(|r| r["code"].as_str().unwrap().starts_with("1401")));
        assert_eq!(c["total"]["hires"], by_city.get("140100").copied().unwrap_or(0));
        assert_eq!(city.get(&app, "/api/v1/stats?region=140200").await.status, StatusCode::NOT_FOUND);
        let bad = city.get(&app, "/api/v1/stats?year=1999").await;
        assert_eq!(bad.json()["error"]["field"], "year");

        // Targets: the city sets a county's, not its own nor another city's; progress shows.
        let put = |region: &str, target: i64| json!({"year": year.parse::<i32>().unwrap(), "region": region, "target": target});
        let r = city.send(&app, Method::PUT, "/api/v1/stats/targets", Some(put("140105", 40))).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let r = city.send(&app, Method::PUT, "/api/v1/stats/targets", Some(put("140100", 40))).await;
        assert_eq!(r.json()["error"]["field"], "region");
        let r = city.send(&app, Method::PUT, "/api/v1/stats/targets", Some(put("140202", 40))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let c = city.get(&app, "/api/v1/stats").await.json();
        let xd: &Value = c["by_region"].as_array().unwrap().iter().find(|r| r["code"] == "140105").unwrap();
        assert_eq!(xd["target"], 40);
        let expect = (xd["people_employed"].as_f64().unwrap() * 1000.0 / 40.0).round() / 10.0;
        assert_eq!(xd["progress_percent"].as_f64().unwrap(), expect);
        let mut w = Client::default();
        w.start(&app).await;
        assert_eq!(w.get(&app, "/api/v1/stats").await.status, StatusCode::UNAUTHORIZED);
        app
    })
    .await;
}
