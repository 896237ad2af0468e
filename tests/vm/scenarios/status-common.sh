# shellcheck shell=bash
# The read-only checks shared by v2-status.sh, v1-status.sh and hybrid-status.sh
# (sourced after lib.sh; no "# vm:" header, so run-scenarios.sh does not run it alone).
#
# status_scenario LAYOUT: a child cgroup with a 64 MiB limit, a hog holding ~80 % of
# it; oomguard's --status --json must report what the kernel's files say, and its
# dry-run loop must log the kill decision and act on nothing.
status_scenario() {
        local layout=$1 name="$1 status" rel=/oomguard-vm/hog root twin='' procs
        local usage_f limit_f inactive_key
        case $layout in
        v2)     root=/sys/fs/cgroup
                mkdir -p $root/oomguard-vm
                # No internal processes: the parent only delegates memory, the hog lives in a leaf.
                echo +memory >$root/oomguard-vm/cgroup.subtree_control
                mkdir $root$rel && echo 64M >$root$rel/memory.max || { not_ok "$name: create $root$rel"; return; }
                usage_f=memory.current limit_f=memory.max inactive_key=inactive_file ;;
        v1|hybrid)
                root=/sys/fs/cgroup/memory
                mkdir -p $root$rel && echo 64M >$root$rel/memory.limit_in_bytes || { not_ok "$name: create $root$rel"; return; }
                usage_f=memory.usage_in_bytes limit_f=memory.limit_in_bytes inactive_key=total_inactive_file ;;
        esac
        procs=$root$rel/cgroup.procs
        if [ "$layout" = hybrid ]; then   # the cgroup2 twin at the same path, for per-cgroup PSI
                twin=/sys/fs/cgroup/unified$rel
                mkdir -p "$twin" || { not_ok "$name: create $twin"; return; }
                procs="$procs $twin/cgroup.procs"
        fi
        kernel_oom_kills() {
                if [ "$layout" = v2 ]; then kv "$root$rel/memory.events" oom_kill
                else kv "$root$rel/memory.oom_control" oom_kill; fi
        }
        local vmstat_oom0
        vmstat_oom0=$(kv /proc/vmstat oom_kill)

        cat >"$TMP/conf" <<CONF
[cgroup:vmtest]
path = /oomguard-vm/*
usage_above = 75%
action = kill
CONF
        # ~80 % of the 64 MiB limit, touched at full speed, then held.
        start_hog "$procs" "$TMP/hog.out" 51 0 hold
        wait_for "grep -q ready $TMP/hog.out" 30 || { not_ok "$name: hog did not start: $(cat "$TMP/hog.out")"; return; }
        diag "hog $HOG_PID in $(grep -v '^$' /proc/$HOG_PID/cgroup | tr '\n' ' ')"

        # 1. --status --json against the kernel's files, read just before and after.
        local before after inactive limit js cg pct want
        before=$(cat $root$rel/$usage_f)
        "$OOMGUARD" -c "$TMP/conf" --status --json >"$TMP/status.json" 2>"$TMP/status.err"
        check "$name: --status --json exits 0" [ $? = 0 ]
        after=$(cat $root$rel/$usage_f)
        inactive=$(kv $root$rel/memory.stat $inactive_key)
        limit=$(cat $root$rel/$limit_f)
        js=$TMP/status.json
        cg=$(cg_json "$js" $rel)
        diag "kernel: usage $before..$after limit $limit $inactive_key $inactive" "oomguard: $cg"
        check "$name: layout reported as $layout" [ "$(jq -r .layout "$js")" = "$layout" ]
        check "$name: the cgroup is listed under rule vmtest" [ "$(jq -r .rule <<<"$cg")" = vmtest ]
        check "$name: limit matches $limit_f (64 MiB)" [ "$(jq -r .limit <<<"$cg")" = "$limit" -a "$limit" = 67108864 ]
        check "$name: usage matches $usage_f (±2 MiB)" near "$(jq -r .usage <<<"$cg")" "$after" 2097152
        want=$(( (after - inactive) * 100 / limit ))
        pct=$(jq -r '.percent_of_limit | floor' <<<"$cg")
        diag "percent of limit: kernel $want, oomguard $pct"
        check "$name: percent of limit matches the kernel (±3)" near "$pct" "$want" 3
        check "$name: percent of limit is about 80" near "$pct" 80 6
        check "$name: machine PSI present (/proc/pressure/memory)" jq_e '.machine.psi.some.avg10 != null' "$js"
        if [ "$layout" = v1 ]; then
                check "$name: per-cgroup psi is null (v1 has no memory.pressure)" jq_e '.psi == null' <<<"$cg"
        else
                local src=$root$rel/memory.pressure; [ -n "$twin" ] && src=$twin/memory.pressure
                check "$name: per-cgroup psi present (from $src)" jq_e '.psi.some.total != null and .psi.full.total != null' <<<"$cg"
                check "$name: psi some total <= the kernel's, read after" \
                        [ "$(jq -r .psi.some.total <<<"$cg")" -le "$(sed -n 's/^some .*total=//p' "$src")" ]
        fi
        check "$name: decision: rule vmtest would kill in $rel" \
                jq_e --arg p $rel '.decisions[] | select(.cgroup == $p and .rule == "vmtest" and .action == "kill")' "$js"

        # 2. The dry-run loop logs the decision (once) and acts on nothing.
        "$OOMGUARD" -c "$TMP/conf" --dry-run --ticks 10 --log stderr 2>"$TMP/loop.err"
        diag "$(grep -m 2 . "$TMP/loop.err" | cut -c1-200)"
        # "dry-run: would kill: rule R on P" or, once victims are named, "would kill pid N (comm): rule R on P"
        local re="dry-run: would kill( pid $HOG_PID \\(hog\\))?: rule vmtest on $rel"
        check "$name: dry-run logs 'dry-run: would kill: rule vmtest on $rel'" grep -Eq "$re" "$TMP/loop.err"
        check "$name: dry-run logs it once, not once per tick" [ "$(grep -Ec "$re" "$TMP/loop.err")" = 1 ]
        check "$name: dry-run left the hog alive" kill -0 "$HOG_PID"
        check "$name: kernel oom_kill of the cgroup stayed 0" [ "$(kernel_oom_kills)" = 0 ]
        check "$name: /proc/vmstat oom_kill did not move" [ "$(kv /proc/vmstat oom_kill)" = "$vmstat_oom0" ]

        remove_cgroups ${twin:+"$twin"} "$root$rel" "$root/oomguard-vm" ${twin:+/sys/fs/cgroup/unified/oomguard-vm}
}
