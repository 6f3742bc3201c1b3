//! What a person's 办事 pages share with the service window that does the same on their
//! behalf (`staff/window.rs`, `staff/benefits.rs`, …): the state of a page with several forms,
//! the registration form and its lines, and the printable 决定书 of an application.

use askama::Template;
use axum::http::StatusCode;
use linghuo_service::Actor;
use linghuo_service::benefits::ApplicationView;
use linghuo_service::registration::{RegistrationInput, RegistrationView};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::{
    Errors, Failure, FormData, PageCtx, PageError, PageResult, date_cn, path_uuid, render,
};

/// Working days a reviewer needs for facts not yet verified (one figure with the workbench's).
pub use linghuo_service::benefits::REVIEW_WORKING_DAYS as REVIEW_DAYS;

/// A failed submission of one form of a page with several: which form, what was typed (to
/// refill it), the errors beside its fields and the message above it.
pub struct Failed {
    which: String,
    form: FormData,
    errors: Errors,
    error: Option<String>,
}

impl Failed {
    /// Sorts a service error for form `which` with the one sorter ([`Failure::of`]): the
    /// status and the form to show again, or the error page.
    pub fn sort(
        which: impl Into<String>,
        form: FormData,
        e: impl Into<ApiError>,
        fields: &[&str],
    ) -> Result<(StatusCode, Failed), PageError> {
        let (status, errors, error) = Failure::of(e, fields).parts()?;
        Ok((
            status,
            Failed {
                which: which.into(),
                form,
                errors,
                error,
            },
        ))
    }

    /// A problem the page found itself, shown beside field `name` of form `which`.
    pub fn field(which: &str, name: &str, message: &str) -> Failed {
        Failed {
            which: which.to_owned(),
            form: FormData::default(),
            errors: Errors(vec![(name.to_owned(), message.to_owned())]),
            error: None,
        }
    }
}

/// The state of the forms of a page with several forms: which one failed (its values and
/// errors are shown again), and defaults for the others.
#[derive(Default)]
pub struct Forms {
    failed: Option<Failed>,
    defaults: FormData,
}

impl Forms {
    pub fn new(defaults: FormData, failed: Option<Failed>) -> Forms {
        Forms { failed, defaults }
    }

    /// The failed form, when it is form `f`.
    fn failed(&self, f: &str) -> Option<&Failed> {
        self.failed.as_ref().filter(|x| x.which == f)
    }

    /// The value of a field of form `f`.
    pub fn val(&self, f: &str, name: &str) -> String {
        match self.failed(f) {
            Some(x) => x.form.get(name).to_owned(),
            None => self.defaults.get(name).to_owned(),
        }
    }

    pub fn is(&self, f: &str, name: &str, value: &str) -> bool {
        self.val(f, name) == value
    }

    /// The error beside a field of form `f`.
    pub fn err(&self, f: &str, name: &str) -> Option<String> {
        self.failed(f).and_then(|x| x.errors.get(name).cloned())
    }

    /// The message above form `f`.
    pub fn msg(&self, f: &str) -> Option<String> {
        self.failed(f).and_then(|x| x.error.clone())
    }
}

/// The person a worker's account belongs to, or the error page.
pub fn own_person(actor: &Actor) -> PageResult<Uuid> {
    actor.person_id.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no_person",
            "您的账户还没有关联个人信息，请到就业服务窗口办理。",
        )
        .into()
    })
}

pub const REG_KINDS: &[(&str, &str)] = &[
    ("flexible", "灵活就业登记"),
    ("employment", "就业登记"),
    ("unemployment", "失业登记"),
];

pub const FLEX_FORMS: &[(&str, &str)] = &[
    ("part_time", "非全日制"),
    ("self_employed", "个体经营"),
    ("platform", "新就业形态/平台"),
    ("gig", "零工"),
];

pub const REG_FIELDS: &[&str] = &[
    "kind",
    "started_on",
    "employer_name",
    "flexible_form",
    "consent_note",
];
pub const END_FIELDS: &[&str] = &["ended_on", "reason", "consent_note"];
pub const PAYEE_FIELDS: &[&str] = &["bank_name", "account", "consent_note"];

pub fn today_default(state: &AppState) -> String {
    state.svc.clock.today_cst().format("%Y-%m-%d").to_string()
}

/// The defaults of the registration forms: today, and 灵活就业登记.
pub fn registration_defaults(state: &AppState) -> FormData {
    let mut defaults = FormData::default();
    defaults.set("started_on", today_default(state));
    defaults.set("ended_on", today_default(state));
    defaults.set("kind", "flexible");
    defaults
}

/// The registration form (the person's and the window's).
#[derive(Deserialize)]
pub struct RegistrationForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    employer_name: String,
    #[serde(default)]
    flexible_form: String,
    #[serde(default)]
    started_on: String,
    #[serde(default)]
    consent_note: String,
}

impl RegistrationForm {
    /// The registration input (the employer only for 就业登记, the form only for 灵活就业登记:
    /// the other kind's leftover is ignored).
    pub fn input(self) -> RegistrationInput {
        RegistrationInput {
            employer_name: if self.kind == "employment" {
                self.employer_name
            } else {
                String::new()
            },
            flexible_form: if self.kind == "flexible" {
                self.flexible_form
            } else {
                String::new()
            },
            kind: self.kind,
            started_on: self.started_on,
            consent_note: self.consent_note,
        }
    }
}

/// Rows of a registration history for a table.
pub struct RegLine {
    pub kind: String,
    pub detail: String,
    pub started: String,
    pub ended: String,
    pub source: String,
    pub county: String,
}

pub fn reg_line(r: &RegistrationView) -> RegLine {
    let detail = if !r.employer_name.is_empty() {
        r.employer_name.clone()
    } else {
        r.flexible_form_label.clone()
    };
    RegLine {
        kind: r.kind_label.clone(),
        detail,
        started: date_cn(r.started_on),
        ended: match r.ended_on {
            Some(d) if r.end_reason.is_empty() => date_cn(d),
            Some(d) => format!("{}（{}）", date_cn(d), r.end_reason),
            None => "有效".into(),
        },
        source: r.source_label.clone(),
        county: r.county_name.clone(),
    }
}

pub fn decided(a: &ApplicationView) -> bool {
    matches!(a.status.as_str(), "approved" | "rejected")
}

// ---------------------------------------------------------------------------------------
// 决定书

#[derive(Template)]
#[template(path = "worker/services_notice.html")]
struct NoticePage {
    ctx: PageCtx,
    a: ApplicationView,
    number: String,
    decided: bool,
    approved: bool,
    decided_on: String,
    how: &'static str,
    back: String,
}

/// The printable 决定书 of an application, for the person or staff of its region.
pub async fn notice_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    back: &str,
) -> PageResult {
    let id = path_uuid(id)?;
    let a = state.svc.get_benefit_application(actor, id).await?;
    let number = format!(
        "晋灵待决〔{}〕{}号",
        a.decided_at
            .map(|t| (t + chrono::Duration::hours(8)).format("%Y").to_string())
            .unwrap_or_default(),
        a.id.simple().to_string()[..8].to_uppercase()
    );
    let decided_on = a
        .decided_at
        .map(|t| date_cn((t + chrono::Duration::hours(8)).date_naive()))
        .unwrap_or_default();
    Ok(render(
        StatusCode::OK,
        &NoticePage {
            ctx: PageCtx::new(ctx, "灵活就业政策待遇决定书", back),
            number,
            decided: decided(&a),
            approved: a.status == "approved",
            decided_on,
            how: if a.route == "automatic" {
                "系统依据已核验数据自动决定"
            } else {
                "经初审、审批两人办理"
            },
            back: format!("{back}/{}", a.id),
            a,
        },
    ))
}
