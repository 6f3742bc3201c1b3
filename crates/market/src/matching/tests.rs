use super::*;
use crate::pay::{Floor, PayUnit, TimeUnit};
use crate::post::{Schedule, TimeSlot, Weekdays};
use crate::synth::Rng;
use crate::testing::*;
use proptest::prelude::*;

fn worker(n: u128, occupations: &[&str]) -> WorkerProfile {
    let (lat, lon) = seat("140105");
    WorkerProfile {
        id: Uuid::from_u128(n),
        occupations: occupations.iter().map(|s| s.to_string()).collect(),
        skills: vec!["擦玻璃".into()],
        certificates: vec![],
        lat,
        lon,
        radius_km: 10.0,
        availability: Schedule::any_time(),
        available_from: None,
        expected_pay: None,
        wanted_forms: vec![],
        age: Some(45),
        hard_to_employ: false,
    }
}

const TODAY: (i32, u32, u32) = (2026, 11, 28);

fn today() -> NaiveDate {
    date(TODAY.0, TODAY.1, TODAY.2)
}

fn rec_ids(r: &[Recommendation]) -> Vec<u128> {
    r.iter().map(|x| x.id.as_u128()).collect()
}

fn no_exposure() -> RecommendOptions {
    RecommendOptions {
        record_exposure: false,
    }
}

#[test]
fn occupation_children_distance_and_reasons() {
    let mut near = post(1, "家庭保洁", "jiazheng.baojie");
    near.skills = vec!["擦玻璃".into(), "做饭".into()];
    (near.lat, near.lon) = north_of(seat("140105"), 2.3);
    near.schedule = Schedule::weekly(Weekdays::WEEKEND, vec![TimeSlot::hm(9, 0, 12, 0)]);
    near.starts_on = today();
    let mut far = post(2, "家庭保洁", "jiazheng.baojie");
    (far.lat, far.lon) = north_of(seat("140105"), 12.0);
    let other_trade = post(3, "写字楼保洁员", "baojie.baojieyuan");
    let jobs = [near, far, other_trade];
    let matcher = JobMatcher::from_posts(&jobs).unwrap();
    let mut w = worker(100, &["jiazheng"]);
    w.expected_pay = Some(ExpectedPay::yuan(150, PayUnit::Day));
    let recs = matcher
        .recommend_jobs_with(&w, today(), 10, no_exposure())
        .unwrap();
    assert_eq!(rec_ids(&recs), vec![1]);
    let line = recs[0].why_line();
    assert!(
        line.starts_with("距离2.3公里 · 技能：擦玻璃 · 周末可做 · 日薪≥期望 · 雇主按时付薪95%"),
        "{line}"
    );
    assert_eq!(recs[0].why[0].kind, ReasonKind::Distance);
    // A worker wanting the exact trade, and one wanting another trade.
    assert_eq!(
        rec_ids(
            &matcher
                .recommend_jobs_with(
                    &worker(101, &["jiazheng.baojie"]),
                    today(),
                    10,
                    no_exposure()
                )
                .unwrap()
        ),
        vec![1]
    );
    assert_eq!(
        rec_ids(
            &matcher
                .recommend_jobs_with(&worker(102, &["baojie"]), today(), 10, no_exposure())
                .unwrap()
        ),
        vec![3]
    );
    // Wider radius: both 家政 jobs, nearer first.
    let mut wide = worker(103, &["jiazheng"]);
    wide.radius_km = 20.0;
    assert_eq!(
        rec_ids(
            &matcher
                .recommend_jobs_with(&wide, today(), 10, no_exposure())
                .unwrap()
        ),
        vec![1, 2]
    );
}

#[test]
fn hard_filters_each_exclude() {
    let base = post(1, "家庭保洁", "jiazheng.baojie");
    let w = worker(100, &["jiazheng.baojie"]);
    let check = |job: &JobPost, w: &WorkerProfile| {
        let m = JobMatcher::from_posts([job]).unwrap();
        let got = !m
            .recommend_jobs_with(w, today(), 5, no_exposure())
            .unwrap()
            .is_empty();
        let pool = WorkerPool::from_profiles([w]).unwrap();
        let back = !pool
            .recommend_workers_with(job, today(), 5, no_exposure())
            .unwrap()
            .is_empty();
        assert_eq!(got, back, "both directions agree");
        assert_eq!(got, hard_filter_failures(job, w, today()).is_empty());
        got
    };
    assert!(check(&base, &w));
    // Pay: 200 for a day of 4 hours (08:00-12:00) is an estimated 50/h.
    let mut x = w.clone();
    x.expected_pay = Some(ExpectedPay::yuan(50, PayUnit::Hour));
    assert!(check(&base, &x));
    x.expected_pay = Some(ExpectedPay::yuan(51, PayUnit::Hour));
    assert!(!check(&base, &x));
    let mut eight = base.clone();
    eight.schedule = Schedule::weekly(Weekdays::WORKDAYS, vec![]);
    x.expected_pay = Some(ExpectedPay::yuan(25, PayUnit::Hour));
    assert!(check(&eight, &x), "no slots: 8 hours, 25/h");
    x.expected_pay = Some(ExpectedPay::yuan(26, PayUnit::Hour));
    assert!(!check(&eight, &x));
    x.expected_pay = Some(ExpectedPay::yuan(4000, PayUnit::Month)); // ≈ 22.99/h
    assert!(check(&base, &x));
    x.expected_pay = Some(ExpectedPay::yuan(5, PayUnit::Piece));
    assert!(
        !check(&base, &x),
        "a day rate is not comparable with a piece rate"
    );
    // A piece rate is compared by the hour only through typical daily earnings.
    let mut by_piece = base.clone();
    by_piece.pay = Pay::piece("袋", 200);
    x.expected_pay = Some(ExpectedPay::yuan(25, PayUnit::Hour));
    assert!(!check(&by_piece, &x), "no estimate, no match");
    by_piece.pay = Pay::piece("袋", 200).with_typical_daily(20000);
    assert!(check(&by_piece, &x), "200 a day over 4 hours");
    x.expected_pay = Some(ExpectedPay::yuan(2, PayUnit::Piece));
    assert!(check(&by_piece, &x));
    // Without an expectation every pay passes, 面议 included.
    x.expected_pay = None;
    by_piece.pay = Pay::negotiable();
    assert!(check(&by_piece, &x));
    // Forms.
    let mut x = w.clone();
    x.wanted_forms = vec![JobForm::Hourly];
    assert!(!check(&base, &x));
    x.wanted_forms = vec![JobForm::Hourly, JobForm::Gig];
    assert!(check(&base, &x));
    // Certificates.
    let mut j = base.clone();
    j.required_certificates = vec!["健康证".into()];
    assert!(!check(&j, &w));
    let mut x = w.clone();
    x.certificates = vec![" 健康证 ".into()];
    assert!(check(&j, &x));
    // Time: the job is weekdays 8–12; a weekend-only worker, an evening worker.
    let mut x = w.clone();
    x.availability = Schedule::weekly(Weekdays::WEEKEND, vec![]);
    assert!(!check(&base, &x));
    x.availability = Schedule::weekly(Weekdays::ALL, vec![TimeSlot::hm(18, 0, 22, 0)]);
    assert!(!check(&base, &x));
    x.availability = Schedule::weekly(Weekdays::ALL, vec![TimeSlot::hm(11, 0, 22, 0)]);
    assert!(check(&base, &x));
    // Dates: available only after the job ended; a one-off on a Saturday
    // for a weekday worker; an expired post.
    let mut j = base.clone();
    j.ends_on = Some(date(2026, 12, 4));
    let mut x = w.clone();
    x.available_from = Some(date(2026, 12, 5));
    assert!(!check(&j, &x));
    x.available_from = Some(date(2026, 12, 4));
    assert!(check(&j, &x));
    let mut j = base.clone();
    j.schedule = Schedule::once(vec![]);
    j.starts_on = date(2026, 12, 5);
    let mut x = w.clone();
    x.availability = Schedule::weekly(Weekdays::WORKDAYS, vec![]);
    assert!(!check(&j, &x));
    x.availability = Schedule::weekly(Weekdays::WEEKEND, vec![]);
    assert!(check(&j, &x));
    let mut j = base.clone();
    j.expires_on = date(2026, 11, 27);
    assert!(!check(&j, &w));
    // Distance.
    let mut j = base.clone();
    (j.lat, j.lon) = north_of(seat("140105"), 10.5);
    assert!(!check(&j, &w));
    (j.lat, j.lon) = north_of(seat("140105"), 9.9);
    assert!(check(&j, &w));
    // 非全日制: 5 h a day is over the limit; 4 h × 6 days is fine; 4 h × 7 is not.
    let mut j = base.clone();
    j.form = JobForm::PartTime;
    j.schedule = Schedule::weekly(Weekdays::WORKDAYS, vec![TimeSlot::hm(8, 0, 13, 0)]);
    assert!(!check(&j, &w));
    j.schedule = Schedule::weekly(Weekdays(0b011_1111), vec![TimeSlot::hm(8, 0, 12, 0)]);
    assert!(check(&j, &w));
    j.schedule = Schedule::weekly(Weekdays::ALL, vec![TimeSlot::hm(8, 0, 12, 0)]);
    assert!(!check(&j, &w));
    // Occupation.
    assert!(!check(&base, &worker(100, &["baojie"])));
    assert!(check(&base, &worker(100, &["jiazheng"])));
}

#[test]
fn congestion_damper_spreads_exposure() {
    let a = post(1, "家庭保洁", "jiazheng.baojie");
    let b = post(2, "家庭保洁", "jiazheng.baojie");
    let m = JobMatcher::from_posts([&a, &b]).unwrap();
    let w = worker(100, &["jiazheng"]);
    let first = m.recommend_jobs(&w, today(), 1).unwrap();
    assert_eq!(rec_ids(&first), vec![1], "equal scores: lower id first");
    assert_eq!(m.exposure(a.id), Some(1));
    // Now job 1 has been shown once: job 2 wins the next slot.
    let second = m.recommend_jobs(&w, today(), 1).unwrap();
    assert_eq!(rec_ids(&second), vec![2]);
    let s0 = first[0].score;
    // 20 exposures on a one-person job halve the score.
    m.set_exposure(a.id, 20);
    m.set_exposure(b.id, 0);
    let r = m
        .recommend_jobs_with(&w, today(), 2, no_exposure())
        .unwrap();
    assert_eq!(rec_ids(&r), vec![2, 1]);
    assert!(
        (r[1].score - s0 / 2.0).abs() < 1e-9,
        "{} vs {}",
        r[1].score,
        s0
    );
    m.reset_exposure();
    assert_eq!(m.exposure(a.id), Some(0));
    // Workers are damped too.
    let pool =
        WorkerPool::from_profiles([&worker(7, &["jiazheng"]), &worker(8, &["jiazheng"])]).unwrap();
    assert_eq!(
        rec_ids(&pool.recommend_workers(&a, today(), 1).unwrap()),
        vec![7]
    );
    assert_eq!(
        rec_ids(&pool.recommend_workers(&a, today(), 1).unwrap()),
        vec![8]
    );
}

#[test]
fn workers_for_a_job_with_reasons_and_support_boost() {
    let mut job = post(1, "家庭保洁", "jiazheng.baojie");
    job.skills = vec!["擦玻璃".into()];
    let mut a = worker(10, &["jiazheng"]);
    a.expected_pay = Some(ExpectedPay::yuan(180, PayUnit::Day));
    let mut b = a.clone();
    b.id = Uuid::from_u128(11);
    b.hard_to_employ = true;
    let c = worker(12, &["anbao"]);
    let mut pool = WorkerPool::from_profiles([&a, &b, &c]).unwrap();
    assert_eq!(pool.len(), 3);
    let r = pool
        .recommend_workers_with(&job, today(), 10, no_exposure())
        .unwrap();
    assert_eq!(rec_ids(&r), vec![11, 10]);
    let line = r[0].why_line();
    assert!(line.contains("技能：擦玻璃"), "{line}");
    assert!(line.contains("期望日薪180元，本岗位满足"), "{line}");
    assert!(!line.contains("困难"), "the status is not shown: {line}");
    assert!(pool.remove(b.id));
    assert!(!pool.remove(b.id));
    let r = pool
        .recommend_workers_with(&job, today(), 10, no_exposure())
        .unwrap();
    assert_eq!(rec_ids(&r), vec![10]);
}

#[test]
fn upsert_replaces_and_unknown_occupations_are_refused() {
    let mut m = JobMatcher::new();
    let mut j = post(1, "家庭保洁", "jiazheng.baojie");
    m.upsert(&j).unwrap();
    j.occupation = "baojie.baojieyuan".into();
    m.upsert(&j).unwrap();
    assert_eq!(m.len(), 1);
    let w = worker(100, &["jiazheng"]);
    assert!(m.recommend_jobs(&w, today(), 5).unwrap().is_empty());
    assert_eq!(
        m.recommend_jobs(&worker(100, &["baojie"]), today(), 5)
            .unwrap()
            .len(),
        1
    );
    j.occupation = "nope".into();
    assert_eq!(m.upsert(&j).unwrap_err().code(), "occupation_unknown");
    assert!(m.remove(j.id));
    assert!(m.is_empty());
    assert_eq!(
        m.recommend_jobs(&worker(1, &["nope"]), today(), 5)
            .unwrap_err()
            .code(),
        "occupation_unknown"
    );
}

/// A small, dense market around 小店区 where many pairs pass some filters
/// and fail others.
fn dense_market(seed: u64, jobs: usize, workers: usize) -> (Vec<JobPost>, Vec<WorkerProfile>) {
    const OCCS: &[&str] = &[
        "jiazheng",
        "jiazheng.baojie",
        "jiazheng.pengren",
        "baojie",
        "baojie.baojieyuan",
        "baojie.wuye",
    ];
    const JOB_OCCS: &[&str] = &[
        "jiazheng.baojie",
        "jiazheng.pengren",
        "baojie.baojieyuan",
        "baojie.wuye",
    ];
    const SKILLS: &[&str] = &["擦玻璃", "做饭", "收纳", "地面清洗"];
    const CERTS: &[&str] = &["健康证", "电工证"];
    let mut rng = Rng::new(seed, 9, 0);
    let centre = seat("140105");
    let point = |rng: &mut Rng| {
        (
            centre.0 + (rng.unit() - 0.5) * 0.3,
            centre.1 + (rng.unit() - 0.5) * 0.3,
        )
    };
    let slot_pool = [
        TimeSlot::hm(8, 0, 12, 0),
        TimeSlot::hm(13, 0, 17, 0),
        TimeSlot::hm(18, 0, 21, 0),
        TimeSlot::hm(8, 0, 13, 0),
    ];
    let pays = [
        Pay::yuan(200, PayUnit::Day),
        Pay::yuan(25, PayUnit::Hour),
        Pay::yuan(22, PayUnit::Hour),
        Pay::yuan(4000, PayUnit::Month),
        Pay::yuan(6, PayUnit::Piece),
        Pay::yuan(160, PayUnit::Day),
        Pay::yuan(150, PayUnit::Day).up_to(20000),
        Pay::time(TimeUnit::HalfDay, 12000),
        Pay::piece("袋", 200).with_typical_daily(20000),
        Pay::piece("单", 500),
        Pay::negotiable(),
        Pay::yuan(3000, PayUnit::Month).with_commission(),
        Pay::yuan(180, PayUnit::Day).with_floor(Floor::From),
    ];
    let expectations = [
        ExpectedPay::yuan(200, PayUnit::Day),
        ExpectedPay::yuan(25, PayUnit::Hour),
        ExpectedPay::yuan(22, PayUnit::Hour),
        ExpectedPay::yuan(4000, PayUnit::Month),
        ExpectedPay::yuan(6, PayUnit::Piece),
        ExpectedPay::yuan(160, PayUnit::Day),
    ];
    let today = date(TODAY.0, TODAY.1, TODAY.2);
    let mut js = Vec::new();
    for i in 0..jobs {
        let mut j = post(i as u128 + 1, "家庭保洁", OCCS[1]);
        j.occupation = rng.pick(JOB_OCCS).to_string();
        (j.lat, j.lon) = point(&mut rng);
        j.form = *rng.pick(&JobForm::ALL);
        j.pay = rng.pick(&pays).clone();
        j.skills = (0..rng.below(3))
            .map(|_| rng.pick(SKILLS).to_string())
            .collect();
        j.required_certificates = if rng.chance(0.3) {
            vec![rng.pick(CERTS).to_string()]
        } else {
            vec![]
        };
        j.starts_on = today + chrono::Duration::days(rng.range(-5, 10));
        j.ends_on = rng
            .chance(0.5)
            .then(|| j.starts_on + chrono::Duration::days(rng.range(0, 10)));
        let days = Weekdays(rng.range(1, 127) as u8);
        let slots = if rng.chance(0.2) {
            vec![]
        } else {
            vec![*rng.pick(&slot_pool)]
        };
        j.schedule = if rng.chance(0.3) {
            Schedule::once(slots)
        } else {
            Schedule::weekly(days, slots)
        };
        j.hours_per_week = rng.chance(0.2).then(|| rng.range(10, 30) as u32);
        j.expires_on = today + chrono::Duration::days(rng.range(-2, 20));
        j.headcount = rng.range(1, 3) as u32;
        js.push(j);
    }
    let mut ws = Vec::new();
    for i in 0..workers {
        let mut w = worker(10_000 + i as u128, &[]);
        w.occupations = (0..rng.range(1, 2))
            .map(|_| rng.pick(OCCS).to_string())
            .collect();
        (w.lat, w.lon) = point(&mut rng);
        w.radius_km = rng.range(1, 25) as f64;
        w.skills = (0..rng.below(3))
            .map(|_| rng.pick(SKILLS).to_string())
            .collect();
        w.certificates = (0..rng.below(3))
            .map(|_| rng.pick(CERTS).to_string())
            .collect();
        let days = Weekdays(rng.range(1, 127) as u8);
        let slots = if rng.chance(0.3) {
            vec![]
        } else {
            vec![*rng.pick(&slot_pool)]
        };
        w.availability = Schedule::weekly(days, slots);
        w.available_from = rng
            .chance(0.3)
            .then(|| today + chrono::Duration::days(rng.range(-3, 12)));
        w.expected_pay = if rng.chance(0.7) {
            Some(*rng.pick(&expectations))
        } else {
            None
        };
        w.wanted_forms = (0..rng.below(3))
            .map(|_| *rng.pick(&JobForm::ALL))
            .collect();
        w.hard_to_employ = rng.chance(0.2);
        ws.push(w);
    }
    (js, ws)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// No recommendation ever breaks a hard filter, in either direction,
    /// and with a large enough limit every eligible pair is found.
    #[test]
    fn recommendations_respect_every_hard_filter(seed in any::<u64>(), day_offset in -3i64..10) {
        let (jobs, workers) = dense_market(seed, 250, 60);
        let today = today() + chrono::Duration::days(day_offset);
        let matcher = JobMatcher::from_posts(&jobs).unwrap();
        let pool = WorkerPool::from_profiles(&workers).unwrap();
        let job_by_id: HashMap<Uuid, &JobPost> = jobs.iter().map(|j| (j.id, j)).collect();
        let worker_by_id: HashMap<Uuid, &WorkerProfile> = workers.iter().map(|w| (w.id, w)).collect();
        let mut pairs = 0;
        for w in &workers {
            let recs = matcher.recommend_jobs_with(w, today, 1000, no_exposure()).unwrap();
            for r in &recs {
                let failed = hard_filter_failures(job_by_id[&r.id], w, today);
                prop_assert!(failed.is_empty(), "job {} for worker {}: {:?}", r.id, w.id, failed);
                prop_assert!(!r.why.is_empty());
            }
            let eligible = jobs.iter().filter(|j| hard_filter_failures(j, w, today).is_empty()).count();
            prop_assert_eq!(recs.len(), eligible);
            pairs += eligible;
            // A small limit returns the head of the full ranking.
            let top3 = matcher.recommend_jobs_with(w, today, 3, no_exposure()).unwrap();
            prop_assert_eq!(rec_ids(&top3), rec_ids(&recs[..recs.len().min(3)]));
        }
        for j in &jobs {
            let recs = pool.recommend_workers_with(j, today, 1000, no_exposure()).unwrap();
            for r in &recs {
                let failed = hard_filter_failures(j, worker_by_id[&r.id], today);
                prop_assert!(failed.is_empty(), "worker {} for job {}: {:?}", r.id, j.id, failed);
            }
            let eligible = workers.iter().filter(|w| hard_filter_failures(j, w, today).is_empty()).count();
            prop_assert_eq!(recs.len(), eligible);
        }
        // The generator must exercise the filters: some pairs pass.
        prop_assert!(pairs > 0);
    }
}
