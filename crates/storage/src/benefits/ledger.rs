//! The append-only ledger: accounts, transfers and its invariants.

use super::*;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TransferRow {
    pub id: Uuid,
    pub idempotency_key: String,
    pub kind: String,
    pub debit_account: String,
    pub credit_account: String,
    pub amount_fen: i64,
    pub application_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub county_code: String,
    pub benefit: String,
    pub memo: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// Appends a transfer unless one with the same idempotency key exists; true when appended.
pub async fn insert_transfer(tx: &mut Tx, t: &TransferRow) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO ledger_transfers (id, idempotency_key, kind, debit_account, credit_account, amount_fen, \
         application_id, person_id, county_code, benefit, memo, created_by, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) ON CONFLICT (idempotency_key) DO NOTHING"
    )
    .bind(t.id)
    .bind(&t.idempotency_key)
    .bind(&t.kind)
    .bind(&t.debit_account)
    .bind(&t.credit_account)
    .bind(t.amount_fen)
    .bind(t.application_id)
    .bind(t.person_id)
    .bind(&t.county_code)
    .bind(&t.benefit)
    .bind(&t.memo)
    .bind(t.created_by)
    .bind(t.created_at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

macro_rules! select_transfers {
    ($tail:literal) => {
        concat!(
            "SELECT id, idempotency_key, kind, debit_account, credit_account, amount_fen, application_id, person_id, \
             county_code, benefit, memo, created_by, created_at FROM ledger_transfers ",
            $tail
        )
    };
}

pub async fn transfers_of_application(db: &Db, application_id: Uuid) -> Result<Vec<TransferRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, TransferRow>(
        select_transfers!("WHERE application_id = $1 ORDER BY seq")
    )
    .bind(application_id)
    .fetch_all(p)
    .await)?)
}

pub async fn transfers_of_person(db: &Db, person_id: Uuid) -> Result<Vec<TransferRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, TransferRow>(
        select_transfers!("WHERE person_id = $1 ORDER BY seq")
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

/// Every account's debits and credits: (account, debited, credited).
pub async fn account_totals(db: &Db) -> Result<Vec<(String, i64, i64)>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, (String, i64, i64)>(
        "SELECT account, CAST(SUM(d) AS BIGINT), CAST(SUM(cr) AS BIGINT) FROM ( \
         SELECT debit_account AS account, amount_fen AS d, 0 AS cr FROM ledger_transfers \
         UNION ALL SELECT credit_account AS account, 0 AS d, amount_fen AS cr FROM ledger_transfers) t \
         GROUP BY account ORDER BY account"
    )
    .fetch_all(p)
    .await
    })?)
}

/// Σ granted and Σ paid for one person and benefit (fen).
pub async fn granted_and_paid(db: &Db, person_id: Uuid, benefit: &str) -> Result<(i64, i64)> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (i64, i64)>(
        "SELECT CAST(COALESCE(SUM(CASE WHEN kind IN ('grant','adjustment') THEN amount_fen \
         WHEN kind = 'recovery' THEN -amount_fen ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN kind = 'payment' THEN amount_fen ELSE 0 END), 0) AS BIGINT) \
         FROM ledger_transfers WHERE person_id = $1 AND benefit = $2"
    )
    .bind(person_id)
    .bind(benefit)
    .fetch_one(p)
    .await)?)
}

/// [`granted_and_paid`] of a page of persons for every benefit: (person, benefit, Σ granted,
/// Σ paid) in fen.
pub async fn granted_and_paid_of_persons(
    db: &Db,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, String, i64, i64)>> {
    crate::select_in(
        db,
        "SELECT person_id, benefit, CAST(COALESCE(SUM(CASE WHEN kind IN ('grant','adjustment') THEN amount_fen \
         WHEN kind = 'recovery' THEN -amount_fen ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN kind = 'payment' THEN amount_fen ELSE 0 END), 0) AS BIGINT) \
         FROM ledger_transfers WHERE person_id",
        "GROUP BY person_id, benefit ORDER BY person_id, benefit",
        ids,
    )
    .await
}

/// Breaks of the ledger's invariants, described in Chinese (empty when it holds). `paid`
/// names the benefits paid through the ledger (the policy catalogue's, given by the service):
/// an approved application of one of them must have its grant.
pub async fn ledger_problems(db: &Db, paid: &[&str]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let twice: Vec<(Uuid, i64)> = on_pool!(db, |p| {
        sqlx::query_as::<_, (Uuid, i64)>(
        "SELECT application_id, COUNT(*) FROM ledger_transfers WHERE kind = 'grant' AND application_id IS NOT NULL \
         GROUP BY application_id HAVING COUNT(*) > 1"
    )
    .fetch_all(p)
    .await
    })?;
    out.extend(
        twice
            .into_iter()
            .map(|(a, n)| format!("申请{a}有{n}笔发放记账")),
    );
    let unmatched: Vec<Uuid> = on_pool!(db, |p| sqlx::query_scalar::<_, Uuid>(
        "SELECT t.id FROM ledger_transfers t LEFT JOIN payment_instructions i \
         ON i.application_id = t.application_id AND i.instalment = 1 \
         WHERE t.kind = 'grant' AND (i.id IS NULL OR i.amount_fen <> t.amount_fen)"
    )
    .fetch_all(p)
    .await)?;
    out.extend(
        unmatched
            .into_iter()
            .map(|t| format!("发放记账{t}没有金额相同的付款指令")),
    );
    let ungranted_sql = format!(
        "SELECT a.id FROM benefit_applications a WHERE a.status = 'approved' AND a.amount_fen > 0 \
         AND a.benefit IN {} \
         AND NOT EXISTS (SELECT 1 FROM ledger_transfers t WHERE t.application_id = a.id AND t.kind = 'grant') \
         AND NOT EXISTS (SELECT 1 FROM budget_holds h WHERE h.application_id = a.id AND h.status = 'held')",
        values_list(db.backend(), 1, paid.len().max(1))
    );
    let ungranted: Vec<Uuid> = on_pool!(db, |p| {
        let mut q = sqlx::query_scalar::<_, Uuid>(sqlx::AssertSqlSafe(ungranted_sql.clone()));
        for b in paid {
            q = q.bind(*b);
        }
        if paid.is_empty() {
            q = q.bind("");
        }
        q.fetch_all(p).await
    })?;
    out.extend(
        ungranted
            .into_iter()
            .map(|a| format!("已批准的申请{a}没有发放记账")),
    );
    let unapproved: Vec<Uuid> = on_pool!(db, |p| {
        sqlx::query_scalar::<_, Uuid>(
        "SELECT t.id FROM ledger_transfers t WHERE t.kind = 'grant' AND NOT EXISTS \
         (SELECT 1 FROM benefit_applications a WHERE a.id = t.application_id AND a.status = 'approved')"
    )
    .fetch_all(p)
    .await
    })?;
    out.extend(
        unapproved
            .into_iter()
            .map(|t| format!("发放记账{t}没有对应的已批准申请")),
    );
    // Payments: one transfer per paid instruction, none for any other.
    let paid: Vec<(Uuid, String, i64)> =
        on_pool!(db, |p| sqlx::query_as::<_, (Uuid, String, i64)>(
            "SELECT id, status, amount_fen FROM payment_instructions"
        )
        .fetch_all(p)
        .await)?;
    let payments: Vec<(String, i64)> = on_pool!(db, |p| sqlx::query_as::<_, (String, i64)>(
        "SELECT idempotency_key, amount_fen FROM ledger_transfers WHERE kind = 'payment'"
    )
    .fetch_all(p)
    .await)?;
    let by_key: std::collections::HashMap<String, i64> = payments.into_iter().collect();
    for (id, status, amount) in paid {
        let t = by_key.get(&format!("payment:{id}"));
        match (status.as_str(), t) {
            ("paid", Some(a)) if *a == amount => {}
            ("paid", _) => out.push(format!("付款指令{id}已到账，但账本没有金额相同的付款记账")),
            (_, Some(_)) => out.push(format!("付款指令{id}未到账，账本却有付款记账")),
            _ => {}
        }
    }
    Ok(out)
}
