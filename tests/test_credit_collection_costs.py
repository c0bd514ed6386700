# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from ..tools.sms_segments import count_sms_segments
from .common import CreditCollectionCommon


@tagged("post_install", "-at_install")
class TestCreditCollectionCosts(CreditCollectionCommon):
    def test_sms_segments_at_the_boundaries(self):
        self.assertEqual(count_sms_segments(""), 0)
        self.assertEqual(count_sms_segments("a" * 160), 1)
        self.assertEqual(count_sms_segments("a" * 161), 2)  # 153 + 8
        self.assertEqual(count_sms_segments("a" * 306), 2)  # 2 x 153
        self.assertEqual(count_sms_segments("a" * 307), 3)
        self.assertEqual(count_sms_segments("è" * 160), 1, "è is GSM-7")
        self.assertEqual(count_sms_segments("€" * 80), 1, "€ takes two septets")
        self.assertEqual(count_sms_segments("€" * 81), 2)
        self.assertEqual(count_sms_segments("È" + "a" * 69), 1, "UCS-2: 70 in one")
        self.assertEqual(count_sms_segments("È" + "a" * 70), 2)
        self.assertEqual(count_sms_segments("’" + "a" * 133), 2)  # 2 x 67
        self.assertEqual(count_sms_segments("’" + "a" * 134), 3)

    def test_each_reminder_gets_the_cost_of_its_channel(self):
        self.company.write(
            {
                "credit_collection_cost_email": 0.10,
                "credit_collection_cost_sms": 0.07,
                "credit_collection_cost_letter": 2.00,
                "credit_collection_cost_phone": 4.00,
            }
        )
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        self.run_on("2024-01-11")
        run = self.run_on("2024-01-26")
        email = run.event_ids.filtered(lambda e: e.channel == "email")
        sms = run.event_ids.filtered(lambda e: e.channel == "sms")
        self.assertEqual(email.cost, 0.10)
        body = (
            self.env["sms.sms"]
            .sudo()
            .search([("mail_message_id", "=", sms.mail_message_id.id)])
            .body
        )
        self.assertNotIn("\xa0", body, "a non-breaking space would force UCS-2")
        self.assertEqual(sms.sms_segments, 1)
        self.assertAlmostEqual(sms.cost, 0.07)
        run = self.run_on("2024-02-10")
        costs = {e.channel: e.cost for e in run.event_ids}
        self.assertEqual(
            costs, {"email": 0.10, "letter": 2.00, "phone": 4.00, "legal": 0.0}
        )

    def test_a_reminder_that_could_not_be_sent_costs_nothing(self):
        self.customer.email = False
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        event = self.run_on("2024-01-15").event_ids
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.cost, 0.0)

    def test_dso_and_average_days_delinquent(self):
        """Period 2024-01-01..2024-02-29 (60 days), end-of-day balances.

        A: 1,000.00 invoiced 01-01, due 01-30, paid 02-09 (10 days late).
           Outstanding 39 days (01-01..02-08): 39,000 balance-days; not yet due on
           30 of them (01-01..01-30): 30,000.
        B: 500.00 invoiced 02-01, due 03-02, unpaid: 29 days to 02-29, all not yet
           due: 14,500 balance-days, 14,500 current.
        Sales 1,500.00. DSO = 53,500 / 1,500 = 35.67; BPDSO = 44,500 / 1,500 = 29.67;
        ADD = DSO - BPDSO = 6.00.
        """
        a = self.create_invoice(
            self.customer, 1000.0, "2024-01-30", invoice_date="2024-01-01"
        )
        self.create_invoice(
            self.customer, 500.0, "2024-03-02", invoice_date="2024-02-01"
        )
        self.pay(a, 1000.0, "2024-02-09")
        kpis = self.company._get_credit_collection_kpis("2024-01-01", "2024-02-29")
        self.assertEqual(kpis["sales"], 1500.0)
        self.assertEqual(kpis["dso"], 35.67)
        self.assertEqual(kpis["bpdso"], 29.67)
        self.assertEqual(kpis["add"], 6.0)
