//! The staff workbench's counts (today's queue, overdue items, my region) and the person's
//! service hub summary. Each count comes from the module that owns the records, for the
//! caller's region only.

use chrono::Duration;
use linghuo_storage::benefits as repo;
use serde::Serialize;

use crate::benefits::{APPLICABLE, fen_text};
use crate::{Actor, Result, Role, Service, ServiceError};

/// One line of the workbench: what, how many, where to go.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct WorkItem {
    pub label: String,
    pub count: i64,
    pub link: String,
    /// Past its time limit.
    pub overdue: bool,
    pub note: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Workbench {
    pub region: String,
    pub today: Vec<WorkItem>,
    pub overdue: Vec<WorkItem>,
}

/// A benefit the person could apply for, as screened now.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BenefitChance {
    pub benefit: String,
    pub name: String,
    pub eligible: bool,
    pub amount: String,
    pub first_reason: String,
    /// What would change the outcome, each with its condition id (the page links the next
    /// step from it).
    pub changes: Vec<crate::benefits::OutcomeChange>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ServiceHub {
    pub registration: Option<String>,
    pub card_number: Option<String>,
    pub suggestions: usize,
    pub applications: usize,
    pub chances: Vec<BenefitChance>,
}

/// Applications waiting longer than this many calendar days are overdue on the workbench:
/// the review's working days and the weekend they span.
const REVIEW_OVERDUE_DAYS: i64 = crate::benefits::REVIEW_WORKING_DAYS as i64 + 2;

impl Service {
    /// Today's queue and overdue items of the staff member's region.
    pub async fn workbench(&self, actor: &Actor) -> Result<Workbench> {
        actor.require_role(&[Role::Staff])?;
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let counts = repo::application_counts(&self.db, &prefix).await?;
        let count = |s: &str| {
            counts
                .iter()
                .find(|(k, _)| k == s)
                .map(|(_, n)| *n)
                .unwrap_or(0)
        };
        let (pay_count, pay_total) = repo::pending_instruction_totals(&self.db, &prefix).await?;
        let suggestions = repo::open_suggestions_in_region(&self.db, &prefix)
            .await?
            .len() as i64;
        let mut today = vec![
            WorkItem {
                label: "待初审的待遇申请".into(),
                count: count("pending_review"),
                link: "/staff/benefits?status=pending_review".into(),
                overdue: false,
                note: "部分信息为本人申报，需要核验".into(),
            },
            WorkItem {
                label: "待审批的待遇申请".into(),
                count: count("reviewed"),
                link: "/staff/benefits?status=reviewed".into(),
                overdue: false,
                note: "初审人不能审批自己初审的申请".into(),
            },
            WorkItem {
                label: "待发放的款项".into(),
                count: pay_count,
                link: "/staff/payments".into(),
                overdue: false,
                note: format!("合计{}元", fen_text(pay_total)),
            },
            WorkItem {
                label: "待确认的登记提醒".into(),
                count: suggestions,
                link: "/staff/registrations".into(),
                overdue: false,
                note: "零工市场用工带来的就业、灵活就业、失业登记提醒".into(),
            },
        ];
        today.extend(self.helper_work_items(actor).await?);
        let cutoff = self.clock.now() - Duration::days(REVIEW_OVERDUE_DAYS);
        let late = repo::applications_waiting_since(&self.db, &prefix, cutoff).await?;
        let mut overdue = vec![WorkItem {
            label: format!("等待超过{REVIEW_OVERDUE_DAYS}天的待遇申请"),
            count: late,
            link: "/staff/benefits?status=pending_review".into(),
            overdue: late > 0,
            note: "请尽快初审、审批".into(),
        }];
        overdue.extend(self.helper_overdue_items(actor).await?);
        Ok(Workbench {
            region: actor.scope_label(),
            today,
            overdue,
        })
    }

    /// Work items of the other public services (complaints, consultation, venues, archives).
    async fn helper_work_items(&self, actor: &Actor) -> Result<Vec<WorkItem>> {
        let c = self.services_workbench_counts(actor).await?;
        let (complaints_open, _) = self.complaints_workbench_counts(actor).await?;
        let questions = self.consult_open_count(actor).await?;
        Ok(vec![
            WorkItem {
                label: "办理中的投诉".into(),
                count: complaints_open as i64,
                link: "/staff/complaints".into(),
                overdue: false,
                note: "受理、办理、调解有时限，逾期自动提级督办".into(),
            },
            WorkItem {
                label: "待答复的政策咨询".into(),
                count: questions as i64,
                link: "/staff/consult".into(),
                overdue: false,
                note: String::new(),
            },
            WorkItem {
                label: "待分配的经营场地申请".into(),
                count: c.pending_venue_applications,
                link: "/staff/venues".into(),
                overdue: false,
                note: "优先群体在前，其余按申请时间".into(),
            },
            WorkItem {
                label: "待决定的租金、占道费减免".into(),
                count: c.pending_relief,
                link: "/staff/relief".into(),
                overdue: false,
                note: String::new(),
            },
            WorkItem {
                label: "进行中的招聘会".into(),
                count: c.upcoming_events,
                link: "/staff/events".into(),
                overdue: false,
                note: String::new(),
            },
        ])
    }

    /// Overdue items of the other public services.
    async fn helper_overdue_items(&self, actor: &Actor) -> Result<Vec<WorkItem>> {
        let c = self.services_workbench_counts(actor).await?;
        let (_, complaints_overdue) = self.complaints_workbench_counts(actor).await?;
        Ok(vec![
            WorkItem {
                label: "超过时限的投诉".into(),
                count: complaints_overdue as i64,
                link: "/staff/complaints?status=overdue".into(),
                overdue: complaints_overdue > 0,
                note: "已提级督办".into(),
            },
            WorkItem {
                label: "借阅逾期未还的档案".into(),
                count: c.overdue_archive_loans,
                link: "/staff/archives".into(),
                overdue: c.overdue_archive_loans > 0,
                note: "请催还".into(),
            },
        ])
    }

    /// The person's service hub: registration, suggestions, applications and the benefits
    /// they could apply for now (screened from their recorded facts).
    pub async fn service_hub(&self, actor: &Actor) -> Result<ServiceHub> {
        actor.require_role(&[Role::Worker])?;
        let pid = actor.person_id.ok_or(ServiceError::NotFound)?;
        let file = self.registration_file(actor, pid).await?;
        let applications = self.benefit_applications_of(actor, pid).await?.len();
        let mut chances = Vec::new();
        for (benefit, name) in APPLICABLE.iter() {
            let v = self.preview_benefit(actor, pid, benefit).await?;
            chances.push(BenefitChance {
                benefit: (*benefit).into(),
                name: (*name).into(),
                eligible: v.eligible,
                amount: v.amount,
                first_reason: v.reasons.first().cloned().unwrap_or_default(),
                changes: v.changes,
            });
        }
        Ok(ServiceHub {
            registration: file.current.map(|c| match c.flexible_form_label.as_str() {
                "" => c.kind_label,
                f => format!("{}（{f}）", c.kind_label),
            }),
            card_number: file.card_number,
            suggestions: file.suggestions.len(),
            applications,
            chances,
        })
    }
}
