//! Administrative divisions of Shanxi (GB/T 2260): the province, its 11
//! prefecture-level cities and 117 county-level units as they stand today,
//! plus every code that has ever existed, for validating the address part of
//! ID numbers issued before a merger.
//!
//! A [`RegionCode`] is always a *current* Shanxi division: it scopes staff
//! accounts, jobs and statistics, so an abolished code must never sneak in.
//! Historical codes are only answered by [`address_code_ever_existed`].
//!
//! The hierarchy comes from the `parent_code` column of the data file, not
//! from the digits. For today's Shanxi the two agree (a test checks every
//! county), which is what makes [`RegionCode::sql_prefix`] safe to use.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::DomainError;

const CURRENT_CSV: &str = include_str!("../data/shanxi_divisions.csv");
const HISTORY_CSV: &str = include_str!("../data/shanxi_divisions_history.csv");
const COORDINATES_CSV: &str = include_str!("../data/shanxi_division_coordinates.csv");

/// The tier of a division. Shanxi has no township tier in this catalogue
/// because benefits and staff scopes stop at the county.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Province,
    /// 地级市 (the data file calls this level `prefecture`).
    City,
    /// 县、县级市、市辖区.
    County,
}

struct Division {
    name: &'static str,
    parent: Option<u32>,
    level: RegionLevel,
    lon: f64,
    lat: f64,
}

struct Catalogue {
    divisions: BTreeMap<u32, Division>,
    children: BTreeMap<u32, Vec<u32>>,
    /// Every accepted spelling of a name, mapped to the codes it could mean.
    aliases: HashMap<String, BTreeSet<u32>>,
}

/// Rows of a data file without its header line. The files are plain
/// comma-separated text without quoting (a test keeps them that way), so a
/// CSV parser would add a dependency for nothing.
fn rows(csv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    csv.lines()
        .skip(1)
        .map(|line| line.trim_end_matches('\r'))
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.split(',').map(str::trim).collect())
}

fn parse_code(field: &str) -> Option<u32> {
    if field.len() == 6 && field.bytes().all(|b| b.is_ascii_digit()) {
        field.parse().ok()
    } else {
        None
    }
}

/// `"小店区"` → `"小店"`; names that would shrink to one character (`古县`,
/// `城区`) are kept whole because nobody calls 古县 "古".
fn short_name(name: &str) -> &str {
    for suffix in ["省", "市", "区", "县"] {
        if let Some(stem) = name.strip_suffix(suffix)
            && stem.chars().count() >= 2
        {
            return stem;
        }
    }
    name
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let mut coordinates = HashMap::new();
    for row in rows(COORDINATES_CSV) {
        let code = parse_code(row[0]).expect("coordinates csv: bad code");
        let lon: f64 = row[2].parse().expect("coordinates csv: bad lon");
        let lat: f64 = row[3].parse().expect("coordinates csv: bad lat");
        coordinates.insert(code, (lon, lat));
    }

    let mut divisions = BTreeMap::new();
    let mut children: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for row in rows(CURRENT_CSV) {
        let code = parse_code(row[0]).expect("divisions csv: bad code");
        let parent = if row[2].is_empty() {
            None
        } else {
            Some(parse_code(row[2]).expect("divisions csv: bad parent"))
        };
        let level = match row[3] {
            "province" => RegionLevel::Province,
            "prefecture" => RegionLevel::City,
            "county" => RegionLevel::County,
            other => panic!("divisions csv: unknown level {other}"),
        };
        let (lon, lat) = *coordinates
            .get(&code)
            .expect("coordinates csv: missing division");
        if let Some(p) = parent {
            children.entry(p).or_default().push(code);
        }
        divisions.insert(
            code,
            Division {
                name: row[1],
                parent,
                level,
                lon,
                lat,
            },
        );
    }

    let mut aliases: HashMap<String, BTreeSet<u32>> = HashMap::new();
    for (&code, division) in &divisions {
        // Each ancestor may be written in full, shortened or left out; the
        // division itself may be written in full or shortened.
        let mut spellings = vec![division.name.to_string()];
        if short_name(division.name) != division.name {
            spellings.push(short_name(division.name).to_string());
        }
        let mut ancestor = division.parent;
        while let Some(a) = ancestor {
            let a_name = divisions[&a].name;
            let mut prefixes = vec![a_name];
            if short_name(a_name) != a_name {
                prefixes.push(short_name(a_name));
            }
            let mut extended = spellings.clone();
            for prefix in prefixes {
                extended.extend(spellings.iter().map(|s| format!("{prefix}{s}")));
            }
            spellings = extended;
            ancestor = divisions[&a].parent;
        }
        for spelling in spellings {
            aliases.entry(spelling).or_default().insert(code);
        }
    }

    Catalogue {
        divisions,
        children,
        aliases,
    }
});

static EVER_EXISTED: LazyLock<BTreeSet<u32>> = LazyLock::new(|| {
    rows(HISTORY_CSV)
        .map(|row| parse_code(row[0]).expect("history csv: bad code"))
        .collect()
});

/// A current Shanxi division code (GB/T 2260), e.g. `140105` 小店区.
///
/// Serialises as the six-digit string `"140105"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(u32);

fn unknown_region() -> DomainError {
    DomainError::new(
        "region_unknown",
        "行政区划代码无效或不是山西省现行的省、市、县级区划",
    )
}

impl RegionCode {
    /// Accepts a six-digit code of a division that exists in Shanxi today.
    /// Abolished codes (such as 140211 南郊区) are rejected on purpose: they
    /// cannot own jobs or staff scopes any more.
    pub fn parse(s: &str) -> Result<RegionCode, DomainError> {
        let compact = crate::input::compact(s);
        let code = parse_code(&compact).ok_or_else(unknown_region)?;
        RegionCode::from_code(code)
    }

    /// Same as [`RegionCode::parse`] for a code already held as a number.
    pub fn from_code(code: u32) -> Result<RegionCode, DomainError> {
        if CATALOGUE.divisions.contains_key(&code) {
            Ok(RegionCode(code))
        } else {
            Err(unknown_region())
        }
    }

    pub fn as_str(&self) -> String {
        format!("{:06}", self.0)
    }

    pub fn code(&self) -> u32 {
        self.0
    }

    fn division(&self) -> &'static Division {
        // Construction only succeeds for codes in the catalogue.
        &CATALOGUE.divisions[&self.0]
    }

    /// The division's own name, e.g. `"小店区"`.
    pub fn name(&self) -> &'static str {
        self.division().name
    }

    /// The name with all ancestors, e.g. `"山西省太原市小店区"`.
    pub fn full_name(&self) -> String {
        let mut parts = vec![self.name()];
        let mut ancestor = self.parent();
        while let Some(a) = ancestor {
            parts.push(a.name());
            ancestor = a.parent();
        }
        parts.reverse();
        parts.concat()
    }

    pub fn level(&self) -> RegionLevel {
        self.division().level
    }

    pub fn parent(&self) -> Option<RegionCode> {
        self.division().parent.map(RegionCode)
    }

    /// Direct children in code order (cities of the province, counties of a
    /// city); empty for a county.
    pub fn children(&self) -> Vec<RegionCode> {
        CATALOGUE
            .children
            .get(&self.0)
            .map(|c| c.iter().copied().map(RegionCode).collect())
            .unwrap_or_default()
    }

    /// True when `self` is `scope` or lies inside it, following the parent
    /// links of the data file. This is the check behind region-scoped staff
    /// permissions, so it deliberately does not trust digit prefixes.
    pub fn is_within(&self, scope: &RegionCode) -> bool {
        let mut current = Some(*self);
        while let Some(c) = current {
            if c == *scope {
                return true;
            }
            current = c.parent();
        }
        false
    }

    /// The prefix for an SQL `LIKE 'prefix%'` over stored county codes:
    /// `"14"` for the province, `"1401"` for 太原市, `"140105"` for a county.
    ///
    /// Only valid because every current Shanxi county's code starts with its
    /// city's four digits (asserted by a test over all 117). If a future
    /// re-division breaks that, that test fails and callers must switch to
    /// `IN (counties_within())`.
    pub fn sql_prefix(&self) -> String {
        let s = self.as_str();
        match self.level() {
            RegionLevel::Province => s[..2].to_string(),
            RegionLevel::City => s[..4].to_string(),
            RegionLevel::County => s,
        }
    }

    /// `(longitude, latitude)` of the seat of government, WGS-84 degrees,
    /// coarse (two decimals): good for map centring and distance ranking,
    /// not for addresses.
    pub fn coordinates(&self) -> (f64, f64) {
        let d = self.division();
        (d.lon, d.lat)
    }

    /// All county-level divisions inside `self` (itself, for a county).
    pub fn counties_within(&self) -> Vec<RegionCode> {
        if self.level() == RegionLevel::County {
            return vec![*self];
        }
        counties()
            .into_iter()
            .filter(|c| c.is_within(self))
            .collect()
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

impl FromStr for RegionCode {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RegionCode::parse(s)
    }
}

impl Serialize for RegionCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.as_str())
    }
}

impl<'de> Deserialize<'de> for RegionCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        RegionCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// 山西省 (140000).
pub fn province() -> RegionCode {
    RegionCode(140000)
}

/// The 11 prefecture-level cities in code order.
pub fn cities() -> Vec<RegionCode> {
    of_level(RegionLevel::City)
}

/// The 117 county-level divisions in code order.
pub fn counties() -> Vec<RegionCode> {
    of_level(RegionLevel::County)
}

/// Province, cities and counties, in code order (129 in all).
pub fn all_regions() -> Vec<RegionCode> {
    CATALOGUE
        .divisions
        .keys()
        .copied()
        .map(RegionCode)
        .collect()
}

fn of_level(level: RegionLevel) -> Vec<RegionCode> {
    CATALOGUE
        .divisions
        .iter()
        .filter(|(_, d)| d.level == level)
        .map(|(&c, _)| RegionCode(c))
        .collect()
}

/// Finds a current division by a name people actually type: `"小店区"`,
/// `"小店"`, `"太原市小店区"`, `"太原小店区"`, `"山西省太原市小店区"`.
/// Returns `None` when the name is unknown or ambiguous (`"城区"` exists in
/// both 阳泉市 and 晋城市; `"阳泉市城区"` is unique).
pub fn find_region_by_name(name: &str) -> Option<RegionCode> {
    let key: String = crate::input::compact(name);
    let codes = CATALOGUE.aliases.get(&key)?;
    if codes.len() == 1 {
        codes.first().copied().map(RegionCode)
    } else {
        None
    }
}

/// Whether a six-digit code has ever denoted a Shanxi division (at any
/// level, including abolished ones such as 140211 南郊区). ID numbers keep
/// the code in force when they were issued, so this is the check for them.
pub fn address_code_ever_existed(code: &str) -> bool {
    parse_code(code).is_some_and(|c| EVER_EXISTED.contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn counts_match_the_current_division_list() {
        assert_eq!(province().level(), RegionLevel::Province);
        assert_eq!(cities().len(), 11);
        assert_eq!(counties().len(), 117);
        assert_eq!(all_regions().len(), 129);
        assert_eq!(province().children(), cities());
        assert_eq!(province().counties_within().len(), 117);
    }

    #[test]
    fn names_and_hierarchy() {
        let xiaodian = r("140105");
        assert_eq!(xiaodian.name(), "小店区");
        assert_eq!(xiaodian.full_name(), "山西省太原市小店区");
        assert_eq!(xiaodian.level(), RegionLevel::County);
        assert_eq!(xiaodian.parent(), Some(r("140100")));
        assert_eq!(r("140100").parent(), Some(province()));
        assert_eq!(province().parent(), None);
        assert_eq!(province().full_name(), "山西省");
        assert_eq!(r("140100").full_name(), "山西省太原市");
        assert!(xiaodian.children().is_empty());
        assert_eq!(xiaodian.counties_within(), vec![xiaodian]);
        assert!(r("140100").children().contains(&xiaodian));
        assert_eq!(xiaodian.as_str(), "140105");
        assert_eq!(xiaodian.code(), 140105);
        assert_eq!(xiaodian.to_string(), "140105");
    }

    #[test]
    fn parse_rejects_unknown_abolished_and_malformed_codes() {
        for bad in [
            "140211", "140202", "110105", "14010", "1401055", "abcdef", "",
        ] {
            let e = RegionCode::parse(bad).unwrap_err();
            assert_eq!(e.code, "region_unknown", "{bad}");
        }
        assert_eq!(RegionCode::parse(" 140105 ").unwrap().code(), 140105);
        assert!(RegionCode::from_code(140105).is_ok());
        assert!(RegionCode::from_code(999999).is_err());
    }

    #[test]
    fn every_county_prefix_agrees_with_its_parent_link() {
        for county in counties() {
            let city = county.parent().expect("county has a parent");
            assert_eq!(city.level(), RegionLevel::City, "{county}");
            assert_eq!(city.parent(), Some(province()));
            assert_eq!(&county.as_str()[..4], city.sql_prefix(), "{county}");
        }
    }

    #[test]
    fn is_within_matches_parent_links_and_sql_prefix_for_every_pair() {
        let regions = all_regions();
        for a in &regions {
            for scope in &regions {
                let by_links = a == scope
                    || a.parent() == Some(*scope)
                    || a.parent().and_then(|p| p.parent()) == Some(*scope);
                assert_eq!(a.is_within(scope), by_links, "{a} in {scope}");
                let by_prefix =
                    a.as_str().starts_with(&scope.sql_prefix()) && a.level() >= scope.level();
                assert_eq!(by_links, by_prefix, "{a} in {scope}");
            }
        }
        assert_eq!(province().sql_prefix(), "14");
        assert_eq!(r("140100").sql_prefix(), "1401");
        assert_eq!(r("140105").sql_prefix(), "140105");
    }

    #[test]
    fn counties_within_a_city_are_exactly_its_children() {
        let mut total = 0;
        for city in cities() {
            assert_eq!(city.counties_within(), city.children());
            total += city.children().len();
        }
        assert_eq!(total, 117);
    }

    #[test]
    fn every_region_has_coordinates_inside_shanxi() {
        for region in all_regions() {
            let (lon, lat) = region.coordinates();
            assert!((110.0..=115.0).contains(&lon), "{region} lon {lon}");
            assert!((34.0..=41.0).contains(&lat), "{region} lat {lat}");
        }
    }

    #[test]
    fn find_by_name_accepts_common_spellings() {
        let xiaodian = Some(r("140105"));
        for name in [
            "小店区",
            "小店",
            "太原市小店区",
            "太原小店区",
            "山西省太原市小店区",
            " 小店区 ",
        ] {
            assert_eq!(find_region_by_name(name), xiaodian, "{name}");
        }
        assert_eq!(find_region_by_name("太原"), Some(r("140100")));
        assert_eq!(find_region_by_name("山西"), Some(province()));
        assert_eq!(
            find_region_by_name("城区"),
            None,
            "阳泉 and 晋城 both have 城区"
        );
        assert_eq!(find_region_by_name("阳泉市城区"), Some(r("140302")));
        assert_eq!(find_region_by_name("晋城城区"), Some(r("140502")));
        assert_eq!(find_region_by_name("古县").map(|c| c.name()), Some("古县"));
        assert_eq!(find_region_by_name("南郊区"), None, "abolished");
        assert_eq!(find_region_by_name(""), None);
        assert_eq!(find_region_by_name("北京市"), None);
    }

    #[test]
    fn every_current_name_resolves_unless_shared() {
        for region in all_regions() {
            let found = find_region_by_name(region.name());
            if region.name() == "城区" {
                assert_eq!(found, None);
            } else {
                assert_eq!(found, Some(region), "{}", region.name());
            }
            assert_eq!(find_region_by_name(&region.full_name()), Some(region));
        }
    }

    #[test]
    fn abolished_codes_existed_and_current_codes_are_in_history() {
        for code in [
            "140202", "140211", "140227", "140402", "140421", "140424", "140481", "140624",
            "140726",
        ] {
            assert!(address_code_ever_existed(code), "{code}");
            assert!(RegionCode::parse(code).is_err(), "{code} is not current");
        }
        for region in all_regions() {
            assert!(address_code_ever_existed(&region.as_str()), "{region}");
        }
        assert!(!address_code_ever_existed("110105"));
        assert!(!address_code_ever_existed("14010"));
    }

    #[test]
    fn data_files_have_no_quoting_and_consistent_columns() {
        for (csv, columns) in [(CURRENT_CSV, 4), (HISTORY_CSV, 8), (COORDINATES_CSV, 4)] {
            assert!(!csv.contains('"'));
            for row in rows(csv) {
                assert_eq!(row.len(), columns, "{row:?}");
            }
        }
    }

    #[test]
    fn serde_uses_the_six_digit_string() {
        let json = serde_json::to_string(&r("140105")).unwrap();
        assert_eq!(json, "\"140105\"");
        let back: RegionCode = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r("140105"));
        assert!(serde_json::from_str::<RegionCode>("\"140211\"").is_err());
        assert!(serde_json::from_str::<RegionCode>("140105").is_err());
        assert_eq!(
            serde_json::to_string(&RegionLevel::County).unwrap(),
            "\"county\""
        );
    }
}
