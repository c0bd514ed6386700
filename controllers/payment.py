# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from werkzeug.exceptions import NotFound
from werkzeug.urls import url_encode

from odoo import http
from odoo.exceptions import ValidationError
from odoo.http import request

from odoo.addons.account_payment.controllers import payment as account_payment
from odoo.addons.payment import utils as payment_utils

from ..tools.qr_code import qr_code_png

# what a signed link (/cc/pay/<kind>/<id>/<signature>) can pay
PAYABLE_MODELS = {
    "invoice": "account.move",
    "installment": "credit.collection.plan.line",
}


class CreditCollectionPaymentPortal(account_payment.PaymentPortal):
    """The payment links of reminders, invoices and installments.

    A link names what to pay, never an amount: opening it reads what is due now
    and leads to Odoo's payment page with a payment access token for exactly that
    amount; the transaction is linked to the invoices, so that the payment is
    reconciled with them (oldest due first) as soon as it is confirmed."""

    # === ROUTES === #
    @http.route(
        "/cc/<string:code>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def credit_collection_link(self, code, status=None, **kwargs):
        """The short link of a reminder (email, SMS, letter)."""
        return self._credit_collection_open_link(code, status)

    @http.route(
        "/cc/pay/<string:kind>/<int:res_id>/<string:signature>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def credit_collection_signed_link(
        self, kind, res_id, signature, status=None, **kwargs
    ):
        """The link of an invoice or an installment (PDF documents)."""
        return self._credit_collection_open_link(
            f"pay/{kind}/{res_id}/{signature}", status
        )

    @http.route("/cc/<string:code>/qr.png", type="http", auth="public", methods=["GET"])
    def credit_collection_link_qr(self, code):
        """The QR code of a reminder's link, as the reminder email shows it."""
        payable_sudo = self._get_credit_collection_payable(code)
        if not payable_sudo:
            raise NotFound()
        return request.make_response(
            qr_code_png(payable_sudo._get_credit_collection_payment_url()),
            headers=[
                ("Content-Type", "image/png"),
                ("Cache-Control", "public, max-age=604800"),
            ],
        )

    @http.route("/cc/transaction/<path:link>", type="json", auth="public")
    def credit_collection_transaction(self, link, access_token, **kwargs):
        """Create the transaction of a link paying several invoices."""
        payable_sudo = self._get_credit_collection_payable(link)
        if not payable_sudo:
            raise ValidationError(request.env._("This payment link is not valid."))
        payment_request = payable_sudo._get_credit_collection_payment_request()
        partner, currency = payment_request["partner"], payment_request["currency"]
        amount = self._cast_as_float(kwargs.get("amount"))
        # Odoo's payment page signs the amount for the logged-in user's partner
        token_partners = partner | (
            request.env.user.partner_id
            if not request.env.user._is_public()
            else partner.browse()
        )
        if not self._credit_collection_amount_matches(
            payment_request, amount
        ) or not any(
            payment_utils.check_access_token(
                access_token, token_partner.id, amount, currency.id
            )
            for token_partner in token_partners
        ):
            raise ValidationError(
                request.env._(
                    "The amount due has changed: please open the payment link again."
                )
            )
        self._validate_transaction_kwargs(kwargs)
        return self._process_transaction(
            partner.id, currency.id, payment_request["invoices"].ids, False, **kwargs
        )

    # === PAYMENT OVERRIDES === #
    def _get_extra_payment_form_values(self, credit_collection_link=None, **kwargs):
        form_values = super()._get_extra_payment_form_values(**kwargs)
        if not credit_collection_link:
            return form_values
        payable_sudo = self._get_credit_collection_payable(credit_collection_link)
        if not payable_sudo:
            raise NotFound()
        payment_request = payable_sudo._get_credit_collection_payment_request()
        if not self._credit_collection_amount_matches(
            payment_request, kwargs.get("amount")
        ):
            form_values["amount"] = 0.0  # stops the payment flow, as for a paid invoice
        form_values.update(
            {
                "transaction_route": f"/cc/transaction/{credit_collection_link}",
                "landing_route": f"/cc/{credit_collection_link}?status=1",
            }
        )
        return form_values

    # === HELPERS === #
    @staticmethod
    def _get_credit_collection_payable(link):
        """The record behind a link path (what follows /cc/), in sudo, or an empty
        recordset when the link is unknown or its signature is wrong."""
        parts = (link or "").split("/")
        if len(parts) == 1:
            return (
                request.env["credit.collection.event"].sudo()._get_by_short_code(link)
            )
        if (
            len(parts) == 4
            and parts[0] == "pay"
            and parts[1] in PAYABLE_MODELS
            and parts[2].isdigit()
        ):
            record = (
                request.env[PAYABLE_MODELS[parts[1]]].sudo().browse(int(parts[2]))
            ).exists()
            if record and record._check_credit_collection_signature(parts[3]):
                return record
        return request.env["credit.collection.event"].sudo().browse()

    @staticmethod
    def _credit_collection_amount_matches(payment_request, amount):
        return amount is not None and not payment_request["currency"].compare_amounts(
            float(amount), payment_request["amount"]
        )

    def _credit_collection_open_link(self, link, status):
        payable_sudo = self._get_credit_collection_payable(link)
        if not payable_sudo:
            raise NotFound()
        payment_request = payable_sudo._get_credit_collection_payment_request()
        currency = payment_request["currency"]
        nothing_due = currency.compare_amounts(payment_request["amount"], 0.0) <= 0
        if status or nothing_due or not payment_request["invoices"]:
            return request.render(
                "account_credit_collection.payment_link_status",
                {
                    "company": payment_request["company"],
                    "res_company": payment_request["company"],
                    "partner": payment_request["partner"],
                    "amount": 0.0 if nothing_due else payment_request["amount"],
                    "currency": currency,
                    "payment_url": f"/cc/{link}",
                    "status": status,
                },
            )
        return request.redirect(
            "/payment/pay?"
            + url_encode(self._credit_collection_pay_params(link, payment_request))
        )

    @staticmethod
    def _credit_collection_pay_params(link, payment_request):
        """The query of Odoo's payment page for a payment request: a single
        invoice takes Odoo's own invoice payment flow."""
        invoices, currency = payment_request["invoices"], payment_request["currency"]
        amount = payment_request["amount"]
        single_invoice = len(invoices) == 1
        partner = invoices.partner_id if single_invoice else payment_request["partner"]
        params = {
            "amount": amount,
            "currency_id": currency.id,
            "partner_id": partner.id,
            "company_id": payment_request["company"].id,
            "access_token": payment_utils.generate_access_token(
                partner.id, amount, currency.id
            ),
        }
        if single_invoice:
            params["invoice_id"] = invoices.id
        else:
            params["credit_collection_link"] = link
        return params
