# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

# The collection fields are not accounting data: writing them needs none of the
# invoice synchronisation, balance check and chatter tracking that a journal item
# write runs (which cost ~50 ms a write).
COLLECTION_WRITE_CONTEXT = {
    "tracking_disable": True,
    "skip_invoice_sync": True,
    "skip_invoice_line_sync": True,
    "check_move_validity": False,
}


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # === FIELDS === #
    # Odoo 18.0 Community no longer ships the "No Follow-up" flag of the receivable
    # lines; it is defined again here so that tools reading it keep working.
    blocked = fields.Boolean(
        string="No Follow-up",
        copy=False,
        help="Mark this receivable line as disputed with the customer: it gets no "
        "reminders.",
    )
    credit_collection_level_id = fields.Many2one(
        "credit.collection.level",
        string="Collection Level",
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )
    credit_collection_last_date = fields.Date(string="Last Reminder", copy=False)

    def _write_credit_collection(self, vals):
        """Write collection fields (never amounts or accounts) the cheap way."""
        assert all(
            fname == "blocked" or fname.startswith("credit_collection_")
            for fname in vals
        )
        return self.with_context(**COLLECTION_WRITE_CONTEXT).write(vals)
