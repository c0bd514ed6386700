# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class CreditCollectionDashboard(models.TransientModel):
    """The collection figures of a company over a period, in plain Odoo views."""

    _name = "credit.collection.dashboard"
    _description = "Credit Collection Dashboard"

    # === FIELDS === #
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self) - relativedelta(months=3),
    )
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    content = fields.Html(compute="_compute_content", sanitize=False)

    # === COMPUTE METHODS === #
    @api.depends("company_id", "date_from", "date_to")
    def _compute_content(self):
        for dashboard in self:
            dashboard.content = dashboard._render_content()

    # === BUSINESS METHODS === #
    def _get_figures(self):
        self.ensure_one()
        company = self.company_id
        if company not in self.env.companies:
            raise UserError(
                self.env._(
                    "You cannot see the figures of %(company)s.", company=company.name
                )
            )
        by_level, buckets = company._get_credit_collection_overdue_breakdown(
            self.date_to
        )
        return {
            "company": company,
            "currency": company.currency_id,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "by_level": sorted(
                by_level.items(), key=lambda item: (item[0].sequence, item[0].id)
            ),
            "buckets": buckets,
            "kpis": company._get_credit_collection_kpis(self.date_from, self.date_to),
            "effectiveness": company._get_credit_collection_effectiveness(
                self.date_from, self.date_to
            ),
        }

    def _render_content(self):
        self.ensure_one()
        if not (self.company_id and self.date_from and self.date_to):
            return False
        return self.env["ir.qweb"]._render(
            "account_credit_collection.credit_collection_dashboard_content",
            self._get_figures(),
        )
