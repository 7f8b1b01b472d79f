//! Demo data: the Пловдив seed plan amended once in 2023 by a council decision (an added
//! measure, a changed amount, a dropped measure), read and applied through the same code as
//! `planmon amend`; and two amendments in preparation, so their pages can be seen (and checked)
//! without making one: a draft decision with a sentence the reader does not understand, and an
//! edit in the browser.

use super::draft::{ActForm, AmendDraft, Origin};
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
    /// A later decision still being prepared, kept as a draft.
    draft: &'static [u8],
    number: &'static str,
    protocol: &'static str,
    date: &'static str,
    reason: &'static str,
}

const DEMO_AMENDMENTS: [DemoAmendment; 1] = [DemoAmendment {
    seed_file: "plovdiv-2022-2024.txt",
    decision_file: "plovdiv-amendment-2023.txt",
    decision: include_bytes!("../../demo/plovdiv-amendment-2023.txt"),
    draft: include_bytes!("../../demo/plovdiv-amendment-2024-draft.txt"),
    number: "214",
    protocol: "12",
    date: "2023-06-29",
    reason: "Увеличен брой здравни медиатори; допълнително обучение по български език; \
             търговските центрове се изграждат по друга програма.",
}];

/// Amends the demo plans that are still at their first version (returns how many were) and
/// gives each amended one its drafts when it has none.
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
            drafts(db, &sp, demo).await?;
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
                super::apply::in_bulgarian(&errors)
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
        if let Some(sp) = crate::plan::store::load_plan(db, id).await? {
            drafts(db, &sp, demo).await?;
        }
    }
    Ok(done)
}

/// The amendments in preparation of an amended demo plan, unless it has some.
async fn drafts(
    db: &Db,
    sp: &crate::plan::store::StoredPlan,
    demo: &DemoAmendment,
) -> anyhow::Result<()> {
    if !store::list_drafts(db, sp.id).await?.is_empty() {
        return Ok(());
    }
    let name = "proekt-reshenie-2024.txt";
    let Input::Decision { text, reading } = read_input(name, demo.draft)? else {
        anyhow::bail!("{name}: не е изменящо решение");
    };
    let decision = AmendDraft {
        origin: Origin::Decision {
            text,
            reading,
            chosen: Vec::new(),
        },
        plan: sp.plan.clone(),
        act: ActForm::default(),
        file: None,
        file_name: Some(name.to_string()),
        next_new: 0,
    };
    store::insert_draft(db, sp.id, sp.version, None, &decision).await?;
    let mut plan = sp.plan.clone();
    if let Some(m) = plan.measures_mut().next() {
        m.status = Some("Текущ".to_string());
    }
    let edit = AmendDraft {
        origin: Origin::Edit,
        plan,
        act: ActForm::default(),
        file: None,
        file_name: None,
        next_new: 0,
    };
    store::insert_draft(db, sp.id, sp.version, None, &edit).await?;
    Ok(())
}
