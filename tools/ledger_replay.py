# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Replay a real accounts-receivable ledger day by day through the collection run.

Used by ``scripts/demo`` (the whole bundled dataset) and by the tests (a slice of it):
customers and invoices are imported as they were, then for every day the payments
settled that day are registered and reconciled, the disputed invoices that fall due are
put in dispute, and the collection runs as of that day.
"""

import csv
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import phonenumbers

from odoo import Command

DATASET = (
    Path(__file__).resolve().parent.parent / "demo" / "accounts-receivable-sample.csv"
)
# The dataset's numeric country codes, mapped to countries of our choice.
COUNTRIES = {"391": "IT", "406": "DE", "770": "FR", "818": "ES", "897": "AT"}
LANGS = {"IT": "it_IT"}
NAME_PARTS = (
    ("Alpina", "Borealis", "Castello", "Delta", "Europa", "Fiera", "Galileo", "Helios",
     "Iris", "Lago", "Mercurio", "Nova", "Orione", "Pegaso", "Quadra", "Rialto", "Sole",
     "Tirreno", "Urbe", "Vesta"),
    ("Forniture", "Logistica", "Impianti", "Alimentari", "Tessile", "Meccanica",
     "Edilizia", "Trasporti", "Elettronica", "Servizi"),
    ("S.r.l.", "S.p.A.", "GmbH", "SARL", "S.L.", "AG"),
)  # fmt: skip


@dataclass(frozen=True)
class LedgerInvoice:
    number: str
    customer: str
    country_code: str
    invoice_date: date
    due_date: date
    settled_date: date
    amount: float
    disputed: bool


def _date(text):
    return datetime.strptime(text, "%m/%d/%Y").date()


def read_ledger(path=DATASET, customers=None, date_from=None, date_to=None):
    """The ledger's invoices, optionally only some customers' and those invoiced
    within [date_from, date_to]."""
    invoices = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            invoice = LedgerInvoice(
                number=row["invoiceNumber"],
                customer=row["customerID"],
                country_code=row["countryCode"],
                invoice_date=_date(row["InvoiceDate"]),
                due_date=_date(row["DueDate"]),
                settled_date=_date(row["SettledDate"]),
                amount=float(row["InvoiceAmount"]),
                disputed=row["Disputed"] == "Yes",
            )
            if customers and invoice.customer not in customers:
                continue
            if date_from and invoice.invoice_date < date_from:
                continue
            if date_to and invoice.invoice_date > date_to:
                continue
            invoices.append(invoice)
    return sorted(invoices, key=lambda i: (i.invoice_date, i.number))


def _digits(seed, count):
    """Deterministic digits derived from ``seed``."""
    digest = hashlib.sha256(seed.encode()).hexdigest()
    return "".join(str(int(c, 16) % 10) for c in digest)[:count]


def customer_values(customer_id, country_code):
    """Name, email and mobile of a dataset customer, always the same for one id."""
    seed = int(hashlib.sha256(customer_id.encode()).hexdigest(), 16)
    first, activity, suffix = NAME_PARTS
    country = COUNTRIES[country_code]
    name = (
        f"{first[seed % len(first)]} {activity[(seed // 20) % len(activity)]} "
        f"{suffix[(seed // 200) % len(suffix)]} ({customer_id})"
    )
    slug = customer_id.lower()
    return {
        "name": name,
        "is_company": True,
        "email": f"accounts.{slug}@example.com",
        "mobile": _mobile_number(country, customer_id),
        "country_code": country,
        "ref": customer_id,
    }


def _mobile_number(country, seed):
    """A valid mobile number of ``country`` in international form."""
    example = phonenumbers.example_number_for_type(
        country, phonenumbers.PhoneNumberType.MOBILE
    )
    national = str(example.national_number)
    for attempt in range(50):
        tail = _digits(f"{seed}-{attempt}", 5)
        number = phonenumbers.parse(f"+{example.country_code}{national[:-5]}{tail}")
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
            )
    return phonenumbers.format_number(
        example, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )


class LedgerReplay:
    """Imports a ledger into a company and replays it day by day."""

    def __init__(self, env, ledger, company=None, disputes="block", batch_size=200):
        self.env = env
        self.ledger = ledger
        self.company = company or env.company
        self.disputes = disputes
        self.batch_size = batch_size
        self.partners = {}
        self.moves = {}
        self.invoices_by_move = {}
        self.settled_on = defaultdict(list)
        self.disputed_on = defaultdict(list)

    # --- import --- #
    def import_ledger(self):
        self._import_customers()
        self._import_invoices()
        for invoice in self.ledger:
            self.settled_on[invoice.settled_date].append(invoice)
            if invoice.disputed and self.disputes == "block":
                self.disputed_on[invoice.due_date].append(invoice)
        return self

    def _import_customers(self):
        countries = {
            c.code: c
            for c in self.env["res.country"].search(
                [("code", "in", list(COUNTRIES.values()))]
            )
        }
        langs = set(self.env["res.lang"].search([]).mapped("code"))
        Partner = self.env["res.partner"]
        customers = {}
        for invoice in self.ledger:
            customers.setdefault(invoice.customer, invoice.country_code)
        existing = {p.ref: p for p in Partner.search([("ref", "in", list(customers))])}
        to_create = []
        for customer_id, country_code in customers.items():
            if customer_id in existing:
                continue
            values = customer_values(customer_id, country_code)
            country = countries[values.pop("country_code")]
            lang = LANGS.get(country.code)
            to_create.append(
                {
                    **values,
                    "country_id": country.id,
                    **({"lang": lang} if lang in langs else {}),
                }
            )
        created = Partner.create(to_create)
        self.partners = {**existing, **{p.ref: p for p in created}}

    def _import_invoices(self):
        Move = (
            self.env["account.move"]
            .with_company(self.company)
            .with_context(tracking_disable=True, mail_create_nolog=True)
        )
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1
        )
        product = self._get_product()
        existing = {
            m.ref: m
            for m in Move.search(
                [
                    ("ref", "in", [i.number for i in self.ledger]),
                    ("move_type", "=", "out_invoice"),
                ]
            )
        }
        pending = [i for i in self.ledger if i.number not in existing]
        currency = self.env.ref("base.EUR")
        for start in range(0, len(pending), self.batch_size):
            chunk = pending[start : start + self.batch_size]
            moves = Move.create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.partners[invoice.customer].id,
                        "journal_id": journal.id,
                        "currency_id": currency.id,
                        "invoice_date": invoice.invoice_date,
                        "date": invoice.invoice_date,
                        "invoice_date_due": invoice.due_date,
                        "ref": invoice.number,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "quantity": 1,
                                    "price_unit": invoice.amount,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                    for invoice in chunk
                ]
            )
            moves.action_post()
            existing.update({m.ref: m for m in moves})
        self.moves = existing
        by_number = {i.number: i for i in self.ledger}
        self.invoices_by_move = {m.id: by_number[ref] for ref, m in existing.items()}

    def _get_product(self):
        product = self.env["product.product"].search(
            [("default_code", "=", "AR-REPLAY")], limit=1
        )
        return product or self.env["product.product"].create(
            {
                "name": "Goods and services",
                "default_code": "AR-REPLAY",
                "type": "service",
            }
        )

    # --- replay --- #
    def days(self, date_from=None, date_to=None):
        first = date_from or min(i.invoice_date for i in self.ledger)
        last = date_to or max(i.settled_date for i in self.ledger)
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def replay(self, date_from=None, date_to=None, after_day=None):
        """Run every day of the period; ``after_day(day, run)`` is called after each."""
        runs = self.env["credit.collection.run"]
        for day in self.days(date_from, date_to):
            runs |= self.replay_day(day)
            if after_day:
                after_day(day, runs[-1])
        return runs

    def replay_day(self, day):
        self.register_payments(day)
        self.open_disputes(day)
        run = self.env["credit.collection.run"].create(
            {"company_id": self.company.id, "date": day}
        )
        run.action_run()
        return run

    def register_payments(self, day):
        moves = (
            self.env["account.move"]
            .union(*(self.moves[i.number] for i in self.settled_on.get(day, ())))
            .filtered(lambda m: m.payment_state not in ("paid", "in_payment"))
        )
        if not moves:
            return
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1
        )
        # the replay needs no chatter on the payments it creates
        self.env["account.payment.register"].with_company(self.company).with_context(
            active_model="account.move",
            active_ids=moves.ids,
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
        ).create(
            {"payment_date": day, "journal_id": journal.id, "group_payment": False}
        )._create_payments()

    def open_disputes(self, day):
        moves = (
            self.env["account.move"]
            .union(*(self.moves[i.number] for i in self.disputed_on.get(day, ())))
            .filtered(lambda m: not m.credit_collection_blocked)
        )
        if moves:
            moves._set_credit_collection_dispute("Disputed in the source ledger", day)

    def replay_payments(self, date_from=None, date_to=None):
        """Only the payments and disputes of every day, without collection runs:
        the customers' payment history as the ledger has it."""
        for day in self.days(date_from, date_to):
            self.register_payments(day)
            self.open_disputes(day)

    # --- figures --- #
    def settled_reminders(self):
        """Reminders listing an invoice already settled on the day they were sent."""
        events = self.env["credit.collection.event"].search(
            [
                ("company_id", "=", self.company.id),
                ("level_id", "!=", False),
                ("channel", "in", ("email", "sms", "letter", "phone")),
                ("state", "=", "done"),
            ]
        )
        count = 0
        for event in events:
            for move in event.invoice_ids:
                invoice = self.invoices_by_move.get(move.id)
                if invoice and invoice.settled_date <= event.date:
                    count += 1
        return count

    def level_counts(self):
        """{level sequence: invoices that reached it}."""
        events = self.env["credit.collection.event"].search(
            [("company_id", "=", self.company.id), ("level_id", "!=", False)]
        )
        counts = events._get_level_invoice_counts()
        return {level.sequence: count for level, count in counts.items()}
