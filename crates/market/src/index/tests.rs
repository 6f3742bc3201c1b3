use super::*;
use crate::pay::{Pay, PayUnit};
use crate::post::{Schedule, Weekdays};
use crate::testing::*;

fn ids(hits: &[SearchHit]) -> Vec<u128> {
    hits.iter().map(|h| h.id.as_u128()).collect()
}

fn sorted(mut v: Vec<u128>) -> Vec<u128> {
    v.sort();
    v
}

fn index_of(posts: &[JobPost]) -> MarketIndex {
    let index = MarketIndex::in_memory_with(IndexOptions {
        writer_threads: 1,
        writer_memory_mib: 20,
    })
    .unwrap();
    for p in posts {
        index.upsert(p).unwrap();
    }
    index.commit().unwrap();
    index
}

/// The exact matches of a text (related and nearby work left out).
fn text(index: &MarketIndex, t: &str) -> Vec<u128> {
    let hits = index.search(&SearchQuery::text(t)).unwrap();
    let exact: Vec<SearchHit> = hits
        .into_iter()
        .filter(|h| h.tier == MatchTier::Exact)
        .collect();
    sorted(ids(&exact))
}

fn trades() -> Vec<JobPost> {
    let mut v = vec![
        post(1, "家庭保洁，上门打扫", "jiazheng.baojie"),
        post(2, "写字楼保洁员", "baojie.baojieyuan"),
        post(3, "小区保安，夜班", "anbao.baoan"),
        post(4, "住家阿姨，照顾产妇和新生儿", "muying.muying_huli"),
        post(5, "水电工，上门维修水管电路", "weixiu.shuidian"),
        post(6, "餐厅服务员", "canyin.fuwuyuan"),
        post(7, "外卖骑手，多劳多得", "peisong.wangyue"),
        post(8, "仓库装卸工", "banyun.zhuangxie"),
    ];
    v[3].description = "有母婴护理员证书优先，负责产妇护理和新生儿护理".into();
    v[5].description = "负责点餐、传菜，包工作餐".into();
    v[7].description = "负责货物装车卸车，日结".into();
    v
}

#[test]
fn chinese_relevance() {
    let index = index_of(&trades());
    assert_eq!(
        text(&index, "保洁"),
        vec![1, 2],
        "保洁 finds 家庭保洁 and 保洁员, not 保安"
    );
    assert_eq!(text(&index, "保安"), vec![3]);
    assert_eq!(text(&index, "月嫂"), vec![4], "月嫂 finds 母婴护理");
    assert_eq!(text(&index, "母婴护理"), vec![4]);
    assert_eq!(text(&index, "水电"), vec![5], "水电 finds 水电工");
    assert_eq!(text(&index, "水电工"), vec![5]);
    assert_eq!(text(&index, "找保洁的工作"), vec![1, 2]);
    assert_eq!(text(&index, "骑手"), vec![7]);
    assert_eq!(text(&index, "送外卖"), vec![7]);
    assert_eq!(text(&index, "宇航员"), Vec::<u128>::new());
    // Place words: the posts are all in 小店区, 太原市.
    assert_eq!(text(&index, "小店 保洁"), vec![1, 2]);
    assert_eq!(text(&index, "太原保安"), vec![3]);
    // The exact trade ranks first.
    let hits = index.search(&SearchQuery::text("家庭保洁员")).unwrap();
    assert_eq!(hits[0].id.as_u128(), 1);
}

#[test]
fn why_line_and_stored_fields() {
    let mut p = post(1, "保洁员", "baojie.baojieyuan");
    p.external_id = Some("TY-0001".into());
    let (lat, lon) = north_of(seat("140105"), 2.3);
    p.lat = lat;
    p.lon = lon;
    let index = index_of(&[p]);
    let hits = index
        .search(&SearchQuery {
            text: Some("保洁".into()),
            near: Some(seat("140105")),
            ..SearchQuery::default()
        })
        .unwrap();
    assert_eq!(hits.len(), 1);
    let h = &hits[0];
    assert_eq!(h.title, "保洁员");
    assert_eq!(h.external_id.as_deref(), Some("TY-0001"));
    assert_eq!(h.why, "距离2.3公里 · 保洁员 · 日薪200元");
    assert!(h.score > 0.0);
    assert!((h.distance_km.unwrap() - 2.3).abs() < 0.01);
}

#[test]
fn radius_and_distance_order() {
    let centre = seat("140105");
    let mut posts = Vec::new();
    for (n, km) in [
        (1u128, 0.5),
        (2, 4.0),
        (3, 9.9),
        (4, 10.2),
        (5, 25.0),
        (6, 2.0),
    ] {
        let mut p = post(n, "保洁员", "baojie.baojieyuan");
        (p.lat, p.lon) = north_of(centre, km);
        posts.push(p);
    }
    let index = index_of(&posts);
    for plan in [PLAN_AUTO, PLAN_ALL_TERMS, PLAN_NO_TERMS] {
        index.set_plan(plan);
        radius_holds(&index, &posts, centre);
    }
}

fn radius_holds(index: &MarketIndex, posts: &[JobPost], centre: (f64, f64)) {
    let q = SearchQuery {
        text: Some("保洁".into()),
        near: Some(centre),
        radius_km: Some(10.0),
        sort: SortBy::Distance,
        ..SearchQuery::default()
    };
    let hits = index.search(&q).unwrap();
    assert_eq!(ids(&hits), vec![1, 6, 2, 3]);
    for h in &hits {
        let p = posts.iter().find(|p| p.id == h.id).unwrap();
        let d = haversine_km(centre.0, centre.1, p.lat, p.lon);
        assert!((h.distance_km.unwrap() - d).abs() < 1e-9);
        assert!(d <= 10.0);
    }
    // Without text, radius alone; with a large radius all six.
    let all = index
        .search(&SearchQuery {
            near: Some(centre),
            radius_km: Some(30.0),
            sort: SortBy::Distance,
            ..SearchQuery::default()
        })
        .unwrap();
    assert_eq!(ids(&all), vec![1, 6, 2, 3, 4, 5]);
    // Paging.
    let page = index
        .search(&SearchQuery {
            near: Some(centre),
            sort: SortBy::Distance,
            limit: 2,
            offset: 2,
            ..SearchQuery::default()
        })
        .unwrap();
    assert_eq!(ids(&page), vec![2, 3]);
    // 太原 to 大同: nothing within 200 km, the post within 300.
    let datong = seat("140213");
    let far = |r: f64| {
        index
            .search(&SearchQuery {
                near: Some(datong),
                radius_km: Some(r),
                ..SearchQuery::default()
            })
            .unwrap()
            .len()
    };
    assert_eq!(far(200.0), 0);
    assert_eq!(far(320.0), 6);
    // Nearest first without a radius, from far away: the growing rings
    // hold nothing, the unbounded search finds the nearest.
    let nearest = index
        .search(&SearchQuery {
            near: Some(datong),
            sort: SortBy::Distance,
            limit: 3,
            ..SearchQuery::default()
        })
        .unwrap();
    assert_eq!(ids(&nearest), vec![5, 4, 3]);
}

#[test]
fn filters() {
    let mut posts = vec![
        post(1, "保洁员", "baojie.baojieyuan"),
        post(2, "家庭保洁员", "jiazheng.baojie"),
        post(3, "保洁员", "baojie.baojieyuan"),
        post(4, "保洁员", "baojie.baojieyuan"),
        post(5, "保洁员", "baojie.baojieyuan"),
        post(6, "保洁员", "baojie.baojieyuan"),
    ];
    // 3 is in 大同市平城区.
    posts[2].county = region("140213");
    (posts[2].lat, posts[2].lon) = seat("140213");
    // Pay: 4 is 3000/month (≈17.24/h), 5 is 5 per piece, 6 is 30/h.
    posts[3].pay = Pay::yuan(3000, PayUnit::Month);
    posts[4].pay = Pay::yuan(5, PayUnit::Piece);
    posts[5].pay = Pay::yuan(30, PayUnit::Hour);
    posts[5].form = JobForm::Hourly;
    // 1 is a one-off on Saturday 2026-12-05; 2 only weekends from December.
    posts[0].schedule = Schedule::once(vec![]);
    posts[0].starts_on = date(2026, 12, 5);
    posts[1].schedule = Schedule::weekly(Weekdays::WEEKEND, vec![]);
    posts[1].starts_on = date(2026, 12, 1);
    posts[1].ends_on = Some(date(2026, 12, 31));
    let index = index_of(&posts);
    // The results must not depend on which filters the planner turns into
    // query terms.
    for plan in [PLAN_AUTO, PLAN_ALL_TERMS, PLAN_NO_TERMS] {
        index.set_plan(plan);
        filters_hold(&index);
    }
}

fn filters_hold(index: &MarketIndex) {
    let run = |q: SearchQuery| sorted(ids(&index.search(&q).unwrap()));
    let base = SearchQuery::text("保洁");
    assert_eq!(run(base.clone()), vec![1, 2, 3, 4, 5, 6]);
    // Region: the city includes its counties; the province everything.
    let in_region = |code: &str| {
        run(SearchQuery {
            region: Some(region(code)),
            ..base.clone()
        })
    };
    assert_eq!(in_region("140100"), vec![1, 2, 4, 5, 6]);
    assert_eq!(in_region("140105"), vec![1, 2, 4, 5, 6]);
    assert_eq!(in_region("140200"), vec![3]);
    assert_eq!(in_region("140000").len(), 6);
    assert_eq!(in_region("140300"), Vec::<u128>::new());
    // Occupation: a category includes its trades.
    let in_occupation = |code: &str| {
        run(SearchQuery {
            occupation: Some(code.into()),
            ..base.clone()
        })
    };
    assert_eq!(in_occupation("jiazheng"), vec![2]);
    assert_eq!(in_occupation("baojie"), vec![1, 3, 4, 5, 6]);
    assert_eq!(in_occupation("baojie.baojieyuan"), vec![1, 3, 4, 5, 6]);
    assert_eq!(in_occupation("baojie.wuye"), Vec::<u128>::new());
    // Form.
    assert_eq!(
        run(SearchQuery {
            form: Some(JobForm::Hourly),
            ..base.clone()
        }),
        vec![6]
    );
    // Pay per hour, estimated with each post's hours: 1 and 2 have no
    // slots (200 over 8 h = 25/h), 3 works 4 h a day (200 = 50/h), 4 a
    // 20-hour week (3000/month ≈ 34.6/h); piece without typical daily
    // earnings never.
    let pay = |fen: i64| {
        run(SearchQuery {
            pay_at_least_per_hour_fen: Some(fen),
            ..base.clone()
        })
    };
    assert_eq!(pay(2500), vec![1, 2, 3, 4, 6]);
    assert_eq!(pay(2501), vec![3, 4, 6]);
    assert_eq!(pay(1700), vec![1, 2, 3, 4, 6]);
    assert_eq!(pay(0), vec![1, 2, 3, 4, 6]);
    // Dates: Monday 2026-11-30 — the weekday posts; Saturday 2026-12-05 —
    // the one-off and the weekend post; Saturday 2026-11-28 — none started.
    let on = |d: NaiveDate| {
        run(SearchQuery {
            available_on: Some(d),
            ..base.clone()
        })
    };
    assert_eq!(on(date(2026, 11, 30)), vec![3, 4, 5, 6]);
    assert_eq!(on(date(2026, 12, 5)), vec![1, 2]);
    assert_eq!(on(date(2026, 12, 6)), vec![2]);
    assert_eq!(on(date(2026, 11, 28)), Vec::<u128>::new());
    assert_eq!(on(date(2027, 1, 2)), Vec::<u128>::new());
    // Live: all expire 2026-12-31; the one-off is over after 12-05.
    let live = |d: NaiveDate| {
        run(SearchQuery {
            live_on: Some(d),
            ..base.clone()
        })
    };
    assert_eq!(live(date(2026, 12, 1)).len(), 6);
    assert_eq!(live(date(2026, 12, 6)), vec![2, 3, 4, 5, 6]);
    assert_eq!(live(date(2027, 1, 1)), Vec::<u128>::new());
}

#[test]
fn upsert_replaces_and_remove_deletes() {
    let index = index_of(&trades());
    assert_eq!(index.len(), 8);
    let mut changed = post(1, "搬家师傅", "banyun.banjia");
    changed.description = "周末搬家".into();
    index.upsert(&changed).unwrap();
    index.commit().unwrap();
    assert_eq!(index.len(), 8);
    assert_eq!(text(&index, "保洁"), vec![2]);
    assert_eq!(text(&index, "搬家"), vec![1]);
    index.remove(Uuid::from_u128(2)).unwrap();
    index.remove(Uuid::from_u128(999)).unwrap();
    index.commit().unwrap();
    assert_eq!(index.len(), 7);
    assert_eq!(text(&index, "保洁"), Vec::<u128>::new());
    index.wait_for_merges().unwrap();
    assert_eq!(index.len(), 7);
    index
        .upsert(&post(20, "保洁员", "baojie.baojieyuan"))
        .unwrap();
    index.commit().unwrap();
    assert_eq!(text(&index, "保洁"), vec![20]);
    index.clear().unwrap();
    index.commit().unwrap();
    assert!(index.is_empty());
}

#[test]
fn rebuilt_index_equals_incremental_one() {
    let posts = crate::synth::jobs(600, 7).collect::<Vec<_>>();
    // Incremental: everything, then a third rewritten, a tenth removed,
    // committing along the way.
    let incremental = MarketIndex::in_memory_with(IndexOptions {
        writer_threads: 1,
        writer_memory_mib: 20,
    })
    .unwrap();
    let mut live: Vec<JobPost> = Vec::new();
    for (i, p) in posts.iter().enumerate() {
        let mut first = p.clone();
        if i % 3 == 0 {
            first.title = "旧标题".into();
            first.pay = Pay::yuan(1, PayUnit::Piece);
        }
        incremental.upsert(&first).unwrap();
        if i % 100 == 99 {
            incremental.commit().unwrap();
        }
    }
    for (i, p) in posts.iter().enumerate() {
        if i % 10 == 5 {
            incremental.remove(p.id).unwrap();
        } else {
            if i % 3 == 0 {
                incremental.upsert(p).unwrap();
            }
            live.push(p.clone());
        }
    }
    incremental.commit().unwrap();
    let fresh = index_of(&live);
    assert_eq!(incremental.len(), fresh.len());
    let centre = seat("140105");
    let mut queries = vec![
        SearchQuery {
            near: Some(centre),
            radius_km: Some(30.0),
            sort: SortBy::Distance,
            limit: 50,
            ..SearchQuery::default()
        },
        SearchQuery {
            region: Some(region("140100")),
            pay_at_least_per_hour_fen: Some(2000),
            limit: 200,
            ..SearchQuery::default()
        },
    ];
    for word in [
        "保洁",
        "月嫂",
        "水电",
        "外卖",
        "服务员",
        "搬家",
        "旧标题",
        "日结",
    ] {
        queries.push(SearchQuery {
            limit: 200,
            ..SearchQuery::text(word)
        });
        queries.push(SearchQuery {
            near: Some(centre),
            radius_km: Some(50.0),
            sort: SortBy::Distance,
            ..SearchQuery::text(word)
        });
    }
    for q in &queries {
        let a = incremental.search(q).unwrap();
        let b = fresh.search(q).unwrap();
        if q.sort == SortBy::Distance || q.text.is_none() {
            assert_eq!(ids(&a), ids(&b), "{q:?}");
        } else {
            // BM25 statistics count replaced documents until a merge, so
            // scores may differ slightly; the set of matches may not.
            assert_eq!(sorted(ids(&a)), sorted(ids(&b)), "{q:?}");
        }
    }
    assert_eq!(text(&incremental, "旧标题"), Vec::<u128>::new());
}

#[test]
fn on_disk_index_persists_with_its_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = MarketIndex::open_or_create(dir.path()).unwrap();
        assert_eq!(index.checkpoint().unwrap(), None);
        for p in trades() {
            index.upsert(&p).unwrap();
        }
        index.commit_with_checkpoint("outbox:42").unwrap();
    }
    let index = MarketIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(index.len(), 8);
    assert_eq!(index.checkpoint().unwrap().as_deref(), Some("outbox:42"));
    assert_eq!(text(&index, "月嫂"), vec![4]);
}

#[test]
fn bad_queries_are_refused_in_chinese() {
    let index = index_of(&trades());
    let e = index
        .search(&SearchQuery {
            near: Some((95.0, 112.0)),
            ..SearchQuery::default()
        })
        .unwrap_err();
    assert_eq!(e.code(), "near_invalid");
    let e = index
        .search(&SearchQuery {
            near: Some(seat("140105")),
            radius_km: Some(-1.0),
            ..SearchQuery::default()
        })
        .unwrap_err();
    assert_eq!(e.code(), "radius_invalid");
    // Stop words only: every post.
    assert_eq!(text(&index, "找工作").len(), 8);
}

#[test]
fn a_named_place_ranks_its_posts_first() {
    let mut posts = vec![
        post(1, "医院保洁", "baojie.baojieyuan"),
        post(2, "平遥 古城保洁", "baojie.baojieyuan"),
        post(3, "交城 化工厂 保洁", "baojie.baojieyuan"),
    ];
    posts[1].county = region("140728");
    posts[2].county = region("141122");
    // The newest post is far away; the named county still comes first.
    posts[1].posted_at = posts[0].posted_at + chrono::Duration::days(3);
    posts[2].posted_at = posts[0].posted_at + chrono::Duration::days(2);
    let index = index_of(&posts);
    let hits = index.search(&SearchQuery::text("小店区保洁")).unwrap();
    assert_eq!(hits[0].id.as_u128(), 1, "{hits:?}");
    let plan = index.analyze("小店区保洁");
    assert_eq!(plan.places.len(), 1, "{plan:?}");
}
