# Fuzzing (docs/reliability.md):
#  - the guest system call fuzzer /bin/sysfuzz (user/bin/sysfuzz/), which
#    make test-qemu boots for a bounded slice (suite-sysfuzz) and
#    `make fuzz SEED=N COUNT=N [BATCH=N]` boots for as long as asked: its
#    initrd is the build's plus etc/sysfuzz.args, since init gets no
#    arguments.  Passes on `SPRIG EXIT status=0` (every batch passed).

FUZZ_SEED    := $(or $(SEED),1)
FUZZ_COUNT   := $(or $(COUNT),20000)
FUZZ_BATCH   := $(or $(BATCH),500)
FUZZ_TIMEOUT ?= 7200
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_ARGS    := $(FUZZ_DIR)/sysfuzz.args
FUZZ_INITRD  := $(FUZZ_DIR)/initrd.cpio
FUZZ_LOG     := $(FUZZ_DIR)/sysfuzz.log

.PHONY: fuzz

# Rewritten when the arguments change, not only when missing.
$(FUZZ_ARGS): FORCE
	@mkdir -p $(@D)
	@echo '$(FUZZ_SEED) $(FUZZ_COUNT) $(FUZZ_BATCH)' | cmp -s - $@ || \
	  echo '$(FUZZ_SEED) $(FUZZ_COUNT) $(FUZZ_BATCH)' > $@

$(FUZZ_INITRD): $(INITRD) $(FUZZ_ARGS) tests/fuzz/initrd_add.py
	$(Q)$(PYTHON) tests/fuzz/initrd_add.py $(INITRD) $@ etc/sysfuzz.args=$(FUZZ_ARGS)

fuzz: kernel $(FUZZ_INITRD) ## Boot /bin/sysfuzz as init: make fuzz SEED=N COUNT=N [BATCH=N] (log: build/fuzz/sysfuzz.log)
	$(Q)timeout $(FUZZ_TIMEOUT) $(QEMU_VIRT) -nographic -kernel $(BUILD)/Image \
	  -initrd $(FUZZ_INITRD) -append "init=/bin/sysfuzz" < /dev/null > $(FUZZ_LOG) 2>&1; \
	  grep -E '^(sysfuzz:|ok - |FAIL - |[0-9]+ passed)|INVARIANT|SPRIG' $(FUZZ_LOG); \
	  if grep -q 'SPRIG EXIT status=0' $(FUZZ_LOG) && ! grep -q 'SPRIG PANIC' $(FUZZ_LOG); \
	  then echo "fuzz: done (full console log: $(FUZZ_LOG))"; \
	  else echo "fuzz: the run did not end with SPRIG EXIT status=0 (see $(FUZZ_LOG))"; exit 1; fi
