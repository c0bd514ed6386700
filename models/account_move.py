# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from odoo.addons.account.tools.structured_reference import (
    is_valid_structured_reference_iso,
    sanitize_structured_reference,
)

from ..tools.late_interest import total_interest
from .account_move_line import COLLECTION_WRITE_CONTEXT
from .credit_collection_plan import LIVE_STATES

INTEREST_PRODUCT = "account_credit_collection.product_late_payment_interest"
COMPENSATION_PRODUCT = "account_credit_collection.product_recovery_compensation"
COMPENSATION_EUR = 40.0


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "credit.collection.payment.mixin"]
    _credit_collection_link_kind = "invoice"

    # === FIELDS === #
    credit_collection_level_id = fields.Many2one(
        "credit.collection.level",
        string="Collection Level",
        compute="_compute_credit_collection_level",
        store=True,
        index="btree_not_null",
        help="Highest dunning level reached by the invoice's open installments.",
    )
    credit_collection_last_date = fields.Date(
        string="Last Reminder",
        compute="_compute_credit_collection_level",
        store=True,
    )
    credit_collection_next_date = fields.Date(
        string="Next Collection Action",
        compute="_compute_credit_collection_next_date",
        store=True,
        index="btree_not_null",
    )
    credit_collection_blocked = fields.Boolean(
        string="Collection Blocked",
        compute="_compute_credit_collection_blocked",
        inverse="_inverse_credit_collection_blocked",
        store=True,
        tracking=True,
        help="No reminders are sent for this invoice. Kept in step with the "
        "'No Follow-up' flag of its receivable lines.",
    )
    credit_collection_block_reason = fields.Selection(
        [("dispute", "In dispute"), ("manual", "Manual exclusion")],
        string="Block Reason",
        copy=False,
        tracking=True,
    )
    credit_collection_block_note = fields.Char(string="Block Note", copy=False)
    credit_collection_promise_date = fields.Date(
        string="Promised Payment Date", copy=False, tracking=True
    )
    credit_collection_promise_amount = fields.Monetary(
        string="Promised Amount", copy=False, currency_field="currency_id"
    )
    credit_collection_promise_residual = fields.Monetary(
        string="Residual When Promised",
        copy=False,
        currency_field="currency_id",
        help="What was still due when the promise was made: the promise is kept "
        "when the residual has fallen by the promised amount.",
    )
    credit_collection_escalated = fields.Boolean(
        string="Escalated",
        copy=False,
        tracking=True,
        help="The invoice reached the final level: no more automatic reminders.",
    )
    credit_collection_event_ids = fields.Many2many(
        "credit.collection.event",
        "credit_collection_event_account_move_rel",
        "move_id",
        "event_id",
        string="Collection History",
        copy=False,
    )
    credit_collection_event_count = fields.Integer(
        compute="_compute_credit_collection_event_count"
    )
    credit_collection_plan_id = fields.Many2one(
        "credit.collection.plan",
        string="Installment Plan",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The installment plan that last covered the invoice. While it is "
        "proposed or active the invoice gets the plan's reminders instead of "
        "the dunning levels.",
    )
    credit_collection_plan_state = fields.Selection(
        related="credit_collection_plan_id.state", string="Plan Status"
    )
    credit_collection_level_due = fields.Boolean(
        string="Next Level Due Now",
        copy=False,
        readonly=True,
        help="The installment plan of the invoice ended unpaid: its next dunning "
        "level is due at the next run, whatever its delay.",
    )

    credit_collection_compensation_claimed = fields.Boolean(
        string="EUR 40 Compensation Claimed",
        copy=False,
        readonly=True,
    )
    credit_collection_margin = fields.Monetary(
        string="Margin",
        currency_field="company_currency_id",
        copy=False,
        compute="_compute_credit_collection_margin",
        store=True,
        help="What the sale earned, in company currency, stored when the invoice is "
        "posted: its sales price minus the cost of its products (or the company's "
        "default margin when its products have no cost).",
    )
    credit_collection_cost = fields.Monetary(
        string="Collection Cost",
        currency_field="company_currency_id",
        compute="_compute_credit_collection_cost",
        help="What collecting this invoice has cost so far (its share of each "
        "action), in company currency.",
    )
    credit_collection_review = fields.Boolean(
        string="Cost Review",
        copy=False,
        readonly=True,
        help="Collecting would cost more than the policy allows: reminders wait for "
        "a manager's decision.",
    )
    credit_collection_review_note = fields.Char(
        string="Review Figures", copy=False, readonly=True
    )
    credit_collection_guard_override = fields.Boolean(
        string="Go On Despite the Costs",
        copy=False,
        readonly=True,
        help="A manager decided to go on collecting whatever it costs.",
    )
    credit_collection_fee_level_ids = fields.Many2many(
        "credit.collection.level",
        "credit_collection_fee_level_move_rel",
        "move_id",
        "level_id",
        string="Fees Charged For",
        copy=False,
        readonly=True,
        help="The levels whose dunning fee this invoice has been charged.",
    )
    credit_collection_is_fee = fields.Boolean(
        string="Dunning Fee Invoice", copy=False, readonly=True
    )
    credit_collection_is_interest_claim = fields.Boolean(
        string="Interest Claim",
        copy=False,
        readonly=True,
        help="This invoice claims late-payment interest: it bears none itself.",
    )
    credit_collection_interest_amount = fields.Monetary(
        string="Late-Payment Interest",
        compute="_compute_credit_collection_interest",
        help="Statutory late-payment interest accrued to today and not yet claimed.",
    )
    credit_collection_interest_error = fields.Char(
        string="Interest Not Computed",
        compute="_compute_credit_collection_interest",
    )

    # === COMPUTE METHODS === #
    @api.depends(
        "line_ids.credit_collection_level_id",
        "line_ids.credit_collection_last_date",
    )
    def _compute_credit_collection_level(self):
        for move in self:
            lines = move._get_credit_collection_lines(open_only=False)
            levels = lines.credit_collection_level_id.sorted(
                lambda lvl: (lvl.sequence, lvl.id)
            )
            move.credit_collection_level_id = levels[-1:]
            dates = [d for d in lines.mapped("credit_collection_last_date") if d]
            move.credit_collection_last_date = max(dates) if dates else False

    @api.depends(
        "state",
        "line_ids.date_maturity",
        "line_ids.reconciled",
        "line_ids.credit_collection_level_id",
        "credit_collection_blocked",
        "credit_collection_escalated",
        "credit_collection_promise_date",
        "credit_collection_last_date",
        "credit_collection_plan_id.state",
        "credit_collection_level_due",
    )
    def _compute_credit_collection_next_date(self):
        for move in self:
            move.credit_collection_next_date = move._get_credit_collection_next_date()

    @api.depends("line_ids.blocked")
    def _compute_credit_collection_blocked(self):
        for move in self:
            move.credit_collection_blocked = any(
                move._get_credit_collection_lines(open_only=False).mapped("blocked")
            )

    def _inverse_credit_collection_blocked(self):
        for move in self:
            move._get_credit_collection_lines(
                open_only=False
            ).blocked = move.credit_collection_blocked

    def _compute_credit_collection_event_count(self):
        for move in self:
            move.credit_collection_event_count = len(move.credit_collection_event_ids)

    @api.depends("state")
    def _compute_credit_collection_margin(self):
        # on posting only (a stored computation rather than a write, which costs
        # an invoice's full write): later product cost changes do not rewrite it
        for move in self:
            if move.move_type == "out_invoice" and move.state == "posted":
                move.credit_collection_margin = (
                    move._get_credit_collection_margin_value()
                )
            else:
                move.credit_collection_margin = 0.0

    def _compute_credit_collection_cost(self):
        costs = self._get_credit_collection_costs()
        for move in self:
            move.credit_collection_cost = costs.get(move.id, 0.0)

    @api.depends(
        "line_ids.matched_credit_ids",
        "line_ids.credit_collection_interest_claimed_to",
        "state",
    )
    @api.depends_context("date")
    def _compute_credit_collection_interest(self):
        today = fields.Date.context_today(self)
        for move in self:
            move.credit_collection_interest_amount = 0.0
            move.credit_collection_interest_error = False
            if (
                move.move_type != "out_invoice"
                or move.state != "posted"
                or move.credit_collection_is_interest_claim
                or move.credit_collection_is_fee
            ):
                continue
            try:
                move.credit_collection_interest_amount = (
                    move._get_credit_collection_interest(today)
                )
            except UserError as error:
                move.credit_collection_interest_error = str(error)

    # === ACTION METHODS === #
    def action_credit_collection_dispute(self):
        self._check_credit_collection_invoices()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account_credit_collection.credit_collection_dispute_action"
        )
        action["context"] = {"default_move_ids": self.ids}
        return action

    def action_credit_collection_resolve_dispute(self):
        disputed = self.filtered("credit_collection_blocked")
        for move in disputed:
            move._log_credit_collection_event(
                "dispute",
                self.env._("Dispute resolved: reminders resume."),
            )
        disputed.credit_collection_event_ids.filtered(
            lambda e: e.channel == "dispute"
        ).activity_id.action_feedback(self.env._("Dispute resolved."))
        disputed.write(
            {
                "credit_collection_blocked": False,
                "credit_collection_block_reason": False,
                "credit_collection_block_note": False,
            }
        )
        return True

    def action_credit_collection_promise(self):
        self.ensure_one()
        self._check_credit_collection_invoices()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account_credit_collection.credit_collection_promise_action"
        )
        action["context"] = {"default_move_id": self.id}
        return action

    def action_credit_collection_send(self):
        self._check_credit_collection_invoices()
        partners = self.commercial_partner_id
        if len(partners) > 1 or len(self.company_id) > 1:
            raise UserError(
                self.env._("Send reminders for the invoices of one customer at a time.")
            )
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account_credit_collection.credit_collection_send_action"
        )
        action["context"] = {
            "default_partner_ids": partners.ids,
            "default_move_ids": self.ids,
            "default_mode": "now",
        }
        return action

    def action_credit_collection_create_plan(self):
        """A draft installment plan over these invoices of one customer."""
        self._check_credit_collection_invoices()
        if len(self.commercial_partner_id) > 1 or len(self.company_id) > 1:
            raise UserError(
                self.env._("An installment plan covers the invoices of one customer.")
            )
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account_credit_collection.credit_collection_plan_action"
        )
        action.update(
            views=[(False, "form")],
            view_mode="form",
            target="current",
            context={
                "default_partner_id": self.commercial_partner_id.id,
                "default_company_id": self.company_id.id,
                "default_invoice_ids": [fields.Command.set(self.ids)],
            },
        )
        return action

    def action_open_credit_collection_plan(self):
        self.ensure_one()
        return self.credit_collection_plan_id._get_records_action()

    def action_open_credit_collection_events(self):
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account_credit_collection.credit_collection_event_action"
        )
        action["domain"] = [("invoice_ids", "in", self.ids)]
        return action

    # === BUSINESS METHODS: payment link === #
    def _get_credit_collection_payment_request(self):
        self.ensure_one()
        payable = (
            self.state == "posted"
            and self.is_sale_document(include_receipts=True)
            and self.move_type != "out_refund"
        )
        return {
            "partner": self.commercial_partner_id,
            "company": self.company_id,
            "currency": self.currency_id,
            "invoices": self,
            "amount": self.amount_residual if payable else 0.0,
            "reference": self._get_credit_collection_rf_reference(),
        }

    def _get_credit_collection_rf_reference(self):
        """The invoice's own payment reference when it is already a creditor
        reference, otherwise the one Odoo's "European" reference model gives it."""
        self.ensure_one()
        if self.payment_reference and is_valid_structured_reference_iso(
            self.payment_reference
        ):
            return sanitize_structured_reference(self.payment_reference)
        return super()._get_credit_collection_rf_reference()

    def _get_credit_collection_reference_data(self):
        self.ensure_one()
        return str(self.id)

    def _get_credit_collection_interest_periods(self, date_to):
        """{receivable line: interest periods not yet claimed up to date_to}."""
        self.ensure_one()
        periods = {}
        rate_of = self.company_id._get_credit_collection_interest_rate_of()
        for line in self._get_credit_collection_lines(open_only=False):
            line_periods = line._get_credit_collection_interest_periods(
                date_to, rate_of
            )
            if line_periods:
                periods[line] = line_periods
        return periods

    def _get_credit_collection_interest(self, date_to):
        """The statutory interest not yet claimed up to ``date_to``, in the invoice
        currency, rounded once for the whole invoice."""
        self.ensure_one()
        periods = self._get_credit_collection_interest_periods(date_to)
        return float(
            total_interest(
                [
                    period
                    for line_periods in periods.values()
                    for period in line_periods
                ],
                self.currency_id.decimal_places,
            )
        )

    def _claim_credit_collection_interest(self, date_to, with_compensation):
        """Invoice the statutory interest of these invoices up to ``date_to``: one
        posted customer invoice per customer and currency, a line per invoice for
        the days not claimed before (and the EUR 40 compensation once per invoice).
        Returns the claim invoices."""
        self._check_credit_collection_invoices()
        if len(self.company_id) > 1:
            raise UserError(self.env._("Claim interest for one company at a time."))
        if self.filtered(
            lambda m: (
                m.credit_collection_is_interest_claim or m.credit_collection_is_fee
            )
        ):
            raise UserError(
                self.env._("Interest is not claimed on an interest claim or a fee.")
            )
        claims = self.browse()
        for invoices in self.grouped(
            lambda m: (m.commercial_partner_id, m.currency_id)
        ).values():
            claims |= invoices._claim_credit_collection_interest_of_customer(
                date_to, with_compensation
            )
        if not claims:
            raise UserError(
                self.env._(
                    "There is no late-payment interest left to claim on these "
                    "invoices up to %(date)s.",
                    date=format_date(self.env, date_to),
                )
            )
        return claims

    def _claim_credit_collection_interest_of_customer(self, date_to, with_compensation):
        line_vals_list, claimed = [], self.browse()
        # the lines speak the customer's language
        customer_lang = self.commercial_partner_id.lang or self.env.lang
        for invoice in self.with_context(lang=customer_lang).sorted(
            lambda m: (m.invoice_date_due, m.name)
        ):
            line_vals = invoice._prepare_credit_collection_interest_line_vals(
                date_to, with_compensation
            )
            if line_vals:
                line_vals_list += line_vals
                claimed |= invoice
        if not line_vals_list:
            return self.browse()
        journal = self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(self.company_id),
                ("type", "=", "sale"),
            ],
            limit=1,
        )
        claim = self.create(
            {
                "move_type": "out_invoice",
                "partner_id": self.commercial_partner_id.id,
                "company_id": self.company_id.id,
                "journal_id": journal.id,
                "currency_id": self.currency_id.id,
                "invoice_date": self.company_id._get_credit_collection_open_date(
                    date_to, journal
                ),
                "invoice_origin": ", ".join(claimed.mapped("name")),
                "credit_collection_is_interest_claim": True,
                "invoice_line_ids": [Command.create(vals) for vals in line_vals_list],
            }
        )
        claim.action_post()
        claimed._mark_credit_collection_interest_claimed(date_to, with_compensation)
        for invoice in claimed:
            invoice._log_credit_collection_event(
                "interest",
                self.env._(
                    "Late-payment interest to %(date)s claimed on %(claim)s.",
                    date=format_date(self.env, date_to),
                    claim=claim.name,
                ),
            )
        return claim

    def _prepare_credit_collection_interest_line_vals(self, date_to, with_compensation):
        self.ensure_one()
        periods = [
            period
            for line_periods in self._get_credit_collection_interest_periods(
                date_to
            ).values()
            for period in line_periods
        ]
        interest = float(total_interest(periods, self.currency_id.decimal_places))
        if self.currency_id.is_zero(interest):
            return []
        vals_list = [
            {
                "product_id": self.env.ref(INTEREST_PRODUCT).id,
                "name": self.env._(
                    "Late-payment interest on %(invoice)s from %(date_from)s to "
                    "%(date_to)s (%(days)s days)",
                    invoice=self.name,
                    date_from=format_date(self.env, min(p.date_from for p in periods)),
                    date_to=format_date(self.env, max(p.date_to for p in periods)),
                    days=sum(p.days for p in periods),
                ),
                "quantity": 1.0,
                "price_unit": interest,
                "tax_ids": [Command.clear()],
            }
        ]
        if with_compensation and not self.credit_collection_compensation_claimed:
            vals_list.append(
                {
                    "product_id": self.env.ref(COMPENSATION_PRODUCT).id,
                    "name": self.env._(
                        "Compensation for recovery costs on %(invoice)s",
                        invoice=self.name,
                    ),
                    "quantity": 1.0,
                    "price_unit": self.env.ref("base.EUR")._convert(
                        COMPENSATION_EUR, self.currency_id, self.company_id, date_to
                    ),
                    "tax_ids": [Command.clear()],
                }
            )
        return vals_list

    def _mark_credit_collection_interest_claimed(self, date_to, with_compensation):
        for invoice in self:
            lines = invoice._get_credit_collection_lines(open_only=False).filtered(
                lambda line: (
                    not line.credit_collection_interest_claimed_to
                    or line.credit_collection_interest_claimed_to < date_to
                )
            )
            lines._write_credit_collection(
                {"credit_collection_interest_claimed_to": date_to}
            )
        if with_compensation:
            self.sudo().write({"credit_collection_compensation_claimed": True})

    def _get_credit_collection_costs(self):
        """{invoice id: collection cost so far}, in one query."""
        groups = self.env["credit.collection.cost.share"]._read_group(
            [("move_id", "in", self.ids)], ["move_id"], ["amount:sum"]
        )
        return {move.id: amount for move, amount in groups}

    def _get_credit_collection_margin_value(self):
        """Sales price minus product cost, in company currency (the default margin
        percentage of the untaxed amount when no product has a cost)."""
        self.ensure_one()
        product_lines = self.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        revenue = -sum(product_lines.mapped("balance"))
        costed = product_lines.filtered(
            lambda line: line.product_id.with_company(self.company_id).standard_price
        )
        if not costed:
            percent = self.company_id.credit_collection_default_margin_percent
            return self.company_currency_id.round(revenue * percent / 100)
        cost = sum(
            line.product_uom_id._compute_quantity(line.quantity, line.product_id.uom_id)
            * line.product_id.with_company(self.company_id).standard_price
            for line in costed
        )
        return self.company_currency_id.round(revenue - cost)

    def _show_credit_collection_pay_block(self):
        """Whether the invoice PDF carries the "Pay online" block."""
        self.ensure_one()
        return (
            self.company_id.credit_collection_pay_block
            and self.move_type in ("out_invoice", "out_receipt")
            and self.state == "posted"
            and self.currency_id.compare_amounts(self.amount_residual, 0.0) > 0
        )

    def _get_credit_collection_next_due_date(self):
        """The due date of the oldest receivable line still open."""
        self.ensure_one()
        dates = self._get_credit_collection_lines().mapped("date_maturity")
        return min(dates) if dates else self.invoice_date_due

    def _get_credit_collection_live_plan(self):
        self.ensure_one()
        plan = self.credit_collection_plan_id
        return plan if plan.state in LIVE_STATES else plan.browse()

    # === BUSINESS METHODS === #
    def _check_credit_collection_invoices(self):
        wrong = self.filtered(
            lambda m: m.move_type != "out_invoice" or m.state != "posted"
        )
        if wrong:
            raise UserError(
                self.env._(
                    "Collection actions apply to posted customer invoices only: "
                    "%(moves)s.",
                    moves=", ".join(wrong.mapped("display_name")),
                )
            )

    def _get_credit_collection_lines(self, open_only=True):
        """The receivable lines (one per payment-term installment) of the invoice."""
        self.ensure_one()
        lines = self.line_ids.filtered(
            lambda line: (
                line.account_id.account_type == "asset_receivable" and line.debit > 0
            )
        )
        if open_only:
            lines = lines.filtered(lambda line: not line.reconciled)
        return lines

    def _get_credit_collection_next_date(self):
        self.ensure_one()
        if (
            self.move_type != "out_invoice"
            or self.state != "posted"
            or self.credit_collection_blocked
            or self.credit_collection_escalated
            or self._is_under_credit_collection_plan()
        ):
            return False
        policy = self.commercial_partner_id._get_credit_collection_policy(
            self.company_id
        )
        if not policy:
            return False
        dates = []
        for line in self._get_credit_collection_lines():
            next_level = policy._get_next_level(line.credit_collection_level_id)
            if not (next_level and line.date_maturity):
                continue
            next_date = line.date_maturity + timedelta(days=next_level.delay_days)
            if self.credit_collection_level_due:
                # an installment plan ended unpaid: due at once once overdue
                next_date = max(
                    fields.Date.context_today(self),
                    line.date_maturity + timedelta(days=1),
                )
            dates.append(next_date)
        if not dates:
            return False
        next_date = min(dates)
        if self.credit_collection_last_date:
            next_date = max(
                next_date,
                self.credit_collection_last_date
                + timedelta(days=policy.minimum_gap_days),
            )
        if self.credit_collection_promise_date:
            next_date = max(
                next_date, self.credit_collection_promise_date + timedelta(days=1)
            )
        return next_date

    def _is_under_credit_collection_plan(self):
        """Proposed or active plan: the plan's reminders replace the dunning."""
        self.ensure_one()
        return self.credit_collection_plan_id.state in ("proposed", "active")

    def _sync_credit_collection_plans(self):
        """Payments moved on these invoices: their plans follow at once."""
        plans = self.credit_collection_plan_id.filtered(
            lambda p: p.state in ("active", "done")
        )
        if plans:
            # the plan's bookkeeping follows whoever registered the payment
            plans.sudo()._sync_payments()

    def _set_credit_collection_dispute(self, reason, date=None):
        """Block the invoices from dunning and give the responsible a task; the
        dispute is logged on ``date`` (today by default)."""
        self.write(
            {
                "credit_collection_blocked": True,
                "credit_collection_block_reason": "dispute",
                "credit_collection_block_note": reason,
            }
        )
        events = self._log_credit_collection_event(
            "dispute",
            self.env._("In dispute: %(reason)s", reason=reason),
            **({"date": date} if date else {}),
        )
        for event in events:
            event.activity_id = event._schedule_responsible_activity(
                "mail.mail_activity_data_todo",
                self.env._(
                    "Dispute on %(invoices)s",
                    invoices=", ".join(event.invoice_ids.mapped("name")),
                ),
            )
        return events

    def _log_credit_collection_event(self, channel, note, **values):
        """Log a manual collection action (dispute, promise, note) on the invoices:
        one event per invoice, all created at once."""
        return self.env["credit.collection.event"].create(
            [
                {
                    "company_id": move.company_id.id,
                    "partner_id": move.commercial_partner_id.id,
                    "invoice_ids": [fields.Command.set(move.ids)],
                    "channel": channel,
                    "state": "done",
                    "note": note,
                    **values,
                }
                for move in self
            ]
        )

    def _register_credit_collection_promise(self, promise_date, amount):
        """Pause reminders until ``promise_date``; the run checks the promise then."""
        self.ensure_one()
        self._check_credit_collection_invoices()
        if (
            amount <= 0
            or self.currency_id.compare_amounts(amount, self.amount_residual) > 0
        ):
            raise UserError(
                self.env._(
                    "The promised amount must be positive and at most the amount "
                    "due (%(due)s).",
                    due=self.currency_id.format(self.amount_residual),
                )
            )
        today = fields.Date.context_today(self)
        if promise_date < today:
            raise UserError(self.env._("A promise to pay cannot be in the past."))
        policy = self.commercial_partner_id._get_credit_collection_policy(
            self.company_id
        )
        if policy and (promise_date - today).days > policy.promise_max_days:
            raise UserError(
                self.env._(
                    "A promise to pay can be at most %(days)s days away.",
                    days=policy.promise_max_days,
                )
            )
        self.write(
            {
                "credit_collection_promise_date": promise_date,
                "credit_collection_promise_amount": amount,
                "credit_collection_promise_residual": self.amount_residual,
            }
        )
        return self._log_credit_collection_event(
            "promise",
            self.env._(
                "Promise to pay %(amount)s by %(date)s.",
                amount=self.currency_id.format(amount),
                date=fields.Date.to_string(promise_date),
            ),
        )

    # === BUSINESS METHODS: customer portal === #
    def _get_credit_collection_days_overdue(self, today):
        """Days since the oldest open installment fell due (0 when none has)."""
        self.ensure_one()
        due = self._get_credit_collection_next_due_date()
        return max((today - due).days, 0) if due else 0

    def _is_credit_collection_disputed(self):
        self.ensure_one()
        return (
            self.credit_collection_blocked
            and self.credit_collection_block_reason == "dispute"
        )

    def _has_credit_collection_pending_promise(self, today):
        self.ensure_one()
        return bool(
            self.credit_collection_promise_date
            and self.credit_collection_promise_date >= today
        )

    def _can_request_credit_collection_plan(self, today):
        """An overdue open invoice, not in dispute and in no live plan."""
        self.ensure_one()
        return (
            self.move_type == "out_invoice"
            and self.state == "posted"
            and self.currency_id.compare_amounts(self.amount_residual, 0.0) > 0
            and self._get_credit_collection_days_overdue(today) > 0
            and not self._is_credit_collection_disputed()
            and not self._get_credit_collection_live_plan()
        )

    def _check_credit_collection_portal_action(self):
        """The customer may promise or dispute an open invoice no plan covers."""
        self.ensure_one()
        self._check_credit_collection_invoices()
        if self.currency_id.compare_amounts(self.amount_residual, 0.0) <= 0:
            raise UserError(
                self.env._("Invoice %(invoice)s is paid.", invoice=self.name)
            )
        plan = self._get_credit_collection_live_plan()
        if plan:
            raise UserError(
                self.env._(
                    "Invoice %(invoice)s is in installment plan %(plan)s: pay its "
                    "installments.",
                    invoice=self.name,
                    plan=plan.name,
                )
            )
        if self._is_credit_collection_disputed():
            raise UserError(
                self.env._("Invoice %(invoice)s is in dispute.", invoice=self.name)
            )

    def _promise_credit_collection_from_portal(self, partner, promise_date, amount):
        """The customer promises on the portal: reminders pause until the date."""
        self.ensure_one()
        self._check_credit_collection_portal_action()
        if self._has_credit_collection_pending_promise(fields.Date.context_today(self)):
            raise UserError(
                self.env._(
                    "You already promised to pay invoice %(invoice)s by %(date)s.",
                    invoice=self.name,
                    date=format_date(self.env, self.credit_collection_promise_date),
                )
            )
        events = self.with_context(
            credit_collection_portal=True
        )._register_credit_collection_promise(promise_date, amount)
        self._post_credit_collection_portal_note(partner, events.note)
        return events

    def _dispute_credit_collection_from_portal(self, partner, reason):
        """The customer disputes on the portal: no reminders, a task for the
        collection responsible."""
        self.ensure_one()
        self._check_credit_collection_portal_action()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Tell us why you dispute the invoice."))
        events = self.with_context(
            credit_collection_portal=True
        )._set_credit_collection_dispute(reason)
        self._post_credit_collection_portal_note(partner, events.note)
        return events

    def _post_credit_collection_portal_note(self, partner, note):
        """What the customer did on the portal, in the invoices' chatter."""
        for move in self:
            move.message_post(
                body=self.env._("On the customer portal: %(note)s", note=note),
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    def _is_credit_collection_promise_kept(self):
        self.ensure_one()
        paid_since = self.credit_collection_promise_residual - self.amount_residual
        return (
            self.currency_id.compare_amounts(
                paid_since, self.credit_collection_promise_amount
            )
            >= 0
        )

    def _write_credit_collection(self, vals):
        """Write collection fields (never accounting data) the cheap way."""
        assert all(fname.startswith("credit_collection_") for fname in vals)
        return self.with_context(**COLLECTION_WRITE_CONTEXT).write(vals)

    @api.model
    def _recompute_credit_collection_next_dates(self, companies=None, partners=None):
        """Open customer invoices get their next action date again (after a policy,
        a level or a customer's policy changed)."""
        domain = [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "not in", ("paid", "in_payment", "reversed")),
        ]
        if companies is not None:
            domain.append(("company_id", "in", companies.ids))
        if partners is not None:
            domain.append(("commercial_partner_id", "in", partners.ids))
        moves = self.sudo().search(domain)
        self.env.add_to_compute(self._fields["credit_collection_next_date"], moves)
        return moves
