//! The names an import proposes for the registry (pure): institutions and funding sources the
//! recogniser did not find, and what the coordinator decides for each on the review page: add
//! it as a new registry entry, or record it as another spelling of an entry already there. The
//! decisions are applied by `store::save_draft` in the saving transaction.

use super::WarningKind;
use super::review::Draft;
use crate::forms::FieldError;
use crate::registry::RegistryKind;

/// A name the recogniser did not find in the registry, with the measures that name it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewName {
    pub name: String,
    pub kind: RegistryKind,
    pub keys: Vec<String>,
}

impl NewName {
    /// "institution" or "source", as the review form sends it.
    pub fn kind_code(&self) -> &'static str {
        kind_code_of(self.kind)
    }
}

fn kind_code_of(kind: RegistryKind) -> &'static str {
    match kind {
        RegistryKind::Institution => "institution",
        RegistryKind::FundingSource => "source",
    }
}

/// What the coordinator decided for a new name: add it to the registry as a new entry
/// (`to: None`), or record it as another spelling of registry entry `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameChoice {
    pub kind: RegistryKind,
    pub name: String,
    pub to: Option<i64>,
}

/// The names the recogniser did not find in the registry, from its "new name" warnings: each
/// name once per list (institutions, funding sources) it is used in, with every measure that
/// names it there. A name the review removed from every measure is left out.
pub fn new_names(draft: &Draft) -> Vec<NewName> {
    let mut out: Vec<NewName> = Vec::new();
    for w in draft
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::NewName)
    {
        let name = super::review::quoted(&w.message).unwrap_or_else(|| w.message.clone());
        for kind in [RegistryKind::Institution, RegistryKind::FundingSource] {
            if out.iter().any(|n| n.name == name && n.kind == kind) {
                continue;
            }
            let keys: Vec<String> = draft
                .plan
                .measures()
                .filter(|m| match kind {
                    RegistryKind::Institution => m.institutions.contains(&name),
                    RegistryKind::FundingSource => m.funding_sources.contains(&name),
                })
                .map(|m| m.key.clone())
                .collect();
            if !keys.is_empty() {
                out.push(NewName {
                    name: name.clone(),
                    kind,
                    keys,
                });
            }
        }
    }
    out
}

/// The review form's choices for the new names: `nn.N.kind`, `nn.N.name` and `nn.N.to` ("new" or
/// a registry entry's id) for each name N; a choice that is not one of these is named.
pub fn read_name_choices(
    fields: &[(String, String)],
) -> Result<Vec<(usize, NameChoice)>, Vec<FieldError>> {
    let mut parts: std::collections::BTreeMap<usize, [Option<&str>; 3]> = Default::default();
    for (name, value) in fields {
        let Some((n, part)) = name
            .strip_prefix("nn.")
            .and_then(|rest| rest.split_once('.'))
        else {
            continue;
        };
        let (Ok(n), Some(slot)) = (
            n.parse::<usize>(),
            ["kind", "name", "to"].iter().position(|p| *p == part),
        ) else {
            continue;
        };
        parts.entry(n).or_default()[slot] = Some(value.as_str());
    }
    let mut choices = Vec::new();
    let mut errors = Vec::new();
    for (n, [kind, name, to]) in parts {
        let kind = match kind {
            Some("institution") => RegistryKind::Institution,
            Some("source") => RegistryKind::FundingSource,
            _ => continue,
        };
        let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
            continue;
        };
        let to = match to.map(str::trim) {
            None | Some("" | "new") => None,
            Some(id) => match id.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    errors.push(FieldError::new(
                        &format!("nn.{n}.to"),
                        &format!("„{name}“: изберете от списъка."),
                    ));
                    continue;
                }
            },
        };
        choices.push((
            n,
            NameChoice {
                kind,
                name: name.to_string(),
                to,
            },
        ));
    }
    if errors.is_empty() {
        Ok(choices)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn the_choices_for_new_names_are_read_by_their_index_and_a_bad_one_is_named() {
        let choices = read_name_choices(&fields(&[
            ("nn.1.name", "Нова агенция"),
            ("nn.1.kind", "institution"),
            ("nn.1.to", "7"),
            ("nn.0.kind", "source"),
            ("nn.0.name", " Фонд „Х“ "),
            ("nn.0.to", "new"),
            ("nn.2.name", "без вид"),
            ("title", "не е име"),
        ]))
        .expect("valid");
        assert_eq!(
            choices,
            vec![
                (
                    0,
                    NameChoice {
                        kind: RegistryKind::FundingSource,
                        name: "Фонд „Х“".into(),
                        to: None
                    }
                ),
                (
                    1,
                    NameChoice {
                        kind: RegistryKind::Institution,
                        name: "Нова агенция".into(),
                        to: Some(7)
                    }
                ),
            ]
        );
        let errors = read_name_choices(&fields(&[
            ("nn.3.name", "Нова агенция"),
            ("nn.3.kind", "institution"),
            ("nn.3.to", "-4"),
        ]))
        .expect_err("invalid");
        assert_eq!(errors[0].field, "nn.3.to");
        assert!(errors[0].message.contains("Нова агенция"));
    }
}
