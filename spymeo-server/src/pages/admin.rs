//! The admin back office `/admin/*` (DOMAIN.md §8.4): plain server-rendered forms over the
//! action functions of `api::admin`, so a page and its API answer the same way and write the
//! same audit rows.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use spymeo_core::db::accounts::Deletion;
use spymeo_core::db::admin::{
    self as db, ArticleRow, PendingPro, ProFilter, ProRow, SubscriptionRow, TableRows, UserRow,
};
use spymeo_core::db::audit::{self, AuditFilter, LoggedAction};
use spymeo_core::db::listing::{Page, Paging};
use spymeo_core::domain::{ArticleStatus, CarnetStatus, Role, UserStatus};
use uuid::Uuid;

use super::outcome::{back, checked};
use super::{Ctx, Layout, render};
use crate::api::admin::{
    self as api, ArticleChanges, CarnetStep, NewArticle, ProPatch, ProsQuery, Review,
    ReviewDecision, SubscriptionsQuery, UserPatch, UsersQuery, ValidatePro,
};
use crate::api::input::{Params, filter};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

/// "24/11/2026 14:30", Paris time.
pub fn when(t: &DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Europe::Paris)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

pub fn when_opt(t: &Option<DateTime<Utc>>) -> String {
    t.as_ref().map(when).unwrap_or_else(|| "—".into())
}

/// French labels of the statuses shown in tables.
pub fn role_label(r: &Role) -> &'static str {
    match r {
        Role::FreeUser => "Membre",
        Role::PassUser => "Membre PASS",
        Role::Practitioner => "Praticien",
        Role::Artisan => "Artisan",
        Role::Commercant => "Commerçant",
        Role::Center => "Centre de formation",
        Role::Admin => "Administrateur",
    }
}

pub fn status_label(s: &UserStatus) -> &'static str {
    match s {
        UserStatus::Active => "Actif",
        UserStatus::PendingValidation => "Candidature à étudier",
        UserStatus::PendingPayment => "En attente de paiement",
        UserStatus::Rejected => "Refusé",
        UserStatus::Suspended => "Suspendu",
    }
}

pub fn article_label(s: &ArticleStatus) -> &'static str {
    match s {
        ArticleStatus::Draft => "Brouillon",
        ArticleStatus::Submitted => "À relire",
        ArticleStatus::NeedsChanges => "Modifications demandées",
        ArticleStatus::Rejected => "Refusé",
        ArticleStatus::Published => "Publié",
        ArticleStatus::Archived => "Archivé",
    }
}

pub fn carnet_label(s: &CarnetStatus) -> &'static str {
    match s {
        CarnetStatus::NotEligible => "Non éligible",
        CarnetStatus::Pending => "À préparer",
        CarnetStatus::Processing => "En préparation",
        CarnetStatus::Shipped => "Expédié",
        CarnetStatus::Delivered => "Livré",
    }
}

/// The next carnet step an admin can take.
pub fn carnet_next(s: &CarnetStatus) -> Option<(&'static str, &'static str)> {
    match s {
        CarnetStatus::Pending => Some(("PROCESSING", "Passer en préparation")),
        CarnetStatus::Processing => Some(("SHIPPED", "Marquer expédié")),
        CarnetStatus::Shipped => Some(("DELIVERED", "Marquer livré")),
        _ => None,
    }
}

/// Page links keep the current filters.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub base: String,
}

impl Pager {
    fn new<T>(page: &Page<T>, path: &str, query: &[(&str, Option<&str>)]) -> Self {
        let mut base = format!("{path}?");
        for (k, v) in query {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                base.push_str(&format!("{k}={}&", crate::auth::access::urlencode(v)));
            }
        }
        Pager {
            page: page.page,
            pages: page.pages(),
            base,
        }
    }

    pub fn link(&self, page: i64) -> String {
        format!("{}page={page}", self.base)
    }
}

// ---- /admin/pros ----

#[derive(Template)]
#[template(path = "admin/pros.html")]
pub struct ProsPage {
    pub layout: Layout,
    pub pending: Page<PendingPro>,
    pub pros: Page<ProRow>,
    pub q: String,
    pub role: String,
    pub pager: Pager,
}

pub async fn pros(
    State(state): State<AppState>,
    ctx: Ctx,
    Params(q): Params<ProsQuery>,
) -> Result<Response> {
    let pending = db::pending_pros(&state.pool, None, Paging::new(None, Some(100))).await?;
    let pros = db::all_pros(&state.pool, &q.filter()?, Paging::new(q.page, Some(50))).await?;
    let pager = Pager::new(
        &pros,
        "/admin/pros",
        &[("q", q.q.as_deref()), ("role", q.role.as_deref())],
    );
    let page = ProsPage {
        layout: ctx.layout(&state, "Professionnels", "Candidatures et professionnels."),
        pending,
        pros,
        q: q.q.unwrap_or_default(),
        role: q.role.unwrap_or_default(),
        pager,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    pub decision: String,
    pub reason: Option<String>,
}

pub async fn pro_decision(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(user_id): Path<Uuid>,
    Form(f): Form<DecisionForm>,
) -> Result<Response> {
    let (approved, activate) = match f.decision.as_str() {
        "approve" => (true, false),
        "activate" => (true, true),
        "reject" => (false, false),
        _ => return Err(Error::not_found()),
    };
    let result = api::validate_pro_action(
        &state,
        &admin,
        ValidatePro {
            user_id,
            approved,
            admin_notes: f.reason,
            activate,
        },
    )
    .await;
    back("/admin/pros", result, |s| match s {
        UserStatus::PendingPayment => {
            "Candidature acceptée : le professionnel a reçu le lien de paiement.".into()
        }
        UserStatus::Active => "Candidature acceptée et espace activé.".into(),
        _ => "Candidature refusée : le candidat a été prévenu.".into(),
    })
}

#[derive(Debug, Deserialize)]
pub struct VisibilityForm {
    pub field: String,
    pub value: String,
    pub back: Option<String>,
}

pub async fn pro_visibility(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(user_id): Path<Uuid>,
    Form(f): Form<VisibilityForm>,
) -> Result<Response> {
    let value = f.value == "true";
    let patch = match f.field.as_str() {
        "verified" => ProPatch {
            verified: Some(value),
            featured: None,
        },
        "featured" => ProPatch {
            verified: None,
            featured: Some(value),
        },
        _ => return Err(Error::not_found()),
    };
    let location = match f.back.as_deref() {
        Some("/admin/centres") => "/admin/centres",
        _ => "/admin/pros",
    };
    let result = api::patch_pro_action(&state, &admin, user_id, patch).await;
    back(location, result, |_| "Fiche mise à jour.".into())
}

// ---- /admin/centres ----

#[derive(Template)]
#[template(path = "admin/centers.html")]
pub struct CentersPage {
    pub layout: Layout,
    pub centers: Page<ProRow>,
}

pub async fn centers(State(state): State<AppState>, ctx: Ctx) -> Result<Response> {
    let centers = db::all_pros(
        &state.pool,
        &ProFilter {
            role: Some(Role::Center),
            ..Default::default()
        },
        Paging::new(None, Some(100)),
    )
    .await?;
    let page = CentersPage {
        layout: ctx.layout(&state, "Centres de formation", "Centres et formations."),
        centers,
    };
    Ok(render(StatusCode::OK, &page))
}

// ---- /admin/utilisateurs ----

#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    pub layout: Layout,
    pub users: Page<UserRow>,
    pub q: String,
    pub role: String,
    pub status: String,
    pub roles: &'static [Role],
    pub statuses: &'static [UserStatus],
    pub pager: Pager,
    pub me: Uuid,
}

pub async fn users(
    State(state): State<AppState>,
    ctx: Ctx,
    admin: CurrentUser,
    Params(q): Params<UsersQuery>,
) -> Result<Response> {
    let users = db::users(&state.pool, &q.filter()?, Paging::new(q.page, Some(50))).await?;
    let pager = Pager::new(
        &users,
        "/admin/utilisateurs",
        &[
            ("q", q.q.as_deref()),
            ("role", q.role.as_deref()),
            ("status", q.status.as_deref()),
        ],
    );
    let page = UsersPage {
        layout: ctx.layout(&state, "Utilisateurs", "Recherche et gestion des comptes."),
        users,
        q: q.q.unwrap_or_default(),
        role: q.role.unwrap_or_default(),
        status: q.status.unwrap_or_default(),
        roles: Role::ALL,
        statuses: UserStatus::ALL,
        pager,
        me: admin.id,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    pub status: String,
}

pub async fn user_status(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<StatusForm>,
) -> Result<Response> {
    let status: Option<UserStatus> = filter(&Some(f.status))?;
    let result = api::patch_user_action(
        &state,
        &admin,
        id,
        UserPatch {
            status,
            ..Default::default()
        },
    )
    .await;
    back("/admin/utilisateurs", result, |u| match u.status {
        UserStatus::Suspended => format!("{} est suspendu ; ses sessions sont fermées.", u.email),
        _ => format!("{} est réactivé.", u.email),
    })
}

#[derive(Debug, Deserialize)]
pub struct NotesForm {
    pub admin_notes: Option<String>,
}

pub async fn user_notes(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<NotesForm>,
) -> Result<Response> {
    let result = api::patch_user_action(
        &state,
        &admin,
        id,
        UserPatch {
            admin_notes: Some(f.admin_notes),
            ..Default::default()
        },
    )
    .await;
    back("/admin/utilisateurs", result, |_| {
        "Notes enregistrées.".into()
    })
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    pub confirm: Option<String>,
}

pub async fn user_delete(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ConfirmForm>,
) -> Result<Response> {
    let result = if f.confirm.as_deref() == Some("SUPPRIMER") {
        api::delete_user_action(&state, &admin, id).await
    } else {
        Err(Error::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_FAILED",
            "Tapez SUPPRIMER pour confirmer la suppression",
        ))
    };
    back("/admin/utilisateurs", result, |d| match d {
        Deletion::Hard => "Compte supprimé.".into(),
        Deletion::Soft => {
            "Compte anonymisé et fermé (factures, écritures ou stock conservés 10 ans).".into()
        }
    })
}

// ---- /admin/pass ----

#[derive(Template)]
#[template(path = "admin/pass.html")]
pub struct PassPage {
    pub layout: Layout,
    pub subscriptions: Page<SubscriptionRow>,
    pub carnet: String,
    pub pager: Pager,
    pub resources: Vec<spymeo_core::db::admin_content::ResourceRow>,
    pub discounts: Vec<spymeo_core::db::admin_content::DiscountRow>,
}

pub async fn pass(
    State(state): State<AppState>,
    ctx: Ctx,
    Params(q): Params<SubscriptionsQuery>,
) -> Result<Response> {
    let subscriptions =
        db::subscriptions(&state.pool, &q.filter()?, Paging::new(q.page, Some(50))).await?;
    let pager = Pager::new(
        &subscriptions,
        "/admin/pass",
        &[("carnet", q.carnet.as_deref())],
    );
    let page = PassPage {
        layout: ctx.layout(
            &state,
            "PASS",
            "Abonnements PASS et expédition des carnets.",
        ),
        subscriptions,
        carnet: q.carnet.unwrap_or_default(),
        pager,
        resources: spymeo_core::db::admin_content::resources(&state.pool).await?,
        discounts: spymeo_core::db::admin_content::discounts(&state.pool).await?,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Debug, Deserialize)]
pub struct CarnetForm {
    pub status: String,
    pub tracking_number: Option<String>,
    pub eta: Option<String>,
}

pub async fn pass_carnet(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<CarnetForm>,
) -> Result<Response> {
    let result = async {
        let status = filter::<CarnetStatus>(&Some(f.status))?.ok_or_else(Error::not_found)?;
        let eta = match f.eta.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(s.parse().map_err(|_| {
                Error::new(
                    StatusCode::BAD_REQUEST,
                    "VALIDATION_FAILED",
                    "Date de livraison invalide",
                )
            })?),
            None => None,
        };
        api::carnet_action(
            &state,
            &admin,
            id,
            CarnetStep {
                status,
                tracking_number: f.tracking_number,
                eta,
            },
        )
        .await
    }
    .await;
    back("/admin/pass", result, |_| {
        "Étape du carnet enregistrée.".into()
    })
}

// ---- /admin/blog ----

#[derive(Template)]
#[template(path = "admin/blog.html")]
pub struct BlogPage {
    pub layout: Layout,
    pub articles: Page<ArticleRow>,
    pub status: String,
    pub statuses: &'static [ArticleStatus],
    pub pager: Pager,
}

#[derive(Debug, Default, Deserialize)]
pub struct BlogQuery {
    pub status: Option<String>,
    pub page: Option<i64>,
}

pub async fn blog(
    State(state): State<AppState>,
    ctx: Ctx,
    Params(q): Params<BlogQuery>,
) -> Result<Response> {
    let status: Option<ArticleStatus> = filter(&q.status)?;
    let articles = db::articles(&state.pool, status, Paging::new(q.page, Some(50))).await?;
    let pager = Pager::new(&articles, "/admin/blog", &[("status", q.status.as_deref())]);
    let page = BlogPage {
        layout: ctx.layout(&state, "Blog", "Relecture et publication des articles."),
        articles,
        status: q.status.unwrap_or_default(),
        statuses: ArticleStatus::ALL,
        pager,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "admin/article.html")]
pub struct ArticlePage {
    pub layout: Layout,
    pub article: Option<ArticleRow>,
}

impl ArticlePage {
    fn text(&self, f: impl Fn(&ArticleRow) -> Option<String>) -> String {
        self.article.as_ref().and_then(f).unwrap_or_default()
    }
    pub fn title(&self) -> String {
        self.text(|a| Some(a.title.clone()))
    }
    pub fn excerpt(&self) -> String {
        self.text(|a| a.excerpt.clone())
    }
    pub fn content(&self) -> String {
        self.text(|a| Some(a.content.clone()))
    }
    pub fn category(&self) -> String {
        self.text(|a| a.category.clone())
    }
    pub fn tags(&self) -> String {
        self.text(|a| Some(a.tags.join(", ")))
    }
    pub fn cover_url(&self) -> String {
        self.text(|a| a.cover_url.clone())
    }
    pub fn action(&self) -> String {
        match &self.article {
            Some(a) => format!("/admin/blog/{}", a.id),
            None => "/admin/blog/nouvel-article".into(),
        }
    }
}

pub async fn new_article(State(state): State<AppState>, ctx: Ctx) -> Response {
    render(
        StatusCode::OK,
        &ArticlePage {
            layout: ctx.layout(&state, "Nouvel article", "Écrire un article de l'équipe."),
            article: None,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct ArticleForm {
    #[serde(default)]
    pub title: String,
    pub excerpt: Option<String>,
    #[serde(default)]
    pub content: String,
    pub category: Option<String>,
    pub tags: Option<String>,
    pub cover_url: Option<String>,
    pub publish: Option<String>,
}

fn tags(s: &Option<String>) -> Vec<String> {
    s.as_deref()
        .unwrap_or_default()
        .split(',')
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect()
}

pub async fn create_article(
    State(state): State<AppState>,
    admin: CurrentUser,
    Form(f): Form<ArticleForm>,
) -> Result<Response> {
    let input = NewArticle {
        tags: tags(&f.tags),
        title: f.title,
        excerpt: f.excerpt,
        content: f.content,
        category: f.category,
        cover_url: f.cover_url,
        publish: checked(&f.publish),
    };
    match api::create_article_action(&state, &admin, input).await {
        Ok(a) => back(&format!("/admin/blog/{}", a.id), Ok(()), |_| {
            "Article enregistré.".into()
        }),
        Err(e) => back("/admin/blog/nouvel-article", Err::<(), _>(e), |_| {
            String::new()
        }),
    }
}

pub async fn article(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let mut conn = state.pool.acquire().await?;
    let article = db::article(&mut conn, id).await?;
    let page = ArticlePage {
        layout: ctx.layout(&state, &article.title, "Relecture d'un article."),
        article: Some(article),
    };
    Ok(render(StatusCode::OK, &page))
}

pub async fn save_article(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ArticleForm>,
) -> Result<Response> {
    let changes = ArticleChanges {
        title: Some(f.title.clone()),
        excerpt: Some(f.excerpt.clone()),
        content: Some(f.content.clone()),
        category: Some(f.category.clone()),
        tags: Some(tags(&f.tags)),
        cover_url: Some(f.cover_url.clone()),
    };
    let result = api::patch_article_action(&state, &admin, id, changes).await;
    back(&format!("/admin/blog/{id}"), result, |_| {
        "Article enregistré.".into()
    })
}

#[derive(Debug, Deserialize)]
pub struct ReviewForm {
    pub decision: String,
    pub note: Option<String>,
}

pub async fn review_article(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Form(f): Form<ReviewForm>,
) -> Result<Response> {
    let decision = match f.decision.as_str() {
        "PUBLISH" => ReviewDecision::Publish,
        "NEEDS_CHANGES" => ReviewDecision::NeedsChanges,
        "REJECT" => ReviewDecision::Reject,
        "ARCHIVE" => ReviewDecision::Archive,
        _ => return Err(Error::not_found()),
    };
    let result = api::review_action(
        &state,
        &admin,
        id,
        Review {
            decision,
            note: f.note,
        },
    )
    .await;
    back(&format!("/admin/blog/{id}"), result, |a| {
        format!(
            "Article : {}. L'auteur est prévenu.",
            article_label(&a.status)
        )
    })
}

pub async fn delete_article(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let result = api::delete_article_action(&state, &admin, id).await;
    back("/admin/blog", result, |_| "Article supprimé.".into())
}

// ---- /admin/database, /admin/audit ----

#[derive(Template)]
#[template(path = "admin/database.html")]
pub struct DatabasePage {
    pub layout: Layout,
    pub tables: Vec<TableRows>,
    pub total: i64,
}

pub async fn database(State(state): State<AppState>, ctx: Ctx) -> Result<Response> {
    let tables = db::db_stats(&state.pool).await?;
    let page = DatabasePage {
        layout: ctx.layout(&state, "Base de données", "Nombre de lignes par table."),
        total: tables.iter().map(|t| t.rows).sum(),
        tables,
    };
    Ok(render(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    pub layout: Layout,
    pub entries: Page<LoggedAction>,
    pub q: String,
    pub pager: Pager,
}

impl AuditPage {
    pub fn json(v: &Option<serde_json::Value>) -> String {
        v.as_ref()
            .map(|v| v.to_string())
            .unwrap_or_else(|| "—".into())
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    pub q: Option<String>,
    pub page: Option<i64>,
}

pub async fn audit_log(
    State(state): State<AppState>,
    ctx: Ctx,
    Params(q): Params<AuditQuery>,
) -> Result<Response> {
    let entries = audit::list(
        &state.pool,
        &AuditFilter {
            q: q.q.clone(),
            target_id: None,
        },
        Paging::new(q.page, Some(50)),
    )
    .await?;
    let pager = Pager::new(&entries, "/admin/audit", &[("q", q.q.as_deref())]);
    let page = AuditPage {
        layout: ctx.layout(
            &state,
            "Journal d'audit",
            "Toutes les actions des administrateurs.",
        ),
        entries,
        q: q.q.unwrap_or_default(),
        pager,
    };
    Ok(render(StatusCode::OK, &page))
}
