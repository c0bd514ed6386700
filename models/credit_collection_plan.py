# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from werkzeug.urls import url_encode

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_round, format_date

from .account_move_line import COLLECTION_WRITE_CONTEXT
from .credit_collection_plan_template import INTERVAL_UNITS, MAX_INSTALLMENTS

PLAN_STATES = [
    ("draft", "Draft"),
    ("proposed", "Proposed"),
    ("active", "Active"),
    ("done", "Paid"),
    ("breached", "Breached"),
    ("cancelled", "Cancelled"),
]
# Plans whose invoices have left normal dunning.
LIVE_STATES = ("proposed", "active")
# What a started plan keeps: the terms the customer accepted.
FROZEN_FIELDS = {
    "partner_id",
    "company_id",
    "template_id",
    "invoice_ids",
    "down_payment_amount",
    "installment_count",
    "interval_number",
    "interval_unit",
    "first_due_date",
    "interest_rate",
    "fee_amount",
    "grace_days",
}
DEFAULTS = {
    "installment_count": 3,
    "interval_number": 1,
    "interval_unit": "month",
    "first_due_days": 30,
    "grace_days": 5,
    "reminder_days": 5,
}


class CreditCollectionPlan(models.Model):
    """An installment (repayment) plan: what a customer owes on some invoices,
    spread over dated installments. Payments on those invoices are allocated to
    the installments in due-date order."""

    _name = "credit.collection.plan"
    _description = "Installment Plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    # === FIELDS === #
    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
    )
    state = fields.Selection(
        PLAN_STATES,
        default="draft",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )
    template_id = fields.Many2one("credit.collection.plan.template", check_company=True)
    invoice_ids = fields.Many2many(
        "account.move",
        "credit_collection_plan_account_move_rel",
        "plan_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('commercial_partner_id', '=', partner_id),"
        " ('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    fee_invoice_id = fields.Many2one(
        "account.move",
        string="Interest and Fee Invoice",
        readonly=True,
        copy=False,
        check_company=True,
        help="The invoice of the plan's interest and fee, made when the plan starts.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        readonly=True,
    )
    start_date = fields.Date(
        readonly=True,
        copy=False,
        help="When the plan was proposed or confirmed: the financed amount is fixed "
        "then, and every later payment on its invoices goes to the installments.",
    )
    financed_amount = fields.Monetary(
        compute="_compute_financed_amount",
        store=True,
        help="What the invoices still owed when the plan started.",
    )
    down_payment_amount = fields.Monetary(
        string="Down Payment",
        compute="_compute_down_payment_amount",
        store=True,
        readonly=False,
    )
    installment_count = fields.Integer(
        string="Installments",
        compute="_compute_installment_count",
        store=True,
        readonly=False,
        help="Number of installments after the down payment.",
    )
    interval_number = fields.Integer(
        string="Every", compute="_compute_interval_number", store=True, readonly=False
    )
    interval_unit = fields.Selection(
        INTERVAL_UNITS,
        string="Unit",
        compute="_compute_interval_unit",
        store=True,
        readonly=False,
    )
    first_due_date = fields.Date(
        compute="_compute_first_due_date",
        store=True,
        readonly=False,
        help="Due date of the first installment (the down payment when there is one).",
    )
    interest_rate = fields.Float(
        string="Annual Interest (%)",
        digits=(5, 3),
        compute="_compute_interest_rate",
        store=True,
        readonly=False,
    )
    fee_amount = fields.Monetary(
        string="Plan Fee",
        compute="_compute_fee_amount",
        store=True,
        readonly=False,
    )
    grace_days = fields.Integer(
        compute="_compute_grace_days",
        store=True,
        readonly=False,
        help="An installment still unpaid this many days after its due date "
        "breaches the plan.",
    )
    reminder_days = fields.Integer(
        string="Reminder Days Before",
        compute="_compute_reminder_days",
        store=True,
        readonly=False,
    )
    reminder_sms = fields.Boolean(
        string="Reminders by SMS Too",
        compute="_compute_reminder_sms",
        store=True,
        readonly=False,
    )
    interest_amount = fields.Monetary(
        compute="_compute_interest_amount",
        store=True,
        help="Simple interest at the annual rate on the principal still to be "
        "repaid during each interval (the down payment is not financed).",
    )
    total_amount = fields.Monetary(
        compute="_compute_total_amount",
        store=True,
        help="Financed amount, interest and fee.",
    )
    line_ids = fields.One2many(
        "credit.collection.plan.line",
        "plan_id",
        string="Schedule",
        compute="_compute_line_ids",
        store=True,
        readonly=True,
        copy=False,
    )
    paid_amount = fields.Monetary(
        compute="_compute_paid_amount",
        store=True,
        help="Paid on the plan's invoices since the plan started.",
    )
    residual_amount = fields.Monetary(
        string="Still Due", compute="_compute_paid_amount", store=True
    )
    next_due_date = fields.Date(
        string="Next Installment", compute="_compute_next_installment", store=True
    )
    next_amount = fields.Monetary(
        string="Next Amount Due", compute="_compute_next_installment", store=True
    )
    breach_date = fields.Date(readonly=True, copy=False)
    accepted_partner_id = fields.Many2one(
        "res.partner", string="Accepted By", readonly=True, copy=False
    )
    accepted_name = fields.Char(
        string="Signed As",
        readonly=True,
        copy=False,
        help="The name the customer typed to accept the plan.",
    )
    accepted_date = fields.Datetime(string="Accepted On", readonly=True, copy=False)
    accepted_ip = fields.Char(string="Accepted From IP", readonly=True, copy=False)
    customer_requested = fields.Boolean(
        string="Requested on the Portal",
        readonly=True,
        copy=False,
        help="The customer asked for this plan on the customer portal and accepted "
        "its terms; a draft one waits for a collection manager's approval "
        "(Confirm).",
    )
    event_ids = fields.One2many("credit.collection.event", "plan_id", readonly=True)
    event_count = fields.Integer(compute="_compute_event_count")
    invoice_count = fields.Integer(compute="_compute_invoice_count")

    # === COMPUTE METHODS === #
    @api.depends("invoice_ids", "start_date")
    def _compute_currency_id(self):
        for plan in self:
            if plan.start_date and plan.currency_id:
                continue
            plan.currency_id = (
                plan.invoice_ids[:1].currency_id or plan.company_id.currency_id
            )

    @api.depends("invoice_ids.amount_residual", "start_date")
    def _compute_financed_amount(self):
        for plan in self:
            if plan.start_date:
                continue  # fixed when the plan started
            plan.financed_amount = plan.currency_id.round(
                sum(plan.invoice_ids.mapped("amount_residual"))
            )

    @api.depends("template_id", "financed_amount")
    def _compute_down_payment_amount(self):
        for plan in self:
            if plan.start_date:
                continue
            percent = plan.template_id.down_payment_percent
            plan.down_payment_amount = plan.currency_id.round(
                plan.financed_amount * percent / 100
            )

    # One compute method per term: Odoo protects every field of a compute method
    # as soon as one of them is given at creation.
    @api.depends("template_id")
    def _compute_installment_count(self):
        self._set_term_from_template("installment_count")

    @api.depends("template_id")
    def _compute_interval_number(self):
        self._set_term_from_template("interval_number")

    @api.depends("template_id")
    def _compute_interval_unit(self):
        self._set_term_from_template("interval_unit")

    @api.depends("template_id")
    def _compute_first_due_date(self):
        self._set_term_from_template("first_due_date")

    @api.depends("template_id")
    def _compute_interest_rate(self):
        self._set_term_from_template("interest_rate")

    @api.depends("template_id")
    def _compute_fee_amount(self):
        self._set_term_from_template("fee_amount")

    @api.depends("template_id")
    def _compute_grace_days(self):
        self._set_term_from_template("grace_days")

    @api.depends("template_id")
    def _compute_reminder_days(self):
        self._set_term_from_template("reminder_days")

    @api.depends("template_id")
    def _compute_reminder_sms(self):
        self._set_term_from_template("reminder_sms")

    @api.depends(
        "financed_amount",
        "down_payment_amount",
        "installment_count",
        "interval_number",
        "interval_unit",
        "interest_rate",
    )
    def _compute_interest_amount(self):
        for plan in self:
            if plan.start_date:
                continue
            plan.interest_amount = plan._get_interest_amount()

    @api.depends("financed_amount", "interest_amount", "fee_amount")
    def _compute_total_amount(self):
        for plan in self:
            plan.total_amount = plan.currency_id.round(
                plan.financed_amount + plan.interest_amount + plan.fee_amount
            )

    @api.depends(
        "total_amount",
        "down_payment_amount",
        "installment_count",
        "interval_number",
        "interval_unit",
        "first_due_date",
        "start_date",
    )
    def _compute_line_ids(self):
        for plan in self:
            if plan.start_date:
                continue  # the schedule agreed with the customer does not move
            commands = [fields.Command.clear()]
            if plan._can_preview_schedule():
                commands += [
                    fields.Command.create(vals)
                    for vals in plan._prepare_line_vals_list()
                ]
            plan.line_ids = commands

    @api.depends(
        "financed_amount",
        "total_amount",
        "invoice_ids.amount_residual",
        "fee_invoice_id.amount_residual",
        "fee_invoice_id.amount_total",
    )
    def _compute_paid_amount(self):
        for plan in self:
            # a draft plan's financed amount follows the residual: nothing is paid
            still_due = sum(plan.invoice_ids.mapped("amount_residual"))
            paid = plan.financed_amount - still_due
            fee_invoice = plan.fee_invoice_id
            # a fee invoice reversed when the plan was cancelled was not paid
            if (
                fee_invoice.state == "posted"
                and fee_invoice.payment_state != "reversed"
            ):
                paid += fee_invoice.amount_total - fee_invoice.amount_residual
            paid = plan.currency_id.round(min(max(paid, 0.0), plan.total_amount))
            plan.paid_amount = paid
            plan.residual_amount = plan.currency_id.round(plan.total_amount - paid)

    @api.depends("state", "line_ids.residual_amount", "line_ids.due_date")
    def _compute_next_installment(self):
        for plan in self:
            line = plan._get_open_lines()[:1] if plan.state in LIVE_STATES else False
            plan.next_due_date = line.due_date if line else False
            plan.next_amount = line.residual_amount if line else 0.0

    def _compute_event_count(self):
        counts = dict(
            self.env["credit.collection.event"]._read_group(
                [("plan_id", "in", self.ids)], ["plan_id"], ["__count"]
            )
        )
        for plan in self:
            plan.event_count = counts.get(plan, 0)

    @api.depends("invoice_ids", "fee_invoice_id")
    def _compute_invoice_count(self):
        for plan in self:
            plan.invoice_count = len(plan._get_moves())

    # === ONCHANGE METHODS === #
    @api.onchange("partner_id")
    def _onchange_partner_id_prefill_invoices(self):
        """A customer chosen on a new plan brings its open invoices."""
        if self.partner_id and not self.invoice_ids and not self.start_date:
            self.invoice_ids = self.partner_id._get_credit_collection_plan_invoices(
                self.company_id or self.env.company
            )

    # === CONSTRAINT METHODS === #
    @api.constrains(
        "installment_count",
        "interval_number",
        "down_payment_amount",
        "interest_rate",
        "fee_amount",
        "grace_days",
        "reminder_days",
    )
    def _check_terms(self):
        for plan in self:
            if (
                not 1 <= plan.installment_count <= MAX_INSTALLMENTS
                or plan.interval_number < 1
            ):
                raise ValidationError(
                    self.env._(
                        "A plan has from 1 to %(max)s installments and an interval of "
                        "at least one.",
                        max=MAX_INSTALLMENTS,
                    )
                )
            if (
                min(
                    plan.down_payment_amount,
                    plan.interest_rate,
                    plan.fee_amount,
                    plan.grace_days,
                    plan.reminder_days,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._(
                        "The down payment, interest, fee and numbers of days of a "
                        "plan cannot be negative."
                    )
                )

    @api.constrains("partner_id")
    def _check_commercial_partner(self):
        for plan in self:
            if plan.partner_id != plan.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "A plan is made with the customer itself (%(customer)s), not "
                        "one of its contacts.",
                        customer=plan.partner_id.commercial_partner_id.display_name,
                    )
                )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = self.env["ir.sequence"].with_company(
                    company
                ).next_by_code("credit.collection.plan") or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        frozen = FROZEN_FIELDS & set(vals)
        started = self.filtered("start_date")
        if frozen and started:
            raise UserError(
                self.env._(
                    "Plan %(plan)s has started: its terms (%(fields)s) no longer "
                    "change. Cancel it and make a new one.",
                    plan=started[0].name,
                    fields=", ".join(
                        self._fields[fname].get_description(self.env)["string"]
                        for fname in sorted(frozen)
                    ),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if any(plan.state != "draft" for plan in self):
            raise UserError(
                self.env._(
                    "Only draft plans can be deleted; cancel the others instead."
                )
            )

    # === ACTION METHODS === #
    def action_propose(self):
        """Send the plan to the customer for acceptance: its invoices leave normal
        dunning while the customer decides."""
        for plan in self:
            plan._check_can_start()
            plan._start()
            plan.state = "proposed"
            message = plan._send_to_customer(
                "account_credit_collection.mail_template_plan_proposal"
            )
            plan._log_event(
                "proposed",
                self.env._(
                    "Plan %(plan)s proposed to the customer: %(schedule)s",
                    plan=plan.name,
                    schedule=plan._get_schedule_summary(),
                ),
                mail_message_id=message.id,
            )
        return True

    def action_confirm(self):
        """The customer agreed (by phone, letter...): the plan starts."""
        for plan in self:
            if plan.state == "draft":
                plan._check_can_start()
                plan._start()
            elif plan.state != "proposed":
                raise UserError(
                    self.env._(
                        "Only a draft or proposed plan can be confirmed (%(plan)s).",
                        plan=plan.name,
                    )
                )
            plan._activate()
        return True

    def action_draft(self):
        for plan in self:
            if plan.state != "proposed":
                raise UserError(
                    self.env._("Only a proposed plan can go back to draft.")
                )
            plan._release_invoices()
            plan.write({"state": "draft", "start_date": False})
            plan._log_event("draft", self.env._("Proposal withdrawn: back to draft."))
        return True

    def action_cancel(self):
        """Stop the plan: its invoices return to normal dunning at the level they
        had, the next one due at once (no breach is recorded)."""
        for plan in self:
            if plan.state not in ("draft", "proposed", "active"):
                raise UserError(
                    self.env._(
                        "Plan %(plan)s is %(state)s: it cannot be cancelled.",
                        plan=plan.name,
                        state=dict(
                            plan._fields["state"]._description_selection(plan.env)
                        )[plan.state],
                    )
                )
            was_started = plan.state != "draft"
            plan.state = "cancelled"
            if was_started:
                plan._release_invoices(level_due=True)
                plan._cancel_unpaid_fee_invoice()
                plan._log_event(
                    "cancelled",
                    self.env._(
                        "Plan cancelled: its invoices return to normal dunning."
                    ),
                )
        return True

    def action_open_invoices(self):
        self.ensure_one()
        return self._get_moves()._get_records_action(name=self.env._("Invoices"))

    def action_open_events(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account_credit_collection.credit_collection_event_action"
        )
        action["domain"] = [("plan_id", "=", self.id)]
        action["context"] = {}
        return action

    # === BUSINESS METHODS: terms and schedule === #
    def _can_preview_schedule(self):
        """Terms that give a schedule at all (the checks say what is wrong)."""
        self.ensure_one()
        return (
            1 <= self.installment_count <= MAX_INSTALLMENTS
            and self.interval_number >= 1
            and self.first_due_date
            and 0 <= self.down_payment_amount < self.financed_amount
        )

    def _set_term_from_template(self, fname):
        """A term of a draft plan: its template's, else what was typed, else the
        default."""
        for plan in self:
            if plan.start_date:
                continue
            if plan.template_id:
                plan[fname] = plan._get_template_terms()[fname]
            elif fname == "first_due_date":
                plan[fname] = plan[fname] or fields.Date.context_today(
                    plan
                ) + timedelta(days=DEFAULTS["first_due_days"])
            else:
                plan[fname] = plan[fname] or DEFAULTS.get(fname, plan[fname])

    def _get_template_terms(self):
        self.ensure_one()
        template = self.template_id
        return {
            "installment_count": template.installment_count,
            "interval_number": template.interval_number,
            "interval_unit": template.interval_unit,
            "first_due_date": fields.Date.context_today(self)
            + timedelta(days=template.first_due_days),
            "interest_rate": template.interest_rate,
            "fee_amount": self._convert_from_company(template.fee_amount),
            "grace_days": template.grace_days,
            "reminder_days": template.reminder_days,
            "reminder_sms": template.reminder_sms,
        }

    def _convert_from_company(self, amount):
        """An amount in company currency, in the plan's currency (today's rate)."""
        self.ensure_one()
        company = self.company_id or self.env.company
        currency = self.currency_id or company.currency_id
        return company.currency_id._convert(
            amount, currency, company, fields.Date.context_today(self)
        )

    def _get_interval_years(self):
        """Length of one interval, in years (a month is 1/12, a week 7/365)."""
        self.ensure_one()
        if self.interval_unit == "week":
            return self.interval_number * 7 / 365
        return self.interval_number / 12

    def _get_interest_amount(self):
        """Simple interest on the principal still owed during each interval.

        The principal (financed amount less the down payment) is repaid in equal
        parts, so during interval k (1..n) the customer owes (n - k + 1) / n of it:
        interest = principal x rate x interval x (n + ... + 1) / n
                 = principal x rate x interval x (n + 1) / 2, rounded once."""
        self.ensure_one()
        count = self.installment_count
        if not self.interest_rate or count < 1:
            return 0.0
        principal = self.financed_amount - self.down_payment_amount
        interest = (
            principal
            * self.interest_rate
            / 100
            * self._get_interval_years()
            * (count + 1)
            / 2
        )
        return self.currency_id.round(max(interest, 0.0))

    def _get_due_dates(self):
        """Due dates of the installments (after the down payment, if any)."""
        self.ensure_one()
        first = self.first_due_date
        offset = 1 if self.down_payment_amount else 0
        step = self.interval_number
        if self.interval_unit == "week":
            return [
                first + timedelta(weeks=step * (k + offset))
                for k in range(self.installment_count)
            ]
        # from the first date each time, so that the 31st stays the month's end
        return [
            first + relativedelta(months=step * (k + offset))
            for k in range(self.installment_count)
        ]

    def _split_amount(self, amount, count):
        """``amount`` in ``count`` parts in the plan currency: equal parts rounded
        to the currency, the remainder on the last, so that they sum to it."""
        self.ensure_one()
        currency = self.currency_id
        part = float_round(
            amount / count,
            precision_rounding=currency.rounding,
            rounding_method="HALF-UP",
        )
        parts = [part] * (count - 1)
        parts.append(currency.round(amount - part * (count - 1)))
        return parts

    def _prepare_line_vals_list(self):
        """The schedule: the down payment first (due on the first due date), then
        the installments, which carry the rest of the total."""
        self.ensure_one()
        vals_list = []
        down = self.currency_id.round(self.down_payment_amount)
        if down:
            vals_list.append(
                {
                    "sequence": 0,
                    "is_down_payment": True,
                    "due_date": self.first_due_date,
                    "amount": down,
                }
            )
        rest = self.total_amount - down
        count = self.installment_count
        for index, (due_date, amount) in enumerate(
            zip(self._get_due_dates(), self._split_amount(rest, count), strict=True),
            start=1,
        ):
            vals_list.append(
                {"sequence": index, "due_date": due_date, "amount": amount}
            )
        return vals_list

    def _get_schedule_summary(self, limit=6):
        """The first installments, for the history (the plan shows them all)."""
        self.ensure_one()
        lines = self.line_ids.sorted(lambda line: (line.due_date, line.sequence))
        summary = ", ".join(
            f"{format_date(self.env, line.due_date)} "
            f"{self.currency_id.format(line.amount)}"
            for line in lines[:limit]
        )
        if len(lines) > limit:
            summary += " " + self.env._("and %(count)s more", count=len(lines) - limit)
        return summary

    def _get_portal_url(self):
        """The plan's page on the customer's portal, opened by the customer's
        token (no login): where the customer accepts a proposed plan."""
        self.ensure_one()
        customer = self.partner_id.commercial_partner_id
        query = url_encode(
            {
                "access_token": customer._get_credit_collection_portal_token(
                    self.company_id
                )
            }
        )
        return f"{self.get_base_url()}/my/collection/plan/{self.id}?{query}"

    def _get_moves(self):
        """Every invoice the plan covers, the interest and fee invoice included."""
        self.ensure_one()
        return self.invoice_ids | self.fee_invoice_id

    def _get_open_lines(self):
        self.ensure_one()
        return self.line_ids.filtered(
            lambda line: not line.currency_id.is_zero(line.residual_amount)
        ).sorted(lambda line: (line.due_date, line.sequence, line.id))

    # === BUSINESS METHODS: life cycle === #
    def _check_can_start(self):
        """Everything a plan needs before the customer is bound by it."""
        self._check_startable()
        self._check_eligibility()

    def _check_startable(self):
        """The plan is sound (invoices, dates, amounts), whoever may grant it."""
        self.ensure_one()
        self._check_invoices()
        if self.state != "draft":
            raise UserError(
                self.env._("Plan %(plan)s has already started.", plan=self.name)
            )
        today = fields.Date.context_today(self)
        if not self.first_due_date or self.first_due_date < today:
            raise UserError(
                self.env._("The first installment cannot be due in the past.")
            )
        currency = self.currency_id
        if (
            currency.compare_amounts(self.down_payment_amount, self.financed_amount)
            >= 0
        ):
            raise UserError(
                self.env._("The down payment must be less than the financed amount.")
            )
        lines_total = sum(self.line_ids.mapped("amount"))
        if currency.compare_amounts(lines_total, self.total_amount) or any(
            currency.compare_amounts(line.amount, 0.0) <= 0 for line in self.line_ids
        ):
            raise UserError(
                self.env._(
                    "The installments must be positive and sum to the plan total "
                    "(%(total)s): fewer installments are needed for so small an "
                    "amount.",
                    total=currency.format(self.total_amount),
                )
            )

    def _check_invoices(self):
        self.ensure_one()
        invoices = self.invoice_ids
        if not invoices:
            raise UserError(self.env._("Choose the invoices the plan covers."))
        wrong = invoices.filtered(
            lambda m: (
                m.move_type != "out_invoice"
                or m.state != "posted"
                or m.commercial_partner_id != self.partner_id
                or m.company_id != self.company_id
                or m.currency_id.is_zero(m.amount_residual)
            )
        )
        if wrong:
            raise UserError(
                self.env._(
                    "A plan covers open posted invoices of its customer and company "
                    "only: %(invoices)s.",
                    invoices=", ".join(wrong.mapped("display_name")),
                )
            )
        if len(invoices.currency_id) > 1:
            raise UserError(
                self.env._("The invoices of a plan must share one currency.")
            )
        taken = invoices.filtered(
            lambda m: (
                m.credit_collection_plan_id
                and m.credit_collection_plan_id != self
                and m.credit_collection_plan_id.state in LIVE_STATES
            )
        )
        if taken:
            raise UserError(
                self.env._(
                    "These invoices are already in another plan: %(invoices)s.",
                    invoices=", ".join(
                        f"{m.name} ({m.credit_collection_plan_id.name})" for m in taken
                    ),
                )
            )

    def _check_eligibility(self):
        """A collection user keeps within a template; a collection manager may
        grant any plan, also to a customer that breached one in the last year."""
        self.ensure_one()
        if self.env.user.has_group(
            "account_credit_collection.group_credit_collection_manager"
        ):
            return
        issue = self._get_eligibility_issue()
        if issue:
            raise UserError(issue)

    def _get_eligibility_issue(self):
        """Why the plan needs a collection manager (a message), or None when a
        collection user, or the customer on the portal, may start it alone."""
        self.ensure_one()
        template = self.template_id
        if not template:
            return self.env._(
                "Choose a plan template: plans on other terms need a collection "
                "manager."
            )
        company_currency = self.company_id.currency_id
        financed = self.currency_id._convert(
            self.financed_amount,
            company_currency,
            self.company_id,
            fields.Date.context_today(self),
        )
        if (
            template.max_amount
            and company_currency.compare_amounts(financed, template.max_amount) > 0
        ):
            return self.env._(
                "Template %(template)s finances at most %(max)s: a collection "
                "manager must approve this plan.",
                template=template.name,
                max=company_currency.format(template.max_amount),
            )
        if self.installment_count > template.installment_count:
            return self.env._(
                "Template %(template)s allows at most %(count)s installments: a "
                "collection manager must approve more.",
                template=template.name,
                count=template.installment_count,
            )
        access = template._get_grade_access(self.partner_id)
        if access != "self":
            grade = self.partner_id.with_company(
                self.company_id
            ).credit_collection_grade or self.env._("not graded yet")
            message = (
                self.env._(
                    "Template %(template)s is not offered to customers of payment "
                    "grade %(grade)s: only a collection manager can grant this plan.",
                    template=template.name,
                    grade=grade,
                )
                if access == "refused"
                else self.env._(
                    "Template %(template)s needs a collection manager's approval for "
                    "customers of payment grade %(grade)s.",
                    template=template.name,
                    grade=grade,
                )
            )
            return message
        issue = self._get_template_terms_issue()
        if issue:
            return issue
        breach = self._get_recent_breach()
        if breach:
            return self.env._(
                "%(customer)s breached plan %(plan)s on %(date)s: only a "
                "collection manager can grant it a new plan within a year.",
                customer=self.partner_id.display_name,
                plan=breach.name,
                date=format_date(self.env, breach.breach_date),
            )
        return None

    def _get_template_terms_issue(self):
        """A collection user may ask for less (fewer installments, a larger down
        payment, an earlier first due date), never for other terms."""
        self.ensure_one()
        template = self.template_id
        terms = self._get_template_terms()
        changed = [
            fname
            for fname in (
                "interval_number",
                "interval_unit",
                "interest_rate",
                "fee_amount",
                "grace_days",
            )
            if self[fname] != terms[fname]
            and not (
                self._fields[fname].type == "monetary"
                and self.currency_id.is_zero(self[fname] - terms[fname])
            )
        ]
        if self.first_due_date > terms["first_due_date"]:
            changed.append("first_due_date")
        minimum_down = self.currency_id.round(
            self.financed_amount * template.down_payment_percent / 100
        )
        if self.currency_id.compare_amounts(self.down_payment_amount, minimum_down) < 0:
            changed.append("down_payment_amount")
        if changed:
            return self.env._(
                "These terms differ from template %(template)s: %(fields)s. A "
                "collection manager must approve other terms.",
                template=template.name,
                fields=", ".join(
                    self._fields[fname].get_description(self.env)["string"]
                    for fname in changed
                ),
            )
        return None

    def _get_recent_breach(self):
        self.ensure_one()
        since = fields.Date.context_today(self) - relativedelta(years=1)
        return self.search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("state", "=", "breached"),
                ("breach_date", ">=", since),
            ],
            order="breach_date desc",
            limit=1,
        )

    def _start(self):
        """Fix the financed amount and the schedule; the invoices leave dunning."""
        self.ensure_one()
        self.start_date = fields.Date.context_today(self)
        self._get_moves()._write_credit_collection(
            {"credit_collection_plan_id": self.id, "credit_collection_level_due": False}
        )

    def _activate(self):
        """The plan starts: its fee invoice is made and the customer gets the
        schedule it is now bound by."""
        self.ensure_one()
        self._create_fee_invoice()
        self.state = "active"
        message = self._send_to_customer(
            "account_credit_collection.mail_template_plan_confirmation",
            raise_if_no_recipient=False,
        )
        self._log_event(
            "activated",
            self.env._(
                "Plan %(plan)s started: %(schedule)s",
                plan=self.name,
                schedule=self._get_schedule_summary(),
            ),
            mail_message_id=message.id,
        )
        self._sync_payments()

    def _accept_by_customer(self, partner, signed_name, ip_address):
        """The customer accepts a proposed plan (from the portal): who, under which
        typed name, when and from which address is kept; the plan starts."""
        self.ensure_one()
        if self.state != "proposed":
            raise UserError(
                self.env._(
                    "Plan %(plan)s is no longer open for acceptance.", plan=self.name
                )
            )
        self._record_customer_acceptance(partner, signed_name, ip_address)
        self._log_event(
            "accepted",
            self.env._(
                "Accepted by %(name)s (%(partner)s) from %(ip)s.",
                name=self.accepted_name,
                partner=partner.display_name,
                ip=ip_address or "-",
            ),
        )
        self._activate()
        return True

    def _record_customer_acceptance(self, partner, signed_name, ip_address):
        self.ensure_one()
        if partner.commercial_partner_id != self.partner_id:
            raise UserError(self.env._("Only the customer of the plan can accept it."))
        if not (signed_name or "").strip():
            raise UserError(self.env._("Type your name to accept the plan."))
        self.write(
            {
                "accepted_partner_id": partner.id,
                "accepted_name": signed_name.strip(),
                "accepted_date": fields.Datetime.now(),
                "accepted_ip": ip_address,
            }
        )

    # === BUSINESS METHODS: asked for by the customer === #
    @api.model
    def _request_by_customer(
        self, partner, template, invoices, signed_name, ip_address
    ):
        """A plan the customer asks for (on the portal) on a template's terms,
        accepted under a typed name: it starts at once when a collection user could
        grant it alone; otherwise it stays a draft that a collection manager
        approves (Confirm) and is told about."""
        self._check_customer_request(partner, template, invoices)
        plan = self.create(
            self._prepare_customer_request_vals(partner, template, invoices)
        )
        plan._check_startable()
        plan._record_customer_acceptance(partner, signed_name, ip_address)
        plan.customer_requested = True
        issue = plan._get_eligibility_issue()
        plan._log_event(
            "requested",
            self.env._(
                "Requested and accepted by %(name)s (%(partner)s) from %(ip)s: "
                "%(schedule)s",
                name=plan.accepted_name,
                partner=partner.display_name,
                ip=ip_address or "-",
                schedule=plan._get_schedule_summary(),
            ),
        )
        if issue:
            plan._notify_approval_needed(issue)
        else:
            plan._start()
            plan._activate()
        return plan

    @api.model
    def _prepare_customer_request_vals(self, partner, template, invoices):
        customer = partner.commercial_partner_id
        company = template.company_id
        responsible = (
            customer.with_company(company).credit_collection_user_id
            or customer._get_credit_collection_policy(company).user_id
        )
        return {
            "partner_id": customer.id,
            "company_id": company.id,
            "template_id": template.id,
            "invoice_ids": [fields.Command.set(invoices.ids)],
            "user_id": responsible.id,
        }

    @api.model
    def _check_customer_request(self, partner, template, invoices):
        """A customer asks for a template it is offered, over its own overdue
        invoices of the template's company that no plan covers or waits for."""
        customer = partner.commercial_partner_id
        company = template.company_id
        offered = self.env["credit.collection.plan.template"]._get_offered_templates(
            customer, company
        )
        if template not in offered:
            raise UserError(self.env._("This plan is not offered to you."))
        if not invoices:
            raise UserError(
                self.env._("Choose the overdue invoices the plan should cover.")
            )
        today = fields.Date.context_today(self)
        wrong = invoices.filtered(
            lambda m: (
                m.commercial_partner_id != customer
                or m.company_id != company
                or not m._can_request_credit_collection_plan(today)
            )
        )
        if wrong or self._get_pending_customer_requests(invoices):
            raise UserError(
                self.env._(
                    "A plan can be asked for overdue invoices that are not in "
                    "dispute, in a plan or waiting for one: %(invoices)s.",
                    invoices=", ".join((wrong or invoices).mapped("name")),
                )
            )

    @api.model
    def _get_pending_customer_requests(self, invoices):
        """Plans the customer asked for over ``invoices`` that wait for approval."""
        return self.search(
            [
                ("state", "=", "draft"),
                ("customer_requested", "=", True),
                ("invoice_ids", "in", invoices.ids),
            ]
        )

    def _notify_approval_needed(self, issue):
        """The plan's collection manager (the responsible when it is one, else a
        manager of the company) gets a task to approve it; all are told."""
        self.ensure_one()
        managers = self.env.ref(
            "account_credit_collection.group_credit_collection_manager"
        ).users.filtered(
            lambda u: u._is_internal() and self.company_id in u.company_ids
        )
        assignee = (
            self.user_id
            if self.user_id in managers
            else managers[:1] or self.env.ref("base.user_admin")
        )
        summary = self.env._(
            "Approve installment plan %(plan)s asked for by %(customer)s",
            plan=self.name,
            customer=self.partner_id.display_name,
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=issue,
            user_id=assignee.id,
        )
        self.message_post(
            body=self.env._("%(summary)s: %(issue)s", summary=summary, issue=issue),
            partner_ids=managers.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def _create_fee_invoice(self):
        """The interest and the fee become a real receivable of the plan."""
        self.ensure_one()
        currency = self.currency_id
        lines = [
            (
                self.env._("Interest on installment plan %(plan)s", plan=self.name),
                amount,
            )
            for amount in [self.interest_amount]
            if not currency.is_zero(amount)
        ] + [
            (self.env._("Fee of installment plan %(plan)s", plan=self.name), amount)
            for amount in [self.fee_amount]
            if not currency.is_zero(amount)
        ]
        if not lines:
            return self.env["account.move"]
        invoice = (
            self.env["account.move"]
            .with_company(self.company_id)
            .create(self._prepare_fee_invoice_vals(lines))
        )
        invoice.action_post()
        invoice._write_credit_collection({"credit_collection_plan_id": self.id})
        self.fee_invoice_id = invoice
        return invoice

    def _prepare_fee_invoice_vals(self, lines):
        self.ensure_one()
        journal = self.invoice_ids[:1].journal_id
        account = journal.default_account_id
        return {
            "move_type": "out_invoice",
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "journal_id": journal.id,
            "currency_id": self.currency_id.id,
            "invoice_date": fields.Date.context_today(self),
            "invoice_payment_term_id": False,
            "invoice_date_due": max(self.line_ids.mapped("due_date")),
            "invoice_origin": self.name,
            "invoice_line_ids": [
                fields.Command.create(
                    {
                        "name": name,
                        "quantity": 1,
                        "price_unit": amount,
                        "account_id": account.id,
                        "tax_ids": [fields.Command.clear()],
                    }
                )
                for name, amount in lines
            ],
        }

    def _cancel_unpaid_fee_invoice(self):
        """A plan that never ran does not charge its interest and fee: an unpaid
        fee invoice is reversed by a credit note."""
        self.ensure_one()
        invoice = self.fee_invoice_id
        if invoice.state == "posted" and invoice.payment_state == "not_paid":
            invoice._reverse_moves(
                [
                    {
                        "ref": self.env._("Plan %(plan)s cancelled", plan=self.name),
                        "date": fields.Date.context_today(self),
                        "invoice_date": fields.Date.context_today(self),
                    }
                ],
                cancel=True,
            )

    def _release_invoices(self, level_due=False):
        """The invoices return to normal dunning, at the level they had. With
        ``level_due`` their next level is due at the next run."""
        self.ensure_one()
        moves = self._get_moves().filtered(
            lambda m: m.credit_collection_plan_id == self
        )
        moves._write_credit_collection({"credit_collection_level_due": level_due})

    def _breach(self, date, line, run=None):
        """An installment is still unpaid after the grace days: the plan ends, the
        responsible gets a task and the invoices go back to dunning."""
        self.ensure_one()
        self.write({"state": "breached", "breach_date": date})
        self._release_invoices(level_due=True)
        self._bring_fee_invoice_due(date)
        note = self.env._(
            "Plan breached: the installment of %(amount)s due %(due)s is still unpaid "
            "after %(days)s days of grace. Reminders resume.",
            amount=self.currency_id.format(line.residual_amount),
            due=format_date(self.env, line.due_date),
            days=self.grace_days,
        )
        event = self._log_event(
            "breached",
            note,
            date=date,
            run_id=run.id if run else False,
            plan_line_id=line.id,
        )
        event.activity_id = event._schedule_responsible_activity(
            "mail.mail_activity_data_todo",
            self.env._("Installment plan %(plan)s breached", plan=self.name),
        )
        return event

    def _bring_fee_invoice_due(self, date):
        """A breach makes everything due at once (art. 1186 of the Italian civil
        code): the interest and fee invoice included."""
        self.ensure_one()
        if not self.fee_invoice_id:
            return
        lines = self.fee_invoice_id._get_credit_collection_lines().filtered(
            lambda line: line.date_maturity > date
        )
        if lines:
            lines.with_context(**COLLECTION_WRITE_CONTEXT).date_maturity = date
            self.fee_invoice_id.with_context(
                **COLLECTION_WRITE_CONTEXT
            ).invoice_date_due = date

    def _sync_payments(self):
        """After a payment (or its reversal): installments get their state, and a
        plan paid in full is done (back to active should a payment be undone)."""
        today = fields.Date.context_today(self)
        for plan in self:
            plan.line_ids._refresh_state(today)
            paid_up = plan.line_ids and plan.currency_id.is_zero(plan.residual_amount)
            if plan.state == "active" and paid_up:
                plan.state = "done"
                plan._log_event("done", self.env._("Plan paid in full."))
            elif plan.state == "done" and not paid_up:
                plan.state = "active"
                plan._log_event(
                    "reopened",
                    self.env._(
                        "A payment was undone: %(amount)s is due again.",
                        amount=plan.currency_id.format(plan.residual_amount),
                    ),
                )

    def _log_event(self, action, note, **values):
        """A line of the plan's history (credit.collection.event, channel plan)."""
        self.ensure_one()
        return self.env["credit.collection.event"].create(
            {
                "company_id": self.company_id.id,
                "partner_id": self.partner_id.id,
                "plan_id": self.id,
                "plan_action": action,
                "channel": "plan",
                "state": "done",
                "note": note,
                "invoice_ids": [fields.Command.set(self._get_moves().ids)],
                "amount_due": self.currency_id._convert(
                    self.residual_amount,
                    self.company_id.currency_id,
                    self.company_id,
                    fields.Date.context_today(self),
                ),
                **values,
            }
        )

    def _send_to_customer(self, template_xmlid, raise_if_no_recipient=True):
        """Email the plan (proposal or confirmation, with the schedule) to the
        customer's collection contacts; returns the message."""
        self.ensure_one()
        recipients = self.partner_id._get_credit_collection_contacts(
            self.invoice_ids
        ).filtered("email")
        if not recipients:
            if raise_if_no_recipient:
                raise UserError(
                    self.env._(
                        "%(customer)s has no contact with an email address to send "
                        "the plan to.",
                        customer=self.partner_id.display_name,
                    )
                )
            return self.env["mail.message"]
        return self.with_context(mail_post_autofollow=False).message_post_with_source(
            self.env.ref(template_xmlid),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=recipients.ids,
        )

    # === BUSINESS METHODS: the daily run === #
    def _collect(self, run):
        """The plans' part of a collection run on ``run.date``: proposals that
        lapsed, breaches, then one reminder per plan at most."""
        date = run.date
        for plan in self.filtered(lambda p: p.state == "proposed"):
            if plan.first_due_date < date:
                plan._lapse(run)
        active = self.filtered(lambda p: p.state == "active")
        active.line_ids._refresh_state(date)
        reminders = []
        for plan in active:
            breaching = plan._get_breaching_line(date)
            if breaching:
                plan._breach(date, breaching, run)
                reminders.append((plan, breaching, "breached"))
                continue
            if plan.partner_id.credit_collection_excluded:
                continue
            reminder = plan._get_due_reminder(date)
            if reminder:
                reminders.append((plan, *reminder))
        return self.env["credit.collection.event"]._send_plan_reminders(run, reminders)

    def _lapse(self, run):
        """A proposal not accepted by its first due date ends: dunning resumes."""
        self.ensure_one()
        self.state = "cancelled"
        self._release_invoices(level_due=True)
        self._log_event(
            "cancelled",
            self.env._("The customer did not accept the proposal in time."),
            date=run.date,
            run_id=run.id,
        )

    def _get_breaching_line(self, date):
        self.ensure_one()
        return next(
            (
                line
                for line in self._get_open_lines()
                if (date - line.due_date).days > self.grace_days
            ),
            self.env["credit.collection.plan.line"],
        )

    def _get_due_reminder(self, date):
        """(line, "overdue" | "reminder") of the reminder the plan gets on ``date``,
        or None. An installment gets one reminder before it falls due and one
        after, never twice, never once it is paid."""
        self.ensure_one()
        open_lines = self._get_open_lines()
        overdue = open_lines.filtered(
            lambda line: line.due_date < date and not line.overdue_event_id
        )
        if overdue:
            return overdue[0], "overdue"
        coming = open_lines.filtered(
            lambda line: (
                line.due_date - timedelta(days=self.reminder_days)
                <= date
                <= line.due_date
                and not line.reminder_event_id
            )
        )
        if coming:
            return coming[0], "reminder"
        return None
