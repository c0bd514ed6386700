# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CreditCollectionPolicy(models.Model):
    _name = "credit.collection.policy"
    _description = "Credit Collection Policy"
    _order = "company_id, name"
    _check_company_auto = True

    # === FIELDS === #
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    level_ids = fields.One2many("credit.collection.level", "policy_id", copy=True)
    minimum_amount = fields.Monetary(
        string="Minimum Overdue Amount",
        currency_field="currency_id",
        help="A customer whose overdue total (in company currency) is below this "
        "amount is not reminded.",
    )
    minimum_gap_days = fields.Integer(
        string="Days Between Reminders",
        default=10,
        help="Minimum number of days between two reminders to the same customer.",
    )
    promise_max_days = fields.Integer(
        string="Longest Promise (days)",
        default=30,
        help="A promise to pay can be at most this many days away.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Collection Responsible",
        help="Gets the phone calls and escalation tasks of customers that have no "
        "responsible of their own.",
    )
    guard_residual_percent = fields.Float(
        string="Cost Limit (% of Residual)",
        default=25.0,
        help="A level is not sent automatically when the collection costs of an "
        "invoice so far plus the level's estimated cost would exceed this share of "
        "its residual: the invoice waits for a manager's review. 0: no limit.",
    )
    guard_margin_percent = fields.Float(
        string="Cost Limit (% of Margin)",
        help="The same limit as a share of the invoice's margin. 0: no limit.",
    )
    level_count = fields.Integer(compute="_compute_level_count")

    # === COMPUTE METHODS === #
    @api.depends("level_ids")
    def _compute_level_count(self):
        for policy in self:
            policy.level_count = len(policy.level_ids)

    # === CONSTRAINT METHODS === #
    @api.constrains("minimum_amount", "minimum_gap_days", "promise_max_days")
    def _check_positive_thresholds(self):
        for policy in self:
            if (
                min(
                    policy.minimum_amount,
                    policy.minimum_gap_days,
                    policy.promise_max_days,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._(
                        "The minimum amount and the numbers of days of policy "
                        "%(policy)s cannot be negative.",
                        policy=policy.name,
                    )
                )

    # === CRUD METHODS === #
    def write(self, vals):
        res = super().write(vals)
        if {"minimum_gap_days", "level_ids", "active"} & set(vals):
            self.env["account.move"]._recompute_credit_collection_next_dates(
                self.company_id
            )
        return res

    # === BUSINESS METHODS === #
    def _get_next_level(self, level):
        """The level that follows ``level`` (or the first one when it is empty)."""
        self.ensure_one()
        levels = self.level_ids.sorted(lambda lvl: (lvl.sequence, lvl.id))
        if not level:
            return levels[:1]
        following = levels.filtered(
            lambda lvl: (lvl.sequence, lvl.id) > (level.sequence, level.id)
        )
        return following[:1]

    def _get_previous_level(self, level):
        self.ensure_one()
        levels = self.level_ids.sorted(lambda lvl: (lvl.sequence, lvl.id))
        preceding = levels.filtered(
            lambda lvl: (lvl.sequence, lvl.id) < (level.sequence, level.id)
        )
        return preceding[-1:]

    def _translate_default_names(self, values_in_lang):
        """Give the shipped policy's names in every installed language.

        ``values_in_lang(lang)`` returns the creation values rendered in ``lang``."""
        self.ensure_one()
        for lang, _name in self.env["res.lang"].get_installed():
            if lang == "en_US":
                continue
            values = values_in_lang(lang)
            self.with_context(lang=lang).name = values["name"]
            levels = self.level_ids.sorted("sequence")
            for level, command in zip(levels, values["level_ids"], strict=False):
                level.with_context(lang=lang).name = command[2]["name"]
