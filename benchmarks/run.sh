#!/usr/bin/env bash
# One run of the NormReg.Gen benchmark: NormReg against ONNX Runtime and PyTorch on the same networks, in one go.
#
#   benchmarks/run.sh                 full run (about 30 minutes on 2 cores), results in benchmarks/results/
#   benchmarks/run.sh --quick         smoke run (about 6 minutes), results in benchmarks/results/quick/
#   benchmarks/run.sh --wait-idle     first wait (up to 30 min) for a 1-minute load average below 1.5
#   benchmarks/run.sh --no-deploy     leave out the JIT / ReadyToRun / Native AOT / threads consumer (saves ~9 minutes)
#   benchmarks/run.sh -- --filter '*Wide*'   extra arguments after -- go to BenchmarkDotNet
#
# Installs what is missing (Debian's python3-torch, libopenblas0-pthread, and clang and zlib1g-dev for Native AOT;
# NuGet packages through restore), writes the networks' ONNX files and weights with PyTorch, checks that NormReg,
# ONNX Runtime and PyTorch compute the same outputs, times PyTorch (one thread, then its default threads), then
# BenchmarkDotNet, then NormReg.Deploy published each way .NET ships, and merges everything into results.md.
# See README.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# One thread for every peer: OpenMP/OpenBLAS in PyTorch (the script also sets torch's thread counts), and for NormReg.
# The default-thread rows lift these for their own processes.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NORMREG_MAX_THREADS=1

profile=full
wait_idle=0
deploy=1
max_load=1.5
bdn_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) profile=quick ;;
        --wait-idle) wait_idle=1 ;;
        --no-deploy) deploy=0 ;;
        --max-load) max_load="$2"; shift ;;
        --) shift; bdn_args=("$@"); break ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
    shift
done

results="$here/results"
[[ $profile == quick ]] && results="$here/results/quick"
raw="$results/raw"
artifacts="$here/artifacts"
models="$artifacts/models"
export NORMREG_BENCH_MODELS="$models"
python=/usr/bin/python3

step() { printf '\n== %s\n' "$*"; }

# ------------------------------------------------------------------------------------------ install
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
    if [[ $apt_updated -eq 0 ]]; then as_root apt-get update -qq; apt_updated=1; fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

step "Checking prerequisites"
if ! command -v dotnet >/dev/null; then
    echo "run.sh: the .NET 10 SDK is needed (dotnet on PATH)." >&2
    exit 1
fi
if [[ ! -x $python ]]; then
    echo "Installing python3"
    apt_install python3
fi
if ! "$python" -c 'import torch' 2>/dev/null; then
    echo "Installing Debian's python3-torch and libopenblas0-pthread"
    apt_install python3-torch libopenblas0-pthread
fi
if ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
    echo "Installing libopenblas0-pthread (PyTorch's BLAS)"
    apt_install libopenblas0-pthread
fi
if [[ $deploy -eq 1 ]] && { ! command -v clang >/dev/null || ! dpkg -s zlib1g-dev >/dev/null 2>&1; }; then
    echo "Installing clang and zlib1g-dev (Native AOT's linker and libz)"
    apt_install clang zlib1g-dev
fi
"$python" -c 'import torch; print(f"PyTorch {torch.__version__}")'
dotnet --version | sed 's/^/.NET SDK /'

# ------------------------------------------------------------------------------------------ one run at a time
# Two runs on the same cores would time each other and overwrite each other's results: wait for the other one.
mkdir -p "$artifacts"
exec 9>"$artifacts/.run.lock"
if ! flock -n 9; then
    echo "another run.sh is running on this machine: waiting for it to finish"
    flock 9
fi

# ------------------------------------------------------------------------------------------ wait for a quiet machine
if [[ $wait_idle -eq 1 ]]; then
    step "Waiting for a 1-minute load average below $max_load (up to 30 minutes)"
    for minute in $(seq 0 30); do
        load=$(cut -d' ' -f1 /proc/loadavg)
        if awk -v l="$load" -v m="$max_load" 'BEGIN { exit !(l < m) }'; then
            echo "load $load: starting"
            break
        fi
        if [[ $minute -eq 30 ]]; then echo "load still $load after 30 minutes: starting anyway"; break; fi
        echo "load $load: waiting a minute"
        sleep 60
    done
fi
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date +%s)  # the run's own time, without the waits above

# ------------------------------------------------------------------------------------------ build
step "Building NormReg.Benchmarks (Release)"
dotnet build NormReg.Benchmarks/NormReg.Benchmarks.csproj -c Release -nologo -clp:ErrorsOnly
bench_dll="$here/NormReg.Benchmarks/bin/Release/net10.0/NormReg.Benchmarks.dll"

# ------------------------------------------------------------------------------------------ models, verification
mkdir -p "$raw" "$models"
step "PyTorch: writing the networks (ONNX, weights, reference outputs)"
"$python" peers/pytorch_bench.py --models "$models"

step "Checking that NormReg, ONNX Runtime and PyTorch compute the same networks"
verified=yes
dotnet "$bench_dll" verify --out "$raw/verify.json" || verified=no
[[ $verified == no ]] && echo "run.sh: verification failed; timing anyway, results.md says so." >&2

# ------------------------------------------------------------------------------------------ timing
step "PyTorch: timing ($profile)"
torch_args=(--out "$raw/pytorch.json")
[[ $profile == quick ]] && torch_args+=(--quick)
"$python" peers/pytorch_bench.py "${torch_args[@]}"
step "PyTorch: timing at its default thread counts ($profile)"
torch_args=(--out "$raw/pytorch-default-threads.json" --default-threads --batches 8,32,128)
[[ $profile == quick ]] && torch_args+=(--quick)
"$python" peers/pytorch_bench.py "${torch_args[@]}"

step "BenchmarkDotNet: NormReg, ONNX Runtime, FMA peak, Dense kernel ($profile)"
rm -rf "$artifacts/bdn"
bdn_status=0
dotnet "$bench_dll" --profile "$profile" --artifacts "$artifacts/bdn" "${bdn_args[@]}" > "$raw/benchmarkdotnet.log" 2>&1 || bdn_status=$?
grep -E '^\| ' "$raw/benchmarkdotnet.log" || true
grep -E 'Global total time' "$raw/benchmarkdotnet.log" || true
report_json=$(ls -t "$artifacts"/bdn/results/*-report-full.json 2>/dev/null | head -n 1 || true)
if [[ -z $report_json ]]; then
    echo "run.sh: BenchmarkDotNet wrote no report (exit $bdn_status); see $raw/benchmarkdotnet.log" >&2
    exit 1
fi
cp "$report_json" "$raw/benchmarkdotnet.json"
for f in "$artifacts"/bdn/results/*-report.csv; do [[ -e $f ]] && cp "$f" "$raw/benchmarkdotnet.csv"; done

# ------------------------------------------------------------------------------------------ ways .NET ships, threads
# NormReg.Deploy times Predict and TrainStep with a Stopwatch (BenchmarkDotNet cannot host Native AOT), published each
# way .NET ships. Every mode runs on one thread; `jit-threads` is the JIT on every core (NORMREG_MAX_THREADS unset).
rm -f "$raw"/deploy-*
deploy_failed=()
if [[ $deploy -eq 1 ]]; then
    step "NormReg.Deploy: JIT, ReadyToRun, Native AOT (with and without IlcInstructionSet=native), threads ($profile)"
    deploy_args=(--repetitions 11 --block-ms 20) deploy_rounds=3
    [[ $profile == quick ]] && deploy_args=(--repetitions 3 --block-ms 5) deploy_rounds=1
    rm -rf "$artifacts/deploy"
    for mode in jit r2r aot-native aot; do
        echo "publishing $mode"
        dotnet publish NormReg.Deploy/NormReg.Deploy.csproj -c Release -nologo -clp:ErrorsOnly -p:DeployMode="$mode" \
            -o "$artifacts/deploy/$mode" > "$raw/deploy-publish-$mode.log" 2>&1 || { cat "$raw/deploy-publish-$mode.log"; deploy_failed+=("publish $mode"); }
    done
    deploy_run() {  # NAME PUBLISHED-MODE [VAR=VALUE | -u VAR]...
        local name=$1 published=$2
        shift 2
        echo "running $name (round $round)"
        env "$@" "$artifacts/deploy/$published/NormReg.Deploy" --mode "$name" --out "$raw/deploy-$name.$round.json" "${deploy_args[@]}" \
            > "$raw/deploy-$name.$round.log" 2>&1 || { tail -n 20 "$raw/deploy-$name.$round.log"; deploy_failed+=("run $name"); rm -f "$raw/deploy-$name.$round.json"; }
    }
    # Every mode once per round, the rounds one after another: a slow phase of a shared machine lasts minutes, and the
    # report keeps each row's fastest round, for every mode alike.
    for round in $(seq 1 "$deploy_rounds"); do
        deploy_run jit jit
        deploy_run jit-threads jit -u NORMREG_MAX_THREADS
        deploy_run jit-no-pgo jit DOTNET_TieredPGO=0
        deploy_run r2r r2r
        deploy_run aot-native aot-native
        deploy_run aot aot
    done
    [[ ${#deploy_failed[@]} -eq 0 ]] || echo "run.sh: NormReg.Deploy failed: ${deploy_failed[*]}; its rows are missing." >&2
fi

# ------------------------------------------------------------------------------------------ report
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
elapsed=$(( $(date +%s) - started ))
commit=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$here/.." status --porcelain -- src generators 2>/dev/null) ]]; then commit="$commit + uncommitted changes in src/ or generators/"; fi
ort_version=$(grep -oP 'Microsoft.ML.OnnxRuntime" Version="\K[^"]+' NormReg.Benchmarks/NormReg.Benchmarks.csproj)
bdn_version=$(grep -oP 'BenchmarkDotNet" Version="\K[^"]+' NormReg.Benchmarks/NormReg.Benchmarks.csproj)

step "Results"
"$python" report.py --bdn "$raw/benchmarkdotnet.json" --torch "$raw/pytorch.json" --verify "$raw/verify.json" \
    --torch-default-threads "$raw/pytorch-default-threads.json" --deploy-dir "$raw" --out-dir "$results" \
    --meta "Run=finished $(date -u '+%Y-%m-%d %H:%M UTC'), profile $profile, commit $commit, $(( elapsed / 60 )) min $(( elapsed % 60 )) s" \
    --meta "Load average (1/5/15 min)=$load_start at the start, $load_end at the end" \
    --meta "Peers=ONNX Runtime $ort_version (NuGet Microsoft.ML.OnnxRuntime), BenchmarkDotNet $bdn_version"
echo
echo "Written: $results/results.md, $results/results.csv, raw data in $raw/"
if [[ $bdn_status -ne 0 ]]; then
    echo "run.sh: BenchmarkDotNet exited with $bdn_status (a benchmark failed); see $raw/benchmarkdotnet.log" >&2
    exit "$bdn_status"
fi
[[ $verified == yes ]] || exit 3
[[ ${#deploy_failed[@]} -eq 0 ]] || exit 4
