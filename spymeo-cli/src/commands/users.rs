//! `spymeo users …`: account administration that must work before any admin exists.

use std::io::{IsTerminal as _, Read as _};

use super::DatabaseArgs;
use crate::error::{CliError, Result};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    pub command: UsersCommand,
}

#[derive(clap::Subcommand, Debug)]
pub enum UsersCommand {
    CreateAdmin(CreateAdmin),
}

/// Create an administrator account. The password is asked for (not echoed) on a terminal,
/// or read from standard input otherwise — never from a flag, which would land in the shell
/// history and the process list.
///
/// Examples:
///   spymeo users create-admin --email admin@spymeo.fr
///   printf '%s' "$ADMIN_PASSWORD" | spymeo users create-admin --email admin@spymeo.fr --first-name Anne
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct CreateAdmin {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub first_name: Option<String>,
    #[arg(long)]
    pub last_name: Option<String>,
    /// Show what would be done, change nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub async fn run(args: Args) -> Result<()> {
    match args.command {
        UsersCommand::CreateAdmin(a) => create_admin(a).await,
    }
}

fn valid_email(email: &str) -> bool {
    email
        .split_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.ends_with('.'))
        && !email.chars().any(char::is_whitespace)
}

fn read_password() -> Result<String> {
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Mot de passe : ")
            .map_err(|e| CliError::Other(e.to_string()))?;
        let again = rpassword::prompt_password("Confirmez : ")
            .map_err(|e| CliError::Other(e.to_string()))?;
        if first != again {
            return Err(CliError::Usage("les deux mots de passe diffèrent".into()));
        }
        first
    } else {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| CliError::Other(e.to_string()))?;
        s.trim_end_matches(['\n', '\r']).to_owned()
    };
    // Admin accounts get a stricter floor than members' 8 characters.
    if password.chars().count() < 12 || !password.chars().any(|c| c.is_ascii_digit()) {
        return Err(CliError::Usage(
            "mot de passe trop faible: 12 caractères minimum dont un chiffre".into(),
        ));
    }
    Ok(password)
}

async fn create_admin(args: CreateAdmin) -> Result<()> {
    let email = args.email.trim().to_lowercase();
    if !valid_email(&email) {
        return Err(CliError::Usage(format!("adresse e-mail invalide: {email}")));
    }
    let url = args.db.require()?;
    if args.dry_run {
        println!("--dry-run : créerait l'administrateur {email} ; rien n'a été modifié.");
        return Ok(());
    }
    let password = read_password()?;
    let hash = tokio::task::spawn_blocking(move || spymeo_core::password::hash(&password))
        .await
        .map_err(|e| CliError::Other(e.to_string()))??;
    let pool = super::pool(&url).await?;
    let mut tx = pool.begin().await.map_err(spymeo_core::Error::from)?;
    let id = spymeo_core::db::accounts::create_admin(
        &mut tx,
        &email,
        &hash,
        args.first_name.as_deref(),
        args.last_name.as_deref(),
    )
    .await
    .map_err(|e| match e.constraint() {
        Some(c) if c.contains("email") => {
            CliError::Other(format!("un compte existe déjà pour {email}"))
        }
        _ => CliError::Core(e),
    })?;
    tx.commit().await.map_err(spymeo_core::Error::from)?;
    println!("administrateur créé : {email} ({id})");
    Ok(())
}
