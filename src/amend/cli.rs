//! `planmon amend PLAN FILE --decision-number N --decision-date YYYY-MM-DD …`: FILE is planmon
//! plan JSON, the amended plan as a whole document, or an amending decision; `--dry-run
//! --json` prints the changes it would make.

use super::{Input, apply::apply, decision_media_type, read_input_within, store};
use crate::config::Config;
use crate::plan::act::{Act, ActFile};
use anyhow::Context;
use serde_json::json;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct AmendArgs {
    /// The plan's number (as in /plans/NUMBER).
    pub plan: i64,
    /// Planmon plan JSON, the amended plan as a document, or the amending decision.
    pub file: PathBuf,
    /// The council decision's number.
    #[arg(long)]
    pub decision_number: String,
    /// The decision's date, YYYY-MM-DD.
    #[arg(long)]
    pub decision_date: String,
    /// The protocol's number.
    #[arg(long)]
    pub protocol: Option<String>,
    /// From when the amendment is in force, YYYY-MM-DD (the decision's date when left out).
    #[arg(long)]
    pub effective: Option<String>,
    /// Why the plan is amended.
    #[arg(long)]
    pub reason: Option<String>,
    /// The decision's public address.
    #[arg(long)]
    pub url: Option<String>,
    /// Show the changes, store nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the changes as JSON on standard output.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(config: &Config, a: AmendArgs) -> anyhow::Result<()> {
    let mut act = Act::amendment(
        &a.decision_number,
        a.protocol.as_deref().unwrap_or(""),
        &a.decision_date,
        a.effective.as_deref().unwrap_or(""),
        a.reason.as_deref().unwrap_or(""),
        a.url.as_deref().unwrap_or(""),
    )
    .map_err(|errors| {
        anyhow::anyhow!(
            errors
                .iter()
                .map(|(f, m)| format!("--{}: {m}", f.replace('_', "-")))
                .collect::<Vec<_>>()
                .join("\n")
        )
    })?;
    let bytes = crate::cli::read_file(config, &a.file)?;
    let name = a
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let input = {
        let (n, b) = (name.clone(), bytes.clone());
        let limits = config.read_limits();
        tokio::task::spawn_blocking(move || read_input_within(&n, &b, limits)).await?
    }
    .map_err(|e| anyhow::anyhow!("{}: {e}", a.file.display()))?;
    let db = crate::server::open_database(config).await?;
    let current = crate::plan::store::load_plan(&db, a.plan)
        .await?
        .with_context(|| format!("няма план с номер {}", a.plan))?;
    let (proposed, keys, reading) = match input {
        Input::Plan { plan, keys } => (*plan, keys, None),
        Input::Decision { reading, .. } => {
            let all: Vec<usize> = reading.proposed.iter().map(|p| p.n).collect();
            let plan = apply(&current.plan, &reading.proposed, &all).map_err(|errors| {
                anyhow::anyhow!(
                    "Решението не е приложено, нищо не е записано:\n{}",
                    super::apply::in_bulgarian(&errors)
                )
            })?;
            (plan, crate::plan::keys::KeySource::Kept, Some(reading))
        }
    };
    let prepared = store::prepare(&db, a.plan, &proposed, keys)
        .await?
        .with_context(|| format!("няма план с номер {}", a.plan))?;
    let diff = prepared.diff();
    if a.json {
        let out = json!({
            "plan": a.plan,
            "from_version": prepared.base_version,
            "act": act,
            "diff": diff,
            "not_understood": reading.as_ref().map(|r| r.not_understood.clone()).unwrap_or_default(),
        });
        crate::cli::write_stdout(&format!("{}\n", serde_json::to_string_pretty(&out)?))?;
    }
    let c = diff.counts;
    eprintln!(
        "Промени: {} нови, {} отпадащи, {} преместени, {} изменени мерки; планирани средства {} → {} лв.",
        c.added, c.dropped, c.moved, c.changed, diff.money_before.bgn, diff.money_after.bgn
    );
    if let Some(r) = &reading {
        for s in &r.not_understood {
            eprintln!("неразпознато: {s}");
        }
    }
    if a.dry_run {
        eprintln!("Проверка без запис.");
        return Ok(());
    }
    // An amending decision is itself the act's document.
    let mut staged = None;
    if reading.is_some()
        && let Some(media_type) = decision_media_type(&bytes)
    {
        let s = crate::files::stage(&config.data_dir, "decisions", &bytes)?;
        act.file = Some(ActFile {
            name: name.clone(),
            media_type: media_type.to_string(),
            path: s.path.clone(),
            sha256: s.sha256.clone(),
        });
        staged = Some(s);
    }
    let note = format!("изменение от файл {name}");
    let version = store::save(
        &db,
        &prepared,
        &act,
        crate::audit::Actor::cli(),
        &note,
        staged,
        None,
    )
    .await?;
    eprintln!(
        "Планът {} е изменен: версия {version}, в сила от {}.",
        a.plan,
        act.effective_date.as_deref().unwrap_or_default()
    );
    Ok(())
}
