"""Where the shipped folders are: inside the package in a wheel, at the top level in a checkout."""

from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
PROJECT_ROOT = PACKAGE_ROOT.parent


def shipped_folder(name: str) -> Path:
    """Return `matcher/<name>` when installed from a wheel, else the checkout's top-level
    `<name>`."""
    packaged = PACKAGE_ROOT / name
    return packaged if packaged.is_dir() else PROJECT_ROOT / name
