"""Rendering runs: markdown tables, a PNG chart, and two runs side by side.

Everything here returns text or writes files; the CLI decides what to print.

Example:
    >>> from rag.eval.report import format_value
    >>> format_value(0.71234), format_value(None), format_value(12.5)
    ('0.712', '–', '12.50')
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rag.eval.run import EvalRun

__all__ = [
    "compare_markdown",
    "compare_rows",
    "flatten",
    "format_value",
    "run_markdown",
    "save_chart",
    "save_compare_chart",
    "save_run",
]


_COLUMNED = ("retrieval", "docs")
"""Kinds whose sections all hold the same metrics (drawn side by side)."""


def format_value(value: float | None) -> str:
    """Three decimals for ratios in [0, 1], two for other numbers, a dash for None."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value)
    return f"{value:.3f}" if -1.0 <= value <= 1.0 else f"{value:.2f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def run_markdown(run: EvalRun) -> str:
    """The run's metrics as a markdown table, with a line on what was measured.

    Retrieval and docs runs get one column per section (mode, question type),
    as their sections hold the same metrics; QA runs one row per metric.
    """
    sections = list(run.metrics)
    if run.kind in _COLUMNED:
        names = list(dict.fromkeys(n for s in sections for n in run.metrics[s]))
        rows = [[n, *(format_value(run.metrics[s].get(n)) for s in sections)] for n in names]
        table = _table(["metric", *sections], rows)
    else:
        rows = [
            [section, name, format_value(value)]
            for section in sections
            for name, value in run.metrics[section].items()
        ]
        table = _table(["section", "metric", "value"], rows)
    counts = ", ".join(f"{k} {v}" for k, v in run.counts.items())
    reused = "reused" if run.collection.get("reused") else "built"
    return (
        f"{table}\n\n{run.kind} run {run.created}: {counts}; collection "
        f"{run.collection.get('name')} ({reused}); {run.elapsed_s:.1f} s"
    )


def flatten(run: EvalRun) -> dict[str, float | None]:
    """``{"section / metric": value}`` for every metric of the run."""
    return {f"{s} / {n}": v for s, values in run.metrics.items() for n, v in values.items()}


Row = tuple[str, float | None, float | None, float | None]


def compare_rows(a: EvalRun, b: EvalRun) -> list[Row]:
    """Rows ``(metric, A, B, B - A)`` over the metrics of both runs, A's order first."""
    fa, fb = flatten(a), flatten(b)
    rows = []
    for key in dict.fromkeys([*fa, *fb]):
        va, vb = fa.get(key), fb.get(key)
        delta = vb - va if va is not None and vb is not None else None
        rows.append((key, va, vb, delta))
    return rows


def _differences(a: dict[str, Any], b: dict[str, Any], prefix: str = "") -> list[str]:
    out = []
    for key in sorted(set(a) | set(b)):
        va, vb = a.get(key), b.get(key)
        if isinstance(va, dict) and isinstance(vb, dict):
            out += _differences(va, vb, f"{prefix}{key}.")
        elif va != vb:
            out.append(f"{prefix}{key}: {va} → {vb}")
    return out


def compare_markdown(a: EvalRun, b: EvalRun, *, names: tuple[str, str] = ("A", "B")) -> str:
    """Two runs side by side with deltas, then the settings and parameters that differ."""
    rows = [
        [key, format_value(va), format_value(vb), _signed(delta)]
        for key, va, vb, delta in compare_rows(a, b)
    ]
    text = _table(["metric", names[0], names[1], "Δ (B − A)"], rows)
    notes = _differences(
        {"params": a.params, "settings": a.settings}, {"params": b.params, "settings": b.settings}
    )
    if a.kind != b.kind:
        notes.insert(0, f"kind: {a.kind} → {b.kind} (different kinds of run)")
    if notes:
        text += "\n\nDifferences:\n" + "\n".join(f"- {n}" for n in notes)
    return text


def _signed(value: float | None) -> str:
    return "–" if value is None else ("+" if value >= 0 else "") + format_value(value)


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    import matplotlib.pyplot as plt

    return plt


def _is_latency(name: str) -> bool:
    return "latency" in name or name.endswith(" s") or name.endswith(" ms")


def _is_ratio(name: str) -> bool:
    """Quality metrics in [0, 1]: neither latencies nor sizes such as "answer words"."""
    return not _is_latency(name) and not name.endswith(" words")


def save_chart(run: EvalRun, path: Path) -> Path:
    """Draw the run's quality metrics and latencies as bar charts in a PNG.

    Args:
        run: The run.
        path: The PNG file to write.

    Returns:
        ``path``.
    """
    plt = _pyplot()
    fig, (quality, speed) = plt.subplots(1, 2, figsize=(13, 4.8), width_ratios=[2, 1])
    sections = list(run.metrics)
    if run.kind in _COLUMNED:
        names = [n for n in run.metrics[sections[0]] if _is_ratio(n)]
        times = [n for n in run.metrics[sections[0]] if _is_latency(n)]
        _grouped(quality, names, {s: [run.metrics[s].get(n) for n in names] for s in sections})
        _grouped(speed, times, {s: [run.metrics[s].get(n) for n in times] for s in sections})
        if run.kind == "docs":
            quality.set_title(f"Answers on documents ({run.counts.get('questions')} questions)")
            speed.set_title("Latency (s)")
        else:
            quality.set_title(f"Retrieval quality ({run.counts.get('queries')} queries)")
            speed.set_title("Query latency (ms)")
    else:
        flat = {k.split(" / ", 1)[1]: v for k, v in flatten(run).items()}
        names = [n for n in flat if not _is_latency(n)]
        times = [n for n in flat if _is_latency(n)]
        _grouped(quality, names, {"run": [flat[n] for n in names]})
        _grouped(speed, times, {"run": [flat[n] for n in times]})
        asked = sum(run.counts.get(g, 0) for g in ("answerable", "impossible", "off_corpus"))
        quality.set_title(f"Answers and abstention ({asked} questions)")
        speed.set_title("Latency (s)")
    quality.set_ylim(0, 1.05)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _grouped(ax: Any, names: Sequence[str], series: dict[str, Sequence[float | None]]) -> None:
    width = 0.8 / max(1, len(series))
    for i, (label, values) in enumerate(series.items()):
        xs = [x + i * width for x in range(len(names))]
        bars = ax.bar(xs, [v or 0.0 for v in values], width, label=label)
        labels = [format_value(v) for v in values]
        ax.bar_label(bars, labels=labels, fontsize=7, rotation=90, padding=2)
    ax.set_xticks([x + width * (len(series) - 1) / 2 for x in range(len(names))])
    ax.set_xticklabels(names, rotation=30, ha="right", fontsize=8)
    if len(series) > 1:
        ax.legend(fontsize=8)
    ax.margins(y=0.15)


def save_compare_chart(
    a: EvalRun, b: EvalRun, path: Path, *, names: tuple[str, str] = ("A", "B")
) -> Path:
    """Draw the quality metrics (values in [0, 1]) of two runs side by side in a PNG."""
    plt = _pyplot()
    rows = [r for r in compare_rows(a, b) if _is_ratio(r[0])]
    fig, ax = plt.subplots(figsize=(max(6, 0.6 * len(rows) + 2), 5))
    series = {names[0]: [r[1] for r in rows], names[1]: [r[2] for r in rows]}
    _grouped(ax, [r[0] for r in rows], series)
    ax.set_title("Comparison")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def save_run(run: EvalRun, folder: Path) -> dict[str, Path]:
    """Write ``results.json``, ``results.md`` and ``chart.png`` into ``folder``.

    Returns:
        The written files by kind (``json``, ``markdown``, ``chart``).
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = {"json": run.save(folder / "results.json")}
    markdown = folder / "results.md"
    markdown.write_text(run_markdown(run) + "\n", encoding="utf-8")
    written["markdown"] = markdown
    written["chart"] = save_chart(run, folder / "chart.png")
    return written
