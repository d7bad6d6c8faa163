"""Load and validate everything under content/; refuse to half-load a bad tree."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from channel_core.catalog.schema import Department, FaqEntry, Notice, ServiceDef
from channel_core.workflows.schema import WorkflowDef

# libyaml's C loader when PyYAML has it (8x faster on content/), else the pure-Python one.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ContentProblem:
    """One thing wrong in one content file."""

    file: str
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.message}"


class ContentError(Exception):
    """The content tree is invalid; `problems` lists every file, key and what is wrong."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        self.problems = problems
        super().__init__("invalid content:\n" + "\n".join(f"  {p}" for p in problems))


@dataclass(frozen=True)
class ContentTree:
    services: dict[str, ServiceDef]
    workflows: dict[str, WorkflowDef]
    departments: dict[str, Department]
    notices: tuple[Notice, ...]
    faq: tuple[FaqEntry, ...]
    version: str
    raw_services: dict[str, dict] = field(default_factory=dict)


def _loc(err) -> str:
    return ".".join(str(p) for p in err.get("loc", ())) or "(file)"


def _read_yaml(path: Path, root: Path, problems: list[ContentProblem]) -> object | None:
    rel = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_YAML_LOADER)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(ContentProblem(rel, "(file)", f"not valid YAML: {exc}"))
        return None


def _validate(model, data, rel: str, problems: list[ContentProblem], prefix: str = ""):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            key = _loc(err)
            problems.append(ContentProblem(rel, f"{prefix}{key}", err["msg"]))
        return None


def parse_service(data: object, rel: str = "(service)") -> tuple[ServiceDef | None, list[ContentProblem]]:
    """Validate one service definition exactly as the loader does (used by the console)."""
    problems: list[ContentProblem] = []
    if not isinstance(data, dict):
        return None, [ContentProblem(rel, "(file)", "a service must be a mapping")]
    svc = _validate(ServiceDef, data, rel, problems)
    return svc, problems


def check_references(services: dict[str, ServiceDef], workflows: dict[str, WorkflowDef],
                     departments: dict[str, Department], faq: tuple[FaqEntry, ...],
                     files: dict[str, str]) -> list[ContentProblem]:
    """Cross-file checks: handlers, workflows and FAQ service links exist."""
    problems: list[ContentProblem] = []
    for sid, svc in services.items():
        rel = files.get(sid, sid)
        if svc.workflow not in workflows:
            problems.append(ContentProblem(rel, "workflow", f"unknown workflow {svc.workflow!r}"))
        if departments and svc.handler not in departments:
            problems.append(ContentProblem(rel, "handler", f"unknown department {svc.handler!r}"))
    for entry in faq:
        for sid in entry.services:
            if sid not in services:
                problems.append(ContentProblem(files.get(entry.id, entry.id), "services",
                                               f"unknown service {sid!r}"))
    return problems


def load_content(root: Path) -> ContentTree:
    """Read and validate the whole content tree, or raise ContentError listing every problem."""
    root = Path(root)
    problems: list[ContentProblem] = []
    files: dict[str, str] = {}

    workflows: dict[str, WorkflowDef] = {}
    for path in sorted((root / "workflows").glob("*.yaml")):
        rel = str(path.relative_to(root))
        data = _read_yaml(path, root, problems)
        if data is None:
            continue
        wf = _validate(WorkflowDef, data, rel, problems)
        if wf is not None:
            if wf.name != path.stem:
                problems.append(ContentProblem(rel, "name", f"must equal the file name {path.stem!r}"))
            workflows[wf.name] = wf

    departments: dict[str, Department] = {}
    dep_path = root / "departments.yaml"
    if dep_path.exists():
        data = _read_yaml(dep_path, root, problems)
        if data is not None and not isinstance(data, list):
            problems.append(ContentProblem("departments.yaml", "(file)", "must be a list"))
        for i, item in enumerate(data if isinstance(data, list) else []):
            dep = _validate(Department, item, "departments.yaml", problems, prefix=f"[{i}].")
            if dep is not None:
                departments[dep.id] = dep

    services: dict[str, ServiceDef] = {}
    raw: dict[str, dict] = {}
    for path in sorted((root / "services").glob("*.yaml")):
        rel = str(path.relative_to(root))
        data = _read_yaml(path, root, problems)
        if data is None:
            continue
        svc, found = parse_service(data, rel)
        problems.extend(found)
        if svc is None:
            continue
        if svc.id != path.stem:
            problems.append(ContentProblem(rel, "id", f"must equal the file name {path.stem!r}"))
        if svc.id in services:
            problems.append(ContentProblem(rel, "id", f"duplicate service id {svc.id!r}"))
        services[svc.id] = svc
        raw[svc.id] = data  # type: ignore[assignment]
        files[svc.id] = rel

    notices: list[Notice] = []
    for path in sorted((root / "notices").glob("*.yaml")):
        rel = str(path.relative_to(root))
        data = _read_yaml(path, root, problems)
        if data is None:
            continue
        n = _validate(Notice, data, rel, problems)
        if n is not None:
            notices.append(n)

    faq: list[FaqEntry] = []
    for path in sorted((root / "faq").glob("*.yaml")):
        rel = str(path.relative_to(root))
        data = _read_yaml(path, root, problems)
        if data is None:
            continue
        items = data if isinstance(data, list) else [data]
        for i, item in enumerate(items):
            e = _validate(FaqEntry, item, rel, problems, prefix=f"[{i}]." if len(items) > 1 else "")
            if e is not None:
                faq.append(e)
                files[e.id] = rel

    problems.extend(check_references(services, workflows, departments, tuple(faq), files))
    if problems:
        raise ContentError(problems)

    digest = hashlib.sha256()
    for sid in sorted(raw):
        digest.update(json.dumps(raw[sid], sort_keys=True, default=str, ensure_ascii=False).encode())
    for n in notices:
        digest.update(n.model_dump_json().encode())
    for e in faq:
        digest.update(e.model_dump_json().encode())
    for name in sorted(workflows):
        digest.update(workflows[name].model_dump_json().encode())
    return ContentTree(
        services=services,
        workflows=workflows,
        departments=departments,
        notices=tuple(sorted(notices, key=lambda n: n.published, reverse=True)),
        faq=tuple(faq),
        version=digest.hexdigest()[:16],
        raw_services=raw,
    )
