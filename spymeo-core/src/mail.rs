//! Sending email: SMTP (lettre) in production and tests, the log in `spymeo dev`.

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Kind of message (`password_reset`, `email_verification`…), for logs and tests.
    pub template: &'static str,
}

#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    /// Development: the message is written to the log instead of being sent.
    Log,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp { from, .. } => write!(f, "Mailer::Smtp(from {from})"),
            Mailer::Log => write!(f, "Mailer::Log"),
        }
    }
}

impl Mailer {
    /// `smtp://user:pass@host:587?tls=required`, `smtps://…:465`, or `smtp://127.0.0.1:2525`
    /// (plain, for a local relay). The URL carries credentials: errors never repeat it.
    pub fn smtp(url: &SecretString, from: &str) -> Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
            .map_err(|_| Error::validation("SMTP_URL invalide (smtp://… ou smtps://…)"))?
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|_| Error::validation("MAIL_FROM invalide"))?;
        Ok(Mailer::Smtp { transport, from })
    }

    pub async fn send(&self, email: &Email) -> std::result::Result<(), String> {
        match self {
            Mailer::Log => {
                tracing::info!(to = %email.to, subject = %email.subject, body = %email.body, "email (dev: not sent)");
                Ok(())
            }
            Mailer::Smtp { transport, from } => {
                let to = email.to.parse::<Mailbox>().map_err(|e| e.to_string())?;
                let message = Message::builder()
                    .from(from.clone())
                    .to(to)
                    .subject(&email.subject)
                    .header(ContentType::TEXT_PLAIN)
                    .body(email.body.clone())
                    .map_err(|e| e.to_string())?;
                transport
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
        }
    }
}
