# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Time one daily collection run over a synthetic ledger.

Run by scripts/bench, with Odoo's Python, on a database that has the module installed.
The ledger is built from a few template documents made through the ORM (an invoice in
EUR, one in USD, one with two payment-term installments, one partly paid, a credit
note), then copied in SQL for every customer: going through the ORM for 100,000
invoices would take most of an hour. The copies get the customer, dates shifted and
amounts multiplied by whole numbers (so every copy stays balanced to the cent).
"""

import argparse
import random
import re
import resource
import sys
import time
import tracemalloc
from datetime import date, timedelta

import odoo
from odoo import SUPERUSER_ID, Command, api

# share of each template in the ledger
MIX = {"eur": 55, "usd": 15, "installments": 10, "partial": 12, "refund": 8}
SCALED = re.compile(r"amount|balance|debit|credit|price_subtotal|price_total|residual")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--invoices", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2025, 6, 30))
    parser.add_argument(
        "--days",
        type=int,
        default=2,
        help="consecutive daily runs to time: the first reminds nearly everyone "
        "(a ledger with no history), the next ones are ordinary days",
    )
    parser.add_argument(
        "--trace-memory",
        action="store_true",
        help="also trace Python allocations (tracemalloc: about twice slower)",
    )
    return parser.parse_args(argv)


def setup_company(env):
    company = env.company
    eur, usd = env.ref("base.EUR"), env.ref("base.USD")
    (eur | usd).active = True
    if company.currency_id != eur:
        company.currency_id = eur
    env["res.currency.rate"].create(
        {
            "currency_id": usd.id,
            "name": "2000-01-01",
            "rate": 1.1,
            "company_id": company.id,
        }
    )
    company.email = "collections@example.com"
    return company


def create_customers(env, count, rng):
    italy = env.ref("base.it")
    partners = env["res.partner"]
    for start in range(0, count, 1000):
        partners |= partners.create(
            [
                {
                    "name": f"Bench Customer {i:06d}",
                    "is_company": True,
                    "email": f"bench{i:06d}@example.com",
                    "mobile": f"+39 3{rng.randint(20, 49)} "
                    f"{rng.randint(1000000, 9999999)}",
                    "country_id": italy.id,
                }
                for i in range(start, min(count, start + 1000))
            ]
        )
    return partners


def create_templates(env, company, run_date):
    """One small document per kind, through the ORM; returns {kind: moves}."""
    partner = env["res.partner"].create({"name": "Template customer"})
    product = env["product.product"].create(
        {"name": "Bench service", "type": "service"}
    )
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    term = env["account.payment.term"].create(
        {
            "name": "Bench 50/50",
            "line_ids": [
                Command.create({"value": "percent", "value_amount": 50, "nb_days": 30}),
                Command.create({"value": "percent", "value_amount": 50, "nb_days": 60}),
            ],
        }
    )
    invoice_date = run_date - timedelta(days=30)

    def invoice(amount, move_type="out_invoice", **values):
        move = env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "journal_id": journal.id,
                "invoice_date": invoice_date,
                "date": invoice_date,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
                **values,
            }
        )
        move.action_post()
        return move

    templates = {
        "eur": invoice(100.0, invoice_date_due=run_date),
        "usd": invoice(
            100.0, invoice_date_due=run_date, currency_id=env.ref("base.USD").id
        ),
        "installments": invoice(300.0, invoice_payment_term_id=term.id),
        "refund": invoice(40.0, move_type="out_refund", invoice_date_due=run_date),
    }
    partial = invoice(200.0, invoice_date_due=run_date)
    payment = (
        env["account.payment.register"]
        .with_context(active_model="account.move", active_ids=partial.ids)
        .create({"amount": 50.0, "payment_date": invoice_date})
        ._create_payments()
    )
    templates["partial"] = partial | payment.move_id
    return partner, templates


def columns(cr, table):
    cr.execute(
        """SELECT column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name = %s
         ORDER BY ordinal_position""",
        [table],
    )
    return cr.fetchall()


def copy_expression(column, data_type, source="t"):
    if data_type == "date":
        return f"{source}.{column} + c.shift"
    if (
        data_type == "numeric"
        and SCALED.search(column)
        and column != "invoice_currency_rate"
    ):
        return f"{source}.{column} * c.factor"
    if column in ("partner_id", "commercial_partner_id", "partner_shipping_id"):
        return f"CASE WHEN {source}.{column} IS NULL THEN NULL ELSE c.partner_id END"
    if column in (
        "access_token",
        "origin_payment_id",
        "payment_id",
        "full_reconcile_id",
        "matching_number",
        "exchange_move_id",
    ):
        return "NULL"
    if column in ("name", "move_name"):
        return f"{source}.{column} || '-' || c.i"
    return f"{source}.{column}"


def copy_ledger(cr, templates, partners, invoice_count, run_date, rng):
    """Copy the templates in SQL: invoice_count documents spread over the customers."""
    kinds = [kind for kind, weight in MIX.items() for _i in range(weight)]
    copies = []
    for i in range(invoice_count):
        kind = kinds[rng.randrange(len(kinds))]
        partner = partners[i % len(partners)]
        # due dates from 120 days overdue to 20 days ahead
        copies.append((i, kind, partner, rng.randint(-120, 20), rng.randint(1, 25)))
    cr.execute(
        "CREATE TEMP TABLE bench_copy (i int, kind varchar, partner_id int, shift int, "
        "factor int) ON COMMIT DROP"
    )
    cr.execute(
        "INSERT INTO bench_copy SELECT * FROM unnest("
        "%s::int[], %s::varchar[], %s::int[], %s::int[], %s::int[])",
        [list(column) for column in zip(*copies, strict=True)],
    )
    cr.execute(
        "CREATE TEMP TABLE bench_template (kind varchar, move_id int) ON COMMIT DROP"
    )
    cr.execute(
        "INSERT INTO bench_template SELECT * FROM unnest(%s::varchar[], %s::int[])",
        [
            [kind for kind, moves in templates.items() for _m in moves],
            [m.id for moves in templates.values() for m in moves],
        ],
    )
    cr.execute(
        """CREATE TEMP TABLE move_map ON COMMIT DROP AS
           SELECT t.move_id AS old_id, c.i, nextval('account_move_id_seq') AS new_id
             FROM bench_template t JOIN bench_copy c ON c.kind = t.kind"""
    )
    cr.execute(
        """CREATE TEMP TABLE line_map ON COMMIT DROP AS
           SELECT l.id AS old_id, m.i, nextval('account_move_line_id_seq') AS new_id
             FROM account_move_line l JOIN move_map m ON m.old_id = l.move_id"""
    )
    insert(cr, "account_move", "move_map m ON m.old_id = t.id", {"id": "m.new_id"})
    insert(
        cr,
        "account_move_line",
        "line_map lm ON lm.old_id = t.id "
        "JOIN move_map m ON m.old_id = t.move_id AND m.i = lm.i",
        {"id": "lm.new_id", "move_id": "m.new_id"},
        copy_key="lm.i",
    )
    insert(
        cr,
        "account_partial_reconcile",
        "line_map d ON d.old_id = t.debit_move_id "
        "JOIN line_map cr_ ON cr_.old_id = t.credit_move_id AND cr_.i = d.i",
        {
            "id": "nextval('account_partial_reconcile_id_seq')",
            "debit_move_id": "d.new_id",
            "credit_move_id": "cr_.new_id",
        },
        copy_key="d.i",
    )
    cr.execute(
        "ANALYZE account_move; ANALYZE account_move_line; "
        "ANALYZE account_partial_reconcile"
    )


def insert(cr, table, join, overrides, copy_key="m.i"):
    cols = columns(cr, table)
    names = ", ".join(f'"{name}"' for name, _type in cols)
    exprs = ", ".join(
        overrides.get(name) or copy_expression(name, data_type)
        for name, data_type in cols
    )
    cr.execute(
        f"""INSERT INTO {table} ({names})
            SELECT {exprs} FROM {table} t JOIN {join}
              JOIN bench_copy c ON c.i = {copy_key}"""
    )


def main(argv):
    args = parse_args(argv)
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level=warn"])
    rng = random.Random(args.seed)
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        started = time.monotonic()
        company = setup_company(env)
        partners = create_customers(env, args.customers, rng)
        _template_partner, templates = create_templates(env, company, args.date)
        env.flush_all()
        copy_ledger(cr, templates, partners.ids, args.invoices, args.date, rng)
        env.invalidate_all()
        cr.commit()
        built = time.monotonic() - started
        open_lines = env["account.move.line"].search_count(
            [
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
            ]
        )
        print(
            f"ledger built in {built:.0f} s: {len(partners)} customers, "
            f"{args.invoices} documents, {open_lines} open receivable lines",
            flush=True,
        )
        print(f"customers {args.customers}  documents {args.invoices}")
        for day in range(args.days):
            run_date = args.date + timedelta(days=day)
            print_figures(run_date, time_run(env, company, run_date, args.trace_memory))
        cr.rollback()  # the runs are measured, not kept
    return 0


def time_run(env, company, run_date, trace_memory=False):
    run = env["credit.collection.run"].create(
        {"company_id": company.id, "date": run_date}
    )
    env.flush_all()
    env.invalidate_all()
    cr = env.cr
    queries_before = cr.sql_log_count
    mails_before = env["mail.mail"].search_count([])
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace_memory:
        tracemalloc.start()
    started = time.monotonic()
    run.action_run()
    env.flush_all()
    seconds = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1] if trace_memory else None
    tracemalloc.stop()
    return {
        "seconds": seconds,
        "queries": cr.sql_log_count - queries_before,
        "reminded": run.reminded_count,
        "customers_in_queue": len(run.item_ids),
        "events": len(run.event_ids),
        "mails": env["mail.mail"].search_count([]) - mails_before,
        "peak_python_mb": peak / 2**20 if peak is not None else None,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_growth_mb": (
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
        )
        / 1024,
    }


def print_figures(run_date, f):
    per_customer = f["queries"] / f["reminded"] if f["reminded"] else float("nan")
    memory = f"peak RSS {f['rss_mb']:.0f} MB (+{f['rss_growth_mb']:.0f} MB in the run)"
    if f["peak_python_mb"] is not None:
        memory += f", peak Python allocations {f['peak_python_mb']:.0f} MB"
    print(
        f"run of {run_date}: {f['seconds']:.1f} s wall, "
        f"{f['customers_in_queue']} customers examined, "
        f"{f['reminded']} reminded, {f['events']} events, {f['mails']} mails queued\n"
        f"  queries: {f['queries']} ({per_customer:.1f} per reminded customer)\n"
        f"  memory: {memory}",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
