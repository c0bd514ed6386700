# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..tools import ledger_replay
from ..tools.credit_score import PaymentHistory, ScoreWeights, compute_score
from .common import CreditCollectionCommon


@tagged("post_install", "-at_install")
class TestCreditScoreFormula(CreditCollectionCommon):
    """The formula alone, with the default weights."""

    def test_every_point_comes_from_one_figure(self):
        history = PaymentHistory(
            paid_count=4,
            late_count=1,
            avg_days_late=7.5,
            oldest_overdue_days=12,
            broken_promises=1,
            breached_plans=1,
            disputes=1,
        )
        result = compute_score(history)
        points = {p.key: p.points for p in result.penalties}
        # 30 x 1/4; 7.5 x 1; 12 x 0.5; 10 per promise; 20 per plan; 5 per dispute
        self.assertEqual(
            points,
            {
                "late_share": 7.5,
                "days_late": 7.5,
                "overdue_days": 6.0,
                "broken_promises": 10.0,
                "breached_plans": 20.0,
                "disputes": 5.0,
            },
        )
        self.assertEqual(result.score, 44)  # 100 - 56
        self.assertEqual(result.grade, "C")
        self.assertIsNone(result.capped_at)

    def test_caps_and_grade_boundaries(self):
        result = compute_score(
            PaymentHistory(
                paid_count=10,
                late_count=10,
                avg_days_late=90,
                oldest_overdue_days=200,
                broken_promises=5,
                breached_plans=3,
                disputes=9,
            )
        )
        # 30 + 25 (cap) + 20 (cap) + 20 (cap) + 40 (cap) + 15 (cap) = 150 -> 0
        self.assertEqual(result.score, 0)
        self.assertEqual(result.grade, "D")
        # (late of 10 paid: 3 points each, days late: 1 point each) -> score
        weights = ScoreWeights()
        for late, days, score, grade in (
            (0, 20, 80, "A"),
            (0, 21, 79, "B"),
            (5, 25, 60, "B"),
            (6, 23, 59, "C"),
            (10, 25, 45, "C"),
        ):
            result = compute_score(
                PaymentHistory(paid_count=10, late_count=late, avg_days_late=days),
                weights,
            )
            self.assertEqual((result.score, result.grade), (score, grade))
        result = compute_score(
            PaymentHistory(
                paid_count=10, late_count=10, avg_days_late=25, oldest_overdue_days=12
            ),
            weights,
        )
        self.assertEqual((result.score, result.grade), (39, "D"))  # 100 - 30 - 25 - 6

    def test_little_history_is_capped(self):
        result = compute_score(PaymentHistory(paid_count=2))
        self.assertEqual(result.score, 70)
        self.assertEqual(result.grade, "B")
        self.assertEqual(result.capped_at, 70)
        result = compute_score(PaymentHistory(paid_count=3))
        self.assertEqual((result.score, result.grade), (100, "A"))


@tagged("post_install", "-at_install")
class TestCreditScore(CreditCollectionCommon):
    """A customer's last 12 months, as of 2024-06-30:

        invoice  amount  due         paid        days late
        A        1000    2024-01-31  2024-01-31  0
        B        3000    2024-02-29  2024-03-10  10
        C        1000    2024-03-31  2024-04-30  30
        D         500    2024-05-31  open        30 overdue

    3 invoices paid, 2 late (on time 1/3 = 33.3%); average days late weighted by
    amount (1000 x 0 + 3000 x 10 + 1000 x 30) / 5000 = 12.0; oldest overdue 30 days.
    Points: 30 x 2/3 = 20, 12 x 1 = 12, 30 x 0.5 = 15: 100 - 47 = 53, grade C.
    Invoiced in 12 months 5500 -> 458.33 a month; grade C suggests 1 month.
    Risk 500 x (100 - 53) / 100 = 235.00."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.currency_id = cls.env.ref("base.EUR")
        cls.invoices = {}
        for name, amount, due, paid in (
            ("A", 1000.0, "2024-01-31", "2024-01-31"),
            ("B", 3000.0, "2024-02-29", "2024-03-10"),
            ("C", 1000.0, "2024-03-31", "2024-04-30"),
            ("D", 500.0, "2024-05-31", None),
        ):
            invoice = cls.create_invoice(
                cls.customer, amount, due, invoice_date=f"{due[:8]}01"
            )
            if paid:
                cls.pay(invoice, amount, paid)
            cls.invoices[name] = invoice

    def _score(self, on="2024-06-30"):
        with freeze_time(on):
            self.run_on(on)
        return self.customer.with_company(self.company)

    def test_figures_score_and_limit(self):
        partner = self._score()
        self.assertEqual(partner.credit_collection_paid_count, 3)
        self.assertEqual(partner.credit_collection_late_count, 2)
        self.assertEqual(partner.credit_collection_on_time_share, 33.3)
        self.assertEqual(partner.credit_collection_avg_days_late, 12.0)
        self.assertEqual(partner.credit_collection_overdue_amount, 500.0)
        self.assertEqual(partner.credit_collection_oldest_overdue_days, 30)
        self.assertEqual(partner.credit_collection_score, 53)
        self.assertEqual(partner.credit_collection_grade, "C")
        self.assertEqual(partner.credit_collection_monthly_invoiced, 458.33)
        self.assertEqual(partner.credit_collection_suggested_limit, 458.33)
        self.assertEqual(partner.credit_collection_risk, 235.0)
        self.assertEqual(partner.credit_collection_score_date, date(2024, 6, 30))
        explanation = str(partner.credit_collection_score_explanation)
        self.assertIn("Invoices paid late in 12 months: 2 of 3", explanation)
        self.assertIn("-20", explanation)
        self.assertIn("-12", explanation)
        self.assertIn("-15", explanation)
        self.assertIn("Score 53, grade C", explanation)

    def test_promises_and_disputes_count(self):
        with freeze_time("2024-06-03"):
            self.invoices["D"]._register_credit_collection_promise(
                date(2024, 6, 5), 500.0
            )
        self._score("2024-06-10")  # the promise of 06-05 was not kept
        # a dispute opened and resolved is one disputed invoice, not two
        with freeze_time("2024-06-20"):
            self.invoices["D"]._set_credit_collection_dispute("Wrong quantity")
            self.invoices["D"].action_credit_collection_resolve_dispute()
        partner = self._score()
        self.assertEqual(partner.credit_collection_broken_promise_count, 1)
        self.assertEqual(partner.credit_collection_dispute_count, 1)
        # 53 - 10 (promise) - 5 (dispute)
        self.assertEqual(partner.credit_collection_score, 38)
        self.assertEqual(partner.credit_collection_grade, "D")
        # grade D gets no credit: the smallest amount, as 0 means no limit in Odoo
        self.assertEqual(partner.credit_collection_suggested_limit, 0.01)

    def test_a_year_later_the_history_is_gone(self):
        self.pay(self.invoices["D"], 500.0, "2024-07-15")
        partner = self._score("2025-06-30")
        # only D was paid within the 12 months (45 days late), and it is the only
        # invoice: capped as a customer with little history
        self.assertEqual(partner.credit_collection_paid_count, 1)
        self.assertEqual(partner.credit_collection_avg_days_late, 45.0)
        self.assertEqual(partner.credit_collection_overdue_amount, 0.0)
        self.assertEqual(partner.credit_collection_score, 45)  # 100 - 30 - 25
        self.assertEqual(partner.credit_collection_monthly_invoiced, 0.0)
        self.assertEqual(partner.credit_collection_suggested_limit, 0.0)

    def test_history_keeps_one_row_per_month(self):
        self._score("2024-06-29")
        self._score("2024-06-30")
        self._score("2024-07-01")
        rows = self.env["credit.collection.score.history"].search(
            [("partner_id", "=", self.customer.id)], order="month"
        )
        self.assertEqual(rows.mapped("month"), [date(2024, 6, 1), date(2024, 7, 1)])
        # 06-29: D 29 days overdue -> 14.5 points -> 53.5 -> 54; 06-30: 53
        self.assertEqual(rows[0].score, 53)
        self.assertEqual(rows[0].date, date(2024, 6, 30))

    def test_apply_suggested_limit(self):
        partner = self._score()
        user = new_test_user(
            self.env,
            login="collector",
            groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        with self.assertRaises(AccessError):
            partner.with_user(user).action_apply_credit_collection_limit()
        self.assertEqual(partner.credit_limit, 0.0)
        manager = new_test_user(
            self.env,
            login="collection_manager",
            groups="account.group_account_manager",
            company_id=self.company.id,
        )
        partner.with_user(manager).action_apply_credit_collection_limit()
        self.assertEqual(partner.credit_limit, 458.33)
        note = self.env["credit.collection.event"].search(
            [("partner_id", "=", partner.id), ("channel", "=", "note")]
        )
        self.assertIn("payment score 53 (grade C)", note.note)
        without_history = self.other_customer.with_company(self.company)
        with self.assertRaisesRegex(UserError, "no invoicing"):
            without_history.action_apply_credit_collection_limit()

    def test_scores_are_per_company(self):
        """In a second company the customer owes one invoice of 200.00, 60 days
        overdue and nothing paid: 100 - 20 (overdue, capped) = 80, capped at 70 for
        lack of history: B; its score in the first company stays 53."""
        other_data = self.setup_other_company()
        other = other_data["company"]
        other.partner_id.tz = "UTC"
        self.create_invoice(self.customer, 200.0, "2024-05-01", company_data=other_data)
        self._score()
        with freeze_time("2024-06-30"):
            self.run_on("2024-06-30", company=other)
        in_other = self.customer.with_company(other)
        self.assertEqual(in_other.credit_collection_overdue_amount, 200.0)
        self.assertEqual(in_other.credit_collection_oldest_overdue_days, 60)
        self.assertEqual(
            (in_other.credit_collection_score, in_other.credit_collection_grade),
            (70, "B"),
        )
        self.assertEqual(
            self.customer.with_company(self.company).credit_collection_score, 53
        )

    def test_grade_thresholds_must_decrease(self):
        with self.assertRaises(ValidationError):
            self.company.credit_collection_grade_b = 85.0
        with self.assertRaises(ValidationError):
            self.company.credit_collection_score_dispute = -1.0


@tagged("post_install", "-at_install")
class TestCreditScoreOnTheRealLedger(CreditCollectionCommon):
    """Five customers of the bundled dataset, scored as of its last settlement date
    (2014-01-09), so on what they paid from 2013-01-10 on; their disputed invoices
    are in dispute from their due dates. The dataset's three customers who pay late
    most often (8102-ABPKQ: 26 of 27 invoices late; 0688-XNJRO: 32 of 34;
    9181-HEKGV: 19 of 23) come out in the lowest grades, two customers who never
    pay late in grade A:

    9181-HEKGV  10 paid in the window, 10 late; 15.88 days late on average;
                8 disputes. 100 - 30 - 15.88 - 15 (cap) = 39.12 -> 39, D
    8102-ABPKQ  14 paid, 13 late; 16.01 days; 12 disputes.
                100 - 27.86 - 16.01 - 15 = 41.13 -> 41, C
    0688-XNJRO  21 paid, 19 late; 14.26 days; 4 disputes.
                100 - 27.14 - 14.26 - 15 = 43.60 -> 44, C
    8820-BLYDZ  11 paid, none late, no dispute: 100, A
    6632-CGYHU  11 paid, none late, no dispute: 100, A
    """

    EXPECTED = {
        "9181-HEKGV": (39, "D", 10, 10),
        "8102-ABPKQ": (41, "C", 14, 13),
        "0688-XNJRO": (44, "C", 21, 19),
        "8820-BLYDZ": (100, "A", 11, 0),
        "6632-CGYHU": (100, "A", 11, 0),
    }

    def test_late_payers_get_the_lowest_grades(self):
        self.company.currency_id = self.env.ref("base.EUR")
        ledger = ledger_replay.read_ledger(customers=set(self.EXPECTED))
        replay = ledger_replay.LedgerReplay(
            self.env, ledger, company=self.company
        ).import_ledger()
        replay.replay_payments()
        last_day = max(i.settled_date for i in ledger_replay.read_ledger())
        self.assertEqual(last_day, date(2014, 1, 9))
        self.env["res.partner"]._update_credit_collection_scores(self.company, last_day)
        for customer, expected in self.EXPECTED.items():
            partner = replay.partners[customer].with_company(self.company)
            self.assertEqual(
                (
                    partner.credit_collection_score,
                    partner.credit_collection_grade,
                    partner.credit_collection_paid_count,
                    partner.credit_collection_late_count,
                ),
                expected,
                customer,
            )
        self.assertEqual(
            replay.partners["9181-HEKGV"]
            .with_company(self.company)
            .credit_collection_avg_days_late,
            15.9,
        )
