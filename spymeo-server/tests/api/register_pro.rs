use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::helpers::{Actor, TestApp, client, spawn_app, text_of};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";

fn data(email: &str, public_name: &str) -> Value {
    json!({"role": "PRACTITIONER", "firstName": "Claire", "lastName": "Moreau", "email": email,
           "password": "Naturo2025", "publicName": public_name, "discipline": "Naturopathe",
           "city": "Dijon", "postalCode": "21000", "siret": "732 829 320 00074", "experienceYears": 8,
           "ethics": "Je m'engage à orienter vers un médecin."})
}

async fn post(app: &TestApp, form: Form) -> reqwest::Response {
    client()
        .post(app.url("/api/auth/register-pro"))
        .header("origin", app.origin())
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn stored_files(app: &TestApp) -> usize {
    let dir = app.files.path().join("applications");
    std::fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .map(|d| std::fs::read_dir(d.path()).map(|f| f.count()).unwrap_or(0))
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn a_practitioner_applies_with_documents() {
    let app = spawn_app().await;
    app.create_user(Actor::Admin, "admin@example.fr").await;
    let form = Form::new()
        .text(
            "data",
            data("claire@example.fr", "Claire Moreau – Naturopathe").to_string(),
        )
        .part("diploma", Part::bytes(PDF).file_name("diplome.pdf"))
        .part("insurance", Part::bytes(PNG).file_name("rcpro.png"));
    let res = post(&app, form).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["status"], "PENDING_VALIDATION");
    assert!(res_has_no_session(&v));

    let (role, status, slug, verified): (String, String, String, bool) = sqlx::query_as(
        "SELECT u.role::text, u.status::text, p.slug::text, p.verified
           FROM users u JOIN practitioner_profiles p ON p.user_id = u.id WHERE u.email = 'claire@example.fr'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (role.as_str(), status.as_str(), slug.as_str(), verified),
        (
            "PRACTITIONER",
            "PENDING_VALIDATION",
            "claire-moreau-naturopathe",
            false
        )
    );
    let (app_status, diploma, insurance, kbis): (String, bool, bool, bool) = sqlx::query_as(
        "SELECT a.status::text, a.diploma_doc_id IS NOT NULL, a.insurance_doc_id IS NOT NULL, a.kbis_doc_id IS NOT NULL
           FROM pro_applications a JOIN users u ON u.id = a.user_id WHERE u.email = 'claire@example.fr'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (app_status.as_str(), diploma, insurance, kbis),
        ("PENDING", true, true, false)
    );
    let docs: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT category::text, kind::text, mime_type FROM documents ORDER BY mime_type",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        docs,
        [
            ("APPLICATION".into(), "PDF".into(), "application/pdf".into()),
            ("APPLICATION".into(), "IMAGE".into(), "image/png".into()),
        ]
    );
    assert_eq!(stored_files(&app), 2);
    let (rules, types, settings, config): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM availability_rules), (SELECT count(*) FROM appointment_types),
                (SELECT count(*) FROM agenda_settings), (SELECT count(*) FROM precompta_config)",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((rules, types, settings, config), (5, 2, 1, 1));
    let templates: Vec<String> =
        sqlx::query_scalar("SELECT template FROM email_outbox ORDER BY template")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        templates,
        ["pro_application_admin", "pro_application_received"]
    );

    let login = app
        .post_json(
            &client(),
            "/api/auth/login",
            json!({"email": "claire@example.fr", "password": "Naturo2025"}),
        )
        .await;
    assert_eq!(login.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        login.json::<Value>().await.unwrap()["error"]["code"],
        "ACCOUNT_PENDING_VALIDATION"
    );

    // Same public name: the slug gets a suffix.
    let form = Form::new().text("data", {
        let mut d = data("claire2@example.fr", "Claire Moreau – Naturopathe");
        d["siret"] = Value::Null;
        d.to_string()
    });
    assert_eq!(post(&app, form).await.status(), StatusCode::CREATED);
    let slugs: Vec<String> =
        sqlx::query_scalar("SELECT slug::text FROM practitioner_profiles ORDER BY slug")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        slugs,
        ["claire-moreau-naturopathe", "claire-moreau-naturopathe-2"]
    );
}

fn res_has_no_session(v: &Value) -> bool {
    v.get("user").is_none()
}

#[tokio::test]
async fn a_refused_application_leaves_nothing_behind() {
    let app = spawn_app().await;
    // A text file posing as a diploma.
    let form = Form::new()
        .text("data", data("x@example.fr", "X").to_string())
        .part(
            "diploma",
            Part::bytes(b"hello".to_vec())
                .file_name("diplome.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let res = post(&app, form).await;
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // A taken email: the documents already stored are removed again.
    app.create_user(Actor::Free, "pris@example.fr").await;
    let form = Form::new()
        .text("data", data("pris@example.fr", "Quelqu'un").to_string())
        .part("diploma", Part::bytes(PDF).file_name("d.pdf"));
    let res = post(&app, form).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"]["code"],
        "EMAIL_TAKEN"
    );
    assert_eq!(stored_files(&app), 0);

    let bad = Form::new().text(
        "data",
        json!({"role": "ASTRONAUTE", "siret": "12345678901234", "postalCode": "2100"}).to_string(),
    );
    let res = post(&app, bad).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let v: Value = res.json().await.unwrap();
    for f in [
        "role",
        "siret",
        "postalCode",
        "publicName",
        "email",
        "password",
    ] {
        assert!(v["error"]["fields"][f].is_string(), "{f}: {v}");
    }
    let (users, docs): (i64, i64) =
        sqlx::query_as("SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM documents)")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((users, docs), (1, 0));
}

#[tokio::test]
async fn the_application_page_works_without_javascript() {
    let app = spawn_app().await;
    let (status, html) = app.page("/commercants-artisans/devenir-membre").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        crate::helpers::select(&html, "input[name=role][checked]")[0]
            .value()
            .attr("value"),
        Some("ARTISAN")
    );
    let form = Form::new()
        .text("role", "ARTISAN")
        .text("publicName", "Savonnerie des Climats")
        .text("discipline", "Savonnerie artisanale")
        .text("city", "Beaune")
        .text("postalCode", "21200")
        .text("firstName", "Hugo")
        .text("lastName", "Lambert")
        .text("email", "hugo@example.fr")
        .text("password", "Savon2025")
        .text("experienceYears", "")
        .part("kbis", Part::bytes(PDF).file_name("kbis.pdf"))
        .part("diploma", Part::bytes(Vec::new()).file_name(""));
    let res = client()
        .post(app.url("/devenir-membre-pro"))
        .header("origin", app.origin())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let html = scraper::Html::parse_document(&res.text().await.unwrap());
    assert_eq!(text_of(&html, "h1"), "Candidature envoyée");
    let category: String = sqlx::query_scalar(
        "SELECT category FROM artisan_profiles WHERE slug = 'savonnerie-des-climats'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(category, "Savonnerie artisanale");
}
