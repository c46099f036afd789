// exec's ELF checks: a static RV64 executable becomes a load plan; every
// other kind of file, and every malformed one, is ENOEXEC, read within its
// bounds (truncations run in buffers of exactly their size, under ASan).
#include <doctest/doctest.h>

#include "elf_test_util.h"

#include <kernel/exec/elf.h>

#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

using elftest::ElfBuilder;

namespace {

Result<ElfImage> parse(const std::string& f) { return elf_parse(f.data(), f.size()); }

Errno parse_with(const std::function<void(ElfBuilder&)>& change)
{
    ElfBuilder b;
    change(b);
    return parse(b.bytes()).error();
}

} // namespace

TEST_CASE("elf: a static RV64 executable gives its PT_LOAD segments in address order")
{
    ElfBuilder b;
    std::swap(b.ph[0], b.ph[1]); // program headers need not be sorted
    const ElfImage img = parse(b.bytes()).value();
    CHECK(img.entry == 0x10100);
    REQUIRE(img.nsegments == 2);
    CHECK(img.segments[0].vaddr == 0x10000);
    CHECK(img.segments[0].prot == (VM_PROT_READ | VM_PROT_EXECUTE));
    CHECK(img.segments[0].offset == 0x1000);
    CHECK(img.segments[0].filesz == 0x200);
    CHECK(img.segments[1].vaddr == 0x12000);
    CHECK(img.segments[1].prot == (VM_PROT_READ | VM_PROT_WRITE));
    CHECK(img.segments[1].memsz == 0x1000); // bss after the file bytes
    CHECK(img.segments[1].filesz == 0x80);
}

TEST_CASE("elf: other files are ENOEXEC: not ELF, 32-bit, big-endian, PIE, another machine, dynamic")
{
    CHECK(parse("#!/bin/sh\necho hello\n").error() == Errno::NoExec);
    CHECK(parse("").error() == Errno::NoExec);
    CHECK(parse_with([](ElfBuilder& b) { b.eh.e_ident[1] = 'e'; }) == Errno::NoExec);
    CHECK(parse_with([](ElfBuilder& b) { b.eh.e_ident[4] = 1; }) == Errno::NoExec);  // ELFCLASS32
    CHECK(parse_with([](ElfBuilder& b) { b.eh.e_ident[5] = 2; }) == Errno::NoExec);  // big-endian
    CHECK(parse_with([](ElfBuilder& b) { b.eh.e_type = 3; }) == Errno::NoExec);      // ET_DYN: PIE
    CHECK(parse_with([](ElfBuilder& b) { b.eh.e_machine = 62; }) == Errno::NoExec);  // x86-64
    CHECK(parse_with([](ElfBuilder& b) { b.eh.e_version = 0; }) == Errno::NoExec);
    CHECK(parse_with([](ElfBuilder& b) {
              b.ph.push_back({PT_INTERP, PF_R, 0x1000, 0x20000, 0, 0x10, 0x10, 1});
          }) == Errno::NoExec);
    CHECK(parse_with([](ElfBuilder& b) {
              b.ph.push_back({PT_DYNAMIC, PF_R, 0x1000, 0x20000, 0, 0x10, 0x10, 8});
          }) == Errno::NoExec);
}

TEST_CASE("elf: absurd headers and segments are ENOEXEC")
{
    CHECK(parse_with([](ElfBuilder& b) { b.eh.e_phentsize = 32; }) == Errno::NoExec);
    CHECK(parse_with([](ElfBuilder& b) { b.ph.clear(); }) == Errno::NoExec);     // no program headers
    CHECK(parse_with([](ElfBuilder& b) { b.eh.e_phoff = 0x1270; }) == Errno::NoExec); // past the end
    CHECK(parse_with([](ElfBuilder& b) { b.eh.e_phoff = ~uint64_t{0} - 8; }) == Errno::NoExec);
    CHECK(parse_with([](ElfBuilder& b) { b.ph[1].p_filesz = 0x2000; }) == Errno::NoExec); // > memsz
    CHECK(parse_with([](ElfBuilder& b) { b.ph[1].p_offset = 0x1270; }) == Errno::NoExec); // past the file
    CHECK(parse_with([](ElfBuilder& b) { b.ph[0].p_vaddr = 0; }) == Errno::NoExec);       // page 0
    CHECK(parse_with([](ElfBuilder& b) { b.ph[1].p_vaddr = 0x3fffffff00; }) == Errno::NoExec);
    CHECK(parse_with([](ElfBuilder& b) { b.ph[1].p_memsz = ~uint64_t{0}; }) == Errno::NoExec);
    CHECK(parse_with([](ElfBuilder& b) { b.ph[1].p_memsz = 0; b.ph[1].p_filesz = 0; }) == Errno::NoExec);
    // Two segments in one page.
    CHECK(parse_with([](ElfBuilder& b) { b.ph[1].p_vaddr = 0x10800; }) == Errno::NoExec);
    // The entry point in the data, or nowhere.
    CHECK(parse_with([](ElfBuilder& b) { b.eh.e_entry = 0x12010; }) == Errno::NoExec);
    CHECK(parse_with([](ElfBuilder& b) { b.eh.e_entry = 0x50000; }) == Errno::NoExec);
    // More segments than a plan holds.
    CHECK(parse_with([](ElfBuilder& b) {
              for (uint64_t i = 0; i < 8; i++)
                  b.ph.push_back({PT_LOAD, PF_R, 0x1000, 0x100000 + i * 0x10000, 0, 0x10, 0x10, 0x1000});
          }) == Errno::NoExec);
}

TEST_CASE("elf: every truncation is ENOEXEC, read within the bytes given")
{
    const std::string f = ElfBuilder().bytes();
    for (size_t n = 0; n < f.size(); n++) {
        CAPTURE(n);
        std::unique_ptr<char[]> buf(new char[n ? n : 1]);
        memcpy(buf.get(), f.data(), n);
        CHECK(elf_parse(buf.get(), n).error() == Errno::NoExec);
    }
    CHECK(elf_parse(f.data(), f.size()).ok());
}
