//! Policy consultation (四(九)) on both databases: the search finds clauses and FAQ entries
//! with the match marked, questions go to the asker's county, answers notify the asker and
//! may become FAQ entries, staff elsewhere get 404, and every change is audited.

use crate::common::*;
use crate::forms::Browser;
use axum::http::StatusCode;
use linghuo_storage::audit;
use serde_json::{Value, json};

#[tokio::test]
async fn search_finds_the_clause_and_the_faq() {
    each_app(|app| async move {
        let mut anon = Client::default();
        let hits = anon
            .get(
                &app,
                "/api/v1/consult/search?q=%E7%A4%BE%E4%BC%9A%E4%BF%9D%E9%99%A9%E8%A1%A5%E8%B4%B4",
            )
            .await
            .json();
        let hits = hits.as_array().unwrap().clone();
        assert!(!hits.is_empty());
        let clause = hits
            .iter()
            .find(|h| h["kind"] == "clause")
            .expect("a clause");
        assert_eq!(clause["clause_id"], "二(二)", "{hits:?}");
        assert!(
            clause["segments"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["hit"] == true && s["text"].as_str().unwrap().contains("社会保险补贴"))
        );
        let faq = hits
            .iter()
            .find(|h| h["kind"] == "faq")
            .expect("an FAQ entry");
        assert_eq!(faq["clause_id"], "二(二)");
        // Other wording finds its clause too; nonsense finds nothing.
        let hits = anon
            .get(
                &app,
                "/api/v1/consult/search?q=%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7",
            )
            .await
            .json(); // 营业执照
        assert_eq!(hits[0]["clause_id"], "三(四)", "{hits}");
        assert_eq!(
            anon.get(&app, "/api/v1/consult/search?q=qqqzzz")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            0
        );
        assert_eq!(
            anon.get(&app, "/api/v1/consult/search?q=")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            0
        );
        let long = "长".repeat(101);
        let r = anon
            .get(&app, &format!("/api/v1/consult/search?q={long}"))
            .await;
        assert_eq!(r.json()["error"]["field"], "q");
        // The FAQ: at least twelve entries, each citing a clause.
        let faq = anon.get(&app, "/api/v1/consult/faq").await.json();
        assert!(faq.as_array().unwrap().len() >= 12);
        assert!(
            faq.as_array()
                .unwrap()
                .iter()
                .all(|f| !f["clause_id"].as_str().unwrap().is_empty())
        );
        // The page marks the match.
        let mut b = Browser::new();
        let page = b
            .get(
                &app,
                "/consult?q=%E7%A4%BE%E4%BC%9A%E4%BF%9D%E9%99%A9%E8%A1%A5%E8%B4%B4",
            )
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.html.contains("<mark>社会保险补贴</mark>"),
            "{}",
            page.html
        );
        assert!(page.html.contains("常见问题"));
        app
    })
    .await;
}

#[tokio::test]
async fn questions_go_to_the_county_and_answers_notify_the_asker() {
    each_app(|app| async move {
        let mut staff = app.staff_in("consult.county", "140105").await;
        let mut other = app.staff_in("consult.other", "140106").await;
        let mut w = app.worker("asker", 31).named("赵建国").phone_prefix("1371235").await;

        // Bad input names the field and writes nothing.
        let r = w.post(&app, "/api/v1/consult/questions", json!({"question": "补贴"})).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.json()["error"]["field"], "question");
        assert_eq!(w.get(&app, "/api/v1/consult/questions").await.json().as_array().unwrap().len(), 0);
        let mut anon = Client::default();
        anon.start(&app).await;
        assert_eq!(anon.post(&app, "/api/v1/consult/questions", json!({"question": "我想问问社保补贴怎么申请"})).await.status, StatusCode::UNAUTHORIZED);

        let r = w.post(&app, "/api/v1/consult/questions", json!({"question": "我做小时工，能申请社会保险补贴吗？"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let qid = r.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(r.json()["region_code"], "140105");
        // The county's queue has it; another county's does not, and answering there is 404.
        let queue = staff.get(&app, "/api/v1/consult/questions").await.json();
        assert_eq!(queue.as_array().unwrap().len(), 1);
        assert_eq!(other.get(&app, "/api/v1/consult/questions").await.json().as_array().unwrap().len(), 0);
        let answer = json!({"answer": "就业困难人员从事非全日制工作的，可按实际缴费的2/3申请社会保险补贴。", "clause_id": "二(二)", "publish": true});
        assert_eq!(other.post(&app, &format!("/api/v1/consult/questions/{qid}/answer"), answer.clone()).await.status, StatusCode::NOT_FOUND);
        let bad = staff.post(&app, &format!("/api/v1/consult/questions/{qid}/answer"), json!({"answer": "见文件", "clause_id": "九(九)"})).await;
        assert_eq!(bad.json()["error"]["field"], "clause_id");
        let open = app.svc.list_questions(&staff_actor(&app, &staff).await).await.unwrap();
        assert_eq!(open[0].status, "open", "nothing written by a refused answer");
        assert_eq!(app.svc.consult_open_count(&staff_actor(&app, &staff).await).await.unwrap(), 1);

        let r = staff.post(&app, &format!("/api/v1/consult/questions/{qid}/answer"), answer.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["status"], "answered");
        assert_eq!(staff.post(&app, &format!("/api/v1/consult/questions/{qid}/answer"), answer).await.status, StatusCode::CONFLICT);
        assert_eq!(app.svc.consult_open_count(&staff_actor(&app, &staff).await).await.unwrap(), 0);

        // The asker is notified and sees the answer; the FAQ has the new entry.
        let notices = w.get(&app, "/api/v1/notices").await.json();
        assert!(notices.as_array().unwrap().iter().any(|n| n["kind"] == "consult_answered" && n["link"] == "/consult/mine"));
        let mine = w.get(&app, "/api/v1/consult/questions").await.json();
        assert_eq!(mine[0]["status"], "answered");
        assert_eq!(mine[0]["clause_id"], "二(二)");
        let faq: Vec<Value> = anon.get(&app, "/api/v1/consult/faq").await.json().as_array().unwrap().clone();
        assert!(faq.iter().any(|f| f["question"] == "我做小时工，能申请社会保险补贴吗？"));
        // Another worker does not see it among their questions.
        let mut w2 = app.worker("asker2", 32).named("赵建国").phone_prefix("1371235").await;
        assert_eq!(w2.get(&app, "/api/v1/consult/questions").await.json().as_array().unwrap().len(), 0);

        assert_eq!(audit::recent(&app.svc.db, Some("consult_question_asked"), 10).await.unwrap().len(), 1);
        let answered = audit::recent(&app.svc.db, Some("consult_question_answered"), 10).await.unwrap();
        assert_eq!(answered.len(), 1);
        assert_eq!(answered[0].region_code, "140105");
        assert!(app.svc.verify_audit().await.unwrap().first_broken.is_none());
        app
    })
    .await;
}

#[tokio::test]
async fn pages_ask_and_answer() {
    each_app(|app| async move {
        let staff = app.staff_in("consult.pages", "140105").await;
        let w = app
            .worker("pageasker", 41)
            .named("赵建国")
            .phone_prefix("1371235")
            .await;
        let mut wb = Browser::of(&w);
        let p = wb.get(&app, "/consult/ask").await;
        assert_eq!(p.status, StatusCode::OK);
        let p = wb.post(&app, "/consult/ask", &[("question", "问")]).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(p.html.contains("question-error"));
        let (_, page) = wb
            .submit(
                &app,
                "/consult/ask",
                &[("question", "摆摊卖自家种的菜需要办营业执照吗？")],
            )
            .await;
        assert!(page.html.contains("摆摊卖自家种的菜"));
        assert!(page.html.contains("待答复"));
        let mut sb = Browser::of(&staff);
        let q = sb.get(&app, "/staff/consult").await;
        assert!(q.html.contains("待答复1条"), "{}", q.html);
        let qid = app
            .svc
            .list_questions(&staff_actor(&app, &staff).await)
            .await
            .unwrap()[0]
            .id;
        let p = sb
            .post(
                &app,
                &format!("/staff/consult/{qid}/answer"),
                &[("answer", ""), ("clause_id", "")],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(
            p.html.contains(&format!("answer-{qid}-error")),
            "{}",
            p.html
        );
        let (_, page) = sb
            .submit(
                &app,
                &format!("/staff/consult/{qid}/answer"),
                &[
                    (
                        "answer",
                        "在政府指定的场所和时间内销售农副产品，无须办理营业执照。",
                    ),
                    ("clause_id", "三(四)"),
                ],
            )
            .await;
        assert!(page.html.contains("已答复"));
        let page = wb.get(&app, "/consult/mine").await;
        assert!(page.html.contains("无须办理营业执照"), "{}", page.html);
        app
    })
    .await;
}

async fn staff_actor(app: &TestApp, c: &Client) -> linghuo_service::Actor {
    let token = c.cookie.clone().unwrap();
    match app
        .svc
        .session(&token, &Default::default())
        .await
        .unwrap()
        .unwrap()
        .state
    {
        linghuo_service::auth::SessionState::Active(a) => a,
        _ => panic!("not active"),
    }
}
