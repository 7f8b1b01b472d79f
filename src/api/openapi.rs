//! The OpenAPI 3.1 document of `/api/v1`, generated from the handlers' `#[utoipa::path]` and the
//! types' `ToSchema`, so it cannot drift from the code. Each module describes its endpoints in
//! its own `#[derive(OpenApi)]` struct; [`document`] merges them (a new module adds one line).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "planmon API",
        version = "1",
        description = "Общинските планове за интегриране на ромите и отчитането им: четене на \
                       планове и отчетни кръгове, запис на отчетите на институциите. Грешките са \
                       JSON `Error`; 422 изброява полетата. Отговорите за четене имат ETag и \
                       Last-Modified (304 при съвпадение).\n\nMunicipal Roma-integration plans \
                       and their monitoring: read plans and reporting rounds, write institutions' \
                       updates. Errors are JSON `Error`; a 422 lists the fields. Reads carry ETag \
                       and Last-Modified (304 on a match)."
    ),
    components(schemas(crate::web::error::ErrorBody, crate::web::error::ErrorDetail, crate::web::error::FieldErrorJson)),
    modifiers(&Bearer),
    tags(
        (name = "plans", description = "Планове (публично) / Plans (public)"),
        (name = "imports", description = "Внасяне на планове (с API ключ) / Importing plans (with an API token)"),
        (name = "rounds", description = "Отчетни кръгове и отчети (с API ключ) / Reporting rounds and updates (with an API token)"),
    )
)]
struct Base;

/// The API token scheme (`Authorization: Bearer …`).
struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "API ключ, издаден от администратор или координатор (/api/tokens) / An API \
                         token issued by an administrator or a coordinator (/api/tokens)",
                    ))
                    .build(),
            ),
        );
    }
}

/// The whole document: the base, then each module's endpoints.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = Base::openapi();
    doc.merge(crate::plan::api::PlanApi::openapi());
    doc.merge(crate::amend::api::AmendApi::openapi());
    doc.merge(super::rounds::RoundsApi::openapi());
    doc.merge(super::evidence::EvidenceApi::openapi());
    doc.merge(super::imports::ImportsApi::openapi());
    doc.merge(crate::rollup::api::RollupApi::openapi());
    doc
}

/// The document as JSON text (made once; it never changes while the server runs).
pub fn json() -> &'static str {
    static JSON: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    JSON.get_or_init(|| document().to_pretty_json().unwrap_or_else(|_| "{}".into()))
}
