# The acceptance suite: user programs in user/tests/ that prove fork,
# vfork and rfork from user mode (docs/testing.md).
#
# Every user/tests/*test.cpp is a program, linked with the shared case
# runner and helpers (the other .cpp files there) over the user runtime,
# with mk/user.mk's compiler, flags and libsprig.a.  The programs go into
# the initrd as /bin/<name>, with files exec must refuse
# (/etc/suite/not-elf, /etc/suite/truncated-elf, and /bin/false as
# /etc/suite/not-executable with mode 0644) and /bin/true with modes that
# only some users may run (/etc/suite/root-only 0700, /etc/suite/uid1000-only
# 0100 owned by uid 1000).  tests/qemu/suite_cases.py boots each with
# init=/bin/<name>.

SUITE_PROGS  := $(patsubst user/tests/%.cpp,%,$(wildcard user/tests/*test.cpp))
SUITE_COMMON := $(filter-out $(patsubst %,user/tests/%.cpp,$(SUITE_PROGS)),$(wildcard user/tests/*.cpp))
SUITE_ELFS   := $(patsubst %,$(BUILD)/user/tests/%.elf,$(SUITE_PROGS))
SUITE_COMMON_OBJS := $(patsubst %,$(BUILD)/u/%.o,$(SUITE_COMMON))
SUITE_OBJS   := $(patsubst %,$(BUILD)/u/user/tests/%.cpp.o,$(SUITE_PROGS)) $(SUITE_COMMON_OBJS)
SUITE_TRUNCATED := $(BUILD)/user/tests/truncated-elf

.PHONY: suite test-suite
.SECONDARY: $(SUITE_OBJS)

suite: $(SUITE_ELFS) ## Build the acceptance suite's programs (user/tests/*test.cpp)

$(BUILD)/user/tests/%.elf: $(BUILD)/u/user/tests/%.cpp.o $(SUITE_COMMON_OBJS) $(LIBSPRIG) linker/user.ld
	@mkdir -p $(@D)
	@echo "  ULD     $@"
	$(Q)$(ULD) $(UCXXFLAGS) $(ULDFLAGS) -o $@ $(filter %.o,$^) $(ULIBS)

# The first 200 bytes of a real program: a valid ELF header whose program
# headers lie past the end of the file.
$(SUITE_TRUNCATED): $(firstword $(SUITE_ELFS))
	$(Q)head -c 200 $< > $@

$(INITRD): $(SUITE_ELFS) $(SUITE_TRUNCATED) user/tests/data/not-elf
INITRD_FILES += $(foreach p,$(SUITE_PROGS),bin/$(p)=$(BUILD)/user/tests/$(p).elf) \
                etc/suite/not-elf=user/tests/data/not-elf etc/suite/truncated-elf=$(SUITE_TRUNCATED) \
                etc/suite/not-executable@0644=$(BUILD)/user/bin/false.elf \
                etc/suite/root-only@0700=$(BUILD)/user/bin/true.elf \
                etc/suite/uid1000-only@0100:1000:1000=$(BUILD)/user/bin/true.elf

test-suite: kernel $(BUILD)/kernel-at-$(SECOND_LOAD).elf $(INITRD) ## Boot just the suite programs as init in QEMU (test-qemu boots them too)
	$(PYTHON) tests/qemu/boot_suite.py --build $(BUILD) --opensbi $(OPENSBI) --initrd $(INITRD) \
	  --second $(BUILD)/kernel-at-$(SECOND_LOAD).elf --second-addr $(SECOND_LOAD) \
	  --only '^suite-'

-include $(SUITE_OBJS:.o=.d)
