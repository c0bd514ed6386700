# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class CreditCollectionSend(models.TransientModel):
    _name = "credit.collection.send"
    _description = "Run Credit Collection for Selected Customers"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date = fields.Date(
        string="As Of",
        required=True,
        default=lambda self: self.env["credit.collection.run"]._get_company_today(
            self.env.company
        ),
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        required=True,
        default=lambda self: self._default_partners(),
    )
    move_ids = fields.Many2many("account.move", string="Only These Invoices")
    mode = fields.Selection(
        [
            ("policy", "What the policy says is due"),
            ("now", "Send a reminder now"),
        ],
        required=True,
        default="policy",
        help="'Send a reminder now' overrides the gap between reminders, the minimum "
        "amount and the exclusion of the customer, and repeats the level reached "
        "when no new level is due; disputed invoices and customers whose credits "
        "cover what they owe are never reminded.",
    )
    preview = fields.Html(compute="_compute_preview", sanitize=False)

    @api.model
    def _default_partners(self):
        if self.env.context.get("active_model") == "res.partner":
            partners = self.env["res.partner"].browse(
                self.env.context.get("active_ids")
            )
            return partners.commercial_partner_id
        return self.env["res.partner"]

    @api.depends("partner_ids", "move_ids", "date", "mode", "company_id")
    def _compute_preview(self):
        labels = dict(
            self.env["credit.collection.run.item"]
            ._fields["result"]
            ._description_selection(self.env)
        )
        for wizard in self:
            rows = [
                Markup(
                    "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>"
                )
                % (
                    partner.display_name,
                    labels[decision["result"]],
                    decision["level"].name or "",
                    ", ".join(decision["listed"].move_id.mapped("name")),
                    ", ".join(decision["level"]._get_channels())
                    if decision["level"]
                    else "",
                )
                for partner, decision in wizard._get_decisions().items()
            ]
            header = Markup(
                "<table class='table table-sm'><thead><tr><th>%s</th><th>%s</th>"
                "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>"
            ) % (
                self.env._("Customer"),
                self.env._("Outcome"),
                self.env._("Level"),
                self.env._("Invoices listed"),
                self.env._("Channels"),
            )
            wizard.preview = header + Markup("").join(rows) + Markup("</tbody></table>")

    def _get_partners(self):
        # _origin: in the dialog, before saving, the lines are new records
        return self.partner_ids._origin.commercial_partner_id

    def _get_run_values(self):
        return {
            "company_id": self.company_id.id,
            "date": self.date,
            "partner_ids": [fields.Command.set(self._get_partners().ids)],
            "move_ids": [fields.Command.set(self.move_ids._origin.ids)],
            "force_send": self.mode == "now",
        }

    def _get_decisions(self):
        """What the run would do, customer by customer, without doing it."""
        self.ensure_one()
        partners = self._get_partners()
        if not partners:
            return {}
        run = self.env["credit.collection.run"].new(self._get_run_values())
        context = run._prepare_batch_context(partners, self.move_ids._origin)
        return {partner: run._decide_partner(partner, context) for partner in partners}

    def action_send(self):
        self.ensure_one()
        if not self.partner_ids:
            raise UserError(self.env._("Choose at least one customer."))
        run = self.env["credit.collection.run"].create(self._get_run_values())
        run.action_run()
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.collection.run",
            "res_id": run.id,
            "view_mode": "form",
            "target": "current",
        }
