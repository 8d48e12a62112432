"""Evaluate the scorer against labelled JSONL (gold ``relevant``, ``sentiment``, ``topic``, ``level``)."""

from __future__ import annotations

from typing import Any, TextIO

from smcc.nlp.scorer import Scorer, read_jsonl

FIELDS = ("relevant", "sentiment", "topic", "level")


def _per_label(gold: list[Any], pred: list[Any]) -> dict[str, Any]:
    labels = sorted({*gold, *pred}, key=str)
    per: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, pred))
        fp = sum(g != label and p == label for g, p in zip(gold, pred))
        fn = sum(g == label and p != label for g, p in zip(gold, pred))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[str(label)] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    gold_labels = [str(label) for label in labels if label in gold]
    confusion = {str(g): {str(p): sum(a == g and b == p for a, b in zip(gold, pred)) for p in labels}
                 for g in labels}
    return {
        "n": len(gold),
        "accuracy": sum(g == p for g, p in zip(gold, pred)) / len(gold),
        "macro_f1": sum(per[label]["f1"] for label in gold_labels) / len(gold_labels),
        "labels": per,
        "confusion": confusion,
    }


def _print(field: str, metrics: dict[str, Any], out: TextIO) -> None:
    out.write(f"\n== {field}: n={metrics['n']} accuracy={metrics['accuracy']:.3f} "
              f"macro-F1={metrics['macro_f1']:.3f}\n")
    out.write(f"{'label':<18}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}\n")
    for label, m in metrics["labels"].items():
        out.write(f"{label:<18}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>10.3f}{m['support']:>9}\n")
    labels = list(metrics["confusion"])
    out.write("confusion (rows gold, columns predicted)\n" + " " * 18 + "".join(f"{p[:9]:>10}" for p in labels) + "\n")
    for g in labels:
        out.write(f"{g:<18}" + "".join(f"{metrics['confusion'][g][p]:>10}" for p in labels) + "\n")


def evaluate_jsonl(inp: TextIO, out: TextIO, scorer: Scorer | None = None) -> dict[str, Any]:
    """Score labelled lines, print per-field reports to ``out`` and return the metrics.

    ``relevant`` is also reported as F1 of the positive class (``relevant_f1``), and ``level``
    as recall of level 3 (``level3_recall``), the figures the targets are stated in.
    """
    scorer = scorer or Scorer.load()
    pairs: dict[str, tuple[list[Any], list[Any]]] = {f: ([], []) for f in FIELDS}
    items = [item for _, item in read_jsonl(inp)]
    for item, scored in zip(items, scorer.score_records(items)):
        for field in FIELDS:
            if field in item:
                pairs[field][0].append(item[field])
                pairs[field][1].append(scored[field])
    metrics: dict[str, Any] = {}
    for field, (gold, pred) in pairs.items():
        if gold:
            metrics[field] = _per_label(gold, pred)
            _print(field, metrics[field], out)
    if "relevant" in metrics:
        metrics["relevant_f1"] = metrics["relevant"]["labels"].get("True", {}).get("f1", 0.0)
    if "level" in metrics:
        metrics["level3_recall"] = metrics["level"]["labels"].get("3", {}).get("recall", 0.0)
    out.write("\n" + "  ".join(f"{k}={metrics[k]:.3f}" for k in ("relevant_f1", "level3_recall") if k in metrics)
              + "\n")
    return metrics
