// The host tests run the real Sv39 format.
#pragma once
#include "../../../riscv/include/arch/pte.h"
