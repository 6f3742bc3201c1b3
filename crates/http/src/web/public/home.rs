//! The home page (首页).

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use crate::AppState;
use crate::context::Ctx;
use crate::web::{PageCtx, render};

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "public/home.html")]
struct HomePage {
    ctx: PageCtx,
}

async fn home(ctx: Ctx) -> Response {
    render(
        StatusCode::OK,
        &HomePage {
            ctx: PageCtx::new(&ctx, "首页", "/"),
        },
    )
}
