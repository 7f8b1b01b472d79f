//! The DCAT-AP catalogue (`/data/catalog.jsonld`): every dataset of `/data`, for all plans and
//! per plan, with each download as a distribution, in JSON-LD, so that a data portal (the
//! national portal, data.europa.eu) can harvest it.

use super::Dataset;
use super::names::Format;
use crate::i18n::{Lang, Tr};
use serde_json::{Value, json};

/// EU vocabularies the catalogue refers to.
const LANGUAGE_BUL: &str = "http://publications.europa.eu/resource/authority/language/BUL";
const THEME_SOCI: &str = "http://publications.europa.eu/resource/authority/data-theme/SOCI";
const THEME_GOVE: &str = "http://publications.europa.eu/resource/authority/data-theme/GOVE";
const COUNTRY_BGR: &str = "http://publications.europa.eu/resource/authority/country/BGR";
const FREQUENCY_IRREG: &str = "http://publications.europa.eu/resource/authority/frequency/IRREG";

/// What the catalogue is made from.
pub struct CatalogInput<'a> {
    /// The public address without a trailing slash, e.g. "https://planmon.example.bg".
    pub base: &'a str,
    pub publisher: &'a str,
    pub licence_url: &'a str,
    /// Per dataset: when it last changed (RFC 3339), if it has data.
    pub modified: Vec<(Dataset, Option<String>)>,
    /// The plans: id, title, municipality, when the plan's data last changed.
    pub plans: Vec<PlanEntry<'a>>,
}

pub struct PlanEntry<'a> {
    pub id: i64,
    pub title: &'a str,
    pub municipality: &'a str,
    /// Per dataset: when the plan's part of it last changed.
    pub modified: Vec<(Dataset, Option<String>)>,
}

impl PlanEntry<'_> {
    fn modified(&self, d: Dataset) -> Option<String> {
        self.modified
            .iter()
            .find(|(x, _)| *x == d)
            .and_then(|(_, m)| m.clone())
    }
}

fn file_type(f: Format) -> &'static str {
    match f {
        Format::Csv => "http://publications.europa.eu/resource/authority/file-type/CSV",
        Format::Xlsx => "http://publications.europa.eu/resource/authority/file-type/XLSX",
        Format::Json => "http://publications.europa.eu/resource/authority/file-type/JSON",
    }
}

fn iana(f: Format) -> String {
    let bare = f.media_type().split(';').next().unwrap_or_default();
    format!("https://www.iana.org/assignments/media-types/{bare}")
}

/// Bulgarian and English text of a message key as language-tagged literals.
fn both(key: &str) -> Value {
    json!([
        {"@value": Tr::new(Lang::Bg).t(key), "@language": "bg"},
        {"@value": Tr::new(Lang::En).t(key), "@language": "en"},
    ])
}

fn tagged(bg: String, en: String) -> Value {
    json!([{"@value": bg, "@language": "bg"}, {"@value": en, "@language": "en"}])
}

fn date_time(m: &Option<String>) -> Value {
    m.as_ref().map_or(
        Value::Null,
        |m| json!({"@value": m, "@type": "xsd:dateTime"}),
    )
}

fn distributions(input: &CatalogInput<'_>, d: Dataset, path: &str) -> Vec<Value> {
    Format::ALL
        .into_iter()
        .map(|f| {
            let url = format!("{}{path}/{}.{}", input.base, d.code(), f.ext());
            json!({
                "@id": url,
                "@type": "dcat:Distribution",
                "dct:title": format!("{} ({})", Tr::new(Lang::Bg).t(d.title_key()), f.label()),
                "dcat:accessURL": {"@id": url},
                "dcat:downloadURL": {"@id": url},
                "dct:format": {"@id": file_type(f)},
                "dcat:mediaType": {"@id": iana(f)},
                "dct:license": {"@id": input.licence_url},
            })
        })
        .collect()
}

/// The catalogue as a JSON-LD document.
pub fn catalog(input: &CatalogInput<'_>) -> Value {
    let base = input.base;
    let publisher = json!({"@type": "foaf:Agent", "foaf:name": input.publisher});
    let landing = format!("{base}/data");
    let mut datasets = Vec::new();
    for (d, modified) in &input.modified {
        let id = format!("{base}/data#ds-{}", d.code());
        datasets.push(json!({
            "@id": id,
            "@type": "dcat:Dataset",
            "dct:identifier": format!("planmon-{}", d.code()),
            "dct:title": both(d.title_key()),
            "dct:description": both(d.about_key()),
            "dct:publisher": publisher,
            "dct:license": {"@id": input.licence_url},
            "dct:language": {"@id": LANGUAGE_BUL},
            "dct:spatial": {"@id": COUNTRY_BGR},
            "dct:accrualPeriodicity": {"@id": FREQUENCY_IRREG},
            "dct:modified": date_time(modified),
            "dcat:theme": [{"@id": THEME_SOCI}, {"@id": THEME_GOVE}],
            "dcat:keyword": ["роми", "интеграция", "общински план за действие", "Roma", "integration"],
            "dcat:landingPage": {"@id": format!("{landing}#ds-{}", d.code())},
            "dcat:distribution": distributions(input, *d, "/data"),
        }));
        for p in input.plans.iter().filter(|_| d.per_plan()) {
            let title_bg = Tr::new(Lang::Bg).t(d.title_key());
            let title_en = Tr::new(Lang::En).t(d.title_key());
            datasets.push(json!({
                "@id": format!("{base}/data/plans/{}#ds-{}", p.id, d.code()),
                "@type": "dcat:Dataset",
                "dct:identifier": format!("planmon-plan-{}-{}", p.id, d.code()),
                "dct:title": tagged(
                    format!("{title_bg}: {}", p.title),
                    format!("{title_en}: {}", p.title),
                ),
                "dct:description": both(d.about_key()),
                "dct:publisher": publisher,
                "dct:license": {"@id": input.licence_url},
                "dct:language": {"@id": LANGUAGE_BUL},
                "dct:spatial": {"@id": COUNTRY_BGR},
                "dct:isPartOf": {"@id": id},
                "dct:modified": date_time(&p.modified(*d)),
                "dcat:theme": [{"@id": THEME_SOCI}, {"@id": THEME_GOVE}],
                "dcat:keyword": [p.municipality],
                "dcat:landingPage": {"@id": format!("{base}/plans/{}", p.id)},
                "dcat:distribution": distributions(input, *d, &format!("/data/plans/{}", p.id)),
            }));
        }
    }
    json!({
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": format!("{base}/data/catalog.jsonld"),
        "@type": "dcat:Catalog",
        "dct:title": both("data.catalog_title"),
        "dct:description": both("data.lead"),
        "dct:publisher": publisher,
        "dct:language": {"@id": LANGUAGE_BUL},
        "dct:license": {"@id": input.licence_url},
        "foaf:homepage": {"@id": landing},
        "dcat:dataset": datasets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dataset_has_a_distribution_per_format_with_absolute_addresses() {
        let input = CatalogInput {
            base: "https://pm.example",
            publisher: "Община",
            licence_url: "https://creativecommons.org/licenses/by/4.0/",
            modified: Dataset::ALL.iter().map(|d| (*d, None)).collect(),
            plans: vec![PlanEntry {
                id: 4,
                title: "План",
                municipality: "Примерна",
                modified: vec![(Dataset::Plans, Some("2025-01-01T00:00:00Z".into()))],
            }],
        };
        let c = catalog(&input);
        let ds = c["dcat:dataset"].as_array().expect("datasets");
        let per_plan = Dataset::ALL.iter().filter(|d| d.per_plan()).count();
        assert_eq!(ds.len(), Dataset::ALL.len() + per_plan);
        for d in ds {
            let dist = d["dcat:distribution"].as_array().expect("distributions");
            assert_eq!(dist.len(), 3);
            for x in dist {
                let url = x["dcat:downloadURL"]["@id"].as_str().expect("url");
                assert!(url.starts_with("https://pm.example/data/"), "{url}");
                assert!(x["dct:format"]["@id"].is_string());
            }
        }
        assert_eq!(
            ds[1]["dcat:distribution"][0]["@id"],
            "https://pm.example/data/plans/4/plans.csv"
        );
        assert_eq!(ds[1]["dct:isPartOf"]["@id"], ds[0]["@id"]);
        assert_eq!(ds[1]["dct:modified"]["@value"], "2025-01-01T00:00:00Z");
    }
}
