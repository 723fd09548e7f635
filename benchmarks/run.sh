#!/usr/bin/env bash
# One run of the NormReg.Gen benchmark: NormReg against ONNX Runtime and PyTorch on the same networks, in one go.
#
#   benchmarks/run.sh                 full run (about 10 minutes on 2 cores), results in benchmarks/results/
#   benchmarks/run.sh --quick         smoke run (about 4 minutes), results in benchmarks/results/quick/
#   benchmarks/run.sh --wait-idle     first wait (up to 30 min) for a 1-minute load average below 1.5
#   benchmarks/run.sh -- --filter '*Wide*'   extra arguments after -- go to BenchmarkDotNet
#
# Installs what is missing (Debian's python3-torch and libopenblas0-pthread; NuGet packages through restore),
# writes the networks' ONNX files and weights with PyTorch, checks that NormReg, ONNX Runtime and PyTorch compute
# the same outputs, times PyTorch, then BenchmarkDotNet, and merges everything into results.md. See README.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# One thread for every runtime: NormReg's worker pool, OpenMP/OpenBLAS in PyTorch (the script also sets torch's thread
# counts); ONNX Runtime's session options say 1.
export NORMREG_MAX_THREADS=1 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

profile=full
wait_idle=0
max_load=1.5
bdn_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) profile=quick ;;
        --wait-idle) wait_idle=1 ;;
        --max-load) max_load="$2"; shift ;;
        --) shift; bdn_args=("$@"); break ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
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

# ------------------------------------------------------------------------------------------ report
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
elapsed=$(( $(date +%s) - started ))
commit=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$here/.." status --porcelain -- src generators 2>/dev/null) ]]; then commit="$commit + uncommitted changes in src/ or generators/"; fi
ort_version=$(grep -oP 'Microsoft.ML.OnnxRuntime" Version="\K[^"]+' NormReg.Benchmarks/NormReg.Benchmarks.csproj)
bdn_version=$(grep -oP 'BenchmarkDotNet" Version="\K[^"]+' NormReg.Benchmarks/NormReg.Benchmarks.csproj)

step "Results"
"$python" report.py --bdn "$raw/benchmarkdotnet.json" --torch "$raw/pytorch.json" --verify "$raw/verify.json" \
    --out-dir "$results" \
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
