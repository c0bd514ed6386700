# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.tools import float_repr

from odoo.addons.account.tools.structured_reference import (
    sanitize_structured_reference,
)

# EPC069-12 field positions (0-based) in the lines of the payload
EPC_NAME, EPC_AMOUNT, EPC_REFERENCE = 5, 7, 9
EPC_NAME_MAX = 70
EPC_REFERENCE_MAX = 35


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    def _get_qr_vals(
        self,
        qr_method,
        amount,
        currency,
        debtor_partner,
        free_communication,
        structured_communication,
    ):
        """The SEPA credit transfer payload, kept to the letter of EPC069-12: the
        amount always with two decimals (``EUR12.50``, never ``EUR12.5`` or a
        float's noise), a name of at most 70 characters, the creditor reference in
        its electronic format (no spaces)."""
        values = super()._get_qr_vals(
            qr_method,
            amount,
            currency,
            debtor_partner,
            free_communication,
            structured_communication,
        )
        if qr_method != "sct_qr" or not values:
            return values
        values = list(values)
        values[EPC_NAME] = values[EPC_NAME][:EPC_NAME_MAX]
        values[EPC_AMOUNT] = currency.name + float_repr(
            currency.round(amount), currency.decimal_places
        )
        if structured_communication:
            values[EPC_REFERENCE] = sanitize_structured_reference(
                structured_communication
            )[:EPC_REFERENCE_MAX]
        return values
