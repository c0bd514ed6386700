# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models

FAILED_STATUSES = ("exception", "bounce")


class MailNotification(models.Model):
    _inherit = "mail.notification"

    @api.model_create_multi
    def create(self, vals_list):
        notifications = super().create(vals_list)
        notifications._check_credit_collection_delivery()
        return notifications

    def write(self, vals):
        res = super().write(vals)
        if vals.get("notification_status") in FAILED_STATUSES:
            self._check_credit_collection_delivery()
        return res

    def _check_credit_collection_delivery(self):
        """Bounces and SMS failures are final when written. Email exceptions are not
        (Odoo marks them before sending, then sets the outcome): mail.mail reports
        those once the SMTP server has answered."""
        final_failures = self.filtered(
            lambda n: (
                n.notification_status == "bounce"
                or (
                    n.notification_status == "exception"
                    and n.notification_type == "sms"
                )
            )
        )
        final_failures.mail_message_id._fail_credit_collection_events()

    def _get_credit_collection_reason(self):
        self.ensure_one()
        failure_types = dict(
            self._fields["failure_type"]._description_selection(self.env)
        )
        return (
            self.failure_reason
            or failure_types.get(self.failure_type)
            or self.notification_status
        )
