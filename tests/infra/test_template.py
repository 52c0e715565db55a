"""What infra/template.yaml deploys, read from the template and from the
CloudFormation template SAM renders from it: the alias the API invokes, the
canary that rolls back on alarms, the alarm topic, the alarms, the roles."""

from __future__ import annotations

import json
import re

from pathlib import Path

import cfnlint
import cfnlint.api
import pytest

from conftest import Evaluator, load_template, parameter_values, render, resources_of_type, substituted

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


TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
OTHER_TENANT_ID = "0c0d7c3a-3a4c-4c5e-9b8a-1f1e2d3c4b5a"
API_CLIENT_ID = "6e3b1c2d-8f4a-4b5c-9d6e-7f8a9b0c1d2e"
SPA_CLIENT_ID = "0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f"
SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:share-resolver/obo-client-secret-AbC123"
CERTIFICATE_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:share-resolver/obo-client-certificate-XyZ789"
# obo with the default credential, aws-web-identity: no ARN at all.
OBO = {"AuthMode": "obo", "TenantId": TENANT_ID, "ApiClientId": API_CLIENT_ID, "SpaClientIds": SPA_CLIENT_ID}
OBO_SECRET = {**OBO, "CredentialKind": "secret", "OboClientSecretArn": SECRET_ARN}
OBO_CERTIFICATE = {**OBO, "CredentialKind": "certificate", "OboClientCertificateArn": CERTIFICATE_ARN}
CREDENTIALS = {"aws-web-identity": OBO, "certificate": OBO_CERTIFICATE, "secret": OBO_SECRET}
# The variable each kind gives the function, and its value (the contract's
# "The function's own credential").
CREDENTIAL_VARIABLES = {
    "aws-web-identity": ("OBO_CLIENT_ASSERTION", "aws-web-identity"),
    "certificate": ("OBO_CLIENT_CERTIFICATE_ARN", CERTIFICATE_ARN),
    "secret": ("OBO_CLIENT_SECRET_ARN", SECRET_ARN),
}
GRAPH = {"AuthMode": "graph"}
MODES = {"obo": OBO, "graph": GRAPH}
# The contract's "National clouds": the identity platform (the authorizer's
# issuer host) and the token-exchange audience of each CLOUD.
CLOUDS = {
    "global": ("https://login.microsoftonline.com", "api://AzureADTokenExchange"),
    "usgov": ("https://login.microsoftonline.us", "api://AzureADTokenExchangeUSGov"),
    "usgovdod": ("https://login.microsoftonline.us", "api://AzureADTokenExchangeUSGov"),
    "china": ("https://login.partner.microsoftonline.cn", "api://AzureADTokenExchangeChina"),
}
GUARDED_ROUTES = {
    ("/v1/shares/{proxy+}", "get"),
    ("/v1/shares/{proxy+}", "post"),
    ("/v1/drives/{proxy+}", "get"),
    ("/v1/drives/{proxy+}", "post"),
    ("/v1/resolve", "post"),
    ("/v1/warmup", "post"),
    # POST /v1/$batch and /v1/batch: one route, no `$` in a route key.
    ("/v1/{batch}", "post"),
}
OPEN_ROUTES = {("/healthz", "get"), ("/openapi.json", "get")}


def evaluated(rendered: dict, overrides: dict[str, str]) -> Evaluator:
    return Evaluator(rendered, parameter_values(rendered, overrides))


def role_statements(rendered: dict, overrides: dict[str, str]) -> dict[str, dict]:
    """action -> the statement of the function role that grants it, for the
    given parameters (each action granted once, by an Allow)."""
    ev = evaluated(rendered, overrides)
    policies = ev.value(rendered["Resources"]["ResolverRole"]["Properties"]["Policies"])
    granted: dict[str, dict] = {}
    for policy in policies:
        for statement in policy["PolicyDocument"]["Statement"]:
            assert statement["Effect"] == "Allow"
            assert "NotResource" not in statement and "NotAction" not in statement and "NotPrincipal" not in statement
            for action in statement["Action"]:
                assert action not in granted, f"{action} granted twice"
                granted[action] = statement
    return granted


def role_grants(rendered: dict, overrides: dict[str, str]) -> dict[str, object]:
    """action -> resource of the function role's statements, for the given
    parameters; only sts:GetWebIdentityToken may carry a condition."""
    granted = {}
    for action, statement in role_statements(rendered, overrides).items():
        assert "Condition" not in statement or action == "sts:GetWebIdentityToken", action
        granted[action] = statement["Resource"]
    return granted


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
        ("/v1/shares/{proxy+}", "post"),
        ("/v1/drives/{proxy+}", "get"),
        ("/v1/drives/{proxy+}", "post"),
        ("/v1/resolve", "post"),
        ("/v1/warmup", "post"),
        ("/v1/{batch}", "post"),
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
    base = {
        "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem",
        "logs:CreateLogStream", "logs:PutLogEvents",
        "xray:PutTraceSegments", "xray:PutTelemetryRecords",
    }
    cases = {
        "graph": (GRAPH, set(), None),
        # graph mode ignores credentials given anyway: no grant for them.
        "graph with ARNs": ({**GRAPH, "CredentialKind": "secret", "OboClientSecretArn": SECRET_ARN, "OboClientCertificateArn": CERTIFICATE_ARN}, set(), None),
        "obo secret": (OBO_SECRET, {"secretsmanager:GetSecretValue"}, SECRET_ARN),
        "obo certificate": (OBO_CERTIFICATE, {"secretsmanager:GetSecretValue"}, CERTIFICATE_ARN),
        "obo aws-web-identity": (OBO, {"sts:GetWebIdentityToken"}, None),
    }
    for case, (overrides, extra, secret) in cases.items():
        granted = role_grants(rendered, overrides)
        assert set(granted) == base | extra, case
        for action, resource in granted.items():
            if action.startswith("dynamodb:"):
                assert resource == {"Fn::GetAtt": ["HydrationTable", "Arn"]}
            elif action.startswith("logs:"):
                assert refs(resource) == {"ResolverLogGroup"}
            elif action.startswith("secretsmanager:"):
                assert resource == secret, case  # exactly the kind's secret: no wildcard, no other one
            else:
                assert resource == "*"  # X-Ray and GetWebIdentityToken take no resource ARN
    assert rendered["Resources"]["ResolverFunction"]["Properties"]["Role"] == {"Fn::GetAtt": ["ResolverRole", "Arn"]}


# --- the function's own credential (obo): aws-web-identity's STS condition ------------


def iam_condition_allows(condition: dict, request: dict[str, object]) -> bool:
    """Whether an IAM Condition block admits a request's context (key ->
    value, a list for a multivalued key; a missing key is absent), for the
    operators the template uses, as IAM documents them: a condition on a
    missing key is false but for ForAllValues (true on an empty set) and
    Null; every operator and key must hold."""
    def values(key):
        value = request.get(key)
        return [] if value is None else value if isinstance(value, list) else [value]

    for operator, tests in condition.items():
        for key, wanted in tests.items():
            wanted = wanted if isinstance(wanted, list) else [wanted]
            present = values(key)
            if operator == "ForAllValues:StringEquals":
                ok = all(v in wanted for v in present)
            elif operator == "StringEquals":
                ok = len(present) == 1 and present[0] in wanted
            elif operator == "NumericLessThanEquals":
                ok = len(present) == 1 and any(float(present[0]) <= float(w) for w in wanted)
            elif operator == "Null":
                [null] = wanted
                ok = (not present) == (null == "true")
            else:
                raise AssertionError(f"operator {operator} not modelled here")
            if not ok:
                return False
    return True


def web_identity_statement(rendered, overrides) -> dict:
    return role_statements(rendered, overrides)["sts:GetWebIdentityToken"]


@pytest.mark.parametrize("cloud", sorted(CLOUDS))
def test_with_aws_web_identity_the_role_may_ask_sts_exactly_as_the_function_does_and_no_other_way(rendered, cloud):
    audience = CLOUDS[cloud][1]
    other = {a for _, a in CLOUDS.values()} - {audience}
    statement = web_identity_statement(rendered, {**OBO, "Cloud": cloud})
    assert statement["Resource"] == "*"  # the action has no resource type
    condition = statement["Condition"]
    # The contract's request: the cloud's token-exchange audience, RS256, 300 s.
    asked = {"sts:IdentityTokenAudience": [audience], "sts:SigningAlgorithm": "RS256", "sts:DurationSeconds": 300}
    assert iam_condition_allows(condition, asked)
    assert iam_condition_allows(condition, {**asked, "sts:DurationSeconds": 60})  # shorter is fine
    refused = {
        "another cloud's audience": {**asked, "sts:IdentityTokenAudience": [sorted(other)[0]]},
        "another service's audience": {**asked, "sts:IdentityTokenAudience": ["https://api.example.com"]},
        "its audience and another": {**asked, "sts:IdentityTokenAudience": [audience, "https://api.example.com"]},
        "no audience": {k: v for k, v in asked.items() if k != "sts:IdentityTokenAudience"},
        "ES384": {**asked, "sts:SigningAlgorithm": "ES384"},
        "an hour": {**asked, "sts:DurationSeconds": 3600},
        "301 s": {**asked, "sts:DurationSeconds": 301},
        "no duration (STS's default)": {k: v for k, v in asked.items() if k != "sts:DurationSeconds"},
        "no algorithm": {k: v for k, v in asked.items() if k != "sts:SigningAlgorithm"},
    }
    for case, request in refused.items():
        assert not iam_condition_allows(condition, request), case


def test_only_the_actions_without_a_resource_type_are_granted_on_star(rendered):
    # cfn-lint's copy of AWS's service authorization reference: an action
    # with resource types can be scoped to an ARN, so "*" would be too wide.
    policies = json.loads((Path(cfnlint.__file__).parent / "data" / "AdditionalSpecs" / "Policies.json").read_text())

    def resource_types(action: str) -> list[str]:
        service, name = action.split(":")
        return policies[service]["Actions"][name.lower()].get("Resources", [])

    for overrides in (*CREDENTIALS.values(), GRAPH):
        for action, resource in role_grants(rendered, overrides).items():
            assert (resource == "*") == (not resource_types(action)), action


def test_the_web_identity_grant_names_the_condition_keys_and_operators_aws_documents(rendered):
    # IAM user guide, "Controlling access with IAM policies" (outbound
    # identity federation): sts:IdentityTokenAudience, sts:SigningAlgorithm,
    # sts:DurationSeconds. Spelled exactly, so that a typo (which IAM would
    # accept and never match) fails here.
    condition = web_identity_statement(rendered, OBO)["Condition"]
    assert condition == {
        "ForAllValues:StringEquals": {"sts:IdentityTokenAudience": ["api://AzureADTokenExchange"]},
        "Null": {"sts:IdentityTokenAudience": "false"},
        "StringEquals": {"sts:SigningAlgorithm": "RS256"},
        "NumericLessThanEquals": {"sts:DurationSeconds": 300},
    }


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
    props = template["Resources"]["LatencyP99Alarm"]["Properties"]
    assert props["Namespace"] == {"Ref": "MetricsNamespace"}
    assert props["Dimensions"] == [{"Name": "Service", "Value": "share-resolver"}]


@pytest.mark.parametrize(
    "alarm, metric",
    [
        ("HydrationExhaustedAlarm", "HydrationExhausted"),
        ("ThrottledAlarm", "Throttled"),
        ("ServerErrorAlarm", "ServerError"),
    ],
)
def test_a_ratio_alarm_divides_its_metrics_sum_by_the_requests_sum(template, alarm, metric):
    # A request's line declares these metrics only when they are not 0
    # (src/metrics.rs), so their Average would be 1 whatever the ratio.
    props = template["Resources"][alarm]["Properties"]
    assert "MetricName" not in props and "Statistic" not in props
    metrics = {m["Id"]: m for m in props["Metrics"]}
    assert metrics["ratio"]["ReturnData"] is True
    part = metrics["ratio"]["Expression"].split(" / ")
    assert part[1] == "requests"
    counted = re.fullmatch(r"FILL\((\w+), 0\)", part[0]).group(1)
    for metric_id, metric_name in ((counted, metric), ("requests", "Requests")):
        stat = metrics[metric_id]["MetricStat"]
        assert stat["Metric"]["Namespace"] == {"Ref": "MetricsNamespace"}
        assert stat["Metric"]["MetricName"] == metric_name
        assert stat["Metric"]["Dimensions"] == [{"Name": "Service", "Value": "share-resolver"}]
        assert stat["Stat"] == "Sum"
        assert stat["Period"] == 300
        assert metrics[metric_id]["ReturnData"] is False
    assert props["ComparisonOperator"] == "GreaterThanThreshold"
    assert props["TreatMissingData"] == "notBreaching"


def test_the_dashboard_reads_no_metric_declared_only_when_not_0_by_its_average(template):
    body = template["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    for metric in ("HydrationExhausted", "Throttled", "ServerError", "StaleHit", "GraphCalls", "Attempts", "WarmupCalls"):
        for row in re.findall(r'\[ "\$\{MetricsNamespace\}", "' + metric + r'", [^\n]*', body):
            assert '"stat": "Sum"' in row, row


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


# --- identity: the JWT authorizer (obo), the secret, the environment -------------------


def api_body(rendered: dict, overrides: dict[str, str]) -> dict:
    return evaluated(rendered, overrides).value(rendered["Resources"]["HttpApi"]["Properties"]["Body"])


def routes_of(body: dict) -> set[tuple[str, str]]:
    return {(path, method) for path, ops in body["paths"].items() for method in ops}


def test_deployments_default_to_obo(template):
    param = template["Parameters"]["AuthMode"]
    assert param["Default"] == "obo"
    assert param["AllowedValues"] == ["graph", "obo"]


def test_in_obo_a_jwt_authorizer_of_the_tenant_and_the_api_guards_every_route_but_health_and_openapi(rendered):
    body = api_body(rendered, OBO)
    schemes = body["components"]["securitySchemes"]
    assert set(schemes) == {"EntraId"}
    authorizer = schemes["EntraId"]["x-amazon-apigateway-authorizer"]
    assert authorizer["type"] == "jwt"
    assert authorizer["identitySource"] == "$request.header.Authorization"
    issuer = substituted(evaluated(rendered, OBO), authorizer["jwtConfiguration"]["issuer"])
    assert issuer == f"https://login.microsoftonline.com/{TENANT_ID}/v2.0"  # the global cloud by default
    assert authorizer["jwtConfiguration"]["audience"] == [API_CLIENT_ID]  # the client id: v2 tokens' aud
    assert routes_of(body) == GUARDED_ROUTES | OPEN_ROUTES
    for path, method in GUARDED_ROUTES:
        assert body["paths"][path][method]["security"] == [{"EntraId": ["access_as_user"]}], (path, method)
    for path, method in OPEN_ROUTES:
        assert "security" not in body["paths"][path][method], (path, method)
    assert "security" not in body  # no API-wide default that the open routes would inherit


def test_in_graph_mode_there_is_no_authorizer(rendered):
    body = api_body(rendered, GRAPH)
    assert not body.get("components", {}).get("securitySchemes")
    assert "security" not in body
    assert routes_of(body) == GUARDED_ROUTES | OPEN_ROUTES
    for path, ops in body["paths"].items():
        for method, op in ops.items():
            assert "security" not in op, (path, method)
    assert not resources_of_type(rendered, "AWS::ApiGatewayV2::Authorizer")


def test_every_route_of_the_written_body_gets_an_integration(rendered):
    # DefinitionBody names the routes to guard; a path there without a
    # matching event would be a route with no integration.
    for mode, overrides in MODES.items():
        for path, ops in api_body(rendered, overrides)["paths"].items():
            for method, op in ops.items():
                assert "x-amazon-apigateway-integration" in op, (mode, path, method)


def test_the_authorizers_scope_is_the_functions_required_scope(rendered):
    env = evaluated(rendered, OBO).value(rendered["Resources"]["ResolverFunction"]["Properties"]["Environment"])["Variables"]
    for path, method in GUARDED_ROUTES:
        [requirement] = api_body(rendered, OBO)["paths"][path][method]["security"]
        assert requirement == {"EntraId": [env["REQUIRED_SCOPE"]]}


def environment(rendered: dict, overrides: dict[str, str]) -> dict[str, object]:
    return evaluated(rendered, overrides).value(rendered["Resources"]["ResolverFunction"]["Properties"]["Environment"])["Variables"]


IDENTITY_VARIABLES = {
    "AUTH_MODE", "ALLOWED_TENANTS", "ALLOWED_CLIENT_APPS", "API_AUDIENCE", "REQUIRED_SCOPE", "OBO_CLIENT_ID",
    "OBO_CLIENT_SECRET", "OBO_CLIENT_SECRET_ARN", "OBO_CLIENT_CERTIFICATE_ARN", "OBO_CLIENT_CERTIFICATE_PATH",
    "OBO_CLIENT_ASSERTION", "LOGIN_BASE_URL",
}


@pytest.mark.parametrize("kind", sorted(CREDENTIALS))
def test_the_function_gets_the_obo_settings_and_exactly_its_kinds_credential_in_obo_mode(rendered, kind):
    env = environment(rendered, CREDENTIALS[kind])
    identity = {k: v for k, v in env.items() if k in IDENTITY_VARIABLES}
    variable, value = CREDENTIAL_VARIABLES[kind]
    assert identity == {
        "AUTH_MODE": "obo",
        "ALLOWED_TENANTS": TENANT_ID,
        "API_AUDIENCE": {"Fn::Sub": "${ApiClientId},api://${ApiClientId}"},
        "REQUIRED_SCOPE": "access_as_user",
        "OBO_CLIENT_ID": API_CLIENT_ID,
        "ALLOWED_CLIENT_APPS": SPA_CLIENT_ID,
        variable: value,
    }
    # Never the secret or key itself in the environment (visible to anyone
    # who can read the function's configuration); LOGIN_BASE_URL keeps the
    # cloud's default.
    with_more = environment(rendered, {**CREDENTIALS[kind], "AdditionalAllowedTenants": OTHER_TENANT_ID})
    assert with_more["ALLOWED_TENANTS"] == {"Fn::Sub": "${TenantId},${AdditionalAllowedTenants}"}


def test_a_new_stack_has_no_secret_its_credential_is_aws_web_identity(template, rendered):
    param = template["Parameters"]["CredentialKind"]
    assert param["Default"] == "aws-web-identity"
    assert sorted(param["AllowedValues"]) == sorted(CREDENTIALS)
    env = environment(rendered, {"TenantId": TENANT_ID, "ApiClientId": API_CLIENT_ID, "SpaClientIds": SPA_CLIENT_ID})
    assert env["AUTH_MODE"] == "obo"
    assert env["OBO_CLIENT_ASSERTION"] == "aws-web-identity"
    assert "OBO_CLIENT_SECRET_ARN" not in env and "OBO_CLIENT_CERTIFICATE_ARN" not in env


def test_the_function_gets_no_obo_settings_in_graph_mode(rendered):
    env = environment(rendered, GRAPH)
    assert {k: v for k, v in env.items() if k in IDENTITY_VARIABLES} == {"AUTH_MODE": "graph"}
    for kind, overrides in CREDENTIALS.items():
        env = environment(rendered, {**overrides, "AuthMode": "graph"})
        assert {k: v for k, v in env.items() if k in IDENTITY_VARIABLES} == {"AUTH_MODE": "graph", "ALLOWED_TENANTS": TENANT_ID}, kind
    assert environment(rendered, {**GRAPH, "TenantId": TENANT_ID})["ALLOWED_TENANTS"] == TENANT_ID
    assert environment(rendered, {**GRAPH, "AdditionalAllowedTenants": OTHER_TENANT_ID})["ALLOWED_TENANTS"] == OTHER_TENANT_ID


def test_the_function_gets_max_inline_wait_ms(template, rendered):
    assert environment(rendered, OBO)["MAX_INLINE_WAIT_MS"] == "3000"
    param = template["Parameters"]["MaxInlineWaitMs"]
    # No more than the request deadline can ever be slept.
    assert param["MaxValue"] <= template["Parameters"]["ResolveDeadlineMs"]["MaxValue"]


# --- the Microsoft cloud (CLOUD) ---------------------------------------------------------


def test_the_cloud_parameter_offers_the_contracts_clouds_global_by_default(template):
    param = template["Parameters"]["Cloud"]
    assert param["Default"] == "global"
    assert sorted(param["AllowedValues"]) == sorted(CLOUDS)
    # Every allowed value has its row: FindInMap on a missing key fails the deploy.
    assert sorted(template["Mappings"]["Clouds"]) == sorted(CLOUDS)


@pytest.mark.parametrize("cloud", sorted(CLOUDS))
def test_the_cloud_reaches_the_function_the_authorizers_issuer_and_the_outputs(rendered, cloud):
    login, audience = CLOUDS[cloud]
    for kind, overrides in CREDENTIALS.items():
        assert environment(rendered, {**overrides, "Cloud": cloud})["CLOUD"] == cloud, kind
    assert environment(rendered, {**GRAPH, "Cloud": cloud})["CLOUD"] == cloud
    ev = evaluated(rendered, {**OBO, "Cloud": cloud})
    authorizer = api_body(rendered, {**OBO, "Cloud": cloud})["components"]["securitySchemes"]["EntraId"]
    issuer = authorizer["x-amazon-apigateway-authorizer"]["jwtConfiguration"]["issuer"]
    # The v2.0 issuer of the tenant's tokens in that cloud: the authorizer
    # refuses every other, another cloud's included.
    assert substituted(ev, issuer) == f"{login}/{TENANT_ID}/v2.0"
    output = rendered["Outputs"]["FederatedCredentialAudience"]
    assert ev.value(output["Value"]) == audience


def test_graph_and_the_sharing_hosts_follow_the_cloud_unless_given(template, rendered):
    # Set, they would pin the global cloud's Graph and hosts on a national
    # cloud's stack (an explicit variable wins over CLOUD's defaults).
    for name in ("GraphBaseUrl", "AllowedShareHosts"):
        assert template["Parameters"][name]["Default"] == "", name
    for cloud in CLOUDS:
        env = environment(rendered, {**OBO, "Cloud": cloud})
        assert "GRAPH_BASE_URL" not in env and "ALLOWED_SHARE_HOSTS" not in env, cloud
        assert "LOGIN_BASE_URL" not in env  # the cloud's, always
    given = {"GraphBaseUrl": "https://graph.microsoft.us/v1.0", "AllowedShareHosts": "contoso.sharepoint.us"}
    env = environment(rendered, {**OBO, "Cloud": "usgov", **given})
    assert env["GRAPH_BASE_URL"] == given["GraphBaseUrl"]
    assert env["ALLOWED_SHARE_HOSTS"] == given["AllowedShareHosts"]


def test_the_outputs_give_what_the_federated_credential_needs(template, rendered):
    # Subject: the role's ARN (the sub of the tokens STS issues to it);
    # audience: only with aws-web-identity, which is the only kind that uses it.
    assert rendered["Outputs"]["FunctionRoleArn"]["Value"] == {"Fn::GetAtt": ["ResolverRole", "Arn"]}
    condition = rendered["Outputs"]["FederatedCredentialAudience"]["Condition"]
    for kind, overrides in CREDENTIALS.items():
        assert evaluated(rendered, overrides).condition(condition) is (kind == "aws-web-identity"), kind
    assert evaluated(rendered, {**OBO, "AuthMode": "graph"}).condition(condition) is False
    # The audience the output names is the one the role may ask STS for.
    for cloud in CLOUDS:
        ev = evaluated(rendered, {**OBO, "Cloud": cloud})
        statement = web_identity_statement(rendered, {**OBO, "Cloud": cloud})
        allowed = statement["Condition"]["ForAllValues:StringEquals"]["sts:IdentityTokenAudience"]
        assert allowed == [ev.value(rendered["Outputs"]["FederatedCredentialAudience"]["Value"])], cloud


def test_every_parameter_is_in_exactly_one_console_group(template):
    groups = template["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
    grouped = [name for group in groups for name in group["Parameters"]]
    assert sorted(grouped) == sorted(template["Parameters"])


# --- the rules ------------------------------------------------------------------------------


def failing_rules(template, overrides) -> list[str]:
    """The template's Rules CloudFormation would refuse the stack with."""
    ev = Evaluator(template, parameter_values(template, overrides))
    return [
        name
        for name, rule in template["Rules"].items()
        if ev.value(rule.get("RuleCondition", True))
        and not all(ev.value(a["Assert"]) for a in rule["Assertions"])
    ]


@pytest.mark.parametrize("missing", ["TenantId", "ApiClientId", "SpaClientIds"])
def test_the_rules_refuse_obo_without_its_settings(template, missing):
    for kind, overrides in CREDENTIALS.items():
        assert failing_rules(template, overrides) == [], kind
        assert len(failing_rules(template, {**overrides, missing: ""})) == 1, kind
    assert failing_rules(template, GRAPH) == []
    assert failing_rules(template, {**GRAPH, missing: ""}) == []


@pytest.mark.parametrize(
    "case, overrides",
    [
        ("secret without its ARN", {**OBO, "CredentialKind": "secret"}),
        ("certificate without its ARN", {**OBO, "CredentialKind": "certificate"}),
        ("secret given the certificate's ARN instead", {**OBO, "CredentialKind": "secret", "OboClientCertificateArn": CERTIFICATE_ARN}),
        ("certificate given the secret's ARN instead", {**OBO, "CredentialKind": "certificate", "OboClientSecretArn": SECRET_ARN}),
        ("secret and a certificate", {**OBO_SECRET, "OboClientCertificateArn": CERTIFICATE_ARN}),
        ("certificate and a secret", {**OBO_CERTIFICATE, "OboClientSecretArn": SECRET_ARN}),
        ("aws-web-identity and a secret", {**OBO, "OboClientSecretArn": SECRET_ARN}),
        ("aws-web-identity and a certificate", {**OBO, "OboClientCertificateArn": CERTIFICATE_ARN}),
        ("aws-web-identity and both", {**OBO, "OboClientSecretArn": SECRET_ARN, "OboClientCertificateArn": CERTIFICATE_ARN}),
    ],
)
def test_the_rules_refuse_obo_with_zero_or_two_credentials(template, case, overrides):
    assert len(failing_rules(template, overrides)) == 1, case
    # graph mode uses no credential: whatever is given is ignored.
    assert failing_rules(template, {**overrides, "AuthMode": "graph"}) == [], case


def test_every_obo_stack_the_rules_admit_gives_the_function_exactly_one_credential(template, rendered):
    admitted = 0
    for kind in CREDENTIALS:
        for secret in ("", SECRET_ARN):
            for certificate in ("", CERTIFICATE_ARN):
                overrides = {**OBO, "CredentialKind": kind, "OboClientSecretArn": secret, "OboClientCertificateArn": certificate}
                if failing_rules(template, overrides):
                    continue
                admitted += 1
                env = environment(rendered, overrides)
                given = {v for v, _ in CREDENTIAL_VARIABLES.values() if v in env}
                assert given == {CREDENTIAL_VARIABLES[kind][0]}, overrides
                assert env[CREDENTIAL_VARIABLES[kind][0]] == CREDENTIAL_VARIABLES[kind][1]
    assert admitted == 3  # one per kind


@pytest.mark.parametrize("parameter", ["OboClientSecretArn", "OboClientCertificateArn"])
def test_the_secret_arns_must_be_full_secrets_manager_arns(template, parameter):
    pattern = re.compile(template["Parameters"][parameter]["AllowedPattern"])
    for ok in ("", SECRET_ARN, CERTIFICATE_ARN, "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:a/b_c-XyZ789"):
        assert pattern.fullmatch(ok), ok
    for bad in (
        "*",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:*",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:share-resolver",  # partial: IAM would not match it
        "arn:aws:ssm:eu-west-1:123456789012:parameter/x-AbC123",
        "share-resolver/obo-client-secret",
    ):
        assert not pattern.fullmatch(bad), bad


# --- lint of what CloudFormation gets ------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"AlarmEmail": "ops@contoso.com", "AllowedOrigins": "https://app.contoso.com", "DeploymentType": "AllAtOnce"},
        OBO,
        OBO_SECRET,
        OBO_CERTIFICATE,
        {**OBO, "Cloud": "usgov", "AdditionalAllowedTenants": OTHER_TENANT_ID, "AllowedOrigins": "https://app.contoso.com"},
        {**OBO_CERTIFICATE, "Cloud": "china", "GraphBaseUrl": "https://microsoftgraph.chinacloudapi.cn/v1.0", "AllowedShareHosts": "contoso.sharepoint.cn"},
        GRAPH,
        {**GRAPH, "TenantId": TENANT_ID, "AllowedOrigins": "https://app.contoso.com"},
    ],
)
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
