# Long runs that belong outside `make test` (docs/reliability.md):
#
#   make soak DURATION=600   boots /bin/soaktest as init for DURATION
#                            seconds of mixed fork/vfork/rfork/exec/pipe/
#                            signal load; `make test` boots a 20 s one
#                            (tests/qemu/suite_cases.py).
#
# Each fails unless the run ends with the suite's `N passed, 0 failed`
# and SPRIG EXIT status=0 (no panic, no hang past its time limit).

DURATION ?= 600
SOAK_LOG := $(BUILD)/soak.log

.PHONY: soak

soak: kernel $(INITRD) ## Boot /bin/soaktest for DURATION seconds (600) of mixed load, invariants checked (log: build/soak.log)
	$(Q)timeout $$(( $(DURATION) + 300 )) $(QEMU_VIRT) -nographic -kernel $(BUILD)/Image \
	  -initrd $(INITRD) -append 'init="/bin/soaktest $(DURATION)"' < /dev/null > $(SOAK_LOG) 2>&1; \
	  grep -E '^(soaktest|ok|FAIL|[0-9]+ passed)|SPRIG' $(SOAK_LOG); \
	  if grep -q 'SPRIG EXIT status=0' $(SOAK_LOG) && ! grep -q 'SPRIG PANIC' $(SOAK_LOG); \
	  then echo "soak: $(DURATION) s passed (console log: $(SOAK_LOG))"; \
	  else echo "soak: failed (see $(SOAK_LOG))"; exit 1; fi
