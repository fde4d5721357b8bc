"""Plain-text logging that cannot be forged: control characters in a message are escaped, so a
name or e-mail containing a line break never starts a new log line."""

import logging
import sys

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def escape_controls(text: str) -> str:
    """Return text with line breaks and other control characters shown as escapes."""
    out = []
    for ch in text:
        if ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 32 or ord(ch) == 127 or ch in "\u2028\u2029\x85":
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


class SafeFormatter(logging.Formatter):
    """A formatter whose message part is always one line (a traceback may follow, indented)."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        """Format the record's message with control characters escaped."""
        record.message = escape_controls(record.message)
        return super().formatMessage(record)

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        """Indent every traceback line, so none can pass for a log line of its own."""
        return "\n".join("    " + line for line in super().formatException(ei).splitlines())


def install(level: int = logging.INFO) -> logging.Handler:
    """Send the `matcher` loggers to stderr through the safe formatter (once per process)."""
    logger = logging.getLogger("matcher")
    for handler in logger.handlers:
        if isinstance(handler.formatter, SafeFormatter):
            return handler
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter(FORMAT))
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler
