# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .credit_collection_event import CHANNELS


class CreditCollectionCostShare(models.Model):
    """The part of a collection action's cost borne by one invoice: an action on
    several invoices is spread over them in proportion to their residuals."""

    _name = "credit.collection.cost.share"
    _description = "Collection Cost per Invoice"
    _order = "date desc, id desc"

    # === FIELDS === #
    event_id = fields.Many2one(
        "credit.collection.event", required=True, index=True, ondelete="cascade"
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, index=True, ondelete="cascade"
    )
    # copied from the event when the share is made (an event keeps them): plain
    # fields rather than stored related ones, which cost a computation per share
    company_id = fields.Many2one("res.company", required=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    date = fields.Date()
    channel = fields.Selection(CHANNELS)
    level_id = fields.Many2one("credit.collection.level")
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(string="Cost", currency_field="currency_id")

    # === BUSINESS METHODS === #
    @api.model
    def _split(self, amount, weights, currency):
        """``amount`` spread over ``weights`` (a list of numbers) in proportion,
        each part rounded to the currency, the remainder on the last part, so that
        the parts sum to the amount exactly. Equal parts when no weight counts."""
        if not weights:
            return []
        total = sum(weights)
        if currency.is_zero(total) or total <= 0:
            weights, total = [1.0] * len(weights), float(len(weights))
        parts = [currency.round(amount * weight / total) for weight in weights[:-1]]
        parts.append(currency.round(amount - sum(parts)))
        return parts
