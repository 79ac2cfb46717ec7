"""Which preset the blind default routes synthetic camera noise to, and how each preset does on it.

    swift build -c release && python3 Scripts/camera_route_study.py

Centre-cut 256x256 crops of the first 20 CBSD68 pictures get the trainer's synthetic camera noise
(degradations.add_camera_noise, seeded), saved as 8-bit PNGs; each is denoised blind by the built
`denoise` with `quality`, `gaussian` and `real`, and scored against the camera's clean picture. The route
is the one BlindModels takes from the blind level (noise_level.py, the Swift estimator's twin).
"""
from __future__ import annotations

import glob
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Scripts"))
from degradations import add_camera_noise
import noise_level as nl
files = sorted(glob.glob(str(ROOT.parent / 'shared/data/val/CBSD68/*.png')))[:20]
rng = random.Random(5); np_rng = np.random.default_rng(5)
d = Path(tempfile.mkdtemp()); rows = []
for i, f in enumerate(files):
    clean = np.asarray(Image.open(f).convert('RGB'), np.float64)[:256, :256] / 255
    noisy, target = add_camera_noise(clean, rng, np_rng)
    n8 = np.clip(np.round(noisy * 255), 0, 255)
    fi, co = nl.fine_and_coarse(n8)
    corr = min(1, max(0, (co / max(fi, 1e-3) - 1.25) / 0.75)) * min(1, max(0, (co - 1.5) / 1.5))
    route = 'real' if corr >= 0.5 else ('gaussian' if fi >= 4 else 'quality')
    src = d / f'n{i}.png'; Image.fromarray(n8.astype(np.uint8)).save(src)
    t8 = np.clip(np.round(target * 255), 0, 255)
    res = {}
    for m in ('quality', 'gaussian', 'real'):
        out = d / f'o{i}_{m}.png'
        subprocess.run([str(ROOT / '.build/release/denoise'), str(src), str(out), '--model', m, '--quiet', '--threads', '2'], check=True)
        o = np.asarray(Image.open(out).convert('RGB'), np.float64)
        res[m] = 10 * np.log10(255**2 / np.mean((o - t8) ** 2))
    noisy_psnr = 10 * np.log10(255**2 / np.mean((n8 - t8) ** 2))
    rows.append((route, fi, co, noisy_psnr, res['quality'], res['gaussian'], res['real']))
    print('%-8s fine %5.2f coarse %5.2f noisy %.2f  quality %.2f gaussian %.2f real %.2f' % rows[-1], flush=True)
r = [x for x in rows if x[0] == 'gaussian']
print('routed to gaussian:', len(r), 'of', len(rows))
if r: print('on those: quality %.3f gaussian %.3f real %.3f' % tuple(np.mean([x[4:] for x in r], 0)))
print('all: quality %.3f gaussian %.3f real %.3f' % tuple(np.mean([x[4:] for x in rows], 0)))
