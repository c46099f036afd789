#include <kernel/debug/selftest_user.h>

extern "C" const unsigned char selftest_user_touch[], selftest_user_touch_end[];
extern "C" const unsigned char selftest_user_segv[], selftest_user_segv_end[];
extern "C" const unsigned char selftest_user_spin[], selftest_user_spin_end[];

namespace arch {

UserCode selftest_user_program(SelftestProgram which)
{
    switch (which) {
    case SelftestProgram::TouchPages:
        return {selftest_user_touch, static_cast<size_t>(selftest_user_touch_end - selftest_user_touch)};
    case SelftestProgram::StoreToNull:
        return {selftest_user_segv, static_cast<size_t>(selftest_user_segv_end - selftest_user_segv)};
    case SelftestProgram::Spin:
        return {selftest_user_spin, static_cast<size_t>(selftest_user_spin_end - selftest_user_spin)};
    }
    return {nullptr, 0};
}

} // namespace arch
