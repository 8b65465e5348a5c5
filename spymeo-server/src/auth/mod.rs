//! Authentication and authorization in one place. A session layer loads the current user (if
//! any) on every request; each route group of `routes.rs` carries an [`Access`] rule checked
//! by a layer, so a new route cannot forget it; handlers then take [`CurrentUser`] from the
//! request, never an owner id from the client.

pub mod access;
pub mod csrf;
pub mod session;

pub use access::Access;
pub use session::{CurrentUser, MaybeUser};

pub use spymeo_core::domain::Role;

/// What the web layer needs to know about a role beyond the database enum.
pub trait RoleExt {
    fn is_member(&self) -> bool;
    /// Where a user lands after login (DOMAIN.md §8).
    fn home(&self) -> &'static str;
}

impl RoleExt for Role {
    fn is_member(&self) -> bool {
        matches!(*self, Role::FreeUser | Role::PassUser)
    }

    fn home(&self) -> &'static str {
        match *self {
            Role::Admin => "/admin",
            r if r.is_pro() => "/pro/dashboard",
            _ => "/user/tableau-de-bord",
        }
    }
}
