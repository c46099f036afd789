#!/bin/sh
# Install the Debian packages Sprig needs.  With --if-missing, install only
# when one of the tools is absent, so `make run` and `make test` can call it
# on every run at no cost.
set -eu

PACKAGES="make g++ python3 g++-riscv64-linux-gnu binutils-riscv64-linux-gnu
qemu-system-misc opensbi u-boot-qemu device-tree-compiler doctest-dev
gdb-multiarch mtools gdisk dosfstools u-boot-tools picolibc-riscv64-unknown-elf clang
libclang-rt-dev"

# One file or command that each package brings, in the order above.
PROBES="make g++ python3 riscv64-linux-gnu-g++ riscv64-linux-gnu-objcopy
qemu-system-riscv64 /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin dtc /usr/include/doctest/doctest.h
gdb-multiarch mcopy /usr/sbin/sgdisk /usr/sbin/mkfs.vfat mkimage
/usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs clang++ libfuzzer"

missing() {
    for p in $PROBES; do
        case "$p" in
            /*) [ -e "$p" ] || return 0 ;;
            # clang only recommends its runtimes, and we install without
            # recommends: libFuzzer's comes from libclang-rt-dev.
            libfuzzer) [ -e "$(clang -print-resource-dir 2>/dev/null)/lib/linux/libclang_rt.fuzzer-$(uname -m).a" ] || return 0 ;;
            *) command -v "$p" >/dev/null 2>&1 || return 0 ;;
        esac
    done
    return 1
}

if [ "${1:-}" = "--if-missing" ] && ! missing; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
echo "deps: installing Debian packages: $(echo $PACKAGES)"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $PACKAGES
