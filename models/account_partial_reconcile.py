# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    # Every way Odoo settles an invoice (payment, bank reconciliation, portal
    # payment, credit note) and undoes it goes through a partial reconciliation:
    # installment plans follow their invoices here, on the spot.

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._get_credit_collection_moves()._sync_credit_collection_plans()
        return partials

    def unlink(self):
        moves = self._get_credit_collection_moves()
        res = super().unlink()
        moves.exists()._sync_credit_collection_plans()
        return res

    # === BUSINESS METHODS === #
    def _get_credit_collection_moves(self):
        return (self.debit_move_id | self.credit_move_id).move_id.filtered(
            "credit_collection_plan_id"
        )
