# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.http import request


class CreditCollectionLink(http.Controller):
    @http.route("/cc/<string:code>", type="http", auth="public", methods=["GET"])
    def credit_collection_link(self, code):
        """The short link of a reminder (SMS, letter): where the customer pays."""
        event_sudo = (
            request.env["credit.collection.event"].sudo()._get_by_short_code(code)
        )
        if not event_sudo:
            raise NotFound()
        return request.redirect(event_sudo._get_payment_target_path())
