//! The professionals' charters (`/legal/charte-*`, DOMAIN.md §8.1): what each kind of member
//! commits to when it joins. Static text, kept here rather than in the database because it
//! changes with the terms of use, through a release, never through the admin.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{Ctx, Layout, render};
use crate::error::{Error, Result};
use crate::state::AppState;

pub struct Charter {
    pub slug: &'static str,
    /// "Charte des praticiens"
    pub title: &'static str,
    pub intro: &'static str,
    /// Commitments of this kind of member, after the common ones.
    pub own: &'static [&'static str],
}

/// What every professional commits to, whatever its kind.
pub const COMMON: &[&str] = &[
    "Présenter sur sa fiche des informations exactes et à jour : identité, adresse, tarifs, disponibilités, diplômes ou certifications.",
    "Afficher ses prix toutes taxes comprises et ne jamais facturer au-delà du tarif annoncé ou convenu.",
    "Honorer les avantages PASS annoncés (réduction, offre) à tout membre qui présente un PASS valide.",
    "Répondre aux messages des membres dans un délai raisonnable et avec courtoisie.",
    "Protéger les données personnelles confiées (RGPD) et ne jamais les utiliser à d'autres fins que la relation avec le client.",
    "Signaler à SPYMEO tout changement de situation (cessation d'activité, changement de statut, perte d'une certification).",
];

pub const CHARTERS: &[Charter] = &[
    Charter {
        slug: "charte-praticiens",
        title: "Charte des praticiens",
        intro: "Les praticiens du bien-être référencés sur SPYMEO s'engagent à exercer dans le respect de leurs clients et de leur champ de compétence.",
        own: &[
            "Ne jamais se présenter comme professionnel de santé, ne poser aucun diagnostic médical et ne jamais conseiller d'interrompre un traitement prescrit.",
            "Orienter vers un médecin toute personne dont l'état le justifie.",
            "Garder le secret sur tout ce qui est confié en séance ; les fiches clients et notes de consultation ne sont visibles que du praticien.",
            "Tenir son agenda à jour : un créneau ouvert à la réservation en ligne est un créneau réellement disponible.",
            "Prévenir le client au plus tôt en cas d'annulation de sa part et lui proposer un autre rendez-vous.",
            "Remettre une facture pour chaque séance payée.",
        ],
    },
    Charter {
        slug: "charte-artisans",
        title: "Charte des artisans",
        intro: "Les artisans du bien-être référencés sur SPYMEO s'engagent sur la qualité et la transparence de ce qu'ils fabriquent.",
        own: &[
            "Décrire honnêtement la composition, l'origine des matières et le mode de fabrication de chaque création.",
            "Respecter la réglementation applicable à leurs produits (cosmétiques, bougies, textiles…) et tenir les documents correspondants à disposition.",
            "Annoncer un délai de réalisation réaliste et prévenir le client de tout retard.",
            "Suivre chaque commande jusqu'à sa livraison ou son retrait, et rembourser une commande annulée.",
        ],
    },
    Charter {
        slug: "charte-commercants",
        title: "Charte des commerçants",
        intro: "Les commerces bien-être référencés sur SPYMEO s'engagent à proposer des produits sûrs, bien décrits et réellement disponibles.",
        own: &[
            "Tenir le stock affiché à jour : un produit indiqué en stock peut être acheté.",
            "Indiquer pour chaque produit son prix TTC et son taux de TVA.",
            "Ne vendre que des produits conformes à la réglementation (compléments alimentaires, huiles essentielles, cosmétiques) et en donner les précautions d'emploi.",
            "Rembourser un produit retourné dans les conditions annoncées en boutique.",
        ],
    },
    Charter {
        slug: "charte-centres",
        title: "Charte des centres de formation",
        intro: "Les centres de formation référencés sur SPYMEO s'engagent sur le contenu, l'organisation et le suivi de leurs formations.",
        own: &[
            "Publier pour chaque formation son programme, sa durée, son prix, les prérequis et la certification obtenue, le cas échéant.",
            "Ne pas inscrire plus d'apprenants qu'une session n'a de places.",
            "Prévenir les inscrits au plus tôt du report ou de l'annulation d'une session et rembourser les sommes versées.",
            "Suivre la présence des apprenants et remettre une attestation de fin de formation.",
            "Afficher la certification Qualiopi uniquement lorsqu'elle est en cours de validité.",
        ],
    },
];

#[derive(Template)]
#[template(path = "public/charter.html")]
pub struct CharterPage {
    pub layout: Layout,
    pub charter: &'static Charter,
    pub common: &'static [&'static str],
    pub others: Vec<&'static Charter>,
}

pub async fn charter(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(slug): Path<String>,
) -> Result<Response> {
    let charter = CHARTERS
        .iter()
        .find(|c| c.slug == slug)
        .ok_or_else(Error::not_found)?;
    let page = CharterPage {
        layout: ctx.layout(&state, charter.title, charter.intro),
        charter,
        common: COMMON,
        others: CHARTERS.iter().filter(|c| c.slug != slug).collect(),
    };
    Ok(render(StatusCode::OK, &page))
}
