# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.phone_validation.tools import phone_validation


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
    credit_collection_event_count = fields.Integer(
        compute="_compute_credit_collection_event_count"
    )

    # === COMPUTE METHODS === #
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
    def action_open_credit_collection_events(self):
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account_credit_collection.credit_collection_event_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_group_by_date": False}
        return action

    # === BUSINESS METHODS === #
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
