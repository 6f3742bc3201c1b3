//! B6 免征城市道路占用费 — 三(五): no urban road occupation fee for approved
//! roadside business.

use super::{Ctx, cond, show};
use crate::determination::{Change, Outcome};
use crate::facts::Facts;
use crate::trace::Recorder;

pub(crate) fn evaluate<R: Recorder>(f: &Facts, cx: &Ctx, rec: &mut R) -> Outcome {
    if super::business_not_yet(f, cx, rec, "经营主体") {
        return Outcome::NOT_ELIGIBLE;
    }
    let approved = f.business.as_ref().and_then(|b| b.road_occupation_approved);
    let ok = approved == Some(true);
    rec.cond(ok, || {
        cond("经批准占道经营").val("business.road_occupation_approved", show(approved))
    });
    if ok {
        rec.reason(|| "经批准占道经营，免征城市道路占用费".to_string());
        return Outcome::ELIGIBLE_NO_MONEY;
    }
    rec.reason(|| match approved {
        Some(false) => "占道经营未经批准，不适用免征城市道路占用费".to_string(),
        _ => "未报经批准占道经营".to_string(),
    });
    rec.change(|| Change {
        condition: "road_occupation_approved",
        text: "占道经营经有关部门批准后，免征城市道路占用费".to_string(),
        possible: true,
        from: None,
    });
    Outcome::NOT_ELIGIBLE
}
