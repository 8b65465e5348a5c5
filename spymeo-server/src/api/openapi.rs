//! The OpenAPI contract of `/api`: each API module describes its own operations
//! (`#[utoipa::path]` on the handlers, gathered in the module's `ApiDoc`), and this module
//! joins them and adds what the route table already knows, so it is said once:
//!
//! - which operations need a session (the cookie security scheme) and answer 401/403;
//! - the error answers every operation shares (400, 404, 413/415/422, 503), all with the
//!   JSON error envelope of DOMAIN.md §6.1;
//! - who may call each operation (`x-spymeo-access`: the route's access rule);
//! - the compatibility aliases of the old front end, which share a handler with a
//!   canonical path and are marked deprecated.
//!
//! `spymeo openapi` prints it, `GET /api/openapi.json` serves it, and the committed
//! `openapi.yaml` is checked against it by the test `openapi_contract`.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::Method;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, Deprecated, OpenApi as Document, Ref, RefOr, Response, ResponseBuilder,
};
use utoipa::{OpenApi, ToSchema};

use crate::auth::Access;
use crate::routes::RouteInfo;

/// The error envelope every failed `/api` request answers with (DOMAIN.md §6.1).
#[derive(ToSchema)]
#[allow(dead_code)] // a description of what `Error::into_response` writes
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    /// Stable machine code: VALIDATION_FAILED, NOT_FOUND, UNAUTHENTICATED, FORBIDDEN, …
    pub code: String,
    /// French message for the user.
    pub message: String,
    /// Per-field French messages of a 400 VALIDATION_FAILED.
    pub fields: Option<BTreeMap<String, String>>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "SPYMEO API",
        description = "API JSON de la plateforme SPYMEO. Les erreurs suivent toutes l'enveloppe \
                       `{\"error\": {\"code\", \"message\", \"fields\"?}}`. Les opérations \
                       protégées demandent le cookie de session `spymeo_session` (obtenu par \
                       `POST /api/auth/login`) ; les requêtes qui modifient doivent venir de \
                       l'origine du site (en-tête `Origin`)."
    ),
    paths(openapi_json),
    components(schemas(ErrorEnvelope, ErrorBody))
)]
struct Root;

/// Paths served by the handler of another path: `(alias, canonical, deprecated)`.
/// Deprecated ones exist only for the old front end's URLs.
pub const ALIASES: &[(&str, &str, bool)] = &[
    ("/api/auth/register", "/api/auth/signup", true),
    ("/api/articles", "/api/blog/posts", true),
    ("/api/account", "/api/account/delete", false),
    ("/api/user/me", "/api/account/me", false),
    ("/api/stripe/webhooks", "/api/payment/webhook", true),
    (
        "/api/auth/register-artisan",
        "/api/auth/register-pro",
        false,
    ),
    (
        "/api/auth/register-commercant",
        "/api/auth/register-pro",
        false,
    ),
    (
        "/api/auth/register-merchant",
        "/api/auth/register-pro",
        false,
    ),
    ("/api/auth/register-center", "/api/auth/register-pro", false),
];

/// Operations served by the handler of another method on the same path:
/// `(path, canonical method, alias method)` (old front-end forms that POST instead of PUT).
pub const METHOD_ALIASES: &[(&str, &str, &str)] = &[("/api/precompta/config", "PUT", "POST")];

/// Each API module's own part of the document, by module name.
pub fn parts() -> Vec<(&'static str, Document)> {
    vec![
        ("account", super::account::ApiDoc::openapi()),
        ("admin", super::admin::ApiDoc::openapi()),
        ("admin_content", super::admin_content::ApiDoc::openapi()),
        ("agenda", super::agenda::ApiDoc::openapi()),
        ("artisan", super::artisan::ApiDoc::openapi()),
        ("auth", super::auth::ApiDoc::openapi()),
        ("booking", super::booking::ApiDoc::openapi()),
        ("center", super::center::ApiDoc::openapi()),
        ("clients", super::clients::ApiDoc::openapi()),
        ("health", super::health::ApiDoc::openapi()),
        ("invoices", super::invoices::ApiDoc::openapi()),
        ("member", super::member::ApiDoc::openapi()),
        ("merchant", super::merchant::ApiDoc::openapi()),
        ("messaging", super::messaging::ApiDoc::openapi()),
        ("pass", super::pass::ApiDoc::openapi()),
        ("payments", super::payments::ApiDoc::openapi()),
        ("precompta", super::precompta::ApiDoc::openapi()),
        ("pro_common", super::pro_common::ApiDoc::openapi()),
        ("public", super::public::ApiDoc::openapi()),
        ("register_pro", super::register_pro::ApiDoc::openapi()),
        ("search", super::search::ApiDoc::openapi()),
        ("shop", super::shop::ApiDoc::openapi()),
    ]
}

/// The whole document.
pub fn document() -> Document {
    let mut doc = Root::openapi();
    for (_, part) in parts() {
        // `merge` keeps the first schema of a name: the test `schema_names_are_not_shared`
        // makes sure two modules never define different schemas under one name.
        doc.merge(part);
    }
    let routes = crate::routes::catalogue();
    qualify_operation_ids(&mut doc);
    add_aliases(&mut doc, &routes);
    add_method_aliases(&mut doc);
    complete_from_routes(&mut doc, &routes);
    tighten_as_parsed(doc)
}

/// What the server's parsers accept, said in the schema itself.
///
/// - `format: uuid | date | date-time` is only an annotation in JSON Schema 2020-12, so a
///   client (or schemathesis) may send `""` for it; the server's parsers (uuid, chrono)
///   refuse that. A pattern makes the format binding.
/// - `format: int16 | int32` (Rust `i16`/`i32` fields) is an annotation too: the bounds of
///   the type become `minimum`/`maximum`.
///
/// Only what clients send is tightened (parameters, request bodies and the schemas they
/// reach): what the server writes is valid by construction.
fn tighten_as_parsed(doc: Document) -> Document {
    let mut value = serde_json::to_value(&doc).expect("the document serialises");
    let mut inputs: Vec<String> = Vec::new();
    if let Some(paths) = value.get_mut("paths").and_then(|p| p.as_object_mut()) {
        for item in paths.values_mut().filter_map(|i| i.as_object_mut()) {
            for op in item.values_mut().filter_map(|o| o.as_object_mut()) {
                for part in ["parameters", "requestBody"] {
                    if let Some(v) = op.get_mut(part) {
                        collect_refs(v, &mut inputs);
                        bind_formats(v);
                    }
                }
            }
        }
    }
    // Schemas reached from the inputs, transitively.
    let mut i = 0;
    while i < inputs.len() {
        if let Some(schema) = value.pointer(&format!("/components/schemas/{}", inputs[i])) {
            let mut more = Vec::new();
            collect_refs(schema, &mut more);
            for name in more {
                if !inputs.contains(&name) {
                    inputs.push(name);
                }
            }
        }
        i += 1;
    }
    for name in &inputs {
        if let Some(schema) = value.pointer_mut(&format!("/components/schemas/{name}")) {
            bind_formats(schema);
        }
    }
    serde_json::from_value(value).expect("the tightened document is still a document")
}

fn collect_refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(name) = map
                .get("$ref")
                .and_then(|r| r.as_str())
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                && !out.iter().any(|n| n == name)
            {
                out.push(name.to_owned());
            }
            map.values().for_each(|v| collect_refs(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

const UUID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
/// Real calendar dates of 1900–2099 (days 29–31 left out: a pattern cannot know month
/// lengths; other years are refused as birth or payment dates anyway).
const DATE: &str = "(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])";
const TIME: &str =
    "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])";

fn bind_formats(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            let pattern = match map.get("format").and_then(|f| f.as_str()) {
                Some("uuid") => Some(UUID_PATTERN.to_owned()),
                Some("date") => Some(format!("^{DATE}$")),
                Some("date-time") => Some(format!("^{DATE}T{TIME}$")),
                _ => None,
            };
            if let Some(pattern) = pattern
                && !map.contains_key("pattern")
            {
                map.insert("pattern".into(), pattern.into());
            }
            let bounds = match map.get("format").and_then(|f| f.as_str()) {
                Some("int16") => Some((i64::from(i16::MIN), i64::from(i16::MAX))),
                Some("int32") => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
                _ => None,
            };
            if let Some((min, max)) = bounds {
                map.entry("minimum").or_insert(min.into());
                map.entry("maximum").or_insert(max.into());
            }
            map.values_mut().for_each(bind_formats);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(bind_formats),
        _ => {}
    }
}

/// The document as YAML, as committed in `openapi.yaml`.
pub fn yaml() -> String {
    document()
        .to_yaml()
        .expect("the OpenAPI document serialises to YAML")
}

/// The OpenAPI document of this API.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta",
    responses((status = 200, description = "Le document OpenAPI 3.1", content_type = "application/json")))]
pub async fn openapi_json() -> Json<Document> {
    Json(document())
}

/// Handler names repeat across modules (`list`, `stats`): ids become `tag.handler`.
fn qualify_operation_ids(doc: &mut Document) {
    for item in doc.paths.paths.values_mut() {
        for (_, op) in operations_mut(item) {
            if let (Some(id), Some(tag)) =
                (&op.operation_id, op.tags.as_ref().and_then(|t| t.first()))
            {
                op.operation_id = Some(format!("{tag}.{id}"));
            }
        }
    }
}

/// Copies each canonical path's operations to its aliases, for the methods the alias has.
fn add_aliases(doc: &mut Document, routes: &[RouteInfo]) {
    for &(alias, canonical, deprecated) in ALIASES {
        let Some(mut item) = doc.paths.paths.get(canonical).cloned() else {
            continue; // the coverage test reports the missing canonical path
        };
        let has = |m: Method| {
            routes
                .iter()
                .any(|r| r.path == alias && r.method == m.as_str())
        };
        for (method, slot) in [
            (Method::GET, &mut item.get),
            (Method::POST, &mut item.post),
            (Method::PUT, &mut item.put),
            (Method::PATCH, &mut item.patch),
            (Method::DELETE, &mut item.delete),
        ] {
            if !has(method) {
                *slot = None;
            }
        }
        for (_, op) in operations_mut(&mut item) {
            if let Some(id) = &op.operation_id {
                op.operation_id = Some(format!("{id}_{}", alias_suffix(alias)));
            }
            if deprecated {
                op.deprecated = Some(Deprecated::True);
            }
        }
        doc.paths.paths.insert(alias.to_owned(), item);
    }
}

fn add_method_aliases(doc: &mut Document) {
    for &(path, from, to) in METHOD_ALIASES {
        let Some(item) = doc.paths.paths.get_mut(path) else {
            continue;
        };
        let Some(mut op) = operation_slot(item, from).clone() else {
            continue;
        };
        op.operation_id = op
            .operation_id
            .map(|id| format!("{id}_{}", to.to_lowercase()));
        *operation_slot(item, to) = Some(op);
    }
}

fn operation_slot<'a>(item: &'a mut PathItem, method: &str) -> &'a mut Option<Operation> {
    match method {
        "GET" => &mut item.get,
        "POST" => &mut item.post,
        "PUT" => &mut item.put,
        "PATCH" => &mut item.patch,
        _ => &mut item.delete,
    }
}

/// `/api/auth/register-center` → `register_center`: keeps operation ids unique.
fn alias_suffix(path: &str) -> String {
    path.trim_start_matches("/api/")
        .replace(['/', '-', '{', '}'], "_")
}

fn operations_mut(item: &mut PathItem) -> Vec<(Method, &mut Operation)> {
    [
        (Method::GET, item.get.as_mut()),
        (Method::POST, item.post.as_mut()),
        (Method::PUT, item.put.as_mut()),
        (Method::PATCH, item.patch.as_mut()),
        (Method::DELETE, item.delete.as_mut()),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.map(|op| (m, op)))
    .collect()
}

/// Every `(METHOD, path)` the document describes.
pub fn operations(doc: &Document) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in &doc.paths.paths {
        let mut item = item.clone();
        for (method, _) in operations_mut(&mut item) {
            out.push((method.to_string(), path.clone()));
        }
    }
    out
}

fn complete_from_routes(doc: &mut Document, routes: &[RouteInfo]) {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
            crate::auth::session::COOKIE,
        ))),
    );
    for (path, item) in doc.paths.paths.iter_mut() {
        let has_path_params = path.contains('{');
        for (method, op) in operations_mut(item) {
            let Some(route) = routes
                .iter()
                .find(|r| r.path == path && r.method == method.as_str())
            else {
                continue; // reported by the coverage test
            };
            // Who may call it, for clients and for the contract run (scripts/api-contract
            // tests each role on the operations it may call).
            let access = serde_json::to_value(route.access).unwrap_or_default();
            op.extensions.get_or_insert_with(Default::default).merge(
                ExtensionsBuilder::new()
                    .add("x-spymeo-access", access)
                    .build(),
            );
            let mutating = method != Method::GET;
            let protected = !matches!(route.access, Access::Public | Access::Anonymous);
            if protected {
                op.security = Some(vec![SecurityRequirement::new(
                    "session",
                    Vec::<String>::new(),
                )]);
                add_error(op, "401", "Pas de session (UNAUTHENTICATED)");
            }
            let csrf_checked = mutating && !crate::auth::csrf::EXEMPT.contains(&path.as_str());
            if protected || csrf_checked {
                // Wrong role or inactive account; for writes also a foreign Origin (CSRF).
                add_error(
                    op,
                    "403",
                    "Accès refusé (FORBIDDEN, ACCOUNT_NOT_ACTIVE, CSRF)",
                );
            }
            if route.access == Access::Anonymous {
                add_error(op, "403", "Déjà connecté");
            }
            if has_path_params || op.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                add_error(op, "400", "Paramètre invalide (VALIDATION_FAILED)");
            }
            if has_path_params {
                add_error(
                    op,
                    "404",
                    "Introuvable ou appartenant à un autre compte (NOT_FOUND)",
                );
            }
            if let Some(json_body) = op
                .request_body
                .as_ref()
                .map(|b| b.content.contains_key("application/json"))
            {
                add_error(op, "400", "Corps invalide (VALIDATION_FAILED)");
                add_error(op, "413", "Corps trop volumineux (PAYLOAD_TOO_LARGE)");
                add_error(op, "415", "Type de contenu non pris en charge");
                if json_body {
                    add_error(op, "422", "JSON bien formé mais de forme inattendue");
                }
            }
            if path != "/api/health/live" && path != "/api/openapi.json" {
                add_error(
                    op,
                    "503",
                    "Base de données indisponible (SERVICE_UNAVAILABLE)",
                );
            }
        }
    }
}

/// Adds an error answer unless the operation already describes that status.
fn add_error(op: &mut Operation, status: &str, description: &str) {
    op.responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| error_response(description));
}

fn error_response(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorEnvelope")))
                    .build(),
            )
            .build(),
    )
}
