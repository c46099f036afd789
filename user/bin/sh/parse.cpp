// The shell's parser: a lexer that cuts the text into words and
// operators, and a recursive descent over parse.h's grammar.
#include "parse.h"

#include <string.h>

namespace sh {
namespace {

enum class T { Word, Newline, Semi, DSemi, Amp, AndIf, OrIf, Pipe, Redir, Lparen, End };

struct Tok {
    T type = T::End;
    const char* start = nullptr;
    size_t len = 0;
    bool quoted = false; // a word with a quote or a backslash: never a reserved word
    int io_fd = -1;      // a redirection's [n], or -1
    RedirOp op = RedirOp::In;
};

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool delimits(char c) { return !c || blank(c) || strchr("|&;<>()\n", c); }

class Lexer {
public:
    explicit Lexer(const char* text) : p_(text) {}

    // The next token, read once and kept until take().
    const Tok& peek()
    {
        if (!have_) {
            tok_ = scan();
            have_ = true;
        }
        return tok_;
    }
    Tok take()
    {
        peek();
        have_ = false;
        end_ = p_;
        return tok_;
    }
    bool incomplete() const { return incomplete_; }
    const char* consumed_to() const { return end_; } // the end of the last token taken

private:
    Tok scan()
    {
        for (;;) {
            while (blank(*p_)) p_++;
            if (p_[0] == '\\' && p_[1] == '\n') { // a line continued
                p_ += 2;
                continue;
            }
            if (*p_ == '#')
                while (*p_ && *p_ != '\n') p_++;
            break;
        }
        Tok t;
        t.start = p_;
        if (!*p_) return t;
        if (*p_ == '\n') return op(T::Newline, 1);
        if (p_[0] == '&' && p_[1] == '&') return op(T::AndIf, 2);
        if (p_[0] == '|' && p_[1] == '|') return op(T::OrIf, 2);
        if (p_[0] == ';' && p_[1] == ';') return op(T::DSemi, 2);
        if (*p_ == '&') return op(T::Amp, 1);
        if (*p_ == '|') return op(T::Pipe, 1);
        if (*p_ == ';') return op(T::Semi, 1);
        if (*p_ == '(' || *p_ == ')') return op(T::Lparen, 1);
        const char* q = p_;
        int fd = -1;
        if (digit(*q)) {
            while (digit(*q)) q++;
            if (*q == '<' || *q == '>') {
                fd = 0;
                for (const char* d = p_; d < q; d++) fd = fd > 100000 ? fd : fd * 10 + (*d - '0');
                p_ = q;
            }
        }
        if (*p_ == '<' || *p_ == '>') return redir(fd);
        return word();
    }

    Tok op(T type, size_t n)
    {
        Tok t;
        t.type = type;
        t.start = p_;
        t.len = n;
        p_ += n;
        return t;
    }

    Tok redir(int fd)
    {
        Tok t;
        t.type = T::Redir;
        t.start = p_;
        const bool in = *p_++ == '<';
        t.io_fd = fd >= 0 ? fd : (in ? 0 : 1);
        if (!in && *p_ == '>') {
            p_++;
            t.op = RedirOp::Append;
        } else if (*p_ == '&') {
            p_++;
            t.op = in ? RedirOp::DupIn : RedirOp::DupOut;
        } else {
            t.op = in ? RedirOp::In : RedirOp::Out;
        }
        t.len = static_cast<size_t>(p_ - t.start);
        return t;
    }

    Tok word()
    {
        Tok t;
        t.type = T::Word;
        t.start = p_;
        while (!delimits(*p_)) {
            const char c = *p_;
            if (c == '\\') {
                t.quoted = true;
                if (!p_[1]) return unfinished(t);
                p_ += 2;
            } else if (c == '\'') {
                t.quoted = true;
                const char* close = strchr(p_ + 1, '\'');
                if (!close) return unfinished(t);
                p_ = close + 1;
            } else if (c == '"') {
                t.quoted = true;
                const char* q = p_ + 1;
                while (*q && *q != '"') q += (*q == '\\' && q[1]) ? 2 : 1;
                if (!*q) return unfinished(t);
                p_ = q + 1;
            } else {
                p_++;
            }
        }
        t.len = static_cast<size_t>(p_ - t.start);
        return t;
    }

    Tok unfinished(Tok t)
    {
        incomplete_ = true;
        p_ += strlen(p_);
        t.type = T::End;
        return t;
    }

    const char* p_;
    const char* end_ = nullptr;
    Tok tok_;
    bool have_ = false;
    bool incomplete_ = false;
};

bool is_word(const Tok& t, const char* w)
{
    return t.type == T::Word && !t.quoted && t.len == strlen(w) && memcmp(t.start, w, t.len) == 0;
}

// The reserved words that end a list inside a compound command.
bool closes_list(const Tok& t)
{
    static const char* const kClosers[] = {"then", "elif", "else", "fi", "do", "done"};
    for (const char* w : kClosers)
        if (is_word(t, w)) return true;
    return false;
}

// The parts one after the other in buf (cut to its size).
void join(char* buf, size_t size, const char* const* parts, int n)
{
    size_t i = 0;
    for (int k = 0; k < n; k++)
        for (const char* s = parts[k]; *s && i + 1 < size; s++) buf[i++] = *s;
    buf[i] = '\0';
}

class Parser {
public:
    Parser(const char* text, Arena& a) : lex_(text), arena_(a) {}

    ParseStatus run(List** out, const char** error)
    {
        List* l = list(true);
        if (status_ == ParseStatus::Ok && lex_.incomplete()) status_ = ParseStatus::Incomplete;
        *out = status_ == ParseStatus::Ok && l && l->items ? l : nullptr;
        *error = error_;
        return status_;
    }

private:
    bool ok() const { return status_ == ParseStatus::Ok; }

    template <typename N> N* make()
    {
        N* n = arena_.make<N>();
        if (!n) oom();
        return n;
    }
    char* copy(const char* s, size_t n)
    {
        char* d = arena_.strndup(s, n);
        if (!d) oom();
        return d;
    }
    void oom()
    {
        if (ok()) status_ = ParseStatus::NoMemory, error_ = "out of memory";
    }

    // A syntax error at token t (or, at the end of the text, a need for more).
    void fail_at(const Tok& t, const char* what)
    {
        if (!ok()) return;
        if (t.type == T::End) {
            status_ = ParseStatus::Incomplete;
            error_ = "unexpected end of input";
            return;
        }
        status_ = ParseStatus::Error;
        static char msg[96];
        const size_t n = t.len < 24 ? t.len : 24;
        const char* shown = t.type == T::Newline ? "newline" : nullptr;
        char tokbuf[32];
        if (!shown) {
            memcpy(tokbuf, t.start, n);
            tokbuf[n] = '\0';
            shown = tokbuf;
        }
        const char* const parts[] = {"syntax error: ", what, " '", shown, "'"};
        join(msg, sizeof msg, parts, 5);
        error_ = msg;
    }

    void newlines()
    {
        while (lex_.peek().type == T::Newline) lex_.take();
    }

    // Takes reserved word w or fails.
    bool expect(const char* w)
    {
        newlines();
        if (!is_word(lex_.peek(), w)) {
            static char what[24];
            const char* const parts[] = {"wanted '", w, "', not"};
            join(what, sizeof what, parts, 3);
            fail_at(lex_.peek(), what);
            return false;
        }
        lex_.take();
        return true;
    }

    List* list(bool top)
    {
        List* l = make<List>();
        if (!l) return nullptr;
        Item** tail = &l->items;
        while (ok()) {
            newlines();
            const Tok& t = lex_.peek();
            if (t.type == T::End) break;
            if (closes_list(t)) {
                if (top) fail_at(t, "unexpected");
                break;
            }
            const char* start = t.start;
            Item* it = make<Item>();
            if (!it) break;
            it->andor = andor();
            if (!ok()) break;
            const char* end = lex_.consumed_to();
            while (end > start && (blank(end[-1]) || end[-1] == '\n')) end--;
            it->text = copy(start, static_cast<size_t>(end - start));
            const Tok& sep = lex_.peek();
            if (sep.type == T::Semi || sep.type == T::Amp) {
                it->background = sep.type == T::Amp;
                lex_.take();
            } else if (sep.type == T::Newline) {
                lex_.take();
            } else if (sep.type != T::End && !closes_list(sep)) {
                fail_at(sep, "unexpected");
            }
            *tail = it;
            tail = &it->next;
        }
        return l;
    }

    // A list that must hold a command (a compound's parts).
    List* nonempty_list()
    {
        List* l = list(false);
        if (ok() && l && !l->items) fail_at(lex_.peek(), "a command is missing before");
        return l;
    }

    Pipeline* andor()
    {
        Pipeline* first = pipeline();
        for (Pipeline* p = first; ok() && p;) {
            const T type = lex_.peek().type;
            if (type != T::AndIf && type != T::OrIf) break;
            lex_.take();
            newlines();
            p->join = type == T::AndIf ? Join::And : Join::Or;
            p->next = pipeline();
            p = p->next;
        }
        return first;
    }

    Pipeline* pipeline()
    {
        Pipeline* p = make<Pipeline>();
        if (!p) return nullptr;
        if (is_word(lex_.peek(), "!")) {
            lex_.take();
            p->bang = true;
        }
        Command** tail = &p->commands;
        for (;;) {
            Command* c = command();
            if (!ok()) return nullptr;
            *tail = c;
            tail = &c->next;
            p->ncommands++;
            if (lex_.peek().type != T::Pipe) break;
            lex_.take();
            newlines();
        }
        return p;
    }

    Command* command()
    {
        const Tok& t = lex_.peek();
        Command* c = nullptr;
        if (is_word(t, "if")) c = if_clause();
        else if (is_word(t, "while") || is_word(t, "until")) c = while_clause();
        else if (is_word(t, "for")) c = for_clause();
        else return simple();
        if (!ok()) return nullptr;
        Redir** tail = &c->redirs;
        while (ok() && lex_.peek().type == T::Redir) tail = redirection(tail);
        return ok() ? c : nullptr;
    }

    Command* simple()
    {
        Command* c = make<Command>();
        if (!c) return nullptr;
        c->kind = CmdKind::Simple;
        Word** atail = &c->assigns;
        Word** wtail = &c->words;
        Redir** rtail = &c->redirs;
        while (ok()) {
            const Tok& t = lex_.peek();
            if (t.type == T::Redir) {
                rtail = redirection(rtail);
                continue;
            }
            if (t.type != T::Word) break;
            if (!c->words && closes_list(t)) break;
            Word* w = make<Word>();
            if (!w) return nullptr;
            w->raw = copy(t.start, t.len);
            const char* eq = static_cast<const char*>(memchr(t.start, '=', t.len));
            const bool assign = !c->words && eq && valid_name(t.start, static_cast<size_t>(eq - t.start));
            lex_.take();
            if (assign) {
                *atail = w;
                atail = &w->next;
            } else {
                *wtail = w;
                wtail = &w->next;
            }
        }
        if (ok() && !c->words && !c->assigns && !c->redirs) fail_at(lex_.peek(), "a command is missing before");
        return ok() ? c : nullptr;
    }

    Redir** redirection(Redir** tail)
    {
        const Tok op = lex_.take();
        const Tok& target = lex_.peek();
        if (target.type != T::Word) {
            fail_at(target, "a file name is missing before");
            return tail;
        }
        Redir* r = make<Redir>();
        if (!r) return tail;
        r->fd = op.io_fd;
        r->op = op.op;
        r->target = copy(target.start, target.len);
        lex_.take();
        *tail = r;
        return &r->next;
    }

    Command* compound(CmdKind kind)
    {
        Command* c = make<Command>();
        if (c) c->kind = kind;
        lex_.take(); // the reserved word
        return c;
    }

    Command* if_clause()
    {
        Command* c = compound(CmdKind::If);
        if (!c) return nullptr;
        c->cond = nonempty_list();
        if (!ok() || !expect("then")) return nullptr;
        c->body = nonempty_list();
        if (!ok()) return nullptr;
        newlines();
        if (is_word(lex_.peek(), "elif")) {
            // An elif is an if alone in the else part, sharing the fi.
            List* l = make<List>();
            Item* it = make<Item>();
            Pipeline* p = make<Pipeline>();
            if (!ok()) return nullptr;
            Command* inner = if_clause();
            if (!ok()) return nullptr;
            p->commands = inner;
            p->ncommands = 1;
            it->andor = p;
            it->text = "elif";
            l->items = it;
            c->else_part = l;
            return c; // the inner if took the fi
        }
        if (is_word(lex_.peek(), "else")) {
            lex_.take();
            c->else_part = nonempty_list();
            if (!ok()) return nullptr;
        }
        return expect("fi") ? c : nullptr;
    }

    Command* while_clause()
    {
        Command* c = compound(is_word(lex_.peek(), "until") ? CmdKind::Until : CmdKind::While);
        if (!c) return nullptr;
        c->cond = nonempty_list();
        if (!ok() || !expect("do")) return nullptr;
        c->body = nonempty_list();
        return ok() && expect("done") ? c : nullptr;
    }

    Command* for_clause()
    {
        Command* c = compound(CmdKind::For);
        if (!c) return nullptr;
        const Tok name = lex_.peek();
        if (name.type != T::Word || !valid_name(name.start, name.len)) {
            fail_at(name, "a variable name is wanted, not");
            return nullptr;
        }
        lex_.take();
        c->var = copy(name.start, name.len);
        newlines();
        if (is_word(lex_.peek(), "in")) {
            lex_.take();
            c->for_has_in = true;
            Word** tail = &c->words;
            while (ok() && lex_.peek().type == T::Word) {
                const Tok w = lex_.take();
                Word* n = make<Word>();
                if (!n) return nullptr;
                n->raw = copy(w.start, w.len);
                *tail = n;
                tail = &n->next;
            }
            const T sep = lex_.peek().type;
            if (sep != T::Semi && sep != T::Newline) {
                fail_at(lex_.peek(), "';' or a newline is wanted, not");
                return nullptr;
            }
            lex_.take();
        } else if (lex_.peek().type == T::Semi) {
            lex_.take();
        }
        if (!expect("do")) return nullptr;
        c->body = nonempty_list();
        return ok() && expect("done") ? c : nullptr;
    }

    Lexer lex_;
    Arena& arena_;
    ParseStatus status_ = ParseStatus::Ok;
    const char* error_ = nullptr;
};

} // namespace

bool valid_name(const char* name, size_t len)
{
    if (len == 0 || digit(name[0])) return false;
    for (size_t i = 0; i < len; i++) {
        const char c = name[i];
        if (!(c == '_' || digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
    }
    return true;
}

ParseStatus parse(const char* text, Arena& arena, List** out, const char** error)
{
    Parser p(text, arena);
    return p.run(out, error);
}

} // namespace sh
