//! Authentication and authorization in one place. A session layer loads the current user (if
//! any) on every request; each route group of `routes.rs` carries an [`Access`] rule checked
//! by a layer, so a new route cannot forget it; handlers then take [`CurrentUser`] from the
//! request, never an owner id from the client.

pub mod access;
pub mod csrf;
pub mod session;

pub use access::Access;
pub use session::{CurrentUser, MaybeUser};

/// The seven roles (DOMAIN.md §2), as stored in `users.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    FreeUser,
    PassUser,
    Practitioner,
    Artisan,
    Commercant,
    Center,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "FREE_USER" => Role::FreeUser,
            "PASS_USER" => Role::PassUser,
            "PRACTITIONER" => Role::Practitioner,
            "ARTISAN" => Role::Artisan,
            "COMMERCANT" => Role::Commercant,
            "CENTER" => Role::Center,
            "ADMIN" => Role::Admin,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::FreeUser => "FREE_USER",
            Role::PassUser => "PASS_USER",
            Role::Practitioner => "PRACTITIONER",
            Role::Artisan => "ARTISAN",
            Role::Commercant => "COMMERCANT",
            Role::Center => "CENTER",
            Role::Admin => "ADMIN",
        }
    }

    pub fn is_pro(self) -> bool {
        matches!(
            self,
            Role::Practitioner | Role::Artisan | Role::Commercant | Role::Center
        )
    }

    pub fn is_member(self) -> bool {
        matches!(self, Role::FreeUser | Role::PassUser)
    }

    /// Where a user lands after login (DOMAIN.md §8).
    pub fn home(self) -> &'static str {
        match self {
            Role::Admin => "/admin",
            r if r.is_pro() => "/pro/dashboard",
            _ => "/user/tableau-de-bord",
        }
    }
}
