# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from .credit_collection_plan import LIVE_STATES

# What changes on the installment of a started plan: its follow-up, not its terms.
FOLLOW_UP_FIELDS = {"state", "reminder_event_id", "overdue_event_id"}


class CreditCollectionPlanLine(models.Model):
    """One dated installment of a plan. What the customer paid on the plan is
    allocated to the installments in due-date order."""

    _name = "credit.collection.plan.line"
    _description = "Installment Plan Line"
    _inherit = ["credit.collection.payment.mixin"]
    _order = "plan_id, due_date, sequence, id"
    _rec_name = "name"
    _credit_collection_link_kind = "installment"

    # === FIELDS === #
    plan_id = fields.Many2one(
        "credit.collection.plan", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        related="plan_id.partner_id", string="Customer", store=True, index=True
    )
    plan_state = fields.Selection(related="plan_id.state", string="Plan Status")
    currency_id = fields.Many2one(related="plan_id.currency_id")
    sequence = fields.Integer()
    is_down_payment = fields.Boolean(string="Down Payment")
    name = fields.Char(compute="_compute_name")
    due_date = fields.Date(required=True, index=True)
    amount = fields.Monetary(required=True)
    paid_amount = fields.Monetary(compute="_compute_paid_amount", store=True)
    residual_amount = fields.Monetary(
        string="Still Due", compute="_compute_paid_amount", store=True
    )
    state = fields.Selection(
        [("open", "Not yet due"), ("paid", "Settled"), ("overdue", "Past due")],
        default="open",
        required=True,
        readonly=True,
        help="Past due: after its due date and not fully paid, as of the last payment "
        "or collection run.",
    )
    reminder_event_id = fields.Many2one(
        "credit.collection.event",
        string="Reminder Before",
        readonly=True,
        ondelete="set null",
    )
    overdue_event_id = fields.Many2one(
        "credit.collection.event",
        string="Reminder After",
        readonly=True,
        ondelete="set null",
    )

    # === COMPUTE METHODS === #
    @api.depends("sequence", "is_down_payment", "plan_id.installment_count")
    def _compute_name(self):
        for line in self:
            if line.is_down_payment:
                line.name = self.env._("Down payment")
            else:
                line.name = self.env._(
                    "Installment %(number)s of %(count)s",
                    number=line.sequence,
                    count=line.plan_id.installment_count,
                )

    @api.depends("plan_id.paid_amount", "amount", "due_date", "sequence")
    def _compute_paid_amount(self):
        for line in self:
            # the plan's payments fill the installments in due-date order
            left = line.plan_id.paid_amount
            for other in line.plan_id.line_ids.sorted(
                lambda x: (x.due_date or fields.Date.today(), x.sequence, x.id)
            ):
                allocated = min(other.amount, max(left, 0.0))
                if other == line:
                    break
                left -= allocated
            else:
                allocated = 0.0
            line.paid_amount = line.currency_id.round(allocated)
            line.residual_amount = line.currency_id.round(
                line.amount - line.paid_amount
            )

    @api.depends("name", "plan_id.partner_id", "residual_amount")
    def _compute_display_name(self):
        # what the calendar of installments shows
        for line in self:
            line.display_name = self.env._(
                "%(customer)s: %(amount)s (%(installment)s)",
                customer=line.partner_id.display_name or "",
                amount=line.currency_id.format(line.residual_amount or line.amount),
                installment=line.name,
            )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        plans = self.env["credit.collection.plan"].browse(
            [vals.get("plan_id") for vals in vals_list]
        )
        self._check_plans_not_started(plans)
        return super().create(vals_list)

    def write(self, vals):
        if set(vals) - FOLLOW_UP_FIELDS:
            self._check_plans_not_started(self.plan_id)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started_plan(self):
        self._check_plans_not_started(self.plan_id.exists())

    # === BUSINESS METHODS: payment link === #
    def _get_credit_collection_payment_request(self):
        """What is still due on this installment, paid on the plan's invoices."""
        self.ensure_one()
        plan = self.plan_id
        live = plan.state in LIVE_STATES
        return {
            "partner": plan.partner_id,
            "company": plan.company_id,
            "currency": plan.currency_id,
            "invoices": plan._get_moves().filtered(
                lambda move: (
                    move.state == "posted"
                    and not move.currency_id.is_zero(move.amount_residual)
                )
            ),
            "amount": self.residual_amount if live else 0.0,
            "reference": self._get_credit_collection_rf_reference(),
        }

    def _get_credit_collection_reference_data(self):
        self.ensure_one()
        return f"CP{self.id}"

    # === BUSINESS METHODS === #
    def _check_plans_not_started(self, plans):
        started = plans.filtered("start_date")
        if started:
            raise UserError(
                self.env._(
                    "The installments of plan %(plan)s were agreed with the customer: "
                    "they no longer change. Cancel the plan and make a new one.",
                    plan=started[0].name,
                )
            )

    def _refresh_state(self, date):
        """Paid, overdue (due before ``date`` and not paid) or open."""
        for state, lines in self.grouped(lambda line: line._get_state(date)).items():
            lines.filtered(lambda line, state=state: line.state != state).write(
                {"state": state}
            )

    def _get_state(self, date):
        self.ensure_one()
        if self.currency_id.is_zero(self.residual_amount):
            return "paid"
        return "overdue" if self.due_date < date else "open"
