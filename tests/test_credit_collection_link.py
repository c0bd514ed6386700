# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from urllib.parse import parse_qsl, urlsplit

from odoo.tests import HttpCase, tagged

from .common import CreditCollectionCommon


@tagged("post_install", "-at_install")
class TestCreditCollectionLink(CreditCollectionCommon, HttpCase):
    def test_short_link_leads_to_the_invoice_payment_page(self):
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-01")
        event = self.run_on("2024-01-15").event_ids
        self.assertEqual(len(event.short_code), 12)
        response = self.url_open(f"/cc/{event.short_code}", allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        location = urlsplit(response.headers["Location"])
        self.assertEqual(location.path, "/payment/pay")
        query = dict(parse_qsl(location.query))
        self.assertEqual(query["invoice_id"], str(invoice.id))
        self.assertEqual(float(query["amount"]), 100.0)
        page = self.url_open(f"/payment/pay?{location.query}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(invoice.name, page.text)

    def test_wrong_code_reveals_nothing(self):
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        event = self.run_on("2024-01-15").event_ids
        tampered = event.short_code[:-1] + ("A" if event.short_code[-1] != "A" else "B")
        for code in (tampered, event.short_code[:6], "x" * 40):
            response = self.url_open(f"/cc/{code}", allow_redirects=False)
            self.assertEqual(response.status_code, 404, code)
