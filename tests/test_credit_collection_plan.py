# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import CreditCollectionCommon


class CreditCollectionPlanCommon(CreditCollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template_3 = cls.env["credit.collection.plan.template"].create(
            {
                "name": "Three months",
                "company_id": cls.company.id,
                "installment_count": 3,
                "grace_days": 5,
                "reminder_days": 5,
                "max_amount": 2000.0,
            }
        )

    def make_plan(self, invoices, first_due="2024-02-10", **values):
        """A draft plan over ``invoices`` made on 2024-01-20, no template."""
        with freeze_time("2024-01-20"):
            return self.env["credit.collection.plan"].create(
                {
                    "partner_id": invoices.commercial_partner_id.id,
                    "invoice_ids": [Command.set(invoices.ids)],
                    "installment_count": 3,
                    "first_due_date": first_due,
                    **values,
                }
            )

    def confirm(self, plan, on="2024-01-20"):
        with freeze_time(on):
            plan.action_confirm()
        return plan

    def schedule(self, plan):
        return [
            (line.due_date, line.amount, line.paid_amount, line.state)
            for line in plan.line_ids.sorted(lambda x: (x.due_date, x.sequence))
        ]

    def run_at(self, day, company=None):
        with freeze_time(day):
            run = self.run_on(day, company=company)
            self.env.flush_all()  # what depends on today is computed on that day
        return run


@tagged("post_install", "-at_install")
class TestCreditCollectionPlanSchedule(CreditCollectionPlanCommon):
    def test_1000_in_3_installments(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        plan = self.make_plan(invoice)
        self.assertEqual(plan.financed_amount, 1000.0)
        self.assertEqual(plan.total_amount, 1000.0)
        self.assertEqual(
            [(line.due_date, line.amount) for line in plan.line_ids],
            [
                (date(2024, 2, 10), 333.33),
                (date(2024, 3, 10), 333.33),
                (date(2024, 4, 10), 333.34),  # the remainder on the last
            ],
        )
        self.assertEqual(
            plan.line_ids.mapped("name"),
            ["Installment 1 of 3", "Installment 2 of 3", "Installment 3 of 3"],
        )
        self.assertTrue(plan.name.startswith("PLAN/"))

    def test_100_in_6_with_20_percent_down(self):
        template = self.template_3.copy(
            {"installment_count": 6, "down_payment_percent": 20.0, "first_due_days": 3}
        )
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-01")
        with freeze_time("2024-01-20"):
            form = Form(self.env["credit.collection.plan"])
            form.partner_id = self.customer
            form.invoice_ids.add(invoice)
            form.template_id = template
            # the live preview in the form, before anything is saved
            self.assertEqual(form.down_payment_amount, 20.0)
            self.assertEqual(form.first_due_date, date(2024, 1, 23))
            self.assertEqual(len(form.line_ids), 7)
            plan = form.save()
        # 20.00 down, then 80.00 in 6: 13.33 five times and 13.35 (80 - 66.65)
        self.assertEqual(
            plan.line_ids.mapped("amount"),
            [20.0, 13.33, 13.33, 13.33, 13.33, 13.33, 13.35],
        )
        self.assertTrue(plan.line_ids[0].is_down_payment)
        self.assertEqual(
            plan.line_ids.mapped("due_date"),
            [
                date(2024, 1, 23),  # down payment on the first due date
                date(2024, 2, 23),
                date(2024, 3, 23),
                date(2024, 4, 23),
                date(2024, 5, 23),
                date(2024, 6, 23),
                date(2024, 7, 23),
            ],
        )
        self.assertEqual(
            plan.currency_id.round(sum(plan.line_ids.mapped("amount"))), 100.0
        )

    def test_jpy_plan_has_no_decimals(self):
        jpy = self.env.ref("base.JPY")
        jpy.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": jpy.id, "name": "2023-01-01", "rate": 150.0}
        )
        invoice = self.create_invoice(
            self.customer, 100000.0, "2024-01-01", currency=jpy
        )
        plan = self.make_plan(invoice)
        self.assertEqual(plan.currency_id, jpy)
        self.assertEqual(plan.line_ids.mapped("amount"), [33333.0, 33333.0, 33334.0])

    def test_interest_5_percent_over_6_months(self):
        """1,200.00 at 5% a year in 6 monthly installments of 200.00 principal:
        the customer owes 1,200, 1,000, 800, 600, 400 and 200 during the six
        months, 4,200 month-euros, so interest = 4,200 x 5% / 12 = 17.50
        (= 1,200 x 5% x 1/12 x (6 + 1) / 2)."""
        invoice = self.create_invoice(self.customer, 1200.0, "2024-01-01")
        # the fee invoice falls due with the last installment, not on these terms
        self.customer.property_payment_term_id = self.env.ref(
            "account.account_payment_term_30days"
        )
        plan = self.make_plan(
            invoice, installment_count=6, interest_rate=5.0, fee_amount=10.0
        )
        self.assertEqual(plan.interest_amount, 17.50)
        self.assertEqual(plan.total_amount, 1227.50)
        # 1,227.50 / 6 = 204.5833: five of 204.58 and 204.60
        self.assertEqual(
            plan.line_ids.mapped("amount"),
            [204.58, 204.58, 204.58, 204.58, 204.58, 204.60],
        )
        self.confirm(plan)
        started = plan.event_ids.filtered(lambda e: e.plan_action == "activated")
        self.assertEqual(started.mail_message_id.partner_ids, self.customer)
        self.assertIn("204.60", started.mail_message_id.body)
        self.assertIn(plan.fee_invoice_id.name, started.mail_message_id.body)
        fee_invoice = plan.fee_invoice_id
        self.assertEqual(fee_invoice.state, "posted")
        self.assertEqual(fee_invoice.amount_total, 27.50)
        self.assertEqual(
            fee_invoice.invoice_line_ids.mapped("price_subtotal"), [17.50, 10.0]
        )
        self.assertEqual(fee_invoice.invoice_date_due, date(2024, 7, 10))
        self.assertEqual(fee_invoice.credit_collection_plan_id, plan)
        self.assertEqual(plan.paid_amount, 0.0)
        self.assertEqual(plan.residual_amount, 1227.50)

    def test_weekly_interest(self):
        """700.00 at 10% in 2 weekly installments: 700 x 10% x 7/365 x 3/2 = 2.0137
        -> 2.01."""
        invoice = self.create_invoice(self.customer, 700.0, "2024-01-01")
        plan = self.make_plan(
            invoice, installment_count=2, interval_unit="week", interest_rate=10.0
        )
        self.assertEqual(plan.interest_amount, 2.01)
        self.assertEqual(
            plan.line_ids.mapped("due_date"), [date(2024, 2, 10), date(2024, 2, 17)]
        )

    def test_month_end_due_dates_stay_at_month_end(self):
        invoice = self.create_invoice(self.customer, 300.0, "2024-01-01")
        plan = self.make_plan(invoice, first_due="2024-01-31")
        self.assertEqual(
            plan.line_ids.mapped("due_date"),
            [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)],
        )


@tagged("post_install", "-at_install")
class TestCreditCollectionPlanPayments(CreditCollectionPlanCommon):
    def test_partial_payment_spreads_over_two_installments(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        plan = self.confirm(self.make_plan(invoice))
        with freeze_time("2024-02-01"):
            self.pay(invoice, 500.0, "2024-02-01")
        self.assertEqual(
            self.schedule(plan),
            [
                (date(2024, 2, 10), 333.33, 333.33, "paid"),
                (date(2024, 3, 10), 333.33, 166.67, "open"),
                (date(2024, 4, 10), 333.34, 0.0, "open"),
            ],
        )
        self.assertEqual(plan.residual_amount, 500.0)
        self.assertEqual(plan.next_due_date, date(2024, 3, 10))
        self.assertEqual(plan.next_amount, 166.66)

    def test_overpayment_fills_the_next_installments(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        plan = self.confirm(self.make_plan(invoice))
        with freeze_time("2024-02-01"):
            self.pay(invoice, 700.0, "2024-02-01")
        self.assertEqual(plan.line_ids.mapped("paid_amount"), [333.33, 333.33, 33.34])
        with freeze_time("2024-02-02"):
            payment = self.pay(invoice, 450.0, "2024-02-02")  # 150.00 more than due
        self.assertEqual(plan.line_ids.mapped("state"), ["paid", "paid", "paid"])
        self.assertEqual(plan.paid_amount, 1000.0)
        self.assertEqual(plan.state, "done")
        done = plan.event_ids.filtered(lambda e: e.plan_action == "done")
        self.assertEqual(len(done), 1)
        # the 150.00 left over stays on the customer's account, not on the plan
        receivable = payment.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        self.assertEqual(receivable.amount_residual, -150.0)

    def test_reversed_payment_reopens_the_installments(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        plan = self.confirm(self.make_plan(invoice))
        with freeze_time("2024-02-01"):
            payment = self.pay(invoice, 1000.0, "2024-02-01")
        self.assertEqual(plan.state, "done")
        with freeze_time("2024-03-15"):
            payment.action_draft()  # the bank returned it
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.paid_amount, 0.0)
        self.assertEqual(plan.line_ids.mapped("state"), ["overdue", "overdue", "open"])
        self.assertEqual(
            plan.event_ids.sorted("id").mapped("plan_action"),
            ["activated", "done", "reopened"],
        )

    def test_invoice_paid_directly_counts_for_the_plan(self):
        """Three invoices (300 + 300 + 400) in 3 installments; the 400.00 invoice is
        paid on its own: the plan has 400.00, the first installment and 66.67 of
        the second."""
        invoices = (
            self.create_invoice(self.customer, 300.0, "2024-01-01")
            | self.create_invoice(self.customer, 300.0, "2024-01-02")
            | self.create_invoice(self.customer, 400.0, "2024-01-03")
        )
        plan = self.confirm(self.make_plan(invoices))
        self.assertEqual(plan.financed_amount, 1000.0)
        with freeze_time("2024-02-01"):
            self.pay(invoices[2], 400.0, "2024-02-01")
        self.assertEqual(plan.line_ids.mapped("paid_amount"), [333.33, 66.67, 0.0])
        self.assertEqual(plan.residual_amount, 600.0)

    def test_credit_note_counts_as_payment(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        plan = self.confirm(self.make_plan(invoice))
        refund = self.create_invoice(
            self.customer, 333.33, "2024-01-25", move_type="out_refund"
        )
        with freeze_time("2024-01-25"):
            (invoice | refund).line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            ).reconcile()
        self.assertEqual(plan.line_ids[0].state, "paid")
        self.assertEqual(plan.residual_amount, 666.67)

    def test_payment_before_the_plan_is_not_counted(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        self.pay(invoice, 100.0, "2024-01-15")
        plan = self.make_plan(invoice)
        self.assertEqual(plan.financed_amount, 900.0)
        self.assertEqual(plan.paid_amount, 0.0)
        self.assertEqual(plan.line_ids.mapped("amount"), [300.0, 300.0, 300.0])


@tagged("post_install", "-at_install")
class TestCreditCollectionPlanRun(CreditCollectionPlanCommon):
    def test_plan_invoices_leave_dunning(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        other = self.create_invoice(self.customer, 50.0, "2024-01-01")
        self.confirm(self.make_plan(invoice))
        run = self.run_at("2024-01-21")
        reminder = self.reminders(self.customer)
        self.assertEqual(
            reminder.invoice_ids, other, "the plan's invoice is not listed"
        )
        self.assertEqual(reminder.amount_due, 50.0)
        self.assertFalse(invoice.credit_collection_level_id)
        self.assertFalse(invoice.credit_collection_next_date)
        self.assertEqual(run.item_ids.result, "reminded")
        # with only the plan's invoice open, the customer is skipped as "plan"
        self.pay(other, 50.0, "2024-01-22")
        run = self.run_at("2024-01-31")
        self.assertEqual(run.item_ids.result, "plan")

    def test_reminders_before_and_after_each_installment(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        plan = self.confirm(self.make_plan(invoice))
        self.assertFalse(self.run_at("2024-02-04").event_ids, "6 days before: nothing")

        run = self.run_at("2024-02-05")  # 5 days before the 10th
        event = run.event_ids
        self.assertEqual(
            (event.channel, event.plan_action, event.plan_line_id),
            ("email", "reminder", plan.line_ids[0]),
        )
        self.assertEqual(event.amount_due, 333.33)
        self.assertEqual(run.item_ids.result, "plan_message")
        mail = self.mails_of(event)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertIn("10", mail.subject)
        self.assertIn("333.33", mail.body_html)
        self.assertIn(plan.name, mail.body_html)
        self.assertEqual(plan.line_ids[0].reminder_event_id, event)

        self.assertFalse(self.run_at("2024-02-05").event_ids, "same day: nothing")
        self.assertFalse(self.run_at("2024-02-06").event_ids, "already reminded")
        self.assertFalse(self.run_at("2024-02-10").event_ids, "due today")

        run = self.run_at("2024-02-11")  # the day after: unpaid
        self.assertEqual(run.event_ids.plan_action, "overdue")
        self.assertEqual(plan.line_ids[0].state, "overdue")
        self.assertFalse(self.run_at("2024-02-12").event_ids)

        # the second installment paid early: no reminder for it
        with freeze_time("2024-02-13"):
            self.pay(invoice, 666.66, "2024-02-13")
        self.assertEqual(plan.line_ids.mapped("state"), ["paid", "paid", "open"])
        self.assertFalse(self.run_at("2024-03-05").event_ids)
        self.assertEqual(
            self.run_at("2024-04-05").event_ids.plan_line_id, plan.line_ids[2]
        )

    def test_sms_reminder_when_the_plan_asks(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        self.confirm(self.make_plan(invoice, reminder_sms=True))
        run = self.run_at("2024-02-05")
        self.assertEqual(sorted(run.event_ids.mapped("channel")), ["email", "sms"])
        sms_event = run.event_ids.filtered(lambda e: e.channel == "sms")
        sms = self.env["sms.sms"].search(
            [("mail_message_id", "=", sms_event.mail_message_id.id)]
        )
        self.assertEqual(sms.number, "+393331234567")
        self.assertIn("333.33", sms.body)
        self.assertEqual(sms_event.sms_segments, 1)

    def test_breach_the_day_after_the_grace_days(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        plan = self.confirm(self.make_plan(invoice, grace_days=5))
        self.run_at("2024-02-15")  # due the 10th + 5 days of grace: the last one
        self.assertEqual(plan.state, "active")

        run = self.run_at("2024-02-16")
        self.assertEqual(plan.state, "breached")
        self.assertEqual(plan.breach_date, date(2024, 2, 16))
        breach = plan.event_ids.filtered(
            lambda e: e.plan_action == "breached" and e.channel == "plan"
        )
        self.assertEqual(breach.state, "done")
        self.assertEqual(breach.run_id, run)
        self.assertIn("333.33", breach.note)
        self.assertTrue(breach.activity_id, "the responsible gets a task")
        notice = run.event_ids.filtered(lambda e: e.channel == "email")
        self.assertEqual(notice.plan_action, "breached")
        self.assertIn("ended", self.mails_of(notice).subject)
        # the notice's payment link now asks for everything still due
        self.assertEqual(
            notice._get_credit_collection_payment_request()["amount"], 1000.0
        )
        self.assertTrue(invoice.credit_collection_level_due)
        self.assertFalse(self.run_at("2024-02-16").event_ids, "rerun: nothing more")
        self.assertEqual(self.customer.credit_collection_breached_plan_count, 1)

    def test_breach_makes_the_interest_and_fee_due_at_once(self):
        invoice = self.create_invoice(self.customer, 1200.0, "2024-01-01")
        plan = self.confirm(self.make_plan(invoice, interest_rate=5.0, fee_amount=5.0))
        fee_invoice = plan.fee_invoice_id
        self.assertEqual(fee_invoice.invoice_date_due, date(2024, 4, 10))
        self.run_at("2024-02-16")
        self.assertEqual(plan.state, "breached")
        self.assertEqual(fee_invoice.invoice_date_due, date(2024, 2, 16))
        self.assertTrue(fee_invoice.credit_collection_level_due)

    def test_a_lapsed_plan_dunns_only_what_is_overdue(self):
        """Invoice A, due 5 February, is 6 days late when the proposal lapses on
        the 11th: it gets the first level at once (normally on the 15th). Invoice
        B, due 31 March, is not dunned before it falls due."""
        late = self.create_invoice(self.customer, 600.0, "2024-02-05")
        not_due = self.create_invoice(self.customer, 600.0, "2024-03-31")
        plan = self.make_plan(late | not_due)
        with freeze_time("2024-01-20"):
            plan.action_propose()
        self.run_at("2024-02-11")
        self.assertEqual(plan.state, "cancelled")
        run = self.run_at("2024-02-12")
        self.assertEqual(late.credit_collection_level_id, self.level_1)
        self.assertFalse(late.credit_collection_level_due)
        self.assertFalse(not_due.credit_collection_level_id)
        self.assertEqual(run.event_ids.invoice_ids, late)
        self.assertEqual(not_due.credit_collection_next_date, date(2024, 4, 1))
        self.run_at("2024-04-01")
        self.assertEqual(not_due.credit_collection_level_id, self.level_1)

    def test_dunning_resumes_at_the_next_level_after_a_breach(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        self.run_at("2024-01-11")  # first reminder before the plan
        self.assertEqual(invoice.credit_collection_level_id, self.level_1)
        plan = self.confirm(self.make_plan(invoice))
        self.run_at("2024-01-26")  # level 2 would be due: the plan holds it back
        self.assertEqual(invoice.credit_collection_level_id, self.level_1)
        self.run_at("2024-02-16")
        self.assertEqual(plan.state, "breached")
        self.assertEqual(invoice.credit_collection_level_id, self.level_1)
        self.assertEqual(invoice.credit_collection_next_date, date(2024, 2, 16))

        run = self.run_at("2024-02-17")
        self.assertEqual(invoice.credit_collection_level_id, self.level_2)
        self.assertFalse(invoice.credit_collection_level_due)
        self.assertEqual(sorted(run.event_ids.mapped("channel")), ["email", "sms"])
        # one level at a time afterwards, by the policy's delays and gap
        self.run_at("2024-02-18")
        self.assertEqual(invoice.credit_collection_level_id, self.level_2)

    def test_cancel_returns_to_dunning_without_breach(self):
        invoice = self.create_invoice(self.customer, 1200.0, "2024-01-01")
        plan = self.confirm(self.make_plan(invoice, interest_rate=5.0))
        fee_invoice = plan.fee_invoice_id
        self.assertTrue(fee_invoice)
        with freeze_time("2024-01-25"):
            plan.action_cancel()
        self.assertEqual(plan.state, "cancelled")
        self.assertFalse(plan.breach_date)
        self.assertEqual(fee_invoice.payment_state, "reversed")
        self.assertEqual(plan.paid_amount, 0.0, "the reversal is not a payment")
        self.assertFalse(plan.next_due_date)
        self.assertTrue(invoice.credit_collection_level_due)
        self.run_at("2024-01-26")
        self.assertEqual(invoice.credit_collection_level_id, self.level_1)
        self.assertEqual(self.customer.credit_collection_breached_plan_count, 0)

    def test_proposal_lapses_when_not_accepted(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        plan = self.make_plan(invoice)
        with freeze_time("2024-01-20"):
            plan.action_propose()
        self.assertEqual(plan.state, "proposed")
        proposal = plan.event_ids.filtered(lambda e: e.plan_action == "proposed")
        self.assertIn("333.34", proposal.mail_message_id.body)
        self.assertEqual(proposal.mail_message_id.partner_ids, self.customer)
        self.run_at("2024-01-25")
        self.assertFalse(self.reminders(self.customer), "proposed: no dunning")
        self.run_at("2024-02-10")
        self.assertEqual(plan.state, "proposed")
        self.run_at("2024-02-11")
        self.assertEqual(plan.state, "cancelled")
        self.assertTrue(invoice.credit_collection_level_due)


@tagged("post_install", "-at_install")
class TestCreditCollectionPlanRules(CreditCollectionPlanCommon):
    def test_customer_acceptance_is_recorded(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        plan = self.make_plan(invoice, fee_amount=15.0)
        with freeze_time("2024-01-20 10:30:00"):
            plan.action_propose()
            with self.assertRaisesRegex(UserError, "Type your name"):
                plan._accept_by_customer(self.customer, " ", "10.0.0.1")
            with self.assertRaisesRegex(UserError, "Only the customer"):
                plan._accept_by_customer(self.other_customer, "Mario", "10.0.0.1")
            plan._accept_by_customer(self.customer, "Mario Rossi", "10.0.0.1")
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.accepted_name, "Mario Rossi")
        self.assertEqual(plan.accepted_ip, "10.0.0.1")
        self.assertEqual(str(plan.accepted_date), "2024-01-20 10:30:00")
        self.assertEqual(plan.fee_invoice_id.amount_total, 15.0)
        self.assertEqual(
            plan.event_ids.sorted("id").mapped("plan_action"),
            ["proposed", "accepted", "activated"],
        )
        with self.assertRaisesRegex(UserError, "no longer open"):
            plan._accept_by_customer(self.customer, "Mario Rossi", "10.0.0.1")

    def test_invalid_plans_are_refused(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        foreign = self.create_invoice(
            self.customer,
            100.0,
            "2024-01-01",
            currency=self.setup_other_currency("EUR"),
        )
        others = self.create_invoice(self.other_customer, 100.0, "2024-01-01")
        cases = [
            (self.make_plan(invoice | foreign), "one currency"),
            (self.make_plan(invoice, down_payment_amount=1000.0), "down payment"),
            (self.make_plan(invoice, first_due="2024-01-19"), "past"),
            (
                self.make_plan(self.create_invoice(self.customer, 0.02, "2024-01-01")),
                "fewer installments",
            ),
        ]
        with freeze_time("2024-01-20"):
            plan = self.make_plan(invoice)
            plan.invoice_ids |= others
            cases.append((plan, "customer"))
            for plan, message in cases:
                with self.assertRaisesRegex(UserError, message):
                    plan.action_confirm()
                self.assertEqual(plan.state, "draft")
                self.assertFalse(invoice.credit_collection_plan_id)
            self.confirm(self.make_plan(invoice))
            with self.assertRaisesRegex(UserError, "already in another plan"):
                self.make_plan(invoice).action_confirm()
        with self.assertRaises(ValidationError):
            self.make_plan(invoice, installment_count=0)
        with self.assertRaises(ValidationError):
            self.make_plan(invoice, interest_rate=-1.0)

    def test_eligibility_for_a_collection_user(self):
        clerk = new_test_user(
            self.env,
            login="plan_clerk",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        big = self.create_invoice(self.other_customer, 3000.0, "2024-01-01")
        Plan = self.env["credit.collection.plan"].with_user(clerk)
        with freeze_time("2024-01-20"):

            def plan_for(inv, **values):
                return Plan.create(
                    {
                        "partner_id": inv.partner_id.id,
                        "invoice_ids": [Command.set(inv.ids)],
                        **values,
                    }
                )

            with self.assertRaisesRegex(UserError, "template"):
                plan_for(invoice).action_confirm()
            with self.assertRaisesRegex(UserError, "finances at most"):
                plan_for(big, template_id=self.template_3.id).action_confirm()
            plan = plan_for(invoice, template_id=self.template_3.id)
            plan.installment_count = 4
            with self.assertRaisesRegex(UserError, "at most 3 installments"):
                plan.action_confirm()
            plan.installment_count = 2
            plan.action_confirm()
            self.assertEqual(plan.state, "active")
            self.assertEqual(plan.line_ids.mapped("amount"), [500.0, 500.0])
        # breached: no new plan within a year without a manager
        self.run_at("2024-03-01")
        self.assertEqual(plan.state, "breached")
        with freeze_time("2024-03-02"):
            retry = plan_for(invoice, template_id=self.template_3.id)
            with self.assertRaisesRegex(UserError, "breached plan"):
                retry.action_confirm()
            retry.with_user(self.env.user).action_confirm()  # a manager may
            self.assertEqual(retry.state, "active")

    def test_only_draft_plans_are_deleted(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        plan = self.confirm(self.make_plan(invoice))
        with self.assertRaisesRegex(UserError, "Only draft"):
            plan.unlink()
        draft = self.make_plan(self.create_invoice(self.customer, 10.0, "2024-01-01"))
        draft.unlink()
        self.assertFalse(draft.exists())

    def test_create_plan_from_invoices_and_customer(self):
        invoices = self.create_invoice(self.customer, 100.0, "2024-01-01") | (
            self.create_invoice(self.customer, 200.0, "2024-01-02")
        )
        action = invoices.action_credit_collection_create_plan()
        self.assertEqual(action["res_model"], "credit.collection.plan")
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        action = self.customer.action_credit_collection_create_plan()
        plan = (
            self.env["credit.collection.plan"]
            .with_context(**action["context"])
            .create({})
        )
        self.assertEqual(plan.invoice_ids, invoices)
        self.assertEqual(plan.financed_amount, 300.0)
        mixed = invoices | self.create_invoice(self.other_customer, 1.0, "2024-01-01")
        with self.assertRaisesRegex(UserError, "one customer"):
            mixed.action_credit_collection_create_plan()
        self.assertEqual(self.customer.credit_collection_plan_count, 1)

    def test_two_companies_never_mix(self):
        other_company = self.setup_other_company()
        foreign_invoice = self.create_invoice(
            self.customer, 500.0, "2024-01-01", company_data=other_company
        )
        plan = self.confirm(
            self.make_plan(self.create_invoice(self.customer, 900.0, "2024-01-01"))
        )
        run = self.run_at("2024-02-05")
        self.assertEqual(run.event_ids.plan_id, plan)
        other_run = self.run_at("2024-02-05", company=other_company["company"])
        self.assertFalse(other_run.event_ids.plan_id)
        self.assertFalse(foreign_invoice.credit_collection_plan_id)


@tagged("post_install", "-at_install")
class TestCreditCollectionPlanGrades(CreditCollectionPlanCommon):
    def set_grade(self, partner, grade):
        partner.sudo().with_company(self.company).credit_collection_grade = grade

    def test_templates_offered_by_grade(self):
        """template_3 keeps the defaults: A and B self-service, C on approval, D not
        offered; a customer with no score yet may self-serve."""
        Template = self.env["credit.collection.plan.template"]
        offered = Template._get_offered_templates(self.customer, self.company)
        self.assertEqual(offered[self.template_3], "self")
        for grade, expected in (("A", "self"), ("B", "self"), ("C", "approval")):
            self.set_grade(self.customer, grade)
            offered = Template._get_offered_templates(self.customer, self.company)
            self.assertEqual(offered[self.template_3], expected, grade)
        self.set_grade(self.customer, "D")
        offered = Template._get_offered_templates(self.customer, self.company)
        self.assertNotIn(self.template_3, offered)
        self.template_3.grade_d_access = "approval"
        self.assertEqual(self.template_3._get_grade_access(self.customer), "approval")

    def test_a_collection_user_keeps_to_the_grade(self):
        clerk = new_test_user(
            self.env,
            login="grade_clerk",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        invoice = self.create_invoice(self.customer, 900.0, "2024-01-01")
        with freeze_time("2024-01-20"):
            plan = (
                self.env["credit.collection.plan"]
                .with_user(clerk)
                .create(
                    {
                        "partner_id": self.customer.id,
                        "invoice_ids": [Command.set(invoice.ids)],
                        "template_id": self.template_3.id,
                    }
                )
            )
            for grade in ("C", "D"):
                self.set_grade(self.customer, grade)
                with self.assertRaisesRegex(UserError, f"payment grade {grade}"):
                    plan.action_confirm()
            self.assertEqual(plan.state, "draft")
            plan.with_user(self.env.user).action_confirm()  # a manager decides
            self.assertEqual(plan.state, "active")

    def test_a_collection_user_keeps_to_the_template_terms(self):
        clerk = new_test_user(
            self.env,
            login="terms_clerk",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=self.company.ids,
        )
        invoice = self.create_invoice(self.customer, 900.0, "2024-01-01")
        with freeze_time("2024-01-20"):
            plan = (
                self.env["credit.collection.plan"]
                .with_user(clerk)
                .create(
                    {
                        "partner_id": self.customer.id,
                        "invoice_ids": [Command.set(invoice.ids)],
                        "template_id": self.template_3.id,
                    }
                )
            )
            self.assertEqual(plan.first_due_date, date(2024, 2, 19))
            plan.write({"interval_number": 12, "grace_days": 300})
            with self.assertRaisesRegex(UserError, "Every, Grace Days"):
                plan.action_confirm()
            plan.write(
                {
                    "interval_number": 1,
                    "grace_days": 5,
                    "first_due_date": "2024-03-19",
                }
            )
            with self.assertRaisesRegex(UserError, "First Due Date"):
                plan.action_confirm()
            # asking for less is fine: an earlier date and a down payment
            plan.write({"first_due_date": "2024-02-01", "down_payment_amount": 90.0})
            plan.action_confirm()
        self.assertEqual(plan.line_ids.mapped("amount"), [90.0, 270.0, 270.0, 270.0])


@tagged("post_install", "-at_install")
class TestCreditCollectionPlanIntegrity(CreditCollectionPlanCommon):
    def test_agreed_terms_and_installments_do_not_change(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        plan = self.confirm(self.make_plan(invoice))
        with self.assertRaisesRegex(UserError, "no longer change"):
            plan.installment_count = 10
        with self.assertRaisesRegex(UserError, "no longer change"):
            plan.line_ids[0].write({"amount": 1.0, "due_date": "2030-01-01"})
        with self.assertRaisesRegex(UserError, "no longer change"):
            plan.line_ids[0].unlink()
        with self.assertRaisesRegex(UserError, "no longer change"):
            self.env["credit.collection.plan.line"].create(
                {"plan_id": plan.id, "due_date": "2024-05-10", "amount": 1.0}
            )
        self.assertEqual(plan.line_ids.mapped("amount"), [333.33, 333.33, 333.34])
        plan.reminder_days = 3  # the follow-up may change
        self.assertEqual(plan.reminder_days, 3)

    def test_too_many_installments(self):
        invoice = self.create_invoice(self.customer, 1000.0, "2024-01-01")
        with freeze_time("2024-01-20"):
            form = Form(self.env["credit.collection.plan"])
            form.partner_id = self.customer
            self.assertEqual(form.invoice_ids[:], invoice, "its open invoices")
            form.installment_count = 200000
            self.assertEqual(len(form.line_ids), 0, "no schedule to preview")
            form.installment_count = 120
            self.assertEqual(len(form.line_ids), 120)
            form.installment_count = 121
            with self.assertRaisesRegex(ValidationError, "from 1 to 120"):
                form.save()
