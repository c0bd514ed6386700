# Copyright 2026 account_credit_collection authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Statutory late-payment interest (EU Directive 2011/7/EU; in Italy D.Lgs.
231/2002 as amended by D.Lgs. 192/2012).

Simple interest ``I = C x r x d / 365`` on the overdue amount, from the day after the
due date to the payment date included. ``r`` is the rate of the half-year (reference
rate on 1 January / 1 July plus the margin); a delay over several half-years takes
each half-year's rate for its days, or, in single-rate mode, the rate of the
half-year in which the delay began. Each payment lowers the base from the day after
its date. The sum is rounded once, at the end, half-up.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class InterestPeriod:
    """Days of one rate and one base: ``days`` from ``date_from`` to ``date_to``
    included."""

    date_from: date
    date_to: date
    base: Decimal
    rate: Decimal  # annual, in percent
    days: int
    year_days: int

    @property
    def interest(self):
        return self.base * self.rate / 100 * self.days / self.year_days


def half_year_start(day):
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def next_half_year_start(day):
    return date(day.year, 7, 1) if day.month <= 6 else date(day.year + 1, 1, 1)


def interest_periods(
    amount,
    payments,
    date_from,
    date_to,
    rate_of_half_year,
    single_rate_from=None,
    leap_year_days=False,
):
    """The periods of interest on ``amount`` from ``date_from`` to ``date_to``
    (both included), split where the rate or the base changes.

    :param amount: the overdue amount (Decimal)
    :param payments: (date, Decimal amount) that lowered the amount, each from the
        day after its date (payments before ``date_from`` lower it from the start)
    :param rate_of_half_year: callable(first day of a half-year) -> annual rate
        in percent (Decimal); it raises when the half-year has no rate
    :param single_rate_from: in single-rate mode, the first day of the delay: the
        rate of its half-year applies to every day
    :param leap_year_days: divide by 366 in leap years (365 otherwise)
    """
    if date_to < date_from:
        return []
    changes = sorted(payments)
    single = (
        rate_of_half_year(half_year_start(single_rate_from))
        if single_rate_from
        else None
    )
    periods = []
    day = date_from
    while day <= date_to:
        base = amount - sum((paid for paid_on, paid in changes if paid_on < day), 0)
        # the period ends before the next half-year or the day after a payment
        end = min(next_half_year_start(day) - ONE_DAY, date_to)
        for paid_on, _paid in changes:
            if day <= paid_on < end:
                end = paid_on
        if base > 0:
            periods.append(
                InterestPeriod(
                    date_from=day,
                    date_to=end,
                    base=base,
                    rate=single
                    if single is not None
                    else rate_of_half_year(half_year_start(day)),
                    days=(end - day).days + 1,
                    year_days=366 if leap_year_days and _is_leap(day.year) else 365,
                )
            )
        day = end + ONE_DAY
    return periods


def total_interest(periods, decimal_places=2):
    """The interest of the periods, rounded once, half-up."""
    total = sum((period.interest for period in periods), Decimal(0))
    return total.quantize(Decimal(1).scaleb(-decimal_places), rounding=ROUND_HALF_UP)


def _is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
