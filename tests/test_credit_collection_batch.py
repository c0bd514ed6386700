# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

from odoo.tests import tagged

from .common import CreditCollectionCommon


@tagged("post_install", "-at_install")
class TestCreditCollectionBatch(CreditCollectionCommon):
    """A batch of customers is rendered and posted together: each customer still
    gets exactly its own email, as Odoo's one-by-one path would make it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.third_customer = cls.env["res.partner"].create(
            {"name": "Verdi Srl", "email": "cassa@verdi.example.com", "lang": "it_IT"}
        )

    def test_batch_renders_each_customer_as_odoo_would(self):
        self.env["res.lang"]._activate_lang("it_IT")
        self.env["ir.module.module"]._load_module_terms(
            ["account_credit_collection"], ["it_IT"], overwrite=True
        )
        invoices = {
            self.customer: self.create_invoice(self.customer, 100.0, "2024-01-01"),
            self.other_customer: self.create_invoice(
                self.other_customer, 250.5, "2024-01-02"
            ),
            self.third_customer: self.create_invoice(
                self.third_customer, 999.99, "2024-01-03"
            ),
        }
        run = self.run_on("2024-01-15")
        events = run.event_ids
        self.assertEqual(len(events), 3)
        template = self.level_1.mail_template_id
        batch = template._render_field("body_html", events.ids, compute_lang=True)
        for event in events:
            alone = template._render_field("body_html", event.ids, compute_lang=True)
            self.assertEqual(str(batch[event.id]), str(alone[event.id]))
            mail = self.mails_of(event)
            self.assertEqual(mail.recipient_ids, event.partner_id)
            invoice = invoices[event.partner_id]
            self.assertIn(invoice.name, mail.body_html)
            others = set(invoices.values()) - {invoice}
            for other in others:
                self.assertNotIn(other.name, mail.body_html)
            notification = event.mail_message_id.notification_ids
            self.assertEqual(notification.res_partner_id, event.partner_id)
            self.assertEqual(notification.notification_status, "ready")
            self.assertEqual(event.mail_message_id.message_type, "comment")
        italian = events.filtered(lambda e: e.partner_id == self.third_customer)
        self.assertIn("Sollecito di pagamento", self.mails_of(italian).subject)
        self.assertIn("999,99", self.mails_of(italian).body_html)

    def test_one_failing_email_does_not_stop_the_others(self):
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        self.create_invoice(self.other_customer, 100.0, "2024-01-01")
        Event = type(self.env["credit.collection.event"])
        original = Event._prepare_reminder_message_vals

        def refuse_bianchi(event, values, author):
            if event.partner_id == self.other_customer:
                raise ValueError("broken template for Bianchi")
            return original(event, values, author)

        with patch.object(Event, "_prepare_reminder_message_vals", refuse_bianchi):
            run = self.run_on("2024-01-15")
        by_partner = {e.partner_id: e for e in run.event_ids}
        self.assertEqual(by_partner[self.customer].state, "done")
        self.assertEqual(len(self.mails_of(by_partner[self.customer])), 1)
        self.assertEqual(by_partner[self.other_customer].state, "failed")
        self.assertEqual(
            by_partner[self.other_customer].reason, "broken template for Bianchi"
        )
        self.assertFalse(self.mails_of(by_partner[self.other_customer]))
