//! The PostgreSQL enums of DOMAIN.md §2 as Rust types. JSON and SQL both use the
//! SCREAMING_SNAKE_CASE labels.

macro_rules! pg_enum {
    ($(#[$m:meta])* $name:ident = $pg:literal { $($variant:ident => $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::Type, serde::Serialize, serde::Deserialize)]
        #[sqlx(type_name = $pg, rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $(#[sqlx(rename = $label)] #[serde(rename = $label)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($label => Ok($name::$variant),)+
                    _ => Err(crate::Error::validation(format!(concat!("valeur inconnue pour ", $pg, " : {}"), s))),
                }
            }
        }
    };
}

pg_enum!(Role = "role" {
    FreeUser => "FREE_USER", PassUser => "PASS_USER", Practitioner => "PRACTITIONER",
    Artisan => "ARTISAN", Commercant => "COMMERCANT", Center => "CENTER", Admin => "ADMIN",
});

impl Role {
    pub fn is_pro(self) -> bool {
        matches!(
            self,
            Role::Practitioner | Role::Artisan | Role::Commercant | Role::Center
        )
    }
}

pg_enum!(UserStatus = "user_status" {
    Active => "ACTIVE", PendingValidation => "PENDING_VALIDATION", PendingPayment => "PENDING_PAYMENT",
    Rejected => "REJECTED", Suspended => "SUSPENDED",
});
pg_enum!(ApplicationStatus = "application_status" {
    Pending => "PENDING", Approved => "APPROVED", Rejected => "REJECTED",
});
pg_enum!(PassPlan = "pass_plan" { Monthly => "MONTHLY", Annual => "ANNUAL" });
pg_enum!(PassStatus = "pass_status" {
    PendingPayment => "PENDING_PAYMENT", Active => "ACTIVE", Paused => "PAUSED",
    PastDue => "PAST_DUE", Cancelled => "CANCELLED", Expired => "EXPIRED",
});
pg_enum!(CarnetStatus = "carnet_shipment_status" {
    NotEligible => "NOT_ELIGIBLE", Pending => "PENDING", Processing => "PROCESSING",
    Shipped => "SHIPPED", Delivered => "DELIVERED",
});
pg_enum!(PaymentStatus = "payment_status" { Paid => "PAID", Failed => "FAILED", Refunded => "REFUNDED" });
pg_enum!(PassResourceType = "pass_resource_type" { Podcast => "PODCAST", Booklet => "BOOKLET", Video => "VIDEO" });
pg_enum!(PartnerKind = "partner_kind" {
    Practitioner => "PRACTITIONER", Artisan => "ARTISAN", Commercant => "COMMERCANT", Center => "CENTER",
});
pg_enum!(AppointmentStatus = "appointment_status" {
    Scheduled => "SCHEDULED", Confirmed => "CONFIRMED", Cancelled => "CANCELLED",
    Completed => "COMPLETED", NoShow => "NO_SHOW",
});
pg_enum!(AppointmentSource = "appointment_source" { Online => "ONLINE", Pro => "PRO" });
pg_enum!(LocationKind = "location_kind" { Cabinet => "CABINET", Visio => "VISIO", Domicile => "DOMICILE" });
pg_enum!(CancelActor = "cancel_actor" {
    Client => "CLIENT", Practitioner => "PRACTITIONER", Admin => "ADMIN", System => "SYSTEM",
});
pg_enum!(AntecedentCategory = "antecedent_category" {
    Medical => "MEDICAL", Surgical => "SURGICAL", Family => "FAMILY", Allergy => "ALLERGY",
    Treatment => "TREATMENT", Lifestyle => "LIFESTYLE", Other => "OTHER",
});
pg_enum!(InvoiceKind = "invoice_kind" { Invoice => "INVOICE", CreditNote => "CREDIT_NOTE" });
pg_enum!(InvoiceStatus = "invoice_status" {
    Draft => "DRAFT", Issued => "ISSUED", Paid => "PAID", Cancelled => "CANCELLED",
});
pg_enum!(NumberSeries = "number_series" {
    Invoice => "INVOICE", CreditNote => "CREDIT_NOTE", ArtisanOrder => "ARTISAN_ORDER",
    MerchantOrder => "MERCHANT_ORDER",
});
pg_enum!(PaymentMethod = "payment_method" {
    Card => "CARD", Cash => "CASH", Cheque => "CHEQUE", Transfer => "TRANSFER", Other => "OTHER",
});
pg_enum!(CatalogStatus = "catalog_status" {
    Draft => "DRAFT", Active => "ACTIVE", Paused => "PAUSED", Archived => "ARCHIVED",
});
pg_enum!(ArtisanOrderStatus = "artisan_order_status" {
    Pending => "PENDING", Confirmed => "CONFIRMED", Paid => "PAID", Completed => "COMPLETED",
    Cancelled => "CANCELLED",
});
pg_enum!(MerchantOrderStatus = "merchant_order_status" {
    Pending => "PENDING", Paid => "PAID", Shipped => "SHIPPED", Delivered => "DELIVERED",
    Cancelled => "CANCELLED", Refunded => "REFUNDED",
});
pg_enum!(StockMovementType = "stock_movement_type" { In => "IN", Out => "OUT", Adjustment => "ADJUSTMENT" });
pg_enum!(FormationStatus = "formation_status" { Draft => "DRAFT", Published => "PUBLISHED", Archived => "ARCHIVED" });
pg_enum!(SessionStatus = "session_status" {
    Open => "OPEN", Full => "FULL", Cancelled => "CANCELLED", Completed => "COMPLETED",
});
pg_enum!(EnrollmentStatus = "enrollment_status" {
    Registered => "REGISTERED", Cancelled => "CANCELLED", Completed => "COMPLETED",
});
pg_enum!(DocumentKind = "document_kind" {
    Pdf => "PDF", Image => "IMAGE", Spreadsheet => "SPREADSHEET", Text => "TEXT", Other => "OTHER",
});
pg_enum!(DocumentCategory = "document_category" {
    ClientFile => "CLIENT_FILE", Shared => "SHARED", Receipt => "RECEIPT",
    Application => "APPLICATION", Personal => "PERSONAL",
});
pg_enum!(ResourceFormat = "resource_format" {
    Pdf => "PDF", Sheet => "SHEET", Doc => "DOC", Video => "VIDEO", Audio => "AUDIO", Link => "LINK",
});
pg_enum!(SkillLevel = "skill_level" { Debutant => "DEBUTANT", Intermediaire => "INTERMEDIAIRE", Avance => "AVANCE" });
pg_enum!(LessonKind = "lesson_kind" { Cours => "COURS", Guide => "GUIDE", Atelier => "ATELIER" });
pg_enum!(ProgressStatus = "progress_status" {
    NotStarted => "NOT_STARTED", InProgress => "IN_PROGRESS", Completed => "COMPLETED",
});
pg_enum!(FavoriteTarget = "favorite_target" {
    Practitioner => "PRACTITIONER", Artisan => "ARTISAN", Merchant => "MERCHANT", Center => "CENTER",
    Product => "PRODUCT", Service => "SERVICE", Formation => "FORMATION", Article => "ARTICLE",
});
pg_enum!(ArticleStatus = "article_status" {
    Draft => "DRAFT", Submitted => "SUBMITTED", NeedsChanges => "NEEDS_CHANGES", Rejected => "REJECTED",
    Published => "PUBLISHED", Archived => "ARCHIVED",
});
pg_enum!(AdvantageType = "advantage_type" { Reduction => "REDUCTION", Echange => "ECHANGE", Invitation => "INVITATION" });
pg_enum!(OpportunityKind = "opportunity_kind" { Emploi => "EMPLOI", InterventionB2b => "INTERVENTION_B2B" });
pg_enum!(NotificationType = "notification_type" {
    AppointmentBooked => "APPOINTMENT_BOOKED", AppointmentConfirmed => "APPOINTMENT_CONFIRMED",
    AppointmentCancelled => "APPOINTMENT_CANCELLED", AppointmentRescheduled => "APPOINTMENT_RESCHEDULED",
    AppointmentReminder => "APPOINTMENT_REMINDER", MessageReceived => "MESSAGE_RECEIVED",
    ProApproved => "PRO_APPROVED", ProRejected => "PRO_REJECTED", PassActivated => "PASS_ACTIVATED",
    PassPaymentFailed => "PASS_PAYMENT_FAILED", PassExpired => "PASS_EXPIRED",
    CarnetShipped => "CARNET_SHIPPED", ArticleReviewed => "ARTICLE_REVIEWED",
    ResourceShared => "RESOURCE_SHARED", SessionCancelled => "SESSION_CANCELLED",
});
pg_enum!(PrecomptaType = "precompta_type" {
    Sale => "SALE", Refund => "REFUND", Expense => "EXPENSE", Adjustment => "ADJUSTMENT",
});
pg_enum!(PrecomptaSource = "precompta_source" {
    Invoice => "INVOICE", ArtisanOrder => "ARTISAN_ORDER", MerchantOrder => "MERCHANT_ORDER",
    Enrollment => "ENROLLMENT", Manual => "MANUAL",
});
pg_enum!(LegalStatus = "legal_status" { Micro => "MICRO", Ei => "EI", Eurl => "EURL", Sasu => "SASU", Sas => "SAS" });
pg_enum!(VatScheme = "vat_scheme" {
    Franchise => "FRANCHISE", ReelSimplifie => "REEL_SIMPLIFIE", ReelNormal => "REEL_NORMAL",
});
pg_enum!(DeclarationPeriodicity = "declaration_periodicity" { Monthly => "MONTHLY", Quarterly => "QUARTERLY" });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), *r);
        }
        assert_eq!(
            serde_json::to_string(&NotificationType::AppointmentBooked).unwrap(),
            "\"APPOINTMENT_BOOKED\""
        );
        assert_eq!(
            OpportunityKind::InterventionB2b.as_str(),
            "INTERVENTION_B2B"
        );
        assert!("NOPE".parse::<PassPlan>().is_err());
    }
}
