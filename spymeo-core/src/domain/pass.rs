//! PASS rules that need no database (DOMAIN.md §7.2): prices, the role rule and the carnet
//! eligibility rule.

use super::{CarnetStatus, PassPlan, PassStatus, Role};

pub const MONTHLY_PRICE_CENTS: i32 = 690;
pub const ANNUAL_PRICE_CENTS: i32 = 6900;
/// Monthly subscribers earn the carnet after this many paid months.
pub const CARNET_MONTHS: i32 = 6;
/// Benefits kept after a failed renewal, counted from `current_period_end`.
pub const GRACE_DAYS: i64 = 7;
pub const PAUSE_DAYS: i64 = 30;
/// Rates a partner may offer.
pub const PARTNER_RATES: [i16; 6] = [5, 10, 15, 20, 25, 30];

impl PassPlan {
    pub fn price_cents(self) -> i32 {
        match self {
            PassPlan::Monthly => MONTHLY_PRICE_CENTS,
            PassPlan::Annual => ANNUAL_PRICE_CENTS,
        }
    }

    pub fn months(self) -> i16 {
        match self {
            PassPlan::Monthly => 1,
            PassPlan::Annual => 12,
        }
    }
}

/// The role a member has for a subscription status: PASS benefits while ACTIVE or PAST_DUE.
pub fn member_role(status: Option<PassStatus>) -> Role {
    match status {
        Some(PassStatus::Active | PassStatus::PastDue) => Role::PassUser,
        _ => Role::FreeUser,
    }
}

/// The carnet status after a payment: NOT_ELIGIBLE becomes PENDING on the first annual payment
/// or once six months are paid; any later status is kept (it never goes back).
pub fn carnet_after_payment(
    current: CarnetStatus,
    plan: PassPlan,
    months_paid: i32,
) -> CarnetStatus {
    match current {
        CarnetStatus::NotEligible if plan == PassPlan::Annual || months_paid >= CARNET_MONTHS => {
            CarnetStatus::Pending
        }
        other => other,
    }
}

/// The admin steps of the carnet: PENDING → PROCESSING → SHIPPED → DELIVERED.
pub fn carnet_next(current: CarnetStatus) -> Option<CarnetStatus> {
    match current {
        CarnetStatus::Pending => Some(CarnetStatus::Processing),
        CarnetStatus::Processing => Some(CarnetStatus::Shipped),
        CarnetStatus::Shipped => Some(CarnetStatus::Delivered),
        CarnetStatus::NotEligible | CarnetStatus::Delivered => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carnet_rule() {
        use CarnetStatus::*;
        assert_eq!(
            carnet_after_payment(NotEligible, PassPlan::Annual, 12),
            Pending
        );
        assert_eq!(
            carnet_after_payment(NotEligible, PassPlan::Monthly, 5),
            NotEligible
        );
        assert_eq!(
            carnet_after_payment(NotEligible, PassPlan::Monthly, 6),
            Pending
        );
        assert_eq!(carnet_after_payment(Shipped, PassPlan::Monthly, 1), Shipped);
        assert_eq!(carnet_next(Pending), Some(Processing));
        assert_eq!(carnet_next(Delivered), None);
        assert_eq!(carnet_next(NotEligible), None);
    }

    #[test]
    fn roles() {
        assert_eq!(member_role(Some(PassStatus::PastDue)), Role::PassUser);
        assert_eq!(member_role(Some(PassStatus::Paused)), Role::FreeUser);
        assert_eq!(member_role(None), Role::FreeUser);
        assert_eq!(PassPlan::Annual.months(), 12);
        assert_eq!(PassPlan::Monthly.price_cents(), 690);
    }
}
