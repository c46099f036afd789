// truss's printing half: see dump.h.
#include "dump.h"

#include <unistd.h>

#include <user/lib/ktrace_format.h>
#include <user/lib/ktrace_reader.h>

namespace truss {

namespace {

long fd_read(void* ctx, void* buf, size_t n) { return read(*static_cast<int*>(ctx), buf, n); }

void file_write(void* ctx, const char* s, size_t n) { fwrite(s, 1, n, static_cast<FILE*>(ctx)); }

} // namespace

int dump(int fd, FILE* out)
{
    ktr::Reader reader({fd_read, &fd});
    ktr::Formatter f(ktr::Options{}, {file_write, out});
    ktr::Record r;
    for (;;) {
        const ktr::Status st = reader.next(&r);
        if (st == ktr::Status::End) return 0;
        if (st == ktr::Status::Error) {
            fprintf(stderr, "truss: %s\n", reader.error());
            return 1;
        }
        f.record(r);
        fflush(out);
    }
}

} // namespace truss
