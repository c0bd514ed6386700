# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError

DECISIONS = [
    ("continue", "Go on with the reminders"),
    ("agency", "Hand to a collection agency"),
    ("plan", "Offer an installment plan"),
    ("write_off", "Write off as bad debt"),
]


class CreditCollectionReview(models.TransientModel):
    """A collection manager's decision on invoices whose collection would cost
    more than the policy allows."""

    _name = "credit.collection.review"
    _description = "Decide on a Cost Review"
    _inherit = ["credit.collection.invoice.wizard"]

    decision = fields.Selection(DECISIONS, required=True, default="continue")
    note = fields.Char()

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group(
            "account_credit_collection.group_credit_collection_manager"
        ):
            raise UserError(
                self.env._("Only a collection manager decides on a review.")
            )
        moves = self.move_ids
        moves._check_credit_collection_invoices()
        decision = dict(self._fields["decision"]._description_selection(self.env))[
            self.decision
        ]
        moves._log_credit_collection_event(
            "review",
            self.env._(
                "Cost review decided: %(decision)s. %(note)s",
                decision=decision,
                note=self.note or "",
            ),
        )
        return getattr(self, f"_apply_{self.decision}")(moves)

    def _close_review(self, moves, **extra):
        moves._write_credit_collection(
            {
                "credit_collection_review": False,
                "credit_collection_review_note": False,
                **extra,
            }
        )

    def _apply_continue(self, moves):
        self._close_review(moves, credit_collection_guard_override=True)
        return {"type": "ir.actions.act_window_close"}

    def _apply_agency(self, moves):
        self._close_review(moves, credit_collection_escalated=True)
        for move in moves:
            percent = move.company_id.credit_collection_agency_fee_percent
            move._log_credit_collection_event(
                "legal",
                self.env._(
                    "Handed to a collection agency (fee %(percent)s%%).",
                    percent=percent,
                ),
                cost=move.company_currency_id.round(
                    abs(move.amount_residual_signed) * percent / 100
                ),
            )
        return {"type": "ir.actions.act_window_close"}

    def _apply_plan(self, moves):
        self._close_review(moves, credit_collection_guard_override=True)
        return moves.action_credit_collection_create_plan()

    def _apply_write_off(self, moves):
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.collection.write.off",
            "name": self.env._("Write Off as Bad Debt"),
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "account.move", "active_ids": moves.ids},
        }
