//! The JSON API under `/api/v1`, documented by `/api/openapi.json` (utoipa). Session cookies
//! authenticate; state-changing calls carry the session's CSRF token in `X-CSRF-Token`
//! (from `GET /api/v1/session`). Errors are `{"error": {"code", "message", "field"}}`.

mod accounts;
mod assistance;
mod benefits;
mod complaints;
mod consult;
mod forms;
mod guide;
mod imports;
mod items;
mod json;
mod market;
mod matching;
mod occupations;
mod open_stats;
mod parameters;
mod people;
mod places;
mod platform_workers;
mod policy;
mod public_services;
mod publicity;
mod session;
mod stats;

use axum::Json;
use axum::Router;
use axum::routing::get;
use linghuo_service::Actor;
use utoipa::OpenApi;

pub use json::ApiJson;

use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody, ErrorDetail};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .nest(
            "/v1",
            session::routes()
                .merge(people::routes())
                .merge(policy::routes())
                .merge(market::routes())
                .merge(matching::routes())
                .merge(stats::routes())
                .merge(parameters::routes())
                .merge(open_stats::routes())
                .merge(imports::routes())
                .merge(benefits::routes())
                .merge(public_services::routes())
                .merge(places::routes())
                .merge(forms::routes())
                .merge(complaints::routes())
                .merge(consult::routes())
                .merge(publicity::routes())
                .merge(occupations::routes())
                .merge(accounts::routes())
                .merge(guide::routes())
                .merge(items::routes())
                .merge(assistance::routes())
                .merge(platform_workers::routes()),
        )
}

/// The caller, or 401 when not fully logged in.
pub fn actor(ctx: &Ctx) -> Result<&Actor, ApiError> {
    ctx.actor().ok_or_else(ApiError::unauthenticated)
}

#[derive(OpenApi)]
#[openapi(
    info(title = "linghuo 灵活就业服务平台 API", description = "晋政办发〔2020〕89号 flexible-employment platform. Money is a decimal string with two places; dates are YYYY-MM-DD in China Standard Time."),
    paths(
        session::get_session, session::create_session, session::verify_second_factor, session::change_password, session::request_reset, session::confirm_reset, session::delete_session, session::get_me, session::get_sms, session::put_sms,
        people::list_persons, people::create_person, people::search_persons, people::get_person, people::reveal_person,
        people::list_users,
        people::list_audit, people::verify_audit,
        policy::screen_policy, policy::list_regions,
        market::sign_up_worker, market::sign_up_employer, market::get_my_employer, market::register_employer, market::put_employer_phone, market::list_employers,
        market::verify_employer, market::list_my_posts, market::create_post, market::list_posts_in_region, market::get_post, market::review_post,
        market::close_post, market::edit_post, market::list_post_history, market::list_post_applications, market::apply_to_post, market::list_my_applications, market::hire_applicant, market::decline_applicant,
        market::list_my_hires, market::get_hire, market::propose_agreement, market::confirm_agreement, market::record_pay, market::confirm_pay,
        market::list_hiring_registrations, market::suggest_words, matching::list_overdue_pay,
        matching::search_posts, matching::recommend_jobs, matching::list_candidates, matching::invite_worker, matching::answer_application,
        matching::get_profile, matching::put_profile, matching::complete_hire, matching::list_ratings, matching::rate_hire,
        matching::list_notices, matching::read_notice, matching::market_overview,
        stats::get_stats, stats::put_target, imports::import_persons, imports::import_facts, imports::fact_template,
        open_stats::get_open_stats,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    tags(
        (name = "session", description = "登录、第二重验证与会话"),
        (name = "persons", description = "人员信息（按管辖区域）"),
        (name = "admin", description = "账户与审计（三权分立）"),
        (name = "policy", description = "政策计算（晋政办发〔2020〕89号）"),
        (name = "stats", description = "统计与目标（按辖区）"),
        (name = "market", description = "零工市场：岗位、报名、录用与用工登记、约定、报酬确认"),
    )
)]
pub struct ApiDoc;

/// The whole API description: the core paths above plus each public-service module's own
/// `Doc` (merged here so modules can be added without touching one long path list).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    // One line per module with its own `#[derive(OpenApi)] pub struct Doc`.
    let parts: Vec<utoipa::openapi::OpenApi> = vec![
        benefits::Doc::openapi(),
        accounts::Doc::openapi(),
        public_services::Doc::openapi(),
        places::Doc::openapi(),
        forms::Doc::openapi(),
        complaints::Doc::openapi(),
        consult::Doc::openapi(),
        occupations::Doc::openapi(),
        guide::Doc::openapi(),
        items::Doc::openapi(),
        assistance::Doc::openapi(),
        publicity::Doc::openapi(),
        parameters::Doc::openapi(),
        platform_workers::Doc::openapi(),
    ];
    for part in parts {
        doc.merge(part);
    }
    doc
}

async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi())
}
