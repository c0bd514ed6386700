# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta
from decimal import Decimal

from odoo import fields, models

from ..tools.late_interest import interest_periods

ONE_DAY = timedelta(days=1)

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
    credit_collection_interest_claimed_to = fields.Date(
        string="Interest Claimed To",
        copy=False,
        readonly=True,
        help="The last day of late-payment interest already claimed on this "
        "installment: a new claim starts the day after.",
    )

    def _get_credit_collection_interest_periods(self, date_to, rate_of=None):
        """The periods of late-payment interest of this receivable line not yet
        claimed, up to ``date_to``: its amount, lowered by each payment or credit
        note from the day after its date. ``rate_of``: the company's rates, when
        the caller has them already."""
        self.ensure_one()
        company = self.company_id
        if not self.date_maturity:
            return []
        first_day = self.date_maturity + ONE_DAY
        claimed_to = self.credit_collection_interest_claimed_to
        payments = [
            (partial.max_date, Decimal(str(partial.debit_amount_currency)))
            for partial in self.matched_credit_ids
        ]
        return interest_periods(
            Decimal(str(self.amount_currency)),
            payments,
            max(first_day, claimed_to + ONE_DAY) if claimed_to else first_day,
            date_to,
            rate_of or company._get_credit_collection_interest_rate_of(),
            single_rate_from=first_day
            if company.credit_collection_interest_mode == "single"
            else None,
            leap_year_days=company.credit_collection_interest_leap_year,
        )

    def _write_credit_collection(self, vals):
        """Write collection fields (never amounts or accounts) the cheap way."""
        assert all(
            fname == "blocked" or fname.startswith("credit_collection_")
            for fname in vals
        )
        return self.with_context(**COLLECTION_WRITE_CONTEXT).write(vals)
