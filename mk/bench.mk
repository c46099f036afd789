# Benchmarks: programs that print figures and never fail on speed
# (docs/testing.md, "Benchmarks"; docs/performance.md).
#
# user/bench/*.cpp is one program, /bin/forkbench in the initrd, built
# like the other user programs (mk/user.mk's compiler, flags, libsprig.a).
# `make bench` boots it as init under -icount shift=0 (guest instruction
# counts exact and repeatable) on both kernel configurations, debug and
# release, prints their figures side by side and writes build/bench.json
# (the release figures).  `make bench-one` boots the configuration that
# KERNCONF names only.  A boot fails only when it does not end with
# `SPRIG EXIT status=0` (a panic, a hang past BENCH_TIMEOUT seconds, or
# forkbench's own checks of its children, the kernel's fork counters and
# its pages).
#
# The bench machine has BENCH_MEM of RAM and room for BENCH_MAXPROC
# processes: pid_alloc_10k holds 10,000 processes alive (a kernel stack
# and a proc each: more than QEMU virt's default 256 MiB).
# BENCH_ARGS="NAME N" runs one figure N times.

BENCH_SRCS    := $(sort $(wildcard user/bench/*.cpp))
BENCH_OBJS    := $(patsubst %,$(BUILD)/u/%.o,$(BENCH_SRCS))
BENCH_ELF     := $(BUILD)/user/bench/forkbench.elf
BENCH_LOG     := $(BUILD)/bench.log
BENCH_ICOUNT  ?= -icount shift=0
BENCH_TIMEOUT ?= 600
BENCH_MEM     ?= 1G
BENCH_MAXPROC ?= 12000
BENCH_ARGS    ?=

.PHONY: bench bench-one
.SECONDARY: $(BENCH_OBJS)

$(BENCH_ELF): $(BENCH_OBJS) $(LIBSPRIG) linker/user.ld
	@mkdir -p $(@D)
	@echo "  ULD     $@"
	$(Q)$(ULD) $(UCXXFLAGS) $(ULDFLAGS) -o $@ $(filter %.o,$^) $(ULIBS)

$(INITRD): $(BENCH_ELF)
INITRD_FILES += bin/forkbench=$(BENCH_ELF)

bench-one: kernel $(INITRD) ## Boot /bin/forkbench on the KERNCONF kernel only (BENCH_ARGS="NAME N" for one figure; log: build[/release]/bench.log)
	$(Q)timeout $(BENCH_TIMEOUT) $(QEMU) -M virt -m $(BENCH_MEM) -smp 1 -bios $(OPENSBI) \
	  $(BENCH_ICOUNT) -nographic -kernel $(BUILD)/Image -initrd $(INITRD) \
	  -append 'init="/bin/forkbench $(BENCH_ARGS)" kern.maxproc=$(BENCH_MAXPROC)' \
	  < /dev/null > $(BENCH_LOG) 2>&1; \
	  grep -E '^(forkbench|bench|kernel|memory):|SPRIG' $(BENCH_LOG); \
	  if grep -q 'SPRIG EXIT status=0' $(BENCH_LOG) && ! grep -q 'SPRIG PANIC' $(BENCH_LOG); \
	  then echo "bench: done (full console log: $(BENCH_LOG))"; \
	  else echo "bench: the run did not end with SPRIG EXIT status=0 (see $(BENCH_LOG))"; exit 1; fi

bench: ## Boot /bin/forkbench under -icount on the debug and the release kernel; print both columns, write build/bench.json (release)
	@mkdir -p build
	$(Q)$(MAKE) --no-print-directory KERNCONF=debug bench-one > build/bench-debug.out 2>&1 || \
	  { cat build/bench-debug.out; exit 1; }
	$(Q)$(MAKE) --no-print-directory KERNCONF=release bench-one > build/bench-release.out 2>&1 || \
	  { cat build/bench-release.out; exit 1; }
	$(Q)$(PYTHON) tools/bench_json.py --debug build/bench.log --release build/release/bench.log \
	  --json build/bench.json

-include $(BENCH_OBJS:.o=.d)
