//! Demo data for 从业人员报送 (五(十二)): a verified delivery platform in the demo county and a
//! handful of riders and drivers it reported — most of them people the demo already holds,
//! two registered by the report itself, one record ended — sent through the same reporting
//! path as a platform's own file. The demo's `demo-platform` account signs in as it.

use std::collections::HashMap;

use chrono::Duration;
use linghuo_domain::RegionCode;
use linghuo_market::synth::Rng;
use linghuo_storage::market::{self as repo, EmployerRow};
use uuid::Uuid;

use super::{id_number, name, phone, uscc};
use crate::market::platform_workers::{Reporter, WorkerRowInput, worker_records};
use crate::{Result, Service, protect};

const DEMO_COUNTY: &str = "140105";

/// (occupation, form, injury cover)
const WORK: &[(&str, &str, Option<bool>)] = &[
    ("网约配送员", "新就业形态", Some(true)),
    ("网约配送员", "新就业形态", Some(true)),
    ("网约车驾驶员", "新就业形态", Some(false)),
    ("网约配送员", "新就业形态", None),
    ("同城货运司机", "零工", Some(true)),
    ("网约配送员", "非全日制", Some(true)),
];

impl Service {
    /// Seeds the demo platform and its reported workers; returns how many records it holds.
    pub(crate) async fn seed_demo_platform(
        &self,
        seed: u64,
        workers_by_county: &HashMap<RegionCode, Vec<Uuid>>,
    ) -> Result<usize> {
        let Ok(county) = RegionCode::parse(DEMO_COUNTY) else {
            return Ok(0);
        };
        let now = self.clock.now();
        let today = self.clock.today_cst();
        let mut rng = Rng::new(seed, 909, 0);
        let id = Uuid::new_v4();
        let ph = phone(&mut rng);
        let employer = EmployerRow {
            id,
            kind: "platform".into(),
            name: "山西晋快送网络科技有限公司".into(),
            uscc: Some(uscc(&mut rng, &county, "platform")),
            holder_person_id: None,
            contact_name: name(&mut rng),
            contact_phone_cipher: Some(self.keys.seal(
                &protect::context("employers.contact_phone", &id),
                ph.as_str().as_bytes(),
            )),
            county_code: county.as_str(),
            address: "小店区长风街88号".into(),
            verified: true,
            verified_by: None,
            verified_at: Some(now),
            created_at: now - Duration::days(200),
            updated_at: now,
            licence_no: None,
        };
        let mut tx = self.db.begin().await?;
        repo::insert_employer(&mut tx, &employer).await?;
        let index = self.keys.blind_index("phone", ph.as_str());
        repo::set_employer_phone_index(&mut tx, id, Some(&index)).await?;
        tx.commit().await?;

        // The riders: people of the demo county (their ID numbers as stored), and two the
        // report registers itself.
        let mut rows = Vec::new();
        let known = workers_by_county.get(&county).cloned().unwrap_or_default();
        for pid in known.iter().take(WORK.len() - 2) {
            let Some(p) = linghuo_storage::persons::by_id(&self.db, *pid).await? else {
                continue;
            };
            let idn = self
                .keys
                .open(&protect::context("persons.id_number", pid), &p.id_cipher)
                .map_err(|e| crate::ServiceError::Internal(e.to_string()))?;
            rows.push(WorkerRowInput {
                id_number: String::from_utf8_lossy(&idn).into_owned(),
                name: p.name.clone(),
                ..WorkerRowInput::default()
            });
        }
        for i in 0..2u32 {
            rows.push(WorkerRowInput {
                id_number: id_number(&mut rng, &county, 1995 + i as i32, 900 + i)
                    .as_str()
                    .to_owned(),
                name: name(&mut rng),
                ..WorkerRowInput::default()
            });
        }
        for (i, r) in rows.iter_mut().enumerate() {
            let (occupation, form, cover) = WORK[i % WORK.len()];
            r.phone = Some(phone(&mut rng).as_str().to_owned());
            r.form = Some(form.into());
            r.county = DEMO_COUNTY.into();
            r.started_on = (today - Duration::days(rng.range(20, 400))).to_string();
            r.occupation = Some(occupation.into());
            r.injury_cover = cover;
            // One rider has stopped riding for the platform.
            if i == 3 {
                r.ended_on = Some((today - Duration::days(10)).to_string());
            }
        }
        let bytes = serde_json::to_vec(&rows).unwrap_or_default();
        let report = self
            .report_platform_workers(
                Reporter::CommandLine(id),
                &bytes,
                worker_records(&rows),
                false,
            )
            .await?;
        Ok(report.added)
    }
}
