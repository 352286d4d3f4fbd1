"""The pure parts of a network's reads: the spread of time in a stage, the small-number
suppression and the anonymised labels."""

import pytest

from networks.pooling import Spread, anonymous_labels, letters, shown, spread, suppressed


@pytest.mark.parametrize(
    ("count", "for_observer", "for_member"),
    [
        (None, None, None),
        (0, 0, 0),
        (1, "fewer than 3", 1),
        (2, "fewer than 3", 2),
        (3, 3, 3),
        (20, 20, 20),
    ],
)
def test_counts_under_three_are_fewer_than_three_for_observers_only(
    count, for_observer, for_member
):
    assert shown(count, observer=True) == for_observer
    assert shown(count, observer=False) == for_member
    assert suppressed(count) == (for_observer == "fewer than 3")


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ([], Spread(0, None, None, None)),
        ([7], Spread(1, 7, 7, 7)),
        ([10, 20], Spread(2, 15, 12.5, 17.5)),
        ([40, 10, 30, 20, 50], Spread(5, 30, 20, 40)),
        ([1, 2, 3, 4], Spread(4, 2.5, 1.75, 3.25)),
    ],
)
def test_spread_is_the_median_and_the_middle_half(days, expected):
    assert spread(days) == expected


@pytest.mark.parametrize(
    ("index", "label"),
    [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA")],
)
def test_letters_name_columns_as_a_spreadsheet_does(index, label):
    assert letters(index) == label


def test_labels_follow_the_ids_order_whatever_order_they_come_in():
    assert anonymous_labels([42, 7, 19, 7]) == {
        7: "Organisation A",
        19: "Organisation B",
        42: "Organisation C",
    }
