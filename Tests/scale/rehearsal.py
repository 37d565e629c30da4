"""TEST DOUBLE for the offline rehearsal: everything between "the API gets a stress call" and "the ECS service's
counts change" that the emulator (moto, in-process) does not do, driven by the scaling model.

What it fakes, and how:
- the API: a local HTTP server answering GET /dev/stress-cpu/{percent}/{seconds} for one task after another
  (round-robin over healthy tasks, as the ALB spreads calls), with the task's id as `host`;
- the tasks: scaling.service.EcsService (start-up, health checks, draining); their runningCount/pendingCount
  are written into moto's ECS service record (moto would report runningCount = desiredCount at once);
- AWS/ECS publishing CPUUtilization: each simulated minute it PutMetricData's used/reserved CPU with the
  service's real dimensions (ClusterName, ServiceName);
- CloudWatch evaluating alarms and Application Auto Scaling running policies (moto does neither): it reads
  the alarms and policies FROM the emulator (DescribeAlarms, DescribeScalingPolicies, the alarm's own
  metric and dimensions via GetMetricStatistics), evaluates them with scaling.alarm, runs the policy the
  alarm's action names with scaling.policy, and UpdateService's the desired count. A wrong dimension finds
  no datapoints; an alarm without an action scales nothing — as on AWS. An alarm state set from outside
  (the drill's SetAlarmState) runs the action once, as a state change does on AWS;
- time: a fake clock; scale-test's sleep() advances the world by that many simulated seconds at once, so
  runs take seconds instead of minutes (the output says "simulated time").
"""

from __future__ import annotations

import datetime as dt
import threading
from http.server import ThreadingHTTPServer
from typing import Any

import fakehttp
from fakehttp import JSONHandler
from scaling.alarm import ALARM, MetricAlarm
from scaling.policy import ScalableTarget, StepAdjustment, StepPolicy
from scaling.service import EcsService

EPOCH = 1_800_000_000  # a fixed, minute-aligned start (2027-01-15): fake time, unrelated to the wall clock


class World:
    def __init__(
        self,
        clients: dict[str, Any],
        ecs_record: Any,
        cluster: str,
        service: str,
        settings: Any,
        metric_delay: int = 60,
    ) -> None:
        self.c, self.record, self.cluster, self.service_name = clients, ecs_record, cluster, service
        self.t = 0
        self.metric_delay = metric_delay
        check = settings["target_health_check"]
        target = clients["application-autoscaling"].describe_scalable_targets(
            ServiceNamespace="ecs", ResourceIds=[f"service/{cluster}/{service}"]
        )["ScalableTargets"][0]
        self.target = ScalableTarget(ecs_record.desired_count, target["MinCapacity"], target["MaxCapacity"])
        self.tasks = EcsService.with_running(
            ecs_record.desired_count,
            start_seconds=60,
            health_seconds=check["interval"] * check["healthy_threshold"],
            drain_seconds=settings["deregistration_delay_seconds"],
        )
        self.stress: dict[int, tuple] = {}  # task id -> (percent, until)
        self.cpu_samples: list[float] = []
        self.last_state: dict[str, str] = {
            a["AlarmName"]: a["StateValue"]
            for a in clients["cloudwatch"].describe_alarms(AlarmTypes=["MetricAlarm"])["MetricAlarms"]
        }
        self.lock = threading.Lock()
        self._rr = 0
        self._sync_counts()

    # -- clock (what scale-test sees) --
    label = "simulated time: the offline rehearsal runs faster than real time"

    def now(self) -> float:
        return EPOCH + self.t

    def sleep(self, seconds: float) -> None:
        for _ in range(int(seconds)):
            self.step()

    # -- the API stand-in --
    def stress_call(self, percent: int, seconds: int) -> str | None:
        with self.lock:
            now = self.t
            serving = [t for t in self.tasks.active() if t.healthy_at <= now]
            if not serving:
                return None
            task = serving[self._rr % len(serving)]
            self._rr += 1
            self.stress[task.ident] = (percent, now + seconds)
            return f"task-{task.ident}"

    # -- one simulated second --
    def step(self) -> None:
        with self.lock:
            self.t += 1
            now = self.t
            self.tasks.reconcile(self.target.capacity, now)
            c = self.tasks.counts(now)
            if c["running"]:
                used = sum(
                    min(p, 100) / 100
                    for ident, (p, until) in self.stress.items()
                    if until > now
                    and any(t.ident == ident and t.healthy_at <= now and t.stop_at is None for t in self.tasks.tasks)
                )
                self.cpu_samples.append(100 * used / c["running"])
            if now % 60 == 0:
                self._publish(now)
                self._evaluate(now)
            self._sync_counts()

    def _sync_counts(self) -> None:
        c = self.tasks.counts(self.t)
        self.record.desired_count = self.target.capacity
        self.record.running_count = c["running"]
        self.record.pending_count = c["pending"]

    def _publish(self, now: int) -> None:
        if not self.cpu_samples:
            return
        value = sum(self.cpu_samples) / len(self.cpu_samples)
        self.cpu_samples = []
        self.c["cloudwatch"].put_metric_data(
            Namespace="AWS/ECS",
            MetricData=[
                {
                    "MetricName": "CPUUtilization",
                    "Value": value,
                    "Unit": "Percent",
                    "Timestamp": dt.datetime.fromtimestamp(EPOCH + now - 60, dt.UTC),
                    "Dimensions": [
                        {"Name": "ClusterName", "Value": self.cluster},
                        {"Name": "ServiceName", "Value": self.service_name},
                    ],
                }
            ],
        )

    def _datapoints(self, alarm: dict[str, Any], now: int) -> list[float | None]:
        period, n = alarm["Period"], alarm["EvaluationPeriods"]
        end = (now - self.metric_delay) // period * period
        start = end - n * period
        if end <= 0:
            return []
        points = self.c["cloudwatch"].get_metric_statistics(
            Namespace=alarm["Namespace"],
            MetricName=alarm["MetricName"],
            Dimensions=alarm.get("Dimensions", []),
            StartTime=dt.datetime.fromtimestamp(EPOCH + max(start, 0), dt.UTC),
            EndTime=dt.datetime.fromtimestamp(EPOCH + end, dt.UTC) - dt.timedelta(seconds=1),
            Period=period,
            Statistics=[alarm["Statistic"]],
        )["Datapoints"]
        by_start = {int(p["Timestamp"].timestamp()) - EPOCH: p[alarm["Statistic"]] for p in points}
        return [by_start.get(s) for s in range(max(start, 0), end, period)]

    def _evaluate(self, now: int) -> None:
        alarms = self.c["cloudwatch"].describe_alarms(AlarmTypes=["MetricAlarm"])["MetricAlarms"]
        for a in sorted(alarms, key=lambda a: a["AlarmName"]):
            if a.get("Namespace") != "AWS/ECS":
                continue
            external = self.last_state.get(a["AlarmName"]) not in (None, a["StateValue"]) and a["StateValue"] == ALARM
            model = MetricAlarm(
                a["AlarmName"],
                a["Threshold"],
                a["ComparisonOperator"],
                a["EvaluationPeriods"],
                a["Period"],
                a.get("DatapointsToAlarm"),
                a.get("TreatMissingData", "missing"),
                tuple(a.get("AlarmActions", [])),
                a["StateValue"],
            )
            points = self._datapoints(a, now)
            present = [p for p in points if p is not None]
            if external:
                # A state set from outside (the drill) runs the action once; the next evaluation re-judges it.
                self._act(model, sum(present) / len(present) if present else None, now)
                self.last_state[a["AlarmName"]] = ALARM
                continue
            old = model.state
            model.evaluate(points)
            if model.state != old:
                self.c["cloudwatch"].set_alarm_state(
                    AlarmName=a["AlarmName"],
                    StateValue=model.state,
                    StateReason="rehearsal: evaluated by the scaling model",
                )
            self.last_state[a["AlarmName"]] = model.state
            if model.state == ALARM:
                self._act(model, sum(present) / len(present) if present else None, now)

    def _act(self, alarm: MetricAlarm, value: float | None, now: int) -> None:
        if not alarm.actions:
            return
        policies = self.c["application-autoscaling"].describe_scaling_policies(ServiceNamespace="ecs")[
            "ScalingPolicies"
        ]
        for arn in alarm.actions:
            found = [p for p in policies if p["PolicyARN"] == arn]
            if not found:
                continue
            cfg = found[0]["StepScalingPolicyConfiguration"]
            policy = StepPolicy(
                found[0]["PolicyName"],
                [
                    StepAdjustment(
                        s["ScalingAdjustment"], s.get("MetricIntervalLowerBound"), s.get("MetricIntervalUpperBound")
                    )
                    for s in cfg["StepAdjustments"]
                ],
                cfg.get("Cooldown", 0),
                cfg["AdjustmentType"],
            )
            # A drill's SetAlarmState carries no breaching datapoint of its own: scale-test sends the threshold
            # as its recent datapoint, so the step bounded by 0 (the smallest breach) applies.
            metric = value if value is not None and alarm.breaches(value) else alarm.threshold
            if self.target.execute(policy, metric, alarm.threshold, now):
                self.c["ecs"].update_service(
                    cluster=self.cluster, service=self.service_name, desiredCount=self.target.capacity
                )
                self.tasks.reconcile(self.target.capacity, now)
                self._sync_counts()


def serve_api(world: World) -> ThreadingHTTPServer:
    """Starts the API stand-in on 127.0.0.1 (a free port; `fakehttp.stop` it); base URL:
    http://127.0.0.1:<port>/dev."""

    class Handler(JSONHandler):
        def do_GET(self) -> None:
            parts = self.path.strip("/").split("/")
            if len(parts) == 4 and parts[:2] == ["dev", "stress-cpu"] and parts[2].isdigit() and parts[3].isdigit():
                host = world.stress_call(int(parts[2]), int(parts[3]))
                if host is None:
                    return self.send_json(503, {"error": "no healthy task"})
                return self.send_json(200, {"message": f"Simulating {parts[2]}% CPU usage", "host": host})
            self.send_json(404, {"error": "not found"})

    return fakehttp.start(Handler)
