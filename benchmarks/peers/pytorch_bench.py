#!/usr/bin/python3
"""PyTorch side of the NormReg benchmark (benchmarks/run.sh runs it; see benchmarks/README.md).

Builds the four benchmark networks of benchmarks/NormReg.Benchmarks/Networks.cs in PyTorch from a fixed
seed and then, in one process:

  models  writes for each network NAME into --models:
            NAME.onnx        the eval-mode network (opset 13, dynamic batch) for ONNX Runtime; not for LeNet,
                             whose ONNX graph is NormReg's own ExportOnnx of the same weights
            NAME.state.bin   float32 little-endian, the generated network's state layout: every parameter in
                             row order (Linear weight [out x in] row-major, then bias; Conv2d weight
                             [out x in x kh x kw]; BatchNorm gamma, then beta), then the statistics (BatchNorm
                             running mean, then running variance), i.e. what the generated RestoreState takes
            NAME.json        sizes, training set-up and reference numbers (eval outputs of a fixed batch;
                             for networks without dropout the loss of one SGD step and NAME.step1.bin, the
                             state after it) that `NormReg.Benchmarks verify` checks NormReg and ORT against
  timing  eval-mode inference under torch.no_grad() and one training step (zero_grad, forward, loss,
          backward, SGD momentum 0.9 step) at each batch size, plus nn.functional.linear alone on every
          dense layer shape; one intra-op and one inter-op thread; medians of many timed blocks after a
          warm-up; JSON to --out. With --default-threads: the networks only (no linear), at the thread
          counts PyTorch picks itself, as a user who sets none runs it.

Only the standard library and torch (Debian's python3-torch) are needed; torch.onnx.export does not need
the onnx module. Run it with Debian's /usr/bin/python3: when `import torch` fails, the script installs
python3-torch and libopenblas0-pthread with apt-get and runs again under /usr/bin/python3.
"""

import argparse
import copy
import ctypes
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time

# One thread everywhere, before torch loads its BLAS and OpenMP runtimes; with --default-threads none of these is set.
DEFAULT_THREADS = "--default-threads" in sys.argv
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    if DEFAULT_THREADS:
        os.environ.pop(_var, None)
    else:
        os.environ[_var] = "1"

DEBIAN_PYTHON = "/usr/bin/python3"


def ensure_torch():
    """Installs Debian's python3-torch and libopenblas0-pthread when torch is missing, then runs again under Debian's python."""
    try:
        import torch  # noqa: F401
        return
    except ImportError:
        if os.environ.get("NORMREG_TORCH_INSTALL_TRIED"):
            sys.exit(f"import torch still fails after installing python3-torch; run this script with {DEBIAN_PYTHON}.")
    print("import torch failed: installing Debian's python3-torch and libopenblas0-pthread", file=sys.stderr, flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "python3-torch", "libopenblas0-pthread"], check=True, env=env)
    os.environ["NORMREG_TORCH_INSTALL_TRIED"] = "1"
    os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])


ensure_torch()

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

LEARNING_RATE = 0.01
MOMENTUM = 0.9
BATCHES = (1, 8, 32, 128)
LAYER_BATCHES = (64, 128)
REFERENCE_BATCH = 8
POOL = 8  # training batches cycled through, so a step never repeats the previous one's data


def mnist_mlp():
    return nn.Sequential(
        nn.Linear(784, 256, bias=False), nn.BatchNorm1d(256), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(256, 128, bias=False), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(128, 10))


def tabular_mlp():
    return nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 4))


def wide_mlp():
    return nn.Sequential(nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 10))


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, bias=False), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5, bias=False), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(256, 120), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(120, 84), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(84, 10))


# name -> (builder, input shape per sample, loss, L2 lambda per Linear index in Keras units (NormReg [L2(l)]),
#          has dropout, ONNX file written by torch.onnx.export (else NormReg's ExportOnnx makes it))
NETWORKS = {
    "MnistMlp": (mnist_mlp, (784,), "cross_entropy", {0: 1e-4, 1: 1e-4}, True, True),
    "TabularMlp": (tabular_mlp, (16,), "mse", {}, False, True),
    "WideMlp": (wide_mlp, (1024,), "cross_entropy", {}, False, True),
    "LeNet": (lenet, (1, 28, 28), "cross_entropy", {}, True, False),
}
BATCHNORMS = (nn.BatchNorm1d, nn.BatchNorm2d)


def build(name, seed):
    builder = NETWORKS[name][0]
    torch.manual_seed(seed)
    model = builder()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, BATCHNORMS):
                # Non-trivial affine and running statistics, so the fold at inference is really exercised.
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.running_mean.normal_(0.0, 0.1)
                m.running_var.uniform_(0.5, 2.0)
    return model


def needs_two_samples(model):
    """BatchNorm1d cannot train on one sample; BatchNorm2d can (it averages over the image too)."""
    return any(isinstance(m, nn.BatchNorm1d) for m in model.modules())


def linears(model):
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def state_vector(model):
    """The generated network's state: parameters in row order, then BatchNorm running mean and variance."""
    parts = [p.detach().reshape(-1) for p in model.parameters()]
    for m in model.modules():
        if isinstance(m, BATCHNORMS):
            parts += [m.running_mean.reshape(-1), m.running_var.reshape(-1)]
    return torch.cat(parts).to(torch.float32).contiguous()


def write_floats(path, tensor):
    """float32 little-endian (numpy comes with python3-torch)."""
    with open(path, "wb") as f:
        f.write(tensor.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes())


def make_optimizer(name, model):
    """SGD with momentum; [L2(l)] rows are weight_decay 2*l on those weights only (Keras units, no 1/2)."""
    l2 = NETWORKS[name][3]
    decayed = [layer.weight for i, layer in enumerate(linears(model)) if i in l2]
    decay = {id(layer.weight): 2.0 * l2[i] for i, layer in enumerate(linears(model)) if i in l2}
    groups = []
    rest = [p for p in model.parameters() if id(p) not in decay]
    for p in decayed:
        groups.append({"params": [p], "weight_decay": decay[id(p)]})
    groups.append({"params": rest, "weight_decay": 0.0})
    return torch.optim.SGD(groups, lr=LEARNING_RATE, momentum=MOMENTUM)


def loss_fn(name):
    return nn.CrossEntropyLoss() if NETWORKS[name][2] == "cross_entropy" else nn.MSELoss()


def sizes(name, model):
    """The input shape of one sample and the outputs per sample."""
    return NETWORKS[name][1], linears(model)[-1].out_features


def make_batch(name, model, batch, generator):
    shape, outputs = sizes(name, model)
    x = torch.randn(batch, *shape, generator=generator)
    if NETWORKS[name][2] == "cross_entropy":
        y = torch.randint(0, outputs, (batch,), generator=generator)
    else:
        y = torch.randn(batch, outputs, generator=generator)
    return x, y


# ---------------------------------------------------------------------------------------------- models

def write_models(directory):
    os.makedirs(directory, exist_ok=True)
    for index, name in enumerate(NETWORKS):
        model = build(name, 1000 + index)
        model.eval()
        shape, outputs = sizes(name, model)
        state = state_vector(model)
        write_floats(os.path.join(directory, f"{name}.state.bin"), state)

        onnx_path = os.path.join(directory, f"{name}.onnx")
        if NETWORKS[name][5]:
            torch.onnx.export(model, torch.randn(2, *shape), onnx_path, opset_version=13,
                              input_names=["input"], output_names=["output"],
                              dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                              do_constant_folding=True)
        elif os.path.exists(onnx_path):
            os.remove(onnx_path)  # NormReg.Benchmarks exports this one from the weights

        g = torch.Generator().manual_seed(7 + index)
        x, y = make_batch(name, model, REFERENCE_BATCH, g)
        with torch.no_grad():
            eval_out = model(x)
        manifest = {
            "network": name,
            "input_size": math.prod(shape),
            "output_size": outputs,
            "loss": NETWORKS[name][2],
            "onnx_exporter": "torch" if NETWORKS[name][5] else "normreg",
            "parameter_count": sum(p.numel() for p in model.parameters()),
            "state_length": int(state.numel()),
            "learning_rate": LEARNING_RATE,
            "momentum": MOMENTUM,
            "l2": {str(k): v for k, v in NETWORKS[name][3].items()},
            "dense_layers": [[l.in_features, l.out_features, l.bias is not None] for l in linears(model)],
            "reference": {
                "batch": REFERENCE_BATCH,
                "inputs": x.reshape(-1).tolist(),
                "eval_outputs": eval_out.reshape(-1).tolist(),
            },
        }
        if not NETWORKS[name][4]:
            # No dropout: one training step is deterministic, so NormReg's can be checked against it.
            trained = copy.deepcopy(model)
            trained.train()
            opt = make_optimizer(name, trained)
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(name)(trained(x), y)
            loss.backward()
            opt.step()
            write_floats(os.path.join(directory, f"{name}.step1.bin"), state_vector(trained))
            manifest["reference"]["train_targets"] = y.reshape(-1).tolist()
            manifest["reference"]["train_loss"] = float(loss.item())
        with open(os.path.join(directory, f"{name}.json"), "w") as f:
            json.dump(manifest, f)
        onnx = f"ONNX {os.path.getsize(onnx_path) // 1024} KiB" if NETWORKS[name][5] else "ONNX from NormReg's ExportOnnx"
        print(f"  {name}: {manifest['parameter_count']} parameters, state {manifest['state_length']} floats, {onnx}",
              flush=True)


# ---------------------------------------------------------------------------------------------- timing

class Timer:
    def __init__(self, quick):
        self.block_s = 0.01 if quick else 0.05
        self.blocks = 7 if quick else 31
        self.warmup_s = 0.1 if quick else 0.5

    def measure(self, fn):
        """Median time of one call, in ns: warm-up, then blocks of `reps` calls each, reps calibrated."""
        end = time.perf_counter() + self.warmup_s
        calls = 0
        while calls < 3 or time.perf_counter() < end:
            fn()
            calls += 1
        reps = 1
        target = self.block_s * 1e9
        while True:
            t0 = time.perf_counter_ns()
            for _ in range(reps):
                fn()
            dt = time.perf_counter_ns() - t0
            if dt >= target:
                break
            reps = max(reps + 1, int(math.ceil(reps * min(10.0, 1.2 * target / max(dt, 1)))))
        samples = []
        for _ in range(self.blocks):
            t0 = time.perf_counter_ns()
            for _ in range(reps):
                fn()
            samples.append((time.perf_counter_ns() - t0) / reps)
        return {
            "median_ns": statistics.median(samples),
            "min_ns": min(samples),
            "max_ns": max(samples),
            "reps_per_block": reps,
            "blocks": len(samples),
        }


def time_predict(name, model, batch, timer):
    model = copy.deepcopy(model).eval()
    shape, _ = sizes(name, model)
    x = torch.randn(batch, *shape, generator=torch.Generator().manual_seed(batch))
    with torch.no_grad():
        return timer.measure(lambda: model(x))


def time_train(name, model, batch, timer):
    model = copy.deepcopy(model).train()
    opt = make_optimizer(name, model)
    criterion = loss_fn(name)
    g = torch.Generator().manual_seed(100 + batch)
    pool = [make_batch(name, model, batch, g) for _ in range(POOL)]
    state = {"i": 0}

    def step():
        x, y = pool[state["i"] % POOL]
        state["i"] += 1
        opt.zero_grad(set_to_none=True)
        loss = criterion(model(x), y)
        loss.backward()
        opt.step()

    result = timer.measure(step)
    final = criterion(model(pool[0][0]), pool[0][1]).item()
    if not math.isfinite(final):
        raise RuntimeError(f"{name} diverged in the timed training steps (loss {final})")
    return result


def time_linear(inputs, outputs, batch, timer):
    g = torch.Generator().manual_seed(inputs * 7 + outputs)
    x = torch.randn(batch, inputs, generator=g)
    w = torch.randn(outputs, inputs, generator=g) / math.sqrt(inputs)
    b = torch.randn(outputs, generator=g)
    with torch.no_grad():
        return timer.measure(lambda: F.linear(x, w, b))


def loaded_blas():
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if ("blas" in line or "lapack" in line) and "/" in line}
        return sorted(libs)
    except OSError:
        return []


def blas_threads(libraries):
    """The thread count OpenBLAS reports (it threads its GEMM itself, whatever torch's intra-op count), or None."""
    for path in libraries:
        try:
            return ctypes.CDLL(path).openblas_get_num_threads()
        except (OSError, AttributeError):
            continue
    return None


def run_timing(out_path, quick, batches, networks):
    if not DEFAULT_THREADS:
        torch.set_num_threads(1)
        torch.set_num_interop_threads(1)
    timer = Timer(quick)
    results = {
        "meta": {
            "torch": torch.__version__,
            "python": platform.python_version(),
            "threads": torch.get_num_threads(),
            "interop_threads": torch.get_num_interop_threads(),
            "blas_libraries": [],
            "cpu_capability": torch.backends.cpu.get_cpu_capability()
            if hasattr(torch.backends, "cpu") and hasattr(torch.backends.cpu, "get_cpu_capability") else None,
            "quick": quick,
            "block_seconds": timer.block_s,
            "blocks": timer.blocks,
            "learning_rate": LEARNING_RATE,
            "momentum": MOMENTUM,
        },
        "predict": [],
        "train": [],
        "linear": [],
    }
    shapes = []
    for index, name in enumerate(NETWORKS):
        if name not in networks:
            continue
        model = build(name, 1000 + index)
        # the roofline covers the MLPs' layers, on one core
        is_mlp = not DEFAULT_THREADS and not any(isinstance(m, nn.Conv2d) for m in model.modules())
        for layer in linears(model) if is_mlp else []:
            if (layer.in_features, layer.out_features) not in shapes:
                shapes.append((layer.in_features, layer.out_features))
        for batch in batches:
            r = time_predict(name, model, batch, timer)
            results["predict"].append({"network": name, "batch": batch, **r})
            print(f"  {name:<11} predict batch {batch:>3}: {r['median_ns'] / 1e3:10.2f} us", flush=True)
        for batch in batches:
            used = max(batch, 2) if needs_two_samples(model) else batch
            r = time_train(name, model, used, timer)
            results["train"].append({"network": name, "batch": batch, "batch_used": used, **r})
            print(f"  {name:<11} train   batch {used:>3}: {r['median_ns'] / 1e3:10.2f} us", flush=True)
    for inputs, outputs in shapes:
        for batch in LAYER_BATCHES:
            r = time_linear(inputs, outputs, batch, timer)
            gflops = 2.0 * batch * inputs * outputs / r["median_ns"]
            results["linear"].append({"inputs": inputs, "outputs": outputs, "batch": batch, "gflops": gflops, **r})
            print(f"  linear {inputs}x{outputs} batch {batch}: {r['median_ns'] / 1e3:9.2f} us, {gflops:6.1f} GFLOP/s",
                  flush=True)
    results["meta"]["blas_libraries"] = loaded_blas()
    results["meta"]["blas_threads"] = blas_threads(results["meta"]["blas_libraries"])
    with open(out_path, "w") as f:
        json.dump(results, f, indent=1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", help="write the .onnx, weights and reference files of the networks here")
    parser.add_argument("--out", help="time PyTorch and write the JSON results here")
    parser.add_argument("--quick", action="store_true", help="fewer, shorter timed blocks (a smoke run)")
    parser.add_argument("--batches", default=",".join(map(str, BATCHES)))
    parser.add_argument("--networks", default=",".join(NETWORKS), help="the networks to time, comma-separated")
    parser.add_argument("--default-threads", action="store_true",
                        help="time the networks at PyTorch's own thread counts (no linear)")
    args = parser.parse_args()
    if not args.models and not args.out:
        parser.error("nothing to do: give --models and/or --out")
    if args.models:
        print(f"PyTorch {torch.__version__}: writing models to {args.models}", flush=True)
        write_models(args.models)
    if args.out:
        threads = "default thread counts" if DEFAULT_THREADS else "1 thread"
        print(f"PyTorch {torch.__version__}: timing, {threads}{' (quick)' if args.quick else ''}", flush=True)
        unknown = set(args.networks.split(",")) - set(NETWORKS)
        if unknown:
            parser.error(f"--networks: unknown {', '.join(sorted(unknown))}; known: {', '.join(NETWORKS)}")
        run_timing(args.out, args.quick, [int(b) for b in args.batches.split(",")], args.networks.split(","))
    return 0


if __name__ == "__main__":
    sys.exit(main())
