# Host unit tests: doctest, host g++, ASan + UBSan.  Device trees kept as
# sources in tests/data/ are compiled with dtc at build time; binary blobs
# captured from QEMU are used as they are.

HOST_TEST   := $(BUILD)/host-tests
TESTDATA    := $(BUILD)/testdata
DTS_SRCS    := $(wildcard tests/data/*.dts)
DTB_FROM_DTS := $(patsubst tests/data/%.dts,$(TESTDATA)/%.dtb,$(DTS_SRCS))

$(BUILD)/h/%.cpp.o: %.cpp | deps-check
	@mkdir -p $(dir $@)
	$(Q)echo "  HOSTCXX $<"
	$(Q)$(HOSTCXX) $(HOSTCXXFLAGS) -DSPRIG_TESTDATA='"$(abspath $(TESTDATA))"' \
	  -DSPRIG_SRCDATA='"$(abspath tests/data)"' -c $< -o $@

$(TESTDATA)/%.dtb: tests/data/%.dts | deps-check
	@mkdir -p $(dir $@)
	$(DTC) -q -I dts -O dtb -o $@ $<

$(HOST_TEST): $(H_OBJS)
	$(HOSTCXX) $(HOSTCXXFLAGS) -o $@ $(H_OBJS)

check: $(HOST_TEST) $(DTB_FROM_DTS) ## Host unit tests (doctest, ASan/UBSan), then the fuzz targets over their corpora
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ./$(HOST_TEST)

# Not part of `make test` (about a minute a mutant): see tools/mutants.py.
MUTANTS ?=
mutants: $(HOST_TEST) $(DTB_FROM_DTS) ## Mutation test of the fork path: break each seed branch in turn, the host suite must notice (MUTANTS=part-of-an-id)
	$(PYTHON) tools/mutants.py --only "$(MUTANTS)" --make "$(MAKE) -s $(HOST_TEST)" \
	  --test "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 ./$(HOST_TEST) --abort-after=1 --minimal"

compile_commands: ## Write compile_commands.json for editors and clangd
	$(PYTHON) scripts/compile_commands.py --flags "$(KCXX) $(KCXXFLAGS)" $(MI_SRCS) $(K_SRCS) \
	  --flags "$(HOSTCXX) $(HOSTCXXFLAGS)" $(HOST_SRCS) > compile_commands.json

# While several pieces are written at once: link just the base (lib, the
# console, the host seam) and the files named in SUBSET, e.g.
#   make check-subset SUBSET="mm/page_alloc.cpp tests/host/test_page_alloc.cpp"
SUBSET_BASE := $(wildcard lib/*.cpp) kernel/console.cpp kernel/msgbuf.cpp kernel/panic.cpp kernel/clock.cpp \
               kernel/sched/sched.cpp kernel/sched/sleep.cpp arch/host/context.cpp \
               arch/host/arena.cpp arch/host/machdep.cpp arch/host/tlb.cpp arch/host/mmu_sim.cpp \
               arch/host/stack.cpp \
               tests/host/main.cpp
SUBSET_OBJS  = $(patsubst %,$(BUILD)/h/%.o,$(sort $(SUBSET_BASE) $(SUBSET)))
check-subset: $(DTB_FROM_DTS) ## Host tests of just SUBSET="files" (plus lib/ and the host seam)
	$(MAKE) $(SUBSET_OBJS)
	$(HOSTCXX) $(HOSTCXXFLAGS) -o $(BUILD)/host-tests-subset $(SUBSET_OBJS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 ./$(BUILD)/host-tests-subset
