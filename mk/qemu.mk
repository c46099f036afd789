# Booting in QEMU: interactive runs, the debugger, and the boot suites.

QEMU_VIRT   := $(QEMU) -M virt -m 256M -smp 1 -bios $(OPENSBI)
APPEND      ?=

.PHONY: test test-qemu run debug

test: check test-qemu ## Run every suite: host unit tests, then the QEMU boots

run: kernel $(INITRD) ## Boot Sprig in QEMU virt (console here; Ctrl-A X quits); EXTRA_BIN="a.elf ..." adds programs to /bin
	$(QEMU_VIRT) -nographic -kernel $(BUILD)/Image -initrd $(INITRD) $(if $(APPEND),-append "$(APPEND)")

debug: kernel $(INITRD) ## Boot halted with a gdb server, and attach gdb-multiarch with symbols
	@echo "QEMU waits for gdb on :1234; its console log goes to $(BUILD)/debug-console.log"
	$(QEMU_VIRT) -display none -serial file:$(BUILD)/debug-console.log -S -s \
	  -kernel $(BUILD)/Image -initrd $(INITRD) $(if $(APPEND),-append "$(APPEND)") & \
	  qpid=$$!; \
	  gdb-multiarch -q -x scripts/gdbinit $(BUILD)/kernel.elf; \
	  kill $$qpid 2>/dev/null || true

# The same bytes, wrapped to load 2 MiB higher than QEMU's default.
SECOND_LOAD := 0x80400000

test-qemu: kernel $(BUILD)/kernel-at-$(SECOND_LOAD).elf $(INITRD) ## Boot suites in QEMU virt and sifive_u
	$(PYTHON) tests/qemu/boot_suite.py --build $(BUILD) --opensbi $(OPENSBI) --initrd $(INITRD) \
	  --second $(BUILD)/kernel-at-$(SECOND_LOAD).elf --second-addr $(SECOND_LOAD)
