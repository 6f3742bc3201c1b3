//! 办事大厅: the person's registration, the benefits they could apply for now (screened from
//! their recorded facts) and every public service, on one phone-sized page.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use linghuo_service::Role;
use linghuo_service::workbench::ServiceHub;

use crate::AppState;
use crate::context::Ctx;
use crate::web::{PageCtx, error_page_ctx, render, require};

pub fn routes() -> Router<AppState> {
    Router::new().route("/services", get(hub))
}

#[derive(Template)]
#[template(path = "public/services_hub.html")]
struct HubPage {
    ctx: PageCtx,
    hub: ServiceHub,
}

async fn hub(State(state): State<AppState>, ctx: Ctx) -> Response {
    let actor = match require(&ctx, &[Role::Worker]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state.svc.service_hub(actor).await {
        Ok(hub) => render(
            StatusCode::OK,
            &HubPage {
                ctx: PageCtx::new(&ctx, "办事大厅", "/services"),
                hub,
            },
        ),
        Err(e) => error_page_ctx(&ctx, e.into()),
    }
}
