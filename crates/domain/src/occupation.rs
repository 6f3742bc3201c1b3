//! The catalogue of occupations and trades that flexible workers register
//! under and employers post jobs for, and the words people use for them.
//!
//! The catalogue lives in `crates/domain/data/occupations.txt`. It is
//! embedded in the binary (`include_str!`) and parsed once, at first use; a
//! unit test parses it too, so a malformed line fails `cargo test` with the
//! line number rather than a server at run time.
//!
//! # The data file
//!
//! One entry per line; blank lines are ignored and a line starting with `#`
//! is a comment (a comment must be a line of its own).
//!
//! ```text
//! # comment
//! @jiazheng 家政服务 | 按小时、按次或住家，常经家政公司、门店或平台派单，多为非全日制
//! jiazheng.baojie 家庭保洁员 | 家庭保洁 钟点工 小时工 | 打扫卫生 做家务 擦玻璃
//! jiazheng.jiazhengyuan 家政服务员 [4-10-01-06] | 家政员 家政 保姆 | 洗衣做饭
//! peisong.wangyue 网约配送员 [4-02-07-10] {new} | 外卖员 骑手 | 跑外卖
//! ```
//!
//! * `@code name | forms hint` starts a category. The hint says, in one
//!   short Chinese sentence, how flexible work in the field is usually
//!   arranged and paid; trades inherit it.
//! * `code name [大典 code] {new} | synonyms | phrases` is a trade of the
//!   category above it. `[…]` and `{new}` are optional and come in that
//!   order. The synonyms and the phrases are separated by spaces; either
//!   list may be empty, and the last `|` may be left out when there are no
//!   phrases. The name is a single word (no spaces).
//! * Parts are separated by an ASCII `|` (a full-width `｜` is refused).
//!
//! # Codes
//!
//! Each entry has a stable ASCII code of our own: a category slug
//! (`jiazheng`, `peisong`, …, from the pinyin of the category) and, for a
//! trade, `category.slug` (`jiazheng.baojie`), lowercase ASCII letters,
//! digits and `_`. The parent of `a.b` is `a`, and a trade must sit below
//! its category's `@` line. Codes are stored in the database and appear in
//! URLs, so they never change and are never reused; renaming an entry keeps
//! its code, and an entry that is no longer wanted stays in the file. A
//! test lists every code ever published.
//!
//! # Names, synonyms and phrases
//!
//! * The **name** is the trade as a job post or a form would title it
//!   (家庭保洁员, 网约配送员).
//! * **Synonyms** are other names of the same trade that people type: the
//!   spoken name (月嫂, 骑手, 钟点工), a longer or shorter form (快递分拣员,
//!   分拣), the name used in another city's market (仓库打包员, 医院陪护).
//!   [`resolve_occupation`] turns a code, a name or a synonym into its
//!   entry, so imports and forms can take any of them.
//! * **Phrases** describe the work instead of naming it, mostly verb +
//!   object, the way older workers and new arrivals ask: 修水管, 看孩子,
//!   搬砖, 伺候月子, 摘花椒, including northern and Shanxi wording where it
//!   is really used (看娃, 引娃, 拾掇家, 和灰, 过事帮忙, 刨山药蛋). They feed
//!   search vocabularies and suggestions but never resolve a trade on
//!   their own: "送快递" in an import file is a description, not a trade.
//!   So [`resolve_occupation`] ignores phrases; [`resolve_phrase`] looks up
//!   a whole phrase (and only phrases), [`occupation_phrases`] lists them
//!   all, and [`search_occupations`] matches them after names and synonyms.
//!
//! Rules (each enforced by a test in this module):
//!
//! * names and synonyms are unique across the whole catalogue, ignoring
//!   ASCII case, so a name or synonym resolves to exactly one entry;
//! * phrases are unique too, and no phrase equals any name or synonym;
//! * no name, synonym or phrase is a single character (工, 修, 扫 would
//!   misroute) or contains a space;
//! * a word too generic to point at one trade (师傅, 打零工, 司机, 中介)
//!   belongs nowhere; when a word fits two trades it goes to the one a
//!   person saying it most likely means (看仓库 → 看守员, 管仓库 → 仓库
//!   管理员), and the other trade gets a more specific word;
//! * existing names and synonyms stay (saved posts, imports and searches
//!   use them); a synonym moves to another trade only to resolve a
//!   collision.
//!
//! # Adding a trade
//!
//! 1. Find its category; if none fits, add an `@` line with a new
//!    category code and a forms hint (at most 32 categories, each with at
//!    least five trades).
//! 2. Pick a new code `category.pinyin_slug` that has never been used
//!    (`git log -p -- crates/domain/data/occupations.txt` shows old ones).
//! 3. Write the line below the category's `@` line: the name, the
//!    synonyms people actually say, and a few everyday phrases for the
//!    work. Add `{new}` only for a 新职业/新工种 you know was announced, and
//!    a 大典 code only with its source (below).
//! 4. Run `cargo test -p linghuo-domain occupation`: it reports a
//!    malformed line by number, any word that is already taken, and any
//!    single-character word.
//!
//! Positions in [`occupations`] shift when entries are inserted. The
//! market's on-disk search index stores catalogue positions, so a server
//! that keeps its index on disk must rebuild it (`linghuo market reindex`)
//! after a catalogue change is deployed. A new category also has no entry
//! in the market's typical-pay table (`typical_hourly_fen`) until one is
//! added there.
//!
//! # 职业分类大典 codes
//!
//! `[4-10-01-06]` is the code in 《中华人民共和国职业分类大典》 of the
//! occupation the trade belongs to. It is filled in only where the code was
//! found printed in a published source — normally the national occupational
//! skill standard (国家职业技能标准) of that occupation — and that source is
//! named in a comment line right above the entry, starting `# 大典 <code>: `
//! (`# 大典 4-10-01-06: 国家职业技能标准 家政服务员 (2019)`); a test checks
//! that every coded entry has one. Where a trade is a 工种 of a larger
//! occupation (直播销售员 of 互联网营销师, 母婴护理员 of 家政服务员, 数据
//! 标注员 of 人工智能训练师) the code is that occupation's. Standards
//! published before the 2022 edition cite the 2015 edition; their codes are
//! kept as printed. A placeholder printed before an occupation had its
//! place (4-99-00-00) is not a code. Everything else has no code rather
//! than a guess.
//!
//! `{new}` marks a 新职业 or 新工种 announced by the Ministry of Human
//! Resources and Social Security since 2019 (the 2019–2021 batches, and
//! 网络主播 in 2024); it is only set where the announcement is known.

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use serde::Serialize;

/// One entry of the catalogue: a category (no parent) or a trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Occupation {
    pub code: &'static str,
    pub name: &'static str,
    pub parent: Option<&'static str>,
    /// 职业分类大典 code like `"4-10-01-06"`, only where verified (see module docs).
    pub dadian_code: Option<&'static str>,
    /// Other names of the trade that people type (月嫂, 骑手, 钟点工).
    pub synonyms: &'static [&'static str],
    /// Everyday descriptions of the work (修水管, 看孩子, 送快递); never
    /// used to resolve a trade by [`resolve_occupation`].
    pub phrases: &'static [&'static str],
    /// A 新职业 or 新工种 announced by the Ministry of Human Resources and
    /// Social Security since 2019 (网约配送员, 直播销售员, 社群健康助理员 …).
    pub new_occupation: bool,
    /// For categories: the usual forms of flexible work in this field, as a
    /// short Chinese hint for forms and job posts. `None` on trades, which
    /// inherit their category's hint (see [`Occupation::effective_forms_hint`]).
    pub forms_hint: Option<&'static str>,
}

impl Occupation {
    pub fn is_category(&self) -> bool {
        self.parent.is_none()
    }

    pub fn is_leaf(&self) -> bool {
        !CATALOGUE.iter().any(|o| o.parent == Some(self.code))
    }

    /// The top-level category this entry belongs to (itself for a category).
    pub fn category(&self) -> &'static Occupation {
        let mut current = occupation(self.code).expect("entries come from the catalogue");
        while let Some(parent) = current.parent {
            current = occupation(parent).expect("parents exist (tested)");
        }
        current
    }

    /// The entry's own hint, or the nearest ancestor's.
    pub fn effective_forms_hint(&self) -> Option<&'static str> {
        let mut current = occupation(self.code)?;
        loop {
            if current.forms_hint.is_some() {
                return current.forms_hint;
            }
            current = occupation(current.parent?)?;
        }
    }
}

/// Where the catalogue comes from, for messages.
const DATA_PATH: &str = "crates/domain/data/occupations.txt";
const DATA: &str = include_str!("../data/occupations.txt");

static CATALOGUE: LazyLock<Vec<Occupation>> = LazyLock::new(|| parse_or_panic(DATA_PATH, DATA));

/// A line of the data file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ParseError {
    line: usize,
    text: String,
    reason: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}: `{}`", self.line, self.reason, self.text)
    }
}

fn parse_or_panic(path: &str, text: &'static str) -> Vec<Occupation> {
    parse_catalogue(text).unwrap_or_else(|e| panic!("{path} {e}"))
}

/// A code segment: lowercase ASCII letters, digits and `_`, not empty.
fn is_slug(segment: &str) -> bool {
    !segment.is_empty()
        && segment
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// `4-10-01-06`: one digit, then three groups of two.
fn is_dadian_code(code: &str) -> bool {
    let parts: Vec<&str> = code.split('-').collect();
    parts.len() == 4
        && parts[0].len() == 1
        && parts[1..].iter().all(|p| p.len() == 2)
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

fn word_list(part: &'static str) -> &'static [&'static str] {
    let words: Vec<&'static str> = part.split_whitespace().collect();
    if words.is_empty() {
        &[]
    } else {
        // Parsed once per process (and in a few tests): the lists live as
        // long as the program, like the text they point into.
        words.leak()
    }
}

/// Parses the data file format described in the module docs. Checks the
/// shape of every line, the codes and their nesting; the vocabulary rules
/// (unique words, no single characters) are checked by the tests.
fn parse_catalogue(text: &'static str) -> Result<Vec<Occupation>, ParseError> {
    let mut entries: Vec<Occupation> = Vec::new();
    let mut defined_on: HashMap<&'static str, usize> = HashMap::new();
    let mut category: Option<&'static str> = None;
    for (i, raw) in text.lines().enumerate() {
        let number = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |reason: String| ParseError {
            line: number,
            text: line.to_string(),
            reason,
        };
        if line.contains('｜') {
            return Err(err(
                "a full-width ｜; separate the parts with an ASCII |".into()
            ));
        }
        if line.contains('#') {
            return Err(err(
                "a # inside a line; a comment must be a line of its own".into(),
            ));
        }
        let mut parts = line.split('|').map(str::trim);
        let head = parts.next().unwrap_or_default();
        let entry = if let Some(rest) = head.strip_prefix('@') {
            let shape = "a category line is `@code name | forms hint`";
            let (Some(hint), None) = (parts.next(), parts.next()) else {
                return Err(err(shape.into()));
            };
            let mut words = rest.split_whitespace();
            let (Some(code), Some(name), None) = (words.next(), words.next(), words.next()) else {
                return Err(err(shape.into()));
            };
            if code.contains('.') || !is_slug(code) {
                return Err(err(format!(
                    "category code `{code}` must be lowercase ASCII letters, digits and _, without a dot"
                )));
            }
            if hint.is_empty() {
                return Err(err(format!("category {code} has no forms hint; {shape}")));
            }
            category = Some(code);
            Occupation {
                code,
                name,
                parent: None,
                dadian_code: None,
                synonyms: &[],
                phrases: &[],
                new_occupation: false,
                forms_hint: Some(hint),
            }
        } else {
            let shape = "a trade line is `code name [大典 code] {new} | synonyms | phrases`";
            let (Some(synonyms), phrases, None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(err(shape.into()));
            };
            let mut words = head.split_whitespace();
            let (Some(code), Some(name)) = (words.next(), words.next()) else {
                return Err(err(format!("no name; {shape}")));
            };
            let mut dadian_code = None;
            let mut new_occupation = false;
            for word in words {
                if let Some(d) = word.strip_prefix('[').and_then(|w| w.strip_suffix(']')) {
                    if dadian_code.is_some() || new_occupation {
                        return Err(err(format!("`{word}` out of place; {shape}")));
                    }
                    if !is_dadian_code(d) {
                        return Err(err(format!(
                            "`{word}` is not a 职业分类大典 code like [4-10-01-06]"
                        )));
                    }
                    dadian_code = Some(d);
                } else if word == "{new}" && !new_occupation {
                    new_occupation = true;
                } else {
                    return Err(err(format!(
                        "`{word}` after the name; a name is one word, and only [大典 code] and {{new}} may follow it"
                    )));
                }
            }
            let Some((parent, _)) = code.rsplit_once('.') else {
                return Err(err(format!(
                    "trade code `{code}` has no category part (category.slug)"
                )));
            };
            if !code.split('.').all(is_slug) {
                return Err(err(format!(
                    "code `{code}` must be lowercase ASCII letters, digits and _, in dotted parts"
                )));
            }
            let Some(current) = category else {
                return Err(err("a trade before the first @category line".into()));
            };
            if !defined_on.contains_key(parent) {
                return Err(err(format!("parent `{parent}` is not defined above")));
            }
            if code.split('.').next() != Some(current) {
                return Err(err(format!(
                    "`{code}` is not in @{current}, the category it is listed under"
                )));
            }
            Occupation {
                code,
                name,
                parent: Some(parent),
                dadian_code,
                synonyms: word_list(synonyms),
                phrases: word_list(phrases.unwrap_or_default()),
                new_occupation,
                forms_hint: None,
            }
        };
        if let Some(first) = defined_on.insert(entry.code, number) {
            return Err(err(format!(
                "code `{}` is already defined on line {first}",
                entry.code
            )));
        }
        entries.push(entry);
    }
    if entries.is_empty() {
        return Err(ParseError {
            line: 0,
            text: String::new(),
            reason: "no entries".into(),
        });
    }
    Ok(entries)
}

struct Index {
    by_code: HashMap<&'static str, usize>,
    /// Names and synonyms (unique across the catalogue, tested).
    by_word: HashMap<&'static str, usize>,
    /// Lowercased phrases (unique, tested).
    by_phrase: HashMap<String, usize>,
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let mut by_code = HashMap::new();
    let mut by_word = HashMap::new();
    let mut by_phrase = HashMap::new();
    for (i, o) in CATALOGUE.iter().enumerate() {
        by_code.insert(o.code, i);
        by_word.entry(o.name).or_insert(i);
        for s in o.synonyms {
            by_word.entry(*s).or_insert(i);
        }
        for p in o.phrases {
            by_phrase.entry(p.to_lowercase()).or_insert(i);
        }
    }
    Index {
        by_code,
        by_word,
        by_phrase,
    }
});

/// The whole catalogue: categories, each followed by its trades.
pub fn occupations() -> &'static [Occupation] {
    &CATALOGUE
}

/// The top-level categories in catalogue order.
pub fn occupation_categories() -> Vec<&'static Occupation> {
    CATALOGUE.iter().filter(|o| o.is_category()).collect()
}

pub fn occupation(code: &str) -> Option<&'static Occupation> {
    INDEX.by_code.get(code).map(|&i| &CATALOGUE[i])
}

/// All descendants of `code` (not including itself), in catalogue order.
pub fn occupation_children(code: &str) -> Vec<&'static Occupation> {
    CATALOGUE
        .iter()
        .filter(|o| {
            let mut parent = o.parent;
            while let Some(p) = parent {
                if p == code {
                    return true;
                }
                parent = occupation(p).and_then(|po| po.parent);
            }
            false
        })
        .collect()
}

/// Every phrase of the catalogue with its trade, in catalogue order: the
/// everyday descriptions of work (修水管 → 水电工) for search vocabularies
/// and segmentation dictionaries.
pub fn occupation_phrases() -> impl Iterator<Item = (&'static str, &'static Occupation)> {
    occupations()
        .iter()
        .flat_map(|o| o.phrases.iter().map(move |p| (*p, o)))
}

/// Resolves a code, an exact name or a synonym: `"jiazheng.baojie"`,
/// `"家庭保洁员"`, `"钟点工"`. Whitespace and full-width letters are
/// forgiven; ASCII codes and synonyms (`AI标注`) match case-insensitively.
/// Phrases are not names and do not resolve here (see [`resolve_phrase`]).
pub fn resolve_occupation(name_or_code: &str) -> Option<&'static Occupation> {
    let key = crate::input::compact(name_or_code);
    if key.is_empty() {
        return None;
    }
    let lower = key.to_lowercase();
    if let Some(o) = occupation(&lower) {
        return Some(o);
    }
    if let Some(&i) = INDEX.by_word.get(key.as_str()) {
        return Some(&CATALOGUE[i]);
    }
    CATALOGUE.iter().find(|o| {
        o.name.to_lowercase() == lower || o.synonyms.iter().any(|s| s.to_lowercase() == lower)
    })
}

/// The trade an exact everyday phrase describes: `"修水管"` → 水电工,
/// `"看孩子"` → 育婴员. Whitespace and full-width letters are forgiven, as
/// in [`resolve_occupation`]; anything but a whole phrase gives `None`.
pub fn resolve_phrase(text: &str) -> Option<&'static Occupation> {
    let key = crate::input::compact(text).to_lowercase();
    INDEX.by_phrase.get(&key).map(|&i| &CATALOGUE[i])
}

/// Trades whose name, a synonym or a phrase contains `query` (a plain
/// substring match for pick-lists, form autocompletion and "did you mean";
/// ranked search lives in the market crate). Exact resolutions come first,
/// then an exact phrase, then name and synonym matches, then phrase matches.
pub fn search_occupations(query: &str) -> Vec<&'static Occupation> {
    let q = crate::input::compact(query).to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<&'static Occupation> = Vec::new();
    let mut push = |o: &'static Occupation| {
        if !found.iter().any(|f| f.code == o.code) {
            found.push(o);
        }
    };
    if let Some(o) = resolve_occupation(&q) {
        push(o);
    }
    if let Some(o) = resolve_phrase(&q) {
        push(o);
    }
    let trades = || CATALOGUE.iter().filter(|o| !o.is_category());
    for o in trades() {
        if o.name.to_lowercase().contains(&q)
            || o.synonyms.iter().any(|s| s.to_lowercase().contains(&q))
        {
            push(o);
        }
    }
    for o in trades() {
        if o.phrases.iter().any(|p| p.to_lowercase().contains(&q)) {
            push(o);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Every code of the catalogue as it stood before the data file (184
    /// entries). Codes live in databases and URLs: none may disappear.
    #[rustfmt::skip]
    const CODES_BEFORE_THE_DATA_FILE: [&str; 184] = [
        "jiazheng", "jiazheng.jiazhengyuan", "jiazheng.baojie", "jiazheng.zhaohu", "jiazheng.shouna", "jiazheng.pengren", "jiazheng.jiadian_qingxi", "jiazheng.xiyi", "jiazheng.chongwu",
        "yanglao", "yanglao.huliyuan", "yanglao.hugong", "yanglao.jujia", "yanglao.jiankang_zhaohu", "yanglao.nengli_pinggu", "yanglao.peizhen", "yanglao.zhucan", "yanglao.kangfu",
        "muying", "muying.muying_huli", "muying.yuying", "muying.baoyu", "muying.tuoyu", "muying.cuiru", "muying.chankang", "muying.xiaoer_tuina",
        "baojie", "baojie.baojieyuan", "baojie.wuye", "baojie.kaihuang", "baojie.waiqiang", "baojie.huanwei", "baojie.lvhua", "baojie.xiaosha", "baojie.laji_fenlei",
        "weixiu", "weixiu.shuidian", "weixiu.diangong", "weixiu.jiadian", "weixiu.kongtiao", "weixiu.kaisuo", "weixiu.shouji", "weixiu.diannao", "weixiu.qiche", "weixiu.diandongche", "weixiu.fangshui", "weixiu.jiaju", "weixiu.kuandai", "weixiu.anfang",
        "jianzhu", "jianzhu.wagong", "jianzhu.qizhu", "jianzhu.mugong", "jianzhu.youqi", "jianzhu.hangong", "jianzhu.gangjin", "jianzhu.hunningtu", "jianzhu.jiazi", "jianzhu.pugong", "jianzhu.diaoding", "jianzhu.tadiao", "jianzhu.zhuangpeishi",
        "banyun", "banyun.banjia", "banyun.zhuangxie", "banyun.cangguan", "banyun.fenjian", "banyun.dabao", "banyun.chache", "banyun.kuaidi", "banyun.lihuo",
        "peisong", "peisong.wangyue", "peisong.paotui", "peisong.tongcheng", "peisong.songshui", "peisong.shengxian", "peisong.tuancan",
        "chuxing", "chuxing.wangyueche", "chuxing.chuzuche", "chuxing.daijia", "chuxing.huoche", "chuxing.banche", "chuxing.jiaolian", "chuxing.xiche", "chuxing.tingche",
        "canyin", "canyin.zhongcan", "canyin.miandian", "canyin.xidian", "canyin.fuwuyuan", "canyin.bangchu", "canyin.kafei", "canyin.chayi", "canyin.yinpin", "canyin.shaokao", "canyin.yingyang_peican", "canyin.yanxi",
        "meirong", "meirong.meifa", "meirong.meirongshi", "meirong.meijia", "meirong.huazhuang", "meirong.anmo", "meirong.zuliao", "meirong.wenxiu",
        "lingshou", "lingshou.zhibo", "lingshou.xuanpin", "lingshou.shipin_chuangtui", "lingshou.wangdian", "lingshou.yingyeyuan", "lingshou.shouyin", "lingshou.tuanzhang", "lingshou.tanwei", "lingshou.cuxiao",
        "nongye", "nongye.zhongzhi", "nongye.shucai", "nongye.guoshu", "nongye.caizhai", "nongye.xumu", "nongye.nongji", "nongye.wurenji", "nongye.jingliren", "nongye.nongcun_dianshang",
        "anbao", "anbao.baoan", "anbao.xunluo", "anbao.huodong", "anbao.jiankong", "anbao.xiaokong", "anbao.anjian", "anbao.xieguan",
        "jiaoyu", "jiaoyu.jiajiao", "jiaoyu.tuoguan", "jiaoyu.yishu", "jiaoyu.shufa", "jiaoyu.zhineng", "jiaoyu.jiating_jiaoyu", "jiaoyu.xianshang", "jiaoyu.yanxue",
        "jiankang", "jiankang.shequn", "jiankang.guanli", "jiankang.yingyang", "jiankang.xinli", "jiankang.liliao", "jiankang.yiyao", "jiankang.jiayi",
        "wenti", "wenti.jianshen", "wenti.youyong", "wenti.shehui_tiyu", "wenti.yanchu", "wenti.xiqu", "wenti.siyi", "wenti.sheying", "wenti.daoyou", "wenti.dianjing",
        "zhizao", "zhizao.pugong", "zhizao.fengren", "zhizao.zhijian", "zhizao.shougongyi", "zhizao.waifa", "zhizao.shipin", "zhizao.qiangong", "zhizao.chegong", "zhizao.zhuangpei",
        "shuzi", "shuzi.biaozhu", "shuzi.ai_xunlian", "shuzi.quanmeiti", "shuzi.chengxuyuan", "shuzi.sheji", "shuzi.jianji", "shuzi.kefu", "shuzi.fanyi", "shuzi.luru", "shuzi.wenan", "shuzi.yunwei",
    ];

    #[test]
    fn the_embedded_data_file_parses() {
        // The gate for edits to the data file: a malformed line fails here
        // with its line number.
        if let Err(e) = parse_catalogue(DATA) {
            panic!("{DATA_PATH} {e}");
        }
        assert_eq!(parse_catalogue(DATA).unwrap(), *occupations());
    }

    #[test]
    fn the_parser_reads_every_part_of_a_line() {
        let text = "# a comment\n\n@jia 甲类 | 按天计酬\n\
                    jia.yi 乙工 [4-10-01-06] {new} | 乙师 乙匠 | 做乙活 干乙活\n\
                    jia.bing 丙工 | 丙师 |\n\
                    jia.ding 丁工 {new} |  \n\
                    jia.yi.zi 子工 | 子师\n";
        let all = parse_catalogue(text).unwrap();
        assert_eq!(all.len(), 5);
        assert_eq!(all[0].code, "jia");
        assert_eq!(all[0].parent, None);
        assert_eq!(all[0].forms_hint, Some("按天计酬"));
        let yi = all[1];
        assert_eq!(
            (yi.code, yi.name, yi.parent),
            ("jia.yi", "乙工", Some("jia"))
        );
        assert_eq!(yi.dadian_code, Some("4-10-01-06"));
        assert!(yi.new_occupation);
        assert_eq!(yi.synonyms, ["乙师", "乙匠"]);
        assert_eq!(yi.phrases, ["做乙活", "干乙活"]);
        assert_eq!(yi.forms_hint, None);
        assert_eq!(all[2].synonyms, ["丙师"]);
        assert!(all[2].phrases.is_empty() && !all[2].new_occupation);
        assert!(all[3].synonyms.is_empty() && all[3].new_occupation);
        assert_eq!(all[4].parent, Some("jia.yi"));
    }

    #[test]
    fn malformed_lines_are_named_by_number() {
        let cases = [
            ("jia.yi 乙工 | 乙师", 1, "before the first @category"),
            ("@jia 甲类 | 按天\njia.yi 乙工", 2, "a trade line is"),
            ("@jia 甲类 | 按天\njia.yi 乙工 ｜ 乙师", 2, "full-width"),
            ("@jia 甲类 | 按天\njia.yi 乙工 | 乙师 # note", 2, "comment"),
            (
                "@jia 甲类 | 按天\njia.yi 乙工 | 乙师 | 做乙 | 多余",
                2,
                "a trade line is",
            ),
            ("@jia 甲类 | 按天\njia.yi 乙 工 | 乙师", 2, "after the name"),
            (
                "@jia 甲类 | 按天\njia.yi 乙工 [4-10-1-06] | 乙师",
                2,
                "大典",
            ),
            (
                "@jia 甲类 | 按天\njia.yi 乙工 {new} [4-10-01-06] | 乙师",
                2,
                "out of place",
            ),
            (
                "@jia 甲类 | 按天\njia.yi 乙工 {new} {new} | 乙师",
                2,
                "after the name",
            ),
            ("@jia 甲类 | 按天\njia.Yi 乙工 | 乙师", 2, "lowercase"),
            ("@jia 甲类 | 按天\njiayi 乙工 | 乙师", 2, "no category part"),
            (
                "@jia 甲类 | 按天\n\njia.yi.zi 子工 | 子师",
                3,
                "not defined above",
            ),
            (
                "@jia 甲类 | 按天\n@bing 丙类 | 按月\njia.yi 乙工 | 乙师",
                3,
                "not in @bing",
            ),
            (
                "@jia 甲类 | 按天\njia.yi 乙工 | 乙师\njia.yi 乙匠 |",
                3,
                "already defined on line 2",
            ),
            (
                "@jia 甲类 | 按天\n@jia 甲类别 | 按月",
                2,
                "already defined on line 1",
            ),
            ("@jia 甲类", 1, "a category line is"),
            ("@jia 甲类 |  ", 1, "no forms hint"),
            ("@jia.x 甲类 | 按天", 1, "without a dot"),
            ("@jia 甲 类 | 按天", 1, "a category line is"),
            ("# only a comment", 0, "no entries"),
        ];
        for (text, line, reason) in cases {
            let e = parse_catalogue(text).expect_err(text);
            assert_eq!(e.line, line, "{text}: {e}");
            assert!(e.to_string().contains(reason), "{text}: {e}");
            if line > 0 {
                let bad = text.lines().nth(line - 1).unwrap().trim();
                assert!(e.to_string().contains(&format!("line {line}: ")), "{e}");
                assert!(e.to_string().contains(bad), "{e}");
            }
        }
    }

    #[test]
    #[should_panic(expected = "test.txt line 2: ")]
    fn a_malformed_file_panics_naming_the_line() {
        parse_or_panic("test.txt", "@jia 甲类 | 按天\njia.yi 乙工\n");
    }

    #[test]
    fn every_code_ever_published_is_still_there() {
        for code in CODES_BEFORE_THE_DATA_FILE {
            assert!(occupation(code).is_some(), "{code} disappeared");
        }
    }

    #[test]
    fn at_least_four_hundred_trades_in_at_most_32_categories() {
        let leaves = CATALOGUE.iter().filter(|o| o.is_leaf()).count();
        assert!(leaves >= 400, "{leaves} leaves");
        let categories = occupation_categories().len();
        assert!((12..=32).contains(&categories), "{categories} categories");
        for c in occupation_categories() {
            assert!(occupation_children(c.code).len() >= 5, "{} is thin", c.code);
            assert!(c.forms_hint.is_some(), "{}", c.code);
        }
    }

    #[test]
    fn codes_are_unique_well_formed_and_nested() {
        let mut seen = HashSet::new();
        for o in occupations() {
            assert!(seen.insert(o.code), "duplicate code {}", o.code);
            assert!(
                o.code.split('.').all(|seg| !seg.is_empty()
                    && seg
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')),
                "{}",
                o.code
            );
            match o.parent {
                None => assert!(!o.code.contains('.'), "{}", o.code),
                Some(p) => {
                    assert!(occupation(p).is_some(), "{} has missing parent {p}", o.code);
                    assert_eq!(
                        o.code.rsplit_once('.').map(|(a, _)| a),
                        Some(p),
                        "{}",
                        o.code
                    );
                    assert!(o.forms_hint.is_none() || o.is_category());
                }
            }
        }
    }

    #[test]
    fn no_cycles() {
        for o in occupations() {
            let mut steps = 0;
            let mut current = o.parent;
            while let Some(p) = current {
                steps += 1;
                assert!(steps <= CATALOGUE.len(), "cycle through {}", o.code);
                current = occupation(p).and_then(|x| x.parent);
            }
            assert_eq!(o.category().parent, None);
        }
    }

    #[test]
    fn names_and_synonyms_are_unique_across_the_catalogue() {
        let mut words: HashMap<String, &str> = HashMap::new();
        for o in occupations() {
            for w in std::iter::once(&o.name).chain(o.synonyms.iter()) {
                let key = w.to_lowercase();
                if let Some(other) = words.insert(key, o.code) {
                    panic!("{w} used by both {other} and {}", o.code);
                }
            }
        }
    }

    #[test]
    fn dadian_codes_are_well_formed() {
        for o in occupations() {
            if let Some(code) = o.dadian_code {
                let parts: Vec<&str> = code.split('-').collect();
                assert_eq!(parts.len(), 4, "{code}");
                assert!(parts[0].len() == 1 && parts[1..].iter().all(|p| p.len() == 2));
                assert!(parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())));
            }
        }
        assert_eq!(
            resolve_occupation("家政服务员").unwrap().dadian_code,
            Some("4-10-01-06")
        );
        assert_eq!(
            resolve_occupation("网约配送员").unwrap().dadian_code,
            Some("4-02-07-10")
        );
    }

    #[test]
    fn resolution_by_code_name_and_synonym() {
        assert_eq!(
            resolve_occupation("月嫂").unwrap().category().code,
            "muying"
        );
        assert_eq!(resolve_occupation("月嫂").unwrap().name, "母婴护理员");
        assert_eq!(resolve_occupation("外卖").unwrap().code, "peisong.wangyue");
        assert_eq!(resolve_occupation("骑手").unwrap().name, "网约配送员");
        assert_eq!(resolve_occupation("网约车").unwrap().name, "网约车司机");
        assert_eq!(resolve_occupation("专车").unwrap().name, "网约车司机");
        assert_eq!(resolve_occupation("带货主播").unwrap().name, "直播销售员");
        assert_eq!(resolve_occupation("直播").unwrap().name, "直播销售员");
        assert_eq!(resolve_occupation("水电").unwrap().name, "水电工");
        assert_eq!(resolve_occupation("管道工").unwrap().name, "水电工");
        assert_eq!(resolve_occupation("保洁").unwrap().name, "保洁员");
        assert_eq!(resolve_occupation("钟点工").unwrap().name, "家庭保洁员");
        assert_eq!(resolve_occupation("清洁工").unwrap().name, "保洁员");
        assert_eq!(
            resolve_occupation(" jiazheng.baojie ").unwrap().name,
            "家庭保洁员"
        );
        assert_eq!(resolve_occupation("JIAZHENG").unwrap().name, "家政服务");
        assert_eq!(resolve_occupation("家政服务").unwrap().code, "jiazheng");
        assert_eq!(resolve_occupation("ai标注").unwrap().code, "shuzi.biaozhu");
        assert!(resolve_occupation("宇航员").is_none());
        assert!(resolve_occupation("").is_none());
    }

    #[test]
    fn children_are_all_descendants() {
        let kids = occupation_children("jiazheng");
        assert!(kids.iter().all(|o| o.parent == Some("jiazheng")));
        assert!(kids.iter().any(|o| o.code == "jiazheng.baojie"));
        assert!(occupation_children("jiazheng.baojie").is_empty());
        assert!(occupation_children("nope").is_empty());
        let total: usize = occupation_categories()
            .iter()
            .map(|c| occupation_children(c.code).len())
            .sum();
        assert_eq!(total + occupation_categories().len(), CATALOGUE.len());
    }

    #[test]
    fn new_occupations_are_flagged() {
        for name in [
            "网约配送员",
            "直播销售员",
            "社群健康助理员",
            "健康照护师",
            "调饮师",
            "汽车救援员",
            "城市管理网格员",
        ] {
            assert!(resolve_occupation(name).unwrap().new_occupation, "{name}");
        }
        assert!(!resolve_occupation("保安员").unwrap().new_occupation);
    }

    #[test]
    fn forms_hint_is_inherited() {
        let baojie = resolve_occupation("钟点工").unwrap();
        assert_eq!(baojie.forms_hint, None);
        assert_eq!(
            baojie.effective_forms_hint(),
            occupation("jiazheng").unwrap().forms_hint
        );
    }

    #[test]
    fn substring_search() {
        let hits: Vec<&str> = search_occupations("保洁").iter().map(|o| o.name).collect();
        assert_eq!(hits[0], "保洁员");
        assert!(hits.contains(&"家庭保洁员"));
        assert!(hits.contains(&"开荒保洁员"));
        assert!(!hits.contains(&"保安员"));
        assert!(search_occupations("").is_empty());
    }

    /// Every name, synonym and phrase of every entry.
    fn all_words() -> impl Iterator<Item = (&'static str, &'static Occupation)> {
        occupations().iter().flat_map(|o| {
            std::iter::once(&o.name)
                .chain(o.synonyms)
                .chain(o.phrases)
                .map(move |w| (*w, o))
        })
    }

    #[test]
    fn at_least_two_thousand_words_people_use() {
        let words = all_words().count();
        assert!(words >= 2000, "{words} names, synonyms and phrases");
        let phrases = occupation_phrases().count();
        assert!(phrases >= 1000, "{phrases} phrases");
        assert!(occupation_categories().iter().all(|c| c.phrases.is_empty()));
    }

    #[test]
    fn phrases_are_unique_and_never_a_name_or_synonym() {
        let names: HashMap<String, &str> = occupations()
            .iter()
            .flat_map(|o| {
                std::iter::once(&o.name)
                    .chain(o.synonyms)
                    .map(move |w| (w.to_lowercase(), o.code))
            })
            .collect();
        let mut phrases: HashMap<String, &str> = HashMap::new();
        for (p, o) in occupation_phrases() {
            let key = p.to_lowercase();
            if let Some(other) = names.get(&key) {
                panic!("phrase {p} of {} is a name or synonym of {other}", o.code);
            }
            if let Some(other) = phrases.insert(key, o.code) {
                panic!("phrase {p} used by both {other} and {}", o.code);
            }
            assert!(!o.is_category(), "{p} is on category {}", o.code);
        }
    }

    #[test]
    fn no_single_character_words() {
        for (w, o) in all_words() {
            assert!(
                w.chars().count() >= 2,
                "{w:?} in {} is a single character",
                o.code
            );
            assert!(!w.chars().any(char::is_whitespace), "{w:?} in {}", o.code);
        }
    }

    #[test]
    fn dadian_codes_name_their_source() {
        // The line right above an entry with a 大典 code is a comment
        // `# 大典 <code>: <source>`.
        let lines: Vec<&str> = DATA.lines().map(str::trim).collect();
        let mut checked = 0;
        for (i, line) in lines.iter().enumerate() {
            let Some(code) = line
                .split_whitespace()
                .find_map(|w| w.strip_prefix('[').and_then(|w| w.strip_suffix(']')))
            else {
                continue;
            };
            if line.starts_with('#') {
                continue;
            }
            let above = if i > 0 { lines[i - 1] } else { "" };
            let want = format!("# 大典 {code}: ");
            assert!(
                above.starts_with(&want) && above.len() > want.len(),
                "line {}: {line} needs a source comment `{want}…` right above it",
                i + 1
            );
            checked += 1;
        }
        assert_eq!(
            checked,
            occupations()
                .iter()
                .filter(|o| o.dadian_code.is_some())
                .count()
        );
    }

    #[test]
    fn phrases_resolve_only_through_resolve_phrase() {
        assert_eq!(resolve_phrase("修水管").unwrap().code, "weixiu.shuidian");
        assert_eq!(resolve_phrase(" 修 水管 ").unwrap().name, "水电工");
        assert_eq!(resolve_phrase("通下水道").unwrap().name, "水电工");
        assert_eq!(resolve_phrase("看孩子").unwrap().name, "育婴员");
        assert_eq!(resolve_phrase("看娃").unwrap().name, "育婴员");
        assert_eq!(resolve_phrase("伺候月子").unwrap().name, "母婴护理员");
        assert_eq!(resolve_phrase("搬砖").unwrap().name, "建筑普工");
        assert_eq!(resolve_phrase("和灰").unwrap().name, "建筑普工");
        assert_eq!(resolve_phrase("送快递").unwrap().name, "快递员");
        assert_eq!(resolve_phrase("看大门").unwrap().name, "保安员");
        assert_eq!(resolve_phrase("扫地").unwrap().category().code, "baojie");
        assert_eq!(resolve_phrase("拾掇家").unwrap().code, "jiazheng.baojie");
        assert_eq!(resolve_phrase("摘花椒").unwrap().code, "nongye.caizhai");
        assert_eq!(resolve_phrase("开叉车").unwrap().name, "叉车司机");
        assert!(resolve_occupation("修水管").is_none());
        assert!(resolve_occupation("看娃").is_none());
        // A name or synonym is not a phrase.
        assert!(resolve_phrase("水电工").is_none());
        assert!(resolve_phrase("").is_none());
        let listed: Vec<(&str, &str)> = occupation_phrases()
            .filter(|(_, o)| o.code == "weixiu.shuidian")
            .map(|(p, o)| (p, o.code))
            .collect();
        assert!(listed.contains(&("修水管", "weixiu.shuidian")));
    }

    #[test]
    fn trades_another_city_names_resolve() {
        for (word, code) in [
            ("快递分拣员", "banyun.fenjian"),
            ("仓库打包员", "banyun.dabao"),
            ("农业采摘工", "nongye.caizhai"),
            ("医院陪护", "yanglao.hugong"),
            ("客房服务员", "zhusu.kefang"),
            ("推广员", "xiaoshou.tuiguang"),
            ("文员", "bangong.wenyuan"),
        ] {
            let o = resolve_occupation(word).unwrap_or_else(|| panic!("{word} unknown"));
            assert_eq!(o.code, code, "{word}");
            assert!(o.is_leaf(), "{word}");
        }
    }

    #[test]
    fn substring_search_reaches_phrases() {
        let hits = search_occupations("修水管");
        assert_eq!(hits[0].code, "weixiu.shuidian");
        let hits: Vec<&str> = search_occupations("水管").iter().map(|o| o.code).collect();
        assert!(hits.contains(&"weixiu.shuidian"));
        // Name and synonym matches come before phrase-only matches.
        let hits: Vec<&str> = search_occupations("月子").iter().map(|o| o.code).collect();
        assert_eq!(hits[0], "muying.muying_huli");
    }

    #[test]
    fn serializes_for_the_api() {
        let json = serde_json::to_value(occupation("peisong.wangyue").unwrap()).unwrap();
        assert_eq!(json["name"], "网约配送员");
        assert_eq!(json["parent"], "peisong");
        assert_eq!(json["new_occupation"], true);
    }
}
