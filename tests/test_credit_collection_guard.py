# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import CreditCollectionCommon


@tagged("post_install", "-at_install")
class TestCreditCollectionGuard(CreditCollectionCommon):
    """The default policy: at most 25 % of the residual spent on collecting an
    invoice; an email costs 0.05."""

    def add_cost(self, invoices, amount, date="2024-01-05"):
        wizard = (
            self.env["credit.collection.cost"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create({"amount": amount, "note": "Lawyer's letter", "date": date})
        )
        wizard.action_add()
        return self.env["credit.collection.event"].search(
            [("note", "=", "Lawyer's letter")], order="id desc", limit=1
        )

    def test_cost_spread_over_invoices_to_the_cent(self):
        invoices = (
            self.create_invoice(self.customer, 100.0, "2024-01-01")
            | self.create_invoice(self.customer, 100.0, "2024-01-01")
            | self.create_invoice(self.customer, 100.0, "2024-01-01")
        )
        event = self.add_cost(invoices, 10.0)
        shares = event.cost_share_ids.sorted("move_id")
        self.assertEqual(shares.mapped("amount"), [3.33, 3.33, 3.34])
        self.assertEqual(shares.move_id, invoices)
        # in proportion to the residuals
        self.pay(invoices[0], 50.0, "2024-01-03")
        event = self.add_cost(invoices, 10.0)
        # residuals 50, 100, 100: 2.00, 4.00, 4.00
        self.assertEqual(
            event.cost_share_ids.sorted("move_id").mapped("amount"), [2.0, 4.0, 4.0]
        )
        self.assertEqual(invoices[0].credit_collection_cost, 5.33)
        self.assertEqual(
            self.env["credit.collection.cost.share"]._split(
                0.01, [1.0, 1.0, 1.0], self.company.currency_id
            ),
            [0.0, 0.0, 0.01],
        )

    def test_reminder_cost_goes_to_its_invoices(self):
        first = self.create_invoice(self.customer, 300.0, "2024-01-01")
        second = self.create_invoice(self.customer, 100.0, "2024-01-01")
        event = self.run_on("2024-01-15").event_ids
        self.assertEqual(event.cost, 0.05)
        # 0.05 x 300 / 400 = 0.0375 -> 0.04; the remainder 0.01 on the last
        self.assertEqual(
            event.cost_share_ids.sorted("move_id").mapped("amount"), [0.04, 0.01]
        )
        self.assertEqual(
            (first | second).mapped("credit_collection_cost"), [0.04, 0.01]
        )

    def test_guard_stops_exactly_above_the_limit(self):
        at_limit = self.create_invoice(self.customer, 100.0, "2024-01-01")
        over = self.create_invoice(self.other_customer, 100.0, "2024-01-01")
        # limit 25 % of 100.00 = 25.00; the next level (an email) costs 0.05
        self.add_cost(at_limit, 24.95)  # 24.95 + 0.05 = 25.00: not over
        self.add_cost(over, 24.96)  # 24.96 + 0.05 = 25.01: over
        run = self.run_on("2024-01-15")
        self.assertEqual(at_limit.credit_collection_level_id, self.level_1)
        self.assertFalse(at_limit.credit_collection_review)
        self.assertFalse(over.credit_collection_level_id, "not sent")
        self.assertTrue(over.credit_collection_review)
        for figure in ("24.96", "0.05", "25.00"):
            self.assertIn(figure, over.credit_collection_review_note)
        item = run.item_ids.filtered(lambda i: i.partner_id == self.other_customer)
        self.assertEqual(item.result, "review")
        self.assertTrue(
            over.credit_collection_event_ids.filtered(lambda e: e.channel == "review")
        )
        # it waits for the decision, run after run
        self.assertFalse(self.run_on("2024-01-16").event_ids)
        review = (
            self.env["credit.collection.review"]
            .with_context(active_model="account.move", active_ids=over.ids)
            .create({"decision": "continue", "note": "Key customer"})
        )
        review.action_apply()
        self.assertFalse(over.credit_collection_review)
        self.assertTrue(over.credit_collection_guard_override)
        self.run_on("2024-01-17")
        self.assertEqual(over.credit_collection_level_id, self.level_1)

    def test_margin_limit_and_margin_on_posting(self):
        product = self.env["product.product"].create(
            {"name": "Valve", "standard_price": 70.0, "list_price": 100.0}
        )
        invoice = self.create_invoice(self.customer, 0.0, "2024-01-01", post=False)
        invoice.invoice_line_ids = [
            Command.clear(),
            Command.create(
                {
                    "product_id": product.id,
                    "quantity": 2,
                    "price_unit": 100.0,
                    "tax_ids": [Command.clear()],
                }
            ),
        ]
        invoice.action_post()
        self.assertEqual(invoice.credit_collection_margin, 60.0, "200 - 2 x 70")
        # without product cost: the default 30 % of the untaxed amount
        no_cost = self.create_invoice(self.customer, 500.0, "2024-01-01")
        self.assertEqual(no_cost.credit_collection_margin, 150.0)
        # 10 % of a margin of 60.00 = 6.00 (below 25 % of 200.00); the next
        # email (0.05) is shared with the other invoice by residual: 0.05 x 200 /
        # 700 = 0.01 for this one. 6.00 spent + 0.01 > 6.00
        self.policy.guard_margin_percent = 10.0
        self.add_cost(invoice, 6.0)
        self.run_on("2024-01-15")
        self.assertTrue(invoice.credit_collection_review)
        self.assertFalse(no_cost.credit_collection_review)

    def test_agency_decision_escalates_and_costs_its_fee(self):
        invoice = self.create_invoice(self.customer, 200.0, "2024-01-01")
        self.add_cost(invoice, 60.0)
        self.run_on("2024-01-15")
        self.assertTrue(invoice.credit_collection_review)
        self.env["credit.collection.review"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"decision": "agency"}).action_apply()
        self.assertTrue(invoice.credit_collection_escalated)
        agency = invoice.credit_collection_event_ids.filtered(
            lambda e: e.channel == "legal" and "agency" in (e.note or "")
        )
        self.assertEqual(agency.cost, 30.0, "15 % of 200.00")
        self.assertEqual(invoice.credit_collection_cost, 90.0)

    def test_write_off_posts_bad_debt_reconciled_with_the_invoice(self):
        invoice = self.create_invoice(self.customer, 300.0, "2024-01-01")
        self.pay(invoice, 120.0, "2024-01-10")
        bad_debt = self.company_data["default_account_expense"]
        wizard = (
            self.env["credit.collection.write.off"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {"account_id": bad_debt.id, "reason": "Insolvent", "date": "2024-03-01"}
            )
        )
        action = wizard.action_write_off()
        entry = self.env["account.move"].browse(action["domain"][0][2])
        self.assertEqual(entry.state, "posted")
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.amount_residual, 0.0)
        expense = entry.line_ids.filtered(lambda line: line.account_id == bad_debt)
        self.assertEqual(expense.debit, 180.0)
        self.assertEqual(str(entry.date), "2024-03-01")
        self.assertTrue(
            invoice.credit_collection_event_ids.filtered(
                lambda e: e.channel == "write_off"
            )
        )

    def test_write_off_in_a_locked_period_moves_to_the_first_open_day(self):
        invoice = self.create_invoice(self.customer, 300.0, "2024-01-01")
        self.company.sudo().fiscalyear_lock_date = "2024-03-31"
        wizard = (
            self.env["credit.collection.write.off"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "account_id": self.company_data["default_account_expense"].id,
                    "reason": "Insolvent",
                    "date": "2024-03-01",
                }
            )
        )
        entry = self.env["account.move"].browse(
            wizard.action_write_off()["domain"][0][2]
        )
        self.assertEqual(str(entry.date), "2024-04-01")

    def test_bad_cost_input_changes_nothing(self):
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-01")
        other = self.create_invoice(self.other_customer, 100.0, "2024-01-01")
        events_before = self.env["credit.collection.event"].search_count([])
        with self.assertRaises(ValidationError):
            self.add_cost(invoice, -5.0)
        with self.assertRaises(ValidationError):
            self.add_cost(invoice | other, 5.0)
        self.assertEqual(
            self.env["credit.collection.event"].search_count([]), events_before
        )

    def test_registered_letter_costs_more(self):
        self.level_1.write({"channel_letter": True, "letter_registered": True})
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        letter = self.run_on("2024-01-15").event_ids.filtered(
            lambda e: e.channel == "letter"
        )
        self.assertEqual(letter.cost, self.company.credit_collection_cost_registered)
        self.assertEqual(letter.cost, 6.0)
        form = Form(self.policy)
        self.assertEqual(form.guard_residual_percent, 25.0)

    def test_dunning_fee_charged_once_per_invoice_and_level(self):
        self.level_2.fee_amount = 10.0
        first = self.create_invoice(self.customer, 100.0, "2024-01-01")
        second = self.create_invoice(self.customer, 50.0, "2024-01-02")
        self.run_on("2024-01-15")  # level 1: no fee
        self.assertFalse(
            self.env["account.move"].search([("credit_collection_is_fee", "=", True)])
        )
        run = self.run_on("2024-01-30")  # level 2 for both
        fee = self.env["account.move"].search([("credit_collection_is_fee", "=", True)])
        self.assertEqual(len(fee), 1, "one fee invoice per customer and run")
        self.assertEqual(fee.state, "posted")
        self.assertEqual(fee.partner_id, self.customer)
        self.assertEqual(fee.amount_total, 20.0)
        self.assertEqual(fee.amount_tax, 0.0)
        self.assertEqual(fee.invoice_origin, run.name)
        self.assertEqual(first.credit_collection_fee_level_ids, self.level_2)
        self.assertEqual(second.credit_collection_fee_level_ids, self.level_2)
        self.assertEqual(
            fee.invoice_line_ids.mapped("name"),
            [
                f"Dunning fee: {self.level_2.name} on {first.name}",
                f"Dunning fee: {self.level_2.name} on {second.name}",
            ],
        )
        # a reminder of the same level sent again by hand charges nothing more
        self.env["credit.collection.run"].create(
            {
                "company_id": self.company.id,
                "date": "2024-02-05",
                "move_ids": [Command.set(first.ids)],
                "force_send": True,
            }
        ).action_run()
        self.assertEqual(
            self.env["account.move"].search_count(
                [("credit_collection_is_fee", "=", True)]
            ),
            1,
        )
        # the fee is listed in the next reminder (level 3)
        final = self.run_on("2024-02-15").event_ids.filtered(
            lambda e: e.channel == "email"
        )
        self.assertIn(fee, final.invoice_ids)
        # a fee bears no interest and gets no fee itself
        self.assertFalse(fee.credit_collection_fee_level_ids)
