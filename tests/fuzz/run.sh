#!/bin/bash
# make fuzz: build every parser with clang's libFuzzer + ASan + UBSan and
# run it for FUZZ_SECONDS (default 60) from the seed corpus in
# the kernel's own files; crashes are kept in build-fuzz/. Then the targets
# of their own (tests/fuzz/fuzz_NAME.c, seeds in tests/fuzz/corpus/NAME):
# the /dev/kmsg OOM-kill parser and the container/pod path table, each for
# FUZZ_SECONDS too.
set -euo pipefail
SECONDS_TO_RUN=${FUZZ_SECONDS:-60}
OUT=build-fuzz
mkdir -p "$OUT/corpus"
CFLAGS="-std=gnu11 -g -O1 -D_GNU_SOURCE -Iinclude $(pkg-config --cflags libcgroup inih libsystemd)"
SRCS=$(find src/sources src/util src/actions/restore_format.c -name '*.c' | grep -v cgroup_tree.c)
clang $CFLAGS -fsanitize=fuzzer,address,undefined -o "$OUT/fuzz_parsers" tests/fuzz/fuzz_parsers.c \
        $SRCS src/sources/cgroup_tree.c $(pkg-config --libs libcgroup inih libsystemd)
# Seeds: the kernel's own files, each prefixed by the byte that picks its parser.
seed() { { printf "\\$(printf '%03o' "$1")"; cat "$2"; } > "$OUT/corpus/seed-$1-$(basename "$2")" 2>/dev/null || true; }
seed 0 /proc/meminfo; seed 1 /proc/pressure/memory; seed 2 /proc/zoneinfo; seed 3 /proc/vmstat
seed 8 /proc/self/stat; seed 9 /proc/self/status; seed 11 /proc/self/cgroup; seed 13 /proc/self/mounts
"$OUT/fuzz_parsers" -max_total_time="$SECONDS_TO_RUN" -max_len=16384 -artifact_prefix="$OUT/" "$OUT/corpus" 2>&1 > "$OUT/fuzz.log" 2>&1 || { grep -A30 -m1 "ERROR\|runtime error\|==ERROR\|deadly" "$OUT/fuzz.log"; exit 1; }
tail -3 "$OUT/fuzz.log"
for t in kmsg cgroup_identity; do
        clang $CFLAGS -fsanitize=fuzzer,address,undefined -o "$OUT/fuzz_$t" "tests/fuzz/fuzz_$t.c" \
                $SRCS src/sources/cgroup_tree.c $(pkg-config --libs libcgroup inih libsystemd)
        mkdir -p "$OUT/corpus-$t"
        "$OUT/fuzz_$t" -max_total_time="$SECONDS_TO_RUN" -max_len=16384 -artifact_prefix="$OUT/$t-" \
                "$OUT/corpus-$t" "tests/fuzz/corpus/$t" > "$OUT/fuzz-$t.log" 2>&1 ||
                { grep -A30 -m1 "ERROR\|runtime error\|==ERROR\|deadly" "$OUT/fuzz-$t.log"; exit 1; }
        echo "fuzz_$t: $(tail -1 "$OUT/fuzz-$t.log")"
done
