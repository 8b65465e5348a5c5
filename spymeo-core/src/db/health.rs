//! The database probe behind `/api/health`.

use std::time::Duration;

use sqlx::PgPool;

/// True when the database answers `SELECT 1` within `timeout`. A pool that cannot hand out
/// a connection in time counts as down: a stuck database must not hang health checks.
pub async fn ping(pool: &PgPool, timeout: Duration) -> bool {
    let probe = async {
        let mut conn = pool.acquire().await?;
        sqlx::query_scalar::<_, i32>("SELECT 1")
            .fetch_one(&mut *conn)
            .await
    };
    matches!(tokio::time::timeout(timeout, probe).await, Ok(Ok(1)))
}
