"""Shared fixtures of the template tests: the SAM template as written, the
CloudFormation template SAM renders from it (offline, with the SAM translator
that aws-sam-cli and CloudFormation's AWS::Serverless transform use), and a
small evaluator of conditions and Fn::If for checking what a stack gets
under given parameters.

Run: .venv/bin/pytest tests/infra (scripts/sam-build.sh does).
"""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path
from typing import Any

import boto3
import pytest
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "infra" / "template.yaml"
INFRA_README = ROOT / "infra" / "README.md"
CARGO_TOML = ROOT / "Cargo.toml"
API_DOC = ROOT / "docs" / "api.md"

NO_VALUE = object()  # what {"Ref": "AWS::NoValue"} evaluates to


def load_template() -> dict[str, Any]:
    return yaml_parse(TEMPLATE.read_text())


def render(
    parameters: dict[str, str] | None = None,
    template: dict[str, Any] | None = None,
    code_uri: str = "s3://artifacts/share-resolver.zip",
) -> dict[str, Any]:
    """The template (infra/template.yaml unless given) after the
    AWS::Serverless transform, as CloudFormation would deploy it. CodeUri is
    the S3 URI `sam deploy` would put there after uploading the build; the
    region is only for ARNs."""
    template = copy.deepcopy(template or load_template())
    template["Resources"]["ResolverFunction"]["Properties"]["CodeUri"] = code_uri
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name="us-east-1"))
    # The managed policy map is only consulted for Policies: names, which the
    # template does not use (the function has its own Role).
    return translator.translate(template, parameter_values=dict(parameters or {}), get_managed_policy_map=lambda: {})


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    return load_template()


@pytest.fixture(scope="session")
def rendered() -> dict[str, Any]:
    return render()


@pytest.fixture(scope="session")
def cargo_deploy() -> dict[str, Any]:
    return tomllib.loads(CARGO_TOML.read_text())["package"]["metadata"]["lambda"]["deploy"]


def resources_of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def parameter_values(template: dict[str, Any], overrides: dict[str, str] | None = None) -> dict[str, str]:
    values = {name: str(p.get("Default", "")) for name, p in template["Parameters"].items()}
    values.update(overrides or {})
    return values


class Evaluator:
    """Evaluates Ref (parameters), Fn::Equals/Not/And/Or, Condition, Fn::If
    and Fn::FindInMap the way CloudFormation does, for a given set of
    parameter values. Refs to resources stay as {"Ref": name}; Fn::Sub keeps
    its text (its variables evaluated): `substituted` finishes it."""

    def __init__(self, template: dict[str, Any], parameters: dict[str, str]):
        self.template = template
        self.parameters = parameters
        self._conditions: dict[str, bool] = {}

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            self._conditions[name] = bool(self.value(self.template["Conditions"][name]))
        return self._conditions[name]

    def value(self, node: Any) -> Any:
        if isinstance(node, list):
            items = [self.value(item) for item in node]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, arg), = node.items()
            if key == "Ref":
                if arg == "AWS::NoValue":
                    return NO_VALUE
                if arg in self.parameters:
                    return self.parameters[arg]
                return node
            if key == "Condition":
                return self.condition(arg)
            if key == "Fn::Equals":
                left, right = (self.value(a) for a in arg)
                return str(left) == str(right)
            if key == "Fn::Not":
                return not self.value(arg[0])
            if key == "Fn::And":
                return all(self.value(a) for a in arg)
            if key == "Fn::Or":
                return any(self.value(a) for a in arg)
            if key == "Fn::If":
                name, when_true, when_false = arg
                return self.value(when_true if self.condition(name) else when_false)
            if key == "Fn::FindInMap":
                mapping, top, second = (self.value(a) for a in arg)
                return self.template["Mappings"][mapping][top][second]
        out = {k: self.value(v) for k, v in node.items()}
        return {k: v for k, v in out.items() if v is not NO_VALUE}


def substituted(ev: Evaluator, node: Any) -> str:
    """The string an Fn::Sub (as written, or after ev.value) stands for,
    given its own variables and the parameters; anything else it names (a
    resource, a pseudo parameter) fails the test."""
    node = ev.value(node)
    arg = node["Fn::Sub"]
    text, variables = (arg[0], arg[1]) if isinstance(arg, list) else (arg, {})
    known = {**ev.parameters, **variables}

    def one(m: re.Match) -> str:
        name = m.group(1)
        assert name in known, f"${{{name}}} is neither a parameter nor a variable of the Sub"
        value = known[name]
        assert isinstance(value, str), f"${{{name}}} is not a string: {value!r}"
        return value

    return re.sub(r"\$\{([^!}][^}]*)\}", one, text)


def markdown_section(text: str, heading: str) -> str:
    """The text under a heading (any level) up to the next heading of the
    same or a higher level."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^(#+) (.*)$", line)
        if m and m.group(2).strip() == heading:
            level = len(m.group(1))
            body = []
            for nxt in lines[i + 1 :]:
                n = re.match(r"^(#+) ", nxt)
                if n and len(n.group(1)) <= level:
                    break
                body.append(nxt)
            return "\n".join(body)
    raise AssertionError(f"no heading {heading!r}")


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Every pipe table in the text: a list of rows (header first, the
    separator row dropped), each a list of cell texts."""
    tables, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            # An escaped \| (inside a code span) does not split cells.
            cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])]
            if not all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


def table_with_header(text: str, first: str) -> list[dict[str, str]]:
    """The rows of the one table whose first header cell is `first`, as dicts
    keyed by the header cells."""
    found = [t for t in markdown_tables(text) if t and t[0][0] == first]
    assert len(found) == 1, f"expected one table headed {first!r}, found {len(found)}"
    header, *rows = found[0]
    return [dict(zip(header, row)) for row in rows]


def code_spans(cell: str) -> list[str]:
    return re.findall(r"`([^`]*)`", cell)
