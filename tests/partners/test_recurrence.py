"""The pure occurrence function on its edges (no database)."""

from datetime import UTC, date, time, timedelta
from types import SimpleNamespace

from familieschool.calendar import public_holidays
from familieschool.constants import Recurrence, Weekday
from familieschool.recurrence import occurrences
from partners.weeks import local_datetime

MON, WED, THU, FRI, SUN = (
    Weekday.MONDAY,
    Weekday.WEDNESDAY,
    Weekday.THURSDAY,
    Weekday.FRIDAY,
    Weekday.SUNDAY,
)


def schedule(weekday=MON, recurrence=Recurrence.WEEKLY, valid_from=date(2026, 1, 1), **extra):
    return SimpleNamespace(
        weekday=weekday,
        recurrence=recurrence,
        nth=extra.get("nth"),
        valid_from=valid_from,
        valid_until=extra.get("valid_until"),
    )


# --- daylight saving time ----------------------------------------------------------------


def test_weekly_dates_step_over_the_spring_change_on_the_same_weekday():
    # Summer time starts on the last Sunday of March: 29 March 2026.
    days = occurrences(schedule(MON), date(2026, 3, 16), date(2026, 4, 5))
    assert days == [date(2026, 3, 16), date(2026, 3, 23), date(2026, 3, 30)]


def test_the_wall_clock_time_stays_the_same_across_the_spring_change():
    before, after = occurrences(schedule(MON), date(2026, 3, 23), date(2026, 3, 30))
    nine_before = local_datetime(before, time(9, 0))
    nine_after = local_datetime(after, time(9, 0))
    assert (nine_before.hour, nine_after.hour) == (9, 9)
    assert nine_before.utcoffset() == timedelta(hours=1)
    assert nine_after.utcoffset() == timedelta(hours=2)
    # A week apart on the wall clock is one hour less than 7 x 24 hours in real time.
    assert nine_after.astimezone(UTC) - nine_before.astimezone(UTC) == timedelta(days=7, hours=-1)


def test_the_wall_clock_time_stays_the_same_across_the_autumn_change():
    # Winter time starts on the last Sunday of October: 25 October 2026.
    before, after = occurrences(schedule(MON), date(2026, 10, 19), date(2026, 10, 26))
    nine_before = local_datetime(before, time(9, 0))
    nine_after = local_datetime(after, time(9, 0))
    assert (nine_before.hour, nine_after.hour) == (9, 9)
    assert nine_before.utcoffset() == timedelta(hours=2)
    assert nine_after.utcoffset() == timedelta(hours=1)
    assert nine_after.astimezone(UTC) - nine_before.astimezone(UTC) == timedelta(days=7, hours=1)


def test_a_sunday_schedule_takes_place_on_the_days_the_clocks_change():
    spring = occurrences(schedule(SUN), date(2026, 3, 28), date(2026, 3, 30))
    autumn = occurrences(schedule(SUN), date(2026, 10, 24), date(2026, 10, 26))
    assert spring == [date(2026, 3, 29)]
    assert autumn == [date(2026, 10, 25)]


# --- every other week --------------------------------------------------------------------


def test_every_other_week_starts_in_the_week_of_valid_from():
    monday_start = schedule(MON, Recurrence.BIWEEKLY, valid_from=date(2026, 11, 2))
    days = occurrences(monday_start, date(2026, 11, 1), date(2026, 12, 31))
    assert days == [
        date(2026, 11, 2),
        date(2026, 11, 16),
        date(2026, 11, 30),
        date(2026, 12, 14),
        date(2026, 12, 28),
    ]


def test_every_other_week_keeps_the_week_of_valid_from_when_it_is_later_in_that_week():
    # Valid from a Wednesday, held on Mondays: the Monday of that week (2 Nov) is the anchor
    # but lies before valid_from, so the first date is two weeks later, not the next Monday.
    wednesday_start = schedule(MON, Recurrence.BIWEEKLY, valid_from=date(2026, 11, 4))
    days = occurrences(wednesday_start, date(2026, 11, 1), date(2026, 12, 15))
    assert days == [date(2026, 11, 16), date(2026, 11, 30), date(2026, 12, 14)]


def test_every_other_week_counts_a_sunday_valid_from_as_the_end_of_its_week():
    sunday_start = schedule(MON, Recurrence.BIWEEKLY, valid_from=date(2026, 11, 8))
    days = occurrences(sunday_start, date(2026, 11, 1), date(2026, 11, 30))
    assert days == [date(2026, 11, 16), date(2026, 11, 30)]


def test_every_other_week_on_a_later_weekday_than_valid_from_starts_that_same_week():
    tuesday_start = schedule(THU, Recurrence.BIWEEKLY, valid_from=date(2026, 11, 3))
    days = occurrences(tuesday_start, date(2026, 11, 1), date(2026, 11, 30))
    assert days == [date(2026, 11, 5), date(2026, 11, 19)]


def test_every_other_week_keeps_its_rhythm_in_a_window_that_starts_in_an_off_week():
    biweekly = schedule(MON, Recurrence.BIWEEKLY, valid_from=date(2026, 11, 2))
    assert occurrences(biweekly, date(2026, 11, 9), date(2026, 11, 22)) == [date(2026, 11, 16)]
    # A year on (52 weeks, an even number) the rhythm still holds.
    assert occurrences(biweekly, date(2027, 11, 1), date(2027, 11, 14)) == [date(2027, 11, 1)]


# --- holidays, validity ------------------------------------------------------------------


def test_skipped_days_are_left_out_and_the_others_kept():
    christmas_break = {date(2026, 12, 21) + timedelta(days=n) for n in range(14)}
    days = occurrences(schedule(MON), date(2026, 12, 14), date(2027, 1, 11), skip=christmas_break)
    assert days == [date(2026, 12, 14), date(2027, 1, 4), date(2027, 1, 11)]


def test_public_holidays_come_from_the_holidays_package():
    found = public_holidays(date(2026, 12, 1), date(2027, 4, 30))
    assert {date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1), date(2027, 4, 27)} <= found
    assert date(2026, 12, 24) not in found
    assert all(date(2026, 12, 1) <= day <= date(2027, 4, 30) for day in found)


def test_kings_day_is_skipped_when_public_holidays_are_passed():
    tuesdays = schedule(Weekday.TUESDAY)
    start, end = date(2027, 4, 20), date(2027, 5, 4)
    assert date(2027, 4, 27) in occurrences(tuesdays, start, end)
    skipped = occurrences(tuesdays, start, end, skip=public_holidays(start, end))
    assert skipped == [date(2027, 4, 20), date(2027, 5, 4)]


def test_valid_until_is_inclusive():
    until_monday = schedule(MON, valid_from=date(2026, 11, 2), valid_until=date(2026, 11, 16))
    assert occurrences(until_monday, date(2026, 11, 1), date(2026, 12, 31)) == [
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
    ]
    until_sunday = schedule(MON, valid_from=date(2026, 11, 2), valid_until=date(2026, 11, 15))
    assert occurrences(until_sunday, date(2026, 11, 1), date(2026, 12, 31))[-1] == date(2026, 11, 9)


def test_valid_from_is_inclusive_and_nothing_comes_before_it():
    from_monday = schedule(MON, valid_from=date(2026, 11, 9))
    assert occurrences(from_monday, date(2026, 11, 1), date(2026, 11, 16)) == [
        date(2026, 11, 9),
        date(2026, 11, 16),
    ]


def test_a_window_outside_the_validity_has_no_dates():
    bounded = schedule(MON, valid_from=date(2026, 11, 2), valid_until=date(2026, 11, 30))
    assert occurrences(bounded, date(2026, 12, 1), date(2026, 12, 31)) == []
    assert occurrences(bounded, date(2026, 10, 1), date(2026, 10, 31)) == []
    assert occurrences(bounded, date(2026, 11, 20), date(2026, 11, 10)) == []


# --- the nth weekday of the month ----------------------------------------------------------


def test_the_first_monday_of_each_month():
    first_monday = schedule(MON, Recurrence.MONTHLY_NTH, nth=1)
    days = occurrences(first_monday, date(2026, 9, 1), date(2026, 12, 31))
    assert days == [date(2026, 9, 7), date(2026, 10, 5), date(2026, 11, 2), date(2026, 12, 7)]


def test_the_third_wednesday_of_each_month():
    third_wednesday = schedule(WED, Recurrence.MONTHLY_NTH, nth=3)
    days = occurrences(third_wednesday, date(2026, 11, 1), date(2027, 1, 31))
    assert days == [date(2026, 11, 18), date(2026, 12, 16), date(2027, 1, 20)]


def test_the_last_friday_of_each_month_crosses_the_year_end():
    last_friday = schedule(FRI, Recurrence.MONTHLY_NTH, nth=-1)
    days = occurrences(last_friday, date(2026, 11, 1), date(2027, 2, 28))
    assert days == [date(2026, 11, 27), date(2026, 12, 25), date(2027, 1, 29), date(2027, 2, 26)]


def test_the_last_weekday_can_be_the_fifth_or_the_fourth():
    last_thursday = schedule(THU, Recurrence.MONTHLY_NTH, nth=-1)
    # October 2026 has five Thursdays, November four.
    days = occurrences(last_thursday, date(2026, 10, 1), date(2026, 11, 30))
    assert days == [date(2026, 10, 29), date(2026, 11, 26)]


def test_a_month_without_a_fifth_weekday_is_left_out():
    fifth_thursday = schedule(THU, Recurrence.MONTHLY_NTH, nth=5)
    days = occurrences(fifth_thursday, date(2026, 9, 1), date(2026, 12, 31))
    assert days == [date(2026, 10, 29), date(2026, 12, 31)]


def test_the_nth_weekday_respects_the_window_inside_a_month():
    first_monday = schedule(MON, Recurrence.MONTHLY_NTH, nth=1)
    assert occurrences(first_monday, date(2026, 11, 3), date(2026, 11, 30)) == []


# --- once ----------------------------------------------------------------------------------


def test_once_is_the_valid_from_date_only():
    once = schedule(WED, Recurrence.ONCE, valid_from=date(2026, 12, 2))
    assert occurrences(once, date(2026, 11, 1), date(2026, 12, 31)) == [date(2026, 12, 2)]
    assert occurrences(once, date(2026, 12, 3), date(2026, 12, 31)) == []
    assert occurrences(once, date(2026, 12, 1), date(2026, 12, 31), skip={date(2026, 12, 2)}) == []
