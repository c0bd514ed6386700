# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup
from werkzeug.urls import url_encode

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, consteq, split_every
from odoo.tools.misc import hmac

from odoo.addons.phone_validation.tools import phone_validation

from ..tools.credit_score import PaymentHistory, compute_score

SCORE_BATCH_SIZE = 1000
PORTAL_TOKEN_SCOPE = "account_credit_collection.portal"
PORTAL_SIGNATURE_LENGTH = 24
# the history a customer sees on the portal (no internal tasks or notes)
PORTAL_EVENT_CHANNELS = (
    "email",
    "sms",
    "letter",
    "promise",
    "dispute",
    "plan",
    "portal",
)
EMPTY_FIGURES = {
    "paid_count": 0,
    "late_count": 0,
    "avg_days_late": 0.0,
    "overdue_amount": 0.0,
    "oldest_overdue_days": 0,
    "broken_promises": 0,
    "breached_plans": 0,
    "disputes": 0,
    "monthly_invoiced": 0.0,
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # === FIELDS === #
    credit_collection_policy_id = fields.Many2one(
        "credit.collection.policy",
        string="Collection Policy",
        company_dependent=True,
        domain="[('company_id', 'in', (False, current_company_id))]",
        help="Overrides the company's default policy for this customer.",
    )
    credit_collection_user_id = fields.Many2one(
        "res.users",
        string="Collection Responsible",
        company_dependent=True,
        help="Gets this customer's phone calls and escalation tasks.",
    )
    credit_collection_excluded = fields.Boolean(
        string="Excluded from Collection",
        help="The customer's invoices stay in the work list but get no automatic "
        "reminders.",
    )
    credit_collection_contact = fields.Boolean(
        string="Collection Contact",
        help="Reminders go to the contacts marked here (else to invoice addresses).",
    )
    credit_collection_event_ids = fields.One2many(
        "credit.collection.event", "partner_id", string="Collection History"
    )
    credit_collection_plan_count = fields.Integer(
        compute="_compute_credit_collection_plan_count"
    )
    credit_collection_event_count = fields.Integer(
        compute="_compute_credit_collection_event_count"
    )
    # --- payment score, computed by the daily run (see tools/credit_score.py) --- #
    credit_collection_score = fields.Integer(
        string="Payment Score",
        company_dependent=True,
        readonly=True,
        help="0 to 100, from the customer's payment history of the last 12 months: "
        "see 'Why this score'.",
    )
    credit_collection_grade = fields.Selection(
        [("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")],
        string="Payment Grade",
        company_dependent=True,
        readonly=True,
    )
    credit_collection_score_date = fields.Date(
        string="Figures As Of",
        company_dependent=True,
        readonly=True,
        help="The run that last changed the score's figures; later runs found the "
        "same figures.",
    )
    credit_collection_paid_count = fields.Integer(
        string="Invoices Paid (12 months)", company_dependent=True, readonly=True
    )
    credit_collection_late_count = fields.Integer(
        string="Invoices Paid Late (12 months)", company_dependent=True, readonly=True
    )
    credit_collection_on_time_share = fields.Float(
        string="Paid on Time (%)",
        company_dependent=True,
        readonly=True,
        digits=(16, 1),
        help="Share of the invoices paid in the last 12 months that were paid by "
        "their due date.",
    )
    credit_collection_avg_days_late = fields.Float(
        string="Average Days Late",
        company_dependent=True,
        readonly=True,
        digits=(16, 1),
        help="Days after the due date, on average over the installments paid in the "
        "last 12 months, weighted by their amounts.",
    )
    credit_collection_overdue_amount = fields.Float(
        string="Overdue Amount",
        company_dependent=True,
        readonly=True,
        digits="Account",
        help="Open overdue installments, in company currency.",
    )
    credit_collection_oldest_overdue_days = fields.Integer(
        string="Oldest Overdue (days)", company_dependent=True, readonly=True
    )
    credit_collection_broken_promise_count = fields.Integer(
        string="Promises Broken (12 months)", company_dependent=True, readonly=True
    )
    credit_collection_breached_plan_count = fields.Integer(
        string="Plans Breached (12 months)", company_dependent=True, readonly=True
    )
    credit_collection_dispute_count = fields.Integer(
        string="Disputes (12 months)", company_dependent=True, readonly=True
    )
    credit_collection_monthly_invoiced = fields.Float(
        string="Average Monthly Invoicing",
        company_dependent=True,
        readonly=True,
        digits="Account",
        help="Invoiced less credit notes over the last 12 months, divided by 12, in "
        "company currency.",
    )
    credit_collection_suggested_limit = fields.Float(
        string="Suggested Credit Limit",
        company_dependent=True,
        readonly=True,
        digits="Account",
        help="Months of average invoicing set per grade in the settings.",
    )
    credit_collection_risk = fields.Float(
        string="Collection Risk",
        company_dependent=True,
        readonly=True,
        digits="Account",
        help="Overdue amount x (100 - payment score) / 100: what is at stake, "
        "weighed by how the customer pays.",
    )
    credit_collection_score_explanation = fields.Html(
        string="Why This Score",
        compute="_compute_credit_collection_score_explanation",
        sanitize=False,
    )

    credit_collection_cost_total = fields.Monetary(
        string="Collection Cost",
        currency_field="credit_collection_currency_id",
        compute="_compute_credit_collection_cost_total",
        help="What collecting this customer's invoices has cost so far, in the "
        "current company's currency.",
    )
    credit_collection_currency_id = fields.Many2one(
        "res.currency", compute="_compute_credit_collection_cost_total"
    )

    # === COMPUTE METHODS === #
    def _compute_credit_collection_cost_total(self):
        company = self.env.company
        totals = dict(
            self.env["credit.collection.cost.share"]._read_group(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", self.commercial_partner_id.ids),
                ],
                ["partner_id"],
                ["amount:sum"],
            )
        )
        for partner in self:
            partner.credit_collection_cost_total = totals.get(
                partner.commercial_partner_id, 0.0
            )
            partner.credit_collection_currency_id = company.currency_id

    def _compute_credit_collection_plan_count(self):
        counts = dict(
            self.env["credit.collection.plan"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.credit_collection_plan_count = counts.get(
                partner.commercial_partner_id, 0
            )

    def _compute_credit_collection_event_count(self):
        counts = dict(
            self.env["credit.collection.event"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.credit_collection_event_count = counts.get(
                partner.commercial_partner_id, 0
            )

    @api.depends_context("company")
    @api.depends(
        "credit_collection_score",
        "credit_collection_score_date",
        "credit_collection_paid_count",
        "credit_collection_late_count",
        "credit_collection_avg_days_late",
        "credit_collection_overdue_amount",
        "credit_collection_oldest_overdue_days",
        "credit_collection_broken_promise_count",
        "credit_collection_breached_plan_count",
        "credit_collection_dispute_count",
    )
    def _compute_credit_collection_score_explanation(self):
        company = self.env.company
        weights = company._get_credit_collection_score_weights()
        for partner in self:
            if not partner.credit_collection_score_date:
                partner.credit_collection_score_explanation = Markup("<p>%s</p>") % (
                    self.env._(
                        "Not computed yet: the daily collection run computes it."
                    )
                )
                continue
            result = compute_score(partner._get_credit_collection_history(), weights)
            partner.credit_collection_score_explanation = (
                partner._render_credit_collection_score_explanation(result, weights)
            )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["credit_collection_excluded"]

    # === CRUD METHODS === #
    def write(self, vals):
        res = super().write(vals)
        if "credit_collection_policy_id" in vals:
            self.env["account.move"]._recompute_credit_collection_next_dates(
                partners=self.commercial_partner_id
            )
        return res

    # === ACTION METHODS === #
    def action_open_credit_collection_plans(self):
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account_credit_collection.credit_collection_plan_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_credit_collection_create_plan(self):
        """A draft plan over the customer's open invoices."""
        self.ensure_one()
        invoices = self._get_credit_collection_plan_invoices(self.env.company)
        if not invoices:
            raise UserError(
                self.env._(
                    "%(customer)s has no open invoice to put in a plan.",
                    customer=self.commercial_partner_id.display_name,
                )
            )
        return invoices.action_credit_collection_create_plan()

    def action_open_credit_collection_events(self):
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account_credit_collection.credit_collection_event_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_group_by_date": False}
        return action

    def action_apply_credit_collection_limit(self):
        """Set Odoo's credit limit of the customers to the limit their score
        suggests; Odoo's credit-limit warning then does the rest."""
        if not self.env.user.has_group(
            "account_credit_collection.group_credit_collection_manager"
        ):
            raise AccessError(
                self.env._("Only a collection manager can change credit limits.")
            )
        partners = self.commercial_partner_id
        missing = partners.filtered(lambda p: not p.credit_collection_suggested_limit)
        if missing:
            raise UserError(
                self.env._(
                    "No credit limit is suggested for %(partners)s: there is no "
                    "invoicing of the last 12 months to base it on.",
                    partners=", ".join(missing.mapped("display_name")),
                )
            )
        company = self.env.company
        # checked above: a collection manager may set the limit without the right
        # to edit contacts
        for partner_sudo in partners.sudo():
            previous = partner_sudo.credit_limit
            limit = partner_sudo.credit_collection_suggested_limit
            partner_sudo.credit_limit = limit
            self.env["credit.collection.event"].create(
                {
                    "company_id": company.id,
                    "partner_id": partner_sudo.id,
                    "channel": "note",
                    "note": self.env._(
                        "Credit limit set from %(previous)s to %(limit)s, as "
                        "suggested by payment score %(score)s (grade %(grade)s).",
                        previous=company.currency_id.format(previous),
                        limit=company.currency_id.format(limit),
                        score=partner_sudo.credit_collection_score,
                        grade=partner_sudo.credit_collection_grade,
                    ),
                }
            )
        return True

    # === BUSINESS METHODS === #
    def _get_credit_collection_plan_invoices(self, company):
        """The customer's open invoices that no live plan covers, in its most used
        currency (the others wait for a plan of their own)."""
        self.ensure_one()
        invoices = (
            self.env["account.move"]
            .search(
                [
                    ("commercial_partner_id", "=", self.commercial_partner_id.id),
                    ("company_id", "=", company.id),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                ],
                order="invoice_date_due, id",
            )
            .filtered(lambda m: not m._is_under_credit_collection_plan())
        )
        if not invoices:
            return invoices
        currency = max(
            invoices.currency_id,
            key=lambda c: len(invoices.filtered(lambda m: m.currency_id == c)),
        )
        return invoices.filtered(lambda m: m.currency_id == currency)

    def _get_credit_collection_policy(self, company):
        """The policy of this commercial partner in ``company``."""
        self.ensure_one()
        policy = self.with_company(company).credit_collection_policy_id
        return policy if policy.active else company.credit_collection_policy_id

    def _get_credit_collection_contacts(self, invoices=None):
        """Who receives reminders: the active contacts marked for collection, else
        the active invoice addresses, else the invoices' partners, else the
        customer itself. Archived contacts never receive anything."""
        self.ensure_one()
        children = self.child_ids.filtered("active")
        contacts = children.filtered("credit_collection_contact")
        if not contacts:
            contacts = children.filtered(lambda c: c.type == "invoice")
        if not contacts and invoices:
            contacts = invoices.partner_id.filtered(lambda p: p.active and p != self)
        if not contacts and self.active:
            contacts = self
        return contacts

    def _get_credit_collection_sms_number(self):
        """(partner, E.164 number, error) for an SMS reminder to this customer.

        Numbers are never guessed: a number written without its international
        prefix is only read with the contact's own country."""
        self.ensure_one()
        candidates = self._get_credit_collection_contacts() | self.filtered("active")
        recipient = next((c for c in candidates if c.mobile or c.phone), None)
        if not recipient:
            return self, False, self.env._("No mobile number.")
        raw = (recipient.mobile or recipient.phone).strip()
        international = raw.startswith(("+", "00"))
        if not international and not recipient.country_id:
            return (
                recipient,
                raw,
                self.env._(
                    "%(number)s has no international prefix and %(partner)s has no "
                    "country: the number is not guessed.",
                    number=raw,
                    partner=recipient.display_name,
                ),
            )
        if raw.startswith("00"):
            raw = "+" + raw[2:]
        country = recipient.country_id
        try:
            number = phone_validation.phone_format(
                raw,
                country.code if not international else None,
                country.phone_code,
                force_format="E164",
                raise_exception=True,
            )
        except UserError as error:
            return recipient, raw, str(error)
        return recipient, number, False

    # --- customer portal --- #
    def _get_credit_collection_portal_token(self, company):
        """The access token of the customer's collection page in ``company`` (the
        link of its reminders): its ids and an HMAC of them with the database
        secret, so that it cannot be guessed or moved to another customer."""
        self.ensure_one()
        signature = hmac(self.env(su=True), PORTAL_TOKEN_SCOPE, (self.id, company.id))
        return f"{self.id}-{company.id}-{signature[:PORTAL_SIGNATURE_LENGTH]}"

    @api.model
    def _get_by_credit_collection_portal_token(self, token):
        """(customer, company) a portal token opens, or two empty recordsets."""
        empty = (self.browse(), self.env["res.company"].browse())
        parts = (token or "").split("-")
        if len(parts) != 3 or not (parts[0].isdigit() and parts[1].isdigit()):
            return empty
        partner = self.browse(int(parts[0])).exists()
        company = self.env["res.company"].browse(int(parts[1])).exists()
        if (
            not (partner and company)
            or partner != partner.commercial_partner_id
            or not consteq(token, partner._get_credit_collection_portal_token(company))
        ):
            return empty
        return partner, company

    def _get_credit_collection_portal_url(self, company):
        """The customer's collection page, opened by its token (no login)."""
        self.ensure_one()
        customer = self.commercial_partner_id
        query = url_encode(
            {"access_token": customer._get_credit_collection_portal_token(company)}
        )
        return f"{customer.get_base_url()}/my/collection?{query}"

    def _get_credit_collection_portal_invoices(self, companies):
        """The customer's open invoices in ``companies``, oldest due first."""
        self.ensure_one()
        return self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", self.id),
                ("company_id", "in", companies.ids),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ],
            order="invoice_date_due, id",
        )

    def _get_credit_collection_portal_plans(self, companies):
        """The plans a customer follows: proposed, active, or waiting for approval."""
        self.ensure_one()
        return self.env["credit.collection.plan"].search(
            [
                ("partner_id", "=", self.id),
                ("company_id", "in", companies.ids),
                "|",
                ("state", "in", ("proposed", "active")),
                "&",
                ("state", "=", "draft"),
                ("customer_requested", "=", True),
            ],
            order="id desc",
        )

    def _get_credit_collection_portal_events(self, companies, limit=50):
        self.ensure_one()
        return self.env["credit.collection.event"].search(
            [
                ("partner_id", "=", self.id),
                ("company_id", "in", companies.ids),
                ("channel", "in", PORTAL_EVENT_CHANNELS),
                ("state", "=", "done"),
            ],
            limit=limit,
        )

    def _get_credit_collection_portal_overdue_lines(self, companies, today):
        """The overdue installments a customer pays with "Pay all overdue": not in
        dispute nor in a plan, oldest due first."""
        self.ensure_one()
        invoices = self._get_credit_collection_portal_invoices(companies).filtered(
            lambda m: (
                not m._is_credit_collection_disputed()
                and not m._get_credit_collection_live_plan()
            )
        )
        return (
            invoices.line_ids.filtered(
                lambda line: (
                    line.account_type == "asset_receivable"
                    and not line.reconciled
                    and line.date_maturity
                    and line.date_maturity < today
                    and line.currency_id.compare_amounts(
                        line.amount_residual_currency, 0.0
                    )
                    > 0
                )
            )
        ).sorted(lambda line: (line.date_maturity, line.id))

    def _get_credit_collection_portal_totals(self, invoices, overdue_lines):
        """[{company, currency, due, overdue}] of the customer's open invoices."""
        self.ensure_one()
        totals = {}
        for invoice in invoices:
            key = (invoice.company_id, invoice.currency_id)
            totals.setdefault(key, {"due": 0.0, "overdue": 0.0})
            totals[key]["due"] += invoice.amount_residual
        for line in overdue_lines:
            key = (line.company_id, line.currency_id)
            totals.setdefault(key, {"due": 0.0, "overdue": 0.0})
            totals[key]["overdue"] += line.amount_residual_currency
        return [
            {
                "company": company,
                "currency": currency,
                "due": currency.round(amounts["due"]),
                "overdue": currency.round(amounts["overdue"]),
            }
            for (company, currency), amounts in totals.items()
        ]

    # --- payment score --- #
    def _get_credit_collection_history(self):
        """The stored figures of this customer, as the score reads them."""
        self.ensure_one()
        return PaymentHistory(
            paid_count=self.credit_collection_paid_count,
            late_count=self.credit_collection_late_count,
            avg_days_late=self.credit_collection_avg_days_late,
            overdue_amount=self.credit_collection_overdue_amount,
            oldest_overdue_days=self.credit_collection_oldest_overdue_days,
            broken_promises=self.credit_collection_broken_promise_count,
            breached_plans=self.credit_collection_breached_plan_count,
            disputes=self.credit_collection_dispute_count,
        )

    def _render_credit_collection_score_explanation(self, result, weights):
        """A table: each figure, and the points it costs."""
        self.ensure_one()
        currency = self.env.company.currency_id
        labels = {
            "late_share": self.env._(
                "Invoices paid late in 12 months: %(late)s of %(paid)s",
                late=self.credit_collection_late_count,
                paid=self.credit_collection_paid_count,
            ),
            "days_late": self.env._(
                "Average days late (weighted by amount): %(days)s",
                days=round(self.credit_collection_avg_days_late, 1),
            ),
            "overdue_days": self.env._(
                "Oldest overdue installment: %(days)s days (%(amount)s overdue)",
                days=self.credit_collection_oldest_overdue_days,
                amount=currency.format(self.credit_collection_overdue_amount),
            ),
            "broken_promises": self.env._(
                "Promises to pay broken in 12 months: %(count)s",
                count=self.credit_collection_broken_promise_count,
            ),
            "breached_plans": self.env._(
                "Installment plans breached in 12 months: %(count)s",
                count=self.credit_collection_breached_plan_count,
            ),
            "disputes": self.env._(
                "Invoices disputed in 12 months: %(count)s",
                count=self.credit_collection_dispute_count,
            ),
        }
        row = Markup('<tr><td>%s</td><td class="text-end">%s</td></tr>')
        rows = [row % (labels[p.key], f"-{p.points:g}") for p in result.penalties]
        if result.capped_at is not None:
            cap = f"{result.capped_at:g}"  # not inside _(): babel would evaluate it
            rows.append(
                row
                % (
                    self.env._(
                        "Fewer than %(count)s invoices paid in 12 months: the score "
                        "cannot exceed %(cap)s",
                        count=weights.min_history,
                        cap=cap,
                    ),
                    "",
                )
            )
        total = self.env._(
            "Score %(score)s, grade %(grade)s (figures as of %(date)s)",
            score=result.score,
            grade=result.grade,
            date=fields.Date.to_string(self.credit_collection_score_date),
        )
        if result.score != self.credit_collection_score:
            total += " " + self.env._(
                "The settings changed since: the next run gives %(score)s.",
                score=result.score,
            )
        return Markup(
            '<table class="table table-sm o_credit_collection_score">'
            '<thead><tr><th>%s</th><th class="text-end">%s</th></tr></thead>'
            '<tbody><tr><td>%s</td><td class="text-end">100</td></tr>%s</tbody>'
            '<tfoot><tr><th colspan="2">%s</th></tr></tfoot></table>'
        ) % (
            self.env._("Figure"),
            self.env._("Points"),
            self.env._("Starting score"),
            Markup("").join(rows),
            total,
        )

    @api.model
    def _update_credit_collection_scores(self, company, date, partners=None):
        """Compute and store the payment score of the customers of ``company`` as
        of ``date`` (all those with a recent or open invoice, or only
        ``partners``). Returns the customers scored."""
        figures = self._get_credit_collection_figures(company, date, partners)
        weights = company._get_credit_collection_score_weights()
        scored = self.browse(list(figures)).with_company(company)
        for chunk in split_every(SCORE_BATCH_SIZE, scored.ids, scored.browse):
            chunk._write_credit_collection_scores(company, date, figures, weights)
            self.env["credit.collection.score.history"]._record_scores(
                company, date, chunk
            )
            # a chunk's customers are not read again: keep memory flat
            chunk.flush_recordset()
            chunk.invalidate_recordset()
        return scored

    def _write_credit_collection_scores(self, company, date, figures, weights):
        # No figure is a tracked field: each write need not read and keep the
        # customer's tracked values (mail.thread) for a chatter update that never
        # comes.
        for partner in self.with_context(tracking_disable=True):
            values = figures[partner.id]
            history = PaymentHistory(
                **{k: v for k, v in values.items() if k != "monthly_invoiced"}
            )
            result = compute_score(history, weights)
            months = company._get_credit_collection_limit_months(result.grade)
            vals = {
                "credit_collection_score": result.score,
                "credit_collection_grade": result.grade,
                "credit_collection_paid_count": history.paid_count,
                "credit_collection_late_count": history.late_count,
                "credit_collection_on_time_share": round(
                    history.on_time_share * 100, 1
                ),
                "credit_collection_avg_days_late": round(history.avg_days_late, 1),
                "credit_collection_overdue_amount": history.overdue_amount,
                "credit_collection_oldest_overdue_days": history.oldest_overdue_days,
                "credit_collection_broken_promise_count": history.broken_promises,
                "credit_collection_breached_plan_count": history.breached_plans,
                "credit_collection_dispute_count": history.disputes,
                "credit_collection_monthly_invoiced": values["monthly_invoiced"],
                "credit_collection_suggested_limit": self._get_suggested_credit_limit(
                    company, values["monthly_invoiced"], months
                ),
                "credit_collection_risk": company.currency_id.round(
                    history.overdue_amount * (100 - result.score) / 100
                ),
            }
            # most customers' figures do not change from a day to the next
            changed = {k: v for k, v in vals.items() if partner[k] != v}
            if changed or not partner.credit_collection_score_date:
                partner.write({**changed, "credit_collection_score_date": date})

    @api.model
    def _get_suggested_credit_limit(self, company, monthly_invoiced, months):
        """Months of average invoicing; no suggestion without invoicing. A grade
        given no credit gets the smallest amount of the currency, because Odoo
        reads a credit limit of 0 as no limit at all."""
        if company.currency_id.compare_amounts(monthly_invoiced, 0) <= 0:
            return 0.0
        limit = company.currency_id.round(monthly_invoiced * months)
        return max(limit, company.currency_id.rounding)

    @api.model
    def _get_credit_collection_figures(self, company, date, partners=None):
        """{partner id: figures of PaymentHistory + monthly_invoiced}, read with a
        few aggregate queries for all the customers at once."""
        params = {
            "company": company.id,
            "date": date,
            "start": date - relativedelta(months=12),
            "partners": partners.commercial_partner_id.ids if partners else None,
        }
        figures = defaultdict(lambda: dict(EMPTY_FIGURES))
        for row in self._query_credit_collection_payments(params):
            figures[row[0]].update(
                paid_count=row[1], late_count=row[2], avg_days_late=float(row[3] or 0)
            )
        for partner_id, amount, oldest in self._query_credit_collection_overdue(params):
            figures[partner_id].update(
                overdue_amount=float(amount), oldest_overdue_days=oldest
            )
        for partner_id, amount in self._query_credit_collection_invoicing(params):
            figures[partner_id]["monthly_invoiced"] = company.currency_id.round(
                float(amount) / 12
            )
        counts = self._get_credit_collection_event_counts(company, params)
        for key, by_partner in counts.items():
            for partner_id, count in by_partner.items():
                figures[partner_id][key] = count
        return dict(figures)

    @api.model
    def _credit_collection_partner_filter(self, params, column):
        if params["partners"] is None:
            return SQL("TRUE")
        return SQL("%s = ANY(%s)", column, params["partners"])

    @api.model
    def _query_credit_collection_payments(self, params):
        """Per customer: invoices whose last installment was paid in the 12 months,
        those paid late, and the amount-weighted average days late.

        An invoice's payment date (its installments' latest) comes from a window
        over the paid installments rather than from joining them to a grouped copy
        of themselves: misjudging the sizes of the two, the planner made that join a
        nested loop, whose cost grew with the square of the paid history."""
        self.env.flush_all()
        return self.env.execute_query(
            SQL(
                """
                WITH paid AS (
                    SELECT move.commercial_partner_id AS partner_id,
                           line.move_id, line.balance, line.date_maturity,
                           MAX(part.max_date) AS paid_date
                      FROM account_move_line line
                      JOIN account_move move ON move.id = line.move_id
                      JOIN account_account account ON account.id = line.account_id
                      JOIN account_partial_reconcile part
                        ON part.debit_move_id = line.id
                     WHERE line.company_id = %(company)s
                       AND move.state = 'posted'
                       AND move.move_type = 'out_invoice'
                       AND account.account_type = 'asset_receivable'
                       AND line.reconciled
                       AND line.balance > 0
                       AND %(partner_filter)s
                  GROUP BY move.commercial_partner_id, line.id
                ),
                paid_invoice AS (
                    SELECT paid.*,
                           MAX(paid.paid_date) OVER (PARTITION BY paid.move_id)
                               AS invoice_paid_date
                      FROM paid
                )
                SELECT partner_id,
                       COUNT(DISTINCT move_id),
                       COUNT(DISTINCT move_id)
                           FILTER (WHERE paid_date > date_maturity),
                       SUM(balance * GREATEST(paid_date - date_maturity, 0))
                           / NULLIF(SUM(balance), 0)
                  FROM paid_invoice
                 WHERE invoice_paid_date > %(start)s
                   AND invoice_paid_date <= %(date)s
              GROUP BY partner_id
                """,
                company=params["company"],
                start=params["start"],
                date=params["date"],
                partner_filter=self._credit_collection_partner_filter(
                    params, SQL("move.commercial_partner_id")
                ),
            )
        )

    @api.model
    def _query_credit_collection_overdue(self, params):
        """Per customer: open overdue amount (company currency) and the days of
        its oldest overdue installment."""
        return self.env.execute_query(
            SQL(
                """
                SELECT move.commercial_partner_id,
                       SUM(line.amount_residual),
                       %(date)s::date - MIN(line.date_maturity)
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                  JOIN account_account account ON account.id = line.account_id
                 WHERE line.company_id = %(company)s
                   AND move.state = 'posted'
                   AND move.move_type = 'out_invoice'
                   AND account.account_type = 'asset_receivable'
                   AND NOT line.reconciled
                   AND line.amount_residual > 0
                   AND line.date_maturity < %(date)s
                   AND %(partner_filter)s
              GROUP BY move.commercial_partner_id
                """,
                company=params["company"],
                date=params["date"],
                partner_filter=self._credit_collection_partner_filter(
                    params, SQL("move.commercial_partner_id")
                ),
            )
        )

    @api.model
    def _query_credit_collection_invoicing(self, params):
        """Per customer: invoiced less credit notes over the 12 months."""
        return self.env.execute_query(
            SQL(
                """
                SELECT move.commercial_partner_id, SUM(move.amount_total_signed)
                  FROM account_move move
                 WHERE move.company_id = %(company)s
                   AND move.state = 'posted'
                   AND move.move_type IN ('out_invoice', 'out_refund')
                   AND move.invoice_date > %(start)s
                   AND move.invoice_date <= %(date)s
                   AND %(partner_filter)s
              GROUP BY move.commercial_partner_id
                """,
                company=params["company"],
                start=params["start"],
                date=params["date"],
                partner_filter=self._credit_collection_partner_filter(
                    params, SQL("move.commercial_partner_id")
                ),
            )
        )

    @api.model
    def _get_credit_collection_event_counts(self, company, params):
        """{figure: {partner id: count}} of the collection history in 12 months."""
        domain = [
            ("company_id", "=", company.id),
            ("date", ">", params["start"]),
            ("date", "<=", params["date"]),
        ]
        if params["partners"] is not None:
            domain.append(("partner_id", "in", params["partners"]))
        Event = self.env["credit.collection.event"].sudo()
        promises = Event._read_group(
            domain + [("channel", "=", "promise"), ("state", "=", "failed")],
            ["partner_id"],
            ["__count"],
        )
        disputed = defaultdict(int)  # invoices disputed, however many events each
        for partner, _invoice in Event._read_group(
            domain + [("channel", "=", "dispute"), ("invoice_ids", "!=", False)],
            ["partner_id", "invoice_ids"],
        ):
            disputed[partner.id] += 1
        return {
            "broken_promises": {p.id: count for p, count in promises},
            "disputes": dict(disputed),
            "breached_plans": self._get_credit_collection_breached_plans(
                company, params
            ),
        }

    @api.model
    def _get_credit_collection_breached_plans(self, company, params):
        """{partner id: installment plans breached in the 12 months}."""
        domain = [
            ("company_id", "=", company.id),
            ("state", "=", "breached"),
            ("breach_date", ">", params["start"]),
            ("breach_date", "<=", params["date"]),
        ]
        if params["partners"] is not None:
            domain.append(("partner_id", "in", params["partners"]))
        return {
            partner.id: count
            for partner, count in self.env["credit.collection.plan"]
            .sudo()
            ._read_group(domain, ["partner_id"], ["__count"])
        }
