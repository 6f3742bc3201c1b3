//! The person registry (人员信息): real-name data protected by design (D3–D5).
//!
//! ID numbers and phones are sealed per row and column and found through keyed blind
//! indexes; what leaves this module is masked unless the caller holds `pii:reveal`, states a
//! reason, and the reveal is audited. The 管辖地 county is entered, never derived from the
//! ID number (whose address code is where the number was issued, possibly long abolished).

// People by part: this file holds the person register.
pub mod import;
pub mod items;

use chrono::NaiveDate;
use linghuo_domain::{IdNumber, Phone, RegionCode, mask_name};
use linghuo_storage::persons::{self, GroupRow, PersonFilter, PersonRow};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::access::{Actor, Permission, Role};
use crate::audit::{self, AuditActor, Event, Outcome};
use crate::error::{Result, ServiceError};
use crate::{Service, protect};

/// The groups of 晋政办发〔2020〕89号 (the screening contract's codes) with their names.
pub const GROUPS: &[(&str, &str)] = &[
    ("registered_poor", "建档立卡贫困人口"),
    ("registered_unemployed", "登记失业人员"),
    ("college_graduate", "高校毕业生"),
    ("hard_to_employ", "就业困难人员"),
    ("returning_migrant_worker", "返乡农民工"),
    ("laid_off", "下岗失业人员"),
    ("migrant_worker", "农民工"),
    ("platform_worker", "平台就业人员"),
    ("veteran", "退役军人"),
    ("disabled", "残疾人"),
    ("low_income_edge", "低保边缘人口"),
];

pub fn group_label(code: &str) -> Option<&'static str> {
    GROUPS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

const SOURCES: &[(&str, &str)] = &[
    ("registry", "部门数据核验"),
    ("staff_checked", "窗口核验材料"),
    ("self_declared", "本人申报"),
];

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupInput {
    pub group: String,
    /// The date the group status began: 离校日期 for graduates, 失业登记日期 for the unemployed.
    pub since: Option<String>,
    pub evidence: Option<String>,
    /// `registry`, `staff_checked` or `self_declared`.
    pub source: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    pub name: String,
    pub id_number: String,
    pub phone: Option<String>,
    pub jurisdiction_code: String,
    pub address: Option<String>,
    #[serde(default)]
    pub groups: Vec<GroupInput>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct GroupView {
    pub group: String,
    pub label: &'static str,
    pub since: Option<NaiveDate>,
    pub evidence: String,
    pub source: String,
    pub source_label: &'static str,
    pub verified: bool,
}

/// A person as shown: masked.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PersonView {
    pub id: Uuid,
    pub name: String,
    pub id_number: String,
    pub phone: Option<String>,
    pub gender: String,
    pub birth_year: i64,
    pub jurisdiction_code: String,
    pub jurisdiction_name: String,
    pub address: String,
    pub groups: Vec<GroupView>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PersonPage {
    pub items: Vec<PersonView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// Which protected field to reveal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevealField {
    IdNumber,
    Phone,
    Name,
}

fn trimmed_name(name: &str) -> Result<String> {
    let n = name.trim();
    let count = n.chars().count();
    if count == 0 || count > 40 {
        return Err(ServiceError::invalid(
            "name",
            "name_length",
            "姓名不能为空，最多40个字符",
        ));
    }
    if n.chars().any(char::is_control) {
        return Err(ServiceError::invalid(
            "name",
            "name_chars",
            "姓名含有不允许的字符",
        ));
    }
    Ok(n.to_owned())
}

fn parse_date(field: &str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        ServiceError::invalid(
            field,
            "date_format",
            "日期格式应为 YYYY-MM-DD，例如 2021-06-01",
        )
    })
}

impl Service {
    fn open_text(&self, column: &str, id: &Uuid, sealed: &[u8]) -> Result<String> {
        let plain = self
            .keys
            .open(&protect::context(column, id), sealed)
            .map_err(|e| ServiceError::Internal(format!("{column}: {e}")))?;
        String::from_utf8(plain.to_vec())
            .map_err(|_| ServiceError::Internal(format!("{column}: not utf-8")))
    }

    fn view(&self, row: &PersonRow, groups: Vec<GroupRow>) -> Result<PersonView> {
        let id_number = self.open_text("persons.id_number", &row.id, &row.id_cipher)?;
        let phone = match &row.phone_cipher {
            Some(c) => Some(linghuo_domain::mask_phone_str(&self.open_text(
                "persons.phone",
                &row.id,
                c,
            )?)),
            None => None,
        };
        Ok(PersonView {
            id: row.id,
            name: mask_name(&row.name),
            id_number: linghuo_domain::mask_id_str(&id_number),
            phone,
            gender: if row.gender == "male" { "男" } else { "女" }.into(),
            birth_year: row.birth_year,
            jurisdiction_code: row.jurisdiction_code.clone(),
            jurisdiction_name: RegionCode::parse(&row.jurisdiction_code)
                .map(|r| r.full_name())
                .unwrap_or_default(),
            address: row.address.clone(),
            groups: groups
                .into_iter()
                .map(|g| GroupView {
                    label: group_label(&g.group_code).unwrap_or("其他"),
                    source_label: SOURCES
                        .iter()
                        .find(|(c, _)| *c == g.source)
                        .map(|(_, l)| *l)
                        .unwrap_or(""),
                    group: g.group_code,
                    since: g.since,
                    evidence: g.evidence,
                    source: g.source,
                    verified: g.verified,
                })
                .collect(),
        })
    }

    /// A person row with the ID number and phone sealed to the row and indexed: the one place
    /// personal data is prepared for storage.
    pub(crate) fn sealed_person(
        &self,
        id: Uuid,
        name: String,
        idn: &IdNumber,
        phone: Option<&Phone>,
        region: &RegionCode,
        address: String,
        created_by: Option<Uuid>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> PersonRow {
        let id_index = self.keys.blind_index("id_number", idn.as_str());
        self.sealed_person_indexed(
            id, name, idn, id_index, phone, region, address, created_by, now,
        )
    }

    /// [`Self::sealed_person`] with the ID number's blind index already computed.
    pub(crate) fn sealed_person_indexed(
        &self,
        id: Uuid,
        name: String,
        idn: &IdNumber,
        id_index: Vec<u8>,
        phone: Option<&Phone>,
        region: &RegionCode,
        address: String,
        created_by: Option<Uuid>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> PersonRow {
        PersonRow {
            id,
            name,
            id_cipher: self.keys.seal(
                &protect::context("persons.id_number", &id),
                idn.as_str().as_bytes(),
            ),
            id_index,
            phone_cipher: phone.map(|p| {
                self.keys.seal(
                    &protect::context("persons.phone", &id),
                    p.as_str().as_bytes(),
                )
            }),
            phone_index: phone.map(|p| self.keys.blind_index("phone", p.as_str())),
            key_version: i64::from(self.keys.current_field_version()),
            gender: if idn.is_male() { "male" } else { "female" }.into(),
            birth_year: i64::from(chrono::Datelike::year(&idn.birth_date())),
            jurisdiction_code: region.as_str(),
            address,
            sensitivity: "personal".into(),
            created_by,
            created_at: now,
            updated_at: now,
        }
    }

    /// Registers a person. Staff only, and only into their own region.
    pub async fn create_person(&self, actor: &Actor, input: NewPerson) -> Result<PersonView> {
        actor.require_role(&[Role::Staff])?;
        let name = trimmed_name(&input.name)?;
        let idn =
            IdNumber::parse(&input.id_number).map_err(|e| ServiceError::field("id_number", e))?;
        let phone = match input
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(p) => Some(Phone::parse(p).map_err(|e| ServiceError::field("phone", e))?),
            None => None,
        };
        let region = RegionCode::parse(input.jurisdiction_code.trim())
            .map_err(|e| ServiceError::field("jurisdiction_code", e))?;
        if region.level() != linghuo_domain::RegionLevel::County {
            return Err(ServiceError::invalid(
                "jurisdiction_code",
                "jurisdiction_not_county",
                "管辖地须为县（市、区）一级的区划代码",
            ));
        }
        if !actor.may_see(&region.as_str(), None) {
            return Err(ServiceError::invalid(
                "jurisdiction_code",
                "jurisdiction_out_of_scope",
                "管辖地不在您的管辖范围内",
            ));
        }
        let address = input.address.unwrap_or_default().trim().to_owned();
        if address.chars().count() > 200 || address.chars().any(char::is_control) {
            return Err(ServiceError::invalid(
                "address",
                "address_format",
                "地址最多200个字符",
            ));
        }
        let now = self.clock.now();
        let id = Uuid::new_v4();
        let mut group_rows = Vec::new();
        for (i, g) in input.groups.iter().enumerate() {
            let field = format!("groups[{i}]");
            if group_label(&g.group).is_none() {
                return Err(ServiceError::invalid(
                    format!("{field}.group"),
                    "group_unknown",
                    format!("未知的人员类别：{}", g.group),
                ));
            }
            let source = g.source.clone().unwrap_or_else(|| "staff_checked".into());
            if !SOURCES.iter().any(|(c, _)| *c == source) {
                return Err(ServiceError::invalid(
                    format!("{field}.source"),
                    "source_unknown",
                    "材料来源须为 registry、staff_checked 或 self_declared",
                ));
            }
            let since = g
                .since
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(|s| parse_date(&format!("{field}.since"), s))
                .transpose()?;
            group_rows.push(GroupRow {
                id: Uuid::new_v4(),
                person_id: id,
                group_code: g.group.clone(),
                since,
                until: None,
                evidence: g.evidence.clone().unwrap_or_default(),
                verified: source != "self_declared",
                source,
                recorded_by: Some(actor.user_id),
                recorded_at: now,
            });
        }
        let row = self.sealed_person(
            id,
            name,
            &idn,
            phone.as_ref(),
            &region,
            address,
            Some(actor.user_id),
            now,
        );
        let mut tx = self.db.begin().await?;
        persons::insert(&mut tx, &row).await.map_err(|e| match e {
            linghuo_storage::StorageError::Conflict { .. } => ServiceError::Conflict {
                code: "person_exists",
                message: "该身份证号码的人员已登记，不能重复登记".into(),
            },
            other => other.into(),
        })?;
        for g in &group_rows {
            persons::upsert_group(&mut tx, g).await?;
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("person_created", "person", id)
                .region(row.jurisdiction_code.clone())
                .detail(
                    json!({"groups": group_rows.iter().map(|g| &g.group_code).collect::<Vec<_>>()}),
                ),
        )
        .await?;
        tx.commit().await?;
        self.view(&row, group_rows)
    }

    /// Audits a refused access to an object outside the caller's scope and answers NotFound.
    pub async fn deny(
        &self,
        actor: &Actor,
        object_type: &'static str,
        object_id: String,
        action: &str,
    ) -> ServiceError {
        let now = self.clock.now();
        let write = async {
            let mut tx = self.db.begin().await?;
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &AuditActor::from(actor),
                Event::new("access_denied", object_type, object_id)
                    .outcome(Outcome::Denied)
                    .detail(json!({"action": action})),
            )
            .await?;
            tx.commit().await?;
            Ok::<_, ServiceError>(())
        };
        if let Err(e) = write.await {
            return e;
        }
        ServiceError::NotFound
    }

    /// Loads a person the caller may see, or audits the attempt and answers NotFound.
    pub(crate) async fn person_in_scope(
        &self,
        actor: &Actor,
        id: Uuid,
        action: &str,
    ) -> Result<PersonRow> {
        // Staff read under their region's row-level security as well (B4): a row outside it
        // is not even returned by the database.
        let found = match actor.person_scope_prefix() {
            Some(prefix) => {
                let mut tx = self.db.begin_scoped(&prefix).await?;
                let row = persons::by_id_tx(&mut tx, id).await?;
                tx.commit().await?;
                row
            }
            None => persons::by_id(&self.db, id).await?,
        };
        match found {
            Some(row) if actor.may_see(&row.jurisdiction_code, Some(row.id)) => Ok(row),
            _ => Err(self.deny(actor, "person", id.to_string(), action).await),
        }
    }

    pub async fn get_person(&self, actor: &Actor, id: Uuid) -> Result<PersonView> {
        let row = self.person_in_scope(actor, id, "read").await?;
        let groups = match actor.person_scope_prefix() {
            Some(prefix) => {
                let mut tx = self.db.begin_scoped(&prefix).await?;
                let groups = persons::groups_tx(&mut tx, id).await?;
                tx.commit().await?;
                groups
            }
            None => persons::groups(&self.db, id).await?,
        };
        self.view(&row, groups)
    }

    /// Searches persons in the caller's region. The query may be a name (prefix), a full ID
    /// number or a mobile number; the latter two are matched through their blind indexes.
    pub async fn search_persons(
        &self,
        actor: &Actor,
        query: &str,
        page: i64,
    ) -> Result<PersonPage> {
        self.search_persons_by(actor, query, page, 20).await
    }

    /// The staff list's page of [`Self::search_persons`]: as many rows as every staff list
    /// ([`crate::paging::PAGE_SIZE`]).
    pub async fn search_persons_page(
        &self,
        actor: &Actor,
        query: &str,
        page: i64,
    ) -> Result<PersonPage> {
        self.search_persons_by(actor, query, page, crate::paging::PAGE_SIZE)
            .await
    }

    async fn search_persons_by(
        &self,
        actor: &Actor,
        query: &str,
        page: i64,
        per_page: i64,
    ) -> Result<PersonPage> {
        let Some(prefix) = actor.person_scope_prefix() else {
            return Err(ServiceError::forbidden());
        };
        let page = page.max(1);
        let q = query.trim();
        let id_ix;
        let phone_ix;
        let filter = if q.is_empty() {
            PersonFilter::All
        } else if let Ok(idn) = IdNumber::parse(q) {
            id_ix = self.keys.blind_index("id_number", idn.as_str());
            PersonFilter::IdIndex(&id_ix)
        } else if let Ok(p) = Phone::parse(q) {
            phone_ix = self.keys.blind_index("phone", p.as_str());
            PersonFilter::PhoneIndex(&phone_ix)
        } else {
            if q.chars().count() > 40 {
                return Err(ServiceError::invalid(
                    "q",
                    "query_too_long",
                    "查询内容最多40个字符",
                ));
            }
            PersonFilter::NamePrefix(q)
        };
        // One read transaction under the staff member's row-level security (B4).
        let mut tx = self.db.begin_scoped(&prefix).await?;
        let (rows, total) =
            persons::search(&mut tx, &prefix, filter, per_page, (page - 1) * per_page).await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in &rows {
            items.push(self.view(r, persons::groups_tx(&mut tx, r.id).await?)?);
        }
        tx.commit().await?;
        Ok(PersonPage {
            items,
            total,
            page,
            per_page,
        })
    }

    /// Shows one protected field in full: needs `pii:reveal`, a stated reason, and leaves an
    /// audit row naming the field and the reason (D5).
    pub async fn reveal_person_field(
        &self,
        actor: &Actor,
        id: Uuid,
        field: RevealField,
        reason: &str,
    ) -> Result<String> {
        let row = self.person_in_scope(actor, id, "reveal").await?;
        let reason = reason.trim();
        if !actor.has(Permission::PiiReveal) {
            let now = self.clock.now();
            let mut tx = self.db.begin().await?;
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &AuditActor::from(actor),
                Event::new("pii_reveal", "person", id)
                    .outcome(Outcome::Denied)
                    .region(row.jurisdiction_code.clone()),
            )
            .await?;
            tx.commit().await?;
            return Err(ServiceError::Forbidden {
                code: "reveal_not_permitted",
                message: "您没有查看完整个人信息的权限".into(),
            });
        }
        if reason.chars().count() < 4 || reason.chars().count() > 200 {
            return Err(ServiceError::invalid(
                "reason",
                "reason_required",
                "请填写查看完整信息的理由（4至200个字）",
            ));
        }
        self.require_step_up(actor)?;
        let value = match field {
            RevealField::IdNumber => self.open_text("persons.id_number", &id, &row.id_cipher)?,
            RevealField::Phone => match &row.phone_cipher {
                Some(c) => self.open_text("persons.phone", &id, c)?,
                None => {
                    return Err(ServiceError::invalid(
                        "field",
                        "field_empty",
                        "该人员未登记手机号码",
                    ));
                }
            },
            RevealField::Name => row.name.clone(),
        };
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("pii_reveal", "person", id)
                .region(row.jurisdiction_code.clone())
                .detail(json!({"field": field, "reason": reason})),
        )
        .await?;
        tx.commit().await?;
        Ok(value)
    }
}
