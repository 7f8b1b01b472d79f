//! A deterministic synthetic country for demos and benchmarks (`planmon generate country`): a
//! plan for every official municipality with 30-150 measures under the six national priority
//! areas (realistic institutions, amounts, sources and indicators of every kind), and per year a
//! closed round made by `snapshot::sample`, with gaps (rounds never held, silent institutions,
//! late and unapproved reports). The same seed always gives the same country; nothing here is
//! real, and everything it stores is marked as demo data (`store.rs`).

pub mod store;

use crate::money::Currency;
use crate::plan::{
    Amount, Indicator, IndicatorKind, Measure, MeasurePeriod, NationalArea, Objective, Plan,
    Priority, YearRange,
};
use crate::territory::Municipality;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub seed: u64,
    /// The reporting years, each with its closed rounds.
    pub years: YearRange,
}

impl Default for Spec {
    fn default() -> Spec {
        Spec {
            seed: 1,
            years: YearRange {
                from: 2022,
                to: 2024,
            },
        }
    }
}

/// Reads "2022-2024" or "2023".
pub fn parse_years(text: &str) -> Option<YearRange> {
    let (a, b) = text.split_once('-').unwrap_or((text, text));
    let from: i32 = a.trim().parse().ok()?;
    let to: i32 = b.trim().parse().ok()?;
    (2000..=2100)
        .contains(&from)
        .then_some(())
        .filter(|_| from <= to && to <= 2100 && to - from < 20)
        .map(|_| YearRange { from, to })
}

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for one labelled thing under a seed.
    pub fn new(seed: u64, label: &str) -> Rng {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        for b in label.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }
}

/// Who carries out measures in a municipality (the municipality itself is added by name).
const INSTITUTIONS: [&str; 12] = [
    "РУО",
    "Училищата на територията на общината",
    "Детските градини",
    "Здравните медиатори",
    "РЗИ",
    "Бюро по труда",
    "Дирекция „Социално подпомагане“",
    "РУ на МВР",
    "Ромски образователни медиатори",
    "Читалищата",
    "НПО",
    "Общинско предприятие „Социални услуги“",
];

const SOURCES: [&str; 6] = [
    "Общински бюджет",
    "Държавен бюджет",
    "ПРЧР 2021-2027",
    "Програма „Образование“ 2021-2027",
    "Средства от ЕС",
    "НПО",
];

/// Objectives and activities by area, as plans word them.
fn area_texts(area: NationalArea) -> (&'static [&'static str], &'static [&'static str]) {
    match area {
        NationalArea::Education => (
            &[
                "Обхват и задържане в образователната система",
                "Качествено приобщаващо образование",
            ],
            &[
                "Допълнителни занимания по български език",
                "Работа с родители за записване в детска градина",
                "Стипендии за ученици от уязвими групи",
                "Извънкласни дейности и летни училища",
                "Наставничество за завършване на средно образование",
            ],
        ),
        NationalArea::Health => (
            &["Достъп до здравни услуги", "Профилактика и здравна култура"],
            &[
                "Имунизационни кампании в кварталите",
                "Профилактични прегледи на деца",
                "Здравни беседи за млади майки",
                "Подкрепа за здравно осигуряване",
            ],
        ),
        NationalArea::Employment => (
            &["Заетост и квалификация", "Предприемачество"],
            &[
                "Курсове за професионална квалификация",
                "Субсидирана заетост по програми",
                "Трудови борси в кварталите",
                "Консултации за започване на собствен бизнес",
            ],
        ),
        NationalArea::Housing => (
            &["Жилищни условия и инфраструктура"],
            &[
                "Узаконяване на жилищни сгради",
                "Изграждане на водопровод и канализация",
                "Социални жилища",
                "Благоустрояване на квартали",
            ],
        ),
        NationalArea::RuleOfLaw => (
            &["Върховенство на закона и недискриминация"],
            &[
                "Обучения за противодействие на дискриминацията",
                "Превенция на ранни бракове",
                "Правни консултации",
                "Работа на общински съвет по етнически въпроси",
            ],
        ),
        NationalArea::Culture => (
            &["Съхраняване на културната идентичност"],
            &[
                "Фестивал на ромската култура",
                "Отбелязване на 8 април",
                "Клубове по фолклор в читалищата",
            ],
        ),
    }
}

/// How many measures each area gets, out of `total`, weighted as plans weigh them.
fn split(total: usize, rng: &mut Rng) -> [usize; 6] {
    let weights = [30, 20, 20, 12, 10, 8];
    let mut out = [0; 6];
    for (o, w) in out.iter_mut().zip(weights) {
        *o = total * w / 100;
    }
    let mut left = total - out.iter().sum::<usize>();
    while left > 0 {
        out[rng.range(0, 5) as usize] += 1;
        left -= 1;
    }
    out
}

fn indicator(key: usize, area: NationalArea, rng: &mut Rng, start: i32, end: i32) -> Indicator {
    let kind = *rng.pick(&[
        IndicatorKind::Number,
        IndicatorKind::Number,
        IndicatorKind::Number,
        IndicatorKind::Percent,
        IndicatorKind::Percent,
        IndicatorKind::YesNo,
        IndicatorKind::Text,
    ]);
    let cumulative = kind == IndicatorKind::Number && rng.chance(0.3);
    let (name, unit, baseline, target) = match kind {
        IndicatorKind::Number => {
            let b = rng.range(0, 40);
            let t = b + rng.range(10, 300);
            let name = match area {
                NationalArea::Education => "Брой обхванати деца и ученици",
                NationalArea::Health => "Брой прегледани лица",
                NationalArea::Employment => "Брой наети лица",
                NationalArea::Housing => "Брой домакинства с подобрени условия",
                NationalArea::RuleOfLaw => "Брой участници в обученията",
                NationalArea::Culture => "Брой проведени прояви",
            };
            (name, Some("брой"), b.to_string(), t.to_string())
        }
        IndicatorKind::Percent => {
            let b = rng.range(20, 60);
            let t = (b + rng.range(5, 35)).min(100);
            (
                "Дял на обхванатите от целевата група",
                Some("%"),
                format!("{b}%"),
                format!("{t}%"),
            )
        }
        IndicatorKind::YesNo => ("Дейността е проведена", None, "не".into(), "да".into()),
        IndicatorKind::Text => ("Постигнат резултат", None, String::new(), "описание".into()),
    };
    Indicator {
        key: format!("i{key}"),
        name: name.into(),
        kind: Some(kind),
        unit: unit.map(str::to_string),
        cumulative,
        baseline: (!baseline.is_empty()).then_some(baseline),
        baseline_year: Some(start - 1),
        target: Some(target),
        target_year: Some(end),
    }
}

/// A measure's planned money in the currency of its first year (EUR from 2026).
fn amounts(rng: &mut Rng, first_year: i32) -> (Vec<Amount>, Vec<String>) {
    if rng.chance(0.3) {
        return (Vec::new(), Vec::new());
    }
    let leva = rng.range(1, 200) * 1_000 * if rng.chance(0.1) { 10 } else { 1 };
    let currency = if first_year >= 2026 {
        Currency::Eur
    } else {
        Currency::Bgn
    };
    let minor = i64::try_from(leva * 100).unwrap_or(i64::MAX);
    let sources = (0..rng.range(1, 2))
        .map(|_| rng.pick(&SOURCES).to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let amount = Amount {
        minor,
        currency,
        qualifier: None,
        unit_missing: false,
        text: None,
    };
    (vec![amount], sources)
}

/// The plan of one municipality: covers every year of `spec`, starting up to a year earlier
/// and ending up to three years later, as successive plans do.
pub fn municipal_plan(spec: &Spec, m: &Municipality, district_name: &str) -> Plan {
    let mut plan = plan_for(
        spec,
        &m.code,
        &m.name,
        &format!("Община {}", m.name),
        "Общински план за действие за интегриране на ромите",
    );
    plan.district = Some(district_name.to_string());
    plan
}

/// A district's plan of action under its district strategy (owner: the district).
pub fn district_plan(spec: &Spec, d: &crate::territory::District) -> Plan {
    let mut plan = plan_for(
        spec,
        &d.code,
        &format!("Област {}", d.name),
        &format!("Областна администрация {}", d.name),
        "Областен план за действие към областната стратегия за интегриране на ромите",
    );
    plan.district = Some(d.name.clone());
    plan
}

/// The national plan of action to the national strategy 2021-2030.
pub fn national_plan(spec: &Spec) -> Plan {
    plan_for(
        spec,
        crate::levels::NATION_CODE,
        "Република България",
        "Министерски съвет",
        "Национален план за действие към Националната стратегия за равенство, приобщаване и участие на ромите",
    )
}

fn plan_for(spec: &Spec, key: &str, owner: &str, own: &str, what: &str) -> Plan {
    let mut rng = Rng::new(spec.seed, key);
    let from = spec.years.from - rng.range(0, 1) as i32;
    let to = spec.years.to + rng.range(0, 3) as i32;
    let mut plan = Plan::new(
        owner,
        &format!("{what} {from}-{to} г. (демонстрационни данни)"),
        YearRange { from, to },
    );
    plan.notes
        .push("Синтетичен план, генериран за демонстрация; не е действителен документ.".into());
    let total = rng.range(30, 150) as usize;
    let counts = split(total, &mut rng);
    let own = own.to_string();
    let mut key = 0;
    for (n, (area, count)) in NationalArea::ALL.into_iter().zip(counts).enumerate() {
        if count == 0 {
            continue;
        }
        let (objectives, activities) = area_texts(area);
        let mut priority = Priority {
            number: Some(n as u32 + 1),
            title: area.title_bg().to_string(),
            national_area: Some(area),
            operational_objective: None,
            objectives: Vec::new(),
        };
        for (o, title) in objectives.iter().enumerate() {
            let share = count / objectives.len() + usize::from(o < count % objectives.len());
            let mut objective = Objective {
                code: Some(format!("{}.{}", n + 1, o + 1)),
                title: title.to_string(),
                measures: Vec::new(),
            };
            for i in 0..share {
                key += 1;
                let start = from + rng.range(0, 1) as i32;
                let end = (start + rng.range(0, 3) as i32).min(to);
                let mut institutions = vec![rng.pick(&INSTITUTIONS).to_string()];
                if rng.chance(0.4) {
                    institutions.push(own.clone());
                }
                institutions.dedup();
                let (amounts, funding_sources) = amounts(&mut rng, start);
                let indicators = (1..=rng.range(1, 3) as usize)
                    .map(|k| indicator(k, area, &mut rng, start, end))
                    .collect();
                objective.measures.push(Measure {
                    key: format!("m{key}"),
                    code: Some(format!("{}.{}.{}", n + 1, o + 1, i + 1)),
                    tasks: Vec::new(),
                    activities: vec![rng.pick(activities).to_string()],
                    institutions,
                    period: Some(MeasurePeriod {
                        text: format!("{start}-{end} г."),
                        from: Some(start),
                        to: Some(end),
                    }),
                    status: None,
                    amounts,
                    funding_sources,
                    indicators,
                });
            }
            priority.objectives.push(objective);
        }
        plan.priorities.push(priority);
    }
    plan
}

/// Whether a municipality held no round in a year (about one in twelve): a realistic gap.
pub fn round_missing(spec: &Spec, code: &str, year: i32) -> bool {
    Rng::new(spec.seed, &format!("{code}/{year}/round")).chance(0.08)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_plan_and_another_seed_another() {
        let m = &crate::territory::tree().municipalities[0];
        let spec = Spec::default();
        assert_eq!(municipal_plan(&spec, m, "X"), municipal_plan(&spec, m, "X"));
        let other = Spec { seed: 2, ..spec };
        assert_ne!(
            municipal_plan(&spec, m, "X"),
            municipal_plan(&other, m, "X")
        );
    }

    #[test]
    fn every_plan_has_30_to_150_measures_under_national_areas_and_covers_the_years() {
        let spec = Spec::default();
        for m in &crate::territory::tree().municipalities {
            let p = municipal_plan(&spec, m, "X");
            let n = p.measures().count();
            assert!((30..=150).contains(&n), "{}: {n}", m.code);
            assert!(p.priorities.iter().all(|p| p.national_area.is_some()));
            assert!(p.period.from <= 2022 && p.period.to >= 2024);
            let keys: std::collections::HashSet<_> = p.measures().map(|m| &m.key).collect();
            assert_eq!(keys.len(), n, "keys are unique");
        }
    }

    #[test]
    fn years_are_read_as_a_range_or_a_single_year() {
        assert_eq!(
            parse_years("2022-2024"),
            Some(YearRange {
                from: 2022,
                to: 2024
            })
        );
        assert_eq!(
            parse_years("2026"),
            Some(YearRange {
                from: 2026,
                to: 2026
            })
        );
        assert_eq!(parse_years("2024-2022"), None);
        assert_eq!(parse_years("сто"), None);
    }
}
