# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.tests import tagged

from ..tools import ledger_replay
from .common import CreditCollectionCommon

CUSTOMER = "2621-XCLEH"


@tagged("post_install", "-at_install")
class TestLedgerReplay(CreditCollectionCommon):
    """Customer 2621-XCLEH of the bundled dataset, its first six invoices (all due 30
    days after their date), replayed from 2012-01-13 to 2012-05-31 with the default
    policy (levels at 10, 25, 40 days; 10 days between reminders):

        invoice       due         settled     late  disputed
        A 6482427308  2012-02-12  2012-03-14  31    yes
        B 0537837854  2012-03-22  2012-04-07  16
        C 3867210105  2012-03-23  2012-04-05  13
        D 5834509499  2012-04-01  2012-04-28  27
        E 5722625204  2012-04-22  2012-05-14  22
        F 8691041327  2012-05-16  2012-05-30  14

    With disputes blocked, A is never reminded, and:
    - 04-01: B is 10 days late -> level 1 (email), listing B and C (C is 9 days late,
      D falls due that day and is not overdue yet).
    - 04-02: C reaches 10 days but the last reminder is 1 day old: gap, nothing.
      C is paid on 04-05, B on 04-07.
    - 04-11: D 10 days late, gap 10 reached -> level 1 listing D.
    - 04-26: D 25 days late -> level 2 (email + SMS) listing D and E (E 4 days late).
      D is paid on 04-28.
    - 05-02: E 10 days late but gap 6 -> waits; 05-06 (gap 10) -> level 1 listing E.
    - 05-26: F 10 days late -> level 1 listing F. F is paid on 05-30.
    Five communications: 5 emails, 1 SMS; invoices at level 1: B, D, E, F = 4;
    at level 2: D = 1; no reminder about an invoice already settled.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ledger = ledger_replay.read_ledger(
            customers={CUSTOMER}, date_to=date(2012, 4, 16)
        )

    def _replay(self, disputes):
        self.company.currency_id = self.env.ref("base.EUR")
        replay = ledger_replay.LedgerReplay(
            self.env, self.ledger, company=self.company, disputes=disputes
        ).import_ledger()
        replay.replay(date(2012, 1, 13), date(2012, 5, 31))
        return replay

    def _communications(self):
        emails = self.reminders(channel="email")
        return [
            (str(e.date), e.level_id.sequence, sorted(e.invoice_ids.mapped("ref")))
            for e in emails
        ]

    def test_replay_with_disputes_blocked(self):
        self.assertEqual(len(self.ledger), 6)
        replay = self._replay("block")
        self.assertEqual(
            self._communications(),
            [
                ("2012-04-01", 10, ["0537837854", "3867210105"]),
                ("2012-04-11", 10, ["5834509499"]),
                ("2012-04-26", 20, ["5722625204", "5834509499"]),
                ("2012-05-06", 10, ["5722625204"]),
                ("2012-05-26", 10, ["8691041327"]),
            ],
        )
        self.assertEqual(len(self.reminders(channel="sms")), 1)
        self.assertEqual(replay.level_counts(), {10: 4, 20: 1})
        self.assertEqual(replay.settled_reminders(), 0)
        disputed = replay.moves["6482427308"]
        self.assertTrue(disputed.credit_collection_blocked)
        self.assertEqual(disputed.payment_state, "paid")
        partner = replay.partners[CUSTOMER]
        self.assertEqual(partner.country_id.code, "DE")
        self.assertEqual(partner.email, "accounts.2621-xcleh@example.com")

    def test_replay_with_disputes_ignored(self):
        """A is now dunned too: 02-22 level 1 (10 days late), 03-08 level 2 (25 days,
        gap 15); it is paid on 03-14, before its level 3 on 03-23. The rest as above:
        on 04-01 the last reminder is 24 days old."""
        replay = self._replay("ignore")
        self.assertEqual(
            self._communications()[:3],
            [
                ("2012-02-22", 10, ["6482427308"]),
                ("2012-03-08", 20, ["6482427308"]),
                ("2012-04-01", 10, ["0537837854", "3867210105"]),
            ],
        )
        self.assertEqual(len(self.reminders(channel="email")), 7)
        self.assertEqual(len(self.reminders(channel="sms")), 2)
        self.assertEqual(replay.level_counts(), {10: 5, 20: 2})
        self.assertEqual(replay.settled_reminders(), 0)
