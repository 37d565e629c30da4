"""An ECS service's tasks as seen by the load balancer and by the AWS/ECS CPUUtilization metric.

What is modelled and why:
- a new task is PENDING (counted in pendingCount) for `start_seconds` (Fargate provisioning, image pull,
  container start), then RUNNING; it serves traffic only once the target group has seen
  `healthy_threshold` passing checks `interval` seconds apart;
- a task removed by scale-in is deregistered and drains for the target group's deregistration delay,
  still RUNNING and still reserving CPU, then stops;
- AWS/ECS CPUUtilization for a service = CPU used by its running tasks / CPU reserved by them, in percent
  ("Amazon ECS CloudWatch metrics", service-level utilization); a demand of D task-equivalents spreads over
  the serving tasks, each capped at 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Task:
    ident: int
    started: float
    running_at: float
    healthy_at: float
    stop_at: float | None = None


@dataclass
class EcsService:
    start_seconds: float = 60
    health_seconds: float = 30
    drain_seconds: float = 30
    tasks: list[Task] = field(default_factory=list)
    _next: int = 0

    @classmethod
    def with_running(cls, count: int, **kw: float) -> EcsService:
        service = cls(**kw)
        for _ in range(count):
            service._add(-1e9)
        return service

    def _add(self, now: float) -> None:
        running_at = now + self.start_seconds
        self.tasks.append(Task(self._next, now, running_at, running_at + self.health_seconds))
        self._next += 1

    def active(self) -> list[Task]:
        return [t for t in self.tasks if t.stop_at is None]

    def reconcile(self, desired: int, now: float) -> None:
        """Starts or stops tasks so that the tasks not draining match `desired` (what ECS's scheduler does)."""
        self.tasks = [t for t in self.tasks if t.stop_at is None or t.stop_at > now]
        active = self.active()
        for _ in range(desired - len(active)):
            self._add(now)
        # Stop the youngest first: pending tasks go at once, running ones drain.
        for task in sorted(active, key=lambda t: t.started, reverse=True)[: max(0, len(active) - desired)]:
            task.stop_at = now if task.running_at > now else now + self.drain_seconds

    def counts(self, now: float) -> dict:
        live = [t for t in self.tasks if t.stop_at is None or t.stop_at > now]
        running = [t for t in live if t.running_at <= now]
        return {
            "pending": sum(1 for t in live if t.running_at > now),
            "running": len(running),
            "healthy": sum(1 for t in running if t.healthy_at <= now and t.stop_at is None),
        }

    def cpu_percent(self, demand: float, now: float) -> float | None:
        """Service CPUUtilization at `now` for `demand` task-equivalents; None when no task runs (no datapoint)."""
        c = self.counts(now)
        if c["running"] == 0:
            return None
        used = min(max(demand, 0.0), float(c["healthy"]))
        return 100.0 * used / c["running"]
