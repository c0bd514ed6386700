# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

FAILED_STATUSES = ("exception", "bounce")


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _fail_credit_collection_events(self):
        """A reminder that reached none of its recipients (undeliverable email,
        bounce, refused SMS) turns its event to failed: it then does not count."""
        messages = self.filtered(lambda m: m.model == "credit.collection.event")
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
            if not notifications or any(
                n.notification_status not in FAILED_STATUSES for n in notifications
            ):
                continue
            event._on_delivery_failure(
                "; ".join(
                    sorted({n._get_credit_collection_reason() for n in notifications})
                )
            )
