# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CreditCollectionInterestRate(models.Model):
    """The statutory late-payment interest rate of a country for a half-year: the
    reference rate (the ECB main refinancing rate on 1 January / 1 July, as the
    country publishes it) plus the margin (8 points under Directive 2011/7/EU)."""

    _name = "credit.collection.interest.rate"
    _description = "Late-Payment Interest Rate"
    _order = "country_id, date_start desc"
    _rec_name = "date_start"

    # === FIELDS === #
    country_id = fields.Many2one("res.country", required=True, index=True)
    date_start = fields.Date(
        string="Half-Year Start",
        required=True,
        help="1 January or 1 July: the rate applies to the days of that half-year.",
    )
    reference_rate = fields.Float(
        string="Reference Rate (%)", digits=(5, 2), required=True
    )
    margin = fields.Float(string="Margin (points)", digits=(5, 2), default=8.0)
    rate = fields.Float(
        string="Rate (%)", digits=(5, 2), compute="_compute_rate", store=True
    )

    _sql_constraints = [
        (
            "country_half_year_unique",
            "unique(country_id, date_start)",
            "A country has one rate per half-year.",
        ),
    ]

    # === COMPUTE METHODS === #
    @api.depends("reference_rate", "margin")
    def _compute_rate(self):
        for rate in self:
            rate.rate = rate.reference_rate + rate.margin

    @api.depends("country_id", "date_start", "rate")
    def _compute_display_name(self):
        for rate in self:
            rate.display_name = self.env._(
                "%(country)s %(half_year)s: %(rate)s%%",
                country=rate.country_id.code or "",
                half_year=rate._get_half_year_label(),
                rate=f"{rate.rate:.2f}",
            )

    # === CONSTRAINT METHODS === #
    @api.constrains("date_start")
    def _check_date_start(self):
        for rate in self:
            start = rate.date_start
            if start.day != 1 or start.month not in (1, 7):
                raise ValidationError(
                    self.env._("A half-year starts on 1 January or on 1 July.")
                )

    # === BUSINESS METHODS === #
    def _get_half_year_label(self):
        self.ensure_one()
        return self._format_half_year(self.date_start)

    @api.model
    def _format_half_year(self, start):
        if start.month == 1:
            return self.env._("first half of %(year)s", year=start.year)
        return self.env._("second half of %(year)s", year=start.year)
