"""Compile the translation catalogues into the wheel (the .mo files are not kept in git)."""

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogues(BuildHookInterface):
    """Run Babel's compile step and include the .mo files."""

    def initialize(self, version, build_data):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        root = Path(self.root) / "matcher" / "translations"
        for po_path in root.glob("*/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            with po_path.open("rb") as fh:
                catalog = read_po(fh)
            with mo_path.open("wb") as fh:
                write_mo(fh, catalog)
            build_data["force_include"][str(mo_path)] = str(mo_path.relative_to(self.root))
