//! `/api/admin/*` (DOMAIN.md §6.15). Every action runs in one transaction with its
//! `admin_audit_log` row (who, what, target, before/after), so the log never shows an action
//! that did not happen nor misses one that did. The action functions are shared with the
//! `/admin/*` pages.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
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

pub fn actor(admin: &CurrentUser) -> AuditActor {
    AuditActor {
        user_id: admin.id,
        email: admin.email.clone(),
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|_| Error::internal())
}

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

pub async fn metrics(State(state): State<AppState>) -> Result<Json<Value>> {
    let d = dashboards::admin(&state.pool, Utc::now()).await?;
    let mut by_role = serde_json::Map::new();
    let mut by_status = serde_json::Map::new();
    for r in &d.users {
        let add = |m: &mut serde_json::Map<String, Value>, k: &str| {
            let n = m.get(k).and_then(Value::as_i64).unwrap_or(0) + r.count;
            m.insert(k.to_owned(), json!(n));
        };
        add(&mut by_role, &r.role);
        add(&mut by_status, &r.status);
    }
    Ok(Json(json!({
        "users": {"byRole": by_role, "byStatus": by_status},
        "signups30d": d.signups_30d,
        "pass": {"active": d.pass_monthly + d.pass_annual, "monthly": d.pass_monthly,
                 "annual": d.pass_annual, "mrrCents": d.mrr_cents},
        "pendingPros": d.pending_pros,
        "appointments30d": d.appointments_30d,
        "articlesPending": d.articles_to_review,
    })))
}

pub async fn db_stats(State(state): State<AppState>) -> Result<Json<Value>> {
    Ok(Json(to_json(&db::db_stats(&state.pool).await?)?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditQuery {
    pub q: Option<String>,
    pub target_id: Option<Uuid>,
    pub page: Option<i64>,
    pub limit: Option<i64>,
}

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

#[derive(Debug, Default, Deserialize)]
pub struct UsersQuery {
    pub q: Option<String>,
    pub role: Option<String>,
    pub status: Option<String>,
    pub page: Option<i64>,
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

pub async fn users(
    State(state): State<AppState>,
    Params(q): Params<UsersQuery>,
) -> Result<Json<Value>> {
    let page = db::users(&state.pool, &q.filter()?, Paging::new(q.page, q.limit)).await?;
    Ok(Json(to_json(&page)?))
}

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

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserPatch {
    pub status: Option<UserStatus>,
    pub role: Option<Role>,
    #[serde(default, with = "double_option")]
    pub admin_notes: Option<Option<String>>,
}

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

#[derive(Debug, Default, Deserialize)]
pub struct RoleQuery {
    pub role: Option<String>,
    pub page: Option<i64>,
    pub limit: Option<i64>,
}

pub async fn pending_pros(
    State(state): State<AppState>,
    Params(q): Params<RoleQuery>,
) -> Result<Json<Value>> {
    let page =
        db::pending_pros(&state.pool, filter(&q.role)?, Paging::new(q.page, q.limit)).await?;
    Ok(Json(to_json(&page)?))
}

#[derive(Debug, Default, Deserialize)]
pub struct ProsQuery {
    pub role: Option<String>,
    pub verified: Option<String>,
    pub featured: Option<String>,
    pub q: Option<String>,
    pub page: Option<i64>,
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
    pub user_id: Uuid,
    pub approved: bool,
    /// The reason shown to a rejected candidate (required on rejection).
    pub admin_notes: Option<String>,
    /// Approve and activate at once (membership offered): ACTIVE and verified, no payment step.
    #[serde(default)]
    pub activate: bool,
}

/// Approve → PENDING_PAYMENT (email with the payment link) or ACTIVE with `activate`;
/// reject → REJECTED with the reason (email). Emails go through the outbox in the same
/// transaction.
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

pub async fn validate_pro(
    State(state): State<AppState>,
    admin: CurrentUser,
    Body(v): Body<ValidatePro>,
) -> Result<Json<Value>> {
    let status = validate_pro_action(&state, &admin, v).await?;
    Ok(Json(json!({ "status": status })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
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

pub async fn patch_pro(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(user_id): Path<Uuid>,
    Body(p): Body<ProPatch>,
) -> Result<Json<Value>> {
    Ok(Json(patch_pro_action(&state, &admin, user_id, p).await?))
}

/// Opens an application document (APPLICATION category only).
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

#[derive(Debug, Default, Deserialize)]
pub struct SubscriptionsQuery {
    pub status: Option<String>,
    pub plan: Option<String>,
    pub carnet: Option<String>,
    pub page: Option<i64>,
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

pub async fn subscriptions(
    State(state): State<AppState>,
    Params(q): Params<SubscriptionsQuery>,
) -> Result<Json<Value>> {
    let page = db::subscriptions(&state.pool, &q.filter()?, Paging::new(q.page, q.limit)).await?;
    Ok(Json(to_json(&page)?))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CarnetStep {
    pub status: CarnetStatus,
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

pub async fn carnet(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Body(step): Body<CarnetStep>,
) -> Result<Json<Value>> {
    Ok(Json(carnet_action(&state, &admin, id, step).await?))
}

// ---- blog ----

#[derive(Debug, Default, Deserialize)]
pub struct BlogQuery {
    pub status: Option<String>,
    pub page: Option<i64>,
    pub limit: Option<i64>,
}

pub async fn articles(
    State(state): State<AppState>,
    Params(q): Params<BlogQuery>,
) -> Result<Json<Value>> {
    let status: Option<ArticleStatus> = filter(&q.status)?;
    let page = db::articles(&state.pool, status, Paging::new(q.page, q.limit)).await?;
    Ok(Json(to_json(&page)?))
}

pub async fn article(State(state): State<AppState>, Path(id): Path<Uuid>) -> Result<Json<Value>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(to_json(&db::article(&mut conn, id).await?)?))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewArticle {
    #[serde(default)]
    pub title: String,
    pub excerpt: Option<String>,
    #[serde(default)]
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

pub async fn create_article(
    State(state): State<AppState>,
    admin: CurrentUser,
    Body(a): Body<NewArticle>,
) -> Result<(StatusCode, Json<Value>)> {
    let row = create_article_action(&state, &admin, a).await?;
    Ok((StatusCode::CREATED, Json(to_json(&row)?)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ArticleChanges {
    pub title: Option<String>,
    #[serde(default, with = "double_option")]
    pub excerpt: Option<Option<String>>,
    pub content: Option<String>,
    #[serde(default, with = "double_option")]
    pub category: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    #[serde(default, with = "double_option")]
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

#[derive(Debug, Deserialize)]
pub struct Review {
    pub decision: ReviewDecision,
    pub note: Option<String>,
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

pub async fn review(
    State(state): State<AppState>,
    admin: CurrentUser,
    Path(id): Path<Uuid>,
    Body(r): Body<Review>,
) -> Result<Json<Value>> {
    Ok(Json(to_json(&review_action(&state, &admin, id, r).await?)?))
}
