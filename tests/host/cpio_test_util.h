// cpio "newc" archives built in memory for the initrd and exec tests.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace cpiotest {

inline std::string member(const std::string& name, const std::string& data, uint32_t mode = 0100644,
                   const char* magic = "070701")
{
    char h[111];
    snprintf(h, sizeof h, "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic, 1u,
             mode, 0u, 0u, 1u, 0u, static_cast<unsigned>(data.size()), 0u, 0u, 0u, 0u,
             static_cast<unsigned>(name.size() + 1), 0u);
    std::string m(h, 110);
    m += name;
    m += '\0';
    while (m.size() % 4) m += '\0';
    m += data;
    while (m.size() % 4) m += '\0';
    return m;
}

inline std::string archive(const std::vector<std::string>& members)
{
    std::string a;
    for (const std::string& m : members) a += m;
    return a + member("TRAILER!!!", "", 0);
}

} // namespace cpiotest
