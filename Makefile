# newsutils: one non-recursive GNU Makefile. `make help` lists the targets.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DESTDIR ?=

CC      ?= cc
CFLAGS  ?= -O3 -g
# lib/*.cc (the CLD2 wrapper) is C++; CXX follows CC unless it is set.
ifeq ($(origin CXX),default)
CXX     := $(if $(findstring clang,$(CC)),$(subst clang,clang++,$(CC)),$(if $(findstring gcc,$(CC)),$(subst gcc,g++,$(CC)),g++))
endif
CXXFLAGS ?= -O2 -g
LDFLAGS ?=
# SANITIZE=address,undefined builds into its own directory.
SANITIZE ?=
BUILD   ?= build$(if $(SANITIZE),-san)

PROGRAMS := nsplit nclean ndedup ntag
PKGS     := libarchive zlib libzstd libxxhash liblzma liblz4 libutf8proc

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# CLD2 (libcld2-dev) ships no pkg-config file: use one if there is one,
# else the compiler's own paths (Debian: /usr/include/cld2, -lcld2).
CLD2_CFLAGS := $(shell pkg-config --cflags cld2 2>/dev/null)
CLD2_LIBS   := $(or $(shell pkg-config --libs cld2 2>/dev/null),-lcld2)
CLD2_FOUND  := $(shell echo '\#include <cld2/public/compact_lang_det.h>' | \
	$(CXX) $(CLD2_CFLAGS) -E -x c++ -o /dev/null - 2>/dev/null && echo yes)
# Say so plainly when the libraries are missing, rather than fail to link.
ifeq ($(filter help clean deps,$(MAKECMDGOALS)),)
ifeq ($(PKG_LIBS),)
$(error pkg-config does not find $(PKGS): run scripts/install-deps)
endif
ifneq ($(CLD2_FOUND),yes)
$(error $(CXX) does not find CLD2 (cld2/public/compact_lang_det.h, libcld2-dev): run scripts/install-deps)
endif
endif

WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wno-format-nonliteral -Wpointer-arith -Wundef
# DEVELOPER=1 turns warnings into errors; users never get -Werror.
ifeq ($(DEVELOPER),1)
WARNINGS += -Werror
endif
ifneq ($(SANITIZE),)
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

ALL_CFLAGS  := -std=c11 -D_GNU_SOURCE $(WARNINGS) \
               $(CFLAGS) $(SAN_FLAGS) -Ilib $(PKG_CFLAGS) -MMD -MP
# The C++ files get the warnings that C++ has (-Wmissing-declarations for
# -Wmissing-prototypes); the CLD2 headers are system headers.
CXXWARNINGS := $(filter-out -Wstrict-prototypes -Wmissing-prototypes,$(WARNINGS)) \
               -Wmissing-declarations
ALL_CXXFLAGS := -std=c++17 -D_GNU_SOURCE $(CXXWARNINGS) \
               $(CXXFLAGS) $(SAN_FLAGS) -Ilib $(CLD2_CFLAGS) -MMD -MP
ALL_LDFLAGS := $(LDFLAGS) $(SAN_FLAGS) -pthread
# Everything links with $(CXX), which brings the C++ runtime (and, under
# SANITIZE, its sanitizer parts) that lib/*.cc and CLD2 need.
LINK        := $(CXX)
LIBS        := $(PKG_LIBS) -lbz2 $(CLD2_LIBS) -lm -pthread

LIB_SRC  := $(sort $(wildcard lib/*.c))
LIB_CXX_SRC := $(sort $(wildcard lib/*.cc))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o) $(LIB_CXX_SRC:%.cc=$(BUILD)/%.o)
LIB_A    := $(BUILD)/libnewsutils.a

BINS     := $(PROGRAMS:%=$(BUILD)/bin/%)
CMD_SRC  := $(foreach p,$(PROGRAMS),$(wildcard cmd/$(p)/*.c))
CMD_OBJ  := $(CMD_SRC:%.c=$(BUILD)/%.o)

UNIT_SRC := $(sort $(wildcard test/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:%.c=$(BUILD)/%)

# Fuzz targets named fuzz_<tool>_* also link that tool's core (not main.c).
NSPLIT_CORE := $(filter-out cmd/nsplit/main.c,$(wildcard cmd/nsplit/*.c))
NCLEAN_CORE := $(filter-out cmd/nclean/main.c,$(wildcard cmd/nclean/*.c))
NDEDUP_CORE := $(filter-out cmd/ndedup/main.c,$(wildcard cmd/ndedup/*.c))
NTAG_CORE := $(filter-out cmd/ntag/main.c,$(wildcard cmd/ntag/*.c))
FUZZ_SRC := $(sort $(wildcard test/fuzz/fuzz_*.c))
FUZZ_REPLAY := $(FUZZ_SRC:test/fuzz/fuzz_%.c=$(BUILD)/test/fuzz/replay_%)
FUZZ_BIN := $(FUZZ_SRC:test/fuzz/fuzz_%.c=build-fuzz/fuzz_%)

# test/bench/gazetteer_peers.c measures the gazetteer against Hyperscan
# (libhyperscan-dev, scripts/install-deps --bench): built when pkg-config
# finds libhs, left out otherwise.
HS_FOUND  := $(shell pkg-config --exists libhs 2>/dev/null && echo yes)
BENCH_SRC := $(filter-out $(if $(HS_FOUND),,test/bench/gazetteer_peers.c), \
	$(sort $(wildcard test/bench/*.c)))
BENCH_BIN := $(BENCH_SRC:%.c=$(BUILD)/%)

MAN      := $(PROGRAMS:%=docs/man/%.1)

.PHONY: all check check-unit check-cli check-golden check-fuzz check-docs check-baseline \
        check-valgrind check-threads check-corpora golden-update bench eval fuzz install uninstall \
        clean help deps

all: $(BINS)

help:
	@echo 'make                    build every program into $(BUILD)/bin'
	@echo 'make check              run every test tier (unit, cli, golden, fuzz replay, docs, baseline CPU paths)'
	@echo 'make SANITIZE=address,undefined check'
	@echo '                        the same under ASan and UBSan, built in build-san/'
	@echo 'make DEVELOPER=1        build with -Werror'
	@echo 'make check-valgrind     the unit tests and golden cases under valgrind'
	@echo 'make check-threads      the ntag suites under ThreadSanitizer (clang, build-tsan/)'
	@echo 'make check-corpora      run the programs over the real corpora in ../shared/data'
	@echo 'make bench              time the programs on real corpora (needs ../shared/data)'
	@echo 'make eval               score nclean (extraction), ndedup (near copies) and ntag (languages; needs ../shared/data)'
	@echo 'make fuzz               build the libFuzzer targets with clang into build-fuzz/'
	@echo 'make golden-update      rewrite the expected output of the golden cases'
	@echo 'make install            install programs and man pages (PREFIX, DESTDIR)'
	@echo 'make deps               install the Debian packages the build and tests need'
	@echo 'make clean              remove the build directories'

deps:
	scripts/install-deps

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.cc
	@mkdir -p $(@D)
	$(CXX) $(ALL_CXXFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

# Each program links its own cmd/<name>/*.c with the library.
define program_rule
$(BUILD)/bin/$(1): $(patsubst %.c,$(BUILD)/%.o,$(wildcard cmd/$(1)/*.c)) $(LIB_A)
	@mkdir -p $$(@D)
	$$(LINK) $$(ALL_LDFLAGS) -o $$@ $$^ $$(LIBS)
endef
$(foreach p,$(PROGRAMS),$(eval $(call program_rule,$(p))))

# ntag reads languages with CLD2's full tables (160 languages, not 83):
# Debian's libcld2_full holds only the tables, and linked before libcld2
# they take the place of its own (--no-as-needed: no symbol of ntag's
# names them). nclean keeps the small tables its rules were tuned on.
$(BUILD)/bin/ntag: LIBS := -Wl,--push-state,--no-as-needed -lcld2_full -Wl,--pop-state $(LIBS)

$(BUILD)/test/unit/test_%: $(BUILD)/test/unit/test_%.o $(LIB_A)
	@mkdir -p $(@D)
	$(LINK) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/test/bench/%: $(BUILD)/test/bench/%.o $(LIB_A)
	@mkdir -p $(@D)
	$(LINK) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/test/bench/gazetteer_peers.o: ALL_CFLAGS += $(shell pkg-config --cflags libhs 2>/dev/null)
$(BUILD)/test/bench/gazetteer_peers: LIBS += $(shell pkg-config --libs libhs 2>/dev/null)

$(BUILD)/test/fuzz/replay_%: $(BUILD)/test/fuzz/fuzz_%.o $(BUILD)/test/fuzz/replay.o $(LIB_A)
	@mkdir -p $(@D)
	$(LINK) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/test/fuzz/replay_nsplit_%: $(BUILD)/test/fuzz/fuzz_nsplit_%.o $(BUILD)/test/fuzz/replay.o \
		$(NSPLIT_CORE:%.c=$(BUILD)/%.o) $(LIB_A)
	@mkdir -p $(@D)
	$(LINK) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/test/fuzz/fuzz_nsplit_%.o: ALL_CFLAGS += -Icmd/nsplit

$(BUILD)/test/fuzz/replay_nclean_%: $(BUILD)/test/fuzz/fuzz_nclean_%.o $(BUILD)/test/fuzz/replay.o \
		$(NCLEAN_CORE:%.c=$(BUILD)/%.o) $(LIB_A)
	@mkdir -p $(@D)
	$(LINK) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/test/fuzz/fuzz_nclean_%.o: ALL_CFLAGS += -Icmd/nclean

$(BUILD)/test/fuzz/replay_ndedup_%: $(BUILD)/test/fuzz/fuzz_ndedup_%.o $(BUILD)/test/fuzz/replay.o \
		$(NDEDUP_CORE:%.c=$(BUILD)/%.o) $(LIB_A)
	@mkdir -p $(@D)
	$(LINK) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/test/fuzz/fuzz_ndedup_%.o: ALL_CFLAGS += -Icmd/ndedup

$(BUILD)/test/fuzz/replay_ntag_%: $(BUILD)/test/fuzz/fuzz_ntag_%.o $(BUILD)/test/fuzz/replay.o \
		$(NTAG_CORE:%.c=$(BUILD)/%.o) $(LIB_A)
	@mkdir -p $(@D)
	$(LINK) $(ALL_LDFLAGS) -o $@ $^ -Wl,--push-state,--no-as-needed -lcld2_full -Wl,--pop-state $(LIBS)

$(BUILD)/test/fuzz/fuzz_ntag_%.o: ALL_CFLAGS += -Icmd/ntag

# Each tier leaves "passed failed" in $(RESULTS)/<tier>; check adds them up.
RESULTS := $(BUILD)/results

check: check-unit check-cli check-golden check-fuzz check-docs check-baseline
	@cat $(RESULTS)/* | awk '{p += $$1; f += $$2} END {printf "check: %d passed, %d failed\n", p, f}'

check-unit: $(UNIT_BIN)
	@mkdir -p $(RESULTS); : >$(RESULTS)/unit
	@for t in $(UNIT_BIN); do \
		$$t >$(RESULTS)/.unit-out 2>&1; status=$$?; cat $(RESULTS)/.unit-out; \
		sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$$/\1 \2/p' $(RESULTS)/.unit-out >>$(RESULTS)/unit; \
		[ $$status -eq 0 ] || exit 1; done

check-cli: $(BINS)
	@mkdir -p $(RESULTS)
	@NEWSUTILS_BIN=$(CURDIR)/$(BUILD)/bin PROGRAMS='$(PROGRAMS)' NEWSUTILS_RESULTS=$(RESULTS)/cli test/cli/run

check-golden: $(BINS)
	@mkdir -p $(RESULTS)
	@NEWSUTILS_BIN=$(CURDIR)/$(BUILD)/bin NEWSUTILS_RESULTS=$(RESULTS)/golden test/golden/run

# The paths a CPU without SSSE3 or AVX-512 takes (lib/cpu.h), run on this
# one: the unit tests, the golden cases, and the CLI tests of the programs
# that have such paths.
check-baseline: $(BINS) $(UNIT_BIN)
	@mkdir -p $(RESULTS); : >$(RESULTS)/baseline-unit
	@for t in $(UNIT_BIN); do \
		NEWSUTILS_CPU=baseline $$t >$(RESULTS)/.baseline-out 2>&1; status=$$?; \
		sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$$/\1 \2/p' $(RESULTS)/.baseline-out \
			>>$(RESULTS)/baseline-unit; \
		[ $$status -eq 0 ] || { cat $(RESULTS)/.baseline-out; exit 1; }; done
	@echo "baseline: unit tests passed"
	@NEWSUTILS_CPU=baseline NEWSUTILS_BIN=$(CURDIR)/$(BUILD)/bin \
		NEWSUTILS_RESULTS=$(RESULTS)/baseline-golden test/golden/run
	@NEWSUTILS_CPU=baseline NEWSUTILS_BIN=$(CURDIR)/$(BUILD)/bin PROGRAMS='nclean ntag' \
		NEWSUTILS_RESULTS=$(RESULTS)/baseline-cli test/cli/run

golden-update: $(BINS)
	@NEWSUTILS_BIN=$(CURDIR)/$(BUILD)/bin test/golden/run --update

check-fuzz: $(FUZZ_REPLAY)
	@mkdir -p $(RESULTS)
	@set -e; for t in $(FUZZ_REPLAY); do \
		name=$${t##*/replay_}; $$t test/fuzz/corpus/$$name; done
	@echo "$(words $(FUZZ_REPLAY)) 0" >$(RESULTS)/fuzz

check-docs: $(BINS)
	@mkdir -p $(RESULTS)
	@NEWSUTILS_BIN=$(CURDIR)/$(BUILD)/bin PROGRAMS='$(PROGRAMS)' NEWSUTILS_RESULTS=$(RESULTS)/docs scripts/check-docs

# valgrind runs the unit tests, and the golden cases through wrappers that
# put each program under valgrind (an error changes status and stderr).
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite

check-valgrind: $(BINS) $(UNIT_BIN)
	@set -e; for t in $(UNIT_BIN); do $(VALGRIND) $$t; done
	@mkdir -p $(BUILD)/valgrind-bin
	@for p in $(PROGRAMS); do \
		printf '#!/bin/sh\nexec $(VALGRIND) %s "$$@"\n' "$(CURDIR)/$(BUILD)/bin/$$p" \
			>$(BUILD)/valgrind-bin/$$p; chmod +x $(BUILD)/valgrind-bin/$$p; done
	@NEWSUTILS_BIN=$(CURDIR)/$(BUILD)/valgrind-bin test/golden/run

# ThreadSanitizer over ntag's suites, which run it with several threads
# (-j): every program built with clang in build-tsan/.
check-threads:
	$(MAKE) SANITIZE=thread BUILD=build-tsan CC=clang CXX=clang++ all
	@mkdir -p build-tsan/results
	@TSAN_OPTIONS=halt_on_error=1 NEWSUTILS_BIN=$(CURDIR)/build-tsan/bin PROGRAMS=ntag \
		NEWSUTILS_RESULTS=$(CURDIR)/build-tsan/results/cli test/cli/run

check-corpora: $(BINS)
	@NEWSUTILS_BIN=$(CURDIR)/$(BUILD)/bin scripts/check-corpora

fuzz: $(FUZZ_BIN)

# clang++ compiles the C files (-x c) and links, which brings the C++
# runtime and the C++ parts of the sanitizers; lib/*.cc are objects of
# their own, instrumented the same way.
FUZZ_FLAGS := -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Ilib
FUZZ_CC := clang++ -std=c11 $(FUZZ_FLAGS) $(PKG_CFLAGS) -x c
FUZZ_CXX_OBJ := $(LIB_CXX_SRC:%.cc=build-fuzz/%.o)

build-fuzz/lib/%.o: lib/%.cc
	@mkdir -p $(@D)
	clang++ -std=c++17 $(subst fuzzer,fuzzer-no-link,$(FUZZ_FLAGS)) $(CLD2_CFLAGS) -MMD -MP \
		-c -o $@ $<

build-fuzz/fuzz_%: test/fuzz/fuzz_%.c $(LIB_SRC) $(FUZZ_CXX_OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) -o $@ $< $(LIB_SRC) -x none $(FUZZ_CXX_OBJ) $(LIBS)

build-fuzz/fuzz_nsplit_%: test/fuzz/fuzz_nsplit_%.c $(LIB_SRC) $(NSPLIT_CORE) $(FUZZ_CXX_OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) -Icmd/nsplit -o $@ $< $(LIB_SRC) $(NSPLIT_CORE) -x none $(FUZZ_CXX_OBJ) $(LIBS)

build-fuzz/fuzz_nclean_%: test/fuzz/fuzz_nclean_%.c $(LIB_SRC) $(NCLEAN_CORE) $(FUZZ_CXX_OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) -Icmd/nclean -o $@ $< $(LIB_SRC) $(NCLEAN_CORE) -x none $(FUZZ_CXX_OBJ) $(LIBS)

build-fuzz/fuzz_ndedup_%: test/fuzz/fuzz_ndedup_%.c $(LIB_SRC) $(NDEDUP_CORE) $(FUZZ_CXX_OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) -Icmd/ndedup -o $@ $< $(LIB_SRC) $(NDEDUP_CORE) -x none $(FUZZ_CXX_OBJ) $(LIBS)

build-fuzz/fuzz_ntag_%: test/fuzz/fuzz_ntag_%.c $(LIB_SRC) $(NTAG_CORE) $(FUZZ_CXX_OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) -Icmd/ntag -o $@ $< $(LIB_SRC) $(NTAG_CORE) -x none $(FUZZ_CXX_OBJ) \
		-Wl,--push-state,--no-as-needed -lcld2_full -Wl,--pop-state $(LIBS)

eval: $(BINS)
	NEWSUTILS_BIN=$(CURDIR)/$(BUILD)/bin scripts/eval-nclean
	NEWSUTILS_BIN=$(CURDIR)/$(BUILD)/bin scripts/eval-ndedup
	NEWSUTILS_BIN=$(CURDIR)/$(BUILD)/bin scripts/eval-ntag

bench: $(BINS) $(BENCH_BIN)
	NEWSUTILS_BIN=$(CURDIR)/$(BUILD)/bin NEWSUTILS_BENCH_BIN=$(CURDIR)/$(BUILD)/test/bench \
		scripts/bench

install: $(BINS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 644 $(MAN) $(DESTDIR)$(MANDIR)/man1

uninstall:
	rm -f $(PROGRAMS:%=$(DESTDIR)$(BINDIR)/%) $(PROGRAMS:%=$(DESTDIR)$(MANDIR)/man1/%.1)

clean:
	rm -rf build build-san build-tsan build-fuzz

# Keep objects that pattern rules make on the way (replay.o, bench drivers).
.SECONDARY:

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(UNIT_BIN:=.d) $(BENCH_BIN:=.d) \
	$(FUZZ_SRC:%.c=$(BUILD)/%.d) $(FUZZ_CXX_OBJ:.o=.d)
