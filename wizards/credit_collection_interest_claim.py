# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class CreditCollectionInterestClaim(models.TransientModel):
    """Invoice the statutory late-payment interest of some invoices."""

    _name = "credit.collection.interest.claim"
    _description = "Claim Late-Payment Interest"
    _inherit = ["credit.collection.invoice.wizard"]

    date = fields.Date(
        string="Interest To",
        required=True,
        default=fields.Date.context_today,
        help="The last day of interest claimed, and the date of the claim invoices.",
    )
    with_compensation = fields.Boolean(
        string="EUR 40 Compensation",
        compute="_compute_with_compensation",
        store=True,
        readonly=False,
        help="Add the fixed compensation for recovery costs to each invoice that "
        "has not had it yet.",
    )
    preview = fields.Html(compute="_compute_preview", sanitize=False)

    @api.depends("company_id")
    def _compute_with_compensation(self):
        for wizard in self:
            wizard.with_compensation = (
                wizard.company_id.credit_collection_interest_compensation
            )

    @api.depends("move_ids", "date")
    def _compute_preview(self):
        for wizard in self:
            wizard.preview = wizard._render_preview()

    def _render_preview(self):
        self.ensure_one()
        rows = []
        for move in self.move_ids.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        ):
            try:
                amount = move.currency_id.format(
                    move._get_credit_collection_interest(self.date)
                )
            except UserError as error:
                amount = str(error)
            rows.append((move.name, amount))
        return self.env["ir.qweb"]._render(
            "account_credit_collection.interest_claim_preview", {"rows": rows}
        )

    def action_claim(self):
        self.ensure_one()
        claims = self.move_ids._claim_credit_collection_interest(
            self.date, self.with_compensation
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", claims.ids)]
        if len(claims) == 1:
            action.update(
                views=[(self.env.ref("account.view_move_form").id, "form")],
                res_id=claims.id,
            )
        return action
