# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

GRADES = [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")]


class CreditCollectionScoreHistory(models.Model):
    """The payment grade of each customer, month by month: the last score computed
    in the month. It makes the trend of the grades visible."""

    _name = "credit.collection.score.history"
    _description = "Credit Collection Payment Score History"
    _order = "month desc, partner_id"
    _check_company_auto = True

    # === FIELDS === #
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        readonly=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    month = fields.Date(
        required=True, index=True, readonly=True, help="First day of the month."
    )
    date = fields.Date(string="Computed On", required=True, readonly=True)
    score = fields.Integer(readonly=True, aggregator="avg")
    grade = fields.Selection(GRADES, required=True, readonly=True)

    _sql_constraints = [
        (
            "partner_month_unique",
            "unique(company_id, partner_id, month)",
            "A customer has one score per company and month.",
        ),
    ]

    # === BUSINESS METHODS === #
    @api.model
    def _record_scores(self, company, date, partners):
        """Keep the month's row of each customer up to date with its score."""
        history_sudo = self.sudo()  # the run's bookkeeping, whoever started it
        month = date.replace(day=1)
        rows = {
            row.partner_id: row
            for row in history_sudo.search(
                [
                    ("company_id", "=", company.id),
                    ("month", "=", month),
                    ("partner_id", "in", partners.ids),
                ]
            )
        }
        to_create = []
        for partner in partners.with_company(company):
            values = {
                "date": date,
                "score": partner.credit_collection_score,
                "grade": partner.credit_collection_grade,
            }
            row = rows.get(partner)
            if not row:
                to_create.append(
                    {
                        **values,
                        "company_id": company.id,
                        "partner_id": partner.id,
                        "month": month,
                    }
                )
            elif (row.score, row.grade) != (values["score"], values["grade"]):
                row.write(values)
        return history_sudo.create(to_create)
