//! The open statistics: a weekly gig-market index anyone may read without logging in — new
//! posts and hires in each of the last eight complete ISO weeks (Monday to Sunday, China
//! Standard Time), by city (or the counties of one city) and by occupation category.
//!
//! Only counts leave this module. A count below [`MIN_CELL`] (zero included) is shown as
//! "<5", never as the number. Because a city's figure is the sum of its counties', an area's
//! total the sum of its categories', and so on, a small cell could otherwise be worked out by
//! subtraction; so the published cells of each week and measure are treated as one system of
//! sums across every page (province and each city), and further cells are hidden ("—", a
//! figure of at least five withheld) until no small cell can be computed exactly — neither from
//! the sums taken together (linear algebra over the whole system) nor from the bounds of one
//! sum (four small cells adding up to 16 must all be 4). Every page and the JSON API show the
//! same suppressed figures, so comparing pages reveals nothing more.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use linghuo_domain::{RegionCode, RegionLevel, occupation, occupation_categories};
use linghuo_storage::open_stats as repo;
use serde::{Deserialize, Serialize};

use crate::Service;
use crate::error::{Result, ServiceError};

/// The smallest count shown; smaller counts are shown as "<5".
pub const MIN_CELL: i64 = 5;
/// How many complete ISO weeks the index covers.
pub const WEEKS: usize = 8;
/// The category of trades not in the catalogue.
const OTHER: &str = "other";

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct OpenStatsQuery {
    /// A city code (e.g. 140100) to see its counties; default: the cities of the province.
    pub city: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OpenWeek {
    /// ISO week, e.g. 2025-W05.
    pub week: String,
    /// Monday.
    pub starts_on: NaiveDate,
    /// Sunday.
    pub ends_on: NaiveDate,
}

/// How a cell is published.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CellStatus {
    Shown,
    /// Fewer than five: shown as "<5".
    Small,
    /// At least five, withheld so that a small cell cannot be worked out: shown as "—".
    Withheld,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OpenCell {
    /// The count when shown; null when suppressed.
    pub value: Option<i64>,
    pub status: CellStatus,
    /// What the page shows: the count, "<5" or "—".
    pub text: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OpenRow {
    /// Region code or occupation category code.
    pub code: String,
    pub name: String,
    /// New posts per week (same order as `weeks`).
    pub posts: Vec<OpenCell>,
    /// Hires per week.
    pub hires: Vec<OpenCell>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OpenStats {
    /// The province, or the city asked for.
    pub area_code: String,
    pub area_name: String,
    pub weeks: Vec<OpenWeek>,
    /// The cities of the province, or the counties of the city.
    pub regions: Vec<OpenRow>,
    /// Occupation categories within the area.
    pub categories: Vec<OpenRow>,
    /// The whole area (the total of `regions` and of `categories`, suppressed by the same rule).
    pub total: OpenRow,
    /// Counts below this are shown as "<5".
    pub min_cell: i64,
}

/// Status of each cell after primary and secondary suppression.
type Marks = Vec<CellStatus>;

/// Suppresses cells of one system of sums: `values[i]` are the cells, each relation is
/// Σ coef·cell = 0 over some cells. Cells below [`MIN_CELL`] are small; further cells are
/// withheld until no small cell is determined by the published ones.
pub fn suppress(values: &[i64], relations: &[Vec<(usize, i64)>]) -> Marks {
    let mut marks: Marks = values
        .iter()
        .map(|v| {
            if *v < MIN_CELL {
                CellStatus::Small
            } else {
                CellStatus::Shown
            }
        })
        .collect();
    let mut member_of: Vec<Vec<usize>> = vec![Vec::new(); values.len()];
    for (r, rel) in relations.iter().enumerate() {
        for (c, _) in rel {
            member_of[*c].push(r);
        }
    }
    for _ in 0..=values.len() {
        let exposed = exposed_cells(values, &marks, relations);
        if exposed.is_empty() {
            return marks;
        }
        let mut added = false;
        for x in exposed {
            // Withhold the smallest shown cell that shares a sum with the exposed one.
            let partner = member_of[x]
                .iter()
                .flat_map(|r| relations[*r].iter().map(|(c, _)| *c))
                .filter(|c| marks[*c] == CellStatus::Shown)
                .min_by_key(|c| (values[*c], *c));
            if let Some(p) = partner {
                marks[p] = CellStatus::Withheld;
                added = true;
            }
        }
        if !added {
            break;
        }
    }
    // No partner left to withhold yet a small cell is still exposed: withhold everything
    // rather than publish it.
    if !exposed_cells(values, &marks, relations).is_empty() {
        for m in marks.iter_mut() {
            if *m == CellStatus::Shown {
                *m = CellStatus::Withheld;
            }
        }
    }
    marks
}

/// Hidden cells whose value follows from the published cells: exactly by the sums (any hidden
/// cell), or by the bounds of one sum (small cells).
fn exposed_cells(values: &[i64], marks: &Marks, relations: &[Vec<(usize, i64)>]) -> Vec<usize> {
    // Any hidden cell the sums fix exactly (a withheld one too: "—" must not be worked out by
    // subtraction either).
    let mut out = determined_by_sums(marks, relations);
    for rel in relations {
        let known: i64 = rel
            .iter()
            .filter(|(c, _)| marks[*c] == CellStatus::Shown)
            .map(|(c, k)| k * values[*c])
            .sum();
        let hidden: Vec<(usize, i64)> = rel
            .iter()
            .copied()
            .filter(|(c, _)| marks[*c] != CellStatus::Shown)
            .collect();
        // Σ k·x over hidden cells = -known; bounds: small in [0, 4], withheld in [5, ∞).
        let bounds = |c: usize| -> (i64, Option<i64>) {
            match marks[c] {
                CellStatus::Small => (0, Some(MIN_CELL - 1)),
                _ => (MIN_CELL, None),
            }
        };
        for (x, kx) in &hidden {
            if marks[*x] != CellStatus::Small || out.contains(x) {
                continue;
            }
            // Range of the other hidden terms k·x.
            let (mut rmin, mut rmax) = (Some(0i64), Some(0i64));
            for (o, ko) in hidden.iter().filter(|(o, _)| o != x) {
                let (lo, hi) = bounds(*o);
                let (tlo, thi) = if *ko > 0 {
                    (Some(ko * lo), hi.map(|h| ko * h))
                } else {
                    (hi.map(|h| ko * h), Some(ko * lo))
                };
                rmin = rmin.zip(tlo).map(|(a, b)| a + b);
                rmax = rmax.zip(thi).map(|(a, b)| a + b);
            }
            let t = -known;
            // kx·x = t − r.
            let (lo, hi) = if *kx > 0 {
                (rmax.map(|r| t - r), rmin.map(|r| t - r))
            } else {
                (rmin.map(|r| r - t), rmax.map(|r| r - t))
            };
            let lo = lo.unwrap_or(0).max(0);
            let hi = hi.unwrap_or(MIN_CELL - 1).min(MIN_CELL - 1);
            if lo == hi {
                out.push(*x);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Hidden cells whose value the sums fix exactly: the pivots of the reduced row echelon form
/// of the relations restricted to hidden cells whose row has no other entry.
fn determined_by_sums(marks: &Marks, relations: &[Vec<(usize, i64)>]) -> Vec<usize> {
    let cols: Vec<usize> = (0..marks.len())
        .filter(|c| marks[*c] != CellStatus::Shown)
        .collect();
    if cols.is_empty() {
        return Vec::new();
    }
    let index: HashMap<usize, usize> = cols.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let mut m: Vec<Vec<f64>> = relations
        .iter()
        .map(|rel| {
            let mut row = vec![0.0; cols.len()];
            for (c, k) in rel {
                if let Some(i) = index.get(c) {
                    row[*i] += *k as f64;
                }
            }
            row
        })
        .filter(|row| row.iter().any(|v| *v != 0.0))
        .collect();
    const EPS: f64 = 1e-9;
    let mut pivots = Vec::new();
    let mut r = 0;
    for c in 0..cols.len() {
        if r == m.len() {
            break;
        }
        let Some(p) = (r..m.len()).max_by(|a, b| m[*a][c].abs().total_cmp(&m[*b][c].abs())) else {
            break;
        };
        if m[p][c].abs() < EPS {
            continue;
        }
        m.swap(r, p);
        let d = m[r][c];
        for v in m[r].iter_mut() {
            *v /= d;
        }
        for i in 0..m.len() {
            if i != r && m[i][c].abs() > EPS {
                let f = m[i][c];
                let (pivot_row, other) = if i < r {
                    let (a, b) = m.split_at_mut(r);
                    (&b[0], &mut a[i])
                } else {
                    let (a, b) = m.split_at_mut(i);
                    (&a[r], &mut b[0])
                };
                for (o, pv) in other.iter_mut().zip(pivot_row.iter()) {
                    *o -= f * pv;
                }
            }
        }
        pivots.push((r, c));
        r += 1;
    }
    pivots
        .into_iter()
        .filter(|(r, c)| {
            m[*r]
                .iter()
                .enumerate()
                .all(|(j, v)| j == *c || v.abs() < EPS)
        })
        .map(|(_, c)| cols[c])
        .collect()
}

/// The cells of the province's system for one week and measure.
struct Layout {
    cities: Vec<RegionCode>,
    counties: Vec<(RegionCode, usize)>, // county, index of its city
    categories: Vec<(&'static str, &'static str)>,
}

impl Layout {
    fn new() -> Layout {
        let cities = linghuo_domain::cities();
        let mut counties = Vec::new();
        for (i, c) in cities.iter().enumerate() {
            for k in c.children() {
                if k.level() == RegionLevel::County {
                    counties.push((k, i));
                }
            }
        }
        let mut categories: Vec<(&'static str, &'static str)> = occupation_categories()
            .into_iter()
            .map(|o| (o.code, o.name))
            .collect();
        categories.push((OTHER, "其他"));
        Layout {
            cities,
            counties,
            categories,
        }
    }

    // Cell indices: province, cities, counties, categories, (city, category).
    fn province(&self) -> usize {
        0
    }
    fn city(&self, i: usize) -> usize {
        1 + i
    }
    fn county(&self, i: usize) -> usize {
        1 + self.cities.len() + i
    }
    fn category(&self, k: usize) -> usize {
        1 + self.cities.len() + self.counties.len() + k
    }
    fn city_category(&self, i: usize, k: usize) -> usize {
        self.category(self.categories.len()) + i * self.categories.len() + k
    }
    fn cells(&self) -> usize {
        self.city_category(self.cities.len(), 0)
    }

    fn relations(&self) -> Vec<Vec<(usize, i64)>> {
        let mut rels = Vec::new();
        let nk = self.categories.len();
        let mut p = vec![(self.province(), 1)];
        p.extend((0..self.cities.len()).map(|i| (self.city(i), -1)));
        rels.push(p);
        let mut p = vec![(self.province(), 1)];
        p.extend((0..nk).map(|k| (self.category(k), -1)));
        rels.push(p);
        for i in 0..self.cities.len() {
            let mut r = vec![(self.city(i), 1)];
            r.extend(
                self.counties
                    .iter()
                    .enumerate()
                    .filter(|(_, (_, ci))| *ci == i)
                    .map(|(j, _)| (self.county(j), -1)),
            );
            rels.push(r);
            let mut r = vec![(self.city(i), 1)];
            r.extend((0..nk).map(|k| (self.city_category(i, k), -1)));
            rels.push(r);
        }
        for k in 0..nk {
            let mut r = vec![(self.category(k), 1)];
            r.extend((0..self.cities.len()).map(|i| (self.city_category(i, k), -1)));
            rels.push(r);
        }
        rels
    }
}

/// Midnight China Standard Time at the start of a day, as UTC.
fn cst_midnight(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight exists")) - Duration::hours(8)
}

/// The last [`WEEKS`] complete ISO weeks before `today` (oldest first), as their Mondays.
pub fn index_weeks(today: NaiveDate) -> Vec<NaiveDate> {
    let this_monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    (1..=WEEKS as i64)
        .rev()
        .map(|w| this_monday - Duration::weeks(w))
        .collect()
}

fn cell(value: i64, status: CellStatus) -> OpenCell {
    match status {
        CellStatus::Shown => OpenCell {
            value: Some(value),
            status,
            text: value.to_string(),
        },
        CellStatus::Small => OpenCell {
            value: None,
            status,
            text: format!("<{MIN_CELL}"),
        },
        CellStatus::Withheld => OpenCell {
            value: None,
            status,
            text: "—".into(),
        },
    }
}

impl Service {
    /// The weekly gig-market index, public (no caller needed): suppressed counts only.
    pub async fn open_statistics(&self, q: &OpenStatsQuery) -> Result<OpenStats> {
        let layout = Layout::new();
        let city = match q.city.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(c) => {
                let code = RegionCode::parse(c).map_err(|e| ServiceError::field("city", e))?;
                match layout.cities.iter().position(|x| *x == code) {
                    Some(i) => Some(i),
                    None => return Err(ServiceError::NotFound),
                }
            }
        };
        let mondays = index_weeks(self.clock.today_cst());
        let start = cst_midnight(mondays[0]);
        let end = cst_midnight(mondays[WEEKS - 1] + Duration::weeks(1));
        // A day's margin in SQL; the exact window is applied here.
        let since = start - Duration::days(1);
        let posts = repo::posts_since(&self.db, since).await?;
        let hires = repo::hires_since(&self.db, since).await?;

        let county_index: HashMap<String, usize> = layout
            .counties
            .iter()
            .enumerate()
            .map(|(j, (c, _))| (c.as_str(), j))
            .collect();
        let category_index: HashMap<&str, usize> = layout
            .categories
            .iter()
            .enumerate()
            .map(|(k, (c, _))| (*c, k))
            .collect();
        let relations = layout.relations();
        // values[measure][week][cell]
        let mut values = vec![vec![vec![0i64; layout.cells()]; WEEKS]; 2];
        for (m, facts) in [posts, hires].iter().enumerate() {
            for f in facts {
                if f.created_at < start || f.created_at >= end {
                    continue;
                }
                let w = ((f.created_at - start).num_days() / 7) as usize;
                let Some(&j) = county_index.get(&f.county_code) else {
                    continue;
                };
                let i = layout.counties[j].1;
                let cat = occupation(&f.occupation)
                    .map(|o| o.category().code)
                    .unwrap_or(OTHER);
                let k = category_index
                    .get(cat)
                    .copied()
                    .unwrap_or(layout.categories.len() - 1);
                let v = &mut values[m][w];
                for c in [
                    layout.province(),
                    layout.city(i),
                    layout.county(j),
                    layout.category(k),
                    layout.city_category(i, k),
                ] {
                    v[c] += 1;
                }
            }
        }
        let marks: Vec<Vec<Marks>> = values
            .iter()
            .map(|weeks| weeks.iter().map(|v| suppress(v, &relations)).collect())
            .collect();
        let row = |code: String, name: String, c: usize| OpenRow {
            code,
            name,
            posts: (0..WEEKS)
                .map(|w| cell(values[0][w][c], marks[0][w][c]))
                .collect(),
            hires: (0..WEEKS)
                .map(|w| cell(values[1][w][c], marks[1][w][c]))
                .collect(),
        };
        let (area, total, regions, categories) = match city {
            None => {
                let p = linghuo_domain::province();
                (
                    p,
                    row(p.as_str(), p.full_name(), layout.province()),
                    layout
                        .cities
                        .iter()
                        .enumerate()
                        .map(|(i, c)| row(c.as_str(), c.name().to_owned(), layout.city(i)))
                        .collect(),
                    layout
                        .categories
                        .iter()
                        .enumerate()
                        .map(|(k, (code, name))| {
                            row((*code).into(), (*name).into(), layout.category(k))
                        })
                        .collect(),
                )
            }
            Some(i) => {
                let c = layout.cities[i];
                (
                    c,
                    row(c.as_str(), c.full_name(), layout.city(i)),
                    layout
                        .counties
                        .iter()
                        .enumerate()
                        .filter(|(_, (_, ci))| *ci == i)
                        .map(|(j, (k, _))| row(k.as_str(), k.name().to_owned(), layout.county(j)))
                        .collect(),
                    layout
                        .categories
                        .iter()
                        .enumerate()
                        .map(|(k, (code, name))| {
                            row((*code).into(), (*name).into(), layout.city_category(i, k))
                        })
                        .collect(),
                )
            }
        };
        Ok(OpenStats {
            area_code: area.as_str(),
            area_name: area.full_name(),
            weeks: mondays
                .iter()
                .map(|m| {
                    let iso = m.iso_week();
                    OpenWeek {
                        week: format!("{}-W{:02}", iso.year(), iso.week()),
                        starts_on: *m,
                        ends_on: *m + Duration::days(6),
                    }
                })
                .collect(),
            regions,
            categories,
            total,
            min_cell: MIN_CELL,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(values: &[i64], marks: &Marks) -> Vec<Option<i64>> {
        values
            .iter()
            .zip(marks)
            .map(|(v, m)| (*m == CellStatus::Shown).then_some(*v))
            .collect()
    }

    #[test]
    fn a_lone_small_cell_takes_a_partner() {
        // total = a + b + c.
        let rel = vec![vec![(0, 1), (1, -1), (2, -1), (3, -1)]];
        let v = [20, 3, 9, 8];
        let m = suppress(&v, &rel);
        assert_eq!(m[1], CellStatus::Small);
        assert_eq!(m[3], CellStatus::Withheld, "the smallest other cell");
        assert_eq!(shown(&v, &m), vec![Some(20), None, Some(9), None]);
    }

    #[test]
    fn bounds_give_nothing_away() {
        // total 8 = 4 + 4: two small cells that can only be 4 each.
        let rel = vec![vec![(0, 1), (1, -1), (2, -1), (3, -1)]];
        let v = [18, 4, 4, 10];
        let m = suppress(&v, &rel);
        assert_eq!(m[3], CellStatus::Withheld);
        // Two small cells summing to 3 are not determined: nothing more withheld.
        let v = [13, 1, 2, 10];
        let m = suppress(&v, &rel);
        assert_eq!(shown(&v, &m), vec![Some(13), None, None, Some(10)]);
    }

    #[test]
    fn linked_tables_are_protected_together() {
        // A 2×2 table with margins: r0 = a+b, r1 = c+d, c0 = a+c, c1 = b+d, t = r0+r1.
        // cells: 0 t, 1 r0, 2 r1, 3 c0, 4 c1, 5 a, 6 b, 7 c, 8 d.
        let rels = vec![
            vec![(0, 1), (1, -1), (2, -1)],
            vec![(0, 1), (3, -1), (4, -1)],
            vec![(1, 1), (5, -1), (6, -1)],
            vec![(2, 1), (7, -1), (8, -1)],
            vec![(3, 1), (5, -1), (7, -1)],
            vec![(4, 1), (6, -1), (8, -1)],
        ];
        let v = [40, 15, 25, 12, 28, 2, 13, 10, 15];
        let m = suppress(&v, &rels);
        assert_eq!(m[5], CellStatus::Small);
        // Every sum with a hidden cell has at least two, and `a` is not determined.
        assert!(determined_by_sums(&m, &rels).iter().all(|c| *c != 5));
        for r in &rels {
            let hidden = r.iter().filter(|(c, _)| m[*c] != CellStatus::Shown).count();
            assert!(hidden != 1, "{r:?} {m:?}");
        }
    }

    #[test]
    fn the_province_system_leaves_no_small_cell_exposed() {
        // Sparse and dense weeks of the whole province: county × category counts added up.
        let layout = Layout::new();
        let rels = layout.relations();
        let nk = layout.categories.len();
        for seed in 0..6u64 {
            let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let mut v = vec![0i64; layout.cells()];
            for (j, (_, i)) in layout.counties.iter().enumerate() {
                for k in 0..nk {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    // Mostly zeros, some small, a few large (more with each seed).
                    let n = match x % 100 {
                        r if r < 80 - 10 * seed => 0,
                        r if r < 95 => (x >> 8) as i64 % 4 + 1,
                        _ => (x >> 8) as i64 % 30 + 5,
                    };
                    for c in [
                        layout.province(),
                        layout.city(*i),
                        layout.county(j),
                        layout.category(k),
                        layout.city_category(*i, k),
                    ] {
                        v[c] += n;
                    }
                }
            }
            let t = std::time::Instant::now();
            let m = suppress(&v, &rels);
            assert!(
                t.elapsed() < std::time::Duration::from_secs(5),
                "{:?}",
                t.elapsed()
            );
            assert!(exposed_cells(&v, &m, &rels).is_empty());
            for (c, mark) in m.iter().enumerate() {
                assert_eq!(*mark == CellStatus::Small, v[c] < MIN_CELL);
            }
            for r in &rels {
                let hidden = r.iter().filter(|(c, _)| m[*c] != CellStatus::Shown).count();
                assert!(hidden != 1, "a sum with one hidden cell");
            }
        }
    }

    #[test]
    fn weeks_are_complete_iso_weeks() {
        let today = NaiveDate::from_ymd_opt(2025, 3, 5).unwrap(); // a Wednesday
        let w = index_weeks(today);
        assert_eq!(w.len(), 8);
        assert_eq!(w[7], NaiveDate::from_ymd_opt(2025, 2, 24).unwrap());
        assert_eq!(w[0], NaiveDate::from_ymd_opt(2025, 1, 6).unwrap());
        assert!(w.iter().all(|d| d.weekday() == chrono::Weekday::Mon));
    }
}
