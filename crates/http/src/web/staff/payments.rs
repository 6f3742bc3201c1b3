//! 资金发放 for the staff member's region: payment batches, the bank files, the bank's result
//! file and the reconciliation.

use askama::Template;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::Service;
use linghuo_service::paging::PAGE_SIZE;
use linghuo_service::payments::{
    BankResultReport, BatchView, LineProblem, PendingPayments, ReconLine, Reconciliation,
};
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::staff::pager::{Pager, page_query};
use crate::web::worker::shared::{Failed, Forms};
use crate::web::{
    Failure, Flash, FormData, PageCtx, PageResult, Staff, download, path_uuid, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/payments", get(payments).post(create_batch))
        .route("/staff/payments/{id}", get(batch))
        .route("/staff/payments/{id}/bank.csv", get(bank_csv))
        .route("/staff/payments/{id}/bank.xlsx", get(bank_xlsx))
        .route("/staff/payments/{id}/result", post(import_result))
        .route("/staff/payments/{id}/reconciliation.csv", get(recon_csv))
        .route("/staff/payments/{id}/reconciliation.xlsx", get(recon_xlsx))
}

#[derive(Template)]
#[template(path = "staff/staff_services_payments.html")]
struct PaymentsPage {
    ctx: PageCtx,
    pending: PendingPayments,
    batches: Vec<BatchView>,
    pager: Pager,
    ok: Option<&'static str>,
    error: Option<String>,
}

async fn payments_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    q: &Option<String>,
    status: StatusCode,
    flash: Flash,
    error: Option<String>,
) -> PageResult {
    let pending = state.svc.pending_payments(staff).await?;
    let paged = state
        .svc
        .payment_batches_page(staff, &page_query(q))
        .await?;
    let pager = Pager::new("/staff/payments", q, &paged).hint("批次号");
    Ok(render(
        status,
        &PaymentsPage {
            ctx: PageCtx::new(ctx, "资金发放", "/staff/payments"),
            pending,
            batches: paged.items,
            pager,
            ok: flash.text(),
            error,
        },
    ))
}

async fn payments(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    RawQuery(q): RawQuery,
) -> PageResult {
    payments_render(&state, &ctx, &staff, &q, StatusCode::OK, flash, None).await
}

async fn create_batch(State(state): State<AppState>, ctx: Ctx, staff: Staff) -> PageResult {
    match state.svc.create_payment_batch(&staff).await {
        Ok(b) => Ok(to(&format!("/staff/payments/{}?ok=batch", b.id))),
        Err(e) => {
            let (status, error) = Failure::of_action(e)?;
            payments_render(
                &state,
                &ctx,
                &staff,
                &None,
                status,
                Flash::default(),
                Some(error),
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "staff/staff_services_batch.html")]
struct BatchPage {
    ctx: PageCtx,
    r: Reconciliation,
    /// The page of the batch's lines shown (searched by reference, payee or benefit).
    lines: Vec<ReconLine>,
    pager: Pager,
    problems: Vec<LineProblem>,
    result: Option<BankResultReport>,
    fs: Forms,
    ok: Option<&'static str>,
}

/// A batch's page; `result` is the bank's result file that was refused, with its problems.
#[allow(clippy::too_many_arguments)]
async fn batch_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    bid: Uuid,
    q: &Option<String>,
    status: StatusCode,
    flash: Flash,
    result: Option<BankResultReport>,
    failed: Option<Failed>,
) -> PageResult {
    let mut r = state.svc.reconcile_batch(staff, bid).await?;
    // The reconciliation needs every line for its totals, so the lines are paged here.
    let pq = page_query(q);
    let found: Vec<ReconLine> = std::mem::take(&mut r.lines)
        .into_iter()
        .filter(|l| {
            pq.search.is_empty()
                || l.reference.contains(&pq.search)
                || l.payee.contains(&pq.search)
                || l.benefit_name.contains(&pq.search)
        })
        .collect();
    let total = found.len() as i64;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let lines: Vec<ReconLine> = found
        .into_iter()
        .skip(pq.offset() as usize)
        .take(PAGE_SIZE as usize)
        .collect();
    let pager = Pager::of(&format!("/staff/payments/{bid}"), q, pq.page, pages, total)
        .hint("付款参考号、收款人或待遇");
    Ok(render(
        status,
        &BatchPage {
            ctx: PageCtx::new(
                ctx,
                format!("代发批次{}", r.batch.number),
                "/staff/payments",
            ),
            r,
            lines,
            pager,
            problems: result
                .as_ref()
                .map(|x| x.problems.clone())
                .unwrap_or_default(),
            result,
            fs: Forms::new(FormData::default(), failed),
            ok: flash.text(),
        },
    ))
}

async fn batch(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    flash: Flash,
    RawQuery(q): RawQuery,
) -> PageResult {
    let bid = path_uuid(&id)?;
    batch_render(
        &state,
        &ctx,
        &staff,
        bid,
        &q,
        StatusCode::OK,
        flash,
        None,
        None,
    )
    .await
}

async fn bank_file(state: &AppState, staff: &Staff, id: &str, xlsx: bool) -> PageResult {
    let bid = path_uuid(id)?;
    let f = state.svc.bank_file(staff, bid, xlsx).await?;
    Ok(download(&f.file_name, f.bytes))
}

async fn bank_csv(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> PageResult {
    bank_file(&state, &staff, &id, false).await
}

async fn bank_xlsx(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> PageResult {
    bank_file(&state, &staff, &id, true).await
}

async fn recon_file(state: &AppState, staff: &Staff, id: &str, xlsx: bool) -> PageResult {
    let bid = path_uuid(id)?;
    let r = state.svc.reconcile_batch(staff, bid).await?;
    let sheet = Service::reconciliation_sheet(&r);
    let name = format!("reconciliation-{}", r.batch.number);
    Ok(if xlsx {
        download(
            &format!("{name}.xlsx"),
            linghuo_service::export::to_xlsx(&sheet)?,
        )
    } else {
        download(
            &format!("{name}.csv"),
            linghuo_service::export::to_csv(&sheet),
        )
    })
}

async fn recon_csv(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> PageResult {
    recon_file(&state, &staff, &id, false).await
}

async fn recon_xlsx(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> PageResult {
    recon_file(&state, &staff, &id, true).await
}

/// The `file` part of an upload, or none when the upload is unreadable or has no file.
async fn uploaded_file(
    multipart: Result<Multipart, MultipartRejection>,
) -> Option<(String, Vec<u8>)> {
    let mut mp = multipart.ok()?;
    let mut file = None;
    while let Some(field) = mp.next_field().await.ok()? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_owned();
            let bytes = field.bytes().await.ok()?;
            if !bytes.is_empty() {
                file = Some((name, bytes.to_vec()));
            }
        }
    }
    file
}

/// The bank's result file, uploaded as `multipart/form-data` (its `_csrf` part is checked
/// by the session middleware before this runs).
async fn import_result(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let bid = path_uuid(&id)?;
    let Some((name, bytes)) = uploaded_file(multipart).await else {
        let failed = Failed::field("upload", "file", "请选择银行回盘文件（.csv 或 .xlsx）");
        return batch_render(
            &state,
            &ctx,
            &staff,
            bid,
            &None,
            StatusCode::BAD_REQUEST,
            Flash::default(),
            None,
            Some(failed),
        )
        .await;
    };
    let xlsx = name.to_ascii_lowercase().ends_with(".xlsx");
    match state
        .svc
        .import_bank_result(&staff, bid, &bytes, xlsx)
        .await
    {
        Ok(r) if r.applied => Ok(to(&format!("/staff/payments/{bid}?ok=imported"))),
        Ok(r) => {
            batch_render(
                &state,
                &ctx,
                &staff,
                bid,
                &None,
                StatusCode::UNPROCESSABLE_ENTITY,
                Flash::default(),
                Some(r),
                None,
            )
            .await
        }
        Err(e) => {
            let (status, failed) = Failed::sort("upload", FormData::default(), e, &["file"])?;
            batch_render(
                &state,
                &ctx,
                &staff,
                bid,
                &None,
                status,
                Flash::default(),
                None,
                Some(failed),
            )
            .await
        }
    }
}
