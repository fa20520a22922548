"""Reference timing of the part B UNets in PyTorch (Debian's python3-torch), the same recipe as
dev.diffusionlab.benchmarks.UNetThroughput: Adam training steps with an MSE loss on random inputs,
and inference evaluations of a batch, after one warm-up; the fastest step counts. Usage:
python3 partb_unet.py [--steps N] [D:batch:none|time|class ...]; the thread count is
OMP_NUM_THREADS (PyTorch's default otherwise)."""
import os
import sys
import time

import torch
import torch.nn as nn


def conv(i, o):
    return nn.Sequential(nn.Conv2d(i, o, 3, 1, 1), nn.BatchNorm2d(o), nn.GELU())


def conv_block(i, o):
    return nn.Sequential(conv(i, o), conv(o, o))


def down_block(i, o):
    return nn.Sequential(nn.Conv2d(i, o, 3, 2, 1), nn.BatchNorm2d(o), nn.GELU(), conv_block(o, o))


def up_block(i, o):
    return nn.Sequential(nn.ConvTranspose2d(i, o, 4, 2, 1), nn.BatchNorm2d(o), nn.GELU(), conv_block(o, o))


def fc(i, o):
    return nn.Sequential(nn.Linear(i, o), nn.GELU(), nn.Linear(o, o))


class UNet(nn.Module):
    def __init__(self, d, time_cond, class_cond):
        super().__init__()
        self.inb = conv_block(1, d)
        self.d1 = down_block(d, d)
        self.d2 = down_block(d, 2 * d)
        self.flat = nn.Sequential(nn.AvgPool2d(7), nn.GELU())
        self.unflat = nn.Sequential(nn.ConvTranspose2d(2 * d, 2 * d, 7, 7), nn.BatchNorm2d(2 * d), nn.GELU())
        self.u1 = up_block(4 * d, d)
        self.u2 = up_block(2 * d, d)
        self.outb = conv_block(2 * d, d)
        self.out = nn.Conv2d(d, 1, 3, 1, 1)
        self.t1, self.t2 = (fc(1, 2 * d), fc(1, d)) if time_cond else (None, None)
        self.c1, self.c2 = (fc(10, 2 * d), fc(10, d)) if class_cond else (None, None)

    def forward(self, x, t=None, c=None):
        h0 = self.inb(x)
        h1 = self.d1(h0)
        h2 = self.d2(h1)
        u = self.unflat(self.flat(h2))
        if self.c1 is not None:
            u = u * self.c1(c)[:, :, None, None]
        if self.t1 is not None:
            u = u + self.t1(t)[:, :, None, None]
        v = self.u1(torch.cat([u, h2], 1))
        if self.c2 is not None:
            v = v * self.c2(c)[:, :, None, None]
        if self.t2 is not None:
            v = v + self.t2(t)[:, :, None, None]
        w = self.u2(torch.cat([v, h1], 1))
        return self.out(self.outb(torch.cat([w, h0], 1)))


def inputs(n):
    return torch.rand(n, 1, 28, 28), torch.rand(n, 1), torch.rand(n, 10)


def train(net, batch, steps):
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    def step():
        x, t, c = inputs(batch)
        loss = ((net(x, t, c) - x) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    step()
    s = fastest(step, steps)
    return batch / s, s * 1000


def evaluate(net, batch, evals):
    net.eval()
    with torch.no_grad():
        net(*inputs(batch))
        s = fastest(lambda: net(*inputs(batch)), evals)
    net.train()
    return batch / s, s * 1000


def fastest(run, times):
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def blas():
    """The BLAS library this process loaded, as folder/file (Debian's libblas.so.3 is the reference
    BLAS, blas/libblas.so.3, unless an optimised one such as libopenblas0-openmp provides it)."""
    try:
        with open("/proc/self/maps") as maps:
            libs = {line.split()[-1] for line in maps if "libblas" in line and "/" in line}
    except OSError:
        return "unknown"
    names = sorted({"/".join(os.path.realpath(lib).split("/")[-2:]) for lib in libs})
    return ", ".join(names) or "unknown"


if __name__ == "__main__":
    torch.manual_seed(0)
    args = sys.argv[1:]
    steps = 3
    if args[:1] == ["--steps"]:
        steps, args = int(args[1]), args[2:]
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, BLAS {blas()}")
    for spec in args or ["128:256:none", "64:128:time", "64:128:class"]:
        d, batch, kind = spec.split(":")
        net = UNet(int(d), kind != "none", kind == "class")
        params = sum(p.numel() for p in net.parameters())
        ips, ms = train(net, int(batch), steps)
        eips, ems = evaluate(net, int(batch), steps)
        print(f"D={d} batch={batch} {kind} params={params} train {ips:.1f} img/s {ms:.0f} ms/step; "
              f"eval {eips:.1f} img/s {ems:.0f} ms/eval")
