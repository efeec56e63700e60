"""``native-models/reports/real.md``: every model and classical baseline on the real cases.

Cases: real-sts-002 (CT, PET, MR T1 on the CT grid; expert GTV_Mass on that grid) and the
four BraTS 2013 cases (T1c, FLAIR; whole tumour). For each case and each predictor whose
inputs the case has: Dice, HD95, ASD, volume and volume difference against the expert, and
how the case was used in that model's training (held out / unlabelled / labelled — a figure
on a case trained with its label is marked and never called validation).

Run: ``python -m delineo_models.eval.report_real [--runs RUN_DIR ...]`` (console script
``delineo-report-real``). Without ``--runs`` every run folder under ``native-models/runs``
with a checkpoint is evaluated.
"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from ..data.importers import BRATS2013_SPLIT, import_brats2013, import_real_sts
from ..data.nifti_io import read_nifti
from ..data.paths import WORK_DATA, shared_data
from .baselines import suv25, suv41
from .markdown import fmt, fmt_mean_sd, provenance, table
from ..data.nifti_io import write_text_atomic
from .metrics import case_metrics, summarize
from .predictors import RunPredictor, Suv25Predictor, Suv41Predictor, load_cases

REPORT = Path(__file__).resolve().parents[2] / "reports" / "real.md"
RUNS = Path(__file__).resolve().parents[2] / "runs"
USE_TEXT = {None: "held out", "unlabelled": "trained on (unlabelled)", "labelled": "**trained on WITH label**"}


def prepare_cases(work: Path, with_brats: bool = True) -> dict:
    """Import the real sets into ``work`` once (reused afterwards); group name → cases."""
    groups = {}
    sts = work / "real-sts-002"
    if not (sts / "dataset.json").exists():
        import_real_sts(sts)
    groups["real-sts-002"] = load_cases(sts)
    if with_brats:
        b = work / "brats2013"
        if not (b / "dataset.json").exists():
            import_brats2013(b)
        groups["brats2013"] = load_cases(b)
    return groups


def discover_runs(runs_dir: Path) -> list[Path]:
    """Run folders (with a checkpoint) under runs_dir, sorted by name."""
    if not runs_dir.exists():
        return []
    return sorted(p for p in runs_dir.iterdir() if p.is_dir() and any(p.glob("checkpoint_*.pt")))


def evaluate(predictors, cases) -> list[dict]:
    """One row per (case, applicable predictor) with the case metrics and training use."""
    rows = []
    for case in cases:
        if case.label is None:
            continue
        for p in predictors:
            if not set(p.modalities) <= set(case.channels):
                continue
            pred = p.predict(case)
            m = case_metrics(pred["combined"], case.label, case.spacing)
            rows.append({"case": case.id, "model": p.name, "kind": p.kind, "inputs": "+".join(p.modalities),
                         "use": p.training_use.get(case.id), **m})
    return rows


def _case_table(rows) -> str:
    body = [[r["model"], r["kind"], r["inputs"], "— (not trained)" if r["kind"] == "classical" else USE_TEXT[r["use"]], fmt(r["dice"]), fmt(r["hd95_mm"], 1),
             fmt(r["asd_mm"], 2), fmt(r["volume_ml"], 1), f"{fmt(r['volume_diff_ml'], 1)} ({fmt(r['volume_diff_pct'], 0)} %)"]
            for r in rows]
    return table(["Method", "Kind", "Inputs", "This case in training", "Dice", "HD95 (mm)", "ASD (mm)",
                  "Volume (ml)", "ΔV vs expert (ml, %)"], body)


def _verdicts(rows) -> list[str]:
    base = {r["model"]: r["dice"] for r in rows if r["kind"] == "classical"}
    out = []
    for r in rows:
        if r["kind"] == "classical" or not base:
            continue
        lost = [f"{b} (Dice {fmt(d)} vs {fmt(r['dice'])})" for b, d in base.items() if r["dice"] <= d]
        out.append(f"- {r['model']}: " + ("does NOT beat " + "; ".join(lost) if lost else "beats both classical baselines")
                   + (" — on a case it trained on with its label" if r["use"] == "labelled" else ""))
    return out


def native_pet_baselines() -> str:
    """The two baselines on the PET's own grid against MIRP's PET-grid mask (no resampling)."""
    pet = read_nifti(shared_data("real-sts-002/PET/nifti/image/image.nii.gz"))
    gtv = read_nifti(shared_data("real-sts-002/PET/nifti/mask/mask.nii.gz")).data > 0
    rows = []
    for name, m in (("SUV 41 % (region growing)", suv41(pet.data)), ("SUV ≥ 2.5 (component of SUVmax)", suv25(pet.data)),
                    ("SUV ≥ 2.5 (all voxels)", suv25(pet.data, component="all"))):
        cm = case_metrics(m, gtv, pet.spacing)
        rows.append([name, fmt(cm["dice"]), fmt(cm["hd95_mm"], 1), fmt(cm["volume_ml"], 1), fmt(cm["ref_volume_ml"], 1)])
    return table(["Baseline on the native PET grid (5.47 × 5.47 × 3.27 mm)", "Dice", "HD95 (mm)", "Volume (ml)", "Expert (ml)"], rows)


def render(rows, predictors, groups, command: str, note: str = "") -> str:
    """The whole report as Markdown."""
    lines = ["# Delineo on real patients: models vs classical baselines vs the expert contour", "",
             provenance(command)]
    if note:
        lines += [f"> {note}", ""]
    lines += ["## Data and split", "",
              "- **real-sts-002**: TCIA Soft-tissue-Sarcoma STS_002 (thigh), CC BY 3.0. CT (GE, 0.98 × 0.98 × 3.27 mm), "
              "FDG PET already in SUVbw and MIM-registered T1 MR, both resampled trilinearly onto the CT grid in world "
              "coordinates; reference = expert GTV_Mass rasterised by MIRP on the CT grid. Metrics are on the CT grid.",
              "- **brats2013**: four BraTS 2013 cases (Menze et al. 2015; CC BY-NC-SA 3.0 CH, evaluation/training only), "
              "T1c + FLAIR, cropped to the brain mask; reference = whole tumour (OTMultiClass > 0). Split used by "
              "the importer: " + ", ".join(f"{k} {v[0]}{'' if v[1] else ' (unlabelled)'}" for k, v in
                                          BRATS2013_SPLIT.items()) + ".",
              "- Classical baselines (our code, `delineo_models.eval.baselines`): SUV 41 % of SUVmax region growing from the "
              "hottest voxel and SUV ≥ 2.5 restricted to the connected component holding the hottest voxel, both with the "
              "26-neighbourhood; no search region (the hottest voxel of the whole volume).",
              "- Metrics (`delineo_models.eval.metrics`): Dice; HD95 = 95th percentile of the pooled symmetric surface "
              "distances (surface = boundary voxels, 6-neighbourhood), mm; ASD = mean of the same pooled distances.", ""]
    models = [p for p in predictors if p.kind != "classical"]
    if models:
        lines += ["### Models evaluated", ""]
        mrows = []
        for p in models:
            summ = {}
            sp = getattr(p, "run_dir", None)
            if sp is not None and (Path(sp) / "training.json").exists():
                summ = json.loads((Path(sp) / "training.json").read_text())
            data = summ.get("data", {})
            card = getattr(p, "card", None)
            if card is not None:  # an exported model: what its card records about training
                summ = {"iterations": card.get("metrics", {}).get("trainingIterations", "?")}
                data = card.get("training", {}).get("cases", {})
            real = ", ".join(f"{k} ({v})" for k, v in sorted(p.training_use.items()) if not k.startswith("phantom")) or "none"
            mrows.append([p.name, p.kind, "+".join(p.modalities), str(summ.get("iterations", "?")),
                          f"{data.get('labelled', '?')} / " + ("none used" if p.kind == "supervised" else f"{data.get('unlabelled', '?')}"),
                          real])
        lines += [table(["Model", "Kind", "Inputs", "Iterations", "Labelled / unlabelled training cases", "Real cases in training"], mrows), ""]
    else:
        lines += ["**No trained run was found** (`native-models/runs/*/checkpoint_*.pt`): only the classical baselines are "
                  "reported below. Re-run the command once runs exist.", ""]
    for group, cases in groups.items():
        for case in cases:
            crow = [r for r in rows if r["case"] == case.id]
            if not crow:
                continue
            vol = crow[0]["ref_volume_ml"]
            lines += [f"## {group}: {case.id}", "", f"Expert volume {vol:.1f} ml; grid {tuple(round(s, 3) for s in case.spacing)} mm "
                      f"(z, y, x), split `{case.split}`.", "", _case_table(crow), ""]
            v = _verdicts(crow)
            if v:
                lines += v + [""]
            if group == "real-sts-002":
                lines += ["Baselines again without any resampling, on the PET's own grid against MIRP's PET-grid "
                          "rasterisation of the same contour:", "", native_pet_baselines(), ""]
    held = {}
    for r in rows:
        if r["kind"] != "classical" and r["use"] != "labelled":
            held.setdefault((r["model"], r["inputs"]), []).append(r)
    if held:
        lines += ["## Summary over cases not trained on with labels (mean ± sd, population sd)", ""]
        srows = [[m, i, str(len(rs)), fmt_mean_sd(summarize([x["dice"] for x in rs])),
                  fmt_mean_sd(summarize([x["hd95_mm"] for x in rs]), 1)] for (m, i), rs in held.items()]
        lines += [table(["Model", "Inputs", "Cases", "Dice", "HD95 (mm)"], srows), ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv=None) -> int:
    """Console entry point (``delineo-report-real``)."""
    ap = argparse.ArgumentParser(prog="delineo-report-real", description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", nargs="*", type=Path, help="run folders (default: all under native-models/runs)")
    ap.add_argument("--runs-dir", type=Path, default=RUNS)
    ap.add_argument("--cards", nargs="*", type=Path, default=[],
                    help="exported model cards (<name>.json beside <name>.onnx) to evaluate as shipped; "
                         "CARD=CH1,CH2 names the case channels in card order (e.g. brain.json=T1c,FLAIR)")
    ap.add_argument("--out", type=Path, default=REPORT)
    ap.add_argument("--work", type=Path, default=WORK_DATA / "report-real", help="where the real sets are imported")
    ap.add_argument("--no-brats", action="store_true", help="skip the BraTS 2013 cases")
    ap.add_argument("--note", default="", help="a sentence for the report header (e.g. how long the runs trained)")
    ap.add_argument("--supervised-counterparts", type=float, metavar="MINUTES",
                    help="first train (or resume) a supervised-only twin of every semi-supervised run, with this budget")
    args = ap.parse_args(argv)
    try:
        groups = prepare_cases(args.work, not args.no_brats)
        runs = list(args.runs) if args.runs is not None else discover_runs(args.runs_dir)
        if args.supervised_counterparts:
            from .counterparts import train_counterpart
            twins = [train_counterpart(r, args.supervised_counterparts) for r in runs
                     if not r.name.startswith("supervised__")]
            runs += [t for t in twins if t not in runs]
        from .card_predictor import CardPredictor
        cards = []
        for spec in args.cards:
            path, _, chans = str(spec).partition("=")
            cards.append(CardPredictor(path, chans.split(",") if chans else None))
        predictors = [Suv41Predictor(), Suv25Predictor()] + [RunPredictor(r) for r in runs] + cards
        rows = evaluate(predictors, [c for cs in groups.values() for c in cs])
    except (ValueError, FileExistsError) as exc:
        print(f"delineo-report-real: {exc}", file=sys.stderr)
        return 1
    command = "python -m delineo_models.eval.report_real " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    write_text_atomic(args.out, render(rows, predictors, groups, command.strip(), args.note))
    print(f"wrote {args.out} ({len(rows)} rows)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
