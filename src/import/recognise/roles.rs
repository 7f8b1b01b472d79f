//! The role written beside a responsible institution's name, which is no part of the name:
//! "Община X (водеща)", "РЗИ (водеща институция)", "здравни медиатори (партньор)", "Водеща:
//! Читалищата; Партньори: училищата". The lead and its partners are all the measure's
//! institutions, in the order written.

use regex::Regex;
use std::sync::LazyLock;

/// The stems of the words that name a role: водеща, партньор(и), координатор,
/// отговорна/отговорник, съизпълнител, изпълнител.
const ROLE: &str = r"(?:водещ|партньор|координ|отговор|съизпълн|изпълнит)";

/// A role in brackets after a name: "(водеща)", "(партньор)", "(водеща институция)".
static IN_BRACKETS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\s*\(\s*{ROLE}[^()]{{0,40}}\)"))
        .unwrap_or_else(|e| panic!("role pattern: {e}"))
});

/// A role as a label before names, at the line's start or after a separator: "Водеща:",
/// "Партньори:", "Отговорна институция:".
static AS_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(^|[;,]\s*){ROLE}\p{{L}}*(?:\s+\p{{L}}+){{0,2}}\s*:\s*"
    ))
    .unwrap_or_else(|e| panic!("role pattern: {e}"))
});

/// The line of institutions without the roles written beside the names.
pub fn without_roles(line: &str) -> String {
    let lower = line.to_lowercase();
    if !["водещ", "партньор", "координ", "отговор", "изпълн"]
        .iter()
        .any(|w| lower.contains(w))
    {
        return line.to_string();
    }
    let line = IN_BRACKETS.replace_all(line, "");
    AS_LABEL.replace_all(&line, "$1").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_beside_names_are_no_part_of_them() {
        assert_eq!(
            without_roles("Община Девня (водеща), РУО – Варна, НПО"),
            "Община Девня, РУО – Варна, НПО"
        );
        assert_eq!(
            without_roles("Водеща: Читалищата; Партньори: училищата, Община Девня"),
            "Читалищата; училищата, Община Девня"
        );
        assert_eq!(
            without_roles("РЗИ – Варна (водеща институция), здравни медиатори (партньор)"),
            "РЗИ – Варна, здравни медиатори"
        );
    }

    #[test]
    fn a_name_that_only_holds_a_roles_word_keeps_it() {
        assert_eq!(
            without_roles("Отдел „Закрила на детето“ (ОЗД)"),
            "Отдел „Закрила на детето“ (ОЗД)"
        );
        assert_eq!(
            without_roles("Изпълнителна агенция по околна среда"),
            "Изпълнителна агенция по околна среда"
        );
    }
}
