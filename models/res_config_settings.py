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
    credit_collection_cost_registered = fields.Monetary(
        related="company_id.credit_collection_cost_registered", readonly=False
    )
    credit_collection_agency_fee_percent = fields.Float(
        related="company_id.credit_collection_agency_fee_percent", readonly=False
    )
    credit_collection_default_margin_percent = fields.Float(
        related="company_id.credit_collection_default_margin_percent", readonly=False
    )
    credit_collection_pay_block = fields.Boolean(
        related="company_id.credit_collection_pay_block", readonly=False
    )
    credit_collection_interest_mode = fields.Selection(
        related="company_id.credit_collection_interest_mode", readonly=False
    )
    credit_collection_interest_leap_year = fields.Boolean(
        related="company_id.credit_collection_interest_leap_year", readonly=False
    )
    credit_collection_interest_compensation = fields.Boolean(
        related="company_id.credit_collection_interest_compensation", readonly=False
    )

    credit_collection_score_late_share = fields.Float(
        related="company_id.credit_collection_score_late_share", readonly=False
    )
    credit_collection_score_days_late = fields.Float(
        related="company_id.credit_collection_score_days_late", readonly=False
    )
    credit_collection_score_days_late_cap = fields.Float(
        related="company_id.credit_collection_score_days_late_cap", readonly=False
    )
    credit_collection_score_overdue_days = fields.Float(
        related="company_id.credit_collection_score_overdue_days", readonly=False
    )
    credit_collection_score_overdue_days_cap = fields.Float(
        related="company_id.credit_collection_score_overdue_days_cap", readonly=False
    )
    credit_collection_score_broken_promise = fields.Float(
        related="company_id.credit_collection_score_broken_promise", readonly=False
    )
    credit_collection_score_broken_promise_cap = fields.Float(
        related="company_id.credit_collection_score_broken_promise_cap", readonly=False
    )
    credit_collection_score_breached_plan = fields.Float(
        related="company_id.credit_collection_score_breached_plan", readonly=False
    )
    credit_collection_score_breached_plan_cap = fields.Float(
        related="company_id.credit_collection_score_breached_plan_cap", readonly=False
    )
    credit_collection_score_dispute = fields.Float(
        related="company_id.credit_collection_score_dispute", readonly=False
    )
    credit_collection_score_dispute_cap = fields.Float(
        related="company_id.credit_collection_score_dispute_cap", readonly=False
    )
    credit_collection_score_min_history = fields.Integer(
        related="company_id.credit_collection_score_min_history", readonly=False
    )
    credit_collection_score_new_cap = fields.Float(
        related="company_id.credit_collection_score_new_cap", readonly=False
    )
    credit_collection_grade_a = fields.Float(
        related="company_id.credit_collection_grade_a", readonly=False
    )
    credit_collection_grade_b = fields.Float(
        related="company_id.credit_collection_grade_b", readonly=False
    )
    credit_collection_grade_c = fields.Float(
        related="company_id.credit_collection_grade_c", readonly=False
    )
    credit_collection_limit_months_a = fields.Float(
        related="company_id.credit_collection_limit_months_a", readonly=False
    )
    credit_collection_limit_months_b = fields.Float(
        related="company_id.credit_collection_limit_months_b", readonly=False
    )
    credit_collection_limit_months_c = fields.Float(
        related="company_id.credit_collection_limit_months_c", readonly=False
    )
    credit_collection_limit_months_d = fields.Float(
        related="company_id.credit_collection_limit_months_d", readonly=False
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
