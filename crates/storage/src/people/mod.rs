//! The person registry. Identity numbers and phones arrive here already encrypted, with their
//! keyed blind indexes; this module never sees clear values. Every read that lists persons
//! takes the caller's region prefix, so scope is part of the query, not a filter after it.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx, values_list};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PersonRow {
    pub id: Uuid,
    pub name: String,
    pub id_cipher: Vec<u8>,
    pub id_index: Vec<u8>,
    pub phone_cipher: Option<Vec<u8>>,
    pub phone_index: Option<Vec<u8>>,
    pub key_version: i64,
    pub gender: String,
    pub birth_year: i64,
    pub jurisdiction_code: String,
    pub address: String,
    pub sensitivity: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct GroupRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub group_code: String,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub evidence: String,
    pub source: String,
    pub verified: bool,
    pub recorded_by: Option<Uuid>,
    pub recorded_at: DateTime<Utc>,
}

macro_rules! select_persons {
    ($tail:literal) => {
        concat!(
            "SELECT id, name, id_cipher, id_index, phone_cipher, phone_index, key_version, gender, birth_year, \
             jurisdiction_code, address, sensitivity, created_by, created_at, updated_at FROM persons ",
            $tail
        )
    };
}

pub async fn insert(tx: &mut Tx, p: &PersonRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO persons (id, name, id_cipher, id_index, phone_cipher, phone_index, key_version, gender, birth_year, \
         jurisdiction_code, address, sensitivity, created_by, created_at, updated_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)"
    )
    .bind(p.id)
    .bind(&p.name)
    .bind(&p.id_cipher)
    .bind(&p.id_index)
    .bind(&p.phone_cipher)
    .bind(&p.phone_index)
    .bind(p.key_version)
    .bind(&p.gender)
    .bind(p.birth_year)
    .bind(&p.jurisdiction_code)
    .bind(&p.address)
    .bind(&p.sensitivity)
    .bind(p.created_by)
    .bind(p.created_at)
    .bind(p.updated_at)
    .execute(c)
    .await.map(|_| ())
    })?;
    Ok(())
}

/// Updates the editable fields; the identity number and its index never change.
pub async fn update(tx: &mut Tx, p: &PersonRow) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE persons SET name = $2, phone_cipher = $3, phone_index = $4, jurisdiction_code = $5, address = $6, \
         updated_at = $7 WHERE id = $1"
    )
    .bind(p.id)
    .bind(&p.name)
    .bind(&p.phone_cipher)
    .bind(&p.phone_index)
    .bind(&p.jurisdiction_code)
    .bind(&p.address)
    .bind(p.updated_at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

pub async fn by_id(db: &Db, id: Uuid) -> Result<Option<PersonRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, PersonRow>(
        select_persons!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn by_id_tx(tx: &mut Tx, id: Uuid) -> Result<Option<PersonRow>> {
    Ok(on_tx!(tx, |c| sqlx::query_as::<_, PersonRow>(
        select_persons!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(c)
    .await)?)
}

/// The persons (id and county) of many ID blind indexes, looked up in chunks; indexes
/// without a person are left out.
pub async fn ids_by_id_indexes(
    db: &Db,
    indexes: &[Vec<u8>],
) -> Result<Vec<(Vec<u8>, Uuid, String)>> {
    let mut out = Vec::with_capacity(indexes.len());
    for chunk in indexes.chunks(INSERT_CHUNK) {
        let list = match db.backend() {
            crate::Backend::Sqlite => vec!["?"; chunk.len()].join(","),
            crate::Backend::Postgres => (1..=chunk.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(","),
        };
        let sql = format!(
            "SELECT id_index, id, jurisdiction_code FROM persons WHERE id_index IN ({list})"
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

pub async fn by_id_index(db: &Db, index: &[u8]) -> Result<Option<PersonRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, PersonRow>(
        select_persons!("WHERE id_index = $1")
    )
    .bind(index)
    .fetch_optional(p)
    .await)?)
}

/// A page of persons within a region prefix, plus the in-scope total.
#[derive(Clone, Copy, Debug)]
pub enum PersonFilter<'a> {
    All,
    IdIndex(&'a [u8]),
    PhoneIndex(&'a [u8]),
    NamePrefix(&'a str),
}

/// Runs in a transaction so a staff read can run under its region's row-level security
/// ([`Db::begin_scoped`](crate::Db::begin_scoped)).
pub async fn search(
    tx: &mut Tx,
    region_prefix: &str,
    filter: PersonFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<PersonRow>, i64)> {
    let like = format!("{region_prefix}%");
    let (rows, total) = match filter {
        PersonFilter::All => {
            let rows = on_tx!(tx, |p| {
                sqlx::query_as::<_, PersonRow>(select_persons!(
                "WHERE jurisdiction_code LIKE $1 ORDER BY created_at DESC, id LIMIT $2 OFFSET $3"
            ))
            .bind(&like)
            .bind(limit)
            .bind(offset)
            .fetch_all(p)
            .await
            })?;
            let total: i64 = on_tx!(tx, |p| sqlx::query_scalar(
                "SELECT COUNT(*) FROM persons WHERE jurisdiction_code LIKE $1"
            )
            .bind(&like)
            .fetch_one(p)
            .await)?;
            (rows, total)
        }
        PersonFilter::IdIndex(ix) => {
            let rows = on_tx!(tx, |p| sqlx::query_as::<_, PersonRow>(select_persons!(
                "WHERE jurisdiction_code LIKE $1 AND id_index = $2"
            ))
            .bind(&like)
            .bind(ix)
            .fetch_all(p)
            .await)?;
            let n = rows.len() as i64;
            (rows, n)
        }
        PersonFilter::PhoneIndex(ix) => {
            let rows = on_tx!(tx, |p| {
                sqlx::query_as::<_, PersonRow>(select_persons!(
                "WHERE jurisdiction_code LIKE $1 AND phone_index = $2 ORDER BY created_at DESC, id LIMIT $3 OFFSET $4"
            ))
            .bind(&like)
            .bind(ix)
            .bind(limit)
            .bind(offset)
            .fetch_all(p)
            .await
            })?;
            let total: i64 = on_tx!(tx, |p| {
                sqlx::query_scalar(
                "SELECT COUNT(*) FROM persons WHERE jurisdiction_code LIKE $1 AND phone_index = $2"
            )
            .bind(&like)
            .bind(ix)
            .fetch_one(p)
            .await
            })?;
            (rows, total)
        }
        PersonFilter::NamePrefix(name) => {
            let name_like = format!(
                "{}%",
                name.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            );
            let rows = on_tx!(tx, |p| {
                sqlx::query_as::<_, PersonRow>(select_persons!(
                "WHERE jurisdiction_code LIKE $1 AND name LIKE $2 ESCAPE '\\' ORDER BY name, id LIMIT $3 OFFSET $4"
            ))
            .bind(&like)
            .bind(&name_like)
            .bind(limit)
            .bind(offset)
            .fetch_all(p)
            .await
            })?;
            let total: i64 = on_tx!(tx, |p| {
                sqlx::query_scalar(
                "SELECT COUNT(*) FROM persons WHERE jurisdiction_code LIKE $1 AND name LIKE $2 ESCAPE '\\'"
            )
            .bind(&like)
            .bind(&name_like)
            .fetch_one(p)
            .await
            })?;
            (rows, total)
        }
    };
    Ok((rows, total))
}

pub async fn upsert_group(tx: &mut Tx, g: &GroupRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO person_groups (id, person_id, group_code, since, until, evidence, source, verified, recorded_by, recorded_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT (person_id, group_code) DO UPDATE SET since = $4, until = $5, \
         evidence = $6, source = $7, verified = $8, recorded_by = $9, recorded_at = $10"
    )
    .bind(g.id)
    .bind(g.person_id)
    .bind(&g.group_code)
    .bind(g.since)
    .bind(g.until)
    .bind(&g.evidence)
    .bind(&g.source)
    .bind(g.verified)
    .bind(g.recorded_by)
    .bind(g.recorded_at)
    .execute(c)
    .await.map(|_| ())
    })?;
    Ok(())
}

/// Inserts many group memberships in multi-row statements; a membership already recorded
/// (same person and group) is left as it is.
pub async fn insert_groups_many(tx: &mut Tx, rows: &[GroupRow]) -> Result<()> {
    let backend = tx.backend();
    for chunk in rows.chunks(INSERT_CHUNK) {
        let sql = format!(
            "INSERT INTO person_groups (id, person_id, group_code, since, until, evidence, source, verified, \
             recorded_by, recorded_at) VALUES {} ON CONFLICT (person_id, group_code) DO NOTHING",
            values_list(backend, chunk.len(), 10)
        );
        on_tx!(tx, |c| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for g in chunk {
                q = q
                    .bind(g.id)
                    .bind(g.person_id)
                    .bind(&g.group_code)
                    .bind(g.since)
                    .bind(g.until)
                    .bind(&g.evidence)
                    .bind(&g.source)
                    .bind(g.verified)
                    .bind(g.recorded_by)
                    .bind(g.recorded_at);
            }
            q.execute(c).await.map(|_| ())
        })?;
    }
    Ok(())
}

pub async fn groups_tx(tx: &mut Tx, person_id: Uuid) -> Result<Vec<GroupRow>> {
    Ok(on_tx!(tx, |c| {
        sqlx::query_as::<_, GroupRow>(
        "SELECT id, person_id, group_code, since, until, evidence, source, verified, recorded_by, recorded_at \
         FROM person_groups WHERE person_id = $1 ORDER BY group_code"
    )
    .bind(person_id)
    .fetch_all(c)
    .await
    })?)
}

pub async fn groups(db: &Db, person_id: Uuid) -> Result<Vec<GroupRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, GroupRow>(
        "SELECT id, person_id, group_code, since, until, evidence, source, verified, recorded_by, recorded_at \
         FROM person_groups WHERE person_id = $1 ORDER BY group_code"
    )
    .bind(person_id)
    .fetch_all(p)
    .await
    })?)
}

/// [`groups`] of a page of persons, by person.
pub async fn groups_of_persons(db: &Db, ids: &[Uuid]) -> Result<Vec<GroupRow>> {
    crate::select_in(
        db,
        "SELECT id, person_id, group_code, since, until, evidence, source, verified, recorded_by, recorded_at \
         FROM person_groups WHERE person_id",
        "ORDER BY person_id, group_code",
        ids,
    )
    .await
}

/// Every ciphertext with its key version, for key rotation.
pub async fn all_ciphertexts(db: &Db) -> Result<Vec<(Uuid, Vec<u8>, Option<Vec<u8>>, i64)>> {
    Ok(on_pool!(db, |p| sqlx::query_as(
        "SELECT id, id_cipher, phone_cipher, key_version FROM persons ORDER BY id"
    )
    .fetch_all(p)
    .await)?)
}

pub async fn set_ciphertexts(
    tx: &mut Tx,
    id: Uuid,
    id_cipher: &[u8],
    phone_cipher: Option<&[u8]>,
    key_version: i64,
) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE persons SET id_cipher = $2, phone_cipher = $3, key_version = $4 WHERE id = $1"
    )
    .bind(id)
    .bind(id_cipher)
    .bind(phone_cipher)
    .bind(key_version)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Rows per multi-row INSERT of [`insert_many`] (15 parameters each, below SQLite's and
/// PostgreSQL's parameter limits).
pub const INSERT_CHUNK: usize = 1000;

/// Inserts many persons in multi-row statements, skipping any whose identity number (its
/// blind index) is already registered. Returns the ids actually inserted.
pub async fn insert_many(tx: &mut Tx, rows: &[PersonRow]) -> Result<Vec<Uuid>> {
    let mut inserted = Vec::with_capacity(rows.len());
    let backend = tx.backend();
    for chunk in rows.chunks(INSERT_CHUNK) {
        let sql = format!(
            "INSERT INTO persons (id, name, id_cipher, id_index, phone_cipher, phone_index, key_version, gender, birth_year, \
             jurisdiction_code, address, sensitivity, created_by, created_at, updated_at) VALUES {} \
             ON CONFLICT (id_index) DO NOTHING RETURNING id",
            values_list(backend, chunk.len(), 15)
        );
        let ids: Vec<Uuid> = on_tx!(tx, |c| {
            let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()));
            for p in chunk {
                q = q
                    .bind(p.id)
                    .bind(&p.name)
                    .bind(&p.id_cipher)
                    .bind(&p.id_index)
                    .bind(&p.phone_cipher)
                    .bind(&p.phone_index)
                    .bind(p.key_version)
                    .bind(&p.gender)
                    .bind(p.birth_year)
                    .bind(&p.jurisdiction_code)
                    .bind(&p.address)
                    .bind(&p.sensitivity)
                    .bind(p.created_by)
                    .bind(p.created_at)
                    .bind(p.updated_at);
            }
            q.fetch_all(c).await
        })?;
        inserted.extend(ids);
    }
    Ok(inserted)
}
