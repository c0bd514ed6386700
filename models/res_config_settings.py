# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    credit_collection_auto_run = fields.Boolean(
        string="Daily Automatic Run",
        compute="_compute_credit_collection_auto_run",
        inverse="_inverse_credit_collection_auto_run",
        help="Run the collection every day for every company (the scheduled action "
        "'Credit Collection: daily run').",
    )
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

    @api.depends("company_id")
    def _compute_credit_collection_auto_run(self):
        cron = self.env.ref(
            "account_credit_collection.ir_cron_credit_collection_run",
            raise_if_not_found=False,
        )
        for settings in self:
            settings.credit_collection_auto_run = bool(cron and cron.sudo().active)

    def _inverse_credit_collection_auto_run(self):
        cron = self.env.ref(
            "account_credit_collection.ir_cron_credit_collection_run",
            raise_if_not_found=False,
        )
        if cron and self:
            cron.sudo().active = self[0].credit_collection_auto_run
