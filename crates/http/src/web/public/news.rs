//! 典型案例 and 政策动态 as anyone reads them (五(十四)): the list (`/news`, by kind or by the
//! clause an article illustrates) and the article page. Only published articles exist here;
//! staff write and review them at `/staff/news` (`staff/news.rs`). [`CaseLinks`] gives the
//! policy text and the answers that cite a clause their 相关案例 link.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;
use linghuo_service::publicity::{ARTICLE_KINDS, ArticleView};

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::{PageCtx, PageResult, path_uuid, query_field, render};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/news", get(list))
        .route("/news/{id}", get(article))
}

/// The list of cases illustrating one clause.
pub fn clause_href(clause: &str) -> String {
    format!(
        "/news?{}",
        serde_urlencoded::to_string([("clause", clause)]).unwrap_or_default()
    )
}

/// Which clauses have published cases: a page that cites clauses shows 相关案例 beside those.
#[derive(Clone, Debug, Default)]
pub struct CaseLinks(pub BTreeMap<String, i64>);

impl CaseLinks {
    pub async fn load(state: &AppState) -> Result<CaseLinks, ApiError> {
        Ok(CaseLinks(state.svc.articles_per_clause().await?))
    }

    /// The link to the cases of a clause, when there are any.
    pub fn href(&self, clause: &str) -> Option<String> {
        self.0
            .get(clause)
            .filter(|n| **n > 0)
            .map(|_| clause_href(clause))
    }

    pub fn count(&self, clause: &str) -> i64 {
        self.0.get(clause).copied().unwrap_or(0)
    }
}

#[derive(Template)]
#[template(path = "public/news.html")]
struct ListPage {
    ctx: PageCtx,
    items: Vec<ArticleView>,
    kind: String,
    clause: String,
    clause_title: String,
    kinds: &'static [(&'static str, &'static str)],
    error: Option<String>,
}

async fn list(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> PageResult {
    let kind = query_field(&raw, "kind");
    let clause = linghuo_service::publicity::normalise_clause(&query_field(&raw, "clause"));
    let (items, error) = match state
        .svc
        .published_articles(Some(&kind), Some(&clause), 100)
        .await
    {
        Ok(items) => (items, None),
        Err(e) => (Vec::new(), Some(ApiError::from(e).message)),
    };
    let clause_title = linghuo_policy::clauses::clause(&clause)
        .map(|c| c.title.to_owned())
        .unwrap_or_default();
    Ok(render(
        if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        &ListPage {
            ctx: PageCtx::new(&ctx, "典型案例和政策动态", "/news"),
            items,
            kind,
            clause,
            clause_title,
            kinds: ARTICLE_KINDS,
            error,
        },
    ))
}

#[derive(Template)]
#[template(path = "public/news_article.html")]
struct ArticlePage {
    ctx: PageCtx,
    a: ArticleView,
}

async fn article(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let a = state.svc.public_article(path_uuid(&id)?).await?;
    Ok(render(
        StatusCode::OK,
        &ArticlePage {
            ctx: PageCtx::new(&ctx, a.title.clone(), "/news"),
            a,
        },
    ))
}
