//! 违规收费举报 for anyone (三(五) 建立公开投诉举报渠道): the report form (`/fees/report`, no
//! account needed, contact phone optional), the receipt with the tracking code (drawn as the
//! answer to the form, never a redirect: the code must not appear in a URL), and the look-up
//! by tracking code (`/fees/track`, the code posted in a form). Staff handle the reports at
//! `/staff/fee-reports` (`staff/fee_reports.rs`).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use linghuo_service::fee_reports::{
    CHARGER_KINDS, FeeReportInput, FeeReportReceipt, FeeReportView, PAYER_KINDS, TrackInput,
};
use serde::Deserialize;

use crate::AppState;
use crate::context::Ctx;
use crate::web::answers::parse_day;
use crate::web::{
    Errors, Failure, Form, FormData, FormFailure, PageCtx, PageResult, region_options, render,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fees/report", get(report_page).post(report))
        .route("/fees/track", get(track_page).post(track))
}

const FIELDS: &[&str] = &[
    "county_code",
    "charged_by_kind",
    "charged_by_name",
    "payer_kind",
    "fee_name",
    "amount",
    "charged_on",
    "place",
    "description",
    "contact_phone",
];

#[derive(Template)]
#[template(path = "public/fees_report.html")]
struct ReportPage {
    ctx: PageCtx,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    counties: Vec<(String, String)>,
    chargers: &'static [(&'static str, &'static str)],
    payers: &'static [(&'static str, &'static str)],
}

fn report_render(ctx: &Ctx, form: FormData, (status, errors, error): FormFailure) -> PageResult {
    Ok(render(
        status,
        &ReportPage {
            ctx: PageCtx::new(ctx, "违规收费举报", "/fees/report"),
            form,
            errors,
            error,
            counties: region_options(true),
            chargers: CHARGER_KINDS,
            payers: PAYER_KINDS,
        },
    ))
}

async fn report_page(ctx: Ctx) -> PageResult {
    report_render(
        &ctx,
        FormData::default(),
        (StatusCode::OK, Errors::default(), None),
    )
}

#[derive(Deserialize)]
struct ReportForm {
    #[serde(default)]
    county_code: String,
    #[serde(default)]
    charged_by_kind: String,
    #[serde(default)]
    charged_by_name: String,
    #[serde(default)]
    payer_kind: String,
    #[serde(default)]
    fee_name: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    charged_on: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    contact_phone: String,
}

#[derive(Template)]
#[template(path = "public/fees_receipt.html")]
struct ReceiptPage {
    ctx: PageCtx,
    r: FeeReportReceipt,
}

async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    Form { value: f, data }: Form<ReportForm>,
) -> PageResult {
    // Dates as people type them (2026年6月1日, 2026.6.1) besides the date picker's 2026-06-01.
    let charged_on = parse_day(&f.charged_on).map_or(f.charged_on, |d| d.to_string());
    let input = FeeReportInput {
        county_code: f.county_code,
        charged_by_kind: f.charged_by_kind,
        charged_by_name: f.charged_by_name,
        payer_kind: f.payer_kind,
        fee_name: f.fee_name,
        amount: f.amount,
        charged_on,
        place: f.place,
        description: f.description,
        contact_phone: f.contact_phone,
    };
    match state.svc.report_fee(ctx.actor(), &ctx.meta, input).await {
        Ok(r) => Ok(render(
            StatusCode::CREATED,
            &ReceiptPage {
                ctx: PageCtx::new(&ctx, "举报已提交", "/fees/report"),
                r,
            },
        )),
        Err(e) => {
            let (status, mut errors, error) = Failure::of(e, FIELDS).parts()?;
            // A valid phone number is not sent back into the page (as on the sign-up forms);
            // one with a mistake is, to correct it.
            let mut data = data;
            if !data.get("contact_phone").is_empty() && errors.get("contact_phone").is_none() {
                data.set("contact_phone", "");
                errors
                    .0
                    .push(("contact_phone".into(), "为保护个人信息，请重新输入".into()));
            }
            report_render(&ctx, data, (status, errors, error))
        }
    }
}

#[derive(Template)]
#[template(path = "public/fees_track.html")]
struct TrackPage {
    ctx: PageCtx,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    found: Option<FeeReportView>,
}

fn track_render(
    ctx: &Ctx,
    form: FormData,
    found: Option<FeeReportView>,
    (status, errors, error): FormFailure,
) -> PageResult {
    Ok(render(
        status,
        &TrackPage {
            ctx: PageCtx::new(ctx, "举报办理进度查询", "/fees/track"),
            form,
            errors,
            error,
            found,
        },
    ))
}

async fn track_page(ctx: Ctx) -> PageResult {
    track_render(
        &ctx,
        FormData::default(),
        None,
        (StatusCode::OK, Errors::default(), None),
    )
}

#[derive(Deserialize)]
struct TrackForm {
    #[serde(default)]
    code: String,
}

async fn track(
    State(state): State<AppState>,
    ctx: Ctx,
    Form { value, data }: Form<TrackForm>,
) -> PageResult {
    match state
        .svc
        .track_fee_report(TrackInput { code: value.code })
        .await
    {
        Ok(v) => track_render(
            &ctx,
            FormData::default(),
            Some(v),
            (StatusCode::OK, Errors::default(), None),
        ),
        Err(linghuo_service::ServiceError::NotFound) => track_render(
            &ctx,
            data,
            None,
            Failure::field("code", "没有找到这个查询码对应的举报，请核对后重新输入").parts()?,
        ),
        Err(e) => track_render(&ctx, data, None, Failure::of(e, &["code"]).parts()?),
    }
}
