"""Applies the Terraform roots to the AWS emulator in the Init order with the real S3 backend, checks what
they created through the AWS API, proves a second plan is empty, then destroys them in the Destroy order
and checks nothing is left. The tests run in file order and share one stack (see conftest.py)."""

from __future__ import annotations

import json

import aws_rules
import pytest
from conftest import DESTROY_ORDER, GITHUB_REPOSITORY, INIT_ORDER, PROJECT, STATE_BUCKET, Stack
from largest_settings import largest_settings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_bootstrap_created_a_private_versioned_state_bucket_and_deploy_role(stack: Stack) -> None:
    """The bootstrap root (applied by the fixture) made the bucket the other roots keep their state in,
    and the deploy role that GitHub's OIDC tokens for this repository may assume."""
    out = stack.outputs["bootstrap"]
    assert out["state_bucket_name"] == STATE_BUCKET
    s3 = stack.aws.client("s3")
    assert s3.get_bucket_versioning(Bucket=STATE_BUCKET)["Status"] == "Enabled"
    (rule,) = s3.get_bucket_encryption(Bucket=STATE_BUCKET)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    block = s3.get_public_access_block(Bucket=STATE_BUCKET)["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4
    iam = stack.aws.client("iam")
    role = iam.get_role(RoleName=out["deploy_role_arn"].rsplit("/", 1)[-1])["Role"]
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"]["Federated"] == out["oidc_provider_arn"]
    assert statement["Condition"]["StringLike"]["token.actions.githubusercontent.com:sub"] == [
        f"repo:{GITHUB_REPOSITORY}:ref:refs/heads/main"
    ]
    attached = iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]
    assert sorted(p["PolicyArn"] for p in attached) == sorted(out["deploy_policy_arns"].values())
    for policy in attached:
        version = iam.get_policy(PolicyArn=policy["PolicyArn"])["Policy"]["DefaultVersionId"]
        document = iam.get_policy_version(PolicyArn=policy["PolicyArn"], VersionId=version)["PolicyVersion"]["Document"]
        actions = [a for s in document["Statement"] for a in s["Action"]]
        assert actions and not [a for a in actions if a == "*" or a.endswith(":*")]


def test_roots_apply_in_init_order(stack: Stack) -> None:
    """ecr, task, service, network apply one after the other against the S3 backend."""
    for root in INIT_ORDER:
        stack.apply(root)
    keys = {o["Key"] for o in stack.aws.client("s3").list_objects_v2(Bucket=STATE_BUCKET).get("Contents", [])}
    assert {f"{root}.tfstate" for root in INIT_ORDER} <= keys, f"states in the bucket: {keys}"


def test_applied_roots_meet_aws_quotas_and_naming_rules(stack: Stack) -> None:
    """What every root created (its state, as `terraform show -json` renders it) keeps to the AWS quotas and
    naming rules moto does not enforce (aws_rules.py): IAM policy sizes, ELB names, alarm windows, ..."""
    violations = [f"{root}: {v}" for root in ["bootstrap", *INIT_ORDER] for v in aws_rules.check(stack.show_json(root))]
    assert violations == []


def test_largest_accepted_settings_plan_within_aws_quotas(stack: Stack) -> None:
    """Each root planned with the largest settings its variable validations accept (longest project_name,
    stage_name, role name, GitHub subjects, longest alarm window, ...: largest_settings.py asks Terraform) stays
    within the same rules, so a setting the validations accept never fails at apply on a quota."""
    violations = []
    for root in ["bootstrap", *INIT_ORDER]:
        settings = largest_settings(
            stack.workdir / root, stack.workdir / "probe" / root, stack.env, stack.var_args(root)
        )
        violations += [
            f"{root} {' '.join(a[:60] for a in settings)}: {v}"
            for v in aws_rules.check(stack.plan_json(root, *settings))
        ]
    assert violations == []


def test_ecr_repository_and_vpc_endpoints(stack: Stack) -> None:
    """Immutable tags, scan on push, a lifecycle policy; endpoints in the private subnets behind 443-from-VPC."""
    ecr = stack.aws.client("ecr")
    repo = ecr.describe_repositories(repositoryNames=[stack.outputs["ecr"]["repository_name"]])["repositories"][0]
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["imageScanningConfiguration"]["scanOnPush"] is True
    assert repo["repositoryUri"] == stack.outputs["ecr"]["repository_url"]
    rules = json.loads(ecr.get_lifecycle_policy(repositoryName=repo["repositoryName"])["lifecyclePolicyText"])["rules"]
    assert [r["selection"]["countType"] for r in rules] == ["sinceImagePushed", "imageCountMoreThan"]

    ec2 = stack.aws.client("ec2")
    endpoints = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [stack.network.vpc_id]}])[
        "VpcEndpoints"
    ]
    by_service = {
        e["ServiceName"].rsplit(".", 2)[-2]
        if e["ServiceName"].endswith((".api", ".dkr"))
        else e["ServiceName"].rsplit(".", 1)[-1]: e
        for e in endpoints
    }
    assert set(by_service) == {"ecr", "logs", "s3"} or len(endpoints) == 4, [e["ServiceName"] for e in endpoints]
    interface = [e for e in endpoints if e["VpcEndpointType"] == "Interface"]
    assert sorted(e["ServiceName"].split(".", 3)[-1] for e in interface) == ["ecr.api", "ecr.dkr", "logs"]
    for endpoint in interface:
        assert sorted(endpoint["SubnetIds"]) == stack.network.private_subnet_ids
        group_id = endpoint["Groups"][0]["GroupId"]
        rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group_id]}])[
            "SecurityGroupRules"
        ]
        ingress = [r for r in rules if not r["IsEgress"]]
        assert [(r["FromPort"], r["ToPort"], r.get("CidrIpv4")) for r in ingress] == [(443, 443, stack.network.cidr)]
    gateway = [e for e in endpoints if e["VpcEndpointType"] == "Gateway"]
    assert [e["RouteTableIds"] for e in gateway] == [[stack.network.private_route_table_id]]


def test_task_definition(stack: Stack) -> None:
    """Port 3000, BASE_PATH = stage, IMAGE = image_uri, app health check, read-only root + /tmp volume,
    non-root user, stopTimeout within Fargate's bounds and the container's stop budget, awslogs to a log group
    with retention."""
    ecs = stack.aws.client("ecs")
    task = ecs.describe_task_definition(taskDefinition=stack.outputs["task"]["task_definition_arn"])["taskDefinition"]
    assert task["requiresCompatibilities"] == ["FARGATE"] and task["networkMode"] == "awsvpc"
    (container,) = task["containerDefinitions"]
    assert container["name"] == stack.outputs["task"]["container_name"] == "app"
    assert container["image"] == stack.image_uri
    assert container["portMappings"][0]["containerPort"] == 3000
    env = {e["name"]: e["value"] for e in container["environment"]}
    assert env["BASE_PATH"] == "dev" and env["IMAGE"] == stack.image_uri and env["PORT"] == "3000"
    assert container["healthCheck"]["command"] == ["CMD", "/opt/fcgiapp/bin/FCGIApp", "healthcheck"]
    assert container["readonlyRootFilesystem"] is True
    assert container["mountPoints"] == [{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": False}]
    assert [v["name"] for v in task["volumes"]] == ["tmp"]
    assert container["user"] not in ("root", "0")
    assert 10 <= container["stopTimeout"] <= 120
    logs = container["logConfiguration"]
    assert logs["logDriver"] == "awslogs"
    group = logs["options"]["awslogs-group"]
    (found,) = stack.aws.client("logs").describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert found["retentionInDays"] == 30


def test_service_uses_codedeploy_in_private_subnets(stack: Stack) -> None:
    """The ECS service: CODE_DEPLOY controller, private subnets only, no public IP, blue target group."""
    out = stack.outputs["service"]
    ecs = stack.aws.client("ecs")
    (service,) = ecs.describe_services(cluster=out["cluster_name"], services=[out["service_name"]])["services"]
    assert service["deploymentController"]["type"] == "CODE_DEPLOY"
    assert service["launchType"] == "FARGATE"
    assert service["taskDefinition"] == stack.outputs["task"]["task_definition_arn"]
    vpc = service["networkConfiguration"]["awsvpcConfiguration"]
    assert sorted(vpc["subnets"]) == stack.network.private_subnet_ids
    assert vpc["assignPublicIp"] == "DISABLED"
    assert vpc["securityGroups"] == [out["tasks_security_group_id"]]
    (lb,) = service["loadBalancers"]
    assert lb["targetGroupArn"] == out["blue_target_group_arn"]
    assert (lb["containerName"], lb["containerPort"]) == ("app", 3000)
    assert service["healthCheckGracePeriodSeconds"] == 60


def test_load_balancer_listener_forwards_to_blue(stack: Stack) -> None:
    """Internal ALB; both target groups check /health on the app port; the listener forwards to blue."""
    out = stack.outputs["service"]
    elb = stack.aws.client("elbv2")
    (alb,) = elb.describe_load_balancers(LoadBalancerArns=[out["alb_arn"]])["LoadBalancers"]
    assert alb["Scheme"] == "internal"
    groups = elb.describe_target_groups(Names=[out["blue_target_group_name"], out["green_target_group_name"]])[
        "TargetGroups"
    ]
    assert len(groups) == 2
    for group in groups:
        assert group["HealthCheckPath"] == "/health"
        assert (group["Port"], group["TargetType"]) == (3000, "ip")
    (listener,) = elb.describe_listeners(LoadBalancerArn=out["alb_arn"])["Listeners"]
    assert listener["ListenerArn"] == out["listener_arn"] and listener["Port"] == 80
    (action,) = listener["DefaultActions"]
    assert action["Type"] == "forward"
    assert action["TargetGroupArn"] == out["blue_target_group_arn"]


def test_security_groups_chain_vpc_link_alb_tasks(stack: Stack) -> None:
    """VPC link -> ALB on 80 (rule from the network root), ALB -> tasks on 3000."""
    ec2 = stack.aws.client("ec2")
    svc, net = stack.outputs["service"], stack.outputs["network"]

    def ingress(group_id: str) -> list[tuple[int, str | None]]:
        rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group_id]}])[
            "SecurityGroupRules"
        ]
        return [
            (r["FromPort"], (r.get("ReferencedGroupInfo") or {}).get("GroupId")) for r in rules if not r["IsEgress"]
        ]

    assert ingress(svc["alb_security_group_id"]) == [(80, net["vpc_link_security_group_id"])]
    alb_group = svc["alb_security_group_id"]
    assert ingress(svc["tasks_security_group_id"]) == [(3000, alb_group)]


def test_codedeploy_blue_green_with_rollback_on_alarm(stack: Stack) -> None:
    """BLUE_GREEN with traffic control, termination wait, rollback on failure and on the target-5xx alarm."""
    out = stack.outputs["service"]
    group = stack.aws.client("codedeploy").get_deployment_group(
        applicationName=out["codedeploy_app_name"],
        deploymentGroupName=out["codedeploy_deployment_group_name"],
    )["deploymentGroupInfo"]
    assert group["computePlatform"] == "ECS"
    assert group["deploymentStyle"] == {"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"}
    assert group["ecsServices"] == [{"clusterName": out["cluster_name"], "serviceName": out["service_name"]}]
    termination = group["blueGreenDeploymentConfiguration"]["terminateBlueInstancesOnDeploymentSuccess"]
    assert termination == {"action": "TERMINATE", "terminationWaitTimeInMinutes": 5}
    rollback = group["autoRollbackConfiguration"]
    assert rollback["enabled"] and set(rollback["events"]) == {"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"}
    assert group["alarmConfiguration"]["enabled"]
    assert [a["name"] for a in group["alarmConfiguration"]["alarms"]] == [out["rollback_alarm_name"]]
    pair = group["loadBalancerInfo"]["targetGroupPairInfoList"][0]
    assert [t["name"] for t in pair["targetGroups"]] == [out["blue_target_group_name"], out["green_target_group_name"]]
    assert pair["prodTrafficRoute"]["listenerArns"] == [out["listener_arn"]]
    (alarm,) = stack.aws.client("cloudwatch").describe_alarms(AlarmNames=[out["rollback_alarm_name"]])["MetricAlarms"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count")


def test_destroy_removes_the_listener_before_either_target_group(stack: Stack) -> None:
    """Terraform destroys a resource before everything listed in its state `dependencies`. After a deployment
    made green live, the listener forwards to green, and ELB refuses to delete a target group a listener still
    uses (ResourceInUse); so the listener must depend on both groups, and whatever names the listener (the
    CodeDeploy group, the service) must go before it."""
    state = json.loads(stack.terraform("service", "state", "pull").stdout)
    dependencies = {
        f"{r['type']}.{r['name']}": set(r["instances"][0].get("dependencies", []))
        for r in state["resources"]
        if r["mode"] == "managed"
    }
    (target_groups,) = [r for r in state["resources"] if r["type"] == "aws_lb_target_group"]
    assert sorted(i["index_key"] for i in target_groups["instances"]) == ["blue", "green"]
    groups = {"aws_lb_target_group.this"}
    assert groups <= dependencies["aws_lb_listener.this"], dependencies["aws_lb_listener.this"]
    for user in ["aws_codedeploy_deployment_group.this", "aws_ecs_service.this"]:
        assert {"aws_lb_listener.this", *groups} <= dependencies[user], (user, dependencies[user])


def test_cpu_alarms_drive_step_policies_of_the_service_target(stack: Stack) -> None:
    """alarm -> policy -> scalable target: each CPU alarm watches the service and fires its own policy,
    whose target is the service's DesiredCount between min and max."""
    out = stack.outputs["service"]
    resource_id = f"service/{out['cluster_name']}/{out['service_name']}"
    scaling = stack.aws.client("application-autoscaling")
    (target,) = scaling.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[resource_id])["ScalableTargets"]
    assert target["ScalableDimension"] == "ecs:service:DesiredCount"
    assert (target["MinCapacity"], target["MaxCapacity"]) == (1, 4)
    policies = {
        p["PolicyARN"]: p
        for p in scaling.describe_scaling_policies(ServiceNamespace="ecs", ResourceId=resource_id)["ScalingPolicies"]
    }
    alarms = {
        a["AlarmName"]: a
        for a in stack.aws.client("cloudwatch").describe_alarms(
            AlarmNames=[out["scale_up_alarm_name"], out["scale_down_alarm_name"]]
        )["MetricAlarms"]
    }
    expected = {  # alarm -> (threshold, comparison, policy output, step adjustments)
        out["scale_up_alarm_name"]: (
            70.0,
            "GreaterThanOrEqualToThreshold",
            "scale_up_policy_arn",
            [(0.0, 20.0, 1), (20.0, None, 2)],
        ),
        out["scale_down_alarm_name"]: (20.0, "LessThanOrEqualToThreshold", "scale_down_policy_arn", [(None, 0.0, -1)]),
    }
    for name, (threshold, comparison, policy_output, steps) in expected.items():
        alarm = alarms[name]
        assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == ("AWS/ECS", "CPUUtilization", "Average")
        assert {d["Name"]: d["Value"] for d in alarm["Dimensions"]} == {
            "ClusterName": out["cluster_name"],
            "ServiceName": out["service_name"],
        }
        assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (threshold, comparison)
        assert alarm["AlarmActions"] == [out[policy_output]], f"{name} must fire {policy_output}"
        policy = policies[out[policy_output]]
        assert (policy["PolicyType"], policy["ResourceId"]) == ("StepScaling", resource_id)
        config = policy["StepScalingPolicyConfiguration"]
        assert config["AdjustmentType"] == "ChangeInCapacity"
        got = [
            (s.get("MetricIntervalLowerBound"), s.get("MetricIntervalUpperBound"), s["ScalingAdjustment"])
            for s in config["StepAdjustments"]
        ]
        assert sorted(got, key=str) == sorted(steps, key=str)


def test_api_route_integration_listener_stage(stack: Stack) -> None:
    """ANY /{proxy+} and ANY / -> one HTTP_PROXY integration over the VPC link -> the ALB listener; stage dev
    with auto-deploy, access logs and throttling; invoke_url ends with the stage."""
    out, svc = stack.outputs["network"], stack.outputs["service"]
    api = stack.aws.client("apigatewayv2")
    assert api.get_api(ApiId=out["api_id"])["ProtocolType"] == "HTTP"
    routes = {r["RouteKey"]: r["Target"] for r in api.get_routes(ApiId=out["api_id"])["Items"]}
    assert set(routes) == {"ANY /{proxy+}", "ANY /"}, routes
    assert len(set(routes.values())) == 1, f"both routes use one integration: {routes}"
    integration_id = routes["ANY /"].removeprefix("integrations/")
    integration = api.get_integration(ApiId=out["api_id"], IntegrationId=integration_id)
    assert integration["IntegrationType"] == "HTTP_PROXY"
    assert integration["IntegrationUri"] == svc["listener_arn"]
    assert (integration["ConnectionType"], integration["ConnectionId"]) == ("VPC_LINK", out["vpc_link_id"])
    link = api.get_vpc_link(VpcLinkId=out["vpc_link_id"])
    assert sorted(link["SubnetIds"]) == stack.network.private_subnet_ids
    assert link["SecurityGroupIds"] == [out["vpc_link_security_group_id"]]
    stage = api.get_stage(ApiId=out["api_id"], StageName="dev")
    assert stage["AutoDeploy"] is True
    assert stage["AccessLogSettings"]["DestinationArn"].endswith(f":log-group:{out['access_log_group_name']}")
    throttling = stage["DefaultRouteSettings"]
    assert (throttling["ThrottlingRateLimit"], throttling["ThrottlingBurstLimit"]) == (100, 200)
    assert out["invoke_url"].startswith("https://") and out["invoke_url"].rstrip("/").endswith("/dev")


def test_second_plan_shows_no_changes(stack: Stack) -> None:
    """Re-planning every root right after apply finds nothing to do (exit code 0, not 2)."""
    for root in INIT_ORDER:
        result = stack.plan_exit_code(root)
        assert result.returncode == 0, (
            f"{root}: plan exit {result.returncode}:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
        )


def test_new_image_keeps_old_revision_and_service_ignores_it(stack: Stack) -> None:
    """A new image_uri registers a new revision and keeps the old one (CodeDeploy rolls back to it); the
    service root then still plans no change, because CodeDeploy owns the service's task definition."""
    old = stack.outputs["task"]["task_definition_arn"]
    stack.image_uri = stack.image_uri.rsplit(":", 1)[0] + ":" + "b" * 64
    stack.apply("task")
    new = stack.outputs["task"]["task_definition_arn"]
    assert new != old
    ecs = stack.aws.client("ecs")
    assert ecs.describe_task_definition(taskDefinition=old)["taskDefinition"]["status"] == "ACTIVE"
    result = stack.plan_exit_code("service")
    assert result.returncode == 0, f"service plan after a new task revision:\n{result.stdout[-4000:]}"


def test_destroy_in_destroy_order_leaves_nothing(stack: Stack) -> None:
    """service, network, task, ecr destroy cleanly in that order; afterwards nothing of the project is
    left except the task definition revisions kept on purpose for rollbacks."""
    for root in DESTROY_ORDER:
        stack.destroy(root)
    aws = stack.aws
    assert aws.client("ecr").describe_repositories()["repositories"] == []
    ecs = aws.client("ecs")
    assert [c for c in ecs.describe_clusters(clusters=[PROJECT])["clusters"] if c["status"] == "ACTIVE"] == []
    elb = aws.client("elbv2")
    assert elb.describe_load_balancers()["LoadBalancers"] == []
    assert elb.describe_target_groups()["TargetGroups"] == []
    assert aws.client("codedeploy").list_applications()["applications"] == []
    scaling = aws.client("application-autoscaling")
    assert scaling.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"] == []
    assert scaling.describe_scaling_policies(ServiceNamespace="ecs")["ScalingPolicies"] == []
    assert aws.client("cloudwatch").describe_alarms()["MetricAlarms"] == []
    api = aws.client("apigatewayv2")
    assert api.get_apis()["Items"] == [] and api.get_vpc_links()["Items"] == []
    ec2 = aws.client("ec2")
    vpc_filter = [{"Name": "vpc-id", "Values": [stack.network.vpc_id]}]
    # Deleted endpoints stay listed for a while in state "deleted" (on AWS as in moto).
    endpoints = ec2.describe_vpc_endpoints(Filters=vpc_filter)["VpcEndpoints"]
    assert [e["VpcEndpointId"] for e in endpoints if e["State"].lower() != "deleted"] == []
    groups = ec2.describe_security_groups(Filters=vpc_filter)["SecurityGroups"]
    assert [g["GroupName"] for g in groups] == ["default"]
    assert aws.client("logs").describe_log_groups()["logGroups"] == []
    roles = [r["RoleName"] for r in aws.client("iam").list_roles()["Roles"] if r["RoleName"].startswith(PROJECT)]
    assert sorted(roles) == [f"{PROJECT}-deploy", f"{PROJECT}-plan"], (
        "only the bootstrap root's roles stay, deploy and plan (the bootstrap is never destroyed here)"
    )
    active = ecs.list_task_definitions(familyPrefix=PROJECT, status="ACTIVE")["taskDefinitionArns"]
    assert len(active) == 2, f"expected the two retained revisions, got {active}"
    for root in INIT_ORDER:
        assert stack.terraform(root, "state", "list").stdout.strip() == "", f"{root} state not empty"
