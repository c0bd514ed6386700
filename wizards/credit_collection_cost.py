# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, fields, models
from odoo.exceptions import ValidationError

COST_KINDS = [
    ("legal", "Lawyer, agency or court"),
    ("cost", "Other cost"),
]


class CreditCollectionCost(models.TransientModel):
    """Record a collection cost by hand (lawyer, agency, court fees): an event
    whose cost is spread over the invoices, with its documents."""

    _name = "credit.collection.cost"
    _description = "Add a Collection Cost"
    _inherit = ["credit.collection.invoice.wizard"]

    currency_id = fields.Many2one(related="company_id.currency_id")
    kind = fields.Selection(COST_KINDS, required=True, default="legal")
    date = fields.Date(required=True, default=fields.Date.context_today)
    amount = fields.Monetary(required=True, help="In company currency.")
    note = fields.Char(string="Description", required=True)
    attachment_ids = fields.Many2many("ir.attachment", string="Documents")

    def action_add(self):
        self.ensure_one()
        moves = self.move_ids
        moves._check_credit_collection_invoices()
        if len(moves.company_id) > 1 or len(moves.commercial_partner_id) > 1:
            raise ValidationError(
                self.env._("A cost concerns the invoices of one customer and company.")
            )
        if self.currency_id.compare_amounts(self.amount, 0.0) <= 0:
            raise ValidationError(self.env._("A cost is a positive amount."))
        event = self.env["credit.collection.event"].create(
            {
                "company_id": moves.company_id.id,
                "partner_id": moves.commercial_partner_id.id,
                "invoice_ids": [Command.set(moves.ids)],
                "channel": self.kind,
                "state": "done",
                "date": self.date,
                "note": self.note,
                "cost": self.amount,
            }
        )
        if self.attachment_ids:
            self.attachment_ids.write({"res_model": event._name, "res_id": event.id})
            event.message_post(body=self.note, attachment_ids=self.attachment_ids.ids)
        return {"type": "ir.actions.act_window_close"}
