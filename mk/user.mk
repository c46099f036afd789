# User programs and the initrd that carries them.
#
# Two kinds of program:
#  - the self-test's (user/selftest/*.S): assembly without a C library,
#    linked static and non-PIE at 0x10000 by the kernel's cross compiler;
#  - everything else (user/bin/): C++20 over picolibc and Sprig's runtime
#    (user/lib/ -> build/user/libsprig.a, headers in user/include/), built
#    by riscv64-unknown-elf-g++ and linked with linker/user.ld.  A program
#    is user/bin/NAME.cpp, or every .cpp in user/bin/NAME/.
# The initrd is a cpio "newc" archive written by tools/mkinitrd.py: every
# program under /bin, plus EXTRA_BIN="a.elf b.elf" (a user's own static
# ELF programs, each as /bin/NAME without the .elf).  Programs that exist
# only for tests are not in /bin (they would look broken run by hand):
# the self-test's are /usr/tests/selftest/NAME, the test helpers in
# user/tests/progs/NAME.cpp (C++ over the runtime) /usr/tests/NAME.

USER_PROGS := argc execer sigtest segvloop fpswitch sigspin fileio forker sysctler sregs
USER_ELFS  := $(patsubst %,$(BUILD)/user/%,$(USER_PROGS))
INITRD     := $(BUILD)/initrd.cpio

# The runtime and programs over picolibc.
UCXX       := riscv64-unknown-elf-g++
# Links (and the documented one-line build) go through the gcc driver,
# which compiles .cpp files as C++ but, unlike g++, adds no -lstdc++
# (the toolchain has none, and the programs need none).
ULD        := riscv64-unknown-elf-gcc
UAR        := riscv64-unknown-elf-ar
PICOLIBC_INC := /usr/lib/picolibc/riscv64-unknown-elf/include
UCXXFLAGS  := -specs=picolibc.specs -std=c++20 -march=rv64gc -mabi=lp64d -mcmodel=medany \
              -O2 -g -fno-exceptions -fno-rtti -fno-threadsafe-statics \
              -fno-asynchronous-unwind-tables -fno-stack-protector \
              -ffunction-sections -fdata-sections $(COMMON_WARN) \
              -I. -Iuser/include -MMD -MP
ULDFLAGS   := -nostartfiles -static -T linker/user.ld -Wl,--gc-sections \
              -Wl,-z,max-page-size=4096 -Wl,--build-id=none
LIBSPRIG   := $(BUILD)/user/libsprig.a
# The runtime's objects must all be linked (whole archive): picolibc has
# its own sbrk, signal and raise, which would otherwise win.
ULIBS      := -Wl,--whole-archive $(LIBSPRIG) -Wl,--no-whole-archive

ULIB_SRCS  := $(sort $(wildcard user/lib/*.cpp user/lib/*.S))
ULIB_OBJS  := $(patsubst %,$(BUILD)/u/%.o,$(ULIB_SRCS))

# user/bin/NAME.cpp and user/bin/NAME/*.cpp are programs.
UBIN_ONE   := $(patsubst user/bin/%.cpp,%,$(wildcard user/bin/*.cpp))
UBIN_DIRS  := $(patsubst user/bin/%/,%,$(sort $(dir $(wildcard user/bin/*/*.cpp))))
UBIN_NAMES := $(sort $(UBIN_ONE) $(UBIN_DIRS))
UBIN_ELFS  := $(patsubst %,$(BUILD)/user/bin/%.elf,$(UBIN_NAMES))
UBIN_OBJS  := $(patsubst %,$(BUILD)/u/%.o,$(wildcard user/bin/*.cpp user/bin/*/*.cpp))

# Test helpers: user/tests/progs/NAME.cpp, one file each.
UTEST_NAMES := $(patsubst user/tests/progs/%.cpp,%,$(wildcard user/tests/progs/*.cpp))
UTEST_ELFS  := $(patsubst %,$(BUILD)/user/usrtests/%.elf,$(UTEST_NAMES))
UTEST_OBJS  := $(patsubst %,$(BUILD)/u/user/tests/progs/%.cpp.o,$(UTEST_NAMES))

# The sample program that docs/userland.md builds by hand.
HELLO_ELF  := $(BUILD)/user/hello.elf

EXTRA_BIN  ?=
EXTRA_STAMP := $(BUILD)/initrd-extra-bin

.PHONY: initrd userland user-prog FORCE

# Program objects are kept (make would delete them as intermediates).
.SECONDARY: $(UBIN_OBJS) $(UTEST_OBJS)

initrd: $(INITRD) ## Build the initrd (every user program under /bin; EXTRA_BIN="a.elf ..." adds yours)

userland: $(LIBSPRIG) $(UBIN_ELFS) $(UTEST_ELFS) $(HELLO_ELF) ## Build the user runtime (build/user/libsprig.a) and the programs

$(BUILD)/user/%: user/selftest/%.S
	@mkdir -p $(@D)
	@echo "  USER    $<"
	$(Q)$(KCXX) -nostdlib -static -no-pie -march=rv64gc -mabi=lp64d -Wl,--build-id=none \
	  -Wl,-Ttext=0x10000 -o $@ $<

$(BUILD)/u/%.cpp.o: %.cpp | deps-check
	@mkdir -p $(@D)
	@echo "  UCXX    $<"
	$(Q)$(UCXX) $(UCXXFLAGS) -c $< -o $@

$(BUILD)/u/%.S.o: %.S | deps-check
	@mkdir -p $(@D)
	@echo "  UAS     $<"
	$(Q)$(UCXX) $(UCXXFLAGS) -c $< -o $@

$(LIBSPRIG): $(ULIB_OBJS)
	@echo "  AR      $@"
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(UAR) rcs $@ $^

.SECONDEXPANSION:
$(BUILD)/user/bin/%.elf: $$(addprefix $(BUILD)/u/,$$(addsuffix .o,$$(wildcard user/bin/$$*.cpp user/bin/$$*/*.cpp))) \
                         $(LIBSPRIG) linker/user.ld
	@mkdir -p $(@D)
	@echo "  ULD     $@"
	$(Q)$(ULD) $(UCXXFLAGS) $(ULDFLAGS) -o $@ $(filter %.o,$^) $(ULIBS)

$(BUILD)/user/usrtests/%.elf: $(BUILD)/u/user/tests/progs/%.cpp.o $(LIBSPRIG) linker/user.ld
	@mkdir -p $(@D)
	@echo "  ULD     $@"
	$(Q)$(ULD) $(UCXXFLAGS) $(ULDFLAGS) -o $@ $(filter %.o,$^) $(ULIBS)

# Exactly the command line docs/userland.md gives for your own programs.
$(HELLO_ELF): user/examples/hello.cpp $(LIBSPRIG) linker/user.ld
	@echo "  ULD     $@"
	$(Q)$(ULD) -specs=picolibc.specs -std=c++20 -march=rv64gc -mabi=lp64d -O2 \
	  -fno-exceptions -fno-rtti -I. -Iuser/include -nostartfiles -static -T linker/user.ld \
	  -o $@ $< -Wl,--whole-archive $(LIBSPRIG) -Wl,--no-whole-archive

user-prog: $(LIBSPRIG) ## Build your own program: make user-prog SRC=foo.cpp [OUT=foo.elf]
	@test -n "$(SRC)" || { echo "usage: make user-prog SRC=foo.cpp [OUT=foo.elf]"; exit 2; }
	$(ULD) $(filter-out -Werror -MMD -MP,$(UCXXFLAGS)) $(ULDFLAGS) -o $(or $(OUT),$(basename $(SRC)).elf) $(SRC) $(ULIBS)

# Rebuild the initrd when the EXTRA_BIN list changes, not only its files.
$(EXTRA_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(EXTRA_BIN)' | cmp -s - $@ || echo '$(EXTRA_BIN)' > $@

# INITRD_FILES: more archive-path=file pairs, added by other fragments
# (mk/suite.mk), which also make the files prerequisites of $(INITRD).
$(INITRD): $(USER_ELFS) $(UBIN_ELFS) $(UTEST_ELFS) user/tests/data/script.sh $(HELLO_ELF) $(EXTRA_BIN) $(EXTRA_STAMP) tools/mkinitrd.py
	@echo "  INITRD  $@"
	$(Q)$(PYTHON) tools/mkinitrd.py $@ $(foreach p,$(USER_PROGS),usr/tests/selftest/$(p)=$(BUILD)/user/$(p)) \
	  $(foreach p,$(UTEST_NAMES),usr/tests/$(p)=$(BUILD)/user/usrtests/$(p).elf) \
	  usr/tests/script.sh=user/tests/data/script.sh \
	  $(foreach p,$(UBIN_NAMES),bin/$(p)=$(BUILD)/user/bin/$(p).elf) bin/hello=$(HELLO_ELF) \
	  $(foreach f,$(EXTRA_BIN),bin/$(basename $(notdir $(f)))=$(f)) $(INITRD_FILES)

# Host tests of the runtime's pure parts.  The errno table is compiled
# against picolibc's <errno.h>, not the host's, so that the values it
# holds are the ones the programs see.
USER_H_SRCS := user/lib/errno_xlat.cpp user/lib/signame.cpp user/bin/sh/parse.cpp user/bin/sh/arena.cpp \
               user/bin/sh/line_edit.cpp user/bin/sh/history.cpp \
               user/bin/sh/expand.cpp user/bin/ps/state.cpp user/bin/ps/columns.cpp \
               user/lib/ktrace_reader.cpp user/lib/ktrace_format.cpp user/lib/ktrace_names.cpp \
               user/lib/ktrace_points.cpp
USER_H_OBJS := $(patsubst %,$(BUILD)/h/%.o,$(USER_H_SRCS))
$(BUILD)/h/user/lib/errno_xlat.cpp.o: HOSTCXXFLAGS += -nostdinc -isystem $(PICOLIBC_INC) \
  -isystem $(shell $(HOSTCXX) -print-file-name=include)
H_OBJS += $(USER_H_OBJS)
$(HOST_TEST): $(USER_H_OBJS)

-include $(ULIB_OBJS:.o=.d) $(UBIN_OBJS:.o=.d) $(UTEST_OBJS:.o=.d)
