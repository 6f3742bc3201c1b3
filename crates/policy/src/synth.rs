//! A deterministic synthetic population for tests, what-if runs and
//! benchmarks: the same `(persons, seed)` always gives the same people. Person
//! `i` depends only on `(seed, i)`, so a population can be generated in
//! parallel or streamed. The mix of groups, dates (2019–2024), businesses, tax
//! years and premium months is chosen to exercise every rule, with roughly
//! the shares a provincial register would show.

use crate::calendar::Month;
use crate::facts::{
    Activity, ActivityKind, BackPayment, Business, BusinessKind, Facts, FlexibleWork, Group,
    Groups, Hire, Loan, LoanPurpose, Pension, Person, PremiumMonth, TaxYear, Training,
};
use crate::money::Fen;
use chrono::{Datelike, NaiveDate};

/// splitmix64: small, fast, and good enough for synthetic data.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    fn day_between(&mut self, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
        let span = (hi - lo).num_days().max(0);
        lo + chrono::Duration::days(self.range(0, span))
    }

    fn money(&mut self, lo_yuan: i64, hi_yuan: i64) -> Fen {
        Fen(self.range(lo_yuan * 100, hi_yuan * 100))
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// Person `index` of the population with this seed.
pub fn person(seed: u64, index: u64) -> Facts {
    let mut r = Rng::new(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
    r.next_u64();
    let as_of = r.day_between(ymd(2020, 6, 1), ymd(2024, 12, 31));

    let mut groups = Groups::default();
    for (g, pct) in [
        (Group::CollegeGraduate, 30),
        (Group::RegisteredUnemployed, 20),
        (Group::HardToEmploy, 12),
        (Group::ReturningMigrantWorker, 10),
        (Group::MigrantWorker, 15),
        (Group::RegisteredPoor, 6),
        (Group::LaidOff, 6),
        (Group::PlatformWorker, 12),
        (Group::Veteran, 4),
        (Group::Disabled, 3),
        (Group::LowIncomeEdge, 5),
    ] {
        if r.chance(pct) {
            groups.insert(g);
        }
    }
    let earliest = ymd(2018, 1, 1);
    let left_school_on = (groups.contains(Group::CollegeGraduate) && r.chance(95)).then(|| {
        if r.chance(70) {
            let y = r.range(2018, i64::from(as_of.year())) as i32;
            ymd(y, 7, 1).min(as_of)
        } else {
            r.day_between(earliest, as_of)
        }
    });
    let unemployment_registered_on = (groups.contains(Group::RegisteredUnemployed) && r.chance(95))
        .then(|| r.day_between(earliest, as_of));
    let flexible_work = if r.chance(70) {
        Some(FlexibleWork::ALL[r.below(FlexibleWork::ALL.len() as u64) as usize])
    } else {
        None
    };
    let in_difficulty = match r.below(10) {
        0 => Some(true),
        1..=3 => Some(false),
        _ => None,
    };

    let business = r.chance(45).then(|| {
        let registered_on = r.day_between(ymd(2019, 1, 1), as_of);
        Business {
            kind: Some(if r.chance(70) {
                BusinessKind::IndividualHousehold
            } else {
                BusinessKind::SmallMicroEnterprise
            }),
            registered_on: Some(registered_on),
            first_time: Some(r.chance(85)),
            operating_normally: Some(r.chance(90)),
            employees_driven: Some(r.range(0, 5) as u32),
            road_occupation_approved: r.chance(25).then(|| r.chance(40)),
            rents_state_owned_property: r.chance(30).then(|| r.chance(50)),
        }
    });

    let mut tax_years = Vec::new();
    if let Some(b) = &business
        && b.kind == Some(BusinessKind::IndividualHousehold)
        && r.chance(80)
        && let Some(reg) = b.registered_on
    {
        for y in reg.year()..=as_of.year().min(reg.year() + 3) {
            tax_years.push(TaxYear {
                year: y,
                vat: r.money(0, 12_000),
                urban_maintenance_tax: r.money(0, 800),
                education_surcharge: r.money(0, 400),
                local_education_surcharge: r.money(0, 250),
                individual_income_tax: r.money(0, 8_000),
            });
        }
    }

    let mut social_insurance_paid = Vec::new();
    if r.chance(35) {
        let end = Month::of(as_of);
        let count = r.range(1, 40) as i32;
        let start = end.plus(-(r.range(0, 48) as i32));
        let base = r.range(30_000, 120_000);
        for k in 0..count {
            let m = start.plus(k);
            if m > end {
                break;
            }
            social_insurance_paid.push(PremiumMonth {
                month: m,
                amount: Fen(base + r.range(0, 99)),
            });
        }
    }

    let loan = r.chance(25).then(|| Loan {
        purpose: Some(if r.chance(30) {
            LoanPurpose::PlatformWorkTools
        } else {
            LoanPurpose::Startup
        }),
    });
    let startup_subsidy_paid = if business.is_some() && r.chance(15) {
        Fen::yuan(r.range(1, 3) * 500)
    } else {
        Fen::ZERO
    };
    let activity = r.chance(15).then(|| Activity {
        kind: Some(ActivityKind::ALL[r.below(3) as usize]),
        needs_permit: r.chance(80).then(|| r.chance(30)),
    });
    let training = r.chance(20).then(|| Training {
        enrolled_approved_course: Some(r.chance(60)),
        wants_to_start_business: Some(r.chance(30)),
    });
    let pension = r.chance(10).then(|| {
        let mut months: Vec<Month> = Vec::new();
        let first = r.range(1, 12) as u32;
        let n = r.range(1, 6) as u32;
        for m in first..=(first + n - 1).min(12) {
            months.push(Month::new(2020, m));
        }
        let mut back_payments = Vec::new();
        for m in &months {
            if r.chance(50) {
                back_payments.push(BackPayment {
                    month: *m,
                    paid_on: r.day_between(ymd(2021, 1, 1), ymd(2022, 3, 31)),
                    base: r.money(3_000, 20_000),
                });
            }
        }
        Pension {
            unpaid_2020_months: months,
            back_payments,
        }
    });

    // Drawn last, so that every other field stays what it was before hires were added.
    let hires = if r.chance(15) {
        (0..r.range(1, 2))
            .map(|_| {
                let started_on = r.day_between(ymd(2019, 1, 1), as_of + chrono::Duration::days(60));
                let ended_on = r
                    .chance(50)
                    .then(|| started_on + chrono::Duration::days(r.range(1, 400)));
                Hire {
                    form: FlexibleWork::ALL[r.below(FlexibleWork::ALL.len() as u64) as usize],
                    started_on,
                    ended_on,
                }
            })
            .collect()
    } else {
        Vec::new()
    };

    Facts {
        as_of,
        person: Person {
            groups,
            left_school_on,
            unemployment_registered_on,
            flexible_work,
            in_difficulty,
        },
        business,
        tax_years,
        social_insurance_paid,
        loan,
        startup_subsidy_paid,
        activity,
        training,
        pension,
        hires,
    }
}

/// `persons` people generated from `seed`, in order.
pub fn population(persons: usize, seed: u64) -> impl Iterator<Item = Facts> {
    (0..persons as u64).map(move |i| person(seed, i))
}

/// The population as JSON lines, one facts document per line.
pub fn jsonl(persons: usize, seed: u64) -> String {
    let mut out = String::with_capacity(persons * 400);
    for f in population(persons, seed) {
        out.push_str(&f.canonical_json());
        out.push('\n');
    }
    out
}
