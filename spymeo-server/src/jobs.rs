//! Background jobs (DOMAIN.md §7.11) running in every replica. Each claims its work in the
//! database (`FOR UPDATE SKIP LOCKED`, idempotent deletes), so N replicas never do a piece of
//! work twice and none is skipped when one replica dies.

use std::time::Duration;

use tokio::sync::watch;

use crate::state::AppState;

const OUTBOX_EVERY: Duration = Duration::from_secs(10);
const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// Spawns the jobs; they stop when `stop` turns true.
pub fn spawn(state: AppState, stop: watch::Receiver<bool>) {
    tokio::spawn(every(
        OUTBOX_EVERY,
        stop.clone(),
        state.clone(),
        |s| async move {
            deliver_outbox(&s).await;
        },
    ));
    tokio::spawn(every(PURGE_EVERY, stop, state, |s| async move {
        purge(&s).await;
    }));
}

async fn every<F, Fut>(period: Duration, mut stop: watch::Receiver<bool>, state: AppState, job: F)
where
    F: Fn(AppState) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => job(state.clone()).await,
            _ = stop.changed() => return,
        }
    }
}

/// One pass of the email outbox.
pub async fn deliver_outbox(state: &AppState) -> spymeo_core::db::outbox::Delivery {
    match spymeo_core::db::outbox::deliver_due(
        &state.pool,
        &state.inner.mailer,
        20,
        chrono::Utc::now(),
    )
    .await
    {
        Ok(d) => {
            if d != Default::default() {
                tracing::info!(
                    sent = d.sent,
                    retried = d.retried,
                    given_up = d.given_up,
                    "outbox"
                );
            }
            d
        }
        Err(e) => {
            tracing::warn!(error = %e, "outbox pass failed");
            Default::default()
        }
    }
}

/// Expired sessions, tokens and rate-limit windows.
pub async fn purge(state: &AppState) {
    let now = chrono::Utc::now();
    let pool = &state.pool;
    let results = [
        (
            "sessions",
            spymeo_core::db::sessions::purge_expired(pool, now).await,
        ),
        (
            "rate_limits",
            spymeo_core::db::rate_limit::purge(pool, now).await,
        ),
        (
            "tokens",
            spymeo_core::db::accounts::purge_tokens(pool, now).await,
        ),
    ];
    for (what, r) in results {
        if let Err(e) = r {
            tracing::warn!(error = %e, what, "purge failed");
        }
    }
}
