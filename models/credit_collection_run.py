# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import time
from collections import defaultdict
from datetime import datetime, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from .credit_collection_event import REMINDER_CHANNELS
from .credit_collection_plan import LIVE_STATES
from .credit_collection_run_item import SKIP_RESULTS

FEE_PRODUCT = "account_credit_collection.product_dunning_fee"

_logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# What a reminder sent by hand may override; a dispute or a policy-less company not.
FORCEABLE_SKIPS = ("excluded", "already", "minimum")


class CreditCollectionRun(models.Model):
    _name = "credit.collection.run"
    _description = "Credit Collection Run"
    _order = "date desc, id desc"
    _check_company_auto = True

    # === FIELDS === #
    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    date = fields.Date(
        string="As Of",
        required=True,
        default=lambda self: self._get_company_today(self.env.company),
        help="Invoices are dunned as they stand on this date.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("in_progress", "In progress"), ("done", "Done")],
        default="draft",
        required=True,
        readonly=True,
        index=True,
    )
    item_ids = fields.One2many("credit.collection.run.item", "run_id", readonly=True)
    event_ids = fields.One2many("credit.collection.event", "run_id", readonly=True)
    event_count = fields.Integer(compute="_compute_counts")
    reminded_count = fields.Integer(
        string="Customers Reminded", compute="_compute_counts"
    )
    failed_count = fields.Integer(string="Failures", compute="_compute_counts")
    skipped_count = fields.Integer(string="Skipped", compute="_compute_counts")
    error_count = fields.Integer(string="Errors", compute="_compute_counts")
    pending_count = fields.Integer(string="Customers Left", compute="_compute_counts")
    summary = fields.Text(compute="_compute_counts")
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 3))
    started_at = fields.Datetime(readonly=True)
    finished_at = fields.Datetime(readonly=True)
    log = fields.Text(readonly=True)
    partner_ids = fields.Many2many(
        "res.partner",
        string="Only These Customers",
        readonly=True,
        help="A run started by hand for some customers; empty for the daily run.",
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Only These Invoices",
        readonly=True,
        check_company=True,
    )
    force_send = fields.Boolean(
        readonly=True,
        help="Sent by hand: the gap between reminders, the minimum amount and the "
        "exclusion of the customer are overridden.",
    )

    # === COMPUTE METHODS === #
    @api.depends("company_id", "date", "partner_ids", "move_ids")
    def _compute_name(self):
        for run in self:
            name = f"{run.company_id.name} {fields.Date.to_string(run.date)}"
            if run.partner_ids or run.move_ids:
                name = self.env._("%(name)s (by hand)", name=name)
            run.name = name

    @api.constrains("date", "company_id")
    def _check_date_not_in_future(self):
        for run in self:
            if run.date > self._get_company_today(run.company_id):
                raise ValidationError(
                    self.env._(
                        "A collection run cannot be dated in the future (%(date)s): "
                        "it would remind customers of days not yet overdue.",
                        date=fields.Date.to_string(run.date),
                    )
                )

    @api.depends("item_ids.result", "event_ids.state")
    def _compute_counts(self):
        results_by_run = defaultdict(dict)
        for run, result, state, count in self.env[
            "credit.collection.run.item"
        ]._read_group(
            [("run_id", "in", self.ids)], ["run_id", "result", "state"], ["__count"]
        ):
            key = "pending" if state == "pending" else result
            results_by_run[run][key] = results_by_run[run].get(key, 0) + count
        events_by_run = defaultdict(dict)
        for run, state, count in self.env["credit.collection.event"]._read_group(
            [("run_id", "in", self.ids)], ["run_id", "state"], ["__count"]
        ):
            events_by_run[run][state] = count
        labels = dict(
            self.env["credit.collection.run.item"]
            ._fields["result"]
            ._description_selection(self.env)
        )
        for run in self:
            results = results_by_run[run]
            run.event_count = sum(events_by_run[run].values())
            run.failed_count = events_by_run[run].get("failed", 0)
            run.reminded_count = results.get("reminded", 0)
            run.skipped_count = sum(results.get(r, 0) for r in SKIP_RESULTS)
            run.error_count = results.get("error", 0)
            run.pending_count = results.get("pending", 0)
            lines = [
                f"{labels[key]}: {count}"
                for key, count in results.items()
                if key in labels and count
            ]
            lines += [
                self.env._(
                    "%(level)s: %(count)s invoices", level=level.name, count=count
                )
                for level, count in run._get_level_counts().items()
            ]
            run.summary = "\n".join(lines)

    # === ACTION METHODS === #
    def action_run(self):
        """Process the whole run now (the cron does it batch by batch)."""
        for run in self:
            while run._process_batch(BATCH_SIZE)[1]:
                # what a batch read is not needed by the next: keep memory flat
                # over a large ledger, as the cron's transaction per batch does
                self.env.flush_all()
                self.env.invalidate_all()
        return True

    def action_open_events(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account_credit_collection.credit_collection_event_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        return action

    def action_print_letters(self):
        self.ensure_one()
        letters = self.event_ids.filtered(
            lambda e: e.channel == "letter" and e.state == "done"
        )
        if not letters:
            raise UserError(self.env._("This run produced no letter."))
        return letters.action_print_letter()

    # === CRON === #
    @api.model
    def _cron_process(self, batch_size=BATCH_SIZE):
        """Daily run of every company, one batch of customers per call."""
        runs = self._get_or_create_today_runs()
        pending = runs.filtered(lambda r: r.state != "done")
        if not pending:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        done, remaining = pending[0]._process_batch(batch_size)
        remaining += sum(run._count_pending() for run in pending[1:])
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _get_or_create_today_runs(self):
        companies = self.env["res.company"].search(
            [("credit_collection_policy_id", "!=", False)]
        )
        runs = self.browse()
        for company in companies:
            today = self._get_company_today(company)
            run = self.search(
                [
                    ("company_id", "=", company.id),
                    ("date", "=", today),
                    ("partner_ids", "=", False),
                    ("move_ids", "=", False),
                    ("force_send", "=", False),
                ],
                limit=1,
            )
            runs |= run or self.create({"company_id": company.id, "date": today})
        return runs

    @api.model
    def _get_company_today(self, company):
        """Today in the company's timezone, whatever the server's or the user's."""
        tz = pytz.timezone(company.partner_id.tz or "UTC")
        return datetime.now(pytz.utc).astimezone(tz).date()

    # === RUN PIPELINE === #
    def _process_batch(self, batch_size):
        """Process one batch of customers: returns (done, remaining)."""
        self.ensure_one()
        started = time.monotonic()
        if self.state == "done":
            return 0, 0
        if self.state == "draft":
            self._prepare_queue()
        items = self._take_pending_items(batch_size)
        self._process_items(items)
        remaining = self._count_pending()
        values = {}
        if not remaining:
            self._update_credit_scores()
            values.update(state="done", finished_at=fields.Datetime.now())
        # measured once the scores are computed: they are part of the run
        values["duration"] = self.duration + time.monotonic() - started
        self.write(values)
        return len(items), remaining

    def _prepare_queue(self):
        """Lock the run, then list the customers that have open invoice
        installments; a concurrent worker waits and finds the queue made."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM credit_collection_run WHERE id = %s FOR NO KEY UPDATE",
                self.id,
            )
        )
        self.invalidate_recordset(["state"])
        if self.state != "draft":
            return
        partners = self._get_candidate_partners()
        self.env["credit.collection.run.item"].create(
            [{"run_id": self.id, "partner_id": p.id} for p in partners]
        )
        self.write({"state": "in_progress", "started_at": fields.Datetime.now()})

    def _get_candidate_partners(self):
        """Customers with an installment old enough for the earliest level of any
        policy of the company, with a promise to settle, with a level due at once
        (after a plan ended unpaid), or with an installment plan to follow."""
        earliest = self._get_earliest_level_delay()
        if earliest is None:
            return self.env["res.partner"]
        domain = expression.AND(
            [
                self._get_open_line_domain(self.partner_ids or None),
                [
                    "|",
                    "|",
                    ("date_maturity", "<=", self.date - timedelta(days=earliest)),
                    ("move_id.credit_collection_promise_date", "<", self.date),
                    "&",
                    ("move_id.credit_collection_level_due", "=", True),
                    ("date_maturity", "<", self.date),
                ],
            ]
        )
        groups = self.env["account.move.line"]._read_group(domain, ["partner_id"])
        partners = self.env["res.partner"].union(*(partner for (partner,) in groups))
        return partners | self._get_live_plans().partner_id

    def _get_live_plans(self, partners=None):
        """Proposed and active installment plans of the run's company (of
        ``partners``, or of the run's customers when it was started for some)."""
        domain = [
            ("company_id", "=", self.company_id.id),
            ("state", "in", LIVE_STATES),
        ]
        if partners is None and self.partner_ids:
            partners = self.partner_ids
        if partners is not None:
            domain.append(("partner_id", "in", partners.ids))
        return self.env["credit.collection.plan"].search(domain)

    def _get_earliest_level_delay(self):
        delays = (
            self.env["credit.collection.level"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("policy_id.active", "=", True),
                ]
            )
            .mapped("delay_days")
        )
        return min(delays) if delays else None

    def _get_open_line_domain(self, partners=None):
        domain = [
            ("company_id", "=", self.company_id.id),
            ("parent_state", "=", "posted"),
            ("move_id.move_type", "=", "out_invoice"),
            ("account_id.account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
            ("debit", ">", 0),
            ("amount_residual", ">", 0),
        ]
        if partners is not None:
            domain.append(("partner_id", "in", partners.ids))
        return domain

    def _get_credit_domain(self, partners):
        return [
            ("company_id", "=", self.company_id.id),
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
            ("amount_residual", "<", 0),
            ("partner_id", "in", partners.ids),
        ]

    def _take_pending_items(self, limit):
        """Pending customers of this run that no other worker holds."""
        self.env["credit.collection.run.item"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM credit_collection_run_item
                    WHERE run_id = %s AND state = 'pending'
                 ORDER BY id LIMIT %s
                      FOR NO KEY UPDATE SKIP LOCKED""",
                self.id,
                limit,
            )
        )
        return self.env["credit.collection.run.item"].browse(r[0] for r in rows)

    def _count_pending(self):
        self.ensure_one()
        if self.state == "draft":
            return 1
        return self.env["credit.collection.run.item"].search_count(
            [("run_id", "=", self.id), ("state", "=", "pending")]
        )

    def _process_items(self, items):
        """Process a batch of customers at once. Should one of them fail, the batch
        is redone customer by customer, so that only the failing one is rolled
        back and the others are reminded."""
        try:
            with self.env.cr.savepoint():
                self._process_customers(items)
        except Exception:
            _logger.info(
                "Credit collection run %s: a batch failed, retrying one by one",
                self.id,
                exc_info=True,
            )
            for item in items:
                self._process_customer_alone(item)

    def _process_customer_alone(self, item):
        try:
            with self.env.cr.savepoint():
                self._process_customers(item)
        except Exception as error:
            _logger.exception("Credit collection failed for %s", item.partner_id)
            message = f"{item.partner_id.display_name}: {error}"
            item.write({"state": "done", "result": "error", "message": message})
            self.log = "\n".join(filter(None, [self.log, message]))

    def _process_customers(self, items):
        """Decide what each customer of ``items`` gets today, then carry it out
        with a few writes for all of them."""
        context = self._prepare_batch_context(items.partner_id, self.move_ids)
        self._settle_due_promises(
            self.env["account.move.line"].union(*context["lines"].values()).move_id
        )
        decisions = {
            item: self._decide_partner(item.partner_id, context) for item in items
        }
        reminded = {
            item.partner_id: decision
            for item, decision in decisions.items()
            if decision["result"] == "reminded"
        }
        self._advance_lines(
            {
                line: level
                for decision in reminded.values()
                for line, level in decision["moving"].items()
            },
            self.env["account.move.line"].union(
                *(decision["listed"] for decision in reminded.values())
            ),
        )
        self._flag_cost_reviews(decisions)
        events = self._send_reminders(reminded)
        for partner, partner_events in events.grouped("partner_id").items():
            if all(event.state == "failed" for event in partner_events):
                reminded[partner]["result"] = "failed"
        self._write_item_results(decisions)
        events.filtered(
            lambda e: e.channel == "email" and e.state == "done"
        )._post_emails()
        if not self.move_ids:
            plan_events = self._get_live_plans(items.partner_id)._collect(self)
            self._count_plan_messages(items, decisions, plan_events)

    def _flag_cost_reviews(self, decisions):
        """Invoices stopped by the cost limit wait for a collection manager."""
        for decision in decisions.values():
            for move, figures in decision.get("review", {}).items():
                move._write_credit_collection(
                    {
                        "credit_collection_review": True,
                        "credit_collection_review_note": figures,
                    }
                )
                move._log_credit_collection_event(
                    "review",
                    self.env._(
                        "Waiting for a cost review: %(figures)s", figures=figures
                    ),
                    run_id=self.id,
                    date=self.date,
                    level_id=False,
                )

    def _count_plan_messages(self, items, decisions, plan_events):
        """A customer that got no dunning reminder but its installment plan's
        message counts as such."""
        sent_to = plan_events.filtered(lambda e: e.state == "done").partner_id
        counted = items.filtered(
            lambda item: (
                item.partner_id in sent_to
                and decisions[item]["result"] in ("plan", "no_change")
            )
        )
        if counted:
            counted.write({"result": "plan_message"})

    def _write_item_results(self, decisions):
        """One write per outcome rather than one per customer."""
        items_by_outcome = defaultdict(list)
        for item, decision in decisions.items():
            items_by_outcome[decision["result"], decision["level"].id].append(item.id)
        for (result, level_id), item_ids in items_by_outcome.items():
            self.env["credit.collection.run.item"].browse(item_ids).write(
                {"state": "done", "result": result, "level_id": level_id}
            )

    def _prepare_batch_context(self, partners, moves=None):
        """Everything the batch needs, read in a few queries for all its customers."""
        domain = self._get_open_line_domain(partners)
        if moves:
            domain.append(("move_id", "in", moves.ids))
        lines = self.env["account.move.line"].search(domain, order="date_maturity, id")
        lines_by_partner = defaultdict(lambda: self.env["account.move.line"])
        for line in lines:
            lines_by_partner[line.partner_id] |= line
        credits = {
            partner: -amount
            for partner, amount in self.env["account.move.line"]._read_group(
                self._get_credit_domain(partners),
                ["partner_id"],
                ["amount_residual:sum"],
            )
        }
        last_dates = dict(
            self.env["credit.collection.event"]._read_group(
                [
                    ("company_id", "=", self.company_id.id),
                    ("partner_id", "in", partners.ids),
                    ("channel", "in", REMINDER_CHANNELS),
                    ("state", "=", "done"),
                    ("level_id", "!=", False),
                ],
                ["partner_id"],
                ["date:max"],
            )
        )
        # a plan's breach notice tells the customer everything is due: it counts
        # as the day's reminder
        last_attempts = dict(
            self.env["credit.collection.event"]._read_group(
                [
                    ("company_id", "=", self.company_id.id),
                    ("partner_id", "in", partners.ids),
                    ("channel", "in", REMINDER_CHANNELS),
                    "|",
                    ("level_id", "!=", False),
                    ("plan_action", "=", "breached"),
                ],
                ["partner_id"],
                ["date:max"],
            )
        )
        return {
            "lines": lines_by_partner,
            "costs": lines.move_id._get_credit_collection_costs(),
            "credits": credits,
            "last_dates": last_dates,
            "last_attempts": last_attempts,
        }

    def _decide_partner(self, partner, context):
        """What the policy gives one customer on the run's date; writes nothing.

        Returns a dict: result (see credit.collection.run.item), level (of the
        communication), moving ({installment: level it reaches}) and listed (the
        installments the communication lists)."""
        decision = {
            "result": "no_change",
            "level": self.env["credit.collection.level"],
            "moving": {},
            "listed": self.env["account.move.line"],
        }
        # invoices under an installment plan get the plan's reminders instead
        lines = context["lines"][partner].filtered(
            lambda line: not line.move_id._is_under_credit_collection_plan()
        )
        if not lines:
            if context["lines"][partner]:
                decision["result"] = "plan"
            return decision
        policy = partner._get_credit_collection_policy(self.company_id)
        forced = self.force_send
        overdue = lines.filtered(lambda line: line.date_maturity < self.date)
        skip = self._get_partner_skip_reason(partner, policy, overdue, context)
        if skip and not (forced and skip in FORCEABLE_SKIPS):
            decision["result"] = skip
            return decision
        due_levels = self._get_due_levels(lines, policy)
        if skip == "already":  # sent by hand after today's reminder: no second step
            due_levels = {}
        last_date = context["last_dates"].get(partner)
        too_soon = last_date and (self.date - last_date).days < policy.minimum_gap_days
        # the cost limit stops automatic reminders only
        review = (
            {}
            if forced or too_soon
            else self._get_cost_review(due_levels, policy, context)
        )
        decision["review"] = review
        moving = {
            line: lvl
            for line, lvl in due_levels.items()
            if not self._is_paused(line) and line.move_id not in review
        }
        listed = (overdue | self.env["account.move.line"].union(*moving)).filtered(
            lambda line: (
                not self._is_paused(line)
                and not line.move_id.credit_collection_escalated
            )
        )
        if moving and (not too_soon or forced):
            decision.update(
                result="reminded",
                moving=moving,
                listed=listed,
                level=max(moving.values(), key=lambda lvl: (lvl.sequence, lvl.id)),
            )
        elif forced and listed:
            # Sent by hand with no level due: the reminder of the level reached.
            reached = listed.credit_collection_level_id.sorted(
                lambda lvl: (lvl.sequence, lvl.id)
            )
            decision.update(
                result="reminded",
                listed=listed,
                level=reached[-1:] or policy._get_next_level(reached),
            )
        elif moving:
            decision["result"] = "gap"
        elif review:
            decision["result"] = "review"
        elif due_levels:
            paused = {self._is_paused(line) for line in due_levels}
            decision["result"] = next(
                reason
                for reason in ("blocked", "review", "promise")
                if reason in paused
            )
        return decision

    def _get_cost_review(self, due_levels, policy, context):
        """{invoice: figures} of the invoices whose due level would bring their
        collection costs over the policy's limit (a share of the residual and/or
        of the margin). The level's estimated cost is spread over the customer's
        invoices in proportion to their residuals, as its real cost will be."""
        if not (policy.guard_residual_percent or policy.guard_margin_percent):
            return {}
        level_by_move = {}
        for line, level in due_levels.items():
            move = line.move_id
            if move.credit_collection_guard_override or self._is_paused(line):
                continue
            if (
                move not in level_by_move
                or level.sequence > level_by_move[move].sequence
            ):
                level_by_move[move] = level
        if not level_by_move:
            return {}
        moves = self.env["account.move"].union(*level_by_move)
        estimate = max(level._get_estimated_cost() for level in level_by_move.values())
        shares = self.env["credit.collection.cost.share"]._split(
            estimate,
            [abs(move.amount_residual_signed) for move in moves],
            self.company_id.currency_id,
        )
        review = {}
        for move, share in zip(moves, shares, strict=True):
            figures = self._check_cost_limit(move, share, policy, context)
            if figures:
                review[move] = figures
        return review

    def _check_cost_limit(self, move, estimate, policy, context):
        """The figures that stop the level of ``move``, or "" when it may go."""
        currency = self.company_id.currency_id
        spent = context["costs"].get(move.id, 0.0)
        residual = abs(move.amount_residual_signed)
        limits = []
        if policy.guard_residual_percent:
            limits.append(residual * policy.guard_residual_percent / 100)
        if policy.guard_margin_percent and move.credit_collection_margin:
            limits.append(
                max(move.credit_collection_margin, 0.0)
                * policy.guard_margin_percent
                / 100
            )
        if not limits:  # a margin limit only, on an invoice with no margin known
            return ""
        limit = currency.round(min(limits))
        if currency.compare_amounts(spent + estimate, limit) <= 0:
            return ""
        return self.env._(
            "Costs so far %(spent)s + next level %(estimate)s > limit %(limit)s "
            "(residual %(residual)s, margin %(margin)s)",
            spent=currency.format(spent),
            estimate=currency.format(estimate),
            limit=currency.format(limit),
            residual=currency.format(residual),
            margin=currency.format(move.credit_collection_margin),
        )

    def _get_partner_skip_reason(self, partner, policy, overdue, context):
        if not policy:
            return "no_policy"
        if partner.credit_collection_excluded:
            return "excluded"
        last_attempt = context["last_attempts"].get(partner)
        if last_attempt and last_attempt >= self.date:
            return "already"
        overdue_total = sum(overdue.mapped("amount_residual"))
        if overdue and context["credits"].get(partner, 0) >= overdue_total:
            return "covered"
        if (
            overdue
            and self.company_id.currency_id.compare_amounts(
                overdue_total, policy.minimum_amount
            )
            < 0
        ):
            return "minimum"
        return ""

    def _settle_due_promises(self, moves):
        """Promises whose date has passed: kept ones end, broken ones are logged."""
        for move in moves.filtered(
            lambda m: (
                m.credit_collection_promise_date
                and m.credit_collection_promise_date < self.date
            )
        ):
            if move._is_credit_collection_promise_kept():
                note = self.env._("Promise to pay kept.")
                state = "done"
            else:
                note = self.env._(
                    "Promise to pay %(amount)s by %(date)s broken: reminders resume.",
                    amount=move.currency_id.format(
                        move.credit_collection_promise_amount
                    ),
                    date=fields.Date.to_string(move.credit_collection_promise_date),
                )
                state = "failed"
            move._log_credit_collection_event(
                "promise",
                note,
                run_id=self.id,
                date=self.date,
                state=state,
                reason=note if state == "failed" else False,
            )
            move._write_credit_collection(
                {
                    "credit_collection_promise_date": False,
                    "credit_collection_promise_amount": 0.0,
                    "credit_collection_promise_residual": 0.0,
                }
            )

    def _get_due_levels(self, lines, policy):
        """{line: level} for the installments whose next level is due today.
        One step at most: a run after days without runs never skips a level."""
        due = {}
        for line in lines:
            if line.move_id.credit_collection_escalated:
                continue
            next_level = policy._get_next_level(line.credit_collection_level_id)
            if not next_level:
                continue
            days_overdue = (self.date - line.date_maturity).days
            # after an installment plan ended unpaid, an overdue installment gets
            # its next level at once; one not yet due waits as usual
            if days_overdue >= next_level.delay_days or (
                line.move_id.credit_collection_level_due and days_overdue > 0
            ):
                due[line] = next_level
        return due

    def _is_paused(self, line):
        """Why an installment gets no reminder today: 'blocked', 'review' (costs
        waiting for a manager's decision), 'promise' or ''."""
        move = line.move_id
        if line.blocked or move.credit_collection_blocked:
            return "blocked"
        if move.credit_collection_review:
            return "review"
        if move.credit_collection_promise_date and (
            move.credit_collection_promise_date >= self.date
        ):
            return "promise"
        return ""

    def _advance_lines(self, moving, listed):
        # One write per level: journal items are costly to write one by one.
        lines = self.env["account.move.line"]
        by_level = defaultdict(list)
        for line, level in moving.items():
            by_level[level].append(line.id)
        for level, line_ids in by_level.items():
            lines.browse(line_ids)._write_credit_collection(
                {"credit_collection_level_id": level.id}
            )
        listed._write_credit_collection({"credit_collection_last_date": self.date})
        released = (
            self.env["account.move"]
            .union(*(line.move_id for line in moving))
            .filtered("credit_collection_level_due")
        )
        if released:
            released._write_credit_collection({"credit_collection_level_due": False})
        final_moves = self.env["account.move"].union(
            *(line.move_id for line, level in moving.items() if level.is_final)
        )
        if final_moves:
            final_moves._write_credit_collection({"credit_collection_escalated": True})

    def _send_reminders(self, decisions):
        """Create the reminder events of every customer reminded ({partner:
        decision}) in one go and carry them out; returns the events."""
        Event = self.env["credit.collection.event"].with_context(
            mail_create_nolog=True, tracking_disable=True
        )
        events = Event.create(
            [
                vals
                for partner, decision in decisions.items()
                for vals in self._prepare_reminder_vals(partner, decision)
            ]
        )
        archived = events.filtered(
            lambda e: not e.partner_id.active and e.channel in ("email", "sms")
        )
        archived._skip_for_archived_customer()
        (events - archived)._execute(defer_email=True)
        reached = events.filtered(lambda e: e.state == "done").partner_id
        self._charge_fees(
            {
                partner: decision
                for partner, decision in decisions.items()
                if partner in reached
            }
        )
        for partner, decision in decisions.items():
            if decision["level"].is_final:
                self._escalate(
                    partner, decision["level"], decision["listed"], decision["moving"]
                )
        return events

    def _charge_fees(self, decisions):
        """The dunning fees of the levels reached: one posted fee invoice per
        customer of the run, a line per invoice and level never charged before."""
        for partner, decision in decisions.items():
            line_vals, charged = [], []
            in_lang = self.with_context(lang=partner.lang or self.env.lang)
            for move, level in self._get_fee_levels(decision["moving"]).items():
                line_vals.append(
                    in_lang._prepare_fee_line_vals(
                        move, level.with_context(lang=in_lang.env.lang)
                    )
                )
                charged.append((move, level))
            if line_vals:
                self._create_fee_invoice(partner, line_vals, charged)

    def _get_fee_levels(self, moving):
        """{invoice: level} whose fee is due: the highest level each invoice
        reaches today, when it has a fee not charged for that invoice yet."""
        fee_levels = {}
        for line, level in moving.items():
            move = line.move_id
            if (
                level.fee_amount
                and not move.credit_collection_is_fee
                and level not in move.credit_collection_fee_level_ids
                and (
                    move not in fee_levels or level.sequence > fee_levels[move].sequence
                )
            ):
                fee_levels[move] = level
        return fee_levels

    def _prepare_fee_line_vals(self, move, level):
        return {
            "product_id": self.env.ref(FEE_PRODUCT).id,
            "name": self.env._(
                "Dunning fee: %(level)s on %(invoice)s",
                level=level.name,
                invoice=move.name,
            ),
            "quantity": 1.0,
            "price_unit": level.fee_amount,
            "tax_ids": [fields.Command.clear()],
        }

    def _create_fee_invoice(self, partner, line_vals, charged):
        journal = self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(self.company_id),
                ("type", "=", "sale"),
            ],
            limit=1,
        )
        date = self.company_id._get_credit_collection_open_date(self.date, journal)
        fee_invoice = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "company_id": self.company_id.id,
                    "journal_id": journal.id,
                    "currency_id": self.company_id.currency_id.id,
                    "invoice_date": date,
                    "invoice_date_due": date,
                    "invoice_origin": self.name,
                    "credit_collection_is_fee": True,
                    "invoice_line_ids": [fields.Command.create(v) for v in line_vals],
                }
            )
        )
        fee_invoice.action_post()
        for move, level in charged:
            move.sudo().credit_collection_fee_level_ids = [
                fields.Command.link(level.id)
            ]
        moves = self.env["account.move"].union(*(move for move, _level in charged))
        moves._log_credit_collection_event(
            "fee",
            self.env._("Dunning fee charged on %(fee)s.", fee=fee_invoice.name),
            run_id=self.id,
            date=self.date,
        )
        return fee_invoice

    def _prepare_reminder_vals(self, partner, decision):
        """Values of the events of one customer's communication, one per channel."""
        level, listed = decision["level"], decision["listed"]
        common = self._prepare_event_vals(partner, level, listed, decision["moving"])
        recipients = partner._get_credit_collection_contacts(listed.move_id).filtered(
            "email"
        )
        return [
            {
                **common,
                "channel": channel,
                "recipient_ids": [fields.Command.set(recipients.ids)]
                if channel == "email"
                else [],
            }
            for channel in level._get_channels()
        ]

    def _prepare_event_vals(self, partner, level, listed, moving):
        advanced = self.env["account.move.line"].union(*moving)
        return {
            "run_id": self.id,
            "date": self.date,
            "company_id": self.company_id.id,
            "partner_id": partner.id,
            "level_id": level.id,
            "state": "done",
            "invoice_ids": [fields.Command.set(listed.move_id.ids)],
            "line_ids": [fields.Command.set(listed.ids)],
            "advanced_line_ids": [fields.Command.set(advanced.ids)],
            "advanced_levels": {str(line.id): lvl.id for line, lvl in moving.items()},
            "amount_due": sum(listed.mapped("amount_residual")),
        }

    def _escalate(self, partner, level, listed, moving):
        escalated = self.env["account.move"].union(
            *(line.move_id for line, lvl in moving.items() if lvl.is_final)
        )
        event = self.env["credit.collection.event"].create(
            {
                **self._prepare_event_vals(partner, level, listed, moving),
                "channel": "legal",
                "invoice_ids": [fields.Command.set(escalated.ids)],
                "note": self.env._(
                    "Escalated: no more automatic reminders for %(invoices)s. "
                    "Decide on legal action or an agency.",
                    invoices=", ".join(escalated.mapped("name")),
                ),
            }
        )
        event.activity_id = event._schedule_responsible_activity(
            "mail.mail_activity_data_todo",
            self.env._("Escalated debt: decide legal action"),
        )
        return event

    def _update_credit_scores(self):
        """Last step of a run: the payment scores of the company's customers (of
        the run's customers only, for a run by hand)."""
        self.ensure_one()
        partners = None
        if self.partner_ids or self.move_ids:
            partners = self.partner_ids | self.move_ids.commercial_partner_id
        # the run's own bookkeeping: whoever may run collection updates the scores
        return (
            self.env["res.partner"]
            .sudo()
            ._update_credit_collection_scores(self.company_id, self.date, partners)
        )

    # === REPORTING === #
    def _get_level_counts(self):
        """{level: number of invoices that reached it in this run}."""
        self.ensure_one()
        return self.event_ids._get_level_invoice_counts()
