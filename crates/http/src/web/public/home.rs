//! The home page (首页).

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;

use linghuo_service::Role;
use linghuo_service::publicity::ArticleView;

use crate::AppState;
use crate::context::Ctx;
use crate::web::{PageCtx, render};

/// How many of the latest typical cases and policy news the home page shows.
const LATEST: i64 = 3;

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
    /// The latest published typical cases and policy news (五(十四)).
    latest: Vec<ArticleView>,
}

async fn home(State(state): State<AppState>, ctx: Ctx) -> Response {
    // The home page stays up when the articles cannot be read: it shows none then.
    let latest = match state.svc.published_articles(None, None, LATEST).await {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(error = %e, "latest articles unavailable");
            Vec::new()
        }
    };
    render(
        StatusCode::OK,
        &HomePage {
            latest,
            post_job: match ctx.actor().map(|a| a.role) {
                None => Some("/signup/employer"),
                Some(Role::Employer) => Some("/employer/posts/new"),
                Some(_) => None,
            },
            ctx: PageCtx::new(&ctx, "首页", "/"),
        },
    )
}
