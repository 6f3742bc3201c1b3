//! The search index of live job posts: tantivy with the jieba segmenter.
//!
//! # What is indexed
//!
//! | field | how | used for |
//! | --- | --- | --- |
//! | `title` | segmented, frequencies, stored | BM25 (boost 3) and the hit's title |
//! | `skills` | segmented | BM25 (boost 1.5) |
//! | `description` | segmented | BM25 (boost 1) |
//! | `occupation` | raw terms: the code and every ancestor | filter (children included), and the catalogue words (below) |
//! | `region` | raw terms: county and city | filter (children included), and place words (below) |
//! | `form` | raw term | filter |
//! | `cell` | grid cell ids at three levels | geo pre-filter |
//! | `id` | raw term | upsert and remove |
//! | lat, lon, county, occupation, form, pay, dates, weekdays, expiry, posted, id | fast fields | exact filters, distance, ranking ties, the why-line |
//!
//! Filtering never loads stored documents: every filter is decided from
//! fast fields in the collector; the term filters and grid cells also join
//! the query when that lets the intersection skip postings (a planning
//! choice that never changes results), and only the returned page reads
//! its titles from the store.
//!
//! # Relevance
//!
//! The query is segmented into words (stop words such as 找/工作/招聘
//! dropped). A post must match every word; each word scores BM25 over the
//! boosted text fields, plus a fixed score when the word is one of the
//! segmented catalogue name and synonyms of the post's trade (so 月嫂 finds
//! a 母婴护理员 post whose text never says 月嫂) or a name of its county or
//! city ("小店 保洁"). Those two are resolved on the query side — the word
//! is looked up in tables built from the catalogue and the regions, and
//! becomes terms of the `occupation` and `region` fields — so posts do not
//! carry the same words a million times. Category names are left out of
//! the catalogue table: 保洁绿化 must not make 保洁 find 绿化工. The scores
//! add up. When no post has all words, the search is repeated requiring any
//! one word, so a long query still finds the best partial matches. Ties are broken by newer posting,
//! then by id, so equal indexes return equal orders.
//!
//! # Consistency
//!
//! Writes are buffered until [`MarketIndex::commit`]; searches see the last
//! commit. The index is derived data: [`MarketIndex::commit_with_checkpoint`]
//! stores the position of the last applied outbox entry with the commit so
//! a restarted server knows where to resume ([`MarketIndex::checkpoint`]).

use std::collections::{BinaryHeap, HashMap};
use std::path::Path;
use std::sync::Mutex;

use chrono::NaiveDate;
use linghuo_domain::{RegionCode, RegionLevel, occupation, occupation_children, occupations};
use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery, TermSetQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::{
    DocAddress, DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentOrdinal,
    SegmentReader, TantivyDocument, Term,
};
use uuid::Uuid;

use crate::error::MarketError;
use crate::geo::{GeoPoint, GridCell, LEVEL_KM, distance_label, haversine_km};
use crate::pay::Pay;
use crate::post::{JobForm, JobPost, Weekdays, day_number};
use crate::segmentation::Segmenter;

const TOKENIZER: &str = "linghuo_jieba";
/// Largest page a search returns, and deepest offset it pages to.
pub const MAX_LIMIT: usize = 200;
pub const MAX_OFFSET: usize = 10_000;
/// Most grid cells one geo pre-filter may name (the level is chosen so the
/// covering stays under it).
const MAX_CELLS: usize = 36;
/// Radii tried, in turn, for "nearest first" without a radius.
const NEAREST_RINGS_KM: [f64; 3] = [5.0, 20.0, 80.0];

const BOOST_TITLE: Score = 3.0;
const BOOST_SKILLS: Score = 1.5;
const BOOST_DESCRIPTION: Score = 1.0;
/// Fixed score of a word naming the post's trade (about a good title hit).
const OCCUPATION_SCORE: Score = 4.0;
/// Fixed score of a word naming the post's county or city.
const PLACE_SCORE: Score = 1.0;

/// How the hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    /// BM25 score, best first (newest first when there is no text).
    #[default]
    Relevance,
    /// Nearest first; needs `near` (falls back to relevance without it).
    Distance,
}

/// A search over live posts. All filters are optional and combine with AND.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    /// Free text: trade, skill, place ("小店 保洁").
    pub text: Option<String>,
    /// `(lat, lon)` the distances are measured from.
    pub near: Option<(f64, f64)>,
    /// Only posts within this many km of `near`.
    pub radius_km: Option<f64>,
    /// A city or county; includes everything inside it.
    pub region: Option<RegionCode>,
    /// A catalogue code; includes its children.
    pub occupation: Option<String>,
    pub form: Option<JobForm>,
    /// Pay normalised to fen per hour at least this (piece rates never match).
    pub pay_at_least_per_hour_fen: Option<i64>,
    /// Only posts with work on this date (inside their period, on a
    /// scheduled weekday).
    pub available_on: Option<NaiveDate>,
    /// Hide posts expired or finished before this date (usually today).
    pub live_on: Option<NaiveDate>,
    pub sort: SortBy,
    /// Page size, 1..=[`MAX_LIMIT`].
    pub limit: usize,
    pub offset: usize,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            text: None,
            near: None,
            radius_km: None,
            region: None,
            occupation: None,
            form: None,
            pay_at_least_per_hour_fen: None,
            available_on: None,
            live_on: None,
            sort: SortBy::Relevance,
            limit: 20,
            offset: 0,
        }
    }
}

impl SearchQuery {
    /// A text search with the default page.
    pub fn text(text: impl Into<String>) -> SearchQuery {
        SearchQuery {
            text: Some(text.into()),
            ..SearchQuery::default()
        }
    }
}

/// One result of a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub id: Uuid,
    pub external_id: Option<String>,
    pub title: String,
    /// BM25 score (0 without text).
    pub score: f32,
    /// From `near`, when given.
    pub distance_km: Option<f64>,
    /// Why this post, in Chinese: `"距离2.3公里 · 保洁员 · 日薪200元"`.
    pub why: String,
}

/// Tuning of the index writer.
#[derive(Debug, Clone, Copy)]
pub struct IndexOptions {
    /// Indexing threads (tantivy segments in parallel).
    pub writer_threads: usize,
    /// Memory budget of the writer in MiB, shared by its threads.
    pub writer_memory_mib: usize,
}

impl Default for IndexOptions {
    fn default() -> Self {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        IndexOptions {
            writer_threads: threads,
            writer_memory_mib: 64 * threads,
        }
    }
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    id_hi: Field,
    id_lo: Field,
    external_id: Field,
    title: Field,
    description: Field,
    skills: Field,
    occupation: Field,
    occupation_ix: Field,
    region: Field,
    county: Field,
    form_ix: Field,
    form: Field,
    cell: Field,
    lat: Field,
    lon: Field,
    pay_hour: Field,
    pay_amount: Field,
    pay_unit: Field,
    starts: Field,
    ends: Field,
    days: Field,
    expires: Field,
    posted: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        if stored { o.set_stored() } else { o }
    };
    let fields = Fields {
        id: b.add_text_field("id", STRING),
        id_hi: b.add_u64_field("id_hi", FAST),
        id_lo: b.add_u64_field("id_lo", FAST),
        external_id: b.add_text_field("external_id", STORED),
        title: b.add_text_field("title", text(true)),
        description: b.add_text_field("description", text(false)),
        skills: b.add_text_field("skills", text(false)),
        occupation: b.add_text_field("occupation", STRING),
        occupation_ix: b.add_u64_field("occupation_ix", FAST),
        region: b.add_text_field("region", STRING),
        county: b.add_u64_field("county", FAST),
        form_ix: b.add_u64_field("form_ix", FAST),
        form: b.add_text_field("form", STRING),
        cell: b.add_u64_field("cell", INDEXED),
        lat: b.add_f64_field("lat", FAST),
        lon: b.add_f64_field("lon", FAST),
        pay_hour: b.add_i64_field("pay_hour", FAST),
        pay_amount: b.add_i64_field("pay_amount", FAST),
        pay_unit: b.add_u64_field("pay_unit", FAST),
        starts: b.add_i64_field("starts", FAST),
        ends: b.add_i64_field("ends", FAST),
        days: b.add_u64_field("days", FAST),
        expires: b.add_i64_field("expires", FAST),
        posted: b.add_i64_field("posted", FAST),
    };
    (b.build(), fields)
}

fn dedup_keep_order(words: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    words.retain(|w| seen.insert(w.clone()));
}

const PLAN_AUTO: u8 = 0;
#[cfg(test)]
const PLAN_ALL_TERMS: u8 = 1;
#[cfg(test)]
const PLAN_NO_TERMS: u8 = 2;

/// A filter of the query and how many posts it matches (from the term
/// dictionaries; deleted posts included).
struct Filter {
    kind: FilterKind,
    matches: u64,
    query: Box<dyn Query>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FilterKind {
    /// Single terms: region, occupation, form.
    Terms,
    /// The grid cells covering a radius.
    Cells,
}

/// The search index. `Sync`: share one per process (writes take an
/// internal lock; searches never wait for writes).
pub struct MarketIndex {
    index: Index,
    fields: Fields,
    /// `None` only for the moment [`MarketIndex::wait_for_merges`] swaps it.
    writer: Mutex<Option<IndexWriter>>,
    options: IndexOptions,
    /// Query planning (see `search`); tests force each way.
    plan: std::sync::atomic::AtomicU8,
    reader: IndexReader,
    segmenter: Segmenter,
    /// Catalogue index of each code.
    occupation_ix: HashMap<&'static str, u64>,
    /// A word of a trade's name or synonyms → the trades.
    word_occupations: HashMap<String, Vec<&'static str>>,
    /// A word of a county or city name → the region codes.
    word_regions: HashMap<String, Vec<String>>,
}

impl std::fmt::Debug for MarketIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MarketIndex").finish_non_exhaustive()
    }
}

impl MarketIndex {
    /// An index in memory (tests, benchmarks, a node that rebuilds on start).
    pub fn in_memory() -> Result<MarketIndex, MarketError> {
        MarketIndex::in_memory_with(IndexOptions::default())
    }

    pub fn in_memory_with(options: IndexOptions) -> Result<MarketIndex, MarketError> {
        let (schema, fields) = schema();
        MarketIndex::from_index(Index::create_in_ram(schema), fields, options)
    }

    /// Opens the index in `dir`, creating the directory and an empty index
    /// when there is none. An index written by an incompatible version is an
    /// error; rebuild it (`linghuo market reindex`).
    pub fn open_or_create(dir: &Path) -> Result<MarketIndex, MarketError> {
        MarketIndex::open_or_create_with(dir, IndexOptions::default())
    }

    pub fn open_or_create_with(
        dir: &Path,
        options: IndexOptions,
    ) -> Result<MarketIndex, MarketError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| MarketError::Index(format!("{}: {e}", dir.display())))?;
        let (schema, fields) = schema();
        let directory = MmapDirectory::open(dir)?;
        let index = Index::open_or_create(directory, schema).map_err(|e| match e {
            tantivy::TantivyError::SchemaError(m) => MarketError::Index(format!(
                "索引格式与当前版本不一致，请重建索引（linghuo market reindex）：{m}"
            )),
            other => other.into(),
        })?;
        MarketIndex::from_index(index, fields, options)
    }

    fn from_index(
        index: Index,
        fields: Fields,
        options: IndexOptions,
    ) -> Result<MarketIndex, MarketError> {
        let segmenter = Segmenter::shared();
        index.tokenizers().register(TOKENIZER, segmenter.clone());
        let writer = MarketIndex::new_writer(&index, options)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let occupation_ix = occupations()
            .iter()
            .enumerate()
            .map(|(i, o)| (o.code, i as u64))
            .collect();
        let mut word_occupations: HashMap<String, Vec<&'static str>> = HashMap::new();
        for o in occupations().iter().filter(|o| !o.is_category()) {
            let mut words = vec![o.name];
            words.extend(o.synonyms.iter().copied());
            let mut tokens = segmenter.index_tokens(&words.join(" "));
            dedup_keep_order(&mut tokens);
            for t in tokens {
                word_occupations.entry(t).or_default().push(o.code);
            }
        }
        let mut word_regions: HashMap<String, Vec<String>> = HashMap::new();
        for r in linghuo_domain::all_regions() {
            if r.level() == RegionLevel::Province {
                continue;
            }
            let mut tokens = segmenter.index_tokens(r.name());
            dedup_keep_order(&mut tokens);
            for t in tokens {
                word_regions.entry(t).or_default().push(r.as_str());
            }
        }
        Ok(MarketIndex {
            index,
            fields,
            writer: Mutex::new(Some(writer)),
            options,
            plan: std::sync::atomic::AtomicU8::new(PLAN_AUTO),
            reader,
            segmenter,
            occupation_ix,
            word_occupations,
            word_regions,
        })
    }

    fn new_writer(index: &Index, options: IndexOptions) -> Result<IndexWriter, MarketError> {
        let threads = options.writer_threads.max(1);
        // tantivy needs at least 15 MB per thread.
        let budget = (options.writer_memory_mib.max(16 * threads)) << 20;
        Ok(index.writer_with_num_threads(threads, budget)?)
    }

    /// Runs `f` with the writer under the lock.
    fn with_writer<T>(
        &self,
        f: impl FnOnce(&mut IndexWriter) -> Result<T, MarketError>,
    ) -> Result<T, MarketError> {
        // A panic while holding the lock leaves tantivy's writer usable.
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let writer = guard
            .as_mut()
            .ok_or_else(|| MarketError::Index("索引写入器不可用".to_string()))?;
        f(writer)
    }

    fn document(&self, post: &JobPost) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::new();
        let id = post.id.as_u128();
        doc.add_text(f.id, post.id.to_string());
        doc.add_u64(f.id_hi, (id >> 64) as u64);
        doc.add_u64(f.id_lo, id as u64);
        if let Some(x) = &post.external_id {
            doc.add_text(f.external_id, x);
        }
        doc.add_text(f.title, &post.title);
        doc.add_text(f.description, &post.description);
        for s in &post.skills {
            doc.add_text(f.skills, s);
        }
        let occupation_ix = self
            .occupation_ix
            .get(post.occupation.as_str())
            .copied()
            .unwrap_or(u64::MAX);
        // The code and its ancestors, so a filter on a category finds trades.
        let mut code = post.occupation.as_str();
        loop {
            doc.add_text(f.occupation, code);
            match code.rsplit_once('.') {
                Some((parent, _)) => code = parent,
                None => break,
            }
        }
        doc.add_u64(f.occupation_ix, occupation_ix);
        // County and city; not the province, which every post is in.
        let mut region = Some(post.county);
        while let Some(r) = region.filter(|r| r.level() != RegionLevel::Province) {
            doc.add_text(f.region, r.as_str());
            region = r.parent();
        }
        doc.add_u64(f.county, u64::from(post.county.code()));
        doc.add_text(f.form, post.form.code());
        doc.add_u64(f.form_ix, post.form as u64);
        for level in 0..LEVEL_KM.len() as u8 {
            doc.add_u64(f.cell, GridCell::containing(post.lat, post.lon, level).id());
        }
        doc.add_f64(f.lat, post.lat);
        doc.add_f64(f.lon, post.lon);
        doc.add_i64(f.pay_hour, post.pay_per_hour_fen().unwrap_or(-1));
        let (pay_amount, pay_code) = post.pay.index_code();
        doc.add_i64(f.pay_amount, pay_amount);
        doc.add_u64(f.pay_unit, pay_code);
        doc.add_i64(f.starts, i64::from(day_number(post.starts_on)));
        doc.add_i64(
            f.ends,
            post.last_work_day()
                .map_or(i64::MAX, |d| i64::from(day_number(d))),
        );
        doc.add_u64(f.days, u64::from(post.schedule.days.0));
        doc.add_i64(f.expires, i64::from(day_number(post.expires_on)));
        doc.add_i64(f.posted, post.posted_at.timestamp());
        doc
    }

    /// Adds the post, replacing any earlier version with the same id.
    /// Visible to searches after the next commit.
    pub fn upsert(&self, post: &JobPost) -> Result<(), MarketError> {
        let doc = self.document(post);
        let id = Term::from_field_text(self.fields.id, &post.id.to_string());
        self.with_writer(|w| {
            w.delete_term(id);
            w.add_document(doc)?;
            Ok(())
        })
    }

    /// Adds a post known not to be in the index (a rebuild into an empty
    /// index); skips the delete that [`MarketIndex::upsert`] issues.
    pub fn insert_new(&self, post: &JobPost) -> Result<(), MarketError> {
        let doc = self.document(post);
        self.with_writer(|w| {
            w.add_document(doc)?;
            Ok(())
        })
    }

    /// Removes the post with this id (no error when there is none).
    pub fn remove(&self, id: Uuid) -> Result<(), MarketError> {
        let term = Term::from_field_text(self.fields.id, &id.to_string());
        self.with_writer(|w| {
            w.delete_term(term);
            Ok(())
        })
    }

    /// Removes every post (before a rebuild).
    pub fn clear(&self) -> Result<(), MarketError> {
        self.with_writer(|w| {
            w.delete_all_documents()?;
            Ok(())
        })
    }

    /// Makes the writes so far durable and visible to searches.
    pub fn commit(&self) -> Result<(), MarketError> {
        self.with_writer(|w| {
            w.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(())
    }

    /// Commits and records `checkpoint` (for example the id of the last
    /// outbox entry applied) with the commit, atomically.
    pub fn commit_with_checkpoint(&self, checkpoint: &str) -> Result<(), MarketError> {
        self.with_writer(|w| {
            let mut prepared = w.prepare_commit()?;
            prepared.set_payload(checkpoint);
            prepared.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(())
    }

    /// The checkpoint of the last commit made with
    /// [`MarketIndex::commit_with_checkpoint`].
    pub fn checkpoint(&self) -> Result<Option<String>, MarketError> {
        Ok(self.index.load_metas()?.payload)
    }

    /// Waits for background segment merges to finish (after a bulk build,
    /// before measuring or shutting down). Uncommitted writes are dropped,
    /// so commit first. The index stays usable.
    pub fn wait_for_merges(&self) -> Result<(), MarketError> {
        let mut guard = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = guard.take() {
            old.wait_merging_threads()?;
        }
        *guard = Some(MarketIndex::new_writer(&self.index, self.options)?);
        drop(guard);
        self.reader.reload()?;
        Ok(())
    }

    /// Live posts as of the last commit.
    pub fn len(&self) -> usize {
        self.reader.searcher().num_docs() as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of segments (a diagnostic for benchmarks).
    pub fn segment_count(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    #[cfg(test)]
    fn set_plan(&self, plan: u8) {
        self.plan.store(plan, std::sync::atomic::Ordering::Relaxed);
    }

    /// The words a query text is searched for (for tests and debugging).
    pub fn query_words(&self, text: &str) -> Vec<String> {
        self.segmenter.query_words(text)
    }

    fn text_query(&self, words: &[String], required: usize) -> Box<dyn Query> {
        let f = &self.fields;
        let per_word: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .map(|w| {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = [
                    (f.title, BOOST_TITLE),
                    (f.skills, BOOST_SKILLS),
                    (f.description, BOOST_DESCRIPTION),
                ]
                .into_iter()
                .map(|(field, boost)| {
                    let term = TermQuery::new(
                        Term::from_field_text(field, w),
                        IndexRecordOption::WithFreqs,
                    );
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(Box::new(term), boost)) as Box<dyn Query>,
                    )
                })
                .collect();
                let fixed = |field: Field, value: &str, score: Score| -> (Occur, Box<dyn Query>) {
                    let term = TermQuery::new(
                        Term::from_field_text(field, value),
                        IndexRecordOption::Basic,
                    );
                    (
                        Occur::Should,
                        Box::new(ConstScoreQuery::new(Box::new(term), score)),
                    )
                };
                for code in self.word_occupations.get(w).into_iter().flatten() {
                    clauses.push(fixed(f.occupation, code, OCCUPATION_SCORE));
                }
                for code in self.word_regions.get(w).into_iter().flatten() {
                    clauses.push(fixed(f.region, code, PLACE_SCORE));
                }
                (
                    Occur::Should,
                    Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>,
                )
            })
            .collect();
        Box::new(BooleanQuery::with_minimum_required_clauses(
            per_word, required,
        ))
    }

    /// The term filters of a query with their sizes.
    fn filter_queries(
        &self,
        q: &SearchQuery,
        searcher: &tantivy::Searcher,
    ) -> Result<Vec<Filter>, MarketError> {
        let f = &self.fields;
        let mut filters: Vec<Filter> = Vec::new();
        let mut raw = |field: Field, value: &str| -> Result<(), MarketError> {
            let term = Term::from_field_text(field, value);
            let n = searcher.doc_freq(&term)?;
            filters.push(Filter {
                kind: FilterKind::Terms,
                matches: n,
                query: Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
            });
            Ok(())
        };
        if let Some(r) = q.region.filter(|r| r.level() != RegionLevel::Province) {
            raw(f.region, &r.as_str())?;
        }
        if let Some(o) = &q.occupation {
            raw(f.occupation, o.trim())?;
        }
        if let Some(form) = q.form {
            raw(f.form, form.code())?;
        }
        if let (Some((lat, lon)), Some(r)) = (q.near, q.radius_km) {
            let cells = GridCell::best_covering(lat, lon, r, MAX_CELLS);
            let terms: Vec<Term> = cells
                .iter()
                .map(|c| Term::from_field_u64(f.cell, c.id()))
                .collect();
            let mut n = 0;
            for t in &terms {
                n += searcher.doc_freq(t)?;
            }
            filters.push(Filter {
                kind: FilterKind::Cells,
                matches: n,
                query: Box::new(TermSetQuery::new(terms)),
            });
        }
        Ok(filters)
    }

    /// Posts matching a word in any field, at most (sum over fields).
    fn word_frequency(&self, searcher: &tantivy::Searcher, word: &str) -> Result<u64, MarketError> {
        let f = &self.fields;
        let mut n = 0;
        for field in [f.title, f.skills, f.description] {
            n += searcher.doc_freq(&Term::from_field_text(field, word))?;
        }
        for code in self.word_occupations.get(word).into_iter().flatten() {
            n += searcher.doc_freq(&Term::from_field_text(f.occupation, code))?;
        }
        for code in self.word_regions.get(word).into_iter().flatten() {
            n += searcher.doc_freq(&Term::from_field_text(f.region, code))?;
        }
        Ok(n)
    }

    /// Searches the last commit.
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<SearchHit>, MarketError> {
        let limit = q.limit.clamp(1, MAX_LIMIT);
        let offset = q.offset.min(MAX_OFFSET);
        if q.radius_km.is_some_and(|r| !(r.is_finite() && r >= 0.0)) {
            return Err(MarketError::invalid(
                "radius_invalid",
                "radius_km",
                "搜索半径须为不小于零的公里数",
            ));
        }
        if let Some((lat, lon)) = q.near
            && !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0)
        {
            return Err(MarketError::invalid(
                "near_invalid",
                "near",
                "位置坐标不正确：纬度在 -90 到 90 之间，经度在 -180 到 180 之间",
            ));
        }
        let searcher = self.reader.searcher();
        let keep = offset + limit;
        // "Nearest first" without a radius: try growing rings first; once a
        // ring holds a full page, nothing outside it can rank higher.
        let mut found = None;
        if q.sort == SortBy::Distance && q.near.is_some() && q.radius_km.is_none() {
            for r in NEAREST_RINGS_KM {
                let ring = SearchQuery {
                    radius_km: Some(r),
                    ..q.clone()
                };
                let c = self.candidates(&ring, &searcher, keep, false)?;
                if c.len() >= keep {
                    found = Some(c);
                    break;
                }
            }
        }
        let found = match found {
            Some(c) => c,
            None => self.candidates(q, &searcher, keep, true)?,
        };
        let mut hits = Vec::with_capacity(limit);
        for c in found.into_iter().skip(offset).take(limit) {
            hits.push(self.hit(&searcher, c)?);
        }
        Ok(hits)
    }

    /// The best `keep` matches of a query. With `fallback`, a text whose
    /// words never occur together is searched again for any of them.
    fn candidates(
        &self,
        q: &SearchQuery,
        searcher: &tantivy::Searcher,
        keep: usize,
        fallback: bool,
    ) -> Result<Vec<Candidate>, MarketError> {
        let words = q
            .text
            .as_deref()
            .map(|t| self.segmenter.query_words(t))
            .unwrap_or_default();
        let collector = HitCollector {
            keep,
            near: q.near.map(|(lat, lon)| GeoPoint::new(lat, lon)),
            radius_km: q.near.and(q.radius_km),
            by_distance: q.sort == SortBy::Distance && q.near.is_some(),
            pay_at_least: q.pay_at_least_per_hour_fen,
            available_on: q
                .available_on
                .map(|d| (i64::from(day_number(d)), u64::from(Weekdays::of_date(d).0))),
            live_on: q.live_on.map(|d| i64::from(day_number(d))),
            region: q.region.and_then(|r| match r.level() {
                RegionLevel::County => Some(RegionFilter::County(u64::from(r.code()))),
                RegionLevel::City => Some(RegionFilter::City(u64::from(r.code() / 100))),
                RegionLevel::Province => None,
            }),
            occupations: match &q.occupation {
                None => None,
                Some(code) => {
                    let Some(o) = occupation(code.trim()) else {
                        return Ok(Vec::new());
                    };
                    let mut allowed = vec![false; occupations().len()];
                    for x in std::iter::once(o).chain(occupation_children(o.code)) {
                        if let Some(i) = occupations().iter().position(|c| c.code == x.code) {
                            allowed[i] = true;
                        }
                    }
                    Some(allowed)
                }
            },
            form: q.form.map(|f| f as u64),
            scoring: !words.is_empty(),
        };
        // Plan. Every filter is checked exactly in the collector, so a term
        // filter in the query only narrows the candidates and never changes
        // results. Term filters (region, occupation, form) cost nothing up
        // front and let the intersection skip text postings: always in
        // (except the whole province, which matches everything). The cell
        // filter materialises the posts of its cells first: in when there
        // is no text, or when those posts are not far more numerous than
        // the text's (a rare word is cheaper checked post by post).
        let filters = self.filter_queries(q, searcher)?;
        let mut text_frequency = u64::MAX;
        for w in &words {
            text_frequency = text_frequency.min(self.word_frequency(searcher, w)?);
        }
        let plan = self.plan.load(std::sync::atomic::Ordering::Relaxed);
        let selective: Vec<&Box<dyn Query>> = filters
            .iter()
            .filter(|filter| match plan {
                PLAN_AUTO => match filter.kind {
                    FilterKind::Terms => filter.matches < searcher.num_docs(),
                    FilterKind::Cells => {
                        words.is_empty() || filter.matches <= text_frequency.saturating_mul(20)
                    }
                },
                #[cfg(test)]
                PLAN_ALL_TERMS => true,
                _ => false,
            })
            .map(|filter| &filter.query)
            .collect();
        let run = |required: usize| -> Result<Vec<Candidate>, MarketError> {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            if !words.is_empty() {
                clauses.push((Occur::Must, self.text_query(&words, required)));
            }
            for filter in &selective {
                clauses.push((
                    Occur::Must,
                    Box::new(ConstScoreQuery::new(filter.box_clone(), 0.0)),
                ));
            }
            let query: Box<dyn Query> = if clauses.is_empty() {
                Box::new(AllQuery)
            } else {
                Box::new(BooleanQuery::new(clauses))
            };
            Ok(searcher.search(query.as_ref(), &collector)?)
        };
        let mut found = run(words.len())?;
        if fallback && found.is_empty() && words.len() > 1 {
            found = run(1)?;
        }
        Ok(found)
    }

    fn hit(&self, searcher: &tantivy::Searcher, c: Candidate) -> Result<SearchHit, MarketError> {
        let address = DocAddress::new(c.segment, c.doc);
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field: Field| -> Option<String> {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
        };
        let fast = searcher.segment_reader(c.segment).fast_fields();
        let occupation_ix = fast.u64("occupation_ix")?.first(c.doc).unwrap_or(u64::MAX);
        let pay = Pay::from_index_code(
            fast.i64("pay_amount")?.first(c.doc).unwrap_or(0),
            fast.u64("pay_unit")?.first(c.doc).unwrap_or(0),
        );
        let mut why: Vec<String> = Vec::new();
        if let Some(d) = c.distance {
            why.push(format!("距离{}", distance_label(d)));
        }
        if let Some(o) = occupations().get(occupation_ix as usize) {
            why.push(o.name.to_string());
        }
        why.push(pay.label());
        Ok(SearchHit {
            id: Uuid::from_u128(c.id),
            external_id: text(self.fields.external_id),
            title: text(self.fields.title).unwrap_or_default(),
            score: if c.score.is_finite() { c.score } else { 0.0 },
            distance_km: c.distance,
            why: why.join(" · "),
        })
    }
}

/// A matching post while collecting, ordered so that the *worst* candidate
/// is the greatest (the heap's top, the first to drop).
#[derive(Debug, Clone, Copy)]
struct Candidate {
    /// Primary key, smaller is better: distance, or minus the score.
    key: f64,
    score: Score,
    distance: Option<f64>,
    posted: i64,
    id: u128,
    segment: SegmentOrdinal,
    doc: DocId,
}

impl Candidate {
    fn rank(&self) -> (f64, i64, u128) {
        (self.key, -self.posted, self.id)
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let (a, b) = (self.rank(), other.rank());
        a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
    }
}

struct HitCollector {
    keep: usize,
    near: Option<GeoPoint>,
    radius_km: Option<f64>,
    by_distance: bool,
    pay_at_least: Option<i64>,
    /// Day number and weekday bit.
    available_on: Option<(i64, u64)>,
    live_on: Option<i64>,
    region: Option<RegionFilter>,
    /// Allowed catalogue indices.
    occupations: Option<Vec<bool>>,
    form: Option<u64>,
    scoring: bool,
}

#[derive(Debug, Clone, Copy)]
enum RegionFilter {
    County(u64),
    /// The first four digits of the city code (valid for Shanxi, see
    /// `RegionCode::sql_prefix`).
    City(u64),
}

type Col<T> = std::sync::Arc<dyn ColumnValues<T>>;

struct SegmentHits {
    segment: SegmentOrdinal,
    region: Option<RegionFilter>,
    occupations: Option<Vec<bool>>,
    form: Option<u64>,
    county: Col<u64>,
    occupation_ix: Col<u64>,
    form_ix: Col<u64>,
    keep: usize,
    near: Option<GeoPoint>,
    radius_km: Option<f64>,
    by_distance: bool,
    pay_at_least: Option<i64>,
    available_on: Option<(i64, u64)>,
    live_on: Option<i64>,
    lat: Col<f64>,
    lon: Col<f64>,
    pay_hour: Col<i64>,
    starts: Col<i64>,
    ends: Col<i64>,
    days: Col<u64>,
    expires: Col<i64>,
    posted: Col<i64>,
    id_hi: Col<u64>,
    id_lo: Col<u64>,
    heap: BinaryHeap<Candidate>,
}

impl Collector for HitCollector {
    type Fruit = Vec<Candidate>;
    type Child = SegmentHits;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentHits> {
        let ff = reader.fast_fields();
        Ok(SegmentHits {
            segment,
            region: self.region,
            occupations: self.occupations.clone(),
            form: self.form,
            county: ff.column_first_or_default("county")?,
            occupation_ix: ff.column_first_or_default("occupation_ix")?,
            form_ix: ff.column_first_or_default("form_ix")?,
            keep: self.keep,
            near: self.near,
            radius_km: self.radius_km,
            by_distance: self.by_distance,
            pay_at_least: self.pay_at_least,
            available_on: self.available_on,
            live_on: self.live_on,
            lat: ff.column_first_or_default("lat")?,
            lon: ff.column_first_or_default("lon")?,
            pay_hour: ff.column_first_or_default("pay_hour")?,
            starts: ff.column_first_or_default("starts")?,
            ends: ff.column_first_or_default("ends")?,
            days: ff.column_first_or_default("days")?,
            expires: ff.column_first_or_default("expires")?,
            posted: ff.column_first_or_default("posted")?,
            id_hi: ff.column_first_or_default("id_hi")?,
            id_lo: ff.column_first_or_default("id_lo")?,
            heap: BinaryHeap::with_capacity(self.keep + 1),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.scoring
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Candidate>>) -> tantivy::Result<Vec<Candidate>> {
        let mut all: Vec<Candidate> = fruits.into_iter().flatten().collect();
        all.sort();
        all.truncate(self.keep);
        Ok(all)
    }
}

impl SegmentCollector for SegmentHits {
    type Fruit = Vec<Candidate>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(form) = self.form
            && self.form_ix.get_val(doc) != form
        {
            return;
        }
        if let Some(allowed) = &self.occupations
            && !allowed
                .get(self.occupation_ix.get_val(doc) as usize)
                .copied()
                .unwrap_or(false)
        {
            return;
        }
        match self.region {
            Some(RegionFilter::County(c)) if self.county.get_val(doc) != c => return,
            Some(RegionFilter::City(c)) if self.county.get_val(doc) / 100 != c => return,
            _ => {}
        }
        if let Some(min) = self.pay_at_least
            && self.pay_hour.get_val(doc) < min
        {
            return;
        }
        if let Some((day, bit)) = self.available_on
            && (self.starts.get_val(doc) > day
                || self.ends.get_val(doc) < day
                || self.days.get_val(doc) & bit == 0)
        {
            return;
        }
        if let Some(day) = self.live_on
            && (self.expires.get_val(doc) < day || self.ends.get_val(doc) < day)
        {
            return;
        }
        let distance = self
            .near
            .map(|p| haversine_km(p.lat, p.lon, self.lat.get_val(doc), self.lon.get_val(doc)));
        if let (Some(d), Some(r)) = (distance, self.radius_km)
            && d > r
        {
            return;
        }
        let key = match (self.by_distance, distance) {
            (true, Some(d)) => d,
            _ => -f64::from(score),
        };
        let posted = self.posted.get_val(doc);
        // Cheap rejection before reading the id: strictly worse than the
        // current worst of a full heap.
        if self.heap.len() >= self.keep
            && let Some(worst) = self.heap.peek()
            && (key > worst.key || (key == worst.key && -posted > -worst.posted))
        {
            return;
        }
        let id = (u128::from(self.id_hi.get_val(doc)) << 64) | u128::from(self.id_lo.get_val(doc));
        self.heap.push(Candidate {
            key,
            score,
            distance,
            posted,
            id,
            segment: self.segment,
            doc,
        });
        if self.heap.len() > self.keep {
            self.heap.pop();
        }
    }

    fn harvest(self) -> Vec<Candidate> {
        self.heap.into_vec()
    }
}

#[cfg(test)]
mod tests;
