#include <kernel/vm/vm_mmap.h>

#include <abi/mman.h>
#include <abi/resource.h>
#include <arch/pte.h>
#include <kernel/fs/file.h>
#include <kernel/fs/filedesc.h>
#include <kernel/proc/proc.h>
#include <kernel/proc/resource.h>
#include <mm/vmspace.h>

namespace {

constexpr uint64_t PAGE_MASK = arch::PAGE_SIZE - 1;

// [addr, addr + len) rounded out to pages, within the user half.  Any
// range that does not fit below 2^64 once rounded is refused before the
// sum is formed: a len within a page of 2^64 would round to one page.
bool page_range(uint64_t addr, uint64_t len, uint64_t* start, uint64_t* size)
{
    if (len == 0 || len > UINT64_MAX - PAGE_MASK || addr > UINT64_MAX - PAGE_MASK - len)
        return false;
    *start = addr & ~PAGE_MASK;
    *size = ((addr + len + PAGE_MASK) & ~PAGE_MASK) - *start;
    return *start >= VM_MIN_USER_ADDRESS && *start + *size <= VM_MAX_USER_ADDRESS;
}

vm_prot_t vm_prot(int prot) { return static_cast<vm_prot_t>(prot & VM_PROT_ALL); }

vmspace* space_of(thread* td) { return td->td_proc->p_vmspace; }

// A file mapping of descriptor fd: Sprig maps no file (tmpfs's and the
// initrd's included), so an open descriptor is ENODEV, as FreeBSD answers
// for a file that cannot be mapped; a closed one is EBADF.
Errno file_mapping_error(thread* td, int fd)
{
    if (fd < 0) return Errno::Inval;
    Result<file*> fp = fget(td->td_proc->p_fd, fd);
    if (!fp.ok()) return fp.error();
    (void)fdrop(fp.value());
    return Errno::NoDev;
}

} // namespace

Errno kern_mmap(thread* td, uint64_t addr, uint64_t len, int prot, int flags, int fd, int64_t pos)
{
    const int sharing = flags & (MAP_SHARED | MAP_PRIVATE);
    if (flags & ~(MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANON)) return Errno::Inval;
    if (!(flags & MAP_ANON)) return file_mapping_error(td, fd);
    if (fd != -1 || pos != 0) return Errno::Inval;
    if (sharing != MAP_SHARED && sharing != MAP_PRIVATE) return Errno::Inval;
    if (len == 0 || len > VM_MAX_USER_ADDRESS) return Errno::Inval;
    const uint64_t size = (len + PAGE_MASK) & ~PAGE_MASK;
    const VmInherit inherit = sharing == MAP_SHARED ? VmInherit::Share : VmInherit::Copy;
    vmspace* vm = space_of(td);
    uint64_t start;
    if (flags & MAP_FIXED) {
        if ((addr & PAGE_MASK) || addr < VM_MIN_USER_ADDRESS || addr > VM_MAX_USER_ADDRESS - size)
            return Errno::Inval;
        start = addr;
        // Whatever was there goes first, as FreeBSD's MAP_FIXED does.
        if (auto r = vmspace_unmap(vm, start, size); !r.ok()) return r.error();
    } else {
        const uint64_t hint = addr < MMAP_BASE ? MMAP_BASE : addr;
        Result<uint64_t> r = vm->vm_map.findspace(hint, size);
        if (!r.ok()) return Errno::NoMem;
        start = r.value();
    }
    if (auto r = vmspace_map_anon(vm, start, size, vm_prot(prot), inherit); !r.ok())
        return r.error();
    td->td_retval[0] = start;
    return Errno::Ok;
}

Errno kern_munmap(thread* td, uint64_t addr, uint64_t len)
{
    uint64_t start, size;
    if (!page_range(addr, len, &start, &size)) return Errno::Inval;
    if (auto r = vmspace_unmap(space_of(td), start, size); !r.ok()) return r.error();
    return Errno::Ok;
}

Errno kern_mprotect(thread* td, uint64_t addr, uint64_t len, int prot)
{
    uint64_t start, size;
    if (!page_range(addr, len, &start, &size)) return Errno::Inval;
    if (auto r = vmspace_protect(space_of(td), start, size, vm_prot(prot)); !r.ok())
        return r.error();
    return Errno::Ok;
}

Errno kern_break(thread* td, uint64_t nsize)
{
    const rlim_t limit = lim_cur(td->td_proc->p_limit, RLIMIT_DATA);
    if (auto r = vmspace_break(space_of(td), nsize, limit); !r.ok()) return r.error();
    return Errno::Ok;
}
