# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CreditCollectionCommon


@tagged("post_install", "-at_install")
class TestCreditCollectionRules(CreditCollectionCommon):
    def test_dispute_blocks_and_syncs_no_follow_up(self):
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-01")
        invoice._set_credit_collection_dispute("Goods damaged")
        receivable = invoice._get_credit_collection_lines()
        self.assertTrue(receivable.blocked, "the No Follow-up flag follows the dispute")
        self.assertEqual(invoice.credit_collection_block_reason, "dispute")
        dispute_event = invoice.credit_collection_event_ids
        self.assertEqual(dispute_event.channel, "dispute")
        self.assertTrue(dispute_event.activity_id)
        run = self.run_on("2024-01-15")
        self.assertEqual(run.item_ids.result, "blocked")
        self.assertFalse(run.event_ids)
        self.assertFalse(invoice.credit_collection_next_date)
        # and the other way round: clearing the line flag lifts the block
        receivable.blocked = False
        self.assertFalse(invoice.credit_collection_blocked)
        run = self.run_on("2024-01-16")
        self.assertEqual(run.item_ids.result, "reminded")

    def test_promise_pauses_then_broken_promise_resumes(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        with freeze_time("2024-01-05"):
            invoice._register_credit_collection_promise(date(2024, 1, 20), 400.0)
        self.assertEqual(invoice.credit_collection_next_date, date(2024, 1, 21))
        run = self.run_on("2024-01-15")
        self.assertEqual(run.item_ids.result, "promise")
        self.pay(invoice, 100.0, "2024-01-18")  # only 100 of the 400 promised
        run = self.run_on("2024-01-21")
        broken = run.event_ids.filtered(lambda e: e.channel == "promise")
        self.assertEqual(broken.state, "failed")
        self.assertIn("broken", broken.note)
        self.assertFalse(invoice.credit_collection_promise_date)
        email = run.event_ids.filtered(lambda e: e.channel == "email")
        self.assertEqual(
            email.level_id, self.level_1, "dunning resumes in the same run"
        )
        self.assertEqual(email.amount_due, 900.0)

    def test_kept_promise_is_logged_as_kept(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        with freeze_time("2024-01-05"):
            invoice._register_credit_collection_promise(date(2024, 1, 20), 400.0)
        self.pay(invoice, 400.0, "2024-01-19")
        run = self.run_on("2024-01-21")
        kept = run.event_ids.filtered(lambda e: e.channel == "promise")
        self.assertEqual(kept.state, "done")
        self.assertEqual(kept.note, "Promise to pay kept.")

    def test_promise_validation(self):
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-01")
        with freeze_time("2024-01-05"):
            with self.assertRaisesRegex(Exception, "at most"):
                invoice._register_credit_collection_promise(date(2024, 1, 20), 150.0)
            with self.assertRaisesRegex(Exception, "past"):
                invoice._register_credit_collection_promise(date(2024, 1, 1), 50.0)
            with self.assertRaisesRegex(Exception, "30 days"):
                invoice._register_credit_collection_promise(date(2024, 3, 1), 50.0)
        self.assertFalse(invoice.credit_collection_promise_date)

    def test_excluded_customer_is_skipped(self):
        self.customer.credit_collection_excluded = True
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        run = self.run_on("2024-01-15")
        self.assertEqual(run.item_ids.result, "excluded")
        self.assertEqual(run.skipped_count, 1)

    def test_credit_note_covering_overdue_amount(self):
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        refund = self.create_invoice(
            self.customer, 120.0, "2024-01-03", move_type="out_refund"
        )
        run = self.run_on("2024-01-15")
        self.assertEqual(run.item_ids.result, "covered")
        # a credit that no longer covers everything: the customer is reminded
        self.create_invoice(self.customer, 50.0, "2024-01-02")
        run = self.run_on("2024-01-16")
        self.assertEqual(run.item_ids.result, "reminded")
        self.assertTrue(refund.amount_residual, "the credit note stays unreconciled")

    def test_minimum_amount_in_company_currency(self):
        self.policy.minimum_amount = 50.0
        eur = self.setup_other_currency("EUR")
        self.create_invoice(
            self.customer, 90.0, "2024-01-01", currency=eur
        )  # 45.00 company
        run = self.run_on("2024-01-15")
        self.assertEqual(run.item_ids.result, "minimum")
        self.create_invoice(
            self.customer, 10.0, "2024-01-01", currency=eur
        )  # 50.00 company
        run = self.run_on("2024-01-16")
        self.assertEqual(run.item_ids.result, "reminded")

    def test_recipients_are_collection_contacts(self):
        accounting = self.env["res.partner"].create(
            {
                "name": "Ufficio contabilità",
                "parent_id": self.customer.id,
                "email": "contabilita@rossi.example.com",
                "credit_collection_contact": True,
            }
        )
        self.env["res.partner"].create(
            {
                "name": "Archived collector",
                "parent_id": self.customer.id,
                "email": "old@rossi.example.com",
                "credit_collection_contact": True,
                "active": False,
            }
        )
        self.env["res.partner"].create(
            {
                "name": "Sales",
                "parent_id": self.customer.id,
                "email": "sales@rossi.example.com",
            }
        )
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        run = self.run_on("2024-01-15")
        self.assertEqual(run.event_ids.recipient_ids, accounting)
        self.assertEqual(self.mails_of(run.event_ids).recipient_ids, accounting)

    def test_no_email_fails_with_a_phone_task_and_does_not_count(self):
        self.customer.email = False
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-01")
        run = self.run_on("2024-01-15")
        event = run.event_ids
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.reason, "No active contact with an email address.")
        self.assertEqual(
            event.activity_id.activity_type_id,
            self.env.ref("mail.mail_activity_data_call"),
        )
        self.assertEqual(run.failed_count, 1)
        self.assertEqual(run.item_ids.result, "failed")
        self.assertEqual(run.reminded_count, 0)
        self.assertFalse(
            invoice.credit_collection_level_id, "a failed reminder does not count"
        )
        rerun = self.run_on("2024-01-15")  # the same day: not retried, no second task
        self.assertEqual(rerun.item_ids.result, "already")
        self.assertFalse(rerun.event_ids)
        self.customer.email = "back@rossi.example.com"
        run = self.run_on("2024-01-16")  # no gap: the failed one did not count
        self.assertEqual(run.event_ids.state, "done")
        self.assertEqual(invoice.credit_collection_level_id, self.level_1)

    def test_archived_customer_gets_a_task_not_an_email(self):
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        self.customer.active = False
        run = self.run_on("2024-01-15")
        event = run.event_ids
        self.assertEqual(event.state, "skipped")
        self.assertFalse(self.mails_of(event))
        self.assertTrue(event.activity_id)

    def test_sms_numbers_are_normalised_and_never_guessed(self):
        cases = {
            ("333 123 4567", True): "+393331234567",
            ("+39 333 1234567", False): "+393331234567",
            ("0039 3331234567", False): "+393331234567",
        }
        for (raw, with_country), expected in cases.items():
            self.customer.write(
                {"mobile": raw, "country_id": self.italy.id if with_country else False}
            )
            _partner, number, error = self.customer._get_credit_collection_sms_number()
            self.assertFalse(error, raw)
            self.assertEqual(number, expected, raw)
        self.customer.write({"mobile": "333 123 4567", "country_id": False})
        _partner, number, error = self.customer._get_credit_collection_sms_number()
        self.assertEqual(number, "333 123 4567")
        self.assertIn("not guessed", error)
        self.customer.write({"mobile": "+39 12", "country_id": self.italy.id})
        _partner, _number, error = self.customer._get_credit_collection_sms_number()
        self.assertTrue(error)

    def test_invalid_sms_number_is_a_failed_event(self):
        self.customer.write({"mobile": "333 123 4567", "country_id": False})
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        self.run_on("2024-01-11")
        run = self.run_on("2024-01-26")
        sms = run.event_ids.filtered(lambda e: e.channel == "sms")
        self.assertEqual(sms.state, "failed")
        self.assertEqual(sms.sms_number, "333 123 4567")
        email = run.event_ids.filtered(lambda e: e.channel == "email")
        self.assertEqual(
            email.state, "done", "the email of the same level still went out"
        )

    def test_courtesy_level_before_due_date(self):
        self.env["credit.collection.level"].create(
            {
                "policy_id": self.policy.id,
                "sequence": 1,
                "name": "Courtesy",
                "delay_days": -3,
                "channel_email": True,
                "mail_template_id": self.level_1.mail_template_id.id,
            }
        )
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-10")
        run = self.run_on("2024-01-07")
        self.assertEqual(run.event_ids.level_id.name, "Courtesy")
        self.assertEqual(run.event_ids.invoice_ids, invoice)

    def test_next_date_follows_gap_and_policy_changes(self):
        first = self.create_invoice(self.customer, 100.0, "2024-01-01")
        second = self.create_invoice(self.customer, 100.0, "2024-01-05")
        self.assertEqual(second.credit_collection_next_date, date(2024, 1, 15))
        self.run_on("2024-01-11")  # lists both; second is 6 days late
        # second's level 1 is due on 01-15 but the 10-day gap holds it to 01-21
        self.assertEqual(second.credit_collection_next_date, date(2024, 1, 21))
        self.assertEqual(first.credit_collection_next_date, date(2024, 1, 26))
        self.level_2.delay_days = 30
        self.assertEqual(first.credit_collection_next_date, date(2024, 1, 31))
        strict = self.policy.copy({"name": "Strict", "minimum_gap_days": 3})
        self.customer.credit_collection_policy_id = strict
        # the new policy's levels are not the ones reached: its first level again,
        # 10 days after the due date, then the 3-day gap after the 01-11 reminder
        self.assertEqual(first.credit_collection_next_date, date(2024, 1, 14))

    def test_future_run_is_refused(self):
        with self.assertRaisesRegex(Exception, "future"):
            self.env["credit.collection.run"].create(
                {"company_id": self.company.id, "date": "2999-01-01"}
            )

    def test_resolving_a_dispute_closes_its_task(self):
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-01")
        event = invoice._set_credit_collection_dispute("Damaged")
        activity = event.activity_id
        self.assertTrue(activity.exists())
        invoice.action_credit_collection_resolve_dispute()
        self.assertFalse(activity.exists(), "marked done")
