//! The annual report of the Plovdiv demo round in each format: build (analytics + model) and
//! render. Run: cargo bench --bench report

use criterion::{Criterion, criterion_group, criterion_main};
use planmon::report::render::{Format, render};
use planmon::report::{Narrative, build};
use planmon::snapshot::sample::sample_round;
use std::hint::black_box;

fn report(c: &mut Criterion) {
    let plans = planmon::demo::seed_plans().expect("seed plans");
    let plovdiv = &plans[0];
    let snap = sample_round(1, 1, plovdiv, plovdiv.period.from);
    let canon = |s: &str| s.trim().to_string();
    let mut group = c.benchmark_group("report-plovdiv");
    group.sample_size(10);
    for format in [Format::Html, Format::Docx, Format::Pdf] {
        group.bench_function(format.extension(), |b| {
            b.iter(|| {
                let r = build(
                    &snap,
                    &[],
                    &Narrative::default(),
                    "Проект".into(),
                    true,
                    &canon,
                );
                render(black_box(&r), format).expect("render")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
