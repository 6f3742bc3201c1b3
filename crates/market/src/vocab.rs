//! The market's vocabulary: how people name and describe work, and what
//! they ask for besides the work itself.
//!
//! One table serves three readers:
//!
//! - **queries** ([`Vocabulary::analyze`]): "小店区找个修水管的活，日结" becomes
//!   the trade 水电工 (from the phrase 修水管), the place 小店区 and the
//!   condition 日结 — concepts, not characters;
//! - **posts** ([`Vocabulary::post_features`]): the trades a post's title and
//!   text name or describe, the conditions it offers (包吃住, 周末, 夜班,
//!   年龄上限 …), indexed next to its words;
//! - **imports** ([`Vocabulary::resolve_trade`]): a trade written in the
//!   employer's own words (快递分拣员, 仓库打包员) resolved to the closest
//!   catalogue trade, or kept in its own words under a category.
//!
//! # Entries
//!
//! | kind | from | example |
//! | --- | --- | --- |
//! | trade name / synonym | the occupation catalogue (`linghuo-domain`) | 母婴护理员, 月嫂 |
//! | trade phrase | the catalogue's everyday descriptions of the work | 修水管, 看孩子 |
//! | category name | the catalogue's categories | 家政服务 |
//! | learned synonym | staff decisions on new-occupation suggestions | added at run time |
//! | place | county and city names, full and short | 小店区, 小店, 太原 |
//! | condition | [`COND_QUERY_CUES`] / [`COND_POST_CUES`] | 日结, 包吃住, 不限年龄 |
//! | filler | [`FILLERS`] | 有没有, 找个, 的活 |
//!
//! Matching is by whole entries, longest first (Aho–Corasick, leftmost
//! longest): 照顾老人 is a trade phrase, not the condition 老人. What no
//! entry covers is tried against the entries of two to six characters by
//! sound (toneless pinyin, every reading of a heteronym, at least one
//! character in common — the usual pinyin-input slip: 保结 → 保洁, 月扫 →
//! 月嫂) and by shape (one character different in an entry of three or
//! more: 快第员 → 快递员); the rest is left to the full-text words.
//!
//! Nothing here depends on a clock or storage: the catalogue is embedded,
//! and learned synonyms are handed in by the service.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock, RwLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use linghuo_domain::{
    Occupation, RegionCode, RegionLevel, all_regions, occupation, occupations, resolve_occupation,
};
use pinyin::ToPinyinMulti;
use serde::Serialize;

use crate::post::{JobForm, JobPost, fold_width};

// ---------------------------------------------------------------------------
// Conditions

/// What a worker asks for besides the trade, and what a post offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cond {
    /// 日结: paid the same day.
    DailyPay,
    /// 周结.
    WeeklyPay,
    /// 管饭 / 包吃.
    Meals,
    /// 包住 / 提供住宿.
    Lodging,
    /// 周末 / 双休日.
    Weekend,
    /// 晚上 / 夜班.
    Evening,
    /// 白天 / 白班 / 不上夜班.
    Daytime,
    /// 兼职 / 小时工 / 非全日制.
    PartTime,
    /// 不限年龄 / 年龄大也可.
    OlderOk,
    /// Suits a woman (阿姨, 宝妈, 限女).
    Female,
    /// Asked for or only for men.
    Male,
    /// 无经验 / 可培训 / 新手.
    NoExperience,
    /// 学生 / 暑假工 / 寒假工.
    Student,
    /// 长期.
    LongTerm,
    /// 临时 / 短期.
    ShortTerm,
    /// 居家 / 线上 / 远程.
    Remote,
    /// 可带娃.
    WithKids,
    /// Open to people with a disability.
    Disabled,
    /// 五险 / 保险.
    Insurance,
    /// 离家近 / 附近 (query only: means "sort by distance").
    Nearby,
    /// 轻松 / 不累.
    Light,
    /// 坐着干 / 坐班: for people who cannot stand or walk long.
    Seated,
}

impl Cond {
    pub const ALL: [Cond; 22] = [
        Cond::DailyPay,
        Cond::WeeklyPay,
        Cond::Meals,
        Cond::Lodging,
        Cond::Weekend,
        Cond::Evening,
        Cond::Daytime,
        Cond::PartTime,
        Cond::OlderOk,
        Cond::Female,
        Cond::Male,
        Cond::NoExperience,
        Cond::Student,
        Cond::LongTerm,
        Cond::ShortTerm,
        Cond::Remote,
        Cond::WithKids,
        Cond::Disabled,
        Cond::Insurance,
        Cond::Nearby,
        Cond::Light,
        Cond::Seated,
    ];

    pub fn bit(self) -> u64 {
        1 << (self as u8)
    }

    /// How the condition is shown: "日结", "包吃", "不限年龄" …
    pub fn label(self) -> &'static str {
        match self {
            Cond::DailyPay => "日结",
            Cond::WeeklyPay => "周结",
            Cond::Meals => "管饭",
            Cond::Lodging => "包住",
            Cond::Weekend => "周末",
            Cond::Evening => "晚上/夜班",
            Cond::Daytime => "白天",
            Cond::PartTime => "兼职",
            Cond::OlderOk => "年龄大也可",
            Cond::Female => "适合女性",
            Cond::Male => "男性",
            Cond::NoExperience => "无需经验",
            Cond::Student => "学生可做",
            Cond::LongTerm => "长期",
            Cond::ShortTerm => "临时/短期",
            Cond::Remote => "居家/远程",
            Cond::WithKids => "可带娃",
            Cond::Disabled => "残疾人可做",
            Cond::Insurance => "有保险",
            Cond::Nearby => "离家近",
            Cond::Light => "活轻松",
            Cond::Seated => "坐着干",
        }
    }

    /// The conditions in a bit set, in [`Cond::ALL`] order.
    pub fn of_bits(bits: u64) -> Vec<Cond> {
        Cond::ALL
            .iter()
            .copied()
            .filter(|c| bits & c.bit() != 0)
            .collect()
    }
}

/// Words in a query that ask for a condition. Longest entries win, so
/// "不上夜班" is daytime and not evening.
pub const COND_QUERY_CUES: &[(&str, &[Cond])] = &[
    ("日结", &[Cond::DailyPay]),
    ("当天结", &[Cond::DailyPay]),
    ("当日结", &[Cond::DailyPay]),
    ("天天结", &[Cond::DailyPay]),
    ("现结", &[Cond::DailyPay]),
    ("日清", &[Cond::DailyPay]),
    ("干一天结一天", &[Cond::DailyPay]),
    ("一天一结", &[Cond::DailyPay]),
    ("当天给钱", &[Cond::DailyPay]),
    ("周结", &[Cond::WeeklyPay]),
    ("一周一结", &[Cond::WeeklyPay]),
    ("包吃住", &[Cond::Meals, Cond::Lodging]),
    ("管吃住", &[Cond::Meals, Cond::Lodging]),
    ("包食宿", &[Cond::Meals, Cond::Lodging]),
    ("管食宿", &[Cond::Meals, Cond::Lodging]),
    ("吃住全包", &[Cond::Meals, Cond::Lodging]),
    ("包吃", &[Cond::Meals]),
    ("管吃", &[Cond::Meals]),
    ("管饭", &[Cond::Meals]),
    ("包饭", &[Cond::Meals]),
    ("供饭", &[Cond::Meals]),
    ("管午饭", &[Cond::Meals]),
    ("包住", &[Cond::Lodging]),
    ("管住", &[Cond::Lodging]),
    ("有宿舍", &[Cond::Lodging]),
    ("提供住宿", &[Cond::Lodging]),
    ("有地方住", &[Cond::Lodging]),
    ("周末", &[Cond::Weekend]),
    ("双休日", &[Cond::Weekend]),
    ("星期六", &[Cond::Weekend]),
    ("星期天", &[Cond::Weekend]),
    ("星期日", &[Cond::Weekend]),
    ("礼拜天", &[Cond::Weekend]),
    ("周六", &[Cond::Weekend]),
    ("周日", &[Cond::Weekend]),
    ("周六日", &[Cond::Weekend]),
    ("晚上", &[Cond::Evening]),
    ("夜班", &[Cond::Evening]),
    ("晚班", &[Cond::Evening]),
    ("夜里", &[Cond::Evening]),
    ("夜间", &[Cond::Evening]),
    ("下班后", &[Cond::Evening, Cond::PartTime]),
    ("下了班", &[Cond::Evening, Cond::PartTime]),
    ("通宵", &[Cond::Evening]),
    ("白天", &[Cond::Daytime]),
    ("白班", &[Cond::Daytime]),
    ("不熬夜", &[Cond::Daytime]),
    ("不用熬夜", &[Cond::Daytime]),
    ("不上夜班", &[Cond::Daytime]),
    ("不要夜班", &[Cond::Daytime]),
    ("不值夜班", &[Cond::Daytime]),
    ("兼职", &[Cond::PartTime]),
    ("业余", &[Cond::PartTime]),
    ("零活", &[Cond::PartTime]),
    ("非全日制", &[Cond::PartTime]),
    ("半天", &[Cond::PartTime]),
    ("几个小时", &[Cond::PartTime]),
    ("两三个小时", &[Cond::PartTime]),
    ("三四个小时", &[Cond::PartTime]),
    ("四五个小时", &[Cond::PartTime]),
    ("孩子上学", &[Cond::PartTime, Cond::Daytime]),
    ("孩子上学了", &[Cond::PartTime, Cond::Daytime]),
    ("不限年龄", &[Cond::OlderOk]),
    ("年龄不限", &[Cond::OlderOk]),
    ("岁数大", &[Cond::OlderOk]),
    ("年纪大", &[Cond::OlderOk]),
    ("年龄大", &[Cond::OlderOk]),
    ("上了年纪", &[Cond::OlderOk]),
    ("上岁数", &[Cond::OlderOk]),
    ("老年人", &[Cond::OlderOk]),
    ("退休", &[Cond::OlderOk]),
    ("退休人员", &[Cond::OlderOk]),
    ("大龄", &[Cond::OlderOk]),
    ("女的", &[Cond::Female]),
    ("女性", &[Cond::Female]),
    ("女工", &[Cond::Female]),
    ("女士", &[Cond::Female]),
    ("女人", &[Cond::Female]),
    ("妇女", &[Cond::Female]),
    ("宝妈", &[Cond::Female, Cond::PartTime]),
    ("全职妈妈", &[Cond::Female, Cond::PartTime]),
    ("男的", &[Cond::Male]),
    ("男性", &[Cond::Male]),
    ("男工", &[Cond::Male]),
    ("没经验", &[Cond::NoExperience]),
    ("没有经验", &[Cond::NoExperience]),
    ("无经验", &[Cond::NoExperience]),
    ("不要经验", &[Cond::NoExperience]),
    ("不需要经验", &[Cond::NoExperience]),
    ("零基础", &[Cond::NoExperience]),
    ("新手", &[Cond::NoExperience]),
    ("啥也不会", &[Cond::NoExperience]),
    ("什么都不会", &[Cond::NoExperience]),
    ("没技术", &[Cond::NoExperience]),
    ("没有技术", &[Cond::NoExperience]),
    ("学生", &[Cond::Student]),
    ("大学生", &[Cond::Student]),
    ("暑假工", &[Cond::Student, Cond::ShortTerm]),
    ("寒假工", &[Cond::Student, Cond::ShortTerm]),
    ("暑假", &[Cond::Student, Cond::ShortTerm]),
    ("寒假", &[Cond::Student, Cond::ShortTerm]),
    ("放假", &[Cond::Student, Cond::ShortTerm]),
    ("长期", &[Cond::LongTerm]),
    ("长期干", &[Cond::LongTerm]),
    ("稳定", &[Cond::LongTerm]),
    ("临时", &[Cond::ShortTerm]),
    ("临时工", &[Cond::ShortTerm]),
    ("短期", &[Cond::ShortTerm]),
    ("短期工", &[Cond::ShortTerm]),
    ("零工", &[Cond::ShortTerm]),
    ("打零工", &[Cond::ShortTerm]),
    ("在家", &[Cond::Remote]),
    ("居家", &[Cond::Remote]),
    ("在家里", &[Cond::Remote]),
    ("线上", &[Cond::Remote]),
    ("网上", &[Cond::Remote]),
    ("远程", &[Cond::Remote]),
    ("手机上", &[Cond::Remote]),
    ("在线", &[Cond::Remote]),
    ("远程办公", &[Cond::Remote]),
    ("居家办公", &[Cond::Remote]),
    ("在家办公", &[Cond::Remote]),
    ("不用出门", &[Cond::Remote]),
    ("带娃", &[Cond::WithKids]),
    ("能带娃", &[Cond::WithKids]),
    ("可带娃", &[Cond::WithKids]),
    ("可以带娃", &[Cond::WithKids]),
    ("带着娃", &[Cond::WithKids]),
    ("带着孩子", &[Cond::WithKids]),
    ("能带孩子", &[Cond::WithKids]),
    ("可以带孩子", &[Cond::WithKids]),
    ("接送孩子", &[Cond::WithKids, Cond::PartTime]),
    ("残疾人", &[Cond::Disabled]),
    ("残疾", &[Cond::Disabled]),
    ("残障", &[Cond::Disabled]),
    ("腿脚不好", &[Cond::Disabled, Cond::Seated]),
    ("聋哑", &[Cond::Disabled]),
    ("五险", &[Cond::Insurance]),
    ("五险一金", &[Cond::Insurance]),
    ("交保险", &[Cond::Insurance]),
    ("上保险", &[Cond::Insurance]),
    ("有保险", &[Cond::Insurance]),
    ("附近", &[Cond::Nearby]),
    ("离家近", &[Cond::Nearby]),
    ("家门口", &[Cond::Nearby]),
    ("离我近", &[Cond::Nearby]),
    ("近一点", &[Cond::Nearby]),
    ("轻松", &[Cond::Light]),
    ("不累", &[Cond::Light]),
    ("轻活", &[Cond::Light]),
    ("不太累", &[Cond::Light]),
    ("简单", &[Cond::Light]),
    ("坐着", &[Cond::Seated]),
    ("坐着干", &[Cond::Seated]),
    ("能坐着", &[Cond::Seated]),
    ("不用站", &[Cond::Seated]),
    ("不用走动", &[Cond::Seated]),
    ("腿不好", &[Cond::Disabled, Cond::Seated]),
    ("腿脚不便", &[Cond::Disabled, Cond::Seated]),
    ("行动不便", &[Cond::Disabled, Cond::Seated]),
    ("坐轮椅", &[Cond::Disabled, Cond::Seated]),
];

/// What in a post's text says it offers a condition. Entries marked
/// negative (`true`) cancel the condition for the rest of the text
/// ("不包吃住", "不管饭").
pub const COND_POST_CUES: &[(&str, &[Cond], bool)] = &[
    ("日结", &[Cond::DailyPay], false),
    ("当天结", &[Cond::DailyPay], false),
    ("当日结", &[Cond::DailyPay], false),
    ("日清", &[Cond::DailyPay], false),
    ("现结", &[Cond::DailyPay], false),
    ("干完结", &[Cond::DailyPay], false),
    ("天天结", &[Cond::DailyPay], false),
    ("一天一结", &[Cond::DailyPay], false),
    ("完工结", &[Cond::DailyPay], false),
    ("周结", &[Cond::WeeklyPay], false),
    ("包吃住", &[Cond::Meals, Cond::Lodging], false),
    ("管吃住", &[Cond::Meals, Cond::Lodging], false),
    ("包食宿", &[Cond::Meals, Cond::Lodging], false),
    ("管食宿", &[Cond::Meals, Cond::Lodging], false),
    ("提供食宿", &[Cond::Meals, Cond::Lodging], false),
    ("吃住全包", &[Cond::Meals, Cond::Lodging], false),
    ("包吃", &[Cond::Meals], false),
    ("管吃", &[Cond::Meals], false),
    ("管饭", &[Cond::Meals], false),
    ("包饭", &[Cond::Meals], false),
    ("供饭", &[Cond::Meals], false),
    ("供餐", &[Cond::Meals], false),
    ("工作餐", &[Cond::Meals], false),
    ("管午饭", &[Cond::Meals], false),
    ("管一顿", &[Cond::Meals], false),
    ("管两顿", &[Cond::Meals], false),
    ("包三餐", &[Cond::Meals], false),
    ("提供三餐", &[Cond::Meals], false),
    ("提供午餐", &[Cond::Meals], false),
    ("免费午餐", &[Cond::Meals], false),
    ("包住", &[Cond::Lodging], false),
    ("管住", &[Cond::Lodging], false),
    ("提供住宿", &[Cond::Lodging], false),
    ("免费住宿", &[Cond::Lodging], false),
    ("有宿舍", &[Cond::Lodging], false),
    ("住家", &[Cond::Lodging], false),
    ("不包吃住", &[Cond::Meals, Cond::Lodging], true),
    ("不管吃住", &[Cond::Meals, Cond::Lodging], true),
    ("不提供食宿", &[Cond::Meals, Cond::Lodging], true),
    ("吃住自理", &[Cond::Meals, Cond::Lodging], true),
    ("不包吃", &[Cond::Meals], true),
    ("不管饭", &[Cond::Meals], true),
    ("不包住", &[Cond::Lodging], true),
    ("不管住", &[Cond::Lodging], true),
    ("不提供住宿", &[Cond::Lodging], true),
    ("不住家", &[Cond::Lodging], true),
    ("住宿自理", &[Cond::Lodging], true),
    ("周末", &[Cond::Weekend], false),
    ("双休日", &[Cond::Weekend], false),
    ("周六日", &[Cond::Weekend], false),
    ("节假日", &[Cond::Weekend], false),
    ("晚上", &[Cond::Evening], false),
    ("夜班", &[Cond::Evening], false),
    ("晚班", &[Cond::Evening], false),
    ("夜间", &[Cond::Evening], false),
    ("值夜", &[Cond::Evening], false),
    ("通宵", &[Cond::Evening], false),
    ("夜宵", &[Cond::Evening], false),
    ("白班", &[Cond::Daytime], false),
    ("只上白班", &[Cond::Daytime], false),
    ("不上夜班", &[Cond::Daytime], false),
    ("无夜班", &[Cond::Daytime], false),
    ("兼职", &[Cond::PartTime], false),
    ("小时工", &[Cond::PartTime], false),
    ("钟点工", &[Cond::PartTime], false),
    ("非全日制", &[Cond::PartTime], false),
    ("半天", &[Cond::PartTime], false),
    ("时间自由", &[Cond::PartTime], false),
    ("时间灵活", &[Cond::PartTime], false),
    ("不限年龄", &[Cond::OlderOk], false),
    ("年龄不限", &[Cond::OlderOk], false),
    ("年龄大也可", &[Cond::OlderOk], false),
    ("年龄大的也可", &[Cond::OlderOk], false),
    ("年龄可放宽", &[Cond::OlderOk], false),
    ("退休人员", &[Cond::OlderOk], false),
    ("大龄", &[Cond::OlderOk], false),
    ("限女", &[Cond::Female], false),
    ("女性", &[Cond::Female], false),
    ("女士", &[Cond::Female], false),
    ("女工", &[Cond::Female], false),
    ("阿姨", &[Cond::Female], false),
    ("大姐", &[Cond::Female], false),
    ("宝妈", &[Cond::Female, Cond::PartTime], false),
    ("男女不限", &[Cond::Female, Cond::Male], false),
    ("限男", &[Cond::Male], false),
    ("男性", &[Cond::Male], false),
    ("男士", &[Cond::Male], false),
    ("男工", &[Cond::Male], false),
    ("大哥", &[Cond::Male], false),
    ("无经验", &[Cond::NoExperience], false),
    ("经验不限", &[Cond::NoExperience], false),
    ("不需要经验", &[Cond::NoExperience], false),
    ("无需经验", &[Cond::NoExperience], false),
    ("不要求经验", &[Cond::NoExperience], false),
    ("零基础", &[Cond::NoExperience], false),
    ("可培训", &[Cond::NoExperience], false),
    ("免费培训", &[Cond::NoExperience], false),
    ("带教", &[Cond::NoExperience], false),
    ("有人带", &[Cond::NoExperience], false),
    ("新手", &[Cond::NoExperience], false),
    ("会干就行", &[Cond::NoExperience], false),
    ("学生", &[Cond::Student], false),
    ("暑假工", &[Cond::Student, Cond::ShortTerm], false),
    ("寒假工", &[Cond::Student, Cond::ShortTerm], false),
    ("暑期", &[Cond::Student, Cond::ShortTerm], false),
    ("假期工", &[Cond::Student, Cond::ShortTerm], false),
    ("长期", &[Cond::LongTerm], false),
    ("常年", &[Cond::LongTerm], false),
    ("稳定", &[Cond::LongTerm], false),
    ("临时", &[Cond::ShortTerm], false),
    ("短期", &[Cond::ShortTerm], false),
    ("干几天", &[Cond::ShortTerm], false),
    ("居家", &[Cond::Remote], false),
    ("在家", &[Cond::Remote], false),
    ("线上", &[Cond::Remote], false),
    ("远程", &[Cond::Remote], false),
    ("网上", &[Cond::Remote], false),
    ("手机操作", &[Cond::Remote], false),
    ("在线", &[Cond::Remote], false),
    ("远程办公", &[Cond::Remote], false),
    ("居家办公", &[Cond::Remote], false),
    ("可带娃", &[Cond::WithKids], false),
    ("能带娃", &[Cond::WithKids], false),
    ("可以带娃", &[Cond::WithKids], false),
    ("可带孩子", &[Cond::WithKids], false),
    ("可以带孩子", &[Cond::WithKids], false),
    ("宝妈优先", &[Cond::WithKids, Cond::Female], false),
    ("残疾人", &[Cond::Disabled], false),
    ("残疾朋友", &[Cond::Disabled], false),
    ("助残", &[Cond::Disabled], false),
    ("聋哑", &[Cond::Disabled], false),
    ("五险", &[Cond::Insurance], false),
    ("社保", &[Cond::Insurance], false),
    ("意外险", &[Cond::Insurance], false),
    ("工伤保险", &[Cond::Insurance], false),
    ("保险", &[Cond::Insurance], false),
    ("轻松", &[Cond::Light], false),
    ("坐着", &[Cond::Seated, Cond::Light], false),
    ("坐班", &[Cond::Seated, Cond::Light], false),
    ("不用站", &[Cond::Seated, Cond::Light], false),
    ("活不重", &[Cond::Light], false),
    ("不重", &[Cond::Light], false),
    ("不费力", &[Cond::Light], false),
    ("腿脚不便", &[Cond::Seated, Cond::Disabled], false),
    ("腿脚不好", &[Cond::Seated, Cond::Disabled], false),
    ("不累", &[Cond::Light], false),
    ("活轻", &[Cond::Light], false),
];

/// Words of a query that carry no meaning for the search: how people
/// ask, not what they ask for. Removed before anything else is read.
pub const FILLERS: &[&str] = &[
    "有没有",
    "有无",
    "哪里有",
    "哪儿有",
    "哪有",
    "在哪",
    "在哪里",
    "哪里招",
    "哪招",
    "谁家",
    "谁招",
    "想找",
    "找个",
    "找份",
    "找一个",
    "找一份",
    "找点",
    "找找",
    "招不招",
    "要不要",
    "要人",
    "招人",
    "我想",
    "我要",
    "想干",
    "想做",
    "能干",
    "能做",
    "会干",
    "可以干",
    "可以做",
    "能不能",
    "还能",
    "什么",
    "啥",
    "哪些",
    "之类",
    "一类",
    "这种",
    "那种",
    "的活",
    "的活儿",
    "活儿",
    "干活",
    "工作",
    "岗位",
    "职位",
    "上班",
    "找活",
    "找工作",
    "求职",
    "招聘",
    "急招",
    "诚聘",
    "这边",
    "那边",
    "一带",
    "周边",
    "本地",
    "谢谢",
    "请问",
    "麻烦",
    "帮我",
    "帮忙找",
    "给我",
    "看看",
    "推荐",
    "一下",
    "有活",
    "活吗",
    "吗",
    "呢",
    "吧",
    "啊",
    "呀",
    "了",
    "的",
    "我",
    "想",
    "找",
    "要",
    "能",
    "会",
    "干",
    "做",
    "去",
    "在",
    "有",
    "个",
    "份",
    "点",
    "还",
    "也",
    "都",
    "是",
    "就",
    "和",
    "或",
    "跟",
    "人",
];

// ---------------------------------------------------------------------------
// Age

/// Ages a post accepts, from its text: "年龄18-50岁", "55岁以下",
/// "60周岁以内", "不限年龄". `max` 0 = not said, 255 = no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AgeRange {
    pub min: u8,
    pub max: u8,
}

pub const AGE_NOT_SAID: u8 = 0;
pub const AGE_NO_LIMIT: u8 = 255;

/// Chinese or Arabic digits at the start of `s` as a number 1..=99, with
/// the number of chars read: "55", "五十五", "五十", "六十", "十八".
fn leading_number(s: &[char]) -> Option<(u32, usize)> {
    let digits: String = s.iter().take_while(|c| c.is_ascii_digit()).collect();
    if !digits.is_empty() {
        return digits
            .parse::<u32>()
            .ok()
            .filter(|n| *n < 1000)
            .map(|n| (n, digits.chars().count()));
    }
    let d = |c: char| -> Option<u32> {
        Some(match c {
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    match (s.first().copied(), s.get(1).copied(), s.get(2).copied()) {
        (Some('十'), Some(b), _) if d(b).is_some() => Some((10 + d(b)?, 2)),
        (Some('十'), _, _) => Some((10, 1)),
        (Some(a), Some('十'), Some(b)) if d(a).is_some() && d(b).is_some() => {
            Some((d(a)? * 10 + d(b)?, 3))
        }
        (Some(a), Some('十'), _) if d(a).is_some() => Some((d(a)? * 10, 2)),
        _ => None,
    }
}

/// Numbers followed by 岁/周岁 (or "了" in a query), in order, with what
/// follows each: `(value, rest of the text)`.
fn age_mentions(chars: &[char], query: bool) -> Vec<(u32, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some((n, len)) = leading_number(&chars[i..]) {
            // Not the tail of a longer number.
            let fresh = i == 0
                || !(chars[i - 1].is_ascii_digit()
                    || "一二三四五六七八九十两".contains(chars[i - 1]));
            let mut j = i + len;
            while j < chars.len() && (chars[j] == '多' || chars[j] == '来' || chars[j] == '几') {
                j += 1;
            }
            let unit = chars.get(j).copied();
            let unit2 = chars.get(j + 1).copied();
            let is_age = matches!(unit, Some('岁'))
                || (unit == Some('周') && unit2 == Some('岁'))
                || (query && unit == Some('了') && (16..=80).contains(&n));
            if fresh && is_age && (14..=90).contains(&n) {
                let end = if unit == Some('周') { j + 2 } else { j + 1 };
                out.push((n, i, end));
                i = end;
                continue;
            }
            i += len;
        } else {
            i += 1;
        }
    }
    out
}

/// The ages a post accepts, from its text.
pub fn post_age_range(text: &str) -> AgeRange {
    let t: String = text.chars().map(fold_width).collect();
    if t.contains("不限年龄") || t.contains("年龄不限") {
        return AgeRange {
            min: 0,
            max: AGE_NO_LIMIT,
        };
    }
    let chars: Vec<char> = t.chars().collect();
    let mut range = AgeRange::default();
    // "18-50岁", "18至50周岁": the first number has no 岁 of its own.
    for (n, start, end) in age_mentions(&chars, false) {
        let before: String = chars[start.saturating_sub(3)..start].iter().collect();
        let after: String = chars[end..(end + 3).min(chars.len())].iter().collect();
        let joined_range = before.ends_with(['-', '~', '—', '至', '到']);
        if joined_range {
            // Look back for the lower bound.
            let head: Vec<char> = chars[..start.saturating_sub(1)].to_vec();
            let digits_from = head
                .iter()
                .rposition(|c| !c.is_ascii_digit())
                .map_or(0, |p| p + 1);
            let low: String = head[digits_from..].iter().collect();
            if let Ok(low) = low.parse::<u8>()
                && (14..=90).contains(&low)
            {
                range.min = low;
            }
            range.max = u8::try_from(n).unwrap_or(AGE_NO_LIMIT);
        } else if after.starts_with("以上") && !after.starts_with("以上也") {
            range.min = u8::try_from(n).unwrap_or(0);
        } else if after.starts_with("以上也") || after.starts_with("也可") {
            range.max = AGE_NO_LIMIT;
        } else if after.starts_with("以下") || after.starts_with("以内") || after.starts_with("内")
        {
            range.max = u8::try_from(n).unwrap_or(AGE_NO_LIMIT);
        } else if range.max == AGE_NOT_SAID && before.contains("年龄") {
            // "年龄45岁" alone reads as an upper bound.
            range.max = u8::try_from(n).unwrap_or(AGE_NO_LIMIT);
        }
    }
    range
}

// ---------------------------------------------------------------------------
// The vocabulary

/// What an entry means.
#[derive(Debug, Clone, PartialEq)]
enum Meaning {
    /// A trade (or a category): code and how sure (1 = its name or a
    /// synonym, less for a phrase).
    Trade(&'static str, f32),
    Conds(u64),
    /// One or more regions with this name (short names can be ambiguous).
    Place(Vec<RegionCode>),
    /// An everyday word for a family of trades (开车 → every kind of 司机).
    Generic(&'static str),
    Filler,
}

/// How a trade was recognised in a query or a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TradeHow {
    /// Its name, a synonym, or a learned synonym.
    Name,
    /// An everyday description of the work (修水管).
    Phrase,
    /// A category name (家政服务).
    Category,
    /// A near spelling: same sound or one character off.
    Corrected,
}

/// A trade the query asks for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryTrade {
    pub code: &'static str,
    /// The words of the query it came from.
    pub surface: String,
    pub how: TradeHow,
    /// When corrected: the catalogue word the query was read as.
    pub read_as: Option<String>,
    pub weight: f32,
}

/// What a search text asks for, read as concepts.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QueryPlan {
    pub trades: Vec<QueryTrade>,
    /// Conditions ([`Cond::bit`]s).
    pub conds: u64,
    /// Places named (counties or cities).
    pub places: Vec<RegionCode>,
    /// Words left for full-text matching (no fillers, no single characters
    /// unless nothing else is left).
    pub words: Vec<String>,
    /// Single characters that were left over (used only when nothing else
    /// finds anything).
    pub chars: Vec<String>,
    /// The asker's age, when said ("五十多岁", "我55了").
    pub age: Option<u8>,
    /// Categories of the kinds of place named (工地 → 建筑装修): a boost for
    /// work of that kind (the word itself is searched like any word).
    pub settings: Vec<&'static str>,
}

impl QueryPlan {
    pub fn is_empty(&self) -> bool {
        self.trades.is_empty()
            && self.settings.is_empty()
            && self.conds == 0
            && self.places.is_empty()
            && self.words.is_empty()
            && self.age.is_none()
    }

    pub fn has(&self, c: Cond) -> bool {
        self.conds & c.bit() != 0
    }

    /// "按“修水管”找：水电工；地点：小店区；条件：日结" — how the query was
    /// understood, for the result page.
    pub fn understanding(&self) -> String {
        let mut parts = Vec::new();
        let mut trades: Vec<String> = Vec::new();
        let mut surfaces: Vec<&str> = Vec::new();
        for t in &self.trades {
            // One name per word of the query (保洁 also stands for its kinds).
            if surfaces.contains(&t.surface.as_str()) {
                continue;
            }
            surfaces.push(&t.surface);
            let Some(o) = occupation(t.code) else {
                continue;
            };
            let text = match (t.how, &t.read_as) {
                (TradeHow::Corrected, Some(r)) => format!("{}（按“{}”理解）", o.name, r),
                (TradeHow::Phrase, _) => format!("{}（“{}”）", o.name, t.surface),
                _ => o.name.to_string(),
            };
            if !trades.contains(&text) {
                trades.push(text);
            }
        }
        if !trades.is_empty() {
            parts.push(format!("工种：{}", trades.join("、")));
        }
        if !self.places.is_empty() {
            let names: Vec<&str> = self.places.iter().map(|p| p.name()).collect();
            parts.push(format!("地点：{}", names.join("、")));
        }
        let mut conds: Vec<String> = Cond::of_bits(self.conds)
            .into_iter()
            .map(|c| c.label().to_string())
            .collect();
        if let Some(a) = self.age {
            conds.push(format!("{a}岁可做"));
        }
        if !conds.is_empty() {
            parts.push(format!("条件：{}", conds.join("、")));
        }
        if !self.words.is_empty() {
            parts.push(format!("关键词：{}", self.words.join(" ")));
        }
        parts.join("；")
    }
}

/// What a post's text says, beyond its catalogue trade.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostFeatures {
    /// Trades its title (and own trade words) name or describe, whole.
    pub title_trades: Vec<&'static str>,
    /// Trades named inside longer words of the title, or in the
    /// description and skills.
    pub text_trades: Vec<&'static str>,
    pub conds: u64,
    pub age: AgeRange,
}

/// How an imported or typed trade was resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TradeResolution {
    /// The catalogue code: a trade, or a category when only the kind of
    /// work is clear.
    pub code: &'static str,
    pub how: ResolutionHow,
    /// The employer's own words, when they are not a catalogue name or
    /// synonym (kept on the post and collected as a suggestion).
    pub own_words: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolutionHow {
    /// A code, name or synonym of the catalogue.
    Exact,
    /// A learned synonym (a staff decision).
    Learned,
    /// The closest trade by the words of the trade, title and description.
    Closest,
    /// Only the category could be told.
    Category,
    /// Nothing matched: the catch-all category.
    Unknown,
}

struct Entry {
    meaning: Meaning,
}

/// Sound and shape keys of the trade words, for near spellings.
struct NearIndex {
    /// Toneless pinyin of the whole word (first reading of each character)
    /// → (word, code).
    by_sound: HashMap<String, Vec<(String, &'static str)>>,
    /// The word with one character replaced by `*` → (word, code); words of
    /// three or more characters.
    by_shape: HashMap<String, Vec<(String, &'static str)>>,
}

/// The table built from the catalogue, the regions and the cue lists.
pub struct Vocabulary {
    patterns: Vec<String>,
    entries: Vec<Entry>,
    /// Leftmost-longest over every entry, for queries.
    query_matcher: AhoCorasick,
    /// Leftmost-longest over trade words and post cues, for post texts.
    post_matcher: AhoCorasick,
    post_entries: Vec<PostEntry>,
    /// Overlapping over trade words only (trades inside longer words).
    trade_matcher: AhoCorasick,
    trade_codes: Vec<&'static str>,
    near: NearIndex,
    /// A trade name or synonym → the other trades whose names or synonyms
    /// contain it (保洁 → 家庭保洁员, 物业保洁员, 开荒保洁员 …): a generic word
    /// asks for all of them.
    narrower: HashMap<String, Vec<&'static str>>,
    /// Every inner part (two characters or more) of a trade name or synonym →
    /// the trades named with it (司机 → 货车司机, 网约车司机 …).
    inside: HashMap<String, Vec<&'static str>>,
    /// Learned synonyms from staff decisions: word → code.
    learned: RwLock<Arc<HashMap<String, &'static str>>>,
}

#[derive(Debug, Clone, Copy)]
enum PostEntry {
    Trade(&'static str),
    Cue(u64, bool),
}

impl std::fmt::Debug for Vocabulary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vocabulary")
            .field("entries", &self.entries.len())
            .finish_non_exhaustive()
    }
}

static SHARED: LazyLock<Arc<Vocabulary>> = LazyLock::new(|| Arc::new(Vocabulary::build()));

/// Lower-cases and folds width; other punctuation becomes a space so no
/// entry matches across it.
pub fn normalize(text: &str) -> String {
    text.chars()
        .map(fold_width)
        .map(|c| {
            if c.is_alphanumeric() || ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '㎡' {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                ' '
            }
        })
        .collect()
}

/// The everyday phrases of a trade. The catalogue carries them from its
/// data file; kept behind one function so the vocabulary reads them in
/// one place.
fn phrases_of(o: &Occupation) -> &'static [&'static str] {
    o.phrases
}

/// Toneless pinyin readings of a character (several for a heteronym).
fn readings(c: char) -> Vec<&'static str> {
    match c.to_pinyin_multi() {
        Some(multi) => {
            let mut v: Vec<&'static str> = multi.into_iter().map(|p| p.plain()).collect();
            v.dedup();
            v
        }
        None => Vec::new(),
    }
}

fn first_reading_key(word: &str) -> Option<String> {
    let mut key = String::new();
    for c in word.chars() {
        let r = readings(c);
        key.push_str(r.first()?);
        key.push(' ');
    }
    Some(key)
}

impl Vocabulary {
    /// The process-wide vocabulary (built on first use, about 50 ms).
    pub fn shared() -> Arc<Vocabulary> {
        SHARED.clone()
    }

    fn build() -> Vocabulary {
        let mut map: HashMap<String, Meaning> = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        let mut put = |word: &str, meaning: Meaning, map: &mut HashMap<String, Meaning>| {
            let w = normalize(word).replace(' ', "");
            if w.chars().count() < 2 && !matches!(meaning, Meaning::Filler) {
                return;
            }
            if w.is_empty() {
                return;
            }
            match map.get(&w) {
                // Trades beat everything; the first trade keeps a word.
                Some(Meaning::Trade(..)) => {}
                Some(_) if !matches!(meaning, Meaning::Trade(..)) => {}
                _ => {
                    if !map.contains_key(&w) {
                        order.push(w.clone());
                    }
                    map.insert(w, meaning);
                }
            }
        };
        for o in occupations() {
            if o.is_category() {
                put(o.name, Meaning::Trade(o.code, 0.6), &mut map);
                continue;
            }
            put(o.name, Meaning::Trade(o.code, 1.0), &mut map);
            for s in o.synonyms {
                put(s, Meaning::Trade(o.code, 1.0), &mut map);
            }
            for p in phrases_of(o) {
                put(p, Meaning::Trade(o.code, 0.9), &mut map);
            }
        }
        // Places: full names and short stems; a stem shared by several
        // regions (城区) is ambiguous and only its full forms count.
        let mut places: HashMap<String, Vec<RegionCode>> = HashMap::new();
        for r in all_regions() {
            if r.level() == RegionLevel::Province {
                continue;
            }
            let name = r.name();
            places.entry(name.to_string()).or_default().push(r);
            for suffix in ["市", "区", "县"] {
                if let Some(stem) = name.strip_suffix(suffix)
                    && stem.chars().count() >= 2
                {
                    places.entry(stem.to_string()).or_default().push(r);
                }
            }
            if r.level() == RegionLevel::County
                && let Some(city) = r.parent()
            {
                let city_stem = city.name().trim_end_matches('市');
                places
                    .entry(format!("{}{}", city.name(), name))
                    .or_default()
                    .push(r);
                places
                    .entry(format!("{city_stem}{name}"))
                    .or_default()
                    .push(r);
            }
        }
        let mut place_words: Vec<(String, Vec<RegionCode>)> = places.into_iter().collect();
        place_words.sort_by(|a, b| a.0.cmp(&b.0));
        for (w, codes) in place_words {
            if codes.len() == 1 || codes.iter().all(|c| c.level() == RegionLevel::City) {
                put(&w, Meaning::Place(codes), &mut map);
            }
        }
        for (w, conds) in COND_QUERY_CUES {
            let bits = conds.iter().fold(0, |b, c| b | c.bit());
            put(w, Meaning::Conds(bits), &mut map);
        }
        for (w, target) in GENERIC_WORDS {
            put(w, Meaning::Generic(target), &mut map);
        }
        for w in FILLERS {
            put(w, Meaning::Filler, &mut map);
        }
        let patterns: Vec<String> = order;
        let entries: Vec<Entry> = patterns
            .iter()
            .map(|p| Entry {
                meaning: map[p].clone(),
            })
            .collect();
        let query_matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("vocabulary patterns build");

        // Post side: trade words (not categories) and the post cues.
        let mut post_patterns: Vec<String> = Vec::new();
        let mut post_entries: Vec<PostEntry> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut trade_codes = Vec::new();
        let mut trade_patterns = Vec::new();
        for (p, e) in patterns.iter().zip(&entries) {
            if let Meaning::Trade(code, _) = e.meaning
                && !occupation(code).is_some_and(|o| o.is_category())
                && seen.insert(p.clone())
            {
                post_patterns.push(p.clone());
                post_entries.push(PostEntry::Trade(code));
                trade_patterns.push(p.clone());
                trade_codes.push(code);
            }
        }
        for (w, conds, negative) in COND_POST_CUES {
            let w = normalize(w).replace(' ', "");
            if seen.insert(w.clone()) {
                post_patterns.push(w);
                post_entries.push(PostEntry::Cue(
                    conds.iter().fold(0, |b, c| b | c.bit()),
                    *negative,
                ));
            }
        }
        let post_matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&post_patterns)
            .expect("post patterns build");
        let trade_matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&trade_patterns)
            .expect("trade patterns build");

        let mut near = NearIndex {
            by_sound: HashMap::new(),
            by_shape: HashMap::new(),
        };
        for (p, code) in trade_patterns.iter().zip(&trade_codes) {
            let n = p.chars().count();
            if !(2..=6).contains(&n) || !p.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
                continue;
            }
            if let Some(key) = first_reading_key(p) {
                near.by_sound
                    .entry(key)
                    .or_default()
                    .push((p.clone(), *code));
            }
            if n >= 3 {
                let chars: Vec<char> = p.chars().collect();
                for i in 0..n {
                    let mut k = chars.clone();
                    k[i] = '*';
                    near.by_shape
                        .entry(k.into_iter().collect())
                        .or_default()
                        .push((p.clone(), *code));
                }
            }
        }
        let mut names: Vec<(String, &'static str)> = Vec::new();
        for o in occupations().iter().filter(|o| !o.is_category()) {
            for w in std::iter::once(&o.name).chain(o.synonyms.iter()) {
                names.push((normalize(w).replace(' ', ""), o.code));
            }
        }
        // Every inner part of every name → the trades whose names have it.
        let mut inside: HashMap<String, Vec<&'static str>> = HashMap::new();
        for (w, code) in &names {
            let chars: Vec<char> = w.chars().collect();
            for i in 0..chars.len() {
                for j in i + 2..=chars.len() {
                    if j - i == chars.len() {
                        continue;
                    }
                    let part: String = chars[i..j].iter().collect();
                    let list = inside.entry(part).or_default();
                    if !list.contains(code) {
                        list.push(code);
                    }
                }
            }
        }
        let mut narrower: HashMap<String, Vec<&'static str>> = HashMap::new();
        for (w, owner) in &names {
            if let Some(codes) = inside.get(w) {
                let list: Vec<&'static str> =
                    codes.iter().copied().filter(|c| c != owner).collect();
                if !list.is_empty() {
                    narrower.insert(w.clone(), list);
                }
            }
        }
        Vocabulary {
            narrower,
            inside,
            patterns,
            entries,
            query_matcher,
            post_matcher,
            post_entries,
            trade_matcher,
            trade_codes,
            near,
            learned: RwLock::new(Arc::new(HashMap::new())),
        }
    }

    /// Number of entries (trade words, places, cues, fillers).
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Replaces the learned synonyms (word → trade code) with the current
    /// staff decisions. Unknown codes and words already in the catalogue
    /// are ignored.
    pub fn set_learned(&self, words: impl IntoIterator<Item = (String, String)>) {
        let mut map = HashMap::new();
        for (w, code) in words {
            let w = normalize(&w).replace(' ', "");
            if w.chars().count() < 2 {
                continue;
            }
            if let Some(o) = occupation(&code) {
                map.insert(w, o.code);
            }
        }
        *self.learned.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(map);
    }

    /// Adds learned synonyms (word → trade code) to the ones already held, as staff decide
    /// them. Decisions are final, so adding is enough: several servers (or tests) sharing
    /// the process-wide vocabulary never take back each other's words. Unknown codes,
    /// single characters and words the catalogue already names are ignored. Returns how
    /// many words were new.
    pub fn add_learned(&self, words: impl IntoIterator<Item = (String, String)>) -> usize {
        let mut fresh = Vec::new();
        for (w, code) in words {
            let w = normalize(&w).replace(' ', "");
            if w.chars().count() < 2 || resolve_occupation(&w).is_some() {
                continue;
            }
            if let Some(o) = occupation(&code).filter(|o| !o.is_category()) {
                fresh.push((w, o.code));
            }
        }
        let mut slot = self.learned.write().unwrap_or_else(|p| p.into_inner());
        let mut map = (**slot).clone();
        let mut added = 0;
        for (w, code) in fresh {
            if map.insert(w, code) != Some(code) {
                added += 1;
            }
        }
        if added > 0 {
            *slot = Arc::new(map);
        }
        added
    }

    /// The learned synonyms held now (word → trade code).
    pub fn learned_words(&self) -> Vec<(String, &'static str)> {
        let mut v: Vec<(String, &'static str)> = self
            .learned()
            .iter()
            .map(|(w, c)| (w.clone(), *c))
            .collect();
        v.sort();
        v
    }

    fn learned(&self) -> Arc<HashMap<String, &'static str>> {
        self.learned
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Reads a search text as trades, places, conditions and words.
    pub fn analyze(&self, text: &str) -> QueryPlan {
        self.analyze_with(text, true)
    }

    /// As [`Vocabulary::analyze`]; `near` also reads near spellings of trade
    /// words (for what people type, not for what employers wrote at length).
    fn analyze_with(&self, text: &str, near: bool) -> QueryPlan {
        let mut plan = QueryPlan::default();
        let norm = normalize(text);
        let learned = self.learned();
        for segment in norm.split(' ').filter(|s| !s.is_empty()) {
            self.analyze_segment(segment, &learned, near, &mut plan);
        }
        // Age said as a number ("五十多岁", "我55了").
        let chars: Vec<char> = norm.chars().collect();
        if let Some((n, _, _)) = age_mentions(&chars, true).first() {
            plan.age = u8::try_from(*n).ok();
            if *n >= 45 {
                plan.conds |= Cond::OlderOk.bit();
            }
        }
        // A trade named twice (a name and a phrase) counts once, at its best.
        let mut trades: Vec<QueryTrade> = Vec::new();
        for t in plan.trades.drain(..) {
            match trades.iter_mut().find(|x| x.code == t.code) {
                Some(x) if x.weight < t.weight => *x = t,
                Some(_) => {}
                None => trades.push(t),
            }
        }
        plan.trades = trades;
        plan.places.dedup();
        // A city and a county in it (太原小店) ask for the county.
        let named = plan.places.clone();
        plan.places
            .retain(|p| !named.iter().any(|q| q != p && q.is_within(p)));
        if plan.words.is_empty()
            && plan.trades.is_empty()
            && plan.conds == 0
            && plan.places.is_empty()
        {
            plan.words = std::mem::take(&mut plan.chars);
        }
        plan
    }

    fn analyze_segment(
        &self,
        segment: &str,
        learned: &HashMap<String, &'static str>,
        near: bool,
        plan: &mut QueryPlan,
    ) {
        // Learned synonyms first: staff taught the platform these words.
        let mut covered = vec![false; segment.len()];
        for (w, code) in learned.iter() {
            let mut from = 0;
            while let Some(pos) = segment[from..].find(w.as_str()) {
                let start = from + pos;
                let end = start + w.len();
                if !covered[start..end].iter().any(|c| *c) {
                    covered[start..end].iter_mut().for_each(|c| *c = true);
                    plan.trades.push(QueryTrade {
                        code,
                        surface: w.clone(),
                        how: TradeHow::Name,
                        read_as: None,
                        weight: 1.0,
                    });
                }
                from = end;
            }
        }
        let mut gaps: Vec<(usize, usize)> = Vec::new();
        let mut at = 0;
        for m in self.query_matcher.find_iter(segment) {
            if covered[m.start()..m.end()].iter().any(|c| *c) {
                continue;
            }
            if m.start() > at {
                gaps.push((at, m.start()));
            }
            at = m.end();
            let surface = &segment[m.start()..m.end()];
            match &self.entries[m.pattern().as_usize()].meaning {
                Meaning::Trade(code, weight) => {
                    let is_category = occupation(code).is_some_and(|o| o.is_category());
                    let is_phrase = *weight < 1.0 && !is_category;
                    plan.trades.push(QueryTrade {
                        code,
                        surface: surface.to_string(),
                        how: if is_category {
                            TradeHow::Category
                        } else if is_phrase {
                            TradeHow::Phrase
                        } else {
                            TradeHow::Name
                        },
                        read_as: None,
                        weight: *weight,
                    });
                    if !is_phrase && !is_category {
                        for narrower in self.narrower.get(surface).into_iter().flatten() {
                            plan.trades.push(QueryTrade {
                                code: narrower,
                                surface: surface.to_string(),
                                how: TradeHow::Name,
                                read_as: None,
                                weight: NARROWER_WEIGHT,
                            });
                        }
                    }
                }
                Meaning::Conds(bits) => plan.conds |= bits,
                Meaning::Generic(target) => self.push_family(target, surface, plan),
                Meaning::Place(codes) => plan.places.extend(codes.iter().copied()),
                Meaning::Filler => {}
            }
        }
        if at < segment.len() {
            gaps.push((at, segment.len()));
        }
        // Gaps from the learned pass are not gaps.
        for (from, to) in gaps {
            let text = &segment[from..to];
            if covered[from..to].iter().all(|c| *c) {
                continue;
            }
            self.read_gap(text, near, plan);
        }
    }

    /// Text no entry covers: near spellings of trade words, then words.
    fn read_gap(&self, text: &str, near: bool, plan: &mut QueryPlan) {
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        let mut rest = String::new();
        let mut rests: Vec<String> = Vec::new();
        while i < chars.len() {
            let mut found = None;
            let longest = if near { 6.min(chars.len() - i) } else { 0 };
            // Two characters only when they are the whole unknown word (but
            // for a trade suffix): inside a longer word a two-character
            // sound-alike is too often another word (洗煤厂 is not 洗眉).
            let core = chars.len()
                - chars
                    .iter()
                    .rev()
                    .take_while(|c| "工员师手".contains(**c))
                    .count();
            for len in (2..=longest).rev() {
                if len == 2 && core > 2 {
                    continue;
                }
                let cand: String = chars[i..i + len].iter().collect();
                if let Some((word, code)) = self.near_word(&cand) {
                    found = Some((len, cand, word, code));
                    break;
                }
            }
            // A verb that names the work whatever follows (摘山楂), when no
            // near spelling of a whole word was found (摘平果 is 摘苹果).
            if found.is_none()
                && let Some(code) = verb_rule(&chars[i..])
            {
                if !rest.is_empty() {
                    rests.push(std::mem::take(&mut rest));
                }
                let len = 2.min(chars.len() - i);
                plan.trades.push(QueryTrade {
                    code,
                    surface: chars[i..i + len].iter().collect(),
                    how: TradeHow::Phrase,
                    read_as: None,
                    weight: 0.8,
                });
                i += len;
                continue;
            }
            match found {
                Some((len, cand, word, code)) => {
                    if !rest.is_empty() {
                        rests.push(std::mem::take(&mut rest));
                    }
                    plan.trades.push(QueryTrade {
                        code,
                        surface: cand,
                        how: TradeHow::Corrected,
                        read_as: Some(word),
                        weight: 0.8,
                    });
                    i += len;
                }
                None => {
                    rest.push(chars[i]);
                    i += 1;
                }
            }
        }
        if !rest.is_empty() {
            rests.push(rest);
        }
        let mut places_of_work: Vec<String> = Vec::new();
        for r in rests {
            // Digits and ages are read elsewhere.
            let r: String = r.chars().filter(|c| !c.is_ascii_digit()).collect();
            for w in crate::segmentation::Segmenter::shared().query_words(&r) {
                let n = w.chars().count();
                // A kind of place (工地, 饭店, 果园) says where, not what: a
                // word to find, and a boost for work of its kind.
                let setting = SETTINGS.iter().find(|(k, _)| *k == w);
                if n >= 2
                    && let Some((_, category)) = setting
                    && occupation(category).is_some()
                    && !plan.settings.contains(category)
                {
                    plan.settings.push(category);
                }
                // A word that several trades are named with (司机, 分拣) asks
                // for all of them. A kind of place does only when nothing else
                // says what the work is (工地活): 超市 of 给超市送货 is where
                // the goods go, not 超市收银员 and 超市促销员.
                let family = n >= 2 && self.inside.get(&w).is_some_and(|v| v.len() >= 2);
                if family && setting.is_some() {
                    places_of_work.push(w.clone());
                } else if family {
                    self.push_family(&w, &w, plan);
                    continue;
                }
                if n >= 2 || w.chars().all(|c| c.is_ascii_alphabetic()) {
                    if !plan.words.contains(&w) {
                        plan.words.push(w);
                    }
                } else if !FILLERS.contains(&w.as_str())
                    && !"岁多来几十百千万".contains(w.as_str())
                    && !plan.chars.contains(&w)
                {
                    plan.chars.push(w);
                }
            }
        }
        if plan.trades.is_empty() {
            for w in places_of_work {
                plan.words.retain(|x| *x != w);
                self.push_family(&w, &w, plan);
            }
        }
    }

    /// Every trade named with `word` (a part of their names), for a query
    /// word standing for a family of trades.
    fn push_family(&self, word: &str, surface: &str, plan: &mut QueryPlan) {
        if let Some(o) = occupation(word) {
            plan.trades.push(QueryTrade {
                code: o.code,
                surface: surface.to_string(),
                how: TradeHow::Category,
                read_as: None,
                weight: NARROWER_WEIGHT,
            });
            return;
        }
        for code in self.inside.get(word).into_iter().flatten() {
            plan.trades.push(QueryTrade {
                code,
                surface: surface.to_string(),
                how: TradeHow::Name,
                read_as: None,
                weight: NARROWER_WEIGHT,
            });
        }
    }

    /// A trade word that `cand` is a near spelling of: the same sound with
    /// a character in common, or (three characters or more) one character
    /// off.
    fn near_word(&self, cand: &str) -> Option<(String, &'static str)> {
        let chars: Vec<char> = cand.chars().collect();
        if !chars.iter().all(|c| ('\u{4e00}'..='\u{9fff}').contains(c)) {
            return None;
        }
        // A character in common, not counting the suffixes every trade
        // word ends in (挖工 is not 瓦工).
        let shares = |word: &str| {
            word.chars()
                .zip(chars.iter())
                .any(|(a, b)| a == *b && !"工员师手者人匠傅".contains(a))
        };
        // Every combination of readings, capped.
        let mut keys: Vec<String> = vec![String::new()];
        for c in &chars {
            let rs = readings(*c);
            if rs.is_empty() {
                return None;
            }
            let mut next = Vec::new();
            for k in &keys {
                for r in rs.iter().take(3) {
                    next.push(format!("{k}{r} "));
                }
            }
            next.truncate(16);
            keys = next;
        }
        for k in &keys {
            if let Some(words) = self.near.by_sound.get(k)
                && let Some((w, code)) = words.iter().find(|(w, _)| shares(w) && w != cand)
            {
                return Some((w.clone(), code));
            }
        }
        // One character off only in longer words: in two or three characters
        // it too often makes another word (洗煤工 is not 送煤工).
        if chars.len() >= 4 {
            for i in 0..chars.len() {
                let mut k = chars.clone();
                k[i] = '*';
                let key: String = k.into_iter().collect();
                if let Some(words) = self.near.by_shape.get(&key)
                    && let Some((w, code)) = words.first()
                {
                    return Some((w.clone(), code));
                }
            }
        }
        None
    }

    /// Trades and conditions a post's own text states.
    pub fn post_features(&self, post: &JobPost, own_words: Option<&str>) -> PostFeatures {
        let mut f = PostFeatures::default();
        let title = normalize(&post.title);
        let own = own_words.map(normalize).unwrap_or_default();
        let body = normalize(&format!("{} {}", post.description, post.skills.join(" ")));
        let learned = self.learned();
        let push = |v: &mut Vec<&'static str>, code: &'static str| {
            if !v.contains(&code) {
                v.push(code);
            }
        };
        let mut negated: u64 = 0;
        for (text, is_title) in [(&title, true), (&own, true), (&body, false)] {
            if text.is_empty() {
                continue;
            }
            for m in self.post_matcher.find_iter(text.as_str()) {
                match self.post_entries[m.pattern().as_usize()] {
                    PostEntry::Trade(code) => {
                        if is_title {
                            push(&mut f.title_trades, code);
                        } else {
                            push(&mut f.text_trades, code);
                        }
                    }
                    PostEntry::Cue(bits, false) => f.conds |= bits,
                    PostEntry::Cue(bits, true) => negated |= bits,
                }
            }
            let chars: Vec<char> = text.chars().collect();
            for k in 0..chars.len() {
                if let Some(code) = verb_rule(&chars[k..]) {
                    if is_title {
                        push(&mut f.title_trades, code);
                    } else {
                        push(&mut f.text_trades, code);
                    }
                }
            }
            if is_title {
                // Trades inside longer words of the title (服务员 in 客房服务员).
                for m in self.trade_matcher.find_overlapping_iter(text.as_str()) {
                    let code = self.trade_codes[m.pattern().as_usize()];
                    if !f.title_trades.contains(&code) {
                        push(&mut f.text_trades, code);
                    }
                }
            }
            for (w, code) in learned.iter() {
                if text.contains(w.as_str()) {
                    if is_title {
                        push(&mut f.title_trades, code);
                    } else {
                        push(&mut f.text_trades, code);
                    }
                }
            }
        }
        f.conds &= !negated;
        // What the structured fields say.
        match post.form {
            // 零工 says neither how the pay is settled nor for how long.
            JobForm::Gig => {}
            JobForm::Hourly | JobForm::PartTime => f.conds |= Cond::PartTime.bit(),
            JobForm::ShortTerm => f.conds |= Cond::ShortTerm.bit(),
            JobForm::LongTerm => f.conds |= Cond::LongTerm.bit(),
            JobForm::Platform => {}
        }
        // A post marked 居家/远程 offers it whatever its text says.
        if post.remote {
            f.conds |= Cond::Remote.bit();
        }
        let days = post.schedule.days;
        let weekend = crate::post::Weekdays::WEEKEND;
        if !days.intersection(weekend).is_empty() && days.count() <= 3 {
            f.conds |= Cond::Weekend.bit();
        }
        let slots = post.schedule.normalised_slots();
        if !slots.is_empty() {
            if slots.iter().any(|s| s.end > 20 * 60 || s.start < 5 * 60) {
                f.conds |= Cond::Evening.bit();
            } else if slots.iter().all(|s| s.start >= 6 * 60 && s.end <= 19 * 60) {
                f.conds |= Cond::Daytime.bit();
            }
        }
        f.age = post_age_range(&format!("{} {}", post.title, post.description));
        if f.age.max == AGE_NO_LIMIT || f.age.max >= 60 {
            f.conds |= Cond::OlderOk.bit();
        }
        // A post only for men does not suit a woman, and the reverse.
        if f.conds & Cond::Female.bit() != 0 && f.conds & Cond::Male.bit() != 0 {
            // 男女不限: both.
        }
        f
    }

    /// Resolves a trade written in an employer's own words, using the title
    /// and description when the trade words alone are not enough.
    ///
    /// Order: a catalogue code, name or synonym; a learned synonym; the
    /// trade words found in the trade field (whole words first, then near
    /// spellings), title and description, weighted 3 : 2 : 1, the last
    /// trade word of a field counting most (in 快递分拣员 the work is 分拣,
    /// 快递 only says where); evidence inside the kind of place the post
    /// names (饭店, 工地, 厂, 煤矿 … see [`SETTINGS`]) counts more, and a
    /// generic word (杂工, 帮工, 学徒) with such a place resolves to that
    /// place's category; then the category alone; then the catch-all.
    pub fn resolve_trade(&self, trade: &str, title: &str, description: &str) -> TradeResolution {
        let words = trade.trim();
        let key = normalize(words).replace(' ', "");
        let own_words = (!key.is_empty()).then(|| words.to_string());
        let setting =
            setting_category(&format!("{words} {title}")).or_else(|| setting_category(description));
        let generic = GENERIC_ROLES.iter().any(|g| key.contains(g))
            || key.is_empty()
            || resolve_occupation(words).is_some_and(|o| o.code.starts_with("qita"));
        if let Some(o) = resolve_occupation(words)
            && !(generic && setting.is_some_and(|c| o.category().code != c))
        {
            return TradeResolution {
                code: o.code,
                how: ResolutionHow::Exact,
                own_words: None,
            };
        }
        if let Some(code) = self.learned().get(&key) {
            return TradeResolution {
                code,
                how: ResolutionHow::Learned,
                own_words,
            };
        }
        let mut score: Vec<(&'static str, f32)> = Vec::new();
        let mut add = |code: &'static str, s: f32| match score.iter_mut().find(|x| x.0 == code) {
            Some(x) => x.1 += s,
            None => score.push((code, s)),
        };
        for (text, weight, near) in [
            (words, 3.0f32, true),
            (title, 2.0, false),
            (description, 1.0, false),
        ] {
            let plan = self.analyze_with(text, near);
            let last = plan.trades.len().saturating_sub(1);
            for (i, t) in plan.trades.iter().enumerate() {
                let chars = t.surface.chars().count() as f32;
                // Longer evidence is surer; the head of a compound counts most.
                let head = if i == last { 1.3 } else { 0.8 };
                let mut w = weight * t.weight * (1.0 + chars / 4.0) * head;
                let category = occupation(t.code).map(|o| o.category().code);
                if setting.is_some() && category == setting {
                    w *= 1.6;
                }
                add(t.code, w);
            }
        }
        let is_category = |c: &str| occupation(c).is_some_and(|o| o.is_category());
        // Prefer trades over categories when both are in evidence.
        score.sort_by(|a, b| {
            is_category(a.0)
                .cmp(&is_category(b.0))
                .then(b.1.total_cmp(&a.1))
        });
        let best = score.first().copied().filter(|(_, s)| *s > 0.0);
        // A generic word in a known kind of place: the place's trade if one is
        // in evidence there, else the place's category.
        if generic && let Some(c) = setting {
            let in_place = score
                .iter()
                .find(|(code, _)| occupation(code).is_some_and(|o| o.category().code == c));
            let (code, how) = match in_place {
                Some((code, _)) if !is_category(code) => (*code, ResolutionHow::Closest),
                _ => (occupation(c).map_or(c, |o| o.code), ResolutionHow::Category),
            };
            return TradeResolution {
                code,
                how,
                own_words,
            };
        }
        if let Some((code, _)) = best {
            return TradeResolution {
                code,
                how: if is_category(code) {
                    ResolutionHow::Category
                } else {
                    ResolutionHow::Closest
                },
                own_words,
            };
        }
        if let Some(c) = setting.and_then(occupation) {
            return TradeResolution {
                code: c.code,
                how: ResolutionHow::Category,
                own_words,
            };
        }
        TradeResolution {
            code: catch_all_code(),
            how: ResolutionHow::Unknown,
            own_words,
        }
    }

    /// Every trade word of the catalogue (names, synonyms, phrases) that
    /// starts with or contains `prefix`, for suggestions as you type:
    /// (word, trade code), names before phrases, at most `limit`.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Vec<(String, &'static str)> {
        let p = normalize(prefix).replace(' ', "");
        if p.is_empty() {
            return Vec::new();
        }
        let mut starts = Vec::new();
        let mut contains = Vec::new();
        for (w, e) in self.patterns.iter().zip(&self.entries) {
            let Meaning::Trade(code, _) = e.meaning else {
                continue;
            };
            if w.starts_with(&p) {
                starts.push((w.clone(), code));
            } else if w.contains(&p) {
                contains.push((w.clone(), code));
            }
        }
        starts.sort_by_key(|(w, _)| w.chars().count());
        contains.sort_by_key(|(w, _)| w.chars().count());
        starts.extend(contains);
        starts.truncate(limit);
        starts
    }
}

/// Kinds of place a post names, and the category of work done there: a
/// generic trade word (杂工, 帮工) in a post about a 饭店 is kitchen work.
/// Checked in this order; the first that occurs wins.
pub const SETTINGS: &[(&str, &str)] = &[
    ("后厨", "canyin"),
    ("饭店", "canyin"),
    ("饭馆", "canyin"),
    ("餐馆", "canyin"),
    ("餐厅", "canyin"),
    ("酒楼", "canyin"),
    ("面馆", "canyin"),
    ("食堂", "canyin"),
    ("小吃", "canyin"),
    ("火锅", "canyin"),
    ("早餐店", "canyin"),
    ("快餐", "canyin"),
    ("凉粉", "canyin"),
    ("泡馍", "canyin"),
    ("丸子汤", "canyin"),
    ("羊杂", "canyin"),
    ("削面", "canyin"),
    ("烧烤", "canyin"),
    ("工地", "jianzhu"),
    ("施工", "jianzhu"),
    ("装修", "jianzhu"),
    ("煤矿", "nengyuan"),
    ("矿上", "nengyuan"),
    ("洗煤", "nengyuan"),
    ("焦化", "nengyuan"),
    ("煤场", "nengyuan"),
    ("电厂", "nengyuan"),
    ("锅炉", "nengyuan"),
    ("宾馆", "zhusu"),
    ("酒店", "zhusu"),
    ("民宿", "zhusu"),
    ("客栈", "zhusu"),
    ("旅馆", "zhusu"),
    ("仓库", "banyun"),
    ("物流园", "banyun"),
    ("货场", "banyun"),
    ("批发市场", "banyun"),
    ("快递", "banyun"),
    ("果园", "nongye"),
    ("大棚", "nongye"),
    ("地里", "nongye"),
    ("农场", "nongye"),
    ("林场", "nongye"),
    ("养殖场", "nongye"),
    ("羊场", "nongye"),
    ("牛场", "nongye"),
    ("猪场", "nongye"),
    ("鸡场", "nongye"),
    ("合作社", "nongye"),
    ("小区", "wuye"),
    ("物业", "wuye"),
    ("写字楼", "wuye"),
    ("超市", "lingshou"),
    ("商场", "lingshou"),
    ("门店", "lingshou"),
    ("医院", "yanglao"),
    ("养老院", "yanglao"),
    ("敬老院", "yanglao"),
    ("幼儿园", "jiaoyu"),
    ("托管", "jiaoyu"),
    ("学校", "jiaoyu"),
    ("厂", "zhizao"),
    ("车间", "zhizao"),
    ("作坊", "zhizao"),
];

/// Everyday words for a family of trades, and the word the family's names
/// share.
/// The target is a word the family's names share (司机), or a category code
/// (开车 is driving on the road: 出行运输, not a digger's 司机).
pub const GENERIC_WORDS: &[(&str, &str)] = &[
    ("开车", "chuxing"),
    ("会开车", "chuxing"),
    ("跑车", "chuxing"),
    ("当司机", "司机"),
    ("驾驶员", "司机"),
];

/// Weight of a trade a generic query word stands for (保洁 for 物业保洁员,
/// 开车 for 货车司机): below a trade named outright, so 服务员 puts
/// restaurant 服务员 before 客房服务员 and 开货车 puts 货车司机 before 代驾.
const NARROWER_WEIGHT: f32 = 0.6;

/// Verbs that name the work whatever their object: 摘 followed by any
/// produce (摘山楂, 摘连翘) is picking.
const VERB_RULES: &[(char, &str)] = &[('摘', "nongye.caizhai")];

fn verb_rule(chars: &[char]) -> Option<&'static str> {
    let (first, next) = (chars.first()?, chars.get(1)?);
    if !('\u{4e00}'..='\u{9fff}').contains(next) {
        return None;
    }
    VERB_RULES
        .iter()
        .find(|(c, _)| c == first)
        .map(|(_, code)| *code)
        .filter(|code| occupation(code).is_some())
}

/// Trade words that say nothing of the work by themselves.
pub const GENERIC_ROLES: &[&str] = &[
    "杂工",
    "帮工",
    "打杂",
    "小工",
    "临时工",
    "辅助工",
    "普工",
    "力工",
    "学徒",
    "工人",
    "员工",
    "帮忙",
    "零工",
    "短工",
    "杂活",
];

/// The category of the first kind of place a text names.
fn setting_category(text: &str) -> Option<&'static str> {
    let t = normalize(text);
    SETTINGS
        .iter()
        .filter_map(|(w, c)| t.find(w).map(|at| (at, *c)))
        .min_by_key(|(at, _)| *at)
        .map(|(_, c)| c)
        .filter(|c| occupation(c).is_some())
}

/// The catalogue's catch-all category for work no entry describes, or the
/// first category when the catalogue has none.
pub fn catch_all_code() -> &'static str {
    occupation("qita")
        .or_else(|| occupations().iter().find(|o| o.is_category()))
        .map(|o| o.code)
        .expect("the catalogue has categories")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v() -> Arc<Vocabulary> {
        Vocabulary::shared()
    }

    /// The trades asked for, without the kinds a generic word also stands for.
    fn trade_names(p: &QueryPlan) -> Vec<&'static str> {
        p.trades
            .iter()
            .filter(|t| t.weight > NARROWER_WEIGHT || t.how != TradeHow::Name)
            .map(|t| occupation(t.code).unwrap().name)
            .collect()
    }

    #[test]
    fn a_trade_named_plainly() {
        let p = v().analyze("保洁");
        assert_eq!(trade_names(&p), vec!["保洁员"]);
        // A generic word also stands for its kinds, a little less.
        let all: Vec<&str> = p.trades.iter().map(|t| t.code).collect();
        assert!(
            all.contains(&"jiazheng.baojie") && all.contains(&"baojie.wuye"),
            "{all:?}"
        );
        assert_eq!(p.trades[0].code, "baojie.baojieyuan");
        assert!(p.words.is_empty());
        let p = v().analyze("找个月嫂的活");
        assert_eq!(trade_names(&p), vec!["母婴护理员"]);
        assert!(p.words.is_empty(), "{:?}", p.words);
    }

    #[test]
    fn places_and_conditions_are_concepts() {
        let p = v().analyze("小店区保洁 日结 包吃住");
        assert_eq!(trade_names(&p), vec!["保洁员"]);
        assert_eq!(p.places.len(), 1);
        assert_eq!(p.places[0].name(), "小店区");
        assert!(p.has(Cond::DailyPay));
        assert!(p.has(Cond::Meals) && p.has(Cond::Lodging));
        let p = v().analyze("太原小店 钟点工");
        assert_eq!(p.places.len(), 1, "{:?}", p.places);
        assert_eq!(p.places[0].name(), "小店区");
        let p = v().analyze("太原有什么活");
        assert!(p.trades.is_empty());
        assert_eq!(p.places[0].name(), "太原市");
        assert!(p.words.is_empty(), "{:?}", p.words);
    }

    #[test]
    fn a_kind_of_place_is_where_unless_nothing_says_what() {
        // 超市 is where the goods go: delivery, not 超市收银员.
        let p = v().analyze("给超市送货");
        let codes: Vec<&str> = p.trades.iter().map(|t| t.code).collect();
        assert!(codes.contains(&"peisong.tongcheng"), "{codes:?}");
        assert!(!codes.contains(&"lingshou.shouyin"), "{codes:?}");
        assert!(p.settings.contains(&"lingshou"), "{:?}", p.settings);
        // 工地活 names no trade: the work of a site is what is asked for.
        let p = v().analyze("有没有工地活");
        assert!(!p.trades.is_empty(), "{p:?}");
        assert!(!p.words.contains(&"工地".to_string()), "{:?}", p.words);
    }

    #[test]
    fn ages_are_read() {
        let p = v().analyze("五十多岁能干啥");
        assert_eq!(p.age, Some(50));
        assert!(p.has(Cond::OlderOk));
        let p = v().analyze("我55了还能找到保洁的活吗");
        assert_eq!(p.age, Some(55));
        assert_eq!(trade_names(&p), vec!["保洁员"]);
        let r = post_age_range("年龄18-50岁，身体健康");
        assert_eq!((r.min, r.max), (18, 50));
        assert_eq!(post_age_range("55岁以下").max, 55);
        assert_eq!(post_age_range("六十岁以内均可").max, 60);
        assert_eq!(post_age_range("不限年龄").max, AGE_NO_LIMIT);
        assert_eq!(post_age_range("月薪3000元").max, AGE_NOT_SAID);
    }

    #[test]
    fn near_spellings_by_sound_and_shape() {
        let p = v().analyze("保结");
        assert_eq!(trade_names(&p), vec!["保洁员"], "{p:?}");
        assert_eq!(p.trades[0].how, TradeHow::Corrected);
        let p = v().analyze("月扫");
        assert_eq!(trade_names(&p), vec!["母婴护理员"]);
        let p = v().analyze("快第员");
        assert_eq!(trade_names(&p), vec!["快递员"]);
    }

    #[test]
    fn no_single_characters_unless_nothing_else() {
        let p = v().analyze("管");
        assert_eq!(p.words, vec!["管"]);
        let p = v().analyze("保洁 管");
        assert!(p.words.is_empty());
        assert_eq!(p.chars, vec!["管"]);
    }

    #[test]
    fn post_conditions_and_negations() {
        let mut post = crate::synth::job(1, 1);
        post.title = "饭店招洗碗工".into();
        post.description = "管吃住，年龄55岁以下，不上夜班".into();
        post.skills = vec![];
        let f = v().post_features(&post, None);
        assert!(f.conds & Cond::Meals.bit() != 0);
        assert!(f.conds & Cond::Lodging.bit() != 0);
        assert!(f.conds & Cond::Daytime.bit() != 0);
        assert_eq!(f.age.max, 55);
        post.description = "不包吃住".into();
        let f = v().post_features(&post, None);
        assert_eq!(f.conds & Cond::Lodging.bit(), 0);
    }

    #[test]
    fn trades_resolve_from_own_words() {
        let r = v().resolve_trade("保洁", "", "");
        assert_eq!(r.how, ResolutionHow::Exact);
        let r = v().resolve_trade("快递站分拣工", "快递站分拣", "");
        assert_eq!(occupation(r.code).unwrap().name, "分拣员", "{r:?}");
        assert_eq!(r.how, ResolutionHow::Closest);
        assert_eq!(r.own_words.as_deref(), Some("快递站分拣工"));
        let r = v().resolve_trade("杂工", "饭店后厨洗碗杂工", "洗碗、打扫厨房");
        assert_eq!(
            occupation(r.code).unwrap().category().code,
            "canyin",
            "{r:?}"
        );
    }

    #[test]
    fn suggestions_as_you_type() {
        let s = v().suggest("保", 10);
        assert!(s.iter().any(|(w, _)| w == "保洁"));
        assert!(v().suggest("", 5).is_empty());
    }

    #[test]
    fn learned_synonyms_take_effect() {
        let voc = Vocabulary::build();
        assert!(voc.resolve_trade("刮大白师傅", "", "").how != ResolutionHow::Learned);
        voc.set_learned([("刮大白师傅".to_string(), "jianzhu.youqi".to_string())]);
        let r = voc.resolve_trade("刮大白师傅", "", "");
        assert_eq!(r.how, ResolutionHow::Learned);
        assert_eq!(r.code, "jianzhu.youqi");
        let p = voc.analyze("刮大白师傅");
        assert_eq!(p.trades[0].code, "jianzhu.youqi");
    }

    #[test]
    fn learned_synonyms_are_added_not_replaced() {
        let voc = Vocabulary::build();
        let n = voc.add_learned([
            ("锔瓷匠".to_string(), "jianzhu.youqi".to_string()),
            ("月嫂".to_string(), "jianzhu.youqi".to_string()),
            ("x".to_string(), "jianzhu.youqi".to_string()),
            ("某某工".to_string(), "no.such".to_string()),
        ]);
        assert_eq!(n, 1, "only the new word with a real trade is learned");
        voc.add_learned([("花馍匠".to_string(), "jianzhu.youqi".to_string())]);
        let words: Vec<String> = voc.learned_words().into_iter().map(|w| w.0).collect();
        assert_eq!(words, ["花馍匠", "锔瓷匠"]);
        assert_eq!(
            voc.resolve_trade("锔瓷匠", "", "").how,
            ResolutionHow::Learned
        );
        assert_eq!(voc.resolve_trade("月嫂", "", "").how, ResolutionHow::Exact);
    }
}
