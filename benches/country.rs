//! The synthetic country: generating it, then the national and one district's roll-up for a
//! year from a cold cache (every round's snapshot read and added up) and from a warm one.
//! SQLite in a temporary folder by default; PostgreSQL when `BENCH_DATABASE_URL` is set (an
//! empty database: the country is generated into it once).
//! Run: cargo bench --bench country

use criterion::{Criterion, criterion_group, criterion_main};
use planmon::db::Db;
use planmon::generate::{Spec, store::country};
use planmon::rollup::store::{RollupCache, district_rollup, rollup};
use std::time::Instant;

fn setup(rt: &tokio::runtime::Runtime) -> (Db, Option<tempfile::TempDir>) {
    rt.block_on(async {
        let (url, dir) = match std::env::var("BENCH_DATABASE_URL") {
            Ok(url) if !url.is_empty() => (url, None),
            _ => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("c.db").display());
                (url, Some(dir))
            }
        };
        let db = Db::connect(&url).await.expect("database");
        db.migrate().await.expect("migrations");
        planmon::registry::store::seed_builtin(&db)
            .await
            .expect("registry");
        let started = Instant::now();
        let g = country(&db, &Spec::default(), &|_, _| {})
            .await
            .expect("country");
        eprintln!(
            "generate country: {} plans, {} measures, {} rounds ({} there already) in {:.2} s",
            g.plans,
            g.measures,
            g.rounds,
            g.skipped,
            started.elapsed().as_secs_f64()
        );
        (db, dir)
    })
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let (db, _dir) = setup(&rt);
    let cache = RollupCache::default();
    let mut group = c.benchmark_group("rollup-2024");
    group.sample_size(20);
    group.bench_function("national-cold", |b| {
        b.iter(|| {
            cache.clear();
            rt.block_on(rollup(&db, &cache, 2024)).expect("roll-up")
        })
    });
    group.bench_function("district-cold", |b| {
        b.iter(|| {
            cache.clear();
            rt.block_on(district_rollup(&db, &cache, 2024, "PDV"))
                .expect("roll-up")
        })
    });
    group.bench_function("national-warm", |b| {
        b.iter(|| rt.block_on(rollup(&db, &cache, 2024)).expect("roll-up"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
