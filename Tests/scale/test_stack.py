"""Stack's readings that the emulator cannot give (moto lacks DescribeScalingActivities and target health of
running tasks), with fake clients: each fake says in its docstring what AWS answer it stands for."""

from botocore.exceptions import ClientError
from scaling.stack import Names, Stack


class FakeAutoScaling:
    """Stands for DescribeScalingActivities: newest first, as AWS lists them."""

    def __init__(self):
        self.activities = []

    def describe_scaling_activities(self, **_):
        return {"ScalingActivities": list(reversed(self.activities))}


class BrokenAutoScaling:
    """Stands for an endpoint without DescribeScalingActivities (the emulator's 'not implemented')."""

    def describe_scaling_activities(self, **_):
        raise ClientError(
            {"Error": {"Code": "InternalFailure", "Message": "not yet implemented"}}, "DescribeScalingActivities"
        )


class FakeElb:
    """Stands for DescribeTargetHealth of two target groups."""

    def describe_target_health(self, TargetGroupArn):
        states = {"blue": ["healthy", "healthy", "initial"], "green": ["healthy", "draining"]}[TargetGroupArn]
        return {"TargetHealthDescriptions": [{"TargetHealth": {"State": s}} for s in states]}


def names():
    return Names("c", "s", "up", "down", ["blue", "green"])


def test_only_new_activities_are_reported_once_in_order():
    aas = FakeAutoScaling()
    stack = Stack({"application-autoscaling": aas, "elbv2": FakeElb()}, names())
    aas.activities = [{"ActivityId": "1", "StatusCode": "Successful", "Description": "Setting desired count to 3."}]
    assert stack.activities() == ["Successful: Setting desired count to 3."]
    aas.activities.append({"ActivityId": "2", "StatusCode": "InProgress", "Description": "Setting desired count to 4."})
    assert stack.activities() == ["InProgress: Setting desired count to 4."]
    assert stack.activities() == []


def test_missing_activities_api_degrades_to_a_note():
    stack = Stack({"application-autoscaling": BrokenAutoScaling()}, names())
    assert stack.activities() == [] and stack.activities() == []
    assert any("scaling activities unavailable" in n for n in stack.notes)


def test_healthy_counts_targets_in_state_healthy_across_target_groups():
    assert Stack({"elbv2": FakeElb()}, names()).healthy() == 3
    assert Stack({"elbv2": FakeElb()}, Names("c", "s", "up", "down")).healthy() is None
