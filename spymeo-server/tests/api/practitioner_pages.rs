//! The practitioner pages and the public booking pages, driven as a browser without
//! JavaScript would: GET the page, POST its form, follow the redirect.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use scraper::Html;

use crate::helpers::{assert_redirect_to, count, select, text, text_of};
use crate::practitioner_common::*;

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

async fn html(res: reqwest::Response) -> Html {
    Html::parse_document(&res.text().await.unwrap())
}

#[tokio::test]
async fn settings_form_saves_hours_motifs_and_absences() {
    let app = crate::helpers::spawn_app().await;
    let pro = practitioner(&app, "formulaire").await;
    let page = html(
        pro.client
            .get(app.url("/pro/praticien/agenda/settings"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        select(&page, "#r1_0_start")[0].value().attr("value"),
        Some("09:00")
    );
    assert_eq!(
        count(&page, "input[name$=_label]"),
        3,
        "two motifs and a blank row"
    );
    let form = [
        ("r2_0_start", "08:30"),
        ("r2_0_end", "12:00"),
        ("r2_1_start", "14:00"),
        ("r2_1_end", "19:00"),
        ("t0_label", "Bilan complet"),
        ("t0_duration", "90"),
        ("t0_price", "85,50"),
        ("t0_location", "CABINET"),
        ("t0_online", "1"),
        ("t1_label", ""),
        ("t1_duration", "60"),
        ("t1_price", ""),
        ("slot_step_min", "30"),
        ("buffer_min", "10"),
        ("min_notice_hours", "24"),
        ("booking_horizon_days", "90"),
        ("cancellation_window_hours", "48"),
        ("allowed_locations", "CABINET"),
        ("allowed_locations", "VISIO"),
        ("accept_new_clients", "1"),
    ];
    let res = app
        .post_form(&pro.client, "/pro/praticien/agenda/settings", &form)
        .await;
    assert_redirect_to(&res, "/pro/praticien/agenda/settings");
    let (_, s) = get_json(&app, &pro.client, "/api/agenda/settings").await;
    assert_eq!(s["availabilityRules"].as_array().unwrap().len(), 2, "{s}");
    assert_eq!(s["availabilityRules"][0]["weekday"], 2);
    assert_eq!(s["settings"]["minNoticeMin"], 1440);
    assert_eq!(s["settings"]["cancellationWindowHours"], 48);
    let types = s["appointmentTypes"].as_array().unwrap();
    assert_eq!(types.len(), 1);
    assert_eq!(
        (types[0]["label"].as_str(), types[0]["priceCents"].as_i64()),
        (Some("Bilan complet"), Some(8550))
    );

    // A bad value comes back as a French flash, nothing saved.
    let bad = [
        ("r1_0_start", "18:00"),
        ("r1_0_end", "09:00"),
        ("slot_step_min", "30"),
        ("buffer_min", "0"),
        ("min_notice_hours", "2"),
        ("booking_horizon_days", "60"),
        ("cancellation_window_hours", "24"),
        ("allowed_locations", "CABINET"),
    ];
    let res = app
        .post_form(&pro.client, "/pro/praticien/agenda/settings", &bad)
        .await;
    assert_redirect_to(&res, "/pro/praticien/agenda/settings");
    let page = html(
        pro.client
            .get(app.url("/pro/praticien/agenda/settings"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(text_of(&page, ".flash-error").contains("Plage horaire invalide"));
    assert_eq!(
        select(&page, "#r2_0_start")[0].value().attr("value"),
        Some("08:30")
    );

    // An absence from the settings page is listed there.
    let day = next_monday();
    let res = app
        .post_form(
            &pro.client,
            "/pro/praticien/agenda/absences",
            &[
                ("back", "settings"),
                ("start_date", &day.to_string()),
                ("start_time", "00:00"),
                ("end_date", &(day + Duration::days(4)).to_string()),
                ("end_time", "23:59"),
                ("reason", "Congés"),
            ],
        )
        .await;
    assert_redirect_to(&res, "/pro/praticien/agenda/settings");
    let page = html(
        pro.client
            .get(app.url("/pro/praticien/agenda/settings"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(text_of(&page, "#absences").contains("Congés"));
}

#[tokio::test]
async fn visitor_books_on_the_booking_page_and_the_practitioner_runs_the_day() {
    let app = crate::helpers::spawn_app().await;
    let pro = practitioner(&app, "parcours").await;
    // Motifs first, then a week of slots for the chosen one.
    let page = html(app.get(&format!("/praticiens/{}/reserver", pro.slug)).await).await;
    assert_eq!(count(&page, ".motifs li"), 2);
    assert_eq!(count(&page, "input[name=start]"), 0);
    let ty = type_id(&app, &pro, "Consultation initiale").await;
    let day = next_monday();
    let page = html(
        app.get(&format!(
            "/praticiens/{}/reserver?motif={ty}&du={day}",
            pro.slug
        ))
        .await,
    )
    .await;
    let legends: Vec<String> = select(&page, ".slot-day legend").iter().map(text).collect();
    assert_eq!(legends.len(), 7);
    let radios = select(&page, "input[name=start]");
    let first = radios[0].value().attr("value").unwrap().to_owned();
    assert_eq!(text(&select(&page, "label.slot")[0]), "09:00");
    let res = app
        .post_form(
            &app.client,
            &format!("/praticiens/{}/reserver", pro.slug),
            &[
                ("appointment_type_id", &ty.to_string()),
                ("du", &day.to_string()),
                ("start", &first),
                ("first_name", "Julie"),
                ("last_name", "Bernard"),
                ("email", "julie.page@example.fr"),
                ("phone", ""),
                ("message", "Bonjour"),
                ("accept_cgu", "1"),
            ],
        )
        .await;
    let manage = location(&res);
    assert!(
        manage.starts_with("/rendez-vous/") && manage.contains("?token="),
        "{manage}"
    );
    let page = html(app.get(&manage).await).await;
    assert_eq!(text_of(&page, ".status"), "Planifié");
    assert!(text_of(&page, "#rendez-vous").contains("Consultation initiale – Julie Bernard"));
    // The same slot again from the page: a French error, back on the booking page.
    let res = app
        .post_form(
            &app.client,
            &format!("/praticiens/{}/reserver", pro.slug),
            &[
                ("appointment_type_id", &ty.to_string()),
                ("du", &day.to_string()),
                ("start", &first),
                ("first_name", "Marc"),
                ("last_name", "Petit"),
                ("email", "marc@example.fr"),
                ("accept_cgu", "1"),
            ],
        )
        .await;
    assert!(location(&res).starts_with(&format!("/praticiens/{}/reserver?motif={ty}", pro.slug)));
    let page = html(app.get(&location(&res)).await).await;
    assert!(text_of(&page, ".flash-error").contains("n'est plus disponible"));

    // The practitioner's week shows it; the day view offers confirm and cancel.
    let week = html(
        pro.client
            .get(app.url(&format!("/pro/praticien/agenda?date={day}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(count(&week, ".agenda-day"), 7);
    assert!(text_of(&week, "#semaine").contains("Julie Bernard"));
    let id = select(&week, ".event")[0]
        .value()
        .attr("data-id")
        .unwrap()
        .to_owned();
    let res = app
        .post_form(
            &pro.client,
            &format!("/pro/praticien/agenda/rendez-vous/{id}/statut"),
            &[("back", &day.to_string()), ("status", "CONFIRMED")],
        )
        .await;
    assert_redirect_to(&res, &format!("/pro/praticien/agenda?vue=jour&date={day}"));
    let page = html(app.get(&manage).await).await;
    assert_eq!(text_of(&page, ".status"), "Confirmé");
    // Move it to 15:00 from the day view form.
    let res = app
        .post_form(
            &pro.client,
            &format!("/pro/praticien/agenda/rendez-vous/{id}/deplacer"),
            &[
                ("back", &day.to_string()),
                ("date", &day.to_string()),
                ("time", "15:00"),
            ],
        )
        .await;
    assert!(res.status().is_redirection());
    let dayview = html(
        pro.client
            .get(app.url(&format!("/pro/praticien/agenda?vue=jour&date={day}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(text_of(&dayview, &format!("#rdv-{id} h3")).starts_with("15:00–16:00"));
    // The visitor cancels from the manage page; the agenda shows it cancelled.
    let token = manage.split("token=").nth(1).unwrap();
    let res = app
        .post_form(
            &app.client,
            &format!("/rendez-vous/{id}/annuler"),
            &[("token", token), ("reason", "")],
        )
        .await;
    assert!(res.status().is_redirection());
    let page = html(app.get(&manage).await).await;
    assert_eq!(text_of(&page, ".status"), "Annulé");
    let dayview = html(
        pro.client
            .get(app.url(&format!("/pro/praticien/agenda?vue=jour&date={day}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(count(&dayview, &format!("#rdv-{id}.status-cancelled")), 1);
    // A wrong token shows nothing.
    assert_eq!(
        app.get(&format!("/rendez-vous/{id}?token=abc"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn practitioner_creates_completes_and_writes_the_consultation_from_the_agenda() {
    let app = crate::helpers::spawn_app().await;
    let pro = practitioner(&app, "journee").await;
    let ty = type_id(&app, &pro, "Consultation de suivi").await;
    let paris = chrono_tz::Europe::Paris;
    let past = (Utc::now() - Duration::hours(2)).with_timezone(&paris);
    let date = past.date_naive().to_string();
    let hhmm = past.format("%H:%M").to_string();
    let res = app
        .post_form(
            &pro.client,
            "/pro/praticien/agenda/rendez-vous",
            &[
                ("back", &date),
                ("date", &date),
                ("time", &hhmm),
                ("appointment_type_id", &ty.to_string()),
                ("client_id", ""),
                ("new_first_name", "Hugo"),
                ("new_last_name", "Lemoine"),
                ("new_email", "hugo@example.fr"),
            ],
        )
        .await;
    assert_redirect_to(&res, &format!("/pro/praticien/agenda?vue=jour&date={date}"));
    let dayview = html(
        pro.client
            .get(app.url(&format!("/pro/praticien/agenda?vue=jour&date={date}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let card = select(&dayview, ".event-card")[0];
    let id = card
        .value()
        .attr("id")
        .unwrap()
        .trim_start_matches("rdv-")
        .to_owned();
    assert!(text(&card).contains("Consultation de suivi – Hugo Lemoine"));
    // "Honoré — écrire la consultation" opens the consultation editor.
    let res = app
        .post_form(
            &pro.client,
            &format!("/pro/praticien/agenda/rendez-vous/{id}/statut"),
            &[
                ("back", &date),
                ("status", "COMPLETED"),
                ("create_consultation", "1"),
            ],
        )
        .await;
    let to = location(&res);
    assert!(to.starts_with("/pro/praticien/consultations/"), "{to}");
    let status: String =
        sqlx::query_scalar("SELECT status::text FROM appointments WHERE id = $1::uuid")
            .bind(&id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(status, "COMPLETED");
    // A block over an appointment is refused with a French message.
    let res = app
        .post_form(
            &pro.client,
            "/pro/praticien/agenda/absences",
            &[
                ("back", &date),
                ("start_date", &date),
                ("start_time", "00:00"),
                ("end_date", &date),
                ("end_time", "23:59"),
            ],
        )
        .await;
    assert!(res.status().is_redirection());
    let page = html(
        pro.client
            .get(app.url(&location(&res)))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(text_of(&page, ".flash-error").contains("rendez-vous tombent dans cette absence"));
}

#[tokio::test]
async fn consultation_becomes_an_issued_then_paid_invoice_through_the_pages() {
    let app = crate::helpers::spawn_app().await;
    let pro = practitioner(&app, "facturation").await;
    let (_, c) = send_json(&app, &pro.client, reqwest::Method::POST, "/api/clients", serde_json::json!({
        "firstName": "Léa", "lastName": "Morel", "addressLine": "1 rue Monge", "postalCode": "21000", "city": "Dijon"})).await;
    let client = c["id"].as_str().unwrap().to_owned();
    let res = app
        .post_form(
            &pro.client,
            &format!("/pro/praticien/fiches-clients/{client}/consultations"),
            &[
                ("date", "2026-11-30"),
                ("time", "10:00"),
                ("motif", "Bilan vitalité"),
                ("duration_min", "60"),
                ("price", "60"),
            ],
        )
        .await;
    let editor = location(&res);
    assert!(
        editor.starts_with("/pro/praticien/consultations/"),
        "{editor}"
    );
    let res = app
        .post_form(
            &pro.client,
            &editor,
            &[
                ("motif", "Bilan vitalité"),
                ("date", "2026-11-30"),
                ("time", "10:00"),
                ("duration_min", "60"),
                ("price", "60"),
                ("notes", "Fatigue, sommeil"),
                ("recommendations", "Marche quotidienne"),
            ],
        )
        .await;
    assert_redirect_to(&res, &editor);
    let page = html(pro.client.get(app.url(&editor)).send().await.unwrap()).await;
    assert_eq!(text_of(&page, "#notes"), "Fatigue, sommeil");
    // "Créer la facture": a draft with the consultation's line.
    let res = app
        .post_form(&pro.client, &format!("{editor}/facture"), &[])
        .await;
    let invoice = location(&res);
    assert!(invoice.starts_with("/pro/praticien/factures/"), "{invoice}");
    let page = html(pro.client.get(app.url(&invoice)).send().await.unwrap()).await;
    assert_eq!(
        select(&page, "input[name=l0_label]")[0]
            .value()
            .attr("value"),
        Some("Bilan vitalité – 60 min")
    );
    assert_eq!(
        select(&page, "input[name=l0_price]")[0]
            .value()
            .attr("value"),
        Some("60")
    );
    // Save and issue in one click, then record the payment.
    let res = app
        .post_form(
            &pro.client,
            &invoice,
            &[
                ("service_date", "2026-11-30"),
                ("due_date", ""),
                ("notes", ""),
                ("l0_label", "Bilan vitalité – 60 min"),
                ("l0_qty", "1"),
                ("l0_price", "60"),
                ("l0_vat", "0"),
                ("l1_label", ""),
                ("l1_qty", "1"),
                ("l1_price", ""),
                ("l1_vat", "0"),
                ("action", "issue"),
            ],
        )
        .await;
    assert_redirect_to(&res, &invoice);
    let page = html(pro.client.get(app.url(&invoice)).send().await.unwrap()).await;
    assert!(text_of(&page, ".flash-success").contains("émise"));
    assert!(text_of(&page, "#titre").starts_with("Facture F-"));
    assert!(text_of(&page, ".mention").contains("293 B"));
    let res = app
        .post_form(
            &pro.client,
            &format!("{invoice}/payee"),
            &[("payment_method", "CHEQUE"), ("paid_on", "")],
        )
        .await;
    assert_redirect_to(&res, &invoice);
    let page = html(pro.client.get(app.url(&invoice)).send().await.unwrap()).await;
    assert_eq!(text_of(&page, ".status"), "Payée");
    let list = html(
        pro.client
            .get(app.url("/pro/praticien/factures?statut=PAID"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(count(&list, "#factures tbody tr"), 1);
    let res = pro
        .client
        .get(app.url(&format!("{invoice}/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-type"], "application/pdf");
}
