"""What scale-test reads from a deployed stack through boto3: alarm states, the CPU metric, the service's
desired/running/pending counts, scaling activities and target health. Calls an API may lack (an emulator)
degrade to "unavailable" instead of failing the run."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError


@dataclass
class Names:
    cluster: str
    service: str
    up_alarm: str
    down_alarm: str
    target_groups: list[str] = field(default_factory=list)

    @classmethod
    def from_settings(cls, settings: Any) -> Names:
        # Names as terraform/service/main.tf gives them: cluster and service are the project name.
        project = settings["project_name"]
        return cls(project, project, f"{project}-cpu-scale-up", f"{project}-cpu-scale-down")


@dataclass
class Snapshot:
    t: float
    up_state: str
    down_state: str
    cpu: float | None
    desired: int
    running: int
    pending: int
    healthy: int | None
    activities: list[str]


class Stack:
    def __init__(self, clients: dict[str, Any], names: Names) -> None:
        self.c, self.names = clients, names
        self.notes: list[str] = []
        self._seen_activities: set = set()
        self._activities_ok = True

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def alarm(self, name: str) -> dict[str, Any]:
        alarms = self.c["cloudwatch"].describe_alarms(AlarmNames=[name])["MetricAlarms"]
        if not alarms:
            raise LookupError(f"alarm {name} not found: is the service root applied in this account/region?")
        return alarms[0]

    def set_alarm(self, name: str, state: str, reason: str) -> None:
        """SetAlarmState with reason data shaped like CloudWatch's own (recentDatapoints = the threshold), so a
        step policy reading the breach size picks its step bounded by 0, the smallest one."""
        alarm = self.alarm(name)
        data = json.dumps(
            {
                "version": "1.0",
                "statistic": alarm.get("Statistic", "Average"),
                "period": alarm.get("Period", 60),
                "threshold": alarm["Threshold"],
                "recentDatapoints": [alarm["Threshold"]],
            }
        )
        self.c["cloudwatch"].set_alarm_state(AlarmName=name, StateValue=state, StateReason=reason, StateReasonData=data)

    def snapshot(self, now: float) -> Snapshot:
        up, down = self.alarm(self.names.up_alarm), self.alarm(self.names.down_alarm)
        services = self.c["ecs"].describe_services(cluster=self.names.cluster, services=[self.names.service])[
            "services"
        ]
        if not services:
            raise LookupError(f"ECS service {self.names.service} not found in cluster {self.names.cluster}")
        svc = services[0]
        return Snapshot(
            now,
            up["StateValue"],
            down["StateValue"],
            self.cpu(up, now),
            svc["desiredCount"],
            svc["runningCount"],
            svc["pendingCount"],
            self.healthy(),
            self.activities(),
        )

    def cpu(self, alarm: dict[str, Any], now: float) -> float | None:
        """Latest datapoint of the metric the scale-up alarm watches (its own namespace and dimensions)."""
        end = dt.datetime.fromtimestamp(now, dt.UTC)
        points = self.c["cloudwatch"].get_metric_statistics(
            Namespace=alarm["Namespace"],
            MetricName=alarm["MetricName"],
            Dimensions=alarm["Dimensions"],
            StartTime=end - dt.timedelta(minutes=5),
            EndTime=end,
            Period=60,
            Statistics=["Average"],
        )["Datapoints"]
        if not points:
            return None
        return max(points, key=lambda p: p["Timestamp"])["Average"]

    def healthy(self) -> int | None:
        if not self.names.target_groups:
            return None
        try:
            total = 0
            for arn in self.names.target_groups:
                health = self.c["elbv2"].describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]
                total += sum(1 for h in health if h["TargetHealth"]["State"] == "healthy")
            return total
        except (ClientError, BotoCoreError) as e:
            self.note(f"target health unavailable: {e}")
            return None

    def activities(self) -> list[str]:
        if not self._activities_ok:
            return []
        try:
            found = self.c["application-autoscaling"].describe_scaling_activities(
                ServiceNamespace="ecs",
                ResourceId=f"service/{self.names.cluster}/{self.names.service}",
                ScalableDimension="ecs:service:DesiredCount",
                MaxResults=20,
            )["ScalingActivities"]
        except (ClientError, BotoCoreError) as e:
            self._activities_ok = False
            self.note(f"scaling activities unavailable ({type(e).__name__}); desired-count changes stand in for them")
            return []
        new = []
        for a in reversed(found):
            if a["ActivityId"] not in self._seen_activities:
                self._seen_activities.add(a["ActivityId"])
                new.append(f"{a.get('StatusCode', '?')}: {a.get('Description', '')}")
        return new
