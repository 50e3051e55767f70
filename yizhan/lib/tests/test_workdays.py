import datetime

from yizhan.lib import querycode
from yizhan.lib.workdays import (
    WorkCalendar,
    add_days_rolling,
    add_workdays,
    is_workday,
    statutory_holidays,
    workdays_between,
)

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


# --- years the State Council has not published yet: the holidays fixed by law ----------------------


def test_a_seven_day_period_ending_on_new_years_day_2027_ends_on_the_next_working_day():
    """民法典第二百零三条: received 2026-12-25, seven days end on 元旦 2027, so the period ends on
    Monday 4 January (2–3 January are a weekend)."""
    due = add_days_rolling(D(2026, 12, 25), 7)
    assert due.date == D(2027, 1, 4)
    assert due.provisional


def test_an_assignment_due_on_new_years_day_moves_to_the_fourth():
    assert add_days_rolling(D(2026, 12, 29), 3).date == D(2027, 1, 4)


def test_the_spring_festival_2027_is_not_a_working_day():
    """Received 2027-01-29: seven days end on 除夕 (2027-02-05); 春节 runs 除夕 to 初三 (5–8 February),
    and its two days on the weekend are made up on 9–10 February (第六条), so the period ends on the 11th."""
    due = add_days_rolling(D(2027, 1, 29), 7)
    assert due.date == D(2027, 2, 11)
    assert due.provisional
    for day in (D(2027, 2, 5), D(2027, 2, 8), D(2027, 2, 9), D(2027, 2, 10)):
        assert not is_workday(day), day


def test_working_days_in_2027_skip_the_statutory_holidays():
    # 2027-04-02 (Friday) + 1 working day: Monday 5 April is 清明 → Tuesday 6 April
    assert add_workdays(D(2027, 4, 2), 1).date == D(2027, 4, 6)


def test_the_computed_festivals_agree_with_the_published_calendar_for_2025_and_2026():
    """The lunar dates and the 清明 solar term computed for the fallback match the years the
    State Council published (the make-up days differ: the notices arrange 调休 instead)."""
    import chinese_calendar

    for year in (2025, 2026):
        for day, name in statutory_holidays(year).items():
            if "补假" not in name:
                assert chinese_calendar.is_holiday(day), (day, name)


def test_the_law_gives_each_festival_its_days_and_makes_up_weekends():
    holidays = statutory_holidays(2028)
    assert holidays[D(2028, 1, 1)] == "元旦"  # a Saturday: made up on Monday 3 January
    assert holidays[D(2028, 1, 3)] == "元旦补假"
    assert [d for d, n in holidays.items() if n == "春节"] == [
        D(2028, 1, 25) + datetime.timedelta(i) for i in range(4)
    ]
    # 中秋 falls on 3 October 2028, a day of 国庆: the day is owed and made up
    assert holidays[D(2028, 10, 3)] == "中秋节"
    assert sum(1 for n in holidays.values() if n == "国庆节补假") == 2


def test_a_notice_year_follows_the_notice_and_the_week_and_is_not_provisional():
    calendar = WorkCalendar(
        overrides={D(2027, 1, 1): False, D(2027, 1, 4): False}, notice_years=frozenset({2027})
    )
    due = add_days_rolling(D(2026, 12, 25), 7, calendar)
    assert due.date == D(2027, 1, 5)  # the notice made the 4th a holiday too
    assert not due.provisional
    # a day the notice does not list is judged by the week alone (no statutory fallback)
    assert calendar.is_workday(D(2027, 4, 5))  # 清明 not in this (partial) notice
    assert calendar.source_of(2027) == "notice"
    assert WorkCalendar().source_of(2027) == "statutory"
    assert WorkCalendar().source_of(2026) == "package"


def test_query_codes_typed_with_a_chinese_input_method_or_odd_digits():
    code = querycode.generate()
    full_width = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert querycode.is_well_formed(full_width)
    assert querycode.normalise(full_width) == code
    assert not querycode.is_well_formed("²" * 12)  # digits to str.isdigit, not to int
    assert not querycode.is_well_formed("١٢٣٤٥٦٧٨٩٠١٢")  # Arabic-Indic digits
