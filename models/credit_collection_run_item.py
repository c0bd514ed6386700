# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

RESULTS = [
    ("reminded", "Reminded"),
    ("plan_message", "Installment plan message"),
    ("failed", "Not reached: every channel failed"),
    ("no_change", "No level change"),
    ("blocked", "Skipped: in dispute"),
    ("promise", "Skipped: pending promise"),
    ("review", "Skipped: cost review"),
    ("plan", "Skipped: under installment plan"),
    ("excluded", "Skipped: excluded customer"),
    ("covered", "Skipped: covered by credits"),
    ("minimum", "Skipped: under minimum"),
    ("gap", "Skipped: too soon after last reminder"),
    ("already", "Skipped: already reminded that day"),
    ("no_policy", "Skipped: no policy"),
    ("error", "Error"),
]
SKIP_RESULTS = (
    "blocked",
    "promise",
    "review",
    "plan",
    "excluded",
    "covered",
    "minimum",
    "gap",
    "already",
)


class CreditCollectionRunItem(models.Model):
    """One customer of a run: the run's work queue and its per-customer outcome.

    Workers take pending items with row locks that skip what another worker holds,
    and each item is marked done in the transaction that sends its reminders."""

    _name = "credit.collection.run.item"
    _description = "Credit Collection Run Customer"
    _order = "run_id, id"

    # === FIELDS === #
    run_id = fields.Many2one(
        "credit.collection.run", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Done")],
        default="pending",
        required=True,
        index=True,
    )
    result = fields.Selection(RESULTS)
    level_id = fields.Many2one("credit.collection.level", ondelete="set null")
    message = fields.Text()

    _sql_constraints = [
        (
            "run_partner_unique",
            "unique(run_id, partner_id)",
            "A customer appears once in a run.",
        ),
    ]
