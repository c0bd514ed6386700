# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from lxml import html

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from odoo.addons.account_payment.tests.common import AccountPaymentCommon

from .common import CreditCollectionCommon


class CreditCollectionPortalCommon(CreditCollectionCommon, AccountPaymentCommon):
    """A customer with a portal user, another customer with its own, invoices due
    around today (the server and the browser run on the real clock)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider.journal_id = cls.bank_journal
        cls.today = fields.Date.today()
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Mario Rossi",
                "email": "mario@rossi.example.com",
                "parent_id": cls.customer.id,
            }
        )
        cls.portal_user = cls.make_portal_user("rossi_portal", cls.contact)
        cls.other_user = cls.make_portal_user("bianchi_portal", cls.other_customer)
        cls.old = cls.create_invoice(cls.customer, 300.0, cls.days(-20))
        cls.recent = cls.create_invoice(cls.customer, 200.0, cls.days(-5))
        cls.coming = cls.create_invoice(cls.customer, 100.0, cls.days(10))
        cls.others = cls.create_invoice(cls.other_customer, 999.0, cls.days(-20))
        cls.template = cls.env["credit.collection.plan.template"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.manager = cls.env["res.users"].create(
            {
                "name": "Collection Manager",
                "login": "cc_manager",
                "email": "manager@example.com",
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
                "groups_id": [
                    Command.set(
                        [
                            cls.env.ref("account.group_account_manager").id,
                            cls.env.ref(
                                "account_credit_collection.group_credit_collection_manager"
                            ).id,
                        ]
                    )
                ],
            }
        )
        cls.customer.with_company(cls.company).credit_collection_user_id = cls.manager

    @classmethod
    def days(cls, count):
        return cls.today + timedelta(days=count)

    @classmethod
    def make_portal_user(cls, login, partner):
        return cls.env["res.users"].create(
            {
                "name": partner.name,
                "login": login,
                "password": login,
                "partner_id": partner.id,
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
                "groups_id": [Command.set([cls.env.ref("base.group_portal").id])],
            }
        )

    # --- helpers --- #
    def token_query(self, partner=None, company=None):
        partner = partner or self.customer
        token = partner._get_credit_collection_portal_token(company or self.company)
        return f"?access_token={token}"

    def get(self, path, status=200):
        response = self.url_open(path, allow_redirects=False)
        self.assertEqual(response.status_code, status, response.text[:500])
        return response

    def submit(self, path, data, query="", status=200):
        """Post a portal form as the browser does: with the page's CSRF token."""
        page = self.get(path + query)
        csrf = html.fromstring(page.text).xpath("//input[@name='csrf_token']/@value")
        response = self.url_open(
            path + query,
            data={"csrf_token": csrf[0], **data},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, status, response.text[:800])
        return response

    def pay_post(self, data, query=""):
        """Press a Pay button of the page: it leads to the event's short link."""
        page = self.get("/my/collection" + query)
        csrf = html.fromstring(page.text).xpath("//input[@name='csrf_token']/@value")
        token = parse_qs(query[1:]).get("access_token", [None])[0]
        response = self.url_open(
            "/my/collection/pay",
            data={
                "csrf_token": csrf[0],
                **({"access_token": token} if token else {}),
                **data,
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303, response.text[:800])
        path = urlsplit(response.headers["Location"]).path
        event = self.env["credit.collection.event"].search(
            [("short_code", "=", path.split("/")[-1])]
        )
        self.assertEqual(path, f"/cc/{event.short_code}")
        return event

    def pay_through_provider(self, event):
        """Odoo's payment page for the event's link, then the provider's
        confirmation (Odoo's dummy provider)."""
        response = self.get(f"/cc/{event.short_code}", status=303)
        location = urlsplit(response.headers["Location"])
        page = self.get(f"/payment/pay?{location.query}")
        form = html.fromstring(page.text).get_element_by_id("o_payment_form")
        data = {k[5:]: v for k, v in form.attrib.items() if k.startswith("data-")}
        processing_values = self.make_jsonrpc_request(
            data["transaction-route"],
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.payment_method_id,
                "token_id": None,
                "amount": float(data["amount"]),
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": data["landing-route"],
                "is_validation": False,
                "access_token": data["access-token"],
            },
        )
        transaction = self.env["payment.transaction"].search(
            [("reference", "=", processing_values["reference"])]
        )
        transaction._set_done()
        transaction._post_process()
        return transaction

    def make_active_plan(self, invoices, propose=False):
        plan = self.env["credit.collection.plan"].create(
            {
                "partner_id": self.customer.id,
                "invoice_ids": [Command.set(invoices.ids)],
                "installment_count": 2,
                "first_due_date": self.days(10),
            }
        )
        if propose:
            plan.action_propose()
        else:
            plan.action_confirm()
        return plan


@tagged("post_install", "-at_install")
class TestCreditCollectionPortalAccess(CreditCollectionPortalCommon, HttpCase):
    def test_portal_user_sees_its_own_customer_only(self):
        self.authenticate("rossi_portal", "rossi_portal")
        page = self.get("/my/collection").text
        tree = html.fromstring(page)
        rows = tree.xpath("//tr[hasclass('o_cc_invoice')]/@data-invoice")
        self.assertEqual(rows, [self.old.name, self.recent.name, self.coming.name])
        self.assertNotIn(self.others.name, page)
        # days overdue of the oldest invoice, totals per currency
        old_row = tree.xpath(f"//tr[@data-invoice='{self.old.name}']/td")
        self.assertEqual(old_row[3].text_content().strip(), "20")
        due = tree.xpath("//strong[hasclass('o_cc_total_due')]")[0].text_content()
        overdue = tree.xpath("//strong[hasclass('o_cc_total_overdue')]")[0]
        self.assertIn("600.00", due)
        self.assertIn("500.00", overdue.text_content())
        # the home page counts the open invoices
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["credit_collection_count"]}
        )
        self.assertEqual(counters["credit_collection_count"], 3)

    def test_another_customers_records_are_not_found(self):
        plan = self.make_active_plan(self.old)
        self.authenticate("bianchi_portal", "bianchi_portal")
        self.get(f"/my/collection/invoice/{self.old.id}/promise", status=404)
        self.get(f"/my/collection/invoice/{self.old.id}/dispute", status=404)
        self.get(f"/my/collection/plan/{plan.id}", status=404)
        page = self.get("/my/collection").text
        self.assertIn(self.others.name, page)
        self.assertNotIn(self.old.name, page)
        # nor can it pay them
        page = self.get("/my/collection")
        csrf = html.fromstring(page.text).xpath("//input[@name='csrf_token']/@value")
        response = self.url_open(
            "/my/collection/pay",
            data={"csrf_token": csrf[0], "kind": "installment", "res_id": plan.id},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(
            self.env["credit.collection.event"].search([("channel", "=", "portal")])
        )

    def test_anonymous_with_the_reminders_token(self):
        event = self.run_on(self.today).event_ids.filtered(
            lambda e: e.channel == "email" and e.partner_id == self.customer
        )
        # the reminder links the page
        url = self.customer._get_credit_collection_portal_url(self.company)
        self.assertIn(url.replace("&", "&amp;"), event.mail_message_id.body)
        page = self.get(url[len(self.base_url()) :]).text
        self.assertIn(self.old.name, page)
        self.assertNotIn(self.others.name, page)
        # the token opens this customer's forms, not another's
        self.get(f"/my/collection/invoice/{self.old.id}/promise{self.token_query()}")
        self.get(
            f"/my/collection/invoice/{self.others.id}/promise{self.token_query()}",
            status=404,
        )

    def test_anonymous_without_token_is_sent_to_login(self):
        response = self.get("/my/collection", status=303)
        self.assertIn("/web/login", response.headers["Location"])

    def test_wrong_or_tampered_token_reveals_nothing(self):
        good = self.customer._get_credit_collection_portal_token(self.company)
        partner_id, company_id, signature = good.split("-")
        moved = f"{self.other_customer.id}-{company_id}-{signature}"
        altered = f"{partner_id}-{company_id}-{signature[:-1]}x"
        for token in (moved, altered, "garbage", f"{partner_id}-{company_id}-"):
            response = self.get(f"/my/collection?access_token={token}", status=404)
            self.assertNotIn(self.old.name, response.text)
            self.assertNotIn(self.others.name, response.text)
            self.get(
                f"/my/collection/invoice/{self.old.id}/dispute?access_token={token}",
                status=404,
            )

    def test_nothing_crosses_companies(self):
        company_data_b = self.setup_other_company()
        company_b = company_data_b["company"]
        invoice_b = self.create_invoice(
            self.customer, 444.0, self.days(-20), company_data=company_data_b
        )
        # the portal user belongs to the first company only (invoice numbers
        # repeat across companies: the amount tells them apart)
        self.authenticate("rossi_portal", "rossi_portal")
        self.assertNotIn("444.00", self.get("/my/collection").text)
        self.get(f"/my/collection/invoice/{invoice_b.id}/promise", status=404)
        self.logout()
        # a token opens one company
        query_a = self.token_query(company=self.company)
        self.assertNotIn("444.00", self.get("/my/collection" + query_a).text)
        self.get(f"/my/collection/invoice/{invoice_b.id}/dispute{query_a}", status=404)
        page_b = self.get("/my/collection" + self.token_query(company=company_b)).text
        self.assertIn("444.00", page_b)
        self.assertNotIn("300.00", page_b)

    def test_page_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("it_IT")
        self.env["ir.module.module"]._load_module_terms(
            ["account_credit_collection"], ["it_IT"], overwrite=True
        )
        self.customer.lang = "it_IT"
        page = self.get("/my/collection" + self.token_query()).text
        self.assertIn("Importi dovuti", page)
        self.assertIn("Paga tutto lo scaduto", page)
        self.assertNotIn("Pay all overdue", page)
        # an English customer reads English
        page = self.get(
            "/my/collection" + self.token_query(partner=self.other_customer)
        ).text
        self.assertIn("Pay all overdue", page)

    def test_forms_need_the_csrf_token(self):
        self.authenticate("rossi_portal", "rossi_portal")
        response = self.url_open(
            f"/my/collection/invoice/{self.old.id}/dispute",
            data={"reason": "Never delivered"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.old.credit_collection_blocked)


@tagged("post_install", "-at_install")
class TestCreditCollectionPortalActions(CreditCollectionPortalCommon, HttpCase):
    def test_promise_to_pay_pauses_dunning(self):
        self.authenticate("rossi_portal", "rossi_portal")
        path = f"/my/collection/invoice/{self.old.id}/promise"
        promised = self.days(7)
        response = self.submit(
            path, {"promise_date": str(promised), "amount": "150.00"}
        )
        self.assertIn("o_cc_done", response.text)
        self.assertEqual(self.old.credit_collection_promise_date, promised)
        self.assertEqual(self.old.credit_collection_promise_amount, 150.0)
        self.assertEqual(
            self.old.credit_collection_next_date, promised + timedelta(days=1)
        )
        event = self.old.credit_collection_event_ids
        self.assertEqual((event.channel, event.from_portal), ("promise", True))
        self.assertEqual(event.user_id, self.portal_user)
        note = self.old.message_ids.filtered(
            lambda m: "On the customer portal" in (m.body or "")
        )
        self.assertEqual(note.author_id, self.contact)
        # a second promise on the same invoice is refused
        page = self.get(f"/my/collection{''}").text
        self.assertIn("Promised by", page)

    def test_promise_beyond_the_policy_changes_nothing(self):
        self.policy.promise_max_days = 10
        response = self.submit(
            f"/my/collection/invoice/{self.old.id}/promise",
            {"promise_date": str(self.days(11)), "amount": "100"},
            query=self.token_query(),
        )
        self.assertIn("at most 10 days away", response.text)
        self.assertFalse(self.old.credit_collection_promise_date)
        self.assertFalse(self.old.credit_collection_event_ids)
        response = self.submit(
            f"/my/collection/invoice/{self.old.id}/promise",
            {"promise_date": "not a date", "amount": "100"},
            query=self.token_query(),
        )
        self.assertIn("Enter a valid date", response.text)

    def test_dispute_blocks_dunning_and_tasks_the_responsible(self):
        # the form the customer fills in has the box for the reason
        form = self.url_open(
            f"/my/collection/invoice/{self.recent.id}/dispute{self.token_query()}"
        )
        self.assertEqual(form.status_code, 200)
        self.assertEqual(
            len(html.fromstring(form.text).xpath("//form//textarea[@name='reason']")),
            1,
        )
        response = self.submit(
            f"/my/collection/invoice/{self.recent.id}/dispute",
            {"reason": "The goods arrived damaged"},
            query=self.token_query(),
        )
        self.assertIn("o_cc_done", response.text)
        self.assertTrue(self.recent.credit_collection_blocked)
        self.assertEqual(self.recent.credit_collection_block_reason, "dispute")
        event = self.recent.credit_collection_event_ids
        self.assertTrue(event.from_portal)
        self.assertEqual(event.activity_id.user_id, self.manager)
        self.assertIn("Dispute on", event.activity_id.summary)
        self.assertTrue(
            self.recent.message_ids.filtered(
                lambda m: (
                    "The goods arrived damaged" in (m.body or "")
                    and m.author_id == self.customer
                )
            )
        )
        # the customer sees the status; the run skips the invoice
        page = self.get("/my/collection" + self.token_query()).text
        self.assertIn("In dispute: The goods arrived damaged", page)
        run = self.run_on(self.today)
        self.assertNotIn(self.recent, run.event_ids.invoice_ids)
        self.assertIn(self.old, run.event_ids.invoice_ids)
        # an empty reason is refused
        response = self.submit(
            f"/my/collection/invoice/{self.old.id}/dispute",
            {"reason": "  "},
            query=self.token_query(),
        )
        self.assertIn("Tell us why", response.text)
        self.assertFalse(self.old.credit_collection_blocked)

    def test_pay_one_invoice(self):
        self.authenticate("rossi_portal", "rossi_portal")
        event = self.pay_post({"kind": "invoice", "res_id": self.recent.id})
        self.assertEqual((event.channel, event.from_portal), ("portal", True))
        self.assertEqual(event.invoice_ids, self.recent)
        transaction = self.pay_through_provider(event)
        self.assertEqual(transaction.amount, 200.0)
        self.assertEqual(self.recent.payment_state, "paid")
        self.assertEqual(self.old.payment_state, "not_paid")

    def test_pay_all_overdue_invoices_with_the_token(self):
        event = self.pay_post(
            {
                "kind": "overdue",
                "company_id": str(self.company.id),
                "currency_id": str(self.company.currency_id.id),
            },
            query=self.token_query(),
        )
        self.assertEqual(event.invoice_ids, self.old | self.recent)
        self.assertIn("500.00", event.note)
        transaction = self.pay_through_provider(event)
        self.assertEqual(transaction.amount, 500.0)
        self.assertEqual(
            (self.old | self.recent).mapped("payment_state"), ["paid", "paid"]
        )
        self.assertEqual(self.coming.payment_state, "not_paid")

    def test_pay_next_installment(self):
        plan = self.make_active_plan(self.old | self.recent)
        self.authenticate("rossi_portal", "rossi_portal")
        event = self.pay_post({"kind": "installment", "res_id": plan.id})
        first = plan.line_ids.sorted("due_date")[0]
        self.assertEqual(event.plan_line_id, first)
        transaction = self.pay_through_provider(event)
        self.assertEqual(transaction.amount, 250.0)
        self.assertEqual(first.state, "paid")
        self.assertEqual(plan.next_amount, 250.0)

    def test_ask_for_a_self_service_plan(self):
        self.authenticate("rossi_portal", "rossi_portal")
        path = "/my/collection/plan/new"
        data = {
            "invoice_ids": [self.old.id, self.recent.id],
            "template_id": self.template.id,
        }
        preview = self.submit(path, {**data, "step": "preview"})
        rows = html.fromstring(preview.text).xpath(
            "//table[hasclass('o_cc_schedule')]/tbody/tr"
        )
        self.assertEqual(len(rows), self.template.installment_count)
        self.assertFalse(self.env["credit.collection.plan"].search([]))
        self.submit(path, {**data, "step": "accept", "signed_name": "Mario Rossi"})
        plan = self.env["credit.collection.plan"].search([])
        self.assertRecordValues(
            plan,
            [
                {
                    "state": "active",
                    "customer_requested": True,
                    "accepted_name": "Mario Rossi",
                    "accepted_partner_id": self.contact.id,
                    "accepted_ip": "127.0.0.1",
                    "financed_amount": 500.0,
                    "template_id": self.template.id,
                }
            ],
        )
        self.assertEqual(self.old.credit_collection_plan_id, plan)
        requested = plan.event_ids.filtered(lambda e: e.plan_action == "requested")
        self.assertTrue(requested.from_portal)

    def test_plan_beyond_self_service_waits_for_a_manager(self):
        self.template.ungraded_access = "approval"
        query = self.token_query()
        data = {
            "invoice_ids": [self.old.id],
            "template_id": self.template.id,
        }
        preview = self.submit(
            "/my/collection/plan/new", {**data, "step": "preview"}, query=query
        )
        self.assertIn("o_cc_needs_approval", preview.text)
        self.submit(
            "/my/collection/plan/new",
            {**data, "step": "accept", "signed_name": "Mario Rossi"},
            query=query,
        )
        plan = self.env["credit.collection.plan"].search([])
        self.assertEqual((plan.state, plan.customer_requested), ("draft", True))
        self.assertFalse(self.old.credit_collection_plan_id)
        self.assertEqual(plan.activity_ids.user_id, self.manager)
        self.assertIn(self.manager.partner_id, plan.message_ids.notified_partner_ids)
        # the customer sees it waiting, and cannot ask twice for the invoice
        page = self.get("/my/collection" + query).text
        self.assertIn("Waiting for approval", page)
        response = self.submit(
            "/my/collection/plan/new",
            {**data, "step": "accept", "signed_name": "Mario Rossi"},
            query=query,
        )
        self.assertIn("o_cc_error", response.text)
        self.assertEqual(len(self.env["credit.collection.plan"].search([])), 1)
        # the manager approves it
        plan.with_user(self.manager).action_confirm()
        self.assertEqual(plan.state, "active")

    def test_template_not_offered_is_refused(self):
        self.template.ungraded_access = "refused"
        response = self.submit(
            "/my/collection/plan/new",
            {
                "invoice_ids": [self.old.id],
                "template_id": self.template.id,
                "step": "accept",
                "signed_name": "Mario Rossi",
            },
            query=self.token_query(),
        )
        self.assertIn("not offered to you", response.text)
        self.assertFalse(self.env["credit.collection.plan"].search([]))

    def test_accept_a_proposed_plan(self):
        plan = self.make_active_plan(self.old, propose=True)
        self.assertEqual(plan.state, "proposed")
        # the proposal email leads to the plan's page, without an account
        proposal = self.env["mail.mail"].search(
            [("model", "=", plan._name), ("res_id", "=", plan.id)]
        )
        url = plan._get_portal_url()
        self.assertIn(f"/my/collection/plan/{plan.id}?access_token=", url)
        self.assertIn(url.replace("&", "&amp;"), proposal.body_html)
        page = self.url_open(url[len(plan.get_base_url()) :])
        self.assertEqual(page.status_code, 200)
        self.assertIn(plan.name, page.text)
        query = self.token_query()
        response = self.submit(f"/my/collection/plan/{plan.id}", {}, query=query)
        self.assertIn("Type your name", response.text)
        self.assertEqual(plan.state, "proposed")
        self.submit(
            f"/my/collection/plan/{plan.id}",
            {"signed_name": "Mario Rossi"},
            query=query,
        )
        self.assertRecordValues(
            plan,
            [
                {
                    "state": "active",
                    "accepted_name": "Mario Rossi",
                    "accepted_partner_id": self.customer.id,
                }
            ],
        )
        accepted = plan.event_ids.filtered(lambda e: e.plan_action == "accepted")
        self.assertTrue(accepted.from_portal)
        self.assertTrue(
            plan.message_ids.filtered(
                lambda m: "Accepted on the customer portal" in (m.body or "")
            )
        )


@tagged("post_install", "-at_install")
class TestCreditCollectionPortalTours(CreditCollectionPortalCommon, HttpCase):
    """The customer's clicks, in Chromium."""

    def test_tour_ask_for_a_plan_and_accept_it(self):
        self.start_tour(
            "/my/collection", "credit_collection_portal_plan", login="rossi_portal"
        )
        plan = self.env["credit.collection.plan"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertRecordValues(
            plan,
            [
                {
                    "state": "active",
                    "customer_requested": True,
                    "accepted_name": "Mario Rossi",
                    "accepted_partner_id": self.contact.id,
                    "financed_amount": 500.0,
                }
            ],
        )
        self.assertEqual(plan.invoice_ids, self.old | self.recent)
        self.assertEqual(len(plan.line_ids), self.template.installment_count)
        self.assertEqual(
            (self.old | self.recent).credit_collection_plan_id, plan, "out of dunning"
        )

    def test_tour_pay_the_next_installment_with_the_demo_provider(self):
        demo_module = self.env["ir.module.module"]._get("payment_demo")
        if demo_module.state != "installed":
            self.skipTest("Odoo's payment_demo module is not installed (scripts/test)")
        self.env.ref("payment.payment_provider_demo").sudo().copy(
            {
                "company_id": self.company.id,
                "state": "test",
                "is_published": True,
                "journal_id": self.bank_journal.id,
            }
        )
        plan = self.make_active_plan(self.old | self.recent)
        first, second = plan.line_ids.sorted("due_date")
        self.start_tour(
            "/my/collection",
            "credit_collection_portal_pay_installment",
            login="rossi_portal",
        )
        transaction = self.env["payment.transaction"].search(
            [("provider_code", "=", "demo")]
        )
        self.assertEqual(transaction.state, "done")
        self.assertEqual(transaction.amount, 250.0)
        self.assertEqual(transaction.invoice_ids, self.old | self.recent)
        self.assertEqual(transaction.payment_id.amount, 250.0)
        self.assertEqual((first.state, second.state), ("paid", "open"))
        self.assertEqual(self.old.amount_residual, 50.0, "oldest due paid first")
        self.assertEqual(plan.next_amount, 250.0)
