"""ARM's time from the Date header of its answers (azext_aksext/multicluster/armclock.py)."""
import datetime

from azext_aksext.multicluster.armclock import ArmClock, date_of

UTC = datetime.timezone.utc
SAT = datetime.datetime(2026, 3, 7, 1, 55, tzinfo=UTC).timestamp()


class Local:  # pylint: disable=too-few-public-methods  # a clock the test moves
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


class Answer:  # pylint: disable=too-few-public-methods  # what azure-core hands a raw_response_hook
    def __init__(self, headers):
        self.http_response = type('HttpResponse', (), {'headers': headers})()


def test_date_headers_in_each_form_rfc_7231_allows():
    for header in ('Sat, 07 Mar 2026 01:55:00 GMT', 'Saturday, 07-Mar-26 01:55:00 GMT', 'Sat Mar  7 01:55:00 2026'):
        assert date_of({'Date': header}) == SAT
    assert date_of({'date': 'Sat, 07 Mar 2026 01:55:00 GMT'}) == SAT
    for unreadable in ({}, {'Date': ''}, {'Date': 'yesterday'}, None):
        assert date_of(unreadable) is None


def test_the_clock_is_arms_time_moving_on_with_this_machines():
    local = Local(SAT - 600)   # this machine is ten minutes behind
    clock = ArmClock(local)
    assert not clock.known and clock.epoch() == SAT - 600   # before any answer: this machine's time
    clock.observe(Answer({'Date': 'Sat, 07 Mar 2026 01:55:00 GMT'}))
    assert clock.known and abs(clock.epoch() - SAT) <= 1
    local.now += 3600
    assert abs((clock.now() - datetime.datetime(2026, 3, 7, 2, 55, tzinfo=UTC)).total_seconds()) <= 1
    assert clock.now().tzinfo is UTC


def test_each_answer_resets_it_and_one_without_a_date_changes_nothing():
    local = Local(SAT)
    clock = ArmClock(local)
    clock.observe({'Date': 'Sun, 08 Mar 2026 01:55:00 GMT'})   # a plain mapping of headers works too
    assert abs(clock.epoch() - (SAT + 86400)) <= 1
    clock.observe(Answer({'Content-Type': 'application/json'}))
    assert abs(clock.epoch() - (SAT + 86400)) <= 1
    clock.observe(Answer({'Date': 'Sat, 07 Mar 2026 01:55:00 GMT'}))   # ARM's clock was set back
    assert abs(clock.epoch() - SAT) <= 1
