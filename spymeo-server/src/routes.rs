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
            .get("/api/openapi.json", get(api::openapi::openapi_json))
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
    ]
}

/// Public pages, search, blog, PASS landing and public API (DOMAIN.md §6.4, §8.1).
fn public_site() -> Vec<Group> {
    use api::public as a;
    use pages::public as p;
    vec![
        Group::new(Access::Public)
            .get("/recherche", get(p::search))
            .get("/praticiens", get(p::practitioners))
            .get("/artisans", get(p::artisans))
            .get("/commercants", get(p::merchants))
            .get("/centres-de-formation", get(p::centers))
            .get("/praticiens/{slug}", get(p::practitioner))
            .get("/artisans/{slug}", get(p::artisan))
            .get("/commercants/{slug}", get(p::merchant))
            .get("/centres-de-formation/{slug}", get(p::center))
            .get("/praticien/{slug}", get(p::legacy_practitioner))
            .get("/artisan/{slug}", get(p::legacy_artisan))
            .get("/commercant/{slug}", get(p::legacy_merchant))
            .get("/centre-de-formation/{slug}", get(p::legacy_center))
            .get("/produit/artisan/{slug}", get(p::service))
            .get("/produit/commercant/{slug}", get(p::product))
            .get("/formations/{slug}", get(p::formation))
            .get("/blog", get(p::blog))
            .get("/blog/{slug}", get(p::article))
            .get("/pass", get(p::pass_landing))
            .get("/legal/{slug}", get(pages::legal::charter))
            .get("/sitemap.xml", get(p::sitemap))
            .get("/robots.txt", get(p::robots))
            .get("/api/search", get(api::search::search))
            .get("/api/public/practitioners", get(a::practitioners))
            .get("/api/public/practitioners/{slug}", get(a::practitioner))
            .get("/api/public/artisans", get(a::artisans))
            .get("/api/public/artisans/{slug}", get(a::artisan))
            .get("/api/public/merchants", get(a::merchants))
            .get("/api/public/merchants/{slug}", get(a::merchant))
            .get("/api/public/centers", get(a::centers))
            .get("/api/public/centers/{slug}", get(a::center))
            .get("/api/public/services/{slug}", get(a::service))
            .get("/api/public/products/{slug}", get(a::product))
            .get("/api/public/formations/{slug}", get(a::formation))
            .get("/api/public/pass/{userId}", get(a::pass_check))
            .get("/api/blog/posts", get(a::blog_posts))
            .get("/api/articles", get(a::blog_posts))
            .get("/api/blog/posts/{slug}", get(a::blog_post)),
        Group::new(Access::All)
            .route(
                &[Method::POST, Method::DELETE],
                "/api/blog/posts/{slug}/like",
                post(a::like).delete(a::unlike),
            )
            .route(
                &[Method::POST, Method::DELETE],
                "/api/blog/posts/{slug}/favorite",
                post(a::favorite).delete(a::unfavorite),
            )
            .get("/messages", get(pages::dashboards::messages))
            .post("/blog/{slug}/aimer", post(p::like_form))
            .post("/blog/{slug}/favori", post(p::favorite_form)),
    ]
}

/// The member space `/user/*`, messaging, PASS and payments (DOMAIN.md §6.5–6.7, §8.2).
fn member_space() -> Vec<Group> {
    use api::{member as m, messaging as msg, pass, payments as pay};
    use pages::member as p;
    use pages::payment as pp;
    vec![
        Group::new(Access::Member)
            .get("/api/user/appointments", get(m::appointments))
            .route(
                &[Method::GET, Method::PATCH],
                "/api/user/appointments/{id}",
                get(m::appointment).patch(m::cancel),
            )
            .post(
                "/api/user/appointments/{id}/reschedule",
                post(m::reschedule),
            )
            .get("/api/user/practitioners", get(m::practitioners))
            .get("/api/user/invoices", get(m::invoices))
            .route(
                &[Method::GET, Method::POST],
                "/api/user/documents",
                get(m::documents).post(m::upload_document),
            )
            .route(
                &[Method::GET, Method::DELETE],
                "/api/user/documents/{id}",
                get(m::document).delete(m::delete_document),
            )
            .route(
                &[Method::GET, Method::POST],
                "/api/user/favorites",
                get(m::favorites).post(m::add_favorite),
            )
            .delete(
                "/api/user/favorites/{targetType}/{targetId}",
                delete(m::remove_favorite),
            )
            .route(
                &[Method::GET, Method::POST],
                "/api/user/conversations",
                get(msg::conversations).post(msg::start),
            )
            .route(
                &[Method::GET, Method::POST],
                "/api/user/conversations/{id}/messages",
                get(msg::messages).post(msg::post),
            )
            .post("/api/user/conversations/{id}/read", post(msg::read))
            .delete(
                "/api/user/conversations/{id}/messages/{mid}",
                delete(msg::delete_message),
            )
            .get("/api/user/pass", get(pass::get_pass))
            .get("/api/user/pass/resources", get(pass::resources))
            .get("/api/user/pass/discounts", get(pass::discounts))
            .post("/api/user/pass/checkout", post(pay::pass_checkout))
            .post("/api/user/pass/toggle-plan", post(pass::toggle_plan))
            .post("/api/user/pass/ship-carnet", post(pass::ship_carnet))
            .get("/user/rendez-vous", get(p::appointments_root))
            .get("/user/rendez-vous/a-venir", get(p::upcoming))
            .get("/user/rendez-vous/passes", get(p::past))
            .get("/user/rendez-vous/{id}", get(p::appointment))
            .post("/user/rendez-vous/{id}/annuler", post(p::cancel))
            .form(
                "/user/rendez-vous/{id}/deplacer",
                get(p::reschedule_form).post(p::reschedule),
            )
            .get("/user/mes-praticiens", get(p::practitioners))
            .form("/user/documents", get(p::documents).post(p::upload))
            .get("/user/documents/{id}", get(p::document))
            .get("/user/documents/{id}/telecharger", get(p::download))
            .post("/user/documents/{id}/supprimer", post(p::delete_document))
            .form("/user/favoris", get(p::favorites).post(p::favorite))
            .get("/user/messagerie", get(p::conversations))
            .form(
                "/user/messagerie/nouveau",
                get(p::new_message).post(p::send_new),
            )
            .form("/user/messagerie/{id}", get(p::thread).post(p::reply))
            .form("/user/notes", get(p::notes).post(p::create_note))
            .post("/user/notes/{id}", post(p::update_note))
            .post("/user/notes/{id}/supprimer", post(p::delete_note))
            .get("/user/notifications", get(p::notifications))
            .post("/user/notifications/tout-lire", post(p::read_all))
            .get("/user/pass", get(p::pass_page))
            .get(
                "/user/pass/ressources/{id}/telecharger",
                get(p::pass_resource_download),
            )
            .post("/user/pass/carnet", post(p::carnet))
            .post("/user/pass/formule", post(p::switch_plan))
            .post("/user/pass/pause", post(p::pause))
            .post("/user/pass/resilier", post(p::cancel_pass))
            .get("/pass/tableau-de-bord", get(p::pass_legacy))
            .form("/payment/pass", get(pp::pass_form).post(pp::pass_submit)),
        Group::new(Access::All)
            .route(
                &[Method::GET, Method::POST],
                "/api/notes",
                get(msg::notes).post(msg::create_note),
            )
            .route(
                &[Method::PATCH, Method::DELETE],
                "/api/notes/{id}",
                axum::routing::patch(msg::update_note).delete(msg::delete_note),
            )
            .get("/api/notifications", get(msg::notifications_list))
            .route(
                &[Method::PATCH],
                "/api/notifications/{id}",
                axum::routing::patch(msg::notification_patch),
            )
            .post("/api/notifications/read-all", post(msg::read_all)),
        // Payments reach pros not yet ACTIVE (their membership is what they pay).
        Group::new(Access::Account)
            .route(
                &[Method::PUT, Method::DELETE],
                "/api/account/plan",
                put(pass::put_plan).delete(pass::delete_plan),
            )
            .post("/api/account/plan/pause", post(pass::pause))
            .post("/api/payment/create-checkout", post(pay::create_checkout))
            .get("/api/payment/verify", get(pay::verify_checkout))
            .form("/payment/pro", get(pp::pro_form).post(pp::pro_submit))
            .get("/payment/success", get(pp::success))
            .form(
                "/payment/simulation",
                get(pp::simulation).post(pp::simulation_pay),
            ),
        // Called by the provider, authenticated by signature (CSRF-exempt).
        Group::new(Access::Public)
            .post("/api/payment/webhook", post(pay::webhook))
            .post("/api/stripe/webhooks", post(pay::webhook)),
    ]
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
    vec![merchant(), artisan(), center(), pro_common()]
}

const GPD: &[Method] = &[Method::GET, Method::PATCH, Method::DELETE];
const GP: &[Method] = &[Method::GET, Method::PATCH];
const GETPOST: &[Method] = &[Method::GET, Method::POST];

/// `/api/pro/*` and `/pro/commun/*`, open to the four pro roles (§6.11, §8.3).
fn pro_common() -> Group {
    use api::pro_common as a;
    use pages::pro_common as p;
    Group::new(Access::Pro)
        .route(
            GP,
            "/api/pro/profile",
            get(a::profile).patch(a::patch_profile),
        )
        .post("/api/pro/profile/photo", post(a::upload_photo))
        .route(
            GETPOST,
            "/api/pro/avantages",
            get(a::advantages).post(a::create_advantage),
        )
        .route(
            &[Method::PATCH, Method::DELETE],
            "/api/pro/avantages/{id}",
            patch(a::patch_advantage).delete(a::delete_advantage),
        )
        .get("/api/pro/impact", get(a::impact))
        .post("/api/pro/impact/candidature", post(a::apply))
        .route(
            &[Method::GET, Method::PUT],
            "/api/pro/pass",
            get(a::pass).put(a::set_pass),
        )
        .form("/pro/commun/fiche", get(p::fiche).post(p::save_fiche))
        .post("/pro/commun/fiche/photo", post(p::photo))
        .form("/pro/commun/notes", get(p::notes).post(p::create_note))
        .post("/pro/commun/notes/{id}", post(p::note_action))
        .form("/pro/commun/messages", get(p::messages).post(p::start))
        .form(
            "/pro/commun/messages/{id}",
            get(p::conversation).post(p::reply),
        )
        .form(
            "/pro/commun/pass-partenaire",
            get(p::pass).post(p::save_pass),
        )
        .form(
            "/pro/commun/avantages",
            get(p::advantages).post(p::create_advantage),
        )
        .post("/pro/commun/avantages/{id}", post(p::advantage_action))
        .get("/pro/commun/impact", get(p::impact))
        .post("/pro/commun/impact/{id}/candidature", post(p::apply))
        .route(
            GETPOST,
            "/api/pro/blog",
            get(a::my_articles).post(a::create_article),
        )
        .route(
            &[Method::PATCH],
            "/api/pro/blog/{id}",
            patch(a::patch_article),
        )
        .post("/api/pro/blog/{id}/submit", post(a::submit_article))
        .form(
            "/pro/blog/nouvel-article",
            get(p::blog).post(p::create_article),
        )
        .post("/pro/blog/{id}/soumettre", post(p::submit_article))
}

/// `/api/pro/commercant/*` and `/pro/commercant/*` (§6.13, §8.3).
fn merchant() -> Group {
    use api::merchant as a;
    use pages::merchant as p;
    Group::new(Access::Merchant)
        .route(
            GETPOST,
            "/api/pro/commercant/products",
            get(a::products).post(a::create_product),
        )
        .route(
            GPD,
            "/api/pro/commercant/products/{id}",
            get(a::product)
                .patch(a::patch_product)
                .delete(a::delete_product),
        )
        .get("/api/pro/commercant/stock", get(a::stock_levels))
        .get("/api/pro/commercant/stock/export.csv", get(a::stock_csv))
        .route(
            GETPOST,
            "/api/pro/commercant/stock/movements",
            get(a::movements).post(a::record_movement),
        )
        .route(
            GETPOST,
            "/api/pro/commercant/clients",
            get(a::clients).post(a::create_client),
        )
        .route(
            GPD,
            "/api/pro/commercant/clients/{id}",
            get(a::client)
                .patch(a::patch_client)
                .delete(a::delete_client),
        )
        .route(
            GETPOST,
            "/api/pro/commercant/orders",
            get(a::orders_list).post(a::create_order),
        )
        .route(
            GP,
            "/api/pro/commercant/orders/{id}",
            get(a::order).patch(a::patch_order),
        )
        .post(
            "/api/pro/commercant/orders/{id}/status",
            post(a::set_status),
        )
        .get("/api/pro/commercant/stats", get(a::stats))
        .get("/pro/commercant/produits", get(p::products))
        .form(
            "/pro/commercant/produits/nouveau",
            get(p::new_product).post(p::create_product),
        )
        .get("/pro/commercant/produits/{slug}", get(p::product))
        .form(
            "/pro/commercant/produits/{slug}/edit",
            get(p::edit_product).post(p::save_product),
        )
        .get("/pro/commercant/stock", get(p::stock))
        .get("/pro/commercant/stock/export.csv", get(a::stock_csv))
        .post("/pro/commercant/stock/mouvements", post(p::add_movement))
        .form(
            "/pro/commercant/commandes",
            get(p::orders).post(p::create_order),
        )
        .get("/pro/commercant/commandes/{id}", get(p::order))
        .post(
            "/pro/commercant/commandes/{id}/statut",
            post(p::order_status),
        )
        .form(
            "/pro/commercant/clients",
            get(p::clients).post(p::create_client),
        )
        .post(
            "/pro/commercant/clients/{id}/supprimer",
            post(p::delete_client),
        )
        .get(
            "/pro/commercant/statistiques",
            get(pages::pro_stats::merchant_stats),
        )
        .get("/pro/commercant/pre-compta", get(pages::pro_stats::ledger))
        .get(
            "/pro/commercant/pre-compta/export.csv",
            get(pages::pro_stats::ledger_csv),
        )
}

/// `/api/pro/artisan/*` and `/pro/artisan/*` (§6.12, §8.3).
fn artisan() -> Group {
    use api::artisan as a;
    use pages::artisan as p;
    Group::new(Access::Artisan)
        .route(
            GETPOST,
            "/api/pro/artisan/services",
            get(a::services).post(a::create_service),
        )
        .route(
            GPD,
            "/api/pro/artisan/services/{id}",
            get(a::service)
                .patch(a::patch_service)
                .delete(a::delete_service),
        )
        .route(
            GETPOST,
            "/api/pro/artisan/clients",
            get(a::clients).post(a::create_client),
        )
        .route(
            GPD,
            "/api/pro/artisan/clients/{id}",
            get(a::client)
                .patch(a::patch_client)
                .delete(a::delete_client),
        )
        .route(
            GETPOST,
            "/api/pro/artisan/orders",
            get(a::orders_list).post(a::create_order),
        )
        .route(
            GP,
            "/api/pro/artisan/orders/{id}",
            get(a::order).patch(a::patch_order),
        )
        .post("/api/pro/artisan/orders/{id}/status", post(a::set_status))
        .get("/api/pro/artisan/stats", get(a::stats))
        .get("/pro/artisan/catalogue/services", get(p::services))
        .form(
            "/pro/artisan/catalogue/services/nouveau",
            get(p::new_service).post(p::create_service),
        )
        .post(
            "/pro/artisan/catalogue/services/{id}/statut",
            post(p::service_status),
        )
        .form(
            "/pro/artisan/ventes/commandes",
            get(p::orders).post(p::create_order),
        )
        .post(
            "/pro/artisan/ventes/commandes/{id}/statut",
            post(p::order_status),
        )
        .form(
            "/pro/artisan/clients",
            get(p::clients).post(p::create_client),
        )
        .post(
            "/pro/artisan/clients/{id}/supprimer",
            post(p::delete_client),
        )
        .get(
            "/pro/artisan/statistiques",
            get(pages::pro_stats::artisan_stats),
        )
        .get("/pro/artisan/precompta", get(pages::pro_stats::ledger))
        .get(
            "/pro/artisan/precompta/export.csv",
            get(pages::pro_stats::ledger_csv),
        )
}

/// `/api/pro/centre/*` and `/pro/centre/*` (§6.14, §8.3).
fn center() -> Group {
    use api::center as a;
    use pages::center as p;
    Group::new(Access::Center)
        .route(
            GETPOST,
            "/api/pro/centre/formations",
            get(a::formations).post(a::create_formation),
        )
        .route(
            GPD,
            "/api/pro/centre/formations/{id}",
            get(a::formation)
                .patch(a::patch_formation)
                .delete(a::delete_formation),
        )
        .route(
            GETPOST,
            "/api/pro/centre/formations/{id}/sessions",
            get(a::formation_sessions).post(a::create_session),
        )
        .get("/api/pro/centre/sessions", get(a::sessions))
        .route(
            GP,
            "/api/pro/centre/sessions/{id}",
            get(a::session).patch(a::patch_session),
        )
        .post(
            "/api/pro/centre/sessions/{id}/cancel",
            post(a::cancel_session),
        )
        .post("/api/pro/centre/sessions/{id}/enrollments", post(a::enroll))
        .route(
            &[Method::PATCH],
            "/api/pro/centre/enrollments/{id}",
            patch(a::patch_enrollment),
        )
        .route(
            GETPOST,
            "/api/pro/centre/learners",
            get(a::learners).post(a::create_learner),
        )
        .route(
            GPD,
            "/api/pro/centre/learners/{id}",
            get(a::learner)
                .patch(a::patch_learner)
                .delete(a::delete_learner),
        )
        .get("/api/pro/centre/stats", get(a::stats))
        .get("/pro/centre/formations", get(p::formations))
        .form(
            "/pro/centre/formations/nouvelle",
            get(p::new_formation).post(p::create_formation),
        )
        .get("/pro/centre/formations/sessions", get(p::sessions))
        .get("/pro/centre/formations/sessions/{id}", get(p::session))
        .post(
            "/pro/centre/formations/sessions/{id}/inscriptions",
            post(p::enroll),
        )
        .post(
            "/pro/centre/formations/sessions/{id}/annuler",
            post(p::cancel_session),
        )
        .post("/pro/centre/inscriptions/{id}", post(p::enrollment))
        .get("/pro/centre/formations/{slug}", get(p::formation))
        .post(
            "/pro/centre/formations/{slug}/sessions",
            post(p::create_session),
        )
        .get("/pro/centre/apprenants", get(p::learners))
        .form(
            "/pro/centre/apprenants/nouveau",
            get(p::new_learner).post(p::create_learner),
        )
        .get("/pro/centre/apprenants/{id}", get(p::learner))
        .get("/pro/centre/statistiques", get(p::stats))
        .get("/pro/centre/precompta", get(pages::pro_stats::ledger))
        .get(
            "/pro/centre/precompta/export.csv",
            get(pages::pro_stats::ledger_csv),
        )
}

/// The admin back office (DOMAIN.md §6.15, §8.4).
fn admin() -> Vec<Group> {
    use api::admin as a;
    use api::admin_content as c;
    use pages::admin as p;
    use pages::admin_content as pc;
    vec![
        Group::new(Access::Admin)
            .get("/api/admin/metrics", get(a::metrics))
            .get("/api/admin/db-stats", get(a::db_stats))
            .get("/api/admin/audit", get(a::audit_log))
            .get("/api/admin/users", get(a::users))
            .route(
                GPD,
                "/api/admin/users/{id}",
                get(a::user).patch(a::patch_user).delete(a::delete_user),
            )
            .get("/api/admin/pending-pros", get(a::pending_pros))
            .get("/api/admin/all-pros", get(a::all_pros))
            .post("/api/admin/validate-pro", post(a::validate_pro))
            .route(
                &[Method::PATCH],
                "/api/admin/pros/{user_id}",
                patch(a::patch_pro),
            )
            .get("/api/admin/documents/{id}", get(a::application_document))
            .get("/api/admin/pass/subscriptions", get(a::subscriptions))
            .post("/api/admin/pass/subscriptions/{id}/carnet", post(a::carnet))
            .route(
                &[Method::GET, Method::POST],
                "/api/admin/blog",
                get(a::articles).post(a::create_article),
            )
            .route(
                GPD,
                "/api/admin/blog/{id}",
                get(a::article)
                    .patch(a::patch_article)
                    .delete(a::delete_article),
            )
            .post("/api/admin/blog/{id}/review", post(a::review))
            .route(
                GETPOST,
                "/api/admin/pass/resources",
                get(c::resources).post(c::create_resource),
            )
            .route(
                &[Method::PATCH, Method::DELETE],
                "/api/admin/pass/resources/{id}",
                patch(c::patch_resource).delete(c::delete_resource),
            )
            .route(
                GETPOST,
                "/api/admin/pass/discounts",
                get(c::discounts).post(c::create_discount),
            )
            .route(
                &[Method::PATCH, Method::DELETE],
                "/api/admin/pass/discounts/{id}",
                patch(c::patch_discount).delete(c::delete_discount),
            )
            .route(
                GETPOST,
                "/api/admin/impact/opportunities",
                get(c::opportunities).post(c::create_opportunity),
            )
            .route(
                &[Method::PATCH, Method::DELETE],
                "/api/admin/impact/opportunities/{id}",
                patch(c::patch_opportunity).delete(c::delete_opportunity),
            )
            .route(
                &[Method::PATCH],
                "/api/admin/impact/applications/{id}",
                patch(c::patch_application),
            ),
        Group::new(Access::Admin)
            .get("/admin", get(pages::dashboards::admin))
            .get("/admin/pros", get(p::pros))
            .post("/admin/pros/{user_id}/decision", post(p::pro_decision))
            .post("/admin/pros/{user_id}/visibilite", post(p::pro_visibility))
            .get("/admin/documents/{id}", get(a::application_document))
            .get("/admin/centres", get(p::centers))
            .get("/admin/utilisateurs", get(p::users))
            .post("/admin/utilisateurs/{id}/statut", post(p::user_status))
            .post("/admin/utilisateurs/{id}/notes", post(p::user_notes))
            .post("/admin/utilisateurs/{id}/supprimer", post(p::user_delete))
            .get("/admin/pass", get(p::pass))
            .post("/admin/pass/{id}/carnet", post(p::pass_carnet))
            .post("/admin/pass/ressources", post(pc::create_resource))
            .post("/admin/pass/ressources/{id}", post(pc::resource_action))
            .post("/admin/pass/reductions", post(pc::create_discount))
            .post("/admin/pass/reductions/{id}", post(pc::discount_action))
            .form(
                "/admin/impact",
                get(pc::impact).post(pc::create_opportunity),
            )
            .post("/admin/impact/{id}", post(pc::opportunity_action))
            .post("/admin/impact/candidatures/{id}", post(pc::application))
            .get("/admin/blog", get(p::blog))
            .form(
                "/admin/blog/nouvel-article",
                get(p::new_article).post(p::create_article),
            )
            .form("/admin/blog/{id}", get(p::article).post(p::save_article))
            .post("/admin/blog/{id}/revue", post(p::review_article))
            .post("/admin/blog/{id}/supprimer", post(p::delete_article))
            .get("/admin/database", get(p::database))
            .get("/admin/audit", get(p::audit_log)),
    ]
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
