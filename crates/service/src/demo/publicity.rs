//! The demo's publicity and fee reports (五(十四), 三(五)): typical cases and a policy news item
//! written the way a Shanxi bureau writes them — every one labelled as made up for the demo —
//! one case still waiting for review, and 违规收费 reports in 小店区 at each stage.

use chrono::Duration;
use linghuo_domain::RegionCode;

use crate::Service;
use crate::access::{RequestMeta, Role};
use crate::error::Result;
use crate::fee_reports::{FeeOutcomeInput, FeeReportInput, ForwardInput};

const DEMO_NOTE: &str = "（演示内容：本文为演示系统编写的示例，人物和情节均为虚构。）";

/// (kind, title, body, region, clauses, published days ago; None: waiting for review).
type DemoArticle = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    Option<i64>,
);

const ARTICLES: &[DemoArticle] = &[
    (
        "news",
        "我省重申：经批准占道经营免征城市道路占用费 违规收费可在线匿名举报",
        "近日，省人社厅会同有关部门重申，严格落实国家关于取消涉及灵活就业的行政事业性收费的政策规定，对经批准占道经营的个体工商户和灵活就业人员，免征城市道路占用费。\n\
         为畅通监督渠道，全省灵活就业服务平台开设“违规收费举报”栏目。群众无需注册登录、可以匿名举报，提交后凭查询码随时查看办理进度。各县（市、区）人社部门受理后，按收费单位类别转交市场监管、城管、税务等职能部门依法查处，受理和办结时限与投诉相同。\n\
         各地要全面梳理辖区内夜市、便民市场、摊点群的收费项目，对已明令取消的收费项目一律停止收取，发现违规收费的依法查处并责令退还。",
        "140000",
        &["三(五)"],
        Some(20),
    ),
    (
        "case",
        "返乡青年夜市摆摊起步 一次性创业补贴助“小摊”变“小店”",
        "2025年春，离校不满两年的高校毕业生小王回到太原，在小店区政府划定的夜市摊区经营烧烤小吃。按照晋政办发〔2020〕89号文件规定，在政府指定的场所和时间内销售农副产品、日常生活用品，无须办理营业执照，小王当月就出了摊。\n\
         生意稳定后，小王办理了个体工商户登记，雇用了两名同村青年帮工。正常经营满6个月时，他在灵活就业服务平台“算一算”中得知可以先行申领一次性创业补贴的50%，随即在线提交了申请。\n\
         小店区人社局就业服务窗口核验其个体工商户登记、经营情况和带动就业人数后，按每带动一人不超过1000元的标准，先行拨付补贴1500元；正常经营满一年后，余下的1500元也足额发放到位。\n\
         “一趟腿没跑，钱就打到了卡上。”小王说，下一步打算申请创业担保贷款租个门面，把“小摊”做成“小店”。\n\
         小店区人社局提醒：离校2年内高校毕业生、就业困难人员、返乡农民工首次创办小微企业或从事个体经营的，均可按规定申领一次性创业补贴，详情可拨打12333咨询，或到区人社局灵活就业服务窗口办理。",
        "140105",
        &["二(一)", "三(四)"],
        Some(12),
    ),
    (
        "case",
        "外卖骑手李师傅：灵活就业按月缴社保 三分之二由补贴“兜底”",
        "李师傅今年46岁，原在大同一家机械厂工作，企业改制后失业，经平城区人社局认定为就业困难人员。2025年起，他在一家外卖平台跑单，每天配送五六十单。\n\
         跑外卖收入不固定，每月以灵活就业人员身份缴纳养老、医疗保险，是李师傅心里的一笔“大账”。平城区人社局在“免申即享”数据比对中发现，李师傅符合就业困难人员灵活就业社会保险补贴条件，主动推送消息告知。\n\
         根据晋政办发〔2020〕89号文件，就业困难人员从事非全日制等灵活就业的，按不超过实际缴纳社会保险费的2/3给予社会保险补贴，补贴期限不超过3年。李师傅在手机上确认收款账户后，补贴按季度直接发放到本人账户，目前已领取4000余元。\n\
         平城区人社局表示，将加强与互联网平台企业的沟通联系，做好新就业形态劳动者的政策宣传和服务，让更多骑手、网约车司机应享尽享。",
        "140213",
        &["二(二)", "二(三)"],
        Some(3),
    ),
    (
        "case",
        "小店区开展家政技能培训 学员结业即享培训补贴",
        "为落实“人人持证、技能社会”建设要求，小店区人社局联合辖区培训机构开办家政服务员技能培训班，首期招收学员40人，其中灵活就业人员28人。\n\
         培训采取线上线下结合、晚间和周末授课的方式，方便学员边工作边学习。学员结业并取得证书后，职业培训补贴和培训期间生活费补贴由系统自动申请、直接发放，无需另行提交材料。",
        "140105",
        &["四(八)"],
        None,
    ),
];

impl Service {
    /// Seeds the articles and fee reports (see the module documentation).
    pub(crate) async fn seed_demo_publicity(&self) -> Result<()> {
        let now = self.clock.now();
        for (kind, title, body, region, clauses, days) in ARTICLES {
            let body = format!("{DEMO_NOTE}\n{body}");
            self.seed_demo_article(
                kind,
                title,
                &body,
                region,
                clauses,
                days.map(|d| now - Duration::days(d)),
            )
            .await?;
        }
        let xiaodian = RegionCode::parse("140105").ok();
        let clerk = self
            .demo_actor(
                "demo-fee-clerk".into(),
                "小店区人社局经办员（演示）".into(),
                Role::Staff,
                xiaodian,
                None,
            )
            .await?;
        let today = self.clock.today_cst();
        let meta = RequestMeta {
            ip: String::new(),
            request_id: "demo-seed".into(),
        };
        let report = |charger: &str,
                      payer: &str,
                      fee: &str,
                      amount: &str,
                      days: i64,
                      place: &str,
                      text: &str,
                      phone: &str| FeeReportInput {
            county_code: "140105".into(),
            charged_by_kind: charger.into(),
            charged_by_name: String::new(),
            payer_kind: payer.into(),
            fee_name: fee.into(),
            amount: amount.into(),
            charged_on: (today - Duration::days(days)).to_string(),
            place: place.into(),
            description: format!("{text}{DEMO_NOTE}"),
            contact_phone: phone.into(),
        };
        // Waiting to be accepted: anonymous, no phone.
        self.file_fee_report(
            None,
            &meta,
            report(
                "urban_management",
                "individual_business",
                "占道费",
                "50.00",
                2,
                "某夜市东口摊区",
                "在区里划定的夜市摊区出摊，有人自称管理人员按每晚50元收取占道费，没有开收据。",
                "",
            ),
        )
        .await?;
        // Forwarded to the market regulator; the reporter left a phone number.
        let (forwarded, _) = self
            .file_fee_report(
                None,
                &meta,
                report(
                    "market_regulation",
                    "individual_business",
                    "摊位管理费",
                    "300.00",
                    9,
                    "某便民市场",
                    "便民市场按月收取摊位管理费300元，说是市场监管要求的，想核实是否合规。",
                    "13912345678",
                ),
            )
            .await?;
        // Resolved: the fee was refunded.
        let (resolved, _) = self
            .file_fee_report(
                None,
                &meta,
                report(
                    "other",
                    "flexible_worker",
                    "卫生费",
                    "200.00",
                    20,
                    "某社区便民服务点",
                    "在社区免费经营场地做缝补，被收取卫生费200元。",
                    "",
                ),
            )
            .await?;
        for id in [forwarded, resolved] {
            self.accept_fee_report(&clerk, id).await?;
            self.forward_fee_report(&clerk, id, ForwardInput::default())
                .await?;
        }
        self.resolve_fee_report(
            &clerk,
            resolved,
            FeeOutcomeInput {
                outcome: "corrected".into(),
                note: "经核查，该卫生费不属于经批准的收费项目，已责令收费单位停止收取并全额退还。"
                    .into(),
            },
        )
        .await?;
        Ok(())
    }
}
