"""A method's memory over all its processes: the solver forks workers, and the machine must
hold them all at once, so the largest process's peak alone says too little.

Each process's proportional set size (its private pages plus its share of the pages it
shares with others, Linux's `/proc/PID/smaps_rollup`) is summed over a process group and
sampled while the group runs: pages a fork shares are counted once, not once per process.
"""

from __future__ import annotations

import os
from pathlib import Path

PROC = Path("/proc")


def _group(pid: int) -> int | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:  # gone since the listing
        return None
    # the command name (field 2) may hold spaces: the fields after it follow its ')'
    return int(stat[stat.rindex(")") + 2 :].split()[2])


def _pss_kib(pid: int) -> int:
    try:
        with open(PROC / str(pid) / "smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def group_pss_mib(pgid: int) -> float:
    """Return the proportional set sizes summed over the processes of group `pgid`, in MiB."""
    kib = 0
    for entry in os.scandir(PROC):
        if entry.name.isdigit() and _group(int(entry.name)) == pgid:
            kib += _pss_kib(int(entry.name))
    return kib / 1024


def available() -> bool:
    """Whether this system shows processes' proportional set sizes (Linux 4.14 and later)."""
    return (PROC / "self" / "smaps_rollup").exists()
