//! Demo data for the new forms of work and 职业指导 (issue 17 items 7 and 8): a few 居家/远程
//! posts, one confirmed 共享用工 arrangement, and guidance sessions (one booked, three
//! recorded with advice, notes and follow-ups) in the demo county. The online course is made
//! with the other courses (`services.rs`).

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use linghuo_domain::RegionCode;
use linghuo_storage::market::shared::{self as shared_repo, SharedRow, SharedWorkerRow};
use linghuo_storage::market::{self as repo};
use linghuo_storage::status::{HireStatus, PostStatus};
use serde::Serialize;
use uuid::Uuid;

use crate::guidance::{BookInput, FollowupInput, RecordInput};
use crate::market::PostInput;
use crate::{Result, Role, Service};

const DEMO_COUNTY: &str = "140105";

/// (title, occupation, description, pay, form)
const REMOTE_POSTS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "电商在线客服（居家）",
        "shuzi.kefu",
        "在家用电脑回复网店顾客的咨询和售后消息，每天两班任选，提供三天线上培训。需自备电脑和网络。",
        "22元/小时",
        "hourly",
    ),
    (
        "图片数据标注员（远程）",
        "shuzi.biaozhu",
        "在电脑上给图片拉框、打标签，按件计酬，线上培训后上岗，时间自由安排。",
        "0.3元/条",
        "gig",
    ),
    (
        "居家手工串珠外发",
        "zhizao.waifa",
        "材料送到家，在家串珠子做饰品，做好后统一上门收货，适合带孩子的宝妈和年纪大的人。",
        "2元/件",
        "gig",
    ),
];

#[derive(Debug, Default, Clone, Serialize)]
pub struct FormsSeedReport {
    pub remote_posts: usize,
    pub sharing: usize,
    pub guidance_sessions: usize,
}

/// Today if a working day, else the next Monday.
fn workday_from(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d + Duration::days(2),
        Weekday::Sun => d + Duration::days(1),
        _ => d,
    }
}

impl Service {
    pub(crate) async fn seed_demo_forms(
        &self,
        workers_by_county: &HashMap<RegionCode, Vec<Uuid>>,
    ) -> Result<FormsSeedReport> {
        let mut r = FormsSeedReport::default();
        let Ok(county) = RegionCode::parse(DEMO_COUNTY) else {
            return Ok(r);
        };
        let employers = repo::employers_in_region(&self.db, DEMO_COUNTY, false).await?;
        let now = self.clock.now();
        let today = self.clock.today_cst();

        // 居家/远程 posts, each from a verified employer of the county.
        let verified: Vec<_> = employers.iter().filter(|e| e.verified).collect();
        if !verified.is_empty() {
            let mut tx = self.db.begin().await?;
            for (i, (title, occ, desc, pay, form)) in REMOTE_POSTS.iter().enumerate() {
                let employer = verified[i % verified.len()];
                let input = PostInput {
                    title: (*title).into(),
                    description: (*desc).into(),
                    occupation: (*occ).into(),
                    form: (*form).into(),
                    remote: true,
                    starts_on: today.to_string(),
                    pay: Some((*pay).into()),
                    headcount: 5,
                    expires_on: Some((today + Duration::days(30)).to_string()),
                    ..PostInput::default()
                };
                let mut row = self.post_row(employer, &input, None, now)?;
                row.status = PostStatus::Live;
                repo::insert_post(&mut tx, &row).await?;
                repo::enqueue_index(&mut tx, row.id, now).await?;
                r.remote_posts += 1;
            }
            tx.commit().await?;
            self.note_market_write();
        }

        // One confirmed 共享用工: the county's lead employer (the demo employer's account)
        // lends two of its workers to another employer of the county for a month.
        let lender = self.demo_lead_employer().await?;
        let lender_hires: Vec<_> = match &lender {
            Some(l) => repo::hires_of_employer(&self.db, l.id)
                .await?
                .into_iter()
                .filter(|h| h.status == HireStatus::Active)
                .take(2)
                .collect(),
            None => Vec::new(),
        };
        if let Some(lender) = lender.as_ref().filter(|_| lender_hires.len() == 2)
            && let Some(borrower) = employers
                .iter()
                .filter(|e| e.id != lender.id && e.uscc.is_some() && e.verified)
                // A firm short of hands before a platform or an agency.
                .min_by_key(|e| e.kind != "enterprise")
        {
            let hires = lender_hires;
            let id = Uuid::new_v4();
            let row = SharedRow {
                id,
                lender_id: lender.id,
                borrower_id: borrower.id,
                lender_county: lender.county_code.clone(),
                borrower_county: borrower.county_code.clone(),
                work: "春节前订单高峰，协助仓库分拣和打包".into(),
                starts_on: today - Duration::days(5),
                ends_on: today + Duration::days(25),
                wages_paid_by: "borrower".into(),
                insurance_paid_by: "lender".into(),
                status: "confirmed".into(),
                proposed_by: None,
                answered_by: None,
                answered_at: Some(now),
                decline_reason: String::new(),
                ended_on: None,
                end_reason: String::new(),
                ended_by: None,
                created_at: now - Duration::days(8),
                updated_at: now,
            };
            let workers: Vec<SharedWorkerRow> = hires
                .iter()
                .map(|h| SharedWorkerRow {
                    arrangement_id: id,
                    hire_id: h.id,
                    person_id: h.person_id,
                    county_code: lender.county_code.clone(),
                })
                .collect();
            let mut tx = self.db.begin().await?;
            shared_repo::insert(&mut tx, &row, &workers).await?;
            tx.commit().await?;
            r.sharing += 1;
        }

        // 职业指导: booked by the window's counsellor; three recorded, one still to come.
        let pool = workers_by_county.get(&county).cloned().unwrap_or_default();
        if pool.len() >= 4 {
            let staff = self
                .demo_actor(
                    format!("demo-staff-{DEMO_COUNTY}-guidance"),
                    "小店区人社局职业指导员（演示）".into(),
                    Role::Staff,
                    Some(county),
                    None,
                )
                .await?;
            let day = workday_from(today);
            let records: [DemoRecord; 3] = [
                (
                    &["job_search", "flexible"],
                    "您做过保洁，体力好、时间灵活，建议先找家政小时工，离家近、按小时结算；平台上搜“保洁 小时工”就能找到。",
                    "签工作约定时写清每次几小时、多少钱，报酬在平台上确认。",
                    Some((14, "回访求职进展")),
                ),
                (
                    &["skills", "benefits"],
                    "想做育婴员，建议先报名育婴员（五级）培训，结业考证后找活更容易，培训补贴按规定办理。",
                    "",
                    Some((30, "了解培训和考证情况")),
                ),
                (
                    &["startup", "registration"],
                    "打算开早餐摊，先到街道了解夜市和便民摊点的时间地点；开始经营后可办理灵活就业登记。",
                    "带上身份证到窗口办理登记即可，不收费。",
                    None,
                ),
            ];
            for (i, pid) in pool.iter().rev().take(4).enumerate() {
                let g = self
                    .book_guidance(
                        &staff,
                        BookInput {
                            person_id: Some(*pid),
                            county_code: DEMO_COUNTY.into(),
                            channel: if i == 1 { "phone" } else { "window" }.into(),
                            slot_on: day.to_string(),
                            slot: if i % 2 == 0 { "am" } else { "pm" }.into(),
                            question: String::new(),
                        },
                    )
                    .await;
                // A person without a phone number cannot be called back; skip them.
                let Ok(g) = g else { continue };
                r.guidance_sessions += 1;
                let Some((topics, advice, notes, follow)) = records.get(i) else {
                    continue;
                };
                self.record_guidance(
                    &staff,
                    g.id,
                    RecordInput {
                        topics: topics.iter().map(|t| (*t).to_owned()).collect(),
                        advice: (*advice).into(),
                        notes: (*notes).into(),
                        followups: follow
                            .iter()
                            .map(|(d, what)| FollowupInput {
                                due_on: (today + Duration::days(*d)).to_string(),
                                what: (*what).into(),
                            })
                            .collect(),
                    },
                )
                .await?;
            }
        }
        Ok(r)
    }
}

/// A demo guidance record: topics, advice, notes and a follow-up (days ahead, what).
type DemoRecord = (
    &'static [&'static str],
    &'static str,
    &'static str,
    Option<(i64, &'static str)>,
);
