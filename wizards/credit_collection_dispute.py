# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class CreditCollectionDispute(models.TransientModel):
    _name = "credit.collection.dispute"
    _description = "Put Invoices in Dispute"

    move_ids = fields.Many2many("account.move", string="Invoices", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.move_ids._check_credit_collection_invoices()
        self.move_ids._set_credit_collection_dispute(self.reason)
        return {"type": "ir.actions.act_window_close"}
