//! No personal numbers in addresses (C8): a person is looked up by identity or phone number
//! only by POST; a page asked by address with such a number neither searches with it nor
//! shows it again; and no form a staff page sends by GET asks for one.

use crate::common::*;
use crate::forms::*;
use axum::http::StatusCode;
use std::collections::{BTreeSet, VecDeque};

fn enc(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)]).unwrap()[2..].to_owned()
}

#[tokio::test]
async fn persons_are_never_looked_up_through_an_address() {
    each_app(|app| async move {
        let mut s = app.staff_in("priv.staff", "140105").await;
        app.worker("priv.worker", 51).named("陈晓东").await;
        let person = app.person_of("priv.worker").await.to_string();
        let idn = id_number("140105", 51);
        let phone = "13712340051";

        // The archives page by address: `q` is not searched with, whatever it holds (the
        // client panics on any unmasked number in the page, so it is not echoed either).
        for q in [idn.as_str(), phone, "陈晓东"] {
            let path = format!("/staff/archives?q={}", enc(q));
            let r = s.get(&app, &path).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
            assert!(
                !r.body.contains(&person),
                "GET {path} found the person: {}",
                r.body
            );
            assert!(r.body.contains("查找人员不能通过网址进行"), "{}", r.body);
        }
        // An identity or phone number typed as an archive number is refused, not shown.
        for no in [idn.as_str(), phone] {
            let path = format!("/staff/archives?no={}", enc(no));
            let r = s.get(&app, &path).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
            assert!(r.body.contains("不是档案编号"), "{}", r.body);
            assert!(!r.body.contains(&person));
        }
        // An archive number, or its beginning, is still a number search.
        assert_eq!(
            s.get(&app, "/staff/archives?no=1401052026").await.status,
            StatusCode::OK
        );

        // By POST the same words find the person, and the numbers come back masked.
        let mut b = Browser::of(&s);
        assert_eq!(b.get(&app, "/staff/archives").await.status, StatusCode::OK);
        for q in [idn.as_str(), phone, "陈晓"] {
            let p = b.post(&app, "/staff/archives", &[("q", q)]).await;
            assert_eq!(p.status, StatusCode::OK, "{}", p.html);
            assert!(p.html.contains(&person), "POST q={q}: {}", p.html);
            assert!(p.html.contains("action=\"/staff/archives/receive\""));
        }
        let p = b.post(&app, "/staff/archives", &[("q", &idn)]).await;
        assert!(p.html.contains(&format!(
            "value=\"{}\"",
            &linghuo_domain::IdNumber::parse(&idn).unwrap().masked()
        )));
        let none = b.post(&app, "/staff/archives", &[("q", "")]).await;
        assert_eq!(none.status, StatusCode::BAD_REQUEST);

        // Every list with the shared search box: the number is neither searched with nor
        // shown again (search box, 上一页/下一页, 下载此表), and the page says why.
        for list in [
            "/staff/registrations",
            "/staff/benefits",
            "/staff/complaints",
            "/staff/relief",
            "/staff/market/registrations",
            "/staff/market/overdue",
            "/staff/payments",
        ] {
            for q in [idn.as_str(), phone] {
                let path = format!("{list}?q={}", enc(q));
                let r = s.get(&app, &path).await;
                assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
                assert!(
                    r.body.contains("搜索框里请不要填写身份证号码或手机号码"),
                    "{path}: {}",
                    r.body
                );
                assert!(
                    !r.body.contains(&q[q.len() - 6..]),
                    "{path} echoes the number"
                );
            }
        }
        // The public policy search: the number is not kept in the page.
        let mut anon = Client::default();
        let r = anon.get(&app, &format!("/consult?q={}", enc(phone))).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("请不要填写身份证号码或手机号码"));
        app
    })
    .await;
}

/// The `<form method="get" …>…</form>` blocks of a page.
fn get_forms(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<form method=\"get\"") {
        let from = &rest[i..];
        let end = from.find("</form>").map_or(from.len(), |e| e + 7);
        out.push(&from[..end]);
        rest = &from[end..];
    }
    out
}

/// The `name` attributes of a form's fields.
fn field_names(form: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in ["<input", "<select", "<textarea"] {
        for part in form.split(tag).skip(1) {
            let head = &part[..part.find('>').unwrap_or(part.len())];
            if let Some(i) = head.find(" name=\"") {
                let v = &head[i + 7..];
                out.push(v[..v.find('"').unwrap_or(v.len())].to_owned());
            }
        }
    }
    out
}

/// A GET form asking for an identity or phone number: by a field's name, or by its label.
fn asks_for_personal_number(form: &str) -> Option<String> {
    const NAMES: &[&str] = &[
        "id_number",
        "idnumber",
        "id_no",
        "sfzh",
        "phone",
        "mobile",
        "tel",
    ];
    const WORDS: &[&str] = &["身份证", "证件号", "手机", "电话"];
    for n in field_names(form) {
        let l = n.to_ascii_lowercase();
        if NAMES.iter().any(|x| l.contains(x)) {
            return Some(format!("field {n}"));
        }
    }
    WORDS
        .iter()
        .find(|w| form.contains(*w))
        .map(|w| format!("label mentions {w}"))
}

#[test]
fn the_form_check_can_fail() {
    let old = r#"<form method="get" action="/staff/archives" class="inline-form">
<label for="q">查找人员<span class="hint">姓名、身份证号或手机号</span></label>
<input id="q" name="q" value="" maxlength="40"></form>"#;
    assert!(asks_for_personal_number(get_forms(old)[0]).is_some());
    let named = r#"<form method="get" action="/x"><input id="a" name="phone"></form>"#;
    assert!(asks_for_personal_number(get_forms(named)[0]).is_some());
    let fine = r#"<form method="get" class="search"><input type="hidden" name="status" value="all"><label for="list-q">搜索</label><input id="list-q" name="q"></form><form method="post"><input name="id_number"></form>"#;
    assert_eq!(get_forms(fine).len(), 1);
    assert!(asks_for_personal_number(get_forms(fine)[0]).is_none());
}

/// Walks every staff page reachable from the workbench (links under /staff, with their
/// filters) and checks each form sent by GET.
#[tokio::test]
async fn no_staff_form_sent_by_get_asks_for_an_identity_or_phone_number() {
    each_app(|app| async move {
        let mut acc = account(
            &app,
            "priv.walker",
            "staff",
            Some("140105"),
            &["pii:reveal", "bank:export"],
        )
        .await;
        let s = login(&app, &mut acc).await;
        // A person, so the pages about one person are reached too.
        app.worker("priv.walked", 52).named("周立新").await;
        let mut b = Browser::of(&s);
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from(["/staff".to_owned()]);
        let mut visited = 0;
        let mut get_forms_seen = 0;
        while let Some(path) = queue.pop_front() {
            if !seen.insert(path.clone()) || visited >= 250 {
                continue;
            }
            visited += 1;
            let page = b.get(&app, &path).await;
            if page.status != StatusCode::OK {
                continue;
            }
            for f in get_forms(&page.html) {
                get_forms_seen += 1;
                if let Some(why) = asks_for_personal_number(f) {
                    panic!("{path}: a form sent by GET asks for a personal number ({why}):\n{f}");
                }
            }
            for part in page.html.split("href=\"/staff").skip(1) {
                let link =
                    format!("/staff{}", &part[..part.find('"').unwrap()]).replace("&amp;", "&");
                let base = link.split('?').next().unwrap();
                if base.starts_with("/staff/export")
                    || base.contains("logout")
                    || base.ends_with(".csv")
                    || base.ends_with(".xlsx")
                    || base.contains("/download")
                    || link.contains('#')
                {
                    continue;
                }
                if !seen.contains(&link) {
                    queue.push_back(link);
                }
            }
        }
        assert!(visited > 30, "only {visited} staff pages reached");
        assert!(get_forms_seen > 5, "only {get_forms_seen} GET forms seen");
        app
    })
    .await;
}
