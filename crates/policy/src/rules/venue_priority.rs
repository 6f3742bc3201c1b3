//! B6 免费经营场地优先 — 三(六): free community business space goes first to
//! 下岗失业人员, 高校毕业生, 农民工 and 就业困难人员.

use super::{Ctx, any, cond};
use crate::determination::{Change, Outcome};
use crate::facts::{Facts, Group};
use crate::readings;
use crate::trace::Recorder;

const PRIORITY: [Group; 5] = [
    Group::LaidOff,
    Group::CollegeGraduate,
    Group::MigrantWorker,
    Group::ReturningMigrantWorker,
    Group::HardToEmploy,
];

pub(crate) fn evaluate<R: Recorder>(f: &Facts, _cx: &Ctx, rec: &mut R) -> Outcome {
    let groups = f.person.groups;
    rec.open(|| any("属于下岗失业人员、高校毕业生、农民工、就业困难人员（任一）"));
    rec.reading(&readings::VENUE_GROUPS);
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
    rec.reason(|| {
        format!(
            "不属于下岗失业人员、高校毕业生、农民工、就业困难人员（所报群体：{}）",
            groups.zh()
        )
    });
    rec.change(|| Change {
        condition: "venue_group",
        text: "优先对象仅限下岗失业人员、高校毕业生、农民工、就业困难人员".to_string(),
        possible: false,
        from: None,
    });
    Outcome::NOT_ELIGIBLE
}
