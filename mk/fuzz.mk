# Fuzzing (docs/reliability.md):
#  - the guest system call fuzzer /bin/sysfuzz (user/bin/sysfuzz/), which
#    make test-qemu boots for a bounded slice (suite-sysfuzz) and
#    `make fuzz SEED=N COUNT=N [BATCH=N]` boots for as long as asked
#    (init="/bin/sysfuzz SEED COUNT BATCH").  Passes on `SPRIG EXIT
#    status=0` (every batch passed).

FUZZ_SEED    := $(or $(SEED),1)
FUZZ_COUNT   := $(or $(COUNT),20000)
FUZZ_BATCH   := $(or $(BATCH),500)
FUZZ_TIMEOUT ?= 7200
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_LOG     := $(FUZZ_DIR)/sysfuzz.log

.PHONY: fuzz

fuzz: kernel $(INITRD) ## Boot /bin/sysfuzz as init: make fuzz SEED=N COUNT=N [BATCH=N] (log: build/fuzz/sysfuzz.log)
	@mkdir -p $(FUZZ_DIR)
	$(Q)timeout $(FUZZ_TIMEOUT) $(QEMU_VIRT) -nographic -kernel $(BUILD)/Image \
	  -initrd $(INITRD) -append 'init="/bin/sysfuzz $(FUZZ_SEED) $(FUZZ_COUNT) $(FUZZ_BATCH)"' \
	  < /dev/null > $(FUZZ_LOG) 2>&1; \
	  grep -E '^(sysfuzz:|ok - |FAIL - |[0-9]+ passed)|INVARIANT|SPRIG' $(FUZZ_LOG); \
	  if grep -q 'SPRIG EXIT status=0' $(FUZZ_LOG) && ! grep -q 'SPRIG PANIC' $(FUZZ_LOG); \
	  then echo "fuzz: done (full console log: $(FUZZ_LOG))"; \
	  else echo "fuzz: the run did not end with SPRIG EXIT status=0 (see $(FUZZ_LOG))"; exit 1; fi

# Host libFuzzer targets (Debian's clang): tests/fuzz/fuzz_<target>.cpp
# over the machine-independent sources and the host seam, built with
# clang under ASan/UBSan into build/fz/.  Each has a seed corpus in
# tests/fuzz/corpus/<target>/ (regression inputs stay there too).
#  - `make fuzz-host` runs each for FUZZ_SECONDS (default 60) on a
#    working copy of its corpus (build/fz/corpus/<target>/), so new
#    inputs never land in the tree; a crash leaves build/fz/crash-*.
#  - `make fuzz-host-check` (part of `make check`) builds them and runs
#    each once over its seed corpus, so they cannot rot.
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.cpp,%,$(wildcard tests/fuzz/fuzz_*.cpp))
FUZZ_CXX     ?= clang++
FUZZ_SECONDS ?= 60
FZ_DIR       := $(BUILD)/fz
FZ_SAN       := -fsanitize=address,undefined -fno-sanitize-recover=all
FZ_CXXFLAGS  := -std=c++20 -O1 -g -fno-omit-frame-pointer $(FZ_SAN) -fsanitize=fuzzer-no-link \
                -Wall -Wextra -Werror -Wno-missing-field-initializers -Wno-unused-private-field \
                -I. -Iarch/host/include -DSPRIG_HOST=1 -DKASSERT_ENABLED=1 \
                -DSPRIG_VERSION='"$(VERSION)"' -MMD -MP
FZ_LIB_SRCS  := $(MI_SRCS) $(sort $(wildcard arch/host/*.cpp))
FZ_LIB_OBJS  := $(patsubst %,$(FZ_DIR)/o/%.o,$(FZ_LIB_SRCS))
FZ_LIB       := $(FZ_DIR)/libsprig-host.a
FZ_BINS      := $(patsubst %,$(FZ_DIR)/fuzz_%,$(FUZZ_TARGETS))

.PHONY: fuzz-host fuzz-host-check
.SECONDARY: $(FZ_LIB_OBJS) $(patsubst %,$(FZ_DIR)/o/tests/fuzz/fuzz_%.cpp.o,$(FUZZ_TARGETS))

$(FZ_DIR)/o/%.cpp.o: %.cpp | deps-check
	@mkdir -p $(@D)
	$(Q)echo "  FUZZCXX $<"
	$(Q)$(FUZZ_CXX) $(FZ_CXXFLAGS) -c $< -o $@

$(FZ_LIB): $(FZ_LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FZ_DIR)/fuzz_%: $(FZ_DIR)/o/tests/fuzz/fuzz_%.cpp.o $(FZ_LIB)
	$(Q)echo "  FUZZLD  $@"
	$(Q)$(FUZZ_CXX) $(FZ_SAN) -fsanitize=fuzzer -o $@ $< $(FZ_LIB)

fuzz-host-check: $(FZ_BINS) ## Build the host libFuzzer targets and run each once over its seed corpus
	$(Q)for t in $(FUZZ_TARGETS); do \
	  $(FZ_DIR)/fuzz_$$t -runs=0 -artifact_prefix=$(FZ_DIR)/ tests/fuzz/corpus/$$t > $(FZ_DIR)/$$t.check.log 2>&1 \
	    && echo "fuzz-host: $$t: $$(ls tests/fuzz/corpus/$$t | wc -l) corpus inputs ok" \
	    || { tail -30 $(FZ_DIR)/$$t.check.log; echo "fuzz-host: $$t failed on its corpus"; exit 1; }; \
	done

fuzz-host: $(FZ_BINS) ## Run each host libFuzzer target (FDT, ELF, cpio, sigreturn) for FUZZ_SECONDS (default 60)
	$(Q)for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FZ_DIR)/corpus/$$t && cp -n tests/fuzz/corpus/$$t/* $(FZ_DIR)/corpus/$$t/ ; \
	  echo "fuzz-host: $$t for $(FUZZ_SECONDS) s"; \
	  (cd $(FZ_DIR) && ./fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    corpus/$$t $(abspath tests/fuzz/corpus)/$$t > $$t.log 2>&1) \
	    && grep -E "stat::number_of_executed_units|stat::new_units_added" $(FZ_DIR)/$$t.log \
	    || { tail -40 $(FZ_DIR)/$$t.log; echo "fuzz-host: $$t found a crash (build/fz/crash-*)"; exit 1; }; \
	done

check: fuzz-host-check

-include $(FZ_LIB_OBJS:.o=.d) $(patsubst %,$(FZ_DIR)/o/tests/fuzz/fuzz_%.cpp.d,$(FUZZ_TARGETS))
