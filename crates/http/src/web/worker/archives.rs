//! A worker's own personnel archive (四(九)): where it is kept and what happened to it.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

use crate::AppState;
use crate::context::Ctx;
use crate::web::staff::archives::{ArchiveLine, archive_line};
use crate::web::{PageCtx, PageResult, Worker, render};

pub fn routes() -> Router<AppState> {
    Router::new().route("/archives/mine", get(my_archives))
}

#[derive(Template)]
#[template(path = "worker/archives_mine.html")]
struct MyArchivesPage {
    ctx: PageCtx,
    items: Vec<ArchiveLine>,
}

async fn my_archives(State(state): State<AppState>, ctx: Ctx, worker: Worker) -> PageResult {
    let items = state.svc.my_archives(&worker).await?;
    Ok(render(
        StatusCode::OK,
        &MyArchivesPage {
            ctx: PageCtx::new(&ctx, "我的档案", "/archives/mine"),
            items: items.into_iter().map(archive_line).collect(),
        },
    ))
}
