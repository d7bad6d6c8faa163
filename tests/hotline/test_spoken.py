"""What callers say, read as the values the keys would give: numbers, amounts, dates, times,
digit strings, ID and card numbers, and which option of a menu they named."""

from datetime import date

import pytest

from hotline import numerals
from hotline.spoken import Said, chosen, said_briefly

TODAY = date(2025, 3, 5)


@pytest.mark.parametrize(("said", "value"), [
    ("三个人", "3"), ("三十五", "35"), ("十五", "15"), ("二百五", "250"), ("一千零五", "1005"),
    ("两千三百万", "23000000"), ("一万二", "12000"), ("三点五", "3.5"), ("12", "12"),
    ("3 people", "3"), ("twenty five", "25"), ("two hundred and five", "205"),
    ("two hundred thousand", "200000"), ("twelve point five", "12.5"),
])
def test_numbers(said, value):
    assert numerals.spoken_number(said) == value


def test_two_numbers_are_not_one():
    assert numerals.spoken_number("三个或者四个") is None
    assert numerals.spoken_number("2 30") is None


@pytest.mark.parametrize(("said", "value"), [
    ("十二块五", "12.5"), ("12.50元", "12.50"), ("12 yuan 50", "12.50"), ("三十二块", "32"),
    ("twelve point five", "12.5"), ("一百块", "100"),
])
def test_amounts(said, value):
    assert numerals.spoken_amount(said) == value


@pytest.mark.parametrize(("said", "value"), [
    ("2025年3月8日", "2025-03-08"), ("三月八号", "2025-03-08"), ("二零二五年三月八日", "2025-03-08"),
    ("十二月二十五号", "2025-12-25"), ("十一月三日", "2025-11-03"), ("8号", "2025-03-08"),
    ("明天", "2025-03-06"), ("后天", "2025-03-07"), ("後天", "2025-03-07"),
    ("March 8th", "2025-03-08"), ("the 8th of March 2026", "2026-03-08"),
    ("March twenty third", "2025-03-23"), ("tomorrow", "2025-03-06"),
    ("the day after tomorrow", "2025-03-07"), ("20250308", "2025-03-08"),
])
def test_dates(said, value):
    assert numerals.spoken_date(said, TODAY) == value


def test_impossible_dates_are_not_read():
    assert numerals.spoken_date("二月三十号", TODAY) is None
    assert numerals.spoken_date("我不知道", TODAY) is None


@pytest.mark.parametrize(("said", "value"), [
    ("下午两点半", "14:30"), ("14点30分", "14:30"), ("十四点三十分", "14:30"), ("上午九点", "09:00"),
    ("九点十五", "09:15"), ("中午12点", "12:00"), ("晚上八点", "20:00"), ("2:30 p.m.", "14:30"),
    ("two thirty pm", "14:30"), ("fourteen thirty", "14:30"), ("8 am", "08:00"), ("1430", "14:30"),
])
def test_times(said, value):
    assert numerals.spoken_time(said) == value


@pytest.mark.parametrize(("said", "value"), [
    ("明天上午九点", "2025-03-06T09:00"), ("2025年3月8日下午2点", "2025-03-08T14:00"),
    ("March 8th at 2 pm", "2025-03-08T14:00"), ("tomorrow at 9:30 a.m.", "2025-03-06T09:30"),
])
def test_dates_with_times(said, value):
    assert numerals.spoken_datetime(said, TODAY) == value


@pytest.mark.parametrize(("said", "value", "letters"), [
    ("幺三八零零零零零零零四", "13800000004", ""), ("one three eight 0000 0004", "13800000004", ""),
    ("138 0000 0004", "13800000004", ""), ("一三九两两", "13922", ""),
    ("11010519491231002叉", "11010519491231002X", "X"),
    ("one one zero one zero five one nine four nine one two three one zero zero two ex",
     "11010519491231002X", "X"),
    ("D4E5F6A7", "D4E5F6A7", "ABCDEF"), ("d 4 e 5 f 6 a 7", "D4E5F6A7", "ABCDEF"),
    ("A一B二C三D四", "A1B2C3D4", "ABCDEF"),
])
def test_digits_one_by_one(said, value, letters):
    assert numerals.spoken_digits(said, letters) == value


OPTIONS = [["留言", "leave a message"], ["回电", "call me back"], ["继续等", "wait"]]


@pytest.mark.parametrize(("said", "option"), [
    (Said(digits="2"), 2), (Said(speech="我要留言"), 1), (Said(speech="给我回电吧"), 2),
    (Said(speech="Could you call me back"), 2), (Said(speech="第三个"), 3),
    (Said(speech="the second"), 2), (Said(speech="嗯"), None), (Said(digits="12"), None),
])
def test_one_reader_for_every_menu(said, option):
    assert chosen(said, OPTIONS) == option


def test_a_word_inside_a_longer_sentence_is_not_a_command():
    assert said_briefly("English please", ["English"])
    assert said_briefly("我想说英文", ["英文"])
    assert not said_briefly("I'd like to order some Chinese food tonight", ["Chinese"])
