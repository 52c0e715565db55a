"""infra/README.md says what the template does: its tables are compared with
infra/template.yaml (parameters and defaults, CORS, alarms, outputs), its
links must resolve, and the template's defaults are the service's own
(docs/api.md, "Configuration")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import API_DOC, INFRA_README, ROOT, code_spans, markdown_section, table_with_header
from test_template import ALARMS, ROLLBACK_ALARMS, refs

README = INFRA_README.read_text()


def shown_default(value) -> str:
    """A template Default as the README writes it."""
    return "empty" if value == "" else f"`{value}`"


def environment_of_parameters(template) -> dict[str, list[str]]:
    """parameter -> the environment variables the function gets it in (by
    Ref, or inside a Sub), in the template's order."""
    variables = template["Resources"]["ResolverFunction"]["Properties"]["Environment"]["Variables"]
    found: dict[str, list[str]] = {}
    for variable, value in variables.items():
        for name in sorted(refs(value) & set(template["Parameters"])):
            found.setdefault(name, []).append(variable)
    return found


def direct_variables(template) -> dict[str, str]:
    """variable -> parameter, for the variables that are one parameter as it
    is (possibly left out by a condition), whose default is then the
    parameter's."""
    variables = template["Resources"]["ResolverFunction"]["Properties"]["Environment"]["Variables"]
    found = {}
    for variable, value in variables.items():
        if isinstance(value, dict) and "Fn::If" in value and value["Fn::If"][2] == {"Ref": "AWS::NoValue"}:
            value = value["Fn::If"][1]
        if isinstance(value, dict) and value.get("Ref") in template["Parameters"]:
            found[variable] = value["Ref"]
    return found


# Parameters whose default is deliberately not the service's own: the
# service keeps AUTH_MODE=graph when unset (existing deployments), a new
# stack is obo (issue 16: verified identities for deployments).
DEPLOYMENT_DEFAULTS = {"AuthMode": ("obo", "graph")}


def left_to_the_service(service_default: str) -> bool:
    """An empty parameter leaves its variable unset: the service's default
    must then be none, or the one CLOUD gives it."""
    return service_default == "unset" or service_default.startswith("the cloud's")


# --- parameters ----------------------------------------------------------------------


def parameter_rows():
    return [row for row in table_with_header(README, "parameter") if row["parameter"] != "—"]


def test_the_parameters_table_lists_every_parameter_once(template):
    listed = [code_spans(row["parameter"])[0] for row in parameter_rows()]
    assert sorted(listed) == sorted(template["Parameters"])


def test_every_default_in_the_table_is_the_templates(template):
    for row in parameter_rows():
        name = code_spans(row["parameter"])[0]
        assert row["default"] == shown_default(template["Parameters"][name]["Default"]), name


def test_every_variable_in_the_table_is_the_one_the_function_gets(template):
    env = environment_of_parameters(template)
    for row in parameter_rows():
        name = code_spans(row["parameter"])[0]
        if name in env:
            assert code_spans(row["variable"]) == env[name], name
        else:
            assert row["variable"] == "—", name


def test_the_variables_set_without_a_parameter_are_in_the_table(template):
    variables = template["Resources"]["ResolverFunction"]["Properties"]["Environment"]["Variables"]
    fixed = set(variables) - {v for vs in environment_of_parameters(template).values() for v in vs}
    rows = [row for row in table_with_header(README, "parameter") if row["parameter"] == "—"]
    assert {code_spans(row["variable"])[0] for row in rows} == fixed


def test_allowed_values_listed_in_the_table_are_the_templates(template):
    for name in ("DeploymentType", "AuthMode", "CredentialKind", "Cloud"):
        row = next(r for r in parameter_rows() if code_spans(r["parameter"])[0] == name)
        listed = [v for v in code_spans(row["meaning"]) if v in template["Parameters"][name]["AllowedValues"]]
        assert sorted(set(listed)) == sorted(template["Parameters"][name]["AllowedValues"]), name


def service_defaults() -> dict[str, str]:
    rows = table_with_header(markdown_section(API_DOC.read_text(), "Configuration"), "variable")
    service = {}
    for row in rows:
        for variable in code_spans(row["variable"]):
            service[variable] = row["default"].split(" (")[0]
    return service


def test_the_templates_defaults_are_the_services_defaults(template):
    # docs/api.md "Configuration": the defaults the function itself uses when
    # a variable is unset; a stack deployed with default parameters must
    # behave the same, but for DEPLOYMENT_DEFAULTS.
    service = service_defaults()
    variables = template["Resources"]["ResolverFunction"]["Properties"]["Environment"]["Variables"]
    for variable in variables:
        assert variable in service, f"{variable} is not in docs/api.md's configuration table"
    for variable, parameter in direct_variables(template).items():
        default = template["Parameters"][parameter]["Default"]
        if parameter in DEPLOYMENT_DEFAULTS:
            ours, theirs = DEPLOYMENT_DEFAULTS[parameter]
            assert (default, service[variable]) == (ours, f"`{theirs}`"), parameter
            continue
        if default == "":
            assert left_to_the_service(service[variable]), f"{parameter} / {variable}: {service[variable]}"
        else:
            assert service[variable] == f"`{default}`", f"{parameter} / {variable}"
    for parameter, used_in in environment_of_parameters(template).items():
        if template["Parameters"][parameter]["Default"] == "":
            # An empty parameter leaves its variables unset (or is refused by a rule).
            for variable in used_in:
                assert left_to_the_service(service[variable]), f"{parameter} / {variable}"


def test_the_readme_says_which_defaults_differ_from_the_services(template):
    for parameter, (ours, theirs) in DEPLOYMENT_DEFAULTS.items():
        row = next(r for r in parameter_rows() if code_spans(r["parameter"])[0] == parameter)
        assert row["default"] == f"`{ours}`"
        assert f"service's own default is `{theirs}`" in row["meaning"], parameter


# --- CORS ---------------------------------------------------------------------------------


def cors_rows() -> dict[str, str]:
    return {row["CORS setting"]: row["value"] for row in table_with_header(README, "CORS setting")}


def cors(template):
    return template["Resources"]["HttpApi"]["Properties"]["CorsConfiguration"]["Fn::If"][1]


def test_the_cors_table_is_the_templates(template):
    rows, config = cors_rows(), cors(template)
    assert code_spans(rows["methods"]) == config["AllowMethods"]
    assert code_spans(rows["allowed request headers"]) == config["AllowHeaders"]
    assert code_spans(rows["exposed response headers"]) == config["ExposeHeaders"]
    assert code_spans(rows["preflight cache"]) == [str(config["MaxAge"])]
    assert config["AllowCredentials"] is False and rows["credentials"].startswith("none")
    assert config["AllowOrigins"] == {"Fn::Split": [",", {"Ref": "AllowedOrigins"}]}


def test_the_api_contracts_cors_lists_are_the_templates(template):
    # docs/api.md "CORS" is the service's; the gateway answers preflights
    # itself, so a header missing here is refused whatever the function does.
    rows = {
        row["item"]: row["value"]
        for row in table_with_header(markdown_section(API_DOC.read_text(), "CORS"), "item")
    }
    config = cors(template)
    assert code_spans(rows["methods"].split(" (")[0]) == config["AllowMethods"]
    assert code_spans(rows["exposed response headers"]) == config["ExposeHeaders"]
    documented = code_spans(rows["allowed request headers"])
    assert set(documented) == set(config["AllowHeaders"]), set(documented) ^ set(config["AllowHeaders"])


# --- alarms and outputs -------------------------------------------------------------------


def test_the_alarms_table_lists_every_alarm_and_marks_the_rollback_ones(template):
    rows = table_with_header(README, "alarm")
    listed = {code_spans(row["alarm"])[0]: row["rollback"] for row in rows}
    suffix = {f"<stack>-{s}": name for name, s in ALARMS.items()}
    assert set(listed) == set(suffix)
    for shown, rollback in listed.items():
        assert rollback == ("yes" if suffix[shown] in ROLLBACK_ALARMS else "no"), shown
    rollback = {a["Ref"] for a in template["Resources"]["ResolverFunction"]["Properties"]["DeploymentPreference"]["Alarms"]}
    assert rollback == ROLLBACK_ALARMS


def test_the_alarms_thresholds_in_the_table_are_the_templates_parameters(template):
    for row in table_with_header(README, "alarm"):
        name = next(n for n, s in ALARMS.items() if code_spans(row["alarm"])[0] == f"<stack>-{s}")
        threshold = template["Resources"][name]["Properties"]["Threshold"]
        if isinstance(threshold, dict):
            assert f"`{threshold['Ref']}`" in row["fires when"], name
        else:
            assert f"> {threshold} " in row["fires when"], name


def test_the_resource_table_counts_the_alarms(template):
    alarms = [n for n, r in template["Resources"].items() if r["Type"] == "AWS::CloudWatch::Alarm"]
    rows = table_with_header(README, "resource")
    assert any(row["resource"] == f"{len(alarms)} `AWS::CloudWatch::Alarm`s" for row in rows)
    assert f"the state of the {['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'][len(alarms)]} alarms" in README


def test_the_outputs_table_lists_every_output(template):
    listed = [name for row in table_with_header(README, "output") for name in code_spans(row["output"])]
    assert sorted(listed) == sorted(template["Outputs"])


# --- links ----------------------------------------------------------------------------------


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    return {slug(m) for m in re.findall(r"^#+ (.*)$", text, flags=re.M)}


LINKS = re.findall(r"\]\(([^)\s]+)\)", re.sub(r"```.*?```", "", README, flags=re.S))


@pytest.mark.parametrize("link", sorted(set(LINKS)))
def test_every_link_resolves(link):
    if re.match(r"^[a-z]+://", link):
        return  # no network here; the repository's own links are what drift
    target, _, anchor = link.partition("#")
    path = (INFRA_README.parent / target).resolve() if target else INFRA_README
    assert path.is_relative_to(ROOT), f"{link} leaves the repository"
    assert path.exists(), f"{link}: no {path}"
    if anchor:
        assert anchor in anchors(path), f"{link}: no heading #{anchor} in {path.name}"
