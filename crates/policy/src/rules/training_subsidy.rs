//! B6 职业培训补贴和生活费补贴 — 四(八): flexible workers in approved training get
//! the training subsidy and living allowance under the rules in force; those
//! who want to start a business are brought into entrepreneurship training.
//!
//! Who is a flexible worker (`training_flexible_worker`): the document opens with the forms it
//! supports — 个体经营, 非全日制 and 新就业形态 — and 零工 besides; so a 灵活就业登记 (or a
//! form given), a 平台就业人员, a hire in force on the day in a flexible form (用工登记: hired
//! through the gig market or registered at the window), or an 个体工商户 registered by the day
//! each counts. A hire that starts, or a household registered, after the day has not happened
//! yet and does not count.

use super::{Ctx, all, any, cond, show};
use crate::calendar::zh_date;
use crate::determination::{Change, Outcome};
use crate::facts::{BusinessKind, Facts, FlexibleWork, Group};
use crate::readings;
use crate::trace::Recorder;

/// How a person is a flexible worker on the day, in words for the reasons.
enum Basis {
    Registered(FlexibleWork),
    Platform,
    Hire(FlexibleWork, chrono::NaiveDate),
    Household(chrono::NaiveDate),
}

impl Basis {
    fn words(&self) -> String {
        match self {
            Basis::Registered(w) => format!("灵活就业形式为{}", w.zh()),
            Basis::Platform => "平台就业人员".to_string(),
            Basis::Hire(w, d) => format!("自{}起有{}形式的用工登记", zh_date(*d), w.zh()),
            Basis::Household(d) => format!("个体经营（个体工商户于{}登记）", zh_date(*d)),
        }
    }
}

pub(crate) fn evaluate<R: Recorder>(f: &Facts, cx: &Ctx, rec: &mut R) -> Outcome {
    let work = f.person.flexible_work;
    let platform = f.person.groups.contains(Group::PlatformWorker);
    let hire = f
        .hires
        .iter()
        .filter(|h| h.active_on(cx.as_of))
        .min_by_key(|h| h.started_on);
    let upcoming = f
        .hires
        .iter()
        .filter(|h| h.started_on > cx.as_of)
        .min_by_key(|h| h.started_on);
    let household = f.business.as_ref().and_then(|b| {
        (b.kind == Some(BusinessKind::IndividualHousehold))
            .then_some(b.registered_on)
            .flatten()
    });
    let household_now = household.filter(|r| *r <= cx.as_of);
    let enrolled = f.training.as_ref().and_then(|t| t.enrolled_approved_course);
    let wants = f.training.as_ref().and_then(|t| t.wants_to_start_business);
    rec.reading(&readings::TRAINING_FLEXIBLE_WORKER);
    rec.open(|| all("灵活就业人员参加培训"));
    rec.open(|| any("灵活就业人员（任一）"));
    rec.cond(work.is_some(), || {
        cond("办理灵活就业登记（灵活就业形式）")
            .val("person.flexible_work", show(work.map(|w| w.code())))
    });
    rec.cond(platform, || {
        cond("平台就业人员").val("person.groups包含platform_worker", platform)
    });
    rec.cond(hire.is_some(), || {
        cond("判定日期时有在岗的灵活形式用工登记")
            .val("hires", f.hires.len())
            .val("as_of", cx.as_of)
    });
    rec.cond(household_now.is_some(), || {
        cond("判定日期时已登记个体工商户（个体经营）")
            .val("business.registered_on", show(household))
    });
    let basis = if let Some(w) = work {
        Some(Basis::Registered(w))
    } else if platform {
        Some(Basis::Platform)
    } else if let Some(h) = hire {
        Some(Basis::Hire(h.form, h.started_on))
    } else {
        household_now.map(Basis::Household)
    };
    let flexible = basis.is_some();
    rec.close(flexible);
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
        let basis = basis.as_ref().map(Basis::words).unwrap_or_default();
        if course {
            rec.reason(|| {
                format!(
                    "灵活就业人员（{basis}）参加经认定的培训，按规定享受职业培训补贴和培训期间生活费补贴"
                )
            });
        }
        if startup {
            rec.reason(|| {
                format!(
                    "有创业意愿的灵活就业人员（{basis}）纳入创业培训范围（店铺开办、市场分析、经营策略等）"
                )
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
        // A hire or a household dated after the day has not happened yet.
        let to_come = match (
            upcoming.map(|h| h.started_on),
            household.filter(|r| *r > cx.as_of),
        ) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(d) = to_come {
            rec.reading(&readings::FACTS_AFTER_AS_OF_NOT_YET);
            rec.reason(|| {
                if upcoming.is_some_and(|h| h.started_on == d) {
                    format!(
                        "用工登记的到岗日期{}还未到（判定日期为{}），判定日期时尚不是灵活就业人员",
                        zh_date(d),
                        zh_date(cx.as_of)
                    )
                } else {
                    format!(
                        "个体工商户的登记日期{}还未到（判定日期为{}），判定日期时尚不是灵活就业人员",
                        zh_date(d),
                        zh_date(cx.as_of)
                    )
                }
            });
            rec.change(|| Change {
                condition: "flexible_worker",
                text: format!("自{}起按灵活就业人员重新判定", zh_date(d)),
                possible: true,
                from: Some(d),
            });
        } else {
            rec.reason(|| {
                if f.hires.is_empty() {
                    "未办理灵活就业登记，也没有灵活形式的用工登记或个体经营，本项面向灵活就业人员"
                        .to_string()
                } else {
                    "未办理灵活就业登记，所报用工登记在判定日期时均已结束，也没有个体经营，本项面向灵活就业人员"
                        .to_string()
                }
            });
            rec.change(|| Change {
                condition: "flexible_worker",
                text: "以个体经营、非全日制、新就业形态（平台）或零工等形式灵活就业的人员适用：办理灵活就业登记，或经零工市场录用（自动办理用工登记）".to_string(),
                possible: true,
                from: None,
            });
        }
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
