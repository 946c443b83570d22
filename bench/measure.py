"""Timing in alternating rounds, and the one table every benchmark adds to.

A ratio is always against a baseline measured in the same run: the measured
thing and its baselines take turns in short rounds (the order rotating), so a
drift in the machine's speed (other processes on a shared 2-core machine)
hits all alike. Each round gives one ratio; the table shows their median and
their spread (lowest–highest)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Timed:
    """Per-call seconds of each side, round by round."""

    rounds: dict[str, list[float]]  # side → mean seconds per call, per round
    calls: dict[str, list[float]]  # side → every call's seconds

    def p50(self, side: str) -> float:
        return statistics.median(self.calls[side])

    def p95(self, side: str) -> float:
        return _quantile(self.calls[side], 0.95)

    def ratios(self, side: str, baseline: str) -> list[float]:
        """Speed of `side` relative to `baseline` per round (time of the
        baseline / time of the side: 1 is as fast, 0.5 half as fast)."""
        return [
            b / s for s, b in zip(self.rounds[side], self.rounds[baseline], strict=True)
        ]


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def alternate(sides: dict[str, Callable[[], object]], rounds: int, per_round: int):
    """Call each side `per_round` times a round for `rounds` rounds, rotating
    which goes first; one untimed warm-up call each."""
    names = list(sides)
    for name in names:
        sides[name]()
    timed = Timed({n: [] for n in names}, {n: [] for n in names})
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            spent = []
            for _ in range(per_round):
                started = time.perf_counter()
                sides[name]()
                spent.append(time.perf_counter() - started)
            timed.rounds[name].append(sum(spent) / len(spent))
            timed.calls[name].extend(spent)
    return timed


# --- the table ---------------------------------------------------------------------


@dataclass
class Row:
    section: str
    what: str
    value: str  # the figure itself (a time, a size, a count)
    ratio: str = ""  # median (spread) against the baseline named in `against`
    against: str = ""
    target: str = ""
    met: bool | None = None  # None: no target

    @property
    def verdict(self) -> str:
        return {True: "met", False: "NOT MET", None: ""}[self.met]


def ratio_text(values: list[float]) -> str:
    if not values:
        return ""
    return (
        f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"
        if len(values) > 1
        else f"{values[0]:.2f}"
    )


def ms(seconds: float) -> str:
    return (
        f"{seconds * 1000:.0f} ms" if seconds >= 0.0095 else f"{seconds * 1000:.1f} ms"
    )


HEADERS = ("", "measured", "value", "ratio: median (spread)", "against", "target", "")


def render(rows: list[Row]) -> str:
    """A Markdown table: readable in a terminal and pasted into the README."""
    lines = [
        [r.section, r.what, r.value, r.ratio, r.against, r.target, r.verdict]
        for r in rows
    ]
    widths = [
        max(len(str(x)) for x in col) for col in zip(HEADERS, *lines, strict=True)
    ]

    def fmt(cells) -> str:
        return (
            "| "
            + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True))
            + " |"
        )

    out = [fmt(HEADERS), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    section = None
    for line in lines:
        if line[0] == section:
            line = ["", *line[1:]]
        else:
            section = line[0]
        out.append(fmt(line))
    return "\n".join(out)
