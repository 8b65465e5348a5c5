//! Training centers (DOMAIN.md §9.3): 12 formations, each with a completed past session, an
//! open upcoming one and a full upcoming one; 90 learners; enrollments with payments through
//! the seat-counting transaction (§7.8).

use chrono::Duration;

use super::vocabulary::FORMATIONS;
use super::{Conn, Ctx, paris};
use crate::Result;
use crate::db::training::{self, EnrollmentPayment, FormationInput, LearnerInput, SessionInput};
use crate::domain::{FormationStatus, PaymentMethod};

pub(crate) async fn seed(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    let now = ctx.now;
    let today = ctx.today();
    for ci in 0..ctx.centers.len() {
        let center = ctx.centers[ci].clone();
        let center_id = center.profile_id;
        let setup = now - Duration::days(150);
        let mut learners = Vec::new();
        for k in 0..30 {
            let (first, last, email, user) = if k < 3 {
                let m = ctx.members[(4 + 11 * ci + 5 * k) % 44].clone();
                (m.first, m.last, m.email, Some(m.user_id))
            } else {
                let (f, l) = ctx.person();
                let e = ctx.email(&f, &l, "exemple.test");
                (f, l, e, None)
            };
            let id = training::create_learner(
                conn,
                center_id,
                &LearnerInput {
                    user_id: user,
                    first_name: first,
                    last_name: last,
                    email,
                    phone: ctx.chance(0.7).then(|| ctx.phone()),
                    notes: None,
                },
                setup + Duration::hours(k as i64),
            )
            .await?;
            learners.push(id);
        }
        for fi in 0..4 {
            let (title, category, hours, price, cpf) = FORMATIONS[4 * ci + fi];
            let formation_id = training::create_formation(
                conn,
                center_id,
                &FormationInput {
                    title: title.into(),
                    description: Some(format!(
                        "{title} : une formation {} animée par des praticiens expérimentés, alternant apports théoriques, \
                         études de cas et mises en pratique supervisées.",
                        category.to_lowercase()
                    )),
                    category: Some(category.into()),
                    duration_hours: Some(hours),
                    price_ttc_cents: Some(price),
                    vat_rate_bp: 0,
                    cpf_eligible: cpf,
                    status: FormationStatus::Published,
                },
                setup,
            )
            .await?;
            let days = i64::from(hours / 7).clamp(1, 5);
            let location = format!("{}, salle {}", center.city, fi + 1);
            // (start offset in days, seats, enrollments, name)
            let sessions = [
                (-50 - 7 * fi as i64, 8i16, 7usize, "Session de la rentrée"),
                (25 + 7 * fi as i64, 12, 4, "Session d'hiver"),
                (
                    45 + 7 * fi as i64,
                    6 + fi as i16 % 3,
                    0,
                    "Session de printemps",
                ),
            ];
            for (si, (offset, seats, enrolled, name)) in sessions.into_iter().enumerate() {
                let start = paris(today + Duration::days(offset), 540);
                let end = paris(today + Duration::days(offset + days - 1), 1050);
                let created = (start - Duration::days(70)).min(now - Duration::days(20));
                let session_id = training::create_session(
                    conn,
                    center_id,
                    formation_id,
                    &SessionInput {
                        title: format!("{name} – {title}"),
                        starts_at: start,
                        ends_at: end,
                        location: Some(location.clone()),
                        is_remote: ci == 1 && fi == 3,
                        max_seats: Some(seats),
                    },
                    created,
                )
                .await?;
                let count = if si == 2 { seats as usize } else { enrolled };
                for e in 0..count {
                    let learner = learners[(7 * fi + 3 * si + e * 2) % learners.len()];
                    let at = (created + Duration::days(1 + e as i64)).min(now - Duration::hours(1));
                    let payment = ctx.chance(0.8).then(|| EnrollmentPayment {
                        amount_cents: price,
                        method: ctx.pick(&[
                            PaymentMethod::Transfer,
                            PaymentMethod::Card,
                            PaymentMethod::Cheque,
                        ]),
                        paid_at: at,
                    });
                    let id =
                        training::enroll(conn, center_id, session_id, learner, payment, at).await?;
                    // One learner per center withdraws from a winter session and is refunded.
                    if si == 1 && e == 0 && fi == ci {
                        training::cancel_enrollment(
                            conn,
                            center_id,
                            id,
                            true,
                            at + Duration::days(2),
                        )
                        .await?;
                    }
                }
                if si == 0 {
                    training::complete_session(
                        conn,
                        center_id,
                        session_id,
                        end + Duration::hours(2),
                    )
                    .await?;
                }
            }
        }
    }
    Ok(())
}
