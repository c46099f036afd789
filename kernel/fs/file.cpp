#include <kernel/fs/file.h>

Result<file*> falloc_noinstall(FileZone& zone)
{
    file* fp = TRY(zone.create());
    fp->f_zone = &zone;
    return fp;
}

void finit(file* fp, uint32_t flag, FileType type, void* data, const fileops* ops)
{
    KASSERT(fp && fp->f_count > 0, "finit of a freed file");
    KASSERT((flag & ~FMASK) == 0, "finit: f_flag %#x has bits outside FMASK", flag);
    KASSERT(ops != nullptr, "finit without fileops");
    fp->f_flag = flag;
    fp->f_type = type;
    fp->f_data = data;
    fp->f_ops = ops;
}

Errno fdrop_last(file* fp)
{
    KASSERT(fp && fp->f_count == 0, "fdrop_last of a file with %u references", fp ? fp->f_count : 0u);
    const Errno error = fp->f_ops && fp->f_ops->fo_close ? fp->f_ops->fo_close(fp) : Errno::Ok;
    fp->f_zone->destroy(fp);
    return error;
}
