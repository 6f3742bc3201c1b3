//! Statuses stored as text: each is an enum in Rust and the same words in the database's
//! CHECK constraints, so a status is compared, matched and bound as a type while the stored
//! value stays what it has always been.

/// Declares a status enum stored as the given words, with `as_str`, `parse`, `ALL`, serde as
/// the words, and sqlx encoding and decoding on both databases (an unknown word in a row is
/// a decoding error, never a silent default).
macro_rules! text_status {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored word.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl<DB: sqlx::Database> sqlx::Type<DB> for $name
        where
            String: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as sqlx::Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as sqlx::Type<DB>>::compatible(ty)
            }
        }

        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name
        where
            String: sqlx::Decode<'r, DB>,
        {
            fn decode(
                value: <DB as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let s = <String as sqlx::Decode<'r, DB>>::decode(value)?;
                $name::parse(&s)
                    .ok_or_else(|| format!("unknown {} {s:?}", stringify!($name)).into())
            }
        }

        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $name
        where
            String: sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as sqlx::Database>::ArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <String as sqlx::Encode<'q, DB>>::encode(self.as_str().to_owned(), buf)
            }
        }
    };
}

text_status! {
    /// Where a benefit application stands (`benefit_applications.status`).
    ApplicationStatus {
        /// Waiting for the first reviewer (初审).
        PendingReview = "pending_review",
        /// Reviewed, waiting for the second person's decision (审批).
        Reviewed = "reviewed",
        Approved = "approved",
        Rejected = "rejected",
        Withdrawn = "withdrawn",
    }
}

text_status! {
    /// Where a payment instruction stands (`payment_instructions.status`).
    InstructionStatus {
        /// Owed, not yet in a bank batch.
        Pending = "pending",
        InBatch = "in_batch",
        Paid = "paid",
        Failed = "failed",
    }
}

text_status! {
    /// Where a gig-market post stands (`posts.status`).
    PostStatus {
        /// Open to applications and found by search.
        Live = "live",
        /// Waiting for a county's review (screening found something).
        Held = "held",
        Rejected = "rejected",
        Filled = "filled",
        Expired = "expired",
        Closed = "closed",
    }
}

text_status! {
    /// Where a hire through the market stands (`hires.status`).
    HireStatus {
        Active = "active",
        Completed = "completed",
        Cancelled = "cancelled",
    }
}

text_status! {
    /// Where a complaint stands (`complaints.status`).
    ComplaintStatus {
        Received = "received",
        Acknowledged = "acknowledged",
        Investigating = "investigating",
        Resolved = "resolved",
        ReferredToMediation = "referred_to_mediation",
        Closed = "closed",
    }
}

text_status! {
    /// The kind of an employment-status registration (`registrations.kind`): 就业登记,
    /// 失业登记 or 灵活就业登记. A registration is open until `ended_on` is set.
    RegistrationKind {
        Employment = "employment",
        Unemployment = "unemployment",
        Flexible = "flexible",
    }
}

impl RegistrationKind {
    /// What the registration is called at the window.
    pub fn label(self) -> &'static str {
        match self {
            RegistrationKind::Employment => "就业登记",
            RegistrationKind::Unemployment => "失业登记",
            RegistrationKind::Flexible => "灵活就业登记",
        }
    }
}

text_status! {
    /// Where a typical case or policy news item stands (`articles.status`): waiting for a
    /// second staff member's review, returned to its author, public, or taken down.
    ArticleStatus {
        Pending = "pending",
        Returned = "returned",
        Published = "published",
        Withdrawn = "withdrawn",
    }
}

text_status! {
    /// Where a 违规收费 report stands (`fee_reports.status`).
    FeeReportStatus {
        Received = "received",
        Accepted = "accepted",
        Forwarded = "forwarded",
        Resolved = "resolved",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_reads_back_its_word() {
        for s in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::parse(s.as_str()), Some(*s));
        }
        for s in InstructionStatus::ALL {
            assert_eq!(InstructionStatus::parse(s.as_str()), Some(*s));
        }
        for s in PostStatus::ALL {
            assert_eq!(PostStatus::parse(s.as_str()), Some(*s));
        }
        for s in HireStatus::ALL {
            assert_eq!(HireStatus::parse(s.as_str()), Some(*s));
        }
        for s in ComplaintStatus::ALL {
            assert_eq!(ComplaintStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(ApplicationStatus::parse("approve"), None);
        assert_eq!(
            serde_json::to_string(&ApplicationStatus::PendingReview).unwrap(),
            "\"pending_review\""
        );
    }
}
