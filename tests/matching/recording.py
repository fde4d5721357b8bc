"""A method's calls recorded while it goes on working (which MIP ran, given what)."""

from __future__ import annotations

from typing import Any


def record(monkeypatch: Any, cls: type, name: str) -> list[tuple[tuple, dict, Any]]:
    """Replace `cls.name` by a wrapper that calls it and appends (args, kwargs, result) to
    the list returned."""
    calls: list[tuple[tuple, dict, Any]] = []
    method = getattr(cls, name)

    def recorded(self: Any, *args: Any, **kw: Any) -> Any:
        result = method(self, *args, **kw)
        calls.append((args, kw, result))
        return result

    monkeypatch.setattr(cls, name, recorded)
    return calls
