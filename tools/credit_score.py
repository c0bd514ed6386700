# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The payment score of a customer: 100 minus penalties, each penalty coming from
one figure of its payment history, so that every point lost can be explained.

Kept free of the ORM: the figures come in, the score and its explanation go out.
"""

from dataclasses import dataclass, field

GRADES = ("A", "B", "C", "D")


@dataclass(frozen=True)
class ScoreWeights:
    """The settings of the score (company fields, see res.company)."""

    late_share: float = 30.0  # points for paying every invoice late
    days_late: float = 1.0  # points per day late on average (amount-weighted)
    days_late_cap: float = 25.0
    overdue_days: float = 0.5  # points per day of the oldest overdue installment
    overdue_days_cap: float = 20.0
    broken_promise: float = 10.0  # points per broken promise to pay
    broken_promise_cap: float = 20.0
    breached_plan: float = 20.0  # points per breached installment plan
    breached_plan_cap: float = 40.0
    dispute: float = 5.0  # points per disputed invoice
    dispute_cap: float = 15.0
    min_history: int = 3  # invoices paid in 12 months to be fully rated
    new_customer_cap: float = 70.0  # highest score with less history than that
    grade_a: float = 80.0  # lowest score of each grade
    grade_b: float = 60.0
    grade_c: float = 40.0


@dataclass(frozen=True)
class PaymentHistory:
    """What a customer did over the last 12 months, and what it owes today."""

    paid_count: int = 0  # invoices fully paid in the last 12 months
    late_count: int = 0  # of which paid after their due date
    avg_days_late: float = 0.0  # days late on average, weighted by amount
    overdue_amount: float = 0.0  # company currency
    oldest_overdue_days: int = 0
    broken_promises: int = 0
    breached_plans: int = 0
    disputes: int = 0

    @property
    def on_time_share(self):
        """Share of the invoices paid in 12 months that were paid by their due
        date (1.0 without history: nothing was paid late)."""
        if not self.paid_count:
            return 1.0
        return (self.paid_count - self.late_count) / self.paid_count


@dataclass(frozen=True)
class Penalty:
    """Points lost for one figure."""

    key: str
    figure: float
    points: float


@dataclass(frozen=True)
class Score:
    score: int
    grade: str
    penalties: list = field(default_factory=list)
    capped_at: float | None = None  # the new-customer cap, when it applied


def _penalty(key, figure, weight, cap=None):
    points = figure * weight
    if cap is not None:
        points = min(points, cap)
    return Penalty(key, figure, round(points, 2))


def compute_score(history, weights=None):
    """The score (0-100), its grade and the penalties that explain it."""
    weights = weights or ScoreWeights()
    penalties = [
        _penalty("late_share", 1.0 - history.on_time_share, weights.late_share),
        _penalty(
            "days_late",
            history.avg_days_late,
            weights.days_late,
            weights.days_late_cap,
        ),
        _penalty(
            "overdue_days",
            history.oldest_overdue_days,
            weights.overdue_days,
            weights.overdue_days_cap,
        ),
        _penalty(
            "broken_promises",
            history.broken_promises,
            weights.broken_promise,
            weights.broken_promise_cap,
        ),
        _penalty(
            "breached_plans",
            history.breached_plans,
            weights.breached_plan,
            weights.breached_plan_cap,
        ),
        _penalty("disputes", history.disputes, weights.dispute, weights.dispute_cap),
    ]
    value = 100.0 - sum(p.points for p in penalties)
    capped_at = None
    if history.paid_count < weights.min_history and value > weights.new_customer_cap:
        value = weights.new_customer_cap
        capped_at = weights.new_customer_cap
    score = max(0, min(100, int(value + 0.5)))
    return Score(score, grade_of(score, weights), penalties, capped_at)


def grade_of(score, weights=None):
    weights = weights or ScoreWeights()
    if score >= weights.grade_a:
        return "A"
    if score >= weights.grade_b:
        return "B"
    if score >= weights.grade_c:
        return "C"
    return "D"
