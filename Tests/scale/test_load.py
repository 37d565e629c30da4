"""scale-test's load driver with a fake API (a function standing in for HTTP GET: it answers for tasks in turn,
like a load balancer, and can answer 429 as the stress rate limit does)."""

import json

from scaling.load import LoadDriver


class FakeApi:
    """Fakes GET {base}/stress-cpu/P/S: round-robin over `tasks`, records each task's last percent; every
    `throttle_every`-th call answers 429."""

    def __init__(self, tasks, throttle_every=0):
        self.tasks, self.throttle_every, self.calls, self.answered, self.percent = list(tasks), throttle_every, 0, 0, {}

    def __call__(self, url):
        self.calls += 1
        if self.throttle_every and self.calls % self.throttle_every == 0:
            return 429, '{"error":"too many requests"}'
        percent = int(url.rstrip("/").split("/")[-2])
        self.answered += 1
        host = self.tasks[self.answered % len(self.tasks)]
        self.percent[host] = percent
        return 200, json.dumps({"host": host})


def test_every_task_gets_demand_over_tasks_capped_at_100():
    api = FakeApi(["a", "b", "c", "d"])
    driver = LoadDriver("http://x/dev", api)
    assert driver.round(3.5, 4, 60) == {"a", "b", "c", "d"}
    assert set(api.percent.values()) == {88}  # 3.5 / 4 = 87.5 %, rounded
    driver.round(3.5, 2, 60)
    assert max(api.percent.values()) == 100  # 175 % capped


def test_throttled_calls_are_retried_within_the_round_and_counted():
    api = FakeApi(["a", "b"], throttle_every=2)
    driver = LoadDriver("http://x/dev", api)
    assert driver.round(1, 2, 60) == {"a", "b"}
    assert driver.errors >= 1


def test_stop_sends_zero_to_every_task_reached():
    api = FakeApi(["a", "b", "c"])
    driver = LoadDriver("http://x/dev", api)
    driver.round(2, 3, 60)
    assert driver.stop() == set()
    assert api.percent == {"a": 0, "b": 0, "c": 0}


def test_a_task_that_never_answers_is_reported_not_stopped():
    api = FakeApi(["a", "b"])
    driver = LoadDriver("http://x/dev", api)
    driver.round(1, 2, 60)
    api.tasks = ["a"]  # b was stopped by scale-in: the load balancer no longer reaches it
    assert driver.stop() == {"b"}


def test_garbage_answers_count_as_errors_not_crashes():
    driver = LoadDriver("http://x/dev", lambda url: (200, "<html>"))
    assert driver.round(1, 1, 60) == set() and driver.errors == 4
