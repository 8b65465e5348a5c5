//! The pages every pro shares, `/pro/commun/*` (DOMAIN.md §8.3): the public fiche editor with
//! its photo and preview link, notes, messages, PASS partner settings, advantages between pros
//! and impact opportunities. Notes and messages call the core functions directly
//! (`community`, `messaging`), the same ones the member API uses.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;
use spymeo_core::db::community::{self, NoteInput};
use spymeo_core::db::messaging;
use spymeo_core::db::pro_common::{
    self as db, AdvantageRow, ConversationRow, MessageRow, NetworkPro, NoteRow, OpportunityRow,
};
use spymeo_core::db::pro_profile::Fiche;
use spymeo_core::db::pros::ProKind;
use spymeo_core::domain::pass::PARTNER_RATES;
use spymeo_core::domain::{AdvantageType, LocationKind};
use spymeo_core::domain::{ApplicationStatus, ArticleStatus, OpportunityKind};
use uuid::Uuid;

use super::outcome::{back, checked};
use super::pro_forms::{euros_to_cents, opt};
use super::pro_stats::nav_of;
use super::{Ctx, Layout, render};
use crate::api::input::filter;
use crate::api::pro_common::{self as api, Candidature, FichePatch, NewAdvantage, PassSettings};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

// ---- fiche ----

#[derive(Template)]
#[template(path = "pro_common/fiche.html")]
pub struct FichePage {
    pub layout: Layout,
    pub nav: &'static str,
    pub kind: ProKind,
    pub fiche: Fiche,
    pub public_href: String,
}

impl FichePage {
    pub fn text(&self, name: &str) -> String {
        let f = &self.fiche;
        let v = match name {
            "description" => f.description.clone(),
            "siret" => f.siret.clone(),
            "address_line" => f.address_line.clone(),
            "city" => f.city.clone(),
            "postal_code" => f.postal_code.clone(),
            "phone_public" => f.phone_public.clone(),
            "email_public" => f.email_public.clone(),
            "website" => f.website.clone(),
            "category" => f.category.clone(),
            "nda_number" => f.nda_number.clone(),
            "specialties" => f.specialties.as_ref().map(|s| s.join(", ")),
            "price_from" => f
                .price_from_cents
                .map(|c| format!("{},{:02}", c / 100, c % 100)),
            "years_experience" => f.years_experience.map(|y| y.to_string()),
            _ => None,
        };
        v.unwrap_or_default()
    }
    pub fn mode(&self, m: &str) -> bool {
        self.fiche
            .consultation_modes
            .as_ref()
            .is_some_and(|modes| modes.iter().any(|x| x.as_str() == m))
    }
    pub fn is_practitioner(&self) -> bool {
        self.kind == ProKind::Practitioner
    }
    pub fn has_category(&self) -> bool {
        matches!(self.kind, ProKind::Artisan | ProKind::Merchant)
    }
    pub fn is_merchant(&self) -> bool {
        self.kind == ProKind::Merchant
    }
    pub fn is_center(&self) -> bool {
        self.kind == ProKind::Center
    }
}

pub async fn fiche(State(state): State<AppState>, ctx: Ctx, user: CurrentUser) -> Result<Response> {
    let kind = api::kind(&user)?;
    let mut conn = state.pool.acquire().await?;
    let fiche = spymeo_core::db::pro_profile::fiche(&mut conn, kind, user.id).await?;
    let page = FichePage {
        layout: ctx.layout(
            &state,
            "Ma fiche publique",
            "Ce que le public voit de vous.",
        ),
        nav: nav_of(user.role),
        kind,
        public_href: fiche.public_href(kind),
        fiche,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct FicheForm {
    #[serde(default)]
    pub public_name: String,
    pub description: Option<String>,
    pub siret: Option<String>,
    pub address_line: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub phone_public: Option<String>,
    pub email_public: Option<String>,
    pub website: Option<String>,
    pub specialties: Option<String>,
    pub mode_cabinet: Option<String>,
    pub mode_visio: Option<String>,
    pub mode_domicile: Option<String>,
    pub price_from: Option<String>,
    pub years_experience: Option<String>,
    pub category: Option<String>,
    pub ships_orders: Option<String>,
    pub qualiopi_certified: Option<String>,
    pub nda_number: Option<String>,
    // A form field named `verified` or `featured` is simply not read.
}

pub async fn save_fiche(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<FicheForm>,
) -> Result<Response> {
    let kind = api::kind(&user)?;
    let result = async {
        let mut p = FichePatch {
            public_name: Some(f.public_name),
            description: Some(opt(f.description)),
            siret: Some(opt(f.siret)),
            address_line: Some(opt(f.address_line)),
            city: Some(opt(f.city)),
            postal_code: Some(opt(f.postal_code)),
            phone_public: Some(opt(f.phone_public)),
            email_public: Some(opt(f.email_public)),
            website: Some(opt(f.website)),
            ..Default::default()
        };
        match kind {
            ProKind::Practitioner => {
                p.specialties = Some(
                    f.specialties
                        .unwrap_or_default()
                        .split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect(),
                );
                let mut modes = Vec::new();
                for (on, m) in [
                    (&f.mode_cabinet, LocationKind::Cabinet),
                    (&f.mode_visio, LocationKind::Visio),
                    (&f.mode_domicile, LocationKind::Domicile),
                ] {
                    if checked(on) {
                        modes.push(m);
                    }
                }
                p.consultation_modes = Some(modes);
                p.price_from_cents = Some(match opt(f.price_from) {
                    Some(v) => Some(euros_to_cents("priceFrom", &v)?),
                    None => None,
                });
                p.years_experience = Some(match opt(f.years_experience) {
                    Some(v) => Some(v.parse::<i16>().map_err(|_| {
                        Error::new(
                            StatusCode::BAD_REQUEST,
                            "VALIDATION_FAILED",
                            "Années d'expérience : un nombre",
                        )
                    })?),
                    None => None,
                });
            }
            ProKind::Artisan => p.category = Some(opt(f.category)),
            ProKind::Merchant => {
                p.category = Some(opt(f.category));
                p.ships_orders = Some(checked(&f.ships_orders));
            }
            ProKind::Center => {
                p.qualiopi_certified = Some(checked(&f.qualiopi_certified));
                p.nda_number = Some(opt(f.nda_number));
            }
        }
        api::patch_profile_action(&state, &user, p).await
    }
    .await;
    back("/pro/commun/fiche", result, |_| "Fiche enregistrée.".into())
}

pub async fn photo(
    State(state): State<AppState>,
    user: CurrentUser,
    multipart: Multipart,
) -> Result<Response> {
    let result = async {
        let bytes =
            crate::api::account::read_file_field(multipart, crate::api::account::AVATAR_MAX_BYTES)
                .await?;
        api::store_photo(&state, &user, bytes).await
    }
    .await;
    match result {
        Err(e)
            if matches!(
                e.status,
                StatusCode::PAYLOAD_TOO_LARGE | StatusCode::UNSUPPORTED_MEDIA_TYPE
            ) =>
        {
            Ok(super::outcome::redirect_with(
                "/pro/commun/fiche",
                "error",
                e.message.to_string(),
            ))
        }
        other => back("/pro/commun/fiche", other, |_| "Photo mise à jour.".into()),
    }
}

// ---- notes ----

#[derive(Template)]
#[template(path = "pro_common/notes.html")]
pub struct NotesPage {
    pub layout: Layout,
    pub nav: &'static str,
    pub notes: Vec<NoteRow>,
}

pub async fn notes(State(state): State<AppState>, ctx: Ctx, user: CurrentUser) -> Result<Response> {
    let page = NotesPage {
        layout: ctx.layout(&state, "Mes notes", "Notes personnelles."),
        nav: nav_of(user.role),
        notes: db::notes(&state.pool, user.id).await?,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub content: String,
    pub tags: Option<String>,
    pub pinned: Option<String>,
}

pub async fn create_note(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<NoteForm>,
) -> Result<Response> {
    let result = async {
        if f.content.chars().count() > 100_000 {
            return Err(Error::new(
                StatusCode::BAD_REQUEST,
                "VALIDATION_FAILED",
                "Note trop longue",
            ));
        }
        let input = NoteInput {
            title: f.title,
            content: f.content,
            tags: f
                .tags
                .unwrap_or_default()
                .split(',')
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect(),
            pinned: checked(&f.pinned),
        };
        let mut conn = state.pool.acquire().await?;
        Ok(community::create_note(&mut conn, user.id, &input, Utc::now()).await?)
    }
    .await;
    back("/pro/commun/notes", result, |_| "Note ajoutée.".into())
}

#[derive(Debug, Deserialize)]
pub struct NoteAction {
    pub action: String,
}

pub async fn note_action(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<NoteAction>,
) -> Result<Response> {
    let mut conn = state.pool.acquire().await?;
    let result = match f.action.as_str() {
        "delete" => db::delete_note(&mut conn, user.id, id)
            .await
            .map(|_| "Note supprimée."),
        "pin" => db::set_note_pinned(&mut conn, user.id, id, true)
            .await
            .map(|_| "Note épinglée."),
        "unpin" => db::set_note_pinned(&mut conn, user.id, id, false)
            .await
            .map(|_| "Note désépinglée."),
        _ => return Err(Error::not_found()),
    };
    back("/pro/commun/notes", result.map_err(Error::from), |m| {
        (*m).to_owned()
    })
}

// ---- messages ----

#[derive(Template)]
#[template(path = "pro_common/messages.html")]
pub struct MessagesPage {
    pub layout: Layout,
    pub nav: &'static str,
    pub conversations: Vec<ConversationRow>,
    pub network: Vec<NetworkPro>,
    pub current: Option<(Uuid, String)>,
    pub thread: Vec<MessageRow>,
    pub me: Uuid,
}

async fn messages_page(
    state: &AppState,
    ctx: &Ctx,
    user: &CurrentUser,
    current: Option<Uuid>,
) -> Result<Response> {
    let conversations = db::conversations(&state.pool, user.id).await?;
    let (current, thread) = match current {
        Some(id) => {
            let thread = db::thread(&state.pool, user.id, id).await?;
            messaging::mark_read(&mut *state.pool.acquire().await?, id, user.id, Utc::now())
                .await?;
            let name = conversations
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.other_name.clone())
                .unwrap_or_default();
            (Some((id, name)), thread)
        }
        None => (None, Vec::new()),
    };
    let page = MessagesPage {
        layout: ctx.layout(state, "Messages", "Vos conversations."),
        nav: nav_of(user.role),
        conversations,
        network: db::network(&state.pool, user.id).await?,
        current,
        thread,
        me: user.id,
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn messages(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> Result<Response> {
    messages_page(&state, &ctx, &user, None).await
}

pub async fn conversation(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    messages_page(&state, &ctx, &user, Some(id)).await
}

#[derive(Debug, Deserialize)]
pub struct StartForm {
    pub recipient_id: Uuid,
    #[serde(default)]
    pub body: String,
}

/// Find-or-create of the direct conversation (§7.6), then the message; one transaction.
pub async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<StartForm>,
) -> Result<Response> {
    let result = async {
        let now = Utc::now();
        let mut tx = state.pool.begin().await?;
        messaging::check_recipient(&mut tx, user.id, f.recipient_id).await?;
        let (id, _) =
            messaging::find_or_create_direct(&mut tx, user.id, f.recipient_id, None, now).await?;
        messaging::post_message(&mut tx, id, user.id, &f.body, None, now).await?;
        tx.commit().await?;
        Ok::<_, Error>(id)
    }
    .await;
    match result {
        Ok(id) => back(&format!("/pro/commun/messages/{id}"), Ok(()), |_| {
            "Message envoyé.".into()
        }),
        Err(e) => back("/pro/commun/messages", Err::<(), _>(e), |_| String::new()),
    }
}

#[derive(Debug, Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    pub body: String,
}

pub async fn reply(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ReplyForm>,
) -> Result<Response> {
    let mut conn = state.pool.acquire().await?;
    let result = messaging::post_message(&mut conn, id, user.id, &f.body, None, Utc::now())
        .await
        .map_err(Error::from);
    back(&format!("/pro/commun/messages/{id}"), result, |_| {
        "Message envoyé.".into()
    })
}

// ---- PASS partner ----

#[derive(Template)]
#[template(path = "pro_common/pass.html")]
pub struct PassPage {
    pub layout: Layout,
    pub nav: &'static str,
    pub enabled: bool,
    pub rate: i16,
    pub rates: &'static [i16],
}

pub async fn pass(State(state): State<AppState>, ctx: Ctx, user: CurrentUser) -> Result<Response> {
    let (enabled, rate) = db::pass_partner(&state.pool, user.id).await?;
    let page = PassPage {
        layout: ctx.layout(
            &state,
            "Partenaire PASS",
            "Votre réduction pour les membres PASS.",
        ),
        nav: nav_of(user.role),
        enabled,
        rate,
        rates: &PARTNER_RATES,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct PassForm {
    pub enabled: Option<String>,
    #[serde(default)]
    pub rate: String,
    pub conditions: Option<String>,
}

pub async fn save_pass(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<PassForm>,
) -> Result<Response> {
    let result = async {
        let rate = f.rate.trim().parse::<i16>().map_err(|_| {
            Error::new(
                StatusCode::BAD_REQUEST,
                "VALIDATION_FAILED",
                "Taux invalide",
            )
        })?;
        api::set_pass_action(
            &state,
            &user,
            PassSettings {
                enabled: checked(&f.enabled),
                rate,
                conditions: f.conditions,
            },
        )
        .await
    }
    .await;
    back("/pro/commun/pass-partenaire", result, |v| {
        if v["enabled"].as_bool() == Some(true) {
            format!("Vous êtes partenaire PASS : {} % de réduction.", v["rate"])
        } else {
            "Partenariat PASS désactivé.".into()
        }
    })
}

// ---- advantages ----

#[derive(Template)]
#[template(path = "pro_common/advantages.html")]
pub struct AdvantagesPage {
    pub layout: Layout,
    pub nav: &'static str,
    pub mine: Vec<AdvantageRow>,
    pub network: Vec<AdvantageRow>,
}

pub fn advantage_label(k: &AdvantageType) -> &'static str {
    match k {
        AdvantageType::Reduction => "Réduction",
        AdvantageType::Echange => "Échange",
        AdvantageType::Invitation => "Invitation",
    }
}

pub async fn advantages(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> Result<Response> {
    let page = AdvantagesPage {
        layout: ctx.layout(
            &state,
            "Avantages entre pros",
            "Vos avantages et ceux du réseau.",
        ),
        nav: nav_of(user.role),
        mine: db::advantages(&state.pool, user.id, true, None).await?,
        network: db::advantages(&state.pool, user.id, false, None).await?,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct AdvantageForm {
    #[serde(default)]
    pub title: String,
    #[serde(rename = "type", default)]
    pub kind: String,
    pub description: Option<String>,
    pub percentage: Option<String>,
}

pub async fn create_advantage(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<AdvantageForm>,
) -> Result<Response> {
    let result = async {
        let kind: AdvantageType = filter(&Some(f.kind))?.ok_or_else(|| {
            Error::new(
                StatusCode::BAD_REQUEST,
                "VALIDATION_FAILED",
                "Choisissez un type",
            )
        })?;
        let percentage = match opt(f.percentage) {
            Some(p) => Some(p.parse::<i16>().map_err(|_| {
                Error::new(
                    StatusCode::BAD_REQUEST,
                    "VALIDATION_FAILED",
                    "Pourcentage invalide",
                )
            })?),
            None => None,
        };
        api::create_advantage_action(
            &state,
            &user,
            NewAdvantage {
                title: f.title,
                kind,
                description: f.description,
                percentage,
            },
        )
        .await
    }
    .await;
    back("/pro/commun/avantages", result, |_| {
        "Avantage publié.".into()
    })
}

pub async fn advantage_action(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<NoteAction>,
) -> Result<Response> {
    let mut conn = state.pool.acquire().await?;
    let result = match f.action.as_str() {
        "delete" => db::delete_advantage(&mut conn, user.id, id)
            .await
            .map(|_| "Avantage supprimé."),
        "activate" => db::set_advantage_active(&mut conn, user.id, id, true)
            .await
            .map(|_| "Avantage réactivé."),
        "deactivate" => db::set_advantage_active(&mut conn, user.id, id, false)
            .await
            .map(|_| "Avantage suspendu."),
        _ => return Err(Error::not_found()),
    };
    back("/pro/commun/avantages", result.map_err(Error::from), |m| {
        (*m).to_owned()
    })
}

// ---- impact ----

#[derive(Template)]
#[template(path = "pro_common/impact.html")]
pub struct ImpactPage {
    pub layout: Layout,
    pub nav: &'static str,
    pub opportunities: Vec<OpportunityRow>,
}

pub async fn impact(
    State(state): State<AppState>,
    ctx: Ctx,
    user: CurrentUser,
) -> Result<Response> {
    let page = ImpactPage {
        layout: ctx.layout(&state, "Impact", "Opportunités d'emploi et d'intervention."),
        nav: nav_of(user.role),
        opportunities: db::opportunities(&state.pool, user.id).await?,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    pub message: Option<String>,
}

pub async fn apply(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ApplyForm>,
) -> Result<Response> {
    let result = api::apply_action(
        &state,
        &user,
        Candidature {
            opportunity_id: id,
            message: f.message,
        },
    )
    .await;
    back("/pro/commun/impact", result, |_| {
        "Candidature envoyée.".into()
    })
}

// ---- blog ----

#[derive(Template)]
#[template(path = "pro_common/blog.html")]
pub struct BlogPage {
    pub layout: Layout,
    pub nav: &'static str,
    pub articles: Vec<spymeo_core::db::admin::ArticleRow>,
}

pub async fn blog(State(state): State<AppState>, ctx: Ctx, user: CurrentUser) -> Result<Response> {
    let page = BlogPage {
        layout: ctx.layout(&state, "Proposer un article", "Écrire pour le blog SPYMEO."),
        nav: nav_of(user.role),
        articles: db::my_articles(&state.pool, user.id).await?,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct ArticleForm {
    #[serde(default)]
    pub title: String,
    pub excerpt: Option<String>,
    #[serde(default)]
    pub content: String,
    pub category: Option<String>,
    pub submit: Option<String>,
}

/// Writes the draft; "Soumettre" sends it to the review queue at once.
pub async fn create_article(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<ArticleForm>,
) -> Result<Response> {
    let submit = checked(&f.submit);
    let result = async {
        let v = api::create_article_action(
            &state,
            &user,
            api::NewArticle {
                title: f.title,
                excerpt: f.excerpt,
                content: f.content,
                category: f.category,
                ..Default::default()
            },
        )
        .await?;
        if submit {
            let id: Uuid = v["id"]
                .as_str()
                .unwrap_or_default()
                .parse()
                .map_err(|_| Error::internal())?;
            api::submit_article_action(&state, &user, id).await?;
        }
        Ok::<_, Error>(())
    }
    .await;
    back("/pro/blog/nouvel-article", result, |_| {
        if submit {
            "Article soumis à l'équipe : vous serez prévenu de sa relecture.".into()
        } else {
            "Brouillon enregistré.".into()
        }
    })
}

pub async fn submit_article(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let result = api::submit_article_action(&state, &user, id).await;
    back("/pro/blog/nouvel-article", result, |_| {
        "Article soumis à l'équipe.".into()
    })
}
