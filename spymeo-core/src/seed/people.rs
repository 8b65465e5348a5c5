//! Accounts: the admin, 46 members, 25 active pros through the registration → approval →
//! membership flow, 4 candidates at each step of it, and the PASS partner discounts.

use chrono::Duration;

use super::vocabulary::SPECIALTIES;
use super::{Conn, Ctx, Member, Pro};
use crate::Result;
use crate::db::documents::{NewDocument, create_document};
use crate::db::pros::{self, ApplicationDoc, NewApplication, ProfileExtra, ProfileInput};
use crate::db::users::{NewUser, create_user};
use crate::domain::{DocumentCategory, LocationKind, Role, UserStatus};

pub(crate) async fn seed(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    admin(ctx, conn).await?;
    members(ctx, conn).await?;
    practitioners(ctx, conn).await?;
    shops(ctx, conn).await?;
    candidates(ctx, conn).await?;
    partners(ctx, conn).await?;
    Ok(())
}

async fn admin(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    let mut u = NewUser::new("admin@spymeo.test", Role::Admin, UserStatus::Active);
    u.password_hash = Some(ctx.hash.clone());
    u.first_name = Some("Sophie".into());
    u.last_name = Some("Admin".into());
    u.email_verified = true;

    ctx.reserve_email("admin@spymeo.test");
    let at = ctx.days_ago(500);
    ctx.admin = create_user(conn, &u, at).await?;
    Ok(())
}

/// pass@ and free@ first, then 19 future PASS members, then 25 FREE members.
async fn members(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    for i in 0..46 {
        let (first, last, email) = match i {
            0 => (
                "Julie".to_owned(),
                "Bernard".to_owned(),
                "pass@spymeo.test".to_owned(),
            ),
            1 => (
                "Thomas".to_owned(),
                "Petit".to_owned(),
                "free@spymeo.test".to_owned(),
            ),
            _ => {
                let (f, l) = ctx.person();
                let e = ctx.email(&f, &l, "demo.spymeo.test");
                (f, l, e)
            }
        };
        if i < 2 {
            ctx.names.insert((first.clone(), last.clone()));
            ctx.reserve_email(&email);
        }
        let (city, postal) = if i < 2 {
            ("Dijon", "21000")
        } else {
            ctx.city()
        };
        let address = ctx.address();
        let phone = ctx.phone();
        let days = ctx.range(20, 420);
        let created_at = ctx.days_ago(days);
        let mut u = NewUser::new(email.clone(), Role::FreeUser, UserStatus::Active);
        u.password_hash = Some(ctx.hash.clone());
        u.first_name = Some(first.clone());
        u.last_name = Some(last.clone());
        u.phone = Some(phone.clone());
        u.birth_date = Some(ctx.birth_date());
        u.address_line = Some(address.clone());
        u.city = Some(city.to_owned());
        u.postal_code = Some(postal.to_owned());
        u.email_verified = ctx.chance(0.9) || i < 2;
        u.newsletter = ctx.chance(0.4);
        // The draw that used to pick the 70 % with an avatar: kept so the rest of the data
        // set stays the same. There are no image files to point at, so no avatar URL is set.
        let _ = i < 2 || ctx.chance(0.68);
        let user_id = create_user(conn, &u, created_at).await?;
        ctx.members.push(Member {
            user_id,
            first,
            last,
            email,
            city,
            postal,
            address,
            phone,
        });
    }
    // One FREE member was suspended by the admin (abusive messages).
    let suspended = ctx.members[45].user_id;
    crate::db::users::set_status(conn, suspended, UserStatus::Suspended).await?;
    crate::db::users::set_admin_notes(
        conn,
        suspended,
        Some("Suspendu : messages abusifs signalés par deux praticiens."),
    )
    .await?;
    Ok(())
}

struct Registration<'a> {
    email: String,
    first: String,
    last: String,
    city: (&'static str, &'static str),
    profile: ProfileInput,
    extra: ProfileExtra,
    discipline: &'a str,
    days_ago: i64,
}

/// register-pro (§7.7) then, unless stopped earlier, admin approval and membership payment.
/// Returns the pro and its application's user id.
async fn register(
    ctx: &mut Ctx,
    conn: &mut Conn,
    r: Registration<'_>,
    stop_at: UserStatus,
) -> Result<Pro> {
    let role = r.extra.kind().role();
    let registered = ctx.days_ago(r.days_ago);
    let mut u = NewUser::new(r.email.clone(), role, UserStatus::PendingValidation);
    u.password_hash = Some(ctx.hash.clone());
    u.first_name = Some(r.first.clone());
    u.last_name = Some(r.last.clone());
    u.phone = Some(ctx.phone());
    u.city = Some(r.city.0.to_owned());
    u.postal_code = Some(r.city.1.to_owned());
    u.email_verified = true;
    // The draw that used to pick the 70 % with an avatar: kept so the rest of the data
    // set stays the same. There are no image files to point at, so no avatar URL is set.
    let _ = ctx.chance(0.75);
    let user_id = create_user(conn, &u, registered).await?;
    let profile_id = pros::create_profile(conn, user_id, &r.profile, &r.extra, registered).await?;
    let years = match &r.extra {
        ProfileExtra::Practitioner {
            years_experience, ..
        } => *years_experience,
        _ => Some(ctx.range(2, 20) as i16),
    };
    pros::submit_application(
        conn,
        user_id,
        &NewApplication {
            requested_role: role,
            discipline: r.discipline.to_owned(),
            experience_years: years,
            ethics_statement: Some(
                "Je m'engage à exercer dans le respect de la personne, en complément du suivi médical et sans \
                 jamais me substituer à un professionnel de santé."
                    .into(),
            ),
        },
        registered,
    )
    .await?;
    if stop_at != UserStatus::PendingValidation {
        let approve = stop_at != UserStatus::Rejected;
        let note = (!approve).then_some(
            "Les justificatifs de formation fournis ne permettent pas de valider la candidature.",
        );
        pros::review_application(
            conn,
            user_id,
            ctx.admin,
            approve,
            note,
            registered + Duration::days(2),
        )
        .await?;
        if stop_at == UserStatus::Active {
            pros::activate_membership(conn, user_id, registered + Duration::days(3)).await?;
        }
    }
    Ok(Pro {
        user_id,
        profile_id,
        first: r.first,
        last: r.last,
        public_name: r.profile.public_name,
        city: r.city.0,
        specialty: r.discipline.to_owned(),
        active_since: registered + Duration::days(3),
    })
}

fn profile(
    ctx: &mut Ctx,
    public_name: String,
    city: (&'static str, &'static str),
    description: String,
    email: &str,
) -> ProfileInput {
    ProfileInput {
        public_name,
        description: Some(description),
        siret: Some(crate::domain::siret::generate(&mut ctx.rng)),
        address_line: Some(ctx.address()),
        city: Some(city.0.to_owned()),
        postal_code: Some(city.1.to_owned()),
        phone_public: Some(ctx.phone()),
        email_public: Some(email.to_owned()),
        website: None,
        photo_url: None,
    }
}

async fn practitioners(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    // (specialties, city index in CITIES); Claire first.
    let plan: [(&[usize], usize); 12] = [
        (&[0, 9], 0),
        (&[1], 0),
        (&[2, 5], 1),
        (&[3], 2),
        (&[4, 7], 3),
        (&[5], 4),
        (&[6], 5),
        (&[7, 0], 6),
        (&[8], 7),
        (&[9, 0], 8),
        (&[0, 1, 7], 9),
        (&[2], 10),
    ];
    for (i, (specs, city_idx)) in plan.iter().enumerate() {
        let (first, last, email) = if i == 0 {
            ctx.names.insert(("Claire".into(), "Moreau".into()));
            ctx.reserve_email("praticien@spymeo.test");
            (
                "Claire".to_owned(),
                "Moreau".to_owned(),
                "praticien@spymeo.test".to_owned(),
            )
        } else {
            let (f, l) = ctx.person();
            let e = ctx.email(&f, &l, "pro.spymeo.test");
            (f, l, e)
        };
        let city = super::vocabulary::CITIES[*city_idx];
        let specialties: Vec<String> = specs.iter().map(|s| SPECIALTIES[*s].to_owned()).collect();
        let main = specialties[0].clone();
        let years = ctx.range(3, 22) as i16;
        let public_name = format!("{first} {last} – {main}");
        let description = super::vocabulary::practitioner_description(&main, city.0, years);
        let p = profile(ctx, public_name, city, description, &email);
        // Four practitioners also consult by video.
        let modes = if [0, 3, 6, 9].contains(&i) {
            vec![LocationKind::Cabinet, LocationKind::Visio]
        } else {
            vec![LocationKind::Cabinet]
        };
        let price_from = super::vocabulary::types_for(&main)
            .iter()
            .map(|t| t.2)
            .min()
            .unwrap_or(50)
            * 100;
        let days = 700 - 20 * i as i64;
        let pro = register(
            ctx,
            conn,
            Registration {
                email,
                first,
                last,
                city,
                profile: p,
                extra: ProfileExtra::Practitioner {
                    specialties,
                    consultation_modes: modes,
                    price_from_cents: Some(price_from),
                    years_experience: Some(years),
                },
                discipline: &main,
                days_ago: days,
            },
            UserStatus::Active,
        )
        .await?;
        if [0, 2, 4, 7].contains(&i) {
            pros::set_visibility(
                conn,
                pros::ProKind::Practitioner,
                pro.user_id,
                None,
                Some(true),
            )
            .await?;
        }
        ctx.practitioners.push(pro);
    }
    Ok(())
}

async fn shops(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    let artisans: [(&str, &str, usize, usize); 5] = [
        ("Savonnerie des Climats", "artisan@spymeo.test", 0, 11),
        ("Atelier Terre & Feu", "", 1, 1),
        ("Lueurs de Bourgogne", "", 2, 0),
        ("Les Baumes de Lila", "", 3, 4),
        ("Herbes Folles", "", 4, 10),
    ];
    for (i, (name, demo, cat, city_idx)) in artisans.into_iter().enumerate() {
        let category = super::vocabulary::ARTISAN_CATEGORIES[cat];
        let pro = shop(
            ctx,
            conn,
            name,
            demo,
            category,
            city_idx,
            ProfileExtra::Artisan {
                category: Some(category.to_owned()),
            },
            640 - 30 * i as i64,
        )
        .await?;
        if i == 0 {
            pros::set_visibility(conn, pros::ProKind::Artisan, pro.user_id, None, Some(true))
                .await?;
        }
        ctx.artisans.push(pro);
    }
    let merchants: [(&str, &str, usize, usize); 5] = [
        ("L'Herboristerie du Marché", "commercant@spymeo.test", 1, 1),
        ("Le Panier Bio", "", 0, 0),
        ("Vrac & Compagnie", "", 2, 3),
        ("La Page Sereine", "", 3, 2),
        ("Nature & Sens", "", 4, 7),
    ];
    for (i, (name, demo, cat, city_idx)) in merchants.into_iter().enumerate() {
        let category = super::vocabulary::MERCHANT_CATEGORIES[cat];
        let extra = ProfileExtra::Merchant {
            category: Some(category.to_owned()),
            ships_orders: i != 3,
        };
        let pro = shop(
            ctx,
            conn,
            name,
            demo,
            category,
            city_idx,
            extra,
            620 - 30 * i as i64,
        )
        .await?;
        if i == 0 {
            pros::set_visibility(conn, pros::ProKind::Merchant, pro.user_id, None, Some(true))
                .await?;
        }
        ctx.merchants.push(pro);
    }
    let centers: [(&str, &str, usize, usize, bool); 3] = [
        (
            "Institut Bourguignon de Naturopathie",
            "centre@spymeo.test",
            0,
            0,
            true,
        ),
        ("Institut de Sophrologie du Rhône", "", 1, 1, true),
        ("École de Réflexologie de l'Ouest", "", 2, 4, false),
    ];
    for (i, (name, demo, disc, city_idx, qualiopi)) in centers.into_iter().enumerate() {
        let discipline = super::vocabulary::CENTER_DISCIPLINES[disc];
        let nda = format!("{:011}", 26_210_000_000i64 + ctx.range(0, 9_999_999));
        let extra = ProfileExtra::Center {
            qualiopi_certified: qualiopi,
            nda_number: Some(nda),
        };
        let pro = shop(
            ctx,
            conn,
            name,
            demo,
            discipline,
            city_idx,
            extra,
            660 - 40 * i as i64,
        )
        .await?;
        if i == 0 {
            pros::set_visibility(conn, pros::ProKind::Center, pro.user_id, None, Some(true))
                .await?;
        }
        ctx.centers.push(pro);
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn shop(
    ctx: &mut Ctx,
    conn: &mut Conn,
    name: &str,
    demo_email: &str,
    category: &str,
    city_idx: usize,
    extra: ProfileExtra,
    days_ago: i64,
) -> Result<Pro> {
    let (first, last) = ctx.person();
    let email = if demo_email.is_empty() {
        ctx.email(&first, &last, "pro.spymeo.test")
    } else {
        ctx.reserve_email(demo_email);
        demo_email.to_owned()
    };
    let city = super::vocabulary::CITIES[city_idx];
    let description = super::vocabulary::shop_description(category, city.0);
    let mut p = profile(ctx, name.to_owned(), city, description, &email);
    p.website = Some(format!("https://{}.example.fr", crate::slug::slugify(name)));
    register(
        ctx,
        conn,
        Registration {
            email,
            first,
            last,
            city,
            profile: p,
            extra,
            discipline: category,
            days_ago,
        },
        UserStatus::Active,
    )
    .await
}

/// Four practitioner candidates: two waiting for review (candidat@ is one), one approved and
/// waiting for the membership payment, one rejected. Six application documents.
async fn candidates(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    let steps = [
        (UserStatus::PendingValidation, 3usize, 4usize, 3usize, 3i64),
        (UserStatus::PendingValidation, 4, 9, 2, 6),
        (UserStatus::PendingPayment, 6, 5, 1, 15),
        (UserStatus::Rejected, 8, 7, 0, 30),
    ];
    for (i, (status, spec, city_idx, docs, days)) in steps.into_iter().enumerate() {
        let (first, last, email) = if i == 0 {
            ctx.names.insert(("Lucas".into(), "Fontaine".into()));
            ctx.reserve_email("candidat@spymeo.test");
            (
                "Lucas".to_owned(),
                "Fontaine".to_owned(),
                "candidat@spymeo.test".to_owned(),
            )
        } else {
            let (f, l) = ctx.person();
            let e = ctx.email(&f, &l, "pro.spymeo.test");
            (f, l, e)
        };
        let specialty = SPECIALTIES[spec];
        let city = super::vocabulary::CITIES[city_idx];
        let years = ctx.range(1, 6) as i16;
        let description = super::vocabulary::practitioner_description(specialty, city.0, years);
        let p = profile(
            ctx,
            format!("{first} {last} – {specialty}"),
            city,
            description,
            &email,
        );
        // The application documents are uploaded with the registration, before any review.
        let pro = register(
            ctx,
            conn,
            Registration {
                email,
                first,
                last,
                city,
                profile: p,
                extra: ProfileExtra::Practitioner {
                    specialties: vec![specialty.to_owned()],
                    consultation_modes: vec![LocationKind::Cabinet],
                    price_from_cents: Some(5000),
                    years_experience: Some(years),
                },
                discipline: specialty,
                days_ago: days,
            },
            UserStatus::PendingValidation,
        )
        .await?;
        let slots = [
            (ApplicationDoc::Diploma, "Diplôme ou certification"),
            (ApplicationDoc::Insurance, "Attestation d'assurance RC Pro"),
            (
                ApplicationDoc::CriminalRecord,
                "Extrait de casier judiciaire",
            ),
        ];
        for (slot, title) in slots.iter().take(docs) {
            let at = ctx.days_ago(days);
            let doc = create_document(
                conn,
                pro.user_id,
                &NewDocument {
                    category: DocumentCategory::Application,
                    client_id: None,
                    shared_with_user_id: None,
                    appointment_id: None,
                    resource_id: None,
                    title: (*title).to_owned(),
                    mime_type: "application/pdf".into(),
                    storage_key: Some(format!(
                        "applications/{}/{}.pdf",
                        pro.user_id,
                        crate::slug::slugify(title)
                    )),
                    size_bytes: Some(ctx.range(80_000, 1_500_000)),
                },
                at,
            )
            .await?;
            pros::attach_application_document(conn, pro.user_id, *slot, doc).await?;
        }
        if status != UserStatus::PendingValidation {
            let approve = status == UserStatus::PendingPayment;
            let note = (!approve).then_some("Les justificatifs de formation fournis ne permettent pas de valider la candidature.");
            let at = ctx.days_ago(days - 2);
            pros::review_application(conn, pro.user_id, ctx.admin, approve, note, at).await?;
        }
        ctx.candidates.push(pro);
    }
    Ok(())
}

/// 20 pros enable the PASS partnership; Claire offers 15 %.
async fn partners(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    let mut partners: Vec<Uuid> = Vec::new();
    partners.extend(ctx.practitioners.iter().map(|p| p.user_id));
    partners.extend(ctx.artisans.iter().map(|p| p.user_id));
    partners.extend(ctx.merchants.iter().take(3).map(|p| p.user_id));
    for (i, user_id) in partners.into_iter().enumerate() {
        let rate = if i == 0 {
            15
        } else {
            ctx.pick(&crate::domain::pass::PARTNER_RATES)
        };
        let conditions = ctx.pick(&[
            None,
            Some("Hors promotions"),
            Some("Sur présentation de la carte PASS"),
            Some("Valable sur la première séance"),
        ]);
        crate::db::pass::set_partner(conn, user_id, true, rate, conditions).await?;
    }
    Ok(())
}

use uuid::Uuid;
