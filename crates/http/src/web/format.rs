//! How values read on a page: times and dates in China Standard Time, the region and
//! occupation selects, and where to go back to after logging in.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use super::form::FormData;
use std::sync::LazyLock;

/// Where to go back to after logging in or signing up (`next`), if it is a path on this
/// site: a single leading `/` (not `//` or `/\`, which browsers read as another host), no
/// scheme, no control characters, spaces or backslashes, and not too long. Anything else is
/// ignored, so the form cannot send anyone to another site.
pub fn safe_next(next: &str) -> Option<&str> {
    let ok = next.len() <= 512
        && next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    ok.then_some(next)
}

/// `?next=…` (URL-encoded) for a link that carries a safe `next` on, else nothing.
pub fn next_query(next: Option<&str>) -> String {
    match next.and_then(safe_next) {
        Some(n) => format!(
            "?{}",
            serde_urlencoded::to_string([("next", n)]).unwrap_or_default()
        ),
        None => String::new(),
    }
}

/// A time in China Standard Time, as people read it.
pub fn cst(t: &DateTime<Utc>) -> String {
    (*t + chrono::Duration::hours(8))
        .format("%Y年%m月%d日 %H:%M")
        .to_string()
}

/// A date however many references deep (templates bind `&&NaiveDate` in `if let`).
pub trait DateLike {
    fn naive(&self) -> chrono::NaiveDate;
}

impl DateLike for chrono::NaiveDate {
    fn naive(&self) -> chrono::NaiveDate {
        *self
    }
}

impl<T: DateLike + ?Sized> DateLike for &T {
    fn naive(&self) -> chrono::NaiveDate {
        (**self).naive()
    }
}

/// A date as people read it: 2021年6月1日.
pub fn date_cn(d: impl DateLike) -> String {
    use chrono::Datelike;
    let d = d.naive();
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Shanxi's cities and counties for a region select, "太原市" and "太原市小店区" (the
/// province is the empty choice).
pub fn region_options(counties_only: bool) -> Vec<(String, String)> {
    region_option_list(counties_only).to_vec()
}

/// The same options, made once per process (a page with the full list renders it on every
/// request).
pub fn region_option_list(counties_only: bool) -> &'static [(String, String)] {
    static LISTS: LazyLock<[Vec<(String, String)>; 2]> =
        LazyLock::new(|| [build_region_options(false), build_region_options(true)]);
    &LISTS[usize::from(counties_only)]
}

fn build_region_options(counties_only: bool) -> Vec<(String, String)> {
    linghuo_domain::all_regions()
        .into_iter()
        .filter(|r| r.level() != linghuo_domain::RegionLevel::Province)
        .filter(|r| !counties_only || r.level() == linghuo_domain::RegionLevel::County)
        .map(|r| {
            let full = r.full_name();
            let short = full.strip_prefix("山西省").unwrap_or(&full).to_owned();
            (r.as_str(), short)
        })
        .collect()
}

/// The occupation catalogue grouped for a select: each category with its trades.
pub struct OccupationGroup {
    pub code: &'static str,
    pub name: &'static str,
    pub trades: Vec<(&'static str, &'static str)>,
}

/// Built once per process: grouping walks the whole catalogue for every category.
pub fn occupation_groups() -> &'static [OccupationGroup] {
    static GROUPS: LazyLock<Vec<OccupationGroup>> = LazyLock::new(|| {
        linghuo_domain::occupation_categories()
            .into_iter()
            .map(|c| OccupationGroup {
                code: c.code,
                name: c.name,
                trades: linghuo_domain::occupation_children(c.code)
                    .into_iter()
                    .map(|t| (t.code, t.name))
                    .collect(),
            })
            .collect()
    });
    &GROUPS
}

/// What a benefit's amounts are, in words (the `amount_kind` of the take-up and what-if
/// reports), for the tables' 金额口径.
pub fn amount_kind_label(kind: &str) -> &'static str {
    match kind {
        "paid" => "补贴资金",
        "per_course" => "按培训项目核定",
        "deduction_limit" => "扣减限额",
        "loan_ceiling" => "贷款额度",
        _ => "",
    }
}

/// A decimal amount as people read it, with thousands separators: "2000000.00" →
/// "2,000,000.00". Anything that is not a plain decimal is returned as it is.
pub fn grouped<S: AsRef<str>>(amount: S) -> String {
    let s = amount.as_ref();
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", s),
    };
    let (int, frac) = rest.split_once('.').unwrap_or((rest, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + int.len() / 3);
    out.push_str(sign);
    for (i, ch) in int.char_indices() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if rest.contains('.') {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// A time in China Standard Time (for templates, which hold values or references).
pub fn when<T: std::borrow::Borrow<chrono::DateTime<chrono::Utc>>>(t: T) -> String {
    crate::web::cst(t.borrow())
}

/// A file download (CSV or Excel) with an ASCII name.
pub fn download(name: &str, bytes: Vec<u8>) -> Response {
    let ctype = if name.ends_with(".xlsx") {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    } else {
        "text/csv; charset=utf-8"
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, ctype.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// A query string's field.
pub fn query_field(query: &Option<String>, name: &str) -> String {
    FormData::parse(query.as_deref().unwrap_or("").as_bytes())
        .get(name)
        .to_owned()
}

#[cfg(test)]
mod grouped_tests {
    use super::grouped;

    #[test]
    fn amounts_get_thousands_separators() {
        assert_eq!(grouped("2000000.00"), "2,000,000.00");
        assert_eq!(grouped("-12000.5"), "-12,000.5");
        assert_eq!(grouped("999.99"), "999.99");
        assert_eq!(grouped("1000"), "1,000");
        assert_eq!(grouped("0.00"), "0.00");
        assert_eq!(grouped("未设"), "未设");
        assert_eq!(grouped(""), "");
    }
}
