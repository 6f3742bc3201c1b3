//! The benefit catalogue: one typed id per benefit of the document, with what the rest of the
//! platform needs to know about it — its code in the contract and the database, its name,
//! whether it is money paid through the ledger, whether a person applies for it at the
//! window, how its grants are counted, and the parameters that cap it. Services, storage
//! and statistics take ids, names and caps from here, never from a copy of their own.

use crate::parameters::Param;
use crate::rules::{RULE_COUNT, RULES};

/// A benefit of 晋政办发〔2020〕89号, in the contract's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BenefitId {
    TaxDeduction,
    StartupSubsidy,
    SocialInsuranceSubsidy,
    GuaranteedLoan,
    PensionDeferral,
    RoadFeeExemption,
    RentRelief,
    VenuePriority,
    LicenseExemption,
    TrainingSubsidy,
    AssistanceReferral,
}

/// How an approved application of a benefit is counted against earlier ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantPeriod {
    /// Once per business (the startup subsidy: an instalment per business, capped in total).
    PerBusiness,
    /// Per month of premiums paid (the social-insurance subsidy: each month once, capped in
    /// months).
    PerMonth,
    /// Per tax year (the tax deduction).
    PerYear,
    /// Per course completed (the training subsidy).
    PerCourse,
    /// Once as a qualification (the guaranteed loan: the bank lends, nothing is paid here).
    Qualification,
    /// Decided where it is used (fee relief, venue priority, licence exemption, pension
    /// deferral, assistance referral): no application of its own.
    Elsewhere,
}

/// What the amount the engine decides for a benefit is: money paid out, or a limit that is
/// not money from the budget (so totals of different kinds are never added together).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AmountKind {
    /// Money paid to the person through the ledger (the startup and social-insurance subsidies).
    Paid,
    /// Money paid through the ledger whose sum is set by the course completed (the training
    /// subsidy): the engine decides eligibility only, and its amount is zero.
    PerCourse,
    /// The most tax and fees that may be deducted (the tax deduction): nothing is paid out.
    DeductionLimit,
    /// The most the bank may lend (the guaranteed loan): nothing is paid out here.
    LoanCeiling,
    /// No sum (decided where it is used).
    None,
}

impl AmountKind {
    /// Its code in JSON.
    pub fn code(self) -> &'static str {
        match self {
            AmountKind::Paid => "paid",
            AmountKind::PerCourse => "per_course",
            AmountKind::DeductionLimit => "deduction_limit",
            AmountKind::LoanCeiling => "loan_ceiling",
            AmountKind::None => "none",
        }
    }
}

impl BenefitId {
    pub const ALL: [BenefitId; RULE_COUNT] = [
        BenefitId::TaxDeduction,
        BenefitId::StartupSubsidy,
        BenefitId::SocialInsuranceSubsidy,
        BenefitId::GuaranteedLoan,
        BenefitId::PensionDeferral,
        BenefitId::RoadFeeExemption,
        BenefitId::RentRelief,
        BenefitId::VenuePriority,
        BenefitId::LicenseExemption,
        BenefitId::TrainingSubsidy,
        BenefitId::AssistanceReferral,
    ];

    /// Benefits a person (or staff for them) applies for at the window, in the order the
    /// pages list them. The training subsidy is applied for by completing a course; fee
    /// relief and venues have their own services.
    pub const APPLIED_AT_WINDOW: [BenefitId; 4] = [
        BenefitId::StartupSubsidy,
        BenefitId::SocialInsuranceSubsidy,
        BenefitId::TaxDeduction,
        BenefitId::GuaranteedLoan,
    ];

    /// Benefits followed from eligibility to payment in the statistics' funnel, in the
    /// order of the document.
    pub const FUNNEL: [BenefitId; 5] = [
        BenefitId::StartupSubsidy,
        BenefitId::SocialInsuranceSubsidy,
        BenefitId::TrainingSubsidy,
        BenefitId::TaxDeduction,
        BenefitId::GuaranteedLoan,
    ];

    /// The id of the screening contract, stored as is in the database.
    pub fn code(self) -> &'static str {
        RULES[self as usize].id
    }

    pub fn from_code(code: &str) -> Option<BenefitId> {
        BenefitId::ALL.into_iter().find(|b| b.code() == code)
    }

    /// The benefit's name in the document's words, as the determinations give it.
    pub fn name(self) -> &'static str {
        RULES[self as usize].name
    }

    /// What a person applies for here, for application lists and notices: the name, except
    /// that for the guaranteed loan it is the qualification (资格) — the bank lends the money.
    pub fn application_name(self) -> &'static str {
        match self {
            BenefitId::GuaranteedLoan => "创业担保贷款资格",
            other => other.name(),
        }
    }

    /// Money paid to the person through the ledger.
    pub fn paid(self) -> bool {
        matches!(
            self,
            BenefitId::StartupSubsidy
                | BenefitId::SocialInsuranceSubsidy
                | BenefitId::TrainingSubsidy
        )
    }

    /// What the engine's amount for this benefit is.
    pub fn amount_kind(self) -> AmountKind {
        match self {
            BenefitId::StartupSubsidy | BenefitId::SocialInsuranceSubsidy => AmountKind::Paid,
            BenefitId::TrainingSubsidy => AmountKind::PerCourse,
            BenefitId::TaxDeduction => AmountKind::DeductionLimit,
            BenefitId::GuaranteedLoan => AmountKind::LoanCeiling,
            _ => AmountKind::None,
        }
    }

    pub fn period(self) -> GrantPeriod {
        match self {
            BenefitId::StartupSubsidy => GrantPeriod::PerBusiness,
            BenefitId::SocialInsuranceSubsidy => GrantPeriod::PerMonth,
            BenefitId::TaxDeduction => GrantPeriod::PerYear,
            BenefitId::TrainingSubsidy => GrantPeriod::PerCourse,
            BenefitId::GuaranteedLoan => GrantPeriod::Qualification,
            _ => GrantPeriod::Elsewhere,
        }
    }

    /// The parameters that cap what the ledger may grant (read them with
    /// [`Engine::param_at`](crate::Engine::param_at)).
    pub fn caps(self) -> &'static [Param] {
        match self {
            BenefitId::StartupSubsidy => &[Param::StartupCap],
            BenefitId::SocialInsuranceSubsidy => {
                &[Param::SiHardToEmployMonths, Param::SiGraduateMonths]
            }
            BenefitId::TaxDeduction => &[Param::TaxAnnualLimit],
            BenefitId::GuaranteedLoan => &[Param::LoanCeiling],
            _ => &[],
        }
    }
}

impl std::fmt::Display for BenefitId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_follows_the_rules() {
        for (i, b) in BenefitId::ALL.into_iter().enumerate() {
            assert_eq!(b as usize, i);
            assert_eq!(b.code(), RULES[i].id);
            assert_eq!(BenefitId::from_code(b.code()), Some(b));
            // Every cap is a parameter the benefit's own rule reads.
            for p in b.caps() {
                assert!(RULES[i].parameters.contains(p), "{b}: {p:?}");
            }
        }
        assert_eq!(BenefitId::from_code("nothing"), None);
        // Money paid out is exactly what the ledger pays; every benefit followed in the
        // funnel has an amount of some kind.
        for b in BenefitId::ALL {
            assert_eq!(
                b.paid(),
                matches!(b.amount_kind(), AmountKind::Paid | AmountKind::PerCourse),
                "{b}"
            );
        }
        assert!(
            BenefitId::FUNNEL
                .iter()
                .all(|b| b.amount_kind() != AmountKind::None)
        );
        assert!(
            BenefitId::APPLIED_AT_WINDOW
                .iter()
                .all(|b| b.period() != GrantPeriod::Elsewhere)
        );
        assert!(
            BenefitId::FUNNEL
                .iter()
                .all(|b| b.period() != GrantPeriod::Elsewhere)
        );
        assert_eq!(
            BenefitId::GuaranteedLoan.application_name(),
            "创业担保贷款资格"
        );
        assert_eq!(
            BenefitId::StartupSubsidy.application_name(),
            "一次性创业补贴"
        );
    }
}
