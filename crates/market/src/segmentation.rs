//! Chinese word segmentation for the search index: jieba with a user
//! dictionary of the occupation catalogue, the regions of Shanxi and local
//! trade words.
//!
//! Posts are segmented in jieba's *search* mode (a long word also yields
//! the 2- and 3-character dictionary words inside it: 家庭保洁员 → 家庭,
//! 保洁, 保洁员, 家庭保洁员), queries in the default mode (whole words).
//! So a query word matches a post that contains it alone or inside a longer
//! word — 保洁 finds 家庭保洁员 — but never a different word that merely
//! shares a character (保洁 does not find 保安).
//!
//! HMM guessing of unknown words is off on both sides: it would segment the
//! same unknown name differently in different sentences, and it costs time.
//! Unknown words fall back to dictionary pieces or single characters.
//!
//! One dictionary is built per process (about 0.3 s and 40 MB) and shared by
//! every index through an `Arc`; `tantivy-jieba`'s tokenizer would clone
//! the whole dictionary each time tantivy asks for a tokenizer, so this
//! module implements tantivy's `Tokenizer` itself.

use std::sync::{Arc, LazyLock};

use jieba_rs::Jieba;
use linghuo_domain::{RegionLevel, all_regions, occupations};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Trade and market words people type that are not catalogue names or
/// synonyms; added to the dictionary so they stay whole.
pub const LOCAL_WORDS: &[&str] = &[
    "零工",
    "日结",
    "周结",
    "月结",
    "现结",
    "临时工",
    "短期工",
    "长期工",
    "兼职",
    "全职",
    "钟点",
    "小时工",
    "计件",
    "包吃住",
    "管吃住",
    "包吃",
    "包住",
    "管饭",
    "五险",
    "工伤保险",
    "意外险",
    "健康证",
    "上门",
    "住家",
    "不住家",
    "白班",
    "夜班",
    "倒班",
    "周末",
    "寒暑假",
    "开荒",
    "擦玻璃",
    "深度清洁",
    "做饭",
    "带娃",
    "照顾老人",
    "搬运",
    "装卸",
    "送餐",
    "接单",
    "抢单",
    "派单",
    "驻场",
    "零工市场",
    "就业驿站",
    "灵活就业",
    "新就业形态",
    "非全日制",
    "水电",
    "维修",
    "安装",
    "保洁",
    "保安",
    "护工",
    "月嫂",
    "育儿嫂",
    "家政",
    "快递",
    "外卖",
    "骑手",
    "网约车",
    "代驾",
    "叉车",
    "电焊",
    "瓦工",
    "木工",
    "油漆",
    "小工",
    "服务员",
    "帮厨",
    "厨师",
    "收银",
    "导购",
    "促销",
    "主播",
    "直播",
    "客服",
    "标注",
];

/// Words that carry no meaning in a job search ("找保洁的工作" → 保洁) or
/// that every post has (内容, 待遇, 元): neither indexed nor searched.
const STOP_WORDS: &[&str] = &[
    "的", "了", "在", "和", "与", "及", "或", "找", "要", "我", "想", "有", "是", "个", "做", "招",
    "聘", "招聘", "招人", "急招", "诚聘", "工作", "岗位", "职位", "人员", "师傅", "附近", "本地",
    "一名", "若干", "一个", "求职", "找活", "活", "干活", "元", "名", "人", "内容", "待遇", "要求",
    "提供", "负责", "优先", "相关", "以上", "以下", "左右", "可以", "能够", "需要", "等",
];

/// Most tokens are two or three CJK characters; stop words are one to
/// three, so a length check skips most lookups.
fn is_stop_word(w: &str) -> bool {
    w.len() <= 6 && STOP_WORDS.contains(&w)
}

static SHARED: LazyLock<Arc<Jieba>> = LazyLock::new(|| Arc::new(build_dictionary()));

fn build_dictionary() -> Jieba {
    let mut jieba = Jieba::new();
    let mut add = |word: &str| {
        let w = word.trim().to_lowercase();
        if w.chars().count() >= 2 {
            // Suggested frequency, raised so a trade word beats a split into
            // two common words ("水电" + "工").
            let f = jieba.suggest_freq(&w).max(2_000);
            jieba.add_word(&w, Some(f), None);
        }
    };
    for o in occupations() {
        add(o.name);
        for s in o.synonyms.iter().chain(o.phrases) {
            add(s);
        }
    }
    for region in all_regions() {
        let name = region.name();
        add(name);
        if region.level() != RegionLevel::Province {
            for suffix in ["市", "区", "县"] {
                if let Some(stem) = name.strip_suffix(suffix)
                    && stem.chars().count() >= 2
                {
                    add(stem);
                }
            }
        }
    }
    for w in LOCAL_WORDS {
        add(w);
    }
    jieba
}

/// The shared segmenter. Cheap to clone (an `Arc`).
#[derive(Clone)]
pub struct Segmenter {
    jieba: Arc<Jieba>,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segmenter").finish_non_exhaustive()
    }
}

impl Default for Segmenter {
    fn default() -> Self {
        Segmenter::shared()
    }
}

/// Whether a token is worth indexing: it has a letter or a CJK character
/// (not punctuation, spaces or a bare number) and is not a stop word.
/// Checks the common cases before the slow Unicode tables.
fn is_word(w: &str) -> bool {
    w.chars().any(|c| {
        c.is_ascii_alphabetic()
            || ('\u{4e00}'..='\u{9fff}').contains(&c)
            || (!c.is_ascii() && c.is_alphabetic())
    }) && !is_stop_word(w)
}

/// Lower-cases only when needed (Chinese text has no case).
fn lower(text: &str) -> std::borrow::Cow<'_, str> {
    let has_upper = text.chars().any(|c| {
        if c.is_ascii() {
            c.is_ascii_uppercase()
        } else if ('\u{3000}'..='\u{9fff}').contains(&c) {
            false
        } else {
            c.is_uppercase()
        }
    });
    if has_upper {
        std::borrow::Cow::Owned(text.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

impl Segmenter {
    /// The process-wide segmenter (the dictionary is built on first use).
    pub fn shared() -> Segmenter {
        Segmenter {
            jieba: SHARED.clone(),
        }
    }

    /// Tokens as the index stores them (search mode, lower-cased, no
    /// punctuation).
    pub fn index_tokens(&self, text: &str) -> Vec<String> {
        let lower = lower(text);
        self.jieba
            .cut_for_search(&lower, false)
            .into_iter()
            .filter(|t| is_word(t.word))
            .map(|t| t.word.to_string())
            .collect()
    }

    /// The words of a query (default mode, lower-cased, without stop words
    /// and duplicates), in order.
    pub fn query_words(&self, text: &str) -> Vec<String> {
        let lower = lower(text);
        let mut words: Vec<String> = Vec::new();
        for t in self.jieba.cut(&lower, false) {
            let w = t.word.trim();
            if is_word(w) && !words.iter().any(|x| x == w) {
                words.push(w.to_string());
            }
        }
        words
    }

    /// Whether the dictionary knows a word (after lower-casing).
    pub fn knows(&self, word: &str) -> bool {
        self.jieba.has_word(&word.to_lowercase())
    }
}

/// The token stream handed to tantivy. Text without upper case (nearly
/// all Chinese text) is segmented in place and each token is copied into
/// one reused buffer; other text is lower-cased first.
pub struct SegmentStream<'a> {
    text: std::borrow::Cow<'a, str>,
    /// Byte ranges of the tokens in `text`.
    spans: Vec<(usize, usize)>,
    next: usize,
    token: Token,
}

impl TokenStream for SegmentStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(&(from, to)) = self.spans.get(self.next) else {
            return false;
        };
        self.token.text.clear();
        self.token.text.push_str(&self.text[from..to]);
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = self.next;
        self.token.position_length = 1;
        self.next += 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

impl Tokenizer for Segmenter {
    type TokenStream<'a> = SegmentStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SegmentStream<'a> {
        let text = lower(text);
        // Offsets refer to the lower-cased text, which has the same length
        // as the original for the CJK and ASCII text posts carry.
        let spans = self
            .jieba
            .cut_for_search(&text, false)
            .into_iter()
            .filter(|t| is_word(t.word))
            .map(|t| (t.byte_start, t.byte_end))
            .collect();
        SegmentStream {
            text,
            spans,
            next: 0,
            token: Token::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trade_words_stay_whole_and_yield_their_parts() {
        let s = Segmenter::shared();
        let t = s.index_tokens("招聘家庭保洁员，日结");
        for w in ["家庭保洁员", "保洁", "保洁员", "日结"] {
            assert!(t.contains(&w.to_string()), "{w} missing from {t:?}");
        }
        assert!(!t.contains(&"保安".to_string()));
        let t = s.index_tokens("小区保安员");
        assert!(t.contains(&"保安".to_string()), "{t:?}");
        assert!(!t.contains(&"保洁".to_string()));
        let t = s.index_tokens("水电工上门维修");
        assert!(t.contains(&"水电".to_string()), "{t:?}");
        assert!(t.contains(&"水电工".to_string()), "{t:?}");
    }

    #[test]
    fn query_words_drop_stop_words() {
        let s = Segmenter::shared();
        assert_eq!(s.query_words("找保洁的工作"), vec!["保洁"]);
        assert_eq!(s.query_words("月嫂"), vec!["月嫂"]);
        assert_eq!(s.query_words("小店 水电工"), vec!["小店", "水电工"]);
        assert_eq!(s.query_words("AI标注"), vec!["ai标注"]);
        assert!(s.query_words("，。 ").is_empty());
    }

    #[test]
    fn dictionary_holds_the_catalogue_and_regions() {
        let s = Segmenter::shared();
        for w in [
            "母婴护理员",
            "月嫂",
            "网约配送员",
            "小店区",
            "小店",
            "太原",
            "日结",
        ] {
            assert!(s.knows(w), "{w}");
        }
    }
}
