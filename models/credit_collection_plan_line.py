# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class CreditCollectionPlanLine(models.Model):
    """One dated installment of a plan. What the customer paid on the plan is
    allocated to the installments in due-date order."""

    _name = "credit.collection.plan.line"
    _description = "Installment Plan Line"
    _order = "plan_id, due_date, sequence, id"
    _rec_name = "name"

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
        [("open", "Open"), ("paid", "Paid"), ("overdue", "Overdue")],
        default="open",
        required=True,
        readonly=True,
        help="Overdue: past its due date and not fully paid, as of the last payment "
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

    # === BUSINESS METHODS === #
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
