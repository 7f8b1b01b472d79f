//! Writes the annual report of the sample plan (tests/fixtures) in one format, to look at
//! it or to draw the figure in docs/: `cargo run --example sample_report -- pdf report.pdf`.

use planmon::report::render::{Format, render};
use planmon::report::{Narrative, build};
use planmon::snapshot::sample::sample_round;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let format = args.next().unwrap_or_else(|| "pdf".into());
    let out = args.next().unwrap_or_else(|| format!("report.{format}"));
    let format = Format::parse(&format).ok_or_else(|| anyhow::anyhow!("html, docx or pdf"))?;
    let plan = planmon::plan::format::parse_plan_json(include_str!(
        "../tests/fixtures/plans/sample.plan.json"
    ))?;
    let snap = sample_round(1, 1, &plan, 2024);
    let report = build(
        &snap,
        &[],
        &Narrative::default(),
        "Проект".into(),
        true,
        &|s| s.trim().to_string(),
    );
    std::fs::write(&out, render(&report, format)?)?;
    println!("{out}");
    Ok(())
}
