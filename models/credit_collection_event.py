# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import secrets
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..tools.sms_segments import count_sms_segments, to_gsm7
from .credit_collection_plan import LIVE_STATES

REMINDER_CHANNELS = ("email", "sms", "letter", "phone")
CHANNELS = [
    ("email", "Email"),
    ("sms", "SMS"),
    ("letter", "Letter"),
    ("phone", "Phone call"),
    ("promise", "Promise to pay"),
    ("dispute", "Dispute"),
    ("plan", "Installment plan"),
    ("legal", "Legal / agency"),
    ("fee", "Fee"),
    ("interest", "Interest claim"),
    ("review", "Cost review"),
    ("cost", "Other cost"),
    ("write_off", "Write-off"),
    ("note", "Note"),
    ("portal", "Customer portal"),
]

PLAN_ACTIONS = [
    ("proposed", "Proposed"),
    ("draft", "Back to draft"),
    ("requested", "Requested by the customer"),
    ("accepted", "Accepted"),
    ("activated", "Started"),
    ("reminder", "Reminder before due date"),
    ("overdue", "Reminder after due date"),
    ("breached", "Breached"),
    ("cancelled", "Cancelled"),
    ("done", "Paid in full"),
    ("reopened", "Reopened"),
]
# The templates of the plan messages, by plan action.
PLAN_MAIL_TEMPLATES = {
    "reminder": "account_credit_collection.mail_template_plan_reminder",
    "overdue": "account_credit_collection.mail_template_plan_overdue",
    "breached": "account_credit_collection.mail_template_plan_breach",
}
PLAN_SMS_TEMPLATES = {
    "reminder": "account_credit_collection.sms_template_plan_reminder",
    "overdue": "account_credit_collection.sms_template_plan_overdue",
}
SHORT_CODE_LENGTH = 12
LETTER_REPORT = "account_credit_collection.report_credit_collection_letter"


class CreditCollectionEvent(models.Model):
    _name = "credit.collection.event"
    _description = "Credit Collection Event"
    _inherit = ["mail.thread", "credit.collection.payment.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    # === FIELDS === #
    name = fields.Char(compute="_compute_name", store=True)
    date = fields.Date(
        required=True, index=True, default=fields.Date.context_today, readonly=True
    )
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
        check_company=True,
        readonly=True,
    )
    run_id = fields.Many2one(
        "credit.collection.run",
        index="btree_not_null",
        readonly=True,
        ondelete="set null",
    )
    level_id = fields.Many2one(
        "credit.collection.level",
        index="btree_not_null",
        readonly=True,
        ondelete="restrict",
    )
    channel = fields.Selection(
        CHANNELS,
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [("done", "Done"), ("failed", "Failed"), ("skipped", "Skipped")],
        required=True,
        default="done",
        index=True,
        readonly=True,
    )
    reason = fields.Char(readonly=True, help="Why the action failed or was skipped.")
    from_portal = fields.Boolean(
        string="By the Customer on the Portal",
        readonly=True,
        default=lambda self: bool(self.env.context.get("credit_collection_portal")),
        help="The customer did this itself on the customer portal.",
    )
    note = fields.Text()
    user_id = fields.Many2one(
        "res.users", string="Done By", default=lambda self: self.env.user, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    cost = fields.Monetary(
        currency_field="currency_id", help="Cost of the action, in company currency."
    )
    amount_due = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="Overdue total listed in the reminder, in company currency.",
    )
    invoice_ids = fields.Many2many(
        "account.move",
        "credit_collection_event_account_move_rel",
        "event_id",
        "move_id",
        string="Invoices",
        readonly=True,
        check_company=True,
    )
    line_ids = fields.Many2many(
        "account.move.line",
        "credit_collection_event_line_rel",
        "event_id",
        "line_id",
        string="Listed Installments",
        readonly=True,
    )
    advanced_line_ids = fields.Many2many(
        "account.move.line",
        "credit_collection_event_advanced_line_rel",
        "event_id",
        "line_id",
        string="Installments Moved Up",
        readonly=True,
        help="The installments whose level this reminder raised.",
    )
    advanced_levels = fields.Json(
        readonly=True,
        help="{installment id: level id} of the installments this reminder raised.",
    )
    recipient_ids = fields.Many2many(
        "res.partner",
        "credit_collection_event_recipient_rel",
        "event_id",
        "partner_id",
        string="Recipients",
        readonly=True,
    )
    sms_number = fields.Char(string="SMS Number", readonly=True)
    sms_segments = fields.Integer(string="SMS Segments", readonly=True)
    plan_id = fields.Many2one(
        "credit.collection.plan",
        string="Installment Plan",
        index="btree_not_null",
        readonly=True,
        ondelete="cascade",
        check_company=True,
    )
    plan_line_id = fields.Many2one(
        "credit.collection.plan.line",
        string="Installment",
        readonly=True,
        ondelete="set null",
    )
    plan_action = fields.Selection(PLAN_ACTIONS, readonly=True)
    mail_message_id = fields.Many2one(
        "mail.message", index="btree_not_null", readonly=True, ondelete="set null"
    )
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    short_code = fields.Char(
        copy=False,
        readonly=True,
        index="btree_not_null",
        default=lambda self: secrets.token_urlsafe(SHORT_CODE_LENGTH * 3 // 4),
        help="Unguessable code of the reminder's short payment link (/cc/<code>).",
    )
    totals_display = fields.Text(
        string="Due per Currency", compute="_compute_totals_display"
    )

    _sql_constraints = [
        (
            "short_code_unique",
            "unique(short_code)",
            "The short link code must be unique.",
        ),
    ]

    cost_share_ids = fields.One2many(
        "credit.collection.cost.share", "event_id", string="Cost per Invoice"
    )

    # === COMPUTE METHODS === #
    @api.depends("channel", "partner_id", "date", "level_id", "plan_id", "plan_action")
    def _compute_name(self):
        channels = dict(self._fields["channel"]._description_selection(self.env))
        actions = dict(self._fields["plan_action"]._description_selection(self.env))
        for event in self:
            parts = [channels.get(event.channel, ""), event.partner_id.display_name]
            if event.level_id:
                parts.insert(1, event.level_id.name)
            if event.plan_id:
                parts.insert(
                    1, f"{event.plan_id.name} {actions.get(event.plan_action, '')}"
                )
            event.name = " - ".join(p for p in parts if p)

    @api.depends("line_ids")
    def _compute_totals_display(self):
        for event in self:
            event.totals_display = "\n".join(
                currency.format(amount)
                for currency, amount in event._get_totals_by_currency().items()
            )

    # === CRUD METHODS === #
    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        events.filtered("cost")._split_cost()
        return events

    def write(self, vals):
        res = super().write(vals)
        if "cost" in vals or "invoice_ids" in vals:
            self._split_cost()
        return res

    # === ACTION METHODS === #
    def action_open_document(self):
        self.ensure_one()
        if len(self.invoice_ids) == 1:
            return self.invoice_ids._get_records_action()
        return self.invoice_ids._get_records_action(name=self.env._("Invoices"))

    def action_print_letter(self):
        letters = self.filtered(lambda e: e.channel == "letter")
        if not letters:
            raise UserError(self.env._("None of these events is a letter."))
        return self.env.ref(
            "account_credit_collection.action_report_credit_collection_letter"
        ).report_action(letters)

    # === BUSINESS METHODS === #
    def _get_interest_by_currency(self):
        """Late-payment interest accrued on the listed invoices to the event's
        date and not yet claimed, per currency (empty when it cannot be computed:
        no rate for a half-year, or no country)."""
        self.ensure_one()
        interest = defaultdict(float)
        for move in self.invoice_ids.filtered(
            lambda m: (
                not (
                    m.credit_collection_is_fee or m.credit_collection_is_interest_claim
                )
            )
        ):
            try:
                amount = move._get_credit_collection_interest(self.date)
            except UserError:
                return {}
            if amount:
                interest[move.currency_id] += amount
        return dict(interest)

    def _get_totals_by_currency(self):
        """Residual of the listed installments, per currency (line currency)."""
        self.ensure_one()
        totals = defaultdict(float)
        for line in self.line_ids:
            totals[line.currency_id] += line.amount_residual_currency
        return {currency: currency.round(amount) for currency, amount in totals.items()}

    def _get_level_invoice_counts(self):
        """{level: number of invoices these reminders raised to it}."""
        reminders = self.filtered(
            lambda e: e.channel in REMINDER_CHANNELS and e.state == "done"
        )
        raised = [
            (int(line_id), level_id)
            for event in reminders
            for line_id, level_id in (event.advanced_levels or {}).items()
        ]
        # the invoices of all the installments read at once, not one by one
        lines = self.env["account.move.line"].browse(
            {line_id for line_id, _level_id in raised}
        )
        move_ids = {line.id: line.move_id.id for line in lines}
        invoices_by_level = defaultdict(set)
        for line_id, level_id in raised:
            invoices_by_level[level_id].add(move_ids[line_id])
        levels = self.env["credit.collection.level"].browse(invoices_by_level)
        return {
            level: len(invoices_by_level[level.id])
            for level in levels.sorted(lambda lvl: (lvl.sequence, lvl.id))
        }

    def _get_days_overdue(self, line):
        return (self.date - line.date_maturity).days if line.date_maturity else 0

    def _get_payment_url(self):
        """The short link printed in reminders: it fits an SMS."""
        self.ensure_one()
        return f"{self.get_base_url()}/cc/{self.short_code}"

    def _get_credit_collection_link_path(self):
        self.ensure_one()
        return self.short_code

    def _get_credit_collection_payment_url(self):
        return self._get_payment_url()

    def _get_credit_collection_payment_request(self):
        """A message of a running plan pays its installment (or the plan's next
        one); a reminder, or the notice of a plan that ended, pays what it covers
        and is still due, in the currency of its oldest line when there are
        several."""
        self.ensure_one()
        plan = self.plan_id
        if plan.state in LIVE_STATES:
            line = self.plan_line_id or plan._get_open_lines()[:1]
            if line:
                return line._get_credit_collection_payment_request()
        moves = self.invoice_ids | (plan._get_moves() if plan else plan.invoice_ids)
        lines = (
            (self.line_ids or moves.line_ids)
            .filtered(
                lambda line: (
                    line.account_type == "asset_receivable"
                    and line.parent_state == "posted"
                    and not line.reconciled
                    and line.currency_id.compare_amounts(
                        line.amount_residual_currency, 0
                    )
                    > 0
                )
            )
            .sorted(lambda line: (line.date_maturity or line.date, line.id))
        )
        currency = lines[:1].currency_id or self.company_id.currency_id
        lines = lines.filtered(lambda line: line.currency_id == currency)
        return {
            "partner": self.partner_id.commercial_partner_id,
            "company": self.company_id,
            "currency": currency,
            "invoices": lines.move_id,
            "amount": currency.round(sum(lines.mapped("amount_residual_currency"))),
            "reference": self._get_credit_collection_rf_reference(),
        }

    def _get_credit_collection_reference_data(self):
        self.ensure_one()
        return f"CC{self.id}"

    def _get_credit_collection_portal_url(self):
        """The customer's collection page, as the reminder links it."""
        self.ensure_one()
        return self.partner_id.commercial_partner_id._get_credit_collection_portal_url(
            self.company_id
        )

    @api.model
    def _start_portal_payment(self, partner, lines=None, plan_line=None):
        """The customer pays on the portal: an event that pays the overdue
        installments ``lines`` (or the installment ``plan_line`` of a plan) through
        its short link, noted in the chatter of what it pays."""
        plan = plan_line.plan_id if plan_line else self.env["credit.collection.plan"]
        invoices = plan._get_moves() if plan else lines.move_id
        company = plan.company_id if plan else lines.company_id
        if not invoices or len(company) != 1:
            raise UserError(self.env._("There is nothing to pay here."))
        payment_request = (
            plan_line._get_credit_collection_payment_request() if plan_line else None
        )
        currency = payment_request["currency"] if plan_line else lines.currency_id
        amount = (
            payment_request["amount"]
            if plan_line
            else sum(lines.mapped("amount_residual_currency"))
        )
        if len(currency) != 1 or currency.compare_amounts(amount, 0.0) <= 0:
            raise UserError(self.env._("There is nothing to pay here."))
        note = self.env._(
            "Payment of %(amount)s started on the customer portal (%(what)s).",
            amount=currency.format(amount),
            what=f"{plan.name}, {plan_line.name}"
            if plan_line
            else ", ".join(lines.move_id.mapped("name")),
        )
        event = self.with_context(credit_collection_portal=True).create(
            {
                "company_id": company.id,
                "partner_id": partner.commercial_partner_id.id,
                "channel": "portal",
                "note": note,
                "invoice_ids": [Command.set(invoices.ids)],
                "line_ids": [Command.set(lines.ids if lines else [])],
                "plan_id": plan.id,
                "plan_line_id": plan_line.id if plan_line else False,
            }
        )
        for record in plan or invoices:
            record.message_post(
                body=note,
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        return event

    @api.model
    def _get_by_short_code(self, code):
        if not code or len(code) != SHORT_CODE_LENGTH:
            return self.browse()
        return self.search([("short_code", "=", code)], limit=1)

    def _execute(self, defer_email=False):
        """Carry out reminder events; an event fails instead of raising. Its cost is
        the company's unit cost of the channel (SMS: per segment).

        With ``defer_email``, emails are only checked: the run posts the emails of
        a whole batch together (``_post_emails``), which renders them at once."""
        blacklisted = self._get_blacklisted_emails()
        costs = defaultdict(list)
        for event in self:
            if event.channel == "email":
                if event._check_email_recipients(blacklisted) and not defer_email:
                    event._post_emails()
            else:
                getattr(event, f"_execute_{event.channel}")()
            if event.state == "done" or event.mail_message_id:
                costs[event._get_channel_cost()].append(event.id)
        # one write per cost, so that the costs are split over the invoices at once
        for cost, event_ids in costs.items():
            self.browse(event_ids).write({"cost": cost})

    def _split_cost(self):
        """Spread each event's cost over its invoices in proportion to their
        residuals (company currency), to the cent, the remainder on the last.
        The shares follow the events: whoever may cost an event writes them."""
        self.sudo().cost_share_ids.unlink()
        Share = self.env["credit.collection.cost.share"].sudo()
        vals_list = []
        for event in self.filtered("cost"):
            moves = event.invoice_ids.sorted("id")
            parts = Share._split(
                event.cost,
                [abs(move.amount_residual_signed) for move in moves],
                event.currency_id,
            )
            vals_list += [
                {
                    "event_id": event.id,
                    "move_id": move.id,
                    "amount": part,
                    "company_id": event.company_id.id,
                    "partner_id": event.partner_id.id,
                    "date": event.date,
                    "channel": event.channel,
                    "level_id": event.level_id.id,
                }
                for move, part in zip(moves, parts, strict=True)
            ]
        return Share.create(vals_list)

    def _get_channel_cost(self):
        self.ensure_one()
        unit = self.company_id._get_credit_collection_unit_cost(
            self.channel, registered=self.level_id.letter_registered
        )
        return unit * self.sms_segments if self.channel == "sms" else unit

    def _get_blacklisted_emails(self):
        """The blacklisted addresses among the email recipients of these events."""
        emails = self.filtered(lambda e: e.channel == "email").recipient_ids.mapped(
            "email_normalized"
        )
        if not emails:
            return set()
        return set(
            self.env["mail.blacklist"]
            .sudo()
            .search([("email", "in", emails), ("active", "=", True)])
            .mapped("email")
        )

    def _check_email_recipients(self, blacklisted):
        """Keep the recipients that may be emailed; fail when none is left."""
        self.ensure_one()
        recipients = self.recipient_ids
        allowed = recipients.filtered(lambda p: p.email_normalized not in blacklisted)
        if allowed != recipients:
            self.recipient_ids = allowed
        if allowed:
            return True
        reason = (
            self.env._("All email addresses are blacklisted.")
            if recipients
            else self.env._("No active contact with an email address.")
        )
        self._fail(reason, "mail.mail_activity_data_call")
        return False

    def _skip_for_archived_customer(self):
        """An archived customer gets a task instead of an automatic message."""
        for event in self:
            event.write(
                {
                    "state": "skipped",
                    "reason": self.env._(
                        "Archived customer: a task replaces the automatic message."
                    ),
                }
            )
            event.activity_id = event._schedule_responsible_activity(
                "mail.mail_activity_data_call",
                self.env._("Contact archived customer about overdue invoices"),
            )

    def _post_emails(self):
        """Render the emails of these reminders template by template, all records
        at once, and post them on their events: the queue sends them. Should the
        batch fail, the emails are posted again one by one and only the event
        whose email fails is marked failed."""
        render_fields = ("subject", "body_html", "email_from", "reply_to")
        for template, events in self.grouped(lambda e: e._get_mail_template()).items():
            rendered = template._generate_template(events.ids, render_fields)
            letters = events.filtered("level_id.attach_letter")._attach_letters()
            for event_id, attachment in letters.items():
                rendered[event_id]["attachment_ids"] = attachment.ids
            try:
                with self.env.cr.savepoint():
                    events._post_reminder_messages(template, rendered)
            except Exception:  # noqa: BLE001 - retried one by one below
                for event in events:
                    try:
                        with self.env.cr.savepoint():
                            event._post_reminder_messages(template, rendered)
                    except Exception as error:  # noqa: BLE001 - the event records why
                        event._fail(str(error))

    def _post_reminder_messages(self, template, rendered):
        """What ``message_post`` does for each reminder, done for all at once:
        the chatter messages are created in one go, then each is notified by email
        to its recipients (mail queue, one notification per recipient, so that
        delivery and bounces are tracked per recipient)."""
        senders = {values.get("email_from") or "" for values in rendered.values()}
        authors = {
            sender: self._message_compute_author(None, sender or None)
            for sender in senders
        }
        reply_to = {
            sender: self._notify_get_reply_to(default=authors[sender][1])
            for sender in senders
        }
        alias_domains = self.sudo()._mail_get_alias_domains(
            default_company=self.env.company
        )
        vals_list = []
        for event in self:
            sender = rendered[event.id].get("email_from") or ""
            vals_list.append(
                {
                    **event._prepare_reminder_message_vals(
                        rendered[event.id], authors[sender]
                    ),
                    "reply_to": rendered[event.id].get("reply_to")
                    or reply_to[sender][event.id],
                    "record_alias_domain_id": alias_domains[event.id].id,
                }
            )
        messages = self._message_create(vals_list)
        notifier = self.with_context(mail_notify_force_send=False)
        for event, message, vals in zip(notifier, messages, vals_list, strict=True):
            event._notify_thread(message, vals, mail_auto_delete=template.auto_delete)
            event.mail_message_id = message
        return messages

    def _prepare_reminder_message_vals(self, values, author):
        self.ensure_one()
        author_id, email_from = author
        return {
            "author_id": author_id,
            "email_from": email_from,
            "model": self._name,
            "res_id": self.id,
            "body": values.get("body_html") or "",
            "subject": values.get("subject") or False,
            "message_type": "comment",
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment"),
            "partner_ids": self.recipient_ids.ids,
            "record_name": values.get("subject"),
            "email_add_signature": True,
            "record_company_id": self.company_id.id,
            "attachment_ids": [Command.set(values.get("attachment_ids", []))],
        }

    def _attach_letters(self):
        """The letters of these reminders as PDF attachments, {event id:
        attachment}: rendered in one wkhtmltopdf run, split per reminder."""
        if not self:
            return {}
        streams = self.env["ir.actions.report"]._render_qweb_pdf_prepare_streams(
            LETTER_REPORT, {}, res_ids=self.ids
        )
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": event._get_letter_file_name(),
                    "raw": streams[event.id]["stream"].getvalue(),
                    "mimetype": "application/pdf",
                    "res_model": self._name,
                    "res_id": event.id,
                }
                for event in self
            ]
        )
        return dict(zip(self.ids, attachments, strict=True))

    def _get_letter_file_name(self):
        self.ensure_one()
        return self.env._(
            "Reminder %(customer)s %(date)s.pdf",
            customer=self.partner_id.display_name,
            date=self.date,
        )

    def _execute_sms(self):
        self.ensure_one()
        recipient, number, error = self.partner_id._get_credit_collection_sms_number()
        self.sms_number = number
        if error:
            return self._fail(error)
        self.recipient_ids = recipient
        body = self._render_sms_body(self._get_sms_template())
        self.sms_segments = count_sms_segments(body)
        message = self.with_context(mail_create_nosubscribe=True)._message_sms(
            body,
            partner_ids=recipient.ids,
            sms_pid_to_number={recipient.id: number},
            put_in_queue=True,
        )
        self.mail_message_id = message[:1]
        return True

    def _get_mail_template(self):
        """The email template of the reminder: its level's, or the plan's."""
        self.ensure_one()
        if self.plan_action in PLAN_MAIL_TEMPLATES:
            return self.env.ref(PLAN_MAIL_TEMPLATES[self.plan_action])
        return self.level_id.mail_template_id

    def _get_sms_template(self):
        self.ensure_one()
        if self.plan_action in PLAN_SMS_TEMPLATES:
            return self.env.ref(PLAN_SMS_TEMPLATES[self.plan_action])
        return self.level_id.sms_template_id

    @api.model
    def _send_plan_reminders(self, run, reminders):
        """Send the plan messages of a run: ``reminders`` is a list of (plan,
        installment, action). Each installment remembers its reminder, so that
        it never gets the same one twice."""
        events = self.with_context(
            mail_create_nolog=True, tracking_disable=True
        ).create(
            [
                vals
                for plan, line, action in reminders
                for vals in self._prepare_plan_reminder_vals(run, plan, line, action)
            ]
        )
        archived = events.filtered(lambda e: not e.partner_id.active)
        archived._skip_for_archived_customer()
        (events - archived)._execute(defer_email=True)
        events.filtered(
            lambda e: e.channel == "email" and e.state == "done"
        )._post_emails()
        for event in events.filtered(lambda e: e.channel == "email"):
            if event.plan_action == "reminder":
                event.plan_line_id.reminder_event_id = event
            elif event.plan_action == "overdue":
                event.plan_line_id.overdue_event_id = event
        return events

    @api.model
    def _prepare_plan_reminder_vals(self, run, plan, line, action):
        moves = plan._get_moves()
        recipients = plan.partner_id._get_credit_collection_contacts(
            plan.invoice_ids
        ).filtered("email")
        channels = ["email"]
        if plan.reminder_sms and action in PLAN_SMS_TEMPLATES:
            channels.append("sms")
        common = {
            "run_id": run.id,
            "date": run.date,
            "company_id": plan.company_id.id,
            "partner_id": plan.partner_id.id,
            "plan_id": plan.id,
            "plan_line_id": line.id,
            "plan_action": action,
            "state": "done",
            "invoice_ids": [fields.Command.set(moves.ids)],
            "amount_due": plan.currency_id._convert(
                line.residual_amount,
                plan.company_id.currency_id,
                plan.company_id,
                run.date,
            ),
        }
        return [
            {
                **common,
                "channel": channel,
                "recipient_ids": [fields.Command.set(recipients.ids)]
                if channel == "email"
                else [],
            }
            for channel in channels
        ]

    def _get_model_description(self, model_name):
        # what the customer reads above the reminder: not "Credit Collection Event"
        if model_name == self._name:
            return self.env._("Payment reminder")
        return super()._get_model_description(model_name)

    def _render_sms_body(self, template):
        """The SMS text in the customer's language, kept inside GSM-7."""
        self.ensure_one()
        return to_gsm7(
            template._render_field("body", self.ids, compute_lang=True)[self.id]
        )

    def _execute_letter(self):
        # The letter is printed from the run (one merged PDF) or from the event.
        return True

    def _execute_phone(self):
        self.ensure_one()
        self.activity_id = self._schedule_responsible_activity(
            "mail.mail_activity_data_call",
            self.env._(
                "Call about overdue invoices (%(level)s)", level=self.level_id.name
            ),
        )
        return True

    def _schedule_responsible_activity(self, activity_xmlid, summary, note=None):
        """A task for the customer's collection responsible, on the customer."""
        self.ensure_one()
        partner = self.partner_id
        user = (
            partner.with_company(self.company_id).credit_collection_user_id
            or partner._get_credit_collection_policy(self.company_id).user_id
            or partner.user_id
            or self.env.ref("base.user_admin", raise_if_not_found=False)
            or self.env.user
        )
        return partner.with_company(self.company_id).activity_schedule(
            activity_xmlid,
            date_deadline=self.date,
            summary=summary,
            note=note or self.note,
            user_id=user.id,
        )

    def _fail(self, reason, activity_xmlid="mail.mail_activity_data_todo"):
        """Mark reminder events failed: they no longer count as reminders, and the
        collection responsible gets a task to reach the customer otherwise."""
        for event in self.filtered(lambda e: e.state != "failed"):
            values = {"state": "failed", "reason": reason}
            if not event.mail_message_id:
                values["cost"] = 0.0  # nothing left the company
            event.write(values)
            event.activity_id = event._schedule_responsible_activity(
                activity_xmlid,
                self.env._(
                    "Reminder by %(channel)s failed: %(reason)s",
                    channel=dict(
                        event._fields["channel"]._description_selection(event.env)
                    )[event.channel],
                    reason=reason,
                ),
            )
            event._revert_levels_if_nothing_reached()
        return False

    def _get_sibling_reminders(self):
        """The other channels of the same communication (same run, customer, level)."""
        self.ensure_one()
        return self.search(
            [
                ("id", "!=", self.id),
                ("run_id", "=", self.run_id.id),
                ("partner_id", "=", self.partner_id.id),
                ("level_id", "=", self.level_id.id),
                ("date", "=", self.date),
                ("channel", "in", REMINDER_CHANNELS),
            ]
        )

    def _revert_levels_if_nothing_reached(self):
        """A communication whose every channel failed did not happen: the
        installments it raised go back to the level they had before."""
        self.ensure_one()
        if not self.level_id or not self.advanced_line_ids:
            return
        if any(s.state == "done" for s in self._get_sibling_reminders()):
            return
        policy = self.level_id.policy_id
        levels = self.env["credit.collection.level"]
        for line in self.advanced_line_ids:
            reached = levels.browse((self.advanced_levels or {}).get(str(line.id)))
            if reached and line.credit_collection_level_id == reached:
                line._write_credit_collection(
                    {
                        "credit_collection_level_id": policy._get_previous_level(
                            reached
                        ).id
                    }
                )
                if reached.is_final:
                    line.move_id._write_credit_collection(
                        {"credit_collection_escalated": False}
                    )
        previous_dates = self._get_previous_reminder_dates()
        for line in self.line_ids:
            if line.credit_collection_last_date == self.date:
                line._write_credit_collection(
                    {"credit_collection_last_date": previous_dates.get(line.id, False)}
                )

    def _get_previous_reminder_dates(self):
        self.ensure_one()
        earlier = self.search(
            [
                ("line_ids", "in", self.line_ids.ids),
                ("state", "=", "done"),
                ("channel", "in", REMINDER_CHANNELS),
                ("id", "!=", self.id),
                ("date", "<", self.date),
            ]
        )
        dates = {}
        for event in earlier:
            for line in event.line_ids & self.line_ids:
                dates[line.id] = max(dates.get(line.id, event.date), event.date)
        return dates

    def _on_delivery_failure(self, reason):
        """Called when what the event sent bounced or could not be delivered."""
        self.filtered(lambda e: e.state == "done")._fail(reason)
