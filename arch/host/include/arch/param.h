// Host tests share the kernel's layout constants.
#pragma once
#include "../../../riscv/include/arch/param.h"
