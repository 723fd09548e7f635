#!/usr/bin/env bash
# What NormReg.Gen's analyzers and generator cost a big project's build. See README.md beside this script.
#
# Packs the package from an isolated copy of this repository (as tests/NormReg.Package.Tests/PackedPackage.cs does),
# generates a project with 50 network declarations and 200 call sites that references it, builds it once to warm up,
# then reads the compiler's own timings (-p:ReportAnalyzer=true) and times full rebuilds with every analyzer, without
# NormReg's analyzers, and with none (-p:RunAnalyzers=false). Prints a table and writes it to results.md.
#
# Environment: RUNS (default 5) builds per measurement, medians reported; KEEP=1 keeps the temporary directory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
runs=${RUNS:-5}
networks=50
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

work=$(mktemp -d "${TMPDIR:-/tmp}/normreg-analyzer-bench-XXXXXX")
version="0.0.0-bench.$(date -u +%Y%m%d%H%M%S).$$"
packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
cleanup() {
    # The restore extracted this one-off version into the global packages folder; nothing will use it again.
    rm -rf "$packages/normreg.gen/$version"
    if [[ ${KEEP:-0} == 1 ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# Every dotnet command runs without build servers: no compiler server or MSBuild node outlives it, and every build
# pays the same start-up (the compiler's JIT included), so the runs compare like with like.
run_dotnet() { dotnet "$@" --disable-build-servers; }

step() { printf '\n== %s\n' "$*" >&2; }

fail() {
    echo "measure.sh: $1; the last lines of $2:" >&2
    tail -n 40 "$2" >&2
    exit 1
}

# ---------------------------------------------------------------------------------------------------------------
step "packing NormReg.Gen $version from a copy of $repo"
mkdir -p "$work/source" "$work/feed"
cp "$repo/Directory.Build.props" "$repo/README.md" "$work/source/"
for folder in src generators analyzers; do
    # Without bin/ and obj/: the pack builds its own, and never rewrites the repository's outputs.
    (cd "$repo" && tar --exclude=bin --exclude=obj -cf - "$folder") | tar -xf - -C "$work/source"
done
run_dotnet pack "$work/source/src/NormReg/NormReg.csproj" -c Release -o "$work/feed" -p:Version="$version" \
    >"$work/pack.log" 2>&1 || fail "dotnet pack failed" "$work/pack.log"

# ---------------------------------------------------------------------------------------------------------------
step "generating a project with $networks networks and $((networks * 4)) call sites"
project="$work/Bench"
mkdir -p "$project/Networks"
cat >"$project/Bench.csproj" <<'EOF'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="NormReg.Gen" Version="$(NormRegVersion)" />
  </ItemGroup>
  <!-- -p:DropNormRegAnalyzers=true: the same build without NormReg's analyzers; its generator and every other analyzer stay. -->
  <Target Name="DropNormRegAnalyzers" BeforeTargets="CoreCompile" Condition="'$(DropNormRegAnalyzers)' == 'true'">
    <ItemGroup>
      <Analyzer Remove="@(Analyzer)" Condition="'%(Filename)' == 'NormReg.Analyzers'" />
    </ItemGroup>
  </Target>
</Project>
EOF
cat >"$project/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
EOF

activations=("ReLU" "Tanh" "GELU" "LeakyReLU(0.1)" "ReLU")
penalties=(", L2(1e-4)" ", L1(1e-5)" ", L1L2(1e-5, 1e-4)" "")
for ((i = 0; i < networks; i++)); do
    name=$(printf 'Net%02d' "$i")
    inputs=$((8 + (i % 5) * 4))
    hidden=$((16 + (i % 4) * 16))
    activation=${activations[i % 5]}
    penalty=${penalties[i % 4]}
    maxnorm=""; ((i % 5 == 0)) && maxnorm=", MaxNorm(3)"
    case $((i % 3)) in
        0) loss=SoftmaxCrossEntropy; outputs=$((3 + i % 4)); labels="int[]"; width=1 ;;
        1) loss=MeanSquaredError; outputs=$((1 + i % 2)); labels="float[]"; width=$outputs ;;
        2) loss=BinaryCrossEntropy; outputs=1; labels="float[]"; width=1 ;;
    esac
    scaling=""; ((i % 4 == 0)) && scaling=", ZScore"; ((i % 4 == 1)) && scaling=", MinMax"

    rows="[Input($inputs)$scaling]"
    ((i % 7 == 3)) && rows+=$'\n'"[GaussianNoise(0.05)]"
    case $((i % 3)) in
        0) momentum=""; ((i % 6 == 0)) && momentum="(Momentum = 0.01)"
           rows+=$'\n'"[Dense($hidden, UseBias = false)$penalty$maxnorm]"$'\n'"[BatchNorm$momentum]" ;;
        1) rows+=$'\n'"[Dense($hidden)$penalty$maxnorm]"$'\n'"[LayerNorm]" ;;
        2) rows+=$'\n'"[Dense($hidden)$penalty$maxnorm]" ;;
    esac
    rows+=$'\n'"[$activation]"
    ((i % 2 == 0)) && rows+=$'\n'"[Dropout(0.$((1 + i % 4)))]"
    if ((i % 2 == 1)); then
        rows+=$'\n'"[Dense($((16 + (i % 3) * 8)))$penalty]"$'\n'"[${activations[(i + 2) % 5]}]"
        ((i % 4 == 1)) && rows+=$'\n'"[Dropout(0.2)]"
    fi
    rows+=$'\n'"[Dense($outputs)]"

    # Adam with L2 rows (AdamW would add its decay on top: NRG107), AdamW or SGD otherwise.
    if [[ $penalty == *L2* ]]; then optimizer="new Adam(1e-3)"
    elif ((i % 2 == 1)); then optimizer="new AdamW(1e-3)"
    else optimizer="new Sgd(0.05, momentum: 0.9)"; fi

    # Four call sites per network over three methods: Forward and Backward in a custom loop, TrainStep, and Fit or Predict.
    if ((i % 2 == 0)); then
        last="    public static History Train($name net, float[] features, $labels targets) =>
        net.Fit(features, targets, $optimizer, new FitOptions { Epochs = 5, BatchSize = 16, ValidationSplit = 0.2, EarlyStopping = new EarlyStopping { Patience = 2 } });"
    else
        last="    public static float Score($name net, float[] features)
    {
        Span<float> outputs = stackalloc float[$name.OutputSize];
        net.Predict(features.AsSpan(0, $name.InputSize), outputs);
        return outputs[0];
    }"
    fi
    cat >"$project/Networks/$name.cs" <<EOF
using NormReg;

namespace Bench;

[Network(Loss = Loss.$loss)]
$rows
public partial class $name;

public static class ${name}Training
{
    public static float TrainEpoch($name net, float[] features, $labels targets, Optimizer optimizer)
    {
        const int Batch = 16;
        var outputs = new float[Batch * $name.OutputSize];
        var gradients = new float[outputs.Length];
        float total = 0;
        for (int start = 0; start + Batch <= targets.Length / $width; start += Batch)
        {
            net.Forward(features.AsSpan(start * $name.InputSize, Batch * $name.InputSize), outputs, Batch, ForwardMode.Training);
            total += net.ComputeLoss(outputs, targets.AsSpan(start * $width, Batch * $width), Batch, gradients);
            net.Backward(gradients, Batch);
            net.Update(optimizer);
        }
        return total;
    }

    public static float Step($name net, float[] features, $labels targets) =>
        net.TrainStep(features.AsSpan(0, 8 * $name.InputSize), targets.AsSpan(0, 8 * $width), 8, $optimizer);

$last
}
EOF
done
sources=$(find "$project/Networks" -name '*.cs' | wc -l)
lines=$(cat "$project"/Networks/*.cs | wc -l)
calls=$(cat "$project"/Networks/*.cs | grep -oE '\.(Forward|Backward|TrainStep|Fit|Predict)\(' | wc -l)

# ---------------------------------------------------------------------------------------------------------------
step "warm-up build (restore, first compile)"
(cd "$project" && run_dotnet build -c Release -tl:off -p:NormRegVersion="$version") >"$work/warmup.log" 2>&1 \
    || fail "the warm-up build failed" "$work/warmup.log"
warnings=$(grep -oE '(warning|error) [A-Z]+[0-9]+' "$work/warmup.log" | sort -u | tr '\n' ' ' || true)
[[ -n $warnings ]] && echo "note: the generated project has diagnostics: $warnings" >&2

# Builds the project again from scratch (no restore); prints "wall CPU compile" in milliseconds: the build's wall-clock
# time, the CPU time (user + system) of the build and the processes it waited for (the compiler among them), and the
# time MSBuild's performance summary gives the Csc task.
rebuild() {
    local log=$1; shift
    local TIMEFORMAT='%R %U %S' times
    times=$({ time (cd "$project" && run_dotnet build -c Release -tl:off --no-restore --no-incremental \
        -p:NormRegVersion="$version" -clp:PerformanceSummary "$@" >"$log" 2>&1); } 2>&1) || fail "a build failed" "$log"
    local compile
    compile=$(awk '$2 == "ms" && $3 == "Csc" { print $1; exit }' "$log")
    awk -v t="$times" -v c="${compile:-0}" 'BEGIN { split(t, f, " "); printf "%d %d %d\n", f[1] * 1000, (f[2] + f[3]) * 1000, c }'
}

# The compiler's ReportAnalyzer tables as "name<TAB>seconds" lines: the totals, then the NormReg assemblies and their
# analyzers and generators (a time printed as <0.001 counts as 0.0005).
timings() {
    sed -E 's/^[[:space:]]*[0-9]+(:[0-9]+)?>//' "$1" | awk '
        /Total analyzer execution time:/  { printf "all analyzers\t%s\n", $(NF-1); section = "analyzer" }
        /Total generator execution time:/ { printf "all generators\t%s\n", $(NF-1); section = "generator" }
        section != "" && $1 ~ /^<?[0-9.]+$/ && $2 ~ /^<?[0-9]+$/ {
            seconds = $1; sub(/^</, "", seconds); if ($1 ~ /^</) seconds = seconds / 2
            name = $3; sub(/,$/, "", name)
            if (name ~ /^NormReg\./) printf "%s\t%s\n", name, seconds
        }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# ---------------------------------------------------------------------------------------------------------------
step "$runs rebuilds with -p:ReportAnalyzer=true -v:detailed"
: >"$work/timings.tsv"
for ((r = 1; r <= runs; r++)); do
    rebuild "$work/report-$r.log" -p:ReportAnalyzer=true -v:detailed >/dev/null
    timings "$work/report-$r.log" >"$work/timings-$r.tsv"
    grep -q $'^NormReg.Analyzers\t' "$work/timings-$r.tsv" || fail "no NormReg.Analyzers row in the compiler's report" "$work/report-$r.log"
    cat "$work/timings-$r.tsv" >>"$work/timings.tsv"
done
reported() { awk -F'\t' -v key="$1" '$1 == key { print $2 }' "$work/timings.tsv" | median; }

step "full rebuilds: every analyzer / without NormReg.Analyzers / -p:RunAnalyzers=false, $runs of each, interleaved"
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
: >"$work/on.ms"; : >"$work/without.ms"; : >"$work/off.ms"
for ((r = 1; r <= runs; r++)); do
    rebuild "$work/on-$r.log" >>"$work/on.ms"
    rebuild "$work/without-$r.log" -p:DropNormRegAnalyzers=true >>"$work/without.ms"
    rebuild "$work/off-$r.log" -p:RunAnalyzers=false >>"$work/off.ms"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
# Removing NormReg.Analyzers must have silenced them: the without-build's compiler report must not list them.
rebuild "$work/without-check.log" -p:DropNormRegAnalyzers=true -p:ReportAnalyzer=true -v:detailed >/dev/null
if grep -q $'^NormReg.Analyzers\t' <(timings "$work/without-check.log"); then
    fail "DropNormRegAnalyzers left NormReg.Analyzers in" "$work/without-check.log"
fi

# ---------------------------------------------------------------------------------------------------------------
# Median of column $2 (1 wall, 2 CPU, 3 compile) of a .ms file, in seconds.
col() { cut -d' ' -f"$2" "$1" | median | awk '{ printf "%.2f", $1 / 1000 }'; }
col_runs() { cut -d' ' -f"$2" "$1" | awk '{ printf "%s%.2f", (NR > 1 ? ", " : ""), $1 / 1000 }'; }
diff_of() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.2f", a - b }'; }
fmt() { awk '{ printf "%.3f", $1 }'; }
row() { local line="|" cell; for cell in "$@"; do line+=" $cell |"; done; echo "$line"; }

ours=$(reported NormReg.Analyzers)
declare -A median
for config in on without off; do
    for c in 1 2 3; do median[$config.$c]=$(col "$work/$config.ms" "$c"); done
done
cpu_added=$(diff_of "${median[on.2]}" "${median[without.2]}")
verdict=$(awk -v ours="$ours" -v added="$cpu_added" 'BEGIN { print (ours < 1 && added < 1) ? "met" : "NOT met" }')

{
    echo "| compiler's report, -p:ReportAnalyzer=true (median of $runs rebuilds) | seconds |"
    echo "|---|---:|"
    row "**NormReg.Analyzers**, its analyzers together" "**$(fmt <<<"$ours")**"
    for analyzer in InferenceModeAnalyzer NetworkDesignAnalyzer TrainingSetupAnalyzer TrainingDataAnalyzer RowOutsideNetworkAnalyzer; do
        row "&nbsp;&nbsp;$analyzer" "$(reported "NormReg.Analyzers.$analyzer" | fmt)"
    done
    row "**NormReg.Generators**, NetworkGenerator" "**$(reported NormReg.Generators | fmt)**"
    row "every analyzer of the build, the SDK's included" "$(reported 'all analyzers' | fmt)"
    row "every generator of the build, the SDK's included" "$(reported 'all generators' | fmt)"
    echo
    echo "| full rebuild (median of $runs) | wall s | CPU s | Csc task s |"
    echo "|---|---:|---:|---:|"
    row "every analyzer on" "${median[on.1]}" "${median[on.2]}" "${median[on.3]}"
    row "without NormReg.Analyzers (generator kept)" "${median[without.1]}" "${median[without.2]}" "${median[without.3]}"
    row "-p:RunAnalyzers=false (generators kept)" "${median[off.1]}" "${median[off.2]}" "${median[off.3]}"
    row "**added by NormReg.Analyzers** (on − without)" "$(diff_of "${median[on.1]}" "${median[without.1]}")" \
        "**$cpu_added**" "$(diff_of "${median[on.3]}" "${median[without.3]}")"
    row "added by every analyzer (on − RunAnalyzers=false)" "$(diff_of "${median[on.1]}" "${median[off.1]}")" \
        "$(diff_of "${median[on.2]}" "${median[off.2]}")" "$(diff_of "${median[on.3]}" "${median[off.3]}")"
} >"$work/table.md"

sdk=$(dotnet --version)
cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
{
    echo "# Analyzer cost on a big project"
    echo
    echo "Written by \`benchmarks/analyzers/measure.sh\` on $(date -u '+%Y-%m-%d %H:%M') UTC: .NET SDK $sdk, $(nproc) cores ($cpu);"
    echo "load average $load_before before the timed rebuilds, $load_after after. NormReg.Gen was packed from this"
    echo "repository's sources (version \`$version\`) and restored from a local feed."
    echo
    echo "The generated project: $networks networks (Dense with and without bias, BatchNorm, LayerNorm, Dropout,"
    echo "GaussianNoise, L1/L2/L1L2, MaxNorm, ZScore/MinMax; three losses) and $calls call sites (Forward, Backward,"
    echo "TrainStep, Fit, Predict) in $((networks * 3)) methods; $sources files, $lines lines. Diagnostics of the warm-up build:"
    echo "${warnings:-none}. Every build is a full \`--no-incremental\` rebuild without build servers."
    echo
    cat "$work/table.md"
    echo
    echo "Target: NormReg's analyzers add under 1 second — **$verdict** (the compiler's own time for NormReg.Analyzers"
    echo "and the CPU time they add to a rebuild are both judged)."
    echo
    echo "ReportAnalyzer times add up each analyzer's callbacks over the compiler's threads; they leave out loading the"
    echo "analyzer assembly. CPU time counts everything the build and its compiler did, whatever else the machine runs;"
    echo "wall-clock time also counts waiting for the cores, so on a busy machine it is the noisiest column."
    echo "Raw rebuilds (wall / CPU s):"
    for config in on without off; do
        echo "- $config: $(col_runs "$work/$config.ms" 1) / $(col_runs "$work/$config.ms" 2)"
    done
} >"$here/results.md"

echo
cat "$work/table.md"
echo
echo "target (NormReg's analyzers add < 1 s): $verdict"
echo "written to $here/results.md"
