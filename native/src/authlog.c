/* authlog.c: the usual authentication messages, as authlog's extractors read them. */
#include "speedups.h"

/* ---- authlog's extractors, for the usual messages ----
 * Each returns 1 when it has added exactly the fields the Python extractor would, or -1 to
 * leave the message to it — always decided before touching the fields. Positions are within
 * the message (a view of the line from the message's start, so lookbehinds stop there). */


/* authlog._pam for session lines (pam_unix(svc:kind): session opened/closed for user U [by
 * R(uid=N)]) and other texts it only names the service of; -1 for authentication failures,
 * password changes, and anything _PAM might read differently (a newline anywhere). */
static int
pam_fast(Parser *p, PyObject *fields, PyObject *message, const Text *m)
{
    for (Py_ssize_t i = 0; i < m->len; i++)
        if (AT(m, i) == '\n')
            return -1;
    if (!literal_at(m, 0, "pam_unix("))
        return -1;
    Py_ssize_t i = 9, j = 9;
    while (j < m->len && (IS_WORD(AT(m, j)) || AT(m, j) == '-'))
        j++;
    if (j == i || !char_at(m, j, ':'))
        return -1;
    Py_ssize_t k = j + 1;
    while (k < m->len && IS_WORD(AT(m, k)))
        k++;
    if (k == j + 1 || !literal_at(m, k, "): "))
        return -1;
    Py_ssize_t text = k + 3;
    if (find_literal(m, text, "authentication failure") >= 0)
        return -1;
    Span user = NONE, by = NONE;
    int opened = 0;
    for (Py_ssize_t at = text; at < m->len && user.end < 0; at++) {
        int o = literal_at(m, at, "session opened for user ");
        if (!o && !literal_at(m, at, "session closed for user "))
            continue;
        Py_ssize_t u = at + 24, e = u;
        while (e < m->len && AT(m, e) != '(' && !IS_SPACE(AT(m, e)))
            e++;
        if (e > u) {
            user = (Span){u, e};
            opened = o;
        }
    }
    if (user.end < 0 && find_literal(m, text, "password changed for ") >= 0)
        return -1;
    if (user.end >= 0)
        for (Py_ssize_t b = text; b < m->len && by.end < 0; b++) {
            if (!literal_at(m, b, " by "))
                continue;
            Py_ssize_t e = b + 4;
            while (e < m->len && AT(m, e) != '(' && !IS_SPACE(AT(m, e)))
                e++;
            if (literal_at(m, e, "(uid="))
                by = (Span){b + 4, e};
        }
    if (set_repeated(p, fields, K_PAM_SERVICE, message, (Span){9, j}) < 0)
        return -2;
    if (user.end >= 0
        && (set_repeated(p, fields, K_USER, message, user) < 0
            || add(fields, K_ACTION, opened ? V_OPENED : V_CLOSED) < 0
            || add(fields, K_OUTCOME, V_SUCCESS) < 0
            || (by.end >= 0 && set_repeated(p, fields, K_RUSER, message, by) < 0)))
        return -2;
    return 1;
}

/* IP as _IP reads it at s, then " port N" if present (_SSHD_INVALID's optional port). */
static int
ip_then_port(const Text *m, Py_ssize_t s, Span *ip, Span *port)
{
    Py_ssize_t e = s;
    while (e < m->len && IS_IP1(AT(m, e)))
        e++;
    while (e > s + 1 && !IS_HEX(AT(m, e - 1)))
        e--;
    if (!(e - s >= 2 && IS_HEX(AT(m, e - 1)))) {
        e = s;
        while (e < m->len && (IS_WORD(AT(m, e)) || AT(m, e) == '.' || AT(m, e) == '-'))
            e++;
        if (e == s)
            return 0;
    }
    *ip = (Span){s, e};
    *port = NONE;
    if (literal_at(m, e, " port ") && e + 6 < m->len && IS_DIGIT(AT(m, e + 6)))
        *port = (Span){e + 6, run_digits(m, e + 6)};
    return 1;
}

/* _IP_PORT.search(message, start): (?<![\w.:-])(IP) port (\d+), leftmost. */
static int
ip_port_search(const Text *m, Py_ssize_t start, Span *ip, Span *port)
{
    for (Py_ssize_t p = start; p < m->len; p++) {
        if (p > 0) {
            Py_UCS4 b = AT(m, p - 1);
            if (IS_WORD(b) || b == '.' || b == ':' || b == '-')
                continue;
        }
        Py_ssize_t e = p;
        while (e < m->len && IS_IP1(AT(m, e)))
            e++;
        int ok = e > p && IS_HEX(AT(m, e - 1)) && literal_at(m, e, " port ") && e + 6 < m->len
                 && IS_DIGIT(AT(m, e + 6));
        if (!ok) {
            e = p;
            while (e < m->len && (IS_WORD(AT(m, e)) || AT(m, e) == '.' || AT(m, e) == '-'))
                e++;
            ok = e > p && literal_at(m, e, " port ") && e + 6 < m->len && IS_DIGIT(AT(m, e + 6));
        }
        if (ok) {
            *ip = (Span){p, e};
            *port = (Span){e + 6, run_digits(m, e + 6)};
            return 1;
        }
    }
    return 0;
}

static Py_ssize_t
nonspace_until(const Text *m, Py_ssize_t i, Py_ssize_t end)
{
    while (i < end && !IS_SPACE(AT(m, i)))
        i++;
    return i;
}

/* _SSHD_USER.search(message, 0, end): \buser (\S*) |for (?:invalid user )?(\S*) from
 * 0: none; 1: the first group matched (in *user); 2: the second. */
static int
user_search(const Text *m, Py_ssize_t end, Span *user)
{
    for (Py_ssize_t p = 0; p < end; p++) {
        if (AT(m, p) == 'u' && (p == 0 || !IS_WORD(AT(m, p - 1))) && literal_in(m, p, "user ", end)) {
            Py_ssize_t r = nonspace_until(m, p + 5, end);
            if (r < end && AT(m, r) == ' ') {
                *user = (Span){p + 5, r};
                return 1;
            }
        }
        if (literal_in(m, p, "for ", end)) {
            Py_ssize_t q = p + 4;
            if (literal_in(m, q, "invalid user ", end)) {
                Py_ssize_t r = nonspace_until(m, q + 13, end);
                if (literal_in(m, r, " from ", end)) {
                    *user = (Span){q + 13, r};
                    return 2;
                }
            }
            Py_ssize_t r = nonspace_until(m, q, end);
            if (literal_in(m, r, " from ", end)) {
                *user = (Span){q, r};
                return 2;
            }
        }
    }
    return 0;
}

/* authlog._sshd for messages other than log-in verdicts and PAM lines it cannot read. */
static int
sshd_fast(Parser *p, PyObject *fields, PyObject *message, const Text *m)
{
    if (m->len == 0)
        return -1;
    Py_UCS4 head = AT(m, 0);
    if (head == 'p' && literal_at(m, 0, "pam_unix"))
        return pam_fast(p, fields, message, m);
    if (head == 'A' || head == 'F' || head == 'P')
        return -1; /* maybe a verdict in a shape the header did not take */
    Span ip, port, user;
    if ((head == 'I' || head == 'i') && literal_at(m, 1, "nvalid user ")) {
        for (Py_ssize_t u = 13;; u++) {
            if (literal_at(m, u, " from ") && ip_then_port(m, u + 6, &ip, &port)) {
                if (set_repeated(p, fields, K_USER, message, (Span){13, u}) < 0
                    || set_repeated(p, fields, K_SRC_IP, message, ip) < 0
                    || (port.end >= 0 && set_span(fields, K_SRC_PORT, message, port) < 0)
                    || add(fields, K_OUTCOME, V_FAILURE) < 0 || add(fields, K_INVALID, V_TRUE) < 0)
                    return -2;
                return 1;
            }
            if (u >= m->len || AT(m, u) == '\n')
                break;
        }
    }
    Py_ssize_t at = find_literal(m, 0, " port ");
    int found = 0, named = 0;
    if (at > 0 && (found = ip_port_search(m, at > 46 ? at - 46 : 0, &ip, &port)))
        named = user_search(m, ip.start + 1, &user);
    if (found
        && ((named && set_repeated(p, fields, K_USER, message, user) < 0)
            || set_repeated(p, fields, K_SRC_IP, message, ip) < 0
            || set_span(fields, K_SRC_PORT, message, port) < 0))
        return -2;
    if (find_literal(m, 0, "Failed ") >= 0 || find_literal(m, 0, "Invalid user") >= 0
        || find_literal(m, 0, "authentication failure") >= 0
        || find_literal(m, 0, "maximum authentication") >= 0)
        return add(fields, K_OUTCOME, V_FAILURE) < 0 ? -2 : 1;
    return 1;
}

/* The extractor for `handler` in C when there is one and it can read the message: 1 done,
 * -1 call the Python one, -2 error. */
int
extract_fast(Parser *p, PyObject *handler, PyObject *fields, PyObject *line, Span msg,
             PyObject *message)
{
    Text t;
    if (text_of(line, &t) < 0)
        return -2;
    Text m = {t.kind, (const char *)t.data + msg.start * t.kind, msg.end - msg.start};
    if (handler == p->sshd_handler)
        return sshd_fast(p, fields, message, &m);
    if (handler == p->pam_only_handler || handler == NULL) /* _pam_only, or extract's own */
        return literal_at(&m, 0, "pam_unix") ? pam_fast(p, fields, message, &m) : 1;
    return -1;
}
