# User programs and the initrd that carries them.
#
# The self-test's programs are assembly without a C library, linked
# static and non-PIE at 0x10000 by the kernel's cross compiler; the
# initrd is a cpio "newc" archive written by tools/mkinitrd.py.

USER_PROGS := argc execer sigtest segvloop fpswitch sigspin fileio forker sysctler
USER_ELFS  := $(patsubst %,$(BUILD)/user/%,$(USER_PROGS))
INITRD     := $(BUILD)/initrd.cpio

.PHONY: initrd

initrd: $(INITRD) ## Build the initrd (the user programs in a cpio archive)

$(BUILD)/user/%: user/selftest/%.S
	@mkdir -p $(@D)
	@echo "  USER    $<"
	$(Q)$(KCXX) -nostdlib -static -no-pie -march=rv64gc -mabi=lp64d -Wl,--build-id=none \
	  -Wl,-Ttext=0x10000 -o $@ $<

$(INITRD): $(USER_ELFS) tools/mkinitrd.py
	@echo "  INITRD  $@"
	$(Q)$(PYTHON) tools/mkinitrd.py $@ $(foreach p,$(USER_PROGS),bin/$(p)=$(BUILD)/user/$(p))
