// Event hooks (FreeBSD's eventhandler(9)): a subsystem registers a function
// for an event, and the code where the event happens invokes every
// registered function in priority order without knowing who listens.  The
// seed's EVENTHANDLER_INVOKE(process_fork, p1, p2, flags) is one such
// event; the list for it is declared where the event happens.
//
// Entries are intrusive: the registering subsystem owns the entry (usually
// a static object), so registration cannot fail.  One hart, interrupts off
// while the list changes; events are not invoked from interrupt handlers.
#pragma once

#include <lib/kassert.h>
#include <lib/list.h>

// FreeBSD's priorities: lower runs first.
inline constexpr int EVENTHANDLER_PRI_FIRST = 0;
inline constexpr int EVENTHANDLER_PRI_ANY = 10000;
inline constexpr int EVENTHANDLER_PRI_LAST = 20000;

template <typename... Args>
class EventHandlerList {
public:
    using Fn = void (*)(void* arg, Args... args);

    struct Entry {
        Fn fn = nullptr;
        void* arg = nullptr;
        int priority = EVENTHANDLER_PRI_ANY;
        ListNode link;
    };

    explicit EventHandlerList(const char* name) : name_(name) {}
    EventHandlerList(const EventHandlerList&) = delete;
    EventHandlerList& operator=(const EventHandlerList&) = delete;

    // Adds e (not yet registered) after the entries of equal or better
    // priority (EVENTHANDLER_REGISTER).
    void register_handler(Entry& e)
    {
        KASSERT(e.fn, "event %s: handler without a function", name_);
        KASSERT(!e.link.linked(), "event %s: handler registered twice", name_);
        for (Entry* cur : entries_) {
            if (cur->priority > e.priority) {
                entries_.insert_before(cur, &e);
                return;
            }
        }
        entries_.push_back(&e);
    }
    // EVENTHANDLER_DEREGISTER.
    void deregister_handler(Entry& e) { entries_.remove(&e); }

    // EVENTHANDLER_INVOKE: a handler must not (de)register handlers of
    // this event while it runs.
    void invoke(Args... args)
    {
        for (Entry* e : entries_) e->fn(e->arg, args...);
    }

    size_t count() const { return entries_.size(); }
    const char* name() const { return name_; }

private:
    const char* name_;
    List<Entry, &Entry::link> entries_;
};
