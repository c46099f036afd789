#!/bin/sh
# Capture the device tree exactly as a kernel receives it from OpenSBI: QEMU
# builds the tree, OpenSBI (fw_dynamic) edits it (adds /reserved-memory for
# its own region, fixes up /cpus, ...) and jumps to the payload with
# a0 = boot hart id, a1 = tree address.  The payload here is a 4-byte `j .`
# loop at 0x80200000; gdb stops on it, reads a0/a1 and the tree's totalsize
# (big-endian word at offset 4), and dumps exactly totalsize bytes.
#
#   usage: capture-opensbi-dtb.sh OUT.dtb MACHINE SMP [MEM]
#   e.g.   capture-opensbi-dtb.sh qemu-virt-opensbi.dtb virt 1 256M
#          capture-opensbi-dtb.sh qemu-sifive_u-opensbi.dtb sifive_u 2
# Prints the boot hart id (a0) and the tree address (a1).
set -eu

out=$1
machine=$2
smp=$3
mem=${4:-}
OPENSBI=${OPENSBI:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin}
CROSS=${CROSS:-riscv64-linux-gnu-}
PORT=${PORT:-1234}

tmp=$(mktemp -d)
qpid=""
cleanup() {
    if [ -n "$qpid" ]; then kill "$qpid" 2>/dev/null || true; wait "$qpid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

printf '\t.text\n\t.globl _start\n_start:\n\tj _start\n' > "$tmp/loop.S"
"${CROSS}as" -o "$tmp/loop.o" "$tmp/loop.S"
# -N: one segment that starts exactly at 0x80200000 (QEMU hands OpenSBI the
# lowest loaded address as the next stage, not e_entry).
"${CROSS}ld" -N --no-warn-rwx-segments -Ttext=0x80200000 -e _start -o "$tmp/loop.elf" "$tmp/loop.o"

qemu-system-riscv64 -M "$machine" ${mem:+-m "$mem"} -smp "$smp" -display none \
    -serial file:"$tmp/console.log" -monitor none \
    -bios "$OPENSBI" -kernel "$tmp/loop.elf" -S -gdb tcp::"$PORT" &
qpid=$!
sleep 1

# QEMU's gdbstub shows each CPU cluster as a process of its own; sifive_u has
# two (the E51 monitor hart 0, and the U54 harts), so gdb must attach to the
# second one too and resume both.
attach_clusters() {
    case "$machine" in
        sifive_u) printf 'add-inferior\ninferior 2\nattach 2\nset schedule-multiple on\ninferior 1\n' ;;
    esac
}

# gdb: a breakpoint on the payload, then a0/a1 and the header word at a1+4
# (stored big-endian; gdb reads memory little-endian, so swap by hand).
cat > "$tmp/cmds.gdb" <<GDB
set pagination off
set confirm off
set architecture riscv:rv64
target extended-remote :$PORT
$(attach_clusters)
break *0x80200000
continue
printf "HARTID %lu\n", \$a0
printf "FDT 0x%lx\n", \$a1
set \$p = (unsigned char *)\$a1
set \$size = (\$p[4] << 24) | (\$p[5] << 16) | (\$p[6] << 8) | \$p[7]
printf "SIZE %u\n", \$size
dump binary memory $tmp/out.dtb \$a1 \$a1 + \$size
kill
quit
GDB
timeout 120 gdb-multiarch -batch -nx -x "$tmp/cmds.gdb" > "$tmp/gdb.log" 2>&1 || true
grep -E '^(HARTID|FDT|SIZE) ' "$tmp/gdb.log" || { cat "$tmp/gdb.log"; exit 1; }
[ -s "$tmp/out.dtb" ] || { echo "capture failed" >&2; cat "$tmp/gdb.log" >&2; exit 1; }
cp "$tmp/out.dtb" "$out"
