# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..tools.credit_score import ScoreWeights

# days overdue of each age bucket of the dashboard
AGE_BUCKETS = {
    "1-30": (1, 30),
    "31-60": (31, 60),
    "61-90": (61, 90),
    "91+": (91, 36500),
}


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

    credit_collection_cost_registered = fields.Monetary(
        string="Cost of a Registered Letter or PEC",
        currency_field="currency_id",
        default=6.00,
        help="A letter level marked as registered (raccomandata, or certified "
        "email) costs this instead of a printed letter.",
    )
    credit_collection_agency_fee_percent = fields.Float(
        string="Agency Fee (%)",
        default=15.0,
        help="What a collection agency takes of the residual it is handed.",
    )
    credit_collection_default_margin_percent = fields.Float(
        string="Default Margin (%)",
        default=30.0,
        help="The margin of an invoice whose lines have no product cost, as a share "
        "of its untaxed amount.",
    )
    credit_collection_pay_block = fields.Boolean(
        string="Pay Online Block on Invoices",
        default=True,
        help="Print on customer invoices a block with the amount due, a payment link "
        "and its QR code, the SEPA transfer QR code, the installment plan and the "
        "overdue notice.",
    )

    # --- statutory late-payment interest (see tools/late_interest.py) --- #
    credit_collection_interest_mode = fields.Selection(
        [
            ("half_year", "Rate of each half-year"),
            ("single", "Rate of the half-year in which the delay began"),
        ],
        string="Interest Rate Periods",
        default="half_year",
        required=True,
        help="A delay over several half-years: each half-year's rate for its days "
        "(Italian practice), or one rate for all its days.",
    )
    credit_collection_interest_leap_year = fields.Boolean(
        string="366-Day Years",
        help="Divide by 366 in leap years (by 365 otherwise, as the law's formula).",
    )
    credit_collection_interest_compensation = fields.Boolean(
        string="Claim the EUR 40 Compensation",
        default=True,
        help="Add the fixed compensation for recovery costs (Directive 2011/7/EU "
        "art. 6; D.Lgs. 231/2002 art. 6) to the first interest claim of each "
        "invoice.",
    )

    # --- payment score (see tools/credit_score.py) --- #
    credit_collection_score_late_share = fields.Float(
        string="Points for Late Payment",
        default=30.0,
        help="Points lost by a customer that paid every invoice of the last 12 "
        "months late (in proportion to the share paid late).",
    )
    credit_collection_score_days_late = fields.Float(
        string="Points per Day Late",
        default=1.0,
        help="Points lost per day of average lateness, weighted by amount.",
    )
    credit_collection_score_days_late_cap = fields.Float(
        string="Most Points for Lateness", default=25.0
    )
    credit_collection_score_overdue_days = fields.Float(
        string="Points per Day Overdue",
        default=0.5,
        help="Points lost per day of the oldest installment still overdue.",
    )
    credit_collection_score_overdue_days_cap = fields.Float(
        string="Most Points for Overdue", default=20.0
    )
    credit_collection_score_broken_promise = fields.Float(
        string="Points per Broken Promise", default=10.0
    )
    credit_collection_score_broken_promise_cap = fields.Float(
        string="Most Points for Broken Promises", default=20.0
    )
    credit_collection_score_breached_plan = fields.Float(
        string="Points per Breached Plan", default=20.0
    )
    credit_collection_score_breached_plan_cap = fields.Float(
        string="Most Points for Breached Plans", default=40.0
    )
    credit_collection_score_dispute = fields.Float(
        string="Points per Dispute", default=5.0
    )
    credit_collection_score_dispute_cap = fields.Float(
        string="Most Points for Disputes", default=15.0
    )
    credit_collection_score_min_history = fields.Integer(
        string="Invoices Needed for a Full Score",
        default=3,
        help="A customer with fewer invoices paid in the last 12 months cannot "
        "score above the new-customer cap.",
    )
    credit_collection_score_new_cap = fields.Float(
        string="New-Customer Cap", default=70.0
    )
    credit_collection_grade_a = fields.Float(
        string="Lowest Score of Grade A", default=80.0
    )
    credit_collection_grade_b = fields.Float(
        string="Lowest Score of Grade B", default=60.0
    )
    credit_collection_grade_c = fields.Float(
        string="Lowest Score of Grade C", default=40.0
    )
    credit_collection_limit_months_a = fields.Float(
        string="Credit Limit, Grade A (months)",
        default=3.0,
        help="Suggested credit limit: this many months of the customer's average "
        "monthly invoicing of the last 12 months.",
    )
    credit_collection_limit_months_b = fields.Float(
        string="Credit Limit, Grade B (months)", default=2.0
    )
    credit_collection_limit_months_c = fields.Float(
        string="Credit Limit, Grade C (months)", default=1.0
    )
    credit_collection_limit_months_d = fields.Float(
        string="Credit Limit, Grade D (months)", default=0.0
    )

    # === CONSTRAINT METHODS === #
    @api.constrains(
        "credit_collection_grade_a",
        "credit_collection_grade_b",
        "credit_collection_grade_c",
        "credit_collection_score_min_history",
        "credit_collection_score_late_share",
        "credit_collection_score_days_late",
        "credit_collection_score_days_late_cap",
        "credit_collection_score_overdue_days",
        "credit_collection_score_overdue_days_cap",
        "credit_collection_score_broken_promise",
        "credit_collection_score_broken_promise_cap",
        "credit_collection_score_breached_plan",
        "credit_collection_score_breached_plan_cap",
        "credit_collection_score_dispute",
        "credit_collection_score_dispute_cap",
        "credit_collection_score_new_cap",
        "credit_collection_limit_months_a",
        "credit_collection_limit_months_b",
        "credit_collection_limit_months_c",
        "credit_collection_limit_months_d",
    )
    def _check_credit_collection_grades(self):
        for company in self:
            if not (
                100
                >= company.credit_collection_grade_a
                > company.credit_collection_grade_b
                > company.credit_collection_grade_c
                >= 0
            ):
                raise ValidationError(
                    self.env._(
                        "The lowest scores of grades A, B and C must decrease "
                        "between 100 and 0."
                    )
                )
            negative = [
                company._fields[name].get_description(self.env)["string"]
                for name in company._fields
                if name.startswith(
                    ("credit_collection_score_", "credit_collection_limit_")
                )
                and company[name] < 0
            ]
            if negative:
                raise ValidationError(
                    self.env._(
                        "These payment score settings cannot be negative: %(names)s.",
                        names=", ".join(negative),
                    )
                )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies.filtered(
            lambda c: not c.credit_collection_policy_id
        )._create_default_credit_collection_policy()
        companies._create_default_credit_collection_plan_templates()
        return companies

    def write(self, vals):
        res = super().write(vals)
        if "credit_collection_policy_id" in vals:
            self.env["account.move"]._recompute_credit_collection_next_dates(self)
        return res

    # === BUSINESS METHODS === #
    def _create_default_credit_collection_policy(self):
        # English first (the source language), whatever the installing user's
        policies = (
            self.env["credit.collection.policy"].sudo().with_context(lang="en_US")
        )
        for company in self:
            policy = policies.create(
                self.with_context(
                    lang="en_US"
                )._prepare_default_credit_collection_policy_vals(company)
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

    def _create_default_credit_collection_plan_templates(self):
        """The shipped installment plan templates, named in every installed
        language."""
        Template = (
            self.env["credit.collection.plan.template"]
            .sudo()
            .with_context(lang="en_US")
        )
        templates = Template
        langs = [
            lang
            for lang, _name in self.env["res.lang"].get_installed()
            if lang != "en_US"
        ]
        for company in self:
            for index, vals in enumerate(
                self.with_context(
                    lang="en_US"
                )._prepare_default_credit_collection_plan_templates_vals(company)
            ):
                template = Template.create(vals)
                for lang in langs:
                    template.with_context(lang=lang).name = self.with_context(
                        lang=lang
                    )._prepare_default_credit_collection_plan_templates_vals(company)[
                        index
                    ]["name"]
                templates |= template
        return templates

    def _translate_default_credit_collection_names(self, langs):
        """Name the shipped policy, its levels and the plan templates in ``langs``
        (languages installed after them), where a record still bears its English
        default name, untranslated."""
        for company in self:
            records, names_en = company._get_default_credit_collection_records()
            for lang in set(langs) - {"en_US"}:
                names = self.with_context(
                    lang=lang
                )._get_default_credit_collection_names(company)
                for record, name_en, name in zip(records, names_en, names, strict=True):
                    if (
                        record
                        and record.with_context(lang="en_US").name == name_en
                        and record.with_context(lang=lang).name == name_en
                    ):
                        record.with_context(lang=lang).name = name

    @api.model
    def _get_default_credit_collection_names(self, company):
        """The names of the shipped policy, its three levels and the plan
        templates, in the context's language."""
        policy_vals = self._prepare_default_credit_collection_policy_vals(company)
        return [
            policy_vals["name"],
            *(command[2]["name"] for command in policy_vals["level_ids"]),
            *(
                vals["name"]
                for vals in self._prepare_default_credit_collection_plan_templates_vals(
                    company
                )
            ),
        ]

    def _get_default_credit_collection_records(self):
        """The company's records the default names belong to (empty where there
        is none), in the order of ``_get_default_credit_collection_names``, and
        those names in English."""
        self.ensure_one()
        names_en = self.with_context(lang="en_US")._get_default_credit_collection_names(
            self
        )
        policy = self.credit_collection_policy_id.sudo()
        levels = policy.level_ids.sorted("sequence")
        templates = (
            self.env["credit.collection.plan.template"]
            .sudo()
            .with_context(lang="en_US", active_test=False)
            .search([("company_id", "=", self.id), ("name", "in", names_en[4:])])
        )
        by_name = {template.name: template for template in templates}
        records = [policy]
        records += [levels[index : index + 1] for index in range(3)]
        records += [by_name.get(name, templates.browse()) for name in names_en[4:]]
        return records, names_en

    @api.model
    def _prepare_default_credit_collection_plan_templates_vals(self, company):
        """3 monthly installments for small debts, 6 with a down payment, 12 with
        a down payment, interest and a fee for the largest (a collection manager
        grants more)."""
        return [
            {
                "name": self.env._("3 monthly installments"),
                "sequence": 10,
                "company_id": company.id,
                "installment_count": 3,
                "max_amount": 5000.0,
            },
            {
                "name": self.env._("6 monthly installments, 10% down"),
                "sequence": 20,
                "company_id": company.id,
                "installment_count": 6,
                "down_payment_percent": 10.0,
                "max_amount": 20000.0,
            },
            {
                "name": self.env._("12 monthly installments, 20% down, 5% interest"),
                "sequence": 30,
                "company_id": company.id,
                "installment_count": 12,
                "down_payment_percent": 20.0,
                "interest_rate": 5.0,
                "fee_amount": 25.0,
                "max_amount": 50000.0,
                "first_due_days": 7,
            },
        ]

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

    def _get_credit_collection_effectiveness(self, date_from, date_to):
        """Collection Effectiveness Index, recovery rate and cost per amount
        recovered over [date_from, date_to], in company currency.

        CEI = (receivables at the start + credit sales - receivables at the end)
            / (receivables at the start + credit sales - current receivables at
               the end) x 100, current meaning not yet due;
        recovery rate = what was paid in the period on the invoices overdue at its
            start / what they owed at its start x 100;
        cost per amount recovered = collection costs of the period / what was paid
            in the period after its due date."""
        self.ensure_one()
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
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
            ),
            debit AS (SELECT * FROM receivable WHERE balance > 0),
            paid AS (
                SELECT partial.debit_move_id AS line_id, partial.max_date,
                       partial.amount
                  FROM account_partial_reconcile partial
                  JOIN debit ON debit.id = partial.debit_move_id
            )
            SELECT
                (SELECT COALESCE(SUM(balance), 0) FROM receivable
                  WHERE date < %(from)s),
                (SELECT COALESCE(SUM(balance), 0) FROM receivable
                  WHERE date <= %(to)s),
                (SELECT COALESCE(SUM(debit.balance - COALESCE((
                        SELECT SUM(paid.amount) FROM paid
                         WHERE paid.line_id = debit.id AND paid.max_date <= %(to)s
                        ), 0)), 0)
                   FROM debit
                  WHERE debit.date <= %(to)s AND debit.date_maturity > %(to)s),
                (SELECT COALESCE(SUM(debit.balance - COALESCE((
                        SELECT SUM(paid.amount) FROM paid
                         WHERE paid.line_id = debit.id AND paid.max_date < %(from)s
                        ), 0)), 0)
                   FROM debit
                  WHERE debit.date < %(from)s AND debit.date_maturity < %(from)s),
                (SELECT COALESCE(SUM(paid.amount), 0)
                   FROM paid JOIN debit ON debit.id = paid.line_id
                  WHERE debit.date < %(from)s AND debit.date_maturity < %(from)s
                    AND paid.max_date BETWEEN %(from)s AND %(to)s),
                (SELECT COALESCE(SUM(paid.amount), 0)
                   FROM paid JOIN debit ON debit.id = paid.line_id
                  WHERE paid.max_date > debit.date_maturity
                    AND paid.max_date BETWEEN %(from)s AND %(to)s)
            """,
            company=self.id,
            **{"from": date_from, "to": date_to},
        )
        (
            start_balance,
            end_balance,
            end_current,
            overdue_at_start,
            recovered_overdue,
            paid_late,
        ) = (float(value) for value in self.env.execute_query(query)[0])
        sales = self._get_credit_collection_kpis(date_from, date_to)["sales"]
        costs = sum(
            self.env["credit.collection.event"]
            .search(
                [
                    ("company_id", "=", self.id),
                    ("date", ">=", date_from),
                    ("date", "<=", date_to),
                ]
            )
            .mapped("cost")
        )
        cei_base = start_balance + sales - end_current
        return {
            "cei": round((start_balance + sales - end_balance) / cei_base * 100, 2)
            if cei_base
            else None,
            "recovery_rate": round(recovered_overdue / overdue_at_start * 100, 2)
            if overdue_at_start
            else None,
            "overdue_at_start": overdue_at_start,
            "recovered": recovered_overdue,
            "paid_late": paid_late,
            "costs": self.currency_id.round(costs),
            "cost_per_recovered": round(costs / paid_late * 100, 2)
            if paid_late
            else None,
        }

    def _get_credit_collection_overdue_breakdown(self, on_date):
        """Overdue receivables on ``on_date`` (their residual now), by level and
        by age: ({level or False: (invoices, amount)}, {bucket: amount})."""
        self.ensure_one()
        lines = self.env["account.move.line"].search(
            [
                ("company_id", "=", self.id),
                ("parent_state", "=", "posted"),
                ("account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("balance", ">", 0),
                ("date_maturity", "<", on_date),
            ]
        )
        by_level = {}
        for level, level_lines in lines.grouped("credit_collection_level_id").items():
            by_level[level] = (
                len(level_lines.move_id),
                self.currency_id.round(sum(level_lines.mapped("amount_residual"))),
            )
        buckets = dict.fromkeys(AGE_BUCKETS, 0.0)
        for line in lines:
            days = (on_date - line.date_maturity).days
            bucket = next(
                b for b, (low, high) in AGE_BUCKETS.items() if low <= days <= high
            )
            buckets[bucket] = self.currency_id.round(
                buckets[bucket] + line.amount_residual
            )
        return by_level, buckets

    def _get_credit_collection_interest_rate_of(self):
        """A function (first day of a half-year) -> the company country's
        statutory interest rate (Decimal, percent); it raises a UserError that
        names a half-year with no rate (never a silent 0)."""
        self.ensure_one()
        country = self.country_id
        if not country:
            raise UserError(
                self.env._(
                    "Set the country of %(company)s: its statutory interest rates "
                    "depend on it.",
                    company=self.name,
                )
            )
        rates = self.env["credit.collection.interest.rate"].search(
            [("country_id", "=", country.id)]
        )
        by_start = {rate.date_start: Decimal(str(rate.rate)) for rate in rates}

        def rate_of(start):
            if start not in by_start:
                raise UserError(
                    self.env._(
                        "There is no late-payment interest rate for %(country)s, "
                        "%(half_year)s. Add it in Accounting > Configuration > "
                        "Late-Payment Interest Rates.",
                        country=country.name,
                        half_year=rates._format_half_year(start),
                    )
                )
            return by_start[start]

        return rate_of

    def _get_credit_collection_open_date(self, natural_date, journal):
        """The date of an entry the module makes (fee, interest, write-off): its
        natural date, or the first day after the lock dates that forbid it."""
        self.ensure_one()
        locks = self._get_violated_lock_dates(natural_date, False, journal)
        if not locks:
            return natural_date
        return max(lock_date for lock_date, _name in locks) + timedelta(days=1)

    def _get_credit_collection_unit_cost(self, channel, registered=False):
        self.ensure_one()
        if channel == "letter" and registered:
            return self.credit_collection_cost_registered
        field = f"credit_collection_cost_{channel}"
        return self[field] if field in self._fields else 0.0

    def _get_credit_collection_score_weights(self):
        self.ensure_one()
        prefix = "credit_collection_score_"
        return ScoreWeights(
            **{
                name: self[prefix + name]
                for name in (
                    "late_share",
                    "days_late",
                    "days_late_cap",
                    "overdue_days",
                    "overdue_days_cap",
                    "broken_promise",
                    "broken_promise_cap",
                    "breached_plan",
                    "breached_plan_cap",
                    "dispute",
                    "dispute_cap",
                    "min_history",
                )
            },
            new_customer_cap=self.credit_collection_score_new_cap,
            grade_a=self.credit_collection_grade_a,
            grade_b=self.credit_collection_grade_b,
            grade_c=self.credit_collection_grade_c,
        )

    def _get_credit_collection_limit_months(self, grade):
        self.ensure_one()
        return self[f"credit_collection_limit_months_{grade.lower()}"] if grade else 0.0
