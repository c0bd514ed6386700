# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Replay the bundled accounts-receivable ledger through the collection run.

Run by scripts/demo, with Odoo's Python, on a database that has the module installed.
Emails leave Odoo through a local SMTP server that stores each one as a .eml file;
SMS go through Odoo's SMS queue to a local stand-in of the SMS gateway, which records
them.
"""

import argparse
import gc
import json
import logging
import socket
import statistics
import sys
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller

import odoo
from odoo import SUPERUSER_ID, api


class EmlStore:
    """aiosmtpd handler: one .eml file per delivered message.

    Messages to the customers (the demo's addresses start with "accounts.") are
    counted apart from Odoo's internal notifications (tasks assigned to users)."""

    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.to_customers = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            if any(rcpt.startswith("accounts.") for rcpt in envelope.rcpt_tos):
                self.to_customers += 1
            path = self.folder / f"{self.count:06d}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


class SmsGatewayStandIn(BaseHTTPRequestHandler):
    """Answers Odoo's SMS API (JSON-RPC /api/sms/3/send) and records every SMS."""

    sent = []
    record_file = None

    def do_POST(self):
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        results = []
        for message in payload["params"]["messages"]:
            for number in message["numbers"]:
                self.sent.append(
                    {"number": number["number"], "body": message["content"]}
                )
                with open(self.record_file, "a", encoding="utf-8") as handle:
                    handle.write(json.dumps(self.sent[-1], ensure_ascii=False) + "\n")
                results.append(
                    {"uuid": number["uuid"], "state": "success", "credit": 1}
                )
        body = json.dumps(
            {"jsonrpc": "2.0", "id": payload.get("id"), "result": results}
        )
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conf", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat)
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat)
    parser.add_argument("--disputes", choices=("block", "ignore"), default="block")
    return parser.parse_args(argv)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_servers(out):
    mail_dir = out / "mail"
    mail_dir.mkdir(parents=True, exist_ok=True)
    store = EmlStore(mail_dir)
    smtp = Controller(store, hostname="127.0.0.1", port=free_port())
    smtp.start()
    SmsGatewayStandIn.record_file = out / "sms.jsonl"
    SmsGatewayStandIn.record_file.write_text("")
    sms = ThreadingHTTPServer(("127.0.0.1", 0), SmsGatewayStandIn)
    threading.Thread(target=sms.serve_forever, daemon=True).start()
    return store, smtp, sms


def configure(env, smtp_port, sms_port):
    env["ir.mail_server"].search([]).write({"active": False})
    env["ir.mail_server"].create(
        {
            "name": "Demo SMTP sink",
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_port,
            "smtp_encryption": "none",
        }
    )
    params = env["ir.config_parameter"]
    params.set_param("sms.endpoint", f"http://127.0.0.1:{sms_port}")
    params.set_param("mail.catchall.domain", "example.com")
    params.set_param("mail.default.from", "collections")
    company = env.company
    company.write({"email": "collections@example.com"})
    if company.currency_id != env.ref("base.EUR"):
        env.ref("base.EUR").active = True
        company.currency_id = env.ref("base.EUR")


def flush_queues(env):
    env["mail.mail"].sudo().process_email_queue()
    env["sms.sms"].sudo()._process_queue()


def collect_garbage():
    """Free the day's environments.

    A transaction knows every environment made on it until that environment is
    garbage collected, and Odoo scans them all many times per payment
    (``api.Environment.__new__``, ``account.move._disable_recursion``). Only the
    cycle collector frees an environment (the records it caches, its user and
    company, refer back to it), and its full collections get rarer as the heap
    grows; the replay keeps one cursor, hence one transaction, for 740 days.
    Without this, hundreds of dead environments pile up and each day is slower
    than the one before."""
    gc.collect()


def main(argv):
    args = parse_args(argv)
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    odoo.tools.config.parse_config(["-c", args.conf, "--log-level=warn"])
    odoo.modules.module.initialize_sys_path()
    # the addons path is known only once the configuration is read
    from odoo.addons.account_credit_collection.tools import ledger_replay

    store, smtp, sms = start_servers(out)
    started = time.monotonic()
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        # as the administrator (superuser mode), who is also the collection
        # responsible: the tasks it gives itself send no notification emails
        admin = api.Environment(cr, SUPERUSER_ID, {}).ref("base.user_admin")
        env = api.Environment(cr, admin.id, {}, su=True)
        configure(env, smtp.port, sms.server_address[1])
        ledger = ledger_replay.read_ledger()
        print(f"importing {len(ledger)} invoices ...", flush=True)
        replay = ledger_replay.LedgerReplay(env, ledger, disputes=args.disputes)
        replay.import_ledger()
        cr.commit()
        print(f"imported in {time.monotonic() - started:.0f} s", flush=True)
        days = replay.days(args.date_from, args.date_to)
        run_times = []
        # What is loaded by now (the registry, the ledger) lives until the end: out
        # of the cycle collector's way, so that collect_garbage() stays cheap.
        gc.collect()
        gc.freeze()

        def after_day(day, run):
            run_times.append(run.duration)
            cr.commit()  # Odoo force-sends task notifications after the commit
            flush_queues(env)
            cr.commit()
            collect_garbage()
            if day.day == 1 or day == days[-1]:
                done = days.index(day) + 1
                print(
                    f"{day}  {done:4d}/{len(days)} days  "
                    f"emails {store.to_customers:5d}  "
                    f"sms {len(SmsGatewayStandIn.sent):4d}  "
                    f"{time.monotonic() - started:6.0f} s",
                    flush=True,
                )

        runs = replay.replay(days[0], days[-1], after_day=after_day)
        flush_queues(env)
        cr.commit()
        time.sleep(0.5)  # let the SMTP server finish writing the last message
        report = build_report(env, replay, runs, store, run_times, started)
    report["emails_delivered"] = store.to_customers
    report["internal_notifications_delivered"] = store.count - store.to_customers
    smtp.stop()
    sms.shutdown()
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    print(f"report and messages in {out}")
    return 0 if report["reminders_after_settlement"] == 0 else 1


def build_report(env, replay, runs, store, run_times, started):
    events = env["credit.collection.event"].search(
        [("company_id", "=", replay.company.id), ("state", "=", "done")]
    )
    by_channel = {
        channel: len(
            events.filtered(lambda e, c=channel: e.channel == c and e.level_id)
        )
        for channel in ("email", "sms", "letter", "phone")
    }
    first, last = runs[:1].date, runs[-1:].date
    kpis = replay.company._get_credit_collection_kpis(first, last)
    return {
        "invoices": len(replay.moves),
        "customers": len(replay.partners),
        "period": [str(first), str(last)],
        "disputes": replay.disputes,
        "level_counts": replay.level_counts(),
        "emails_delivered": store.to_customers,
        "emails_queued_by_odoo": by_channel["email"],
        "sms": len(SmsGatewayStandIn.sent),
        "letters": by_channel["letter"],
        "phone_tasks": by_channel["phone"],
        "reminders_after_settlement": replay.settled_reminders(),
        "collection_cost_total": round(sum(events.mapped("cost")), 2),
        "dso_days": kpis["dso"],
        "average_days_delinquent": kpis["add"],
        "runs": len(runs),
        "run_seconds_median": round(statistics.median(run_times), 3)
        if run_times
        else 0,
        "run_seconds_max": round(max(run_times), 3) if run_times else 0,
        "wall_seconds": round(time.monotonic() - started, 1),
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
