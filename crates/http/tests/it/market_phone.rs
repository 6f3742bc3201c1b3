//! 找活 on a phone, through the real router on SQLite and (with `TEST_DATABASE_URL`)
//! PostgreSQL: suggestions as the worker types (`GET /api/v1/market/suggest`, public, at most
//! eight, nothing stored), how the words were read above the results, the related tier after
//! its divider, the nearby fallback and the empty page that offers to clear the filters, and
//! 找附近的活 — the phone's point only in a POST body with the CSRF token, results sorted by
//! distance from it, the saved profile point when the phone gives none, and a plain
//! explanation for anyone else.

use crate::common::*;
use crate::forms::*;
use axum::http::{StatusCode, header};
use serde_json::{Value, json};

fn enc(s: &str) -> String {
    serde_urlencoded::to_string([("q", s)]).unwrap()
}

async fn suggest(app: &TestApp, typed: &str) -> Vec<Value> {
    let mut anon = Client::default();
    let r = anon
        .get(app, &format!("/api/v1/market/suggest?{}", enc(typed)))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{typed}: {}", r.body);
    assert!(
        r.headers.get(header::SET_COOKIE).is_none(),
        "suggestions start no session"
    );
    r.json().as_array().unwrap().clone()
}

#[tokio::test]
async fn suggestions_as_you_type() {
    each_app(|app| async move {
        let s = suggest(&app, "修水管").await;
        assert_eq!(s[0]["text"], "修水管");
        assert_eq!(s[0]["trade"], "weixiu.shuidian");
        assert_eq!(s[0]["trade_name"], "水电工");
        assert_eq!(s[0]["kind"], "trade");

        let s = suggest(&app, "保").await;
        assert_eq!(s.len(), 8, "at most eight: {s:?}");
        assert!(s.iter().any(|x| x["text"] == "保洁"), "{s:?}");

        let s = suggest(&app, "保结").await;
        assert!(
            s.iter()
                .any(|x| x["text"] == "保洁" && x["query"] == "保洁"),
            "a near spelling is offered as the search reads it: {s:?}"
        );

        let s = suggest(&app, "小店区 保洁 日").await;
        assert!(
            s.iter().any(|x| x["text"] == "日结"
                && x["kind"] == "condition"
                && x["trade"].is_null()
                && x["query"] == "小店区 保洁 日结"),
            "only the last word is completed: {s:?}"
        );
        let s = suggest(&app, "小店").await;
        assert!(
            s.iter()
                .any(|x| x["text"] == "小店区" && x["kind"] == "place"),
            "{s:?}"
        );

        for typed in ["", "13812345678", "140105199003071234"] {
            assert!(suggest(&app, typed).await.is_empty(), "{typed:?}");
        }
        let mut anon = Client::default();
        let r = anon.get(&app, "/api/v1/market/suggest").await;
        assert_eq!(r.json(), json!([]), "no text, no suggestions");

        let doc = anon.get(&app, "/api/openapi.json").await.json();
        assert!(
            doc["paths"]["/api/v1/market/suggest"]["get"].is_object(),
            "documented"
        );
        app
    })
    .await;
}

/// A verified employer of 小店区, signed in through the API.
async fn employer(app: &TestApp) -> Client {
    app.employer_verified("phone.employer", "91110000600037341L")
        .await
        .0
}

/// A live 保洁 post at a point.
async fn post_at(app: &TestApp, emp: &mut Client, title: &str, county: &str, point: (f64, f64)) {
    let r = emp
        .post(app, "/api/v1/posts", json!({
            "title": title, "description": format!("{title}：家庭日常保洁，擦玻璃、拖地，工具由雇主提供。"),
            "occupation": "保洁员", "form": "hourly", "county_code": county, "address": "",
            "lat": point.0, "lon": point.1, "starts_on": app.clock.today_cst().to_string(),
            "schedule": "每天 09:00-12:00", "pay_amount": "30.00", "pay_unit": "hour", "headcount": 1,
            "accident_cover": true
        }))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["status"], "live", "{}", r.body);
}

/// The titles in the order the page lists them (those given only).
fn order<'a>(html: &str, titles: &[&'a str]) -> Vec<&'a str> {
    let mut found: Vec<(usize, &str)> = titles
        .iter()
        .filter_map(|t| html.find(&format!(">{t}</a>")).map(|i| (i, *t)))
        .collect();
    found.sort();
    found.into_iter().map(|(_, t)| t).collect()
}

const NEAR: &str = "坞城路家庭保洁（近）";
const MIDDLE: &str = "亲贤街家庭保洁（中）";
const FAR: &str = "北营家庭保洁（远）";
const OTHER_COUNTY: &str = "迎泽区家庭保洁";

#[tokio::test]
async fn the_search_page_says_how_it_read_the_words() {
    each_app(|app| async move {
        let mut emp = employer(&app).await;
        post_at(&app, &mut emp, NEAR, "140105", (37.80, 112.56)).await;
        post_at(&app, &mut emp, OTHER_COUNTY, "140106", (37.86, 112.57)).await;
        let mut anon = Browser::new();

        let p = anon.get(&app, "/work").await;
        assert!(
            p.html.contains("id=\"q\"")
                && p.html.contains("placeholder=\"保洁、修水管、日结\"")
                && p.html.contains("data-suggest=\"/api/v1/market/suggest\""),
            "one search box first"
        );
        assert!(
            p.html.contains("<details class=\"filters\">")
                && p.html.contains("筛选（地区、工种、用工形式、工资、日期）"),
            "filters folded while none is set"
        );
        assert!(
            p.html
                .contains("<script src=\"/assets/work.js\" defer></script>"),
            "the page's script is vendored"
        );
        assert!(
            p.html.find("id=\"q\"").unwrap() < p.html.find("id=\"region\"").unwrap(),
            "the box comes before the filters"
        );

        // A place and a trade: the asked-for work there, then the same work elsewhere in the
        // city after the divider; the reading is said in plain words above.
        let p = anon
            .get(&app, &format!("/work?{}", enc("小店区 保洁 日结")))
            .await;
        assert_eq!(p.status, StatusCode::OK);
        let line = between(&p.html, "id=\"understood\">", "</p>");
        assert!(
            line.starts_with("按您的话找：")
                && line.contains("工种 保洁员")
                && line.contains("地点 小店区")
                && line.contains("条件 日结"),
            "{line}"
        );
        assert!(
            p.html
                .contains("id=\"related-divider\">没有更多完全符合的，下面是相近的活")
                || p.html
                    .contains("id=\"related-divider\">没有完全符合的活，下面是相近的活"),
            "{}",
            p.html
        );
        assert_eq!(order(&p.html, &[NEAR, OTHER_COUNTY]), [NEAR, OTHER_COUNTY]);
        assert!(
            p.html.find("id=\"related-divider\"").unwrap()
                < p.html.find(&format!(">{OTHER_COUNTY}</a>")).unwrap(),
            "related work comes after the divider"
        );

        // Nothing matches the words: the newest work, said so, never a bare page.
        let p = anon.get(&app, &format!("/work?{}", enc("宇航员"))).await;
        assert!(
            p.html.contains("没有找到符合“宇航员”的活，下面是最新的活"),
            "{}",
            p.html
        );
        assert!(p.html.contains(NEAR));

        // A filter set: the filters stay unfolded and say how many are set.
        let p = anon
            .get(&app, &format!("/work?{}&form=hourly", enc("保洁")))
            .await;
        assert!(
            p.html.contains("<details class=\"filters\" open>"),
            "{}",
            p.html
        );
        assert!(p.html.contains("已设1项"));
        // Nothing at all under the filters: said so, with the way out first (the filters
        // folded, one tap away).
        let p = anon
            .get(&app, &format!("/work?{}&form=platform", enc("保洁")))
            .await;
        assert!(p.html.contains("id=\"no-results\""), "{}", p.html);
        assert!(p.html.contains("<details class=\"filters\">") && p.html.contains("已设1项"));
        assert!(
            p.html.contains(&format!("href=\"/work?{}\"", enc("保洁")))
                && p.html.contains("href=\"/work\""),
            "offers the words without the filters, and clearing everything"
        );
        app
    })
    .await;
}

/// The anonymous visitor's CSRF-protected 找附近的活 form, posted with `fields`.
async fn nearby(app: &TestApp, b: &mut Browser, fields: &[(&str, &str)]) -> Page {
    let p = b.post(app, "/work/nearby", fields).await;
    assert_eq!(
        p.location, None,
        "answered in place, never redirected with a point"
    );
    p
}

#[tokio::test]
async fn nearby_takes_the_point_from_the_body_and_sorts_by_distance() {
    each_app(|app| async move {
        let mut emp = employer(&app).await;
        post_at(&app, &mut emp, NEAR, "140105", (37.800, 112.560)).await;
        post_at(&app, &mut emp, MIDDLE, "140105", (37.850, 112.560)).await;
        post_at(&app, &mut emp, FAR, "140105", (37.950, 112.560)).await;
        let titles = [NEAR, MIDDLE, FAR];

        let mut anon = Browser::new();
        let page = anon.get(&app, "/work").await;
        let form = between(
            &page.html,
            "<form method=\"post\" action=\"/work/nearby\"",
            "</form>",
        );
        assert!(
            form.contains("name=\"_csrf\"")
                && form.contains("name=\"lat\" value=\"\"")
                && form.contains("name=\"lon\" value=\"\"")
                && form.contains("找附近的活"),
            "{form}"
        );

        // From the south end the near post comes first, each card with its distance.
        let p = nearby(
            &app,
            &mut anon,
            &[("lat", "37.801"), ("lon", "112.560"), ("q", "保洁")],
        )
        .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.html);
        assert!(p.html.contains("id=\"near-note\"") && p.html.contains("离您近的活"));
        assert_eq!(order(&p.html, &titles), [NEAR, MIDDLE, FAR]);
        assert!(
            p.html.contains("距您约0.1公里")
                && p.html.contains("距您约5.4公里")
                && p.html.contains("距您约16.6公里"),
            "{}",
            p.html
        );
        // From the north end the order turns round: the posted point is what counts.
        let p = nearby(&app, &mut anon, &[("lat", "37.95"), ("lon", "112.56")]).await;
        assert_eq!(order(&p.html, &titles), [FAR, MIDDLE, NEAR]);
        assert!(
            !p.html.contains("lat=") && !p.html.contains("37.95,"),
            "the point is in no link"
        );

        // Without the token the form is refused.
        let token = std::mem::take(&mut anon.csrf);
        let refused = anon
            .post(&app, "/work/nearby", &[("lat", "37.8"), ("lon", "112.56")])
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        anon.csrf = "not-the-token".into();
        let refused = anon
            .post(&app, "/work/nearby", &[("lat", "37.8"), ("lon", "112.56")])
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        anon.csrf = token;

        // A refused location: an anonymous visitor is told why and what to do instead.
        let p = nearby(
            &app,
            &mut anon,
            &[("lat", ""), ("lon", ""), ("geo", "denied")],
        )
        .await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(
            p.html.contains("id=\"near-problem\"")
                && p.html.contains("您没有允许本网站使用手机的位置")
                && p.html.contains("href=\"/login?next=/work\""),
            "{}",
            p.html
        );
        let p = nearby(&app, &mut anon, &[("lat", "north"), ("lon", "999")]).await;
        assert!(
            p.html.contains("id=\"near-problem\""),
            "a bad point is no point"
        );
        assert_eq!(
            anon.get(&app, "/work/nearby").await.location.as_deref(),
            Some("/work")
        );

        // A signed-in worker whose phone gives no point: the saved profile point instead.
        app.worker("phone.worker", 61).sign_up().await;
        let mut w = Browser::new();
        w.get(&app, "/login").await;
        let p = w
            .post(
                &app,
                "/login",
                &[("username", "phone.worker"), ("password", PASSWORD)],
            )
            .await;
        assert!(p.location.is_some(), "{}", p.html);
        w.get(&app, "/work").await;
        let p = nearby(&app, &mut w, &[("geo", "unavailable")]).await;
        assert!(
            p.html.contains("id=\"near-problem\"") && p.html.contains("href=\"/work/profile\""),
            "no profile yet: asked to fill it in"
        );
        w.get(&app, "/work/profile").await;
        let (_, p) = w
            .submit(
                &app,
                "/work/profile",
                &[
                    ("occupations", "保洁员"),
                    ("radius_km", "30"),
                    ("availability", "每天"),
                    ("expected_pay_unit", "hour"),
                ],
            )
            .await;
        assert!(p.html.contains("求职信息已保存"), "{}", p.html);
        w.get(&app, "/work").await;
        let p = nearby(&app, &mut w, &[("geo", "unavailable")]).await;
        assert!(
            p.html.contains("手机暂时取不到位置") && p.html.contains("按您求职信息里的地址"),
            "{}",
            p.html
        );
        assert!(p.html.contains("距您约"), "distances from the saved point");
        app
    })
    .await;
}
