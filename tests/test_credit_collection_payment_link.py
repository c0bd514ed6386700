# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from urllib.parse import parse_qs, urlsplit

from freezegun import freeze_time
from lxml import html
from werkzeug.urls import url_encode

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from odoo.addons.account_payment.tests.common import AccountPaymentCommon

from .common import CreditCollectionCommon, decode_qr_codes, read_pdf
from .test_credit_collection_qr import CreditCollectionQrCommon


def make_plan(case, invoices):
    """A plan of three monthly installments from 2024-02-15, started 2024-02-01."""
    with freeze_time("2024-02-01"):
        plan = case.env["credit.collection.plan"].create(
            {
                "partner_id": invoices.commercial_partner_id.id,
                "invoice_ids": [Command.set(invoices.ids)],
                "installment_count": 3,
                "first_due_date": "2024-02-15",
            }
        )
        plan.action_confirm()
    return plan


@tagged("post_install", "-at_install")
class TestCreditCollectionPaymentLink(
    CreditCollectionCommon, AccountPaymentCommon, HttpCase
):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider.journal_id = cls.bank_journal

    # --- helpers --- #
    def open_link(self, path):
        """Open a payment link as the customer's phone does: it leads to Odoo's
        payment page. Returns the query of that page and its payment form's data."""
        response = self.url_open(path, allow_redirects=False)
        self.assertEqual(response.status_code, 303, response.text[:300])
        location = urlsplit(response.headers["Location"])
        self.assertEqual(location.path, "/payment/pay")
        query = {key: values[0] for key, values in parse_qs(location.query).items()}
        page = self.url_open(f"/payment/pay?{location.query}")
        self.assertEqual(page.status_code, 200)
        form = html.fromstring(page.text).get_element_by_id("o_payment_form")
        return query, {
            key[len("data-") :]: value
            for key, value in form.attrib.items()
            if key.startswith("data-")
        }

    def pay_through(self, form, amount=None):
        """What the payment form does once the customer confirms, then the
        provider's confirmation (the provider's remote side is Odoo's dummy)."""
        processing_values = self.make_jsonrpc_request(
            form["transaction-route"],
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.payment_method_id,
                "token_id": None,
                "amount": amount if amount is not None else float(form["amount"]),
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": form["landing-route"],
                "is_validation": False,
                "access_token": form["access-token"],
            },
        )
        transaction = self.env["payment.transaction"].search(
            [("reference", "=", processing_values["reference"])]
        )
        transaction._set_done()
        transaction._post_process()
        return transaction

    def reminder_of(self, *invoices, on="2024-01-20"):
        return self.run_on(on).event_ids.filtered(lambda e: e.channel == "email")

    # --- tests --- #
    def test_invoice_link_opens_odoo_payment_page_and_reconciles(self):
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-31")
        self.pay(invoice, 25.0, "2024-02-01")
        link = f"/cc/{invoice._get_credit_collection_link_path()}"
        query, form = self.open_link(link)
        # Odoo's own invoice payment flow, for what is still due
        self.assertEqual(query["invoice_id"], str(invoice.id))
        self.assertEqual(float(form["amount"]), 75.0)
        self.assertEqual(
            form["transaction-route"], f"/invoice/transaction/{invoice.id}"
        )
        transaction = self.pay_through(form)
        self.assertEqual(transaction.invoice_ids, invoice)
        self.assertEqual(transaction.amount, 75.0)
        self.assertEqual(invoice.payment_state, "paid")
        # the same link now says that nothing is due
        page = self.url_open(link)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Nothing is due", page.text)

    def test_reminder_link_pays_all_listed_invoices_oldest_first(self):
        old = self.create_invoice(self.customer, 100.0, "2024-01-01")
        recent = self.create_invoice(self.customer, 50.0, "2024-01-05")
        event = self.reminder_of(old, recent)
        query, form = self.open_link(f"/cc/{event.short_code}")
        self.assertEqual(query["credit_collection_link"], event.short_code)
        self.assertEqual(float(form["amount"]), 150.0)
        self.assertEqual(
            form["transaction-route"], f"/cc/transaction/{event.short_code}"
        )
        transaction = self.pay_through(form)
        self.assertEqual(transaction.invoice_ids, old | recent)
        self.assertEqual((old | recent).mapped("payment_state"), ["paid", "paid"])
        self.assertEqual(transaction.payment_id.amount, 150.0)
        page = self.url_open(f"/cc/{event.short_code}?status=1")
        self.assertIn("your payment is received", page.text)

    def test_partial_payment_of_a_reminder_goes_to_the_oldest_invoice(self):
        old = self.create_invoice(self.customer, 100.0, "2024-01-01")
        recent = self.create_invoice(self.customer, 50.0, "2024-01-05")
        event = self.reminder_of(old, recent)
        self.pay(recent, 20.0, "2024-01-21")  # paid by transfer in the meantime
        _query, form = self.open_link(f"/cc/{event.short_code}")
        self.assertEqual(float(form["amount"]), 130.0, "what is still due")
        self.pay_through(form)
        self.assertEqual((old | recent).mapped("amount_residual"), [0.0, 0.0])

    def test_installment_link_pays_the_installment_on_the_plan(self):
        first = self.create_invoice(self.customer, 600.0, "2024-01-10")
        second = self.create_invoice(self.customer, 300.0, "2024-01-20")
        plan = make_plan(self, first | second)
        line = plan.line_ids.sorted("due_date")[0]
        self.assertEqual(line.amount, 300.0)
        _query, form = self.open_link(f"/cc/{line._get_credit_collection_link_path()}")
        self.assertEqual(float(form["amount"]), 300.0)
        transaction = self.pay_through(form)
        # paid on the oldest invoice first; the plan follows at once
        self.assertEqual(transaction.invoice_ids, first | second)
        self.assertEqual(first.amount_residual, 300.0)
        self.assertEqual(second.amount_residual, 300.0)
        self.assertEqual(line.state, "paid")
        self.assertEqual(plan.paid_amount, 300.0)
        self.assertEqual(plan.next_amount, 300.0)

    def test_tampered_links_are_refused(self):
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-01")
        other = self.create_invoice(self.customer, 100.0, "2024-01-31")
        path = invoice._get_credit_collection_link_path()
        # another record with this record's signature, a cut signature, a
        # reminder code that does not exist
        for bad in (
            path.replace(f"/{invoice.id}/", f"/{other.id}/"),
            path[:-1],
            "pay/unknown/1/abc",
            "AAAAAAAAAAAA",
        ):
            response = self.url_open(f"/cc/{bad}", allow_redirects=False)
            self.assertEqual(response.status_code, 404, bad)
        # an amount changed in the payment page's address no longer matches its
        # payment access token (Odoo refuses it)
        self.create_invoice(self.customer, 50.0, "2024-01-05")
        event = self.reminder_of()
        query, _form = self.open_link(f"/cc/{event.short_code}")
        response = self.url_open(
            "/payment/pay?" + url_encode({**query, "amount": "1.0"})
        )
        self.assertEqual(response.status_code, 404)

    def test_reminder_transaction_refuses_another_amount(self):
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        self.create_invoice(self.customer, 50.0, "2024-01-05")
        event = self.reminder_of()
        _query, form = self.open_link(f"/cc/{event.short_code}")
        with self.assertRaisesRegex(JsonRpcException, "ValidationError"):
            self.pay_through(form, amount=10.0)
        self.assertFalse(
            self.env["payment.transaction"].search([("invoice_ids", "!=", False)])
        )

    def test_reminder_email_shows_the_link_qr_code(self):
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        event = self.reminder_of()
        self.assertIn(f"/cc/{event.short_code}/qr.png", event.mail_message_id.body)
        response = self.url_open(f"/cc/{event.short_code}/qr.png")
        self.assertEqual(response.headers["Content-Type"], "image/png")
        self.assertEqual(
            decode_qr_codes(response.content),
            [f"{event.get_base_url()}/cc/{event.short_code}"],
        )


@tagged("post_install", "-at_install")
class TestCreditCollectionPdf(CreditCollectionQrCommon, HttpCase):
    """PDF documents rendered by wkhtmltopdf, read back with poppler and a QR
    decoder."""

    def render_pdf(self, report_xmlid, records):
        pdf, _report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report_xmlid, records.ids)
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf

    def test_overdue_invoice_pdf(self):
        invoice = self.create_invoice(self.customer, 250.0, "2024-01-01")
        self.run_on("2024-01-20")
        self.assertTrue(invoice.credit_collection_level_id)
        pages, text, codes = read_pdf(
            self.render_pdf("account.account_invoices", invoice)
        )
        self.assertEqual(pages, 1)
        self.assertIn("Pay online", text)
        self.assertIn("Overdue", text)
        self.assertIn(invoice.credit_collection_level_id.name, text)
        self.assertCountEqual(
            codes,
            [
                invoice._get_credit_collection_payment_url(),
                invoice._get_credit_collection_epc_payload(),
            ],
        )
        self.assertIn("EUR250.00", invoice._get_credit_collection_epc_payload())

    def test_pay_block_setting(self):
        invoice = self.create_invoice(self.customer, 250.0, "2024-01-01")
        self.company.credit_collection_pay_block = False
        _pages, text, codes = read_pdf(
            self.render_pdf("account.account_invoices", invoice)
        )
        self.assertNotIn("Pay online", text)
        self.assertNotIn(invoice._get_credit_collection_payment_url(), codes)

    def test_letter_pdf_carries_both_qr_codes_for_the_total(self):
        self.level_1.channel_letter = True
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        self.create_invoice(self.customer, 20.5, "2024-01-03")
        letter = self.run_on("2024-01-20").event_ids.filtered(
            lambda e: e.channel == "letter"
        )
        pages, text, codes = read_pdf(
            self.render_pdf(
                "account_credit_collection.action_report_credit_collection_letter",
                letter,
            )
        )
        self.assertEqual(pages, 1)
        self.assertIn("120.50", text)
        epc = letter._get_credit_collection_epc_payload()
        self.assertIn("EUR120.50", epc.split("\n"))
        self.assertCountEqual(
            codes, [f"{letter.get_base_url()}/cc/{letter.short_code}", epc]
        )

    def test_plan_schedule_pdf_has_a_qr_code_per_open_installment(self):
        invoice = self.create_invoice(self.customer, 900.0, "2024-01-10")
        plan = make_plan(self, invoice)
        first, second, third = plan.line_ids.sorted("due_date")
        self.pay(invoice, 300.0, "2024-02-10")
        self.assertEqual(first.state, "paid")
        pages, text, codes = read_pdf(
            self.render_pdf(
                "account_credit_collection.action_report_credit_collection_plan", plan
            )
        )
        self.assertEqual(pages, 1)
        self.assertIn(plan.name, text)
        next_epc = second._get_credit_collection_epc_payload()
        self.assertIn("EUR300.00", next_epc.split("\n"))
        self.assertCountEqual(
            codes,
            [
                second._get_credit_collection_payment_url(),  # in the table
                third._get_credit_collection_payment_url(),
                second._get_credit_collection_payment_url(),  # next installment
                next_epc,
            ],
        )

    def test_letters_attached_to_emails_are_split_per_customer(self):
        self.level_1.attach_letter = True
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        self.create_invoice(self.other_customer, 70.0, "2024-01-02")
        emails = self.run_on("2024-01-20").event_ids.filtered(
            lambda e: e.channel == "email"
        )
        self.assertEqual(len(emails), 2)
        for event in emails:
            attachment = event.mail_message_id.attachment_ids
            self.assertEqual(len(attachment), 1)
            self.assertEqual(attachment.mimetype, "application/pdf")
            mail = self.mails_of(event)
            self.assertEqual(mail.attachment_ids, attachment, "sent with the email")
            pages, text, codes = read_pdf(attachment.raw)
            self.assertEqual(pages, 1)
            self.assertIn(event.partner_id.name, text)
            self.assertIn(f"{event.get_base_url()}/cc/{event.short_code}", codes)
