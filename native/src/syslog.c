/* syslog.c: RFC 3164 syslog lines (syslog.SyslogFormat). */
#include "speedups.h"

/* ---- syslog RFC 3164 lines: syslog._BSD_SSHD ----
 *   ^(?:<(?P<pri>\d{1,3})>)?(?P<stamp>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)(?:\.\d+)? (?P<host>\S+)
 *   then either the sshd log-in verdict
 *     (?P<sprog>sshd(?:-session)?)(?:\[(?P<spid>\d+)\])?: ?(?P<smsg>(?-s:SSHD_AUTH).*)
 *   or the general tag  (?:(?P<prog>[^\s\[:]{1,64})(?:\[(?P<pid>\d+)\])?: ?)?(?P<msg>.*)
 * with SSHD_AUTH = (Accepted|Failed|Postponed) (\S+) for (?:invalid user )?(.*?) from IP
 *   port (\d+), IP = ([0-9A-Fa-f:.]+[0-9A-Fa-f]|[\w.-]+). */

enum {
    S_PRI, S_STAMP, S_HOST, S_SPROG, S_SPID, S_SMSG, S_VERB, S_METHOD, S_USER, S_IP, S_PORT,
    S_PROG, S_PID, S_MSG, S_GROUPS
};

static int
header(const Text *t, Span *g, Py_ssize_t *after)
{
    Py_ssize_t i = 0;
    g[S_PRI] = NONE;
    if (char_at(t, 0, '<')) {
        Py_ssize_t j = run_digits(t, 1);
        if (j > 1 && j <= 4 && char_at(t, j, '>')) {
            g[S_PRI] = (Span){1, j};
            i = j + 1;
        }
        else
            return 0; /* '<' cannot start a stamp */
    }
    if (i + 15 > t->len)
        return 0;
    Py_UCS4 c0 = AT(t, i), c1 = AT(t, i + 1), c2 = AT(t, i + 2), c5 = AT(t, i + 4);
    if (!(c0 >= 'A' && c0 <= 'Z') || !(c1 >= 'a' && c1 <= 'z') || !(c2 >= 'a' && c2 <= 'z'))
        return 0;
    if (AT(t, i + 3) != ' ' || !(c5 == ' ' || IS_DIGIT(c5)) || !IS_DIGIT(AT(t, i + 5))
        || AT(t, i + 6) != ' ' || !IS_DIGIT(AT(t, i + 7)) || !IS_DIGIT(AT(t, i + 8))
        || AT(t, i + 9) != ':' || !IS_DIGIT(AT(t, i + 10)) || !IS_DIGIT(AT(t, i + 11))
        || AT(t, i + 12) != ':' || !IS_DIGIT(AT(t, i + 13)) || !IS_DIGIT(AT(t, i + 14)))
        return 0;
    g[S_STAMP] = (Span){i, i + 15};
    i += 15;
    if (char_at(t, i, '.')) {
        Py_ssize_t j = run_digits(t, i + 1);
        if (j == i + 1)
            return 0;
        i = j;
    }
    if (!char_at(t, i, ' '))
        return 0;
    Py_ssize_t j = word_then_space(t, ++i);
    if (j < 0)
        return 0;
    g[S_HOST] = (Span){i, j};
    *after = j + 1;
    return 1;
}

/* " from IP port N" at u (the end of a candidate user): sets ip and port, or returns 0. */
static int
from_ip_port(const Text *t, Py_ssize_t u, Span *g)
{
    if (!literal_at(t, u, " from "))
        return 0;
    Py_ssize_t s = u + 6, e = s;
    while (e < t->len && IS_IP1(AT(t, e)))
        e++;
    int ok = e - s >= 2 && IS_HEX(AT(t, e - 1)) && literal_at(t, e, " port ")
             && e + 6 < t->len && IS_DIGIT(AT(t, e + 6));
    if (!ok) {
        e = s;
        while (e < t->len) {
            Py_UCS4 c = AT(t, e);
            if (!(IS_WORD(c) || c == '.' || c == '-'))
                break;
            e++;
        }
        ok = e > s && literal_at(t, e, " port ") && e + 6 < t->len && IS_DIGIT(AT(t, e + 6));
    }
    if (!ok)
        return 0;
    g[S_IP] = (Span){s, e};
    g[S_PORT] = (Span){e + 6, run_digits(t, e + 6)};
    return 1;
}

/* The lazy user (.*?) from `start` (no newline in it), then from_ip_port. */
static int
lazy_user(const Text *t, Py_ssize_t start, Span *g)
{
    for (Py_ssize_t u = start;; u++) {
        if (from_ip_port(t, u, g)) {
            g[S_USER] = (Span){start, u};
            return 1;
        }
        if (u >= t->len || AT(t, u) == '\n')
            return 0;
    }
}

static int
sshd_branch(const Text *t, Py_ssize_t i, Span *g)
{
    if (!literal_at(t, i, "sshd"))
        return 0;
    Py_ssize_t j = i + 4;
    if (literal_at(t, j, "-session"))
        j += 8;
    g[S_SPROG] = (Span){i, j};
    g[S_SPID] = NONE;
    if (char_at(t, j, '[')) {
        Py_ssize_t k = run_digits(t, j + 1);
        if (k == j + 1 || !char_at(t, k, ']'))
            return 0;
        g[S_SPID] = (Span){j + 1, k};
        j = k + 1;
    }
    if (!char_at(t, j, ':'))
        return 0;
    j++;
    if (char_at(t, j, ' '))
        j++;
    Py_ssize_t m = j;
    if (literal_at(t, j, "Accepted "))
        j += 8;
    else if (literal_at(t, j, "Failed "))
        j += 6;
    else if (literal_at(t, j, "Postponed "))
        j += 9;
    else
        return 0;
    g[S_VERB] = (Span){m, j};
    Py_ssize_t k = word_then_space(t, ++j);
    if (k < 0 || !literal_at(t, k, " for "))
        return 0;
    g[S_METHOD] = (Span){j, k};
    k += 5;
    if (!((literal_at(t, k, "invalid user ") && lazy_user(t, k + 13, g)) || lazy_user(t, k, g)))
        return 0;
    g[S_SMSG] = (Span){m, t->len};
    return 1;
}

static void
tag_branch(const Text *t, Py_ssize_t i, Span *g)
{
    g[S_PROG] = g[S_PID] = NONE;
    Py_ssize_t j = i;
    while (j < t->len) {
        Py_UCS4 c = AT(t, j);
        if (c == '[' || c == ':' || IS_SPACE(c))
            break;
        j++;
    }
    Py_ssize_t msg = i;
    if (j > i && j - i <= 64) {
        Py_ssize_t k = j;
        Span pid = NONE;
        if (char_at(t, k, '[')) {
            Py_ssize_t d = run_digits(t, k + 1);
            if (d > k + 1 && char_at(t, d, ']')) {
                pid = (Span){k + 1, d};
                k = d + 1;
            }
        }
        if (char_at(t, k, ':')) {
            g[S_PROG] = (Span){i, j};
            g[S_PID] = pid;
            msg = char_at(t, k + 1, ' ') ? k + 2 : k + 1;
        }
    }
    g[S_MSG] = (Span){msg, t->len};
}

/* 1: a verdict (sshd groups set), 2: a general line (tag groups set), 0: no match. */
static int
bsd_match(const Text *t, Span *g)
{
    Py_ssize_t i;
    if (!header(t, g, &i))
        return 0;
    if (sshd_branch(t, i, g))
        return 1;
    tag_branch(t, i, g);
    return 2;
}

/* The fields a header starts with: PRI's (through Python), or none. */
static PyObject *
pri_start(Parser *p, PyObject *line, Span pri)
{
    if (pri.end < 0)
        return NEW_FIELDS();
    PyObject *text = sub(line, pri);
    if (text == NULL)
        return NULL;
    PyObject *fields = PyObject_CallOneArg(p->pri_fields, text);
    Py_DECREF(text);
    if (fields != NULL && !PyDict_CheckExact(fields)) {
        Py_DECREF(fields);
        PyErr_SetString(PyExc_TypeError, "PRI fields must be a dict");
        return NULL;
    }
    return fields;
}

/* syslog's _sshd_auth_fields: the fields of a verdict line, in the general path's order. */
static PyObject *
verdict_fields(Parser *p, PyObject *line, const Text *t, Span *g)
{
    PyObject *fields = pri_start(p, line, g[S_PRI]);
    if (fields == NULL)
        return NULL;
    if (set_repeated(p, fields, K_HOST, line, g[S_HOST]) < 0
        || set_repeated(p, fields, K_PROGRAM, line, g[S_SPROG]) < 0
        || (g[S_SPID].end >= 0 && set_span(fields, K_PID, line, g[S_SPID]) < 0)
        || set_span(fields, K_MESSAGE, line, g[S_SMSG]) < 0
        || set_repeated(p, fields, K_USER, line, g[S_USER]) < 0
        || set_repeated(p, fields, K_SRC_IP, line, g[S_IP]) < 0
        || set_span(fields, K_SRC_PORT, line, g[S_PORT]) < 0
        || set_repeated(p, fields, K_METHOD, line, g[S_METHOD]) < 0)
        goto fail;
    int accepted = AT(t, g[S_VERB].start) == 'A';
    if (PyDict_SetItem(fields, K_OUTCOME, accepted ? V_SUCCESS : V_FAILURE) < 0)
        goto fail;
    Py_ssize_t found = PyUnicode_Find(line, V_INVALID_USER, g[S_SMSG].start, g[S_PORT].end, 1);
    if (found == -2 || (found >= 0 && PyDict_SetItem(fields, K_INVALID, V_TRUE) < 0))
        goto fail;
    return fields;
fail:
    Py_DECREF(fields);
    return NULL;
}

/* syslog's event() for a general line: header fields, authlog.extract, the program's source. */
static PyObject *
general_event(Parser *p, PyObject *line, PyObject *position, PyObject *ts, Span *g)
{
    PyObject *fields = pri_start(p, line, g[S_PRI]), *program = NULL, *message = NULL;
    PyObject *source = NULL, *event = NULL;
    if (fields == NULL)
        goto done;
    if (g[S_PROG].end >= 0)
        program = repeated(p, line, g[S_PROG]);
    else {
        program = V_EMPTY;
        Py_INCREF(program);
    }
    if (program == NULL || (message = sub(line, g[S_MSG])) == NULL
        || set_repeated(p, fields, K_HOST, line, g[S_HOST]) < 0
        || PyDict_SetItem(fields, K_PROGRAM, program) < 0
        || (g[S_PID].end >= 0 && set_span(fields, K_PID, line, g[S_PID]) < 0)
        || PyDict_SetItem(fields, K_MESSAGE, message) < 0)
        goto done;
    PyObject *handler = PyDict_GetItemWithError(p->by_program, program); /* borrowed */
    PyObject *rc = NULL;
    if (handler == NULL && PyErr_Occurred())
        goto done;
    int fast = extract_fast(p, handler, fields, line, g[S_MSG], message);
    if (fast == -2)
        goto done;
    if (fast == 1) {
        rc = Py_None;
        Py_INCREF(rc);
    }
    else if (handler != NULL)
        rc = PyObject_CallFunctionObjArgs(handler, message, fields, NULL);
    else if (PyErr_Occurred())
        goto done;
    else {
        int pam = PyUnicode_Tailmatch(message, V_PAM, 0, PY_SSIZE_T_MAX, -1);
        if (pam < 0)
            goto done;
        if (pam)
            rc = PyObject_CallFunctionObjArgs(p->pam, message, fields, NULL);
        else {
            rc = Py_None;
            Py_INCREF(rc);
        }
    }
    if (rc == NULL)
        goto done;
    Py_DECREF(rc);
    source = PyDict_GetItemWithError(p->sources, program);
    if (source != NULL)
        Py_INCREF(source);
    else if (!PyErr_Occurred())
        source = PyObject_CallOneArg(p->source_get, program);
    if (source == NULL)
        goto done;
    Py_INCREF(ts);
    event = new_event(p->event_type, p->display, position, ts, source, fields, line);
    fields = NULL;
done:
    Py_XDECREF(fields);
    Py_XDECREF(program);
    Py_XDECREF(message);
    Py_XDECREF(source);
    return event;
}

/* bsd_time(stamp), or its last answer when the stamp is the last one asked about: the Python
 * cache answers a repeated stamp from its own last answer, without touching year inference
 * (the lines in between, if any, had RFC 3339 stamps, which leave it as it is). */
static PyObject *
stamp_time(Parser *p, PyObject *line, Span s)
{
    if (p->last_stamp != NULL) {
        Text t, l;
        if (text_of(line, &t) < 0 || text_of(p->last_stamp, &l) < 0)
            return NULL;
        int same = l.len == s.end - s.start;
        for (Py_ssize_t i = 0; same && i < l.len; i++)
            same = AT(&l, i) == AT(&t, s.start + i);
        if (same) {
            Py_INCREF(p->last_ts);
            return p->last_ts;
        }
    }
    PyObject *stamp = sub(line, s), *ts = NULL;
    if (stamp == NULL)
        return NULL;
    /* The minute's start remembered by the Python cache (it forgets them all whenever year
     * inference moves, so a stamp found there cannot move it) plus the seconds. */
    PyObject *minute_key = PyUnicode_Substring(stamp, 0, 12), *second_key = NULL;
    if (minute_key == NULL || (second_key = PyUnicode_Substring(stamp, 13, 15)) == NULL) {
        Py_XDECREF(minute_key);
        Py_DECREF(stamp);
        return NULL;
    }
    PyObject *minute = PyDict_GetItemWithError(p->bsd_minutes, minute_key), *second = NULL;
    if (minute != NULL)
        second = PyDict_GetItemWithError(p->seconds, second_key);
    Py_DECREF(minute_key);
    Py_DECREF(second_key);
    if (PyErr_Occurred()) {
        Py_DECREF(stamp);
        return NULL;
    }
    ts = second != NULL ? PyNumber_Add(minute, second) : PyObject_CallOneArg(p->bsd_time, stamp);
    if (ts == NULL) {
        Py_DECREF(stamp);
        return NULL;
    }
    Py_XSETREF(p->last_stamp, stamp);
    Py_INCREF(ts);
    Py_XSETREF(p->last_ts, ts);
    return ts;
}

PyObject *
parse_syslog(Parser *p, PyObject *line, PyObject *position)
{
    Text t;
    Span g[S_GROUPS];
    if (text_of(line, &t) < 0)
        return NULL;
    int kind = bsd_match(&t, g);
    if (kind == 0)
        return PyObject_CallFunctionObjArgs(p->structured, line, position, NULL);
    PyObject *ts = stamp_time(p, line, g[S_STAMP]);
    if (ts == NULL || ts == Py_None)
        return ts;
    PyObject *event;
    if (kind == 2)
        event = general_event(p, line, position, ts, g);
    else {
        Py_INCREF(ts);
        event = new_event(p->event_type, p->display, position, ts, p->logsource,
                          verdict_fields(p, line, &t, g), line);
    }
    Py_DECREF(ts);
    return event;
}
