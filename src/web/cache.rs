//! Public answers from memory. An anonymous GET (no session cookie, no `Authorization`, not a
//! submission link) whose answer is a plain 200 — no cookie set, no CSRF token used, not
//! `no-store` — is kept per (language, path and query) with its bytes as sent, gzip and brotli
//! made once, and a strong ETag. The next such request is answered from memory without touching
//! the database or the handler; `If-None-Match` gets 304.
//!
//! What is kept is valid for one *data version*: a counter bumped
//! - after every request that may write (POST/PUT/PATCH/DELETE) on this instance, unless it
//!   was refused (4xx: nothing stored) or its handler marked it [`Unpublished`] (a draft's text,
//!   a session: nothing public changed);
//! - on PostgreSQL, when another instance announces a write (`NOTIFY planmon_changed`, sent by
//!   [`changed`] and received by [`watch`]'s `LISTEN`; if the listening connection is lost the
//!   cache is bypassed until it is back);
//! - on SQLite, when `PRAGMA data_version` of a watching connection moves (a write by another
//!   process, such as `planmon import`), polled every [`SQLITE_POLL`].
//!
//! After a write, the first request for a page makes it again while the others are answered
//! with the page kept before the write (stale while revalidating), so a burst of writes never
//! makes readers queue behind the rendering.
//!
//! The cache is off unless [`ResponseCache::enabled`] (the server turns it on with [`watch`]);
//! tests that write to the database behind the router's back keep it off.
//!
//! [`etag`] and [`not_modified`] are the one ETag helper for other answers too: [`conditional`]
//! (a route layer on the exports and the API reads) gives every 200 answer its ETag and answers
//! 304 to `If-None-Match`, or to `If-Modified-Since` against the `Last-Modified` the handler set
//! with [`last_modified`].

use super::AppState;
use crate::db::{Backend, Db};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// How often SQLite's data version is read.
pub const SQLITE_POLL: Duration = Duration::from_millis(200);
/// Largest answer kept.
const MAX_ENTRY_BYTES: usize = 8 * 1024 * 1024;
/// Entries kept at most; past it the cache starts over.
const MAX_ENTRIES: usize = 2048;
/// The PostgreSQL channel writes are announced on.
const CHANNEL: &str = "planmon_changed";

/// One kept answer.
struct Entry {
    version: u64,
    etag: String,
    headers: HeaderMap,
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
}

/// The kept answers; see the module comment.
#[derive(Default)]
pub struct ResponseCache {
    on: AtomicBool,
    /// Cleared while the PostgreSQL listener is reconnecting.
    healthy: AtomicBool,
    version: AtomicU64,
    entries: RwLock<HashMap<String, Arc<Entry>>>,
    /// One render per key at a time: requests that miss together wait for the first.
    renders: std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl ResponseCache {
    /// A cache that keeps answers (the server's; invalidated by [`watch`]).
    pub fn enabled() -> ResponseCache {
        ResponseCache {
            on: AtomicBool::new(true),
            healthy: AtomicBool::new(true),
            ..ResponseCache::default()
        }
    }

    fn active(&self) -> bool {
        self.on.load(Ordering::Acquire) && self.healthy.load(Ordering::Acquire)
    }

    /// Everything kept is out of date.
    pub fn invalidate(&self) {
        self.version.fetch_add(1, Ordering::AcqRel);
    }

    fn get(&self, key: &str) -> Option<Arc<Entry>> {
        let version = self.version.load(Ordering::Acquire);
        let entries = self.entries.read().ok()?;
        entries.get(key).filter(|e| e.version == version).cloned()
    }

    /// The answer kept for `key` in whatever version: when the page made again after a write is
    /// byte for byte the same (a write elsewhere), its compressed bytes are taken over.
    fn kept(&self, key: &str) -> Option<Arc<Entry>> {
        self.entries.read().ok()?.get(key).cloned()
    }

    fn render_lock(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let Ok(mut renders) = self.renders.lock() else {
            return Arc::default();
        };
        if renders.len() > MAX_ENTRIES {
            renders.retain(|_, l| Arc::strong_count(l) > 1);
        }
        renders.entry(key.to_string()).or_default().clone()
    }

    fn put(&self, key: String, entry: Entry) {
        if let Ok(mut entries) = self.entries.write() {
            let version = self.version.load(Ordering::Acquire);
            if entries.len() >= MAX_ENTRIES {
                entries.retain(|_, e| e.version == version);
                if entries.len() >= MAX_ENTRIES {
                    entries.clear();
                }
            }
            entries.insert(key, Arc::new(entry));
        }
    }
}

/// A strong ETag for `bytes` (SHA-256, shortened).
pub fn etag(bytes: &[u8]) -> String {
    format!("\"{}\"", &crate::files::sha256_hex(bytes)[..32])
}

/// Whether the request's `If-None-Match` names `etag` (or `*`).
pub fn not_modified(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}

/// Whether the client's copy is current: `If-None-Match` names `etag`, or, when the request has
/// no `If-None-Match` (RFC 9110 13.2.2), `If-Modified-Since` is not older than `modified`.
fn fresh(request: &HeaderMap, etag: &str, modified: Option<&HeaderValue>) -> bool {
    if request.contains_key(header::IF_NONE_MATCH) {
        return not_modified(request, etag);
    }
    let parse = |v: &HeaderValue| {
        let text = v.to_str().ok()?;
        time::PrimitiveDateTime::parse(text, HTTP_DATE).ok()
    };
    match (
        request.get(header::IF_MODIFIED_SINCE).and_then(parse),
        modified.and_then(parse),
    ) {
        (Some(since), Some(changed)) => changed <= since,
        _ => false,
    }
}

/// The IMF-fixdate of HTTP (`Sun, 06 Nov 1994 08:49:37 GMT`).
const HTTP_DATE: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
);

/// An RFC 3339 timestamp (as stored) as an HTTP date, or `None` when it is not one.
pub fn http_date(rfc3339: &str) -> Option<String> {
    let t = time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()?
        .to_offset(time::UtcOffset::UTC);
    time::PrimitiveDateTime::new(t.date(), t.time())
        .format(HTTP_DATE)
        .ok()
}

/// Sets `Last-Modified` from the data's last change (RFC 3339 text), when known.
pub fn last_modified(mut response: Response, modified: Option<&str>) -> Response {
    if let Some(v) = modified
        .and_then(http_date)
        .and_then(|d| HeaderValue::from_str(&d).ok())
    {
        response.headers_mut().insert(header::LAST_MODIFIED, v);
    }
    response
}

/// Largest answer [`conditional`] reads to make its ETag.
const MAX_CONDITIONAL_BYTES: usize = 256 * 1024 * 1024;

/// Route layer of the exports and API reads: a 200 answer to GET gets the [`etag`] of its bytes,
/// and the request is answered 304 (without the body) when the client's copy is [`fresh`].
pub async fn conditional(req: Request, next: Next) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return next.run(req).await;
    }
    let request = req.headers().clone();
    let response = next.run(req).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::ETAG) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_CONDITIONAL_BYTES).await else {
        return super::AppError::Internal("the answer could not be read".into()).into_response();
    };
    let tag = etag(&bytes);
    if let Ok(v) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, v);
    }
    if fresh(&request, &tag, parts.headers.get(header::LAST_MODIFIED)) {
        parts.status = StatusCode::NOT_MODIFIED;
        for h in [
            header::CONTENT_TYPE,
            header::CONTENT_LENGTH,
            header::CONTENT_DISPOSITION,
        ] {
            parts.headers.remove(h);
        }
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The encodings a request accepts, best first among what is kept.
fn preferred(request: &HeaderMap) -> Encoding {
    let accepted: Vec<(String, f32)> = request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|part| {
            let mut it = part.split(';');
            let name = it.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (name, q)
        })
        .collect();
    let q = |name: &str| {
        accepted
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, q)| *q)
            .unwrap_or(0.0)
    };
    if q("br") > 0.0 {
        Encoding::Brotli
    } else if q("gzip") > 0.0 {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

/// The cache key of a request, or `None` when its answer may be personal.
fn key_of(req: &Request) -> Option<String> {
    if req.method() != Method::GET || req.headers().contains_key(header::AUTHORIZATION) {
        return None;
    }
    let path = req.uri().path();
    if path.starts_with("/s/") || path.starts_with("/static/") {
        return None;
    }
    let headers = req.headers();
    if super::auth::cookie(headers, super::auth::SESSION_COOKIE).is_some() {
        return None;
    }
    let lang = super::auth::cookie(headers, "lang")
        .and_then(crate::i18n::Lang::parse)
        .unwrap_or_default();
    let pq = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    Some(format!("{}\u{0}{pq}", lang.code()))
}

/// The middleware: answers from memory, keeps new public answers, counts writes.
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let cache = state.pages.clone();
    let writes = !matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    if writes {
        let response = next.run(req).await;
        // A refused write (4xx) stored nothing, and a write marked [`Unpublished`] touched only
        // what no public answer shows: what is kept stays valid.
        let public = !response.status().is_client_error()
            && response.extensions().get::<Unpublished>().is_none();
        if public {
            changed(&state).await;
        }
        return response;
    }
    let key = match key_of(&req) {
        Some(k) if cache.active() => k,
        _ => return next.run(req).await,
    };
    let request_headers = req.headers().clone();
    if let Some(entry) = cache.get(&key) {
        return answer(&entry, &request_headers);
    }
    // After a write every client misses at once: one renders and compresses; the rest get the
    // answer kept before the write while it does (stale while revalidating), or wait for it
    // when nothing was kept.
    let lock = cache.render_lock(&key);
    let _rendering = match lock.clone().try_lock_owned() {
        Ok(guard) => guard,
        Err(_) => {
            if let Some(stale) = cache.kept(&key) {
                return answer(&stale, &request_headers);
            }
            lock.clone().lock_owned().await
        }
    };
    if let Some(entry) = cache.get(&key) {
        return answer(&entry, &request_headers);
    }
    let version = cache.version.load(Ordering::Acquire);
    let response = next.run(req).await;
    let keep = response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && !response.headers().contains_key(header::CONTENT_ENCODING)
        && response
            .extensions()
            .get::<super::auth::UsedCsrf>()
            .is_none()
        && response
            .headers()
            .get(header::CACHE_CONTROL)
            .is_none_or(|v| !v.as_bytes().starts_with(b"no-store"));
    if !keep {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ENTRY_BYTES).await else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "the answer could not be read",
        )
            .into_response();
    };
    let tag = etag(&bytes);
    let (identity, gzip, brotli) = match cache.kept(&key).filter(|e| e.etag == tag) {
        Some(same) => (bytes, same.gzip.clone(), same.brotli.clone()),
        None => {
            let built = tokio::task::spawn_blocking(move || compressed(bytes)).await;
            let Ok(built) = built else {
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            };
            built
        }
    };
    let mut headers = parts.headers;
    headers.remove(header::CONTENT_LENGTH);
    let entry = Entry {
        version,
        etag: tag,
        headers,
        identity,
        gzip,
        brotli,
    };
    let response = answer(&entry, &request_headers);
    cache.put(key, entry);
    response
}

fn compressed(identity: Bytes) -> (Bytes, Bytes, Bytes) {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let gzip = gz
        .write_all(&identity)
        .and_then(|()| gz.finish())
        .unwrap_or_default();
    let mut brotli = Vec::new();
    // Quality 9: a tenth of the time of 11 for a few per cent more bytes, as pages are made
    // again after every write.
    let params = brotli::enc::BrotliEncoderParams {
        quality: 9,
        lgwin: 20,
        ..Default::default()
    };
    if brotli::BrotliCompress(&mut &identity[..], &mut brotli, &params).is_err() {
        brotli.clear();
    }
    (identity, Bytes::from(gzip), Bytes::from(brotli))
}

fn answer(entry: &Entry, request: &HeaderMap) -> Response {
    let encoding = match preferred(request) {
        Encoding::Brotli if !entry.brotli.is_empty() => Encoding::Brotli,
        Encoding::Brotli | Encoding::Gzip if !entry.gzip.is_empty() => Encoding::Gzip,
        _ => Encoding::Identity,
    };
    let (body, tag, name) = match encoding {
        Encoding::Brotli => (&entry.brotli, "-br", Some("br")),
        Encoding::Gzip => (&entry.gzip, "-gz", Some("gzip")),
        Encoding::Identity => (&entry.identity, "", None),
    };
    // One ETag per representation, as the bytes differ.
    let etag = format!("{}{tag}\"", entry.etag.trim_end_matches('"'));
    let not_modified = fresh(request, &etag, entry.headers.get(header::LAST_MODIFIED));
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::new(Body::from(body.clone()))
    };
    let headers = response.headers_mut();
    for (k, v) in &entry.headers {
        if !(not_modified && k == header::CONTENT_TYPE) {
            headers.append(k, v.clone());
        }
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(name) = name {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    response
}

/// Response extension of a write that changed nothing a public answer shows (a draft's text, a
/// session, an account's tokens): the cache keeps what it has. Set with [`unpublished`].
#[derive(Debug, Clone, Copy)]
pub struct Unpublished;

/// Marks `response` as the answer of a write no public page shows.
pub fn unpublished(mut response: Response) -> Response {
    response.extensions_mut().insert(Unpublished);
    response
}

/// A write happened here: forget what is kept, and tell the other instances (PostgreSQL).
pub async fn changed(state: &AppState) {
    state.pages.invalidate();
    if state.pages.on.load(Ordering::Acquire) && state.db.backend == Backend::Postgres {
        let sent = sqlx::query(sqlx::AssertSqlSafe(format!("NOTIFY {CHANNEL}")))
            .execute(&state.db.pool)
            .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, "could not announce a change to other instances");
        }
    }
}

/// Announces a write made outside the server (the command line) to running servers.
pub async fn announce(db: &Db) {
    match db.backend {
        Backend::Postgres => {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!("NOTIFY {CHANNEL}")))
                .execute(&db.pool)
                .await;
        }
        // SQLite servers see the data version move.
        Backend::Sqlite => {}
    }
}

/// Keeps the cache in step with writes by other processes; see the module comment.
pub fn watch(cache: Arc<ResponseCache>, database_url: String, backend: Backend) {
    match backend {
        Backend::Postgres => {
            tokio::spawn(async move {
                loop {
                    match listen(&cache, &database_url).await {
                        Ok(()) => {}
                        Err(e) => tracing::warn!(error = %e, "change listener lost"),
                    }
                    cache.healthy.store(false, Ordering::Release);
                    cache.invalidate();
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            });
        }
        Backend::Sqlite => {
            tokio::spawn(async move {
                use sqlx::Connection;
                let mut last = None;
                loop {
                    let seen = async {
                        let mut conn = sqlx::AnyConnection::connect(&database_url).await?;
                        loop {
                            let v: i64 = sqlx::query_scalar("PRAGMA data_version")
                                .fetch_one(&mut conn)
                                .await?;
                            if last.is_some_and(|l| l != v) {
                                cache.invalidate();
                            }
                            last = Some(v);
                            tokio::time::sleep(SQLITE_POLL).await;
                        }
                        #[allow(unreachable_code)]
                        Ok::<(), sqlx::Error>(())
                    }
                    .await;
                    if let Err(e) = seen {
                        tracing::warn!(error = %e, "data version watcher lost");
                    }
                    cache.invalidate();
                    last = None;
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            });
        }
    }
}

async fn listen(cache: &ResponseCache, url: &str) -> sqlx::Result<()> {
    let mut listener = sqlx::postgres::PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    // Whatever happened while not listening is unknown: start over, then trust the channel.
    cache.invalidate();
    cache.healthy.store(true, Ordering::Release);
    loop {
        // `try_recv` gives `None` when the connection was lost (and reconnects next time).
        match listener.try_recv().await? {
            Some(_) => cache.invalidate(),
            None => {
                cache.invalidate();
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(v).expect("value"),
        );
        h
    }

    #[test]
    fn brotli_is_preferred_then_gzip_as_the_browser_allows() {
        assert_eq!(preferred(&accept("gzip, deflate, br")), Encoding::Brotli);
        assert_eq!(preferred(&accept("gzip, br;q=0")), Encoding::Gzip);
        assert_eq!(preferred(&accept("identity")), Encoding::Identity);
        assert_eq!(preferred(&HeaderMap::new()), Encoding::Identity);
    }

    #[test]
    fn if_none_match_matches_any_listed_tag() {
        let mut h = HeaderMap::new();
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"a\", W/\"b\""),
        );
        assert!(not_modified(&h, "\"b\""));
        assert!(!not_modified(&h, "\"c\""));
    }

    #[test]
    fn kept_bytes_decompress_to_the_page() {
        use std::io::Read;
        let page = Bytes::from("<p>Пловдив</p>".repeat(500));
        let (identity, gzip, br) = compressed(page.clone());
        assert_eq!(identity, page);
        let mut out = String::new();
        flate2::read::GzDecoder::new(&gzip[..])
            .read_to_string(&mut out)
            .expect("gzip");
        assert_eq!(out.as_bytes(), &page[..]);
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut out).expect("brotli");
        assert_eq!(out, page);
        assert!(br.len() < gzip.len() && gzip.len() < page.len() / 10);
    }
}
