//! Policy consultation (四(九) 政策咨询): a search over the clauses of 晋政办发〔2020〕89号 and
//! the FAQ, questions from signed-in workers and employers to the staff of their county, and
//! answers that notify the asker and may be published as FAQ entries.
//!
//! The search scores character bigrams: the share of the query's distinct bigrams found in a
//! clause or FAQ entry (the title or question counting double), and marks the matching part
//! of the best sentence. Chinese needs no word segmentation for this, and no dependency.
//! The starting FAQ is embedded here ([`SEED_FAQ`]); entries staff publish are stored in
//! `faq_entries` and listed after it.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use linghuo_domain::{RegionCode, mask_pii_in_text};
use linghuo_policy::clauses::{clause, policy_clauses};
use linghuo_storage::complaints::{self as repo, FaqRow, QuestionRow};
use linghuo_storage::notices::{self as notice_repo, NoticeRow};
use linghuo_storage::persons;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::access::{Actor, Role};
use crate::audit::{self, AuditActor, Event};
use crate::error::{Result, ServiceError};

/// The starting FAQ: (question, answer, clause id), written from the policy text.
pub const SEED_FAQ: &[(&str, &str, &str)] = &[
    (
        "登记失业人员、高校毕业生开个体店，能减免哪些税费？",
        "建档立卡贫困人口、登记失业人员、高校毕业生等重点群体从事个体经营的，自办理个体工商户登记当月起，在3年（36个月）内按每户每年14400元为限额，依次扣减当年实际应缴纳的增值税、城市维护建设费、教育费附加、地方教育附加和个人所得税。",
        "二(一)",
    ),
    (
        "个人创业担保贷款最多能贷多少？",
        "个人创业担保贷款额度由15万元提高至30万元。经办银行会做资信调查和还款能力评估，符合条件的人员可获得更大力度的信贷支持。",
        "二(一)",
    ),
    (
        "什么人可以领一次性创业补贴？标准是多少？",
        "就业困难人员、返乡农民工、离校2年内高校毕业生，首次创办小微企业或从事个体经营且正常经营1年以上的，按带动就业人数给予一次性创业补贴，每人不超过1000元，总计不超过3000元。正常经营6个月以上的，可先申领补贴资金的50%。",
        "二(一)",
    ),
    (
        "做非全日制工作，能领社会保险补贴吗？",
        "就业困难人员、离校2年内未就业的高校毕业生从事非全日制等工作的，按不超过实际缴纳社会保险费的2/3给予社会保险补贴。就业困难人员补贴期限不超过3年，离校2年内未就业的高校毕业生不超过2年。",
        "二(二)",
    ),
    (
        "跑外卖、开网约车要买工具，能申请贷款吗？",
        "平台就业人员购置生产经营必需工具的，可以申请创业担保贷款及贴息。",
        "二(三)",
    ),
    (
        "摆摊卖菜、上门修理，需要办营业执照吗？",
        "在政府指定的场所和时间内销售农副产品、日常生活用品，或者个人利用自己的技能从事依法无须取得许可的便民劳务活动，无须办理营业执照。",
        "三(四)",
    ),
    (
        "遇到乱收费，怎么投诉？",
        "涉及灵活就业的行政事业性收费已取消，经批准占道经营的免征城市道路占用费。遇到违规收费（包括有关部门向个体工商户违规收费），可以在本平台“违规收费举报”中举报，不用登录、可以匿名，凭查询码查看办理进度；已登录的劳动者也可以在“投诉调解”中投诉（类别选“违规收费”）。举报按收费单位类别转交市场监管、城管、税务等职能部门依法查处。",
        "三(五)",
    ),
    (
        "租国有房屋做个体经营，租金能减免吗？有没有免费场地？",
        "承租国有房屋的个体工商户按规定减免房屋租金；承租非国有房屋出现困难的，鼓励出租人减免或缓收房租。有条件的社区把闲置空间改造为免费经营场地，优先提供给下岗失业人员（含登记失业人员）、高校毕业生、农民工和就业困难人员。",
        "三(六)",
    ),
    (
        "灵活就业人员参加培训，有补贴吗？",
        "有创业意愿的灵活就业人员纳入创业培训范围。参加养老、托幼、家政、餐饮、维修、美容美发等技能培训和新职业技能培训的，按规定落实职业培训补贴和培训期间生活费补贴。",
        "四(八)",
    ),
    (
        "到哪里办用工登记、求职登记？要收费吗？",
        "各地服务大厅设有灵活就业服务窗口，提供用工登记、就（失）业登记、信息查询、职业指导、就业推荐和政策咨询。公共就业人才服务机构免费发布灵活就业岗位信息、免费办理求职登记，并按规定为灵活就业人员免费管理档案。在本平台录用时，用工登记会自动办理。",
        "四(九)",
    ),
    (
        "报酬、休息时间和用人方谈不拢，怎么办？",
        "双方可以协商确定服务时间、报酬收入、休息休假、职业安全等基本权益。协商不一致的，可以通过人民调解组织、企业劳动争议调解委员会和行业协会等调解解决。在本平台提交投诉后，人社部门可以转交调解组织调解。",
        "四(十)",
    ),
    (
        "养老保险费交不起，可以晚点交吗？",
        "2020年缴纳基本养老保险费确有困难的灵活就业人员，可以自愿暂缓缴费，2021年可继续缴费，缴费年限累计计算。2020年未缴费的月份，可于2021年底前补缴，缴费基数在2021年公布的个人缴费基数上下限范围内自主选择。",
        "四(十一)",
    ),
    (
        "生活遇到困难，能申请低保或临时救助吗？",
        "符合条件的困难群众会及时纳入低保范围；基本生活受疫情影响陷入困境、其他社会救助和保障制度暂时无法覆盖的家庭或个人，及时纳入临时救助范围。可向户籍地或居住地乡镇（街道）申请。",
        "四(十一)",
    ),
];

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FaqView {
    /// `seed-N` for the built-in entries, a UUID for entries staff published.
    pub id: String,
    pub question: String,
    pub answer: String,
    pub clause_id: String,
    pub clause_title: String,
}

/// A piece of an excerpt; `hit` marks text that matched the query.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Segment {
    pub text: String,
    pub hit: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    /// clause or faq.
    pub kind: String,
    pub clause_id: String,
    /// The clause's heading, or the FAQ question.
    pub title: String,
    /// The best-matching passage, plain.
    pub excerpt: String,
    /// The same passage in pieces, the matching ones marked.
    pub segments: Vec<Segment>,
    /// 0 to 100.
    pub score: u32,
    /// Where to read more.
    pub link: String,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionInput {
    /// 5 to 500 characters.
    pub question: String,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    /// 2 to 2000 characters.
    pub answer: String,
    /// The clause the answer rests on, e.g. 二(二) (optional).
    #[serde(default)]
    pub clause_id: String,
    /// Also publish the question and answer as an FAQ entry.
    #[serde(default)]
    pub publish: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct QuestionView {
    pub id: Uuid,
    pub question: String,
    pub status: String,
    pub status_label: &'static str,
    pub answer: String,
    pub clause_id: String,
    pub region_code: String,
    pub region_name: String,
    /// 劳动者 or 用人单位.
    pub asker: &'static str,
    pub created_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The distinct bigrams of the query's runs of letters, digits and Chinese characters (a
/// one-character run counts as itself).
fn query_grams(q: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut run: Vec<char> = Vec::new();
    let flush = |run: &mut Vec<char>, out: &mut BTreeSet<String>| {
        if run.len() == 1 {
            out.insert(run[0].to_lowercase().collect());
        } else {
            for w in run.windows(2) {
                out.insert(w.iter().flat_map(|c| c.to_lowercase()).collect());
            }
        }
        run.clear();
    };
    for c in q.chars() {
        if is_word_char(c) {
            run.push(c);
        } else if !run.is_empty() {
            flush(&mut run, &mut out);
        }
    }
    if !run.is_empty() {
        flush(&mut run, &mut out);
    }
    out
}

fn matched(grams: &BTreeSet<String>, text: &str) -> usize {
    let lower = text.to_lowercase();
    grams.iter().filter(|g| lower.contains(g.as_str())).count()
}

/// The text in pieces, the characters covered by a matching gram marked.
fn highlight(text: &str, grams: &BTreeSet<String>) -> Vec<Segment> {
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = chars
        .iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    let mut hit = vec![false; chars.len()];
    for g in grams {
        let gc: Vec<char> = g.chars().collect();
        if gc.is_empty() || gc.len() > lower.len() {
            continue;
        }
        for i in 0..=lower.len() - gc.len() {
            if lower[i..i + gc.len()] == gc[..] {
                hit[i..i + gc.len()].iter_mut().for_each(|h| *h = true);
            }
        }
    }
    let mut out: Vec<Segment> = Vec::new();
    for (c, h) in chars.into_iter().zip(hit) {
        match out.last_mut() {
            Some(s) if s.hit == h => s.text.push(c),
            _ => out.push(Segment {
                text: c.to_string(),
                hit: h,
            }),
        }
    }
    out
}

/// The sentence of `text` with the most matching grams, cut to about 120 characters around
/// the first match.
fn best_passage(text: &str, grams: &BTreeSet<String>) -> String {
    let best = text
        .split_inclusive(['。', '；'])
        .max_by_key(|s| (matched(grams, s), std::cmp::Reverse(s.len())))
        .unwrap_or(text)
        .trim();
    let chars: Vec<char> = best.chars().collect();
    if chars.len() <= 120 {
        return best.to_owned();
    }
    let lower = best.to_lowercase();
    let first = grams
        .iter()
        .filter_map(|g| lower.find(g.as_str()))
        .min()
        .map(|b| lower[..b].chars().count())
        .unwrap_or(0);
    let start = first.saturating_sub(40);
    let end = (start + 120).min(chars.len());
    format!(
        "{}{}{}",
        if start > 0 { "…" } else { "" },
        chars[start..end].iter().collect::<String>(),
        if end < chars.len() { "…" } else { "" }
    )
}

fn clause_title(id: &str) -> String {
    clause(id).map(|c| c.title.to_owned()).unwrap_or_default()
}

fn question_view(q: &QuestionRow) -> QuestionView {
    QuestionView {
        id: q.id,
        question: q.question.clone(),
        status: q.status.clone(),
        status_label: if q.status == "answered" {
            "已答复"
        } else {
            "待答复"
        },
        answer: q.answer.clone(),
        clause_id: q.clause_id.clone(),
        region_code: q.region_code.clone(),
        region_name: RegionCode::parse(&q.region_code)
            .map(|r| r.full_name())
            .unwrap_or_default(),
        asker: if q.employer_id.is_some() {
            "用人单位"
        } else {
            "劳动者"
        },
        created_at: q.created_at,
        answered_at: q.answered_at,
    }
}

impl Service {
    /// The FAQ: the built-in entries, then those staff published.
    pub async fn consult_faq(&self) -> Result<Vec<FaqView>> {
        let mut out: Vec<FaqView> = SEED_FAQ
            .iter()
            .enumerate()
            .map(|(i, (q, a, c))| FaqView {
                id: format!("seed-{}", i + 1),
                question: (*q).to_owned(),
                answer: (*a).to_owned(),
                clause_id: (*c).to_owned(),
                clause_title: clause_title(c),
            })
            .collect();
        for f in repo::published_faq(&self.db).await? {
            out.push(FaqView {
                id: f.id.to_string(),
                clause_title: clause_title(&f.clause_id),
                question: f.question,
                answer: f.answer,
                clause_id: f.clause_id,
            });
        }
        Ok(out)
    }

    /// Searches the policy clauses and the FAQ (public). At most 20 hits, best first.
    pub async fn consult_search(&self, query: &str) -> Result<Vec<SearchHit>> {
        let q = query.trim();
        if q.chars().count() > 100 {
            return Err(ServiceError::invalid(
                "q",
                "text_length",
                "搜索内容最多100字",
            ));
        }
        let grams = query_grams(q);
        if grams.is_empty() {
            return Ok(Vec::new());
        }
        let total = grams.len();
        // At least half the query's bigrams must appear.
        let needed = total.div_ceil(2);
        let mut hits = Vec::new();
        let mut consider = |kind: &str, clause_id: &str, title: &str, body: &str, link: String| {
            let in_title = matched(&grams, title);
            let in_body = matched(&grams, body);
            let both = matched(&grams, &format!("{title}\n{body}"));
            if both < needed {
                return;
            }
            let score = ((in_title * 2 + in_body) as f64 / (total * 3) as f64 * 100.0)
                .round()
                .min(100.0) as u32;
            let passage = if in_body > 0 {
                best_passage(body, &grams)
            } else {
                best_passage(body, &BTreeSet::new())
            };
            hits.push(SearchHit {
                kind: kind.into(),
                clause_id: clause_id.into(),
                title: title.into(),
                segments: highlight(&passage, &grams),
                excerpt: passage,
                score: score.max(1),
                link,
            });
        };
        for c in policy_clauses() {
            consider(
                "clause",
                &c.id,
                c.title,
                c.text,
                format!("/policy/text#clause-{}", c.id),
            );
        }
        for f in self.consult_faq().await? {
            consider(
                "faq",
                &f.clause_id,
                &f.question,
                &f.answer,
                format!("/consult#faq-{}", f.id),
            );
        }
        hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.kind.cmp(&b.kind)));
        hits.truncate(20);
        Ok(hits)
    }

    /// A signed-in worker or employer asks the staff of their county a question.
    pub async fn ask_question(&self, actor: &Actor, input: QuestionInput) -> Result<QuestionView> {
        let text = input.question.trim();
        let n = text.chars().count();
        if !(5..=500).contains(&n) {
            return Err(ServiceError::invalid(
                "question",
                if n == 0 { "required" } else { "text_length" },
                "问题应为5至500字",
            ));
        }
        let (person_id, employer_id, region) = match actor.role {
            Role::Worker => {
                let p = actor.person_id.ok_or(ServiceError::Forbidden {
                    code: "person_missing",
                    message: "账户未关联人员信息".into(),
                })?;
                let person = persons::by_id(&self.db, p)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                (Some(p), None, person.jurisdiction_code)
            }
            Role::Employer => {
                let e = self.employer_of(actor).await?;
                (None, Some(e.id), e.county_code)
            }
            _ => return Err(ServiceError::forbidden()),
        };
        let now = self.clock.now();
        let row = QuestionRow {
            id: Uuid::new_v4(),
            user_id: actor.user_id,
            person_id,
            employer_id,
            region_code: region.clone(),
            question: text.to_owned(),
            status: "open".into(),
            answer: String::new(),
            clause_id: String::new(),
            answered_by: None,
            answered_at: None,
            created_at: now,
        };
        let mut tx = self.db.begin().await?;
        repo::insert_question(&mut tx, &row).await?;
        notice_repo::insert_notice(
            &mut tx,
            &NoticeRow {
                id: Uuid::new_v4(),
                audience: "staff".into(),
                person_id: None,
                employer_id: None,
                region_code: region.clone(),
                kind: "consult_question".into(),
                message: "辖区有一条新的政策咨询待答复".into(),
                link: "/staff/consult".into(),
                dedupe_key: format!("consult_question:{}", row.id),
                created_at: now,
                read_at: None,
            },
        )
        .await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("consult_question_asked", "consult_question", row.id).region(region),
        )
        .await?;
        tx.commit().await?;
        Ok(question_view(&row))
    }

    /// The caller's own questions, or (staff) the questions of their region, open first.
    pub async fn list_questions(&self, actor: &Actor) -> Result<Vec<QuestionView>> {
        let rows = match actor.role {
            Role::Staff => {
                let prefix = actor
                    .person_scope_prefix()
                    .ok_or_else(ServiceError::forbidden)?;
                repo::questions_in_region(&self.db, &prefix, 500).await?
            }
            Role::Worker | Role::Employer => {
                repo::questions_of_user(&self.db, actor.user_id).await?
            }
            _ => return Err(ServiceError::forbidden()),
        };
        Ok(rows.iter().map(question_view).collect())
    }

    /// Staff: one page of their region's questions, open first, searched by the question's
    /// text; with the number of open questions among all that match.
    pub async fn questions_page(
        &self,
        actor: &Actor,
        q: &crate::paging::PageQuery,
    ) -> Result<(crate::paging::Paged<QuestionView>, i64)> {
        actor.require_role(&[Role::Staff])?;
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let (rows, total, open) =
            repo::questions_in_region_page(&self.db, &prefix, &q.like(), q.limit(), q.offset())
                .await?;
        Ok((
            crate::paging::Paged::new(rows.iter().map(question_view).collect(), q, total),
            open,
        ))
    }

    /// Staff answer a question of their region; the asker is notified, and the answer may be
    /// published as an FAQ entry.
    pub async fn answer_question(
        &self,
        actor: &Actor,
        id: Uuid,
        input: AnswerInput,
    ) -> Result<QuestionView> {
        actor.require_role(&[Role::Staff])?;
        let q = repo::question(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !actor.may_see(&q.region_code, None) {
            return Err(self
                .deny(actor, "consult_question", id.to_string(), "answer")
                .await);
        }
        let answer = input.answer.trim();
        let n = answer.chars().count();
        if !(2..=2000).contains(&n) {
            return Err(ServiceError::invalid(
                "answer",
                if n == 0 { "required" } else { "text_length" },
                "答复应为2至2000字",
            ));
        }
        let clause_id = input.clause_id.trim();
        if !clause_id.is_empty() && clause(clause_id).is_none() {
            return Err(ServiceError::invalid(
                "clause_id",
                "clause_unknown",
                "政策条款编号不存在，例如 二(二)",
            ));
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::answer_question(&mut tx, id, answer, clause_id, actor.user_id, now).await? {
            return Err(ServiceError::Conflict {
                code: "question_answered",
                message: "该问题已答复".into(),
            });
        }
        let (audience, person, employer) = match q.employer_id {
            Some(e) => ("employer", None, Some(e)),
            None => ("worker", q.person_id, None),
        };
        notice_repo::insert_notice(
            &mut tx,
            &NoticeRow {
                id: Uuid::new_v4(),
                audience: audience.into(),
                person_id: person,
                employer_id: employer,
                region_code: q.region_code.clone(),
                kind: "consult_answered".into(),
                message: "您的政策咨询已答复，请查看".into(),
                link: "/consult/mine".into(),
                dedupe_key: format!("consult_answered:{id}"),
                created_at: now,
                read_at: None,
            },
        )
        .await?;
        let faq_id = if input.publish {
            let f = FaqRow {
                id: Uuid::new_v4(),
                question: mask_pii_in_text(&q.question),
                answer: answer.to_owned(),
                clause_id: clause_id.to_owned(),
                published: true,
                question_id: Some(id),
                created_by: Some(actor.user_id),
                created_at: now,
            };
            repo::insert_faq(&mut tx, &f).await?;
            Some(f.id)
        } else {
            None
        };
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("consult_question_answered", "consult_question", id)
                .region(q.region_code.clone())
                .detail(json!({"clause_id": clause_id, "faq_id": faq_id})),
        )
        .await?;
        tx.commit().await?;
        let q = repo::question(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(question_view(&q))
    }

    /// For the staff workbench: open questions in the caller's region.
    pub async fn consult_open_count(&self, actor: &Actor) -> Result<usize> {
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        Ok(repo::questions_in_region(&self.db, &prefix, 5000)
            .await?
            .iter()
            .filter(|q| q.status == "open")
            .count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigrams_and_highlight() {
        let g = query_grams("社会保险补贴");
        assert_eq!(g.len(), 5);
        let segs = highlight("给予社会保险补贴，其中", &g);
        assert_eq!(segs[1].text, "社会保险补贴");
        assert!(segs[1].hit && !segs[0].hit && !segs[2].hit);
        assert_eq!(query_grams("  ，。 ").len(), 0);
    }

    #[test]
    fn every_seed_entry_cites_a_real_clause() {
        assert!(SEED_FAQ.len() >= 12);
        for (_, _, c) in SEED_FAQ {
            assert!(clause(c).is_some(), "{c}");
        }
    }
}
