//! B4 创业担保贷款 — 二(一), 二(三): the nationally eligible groups may borrow up
//! to the individual ceiling (300,000 yuan from 2020-11-19, 150,000 before);
//! 平台就业人员 may borrow, with interest subsidy, to buy the tools their work
//! needs.

use super::{Ctx, any, cond, need, show};
use crate::calendar::zh_date;
use crate::determination::{Change, Outcome};
use crate::facts::{Facts, Group, LoanPurpose};
use crate::parameters::Param;
use crate::readings;
use crate::trace::Recorder;

/// The national eligible groups (财金〔2020〕21号 and earlier).
const NATIONAL: [Group; 8] = [
    Group::RegisteredUnemployed,
    Group::HardToEmploy,
    Group::Disabled,
    Group::Veteran,
    Group::CollegeGraduate,
    Group::ReturningMigrantWorker,
    Group::RegisteredPoor,
    Group::LaidOff,
];

pub(crate) fn evaluate<R: Recorder>(f: &Facts, cx: &Ctx, rec: &mut R) -> Outcome {
    let ceiling = need!(cx, rec, money, Param::LoanCeiling);
    let purpose = f.loan.as_ref().and_then(|l| l.purpose);

    rec.open(|| any("属于创业担保贷款对象（任一）"));
    // Dates to come matter only when no group without a date already counts.
    let undated = NATIONAL
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
    rec.reading(&readings::LOAN_NATIONAL_GROUPS);
    let mut national = false;
    for g in NATIONAL {
        if groups.contains(g) {
            national = true;
            rec.cond(true, || cond(g.zh()).val("person.groups", g.code()));
        }
    }
    if !national {
        rec.cond(false, || {
            cond("属于国家规定的创业担保贷款对象群体").val("person.groups", groups.zh())
        });
    }
    let platform = groups.contains(Group::PlatformWorker);
    let tools = purpose == Some(LoanPurpose::PlatformWorkTools);
    let platform_ok = platform && tools;
    rec.cond(platform_ok, || {
        cond("平台就业人员购置生产经营必需工具")
            .val("person.groups包含platform_worker", platform)
            .val("loan.purpose", show(purpose.map(|p| p.code())))
    });
    let eligible = national || platform_ok;
    rec.close(eligible);

    if !eligible {
        if platform {
            rec.reason(|| {
                format!(
                    "平台就业人员仅在购置生产经营必需工具时可申请创业担保贷款，所报贷款用途为{}",
                    purpose.map(|p| p.zh()).unwrap_or("（未提供）")
                )
            });
            rec.change(|| Change {
                condition: "platform_work_tools",
                text: "平台就业人员贷款用于购置生产经营必需工具时可申请创业担保贷款及贴息"
                    .to_string(),
                possible: true,
                from: None,
            });
        } else if ga.pending.is_empty() {
            rec.reason(|| format!("不属于创业担保贷款对象（所报群体：{}）", groups.zh()));
            rec.change(|| Change {
                condition: "loan_group",
                text: "仅限登记失业人员、就业困难人员（含残疾人）、退役军人、高校毕业生、返乡农民工、建档立卡贫困人口等国家规定对象，或购置生产经营必需工具的平台就业人员".to_string(),
                possible: false,
                from: None,
            });
        }
        return Outcome::NOT_ELIGIBLE;
    }

    rec.reading(&readings::LOAN_PAYABLE_IS_CEILING);
    rec.reason(|| {
        let who: Vec<&str> = NATIONAL
            .into_iter()
            .filter(|g| groups.contains(*g))
            .map(Group::zh)
            .collect();
        let mut s = if national {
            format!("{}属于创业担保贷款对象", who.join("、"))
        } else {
            "平台就业人员购置生产经营必需工具，可申请创业担保贷款及贴息".to_string()
        };
        s.push_str(&format!(
            "；{}有效的个人贷款额度上限为{}",
            zh_date(cx.as_of),
            ceiling.yuan_text()
        ));
        s
    });
    Outcome {
        eligible: true,
        amount: ceiling,
        payable_now: ceiling,
        payable_from: None,
    }
}
