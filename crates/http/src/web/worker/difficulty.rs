//! 主动申报 (四(十一)): the signed-in worker declares their own difficulty in basic living (or
//! that it is over) with an optional note; the county's staff check it on 困难群众帮扶 and the
//! person follows it here and in 我的办件.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use linghuo_service::benefits::assistance::{DeclarationInput, DeclarationView};

use crate::AppState;
use crate::context::Ctx;
use crate::web::{
    Errors, Failure, Flash, Form, FormData, FormFailure, PageCtx, PageResult, Worker, cst, render,
    to,
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/services/difficulty", get(page).post(declare))
}

#[derive(Template)]
#[template(path = "worker/difficulty.html")]
struct DifficultyPage {
    ctx: PageCtx,
    items: Vec<DeclarationView>,
    /// One is waiting to be checked: no new one until it is decided.
    pending: bool,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

impl DifficultyPage {
    fn at(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        cst(t)
    }
}

async fn render_page(
    state: &AppState,
    ctx: &Ctx,
    worker: &Worker,
    form: FormData,
    (status, errors, error): FormFailure,
    ok: Option<&'static str>,
) -> PageResult {
    let items = state.svc.my_declarations(worker).await?;
    Ok(render(
        status,
        &DifficultyPage {
            ctx: PageCtx::new(ctx, "生活困难申报", "/services/difficulty"),
            pending: items.iter().any(|d| d.status == "pending"),
            items,
            form,
            errors,
            error,
            ok,
        },
    ))
}

async fn page(State(state): State<AppState>, ctx: Ctx, worker: Worker, flash: Flash) -> PageResult {
    render_page(
        &state,
        &ctx,
        &worker,
        FormData::default(),
        (StatusCode::OK, Errors::default(), None),
        flash.text(),
    )
    .await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct DeclareForm {
    in_difficulty: String,
    note: String,
}

async fn declare(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Form { value: f, data }: Form<DeclareForm>,
) -> PageResult {
    let in_difficulty = match f.in_difficulty.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            let failure =
                Failure::field("in_difficulty", "请选择您的基本生活是否陷入困境").parts()?;
            return render_page(&state, &ctx, &worker, data, failure, None).await;
        }
    };
    match state
        .svc
        .declare_difficulty(
            &worker,
            DeclarationInput {
                in_difficulty,
                note: f.note,
            },
        )
        .await
    {
        Ok(_) => Ok(to("/services/difficulty?ok=declared")),
        Err(e) => {
            let failure = Failure::of(e, &["in_difficulty", "note"]).parts()?;
            render_page(&state, &ctx, &worker, data, failure, None).await
        }
    }
}
