#!/usr/bin/env python3
"""Check the RISC-V boot-image header at the start of build/Image.

U-Boot's booti (and any loader following Linux's
Documentation/riscv/boot-image-header.rst) reads this 64-byte header:

    off  size  field
    0x00  4    code0: a jump over the header
    0x04  4    code1
    0x08  8    text_offset: where to put the image above the RAM base
    0x10  8    image_size: bytes from the image's start to its end, .bss included
    0x18  8    flags (bit 0: endianness, 0 = little)
    0x20  4    version (major << 16 | minor): 0.2
    0x24  4    reserved
    0x28  8    reserved
    0x30  8    magic "RISCV\\0\\0\\0" (deprecated, still checked by some loaders)
    0x38  4    magic2 "RSC\\x05"
    0x3c  4    reserved (PE offset)

The expected values do not come from the image: image_size must equal
_end - _start_image read from the ELF's symbol table (nm), and code0 must
be a 4-byte jal x0 whose target is the symbol real_start.  The build runs
this after objcopy and deletes the Image when a field is wrong.

Usage: check_image_header.py IMAGE KERNEL_ELF NM
"""
import struct
import subprocess
import sys

HEADER = struct.Struct("<IIQQQIIQ8sII")
TEXT_OFFSET = 0x200000
VERSION_0_2 = 2
MAGIC = b"RISCV\0\0\0"
MAGIC2 = 0x05435352            # "RSC\x05" little endian


def symbols(elf, nm):
    out = subprocess.run([nm, elf], check=True, capture_output=True, text=True).stdout
    table = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            table[parts[2]] = int(parts[0], 16)
    return table


def jal_target(insn):
    """The byte offset a 32-bit `jal x0, off` jumps by, or None if insn is not one."""
    if insn & 0x7f != 0x6f or (insn >> 7) & 0x1f != 0:
        return None
    imm = (((insn >> 31) & 1) << 20 | ((insn >> 12) & 0xff) << 12
           | ((insn >> 20) & 1) << 11 | ((insn >> 21) & 0x3ff) << 1)
    return imm - (1 << 21) if imm & (1 << 20) else imm


def problems(image, syms):
    if len(image) < HEADER.size:
        return ["image is %d bytes, shorter than the header" % len(image)]
    (code0, _code1, text_offset, image_size, flags, version, _res1, _res2,
     magic, magic2, _res3) = HEADER.unpack_from(image)
    found = []
    start, end, real_start = syms["_start_image"], syms["_end"], syms["real_start"]
    if jal_target(code0) != real_start - start:
        found.append("code0 %#010x is not a 4-byte jump to real_start (+%#x)"
                     % (code0, real_start - start))
    if text_offset != TEXT_OFFSET:
        found.append("text_offset %#x, wanted %#x" % (text_offset, TEXT_OFFSET))
    if image_size != end - start:
        found.append("image_size %#x, wanted _end - _start_image = %#x"
                     % (image_size, end - start))
    if image_size < len(image):
        found.append("image_size %#x is smaller than the file (%#x)" % (image_size, len(image)))
    if flags != 0:
        found.append("flags %#x, wanted 0 (little endian)" % flags)
    if version != VERSION_0_2:
        found.append("version %#x, wanted 0.2" % version)
    if magic != MAGIC:
        found.append("magic %r, wanted %r" % (magic, MAGIC))
    if magic2 != MAGIC2:
        found.append("magic2 %#x, wanted %#x" % (magic2, MAGIC2))
    return found


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    path, elf, nm = sys.argv[1:]
    with open(path, "rb") as f:
        image = f.read()
    found = problems(image, symbols(elf, nm))
    for p in found:
        print("%s: boot-image header: %s" % (path, p), file=sys.stderr)
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
