"""The one configuration loader: YAML files validated with pydantic.

Every error names the file, the entry (by its ``name`` when it has one), the key and the
problem, e.g. ``config/sources.yaml: sources[voz-mobile].max_pages: Input should be a
valid integer``. ``${VAR}`` and ``${VAR:-default}`` in string values are replaced from the
environment, so secrets and local URLs stay out of the files.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

M = TypeVar("M", bound=BaseModel)

_ENV_REF = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?::-([^}]*))?\}")


class ConfigError(ValueError):
    """A configuration file is missing, unreadable or invalid."""


class StrictModel(BaseModel):
    """Base for configuration models: unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _expand_env(value: Any, path: Path) -> Any:
    if isinstance(value, str):
        def repl(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name in os.environ:
                return os.environ[name]
            if default is not None:
                return default
            raise ConfigError(f"{path}: environment variable {name} is not set (referenced as ${{{name}}})")

        return _ENV_REF.sub(repl, value)
    if isinstance(value, list):
        return [_expand_env(v, path) for v in value]
    if isinstance(value, dict):
        return {k: _expand_env(v, path) for k, v in value.items()}
    return value


def _location(data: Any, loc: tuple[Any, ...]) -> str:
    """Render a pydantic error location, naming list entries by their ``name`` key."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int) and isinstance(node, list):
            entry = node[key] if key < len(node) else None
            label = entry.get("name") if isinstance(entry, dict) and entry.get("name") else key
            if parts:
                parts[-1] += f"[{label}]"
            else:
                parts.append(f"[{label}]")
            node = entry
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"


def parse_model(data: Any, model: type[M], path: Path | str) -> M:
    """Validate already-parsed data; errors are rewritten as one readable ``ConfigError``."""
    path = Path(path)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            # Discriminated unions add the tag name to the location; it is noise for a reader.
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            lines.append(f"{path}: {_location(data, loc)}: {err['msg']}")
        raise ConfigError("\n".join(lines)) from None


def load_yaml(path: Path | str) -> Any:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ConfigError(f"{path}: invalid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    return _expand_env(data if data is not None else {}, path)


def load_config(path: Path | str, model: type[M]) -> M:
    """Read ``path`` and validate it against ``model``."""
    return parse_model(load_yaml(path), model, path)
