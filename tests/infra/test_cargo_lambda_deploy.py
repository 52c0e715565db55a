"""`cargo lambda deploy` applies Cargo.toml's [package.metadata.lambda.deploy]
to the function the stack created, on every deploy; CloudFormation rewrites a
property only when the template changes it. So each setting there must be
the template's, or the two deploy paths undo each other's settings."""

from __future__ import annotations

import re

from conftest import INFRA_README

# What the stack owns, and cargo lambda deploy must not set: the environment
# (it would be replaced whole, HYDRATION_TABLE included), the role, layers,
# networking, a function URL (bypassing the HTTP API's throttling and CORS),
# the log group's retention (LogRetentionDays).
STACK_OWNED = {
    "env", "env_file", "env_var", "env_vars", "role", "iam_role", "layer", "layers",
    "vpc", "subnet_ids", "security_group_ids", "enable_function_url", "log_retention",
}
# Compared below, or harmless (how to find the binary, retries).
COMPARED = {"memory", "timeout", "tracing", "tags", "tag", "alias", "runtime"}
HARMLESS = {"merge_env", "binary_name", "include", "retry_attempts"}


def function(template):
    return template["Resources"]["ResolverFunction"]["Properties"]


def test_no_setting_the_stack_owns(cargo_deploy):
    assert not STACK_OWNED & set(cargo_deploy), sorted(STACK_OWNED & set(cargo_deploy))


def test_every_setting_is_compared_with_the_template(cargo_deploy):
    # A new key must come with its comparison here.
    unknown = set(cargo_deploy) - COMPARED - HARMLESS - STACK_OWNED
    assert not unknown, f"not compared with infra/template.yaml: {sorted(unknown)}"


def test_memory_timeout_and_tracing_are_the_templates(template, cargo_deploy):
    fn = function(template)
    assert cargo_deploy["memory"] == fn["MemorySize"]
    assert cargo_deploy["timeout"] == fn["Timeout"]
    assert cargo_deploy["tracing"].lower() == fn["Tracing"].lower()


def test_tags_are_the_templates(template, cargo_deploy):
    tags = cargo_deploy.get("tags", cargo_deploy.get("tag"))
    assert tags == function(template)["Tags"]


def test_the_alias_is_the_one_the_api_invokes(template, cargo_deploy):
    # Without it, cargo lambda deploy would update $LATEST, which serves no
    # API traffic once the routes invoke the alias.
    assert cargo_deploy["alias"] == function(template)["AutoPublishAlias"]


def test_the_runtime_is_the_templates(template, cargo_deploy):
    # cargo-lambda's default runtime, used when it creates a function.
    assert cargo_deploy.get("runtime", "provided.al2023") == function(template)["Runtime"]


def test_the_timeout_fits_the_deadline_and_the_gateway(template, cargo_deploy):
    deadline_max_s = template["Parameters"]["ResolveDeadlineMs"]["MaxValue"] / 1000
    integration_s = {
        e["Properties"]["TimeoutInMillis"] / 1000 for e in function(template)["Events"].values()
    }
    assert deadline_max_s < cargo_deploy["timeout"] < min(integration_s)


def test_the_readmes_cargo_lambda_commands_match_the_default_architecture(template):
    text = INFRA_README.read_text()
    default = template["Parameters"]["Architecture"]["Default"]
    flag = {"arm64": "--arm64", "x86_64": "--x86-64"}[default]
    builds = re.findall(r"^cargo lambda build .*$", text, flags=re.M)
    assert builds, "no cargo lambda build command in infra/README.md"
    for command in builds:
        assert flag in command, command
    deploys = re.findall(r"^cargo lambda deploy .*$", text, flags=re.M)
    assert deploys, "no cargo lambda deploy command in infra/README.md"
