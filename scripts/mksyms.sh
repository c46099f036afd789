#!/bin/sh
# Reads `nm -n -C` output (or nothing, for /dev/null) and writes an assembly
# file with the kernel's function symbol table, sorted by address:
#   ksyms_count, ksyms_addr[count], ksyms_name_off[count], ksyms_names.
set -eu
in="${1:--}"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
if [ "$in" = "-" ]; then cat; else cat "$in"; fi |
    awk '$2 ~ /^[tTwW]$/ { addr=$1; $1=""; $2=""; sub(/^  /, ""); print addr "\t" $0 }' > "$tmp"
n=$(wc -l < "$tmp")
cat <<HDR
    .section .ksyms, "a"
    .balign 8
    .globl ksyms_count, ksyms_addr, ksyms_name_off, ksyms_names
ksyms_count:
    .quad $n
ksyms_addr:
HDR
awk -F'\t' '{ print "    .quad 0x" $1 }' "$tmp"
echo "ksyms_name_off:"
awk -F'\t' 'BEGIN { off = 0 } { print "    .word " off; off += length($2) + 1 }' "$tmp"
echo "ksyms_names:"
awk -F'\t' '{ gsub(/\\/, "\\\\", $2); gsub(/"/, "\\\"", $2); print "    .asciz \"" $2 "\"" }' "$tmp"
