// Credentials (crget/crhold/crfree/crcopy/crdup), per-uid records
// (uifind/uihold/uifree, chgproccnt) and priv_check_cred.
#include "cred_test_util.h"

#include <kernel/proc/priv.h>

using namespace credtest;

TEST_CASE("ucred: crget gives one reference and zero ids; crfree at zero frees")
{
    CredEnv env;
    ucred* cr = crget(env.creds).value();
    CHECK(cr->cr_ref == 1);
    CHECK(cr->cr_uid == 0);
    CHECK(cr->cr_ruid == 0);
    CHECK(cr->cr_gid() == 0);
    CHECK(cr->cr_ngroups == 1);
    CHECK(cr->cr_uidinfo == nullptr);
    CHECK(env.creds.objects_in_use() == 1);
    crfree(cr);
    CHECK(env.creds.objects_in_use() == 0);
}

TEST_CASE("ucred: crhold counts, the object goes only with the last crfree")
{
    CredEnv env;
    ucred* cr = cred_create(env.creds, env.uids, 1001, 20).value();
    CHECK(crhold(cr) == cr);
    CHECK(crhold(cr) == cr);
    CHECK(cr->cr_ref == 3);
    CHECK(cred_shared(cr));
    crfree(cr);
    crfree(cr);
    CHECK(cr->cr_ref == 1);
    CHECK_FALSE(cred_shared(cr));
    CHECK(env.creds.objects_in_use() == 1);
    CHECK(env.uids.count() == 1); // still referenced by the credential
    crfree(cr);
    CHECK(env.creds.objects_in_use() == 0);
    CHECK(env.uids.count() == 0); // the credential held the last references
}

TEST_CASE("ucred: cred_create sets every id and references the uid's record twice")
{
    CredEnv env;
    ucred* cr = cred_create(env.creds, env.uids, 1001, 20).value();
    CHECK(cr->cr_uid == 1001);
    CHECK(cr->cr_ruid == 1001);
    CHECK(cr->cr_svuid == 1001);
    CHECK(cr->cr_gid() == 20);
    CHECK(cr->cr_rgid == 20);
    CHECK(cr->cr_svgid == 20);
    uidinfo* uip = env.uids.lookup(1001);
    REQUIRE(uip != nullptr);
    CHECK(cr->cr_uidinfo == uip);
    CHECK(cr->cr_ruidinfo == uip);
    CHECK(uip->ui_ref == 2); // effective and real, nothing else
    crfree(cr);
}

TEST_CASE("ucred: crdup copies ids and takes its own uidinfo references")
{
    CredEnv env;
    ucred* a = cred_create(env.creds, env.uids, 1001, 20).value();
    a->cr_ngroups = 3;
    a->cr_groups[1] = 5;
    a->cr_groups[2] = 6;
    uidinfo* uip = a->cr_uidinfo;
    ucred* b = crdup(a).value();
    CHECK(b != a);
    CHECK(b->cr_ref == 1);
    CHECK(b->cr_uid == 1001);
    CHECK(b->cr_ruid == 1001);
    CHECK(b->cr_svuid == 1001);
    CHECK(b->cr_ngroups == 3);
    CHECK(b->cr_groups[1] == 5);
    CHECK(b->cr_groups[2] == 6);
    CHECK(b->cr_uidinfo == uip);
    CHECK(uip->ui_ref == 4);

    // The copy changes alone: a seteuid-like change on it.
    uidinfo* root = env.uids.uifind(0).value();
    change_euid(b, root);
    uifree(root); // b holds its own reference
    CHECK(b->cr_uid == 0);
    CHECK(a->cr_uid == 1001);
    CHECK(uip->ui_ref == 3);
    CHECK(root->ui_ref == 1);
    crfree(a);
    CHECK(uip->ui_ref == 1); // b's real uid
    crfree(b);
    CHECK(env.uids.count() == 0);
}

TEST_CASE("ucred: crcopy over a credential with records drops the old ones")
{
    CredEnv env;
    ucred* a = cred_create(env.creds, env.uids, 7, 7).value();
    ucred* b = cred_create(env.creds, env.uids, 8, 8).value();
    crcopy(b, a);
    CHECK(b->cr_uid == 7);
    CHECK(env.uids.lookup(8) == nullptr); // its only holder was b
    CHECK(env.uids.lookup(7)->ui_ref == 4);
    crcopy(a, a); // onto itself: no reference lost on the way
    CHECK(env.uids.lookup(7)->ui_ref == 4);
    crfree(a);
    crfree(b);
}

TEST_CASE("ucred: change_ruid/svuid/gids touch only their own field")
{
    CredEnv env;
    ucred* cr = cred_create(env.creds, env.uids, 1001, 20).value();
    uidinfo* other = env.uids.uifind(1002).value();
    change_ruid(cr, other);
    change_svuid(cr, 3);
    change_egid(cr, 4);
    change_rgid(cr, 5);
    change_svgid(cr, 6);
    CHECK(cr->cr_uid == 1001);
    CHECK(cr->cr_ruid == 1002);
    CHECK(cr->cr_ruidinfo == other);
    CHECK(cr->cr_svuid == 3);
    CHECK(cr->cr_gid() == 4);
    CHECK(cr->cr_rgid == 5);
    CHECK(cr->cr_svgid == 6);
    CHECK(other->ui_ref == 2);
    CHECK(env.uids.lookup(1001)->ui_ref == 1);
    uifree(other);
    crfree(cr);
}

TEST_CASE("ucred: changing a shared credential panics")
{
    CHECK(memtest::panics(
        [] {
            CredEnv env;
            ucred* cr = crget(env.creds).value();
            crhold(cr);
            change_svuid(cr, 1);
        },
        "shared credential"));
}

TEST_CASE("ucred: every allocation failure of cred_create and crdup is NoMem, nothing leaked")
{
    CredEnv env;
    ucred* made = nullptr;
    auto create = [&] {
        Result<ucred*> r = cred_create(env.creds, env.uids, 1001, 20);
        if (!r.ok()) return r.error();
        made = r.value();
        return Errno::Ok;
    };
    // Page allocator: each zone's first slab.
    CHECK(every_failure(env, [&](long n) { env.mem.pages.fail_after(n); }, create) == 2);
    crfree(made);
    // Each zone on its own.
    CHECK(every_failure(env, [&](long n) { env.uids.fail_after(n); }, create) == 1);
    crfree(made);
    CHECK(every_failure(env, [&](long n) { env.creds.fail_after(n); }, create) == 1);

    // crdup: the uid record exists already, the ucred is the only allocation.
    ucred* parent = made;
    ucred* dup = nullptr;
    auto duplicate = [&] {
        Result<ucred*> r = crdup(parent);
        if (!r.ok()) return r.error();
        dup = r.value();
        return Errno::Ok;
    };
    CHECK(env.creds.objects_in_use() == 1);
    CHECK(every_failure(env, [&](long n) { env.mem.pages.fail_after(n); }, duplicate) == 0);
    crfree(dup); // the zone keeps its slab busy with parent: no page needed
    CHECK(every_failure(env, [&](long n) { env.creds.fail_after(n); }, duplicate) == 1);
    CHECK(parent->cr_uidinfo->ui_ref == 4);
    crfree(dup);
    crfree(parent);
}

TEST_CASE("uidinfo: uifind makes a record once, then finds it; the last uifree frees it")
{
    CredEnv env;
    CHECK(env.uids.lookup(42) == nullptr);
    uidinfo* a = env.uids.uifind(42).value();
    CHECK(a->ui_uid == 42);
    CHECK(a->ui_ref == 1);
    CHECK(a->ui_proccnt == 0);
    CHECK(env.uids.count() == 1);
    uidinfo* b = env.uids.uifind(42).value();
    CHECK(b == a);
    CHECK(a->ui_ref == 2);
    CHECK(env.uids.count() == 1);
    uihold(a);
    CHECK(a->ui_ref == 3);
    uifree(a);
    uifree(a);
    CHECK(env.uids.lookup(42) == a);
    uifree(a);
    CHECK(env.uids.lookup(42) == nullptr);
    CHECK(env.uids.count() == 0);
}

TEST_CASE("uidinfo: uids sharing a hash bucket stay apart")
{
    CredEnv env;
    const uid_t ids[] = {3, 3 + UidTable::NBUCKETS, 3 + 2 * UidTable::NBUCKETS, 4};
    uidinfo* recs[4];
    for (int i = 0; i < 4; i++) recs[i] = env.uids.uifind(ids[i]).value();
    for (int i = 0; i < 4; i++) {
        CHECK(env.uids.lookup(ids[i]) == recs[i]);
        CHECK(recs[i]->ui_uid == ids[i]);
        for (int j = 0; j < i; j++) CHECK(recs[i] != recs[j]);
    }
    // Free the middle of a chain; the others remain reachable.
    uifree(recs[1]);
    CHECK(env.uids.lookup(ids[1]) == nullptr);
    CHECK(env.uids.lookup(ids[0]) == recs[0]);
    CHECK(env.uids.lookup(ids[2]) == recs[2]);
    uifree(recs[0]);
    uifree(recs[2]);
    uifree(recs[3]);
}

TEST_CASE("uidinfo: uifind's allocation failures are NoMem; a found record needs none")
{
    CredEnv env;
    uidinfo* got = nullptr;
    auto find = [&] {
        Result<uidinfo*> r = env.uids.uifind(5);
        if (!r.ok()) return r.error();
        got = r.value();
        return Errno::Ok;
    };
    CHECK(every_failure(env, [&](long n) { env.mem.pages.fail_after(n); }, find) == 1);
    CHECK(every_failure(env, [&](long n) { env.uids.fail_after(n); }, find) == 0);
    CHECK(got->ui_ref == 2);
    uifree(got);
    uifree(got);
}

TEST_CASE("uidinfo: chgproccnt enforces max on increases only; 0 means no limit")
{
    CredEnv env;
    uidinfo* uip = env.uids.uifind(1001).value();
    CHECK(chgproccnt(uip, 1, 2));
    CHECK(chgproccnt(uip, 1, 2));
    CHECK(uip->ui_proccnt == 2);
    CHECK_FALSE(chgproccnt(uip, 1, 2)); // 3 > 2
    CHECK(uip->ui_proccnt == 2);        // unchanged by a refusal
    CHECK_FALSE(chgproccnt(uip, 1, 1)); // already above a lowered limit
    CHECK(chgproccnt(uip, -1, 1));      // decreases always pass
    CHECK(uip->ui_proccnt == 1);
    CHECK(chgproccnt(uip, 5, 0)); // no limit
    CHECK(uip->ui_proccnt == 6);
    CHECK(chgproccnt(uip, 1, RLIM_INFINITY));
    CHECK(chgproccnt(uip, -7, 0));
    CHECK(uip->ui_proccnt == 0);
    uifree(uip);
}

TEST_CASE("uidinfo: freeing a record that still counts processes panics")
{
    CHECK(memtest::panics(
        [] {
            CredEnv env;
            uidinfo* uip = env.uids.uifind(9).value();
            (void)chgproccnt(uip, 1, 0);
            uifree(uip);
        },
        "1 processes"));
}

TEST_CASE("priv: PRIV_MAXPROC, PRIV_PROC_LIMIT and PRIV_PROC_SETRLIMIT go to euid 0 only")
{
    CredEnv env;
    ucred* root = cred_create(env.creds, env.uids, 0, 0).value();
    ucred* user = cred_create(env.creds, env.uids, 1001, 20).value();
    for (Priv p : {Priv::MaxProc, Priv::ProcLimit, Priv::ProcSetRlimit}) {
        CHECK(priv_check_cred(root, p).ok());
        CHECK(priv_check_cred(user, p).error() == Errno::Perm);
    }
    // The effective uid decides, not the real one.
    ucred* setuid_root = crdup(user).value();
    uidinfo* r0 = root->cr_uidinfo;
    change_euid(setuid_root, r0);
    CHECK(priv_check_cred(setuid_root, Priv::MaxProc).ok());
    ucred* dropped = crdup(root).value();
    change_euid(dropped, user->cr_uidinfo);
    CHECK(priv_check_cred(dropped, Priv::ProcLimit).error() == Errno::Perm);
    for (ucred* c : {root, user, setuid_root, dropped}) crfree(c);
}
