//! The pager and search box under every staff list: "第 N 页 / 共 M 页" with 上一页/下一页
//! links that keep the list's other filters (status, search words, …).

use linghuo_service::paging::{PageQuery, Paged};

use crate::web::query_field;

/// What the list asked for: `?page=` and `?q=` from the query string. Search words holding an
/// identity or phone number are not searched with (the lists' boxes search names and words;
/// personal numbers are looked up by POST on 人员查询, never through an address).
pub fn page_query(q: &Option<String>) -> PageQuery {
    let page = query_field(q, "page").trim().parse::<i64>().unwrap_or(1);
    let words = query_field(q, "q");
    PageQuery::new(
        page.clamp(1, 1_000_000),
        if holds_personal_number(&words) {
            ""
        } else {
            &words
        },
    )
}

/// Whether a value typed into a GET form holds an identity number or a mobile number.
pub fn holds_personal_number(v: &str) -> bool {
    linghuo_domain::find_unmasked_pii(v).is_some()
}

/// The pager a template shows (`{% include "staff/pager.html" %}` with a field `pager`).
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    /// The search words as typed (for the search box).
    pub search: String,
    /// The list's other filters as hidden fields of the search form.
    pub keep: Vec<(String, String)>,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// What the search box searches, shown in it.
    pub hint: &'static str,
    /// The address carried an identity or phone number, which was neither searched with nor
    /// shown again (the search box says why).
    pub refused: bool,
    /// This page's own address with its filters and page (for "下载此表").
    here: String,
}

impl Pager {
    /// `path` is the list's own address; `query` the query string it was asked with.
    pub fn new<T>(path: &str, query: &Option<String>, paged: &Paged<T>) -> Self {
        Self::of(path, query, paged.page, paged.pages, paged.total)
    }

    pub fn of(path: &str, query: &Option<String>, page: i64, pages: i64, total: i64) -> Self {
        let all: Vec<(String, String)> =
            serde_urlencoded::from_str::<Vec<(String, String)>>(query.as_deref().unwrap_or(""))
                .unwrap_or_default();
        // A value holding a personal number is dropped: never echoed into the search box,
        // the 上一页/下一页 links or the download link.
        let refused = all.iter().any(|(_, v)| holds_personal_number(v));
        let pairs: Vec<(String, String)> = all
            .into_iter()
            .filter(|(k, v)| k != "page" && k != "ok" && !v.is_empty() && !holds_personal_number(v))
            .collect();
        let search = pairs
            .iter()
            .find(|(k, _)| k == "q")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let link = |n: i64| {
            let mut p = pairs.clone();
            p.push(("page".into(), n.to_string()));
            format!(
                "{path}?{}",
                serde_urlencoded::to_string(&p).unwrap_or_default()
            )
        };
        let mut here_pairs = pairs.clone();
        if page > 1 {
            here_pairs.push(("page".into(), page.to_string()));
        }
        let here = if here_pairs.is_empty() {
            path.to_owned()
        } else {
            format!(
                "{path}?{}",
                serde_urlencoded::to_string(&here_pairs).unwrap_or_default()
            )
        };
        Pager {
            page,
            pages,
            total,
            here,
            search,
            keep: pairs.iter().filter(|(k, _)| k != "q").cloned().collect(),
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
            hint: "",
            refused,
        }
    }

    /// The download of table `table` (`xlsx` or `csv`) as this page shows it: the same
    /// filters, search words and page (`/staff/export` renders the page again).
    pub fn export(&self, table: &str, format: &str) -> String {
        format!(
            "/staff/export?{}",
            serde_urlencoded::to_string([
                ("page", self.here.as_str()),
                ("table", table),
                ("format", format),
            ])
            .unwrap_or_default()
        )
    }

    /// What the search box searches (its placeholder).
    pub fn hint(mut self, hint: &'static str) -> Self {
        self.hint = hint;
        self
    }
}
