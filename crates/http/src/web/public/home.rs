//! The home page (首页).

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use linghuo_service::Role;

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
    /// Where 发布岗位 leads: the employer's own pages, employer sign-up for a visitor, and
    /// nowhere (no link) for anyone signed in with another role.
    post_job: Option<&'static str>,
}

async fn home(ctx: Ctx) -> Response {
    render(
        StatusCode::OK,
        &HomePage {
            post_job: match ctx.actor().map(|a| a.role) {
                None => Some("/signup/employer"),
                Some(Role::Employer) => Some("/employer/posts/new"),
                Some(_) => None,
            },
            ctx: PageCtx::new(&ctx, "首页", "/"),
        },
    )
}
