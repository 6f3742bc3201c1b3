//! Who may open a page, checked before the handler runs. A handler names the person it serves
//! by taking one of these extractors (`Worker`, `Employer`, `Staff`, …): a visitor who is not
//! logged in is sent to log in, one half-way through logging in to the next step, and a role
//! that may not use the page gets the refusal page — the handler body never sees them.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use linghuo_service::auth::SessionState;
use linghuo_service::{Actor, Role};

use super::page::error_page_ctx;
use crate::context::Ctx;
use crate::error::ApiError;

/// Sends a visitor who is not (fully) logged in to the right step, and refuses a role that
/// may not use the page.
/// `/login` with `?next=<the page asked for>` for a GET (a form's POST cannot be replayed by
/// a redirect, so it goes to the plain login page).
fn login_url(parts: &Parts) -> String {
    if parts.method != axum::http::Method::GET {
        return "/login".to_owned();
    }
    let uri = parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map(|o| &o.0)
        .unwrap_or(&parts.uri);
    let here = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    format!("/login{}", super::next_query(Some(here)))
}

fn require<'a>(ctx: &'a Ctx, roles: &[Role], parts: &Parts) -> Result<&'a Actor, Response> {
    match ctx.session.as_ref().map(|s| &s.state) {
        Some(SessionState::Active(a)) => {
            if roles.contains(&a.role) {
                Ok(a)
            } else {
                Err(error_page_ctx(
                    ctx,
                    ApiError::new(
                        StatusCode::FORBIDDEN,
                        "forbidden",
                        "您的账户没有使用此功能的权限。",
                    ),
                ))
            }
        }
        Some(SessionState::SecondFactor { .. }) => Err(Redirect::to("/login/totp").into_response()),
        Some(SessionState::PasswordChange(_)) => {
            Err(Redirect::to("/account/password").into_response())
        }
        _ => Err(Redirect::to(&login_url(parts)).into_response()),
    }
}

fn ctx_of(parts: &Parts) -> Result<&Ctx, Response> {
    parts.extensions.get::<Ctx>().ok_or_else(|| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "系统繁忙，请稍后再试",
        )
        .into_response()
    })
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident => [$($role:ident),+]) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name(pub Actor);

        impl $name {
            /// The roles this extractor lets through.
            pub const ROLES: &'static [Role] = &[$(Role::$role),+];
        }

        impl std::ops::Deref for $name {
            type Target = Actor;
            fn deref(&self) -> &Actor {
                &self.0
            }
        }

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = Response;

            async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
                let ctx = ctx_of(parts)?;
                require(ctx, Self::ROLES, parts).map(|a| $name(a.clone()))
            }
        }
    };
}

role_extractor!(
    /// A worker (灵活就业人员) logged in.
    Worker => [Worker]
);
role_extractor!(
    /// An employer's account logged in.
    Employer => [Employer]
);
role_extractor!(
    /// Either party of a hire or a complaint: a worker or an employer.
    Party => [Worker, Employer]
);
role_extractor!(
    /// County, city or province staff, seeing only their region.
    Staff => [Staff]
);
role_extractor!(
    /// The system or security administrator (账户管理).
    Admin => [SysAdmin, SecAdmin]
);
role_extractor!(
    /// The audit administrator (审计日志).
    Auditor => [AuditAdmin]
);
role_extractor!(
    /// Whoever receives in-site notices (消息): workers, employers and staff.
    Recipient => [Worker, Employer, Staff]
);
role_extractor!(
    /// Anyone logged in, whatever their role.
    SignedIn => [Worker, Employer, Staff, SysAdmin, SecAdmin, AuditAdmin]
);
