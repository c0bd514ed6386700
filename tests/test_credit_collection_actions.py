# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import CreditCollectionCommon


@tagged("post_install", "-at_install")
class TestCreditCollectionActions(CreditCollectionCommon):
    def test_send_wizard_previews_then_sends(self):
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-01")
        self.create_invoice(self.other_customer, 100.0, "2024-01-10")
        wizard = self.env["credit.collection.send"].create(
            {
                "date": "2024-01-15",
                "partner_ids": [(6, 0, (self.customer | self.other_customer).ids)],
            }
        )
        decisions = wizard._get_decisions()
        self.assertEqual(decisions[self.customer]["result"], "reminded")
        self.assertEqual(decisions[self.customer]["level"], self.level_1)
        self.assertEqual(decisions[self.other_customer]["result"], "no_change")
        self.assertIn(invoice.name, wizard.preview)
        self.assertFalse(self.reminders(), "the preview sends nothing")
        action = wizard.action_send()
        run = self.env["credit.collection.run"].browse(action["res_id"])
        self.assertEqual(run.event_ids.partner_id, self.customer)
        self.assertEqual(run.partner_ids, self.customer | self.other_customer)

    def test_send_now_overrides_the_gap_not_the_dispute(self):
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-01")
        self.run_on("2024-01-11")
        action = invoice.action_credit_collection_send()
        wizard = Form(
            self.env["credit.collection.send"].with_context(**action["context"])
        )
        wizard.date = date(2024, 1, 13)
        wizard = wizard.save()
        self.assertEqual(wizard.mode, "now")
        wizard.action_send()
        resent = self.reminders(self.customer)
        self.assertEqual(len(resent), 2)
        self.assertEqual(resent[-1].level_id, self.level_1, "repeats the level reached")
        self.assertEqual(invoice.credit_collection_level_id, self.level_1)
        # the daily run of the same day sends nothing more
        self.assertFalse(self.run_on("2024-01-13").event_ids)
        invoice._set_credit_collection_dispute("Wrong quantity")
        wizard = self.env["credit.collection.send"].create(
            {
                "date": "2024-01-14",
                "partner_ids": [(6, 0, self.customer.ids)],
                "mode": "now",
            }
        )
        self.assertEqual(wizard._get_decisions()[self.customer]["result"], "no_change")

    def test_dispute_and_promise_wizards(self):
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-01")
        action = invoice.action_credit_collection_dispute()
        form = Form(
            self.env["credit.collection.dispute"].with_context(**action["context"])
        )
        form.reason = "Never delivered"
        form.save().action_confirm()
        self.assertTrue(invoice.credit_collection_blocked)
        self.assertEqual(invoice.credit_collection_block_note, "Never delivered")
        invoice.action_credit_collection_resolve_dispute()
        self.assertFalse(invoice.credit_collection_blocked)
        self.assertEqual(
            invoice.credit_collection_event_ids.mapped("channel"),
            ["dispute", "dispute"],
        )
        with freeze_time("2024-01-05"):
            action = invoice.action_credit_collection_promise()
            form = Form(
                self.env["credit.collection.promise"].with_context(**action["context"])
            )
            self.assertEqual(form.amount, 100.0)
            form.promise_date = date(2024, 1, 25)
            form.amount = 60.0
            form.save().action_confirm()
        self.assertEqual(invoice.credit_collection_promise_date, date(2024, 1, 25))
        self.assertEqual(invoice.credit_collection_promise_residual, 100.0)

    def test_actions_refuse_what_is_not_a_posted_customer_invoice(self):
        draft = self.create_invoice(self.customer, 100.0, "2024-01-01", post=False)
        with self.assertRaises(UserError):
            draft.action_credit_collection_dispute()
        bill = self.init_invoice(
            "in_invoice", partner=self.customer, amounts=[10.0], post=True
        )
        with self.assertRaises(UserError):
            bill.action_credit_collection_promise()

    def test_level_and_policy_validation(self):
        with self.assertRaises(ValidationError):
            self.level_2.delay_days = 5  # would come before level 1
        with self.assertRaises(ValidationError):
            self.level_1.write({"channel_email": False})
        with self.assertRaises(ValidationError):
            self.policy.minimum_gap_days = -1

    def test_access_rights(self):
        billing = new_test_user(
            self.env,
            login="billing_clerk",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        self.assertTrue(
            billing.has_group("account_credit_collection.group_credit_collection_user")
        )
        self.assertFalse(
            billing.has_group(
                "account_credit_collection.group_credit_collection_manager"
            )
        )
        with self.assertRaises(AccessError):
            self.policy.with_user(billing).write({"minimum_gap_days": 1})
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        run = (
            self.env["credit.collection.run"]
            .with_user(billing)
            .create({"company_id": self.company.id, "date": "2024-01-15"})
        )
        run.action_run()
        self.assertEqual(run.reminded_count, 1)
        action = run.action_open_events()
        self.assertEqual(action["res_model"], "credit.collection.event")

    def test_new_company_gets_the_default_policy(self):
        company = self.env["res.company"].create({"name": "Nuova SRL"})
        policy = company.credit_collection_policy_id
        self.assertEqual(policy.company_id, company)
        self.assertEqual(policy.level_ids.mapped("delay_days"), [10, 25, 40])
        self.assertEqual(
            [lvl._get_channels() for lvl in policy.level_ids],
            [["email"], ["email", "sms"], ["email", "letter", "phone"]],
        )
        self.assertTrue(policy.level_ids[-1].is_final)

    def test_preview_in_the_unsaved_dialog(self):
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        form = Form(
            self.env["credit.collection.send"].with_context(
                active_model="res.partner", active_ids=self.customer.ids
            )
        )
        form.date = date(2024, 1, 15)
        self.assertIn("Reminded", form.preview)
        self.assertIn(self.level_1.name, form.preview)

    def test_send_now_after_todays_reminder_repeats_without_a_second_step(self):
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-01")
        self.run_on("2024-01-11")
        self.run_on("2024-01-26")  # level 2 that day
        wizard = self.env["credit.collection.send"].create(
            {
                "date": "2024-01-26",
                "partner_ids": [(6, 0, self.customer.ids)],
                "mode": "now",
            }
        )
        decision = wizard._get_decisions()[self.customer]
        self.assertEqual(decision["result"], "reminded")
        self.assertEqual(decision["level"], self.level_2)
        self.assertFalse(decision["moving"])
        wizard.action_send()
        self.assertEqual(invoice.credit_collection_level_id, self.level_2)

    def test_daily_cron_is_off_until_turned_on(self):
        cron = self.env.ref("account_credit_collection.ir_cron_credit_collection_run")
        self.assertFalse(cron.active)
        settings = self.env["res.config.settings"].create({})
        self.assertFalse(settings.credit_collection_auto_run)
        settings.credit_collection_auto_run = True
        settings.execute()
        self.assertTrue(cron.active)
