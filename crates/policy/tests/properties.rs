//! Invariants the policy text implies, over generated people: no amount is
//! negative; the tax deduction never exceeds the taxes nor the limit; the
//! startup subsidy never exceeds 3,000 in total nor pays beyond the
//! entitlement; the monthly social-insurance subsidy never exceeds 2/3 of the
//! premium; more premium months never lower the total.

use linghuo_policy::calendar::Month;
use linghuo_policy::facts::{Group, PremiumMonth};
use linghuo_policy::{Engine, Facts, Fen, Row, ScreenOptions, parse_facts, synth};
use proptest::prelude::*;

fn person() -> impl Strategy<Value = Facts> {
    (any::<u64>(), 0u64..1_000_000).prop_map(|(seed, i)| synth::person(seed, i))
}

/// A person of the social-insurance groups with premiums.
fn premium_payer() -> impl Strategy<Value = Facts> {
    (
        person(),
        any::<bool>(),
        proptest::collection::vec((0i32..60, 0i64..200_000), 1..40),
    )
        .prop_map(|(mut f, hard, months)| {
            f.person.groups.insert(if hard {
                Group::HardToEmploy
            } else {
                Group::CollegeGraduate
            });
            let base = Month::of(f.as_of).plus(-60);
            f.social_insurance_paid.clear();
            for (k, fen) in months {
                let m = base.plus(k);
                if !f.social_insurance_paid.iter().any(|p| p.month == m) {
                    f.social_insurance_paid.push(PremiumMonth {
                        month: m,
                        amount: Fen(fen),
                    });
                }
            }
            f
        })
}

fn si_total(e: &Engine, f: &Facts) -> Fen {
    e.decide(f).outcomes[2].amount
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, .. ProptestConfig::default() })]

    #[test]
    fn no_amount_is_negative(f in person()) {
        let d = Engine::new().decide(&f);
        for o in d.outcomes {
            prop_assert!(o.amount.0 >= 0);
            prop_assert!(o.payable_now.0 >= 0);
            prop_assert!(o.eligible || o.amount.0 == 0);
        }
    }

    #[test]
    fn tax_deduction_never_exceeds_taxes_nor_limit(f in person()) {
        let d = Engine::new().screen(&f, &ScreenOptions::default());
        let t = &d.benefits[0];
        let mut sum = Fen::ZERO;
        for row in &t.breakdown {
            let Row::Tax(r) = row else { panic!("tax rows only") };
            let ty = f.tax_years.iter().find(|y| y.year == r.year).unwrap();
            prop_assert!(r.limit <= Fen::yuan(14_400));
            prop_assert!(r.total <= r.limit);
            prop_assert!(r.vat <= ty.vat);
            prop_assert!(r.urban_maintenance_tax <= ty.urban_maintenance_tax);
            prop_assert!(r.education_surcharge <= ty.education_surcharge);
            prop_assert!(r.local_education_surcharge <= ty.local_education_surcharge);
            prop_assert!(r.individual_income_tax <= ty.individual_income_tax);
            prop_assert_eq!(r.total, r.vat + r.urban_maintenance_tax + r.education_surcharge
                + r.local_education_surcharge + r.individual_income_tax);
            sum += r.total;
        }
        prop_assert_eq!(sum, t.amount);
        let taxes: Fen = f.tax_years.iter().flat_map(|y| y.in_deduction_order()).sum();
        prop_assert!(t.amount <= taxes);
        prop_assert!(t.amount <= Fen::yuan(14_400 * 4));
    }

    #[test]
    fn startup_subsidy_never_exceeds_3000_nor_the_entitlement(f in person(), paid in 0i64..400_000) {
        let mut f = f;
        f.startup_subsidy_paid = Fen(paid);
        let o = Engine::new().decide(&f).outcomes[1];
        prop_assert!(o.amount <= Fen::yuan(3_000));
        prop_assert!(o.payable_now <= o.amount);
        if f.startup_subsidy_paid <= o.amount {
            prop_assert!(f.startup_subsidy_paid + o.payable_now <= o.amount);
        } else {
            prop_assert_eq!(o.payable_now, Fen::ZERO);
        }
    }

    #[test]
    fn monthly_subsidy_never_exceeds_two_thirds(f in premium_payer()) {
        let d = Engine::new().screen(&f, &ScreenOptions::default());
        for row in &d.benefits[2].breakdown {
            let Row::Premium(r) = row else { panic!("premium rows only") };
            prop_assert!(r.subsidy.0 * 3 <= r.paid.0 * 2);
            prop_assert!(r.subsidy.0 >= 0);
        }
    }

    /// Months paid after the ones already known (the register growing over
    /// time), or inside the current subsidy period, never lower the total.
    /// (A month paid *before* the first subsidised month moves the start of
    /// the period, as the policy says, and may move a later month out.)
    #[test]
    fn more_premium_months_never_lower_the_total(f in premium_payer(), k in 0i32..40, fen in 0i64..200_000) {
        let e = Engine::new();
        let before = si_total(&e, &f);
        let last = f.social_insurance_paid.iter().map(|p| p.month).max().unwrap();
        let mut later = f.clone();
        later.social_insurance_paid.push(PremiumMonth { month: last.plus(k + 1), amount: Fen(fen) });
        prop_assert!(si_total(&e, &later) >= before);

        // The first subsidised month: paid, and for a graduate who is not also
        // hard to employ, not before the month of leaving school.
        let hard = f.person.groups.contains(Group::HardToEmploy);
        let leave = f.person.left_school_on.map(Month::of);
        let first = f
            .social_insurance_paid
            .iter()
            .filter(|p| p.amount.0 > 0 && (hard || leave.is_some_and(|l| p.month >= l)))
            .map(|p| p.month)
            .min();
        if let Some(first) = first {
            let m = first.plus(k % 24);
            if !f.social_insurance_paid.iter().any(|p| p.month == m) {
                let mut inside = f.clone();
                inside.social_insurance_paid.push(PremiumMonth { month: m, amount: Fen(fen) });
                prop_assert!(si_total(&e, &inside) >= before);
            }
        }
    }

    #[test]
    fn parser_never_panics_and_reads_its_own_output(f in person(), cut in 0usize..2_000) {
        let json = f.canonical_json();
        prop_assert_eq!(parse_facts(&json).unwrap(), f);
        let mut end = cut.min(json.len());
        while !json.is_char_boundary(end) {
            end -= 1;
        }
        let _ = parse_facts(&json[..end]);
    }

    #[test]
    fn parser_never_panics_on_noise(s in "\\PC{0,200}") {
        let _ = parse_facts(&s);
    }
}
