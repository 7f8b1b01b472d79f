//! What a person sees when a page refuses them or fails, whatever handler answered: an
//! anonymous visitor (or one whose session has expired) refused a staff page goes to the login
//! page and comes back after it; error pages ([`super::error::Shown`]) are rendered again in the
//! visitor's language and, for a signed-in person, with their header. Installed outside every
//! other layer (`server::router`), so the 500 page of a panic is localised too.

use super::error::Shown;
use crate::i18n::{Lang, Nav, Tr};
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

/// The middleware described in the module comment.
pub async fn layer(req: Request, next: Next) -> Response {
    let lang = super::auth::cookie(req.headers(), "lang")
        .and_then(Lang::parse)
        .unwrap_or_default();
    let page = matches!(*req.method(), Method::GET | Method::HEAD);
    let path = req.uri().path();
    // Scripts (the API, a bearer token) and submission links get their refusals as they are.
    let browser = !path.starts_with("/api/")
        && !path.starts_with("/s/")
        && !req.headers().contains_key(header::AUTHORIZATION);
    let back = req
        .uri()
        .path_and_query()
        .and_then(|p| super::local_path(p.as_str()));
    let mut response = next.run(req).await;
    let nav = response.extensions().get::<Nav>().copied();
    let refused = matches!(
        response.status(),
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
    );
    if page && browser && refused && nav.is_none() {
        let next = back.unwrap_or_else(|| "/".into());
        let query = serde_urlencoded::to_string([("next", next.as_str())]).unwrap_or_default();
        return Redirect::to(&format!("/login?{query}")).into_response();
    }
    let nav = nav.unwrap_or_default();
    if lang == Lang::Bg && !nav.signed_in {
        return response;
    }
    let Some(shown) = response.extensions().get::<Shown>().cloned() else {
        return response;
    };
    if let Ok(html) = shown.page(Tr { lang, nav }) {
        let headers = response.headers_mut();
        headers.remove(header::CONTENT_LENGTH);
        headers.remove(header::CONTENT_ENCODING);
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        *response.body_mut() = Body::from(html);
    }
    response
}
