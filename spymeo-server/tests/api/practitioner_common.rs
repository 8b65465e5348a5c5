//! Shared setup of the practitioner-workspace tests: a practitioner with a complete public
//! profile (SIRET, address: what invoices need), the next bookable weekday, JSON helpers.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde_json::Value;
use uuid::Uuid;

use crate::helpers::{Actor, TestApp};

pub struct Pro {
    pub user_id: Uuid,
    pub slug: String,
    pub client: reqwest::Client,
}

/// A verified, ACTIVE practitioner with a complete profile, logged in.
pub async fn practitioner(app: &TestApp, name: &str) -> Pro {
    let email = format!("{name}@praticien.example.fr");
    let user_id = app.create_user(Actor::Practitioner, &email).await;
    sqlx::query(
        "UPDATE practitioner_profiles SET siret = '73282932000074', address_line = '12 rue des Forges',
                postal_code = '21000', city = 'Dijon', public_name = $2 WHERE user_id = $1",
    )
    .bind(user_id)
    .bind(format!("Cabinet {name}"))
    .execute(&app.pool)
    .await
    .unwrap();
    let slug = name.replace(['.', '_', '+'], "-");
    Pro {
        user_id,
        slug,
        client: app.session_client(user_id).await,
    }
}

/// The first Monday at least 3 days ahead (beyond the 2-hour notice, inside the horizon).
pub fn next_monday() -> NaiveDate {
    let mut d = Utc::now().date_naive() + Duration::days(3);
    while d.weekday() != Weekday::Mon {
        d += Duration::days(1);
    }
    d
}

pub async fn json(res: reqwest::Response) -> (reqwest::StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap();
    let v = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, v)
}

pub async fn get_json(
    app: &TestApp,
    c: &reqwest::Client,
    path: &str,
) -> (reqwest::StatusCode, Value) {
    json(c.get(app.url(path)).send().await.unwrap()).await
}

pub async fn send_json(
    app: &TestApp,
    c: &reqwest::Client,
    method: reqwest::Method,
    path: &str,
    body: Value,
) -> (reqwest::StatusCode, Value) {
    json(
        c.request(method, app.url(path))
            .header("origin", app.origin())
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

pub fn code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or_default()
}

pub fn instant(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

/// The id of the practitioner's motif labelled `label`.
pub async fn type_id(app: &TestApp, pro: &Pro, label: &str) -> Uuid {
    let (_, s) = get_json(app, &pro.client, "/api/agenda/settings").await;
    s["appointmentTypes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"] == label)
        .and_then(|t| t["id"].as_str())
        .unwrap()
        .parse()
        .unwrap()
}
