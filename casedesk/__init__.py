"""CaseDesk: offline evidence case management with a provable chain of custody."""

__version__ = "0.1.0"
TOOL_NAME = "CaseDesk"


def tool_id() -> str:
    """Tool name and version as recorded in custody entries and bundles."""
    return f"{TOOL_NAME} {__version__}"
