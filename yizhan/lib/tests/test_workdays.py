import datetime

from yizhan.lib import querycode
from yizhan.lib.workdays import add_days_rolling, add_workdays, is_workday, workdays_between

D = datetime.date


def test_national_day_holidays_and_the_adjusted_saturday():
    assert not is_workday(D(2026, 10, 1))
    assert not is_workday(D(2026, 10, 7))
    assert is_workday(D(2026, 10, 10))  # 调休: a Saturday that is a working day


def test_adding_working_days_skips_the_golden_week():
    # received on Wednesday 30 September 2026, 3 working days: 8, 9, 10 October
    assert add_workdays(D(2026, 9, 30), 3).date == D(2026, 10, 10)


def test_a_friday_with_three_working_days_is_due_on_wednesday():
    due = add_workdays(D(2026, 11, 20), 3)
    assert due.date == D(2026, 11, 25)
    assert not due.provisional


def test_years_the_calendar_does_not_cover_are_provisional_weekday_counts():
    due = add_workdays(D(2026, 12, 30), 5)
    assert due.provisional
    assert due.date.weekday() < 5


def test_administrator_overrides_win():
    overrides = {D(2026, 11, 25): False}
    assert add_workdays(D(2026, 11, 20), 3, overrides).date == D(2026, 11, 26)


def test_workdays_between_is_signed():
    assert workdays_between(D(2026, 11, 20), D(2026, 11, 25)) == 3
    assert workdays_between(D(2026, 11, 25), D(2026, 11, 20)) == -3
    assert workdays_between(D(2026, 11, 25), D(2026, 11, 25)) == 0


def test_query_codes_are_twelve_digits_with_a_check_digit():
    codes = {querycode.generate() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 12 and code.isdigit() and code[0] != "0"
        assert querycode.is_well_formed(querycode.display(code))
        wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
        assert not querycode.is_well_formed(wrong)


def test_statutory_days_roll_over_holidays_to_the_next_working_day():
    # seven days from 24 September 2026 end on 1 October, a holiday: due on 8 October
    assert add_days_rolling(D(2026, 9, 24), 7).date == D(2026, 10, 8)
    # an ordinary week: due exactly seven days later
    assert add_days_rolling(D(2026, 11, 2), 7).date == D(2026, 11, 9)
    # ending on a Sunday: the Monday
    assert add_days_rolling(D(2026, 11, 1), 7).date == D(2026, 11, 9)
