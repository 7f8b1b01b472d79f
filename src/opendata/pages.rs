//! The open data page (`/data`) and the dataset downloads, for everything
//! (`/data/measures.csv`) and per plan (`/data/plans/3/measures.csv`).

use super::names::Format;
use super::{Dataset, PlanSource, Table, build};
use crate::i18n::Tr;
use crate::plan::store::{self as plans, StoredPlan};
use crate::snapshot::store::{Origin, StoredSnapshot, list_snapshots};
use crate::web::cache;
use crate::web::download::{Disposition, file};
use crate::web::{AppError, AppState, parse_id, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/data", get(data_page))
        .route("/data/catalog.jsonld", get(catalog))
        .route("/data/iati/activities.xml", get(iati_all))
        .route("/data/iati/plans/{file}", get(iati_plan))
        .route("/data/{file}", get(download_all))
        .route("/data/plans/{id}/{file}", get(download_plan))
        .route_layer(axum::middleware::from_fn(cache::conditional))
}

/// The whole plan as an editable workbook that imports back as a new version.
pub const PLAN_WORKBOOK: &str = "plan.xlsx";

/// A plan with the snapshots of its closed rounds (generated samples left out).
pub struct Loaded {
    pub plan: Arc<StoredPlan>,
    pub rounds: Vec<StoredSnapshot>,
}

impl Loaded {
    pub fn source(&self) -> PlanSource<'_> {
        PlanSource {
            id: self.plan.id,
            version: self.plan.version,
            updated_at: &self.plan.updated_at,
            plan: &self.plan.plan,
            rounds: self.rounds.iter().map(|s| &s.snapshot).collect(),
        }
    }
}

/// Every plan (or the one asked for) with its closed rounds.
pub async fn gather(state: &AppState, only: Option<i64>) -> Result<Vec<Loaded>, AppError> {
    let ids: Vec<i64> = match only {
        Some(id) => vec![id],
        None => plans::list_plans(&state.db)
            .await?
            .iter()
            .map(|p| p.id)
            .collect(),
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let plan = state
            .plan(id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Няма план с номер {id}.")))?;
        let rounds = list_snapshots(&state.db, id)
            .await?
            .into_iter()
            .filter(|s| s.origin == Origin::Round)
            .collect();
        out.push(Loaded { plan, rounds });
    }
    Ok(out)
}

/// When the dataset last changed: the latest save of a plan, and for data from rounds the
/// latest closing of a round too. `None` when there is nothing.
pub fn modified(dataset: Dataset, loaded: &[Loaded]) -> Option<String> {
    let plans = loaded.iter().map(|l| l.plan.updated_at.clone());
    let rounds = loaded
        .iter()
        .flat_map(|l| l.rounds.iter().map(|s| s.created_at.clone()));
    match dataset {
        Dataset::Plans | Dataset::Measures => plans.max(),
        Dataset::Indicators => plans.chain(rounds).max(),
        Dataset::Progress | Dataset::Districts | Dataset::National => rounds.max(),
    }
}

/// The last change of anything the plans' datasets hold.
fn latest(loaded: &[Loaded]) -> Option<String> {
    Dataset::ALL
        .into_iter()
        .filter_map(|d| modified(d, loaded))
        .max()
}

pub fn sources(loaded: &[Loaded]) -> Vec<PlanSource<'_>> {
    loaded.iter().map(Loaded::source).collect()
}

/// A dataset's table; the roll-ups read the tree in force in each year too.
async fn table(
    state: &AppState,
    dataset: Dataset,
    src: &[PlanSource<'_>],
) -> Result<Table, AppError> {
    let rollups = if dataset.per_plan() {
        Vec::new()
    } else {
        super::store::rollups(&state.db, src).await?
    };
    Ok(build(dataset, src, &rollups))
}

/// "measures.csv" → (measures, CSV).
fn parse_file(name: &str) -> Result<(Dataset, Format), AppError> {
    let unknown = || AppError::not_found(format!("Няма набор от данни „{name}“."));
    let (stem, ext) = name.rsplit_once('.').ok_or_else(unknown)?;
    let dataset = Dataset::from_code(stem).ok_or_else(unknown)?;
    let format = Format::ALL
        .into_iter()
        .find(|f| f.ext() == ext)
        .ok_or_else(unknown)?;
    Ok((dataset, format))
}

/// The bytes of one download.
pub fn encode(
    state: &AppState,
    dataset: Dataset,
    format: Format,
    plan_id: Option<i64>,
    table: &Table,
    modified: &str,
) -> Result<Vec<u8>, AppError> {
    let bg = Tr::default();
    let title = bg.t(dataset.title_key());
    let internal = |e: &dyn std::fmt::Display| AppError::Internal(e.to_string());
    match format {
        Format::Csv => super::csv::write(table).map_err(|e| internal(&e)),
        Format::Xlsx => super::xlsx::write(table, title).map_err(|e| internal(&e)),
        Format::Json => {
            let od = &state.config.open_data;
            let meta = super::json::Meta {
                dataset: dataset.code(),
                title,
                licence: &od.licence,
                licence_url: &od.licence_url,
                plan_id,
                modified,
                columns: dataset.columns(),
            };
            super::json::write(&meta, table).map_err(|e| internal(&e))
        }
    }
}

async fn download(
    state: &AppState,
    plan_id: Option<i64>,
    name: &str,
) -> Result<Response, AppError> {
    let (dataset, format) = parse_file(name)?;
    if plan_id.is_some() && !dataset.per_plan() {
        return Err(AppError::not_found(format!(
            "„{name}“ обобщава всички планове; изтеглете го от /data/{name}."
        )));
    }
    let loaded = gather(state, plan_id).await?;
    let table = table(state, dataset, &sources(&loaded)).await?;
    let modified = modified(dataset, &loaded).unwrap_or_default();
    let bytes = encode(state, dataset, format, plan_id, &table, &modified)?;
    let file_name = match plan_id {
        Some(id) => format!("plan-{id}-{name}"),
        None => name.to_string(),
    };
    let response = file(
        format.media_type(),
        &file_name,
        Disposition::Attachment,
        bytes,
    );
    Ok(cache::last_modified(response, Some(&modified)))
}

async fn download_all(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    download(&state, None, &name).await
}

async fn download_plan(
    State(state): State<AppState>,
    Path((id, name)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let id = parse_id(&id, "план")?;
    if name == PLAN_WORKBOOK {
        let sp = state
            .plan(id)
            .await?
            .ok_or_else(|| AppError::not_found(format!("Няма план с номер {id}.")))?;
        let bytes =
            super::plan_xlsx::write(&sp.plan).map_err(|e| AppError::Internal(e.to_string()))?;
        let response = file(
            Format::Xlsx.media_type(),
            &format!("plan-{id}.xlsx"),
            Disposition::Attachment,
            bytes,
        );
        return Ok(cache::last_modified(response, Some(&sp.updated_at)));
    }
    download(&state, Some(id), &name).await
}

/// A dataset as the page shows it.
struct DatasetView {
    code: &'static str,
    title: &'static str,
    about: &'static str,
    modified: String,
    rows: usize,
    /// Whether it has a part per plan (the roll-ups do not).
    per_plan: bool,
    columns: Vec<(&'static str, String)>,
}

/// A plan's row in the per-plan downloads.
struct PlanView {
    id: i64,
    title: String,
    municipality: String,
}

#[derive(Template)]
#[template(path = "opendata/data.html")]
struct DataPage {
    tr: Tr,
    licence: String,
    licence_url: String,
    datasets: Vec<DatasetView>,
    plans: Vec<PlanView>,
    formats: [Format; 3],
}

async fn data_page(tr: Tr, State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let loaded = gather(&state, None).await?;
    let src = sources(&loaded);
    let rollups = super::store::rollups(&state.db, &src).await?;
    let datasets = Dataset::ALL
        .into_iter()
        .map(|d| DatasetView {
            code: d.code(),
            title: tr.t(d.title_key()),
            about: tr.t(d.about_key()),
            modified: modified(d, &loaded)
                .map(|m| tr.date(m.get(..10).unwrap_or(&m)))
                .unwrap_or_else(|| tr.t("data.never").to_string()),
            rows: build(d, &src, &rollups).rows.len(),
            per_plan: d.per_plan(),
            columns: d
                .columns()
                .iter()
                .map(|c| (*c, tr.t(&format!("data.col.{c}")).to_string()))
                .collect(),
        })
        .collect();
    let plans = loaded
        .iter()
        .map(|l| PlanView {
            id: l.plan.id,
            title: l.plan.plan.title.clone(),
            municipality: l.plan.plan.municipality.clone(),
        })
        .collect();
    let od = &state.config.open_data;
    render(&DataPage {
        tr,
        licence: od.licence.clone(),
        licence_url: od.licence_url.clone(),
        datasets,
        plans,
        formats: Format::ALL,
    })
}

/// The address the catalogue's links start with: the configured `public_url`, else the address
/// the server listens on (never the request's `Host` header, which the client chooses).
pub fn public_base(state: &AppState) -> String {
    match &state.config.public_url {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => format!("http://{}", state.config.addr),
    }
}

async fn catalog(State(state): State<AppState>) -> Result<Response, AppError> {
    let loaded = gather(&state, None).await?;
    let base = public_base(&state);
    let od = &state.config.open_data;
    let input = super::dcat::CatalogInput {
        base: &base,
        publisher: &od.publisher,
        licence_url: &od.licence_url,
        modified: Dataset::ALL
            .into_iter()
            .map(|d| (d, modified(d, &loaded)))
            .collect(),
        plans: loaded
            .iter()
            .map(|l| super::dcat::PlanEntry {
                id: l.plan.id,
                title: &l.plan.plan.title,
                municipality: &l.plan.plan.municipality,
                modified: Dataset::ALL
                    .into_iter()
                    .map(|d| (d, modified(d, std::slice::from_ref(l))))
                    .collect(),
            })
            .collect(),
    };
    let body = serde_json::to_vec_pretty(&super::dcat::catalog(&input))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let response = (
        [(axum::http::header::CONTENT_TYPE, "application/ld+json")],
        body,
    )
        .into_response();
    Ok(cache::last_modified(response, latest(&loaded).as_deref()))
}

async fn iati(state: &AppState, only: Option<i64>) -> Result<Response, AppError> {
    let loaded = gather(state, only).await?;
    let od = &state.config.open_data;
    let org = super::iati::ReportingOrg {
        reference: &od.reporting_org_ref,
        name: &od.reporting_org_name,
        org_type: &od.reporting_org_type,
    };
    let year = time::OffsetDateTime::now_utc().year();
    // Generated from the data as it was last changed: the same data gives the same file (and
    // ETag).
    let changed = latest(&loaded);
    let generated = changed.clone().unwrap_or_else(crate::dates::now_rfc3339);
    let body = super::iati::activities(&org, &sources(&loaded), &generated, year)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let response = (
        [(
            axum::http::header::CONTENT_TYPE,
            "application/xml; charset=utf-8",
        )],
        body,
    )
        .into_response();
    Ok(cache::last_modified(response, changed.as_deref()))
}

async fn iati_all(State(state): State<AppState>) -> Result<Response, AppError> {
    iati(&state, None).await
}

/// `/data/iati/plans/3.xml`: the activities of one plan (with its district and the nation).
async fn iati_plan(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let id = file
        .strip_suffix(".xml")
        .ok_or_else(|| AppError::not_found(format!("Няма файл „{file}“.")))?;
    let id = parse_id(id, "план")?;
    iati(&state, Some(id)).await
}
