//! The policy text as data: 晋政办发〔2020〕89号 embedded verbatim, split at
//! first use into clauses with stable ids (`二(一)` … `五(十四)`) and into
//! sentences, so citations quote the exact sentence a rule rests on. The
//! SHA-256 of the text is recorded here; [`crate::check`] fails when the
//! embedded text no longer matches it, which flags every rule whose clause
//! wording may have changed.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// The document's number, as citations name it.
pub const DOCUMENT: &str = "晋政办发〔2020〕89号";

/// The full text, exactly as published (see `data/`).
pub const POLICY_TEXT: &str = include_str!("../data/jinzhengbanfa-2020-89.txt");

/// SHA-256 of [`POLICY_TEXT`] as reviewed. Change only together with a review
/// of every rule citing a changed clause.
pub const POLICY_TEXT_SHA256: &str =
    "d10931a47af78df982fd6fda0601c3c7a94661e2eb56fdce14682a3fb2d4984b";

/// Clauses that give a person something (a benefit, an exemption, a
/// referral); each must be implemented by at least one rule. The others set
/// goals, services or duties of government that are not decided per person.
pub const GRANTING_CLAUSES: &[&str] = &[
    "二(一)",
    "二(二)",
    "二(三)",
    "三(四)",
    "三(五)",
    "三(六)",
    "四(八)",
    "四(十一)",
];

/// One clause of the document.
#[derive(Clone, Debug, Serialize)]
pub struct Clause {
    /// `二(一)`; the general part, which has no numbered clauses, is `一`.
    pub id: String,
    /// The part heading, e.g. `二、拓宽灵活就业发展渠道`.
    pub part: &'static str,
    /// The clause's own heading, e.g. `鼓励个体经营发展`.
    pub title: &'static str,
    /// The clause as published, without its `(一)` marker.
    pub text: &'static str,
    /// The sentences of the text (each ending in `。`), without the closing
    /// list of responsible departments.
    pub sentences: Vec<&'static str>,
    /// The closing `(省财政厅……负责)`, if any.
    pub departments: Option<&'static str>,
    /// Whether the clause gives a person something a rule must decide.
    pub grants: bool,
}

/// All clauses in document order.
pub fn policy_clauses() -> &'static [Clause] {
    static CLAUSES: OnceLock<Vec<Clause>> = OnceLock::new();
    CLAUSES.get_or_init(|| split(POLICY_TEXT))
}

/// The clause with this id.
pub fn clause(id: &str) -> Option<&'static Clause> {
    policy_clauses().iter().find(|c| c.id == id)
}

/// The one sentence of a clause that contains `phrase`; `None` when no
/// sentence or more than one does.
pub fn sentence_containing(clause_id: &str, phrase: &str) -> Option<&'static str> {
    let c = clause(clause_id)?;
    let mut hits = c.sentences.iter().filter(|s| s.contains(phrase));
    let first = hits.next()?;
    if hits.next().is_some() {
        return None;
    }
    Some(first)
}

/// SHA-256 of the embedded text as it is now.
pub fn policy_text_sha256() -> String {
    hex::encode(Sha256::digest(POLICY_TEXT.as_bytes()))
}

const NUMERALS: &[&str] = &[
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
    "十五", "十六",
];

fn split(text: &'static str) -> Vec<Clause> {
    let mut out = Vec::new();
    let mut part: Option<(&'static str, &'static str)> = None; // (numeral, heading)
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some((num, _)) = line.split_once('、')
            && NUMERALS[..5].contains(&num)
            && !line.contains('。')
        {
            part = Some((num, line));
            continue;
        }
        let Some((pnum, heading)) = part else {
            continue;
        };
        if let Some(rest) = line.strip_prefix('(')
            && let Some((num, body)) = rest.split_once(')')
            && NUMERALS.contains(&num)
        {
            out.push(clause_from(format!("{pnum}({num})"), heading, body));
        } else if line.starts_with("山西省人民政府办公厅") {
            // The signature block ends the document's clauses.
            part = None;
        } else if out.last().is_none_or(|c: &Clause| !c.id.starts_with(pnum)) {
            out.push(clause_from(pnum.to_string(), heading, line));
        }
    }
    out
}

fn clause_from(id: String, part: &'static str, body: &'static str) -> Clause {
    let (main, departments) = trailing_parenthesis(body);
    let sentences: Vec<&'static str> = main
        .split_inclusive('。')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let title = if id.contains('(') {
        sentences
            .first()
            .map(|s| s.trim_end_matches('。'))
            .unwrap_or("")
    } else {
        part.split_once('、').map(|(_, h)| h).unwrap_or(part)
    };
    let grants = GRANTING_CLAUSES.contains(&id.as_str());
    Clause {
        id,
        part,
        title,
        text: body,
        sentences,
        departments,
        grants,
    }
}

/// Splits `……。(省财政厅……负责)` into the text and the closing parenthesis.
fn trailing_parenthesis(body: &'static str) -> (&'static str, Option<&'static str>) {
    if !body.ends_with(')') {
        return (body, None);
    }
    let mut depth = 0i32;
    for (i, ch) in body.char_indices().rev() {
        match ch {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return (&body[..i], Some(&body[i..]));
                }
            }
            _ => {}
        }
    }
    (body, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_ids_in_order() {
        let ids: Vec<&str> = policy_clauses().iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "一",
                "二(一)",
                "二(二)",
                "二(三)",
                "三(四)",
                "三(五)",
                "三(六)",
                "四(七)",
                "四(八)",
                "四(九)",
                "四(十)",
                "四(十一)",
                "五(十二)",
                "五(十三)",
                "五(十四)"
            ]
        );
    }

    #[test]
    fn sentences_and_departments() {
        let c = clause("二(一)").unwrap();
        assert_eq!(c.title, "鼓励个体经营发展");
        assert!(c.departments.unwrap().starts_with("(省财政厅"));
        assert!(c.sentences.last().unwrap().ends_with("50%。"));
        let s = sentence_containing("二(一)", "14400元").unwrap();
        assert!(s.starts_with("对符合条件的建档立卡贫困人口"));
        assert!(s.ends_with("个人所得税。"));
        let c = clause("四(七)").unwrap();
        assert!(c.departments.unwrap().contains("列第一位者为牵头单位"));
        assert_eq!(clause("一").unwrap().title, "总体要求");
    }

    #[test]
    fn hash_recorded() {
        assert_eq!(policy_text_sha256(), POLICY_TEXT_SHA256);
    }
}
