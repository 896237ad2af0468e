# oomguard — cgroup-aware userspace OOM guard.
#   make            build build/oomguard
#   make check      install test deps if missing, run every test (plain and ASan+UBSan)
#   make run        guard this machine with etc/oomguard.conf in the foreground
#   make bench      benchmarks (not timed tests)
#   make install    PREFIX=/usr/local DESTDIR= SYSCONFDIR=/etc

PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
DESTDIR    ?=

CC      ?= cc
B       ?= build
PKGS    := libcgroup inih libsystemd
# Debian packages the build and the tests need (checked by `make deps`).
DEB_BUILD_DEPS := gcc make pkg-config libcgroup-dev libinih-dev libsystemd-dev libcmocka-dev
DEB_TEST_DEPS  := procps util-linux jq nginx
DEB_BENCH_DEPS := earlyoom
DEB_VM_DEPS    := qemu-system-x86 linux-image-amd64 busybox-static cpio kmod xz-utils earlyoom

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lcgroup -linih -lsystemd)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wmissing-prototypes \
           -Wstrict-prototypes -Wvla -Wpointer-arith -Wundef -Wno-unused-parameter
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=gnu11 $(WARN) -D_GNU_SOURCE -DSYSCONFDIR='"$(SYSCONFDIR)"' -Iinclude $(PKG_CFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS  += $(PKG_LIBS) -lm

LIB_SRC  := $(sort $(shell find src -name '*.c' ! -name main.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
HELPER_SRC := $(sort $(wildcard tests/helpers/*.c))
HELPER_BIN := $(HELPER_SRC:tests/helpers/%.c=$(B)/helpers/%)
BENCH_SRC := $(sort $(wildcard tests/bench/*.c))
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(B)/bench/%)

.PHONY: fuzz all deps check check-plain check-san tests run bench install uninstall clean

all: $(B)/oomguard

$(B)/%.o: %.c $(wildcard include/*.h include/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/liboomguard.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(B)/oomguard: $(B)/src/daemon/main.o $(B)/liboomguard.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(B)/liboomguard.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -Isrc -Itests/unit $(LDFLAGS) -o $@ $< $(B)/liboomguard.a $(LDLIBS) $(CMOCKA_LIBS)

$(B)/helpers/%: tests/helpers/%.c
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $<

# The sleeper factory runs 1,000 copies at once: never sanitized (ASan's
# shadow mappings would cost each child more than a test cgroup holds).
$(B)/helpers/spawn: tests/helpers/spawn.c
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) -std=gnu11 $(WARN) -D_GNU_SOURCE -O2 -g -o $@ $<

$(B)/bench/%: tests/bench/%.c $(B)/liboomguard.a
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/liboomguard.a $(LDLIBS)

tests: $(B)/oomguard $(UNIT_BIN) $(HELPER_BIN)

deps:
	@tests/install-deps.sh $(DEB_BUILD_DEPS) $(DEB_TEST_DEPS)

# The whole suite, twice: a normal build and an ASan+UBSan build.
check: deps
	@rm -f build/test-results build-san/test-results; r=0; \
	$(MAKE) --no-print-directory check-plain || r=1; \
	$(MAKE) --no-print-directory check-san || r=1; \
	tests/summary.sh build/test-results build-san/test-results || r=1; exit $$r

check-plain:
	@$(MAKE) --no-print-directory B=build tests
	@tests/run-suite.sh build

SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
check-san:
	@$(MAKE) --no-print-directory B=build-san CFLAGS="$(SAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined" tests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		tests/run-suite.sh build-san

run: deps $(B)/oomguard
	$(B)/oomguard -c etc/oomguard.conf -v

bench: deps $(B)/oomguard $(HELPER_BIN) $(BENCH_BIN)
	@tests/install-deps.sh $(DEB_BENCH_DEPS)
	@tests/bench/run.sh $(B)

# Integration tests in throwaway qemu VMs (pure v2, v1, hybrid; whole-machine OOM):
# tests/vm/README.md. Ends with "vmcheck: N passed, N failed[, N skipped]".
.PHONY: vmcheck
vmcheck: deps
	@tests/install-deps.sh $(DEB_VM_DEPS)
	@$(MAKE) --no-print-directory B=build tests
	@tests/vm/run-scenarios.sh build

# oomguard vs earlyoom vs the kernel in a VM (whole-machine no-swap and zram; VMBENCH_TRIALS,
# default 20 per guard, ~30 min): table on stdout and in build/vmbench-results.md.
.PHONY: vmbench
vmbench: deps
	@tests/install-deps.sh $(DEB_VM_DEPS)
	@$(MAKE) --no-print-directory B=build tests
	@tests/vm/vmbench.sh build

# Parsers under libFuzzer (clang) for FUZZ_SECONDS (default 60).
fuzz: deps
	@tests/install-deps.sh clang libclang-rt-dev
	@tests/fuzz/run.sh

install: $(B)/oomguard
	install -Dm755 $(B)/oomguard $(DESTDIR)$(SBINDIR)/oomguard
	install -Dm644 etc/oomguard.conf $(DESTDIR)$(SYSCONFDIR)/oomguard.conf
	install -Dm644 man/oomguard.8 $(DESTDIR)$(MANDIR)/man8/oomguard.8
	install -Dm644 man/oomguard.conf.5 $(DESTDIR)$(MANDIR)/man5/oomguard.conf.5
	@mkdir -p $(DESTDIR)$(UNITDIR)
	sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		systemd/oomguard.service.in > $(DESTDIR)$(UNITDIR)/oomguard.service

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/oomguard $(DESTDIR)$(MANDIR)/man8/oomguard.8 \
	      $(DESTDIR)$(MANDIR)/man5/oomguard.conf.5 $(DESTDIR)$(UNITDIR)/oomguard.service
	@echo "kept $(DESTDIR)$(SYSCONFDIR)/oomguard.conf (your configuration)"

clean:
	rm -rf build build-san
