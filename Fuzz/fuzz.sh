#!/usr/bin/env bash
# Builds the libFuzzer targets (in .build-fuzz) and runs each for FUZZ_SECONDS on a copy of its
# seed corpus; prints executions and crashes per target. Exits non-zero if any target crashed.
#   FUZZ_SECONDS   seconds per target (60)
#   FUZZ_JOBS      targets run at once (2)
#   FUZZ_TARGETS   which targets (all): png jpeg webp sse form terminal-replies config
# Crash, leak, timeout and out-of-memory inputs and each target's log go to Fuzz/artifacts/.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-2}
targets=${FUZZ_TARGETS:-"png jpeg webp sse form terminal-replies config"}

# corpus name -> executable and largest input
declare -A executable=([png]=FuzzPNG [jpeg]=FuzzJPEG [webp]=FuzzWebP [sse]=FuzzSSE [form]=FuzzForm
                       [terminal-replies]=FuzzTerminalReplies [config]=FuzzConfig)
declare -A max_len=([png]=16384 [jpeg]=16384 [webp]=16384 [sse]=4096 [form]=16384 [terminal-replies]=1024 [config]=4096)

for target in $targets; do
    [ -n "${executable[$target]:-}" ] || { echo "unknown fuzz target '$target'"; exit 2; }
done

artifacts=Fuzz/artifacts
mkdir -p "$artifacts"

build=(swift build -c debug --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address)
for target in $targets; do
    echo "building ${executable[$target]}"
    if ! RETOUCH_FUZZ=1 "${build[@]}" --product "${executable[$target]}" > "$artifacts/build.log" 2>&1; then
        grep -E "error" "$artifacts/build.log" | head -20
        echo "the build of ${executable[$target]} failed (log: $artifacts/build.log)"
        exit 2
    fi
done
bin=$(RETOUCH_FUZZ=1 "${build[@]}" --show-bin-path)

symbolizer=$(command -v llvm-symbolizer || echo "$(dirname "$(readlink -f "$(command -v swift)")")/llvm-symbolizer")
export ASAN_SYMBOLIZER_PATH=$symbolizer
export ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=1}
# The Swift runtime's own crash backtracer would read memory under AddressSanitizer's feet.
export SWIFT_BACKTRACE=enable=no

run() {
    local target=$1 work
    work=$(mktemp -d)
    cp -r "Fuzz/corpus/$target" "$work/corpus"
    mkdir -p "$artifacts/$target"
    "$bin/${executable[$target]}" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -max_len="${max_len[$target]}" -print_final_stats=1 -artifact_prefix="$artifacts/$target/" \
        "$work/corpus" > "$artifacts/$target.log" 2>&1
    echo $? > "$artifacts/$target.status"
    rm -rf "$work"
}

echo "fuzzing: ${seconds} s per target, ${jobs} at a time"
running=0
for target in $targets; do
    if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
    run "$target" &
    running=$((running + 1))
done
wait

crashed=0
total=0
printf "%-18s %14s %9s %8s %6s %8s\n" target executions "exec/s" crashes cov corpus
for target in $targets; do
    log="$artifacts/$target.log"
    executions=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | tail -1 | grep -o '[0-9]*$')
    [ -n "$executions" ] || executions=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    speed=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | tail -1 | grep -o '[0-9]*$')
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+$')
    corpus=$(grep -oE 'corp: [0-9]+' <<<"$last" | grep -oE '[0-9]+$')
    # Every crash, leak, timeout or out-of-memory input libFuzzer saved in this run.
    crashes=$(grep -E 'Test unit written to' "$log" | grep -vc 'slow-unit-')
    status=$(cat "$artifacts/$target.status")
    if [ "$crashes" = 0 ] && [ "$status" != 0 ]; then crashes=1; fi
    printf "%-18s %14s %9s %8s %6s %8s\n" "$target" "${executions:-?}" "${speed:-?}" "$crashes" "${cov:-?}" "${corpus:-?}"
    total=$((total + ${executions:-0}))
    [ "$crashes" = 0 ] || { crashed=$((crashed + 1)); grep -E 'Test unit written to' "$log" | sed 's/^/    /'; }
done
echo "fuzz summary: $(wc -w <<<"$targets") targets, ${seconds} s each, ${total} executions, ${crashed} crashed (logs in $artifacts/)"
[ "$crashed" = 0 ]
