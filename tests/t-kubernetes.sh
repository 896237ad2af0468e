#!/bin/bash
# deploy/kubernetes/: the DaemonSet (with its ConfigMap) and the sidecar
# pod are valid against the Kubernetes OpenAPI schema, by the validators
# the npm package kubernetes-models generates from it (KUBE_MODELS,
# pinned below; installed on demand under the build folder with npm,
# tests/kubernetes/validate.js), unknown fields refused too; the
# ConfigMap's policy passes oomguard -n; the settings README.md promises
# (Guaranteed QoS, no privileged mode, hostPID, the capabilities, the
# priority class, shareProcessNamespace and --sidecar) are there. Each
# check also runs on a broken copy (a wrong type, an unknown field, a bad
# policy line), which it must refuse.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.." || exit 1
KUBE_MODELS=kubernetes-models@4.5.1   # the schema of Kubernetes 1.27+ (node >= 14)
YAML_PKG=yaml@2.9.1
DS=deploy/kubernetes/oomguard-daemonset.yaml
POD=deploy/kubernetes/oomguard-sidecar-pod.yaml
NPM_DIR=$(realpath -m "$B/kubernetes-validator")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
        skip "kubernetes: no node or npm to install the validator with (make deps installs Debian's nodejs and npm)"
        exit 0
fi
# installed PKG@VERSION: that version is in $NPM_DIR.
installed() {
        local name=${1%@*} version=${1##*@}
        [ "$(node -p "require('$NPM_DIR/node_modules/$name/package.json').version" 2> /dev/null)" = "$version" ]
}
if ! installed "$KUBE_MODELS" || ! installed "$YAML_PKG"; then
        mkdir -p "$NPM_DIR"
        [ -f "$NPM_DIR/package.json" ] || echo '{"private": true}' > "$NPM_DIR/package.json"
        if ! npm install --prefix "$NPM_DIR" --no-audit --no-fund --save-exact --loglevel=error \
                "$KUBE_MODELS" "$YAML_PKG" > "$TMP/npm.log" 2>&1; then
                not_ok "kubernetes: npm install $KUBE_MODELS $YAML_PKG"
                diag "$(tail -5 "$TMP/npm.log")"
                exit 1
        fi
fi
validate() { NODE_PATH=$NPM_DIR/node_modules node tests/kubernetes/validate.js "$@"; }
objects() { validate --json "$@"; }

# 1. The schema.
for f in $DS $POD; do
        if out=$(validate "$f" 2>&1); then
                ok "kubernetes: $f valid against the OpenAPI schema ($(grep -c ': valid$' <<< "$out") objects, $KUBE_MODELS)"
        else
                not_ok "kubernetes: $f valid against the OpenAPI schema"; diag "$out"
        fi
done
sed 's/^      hostPID: true/      hostPID: "yes"/' $DS > "$TMP/wrong-type.yaml"
out=$(validate "$TMP/wrong-type.yaml" 2>&1)
check "kubernetes: hostPID: \"yes\" refused ($(grep -v ': valid$' <<< "$out"))" grep -q 'hostPID: type' <<< "$out"
sed 's/^  shareProcessNamespace: true/  shareProcessNamespaces: true/' $POD > "$TMP/unknown.yaml"
out=$(validate "$TMP/unknown.yaml" 2>&1)
check "kubernetes: an unknown field refused ($out)" grep -q 'shareProcessNamespaces: unknown field' <<< "$out"
sed 's/^              memory: 64Mi/              memory: 64 MiB/' $DS > "$TMP/quantity.yaml"
check "kubernetes: a memory of \"64 MiB\" refused" sh -c "! NODE_PATH=$NPM_DIR/node_modules node tests/kubernetes/validate.js $TMP/quantity.yaml > /dev/null"

# 2. The ConfigMap's policy loads.
objects $DS | jq -r 'select(.kind == "ConfigMap") | .data["oomguard.conf"]' > "$TMP/policy.conf"
if out=$($OOMGUARD -n -c "$TMP/policy.conf" 2>&1); then
        ok "kubernetes: the ConfigMap's policy passes oomguard -n"
else
        not_ok "kubernetes: the ConfigMap's policy passes oomguard -n"; diag "$out"
fi
sed 's/^usage_above = 95%/usage_above = 95 percent/' "$TMP/policy.conf" > "$TMP/bad.conf"
check "kubernetes: a bad policy line refused by oomguard -n" sh -c "! $OOMGUARD -n -c $TMP/bad.conf > /dev/null 2>&1"

# 3. What README.md says of them.
objects $DS | jq -c 'select(.kind == "DaemonSet") | .spec.template.spec' > "$TMP/ds.json"
# has NAME JQ_FILTER FILE: ok when the filter is true for the file.
has() {
        if jq -e "$2" "$3" > /dev/null; then ok "kubernetes: $1"; else not_ok "kubernetes: $1"; fi
}
has "DaemonSet: hostPID, system-node-critical" \
        '.hostPID == true and .priorityClassName == "system-node-critical"' "$TMP/ds.json"
has "DaemonSet: Guaranteed QoS (requests = limits, cpu and memory, every container)" \
        '[.containers[].resources | .requests == .limits and (.limits | has("cpu") and has("memory"))] | all' "$TMP/ds.json"
has "DaemonSet: not privileged, every capability dropped but the ones named" \
        '.containers[0].securityContext | .privileged == false and .capabilities.drop == ["ALL"] and
         (.capabilities.add | sort) == ["DAC_OVERRIDE","IPC_LOCK","KILL","NET_ADMIN","SETGID","SETUID","SYS_PTRACE","SYS_RESOURCE"]' \
        "$TMP/ds.json"
has "DaemonSet: the host's cgroups, reports on a hostPath, the policy from the ConfigMap, a liveness probe" \
        '([.volumes[] | select(.hostPath) | .hostPath.path] | sort) == ["/run/oomguard","/sys/fs/cgroup","/var/lib/oomguard"] and
         (.volumes[] | select(.name == "policy") | .configMap.name) == "oomguard-policy" and
         .containers[0].livenessProbe.httpGet.port == "metrics"' "$TMP/ds.json"
port=$(sed -n 's/^metrics_listen = .*:\([0-9]*\)$/\1/p' "$TMP/policy.conf")
has "DaemonSet: the metrics port is the policy's metrics_listen ($port)" \
        ".containers[0].ports[0].containerPort == ${port:-0}" "$TMP/ds.json"
objects $POD | jq -c '.spec' > "$TMP/pod.json"
# The app's program is what --sidecar= names (oomguard(8), SIDECAR, "The
# app beside it"), one uid for both (ptrace-read access to the app).
APP_NAMED='(.containers[] | select(.name == "oomguard") | .args) ==
        ["--sidecar=" + (.containers[] | select(.name == "app") | .command[0] | split("/") | last)]'
has "sidecar pod: shareProcessNamespace, oomguard --sidecar=APP of the app's command, non-root, no capabilities" \
        ".shareProcessNamespace == true and .securityContext.runAsNonRoot == true and
         .securityContext.runAsUser != null and ($APP_NAMED) and
         (.containers[] | select(.name == \"oomguard\") | .securityContext.capabilities.drop == [\"ALL\"])" \
        "$TMP/pod.json"
jq -c '(.containers[] | select(.name == "app") | .command) = ["/usr/local/bin/other-app"]' "$TMP/pod.json" > "$TMP/pod-other.json"
check "kubernetes: sidecar pod: --sidecar= naming another program than the app's refused" \
        sh -c "! jq -e '$APP_NAMED' $TMP/pod-other.json > /dev/null"
[ "$failures" -eq 0 ]
