# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

FAILED_STATUSES = ("exception", "bounce")


class MailNotification(models.Model):
    _inherit = "mail.notification"

    @api.model_create_multi
    def create(self, vals_list):
        notifications = super().create(vals_list)
        notifications.filtered(
            lambda n: n.notification_status in FAILED_STATUSES
        )._fail_credit_collection_events()
        return notifications

    def write(self, vals):
        res = super().write(vals)
        if vals.get("notification_status") in FAILED_STATUSES:
            self._fail_credit_collection_events()
        return res

    def _fail_credit_collection_events(self):
        """A reminder whose every recipient failed (undeliverable email, bounce,
        refused SMS) turns its event to failed; it then does not count."""
        messages = self.mail_message_id.filtered(
            lambda m: m.model == "credit.collection.event"
        )
        if not messages:
            return
        events = (
            self.env["credit.collection.event"]
            .sudo()
            .search([("mail_message_id", "in", messages.ids), ("state", "=", "done")])
        )
        for event in events:
            notifications = event.mail_message_id.sudo().notification_ids.filtered(
                lambda n: n.notification_type in ("email", "sms")
            )
            if all(n.notification_status in FAILED_STATUSES for n in notifications):
                reasons = {
                    n.failure_reason
                    or dict(
                        n._fields["failure_type"]._description_selection(n.env)
                    ).get(n.failure_type, n.failure_type or "")
                    or n.notification_status
                    for n in notifications
                }
                event._on_delivery_failure("; ".join(sorted(r for r in reasons if r)))
