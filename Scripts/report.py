"""Turns denoise-eval result files into a results page beside published numbers.

    python3 Scripts/report.py [--results results] [--published Scripts/published_results.csv] [JSON ...]

Reads every RESULTS/*.json (or the files given), writes
- RESULTS/README.md: our numbers per result, and per benchmark beside the published ones;
- RESULTS/psnr_vs_throughput.png: PSNR against megapixels per second, one panel per benchmark and
  noise level (the shape of the SKIPAT paper's accuracy-versus-throughput figure); published methods,
  whose speed was not measured here, are drawn as horizontal lines;
- RESULTS/crops/*.png: noisy | ours | clean crops of the first few items of results whose outputs were
  saved under RESULTS/images/<result name>/ (the eval scripts' --save). Synthetic noise is regenerated
  with Scripts/eval_noise.py from the seed in the result, so it is the noise the model saw.
"""
import argparse
import csv
import hashlib
import json
import math
from pathlib import Path

import numpy as np
from PIL import Image

from eval_noise import add_noise, derive_seed, sigma_code

IMAGE_EXTENSIONS = {"png", "tif", "tiff", "jpg", "jpeg", "bmp"}
CROPS_PER_RESULT = 3
CROP = 128
WEIGHTS = Path(__file__).resolve().parent.parent / "Sources" / "DenoiseModels" / "Weights"


def weights_note(report) -> str:
    """The weights' sha256 prefix, flagged when it is not the bundled file of that name (a stale result)."""
    name, sha = report["model"]["name"], report["model"]["sha256"]
    bundled = WEIGHTS / f"{name}.safetensors"
    if bundled.exists() and hashlib.sha256(bundled.read_bytes()).hexdigest() != sha:
        return f"{sha[:8]} (older than bundled)"
    return sha[:8]


def benchmark(report):
    """The published-table key of a result: dataset name for image sets, SIDD, DAVIS."""
    return {"sidd": "SIDD", "davis": "DAVIS"}.get(report["task"], report["dataset"])


def sigma_text(sigma):
    if sigma is None:
        return "real"
    return str(int(sigma)) if float(sigma).is_integer() else str(sigma)


def number(value, digits):
    if value is None or value == "":
        return "-"
    if isinstance(value, str):
        return value
    return f"{value:.{digits}f}" if math.isfinite(value) else str(value)


def load_results(paths):
    results = []
    for path in paths:
        report = json.loads(Path(path).read_text())
        if "runs" in report and "task" in report:
            results.append((Path(path), report))
    return results


def load_published(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        row["sigma"] = float(row["sigma"]) if row["sigma"] else None
        row["psnr"] = float(row["psnr"])
        row["ssim"] = float(row["ssim"]) if row["ssim"] else None
    return rows


def subset_note(report, run):
    items = len(run["items"])
    if report["task"] == "sidd":
        return f"{items} block(s) of `{report['dataset']}`"
    if report["task"] == "davis":
        frames = sum(len(i.get("frames") or []) for i in run["items"])
        return f"{items} sequences, {frames} frames"
    return f"{items} images" + (f", shard {report['shard']}" if report.get("shard") else "")


def write_readme(out, results, published, plot_name, crops):
    lines = ["# Evaluation results", "",
             "Produced by `Scripts/eval_gaussian.sh`, `Scripts/eval_sidd.sh`, `Scripts/eval_davis.sh` (denoise-eval) and "
             "`Scripts/report.py`. Numbers on `shared/data/val` are **validation** numbers, not test scores. "
             "PSNR (dB, RGB or gray, all pixels) and SSIM are taken on the output rounded to 8 bits (docs/design.md, section 6). "
             "Throughput is CPU time on the machine that ran the evaluation (MP/s: megapixels of input per second of "
             "denoising; noise estimation included for blind runs). Throughput depends on the machine that ran each evaluation (an AMD Zen 3 with AVX2 and an AMD Zen 5 "
             "with AVX-512 ran these, about 3-4x apart), so compare it only between results of one machine; "
             "the speed ratios in docs/results.md were measured within single runs.", "",
             "## Our results", "",
             "| result | task | dataset | sigma | model | weights | blind | PSNR | SSIM | MP/s | frames/s | items |",
             "|---|---|---|---:|---|---|---|---:|---:|---:|---:|---|"]
    for path, report in results:
        for run in report["runs"]:
            lines.append(f"| {path.stem} | {report['task']} | {report['dataset']} | {sigma_text(run['sigma'])} | "
                         f"`{report['model']['name']}` | {weights_note(report)} | {'yes' if report['blind'] else 'no'} | {number(run['psnr'], 2)} | "
                         f"{number(run['ssim'], 4)} | {number(run['megapixels_per_second'], 3)} | "
                         f"{number(run.get('frames_per_second'), 2)} | {subset_note(report, run)} |")
    models = sorted({(r["model"]["name"], r["model"]["sha256"]) for _, r in results})
    lines += ["", "Weights: " + ", ".join(f"`{name}` = sha256 `{sha[:16]}`" for name, sha in models), ""]

    lines += ["## Beside published numbers", "",
              "Published rows are copied from the papers (see `Scripts/published_results.csv` for each source). "
              "They are on the full benchmarks: SIDD rows are on all 1280 validation blocks while ours are on the "
              "blocks available here; the DAVIS rows are on DAVIS-2017 test-dev, other sequences than ours, so "
              "they are indicative only.", ""]
    keys = []
    for row in published:
        key = (row["dataset"], row["sigma"])
        if key not in keys:
            keys.append(key)
    ours_by_key = {}
    for path, report in results:
        for run in report["runs"]:
            ours_by_key.setdefault((benchmark(report), run["sigma"]), []).append((path, report, run))
    for key in keys:
        dataset, sigma = key
        lines += [f"### {dataset}" + ("" if sigma is None else f", sigma {sigma_text(sigma)}"), "",
                  "| method | PSNR | SSIM | note |", "|---|---:|---:|---|"]
        for row in sorted((r for r in published if (r["dataset"], r["sigma"]) == key), key=lambda r: r["psnr"]):
            lines.append(f"| {row['method']} | {number(row['psnr'], 2)} | {number(row['ssim'], 4)} | {row['source']} |")
        ours = ours_by_key.get(key, [])
        for path, report, run in ours:
            lines.append(f"| **ours, `{report['model']['name']}`** | **{number(run['psnr'], 2)}** | "
                         f"{number(run['ssim'], 4)} | {path.stem}: {subset_note(report, run)}"
                         f"{', blind' if report['blind'] else ''}, weights {weights_note(report)} |")
        if not ours:
            lines.append("| ours | - | - | not run yet |")
        lines.append("")
    extra = [k for k in ours_by_key if k not in keys]
    if extra:
        lines += ["Results without published rows here: " +
                  ", ".join(f"{d} sigma {sigma_text(s)}" for d, s in extra) + ".", ""]

    lines += ["## PSNR versus throughput", "", f"![PSNR versus throughput]({plot_name})", ""]
    if crops:
        lines += ["## Crops (noisy | ours | clean)", ""]
        lines += [f"![{c.stem}](crops/{c.name})" for c in crops]
        lines.append("")
    (out / "README.md").write_text("\n".join(lines))


def plot(out, results, published, name):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = {}
    for path, report in results:
        for run in report["runs"]:
            panels.setdefault((benchmark(report), run["sigma"]), []).append((report, run))
    keys = sorted(panels, key=lambda k: (k[0], -1 if k[1] is None else k[1]))
    if not keys:
        return
    cols = min(3, len(keys))
    rows = math.ceil(len(keys) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 3.8 * rows), squeeze=False)
    for ax, key in zip(axes.flat, keys):
        dataset, sigma = key
        points = panels[key]
        xs = [run["megapixels_per_second"] for _, run in points]
        for report, run in points:
            ax.scatter(run["megapixels_per_second"], run["psnr"], s=40, zorder=3)
            ax.annotate(f"{report['model']['name']} ({report['dataset']})", (run["megapixels_per_second"], run["psnr"]),
                        textcoords="offset points", xytext=(5, 4), fontsize=7)
        refs = sorted((r for r in published if r["dataset"] == dataset and r["sigma"] == sigma), key=lambda r: r["psnr"])
        ys = [run["psnr"] for _, run in points] + [r["psnr"] for r in refs]
        low, high = min(ys) - 1, max(ys) + 1
        ax.set_ylim(low, high)
        labels = []  # methods closer than 4% of the axis share one label, so the names stay readable
        for r in refs:
            ax.axhline(r["psnr"], color="grey", linestyle="--", linewidth=0.8)
            if labels and r["psnr"] - labels[-1][0] < 0.04 * (high - low):
                labels[-1][1].append(r["method"])
            else:
                labels.append((r["psnr"], [r["method"]]))
        for y, names in labels:
            ax.annotate(" / ".join(names), (0.01, y), xycoords=("axes fraction", "data"), fontsize=7, color="grey",
                        va="bottom")
        ax.set_xlim(0, max(xs) * 1.6 if max(xs) > 0 else 1)
        ax.set_title(f"{dataset}" + ("" if sigma is None else f", sigma {sigma_text(sigma)}"), fontsize=10)
        ax.set_xlabel("throughput (megapixels / s, this CPU)")
        ax.set_ylabel("PSNR (dB)")
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(keys):]:
        ax.axis("off")
    fig.suptitle("PSNR versus throughput (dashed: published, speed not measured here)", fontsize=10)
    fig.tight_layout()
    fig.savefig(out / name, dpi=120)
    plt.close(fig)


def read_image(path):
    """An image file as float [0, 1], (H, W) or (H, W, 3)."""
    image = Image.open(path)
    if image.mode in ("I;16", "I;16B", "I"):
        return np.asarray(image, dtype=np.float64) / 65535
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    return np.asarray(image, dtype=np.float64) / 255  # Pillow gives 16-bit RGB as 8-bit RGB: fine for display


def image_files(folder):
    return sorted(p for p in Path(folder).iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix[1:].lower() in IMAGE_EXTENSIONS)


def sources_for(report, run, item_index):
    """(noisy, clean) float images of one item, or None when they cannot be found."""
    item = run["items"][item_index]
    source = Path(report["source"])
    if report["task"] == "gaussian":
        files = image_files(source)
        index = next(i for i, p in enumerate(files) if p.stem == item["name"])
        clean = read_image(files[index])
        seed = derive_seed(report["seed"], [index, sigma_code(run["sigma"])])
        return add_noise(clean, run["sigma"], seed), clean
    if report["task"] == "sidd" and source.is_dir() and not (source / "input").is_dir():
        # PolyU layout: NAME_real (noisy) beside NAME_mean (clean).
        def find(suffix):
            return next(p for p in image_files(source) if p.stem == item["name"] + suffix)
        return read_image(find("_real")), read_image(find("_mean"))
    if report["task"] == "sidd" and source.is_dir():
        name = next(p.name for p in image_files(source / "input") if p.stem == item["name"])
        return read_image(source / "input" / name), read_image(source / "groundtruth" / name)
    if report["task"] == "sidd":
        import scipy.io as sio
        row, col = (int(v) for v in item["name"].split("-"))
        def block(path):
            array = next(v for k, v in sio.loadmat(path).items() if not k.startswith("__"))
            array = array.reshape((1,) * (5 - array.ndim) + array.shape)
            return array[row, col].astype(np.float64) / 255
        return block(source), block(report["reference"])
    if report["task"] == "davis":
        base = source / "JPEGImages" / "480p" if (source / "JPEGImages" / "480p").is_dir() else source
        sequences = sorted(p.name for p in base.iterdir() if p.is_dir() and image_files(p))
        seq_index = sequences.index(item["name"])
        frames = image_files(base / item["name"])
        frame_index = next(i for i, p in enumerate(frames) if p.stem == item["frames"][0]["name"])
        clean = read_image(frames[frame_index])
        seed = derive_seed(report["seed"], [seq_index, frame_index, sigma_code(run["sigma"])])
        return add_noise(clean, run["sigma"], seed), clean
    return None


def make_crops(out, results):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    made = []
    for path, report in results:
        images = out / "images" / path.stem
        if not images.is_dir():
            continue
        run = report["runs"][len(report["runs"]) // 2]  # a middle noise level
        for i in range(min(CROPS_PER_RESULT, len(run["items"]))):
            item = run["items"][i]
            if report["task"] == "davis":
                saved = images / f"sigma{sigma_text(run['sigma'])}" / item["name"] / f"{item['frames'][0]['name']}.png"
            elif run["sigma"] is None:
                saved = images / f"{item['name']}.png"
            else:
                saved = images / f"sigma{sigma_text(run['sigma'])}" / f"{item['name']}.png"
            if not saved.exists():
                continue
            try:
                pair = sources_for(report, run, i)
            except (OSError, StopIteration, ValueError, KeyError) as error:
                print(f"{path}: no crop for {item['name']} ({error})")
                continue
            if pair is None:
                continue
            noisy, clean = pair
            ours = read_image(saved)
            h, w = clean.shape[:2]
            size = min(CROP, h, w)
            y, x = (h - size) // 2, (w - size) // 2
            crop = lambda a: np.clip(a[y:y + size, x:x + size], 0, 1)
            fig, axes = plt.subplots(1, 3, figsize=(9, 3.3))
            frame = f" frame {item['frames'][0]['name']}" if report["task"] == "davis" else ""
            titles = ["noisy (real noise)" if run["sigma"] is None else f"noisy (sigma {sigma_text(run['sigma'])})",
                      f"ours: {number((item['frames'][0] if frame else item)['psnr'], 2)} dB", "clean"]
            for ax, image, title in zip(axes, (noisy, ours, clean), titles):
                ax.imshow(crop(image), cmap="gray" if image.ndim == 2 else None, vmin=0, vmax=1, interpolation="nearest")
                ax.set_title(title, fontsize=9)
                ax.axis("off")
            fig.suptitle(f"{report['dataset']} {item['name']}{frame} ({report['model']['name']})", fontsize=10)
            fig.tight_layout()
            target = out / "crops" / f"{path.stem}-{item['name']}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(target, dpi=100)
            plt.close(fig)
            made.append(target)
    return made


def main():
    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default="results", help="results folder (default: results/)")
    parser.add_argument("--published", default=str(root / "Scripts" / "published_results.csv"))
    parser.add_argument("json", nargs="*", help="result files (default: RESULTS/*.json)")
    args = parser.parse_args()
    out = Path(args.results)
    paths = args.json or sorted(out.glob("*.json"))
    results = load_results(paths)
    if not results:
        raise SystemExit(f"{out}: no denoise-eval result files (*.json)")
    published = load_published(args.published)
    plot_name = "psnr_vs_throughput.png"
    plot(out, results, published, plot_name)
    crops = make_crops(out, results)
    write_readme(out, results, published, plot_name, crops)
    print(f"wrote {out / 'README.md'}, {out / plot_name} and {len(crops)} crops from {len(results)} result files")


if __name__ == "__main__":
    main()
