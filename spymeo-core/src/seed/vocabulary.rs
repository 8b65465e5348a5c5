//! Reference vocabulary of the demo data (DOMAIN.md §9.1): cities, names, streets,
//! specialties, catalogue items, motifs and texts, all in French.

pub const CITIES: [(&str, &str); 12] = [
    ("Dijon", "21000"),
    ("Lyon", "69002"),
    ("Paris", "75011"),
    ("Bordeaux", "33000"),
    ("Nantes", "44000"),
    ("Lille", "59000"),
    ("Marseille", "13006"),
    ("Toulouse", "31000"),
    ("Strasbourg", "67000"),
    ("Montpellier", "34000"),
    ("Besançon", "25000"),
    ("Beaune", "21200"),
];

pub const SPECIALTIES: [&str; 10] = [
    "Naturopathe",
    "Sophrologue",
    "Réflexologue",
    "Hypnothérapeute",
    "Kinésiologue",
    "Praticien en massage bien-être",
    "Art-thérapeute",
    "Conseillère en fleurs de Bach",
    "Professeur de yoga",
    "Coach en nutrition",
];

pub const ARTISAN_CATEGORIES: [&str; 5] = [
    "Savonnerie artisanale",
    "Céramique",
    "Bougies naturelles",
    "Cosmétiques bio",
    "Tisanes et plantes",
];

pub const MERCHANT_CATEGORIES: [&str; 5] = [
    "Épicerie bio",
    "Herboristerie",
    "Boutique zéro déchet",
    "Librairie bien-être",
    "Magasin de produits naturels",
];

pub const CENTER_DISCIPLINES: [&str; 3] = [
    "École de naturopathie",
    "Institut de sophrologie",
    "Centre de formation en réflexologie",
];

pub const FIRST_NAMES: [&str; 64] = [
    "Julie",
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Emma",
    "Inès",
    "Sarah",
    "Laura",
    "Pauline",
    "Marie",
    "Anaïs",
    "Élodie",
    "Mathilde",
    "Charlotte",
    "Lucie",
    "Clémence",
    "Juliette",
    "Océane",
    "Margaux",
    "Hélène",
    "Sophie",
    "Nathalie",
    "Isabelle",
    "Céline",
    "Aurélie",
    "Émilie",
    "Sandrine",
    "Valérie",
    "Agnès",
    "Bérénice",
    "Noémie",
    "Thomas",
    "Nicolas",
    "Julien",
    "Maxime",
    "Antoine",
    "Alexandre",
    "Kévin",
    "Romain",
    "Hugo",
    "Lucas",
    "Louis",
    "Arthur",
    "Paul",
    "Mathieu",
    "Guillaume",
    "Pierre",
    "Sébastien",
    "Olivier",
    "Benoît",
    "François",
    "Jérôme",
    "Damien",
    "Cédric",
    "Xavier",
    "Yannick",
    "Gaël",
    "Théo",
    "Bastien",
    "Loïc",
    "Rémi",
    "Étienne",
    "Adrien",
];

pub const LAST_NAMES: [&str; 64] = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Gérard",
    "Nguyen",
    "Boyer",
    "Denis",
    "Lemaire",
    "Duval",
    "Joly",
    "Gautier",
    "Roger",
    "Roche",
    "Roy",
    "Noël",
    "Meyer",
];

pub const STREETS: [&str; 24] = [
    "rue de la Liberté",
    "avenue Jean Jaurès",
    "rue Victor Hugo",
    "boulevard Voltaire",
    "rue des Forges",
    "place de la République",
    "rue du Bourg",
    "avenue Foch",
    "rue Pasteur",
    "rue de la Paix",
    "rue Saint-Martin",
    "quai des Célestins",
    "rue des Tanneurs",
    "allée des Tilleuls",
    "rue Monge",
    "rue Chabot-Charny",
    "boulevard Carnot",
    "rue de Metz",
    "avenue de la Gare",
    "rue des Écoles",
    "rue Verrerie",
    "impasse des Lilas",
    "chemin des Vignes",
    "rue du Moulin",
];

pub const ANTECEDENTS: [(&str, &str); 24] = [
    ("MEDICAL", "Migraines chroniques"),
    ("ALLERGY", "Allergie aux pollens"),
    ("SURGICAL", "Appendicectomie (2010)"),
    ("MEDICAL", "Hypothyroïdie traitée"),
    ("ALLERGY", "Intolérance au lactose"),
    ("FAMILY", "Diabète de type 2 (père)"),
    ("FAMILY", "Hypertension artérielle (mère)"),
    ("TREATMENT", "Contraception hormonale"),
    ("TREATMENT", "Lévothyrox 50 µg"),
    ("LIFESTYLE", "Travail de nuit"),
    ("LIFESTYLE", "Sportive, course à pied 3 fois par semaine"),
    ("MEDICAL", "Syndrome de l'intestin irritable"),
    ("MEDICAL", "Eczéma atopique"),
    ("SURGICAL", "Ligamentoplastie du genou"),
    ("ALLERGY", "Allergie aux acariens"),
    ("MEDICAL", "Troubles du sommeil depuis deux ans"),
    ("OTHER", "Grossesse en cours (2e trimestre)"),
    ("LIFESTYLE", "Fumeur, 10 cigarettes par jour"),
    ("MEDICAL", "Asthme léger"),
    ("FAMILY", "Cancer du sein (tante maternelle)"),
    ("TREATMENT", "Antidépresseur (sertraline)"),
    ("MEDICAL", "Endométriose"),
    ("LIFESTYLE", "Alimentation végétarienne"),
    ("OTHER", "Burn-out en 2022"),
];

pub const CONSULTATION_NOTES: [&str; 8] = [
    "Fatigue marquée en fin de journée, digestion lente. Sommeil réparateur mais réveils vers 4 h.",
    "Stress professionnel important, tensions cervicales. Bonne motivation pour changer ses habitudes.",
    "Amélioration nette depuis la dernière séance : moins de ballonnements, énergie plus stable.",
    "Difficultés d'endormissement, écrans tard le soir. Alimentation riche en sucres rapides.",
    "Anxiété liée à un examen. Exercices de respiration bien intégrés.",
    "Douleurs lombaires récurrentes, sédentarité. Souhaite reprendre une activité douce.",
    "Peau réactive, terrain inflammatoire. Envie de travailler sur l'alimentation.",
    "Séance centrée sur la gestion des émotions, bonne détente en fin de séance.",
];

pub const RECOMMENDATIONS: [&str; 8] = [
    "Cohérence cardiaque 3 fois par jour (5 minutes). Tisane de mélisse le soir.",
    "Réduire le café après 14 h, privilégier une collation protéinée à 16 h.",
    "Marche de 30 minutes quotidienne, coucher avant 23 h, pas d'écran la dernière heure.",
    "Cure de magnésium marin pendant un mois, bain de pieds chaud le soir.",
    "Assiette équilibrée : moitié légumes, un quart protéines, un quart céréales complètes.",
    "Auto-massage du plexus solaire avant le coucher, journal de gratitude.",
    "Huile essentielle de lavande vraie en olfaction lors des pics de stress.",
    "Prochaine séance dans trois semaines pour faire le point.",
];

/// Appointment types by specialty: (label, minutes, euros).
pub fn types_for(specialty: &str) -> [(&'static str, i16, i32); 4] {
    match specialty {
        "Naturopathe" => [
            ("Bilan de vitalité", 90, 70),
            ("Consultation de suivi", 60, 55),
            ("Gestion du stress", 60, 60),
            ("Troubles du sommeil", 60, 60),
        ],
        "Sophrologue" => [
            ("Première séance de sophrologie", 60, 60),
            ("Séance de suivi", 45, 50),
            ("Préparation à un examen", 45, 50),
            ("Gestion du stress", 60, 55),
        ],
        "Réflexologue" => [
            ("Réflexologie plantaire", 60, 55),
            ("Réflexologie palmaire", 45, 45),
            ("Séance détente", 30, 35),
            ("Réflexologie plantaire approfondie", 90, 75),
        ],
        "Hypnothérapeute" => [
            ("Séance d'hypnose", 60, 70),
            ("Arrêt du tabac", 90, 90),
            ("Gestion des émotions", 60, 65),
            ("Suivi hypnose", 45, 55),
        ],
        "Kinésiologue" => [
            ("Séance de kinésiologie", 60, 60),
            ("Kinésiologie enfant", 45, 45),
            ("Équilibration", 60, 60),
            ("Suivi kinésiologie", 45, 50),
        ],
        "Praticien en massage bien-être" => [
            ("Massage californien", 60, 65),
            ("Massage aux pierres chaudes", 90, 85),
            ("Massage du dos", 30, 40),
            ("Massage ayurvédique", 75, 75),
        ],
        "Art-thérapeute" => [
            ("Atelier individuel d'art-thérapie", 60, 50),
            ("Séance découverte", 45, 45),
            ("Suivi art-thérapie", 60, 50),
            ("Atelier expression libre", 90, 60),
        ],
        "Conseillère en fleurs de Bach" => [
            ("Consultation fleurs de Bach", 60, 50),
            ("Suivi élixir", 30, 30),
            ("Consultation enfant", 45, 45),
            ("Bilan émotionnel", 60, 55),
        ],
        "Professeur de yoga" => [
            ("Cours de yoga individuel", 60, 55),
            ("Yoga prénatal", 60, 55),
            ("Initiation au pranayama", 45, 45),
            ("Yoga nidra", 45, 45),
        ],
        _ => [
            ("Bilan nutritionnel", 90, 75),
            ("Consultation de suivi", 45, 50),
            ("Rééquilibrage alimentaire", 60, 60),
            ("Nutrition du sportif", 60, 65),
        ],
    }
}

pub fn practitioner_description(specialty: &str, city: &str, years: i16) -> String {
    format!(
        "{specialty} installée à {city} depuis {years} ans, j'accompagne chaque personne avec une approche globale, \
         bienveillante et respectueuse de son rythme. Après un premier échange pour comprendre vos besoins, votre \
         histoire et vos habitudes de vie, nous construisons ensemble un programme personnalisé, simple à mettre en \
         place au quotidien. Mes accompagnements s'adressent aux adultes comme aux adolescents : fatigue persistante, \
         stress, troubles du sommeil, digestion difficile, besoin de retrouver de l'énergie ou de mieux gérer ses \
         émotions. Je travaille en complément du suivi médical, jamais à sa place, et je vous oriente vers un \
         professionnel de santé chaque fois que c'est nécessaire. Les séances ont lieu dans un cabinet calme et \
         lumineux, proche du centre-ville et facilement accessible, ou en visioconférence selon les motifs proposés. \
         Membre du réseau SPYMEO, je propose une réduction aux titulaires du PASS."
    )
}

pub fn shop_description(kind: &str, city: &str) -> String {
    format!(
        "{kind} à {city}. Nous sélectionnons des matières premières locales et biologiques, travaillées avec soin \
         en petites séries. Chaque produit est pensé pour durer, respecter la peau et l'environnement : emballages \
         consignés ou compostables, circuits courts et transparence totale sur la composition. Venez nous rencontrer \
         en boutique ou lors de nos ateliers de découverte, ouverts à toutes et à tous, sur réservation."
    )
}

pub const ARTISAN_SERVICES: [(&str, &str, i32, Option<i16>); 12] = [
    (
        "Atelier fabrication de savon à froid",
        "Atelier",
        4500,
        Some(150),
    ),
    ("Coffret découverte de savons", "Coffret", 2800, None),
    ("Savon surgras au lait d'ânesse", "Savon", 750, None),
    ("Shampoing solide à l'ortie", "Soin capillaire", 950, None),
    ("Atelier initiation au tournage", "Atelier", 6500, Some(180)),
    ("Bol en grès émaillé", "Vaisselle", 3200, None),
    ("Bougie parfumée à la cire de colza", "Bougie", 2200, None),
    ("Atelier création de bougies", "Atelier", 4000, Some(120)),
    ("Baume à lèvres au miel", "Soin", 600, None),
    ("Crème visage à l'aloe vera", "Soin", 2400, None),
    ("Tisane du soir (100 g)", "Tisane", 890, None),
    (
        "Atelier reconnaissance des plantes sauvages",
        "Atelier",
        3500,
        Some(180),
    ),
];

pub const PRODUCTS: [(&str, &str, i32, i16); 20] = [
    ("Miel de lavande bio (500 g)", "Épicerie", 1190, 550),
    (
        "Huile essentielle de lavande vraie (10 ml)",
        "Aromathérapie",
        790,
        2000,
    ),
    (
        "Huile essentielle de ravintsara (10 ml)",
        "Aromathérapie",
        850,
        2000,
    ),
    ("Tisane digestion bio (80 g)", "Tisanes", 690, 550),
    ("Tisane sommeil bio (80 g)", "Tisanes", 720, 550),
    ("Gourde inox 750 ml", "Zéro déchet", 2490, 2000),
    ("Brosse à dents en bambou", "Zéro déchet", 390, 2000),
    ("Bee wrap lot de 3", "Zéro déchet", 1590, 2000),
    ("Livre « Bien dormir au naturel »", "Livres", 1890, 550),
    ("Livre « Cuisine anti-inflammatoire »", "Livres", 2290, 550),
    ("Magnésium marin (60 gélules)", "Compléments", 1450, 550),
    ("Spiruline bio en comprimés", "Compléments", 1990, 550),
    ("Gelée royale fraîche (10 g)", "Épicerie", 2390, 550),
    ("Infusion détox (100 g)", "Tisanes", 790, 550),
    ("Huile de massage à l'arnica", "Soins", 1690, 2000),
    ("Argile verte surfine (300 g)", "Soins", 590, 2000),
    ("Thé vert sencha bio (100 g)", "Épicerie", 990, 550),
    (
        "Coffret aromathérapie essentielle",
        "Aromathérapie",
        3990,
        2000,
    ),
    ("Sac à vrac en coton bio", "Zéro déchet", 490, 2000),
    ("Bougie de massage", "Soins", 1890, 2000),
];

pub const FORMATIONS: [(&str, &str, i16, i32, bool); 12] = [
    (
        "Cursus praticien en naturopathie",
        "Naturopathie",
        1200,
        540000,
        true,
    ),
    (
        "Fleurs de Bach : niveau 1",
        "Naturopathie",
        14,
        29000,
        false,
    ),
    (
        "Nutrition et micronutrition",
        "Naturopathie",
        42,
        89000,
        true,
    ),
    ("Aromathérapie familiale", "Naturopathie", 21, 39000, false),
    (
        "Certification sophrologue",
        "Sophrologie",
        300,
        320000,
        true,
    ),
    (
        "Sophrologie et gestion du stress en entreprise",
        "Sophrologie",
        21,
        69000,
        false,
    ),
    ("Relaxation pour enfants", "Sophrologie", 14, 32000, false),
    (
        "Initiation à la méditation de pleine conscience",
        "Sophrologie",
        12,
        24000,
        false,
    ),
    (
        "Réflexologie plantaire : fondamentaux",
        "Réflexologie",
        70,
        129000,
        true,
    ),
    ("Réflexologie palmaire", "Réflexologie", 21, 45000, false),
    (
        "Réflexologie et périnatalité",
        "Réflexologie",
        14,
        35000,
        false,
    ),
    (
        "Anatomie et physiologie pour praticiens",
        "Réflexologie",
        35,
        59000,
        false,
    ),
];

pub const EXPENSES: [(&str, &str, i32, i16); 10] = [
    ("Loyer cabinet", "Loyer cabinet", 45000, 0),
    ("Huiles essentielles", "Fournitures", 6800, 2000),
    ("Assurance RC Pro", "Assurance", 18000, 0),
    ("Abonnement logiciel de gestion", "Logiciels", 2400, 2000),
    ("Formation continue", "Formation", 35000, 0),
    ("Frais bancaires", "Banque", 1200, 0),
    ("Fournitures de bureau", "Fournitures", 3900, 2000),
    ("Déplacements", "Déplacements", 5600, 1000),
    (
        "Cotisation association professionnelle",
        "Cotisations",
        9000,
        0,
    ),
    ("Téléphone et internet", "Télécoms", 3500, 2000),
];

pub const ARTICLES: [(&str, &str, &[&str]); 18] = [
    (
        "Bien dormir en hiver : 7 habitudes simples",
        "Sommeil",
        &["sommeil", "hiver"],
    ),
    (
        "La cohérence cardiaque expliquée pas à pas",
        "Gestion du stress",
        &["stress", "respiration"],
    ),
    (
        "Que mettre dans son assiette pour avoir de l'énergie ?",
        "Nutrition",
        &["alimentation", "énergie"],
    ),
    (
        "Les fleurs de Bach : mode d'emploi",
        "Bien-être émotionnel",
        &["émotions", "fleurs de bach"],
    ),
    (
        "Réflexologie plantaire : ce qu'il faut savoir",
        "Médecines douces",
        &["réflexologie"],
    ),
    (
        "Digestion : les bons réflexes après les fêtes",
        "Nutrition",
        &["digestion", "alimentation"],
    ),
    (
        "Sophrologie et examens : préparer son mental",
        "Gestion du stress",
        &["stress", "examens"],
    ),
    (
        "Les plantes alliées de l'automne",
        "Phytothérapie",
        &["plantes", "automne"],
    ),
    (
        "Cinq minutes de yoga au réveil",
        "Activité physique",
        &["yoga", "matin"],
    ),
    (
        "Écrans et sommeil : comment décrocher le soir",
        "Sommeil",
        &["sommeil", "écrans"],
    ),
    (
        "Le magnésium, un allié anti-fatigue",
        "Nutrition",
        &["fatigue", "compléments"],
    ),
    (
        "Massage bien-être : les bienfaits du toucher",
        "Médecines douces",
        &["massage", "détente"],
    ),
    (
        "Hypnose : idées reçues et réalités",
        "Médecines douces",
        &["hypnose"],
    ),
    (
        "Jeûne intermittent : pour qui, comment ?",
        "Nutrition",
        &["alimentation"],
    ),
    (
        "Se remettre au sport en douceur",
        "Activité physique",
        &["sport", "reprise"],
    ),
    (
        "Art-thérapie : créer pour aller mieux",
        "Bien-être émotionnel",
        &["créativité", "émotions"],
    ),
    (
        "Aromathérapie : les précautions d'usage",
        "Phytothérapie",
        &["huiles essentielles"],
    ),
    (
        "Prévenir le burn-out : signaux d'alerte",
        "Gestion du stress",
        &["stress", "travail"],
    ),
];

pub fn article_body(title: &str, category: &str) -> String {
    let mut s = format!("# {title}\n\n");
    let paragraphs = [
        "Prendre soin de soi commence souvent par de petits gestes répétés chaque jour. Plutôt que de tout changer \
         d'un coup, choisissez une habitude, tenez-la trois semaines, puis ajoutez-en une autre.",
        "Écoutez les signaux de votre corps : fatigue, tensions, digestion, qualité du sommeil. Ils indiquent \
         souvent ce qui mérite votre attention en priorité.",
        "Un accompagnement par un praticien qualifié permet d'adapter ces conseils à votre situation, en complément \
         de votre suivi médical habituel.",
        "Enfin, soyez indulgent avec vous-même : le bien-être est un chemin, pas une performance.",
    ];
    s.push_str(&format!(
        "## Pourquoi parler de {} ?\n\n",
        category.to_lowercase()
    ));
    for _ in 0..3 {
        for p in paragraphs {
            s.push_str(p);
            s.push_str("\n\n");
        }
    }
    s
}

/// The four lessons of the original academy and their 13 chapters: (title, kind, level,
/// tags, chapters (title, minutes)).
#[allow(clippy::type_complexity)]
pub const LESSONS: [(&str, &str, &str, &[&str], &[(&str, i16)]); 4] = [
    (
        "Choisir son statut juridique",
        "COURS",
        "DEBUTANT",
        &["statut", "micro-entreprise"],
        &[
            ("Micro-entreprise, EI, EURL, SASU : panorama", 15),
            ("Charges sociales et fiscalité", 20),
            ("Franchise de TVA et seuils", 10),
            ("Les démarches de création", 15),
        ],
    ),
    (
        "Construire son identité visuelle",
        "GUIDE",
        "DEBUTANT",
        &["communication", "logo"],
        &[
            ("Définir ses valeurs et sa cible", 15),
            ("Couleurs, typographies et logo", 20),
            ("Décliner son identité sur ses supports", 15),
        ],
    ),
    (
        "Site éco-conçu et SEO local",
        "ATELIER",
        "INTERMEDIAIRE",
        &["site web", "référencement"],
        &[
            ("Les principes de l'éco-conception", 15),
            ("Structurer ses pages", 20),
            ("Référencement local et fiche d'établissement", 20),
        ],
    ),
    (
        "Positionnement et offre",
        "COURS",
        "INTERMEDIAIRE",
        &["offre", "tarifs"],
        &[
            ("Identifier son positionnement", 15),
            ("Construire une offre lisible", 20),
            ("Fixer ses tarifs sereinement", 15),
        ],
    ),
];

pub const MESSAGES_USER: [&str; 8] = [
    "Bonjour, je souhaiterais savoir si vous recevez aussi le samedi matin ?",
    "Merci pour la séance d'hier, je me sens déjà beaucoup plus détendue.",
    "Est-ce que la consultation peut se faire en visio ?",
    "Bonjour, avez-vous encore ce produit en stock ?",
    "Pouvez-vous me rappeler la posologie conseillée pour la tisane ?",
    "Je vais avoir un peu de retard, environ dix minutes. Désolée !",
    "Bonjour, la commande est-elle bien partie ?",
    "Super, merci beaucoup pour votre réponse rapide.",
];

pub const MESSAGES_PRO: [&str; 8] = [
    "Bonjour, oui bien sûr, je vous réserve un créneau samedi à 10 h.",
    "Avec plaisir ! Pensez à bien continuer les exercices de respiration.",
    "Tout à fait, le lien de visioconférence vous sera envoyé la veille.",
    "Oui, il nous en reste quelques-uns, je vous en mets un de côté.",
    "Une tasse le soir, 30 minutes avant le coucher, pendant trois semaines.",
    "Pas de souci, à tout à l'heure.",
    "Oui, elle a été expédiée ce matin, vous recevrez le numéro de suivi par e-mail.",
    "Je vous en prie, belle journée à vous.",
];

pub const MESSAGES_PRO_PRO: [&str; 6] = [
    "Bonjour, je suis aussi praticienne à Dijon, seriez-vous partante pour un atelier commun ?",
    "Avec plaisir ! Je suis disponible en fin de mois, on peut s'appeler ?",
    "Je vous adresse une cliente qui cherche un accompagnement en sophrologie.",
    "Merci pour l'orientation, je la reçois la semaine prochaine.",
    "Votre boutique pourrait-elle déposer quelques flyers à mon cabinet ?",
    "Bien sûr, je vous en apporte une vingtaine jeudi.",
];

pub const NOTE_TITLES: [(&str, &[&str]); 10] = [
    ("Routine du soir", &["sommeil"]),
    ("Idées de menus de la semaine", &["alimentation"]),
    ("Exercices de respiration", &["stress", "respiration"]),
    ("Questions pour ma prochaine séance", &["suivi"]),
    ("Liste de courses bio", &["alimentation"]),
    ("Plantes à tester", &["plantes"]),
    ("Objectifs du trimestre", &["organisation"]),
    ("Idées d'ateliers", &["ateliers"]),
    ("Lectures conseillées", &["lecture"]),
    ("Journal de sommeil", &["sommeil"]),
];
