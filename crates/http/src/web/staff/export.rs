//! Downloads of any table a staff page shows, as .xlsx or .csv:
//! `/staff/export?page=/staff/training&table=courses&format=xlsx`. The page is rendered for
//! the caller exactly as they would open it — same session, so the same region scope, the
//! same masking and the same filters — and the table with that id is read back from the
//! page into a sheet. What staff download is therefore always what they were looking at.
//! Columns without a header or headed 操作 (buttons) are left out; numbers become numbers
//! in Excel. Every download is audited (page, table, format, row count).

use axum::Router;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::routing::get;
use linghuo_service::ServiceError;
use linghuo_service::export::{Cell, Sheet, to_csv, to_xlsx};
use tower::ServiceExt;

use crate::AppState;
use crate::web::{PageError, PageResult, Staff, download, query_field};

pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/export", get(export))
}

/// A page this exporter may render: a staff page (GET), not itself, plain ASCII.
fn allowed_page(page: &str) -> bool {
    (page == "/staff" || page.starts_with("/staff/"))
        && !page.starts_with("/staff/export")
        && !page.contains("//")
        && !page.contains("..")
        && page.len() <= 300
        && page
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'#' && b != b'\\')
}

fn allowed_table(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

async fn export(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> PageResult {
    let page = query_field(&q, "page");
    let table = query_field(&q, "table");
    let format = query_field(&q, "format");
    let invalid = |field: &'static str, message: &str| -> PageError {
        ServiceError::invalid(field, "export_invalid", message).into()
    };
    if !allowed_page(&page) {
        return Err(invalid("page", "只能下载经办页面上的表格"));
    }
    if !allowed_table(&table) {
        return Err(invalid("table", "表格名称有误"));
    }
    if format != "xlsx" && format != "csv" {
        return Err(invalid("format", "下载格式应为 xlsx 或 csv"));
    }
    // Render the page for this same session.
    let mut req = Request::builder().method("GET").uri(page.as_str());
    for name in [header::HOST, header::COOKIE, header::USER_AGENT] {
        if let Some(v) = headers.get(&name) {
            req = req.header(name, v);
        }
    }
    let req = req
        .body(Body::empty())
        .map_err(|_| invalid("page", "页面地址有误"))?;
    let resp = match crate::router(state.clone()).oneshot(req).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    if resp.status() != StatusCode::OK {
        return Err(ServiceError::NotFound.into());
    }
    let bytes = axum::body::to_bytes(resp.into_body(), 16 * 1024 * 1024)
        .await
        .map_err(|_| ServiceError::NotFound)?;
    let html = String::from_utf8_lossy(&bytes);
    let sheet = table_sheet(&html, &table).ok_or(ServiceError::NotFound)?;
    state
        .svc
        .audit_table_export(&staff, &page, &table, &format, sheet.rows.len())
        .await?;
    Ok(if format == "xlsx" {
        download(&format!("{table}.xlsx"), to_xlsx(&sheet)?)
    } else {
        download(&format!("{table}.csv"), to_csv(&sheet))
    })
}

/// The table `<table id="{id}">` of a page as a sheet: the header row's `th` texts and each
/// body row's cells, as text with tags dropped and entities decoded. Rows spanning columns
/// (a "nothing here" line) and columns without a header or headed 操作 are left out.
pub fn table_sheet(html: &str, id: &str) -> Option<Sheet> {
    let open = format!("<table id=\"{id}\"");
    let start = html.find(&open)?;
    let end = start + html[start..].find("</table>")?;
    let t = &html[start..end];
    let title = t
        .find("<caption")
        .and_then(|i| {
            let rest = &t[i..];
            let body = &rest[rest.find('>')? + 1..];
            Some(text_of(&body[..body.find("</caption>")?]))
        })
        .map(|c| c.trim_end_matches("（可左右滑动查看）").to_owned())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| id.to_owned());
    let mut header: Option<Vec<String>> = None;
    let mut rows: Vec<Vec<String>> = Vec::new();
    for seg in t.split("<tr").skip(1) {
        let seg = seg.split("</tr>").next().unwrap_or("");
        if seg.contains("colspan") {
            continue;
        }
        let cells = cells_of(seg);
        if cells.is_empty() {
            continue;
        }
        if header.is_none() {
            header = Some(cells);
        } else {
            rows.push(cells);
        }
    }
    let header = header?;
    let keep: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| !h.is_empty() && h.as_str() != "操作")
        .map(|(i, _)| i)
        .collect();
    Some(Sheet {
        title: title.chars().take(31).collect(),
        headers: keep.iter().map(|&i| header[i].clone()).collect(),
        rows: rows
            .into_iter()
            .map(|r| {
                keep.iter()
                    .map(|&i| typed(r.get(i).map_or("", String::as_str)))
                    .collect()
            })
            .collect(),
    })
}

/// The texts of the `th`/`td` cells of one row.
fn cells_of(row: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = row;
    loop {
        let th = rest.find("<th");
        let td = rest.find("<td");
        let (at, close) = match (th, td) {
            (Some(a), Some(b)) if a < b => (a, "</th>"),
            (Some(a), None) => (a, "</th>"),
            (_, Some(b)) => (b, "</td>"),
            (None, None) => break,
        };
        let after = &rest[at..];
        let Some(gt) = after.find('>') else { break };
        let body = &after[gt + 1..];
        let end = body.find(close).unwrap_or(body.len());
        out.push(text_of(&body[..end]));
        rest = &body[end..];
    }
    out
}

/// Text with tags dropped, entities decoded and white space collapsed.
fn text_of(html: &str) -> String {
    let mut plain = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let decoded = plain
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whole numbers and plain decimals become numbers (they sum in Excel); anything else —
/// codes with leading zeros, dates, masked numbers — stays text.
fn typed(s: &str) -> Cell {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let plain_number = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && !digits.starts_with('.')
        && !digits.ends_with('.')
        && !(digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0."))
        && digits.len() <= 15;
    if !plain_number {
        return Cell::Text(s.to_owned());
    }
    if digits.contains('.') {
        Cell::Decimal(s.to_owned())
    } else {
        s.parse::<i64>()
            .map_or_else(|_| Cell::Text(s.to_owned()), Cell::Int)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_table_reads_back_as_a_sheet() {
        let html = r#"<p>x</p><table id="courses"><caption>培训课程（可左右滑动查看）</caption>
<thead><tr><th scope="col">名称</th><th scope="col">人数</th><th scope="col">金额</th><th scope="col">编号</th><th scope="col">操作</th></tr></thead>
<tbody><tr><td><a href="/staff/training/1">电工 &amp; 焊工</a></td><td class="num">12</td><td>1,200.50</td><td>0351</td><td><form><button>办理</button></form></td></tr>
<tr><td>家政&lt;初级&gt;</td><td>3</td><td>87.5</td><td>140105</td><td></td></tr>
<tr><td colspan="5">没有更多</td></tr></tbody></table><table id="other"></table>"#;
        let s = table_sheet(html, "courses").unwrap();
        assert_eq!(s.title, "培训课程");
        assert_eq!(s.headers, vec!["名称", "人数", "金额", "编号"]);
        assert_eq!(s.rows.len(), 2);
        assert_eq!(s.rows[0][0], Cell::Text("电工 & 焊工".into()));
        assert_eq!(s.rows[0][1], Cell::Int(12));
        assert_eq!(s.rows[0][2], Cell::Text("1,200.50".into()));
        assert_eq!(
            s.rows[0][3],
            Cell::Text("0351".into()),
            "leading zeros stay text"
        );
        assert_eq!(s.rows[1][0], Cell::Text("家政<初级>".into()));
        assert_eq!(s.rows[1][2], Cell::Decimal("87.5".into()));
        assert_eq!(s.rows[1][3], Cell::Int(140105));
        assert!(table_sheet(html, "missing").is_none());
    }

    #[test]
    fn only_staff_pages_and_plain_table_ids() {
        assert!(allowed_page("/staff/training"));
        assert!(allowed_page("/staff/benefits?status=approved"));
        assert!(!allowed_page("/staff/export?page=/staff"));
        assert!(!allowed_page("/admin/users"));
        assert!(!allowed_page("https://example.com/staff"));
        assert!(!allowed_page("/staff/../admin"));
        assert!(!allowed_page("/staffing"));
        assert!(allowed_table("recalc-lines"));
        assert!(!allowed_table("a\"b"));
    }
}
