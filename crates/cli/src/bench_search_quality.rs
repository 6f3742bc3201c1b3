//! `linghuo bench search-quality`: how well the gig market's search answers people, on a
//! relevance set read and graded by people.
//!
//! The set (by default the one in `crates/cli/data/search-quality/`, embedded in the binary)
//! is three files:
//!
//! - posts: a CSV in the post import template (what `linghuo market import` reads), keyed by
//!   原系统岗位编号;
//! - queries: tab-separated `id`, `query`, … (more columns are ignored), with a header;
//! - judgments: tab-separated `query_id`, `post_id`, `grade` with a header, grades 1 (related) and
//!   2 (exactly what was asked); every pair not listed is 0.
//!
//! The posts go in through the real import (`Service::import_posts`, one verified employer,
//! a fresh SQLite database in a temporary directory), and every query through the real
//! search (`Service::search_posts`, the first ten results), so the figures are what a city
//! that imports its market and a worker who types the query would get.
//!
//! Printed (and with `--json` as one object):
//!
//! - `ndcg_at_10`: mean nDCG@10 over the queries with at least one relevant post, gain
//!   2^grade − 1, discount log2(rank + 1), the ideal ranking from all judged posts;
//! - `top3_precision`: mean share of the first three results graded 1 or 2, over the same
//!   queries; a query with fewer than three relevant posts is scored against that many;
//! - `zero_result_rate`: share of all queries that returned nothing;
//! - `import_kept_rate`: share of the file's rows live after the import.
//!
//! `--verbose` lists every query with its score and the grades of its first results, for
//! reading where the search goes wrong (never for tuning to the list: the project is also
//! checked on an independent set).

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::Utc;
use linghuo_service::market_import::read_post_file;
use linghuo_service::market_search::SearchInput;
use linghuo_service::{Clock, Config, Keys, Service};
use linghuo_storage::Db;
use linghuo_storage::market::{self as repo, EmployerRow};
use serde::Serialize;
use uuid::Uuid;

const POSTS: &str = include_str!("../data/search-quality/posts.csv");
const QUERIES: &str = include_str!("../data/search-quality/queries.tsv");
const JUDGMENTS: &str = include_str!("../data/search-quality/judgments.tsv");

/// Results judged per query.
const K: usize = 10;

#[derive(clap::Args, Debug)]
pub struct BenchSearchQualityArgs {
    /// Posts CSV in the import template (default: the embedded set).
    #[arg(long)]
    pub posts: Option<PathBuf>,
    /// Queries, tab-separated `id<TAB>query…` with a header (default: the embedded set).
    #[arg(long)]
    pub queries: Option<PathBuf>,
    /// Judgments, tab-separated `query_id<TAB>post_id<TAB>grade` with a header (default: the
    /// embedded set).
    #[arg(long)]
    pub judgments: Option<PathBuf>,
    /// List every query with its score and the grades of its first results.
    #[arg(long)]
    pub verbose: bool,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// One query's outcome.
#[derive(Clone, Debug, Serialize)]
pub struct QueryScore {
    pub id: String,
    pub query: String,
    /// `None` when the query has no relevant post in the set.
    pub ndcg: Option<f64>,
    /// The same over the judged posts that went live.
    pub ndcg_live: Option<f64>,
    pub top3: Option<f64>,
    pub results: usize,
    /// The grade of each result, in order (posts the judgments do not list are 0).
    pub grades: Vec<u8>,
    /// The external ids of the results, in order.
    pub posts: Vec<String>,
    /// Their scores, in order.
    pub scores: Vec<f64>,
    /// The first result's tier: exact, related or nearby.
    pub tier: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SearchQuality {
    pub ndcg_at_10: f64,
    /// nDCG@10 counting only the judged posts that went live: how well the search ranks
    /// what it holds, apart from what the import lost.
    pub ndcg_at_10_live: f64,
    pub top3_precision: f64,
    pub zero_result_rate: f64,
    pub import_kept_rate: f64,
    pub posts: usize,
    pub posts_live: usize,
    pub posts_held: usize,
    pub posts_refused: usize,
    pub queries: usize,
    pub queries_judged: usize,
    /// The import's problems, by code, most frequent first.
    pub import_problems: Vec<(String, usize)>,
    /// Screening findings that held posts, by code.
    pub held_reasons: Vec<(String, usize)>,
    /// Each held post: external id, title and the findings' messages.
    pub held: Vec<(String, String, String)>,
    /// Each refused row: line and the problems' messages.
    pub refused: Vec<(usize, String)>,
    pub per_query: Vec<QueryScore>,
}

fn read(path: &Option<PathBuf>, embedded: &'static str) -> anyhow::Result<String> {
    match path {
        Some(p) => std::fs::read_to_string(p).map_err(|e| anyhow::anyhow!("{}: {e}", p.display())),
        None => Ok(embedded.to_owned()),
    }
}

/// `id → query` in file order.
pub fn parse_queries(text: &str) -> Vec<(String, String)> {
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let id = cols.next()?.trim();
            let q = cols.next()?.trim();
            (!id.is_empty()).then(|| (id.to_owned(), q.to_owned()))
        })
        .collect()
}

/// `query → post → grade`.
pub fn parse_judgments(text: &str) -> anyhow::Result<HashMap<String, HashMap<String, u8>>> {
    let mut out: HashMap<String, HashMap<String, u8>> = HashMap::new();
    for (n, l) in text.lines().enumerate().skip(1) {
        if l.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = l.split('\t').collect();
        anyhow::ensure!(cols.len() >= 3, "judgments line {}: {l}", n + 1);
        let grade: u8 = cols[2]
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("judgments line {}: grade {}", n + 1, cols[2]))?;
        out.entry(cols[0].trim().to_owned())
            .or_default()
            .insert(cols[1].trim().to_owned(), grade);
    }
    Ok(out)
}

fn gain(grade: u8) -> f64 {
    f64::from((1u32 << grade) - 1)
}

/// nDCG@k of `grades` (the results' grades in order) against every judged grade of the
/// query; `None` when nothing is relevant.
pub fn ndcg_at(k: usize, grades: &[u8], judged: &HashMap<String, u8>) -> Option<f64> {
    let mut ideal: Vec<u8> = judged.values().copied().filter(|g| *g > 0).collect();
    if ideal.is_empty() {
        return None;
    }
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let dcg = |gs: &[u8]| -> f64 {
        gs.iter()
            .take(k)
            .enumerate()
            .map(|(i, g)| gain(*g) / ((i + 2) as f64).log2())
            .sum()
    };
    Some(dcg(grades) / dcg(&ideal))
}

/// Share of the first three results that are relevant, against at most as many as the
/// query has relevant posts; `None` when nothing is relevant.
pub fn top3(grades: &[u8], judged: &HashMap<String, u8>) -> Option<f64> {
    let relevant = judged.values().filter(|g| **g > 0).count();
    if relevant == 0 {
        return None;
    }
    let n = relevant.min(3);
    let hits = grades.iter().take(3).filter(|g| **g > 0).count();
    Some(hits.min(n) as f64 / n as f64)
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = xs.collect();
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

fn counted(mut map: HashMap<String, usize>) -> Vec<(String, usize)> {
    let mut v: Vec<(String, usize)> = map.drain().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

/// Imports the posts into a fresh database and runs every query.
pub async fn measure(
    posts_csv: &str,
    queries: &[(String, String)],
    judgments: &HashMap<String, HashMap<String, u8>>,
) -> anyhow::Result<SearchQuality> {
    let dir = tempfile::tempdir()?;
    let db = Db::connect(&format!("sqlite:{}", dir.path().join("q.db").display())).await?;
    db.migrate().await?;
    let svc = Service::new(
        db.clone(),
        Keys::generate(),
        Config::default(),
        Clock::system(),
    );
    let now = Utc::now();
    let employer = Uuid::new_v4();
    let mut tx = db.begin().await?;
    repo::insert_employer(
        &mut tx,
        &EmployerRow {
            id: employer,
            kind: "enterprise".into(),
            name: "测试集导入单位".into(),
            uscc: None,
            holder_person_id: None,
            contact_name: "测试".into(),
            contact_phone_cipher: None,
            county_code: "140105".into(),
            address: String::new(),
            verified: true,
            verified_by: None,
            verified_at: Some(now),
            created_at: now,
            updated_at: now,
            licence_no: None,
        },
    )
    .await?;
    tx.commit().await?;
    let rows = read_post_file("posts.csv", posts_csv.as_bytes()).map_err(|e| anyhow::anyhow!(e))?;
    let report = svc.import_posts(None, employer, rows, false).await?;
    let mut problems: HashMap<String, usize> = HashMap::new();
    let mut refused_lines = std::collections::HashSet::new();
    for p in &report.problems {
        *problems.entry(p.code.clone()).or_default() += 1;
        refused_lines.insert(p.line);
    }
    let mut refused: Vec<(usize, String)> = Vec::new();
    for p in &report.problems {
        match refused.last_mut() {
            Some((line, text)) if *line == p.line => {
                text.push_str(&format!("；{}", p.message));
            }
            _ => refused.push((p.line, format!("{}：{}", p.field, p.message))),
        }
    }
    let mut held: HashMap<String, usize> = HashMap::new();
    let mut held_posts = Vec::new();
    let mut live: std::collections::HashSet<String> = std::collections::HashSet::new();
    for p in repo::posts_of_employer(&db, employer).await? {
        if p.status == linghuo_storage::status::PostStatus::Live {
            live.insert(p.external_id.clone().unwrap_or_default());
        }
        if p.status == linghuo_storage::status::PostStatus::Held {
            let findings: Vec<serde_json::Value> =
                serde_json::from_str(&p.screening).unwrap_or_default();
            let mut messages = Vec::new();
            for f in findings {
                if let Some(code) = f.get("code").and_then(|c| c.as_str()) {
                    *held.entry(code.to_owned()).or_default() += 1;
                }
                if let Some(m) = f.get("message").and_then(|c| c.as_str()) {
                    messages.push(m.to_owned());
                }
            }
            held_posts.push((
                p.external_id.clone().unwrap_or_default(),
                p.title.clone(),
                messages.join("；"),
            ));
        }
    }
    let mut per_query = Vec::new();
    let empty = HashMap::new();
    for (id, q) in queries {
        let input = SearchInput {
            q: Some(q.clone()),
            limit: Some(K),
            ..SearchInput::default()
        };
        let hits = svc.search_posts(&input).await?;
        let judged = judgments.get(id).unwrap_or(&empty);
        let posts: Vec<String> = hits
            .iter()
            .map(|h| h.post.external_id.clone().unwrap_or_default())
            .collect();
        let grades: Vec<u8> = posts
            .iter()
            .map(|p| judged.get(p).copied().unwrap_or(0))
            .collect();
        let judged_live: HashMap<String, u8> = judged
            .iter()
            .filter(|(p, _)| live.contains(*p))
            .map(|(p, g)| (p.clone(), *g))
            .collect();
        per_query.push(QueryScore {
            id: id.clone(),
            query: q.clone(),
            ndcg_live: ndcg_at(K, &grades, &judged_live),
            ndcg: ndcg_at(K, &grades, judged),
            top3: top3(&grades, judged),
            results: hits.len(),
            grades,
            posts,
            scores: hits.iter().map(|h| h.score).collect(),
            tier: hits.first().map(|h| h.tier.clone()),
        });
    }
    db.close().await;
    let judged: Vec<&QueryScore> = per_query.iter().filter(|q| q.ndcg.is_some()).collect();
    Ok(SearchQuality {
        ndcg_at_10: mean(judged.iter().filter_map(|q| q.ndcg)),
        ndcg_at_10_live: mean(per_query.iter().filter_map(|q| q.ndcg_live)),
        top3_precision: mean(judged.iter().filter_map(|q| q.top3)),
        zero_result_rate: per_query.iter().filter(|q| q.results == 0).count() as f64
            / per_query.len().max(1) as f64,
        import_kept_rate: report.live as f64 / report.rows.max(1) as f64,
        posts: report.rows,
        posts_live: report.live,
        posts_held: report.held,
        posts_refused: refused_lines.len(),
        queries: per_query.len(),
        queries_judged: judged.len(),
        import_problems: counted(problems),
        held_reasons: counted(held),
        held: held_posts,
        refused,
        per_query,
    })
}

pub fn run(args: BenchSearchQualityArgs) -> anyhow::Result<()> {
    let posts = read(&args.posts, POSTS)?;
    let queries = parse_queries(&read(&args.queries, QUERIES)?);
    let judgments = parse_judgments(&read(&args.judgments, JUDGMENTS)?)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let m = rt.block_on(measure(&posts, &queries, &judgments))?;
    if args.json {
        let mut v = serde_json::to_value(&m)?;
        if !args.verbose
            && let Some(o) = v.as_object_mut()
        {
            o.remove("per_query");
            o.remove("held");
            o.remove("refused");
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    println!(
        "search quality on {} queries ({} with relevant posts), {} posts",
        m.queries, m.queries_judged, m.posts
    );
    println!("  ndcg_at_10        {:.3}   (target ≥ 0.85)", m.ndcg_at_10);
    println!(
        "  ndcg_at_10_live   {:.3}   (only the judged posts that went live)",
        m.ndcg_at_10_live
    );
    println!(
        "  top3_precision    {:.3}   (target ≥ 0.90)",
        m.top3_precision
    );
    println!(
        "  zero_result_rate  {:.3}   (target ≤ 0.02)",
        m.zero_result_rate
    );
    println!(
        "  import_kept_rate  {:.3}   (target ≥ 0.98): {} live, {} held, {} refused",
        m.import_kept_rate, m.posts_live, m.posts_held, m.posts_refused
    );
    if !m.import_problems.is_empty() {
        println!("  import problems: {:?}", m.import_problems);
    }
    if !m.held_reasons.is_empty() {
        println!("  held because: {:?}", m.held_reasons);
    }
    if args.verbose {
        for (id, title, why) in &m.held {
            println!("held\t{id}\t{title}\t{why}");
        }
        for (line, why) in &m.refused {
            println!("refused\tline {line}\t{why}");
        }
        for q in &m.per_query {
            println!(
                "{}\t{}\tndcg={}\ttop3={}\t{}\t{:?}\t{}\t{:?}\tlive={}",
                q.id,
                q.query,
                q.ndcg.map_or("-".into(), |x| format!("{x:.2}")),
                q.top3.map_or("-".into(), |x| format!("{x:.2}")),
                q.tier.as_deref().unwrap_or("none"),
                q.grades,
                q.posts.join(","),
                q.scores,
                q.ndcg_live.map_or("-".into(), |x| format!("{x:.2}")),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(pairs: &[(&str, u8)]) -> HashMap<String, u8> {
        pairs.iter().map(|(p, g)| (p.to_string(), *g)).collect()
    }

    #[test]
    fn ndcg_is_one_for_the_ideal_order_and_less_otherwise() {
        let j = judged(&[("a", 2), ("b", 1), ("c", 2)]);
        assert!((ndcg_at(10, &[2, 2, 1], &j).unwrap() - 1.0).abs() < 1e-12);
        let swapped = ndcg_at(10, &[1, 2, 2], &j).unwrap();
        assert!(swapped < 1.0 && swapped > 0.5, "{swapped}");
        assert_eq!(ndcg_at(10, &[0, 0, 0], &j).unwrap(), 0.0);
        // Hand-computed: gains 3, 0, 1 at ranks 1–3 against 3, 3, 1.
        let dcg = 3.0 + 0.0 + 1.0 / 4f64.log2();
        let idcg = 3.0 + 3.0 / 3f64.log2() + 1.0 / 4f64.log2();
        assert!((ndcg_at(10, &[2, 0, 1], &j).unwrap() - dcg / idcg).abs() < 1e-12);
        assert_eq!(ndcg_at(10, &[1], &judged(&[])), None);
        // Only the first k count.
        let many = judged(&[("a", 2)]);
        let mut late = vec![0u8; 10];
        late.push(2);
        assert_eq!(ndcg_at(10, &late, &many).unwrap(), 0.0);
    }

    #[test]
    fn top3_counts_relevant_results_against_what_exists() {
        let j = judged(&[("a", 2), ("b", 1), ("c", 2), ("d", 1)]);
        assert_eq!(top3(&[2, 0, 1], &j), Some(2.0 / 3.0));
        assert_eq!(top3(&[0, 0, 0, 2], &j), Some(0.0));
        let one = judged(&[("a", 1)]);
        assert_eq!(top3(&[1, 0, 0], &one), Some(1.0));
        assert_eq!(top3(&[], &judged(&[])), None);
    }

    #[test]
    fn the_embedded_set_is_consistent() {
        let queries = parse_queries(QUERIES);
        assert!(queries.len() >= 120, "{} queries", queries.len());
        let judgments = parse_judgments(JUDGMENTS).unwrap();
        let posts: std::collections::HashSet<&str> = POSTS
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').next())
            .collect();
        assert!(posts.len() >= 600, "{} posts", posts.len());
        for (q, graded) in &judgments {
            assert!(queries.iter().any(|(id, _)| id == q), "unknown query {q}");
            for (p, g) in graded {
                assert!(posts.contains(p.as_str()), "{q}: unknown post {p}");
                assert!((1..=2).contains(g), "{q} {p}: grade {g}");
            }
        }
    }
}
