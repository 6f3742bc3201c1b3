//! One page of a staff list: the lists are paged in SQL (LIMIT/OFFSET), never in memory.

use serde::Serialize;

/// Rows per page of every staff list.
pub const PAGE_SIZE: i64 = 50;

/// Which page to show (1-based) and the search words, as asked.
#[derive(Debug, Clone, Default)]
pub struct PageQuery {
    pub page: i64,
    pub search: String,
}

impl PageQuery {
    pub fn new(page: i64, search: &str) -> Self {
        Self {
            page: page.max(1),
            search: search.trim().chars().take(40).collect(),
        }
    }

    pub fn offset(&self) -> i64 {
        (self.page.max(1) - 1) * PAGE_SIZE
    }

    pub fn limit(&self) -> i64 {
        PAGE_SIZE
    }

    /// The `LIKE` pattern of the search words ('' when there are none): `%` and `_`
    /// typed by the person match themselves only loosely, which is fine for a search box.
    pub fn like(&self) -> String {
        if self.search.is_empty() {
            String::new()
        } else {
            format!("%{}%", self.search)
        }
    }
}

/// One page of rows and where it sits in the whole list.
#[derive(Debug, Clone, Serialize)]
pub struct Paged<T> {
    pub items: Vec<T>,
    /// 1-based.
    pub page: i64,
    /// At least 1.
    pub pages: i64,
    pub total: i64,
}

impl<T> Paged<T> {
    pub fn new(items: Vec<T>, q: &PageQuery, total: i64) -> Self {
        Self {
            items,
            page: q.page.max(1),
            pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
            total,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Paged<U> {
        Paged {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            pages: self.pages,
            total: self.total,
        }
    }
}
