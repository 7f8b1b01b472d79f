//! Every action planmon records in the audit log, by name (`entity.verb`): each reads as a
//! sentence of its own in the log (`audit.say.<action>` in `locales/messages.toml`, Bulgarian
//! and English). A new action is added here with its sentences; the tests below check both
//! and that the actions named in the code are listed.

/// The actions the audit log records.
pub const ACTIONS: &[&str] = &[
    "api_token.create",
    "api_token.revoke",
    "area_report.adopt",
    "area_report.approve",
    "area_report.correct",
    "area_report.create",
    "area_report.narrative",
    "area_report.publish",
    "area_report.return",
    "assignment.add",
    "assignment.remove",
    "evidence.add",
    "indicator_mapping.save",
    "link.create",
    "link.revoke",
    "measure_link.confirm",
    "measure_link.reject",
    "measure_link.suggest",
    "plan.amend",
    "plan.create",
    "plan.generate",
    "plan.level",
    "plan.new_version",
    "plan.parents",
    "registry.alias",
    "report.adopt",
    "report.approve",
    "report.correct",
    "report.create",
    "report.narrative",
    "report.publish",
    "report.return",
    "report.submit",
    "report.withdraw",
    "reporting.exempt",
    "reporting.exempt_district",
    "reporting.lift",
    "reporting.lift_district",
    "round.close",
    "round.open",
    "update.approve",
    "update.bulk_approve",
    "update.resubmit",
    "update.return",
    "update.save",
    "update.submit",
    "update.upload",
    "user.activate",
    "user.create",
    "user.deactivate",
    "user.grant",
    "user.login",
    "user.login_failed",
    "user.login_throttled",
    "user.logout",
    "user.password_change",
    "user.password_reset",
    "user.revoke",
];

#[cfg(test)]
mod tests {
    use super::ACTIONS;
    use crate::i18n::{Lang, Tr};
    use std::path::Path;

    #[test]
    fn every_action_reads_as_a_sentence_in_bulgarian_and_in_english() {
        let (bg, en) = (Tr::new(Lang::Bg), Tr::new(Lang::En));
        let mut missing = Vec::new();
        for action in ACTIONS {
            let key = format!("audit.say.{action}");
            let (b, e) = (bg.t(&key), en.t(&key));
            if b == key || e == key || b == e || !b.contains("{who}") && !e.contains("{who}") {
                missing.push(*action);
            }
        }
        assert!(
            missing.is_empty(),
            "no sentence in both languages: {missing:?}"
        );
    }

    /// The action names written in the code where an event is made (`Event::new(actor, "…"`,
    /// `ctx.event("…"`, `action: "…"`); an action made from parts is listed by hand.
    fn named_in(dir: &Path, found: &mut Vec<(String, String)>) {
        let pattern = regex::Regex::new(
            r#"(?:Event::new\(\s*[^,()]+(?:\([^()]*\))?,\s*|\.event\(\s*|\baction:\s*)"([a-z_]+\.[a-z_]+)""#,
        )
        .expect("pattern");
        for entry in std::fs::read_dir(dir).expect("source folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                named_in(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source file");
                for c in pattern.captures_iter(&text) {
                    found.push((c[1].to_string(), path.display().to_string()));
                }
            }
        }
    }

    #[test]
    fn every_action_the_code_records_is_listed() {
        let mut found = Vec::new();
        named_in(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(
            found.len() > 30,
            "the events of the code are found: {found:?}"
        );
        let unlisted: Vec<_> = found
            .iter()
            .filter(|(a, _)| !ACTIONS.contains(&a.as_str()))
            .collect();
        assert!(
            unlisted.is_empty(),
            "add to audit::actions::ACTIONS: {unlisted:?}"
        );
    }
}
