// A small ELF executable built in memory for the exec tests.
#pragma once

#include <kernel/exec/elf.h>

#include <cstring>
#include <string>
#include <vector>

namespace elftest {

// A small executable: text (read, execute) at 0x10000 from file offset
// 0x1000, data (read, write) at 0x12000 from 0x1200 with bss after it.
struct ElfBuilder {
    Elf64_Ehdr eh{};
    std::vector<Elf64_Phdr> ph;

    ElfBuilder()
    {
        const unsigned char ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
        memcpy(eh.e_ident, ident, sizeof ident);
        eh.e_type = ET_EXEC;
        eh.e_machine = EM_RISCV;
        eh.e_version = 1;
        eh.e_entry = 0x10100;
        eh.e_phoff = sizeof(Elf64_Ehdr);
        eh.e_ehsize = sizeof(Elf64_Ehdr);
        eh.e_phentsize = sizeof(Elf64_Phdr);
        ph.push_back({PT_LOAD, PF_R | PF_X, 0x1000, 0x10000, 0x10000, 0x200, 0x200, 0x1000});
        ph.push_back({PT_LOAD, PF_R | PF_W, 0x1200, 0x12000, 0x12000, 0x80, 0x1000, 0x1000});
        ph.push_back({0x6474e551 /* PT_GNU_STACK */, PF_R | PF_W, 0, 0, 0, 0, 0, 16});
    }

    std::string bytes() const
    {
        Elf64_Ehdr h = eh;
        if (h.e_phnum == 0 && !ph.empty()) h.e_phnum = static_cast<uint16_t>(ph.size());
        std::string f(0x1280, '\0');
        memcpy(&f[0], &h, sizeof h);
        for (size_t i = 0; i < ph.size() && sizeof h + (i + 1) * sizeof(Elf64_Phdr) <= f.size(); i++)
            memcpy(&f[sizeof h + i * sizeof(Elf64_Phdr)], &ph[i], sizeof(Elf64_Phdr));
        for (size_t i = 0x1000; i < f.size(); i++) f[i] = static_cast<char>(i);
        return f;
    }
};

} // namespace elftest
