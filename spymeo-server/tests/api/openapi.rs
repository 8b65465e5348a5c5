//! The OpenAPI contract: every `/api` route of the route table is described and nothing else
//! is, the document is well formed enough for clients and schemathesis (declared path
//! parameters, answers with bodies, unique operation ids), the server serves exactly it, and
//! the committed `openapi.yaml` is current.

use std::collections::BTreeSet;

use spymeo_server::api::openapi;
use utoipa::openapi::RefOr;
use utoipa::openapi::path::ParameterIn;

use crate::helpers::spawn_app;

fn api_routes() -> BTreeSet<(String, String)> {
    spymeo_server::routes::catalogue()
        .into_iter()
        .filter(|r| r.path.starts_with("/api/"))
        .map(|r| (r.method, r.path.to_owned()))
        .collect()
}

#[test]
fn every_api_route_has_an_operation_and_every_operation_a_route() {
    let doc = openapi::document();
    let ops: BTreeSet<(String, String)> = openapi::operations(&doc).into_iter().collect();
    let routes = api_routes();
    let missing: Vec<_> = routes.difference(&ops).collect();
    let unknown: Vec<_> = ops.difference(&routes).collect();
    assert!(
        missing.is_empty(),
        "{} /api routes have no OpenAPI operation (add #[utoipa::path] to the handler and list it in its module's ApiDoc): {missing:#?}",
        missing.len()
    );
    assert!(
        unknown.is_empty(),
        "OpenAPI operations without a route: {unknown:#?}"
    );
}

#[test]
fn operations_declare_their_path_parameters_and_answers() {
    let doc = openapi::document();
    let mut ids = BTreeSet::new();
    let mut problems = Vec::new();
    for (path, item) in &doc.paths.paths {
        let in_template: BTreeSet<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(name, _)| name))
            .collect();
        for (method, op) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ]
        .into_iter()
        .filter_map(|(m, op)| op.as_ref().map(|op| (m, op)))
        {
            let declared: BTreeSet<&str> = op
                .parameters
                .iter()
                .flatten()
                .filter(|p| p.parameter_in == ParameterIn::Path)
                .map(|p| p.name.as_str())
                .collect();
            if declared != in_template {
                problems.push(format!(
                    "{method} {path}: path parameters {declared:?}, template has {in_template:?}"
                ));
            }
            match &op.operation_id {
                Some(id) if !ids.insert(id.clone()) => {
                    problems.push(format!("{method} {path}: operation id {id} used twice"))
                }
                None => problems.push(format!("{method} {path}: no operation id")),
                _ => {}
            }
            let success: Vec<_> = op
                .responses
                .responses
                .iter()
                .filter(|(status, _)| status.starts_with('2') || status.starts_with('3'))
                .collect();
            if success.is_empty() {
                problems.push(format!("{method} {path}: no success answer described"));
            }
            for (status, response) in success {
                if let RefOr::T(r) = response
                    && r.content.is_empty()
                    && status != "204"
                    && !status.starts_with('3')
                {
                    problems.push(format!("{method} {path}: {status} has no content"));
                }
            }
            if op.tags.as_ref().is_none_or(|t| t.is_empty()) {
                problems.push(format!("{method} {path}: no tag"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test]
async fn the_server_serves_the_document() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(format!("http://{}/api/openapi.json", app.addr))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let served: serde_json::Value = res.json().await.unwrap();
    let expected = serde_json::to_value(openapi::document()).unwrap();
    assert_eq!(served, expected);
    assert!(served["openapi"].as_str().unwrap().starts_with("3.1"));
}

#[test]
fn committed_openapi_yaml_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == openapi::yaml(),
        "openapi.yaml is stale: regenerate it with `cargo run -q -p spymeo-cli -- openapi > openapi.yaml`"
    );
}

#[test]
fn schema_names_are_not_shared_by_different_schemas() {
    let mut seen: std::collections::BTreeMap<String, (&str, serde_json::Value)> =
        Default::default();
    let mut clashes = Vec::new();
    for (module, part) in openapi::parts() {
        for (name, schema) in part.components.map(|c| c.schemas).unwrap_or_default() {
            let schema = serde_json::to_value(schema).unwrap();
            match seen.get(&name) {
                Some((other, known)) if *known != schema => clashes.push(format!(
                    "{name}: defined differently in {other} and {module} (give one a #[schema(as = …)] name)"
                )),
                Some(_) => {}
                None => {
                    seen.insert(name, (module, schema));
                }
            }
        }
    }
    assert!(clashes.is_empty(), "{}", clashes.join("\n"));
}

/// What JSON Schema clients send is what the server reads: an object body (serde alone
/// would read a struct from an array of its fields), and `1250.0` for an integer field.
#[tokio::test]
async fn json_bodies_are_objects_and_integral_floats_are_integers() {
    use crate::helpers::Actor;
    let app = spawn_app().await;
    let (_, merchant) = app.login_as(Actor::Merchant).await;
    let res = app
        .post_json(
            &merchant,
            "/api/pro/commercant/products",
            serde_json::json!(["Savon", "SAV-1", 1250, 550]),
        )
        .await;
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "VALIDATION_FAILED");

    let res = app
        .post_json(
            &merchant,
            "/api/pro/commercant/products",
            serde_json::json!({"title": "Savon", "sku": "SAV-1", "priceTtcCents": 1250.0,
                               "vatRateBp": 550.0, "status": "ACTIVE"}),
        )
        .await;
    assert_eq!(res.status(), 201);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["priceTtcCents"], 1250, "{body}");

    let res = app
        .post_json(
            &merchant,
            "/api/pro/commercant/products",
            serde_json::json!({"title": "Savon", "sku": "SAV-2", "priceTtcCents": 12.5, "vatRateBp": 550}),
        )
        .await;
    assert_eq!(res.status(), 400, "a fraction is not an integer");
}

/// Found by the contract run: a huge page number overflowed the offset (500) and a NUL in a
/// text reached PostgreSQL, which refuses it (500). Both are the client's values: 200/400.
#[tokio::test]
async fn extreme_pages_and_nul_characters_are_not_server_errors() {
    use crate::helpers::Actor;
    let app = spawn_app().await;
    let (_, merchant) = app.login_as(Actor::Merchant).await;
    let res = merchant
        .get(app.url("/api/pro/commercant/products?page=9223372036854775807"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["items"], serde_json::json!([]));

    let res = app
        .post_json(
            &merchant,
            "/api/pro/commercant/products",
            serde_json::json!({"title": "Sa\u{0}von", "sku": "SAV-3", "priceTtcCents": 100, "vatRateBp": 550}),
        )
        .await;
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "VALIDATION_FAILED");
}
