# vigil: Falco rules enforced from inside the container.
#
#   make            build ./vigil (installs missing Debian packages first)
#   make check      build and run every test
#   make example    run vigil on the example events
#   make bench      measure evaluation cost (not a test)
#   make fuzz       run the libFuzzer targets (on demand; FUZZ_SECONDS=600)

VERSION   := 0.1.0
CC        ?= gcc
BUILD     ?= build
PKGS      := yaml-0.1 libcjson libpcre2-8 libcurl libseccomp libcap
TEST_PKGS := check
DEBS      := make gcc pkg-config libyaml-dev libcjson-dev libpcre2-dev libcurl4-openssl-dev \
             libseccomp-dev libcap-dev check runc busybox-static procps python3 util-linux strace

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcurl is dlopen'ed when an HTTP output is configured (curl_lib.h).
PKG_LIBS   := $(shell pkg-config --libs $(filter-out libcurl,$(PKGS)) 2>/dev/null) -ldl
CHECK_LIBS := $(shell pkg-config --libs $(TEST_PKGS) 2>/dev/null)

CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral \
            -fno-strict-aliasing -D_GNU_SOURCE -Iinclude $(PKG_CFLAGS) \
            -DVIGIL_VERSION='"$(VERSION)"'
LDLIBS   += $(PKG_LIBS) -lpthread -lm

SRCS      := $(wildcard supervisor/*.c)
LIB_OBJS  := $(patsubst supervisor/%.c,$(BUILD)/%.o,$(filter-out supervisor/main.c,$(SRCS))) \
             $(BUILD)/policy_blob.o
MAIN_OBJ  := $(BUILD)/main.o
TESTS     := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: all deps vigil vigil-bin unit-bins check example bench fuzz clean
.DELETE_ON_ERROR:

all: vigil

# Install what the build and the tests need when pkg-config cannot find it.
$(BUILD)/.deps:
	@mkdir -p $(BUILD)
	@missing=; for t in runc ps python3 script strace; do command -v $$t >/dev/null || missing=$$t; done; \
	if ! pkg-config --exists $(PKGS) $(TEST_PKGS) 2>/dev/null || ! [ -x /bin/busybox ] || [ -n "$$missing" ]; then \
	  echo "make: installing build dependencies: $(DEBS)"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $(DEBS) >/dev/null || \
	  { echo "make: could not install $(DEBS)" >&2; exit 1; }; \
	fi
	@touch $@
deps: $(BUILD)/.deps

# After deps installs packages, re-run make so pkg-config flags are read again.
vigil: $(BUILD)/.deps
	@$(MAKE) --no-print-directory vigil-bin

vigil-bin: $(LIB_OBJS) $(MAIN_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o vigil $^ $(LDLIBS)

$(BUILD)/%.o: supervisor/%.c $(wildcard include/vigil/*.h) | $(BUILD)/.dir
	$(CC) $(CFLAGS) -c -o $@ $<

# The default policy is compiled into the binary.
$(BUILD)/policy_blob.o: supervisor/policy_blob.S policies/default.yaml | $(BUILD)/.dir
	$(CC) -c -o $@ $<

$(BUILD)/libvigil.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libvigil.a $(wildcard tests/unit/*.h)
	@mkdir -p $(BUILD)/tests
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libvigil.a $(LDLIBS) $(CHECK_LIBS)

%/.dir:
	@mkdir -p $* && touch $@

check: $(BUILD)/.deps
	@$(MAKE) --no-print-directory vigil-bin unit-bins
	@tests/run-all.sh $(BUILD)

unit-bins: $(TESTS)

example: vigil
	./vigil replay -r policies/default.yaml -r examples/falco_rules.local.yaml examples/events.jsonl

bench: $(BUILD)/.deps
	@$(MAKE) --no-print-directory vigil-bin $(BUILD)/bench_eval
	@bench/run.sh $(BUILD)

$(BUILD)/bench_eval: bench/bench_eval.c $(BUILD)/libvigil.a
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libvigil.a $(LDLIBS)

# libFuzzer targets: clang, with ASan and UBSan; not part of `make check`.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 600
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 -D_GNU_SOURCE -Iinclude \
                $(PKG_CFLAGS) -DVIGIL_VERSION='"$(VERSION)"'
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

$(BUILD)/fuzz/%: tests/fuzz/%.c $(filter-out supervisor/main.c,$(SRCS)) supervisor/policy_blob.S
	@mkdir -p $(BUILD)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(filter-out supervisor/main.c,$(SRCS)) supervisor/policy_blob.S $(LDLIBS)

fuzz: $(BUILD)/.deps
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS)
	@tests/fuzz/run.sh $(BUILD) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) vigil
