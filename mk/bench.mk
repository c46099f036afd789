# Benchmarks: programs that print figures and never fail on speed
# (DESIGN.md; docs/testing.md, "Benchmarks").
#
# user/bench/*.cpp is one program, /bin/forkbench in the initrd, built
# like the other user programs (mk/user.mk's compiler, flags, libsprig.a).
# `make bench` boots it as init under -icount shift=0, so guest
# instruction counts are exact and repeatable, and fails only when the
# run does not end with `SPRIG EXIT status=0` (a panic, a hang past
# BENCH_TIMEOUT seconds, or forkbench's own check of its children and
# its pages).  BENCH_ICOUNT= (empty) runs without -icount, for wall
# times of the host's emulation.

BENCH_SRCS    := $(sort $(wildcard user/bench/*.cpp))
BENCH_OBJS    := $(patsubst %,$(BUILD)/u/%.o,$(BENCH_SRCS))
BENCH_ELF     := $(BUILD)/user/bench/forkbench.elf
BENCH_LOG     := $(BUILD)/bench.log
BENCH_ICOUNT  ?= -icount shift=0
BENCH_TIMEOUT ?= 600

.PHONY: bench
.SECONDARY: $(BENCH_OBJS)

$(BENCH_ELF): $(BENCH_OBJS) $(LIBSPRIG) linker/user.ld
	@mkdir -p $(@D)
	@echo "  ULD     $@"
	$(Q)$(ULD) $(UCXXFLAGS) $(ULDFLAGS) -o $@ $(filter %.o,$^) $(ULIBS)

$(INITRD): $(BENCH_ELF)
INITRD_FILES += bin/forkbench=$(BENCH_ELF)

bench: kernel $(INITRD) ## Boot /bin/forkbench as init under -icount and print fork/vfork/rfork/fault figures (log: build/bench.log)
	$(Q)timeout $(BENCH_TIMEOUT) $(QEMU_VIRT) $(BENCH_ICOUNT) -nographic -kernel $(BUILD)/Image \
	  -initrd $(INITRD) -append "init=/bin/forkbench" < /dev/null > $(BENCH_LOG) 2>&1; \
	  grep -E '^(forkbench|bench|kernel|memory):|SPRIG' $(BENCH_LOG); \
	  if grep -q 'SPRIG EXIT status=0' $(BENCH_LOG) && ! grep -q 'SPRIG PANIC' $(BENCH_LOG); \
	  then echo "bench: done (full console log: $(BENCH_LOG))"; \
	  else echo "bench: the run did not end with SPRIG EXIT status=0 (see $(BENCH_LOG))"; exit 1; fi

-include $(BENCH_OBJS:.o=.d)
