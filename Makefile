# Sprig: build, run and test.  `make help` lists the targets.
#
# Two builds share the machine-independent sources (lib/ mm/ drivers/ kernel/):
#   the kernel, cross-compiled for rv64gc with -Iarch/riscv/include, and
#   the host unit tests, built by the host g++ with -Iarch/host/include and
#   ASan/UBSan.  The include path alone picks the machine (<arch/...>).

# The kernel configuration (FreeBSD's GENERIC and GENERIC-NODEBUG):
# debug, the default, keeps every KASSERT and the zones' trash checks;
# release compiles them out (same -O2) and builds in build/release.
KERNCONF   ?= debug
ifeq ($(KERNCONF),release)
BUILD      ?= build/release
KINVARIANTS := 0
else ifeq ($(KERNCONF),debug)
BUILD      ?= build
KINVARIANTS := 1
else
$(error KERNCONF=$(KERNCONF): debug or release)
endif
CROSS      ?= riscv64-linux-gnu-
KCXX       := $(CROSS)g++
OBJCOPY    := $(CROSS)objcopy
NM         := $(CROSS)nm
LD         := $(CROSS)ld
HOSTCXX    ?= g++
QEMU       ?= qemu-system-riscv64
OPENSBI    ?= /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
DTC        ?= dtc
PYTHON     ?= python3

# V=1 shows every command.
Q          := $(if $(V),,@)

VERSION    := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# Machine-independent sources, linked into both the kernel and the host tests.
MI_SRCS    := $(sort $(wildcard lib/*.cpp mm/*.cpp drivers/*.cpp kernel/*.cpp kernel/*/*.cpp))
# Kernel-only sources: the RISC-V machine layer and the freestanding libc bits
# that the host's libc provides for the tests.
# arch/riscv/genassym.cpp is compiled to assembly only (mk/kernel.mk).
K_SRCS     := $(sort $(filter-out arch/riscv/genassym.cpp, \
                $(wildcard arch/riscv/*.cpp arch/riscv/*.S lib/freestanding/*.cpp)))
HOST_SRCS  := $(sort $(wildcard arch/host/*.cpp tests/host/*.cpp))

COMMON_WARN := -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers

KCXXFLAGS  := -std=c++20 -ffreestanding -fno-exceptions -fno-rtti \
              -fno-threadsafe-statics -fno-use-cxa-atexit -fno-stack-protector \
              -fno-pic -fno-pie -fno-omit-frame-pointer -fno-common \
              -march=rv64gc -mabi=lp64d -mcmodel=medany -mstrict-align \
              -O2 -g $(COMMON_WARN) \
              -I. -Iarch/riscv/include -DSPRIG_KERNEL=1 -DKASSERT_ENABLED=$(KINVARIANTS) \
              -DSPRIG_VERSION='"$(VERSION)$(if $(filter release,$(KERNCONF)),-release)"' -MMD -MP
KASFLAGS   := -march=rv64gc -mabi=lp64d -mcmodel=medany -g -I. -Iarch/riscv/include -I$(BUILD)/k \
              -DKASSERT_ENABLED=$(KINVARIANTS) -MMD -MP
KLDFLAGS   := -nostdlib -static -Wl,--no-dynamic-linker -Wl,-z,max-page-size=4096 \
              -Wl,--build-id=none -T linker/kernel.ld

HOSTCXXFLAGS := -std=c++20 -O1 -g $(COMMON_WARN) -fno-omit-frame-pointer \
              -fsanitize=address,undefined -fno-sanitize-recover=all \
              -I. -Iarch/host/include -DSPRIG_HOST=1 -DKASSERT_ENABLED=1 \
              -DSPRIG_VERSION='"$(VERSION)$(if $(filter release,$(KERNCONF)),-release)"' -MMD -MP

K_OBJS     := $(patsubst %,$(BUILD)/k/%.o,$(MI_SRCS) $(K_SRCS))
H_OBJS     := $(patsubst %,$(BUILD)/h/%.o,$(MI_SRCS) $(HOST_SRCS))

.PHONY: all kernel check test test-qemu test-uboot image run run-uboot debug deps help clean \
        compile_commands symbolize

all: kernel ## Build the kernel (build/kernel.elf and build/Image)

kernel: $(BUILD)/kernel.elf $(BUILD)/Image ## Same as all

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | \
	  awk 'BEGIN{FS=":.*## "}{printf "  %-18s %s\n", $$1, $$2}'

include mk/deps.mk
include mk/kernel.mk
include mk/host.mk
include mk/user.mk
include mk/image.mk
include mk/qemu.mk
include mk/suite.mk
include mk/bench.mk
include mk/profile.mk
include mk/fuzz.mk
include mk/soak.mk

clean: ## Remove build/
	rm -rf $(BUILD)

-include $(K_OBJS:.o=.d) $(H_OBJS:.o=.d)
