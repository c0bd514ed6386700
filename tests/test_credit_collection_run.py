# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, sql_db
from odoo.tests import tagged

from .common import CreditCollectionCommon


@tagged("post_install", "-at_install")
class TestCreditCollectionRun(CreditCollectionCommon):
    def test_levels_follow_the_policy_dates(self):
        """Due 2024-01-01 with the default policy (10 / 25 / 40 days, gap 10)."""
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")

        run = self.run_on("2024-01-10")  # 9 days: nothing yet
        self.assertFalse(invoice.credit_collection_level_id)
        self.assertFalse(run.item_ids, "too recent for any level: not even queued")
        self.assertEqual(invoice.credit_collection_next_date, date(2024, 1, 11))

        run = self.run_on("2024-01-11")  # 10 days: first reminder by email only
        self.assertEqual(invoice.credit_collection_level_id, self.level_1)
        events = run.event_ids
        self.assertEqual(events.mapped("channel"), ["email"])
        self.assertEqual(events.recipient_ids, self.customer)
        self.assertEqual(events.invoice_ids, invoice)
        self.assertEqual(events.amount_due, 1000.0)
        mail = self.mails_of(events)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertIn("Payment reminder", mail.subject)
        self.assertIn(invoice.name, mail.body_html)
        self.assertEqual(invoice.credit_collection_next_date, date(2024, 1, 26))

        self.run_on("2024-01-25")  # 24 days: level 2 not due yet
        self.assertEqual(invoice.credit_collection_level_id, self.level_1)

        run = self.run_on("2024-01-26")  # 25 days: second notice by email and SMS
        self.assertEqual(invoice.credit_collection_level_id, self.level_2)
        self.assertEqual(sorted(run.event_ids.mapped("channel")), ["email", "sms"])
        sms_event = run.event_ids.filtered(lambda e: e.channel == "sms")
        self.assertEqual(sms_event.sms_number, "+393331234567")
        self.assertEqual(sms_event.state, "done")
        sms = self.env["sms.sms"].search(
            [("mail_message_id", "=", sms_event.mail_message_id.id)]
        )
        self.assertEqual(sms.number, "+393331234567")

        run = self.run_on("2024-02-10")  # 40 days: final notice, escalation
        self.assertEqual(invoice.credit_collection_level_id, self.level_3)
        self.assertTrue(invoice.credit_collection_escalated)
        self.assertEqual(
            sorted(run.event_ids.mapped("channel")),
            ["email", "legal", "letter", "phone"],
        )
        phone = run.event_ids.filtered(lambda e: e.channel == "phone")
        self.assertEqual(
            phone.activity_id.activity_type_id,
            self.env.ref("mail.mail_activity_data_call"),
        )
        self.assertEqual(phone.activity_id.res_id, self.customer.id)
        self.assertFalse(invoice.credit_collection_next_date)

        run = self.run_on("2024-03-30")  # escalated: no more automatic reminders
        self.assertFalse(run.event_ids)
        self.assertEqual(len(self.reminders(self.customer)), 6)

    def test_rerun_same_date_sends_nothing(self):
        self.create_invoice(self.customer, 500.0, "2024-01-01")
        first = self.run_on("2024-01-15")
        self.assertEqual(len(first.event_ids), 1)
        mails_before = self.env["mail.mail"].search_count([])
        second = self.run_on("2024-01-15")
        self.assertFalse(second.event_ids)
        self.assertEqual(second.item_ids.result, "already")
        self.assertEqual(self.env["mail.mail"].search_count([]), mails_before)
        first.action_run()  # a finished run does nothing either
        self.assertEqual(len(first.event_ids), 1)

    def test_catch_up_moves_one_level_only(self):
        """A first run 60 days after the due date sends the first reminder only."""
        invoice = self.create_invoice(self.customer, 300.0, "2024-01-01")
        run = self.run_on("2024-03-01")
        self.assertEqual(invoice.credit_collection_level_id, self.level_1)
        self.assertEqual(len(run.event_ids), 1)
        run = self.run_on("2024-03-05")  # the 10-day gap holds the second level back
        self.assertEqual(run.item_ids.result, "gap")
        self.assertEqual(invoice.credit_collection_level_id, self.level_1)
        self.run_on("2024-03-11")
        self.assertEqual(invoice.credit_collection_level_id, self.level_2)

    def test_one_communication_per_customer_at_highest_level(self):
        old = self.create_invoice(self.customer, 200.0, "2024-01-01")
        self.run_on("2024-01-11")  # old -> level 1
        self.run_on("2024-01-26")  # old -> level 2
        recent = self.create_invoice(self.customer, 50.0, "2024-01-27")
        other_currency = self.setup_other_currency("EUR")
        foreign = self.create_invoice(
            self.customer, 80.0, "2024-01-28", currency=other_currency
        )
        run = self.run_on("2024-02-10")
        # old reaches level 3, recent and foreign level 1: one communication at level 3
        self.assertEqual(old.credit_collection_level_id, self.level_3)
        self.assertEqual(recent.credit_collection_level_id, self.level_1)
        self.assertEqual(foreign.credit_collection_level_id, self.level_1)
        email = run.event_ids.filtered(lambda e: e.channel == "email")
        self.assertEqual(len(email), 1)
        self.assertEqual(email.level_id, self.level_3)
        self.assertEqual(email.invoice_ids, old | recent | foreign)
        totals = email._get_totals_by_currency()
        self.assertEqual(totals[self.company.currency_id], 250.0)
        self.assertEqual(totals[other_currency], 80.0)
        # 80 EUR at 2 EUR per company unit is 40 in company currency
        self.assertEqual(email.amount_due, 290.0)
        mail = self.mails_of(email)
        self.assertIn(recent.name, mail.body_html)
        self.assertIn(foreign.name, mail.body_html)
        self.assertEqual(run._get_level_counts(), {self.level_1: 2, self.level_3: 1})
        # escalation concerns the invoice that reached the final level only
        self.assertTrue(old.credit_collection_escalated)
        self.assertFalse(recent.credit_collection_escalated)

    def test_payment_term_installments_count_separately(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "50% 30 days, 50% 60 days",
                "line_ids": [
                    (0, 0, {"value": "percent", "value_amount": 50.0, "nb_days": 30}),
                    (0, 0, {"value": "percent", "value_amount": 50.0, "nb_days": 60}),
                ],
            }
        )
        invoice = self.create_invoice(
            self.customer, 1000.0, None, invoice_date="2024-01-01", payment_term=term
        )
        first, second = invoice._get_credit_collection_lines().sorted("date_maturity")
        self.assertEqual(first.date_maturity, date(2024, 1, 31))
        run = self.run_on("2024-02-10")  # first installment 10 days late
        self.assertEqual(first.credit_collection_level_id, self.level_1)
        self.assertFalse(second.credit_collection_level_id)
        self.assertEqual(
            run.event_ids.amount_due, 500.0
        )  # only the overdue installment
        self.assertEqual(run.event_ids.line_ids, first)
        self.assertEqual(invoice.credit_collection_level_id, self.level_1)
        run = self.run_on(
            "2024-03-11"
        )  # first +40 -> level 2 only (one step), second +10
        self.assertEqual(first.credit_collection_level_id, self.level_2)
        self.assertEqual(second.credit_collection_level_id, self.level_1)
        self.assertEqual(
            run.event_ids.filtered(lambda e: e.channel == "email").amount_due, 1000.0
        )

    def test_partial_payment_lowers_the_amount_reminded(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        self.pay(invoice, 400.0, "2024-01-05")
        run = self.run_on("2024-01-11")
        self.assertEqual(run.event_ids.amount_due, 600.0)
        self.assertIn("600.00", self.mails_of(run.event_ids).body_html)
        self.pay(invoice, 600.0, "2024-01-20")
        run = self.run_on("2024-01-26")
        self.assertFalse(run.item_ids, "a paid invoice is not in the work list")

    def test_two_companies_never_mix(self):
        company_data_2 = self.setup_other_company()
        company_2 = company_data_2["company"]
        self.env.user.company_ids |= company_2
        mine = self.create_invoice(self.customer, 100.0, "2024-01-01")
        theirs = self.create_invoice(
            self.customer, 100.0, "2024-01-01", company_data=company_data_2
        )
        run = self.run_on("2024-01-15")
        self.assertEqual(run.event_ids.invoice_ids, mine)
        self.assertFalse(theirs.credit_collection_level_id)
        run_2 = self.run_on("2024-01-15", company=company_2)
        self.assertEqual(run_2.event_ids.invoice_ids, theirs)
        self.assertEqual(run_2.event_ids.level_id.company_id, company_2)

    def test_crash_in_the_middle_then_rerun(self):
        """A customer whose processing raises is rolled back alone; the others
        are reminded once, and a later run reminds the failed one only."""
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        self.create_invoice(self.other_customer, 100.0, "2024-01-01")
        Run = type(self.env["credit.collection.run"])
        original = Run._prepare_reminder_vals

        def crash_for_bianchi(run, partner, *args):
            if partner == self.other_customer:
                raise RuntimeError("SMTP exploded")
            return original(run, partner, *args)

        with patch.object(Run, "_prepare_reminder_vals", crash_for_bianchi):
            run = self.run_on("2024-01-15")
        results = {i.partner_id: i.result for i in run.item_ids}
        self.assertEqual(
            results, {self.customer: "reminded", self.other_customer: "error"}
        )
        self.assertIn("SMTP exploded", run.log)
        self.assertEqual(len(self.reminders()), 1)
        self.assertFalse(
            self.env["account.move"]
            .search([("partner_id", "=", self.other_customer.id)])
            .credit_collection_level_id,
            "the failed customer's changes were rolled back",
        )
        rerun = self.run_on("2024-01-15")
        self.assertEqual(rerun.event_ids.partner_id, self.other_customer)
        self.assertEqual(len(self.reminders(self.customer)), 1)

    def test_run_stopped_halfway_resumes_without_resending(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Late {i}", "email": f"late{i}@x.example.com"} for i in range(3)]
        )
        for partner in partners:
            self.create_invoice(partner, 100.0, "2024-01-01")
        run = self.env["credit.collection.run"].create(
            {"company_id": self.company.id, "date": "2024-01-15"}
        )
        self.assertEqual(run._process_batch(2), (2, 1))  # then the worker dies
        self.assertEqual(run.state, "in_progress")
        run.action_run()  # the next call resumes with what is left
        self.assertEqual(run.state, "done")
        self.assertEqual(
            sorted(self.reminders().mapped("partner_id.name")),
            ["Late 0", "Late 1", "Late 2"],
        )

    def test_two_workers_never_take_the_same_customer(self):
        """Two cursors (two cron workers) take disjoint customers of one run."""
        db = sql_db.db_connect(self.env.cr.dbname)
        with db.cursor() as setup_cr:
            env = api.Environment(setup_cr, SUPERUSER_ID, {})
            partners = (
                env["res.partner"]
                .with_context(active_test=False)
                .search([], limit=4, order="id")
            )
            run_id = (
                env["credit.collection.run"]
                .create(
                    {
                        "company_id": env.ref("base.main_company").id,
                        "date": "2000-01-01",
                    }
                )
                .id
            )
            setup_cr.execute(
                "UPDATE credit_collection_run SET state = 'in_progress' WHERE id = %s",
                [run_id],
            )
            env["credit.collection.run.item"].create(
                [{"run_id": run_id, "partner_id": p.id} for p in partners]
            )
            setup_cr.commit()
        try:
            with db.cursor() as cr_a, db.cursor() as cr_b:
                run_a = api.Environment(cr_a, SUPERUSER_ID, {})["credit.collection.run"]
                run_b = api.Environment(cr_b, SUPERUSER_ID, {})["credit.collection.run"]
                taken_a = run_a.browse(run_id)._take_pending_items(2).partner_id.ids
                taken_b = run_b.browse(run_id)._take_pending_items(10).partner_id.ids
                self.assertEqual(len(taken_a), 2)
                self.assertEqual(len(taken_b), 2)
                self.assertFalse(set(taken_a) & set(taken_b))
                self.assertEqual(set(taken_a) | set(taken_b), set(partners.ids))
                cr_a.rollback()
                cr_b.rollback()
        finally:
            with db.cursor() as cleanup_cr:
                cleanup_cr.execute(
                    "DELETE FROM credit_collection_run WHERE id = %s", [run_id]
                )
                cleanup_cr.commit()

    def test_cron_processes_batches_with_progress(self):
        for i in range(3):
            partner = self.env["res.partner"].create(
                {"name": f"C{i}", "email": f"c{i}@x.example.com"}
            )
            self.create_invoice(partner, 100.0, "2024-01-01")
        self.env["credit.collection.run"].search([]).unlink()
        cron = self.env.ref("account_credit_collection.ir_cron_credit_collection_run")
        progress = self.env["ir.cron.progress"].create(
            {"cron_id": cron.id, "remaining": 0, "done": 0}
        )
        # the cron runs as the superuser, over every company
        Run = (
            self.env["credit.collection.run"]
            .sudo()
            .with_context(ir_cron_progress_id=progress.id)
        )
        with freeze_time("2024-01-15 10:00:00"):
            Run._cron_process(batch_size=2)
            run = Run.search(
                [("company_id", "=", self.company.id), ("date", "=", "2024-01-15")]
            )
            self.assertEqual(run.state, "in_progress")
            self.assertEqual(progress.done, 2)
            self.assertGreaterEqual(progress.remaining, 1)
            for _i in range(10):
                Run._cron_process(batch_size=2)
                if not progress.remaining:
                    break
        self.assertEqual(run.state, "done")
        self.assertEqual(run.reminded_count, 3)
        self.assertEqual(len(run.event_ids), 3)

    def test_cron_date_is_the_company_date(self):
        """23:30 UTC on Jan 10 is already Jan 11 in Rome, still Jan 10 in New York."""
        self.company.partner_id.tz = "Europe/Rome"
        Run = self.env["credit.collection.run"]
        with freeze_time("2024-01-10 23:30:00"):
            self.assertEqual(Run._get_company_today(self.company), date(2024, 1, 11))
            self.company.partner_id.tz = "America/New_York"
            self.assertEqual(Run._get_company_today(self.company), date(2024, 1, 10))
