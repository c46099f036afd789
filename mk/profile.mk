# The kernel profiler (docs/performance.md, "Profiling"):
#
#   make profile PROG=/bin/forkloop ARGS= ITERS=200
#
# boots the kernel twice under -icount with QEMU's translation-block log
# (-d exec,nochain,in_asm,int, -dfilter to the kernel's addresses), init
# being `PROG ARGS ITERS` and then `PROG ARGS 0`, and prints the kernel
# instructions per iteration by function and by caller: the difference
# of the two runs over ITERS.  PROG must take its iteration count as its
# LAST argument and do its work that many times.  The logs (gigabytes)
# are read from QEMU's pipe by tools/kprofile.py and never stored; only
# the two console logs are kept (build/profile-ITERS.log, profile-0.log).
# `make profile-check` (part of `make check`) tests the log reader on a
# small hand-counted log.

PROG          ?= /bin/forkloop
ARGS          ?=
ITERS         ?= 200
PROFILE_TOP   ?= 40
PROFILE_SYMS  := $(BUILD)/kernel.syms

.PHONY: profile profile-check

# Parameter lists dropped (c++filt -p): overloads share a line.
$(PROFILE_SYMS): $(BUILD)/kernel.elf
	$(Q)$(NM) -n --defined-only $< | $(CROSS)c++filt -p > $@

profile: kernel $(INITRD) $(PROFILE_SYMS) ## Kernel instructions per iteration by function: make profile PROG=/bin/forkloop ARGS= ITERS=200 (runs PROG ARGS ITERS and PROG ARGS 0)
	$(Q)$(PYTHON) tools/kprofile.py --nm $(PROFILE_SYMS) --prog '$(PROG)' --args '$(ARGS)' \
	  --iters $(ITERS) --top $(PROFILE_TOP) --console-dir $(BUILD) -- \
	  $(QEMU_VIRT) -icount shift=0,sleep=off -display none -monitor none -no-reboot \
	  -kernel $(BUILD)/Image -initrd $(INITRD)

profile-check: ## Test the profiler's log reader and attribution on a small hand-counted QEMU log
	$(Q)$(PYTHON) tests/tools/test_kprofile.py

check: profile-check
