"""What infra/template.yaml deploys, read from the template and from the
CloudFormation template SAM renders from it: the alias the API invokes, the
canary that rolls back on alarms, the alarm topic, the alarms, the roles."""

from __future__ import annotations

import json
import re

import cfnlint.api
import pytest

from conftest import Evaluator, load_template, parameter_values, render, resources_of_type

ROLLBACK_ALARMS = {"FunctionErrorsAlarm", "ServerErrorAlarm", "LatencyP99Alarm"}
ALARMS = {
    "HydrationExhaustedAlarm": "hydration-exhausted",
    "ThrottledAlarm": "throttled",
    "ServerErrorAlarm": "server-errors",
    "ApiServerErrorsAlarm": "api-5xx",
    "FunctionErrorsAlarm": "function-errors",
    "FunctionThrottlesAlarm": "function-throttles",
    "LatencyP99Alarm": "latency-p99",
    "HitRateAlarm": "hit-rate",
}


def only(resources: dict) -> tuple[str, dict]:
    assert len(resources) == 1, f"expected one, found {sorted(resources)}"
    return next(iter(resources.items()))


def refs(node) -> set[str]:
    """Every logical id a node names through Ref, GetAtt or ${...} in Sub
    (pseudo parameters such as AWS::Region left out)."""
    return {name for name in _refs(node) if not name.startswith("AWS::")}


def _refs(node) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, arg in node.items():
            if key == "Ref" and isinstance(arg, str):
                found.add(arg)
            elif key == "Fn::GetAtt":
                found.add(arg[0] if isinstance(arg, list) else arg.split(".")[0])
            elif key == "Fn::Sub":
                text = arg[0] if isinstance(arg, list) else arg
                found |= {m.split(".")[0] for m in re.findall(r"\$\{([^!][^}]*)\}", text)}
                found |= _refs(arg[1] if isinstance(arg, list) else {})
            else:
                found |= _refs(arg)
    elif isinstance(node, list):
        for item in node:
            found |= _refs(item)
    return found


# --- the alias -----------------------------------------------------------------


def test_the_function_publishes_the_alias_live(template):
    assert template["Resources"]["ResolverFunction"]["Properties"]["AutoPublishAlias"] == "live"


def test_the_rendered_alias_points_at_the_published_version_through_codedeploy(rendered):
    name, alias = only(resources_of_type(rendered, "AWS::Lambda::Alias"))
    version, _ = only(resources_of_type(rendered, "AWS::Lambda::Version"))
    group, _ = only(resources_of_type(rendered, "AWS::CodeDeploy::DeploymentGroup"))
    assert alias["Properties"]["Name"] == "live"
    assert alias["Properties"]["FunctionName"] == {"Ref": "ResolverFunction"}
    assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [version, "Version"]}
    update = alias["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]
    assert update["DeploymentGroupName"] == {"Ref": group}


@pytest.mark.parametrize(
    "prop, value",
    [
        ("CodeUri", "s3://artifacts/share-resolver-next.zip"),
        ("Timeout", 24),
        ("MemorySize", 512),
        ("Tracing", "PassThrough"),
        ("Environment", {"Variables": {"RUST_LOG": "debug"}}),
    ],
)
def test_any_change_to_the_function_publishes_a_new_version_for_the_alias(rendered, prop, value):
    # A version is immutable: a change that published none would reach
    # $LATEST only, not the alias the API invokes.
    if prop == "CodeUri":
        changed = render(code_uri=value)
    else:
        template = load_template()
        template["Resources"]["ResolverFunction"]["Properties"][prop] = value
        changed = render(template=template)
    before, _ = only(resources_of_type(rendered, "AWS::Lambda::Version"))
    after, _ = only(resources_of_type(changed, "AWS::Lambda::Version"))
    assert before != after, f"a new {prop} publishes no new version"


def test_every_api_route_invokes_the_alias_not_latest(rendered):
    alias, _ = only(resources_of_type(rendered, "AWS::Lambda::Alias"))
    body = rendered["Resources"]["HttpApi"]["Properties"]["Body"]
    routes = {(path, method) for path, ops in body["paths"].items() for method in ops}
    assert routes == {
        ("/v1/shares/{proxy+}", "get"),
        ("/v1/drives/{proxy+}", "get"),
        ("/v1/resolve", "post"),
        ("/v1/warmup", "post"),
        ("/healthz", "get"),
        ("/openapi.json", "get"),
    }
    for path, ops in body["paths"].items():
        for method, op in ops.items():
            uri = op["x-amazon-apigateway-integration"]["uri"]
            assert refs(uri) == {alias}, f"{method} {path} integrates with {uri}"
    permissions = resources_of_type(rendered, "AWS::Lambda::Permission")
    assert len(permissions) == len(routes)
    for name, permission in permissions.items():
        assert permission["Properties"]["FunctionName"] == {"Ref": alias}, name
        assert permission["Properties"]["Principal"] == "apigateway.amazonaws.com"


# --- the deployment preference --------------------------------------------------


def test_the_deployment_group_rolls_back_on_the_function_errors_5xx_and_latency_alarms(rendered):
    _, group = only(resources_of_type(rendered, "AWS::CodeDeploy::DeploymentGroup"))
    props = group["Properties"]
    assert props["AlarmConfiguration"]["Enabled"] is True
    assert {a["Name"]["Ref"] for a in props["AlarmConfiguration"]["Alarms"]} == ROLLBACK_ALARMS
    assert props["AutoRollbackConfiguration"]["Enabled"] is True
    assert "DEPLOYMENT_STOP_ON_ALARM" in props["AutoRollbackConfiguration"]["Events"]
    assert "DEPLOYMENT_FAILURE" in props["AutoRollbackConfiguration"]["Events"]
    assert props["DeploymentStyle"] == {"DeploymentType": "BLUE_GREEN", "DeploymentOption": "WITH_TRAFFIC_CONTROL"}


def deployment_config(rendered) -> str:
    _, group = only(resources_of_type(rendered, "AWS::CodeDeploy::DeploymentGroup"))
    sub = group["Properties"]["DeploymentConfigName"]["Fn::Sub"]
    return sub[0].replace("${ConfigName}", sub[1]["ConfigName"])


def test_a_deploy_is_a_canary_by_default(template, rendered):
    default = template["Parameters"]["DeploymentType"]["Default"]
    assert default.startswith("Canary")
    assert deployment_config(rendered) == f"CodeDeployDefault.Lambda{default}"


def test_a_development_stack_can_deploy_all_at_once():
    assert "AllAtOnce" in load_template()["Parameters"]["DeploymentType"]["AllowedValues"]
    assert deployment_config(render({"DeploymentType": "AllAtOnce"})) == "CodeDeployDefault.LambdaAllAtOnce"


def test_the_default_canary_lasts_longer_than_the_slowest_rollback_alarm_needs_to_fire(template):
    minutes = int(re.fullmatch(r"Canary10Percent(\d+)Minutes", template["Parameters"]["DeploymentType"]["Default"]).group(1))
    metric_delay_minutes = 2  # EMF lines reach CloudWatch metrics within about a minute or two
    for name in ROLLBACK_ALARMS:
        props = template["Resources"][name]["Properties"]
        period = props.get("Period") or props["Metrics"][1]["MetricStat"]["Period"]
        needed = period // 60 * props["DatapointsToAlarm"] + metric_delay_minutes
        assert needed < minutes, f"{name} needs {needed} min to fire, the canary lasts {minutes}"


def test_every_allowed_deployment_type_is_a_codedeploy_lambda_config(template):
    allowed = template["Parameters"]["DeploymentType"]["AllowedValues"]
    predefined = {
        "AllAtOnce",
        *(f"Canary10Percent{m}Minutes" for m in (5, 10, 15, 30)),
        *(f"Linear10PercentEvery{m}Minute{'s' if m > 1 else ''}" for m in (1, 2, 3, 10)),
    }
    assert set(allowed) <= predefined


def test_codedeploy_gets_its_own_role_and_the_function_role_stays_least_privilege(rendered):
    roles = resources_of_type(rendered, "AWS::IAM::Role")
    assert set(roles) == {"ResolverRole", "CodeDeployServiceRole"}
    codedeploy = roles["CodeDeployServiceRole"]["Properties"]
    assert codedeploy["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"] == ["codedeploy.amazonaws.com"]
    assert codedeploy["ManagedPolicyArns"] == ["arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda"]
    assert "Policies" not in codedeploy

    function_role = roles["ResolverRole"]["Properties"]
    assert "ManagedPolicyArns" not in function_role
    granted = {
        action: statement["Resource"]
        for policy in function_role["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
        for action in statement["Action"]
    }
    assert set(granted) == {
        "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem",
        "logs:CreateLogStream", "logs:PutLogEvents",
        "xray:PutTraceSegments", "xray:PutTelemetryRecords",
    }
    for action, resource in granted.items():
        if action.startswith("dynamodb:"):
            assert resource == {"Fn::GetAtt": ["HydrationTable", "Arn"]}
        elif action.startswith("logs:"):
            assert refs(resource) == {"ResolverLogGroup"}
        else:
            assert resource == "*"  # X-Ray takes no resource ARN
    assert rendered["Resources"]["ResolverFunction"]["Properties"]["Role"] == {"Fn::GetAtt": ["ResolverRole", "Arn"]}


# --- the alarm topic -------------------------------------------------------------


def test_the_alarm_topic_exists_only_with_an_alarm_email(template):
    topic = template["Resources"]["AlarmTopic"]
    assert topic["Type"] == "AWS::SNS::Topic"
    assert topic["Condition"] == "HasAlarmEmail"
    assert topic["Properties"]["Subscription"] == [{"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}]
    for email, exists in (("", False), ("ops@contoso.com", True)):
        ev = Evaluator(template, parameter_values(template, {"AlarmEmail": email}))
        assert ev.condition("HasAlarmEmail") is exists
    output = template["Outputs"]["AlarmTopicName"]
    assert output["Condition"] == "HasAlarmEmail"


@pytest.mark.parametrize(
    "email, arn, expected",
    [
        ("", "", []),
        ("ops@contoso.com", "", [{"Ref": "AlarmTopic"}]),
        ("", "arn:aws:sns:eu-west-1:123456789012:ops", ["arn:aws:sns:eu-west-1:123456789012:ops"]),
        ("ops@contoso.com", "arn:aws:sns:eu-west-1:123456789012:ops", [{"Ref": "AlarmTopic"}, "arn:aws:sns:eu-west-1:123456789012:ops"]),
    ],
)
def test_every_alarm_notifies_the_topics_that_exist(template, email, arn, expected):
    ev = Evaluator(template, parameter_values(template, {"AlarmEmail": email, "AlarmTopicArn": arn}))
    for name in ALARMS:
        props = ev.value(template["Resources"][name]["Properties"])
        assert props["AlarmActions"] == expected, name
        assert props["OKActions"] == expected, name


def test_the_alarm_email_pattern_takes_an_address_or_nothing(template):
    pattern = re.compile(template["Parameters"]["AlarmEmail"]["AllowedPattern"])
    for ok in ("", "ops@contoso.com", "first.last+alerts@ops.contoso.co.uk"):
        assert pattern.fullmatch(ok), ok
    for bad in ("ops", "ops@", "@contoso.com", "a b@contoso.com", "ops@contoso"):
        assert not pattern.fullmatch(bad), bad


# --- the alarms ------------------------------------------------------------------


def test_the_alarms_are_these_eight_named_after_the_stack(template):
    alarms = resources_of_type(template, "AWS::CloudWatch::Alarm")
    assert set(alarms) == set(ALARMS)
    for name, suffix in ALARMS.items():
        assert alarms[name]["Properties"]["AlarmName"] == {"Fn::Sub": "${AWS::StackName}-" + suffix}
        assert alarms[name]["Properties"]["TreatMissingData"] == "notBreaching"
        assert f"{name}Name" in template["Outputs"], f"no output for {name}"


def test_the_api_5xx_alarm_reads_the_http_apis_5xx_share(template):
    props = template["Resources"]["ApiServerErrorsAlarm"]["Properties"]
    metrics = {m["Id"]: m for m in props["Metrics"]}
    assert metrics["errorRate"]["Expression"] == "errors / requests"
    assert metrics["errorRate"]["ReturnData"] is True
    for metric_id, metric_name in (("errors", "5xx"), ("requests", "Count")):
        stat = metrics[metric_id]["MetricStat"]
        assert stat["Metric"]["Namespace"] == "AWS/ApiGateway"
        assert stat["Metric"]["MetricName"] == metric_name
        assert stat["Metric"]["Dimensions"] == [{"Name": "ApiId", "Value": {"Ref": "HttpApi"}}]
        assert stat["Stat"] == "Sum"
        assert metrics[metric_id]["ReturnData"] is False
    assert props["Threshold"] == {"Ref": "ApiServerErrorThreshold"}
    assert props["ComparisonOperator"] == "GreaterThanThreshold"


def test_the_function_alarms_watch_the_function_and_the_metric_alarms_its_namespace(template):
    for name in ("FunctionErrorsAlarm", "FunctionThrottlesAlarm"):
        props = template["Resources"][name]["Properties"]
        assert props["Namespace"] == "AWS/Lambda"
        assert props["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "ResolverFunction"}}]
    for name in ("HydrationExhaustedAlarm", "ThrottledAlarm", "ServerErrorAlarm", "LatencyP99Alarm"):
        props = template["Resources"][name]["Properties"]
        assert props["Namespace"] == {"Ref": "MetricsNamespace"}
        assert props["Dimensions"] == [{"Name": "Service", "Value": "share-resolver"}]


def test_the_dashboard_shows_every_alarm(template):
    body = template["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    shown = set(re.findall(r"\$\{(\w+)\.Arn\}", body))
    assert shown == set(ALARMS)


def test_no_rollback_alarm_depends_on_the_api(template):
    # The API's integrations name the alias, the alias waits for the
    # deployment group, the group names its alarms: an alarm on the API
    # would close a cycle CloudFormation refuses.
    for name in ROLLBACK_ALARMS:
        assert "HttpApi" not in refs(template["Resources"][name]), name


# --- lint of what CloudFormation gets ------------------------------------------------


@pytest.mark.parametrize("overrides", [{}, {"AlarmEmail": "ops@contoso.com", "AllowedOrigins": "https://app.contoso.com", "DeploymentType": "AllAtOnce"}])
def test_the_rendered_template_is_cfn_lint_clean(overrides):
    # cfn-lint checks the SAM template against SAM's schemas; the resources
    # the transform generates (alias, version, deployment group, roles,
    # permissions, the API's body) only exist after it, so lint them too.
    rendered = render(overrides)
    config = cfnlint.api.ManualArgs(
        regions=["us-east-1", "eu-west-1"],
        # SAM inlines parameter values where it resolves them (DeploymentType).
        ignore_checks=["W2001"],
    )
    matches = cfnlint.api.lint(json.dumps(rendered), config=config)
    assert [str(m) for m in matches] == []
