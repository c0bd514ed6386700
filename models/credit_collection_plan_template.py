# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

INTERVAL_UNITS = [("week", "Weeks"), ("month", "Months")]
MAX_INSTALLMENTS = 120
GRADE_ACCESS = [
    ("self", "Self-service"),
    ("approval", "Manager approval"),
    ("refused", "Not offered"),
]


class CreditCollectionPlanTemplate(models.Model):
    _name = "credit.collection.plan.template"
    _description = "Installment Plan Template"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    # === FIELDS === #
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    installment_count = fields.Integer(
        string="Installments",
        required=True,
        default=3,
        help="Number of installments after the down payment. A collection user may "
        "choose fewer, never more; a collection manager may change anything.",
    )
    interval_number = fields.Integer(
        string="Every", required=True, default=1, help="Time between two installments."
    )
    interval_unit = fields.Selection(
        INTERVAL_UNITS, string="Unit", required=True, default="month"
    )
    first_due_days = fields.Integer(
        string="First Due After (days)",
        default=30,
        help="The first installment (the down payment, when there is one) falls due "
        "this many days after the plan is made.",
    )
    down_payment_percent = fields.Float(
        string="Down Payment (%)",
        digits=(5, 2),
        help="Share of the financed amount due as the first installment.",
    )
    interest_rate = fields.Float(
        string="Annual Interest (%)",
        digits=(5, 3),
        help="Simple interest a year on the principal still to be repaid.",
    )
    fee_amount = fields.Monetary(
        string="Plan Fee",
        currency_field="currency_id",
        help="Fixed fee charged for the plan, in company currency.",
    )
    max_amount = fields.Monetary(
        string="Maximum Amount",
        currency_field="currency_id",
        help="Largest amount (in company currency) a collection user may finance "
        "with this template; 0 sets no maximum.",
    )
    grace_days = fields.Integer(
        default=5,
        help="An installment still unpaid this many days after its due date "
        "breaches the plan.",
    )
    reminder_days = fields.Integer(
        string="Reminder Days Before",
        default=5,
        help="A reminder is sent this many days before each installment falls due.",
    )
    reminder_sms = fields.Boolean(
        string="Reminders by SMS Too",
        help="Plan reminders go by SMS as well as by email.",
    )
    # --- who may have it, by payment grade (see the customer's payment score) --- #
    grade_a_access = fields.Selection(
        GRADE_ACCESS, string="Grade A", required=True, default="self"
    )
    grade_b_access = fields.Selection(
        GRADE_ACCESS, string="Grade B", required=True, default="self"
    )
    grade_c_access = fields.Selection(
        GRADE_ACCESS, string="Grade C", required=True, default="approval"
    )
    grade_d_access = fields.Selection(
        GRADE_ACCESS, string="Grade D", required=True, default="refused"
    )
    ungraded_access = fields.Selection(
        GRADE_ACCESS,
        string="Not Graded Yet",
        required=True,
        default="self",
        help="Customers without a payment score yet (no collection run since they "
        "were created).",
    )

    # === CONSTRAINT METHODS === #
    @api.constrains(
        "installment_count",
        "interval_number",
        "first_due_days",
        "down_payment_percent",
        "interest_rate",
        "fee_amount",
        "max_amount",
        "grace_days",
        "reminder_days",
    )
    def _check_values(self):
        for template in self:
            if (
                not 1 <= template.installment_count <= MAX_INSTALLMENTS
                or template.interval_number < 1
            ):
                raise ValidationError(
                    self.env._(
                        "Template %(template)s has from 1 to %(max)s installments and "
                        "an interval of at least one.",
                        template=template.name,
                        max=MAX_INSTALLMENTS,
                    )
                )
            if not 0 <= template.down_payment_percent < 100:
                raise ValidationError(
                    self.env._(
                        "The down payment of template %(template)s must be from 0 "
                        "to less than 100%%.",
                        template=template.name,
                    )
                )
            if (
                min(
                    template.first_due_days,
                    template.interest_rate,
                    template.fee_amount,
                    template.max_amount,
                    template.grace_days,
                    template.reminder_days,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._(
                        "The amounts, rates and days of template %(template)s cannot "
                        "be negative.",
                        template=template.name,
                    )
                )

    # === BUSINESS METHODS === #
    def _get_grade_access(self, partner):
        """'self' (the customer may take it by itself, on the portal), 'approval'
        (a collection manager decides) or 'refused', by the customer's payment
        grade in the template's company."""
        self.ensure_one()
        grade = partner.commercial_partner_id.with_company(
            self.company_id
        ).credit_collection_grade
        if not grade:
            return self.ungraded_access
        return self[f"grade_{grade.lower()}_access"]

    @api.model
    def _get_offered_templates(self, partner, company):
        """{template: access} of the templates offered to ``partner`` (the portal
        shows these, in their order)."""
        templates = self.search([("company_id", "=", company.id)])
        access = {
            template: template._get_grade_access(partner) for template in templates
        }
        return {t: a for t, a in access.items() if a != "refused"}
