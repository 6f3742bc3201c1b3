//! Search and recommendations over the live market (四(九) 就业推荐).
//!
//! The search index (tantivy, in linghuo-market) and the two in-memory matchers are derived
//! data. Writes go to the database with a `market_outbox` row in the same transaction; each
//! server applies the outbox to its own index and remembers how far it got in the index's
//! checkpoint, so a restarted server catches up by itself and `linghuo market reindex`
//! rebuilds everything from the database. Worker profiles are refreshed from their
//! `updated_at` watermark the same way, so two servers on one PostgreSQL see each other's
//! changes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use linghuo_domain::{RegionCode, mask_name};
use linghuo_market::index::IndexOptions;
use linghuo_market::{
    ExpectedPay, JobForm, JobMatcher, MarketIndex, PayUnit, Recommendation, Schedule, SearchQuery,
    SortBy, WorkerPool, WorkerProfile,
};
use linghuo_storage::market::{self as repo, PostRow, ProfileRow};
use linghuo_storage::persons;
use serde::{Deserialize, Serialize};
use tokio::sync::{Mutex, OnceCell};
use uuid::Uuid;

use crate::Service;
use crate::access::{Actor, Role};
use crate::error::{Result, ServiceError};
use crate::market::PostView;
use linghuo_storage::status::PostStatus;

/// Outbox rows applied per index commit.
const OUTBOX_BATCH: i64 = 500;
/// Posts or profiles read per page when (re)building.
const PAGE: i64 = 2000;
/// A search applies the outbox itself at most this often (besides after a local write).
const SYNC_EVERY: Duration = Duration::from_secs(1);
/// How long a post's view and a search's results are reused at most: bounds how stale an
/// employer's name or badge changed by another server can look here. Each entry lives a
/// random part of it more than half, so entries made together do not all expire together.
const VIEW_TTL: Duration = Duration::from_secs(30);

/// When an entry made now expires: between half of `VIEW_TTL` and all of it.
fn expiry() -> Instant {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let half = VIEW_TTL / 2;
    Instant::now() + half + half.mul_f64(f64::from(nanos % 1_000) / 1_000.0)
}
/// Sizes of the two caches; a full cache is emptied and fills again.
const VIEWS_MAX: usize = 50_000;
const RESULTS_MAX: usize = 2_048;

/// Where a server keeps its market index: on disk (a server) or in memory (tests, CLI).
pub struct MarketSearch {
    dir: Option<PathBuf>,
    loaded: OnceCell<Arc<Loaded>>,
    /// Whether repeated queries are answered from the results cache (on; `linghuo bench
    /// http` turns it off to measure every search through the index).
    results_cache: std::sync::atomic::AtomicBool,
}

struct Loaded {
    index: MarketIndex,
    jobs: RwLock<JobMatcher>,
    workers: RwLock<WorkerPool>,
    /// How far the outbox is applied to the index and the job matcher; the lock serialises
    /// syncs.
    applied: Mutex<OutboxCursor>,
    /// Last profile change applied to the worker pool: (updated_at, person_id), with the
    /// changes applied within `PROFILE_OVERLAP` of it.
    profiles_mark: Mutex<ProfilesMark>,
    /// Moves whenever the index or the posts shown change; keys the results cache.
    generation: AtomicU64,
    /// The process's write count when the outbox was last applied, and when that was.
    synced_writes: AtomicU64,
    synced_at: std::sync::Mutex<Instant>,
    /// The view of each post lately shown (`None`: no longer live), so a search reads no
    /// rows for posts it has shown before; dropped when the post changes.
    views: std::sync::RwLock<HashMap<Uuid, ShownView>>,
    /// Recent results by query (normalised, with today's date) and generation.
    results: std::sync::Mutex<HashMap<String, CachedResults>>,
}

/// How far a server has applied the outbox.
///
/// On PostgreSQL an outbox seq is taken when the row is inserted, not when its transaction
/// commits, so a reader can see seq 11 committed while seq 10 is still on its way (two
/// writers on one node, or on two nodes). Reading on from 11 would lose 10 for good. So every
/// seq skipped is kept as a hole, with the transaction horizon (xmax) at the moment it was
/// seen, and read again on each sync until it appears or every transaction that could still
/// commit it has ended (`repo::transaction_horizon`). The index's checkpoint is the seq
/// before the first hole, so a restarted server reads the holes again too.
#[derive(Debug, Default)]
struct OutboxCursor {
    /// The highest seq applied.
    high: i64,
    /// Seqs at or below `high` not yet seen, with the horizon's xmax when first missed.
    holes: std::collections::BTreeMap<i64, u64>,
}

/// A profile's `updated_at` is the writer's clock when it wrote, not when it committed, so
/// a change can become visible after a later one was read (another writer, another node).
/// Each sync reads again from this long before the last change it applied, skipping what it
/// already applied; longer than the request timeout, and than the nodes' clock skew.
const PROFILE_OVERLAP: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// How far a server has applied worker profile changes.
struct ProfilesMark {
    /// The latest (updated_at, person_id) applied.
    last: (DateTime<Utc>, Uuid),
    /// The version of each profile applied within `PROFILE_OVERLAP` of `last`.
    recent: HashMap<Uuid, DateTime<Utc>>,
    /// When the previous sync began (this server's clock): a change still invisible then has
    /// an `updated_at` after it less `PROFILE_OVERLAP`.
    synced_at: Option<DateTime<Utc>>,
}

impl Default for ProfilesMark {
    fn default() -> ProfilesMark {
        ProfilesMark {
            last: (DateTime::<Utc>::UNIX_EPOCH, Uuid::nil()),
            recent: HashMap::new(),
            synced_at: None,
        }
    }
}

/// Most holes remembered at once (a rolled-back bulk import can leave a long run).
const HOLES_MAX: usize = 100_000;
/// How far back from the outbox head a rebuild looks for transactions still on their way.
const REBUILD_LOOKBACK: i64 = 100_000;

impl OutboxCursor {
    fn at(high: i64) -> OutboxCursor {
        OutboxCursor {
            high,
            holes: Default::default(),
        }
    }

    /// Everything at or below this seq is applied (the index's checkpoint).
    fn checkpoint(&self) -> i64 {
        self.holes.keys().next().map_or(self.high, |h| h - 1)
    }

    /// Notes the seqs in `(after, upto)` as holes seen at horizon `xmax` (PostgreSQL only:
    /// without a horizon a gap is final).
    fn note_gap(&mut self, after: i64, upto: i64, xmax: Option<u64>) {
        let Some(xmax) = xmax else { return };
        for h in (after + 1)..upto {
            if self.holes.len() >= HOLES_MAX {
                tracing::warn!(
                    hole = h,
                    "too many outbox holes; later ones are not waited for"
                );
                break;
            }
            self.holes.entry(h).or_insert(xmax);
        }
    }
}

/// When a post's view expires, and the view (`None`: the post is no longer live).
type ShownView = (Instant, Option<Arc<PostView>>);

struct CachedResults {
    generation: u64,
    expires: Instant,
    results: SearchResults,
}

impl std::fmt::Debug for MarketSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MarketSearch")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl MarketSearch {
    pub fn in_memory() -> MarketSearch {
        MarketSearch {
            dir: None,
            loaded: OnceCell::new(),
            results_cache: std::sync::atomic::AtomicBool::new(true),
        }
    }

    pub fn on_disk(dir: &Path) -> MarketSearch {
        MarketSearch {
            dir: Some(dir.to_owned()),
            loaded: OnceCell::new(),
            results_cache: std::sync::atomic::AtomicBool::new(true),
        }
    }
}

impl MarketSearch {
    /// Turns the results cache on or off (a measurement of the uncached path).
    pub fn set_results_cache(&self, on: bool) {
        self.results_cache.store(on, Ordering::Release);
    }
}

fn index_error(e: linghuo_market::MarketError) -> ServiceError {
    ServiceError::Internal(format!("market index: {e}"))
}

fn lock_poisoned<T>(_: T) -> ServiceError {
    ServiceError::Internal("market matcher lock poisoned".into())
}

/// What the index holds about the market, for `linghuo market reindex` and the health page.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct IndexStatus {
    pub live_posts: usize,
    pub worker_profiles: usize,
    pub applied_seq: i64,
    pub outbox_head: i64,
}

/// A search as people ask it (API query string, page form, CLI flags).
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct SearchInput {
    /// Free text: trade, skill or place, e.g. 保洁 小店区.
    pub q: Option<String>,
    /// City or county code (or name); includes everything inside it.
    pub region: Option<String>,
    /// Catalogue code or trade name; a category includes its trades.
    pub occupation: Option<String>,
    /// gig, hourly, part_time, short_term or platform.
    pub form: Option<String>,
    /// Pay at least this many yuan per hour, estimated with each post's hours (posts whose pay
    /// gives no estimate — a piece rate or 面议 without typical daily earnings — never match).
    pub pay_at_least: Option<String>,
    /// Only posts with work on this date (YYYY-MM-DD).
    pub date: Option<String>,
    /// `lat,lon` to measure distances from.
    pub near: Option<String>,
    /// Only posts within this many km of `near`.
    pub radius_km: Option<f64>,
    /// relevance or distance.
    pub sort: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
}

/// One post found, with why it was found.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PostHit {
    pub post: PostView,
    /// Relevance (BM25; 0 without search text).
    pub score: f64,
    pub distance_km: Option<f64>,
    /// Why this post, e.g. 距离2.3公里 · 保洁员 · 日薪200元.
    pub why: String,
    /// exact (what was asked), related (the same kind of work, or some of the words) or
    /// nearby (nothing matched: the nearest or newest work).
    pub tier: String,
}

/// A search's hits and how its words were read.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SearchResults {
    pub hits: Vec<PostHit>,
    /// How the words were read, e.g. 工种：水电工（“修水管”）；地点：小店区；条件：日结.
    pub understood: Option<String>,
}

/// A recommended job for a worker, with every reason.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct JobSuggestion {
    pub post: PostView,
    pub score: f64,
    pub why: Vec<String>,
}

/// A recommended worker for a post, as the employer may see them (masked until the worker
/// applies or accepts an invitation).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct WorkerSuggestion {
    pub person_id: Uuid,
    pub name: String,
    pub county_name: String,
    pub score: f64,
    pub why: Vec<String>,
    /// Already applied or invited to this post.
    pub contacted: bool,
}

fn parse_near(s: &str) -> Result<(f64, f64)> {
    let bad = || {
        ServiceError::invalid(
            "near",
            "near_format",
            "位置格式应为 纬度,经度，例如 37.87,112.55",
        )
    };
    let (a, b) = s.split_once(',').ok_or_else(bad)?;
    let lat: f64 = a.trim().parse().map_err(|_| bad())?;
    let lon: f64 = b.trim().parse().map_err(|_| bad())?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(bad());
    }
    Ok((lat, lon))
}

/// Resolves a region given as a code or as a name (太原市, 小店区).
pub fn parse_region(field: &str, s: &str) -> Result<RegionCode> {
    let t = s.trim();
    if let Ok(r) = RegionCode::parse(t) {
        return Ok(r);
    }
    linghuo_market::import::resolve_county(t)
        .or_else(|_| {
            linghuo_domain::all_regions()
                .into_iter()
                .find(|r| r.name() == t || r.full_name() == t)
                .ok_or(())
        })
        .map_err(|_| {
            ServiceError::invalid(
                field,
                "region_unknown",
                format!("地区“{t}”不是山西省的市或县（市、区）"),
            )
        })
}

impl SearchInput {
    /// The market crate's query, every field checked and named when wrong.
    pub fn to_query(&self, today: NaiveDate) -> Result<SearchQuery> {
        let mut q = SearchQuery {
            text: self
                .q
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
            live_on: Some(today),
            ..SearchQuery::default()
        };
        if let Some(t) = &q.text
            && t.chars().count() > 100
        {
            return Err(ServiceError::invalid(
                "q",
                "text_length",
                "搜索词最多100个字",
            ));
        }
        if let Some(r) = self.region.as_deref().filter(|s| !s.trim().is_empty()) {
            q.region = Some(parse_region("region", r)?);
        }
        if let Some(o) = self.occupation.as_deref().filter(|s| !s.trim().is_empty()) {
            let occ = linghuo_domain::resolve_occupation(o.trim()).ok_or_else(|| {
                ServiceError::invalid(
                    "occupation",
                    "occupation_unknown",
                    format!("职业“{}”不在职业目录中", o.trim()),
                )
            })?;
            q.occupation = Some(occ.code.to_owned());
        }
        if let Some(f) = self.form.as_deref().filter(|s| !s.trim().is_empty()) {
            q.form = Some(JobForm::parse(f.trim()).map_err(|_| {
                ServiceError::invalid(
                    "form",
                    "form_unknown",
                    "用工形式须为 gig、hourly、part_time、short_term 或 platform",
                )
            })?);
        }
        if let Some(p) = self
            .pay_at_least
            .as_deref()
            .filter(|s| !s.trim().is_empty())
        {
            let m = linghuo_domain::Money::parse_non_negative(p)
                .map_err(|e| ServiceError::field("pay_at_least", e))?;
            q.pay_at_least_per_hour_fen = Some(m.fen());
        }
        if let Some(d) = self.date.as_deref().filter(|s| !s.trim().is_empty()) {
            q.available_on = Some(NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(
                |_| {
                    ServiceError::invalid(
                        "date",
                        "date_format",
                        "日期格式应为 YYYY-MM-DD，例如 2021-06-01",
                    )
                },
            )?);
        }
        if let Some(n) = self.near.as_deref().filter(|s| !s.trim().is_empty()) {
            q.near = Some(parse_near(n)?);
        }
        if let Some(r) = self.radius_km {
            if !(0.1..=500.0).contains(&r) || q.near.is_none() {
                return Err(ServiceError::invalid(
                    "radius_km",
                    "radius_range",
                    "范围应为0.1至500公里，并同时给出位置",
                ));
            }
            q.radius_km = Some(r);
        }
        q.sort = match self.sort.as_deref().map(str::trim) {
            None | Some("") | Some("relevance") => SortBy::Relevance,
            Some("distance") => SortBy::Distance,
            Some(_) => {
                return Err(ServiceError::invalid(
                    "sort",
                    "sort_unknown",
                    "排序方式须为 relevance（相关度）或 distance（距离）",
                ));
            }
        };
        let limit = self.limit.unwrap_or(20);
        if !(1..=100).contains(&limit) {
            return Err(ServiceError::invalid(
                "limit",
                "limit_range",
                "每页条数应为1至100",
            ));
        }
        q.limit = limit;
        q.offset = self.offset.unwrap_or(0).min(10_000);
        Ok(q)
    }
}

/// The market crate's worker profile of a stored profile row.
pub(crate) fn worker_profile(
    row: &ProfileRow,
    age: Option<u32>,
    hard_to_employ: bool,
) -> WorkerProfile {
    let availability: Schedule = serde_json::from_str(&row.availability).unwrap_or_default();
    let forms: Vec<String> = serde_json::from_str(&row.wanted_forms).unwrap_or_default();
    WorkerProfile {
        id: row.person_id,
        occupations: serde_json::from_str(&row.occupations).unwrap_or_default(),
        skills: serde_json::from_str(&row.skills).unwrap_or_default(),
        certificates: serde_json::from_str(&row.certificates).unwrap_or_default(),
        lat: row.lat,
        lon: row.lon,
        radius_km: row.radius_km,
        availability,
        available_from: None,
        expected_pay: match (row.expected_pay_fen, row.expected_pay_unit.as_deref()) {
            (Some(fen), Some(u)) => PayUnit::parse(u)
                .ok()
                .map(|unit| ExpectedPay::new(fen, unit)),
            _ => None,
        },
        wanted_forms: forms
            .iter()
            .filter_map(|f| JobForm::parse(f).ok())
            .collect(),
        age,
        hard_to_employ,
    }
}

impl Service {
    async fn market_loaded(&self) -> Result<Arc<Loaded>> {
        if let Some(l) = self.search.loaded.get() {
            return Ok(l.clone());
        }
        self.search
            .loaded
            .get_or_try_init(|| self.load_market())
            .await
            .cloned()
    }

    async fn load_market(&self) -> Result<Arc<Loaded>> {
        let writes = self.market_writes.load(Ordering::Acquire);
        // Staff decisions first, so the posts are read with the learned synonyms.
        self.load_learned_trades().await?;
        let options = IndexOptions {
            writer_threads: 1,
            writer_memory_mib: 32,
        };
        let index = match &self.search.dir {
            Some(d) => MarketIndex::open_or_create_with(d, options),
            None => MarketIndex::in_memory_with(options),
        }
        .map_err(index_error)?;
        let head = repo::outbox_head(&self.db).await?;
        let checkpoint = index
            .checkpoint()
            .map_err(index_error)?
            .and_then(|c| c.parse::<i64>().ok());
        // The job matcher is memory only: it always starts from the live posts in the
        // database; the index starts from its checkpoint unless it is missing or belongs to
        // another database (a checkpoint past the outbox head).
        let posts = self.all_live_posts().await?;
        let applied = match checkpoint {
            Some(c) if c <= head => OutboxCursor::at(c),
            _ => {
                let cursor = self.rebuilt_cursor(head).await?;
                index.clear().map_err(index_error)?;
                for p in &posts {
                    index.insert_new(p).map_err(index_error)?;
                }
                index
                    .commit_with_checkpoint(&cursor.checkpoint().to_string())
                    .map_err(index_error)?;
                cursor
            }
        };
        let jobs = JobMatcher::from_posts(posts.iter()).map_err(index_error)?;
        let loaded = Arc::new(Loaded {
            index,
            jobs: RwLock::new(jobs),
            workers: RwLock::new(WorkerPool::new()),
            applied: Mutex::new(applied),
            profiles_mark: Mutex::new(ProfilesMark::default()),
            generation: AtomicU64::new(0),
            synced_writes: AtomicU64::new(writes),
            synced_at: std::sync::Mutex::new(Instant::now()),
            views: std::sync::RwLock::new(HashMap::new()),
            results: std::sync::Mutex::new(HashMap::new()),
        });
        self.sync_market(&loaded).await?;
        Ok(loaded)
    }

    /// The cursor of an index rebuilt from the live posts read after `head`: the seqs below
    /// the head that are not committed yet (transactions still on their way) are holes.
    async fn rebuilt_cursor(&self, head: i64) -> Result<OutboxCursor> {
        let mut cursor = OutboxCursor::at(head);
        let Some((_, xmax)) = repo::transaction_horizon(&self.db).await? else {
            return Ok(cursor);
        };
        let from = (head - REBUILD_LOOKBACK).max(0);
        let mut prev = from;
        for seq in repo::outbox_seqs_between(&self.db, from, head).await? {
            cursor.note_gap(prev, seq, Some(xmax));
            prev = seq;
        }
        Ok(cursor)
    }

    async fn all_live_posts(&self) -> Result<Vec<linghuo_market::JobPost>> {
        let today = self.clock.today_cst();
        let mut out = Vec::new();
        let mut after = Uuid::nil();
        loop {
            let page = repo::live_posts_page(&self.db, after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.id;
            out.extend(
                page.iter()
                    .filter(|p| p.expires_on >= today)
                    .filter_map(|row| crate::market::job_post(row).map(|j| (row.employer_id, j))),
            );
        }
        let rates: std::collections::HashMap<Uuid, Option<f32>> =
            repo::on_time_records_all(&self.db, today)
                .await?
                .into_iter()
                .map(|(e, on, late)| (e, on_time_rate(on, late)))
                .collect();
        Ok(out
            .into_iter()
            .map(|(employer, mut job)| {
                job.employer_on_time_rate = rates.get(&employer).copied().flatten();
                job
            })
            .collect())
    }

    /// The market crate's post with the employer's on-time-pay record (for ranking).
    async fn job_with_record(&self, row: &PostRow) -> Result<Option<linghuo_market::JobPost>> {
        let Some(mut job) = crate::market::job_post(row) else {
            return Ok(None);
        };
        let (on, late) =
            repo::on_time_record(&self.db, row.employer_id, self.clock.today_cst()).await?;
        job.employer_on_time_rate = on_time_rate(on, late);
        Ok(Some(job))
    }

    async fn person_traits(&self, person_id: Uuid) -> Result<(Option<u32>, bool)> {
        let today = self.clock.today_cst();
        let age = persons::by_id(&self.db, person_id)
            .await?
            .and_then(|p| u32::try_from(i64::from(today.year()) - p.birth_year).ok());
        let hard = persons::groups(&self.db, person_id)
            .await?
            .iter()
            .any(|g| g.group_code == "hard_to_employ" && g.until.is_none_or(|u| u >= today));
        Ok((age, hard))
    }

    /// Applies outbox rows and profile changes not yet seen by this server.
    async fn sync_market(&self, l: &Loaded) -> Result<usize> {
        let writes = self.market_writes.load(Ordering::Acquire);
        let posts = self.sync_posts(l, writes).await?;
        Ok(posts + self.sync_profiles(l).await?)
    }

    /// Applies the outbox when a search needs it: always after a write through this process
    /// (so the writer finds their own post), otherwise at most once a second, and then only
    /// if no other search is already doing it.
    async fn sync_posts_if_due(&self, l: &Loaded) -> Result<()> {
        let writes = self.market_writes.load(Ordering::Acquire);
        if l.synced_writes.load(Ordering::Acquire) != writes {
            self.sync_posts(l, writes).await?;
            return Ok(());
        }
        let due = l.synced_at.lock().map_err(lock_poisoned)?.elapsed() >= SYNC_EVERY;
        if due && l.applied.try_lock().is_ok() {
            self.sync_posts(l, writes).await?;
        }
        Ok(())
    }

    /// Applies outbox rows not yet seen by this server. `writes` is the process's write count
    /// read before starting: a write committed later moves it again and is applied next time.
    async fn sync_posts(&self, l: &Loaded, writes: u64) -> Result<usize> {
        let mut n = 0;
        {
            let mut cursor = l.applied.lock().await;
            loop {
                let batch = repo::outbox_after(&self.db, cursor.high, OUTBOX_BATCH).await?;
                let Some(&(last, _)) = batch.last() else {
                    break;
                };
                let gapped = batch
                    .iter()
                    .scan(cursor.high, |prev, &(seq, _)| {
                        let gap = seq > *prev + 1;
                        *prev = seq;
                        Some(gap)
                    })
                    .any(|g| g);
                if gapped {
                    let xmax = repo::transaction_horizon(&self.db).await?.map(|h| h.1);
                    let mut prev = cursor.high;
                    for &(seq, _) in &batch {
                        cursor.note_gap(prev, seq, xmax);
                        prev = seq;
                    }
                }
                n += self.apply_outbox(l, &batch).await?;
                cursor.high = last;
                l.index
                    .commit_with_checkpoint(&cursor.checkpoint().to_string())
                    .map_err(index_error)?;
            }
            if !cursor.holes.is_empty() {
                // The horizon first: a hole still missing after it was read is final once
                // every transaction that was running when it was seen has ended.
                let xmin = repo::transaction_horizon(&self.db)
                    .await?
                    .map_or(u64::MAX, |h| h.0);
                let seqs: Vec<i64> = cursor.holes.keys().copied().collect();
                let found = repo::outbox_rows(&self.db, &seqs).await?;
                let before = cursor.checkpoint();
                n += self.apply_outbox(l, &found).await?;
                for (seq, _) in &found {
                    cursor.holes.remove(seq);
                }
                cursor.holes.retain(|_, xmax| *xmax > xmin);
                if cursor.checkpoint() != before || !found.is_empty() {
                    l.index
                        .commit_with_checkpoint(&cursor.checkpoint().to_string())
                        .map_err(index_error)?;
                }
            }
        }
        // A local write may have changed what a shown post says without touching the
        // outbox (a hire, the employer's name): the views of this process are read again.
        let local_write = l.synced_writes.swap(writes, Ordering::AcqRel) != writes;
        if local_write {
            l.views.write().map_err(lock_poisoned)?.clear();
        }
        if n > 0 || local_write {
            l.generation.fetch_add(1, Ordering::AcqRel);
        }
        *l.synced_at.lock().map_err(lock_poisoned)? = Instant::now();
        Ok(n)
    }

    /// Applies outbox entries to the index and the job matcher (the index commits later).
    async fn apply_outbox(&self, l: &Loaded, entries: &[(i64, Uuid)]) -> Result<usize> {
        let today = self.clock.today_cst();
        let mut n = 0;
        let mut seen = std::collections::HashSet::new();
        for (_, id) in entries {
            if !seen.insert(*id) {
                continue;
            }
            let job = match repo::post(&self.db, *id)
                .await?
                .filter(|p| p.status == PostStatus::Live && p.expires_on >= today)
            {
                Some(row) => self.job_with_record(&row).await?,
                None => None,
            };
            match job {
                Some(job) => {
                    l.index.upsert(&job).map_err(index_error)?;
                    l.jobs
                        .write()
                        .map_err(lock_poisoned)?
                        .upsert(&job)
                        .map_err(index_error)?;
                }
                None => {
                    l.index.remove(*id).map_err(index_error)?;
                    l.jobs.write().map_err(lock_poisoned)?.remove(*id);
                }
            }
            n += 1;
        }
        let mut views = l.views.write().map_err(lock_poisoned)?;
        for id in &seen {
            views.remove(id);
        }
        Ok(n)
    }

    /// Applies worker profile changes not yet seen by this server.
    async fn sync_profiles(&self, l: &Loaded) -> Result<usize> {
        let mut n = 0;
        let mut mark = l.profiles_mark.lock().await;
        // Read again only what could have committed since the previous sync began: changes
        // written up to PROFILE_OVERLAP before it. Measured from the last change applied
        // instead, a burst of writes (a bulk import, the demo's 20,000 profiles) would be
        // re-read on every sync until a newer change arrived.
        let started = self.clock.now();
        let window = mark
            .synced_at
            .map_or(mark.last.0 - PROFILE_OVERLAP, |t| t - PROFILE_OVERLAP);
        let mut from = if mark.last.0 == DateTime::<Utc>::UNIX_EPOCH || mark.last.0 <= window {
            mark.last
        } else {
            (window, Uuid::nil())
        };
        let read_from = from.0;
        loop {
            let page = repo::profiles_changed(&self.db, from.0, from.1, PAGE).await?;
            let Some(last) = page.last() else { break };
            from = (last.updated_at, last.person_id);
            for row in &page {
                if mark.recent.get(&row.person_id) == Some(&row.updated_at) {
                    continue;
                }
                mark.recent.insert(row.person_id, row.updated_at);
                if (row.updated_at, row.person_id) > mark.last {
                    mark.last = (row.updated_at, row.person_id);
                }
                let (age, hard) = self.person_traits(row.person_id).await?;
                let w = worker_profile(row, age, hard);
                let mut pool = l.workers.write().map_err(lock_poisoned)?;
                if w.validate_for_pool() {
                    pool.upsert(&w).map_err(index_error)?;
                } else {
                    pool.remove(w.id);
                }
                n += 1;
            }
        }
        // The next sync reads from no earlier than this one did, or than PROFILE_OVERLAP
        // before now: versions older than both are never met again.
        let horizon = read_from.min(started - PROFILE_OVERLAP);
        mark.recent.retain(|_, at| *at >= horizon);
        mark.synced_at = Some(started);
        Ok(n)
    }

    /// Brings this server's index and matchers up to date with the database; returns how
    /// many posts and profiles it applied. Called by the server's background loop and before
    /// every search, so a writer always finds its own post.
    pub async fn sync_market_index(&self) -> Result<usize> {
        let l = self.market_loaded().await?;
        self.sync_market(&l).await
    }

    /// Rebuilds the index from the database (`linghuo market reindex`).
    pub async fn reindex_market(&self) -> Result<IndexStatus> {
        let l = self.market_loaded().await?;
        {
            let mut applied = l.applied.lock().await;
            let head = repo::outbox_head(&self.db).await?;
            let cursor = self.rebuilt_cursor(head).await?;
            let posts = self.all_live_posts().await?;
            l.index.clear().map_err(index_error)?;
            for p in &posts {
                l.index.insert_new(p).map_err(index_error)?;
            }
            l.index
                .commit_with_checkpoint(&cursor.checkpoint().to_string())
                .map_err(index_error)?;
            l.index.wait_for_merges().map_err(index_error)?;
            *l.jobs.write().map_err(lock_poisoned)? =
                JobMatcher::from_posts(posts.iter()).map_err(index_error)?;
            *applied = cursor;
            l.views.write().map_err(lock_poisoned)?.clear();
            l.generation.fetch_add(1, Ordering::AcqRel);
        }
        *l.workers.write().map_err(lock_poisoned)? = WorkerPool::new();
        *l.profiles_mark.lock().await = ProfilesMark::default();
        self.sync_market(&l).await?;
        self.market_index_status().await
    }

    pub async fn market_index_status(&self) -> Result<IndexStatus> {
        let l = self.market_loaded().await?;
        let applied = l.applied.lock().await.checkpoint();
        let worker_profiles = l.workers.read().map_err(lock_poisoned)?.len();
        Ok(IndexStatus {
            live_posts: l.index.len(),
            worker_profiles,
            applied_seq: applied,
            outbox_head: repo::outbox_head(&self.db).await?,
        })
    }

    /// Chinese full-text search over live posts with filters; open to everyone.
    pub async fn search_posts(&self, input: &SearchInput) -> Result<Vec<PostHit>> {
        Ok(self.search_posts_explained(input).await?.hits)
    }

    /// The same search, with how its words were read (for the result page).
    ///
    /// No database read on the usual path: the index is brought up to date only when due
    /// (see `sync_posts_if_due`), each hit's view comes from the views of posts shown before,
    /// and a query asked again while nothing changed is answered from the results cache.
    pub async fn search_posts_explained(&self, input: &SearchInput) -> Result<SearchResults> {
        let q = input.to_query(self.clock.today_cst())?;
        let l = self.market_loaded().await?;
        self.sync_posts_if_due(&l).await?;
        // The query's Debug form names every field, today's date (`live_on`) included.
        let key = format!("{q:?}");
        let generation = l.generation.load(Ordering::Acquire);
        let use_cache = self.search.results_cache.load(Ordering::Acquire);
        if use_cache
            && let Some(c) = l.results.lock().map_err(lock_poisoned)?.get(&key)
            && c.generation == generation
            && Instant::now() < c.expires
        {
            return Ok(c.results.clone());
        }
        let outcome = l.index.search_outcome(&q).map_err(index_error)?;
        let understood = outcome
            .plan
            .as_ref()
            .map(|p| p.understanding())
            .filter(|s| !s.is_empty());
        let hits = outcome.hits;
        let mut out = Vec::with_capacity(hits.len());
        for h in hits {
            // The index may briefly trail the database; skip what is no longer live.
            let Some(view) = self.shown_view(&l, h.id).await? else {
                continue;
            };
            out.push(PostHit {
                post: PostView::clone(&view),
                score: (f64::from(h.score) * 1000.0).round() / 1000.0,
                distance_km: h.distance_km.map(|d| (d * 10.0).round() / 10.0),
                why: h.why,
                tier: tier_code(h.tier).to_owned(),
            });
        }
        let results = SearchResults {
            hits: out,
            understood,
        };
        if !use_cache {
            return Ok(results);
        }
        let mut cache = l.results.lock().map_err(lock_poisoned)?;
        if cache.len() >= RESULTS_MAX {
            cache.clear();
        }
        cache.insert(
            key,
            CachedResults {
                generation,
                expires: expiry(),
                results: results.clone(),
            },
        );
        Ok(results)
    }

    /// The view of a live post the index found, from the views shown before when fresh,
    /// else read from the database (`None` when it is no longer live).
    async fn shown_view(&self, l: &Loaded, id: Uuid) -> Result<Option<Arc<PostView>>> {
        if let Some((expires, view)) = l.views.read().map_err(lock_poisoned)?.get(&id)
            && Instant::now() < *expires
        {
            return Ok(view.clone());
        }
        let generation = l.generation.load(Ordering::Acquire);
        let view = match repo::post(&self.db, id)
            .await?
            .filter(|p| p.status == PostStatus::Live)
        {
            Some(row) => Some(Arc::new(self.post_view(&row).await?)),
            None => None,
        };
        let mut views = l.views.write().map_err(lock_poisoned)?;
        // Keep it only if nothing changed meanwhile (else it may be the old post).
        if l.generation.load(Ordering::Acquire) == generation {
            if views.len() >= VIEWS_MAX {
                views.clear();
            }
            views.insert(id, (expiry(), view.clone()));
        }
        Ok(view)
    }

    /// Jobs for the signed-in worker from their profile; hard filters are never violated and
    /// every result says why.
    pub async fn recommend_jobs(&self, actor: &Actor, limit: usize) -> Result<Vec<JobSuggestion>> {
        actor.require_role(&[Role::Worker])?;
        let person = actor.person_id.ok_or(ServiceError::NotFound)?;
        let row = repo::profile(&self.db, person)
            .await?
            .ok_or(ServiceError::Conflict {
                code: "profile_missing",
                message: "请先填写求职信息（职业、位置、可工作时间）".into(),
            })?;
        let (age, hard) = self.person_traits(person).await?;
        let worker = worker_profile(&row, age, hard);
        let l = self.market_loaded().await?;
        self.sync_market(&l).await?;
        let recs = l
            .jobs
            .read()
            .map_err(lock_poisoned)?
            .recommend_jobs(&worker, self.clock.today_cst(), limit.clamp(1, 50))
            .map_err(index_error)?;
        let mut out = Vec::new();
        for r in recs {
            if let Some(p) = repo::post(&self.db, r.id).await? {
                out.push(JobSuggestion {
                    post: self.post_view(&p).await?,
                    score: round3(r.score),
                    why: why_texts(&r),
                });
            }
        }
        Ok(out)
    }

    /// Workers for one of the employer's live posts, masked; the damper keeps one worker
    /// from being pushed to every employer.
    pub async fn recommend_workers(
        &self,
        actor: &Actor,
        post_id: Uuid,
        limit: usize,
    ) -> Result<Vec<WorkerSuggestion>> {
        let e = self.employer_of(actor).await?;
        let p: PostRow = repo::post(&self.db, post_id)
            .await?
            .filter(|p| p.employer_id == e.id)
            .ok_or(ServiceError::NotFound)?;
        let job = crate::market::job_post(&p).ok_or(ServiceError::NotFound)?;
        let l = self.market_loaded().await?;
        self.sync_market(&l).await?;
        let recs = l
            .workers
            .read()
            .map_err(lock_poisoned)?
            .recommend_workers(&job, self.clock.today_cst(), limit.clamp(1, 50))
            .map_err(index_error)?;
        let contacted: std::collections::HashSet<Uuid> =
            repo::applications_for_post(&self.db, post_id)
                .await?
                .into_iter()
                .map(|a| a.person_id)
                .collect();
        let mut out = Vec::new();
        for r in recs {
            let Some(person) = persons::by_id(&self.db, r.id).await? else {
                continue;
            };
            out.push(WorkerSuggestion {
                person_id: r.id,
                name: mask_name(&person.name),
                county_name: RegionCode::parse(&person.jurisdiction_code)
                    .map(|c| c.full_name())
                    .unwrap_or_default(),
                score: round3(r.score),
                why: why_texts(&r),
                contacted: contacted.contains(&r.id),
            });
        }
        Ok(out)
    }
}

fn tier_code(t: linghuo_market::MatchTier) -> &'static str {
    match t {
        linghuo_market::MatchTier::Exact => "exact",
        linghuo_market::MatchTier::Related => "related",
        linghuo_market::MatchTier::Nearby => "nearby",
    }
}

/// Share of pay confirmed on time; `None` for an employer without a record yet.
fn on_time_rate(on_time: i64, late: i64) -> Option<f32> {
    let total = on_time + late;
    (total > 0).then(|| on_time as f32 / total as f32)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn why_texts(r: &Recommendation) -> Vec<String> {
    r.why.iter().map(|w| w.text.clone()).collect()
}

/// A profile the pool can hold: coordinates and radius in range.
trait PoolCheck {
    fn validate_for_pool(&self) -> bool;
}

impl PoolCheck for WorkerProfile {
    fn validate_for_pool(&self) -> bool {
        self.lat.is_finite() && self.lon.is_finite() && self.radius_km > 0.0
    }
}
