# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from ..tools.sms_segments import count_sms_segments, is_gsm7
from .common import CreditCollectionCommon


@tagged("post_install", "-at_install")
class TestCreditCollectionItalian(CreditCollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("it_IT")
        cls.env["ir.module.module"]._load_module_terms(
            ["account_credit_collection"], ["it_IT"], overwrite=True
        )
        cls.customer.lang = "it_IT"

    def test_italian_customer_gets_italian_reminders(self):
        invoice = self.create_invoice(self.customer, 1234.5, "2024-01-01")
        run = self.run_on("2024-01-11")
        mail = self.mails_of(run.event_ids)
        self.assertIn("Sollecito di pagamento", mail.subject)
        self.assertIn("risultano scadute", mail.body_html)
        self.assertIn(invoice.name, mail.body_html)
        run = self.run_on("2024-01-26")
        mail = self.mails_of(run.event_ids.filtered(lambda e: e.channel == "email"))
        self.assertIn("Secondo sollecito", mail.subject)
        sms = (
            self.env["sms.sms"]
            .sudo()
            .search([("mail_message_id", "in", run.event_ids.mail_message_id.ids)])
        )
        self.assertIn("secondo sollecito", sms.body)

    def test_shipped_sms_fit_one_gsm7_segment(self):
        """Every SMS template, in both languages, for a typical reminder."""
        self.company.name = "Rossi Forniture Industriali S.r.l."
        self.create_invoice(self.customer, 12345.67, "2024-01-01")
        run = self.run_on("2024-01-11")
        event = run.event_ids
        plan_event = self._make_plan_reminder(12345.67)
        templates = self.env["sms.template"].search(
            [("model", "=", "credit.collection.event")]
        )
        self.assertEqual(len(templates), 5)
        for lang in ("en_US", "it_IT"):
            for template in templates:
                on = (
                    plan_event
                    if "plan" in template.get_external_id()[template.id]
                    else event
                )
                on.partner_id.lang = lang
                body = on._render_sms_body(template)
                self.assertIn(f"/cc/{on.short_code}", body)
                self.assertTrue(is_gsm7(body), f"{template.name} {lang}: {body}")
                self.assertEqual(
                    count_sms_segments(body), 1, f"{template.name} {lang}: {body}"
                )

    def test_italian_customer_gets_italian_plan_messages(self):
        event = self._make_plan_reminder(1500.0)
        mail = self.mails_of(event)
        self.assertIn("Rata in scadenza", mail.subject)
        self.assertIn("500,00", mail.body_html)
        self.assertIn("Rata 1 di 3", event.plan_line_id.with_context(lang="it_IT").name)

    def _make_plan_reminder(self, amount):
        """An installment plan reminder event of the customer, sent on 2024-02-05."""
        invoice = self.create_invoice(self.customer, amount, "2024-01-01")
        with freeze_time("2024-01-20"):
            plan = self.env["credit.collection.plan"].create(
                {
                    "partner_id": self.customer.id,
                    "invoice_ids": [Command.set(invoice.ids)],
                    "first_due_date": "2024-02-10",
                }
            )
            plan.action_confirm()
        with freeze_time("2024-02-05"):
            run = self.run_on("2024-02-05")
        return run.event_ids.filtered(lambda e: e.plan_id)

    def test_language_installed_later_names_the_shipped_records(self):
        company = self.env["res.company"].create({"name": "Nuova Meccanica SRL"})
        policy = company.credit_collection_policy_id
        first_level = policy.level_ids.sorted("sequence")[0]
        template = self.env["credit.collection.plan.template"].search(
            [("company_id", "=", company.id)], order="id", limit=1
        )
        # as if Italian had been installed after the company was made
        for record in (policy, first_level, template):
            english = record.with_context(lang="en_US").name
            record.with_context(lang="it_IT").name = english
        renamed = policy.level_ids.sorted("sequence")[1]
        renamed.with_context(lang="en_US").name = "Our own second step"
        renamed.with_context(lang="it_IT").name = "Our own second step"
        self.env["ir.module.module"].search(
            [("name", "=", "account_credit_collection")]
        )._update_translations(filter_lang=["it_IT"])
        self.assertEqual(
            [
                record.with_context(lang="it_IT").name
                for record in (policy, first_level, template)
            ],
            ["Solleciti standard", "Primo sollecito", "3 rate mensili"],
        )
        self.assertEqual(
            renamed.with_context(lang="it_IT").name,
            "Our own second step",
            "a name the user changed is left alone",
        )
