# shellcheck shell=bash
# The kill race shared by v2-memcg-hog.sh, v1-memcg-hog.sh and hybrid-memcg-hog.sh
# (sourced after lib.sh; no "# vm:" header, so run-scenarios.sh does not run it alone).
#
# memcg_hog_scenario LAYOUT: a child cgroup with a LIMIT_MIB limit; a hog touching
# memory at full speed (build/helpers/hog 1024 0) in it, TRIALS times, with oomguard
# watching the cgroup ([cgroup:] usage_above = 90 %, action = kill). A trial is a win
# when the hog died by SIGKILL (exit 137), oomguard's event names it, and the kernel's
# own counter (v2 memory.events oom_kill, v1 memory.oom_control oom_kill) did not move.
# Then action = kill-cgroup on a cgroup holding several processes: it must be emptied.
memcg_hog_scenario() {
        local layout=$1 name="$1 memcg hog" rel=/oomguard-vm/hog root twin='' procs
        local limit_f oom_f trials=${TRIALS:-10} limit_mib=${LIMIT_MIB:-128}
        case $layout in
        v2)     root=/sys/fs/cgroup
                mkdir -p $root/oomguard-vm
                echo +memory >$root/oomguard-vm/cgroup.subtree_control
                limit_f=memory.max oom_f=memory.events ;;
        v1|hybrid)
                root=/sys/fs/cgroup/memory
                limit_f=memory.limit_in_bytes oom_f=memory.oom_control ;;
        esac
        mkdir -p $root$rel && echo "${limit_mib}M" >$root$rel/$limit_f || { not_ok "$name: create $root$rel"; return; }
        procs=$root$rel/cgroup.procs
        if [ "$layout" = hybrid ]; then   # the cgroup2 twin, as on our hosts (per-cgroup PSI)
                twin=/sys/fs/cgroup/unified$rel
                mkdir -p "$twin" || { not_ok "$name: create $twin"; return; }
                procs="$procs $twin/cgroup.procs"
        fi
        oom_kills() { kv "$root$rel/$oom_f" oom_kill; }
        local vmstat0 log=$TMP/guard.log conf=$TMP/conf
        vmstat0=$(kv /proc/vmstat oom_kill)
        diag "$name: $rel limit ${limit_mib} MiB ($limit_f), MemTotal $(( $(kv /proc/meminfo MemTotal:) / 1024 )) MiB"

        cat >"$conf" <<CONF
[daemon]
interval = 100ms
post_kill_delay = 100ms
max_kills_per_minute = 100

[cgroup:vmtest]
path = $rel
usage_above = 90%
action = kill
CONF
        start_guard "$conf" "$log" || { not_ok "$name: oomguard did not start: $(head -c 300 "$log")"; return; }
        diag "$(grep -m1 guarding "$log")"
        local i wins=0 rc before after t0 t1 pid ms=$TMP/fill-ms
        : >"$ms"
        for i in $(seq "$trials"); do
                before=$(oom_kills)
                t0=$(now_s)
                start_hog "$procs" "$TMP/hog.$i" 1024 0
                pid=$HOG_PID
                wait_gone "$pid" 60; rc=$RC
                t1=$(now_s)
                after=$(oom_kills)
                elapsed_ms "$t0" "$t1" >>"$ms"
                if [ "$after" = "$before" ] && [ $rc = 137 ] && grep -q "kill pid $pid (hog)" "$log"; then
                        wins=$((wins + 1))
                else
                        diag "trial $i: hog exit $rc after $(elapsed_ms "$t0" "$t1") ms, kernel oom_kill $before -> $after," \
                                "  oomguard: $(grep "kill pid $pid " "$log" | cut -c1-300)" \
                                "  dmesg: $(dmesg | grep -E 'out of memory|Killed process' | tail -n 1)"
                fi
        done
        local ev
        ev=$(grep -m1 "kill pid .* (hog): rule vmtest" "$log")
        diag "hog start to death: p50 $(pctl 50 "$ms") ms, max $(pctl 100 "$ms") ms" \
                "woken by: $(wakeups "$log")" "first event: $(cut -c1-600 <<<"$ev")"
        echo "# $name: $wins/$trials before kernel"
        check "$name: $wins/$trials before kernel (>= $((trials - trials / 10)) required)" [ $wins -ge $((trials - trials / 10)) ]
        check "$name: kernel oom_kill of the cgroup stayed 0" [ "$(oom_kills)" = 0 ]
        local want='memory.events change|cgroup PSI trigger|poll interval'
        [ "$layout" = v2 ] || want='v1 usage threshold'
        check "$name: events say what woke oomguard ($want)" grep -Eq "OOMGUARD_WAKEUP=($want) " "$log"
        stop_guard

        # The same race with the poll fallback out of the game (interval = 10s): only
        # the kernel's events can wake oomguard in time (v2: memory.events when the
        # limit is hit, the cgroup's PSI trigger; v1: the usage eventfd). Measured and
        # reported, not required: on v2 no event comes before the limit itself.
        local ewins=0 etrials=${EVENT_TRIALS:-5} ev_vmstat0
        ev_vmstat0=$(kv /proc/vmstat oom_kill)
        sed 's/^interval = .*/interval = 10s/; s/^usage_above = 90%$/usage_above = 90%\npsi_some_avg10_above = 5/' "$conf" >"$conf.ev"
        start_guard "$conf.ev" "$log.ev" || { not_ok "$name: oomguard did not start (events only)"; return; }
        for i in $(seq "$etrials"); do
                before=$(oom_kills)
                start_hog "$procs" "$TMP/hog.ev.$i" 1024 0
                pid=$HOG_PID
                wait_gone "$pid" 60; rc=$RC
                if [ "$(oom_kills)" = "$before" ] && [ $rc = 137 ] && grep -q "kill pid $pid (hog)" "$log.ev"; then
                        ewins=$((ewins + 1))
                fi
        done
        stop_guard
        diag "events only (interval = 10s): $ewins/$etrials before kernel, woken by: $(wakeups "$log.ev")"
        echo "# $name (kernel events only, no poll): $ewins/$etrials before kernel"
        if [ "$layout" != v2 ]; then
                check "$name: with a 10 s poll the v1 usage eventfd alone wins ($ewins/$etrials)" [ $ewins -ge $((etrials - 1)) ]
        fi
        # The kernel's kills in those trials were judged just above (on v2 only
        # reported): the machine-wide counter below leaves them out.
        local ev_kernel=$(($(kv /proc/vmstat oom_kill) - ev_vmstat0))

        # kill-cgroup: three processes (two holding 16 MiB, one growing) over 90 % of a
        # 64 MiB limit (smaller than the race's: under TCG the kernel takes a while to
        # tear a process down, and oomguard's sweep waits ~100 ms for the cgroup to
        # empty); v1 freezes the cgroup's twin in the freezer hierarchy while it sweeps.
        local ftwin=''
        if [ "$layout" != v2 ]; then
                ftwin=/sys/fs/cgroup/freezer$rel
                mkdir -p "$ftwin" && procs="$procs $ftwin/cgroup.procs"
        fi
        echo 64M >$root$rel/$limit_f
        sed -i 's/^action = kill$/action = kill-cgroup/' "$conf"
        start_guard "$conf" "$log" || { not_ok "$name: oomguard did not start (kill-cgroup)"; return; }
        local a b c ra rb rcc
        before=$(oom_kills)
        start_hog "$procs" "$TMP/a" 16 0 hold; a=$HOG_PID
        start_hog "$procs" "$TMP/b" 16 0 hold; b=$HOG_PID
        wait_for "grep -q ready $TMP/a && grep -q ready $TMP/b" 30
        start_hog "$procs" "$TMP/c" 1024 0; c=$HOG_PID
        wait_gone $c 60; rcc=$RC
        t1=$(now_s)
        wait_gone $a 10; ra=$RC; wait_gone $b 10; rb=$RC
        wait_for "[ ! -s $root$rel/cgroup.procs ]" 10
        diag "kill-cgroup: cgroup.procs empty $(elapsed_ms "$t1" "$(now_s)") ms after the grower was reaped"
        ev=$(grep -m1 "kill-cgroup: rule vmtest on $rel" "$log")
        diag "kill-cgroup: exits $ra $rb $rcc; event: $(cut -c1-500 <<<"$ev")"
        check "$name: kill-cgroup: all three processes died by SIGKILL" [ "$ra $rb $rcc" = "137 137 137" ]
        check "$name: kill-cgroup: the event says 'cgroup emptied'" grep -q "kill-cgroup: rule vmtest on $rel: .*: cgroup emptied" "$log"
        check "$name: kill-cgroup: cgroup.procs is empty" [ ! -s "$root$rel/cgroup.procs" ]
        check "$name: kill-cgroup: kernel oom_kill stayed $before" [ "$(oom_kills)" = "$before" ]
        stop_guard
        check "$name: /proc/vmstat oom_kill did not move (but for the $ev_kernel events-only trials lost)" \
                [ "$(kv /proc/vmstat oom_kill)" = "$((vmstat0 + ev_kernel))" ]
        remove_cgroups ${ftwin:+"$ftwin"} ${twin:+"$twin"} "$root$rel" "$root/oomguard-vm" \
                ${twin:+/sys/fs/cgroup/unified/oomguard-vm} ${ftwin:+/sys/fs/cgroup/freezer/oomguard-vm}
}
