// The little C++ runtime a freestanding kernel needs.  There is no
// throwing operator new: using it fails to link, as intended (objects come
// from zones and kmalloc through Result-returning factories).
#include <stddef.h>
#include <lib/kassert.h>

extern "C" void __cxa_pure_virtual() { panic("pure virtual function called"); }

// Deleting destructors of classes with virtual destructors refer to these;
// kernel objects are never deleted through them.
void operator delete(void* p) noexcept { panic("operator delete(%p) in the kernel", p); }
void operator delete(void* p, size_t) noexcept { panic("operator delete(%p) in the kernel", p); }

// With -fno-use-cxa-atexit, static objects register destructors here; the
// kernel never exits, so they never run.
extern "C" int atexit(void (*)()) { return 0; }

// Static constructors, run once from init_riscv before anything else.
using InitFn = void (*)();
extern "C" InitFn __init_array_start[], __init_array_end[];

void run_static_constructors()
{
    for (InitFn* f = __init_array_start; f != __init_array_end; f++) (*f)();
}
