#!/usr/bin/env bash
# Fuzzes the hypercall core, or a policy of Dom0's, with AFL++ through SharpFuzz, in one command:
#   tests/Redoubt.Fuzz/fuzz.sh [--seconds N] [--target hypercalls|msr|pci|ports]
#   (default 60 s, hypercalls; the policy targets are tests/Redoubt.Fuzz/Policies)
# Installs what is missing (Debian's afl++; SharpFuzz.CommandLine into artifacts/tools/),
# builds tests/Redoubt.Fuzz in Release, instruments a copy of Redoubt.Kernel.Host.dll (the kernel
# sources compiled for .NET), runs afl-fuzz on the seed corpus for N seconds, then prints
# executions, execs/s, paths and crashes. Crashing inputs are copied to artifacts/fuzz/findings/
# with the failure each one causes. Exit status: 0 no crash, 1 crashes found, 2 anything else.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/tests/Redoubt.Fuzz"
WORK="$ROOT/artifacts/fuzz"
TOOLS="$ROOT/artifacts/tools"
SHARPFUZZ_VERSION=2.3.0
CONFIGURATION_OUT="$ROOT/artifacts/bin/Redoubt.Fuzz/Release/net10.0"
INSTRUMENTED=(Redoubt.Kernel.Hypercalls Redoubt.Kernel.Capabilities Redoubt.Kernel.Memory
    Redoubt.Kernel.Objects Redoubt.Kernel.Paging Redoubt.Abi)
# The policy targets' code: the MSR allow-list, the PCI filter, the platform ports.
INSTRUMENTED_POLICIES=(Redoubt.Kernel.Virtualization Redoubt.Kernel.Platform)

say() { printf '==> %s\n' "$*"; }
die() {
    printf 'fuzz.sh: %s\n' "$*" >&2
    exit 2
}

usage() {
    sed -n '2,8s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

seconds=60
target=hypercalls
while (($#)); do
    case $1 in
    --target)
        (($# >= 2)) || die "--target needs a name (hypercalls, msr, pci, ports)"
        target=$2
        shift
        ;;
    --target=*) target=${1#--target=} ;;
    --seconds)
        (($# >= 2)) || die "--seconds needs a number"
        seconds=$2
        shift
        ;;
    --seconds=*) seconds=${1#--seconds=} ;;
    -h | --help)
        usage
        exit 0
        ;;
    *) die "unknown option: $1 (see --help)" ;;
    esac
    shift
done
[[ $seconds =~ ^[1-9][0-9]*$ ]] || die "bad --seconds '$seconds' (whole seconds, at least 1)"
case $target in
hypercalls) CORPUS="$HERE/corpus" ;;
msr | pci | ports)
    CORPUS="$HERE/corpus-$target"
    INSTRUMENTED=("${INSTRUMENTED_POLICIES[@]}")
    ;;
*) die "unknown --target '$target' (hypercalls, msr, pci, ports)" ;;
esac

install_afl() {
    if command -v afl-fuzz >/dev/null; then
        return
    fi
    say "Installing afl++ (Debian package)"
    local sudo=()
    if ((EUID != 0)); then
        command -v sudo >/dev/null || die "afl-fuzz is missing; as root: apt-get install -y afl++"
        sudo=(sudo)
    fi
    "${sudo[@]}" apt-get install -y afl++ || {
        "${sudo[@]}" apt-get update
        "${sudo[@]}" apt-get install -y afl++
    }
    command -v afl-fuzz >/dev/null || die "afl++ installed but afl-fuzz is not on PATH"
}

install_sharpfuzz() {
    if [[ -x $TOOLS/sharpfuzz ]]; then
        return
    fi
    say "Installing SharpFuzz.CommandLine $SHARPFUZZ_VERSION into ${TOOLS#"$ROOT"/}"
    dotnet tool install SharpFuzz.CommandLine --version "$SHARPFUZZ_VERSION" --tool-path "$TOOLS"
}

build_target() {
    say "Building Redoubt.Fuzz (Release)"
    dotnet build "$HERE/Redoubt.Fuzz.csproj" -c Release -nologo -v quiet
    # Instrument a copy, so that the build output (and every other user of the kernel host
    # library) stays uninstrumented.
    rm -rf "$WORK/target"
    mkdir -p "$WORK"
    cp -r "$CONFIGURATION_OUT" "$WORK/target"
    # Only the kernel's own namespaces: not the host support (invariant checker, state digest)
    # compiled into the same assembly, nor code no hypercall reaches (boot, traps, crypto).
    say "Instrumenting $target's code in Redoubt.Kernel.Host.dll: ${INSTRUMENTED[*]}"
    "$TOOLS/sharpfuzz" "$WORK/target/Redoubt.Kernel.Host.dll" "${INSTRUMENTED[@]}"
}

# One value of AFL's fuzzer_stats; the first of the given names that is present (AFL++ renamed
# some: paths_total -> corpus_count, unique_crashes -> saved_crashes).
stat() {
    local file=$1 name value
    shift
    for name in "$@"; do
        value=$(sed -n "s/^$name *: *//p" "$file")
        if [[ -n $value ]]; then
            echo "$value"
            return
        fi
    done
    echo "?"
}

run_afl() {
    local out="$WORK/afl"
    rm -rf "$out"
    say "Running afl-fuzz ($target) for $seconds s on $(find "$CORPUS" -type f | wc -l) seed inputs (output: ${out#"$ROOT"/})"
    # dotnet is not an AFL-instrumented binary (the instrumentation is in the .NET assembly);
    # CPU frequency scaling and core-dump handlers are outside our control on CI machines.
    local rc=0
    AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
        AFL_NO_UI=1 AFL_FORKSRV_INIT_TMOUT=60000 \
        afl-fuzz -i "$CORPUS" -o "$out" -t 5000 -m none -V "$seconds" \
        -- dotnet "$WORK/target/Redoubt.Fuzz.dll" --afl "$target" || rc=$?
    local stats
    stats=$(find "$out" -name fuzzer_stats | head -n 1)
    [[ -n $stats ]] || die "afl-fuzz wrote no fuzzer_stats (exit status $rc); see its output above"
    ((rc == 0)) || echo "fuzz.sh: afl-fuzz exited with status $rc" >&2

    local execs rate paths found crashes hangs
    execs=$(stat "$stats" execs_done)
    rate=$(stat "$stats" execs_per_sec)
    paths=$(stat "$stats" corpus_count paths_total)
    found=$(stat "$stats" corpus_found paths_found)
    crashes=$(stat "$stats" saved_crashes unique_crashes)
    hangs=$(stat "$stats" saved_hangs unique_hangs)
    echo
    echo "executions: $execs"
    echo "execs/s:    $rate (average over the run: $(awk -v e="$execs" -v s="$(stat "$stats" run_time)" 'BEGIN { if (s > 0) printf "%.1f", e / s; else print "?" }'))"
    echo "paths:      $paths in the queue, $found found by this run"
    echo "crashes:    $crashes"
    echo "hangs:      $hangs"

    if [[ $crashes =~ ^[0-9]+$ ]] && ((crashes > 0)); then
        collect_crashes "$(dirname "$stats")/crashes"
        return 1
    fi
    return 0
}

# Copies AFL's crashing inputs (names with ':' and ',') to plain names, each with the failure
# FuzzTarget.Run reports for it.
collect_crashes() {
    local from=$1 findings
    findings="$WORK/findings/$(date +%Y%m%d-%H%M%S)"
    mkdir -p "$findings"
    local file n=0
    for file in "$from"/id:*; do
        [[ -f $file ]] || continue
        n=$((n + 1))
        cp "$file" "$findings/crash-$n.bin"
        if [[ $target == hypercalls ]]; then
            dotnet "$CONFIGURATION_OUT/Redoubt.Fuzz.dll" --trace "$findings/crash-$n.bin" >"$findings/crash-$n.txt" 2>&1 || true
        else
            dotnet "$CONFIGURATION_OUT/Redoubt.Fuzz.dll" --replay --target "$target" "$findings/crash-$n.bin" >"$findings/crash-$n.txt" 2>&1 || true
        fi
    done
    cat >"$findings/README.txt" <<EOF
Crashing inputs of the fuzz run of $(date -u +%Y-%m-%dT%H:%M:%SZ): crash-N.bin, with the trace
of each (every call, its status, and the failure) in crash-N.txt.

Reproduce one without AFL:
  dotnet run --project tests/Redoubt.Fuzz -- --trace ${findings#"$ROOT"/}/crash-1.bin
Once the kernel is fixed, keep it as a regression test (replayed by ./redoubt test):
  cp ${findings#"$ROOT"/}/crash-1.bin tests/Redoubt.Fuzz/findings-regressions/<what-it-broke>.bin
EOF
    echo
    echo "fuzz.sh: $n crashing input(s) copied to ${findings#"$ROOT"/}/ (see README.txt there). First failure:"
    sed -n '/^FAIL/,$p' "$findings/crash-1.txt" | head -n 8
}

cd "$ROOT"
install_afl
install_sharpfuzz
build_target
run_afl
