//! The editor's forms (pure): a measure (number, place, activities, institutions, deadline,
//! status, amounts, sources, indicators), an objective and a priority, read from what was typed into the value or
//! the errors by field. Messages are translation keys (`amend.err.*`) with the offending text.

use super::draft::objective_at;
use crate::import::recognise::amount::{amounts_with_unit, bare_amount};
use crate::plan::{Amount, Indicator, Measure, MeasurePeriod, Plan};

/// A field the form must correct: its id, the message's translation key and the text at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditError {
    pub field: String,
    pub key: &'static str,
    pub detail: String,
}

fn err(field: &str, key: &'static str, detail: &str) -> EditError {
    EditError {
        field: field.to_string(),
        key,
        detail: detail.to_string(),
    }
}

/// One line per item, blank lines left out.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// An amount as the form shows it, read back by [`read_amounts`]: "3 000 лв. на училище".
pub fn amount_line(a: &Amount) -> String {
    let money = a.money().display_bg().replace(['\u{a0}', '\u{202f}'], " ");
    match &a.qualifier {
        Some(q) => format!("{money} {q}"),
        None => money,
    }
}

/// Amounts one per line ("12 000 лв.", "5 000 € на училище", "3000").
fn read_amounts(text: &str) -> Result<Vec<Amount>, EditError> {
    let mut out = Vec::new();
    for line in lines(text) {
        let found = amounts_with_unit(&line);
        match (found.as_slice(), bare_amount(&line)) {
            ([one], _) => {
                let mut a = one.amount.clone();
                a.text = Some(line.clone());
                out.push(a);
            }
            ([], Some(mut a)) => {
                a.unit_missing = false;
                a.text = Some(line.clone());
                out.push(a);
            }
            _ => return Err(err("amounts", "amend.err.amount", &line)),
        }
    }
    Ok(out)
}

/// The longest status a measure may declare ("Текущ", "Предстои", "Изпълнена").
const STATUS_MAX: usize = 80;

/// A form's fields by name (the last value of a repeated name).
pub struct Fields<'a>(pub &'a [(String, String)]);

impl Fields<'_> {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }
}

/// The measure's indicators from the rows `i.N.*`: a row without a name is left out unless
/// something else was typed in it; a removed row is left out.
fn read_indicators(f: &Fields<'_>, plan: &Plan, errors: &mut Vec<EditError>) -> Vec<Indicator> {
    let mut out = Vec::new();
    for n in 0..100 {
        let field = |name: &str| format!("i.{n}.{name}");
        if !f.0.iter().any(|(k, _)| k.starts_with(&format!("i.{n}."))) {
            break;
        }
        if !f.get(&field("remove")).is_empty() {
            continue;
        }
        let name = f.get(&field("name"));
        let others = ["unit", "baseline", "target", "target_year"]
            .iter()
            .any(|x| !f.get(&field(x)).is_empty());
        if name.is_empty() {
            if others {
                errors.push(err(&field("name"), "amend.err.indicator_name", ""));
            }
            continue;
        }
        let year = f.get(&field("target_year"));
        let target_year = match year {
            "" => None,
            y => match y.parse::<i32>() {
                Ok(y) if y >= plan.period.from && y <= plan.period.to + 10 => Some(y),
                _ => {
                    errors.push(err(&field("target_year"), "amend.err.year", y));
                    None
                }
            },
        };
        let text = |x: &str| Some(f.get(&field(x)).to_string()).filter(|t| !t.is_empty());
        let previous = plan
            .measures()
            .flat_map(|m| m.indicators.iter())
            .find(|i| !i.key.is_empty() && i.key == f.get(&field("key")));
        out.push(Indicator {
            key: previous.map(|i| i.key.clone()).unwrap_or_default(),
            name: name.to_string(),
            kind: previous.and_then(|i| i.kind),
            unit: text("unit"),
            cumulative: previous.is_some_and(|i| i.cumulative),
            baseline: text("baseline"),
            baseline_year: previous.and_then(|i| i.baseline_year),
            target: text("target"),
            target_year,
        });
    }
    out
}

/// A measure as typed, with where it goes ((priority, objective) indexes), or every error.
/// `key` is the measure's key (kept); `plan` is the draft, to check numbers and places.
pub fn read_measure(
    fields: &[(String, String)],
    plan: &Plan,
    key: &str,
) -> Result<(Measure, (usize, usize)), Vec<EditError>> {
    let f = Fields(fields);
    let mut errors = Vec::new();
    let at = objective_at(plan, f.get("objective"));
    if at.is_none() {
        errors.push(err("objective", "amend.err.objective", f.get("objective")));
    }
    let code = Some(f.get("code").to_string()).filter(|c| !c.is_empty());
    if let Some(c) = &code
        && plan
            .measures()
            .any(|m| m.key != key && m.code.as_deref().map(str::trim) == Some(c.as_str()))
    {
        errors.push(err("code", "amend.err.code_taken", c));
    }
    let activities = lines(f.get("activities"));
    if activities.is_empty() {
        errors.push(err("activities", "amend.err.activities", ""));
    }
    let period_text = f.get("period");
    let period = (!period_text.is_empty()).then(|| MeasurePeriod::parse(period_text));
    if let Some(p) = &period
        && let (Some(from), Some(to)) = (p.from, p.to)
        && (from < plan.period.from - 1 || to > plan.period.to + 1)
    {
        errors.push(err("period", "amend.err.period", period_text));
    }
    let status = f.get("status");
    if status.chars().count() > STATUS_MAX {
        errors.push(err("status", "amend.err.status", ""));
    }
    let amounts = read_amounts(f.get("amounts")).unwrap_or_else(|e| {
        errors.push(e);
        Vec::new()
    });
    let indicators = read_indicators(&f, plan, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let measure = Measure {
        key: key.to_string(),
        code,
        tasks: lines(f.get("tasks")),
        activities,
        institutions: lines(f.get("institutions")),
        period,
        status: Some(status.to_string()).filter(|s| !s.is_empty()),
        amounts,
        funding_sources: lines(f.get("sources")),
        indicators,
    };
    Ok((measure, at.unwrap_or_default()))
}

/// An objective's number and title as typed, or the errors.
pub fn read_objective(
    fields: &[(String, String)],
) -> Result<(Option<String>, String), Vec<EditError>> {
    let f = Fields(fields);
    let title = f.get("title").to_string();
    if title.is_empty() {
        return Err(vec![err("title", "amend.err.objective_title", "")]);
    }
    let code = Some(f.get("number").to_string()).filter(|c| !c.is_empty());
    Ok((code, title))
}

/// A priority's number and title as typed, or the errors; `index` is the priority's place in
/// `plan` (another priority's number is refused).
pub fn read_priority(
    fields: &[(String, String)],
    plan: &Plan,
    index: usize,
) -> Result<(Option<u32>, String), Vec<EditError>> {
    let f = Fields(fields);
    let mut errors = Vec::new();
    let typed = f.get("number");
    let number = match typed {
        "" => None,
        n => match n.trim_end_matches('.').parse::<u32>() {
            Ok(n) if (1..=999).contains(&n) => Some(n),
            _ => {
                errors.push(err("number", "amend.err.priority_number", n));
                None
            }
        },
    };
    if let Some(n) = number
        && plan
            .priorities
            .iter()
            .enumerate()
            .any(|(i, p)| i != index && p.number == Some(n))
    {
        errors.push(err("number", "amend.err.priority_taken", typed));
    }
    let title = f.get("title").to_string();
    if title.is_empty() {
        errors.push(err("title", "amend.err.priority_title", ""));
    }
    if errors.is_empty() {
        Ok((number, title))
    } else {
        Err(errors)
    }
}

/// Puts `measure` in place of the one with its key (at the same position when it stays in
/// the same objective, else at the end of objective `at`).
pub fn put_measure(plan: &mut Plan, measure: Measure, at: (usize, usize)) {
    if let Some((pi, oi, i)) = super::draft::locate(plan, &measure.key) {
        if (pi, oi) == at {
            plan.priorities[pi].objectives[oi].measures[i] = measure;
            return;
        }
        plan.priorities[pi].objectives[oi].measures.remove(i);
    }
    plan.priorities[at.0].objectives[at.1]
        .measures
        .push(measure);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amend::draft::empty_measure;
    use crate::plan::testing::objective;

    fn plan() -> Plan {
        let mut m = empty_measure("m1".into());
        m.code = Some("1.1".into());
        crate::plan::testing::plan(vec![objective("1", vec![m]), objective("2", vec![])])
    }

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_measure_form_gives_the_measure_in_its_new_place() {
        let f = form(&[
            ("objective", "0.1"),
            ("code", "2.1"),
            ("activities", "Летни училища\n\nКурсове"),
            ("institutions", "Община\nРУО"),
            ("period", "2023–2024 г."),
            ("amounts", "12 000 лв.\n5 000 € на училище"),
            ("i.0.name", "Ученици"),
            ("i.0.target", "40"),
            ("i.0.target_year", "2024"),
            ("i.1.name", ""),
        ]);
        let p = plan();
        let (m, at) = read_measure(&f, &p, "m1").unwrap();
        assert_eq!(at, (0, 1));
        assert_eq!(m.activities, ["Летни училища", "Курсове"]);
        assert_eq!(m.amounts[0].minor, 1_200_000);
        assert_eq!(m.amounts[1].qualifier.as_deref(), Some("на училище"));
        assert_eq!(m.indicators.len(), 1);
        assert_eq!(m.period.as_ref().and_then(|p| p.to), Some(2024));
        let mut p = p;
        put_measure(&mut p, m, at);
        assert!(p.priorities[0].objectives[0].measures.is_empty());
        assert_eq!(p.priorities[0].objectives[1].measures[0].key, "m1");
    }

    #[test]
    fn a_measure_form_with_mistakes_is_refused_field_by_field() {
        let mut p = plan();
        p.priorities[0].objectives[1]
            .measures
            .push(empty_measure("m2".into()));
        let f = form(&[
            ("objective", "7.7"),
            ("code", "1.1"),
            ("activities", " "),
            ("period", "2030"),
            ("amounts", "много пари"),
            ("i.0.name", ""),
            ("i.0.target", "40"),
            ("i.1.name", "Деца"),
            ("i.1.target_year", "две хиляди"),
        ]);
        let e = read_measure(&f, &p, "m2").unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "objective",
                "code",
                "activities",
                "period",
                "amounts",
                "i.0.name",
                "i.1.target_year"
            ]
        );
        assert_eq!(e[4].detail, "много пари");
    }

    #[test]
    fn amounts_shown_in_the_form_read_back_the_same() {
        let f = form(&[("amounts", "1 234 567,89 лв.\n300 € на дете")]);
        let a = read_amounts(Fields(&f).get("amounts")).unwrap();
        let shown: Vec<String> = a.iter().map(amount_line).collect();
        let again = read_amounts(&shown.join("\n")).unwrap();
        assert_eq!(
            a.iter()
                .map(|x| (x.minor, x.currency, x.qualifier.clone()))
                .collect::<Vec<_>>(),
            again
                .iter()
                .map(|x| (x.minor, x.currency, x.qualifier.clone()))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_measure_keeps_the_status_typed_and_an_empty_status_is_none() {
        let p = plan();
        let f = form(&[
            ("objective", "0.0"),
            ("activities", "Курсове"),
            ("status", " Текущ "),
        ]);
        let (m, _) = read_measure(&f, &p, "m1").unwrap();
        assert_eq!(m.status.as_deref(), Some("Текущ"));
        let f = form(&[
            ("objective", "0.0"),
            ("activities", "Курсове"),
            ("status", ""),
        ]);
        assert_eq!(read_measure(&f, &p, "m1").unwrap().0.status, None);
        let long = "дълъг ".repeat(20);
        let f = form(&[
            ("objective", "0.0"),
            ("activities", "Курсове"),
            ("status", &long),
        ]);
        assert_eq!(read_measure(&f, &p, "m1").unwrap_err()[0].field, "status");
    }

    #[test]
    fn a_priority_needs_a_title_and_a_number_no_other_priority_has() {
        let mut p = plan();
        let mut second = p.priorities[0].clone();
        second.number = Some(2);
        p.priorities.push(second);
        assert_eq!(
            read_priority(&form(&[("number", "3"), ("title", " Заетост ")]), &p, 1).unwrap(),
            (Some(3), "Заетост".into())
        );
        assert_eq!(
            read_priority(&form(&[("number", ""), ("title", "Заетост")]), &p, 1).unwrap(),
            (None, "Заетост".into())
        );
        let e = read_priority(&form(&[("number", "1"), ("title", "")]), &p, 1).unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| (e.field.as_str(), e.key)).collect();
        assert_eq!(
            fields,
            [
                ("number", "amend.err.priority_taken"),
                ("title", "amend.err.priority_title")
            ]
        );
        let e = read_priority(&form(&[("number", "първи"), ("title", "Х")]), &p, 0).unwrap_err();
        assert_eq!(e[0].key, "amend.err.priority_number");
        assert!(read_priority(&form(&[("number", "1."), ("title", "Х")]), &p, 0).is_ok());
    }

    #[test]
    fn an_objective_needs_its_title() {
        assert_eq!(
            read_objective(&form(&[("title", "")])).unwrap_err()[0].field,
            "title"
        );
        assert_eq!(
            read_objective(&form(&[("number", "3"), ("title", "Заетост")])).unwrap(),
            (Some("3".into()), "Заетост".into())
        );
    }
}
