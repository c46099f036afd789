// One trace record on its way (FreeBSD's ktr_request, reduced): the
// header and the body in one kmalloc'd block, written whole to the
// process's sink and freed.  FreeBSD queues requests and writes them at
// the system call's end; Sprig writes each at once, from the traced
// thread, which is what FreeBSD does for a synchronous trace.
#pragma once

#include <stddef.h>
#include <abi/ktrace.h>

struct thread;

// A record of type for td's process with a body of len bytes after the
// header (ktr_getrequest), or null: not traced for it, or no memory (the
// record is lost, and the next one carries KTR_DROP; KTRFAC_DROP says so
// meanwhile).  The body follows the header: ktr_body().
ktr_header* ktr_getrequest(thread* td, int16_t type, size_t len);
inline void* ktr_body(ktr_header* h) { return h + 1; }
// Writes the record whole to td's process's sink and frees it
// (ktr_submitrequest).  A write error stops tracing into that sink for
// every process (ktr_writerequest's error path); a write a signal cut
// before any byte moved loses only this record (KTRFAC_DROP).
void ktr_submitrequest(thread* td, ktr_header* h);
// Frees a record not written (ktr_freerequest).
void ktr_freerequest(ktr_header* h);
