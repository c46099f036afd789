// The sysctl registry: a fixed table, searched linearly (a few dozen nodes).
#include <kernel/sysctl/sysctl.h>

#include <string.h>

namespace {

constinit SysctlRegistry g_kernel_sysctl;

bool same_oid(const SysctlNode& n, const int* oid, size_t len)
{
    return n.oid_len == len && memcmp(n.oid, oid, len * sizeof(int)) == 0;
}

// One number a prefix of the other: a leaf that would also be a subtree,
// or the same node twice.  Numbers given in separate files (sysctl_oids,
// fail_sysctl, zone_sysctl) meet here.
bool oid_clash(const SysctlNode& n, const int* oid, size_t len)
{
    const size_t common = n.oid_len < len ? n.oid_len : len;
    return n.oid_len != 0 && memcmp(n.oid, oid, common * sizeof(int)) == 0;
}

} // namespace

Result<void> SysctlRegistry::add(const SysctlNode& node)
{
    if (node.name == nullptr || node.name[0] == '\0' || (node.value == nullptr) == (node.get == nullptr) ||
        (node.get != nullptr && (node.flags & CTLFLAG_WR) != 0) ||
        (node.flags & CTLFLAG_RW) == 0 || node.oid_len > SYSCTL_MAXNAME)
        return Errno::Inval;
    if (find(node.name) != nullptr)
        return Errno::Exist;
    SysctlNode n = node;
    if (n.oid_len == 0)
        n.oid_len = sysctl_oid_lookup(n.name, n.oid);
    for (size_t i = 0; n.oid_len != 0 && i < count_; i++)
        if (oid_clash(nodes_[i], n.oid, n.oid_len))
            return Errno::Exist;
    if (count_ == MAX_NODES)
        return Errno::NoMem;
    nodes_[count_++] = n;
    return {};
}

const SysctlNode* SysctlRegistry::find(const char* name) const
{
    KASSERT(name != nullptr, "sysctl lookup of a null name");
    for (size_t i = 0; i < count_; i++)
        if (strcmp(nodes_[i].name, name) == 0)
            return &nodes_[i];
    return nullptr;
}

const SysctlNode* SysctlRegistry::find(const int* oid, size_t oid_len) const
{
    if (oid_len == 0)
        return nullptr;
    for (size_t i = 0; i < count_; i++)
        if (same_oid(nodes_[i], oid, oid_len))
            return &nodes_[i];
    return nullptr;
}

SysctlNode* SysctlRegistry::find_mut(const char* name)
{
    return const_cast<SysctlNode*>(static_cast<const SysctlRegistry*>(this)->find(name));
}

Result<int> SysctlRegistry::read(const char* name) const
{
    const SysctlNode* node = find(name);
    if (node == nullptr)
        return Errno::NoEnt;
    return value_of(*node);
}

int SysctlRegistry::value_of(const SysctlNode& node)
{
    return node.get ? node.get(node.get_arg) : *node.value;
}

// The order of the checks is FreeBSD's sysctl_root(): writability first,
// then privilege, then the handler.
Result<int> SysctlRegistry::write(const char* name, int value, bool privileged)
{
    SysctlNode* node = find_mut(name);
    if (node == nullptr)
        return Errno::NoEnt;
    if ((node->flags & CTLFLAG_WR) == 0)
        return Errno::Perm;
    if ((node->flags & CTLFLAG_ROOTWR) != 0 && !privileged)
        return Errno::Perm;
    KASSERT(node->value != nullptr, "writable sysctl %s has no variable", name);
    const int stored = node->handler ? TRY(node->handler(value)) : value;
    const int old = *node->value;
    *node->value = stored;
    return old;
}

SysctlRegistry& kernel_sysctl() { return g_kernel_sysctl; }

Result<void> sysctl_add_counters(SysctlRegistry& registry, const SysctlCounter* counters, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        SysctlNode node;
        node.name = counters[i].name;
        node.flags = CTLFLAG_RD;
        // uint32_t may be read through int (its signed counterpart).
        node.value = reinterpret_cast<int*>(counters[i].value);
        node.descr = counters[i].descr;
        TRY(registry.add(node));
    }
    return {};
}
