# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class CreditCollectionPromise(models.TransientModel):
    _name = "credit.collection.promise"
    _description = "Register a Promise to Pay"

    move_id = fields.Many2one("account.move", string="Invoice", required=True)
    currency_id = fields.Many2one(related="move_id.currency_id")
    amount_residual = fields.Monetary(related="move_id.amount_residual")
    promise_date = fields.Date(string="Promised Date", required=True)
    amount = fields.Monetary(string="Promised Amount", required=True)

    @api.onchange("move_id")
    def _onchange_move_id(self):
        if self.move_id and not self.amount:
            self.amount = self.move_id.amount_residual

    def action_confirm(self):
        self.ensure_one()
        self.move_id._register_credit_collection_promise(self.promise_date, self.amount)
        return {"type": "ir.actions.act_window_close"}
