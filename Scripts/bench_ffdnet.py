"""FFDNet speed reference: PyTorch CPU eager seconds per megapixel, for denoise-bench's ratio against it.

    python3 Scripts/bench_ffdnet.py --size 1024 --threads 2 --repeat 3

The colour FFDNet of Zhang et al. (TIP 2018) at inference: the image is split 2x2 into 12 planes plus one
noise-level plane, then 12 3x3 conv layers of 96 features (ReLU between; batch norm folded away at
inference) and a 3x3 conv back to 12 planes, reassembled into the image (pixel shuffle). That is 851k
multiply-adds per quarter-resolution pixel, 213k per image pixel. The weights are random: only the time
matters, and a trained network takes exactly as long. Prints one JSON object:
{"model": "ffdnet-color", "seconds_per_megapixel", "size", "threads", "macs_per_pixel"}.
Timing: one warm-up pass, then the median of --repeat passes over a size x size image, under
torch.inference_mode().
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn


def ffdnet_color(features: int = 96, layers: int = 12) -> nn.Module:
    """(B, 3, H, W) image and (B, 1, 1, 1) sigma -> (B, 3, H, W), H and W even."""
    body = [nn.Conv2d(13, features, 3, padding=1), nn.ReLU(inplace=True)]
    for _ in range(layers - 2):
        body += [nn.Conv2d(features, features, 3, padding=1), nn.ReLU(inplace=True)]
    body += [nn.Conv2d(features, 12, 3, padding=1)]

    class FFDNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(*body)
            self.down, self.up = nn.PixelUnshuffle(2), nn.PixelShuffle(2)

        def forward(self, x, sigma):
            x = self.down(x)  # (B, 12, H/2, W/2)
            level = sigma.expand(x.shape[0], 1, x.shape[2], x.shape[3])
            return self.up(self.body(torch.cat([x, level], 1)))

    return FFDNet()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=1024, help="side of the square test image (even)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = ffdnet_color().eval()
    macs = sum(m.weight.numel() for m in model.modules() if isinstance(m, nn.Conv2d)) / 4  # per image pixel
    x, sigma = torch.rand(1, 3, args.size, args.size), torch.full((1, 1, 1, 1), 25 / 255)
    times = []
    with torch.inference_mode():
        model(x, sigma)
        for _ in range(args.repeat):
            t = time.perf_counter()
            model(x, sigma)
            times.append(time.perf_counter() - t)
    megapixels = args.size * args.size / 1e6
    print(json.dumps({"model": "ffdnet-color", "seconds_per_megapixel": statistics.median(times) / megapixels,
                      "size": args.size, "threads": args.threads, "macs_per_pixel": macs}), flush=True)


if __name__ == "__main__":
    main()
