//! B6 职业培训补贴和生活费补贴 — 四(八): flexible workers in approved training get
//! the training subsidy and living allowance under the rules in force; those
//! who want to start a business are brought into entrepreneurship training.

use super::{Ctx, all, any, cond, show};
use crate::determination::{Change, Outcome};
use crate::facts::{Facts, Group};
use crate::readings;
use crate::trace::Recorder;

pub(crate) fn evaluate<R: Recorder>(f: &Facts, _cx: &Ctx, rec: &mut R) -> Outcome {
    let work = f.person.flexible_work;
    let platform = f.person.groups.contains(Group::PlatformWorker);
    let enrolled = f.training.as_ref().and_then(|t| t.enrolled_approved_course);
    let wants = f.training.as_ref().and_then(|t| t.wants_to_start_business);
    rec.reading(&readings::TRAINING_FLEXIBLE_WORKER);
    rec.open(|| all("灵活就业人员参加培训"));
    let flexible = work.is_some() || platform;
    rec.cond(flexible, || {
        cond("灵活就业人员")
            .val("person.flexible_work", show(work.map(|w| w.code())))
            .val("person.groups包含platform_worker", platform)
    });
    rec.open(|| any("参加经认定的培训或有创业意愿（任一）"));
    let course = enrolled == Some(true);
    let startup = wants == Some(true);
    rec.cond(course, || {
        cond("参加经认定的职业技能培训").val("training.enrolled_approved_course", show(enrolled))
    });
    rec.cond(startup, || {
        cond("有创业意愿（纳入创业培训范围）").val("training.wants_to_start_business", show(wants))
    });
    rec.close(course || startup);
    let ok = flexible && (course || startup);
    rec.close(ok);
    if ok {
        if course {
            rec.reason(|| {
                format!(
                    "灵活就业人员（{}）参加经认定的培训，按规定享受职业培训补贴和培训期间生活费补贴",
                    work.map(|w| w.zh()).unwrap_or("平台就业人员")
                )
            });
        }
        if startup {
            rec.reason(|| {
                "有创业意愿的灵活就业人员纳入创业培训范围（店铺开办、市场分析、经营策略等）"
                    .to_string()
            });
            if !course {
                rec.change(|| Change {
                    condition: "enrolled_approved_course",
                    text: "参加经认定的职业技能培训，可按规定享受职业培训补贴和培训期间生活费补贴"
                        .to_string(),
                    possible: true,
                    from: None,
                });
            }
        }
        return Outcome::ELIGIBLE_NO_MONEY;
    }
    if !flexible {
        rec.reason(|| "未报灵活就业形式，本项面向灵活就业人员".to_string());
        rec.change(|| Change {
            condition: "flexible_worker",
            text: "以非全日制、个体经营、平台就业或零工等形式灵活就业的人员适用".to_string(),
            possible: true,
            from: None,
        });
    }
    if !(course || startup) {
        rec.reason(|| "未参加经认定的培训，也未报创业意愿".to_string());
        rec.change(|| Change {
            condition: "enrolled_approved_course",
            text: "参加经认定的职业技能培训，或有创业意愿参加创业培训".to_string(),
            possible: true,
            from: None,
        });
    }
    Outcome::NOT_ELIGIBLE
}
