//! Suggestions as a worker types in the 找活 box: trades (names, synonyms and everyday
//! phrases such as 修水管), conditions (日结, 包吃住) and places (小店区), each with the
//! whole search text it would give. Public and personal-data free: the text is read, never
//! stored; a text that holds an ID or phone number gets no suggestions.
//!
//! The words come from the market's vocabulary ([`Vocabulary::suggest`] for trades,
//! [`COND_QUERY_CUES`] for conditions, the region table for places). Only the word being
//! typed — the last one — is completed: "小店区 保" offers 小店区 保洁, 小店区 保安 …; when
//! it runs on without a space ("小店区保"), the longest tail of it that starts a word is
//! completed. A near spelling (保结) is offered what the search reads it as (保洁).

use linghuo_domain::{RegionLevel, all_regions, occupation};
use linghuo_market::Vocabulary;
use linghuo_market::vocab::{COND_QUERY_CUES, TradeHow, normalize};
use serde::Serialize;

/// At most this many suggestions.
pub const MAX_SUGGESTIONS: usize = 8;
/// Longer texts are not completed (the search box takes 100 characters).
const MAX_TEXT: usize = 100;

/// One suggestion for the search box.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    /// The word suggested, e.g. 修水管.
    pub text: String,
    /// The catalogue code of the trade it names (trades only), e.g. weixiu.shuidian.
    pub trade: Option<String>,
    /// The trade's catalogue name, e.g. 水电工.
    pub trade_name: Option<String>,
    /// trade, condition or place.
    pub kind: &'static str,
    /// The whole search text with the suggestion in place of the word being typed.
    pub query: String,
}

/// Suggestions for what has been typed so far, at most `limit` (capped at
/// [`MAX_SUGGESTIONS`]).
pub fn suggest(typed: &str, limit: usize) -> Vec<Suggestion> {
    let limit = limit.clamp(1, MAX_SUGGESTIONS);
    let typed = typed.trim();
    if typed.is_empty()
        || typed.chars().count() > MAX_TEXT
        || linghuo_domain::find_unmasked_pii(typed).is_some()
    {
        return Vec::new();
    }
    // The word being typed is the last one; the words before it stay as they are.
    let (before, last) = match typed.rfind(char::is_whitespace) {
        Some(i) => {
            let (b, l) = typed.split_at(i);
            (format!("{} ", b.trim_end()), l.trim())
        }
        None => (String::new(), typed),
    };
    let vocab = Vocabulary::shared();
    let word = normalize(last).replace(' ', "");
    if word.is_empty() || word.chars().all(|c| c.is_ascii_digit()) {
        return Vec::new();
    }
    let out = completions(&vocab, &word, &before, limit);
    if !out.is_empty() {
        return out;
    }
    let out = corrections(&vocab, &word, &before, limit);
    if !out.is_empty() {
        return out;
    }
    // Run on without a space: complete the longest tail that starts a word, keeping the
    // head as typed ("小店区保" → "小店区保洁").
    let chars: Vec<char> = word.chars().collect();
    for start in 1..chars.len() {
        // Only between Chinese characters: latin letters are pinyin still being typed.
        if !(is_han(chars[start - 1]) && is_han(chars[start])) {
            continue;
        }
        let tail: String = chars[start..].iter().collect();
        let head: String = chars[..start].iter().collect();
        let out: Vec<Suggestion> = completions(&vocab, &tail, &format!("{before}{head}"), limit)
            .into_iter()
            .filter(|s| s.text.starts_with(&tail))
            .collect();
        if !out.is_empty() {
            return out;
        }
    }
    Vec::new()
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Trades, conditions and places that start with (first) or contain `word`.
fn completions(vocab: &Vocabulary, word: &str, before: &str, limit: usize) -> Vec<Suggestion> {
    // (starts with the word, length, kind order, suggestion)
    let mut found: Vec<(bool, usize, u8, Suggestion)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (text, code) in vocab.suggest(word, limit * 2) {
        if seen.insert(text.clone()) {
            found.push((
                text.starts_with(word),
                text.chars().count(),
                0,
                trade(text, code, before),
            ));
        }
    }
    for (cue, _) in COND_QUERY_CUES {
        if cue.contains(word) && seen.insert((*cue).to_owned()) {
            found.push((
                cue.starts_with(word),
                cue.chars().count(),
                1,
                Suggestion {
                    text: (*cue).to_owned(),
                    trade: None,
                    trade_name: None,
                    kind: "condition",
                    query: format!("{before}{cue}"),
                },
            ));
        }
    }
    for place in places() {
        if place.contains(word) && seen.insert(place.clone()) {
            found.push((
                place.starts_with(word),
                place.chars().count(),
                2,
                Suggestion {
                    query: format!("{before}{place}"),
                    text: place,
                    trade: None,
                    trade_name: None,
                    kind: "place",
                },
            ));
        }
    }
    // Stable: among equals, the catalogue's and the cue list's own order (日结 before 日清).
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    found.into_iter().take(limit).map(|(.., s)| s).collect()
}

fn trade(text: String, code: &str, before: &str) -> Suggestion {
    Suggestion {
        query: format!("{before}{text}"),
        trade_name: occupation(code).map(|o| o.name.to_owned()),
        trade: Some(code.to_owned()),
        kind: "trade",
        text,
    }
}

/// What the search reads a near spelling as (保结 → 保洁).
fn corrections(vocab: &Vocabulary, word: &str, before: &str, limit: usize) -> Vec<Suggestion> {
    let plan = vocab.analyze(word);
    let mut out: Vec<Suggestion> = Vec::new();
    for t in plan.trades.iter().filter(|t| t.how == TradeHow::Corrected) {
        let Some(read_as) = &t.read_as else { continue };
        if out.iter().any(|s| &s.text == read_as) {
            continue;
        }
        let query = format!("{before}{}", word.replacen(&t.surface, read_as, 1));
        out.push(Suggestion {
            query,
            ..trade(read_as.clone(), t.code, before)
        });
        if out.len() == limit {
            break;
        }
    }
    out
}

/// Names of Shanxi's cities and counties as a search reads them; a name several cities share
/// (城区, 郊区) carries its city (阳泉市城区).
fn places() -> Vec<String> {
    let regions: Vec<_> = all_regions()
        .into_iter()
        .filter(|r| matches!(r.level(), RegionLevel::City | RegionLevel::County))
        .collect();
    regions
        .iter()
        .map(|r| {
            let shared = regions.iter().filter(|o| o.name() == r.name()).count() > 1;
            match (shared, r.parent()) {
                (true, Some(city)) => format!("{}{}", city.name(), r.name()),
                _ => r.name().to_owned(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(v: &[Suggestion]) -> Vec<&str> {
        v.iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn a_phrase_names_its_trade() {
        let s = suggest("修水管", 8);
        let first = &s[0];
        assert_eq!(first.text, "修水管");
        assert_eq!(first.trade.as_deref(), Some("weixiu.shuidian"));
        assert_eq!(first.trade_name.as_deref(), Some("水电工"));
        assert_eq!(first.kind, "trade");
        assert_eq!(first.query, "修水管");
    }

    #[test]
    fn at_most_eight_and_words_that_start_first() {
        let s = suggest("保", 50);
        assert_eq!(s.len(), MAX_SUGGESTIONS);
        assert!(
            s.iter().all(|x| x.text.starts_with('保')),
            "{:?}",
            texts(&s)
        );
        assert!(texts(&s).contains(&"保洁"), "{:?}", texts(&s));
    }

    #[test]
    fn only_the_last_word_is_completed() {
        let s = suggest("小店区 保洁 日", 8);
        assert_eq!(s[0].text, "日结", "the cue list's order among equals");
        assert!(
            s.iter().any(|x| x.text == "日结"
                && x.kind == "condition"
                && x.query == "小店区 保洁 日结"),
            "{s:?}"
        );
        let s = suggest("小店区保", 8);
        assert!(
            s.iter().any(|x| x.query == "小店区保洁"),
            "run-on text completes its tail: {s:?}"
        );
    }

    #[test]
    fn places_and_near_spellings() {
        let s = suggest("小店", 8);
        assert!(
            s.iter().any(|x| x.text == "小店区" && x.kind == "place"),
            "{s:?}"
        );
        let s = suggest("保结", 8);
        assert!(
            s.iter().any(|x| x.text == "保洁" && x.query == "保洁"),
            "a near spelling is offered as read: {s:?}"
        );
        let s = suggest("城区", 8);
        assert!(
            s.iter().any(|x| x.text == "阳泉市城区"),
            "a shared name carries its city: {s:?}"
        );
    }

    #[test]
    fn nothing_for_empty_numbers_or_personal_data() {
        assert!(suggest("", 8).is_empty());
        assert!(suggest("   ", 8).is_empty());
        assert!(suggest("138", 8).is_empty());
        assert!(suggest("13812345678", 8).is_empty());
        assert!(suggest("保洁 140105199003071234", 8).is_empty());
        assert!(suggest("xiu", 8).is_empty(), "pinyin being typed");
    }
}
