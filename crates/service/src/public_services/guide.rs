//! 办事指南: per service, who qualifies, what to bring, the time limit (from the promises
//! the services keep — the review working days, the complaint deadlines), fees (none) and
//! where — each county's window, reference data the system administrator edits or imports
//! (`linghuo import windows FILE`, the admin page), audited.

use chrono::NaiveDate;
use linghuo_domain::RegionCode;
use linghuo_policy::BenefitId;
use linghuo_storage::services::guide::{self as repo, WindowRow};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit::{self, AuditActor, Event};
use crate::benefits::REVIEW_WORKING_DAYS;
use crate::{Actor, Result, Role, Service, ServiceError};

/// Every service has no fee (三(四): 免费提供公共就业服务).
pub const FEE: &str = "不收费";

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WindowView {
    pub county_code: String,
    pub county_name: String,
    pub name: String,
    pub address: String,
    pub hours: String,
    pub phone: String,
}

fn window_view(w: &WindowRow) -> WindowView {
    WindowView {
        county_code: w.county_code.clone(),
        county_name: RegionCode::parse(&w.county_code)
            .map(|c| c.full_name())
            .unwrap_or_default(),
        name: w.name.clone(),
        address: w.address.clone(),
        hours: w.hours.clone(),
        phone: w.phone.clone(),
    }
}

/// A window to save.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct WindowInput {
    pub county_code: String,
    pub name: String,
    pub address: String,
    pub hours: String,
    pub phone: String,
}

/// One guide page.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct GuideEntry {
    pub key: String,
    pub title: String,
    /// 办理对象
    pub who: String,
    /// 申请材料
    pub bring: Vec<String>,
    /// 办理时限
    pub time_limit: String,
    /// 收费
    pub fee: String,
    /// Where to do it online (a path of this site).
    pub online: String,
    pub online_label: String,
}

fn entry(
    key: &str,
    title: &str,
    who: &str,
    bring: &[&str],
    time_limit: String,
    online: &str,
    online_label: &str,
) -> GuideEntry {
    GuideEntry {
        key: key.into(),
        title: title.into(),
        who: who.into(),
        bring: bring.iter().map(|s| (*s).to_owned()).collect(),
        time_limit,
        fee: FEE.into(),
        online: online.into(),
        online_label: online_label.into(),
    }
}

/// Checks one window's fields; the error names the field.
fn check_window(w: &WindowInput) -> Result<WindowRow> {
    let code = w.county_code.trim();
    match RegionCode::parse(code) {
        Ok(c) if c.level() == linghuo_domain::RegionLevel::County => {}
        _ => {
            return Err(ServiceError::invalid(
                "county_code",
                "county_unknown",
                "区县代码应为山西省的6位区县代码，如 140105",
            ));
        }
    }
    let field = |name: &'static str, label: &str, v: &str, max: usize| -> Result<String> {
        let v = v.trim();
        if v.chars().count() < 2 || v.chars().count() > max {
            return Err(ServiceError::invalid(
                name,
                "length",
                format!("{label}须为2至{max}个字"),
            ));
        }
        Ok(v.to_owned())
    };
    let phone = w.phone.trim();
    if phone.len() < 7
        || phone.len() > 40
        || !phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '、' | '/' | '(' | ')'))
    {
        return Err(ServiceError::invalid(
            "phone",
            "phone_invalid",
            "咨询电话只能含数字和“-”，如 0351-1234567",
        ));
    }
    Ok(WindowRow {
        county_code: code.into(),
        name: field("name", "窗口名称", &w.name, 60)?,
        address: field("address", "地址", &w.address, 120)?,
        hours: field("hours", "办公时间", &w.hours, 80)?,
        phone: phone.into(),
        updated_at: chrono::Utc::now(),
    })
}

/// The windows file: a header line `county_code,name,address,hours,phone` (or the Chinese
/// 区县代码,窗口名称,地址,办公时间,咨询电话), then one window a line. Every bad row is named
/// with its line and field; nothing is written unless every row is good.
pub fn parse_windows_csv(text: &str) -> std::result::Result<Vec<WindowInput>, Vec<String>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut lines = text.trim_start_matches('\u{feff}').lines().enumerate();
    match lines.next() {
        Some((_, h)) => {
            let cols: Vec<String> = h.split(',').map(|c| c.trim().to_owned()).collect();
            let en = ["county_code", "name", "address", "hours", "phone"];
            let zh = ["区县代码", "窗口名称", "地址", "办公时间", "咨询电话"];
            if cols != en && cols != zh {
                return Err(vec![format!(
                    "第1行：表头应为 {} 或 {}",
                    en.join(","),
                    zh.join(",")
                )]);
            }
        }
        None => return Err(vec!["文件是空的".into()]),
    }
    for (i, line) in lines {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split(',').collect();
        if cols.len() != 5 {
            errors.push(format!("第{n}行：应有5列，实有{}列", cols.len()));
            continue;
        }
        let w = WindowInput {
            county_code: cols[0].into(),
            name: cols[1].into(),
            address: cols[2].into(),
            hours: cols[3].into(),
            phone: cols[4].into(),
        };
        match check_window(&w) {
            Ok(_) => out.push(w),
            Err(ServiceError::Invalid { field, message, .. }) => {
                errors.push(format!("第{n}行 {}：{message}", field_label(&field)))
            }
            Err(e) => errors.push(format!("第{n}行：{e}")),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// The windows table of an uploaded file as the text [`parse_windows_csv`] reads: a .csv
/// (UTF-8, with or without a BOM) as it is, or the first sheet of an .xlsx (a comma inside a
/// cell becomes "，"; rows keep the spreadsheet's numbers). The error says in Chinese what
/// to do instead.
pub fn windows_file_text(file_name: &str, bytes: &[u8]) -> std::result::Result<String, String> {
    use crate::tabular::{FileKind, read_xlsx};
    let lower = file_name.to_ascii_lowercase();
    if FileKind::of(file_name) == Some(FileKind::Xlsx) {
        let table = read_xlsx(bytes)?;
        let line = |cells: &[String]| -> String {
            cells
                .iter()
                .map(|c| c.replace(',', "，"))
                .collect::<Vec<_>>()
                .join(",")
        };
        let mut lines = vec![line(&table.headers)];
        for (number, cells) in &table.rows {
            while lines.len() + 1 < *number {
                lines.push(String::new());
            }
            // Trailing empty cells (a sheet's formatting) are not columns.
            let mut cells = cells.clone();
            while cells.len() > 5 && cells.last().is_some_and(String::is_empty) {
                cells.pop();
            }
            lines.push(line(&cells));
        }
        return Ok(lines.join("\n"));
    }
    if !(lower.ends_with(".csv") || lower.ends_with(".txt") || !lower.contains('.')) {
        return Err("请上传 .csv 或 .xlsx 格式的窗口表".into());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| {
        "窗口表不是UTF-8编码：请在Excel中另存为“CSV UTF-8（逗号分隔）”，或直接上传 .xlsx 文件"
            .to_owned()
    })
}

fn field_label(f: &str) -> &'static str {
    match f {
        "county_code" => "区县代码",
        "name" => "窗口名称",
        "address" => "地址",
        "hours" => "办公时间",
        "phone" => "咨询电话",
        _ => "",
    }
}

/// What an import did.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct WindowImport {
    pub rows: usize,
}

impl Service {
    /// Every county's window, by county code.
    pub async fn windows(&self) -> Result<Vec<WindowView>> {
        Ok(repo::windows(&self.db)
            .await?
            .iter()
            .map(window_view)
            .collect())
    }

    /// One county's window.
    pub async fn window_of(&self, county_code: &str) -> Result<Option<WindowView>> {
        Ok(repo::window(&self.db, county_code)
            .await?
            .as_ref()
            .map(window_view))
    }

    /// Saves a county's window (system administrator), audited.
    pub async fn save_window(&self, actor: &Actor, input: WindowInput) -> Result<WindowView> {
        actor.require_role(&[Role::SysAdmin])?;
        let mut row = check_window(&input)?;
        row.updated_at = self.clock.now();
        let mut tx = self.db.begin().await?;
        repo::upsert_window(&mut tx, &row).await?;
        audit::record(
            &mut tx,
            &self.keys,
            row.updated_at,
            &AuditActor::from(actor),
            Event::new("window_saved", "service_window", row.county_code.clone())
                .region(row.county_code.clone())
                .detail(json!({"name": row.name})),
        )
        .await?;
        tx.commit().await?;
        Ok(window_view(&row))
    }

    /// Removes a county's window (system administrator), audited.
    pub async fn delete_window(&self, actor: &Actor, county_code: &str) -> Result<()> {
        actor.require_role(&[Role::SysAdmin])?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::delete_window(&mut tx, county_code).await? {
            return Err(ServiceError::NotFound);
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("window_deleted", "service_window", county_code.to_owned())
                .region(county_code.to_owned()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Imports a windows file (the system administrator's page, or the operator's CLI with
    /// no actor): every row or none, audited once.
    pub async fn import_windows(&self, actor: Option<&Actor>, text: &str) -> Result<WindowImport> {
        if let Some(a) = actor {
            a.require_role(&[Role::SysAdmin])?;
        }
        let rows = parse_windows_csv(text)
            .map_err(|errors| ServiceError::invalid("file", "rows_invalid", errors.join("；")))?;
        self.write_windows(actor, &rows).await
    }

    /// Writes checked windows in one transaction (the import, the demo seed).
    async fn write_windows(
        &self,
        actor: Option<&Actor>,
        rows: &[WindowInput],
    ) -> Result<WindowImport> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        for w in rows {
            let mut row = check_window(w)?;
            row.updated_at = now;
            repo::upsert_window(&mut tx, &row).await?;
        }
        let who = actor.map_or_else(AuditActor::system, AuditActor::from);
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &who,
            Event::new("windows_imported", "service_window", "file")
                .detail(json!({"rows": rows.len()})),
        )
        .await?;
        tx.commit().await?;
        Ok(WindowImport { rows: rows.len() })
    }

    /// Demo windows for the demo counties (made-up addresses and numbers, marked 演示).
    pub async fn seed_demo_windows(&self, counties: &[RegionCode]) -> Result<WindowImport> {
        let rows: Vec<WindowInput> = counties
            .iter()
            .enumerate()
            .map(|(i, c)| WindowInput {
                county_code: c.as_str().to_string(),
                name: format!("{}人力资源和社会保障局就业服务窗口", c.name()),
                address: format!("{}政务服务中心一楼人社窗口（演示地址）", c.full_name()),
                hours: "工作日 上午9:00—12:00，下午13:30—17:30（法定节假日除外）".into(),
                phone: format!("0351-{:07}", 5_550_000 + i),
            })
            .collect();
        self.write_windows(None, &rows).await
    }

    /// The county a signed-in person's guide pages show by default: a worker's own
    /// 管辖地, a county staff member's county; none for anyone else.
    pub async fn home_county(&self, actor: Option<&Actor>) -> Option<String> {
        let a = actor?;
        match a.role {
            Role::Worker => {
                let pid = a.person_id?;
                self.person_in_scope(a, pid, "read_home_county")
                    .await
                    .ok()
                    .map(|p| p.jurisdiction_code)
            }
            _ => a
                .scope
                .filter(|s| s.level() == linghuo_domain::RegionLevel::County)
                .map(|s| s.as_str().to_string()),
        }
    }

    /// Every guide page, in the order of the index.
    pub fn guide_entries(&self) -> Vec<GuideEntry> {
        let review = format!(
            "材料齐全、信息已核验的当场办结；需要核验的，{REVIEW_WORKING_DAYS}个工作日内完成初审和审批"
        );
        let complaints = &self.config.complaints;
        let mut v = vec![
            entry(
                "registration-employment",
                "就业登记",
                "在本省就业的劳动者（由本人或用人单位办理）",
                &["居民身份证", "劳动合同或用工证明（用人单位名称）"],
                "当场办结；首次登记同时发放就业创业证".into(),
                "/services/registration",
                "网上办理就业登记",
            ),
            entry(
                "registration-unemployment",
                "失业登记",
                "法定劳动年龄内、有劳动能力和就业要求、处于无业状态的城乡劳动者",
                &["居民身份证", "与原单位解除或终止劳动关系的证明（如有）"],
                "当场办结".into(),
                "/services/registration",
                "网上办理失业登记",
            ),
            entry(
                "registration-flexible",
                "灵活就业登记",
                "以非全日制、个体经营、新就业形态（平台）或零工等形式就业的劳动者",
                &["居民身份证", "从事灵活就业的简要情况（形式、开始日期）"],
                "当场办结".into(),
                "/services/registration",
                "网上办理灵活就业登记",
            ),
            entry(
                "enrolment",
                "灵活就业人员参保登记",
                "已办理灵活就业登记、未在用人单位参保的劳动者，可参加企业职工基本养老保险和职工基本医疗保险",
                &["居民身份证", "选择的缴费基数和参保起始月份"],
                "当场办结；缴费由社保经办机构按月核定".into(),
                "/services/onething",
                "网上办理（灵活就业一件事）",
            ),
            entry(
                "onething",
                "灵活就业一件事",
                "从事灵活就业、希望一次办好登记、参保和补贴申请的劳动者",
                &[
                    "居民身份证",
                    "灵活就业的形式和开始日期",
                    "缴费基数",
                    "收款银行账户（领取补贴时）",
                ],
                review.clone(),
                "/services/onething",
                "网上一次办好",
            ),
        ];
        for b in BenefitId::APPLIED_AT_WINDOW {
            let (who, bring): (&str, &[&str]) = match b {
                BenefitId::StartupSubsidy => (
                    "首次创办小微企业或从事个体经营、正常经营并带动就业的重点群体人员",
                    &["居民身份证", "营业执照", "带动就业人员名单", "收款银行账户"],
                ),
                BenefitId::SocialInsuranceSubsidy => (
                    "灵活就业并缴纳社会保险的就业困难人员、离校2年内未就业的高校毕业生",
                    &[
                        "居民身份证",
                        "灵活就业登记",
                        "社会保险缴费记录",
                        "收款银行账户",
                    ],
                ),
                BenefitId::TaxDeduction => (
                    "从事个体经营的重点群体人员（脱贫人口、登记失业人员等）",
                    &["居民身份证", "营业执照", "纳税记录"],
                ),
                _ => (
                    "符合条件的创业人员（登记失业人员、高校毕业生、退役军人等）",
                    &["居民身份证", "营业执照或创业项目说明", "经营情况说明"],
                ),
            };
            let limit = if b == BenefitId::GuaranteedLoan {
                format!("{review}；贷款额度确认后由经办银行审核放款")
            } else {
                review.clone()
            };
            v.push(entry(
                b.code(),
                b.application_name(),
                who,
                bring,
                limit,
                "/services/benefits",
                "网上申请",
            ));
        }
        v.extend([
            entry(
                "training",
                "职业技能培训",
                "有培训需求的城乡劳动者，重点是登记失业人员、灵活就业人员和高校毕业生",
                &["居民身份证"],
                "报名即时确认；结业合格后按培训补贴办理".into(),
                "/services/training",
                "网上报名培训",
            ),
            entry(
                "guidance",
                "职业指导",
                "有求职、转岗、技能提升或创业打算的劳动者，包括灵活就业人员",
                &["居民身份证（到窗口面谈时）"],
                "网上预约当场确认；指导意见在“我的职业指导”里查看，约定的回访日期前发消息提醒"
                    .into(),
                "/guidance",
                "网上预约职业指导",
            ),
            entry(
                "venues",
                "创业场地和费用减免",
                "创业的重点群体人员：申请免费创业场地、房租减免、占道费减免",
                &["居民身份证", "营业执照", "场地或租赁情况说明"],
                review.clone(),
                "/venues",
                "网上申请",
            ),
            entry(
                "stalls",
                "摆摊设点（占道经营审批）",
                "在县区划定的夜市、摊点、便民市场或景区销售区经营的个人；下岗失业人员、高校毕业生、农民工、就业困难人员优先安排。在指定场所和时间内销售农副产品、日常生活用品的，无须办理营业执照",
                &["居民身份证"],
                review.clone(),
                "/places",
                "查看经营场所并申请摊位",
            ),
            entry(
                "complaints",
                "投诉举报",
                "认为用人单位或平台侵害其劳动权益的劳动者",
                &["居民身份证", "事情经过和相关证据（如聊天记录、工资条）"],
                format!(
                    "{}小时内受理，{}日内办结或转入调解",
                    complaints.acknowledge_hours, complaints.resolve_days
                ),
                "/complaints",
                "网上投诉",
            ),
            entry(
                "assistance",
                "生活困难申报（转介低保、临时救助）",
                "基本生活陷入困境的灵活就业人员、失业人员、未就业高校毕业生、低保边缘人口等",
                &[
                    "网上申报无需材料",
                    "核实时：居民身份证，家庭收入、就业和困难情况的说明或证明",
                ],
                "网上申报后由县（市、区）人社部门核实；核实属实的转介民政部门，由民政部门审核纳入低保或临时救助"
                    .into(),
                "/services/difficulty",
                "网上申报生活困难",
            ),
            entry(
                "archives",
                "人事档案",
                "档案存放在公共就业服务机构的流动人员",
                &["居民身份证", "调档函（转出时）"],
                "当场办理查询；转出按调档函办理".into(),
                "/archives/mine",
                "查看我的档案",
            ),
        ]);
        v
    }

    /// One guide page by key.
    pub fn guide_entry(&self, key: &str) -> Option<GuideEntry> {
        self.guide_entries().into_iter().find(|e| e.key == key)
    }
}

/// The day `days` working days (Monday to Friday) after `from`.
pub fn add_working_days(from: NaiveDate, days: u32) -> NaiveDate {
    use chrono::Datelike;
    let mut d = from;
    let mut left = days;
    while left > 0 {
        d = d.succ_opt().unwrap_or(d);
        if d.weekday().number_from_monday() <= 5 {
            left -= 1;
        }
    }
    d
}
