# oomguard — cgroup-aware userspace OOM guard.
#   make              build build/oomguard and build/oomguard-metrics-httpd
#   make tests        build the daemon, the unit tests, the test helpers and the benchmarks
#   make check        run every test, plain (check-plain, build/) and ASan+UBSan (check-san, build-san/)
#   make run          guard this machine with etc/oomguard.conf in the foreground
#   make bench        benchmarks (not timed tests)
#   make vmcheck      integration tests in qemu VMs; make vmbench: the guards compared in a VM
#   make systemdcheck the installed unit under a real systemd (systemd-nspawn; tests/systemd/run.sh)
#   make fuzz         every libFuzzer target (tests/fuzz/) for FUZZ_SECONDS each (build-fuzz/)
#   make format       clang-format every C file; make format-check: list those it would change
#   make install      PREFIX=/usr/local DESTDIR= SYSCONFDIR=/etc PKGLIBDIR=$PREFIX/lib/oomguard; make uninstall
#   make rootfs       the image's runtime tree in $(B)/rootfs (ROOTFS=), as the Dockerfile builds it
#   make containercheck  the image's tree under a real OCI runtime (runc): tests/container/run.sh
#   make clean        remove the build folders
# Each target first installs the Debian packages it needs that are missing
# (as non-root it stops and prints the command to run); make deps: those of make check.

PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
PKGLIBDIR  ?= $(PREFIX)/lib/oomguard
DESTDIR    ?=

CC      ?= cc
B       ?= build
PKGS    := libcgroup inih libsystemd
# Debian packages, by what needs them. Each target first installs the missing
# ones of the lists it needs (the deps-* targets below, tests/install-deps.sh).
DEB_BUILD_DEPS      := gcc make pkg-config libcgroup-dev libinih-dev libsystemd-dev libmicrohttpd-dev
DEB_RUN_DEPS        := libcgroup2 libinih1 libsystemd0 libmicrohttpd12
DEB_TEST_BUILD_DEPS := libcmocka-dev
DEB_TEST_DEPS       := procps util-linux systemd jq nginx strace curl valgrind prometheus python3-prometheus-client
DEB_BENCH_DEPS      := earlyoom
DEB_VM_DEPS         := qemu-system-x86 linux-image-amd64 busybox-static cpio kmod xz-utils earlyoom
DEB_SYSTEMD_DEPS    := systemd systemd-container util-linux procps jq
DEB_FUZZ_DEPS       := clang libclang-rt-dev
DEB_FORMAT_DEPS     := clang-format
DEB_CONTAINER_DEPS  := runc jq
# tests/t-kubernetes.sh's validator comes from npm: Debian's node and npm,
# unless the machine has a node and npm of its own (the check is npm's).
DEB_NODE_DEPS       := nodejs npm

# Asked of pkg-config once, when a recipe first needs them: after the deps-*
# check has installed the -dev packages, not when make reads this file.
PKG_CFLAGS  = $(eval PKG_CFLAGS := $$(shell pkg-config --cflags $$(PKGS) 2>/dev/null))$(PKG_CFLAGS)
PKG_LIBS    = $(eval PKG_LIBS := $$(shell pkg-config --libs $$(PKGS) 2>/dev/null || echo -lcgroup -linih -lsystemd))$(PKG_LIBS)
# libmicrohttpd: the metrics HTTP process only (src/httpd/), never the guard.
MHD_CFLAGS  = $(eval MHD_CFLAGS := $$(shell pkg-config --cflags libmicrohttpd 2>/dev/null))$(MHD_CFLAGS)
MHD_LIBS    = $(eval MHD_LIBS := $$(shell pkg-config --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd))$(MHD_LIBS)
CMOCKA_LIBS = $(eval CMOCKA_LIBS := $$(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka))$(CMOCKA_LIBS)

WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes \
           -Wstrict-prototypes -Wvla -Wpointer-arith -Wundef -Wno-unused-parameter
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=gnu11 $(WARN) -D_GNU_SOURCE -DSYSCONFDIR='"$(SYSCONFDIR)"' -DPKGLIBDIR='"$(PKGLIBDIR)"' $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
# The library sees the interfaces between stages (include/); the tests, the
# helpers and the benchmarks also see headers private to src/ ("daemon/guard.h").
LIB_INC  := -Iinclude
TEST_INC := -Iinclude -Isrc
LDLIBS  += $(PKG_LIBS) -lm

# Every .c under src/ but the daemon's main() and the metrics HTTP process
# (src/httpd/, a program of its own) goes into liboomguard.a, which the
# daemon, the unit tests and the benchmarks link.
MAIN_SRC := src/daemon/main.c
MAIN_OBJ := $(MAIN_SRC:%.c=$(B)/%.o)
HTTPD_SRC := $(sort $(shell find src/httpd -name '*.c'))
HTTPD_OBJ := $(HTTPD_SRC:%.c=$(B)/%.o)
LIB_SRC  := $(sort $(filter-out $(MAIN_SRC) $(HTTPD_SRC),$(shell find src -name '*.c')))
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_OBJ := $(UNIT_SRC:%.c=$(B)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
HELPER_SRC := $(sort $(wildcard tests/helpers/*.c))
HELPER_BIN := $(HELPER_SRC:tests/helpers/%.c=$(B)/helpers/%)
BENCH_SRC := $(sort $(wildcard tests/bench/*.c))
BENCH_OBJ := $(BENCH_SRC:%.c=$(B)/%.o)
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(B)/bench/%)

# Header dependencies: every compile writes the headers it read to
# $(B)/.deps/TARGET.d (-MMD; -MP so that a header deleted or moved is no error)
# and make reads them back: touching a header recompiles only what includes it
# (the programs that link liboomguard.a are relinked). The .d files live apart
# so that $(B)/tests/ and $(B)/helpers/ hold only programs.
DEP      = $(@:$(B)/%=$(B)/.deps/%.d)
DEPFLAGS = -MMD -MP -MF $(DEP)
DEP_TARGETS := $(LIB_OBJ) $(MAIN_OBJ) $(HTTPD_OBJ) $(UNIT_OBJ) $(BENCH_OBJ) $(HELPER_BIN)
.DEFAULT_GOAL := all
-include $(wildcard $(DEP_TARGETS:$(B)/%=$(B)/.deps/%.d))
$(B)/.deps/%.d: ;


.PHONY: soak
.PHONY: fuzz all deps check check-plain check-san tests run bench install uninstall clean format format-check \
        deps-build deps-tests deps-check deps-run deps-bench deps-vm deps-fuzz deps-format deps-systemd

all: $(B)/oomguard $(B)/oomguard-metrics-httpd

# Objects of the library and of the daemon: $(B)/src/...; of the unit tests
# and the benchmarks: $(B)/tests/unit/... and $(B)/tests/bench/..., which also
# see src/ and tests/unit/.
INC = $(LIB_INC)
$(B)/tests/%.o: INC = $(TEST_INC) -Itests/unit
$(HTTPD_OBJ): INC = $(LIB_INC) $(MHD_CFLAGS)
$(B)/%.o: %.c
	@mkdir -p $(dir $@) $(dir $(DEP))
	@echo "  CC      $@"
	@$(CC) $(ALL_CFLAGS) $(INC) $(DEPFLAGS) -c -o $@ $<

$(B)/liboomguard.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(B)/oomguard: $(MAIN_OBJ) $(B)/liboomguard.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The metrics HTTP process: the one program linking libmicrohttpd (it takes
# only the address parser from the library).
$(B)/oomguard-metrics-httpd: $(HTTPD_OBJ) $(B)/liboomguard.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(MHD_LIBS)

$(UNIT_BIN): $(B)/tests/%: $(B)/tests/unit/%.o $(B)/liboomguard.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(CMOCKA_LIBS)

$(BENCH_BIN): $(B)/bench/%: $(B)/tests/bench/%.o $(B)/liboomguard.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# A helper is one file, compiled and linked at once, without the library.
$(B)/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@) $(dir $(DEP))
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(TEST_INC) $(DEPFLAGS) $(LDFLAGS) -o $@ $<

# The sleeper factory runs 1,000 copies at once: never sanitized (ASan's
# shadow mappings would cost each child more than a test cgroup holds).
$(B)/helpers/spawn: tests/helpers/spawn.c
	@mkdir -p $(dir $@) $(dir $(DEP))
	@echo "  LD      $@"
	@$(CC) -std=gnu11 $(WARN) -D_GNU_SOURCE -O2 -g $(TEST_INC) $(DEPFLAGS) -o $@ $<

# kmsgwatch drives the library's /dev/kmsg reader and parser live: it
# links liboomguard.a, as the unit tests do.
$(B)/helpers/kmsgwatch: tests/helpers/kmsgwatch.c $(B)/liboomguard.a
	@mkdir -p $(dir $@) $(dir $(DEP))
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(TEST_INC) $(DEPFLAGS) $(LDFLAGS) -o $@ $< $(B)/liboomguard.a $(LDLIBS)

# The hooks' driver starts the real hook runner (tests/t-hook.sh): it links the library.
$(B)/helpers/hookdrive: tests/helpers/hookdrive.c $(B)/liboomguard.a
	@mkdir -p $(dir $@) $(dir $(DEP))
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(TEST_INC) $(DEPFLAGS) $(LDFLAGS) -o $@ $< $(B)/liboomguard.a $(LDLIBS)

tests: $(B)/oomguard $(B)/oomguard-metrics-httpd $(UNIT_BIN) $(HELPER_BIN) $(BENCH_BIN)

# Missing Debian packages are installed before anything is compiled (as
# non-root: stop with the command to run), so that a fresh machine never
# gets as far as a compiler error about a missing header. Quiet, and one
# dpkg-query, when all are there. Chained: one apt-get at a time.
$(LIB_OBJ) $(MAIN_OBJ) $(HTTPD_OBJ) $(BENCH_OBJ) $(HELPER_BIN): | deps-build
$(UNIT_OBJ): | deps-tests
deps-build:
	@tests/install-deps.sh $(DEB_BUILD_DEPS)
deps-tests: deps-build
	@tests/install-deps.sh $(DEB_TEST_BUILD_DEPS)
deps-check: deps-tests
	@tests/install-deps.sh $(DEB_TEST_DEPS)
	@command -v npm > /dev/null 2>&1 || tests/install-deps.sh $(DEB_NODE_DEPS)
deps-run: deps-build
	@tests/install-deps.sh $(DEB_RUN_DEPS)
deps-bench: deps-build
	@tests/install-deps.sh $(DEB_BENCH_DEPS)
deps-vm: deps-check
	@tests/install-deps.sh $(DEB_VM_DEPS)
deps-fuzz: deps-build
	@tests/install-deps.sh $(DEB_FUZZ_DEPS)
deps-systemd: deps-build
	@tests/install-deps.sh $(DEB_SYSTEMD_DEPS)
deps-format:
	@tests/install-deps.sh $(DEB_FORMAT_DEPS)
deps-container: deps-check
	@tests/install-deps.sh $(DEB_CONTAINER_DEPS)
# What `make check` needs.
deps: deps-check

# The whole suite, twice: a normal build and an ASan+UBSan build.
check: deps-check
	@rm -f build/test-results build-san/test-results; r=0; \
	$(MAKE) --no-print-directory check-plain || r=1; \
	$(MAKE) --no-print-directory check-san || r=1; \
	tests/summary.sh build/test-results build-san/test-results || r=1; exit $$r

check-plain: deps-check
	@$(MAKE) --no-print-directory B=build tests
	@tests/run-suite.sh build

SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
check-san: deps-check
	@$(MAKE) --no-print-directory B=build-san CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" tests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		tests/run-suite.sh build-san

# The checkout's own policy, trusted as it is (a clone may be a user's, or
# under /tmp): the ownership check is for installed policies (oomguard(8)).
run: deps-run $(B)/oomguard
	OOMGUARD_TEST_TRUST_ANY_CONFIG=1 $(B)/oomguard -c etc/oomguard.conf -v

# A bounded run under churn (SOAK_SECONDS, default 600; not in CI):
# fds, RSS and the tick's p99 at the first and the last minute.
soak: deps-check $(B)/oomguard $(HELPER_BIN)
	@tests/soak/run.sh $(B)

bench: deps-bench $(B)/oomguard $(HELPER_BIN) $(BENCH_BIN)
	@tests/bench/run.sh $(B)

# Integration tests in throwaway qemu VMs (pure v2, v1, hybrid; whole-machine OOM):
# tests/vm/README.md. Ends with "vmcheck: N passed, N failed[, N skipped]".
.PHONY: vmcheck
vmcheck: deps-vm
	@$(MAKE) --no-print-directory B=build tests
	@tests/vm/run-scenarios.sh build

# The installed unit under Debian's systemd as PID 1 of a systemd-nspawn
# container (start, reload, watchdog, stop and restore, the journal, a hog
# killed under the syscall filter, metrics_listen): ~12 s. Ends with "systemdcheck: N passed, ...".
.PHONY: systemdcheck
systemdcheck: deps-systemd
	@$(MAKE) --no-print-directory B=build tests
	@tests/systemd/run.sh build

# oomguard vs earlyoom vs the kernel in a VM (whole-machine no-swap and zram; VMBENCH_TRIALS,
# default 20 per guard, ~30 min): table on stdout and in build/vmbench-results.md.
.PHONY: vmbench
vmbench: deps-vm
	@$(MAKE) --no-print-directory B=build tests
	@tests/vm/vmbench.sh build

# Every libFuzzer target (clang) for FUZZ_SECONDS each (default 60): tests/fuzz/run.sh.
fuzz: deps-fuzz
	@tests/fuzz/run.sh

# clang-format with the checked-in .clang-format (today's style) over every
# C file of src/, include/ and tests/. format-check changes nothing: it lists
# the files clang-format would change and fails (.ci/run calls it).
CLANG_FORMAT ?= clang-format
FORMAT_FILES  = $(sort $(shell find src include tests -name '*.[ch]'))
format: deps-format
	@$(CLANG_FORMAT) -i $(FORMAT_FILES)
format-check: deps-format
	@out=$$($(CLANG_FORMAT) --dry-run --Werror --ferror-limit=1 $(FORMAT_FILES) 2>&1) && exit 0; \
	files=$$(printf '%s\n' "$$out" | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/\1/p'); \
	[ -n "$$files" ] || { printf '%s\n' "$$out" >&2; exit 1; }; \
	echo "format-check: $(CLANG_FORMAT) would change these files (run make format):"; \
	printf '  %s\n' $$files; exit 1

# The image's runtime tree (deploy/image/rootfs.sh): the two programs at
# their installed paths, their shared libraries, the shipped policy, a
# passwd and group; the Dockerfile's runtime stage is this tree alone.
ROOTFS ?= $(B)/rootfs
.PHONY: rootfs containercheck deps-container
rootfs: $(B)/oomguard $(B)/oomguard-metrics-httpd
	@deploy/image/rootfs.sh $(ROOTFS) $(B) $(SBINDIR) $(PKGLIBDIR) $(SYSCONFDIR)

# That tree in a real OCI runtime (Debian's runc), and the Dockerfile's
# tree against it (README.md, In a container). About 2 minutes, root.
containercheck: deps-container
	@$(MAKE) --no-print-directory B=build tests rootfs
	@tests/container/run.sh build

install: $(B)/oomguard $(B)/oomguard-metrics-httpd
	install -Dm755 $(B)/oomguard $(DESTDIR)$(SBINDIR)/oomguard
	install -Dm755 $(B)/oomguard-metrics-httpd $(DESTDIR)$(PKGLIBDIR)/oomguard-metrics-httpd
	install -Dm644 etc/oomguard.conf $(DESTDIR)$(SYSCONFDIR)/oomguard.conf
	install -Dm644 man/oomguard.8 $(DESTDIR)$(MANDIR)/man8/oomguard.8
	install -Dm644 man/oomguard.conf.5 $(DESTDIR)$(MANDIR)/man5/oomguard.conf.5
	@mkdir -p $(DESTDIR)$(UNITDIR)
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		systemd/oomguard.service.in > $(DESTDIR)$(UNITDIR)/oomguard.service

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/oomguard $(DESTDIR)$(PKGLIBDIR)/oomguard-metrics-httpd \
	      $(DESTDIR)$(MANDIR)/man8/oomguard.8 \
	      $(DESTDIR)$(MANDIR)/man5/oomguard.conf.5 $(DESTDIR)$(UNITDIR)/oomguard.service
	@echo "kept $(DESTDIR)$(SYSCONFDIR)/oomguard.conf (your configuration)"

# Every folder the targets and the test scripts write in the tree: the plain
# and sanitized builds (bench, vmcheck and vmbench write inside them), the
# fuzzer's, and B= when it names a build* folder of this tree. (The VM
# kernel cache is outside the tree: OOMGUARD_VM_CACHE, tests/vm/README.md.)
CLEAN_DIRS := build build-san build-fuzz $(patsubst $(CURDIR)/%,%,$(filter $(CURDIR)/build%,$(abspath $(B))))
clean:
	rm -rf $(sort $(CLEAN_DIRS))
