//! New-occupation suggestions (晋政办发〔2020〕89号 四(七)) on SQLite and (with
//! `TEST_DATABASE_URL`) PostgreSQL: trades named in people's own words are counted by county
//! from imports, posts and worker profiles; staff see and decide only their own region's
//! entries; a merge teaches the vocabulary (later posts and searches read the words as the
//! trade); proposals and merges make the upward report, as JSON, a page and Excel.

use crate::common::*;
use crate::forms::*;
use axum::http::StatusCode;
use linghuo_market::Vocabulary;
use linghuo_market::vocab::ResolutionHow;
use linghuo_service::market_import::read_post_file;
use linghuo_service::market_search::SearchInput;
use serde_json::{Value, json};

fn import_line(n: usize, occupation: &str, county: &str) -> Value {
    json!({
        "external_id": format!("OCC-{n}"), "title": format!("手艺活{n}"), "description": "修补老物件，按件计酬。",
        "occupation": occupation, "form": "零工", "pay": "200元/天", "county": county, "headcount": 1
    })
}

async fn import(app: &TestApp, employer: uuid::Uuid, lines: &[Value]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    let rows = read_post_file("posts.jsonl", text.as_bytes()).unwrap();
    let r = app
        .svc
        .import_posts(None, employer, rows, false)
        .await
        .unwrap();
    assert!(r.problems.is_empty(), "{:?}", r.problems);
}

/// (words, county) → count, of a list response.
fn counts(list: &Value) -> Vec<(String, String, i64)> {
    let mut v: Vec<(String, String, i64)> = list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["words"].as_str().unwrap().to_owned(),
                e["county_code"].as_str().unwrap().to_owned(),
                e["count"].as_i64().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn entry_id(list: &Value, words: &str, county: &str) -> String {
    list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["words"] == words && e["county_code"] == county)
        .unwrap_or_else(|| panic!("no {words} in {county}: {list}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn suggestions_are_collected_scoped_decided_learned_and_reported() {
    each_app(|app| async move {
        // The vocabulary is the process's: each backend's story merges words of its own.
        let word: &'static str = if app.label.contains("sqlite") { "锔瓷匠" } else { "锔锅匠" };
        let spaced = format!("锔 {}", &word[3..]);
        let mut xiaodian = app.staff_in("occ.xiaodian", "140105").await;
        let mut yingze = app.staff_in("occ.yingze", "140106").await;
        let mut taiyuan = app.staff_in("occ.taiyuan", "140100").await;
        let mut province = app.staff_in("occ.province", "140000").await;

        // An employer of 小店区, verified so its posts go live.
        let mut emp = app
            .employer("occ.emp", "91110000600037341L")
            .named("太原老物件修补有限公司")
            .await;
        let employers = xiaodian.get(&app, "/api/v1/employers?unverified=true").await.json();
        let eid = employers[0]["id"].as_str().unwrap().to_owned();
        let v = xiaodian.post(&app, &format!("/api/v1/employers/{eid}/verify"), json!({})).await;
        assert_eq!(v.status, StatusCode::OK, "{}", v.body);
        let employer: uuid::Uuid = eid.parse().unwrap();

        // Collection from an import: unknown trades are kept in the employer's words and
        // counted per county; catalogue words and words that look like a phone are not.
        import(&app, employer, &[
            import_line(1, word, "140105"),
            import_line(2, &spaced, "小店区"),
            import_line(3, word, "140106"),
            import_line(4, "宠物殡葬师", "140106"),
            import_line(5, "啥都能干", "140105"),
            import_line(6, "保洁员", "140105"),
            import_line(7, "王师傅13812345678", "140105"),
            import_line(8, word, "140212"),
        ])
        .await;
        // Collection from a post through the API: the employer's own words beside no trade.
        let post = emp
            .post(&app, "/api/v1/posts", json!({
                "title": "修补瓷器", "description": "给老瓷器打锔钉修补，按件计酬。", "trade_words": word,
                "form": "gig", "county_code": "140105", "starts_on": "2026-12-05", "pay": "50元/件", "headcount": 1
            }))
            .await;
        assert_eq!(post.status, StatusCode::CREATED, "{}", post.body);
        let guessed = post.json()["occupation"].as_str().unwrap().to_owned();
        // From a worker's profile: a word the catalogue lacks is refused but noted.
        let mut w = app.worker("occ.worker", 61).await;
        let p = w
            .send(&app, axum::http::Method::PUT, "/api/v1/profile", Some(json!({"occupations": [word]})))
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.body);
        assert!(p.body.contains("已记下"), "{}", p.body);
        // Words that describe known work (a catalogue phrase, a synonym's near form)
        // are read as the closest trade and saved; a catalogue phrase is no suggestion.
        let p = w
            .send(&app, axum::http::Method::PUT, "/api/v1/profile", Some(json!({"occupations": ["修水管"]})))
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        let names = p.json()["occupation_names"].to_string();
        assert!(names.contains("水电工"), "{names}");

        // Counts by region: each county sees its own; the city sees its counties; the
        // province everything.
        let mine = xiaodian.get(&app, "/api/v1/occupation-suggestions").await;
        assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
        let mine = mine.json();
        assert_eq!(
            counts(&mine),
            vec![
                ("啥都能干".to_owned(), "140105".to_owned(), 1),
                (word.to_owned(), "140105".to_owned(), 4),
            ],
            "{mine}"
        );
        assert_eq!(mine["entries"][0]["words"], word, "most seen first");
        assert_eq!(mine["entries"][0]["first_source"], "import");
        assert_eq!(mine["entries"][0]["guess_code"], guessed.as_str());
        assert_eq!(mine["pending"], 2);
        let theirs = yingze.get(&app, "/api/v1/occupation-suggestions").await.json();
        assert_eq!(
            counts(&theirs),
            vec![
                ("宠物殡葬师".to_owned(), "140106".to_owned(), 1),
                (word.to_owned(), "140106".to_owned(), 1),
            ]
        );
        let city = taiyuan.get(&app, "/api/v1/occupation-suggestions").await.json();
        assert_eq!(city["total"], 4, "太原 has no 大同 entry: {city}");
        let all = province.get(&app, "/api/v1/occupation-suggestions").await.json();
        assert_eq!(all["total"], 5);
        let only = province
            .get(&app, "/api/v1/occupation-suggestions?county=140212&status=pending")
            .await
            .json();
        assert_eq!(counts(&only), vec![(word.to_owned(), "140212".to_owned(), 1)]);
        // Another county's entries cannot be listed, nor decided; the attempt is audited.
        assert_eq!(
            xiaodian.get(&app, "/api/v1/occupation-suggestions?county=140106").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            xiaodian.get(&app, "/api/v1/occupation-suggestions?status=maybe").await.status,
            StatusCode::BAD_REQUEST
        );
        let jugu = entry_id(&mine, word, "140105");
        let denied_before = app.audit_count("access_denied").await;
        let r = yingze
            .post(&app, &format!("/api/v1/occupation-suggestions/{jugu}/decision"), json!({"decision": "ignore"}))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(app.audit_count("access_denied").await, denied_before + 1);
        assert_eq!(
            emp.get(&app, "/api/v1/occupation-suggestions").await.status,
            StatusCode::FORBIDDEN,
            "not for employers"
        );

        // Decisions name the field that is wrong.
        let r = xiaodian
            .post(&app, &format!("/api/v1/occupation-suggestions/{jugu}/decision"), json!({"decision": "merge", "trade": "宇航员"}))
            .await;
        assert_eq!((r.status, r.json()["error"]["field"].clone()), (StatusCode::BAD_REQUEST, json!("trade")), "{}", r.body);
        let r = xiaodian
            .post(&app, &format!("/api/v1/occupation-suggestions/{jugu}/decision"), json!({"decision": "merge", "trade": "zhizao"}))
            .await;
        assert_eq!(r.json()["error"]["code"], "trade_is_category");

        // Merge: the words become a synonym of 手工艺制作者, with who and when.
        assert_ne!(Vocabulary::shared().resolve_trade(word, "", "").how, ResolutionHow::Learned);
        let r = xiaodian
            .post(&app, &format!("/api/v1/occupation-suggestions/{jugu}/decision"),
                json!({"decision": "merge", "trade": "手工艺制作者", "note": "锔瓷是传统手艺"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let merged = r.json();
        assert_eq!(merged["status"], "merged");
        assert_eq!(merged["decided_code"], "zhizao.shougongyi");
        assert_eq!(merged["decided_by"], "测试occ.xiaodian");
        assert!(merged["decided_at"].is_string());
        let again = xiaodian
            .post(&app, &format!("/api/v1/occupation-suggestions/{jugu}/decision"), json!({"decision": "ignore"}))
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "decided once");

        // Learning: resolution, later posts and search read the words as the trade.
        let r = Vocabulary::shared().resolve_trade(word, "", "");
        assert_eq!((r.how, r.code), (ResolutionHow::Learned, "zhizao.shougongyi"));
        let later = emp
            .post(&app, "/api/v1/posts", json!({
                "title": "补碗", "description": "打锔钉。", "trade_words": word,
                "form": "gig", "county_code": "140105", "starts_on": "2026-12-06", "pay": "60元/件", "headcount": 1
            }))
            .await
            .json();
        assert_eq!(later["occupation"], "zhizao.shougongyi", "{later}");
        let plain = emp
            .post(&app, "/api/v1/posts", json!({
                "title": "剪窗花师傅", "description": "春节前剪窗花，按件计酬。", "occupation": "手工艺制作者",
                "form": "gig", "county_code": "140105", "starts_on": "2026-12-07", "pay": "3元/件", "headcount": 2
            }))
            .await
            .json();
        assert_eq!(plain["status"], "live", "{plain}");
        let found = app
            .svc
            .search_posts_explained(&SearchInput { q: Some(word.into()), ..SearchInput::default() })
            .await
            .unwrap();
        assert!(
            found
                .hits
                .iter()
                .any(|h| h.post.id.to_string() == plain["id"].as_str().unwrap() && h.tier == "exact"),
            "a post of the trade without the words is found: {:?}",
            found.understood
        );
        assert!(found.understood.as_deref().unwrap_or("").contains("手工艺制作者"), "{:?}", found.understood);
        // Learned words are no longer collected.
        import(&app, employer, &[import_line(9, word, "140105")]).await;
        let mine = xiaodian.get(&app, "/api/v1/occupation-suggestions?status=merged").await.json();
        assert_eq!(counts(&mine), vec![(word.to_owned(), "140105".to_owned(), 4)]);
        // At start the vocabulary is loaded from the decisions: here already known, and a
        // merge made by another server (straight into the database) arrives on loading.
        assert_eq!(app.svc.load_learned_trades().await.unwrap(), 0);
        let elsewhere: &'static str = if app.label.contains("sqlite") { "吹糖人匠" } else { "画糖人匠" };
        {
            use linghuo_storage::occupation_words::{self as repo, Decision, Sighting};
            let at = app.clock.now();
            let mut tx = app.svc.db.begin().await.unwrap();
            repo::record_sighting(&mut tx, &Sighting {
                words: elsewhere, county_code: "140105", guess_code: "qita", guess_how: "unknown", source: "post", at,
            })
            .await
            .unwrap();
            tx.commit().await.unwrap();
            let rows = repo::words_in_region(&app.svc.db, "140105", "pending", "", 10).await.unwrap();
            let row = rows.iter().find(|r| r.words == elsewhere).unwrap();
            let mut tx = app.svc.db.begin().await.unwrap();
            let d = Decision {
                status: "merged", decided_code: Some("zhizao.shougongyi"), proposed_name: None, note: "",
                by: uuid::Uuid::new_v4(), by_name: "另一台服务器", at,
            };
            assert!(repo::decide(&mut tx, row.id, &d).await.unwrap());
            tx.commit().await.unwrap();
        }
        assert_ne!(Vocabulary::shared().resolve_trade(elsewhere, "", "").how, ResolutionHow::Learned);
        assert_eq!(app.svc.load_learned_trades().await.unwrap(), 1);
        assert_eq!(Vocabulary::shared().resolve_trade(elsewhere, "", "").code, "zhizao.shougongyi");

        // Propose and ignore.
        let r = yingze
            .post(&app, &format!("/api/v1/occupation-suggestions/{}/decision", entry_id(&theirs, "宠物殡葬师", "140106")),
                json!({"decision": "propose", "name": "宠物美容师", "category": "jiazheng"}))
            .await;
        assert_eq!(r.json()["error"]["code"], "name_exists", "a catalogue name is a merge: {}", r.body);
        let r = yingze
            .post(&app, &format!("/api/v1/occupation-suggestions/{}/decision", entry_id(&theirs, "宠物殡葬师", "140106")),
                json!({"decision": "propose", "name": "宠物殡葬服务员", "category": "宇宙"}))
            .await;
        assert_eq!(r.json()["error"]["field"], "category", "{}", r.body);
        let r = yingze
            .post(&app, &format!("/api/v1/occupation-suggestions/{}/decision", entry_id(&theirs, "宠物殡葬师", "140106")),
                json!({"decision": "propose", "name": "宠物殡葬服务员", "category": "家政服务", "note": "为宠物办理火化、安葬"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["status_label"], "已建议新职业");
        let r = xiaodian
            .post(&app, &format!("/api/v1/occupation-suggestions/{}/decision", entry_id(&all, "啥都能干", "140105")),
                json!({"decision": "ignore"}))
            .await;
        assert_eq!(r.json()["status"], "ignored");
        assert_eq!(app.audit_count("occupation_suggestion_decided").await, 3);

        // The province's report: proposals and merges with counts by city.
        let report = province.get(&app, "/api/v1/occupation-suggestions/report").await.json();
        let cities = report["cities"].as_array().unwrap();
        assert_eq!(cities.len(), 11);
        assert_eq!(cities[0], "太原市");
        let lines = report["lines"].as_array().unwrap();
        assert_eq!(lines.len(), 3, "{report}");
        assert_eq!((lines[0]["kind"].clone(), lines[0]["name"].clone()), (json!("proposed"), json!("宠物殡葬服务员")));
        assert_eq!(lines[0]["code_name"], "家政服务");
        assert_eq!((lines[1]["name"].clone(), lines[1]["total"].clone()), (json!(word), json!(4)));
        assert_eq!(lines[1]["by_city"][0], 4);
        assert_eq!(report["pending"], 2, "锔瓷匠 in 迎泽区 and 大同 still wait");
        // The county's report covers its city's column only.
        let own = xiaodian.get(&app, "/api/v1/occupation-suggestions/report").await.json();
        assert_eq!(own["cities"], json!(["太原市"]));
        assert_eq!(own["lines"].as_array().unwrap().len(), 2, "both merges were in 小店区");

        // Excel: a valid workbook with the same lines.
        let r = app.svc.occupation_report_in("14", None).await.unwrap();
        let bytes = app.svc.occupation_report_xlsx(None, &r).await.unwrap();
        let table = linghuo_service::tabular::read_xlsx(&bytes).unwrap();
        assert_eq!(table.headers[..5], ["类型", "名称", "所属类别/归入职业", "群众说法", "合计次数"]);
        assert_eq!(table.headers[6], "太原市");
        assert_eq!(table.rows.len(), 3);
        assert_eq!(table.rows[1].1[1], word);
        assert_eq!(table.rows[1].1[4], "4");
        assert_eq!(app.audit_count("occupation_report_exported").await, 1);
        app
    })
    .await;
}

#[tokio::test]
async fn staff_pages_list_decide_and_download() {
    each_app(|app| async move {
        let w: &'static str = if app.label.contains("sqlite") { "面塑捏塑匠" } else { "糖人捏塑匠" };
        let mut acc = account(&app, "occpage.county", "staff", Some("140105"), &[]).await;
        let mut client = login(&app, &mut acc).await;
        let mut b = Browser::of(&client);
        let other_client = app.staff_in("occpage.other", "140106").await;
        let mut other = Browser::of(&other_client);
        let mut e = Client::default();
        e.start(&app).await;
        let r = e
            .post(&app, "/api/v1/signup/employer", json!({
                "username": "occpage.emp", "password": PASSWORD,
                "employer": {"kind": "enterprise", "name": "太原面塑工作室", "uscc": "91110000600037341L",
                             "contact_name": "王经理", "contact_phone": "13912345678", "county_code": "140105", "address": "小店区"}
            }))
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        let employers = client.get(&app, "/api/v1/employers?unverified=true").await.json();
        let employer: uuid::Uuid = employers[0]["id"].as_str().unwrap().parse().unwrap();
        import(&app, employer, &[import_line(1, w, "140105")]).await;

        // Reachable from the workbench; the list shows the words with the three decisions.
        let home = b.get(&app, "/staff/market").await;
        assert!(home.html.contains("href=\"/staff/market/occupations\""));
        let page = b.get(&app, "/staff/market/occupations").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.html.contains(&format!("“{w}”")) && page.html.contains("合并为同义词") && page.html.contains("建议新职业") && page.html.contains("忽略"), "{}", page.html);
        let id = between(&page.html, "action=\"/staff/market/occupations/", "\"").to_owned();
        let none = other.get(&app, "/staff/market/occupations").await;
        assert!(!none.html.contains(w), "another county sees nothing");
        let stray = other
            .post(&app, &format!("/staff/market/occupations/{id}"), &[("decision", "ignore")])
            .await;
        assert_eq!(stray.status, StatusCode::NOT_FOUND);

        // A wrong field is said beside it; then the merge shows who decided.
        let bad = b
            .post(&app, &format!("/staff/market/occupations/{id}"), &[("decision", "merge"), ("trade", "宇航员")])
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.html.contains("职业“宇航员”不在职业目录中") && bad.html.contains("value=\"宇航员\""), "{}", bad.html);
        let (_, done) = b
            .submit(&app, &format!("/staff/market/occupations/{id}"), &[("decision", "merge"), ("trade", "手工艺制作者")])
            .await;
        assert!(done.html.contains("已合并为同义词") && done.html.contains("处理人：测试occpage.county"), "{}", done.html);

        // The report page and its Excel download.
        let report = b.get(&app, "/staff/market/occupations/report").await;
        assert!(report.html.contains("<table id=\"occupation-report\"") && report.html.contains(w));
        let (status, bytes) = b.download(&app, "/staff/market/occupations/report.xlsx").await;
        assert_eq!(status, StatusCode::OK);
        let table = linghuo_service::tabular::read_xlsx(&bytes).unwrap();
        assert_eq!(table.rows.len(), 1);
        app
    })
    .await;
}
