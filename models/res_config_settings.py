# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_collection_policy_id = fields.Many2one(
        related="company_id.credit_collection_policy_id",
        readonly=False,
    )
    credit_collection_cost_email = fields.Monetary(
        related="company_id.credit_collection_cost_email", readonly=False
    )
    credit_collection_cost_sms = fields.Monetary(
        related="company_id.credit_collection_cost_sms", readonly=False
    )
    credit_collection_cost_letter = fields.Monetary(
        related="company_id.credit_collection_cost_letter", readonly=False
    )
    credit_collection_cost_phone = fields.Monetary(
        related="company_id.credit_collection_cost_phone", readonly=False
    )
