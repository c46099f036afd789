// Type-safe intrusive doubly linked list (the job of FreeBSD's TAILQ
// macros).  An object joins a list through a ListNode member; the list is
// told which member:
//
//     struct Page { ListNode link; ... };
//     List<Page, &Page::link> free_pages;
//
// No allocation, O(1) insert and remove, and a node knows whether it is on
// a list, so double insertion is caught.
#pragma once

#include <stddef.h>
#include <lib/kassert.h>

struct ListNode {
    ListNode* prev = nullptr;
    ListNode* next = nullptr;
    bool linked() const { return next != nullptr; }
};

template <typename T, ListNode T::*Member>
class List {
public:
    List() { head_.prev = head_.next = &head_; }
    List(const List&) = delete;
    List& operator=(const List&) = delete;

    bool empty() const { return head_.next == &head_; }
    size_t size() const { return size_; }

    T* front() { return empty() ? nullptr : owner(head_.next); }
    T* back() { return empty() ? nullptr : owner(head_.prev); }

    void push_front(T* obj) { insert_after(&head_, node(obj)); }
    void push_back(T* obj) { insert_after(head_.prev, node(obj)); }
    void insert_before(T* pos, T* obj) { insert_after(node(pos)->prev, node(obj)); }
    // pos must be on this list (the seed's LIST_INSERT_AFTER).
    void insert_after(T* pos, T* obj) { insert_after(node(pos), node(obj)); }

    void remove(T* obj)
    {
        ListNode* n = node(obj);
        KASSERT(n->linked(), "removing an object that is on no list");
        n->prev->next = n->next;
        n->next->prev = n->prev;
        n->prev = n->next = nullptr;
        size_--;
    }

    T* pop_front()
    {
        T* obj = front();
        if (obj) remove(obj);
        return obj;
    }

    // The element after obj, or nullptr at the end.
    T* next(T* obj) { return node(obj)->next == &head_ ? nullptr : owner(node(obj)->next); }
    // The element before obj, or nullptr at the start.
    T* prev(T* obj) { return node(obj)->prev == &head_ ? nullptr : owner(node(obj)->prev); }

    class Iterator {
    public:
        Iterator(ListNode* n) : n_(n) {}
        T* operator*() const { return owner(n_); }
        Iterator& operator++() { n_ = n_->next; return *this; }
        bool operator!=(const Iterator& o) const { return n_ != o.n_; }

    private:
        ListNode* n_;
    };
    // Iteration must not remove the current element; use next() for that.
    Iterator begin() { return Iterator(head_.next); }
    Iterator end() { return Iterator(&head_); }

private:
    static ListNode* node(T* obj) { return &(obj->*Member); }
    static T* owner(ListNode* n)
    {
        return reinterpret_cast<T*>(reinterpret_cast<char*>(n) - member_offset());
    }
    // Where the node sits inside T: measured on storage shaped like a T
    // (never constructed), as offsetof cannot take a member pointer.
    static size_t member_offset()
    {
        alignas(T) static char probe[sizeof(T)];
        T* t = reinterpret_cast<T*>(probe);
        return reinterpret_cast<char*>(&(t->*Member)) - probe;
    }
    void insert_after(ListNode* pos, ListNode* n)
    {
        KASSERT(!n->linked(), "object is already on a list");
        n->prev = pos;
        n->next = pos->next;
        pos->next->prev = n;
        pos->next = n;
        size_++;
    }

    ListNode head_;
    size_t size_ = 0;
};
