//! Demo data: the Пловдив seed plan amended once in 2023 by a council decision (an added
//! measure, a changed amount, a dropped measure), read and applied through the same code as
//! `planmon amend`.

use super::{Input, apply::apply, read_input, store};
use crate::db::Db;
use crate::plan::act::{Act, ActFile};
use crate::plan::keys::KeySource;
use std::path::Path;

/// A seed document and the amending decision shipped for it, with the decision's data.
struct DemoAmendment {
    seed_file: &'static str,
    decision_file: &'static str,
    decision: &'static [u8],
    number: &'static str,
    protocol: &'static str,
    date: &'static str,
    reason: &'static str,
}

const DEMO_AMENDMENTS: [DemoAmendment; 1] = [DemoAmendment {
    seed_file: "plovdiv-2022-2024.txt",
    decision_file: "plovdiv-amendment-2023.txt",
    decision: include_bytes!("../../demo/plovdiv-amendment-2023.txt"),
    number: "214",
    protocol: "12",
    date: "2023-06-29",
    reason: "Увеличен брой здравни медиатори; допълнително обучение по български език; \
             търговските центрове се изграждат по друга програма.",
}];

/// Amends the demo plans that are still at their first version; returns how many were.
pub async fn load(db: &Db, data_dir: &Path, plan_ids: &[i64]) -> anyhow::Result<usize> {
    let mut done = 0;
    for &id in plan_ids {
        let Some(sp) = crate::plan::store::load_plan(db, id).await? else {
            continue;
        };
        let file = sp.plan.source.as_ref().and_then(|s| s.file_name.as_deref());
        let Some(demo) = DEMO_AMENDMENTS.iter().find(|d| Some(d.seed_file) == file) else {
            continue;
        };
        if sp.version != 1 {
            continue;
        }
        let Input::Decision { reading, .. } = read_input(demo.decision_file, demo.decision)? else {
            anyhow::bail!("{}: не е изменящо решение", demo.decision_file);
        };
        let all: Vec<usize> = reading.proposed.iter().map(|p| p.n).collect();
        let amended = apply(&sp.plan, &reading.proposed, &all).map_err(|errors| {
            anyhow::anyhow!(
                "{}: {}",
                demo.decision_file,
                errors
                    .iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        })?;
        let Some(prepared) = store::prepare(db, id, &amended, KeySource::Kept).await? else {
            continue;
        };
        let mut act = Act::amendment(demo.number, demo.protocol, demo.date, "", demo.reason, "")
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let staged = crate::files::stage(data_dir, "decisions", demo.decision)?;
        act.file = Some(ActFile {
            name: demo.decision_file.to_string(),
            media_type: "text/plain; charset=utf-8".to_string(),
            path: staged.path.clone(),
            sha256: staged.sha256.clone(),
        });
        store::save(
            db,
            &prepared,
            &act,
            crate::audit::Actor::system(),
            "демонстрационни данни",
            Some(staged),
            None,
        )
        .await?;
        done += 1;
    }
    Ok(done)
}
