# The SB-CNN of lib/model/cnn.ts in PyTorch, for `npm run bench -- cnn`: training (batch 32, Adam,
# crossentropy + the same L2 penalty on the dense kernels) and inference throughput in patches/s on
# a given number of threads. Prints one JSON line. Random data: throughput does not depend on it.
#
#   python3 scripts/bench/cnn_torch.py --threads 2 --steps 8 --batch 32
import argparse
import json
import time

import torch
from torch import nn


def sb_cnn(n_classes: int) -> nn.Sequential:
    # Same layers and sizes as buildCnn's defaults: 128 x 128 input, valid 5x5 convs, 4x2 pools.
    return nn.Sequential(
        nn.Conv2d(1, 24, 5), nn.ReLU(), nn.MaxPool2d((4, 2)),
        nn.Conv2d(24, 48, 5), nn.ReLU(), nn.MaxPool2d((4, 2)),
        nn.Conv2d(48, 48, 5), nn.ReLU(),
        nn.Flatten(), nn.Dropout(0.5),
        nn.Linear(2400, 64), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(64, n_classes),
    )


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--steps', type=int, default=8)
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--infer-patches', type=int, default=256)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = sb_cnn(10)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    dense = [model[10].weight, model[13].weight]
    x = torch.randn(a.batch, 1, 128, 128)
    y = torch.randint(0, 10, (a.batch,))

    def step() -> None:
        opt.zero_grad()
        loss = loss_fn(model(x), y) + 0.001 * sum((w * w).sum() for w in dense)
        loss.backward()
        opt.step()

    model.train()
    step()  # warm-up: first-call allocations and kernel selection
    times = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    times.sort()
    train_median = times[len(times) // 2]

    model.eval()
    xi = torch.randn(64, 1, 128, 128)
    with torch.no_grad():
        model(xi)
        t0 = time.perf_counter()
        done = 0
        while done < a.infer_patches:
            model(xi)
            done += 64
        infer = time.perf_counter() - t0
    print(json.dumps({
        'torch': torch.__version__,
        'threads': a.threads,
        'train_patches_per_s': a.batch / train_median,
        'train_step_s': times,
        'infer_patches_per_s': done / infer,
    }))


if __name__ == '__main__':
    main()
