"""infra/samconfig.toml, read with SAM CLI's own reader: the default
environment is the production stack's canary deploy, `dev` a development
stack that deploys and syncs all at once and never names the default stack."""

from __future__ import annotations

import pytest
from samcli.lib.config.samconfig import SamConfig

from conftest import ROOT, load_template


def config(command: str, env: str) -> dict:
    # A fresh reader each time: SamConfig.get_all merges into the document it read.
    return SamConfig(str(ROOT / "infra")).get_all([command], "parameters", env=env)


def overrides(params: dict) -> dict[str, str]:
    return dict(item.split("=", 1) for item in params.get("parameter_overrides", "").split())


@pytest.mark.parametrize("env", ["default", "dev"])
def test_build_and_sync_enable_the_rust_builder(env):
    # BuildMethod rust-cargolambda is a beta feature: without the flag sam
    # build asks, and a run without a terminal fails.
    assert config("build", env)["beta_features"] is True
    if env == "dev":
        assert config("sync", env)["beta_features"] is True


@pytest.mark.parametrize("env", ["default", "dev"])
def test_deploys_may_create_the_two_roles(env):
    assert config("deploy", env)["capabilities"] == "CAPABILITY_IAM"


def test_the_default_deploy_is_the_templates_canary():
    params = config("deploy", "default")
    assert params["stack_name"] == "share-resolver"
    assert "DeploymentType" not in overrides(params)
    assert load_template()["Parameters"]["DeploymentType"]["Default"].startswith("Canary")
    assert params["confirm_changeset"] is True


def test_dev_deploys_and_syncs_all_at_once_on_its_own_stack():
    allowed = load_template()["Parameters"]["DeploymentType"]["AllowedValues"]
    for command in ("deploy", "sync"):
        params = config(command, "dev")
        assert params["stack_name"] == "share-resolver-dev", command
        assert overrides(params)["DeploymentType"] == "AllAtOnce", command
        assert "AllAtOnce" in allowed
        assert set(overrides(params)) <= set(load_template()["Parameters"]), command


def test_sync_has_no_defaults_for_the_production_stack():
    assert "beta_features" not in config("sync", "default")
