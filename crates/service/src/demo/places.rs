//! Demo designated places, stalls, gig-market sites and a human-resource service agency
//! (issue 17, items 1 and 4): in the working counties a night market, and in the demo county
//! also a 便民市场 with a reduced fee and a scenic-area sales zone; stall applications from
//! the county's people, some approved (with the licence-exemption notice), one refused and
//! some waiting; each working county's 零工市场 at its seat; and in the demo county a 零工驿站
//! and an agency employer (人力资源服务机构) with a live post.

use std::collections::HashMap;

use chrono::Duration;
use linghuo_domain::{RegionCode, uscc_check_char};
use uuid::Uuid;

use super::services::ServicesSeedReport;
use crate::Service;
use crate::access::{Actor, Role};
use crate::error::Result;
use crate::market::{EmployerInput, PostInput};
use crate::places::{PlaceInput, SiteInput, StallDecision, StallInput};

/// What one working county of the demo gets.
pub(super) struct PlacesDemo<'a> {
    pub ci: usize,
    pub home: bool,
    pub county: RegionCode,
    pub window: &'a Actor,
    /// People of the county, in seeding order (some in the priority groups).
    pub people: Vec<Uuid>,
}

const GOODS: &[(&str, &str)] = &[
    ("farm_produce", "自产蔬菜、小米"),
    ("daily_goods", "日用百货、袜子手套"),
    ("convenience_labour", "修鞋配钥匙"),
    ("farm_produce", "时令水果"),
    ("other", "现场加工烧烤"),
    ("daily_goods", "手机贴膜、充电线"),
];

impl Service {
    pub(super) async fn seed_county_places(
        &self,
        d: PlacesDemo<'_>,
        residents: &mut HashMap<Uuid, Actor>,
        r: &mut ServicesSeedReport,
    ) -> Result<()> {
        let name = d.county.name();
        let code = d.county.as_str();
        let (lon0, lat0) = d.county.coordinates();
        // Every working county's 零工市场, a little off the seat's point.
        self.create_site(
            d.window,
            SiteInput {
                kind: "gig_market".into(),
                name: format!("{name}零工市场"),
                address: format!("{name}人力资源市场东侧广场"),
                county_code: code.clone(),
                hours: "每天6:00—12:00".into(),
                services: vec![
                    "job_info".into(),
                    "labour_matching".into(),
                    "employment_registration".into(),
                    "policy_consulting".into(),
                ],
                lat: lat0 + 0.004,
                lon: lon0 - 0.003,
                description: Some("清晨用工高峰时段有工作人员现场登记、对接".into()),
            },
        )
        .await?;
        r.sites += 1;
        if d.home {
            self.create_site(
                d.window,
                SiteInput {
                    kind: "gig_station".into(),
                    name: format!("{name}长风街零工驿站"),
                    address: format!("{name}长风街社区服务中心一层"),
                    county_code: code.clone(),
                    hours: "工作日8:30—17:30".into(),
                    services: vec![
                        "job_info".into(),
                        "career_guidance".into(),
                        "job_referral".into(),
                        "unemployment_registration".into(),
                        "skills_training".into(),
                    ],
                    lat: lat0 - 0.011,
                    lon: lon0 + 0.008,
                    description: Some("提供休息、饮水，可现场查询岗位和补贴政策".into()),
                },
            )
            .await?;
            r.sites += 1;
        }
        if !(d.home || d.ci.is_multiple_of(3)) {
            return Ok(());
        }
        let market = self
            .create_place(
                d.window,
                PlaceInput {
                    kind: "night_market".into(),
                    name: format!("{name}鼓楼夜市"),
                    address: format!("{name}鼓楼街步行街段"),
                    county_code: code.clone(),
                    hours: "每天18:00—23:00（4月至10月）".into(),
                    pitches: if d.home { 3 } else { 2 },
                    description: Some("统一提供照明和垃圾收集，不得占用盲道".into()),
                    ..PlaceInput::default()
                },
            )
            .await?;
        r.places += 1;
        if d.home {
            self.create_place(
                d.window,
                PlaceInput {
                    kind: "stall_point".into(),
                    name: format!("{name}坞城路便民市场"),
                    address: format!("{name}坞城路与学府街交叉口西北角"),
                    county_code: code.clone(),
                    hours: "每天6:00—10:00".into(),
                    pitches: 8,
                    fee: Some("3.00".into()),
                    fee_period: Some("day".into()),
                    fee_note: Some("原价每天6元，减半收取".into()),
                    ..PlaceInput::default()
                },
            )
            .await?;
            self.create_place(
                d.window,
                PlaceInput {
                    kind: "scenic_zone".into(),
                    name: format!("{name}汾河公园农特产品销售区"),
                    address: format!("{name}汾河公园南门游客中心旁"),
                    county_code: code.clone(),
                    hours: "每周六、日9:00—18:00".into(),
                    pitches: 4,
                    description: Some("销售本地绿色农产品和旅游商品".into()),
                    ..PlaceInput::default()
                },
            )
            .await?;
            r.places += 2;
        }
        // Applications at the night market, then decisions in order: the first two approved,
        // one refused with its reason, the rest waiting.
        let n = if d.home { 5 } else { 2 };
        for (k, pid) in d.people.iter().take(n).enumerate() {
            let who = self.demo_resident(residents, *pid).await?;
            let (goods, business) = GOODS[k % GOODS.len()];
            self.apply_for_stall(
                &who,
                market.id,
                StallInput {
                    goods: goods.into(),
                    business: business.into(),
                },
            )
            .await?;
            r.stall_applications += 1;
        }
        let queue = self.place_detail(d.window, market.id).await?.applications;
        for (k, a) in queue.iter().enumerate() {
            let decision = match (k, a.goods.as_str()) {
                (_, "other") => StallDecision {
                    approve: false,
                    reason: "现场明火加工食品不在本夜市的经营范围内，请到餐饮集中区申请".into(),
                },
                (0 | 1, _) => StallDecision {
                    approve: true,
                    reason: String::new(),
                },
                _ => continue,
            };
            self.decide_stall(d.window, a.id, decision).await?;
        }
        Ok(())
    }

    /// A 人力资源服务机构 in the demo county with its licence and one live post, so the
    /// market shows 中介机构发布.
    pub(super) async fn seed_demo_agency(
        &self,
        county: RegionCode,
        window: &Actor,
        r: &mut ServicesSeedReport,
    ) -> Result<()> {
        let today = self.clock.today_cst();
        let account = self
            .demo_actor(
                "demo-agency".into(),
                "晋才人力资源（演示）".into(),
                Role::Employer,
                None,
                None,
            )
            .await?;
        let e = self
            .register_employer(
                &account,
                EmployerInput {
                    kind: "hr_agency".into(),
                    name: "山西晋才人力资源服务有限公司".into(),
                    uscc: Some(format!(
                        "91{}MA0K7Q2R4{}",
                        county.as_str(),
                        uscc_check_char(&format!("91{}MA0K7Q2R4", county.as_str())).unwrap_or('0')
                    )),
                    contact_name: "赵经理".into(),
                    county_code: county.as_str(),
                    address: Some(format!("{}长治路227号高新国际大厦9层", county.name())),
                    licence_no: Some("（晋）人服证字〔2021〕第0105000012号".into()),
                    ..EmployerInput::default()
                },
            )
            .await?;
        self.verify_employer(window, e.id).await?;
        self.create_post(
            &account,
            PostInput {
                title: "商场保洁（日结）".into(),
                description: "亲贤街商场日常保洁，早班7:00—15:00，提供工装和午餐，当日结算。由本机构招聘并派遣。"
                    .into(),
                occupation: "保洁员".into(),
                form: "gig".into(),
                county_code: county.as_str(),
                address: Some("亲贤北街".into()),
                starts_on: today.format("%Y-%m-%d").to_string(),
                ends_on: Some((today + Duration::days(60)).format("%Y-%m-%d").to_string()),
                schedule: Some("每天7:00-15:00".into()),
                pay: Some("150元/天".into()),
                headcount: 6,
                accident_cover: true,
                expires_on: Some((today + Duration::days(30)).format("%Y-%m-%d").to_string()),
                ..PostInput::default()
            },
        )
        .await?;
        r.agencies += 1;
        Ok(())
    }
}
