//! The statistics pages through the real router, on SQLite and (with `TEST_DATABASE_URL`)
//! PostgreSQL: the staff dashboard for province, city and county staff (their regions only,
//! figures equal to the statistics service), the .xlsx and .csv downloads of every table
//! (read back and compared with the JSON), the targets form, and the public weekly index
//! (no login, no number below five where a small count is, no total that gives one away).
//! Every page and file is scanned for unmasked ID and phone numbers.

use std::collections::HashMap;

use crate::common::*;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::{Datelike, Duration, NaiveDate};
use linghuo_service::demo::DemoOptions;
use linghuo_service::tabular::{Table, read_csv, read_xlsx};
use serde_json::{Value, json};
use tower::ServiceExt;

struct Got {
    status: StatusCode,
    headers: HeaderMap,
    bytes: Vec<u8>,
}

impl Got {
    fn html(&self) -> String {
        String::from_utf8(self.bytes.clone()).unwrap()
    }
}

/// A request with the session of `client` (none: a visitor); forms carry the CSRF token.
async fn fetch(
    app: &TestApp,
    client: Option<&Client>,
    method: &str,
    path: &str,
    form: &[(&str, &str)],
) -> Got {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "localhost");
    if let Some(c) = client.and_then(|c| c.cookie.as_ref()) {
        b = b.header(
            header::COOKIE,
            format!("{}={c}", linghuo_http::SESSION_COOKIE),
        );
    }
    let req = if method == "POST" {
        let csrf = client.map(|c| c.csrf.clone()).unwrap_or_default();
        let mut pairs: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
        pairs.extend_from_slice(form);
        b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(serde_urlencoded::to_string(&pairs).unwrap()))
            .unwrap()
    } else {
        b.body(Body::empty()).unwrap()
    };
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    let text = String::from_utf8_lossy(&bytes);
    assert_eq!(
        linghuo_domain::find_unmasked_pii(&text),
        None,
        "unmasked personal data in {path}"
    );
    Got {
        status,
        headers,
        bytes,
    }
}

async fn page(app: &TestApp, client: Option<&Client>, path: &str) -> String {
    let g = fetch(app, client, "GET", path, &[]).await;
    assert_eq!(g.status, StatusCode::OK, "GET {path}: {}", g.html());
    g.html()
}

fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .trim()
        .to_owned()
}

/// The body rows of `<table id="{id}">`: the text of each `th`/`td` cell.
fn table_rows(html: &str, id: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!("<table id=\"{id}\""))
        .unwrap_or_else(|| panic!("table {id} not in page"));
    let t = &html[start..];
    let t = &t[..t.find("</table>").unwrap()];
    let body = &t[t.find("<tbody>").unwrap()..];
    body.split("<tr")
        .skip(1)
        .map(|row| {
            let mut cells = Vec::new();
            let mut rest = row;
            while let Some(i) = rest.find(['<']) {
                rest = &rest[i..];
                if rest.starts_with("<td") || rest.starts_with("<th") {
                    let close = if rest.starts_with("<td") {
                        "</td>"
                    } else {
                        "</th>"
                    };
                    let open_end = rest.find('>').unwrap() + 1;
                    let end = rest.find(close).unwrap();
                    cells.push(strip_tags(&rest[open_end..end]));
                    rest = &rest[end + close.len()..];
                } else {
                    rest = &rest[1..];
                }
            }
            cells
        })
        .collect()
}

/// A value as the page shows it: no value is "—".
fn num(v: &Value) -> String {
    match v {
        Value::Null => "—".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn pct(v: &Value) -> String {
    v.as_f64()
        .map_or_else(|| "—".to_owned(), |f| format!("{f:.1}"))
}

/// The regions table of the dashboard against the statistics JSON.
fn check_regions(html: &str, s: &Value) {
    let rows = table_rows(html, "t-regions");
    let children = s["by_region"].as_array().unwrap();
    let mut expect: Vec<&Value> = children.iter().collect();
    expect.push(&s["total"]);
    if children.is_empty() {
        expect = vec![&s["total"]];
    }
    assert_eq!(rows.len(), expect.len(), "{rows:?}");
    for (row, e) in rows.iter().zip(expect) {
        assert_eq!(row[0], e["code"].as_str().unwrap());
        assert!(row[1].contains(e["name"].as_str().unwrap()), "{row:?}");
        let want = [
            num(&e["posts"]),
            num(&e["live_posts"]),
            num(&e["hires"]),
            num(&e["people_employed"]),
            num(&e["overdue_pay"]),
            num(&e["target"]),
            pct(&e["progress_percent"]),
            num(&e["flexible_registrations"]),
            pct(&e["registration_progress_percent"]),
        ];
        assert_eq!(&row[2..], &want[..], "{}", e["code"]);
    }
    // The cards show the totals.
    let cards = &html[html.find("id=\"stats-totals\"").unwrap()..];
    let cards = &cards[..cards.find("</div>\n<script").unwrap()];
    assert!(cards.contains(&format!(
        "<span class=\"num\">{}</span><span class=\"label\">灵活就业人数",
        s["total"]["people_employed"]
    )));
    assert!(cards.contains(&format!(
        "<span class=\"num\">{}</span><span class=\"label\">录用人次",
        s["total"]["hires"]
    )));
}

/// Every other table of the dashboard against the JSON.
fn check_other_tables(html: &str, s: &Value) {
    let months = table_rows(html, "t-months");
    let by_month = s["by_month"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    for (row, m) in months.iter().zip(by_month) {
        assert_eq!(
            row,
            &vec![num(&m["month"]), num(&m["posts"]), num(&m["hires"])]
        );
    }
    let forms = table_rows(html, "t-forms");
    for (row, f) in forms.iter().zip(s["by_form"].as_array().unwrap()) {
        assert_eq!(
            row,
            &vec![num(&f["label"]), num(&f["posts"]), num(&f["hires"])]
        );
    }
    let occ = table_rows(html, "t-occupations");
    let by_occ = s["by_occupation"].as_array().unwrap();
    assert_eq!(occ.len(), by_occ.len());
    for (row, o) in occ.iter().zip(by_occ) {
        // The trade by its name (the catalogue's key is not shown to people).
        let name = if o["name"] == "" {
            num(&o["code"])
        } else {
            num(&o["name"])
        };
        assert_eq!(row[0], name);
        assert!(
            !row[0].contains('.'),
            "an internal key on the page: {}",
            row[0]
        );
        assert_eq!(
            row[1],
            if o["new_occupation"] == true {
                "是"
            } else {
                ""
            }
        );
        assert_eq!(row[2..4], [num(&o["posts"]), num(&o["hires"])]);
        assert_eq!(row[4], num(&o["median_hourly_pay"]));
    }
    let out = table_rows(html, "t-outcomes");
    for (row, o) in out.iter().zip(s["outcomes"].as_array().unwrap()) {
        assert_eq!(row[0], num(&o["label"]));
        assert_eq!(row[1], num(&o["people_hired"]));
    }
}

/// A downloaded table read back.
async fn download(app: &TestApp, c: &Client, table: &str, format: &str, q: &str) -> Table {
    let path = format!("/staff/stats/export?table={table}&format={format}{q}");
    let g = fetch(app, Some(c), "GET", &path, &[]).await;
    assert_eq!(
        g.status,
        StatusCode::OK,
        "{path}: {}",
        String::from_utf8_lossy(&g.bytes)
    );
    let ct = g.headers[header::CONTENT_TYPE].to_str().unwrap();
    let cd = g.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        cd.starts_with("attachment; filename=\"stats-") && cd.ends_with(&format!(".{format}\"")),
        "{cd}"
    );
    assert!(cd.contains(table), "{cd}");
    if format == "xlsx" {
        assert_eq!(
            ct,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        read_xlsx(&g.bytes).unwrap()
    } else {
        assert_eq!(ct, "text/csv; charset=utf-8");
        assert!(
            g.bytes.starts_with(b"\xEF\xBB\xBF"),
            "CSV with a BOM for Excel"
        );
        read_csv(&g.bytes).unwrap()
    }
}

#[tokio::test]
async fn dashboards_downloads_and_targets_for_each_level() {
    each_app(|app| async move {
        app.svc.seed_demo(DemoOptions { workers: 300, jobs: 120, seed: 11 }).await.unwrap();
        let year = app.clock.today_cst().year();
        let mut accs = [
            account(&app, "sp.prov", "staff", Some("140000"), &[]).await,
            account(&app, "sp.city", "staff", Some("140100"), &[]).await,
            account(&app, "sp.county", "staff", Some("140105"), &[]).await,
        ];
        let mut clients = Vec::new();
        for a in accs.iter_mut() {
            clients.push(login(&app, a).await);
        }
        let [prov, city, county] = [&clients[0], &clients[1], &clients[2]];

        // Each level: the page's figures are the service's (the JSON API is Service::statistics).
        for (c, code, children) in [(prov, "140000", 11), (city, "140100", 10), (county, "140105", 0)] {
            let mut api = c.clone();
            let s = api.get(&app, "/api/v1/stats").await.json();
            assert_eq!(s["region_code"], code);
            assert_eq!(s["by_region"].as_array().unwrap().len(), children);
            let html = page(&app, Some(c), "/staff/stats").await;
            assert!(html.contains(s["region_name"].as_str().unwrap()));
            check_regions(&html, &s);
            check_other_tables(&html, &s);
            // Only its own regions: every drill-down link is inside the scope.
            let prefix = match code {
                "140000" => "14",
                "140100" => "1401",
                _ => "140105",
            };
            for (i, _) in html.match_indices("/staff/stats?region=") {
                let r = &html[i + 20..i + 26];
                assert!(r.starts_with(prefix), "{code} links to {r}");
            }
            // Charts: the data block, ECharts and the drawing script, on this page only.
            assert!(html.contains("<script type=\"application/json\" id=\"stats-data\">"));
            assert!(html.contains("/assets/vendor/echarts.min.js"));
            let data_start = html.find("id=\"stats-data\">").unwrap() + 16;
            let data = &html[data_start..];
            let data: Value = serde_json::from_str(&data[..data.find("</script>").unwrap()]).unwrap();
            assert_eq!(data["months"].as_array().unwrap().len(), 12);
            assert_eq!(data["regions"].as_array().unwrap().len(), children);
            // Both downloads of every table, for the region and year shown.
            for t in ["regions", "months", "forms", "occupations", "outcomes"] {
                for f in ["xlsx", "csv"] {
                    let link = format!("/staff/stats/export?table={t}&#38;format={f}&#38;region={code}&#38;year={year}");
                    assert!(html.contains(&link), "{link} not in {}", &html[html.find("downloads").unwrap()..][..300]);
                }
            }
        }
        assert!(!page(&app, Some(prov), "/staff").await.contains("echarts"), "ECharts only on the dashboard");

        // Drill-down: the province into a city; the city into a county; not outside the scope.
        let mut api = prov.clone();
        let s = api.get(&app, "/api/v1/stats?region=140200").await.json();
        let html = page(&app, Some(prov), &format!("/staff/stats?region=140200&year={year}")).await;
        check_regions(&html, &s);
        assert!(html.contains("<a href=\"/staff/stats?region=140000&#38;year="), "a way back up");
        let html = page(&app, Some(city), "/staff/stats?region=140105").await;
        assert!(html.contains("山西省太原市小店区"));
        for (c, other) in [(city, "140200"), (city, "140000"), (county, "140106"), (county, "140100")] {
            let g = fetch(&app, Some(c), "GET", &format!("/staff/stats?region={other}"), &[]).await;
            assert_eq!(g.status, StatusCode::NOT_FOUND, "{other}");
            let g = fetch(&app, Some(c), "GET", &format!("/staff/stats/export?table=regions&format=csv&region={other}"), &[]).await;
            assert_eq!(g.status, StatusCode::NOT_FOUND, "export of {other}");
        }
        assert_eq!(fetch(&app, Some(city), "GET", "/staff/stats?year=abc", &[]).await.status, StatusCode::BAD_REQUEST);
        assert_eq!(fetch(&app, Some(city), "GET", "/staff/stats/export?table=people&format=csv", &[]).await.status, StatusCode::BAD_REQUEST);
        // Not staff, not logged in: no dashboard.
        let g = fetch(&app, None, "GET", "/staff/stats", &[]).await;
        assert_eq!(g.status, StatusCode::SEE_OTHER);
        assert_eq!(fetch(&app, None, "GET", "/staff/stats/export?table=regions&format=csv", &[]).await.status, StatusCode::SEE_OTHER);

        // Downloads: both formats of every table carry the JSON's numbers.
        let mut api = city.clone();
        let s = api.get(&app, "/api/v1/stats").await.json();
        for f in ["xlsx", "csv"] {
            let t = download(&app, city, "regions", f, "").await;
            assert_eq!(t.headers[0], "区划代码");
            assert_eq!(t.headers[4], "录用人次");
            let mut expect: Vec<&Value> = s["by_region"].as_array().unwrap().iter().collect();
            expect.push(&s["total"]);
            assert_eq!(t.rows.len(), expect.len());
            for ((_, row), e) in t.rows.iter().zip(expect) {
                assert_eq!(row[0], e["code"].as_str().unwrap());
                assert_eq!(row[2], num(&e["posts"]));
                assert_eq!(row[4], num(&e["hires"]));
                assert_eq!(row[5], num(&e["people_employed"]));
            }
            let t = download(&app, city, "months", f, &format!("&region=140100&year={year}")).await;
            let hires: i64 = t.rows.iter().map(|(_, r)| r[2].parse::<i64>().unwrap()).sum();
            assert_eq!(hires, s["total"]["hires"].as_i64().unwrap());
            let t = download(&app, city, "occupations", f, "").await;
            assert_eq!(t.rows.len(), s["by_occupation"].as_array().unwrap().len());
            for ((_, row), o) in t.rows.iter().zip(s["by_occupation"].as_array().unwrap()) {
                assert_eq!(row[3], num(&o["posts"]));
                assert_eq!(row[4], num(&o["hires"]));
                if let Some(p) = o["median_hourly_pay"].as_str() {
                    assert_eq!(row[5].parse::<f64>().unwrap(), p.parse::<f64>().unwrap());
                }
            }
            let t = download(&app, city, "forms", f, "").await;
            for ((_, row), x) in t.rows.iter().zip(s["by_form"].as_array().unwrap()) {
                assert_eq!(row[1..3], [num(&x["posts"]), num(&x["hires"])]);
            }
            let t = download(&app, city, "outcomes", f, "").await;
            for ((_, row), x) in t.rows.iter().zip(s["outcomes"].as_array().unwrap()) {
                assert_eq!(row[1], num(&x["people_hired"]));
                if let Some(d) = x["median_days_to_hire"].as_f64() {
                    assert_eq!(row[2].parse::<f64>().unwrap(), d);
                }
            }
            // A county's download is its own row only.
            let t = download(&app, county, "regions", f, "").await;
            assert_eq!(t.rows.len(), 1);
            assert_eq!(t.rows[0].1[0], "140105");
        }

        // Targets: the city sets a county's; an error is shown beside the field.
        let y = year.to_string();
        let g = fetch(&app, Some(city), "POST", "/staff/stats/targets", &[("region", "140105"), ("year", &y), ("target", "40"), ("view_region", "140100"), ("view_year", &y)]).await;
        assert_eq!(g.status, StatusCode::SEE_OTHER, "{}", g.html());
        let to = g.headers[header::LOCATION].to_str().unwrap().to_owned();
        let html = page(&app, Some(city), &to).await;
        assert!(html.contains("已保存年度目标"));
        let mut api = city.clone();
        let s = api.get(&app, "/api/v1/stats").await.json();
        check_regions(&html, &s);
        let xd = table_rows(&html, "t-regions").into_iter().find(|r| r[0] == "140105").unwrap();
        assert_eq!(xd[7], "40");
        let people: f64 = xd[5].parse().unwrap();
        assert_eq!(xd[8], format!("{:.1}", (people * 1000.0 / 40.0).round() / 10.0));
        let bad = fetch(&app, Some(city), "POST", "/staff/stats/targets", &[("region", "140105"), ("year", &y), ("target", "很多"), ("view_region", "140100"), ("view_year", &y)]).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        let html = bad.html();
        assert!(html.contains("id=\"target-value-error\""), "error beside the target");
        assert!(html.contains("value=\"很多\""), "what was typed stays");
        let bad = fetch(&app, Some(city), "POST", "/staff/stats/targets", &[("region", "140202"), ("year", &y), ("target", "10")]).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.html().contains("id=\"target-region-error\""), "error beside the region");
        // The province sets a city's; a county has no children to set.
        let g = fetch(&app, Some(prov), "POST", "/staff/stats/targets", &[("region", "140100"), ("year", &y), ("target", "500")]).await;
        assert_eq!(g.status, StatusCode::SEE_OTHER);
        let html = page(&app, Some(prov), "/staff/stats").await;
        let ty = table_rows(&html, "t-regions").into_iter().find(|r| r[0] == "140100").unwrap();
        assert_eq!(ty[7], "500");
        assert!(!page(&app, Some(county), "/staff/stats").await.contains("/staff/stats/targets"));

        // The vendored ECharts and its licence are served from the binary.
        let js = fetch(&app, None, "GET", "/assets/vendor/echarts.min.js", &[]).await;
        assert_eq!(js.status, StatusCode::OK);
        assert!(js.bytes.len() > 500_000);
        assert_eq!(fetch(&app, None, "GET", "/assets/vendor/echarts-LICENSE.txt", &[]).await.status, StatusCode::OK);
        assert_eq!(fetch(&app, None, "GET", "/assets/stats.js", &[]).await.status, StatusCode::OK);
        app
    })
    .await;
}

/// Parses a cell of the public page: Some(n) for a shown number, None for "<5" or "—".
fn open_cell(s: &str) -> Option<i64> {
    match s {
        "<5" | "—" => None,
        n => Some(
            n.parse()
                .unwrap_or_else(|_| panic!("unexpected cell {n:?}")),
        ),
    }
}

/// No shown number below five; no total shown beside exactly one hidden cell of its column.
fn check_open_page(html: &str) {
    assert!(html.contains("少于5的数字显示为"));
    for id in [
        "posts-by-region",
        "hires-by-region",
        "posts-by-category",
        "hires-by-category",
    ] {
        let rows = table_rows(html, id);
        let total = rows.last().unwrap();
        assert!(total[0].starts_with("合计"));
        for row in &rows {
            assert_eq!(row.len(), 9, "{row:?}");
            for cell in &row[1..] {
                if let Some(n) = open_cell(cell) {
                    assert!(n >= 5, "{id}: {n} shown");
                }
            }
        }
        for w in 1..9 {
            let hidden = rows[..rows.len() - 1]
                .iter()
                .filter(|r| open_cell(&r[w]).is_none())
                .count();
            if open_cell(&total[w]).is_some() {
                assert_ne!(
                    hidden, 1,
                    "{id} week {w}: the total would give the hidden cell away"
                );
            }
        }
    }
}

#[tokio::test]
async fn open_statistics_suppress_small_counts_and_need_no_login() {
    each_app(|app| async move {
        app.svc.seed_demo(DemoOptions { workers: 300, jobs: 120, seed: 11 }).await.unwrap();
        let mut prov_acc = account(&app, "op.prov", "staff", Some("140000"), &[]).await;
        let mut prov = login(&app, &mut prov_acc).await;
        // The county of 太原 with the fewest hires this week gets two more, hired through the
        // market as anyone would be.
        let today = app.clock.today_cst();
        let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
        let week_of = |d: NaiveDate| d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
        let regs = prov.get(&app, "/api/v1/hiring-registrations").await.json();
        assert!(regs.as_array().unwrap().len() < 500, "the list is complete");
        let cst_date = |r: &Value| {
            let t: chrono::DateTime<chrono::Utc> = r["registered_at"].as_str().unwrap().parse().unwrap();
            (t + Duration::hours(8)).date_naive()
        };
        let mut this_week: HashMap<String, i64> = HashMap::new();
        for r in regs.as_array().unwrap() {
            if week_of(cst_date(r)) == monday {
                *this_week.entry(r["county_code"].as_str().unwrap().to_owned()).or_default() += 1;
            }
        }
        let county = ["140105", "140106", "140107", "140108", "140109", "140110"]
            .into_iter()
            .min_by_key(|c| this_week.get(*c).copied().unwrap_or(0))
            .unwrap();
        assert!(this_week.get(county).copied().unwrap_or(0) <= 2);

        let mut staff = app.staff_in("op.county", county).await;
        let mut emp = Client::default();
        emp.start(&app).await;
        let r = emp.post(&app, "/api/v1/signup/employer", json!({
            "username": "op.emp", "password": PASSWORD,
            "employer": {"kind": "enterprise", "name": "太原汾水家政服务有限公司", "uscc": "91110000600037341L", "contact_name": "王经理",
                         "contact_phone": "13912345678", "county_code": county, "address": "长治路"}
        })).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let mut emp = app.sign_in("op.emp").await;
        let eid = staff.get(&app, "/api/v1/employers?unverified=true").await.json()[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(staff.post(&app, &format!("/api/v1/employers/{eid}/verify"), json!({})).await.status, StatusCode::OK);
        let starts = (today + Duration::days(3)).to_string();
        let post = emp.post(&app, "/api/v1/posts", json!({
            "title": "周末家庭保洁", "description": "家庭日常保洁，自带工具，周末上门服务。", "occupation": "保洁员", "form": "part_time",
            "county_code": county, "address": "坞城路", "starts_on": starts, "schedule": "每周六、日 9:00-12:00",
            "hours_per_week": 6, "pay_amount": "30.00", "pay_unit": "hour", "headcount": 2, "accident_cover": true
        })).await;
        assert_eq!(post.json()["status"], "live", "{}", post.body);
        let post_id = post.json()["id"].as_str().unwrap().to_owned();
        for seq in 0..2u32 {
            let mut w = Client::default();
            w.start(&app).await;
            let name = format!("op.w{seq}");
            let r = w.post(&app, "/api/v1/signup/worker", json!({
                "username": name, "password": PASSWORD, "name": "李秀英", "id_number": id_number(county, 771 + seq),
                "phone": format!("1371239{:04}", seq), "county_code": county
            })).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            let mut w = app.sign_in(&name).await;
            let a = w.post(&app, &format!("/api/v1/posts/{post_id}/applications"), json!({})).await;
            assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        }
        let apps = emp.get(&app, &format!("/api/v1/posts/{post_id}/applications")).await.json();
        for a in apps.as_array().unwrap() {
            let id = a["id"].as_str().unwrap();
            let h = emp.post(&app, &format!("/api/v1/applications/{id}/hire"), json!({"start_date": starts})).await;
            assert_eq!(h.status, StatusCode::CREATED, "{}", h.body);
        }
        // A week later that week is complete and in the index.
        app.clock.advance(Duration::days(7));
        let mut prov = login(&app, &mut prov_acc).await;

        // The true counts, from the 用工登记 rows.
        let regs = prov.get(&app, "/api/v1/hiring-registrations").await;
        assert_eq!(regs.status, StatusCode::OK, "{}", regs.body);
        let regs = regs.json();
        let mut hires: HashMap<(String, NaiveDate), i64> = HashMap::new();
        for r in regs.as_array().unwrap() {
            *hires.entry((r["county_code"].as_str().unwrap().to_owned(), week_of(cst_date(r)))).or_default() += 1;
        }
        let small = hires[&(county.to_owned(), monday)];
        assert!((1..5).contains(&small), "constructed a county-week of 1–4 hires: {small}");

        // No login: the page and the API answer a visitor.
        let visitor: Option<&Client> = None;
        let html = page(&app, visitor, "/open/stats").await;
        check_open_page(&html);
        assert!(html.contains("/open/stats?city=140100"), "cities drill down");
        let html_city = page(&app, visitor, "/open/stats?city=140100").await;
        check_open_page(&html_city);
        let g = fetch(&app, visitor, "GET", "/api/v1/open/stats?city=140100", &[]).await;
        assert_eq!(g.status, StatusCode::OK);
        let o: Value = serde_json::from_slice(&g.bytes).unwrap();
        let weeks: Vec<NaiveDate> = o["weeks"].as_array().unwrap().iter().map(|w| w["starts_on"].as_str().unwrap().parse().unwrap()).collect();
        assert_eq!(weeks.len(), 8);
        let w = weeks.iter().position(|d| *d == monday).expect("the week is in the index");
        assert_eq!(w, 7, "the last complete week");

        // The constructed county-week is "<5" on the page and null in the JSON; every shown
        // county figure is the true count.
        let row = o["regions"].as_array().unwrap().iter().find(|r| r["code"] == county).unwrap();
        assert_eq!(row["hires"][w]["value"], Value::Null);
        assert_eq!(row["hires"][w]["status"], "small");
        assert_eq!(row["hires"][w]["text"], "<5");
        let name = row["name"].as_str().unwrap();
        let page_row = table_rows(&html_city, "hires-by-region").into_iter().find(|r| r[0] == name).unwrap();
        assert_eq!(page_row[w + 1], "<5");
        for r in o["regions"].as_array().unwrap() {
            for (i, c) in r["hires"].as_array().unwrap().iter().enumerate() {
                let truth = hires.get(&(r["code"].as_str().unwrap().to_owned(), weeks[i])).copied().unwrap_or(0);
                match c["status"].as_str().unwrap() {
                    "shown" => assert_eq!(c["value"].as_i64().unwrap(), truth),
                    "small" => assert!(truth < 5),
                    _ => assert!(truth >= 5 && c["value"].is_null()),
                }
            }
        }
        // The city on the province page is the same cell as the city page's total.
        let prov_json: Value = serde_json::from_slice(&fetch(&app, visitor, "GET", "/api/v1/open/stats", &[]).await.bytes).unwrap();
        let ty = prov_json["regions"].as_array().unwrap().iter().find(|r| r["code"] == "140100").unwrap();
        assert_eq!(ty["hires"], o["total"]["hires"]);
        assert_eq!(ty["posts"], o["total"]["posts"]);
        // Bad city: a clear answer.
        assert_eq!(fetch(&app, visitor, "GET", "/open/stats?city=140105", &[]).await.status, StatusCode::NOT_FOUND);
        assert_eq!(fetch(&app, visitor, "GET", "/api/v1/open/stats?city=abc", &[]).await.status, StatusCode::BAD_REQUEST);
        // The home page links to it.
        assert!(page(&app, visitor, "/").await.contains("href=\"/open/stats\""));
        app
    })
    .await;
}
