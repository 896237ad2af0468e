#!/bin/bash
# make fuzz: every libFuzzer target (tests/fuzz/fuzz_NAME.c), built with
# clang's -fsanitize=fuzzer,address,undefined (LeakSanitizer on), each run
# for FUZZ_SECONDS (default 60) from its seeds; FUZZ_TARGETS="config
# restore" runs only those. A crash, a leak, an input slower than 10 s or
# over 2 GB fails the run; the input is kept as build-fuzz/NAME-crash-...
# and the excerpt printed. The corpus each run grows is build-fuzz/corpus-NAME.
#   parsers          every pure /proc and cgroup file parser; seeds: this
#                    machine's own files, each behind the byte picking its parser
#   kmsg             the /dev/kmsg OOM-kill parser; tests/fuzz/corpus/kmsg
#   cgroup_identity  the container/pod path table; tests/fuzz/corpus/cgroup_identity
#   config           the whole config loader and policy_print; tests/fuzz/corpus/config,
#                    etc/oomguard.conf, tests/badconf/**.conf, the man page's examples
#   restore          the restore file's replay; tests/fuzz/corpus/restore
# Ends with one line: "fuzz: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_TO_RUN=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-parsers kmsg cgroup_identity config restore}
OUT=build-fuzz
PKGS="libcgroup inih libsystemd"
CFLAGS="-std=gnu11 -g -O1 -D_GNU_SOURCE -Iinclude -Isrc $(pkg-config --cflags $PKGS)"
SAN="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
LIBS="$(pkg-config --libs $PKGS) -lm"
rm -rf "$OUT/obj"
mkdir -p "$OUT/obj"

# Objects, each compiled once for every target that links it.
BASE=$(find src/sources src/util -name '*.c' | sort)
sources_of() {
        case $1 in
        config) echo $BASE $(ls src/policy/*.c | grep -v config_program.c) ;; # the hook: a stand-in
        restore) echo $BASE src/actions/restore_format.c src/actions/restore_file.c ;;
        *) echo $BASE src/actions/restore_format.c ;;
        esac
}
obj() { echo "$OUT/obj/$(echo "${1%.c}" | tr / _).o"; }
# Always anew (headers are not tracked here): ~20 s on 2 cores.
compile() { clang $CFLAGS -w -fsanitize=fuzzer-no-link,address,undefined -c -o "$(obj "$1")" "$1"; }
export -f compile obj
export CFLAGS OUT
all=$(for t in $TARGETS; do sources_of "$t"; done | tr ' ' '\n' | sort -u)
printf '%s\n' $all | xargs -P "$(nproc)" -I{} bash -c 'compile {}'

# Seeds made at run time, from the files they stand for (never stale).
seeds_config() {
        local d=$OUT/seeds-config f n=0
        rm -rf "$d"
        mkdir -p "$d"
        cp etc/oomguard.conf "$d/etc-oomguard.conf"
        for f in tests/badconf/*.conf tests/badconf/warnings/*.conf; do
                cp "$f" "$d/$(echo "${f#tests/}" | tr / _)"
        done
        # Each .nf/.fi block of oomguard.conf(5) holding a [section], unescaped.
        awk -v d="$d" '/^\.nf/ { n++; keep = 0; buf = ""; inb = 1; next }
                /^\.fi/ { if (keep) printf "%s", buf > (d "/man-" n ".conf"); inb = 0; next }
                inb && /^\./ { next }
                inb { gsub(/\\e/, "\\"); gsub(/\\-/, "-"); gsub(/\\&/, ""); buf = buf $0 "\n"; if ($0 ~ /^\[/) keep = 1 }' \
                man/oomguard.conf.5
        grep -o '"[a-z_]*"' src/policy/config_keys.c | sort -u > "$OUT/config.dict"
        printf '"%s"\n' '[daemon]' '[global]' '[cgroup:' '[supervisor:' '[adjust:' comm: cmdline: exe: user: \
                cgroup: ' && ' ' = ' '%' '/**' kill-cgroup cap-forks max yes no 100ms 1.5G >> "$OUT/config.dict"
}
seeds_parsers() { # the byte before picks the parser (fuzz_parsers.c)
        local d=$OUT/seeds-parsers
        mkdir -p "$d"
        seed() { { printf "\\$(printf '%03o' "$1")"; cat "$2"; } > "$d/seed-$1-$(basename "$2")" 2>/dev/null || true; }
        seed 0 /proc/meminfo; seed 1 /proc/pressure/memory; seed 2 /proc/zoneinfo; seed 3 /proc/vmstat
        seed 8 /proc/self/stat; seed 9 /proc/self/status; seed 11 /proc/self/cgroup; seed 13 /proc/self/mounts
}

passed=0 failed=0
for t in $TARGETS; do
        objs=$(for s in $(sources_of "$t"); do obj "$s"; done)
        clang $CFLAGS $SAN -o "$OUT/fuzz_$t" "tests/fuzz/fuzz_$t.c" $objs $LIBS
        dirs=("$OUT/corpus-$t")
        opts=(-max_len=16384)
        case $t in
        parsers) seeds_parsers; dirs+=("$OUT/seeds-parsers") ;;
        config) seeds_config; dirs+=(tests/fuzz/corpus/config "$OUT/seeds-config"); opts+=(-dict="$OUT/config.dict") ;;
        restore) dirs+=(tests/fuzz/corpus/restore); opts=(-max_len=20000) ;; # past the replay's 8 KiB buffer
        *) dirs+=("tests/fuzz/corpus/$t") ;;
        esac
        mkdir -p "${dirs[0]}"
        log=$OUT/fuzz-$t.log
        rm -rf "$OUT/tmp" && mkdir -p "$OUT/tmp" # the restore fuzzer's files, nothing outside
        if TMPDIR=$PWD/$OUT/tmp "$OUT/fuzz_$t" -max_total_time="$SECONDS_TO_RUN" -timeout=10 -rss_limit_mb=2048 "${opts[@]}" \
                -artifact_prefix="$OUT/$t-" "${dirs[@]}" > "$log" 2>&1; then
                runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 \2/p' "$log")
                set -- ${runs:-0 0}
                echo "ok - fuzz_$t: $1 runs in $2 s ($(($1 / ($2 > 0 ? $2 : 1))) exec/s), corpus $(ls "${dirs[0]}" | wc -l) inputs"
                passed=$((passed + 1))
        else
                echo "not ok - fuzz_$t (log: $log)"
                grep -m1 -A40 "ERROR\|runtime error\|deadly\|fuzz_$t:" "$log" | sed 's/^/# /' || tail -20 "$log"
                failed=$((failed + 1))
        fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
