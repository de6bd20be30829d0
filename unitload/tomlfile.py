"""Reading a TOML file into a pydantic model, every failure one line naming the file and the key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)


def load_model(path: Path, model: type[Model], error: type[ValueError], what: str, key: str = "") -> Model:
    """`model` from the TOML in `path`; else `error`: the file unreadable, not TOML, or its first invalid key
    (said after `key`, e.g. "setting ") with pydantic's message."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"{path}: cannot read {what} ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML ({exc})") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        raise error(f"{path}: {key}{where + ': ' if where else ''}{message}") from None
