# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.tools import consteq
from odoo.tools.misc import hmac

from odoo.addons.account.tools.structured_reference import (
    format_structured_reference_iso,
    sanitize_structured_reference,
)

from ..tools.qr_code import qr_code_data_uri

SIGNATURE_SCOPE = "account_credit_collection.payment_link"
SIGNATURE_LENGTH = 20


class CreditCollectionPaymentMixin(models.AbstractModel):
    """Something a customer pays through a link and QR codes: an invoice, an
    installment of a plan, a reminder.

    The link never carries an amount: what is due is read when it is opened, so a
    link never expires while money is due and shows nothing due once paid."""

    _name = "credit.collection.payment.mixin"
    _description = "Payable by Link"

    # path segment of the signed link: /cc/pay/<kind>/<id>/<signature>
    _credit_collection_link_kind = None

    # === BUSINESS METHODS: what is due === #
    def _get_credit_collection_payment_request(self):
        """What the link pays now, as a dict: ``partner`` (commercial), ``company``,
        ``currency``, ``invoices`` (paid oldest due first), ``amount`` (in
        ``currency``, 0.0 when nothing is due) and ``reference`` (ISO 11649)."""
        raise NotImplementedError()

    def _get_credit_collection_reference_data(self):
        """The characters (at most 21) the creditor reference is made of: they
        identify the record."""
        raise NotImplementedError()

    def _get_credit_collection_rf_reference(self):
        """The ISO 11649 creditor reference, electronic format (no spaces)."""
        return sanitize_structured_reference(
            format_structured_reference_iso(
                self._get_credit_collection_reference_data()
            )
        )

    # === BUSINESS METHODS: the link === #
    def _get_credit_collection_signature(self):
        self.ensure_one()
        digest = hmac(self.env(su=True), SIGNATURE_SCOPE, (self._name, self.id))
        return digest[:SIGNATURE_LENGTH]

    def _check_credit_collection_signature(self, signature):
        return bool(signature) and consteq(
            signature, self._get_credit_collection_signature()
        )

    def _get_credit_collection_link_path(self):
        """The part of the payment link after /cc/."""
        self.ensure_one()
        return (
            f"pay/{self._credit_collection_link_kind}/{self.id}/"
            f"{self._get_credit_collection_signature()}"
        )

    def _get_credit_collection_payment_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/cc/{self._get_credit_collection_link_path()}"

    # === BUSINESS METHODS: QR codes === #
    def _get_credit_collection_link_qr(self):
        """The payment link as a QR code (PNG data URI)."""
        self.ensure_one()
        return qr_code_data_uri(self._get_credit_collection_payment_url())

    def _get_credit_collection_epc_payload(self):
        """The EPC069-12 (SEPA credit transfer) QR text for what is due now, or
        None: not in EUR, nothing due, or no IBAN for the company."""
        self.ensure_one()
        payment_request = self._get_credit_collection_payment_request()
        currency = payment_request["currency"]
        if (
            currency.name != "EUR"
            or currency.compare_amounts(payment_request["amount"], 0.0) <= 0
        ):
            return None
        bank = payment_request["company"].partner_id.bank_ids[:1]
        if not bank or bank._get_error_messages_for_qr(
            "sct_qr", payment_request["partner"], currency
        ):
            return None
        values = bank._get_qr_vals(
            "sct_qr",
            payment_request["amount"],
            currency,
            payment_request["partner"],
            None,
            payment_request["reference"],
        )
        return "\n".join(values)

    def _get_credit_collection_epc_qr(self):
        """The EPC QR code (PNG data URI), or None when there is none."""
        payload = self._get_credit_collection_epc_payload()
        return payload and qr_code_data_uri(payload)
