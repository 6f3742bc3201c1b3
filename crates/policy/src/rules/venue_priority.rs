//! B6 免费经营场地优先 — 三(六): free community business space goes first to
//! 下岗失业人员, 高校毕业生, 农民工 and 就业困难人员. 登记失业人员 are 失业人员 and count as
//! 下岗失业人员, as they count as 失业人员 for the assistance referral of 四(十一); 返乡农民工
//! are 农民工.

use super::{Ctx, any, cond};
use crate::determination::{Change, Outcome};
use crate::facts::{Facts, Group};
use crate::readings;
use crate::trace::Recorder;

/// The groups served first when free community venues are allocated, in the clause's order
/// (the service's allocation uses this list, so the page and the engine agree).
pub const PRIORITY: [Group; 6] = [
    Group::LaidOff,
    Group::RegisteredUnemployed,
    Group::CollegeGraduate,
    Group::MigrantWorker,
    Group::ReturningMigrantWorker,
    Group::HardToEmploy,
];

const NAMES: &str = "下岗失业人员（含登记失业人员）、高校毕业生、农民工、就业困难人员";

pub(crate) fn evaluate<R: Recorder>(f: &Facts, cx: &Ctx, rec: &mut R) -> Outcome {
    rec.open(|| any(format!("属于{NAMES}（任一）")));
    rec.reading(&readings::VENUE_GROUPS);
    // Dates to come matter only when no group without a date already counts.
    let undated = PRIORITY
        .into_iter()
        .filter(|g| !matches!(g, Group::CollegeGraduate | Group::RegisteredUnemployed))
        .any(|g| f.person.groups.contains(g));
    let relevant: &[Group] = if undated {
        &[]
    } else {
        &[Group::RegisteredUnemployed, Group::CollegeGraduate]
    };
    let ga = super::groups_as_of(f, cx, rec, relevant, |_, _| Some(Ok(())));
    let groups = ga.held;
    let mut ok = false;
    for g in PRIORITY {
        let held = groups.contains(g);
        ok |= held;
        rec.cond(held, || cond(g.zh()).val("person.groups", g.code()));
    }
    rec.close(ok);
    if ok {
        rec.reason(|| {
            let who: Vec<&str> = PRIORITY
                .into_iter()
                .filter(|g| groups.contains(*g))
                .map(Group::zh)
                .collect();
            format!(
                "{}在社区免费经营场地分配中优先（场地由有条件的社区提供）",
                who.join("、")
            )
        });
        return Outcome::ELIGIBLE_NO_MONEY;
    }
    if !ga.pending.is_empty() {
        return Outcome::NOT_ELIGIBLE;
    }
    rec.reason(|| format!("不属于{NAMES}（所报群体：{}）", groups.zh()));
    rec.change(|| Change {
        condition: "venue_group",
        text: format!("优先对象仅限{NAMES}"),
        possible: false,
        from: None,
    });
    Outcome::NOT_ELIGIBLE
}
