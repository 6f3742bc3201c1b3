//! 办事大厅: the person's registration, the benefits they could apply for now (screened from
//! their recorded facts) and every public service, on one phone-sized page.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use linghuo_service::workbench::ServiceHub;

use crate::AppState;
use crate::context::Ctx;
use crate::web::answers::{Chance, ChanceSummary, chance_summary};
use crate::web::{PageCtx, PageResult, Worker, render};

pub fn routes() -> Router<AppState> {
    Router::new().route("/services", get(hub))
}

#[derive(Template)]
#[template(path = "worker/services_hub.html")]
struct HubPage {
    ctx: PageCtx,
    hub: ServiceHub,
    chances: Vec<Chance>,
    summary: ChanceSummary,
}

/// The hub's benefits as the person can have them now.
pub fn chances_of(hub: &ServiceHub) -> Vec<Chance> {
    hub.chances
        .iter()
        .map(|c| {
            Chance::new(
                &c.benefit,
                &c.name,
                c.eligible,
                &c.amount,
                &c.first_reason,
                &c.changes,
            )
        })
        .collect()
}

async fn hub(State(state): State<AppState>, ctx: Ctx, worker: Worker) -> PageResult {
    let hub = state.svc.service_hub(&worker).await?;
    let chances = chances_of(&hub);
    Ok(render(
        StatusCode::OK,
        &HubPage {
            ctx: PageCtx::new(&ctx, "办事大厅", "/services"),
            summary: chance_summary(&chances),
            chances,
            hub,
        },
    ))
}
