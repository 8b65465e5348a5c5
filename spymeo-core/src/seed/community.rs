//! Shared features (DOMAIN.md §9.3): platform resources, blog with its review flow, likes,
//! academy progress, conversations, notes, favorites, pro advantages, impact opportunities,
//! manual expenses with receipts, and finally which notifications have been read.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::vocabulary::{
    ARTICLES, EXPENSES, LESSONS, MESSAGES_PRO, MESSAGES_PRO_PRO, MESSAGES_USER, NOTE_TITLES,
    article_body,
};
use super::{Conn, Ctx};
use crate::Result;
use crate::db::academy::{self, LessonInput};
use crate::db::blog::{self, ArticleInput, Decision};
use crate::db::community::{self, AdvantageInput, NoteInput, OpportunityInput};
use crate::db::documents::{self, NewDocument, ResourceInput};
use crate::db::messaging;
use crate::db::precompta::{ManualEntry, add_manual_entry};
use crate::domain::{
    AdvantageType, DocumentCategory, FavoriteTarget, LessonKind, OpportunityKind, PaymentMethod,
    PrecomptaType, ResourceFormat, SkillLevel,
};

pub(crate) async fn seed(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    platform_resources(ctx, conn).await?;
    articles(ctx, conn).await?;
    academy_data(ctx, conn).await?;
    conversations(ctx, conn).await?;
    notes(ctx, conn).await?;
    favorites(ctx, conn).await?;
    advantages_and_impact(ctx, conn).await?;
    expenses(ctx, conn).await?;
    read_notifications(ctx, conn).await?;
    Ok(())
}

async fn platform_resources(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    let list = [
        (
            "Kit de démarrage du praticien",
            "Installation",
            ResourceFormat::Pdf,
        ),
        ("Modèle de fiche client", "Gestion", ResourceFormat::Doc),
        (
            "Tableau de suivi des recettes",
            "Gestion",
            ResourceFormat::Sheet,
        ),
        (
            "Webinaire : réussir son premier rendez-vous",
            "Relation client",
            ResourceFormat::Video,
        ),
        (
            "Podcast : prévenir l'épuisement du praticien",
            "Bien-être du praticien",
            ResourceFormat::Audio,
        ),
        ("Charte éthique SPYMEO", "Déontologie", ResourceFormat::Pdf),
        (
            "Guide RGPD pour les indépendants",
            "Réglementation",
            ResourceFormat::Link,
        ),
        (
            "Respiration carrée : fiche client",
            "Respiration",
            ResourceFormat::Pdf,
        ),
        (
            "Questionnaire d'hygiène de vie",
            "Bilan",
            ResourceFormat::Doc,
        ),
        (
            "Les mentions obligatoires d'une facture",
            "Réglementation",
            ResourceFormat::Link,
        ),
    ];
    for (k, (title, category, format)) in list.into_iter().enumerate() {
        let link = format == ResourceFormat::Link || format == ResourceFormat::Video;
        documents::create_resource(
            conn,
            None,
            &ResourceInput {
                title: title.into(),
                description: Some("Ressource de la bibliothèque SPYMEO.".into()),
                category: Some(category.into()),
                format,
                level: Some(if k % 3 == 0 {
                    SkillLevel::Intermediaire
                } else {
                    SkillLevel::Debutant
                }),
                tags: vec![category.to_lowercase()],
                storage_key: (!link).then(|| format!("library/{}", crate::slug::slugify(title))),
                external_url: link.then(|| {
                    format!(
                        "https://ressources.spymeo.fr/{}",
                        crate::slug::slugify(title)
                    )
                }),
                size_bytes: (!link).then(|| 250_000 + 10_000 * k as i64),
                cover_url: None,
                shareable: true,
                featured: k < 4,
            },
            ctx.now - Duration::days(200 - 10 * k as i64),
        )
        .await?;
    }
    Ok(())
}

async fn articles(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    let now = ctx.now;
    let authors: Vec<(Uuid, String)> = [0usize, 2, 4, 7]
        .iter()
        .map(|i| {
            let p = &ctx.practitioners[*i];
            (
                p.user_id,
                format!("{} {}, {}", p.first, p.last, p.specialty),
            )
        })
        .collect();
    let mut published = Vec::new();
    for (k, (title, category, tags)) in ARTICLES.iter().enumerate() {
        let input = ArticleInput {
            title: (*title).into(),
            excerpt: Some(format!(
                "{title} : nos conseils pour prendre soin de vous au quotidien."
            )),
            content: article_body(title, category),
            cover_url: None,
            category: Some((*category).into()),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        };
        let written = now - Duration::days(160 - 8 * k as i64);
        // 0–3 and 17: SPYMEO team, published directly (17 later archived); 4–11: pros,
        // reviewed and published; 12–13 submitted; 14 needs changes; 15–16 drafts.
        let author = match k {
            0..=3 | 17 => None,
            4..=11 => Some(authors[(k - 4) / 2].clone()),
            12 | 13 => Some(authors[k - 12].clone()),
            14 => Some(authors[2].clone()),
            _ => Some(authors[3].clone()),
        };
        let (user, name) = match &author {
            Some((u, n)) => (Some(*u), n.clone()),
            None => (None, "Équipe SPYMEO".to_owned()),
        };
        let id = blog::create_article(conn, user, &name, &input, written).await?;
        match (k, user) {
            (0..=3 | 17, _) => {
                blog::review(
                    conn,
                    ctx.admin,
                    id,
                    Decision::Publish,
                    None,
                    written + Duration::hours(2),
                )
                .await?;
                if k == 17 {
                    blog::archive(conn, id).await?;
                } else {
                    published.push(id);
                }
            }
            (4..=14, Some(u)) => {
                blog::submit(conn, u, id, written + Duration::hours(1)).await?;
                match k {
                    4..=11 => {
                        blog::review(
                            conn,
                            ctx.admin,
                            id,
                            Decision::Publish,
                            None,
                            written + Duration::days(2),
                        )
                        .await?;
                        published.push(id);
                    }
                    14 => {
                        blog::review(
                            conn,
                            ctx.admin,
                            id,
                            Decision::NeedsChanges,
                            Some("Merci de citer vos sources et d'ajouter une conclusion."),
                            written + Duration::days(2),
                        )
                        .await?;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    // Likes: members and pros, about 90.
    let mut likers: Vec<Uuid> = ctx.members.iter().take(45).map(|m| m.user_id).collect();
    likers.extend(ctx.practitioners.iter().map(|p| p.user_id));
    let mut likes = 0;
    for (a, id) in published.iter().enumerate() {
        let n = 5 + (a * 3) % 6;
        for k in 0..n {
            let user = likers[(a * 11 + k * 5) % likers.len()];
            blog::like(conn, user, *id, now - Duration::days(ctx.range(0, 30))).await?;
            likes += 1;
        }
        blog::add_views(conn, *id, ctx.range(40, 900) as i32).await?;
    }
    let _ = likes;
    Ok(())
}

async fn academy_data(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    let now = ctx.now;
    let mut chapters: Vec<Vec<Uuid>> = Vec::new();
    let mut lessons = Vec::new();
    for (k, (title, kind, level, tags, chs)) in LESSONS.iter().enumerate() {
        let lesson = academy::create_lesson(
            conn,
            &LessonInput {
                title: (*title).into(),
                description: format!(
                    "{title} : l'essentiel pour développer votre activité de praticien."
                ),
                content: format!(
                    "# {title}\n\nCe cours vous guide pas à pas, avec des exemples concrets."
                ),
                kind: kind.parse::<LessonKind>()?,
                difficulty: level.parse::<SkillLevel>()?,
                tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                duration_min: 30,
                cover_url: None,
                position: k as i16,
                published: true,
            },
            now - Duration::days(300),
        )
        .await?;
        let mut ids = Vec::new();
        for (ct, minutes) in chs.iter() {
            ids.push(
                academy::add_chapter(
                    conn,
                    lesson,
                    ct,
                    *minutes,
                    &format!("## {ct}\n\nContenu du chapitre."),
                    now - Duration::days(300),
                )
                .await?,
            );
        }
        lessons.push(lesson);
        chapters.push(ids);
    }
    // Claire: the first lesson completed, the second in progress.
    let claire = ctx.practitioners[0].user_id;
    for (k, ch) in chapters[0].iter().enumerate() {
        academy::set_chapter_completed(
            conn,
            claire,
            *ch,
            true,
            now - Duration::days(40 - k as i64),
        )
        .await?;
    }
    academy::set_chapter_completed(conn, claire, chapters[1][0], true, now - Duration::days(5))
        .await?;
    academy::set_flags(
        conn,
        claire,
        lessons[0],
        Some(true),
        Some(true),
        now - Duration::days(30),
    )
    .await?;
    academy::add_note(
        conn,
        claire,
        lessons[0],
        "Vérifier le plafond de la franchise de TVA chaque année.",
        now - Duration::days(36),
    )
    .await?;
    academy::add_note(
        conn,
        claire,
        lessons[1],
        "Idée : palette vert sauge et terracotta.",
        now - Duration::days(5),
    )
    .await?;
    academy::add_note(
        conn,
        claire,
        lessons[0],
        "Comparer EI et EURL avec mon comptable.",
        now - Duration::days(35),
    )
    .await?;
    // Other practitioners: a chapter or two somewhere, a few likes.
    for i in 1..ctx.practitioners.len() {
        let user = ctx.practitioners[i].user_id;
        let l = i % 4;
        let done = if i % 3 == 0 { 1 } else { 2 };
        for ch in chapters[l].iter().take(done) {
            academy::set_chapter_completed(
                conn,
                user,
                *ch,
                true,
                now - Duration::days(ctx.range(2, 60)),
            )
            .await?;
        }
        if i <= 7 {
            academy::set_flags(
                conn,
                user,
                lessons[(l + 1) % 4],
                Some(i % 2 == 0),
                Some(true),
                now - Duration::days(ctx.range(1, 30)),
            )
            .await?;
        }
        if i <= 3 {
            academy::add_note(
                conn,
                user,
                lessons[l],
                "À relire avant ma déclaration de fin d'année.",
                now - Duration::days(10),
            )
            .await?;
        }
    }
    let comments = [
        "Très clair, merci pour les exemples concrets !",
        "Le passage sur la franchise de TVA m'a beaucoup aidée.",
        "Serait-il possible d'ajouter un modèle de devis ?",
        "Super module, je recommande.",
        "J'ai enfin compris la différence entre EI et EURL.",
    ];
    for k in 0..15 {
        let user = ctx.practitioners[(k * 5) % ctx.practitioners.len()].user_id;
        academy::add_comment(
            conn,
            user,
            lessons[k % 4],
            comments[k % comments.len()],
            now - Duration::days(50 - 3 * k as i64),
        )
        .await?;
    }
    Ok(())
}

/// 35 direct conversations, about 320 messages; pass@ and praticien@ each have unread ones.
async fn conversations(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    let now = ctx.now;
    let claire = ctx.practitioners[0].user_id;
    let pass_user = ctx.members[0].user_id;
    // (member-or-pro a, pro b, kind)
    let mut pairs: Vec<(Uuid, Uuid, u8)> = Vec::new();
    pairs.push((pass_user, claire, 0));
    pairs.push((ctx.members[1].user_id, ctx.practitioners[1].user_id, 0));
    for k in 0..18 {
        let m = ctx.members[2 + (k * 5) % 43].user_id;
        let p = ctx.practitioners[(k + 2) % 12].user_id;
        pairs.push((m, p, 0));
    }
    for k in 0..8 {
        let m = ctx.members[3 + (k * 7) % 42].user_id;
        let shop = ctx.merchants[k % 5].user_id;
        pairs.push((m, shop, 0));
    }
    let pro_pairs = [
        (ctx.practitioners[1].user_id, claire),
        (ctx.practitioners[3].user_id, claire),
        (ctx.merchants[0].user_id, claire),
        (ctx.artisans[0].user_id, ctx.merchants[1].user_id),
        (ctx.centers[0].user_id, claire),
        (ctx.practitioners[5].user_id, ctx.artisans[2].user_id),
        (ctx.practitioners[7].user_id, ctx.centers[1].user_id),
    ];
    for (a, b) in pro_pairs {
        pairs.push((a, b, 1));
    }
    for (c, (a, b, kind)) in pairs.into_iter().enumerate() {
        messaging::check_recipient(conn, a, b).await?;
        let n = if c < 2 { 14 } else { 6 + (c * 5) % 7 };
        let mut t: DateTime<Utc> =
            now - Duration::days(4 + (c as i64 * 7) % 50) - Duration::hours(ctx.range(0, 10));
        let subject = if kind == 0 {
            "Question"
        } else {
            "Collaboration"
        };
        let (conv, _) = messaging::find_or_create_direct(conn, a, b, Some(subject), t).await?;
        let unread_for_claire = b == claire && (c == 0 || kind == 1);
        let mut last_sender = a;
        for k in 0..n {
            // Alternate; the last message of Claire's unread threads comes from the other side,
            // and pass@'s own thread ends with an unread answer from Claire.
            let from_a = if k + 1 == n {
                if c == 0 {
                    false
                } else {
                    unread_for_claire || k % 2 == 0
                }
            } else {
                k % 2 == 0
            };
            let (sender, body) = if from_a {
                (
                    a,
                    if kind == 0 {
                        MESSAGES_USER[(c + k) % MESSAGES_USER.len()]
                    } else {
                        MESSAGES_PRO_PRO[(c + k) % MESSAGES_PRO_PRO.len()]
                    },
                )
            } else {
                (
                    b,
                    if kind == 0 {
                        MESSAGES_PRO[(c + k) % MESSAGES_PRO.len()]
                    } else {
                        MESSAGES_PRO_PRO[(c + k + 1) % MESSAGES_PRO_PRO.len()]
                    },
                )
            };
            messaging::post_message(conn, conv, sender, body, None, t.min(now)).await?;
            last_sender = sender;
            t += Duration::hours(ctx.range(1, 30));
        }
        // The recipients read the thread, except the demo accounts' unread ones.
        let read_at = t.min(now);
        for user in [a, b] {
            let keep_unread = user != last_sender && (user == pass_user || user == claire);
            if !keep_unread {
                messaging::mark_read(conn, conv, user, read_at).await?;
            }
        }
    }
    Ok(())
}

async fn notes(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    let now = ctx.now;
    let mut owners: Vec<Uuid> = ctx
        .members
        .iter()
        .take(21)
        .filter(|m| m.email != "free@spymeo.test")
        .map(|m| m.user_id)
        .collect();
    let mut list: Vec<Uuid> = Vec::new();
    for o in &owners {
        list.push(*o);
        list.push(*o);
    }
    owners = ctx
        .practitioners
        .iter()
        .chain(ctx.artisans.iter())
        .chain(ctx.merchants.iter())
        .map(|p| p.user_id)
        .collect();
    list.extend(owners.iter().take(20));
    for (k, user) in list.into_iter().enumerate() {
        let (title, tags) = NOTE_TITLES[k % NOTE_TITLES.len()];
        community::create_note(
            conn,
            user,
            &NoteInput {
                title: title.into(),
                content: "- Se coucher avant 23 h\n- Tisane de tilleul\n- Dix minutes de lecture sans écran".into(),
                tags: tags.iter().map(|t| (*t).to_owned()).collect(),
                pinned: k % 7 == 0,
            },
            now - Duration::days(ctx.range(0, 90)),
        )
        .await?;
    }
    Ok(())
}

async fn favorites(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    let now = ctx.now;
    let mut targets: Vec<(FavoriteTarget, Uuid)> = Vec::new();
    let queries = [
        (
            FavoriteTarget::Practitioner,
            "SELECT id FROM practitioner_profiles WHERE verified ORDER BY slug",
        ),
        (
            FavoriteTarget::Artisan,
            "SELECT id FROM artisan_profiles WHERE verified ORDER BY slug",
        ),
        (
            FavoriteTarget::Merchant,
            "SELECT id FROM merchant_profiles WHERE verified ORDER BY slug",
        ),
        (
            FavoriteTarget::Center,
            "SELECT id FROM center_profiles WHERE verified ORDER BY slug",
        ),
        (
            FavoriteTarget::Product,
            "SELECT id FROM products WHERE status = 'ACTIVE' ORDER BY slug LIMIT 12",
        ),
        (
            FavoriteTarget::Service,
            "SELECT id FROM artisan_services WHERE status = 'ACTIVE' ORDER BY slug LIMIT 8",
        ),
        (
            FavoriteTarget::Formation,
            "SELECT id FROM formations WHERE status = 'PUBLISHED' ORDER BY slug",
        ),
        (
            FavoriteTarget::Article,
            "SELECT id FROM articles WHERE status = 'PUBLISHED' ORDER BY slug",
        ),
    ];
    for (kind, sql) in queries {
        let ids: Vec<Uuid> = sqlx::query_scalar(sql).fetch_all(&mut *conn).await?;
        targets.extend(ids.into_iter().map(|id| (kind, id)));
    }
    // pass@ and free@ first, then the other active members.
    let users: Vec<Uuid> = ctx.members.iter().take(45).map(|m| m.user_id).collect();
    let mut added = 0;
    let mut k = 0usize;
    while added < 120 && k < 2000 {
        let user = if k < 16 {
            users[k % 2]
        } else {
            users[k % users.len()]
        };
        let (kind, id) = targets[(k * 7 + k / 5) % targets.len()];
        if community::add_favorite(
            conn,
            user,
            kind,
            id,
            now - Duration::days(ctx.range(0, 120)),
        )
        .await?
        {
            added += 1;
        }
        k += 1;
    }
    Ok(())
}

async fn advantages_and_impact(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    let now = ctx.now;
    let offers = [
        (
            "-15 % sur la première séance pour les pros du réseau",
            AdvantageType::Reduction,
            Some(15),
        ),
        (
            "Échange de séances entre praticiens",
            AdvantageType::Echange,
            None,
        ),
        (
            "Invitation à notre atelier découverte",
            AdvantageType::Invitation,
            None,
        ),
        (
            "-10 % sur toute la boutique",
            AdvantageType::Reduction,
            Some(10),
        ),
        (
            "Prêt de salle le samedi après-midi",
            AdvantageType::Echange,
            None,
        ),
    ];
    let owners: Vec<Uuid> = ctx
        .practitioners
        .iter()
        .take(6)
        .chain(ctx.artisans.iter().take(3))
        .chain(ctx.merchants.iter().take(3))
        .chain(ctx.centers.iter())
        .map(|p| p.user_id)
        .collect();
    for (k, owner) in owners.iter().enumerate().take(15) {
        let (title, kind, pct) = offers[k % offers.len()];
        community::create_advantage(
            conn,
            *owner,
            &AdvantageInput {
                title: title.into(),
                kind,
                description: Some("Sur présentation de votre espace pro SPYMEO.".into()),
                percentage: pct,
            },
            now - Duration::days(ctx.range(5, 120)),
        )
        .await?;
    }
    let opportunities = [
        (
            OpportunityKind::InterventionB2b,
            "Atelier bien-être en entreprise",
            "Groupe Mutualiste Bourgogne",
            "Dijon / Remote",
        ),
        (
            OpportunityKind::Emploi,
            "Chargé(e) d'ateliers nutrition",
            "Maison de santé des Pentes",
            "Lyon",
        ),
        (
            OpportunityKind::InterventionB2b,
            "Séances de sophrologie pour soignants",
            "Centre hospitalier de Beaune",
            "Beaune",
        ),
        (
            OpportunityKind::Emploi,
            "Praticien(ne) en massage bien-être (CDI 24 h)",
            "Spa Les Thermes du Parc",
            "Bordeaux",
        ),
    ];
    let mut ids = Vec::new();
    for (kind, title, company, location) in opportunities {
        ids.push(
            community::create_opportunity(
                conn,
                ctx.admin,
                &OpportunityInput {
                    kind,
                    title: title.into(),
                    company: company.into(),
                    location: Some(location.into()),
                    description: format!(
                        "{company} recherche un(e) professionnel(le) du réseau SPYMEO : {title}."
                    ),
                    apply_url: None,
                },
                now - Duration::days(45),
            )
            .await?,
        );
    }
    for (k, p) in [0usize, 2, 9].into_iter().enumerate() {
        let user = ctx.practitioners[p].user_id;
        community::apply(
            conn,
            user,
            ids[k % 2],
            Some("Bonjour, je serais ravie d'intervenir, voici mes disponibilités."),
            now - Duration::days(20 - k as i64),
        )
        .await?;
    }
    Ok(())
}

/// 80 manual expenses for the pros, 30 of them with a scanned receipt.
async fn expenses(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    let now = ctx.now;
    let mut owners: Vec<Uuid> = ctx.practitioners.iter().map(|p| p.user_id).collect();
    owners.extend(
        ctx.artisans
            .iter()
            .chain(ctx.merchants.iter())
            .chain(ctx.centers.iter())
            .map(|p| p.user_id),
    );
    for k in 0..80usize {
        // Claire gets a fuller ledger.
        let owner = if k < 12 {
            owners[0]
        } else {
            owners[k % owners.len()]
        };
        let (label, category, cents, rate) = EXPENSES[k % EXPENSES.len()];
        let at = now - Duration::days(ctx.range(1, 150));
        let receipt = if k % 8 < 3 {
            Some(
                documents::create_document(
                    conn,
                    owner,
                    &NewDocument {
                        category: DocumentCategory::Receipt,
                        client_id: None,
                        shared_with_user_id: None,
                        appointment_id: None,
                        resource_id: None,
                        title: format!("Justificatif – {label}"),
                        mime_type: if k % 2 == 0 {
                            "application/pdf".into()
                        } else {
                            "image/jpeg".into()
                        },
                        storage_key: Some(format!("receipts/{owner}/{k}")),
                        size_bytes: Some(ctx.range(30_000, 2_000_000)),
                    },
                    at,
                )
                .await?,
            )
        } else {
            None
        };
        add_manual_entry(
            conn,
            owner,
            &ManualEntry {
                entry_date: crate::domain::paris_date(at),
                kind: PrecomptaType::Expense,
                label: label.into(),
                counterparty: Some(
                    [
                        "Foncia",
                        "Pranarôm",
                        "MAAF Pro",
                        "Doctolib",
                        "IFSH",
                        "Banque Populaire",
                        "Bureau Vallée",
                        "SNCF",
                        "FENAHMAN",
                        "Orange",
                    ][k % 10]
                        .into(),
                ),
                category: Some(category.into()),
                piece_ref: Some(format!("DEP-{:04}", k + 1)),
                amount_ttc_cents: cents + 100 * ctx.range(0, 20) as i32,
                vat_rate_bp: Some(rate),
                payment_method: Some(if k % 3 == 0 {
                    PaymentMethod::Transfer
                } else {
                    PaymentMethod::Card
                }),
                receipt_document_id: receipt,
            },
            at,
        )
        .await?;
    }
    // A few personal documents uploaded by members.
    for k in 0..10usize {
        let m = ctx.members[k * 3 % 44].user_id;
        documents::create_document(
            conn,
            m,
            &NewDocument {
                category: DocumentCategory::Personal,
                client_id: None,
                shared_with_user_id: None,
                appointment_id: None,
                resource_id: None,
                title: [
                    "Ordonnance",
                    "Analyse de sang",
                    "Programme sportif",
                    "Journal alimentaire",
                    "Carte de mutuelle",
                ][k % 5]
                    .into(),
                mime_type: "application/pdf".into(),
                storage_key: Some(format!("personal/{m}/{k}.pdf")),
                size_bytes: Some(ctx.range(30_000, 900_000)),
            },
            now - Duration::days(ctx.range(1, 90)),
        )
        .await?;
    }
    Ok(())
}

/// Everyone has read what is older than a few days, except the two demo accounts' message
/// notifications, which stay unread for the demo.
async fn read_notifications(ctx: &mut Ctx, conn: &mut Conn) -> Result<()> {
    let now = ctx.now;
    let users: Vec<Uuid> = sqlx::query_scalar("SELECT DISTINCT user_id FROM notifications")
        .fetch_all(&mut *conn)
        .await?;
    let demo = [ctx.members[0].user_id, ctx.practitioners[0].user_id];
    let mut users = users;
    users.sort();
    for user in users {
        if demo.contains(&user) {
            let old: Vec<Uuid> = sqlx::query_scalar(
                "SELECT id FROM notifications WHERE user_id = $1 AND type <> 'MESSAGE_RECEIVED' AND created_at <= $2",
            )
            .bind(user)
            .bind(now - Duration::days(10))
            .fetch_all(&mut *conn)
            .await?;
            for id in old {
                crate::db::notifications::mark_read(conn, user, id, now - Duration::days(10))
                    .await?;
            }
        } else {
            crate::db::notifications::mark_all_read(conn, user, now - Duration::days(4)).await?;
        }
    }
    Ok(())
}
