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
//! The query is read by the [`Vocabulary`] as concepts, not characters:
//! trades (named, described — 修水管 — or misspelt — 保结), places,
//! conditions (日结, 包吃住, 周末, 不限年龄 …), the asker's age, and the
//! words left over. Posts carry the same concepts: their catalogue trade
//! with its ancestors, the trades their title and text name or describe,
//! and the conditions their text and schedule state (a bit set and an age
//! range in fast fields).
//!
//! Results come in tiers, each complete before the next begins:
//!
//! 1. **Exact**: a post of an asked-for trade — its catalogue trade (10
//!    points), its title (6) or its text (2.5) — or, when the query names no
//!    trade, a post with every leftover word (BM25 over title ×3, skills
//!    ×1.5, description ×1), or, when it names only places and conditions,
//!    a post in such a place or with such a condition. Words are never
//!    matched one character at a time: 管 in 管吃住 does not make a post a
//!    plumbing post.
//! 2. **Related**, when the exact tier has fewer than a page: the same
//!    category as an asked-for trade (3), or any one of the words.
//! 3. **Nearby**, only when nothing above matched: single characters, and
//!    then the nearest (or newest) work that passes the filters, so a
//!    search never ends on an empty page.
//!
//! Within a tier, conditions the post offers add 3 each, a named county 5
//! and a named city 3; a post whose stated age limit is below the asker's
//! age, or only for the other sex, loses 8; "附近" adds up to 4 for
//! closeness. Ties go to the newer post, then the smaller id, so equal
//! indexes return equal orders.
//!
//! # Consistency
//!
//! Writes are buffered until [`MarketIndex::commit`]; searches see the last
//! commit. The index is derived data: [`MarketIndex::commit_with_checkpoint`]
//! stores the position of the last applied outbox entry with the commit so
//! a restarted server knows where to resume ([`MarketIndex::checkpoint`]).

use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

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
use crate::post::{JobForm, JobPost, Weekdays, day_number};
use crate::segmentation::Segmenter;
use crate::vocab::{Cond, QueryPlan, Vocabulary};

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
/// Fixed score of an asked-for trade that is the post's catalogue trade.
const TRADE_SCORE: Score = 10.0;
/// … that the post's title (or own trade words) names or describes.
const TITLE_TRADE_SCORE: Score = 6.0;
/// … that the post's description or skills, or a word inside its title, name.
const TEXT_TRADE_SCORE: Score = 2.5;
/// The post is in the category of an asked-for trade (related tier).
const CATEGORY_SCORE: Score = 3.0;
/// Each asked-for condition the post offers.
const COND_BONUS: f32 = 5.0;
/// The post is in a county or city the query names: a place said is a place
/// meant, so it outweighs how well the text matches.
const COUNTY_BONUS: f32 = 12.0;
const CITY_BONUS: f32 = 8.0;
/// … in another county of the named county's city.
const SAME_CITY_BONUS: f32 = 4.0;
/// Weight of the BM25 of a trade's own words when the trade already
/// matched (they only order posts of the same trade).
const SURFACE_WEIGHT: Score = 0.3;
/// The post's stated age or sex does not suit the asker.
const MISFIT_PENALTY: f32 = 8.0;
/// "附近": up to this much for a post at the asker's point, nothing at 20 km.
const NEARBY_BONUS: f32 = 4.0;
const NEARBY_KM: f64 = 20.0;

/// How a hit matched the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchTier {
    /// What was asked: the trade, the words, or the place and conditions.
    #[default]
    Exact,
    /// The same kind of work, or some of the words.
    Related,
    /// Nothing matched; the nearest (or newest) work.
    Nearby,
}

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
    /// From `near`, when given; never for a remote post.
    pub distance_km: Option<f64>,
    /// 居家/远程: the post has no place (shown instead of a distance).
    #[serde(default)]
    pub remote: bool,
    /// Why this post, in Chinese: `"距离2.3公里 · 保洁员 · 日薪200元"`.
    pub why: String,
    /// Exact, related or nearby (see the module docs).
    #[serde(default)]
    pub tier: MatchTier,
}

/// A search's hits and how its text was read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchOutcome {
    pub hits: Vec<SearchHit>,
    /// The text read as concepts (`None` without text).
    pub plan: Option<QueryPlan>,
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
    title_trade: Field,
    text_trade: Field,
    cond: Field,
    pay_label: Field,
    lat: Field,
    lon: Field,
    pay_hour: Field,
    starts: Field,
    ends: Field,
    days: Field,
    expires: Field,
    posted: Field,
    conds: Field,
    age_min: Field,
    age_max: Field,
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
        title_trade: b.add_text_field("title_trade", STRING),
        text_trade: b.add_text_field("text_trade", STRING),
        cond: b.add_u64_field("cond", INDEXED),
        pay_label: b.add_text_field("pay_label", STORED),
        lat: b.add_f64_field("lat", FAST),
        lon: b.add_f64_field("lon", FAST),
        pay_hour: b.add_i64_field("pay_hour", FAST),
        starts: b.add_i64_field("starts", FAST),
        ends: b.add_i64_field("ends", FAST),
        days: b.add_u64_field("days", FAST),
        expires: b.add_i64_field("expires", FAST),
        posted: b.add_i64_field("posted", FAST),
        conds: b.add_u64_field("conds", FAST),
        age_min: b.add_u64_field("age_min", FAST),
        age_max: b.add_u64_field("age_max", FAST),
    };
    (b.build(), fields)
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
    vocab: Arc<Vocabulary>,
    /// Catalogue index of each code.
    occupation_ix: HashMap<&'static str, u64>,
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
        Ok(MarketIndex {
            index,
            fields,
            writer: Mutex::new(Some(writer)),
            options,
            plan: std::sync::atomic::AtomicU8::new(PLAN_AUTO),
            reader,
            segmenter,
            vocab: Vocabulary::shared(),
            occupation_ix,
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
        // The employer's own trade words are searched like the title.
        if let Some(t) = &post.trade_text {
            doc.add_text(f.title, t);
        }
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
        // A post without a place sits in the one cell every area search
        // includes, and its coordinates are NaN: no distance, no radius.
        match post.place() {
            Some((lat, lon)) => {
                for level in 0..LEVEL_KM.len() as u8 {
                    doc.add_u64(f.cell, GridCell::containing(lat, lon, level).id());
                }
                doc.add_f64(f.lat, lat);
                doc.add_f64(f.lon, lon);
            }
            None => {
                doc.add_u64(f.cell, GridCell::NO_PLACE);
                doc.add_f64(f.lat, f64::NAN);
                doc.add_f64(f.lon, f64::NAN);
            }
        }
        doc.add_i64(f.pay_hour, post.pay_per_hour_fen().unwrap_or(-1));
        doc.add_i64(f.starts, i64::from(day_number(post.starts_on)));
        doc.add_i64(
            f.ends,
            post.last_work_day()
                .map_or(i64::MAX, |d| i64::from(day_number(d))),
        );
        doc.add_u64(f.days, u64::from(post.schedule.days.0));
        doc.add_i64(f.expires, i64::from(day_number(post.expires_on)));
        doc.add_i64(f.posted, post.posted_at.timestamp());
        let features = self.vocab.post_features(post, post.trade_text.as_deref());
        for code in &features.title_trades {
            doc.add_text(f.title_trade, code);
        }
        for code in &features.text_trades {
            doc.add_text(f.text_trade, code);
        }
        for c in Cond::of_bits(features.conds) {
            doc.add_u64(f.cond, c as u64);
        }
        doc.add_u64(f.conds, features.conds);
        doc.add_u64(f.age_min, u64::from(features.age.min));
        doc.add_u64(f.age_max, u64::from(features.age.max));
        doc.add_text(f.pay_label, post.pay.label());
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

    /// The words a query text is searched for after its trades, places,
    /// conditions and fillers are read (for tests and debugging).
    pub fn query_words(&self, text: &str) -> Vec<String> {
        self.vocab.analyze(text).words
    }

    /// How a text is read: trades, places, conditions, age, words.
    pub fn analyze(&self, text: &str) -> QueryPlan {
        self.vocab.analyze(text)
    }

    /// The vocabulary this index reads queries and posts with.
    pub fn vocabulary(&self) -> &Arc<Vocabulary> {
        &self.vocab
    }

    /// BM25 of one word over the boosted text fields.
    fn word_query(&self, w: &str) -> Box<dyn Query> {
        let f = &self.fields;
        let clauses: Vec<(Occur, Box<dyn Query>)> = [
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
        Box::new(BooleanQuery::new(clauses))
    }

    /// Posts with at least `required` of the words.
    fn words_query(&self, words: &[String], required: usize) -> Box<dyn Query> {
        let per_word: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .map(|w| (Occur::Should, self.word_query(w)))
            .collect();
        Box::new(BooleanQuery::with_minimum_required_clauses(
            per_word, required,
        ))
    }

    fn fixed(&self, field: Field, value: &str, score: Score) -> (Occur, Box<dyn Query>) {
        let term = TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        );
        (
            Occur::Should,
            Box::new(ConstScoreQuery::new(Box::new(term), score)),
        )
    }

    /// Posts of an asked-for trade: its catalogue trade (a category
    /// includes its trades), its title, its text.
    fn trade_clauses(&self, plan: &QueryPlan) -> Vec<(Occur, Box<dyn Query>)> {
        let f = &self.fields;
        let mut clauses = Vec::new();
        for t in &plan.trades {
            clauses.push(self.fixed(f.occupation, t.code, TRADE_SCORE * t.weight));
            clauses.push(self.fixed(f.title_trade, t.code, TITLE_TRADE_SCORE * t.weight));
            clauses.push(self.fixed(f.text_trade, t.code, TEXT_TRADE_SCORE * t.weight));
        }
        clauses
    }

    /// Posts in the category of an asked-for trade.
    fn category_clauses(&self, plan: &QueryPlan) -> Vec<(Occur, Box<dyn Query>)> {
        let f = &self.fields;
        let mut seen = Vec::new();
        let mut clauses = Vec::new();
        for t in &plan.trades {
            let Some(o) = occupation(t.code) else {
                continue;
            };
            let category = o.category().code;
            if category != t.code && !seen.contains(&category) {
                seen.push(category);
                clauses.push(self.fixed(f.occupation, category, CATEGORY_SCORE * t.weight));
            }
        }
        clauses
    }

    /// The words of the asked-for trades as the query wrote them (保洁 of
    /// 小店区保洁), searched with a small weight to order posts of a trade.
    fn surface_words(&self, plan: &QueryPlan) -> Vec<String> {
        let mut words: Vec<String> = Vec::new();
        for t in &plan.trades {
            // A corrected spelling is searched as the word it was read as.
            let surface = t.read_as.as_deref().unwrap_or(&t.surface);
            for w in self.segmenter.query_words(surface) {
                if w.chars().count() >= 2 && !words.contains(&w) && !plan.words.contains(&w) {
                    words.push(w);
                }
            }
        }
        words
    }

    /// The query of one tier, or `None` when the tier has nothing to add.
    fn tier_query(&self, plan: &QueryPlan, tier: MatchTier) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let optional = |clauses: &mut Vec<(Occur, Box<dyn Query>)>, words: &[String]| {
            for w in words {
                clauses.push((Occur::Should, self.word_query(w)));
            }
        };
        match tier {
            MatchTier::Exact => {
                if !plan.trades.is_empty() {
                    let must = BooleanQuery::new(self.trade_clauses(plan));
                    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
                        vec![(Occur::Must, Box::new(must))];
                    optional(&mut clauses, &plan.words);
                    for w in self.surface_words(plan) {
                        clauses.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(self.word_query(&w), SURFACE_WEIGHT)),
                        ));
                    }
                    Some(Box::new(BooleanQuery::new(clauses)))
                } else if plan.places.is_empty() && plan.conds & POST_SIDE_CONDS == 0 {
                    // Words only: every word.
                    (!plan.words.is_empty())
                        .then(|| self.words_query(&plan.words, plan.words.len()))
                        .or_else(|| Some(Box::new(AllQuery)))
                } else {
                    // Places and conditions: posts with any of them (everything
                    // when they are all query-side cues); words only add.
                    let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                    for r in &plan.places {
                        any.push(self.fixed(f.region, &r.as_str(), 0.0));
                    }
                    for c in Cond::of_bits(plan.conds & POST_SIDE_CONDS) {
                        let term = TermQuery::new(
                            Term::from_field_u64(f.cond, c as u64),
                            IndexRecordOption::Basic,
                        );
                        any.push((
                            Occur::Should,
                            Box::new(ConstScoreQuery::new(Box::new(term), 0.0)),
                        ));
                    }
                    let any: Box<dyn Query> = if any.is_empty() {
                        Box::new(AllQuery)
                    } else {
                        Box::new(BooleanQuery::new(any))
                    };
                    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, any)];
                    optional(&mut clauses, &plan.words);
                    Some(Box::new(BooleanQuery::new(clauses)))
                }
            }
            MatchTier::Related => {
                let mut any = self.category_clauses(plan);
                let words = if plan.trades.is_empty() {
                    // Words only: any one of several words.
                    if plan.words.len() > 1 {
                        plan.words.clone()
                    } else {
                        Vec::new()
                    }
                } else {
                    plan.words.clone()
                };
                optional(&mut any, &words);
                (!any.is_empty()).then(|| Box::new(BooleanQuery::new(any)) as Box<dyn Query>)
            }
            MatchTier::Nearby => {
                if plan.chars.is_empty() {
                    Some(Box::new(AllQuery))
                } else {
                    Some(self.words_query(&plan.chars, 1))
                }
            }
        }
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
                .map(GridCell::id)
                .chain([GridCell::NO_PLACE])
                .map(|id| Term::from_field_u64(f.cell, id))
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

    /// Posts the text part of a tier can match, at most (for planning).
    fn text_frequency(
        &self,
        searcher: &tantivy::Searcher,
        plan: &QueryPlan,
    ) -> Result<u64, MarketError> {
        let f = &self.fields;
        if !plan.trades.is_empty() {
            let mut n = 0;
            for t in &plan.trades {
                for field in [f.occupation, f.title_trade, f.text_trade] {
                    n += searcher.doc_freq(&Term::from_field_text(field, t.code))?;
                }
            }
            return Ok(n);
        }
        if plan.words.is_empty() {
            return Ok(u64::MAX);
        }
        let mut least = u64::MAX;
        for w in &plan.words {
            let mut n = 0;
            for field in [f.title, f.skills, f.description] {
                n += searcher.doc_freq(&Term::from_field_text(field, w))?;
            }
            least = least.min(n);
        }
        Ok(least)
    }

    /// Searches the last commit.
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<SearchHit>, MarketError> {
        Ok(self.search_outcome(q)?.hits)
    }

    /// Searches the last commit and says how the text was read.
    pub fn search_outcome(&self, q: &SearchQuery) -> Result<SearchOutcome, MarketError> {
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
        let plan = q
            .text
            .as_deref()
            .map(|t| self.vocab.analyze(t))
            .filter(|p| !p.is_empty() || !p.chars.is_empty());
        let empty = QueryPlan::default();
        let p = plan.as_ref().unwrap_or(&empty);
        let searcher = self.reader.searcher();
        let keep = offset + limit;
        let mut found: Vec<(MatchTier, Candidate)> = Vec::new();
        // Passes, each complete before the next: a place said is a place
        // meant, so with a place the asked-for work there comes first, then
        // the same work elsewhere in that city and related work there, then
        // the same work further away.
        let passes: Vec<(MatchTier, MatchTier, Scope)> = match (&plan, p.places.is_empty()) {
            (None, _) => vec![(MatchTier::Exact, MatchTier::Exact, Scope::Any)],
            (Some(_), true) => vec![
                (MatchTier::Exact, MatchTier::Exact, Scope::Any),
                (MatchTier::Related, MatchTier::Related, Scope::Any),
                (MatchTier::Nearby, MatchTier::Nearby, Scope::Any),
            ],
            (Some(_), false) => vec![
                (MatchTier::Exact, MatchTier::Exact, Scope::Within),
                (MatchTier::Related, MatchTier::Exact, Scope::SameCity),
                (MatchTier::Related, MatchTier::Related, Scope::Within),
                (MatchTier::Related, MatchTier::Exact, Scope::Elsewhere),
                (MatchTier::Nearby, MatchTier::Nearby, Scope::Any),
            ],
        };
        for (tier, query_of, scope) in passes {
            if found.len() >= keep {
                break;
            }
            // Nothing nearby is shown once something matched.
            if tier == MatchTier::Nearby && !found.is_empty() {
                break;
            }
            let exclude: HashSet<u128> = found.iter().map(|(_, c)| c.id).collect();
            let want = keep - found.len();
            let pass = Pass {
                query_of,
                scope,
                exclude: &exclude,
            };
            let mut got = None;
            // "Nearest first" without a radius: try growing rings first; once a
            // ring holds a full page, nothing outside it can rank higher.
            if q.sort == SortBy::Distance && q.near.is_some() && q.radius_km.is_none() {
                for r in NEAREST_RINGS_KM {
                    let ring = SearchQuery {
                        radius_km: Some(r),
                        ..q.clone()
                    };
                    let c = self.candidates(&ring, p, &pass, &searcher, want)?;
                    if c.len() >= want {
                        got = Some(c);
                        break;
                    }
                }
            }
            let got = match got {
                Some(c) => c,
                None => self.candidates(q, p, &pass, &searcher, want)?,
            };
            found.extend(got.into_iter().map(|c| (tier, c)));
        }
        let mut hits = Vec::with_capacity(limit);
        for (tier, c) in found.into_iter().skip(offset).take(limit) {
            hits.push(self.hit(&searcher, c, tier, p)?);
        }
        Ok(SearchOutcome { hits, plan })
    }

    /// The best `keep` matches of one pass.
    fn candidates(
        &self,
        q: &SearchQuery,
        plan: &QueryPlan,
        pass: &Pass<'_>,
        searcher: &tantivy::Searcher,
        keep: usize,
    ) -> Result<Vec<Candidate>, MarketError> {
        let tier = pass.query_of;
        let Some(text_query) = self.tier_query(plan, tier) else {
            return Ok(Vec::new());
        };
        let text_is_all = plan.is_empty() && plan.chars.is_empty() || {
            tier == MatchTier::Nearby && plan.chars.is_empty()
        };
        let boost = Boost::of(plan, q.near);
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
            scoring: !text_is_all,
            boost: Arc::new(boost),
            exclude: Arc::new(pass.exclude.clone()),
            scope: pass.scope,
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
        let text_frequency = if text_is_all {
            u64::MAX
        } else {
            self.text_frequency(searcher, plan)?
        };
        let planning = self.plan.load(std::sync::atomic::Ordering::Relaxed);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !text_is_all {
            clauses.push((Occur::Must, text_query));
        }
        for filter in &filters {
            let join = match planning {
                PLAN_AUTO => match filter.kind {
                    FilterKind::Terms => filter.matches < searcher.num_docs(),
                    FilterKind::Cells => {
                        text_is_all || filter.matches <= text_frequency.saturating_mul(20)
                    }
                },
                #[cfg(test)]
                PLAN_ALL_TERMS => true,
                _ => false,
            };
            if join {
                clauses.push((
                    Occur::Must,
                    Box::new(ConstScoreQuery::new(filter.query.box_clone(), 0.0)),
                ));
            }
        }
        let query: Box<dyn Query> = if clauses.is_empty() {
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::new(clauses))
        };
        Ok(searcher.search(query.as_ref(), &collector)?)
    }

    fn hit(
        &self,
        searcher: &tantivy::Searcher,
        c: Candidate,
        tier: MatchTier,
        plan: &QueryPlan,
    ) -> Result<SearchHit, MarketError> {
        let address = DocAddress::new(c.segment, c.doc);
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field: Field| -> Option<String> {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
        };
        let fast = searcher.segment_reader(c.segment).fast_fields();
        let occupation_ix = fast.u64("occupation_ix")?.first(c.doc).unwrap_or(u64::MAX);
        let conds = fast.u64("conds")?.first(c.doc).unwrap_or(0);
        let county = fast.u64("county")?.first(c.doc).unwrap_or(0);
        let remote = !fast.f64("lat")?.first(c.doc).unwrap_or(0.0).is_finite();
        let mut why: Vec<String> = Vec::new();
        if remote {
            why.push(REMOTE_LABEL.to_string());
        } else if let Some(d) = c.distance {
            why.push(format!("距离{}", distance_label(d)));
        }
        if let Some(o) = occupations().get(occupation_ix as usize) {
            why.push(o.name.to_string());
        }
        for p in &plan.places {
            let inside = match p.level() {
                RegionLevel::County => u64::from(p.code()) == county,
                RegionLevel::City => u64::from(p.code() / 100) == county / 100,
                RegionLevel::Province => false,
            };
            if inside {
                why.push(p.name().to_string());
            }
        }
        for cond in Cond::of_bits(plan.conds & conds & POST_SIDE_CONDS) {
            // 居家/远程 already leads the line.
            if !(remote && cond == Cond::Remote) {
                why.push(cond.label().to_string());
            }
        }
        if let Some(pay) = text(self.fields.pay_label) {
            why.push(pay);
        }
        Ok(SearchHit {
            id: Uuid::from_u128(c.id),
            external_id: text(self.fields.external_id),
            title: text(self.fields.title).unwrap_or_default(),
            score: if c.score.is_finite() { c.score } else { 0.0 },
            distance_km: c.distance,
            remote,
            why: why.join(" · "),
            tier,
        })
    }
}

/// One pass of a search: the tier whose query it runs, where the posts may
/// be, and what earlier passes returned.
struct Pass<'a> {
    query_of: MatchTier,
    scope: Scope,
    exclude: &'a HashSet<u128>,
}

/// Where a pass's posts may be, against the places the query names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Any,
    /// In a named county or city.
    Within,
    /// Elsewhere in the city of a named county.
    SameCity,
    /// Neither.
    Elsewhere,
}

/// Catalogue index → the catalogue index of its category.
static CATEGORY_OF: std::sync::LazyLock<Arc<Vec<u64>>> = std::sync::LazyLock::new(|| {
    Arc::new(
        occupations()
            .iter()
            .map(|o| {
                let c = o.category().code;
                occupations().iter().position(|x| x.code == c).unwrap_or(0) as u64
            })
            .collect(),
    )
});

/// Conditions a post can state (the rest are only asked: 附近).
/// What a post without a place shows where others show a distance.
pub const REMOTE_LABEL: &str = "居家/远程";

/// The sort key of a post without a place when sorting nearest first:
/// beyond any distance on Earth, ordered among themselves by score.
const NO_PLACE_KEY: f64 = 1.0e6;

const POST_SIDE_CONDS: u64 = !(1 << (Cond::Nearby as u8));

/// What adds to or takes from a post's score besides its text: asked-for
/// conditions, places, the asker's age and sex, closeness when "附近".
#[derive(Debug, Clone, Default)]
struct Boost {
    conds: u64,
    counties: Vec<u64>,
    /// First four digits of the city codes.
    cities: Vec<u64>,
    age: Option<u64>,
    female: bool,
    male: bool,
    nearby: bool,
    /// Catalogue indices of the categories of the kinds of place named
    /// alongside a trade (a boost for posts there).
    settings: Vec<u64>,
}

impl Boost {
    fn of(plan: &QueryPlan, near: Option<(f64, f64)>) -> Boost {
        let mut b = Boost {
            conds: plan.conds & POST_SIDE_CONDS & !(Cond::Female.bit() | Cond::Male.bit()),
            age: plan.age.map(u64::from),
            female: plan.has(Cond::Female),
            male: plan.has(Cond::Male),
            nearby: plan.has(Cond::Nearby) && near.is_some(),
            settings: plan
                .settings
                .iter()
                .filter_map(|c| occupations().iter().position(|o| o.code == *c))
                .map(|i| i as u64)
                .collect(),
            ..Boost::default()
        };
        for p in &plan.places {
            match p.level() {
                RegionLevel::County => b.counties.push(u64::from(p.code())),
                RegionLevel::City => b.cities.push(u64::from(p.code() / 100)),
                RegionLevel::Province => {}
            }
        }
        b
    }

    /// Where a post in `county` is against the named places.
    fn scope_of(&self, county: u64) -> Scope {
        if self.counties.contains(&county) || self.cities.contains(&(county / 100)) {
            Scope::Within
        } else if self.counties.iter().any(|c| c / 100 == county / 100) {
            Scope::SameCity
        } else {
            Scope::Elsewhere
        }
    }

    fn is_empty(&self) -> bool {
        self.conds == 0
            && self.counties.is_empty()
            && self.cities.is_empty()
            && self.age.is_none()
            && !self.female
            && !self.male
            && !self.nearby
            && self.settings.is_empty()
    }

    /// The bonus (or penalty) of one post.
    fn of_post(
        &self,
        conds: u64,
        county: u64,
        age_min: u64,
        age_max: u64,
        km: Option<f64>,
        category_ix: u64,
    ) -> f32 {
        let mut bonus = COND_BONUS * (self.conds & conds).count_ones() as f32;
        if self.settings.contains(&category_ix) {
            bonus += COND_BONUS;
        }
        if self.counties.contains(&county) {
            bonus += COUNTY_BONUS;
        } else if self.cities.contains(&(county / 100)) {
            bonus += CITY_BONUS;
        } else if !self.counties.is_empty() && self.counties.iter().any(|c| c / 100 == county / 100)
        {
            // Another county of the same city.
            bonus += SAME_CITY_BONUS;
        }
        if let Some(a) = self.age {
            let too_old = (1..=120).contains(&age_max) && age_max < a;
            let too_young = age_min > 0 && age_min > a;
            if too_old || too_young {
                bonus -= MISFIT_PENALTY;
            }
        }
        let female = conds & Cond::Female.bit() != 0;
        let male = conds & Cond::Male.bit() != 0;
        if self.female {
            if male && !female {
                bonus -= MISFIT_PENALTY;
            } else if female {
                bonus += 1.0;
            }
        }
        if self.male && female && !male {
            bonus -= MISFIT_PENALTY;
        }
        if self.nearby
            && let Some(d) = km
        {
            bonus += NEARBY_BONUS * (1.0 - (d / NEARBY_KM).min(1.0)) as f32;
        }
        bonus
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
    boost: Arc<Boost>,
    /// Posts an earlier tier already returned.
    exclude: Arc<HashSet<u128>>,
    scope: Scope,
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
    conds: Col<u64>,
    age_min: Col<u64>,
    age_max: Col<u64>,
    boost: Arc<Boost>,
    boosting: bool,
    exclude: Arc<HashSet<u128>>,
    scope: Scope,
    /// Catalogue index → the index of its category.
    category_of: Arc<Vec<u64>>,
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
            conds: ff.column_first_or_default("conds")?,
            age_min: ff.column_first_or_default("age_min")?,
            age_max: ff.column_first_or_default("age_max")?,
            boosting: !self.boost.is_empty(),
            boost: self.boost.clone(),
            exclude: self.exclude.clone(),
            scope: self.scope,
            category_of: CATEGORY_OF.clone(),
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
        if self.scope != Scope::Any && self.boost.scope_of(self.county.get_val(doc)) != self.scope {
            return;
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
        // NaN coordinates: a post without a place (居家/远程) has no distance.
        let (lat, lon) = (self.lat.get_val(doc), self.lon.get_val(doc));
        let distance = self
            .near
            .filter(|_| lat.is_finite() && lon.is_finite())
            .map(|p| haversine_km(p.lat, p.lon, lat, lon));
        if let (Some(d), Some(r)) = (distance, self.radius_km)
            && d > r
        {
            return;
        }
        let score = if self.boosting {
            score
                + self.boost.of_post(
                    self.conds.get_val(doc),
                    self.county.get_val(doc),
                    self.age_min.get_val(doc),
                    self.age_max.get_val(doc),
                    distance,
                    self.category_of
                        .get(self.occupation_ix.get_val(doc) as usize)
                        .copied()
                        .unwrap_or(u64::MAX),
                )
        } else {
            score
        };
        let key = match (self.by_distance, distance) {
            (true, Some(d)) => d,
            // Nearest first: the posts without a place after every placed one.
            (true, None) => NO_PLACE_KEY - f64::from(score),
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
        if !self.exclude.is_empty() && self.exclude.contains(&id) {
            return;
        }
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
