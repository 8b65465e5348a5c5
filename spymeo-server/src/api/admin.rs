//! `/api/admin/*` (DOMAIN.md §6.15). Every action runs in one transaction with its
//! `admin_audit_log` row (who, what, target, before/after), so the log never shows an action
//! that did not happen nor misses one that did. The action functions are shared with the
//! `/admin/*` pages.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use spymeo_core::db::accounts::{self, Deletion};
use spymeo_core::db::admin::{self as db, ArticlePatch, ProFilter, SubscriptionFilter, UserFilter};
use spymeo_core::db::audit::{self, AuditActor, AuditEntry, AuditFilter};
use spymeo_core::db::blog::{self, ArticleInput, Decision};
use spymeo_core::db::listing::Paging;
use spymeo_core::db::pros::{self, ProKind};
use spymeo_core::db::{dashboards, outbox, pass};
use spymeo_core::domain::{ArticleStatus, CarnetStatus, Role, UserStatus};
use spymeo_core::mail::Email;
use uuid::Uuid;

use super::input::{Body, Params, double_option, filter, flag, non_blank};
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::state::AppState;

/// This module's part of the OpenAPI document (joined in `api::openapi`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    metrics,
    db_stats,
    audit_log,
    users,
    user,
    patch_user,
    delete_user,
    pending_pros,
    all_pros,
    validate_pro,
    patch_pro,
    application_document,
    subscriptions,
    carnet,
    articles,
    article,
    create_article,
    patch_article,
    delete_article,
    review,
))]
pub struct ApiDoc;

/// OpenAPI schemas of spymeo-core enums (which do not derive `ToSchema`), built from each
/// enum's `ALL` labels so the documented values cannot drift from the accepted ones. Used as
/// `#[schema(value_type = RoleSchema)]`; the component keeps the enum's own name.
macro_rules! domain_enum_schemas {
    ($($schema:ident => $ty:ty, $name:literal;)+) => {$(
        #[doc = concat!("OpenAPI schema of `", $name, "` (SCREAMING_SNAKE_CASE labels).")]
        pub struct $schema;

        impl utoipa::PartialSchema for $schema {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some(<$ty>::ALL.iter().map(|v| v.as_str())))
                    .into()
            }
        }

        impl utoipa::ToSchema for $schema {
            fn name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }
        }
    )+};
}

domain_enum_schemas! {
    RoleSchema => Role, "Role";
    UserStatusSchema => UserStatus, "UserStatus";
    ApplicationStatusSchema => spymeo_core::domain::ApplicationStatus, "ApplicationStatus";
    PassStatusSchema => spymeo_core::domain::PassStatus, "PassStatus";
    PassPlanSchema => spymeo_core::domain::PassPlan, "PassPlan";
    CarnetStatusSchema => CarnetStatus, "CarnetStatus";
    ArticleStatusSchema => ArticleStatus, "ArticleStatus";
    PassResourceTypeSchema => spymeo_core::domain::PassResourceType, "PassResourceType";
    PartnerKindSchema => spymeo_core::domain::PartnerKind, "PartnerKind";
    OpportunityKindSchema => spymeo_core::domain::OpportunityKind, "OpportunityKind";
    AdvantageTypeSchema => spymeo_core::domain::AdvantageType, "AdvantageType";
    LocationKindSchema => spymeo_core::domain::LocationKind, "LocationKind";
}

/// The PASS partner discount rates (`domain::pass::PARTNER_RATES`), as integers: a
/// `multipleOf` would let clients send `10.0`, which the i16 fields refuse.
pub struct PartnerRateSchema;

impl utoipa::PartialSchema for PartnerRateSchema {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Integer)
            .description(Some(
                "Taux de réduction PASS en % : 5, 10, 15, 20, 25 ou 30.",
            ))
            .enum_values(Some(spymeo_core::domain::pass::PARTNER_RATES))
            .into()
    }
}

impl utoipa::ToSchema for PartnerRateSchema {
    fn name() -> std::borrow::Cow<'static, str> {
        "PartnerRate".into()
    }
}

/// A hand-written body schema whose branches depend on one field's value (`oneOf`): the
/// derive cannot say "note required when decision is NEEDS_CHANGES".
pub fn one_of(
    description: &str,
    branches: Vec<Value>,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    let mut one_of = utoipa::openapi::schema::OneOfBuilder::new().description(Some(description));
    for b in branches {
        let object: utoipa::openapi::schema::Object =
            serde_json::from_value(b).expect("a hand-written object schema");
        one_of = one_of.item(object);
    }
    one_of.into()
}

/// A paginated list as `spymeo_core::db::listing::Page` writes it (DOMAIN.md §6.1).
macro_rules! page_schema {
    ($name:ident, $item:ty, $doc:literal) => {
        #[doc = $doc]
        #[derive(utoipa::ToSchema)]
        #[allow(dead_code)] // describes what `Page<T>` serialises to
        pub struct $name {
            pub items: Vec<$item>,
            /// Page servie (≥ 1).
            pub page: i64,
            /// Taille de page (1 à 100).
            pub limit: i64,
            /// Nombre total d'éléments correspondant au filtre.
            pub total: i64,
        }
    };
}

pub fn actor(admin: &CurrentUser) -> AuditActor {
    AuditActor {
        user_id: admin.id,
        email: admin.email.clone(),
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|_| Error::internal())
}

// ---- OpenAPI descriptions of the spymeo-core rows these handlers serialise ----

/// An account as the admin sees it (`db::admin::UserRow`).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `db::admin::UserRow` serialises to
pub struct AdminUser {
    pub id: Uuid,
    pub email: String,
    #[schema(value_type = RoleSchema)]
    pub role: Role,
    #[schema(value_type = UserStatusSchema)]
    pub status: UserStatus,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub city: Option<String>,
    pub admin_notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
    /// Set when the account was anonymised (soft deletion).
    pub deleted_at: Option<DateTime<Utc>>,
}

/// An account with its pro profile, if it has one (`GET /api/admin/users/{id}`).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `user` writes
pub struct AdminUserDetail {
    #[serde(flatten)]
    pub user: AdminUser,
    /// The public profile of a pro account (null for members, admins and deleted pros).
    pub pro_profile: Option<AdminPro>,
}

/// A pro profile in the admin lists (`db::admin::ProRow`).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `db::admin::ProRow` serialises to
pub struct AdminPro {
    pub user_id: Uuid,
    pub profile_id: Uuid,
    #[schema(value_type = RoleSchema)]
    pub role: Role,
    #[schema(value_type = UserStatusSchema)]
    pub status: UserStatus,
    pub email: String,
    pub slug: String,
    pub public_name: String,
    pub city: Option<String>,
    pub verified: bool,
    pub featured: bool,
    /// Centres seulement (null sinon).
    pub qualiopi_certified: Option<bool>,
    /// Centres seulement (null sinon).
    pub formations_count: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// A document attached to a pro application (`db::admin::ApplicationDocument`).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `db::admin::ApplicationDocument` serialises to
pub struct AdminApplicationDocument {
    /// Opened with `GET /api/admin/documents/{id}`.
    pub id: Uuid,
    #[schema(example = "diploma")]
    pub slot: String,
    pub title: String,
    #[schema(example = "application/pdf")]
    pub mime_type: String,
    pub size_bytes: Option<i64>,
}

/// An application waiting for a decision (`db::admin::PendingPro`).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `db::admin::PendingPro` serialises to
pub struct AdminPendingPro {
    pub user_id: Uuid,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    #[schema(value_type = UserStatusSchema)]
    pub user_status: UserStatus,
    pub application_id: Uuid,
    #[schema(value_type = RoleSchema)]
    pub requested_role: Role,
    pub discipline: String,
    pub experience_years: Option<i16>,
    pub ethics_statement: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub public_name: Option<String>,
    pub city: Option<String>,
    pub siret: Option<String>,
    /// Diplôme, assurance, Kbis, casier judiciaire : ceux qui ont été envoyés.
    pub documents: Vec<AdminApplicationDocument>,
}

/// A PASS subscription with its carnet shipment (`db::admin::SubscriptionRow`).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `db::admin::SubscriptionRow` serialises to
pub struct AdminSubscription {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    #[schema(value_type = PassStatusSchema)]
    pub status: spymeo_core::domain::PassStatus,
    #[schema(value_type = PassPlanSchema)]
    pub plan: spymeo_core::domain::PassPlan,
    pub months_paid: i32,
    #[schema(value_type = CarnetStatusSchema)]
    pub carnet_status: CarnetStatus,
    pub carnet_eta: Option<NaiveDate>,
    pub carnet_tracking_number: Option<String>,
    /// The shipping address the member gave (free-form object), null before.
    #[schema(value_type = Option<Object>)]
    pub carnet_address: Option<Value>,
    pub current_period_end: Option<DateTime<Utc>>,
}

/// An article with its review state (`db::admin::ArticleRow`), as admins and authors see it.
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `db::admin::ArticleRow` serialises to
pub struct AdminArticle {
    pub id: Uuid,
    pub slug: String,
    pub title: String,
    pub excerpt: Option<String>,
    pub content: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub cover_url: Option<String>,
    /// Null for the articles of "Équipe SPYMEO".
    pub author_user_id: Option<Uuid>,
    pub author_display_name: String,
    #[schema(value_type = ArticleStatusSchema)]
    pub status: ArticleStatus,
    pub reading_minutes: i16,
    pub submitted_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub review_note: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// One admin action of the audit log (`db::audit::LoggedAction`).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `db::audit::LoggedAction` serialises to
pub struct AdminAuditEntry {
    pub id: Uuid,
    pub actor_user_id: Uuid,
    pub actor_email: String,
    /// `area.verb`: `user.suspend`, `pro.approve`, `article.publish`…
    pub action: String,
    pub target_type: String,
    pub target_id: Option<Uuid>,
    /// What the target looked like before (free-form snapshot).
    #[schema(value_type = Option<Object>)]
    pub before: Option<Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<Value>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Exact row count of one table (`db::admin::TableRows`).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes what `db::admin::TableRows` serialises to
pub struct AdminTableRows {
    pub table: String,
    pub rows: i64,
}

page_schema!(AdminUserPage, AdminUser, "A page of accounts.");
page_schema!(
    AdminPendingProPage,
    AdminPendingPro,
    "A page of pending applications."
);
page_schema!(AdminProPage, AdminPro, "A page of pro profiles.");
page_schema!(
    AdminSubscriptionPage,
    AdminSubscription,
    "A page of PASS subscriptions."
);
page_schema!(AdminArticlePage, AdminArticle, "A page of articles.");
page_schema!(
    AdminAuditPage,
    AdminAuditEntry,
    "A page of the audit log, newest first."
);

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub page: Option<i64>,
    pub limit: Option<i64>,
}

impl PageQuery {
    pub fn paging(&self) -> Paging {
        Paging::new(self.page, self.limit)
    }
}

// ---- metrics, db-stats, audit ----

/// The back-office figures (`GET /api/admin/metrics`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    pub users: UserCounts,
    /// Accounts created in the last 30 days (deleted ones included).
    #[serde(rename = "signups30d")]
    pub signups_30d: i64,
    pub pass: PassCounts,
    /// Applications waiting for a decision.
    pub pending_pros: i64,
    /// Appointments of the last 30 days.
    #[serde(rename = "appointments30d")]
    pub appointments_30d: i64,
    /// Articles waiting for review (SUBMITTED).
    pub articles_pending: i64,
}

/// Live accounts counted by role and by status (keys: the enum labels present).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserCounts {
    #[schema(example = json!({"FREE_USER": 12, "PRACTITIONER": 4}))]
    pub by_role: BTreeMap<String, i64>,
    #[schema(example = json!({"ACTIVE": 15, "PENDING_VALIDATION": 1}))]
    pub by_status: BTreeMap<String, i64>,
}

/// Paying PASS subscriptions (ACTIVE or PAST_DUE).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PassCounts {
    pub active: i64,
    pub monthly: i64,
    pub annual: i64,
    /// Monthly recurring revenue in cents.
    pub mrr_cents: i64,
}

/// Platform figures for the dashboard.
#[utoipa::path(get, path = "/api/admin/metrics", tag = "admin",
    responses((status = 200, description = "Indicateurs du back-office", body = Metrics)))]
pub async fn metrics(State(state): State<AppState>) -> Result<Json<Metrics>> {
    let d = dashboards::admin(&state.pool, Utc::now()).await?;
    let mut by_role = BTreeMap::new();
    let mut by_status = BTreeMap::new();
    for r in &d.users {
        *by_role.entry(r.role.clone()).or_insert(0) += r.count;
        *by_status.entry(r.status.clone()).or_insert(0) += r.count;
    }
    Ok(Json(Metrics {
        users: UserCounts { by_role, by_status },
        signups_30d: d.signups_30d,
        pass: PassCounts {
            active: d.pass_monthly + d.pass_annual,
            monthly: d.pass_monthly,
            annual: d.pass_annual,
            mrr_cents: d.mrr_cents,
        },
        pending_pros: d.pending_pros,
        appointments_30d: d.appointments_30d,
        articles_pending: d.articles_to_review,
    }))
}

/// Exact row counts of every application table.
#[utoipa::path(get, path = "/api/admin/db-stats", tag = "admin",
    responses((status = 200, description = "Nombre de lignes par table, par nom de table",
               body = Vec<AdminTableRows>)))]
pub async fn db_stats(State(state): State<AppState>) -> Result<Json<Value>> {
    Ok(Json(to_json(&db::db_stats(&state.pool).await?)?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Cherche dans l'action, l'e-mail de l'admin et le type de cible.
    pub q: Option<String>,
    /// Les actions sur cette cible seulement.
    pub target_id: Option<Uuid>,
    /// Page demandée (1 par défaut ; une valeur < 1 est ramenée à 1).
    pub page: Option<i64>,
    /// Taille de page (20 par défaut ; ramenée entre 1 et 100).
    pub limit: Option<i64>,
}

/// The audit log, newest first.
#[utoipa::path(get, path = "/api/admin/audit", tag = "admin", params(AuditQuery),
    responses((status = 200, description = "Journal des actions d'administration", body = AdminAuditPage)))]
pub async fn audit_log(
    State(state): State<AppState>,
    Params(q): Params<AuditQuery>,
) -> Result<Json<Value>> {
    let f = AuditFilter {
        q: q.q,
        target_id: q.target_id,
    };
    let page = audit::list(&state.pool, &f, Paging::new(q.page, q.limit)).await?;
    Ok(Json(to_json(&page)?))
}

// ---- users ----

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsersQuery {
    /// Cherche dans l'e-mail et le nom.
    pub q: Option<String>,
    /// Filtre par rôle (vide = tous).
    #[param(value_type = Option<RoleSchema>, inline)]
    pub role: Option<String>,
    /// Filtre par statut (vide = tous).
    #[param(value_type = Option<UserStatusSchema>, inline)]
    pub status: Option<String>,
    /// Page demandée (1 par défaut ; une valeur < 1 est ramenée à 1).
    pub page: Option<i64>,
    /// Taille de page (20 par défaut ; ramenée entre 1 et 100).
    pub limit: Option<i64>,
}

impl UsersQuery {
    pub fn filter(&self) -> Result<UserFilter> {
        Ok(UserFilter {
            q: self.q.clone(),
            role: filter(&self.role)?,
            status: filter(&self.status)?,
        })
    }
}

/// Accounts, newest first, searched and filtered.
#[utoipa::path(get, path = "/api/admin/users", tag = "admin", params(UsersQuery),
    responses((status = 200, description = "Comptes", body = AdminUserPage)))]
pub async fn users(
    State(state): State<AppState>,
    Params(q): Params<UsersQuery>,
) -> Result<Json<Value>> {
    let page = db::users(&state.pool, &q.filter()?, Paging::new(q.page, q.limit)).await?;
    Ok(Json(to_json(&page)?))
}

/// One account, with its pro profile.
#[utoipa::path(get, path = "/api/admin/users/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Compte")),
    responses((status = 200, description = "Le compte", body = AdminUserDetail)))]
pub async fn user(State(state): State<AppState>, Path(id): Path<Uuid>) -> Result<Json<Value>> {
    let u = db::user(&mut *state.pool.acquire().await?, id).await?;
    let mut v = to_json(&u)?;
    let pros = db::all_pros(
        &state.pool,
        &ProFilter {
            role: Some(u.role).filter(|r| r.is_pro()),
            q: Some(u.email.clone()),
            ..Default::default()
        },
        Paging::default(),
    )
    .await?;
    v["proProfile"] = match pros.items.into_iter().find(|p| p.user_id == id) {
        Some(p) => to_json(&p)?,
        None => Value::Null,
    };
    Ok(Json(v))
}

/// Changes to an account; absent fields are left as they are.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = AdminUserPatch)]
pub struct UserPatch {
    /// SUSPENDED (ends the sessions), or ACTIVE to reactivate a suspended account; any other
    /// change of status is 409 INVALID_STATUS.
    #[schema(value_type = Option<UserStatusSchema>)]
    pub status: Option<UserStatus>,
    /// Only FREE_USER ↔ ADMIN: another role is 400; an account of another role (PASS
    /// member, pro) cannot be switched (409 INVALID_ROLE_CHANGE).
    #[schema(value_type = AssignableRole, inline, required = false)]
    pub role: Option<Role>,
    /// Private notes; null or blank clears them.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable, max_length = 5000)]
    pub admin_notes: Option<Option<String>>,
}

/// The roles `PATCH /api/admin/users/{id}` can give (null: unchanged), as one flat enum.
struct AssignableRole;

impl utoipa::PartialSchema for AssignableRole {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let object: utoipa::openapi::schema::Object = serde_json::from_value(
            json!({"type": ["string", "null"], "enum": ["FREE_USER", "ADMIN", null]}),
        )
        .expect("a hand-written schema");
        object.into()
    }
}

impl utoipa::ToSchema for AssignableRole {}

/// Suspension ends the account's sessions at once (DOMAIN.md §5.2.5, AR-25).
pub async fn patch_user_action(
    state: &AppState,
    admin: &CurrentUser,
    id: Uuid,
    p: UserPatch,
) -> Result<db::UserRow> {
    if id == admin.id && (p.status.is_some() || p.role.is_some()) {
        return Err(Error::new(
            StatusCode::CONFLICT,
            "CANNOT_CHANGE_SELF",
            "Vous ne pouvez pas changer votre propre rôle ou statut",
        ));
    }
    let now = Utc::now();
    let mut tx = state.pool.begin().await?;
    let before = db::lock_user(&mut tx, id).await?;
    // A valid target role on an account that is neither a member nor an admin depends on the
    // account's state, not on the request: a conflict, not a 400.
    if p.role.is_some_and(|r| {
        r != before.role
            && matches!(r, Role::FreeUser | Role::Admin)
            && !matches!(before.role, Role::FreeUser | Role::Admin)
    }) {
        return Err(Error::new(
            StatusCode::CONFLICT,
            "INVALID_ROLE_CHANGE",
            "Seul le passage Membre ↔ Administrateur est possible pour ce compte",
        ));
    }
    let notes = p.admin_notes.map(non_blank);
    db::update_user(
        &mut tx,
        &before,
        p.status,
        p.role,
        notes.as_ref().map(|n| n.as_deref()),
    )
    .await?;
    let after = db::user(&mut tx, id).await?;
    let action = match (before.status, after.status) {
        (b, UserStatus::Suspended) if b != UserStatus::Suspended => "user.suspend",
        (UserStatus::Suspended, UserStatus::Active) => "user.reactivate",
        _ if before.role != after.role => "user.change_role",
        _ => "user.update_notes",
    };
    audit::record(
        &mut tx,
        &actor(admin),
        &AuditEntry {
            action,
            target_type: "user",
            target_id: Some(id),
            before: Some(before.snapshot()),
            after: Some(after.snapshot()),
            note: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Suspends, reactivates, promotes or annotates an account (audited).
#[utoipa::path(patch, path = "/api/admin/users/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Compte")),
    request_body = UserPatch,
    responses(
        (status = 200, description = "Le compte modifié", body = AdminUser),
        (status = 409, description = "Son propre compte (CANNOT_CHANGE_SELF), compte supprimé (ACCOUNT_DELETED), \
            statut impossible (INVALID_STATUS), rôle impossible pour ce compte (INVALID_ROLE_CHANGE) \
            ou dernier administrateur (CANNOT_DEMOTE_LAST_ADMIN)",
            body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn patch_user(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Body(p): Body<UserPatch>,
) -> Result<Json<Value>> {
    Ok(Json(to_json(
        &patch_user_action(&state, &admin, id, p).await?,
    )?))
}

/// §7.10: hard delete, or anonymisation when the law keeps some of the account's rows.
pub async fn delete_user_action(
    state: &AppState,
    admin: &CurrentUser,
    id: Uuid,
) -> Result<Deletion> {
    if id == admin.id {
        return Err(Error::new(
            StatusCode::CONFLICT,
            "CANNOT_CHANGE_SELF",
            "Supprimez votre propre compte depuis « Mon compte »",
        ));
    }
    let now = Utc::now();
    let mut tx = state.pool.begin().await?;
    let before = db::lock_user(&mut tx, id).await?;
    if before.deleted_at.is_some() {
        return Err(Error::not_found());
    }
    if before.role == Role::Admin {
        db::ensure_other_admin(&mut tx, id).await?;
    }
    let deletion = accounts::delete_account(&mut tx, id, now).await?;
    let after = match deletion {
        Deletion::Hard => json!({"deleted": "HARD"}),
        Deletion::Soft => json!({"deleted": "SOFT", "status": "SUSPENDED"}),
    };
    audit::record(
        &mut tx,
        &actor(admin),
        &AuditEntry {
            action: "user.delete",
            target_type: "user",
            target_id: Some(id),
            before: Some(before.snapshot()),
            after: Some(after),
            note: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(deletion)
}

/// The answer of a deletion that kept the account anonymised.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes what `delete_user` writes
pub struct SoftDeletion {
    #[schema(example = "SOFT")]
    pub deleted: String,
}

/// Deletes an account: hard delete, or anonymisation when the law keeps some of its rows.
#[utoipa::path(delete, path = "/api/admin/users/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Compte")),
    responses(
        (status = 204, description = "Compte supprimé"),
        (status = 200, description = "Compte anonymisé et suspendu (données à conserver)", body = SoftDeletion),
        (status = 409, description = "Son propre compte (CANNOT_CHANGE_SELF), dernier administrateur \
            (CANNOT_DEMOTE_LAST_ADMIN)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn delete_user(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let d = delete_user_action(&state, &admin, id).await?;
    Ok(match d {
        Deletion::Hard => StatusCode::NO_CONTENT.into_response(),
        // The account is kept anonymised (retention): say so instead of a bare 204.
        Deletion::Soft => Json(json!({"deleted": "SOFT"})).into_response(),
    })
}

// ---- pros and applications ----

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoleQuery {
    /// Rôle demandé (vide = tous).
    #[param(value_type = Option<RoleSchema>, inline)]
    pub role: Option<String>,
    /// Page demandée (1 par défaut ; une valeur < 1 est ramenée à 1).
    pub page: Option<i64>,
    /// Taille de page (20 par défaut ; ramenée entre 1 et 100).
    pub limit: Option<i64>,
}

/// Applications waiting for a decision, oldest first, with their documents.
#[utoipa::path(get, path = "/api/admin/pending-pros", tag = "admin", params(RoleQuery),
    responses((status = 200, description = "Candidatures en attente", body = AdminPendingProPage)))]
pub async fn pending_pros(
    State(state): State<AppState>,
    Params(q): Params<RoleQuery>,
) -> Result<Json<Value>> {
    let page =
        db::pending_pros(&state.pool, filter(&q.role)?, Paging::new(q.page, q.limit)).await?;
    Ok(Json(to_json(&page)?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProsQuery {
    /// Rôle pro (vide = tous).
    #[param(value_type = Option<RoleSchema>, inline)]
    pub role: Option<String>,
    /// `true`/`false` (aussi `1`/`0`, `on`/`off` ; vide = tous).
    #[param(value_type = Option<bool>)]
    pub verified: Option<String>,
    /// `true`/`false` (aussi `1`/`0`, `on`/`off` ; vide = tous).
    #[param(value_type = Option<bool>)]
    pub featured: Option<String>,
    /// Cherche dans le nom public, l'e-mail et la ville.
    pub q: Option<String>,
    /// Page demandée (1 par défaut ; une valeur < 1 est ramenée à 1).
    pub page: Option<i64>,
    /// Taille de page (20 par défaut ; ramenée entre 1 et 100).
    pub limit: Option<i64>,
}

impl ProsQuery {
    pub fn filter(&self) -> Result<ProFilter> {
        Ok(ProFilter {
            role: filter(&self.role)?,
            verified: flag(&self.verified)?,
            featured: flag(&self.featured)?,
            q: self.q.clone(),
        })
    }
}

/// Every pro profile, by public name.
#[utoipa::path(get, path = "/api/admin/all-pros", tag = "admin", params(ProsQuery),
    responses((status = 200, description = "Profils pros", body = AdminProPage)))]
pub async fn all_pros(
    State(state): State<AppState>,
    Params(q): Params<ProsQuery>,
) -> Result<Json<Value>> {
    let page = db::all_pros(&state.pool, &q.filter()?, Paging::new(q.page, q.limit)).await?;
    Ok(Json(to_json(&page)?))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidatePro {
    /// The candidate's account.
    pub user_id: Uuid,
    pub approved: bool,
    /// The reason shown to a rejected candidate (required, non-blank, on rejection).
    pub admin_notes: Option<String>,
    /// Approve and activate at once (membership offered): ACTIVE and verified, no payment step.
    #[serde(default)]
    pub activate: bool,
}

/// Approve → PENDING_PAYMENT (email with the payment link) or ACTIVE with `activate`;
/// reject → REJECTED with the reason (email). Emails go through the outbox in the same
/// transaction.
impl utoipa::PartialSchema for ValidatePro {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let notes = "The reason shown to a rejected candidate (required, non-blank, on rejection).";
        let activate = "Approve and activate at once (membership offered): ACTIVE and verified, no payment step.";
        one_of(
            "A decision on a pending application: approval, or rejection with its reason.",
            vec![
                json!({"type": "object", "required": ["userId", "approved"], "properties": {
                    "userId": {"type": "string", "format": "uuid"},
                    "approved": {"type": "boolean", "enum": [true]},
                    "adminNotes": {"type": ["string", "null"], "description": notes},
                    "activate": {"type": "boolean", "description": activate}}}),
                json!({"type": "object", "required": ["userId", "approved", "adminNotes"], "properties": {
                    "userId": {"type": "string", "format": "uuid"},
                    "approved": {"type": "boolean", "enum": [false]},
                    "adminNotes": {"type": "string", "pattern": "\\S", "description": notes},
                    "activate": {"type": "boolean", "description": "Ignored on rejection."}}}),
            ],
        )
    }
}

impl utoipa::ToSchema for ValidatePro {}

pub async fn validate_pro_action(
    state: &AppState,
    admin: &CurrentUser,
    v: ValidatePro,
) -> Result<UserStatus> {
    let note = non_blank(v.admin_notes);
    if !v.approved && note.is_none() {
        let mut e = Error::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_FAILED",
            "Indiquez la raison du refus",
        );
        e.fields
            .push(("adminNotes", "La raison du refus est obligatoire".into()));
        return Err(e);
    }
    let now = Utc::now();
    let mut tx = state.pool.begin().await?;
    let before = db::lock_user(&mut tx, v.user_id).await?;
    let mut status = pros::review_application(
        &mut tx,
        v.user_id,
        admin.id,
        v.approved,
        note.as_deref(),
        now,
    )
    .await?;
    if v.approved && v.activate {
        pros::activate_membership(&mut tx, v.user_id, now).await?;
        status = UserStatus::Active;
    }
    let base = state.inner.app_url.trim_end_matches('/');
    let first = before.first_name.clone().unwrap_or_default();
    let (subject, body, template) = match status {
        UserStatus::PendingPayment => (
            "Votre candidature SPYMEO est acceptée",
            format!(
                "Bonjour {first},\n\nBonne nouvelle : votre candidature est acceptée. Réglez votre adhésion \
                 professionnelle pour activer votre espace et votre fiche publique : {base}/payment/pro\n\nL'équipe SPYMEO"
            ),
            "pro_application_approved",
        ),
        UserStatus::Active => (
            "Votre espace pro SPYMEO est ouvert",
            format!(
                "Bonjour {first},\n\nVotre candidature est acceptée et votre adhésion vous est offerte : votre espace \
                 est actif. Connectez-vous pour compléter votre fiche publique : {base}/auth/login\n\nL'équipe SPYMEO"
            ),
            "pro_application_activated",
        ),
        _ => (
            "Votre candidature SPYMEO",
            format!(
                "Bonjour {first},\n\nNous avons étudié votre candidature avec attention ; elle n'a pas été retenue.\n\
                 Motif : {}\n\nL'équipe SPYMEO",
                note.as_deref().unwrap_or_default()
            ),
            "pro_application_rejected",
        ),
    };
    let email = Email {
        to: before.email.clone(),
        subject: subject.into(),
        body,
        template,
    };
    outbox::enqueue(&mut tx, &email, Some(v.user_id)).await?;
    let action = match (v.approved, v.activate) {
        (true, false) => "pro.approve",
        (true, true) => "pro.approve_activate",
        (false, _) => "pro.reject",
    };
    audit::record(
        &mut tx,
        &actor(admin),
        &AuditEntry {
            action,
            target_type: "user",
            target_id: Some(v.user_id),
            before: Some(json!({"status": before.status, "application": "PENDING"})),
            after: Some(json!({"status": status,
                               "application": if v.approved { "APPROVED" } else { "REJECTED" }})),
            note: note.as_deref(),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(status)
}

/// The candidate's status after a decision.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes what `validate_pro` writes
pub struct ValidateProOut {
    /// PENDING_PAYMENT (approved), ACTIVE (approved with `activate`) or REJECTED.
    #[schema(value_type = UserStatusSchema)]
    pub status: UserStatus,
}

/// Approves (payment link, or activation offered) or rejects a pending application; the
/// candidate is e-mailed.
#[utoipa::path(post, path = "/api/admin/validate-pro", tag = "admin",
    request_body = ValidatePro,
    responses(
        (status = 200, description = "Décision enregistrée", body = ValidateProOut),
        (status = 404, description = "Compte ou candidature inconnus (NOT_FOUND)",
            body = crate::api::openapi::ErrorEnvelope),
        (status = 409, description = "Candidature déjà traitée (INVALID_STATUS)",
            body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn validate_pro(
    State(state): State<AppState>,
    admin: CurrentUser,
    Body(v): Body<ValidatePro>,
) -> Result<Json<Value>> {
    let status = validate_pro_action(&state, &admin, v).await?;
    Ok(Json(json!({ "status": status })))
}

/// The admin-only visibility flags of a pro profile; absent = unchanged.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = AdminProPatch)]
pub struct ProPatch {
    pub verified: Option<bool>,
    pub featured: Option<bool>,
}

pub async fn patch_pro_action(
    state: &AppState,
    admin: &CurrentUser,
    user_id: Uuid,
    p: ProPatch,
) -> Result<Value> {
    let now = Utc::now();
    let mut tx = state.pool.begin().await?;
    let u = db::lock_user(&mut tx, user_id).await?;
    let kind = ProKind::from_role(u.role).ok_or_else(Error::not_found)?;
    let (verified, featured) = db::lock_visibility(&mut tx, kind, user_id).await?;
    pros::set_visibility(&mut tx, kind, user_id, p.verified, p.featured).await?;
    let after = json!({"verified": p.verified.unwrap_or(verified), "featured": p.featured.unwrap_or(featured)});
    audit::record(
        &mut tx,
        &actor(admin),
        &AuditEntry {
            action: "pro.visibility",
            target_type: "pro_profile",
            target_id: Some(user_id),
            before: Some(json!({"verified": verified, "featured": featured})),
            after: Some(after.clone()),
            note: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The visibility flags after the change.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // describes what `patch_pro_action` returns
pub struct ProVisibility {
    pub verified: bool,
    pub featured: bool,
}

/// Sets `verified` / `featured` on a pro profile (audited).
#[utoipa::path(patch, path = "/api/admin/pros/{user_id}", tag = "admin",
    params(("user_id" = Uuid, Path, description = "Compte pro")),
    request_body = ProPatch,
    responses((status = 200, description = "Visibilité du profil", body = ProVisibility)))]
pub async fn patch_pro(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(user_id): Path<Uuid>,
    Body(p): Body<ProPatch>,
) -> Result<Json<Value>> {
    Ok(Json(patch_pro_action(&state, &admin, user_id, p).await?))
}

/// Opens an application document (APPLICATION category only).
#[utoipa::path(get, path = "/api/admin/documents/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Document de candidature")),
    responses((status = 200, description = "Le fichier (affiché dans le navigateur)", content(
        (String = "application/pdf"),
        (String = "image/png"),
        (String = "image/jpeg"),
    ))))]
pub async fn application_document(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Response> {
    let (title, mime, key) = db::application_document(&state.pool, id).await?;
    let bytes = state.storage.get(&key).await?;
    let ext = match mime.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        _ => "bin",
    };
    let name: String = title
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, mime),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}.{ext}\""),
            ),
            (
                axum::http::header::CACHE_CONTROL,
                "private, no-store".into(),
            ),
        ],
        bytes,
    )
        .into_response())
}

// ---- PASS subscriptions and carnets ----

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubscriptionsQuery {
    /// Statut de l'abonnement (vide = tous).
    #[param(value_type = Option<PassStatusSchema>, inline)]
    pub status: Option<String>,
    /// Formule (vide = toutes).
    #[param(value_type = Option<PassPlanSchema>, inline)]
    pub plan: Option<String>,
    /// Étape du carnet (vide = toutes).
    #[param(value_type = Option<CarnetStatusSchema>, inline)]
    pub carnet: Option<String>,
    /// Page demandée (1 par défaut ; une valeur < 1 est ramenée à 1).
    pub page: Option<i64>,
    /// Taille de page (20 par défaut ; ramenée entre 1 et 100).
    pub limit: Option<i64>,
}

impl SubscriptionsQuery {
    pub fn filter(&self) -> Result<SubscriptionFilter> {
        Ok(SubscriptionFilter {
            status: filter(&self.status)?,
            plan: filter(&self.plan)?,
            carnet: filter(&self.carnet)?,
        })
    }
}

/// PASS subscriptions, carnets to ship first.
#[utoipa::path(get, path = "/api/admin/pass/subscriptions", tag = "admin", params(SubscriptionsQuery),
    responses((status = 200, description = "Abonnements PASS", body = AdminSubscriptionPage)))]
pub async fn subscriptions(
    State(state): State<AppState>,
    Params(q): Params<SubscriptionsQuery>,
) -> Result<Json<Value>> {
    let page = db::subscriptions(&state.pool, &q.filter()?, Paging::new(q.page, q.limit)).await?;
    Ok(Json(to_json(&page)?))
}

/// The next step of a carnet: PENDING → PROCESSING → SHIPPED → DELIVERED.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CarnetStep {
    /// The next status (any other is 409 INVALID_TRANSITION).
    #[schema(value_type = CarnetStatusSchema)]
    pub status: CarnetStatus,
    /// Required (non-blank) for SHIPPED.
    pub tracking_number: Option<String>,
    /// SHIPPED: expected delivery (default: in 5 days). `format: date` is only an annotation
    /// in JSON Schema 2020-12: the pattern says what parses (days 29–31 left out so that every
    /// match is a real date).
    #[schema(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$")]
    pub eta: Option<NaiveDate>,
}

/// The carnet fields after the step (`db::admin::carnet_snapshot`).
#[derive(utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // describes what `carnet_action` returns
pub struct CarnetOut {
    #[schema(value_type = CarnetStatusSchema)]
    pub carnet_status: CarnetStatus,
    pub tracking_number: Option<String>,
    pub eta: Option<NaiveDate>,
}

pub async fn carnet_action(
    state: &AppState,
    admin: &CurrentUser,
    subscription_id: Uuid,
    step: CarnetStep,
) -> Result<Value> {
    let now = Utc::now();
    let mut tx = state.pool.begin().await?;
    let before = db::carnet_snapshot(&mut tx, subscription_id).await?;
    let tracking = non_blank(step.tracking_number);
    pass::advance_carnet(
        &mut tx,
        subscription_id,
        step.status,
        tracking.as_deref(),
        step.eta,
        now,
    )
    .await?;
    let after = db::carnet_snapshot(&mut tx, subscription_id).await?;
    audit::record(
        &mut tx,
        &actor(admin),
        &AuditEntry {
            action: "pass.carnet",
            target_type: "pass_subscription",
            target_id: Some(subscription_id),
            before: Some(before),
            after: Some(after.clone()),
            note: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Advances the carnet of a PASS subscription (SHIPPED notifies the member; audited).
#[utoipa::path(post, path = "/api/admin/pass/subscriptions/{id}/carnet", tag = "admin",
    params(("id" = Uuid, Path, description = "Abonnement PASS")),
    request_body = CarnetStep,
    responses(
        (status = 200, description = "Carnet mis à jour", body = CarnetOut),
        (status = 409, description = "Étape impossible (INVALID_TRANSITION), PASS inactif (PASS_NOT_ACTIVE) \
            ou adresse manquante (CARNET_ADDRESS_MISSING)", body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn carnet(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Body(step): Body<CarnetStep>,
) -> Result<Json<Value>> {
    Ok(Json(carnet_action(&state, &admin, id, step).await?))
}

// ---- blog ----

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BlogQuery {
    /// Statut (vide = tous).
    #[param(value_type = Option<ArticleStatusSchema>, inline)]
    pub status: Option<String>,
    /// Page demandée (1 par défaut ; une valeur < 1 est ramenée à 1).
    pub page: Option<i64>,
    /// Taille de page (20 par défaut ; ramenée entre 1 et 100).
    pub limit: Option<i64>,
}

/// Every article: the review queue (SUBMITTED) first, then by last change.
#[utoipa::path(get, path = "/api/admin/blog", tag = "admin", params(BlogQuery),
    responses((status = 200, description = "Articles", body = AdminArticlePage)))]
pub async fn articles(
    State(state): State<AppState>,
    Params(q): Params<BlogQuery>,
) -> Result<Json<Value>> {
    let status: Option<ArticleStatus> = filter(&q.status)?;
    let page = db::articles(&state.pool, status, Paging::new(q.page, q.limit)).await?;
    Ok(Json(to_json(&page)?))
}

/// One article, whatever its status.
#[utoipa::path(get, path = "/api/admin/blog/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Article")),
    responses((status = 200, description = "L'article", body = AdminArticle)))]
pub async fn article(State(state): State<AppState>, Path(id): Path<Uuid>) -> Result<Json<Value>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(to_json(&db::article(&mut conn, id).await?)?))
}

/// An article by "Équipe SPYMEO". Blank optional texts and blank tags are dropped.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = AdminNewArticle)]
pub struct NewArticle {
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    #[schema(max_length = 400)]
    pub excerpt: Option<String>,
    #[serde(default)]
    #[schema(max_length = 100000)]
    pub content: String,
    pub category: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub cover_url: Option<String>,
    /// Publish at once (admin articles skip the review, §7.9).
    #[serde(default)]
    pub publish: bool,
}

/// An article by "Équipe SPYMEO" (no author account), DRAFT or published at once.
pub async fn create_article_action(
    state: &AppState,
    admin: &CurrentUser,
    a: NewArticle,
) -> Result<db::ArticleRow> {
    let now = Utc::now();
    let mut tx = state.pool.begin().await?;
    let input = ArticleInput {
        title: a.title,
        excerpt: non_blank(a.excerpt),
        content: a.content,
        cover_url: non_blank(a.cover_url),
        category: non_blank(a.category),
        tags: a
            .tags
            .into_iter()
            .filter_map(|t| non_blank(Some(t)))
            .collect(),
    };
    let id = blog::create_article(&mut tx, None, "Équipe SPYMEO", &input, now).await?;
    if a.publish {
        blog::review(&mut tx, admin.id, id, Decision::Publish, None, now).await?;
    }
    let row = db::article(&mut tx, id).await?;
    audit::record(
        &mut tx,
        &actor(admin),
        &AuditEntry {
            action: "article.create",
            target_type: "article",
            target_id: Some(id),
            before: None,
            after: Some(row.snapshot()),
            note: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// Writes an article signed "Équipe SPYMEO", DRAFT or published at once (audited).
#[utoipa::path(post, path = "/api/admin/blog", tag = "admin",
    request_body = NewArticle,
    responses(
        (status = 201, description = "Article créé", body = AdminArticle),
        (status = 409, description = "Adresse de page déjà prise (SLUG_TAKEN)",
            body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn create_article(
    State(state): State<AppState>,
    admin: CurrentUser,
    Body(a): Body<NewArticle>,
) -> Result<(StatusCode, Json<Value>)> {
    let row = create_article_action(&state, &admin, a).await?;
    Ok((StatusCode::CREATED, Json(to_json(&row)?)))
}

/// A partial article: absent = unchanged; null or blank clears an optional text. The slug
/// (the public URL) never changes.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArticleChanges {
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable, max_length = 400)]
    pub excerpt: Option<Option<String>>,
    #[schema(max_length = 100000)]
    pub content: Option<String>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub category: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<String>, nullable)]
    pub cover_url: Option<Option<String>>,
}

pub async fn patch_article_action(
    state: &AppState,
    admin: &CurrentUser,
    id: Uuid,
    c: ArticleChanges,
) -> Result<db::ArticleRow> {
    let now = Utc::now();
    let mut tx = state.pool.begin().await?;
    let before = db::article(&mut tx, id).await?;
    let patch = ArticlePatch {
        title: c.title,
        excerpt: c.excerpt.map(non_blank),
        content: c.content,
        category: c.category.map(non_blank),
        tags: c.tags,
        cover_url: c.cover_url.map(non_blank),
    };
    db::update_article(&mut tx, id, &patch).await?;
    let after = db::article(&mut tx, id).await?;
    audit::record(
        &mut tx,
        &actor(admin),
        &AuditEntry {
            action: "article.update",
            target_type: "article",
            target_id: Some(id),
            before: Some(before.snapshot()),
            after: Some(after.snapshot()),
            note: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Edits any article, whatever its status (audited).
#[utoipa::path(patch, path = "/api/admin/blog/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Article")),
    request_body = ArticleChanges,
    responses((status = 200, description = "L'article modifié", body = AdminArticle)))]
pub async fn patch_article(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Body(c): Body<ArticleChanges>,
) -> Result<Json<Value>> {
    Ok(Json(to_json(
        &patch_article_action(&state, &admin, id, c).await?,
    )?))
}

pub async fn delete_article_action(state: &AppState, admin: &CurrentUser, id: Uuid) -> Result<()> {
    let now = Utc::now();
    let mut tx = state.pool.begin().await?;
    let before = db::article(&mut tx, id).await?;
    db::delete_article(&mut tx, id).await?;
    audit::record(
        &mut tx,
        &actor(admin),
        &AuditEntry {
            action: "article.delete",
            target_type: "article",
            target_id: Some(id),
            before: Some(before.snapshot()),
            after: None,
            note: None,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes an article (audited).
#[utoipa::path(delete, path = "/api/admin/blog/{id}", tag = "admin",
    params(("id" = Uuid, Path, description = "Article")),
    responses((status = 204, description = "Article supprimé")))]
pub async fn delete_article(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    delete_article_action(&state, &admin, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReviewDecision {
    Publish,
    NeedsChanges,
    Reject,
    /// PUBLISHED → ARCHIVED.
    Archive,
}

/// A decision on a SUBMITTED article (PUBLISH also takes an admin's own DRAFT; ARCHIVE a
/// PUBLISHED one).
#[derive(Debug, Deserialize)]
pub struct Review {
    pub decision: ReviewDecision,
    /// Shown to the author; required (non-blank) for NEEDS_CHANGES.
    pub note: Option<String>,
}

impl utoipa::PartialSchema for Review {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        one_of(
            "A decision on a SUBMITTED article (PUBLISH also takes an admin's own DRAFT, ARCHIVE a \
             PUBLISHED one). The note is shown to the author; NEEDS_CHANGES requires one.",
            vec![
                json!({"type": "object", "required": ["decision", "note"], "properties": {
                    "decision": {"type": "string", "enum": ["NEEDS_CHANGES"]},
                    "note": {"type": "string", "pattern": "\\S"}}}),
                json!({"type": "object", "required": ["decision"], "properties": {
                    "decision": {"type": "string", "enum": ["PUBLISH", "REJECT", "ARCHIVE"]},
                    "note": {"type": ["string", "null"]}}}),
            ],
        )
    }
}

impl utoipa::ToSchema for Review {
    fn name() -> std::borrow::Cow<'static, str> {
        "ArticleReview".into()
    }
}

/// §7.9: the author is notified by `blog::review` (ARTICLE_REVIEWED).
pub async fn review_action(
    state: &AppState,
    admin: &CurrentUser,
    id: Uuid,
    r: Review,
) -> Result<db::ArticleRow> {
    let note = non_blank(r.note);
    if matches!(r.decision, ReviewDecision::NeedsChanges) && note.is_none() {
        let mut e = Error::new(
            StatusCode::BAD_REQUEST,
            "VALIDATION_FAILED",
            "Indiquez les modifications attendues",
        );
        e.fields.push(("note", "Remarque obligatoire".into()));
        return Err(e);
    }
    let now = Utc::now();
    let mut tx = state.pool.begin().await?;
    let before = db::article(&mut tx, id).await?;
    let (decision, action) = match r.decision {
        ReviewDecision::Publish => (Some(Decision::Publish), "article.publish"),
        ReviewDecision::NeedsChanges => (Some(Decision::NeedsChanges), "article.needs_changes"),
        ReviewDecision::Reject => (Some(Decision::Reject), "article.reject"),
        ReviewDecision::Archive => (None, "article.archive"),
    };
    match decision {
        Some(d) => blog::review(&mut tx, admin.id, id, d, note.as_deref(), now).await?,
        None => blog::archive(&mut tx, id).await?,
    }
    let after = db::article(&mut tx, id).await?;
    audit::record(
        &mut tx,
        &actor(admin),
        &AuditEntry {
            action,
            target_type: "article",
            target_id: Some(id),
            before: Some(before.snapshot()),
            after: Some(after.snapshot()),
            note: note.as_deref(),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Publishes, sends back, rejects or archives an article; the author is notified (audited).
#[utoipa::path(post, path = "/api/admin/blog/{id}/review", tag = "admin",
    params(("id" = Uuid, Path, description = "Article")),
    request_body = Review,
    responses(
        (status = 200, description = "L'article après la décision", body = AdminArticle),
        (status = 409, description = "Décision impossible dans ce statut (INVALID_TRANSITION)",
            body = crate::api::openapi::ErrorEnvelope),
    ))]
pub async fn review(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Body(r): Body<Review>,
) -> Result<Json<Value>> {
    Ok(Json(to_json(&review_action(&state, &admin, id, r).await?)?))
}
