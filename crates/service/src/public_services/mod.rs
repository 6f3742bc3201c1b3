//! Public employment services beyond the market and benefits: recruitment events, venues
//! and relief, personnel archives, complaints with mediation, and policy questions.

pub mod archives;
pub mod complaints;
pub mod consult;
pub mod events;
pub mod fee_reports;
pub mod guidance;
pub mod guide;
pub mod places;
pub mod publicity;
pub mod venues;

impl crate::Service {
    /// The end of staff opening or closing an entry of a register (a venue, a designated
    /// place, a gig site): the conditional update has run in `tx`. Nothing changed means the
    /// entry already was so, refused with `conflict` (code, message) and nothing written;
    /// otherwise the change is audited as `event` and committed.
    pub(crate) async fn finish_toggle(
        &self,
        mut tx: linghuo_storage::Tx,
        changed: bool,
        actor: &crate::access::Actor,
        conflict: (&'static str, &'static str),
        event: crate::audit::Event,
        now: chrono::DateTime<chrono::Utc>,
    ) -> crate::error::Result<()> {
        if !changed {
            return Err(crate::error::ServiceError::Conflict {
                code: conflict.0,
                message: conflict.1.into(),
            });
        }
        crate::audit::record(
            &mut tx,
            &self.keys,
            now,
            &crate::audit::AuditActor::from(actor),
            event,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
