//! Storing the synthetic country: per municipality, in one transaction, its plan (noted as
//! demo data in its version, its title and its notes), the closed rounds of the years asked for
//! (stored as sample rounds, which pages and reports show as demo data) and the audit event.
//! Idempotent: a municipality whose generated plan is stored already is skipped.

use super::{Spec, district_plan, municipal_plan, national_plan, round_missing};
use crate::audit::{Actor, Event};
use crate::db::Db;
use crate::levels::store::{create_level_plan, save_suggestions, set_parents};
use crate::snapshot::sample::sample_round_with;
use crate::snapshot::store::save_sample_snapshot_in;
use crate::territory::tree;

/// The note stored with every generated plan version.
pub const DEMO_NOTE: &str = "демонстрационни данни (planmon generate country)";

/// What `planmon generate` makes.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum GenerateCommand {
    /// A synthetic country: a plan for each of the 265 municipalities with closed rounds per
    /// year, all marked as demo data. Deterministic: the same seed gives the same country.
    Country {
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Reporting years with closed rounds, e.g. 2022-2024.
        #[arg(long, default_value = "2022-2024")]
        years: String,
    },
}

/// Runs `planmon generate …` on the configured database.
pub async fn run(config: &crate::config::Config, what: GenerateCommand) -> anyhow::Result<()> {
    let GenerateCommand::Country { seed, years } = what;
    let years = super::parse_years(&years).ok_or_else(|| {
        anyhow::anyhow!("„{years}“ не е период от години (пример: 2022-2024, до 20 години)")
    })?;
    let db = crate::server::open_database(config).await?;
    let started = std::time::Instant::now();
    let g = country(&db, &Spec { seed, years }, &|done, total| {
        if done % 25 == 0 || done == total {
            eprintln!("{done} / {total} общини");
        }
    })
    .await?;
    eprintln!(
        "Генерирани (демонстрационни данни): {} плана, {} мерки, {} приключили отчетни периода; \
         пропуснати (вече генерирани): {}; за {:.1} с.",
        g.plans,
        g.measures,
        g.rounds,
        g.skipped,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// What was stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Generated {
    pub plans: usize,
    pub measures: usize,
    pub rounds: usize,
    /// Municipalities whose generated plan was there already.
    pub skipped: usize,
}

/// Generates the country into `db`; `progress` is told after each municipality (done, total).
pub async fn country(
    db: &Db,
    spec: &Spec,
    progress: &dyn Fn(usize, usize),
) -> anyhow::Result<Generated> {
    crate::territory::store::seed(db).await?;
    let t = tree();
    let mut out = Generated::default();
    let national = level_plan(db, spec, None, None, &mut out).await?;
    let mut district_plans = std::collections::HashMap::new();
    for d in &t.districts {
        let id = level_plan(db, spec, Some(d), Some(national), &mut out).await?;
        district_plans.insert(d.code.as_str(), (id, district_plan(spec, d)));
    }
    let total = t.municipalities.len();
    for (done, m) in t.municipalities.iter().enumerate() {
        let district = t.district(&m.district).map_or("", |d| d.name.as_str());
        let mut plan = municipal_plan(spec, m, district);
        if t.municipalities.iter().filter(|o| o.name == m.name).count() > 1 {
            // Names are unique in planmon: the second "Бяла" is stored with its district.
            plan.municipality = format!("{} (обл. {district})", m.name);
            ensure_municipality(db, &plan.municipality, district, &m.code).await?;
        }
        if generated_plan(db, &m.code, &plan.title).await?.is_some() {
            out.skipped += 1;
            progress(done + 1, total);
            continue;
        }
        let mut tx = db.pool.begin().await?;
        let id = crate::plan::store::create_plan_in(&mut tx, &plan, Some(DEMO_NOTE)).await?;
        let parent = district_plans.get(m.district.as_str());
        let parent_id = parent.map(|(id, _)| *id);
        finish(
            &mut tx,
            spec,
            id,
            &plan,
            &m.code,
            parent_id,
            Some(national),
            &mut out,
        )
        .await?;
        if let Some((parent_id, parent_plan)) = parent {
            let suggestions = crate::levels::suggest(&plan, parent_plan);
            save_suggestions(&mut tx, id, *parent_id, &suggestions, &Actor::cli()).await?;
        }
        tx.commit().await?;
        out.plans += 1;
        out.measures += plan.measures().count();
        progress(done + 1, total);
    }
    Ok(out)
}

/// The nation's (`district` = `None`) or a district's generated plan: stored unless it is
/// there already; returns its id.
async fn level_plan(
    db: &Db,
    spec: &Spec,
    district: Option<&crate::territory::District>,
    national: Option<i64>,
    out: &mut Generated,
) -> anyhow::Result<i64> {
    let (plan, code) = match district {
        Some(d) => (district_plan(spec, d), d.code.as_str()),
        None => (national_plan(spec), crate::levels::NATION_CODE),
    };
    if let Some(id) = generated_plan(db, code, &plan.title).await? {
        out.skipped += 1;
        return Ok(id);
    }
    let mut tx = db.pool.begin().await?;
    let id = create_level_plan(&mut tx, district, &plan, Some(DEMO_NOTE), &Actor::cli()).await?;
    finish(&mut tx, spec, id, &plan, code, None, national, out).await?;
    tx.commit().await?;
    out.plans += 1;
    out.measures += plan.measures().count();
    Ok(id)
}

/// Names a stored generated plan's parents, marks it as demo data, stores its closed rounds
/// and the audit event of its generation.
#[expect(
    clippy::too_many_arguments,
    reason = "one step of the generation, called twice"
)]
async fn finish(
    tx: &mut sqlx::AnyConnection,
    spec: &Spec,
    id: i64,
    plan: &crate::plan::Plan,
    code: &str,
    district_plan: Option<i64>,
    national_plan: Option<i64>,
    out: &mut Generated,
) -> anyhow::Result<()> {
    let actor = Actor::cli();
    let national_plan = national_plan.filter(|n| *n != id);
    set_parents(&mut *tx, id, district_plan, national_plan, true, &actor).await?;
    let municipality: Option<i64> =
        sqlx::query_scalar("SELECT municipality_id FROM plans WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    let mut rounds = 0;
    for year in spec.years.from..=spec.years.to {
        if !plan.period.contains(year) || round_missing(spec, code, year) {
            continue;
        }
        let snap = sample_round_with(id, 1, plan, year, &|n| n.trim().to_string());
        if save_sample_snapshot_in(&mut *tx, &snap).await?.is_some() {
            rounds += 1;
        }
    }
    Event::new(actor, "plan.generate", "plan", id)
        .municipality(municipality)
        .after(&serde_json::json!({
            "note": DEMO_NOTE,
            "seed": spec.seed,
            "code": code,
            "rounds": rounds,
        }))
        .record(&mut *tx)
        .await?;
    out.rounds += rounds;
    Ok(())
}

/// Stores a municipality under `name` with its official code unless the code is taken.
async fn ensure_municipality(
    db: &Db,
    name: &str,
    district: &str,
    code: &str,
) -> anyhow::Result<()> {
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM municipalities WHERE code = $1")
        .bind(code)
        .fetch_optional(&db.pool)
        .await?;
    if taken.is_none() {
        sqlx::query(
            "INSERT INTO municipalities (name, slug, district, created_at, code) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(name)
        .bind(code.to_lowercase())
        .bind(district)
        .bind(crate::dates::now_rfc3339())
        .bind(code)
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}

/// The generated plan of this title of the owner of `code`, if stored.
async fn generated_plan(db: &Db, code: &str, title: &str) -> anyhow::Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT p.id FROM plans p JOIN municipalities mu ON mu.id = p.municipality_id \
         WHERE mu.code = $1 AND p.title = $2 AND p.demo = 1",
    )
    .bind(code)
    .bind(title)
    .fetch_optional(&db.pool)
    .await?)
}
