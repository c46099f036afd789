// vaccess: one class of the mode (owner, else group, else other) decides
// for an ordinary user; root may read and write anything and execute
// whatever has at least one execute bit.
#include <doctest/doctest.h>

#include <kernel/fs/vaccess.h>
#include <kernel/fs/vnode.h>
#include <kernel/proc/ucred.h>

namespace {

vnode regular_file(uint16_t mode, uint32_t uid, uint32_t gid)
{
    vnode v;
    v.v_type = VType::VREG;
    v.v_mode = mode;
    v.v_uid = uid;
    v.v_gid = gid;
    return v;
}

ucred cred(uint32_t uid, uint32_t gid, uint32_t extra_group = 0)
{
    ucred c;
    c.cr_uid = c.cr_ruid = c.cr_svuid = uid;
    c.cr_groups[0] = gid;
    c.cr_ngroups = 1;
    if (extra_group) c.cr_groups[c.cr_ngroups++] = extra_group;
    return c;
}

bool may(const vnode& v, unsigned acc, const ucred& c) { return vaccess(&v, acc, &c).ok(); }

} // namespace

TEST_CASE("vaccess: the owner's, the group's or the others' bits, only one class consulted")
{
    const ucred owner = cred(1000, 100), member = cred(1001, 200, 100), other = cred(1002, 300);
    const vnode rx_owner = regular_file(0700, 1000, 100);
    CHECK(may(rx_owner, VEXEC, owner));
    CHECK(!may(rx_owner, VEXEC, member));
    CHECK(!may(rx_owner, VEXEC, other));
    const vnode x_group = regular_file(0010, 1000, 100); // the owner is not in "group" for this
    CHECK(!may(x_group, VEXEC, owner));
    CHECK(may(x_group, VEXEC, member));          // through a supplementary group
    CHECK(!may(x_group, VEXEC, other));
    const vnode x_other = regular_file(0001, 1000, 100);
    CHECK(!may(x_other, VEXEC, owner));
    CHECK(!may(x_other, VEXEC, member));
    CHECK(may(x_other, VEXEC, other));
    const vnode data = regular_file(0644, 1000, 100);
    CHECK(!may(data, VEXEC, owner));
    CHECK(may(data, VREAD | VWRITE, owner));
    CHECK(may(data, VREAD, other));
    CHECK(!may(data, VWRITE, other));
    CHECK(vaccess(&data, VEXEC, &owner).error() == Errno::Acces);
}

TEST_CASE("vaccess: root needs one execute bit somewhere, and nothing else")
{
    const ucred root = cred(0, 0);
    CHECK(!may(regular_file(0644, 1000, 100), VEXEC, root));
    CHECK(!may(regular_file(0666, 0, 0), VEXEC, root));
    CHECK(may(regular_file(0100, 1000, 100), VEXEC, root));
    CHECK(may(regular_file(0001, 1000, 100), VEXEC, root));
    CHECK(may(regular_file(0000, 1000, 100), VREAD | VWRITE, root));
}
