//! The facts about one person that go into a screening, as typed values.
//! [`parse_facts`] is the only way in from JSON: it refuses unknown fields,
//! unknown codes, malformed dates and amounts, and negative money, naming the
//! JSON path of the offending value. `Serialize` writes the canonical form
//! that [`parse_facts`] reads back and that the receipt's facts hash is
//! computed over.

mod json;

pub use json::parse_facts;

use crate::calendar::Month;
use crate::money::Fen;
use chrono::NaiveDate;
use serde::ser::SerializeSeq;
use serde::{Serialize, Serializer};
use std::fmt;

/// Everything the engine may know about one person, as of one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Facts {
    #[serde(serialize_with = "crate::calendar::serde_date")]
    pub as_of: NaiveDate,
    pub person: Person,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business: Option<Business>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tax_years: Vec<TaxYear>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub social_insurance_paid: Vec<PremiumMonth>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loan: Option<Loan>,
    pub startup_subsidy_paid: Fen,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity: Option<Activity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub training: Option<Training>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pension: Option<Pension>,
    /// 用工登记: the person's registered hires in a flexible form (through the gig market or
    /// filed at the window). An optional extension of the contract.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hires: Vec<Hire>,
}

impl Facts {
    /// Facts with nothing known but the day and an empty list of groups.
    pub fn new(as_of: NaiveDate) -> Facts {
        Facts {
            as_of,
            person: Person::default(),
            business: None,
            tax_years: Vec::new(),
            social_insurance_paid: Vec::new(),
            loan: None,
            startup_subsidy_paid: Fen::ZERO,
            activity: None,
            training: None,
            pension: None,
            hires: Vec::new(),
        }
    }

    /// The canonical JSON the facts hash is computed over; [`parse_facts`]
    /// reads it back to equal facts.
    pub fn canonical_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl std::str::FromStr for Facts {
    type Err = FactsError;

    /// The same as [`parse_facts`].
    fn from_str(s: &str) -> Result<Facts, FactsError> {
        parse_facts(s)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Person {
    pub groups: Groups,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::calendar::serde_opt_date")]
    pub left_school_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::calendar::serde_opt_date")]
    pub unemployment_registered_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flexible_work: Option<FlexibleWork>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_difficulty: Option<bool>,
}

/// The groups of the contract. The discriminant is the bit in [`Groups`] and
/// the canonical order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    RegisteredPoor = 0,
    RegisteredUnemployed = 1,
    CollegeGraduate = 2,
    HardToEmploy = 3,
    ReturningMigrantWorker = 4,
    LaidOff = 5,
    MigrantWorker = 6,
    PlatformWorker = 7,
    Veteran = 8,
    Disabled = 9,
    LowIncomeEdge = 10,
}

impl Group {
    pub const ALL: [Group; 11] = [
        Group::RegisteredPoor,
        Group::RegisteredUnemployed,
        Group::CollegeGraduate,
        Group::HardToEmploy,
        Group::ReturningMigrantWorker,
        Group::LaidOff,
        Group::MigrantWorker,
        Group::PlatformWorker,
        Group::Veteran,
        Group::Disabled,
        Group::LowIncomeEdge,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Group::RegisteredPoor => "registered_poor",
            Group::RegisteredUnemployed => "registered_unemployed",
            Group::CollegeGraduate => "college_graduate",
            Group::HardToEmploy => "hard_to_employ",
            Group::ReturningMigrantWorker => "returning_migrant_worker",
            Group::LaidOff => "laid_off",
            Group::MigrantWorker => "migrant_worker",
            Group::PlatformWorker => "platform_worker",
            Group::Veteran => "veteran",
            Group::Disabled => "disabled",
            Group::LowIncomeEdge => "low_income_edge",
        }
    }

    /// The policy's own name for the group.
    pub fn zh(self) -> &'static str {
        match self {
            Group::RegisteredPoor => "建档立卡贫困人口",
            Group::RegisteredUnemployed => "登记失业人员",
            Group::CollegeGraduate => "高校毕业生",
            Group::HardToEmploy => "就业困难人员",
            Group::ReturningMigrantWorker => "返乡农民工",
            Group::LaidOff => "下岗失业人员",
            Group::MigrantWorker => "农民工",
            Group::PlatformWorker => "平台就业人员",
            Group::Veteran => "退役军人",
            Group::Disabled => "残疾人",
            Group::LowIncomeEdge => "低保边缘人口",
        }
    }

    pub fn from_code(s: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.code() == s)
    }
}

/// A set of groups as a bit set: membership tests on the hot path are one AND.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Groups(pub u16);

impl Groups {
    pub fn contains(self, g: Group) -> bool {
        self.0 & (1 << g as u16) != 0
    }

    pub fn insert(&mut self, g: Group) {
        self.0 |= 1 << g as u16;
    }

    pub fn iter(self) -> impl Iterator<Item = Group> {
        Group::ALL.into_iter().filter(move |g| self.contains(*g))
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// `高校毕业生、就业困难人员`, or `无` when empty.
    pub fn zh(self) -> String {
        if self.is_empty() {
            return "无".to_string();
        }
        self.iter().map(Group::zh).collect::<Vec<_>>().join("、")
    }
}

impl FromIterator<Group> for Groups {
    fn from_iter<I: IntoIterator<Item = Group>>(it: I) -> Groups {
        let mut g = Groups::default();
        for x in it {
            g.insert(x);
        }
        g
    }
}

impl fmt::Debug for Groups {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(Group::code))
            .finish()
    }
}

impl Serialize for Groups {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for g in self.iter() {
            seq.serialize_element(g.code())?;
        }
        seq.end()
    }
}

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($var:ident = $code:literal / $zh:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($var),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            pub fn code(self) -> &'static str {
                match self { $($name::$var => $code),+ }
            }
            pub fn zh(self) -> &'static str {
                match self { $($name::$var => $zh),+ }
            }
            pub fn from_code(s: &str) -> Option<$name> {
                match s { $($code => Some($name::$var),)+ _ => None }
            }
            pub(crate) fn codes() -> String {
                [$($code),+].join("、")
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
    };
}

code_enum!(
    /// `person.flexible_work`
    FlexibleWork {
        PartTime = "part_time" / "非全日制",
        SelfEmployed = "self_employed" / "个体经营",
        Platform = "platform" / "新就业形态/平台",
        Gig = "gig" / "零工",
    }
);

code_enum!(
    /// `business.kind`
    BusinessKind {
        IndividualHousehold = "individual_household" / "个体工商户",
        SmallMicroEnterprise = "small_micro_enterprise" / "小微企业",
    }
);

code_enum!(
    /// `loan.purpose`
    LoanPurpose {
        Startup = "startup" / "创业",
        PlatformWorkTools = "platform_work_tools" / "购置平台就业生产经营必需工具",
    }
);

code_enum!(
    /// `activity.kind`
    ActivityKind {
        DesignatedPlaceSelling = "designated_place_selling" / "在政府指定的场所和时间内销售农副产品、日常生活用品",
        ConvenienceLabour = "convenience_labour" / "利用自己的技能从事便民劳务",
        Other = "other" / "其他经营活动",
    }
);

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Business {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<BusinessKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::calendar::serde_opt_date")]
    pub registered_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_time: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operating_normally: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employees_driven: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub road_occupation_approved: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rents_state_owned_property: Option<bool>,
}

/// Taxes actually payable in one calendar year, before any deduction.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TaxYear {
    pub year: i32,
    pub vat: Fen,
    pub urban_maintenance_tax: Fen,
    pub education_surcharge: Fen,
    pub local_education_surcharge: Fen,
    pub individual_income_tax: Fen,
}

impl TaxYear {
    /// The five taxes in the order the deduction uses them up.
    pub fn in_deduction_order(&self) -> [Fen; 5] {
        [
            self.vat,
            self.urban_maintenance_tax,
            self.education_surcharge,
            self.local_education_surcharge,
            self.individual_income_tax,
        ]
    }
}

/// Social-insurance premiums the person paid as a flexible worker for a month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PremiumMonth {
    pub month: Month,
    pub amount: Fen,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Loan {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<LoanPurpose>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Activity {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<ActivityKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs_permit: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Training {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enrolled_approved_course: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wants_to_start_business: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Pension {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unpaid_2020_months: Vec<Month>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub back_payments: Vec<BackPayment>,
}

/// A back payment of pension contributions, made or planned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BackPayment {
    pub month: Month,
    #[serde(serialize_with = "crate::calendar::serde_date")]
    pub paid_on: NaiveDate,
    pub base: Fen,
}

/// A registered hire (用工登记) in a form of flexible work: from `started_on`, until
/// `ended_on` (inclusive) when it has ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hire {
    pub form: FlexibleWork,
    #[serde(serialize_with = "crate::calendar::serde_date")]
    pub started_on: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::calendar::serde_opt_date")]
    pub ended_on: Option<NaiveDate>,
}

impl Hire {
    /// Whether the hire is in force on a day.
    pub fn active_on(&self, d: NaiveDate) -> bool {
        self.started_on <= d && self.ended_on.is_none_or(|e| e >= d)
    }
}

/// Why a facts document was refused: where, a stable code, and in Chinese what
/// is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{path}: {message}")]
pub struct FactsError {
    /// JSON path of the offending value, e.g. `$.person.groups[1]`.
    pub path: String,
    /// Stable snake_case code, e.g. `unknown_field`, `unknown_group`,
    /// `negative_money`.
    pub code: &'static str,
    /// What is wrong, in Chinese.
    pub message: String,
}
