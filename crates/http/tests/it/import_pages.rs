//! The 数据导入 page on both databases: templates download as CSV and Excel and read back as
//! empty imports; an upload is checked row by row and reported on the page (all-or-nothing
//! stores nothing, skip-invalid stores the good rows, the same file twice changes nothing);
//! facts import through the same form; the page takes files over the 2 MB form limit; the
//! CSRF field and the staff role are required.

use crate::common::*;
use crate::forms::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

/// Posts the import form as a browser does.
async fn upload(
    app: &TestApp,
    b: &Browser,
    csrf: Option<&str>,
    fields: &[(&str, &str)],
    file_name: &str,
    content: &[u8],
) -> (StatusCode, String) {
    let p = b
        .upload(
            app,
            "/staff/imports/upload",
            csrf,
            fields,
            file_name,
            content,
        )
        .await;
    (p.status, p.html)
}

async fn fetch(app: &TestApp, b: &Browser, path: &str) -> (StatusCode, Vec<u8>) {
    b.download(app, path).await
}

fn persons_csv() -> String {
    format!(
        "\u{feff}姓名,身份证号码,手机号码,管辖地,地址,人员类别\n\
         王秀英,{},13912345601,小店区,平阳路1号,就业困难人员\n\
         李建国,{},,140106,,\n\
         张三,140105199003071235,,140105,,\n\
         刘五,{},,140202,,\n",
        id_number("140105", 401),
        id_number("140106", 402),
        id_number("140202", 403),
    )
}

#[tokio::test]
async fn staff_import_spreadsheets_on_the_page_and_read_the_report() {
    each_app(|app| async move {
        let client = app.staff_in("imp.page", "140100").await;
        let mut b = Browser::of(&client);
        let page = b.get(&app, "/staff/imports").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        assert!(page.html.contains("数据导入") && page.html.contains("社会保险缴费"));
        let csrf = b.csrf.clone();
        assert!(!csrf.is_empty());
        assert!(
            b.get(&app, "/staff").await.html.contains("/staff/imports"),
            "linked from the workbench"
        );

        // Templates: the header row in CSV (with BOM) and in Excel, each an empty import.
        for kind in [
            "persons",
            "registrations",
            "businesses",
            "tax",
            "social-insurance",
        ] {
            let (s, csv) = fetch(&app, &b, &format!("/staff/imports/{kind}-template.csv")).await;
            assert_eq!(s, StatusCode::OK);
            assert!(
                csv.starts_with(b"\xEF\xBB\xBF\xE8\xBA\xAB")
                    || csv.starts_with("\u{feff}姓名".as_bytes()),
                "{kind}"
            );
            let (s, xlsx) = fetch(&app, &b, &format!("/staff/imports/{kind}-template.xlsx")).await;
            assert_eq!(s, StatusCode::OK);
            let rows = match linghuo_service::facts_import::FactKind::parse(kind) {
                None => linghuo_service::person_import::read_person_file("t.xlsx", &xlsx)
                    .map(|r| r.len()),
                Some(k) => linghuo_service::facts_import::read_fact_file(k, "t.xlsx", &xlsx)
                    .map(|r| r.len()),
            };
            assert_eq!(
                rows,
                Ok(0),
                "{kind}: the Excel template reads as an import with no rows"
            );
        }
        assert_eq!(
            fetch(&app, &b, "/staff/imports/pets-template.csv").await.0,
            StatusCode::NOT_FOUND
        );

        // All or nothing: rows 4 (check character) and 5 (another city) are reported with
        // their column; nothing is stored.
        let bytes = persons_csv().into_bytes();
        let (s, html) = upload(
            &app,
            &b,
            Some(&csrf),
            &[("kind", "persons"), ("mode", "all")],
            "人员.csv",
            &bytes,
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("没有导入任何内容"), "{html}");
        let table = between(&html, "<table id=\"import-problems\">", "</table>");
        assert!(
            table.contains("<td class=\"num\">4</td><td>身份证号码</td>"),
            "{table}"
        );
        assert!(
            table.contains("<td class=\"num\">5</td><td>管辖地</td>"),
            "{table}"
        );
        assert_eq!(between(&html, "id=\"report-stored\">", "<"), "0");
        let mut api = client;
        assert_eq!(api.get(&app, "/api/v1/persons").await.json()["total"], 0);

        // Skip invalid: the two good rows; the same file again changes nothing.
        let (s, html) = upload(
            &app,
            &b,
            Some(&csrf),
            &[("kind", "persons"), ("mode", "skip")],
            "人员.csv",
            &bytes,
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert_eq!(between(&html, "id=\"report-stored\">", "<"), "2");
        assert_eq!(between(&html, "id=\"report-problems\">", "<"), "2");
        let (_, html) = upload(
            &app,
            &b,
            Some(&csrf),
            &[("kind", "persons"), ("mode", "skip")],
            "人员.csv",
            &bytes,
        )
        .await;
        assert_eq!(between(&html, "id=\"report-stored\">", "<"), "0");
        assert_eq!(between(&html, "id=\"report-unchanged\">", "<"), "2");
        assert_eq!(api.get(&app, "/api/v1/persons").await.json()["total"], 2);

        // Facts through the same form: a registration for an imported person.
        let start = app.clock.today_cst() - chrono::Duration::days(30);
        let reg = format!(
            "身份证号码,登记类型,开始日期,灵活就业形式\n{},灵活就业登记,{start},零工\n",
            id_number("140105", 401)
        );
        let (s, html) = upload(
            &app,
            &b,
            Some(&csrf),
            &[("kind", "registrations"), ("mode", "all")],
            "登记.csv",
            reg.as_bytes(),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert_eq!(between(&html, "id=\"report-stored\">", "<"), "1", "{html}");

        // A wrong template is named before any row is read; no file is asked for.
        let (s, html) = upload(
            &app,
            &b,
            Some(&csrf),
            &[("kind", "tax")],
            "税.csv",
            "身份证号码,年度,备注\n1,2025,x\n".as_bytes(),
        )
        .await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(
            html.contains("id=\"import-error\"") && html.contains("备注"),
            "{html}"
        );
        let (s, html) = upload(&app, &b, Some(&csrf), &[("kind", "tax")], "", b"").await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(html.contains("请选择要导入的文件"), "{html}");

        // Files bigger than the 2 MB form limit are taken here (blank rows are skipped) …
        let mut big = persons_csv();
        while big.len() < 3 * 1024 * 1024 {
            big.push_str(",,,,,\n");
        }
        let (s, html) = upload(
            &app,
            &b,
            Some(&csrf),
            &[("kind", "persons"), ("mode", "skip")],
            "大文件.csv",
            big.as_bytes(),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{}", &html[..html.len().min(2000)]);
        assert_eq!(between(&html, "id=\"report-unchanged\">", "<"), "2");
        // … but not on other forms.
        let (s, _) = {
            let req = Request::builder()
                .method("POST")
                .uri("/staff/imports")
                .header(header::HOST, "localhost")
                .header(header::COOKIE, b.cookie_header())
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "_csrf={csrf}&x={}",
                    "a".repeat(3 * 1024 * 1024)
                )))
                .unwrap();
            let resp = app.router.clone().oneshot(req).await.unwrap();
            (resp.status(), ())
        };
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
        // Over the page's 16 MB: a page that says so, not a bare status.
        while big.len() < 17 * 1024 * 1024 {
            big.push_str(&",,,,,\n".repeat(100_000));
        }
        let (s, html) = upload(
            &app,
            &b,
            Some(&csrf),
            &[("kind", "persons")],
            "太大.csv",
            big.as_bytes(),
        )
        .await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(
            html.contains("超过16MB"),
            "{}",
            &html[..html.len().min(1500)]
        );

        // Without the CSRF field nothing is read; a worker may not import.
        let (s, _) = upload(&app, &b, None, &[("kind", "persons")], "人员.csv", &bytes).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        let mut w = Browser::new();
        let page = w.get(&app, "/staff/imports").await;
        assert_ne!(page.status, StatusCode::OK);
        app
    })
    .await;
}

/// Any staff table downloads as Excel and CSV through /staff/export: the page is rendered for
/// the same session, so the download holds what the page shows (masked, in region) and
/// nothing more; only staff pages and plain table ids are taken; every download is audited.
#[tokio::test]
async fn staff_download_any_table_as_they_see_it() {
    each_app(|app| async move {
        let mut city = account(&app, "exp.city", "staff", Some("140100"), &[]).await;
        let city = login(&app, &mut city).await;
        let mut b = Browser::of(&city);
        b.get(&app, "/staff/imports").await;
        let csrf = b.csrf.clone();
        let bytes = persons_csv().into_bytes();
        let (s, _) = upload(
            &app,
            &b,
            Some(&csrf),
            &[("kind", "persons"), ("mode", "skip")],
            "人员.csv",
            &bytes,
        )
        .await;
        assert_eq!(s, StatusCode::OK);

        let page = b.get(&app, "/staff/persons").await;
        let link = "/staff/export?page=/staff/persons&amp;table=person-results&amp;format=csv";
        assert!(page.html.contains(link), "the page offers the download");
        let (s, csv) = fetch(
            &app,
            &b,
            "/staff/export?page=/staff/persons&table=person-results&format=csv",
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let csv = String::from_utf8(csv).unwrap();
        assert!(
            csv.starts_with("\u{feff}姓名,身份证号码,手机号码,性别,管辖地,人员类别"),
            "{csv}"
        );
        assert_eq!(csv.lines().count(), 3, "{csv}");
        assert!(csv.contains("王*英") && csv.contains("李*国"), "{csv}");
        assert_eq!(
            linghuo_domain::find_unmasked_pii(&csv),
            None,
            "masked as on the page"
        );
        let (s, xlsx) = fetch(
            &app,
            &b,
            "/staff/export?page=/staff/persons&table=person-results&format=xlsx",
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let t = linghuo_service::tabular::read_xlsx(&xlsx).unwrap();
        assert_eq!(t.headers[0], "姓名");
        assert_eq!(t.rows.len(), 2);

        // A county sees only its county in the download, as on the page.
        let mut county = account(&app, "exp.county", "staff", Some("140106"), &[]).await;
        let county = login(&app, &mut county).await;
        let cb = Browser::of(&county);
        let (_, csv) = fetch(
            &app,
            &cb,
            "/staff/export?page=/staff/persons&table=person-results&format=csv",
        )
        .await;
        let csv = String::from_utf8(csv).unwrap();
        assert!(csv.contains("李*国") && !csv.contains("王*英"), "{csv}");

        // Only staff pages, known tables and formats; workers get nothing.
        for bad in [
            "/staff/export?page=/admin/users&table=users&format=csv",
            "/staff/export?page=/staff/export&table=x&format=csv",
            "/staff/export?page=/staff/persons&table=person-results&format=pdf",
            "/staff/export?page=/staff/persons&table=%22x&format=csv",
        ] {
            assert_eq!(
                fetch(&app, &b, bad).await.0,
                StatusCode::BAD_REQUEST,
                "{bad}"
            );
        }
        assert_eq!(
            fetch(
                &app,
                &b,
                "/staff/export?page=/staff/persons&table=nothing&format=csv"
            )
            .await
            .0,
            StatusCode::NOT_FOUND
        );
        let anon = Browser::new();
        assert_ne!(
            fetch(
                &app,
                &anon,
                "/staff/export?page=/staff/persons&table=person-results&format=csv"
            )
            .await
            .0,
            StatusCode::OK
        );
        let audited = linghuo_storage::audit::recent(&app.svc.db, Some("table_exported"), 100)
            .await
            .unwrap();
        assert_eq!(audited.len(), 3, "each download is audited");

        app
    })
    .await;
}

/// On a seeded demo province every 下载此表 link of the staff list pages names a table that
/// page renders, and downloads it.
#[tokio::test]
async fn every_download_link_on_the_staff_pages_works() {
    each_app(|app| async move {
        app.svc
            .seed_demo(linghuo_service::demo::DemoOptions {
                workers: 400,
                jobs: 160,
                seed: 5,
            })
            .await
            .unwrap();
        let staff = app.staff_in("exp.province", "140000").await;
        let mut b = Browser::of(&staff);
        // Every 下载此表 link on the staff list pages names a table that page renders.
        let mut checked = 0;
        for page in [
            "/staff",
            "/staff/persons",
            "/staff/registrations",
            "/staff/payments",
            "/staff/training",
            "/staff/events",
            "/staff/venues",
            "/staff/places",
            "/staff/sites",
            "/staff/archives",
            "/staff/market/employers",
            "/staff/market/registrations",
            "/staff/market/overdue",
        ] {
            let page_resp = b.get(&app, page).await;
            assert_eq!(page_resp.status, StatusCode::OK, "{page}");
            let html = page_resp.html;
            for part in html.split("href=\"/staff/export?").skip(1) {
                let href = format!("/staff/export?{}", &part[..part.find('"').unwrap()])
                    .replace("&amp;", "&")
                    .replace("&#38;", "&");
                let (s, bytes) = fetch(&app, &b, &href).await;
                assert_eq!(s, StatusCode::OK, "{href} on {page}");
                assert!(!bytes.is_empty());
                checked += 1;
            }
        }
        assert!(checked >= 11, "{checked} links");
        app
    })
    .await;
}
