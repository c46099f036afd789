#!/bin/sh
# Regenerate the device trees that QEMU itself builds (before any firmware
# edits them) with -M ...,dumpdtb=FILE.  QEMU writes its whole 1 MiB tree
# buffer; the header's totalsize (big-endian word at offset 4) says how much
# of it is the tree, so each file is cut to exactly that many bytes (a
# prefix of QEMU's output, not re-encoded).
#   usage: dump-qemu-dtbs.sh [OUTDIR]   (default: this directory)
set -eu

out=${1:-$(dirname "$0")}
QEMU=${QEMU:-qemu-system-riscv64}

dump() {
    name=$1
    shift
    "$QEMU" "$@" -nographic -monitor none -serial none
    size=$(od -An -tu1 -j4 -N4 "$out/$name" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}')
    head -c "$size" "$out/$name" > "$out/$name.tmp"
    mv "$out/$name.tmp" "$out/$name"
    echo "$name: $size bytes"
}

dump qemu-virt.dtb -M virt,dumpdtb="$out/qemu-virt.dtb" -m 256M -smp 1
dump qemu-virt-8g.dtb -M virt,dumpdtb="$out/qemu-virt-8g.dtb" -m 8G -smp 1
dump qemu-sifive_u.dtb -M sifive_u,dumpdtb="$out/qemu-sifive_u.dtb" -smp 2
