# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from urllib.parse import quote

from werkzeug.exceptions import NotFound
from werkzeug.urls import url_encode

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import format_date

from odoo.addons.portal.controllers.portal import CustomerPortal


class CreditCollectionPortal(CustomerPortal):
    """The customer's side of collection: what is due, pay it, ask for or accept
    an installment plan, promise to pay, dispute.

    A logged-in user sees its own commercial partner in its companies; the link of
    a reminder opens one customer in one company with a signed ``access_token``.
    Records are read in sudo only once they are known to belong to that scope."""

    # === HOME === #
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "credit_collection_count" in counters:
            values["credit_collection_count"] = (
                len(
                    request.env.user.partner_id.commercial_partner_id.sudo()._get_credit_collection_portal_invoices(
                        request.env.companies
                    )
                )
                if request.env["account.move"].has_access("read")
                else 0
            )
        return values

    # === ROUTES === #
    @http.route(
        "/my/collection", type="http", auth="public", methods=["GET"], website=True
    )
    def portal_my_credit_collection(self, access_token=None, **kwargs):
        scope = self._get_credit_collection_scope(access_token)
        if not scope:
            return self._credit_collection_login()
        return request.render(
            "account_credit_collection.portal_my_credit_collection",
            self._prepare_credit_collection_page_values(scope),
        )

    @http.route(
        "/my/collection/pay", type="http", auth="public", methods=["POST"], website=True
    )
    def portal_credit_collection_pay(self, kind, res_id=None, access_token=None, **kw):
        """Pay one invoice, all overdue invoices of a company and currency, or a
        plan's next installment: through the event's short payment link."""
        scope = self._get_credit_collection_scope(access_token)
        if not scope:
            return self._credit_collection_login()
        event_model = request.env["credit.collection.event"].sudo()
        try:
            with request.env.cr.savepoint():
                if kind == "installment":
                    plan_sudo = self._get_credit_collection_plan(scope, res_id)
                    event = event_model._start_portal_payment(
                        scope["visitor"],
                        plan_line=self._get_next_installment(plan_sudo),
                    )
                else:
                    event = event_model._start_portal_payment(
                        scope["visitor"],
                        lines=self._get_lines_to_pay(scope, kind, res_id, kw),
                    )
        except (UserError, ValidationError) as error:
            return self._credit_collection_page_error(scope, error)
        return request.redirect(f"/cc/{event.short_code}")

    @http.route(
        "/my/collection/invoice/<int:invoice_id>/promise",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_credit_collection_promise(
        self, invoice_id, access_token=None, promise_date=None, amount=None, **kw
    ):
        scope = self._get_credit_collection_scope(access_token)
        if not scope:
            return self._credit_collection_login()
        invoice_sudo = self._get_credit_collection_invoice(scope, invoice_id)
        values = self._prepare_credit_collection_form_values(scope, invoice_sudo)
        if request.httprequest.method == "POST":
            try:
                with request.env.cr.savepoint():
                    invoice_sudo._promise_credit_collection_from_portal(
                        scope["visitor"],
                        self._parse_credit_collection_date(promise_date),
                        self._parse_credit_collection_amount(amount),
                    )
            except (UserError, ValidationError) as error:
                values.update(error=self._error_text(error), amount=amount)
            else:
                return self._credit_collection_done(
                    scope,
                    request.env._(
                        "Thank you: your promise to pay invoice %(invoice)s is "
                        "recorded. We will not send reminders about it until "
                        "%(date)s.",
                        invoice=invoice_sudo.name,
                        date=format_date(
                            request.env, invoice_sudo.credit_collection_promise_date
                        ),
                    ),
                )
        return request.render(
            "account_credit_collection.portal_credit_collection_promise", values
        )

    @http.route(
        "/my/collection/invoice/<int:invoice_id>/dispute",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_credit_collection_dispute(
        self, invoice_id, access_token=None, reason=None, **kw
    ):
        scope = self._get_credit_collection_scope(access_token)
        if not scope:
            return self._credit_collection_login()
        invoice_sudo = self._get_credit_collection_invoice(scope, invoice_id)
        values = self._prepare_credit_collection_form_values(scope, invoice_sudo)
        if request.httprequest.method == "POST":
            try:
                with request.env.cr.savepoint():
                    invoice_sudo._dispute_credit_collection_from_portal(
                        scope["visitor"], reason
                    )
            except (UserError, ValidationError) as error:
                values.update(error=self._error_text(error), reason=reason)
            else:
                return self._credit_collection_done(
                    scope,
                    request.env._(
                        "Your dispute about invoice %(invoice)s is recorded: we "
                        "will not send reminders about it while we look into it.",
                        invoice=invoice_sudo.name,
                    ),
                )
        return request.render(
            "account_credit_collection.portal_credit_collection_dispute", values
        )

    @http.route(
        "/my/collection/plan/new",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_credit_collection_plan_request(
        self, access_token=None, step=None, template_id=None, signed_name=None, **kw
    ):
        """Choose invoices and a template, see the schedule, accept the terms."""
        scope = self._get_credit_collection_scope(access_token)
        if not scope:
            return self._credit_collection_login()
        values = self._prepare_credit_collection_plan_request_values(scope)
        if request.httprequest.method == "POST":
            invoices_sudo = self._get_credit_collection_invoices(
                scope, request.httprequest.form.getlist("invoice_ids")
            )
            template_sudo = self._get_credit_collection_template(scope, template_id)
            values.update(selected_invoices=invoices_sudo, template=template_sudo)
            try:
                with request.env.cr.savepoint():
                    if step == "accept":
                        plan_sudo = (
                            request.env["credit.collection.plan"]
                            .sudo()
                            .with_context(credit_collection_portal=True)
                            ._request_by_customer(
                                scope["visitor"],
                                template_sudo,
                                invoices_sudo,
                                signed_name,
                                request.httprequest.remote_addr,
                            )
                        )
                        return self._credit_collection_plan_requested(scope, plan_sudo)
                    values["preview"] = self._preview_credit_collection_plan(
                        scope, template_sudo, invoices_sudo
                    )
            except (UserError, ValidationError) as error:
                values.update(error=self._error_text(error), preview=None)
        return request.render(
            "account_credit_collection.portal_credit_collection_plan_request", values
        )

    @http.route(
        "/my/collection/plan/<int:plan_id>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_credit_collection_plan(
        self, plan_id, access_token=None, signed_name=None, **kw
    ):
        """A plan and its schedule; a proposed one is accepted here."""
        scope = self._get_credit_collection_scope(access_token)
        if not scope:
            return self._credit_collection_login()
        plan_sudo = self._get_credit_collection_plan(scope, plan_id)
        values = self._prepare_credit_collection_base_values(scope)
        values.update(plan=plan_sudo, page_title=plan_sudo.name)
        if request.httprequest.method == "POST":
            try:
                with request.env.cr.savepoint():
                    plan_sudo.with_context(
                        credit_collection_portal=True
                    )._accept_by_customer(
                        scope["visitor"], signed_name, request.httprequest.remote_addr
                    )
                    plan_sudo.message_post(
                        body=request.env._(
                            "Accepted on the customer portal by %(name)s.",
                            name=plan_sudo.accepted_name,
                        ),
                        author_id=scope["visitor"].id,
                        message_type="comment",
                        subtype_xmlid="mail.mt_note",
                    )
            except (UserError, ValidationError) as error:
                values.update(error=self._error_text(error), signed_name=signed_name)
            else:
                return self._credit_collection_done(
                    scope,
                    request.env._(
                        "Thank you: installment plan %(plan)s is accepted and "
                        "active. The first installment of %(amount)s is due on "
                        "%(date)s.",
                        plan=plan_sudo.name,
                        amount=plan_sudo.currency_id.format(plan_sudo.next_amount),
                        date=format_date(request.env, plan_sudo.next_due_date),
                    ),
                )
        return request.render(
            "account_credit_collection.portal_credit_collection_plan", values
        )

    # === SCOPE AND ACCESS === #
    def _get_credit_collection_scope(self, access_token=None):
        """What the request may see, or None (anonymous without a token): the
        customer (sudo), its companies, who acts (the user's contact, else the
        customer) and the token to carry along. A wrong token is a 404."""
        if access_token:
            partner_sudo, company = (
                request.env["res.partner"]
                .sudo()
                ._get_by_credit_collection_portal_token(access_token)
            )
            if not partner_sudo:
                raise NotFound()
            if request.env.user._is_public():
                self._set_credit_collection_lang(partner_sudo)
                visitor = partner_sudo
            else:
                visitor = request.env.user.partner_id
            return {
                "partner": partner_sudo,
                "companies": company,
                "visitor": visitor,
                "access_token": access_token,
            }
        if request.env.user._is_public():
            return None
        return {
            "partner": request.env.user.partner_id.commercial_partner_id.sudo(),
            "companies": request.env.companies,
            "visitor": request.env.user.partner_id,
            "access_token": None,
        }

    @staticmethod
    def _set_credit_collection_lang(partner):
        installed = dict(request.env["res.lang"].get_installed())
        if partner.lang in installed:
            request.update_context(lang=partner.lang)

    @staticmethod
    def _credit_collection_login():
        return request.redirect(
            "/web/login?redirect=" + quote(request.httprequest.full_path)
        )

    @staticmethod
    def _in_credit_collection_scope(scope, partner, company):
        return partner == scope["partner"] and company in scope["companies"]

    def _get_credit_collection_invoice(self, scope, invoice_id):
        invoice_sudo = request.env["account.move"].sudo().browse(int(invoice_id))
        if not (
            invoice_sudo.exists()
            and invoice_sudo.move_type == "out_invoice"
            and invoice_sudo.state == "posted"
            and self._in_credit_collection_scope(
                scope, invoice_sudo.commercial_partner_id, invoice_sudo.company_id
            )
        ):
            raise NotFound()
        return invoice_sudo

    def _get_credit_collection_invoices(self, scope, invoice_ids):
        ids = [int(res_id) for res_id in invoice_ids if str(res_id).isdigit()]
        invoices_sudo = request.env["account.move"].sudo()
        for res_id in ids:
            invoices_sudo |= self._get_credit_collection_invoice(scope, res_id)
        return invoices_sudo

    def _get_credit_collection_plan(self, scope, plan_id):
        plan_sudo = (
            request.env["credit.collection.plan"]
            .sudo()
            .browse(int(plan_id) if str(plan_id).isdigit() else 0)
        )
        if not (
            plan_sudo.exists()
            and (plan_sudo.state != "draft" or plan_sudo.customer_requested)
        ) or not self._in_credit_collection_scope(
            scope, plan_sudo.partner_id, plan_sudo.company_id
        ):
            raise NotFound()
        return plan_sudo

    def _get_credit_collection_template(self, scope, template_id):
        template_sudo = (
            request.env["credit.collection.plan.template"]
            .sudo()
            .browse(int(template_id) if str(template_id).isdigit() else 0)
            .exists()
        )
        if template_sudo and template_sudo.company_id not in scope["companies"]:
            raise NotFound()
        return template_sudo

    @staticmethod
    def _get_next_installment(plan_sudo):
        if plan_sudo.state != "active":
            raise UserError(
                request.env._(
                    "Plan %(plan)s is not active: there is no installment to pay.",
                    plan=plan_sudo.name,
                )
            )
        return plan_sudo._get_open_lines()[:1]

    def _get_lines_to_pay(self, scope, kind, res_id, kwargs):
        """The open installments of one invoice, or the overdue ones of a company
        and currency."""
        today = fields.Date.context_today(request.env.user)
        if kind == "invoice":
            invoice_sudo = self._get_credit_collection_invoice(
                scope, int(res_id) if str(res_id).isdigit() else 0
            )
            if invoice_sudo._get_credit_collection_live_plan():
                raise UserError(
                    request.env._(
                        "This invoice is in an installment plan: pay its installments."
                    )
                )
            return invoice_sudo._get_credit_collection_lines()
        if kind != "overdue":
            raise NotFound()
        lines = scope["partner"]._get_credit_collection_portal_overdue_lines(
            scope["companies"], today
        )
        return lines.filtered(
            lambda line: (
                str(line.company_id.id) == kwargs.get("company_id")
                and str(line.currency_id.id) == kwargs.get("currency_id")
            )
        )

    # === VALUES === #
    def _prepare_credit_collection_base_values(self, scope):
        values = self._prepare_portal_layout_values()
        token = scope["access_token"]
        values.update(
            page_name="credit_collection",
            customer=scope["partner"],
            companies=scope["companies"],
            access_token=token,
            url_query=f"?{url_encode({'access_token': token})}" if token else "",
            today=fields.Date.context_today(request.env.user),
        )
        return values

    def _prepare_credit_collection_page_values(self, scope):
        values = self._prepare_credit_collection_base_values(scope)
        partner, companies, today = (
            scope["partner"],
            scope["companies"],
            values["today"],
        )
        invoices = partner._get_credit_collection_portal_invoices(companies)
        overdue_lines = partner._get_credit_collection_portal_overdue_lines(
            companies, today
        )
        overdue = invoices.filtered(
            lambda m: m._get_credit_collection_days_overdue(today) > 0
        )
        values.update(
            overdue_invoices=overdue,
            coming_invoices=invoices - overdue,
            totals=partner._get_credit_collection_portal_totals(
                invoices, overdue_lines
            ),
            plans=partner._get_credit_collection_portal_plans(companies),
            events=partner._get_credit_collection_portal_events(companies),
            can_request_plan=bool(
                self._get_requestable_invoices(scope, invoices)
                and self._get_offered_templates(scope)
            ),
        )
        return values

    def _prepare_credit_collection_form_values(self, scope, invoice_sudo):
        values = self._prepare_credit_collection_base_values(scope)
        policy = invoice_sudo.commercial_partner_id._get_credit_collection_policy(
            invoice_sudo.company_id
        )
        values.update(
            invoice=invoice_sudo,
            page_title=invoice_sudo.name,
            promise_max_date=fields.Date.add(
                values["today"], days=policy.promise_max_days if policy else 0
            )
            if policy
            else False,
        )
        return values

    def _prepare_credit_collection_plan_request_values(self, scope):
        values = self._prepare_credit_collection_base_values(scope)
        invoices = scope["partner"]._get_credit_collection_portal_invoices(
            scope["companies"]
        )
        values.update(
            page_title=request.env._("Ask for a payment plan"),
            requestable_invoices=self._get_requestable_invoices(scope, invoices),
            templates=self._get_offered_templates(scope),
            selected_invoices=request.env["account.move"],
            template=request.env["credit.collection.plan.template"],
            preview=None,
        )
        return values

    def _get_requestable_invoices(self, scope, invoices):
        today = fields.Date.context_today(request.env.user)
        invoices = invoices.filtered(
            lambda m: m._can_request_credit_collection_plan(today)
        )
        pending = request.env["credit.collection.plan"].sudo()
        pending = pending._get_pending_customer_requests(invoices).invoice_ids
        return invoices - pending

    def _get_offered_templates(self, scope):
        """{template: access} offered to the customer in its companies."""
        template_model = request.env["credit.collection.plan.template"].sudo()
        offered = {}
        for company in scope["companies"]:
            offered.update(
                template_model._get_offered_templates(scope["partner"], company)
            )
        return offered

    def _preview_credit_collection_plan(self, scope, template_sudo, invoices_sudo):
        """The plan the customer would accept, in memory (nothing is saved)."""
        plan_model = request.env["credit.collection.plan"].sudo()
        if not template_sudo:
            raise UserError(request.env._("Choose one of the plans offered."))
        plan_model._check_customer_request(
            scope["visitor"], template_sudo, invoices_sudo
        )
        plan = plan_model.new(
            plan_model._prepare_customer_request_vals(
                scope["visitor"], template_sudo, invoices_sudo
            )
        )
        plan._check_startable()
        return {"plan": plan, "needs_approval": bool(plan._get_eligibility_issue())}

    # === RESPONSES === #
    def _credit_collection_done(self, scope, message):
        values = self._prepare_credit_collection_base_values(scope)
        values.update(message=message, page_title=request.env._("Done"))
        return request.render(
            "account_credit_collection.portal_credit_collection_done", values
        )

    def _credit_collection_plan_requested(self, scope, plan_sudo):
        if plan_sudo.state == "active":
            message = request.env._(
                "Thank you: installment plan %(plan)s is active. The first "
                "installment of %(amount)s is due on %(date)s.",
                plan=plan_sudo.name,
                amount=plan_sudo.currency_id.format(plan_sudo.next_amount),
                date=format_date(request.env, plan_sudo.next_due_date),
            )
        else:
            message = request.env._(
                "Thank you: your request for installment plan %(plan)s is "
                "recorded. A collection manager will review it and you will "
                "receive the schedule by email once it is approved.",
                plan=plan_sudo.name,
            )
        return self._credit_collection_done(scope, message)

    def _credit_collection_page_error(self, scope, error):
        values = self._prepare_credit_collection_page_values(scope)
        values["error"] = self._error_text(error)
        return request.render(
            "account_credit_collection.portal_my_credit_collection", values
        )

    @staticmethod
    def _error_text(error):
        return error.args[0] if error.args else str(error)

    @staticmethod
    def _parse_credit_collection_date(value):
        try:
            date = fields.Date.to_date(value) if value else None
        except ValueError:
            date = None
        if not date:
            raise UserError(request.env._("Enter a valid date."))
        return date

    @staticmethod
    def _parse_credit_collection_amount(value):
        try:
            return float(value)
        except (TypeError, ValueError) as error:
            raise UserError(request.env._("Enter a valid amount.")) from error
