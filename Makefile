# pflask — build and test (GNU make).
#
#   make [all]        build $(BUILD)/pflask-runtime (and $(BUILD)/pflask once compat/ has sources)
#   make check        deps check, build, unit tests and tests/tools, rootfs, then tests/run-tests.sh
#   make asan         the same under ASan+UBSan, in build-asan/
#   make fuzz         libFuzzer targets tests/fuzz/fuzz_*.c for FUZZ_SECONDS each, in build-fuzz/
#   make valgrind     memcheck of spec, validate, create, state, list, delete, run (tests/valgrind.sh)
#   make bench        start-up benchmark against crun and runc (root), see docs/performance.md
#   make demo         write and validate a default bundle
#   make cppcheck     static analysis of bundle/ runtime/ compat/
#   make rootfs       busybox root filesystem in $(BUILD)/rootfs
#   make deps         apt-get install everything needed to build and test (Debian 12)
#   make install      to $(DESTDIR)$(PREFIX) (also: uninstall)
#   make clean        remove $(BUILD); distclean also removes build-asan and build-fuzz

ifeq ($(origin CC),default)
CC := gcc
endif
CC         ?= gcc
AR         ?= ar
PKG_CONFIG ?= pkg-config
PREFIX     ?= /usr/local
DESTDIR    ?=
BUILD      ?= build
# SANITIZE: empty (normal build), asan (make asan) or fuzz (make fuzz).
SANITIZE   ?=
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
BENCH_N            ?= 100
BENCH_CONCURRENT_N ?= 200

BINDIR  := $(PREFIX)/bin
MANDIR  := $(PREFIX)/share/man
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  := $(PREFIX)/share/zsh/vendor-completions

# Everything `make deps` installs; extend here only.
DEPS_PKGS := build-essential pkg-config clang libclang-rt-14-dev \
	libyajl-dev libseccomp-dev libnl-3-dev libnl-route-3-dev libcmocka-dev \
	bats busybox-static python3-jsonschema iproute2 runc crun uidmap \
	cppcheck valgrind podman containerd golang-github-containers-common time strace

PKGS := yajl libseccomp libnl-3.0 libnl-route-3.0
# Linking: yajl and libseccomp go into the binaries (STATIC_LIBS=no: as shared libraries);
# libnl is loaded when a network device is set up (runtime/libnl.c), so only its headers are
# used here. Each shared library costs every start of the runtime, and create and run start
# it twice (runtime/exeseal.c): docs/performance.md.
STATIC_LIBS ?= yes
LINK_PKGS := yajl libseccomp
ifeq ($(STATIC_LIBS),yes)
LINK_LIBS_CMD = $(PKG_CONFIG) --libs-only-L $(LINK_PKGS); echo -Wl,-Bstatic -l:libyajl_s.a -lseccomp -Wl,-Bdynamic
else
LINK_LIBS_CMD = $(PKG_CONFIG) --libs $(LINK_PKGS)
endif

# pkg-config runs once, and only when a rule needs it (so `make deps` works without it).
PKG_CFLAGS    = $(eval PKG_CFLAGS := $$(shell $(PKG_CONFIG) --cflags $(PKGS)))$(PKG_CFLAGS)
PKG_LIBS      = $(eval PKG_LIBS := $$(shell $(LINK_LIBS_CMD)))$(PKG_LIBS)
CMOCKA_CFLAGS = $(eval CMOCKA_CFLAGS := $$(shell $(PKG_CONFIG) --cflags cmocka))$(CMOCKA_CFLAGS)
CMOCKA_LIBS   = $(eval CMOCKA_LIBS := $$(shell $(PKG_CONFIG) --libs cmocka))$(CMOCKA_LIBS)

SAN_FLAGS :=
ifeq ($(SANITIZE),asan)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
ifeq ($(SANITIZE),fuzz)
SAN_FLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

# Sanitizer builds use -O1 and no _FORTIFY_SOURCE (it fights the ASan interceptors).
ifeq ($(SANITIZE),)
OPTFLAGS := -O2 -D_FORTIFY_SOURCE=2
else
OPTFLAGS := -O1
endif

# CFLAGS, LDFLAGS and LDLIBS may be overridden (make CFLAGS=-O0); the PF_* flags, which the
# build needs (-std=gnu11 -D_GNU_SOURCE -I. and pkg-config), are always added.
# Sources must not `#define _GNU_SOURCE` themselves: it comes from the command line.
CFLAGS  ?= $(OPTFLAGS) -g -Wall -Wextra -Werror -fstack-protector-strong -fPIE -fno-strict-aliasing
LDFLAGS ?= -pie -Wl,-z,relro,-z,now
LDLIBS  ?=
PF_CFLAGS  = -std=gnu11 -D_GNU_SOURCE -I. $(PKG_CFLAGS) $(SAN_FLAGS)
PF_LDFLAGS = $(SAN_FLAGS)
PF_LDLIBS  = $(PKG_LIBS)

# ---- sources ---------------------------------------------------------------
LIB_SRCS   := $(sort $(wildcard bundle/*.c) $(filter-out runtime/main.c,$(wildcard runtime/*.c)))
RT_SRCS    := $(wildcard runtime/main.c)
COMPAT_SRCS := $(sort $(wildcard compat/*.c))
UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
TOOL_SRCS  := $(sort $(wildcard tests/tools/*.c))
FUZZ_SRCS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIB_OBJS    := $(call obj,$(LIB_SRCS))
RT_OBJS     := $(call obj,$(RT_SRCS))
COMPAT_OBJS := $(call obj,$(COMPAT_SRCS))
UNIT_OBJS   := $(call obj,$(UNIT_SRCS))
TOOL_OBJS   := $(call obj,$(TOOL_SRCS))
FUZZ_OBJS   := $(call obj,$(FUZZ_SRCS))

LIB        := $(BUILD)/libpflask.a
RT_BIN     := $(if $(RT_SRCS),$(BUILD)/pflask-runtime)
COMPAT_BIN := $(if $(COMPAT_SRCS),$(BUILD)/pflask)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRCS))
TOOL_BINS  := $(patsubst tests/tools/%.c,$(BUILD)/tests/tools/%,$(TOOL_SRCS))
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRCS))

# Rebuild everything when the compiler or flags change (e.g. `make` then `make CC=clang`).
FLAGS_FILE := $(BUILD)/.flags
FLAGS_NOW   = $(CC) | $(CPPFLAGS) $(CFLAGS) $(PF_CFLAGS) | $(LDFLAGS) $(PF_LDFLAGS) | $(LDLIBS) $(PF_LDLIBS)

.DEFAULT_GOAL := all
.PHONY: all lib tests fuzz-bins check asan fuzz valgrind bench demo cppcheck rootfs deps \
	deps-check print-deps install uninstall clean distclean FORCE
.DELETE_ON_ERROR:
# Objects only reached through a pattern rule would be deleted as intermediates; keep them.
.SECONDARY: $(TOOL_OBJS) $(FUZZ_OBJS)

all: $(RT_BIN) $(COMPAT_BIN)
lib: $(LIB)
tests: $(UNIT_BINS) $(TOOL_BINS)
fuzz-bins: $(FUZZ_BINS)

$(FLAGS_FILE): FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '$(FLAGS_NOW)' | cmp -s - $@ || printf '%s\n' '$(FLAGS_NOW)' > $@

$(BUILD)/obj/%.o: %.c $(FLAGS_FILE)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PF_CFLAGS) $(EXTRA_CFLAGS) -MMD -MP -c -o $@ $<

$(UNIT_OBJS): EXTRA_CFLAGS = $(CMOCKA_CFLAGS)

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/pflask-runtime: $(RT_OBJS) $(LIB)
	$(CC) $(LDFLAGS) $(PF_LDFLAGS) -o $@ $^ $(LDLIBS) $(PF_LDLIBS)

$(BUILD)/pflask: $(COMPAT_OBJS) $(LIB)
	$(CC) $(LDFLAGS) $(PF_LDFLAGS) -o $@ $^ $(LDLIBS) $(PF_LDLIBS)

$(BUILD)/tests/unit/%: $(BUILD)/obj/tests/unit/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(PF_LDFLAGS) -o $@ $^ $(LDLIBS) $(PF_LDLIBS) $(CMOCKA_LIBS)

# Small programs the integration tests drive (pf-roundtrip: parse and emit a JSON file).
$(BUILD)/tests/tools/%: $(BUILD)/obj/tests/tools/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(PF_LDFLAGS) -o $@ $^ $(LDLIBS) $(PF_LDLIBS)

# Fuzz targets bring libFuzzer's main(); only meaningful with SANITIZE=fuzz (see `make fuzz`).
# compat/ is the pflask binary, not the library: the targets also link its flag grammars.
FUZZ_COMPAT_OBJS := $(call obj,$(filter $(addprefix compat/,capsflag.c envflag.c mountflag.c \
	netifflag.c options.c usermap.c),$(COMPAT_SRCS)))
$(BUILD)/fuzz/%: $(BUILD)/obj/tests/fuzz/%.o $(FUZZ_COMPAT_OBJS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(subst fuzzer-no-link,fuzzer,$(PF_LDFLAGS)) -o $@ $^ $(LDLIBS) $(PF_LDLIBS)

-include $(wildcard $(BUILD)/obj/*/*.d $(BUILD)/obj/tests/*/*.d)

# ---- root filesystem ----------------------------------------------------------
BUSYBOX ?= /bin/busybox
ROOTFS  := $(BUILD)/rootfs

rootfs: $(BUILD)/rootfs.stamp

# Built in a temp dir and renamed, so an interrupted run leaves no half rootfs.
# rm --one-file-system: never descend into a mount a crashed test left behind.
$(BUILD)/rootfs.stamp: $(wildcard $(BUSYBOX)) Makefile
	@test -x $(BUSYBOX) || { echo "$(BUSYBOX) missing: apt-get install busybox-static" >&2; exit 1; }
	@mkdir -p $(BUILD)
	@rm -rf --one-file-system $(ROOTFS).tmp
	@set -e; r=$(ROOTFS).tmp; \
	for d in bin sbin usr/bin usr/sbin etc proc sys dev tmp root home/user var run; do \
		mkdir -p $$r/$$d; done; \
	chmod 1777 $$r/tmp; chmod 0700 $$r/root; \
	cp $(BUSYBOX) $$r/bin/busybox; chmod 0755 $$r/bin/busybox; \
	for a in $$($(BUSYBOX) --list-full); do \
		case $$a in bin/busybox) continue;; */*) [ -d $$r/$${a%/*} ] || mkdir -p $$r/$${a%/*};; esac; \
		ln -f $$r/bin/busybox $$r/$$a; done; \
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'user:x:1000:1000:user:/home/user:/bin/sh' > $$r/etc/passwd; \
	printf '%s\n' 'root:x:0:' 'user:x:1000:' > $$r/etc/group; \
	chown 1000:1000 $$r/home/user 2>/dev/null || true
	@rm -rf --one-file-system $(ROOTFS)
	@mv $(ROOTFS).tmp $(ROOTFS)
	@touch $@
	@echo "rootfs: $(ROOTFS) ($$($(BUSYBOX) --list-full | wc -l) busybox applets)"

# ---- dependencies -------------------------------------------------------------
SUDO = $(if $(filter 0,$(shell id -u)),,sudo)

deps:
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEPS_PKGS)

print-deps:
	@echo $(DEPS_PKGS)

deps-check:
	@MAKE="$(MAKE)" DEPS_PKGS="$(DEPS_PKGS)" tests/check-deps.sh

# ---- tests --------------------------------------------------------------------
check: deps-check
	$(MAKE) --no-print-directory all tests rootfs
	PFLASK_BUILD=$(BUILD) tests/run-tests.sh

asan: deps-check
	$(MAKE) --no-print-directory BUILD=build-asan SANITIZE=asan all tests rootfs
	PFLASK_BUILD=build-asan ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 tests/run-tests.sh

# Seeds in tests/fuzz/corpus/NAME/ are copied to build-fuzz/corpus/NAME/ and the
# fuzzer writes only there; crashes go to build-fuzz/artifacts/NAME/.
fuzz:
ifeq ($(FUZZ_SRCS),)
	@echo "fuzz: no tests/fuzz/fuzz_*.c targets yet, nothing to do"
else
	$(MAKE) --no-print-directory BUILD=build-fuzz SANITIZE=fuzz CC=$(FUZZ_CC) fuzz-bins
	@set -u; fail=0; for n in $(FUZZ_NAMES); do \
		c=build-fuzz/corpus/$$n; a=build-fuzz/artifacts/$$n; mkdir -p $$c $$a; \
		if [ -d tests/fuzz/corpus/$$n ]; then cp -R tests/fuzz/corpus/$$n/. $$c/; fi; \
		dict=; if [ -f tests/fuzz/$$n.dict ]; then dict=-dict=tests/fuzz/$$n.dict; fi; \
		echo "== fuzz_$$n for $(FUZZ_SECONDS)s (corpus $$c)"; \
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		build-fuzz/fuzz/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$$a/ $$dict $$c || { echo "fuzz_$$n FAILED (see $$a/)"; fail=1; }; \
	done; exit $$fail
endif

# valgrind cannot run an ASan build, so this is the plain one; root for the container part.
valgrind: deps-check
	$(MAKE) --no-print-directory all rootfs
	PFLASK_BUILD=$(BUILD) tests/valgrind.sh

# A benchmark, not a test: prints a table (also $(BUILD)/bench/latest.md) and exits 0.
# BENCH_N sequential rounds, BENCH_CONCURRENT_N containers per concurrency level; more
# knobs (BENCH_STRACE=1, BENCH_RSS_N...) at the top of tests/bench/bench.py.
bench:
	@test "$$(id -u)" = 0 || { echo "bench: needs root (namespaces, mounts, cgroups): sudo make bench" >&2; exit 1; }
	@test -x /usr/bin/time || { echo "bench: /usr/bin/time missing: make deps" >&2; exit 1; }
	$(MAKE) --no-print-directory all rootfs
	PFLASK_BUILD=$(BUILD) BENCH_N=$(BENCH_N) BENCH_CONCURRENT_N=$(BENCH_CONCURRENT_N) \
		python3 tests/bench/bench.py

demo: deps-check
	$(MAKE) --no-print-directory all
	$(MAKE) --no-print-directory rootfs
	PFLASK_BUILD=$(BUILD) tests/demo.sh

CPPCHECK_DIRS := $(wildcard bundle runtime compat)
cppcheck:
ifeq ($(strip $(LIB_SRCS) $(RT_SRCS) $(COMPAT_SRCS)),)
	@echo "cppcheck: no sources yet"
else
	cppcheck --enable=warning,style,performance,portability --error-exitcode=1 --inline-suppr \
		--quiet --suppress=missingIncludeSystem -I. $(CPPCHECK_DIRS)
endif

# ---- install ------------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(RT_BIN) $(COMPAT_BIN) $(DESTDIR)$(BINDIR)/
	@set -e; \
	if [ -f docs/pflask.1 ]; then install -Dm 0644 docs/pflask.1 $(DESTDIR)$(MANDIR)/man1/pflask.1; fi; \
	if [ -f docs/pflask-runtime.8 ]; then install -Dm 0644 docs/pflask-runtime.8 $(DESTDIR)$(MANDIR)/man8/pflask-runtime.8; fi; \
	for f in $(wildcard docs/completion/*.bash); do \
		install -Dm 0644 $$f $(DESTDIR)$(BASHCOMPDIR)/$$(basename $$f .bash); done; \
	for f in $(wildcard docs/completion/*.zsh); do \
		n=$$(basename $$f .zsh); n=_$${n#_}; \
		install -Dm 0644 $$f $(DESTDIR)$(ZSHCOMPDIR)/$$n; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/pflask $(DESTDIR)$(BINDIR)/pflask-runtime \
		$(DESTDIR)$(MANDIR)/man1/pflask.1 $(DESTDIR)$(MANDIR)/man8/pflask-runtime.8 \
		$(foreach f,$(wildcard docs/completion/*.bash),$(DESTDIR)$(BASHCOMPDIR)/$(basename $(notdir $(f)))) \
		$(foreach f,$(wildcard docs/completion/*.zsh),$(DESTDIR)$(ZSHCOMPDIR)/_$(patsubst _%,%,$(basename $(notdir $(f)))))

clean:
	rm -rf --one-file-system $(BUILD)

distclean: clean
	rm -rf --one-file-system build build-asan build-fuzz
