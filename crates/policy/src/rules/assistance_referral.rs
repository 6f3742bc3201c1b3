//! B6 低保/临时救助转介 — 四(十一): people whose basic living is in difficulty are
//! referred to 民政: those in the groups the clause names for 低保, everyone
//! else for 临时救助.

use super::{Ctx, cond, need, show};
use crate::calendar::{same_day_months_later, zh_date};
use crate::determination::{Change, Outcome};
use crate::facts::{Facts, Group};
use crate::parameters::Param;
use crate::readings;
use crate::trace::Recorder;

pub(crate) fn evaluate<R: Recorder>(f: &Facts, cx: &Ctx, rec: &mut R) -> Outcome {
    let recent = need!(cx, rec, months, Param::AssistanceRecentRegistrationMonths);
    let p = &f.person;
    let difficulty = p.in_difficulty;
    rec.cond(difficulty == Some(true), || {
        cond("基本生活陷入困境").val("person.in_difficulty", show(difficulty))
    });
    if difficulty != Some(true) {
        rec.reason(|| match difficulty {
            Some(false) => "基本生活未陷入困境，无需转介".to_string(),
            _ => "未报基本生活是否陷入困境".to_string(),
        });
        rec.change(|| Change {
            condition: "in_difficulty",
            text: "基本生活陷入困境时，可转介民政部门申请低保或临时救助".to_string(),
            possible: true,
            from: None,
        });
        return Outcome::NOT_ELIGIBLE;
    }
    rec.reading(&readings::ASSISTANCE_ANY_DIFFICULTY);
    // Referred either way; a group whose day has not come only decides which.
    let ga = super::groups_as_of(
        f,
        cx,
        rec,
        &[Group::RegisteredUnemployed, Group::CollegeGraduate],
        |_, _| None,
    );
    let g = ga.held;
    let farmer = g.contains(Group::MigrantWorker) || g.contains(Group::ReturningMigrantWorker);
    let recently_registered = p
        .unemployment_registered_on
        .is_some_and(|u| u <= cx.as_of && cx.as_of <= same_day_months_later(u, recent));
    let focus = g.contains(Group::RegisteredUnemployed)
        || g.contains(Group::LaidOff)
        || g.contains(Group::CollegeGraduate)
        || g.contains(Group::LowIncomeEdge)
        || p.flexible_work.is_some()
        || (farmer && recently_registered);
    rec.cond(focus, || {
        cond("属于重点关注群体（失业人员、未就业高校毕业生、近三个月内登记失业的农民、城市灵活就业人员、低保边缘人口等）")
            .val("person.groups", g.zh())
            .val("person.flexible_work", show(p.flexible_work.map(|w| w.code())))
            .val("person.unemployment_registered_on", show(p.unemployment_registered_on))
    });
    rec.reason(|| {
        if focus {
            format!(
                "基本生活陷入困境，属于重点关注群体（{}），转介民政部门审核纳入低保范围；不符合低保条件的纳入临时救助范围",
                if farmer && recently_registered {
                    format!("{}，{}登记失业", g.zh(), p.unemployment_registered_on.map(zh_date).unwrap_or_default())
                } else if g.is_empty() {
                    "城市灵活就业人员".to_string()
                } else {
                    g.zh()
                }
            )
        } else {
            "基本生活陷入困境，转介民政部门，相关社会救助和保障制度暂时无法覆盖的纳入临时救助范围".to_string()
        }
    });
    Outcome::ELIGIBLE_NO_MONEY
}
