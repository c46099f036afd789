# Booting in QEMU: interactive runs, the debugger, and the boot suites.

QEMU_VIRT   := $(QEMU) -M virt -m 256M -smp 1 -bios $(OPENSBI)
APPEND      ?=

.PHONY: test test-qemu test-uboot test-release run run-uboot debug console test-debug

test: check test-qemu test-uboot test-release ## Run every suite: host unit tests, the QEMU boots, the boots through U-Boot, the suite on the release kernel

# The acceptance suite once more on the release configuration (KASSERTs and
# the zones' trash checks compiled out, build/release), which the
# benchmarks quote; its banner must say so.
test-release: ## Boot the acceptance suite on the release kernel (make KERNCONF=release test-suite)
	$(MAKE) KERNCONF=release test-suite
	$(Q)grep -q 'Sprig [^ ]*-release (RISC-V' build/release/qemu-logs/suite-forktest.log || \
	  { echo "test-release: the suite did not boot a release kernel"; exit 1; }

run: kernel $(INITRD) ## Boot Sprig in QEMU virt (console here; Ctrl-A X quits); EXTRA_BIN="a.elf ..." adds programs to /bin
	$(QEMU_VIRT) -nographic -kernel $(BUILD)/Image -initrd $(INITRD) $(if $(APPEND),-append "$(APPEND)")

# make debug: QEMU halted with a gdb server on :1234, its serial console
# on a Unix socket (and logged), gdb in this terminal; `make console` in
# another terminal is the machine's console (docs/debugging.md).
CONSOLE_SOCK := $(BUILD)/console.sock
QEMU_DEBUG_CONSOLE = -chardev socket,id=con0,path=$(CONSOLE_SOCK),server=on,wait=off,logfile=$(BUILD)/debug-console.log \
                     -serial chardev:con0

debug: kernel $(INITRD) ## Boot halted with a gdb server and attach gdb here; `make console` in another terminal is the live console
	@echo "QEMU waits for gdb on :1234; run 'make console' in another terminal for the console (log: $(BUILD)/debug-console.log)"
	$(Q)rm -f $(CONSOLE_SOCK)
	$(QEMU_VIRT) -display none -monitor none $(QEMU_DEBUG_CONSOLE) -S -s \
	  -kernel $(BUILD)/Image -initrd $(INITRD) $(if $(APPEND),-append "$(APPEND)") & \
	  qpid=$$!; \
	  gdb-multiarch -q -x scripts/gdbinit $(BUILD)/kernel.elf; \
	  kill $$qpid 2>/dev/null || true

test-debug: kernel $(INITRD) ## make debug's QEMU and gdb driven as docs/debugging.md says: a stop in forkdemo's fork and in its child
	$(PYTHON) tests/qemu/debug_console.py $(BUILD) $(CONSOLE_SOCK) $(QEMU_VIRT) -display none -monitor none \
	  $(QEMU_DEBUG_CONSOLE) -S -s -kernel $(BUILD)/Image -initrd $(INITRD)

console: ## Attach this terminal to the console of a running `make debug` (Ctrl-] leaves)
	$(PYTHON) scripts/console.py $(CONSOLE_SOCK)

# The same bytes, wrapped to load 2 MiB higher than QEMU's default.
SECOND_LOAD := 0x80400000

test-qemu: kernel $(BUILD)/kernel-at-$(SECOND_LOAD).elf $(INITRD) ## Boot suites in QEMU virt and sifive_u
	$(PYTHON) tests/qemu/boot_suite.py --build $(BUILD) --opensbi $(OPENSBI) --initrd $(INITRD) \
	  --second $(BUILD)/kernel-at-$(SECOND_LOAD).elf --second-addr $(SECOND_LOAD)

# Booting through U-Boot as a board does: Debian's OpenSBI and S-mode U-Boot,
# the SD image on a virtio disk, U-Boot's distro boot.
UBOOT        ?= /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
QEMU_UBOOT   = $(QEMU_VIRT) -kernel $(UBOOT) -drive file=$(1),if=none,format=raw,id=hd0 \
               -device virtio-blk-device,drive=hd0
# What the user's image must reach (a regex): init's shell, root's prompt
# right after init started.
UBOOT_PROMPT ?= init: running /bin/init\r?\n\# 

run-uboot: $(SD_IMAGE) ## Boot build/sprig-sd.img through OpenSBI and U-Boot in QEMU virt
	$(call QEMU_UBOOT,$(SD_IMAGE)) -nographic

CHECK_SD := $(PYTHON) tests/image/check_sd_image.py --kernel $(BUILD)/Image --initrd $(INITRD)

test-uboot: $(SD_IMAGE) $(SD_TEST_IMAGE) $(SD_SCRIPT_IMAGE) ## Check the SD images' layout, then boot them through U-Boot's distro boot in QEMU
	$(CHECK_SD) $(SD_IMAGE) --append "$(IMAGE_APPEND)"
	$(CHECK_SD) $(SD_TEST_IMAGE) --append "$(APPEND_OF_sprig-sd-test)"
	$(CHECK_SD) $(SD_SCRIPT_IMAGE) --append "$(APPEND_OF_sprig-sd-script)" --no-extlinux
	$(PYTHON) tests/qemu/uboot_suite.py --build $(BUILD) --opensbi $(OPENSBI) --uboot $(UBOOT) \
	  --image $(SD_IMAGE) --image-append "$(IMAGE_APPEND)" --prompt "$(UBOOT_PROMPT)" \
	  --test-image $(SD_TEST_IMAGE) --test-init $(UBOOT_TEST_INIT) --script-image $(SD_SCRIPT_IMAGE)
