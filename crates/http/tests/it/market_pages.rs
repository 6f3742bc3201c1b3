//! The gig market's pages through the real router, on SQLite and (with `TEST_DATABASE_URL`)
//! PostgreSQL: public search, the worker's profile, recommendations and 报名, the employer's
//! registration, posting (live and held with reasons), 录用 and the hire's agreement and pay,
//! the staff review queue, employer verification, 用工登记 and overdue pay — each only in the
//! staff member's own region. Every page is scanned for unmasked ID and phone numbers (the
//! Location of every redirect too), for POST forms without the CSRF field and for fields
//! without a label.

use crate::common::*;
use crate::forms::*;
use axum::http::StatusCode;
use chrono::Duration;

/// The text between `start` and the next `end` after it.
/// The last path segment of a redirect (`/employer/posts/{id}?ok=created` → id).
fn id_in(location: &str, prefix: &str) -> String {
    let rest = location.strip_prefix(prefix).unwrap();
    rest.split(['?', '/']).next().unwrap().to_owned()
}

/// A staff member of one county, logged in (password, second factor, new password).
async fn staff(app: &TestApp, username: &str, scope: &str) -> Browser {
    let client = app.staff_in(username, scope).await;
    Browser::of(&client)
}

/// A worker signs up (as the public page of the API does) and logs in through the form.
async fn worker(app: &TestApp, username: &str, seq: u32) -> Browser {
    app.worker(username, seq).sign_up().await;
    let mut b = Browser::new();
    b.get(app, "/login").await;
    let p = b
        .post(
            app,
            "/login",
            &[("username", username), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.location.as_deref(), Some("/work"), "{}", p.html);
    let acc = b.get(app, "/account").await;
    assert!(
        acc.html.contains("href=\"/work/profile\""),
        "worker links on the account page"
    );
    b
}

fn post_form<'a>(occupation: &'a str, starts_on: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", "周末家庭保洁"),
        (
            "description",
            "家庭日常保洁，擦玻璃、整理收纳，周末上门服务。",
        ),
        ("occupation", occupation),
        ("form", "part_time"),
        ("county_code", "140105"),
        ("address", "小店区坞城路"),
        ("starts_on", starts_on),
        ("schedule", "周六、周日 09:00-12:00"),
        ("hours_per_week", "6"),
        ("pay", "30元/小时"),
        ("headcount", "1"),
        ("skills", "擦玻璃、收纳"),
        ("accident_cover", "1"),
    ]
}

#[tokio::test]
async fn the_market_through_its_pages() {
    each_app(|app| async move {
        let today = app.clock.today_cst();
        let starts = (today + Duration::days(3)).to_string();
        let occupation = linghuo_domain::resolve_occupation("保洁员").unwrap().code;
        let mut county = staff(&app, "page.county", "140105").await;
        let mut other = staff(&app, "page.other", "140106").await;
        let home = county.get(&app, "/staff").await;
        assert!(
            home.html.contains("href=\"/staff/market/review\""),
            "workbench links the market"
        );

        // The employer registers through the form; a mistake is said beside the field, what
        // was typed stays, and the (valid) phone number is not sent back into the page.
        let mut emp_acc = account(&app, "page.employer", "employer", None, &[]).await;
        let mut emp = Browser::of(&login(&app, &mut emp_acc).await);
        let p = emp.get(&app, "/employer").await;
        assert!(p.html.contains("登记单位信息"), "{}", p.html);
        let registration = [
            ("kind", "enterprise"),
            ("name", "太原汾水家政服务有限公司"),
            ("uscc", "91110000600037341L"),
            ("contact_name", "王经理"),
            ("contact_phone", "13912345678"),
            ("county_code", "140105"),
            ("address", "小店区长治路"),
        ];
        let bad = emp
            .post(
                &app,
                "/employer",
                &with(&registration, &[("uscc", "9111000060003734")]),
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.html);
        assert!(bad.html.contains("id=\"uscc-error\""), "{}", bad.html);
        assert!(bad.html.contains("value=\"太原汾水家政服务有限公司\""));
        assert!(
            bad.html.contains("value=\"9111000060003734\""),
            "the wrong code is shown to correct it"
        );
        assert!(
            bad.html.contains("id=\"contact_phone-error\""),
            "asked to type the phone again"
        );
        let (_, p) = emp.submit(&app, "/employer", &registration).await;
        assert!(p.html.contains("单位信息已登记") && p.html.contains("待核验"));
        assert!(p.html.contains("139****5678"), "the phone is shown masked");

        // Staff of the county verify it; staff of the next county do not see it.
        let queue = other.get(&app, "/staff/market/employers").await;
        assert!(!queue.html.contains("太原汾水家政服务有限公司"));
        let queue = county.get(&app, "/staff/market/employers").await;
        assert!(
            queue.html.contains("太原汾水家政服务有限公司"),
            "{}",
            queue.html
        );
        let eid = between(&queue.html, "action=\"/staff/market/employers/", "/verify").to_owned();
        let stray = other
            .post(&app, &format!("/staff/market/employers/{eid}/verify"), &[])
            .await;
        assert_eq!(stray.status, StatusCode::NOT_FOUND);
        let (_, p) = county
            .submit(&app, &format!("/staff/market/employers/{eid}/verify"), &[])
            .await;
        assert!(p.html.contains("已核验该用人单位"));

        // Posting: a wrong field is explained beside it with the typed values kept.
        emp.get(&app, "/employer/posts/new").await;
        let form = post_form(occupation, &starts);
        let bad = emp
            .post(
                &app,
                "/employer/posts/new",
                &with(&form, &[("occupation", "宇航员")]),
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(
            bad.html.contains("id=\"occupation-error\"")
                && bad.html.contains("职业“宇航员”不在职业目录中")
        );
        assert!(
            bad.html.contains("value=\"周末家庭保洁\"")
                && bad.html.contains("value=\"周六、周日 09:00-12:00\"")
        );
        let bad = emp
            .post(
                &app,
                "/employer/posts/new",
                &with(&form, &[("headcount", "两个")]),
            )
            .await;
        assert!(bad.html.contains("id=\"headcount-error\"") && bad.html.contains("value=\"两个\""));

        // A clean post from a verified employer goes live at once.
        let (to, p) = emp.submit(&app, "/employer/posts/new", &form).await;
        let live_id = id_in(&to, "/employer/posts/");
        assert!(p.html.contains("即时快招"), "{}", p.html);
        // One asking workers for a deposit is held, and the employer is told why.
        let held_form = with(
            &form,
            &[
                ("title", "长期招聘家庭保洁员"),
                (
                    "description",
                    "长期招聘家庭保洁，入职需交押金200元，工作稳定。",
                ),
                ("headcount", "2"),
            ],
        );
        let (to, p) = emp.submit(&app, "/employer/posts/new", &held_form).await;
        let held_id = id_in(&to, "/employer/posts/");
        assert!(
            p.html.contains("id=\"post-held\"") && p.html.contains("押金"),
            "{}",
            p.html
        );
        let mine = emp.get(&app, "/employer/posts").await;
        assert!(mine.html.contains("待审核") && mine.html.contains("招聘中"));

        // Pay as it is really paid: one field with examples; what cannot be read is said
        // beside it; a piece rate goes live with a note the employer and staff see.
        let p = emp.get(&app, "/employer/posts/new").await;
        assert!(
            p.html.contains("name=\"pay\"")
                && p.html.contains("3000元/月+提成")
                && p.html.contains("name=\"typical_daily_pay\"")
                && !p.html.contains("name=\"pay_unit\""),
            "{}",
            p.html
        );
        let piece_form = with(
            &form,
            &[
                ("title", "开荒保洁按面积计酬"),
                (
                    "description",
                    "新房开荒保洁，按平方米计件，工具由公司提供。",
                ),
                ("pay", "5元/平方米"),
                ("form", "gig"),
            ],
        );
        let bad = emp
            .post(
                &app,
                "/employer/posts/new",
                &with(&piece_form, &[("pay", "看情况")]),
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(
            bad.html.contains("id=\"pay-error\"") && bad.html.contains("无法识别薪资“看情况”"),
            "{}",
            bad.html
        );
        assert!(
            bad.html.contains("value=\"看情况\""),
            "what was typed stays"
        );
        let bad = emp
            .post(
                &app,
                "/employer/posts/new",
                &with(&piece_form, &[("typical_daily_pay", "很多")]),
            )
            .await;
        assert!(
            bad.html.contains("id=\"typical_daily_pay-error\"")
                && bad.html.contains("日均收入“很多”"),
            "{}",
            bad.html
        );
        let (to, p) = emp.submit(&app, "/employer/posts/new", &piece_form).await;
        let piece_id = id_in(&to, "/employer/posts/");
        assert!(
            p.html.contains("即时快招") && p.html.contains("id=\"post-notes\""),
            "{}",
            p.html
        );
        assert!(
            p.html.contains("计件5元/平方米") && p.html.contains("日均收入"),
            "{}",
            p.html
        );
        let review = county.get(&app, "/staff/market/review").await;
        assert!(
            review.html.contains("id=\"noted-posts\"")
                && review.html.contains("开荒保洁按面积计酬"),
            "{}",
            review.html
        );
        // With typical daily earnings there is nothing to note, and the estimate is shown.
        let typical_form = with(
            &piece_form,
            &[
                ("title", "写字楼地面清洗计件"),
                (
                    "description",
                    "写字楼地面深度清洗，熟练工一天能做四十平方米。",
                ),
                ("typical_daily_pay", "150"),
            ],
        );
        let (to, p) = emp.submit(&app, "/employer/posts/new", &typical_form).await;
        let typical_id = id_in(&to, "/employer/posts/");
        assert!(!p.html.contains("id=\"post-notes\""), "{}", p.html);
        let d = anon_detail(&app, &typical_id).await;
        assert!(
            d.contains("计件5元/平方米，日均约150元") && d.contains("约合每小时50元（估算）"),
            "{d}"
        );
        let d = anon_detail(&app, &piece_id).await;
        assert!(
            !d.contains("估算") && !d.contains("日均收入"),
            "no estimate, no note for workers: {d}"
        );

        // Anyone finds the live post by Chinese words; the held one is not public.
        let mut anon = Browser::new();
        let found = anon
            .get(&app, "/work?q=%E5%AE%B6%E5%BA%AD%E4%BF%9D%E6%B4%81")
            .await; // 家庭保洁
        assert_eq!(found.status, StatusCode::OK);
        assert!(
            found.html.contains("周末家庭保洁") && found.html.contains("class=\"why\""),
            "{}",
            found.html
        );
        assert!(!found.html.contains("长期招聘家庭保洁员"));
        assert!(
            found.html.len() < 100_000,
            "a worker's page stays small: {} bytes",
            found.html.len()
        );
        let detail = anon.get(&app, &format!("/work/posts/{live_id}")).await;
        assert!(detail.html.contains("登录后报名") && detail.html.contains("时薪30元"));
        // Three hours a day (09:00-12:00) at 30 an hour, shown as an estimate.
        assert!(
            detail.html.contains("约合每天90元（估算）"),
            "{}",
            detail.html
        );
        assert!(detail.html.contains("已核验单位") && detail.html.contains("有，由用人单位提供"));
        assert_eq!(
            anon.get(&app, &format!("/work/posts/{held_id}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let p = anon.get(&app, "/work?sort=distance").await;
        assert!(
            p.html.contains("id=\"sort-error\""),
            "distance needs a signed-in worker's profile"
        );

        // Staff review: only the county sees the held post; a refusal needs a reason.
        let q = other.get(&app, "/staff/market/review").await;
        assert!(!q.html.contains("长期招聘家庭保洁员"));
        assert_eq!(
            other
                .get(&app, &format!("/work/posts/{held_id}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let q = county.get(&app, "/staff/market/review").await;
        assert!(
            q.html.contains("长期招聘家庭保洁员") && q.html.contains("押金"),
            "{}",
            q.html
        );
        let refused = county
            .post(
                &app,
                &format!("/staff/market/review/{held_id}"),
                &[("decision", "reject"), ("note", "")],
            )
            .await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(
            refused
                .html
                .contains(&format!("id=\"note-{held_id}-error\""))
                && refused.html.contains("不通过时请写明原因")
        );
        let (_, p) = county
            .submit(
                &app,
                &format!("/staff/market/review/{held_id}"),
                &[("decision", "approve")],
            )
            .await;
        assert!(p.html.contains("已审核通过") && !p.html.contains("长期招聘家庭保洁员"));
        let found = anon
            .get(&app, "/work?q=%E9%95%BF%E6%9C%9F%E6%8B%9B%E8%81%98")
            .await; // 长期招聘
        assert!(found.html.contains("长期招聘家庭保洁员"));
        let overview = county.get(&app, "/staff/market").await;
        assert!(overview.html.contains("id=\"market-overview\""));

        // The worker: no profile yet, so recommendations explain and link to the form.
        let mut w = worker(&app, "page.worker", 51).await;
        let p = w.get(&app, "/work/recommended").await;
        assert!(
            p.html.contains("您还没有填写求职信息") && p.html.contains("href=\"/work/profile\"")
        );
        w.get(&app, "/work/profile").await;
        let profile = [
            ("occupations", "保洁员"),
            ("skills", "擦玻璃"),
            ("certificates", ""),
            ("availability", "周末 08:00-18:00"),
            ("radius_km", "20"),
            ("expected_pay_amount", "25"),
            ("expected_pay_unit", "hour"),
            ("wanted_forms", "part_time"),
        ];
        let bad = w
            .post(
                &app,
                "/work/profile",
                &with(&profile, &[("occupations", "宇航员、保洁员")]),
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(
            bad.html.contains("id=\"occupations-error\"")
                && bad.html.contains("职业“宇航员”不在职业目录中")
        );
        assert!(
            bad.html.contains("value=\"宇航员、保洁员\"")
                && bad.html.contains("value=\"周末 08:00-18:00\"")
        );
        let (_, p) = w.submit(&app, "/work/profile", &profile).await;
        assert!(
            p.html.contains("求职信息已保存") && p.html.contains("周末 08:00-18:00"),
            "{}",
            p.html
        );
        let rec = w.get(&app, "/work/recommended").await;
        assert!(rec.html.contains("周末家庭保洁"), "{}", rec.html);
        for reason in ["距离", "技能：擦玻璃", "时薪≥期望"] {
            assert!(rec.html.contains(reason), "reason {reason}: {}", rec.html);
        }
        let near = w.get(&app, "/work?sort=distance").await;
        assert!(
            near.html.contains("距您约") && near.html.contains("离我近"),
            "{}",
            near.html
        );
        assert!(!near.html.contains("near="), "no coordinates in links");

        // 报名 through the form; a second time is refused in words.
        let p = w.get(&app, &format!("/work/posts/{live_id}")).await;
        assert!(
            p.html
                .contains(&format!("action=\"/work/posts/{live_id}/apply\""))
        );
        let (to, p) = w
            .submit(
                &app,
                &format!("/work/posts/{live_id}/apply"),
                &[("message", "周末都有空")],
            )
            .await;
        assert_eq!(to, "/work/applications?ok=applied");
        assert!(p.html.contains("周末家庭保洁") && p.html.contains("撤回报名"));
        let again = w
            .post(
                &app,
                &format!("/work/posts/{live_id}/apply"),
                &[("message", "")],
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(again.html.contains("您已报名该岗位"));

        // The employer sees the applicant masked and hires through the form.
        let p = emp.get(&app, &format!("/employer/posts/{live_id}")).await;
        assert!(
            p.html.contains("李*英") && p.html.contains("周末都有空"),
            "{}",
            p.html
        );
        let app_id = between(&p.html, "/applications/", "/hire").to_owned();
        let hire_path = format!("/employer/posts/{live_id}/applications/{app_id}/hire");
        let bad = emp
            .post(&app, &hire_path, &[("start_date", "2026-13-01")])
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.html.contains("field-error") && bad.html.contains("value=\"2026-13-01\""));
        let (to, p) = emp
            .submit(&app, &hire_path, &[("start_date", &starts)])
            .await;
        let hire_id = id_in(&to, "/employer/hires/");
        assert!(p.html.contains("用工登记已自动办理"));

        // The 用工登记 is on the county's table (and its CSV), not the next county's.
        let regs = county.get(&app, "/staff/market/registrations").await;
        assert!(
            regs.html.contains("周末家庭保洁") && regs.html.contains("李*英"),
            "{}",
            regs.html
        );
        let csv = county.get(&app, "/staff/market/registrations.csv").await;
        assert!(csv.html.contains("李*英") && csv.html.contains("非全日制"));
        let regs = other.get(&app, "/staff/market/registrations").await;
        assert!(!regs.html.contains("周末家庭保洁"));

        // Agreement: proposed by the employer (a 20-day 非全日制 cycle is flagged), confirmed
        // by the worker through the form.
        let p = emp.get(&app, &format!("/employer/hires/{hire_id}")).await;
        assert!(p.html.contains("提出约定") && p.html.contains("value=\"周六、周日 09:00-12:00\""));
        let first_pay = (today + Duration::days(10)).to_string();
        let agreement = [
            ("service_time", "周六、周日 09:00-12:00"),
            ("pay_amount", "30.00"),
            ("pay_unit", "hour"),
            ("pay_cycle_days", "20"),
            ("first_pay_on", first_pay.as_str()),
            ("rest", "法定节假日休息"),
            ("safety", "提供防滑鞋和手套"),
            ("accident_cover", "1"),
        ];
        let bad = emp
            .post(
                &app,
                &format!("/employer/hires/{hire_id}/agreement"),
                &with(&agreement, &[("pay_cycle_days", "半个月")]),
            )
            .await;
        assert!(
            bad.html.contains("id=\"pay_cycle_days-error\"")
                && bad.html.contains(">提供防滑鞋和手套</textarea>")
        );
        emp.submit(
            &app,
            &format!("/employer/hires/{hire_id}/agreement"),
            &agreement,
        )
        .await;
        let list = w.get(&app, "/work/hires").await;
        assert!(list.html.contains("约定待您确认"), "{}", list.html);
        let p = w.get(&app, &format!("/work/hires/{hire_id}")).await;
        assert!(
            p.html.contains("十五日") && p.html.contains("确认约定"),
            "{}",
            p.html
        );
        let (_, p) = w
            .submit(&app, &format!("/work/hires/{hire_id}/confirm"), &[])
            .await;
        assert!(p.html.contains("已确认约定"));
        assert!(
            !p.html
                .contains(&format!("action=\"/work/hires/{hire_id}/confirm\""))
        );

        // Pay: recorded by the employer, one due later and one already overdue.
        let due = (today + Duration::days(10)).to_string();
        let past = (today - Duration::days(2)).to_string();
        emp.submit(
            &app,
            &format!("/employer/hires/{hire_id}/pay"),
            &[
                ("period", "2026年12月上半月"),
                ("amount", "180.00"),
                ("due_on", &due),
            ],
        )
        .await;
        emp.submit(
            &app,
            &format!("/employer/hires/{hire_id}/pay"),
            &[
                ("period", "试工一天"),
                ("amount", "60.00"),
                ("due_on", &past),
            ],
        )
        .await;
        let p = w.get(&app, &format!("/work/hires/{hire_id}")).await;
        assert!(
            p.html.contains("已逾期2天") && p.html.contains("180.00 元"),
            "{}",
            p.html
        );
        let row = &p.html[p.html.find("2026年12月上半月").unwrap()..];
        let pay_id = between(row, "/pay/", "/confirm").to_owned();
        let (_, p) = w
            .submit(
                &app,
                &format!("/work/hires/{hire_id}/pay/{pay_id}/confirm"),
                &[],
            )
            .await;
        assert!(p.html.contains("已确认收到报酬") && p.html.contains("已确认收到"));
        let overdue = county.get(&app, "/staff/market/overdue").await;
        assert!(
            overdue.html.contains("试工一天") && overdue.html.contains("已逾期2天"),
            "{}",
            overdue.html
        );
        assert!(
            !overdue.html.contains("2026年12月上半月"),
            "a confirmed payment is not overdue"
        );
        assert!(
            !other
                .get(&app, "/staff/market/overdue")
                .await
                .html
                .contains("试工一天")
        );

        // Completion and a rating (a score out of range is refused beside the field).
        w.submit(&app, &format!("/work/hires/{hire_id}/complete"), &[])
            .await;
        let bad = w
            .post(
                &app,
                &format!("/work/hires/{hire_id}/rate"),
                &[("score", "6"), ("comment", "很好")],
            )
            .await;
        assert!(bad.html.contains("id=\"score-error\"") && bad.html.contains("评分应为1至5分"));
        let (_, p) = w
            .submit(
                &app,
                &format!("/work/hires/{hire_id}/rate"),
                &[("score", "5"), ("comment", "按时付钱")],
            )
            .await;
        assert!(p.html.contains("劳动者评价用人方：5分") && p.html.contains("按时付钱"));

        // The employer invites the worker (a recommended candidate) to the other post; the
        // worker is told, opens the notice, and accepts.
        let p = emp.get(&app, &format!("/employer/posts/{held_id}")).await;
        assert!(
            p.html.contains("id=\"candidates\"") && p.html.contains("李*英"),
            "{}",
            p.html
        );
        let person = between(&p.html, "name=\"person_id\" value=\"", "\"").to_owned();
        emp.submit(
            &app,
            &format!("/employer/posts/{held_id}/invite"),
            &[("person_id", &person), ("message", "欢迎来干活")],
        )
        .await;
        let n = w.get(&app, "/notices").await;
        assert!(
            n.html.contains("邀请您应聘") && n.html.contains("未读"),
            "{}",
            n.html
        );
        let notice = between(&n.html, "action=\"/notices/", "/read").to_owned();
        let go = w
            .post(&app, &format!("/notices/{notice}/read"), &[("go", "1")])
            .await;
        assert_eq!(go.location.as_deref(), Some("/work/applications"));
        assert!(!w.get(&app, "/notices").await.html.contains("未读</span>"));
        let p = w.get(&app, "/work/applications").await;
        let invitation = &p.html[p.html.find("长期招聘家庭保洁员").unwrap()..];
        let inv_id = between(invitation, "action=\"/work/applications/", "/answer").to_owned();
        let (_, p) = w
            .submit(
                &app,
                &format!("/work/applications/{inv_id}/answer"),
                &[("answer", "accept")],
            )
            .await;
        assert!(p.html.contains("已接受邀请"));
        let p = emp.get(&app, &format!("/employer/posts/{held_id}")).await;
        assert!(p.html.contains("已接受邀请") && p.html.contains("录用"));
        county.get(&app, "/notices").await;

        assert!(app.svc.verify_audit().await.unwrap().first_broken.is_none());
        app
    })
    .await;
}

/// A post's public page as anyone sees it.
async fn anon_detail(app: &TestApp, id: &str) -> String {
    Browser::new()
        .get(app, &format!("/work/posts/{id}"))
        .await
        .html
}

#[tokio::test]
async fn pages_ask_for_the_right_login() {
    each_app(|app| async move {
        let mut anon = Browser::new();
        for path in [
            "/work/recommended",
            "/work/profile",
            "/work/applications",
            "/work/hires",
            "/employer",
            "/employer/posts/new",
            "/staff/market",
            "/staff/market/review",
            "/notices",
        ] {
            // To the login, which brings the visitor back to the page afterwards.
            let back = format!("/login?next={}", path.replace('/', "%2F"));
            assert_eq!(
                anon.get(&app, path).await.location.as_deref(),
                Some(back.as_str()),
                "{path}"
            );
        }
        assert_eq!(
            anon.get(&app, "/work").await.status,
            StatusCode::OK,
            "search is public"
        );
        assert_eq!(
            anon.get(&app, "/work/posts/not-an-id").await.status,
            StatusCode::NOT_FOUND
        );
        let mut w = worker(&app, "login.worker", 71).await;
        for path in ["/employer", "/staff/market", "/staff/market/registrations"] {
            let p = w.get(&app, path).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{path}");
            assert!(p.html.contains("没有使用此功能的权限"));
        }
        let bad = w
            .get(
                &app,
                "/work?pay_at_least=%E5%BE%88%E5%A4%9A&date=2026-02-30",
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(
            bad.html.contains("field-error") && bad.html.contains("value=\"很多\""),
            "{}",
            bad.html
        );
        let n = w.get(&app, "/notices").await;
        assert!(n.html.contains("共0条"));
        app
    })
    .await;
}
