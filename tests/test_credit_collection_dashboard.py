# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CreditCollectionCommon


@tagged("post_install", "-at_install")
class TestCreditCollectionDashboard(CreditCollectionCommon):
    """A: 1,000 invoiced 5 January, due 4 February, paid 10 March; B: 500 invoiced
    1 February, due 2 March, unpaid; C: 300 invoiced 20 March, due 19 April."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoice_a = cls.create_invoice(
            cls.customer, 1000.0, "2024-02-04", invoice_date="2024-01-05"
        )
        cls.invoice_b = cls.create_invoice(
            cls.customer, 500.0, "2024-03-02", invoice_date="2024-02-01"
        )
        cls.invoice_c = cls.create_invoice(
            cls.customer, 300.0, "2024-04-19", invoice_date="2024-03-20"
        )

    def test_figures_of_a_quarter(self):
        self.run_on("2024-02-20")  # A: 16 days overdue, first reminder (0.05)
        self.pay(self.invoice_a, 1000.0, "2024-03-10")
        self.run_on("2024-03-15")  # B: 13 days overdue, first reminder (0.05)
        company = self.company
        effectiveness = company._get_credit_collection_effectiveness(
            date(2024, 1, 1), date(2024, 3, 31)
        )
        # start 0 + sales 1,800 - end 800 (B + C) = 1,000; 0 + 1,800 - current
        # at the end 300 (C) = 1,500: CEI = 1,000 / 1,500 = 66.67 %
        self.assertEqual(effectiveness["cei"], 66.67)
        self.assertIsNone(effectiveness["recovery_rate"], "nothing overdue on 1 Jan")
        self.assertEqual(effectiveness["costs"], 0.10)
        # A was paid 35 days late: 0.10 / 1,000 = 0.01 %; 2 decimals like the CEI
        self.assertEqual(effectiveness["paid_late"], 1000.0)
        self.assertEqual(effectiveness["cost_per_recovered"], 0.01)
        later = company._get_credit_collection_effectiveness(
            date(2024, 2, 15), date(2024, 3, 31)
        )
        # overdue on 15 February: A (1,000), paid within the period: 100 %
        self.assertEqual(later["overdue_at_start"], 1000.0)
        self.assertEqual(later["recovery_rate"], 100.0)
        by_level, buckets = company._get_credit_collection_overdue_breakdown(
            date(2024, 3, 31)
        )
        self.assertEqual(by_level, {self.level_1: (1, 500.0)})
        # B: 29 days overdue on 31 March
        self.assertEqual(
            buckets, {"1-30": 500.0, "31-60": 0.0, "61-90": 0.0, "91+": 0.0}
        )
        _by_level, buckets = company._get_credit_collection_overdue_breakdown(
            date(2024, 5, 1)
        )
        # B 60 days, C 12 days
        self.assertEqual(
            buckets, {"1-30": 300.0, "31-60": 500.0, "61-90": 0.0, "91+": 0.0}
        )

    def test_dashboard_renders_for_its_company_only(self):
        self.pay(self.invoice_a, 1000.0, "2024-03-10")
        dashboard = self.env["credit.collection.dashboard"].create(
            {"date_from": "2024-01-01", "date_to": "2024-03-31"}
        )
        self.assertIn("66.67 %", dashboard.content)
        self.assertIn("Collection Effectiveness Index", dashboard.content)
        other = self.setup_other_company()["company"]
        dashboard = (
            self.env["credit.collection.dashboard"]
            .with_context(allowed_company_ids=self.company.ids)
            .create(
                {
                    "date_from": "2024-01-01",
                    "date_to": "2024-03-31",
                    "company_id": other.id,
                }
            )
        )
        with self.assertRaises(UserError):
            dashboard._get_figures()
