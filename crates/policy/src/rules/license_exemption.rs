//! B6 无须办理营业执照 — 三(四): selling farm and daily goods at
//! government-designated places and times, or convenience labour with one's
//! own skills that needs no permit by law, needs no business licence.

use super::{Ctx, any, cond, show};
use crate::determination::{Change, Outcome};
use crate::facts::{ActivityKind, Facts};
use crate::trace::Recorder;

pub(crate) fn evaluate<R: Recorder>(f: &Facts, _cx: &Ctx, rec: &mut R) -> Outcome {
    let kind = f.activity.as_ref().and_then(|a| a.kind);
    let permit = f.activity.as_ref().and_then(|a| a.needs_permit);
    rec.open(|| any("无须办理营业执照的经营活动（任一）"));
    let selling = kind == Some(ActivityKind::DesignatedPlaceSelling);
    rec.cond(selling, || {
        cond("在政府指定的场所和时间内销售农副产品、日常生活用品")
            .val("activity.kind", show(kind.map(|k| k.code())))
    });
    let labour = kind == Some(ActivityKind::ConvenienceLabour) && permit == Some(false);
    rec.cond(labour, || {
        cond("利用自己的技能从事依法无须取得许可的便民劳务")
            .val("activity.kind", show(kind.map(|k| k.code())))
            .val("activity.needs_permit", show(permit))
    });
    let ok = selling || labour;
    rec.close(ok);
    if ok {
        rec.reason(|| format!("{}，无须办理营业执照", kind.map(|k| k.zh()).unwrap_or("")));
        return Outcome::ELIGIBLE_NO_MONEY;
    }
    match kind {
        Some(ActivityKind::ConvenienceLabour) => {
            if permit == Some(true) {
                rec.reason(|| "所从事的便民劳务依法须取得许可，不适用免办营业执照".to_string());
                rec.change(|| Change {
                    condition: "no_permit_needed",
                    text: "仅依法无须取得许可的便民劳务免办营业执照".to_string(),
                    possible: false,
                    from: None,
                });
            } else {
                rec.reason(|| "未报便民劳务是否依法须取得许可".to_string());
                rec.change(|| Change {
                    condition: "needs_permit_known",
                    text: "提供该劳务是否依法须取得许可后重新判定".to_string(),
                    possible: true,
                    from: None,
                });
            }
        }
        Some(_) => {
            rec.reason(|| "所报经营活动不属于免办营业执照的情形".to_string());
            rec.change(|| Change {
                condition: "exempt_activity",
                text: "在政府指定的场所和时间内销售农副产品、日常生活用品，或利用自己的技能从事依法无须许可的便民劳务，无须办理营业执照".to_string(),
                possible: true,
                from: None,
            });
        }
        None => {
            rec.reason(|| "未报经营活动".to_string());
            rec.change(|| Change {
                condition: "exempt_activity",
                text: "在政府指定的场所和时间内销售农副产品、日常生活用品，或利用自己的技能从事依法无须许可的便民劳务，无须办理营业执照".to_string(),
                possible: true,
                from: None,
            });
        }
    }
    Outcome::NOT_ELIGIBLE
}
