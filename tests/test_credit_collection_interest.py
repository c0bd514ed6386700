# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date
from decimal import Decimal

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..tools.late_interest import interest_periods, total_interest
from .common import CreditCollectionCommon


@tagged("post_install", "-at_install")
class TestCreditCollectionInterest(CreditCollectionCommon):
    """Italian statutory rates shipped with the module: first half of 2024 4.50 + 8
    = 12.50 %, second half 4.25 + 8 = 12.25 %."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.currency_id = cls.env.ref("base.EUR")
        cls.company.country_id = cls.italy

    def claim(self, invoices, on, compensation=False):
        return invoices._claim_credit_collection_interest(
            date.fromisoformat(on), compensation
        )

    def test_example_of_the_issue(self):
        # 10,000.00 due 2024-03-31, paid 2024-05-30: 60 days (1 April to 30 May)
        # at 12.50 %: 10,000 x 0.125 x 60 / 365 = 205.479... -> 205.48
        invoice = self.create_invoice(self.customer, 10000.0, "2024-03-31")
        self.pay(invoice, 10000.0, "2024-05-30")
        self.assertEqual(
            invoice._get_credit_collection_interest(date(2024, 6, 30)), 205.48
        )

    def test_half_year_boundary_with_a_partial_payment(self):
        # 10,000.00 due 2024-05-22, 4,000.00 paid 2024-07-31, interest to 2024-08-30:
        # 100 days from 23 May. 23 May-30 June: 39 days at 12.50 % on 10,000;
        # 1-31 July: 31 days at 12.25 % on 10,000 (the payment day still counts on
        # the whole); 1-30 August: 30 days at 12.25 % on 6,000.
        # (10,000 x 12.5 x 39 + 10,000 x 12.25 x 31 + 6,000 x 12.25 x 30)
        #   / 100 / 365 = (4,875,000 + 3,797,500 + 2,205,000) / 36,500
        #   = 108,775 / 365 = 298.0136... -> 298.01
        invoice = self.create_invoice(self.customer, 10000.0, "2024-05-22")
        self.pay(invoice, 4000.0, "2024-07-31")
        periods = invoice._get_credit_collection_interest_periods(date(2024, 8, 30))
        [line_periods] = periods.values()
        self.assertEqual(
            [(p.date_from, p.date_to, p.base, p.rate, p.days) for p in line_periods],
            [
                (date(2024, 5, 23), date(2024, 6, 30), 10000, Decimal("12.5"), 39),
                (date(2024, 7, 1), date(2024, 7, 31), 10000, Decimal("12.25"), 31),
                (date(2024, 8, 1), date(2024, 8, 30), 6000, Decimal("12.25"), 30),
            ],
        )
        self.assertEqual(sum(p.days for p in line_periods), 100)
        self.assertEqual(
            invoice._get_credit_collection_interest(date(2024, 8, 30)), 298.01
        )

    def test_single_rate_and_leap_year_modes(self):
        invoice = self.create_invoice(self.customer, 10000.0, "2024-05-22")
        self.pay(invoice, 4000.0, "2024-07-31")
        self.company.credit_collection_interest_mode = "single"
        # 12.50 % (the half-year the delay began) for all 100 days:
        # (10,000 x 70 + 6,000 x 30) x 0.125 / 365 = 110,000 / 365 = 301.369...
        #   -> 301.37
        self.assertEqual(
            invoice._get_credit_collection_interest(date(2024, 8, 30)), 301.37
        )
        self.company.credit_collection_interest_leap_year = True
        # 2024 is a leap year: 110,000 / 366 = 300.546... -> 300.55
        self.assertEqual(
            invoice._get_credit_collection_interest(date(2024, 8, 30)), 300.55
        )

    def test_a_second_claim_covers_only_the_new_days(self):
        invoice = self.create_invoice(self.customer, 10000.0, "2024-05-22")
        self.pay(invoice, 4000.0, "2024-07-31")
        first = self.claim(invoice, "2024-06-30", compensation=True)
        # 39 days at 12.50 % on 10,000: 48,750 / 365 = 133.561... -> 133.56, + 40.00
        self.assertEqual(first.state, "posted")
        self.assertEqual(first.partner_id, self.customer)
        self.assertTrue(first.credit_collection_is_interest_claim)
        self.assertEqual(
            first.invoice_line_ids.mapped("price_subtotal"), [133.56, 40.0]
        )
        self.assertEqual(first.amount_tax, 0.0)
        self.assertIn("(39 days)", first.invoice_line_ids[0].name)
        second = self.claim(invoice, "2024-08-30", compensation=True)
        # 1 July-30 August only: (10,000 x 31 + 6,000 x 30) x 0.1225 / 365
        #   = 60,025 / 365 = 164.452... -> 164.45; the EUR 40 only once
        self.assertEqual(second.invoice_line_ids.mapped("price_subtotal"), [164.45])
        self.assertIn("(61 days)", second.invoice_line_ids.name)
        with self.assertRaisesRegex(UserError, "no late-payment interest left"):
            self.claim(invoice, "2024-08-30")
        events = invoice.credit_collection_event_ids.filtered(
            lambda e: e.channel == "interest"
        )
        self.assertEqual(len(events), 2)
        # the claims bear no interest themselves
        self.assertEqual(second._get_credit_collection_interest(date(2024, 12, 31)), 0)
        second.invalidate_recordset(["credit_collection_interest_amount"])
        self.assertEqual(second.credit_collection_interest_amount, 0.0)
        with self.assertRaisesRegex(UserError, "not claimed on an interest claim"):
            self.claim(second, "2024-12-31")

    def test_claim_speaks_the_customers_language(self):
        self.env["res.lang"]._activate_lang("it_IT")
        self.customer.lang = "it_IT"
        invoice = self.create_invoice(self.customer, 10000.0, "2024-03-31")
        self.pay(invoice, 10000.0, "2024-05-30")
        claim = self.claim(invoice, "2024-06-30", compensation=True)
        self.assertEqual(
            claim.invoice_line_ids.mapped("name"),
            [
                (
                    f"Interessi di mora su {invoice.name} dal 01/04/2024 al "
                    "30/05/2024 (60 giorni)"
                ),
                f"Risarcimento dei costi di recupero su {invoice.name}",
            ],
        )
        self.assertEqual(claim.amount_total, 245.48, "205.48 + 40.00")

    def test_one_claim_invoice_per_customer(self):
        first = self.create_invoice(self.customer, 1000.0, "2024-01-31")
        second = self.create_invoice(self.customer, 2000.0, "2024-02-29")
        other = self.create_invoice(self.other_customer, 500.0, "2024-01-31")
        claims = self.claim(first | second | other, "2024-03-31")
        self.assertEqual(len(claims), 2)
        claim = claims.filtered(lambda c: c.partner_id == self.customer)
        # first: 1 February-31 March, 60 days (2024 is a leap year) at 12.50 % on
        #   1,000 = 7,500 / 365 = 20.547... -> 20.55; second: 1-31 March, 31 days
        #   on 2,000 = 7,750 / 365 = 21.232... -> 21.23
        self.assertEqual(
            claim.invoice_line_ids.mapped("price_subtotal"), [20.55, 21.23]
        )

    def test_a_half_year_without_rate_stops_with_its_name(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2025-12-15")
        with self.assertRaisesRegex(UserError, "Italy, first half of 2026"):
            invoice._get_credit_collection_interest(date(2026, 1, 10))
        self.assertFalse(invoice.credit_collection_event_ids)
        # the invoice form says why instead of failing
        with freeze_time("2026-01-10"):
            invoice.invalidate_recordset(["credit_collection_interest_error"])
            self.assertIn(
                "first half of 2026", invoice.credit_collection_interest_error
            )
            self.assertEqual(invoice.credit_collection_interest_amount, 0.0)

    def test_rounding_happens_once_at_the_end(self):
        # one day in each half-year on 100.00 at 10 %: 100 x 0.10 / 365 = 0.0274
        # a day; rounded per period 0.03 + 0.03 = 0.06, rounded once 0.0548 -> 0.05
        def rate_of(_start):
            return Decimal(10)

        periods = interest_periods(
            Decimal(100), [], date(2024, 6, 30), date(2024, 7, 1), rate_of
        )
        self.assertEqual([p.days for p in periods], [1, 1])
        self.assertEqual(
            [total_interest([p]) for p in periods], [Decimal("0.03"), Decimal("0.03")]
        )
        self.assertEqual(total_interest(periods), Decimal("0.05"))

    def test_interest_accrued_on_a_reminder(self):
        invoice = self.create_invoice(self.customer, 10000.0, "2024-03-31")
        event = invoice._log_credit_collection_event("note", "Call", date="2024-05-30")
        self.assertEqual(
            event._get_interest_by_currency(), {invoice.currency_id: 205.48}
        )
        late = invoice._log_credit_collection_event("note", "Call", date="2026-01-10")
        self.assertEqual(late._get_interest_by_currency(), {}, "no 2026 rate shipped")
