// The C++ side of the user-copy primitives (copyio.S): the running
// thread's recovery slot, and the Errno the assembly returns as an int.
#include <kernel/machdep.h>
#include <kernel/proc/proc.h>
#include <kernel/sched/sched.h>
#include <lib/kassert.h>

extern "C" int riscv_copy_user(void* dst, const void* src, size_t len, uint64_t* onfault);
extern "C" int riscv_copy_user_str(char* dst, const void* src, size_t maxlen, size_t* copied,
                                   uint64_t* onfault);

namespace arch {

namespace {

uint64_t* onfault_slot()
{
    thread* td = curthread();
    KASSERT(td, "a user copy before the scheduler runs");
    KASSERT(td->td_md.md_onfault == 0, "nested user copy in thread %s", td->td_name);
    return &td->td_md.md_onfault;
}

const void* user_ptr(uint64_t uaddr) { return reinterpret_cast<const void*>(uaddr); }

} // namespace

Errno copy_from_user(void* kdst, uint64_t usrc, size_t len)
{
    return static_cast<Errno>(riscv_copy_user(kdst, user_ptr(usrc), len, onfault_slot()));
}

Errno copy_to_user(uint64_t udst, const void* ksrc, size_t len)
{
    return static_cast<Errno>(
        riscv_copy_user(const_cast<void*>(user_ptr(udst)), ksrc, len, onfault_slot()));
}

Errno copy_str_from_user(char* kdst, uint64_t usrc, size_t maxlen, size_t* copied)
{
    return static_cast<Errno>(
        riscv_copy_user_str(kdst, user_ptr(usrc), maxlen, copied, onfault_slot()));
}

} // namespace arch
