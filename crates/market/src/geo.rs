//! Distances and grid cells.
//!
//! Distances are great-circle (haversine) on a sphere of the mean Earth
//! radius: within Shanxi the error against the WGS-84 ellipsoid is under
//! 0.5 %, far below the coarseness of a job's point.
//!
//! The grid divides the Earth into rows of equal latitude height and, within
//! each row, columns of equal ground width (the column width in degrees
//! grows with the row's latitude), so a cell is roughly square on the
//! ground at every latitude. Three levels of cell size ([`LEVEL_KM`]) let
//! a small radius use fine cells and a large one coarse cells, so a covering
//! stays a few dozen cells. Cells are index terms: a search for "within r
//! km" first takes the posts in the cells covering the circle, then checks
//! the exact distance.

use serde::{Deserialize, Serialize};

/// Mean Earth radius (IUGG), km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;
/// Ground length of one degree of latitude, km.
pub const KM_PER_DEGREE: f64 = EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;
/// Cell edge length of each grid level, km.
pub const LEVEL_KM: [f64; 3] = [5.0, 20.0, 80.0];

/// A point in WGS-84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

impl GeoPoint {
    pub fn new(lat: f64, lon: f64) -> GeoPoint {
        GeoPoint { lat, lon }
    }

    /// The seat of government of a region. Note the order:
    /// [`linghuo_domain::RegionCode::coordinates`] returns `(lon, lat)`.
    pub fn of_region(region: linghuo_domain::RegionCode) -> GeoPoint {
        let (lon, lat) = region.coordinates();
        GeoPoint { lat, lon }
    }

    pub fn distance_km(&self, other: &GeoPoint) -> f64 {
        haversine_km(self.lat, self.lon, other.lat, other.lon)
    }
}

/// Great-circle distance in km between two points given as degrees.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

/// One cell of the grid at some level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GridCell {
    pub level: u8,
    pub row: i32,
    pub col: i32,
}

fn row_height_deg(level: u8) -> f64 {
    LEVEL_KM[level as usize] / KM_PER_DEGREE
}

/// Column width in degrees of longitude for a row (taken at the row's
/// centre latitude, clamped away from the poles).
fn col_width_deg(level: u8, row: i32) -> f64 {
    let h = row_height_deg(level);
    let centre = (f64::from(row) + 0.5) * h;
    let cos = centre.to_radians().cos().max(0.01);
    LEVEL_KM[level as usize] / (KM_PER_DEGREE * cos)
}

impl GridCell {
    /// The cell containing a point.
    pub fn containing(lat: f64, lon: f64, level: u8) -> GridCell {
        let row = (lat / row_height_deg(level)).floor() as i32;
        let col = (lon / col_width_deg(level, row)).floor() as i32;
        GridCell { level, row, col }
    }

    /// The cell of the posts without a place (居家/远程): every search
    /// and match by area includes it, as no radius excludes such a post.
    /// Not the id of any real cell (levels are far below 0xFFFF).
    pub const NO_PLACE: u64 = u64::MAX;

    /// A compact id, unique across levels, used as an index term.
    pub fn id(&self) -> u64 {
        let row = (self.row as i64 + (1 << 23)) as u64 & 0xFF_FFFF;
        let col = (self.col as i64 + (1 << 23)) as u64 & 0xFF_FFFF;
        (u64::from(self.level) << 48) | (row << 24) | col
    }

    /// All cells of one level that may hold a point within `radius_km` of
    /// the centre. Conservative: it may include a few cells that hold no
    /// such point, never leaves one out.
    pub fn covering(lat: f64, lon: f64, radius_km: f64, level: u8) -> Vec<GridCell> {
        let radius_km = radius_km.max(0.0) * 1.01 + 0.01;
        let dlat = radius_km / KM_PER_DEGREE;
        let (lat_lo, lat_hi) = ((lat - dlat).max(-89.9), (lat + dlat).min(89.9));
        // The widest longitude span of the circle is where the circle gets
        // closest to a pole; sin δ / cos φ bounds it (and more is fine).
        let worst = lat_lo.abs().max(lat_hi.abs()).to_radians().cos().max(0.01);
        let delta = radius_km / EARTH_RADIUS_KM;
        let dlon = (delta.sin() / worst).min(1.0).asin().to_degrees() * 1.01 + 1e-9;
        let h = row_height_deg(level);
        let (r0, r1) = ((lat_lo / h).floor() as i32, (lat_hi / h).floor() as i32);
        let mut cells = Vec::new();
        for row in r0..=r1 {
            let w = col_width_deg(level, row);
            let (c0, c1) = (
                ((lon - dlon) / w).floor() as i32,
                ((lon + dlon) / w).floor() as i32,
            );
            for col in c0..=c1 {
                cells.push(GridCell { level, row, col });
            }
        }
        cells
    }

    /// The finest level whose covering of the circle has at most
    /// `max_cells` cells, with that covering.
    pub fn best_covering(lat: f64, lon: f64, radius_km: f64, max_cells: usize) -> Vec<GridCell> {
        for level in 0..LEVEL_KM.len() as u8 {
            let cells = GridCell::covering(lat, lon, radius_km, level);
            if cells.len() <= max_cells || level as usize == LEVEL_KM.len() - 1 {
                return cells;
            }
        }
        unreachable!("the loop returns at the last level")
    }
}

/// `2.345` → `"2.3公里"`; under 1 km in metres (`"800米"`).
pub fn distance_label(km: f64) -> String {
    if km < 1.0 {
        format!("{}米", ((km * 1000.0) / 10.0).round() as i64 * 10)
    } else if km < 100.0 {
        format!("{:.1}公里", km)
    } else {
        format!("{:.0}公里", km)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linghuo_domain::RegionCode;
    use proptest::prelude::*;

    fn seat(code: &str) -> GeoPoint {
        GeoPoint::of_region(RegionCode::parse(code).unwrap())
    }

    #[test]
    fn known_distances() {
        // 太原 ↔ 大同: 254 km in a straight line between the shipped seats
        // (37.87 N 112.55 E and 40.08 N 113.30 E); the 260–290 km often
        // quoted is nearer the road distance.
        let d = seat("140100").distance_km(&seat("140200"));
        assert!((250.0..=290.0).contains(&d), "太原–大同 {d}");
        assert!((d - 254.1).abs() < 1.0, "太原–大同 {d}");
        // 太原 ↔ 运城: roughly 300–350 km.
        let d = seat("140100").distance_km(&seat("140800"));
        assert!((290.0..=360.0).contains(&d), "太原–运城 {d}");
        // One degree of latitude is about 111.2 km; zero is zero.
        assert!((haversine_km(37.0, 112.0, 38.0, 112.0) - 111.195).abs() < 0.01);
        assert_eq!(haversine_km(37.8, 112.5, 37.8, 112.5), 0.0);
        // Symmetric.
        let (a, b) = (seat("140105"), seat("141002"));
        assert!((a.distance_km(&b) - b.distance_km(&a)).abs() < 1e-9);
    }

    #[test]
    fn labels() {
        assert_eq!(distance_label(2.345), "2.3公里");
        assert_eq!(distance_label(0.8), "800米");
        assert_eq!(distance_label(0.123), "120米");
        assert_eq!(distance_label(263.4), "263公里");
    }

    #[test]
    fn ids_are_distinct_across_levels_and_neighbours() {
        let a = GridCell::containing(37.87, 112.55, 0);
        let b = GridCell {
            col: a.col + 1,
            ..a
        };
        let c = GridCell { level: 1, ..a };
        assert_ne!(a.id(), b.id());
        assert_ne!(a.id(), c.id());
        assert_eq!(GridCell::containing(37.87, 112.55, 0).id(), a.id());
    }

    #[test]
    fn covering_sizes_stay_small() {
        assert!(GridCell::covering(37.87, 112.55, 10.0, 0).len() <= 25);
        assert!(GridCell::best_covering(37.87, 112.55, 50.0, 36).len() <= 36);
        assert!(GridCell::best_covering(37.87, 112.55, 300.0, 36).len() <= 100);
    }

    proptest! {
        #[test]
        fn covering_contains_every_point_within_the_radius(
            lat in 34.0f64..41.5, lon in 110.0f64..115.0,
            radius in 0.1f64..120.0, bearing in 0.0f64..360.0, frac in 0.0f64..=1.0,
            level in 0u8..3,
        ) {
            // A point at distance frac·radius along a bearing (spherical
            // destination formula).
            let d = radius * frac / EARTH_RADIUS_KM;
            let (p1, l1, b) = (lat.to_radians(), lon.to_radians(), bearing.to_radians());
            let p2 = (p1.sin() * d.cos() + p1.cos() * d.sin() * b.cos()).asin();
            let l2 = l1 + (b.sin() * d.sin() * p1.cos()).atan2(d.cos() - p1.sin() * p2.sin());
            let (lat2, lon2) = (p2.to_degrees(), l2.to_degrees());
            prop_assert!(haversine_km(lat, lon, lat2, lon2) <= radius + 1e-6);
            let cell = GridCell::containing(lat2, lon2, level);
            let cover = GridCell::covering(lat, lon, radius, level);
            prop_assert!(cover.contains(&cell), "{:?} not in covering", cell);
        }
    }
}
