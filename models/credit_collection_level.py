# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CreditCollectionLevel(models.Model):
    _name = "credit.collection.level"
    _description = "Credit Collection Level"
    _order = "policy_id, sequence, id"
    _check_company_auto = True

    # === FIELDS === #
    policy_id = fields.Many2one(
        "credit.collection.policy",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    delay_days = fields.Integer(
        string="Days After Due Date",
        required=True,
        help="The level is reached this many days after the due date. A negative "
        "value makes a courtesy reminder before the due date.",
    )
    channel_email = fields.Boolean(string="Email", default=True)
    channel_sms = fields.Boolean(string="SMS")
    channel_letter = fields.Boolean(string="Letter")
    letter_registered = fields.Boolean(
        string="Registered Letter or PEC",
        help="The letter is sent registered (or as certified email): it costs the "
        "company's registered letter cost.",
    )
    channel_phone = fields.Boolean(
        string="Phone Call",
        help="Schedule a phone call for the collection responsible.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        domain=[("model", "=", "credit.collection.event")],
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        domain=[("model", "=", "credit.collection.event")],
    )
    attach_letter = fields.Boolean(
        string="Attach the Letter",
        help="Attach the reminder letter (PDF, with the payment QR codes) to the "
        "email of this level.",
    )
    fee_amount = fields.Monetary(
        string="Dunning Fee",
        currency_field="currency_id",
        help="Charged once per invoice reaching this level, on a fee invoice per "
        "customer and run (company currency).",
    )
    is_final = fields.Boolean(
        string="Escalation",
        help="Last step before legal action or an agency: stops automatic reminders "
        "for the invoices that reach it, marks them escalated and gives the "
        "collection responsible a task.",
    )

    # === CONSTRAINT METHODS === #
    @api.constrains(
        "channel_email",
        "channel_sms",
        "mail_template_id",
        "sms_template_id",
        "channel_letter",
        "channel_phone",
    )
    def _check_channels(self):
        for level in self:
            if level.channel_email and not level.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "Level %(level)s sends an email: choose its email template.",
                        level=level.name,
                    )
                )
            if level.channel_sms and not level.sms_template_id:
                raise ValidationError(
                    self.env._(
                        "Level %(level)s sends an SMS: choose its SMS template.",
                        level=level.name,
                    )
                )
            if not (
                level.channel_email
                or level.channel_sms
                or level.channel_letter
                or level.channel_phone
            ):
                raise ValidationError(
                    self.env._(
                        "Level %(level)s must use at least one channel.",
                        level=level.name,
                    )
                )

    @api.constrains("delay_days", "sequence", "policy_id")
    def _check_delays_increase(self):
        for policy in self.policy_id:
            levels = policy.level_ids.sorted(lambda lvl: (lvl.sequence, lvl.id))
            delays = levels.mapped("delay_days")
            if delays != sorted(set(delays)):
                raise ValidationError(
                    self.env._(
                        "The levels of policy %(policy)s must have strictly "
                        "increasing delays in their order.",
                        policy=policy.name,
                    )
                )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        levels = super().create(vals_list)
        self.env["account.move"]._recompute_credit_collection_next_dates(
            levels.company_id
        )
        return levels

    def write(self, vals):
        res = super().write(vals)
        if {"delay_days", "sequence", "policy_id"} & set(vals):
            self.env["account.move"]._recompute_credit_collection_next_dates(
                self.company_id
            )
        return res

    # === BUSINESS METHODS === #
    def _get_estimated_cost(self):
        """What sending this level to one customer costs: the unit cost of each of
        its channels (an SMS counted as one segment)."""
        self.ensure_one()
        company = self.company_id
        return sum(
            company._get_credit_collection_unit_cost(
                channel, registered=self.letter_registered
            )
            for channel in self._get_channels()
        )

    def _get_channels(self):
        self.ensure_one()
        return [
            channel
            for channel in ("email", "sms", "letter", "phone")
            if self[f"channel_{channel}"]
        ]
