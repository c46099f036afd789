# The SD-card images that U-Boot boots (docs/visionfive2.md): a GPT disk
# whose FAT partition 3 holds Image, initrd, extlinux/extlinux.conf and
# boot.scr, written by tools/mksdimage.py without root.
#
#   build/sprig-sd.img         the user's image; IMAGE_APPEND is its command line
#   build/sprig-sd-test.img    the same with selftest init=$(UBOOT_TEST_INIT) (make test-uboot)
#   build/sprig-sd-script.img  boot.scr only, init=/usr/tests/selftest/argc (make test-uboot)

SD_IMAGE        := $(BUILD)/sprig-sd.img
SD_TEST_IMAGE   := $(BUILD)/sprig-sd-test.img
SD_SCRIPT_IMAGE := $(BUILD)/sprig-sd-script.img
IMAGE_APPEND    ?=
# The program the U-Boot acceptance run starts as init; it must exit 0
# (the acceptance suite's fork cases, user/tests/forktest.cpp).
UBOOT_TEST_INIT ?= /bin/forktest
MKSDIMAGE       := $(PYTHON) tools/mksdimage.py --kernel $(BUILD)/Image --initrd $(INITRD)
SD_INPUTS       := $(BUILD)/Image $(INITRD) tools/mksdimage.py

.PHONY: image FORCE

image: $(SD_IMAGE) ## Write build/sprig-sd.img, the SD card for the VisionFive 2 (IMAGE_APPEND="...")

# A command line is part of an image's inputs: remember each in a file that
# changes only when the line does, so changing it rebuilds the image.
$(BUILD)/%.append: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' '$(APPEND_OF_$*)' | cmp -s - $@ || printf '%s\n' '$(APPEND_OF_$*)' > $@

APPEND_OF_sprig-sd        = $(IMAGE_APPEND)
APPEND_OF_sprig-sd-test   = selftest init=$(UBOOT_TEST_INIT)
APPEND_OF_sprig-sd-script = init=/usr/tests/selftest/argc

$(SD_IMAGE) $(SD_TEST_IMAGE): $(BUILD)/%.img: $(BUILD)/%.append $(SD_INPUTS)
	@echo "  SDIMG   $@"
	$(Q)$(MKSDIMAGE) --append "$(APPEND_OF_$*)" $@

$(SD_SCRIPT_IMAGE): $(BUILD)/sprig-sd-script.append $(SD_INPUTS)
	@echo "  SDIMG   $@"
	$(Q)$(MKSDIMAGE) --append "$(APPEND_OF_sprig-sd-script)" --no-extlinux $@

FORCE:
