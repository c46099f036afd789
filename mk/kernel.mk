# The kernel: compile, link twice (the second time with the symbol table that
# panics use for backtraces), and make the raw image.

$(BUILD)/k/%.cpp.o: %.cpp | deps-check
	@mkdir -p $(dir $@)
	$(Q)echo "  CXX     $<"
	$(Q)$(KCXX) $(KCXXFLAGS) -c $< -o $@

# Leaf system-call handlers without a frame pointer (kernel/syscall/sys_getters.h).
$(BUILD)/k/kernel/syscall/sys_getters.cpp.o: KCXXFLAGS += -fomit-frame-pointer

# The offsets and constants the assembly reads of C++ definitions
# (FreeBSD's genassym): arch/riscv/genassym.cpp compiled to assembly, its
# markers turned into $(BUILD)/k/assym.h, which the .S files include.
.PHONY: genassym-check

ASSYM := $(BUILD)/k/assym.h

$(BUILD)/k/genassym.s: arch/riscv/genassym.cpp | deps-check
	@mkdir -p $(dir $@)
	$(Q)echo "  GENASSYM $<"
	$(Q)$(KCXX) $(KCXXFLAGS) -S $< -o $@

$(ASSYM): $(BUILD)/k/genassym.s scripts/genassym.sh
	$(Q)sh scripts/genassym.sh $< > $@.tmp && mv $@.tmp $@

-include $(BUILD)/k/genassym.d

genassym-check: ## Test scripts/genassym.sh: every malformed, repeated or missing offset stops the build
	$(Q)$(PYTHON) tests/tools/test_genassym.py

check: genassym-check

$(BUILD)/k/%.S.o: %.S $(ASSYM) | deps-check
	@mkdir -p $(dir $@)
	$(Q)echo "  AS      $<"
	$(Q)$(KCXX) $(KASFLAGS) -c $< -o $@

KSYMS_EMPTY := $(BUILD)/k/ksyms-empty.o
KSYMS_FULL  := $(BUILD)/k/ksyms.o
LIBGCC      = $(shell $(KCXX) -print-libgcc-file-name)

$(BUILD)/k/ksyms-empty.S: scripts/mksyms.sh | deps-check
	@mkdir -p $(dir $@)
	sh scripts/mksyms.sh /dev/null > $@

$(BUILD)/k/ksyms.S: $(BUILD)/kernel.pass1.elf scripts/mksyms.sh
	$(NM) -n -C --defined-only $< | sh scripts/mksyms.sh - > $@

$(BUILD)/k/%.o: $(BUILD)/k/%.S
	$(Q)echo "  AS      $<"
	$(Q)$(KCXX) $(KASFLAGS) -c $< -o $@

$(BUILD)/kernel.pass1.elf: $(K_OBJS) $(KSYMS_EMPTY) linker/kernel.ld
	$(KCXX) $(KLDFLAGS) -o $@ $(K_OBJS) $(KSYMS_EMPTY) $(LIBGCC)

# The second link must not move any function: check it, so a backtrace can
# never name the wrong one.
$(BUILD)/kernel.elf: $(K_OBJS) $(KSYMS_FULL) linker/kernel.ld $(BUILD)/kernel.pass1.elf
	$(KCXX) $(KLDFLAGS) -o $@ $(K_OBJS) $(KSYMS_FULL) $(LIBGCC)
	@$(NM) -n $(BUILD)/kernel.pass1.elf | grep -i ' t ' > $(BUILD)/k/text1.txt
	@$(NM) -n $@ | grep -i ' t ' > $(BUILD)/k/text2.txt
	@cmp -s $(BUILD)/k/text1.txt $(BUILD)/k/text2.txt || \
	  { echo "kernel.elf: the symbol table moved text; fix linker/kernel.ld"; rm -f $@; exit 1; }

# U-Boot's booti refuses (or misplaces) an image whose header is wrong:
# check every field against the ELF's symbols before anything uses it.
$(BUILD)/Image: $(BUILD)/kernel.elf tools/check_image_header.py
	$(OBJCOPY) -O binary $< $@
	$(Q)$(PYTHON) tools/check_image_header.py $@ $< $(NM) || { rm -f $@; exit 1; }

# A second ELF that carries the very same bytes at another load address: the
# kernel must not care where it was put.
$(BUILD)/kernel-at-%.elf: $(BUILD)/Image linker/wrap-image.ld
	$(LD) -T linker/wrap-image.ld --defsym=LOAD_ADDR=$* -b binary $< -o $@

symbolize: ## Turn addresses on stdin (e.g. a pasted panic) into function:line
	@sed -E 's/.*(0xffffffff8[0-9a-f]{7}).*/\1/;t;d' | \
	  $(CROSS)addr2line -f -p -C -e $(BUILD)/kernel.elf
