# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class CreditCollectionWriteOff(models.TransientModel):
    """Write off what is still due on invoices as a bad debt: one journal entry
    per invoice, reconciled with it."""

    _name = "credit.collection.write.off"
    _description = "Write Off as Bad Debt"
    _inherit = ["credit.collection.invoice.wizard"]

    account_id = fields.Many2one(
        "account.account",
        string="Bad Debt Account",
        required=True,
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_other'))]",
    )
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        check_company=True,
        domain="[('type', '=', 'general')]",
        compute="_compute_journal_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason = fields.Char(required=True)

    @api.depends("company_id")
    def _compute_journal_id(self):
        for wizard in self:
            wizard.journal_id = self.env["account.journal"].search(
                [
                    *self.env["account.journal"]._check_company_domain(
                        wizard.company_id
                    ),
                    ("type", "=", "general"),
                ],
                limit=1,
            )

    def action_write_off(self):
        self.ensure_one()
        moves = self.move_ids
        moves._check_credit_collection_invoices()
        if len(moves.company_id) > 1:
            raise UserError(
                self.env._("Write off the invoices of one company at a time.")
            )
        entries = self.env["account.move"]
        for invoice in moves:
            entries |= self._write_off_invoice(invoice)
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "name": self.env._("Write-offs"),
            "view_mode": "list,form",
            "domain": [("id", "in", entries.ids)],
        }

    def _write_off_invoice(self, invoice):
        lines = invoice._get_credit_collection_lines()
        if not lines:
            raise UserError(
                self.env._(
                    "%(invoice)s has nothing left to write off.", invoice=invoice.name
                )
            )
        entry = self.env["account.move"].create(
            self._prepare_entry_vals(invoice, lines)
        )
        entry.action_post()
        (
            entry.line_ids.filtered(lambda line: line.account_id in lines.account_id)
            | lines
        ).reconcile()
        invoice._write_credit_collection(
            {"credit_collection_review": False, "credit_collection_review_note": False}
        )
        invoice._log_credit_collection_event(
            "write_off",
            self.env._(
                "Written off as bad debt (%(entry)s): %(reason)s",
                entry=entry.name,
                reason=self.reason,
            ),
        )
        return entry

    def _prepare_entry_vals(self, invoice, lines):
        label = self.env._(
            "Bad debt: %(invoice)s (%(reason)s)",
            invoice=invoice.name,
            reason=self.reason,
        )
        line_vals = [
            {
                "name": label,
                "account_id": line.account_id.id,
                "partner_id": line.partner_id.id,
                "currency_id": line.currency_id.id,
                "amount_currency": -line.amount_residual_currency,
                "balance": -line.amount_residual,
            }
            for line in lines
        ]
        line_vals.append(
            {
                "name": label,
                "account_id": self.account_id.id,
                "partner_id": invoice.commercial_partner_id.id,
                "currency_id": invoice.currency_id.id,
                "amount_currency": sum(lines.mapped("amount_residual_currency")),
                "balance": sum(lines.mapped("amount_residual")),
            }
        )
        return {
            "move_type": "entry",
            "journal_id": self.journal_id.id,
            "company_id": invoice.company_id.id,
            "date": invoice.company_id._get_credit_collection_open_date(
                self.date, self.journal_id
            ),
            "ref": label,
            "line_ids": [Command.create(vals) for vals in line_vals],
        }
