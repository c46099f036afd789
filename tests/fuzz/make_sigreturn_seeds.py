#!/usr/bin/env python3
"""Writes the sigreturn target's seeds (tests/fuzz/corpus/sigreturn/): an
mcontext as sendsig saves it for a user thread (FreeBSD/riscv's layout,
abi/ucontext.h: 33 gp registers, 528 bytes of FP state, flags), with and
without FP state, and two forged ones set_mcontext must refuse (SPP, SUM)."""
import os
import struct

USER_SSTATUS = (1 << 5) | (1 << 13)  # SPIE, FS initial
SPP, SUM = 1 << 8, 1 << 18
MC_FP_VALID = 1


def mcontext(sstatus, flags, sepc=0x10000, sp=0x3FFFFFF000):
    g = [0x10100, sp, 0, 0] + [0] * 7 + [0] * 12 + [0] * 8 + [sepc, sstatus]
    gp = struct.pack("<33Q", *g)
    fp = struct.pack("<64Q", *([0x3FF0000000000000] * 64)) + struct.pack("<Qii", 0, 0, 0)
    rest = struct.pack("<ii8Q", flags, 0, *([0] * 8))
    assert len(gp + fp + rest) == 864
    return gp + fp + rest


def main():
    d = os.path.join(os.path.dirname(__file__), "corpus", "sigreturn")
    os.makedirs(d, exist_ok=True)
    seeds = {
        "valid-fp.mcontext": mcontext(USER_SSTATUS, MC_FP_VALID),
        "valid-nofp.mcontext": mcontext(USER_SSTATUS, 0),
        "forged-spp.mcontext": mcontext(USER_SSTATUS | SPP, MC_FP_VALID),
        "forged-sum.mcontext": mcontext(USER_SSTATUS | SUM, 0),
    }
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
