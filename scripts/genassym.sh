#!/bin/sh
# Reads the assembly the compiler made of arch/riscv/genassym.cpp and
# writes assym.h: one `#define NAME value` per ASSYM marker.  Fails when
# a marker is malformed or a name repeats, so the header can never be
# missing a constant the assembly expects.
set -eu
in="$1"
markers=$(grep -c '@ASSYM@' "$in" || true)
defs=$(sed -n 's/^[[:space:]]*\.ascii[[:space:]]*"\\n@ASSYM@ \([A-Z][A-Z0-9_]*\) \(-\{0,1\}[0-9][0-9]*\)\\n"$/#define \1 \2/p' "$in")
n=$(printf '%s\n' "$defs" | grep -c '^#define' || true)
if [ "$markers" -eq 0 ] || [ "$n" -ne "$markers" ]; then
    echo "genassym: $in has $markers markers but $n well-formed ones" >&2
    exit 1
fi
dups=$(printf '%s\n' "$defs" | awk '{ print $2 }' | sort | uniq -d)
if [ -n "$dups" ]; then
    echo "genassym: repeated: $dups" >&2
    exit 1
fi
echo "/* Generated from arch/riscv/genassym.cpp by scripts/genassym.sh: do not edit. */"
echo "#pragma once"
# The compiler prints a value with the top bit set as a negative number:
# the same 64 bits, written as the unsigned number a reader expects.
printf '%s\n' "$defs" | while read -r hash name value; do
    case "$value" in
    -*) printf '%s %s 0x%x\n' "$hash" "$name" "$value" ;;
    *) printf '%s %s %s\n' "$hash" "$name" "$value" ;;
    esac
done
