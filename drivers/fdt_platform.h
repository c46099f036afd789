// What the kernel needs from the device tree, read once at boot into a
// plain struct: RAM, reserved regions, /chosen (bootargs, console path,
// initrd, rng-seed), the timebase, the boot hart's ISA, the console UART
// and the PLIC.  Fixed-capacity arrays, no allocation; strings and the seed
// point into the blob, which must stay mapped while they are used.
#pragma once

#include <drivers/fdt.h>
#include <lib/addr.h>
#include <stddef.h>
#include <stdint.h>

enum class FdtUartKind {
    None,       // no supported UART in the tree
    Ns16550,    // "ns16550a", "ns16550"
    DesignWare, // "snps,dw-apb-uart"
    Sifive,     // "sifive,uart0"
};

struct FdtUart {
    FdtUartKind kind = FdtUartKind::None;
    FdtNode node;
    const char* compatible = ""; // the compatible string that matched
    PhysAddr base;               // reg[0], translated through the buses' ranges
    uint64_t size = 0;
    uint32_t reg_shift = 0;      // reg-shift, default 0
    uint32_t reg_io_width = 1;   // reg-io-width, default 1
    uint64_t clock_hz = 0;       // clock-frequency; 0 when the tree has none
    bool has_irq = false;
    uint32_t irq = 0;            // first cell of interrupts (or interrupts-extended)
    uint32_t irq_parent = 0;     // phandle of its interrupt controller, 0 if none
};

struct FdtPlic {
    bool present = false;
    FdtNode node;
    PhysAddr base;
    uint64_t size = 0;
    uint32_t ndev = 0;           // riscv,ndev: sources are 1..ndev
    uint32_t phandle = 0;
    // The boot hart's S-mode context: the index of the interrupts-extended
    // entry that names the hart's interrupt controller with irq 9.  A hart
    // may have only an M-mode context; then has_context is false.
    bool has_context = false;
    uint32_t context = 0;
};

struct FdtReserved {
    PhysRange range;
    bool no_map = false; // the tree forbids mapping it at all
};

struct FdtPlatform {
    static constexpr size_t kMaxRam = 32;
    static constexpr size_t kMaxReserved = 32;

    PhysRange ram[kMaxRam]; // every /memory node's reg, in tree order
    size_t nram = 0;
    // /memreserve/ entries first, then each /reserved-memory child with a
    // reg (children with only size / alloc-ranges are dynamic: skipped).
    FdtReserved reserved[kMaxReserved];
    size_t nreserved = 0;

    const char* bootargs = "";       // /chosen bootargs
    const char* stdout_path = "";    // /chosen stdout-path as written
    const char* stdout_options = ""; // what followed ':' in it ("115200n8")
    FdtNode stdout_node;             // what it names (through /aliases), if found
    PhysRange initrd;                // size 0: none
    const uint8_t* rng_seed = nullptr;
    size_t rng_seed_len = 0;

    uint64_t timebase_hz = 0;
    uint64_t boot_hartid = 0;
    FdtNode cpu;                     // the boot hart's cpu node
    const char* isa = "";            // its riscv,isa ("" when absent)
    FdtProp isa_extensions;          // its riscv,isa-extensions, if any
    const char* mmu_type = "";       // its mmu-type ("riscv,sv48"), "" if absent

    FdtUart uart;
    FdtPlic plic;
};

// Reads everything above for the hart `boot_hartid` (a0 at entry).  Fails,
// with a reason, when there is no memory, no timebase, no cpu node with
// reg == boot_hartid, when a table is full, or when a property the kernel
// uses is malformed.  No UART or PLIC is not an error.  Nodes with status
// "disabled" are skipped (except the boot hart's cpu node, which exists
// whatever the firmware marked).
FdtResult<FdtPlatform> fdt_read_platform(const Fdt& fdt, uint64_t boot_hartid);

// The console UART: `preferred` (normally the stdout-path node) when it is
// an enabled, supported UART, else the first enabled supported UART in the
// tree, else kind None.
FdtResult<FdtUart> fdt_find_uart(const Fdt& fdt, FdtNode preferred);

// The first enabled PLIC, with the S-mode context of the hart whose cpu
// node is `cpu`; present == false when there is none.
FdtResult<FdtPlic> fdt_find_plic(const Fdt& fdt, FdtNode cpu);

// Does a RISC-V ISA string ("rv64imafdch_zicsr_zifencei_sstc") name the
// extension `ext` ("sstc", "c", "zicsr")?  Case-insensitive; single letters
// are looked up in the run after rv32/rv64 (where G stands for
// IMAFD_Zicsr_Zifencei), longer names among the '_'-separated ones; version
// suffixes ("zicsr2p0", "i2p1") are ignored.
bool isa_has_extension(const char* isa, const char* ext);

// The same question for the boot hart of `plat`: its riscv,isa, or its
// riscv,isa-extensions list when the tree uses that form instead.
bool fdt_cpu_has_extension(const FdtPlatform& plat, const char* ext);
