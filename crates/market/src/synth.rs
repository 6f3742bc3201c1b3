//! Deterministic synthetic job posts and worker profiles for tests, demos
//! and benchmarks.
//!
//! Each item depends only on `(seed, i)`, so `jobs(n, seed)` is a lazy
//! iterator that never holds more than one post, the i-th post can be made
//! again on its own ([`job`]), and two runs with the same seed agree.
//!
//! # What the data looks like
//!
//! - **Where**: counties are drawn in proportion to an approximate
//!   population ([`county_weights`]): the 2020 census totals of the eleven
//!   cities, rounded (太原 530万, 运城 477万, 临汾 398万, 吕梁 340万,
//!   晋中 338万, 长治 318万, 大同 311万, 忻州 269万, 晋城 219万, 朔州 159万,
//!   阳泉 132万), shared among a city's units with weight 2 for a 市辖区,
//!   1.3 for a county-level city and 1 for a county. Good enough to make
//!   太原 dense and 偏关 sparse, not a demographic statement. Points scatter
//!   around the county seat (`RegionCode::coordinates`), normally with σ ≈
//!   3–5 km, never beyond 15 km.
//! - **What**: a category by rough demand weights, then a trade of it;
//!   titles and descriptions from per-category phrase lists; skills and
//!   certificates that fit the trade.
//! - **Pay**: around the typical hourly pay of the category
//!   ([`crate::screening::typical_hourly_fen`]), ±30 %, in the unit the form
//!   usually uses (day for 零工, hour for 小时工/非全日制, day or month for
//!   短期, per order for platform delivery and rides), then written the ways
//!   employers write it ([`vary_pay`], its own random stream so the rest of
//!   a post does not move): about four in five a plain time rate, one in ten
//!   a range, a few floors (起), piece rates in trades paid by the piece
//!   (搬运 元/车·吨·箱, 农业 元/斤·亩, 制造 元/件, 建筑 元/平方米, 维修 元/台·樘)
//!   with typical daily earnings about half the time, base plus commission
//!   in retail and some monthly posts, a few half days, nights, weeks and
//!   `元/26天`, and about 2 % 面议.
//! - **When**: posted up to 30 days before [`BASE_DATE`], starting from 10
//!   days before to 20 after it; schedules from a few common patterns;
//!   every 非全日制 post within 4 h/day and 24 h/week.

use std::sync::LazyLock;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use linghuo_domain::{Occupation, RegionCode, RegionLevel, counties, occupation, occupations};
use uuid::Uuid;

use crate::geo::{EARTH_RADIUS_KM, GeoPoint};
use crate::matching::WorkerProfile;
use crate::pay::{ExpectedPay, Floor, Pay, PayUnit, TimeUnit};
use crate::post::{JobForm, JobPost, Schedule, TimeSlot, Weekdays};
use crate::screening::typical_hourly_fen;

/// The "today" synthetic data is built around.
pub const BASE_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 28) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// SplitMix64: tiny, fast, and good enough for synthetic data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64, stream: u64, i: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.0 ^= r.next_u64() ^ i.wrapping_mul(0xD1B5_4A32_D192_ED03);
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

/// Approximate population of each city in 10,000s (2020 census, rounded).
const CITY_POPULATION: &[(u32, f64)] = &[
    (140100, 530.0),
    (140200, 311.0),
    (140300, 132.0),
    (140400, 318.0),
    (140500, 219.0),
    (140600, 159.0),
    (140700, 338.0),
    (140800, 477.0),
    (140900, 269.0),
    (141000, 398.0),
    (141100, 340.0),
];

/// `(county, weight)` for all 117 counties; weights sum to 1.
pub fn county_weights() -> &'static [(RegionCode, f64)] {
    static WEIGHTS: LazyLock<Vec<(RegionCode, f64)>> = LazyLock::new(|| {
        let unit_weight = |c: &RegionCode| {
            let name = c.name();
            if name.ends_with('区') {
                2.0
            } else if name.ends_with('市') {
                1.3
            } else {
                1.0
            }
        };
        let all = counties();
        let total: f64 = CITY_POPULATION.iter().map(|(_, p)| p).sum();
        let mut out = Vec::with_capacity(all.len());
        for &(city, pop) in CITY_POPULATION {
            let members: Vec<RegionCode> = all
                .iter()
                .copied()
                .filter(|c| c.parent().map(|p| p.code()) == Some(city))
                .collect();
            let sum: f64 = members.iter().map(unit_weight).sum();
            for c in members {
                out.push((c, pop / total * unit_weight(&c) / sum));
            }
        }
        out
    });
    &WEIGHTS
}

static COUNTY_CUMULATIVE: LazyLock<Vec<f64>> = LazyLock::new(|| {
    let mut acc = 0.0;
    county_weights()
        .iter()
        .map(|(_, w)| {
            acc += w;
            acc
        })
        .collect()
});

fn pick_county(rng: &mut Rng) -> RegionCode {
    let x = rng.unit() * COUNTY_CUMULATIVE.last().copied().unwrap_or(1.0);
    let i = COUNTY_CUMULATIVE.partition_point(|&c| c < x);
    county_weights()[i.min(county_weights().len() - 1)].0
}

/// A point near the county seat.
fn scatter(rng: &mut Rng, county: RegionCode, sigma_km: f64) -> GeoPoint {
    let seat = GeoPoint::of_region(county);
    let r = (rng.normal().abs() * sigma_km).min(15.0);
    let bearing = rng.unit() * 2.0 * std::f64::consts::PI;
    let d = r / EARTH_RADIUS_KM;
    let (p1, l1) = (seat.lat.to_radians(), seat.lon.to_radians());
    let p2 = (p1.sin() * d.cos() + p1.cos() * d.sin() * bearing.cos()).asin();
    let l2 = l1 + (bearing.sin() * d.sin() * p1.cos()).atan2(d.cos() - p1.sin() * p2.sin());
    GeoPoint::new(p2.to_degrees(), l2.to_degrees())
}

/// One category's phrases.
struct CategoryText {
    code: &'static str,
    weight: f64,
    duties: &'static [&'static str],
    skills: &'static [&'static str],
}

#[rustfmt::skip]
const CATEGORIES: &[CategoryText] = &[
    CategoryText { code: "jiazheng", weight: 12.0, duties: &["上门打扫卫生", "整理收纳衣物", "擦玻璃和厨房清洁", "做一日三餐", "照看家中老人"], skills: &["擦玻璃", "做饭", "收纳", "深度清洁", "熨烫衣物"] },
    CategoryText { code: "yanglao", weight: 6.0, duties: &["协助老人起居", "喂饭和翻身", "陪同老人散步", "记录老人身体情况", "夜间值守"], skills: &["老人护理", "翻身拍背", "喂饭", "康复训练", "测血压"] },
    CategoryText { code: "muying", weight: 5.0, duties: &["照顾产妇饮食起居", "新生儿洗澡抚触", "指导母乳喂养", "制作月子餐", "夜间照看宝宝"], skills: &["新生儿护理", "月子餐", "催乳", "早教"] },
    CategoryText { code: "baojie", weight: 10.0, duties: &["负责公共区域清扫", "楼道和电梯清洁", "垃圾清运", "绿植浇水修剪", "地面清洗打蜡"], skills: &["地面清洗", "玻璃清洁", "垃圾分类", "绿植养护"] },
    CategoryText { code: "weixiu", weight: 7.0, duties: &["上门检修线路和管道", "安装灯具开关", "维修家电故障", "更换水龙头", "疏通下水道"], skills: &["水管维修", "电路维修", "灯具安装", "家电维修", "管道疏通"] },
    CategoryText { code: "jianzhu", weight: 9.0, duties: &["工地砌墙抹灰", "铺贴瓷砖", "搭设脚手架", "配合班组施工", "清理施工现场"], skills: &["贴砖", "砌墙", "抹灰", "吊顶", "刷漆"] },
    CategoryText { code: "banyun", weight: 9.0, duties: &["货物装车卸车", "快递包裹分拣", "仓库理货上架", "按订单打包", "搬运家具家电"], skills: &["装卸", "分拣", "打包", "开叉车", "搬运"] },
    CategoryText { code: "peisong", weight: 10.0, duties: &["按平台派单配送", "取餐送餐", "同城配送文件和物品", "送桶装水上门", "保证准时送达"], skills: &["骑电动车", "熟悉路线", "手机接单"] },
    CategoryText { code: "chuxing", weight: 5.0, duties: &["按平台订单接送乘客", "车辆日常保养", "按路线送货", "遵守交通规则", "保持车内整洁"], skills: &["驾驶", "熟悉路线", "车辆保养"] },
    CategoryText { code: "canyin", weight: 10.0, duties: &["点餐传菜", "收拾餐桌", "后厨切配", "洗碗和厨房卫生", "宴席摆台上菜"], skills: &["点餐", "传菜", "切配", "面点", "炒菜"] },
    CategoryText { code: "meirong", weight: 3.0, duties: &["为顾客剪发造型", "皮肤护理", "美甲美睫", "足疗按摩", "预约接待"], skills: &["剪发", "染烫", "美甲", "按摩"] },
    CategoryText { code: "lingshou", weight: 6.0, duties: &["商品陈列补货", "收银结账", "门店促销讲解", "直播间介绍商品", "整理货架"], skills: &["收银", "陈列", "直播", "销售"] },
    CategoryText { code: "nongye", weight: 4.0, duties: &["大棚蔬菜种植管理", "果园剪枝疏果", "采摘装箱", "喂养牲畜", "驾驶农机作业"], skills: &["种植", "剪枝", "采摘", "养殖", "农机驾驶"] },
    CategoryText { code: "anbao", weight: 5.0, duties: &["门岗值守", "小区巡逻", "监控室值班", "活动现场秩序维护", "来访登记"], skills: &["巡逻", "监控", "消防", "门岗"] },
    CategoryText { code: "jiaoyu", weight: 3.0, duties: &["辅导小学生作业", "课后托管看护", "一对一上门辅导", "艺术课程教学", "组织研学活动"], skills: &["作业辅导", "钢琴", "书法", "英语"] },
    CategoryText { code: "jiankang", weight: 2.0, duties: &["社区健康宣传", "慢病随访记录", "营养膳食指导", "中医理疗服务", "协助签约服务"], skills: &["健康宣教", "理疗", "营养指导"] },
    CategoryText { code: "wenti", weight: 2.0, duties: &["健身课程指导", "游泳馆值守", "婚礼主持", "活动拍摄", "景区讲解"], skills: &["健身指导", "救生", "主持", "摄影"] },
    CategoryText { code: "zhizao", weight: 6.0, duties: &["流水线操作", "产品质检", "缝纫加工", "零件装配", "食品包装"], skills: &["缝纫", "质检", "装配", "包装"] },
    CategoryText { code: "shuzi", weight: 3.0, duties: &["图片和文本数据标注", "在线接待咨询", "新媒体内容运营", "视频剪辑", "资料录入"], skills: &["数据标注", "打字", "剪辑", "文案"] },
];

const REQUIREMENTS: &[&str] = &[
    "身体健康，吃苦耐劳",
    "有相关经验优先",
    "年龄18至60岁",
    "做事细心负责",
    "会用智能手机接单",
    "守时守信",
];
const BENEFITS: &[&str] = &[
    "提供工作餐",
    "当天结算",
    "按周结算",
    "购买意外险",
    "提供工具",
    "离家近，时间灵活",
    "新手有人带",
];
const HOOKS: &[&str] = &[
    "时间灵活",
    "离家近",
    "当天结算",
    "周末可做",
    "有意外险",
    "长期合作",
];

struct Catalogue {
    /// Per category: its trades.
    trades: Vec<Vec<&'static Occupation>>,
    cumulative: Vec<f64>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let mut acc = 0.0;
    let cumulative = CATEGORIES
        .iter()
        .map(|c| {
            acc += c.weight;
            acc
        })
        .collect();
    let trades = CATEGORIES
        .iter()
        .map(|c| {
            occupations()
                .iter()
                .filter(|o| o.parent == Some(c.code))
                .collect()
        })
        .collect();
    Catalogue { trades, cumulative }
});

fn pick_category(rng: &mut Rng) -> usize {
    let c = &CATALOGUE.cumulative;
    let x = rng.unit() * c.last().copied().unwrap_or(1.0);
    c.partition_point(|&v| v < x).min(CATEGORIES.len() - 1)
}

/// Certificates a trade may ask for, with how often a post asks.
fn certificates_for(code: &str) -> &'static [(&'static str, f64)] {
    match code {
        "weixiu.diangong" => &[("电工证", 0.8)],
        "weixiu.shuidian" => &[("电工证", 0.3)],
        "jianzhu.hangong" => &[("焊工证", 0.8)],
        "jianzhu.tadiao" => &[("塔吊操作证", 0.9)],
        "banyun.chache" => &[("叉车证", 0.9)],
        "anbao.baoan" => &[("保安员证", 0.5)],
        "anbao.xiaokong" => &[("消防设施操作员证", 0.8)],
        "chuxing.wangyueche" => &[("网约车驾驶员证", 0.9)],
        "yanglao.huliyuan" => &[("养老护理员证", 0.3)],
        c if c.starts_with("canyin.") || c.starts_with("muying.") => &[("健康证", 0.5)],
        c if c.starts_with("jiazheng.") => &[("健康证", 0.3)],
        _ => &[],
    }
}

fn round_to(x: f64, step: f64) -> i64 {
    ((x / step).round() * step).max(step) as i64
}

fn schedule_for(rng: &mut Rng, form: JobForm) -> (Schedule, Option<u32>) {
    let h = TimeSlot::hm;
    match form {
        JobForm::Platform => (Schedule::any_time(), None),
        JobForm::PartTime => {
            let slot = *rng.pick(&[
                h(8, 0, 12, 0),
                h(13, 0, 17, 0),
                h(17, 0, 21, 0),
                h(9, 0, 12, 0),
            ]);
            let days = *rng.pick(&[Weekdays::WORKDAYS, Weekdays::WEEKEND, Weekdays(0b001_0101)]);
            let hours = slot.minutes() * days.count() / 60;
            (Schedule::weekly(days, vec![slot]), Some(hours))
        }
        JobForm::Gig => {
            if rng.chance(0.5) {
                (Schedule::once(vec![h(8, 0, 12, 0), h(13, 0, 17, 0)]), None)
            } else {
                let days = *rng.pick(&[Weekdays::ALL, Weekdays::WEEKEND, Weekdays::WORKDAYS]);
                (
                    Schedule::weekly(days, vec![h(8, 0, 12, 0), h(13, 0, 17, 0)]),
                    None,
                )
            }
        }
        JobForm::Hourly => {
            let slot = *rng.pick(&[
                h(9, 0, 12, 0),
                h(14, 0, 17, 0),
                h(18, 0, 21, 0),
                h(10, 0, 14, 0),
            ]);
            let days = *rng.pick(&[Weekdays::ALL, Weekdays::WEEKEND, Weekdays::WORKDAYS]);
            (Schedule::weekly(days, vec![slot]), None)
        }
        JobForm::ShortTerm | JobForm::LongTerm => {
            let days = *rng.pick(&[Weekdays::WORKDAYS, Weekdays(0b011_1111), Weekdays::ALL]);
            (
                Schedule::weekly(days, vec![h(8, 0, 12, 0), h(14, 0, 18, 0)]),
                None,
            )
        }
    }
}

/// The i-th synthetic post of a seed.
pub fn job(seed: u64, i: u64) -> JobPost {
    let mut rng = Rng::new(seed, 1, i);
    let cat_ix = pick_category(&mut rng);
    let cat = &CATEGORIES[cat_ix];
    let trade = *rng.pick(&CATALOGUE.trades[cat_ix]);
    let county = pick_county(&mut rng);
    let sigma = if county.name().ends_with('区') {
        3.0
    } else {
        4.0
    };
    let point = scatter(&mut rng, county, sigma);

    let platformish = matches!(cat.code, "peisong" | "chuxing" | "shuzi");
    let form = if platformish && rng.chance(0.6) {
        JobForm::Platform
    } else {
        let x = rng.unit();
        if x < 0.35 {
            JobForm::Gig
        } else if x < 0.6 {
            JobForm::Hourly
        } else if x < 0.75 {
            JobForm::PartTime
        } else if x < 0.95 {
            JobForm::ShortTerm
        } else {
            JobForm::Platform
        }
    };
    let hourly = typical_hourly_fen(cat.code) as f64 / 100.0 * (0.7 + 0.6 * rng.unit());
    let pay = match form {
        JobForm::Gig => Pay::yuan(round_to(hourly * 8.0, 10.0), PayUnit::Day),
        JobForm::Hourly | JobForm::PartTime => Pay::yuan(round_to(hourly, 1.0), PayUnit::Hour),
        JobForm::ShortTerm if rng.chance(0.5) => {
            Pay::yuan(round_to(hourly * 8.0, 10.0), PayUnit::Day)
        }
        JobForm::ShortTerm | JobForm::LongTerm => {
            Pay::yuan(round_to(hourly * 174.0, 100.0), PayUnit::Month)
        }
        JobForm::Platform if matches!(cat.code, "peisong" | "chuxing") => {
            Pay::yuan(rng.range(4, 12), PayUnit::Piece)
        }
        JobForm::Platform => Pay::yuan(round_to(hourly, 1.0), PayUnit::Hour),
    };
    let pay = vary_pay(pay, form, cat.code, hourly, &mut Rng::new(seed, 3, i));

    let posted_days_ago = rng.range(0, 30);
    let posted_at = Utc.from_utc_datetime(&BASE_DATE.and_hms_opt(8, 0, 0).expect("valid time"))
        - Duration::days(posted_days_ago)
        + Duration::minutes(rng.range(0, 600));
    let starts_on = BASE_DATE + Duration::days(rng.range(-10, 20));
    let (schedule, hours_per_week) = schedule_for(&mut rng, form);
    let ends_on = match form {
        JobForm::ShortTerm => Some(starts_on + Duration::days(rng.range(7, 60))),
        _ if !schedule.recurring => Some(starts_on),
        _ if rng.chance(0.3) => Some(starts_on + Duration::days(rng.range(14, 90))),
        _ => None,
    };
    let expires_on = posted_at.date_naive() + Duration::days(rng.range(30, 60));

    // Title and description.
    let word = if rng.chance(0.6) || trade.synonyms.is_empty() {
        trade.name
    } else {
        *rng.pick(trade.synonyms)
    };
    let place = county.name();
    let headcount = *rng.pick(&[1u32, 1, 1, 2, 2, 3, 5, 10]);
    let title = match rng.below(5) {
        0 => format!("{place}{word}，{}", pay.label()),
        1 => format!("急招{word}{headcount}名"),
        2 => format!("{word}（{}）", form.label()),
        3 => format!("招{word}，{}", rng.pick(HOOKS)),
        _ => format!("{place}招{word}"),
    };
    let d1 = rng.pick(cat.duties);
    let d2 = rng.pick(cat.duties);
    let duty = if d1 == d2 {
        d1.to_string()
    } else {
        format!("{d1}、{d2}")
    };
    let description = format!(
        "{place}招聘{word}{headcount}名。工作内容：{duty}。要求：{}。待遇：{}，{}。",
        rng.pick(REQUIREMENTS),
        pay.label(),
        rng.pick(BENEFITS),
    );
    let mut skills: Vec<String> = Vec::new();
    for _ in 0..rng.range(1, 3) {
        let s = rng.pick(cat.skills).to_string();
        if !skills.contains(&s) {
            skills.push(s);
        }
    }
    let required_certificates = certificates_for(trade.code)
        .iter()
        .filter(|(_, p)| rng.chance(*p))
        .map(|(c, _)| c.to_string())
        .collect();
    let employer_on_time_rate = if rng.chance(0.2) {
        None
    } else {
        Some((0.6 + 0.4 * rng.unit()) as f32)
    };

    JobPost {
        id: Uuid::from_u64_pair(0x6a6f_6200_0000_0000 | seed & 0xFFFF_FFFF, i),
        external_id: i.is_multiple_of(4).then(|| format!("SX-{seed}-{i}")),
        title,
        description,
        skills,
        occupation: trade.code.to_string(),
        trade_text: None,
        form,
        county,
        lat: point.lat,
        lon: point.lon,
        pay,
        starts_on,
        ends_on,
        schedule,
        hours_per_week,
        headcount,
        required_certificates,
        accident_cover: rng.chance(0.6),
        remote: false,
        employer_on_time_rate,
        posted_at,
        expires_on,
    }
}

/// The i-th synthetic worker of a seed.
pub fn worker(seed: u64, i: u64) -> WorkerProfile {
    let mut rng = Rng::new(seed, 2, i);
    let cat_ix = pick_category(&mut rng);
    let cat = &CATEGORIES[cat_ix];
    let trades = &CATALOGUE.trades[cat_ix];
    let mut wanted: Vec<String> = Vec::new();
    if rng.chance(0.3) {
        wanted.push(cat.code.to_string());
    } else {
        for _ in 0..rng.range(1, 2) {
            let t = rng.pick(trades).code.to_string();
            if !wanted.contains(&t) {
                wanted.push(t);
            }
        }
    }
    let county = pick_county(&mut rng);
    let sigma = if county.level() == RegionLevel::County && county.name().ends_with('区') {
        4.0
    } else {
        5.0
    };
    let home = scatter(&mut rng, county, sigma);
    let mut skills: Vec<String> = Vec::new();
    for _ in 0..rng.range(1, 3) {
        let s = rng.pick(cat.skills).to_string();
        if !skills.contains(&s) {
            skills.push(s);
        }
    }
    let mut certificates: Vec<String> = Vec::new();
    for code in &wanted {
        let certs: Vec<&'static str> = if occupation(code).is_some_and(|o| o.is_category()) {
            trades
                .iter()
                .flat_map(|t| certificates_for(t.code).iter().map(|(c, _)| *c))
                .collect()
        } else {
            certificates_for(code).iter().map(|(c, _)| *c).collect()
        };
        for c in certs {
            if rng.chance(0.6) && !certificates.iter().any(|x| x == c) {
                certificates.push(c.to_string());
            }
        }
    }
    if rng.chance(0.3) && !certificates.iter().any(|x| x == "健康证") {
        certificates.push("健康证".to_string());
    }
    let h = TimeSlot::hm;
    let availability = match rng.below(6) {
        0 => Schedule::weekly(Weekdays::WORKDAYS, vec![h(8, 0, 18, 0)]),
        1 => Schedule::weekly(Weekdays::WEEKEND, vec![h(8, 0, 20, 0)]),
        2 => Schedule::weekly(Weekdays::ALL, vec![h(8, 0, 20, 0)]),
        3 => Schedule::weekly(Weekdays::ALL, vec![h(17, 0, 22, 0)]),
        4 => Schedule::weekly(Weekdays::WORKDAYS, vec![h(8, 0, 12, 0)]),
        _ => Schedule::any_time(),
    };
    let hourly = typical_hourly_fen(cat.code) as f64 / 100.0 * (0.6 + 0.4 * rng.unit());
    let expected_pay = match rng.below(20) {
        0..=8 => Some(ExpectedPay::yuan(
            round_to(hourly * 8.0, 10.0),
            PayUnit::Day,
        )),
        9..=13 => Some(ExpectedPay::yuan(round_to(hourly, 1.0), PayUnit::Hour)),
        14 => Some(ExpectedPay::yuan(
            round_to(hourly * 174.0, 100.0),
            PayUnit::Month,
        )),
        15 if cat.code == "peisong" => Some(ExpectedPay::yuan(rng.range(3, 6), PayUnit::Piece)),
        _ => None,
    };
    let mut wanted_forms = Vec::new();
    if rng.chance(0.5) {
        for _ in 0..rng.range(1, 3) {
            // The five flexible forms (long-term work is never synthesised).
            let f = *rng.pick(&JobForm::ALL[..5]);
            if !wanted_forms.contains(&f) {
                wanted_forms.push(f);
            }
        }
    }
    let age = rng.range(18, 65) as u32;
    WorkerProfile {
        id: Uuid::from_u64_pair(0x776f_726b_0000_0000 | seed & 0xFFFF_FFFF, i),
        occupations: wanted,
        skills,
        certificates,
        lat: home.lat,
        lon: home.lon,
        radius_km: *rng.pick(&[3.0, 5.0, 5.0, 10.0, 10.0, 15.0, 20.0, 30.0]),
        availability,
        available_from: rng
            .chance(0.3)
            .then(|| BASE_DATE + Duration::days(rng.range(0, 14))),
        expected_pay,
        wanted_forms,
        age: Some(age),
        hard_to_employ: rng.chance(if age >= 50 { 0.25 } else { 0.08 }),
    }
}

/// Piece units by category: (word, pieces a worker does in a day).
const PIECE_UNITS: &[(&str, &[(&str, i64)])] = &[
    ("banyun", &[("车", 6), ("吨", 10), ("箱", 120)]),
    ("nongye", &[("斤", 200), ("亩", 2)]),
    ("zhizao", &[("件", 80)]),
    ("jianzhu", &[("平方米", 8)]),
    ("weixiu", &[("台", 4), ("樘", 5)]),
    ("jiazheng", &[("平方米", 40)]),
];

/// Share of a category's posts paid by the piece.
fn piece_share(category: &str) -> f64 {
    match category {
        "banyun" => 0.25,
        "nongye" => 0.3,
        "zhizao" => 0.25,
        "jianzhu" => 0.15,
        "weixiu" => 0.1,
        "jiazheng" => 0.04,
        _ => 0.0,
    }
}

/// A pay written the ways employers write it (see the module
/// documentation), from a plain rate in the form's usual unit. Draws from
/// its own stream `rng`, so the rest of the post stays as it was.
pub fn vary_pay(base: Pay, form: JobForm, category: &str, hourly: f64, rng: &mut Rng) -> Pay {
    let daily = round_to(hourly * 8.0, 10.0) * 100;
    let roll = rng.unit();
    if roll < 0.02 {
        return Pay::negotiable();
    }
    // Per-order platform work: typical daily earnings about half the time.
    if base.is_piece() {
        return if rng.chance(0.5) {
            base.with_typical_daily(daily)
        } else {
            base
        };
    }
    if rng.chance(piece_share(category))
        && let Some((_, units)) = PIECE_UNITS.iter().find(|(c, _)| *c == category)
    {
        let (word, per_day) = *rng.pick(units);
        // A price per piece so that a day's pieces earn about a day's pay.
        let fen = (daily / per_day).max(10);
        let fen = if fen >= 1000 {
            fen / 100 * 100
        } else {
            fen / 10 * 10
        }
        .max(10);
        let mut pay = Pay::piece(word, fen);
        if rng.chance(0.15) {
            pay.floor = Some(Floor::From);
        }
        if rng.chance(0.5) {
            pay.typical_daily_fen = Some(daily);
        }
        return pay;
    }
    let Some(unit) = base.time_unit() else {
        return base;
    };
    let amount = base.min_fen.unwrap_or(daily);
    let x = rng.unit();
    let mut pay = match (unit, form) {
        (TimeUnit::Day, JobForm::Gig) if x < 0.04 => Pay::time(TimeUnit::HalfDay, amount / 2),
        (TimeUnit::Day, _) if x < 0.07 && matches!(category, "anbao" | "yanglao" | "jiankang") => {
            Pay::time(TimeUnit::Shift, amount)
        }
        (TimeUnit::Day, JobForm::ShortTerm) if x < 0.05 => Pay::time(TimeUnit::Week, amount * 5),
        (TimeUnit::Month, _) if x < 0.06 => Pay::time(
            TimeUnit::Days(26),
            round_to(amount as f64 / 100.0 * 26.0 / 21.75, 100.0) * 100,
        ),
        (TimeUnit::Month, _) if x < 0.26 || category == "lingshou" => {
            let base_pay = round_to(amount as f64 / 100.0 * 0.6, 100.0) * 100;
            let mut p = Pay::time(TimeUnit::Month, base_pay.max(190_000)).with_commission();
            if rng.chance(0.3) {
                p.typical_daily_fen = Some(daily);
            }
            p
        }
        _ => base,
    };
    if pay.commission {
        return pay;
    }
    let y = rng.unit();
    if y < 0.12 {
        // A range: up to 20–40 % more.
        let min = pay.min_fen.unwrap_or(amount);
        let step = if min >= 100_000 { 10_000 } else { 1_000 };
        let max = (min as f64 * (1.2 + 0.2 * rng.unit()) / step as f64).round() as i64 * step;
        if max > min {
            pay.max_fen = Some(max);
        }
    } else if y < 0.16 {
        pay.floor = Some(Floor::From);
    }
    pay
}

/// A lazy, exactly sized iterator over synthetic items.
#[derive(Debug, Clone)]
pub struct Synth<T> {
    seed: u64,
    next: u64,
    end: u64,
    make: fn(u64, u64) -> T,
}

impl<T> Iterator for Synth<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        if self.next >= self.end {
            return None;
        }
        let item = (self.make)(self.seed, self.next);
        self.next += 1;
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = (self.end - self.next) as usize;
        (n, Some(n))
    }
}

impl<T> ExactSizeIterator for Synth<T> {}

/// `n` synthetic posts (lazily).
pub fn jobs(n: usize, seed: u64) -> Synth<JobPost> {
    Synth {
        seed,
        next: 0,
        end: n as u64,
        make: job,
    }
}

/// `n` synthetic worker profiles (lazily).
pub fn workers(n: usize, seed: u64) -> Synth<WorkerProfile> {
    Synth {
        seed,
        next: 0,
        end: n as u64,
        make: worker,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_valid() {
        let a: Vec<JobPost> = jobs(300, 5).collect();
        let b: Vec<JobPost> = jobs(300, 5).collect();
        assert_eq!(a, b);
        assert_eq!(job(5, 17), a[17]);
        let c: Vec<JobPost> = jobs(300, 6).collect();
        assert_ne!(a[0], c[0]);
        for p in &a {
            p.validate().unwrap_or_else(|e| panic!("{}: {e}", p.title));
            assert!(p.within_part_time_limits(), "{p:?}");
            let seat = GeoPoint::of_region(p.county);
            assert!(seat.distance_km(&GeoPoint::new(p.lat, p.lon)) <= 15.01);
            assert!(p.description.chars().count() < 160, "{}", p.description);
        }
        let w: Vec<WorkerProfile> = workers(300, 5).collect();
        assert_eq!(w, workers(300, 5).collect::<Vec<_>>());
        for x in &w {
            assert!(!x.occupations.is_empty());
            assert!(x.occupations.iter().all(|o| occupation(o).is_some()));
        }
    }

    #[test]
    fn pay_comes_in_realistic_forms() {
        let n = 10_000;
        let (mut plain, mut piece, mut range, mut floor, mut commission, mut none, mut typical) =
            (0, 0, 0, 0, 0, 0, 0);
        let mut units = std::collections::BTreeSet::new();
        for p in jobs(n, 11) {
            let pay = &p.pay;
            pay.validate().unwrap();
            assert_eq!(
                Pay::parse(&pay.label()).as_ref(),
                Ok(pay),
                "{}",
                pay.label()
            );
            if let Some(u) = pay.unit_code() {
                units.insert(u);
            }
            match (&pay.basis, pay.min_fen) {
                (None, _) => none += 1,
                (Some(crate::pay::PayBasis::Piece(_)), _) => piece += 1,
                _ if pay.commission => commission += 1,
                _ if pay.max_fen.is_some() => range += 1,
                _ if pay.floor.is_some() => floor += 1,
                _ => plain += 1,
            }
            typical += usize::from(pay.typical_daily_fen.is_some());
        }
        let share = |k: usize| k as f64 / n as f64;
        assert!(share(plain) > 0.6, "plain time rates {}", share(plain));
        assert!(
            (0.04..0.2).contains(&share(piece)),
            "piece {}",
            share(piece)
        );
        assert!(
            (0.05..0.2).contains(&share(range)),
            "ranges {}",
            share(range)
        );
        assert!(
            (0.01..0.08).contains(&share(floor)),
            "floors {}",
            share(floor)
        );
        assert!(
            (0.005..0.08).contains(&share(commission)),
            "commission {}",
            share(commission)
        );
        assert!((0.01..0.04).contains(&share(none)), "面议 {}", share(none));
        assert!(typical > 0);
        for u in [
            "hour", "half_day", "day", "shift", "week", "month", "days", "piece",
        ] {
            assert!(units.contains(u), "{u} never drawn");
        }
    }

    #[test]
    fn weights_follow_population() {
        let total: f64 = county_weights().iter().map(|(_, w)| w).sum();
        assert!((total - 1.0).abs() < 1e-9);
        assert_eq!(county_weights().len(), 117);
        let mut taiyuan = 0;
        let n = 20_000;
        for p in jobs(n, 1) {
            if p.county.parent().map(|c| c.code()) == Some(140100) {
                taiyuan += 1;
            }
        }
        let share = taiyuan as f64 / n as f64;
        assert!((0.13..0.18).contains(&share), "太原 share {share}");
    }
}
