# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from stdnum import iso11649

from odoo.tests import tagged

from .common import CreditCollectionCommon, decode_data_uri_qr_code

IBAN = "IT60X0542811101000000123456"
BIC = "BPPIITRRXXX"


class CreditCollectionQrCommon(CreditCollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.currency_id = cls.env.ref("base.EUR")
        cls.company.partner_id.name = "Forniture Industriali Emiliane SRL"
        cls.company_bank = cls.env["res.partner.bank"].create(
            {
                "acc_number": IBAN,
                "partner_id": cls.company.partner_id.id,
                "bank_id": cls.env["res.bank"].create({"name": "BPER", "bic": BIC}).id,
                "allow_out_payment": True,
            }
        )


@tagged("post_install", "-at_install")
class TestCreditCollectionQr(CreditCollectionQrCommon):
    def test_epc_payload_field_by_field(self):
        invoice = self.create_invoice(self.customer, 1234.5, "2024-01-31")
        payload = invoice._get_credit_collection_epc_payload()
        fields_ = payload.split("\n")
        self.assertEqual(len(fields_), 12)
        self.assertEqual(fields_[0], "BCD", "service tag")
        self.assertEqual(fields_[1], "002", "version")
        self.assertEqual(fields_[2], "1", "character set: UTF-8")
        self.assertEqual(fields_[3], "SCT", "identification")
        self.assertEqual(fields_[4], BIC)
        self.assertEqual(fields_[5], "Forniture Industriali Emiliane SRL")
        self.assertEqual(fields_[6], IBAN)
        self.assertEqual(fields_[7], "EUR1234.50", "two decimals, no separator")
        self.assertEqual(fields_[8], "", "purpose")
        reference = fields_[9]
        # Odoo's "European" reference of the invoice: RF, check digits, its id
        self.assertEqual(reference[4:], str(invoice.id))
        self.assertTrue(iso11649.is_valid(reference), reference)
        self.assertEqual(fields_[10], "", "no free text beside a structured reference")
        self.assertLessEqual(len(payload.encode()), 331)
        # what the banking app reads is exactly that payload
        self.assertEqual(
            decode_data_uri_qr_code(invoice._get_credit_collection_epc_qr()), payload
        )

    def test_epc_amount_and_name_limits(self):
        self.company_bank.acc_holder_name = "A" * 80
        invoice = self.create_invoice(self.customer, 1_000_000.1, "2024-01-31")
        payload = invoice._get_credit_collection_epc_payload().split("\n")
        self.assertEqual(payload[5], "A" * 70, "EPC069-12: at most 70 characters")
        self.assertEqual(payload[7], "EUR1000000.10", "no thousands separator")
        # a float's noise never reaches the payload
        values = self.company_bank._get_qr_vals(
            "sct_qr", 0.1 + 0.2, self.env.ref("base.EUR"), self.customer, None, None
        )
        self.assertEqual(values[7], "EUR0.30")

    def test_invoice_reference_kept_when_already_rf(self):
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-31", post=False)
        invoice.payment_reference = "RF18 5390 0754 7034"
        invoice.action_post()
        self.assertEqual(
            invoice._get_credit_collection_rf_reference(), "RF18539007547034"
        )
        self.assertEqual(
            invoice._get_credit_collection_epc_payload().split("\n")[9],
            "RF18539007547034",
        )

    def test_non_eur_invoice_has_a_link_but_no_epc(self):
        usd = self.setup_other_currency("USD")
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-31", currency=usd)
        self.assertIsNone(invoice._get_credit_collection_epc_payload())
        self.assertFalse(invoice._get_credit_collection_epc_qr())
        link = decode_data_uri_qr_code(invoice._get_credit_collection_link_qr())
        self.assertEqual(
            link,
            f"{invoice.get_base_url()}/cc/pay/invoice/{invoice.id}/"
            f"{invoice._get_credit_collection_signature()}",
        )

    def test_paid_invoice_shows_nothing_due(self):
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-31")
        self.pay(invoice, 40.0, "2024-02-05")
        self.assertEqual(
            invoice._get_credit_collection_epc_payload().split("\n")[7], "EUR60.00"
        )
        self.pay(invoice, 60.0, "2024-02-06")
        self.assertEqual(invoice._get_credit_collection_payment_request()["amount"], 0)
        self.assertIsNone(invoice._get_credit_collection_epc_payload())
        self.assertFalse(invoice._show_credit_collection_pay_block())

    def test_reminder_pays_what_it_listed_and_is_still_due(self):
        old = self.create_invoice(self.customer, 100.0, "2024-01-01")
        recent = self.create_invoice(self.customer, 50.0, "2024-01-05")
        event = self.run_on("2024-01-20").event_ids.filtered(
            lambda e: e.channel == "email"
        )
        request = event._get_credit_collection_payment_request()
        self.assertEqual(request["amount"], 150.0)
        self.assertEqual(request["invoices"], old | recent)
        self.pay(old, 30.0, "2024-01-21")
        payload = event._get_credit_collection_epc_payload().split("\n")
        self.assertEqual(payload[7], "EUR120.00")
        self.assertEqual(payload[9][4:], f"CC{event.id}")
        self.assertEqual(
            decode_data_uri_qr_code(event._get_credit_collection_link_qr()),
            f"{event.get_base_url()}/cc/{event.short_code}",
        )

    def test_signature_is_bound_to_the_record(self):
        first = self.create_invoice(self.customer, 100.0, "2024-01-31")
        second = self.create_invoice(self.customer, 100.0, "2024-01-31")
        signature = first._get_credit_collection_signature()
        self.assertTrue(first._check_credit_collection_signature(signature))
        self.assertFalse(second._check_credit_collection_signature(signature))
        self.assertFalse(first._check_credit_collection_signature(signature[:-1]))
        self.assertFalse(first._check_credit_collection_signature(""))
