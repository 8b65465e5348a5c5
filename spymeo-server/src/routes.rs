//! The one route table. Every route belongs to a group with an [`Access`] rule, enforced by a
//! layer on the group, and is recorded in a catalogue that the access-matrix test walks, so a
//! route added here is tested against every actor without anyone listing it again.

use axum::Router;
use axum::http::Method;
use axum::routing::{MethodRouter, delete, get, patch, post, put};

use crate::auth::Access;
use crate::state::AppState;
use crate::{api, pages};

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RouteInfo {
    pub method: String,
    pub path: &'static str,
    pub access: Access,
}

/// Routes of one access group.
struct Group {
    access: Access,
    router: Router<AppState>,
    routes: Vec<RouteInfo>,
}

impl Group {
    fn new(access: Access) -> Self {
        Group {
            access,
            router: Router::new(),
            routes: Vec::new(),
        }
    }

    fn route(
        mut self,
        methods: &[Method],
        path: &'static str,
        handler: MethodRouter<AppState>,
    ) -> Self {
        for m in methods {
            self.routes.push(RouteInfo {
                method: m.to_string(),
                path,
                access: self.access,
            });
        }
        self.router = self.router.route(path, handler);
        self
    }

    fn get(self, path: &'static str, handler: MethodRouter<AppState>) -> Self {
        self.route(&[Method::GET], path, handler)
    }

    fn post(self, path: &'static str, handler: MethodRouter<AppState>) -> Self {
        self.route(&[Method::POST], path, handler)
    }

    fn put(self, path: &'static str, handler: MethodRouter<AppState>) -> Self {
        self.route(&[Method::PUT], path, handler)
    }

    fn delete(self, path: &'static str, handler: MethodRouter<AppState>) -> Self {
        self.route(&[Method::DELETE], path, handler)
    }

    /// A form page: GET shows it, POST submits it.
    fn form(self, path: &'static str, handler: MethodRouter<AppState>) -> Self {
        self.route(&[Method::GET, Method::POST], path, handler)
    }
}

/// The account pages: the same handlers at `/compte` (every account) and `/pro/compte`.
macro_rules! account_pages {
    ($group:expr, $base:literal) => {{
        use pages::account as acc;
        $group
            .get($base, get(acc::show))
            .post(concat!($base, "/profil"), post(acc::profile))
            .post(concat!($base, "/mot-de-passe"), post(acc::password))
            .post(concat!($base, "/preferences"), post(acc::preferences))
            .post(concat!($base, "/avatar"), post(acc::avatar))
            .post(concat!($base, "/supprimer"), post(acc::delete))
    }};
}

/// Every group of the application, area by area (one function per area keeps each area's
/// routes together and lets areas grow without touching each other).
fn groups() -> Vec<Group> {
    [
        accounts(),
        public_site(),
        member_space(),
        practitioner(),
        pro_spaces(),
        admin(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Health, auth, pro registration, account, and the three homes reached after login.
fn accounts() -> Vec<Group> {
    use api::account;
    use api::auth as a;
    use pages::auth as p;
    vec![
        Group::new(Access::Public)
            .get("/", get(pages::home::show))
            .get("/api/health", get(api::health::health))
            .get("/api/health/live", get(api::health::live))
            .post("/api/auth/reset-password", post(a::reset_password_api))
            .post("/api/auth/verify-email", post(a::verify_email_api))
            .form(
                "/auth/reset-password",
                get(p::new_password_form).post(p::new_password_submit),
            )
            .get("/auth/verifier-email", get(p::verify_email))
            .get(
                "/auth/forgot-password",
                get(|| async { axum::response::Redirect::permanent("/auth/reset") }),
            )
            .get(
                "/media/avatars/{user}/{file}",
                get(pages::static_files::avatar),
            )
            .post(
                "/api/auth/register-pro",
                post(api::register_pro::register_pro),
            )
            .post(
                "/api/auth/register-artisan",
                post(api::register_pro::register_pro),
            )
            .post(
                "/api/auth/register-commercant",
                post(api::register_pro::register_pro),
            )
            .post(
                "/api/auth/register-merchant",
                post(api::register_pro::register_pro),
            )
            .post(
                "/api/auth/register-center",
                post(api::register_pro::register_pro),
            )
            .form(
                "/devenir-membre-pro",
                get(pages::register_pro::offer).post(pages::register_pro::submit),
            )
            .get(
                "/praticiens/devenir-membre",
                get(pages::register_pro::offer),
            )
            .get(
                "/commercants-artisans/devenir-membre",
                get(pages::register_pro::offer),
            )
            .get(
                "/centres-de-formation/devenir-membre",
                get(pages::register_pro::offer),
            ),
        Group::new(Access::Anonymous)
            .post("/api/auth/signup", post(a::signup_api))
            .post("/api/auth/register", post(a::signup_api))
            .post("/api/auth/login", post(a::login_api))
            .post("/api/auth/forgot-password", post(a::forgot_password_api))
            .form("/auth/login", get(p::login_form).post(p::login_submit))
            .form("/auth/signup", get(p::signup_form).post(p::signup_submit))
            .form("/auth/reset", get(p::reset_form).post(p::reset_submit)),
        Group::new(Access::Account)
            .post("/api/auth/logout", post(a::logout_api))
            .post("/auth/logout", post(p::logout))
            .route(
                &[Method::GET, Method::PATCH],
                "/api/account/me",
                get(account::me).patch(account::update_me),
            )
            .get("/api/user/me", get(account::me))
            .post("/api/account/password", post(account::password))
            .route(
                &[Method::POST, Method::DELETE],
                "/api/account/avatar",
                post(account::upload_avatar).delete(account::delete_avatar),
            )
            .put(
                "/api/account/email-preferences",
                put(account::email_preferences),
            )
            .get("/api/account/billing", get(account::billing))
            .delete("/api/account/delete", delete(account::delete))
            .delete("/api/account", delete(account::delete)),
        account_pages!(Group::new(Access::Account), "/compte"),
        Group::new(Access::Member).get("/user/tableau-de-bord", get(pages::dashboards::member)),
        account_pages!(Group::new(Access::Pro), "/pro/compte")
            .get("/pro/dashboard", get(pages::dashboards::pro)),
        Group::new(Access::Admin).get("/admin", get(pages::dashboards::admin)),
    ]
}

/// Public pages, search, blog, PASS landing and public API (DOMAIN.md §6.4, §8.1).
fn public_site() -> Vec<Group> {
    vec![]
}

/// The member space `/user/*`, messaging, PASS and payments (DOMAIN.md §6.5–6.7, §8.2).
fn member_space() -> Vec<Group> {
    vec![]
}

/// The practitioner workspace (DOMAIN.md §6.8–6.10, §8.3 `/pro/praticien/*`).
fn practitioner() -> Vec<Group> {
    use api::agenda as ag;
    use api::booking as bk;
    use api::clients as cl;
    use api::invoices as inv;
    use api::precompta as pc;
    use pages::practitioner::agenda as pag;
    use pages::practitioner::booking as pb;
    use pages::practitioner::clients as pcl;
    use pages::practitioner::invoices as pin;
    use pages::practitioner::precompta as ppc;
    vec![
        Group::new(Access::Public)
            .get(
                "/api/public/practitioners/{slug}/availabilities",
                get(bk::availabilities),
            )
            .post("/api/public/practitioners/{slug}/book", post(bk::book_api))
            .post("/api/public/appointments/{id}/cancel", post(bk::cancel_api))
            .form(
                "/praticiens/{slug}/reserver",
                get(pb::booking_page).post(pb::booking_submit),
            )
            .get("/rendez-vous/{id}", get(pb::manage_page))
            .post("/rendez-vous/{id}/annuler", post(pb::manage_cancel)),
        Group::new(Access::Practitioner)
            .route(
                &[Method::GET, Method::PUT],
                "/api/agenda/settings",
                get(ag::get_settings).put(ag::put_settings),
            )
            .route(
                &[Method::GET, Method::POST],
                "/api/agenda/events",
                get(ag::list_events).post(ag::post_event),
            )
            .route(
                &[Method::GET, Method::PATCH, Method::DELETE],
                "/api/agenda/events/{id}",
                get(ag::get_event)
                    .patch(ag::patch_event)
                    .delete(ag::delete_event),
            )
            .route(
                &[Method::GET, Method::POST],
                "/api/agenda/blocks",
                get(ag::list_blocks).post(ag::post_block),
            )
            .delete("/api/agenda/blocks/{id}", delete(ag::delete_block)),
        Group::new(Access::Practitioner)
            .route(
                &[Method::GET, Method::POST],
                "/api/clients",
                get(cl::list).post(cl::create),
            )
            .route(
                &[Method::GET, Method::PATCH, Method::DELETE],
                "/api/clients/{id}",
                get(cl::get).patch(cl::patch).delete(cl::delete),
            )
            .route(
                &[Method::GET, Method::POST],
                "/api/clients/{id}/antecedents",
                get(cl::list_antecedents).post(cl::create_antecedent),
            )
            .route(
                &[Method::PATCH, Method::DELETE],
                "/api/antecedents/{id}",
                patch(cl::patch_antecedent).delete(cl::delete_antecedent),
            )
            .route(
                &[Method::GET, Method::POST],
                "/api/clients/{id}/consultations",
                get(cl::list_consultations).post(cl::create_consultation),
            )
            .route(
                &[Method::GET, Method::PATCH, Method::DELETE],
                "/api/consultations/{id}",
                get(cl::get_consultation)
                    .patch(cl::patch_consultation)
                    .delete(cl::delete_consultation),
            )
            .route(
                &[Method::GET, Method::POST],
                "/api/clients/{id}/docs",
                get(cl::list_docs).post(cl::create_doc),
            )
            .route(
                &[Method::GET, Method::PATCH, Method::DELETE],
                "/api/docs/{id}",
                get(cl::get_doc).patch(cl::patch_doc).delete(cl::delete_doc),
            )
            .get("/api/docs/{id}/download", get(cl::download_doc)),
        Group::new(Access::Practitioner)
            .get("/api/invoices", get(inv::list))
            .route(
                &[Method::GET, Method::POST],
                "/api/clients/{id}/invoices",
                get(inv::list_for_client).post(inv::create_for_client),
            )
            .route(
                &[Method::GET, Method::PATCH, Method::DELETE],
                "/api/invoices/{id}",
                get(inv::get).patch(inv::patch).delete(inv::delete),
            )
            .post("/api/invoices/{id}/issue", post(inv::issue))
            .post("/api/invoices/{id}/mark-paid", post(inv::mark_paid))
            .post("/api/invoices/{id}/credit-note", post(inv::credit_note))
            .get("/api/invoices/{id}/pdf", get(inv::pdf))
            .get("/pro/praticien/factures", get(pin::list_page))
            .form(
                "/pro/praticien/factures/{id}",
                get(pin::invoice_page).post(pin::save_submit),
            )
            .post(
                "/pro/praticien/factures/{id}/emettre",
                post(pin::issue_submit),
            )
            .post("/pro/praticien/factures/{id}/payee", post(pin::paid_submit))
            .post(
                "/pro/praticien/factures/{id}/avoir",
                post(pin::credit_submit),
            )
            .post(
                "/pro/praticien/factures/{id}/supprimer",
                post(pin::delete_submit),
            )
            .get("/pro/praticien/factures/{id}/pdf", get(pin::pdf))
            .post(
                "/pro/praticien/consultations/{id}/facture",
                post(pin::from_consultation_submit),
            )
            .post(
                "/pro/praticien/fiches-clients/{id}/factures",
                post(pin::from_client_submit),
            ),
        // Pre-compta is for every pro role (DOMAIN.md §6.10); its page here is the
        // practitioner's.
        Group::new(Access::Pro)
            .route(
                &[Method::GET, Method::PUT, Method::POST],
                "/api/precompta/config",
                get(pc::get_config).put(pc::put_config).post(pc::put_config),
            )
            .route(
                &[Method::GET, Method::POST],
                "/api/precompta/transactions",
                get(pc::list_transactions).post(pc::create_transaction),
            )
            .route(
                &[Method::PATCH, Method::DELETE],
                "/api/precompta/transactions/{id}",
                patch(pc::patch_transaction).delete(pc::delete_transaction),
            )
            .route(
                &[Method::GET, Method::POST],
                "/api/precompta/receipts",
                get(pc::list_receipts).post(pc::upload_receipt),
            )
            .route(
                &[Method::GET, Method::DELETE],
                "/api/precompta/receipts/{id}",
                get(pc::get_receipt).delete(pc::delete_receipt),
            )
            .get("/api/precompta/summary", get(pc::summary))
            .get("/api/precompta/export", get(pc::export)),
        Group::new(Access::Practitioner)
            .get("/pro/praticien/precompta", get(ppc::page))
            .form(
                "/pro/praticien/precompta/config",
                get(ppc::config_page).post(ppc::config_submit),
            )
            .post(
                "/pro/praticien/precompta/ecritures",
                post(ppc::entry_submit),
            )
            .post(
                "/pro/praticien/precompta/ecritures/{id}/supprimer",
                post(ppc::entry_delete_submit),
            )
            .get(
                "/pro/praticien/precompta/justificatifs/{id}",
                get(ppc::receipt),
            ),
        Group::new(Access::Practitioner)
            .get("/pro/praticien/agenda", get(pag::agenda_page))
            .form(
                "/pro/praticien/agenda/settings",
                get(pag::settings_page).post(pag::settings_submit),
            )
            .post(
                "/pro/praticien/agenda/rendez-vous",
                post(pag::create_submit),
            )
            .post(
                "/pro/praticien/agenda/rendez-vous/{id}/statut",
                post(pag::status_submit),
            )
            .post(
                "/pro/praticien/agenda/rendez-vous/{id}/deplacer",
                post(pag::move_submit),
            )
            .post(
                "/pro/praticien/agenda/rendez-vous/{id}/annuler",
                post(pag::cancel_submit),
            )
            .post("/pro/praticien/agenda/absences", post(pag::block_submit))
            .post(
                "/pro/praticien/agenda/absences/{id}/supprimer",
                post(pag::block_delete_submit),
            ),
        Group::new(Access::Practitioner)
            .form(
                "/pro/praticien/fiches-clients",
                get(pcl::list_page).post(pcl::create_submit),
            )
            .form(
                "/pro/praticien/fiches-clients/{id}",
                get(pcl::client_page).post(pcl::update_submit),
            )
            .post(
                "/pro/praticien/fiches-clients/{id}/archiver",
                post(pcl::archive_submit),
            )
            .post(
                "/pro/praticien/fiches-clients/{id}/supprimer",
                post(pcl::delete_submit),
            )
            .post(
                "/pro/praticien/fiches-clients/{id}/antecedents",
                post(pcl::antecedent_submit),
            )
            .post(
                "/pro/praticien/antecedents/{id}/supprimer",
                post(pcl::antecedent_delete_submit),
            )
            .post(
                "/pro/praticien/fiches-clients/{id}/consultations",
                post(pcl::consultation_create_submit),
            )
            .post(
                "/pro/praticien/fiches-clients/{id}/documents",
                post(pcl::document_submit),
            )
            .get("/pro/praticien/documents/{id}", get(pcl::document_download))
            .post(
                "/pro/praticien/documents/{id}/supprimer",
                post(pcl::document_delete_submit),
            )
            .form(
                "/pro/praticien/consultations/{id}",
                get(pcl::consultation_page).post(pcl::consultation_submit),
            ),
    ]
}

/// Artisan, merchant and center spaces and the pro common pages (DOMAIN.md §6.11–6.14).
fn pro_spaces() -> Vec<Group> {
    vec![]
}

/// The admin back office (DOMAIN.md §6.15, §8.4).
fn admin() -> Vec<Group> {
    vec![]
}

/// The application's routes, each group behind its access layer.
pub fn router() -> Router<AppState> {
    let mut router = Router::new().route("/static/{name}", get(pages::static_files::serve));
    for group in groups() {
        let access = group.access;
        router = router.merge(group.router.route_layer(axum::middleware::from_fn(
            move |req, next| crate::auth::access::require(access, req, next),
        )));
    }
    router.fallback(fallback)
}

/// Every route with its method and access rule (static assets excepted).
pub fn catalogue() -> Vec<RouteInfo> {
    groups().into_iter().flat_map(|g| g.routes).collect()
}

async fn fallback() -> crate::Error {
    crate::Error::not_found()
}
