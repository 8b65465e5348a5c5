//! The one route table. Every route belongs to a group with an [`Access`] rule, enforced by a
//! layer on the group, and is recorded in a catalogue that the access-matrix test walks, so a
//! route added here is tested against every actor without anyone listing it again.

use axum::Router;
use axum::http::Method;
use axum::routing::{MethodRouter, delete, get, post, put};

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
    vec![]
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
