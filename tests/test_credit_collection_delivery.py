# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from odoo.addons.sms.tests.common import MockSMS

from .common import CreditCollectionCommon


@tagged("post_install", "-at_install")
class TestCreditCollectionDelivery(CreditCollectionCommon, MockSMS):
    def test_undelivered_email_fails_event_and_reverts_level(self):
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-01")
        run = self.run_on("2024-01-15")
        event = run.event_ids
        mail = self.mails_of(event)
        self.assertEqual(invoice.credit_collection_level_id, self.level_1)
        # what mail.mail does when the SMTP server refuses the message
        mail.sudo()._postprocess_sent_message(
            success_pids=[],
            failure_reason="550 mailbox unavailable",
            failure_type="mail_smtp",
        )
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.reason, "550 mailbox unavailable")
        self.assertFalse(invoice.credit_collection_level_id)
        self.assertFalse(invoice.credit_collection_last_date)
        self.assertEqual(
            event.activity_id.activity_type_id,
            self.env.ref("mail.mail_activity_data_todo"),
        )
        # the failed reminder does not count for the gap: the next day reminds again
        run = self.run_on("2024-01-16")
        self.assertEqual(run.event_ids.state, "done")
        self.assertEqual(invoice.credit_collection_level_id, self.level_1)

    def test_bounce_fails_event(self):
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        event = self.run_on("2024-01-15").event_ids
        event.mail_message_id.sudo().notification_ids.write(
            {"notification_status": "bounce", "failure_type": "mail_bounce"}
        )
        self.assertEqual(event.state, "failed")

    def test_one_recipient_delivered_is_enough(self):
        self.env["res.partner"].create(
            [
                {
                    "name": "A",
                    "parent_id": self.customer.id,
                    "email": "a@rossi.example.com",
                    "credit_collection_contact": True,
                },
                {
                    "name": "B",
                    "parent_id": self.customer.id,
                    "email": "b@rossi.example.com",
                    "credit_collection_contact": True,
                },
            ]
        )
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        event = self.run_on("2024-01-15").event_ids
        notifications = event.mail_message_id.sudo().notification_ids
        self.assertEqual(len(notifications), 2)
        notifications[0].write({"notification_status": "bounce"})
        self.assertEqual(event.state, "done")
        notifications[1].write(
            {"notification_status": "bounce", "failure_type": "mail_bounce"}
        )
        self.assertEqual(event.state, "failed")

    def test_blacklisted_address_is_not_emailed(self):
        self.env["mail.blacklist"].create({"email": self.customer.email})
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        event = self.run_on("2024-01-15").event_ids
        self.assertEqual(event.state, "failed")
        self.assertEqual(event.reason, "All email addresses are blacklisted.")
        self.assertFalse(self.mails_of(event))

    def _second_notice_sms(self):
        invoice = self.create_invoice(self.customer, 100.0, "2024-01-01")
        self.run_on("2024-01-11")
        run = self.run_on("2024-01-26")
        sms_event = run.event_ids.filtered(lambda e: e.channel == "sms")
        sms = (
            self.env["sms.sms"]
            .sudo()
            .search([("mail_message_id", "=", sms_event.mail_message_id.id)])
        )
        self.assertEqual(sms.state, "outgoing", "queued, not sent during the run")
        return invoice, sms_event, sms

    def test_sms_goes_through_the_gateway(self):
        _invoice, sms_event, sms = self._second_notice_sms()
        with self.mockSMSGateway():
            sms.send()
        self.assertEqual(len(self._sms), 1)
        self.assertEqual(self._sms[0]["number"], "+393331234567")
        self.assertIn("2nd notice", self._sms[0]["body"])
        self.assertEqual(sms_event.state, "done")

    def test_refused_sms_fails_only_the_sms_event(self):
        invoice, sms_event, sms = self._second_notice_sms()
        with self.mockSMSGateway(sim_error="wrong_number_format"):
            sms.send()
        self.assertEqual(sms_event.state, "failed")
        self.assertEqual(
            invoice.credit_collection_level_id,
            self.level_2,
            "the email of the level went out",
        )

    def test_italian_mobile_numbers_become_e164(self):
        for written in ("333 123 4567", "+39 333 1234567", "0039 3331234567"):
            self.customer.mobile = written
            _recipient, number, error = (
                self.customer._get_credit_collection_sms_number()
            )
            self.assertFalse(error, written)
            self.assertEqual(number, "+393331234567", written)

    def test_malformed_mobile_fails_the_sms_event_with_the_reason(self):
        self.customer.mobile = "333 12"
        self.create_invoice(self.customer, 100.0, "2024-01-01")
        self.run_on("2024-01-11")
        run = self.run_on("2024-01-26")
        sms_event = run.event_ids.filtered(lambda e: e.channel == "sms")
        self.assertEqual(sms_event.state, "failed")
        self.assertIn("333 12", sms_event.reason)
        self.assertFalse(sms_event.mail_message_id)
        email_event = run.event_ids.filtered(lambda e: e.channel == "email")
        self.assertEqual(email_event.state, "done", "the email still went out")
