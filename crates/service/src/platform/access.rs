//! Who is asking, and what they may see (SECURITY.md B1–B3, B6).
//!
//! Region scope is one mechanism, here, deny by default: a record is visible to staff iff its
//! jurisdiction (管辖地) county lies within the staff member's scope code. Workers see only
//! their own person record; administrators see no person records at all. A record outside the
//! caller's scope is reported as not found and the attempt is audited.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use linghuo_domain::RegionCode;
use serde::Serialize;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Worker,
    Employer,
    Staff,
    /// 系统管理员: accounts and system settings; no audit log, no personal data.
    SysAdmin,
    /// 安全管理员: permissions, unlocking, second factors.
    SecAdmin,
    /// 审计管理员: reads and verifies the audit log; changes nothing.
    AuditAdmin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Worker => "worker",
            Role::Employer => "employer",
            Role::Staff => "staff",
            Role::SysAdmin => "sysadmin",
            Role::SecAdmin => "secadmin",
            Role::AuditAdmin => "auditadmin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "worker" => Role::Worker,
            "employer" => Role::Employer,
            "staff" => Role::Staff,
            "sysadmin" => Role::SysAdmin,
            "secadmin" => Role::SecAdmin,
            "auditadmin" => Role::AuditAdmin,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Worker => "劳动者",
            Role::Employer => "用人单位",
            Role::Staff => "经办人员",
            Role::SysAdmin => "系统管理员",
            Role::SecAdmin => "安全管理员",
            Role::AuditAdmin => "审计管理员",
        }
    }

    /// Staff and administrators must present a cryptographic second factor (A5).
    pub fn needs_second_factor(self) -> bool {
        matches!(
            self,
            Role::Staff | Role::SysAdmin | Role::SecAdmin | Role::AuditAdmin
        )
    }

    pub fn is_admin(self) -> bool {
        matches!(self, Role::SysAdmin | Role::SecAdmin | Role::AuditAdmin)
    }
}

/// Fine-grained permissions granted on top of a role by the security administrator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Permission {
    /// See a full ID number or phone after stating a reason (D5).
    #[serde(rename = "pii:reveal")]
    PiiReveal,
    /// Download a payment batch's bank file, with full payee names and account numbers (C3).
    #[serde(rename = "bank:export")]
    BankExport,
}

impl Permission {
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::PiiReveal => "pii:reveal",
            Permission::BankExport => "bank:export",
        }
    }

    pub fn parse(s: &str) -> Option<Permission> {
        match s {
            "pii:reveal" => Some(Permission::PiiReveal),
            "bank:export" => Some(Permission::BankExport),
            _ => None,
        }
    }

    pub fn all() -> &'static [Permission] {
        &[Permission::PiiReveal, Permission::BankExport]
    }
}

pub fn parse_permissions(s: &str) -> BTreeSet<Permission> {
    s.split(',')
        .filter_map(|p| Permission::parse(p.trim()))
        .collect()
}

pub fn format_permissions(p: &BTreeSet<Permission>) -> String {
    p.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(",")
}

/// Where a request came from, for the audit log.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    pub ip: String,
    pub request_id: String,
}

/// An authenticated caller, rebuilt from the current account row on every request so a
/// revoked role or moved scope takes effect at once (B8).
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Option<RegionCode>,
    pub permissions: BTreeSet<Permission>,
    pub person_id: Option<Uuid>,
    pub authenticated_at: DateTime<Utc>,
    pub meta: RequestMeta,
}

impl Actor {
    pub fn has(&self, p: Permission) -> bool {
        self.permissions.contains(&p)
    }

    /// The region prefix for SQL filters, or None when the caller may list no person records.
    pub fn person_scope_prefix(&self) -> Option<String> {
        match (self.role, self.scope) {
            (Role::Staff, Some(scope)) => Some(scope.sql_prefix()),
            _ => None,
        }
    }

    /// May the caller see a record with this jurisdiction code (and, for workers, this owner)?
    pub fn may_see(&self, jurisdiction_code: &str, owner_person: Option<Uuid>) -> bool {
        match self.role {
            Role::Staff => match (self.scope, RegionCode::parse(jurisdiction_code)) {
                (Some(scope), Ok(j)) => j.is_within(&scope),
                _ => false,
            },
            Role::Worker => owner_person.is_some() && owner_person == self.person_id,
            _ => false,
        }
    }

    pub fn require_role(&self, roles: &[Role]) -> crate::Result<()> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(crate::ServiceError::forbidden())
        }
    }

    pub fn scope_label(&self) -> String {
        self.scope.map(|s| s.full_name()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(scope: &str) -> Actor {
        Actor {
            user_id: Uuid::new_v4(),
            username: "s".into(),
            display_name: "s".into(),
            role: Role::Staff,
            scope: Some(RegionCode::parse(scope).unwrap()),
            permissions: BTreeSet::new(),
            person_id: None,
            authenticated_at: Utc::now(),
            meta: RequestMeta::default(),
        }
    }

    #[test]
    fn scope_matrix_over_every_county() {
        let counties = linghuo_domain::region::counties();
        assert_eq!(counties.len(), 117);
        let mut scopes = vec![linghuo_domain::region::province()];
        scopes.extend(linghuo_domain::region::cities());
        scopes.extend(counties.iter().copied());
        for scope in scopes {
            let a = staff(&scope.as_str());
            let prefix = a.person_scope_prefix().unwrap();
            for c in &counties {
                let code = c.as_str();
                assert_eq!(
                    a.may_see(&code, None),
                    code.starts_with(&prefix),
                    "{} sees {code}",
                    scope.as_str()
                );
                assert_eq!(a.may_see(&code, None), c.is_within(&scope));
            }
        }
    }

    #[test]
    fn deny_by_default() {
        let mut a = staff("140105");
        assert!(!a.may_see("not a code", None));
        a.role = Role::SysAdmin;
        assert!(!a.may_see("140105", None));
        assert!(a.person_scope_prefix().is_none());
        a.role = Role::Worker;
        let me = Uuid::new_v4();
        assert!(!a.may_see("140105", Some(me)));
        a.person_id = Some(me);
        assert!(a.may_see("140105", Some(me)));
        assert!(!a.may_see("140105", Some(Uuid::new_v4())));
    }
}
