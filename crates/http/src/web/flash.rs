//! The one way a page says "done": a form that succeeds redirects to the page to show with
//! `?ok=<code>`, and that page reads the message through the [`Flash`] extractor. Every
//! message is in the one table below, keyed by the code and the part of the site it is shown
//! in (the same word means different things on different pages: "applied" is an application
//! for a venue, a benefit or a job).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::convert::Infallible;

use super::form::FormData;

/// Where a message is shown (path prefixes), its code and its text. The entry whose prefix
/// matches the longest part of the path wins.
const MESSAGES: &[(&[&str], &str, &str)] = &[
    // Signing up, then logging in.
    (
        &["/login"],
        "worker",
        "注册成功，请用刚才设置的用户名和密码登录。登录后可以找活、填写求职信息。",
    ),
    (
        &["/login"],
        "employer",
        "注册成功，请用刚才设置的用户名和密码登录。单位信息经所在县区人社部门核验前，发布的岗位要先经审核才能公开。",
    ),
    (
        &["/login"],
        "password_reset",
        "新密码已设置，请用新密码登录。原来登录着的设备都已退出。",
    ),
    (
        &["/account"],
        "sms_on",
        "已开启短信提醒：重要消息会同时发到您登记的手机。",
    ),
    (
        &["/account"],
        "sms_off",
        "已关闭短信提醒：消息仍会在“我的消息”中显示。",
    ),
    (&["/notices"], "read", "已标为已读。"),
    // The gig market: workers.
    (&["/work/profile"], "saved", "求职信息已保存。"),
    (
        &["/work/applications"],
        "applied",
        "报名成功，请等待用人单位答复。",
    ),
    (&["/work/applications"], "answered", "已提交您的答复。"),
    // Hires, on either side.
    (
        &["/work/hires", "/employer/hires"],
        "confirmed",
        "已确认约定。",
    ),
    (
        &["/work/hires", "/employer/hires"],
        "paid",
        "已确认收到报酬。",
    ),
    (
        &["/work/hires", "/employer/hires"],
        "completed",
        "已标记完工。",
    ),
    (&["/work/hires", "/employer/hires"], "rated", "评价已提交。"),
    (
        &["/work/hires", "/employer/hires"],
        "agreement",
        "约定已提出，等待劳动者确认。",
    ),
    (
        &["/work/hires", "/employer/hires"],
        "pay",
        "报酬记录已登记，等待劳动者确认收到。",
    ),
    (
        &["/work/hires", "/employer/hires"],
        "hired",
        "已录用，用工登记已自动办理。",
    ),
    // The gig market: employers and staff.
    (&["/employer"], "registered", "单位信息已登记。"),
    (
        &["/employer"],
        "phone",
        "联系人手机号码已更新，今后可用它登录和找回密码。",
    ),
    (&["/employer/posts"], "created", "岗位已提交。"),
    (&["/employer/posts"], "closed", "岗位已关闭。"),
    (
        &["/employer/posts"],
        "post_edited",
        "岗位已修改，并已重新检查。",
    ),
    (
        &["/employer/posts"],
        "declined",
        "已告知求职者不录用及原因。",
    ),
    (
        &["/employer/posts"],
        "invited",
        "已发出邀请，等待求职者答复。",
    ),
    (&["/staff/market"], "approved", "已审核通过，岗位已上线。"),
    (
        &["/staff/market"],
        "rejected",
        "已退回，用人单位会看到不通过的原因。",
    ),
    (&["/staff/market"], "verified", "已核验该用人单位。"),
    (
        &["/staff/market/occupations"],
        "merged",
        "已合并为同义词。以后岗位、导入和搜索中的这个叫法都会按该职业理解。",
    ),
    (
        &["/staff/market/occupations"],
        "proposed",
        "已记为新职业建议，将汇总进上报表。",
    ),
    (&["/staff/market/occupations"], "ignored", "已忽略。"),
    // Registration, benefits, payments and training (the person's pages and the window).
    (&["/services", "/staff"], "registered", "登记已办理。"),
    (&["/services", "/staff"], "ended", "登记已结束。"),
    (&["/services", "/staff"], "accepted", "已确认，登记已办理。"),
    (&["/services", "/staff"], "dismissed", "已标记为不需要。"),
    (&["/services", "/staff"], "payee", "收款账户已保存。"),
    (&["/services", "/staff"], "applied", "申请已提交。"),
    (&["/services", "/staff"], "enrolled", "报名成功。"),
    (
        &["/staff"],
        "reviewed",
        "初审意见已提交，等待另一位工作人员审批。",
    ),
    (&["/staff"], "decided", "审批决定已作出。"),
    (&["/staff"], "batch", "代发批次已生成，可以下载银行文件。"),
    (&["/staff"], "imported", "银行回盘文件已导入。"),
    (&["/staff"], "course", "培训课程已发布。"),
    (&["/staff"], "attendance", "出勤已记录。"),
    (&["/staff"], "finished", "已办理结业。"),
    // Recruitment events, venues, relief and archives.
    (&["/events"], "registered", "报名成功，请按时参加招聘会。"),
    (
        &["/employer/events"],
        "joined",
        "已报名参会，岗位会在招聘会页面展示。",
    ),
    (&["/staff/events", "/staff/venues"], "created", "已保存。"),
    (
        &["/staff/events"],
        "published",
        "招聘会已发布，公众可以看到并报名。",
    ),
    (&["/staff/events"], "closed", "招聘会已结束。"),
    (&["/staff/events"], "employer", "已添加参会单位。"),
    (&["/staff/events"], "checked_in", "已签到。"),
    (&["/staff/events"], "outcome", "成效已记录。"),
    (
        &["/venues", "/relief"],
        "applied",
        "申请已提交，请等待县区经办人员办理。",
    ),
    (
        &["/staff/venues"],
        "allocated",
        "已按优先群体和申请时间分配场地。",
    ),
    (&["/staff/venues"], "opened", "已开放申请。"),
    (&["/staff/venues"], "stopped", "已停止申请。"),
    (&["/staff/relief"], "decided", "已审核。"),
    // Designated places, stalls and gig-market sites.
    (
        &["/places"],
        "applied",
        "摊位申请已提交，请等待县区经办人员审批。审批结果会发到“我的消息”。",
    ),
    (&["/staff/places", "/staff/sites"], "created", "已登记。"),
    (&["/staff/places"], "opened", "已开放申请。"),
    (&["/staff/places"], "stopped", "已停止申请。"),
    (
        &["/staff/places"],
        "approved",
        "已批准占道经营，免办营业执照告知已发给申请人。",
    ),
    (
        &["/staff/places"],
        "refused",
        "已作出不批准决定，理由已告知申请人。",
    ),
    (&["/staff/sites"], "shown", "已恢复在公开名录中显示。"),
    (&["/staff/sites"], "hidden", "已从公开名录中撤下。"),
    (&["/staff/archives"], "received", "档案已接收。"),
    (&["/staff/archives"], "moved", "已办理。"),
    // Policy questions.
    (
        &["/consult/mine"],
        "asked",
        "问题已提交，答复后会通过“消息”告诉您。",
    ),
    (
        &["/staff/consult"],
        "answered",
        "已答复，提问人会收到消息。",
    ),
    // Statistics.
    (&["/staff/stats"], "target", "已保存年度目标。"),
    (
        &["/staff/stats/takeup"],
        "refreshing",
        "已开始更新：全省登记人员逐一重新计算，需要几分钟，完成后刷新本页即可看到新数据。",
    ),
    (
        &["/staff/parameters"],
        "proposed",
        "已提交参数更正，须由另一位省级工作人员审批后生效。",
    ),
    (
        &["/staff/parameters"],
        "approved",
        "已审批通过：更正自生效日期起由系统计算使用。",
    ),
    (&["/staff/parameters"], "rejected", "已退回该参数更正。"),
    // Complaints and mediation, on every side.
    (
        &["/complaints"],
        "filed",
        "投诉已提交。人社部门会在时限内受理，办理进度会显示在这里并通过消息告诉您。",
    ),
    (
        &["/complaints", "/employer/complaints"],
        "statement",
        "说明已提交。",
    ),
    (&["/staff/complaints"], "acknowledge", "已受理。"),
    (&["/staff/complaints"], "assign", "已由您负责调查处理。"),
    (&["/staff/complaints"], "note", "已记录。"),
    (
        &["/staff/complaints"],
        "resolve",
        "已办结，投诉人会收到通知。",
    ),
    (
        &["/staff/complaints"],
        "refer",
        "已转交调解组织，调解案件已建立。",
    ),
    (
        &["/staff/complaints"],
        "session",
        "调解会已安排，双方会收到通知。",
    ),
    (
        &["/staff/complaints"],
        "outcome",
        "调解结果已记录，投诉已结束。",
    ),
    // 办事窗口 (admin), 我的办件 and 一件事 (worker), 一件事 at the window (staff).
    (&["/admin/windows"], "saved", "窗口信息已保存。"),
    (&["/admin/windows"], "imported", "窗口表已导入。"),
    (&["/admin/windows"], "deleted", "窗口已删除。"),
    (&["/services/items"], "rated", "谢谢您的评价。"),
    // 困难群众帮扶 and 资金预算 (staff).
    (
        &["/staff/assistance"],
        "referred",
        "已转介民政部门，本人会收到通知。",
    ),
    (
        &["/staff/assistance"],
        "outcome",
        "办理结果已登记，本人会收到通知。",
    ),
    (
        &["/staff/assistance"],
        "declaration_confirmed",
        "已核实并登记困难情况，系统已重新筛查，本人会收到通知。",
    ),
    (
        &["/staff/assistance"],
        "declaration_declined",
        "已不予认定，理由会告诉本人。",
    ),
    (
        &["/services/difficulty"],
        "declared",
        "申报已提交。县（市、区）人社部门会尽快联系您核实，结果会发消息告诉您，也可在“我的办件”中查看。",
    ),
    (
        &["/staff/persons"],
        "difficulty",
        "摸排情况已保存，系统已按新情况重新筛查。",
    ),
    (&["/staff/budgets"], "saved", "预算已保存，变更已记录。"),
    (
        &["/staff/budgets"],
        "released",
        "已发放：已记账并生成付款指令，本人会收到通知。",
    ),
    (
        &["/staff/budgets"],
        "refused",
        "已决定不予发放，申请人会收到通知。",
    ),
    // 典型案例和政策动态 (staff) and 违规收费举报 (staff, administrators).
    (
        &["/staff/news"],
        "submitted",
        "稿件已提交，等待另一位工作人员审核。",
    ),
    (&["/staff/news"], "approve", "已审核通过，稿件已公开发布。"),
    (&["/staff/news"], "return", "已退回撰稿人修改。"),
    (&["/staff/news"], "withdraw", "稿件已撤下，公众不再看到。"),
    (&["/staff/fee-reports"], "accept", "已受理。"),
    (
        &["/staff/fee-reports"],
        "forward",
        "已转交职能部门，举报人查询时可以看到。",
    ),
    (
        &["/staff/fee-reports"],
        "resolve",
        "已办结，举报人凭查询码可以看到办理结果。",
    ),
    (
        &["/staff/fee-reports/departments", "/admin/fee-departments"],
        "saved",
        "职能部门已保存。",
    ),
    (
        &["/staff/fee-reports/departments", "/admin/fee-departments"],
        "deleted",
        "职能部门已删除，举报改按上一级的名录转交。",
    ),
    (
        &["/services/items"],
        "onething",
        "一件事已提交：登记、参保已办结，补贴申请的进度见下方。",
    ),
    (
        &["/staff/persons"],
        "onething",
        "一件事已代为提交：登记、参保已办结，补贴申请已进入办理。",
    ),
    // 职业指导 (the person's pages, then the counsellor's).
    (
        &["/guidance"],
        "booked",
        "已预约。请按约定时间到窗口，或留意工作人员来电；不能前来请提前取消。",
    ),
    (&["/guidance"], "cancelled", "预约已取消。"),
    (&["/staff/guidance"], "booked", "已为本人预约职业指导。"),
    (
        &["/staff/guidance"],
        "recorded",
        "指导记录已保存，本人可以看到指导意见和备注；回访日期前会提醒本人。",
    ),
    (
        &["/staff/guidance"],
        "course",
        "已向本人推荐课程，本人会收到消息并可自行报名。",
    ),
    (&["/staff/guidance"], "cancelled", "预约已取消。"),
    // 共享用工.
    (
        &["/employer/sharing"],
        "proposed",
        "共享用工已提出，等待用工单位确认。",
    ),
    (
        &["/employer/sharing"],
        "answered",
        "已答复。对方会收到消息。",
    ),
    (&["/employer/sharing"], "withdrawn", "已撤回。"),
    (
        &["/employer/sharing"],
        "ended",
        "共享用工已提前结束，对方单位和派出的职工会收到消息。",
    ),
];

/// The message for `code` on the page at `path`, if there is one.
pub fn message(path: &str, code: &str) -> Option<&'static str> {
    if code.is_empty() {
        return None;
    }
    MESSAGES
        .iter()
        .filter(|(_, c, _)| *c == code)
        .filter_map(|(prefixes, _, text)| {
            prefixes
                .iter()
                .filter(|p| path.starts_with(**p))
                .map(|p| p.len())
                .max()
                .map(|len| (len, *text))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, text)| text)
}

/// The confirmation a page shows after a redirect (`?ok=…`), or none.
#[derive(Clone, Copy, Debug, Default)]
pub struct Flash(pub Option<&'static str>);

impl Flash {
    /// The message of a code, read on the page at `path` (for a page that re-renders itself).
    pub fn of(path: &str, code: &str) -> Flash {
        Flash(message(path, code))
    }

    pub fn text(self) -> Option<&'static str> {
        self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Flash {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = FormData::parse(parts.uri.query().unwrap_or("").as_bytes());
        Ok(Flash::of(parts.uri.path(), query.get("ok")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_code_reads_by_where_it_is_shown() {
        assert_eq!(
            message("/work/applications", "applied"),
            Some("报名成功，请等待用人单位答复。")
        );
        assert_eq!(
            message("/services/benefits/1", "applied"),
            Some("申请已提交。")
        );
        assert_eq!(
            message("/venues/mine", "applied"),
            Some("申请已提交，请等待县区经办人员办理。")
        );
        assert_eq!(message("/staff/relief", "decided"), Some("已审核。"));
        assert_eq!(
            message("/staff/benefits/x", "decided"),
            Some("审批决定已作出。")
        );
        assert_eq!(
            message("/staff/complaints/x", "outcome"),
            Some("调解结果已记录，投诉已结束。")
        );
        assert_eq!(message("/staff/events/x", "outcome"), Some("成效已记录。"));
    }

    #[test]
    fn an_unknown_code_or_a_code_elsewhere_says_nothing() {
        assert_eq!(message("/work", "nonsense"), None);
        assert_eq!(message("/work", ""), None);
        assert_eq!(message("/policy", "applied"), None);
    }

    #[test]
    fn every_code_reads_once_per_place() {
        for (i, (prefixes, code, _)) in MESSAGES.iter().enumerate() {
            for (other, code2, _) in &MESSAGES[i + 1..] {
                if code == code2 {
                    assert!(
                        prefixes.iter().all(|p| !other.contains(p)),
                        "{code} is defined twice for the same place"
                    );
                }
            }
        }
    }
}
