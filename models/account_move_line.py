# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


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
