# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import os
import re
import subprocess
import tempfile

from PIL import Image

from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class CreditCollectionCommon(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.partner_id.tz = "UTC"
        cls.policy = cls.company.credit_collection_policy_id
        cls.level_1, cls.level_2, cls.level_3 = cls.policy.level_ids.sorted("sequence")
        cls.italy = cls.env.ref("base.it")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Rossi Forniture SRL",
                "email": "amministrazione@rossi.example.com",
                "mobile": "333 123 4567",
                "country_id": cls.italy.id,
                "company_id": False,
            }
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Bianchi SpA", "email": "conti@bianchi.example.com"}
        )
        cls.bank_journal = cls.company_data["default_journal_bank"]

    # --- helpers --- #
    @classmethod
    def create_invoice(
        cls,
        partner,
        amount,
        due,
        invoice_date=None,
        currency=None,
        payment_term=None,
        company_data=None,
        move_type="out_invoice",
        post=True,
    ):
        company_data = company_data or cls.company_data
        due = fields.Date.to_date(due)
        invoice_date = fields.Date.to_date(invoice_date) if invoice_date else due
        vals = {
            "move_type": move_type,
            "partner_id": partner.id,
            "company_id": company_data["company"].id,
            "journal_id": company_data["default_journal_sale"].id,
            "invoice_date": invoice_date,
            "date": invoice_date,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Service",
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [Command.clear()],
                        "account_id": company_data["default_account_revenue"].id,
                    }
                )
            ],
        }
        if payment_term:
            vals["invoice_payment_term_id"] = payment_term.id
        else:
            vals["invoice_date_due"] = due
        if currency:
            vals["currency_id"] = currency.id
        move = cls.env["account.move"].create(vals)
        if post:
            move.action_post()
        return move

    @classmethod
    def pay(cls, invoice, amount, date):
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "amount": amount,
                    "payment_date": date,
                    "journal_id": cls.bank_journal.id,
                }
            )
            ._create_payments()
        )

    def run_on(self, date, company=None):
        run = self.env["credit.collection.run"].create(
            {"company_id": (company or self.company).id, "date": date}
        )
        run.action_run()
        return run

    def reminders(self, partner=None, channel=None):
        domain = [
            ("level_id", "!=", False),
            ("channel", "in", ("email", "sms", "letter", "phone")),
        ]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        if channel:
            domain.append(("channel", "=", channel))
        return self.env["credit.collection.event"].search(domain, order="id")

    def mails_of(self, events):
        return self.env["mail.mail"].search(
            [("mail_message_id", "in", events.mail_message_id.ids)]
        )


def decode_qr_codes(png):
    """The texts of the QR codes in a PNG image, as a phone's reader sees them."""
    import zxingcpp  # test-only dependency (scripts/requirements-dev.txt)

    image = Image.open(io.BytesIO(png))
    return [
        result.text
        for result in zxingcpp.read_barcodes(
            image, formats=zxingcpp.BarcodeFormat.QRCode
        )
    ]


def decode_data_uri_qr_code(data_uri):
    prefix = "data:image/png;base64,"
    assert data_uri.startswith(prefix), data_uri[:40]
    texts = decode_qr_codes(base64.b64decode(data_uri[len(prefix) :]))
    assert len(texts) == 1, texts
    return texts[0]


def read_pdf(pdf):
    """(page count, text, QR code texts) of a PDF, read as a person reads the
    printed pages: the pages as images at 300 dpi, their text by OCR (tesseract)
    and their QR codes by a QR decoder. (The wkhtmltopdf of Debian draws the web
    fonts of Odoo's reports as outlines: the PDF has no text layer to extract.)"""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "document.pdf")
        with open(path, "wb") as file:
            file.write(pdf)
        info = subprocess.run(
            ["pdfinfo", path], capture_output=True, text=True, check=True
        ).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
        subprocess.run(
            ["pdftoppm", "-r", "300", "-png", path, os.path.join(folder, "page")],
            check=True,
        )
        text, codes = "", []
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".png"):
                continue
            image = os.path.join(folder, name)
            text += subprocess.run(
                ["tesseract", image, "-"], capture_output=True, text=True, check=True
            ).stdout
            with open(image, "rb") as file:
                codes += decode_qr_codes(file.read())
    return pages, text, codes
