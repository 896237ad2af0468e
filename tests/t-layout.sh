#!/bin/bash
# The architecture rules of issue 11, checked on the source tree and on the
# objects of the build folder given as $1 (one test line per rule):
#   - no C source or header in src/ or include/ over 600 lines;
#   - only files in src/daemon/ include daemon headers ("daemon/x.h" or a
#     relative path into src/daemon/), and include/daemon/ does not exist;
#   - no call cycle between files: file A -> file B when A's object has an
#     undefined symbol that B's object defines (nm on $B/src/**/*.o; symbols
#     from outside our objects are ignored);
#   - folder direction on the same graph: policy/, sources/, snapshot/ never
#     call actions/, outputs/ (but the log, outputs/log.c, which every stage
#     may use) or daemon/; outputs/ and actions/ never call daemon/;
#   - no function in src/ outside src/daemon/ takes struct guard *.
# Objects whose source is gone (a file moved since the last build) are left
# out of the graph.
# LAYOUT_ROOT=DIR checks another tree (default: the tree holding this script).
set -u
B=${1:?usage: $0 BUILD_DIR}
case $B in /*) ;; *) B=$PWD/$B ;; esac
ROOT=${LAYOUT_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
PY=/usr/bin/python3
[ -x $PY ] || PY=$(command -v python3) || {
        echo "skip - layout: python3 not found"
        exit 0
}
exec "$PY" - "$ROOT" "$B" <<'EOF'
import collections, os, re, subprocess, sys

root, build = sys.argv[1], sys.argv[2]
MAX_LINES = 600
failures = 0


def ok(name):
    print("ok - layout: " + name)


def not_ok(name, why, details=()):
    global failures
    failures += 1
    print("not ok - layout: %s: %s" % (name, why))
    for d in details:
        print("# " + d)


def skip(name, why):
    print("skip - layout: %s: %s" % (name, why))


def sources(*tops, exts=(".c", ".h")):
    """Repo-relative paths of the C files under tops, sorted."""
    out = []
    for top in tops:
        for d, dirs, files in os.walk(os.path.join(root, top)):
            dirs.sort()
            for f in files:
                if f.endswith(exts):
                    out.append(os.path.relpath(os.path.join(d, f), root))
    return sorted(out)


def under(path, top):
    return path == top or path.startswith(top.rstrip("/") + "/")


def strip_comments(text, strings=True):
    """C text with comments (and string/char literals, unless strings is
    False) blanked out; newlines kept, so offsets keep their line."""
    def blank(m):
        s = m.group(0)
        if s.startswith("/"):
            return re.sub(r"[^\n]", " ", s)
        if not strings:
            return s
        return s[0] + re.sub(r"[^\n]", " ", s[1:-1]) + s[-1]
    return re.sub(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'',
                  blank, text, flags=re.S)


def read(path):
    with open(os.path.join(root, path), errors="replace") as f:
        return f.read()


files = sources("src", "include")

# 1. File length.
name = "no C source or header over %d lines (src/, include/)" % MAX_LINES
long_files = []
for p in files:
    n = len(read(p).splitlines())
    if n > MAX_LINES:
        long_files.append("%s (%d lines)" % (p, n))
if long_files:
    not_ok(name, ", ".join(long_files))
else:
    ok(name)

# 2. Daemon headers stay in daemon/.
name = "only src/daemon/ includes daemon/ headers; no include/daemon/"
INCLUDE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*["<]([^">]+)[">]', re.M)


def in_daemon(p):
    return under(p, "src/daemon") or under(p, "include/daemon")


def into_daemon(path, inc):
    """Whether #include inc in path names a daemon header: "daemon/x.h"
    (through -Iinclude or a -Isrc), "src/daemon/x.h", or a path relative to
    path's folder that leads into a daemon folder ("../daemon/x.h")."""
    if any(in_daemon(os.path.normpath(c)) for c in (inc, "include/" + inc, "src/" + inc)):
        return True
    rel = os.path.normpath(os.path.join(os.path.dirname(path), inc))
    return in_daemon(rel) and ("daemon" in inc.split("/") or os.path.exists(os.path.join(root, rel)))


bad_includes = []
for p in files:
    if in_daemon(p):     # include/daemon/ itself is the failure below
        continue
    text = strip_comments(read(p), strings=False)
    for m in INCLUDE.finditer(text):
        if into_daemon(p, m.group(1)):
            line = text.count("\n", 0, m.start()) + 1
            bad_includes.append("%s:%d includes \"%s\"" % (p, line, m.group(1)))
offenders = sorted({b.split(":")[0] for b in bad_includes})
why = []
if os.path.isdir(os.path.join(root, "include/daemon")):
    why.append("include/daemon/ exists (%d files)" % len(os.listdir(os.path.join(root, "include/daemon"))))
if offenders:
    why.append("daemon headers included by " + ", ".join(offenders))
if why:
    not_ok(name, "; ".join(why), bad_includes)
else:
    ok(name)

# 3 and 4. The file graph from the objects.
objs = {}           # source path (repo-relative) -> object path
stale = []
objroot = os.path.join(build, "src")
for d, dirs, fs in os.walk(objroot):
    dirs.sort()
    for f in sorted(fs):
        if not f.endswith(".o"):
            continue
        o = os.path.join(d, f)
        src = os.path.relpath(o, build)[:-2] + ".c"
        if os.path.exists(os.path.join(root, src)):
            objs[src] = o
        else:
            stale.append(os.path.relpath(o, build))

graph_names = ("no call cycle between files (nm on the build's objects)",
               "folder direction: policy/ sources/ snapshot/ call no actions/ outputs/ (but log.c) daemon/; "
               "actions/ and outputs/ call no daemon/")
defs = collections.defaultdict(set)   # symbol -> files defining it
undefs = {}                           # file -> undefined symbols
nm_error = None
if not objs:
    nm_error = "no objects under %s (build it first)" % objroot
for src, o in sorted(objs.items()):
    try:
        out = subprocess.run(["nm", "-P", o], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        nm_error = "nm %s: %s" % (o, e)
        break
    undefs[src] = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        sym, t = parts[0], parts[1]
        if t in ("U", "w", "v"):
            undefs[src].add(sym)
        elif t.isupper():
            defs[sym].add(src)

if nm_error:
    for n in graph_names:
        skip(n, nm_error)
else:
    edges = collections.defaultdict(lambda: collections.defaultdict(set))  # a -> b -> symbols
    for a, syms in undefs.items():
        for s in syms:
            for b in defs.get(s, ()):
                if b != a:
                    edges[a][b].add(s)
    nodes = sorted(objs)
    short = lambda p: p[len("src/"):] if p.startswith("src/") else p
    stale_note = ["stale objects left out (no source): " + ", ".join(stale)] if stale else []

    # Tarjan's strongly connected components (iterative).
    index, low, on, stack, sccs, counter = {}, {}, set(), [], [], [0]
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter[0]; counter[0] += 1
        stack.append(start); on.add(start)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]; counter[0] += 1
                    stack.append(w); on.add(w)
                    work.append((w, iter(sorted(edges[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop(); on.discard(w); comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    sccs.append(sorted(comp))
    sccs.sort(key=lambda c: (-len(c), c))

    def shortest_path(a, b, inside):
        """Shortest path a .. b within the set inside (BFS, sorted neighbours)."""
        prev, queue = {a: None}, collections.deque([a])
        while queue:
            v = queue.popleft()
            if v == b:
                path = []
                while v is not None:
                    path.append(v); v = prev[v]
                return path[::-1]
            for w in sorted(edges[v]):
                if w in inside and w not in prev:
                    prev[w] = v; queue.append(w)
        return None

    # 3. Cycles: for each component, cycles that cover all of its edges
    # (shortest first: the mutual pairs, then longer loops).
    name = graph_names[0]
    if sccs:
        lines, n_cycles = [], 0
        for comp in sccs:
            inside = set(comp)
            comp_edges = sorted((a, b) for a in comp for b in edges[a] if b in inside)
            cycles = []
            for a, b in comp_edges:
                back = shortest_path(b, a, inside)
                cyc = [a] + back                  # a -> b ... -> a
                ring = cyc[:-1]
                i = ring.index(min(ring))
                ring = ring[i:] + ring[:i]
                if ring not in cycles:
                    cycles.append(ring)
            cycles.sort(key=lambda r: (len(r), r))
            covered, chosen = set(), []
            for ring in cycles:
                ring_edges = {(ring[k], ring[(k + 1) % len(ring)]) for k in range(len(ring))}
                if not ring_edges <= covered:
                    chosen.append(ring)
                    covered |= ring_edges
            n_cycles += len(chosen)
            lines.append("%d files in one cycle: %s" % (len(comp), " ".join(short(p) for p in comp)))
            for ring in chosen:
                lines.append("  " + " -> ".join(short(p) for p in ring + ring[:1]))
            for a, b in comp_edges:
                syms = sorted(edges[a][b])
                lines.append("    %s -> %s: %s%s" % (short(a), short(b), ", ".join(syms[:4]),
                                                   " (+%d)" % (len(syms) - 4) if len(syms) > 4 else ""))
        not_ok(name, "%d cycles among %s" % (n_cycles, ", ".join(short(p) for c in sccs for p in c)),
               lines + stale_note)
    else:
        ok(name)
        for s in stale_note:
            print("# " + s)

    # 4. Folder direction.
    name = graph_names[1]
    forbidden = {"policy": ("actions", "outputs", "daemon"),
                 "sources": ("actions", "outputs", "daemon"),
                 "snapshot": ("actions", "outputs", "daemon"),
                 "outputs": ("daemon",),
                 "actions": ("daemon",)}
    folder = lambda p: p.split("/")[1] if p.startswith("src/") and p.count("/") >= 2 else ""
    wrong = []
    for a in nodes:
        for b in sorted(edges[a]):
            if folder(b) in forbidden.get(folder(a), ()) and short(b) != "outputs/log.c":
                syms = sorted(edges[a][b])
                wrong.append((a, b, "%s -> %s: %s%s" % (short(a), short(b), ", ".join(syms[:4]),
                                                        " (+%d)" % (len(syms) - 4) if len(syms) > 4 else "")))
    if wrong:
        pairs = collections.OrderedDict()
        for a, b, _ in wrong:
            pairs.setdefault(short(a), []).append(short(b))
        not_ok(name, "; ".join("%s -> %s" % (a, " ".join(bs)) for a, bs in pairs.items()),
               [w for _, _, w in wrong])
    else:
        ok(name)

# 5. struct guard * taken outside daemon/.
name = "no function in src/ outside src/daemon/ takes struct guard *"
GUARD = re.compile(r"\bstruct\s+guard\s*\*")
KEYWORDS = {"return", "sizeof", "if", "while", "for", "switch", "case", "typeof", "__typeof__", "_Alignof"}
takers = []
for p in sources("src"):
    if under(p, "src/daemon"):
        continue
    text = strip_comments(read(p))
    for m in GUARD.finditer(text):
        # Walk back to the unmatched '(' of the list this sits in; skip the
        # parameter list of a function-pointer parameter.
        i, depth, fn = m.start() - 1, 0, None
        while i >= 0 and text[i] not in ";{}":
            c = text[i]
            if c == ")":
                depth += 1
            elif c == "(":
                if depth:
                    depth -= 1
                else:
                    j = i - 1
                    while j >= 0 and text[j].isspace():
                        j -= 1
                    if j >= 0 and text[j] == ")":      # (*fp)(struct guard *): keep going out
                        i -= 1
                        continue
                    k = j
                    while k >= 0 and (text[k].isalnum() or text[k] == "_"):
                        k -= 1
                    ident = text[k + 1:j + 1]
                    if ident and not ident[0].isdigit() and ident not in KEYWORDS:
                        fn = ident
                    break
            i -= 1
        if fn:
            line = text.count("\n", 0, m.start()) + 1
            takers.append((p, line, fn))
if takers:
    by_file = collections.OrderedDict()
    for p, _, fn in takers:
        by_file.setdefault(p, [])
        if fn not in by_file[p]:
            by_file[p].append(fn)
    not_ok(name, "; ".join("%s (%s)" % (p, ", ".join(fns)) for p, fns in by_file.items()),
           ["%s:%d %s()" % t for t in takers])
else:
    ok(name)

sys.exit(1 if failures else 0)
EOF
