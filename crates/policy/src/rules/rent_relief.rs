//! B6 国有房屋租金减免 — 三(六): 个体工商户 renting state-owned property get rent
//! relief under the rules in force; the amount is set by those rules and the
//! letting unit, not by this policy, so no amount is computed.

use super::{Ctx, all, cond, show};
use crate::determination::{Change, Outcome};
use crate::facts::{BusinessKind, Facts};
use crate::trace::Recorder;

pub(crate) fn evaluate<R: Recorder>(f: &Facts, cx: &Ctx, rec: &mut R) -> Outcome {
    if super::business_not_yet(f, cx, rec, "个体工商户") {
        return Outcome::NOT_ELIGIBLE;
    }
    let kind = f.business.as_ref().and_then(|b| b.kind);
    let rents = f
        .business
        .as_ref()
        .and_then(|b| b.rents_state_owned_property);
    rec.open(|| all("承租国有房屋的个体工商户"));
    let household = kind == Some(BusinessKind::IndividualHousehold);
    rec.cond(household, || {
        cond("经营主体为个体工商户").val("business.kind", show(kind.map(|k| k.code())))
    });
    let state = rents == Some(true);
    rec.cond(state, || {
        cond("承租国有房屋").val("business.rents_state_owned_property", show(rents))
    });
    let ok = household && state;
    rec.close(ok);
    if ok {
        rec.reason(|| {
            "个体工商户承租国有房屋，按规定减免房屋租金（减免金额按出租单位执行的减免规定确定）"
                .to_string()
        });
        return Outcome::ELIGIBLE_NO_MONEY;
    }
    if !household {
        rec.reason(|| match kind {
            Some(k) => format!("经营主体为{}，本项仅适用于个体工商户", k.zh()),
            None => "未填写经营主体，本项面向承租国有房屋的个体工商户".to_string(),
        });
        rec.change(|| Change {
            condition: "individual_household",
            text: "以个体工商户身份承租国有房屋经营的，按规定减免租金".to_string(),
            possible: true,
            from: None,
        });
    }
    if !state {
        rec.reason(|| match rents {
            Some(false) => "未承租国有房屋；承租非国有房屋的，引导出租人协商减免或缓收".to_string(),
            _ => "未报是否承租国有房屋".to_string(),
        });
        rec.change(|| Change {
            condition: "rents_state_owned_property",
            text: "承租国有企业、政府部门、高校、研究院所等单位的房屋时适用".to_string(),
            possible: true,
            from: None,
        });
    }
    Outcome::NOT_ELIGIBLE
}
