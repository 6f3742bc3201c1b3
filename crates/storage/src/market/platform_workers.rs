//! Workers reported by platform employers (五(十二), 二(三); migration 0025): one row per
//! employer, person and start date, with the county the person serves in.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::{Backend, Db, Result, Tx, on_pool, on_tx};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct PlatformWorkerRow {
    pub id: Uuid,
    pub employer_id: Uuid,
    pub person_id: Uuid,
    /// 服务区县: the county the person serves in.
    pub county_code: String,
    /// platform | part_time | self_employed | gig
    pub form: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    /// 工种/职业 as the platform wrote it ('' when not given).
    pub occupation: String,
    /// 职业伤害保障; None when not stated.
    pub injury_cover: Option<bool>,
    /// The name as the platform reported it.
    pub name: String,
    /// The phone as the platform reported it, sealed.
    pub phone_cipher: Option<Vec<u8>>,
    pub reported_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! select_workers {
    ($tail:literal) => {
        concat!(
            "SELECT id, employer_id, person_id, county_code, form, started_on, ended_on, occupation, \
             injury_cover, name, phone_cipher, reported_by, created_at, updated_at FROM platform_workers ",
            $tail
        )
    };
}

/// The row of an employer, person and start date.
pub async fn by_key(
    tx: &mut Tx,
    employer_id: Uuid,
    person_id: Uuid,
    started_on: NaiveDate,
) -> Result<Option<PlatformWorkerRow>> {
    Ok(on_tx!(tx, |c| sqlx::query_as::<_, PlatformWorkerRow>(
        select_workers!("WHERE employer_id = $1 AND person_id = $2 AND started_on = $3")
    )
    .bind(employer_id)
    .bind(person_id)
    .bind(started_on)
    .fetch_optional(c)
    .await)?)
}

/// The rows of an employer and person not yet ended.
pub async fn open_of(
    tx: &mut Tx,
    employer_id: Uuid,
    person_id: Uuid,
) -> Result<Vec<PlatformWorkerRow>> {
    Ok(on_tx!(tx, |c| sqlx::query_as::<_, PlatformWorkerRow>(
        select_workers!(
            "WHERE employer_id = $1 AND person_id = $2 AND ended_on IS NULL ORDER BY started_on"
        )
    )
    .bind(employer_id)
    .bind(person_id)
    .fetch_all(c)
    .await)?)
}

pub async fn insert(tx: &mut Tx, r: &PlatformWorkerRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO platform_workers (id, employer_id, person_id, county_code, form, started_on, ended_on, \
         occupation, injury_cover, name, phone_cipher, reported_by, created_at, updated_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)"
    )
    .bind(r.id)
    .bind(r.employer_id)
    .bind(r.person_id)
    .bind(&r.county_code)
    .bind(&r.form)
    .bind(r.started_on)
    .bind(r.ended_on)
    .bind(&r.occupation)
    .bind(r.injury_cover)
    .bind(&r.name)
    .bind(&r.phone_cipher)
    .bind(r.reported_by)
    .bind(r.created_at)
    .bind(r.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// Writes a row's reported fields (everything but its key and creation).
pub async fn update(tx: &mut Tx, r: &PlatformWorkerRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE platform_workers SET county_code = $2, form = $3, ended_on = $4, occupation = $5, \
         injury_cover = $6, name = $7, phone_cipher = $8, reported_by = $9, updated_at = $10 WHERE id = $1"
    )
    .bind(r.id)
    .bind(&r.county_code)
    .bind(&r.form)
    .bind(r.ended_on)
    .bind(&r.occupation)
    .bind(r.injury_cover)
    .bind(&r.name)
    .bind(&r.phone_cipher)
    .bind(r.reported_by)
    .bind(r.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// One page of an employer's rows (open ones first, then newest start), searched by the
/// reported name (`like` is '' for all), and how many there are.
pub async fn of_employer_page(
    db: &Db,
    employer_id: Uuid,
    like: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<PlatformWorkerRow>, i64)> {
    let rows = on_pool!(db, |p| sqlx::query_as::<_, PlatformWorkerRow>(
        select_workers!(
            "WHERE employer_id = $1 AND ($2 = '' OR name LIKE $2) \
         ORDER BY CASE WHEN ended_on IS NULL THEN 0 ELSE 1 END, started_on DESC, id \
         LIMIT $3 OFFSET $4"
        )
    )
    .bind(employer_id)
    .bind(like)
    .bind(limit)
    .bind(offset)
    .fetch_all(p)
    .await)?;
    let total: i64 = on_pool!(db, |p| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM platform_workers WHERE employer_id = $1 AND ($2 = '' OR name LIKE $2)"
    )
    .bind(employer_id)
    .bind(like)
    .fetch_one(p)
    .await
    })?;
    Ok((rows, total))
}

/// One page of the rows whose county lies under a region prefix (newest report first),
/// searched by the reported name, and how many there are. Runs in the caller's transaction
/// so a staff read goes under its region's row-level security.
pub async fn in_region_page(
    tx: &mut Tx,
    prefix: &str,
    like: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<PlatformWorkerRow>, i64)> {
    let region = format!("{prefix}%");
    let rows = on_tx!(tx, |c| sqlx::query_as::<_, PlatformWorkerRow>(
        select_workers!(
            "WHERE county_code LIKE $1 AND ($2 = '' OR name LIKE $2) \
         ORDER BY updated_at DESC, id LIMIT $3 OFFSET $4"
        )
    )
    .bind(&region)
    .bind(like)
    .bind(limit)
    .bind(offset)
    .fetch_all(c)
    .await)?;
    let total: i64 = on_tx!(tx, |c| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM platform_workers WHERE county_code LIKE $1 AND ($2 = '' OR name LIKE $2)"
    )
    .bind(&region)
    .bind(like)
    .fetch_one(c)
    .await
    })?;
    Ok((rows, total))
}

/// Every row of a person, by start date.
pub async fn of_person(db: &Db, person_id: Uuid) -> Result<Vec<PlatformWorkerRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, PlatformWorkerRow>(
        select_workers!("WHERE person_id = $1 ORDER BY started_on, id")
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

/// Every row of each of `ids` (the screening of a population, a page at a time), by person
/// and start date.
pub async fn of_persons(db: &Db, ids: &[Uuid]) -> Result<Vec<PlatformWorkerRow>> {
    crate::select_in(
        db,
        select_workers!("WHERE person_id"),
        "ORDER BY person_id, started_on, id",
        ids,
    )
    .await
}

fn placeholders(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Sqlite => vec!["?"; n].join(","),
        Backend::Postgres => (1..=n)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// Rows per `IN (…)` list.
const CHUNK: usize = 1000;

/// The persons of many ID blind indexes: (index, id, registered name); indexes without a
/// person are left out.
pub async fn persons_by_indexes(
    db: &Db,
    indexes: &[Vec<u8>],
) -> Result<Vec<(Vec<u8>, Uuid, String)>> {
    let mut out = Vec::with_capacity(indexes.len());
    for chunk in indexes.chunks(CHUNK) {
        let sql = format!(
            "SELECT id_index, id, name FROM persons WHERE id_index IN ({})",
            placeholders(db.backend(), chunk.len())
        );
        let rows: Vec<(Vec<u8>, Uuid, String)> = on_pool!(db, |p| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
            for i in chunk {
                q = q.bind(i);
            }
            q.fetch_all(p).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}

/// The sealed ID numbers of some persons: (person id, id_cipher).
pub async fn id_ciphers(db: &Db, persons: &[Uuid]) -> Result<Vec<(Uuid, Vec<u8>)>> {
    let mut out = Vec::with_capacity(persons.len());
    for chunk in persons.chunks(CHUNK) {
        let sql = format!(
            "SELECT id, id_cipher FROM persons WHERE id IN ({})",
            placeholders(db.backend(), chunk.len())
        );
        let rows: Vec<(Uuid, Vec<u8>)> = on_pool!(db, |p| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
            for i in chunk {
                q = q.bind(i);
            }
            q.fetch_all(p).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}

/// The employer of kind platform with the most reported workers (the demo's platform
/// account signs in as it).
pub async fn busiest_platform(db: &Db) -> Result<Option<Uuid>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_scalar::<_, Uuid>(
        "SELECT w.employer_id FROM platform_workers w JOIN employers e ON e.id = w.employer_id \
         WHERE e.kind = 'platform' GROUP BY w.employer_id ORDER BY COUNT(*) DESC, w.employer_id LIMIT 1"
    )
    .fetch_optional(p)
    .await
    })?)
}
