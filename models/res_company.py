# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # === FIELDS === #
    credit_collection_policy_id = fields.Many2one(
        "credit.collection.policy",
        string="Default Collection Policy",
        domain="[('company_id', '=', id)]",
    )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies.filtered(
            lambda c: not c.credit_collection_policy_id
        )._create_default_credit_collection_policy()
        return companies

    # === BUSINESS METHODS === #
    def _create_default_credit_collection_policy(self):
        policies = self.env["credit.collection.policy"].sudo()
        for company in self:
            policy = policies.create(
                self._prepare_default_credit_collection_policy_vals(company)
            )
            company.sudo().credit_collection_policy_id = policy
        return policies

    @api.model
    def _prepare_default_credit_collection_policy_vals(self, company):
        def template(xmlid):
            return self.env.ref(
                f"account_credit_collection.{xmlid}", raise_if_not_found=False
            )

        first, second, final = (
            template("mail_template_credit_collection_level_1"),
            template("mail_template_credit_collection_level_2"),
            template("mail_template_credit_collection_level_3"),
        )
        sms_second = template("sms_template_credit_collection_level_2")
        return {
            "name": self.env._("Standard reminders"),
            "company_id": company.id,
            "minimum_gap_days": 10,
            "level_ids": [
                fields.Command.create(
                    {
                        "sequence": 10,
                        "name": self.env._("First reminder"),
                        "delay_days": 10,
                        "channel_email": True,
                        "mail_template_id": first.id,
                    }
                ),
                fields.Command.create(
                    {
                        "sequence": 20,
                        "name": self.env._("Second notice"),
                        "delay_days": 25,
                        "channel_email": True,
                        "mail_template_id": second.id,
                        "channel_sms": True,
                        "sms_template_id": sms_second.id,
                    }
                ),
                fields.Command.create(
                    {
                        "sequence": 30,
                        "name": self.env._("Final notice before legal action"),
                        "delay_days": 40,
                        "channel_email": True,
                        "mail_template_id": final.id,
                        "channel_letter": True,
                        "channel_phone": True,
                        "is_final": True,
                    }
                ),
            ],
        }
