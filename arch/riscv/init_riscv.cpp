// Kernel start-up on RISC-V (FreeBSD's initriscv + mi_startup, for now):
// from the boot page table that entry.S left to a running kernel.
//
// Order matters: the device tree is read through the boot direct map; the
// page allocator needs the device tree; the kernel page table needs the
// page allocator; devices are mapped only in the kernel page table.
#include <arch/csr.h>
#include <kernel/machdep.h>
#include <drivers/fdt_platform.h>
#include <drivers/plic.h>
#include <drivers/uart_ns16550.h>
#include <drivers/uart_sifive.h>
#include <kernel/clock.h>
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/debug/crash.h>
#include <kernel/fs/initrd.h>
#include <kernel/vm/pagezero.h>
#include <kernel/proc/init_main.h>
#include <kernel/proc/kern_thread.h>
#include <kernel/proc/proc_boot.h>
#include <kernel/proc/init_exec.h>
#include <kernel/proc/proc_selftest.h>
#include <kernel/random.h>
#include <kernel/sched/priority.h>
#include <kernel/sched/sched.h>
#include <kernel/sched/swi.h>
#include <kernel/debug/selftest.h>
#include <lib/format.h>
#include <mm/boot_memory.h>
#include <mm/kmem.h>
#include <mm/kstack.h>
#include <mm/kva.h>
#include <mm/phys_ranges.h>

#include <string.h>

#include "cpu.h"
#include "pmap_bootstrap.h"
#include "sbi.h"
#include "timer.h"
#include "trap.h"

void run_static_constructors();

extern "C" char _start_image[], _end[];

namespace riscv {

namespace {

uint64_t g_hartid;
// The device tree stays mapped (and out of the page allocator's hands):
// g_plat's strings point into it.
FdtPlatform g_plat;
PhysRange g_dtb;
constexpr size_t MAX_FDT_SIZE = 2 << 20;

PageAllocator g_pages;
KmallocArena g_kmalloc(g_pages);
PageAllocatorPtSource g_pt_pages(g_pages);
PageTable g_kernel_pmap;
ZeroPool g_zero_pool(g_pages, 256);
// The page allocator's order-0 cache: enough for a run of faults and the
// frees of an exit's pages without a buddy split or merge each, small
// enough (256 KiB) that what it keeps from merging does not matter.
constexpr size_t PAGE_CACHE_PAGES = 64;

thread g_idle;
thread g_swi; // runs what interrupt handlers defer (kernel/sched/swi.h)

Ns16550 g_ns16550;
SifiveUart g_sifive_uart;
Plic g_plic;
const char* g_console_name = "sbi";

[[noreturn]] void boot_fail(const char* what, Errno e)
{
    panic("boot: %s failed: %s", what, errno_name(e));
}

// Reads the device tree through the boot direct map.  Without it there is
// nothing to go on, so a bad tree is a panic that names the problem.
void read_device_tree(PhysAddr dtb_pa, uint64_t hartid)
{
    auto fdt = Fdt::open(arch::phys_to_virt(dtb_pa), MAX_FDT_SIZE);
    if (!fdt.ok()) panic("device tree at %#lx: %s", dtb_pa.value(), fdt.fdt_error().reason);
    g_dtb = {dtb_pa, fdt.value().total_size()};
    auto plat = fdt_read_platform(fdt.value(), hartid);
    if (!plat.ok()) {
        char why[160];
        fdt_describe_error(fdt.value(), plat.fdt_error(), why, sizeof why);
        panic("device tree at %#lx: %s", dtb_pa.value(), why);
    }
    g_plat = plat.value();
}

// The facts memory_startup() and the direct map are built from.
BootMemory boot_memory(const KernelImage& image)
{
    BootMemory bm;
    bm.ram = g_plat.ram;
    bm.nram = g_plat.nram;
    static_assert(BootMemory::MAX_FIRMWARE >= FdtPlatform::kMaxReserved);
    for (size_t i = 0; i < g_plat.nreserved; i++)
        bm.firmware[bm.nfirmware++] = g_plat.reserved[i].range;
    bm.kernel = image.range();
    bm.dtb = g_dtb;
    bm.initrd = g_plat.initrd;
    return bm;
}

void memory_startup(const BootMemory& bm)
{
    PhysRange exclude[BootMemory::MAX_EXCLUSIONS];
    const size_t n = bm.allocator_exclusions(exclude);
    if (auto r = g_pages.init(bm.ram, bm.nram, exclude, n); !r.ok())
        boot_fail("page allocator", r.error());
    auto kpt = PageTable::create_kernel(g_pt_pages);
    if (!kpt.ok()) boot_fail("kernel page table", kpt.error());
    g_kernel_pmap = sprig::move(kpt.value());
    kmem_install({&g_pages, &g_kmalloc, &g_pt_pages, &g_kernel_pmap});
}

// A started console UART, whichever driver runs it: its console output
// and its receive interrupt in the PLIC's handler shape.
struct UartConsole {
    const ConsoleOutput* out = nullptr;
    IrqHandler intr = nullptr;
    void* ctx = nullptr;
};
UartConsole g_uart;

template <class Uart>
Result<UartConsole> uart_start(Uart& uart, const typename Uart::Config& cfg)
{
    TRY(uart.init(cfg));
    return UartConsole{uart.console(), Uart::intr_handler, &uart};
}

// The one place that picks the driver for the device tree's UART, whose
// registers are mapped at regs.
Result<UartConsole> uart_start(const FdtUart& u, volatile void* regs)
{
    const auto clock = static_cast<uint32_t>(u.clock_hz);
    switch (u.kind) {
    case FdtUartKind::Sifive: return uart_start(g_sifive_uart, {regs, clock, u.base, console_rx});
    case FdtUartKind::Ns16550:
        return uart_start(g_ns16550, {regs, Ns16550::Kind::Ns16550a, u.reg_shift,
                                      u.reg_io_width, clock, u.base, console_rx});
    case FdtUartKind::DesignWare:
        return uart_start(g_ns16550, {regs, Ns16550::Kind::DwApb, u.reg_shift,
                                      u.reg_io_width, clock, u.base, console_rx});
    case FdtUartKind::None: break;
    }
    return Errno::NoDev;
}

void console_startup()
{
    const FdtUart& u = g_plat.uart;
    if (u.kind == FdtUartKind::None) {
        kprintf("boot: no supported UART in the device tree; staying on the SBI console\n");
        return;
    }
    auto regs = pmap_mapdev(u.base, u.size ? u.size : arch::PAGE_SIZE);
    if (!regs.ok()) boot_fail("mapping the UART", regs.error());
    auto uart = uart_start(u, regs.value());
    if (!uart.ok()) {
        kprintf("boot: console %s: init failed (%s); staying on the SBI console\n", u.compatible,
                errno_name(uart.error()));
        return;
    }
    g_uart = uart.value();
    g_console_name = g_uart.out->name;
    console_set_output(g_uart.out);
}

void plic_external(void* plic) { static_cast<Plic*>(plic)->handle_external(); }

// Console input: the UART's receive interrupt, through the PLIC.
void interrupts_startup()
{
    const FdtPlic& p = g_plat.plic;
    if (!p.present || !p.has_context || !g_uart.intr || !g_plat.uart.has_irq) {
        kprintf("boot: no PLIC context or UART interrupt: console input is unavailable\n");
        return;
    }
    auto regs = pmap_mapdev(p.base, p.size);
    if (!regs.ok()) boot_fail("mapping the PLIC", regs.error());
    if (auto r = g_plic.init(regs.value(), p.ndev, p.context); !r.ok())
        boot_fail("PLIC init", r.error());
    if (auto r = g_plic.register_handler(g_plat.uart.irq, g_uart.intr, g_uart.ctx); !r.ok())
        boot_fail("registering the UART interrupt", r.error());
    if (auto r = g_plic.enable(g_plat.uart.irq, 1); !r.ok())
        boot_fail("enabling the UART interrupt", r.error());
    set_external_handler(plic_external, &g_plic);
    csr_set(sie, SIE_SEIE);
}

// From here on the boot thread is thread0 of proc0, one thread among
// others: the idle thread waits for interrupts, the swi thread does what
// interrupt handlers may not, init (pid 1) reaps orphans, pagezero fills
// the zero pool.
void sched_startup()
{
    strncpy(thread0.td_name, "thread0", sizeof thread0.td_name - 1);
    strncpy(g_idle.td_name, "idle", sizeof g_idle.td_name - 1);
    thread0.td_priority = thread0.td_base_pri = PUSER;
    auto stack = kstack_alloc();
    if (!stack.ok()) boot_fail("idle thread stack", stack.error());
    g_idle.td_kstack_obj = stack.value();
    sched_thread_setup(&g_idle, reinterpret_cast<void*>(stack.value().lo().value()),
                       stack.value().size(), sched_idle_loop, nullptr);
    sched_init(&thread0, &g_idle);
    sched_set_timeshare(&thread0, true);
    auto swi_stack = kstack_alloc();
    if (!swi_stack.ok()) boot_fail("swi thread stack", swi_stack.error());
    g_swi.td_kstack_obj = swi_stack.value();
    swi_start(&g_swi, reinterpret_cast<void*>(swi_stack.value().lo().value()), swi_stack.value().size());
    sched_set_reaper(thread_free_stack);
    g_pages.set_cache_limit(PAGE_CACHE_PAGES);
    kmem_set_zero_pool(&g_zero_pool);
    g_pt_pages.attach_zero_pool(&g_zero_pool);
    proc_startup(g_pages, g_pages.total_pages());
    pagezero_start(&g_zero_pool);
}

void print_range(const char* label, const PhysRange& r)
{
    kprintf("%-10s%#010lx-%#010lx (%lu %s)\n", label, r.base.value(), r.end().value() - 1,
            r.size >= (uint64_t{1} << 20) ? r.size >> 20 : r.size >> 10,
            r.size >= (uint64_t{1} << 20) ? "MiB" : "KiB");
}

void print_banner(const KernelImage& image)
{
    const long v = sbi::impl_version();
    const long spec = sbi::spec_version();
    kprintf("hart:     %lu (SBI: %s %ld.%ld, spec %ld.%ld%s)\n", g_hartid,
            sbi::impl_name(sbi::impl_id()), v >> 16, v & 0xffff, (spec >> 24) & 0x7f,
            spec & 0xffffff, sbi::has_dbcn() ? ", DBCN" : "");
    kprintf("isa:      %s\n", g_plat.isa);
    for (size_t i = 0; i < g_plat.nram; i++) print_range("ram:", g_plat.ram[i]);
    for (size_t i = 0; i < g_plat.nreserved; i++) print_range("reserved:", g_plat.reserved[i].range);
    kprintf("kernel:   %#010lx-%#010lx at %#lx\n", image.load.value(),
            image.load.value() + image.size - 1, reinterpret_cast<uint64_t>(_start_image));
    print_range("dtb:", g_dtb);
    if (g_plat.initrd.size)
        print_range("initrd:", g_plat.initrd);
    else
        kprintf("initrd:   none\n");
    kprintf("console:  %s (irq %u)\n", g_console_name, g_plat.uart.irq);
    if (g_plat.plic.present)
        kprintf("plic:     %#lx, %u sources, context %u\n", g_plat.plic.base.value(),
                g_plat.plic.ndev, g_plat.plic.context);
    kprintf("timebase: %lu Hz, timer by %s\n", g_plat.timebase_hz,
            timer_uses_sstc() ? "Sstc stimecmp" : "SBI set_timer");
    kprintf("paging:   Sv39, %u ASID bits\n", asid_bits());
    kprintf("memory:   %lu pages free of %lu\n", g_pages.free_pages(), g_pages.total_pages());
    kprintf("cmdline:  \"%s\"\n", g_plat.bootargs);
}

// The kernel runs with the FPU off, so a stray FP instruction traps.
bool fpu_off(char* why, size_t len)
{
    const uint64_t fs = csr_read(sstatus) & SSTATUS_FS;
    if (fs == 0) return true;
    snformat(why, len, "sstatus.FS is %#lx, not Off", fs >> 13);
    return false;
}

const SelftestCase machine_cases[] = {
    {"kernel mappings: W^X, A/D, nothing in the user half", check_kernel_mappings},
    {"FPU off in the kernel (sstatus.FS = Off)", fpu_off},
};

} // namespace

uint64_t boot_hartid() { return g_hartid; }
void set_boot_hartid(uint64_t id) { g_hartid = id; }

} // namespace riscv

extern "C" [[noreturn]] void init_riscv(uint64_t hartid, uint64_t dtb_pa, uint64_t load_pa)
{
    using namespace riscv;
    set_boot_hartid(hartid);
    trap_init();
    // User programs may read cycle, time and instret, as on Linux, to time
    // themselves (the firmware's mcounteren must allow them as well).
    csr_write(scounteren, SCOUNTEREN_CY | SCOUNTEREN_TM | SCOUNTEREN_IR);
    run_static_constructors();
    sbi::probe();
    kprintf("\nSprig %s (RISC-V, Sv39) on hart %lu, loaded at %#lx\n", SPRIG_VERSION, hartid,
            load_pa);

    read_device_tree(PhysAddr(dtb_pa), hartid);
    // Entropy for randompid and friends: the device tree's rng-seed when
    // the loader provides one, and the timer (boot time varies a little).
    if (g_plat.rng_seed_len) random_seed(g_plat.rng_seed, g_plat.rng_seed_len);
    const uint64_t now = arch::read_time();
    random_seed(&now, sizeof now);
    CmdLine& cmdline = kernel_cmdline();
    if (auto r = cmdline.parse(g_plat.bootargs); !r.ok())
        kprintf("boot: command line: %s (the rest is ignored)\n", cmdline.error());

    const KernelImage image{PhysAddr(load_pa),
                            static_cast<uint64_t>(_end - _start_image)};
    const BootMemory bm = boot_memory(image);
    memory_startup(bm);
    PhysRangeSet dmap;
    if (auto r = bm.direct_map(dmap); !r.ok()) boot_fail("direct map ranges", r.error());
    pmap_bootstrap(image, dmap);
    // The initrd stays in the direct map for the kernel's life.
    if (g_plat.initrd.size)
        initrd_set(arch::phys_to_virt(g_plat.initrd.base), g_plat.initrd.size);

    console_startup();
    clock_set_timebase(g_plat.timebase_hz);
    timer_init(g_plat.timebase_hz, fdt_cpu_has_extension(g_plat, "sstc"));
    print_banner(image);
    interrupts_startup();
    arch::intr_enable();

    // The self-tests (a thousand lines, two thousand forks, deliberate
    // faults) are for the test suites and for whoever asks: a user's boot
    // goes straight to the first program.
    const bool selftest = cmdline.has("selftest");
    if (selftest) selftest_run(machine_cases, sizeof machine_cases / sizeof machine_cases[0]);
    crash_on_request(cmdline.get("crash"));
    sched_startup();
    if (selftest) proc_selftest_run();
    start_userland(cmdline);
}
