# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL


class ResCompany(models.Model):
    _inherit = "res.company"

    # === FIELDS === #
    credit_collection_policy_id = fields.Many2one(
        "credit.collection.policy",
        string="Default Collection Policy",
        domain="[('company_id', '=', id)]",
    )
    credit_collection_cost_email = fields.Monetary(
        string="Cost of an Email",
        currency_field="currency_id",
        default=0.05,
        help="Unit cost of a reminder email, in company currency.",
    )
    credit_collection_cost_sms = fields.Monetary(
        string="Cost of an SMS Segment",
        currency_field="currency_id",
        default=0.08,
    )
    credit_collection_cost_letter = fields.Monetary(
        string="Cost of a Letter",
        currency_field="currency_id",
        default=1.50,
        help="Printing and postage of a reminder letter.",
    )
    credit_collection_cost_phone = fields.Monetary(
        string="Cost of a Phone Call",
        currency_field="currency_id",
        default=3.00,
    )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies.filtered(
            lambda c: not c.credit_collection_policy_id
        )._create_default_credit_collection_policy()
        return companies

    def write(self, vals):
        res = super().write(vals)
        if "credit_collection_policy_id" in vals:
            self.env["account.move"]._recompute_credit_collection_next_dates(self)
        return res

    # === BUSINESS METHODS === #
    def _create_default_credit_collection_policy(self):
        policies = self.env["credit.collection.policy"].sudo()
        for company in self:
            policy = policies.create(
                self._prepare_default_credit_collection_policy_vals(company)
            )
            policy._translate_default_names(
                lambda lang, company=company: self.with_context(
                    lang=lang
                )._prepare_default_credit_collection_policy_vals(company)
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

    def _get_credit_collection_kpis(self, date_from, date_to):
        """Days Sales Outstanding and Average Days Delinquent over a period.

        Average-balance method over the n days of [date_from, date_to]:
        DSO = average daily receivable balance / average daily credit sales
            = (sum over days of the receivable balance) / (credit sales of the period);
        the best possible DSO (BPDSO) counts only the receivables not yet due that day;
        ADD = DSO - BPDSO, the days that late payment adds. Amounts in company currency.
        """
        self.ensure_one()
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        params = {"company": self.id, "from": date_from, "to": date_to}
        query = SQL(
            """
            WITH receivable AS (
                SELECT line.id, line.date, line.date_maturity, line.balance,
                       move.move_type
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                  JOIN account_account account ON account.id = line.account_id
                 WHERE line.company_id = %(company)s
                   AND move.state = 'posted'
                   AND account.account_type = 'asset_receivable'
                   AND line.date <= %(to)s
            ),
            invoiced AS (
                SELECT * FROM receivable
                 WHERE move_type = 'out_invoice' AND balance > 0
            )
            SELECT
                (SELECT COALESCE(SUM(balance * (%(to)s::date
                        - GREATEST(date, %(from)s::date) + 1)), 0)
                   FROM receivable),
                (SELECT COALESCE(SUM(balance * GREATEST(0,
                        LEAST(date_maturity, %(to)s::date)
                        - GREATEST(date, %(from)s::date) + 1)), 0)
                   FROM invoiced),
                (SELECT COALESCE(SUM(partial.amount * GREATEST(0,
                        LEAST(inv.date_maturity, %(to)s::date)
                        - GREATEST(partial.max_date, inv.date, %(from)s::date) + 1)), 0)
                   FROM account_partial_reconcile partial
                   JOIN invoiced inv ON inv.id = partial.debit_move_id),
                (SELECT COALESCE(SUM(balance), 0) FROM receivable
                  WHERE move_type IN ('out_invoice', 'out_refund')
                    AND date >= %(from)s AND date <= %(to)s
                    AND (move_type = 'out_refund' OR balance > 0))
            """,
            **params,
        )
        balance_days, current_days, current_paid_days, sales = self.env.execute_query(
            query
        )[0]
        if not sales:
            return {"dso": 0.0, "bpdso": 0.0, "add": 0.0, "sales": 0.0}
        dso = float(balance_days) / float(sales)
        bpdso = float(current_days - current_paid_days) / float(sales)
        return {
            "dso": round(dso, 2),
            "bpdso": round(bpdso, 2),
            "add": round(dso - bpdso, 2),
            "sales": float(sales),
        }

    def _get_credit_collection_unit_cost(self, channel):
        self.ensure_one()
        field = f"credit_collection_cost_{channel}"
        return self[field] if field in self._fields else 0.0
